/* test-store-contract-log.c: the store contract (store-contract-fixture.h), part two: idempotency,
 * versions and the change log, batches, durability across a reopen, pruning. */
#include "config.h"

#include <string.h>

#include "store-contract-fixture.h"

static SbOp *
op_with_id (SbOp *op, const char *request_id)
{
  g_free (op->request_id);
  op->request_id = g_strdup (request_id);
  return op;
}

static void
test_idempotent_success (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) first = run (f, op_with_id (op_hold (f, f->alice, SEATS ("A-1"), TTL_MS), "x1"));
  g_autoptr (SbOp) retry = NULL;
  g_autoptr (SbOp) after_reopen = NULL;
  g_autoptr (SbOp) bob_same_id = NULL;
  g_autoptr (SbOp) book = NULL;
  g_autoptr (SbOp) book_retry = NULL;

  assert_ok (first);
  g_assert_false (first->replayed);

  /* Same (client, id), even with different content and a later clock: the first outcome. */
  f->now += 5000;
  retry = run (f, op_with_id (op_hold (f, f->alice, SEATS ("A-2"), 1000), "x1"));
  assert_ok (retry);
  g_assert_true (retry->replayed);
  g_assert_null (retry->change);
  g_assert_cmpstr (retry->result_hold_id, ==, first->result_hold_id);
  g_assert_cmpint (retry->result_expires_at_ms, ==, first->result_expires_at_ms);
  assert_strv_set (retry->result_seat_ids, SEATS ("A-1"));
  g_assert_cmpint (seat_state (f, "A-2", NULL), ==, SB_SEAT_FREE);
  g_assert_cmpint (event_version (f), ==, 1);

  /* Another client's request ids are its own. */
  bob_same_id = run (f, op_with_id (op_hold (f, f->bob, SEATS ("A-2"), TTL_MS), "x1"));
  assert_ok (bob_same_id);
  g_assert_false (bob_same_id->replayed);
  g_assert_cmpstr (bob_same_id->result_hold_id, !=, first->result_hold_id);
  g_assert_cmpint (event_version (f), ==, 2);

  /* A booking by hold, retried: same reference, and the event is named. */
  book = run (f, op_with_id (op_on_hold (f, SB_OP_BOOK, f->alice, first->result_hold_id), "x2"));
  assert_ok (book);
  book_retry
      = run (f, op_with_id (op_on_hold (f, SB_OP_BOOK, f->alice, first->result_hold_id), "x2"));
  assert_ok (book_retry);
  g_assert_true (book_retry->replayed);
  g_assert_cmpstr (book_retry->result_booking_id, ==, book->result_booking_id);
  g_assert_cmpstr (book_retry->result_hold_id, ==, first->result_hold_id);
  g_assert_cmpstr (book_retry->event_id, ==, f->event_id);
  assert_strv_set (book_retry->result_seat_ids, SEATS ("A-1"));
  g_assert_cmpint (event_version (f), ==, 3);

  /* Outcomes survive a restart. */
  reopen (f);
  after_reopen = run (f, op_with_id (op_hold (f, f->alice, SEATS ("A-3"), TTL_MS), "x1"));
  assert_ok (after_reopen);
  g_assert_true (after_reopen->replayed);
  g_assert_cmpstr (after_reopen->result_hold_id, ==, first->result_hold_id);
  g_assert_cmpint (after_reopen->result_expires_at_ms, ==, first->result_expires_at_ms);
  g_assert_cmpint (event_version (f), ==, 3);
}

