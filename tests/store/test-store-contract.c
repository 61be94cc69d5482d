/* test-store-contract.c: the contract every SbStore backend must keep (sb-store.h,
 * docs/protocol.md).
 *
 * The store comes from SEATBOOK_TEST_STORE_URI when set (tests/mongo runs this very program
 * against a MongoDB replica set), else from a fresh temporary SQLite file per test case. Every
 * test case uses its own event and client ids, so one shared database serves them all. */
/* Part one here: opening, events, holds, bookings, release, extend, expiry, hold_best and the
 * orphan rule; part two in test-store-contract-log.c, part three in test-store-contract-sqlite.c.
 */
#include "config.h"

#include <string.h>

#include "store-contract-fixture.h"

/* ---- Opening ------------------------------------------------------------------------------- */

static void
test_open_invalid_uri (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbStore) store = sb_store_open ("postgres://nope", &error);

  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_INVALID_URI);
  g_assert_null (store);
  g_clear_error (&error);

  store = sb_store_open ("sqlite:", &error);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_INVALID_URI);
}

/* ---- Events -------------------------------------------------------------------------------- */

static void
test_events (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (SbEventState) state = NULL;
  g_autofree char *venue = store_test_make_venue (1, 3, NULL);
  g_autofree char *second = g_strdup_printf ("%s-2", f->event_id);
  const SbEventRecord *found = NULL;
  gint index_first = -1, index_second = -1;

  /* A taken id. */
  g_assert_false (sb_store_create_event (f->store, f->event_id, "Again", venue, 0, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  /* A venue that is not one. */
  g_assert_false (sb_store_create_event (f->store, second, "Broken", "{\"format\": 1}", 0, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (sb_store_create_event (f->store, second, "Broken", "not json", 0, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_true (sb_store_create_event (f->store, second, "Second night", venue, 0, &error));
  g_assert_no_error (error);

  events = sb_store_list_events (f->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      const SbEventRecord *record = g_ptr_array_index (events, i);

      if (i > 0)
        g_assert_cmpstr (((SbEventRecord *) g_ptr_array_index (events, i - 1))->event_id, <,
                         record->event_id);
      if (g_str_equal (record->event_id, f->event_id))
        {
          found = record;
          index_first = i;
        }
      if (g_str_equal (record->event_id, second))
        index_second = i;
    }
  g_assert_nonnull (found);
  g_assert_cmpint (index_first, <, index_second);
  g_assert_cmpstr (found->name, ==, "Test night");
  g_assert_cmpint (found->starts_at_ms, ==, 1764270000000);
  g_assert_cmpint (found->version, ==, 0);
  g_assert_nonnull (found->venue_json);
  g_assert_nonnull (strstr (found->venue_json, "\"A-1\""));

  /* A new event: version 0, only its blocked seat is not free, no holds. */
  state = sb_store_load_event (f->store, f->event_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (state->version, ==, 0);
  g_assert_cmpuint (state->holds->len, ==, 0);
  g_assert_cmpuint (state->seats->len, ==, 1);
  g_assert_cmpstr (((SbSeatChange *) g_ptr_array_index (state->seats, 0))->seat_id, ==, "B-6");
  g_assert_cmpint (((SbSeatChange *) g_ptr_array_index (state->seats, 0))->state, ==,
                   SB_SEAT_BLOCKED);
  g_clear_pointer (&state, sb_event_state_free);

  state = sb_store_load_event (f->store, "no-such-event-at-all", &error);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  g_assert_null (state);
}

/* ---- Hold ---------------------------------------------------------------------------------- */

static void
test_hold_all_or_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) first = run (f, op_hold (f, f->alice, SEATS ("A-1", "A-2"), TTL_MS));
  g_autoptr (SbOp) second = NULL;
  g_autoptr (SbOp) third = NULL;
  g_autofree char *hold_id = NULL;

  assert_ok (first);
  g_assert_true (g_str_has_prefix (first->result_hold_id, "h_"));
  g_assert_cmpuint (strlen (first->result_hold_id), ==, 18);
  g_assert_cmpint (first->result_expires_at_ms, ==, f->now + TTL_MS);
  assert_strv_set (first->result_seat_ids, SEATS ("A-1", "A-2"));
  g_assert_false (first->replayed);
  g_assert_nonnull (first->change);
  g_assert_cmpint (first->change->version, ==, 1);
  g_assert_cmpstr (first->change->event_id, ==, f->event_id);
  g_assert_cmpuint (first->change->seats->len, ==, 2);
  g_assert_cmpint (change_seat (first->change, "A-1")->state, ==, SB_SEAT_HELD);
  g_assert_cmpstr (change_seat (first->change, "A-2")->hold_id, ==, first->result_hold_id);
  g_assert_cmpuint (first->change->holds->len, ==, 1);
  {
    SbHoldRecord *hold = g_ptr_array_index (first->change->holds, 0);

    g_assert_cmpstr (hold->hold_id, ==, first->result_hold_id);
    g_assert_cmpstr (hold->client_id, ==, f->alice);
    g_assert_cmpstr (hold->event_id, ==, f->event_id);
    g_assert_cmpint (hold->expires_at_ms, ==, f->now + TTL_MS);
    assert_strv_set (hold->seat_ids, SEATS ("A-1", "A-2"));
  }
  g_assert_true (first->change->ended_holds == NULL || first->change->ended_holds[0] == NULL);

  /* One of two seats taken: nothing is held, and the taken seat is named. */
  second = run (f, op_hold (f, f->bob, SEATS ("A-3", "A-2"), TTL_MS));
  assert_refused (second, SB_ERROR_SEAT_UNAVAILABLE);
  assert_strv_set (second->conflicting_seats, SEATS ("A-2"));
  g_assert_nonnull (strstr (second->error_message, "A-2"));
  g_assert_null (second->result_hold_id);
  g_assert_cmpint (seat_state (f, "A-3", NULL), ==, SB_SEAT_FREE);
  g_assert_cmpint (seat_state (f, "A-2", &hold_id), ==, SB_SEAT_HELD);
  g_assert_cmpstr (hold_id, ==, first->result_hold_id);
  g_assert_cmpint (event_version (f), ==, 1);

  /* The free seat alone can be held. */
  third = run (f, op_hold (f, f->bob, SEATS ("A-3"), TTL_MS));
  assert_ok (third);
  g_assert_cmpint (third->change->version, ==, 2);
  g_assert_cmpstr (third->event_id, ==, f->event_id);
}

static void
test_hold_blocked_seat (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = run (f, op_hold (f, f->alice, SEATS ("B-5", "B-6"), TTL_MS));
  g_autoptr (SbOp) book = run (f, op_book_seats (f, f->alice, SEATS ("B-6")));

  assert_refused (hold, SB_ERROR_SEAT_UNAVAILABLE);
  assert_strv_set (hold->conflicting_seats, SEATS ("B-6"));
  assert_refused (book, SB_ERROR_SEAT_UNAVAILABLE);
  assert_strv_set (book->conflicting_seats, SEATS ("B-6"));
  g_assert_cmpint (seat_state (f, "B-5", NULL), ==, SB_SEAT_FREE);
  g_assert_cmpint (seat_state (f, "B-6", NULL), ==, SB_SEAT_BLOCKED);
  g_assert_cmpint (event_version (f), ==, 0);
}

static void
test_hold_invalid (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) unknown = run (f, op_hold (f, f->alice, SEATS ("A-1", "Z-9"), TTL_MS));
  g_autoptr (SbOp) twice = run (f, op_hold (f, f->alice, SEATS ("A-1", "A-1"), TTL_MS));
  g_autoptr (SbOp) none = run (f, op_hold (f, f->alice, SEATS (NULL), TTL_MS));
  g_autoptr (SbOp) no_ttl = run (f, op_hold (f, f->alice, SEATS ("A-1"), 0));
  g_autoptr (SbOp) no_event = op_hold (f, f->alice, SEATS ("A-1"), TTL_MS);
  g_autoptr (SbOp) book_unknown = run (f, op_book_seats (f, f->alice, SEATS ("Q-1")));

  /* Unknown seats are invalid_request (docs/protocol.md, "Errors") and are named. */
  assert_refused (unknown, SB_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (unknown->error_message, "Z-9"));
  g_assert_null (strstr (unknown->error_message, "A-1"));
  assert_refused (twice, SB_ERROR_INVALID_REQUEST);
  assert_refused (none, SB_ERROR_INVALID_REQUEST);
  assert_refused (no_ttl, SB_ERROR_INVALID_REQUEST);
  assert_refused (book_unknown, SB_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (book_unknown->error_message, "Q-1"));

  g_free (no_event->event_id);
  no_event->event_id = g_strdup_printf ("%s-missing", f->event_id);
  run (f, no_event);
  assert_refused (no_event, SB_ERROR_NOT_FOUND);

  g_assert_cmpint (seat_state (f, "A-1", NULL), ==, SB_SEAT_FREE);
  g_assert_cmpint (event_version (f), ==, 0);
}

/* ---- Malformed ops -------------------------------------------------------------------------- */

/* What no kind of op accepts, refused before anything is read or written, and with the store's
 * state untouched. */
static void
test_op_malformed (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = run (f, op_hold (f, f->alice, SEATS ("A-1"), TTL_MS));
  g_autoptr (SbOp) no_client = op_hold (f, f->alice, SEATS ("A-2"), TTL_MS);
  g_autoptr (SbOp) no_event = op_hold (f, f->alice, SEATS ("A-2"), TTL_MS);
  g_autoptr (SbOp) both = op_book_seats (f, f->alice, SEATS ("A-1"));
  g_autoptr (SbOp) neither = op_book_seats (f, f->alice, SEATS ("A-2"));
  g_autoptr (SbOp) no_hold_extend = op_on_hold (f, SB_OP_EXTEND, f->alice, NULL);
  g_autoptr (SbOp) no_hold_release = op_on_hold (f, SB_OP_RELEASE, f->alice, NULL);

  assert_ok (hold);
  g_clear_pointer (&no_client->client_id, g_free);
  g_clear_pointer (&no_event->event_id, g_free);
  both->hold_id = g_strdup (hold->result_hold_id);
  g_clear_pointer (&neither->seat_ids, g_strfreev);
  run (f, no_client);
  run (f, no_event);
  run (f, both);
  run (f, neither);
  run (f, no_hold_extend);
  run (f, no_hold_release);

  assert_refused (no_client, SB_ERROR_INVALID_REQUEST);
  assert_refused (no_event, SB_ERROR_INVALID_REQUEST);
  assert_refused (both, SB_ERROR_INVALID_REQUEST);
  assert_refused (neither, SB_ERROR_INVALID_REQUEST);
  assert_refused (no_hold_extend, SB_ERROR_INVALID_REQUEST);
  assert_refused (no_hold_release, SB_ERROR_INVALID_REQUEST);

  g_assert_cmpint (event_version (f), ==, 1);
  g_assert_cmpint (seat_state (f, "A-1", NULL), ==, SB_SEAT_HELD);
  g_assert_cmpint (seat_state (f, "A-2", NULL), ==, SB_SEAT_FREE);
}

/* ---- Book ---------------------------------------------------------------------------------- */

static gboolean
booking_id_is_readable (const char *id)
{
  if (id == NULL || strlen (id) != 8)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p))
      return FALSE;
  return strpbrk (id, "01OIL") == NULL;
}

static void
test_book_by_hold (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = run (f, op_hold (f, f->alice, SEATS ("A-1", "A-2"), TTL_MS));
  g_autoptr (SbOp) book = NULL;
  g_autoptr (SbOp) again = NULL;
  g_autoptr (SbOp) steal = NULL;
  g_autoptr (SbEventState) state = NULL;
  g_autoptr (GError) error = NULL;

  assert_ok (hold);
  book = run (f, op_on_hold (f, SB_OP_BOOK, f->alice, hold->result_hold_id));
  assert_ok (book);
  g_assert_true (booking_id_is_readable (book->result_booking_id));
  g_assert_cmpstr (book->result_hold_id, ==, hold->result_hold_id);
  g_assert_cmpstr (book->event_id, ==, f->event_id);
  assert_strv_set (book->result_seat_ids, SEATS ("A-1", "A-2"));
  g_assert_cmpint (book->change->version, ==, 2);
  g_assert_cmpint (change_seat (book->change, "A-1")->state, ==, SB_SEAT_BOOKED);
  g_assert_cmpint (change_seat (book->change, "A-2")->state, ==, SB_SEAT_BOOKED);
  g_assert_null (change_seat (book->change, "A-2")->hold_id);
  assert_strv_set (book->change->ended_holds, SEATS (hold->result_hold_id));

  g_assert_cmpint (seat_state (f, "A-1", NULL), ==, SB_SEAT_BOOKED);
  state = sb_store_load_event (f->store, f->event_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (state->holds->len, ==, 0);

  /* The hold has ended. */
  again = run (f, op_on_hold (f, SB_OP_BOOK, f->alice, hold->result_hold_id));
  assert_refused (again, SB_ERROR_NOT_FOUND);

  /* A booked seat is nobody's to hold or book any more. */
  steal = run (f, op_hold (f, f->bob, SEATS ("A-2"), TTL_MS));
  assert_refused (steal, SB_ERROR_SEAT_UNAVAILABLE);
  g_clear_pointer (&steal, sb_op_free);
  steal = run (f, op_book_seats (f, f->alice, SEATS ("A-1")));
  assert_refused (steal, SB_ERROR_SEAT_UNAVAILABLE);
  g_assert_cmpint (event_version (f), ==, 2);
}

static void
test_book_by_seats (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) free_book = run (f, op_book_seats (f, f->alice, SEATS ("B-1", "B-2")));
  g_autoptr (SbOp) hold = NULL;
  g_autoptr (SbOp) bob_hold = NULL;
  g_autoptr (SbOp) partial = NULL;
  g_autoptr (SbOp) rest = NULL;
  g_autoptr (SbOp) others = NULL;
  g_autoptr (SbEventState) state = NULL;
  g_autoptr (GError) error = NULL;

  assert_ok (free_book);
  g_assert_true (booking_id_is_readable (free_book->result_booking_id));
  g_assert_null (free_book->result_hold_id);
  assert_strv_set (free_book->result_seat_ids, SEATS ("B-1", "B-2"));
  g_assert_cmpint (change_seat (free_book->change, "B-2")->state, ==, SB_SEAT_BOOKED);

  /* Own held seats can be booked directly; the hold keeps the rest. */
  hold = run (f, op_hold (f, f->alice, SEATS ("A-1", "A-2"), TTL_MS));
  assert_ok (hold);
  partial = run (f, op_book_seats (f, f->alice, SEATS ("A-2", "A-3")));
  assert_ok (partial);
  g_assert_cmpint (partial->change->version, ==, 3);
  g_assert_cmpint (change_seat (partial->change, "A-2")->state, ==, SB_SEAT_BOOKED);
  g_assert_cmpint (change_seat (partial->change, "A-3")->state, ==, SB_SEAT_BOOKED);
  g_assert_true (partial->change->ended_holds == NULL || partial->change->ended_holds[0] == NULL);
  g_assert_cmpuint (partial->change->holds->len, ==, 1);
  {
    SbHoldRecord *left = g_ptr_array_index (partial->change->holds, 0);

    g_assert_cmpstr (left->hold_id, ==, hold->result_hold_id);
    assert_strv_set (left->seat_ids, SEATS ("A-1"));
    g_assert_cmpint (left->expires_at_ms, ==, hold->result_expires_at_ms);
  }
  state = sb_store_load_event (f->store, f->event_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (state->holds->len, ==, 1);
  assert_strv_set (((SbHoldRecord *) g_ptr_array_index (state->holds, 0))->seat_ids, SEATS ("A-1"));

  /* Booking the hold's last seat ends it. */
  rest = run (f, op_book_seats (f, f->alice, SEATS ("A-1")));
  assert_ok (rest);
  assert_strv_set (rest->change->ended_holds, SEATS (hold->result_hold_id));
  g_assert_cmpuint (rest->change->holds->len, ==, 0);
  g_clear_pointer (&state, sb_event_state_free);
  state = sb_store_load_event (f->store, f->event_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (state->holds->len, ==, 0);

  /* Someone else's held seat is not available, and nothing of the request happens. */
  bob_hold = run (f, op_hold (f, f->bob, SEATS ("A-5"), TTL_MS));
  assert_ok (bob_hold);
  others = run (f, op_book_seats (f, f->alice, SEATS ("A-4", "A-5")));
  assert_refused (others, SB_ERROR_SEAT_UNAVAILABLE);
  assert_strv_set (others->conflicting_seats, SEATS ("A-5"));
  g_assert_cmpint (seat_state (f, "A-4", NULL), ==, SB_SEAT_FREE);
  g_assert_cmpint (seat_state (f, "A-5", NULL), ==, SB_SEAT_HELD);
}

static void
test_book_own_expired_hold_seats (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = run (f, op_hold (f, f->alice, SEATS ("A-1"), 1000));
  g_autoptr (SbOp) book = NULL;

  assert_ok (hold);
  f->now += 1000;
  book = run (f, op_book_seats (f, f->alice, SEATS ("A-1")));
  /* An expired hold no longer entitles its client to the seat (the sweep frees it). */
  assert_refused (book, SB_ERROR_SEAT_UNAVAILABLE);
}

static void
test_forbidden (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = run (f, op_hold (f, f->alice, SEATS ("A-1"), TTL_MS));
  SbOpKind kinds[] = { SB_OP_BOOK, SB_OP_EXTEND, SB_OP_RELEASE };

  assert_ok (hold);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr (SbOp) op = run (f, op_on_hold (f, kinds[i], f->bob, hold->result_hold_id));

      assert_refused (op, SB_ERROR_FORBIDDEN);
    }
  g_assert_cmpint (event_version (f), ==, 1);
  g_assert_cmpint (seat_state (f, "A-1", NULL), ==, SB_SEAT_HELD);
}

static void
test_unknown_hold (Fixture *f, gconstpointer data)
{
  SbOpKind kinds[] = { SB_OP_BOOK, SB_OP_EXTEND, SB_OP_RELEASE };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr (SbOp) op = run (f, op_on_hold (f, kinds[i], f->alice, "h_doesnotexist0000"));

      assert_refused (op, SB_ERROR_NOT_FOUND);
    }
}

/* ---- Release, extend, expiry ---------------------------------------------------------------- */

static void
test_release (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = run (f, op_hold (f, f->alice, SEATS ("A-1", "A-2"), TTL_MS));
  g_autoptr (SbOp) release = NULL;
  g_autoptr (SbOp) twice = NULL;
  g_autoptr (SbOp) extend = NULL;
  g_autoptr (SbOp) rehold = NULL;

  assert_ok (hold);
  release = run (f, op_on_hold (f, SB_OP_RELEASE, f->alice, hold->result_hold_id));
  assert_ok (release);
  g_assert_cmpstr (release->result_hold_id, ==, hold->result_hold_id);
  g_assert_cmpstr (release->event_id, ==, f->event_id);
  assert_strv_set (release->result_seat_ids, SEATS ("A-1", "A-2"));
  g_assert_cmpint (release->change->version, ==, 2);
  g_assert_cmpint (change_seat (release->change, "A-1")->state, ==, SB_SEAT_FREE);
  g_assert_cmpint (change_seat (release->change, "A-2")->state, ==, SB_SEAT_FREE);
  assert_strv_set (release->change->ended_holds, SEATS (hold->result_hold_id));
  g_assert_cmpint (seat_state (f, "A-1", NULL), ==, SB_SEAT_FREE);

  twice = run (f, op_on_hold (f, SB_OP_RELEASE, f->alice, hold->result_hold_id));
  assert_refused (twice, SB_ERROR_NOT_FOUND);
  extend = run (f, op_on_hold (f, SB_OP_EXTEND, f->alice, hold->result_hold_id));
  assert_refused (extend, SB_ERROR_NOT_FOUND);

  rehold = run (f, op_hold (f, f->bob, SEATS ("A-1", "A-2"), TTL_MS));
  assert_ok (rehold);
  g_assert_cmpint (event_version (f), ==, 3);
}

static void
test_extend (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = run (f, op_hold (f, f->alice, SEATS ("A-1", "A-2"), 1000));
  g_autoptr (SbOp) extend = NULL;
  g_autoptr (SbEventState) state = NULL;
  g_autoptr (GError) error = NULL;

  assert_ok (hold);
  f->now += 500;
  extend = run (f, op_on_hold (f, SB_OP_EXTEND, f->alice, hold->result_hold_id));
  assert_ok (extend);
  g_assert_cmpint (extend->result_expires_at_ms, ==, f->now + TTL_MS);
  g_assert_cmpstr (extend->result_hold_id, ==, hold->result_hold_id);
  assert_strv_set (extend->result_seat_ids, SEATS ("A-1", "A-2"));
  g_assert_cmpint (extend->change->version, ==, 2);
  g_assert_cmpuint (extend->change->holds->len, ==, 1);
  g_assert_cmpint (((SbHoldRecord *) g_ptr_array_index (extend->change->holds, 0))->expires_at_ms,
                   ==, f->now + TTL_MS);

  state = sb_store_load_event (f->store, f->event_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (state->holds->len, ==, 1);
  g_assert_cmpint (((SbHoldRecord *) g_ptr_array_index (state->holds, 0))->expires_at_ms, ==,
                   f->now + TTL_MS);
}

static void
test_expired_hold (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = run (f, op_hold (f, f->alice, SEATS ("A-1"), 1000));
  SbOpKind kinds[] = { SB_OP_EXTEND, SB_OP_BOOK, SB_OP_RELEASE };

  assert_ok (hold);
  /* Expiry is judged against the op's clock: expires_at <= now means expired. */
  f->now += 1000;
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr (SbOp) op = run (f, op_on_hold (f, kinds[i], f->alice, hold->result_hold_id));

      assert_refused (op, SB_ERROR_HOLD_EXPIRED);
    }
  g_assert_cmpint (event_version (f), ==, 1);

  /* After the sweep, too. */
  {
    g_autoptr (SbOp) sweep = run (f, op_expire (f));
    g_autoptr (SbOp) book = run (f, op_on_hold (f, SB_OP_BOOK, f->alice, hold->result_hold_id));

    assert_ok (sweep);
    assert_refused (book, SB_ERROR_HOLD_EXPIRED);
  }
}

/* An op on a hold that names an event must name the hold's own. */
static void
test_hold_in_other_event (Fixture *f, gconstpointer data)
{
  g_autofree char *venue = store_test_make_venue (1, 6, NULL);
  g_autofree char *other = g_strdup_printf ("%s-other", f->event_id);
  g_autoptr (SbOp) hold = run (f, op_hold (f, f->alice, SEATS ("A-1"), TTL_MS));
  SbOpKind kinds[] = { SB_OP_BOOK, SB_OP_EXTEND, SB_OP_RELEASE };
  g_autoptr (GError) error = NULL;

  assert_ok (hold);
  g_assert_true (sb_store_create_event (f->store, other, "Other night", venue, 0, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr (SbOp) op = op_on_hold (f, kinds[i], f->alice, hold->result_hold_id);

      op->event_id = g_strdup (other);
      run (f, op);
      assert_refused (op, SB_ERROR_NOT_FOUND);
      g_assert_cmpstr (op->event_id, ==, other);
    }
  g_assert_cmpint (event_version (f), ==, 1);
  g_assert_cmpint (seat_state (f, "A-1", NULL), ==, SB_SEAT_HELD);

  /* Naming the right event is fine. */
  {
    g_autoptr (SbOp) op = op_on_hold (f, SB_OP_EXTEND, f->alice, hold->result_hold_id);

    op->event_id = g_strdup (f->event_id);
    run (f, op);
    assert_ok (op);
    g_assert_cmpint (op->change->version, ==, 2);
  }
}

/* Extending needs a positive time to live, like holding; a refused extend leaves the hold as it
 * was. */
static void
test_extend_invalid_ttl (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = run (f, op_hold (f, f->alice, SEATS ("A-1", "A-2"), TTL_MS));
  g_autoptr (SbOp) extend = NULL;
  g_autoptr (SbEventState) state = NULL;
  g_autoptr (GError) error = NULL;

  assert_ok (hold);
  extend = op_on_hold (f, SB_OP_EXTEND, f->alice, hold->result_hold_id);
  extend->ttl_ms = 0;
  f->now += 10;
  extend->now_ms = f->now;
  run (f, extend);
  assert_refused (extend, SB_ERROR_INVALID_REQUEST);

  g_assert_cmpint (event_version (f), ==, 1);
  state = sb_store_load_event (f->store, f->event_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (state->holds->len, ==, 1);
  g_assert_cmpint (((SbHoldRecord *) g_ptr_array_index (state->holds, 0))->expires_at_ms, ==,
                   hold->result_expires_at_ms);
}

/* Booking seats of two of the client's holds at once: the hold that gives up its last seat ends,
 * the other is announced with the seats it keeps. */
static void
test_book_seats_of_two_holds (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) first = run (f, op_hold (f, f->alice, SEATS ("A-1", "A-2"), TTL_MS));
  g_autoptr (SbOp) second = run (f, op_hold (f, f->alice, SEATS ("A-3"), TTL_MS));
  g_autoptr (SbOp) book = NULL;
  g_autoptr (SbEventState) state = NULL;
  g_autoptr (GError) error = NULL;
  SbHoldRecord *left;

  assert_ok (first);
  assert_ok (second);
  book = run (f, op_book_seats (f, f->alice, SEATS ("A-3", "A-1", "A-4")));
  assert_ok (book);
  assert_strv_set (book->result_seat_ids, SEATS ("A-1", "A-3", "A-4"));
  g_assert_cmpint (book->change->version, ==, 3);
  g_assert_cmpuint (book->change->seats->len, ==, 3);
  assert_strv_set (book->change->ended_holds, SEATS (second->result_hold_id));
  g_assert_cmpuint (book->change->holds->len, ==, 1);
  left = g_ptr_array_index (book->change->holds, 0);
  g_assert_cmpstr (left->hold_id, ==, first->result_hold_id);
  assert_strv_set (left->seat_ids, SEATS ("A-2"));
  g_assert_cmpint (left->expires_at_ms, ==, first->result_expires_at_ms);

  state = sb_store_load_event (f->store, f->event_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (state->holds->len, ==, 1);
  assert_strv_set (((SbHoldRecord *) g_ptr_array_index (state->holds, 0))->seat_ids, SEATS ("A-2"));
  g_assert_cmpint (seat_state (f, "A-3", NULL), ==, SB_SEAT_BOOKED);
  g_assert_cmpint (seat_state (f, "A-2", NULL), ==, SB_SEAT_HELD);

  /* The ended hold is over; the other still books its last seat. */
  {
    g_autoptr (SbOp) ended
        = run (f, op_on_hold (f, SB_OP_RELEASE, f->alice, second->result_hold_id));
    g_autoptr (SbOp) rest = run (f, op_on_hold (f, SB_OP_BOOK, f->alice, first->result_hold_id));

    assert_refused (ended, SB_ERROR_NOT_FOUND);
    assert_ok (rest);
    assert_strv_set (rest->result_seat_ids, SEATS ("A-2"));
  }
}

static void
test_expire_sweep (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) h1 = run (f, op_hold (f, f->alice, SEATS ("A-1", "A-2"), 1000));
  g_autoptr (SbOp) h2 = run (f, op_hold (f, f->alice, SEATS ("A-3"), 5000));
  g_autoptr (SbOp) h3 = run (f, op_hold (f, f->bob, SEATS ("A-4"), 999));
  g_autoptr (SbOp) early = NULL;
  g_autoptr (SbOp) sweep = NULL;
  g_autoptr (SbOp) again = NULL;
  g_autoptr (SbEventState) state = NULL;
  g_autoptr (GError) error = NULL;

  assert_ok (h1);
  assert_ok (h2);
  assert_ok (h3);

  /* Nothing has expired yet: no change, no version. */
  f->now += 998;
  early = run (f, op_expire (f));
  assert_ok (early);
  g_assert_null (early->change);
  g_assert_cmpint (event_version (f), ==, 3);

  f->now += 2; /* h1 and h3 due, h2 not: one version each, h3 (due first) first */
  sweep = run (f, op_expire (f));
  assert_ok (sweep);
  g_assert_nonnull (sweep->earlier_changes);
  g_assert_cmpuint (sweep->earlier_changes->len, ==, 1);
  {
    SbChange *first = g_ptr_array_index (sweep->earlier_changes, 0);

    g_assert_cmpint (first->version, ==, 4);
    assert_strv_set (first->ended_holds, SEATS (h3->result_hold_id));
    g_assert_cmpuint (first->seats->len, ==, 1);
    g_assert_cmpint (change_seat (first, "A-4")->state, ==, SB_SEAT_FREE);
  }
  g_assert_nonnull (sweep->change);
  g_assert_cmpint (sweep->change->version, ==, 5);
  assert_strv_set (sweep->change->ended_holds, SEATS (h1->result_hold_id));
  g_assert_cmpuint (sweep->change->seats->len, ==, 2);
  g_assert_cmpint (change_seat (sweep->change, "A-1")->state, ==, SB_SEAT_FREE);
  g_assert_cmpint (change_seat (sweep->change, "A-2")->state, ==, SB_SEAT_FREE);
  g_assert_null (change_seat (sweep->change, "A-3"));
  assert_strv_set (sweep->result_seat_ids, SEATS ("A-1", "A-2", "A-4"));
  g_assert_cmpint (event_version (f), ==, 5);

  again = run (f, op_expire (f));
  assert_ok (again);
  g_assert_null (again->change);
  g_assert_null (again->earlier_changes);
  g_assert_cmpint (event_version (f), ==, 5);

  state = sb_store_load_event (f->store, f->event_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (state->holds->len, ==, 1);
  g_assert_cmpstr (((SbHoldRecord *) g_ptr_array_index (state->holds, 0))->hold_id, ==,
                   h2->result_hold_id);
  g_assert_cmpint (seat_state (f, "A-1", NULL), ==, SB_SEAT_FREE);
  g_assert_cmpint (seat_state (f, "A-3", NULL), ==, SB_SEAT_HELD);

  /* The expired hold's seats are free for anyone. */
  {
    g_autoptr (SbOp) take = run (f, op_hold (f, f->bob, SEATS ("A-1", "A-2", "A-4"), TTL_MS));

    assert_ok (take);
  }
}

/* Issue 9, item 11: docs/protocol.md promises one version per change, an expiry included. Two
 * holds that expire at the same instant are two changes: versions 3 and 4, each ending one hold,
 * and the change log replays them one by one. */
static void
test_expire_same_instant (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) h1 = run (f, op_hold (f, f->alice, SEATS ("B-1"), 1000));
  g_autoptr (SbOp) h2 = run (f, op_hold (f, f->bob, SEATS ("B-2", "B-3"), 1000));
  g_autoptr (SbOp) sweep = NULL;
  g_autoptr (GPtrArray) changes = NULL;
  g_autoptr (GError) error = NULL;
  const char *first_id, *second_id;

  assert_ok (h1);
  assert_ok (h2);
  g_assert_cmpint (h1->result_expires_at_ms, ==, h2->result_expires_at_ms);
  g_assert_cmpint (event_version (f), ==, 2);

  f->now += 1000;
  sweep = run (f, op_expire (f));
  assert_ok (sweep);
  g_assert_cmpint (event_version (f), ==, 4);
  g_assert_nonnull (sweep->earlier_changes);
  g_assert_cmpuint (sweep->earlier_changes->len, ==, 1);
  g_assert_cmpint (((SbChange *) g_ptr_array_index (sweep->earlier_changes, 0))->version, ==, 3);
  g_assert_cmpint (sweep->change->version, ==, 4);

  /* Same expiry: by hold id. */
  if (g_strcmp0 (h1->result_hold_id, h2->result_hold_id) < 0)
    first_id = h1->result_hold_id, second_id = h2->result_hold_id;
  else
    first_id = h2->result_hold_id, second_id = h1->result_hold_id;

  changes = sb_store_changes_since (f->store, f->event_id, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 2);
  for (guint i = 0; i < changes->len; i++)
    {
      const SbChange *change = g_ptr_array_index (changes, i);

      g_assert_cmpint (change->version, ==, 3 + i);
      g_assert_nonnull (change->ended_holds);
      g_assert_cmpstr (change->ended_holds[0], ==, i == 0 ? first_id : second_id);
      g_assert_null (change->ended_holds[1]);
      g_assert_cmpuint (change->seats->len, ==,
                        g_str_equal (change->ended_holds[0], h1->result_hold_id) ? 1 : 2);
    }
  g_assert_cmpint (seat_state (f, "B-1", NULL), ==, SB_SEAT_FREE);
  g_assert_cmpint (seat_state (f, "B-3", NULL), ==, SB_SEAT_FREE);
}

static void
test_expire_unknown_event (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) op = op_expire (f);

  g_free (op->event_id);
  op->event_id = g_strdup_printf ("%s-missing", f->event_id);
  run (f, op);
  assert_refused (op, SB_ERROR_NOT_FOUND);
}

/* ---- Idempotency --------------------------------------------------------------------------- */

/* Issue 13: hold_best and the orphan rule, the same on every backend. */

static SbOp *
op_hold_best (Fixture *f, const char *client, guint count)
{
  g_autofree char *request = next_request_id (f);
  SbOp *op = sb_op_new (SB_OP_HOLD_BEST, f->event_id, client, request);

  op->best.count = count;
  op->best.max_price = -1;
  op->ttl_ms = TTL_MS;
  op->now_ms = f->now;
  return op;
}

/* Seats "A-1"... of one row, side by side. */
static void
assert_side_by_side (char **seats, guint count)
{
  guint numbers[8];
  char row = seats[0][0];

  g_assert_cmpuint (g_strv_length (seats), ==, count);
  for (guint i = 0; i < count; i++)
    {
      g_assert_cmpint (seats[i][0], ==, row);
      numbers[i] = (guint) atoi (seats[i] + 2);
    }
  for (guint i = 1; i < count; i++)
    g_assert_cmpuint (numbers[i], ==, numbers[i - 1] + 1);
}

static void
test_hold_best (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_op_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (SbOp) again = NULL;
  g_autoptr (SbOp) too_many = NULL;
  SbOp *a, *b;

  /* Two desks at the same moment, in one batch: disjoint seats, side by side. */
  a = op_hold_best (f, f->alice, 3);
  b = op_hold_best (f, f->bob, 3);
  g_ptr_array_add (ops, a);
  g_ptr_array_add (ops, b);
  g_assert_true (sb_store_apply (f->store, ops, &error));
  g_assert_no_error (error);
  assert_ok (a);
  assert_ok (b);
  assert_side_by_side (a->result_seat_ids, 3);
  assert_side_by_side (b->result_seat_ids, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_false (
          g_strv_contains ((const char *const *) b->result_seat_ids, a->result_seat_ids[i]));
      g_assert_cmpint (seat_state (f, a->result_seat_ids[i], NULL), ==, SB_SEAT_HELD);
    }

  /* A retry gets the same seats. */
  again = sb_op_new (SB_OP_HOLD_BEST, f->event_id, f->alice, a->request_id);
  again->best.count = 3;
  again->best.max_price = -1;
  again->ttl_ms = TTL_MS;
  again->now_ms = f->now;
  run (f, again);
  assert_ok (again);
  g_assert_true (again->replayed);
  g_assert_cmpstrv (again->result_seat_ids, a->result_seat_ids);

  /* 11 seats are for sale (B-6 is blocked), 6 are held: never 6 side by side. */
  too_many = run (f, op_hold_best (f, f->alice, 6));
  assert_refused (too_many, SB_ERROR_NOT_ENOUGH_SEATS);
  g_assert_cmpint (too_many->result_available, <=, 5);
  g_assert_cmpint (too_many->result_available, >, 0);
}

static void
assert_disjoint (char **a, char **b)
{
  for (guint i = 0; a[i] != NULL; i++)
    g_assert_false (g_strv_contains ((const char *const *) b, a[i]));
}

/* hold_best keeps the occupancy it read by the event's version (sb-occupancy-cache-private.h):
 * what another server commits in between moves the version, so its seats are never chosen again;
 * seats this store frees are chosen again. */
static void
test_hold_best_other_writer (Fixture *f, gconstpointer data)
{
  g_autoptr (SbStore) other = open_store (f->uri);
  g_autoptr (SbOp) ours = NULL;
  g_autoptr (SbOp) theirs = NULL;
  g_autoptr (SbOp) again = NULL;
  g_autoptr (SbOp) none = NULL;
  g_autoptr (SbOp) released = NULL;
  g_autoptr (SbOp) freed = NULL;

  ours = run (f, op_hold_best (f, f->alice, 3));
  assert_ok (ours);
  theirs = run_on (other, op_hold_best (f, f->bob, 3));
  assert_ok (theirs);
  assert_disjoint (theirs->result_seat_ids, ours->result_seat_ids);

  /* Row A holds two windows of three, row B (B-6 blocked) one: the last one left. */
  again = run (f, op_hold_best (f, f->alice, 3));
  assert_ok (again);
  assert_side_by_side (again->result_seat_ids, 3);
  assert_disjoint (again->result_seat_ids, ours->result_seat_ids);
  assert_disjoint (again->result_seat_ids, theirs->result_seat_ids);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (seat_state (f, again->result_seat_ids[i], NULL), ==, SB_SEAT_HELD);
  none = run (f, op_hold_best (f, f->alice, 3));
  assert_refused (none, SB_ERROR_NOT_ENOUGH_SEATS);

  /* The other server lets its seats go: this store sees them free again. */
  released = run_on (other, op_on_hold (f, SB_OP_RELEASE, f->bob, theirs->result_hold_id));
  assert_ok (released);
  freed = run (f, op_hold_best (f, f->alice, 3));
  assert_ok (freed);
  g_assert_cmpstrv (freed->result_seat_ids, theirs->result_seat_ids);
}

static void
test_orphan_rule (Fixture *f, gconstpointer data)
{
  g_autofree char *venue = store_test_make_venue (2, 6, blocked_seats);
  g_autofree char *strict = g_strdup_printf ("strict-%s", f->suffix);
  g_autofree char *gentle = g_strdup_printf ("gentle-%s", f->suffix);
  g_autoptr (GError) error = NULL;
  g_autoptr (SbOp) refused = NULL;
  g_autoptr (SbOp) fine = NULL;
  g_autoptr (SbOp) warned = NULL;
  g_autoptr (SbOp) booked = NULL;
  g_autoptr (SbOp) off = NULL;

  g_assert_true (sb_store_create_event_with_rule (f->store, strict, "Strict", venue, 0,
                                                  SB_ORPHAN_RULE_ENFORCE, &error));
  g_assert_no_error (error);
  g_assert_true (sb_store_create_event_with_rule (f->store, gentle, "Gentle", venue, 0,
                                                  SB_ORPHAN_RULE_WARN, &error));
  g_assert_no_error (error);

  /* enforce: A-2 alone would leave A-1 between the row's end and a taken seat. */
  g_free (f->event_id);
  f->event_id = g_strdup (strict);
  refused = run (f, op_hold (f, f->alice, SEATS ("A-2"), TTL_MS));
  assert_refused (refused, SB_ERROR_LONE_SEAT);
  assert_strv_set (refused->conflicting_seats, SEATS ("A-1"));
  g_assert_nonnull (strstr (refused->error_message, "A-1"));
  g_assert_cmpint (seat_state (f, "A-2", NULL), ==, SB_SEAT_FREE);
  fine = run (f, op_hold (f, f->alice, SEATS ("A-1", "A-2"), TTL_MS));
  assert_ok (fine);
  g_assert_null (fine->result_lone_seat);

  /* warn: the same is done, and the seat is named. */
  g_free (f->event_id);
  f->event_id = g_strdup (gentle);
  warned = run (f, op_hold (f, f->alice, SEATS ("A-2"), TTL_MS));
  assert_ok (warned);
  g_assert_cmpstr (warned->result_lone_seat, ==, "A-1");
  /* B-5 next to the blocked B-6: booking B-4 leaves it alone. */
  booked = run (f, op_book_seats (f, f->alice, SEATS ("B-4")));
  assert_ok (booked);
  g_assert_cmpstr (booked->result_lone_seat, ==, "B-5");

  /* off (the fixture's event, created without a rule): nothing said. */
  g_free (f->event_id);
  f->event_id = g_strdup_printf ("ev-%s", f->suffix);
  off = run (f, op_hold (f, f->alice, SEATS ("A-2"), TTL_MS));
  assert_ok (off);
  g_assert_null (off->result_lone_seat);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/open/invalid-uri", test_open_invalid_uri);
  STORE_CONTRACT_ADD ("events", test_events);
  STORE_CONTRACT_ADD ("hold-best", test_hold_best);
  STORE_CONTRACT_ADD ("hold-best/other-writer", test_hold_best_other_writer);
  STORE_CONTRACT_ADD ("orphan-rule", test_orphan_rule);
  STORE_CONTRACT_ADD ("hold/all-or-nothing", test_hold_all_or_nothing);
  STORE_CONTRACT_ADD ("hold/blocked-seat", test_hold_blocked_seat);
  STORE_CONTRACT_ADD ("hold/invalid", test_hold_invalid);
  STORE_CONTRACT_ADD ("op/malformed", test_op_malformed);
  STORE_CONTRACT_ADD ("hold/other-event", test_hold_in_other_event);
  STORE_CONTRACT_ADD ("extend/invalid-ttl", test_extend_invalid_ttl);
  STORE_CONTRACT_ADD ("book/seats-of-two-holds", test_book_seats_of_two_holds);
  STORE_CONTRACT_ADD ("book/by-hold", test_book_by_hold);
  STORE_CONTRACT_ADD ("book/by-seats", test_book_by_seats);
  STORE_CONTRACT_ADD ("book/own-expired-hold-seats", test_book_own_expired_hold_seats);
  STORE_CONTRACT_ADD ("hold/forbidden", test_forbidden);
  STORE_CONTRACT_ADD ("hold/unknown", test_unknown_hold);
  STORE_CONTRACT_ADD ("release", test_release);
  STORE_CONTRACT_ADD ("extend", test_extend);
  STORE_CONTRACT_ADD ("expired-hold", test_expired_hold);
  STORE_CONTRACT_ADD ("expire/sweep", test_expire_sweep);
  STORE_CONTRACT_ADD ("expire/same-instant", test_expire_same_instant);
  STORE_CONTRACT_ADD ("expire/unknown-event", test_expire_unknown_event);
  store_contract_add_log_tests ();
  store_contract_add_sqlite_tests ();

  return g_test_run ();
}
