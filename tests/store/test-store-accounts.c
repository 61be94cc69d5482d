/* test-store-accounts.c: accounts and sessions in every store (sb-store-accounts.h).
 *
 * The store comes from SEATBOOK_TEST_STORE_URI when set (tests/mongo runs this program against
 * the fake MongoDB and a real replica set), else from a fresh temporary SQLite file per test. Every
 * test uses its own usernames, so one shared database serves them all. */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "sb-credentials.h"
#include "sb-store-accounts.h"
#include "store-test-util.h"

typedef struct
{
  char *dir;
  char *uri;
  char *db_path; /* the SQLite file, or NULL */
  SbStore *store;
  char *anna;
  char *ben;
  gint64 now;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *suffix = store_test_random_suffix ();

  f->uri = store_test_pick_uri ("seatbook.db", &f->dir, &f->db_path);
  f->store = sb_store_open (f->uri, &error);
  g_assert_no_error (error);
  f->anna = g_strdup_printf ("anna-%s", suffix);
  f->ben = g_strdup_printf ("ben-%s", suffix);
  f->now = g_get_real_time () / 1000;
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  if (f->dir != NULL)
    store_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->uri);
  g_free (f->db_path);
  g_free (f->anna);
  g_free (f->ben);
}

static void
add_account (Fixture *f, const char *username, SbRole role, const char *hash)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbAccountRecord) record = sb_account_record_new (username, role, hash, FALSE, 0);

  g_assert_true (sb_store_account_put (f->store, record, TRUE, f->now, &error));
  g_assert_no_error (error);
}

static gint64
revision (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  gint64 value = -1;

  g_assert_true (sb_store_accounts_revision (f->store, &value, &error));
  g_assert_no_error (error);
  return value;
}

static void
test_add_get_list (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbAccountRecord) got = NULL;
  g_autoptr (GPtrArray) list = NULL;
  gboolean saw_anna = FALSE, saw_legacy = FALSE;

  add_account (f, f->anna, SB_ROLE_CLERK, "$argon2id$fake-hash-a");
  got = sb_store_account_get (f->store, f->anna, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->username, ==, f->anna);
  g_assert_cmpint (got->role, ==, SB_ROLE_CLERK);
  g_assert_cmpstr (got->password_hash, ==, "$argon2id$fake-hash-a");
  g_assert_false (got->disabled);

  list = sb_store_account_list (f->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      const SbAccountRecord *record = g_ptr_array_index (list, i);

      if (g_str_equal (record->username, f->anna))
        saw_anna = TRUE;
      if (g_str_equal (record->username, SB_LEGACY_ACCOUNT))
        {
          /* The placeholder of pre-account holds and bookings can never sign in. */
          saw_legacy = TRUE;
          g_assert_true (record->disabled);
          g_assert_cmpstr (record->password_hash, ==, "");
        }
      if (i > 0)
        g_assert_cmpstr (((SbAccountRecord *) g_ptr_array_index (list, i - 1))->username, <,
                         record->username);
    }
  g_assert_true (saw_anna);
  g_assert_true (saw_legacy);
}

