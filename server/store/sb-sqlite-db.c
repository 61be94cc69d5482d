/* sb-sqlite-db.c: the SQLite store's connection (sb-sqlite-db-private.h): the schema and its
 * migrations, the prepared statements, and the reads that the store's methods and the booking
 * rules' primitives share. */
#include "config.h"

#include "sb-sqlite-db-private.h"

#include "sb-sqlite-wal-vfs-private.h"
#include "sb-store-rules.h"

/* Ordered schema migrations; migration i brings PRAGMA user_version from i to i + 1. Never edit a
 * step that has shipped: add a new one. */
static const char *const migrations[] = {
  /* 1: the initial schema */
  /* Every committed op rewrites its event's row (version + 1): keep that row small. */
  "CREATE TABLE events ("
  "  event_id TEXT PRIMARY KEY NOT NULL,"
  "  name TEXT NOT NULL,"
  "  starts_at INTEGER NOT NULL DEFAULT 0,"
  "  version INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0),"
  "  created_at INTEGER NOT NULL"
  ");"
  /* The venue document (up to megabytes), apart from the hot events row. */
  "CREATE TABLE event_venues ("
  "  event_id TEXT PRIMARY KEY NOT NULL REFERENCES events (event_id),"
  "  venue_json TEXT NOT NULL"
  ");"
  "CREATE TABLE holds ("
  "  hold_id TEXT PRIMARY KEY NOT NULL,"
  "  event_id TEXT NOT NULL REFERENCES events (event_id),"
  "  client_id TEXT NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  status TEXT NOT NULL CHECK (status IN ('active', 'released', 'booked', 'expired')),"
  "  created_at INTEGER NOT NULL,"
  "  ended_at INTEGER"
  ");"
  /* The expiry sweep and load_event look only at active holds. */
  "CREATE INDEX holds_active ON holds (event_id, expires_at) WHERE status = 'active';"
  "CREATE TABLE bookings ("
  "  booking_id TEXT PRIMARY KEY NOT NULL,"
  "  event_id TEXT NOT NULL REFERENCES events (event_id),"
  "  client_id TEXT NOT NULL,"
  "  hold_id TEXT,"
  "  created_at INTEGER NOT NULL"
  ");"
  /* A seat of an event is booked at most once, ever (the protocol has no cancellation). */
  "CREATE TABLE booking_seats ("
  "  event_id TEXT NOT NULL REFERENCES events (event_id),"
  "  seat_id TEXT NOT NULL,"
  "  booking_id TEXT NOT NULL REFERENCES bookings (booking_id),"
  "  PRIMARY KEY (event_id, seat_id)"
  ") WITHOUT ROWID;"
  /* A row only for seats that are not free. */
  "CREATE TABLE seat_states ("
  "  event_id TEXT NOT NULL REFERENCES events (event_id),"
  "  seat_id TEXT NOT NULL,"
  "  state TEXT NOT NULL CHECK (state IN ('held', 'booked', 'blocked')),"
  "  hold_id TEXT REFERENCES holds (hold_id),"
  "  booking_id TEXT REFERENCES bookings (booking_id),"
  "  CHECK ((state = 'held') = (hold_id IS NOT NULL)),"
  "  CHECK ((state = 'booked') = (booking_id IS NOT NULL)),"
  "  PRIMARY KEY (event_id, seat_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX seat_states_hold ON seat_states (hold_id) WHERE hold_id IS NOT NULL;"
  /* An INSERT over an existing row fails on the primary key, except INSERT OR REPLACE, which would
   * delete the row without firing delete triggers: refuse that here. */
  "CREATE TRIGGER seat_states_no_replace BEFORE INSERT ON seat_states"
  "  WHEN EXISTS (SELECT 1 FROM seat_states s"
  "               WHERE s.event_id = NEW.event_id AND s.seat_id = NEW.seat_id)"
  "  BEGIN SELECT RAISE (ABORT, 'the seat is not free'); END;"
  /* The only transition of an existing row is held -> booked; booked and blocked rows are final. */
  "CREATE TRIGGER seat_states_no_overwrite BEFORE UPDATE ON seat_states"
  "  WHEN OLD.state <> 'held' OR NEW.state <> 'booked'"
  "    OR NEW.event_id <> OLD.event_id OR NEW.seat_id <> OLD.seat_id"
  "  BEGIN SELECT RAISE (ABORT, 'seat state may only change from held to booked'); END;"
  "CREATE TRIGGER seat_states_no_unbook BEFORE DELETE ON seat_states"
  "  WHEN OLD.state <> 'held'"
  "  BEGIN SELECT RAISE (ABORT, 'a booked or blocked seat never becomes free'); END;"
  /* Idempotency records: the first outcome of every (client, request id), success or failure. */
  "CREATE TABLE requests ("
  "  client_id TEXT NOT NULL,"
  "  request_id TEXT NOT NULL,"
  "  outcome TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (client_id, request_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX requests_created ON requests (created_at);"
  /* The change log, for replays after restarts. */
  "CREATE TABLE changes ("
  "  event_id TEXT NOT NULL REFERENCES events (event_id),"
  "  version INTEGER NOT NULL CHECK (version > 0),"
  "  change TEXT NOT NULL,"
  "  committed_at INTEGER NOT NULL,"
  "  PRIMARY KEY (event_id, version)"
  ");",
  /* 2: the orphan rule of each event (docs/protocol.md); events stored before it have it off. */
  "ALTER TABLE events ADD COLUMN orphan_rule TEXT NOT NULL DEFAULT 'off'"
  "  CHECK (orphan_rule IN ('off', 'warn', 'enforce'));",
  /* 3: accounts and sessions (issue 10). Holds and bookings made before belong to the disabled
   * placeholder account 'legacy' (docs/operations.md); a password hash of '' never verifies. */
  "CREATE TABLE accounts ("
  "  username TEXT PRIMARY KEY NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('viewer', 'clerk', 'manager', 'admin')),"
  "  password_hash TEXT NOT NULL,"
  "  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
  "  created_at INTEGER NOT NULL,"
  "  changed_at INTEGER NOT NULL"
  ");"
  "INSERT INTO accounts (username, role, password_hash, disabled, created_at, changed_at)"
  "  VALUES ('legacy', 'viewer', '', 1, 0, 0);"
  /* Only the SHA-256 of a token is kept: a copy of the database signs nobody in. */
  "CREATE TABLE sessions ("
  "  token_hash TEXT PRIMARY KEY NOT NULL,"
  "  username TEXT NOT NULL REFERENCES accounts (username),"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))"
  ");"
  "CREATE INDEX sessions_account ON sessions (username);"
  /* Bumped by every change that ends sessions early: what a running server polls. */
  "CREATE TABLE account_revision ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  revision INTEGER NOT NULL"
  ");"
  "INSERT INTO account_revision (id, revision) VALUES (1, 0);"
  "ALTER TABLE holds ADD COLUMN account TEXT NOT NULL DEFAULT 'legacy';"
  "ALTER TABLE bookings ADD COLUMN account TEXT NOT NULL DEFAULT 'legacy';",
  /* 4: the audit trail (issue 10), written in the transaction of the change it describes. seats
   * holds the seat ids each between two U+001F (unit separator) characters, so that one seat is
   * found with instr () and no seat id needs escaping. */
  "CREATE TABLE audit ("
  "  id INTEGER PRIMARY KEY,"
  "  event_id TEXT NOT NULL,"
  "  at INTEGER NOT NULL,"
  "  account TEXT NOT NULL,"
  "  desk TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  seats TEXT NOT NULL,"
  "  hold_id TEXT,"
  "  booking_id TEXT,"
  "  detail TEXT"
  ");"
  "CREATE INDEX audit_event ON audit (event_id, at);",
  /* 5: the customer of a booking and what find_bookings searches by (issue 11). The keys are
   * folded by sb-customer.c: name_key is the folded name from each of its words on (one row each),
   * so that a prefix search is a range on the primary key; phone_key the digits, email_key the
   * case-folded address. */
  "CREATE TABLE booking_customers ("
  "  booking_id TEXT PRIMARY KEY NOT NULL REFERENCES bookings (booking_id),"
  "  event_id TEXT NOT NULL,"
  "  name TEXT,"
  "  phone TEXT,"
  "  email TEXT,"
  "  note TEXT,"
  "  phone_key TEXT,"
  "  email_key TEXT"
  ");"
  "CREATE INDEX booking_customers_phone ON booking_customers (event_id, phone_key)"
  "  WHERE phone_key IS NOT NULL;"
  "CREATE INDEX booking_customers_email ON booking_customers (event_id, email_key)"
  "  WHERE email_key IS NOT NULL;"
  "CREATE TABLE booking_name_keys ("
  "  event_id TEXT NOT NULL,"
  "  name_key TEXT NOT NULL,"
  "  booking_id TEXT NOT NULL REFERENCES bookings (booking_id),"
  "  PRIMARY KEY (event_id, name_key, booking_id)"
  ") WITHOUT ROWID;"
  /* The list of an event's bookings by time, and a booking's seats. */
  "CREATE INDEX bookings_event_time ON bookings (event_id, created_at, booking_id);"
  "CREATE INDEX booking_seats_booking ON booking_seats (booking_id);",
  /* 6: cancellations, block and unblock (issue 11). A booked seat may become free again: its
   * seat_states row goes and so does its booking_seats row (which now lists the seats a booking
   * still has), so the seat can be booked again; a blocked seat's row goes when it is unblocked.
   * The booking keeps its row and reference; each cancellation is a row of its own with the refund
   * and the reason. */
  "DROP TRIGGER IF EXISTS seat_states_no_unbook;"
  "ALTER TABLE bookings ADD COLUMN status TEXT NOT NULL DEFAULT 'active'"
  "  CHECK (status IN ('active', 'cancelled'));"
  "CREATE TABLE cancellations ("
  "  id INTEGER PRIMARY KEY,"
  "  booking_id TEXT NOT NULL REFERENCES bookings (booking_id),"
  "  event_id TEXT NOT NULL REFERENCES events (event_id),"
  "  seats TEXT NOT NULL,"
  "  refund TEXT NOT NULL CHECK (refund IN ('full', 'partial', 'none')),"
  "  refund_amount INTEGER NOT NULL CHECK (refund_amount >= 0),"
  "  reason TEXT NOT NULL,"
  "  account TEXT NOT NULL,"
  "  desk TEXT NOT NULL,"
  "  at INTEGER NOT NULL"
  ");"
  "CREATE INDEX cancellations_booking ON cancellations (booking_id);",
  /* 7: each event's time zone (an IANA name, shown with its times) and sales window (issue 11):
   * 0 is "no bound"; close_sales sets sales_close. Events stored before sell at any time. */
  "ALTER TABLE events ADD COLUMN time_zone TEXT;"
  "ALTER TABLE events ADD COLUMN sales_open INTEGER NOT NULL DEFAULT 0 CHECK (sales_open >= 0);"
  "ALTER TABLE events ADD COLUMN sales_close INTEGER NOT NULL DEFAULT 0"
  "  CHECK (sales_close >= 0);",
};

