/* test-store-contract.c: the contract every SbStore backend must keep (sb-store.h,
 * docs/protocol.md).
 *
 * The store comes from SEATBOOK_TEST_STORE_URI when set (tests/mongo runs this very program
 * against a MongoDB replica set), else from a fresh temporary SQLite file per test case. Every
 * test case uses its own event and client ids, so one shared database serves them all. */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "sb-store.h"
#include "store-test-util.h"

#define TTL_MS (600 * 1000)

typedef struct
{
  char *dir; /* temporary directory for the SQLite file; NULL with an external URI */
  char *uri;
  char *db_path; /* the SQLite file, or NULL */
  SbStore *store;
  char *suffix;
  char *event_id;
  char *alice;
  char *bob;
  gint64 now; /* the fake clock ops run at */
  guint next_request;
} Fixture;

/* Seats A-1…A-6, B-1…B-6; B-6 is blocked. */
static const char *const blocked_seats[] = { "B-6", NULL };

static SbStore *
open_store (const char *uri)
{
  g_autoptr (GError) error = NULL;
  SbStore *store = sb_store_open (uri, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const char *uri = g_getenv ("SEATBOOK_TEST_STORE_URI");
  g_autoptr (GError) error = NULL;
  g_autofree char *venue = store_test_make_venue (2, 6, blocked_seats);

  if (uri != NULL && *uri != '\0')
    {
      f->uri = g_strdup (uri);
      if (g_str_has_prefix (uri, "sqlite:"))
        f->db_path = g_strdup (uri + strlen ("sqlite:"));
    }
  else
    {
      f->dir = g_dir_make_tmp ("sb-store-test-XXXXXX", &error);
      g_assert_no_error (error);
      /* A subdirectory that does not exist yet: sb_store_open () creates it. */
      f->db_path = g_build_filename (f->dir, "db", "seatbook.db", NULL);
      f->uri = g_strconcat ("sqlite:", f->db_path, NULL);
    }
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

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  if (f->dir != NULL)
    remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->uri);
  g_free (f->db_path);
  g_free (f->suffix);
  g_free (f->event_id);
  g_free (f->alice);
  g_free (f->bob);
}

static void
reopen (Fixture *f)
{
  g_clear_object (&f->store);
  f->store = open_store (f->uri);
}

static char *
next_request_id (Fixture *f)
{
  return g_strdup_printf ("r%u", ++f->next_request);
}

/* Op builders; request ids are fresh unless given. */

static SbOp *
op_hold (Fixture *f, const char *client, const char *const *seats, gint64 ttl_ms)
{
  g_autofree char *request = next_request_id (f);
  SbOp *op = sb_op_new (SB_OP_HOLD, f->event_id, client, request);

  op->seat_ids = g_strdupv ((char **) seats);
  op->ttl_ms = ttl_ms;
  op->now_ms = f->now;
  return op;
}

static SbOp *
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

static SbOp *
op_book_seats (Fixture *f, const char *client, const char *const *seats)
{
  g_autofree char *request = next_request_id (f);
  SbOp *op = sb_op_new (SB_OP_BOOK, f->event_id, client, request);

  op->seat_ids = g_strdupv ((char **) seats);
  op->now_ms = f->now;
  return op;
}

static SbOp *
op_expire (Fixture *f)
{
  SbOp *op = sb_op_new (SB_OP_EXPIRE, f->event_id, NULL, NULL);

  op->now_ms = f->now;
  return op;
}

/* Runs one op as a batch of one and returns it (for chaining). */
static SbOp *
run (Fixture *f, SbOp *op)
{
  g_autoptr (GPtrArray) ops = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;

  g_ptr_array_add (ops, op);
  g_assert_true (sb_store_apply (f->store, ops, &error));
  g_assert_no_error (error);
  return op;
}

static void
assert_ok (SbOp *op)
{
  if (op->error != SB_ERROR_NONE)
    g_error ("op %s failed: %s: %s", sb_op_kind_to_string (op->kind),
             sb_error_code_to_string (op->error), op->error_message);
}

static void
assert_refused (SbOp *op, SbErrorCode code)
{
  g_assert_cmpstr (sb_error_code_to_string (op->error), ==, sb_error_code_to_string (code));
  g_assert_nonnull (op->error_message);
  g_assert_null (op->change);
}

