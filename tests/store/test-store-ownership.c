/* test-store-ownership.c: holds and bookings belong to the account (issue 10, docs/protocol.md
 * "Identity, accounts and idempotency"), in every store.
 *
 * An op with an account acts on the account's holds from any desk (client_id) and is refused
 * `forbidden` on another account's; an op without one (accounts=off) keeps protocol 1's rule, the
 * desk's holds, and records the placeholder account. Idempotency stays per (desk, request id).
 *
 * The store comes from SEATBOOK_TEST_STORE_URI when set (tests/mongo runs this program against the
 * fake MongoDB), else from a fresh temporary SQLite file per test case. */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "sb-store.h"
#include "store-op-fixture.h"

/* The stored hold as load_event gives it (a restarted server starts from this). */
static SbHoldRecord *
loaded_hold (StoreOpFixture *f, const char *hold_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbEventState) state = sb_store_load_event (f->store, f->event_id, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < state->holds->len; i++)
    {
      SbHoldRecord *hold = g_ptr_array_index (state->holds, i);

      if (g_str_equal (hold->hold_id, hold_id))
        return sb_hold_record_copy (hold);
    }
  return NULL;
}

/* SQLite only: one text column of one row, read with SQL. */
static char *
sqlite_text (StoreOpFixture *f, const char *sql, const char *key)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

static void
assert_sqlite_booking (StoreOpFixture *f,
                       const char *booking_id,
                       const char *desk,
                       const char *account)
{
  g_autofree char *stored_desk = NULL;
  g_autofree char *stored_account = NULL;

  if (f->db_path == NULL)
    return; /* MongoDB: the fake's documents are not reachable from here */
  stored_desk = sqlite_text (f, "SELECT client_id FROM bookings WHERE booking_id = ?1", booking_id);
  stored_account
      = sqlite_text (f, "SELECT account FROM bookings WHERE booking_id = ?1", booking_id);
  g_assert_cmpstr (stored_desk, ==, desk);
  g_assert_cmpstr (stored_account, ==, account);
}

/* Another desk of the same account extends and books; the hold keeps the desk that made it. */
static void
test_same_account_other_desk (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold
      = store_op_run (f, store_op_hold (f, f->desk1, f->anna, SEATS ("A-1", "A-2")));
  g_autoptr (SbOp) extend = NULL;
  g_autoptr (SbOp) book = NULL;
  g_autoptr (SbHoldRecord) stored = NULL;
  const SbHoldRecord *record;

  store_op_assert_ok (hold);
  record = g_ptr_array_index (hold->change->holds, 0);
  g_assert_cmpstr (record->account, ==, f->anna);
  g_assert_cmpstr (record->client_id, ==, f->desk1);

  extend = store_op_run (
      f, store_op_on_hold (f, SB_OP_EXTEND, f->desk2, f->anna, hold->result_hold_id));
  store_op_assert_ok (extend);
  record = g_ptr_array_index (extend->change->holds, 0);
  g_assert_cmpstr (record->account, ==, f->anna);
  g_assert_cmpstr (record->client_id, ==, f->desk1);

  stored = loaded_hold (f, hold->result_hold_id);
  g_assert_nonnull (stored);
  g_assert_cmpstr (stored->account, ==, f->anna);
  g_assert_cmpstr (stored->client_id, ==, f->desk1);

  book
      = store_op_run (f, store_op_on_hold (f, SB_OP_BOOK, f->desk2, f->anna, hold->result_hold_id));
  store_op_assert_ok (book);
  assert_sqlite_booking (f, book->result_booking_id, f->desk2, f->anna);
}

/* Another account may not touch the hold, from any desk, the one that made it included. */
static void
test_other_account_forbidden (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = store_op_run (f, store_op_hold (f, f->desk1, f->anna, SEATS ("A-1")));
  SbOpKind kinds[] = { SB_OP_BOOK, SB_OP_EXTEND, SB_OP_RELEASE };
  const char *desks[] = { f->desk1, f->desk2 };

  store_op_assert_ok (hold);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    for (guint j = 0; j < G_N_ELEMENTS (desks); j++)
      {
        g_autoptr (SbOp) op = store_op_run (
            f, store_op_on_hold (f, kinds[i], desks[j], f->ben, hold->result_hold_id));

        store_op_assert_refused (op, SB_ERROR_FORBIDDEN);
        g_assert_nonnull (strstr (op->error_message, "another account"));
      }

  /* Release by the owner from the other desk. */
  g_autoptr (SbOp) release = store_op_run (
      f, store_op_on_hold (f, SB_OP_RELEASE, f->desk2, f->anna, hold->result_hold_id));
  store_op_assert_ok (release);
}