static const char *const stmt_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  [STMT_SAVEPOINT] = "SAVEPOINT op",
  [STMT_RELEASE] = "RELEASE op",
  [STMT_ROLLBACK_TO] = "ROLLBACK TO op",
  [STMT_REQUEST_GET] = "SELECT outcome FROM requests WHERE client_id = ?1 AND request_id = ?2",
  [STMT_REQUEST_PUT] = "INSERT INTO requests (client_id, request_id, outcome, created_at)"
                       " VALUES (?1, ?2, ?3, ?4)",
  [STMT_EVENT_VERSION] = "SELECT version FROM events WHERE event_id = ?1",
  [STMT_EVENT_VENUE] = "SELECT venue_json FROM event_venues WHERE event_id = ?1",
  [STMT_EVENT_BUMP]
  = "UPDATE events SET version = version + 1 WHERE event_id = ?1 AND version = ?2",
  [STMT_EVENT_PUT] = "INSERT INTO events (event_id, name, starts_at, version, created_at,"
                     " orphan_rule, time_zone, sales_open, sales_close)"
                     " VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, ?8)",
  [STMT_EVENT_RULE] = "SELECT orphan_rule FROM events WHERE event_id = ?1",
  [STMT_EVENT_VENUE_PUT] = "INSERT INTO event_venues (event_id, venue_json) VALUES (?1, ?2)",
  [STMT_EVENT_LIST] = "SELECT e.event_id, e.name, v.venue_json, e.starts_at, e.version,"
                      " e.time_zone, e.sales_open, e.sales_close"
                      " FROM events e JOIN event_venues v ON v.event_id = e.event_id"
                      " ORDER BY e.event_id",
  [STMT_CHANGE_PUT] = "INSERT INTO changes (event_id, version, change, committed_at)"
                      " VALUES (?1, ?2, ?3, ?4)",
  [STMT_CHANGES_SINCE] = "SELECT version, change FROM changes WHERE event_id = ?1 AND version > ?2"
                         " ORDER BY version",
  [STMT_SEAT_GET] = "SELECT state, hold_id FROM seat_states WHERE event_id = ?1 AND seat_id = ?2",
  [STMT_SEAT_HOLD] = "INSERT INTO seat_states (event_id, seat_id, state, hold_id)"
                     " VALUES (?1, ?2, 'held', ?3)",
  [STMT_SEAT_BOOK_FREE] = "INSERT INTO seat_states (event_id, seat_id, state, booking_id)"
                          " VALUES (?1, ?2, 'booked', ?3)",
  [STMT_SEAT_BOOK_HELD] = "UPDATE seat_states SET state = 'booked', hold_id = NULL, booking_id = ?3"
                          " WHERE event_id = ?1 AND seat_id = ?2 AND state = 'held'",
  [STMT_SEAT_BLOCK]
  = "INSERT INTO seat_states (event_id, seat_id, state) VALUES (?1, ?2, 'blocked')",
  [STMT_SEATS_OF_HOLD] = "SELECT seat_id FROM seat_states WHERE hold_id = ?1 ORDER BY seat_id",
  [STMT_SEATS_FREE_HOLD] = "DELETE FROM seat_states WHERE hold_id = ?1 AND state = 'held'",
  [STMT_SEATS_BOOK_HOLD]
  = "UPDATE seat_states SET state = 'booked', hold_id = NULL, booking_id = ?2"
    " WHERE hold_id = ?1 AND state = 'held'",
  [STMT_SEATS_OF_EVENT] = "SELECT seat_id, state, hold_id FROM seat_states WHERE event_id = ?1"
                          " ORDER BY seat_id",
  [STMT_SEATS_TAKEN] = "SELECT seat_id FROM seat_states WHERE event_id = ?1",
  [STMT_HOLD_GET]
  = "SELECT event_id, client_id, expires_at, status, account FROM holds WHERE hold_id = ?1",
  [STMT_HOLD_PUT]
  = "INSERT INTO holds (hold_id, event_id, client_id, expires_at, status, created_at, account)"
    " VALUES (?1, ?2, ?3, ?4, 'active', ?5, ?6)",
  [STMT_HOLD_EXTEND] = "UPDATE holds SET expires_at = ?2 WHERE hold_id = ?1 AND status = 'active'",
  [STMT_HOLD_END] = "UPDATE holds SET status = ?2, ended_at = ?3"
                    " WHERE hold_id = ?1 AND status = 'active'",
  [STMT_HOLDS_EXPIRED] = "SELECT hold_id, client_id, expires_at, account FROM holds"
                         " WHERE event_id = ?1 AND status = 'active' AND expires_at <= ?2"
                         " ORDER BY expires_at, hold_id",
  [STMT_HOLDS_ACTIVE] = "SELECT hold_id, client_id, expires_at, account FROM holds"
                        " WHERE event_id = ?1 AND status = 'active' ORDER BY hold_id",
  [STMT_BOOKING_PUT]
  = "INSERT INTO bookings (booking_id, event_id, client_id, hold_id, created_at, account)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [STMT_BOOKING_CUSTOMER_PUT]
  = "INSERT INTO booking_customers (booking_id, event_id, name, phone, email, note, phone_key,"
    " email_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [STMT_BOOKING_NAME_KEY_PUT]
  = "INSERT OR IGNORE INTO booking_name_keys (event_id, name_key, booking_id) VALUES (?1, ?2, ?3)",
  [STMT_AUDIT_PUT] = "INSERT INTO audit (event_id, at, account, desk, action, seats, hold_id,"
                     " booking_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
  [STMT_BOOKING_SEAT_PUT] = "INSERT INTO booking_seats (event_id, seat_id, booking_id)"
                            " VALUES (?1, ?2, ?3)",
  [STMT_BOOKING_GET]
  = "SELECT event_id, client_id, account, status FROM bookings WHERE booking_id = ?1",
  [STMT_SEATS_OF_BOOKING]
  = "SELECT seat_id FROM booking_seats WHERE event_id = ?1 AND booking_id = ?2 ORDER BY seat_id",
  [STMT_SEAT_UNBOOK] = "DELETE FROM seat_states WHERE event_id = ?1 AND seat_id = ?2"
                       " AND state = 'booked' AND booking_id = ?3",
  [STMT_BOOKING_SEAT_DROP]
  = "DELETE FROM booking_seats WHERE event_id = ?1 AND seat_id = ?2 AND booking_id = ?3",
  [STMT_SEAT_UNBLOCK] = "DELETE FROM seat_states WHERE event_id = ?1 AND seat_id = ?2"
                        " AND state = 'blocked'",
  [STMT_BOOKING_CANCELLED] = "UPDATE bookings SET status = 'cancelled' WHERE booking_id = ?1",
  [STMT_CANCELLATION_PUT]
  = "INSERT INTO cancellations (booking_id, event_id, seats, refund, refund_amount, reason,"
    " account, desk, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
  [STMT_SEAT_FREE_HELD] = "DELETE FROM seat_states WHERE event_id = ?1 AND seat_id = ?2"
                          " AND state = 'held' AND hold_id = ?3",
  [STMT_PRUNE_REQUESTS] = "DELETE FROM requests WHERE created_at < ?1",
  [STMT_PRUNE_CHANGES]
  = "DELETE FROM changes WHERE committed_at < ?1 AND version <="
    " (SELECT e.version FROM events e WHERE e.event_id = changes.event_id) - ?2",
  [STMT_EVENT_SALES] = "SELECT sales_open, sales_close FROM events WHERE event_id = ?1",
  [STMT_EVENT_SALES_CLOSE] = "UPDATE events SET sales_close = ?2 WHERE event_id = ?1",
};