static void
test_idempotent_failure (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) alice = run (f, op_hold (f, f->alice, SEATS ("A-1"), TTL_MS));
  g_autoptr (SbOp) bob = NULL;
  g_autoptr (SbOp) release = NULL;
  g_autoptr (SbOp) bob_retry = NULL;
  g_autoptr (SbOp) bob_after_reopen = NULL;
  g_autoptr (SbOp) bob_new = NULL;

  assert_ok (alice);
  bob = run (f, op_with_id (op_hold (f, f->bob, SEATS ("A-1", "A-2"), TTL_MS), "y1"));
  assert_refused (bob, SB_ERROR_SEAT_UNAVAILABLE);

  /* The seat becomes free, but a retry still answers as the first time. */
  release = run (f, op_on_hold (f, SB_OP_RELEASE, f->alice, alice->result_hold_id));
  assert_ok (release);
  bob_retry = run (f, op_with_id (op_hold (f, f->bob, SEATS ("A-1", "A-2"), TTL_MS), "y1"));
  assert_refused (bob_retry, SB_ERROR_SEAT_UNAVAILABLE);
  g_assert_true (bob_retry->replayed);
  assert_strv_set (bob_retry->conflicting_seats, SEATS ("A-1"));
  g_assert_cmpstr (bob_retry->error_message, ==, bob->error_message);
  g_assert_cmpint (seat_state (f, "A-1", NULL), ==, SB_SEAT_FREE);

  reopen (f);
  bob_after_reopen = run (f, op_with_id (op_hold (f, f->bob, SEATS ("A-1", "A-2"), TTL_MS), "y1"));
  assert_refused (bob_after_reopen, SB_ERROR_SEAT_UNAVAILABLE);
  g_assert_true (bob_after_reopen->replayed);
  assert_strv_set (bob_after_reopen->conflicting_seats, SEATS ("A-1"));

  /* A new intent with a new id is a new request. */
  bob_new = run (f, op_with_id (op_hold (f, f->bob, SEATS ("A-1", "A-2"), TTL_MS), "y2"));
  assert_ok (bob_new);
  g_assert_cmpint (event_version (f), ==, 3);
}

static void
test_idempotent_in_one_batch (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_op_free);
  g_autoptr (GError) error = NULL;
  SbOp *a, *b;

  g_ptr_array_add (ops, op_with_id (op_hold (f, f->alice, SEATS ("A-1"), TTL_MS), "z1"));
  g_ptr_array_add (ops, op_with_id (op_hold (f, f->alice, SEATS ("A-1"), TTL_MS), "z1"));
  g_assert_true (sb_store_apply (f->store, ops, &error));
  g_assert_no_error (error);
  a = g_ptr_array_index (ops, 0);
  b = g_ptr_array_index (ops, 1);
  assert_ok (a);
  assert_ok (b);
  g_assert_false (a->replayed);
  g_assert_true (b->replayed);
  g_assert_cmpstr (a->result_hold_id, ==, b->result_hold_id);
  g_assert_null (b->change);
  g_assert_cmpint (event_version (f), ==, 1);
}

/* ---- Versions and the change log ------------------------------------------------------------ */

static void
assert_changes_equal (SbChange *a, SbChange *b)
{
  g_autofree char *ja = sb_change_to_json (a);
  g_autofree char *jb = sb_change_to_json (b);

  g_assert_cmpstr (ja, ==, jb);
}

static void
test_versions_and_changes (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) done = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_op_free);
  g_autoptr (GPtrArray) changes = NULL;
  g_autoptr (GError) error = NULL;
  gint64 expected = 0;
  SbOp *hold_a, *hold_b;

  /* A mixed history, failures included. */
  hold_a = run (f, op_hold (f, f->alice, SEATS ("A-1", "A-2"), 1000));
  g_ptr_array_add (done, hold_a);
  hold_b = run (f, op_hold (f, f->bob, SEATS ("A-3"), TTL_MS));
  g_ptr_array_add (done, hold_b);
  g_ptr_array_add (done, run (f, op_hold (f, f->bob, SEATS ("A-1"), TTL_MS))); /* conflict */
  g_ptr_array_add (done, run (f, op_on_hold (f, SB_OP_EXTEND, f->bob, hold_b->result_hold_id)));
  g_ptr_array_add (done, run (f, op_book_seats (f, f->alice, SEATS ("A-5", "A-6"))));
  g_ptr_array_add (
      done, run (f, op_on_hold (f, SB_OP_BOOK, f->alice, hold_b->result_hold_id))); /* forbidden */
  f->now += 1000;
  g_ptr_array_add (done, run (f, op_expire (f)));
  g_ptr_array_add (done, run (f, op_expire (f))); /* nothing */
  g_ptr_array_add (done, run (f, op_on_hold (f, SB_OP_BOOK, f->bob, hold_b->result_hold_id)));
  g_ptr_array_add (done, run (f, op_hold (f, f->alice, SEATS ("A-1"), TTL_MS)));

  /* Every op that changed something has the next version; the others have no change. */
  for (guint i = 0; i < done->len; i++)
    {
      SbOp *op = g_ptr_array_index (done, i);

      if (op->change == NULL)
        continue;
      g_assert_cmpint (op->error, ==, SB_ERROR_NONE);
      g_assert_cmpint (op->change->version, ==, ++expected);
      g_assert_cmpint (op->change->committed_at_ms, >, 0);
    }
  g_assert_cmpint (expected, ==, 7);
  g_assert_cmpint (event_version (f), ==, expected);

  /* The log holds exactly those changes. */
  changes = sb_store_changes_since (f->store, f->event_id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, expected);
  for (guint i = 0, c = 0; i < done->len; i++)
    {
      SbOp *op = g_ptr_array_index (done, i);

      if (op->change != NULL)
        assert_changes_equal (op->change, g_ptr_array_index (changes, c++));
    }
  g_clear_pointer (&changes, g_ptr_array_unref);

  changes = sb_store_changes_since (f->store, f->event_id, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 2);
  g_assert_cmpint (((SbChange *) g_ptr_array_index (changes, 0))->version, ==, 6);
  g_assert_cmpint (((SbChange *) g_ptr_array_index (changes, 1))->version, ==, 7);
  g_clear_pointer (&changes, g_ptr_array_unref);

  /* Up to date: nothing to replay. */
  changes = sb_store_changes_since (f->store, f->event_id, expected, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 0);
  g_clear_pointer (&changes, g_ptr_array_unref);

  /* Ahead of the store (e.g. a restored database): the server answers with a snapshot. */
  changes = sb_store_changes_since (f->store, f->event_id, expected + 1, &error);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_AHEAD);
  g_assert_null (changes);
  g_clear_error (&error);

  changes = sb_store_changes_since (f->store, f->event_id, -1, &error);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_TOO_OLD);
  g_clear_error (&error);

  changes = sb_store_changes_since (f->store, "no-such-event-at-all", 0, &error);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* And after a restart. */
  reopen (f);
  changes = sb_store_changes_since (f->store, f->event_id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, expected);
}

