/* store-contract-fixture.c: the fixture and op builders of the store contract suite
 * (store-contract-fixture.h). */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "store-contract-fixture.h"

const char *const blocked_seats[] = { "B-6", NULL };

SbStore *
open_store (const char *uri)
{
  g_autoptr (GError) error = NULL;
  SbStore *store = sb_store_open (uri, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *venue = store_test_make_venue (2, 6, blocked_seats);

  /* A subdirectory that does not exist yet: sb_store_open () creates it. */
  f->uri = store_test_pick_uri ("db/seatbook.db", &f->dir, &f->db_path);
  f->store = open_store (f->uri);
  f->suffix = store_test_random_suffix ();
  f->event_id = g_strdup_printf ("ev-%s", f->suffix);
  f->alice = g_strdup_printf ("alice-%s", f->suffix);
  f->bob = g_strdup_printf ("bob-%s", f->suffix);
  f->now = g_get_real_time () / 1000;

  g_assert_true (
      sb_store_create_event (f->store, f->event_id, "Test night", venue, 1764270000000, &error));
  g_assert_no_error (error);
}

void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  if (f->dir != NULL)
    store_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->uri);
  g_free (f->db_path);
  g_free (f->suffix);
  g_free (f->event_id);
  g_free (f->alice);
  g_free (f->bob);
}

void
reopen (Fixture *f)
{
  g_clear_object (&f->store);
  f->store = open_store (f->uri);
}

char *
next_request_id (Fixture *f)
{
  return g_strdup_printf ("r%u", ++f->next_request);
}

/* Op builders; request ids are fresh unless given. */

SbOp *
op_hold (Fixture *f, const char *client, const char *const *seats, gint64 ttl_ms)
{
  g_autofree char *request = next_request_id (f);
  SbOp *op = sb_op_new (SB_OP_HOLD, f->event_id, client, request);

  op->seat_ids = g_strdupv ((char **) seats);
  op->ttl_ms = ttl_ms;
  op->now_ms = f->now;
  return op;
}

SbOp *
op_on_hold (Fixture *f, SbOpKind kind, const char *client, const char *hold_id)
{
  g_autofree char *request = next_request_id (f);
  /* The protocol's extend/release/book-by-hold name no event: the store finds it. */
  SbOp *op = sb_op_new (kind, NULL, client, request);

  op->hold_id = g_strdup (hold_id);
  op->ttl_ms = kind == SB_OP_EXTEND ? TTL_MS : 0;
  op->now_ms = f->now;
  return op;
}

SbOp *
op_book_seats (Fixture *f, const char *client, const char *const *seats)
{
  g_autofree char *request = next_request_id (f);
  SbOp *op = sb_op_new (SB_OP_BOOK, f->event_id, client, request);

  op->seat_ids = g_strdupv ((char **) seats);
  op->now_ms = f->now;
  return op;
}

SbOp *
op_expire (Fixture *f)
{
  SbOp *op = sb_op_new (SB_OP_EXPIRE, f->event_id, NULL, NULL);

  op->now_ms = f->now;
  return op;
}

SbOp *
run_on (SbStore *store, SbOp *op)
{
  g_autoptr (GPtrArray) ops = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;

  g_ptr_array_add (ops, op);
  g_assert_true (sb_store_apply (store, ops, &error));
  g_assert_no_error (error);
  return op;
}

SbOp *
run (Fixture *f, SbOp *op)
{
  return run_on (f->store, op);
}

void
assert_ok (SbOp *op)
{
  if (op->error != SB_ERROR_NONE)
    g_error ("op %s failed: %s: %s", sb_op_kind_to_string (op->kind),
             sb_error_code_to_string (op->error), op->error_message);
}

void
assert_refused (SbOp *op, SbErrorCode code)
{
  g_assert_cmpstr (sb_error_code_to_string (op->error), ==, sb_error_code_to_string (code));
  g_assert_nonnull (op->error_message);
  g_assert_null (op->change);
}

gint64
event_version (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbEventState) state = sb_store_load_event (f->store, f->event_id, &error);

  g_assert_no_error (error);
  return state->version;
}

/* The state of one seat per load_event: FREE when it has no entry. */
SbSeatState
seat_state (Fixture *f, const char *seat_id, char **out_hold_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbEventState) state = sb_store_load_event (f->store, f->event_id, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < state->seats->len; i++)
    {
      SbSeatChange *seat = g_ptr_array_index (state->seats, i);

      if (g_str_equal (seat->seat_id, seat_id))
        {
          if (out_hold_id != NULL)
            *out_hold_id = g_strdup (seat->hold_id);
          return seat->state;
        }
    }
  if (out_hold_id != NULL)
    *out_hold_id = NULL;
  return SB_SEAT_FREE;
}

void
assert_strv_set (char **actual, const char *const *expected)
{
  g_autoptr (GPtrArray) a = g_ptr_array_new ();
  g_autoptr (GPtrArray) e = g_ptr_array_new ();

  g_assert_nonnull (actual);
  for (guint i = 0; actual[i] != NULL; i++)
    g_ptr_array_add (a, actual[i]);
  for (guint i = 0; expected[i] != NULL; i++)
    g_ptr_array_add (e, (gpointer) expected[i]);
  g_assert_cmpuint (a->len, ==, e->len);
  for (guint i = 0; i < e->len; i++)
    if (!g_strv_contains ((const char *const *) actual, g_ptr_array_index (e, i)))
      g_error ("expected %s in the list", (char *) g_ptr_array_index (e, i));
}

const SbSeatChange *
change_seat (SbChange *change, const char *seat_id)
{
  for (guint i = 0; i < change->seats->len; i++)
    {
      const SbSeatChange *seat = g_ptr_array_index (change->seats, i);

      if (g_str_equal (seat->seat_id, seat_id))
        return seat;
    }
  return NULL;
}
