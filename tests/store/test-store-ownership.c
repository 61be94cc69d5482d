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
#include "store-test-util.h"

#define TTL_MS (600 * 1000)
#define SEATS(...) ((const char *const[]){ __VA_ARGS__, NULL })

typedef struct
{
  char *dir;
  char *uri;
  char *db_path; /* the SQLite file, or NULL */
  SbStore *store;
  char *event_id;
  char *desk1, *desk2;
  char *anna, *ben;
  gint64 now;
  guint next_request;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const char *uri = g_getenv ("SEATBOOK_TEST_STORE_URI");
  g_autoptr (GError) error = NULL;
  g_autofree char *suffix = store_test_random_suffix ();
  g_autofree char *venue = store_test_make_venue (2, 6, NULL);

  if (uri != NULL && *uri != '\0')
    {
      f->uri = g_strdup (uri);
      if (g_str_has_prefix (uri, "sqlite:"))
        f->db_path = g_strdup (uri + strlen ("sqlite:"));
    }
  else
    {
      f->dir = g_dir_make_tmp ("sb-ownership-test-XXXXXX", &error);
      g_assert_no_error (error);
      f->db_path = g_build_filename (f->dir, "seatbook.db", NULL);
      f->uri = g_strconcat ("sqlite:", f->db_path, NULL);
    }
  f->store = sb_store_open (f->uri, &error);
  g_assert_no_error (error);
  f->event_id = g_strdup_printf ("ev-%s", suffix);
  f->desk1 = g_strdup_printf ("desk1-%s", suffix);
  f->desk2 = g_strdup_printf ("desk2-%s", suffix);
  f->anna = g_strdup_printf ("anna-%s", suffix);
  f->ben = g_strdup_printf ("ben-%s", suffix);
  f->now = g_get_real_time () / 1000;
  g_assert_true (
      sb_store_create_event (f->store, f->event_id, "Test night", venue, 1764270000000, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  if (f->dir != NULL)
    {
      g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (f->db_path, "-shm", NULL);

      g_remove (wal);
      g_remove (shm);
      g_remove (f->db_path);
      g_rmdir (f->dir);
    }
  g_free (f->dir);
  g_free (f->uri);
  g_free (f->db_path);
  g_free (f->event_id);
  g_free (f->desk1);
  g_free (f->desk2);
  g_free (f->anna);
  g_free (f->ben);
}

/* An op of desk, signed in as account (NULL: accounts off), with a fresh request id unless
 * request is given. */
static SbOp *
new_op (Fixture *f, SbOpKind kind, const char *desk, const char *account, const char *request)
{
  g_autofree char *fresh = g_strdup_printf ("r%u", ++f->next_request);
  SbOp *op = sb_op_new (kind, kind == SB_OP_HOLD || kind == SB_OP_BOOK ? f->event_id : NULL, desk,
                        request != NULL ? request : fresh);

  op->account = g_strdup (account);
  op->now_ms = f->now;
  op->ttl_ms = kind == SB_OP_HOLD || kind == SB_OP_EXTEND ? TTL_MS : 0;
  return op;
}

static SbOp *
op_hold (Fixture *f, const char *desk, const char *account, const char *const *seats)
{
  SbOp *op = new_op (f, SB_OP_HOLD, desk, account, NULL);

  op->seat_ids = g_strdupv ((char **) seats);
  return op;
}

static SbOp *
op_on_hold (Fixture *f, SbOpKind kind, const char *desk, const char *account, const char *hold_id)
{
  SbOp *op = new_op (f, kind, desk, account, NULL);

  /* The protocol's extend/release/book-by-hold name no event: the store finds it. */
  g_clear_pointer (&op->event_id, g_free);
  op->hold_id = g_strdup (hold_id);
  return op;
}

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
  g_assert_null (op->change);
}

/* The stored hold as load_event gives it (a restarted server starts from this). */
static SbHoldRecord *
loaded_hold (Fixture *f, const char *hold_id)
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
sqlite_text (Fixture *f, const char *sql, const char *key)
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
assert_sqlite_booking (Fixture *f, const char *booking_id, const char *desk, const char *account)
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
test_same_account_other_desk (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = run (f, op_hold (f, f->desk1, f->anna, SEATS ("A-1", "A-2")));
  g_autoptr (SbOp) extend = NULL;
  g_autoptr (SbOp) book = NULL;
  g_autoptr (SbHoldRecord) stored = NULL;
  const SbHoldRecord *record;

  assert_ok (hold);
  record = g_ptr_array_index (hold->change->holds, 0);
  g_assert_cmpstr (record->account, ==, f->anna);
  g_assert_cmpstr (record->client_id, ==, f->desk1);

  extend = run (f, op_on_hold (f, SB_OP_EXTEND, f->desk2, f->anna, hold->result_hold_id));
  assert_ok (extend);
  record = g_ptr_array_index (extend->change->holds, 0);
  g_assert_cmpstr (record->account, ==, f->anna);
  g_assert_cmpstr (record->client_id, ==, f->desk1);

  stored = loaded_hold (f, hold->result_hold_id);
  g_assert_nonnull (stored);
  g_assert_cmpstr (stored->account, ==, f->anna);
  g_assert_cmpstr (stored->client_id, ==, f->desk1);

  book = run (f, op_on_hold (f, SB_OP_BOOK, f->desk2, f->anna, hold->result_hold_id));
  assert_ok (book);
  assert_sqlite_booking (f, book->result_booking_id, f->desk2, f->anna);
}

/* Another account may not touch the hold, from any desk, the one that made it included. */
static void
test_other_account_forbidden (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = run (f, op_hold (f, f->desk1, f->anna, SEATS ("A-1")));
  SbOpKind kinds[] = { SB_OP_BOOK, SB_OP_EXTEND, SB_OP_RELEASE };
  const char *desks[] = { f->desk1, f->desk2 };

  assert_ok (hold);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    for (guint j = 0; j < G_N_ELEMENTS (desks); j++)
      {
        g_autoptr (SbOp) op
            = run (f, op_on_hold (f, kinds[i], desks[j], f->ben, hold->result_hold_id));

        assert_refused (op, SB_ERROR_FORBIDDEN);
        g_assert_nonnull (strstr (op->error_message, "another account"));
      }

  /* Release by the owner from the other desk. */
  g_autoptr (SbOp) release
      = run (f, op_on_hold (f, SB_OP_RELEASE, f->desk2, f->anna, hold->result_hold_id));
  assert_ok (release);
}

/* Booking seats by their ids: seats held by the account's own hold made at the same desk may be
 * booked; another desk of the account books them by hold, and another account not at all. */
static void
test_book_seats_held_by_account (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = run (f, op_hold (f, f->desk1, f->anna, SEATS ("A-3", "A-4")));
  g_autoptr (SbOp) steal = NULL;
  g_autoptr (SbOp) book = NULL;

  assert_ok (hold);
  steal = new_op (f, SB_OP_BOOK, f->desk1, f->ben, NULL);
  steal->seat_ids = g_strdupv ((char **) SEATS ("A-3"));
  run (f, steal);
  assert_refused (steal, SB_ERROR_SEAT_UNAVAILABLE);
  g_clear_pointer (&steal, sb_op_free);

  steal = new_op (f, SB_OP_BOOK, f->desk2, f->anna, NULL);
  steal->seat_ids = g_strdupv ((char **) SEATS ("A-3"));
  run (f, steal);
  assert_refused (steal, SB_ERROR_SEAT_UNAVAILABLE);

  book = new_op (f, SB_OP_BOOK, f->desk1, f->anna, NULL);
  book->seat_ids = g_strdupv ((char **) SEATS ("A-3"));
  run (f, book);
  assert_ok (book);
  assert_sqlite_booking (f, book->result_booking_id, f->desk1, f->anna);
  /* The hold keeps its other seat, still its own desk's and account's. */
  g_assert_cmpuint (book->change->holds->len, ==, 1);
  const SbHoldRecord *left = g_ptr_array_index (book->change->holds, 0);
  g_assert_cmpstr (left->account, ==, f->anna);
  g_assert_cmpstr (left->client_id, ==, f->desk1);
}

/* Accounts off: protocol 1's rule (the desk's holds) and the placeholder account recorded. */
static void
test_accounts_off (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = run (f, op_hold (f, f->desk1, NULL, SEATS ("B-1")));
  g_autoptr (SbOp) other_desk = NULL;
  g_autoptr (SbOp) signed_in = NULL;
  g_autoptr (SbOp) book = NULL;
  g_autoptr (SbHoldRecord) stored = NULL;

  assert_ok (hold);
  stored = loaded_hold (f, hold->result_hold_id);
  g_assert_nonnull (stored);
  g_assert_cmpstr (stored->account, ==, SB_LEGACY_ACCOUNT);

  other_desk = run (f, op_on_hold (f, SB_OP_EXTEND, f->desk2, NULL, hold->result_hold_id));
  assert_refused (other_desk, SB_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (other_desk->error_message, "another client"));
  /* A hold made without an account is the placeholder's: no account signed in may take it. */
  signed_in = run (f, op_on_hold (f, SB_OP_EXTEND, f->desk1, f->anna, hold->result_hold_id));
  assert_refused (signed_in, SB_ERROR_FORBIDDEN);

  book = run (f, op_on_hold (f, SB_OP_BOOK, f->desk1, NULL, hold->result_hold_id));
  assert_ok (book);
  assert_sqlite_booking (f, book->result_booking_id, f->desk1, SB_LEGACY_ACCOUNT);
}

/* Idempotency is per (desk, request id), not per account: the same id from another desk of the
 * same account is another request. */
static void
test_idempotency_per_desk (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) first = new_op (f, SB_OP_HOLD, f->desk1, f->anna, "same-id");
  g_autoptr (SbOp) other_desk = new_op (f, SB_OP_HOLD, f->desk2, f->anna, "same-id");
  g_autoptr (SbOp) retry = new_op (f, SB_OP_HOLD, f->desk1, f->anna, "same-id");

  first->seat_ids = g_strdupv ((char **) SEATS ("B-2"));
  other_desk->seat_ids = g_strdupv ((char **) SEATS ("B-3"));
  retry->seat_ids = g_strdupv ((char **) SEATS ("B-2"));
  assert_ok (run (f, first));
  assert_ok (run (f, other_desk));
  g_assert_false (other_desk->replayed);
  g_assert_cmpstr (other_desk->result_hold_id, !=, first->result_hold_id);
  assert_ok (run (f, retry));
  g_assert_true (retry->replayed);
  g_assert_cmpstr (retry->result_hold_id, ==, first->result_hold_id);
}