/* Booking seats by their ids: seats held by the account's own hold made at the same desk may be
 * booked; another desk of the account books them by hold, and another account not at all. */
static void
test_book_seats_held_by_account (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold
      = store_op_run (f, store_op_hold (f, f->desk1, f->anna, SEATS ("A-3", "A-4")));
  g_autoptr (SbOp) steal = NULL;
  g_autoptr (SbOp) book = NULL;

  store_op_assert_ok (hold);
  steal = store_op_new (f, SB_OP_BOOK, f->desk1, f->ben, NULL);
  steal->seat_ids = g_strdupv ((char **) SEATS ("A-3"));
  store_op_run (f, steal);
  store_op_assert_refused (steal, SB_ERROR_SEAT_UNAVAILABLE);
  g_clear_pointer (&steal, sb_op_free);

  steal = store_op_new (f, SB_OP_BOOK, f->desk2, f->anna, NULL);
  steal->seat_ids = g_strdupv ((char **) SEATS ("A-3"));
  store_op_run (f, steal);
  store_op_assert_refused (steal, SB_ERROR_SEAT_UNAVAILABLE);

  book = store_op_new (f, SB_OP_BOOK, f->desk1, f->anna, NULL);
  book->seat_ids = g_strdupv ((char **) SEATS ("A-3"));
  store_op_run (f, book);
  store_op_assert_ok (book);
  assert_sqlite_booking (f, book->result_booking_id, f->desk1, f->anna);
  /* The hold keeps its other seat, still its own desk's and account's. */
  g_assert_cmpuint (book->change->holds->len, ==, 1);
  const SbHoldRecord *left = g_ptr_array_index (book->change->holds, 0);
  g_assert_cmpstr (left->account, ==, f->anna);
  g_assert_cmpstr (left->client_id, ==, f->desk1);
}

/* Accounts off: protocol 1's rule (the desk's holds) and the placeholder account recorded. */
static void
test_accounts_off (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = store_op_run (f, store_op_hold (f, f->desk1, NULL, SEATS ("B-1")));
  g_autoptr (SbOp) other_desk = NULL;
  g_autoptr (SbOp) signed_in = NULL;
  g_autoptr (SbOp) book = NULL;
  g_autoptr (SbHoldRecord) stored = NULL;

  store_op_assert_ok (hold);
  stored = loaded_hold (f, hold->result_hold_id);
  g_assert_nonnull (stored);
  g_assert_cmpstr (stored->account, ==, SB_LEGACY_ACCOUNT);

  other_desk
      = store_op_run (f, store_op_on_hold (f, SB_OP_EXTEND, f->desk2, NULL, hold->result_hold_id));
  store_op_assert_refused (other_desk, SB_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (other_desk->error_message, "another client"));
  /* A hold made without an account is the placeholder's: no account signed in may take it. */
  signed_in = store_op_run (
      f, store_op_on_hold (f, SB_OP_EXTEND, f->desk1, f->anna, hold->result_hold_id));
  store_op_assert_refused (signed_in, SB_ERROR_FORBIDDEN);

  book = store_op_run (f, store_op_on_hold (f, SB_OP_BOOK, f->desk1, NULL, hold->result_hold_id));
  store_op_assert_ok (book);
  assert_sqlite_booking (f, book->result_booking_id, f->desk1, SB_LEGACY_ACCOUNT);
}

/* Idempotency is per (desk, request id), not per account: the same id from another desk of the
 * same account is another request. */
static void
test_idempotency_per_desk (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) first = store_op_new (f, SB_OP_HOLD, f->desk1, f->anna, "same-id");
  g_autoptr (SbOp) other_desk = store_op_new (f, SB_OP_HOLD, f->desk2, f->anna, "same-id");
  g_autoptr (SbOp) retry = store_op_new (f, SB_OP_HOLD, f->desk1, f->anna, "same-id");

  first->seat_ids = g_strdupv ((char **) SEATS ("B-2"));
  other_desk->seat_ids = g_strdupv ((char **) SEATS ("B-3"));
  retry->seat_ids = g_strdupv ((char **) SEATS ("B-2"));
  store_op_assert_ok (store_op_run (f, first));
  store_op_assert_ok (store_op_run (f, other_desk));
  g_assert_false (other_desk->replayed);
  g_assert_cmpstr (other_desk->result_hold_id, !=, first->result_hold_id);
  store_op_assert_ok (store_op_run (f, retry));
  g_assert_true (retry->replayed);
  g_assert_cmpstr (retry->result_hold_id, ==, first->result_hold_id);
}