static void
test_batch_with_conflicts (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_op_free);
  g_autoptr (GPtrArray) changes = NULL;
  g_autoptr (GError) error = NULL;
  const char *seats[] = { "A-1", "A-2", "A-3", "A-4", "A-5", "A-6" };
  gint64 version = 0;

  /* Two clients race for every seat: in each pair the first wins and the second is refused. */
  for (guint i = 0; i < G_N_ELEMENTS (seats); i++)
    {
      g_ptr_array_add (ops, op_hold (f, f->alice, SEATS (seats[i]), TTL_MS));
      g_ptr_array_add (ops, op_book_seats (f, f->bob, SEATS (seats[i], "B-1")));
    }
  g_ptr_array_add (ops, op_book_seats (f, f->bob, SEATS ("B-1", "B-2")));
  g_ptr_array_add (ops, op_book_seats (f, f->alice, SEATS ("B-2")));
  g_assert_true (sb_store_apply (f->store, ops, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (seats); i++)
    {
      SbOp *winner = g_ptr_array_index (ops, 2 * i);
      SbOp *loser = g_ptr_array_index (ops, 2 * i + 1);

      assert_ok (winner);
      g_assert_cmpint (winner->change->version, ==, ++version);
      assert_refused (loser, SB_ERROR_SEAT_UNAVAILABLE);
      assert_strv_set (loser->conflicting_seats, SEATS (seats[i]));
    }
  assert_ok (g_ptr_array_index (ops, ops->len - 2));
  g_assert_cmpint (((SbOp *) g_ptr_array_index (ops, ops->len - 2))->change->version, ==,
                   ++version);
  assert_refused (g_ptr_array_index (ops, ops->len - 1), SB_ERROR_SEAT_UNAVAILABLE);

  g_assert_cmpint (event_version (f), ==, version);
  g_assert_cmpint (seat_state (f, "B-1", NULL), ==, SB_SEAT_BOOKED);
  changes = sb_store_changes_since (f->store, f->event_id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, version);
}

/* ---- Durability ---------------------------------------------------------------------------- */

static int
compare_lines (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char **) a, *(char **) b);
}