static gint64
event_version (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbEventState) state = sb_store_load_event (f->store, f->event_id, &error);

  g_assert_no_error (error);
  return state->version;
}

/* The state of one seat per load_event: FREE when it has no entry. */
static SbSeatState
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

static void
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

static const SbSeatChange *
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

#define SEATS(...) ((const char *const[]){ __VA_ARGS__, NULL })

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

/* ---- SQLite only: the schema itself forbids a double booking -------------------------------- */

G_GNUC_PRINTF (2, 3)
static void
sql_must_fail (sqlite3 *db, const char *format, ...)
{
  g_autofree char *sql = NULL;
  char *message = NULL;
  va_list args;
  int rc;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc == SQLITE_OK)
    g_error ("the schema accepted: %s", sql);
  g_assert_cmpint (rc & 0xff, ==, SQLITE_CONSTRAINT);
  g_test_message ("refused as it should be: %s (%s)", sql, message);
  sqlite3_free (message);
}

static void
test_sqlite_schema_forbids_double_booking (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) book = NULL;
  g_autoptr (SbOp) hold = NULL;
  sqlite3 *db = NULL;

  if (f->db_path == NULL)
    {
      g_test_skip ("not an SQLite store");
      return;
    }

  book = run (f, op_book_seats (f, f->alice, SEATS ("A-1")));
  assert_ok (book);
  hold = run (f, op_hold (f, f->bob, SEATS ("A-2"), TTL_MS));
  assert_ok (hold);

  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), ==, SQLITE_OK);

  /* Hold or book the booked seat A-1 again, as a buggy server would. */
  sql_must_fail (db,
                 "INSERT INTO seat_states (event_id, seat_id, state, hold_id)"
                 " VALUES ('%s', 'A-1', 'held', '%s')",
                 f->event_id, hold->result_hold_id);
  /* REPLACE would delete the booked row without firing delete triggers. */
  sql_must_fail (db,
                 "INSERT OR REPLACE INTO seat_states (event_id, seat_id, state, hold_id)"
                 " VALUES ('%s', 'A-1', 'held', '%s')",
                 f->event_id, hold->result_hold_id);
  sql_must_fail (db,
                 "UPDATE seat_states SET state = 'held', booking_id = NULL, hold_id = '%s'"
                 " WHERE event_id = '%s' AND seat_id = 'A-1'",
                 hold->result_hold_id, f->event_id);
  /* (Deleting the booked row is allowed since cancellations: test-store-cancel.c.) */
  sql_must_fail (db,
                 "INSERT INTO booking_seats (event_id, seat_id, booking_id)"
                 " VALUES ('%s', 'A-1', '%s')",
                 f->event_id, book->result_booking_id);
  /* A held seat cannot be held a second time either, nor its row lose its hold. */
  sql_must_fail (db,
                 "INSERT INTO seat_states (event_id, seat_id, state, hold_id)"
                 " VALUES ('%s', 'A-2', 'held', '%s')",
                 f->event_id, hold->result_hold_id);
  sql_must_fail (db,
                 "UPDATE seat_states SET hold_id = NULL"
                 " WHERE event_id = '%s' AND seat_id = 'A-2'",
                 f->event_id);
  /* (A blocked row may go since unblock; a seat the venue blocks is refused by the rules.) */

  sqlite3_close (db);

  g_assert_cmpint (seat_state (f, "A-1", NULL), ==, SB_SEAT_BOOKED);
  g_assert_cmpint (seat_state (f, "B-6", NULL), ==, SB_SEAT_BLOCKED);
}

/* A seat the rules read as free but the schema refuses (here booking_seats has it already, as a bug
 * might leave it): the op is refused with that seat and whatever it wrote is undone, while the rest
 * of the batch commits. */