/* A second account signed in at the same desk that reuses a request id does not get the first
 * account's stored outcome (its hold id, seats, booking): the request is refused `forbidden`,
 * not replayed, and changes nothing; the first account's retry still replays. The same between
 * the placeholder account (accounts off) and a signed-in one. */
static void
test_replay_other_account (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) first = store_op_new (f, SB_OP_HOLD, f->desk1, f->anna, "shared-id");
  g_autoptr (SbOp) other = store_op_new (f, SB_OP_HOLD, f->desk1, f->ben, "shared-id");
  g_autoptr (SbOp) retry = store_op_new (f, SB_OP_HOLD, f->desk1, f->anna, "shared-id");
  g_autoptr (SbOp) off = store_op_new (f, SB_OP_HOLD, f->desk2, NULL, "off-id");
  g_autoptr (SbOp) signed_in = store_op_new (f, SB_OP_HOLD, f->desk2, f->ben, "off-id");
  g_autoptr (SbOp) off_retry = store_op_new (f, SB_OP_HOLD, f->desk2, NULL, "off-id");

  first->seat_ids = g_strdupv ((char **) SEATS ("A-5"));
  other->seat_ids = g_strdupv ((char **) SEATS ("A-6"));
  retry->seat_ids = g_strdupv ((char **) SEATS ("A-5"));
  store_op_assert_ok (store_op_run (f, first));

  store_op_run (f, other);
  store_op_assert_refused (other, SB_ERROR_FORBIDDEN);
  g_assert_false (other->replayed);
  g_assert_null (other->result_hold_id);
  g_assert_null (other->result_seat_ids);
  g_assert_nonnull (strstr (other->error_message, "another account"));

  store_op_assert_ok (store_op_run (f, retry));
  g_assert_true (retry->replayed);
  g_assert_cmpstr (retry->result_hold_id, ==, first->result_hold_id);

  off->seat_ids = g_strdupv ((char **) SEATS ("B-5"));
  signed_in->seat_ids = g_strdupv ((char **) SEATS ("B-6"));
  off_retry->seat_ids = g_strdupv ((char **) SEATS ("B-5"));
  store_op_assert_ok (store_op_run (f, off));
  store_op_run (f, signed_in);
  store_op_assert_refused (signed_in, SB_ERROR_FORBIDDEN);
  g_assert_false (signed_in->replayed);
  g_assert_null (signed_in->result_hold_id);
  store_op_assert_ok (store_op_run (f, off_retry));
  g_assert_true (off_retry->replayed);
  g_assert_cmpstr (off_retry->result_hold_id, ==, off->result_hold_id);
}

/* SQLite only: an idempotency record as written before outcomes named their account is replayed
 * to whichever account retries it, as before. */
static void
test_replay_unnamed_outcome (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) retry = store_op_new (f, SB_OP_HOLD, f->desk1, f->ben, "old-id");
  g_autofree char *outcome = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (f->db_path == NULL)
    {
      g_test_skip ("the record is written with SQL");
      return;
    }
  outcome = g_strdup_printf ("{\"kind\":\"hold\",\"event\":\"%s\",\"hold\":\"h_old\","
                             "\"seats\":[\"A-1\"],\"expires_at\":%" G_GINT64_FORMAT "}",
                             f->event_id, f->now + TTL_MS);
  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO requests (client_id, request_id, outcome, "
                                       "created_at) VALUES (?1, 'old-id', ?2, ?3)",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, f->desk1, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, outcome, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, f->now);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  retry->seat_ids = g_strdupv ((char **) SEATS ("A-1"));
  store_op_assert_ok (store_op_run (f, retry));
  g_assert_true (retry->replayed);
  g_assert_cmpstr (retry->result_hold_id, ==, "h_old");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add ("/ownership/" path, StoreOpFixture, NULL, store_op_fixture_set_up, func,             \
              store_op_fixture_tear_down)

  ADD ("same-account-other-desk", test_same_account_other_desk);
  ADD ("other-account-forbidden", test_other_account_forbidden);
  ADD ("book-seats-held-by-account", test_book_seats_held_by_account);
  ADD ("accounts-off", test_accounts_off);
  ADD ("idempotency-per-desk", test_idempotency_per_desk);
  ADD ("replay-other-account", test_replay_other_account);
  ADD ("replay-unnamed-outcome", test_replay_unnamed_outcome);

  return g_test_run ();
}