void
sb_sqlite_stmt_release (SbStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

void
sb_sqlite_db_set_error (SbSqliteDb *self, GError **error, const char *what)
{
  g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED, "SQLite %s: %s (%s)", what,
               sqlite3_errmsg (self->handle),
               sqlite3_errstr (sqlite3_extended_errcode (self->handle)));
}

SbStmt *
sb_sqlite_db_get_stmt (SbSqliteDb *self, SbSqliteStmtId id, GError **error)
{
  if (self->stmts[id] == NULL)
    {
      if (sqlite3_prepare_v3 (self->handle, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                              &self->stmts[id], NULL)
          != SQLITE_OK)
        {
          sb_sqlite_db_set_error (self, error, "prepare");
          return NULL;
        }
    }
  return self->stmts[id];
}

static void
bind_text (SbStmt *stmt, int index, const char *text)
{
  /* SQLITE_STATIC: every bound string outlives the statement's use (stmt_release resets). */
  sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

/* Binds parameters 1, 2, … from args, one for each character of types: 's' a const char * (text),
 * 'i' a gint64. */
static void
bind_args (SbStmt *stmt, const char *types, va_list args)
{
  for (int i = 0; types[i] != '\0'; i++)
    {
      if (types[i] == 's')
        bind_text (stmt, i + 1, va_arg (args, const char *));
      else if (types[i] == 'i')
        sqlite3_bind_int64 (stmt, i + 1, va_arg (args, gint64));
      else
        g_assert_not_reached ();
    }
}

/* sb_sqlite_db_get_stmt () with the parameters bound as bind_args () says. */
SbStmt *
sb_sqlite_db_bound_stmt (
    SbSqliteDb *self, SbSqliteStmtId id, GError **error, const char *types, ...)
{
  SbStmt *stmt = sb_sqlite_db_get_stmt (self, id, error);
  va_list args;

  if (stmt == NULL)
    return NULL;
  va_start (args, types);
  bind_args (stmt, types, args);
  va_end (args);
  return stmt;
}

const char *
sb_sqlite_column_text (SbStmt *stmt, int index)
{
  return (const char *) sqlite3_column_text (stmt, index);
}

/* Runs a statement that returns no rows. */
static gboolean
step_done (SbSqliteDb *self, SbStmt *stmt, GError **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sb_sqlite_db_set_error (self, error, "step");
      return FALSE;
    }
  return TRUE;
}

