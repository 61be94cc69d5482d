/* hold-best-cpu.c: the store's CPU per hold_best op on the 5,610-seat arena (BENCHMARKS.md,
 * "hold_best"): the SQLite store in a temporary directory, one op per transaction as a lone
 * request gets, timed with the calling thread's CPU clock (the store runs the rules and the search
 * on the thread that applies). For comparison, a plain hold of two named seats. Not a test.
 *
 *   hold-best-cpu [VENUE [N [FILL]]]   (defaults: data/venues/arena.json 300 5200)
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <time.h>

#include "sb-best-available.h"
#include "sb-store.h"
#include "sb-venue.h"

static double
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static guint serial;

/* Applies one op alone; returns whether it succeeded. */
static gboolean
apply_one (SbStore *store, SbOp *op)
{
  g_autoptr (GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_op_free);
  g_autoptr (GError) error = NULL;
  gboolean ok;

  op->now_ms = sb_now_ms ();
  op->ttl_ms = 7200 * 1000;
  g_ptr_array_add (ops, op);
  if (!sb_store_apply (store, ops, &error))
    g_error ("%s", error->message);
  ok = op->error == SB_ERROR_NONE;
  return ok;
}

static SbOp *
new_op (SbOpKind kind)
{
  g_autofree char *request = g_strdup_printf ("r%u", serial++);

  return sb_op_new (kind, "arena", "bench-client", request);
}

static void
run (SbStore *store, SbVenue *venue, const char *label, gboolean best, guint n, guint *next_seat)
{
  double start = thread_cpu_us ();
  guint held = 0;

  for (guint i = 0; i < n; i++)
    {
      SbOp *op = new_op (best ? SB_OP_HOLD_BEST : SB_OP_HOLD);

      if (best)
        {
          op->best.count = 2;
          op->best.max_price = -1;
        }
      else
        {
          op->seat_ids = g_new0 (char *, 3);
          for (guint k = 0; k < 2; k++)
            {
              while (sb_venue_get_seat (venue, *next_seat)->blocked)
                (*next_seat)++;
              op->seat_ids[k] = g_strdup (sb_venue_get_seat (venue, (*next_seat)++)->id);
            }
        }
      held += apply_one (store, op);
    }
  g_print ("%-26s %5u ops (%u held): %.0f us of store CPU per op\n", label, n, held,
           (thread_cpu_us () - start) / n);
}

/* The search alone (no store): the arena with its first `fill` seats taken. */
static void
run_search (SbVenue *venue, guint fill, gboolean together)
{
  guint n_seats = sb_venue_get_n_seats (venue), rounds = 2000;
  g_autofree guint8 *taken = g_new0 (guint8, n_seats);
  SbBestQuery query = { 2, NULL, 0, -1, together, TRUE };
  SbBestResult result;
  double start;

  for (guint i = 0; i < MIN (fill, n_seats); i++)
    taken[i] = 1;
  start = thread_cpu_us ();
  for (guint i = 0; i < rounds; i++)
    if (!sb_best_available_find (venue, taken, &query, &result))
      g_error ("no seats");
  g_print ("search alone, %u taken, %s: %.1f us per search\n", MIN (fill, n_seats),
           together ? "together" : "apart", (thread_cpu_us () - start) / rounds);
}

int
main (int argc, char **argv)
{
  const char *venue_path = argc > 1 ? argv[1] : SB_SOURCE_DATADIR "/venues/arena.json";
  guint n = argc > 2 ? (guint) atoi (argv[2]) : 300;
  guint fill = argc > 3 ? (guint) atoi (argv[3]) : 5200;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr (SbVenue) venue = NULL;
  static const char *const db_files[] = { "seatbook.db", "seatbook.db-wal", "seatbook.db-shm" };

  if (!g_file_get_contents (venue_path, &json, NULL, &error)
      || (venue = sb_venue_new_from_data (json, -1, venue_path, &error)) == NULL)
    g_error ("%s", error->message);

  run_search (venue, 0, TRUE);
  run_search (venue, fill, TRUE);
  run_search (venue, 0, FALSE);
  run_search (venue, fill, FALSE);
  for (guint scenario = 0; scenario < 3; scenario++)
    {
      g_autofree char *dir = g_dir_make_tmp ("sb-hold-best-XXXXXX", &error);
      g_autofree char *uri = g_strconcat ("sqlite:", dir, "/seatbook.db", NULL);
      g_autoptr (SbStore) store = sb_store_open (uri, &error);
      guint next_seat = 0;

      if (store == NULL || !sb_store_create_event (store, "arena", "Arena", json, 0, &error))
        g_error ("%s", error->message);
      if (scenario == 0)
        run (store, venue, "hold (2 named seats), empty", FALSE, n, &next_seat);
      else if (scenario == 1)
        run (store, venue, "hold_best 2, empty", TRUE, n, &next_seat);
      else
        {
          guint free_left;

          /* Filled with plain holds in the venue's order, 50 seats at a time. */
          while (next_seat + 50 < MIN (fill, sb_venue_get_n_seats (venue)))
            {
              SbOp *op = new_op (SB_OP_HOLD);
              GStrvBuilder *seats = g_strv_builder_new ();

              for (guint k = 0; k < 50; k++, next_seat++)
                if (!sb_venue_get_seat (venue, next_seat)->blocked)
                  g_strv_builder_add (seats, sb_venue_get_seat (venue, next_seat)->id);
              op->seat_ids = g_strv_builder_end (seats);
              g_strv_builder_unref (seats);
              apply_one (store, op);
            }
          free_left = sb_venue_get_n_seats (venue) - next_seat;
          g_print ("nearly full: %u seats taken, %u left\n", next_seat, free_left);
          /* The same database for both: a commit costs more as the file and its WAL grow. */
          run (store, venue, "hold (2 named), nearly full", FALSE, MIN (n, free_left / 4),
               &next_seat);
          free_left = sb_venue_get_n_seats (venue) - next_seat;
          run (store, venue, "hold_best 2, nearly full", TRUE, MIN (n, free_left / 2 - 5),
               &next_seat);
        }
      g_clear_object (&store);
      for (guint k = 0; k < G_N_ELEMENTS (db_files); k++)
        {
          g_autofree char *path = g_build_filename (dir, db_files[k], NULL);

          g_remove (path);
        }
      g_rmdir (dir);
    }
  return 0;
}
