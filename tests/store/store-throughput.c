/* store-throughput.c: how many durable single-seat bookings per second the SQLite store commits
 * with group commit. Not a test: it asserts nothing about speed.
 *
 *   store-throughput [N_OPS [BATCH [DB_PATH]]]     (defaults: 100000 200 in a temporary dir)
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "sb-store.h"
#include "store-test-util.h"

int
main (int argc, char **argv)
{
  guint n_ops = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  guint batch = argc > 2 ? (guint) atoi (argv[2]) : 200;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *venue = NULL;
  g_autoptr (SbStore) store = NULL;
  g_autoptr (GError) error = NULL;
  guint rows = (n_ops + 99) / 100;
  guint refused = 0;
  gint64 start, elapsed;

  if (argc > 3)
    path = g_strdup (argv[3]);
  else
    {
      dir = g_dir_make_tmp ("sb-throughput-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (dir, "seatbook.db", NULL);
    }
  uri = g_strconcat ("sqlite:", path, NULL);
  store = sb_store_open (uri, &error);
  g_assert_no_error (error);

  venue = store_test_make_venue (rows, 100, NULL);
  if (!sb_store_create_event (store, "throughput", "Throughput", venue, 0, &error))
    g_error ("%s", error->message);

  start = g_get_monotonic_time ();
  for (guint done = 0; done < n_ops; done += batch)
    {
      g_autoptr (GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_op_free);

      for (guint i = done; i < MIN (done + batch, n_ops); i++)
        {
          g_autofree char *request = g_strdup_printf ("r%u", i);
          g_autofree char *client = g_strdup_printf ("c%u", i % 997);
          SbOp *op = sb_op_new (SB_OP_BOOK, "throughput", client, request);

          op->seat_ids = g_new0 (char *, 2);
          op->seat_ids[0] = store_test_seat_id (i / 100, i % 100 + 1);
          op->now_ms = g_get_real_time () / 1000;
          g_ptr_array_add (ops, op);
        }
      if (!sb_store_apply (store, ops, &error))
        g_error ("apply: %s", error->message);
      for (guint i = 0; i < ops->len; i++)
        refused += ((SbOp *) g_ptr_array_index (ops, i))->error != SB_ERROR_NONE;
    }
  elapsed = g_get_monotonic_time () - start;

  g_print ("%u book-by-seat ops in batches of %u: %.2f s, %.0f ops/s (%u refused)\n", n_ops, batch,
           elapsed / 1e6, n_ops / (elapsed / 1e6), refused);

  g_clear_object (&store);
  if (dir != NULL)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_remove (path);
      g_remove (wal);
      g_remove (shm);
      g_rmdir (dir);
    }
  return 0;
}