/* Runs statement id, which returns no rows, with the parameters bound as bind_args () says. */
gboolean
sb_sqlite_db_exec (SbSqliteDb *self, SbSqliteStmtId id, GError **error, const char *types, ...)
{
  g_autoptr (SbStmt) stmt = sb_sqlite_db_get_stmt (self, id, error);
  va_list args;

  if (stmt == NULL)
    return FALSE;
  va_start (args, types);
  bind_args (stmt, types, args);
  va_end (args);
  return step_done (self, stmt, error);
}

gboolean
sb_sqlite_db_exec_simple (SbSqliteDb *self, SbSqliteStmtId id, GError **error)
{
  return sb_sqlite_db_exec (self, id, error, "");
}

void
sb_sqlite_db_rollback_quietly (SbSqliteDb *self)
{
  if (sqlite3_get_autocommit (self->handle))
    return;
  if (sqlite3_exec (self->handle, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
    g_warning ("SQLite rollback failed: %s", sqlite3_errmsg (self->handle));
}

SbSeatState
sb_sqlite_seat_state_from_db (const char *name)
{
  if (g_strcmp0 (name, "held") == 0)
    return SB_SEAT_HELD;
  if (g_strcmp0 (name, "booked") == 0)
    return SB_SEAT_BOOKED;
  if (g_strcmp0 (name, "blocked") == 0)
    return SB_SEAT_BLOCKED;
  return SB_SEAT_FREE;
}

/* Schema */

int
sb_sqlite_db_get_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

gboolean
sb_sqlite_db_exec_sql (SbSqliteDb *self, const char *sql, GError **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->handle, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED, "SQLite: %s",
                   message != NULL ? message : sqlite3_errmsg (self->handle));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_user_version (SbSqliteDb *self, int *out_version, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->handle, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    {
      sb_sqlite_db_set_error (self, error, "prepare");
      return FALSE;
    }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_version = sqlite3_column_int (stmt, 0);
  else
    sb_sqlite_db_set_error (self, error, "reading the schema version");
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW;
}

static gboolean
migrate (SbSqliteDb *self, GError **error)
{
  int version;

  /* BEGIN IMMEDIATE first, then read the version: two processes opening a new file at once must
   * not both run the same migration. */
  for (;;)
    {
      g_autofree char *set_version = NULL;

      if (!sb_sqlite_db_exec_sql (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!get_user_version (self, &version, error))
        {
          sb_sqlite_db_rollback_quietly (self);
          return FALSE;
        }
      if (version > (int) G_N_ELEMENTS (migrations))
        {
          sb_sqlite_db_rollback_quietly (self);
          g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                       "The database “%s” has schema version %d, newer than this server knows (%d)",
                       self->path, version, (int) G_N_ELEMENTS (migrations));
          return FALSE;
        }
      if (version == (int) G_N_ELEMENTS (migrations))
        return sb_sqlite_db_exec_sql (self, "COMMIT", error);

      set_version = g_strdup_printf ("PRAGMA user_version = %d", version + 1);
      if (!sb_sqlite_db_exec_sql (self, migrations[version], error)
          || !sb_sqlite_db_exec_sql (self, set_version, error)
          || !sb_sqlite_db_exec_sql (self, "COMMIT", error))
        {
          sb_sqlite_db_rollback_quietly (self);
          g_prefix_error (error, "Migrating the database to schema version %d: ", version + 1);
          return FALSE;
        }
    }
}

/* Before SQLite's first use in the process: without memory statistics (nothing reads them) each
 * of SQLite's many allocations per statement takes no global mutex. */
static void
configure_sqlite (void)
{
  static gsize configured = 0;

  if (g_once_init_enter (&configured))
    {
      if (sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
        g_debug ("SQLite was initialized already: its memory statistics stay on");
      g_once_init_leave (&configured, 1);
    }
}

static gboolean
open_db (SbSqliteDb *self, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean is_memory = g_strcmp0 (self->path, ":memory:") == 0;
  int rc;

  configure_sqlite ();
  /* The default VFS, but the log's writes are gathered into one system call per commit
   * (sb-sqlite-wal-vfs.c). */
  rc = sqlite3_open_v2 (self->path, &self->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        sb_sqlite_wal_vfs_register ());
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                   "Cannot open the database “%s”: %s", self->path,
                   self->handle != NULL ? sqlite3_errmsg (self->handle) : sqlite3_errstr (rc));
      return FALSE;
    }
  sqlite3_extended_result_codes (self->handle, 1);
  /* Another process (a backup, the sqlite3 shell) may hold the lock for a moment. */
  sqlite3_busy_timeout (self->handle, 5000);

  if (!is_memory)
    {
      const char *mode;

      if (sqlite3_prepare_v2 (self->handle, "PRAGMA journal_mode = WAL", -1, &stmt, NULL)
              != SQLITE_OK
          || sqlite3_step (stmt) != SQLITE_ROW)
        {
          sqlite3_finalize (stmt);
          sb_sqlite_db_set_error (self, error, "enabling WAL");
          return FALSE;
        }
      mode = (const char *) sqlite3_column_text (stmt, 0);
      if (g_ascii_strcasecmp (mode != NULL ? mode : "", "wal") != 0)
        {
          g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                       "The database “%s” cannot use write-ahead logging (journal mode %s)",
                       self->path, mode);
          sqlite3_finalize (stmt);
          return FALSE;
        }
      sqlite3_finalize (stmt);
    }

  /* synchronous=FULL: in WAL mode NORMAL may lose the last commits on power loss, and a booking
   * that was acknowledged must never be lost. */
  if (!sb_sqlite_db_exec_sql (self, "PRAGMA synchronous = FULL", error)
      || !sb_sqlite_db_exec_sql (self, "PRAGMA foreign_keys = ON", error)
      || !sb_sqlite_db_exec_sql (self, "PRAGMA temp_store = MEMORY", error)
      /* The hot pages (seat states, holds, recent requests) stay in memory instead of being read
       * back from the file with a system call each time. */
      || !sb_sqlite_db_exec_sql (self, "PRAGMA cache_size = -65536", error)
      /* Checkpoint every ~40 MB of WAL rather than every 4 MB: hot pages are then copied to the
       * database once for many commits instead of again and again (+30% bookings/s measured). */
      || !sb_sqlite_db_exec_sql (self, "PRAGMA wal_autocheckpoint = 10000", error))
    return FALSE;

  return migrate (self, error);
}