/* A second account signed in at the same desk that reuses a request id does not get the first
 * account's stored outcome (its hold id, seats, booking): the request is refused `forbidden`,
 * not replayed, and changes nothing; the first account's retry still replays. The same between
 * the placeholder account (accounts off) and a signed-in one. */
static void
test_replay_other_account (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) first = new_op (f, SB_OP_HOLD, f->desk1, f->anna, "shared-id");
  g_autoptr (SbOp) other = new_op (f, SB_OP_HOLD, f->desk1, f->ben, "shared-id");
  g_autoptr (SbOp) retry = new_op (f, SB_OP_HOLD, f->desk1, f->anna, "shared-id");
  g_autoptr (SbOp) off = new_op (f, SB_OP_HOLD, f->desk2, NULL, "off-id");
  g_autoptr (SbOp) signed_in = new_op (f, SB_OP_HOLD, f->desk2, f->ben, "off-id");
  g_autoptr (SbOp) off_retry = new_op (f, SB_OP_HOLD, f->desk2, NULL, "off-id");

  first->seat_ids = g_strdupv ((char **) SEATS ("A-5"));
  other->seat_ids = g_strdupv ((char **) SEATS ("A-6"));
  retry->seat_ids = g_strdupv ((char **) SEATS ("A-5"));
  assert_ok (run (f, first));

  run (f, other);
  assert_refused (other, SB_ERROR_FORBIDDEN);
  g_assert_false (other->replayed);
  g_assert_null (other->result_hold_id);
  g_assert_null (other->result_seat_ids);
  g_assert_nonnull (strstr (other->error_message, "another account"));

  assert_ok (run (f, retry));
  g_assert_true (retry->replayed);
  g_assert_cmpstr (retry->result_hold_id, ==, first->result_hold_id);

  off->seat_ids = g_strdupv ((char **) SEATS ("B-5"));
  signed_in->seat_ids = g_strdupv ((char **) SEATS ("B-6"));
  off_retry->seat_ids = g_strdupv ((char **) SEATS ("B-5"));
  assert_ok (run (f, off));
  run (f, signed_in);
  assert_refused (signed_in, SB_ERROR_FORBIDDEN);
  g_assert_false (signed_in->replayed);
  g_assert_null (signed_in->result_hold_id);
  assert_ok (run (f, off_retry));
  g_assert_true (off_retry->replayed);
  g_assert_cmpstr (off_retry->result_hold_id, ==, off->result_hold_id);
}

/* SQLite only: an idempotency record as written before outcomes named their account is replayed
 * to whichever account retries it, as before. */
static void
test_replay_unnamed_outcome (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) retry = new_op (f, SB_OP_HOLD, f->desk1, f->ben, "old-id");
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
  assert_ok (run (f, retry));
  g_assert_true (retry->replayed);
  g_assert_cmpstr (retry->result_hold_id, ==, "h_old");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add ("/ownership/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("same-account-other-desk", test_same_account_other_desk);
  ADD ("other-account-forbidden", test_other_account_forbidden);
  ADD ("book-seats-held-by-account", test_book_seats_held_by_account);
  ADD ("accounts-off", test_accounts_off);
  ADD ("idempotency-per-desk", test_idempotency_per_desk);
  ADD ("replay-other-account", test_replay_other_account);
  ADD ("replay-unnamed-outcome", test_replay_unnamed_outcome);

  return g_test_run ();
}