static void
test_add_twice_and_missing (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbAccountRecord) again = sb_account_record_new (f->anna, SB_ROLE_ADMIN, "x", FALSE, 0);
  g_autoptr (SbAccountRecord) legacy
      = sb_account_record_new (SB_LEGACY_ACCOUNT, SB_ROLE_ADMIN, "x", FALSE, 0);
  g_autoptr (SbAccountRecord) missing = NULL;

  add_account (f, f->anna, SB_ROLE_CLERK, "h");
  g_assert_false (sb_store_account_put (f->store, again, TRUE, f->now, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (sb_store_account_put (f->store, legacy, TRUE, f->now, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  missing = sb_store_account_get (f->store, f->ben, &error);
  g_assert_null (missing);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_free (again->username);
  again->username = g_strdup (f->ben);
  g_assert_false (sb_store_account_put (f->store, again, FALSE, f->now, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
}

static SbSessionRecord *
get_session (Fixture *f, const char *hash)
{
  g_autoptr (GError) error = NULL;
  SbSessionRecord *session = sb_store_session_get (f->store, hash, &error);

  g_assert_no_error (error);
  g_assert_nonnull (session);
  return session;
}

/* The account's generation as a sign-in reads it before checking the password. */
static gint64
generation (Fixture *f, const char *username)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbAccountRecord) account = sb_store_account_get (f->store, username, &error);

  g_assert_no_error (error);
  return account->generation;
}

static gboolean
put_session (Fixture *f, const char *hash, const char *username, gint64 created_at_ms)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = sb_store_session_put (f->store, hash, username, generation (f, username),
                                      created_at_ms, created_at_ms + 3600 * 1000, &error);

  g_assert_no_error (error);
  return ok;
}

static void
test_sessions (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *token = sb_session_token_new ();
  g_autofree char *hash = sb_session_token_hash (token);
  g_autoptr (SbSessionRecord) session = NULL;
  g_autoptr (SbSessionRecord) after = NULL;
  g_autoptr (SbSessionRecord) missing = NULL;
  gint64 before;

  add_account (f, f->anna, SB_ROLE_MANAGER, "h");
  g_assert_true (put_session (f, hash, f->anna, f->now));

  session = get_session (f, hash);
  g_assert_cmpstr (session->username, ==, f->anna);
  g_assert_cmpint (session->role, ==, SB_ROLE_MANAGER);
  g_assert_false (session->revoked);
  g_assert_false (session->disabled);
  g_assert_cmpint (session->expires_at_ms, ==, f->now + 3600 * 1000);

  /* Sign-out revokes that one session and is visible in the revision. */
  before = revision (f);
  g_assert_true (sb_store_session_revoke (f->store, hash, &error));
  g_assert_no_error (error);
  g_assert_cmpint (revision (f), >, before);
  after = get_session (f, hash);
  g_assert_true (after->revoked);

  /* The token itself appears nowhere: a lookup by it finds nothing. */
  missing = sb_store_session_get (f->store, token, &error);
  g_assert_null (missing);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
}

/* A new password, a new role or disabling ends every session of the account, not another's. */
static void
test_change_revokes (Fixture *f, gconstpointer data)
{
  const char *change = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *token_b = sb_session_token_new ();
  g_autofree char *hash_b = sb_session_token_hash (token_b);
  g_autofree char *hash_a_token = sb_session_token_new ();
  g_autofree char *anna_hash = sb_session_token_hash (hash_a_token);
  g_autoptr (SbAccountRecord) anna = NULL;
  g_autoptr (SbSessionRecord) session_a = NULL;
  g_autoptr (SbSessionRecord) session_b = NULL;
  gint64 before;

  add_account (f, f->anna, SB_ROLE_CLERK, "h1");
  add_account (f, f->ben, SB_ROLE_CLERK, "h1");
  g_assert_true (put_session (f, anna_hash, f->anna, f->now + 1));
  g_assert_true (put_session (f, hash_b, f->ben, f->now + 1));

  anna = sb_store_account_get (f->store, f->anna, &error);
  g_assert_no_error (error);
  if (g_str_equal (change, "passwd"))
    {
      g_free (anna->password_hash);
      anna->password_hash = g_strdup ("h2");
    }
  else if (g_str_equal (change, "set-role"))
    anna->role = SB_ROLE_MANAGER;
  else
    anna->disabled = TRUE;

  before = revision (f);
  g_assert_true (sb_store_account_put (f->store, anna, FALSE, f->now + 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (revision (f), >, before);

  session_a = get_session (f, anna_hash);
  session_b = get_session (f, hash_b);
  g_assert_cmpint (session_a->expires_at_ms, ==, f->now + 1 + 3600 * 1000);
  g_assert_true (session_a->revoked);
  g_assert_false (session_b->revoked);
  if (g_str_equal (change, "disable"))
    g_assert_true (session_a->disabled);
  if (g_str_equal (change, "set-role"))
    g_assert_cmpint (session_a->role, ==, SB_ROLE_MANAGER);
}

/* A sign-in reads the account, checks the password (tens of ms), then records the session: a new
 * password, role or disabling in between (another process's `user …`, which revokes the sessions
 * it finds) must not let a session of the old state be recorded (review finding 1). The change
 * comes in the same millisecond as the account was made, as it can on a fast machine. */
static void
test_session_put_after_change (Fixture *f, gconstpointer data)
{
  const char *change = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = sb_session_token_new ();
  g_autofree char *hash = sb_session_token_hash (token);
  g_autofree char *token_2 = sb_session_token_new ();
  g_autofree char *hash_2 = sb_session_token_hash (token_2);
  g_autoptr (SbAccountRecord) read = NULL;
  g_autoptr (SbSessionRecord) missing = NULL;
  g_autoptr (SbSessionRecord) session = NULL;

  add_account (f, f->anna, SB_ROLE_CLERK, "h1");
  read = sb_store_account_get (f->store, f->anna, &error);
  g_assert_no_error (error);

  {
    g_autoptr (SbAccountRecord) changed = sb_account_record_copy (read);

    if (g_str_equal (change, "passwd"))
      {
        g_free (changed->password_hash);
        changed->password_hash = g_strdup ("h2");
      }
    else
      changed->disabled = TRUE;
    g_assert_true (sb_store_account_put (f->store, changed, FALSE, f->now, &error));
    g_assert_no_error (error);
  }

  g_assert_false (sb_store_session_put (f->store, hash, f->anna, read->generation, f->now,
                                        f->now + 3600 * 1000, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_CHANGED);
  g_clear_error (&error);
  /* Nothing usable was left behind. */
  missing = sb_store_session_get (f->store, hash, &error);
  if (missing != NULL)
    g_assert_true (missing->revoked);
  else
    g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Read again: a new password is accepted, a disabled account still is not. */
  if (g_str_equal (change, "passwd"))
    {
      g_assert_true (put_session (f, hash_2, f->anna, f->now));
      session = get_session (f, hash_2);
      g_assert_false (session->revoked);
    }
  else
    {
      g_assert_false (sb_store_session_put (f->store, hash_2, f->anna, generation (f, f->anna),
                                            f->now, f->now + 3600 * 1000, &error));
      g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_CHANGED);
    }
}

/* An SQLite database of schema version 1 (before accounts) keeps its holds and bookings, now
 * attributed to the disabled placeholder account. */
static void
test_sqlite_migration (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sb-migrate-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autofree char *uri = g_strconcat ("sqlite:", path, NULL);
  g_autoptr (SbStore) store = NULL;
  g_autoptr (SbAccountRecord) legacy = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (f->db_path == NULL)
    {
      g_test_skip ("SQLite only");
      g_rmdir (dir);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  /* The shipped schema 1, reduced to the tables this test fills. */
  g_assert_cmpint (
      sqlite3_exec (
          db,
          "CREATE TABLE events (event_id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL,"
          " starts_at INTEGER NOT NULL DEFAULT 0, version INTEGER NOT NULL DEFAULT 0,"
          " created_at INTEGER NOT NULL);"
          "CREATE TABLE holds (hold_id TEXT PRIMARY KEY NOT NULL, event_id TEXT NOT NULL,"
          " client_id TEXT NOT NULL, expires_at INTEGER NOT NULL, status TEXT NOT NULL,"
          " created_at INTEGER NOT NULL, ended_at INTEGER);"
          "CREATE TABLE bookings (booking_id TEXT PRIMARY KEY NOT NULL, event_id TEXT NOT NULL,"
          " client_id TEXT NOT NULL, hold_id TEXT, created_at INTEGER NOT NULL);"
          /* Indexed by schema 5 (find_bookings). */
          "CREATE TABLE booking_seats (event_id TEXT NOT NULL, seat_id TEXT NOT NULL,"
          " booking_id TEXT NOT NULL, PRIMARY KEY (event_id, seat_id)) WITHOUT ROWID;"
          /* Migration 6 replaces its delete trigger. */
          "CREATE TABLE seat_states (event_id TEXT NOT NULL, seat_id TEXT NOT NULL,"
          " state TEXT NOT NULL, hold_id TEXT, booking_id TEXT, PRIMARY KEY (event_id, seat_id));"
          "CREATE TRIGGER seat_states_no_unbook BEFORE DELETE ON seat_states WHEN OLD.state <> "
          "'held'"
          " BEGIN SELECT RAISE (ABORT, 'a booked or blocked seat never becomes free'); END;"
          "INSERT INTO events VALUES ('e', 'E', 0, 2, 1);"
          "INSERT INTO holds VALUES ('h_1', 'e', 'desk-1', 99, 'booked', 1, 2);"
          "INSERT INTO bookings VALUES ('B1', 'e', 'desk-1', 'h_1', 2);"
          "PRAGMA user_version = 1;",
          NULL, NULL, NULL),
      ==, SQLITE_OK);
  sqlite3_close (db);

  store = sb_store_open (uri, &error);
  g_assert_no_error (error);
  legacy = sb_store_account_get (store, SB_LEGACY_ACCOUNT, &error);
  g_assert_no_error (error);
  g_assert_true (legacy->disabled);
  g_clear_object (&store);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (
      sqlite3_prepare_v2 (db,
                          "SELECT h.account, b.account, b.client_id FROM holds h,"
                          " bookings b WHERE h.hold_id = 'h_1' AND b.booking_id = 'B1'",
                          -1, &stmt, NULL),
      ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, SB_LEGACY_ACCOUNT);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, SB_LEGACY_ACCOUNT);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==, "desk-1");
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  for (const char *suffix = ""; suffix != NULL;
       suffix = g_str_equal (suffix, "") ? "-wal" : (g_str_equal (suffix, "-wal") ? "-shm" : NULL))
    {
      g_autofree char *file = g_strconcat (path, suffix, NULL);
      g_unlink (file);
    }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data)                                                                      \
  g_test_add ("/store/accounts/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("add-get-list", test_add_get_list, NULL);
  ADD ("add-twice-and-missing", test_add_twice_and_missing, NULL);
  ADD ("sessions", test_sessions, NULL);
  ADD ("passwd-revokes", test_change_revokes, "passwd");
  ADD ("set-role-revokes", test_change_revokes, "set-role");
  ADD ("disable-revokes", test_change_revokes, "disable");
  ADD ("passwd-during-sign-in", test_session_put_after_change, "passwd");
  ADD ("disable-during-sign-in", test_session_put_after_change, "disable");
  ADD ("sqlite-migration", test_sqlite_migration, NULL);

  return g_test_run ();
}
