/* mongo-wire-driver.c: runs one real store operation through SbMongoStore against a URI, for
 * test-mongo-wire.py, which plays the MongoDB server (mockupdb) and asserts what the driver sends.
 *
 *   mongo-wire-driver URI open          open the store (handshake, deployment check, indexes)
 *   mongo-wire-driver URI hold          open, then hold hall-A-1 and hall-A-2 of event "ev"
 *   mongo-wire-driver URI book          open, then book hall-A-1 of event "ev" by seats
 *   mongo-wire-driver URI watch N       open, watch, and exit after N changes
 *
 * Prints one line per result on stdout ("OK", "ERROR <code> <message>", "OUTCOME <json>",
 * "CHANGE <event> <version>") and exits 0 when the store call succeeded. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "sb-mongo-store.h"

#define WATCH_TIMEOUT_S 60

typedef struct
{
  GMutex mutex;
  GCond cond;
  guint seen;
} WatchState;

static void
on_change (SbChange *change, gpointer user_data)
{
  WatchState *state = user_data;

  g_mutex_lock (&state->mutex);
  printf ("CHANGE %s %" G_GINT64_FORMAT "\n", change->event_id, change->version);
  fflush (stdout);
  state->seen++;
  g_cond_broadcast (&state->cond);
  g_mutex_unlock (&state->mutex);
}

static int
report_error (const GError *error)
{
  printf ("ERROR %d %s\n", error->code, error->message);
  fflush (stdout);
  return 1;
}

static int
run_op (SbStore *store, SbOp *op_in)
{
  g_autoptr (SbOp) op = op_in;
  g_autoptr (GPtrArray) ops = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;

  g_ptr_array_add (ops, op);
  if (!sb_store_apply (store, ops, &error))
    return report_error (error);
  json = sb_op_outcome_to_json (op);
  printf ("OUTCOME %s\n", json);
  if (op->change != NULL)
    printf ("VERSION %" G_GINT64_FORMAT "\n", op->change->version);
  printf ("REPLAYED %d\n", op->replayed);
  fflush (stdout);
  return 0;
}

static int
run_watch (SbStore *store, guint wanted)
{
  WatchState state = { 0 };
  g_autoptr (GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + WATCH_TIMEOUT_S * G_USEC_PER_SEC;
  gboolean timed_out = FALSE;

  g_mutex_init (&state.mutex);
  g_cond_init (&state.cond);
  if (!sb_store_watch (store, on_change, &state, &error))
    return report_error (error);
  printf ("WATCHING\n");
  fflush (stdout);

  g_mutex_lock (&state.mutex);
  while (state.seen < wanted && !timed_out)
    timed_out = !g_cond_wait_until (&state.cond, &state.mutex, deadline);
  g_mutex_unlock (&state.mutex);

  /* The caller disposes the store, which must stop the watch thread cleanly. */
  g_mutex_clear (&state.mutex);
  g_cond_clear (&state.cond);
  if (timed_out)
    {
      printf ("TIMEOUT\n");
      return 1;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr (SbStore) store = NULL;
  g_autoptr (GError) error = NULL;
  const char *scenario;
  SbOp *op;
  int status;

  if (argc < 3)
    {
      fprintf (stderr, "usage: %s URI open|hold|book|book-customer|watch [N]\n", argv[0]);
      return 2;
    }
  scenario = argv[2];

  store = sb_mongo_store_new (argv[1], &error);
  if (store == NULL)
    return report_error (error);

  if (g_str_equal (scenario, "open"))
    {
      printf ("OK\n");
      status = 0;
    }
  else if (g_str_equal (scenario, "hold"))
    {
      op = sb_op_new (SB_OP_HOLD, "ev", "client-1", "req-1");
      op->seat_ids = g_strsplit ("hall-A-1 hall-A-2", " ", -1);
      op->ttl_ms = 60000;
      op->now_ms = 1764190000000;
      status = run_op (store, op);
    }
  else if (g_str_equal (scenario, "book"))
    {
      op = sb_op_new (SB_OP_BOOK, "ev", "client-1", "req-2");
      op->seat_ids = g_strsplit ("hall-A-1", " ", -1);
      op->now_ms = 1764190000000;
      status = run_op (store, op);
    }
  else if (g_str_equal (scenario, "book-customer"))
    {
      op = sb_op_new (SB_OP_BOOK, "ev", "client-1", "req-3");
      op->seat_ids = g_strsplit ("hall-A-1", " ", -1);
      op->now_ms = 1764190000000;
      op->customer = sb_customer_new ("Zoë Müller-Lüdenscheidt", "+49 (30) 123-456",
                                      "Zoe@Example.ORG", "Aisle");
      status = run_op (store, op);
    }
  else if (g_str_equal (scenario, "watch") && argc > 3)
    status = run_watch (store, (guint) g_ascii_strtoull (argv[3], NULL, 10));
  else
    {
      fprintf (stderr, "unknown scenario %s\n", scenario);
      return 2;
    }

  /* Dispose before exit: stops the watch thread and returns the clients to the pool. */
  g_clear_object (&store);
  return status;
}
