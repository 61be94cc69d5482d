/* test-store-contract-sqlite.c: the store contract (store-contract-fixture.h), part three: what
 * only the SQLite backend promises — its schema refuses a double booking by itself, a refused
 * write is undone, and a file of a newer schema is refused. */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "store-contract-fixture.h"

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

void
store_contract_add_sqlite_tests (void)
{
  STORE_CONTRACT_ADD ("sqlite/schema-forbids-double-booking",
                      test_sqlite_schema_forbids_double_booking);
  STORE_CONTRACT_ADD ("sqlite/schema-version", test_sqlite_schema_version);
  STORE_CONTRACT_ADD ("sqlite/refused-write-is-undone", test_sqlite_refused_write_is_undone);
}