SbSqliteDb *
sb_sqlite_db_open (const char *path, GError **error)
{
  SbSqliteDb *self = g_new0 (SbSqliteDb, 1);

  self->path = g_strdup (path);
  self->venues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->orphan_rules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->occupancy = sb_occupancy_cache_new ();
  if (!open_db (self, error))
    {
      sb_sqlite_db_close (self);
      return NULL;
    }
  return self;
}

void
sb_sqlite_db_close (SbSqliteDb *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  if (self->handle != NULL)
    {
      sb_sqlite_db_rollback_quietly (self);
      if (sqlite3_close (self->handle) != SQLITE_OK)
        g_warning ("Closing the database “%s”: %s", self->path, sqlite3_errmsg (self->handle));
    }
  g_clear_pointer (&self->venues, g_hash_table_unref);
  g_clear_pointer (&self->orphan_rules, g_hash_table_unref);
  g_clear_pointer (&self->occupancy, sb_occupancy_cache_free);
  g_free (self->path);
  g_free (self);
}

/* Reads */

/* Looks up an event's version. *out_found is FALSE for an unknown event. */
gboolean
sb_sqlite_db_event_version (SbSqliteDb *self,
                            const char *event_id,
                            gboolean *out_found,
                            gint64 *out_version,
                            GError **error)
{
  g_autoptr (SbStmt) stmt
      = sb_sqlite_db_bound_stmt (self, STMT_EVENT_VERSION, error, "s", event_id);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_found = TRUE;
      *out_version = sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      *out_found = FALSE;
      *out_version = 0;
      return TRUE;
    }
  sb_sqlite_db_set_error (self, error, "reading an event");
  return FALSE;
}