static void
test_sqlite_refused_write_is_undone (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_op_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;
  SbOp *before, *book, *after;
  GLogLevelFlags fatal;
  sqlite3 *db = NULL;

  if (f->db_path == NULL)
    {
      g_test_skip ("not an SQLite store");
      return;
    }

  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  sql = g_strdup_printf ("INSERT INTO bookings (booking_id, event_id, client_id, created_at)"
                         " VALUES ('STRAY999', '%s', 'nobody', 0);"
                         "INSERT INTO booking_seats (event_id, seat_id, booking_id)"
                         " VALUES ('%s', 'A-3', 'STRAY999');",
                         f->event_id, f->event_id);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  before = op_hold (f, f->bob, SEATS ("A-4"), TTL_MS);
  book = op_book_seats (f, f->alice, SEATS ("A-2", "A-3"));
  after = op_hold (f, f->bob, SEATS ("A-5"), TTL_MS);
  g_ptr_array_add (ops, before);
  g_ptr_array_add (ops, book);
  g_ptr_array_add (ops, after);
  /* The store logs what the schema caught with g_warning (), which the test harness makes fatal
   * (and structured logging passes by g_test_expect_message ()). */
  fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_assert_true (sb_store_apply (f->store, ops, &error));
  g_log_set_always_fatal (fatal);
  g_assert_no_error (error);

  assert_ok (before);
  assert_refused (book, SB_ERROR_SEAT_UNAVAILABLE);
  assert_strv_set (book->conflicting_seats, SEATS ("A-3"));
  assert_ok (after);
  g_assert_cmpint (after->change->version, ==, 2);
  g_assert_cmpint (event_version (f), ==, 2);
  g_assert_cmpint (seat_state (f, "A-2", NULL), ==, SB_SEAT_FREE);
  g_assert_cmpint (seat_state (f, "A-3", NULL), ==, SB_SEAT_FREE);
  g_assert_cmpint (seat_state (f, "A-4", NULL), ==, SB_SEAT_HELD);
  g_assert_cmpint (seat_state (f, "A-5", NULL), ==, SB_SEAT_HELD);
}

/* A file written by an earlier run is opened without migrating it twice, and a file from a
 * newer schema is refused. */
static void
test_sqlite_schema_version (Fixture *f, gconstpointer data)
{
  sqlite3 *db = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (SbStore) store = NULL;

  /* It damages the file, so only on a file of its own. */
  if (f->dir == NULL)
    {
      g_test_skip ("needs a temporary SQLite store of its own");
      return;
    }
  reopen (f);
  g_clear_object (&f->store);

  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 999", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = sb_store_open (f->uri, &error);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED);
  g_assert_null (store);
}

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

#define ADD(path, func)                                                                            \
  g_test_add ("/store/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/store/open/invalid-uri", test_open_invalid_uri);
  ADD ("events", test_events);
  ADD ("hold-best", test_hold_best);
  ADD ("orphan-rule", test_orphan_rule);
  ADD ("hold/all-or-nothing", test_hold_all_or_nothing);
  ADD ("hold/blocked-seat", test_hold_blocked_seat);
  ADD ("hold/invalid", test_hold_invalid);
  ADD ("op/malformed", test_op_malformed);
  ADD ("hold/other-event", test_hold_in_other_event);
  ADD ("extend/invalid-ttl", test_extend_invalid_ttl);
  ADD ("book/seats-of-two-holds", test_book_seats_of_two_holds);
  ADD ("book/by-hold", test_book_by_hold);
  ADD ("book/by-seats", test_book_by_seats);
  ADD ("book/own-expired-hold-seats", test_book_own_expired_hold_seats);
  ADD ("hold/forbidden", test_forbidden);
  ADD ("hold/unknown", test_unknown_hold);
  ADD ("release", test_release);
  ADD ("extend", test_extend);
  ADD ("expired-hold", test_expired_hold);
  ADD ("expire/sweep", test_expire_sweep);
  ADD ("expire/same-instant", test_expire_same_instant);
  ADD ("expire/unknown-event", test_expire_unknown_event);
  ADD ("idempotency/success", test_idempotent_success);
  ADD ("idempotency/failure", test_idempotent_failure);
  ADD ("idempotency/one-batch", test_idempotent_in_one_batch);
  ADD ("versions/changes", test_versions_and_changes);
  ADD ("batch/conflicts", test_batch_with_conflicts);
  ADD ("durability/reopen", test_reopen_reproduces_state);
  ADD ("prune", test_prune);
  ADD ("sqlite/schema-forbids-double-booking", test_sqlite_schema_forbids_double_booking);
  ADD ("sqlite/schema-version", test_sqlite_schema_version);
  ADD ("sqlite/refused-write-is-undone", test_sqlite_refused_write_is_undone);

  return g_test_run ();
}