static char *
describe_state (SbEventState *state)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "version %" G_GINT64_FORMAT "\n", state->version);
  for (guint i = 0; i < state->seats->len; i++)
    {
      SbSeatChange *seat = g_ptr_array_index (state->seats, i);

      g_string_append_printf (out, "seat %s %s %s\n", seat->seat_id,
                              sb_seat_state_to_string (seat->state),
                              seat->hold_id != NULL ? seat->hold_id : "-");
    }
  for (guint i = 0; i < state->holds->len; i++)
    {
      SbHoldRecord *hold = g_ptr_array_index (state->holds, i);
      g_autofree char *seats = NULL;
      g_auto (GStrv) sorted = g_strdupv (hold->seat_ids);

      qsort (sorted, g_strv_length (sorted), sizeof (char *), compare_lines);
      seats = g_strjoinv (",", sorted);
      g_string_append_printf (out, "hold %s %s %s %s %" G_GINT64_FORMAT "\n", hold->hold_id,
                              hold->event_id, hold->client_id, seats, hold->expires_at_ms);
    }
  return g_string_free (out, FALSE);
}

/* Sorted lines, so the comparison does not depend on the order a backend lists things in. */
static char *
load_description (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbEventState) state = sb_store_load_event (f->store, f->event_id, &error);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert_no_error (error);
  text = describe_state (state);
  lines = g_strsplit (text, "\n", -1);
  qsort (lines, g_strv_length (lines), sizeof (char *), compare_lines);
  return g_strjoinv ("\n", lines);
}

static void
test_reopen_reproduces_state (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) h1 = run (f, op_hold (f, f->alice, SEATS ("A-1", "A-2", "A-3"), TTL_MS));
  g_autoptr (SbOp) h2 = run (f, op_hold (f, f->bob, SEATS ("B-1"), 1000));
  g_autoptr (SbOp) b1 = run (f, op_book_seats (f, f->alice, SEATS ("A-2", "A-6")));
  g_autoptr (SbOp) b2 = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;
  gboolean found = FALSE;

  assert_ok (h1);
  assert_ok (h2);
  assert_ok (b1);
  b2 = run (f, op_hold (f, f->bob, SEATS ("B-2", "B-3"), TTL_MS));
  assert_ok (b2);

  before = load_description (f);
  g_assert_nonnull (strstr (before, "seat A-2 booked -"));
  g_assert_nonnull (strstr (before, "seat B-6 blocked -"));
  g_assert_nonnull (strstr (before, "version 4"));

  reopen (f);
  after = load_description (f);
  g_assert_cmpstr (before, ==, after);

  events = sb_store_list_events (f->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      SbEventRecord *record = g_ptr_array_index (events, i);

      if (g_str_equal (record->event_id, f->event_id))
        {
          found = TRUE;
          g_assert_cmpint (record->version, ==, 4);
        }
    }
  g_assert_true (found);

  /* The reopened store carries on from where it was. */
  {
    g_autoptr (SbOp) next = run (f, op_on_hold (f, SB_OP_BOOK, f->alice, h1->result_hold_id));

    assert_ok (next);
    g_assert_cmpint (next->change->version, ==, 5);
    assert_strv_set (next->result_seat_ids, SEATS ("A-1", "A-3"));
  }
}

/* ---- Prune --------------------------------------------------------------------------------- */

static void
test_prune (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) first = run (f, op_with_id (op_hold (f, f->alice, SEATS ("A-1"), TTL_MS), "p1"));
  g_autoptr (SbOp) retry = NULL;
  g_autoptr (GPtrArray) changes = NULL;
  g_autoptr (GError) error = NULL;

  assert_ok (first);
  /* Requests from before "now" are forgotten; the change log keeps its latest versions. */
  g_assert_true (sb_store_prune (f->store, g_get_real_time () / 1000 + 60 * 1000, &error));
  g_assert_no_error (error);

  retry = run (f, op_with_id (op_hold (f, f->alice, SEATS ("A-1"), TTL_MS), "p1"));
  g_assert_false (retry->replayed);
  assert_refused (retry, SB_ERROR_SEAT_UNAVAILABLE);

  changes = sb_store_changes_since (f->store, f->event_id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 1);
}

void
store_contract_add_log_tests (void)
{
  STORE_CONTRACT_ADD ("idempotency/success", test_idempotent_success);
  STORE_CONTRACT_ADD ("idempotency/failure", test_idempotent_failure);
  STORE_CONTRACT_ADD ("idempotency/one-batch", test_idempotent_in_one_batch);
  STORE_CONTRACT_ADD ("versions/changes", test_versions_and_changes);
  STORE_CONTRACT_ADD ("batch/conflicts", test_batch_with_conflicts);
  STORE_CONTRACT_ADD ("durability/reopen", test_reopen_reproduces_state);
  STORE_CONTRACT_ADD ("prune", test_prune);
}