/* Opens a read transaction and reads the event's version in it, so that the version and what the
 * caller reads next are one consistent snapshot. On failure the caller rolls back. */
gboolean
sb_sqlite_db_begin_event_read (SbSqliteDb *self,
                               const char *event_id,
                               gboolean *out_found,
                               gint64 *out_version,
                               GError **error)
{
  return sb_sqlite_db_exec_sql (self, "BEGIN", error)
         && sb_sqlite_db_event_version (self, event_id, out_found, out_version, error);
}

/* The venue of an existing event, parsed once and cached. */
SbVenue *
sb_sqlite_db_event_venue (SbSqliteDb *self, const char *event_id, GError **error)
{
  g_autoptr (SbStmt) stmt = NULL;
  SbVenue *venue;
  int rc;

  venue = g_hash_table_lookup (self->venues, event_id);
  if (venue != NULL)
    return venue;

  stmt = sb_sqlite_db_bound_stmt (self, STMT_EVENT_VENUE, error, "s", event_id);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        sb_store_rules_set_event_not_found (error, event_id);
      else
        sb_sqlite_db_set_error (self, error, "reading a venue");
      return NULL;
    }
  venue = sb_store_rules_parse_venue (event_id, sb_sqlite_column_text (stmt, 0),
                                      sqlite3_column_bytes (stmt, 0), error);
  if (venue == NULL)
    return NULL;
  g_hash_table_insert (self->venues, g_strdup (event_id), venue);
  return venue;
}

/* Seats of an active hold, sorted by seat id. */
char **
sb_sqlite_db_seats_of_hold (SbSqliteDb *self, const char *hold_id, GError **error)
{
  g_autoptr (SbStmt) stmt = sb_sqlite_db_bound_stmt (self, STMT_SEATS_OF_HOLD, error, "s", hold_id);
  g_autoptr (GStrvBuilder) builder = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, sb_sqlite_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      sb_sqlite_db_set_error (self, error, "reading the seats of a hold");
      return NULL;
    }
  return g_strv_builder_end (builder);
}
