/* sb-sqlite-store.c: the SQLite store backend.
 *
 * One connection, WAL, synchronous=FULL: a commit is on disk before apply () returns, so an
 * acknowledged booking survives a crash. Throughput comes from group commit: apply () runs a whole
 * batch of ops in one transaction, each op inside a savepoint so that its failure undoes only its
 * own writes.
 *
 * The schema, not the server's memory, is what makes a double booking impossible: seat_states has
 * one row per (event, seat) that is not free, so holding or booking a free seat is an INSERT that a
 * second attempt cannot repeat; triggers refuse to overwrite or delete a booked or blocked row;
 * booking_seats remembers every booked seat with the same primary key. */
#include "config.h"

#include "sb-sqlite-store.h"

#include <sqlite3.h>
#include <string.h>

#include "sb-store-rules.h"
#include "sb-venue.h"

/* Keep at least this many versions of each event's change log, however old they are, so that a
 * client that was away for a while can still catch up with a replay. */
#define KEEP_CHANGES_PER_EVENT 10000

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
};

typedef enum
{
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_SAVEPOINT,
  STMT_RELEASE,
  STMT_ROLLBACK_TO,
  STMT_REQUEST_GET,
  STMT_REQUEST_PUT,
  STMT_EVENT_VERSION,
  STMT_EVENT_VENUE,
  STMT_EVENT_BUMP,
  STMT_EVENT_PUT,
  STMT_EVENT_VENUE_PUT,
  STMT_EVENT_LIST,
  STMT_CHANGE_PUT,
  STMT_CHANGES_SINCE,
  STMT_SEAT_GET,
  STMT_SEAT_HOLD,
  STMT_SEAT_BOOK_FREE,
  STMT_SEAT_BOOK_HELD,
  STMT_SEAT_BLOCK,
  STMT_SEATS_OF_HOLD,
  STMT_SEATS_FREE_HOLD,
  STMT_SEATS_BOOK_HOLD,
  STMT_SEATS_OF_EVENT,
  STMT_HOLD_GET,
  STMT_HOLD_PUT,
  STMT_HOLD_EXTEND,
  STMT_HOLD_END,
  STMT_HOLDS_EXPIRED,
  STMT_HOLDS_ACTIVE,
  STMT_BOOKING_PUT,
  STMT_BOOKING_SEAT_PUT,
  STMT_PRUNE_REQUESTS,
  STMT_PRUNE_CHANGES,
  N_STMTS
} StmtId;

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
  [STMT_EVENT_PUT] = "INSERT INTO events (event_id, name, starts_at, version, created_at)"
                     " VALUES (?1, ?2, ?3, 0, ?4)",
  [STMT_EVENT_VENUE_PUT] = "INSERT INTO event_venues (event_id, venue_json) VALUES (?1, ?2)",
  [STMT_EVENT_LIST] = "SELECT e.event_id, e.name, v.venue_json, e.starts_at, e.version"
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
  [STMT_HOLD_GET] = "SELECT event_id, client_id, expires_at, status FROM holds WHERE hold_id = ?1",
  [STMT_HOLD_PUT]
  = "INSERT INTO holds (hold_id, event_id, client_id, expires_at, status, created_at)"
    " VALUES (?1, ?2, ?3, ?4, 'active', ?5)",
  [STMT_HOLD_EXTEND] = "UPDATE holds SET expires_at = ?2 WHERE hold_id = ?1 AND status = 'active'",
  [STMT_HOLD_END] = "UPDATE holds SET status = ?2, ended_at = ?3"
                    " WHERE hold_id = ?1 AND status = 'active'",
  [STMT_HOLDS_EXPIRED] = "SELECT hold_id, client_id, expires_at FROM holds"
                         " WHERE event_id = ?1 AND status = 'active' AND expires_at <= ?2"
                         " ORDER BY expires_at, hold_id",
  [STMT_HOLDS_ACTIVE] = "SELECT hold_id, client_id, expires_at FROM holds"
                        " WHERE event_id = ?1 AND status = 'active' ORDER BY hold_id",
  [STMT_BOOKING_PUT] = "INSERT INTO bookings (booking_id, event_id, client_id, hold_id, created_at)"
                       " VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_BOOKING_SEAT_PUT] = "INSERT INTO booking_seats (event_id, seat_id, booking_id)"
                            " VALUES (?1, ?2, ?3)",
  [STMT_PRUNE_REQUESTS] = "DELETE FROM requests WHERE created_at < ?1",
  [STMT_PRUNE_CHANGES]
  = "DELETE FROM changes WHERE committed_at < ?1 AND version <="
    " (SELECT e.version FROM events e WHERE e.event_id = changes.event_id) - ?2",
};

struct _SbSqliteStore
{
  GObject parent_instance;

  char *path;
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
  /* event id -> SbVenue, parsed once per event: events never change their venue. */
  GHashTable *venues;
};

static void sb_sqlite_store_iface_init (SbStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SbSqliteStore,
                               sb_sqlite_store,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SB_TYPE_STORE, sb_sqlite_store_iface_init))

/* A cached statement borrowed for one use; the cleanup resets it so that no read statement keeps
 * a snapshot open (which would also stop WAL checkpoints). */
typedef sqlite3_stmt SbStmt;

static void
stmt_release (SbStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbStmt, stmt_release)

static void
set_db_error (SbSqliteStore *self, GError **error, const char *what)
{
  g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED, "SQLite %s: %s (%s)", what,
               sqlite3_errmsg (self->db), sqlite3_errstr (sqlite3_extended_errcode (self->db)));
}

static SbStmt *
get_stmt (SbSqliteStore *self, StmtId id, GError **error)
{
  if (self->stmts[id] == NULL)
    {
      if (sqlite3_prepare_v3 (self->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                              &self->stmts[id], NULL)
          != SQLITE_OK)
        {
          set_db_error (self, error, "prepare");
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

/* get_stmt () with the parameters bound as bind_args () says. */
static SbStmt *
get_bound_stmt (SbSqliteStore *self, StmtId id, GError **error, const char *types, ...)
{
  SbStmt *stmt = get_stmt (self, id, error);
  va_list args;

  if (stmt == NULL)
    return NULL;
  va_start (args, types);
  bind_args (stmt, types, args);
  va_end (args);
  return stmt;
}

static const char *
column_text (SbStmt *stmt, int index)
{
  return (const char *) sqlite3_column_text (stmt, index);
}

/* Runs a statement that returns no rows. */
static gboolean
step_done (SbSqliteStore *self, SbStmt *stmt, GError **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_db_error (self, error, "step");
      return FALSE;
    }
  return TRUE;
}

/* Runs statement id, which returns no rows, with the parameters bound as bind_args () says. */
static gboolean
exec_stmt (SbSqliteStore *self, StmtId id, GError **error, const char *types, ...)
{
  g_autoptr (SbStmt) stmt = get_stmt (self, id, error);
  va_list args;

  if (stmt == NULL)
    return FALSE;
  va_start (args, types);
  bind_args (stmt, types, args);
  va_end (args);
  return step_done (self, stmt, error);
}

static gboolean
exec_simple (SbSqliteStore *self, StmtId id, GError **error)
{
  return exec_stmt (self, id, error, "");
}

static void
rollback_quietly (SbSqliteStore *self)
{
  if (sqlite3_get_autocommit (self->db))
    return;
  if (sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
    g_warning ("SQLite rollback failed: %s", sqlite3_errmsg (self->db));
}

static gint64
real_now_ms (void)
{
  return g_get_real_time () / 1000;
}

static SbSeatState
seat_state_from_db (const char *name)
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
sb_sqlite_store_get_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

static gboolean
exec_sql (SbSqliteStore *self, const char *sql, GError **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED, "SQLite: %s",
                   message != NULL ? message : sqlite3_errmsg (self->db));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_user_version (SbSqliteStore *self, int *out_version, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    {
      set_db_error (self, error, "prepare");
      return FALSE;
    }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_version = sqlite3_column_int (stmt, 0);
  else
    set_db_error (self, error, "reading the schema version");
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW;
}

static gboolean
migrate (SbSqliteStore *self, GError **error)
{
  int version;

  /* BEGIN IMMEDIATE first, then read the version: two processes opening a new file at once must
   * not both run the same migration. */
  for (;;)
    {
      g_autofree char *set_version = NULL;

      if (!exec_sql (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!get_user_version (self, &version, error))
        {
          rollback_quietly (self);
          return FALSE;
        }
      if (version > (int) G_N_ELEMENTS (migrations))
        {
          rollback_quietly (self);
          g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                       "The database “%s” has schema version %d, newer than this server knows (%d)",
                       self->path, version, (int) G_N_ELEMENTS (migrations));
          return FALSE;
        }
      if (version == (int) G_N_ELEMENTS (migrations))
        return exec_sql (self, "COMMIT", error);

      set_version = g_strdup_printf ("PRAGMA user_version = %d", version + 1);
      if (!exec_sql (self, migrations[version], error) || !exec_sql (self, set_version, error)
          || !exec_sql (self, "COMMIT", error))
        {
          rollback_quietly (self);
          g_prefix_error (error, "Migrating the database to schema version %d: ", version + 1);
          return FALSE;
        }
    }
}

static gboolean
sb_sqlite_store_open_db (SbSqliteStore *self, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean is_memory = g_strcmp0 (self->path, ":memory:") == 0;
  int rc;

  rc = sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                   "Cannot open the database “%s”: %s", self->path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return FALSE;
    }
  sqlite3_extended_result_codes (self->db, 1);
  /* Another process (a backup, the sqlite3 shell) may hold the lock for a moment. */
  sqlite3_busy_timeout (self->db, 5000);

  if (!is_memory)
    {
      const char *mode;

      if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) != SQLITE_OK
          || sqlite3_step (stmt) != SQLITE_ROW)
        {
          sqlite3_finalize (stmt);
          set_db_error (self, error, "enabling WAL");
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
  if (!exec_sql (self, "PRAGMA synchronous = FULL", error)
      || !exec_sql (self, "PRAGMA foreign_keys = ON", error)
      || !exec_sql (self, "PRAGMA temp_store = MEMORY", error)
      /* The hot pages (seat states, holds, recent requests) stay in memory instead of being read
       * back from the file with a system call each time. */
      || !exec_sql (self, "PRAGMA cache_size = -65536", error)
      /* Checkpoint every ~40 MB of WAL rather than every 4 MB: hot pages are then copied to the
       * database once for many commits instead of again and again (+30% bookings/s measured). */
      || !exec_sql (self, "PRAGMA wal_autocheckpoint = 10000", error))
    return FALSE;

  if (!migrate (self, error))
    return FALSE;
  return TRUE;
}

SbStore *
sb_sqlite_store_new (const char *path, GError **error)
{
  g_autoptr (SbSqliteStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (SB_TYPE_SQLITE_STORE, NULL);
  self->path = g_strdup (path);
  if (!sb_sqlite_store_open_db (self, error))
    return NULL;
  return SB_STORE (g_steal_pointer (&self));
}

/* Events and venues */

/* Looks up an event's version. *out_found is FALSE for an unknown event. */
static gboolean
event_version (SbSqliteStore *self,
               const char *event_id,
               gboolean *out_found,
               gint64 *out_version,
               GError **error)
{
  g_autoptr (SbStmt) stmt = get_bound_stmt (self, STMT_EVENT_VERSION, error, "s", event_id);
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
  set_db_error (self, error, "reading an event");
  return FALSE;
}

/* Opens a read transaction and reads the event's version in it, so that the version and what the
 * caller reads next are one consistent snapshot. On failure the caller rolls back. */
static gboolean
begin_event_read (SbSqliteStore *self,
                  const char *event_id,
                  gboolean *out_found,
                  gint64 *out_version,
                  GError **error)
{
  return exec_sql (self, "BEGIN", error)
         && event_version (self, event_id, out_found, out_version, error);
}

/* The venue of an existing event, parsed once and cached. */
static SbVenue *
event_venue (SbSqliteStore *self, const char *event_id, GError **error)
{
  g_autoptr (SbStmt) stmt = NULL;
  SbVenue *venue;
  int rc;

  venue = g_hash_table_lookup (self->venues, event_id);
  if (venue != NULL)
    return venue;

  stmt = get_bound_stmt (self, STMT_EVENT_VENUE, error, "s", event_id);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        sb_store_rules_set_event_not_found (error, event_id);
      else
        set_db_error (self, error, "reading a venue");
      return NULL;
    }
  venue = sb_store_rules_parse_venue (event_id, column_text (stmt, 0),
                                      sqlite3_column_bytes (stmt, 0), error);
  if (venue == NULL)
    return NULL;
  g_hash_table_insert (self->venues, g_strdup (event_id), venue);
  return venue;
}

static gboolean
sb_sqlite_store_create_event (SbStore *store,
                              const char *event_id,
                              const char *name,
                              const char *venue_json,
                              gint64 starts_at_ms,
                              GError **error)
{
  SbSqliteStore *self = SB_SQLITE_STORE (store);
  g_autoptr (SbVenue) venue = NULL;
  int rc;

  venue = sb_store_rules_parse_venue (event_id, venue_json, -1, error);
  if (venue == NULL)
    return FALSE;

  if (!exec_simple (self, STMT_BEGIN, error))
    return FALSE;

  {
    g_autoptr (SbStmt) stmt = get_bound_stmt (self, STMT_EVENT_PUT, error, "ssii", event_id, name,
                                              starts_at_ms, real_now_ms ());

    if (stmt == NULL)
      goto fail;
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
      {
        g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS, "An event “%s” exists already",
                     event_id);
        goto fail;
      }
    if (rc != SQLITE_DONE)
      {
        set_db_error (self, error, "creating an event");
        goto fail;
      }
  }

  if (!exec_stmt (self, STMT_EVENT_VENUE_PUT, error, "ss", event_id, venue_json))
    goto fail;

  /* Blocked seats get their row now, so the schema itself keeps them from being held or booked. */
  for (guint i = 0; i < sb_venue_get_n_seats (venue); i++)
    {
      const SbSeat *seat = sb_venue_get_seat (venue, i);

      if (seat->blocked && !exec_stmt (self, STMT_SEAT_BLOCK, error, "ss", event_id, seat->id))
        goto fail;
    }

  if (!exec_simple (self, STMT_COMMIT, error))
    goto fail;

  g_hash_table_insert (self->venues, g_strdup (event_id), g_steal_pointer (&venue));
  return TRUE;

fail:
  rollback_quietly (self);
  return FALSE;
}

static GPtrArray *
sb_sqlite_store_list_events (SbStore *store, GError **error)
{
  SbSqliteStore *self = SB_SQLITE_STORE (store);
  g_autoptr (SbStmt) stmt = get_stmt (self, STMT_EVENT_LIST, error);
  g_autoptr (GPtrArray) events = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  events = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_event_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SbEventRecord *record = g_new0 (SbEventRecord, 1);

      record->event_id = g_strdup (column_text (stmt, 0));
      record->name = g_strdup (column_text (stmt, 1));
      record->venue_json = g_strdup (column_text (stmt, 2));
      record->starts_at_ms = sqlite3_column_int64 (stmt, 3);
      record->version = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (events, record);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "listing events");
      return NULL;
    }
  return g_steal_pointer (&events);
}

/* Seats of an active hold, sorted by seat id. */
static char **
hold_seats (SbSqliteStore *self, const char *hold_id, GError **error)
{
  g_autoptr (SbStmt) stmt = get_bound_stmt (self, STMT_SEATS_OF_HOLD, error, "s", hold_id);
  g_autoptr (GStrvBuilder) builder = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "reading the seats of a hold");
      return NULL;
    }
  return g_strv_builder_end (builder);
}

static SbEventState *
sb_sqlite_store_load_event (SbStore *store, const char *event_id, GError **error)
{
  SbSqliteStore *self = SB_SQLITE_STORE (store);
  g_autoptr (SbEventState) state = NULL;
  g_autoptr (GHashTable) seats_by_hold = NULL;
  gboolean found;
  gint64 version;
  int rc;

  if (!begin_event_read (self, event_id, &found, &version, error))
    goto fail;
  if (!found)
    {
      sb_store_rules_set_event_not_found (error, event_id);
      goto fail;
    }

  state = sb_store_rules_new_event_state (version);
  seats_by_hold
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);

  {
    g_autoptr (SbStmt) stmt = get_bound_stmt (self, STMT_SEATS_OF_EVENT, error, "s", event_id);

    if (stmt == NULL)
      goto fail;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        const char *seat_id = column_text (stmt, 0);
        const char *hold_id = column_text (stmt, 2);
        GPtrArray *list;

        g_ptr_array_add (
            state->seats,
            sb_seat_change_new (seat_id, seat_state_from_db (column_text (stmt, 1)), hold_id));
        if (hold_id == NULL)
          continue;
        list = g_hash_table_lookup (seats_by_hold, hold_id);
        if (list == NULL)
          {
            list = g_ptr_array_new_with_free_func (g_free);
            g_hash_table_insert (seats_by_hold, g_strdup (hold_id), list);
          }
        g_ptr_array_add (list, g_strdup (seat_id));
      }
    if (rc != SQLITE_DONE)
      {
        set_db_error (self, error, "reading seat states");
        goto fail;
      }
  }

  {
    g_autoptr (SbStmt) stmt = get_bound_stmt (self, STMT_HOLDS_ACTIVE, error, "s", event_id);

    if (stmt == NULL)
      goto fail;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        const char *hold_id = column_text (stmt, 0);
        GPtrArray *list = g_hash_table_lookup (seats_by_hold, hold_id);

        if (list != NULL)
          g_ptr_array_add (list, NULL);
        g_ptr_array_add (state->holds, sb_hold_record_new (
                                           hold_id, event_id, column_text (stmt, 1),
                                           list != NULL ? (const char *const *) list->pdata : NULL,
                                           sqlite3_column_int64 (stmt, 2)));
      }
    if (rc != SQLITE_DONE)
      {
        set_db_error (self, error, "reading holds");
        goto fail;
      }
  }

  if (!exec_sql (self, "COMMIT", error))
    goto fail;
  return g_steal_pointer (&state);

fail:
  rollback_quietly (self);
  return NULL;
}

/* The primitives the booking rules run ops on (sb-store-backend-private.h). Each reads or writes
 * the tables inside the batch's transaction; each op runs in a savepoint, so that a refused op's
 * writes are undone and the rest of the batch stays. */

static gboolean
sqlite_begin_op (gpointer backend, GError **error)
{
  return exec_simple (backend, STMT_SAVEPOINT, error);
}

static gboolean
sqlite_undo_op (gpointer backend, GError **error)
{
  return exec_simple (backend, STMT_ROLLBACK_TO, error);
}

static gboolean
sqlite_end_op (gpointer backend, GError **error)
{
  return exec_simple (backend, STMT_RELEASE, error);
}

static gboolean
sqlite_lookup_outcome (gpointer backend,
                       const char *client_id,
                       const char *request_id,
                       gboolean *out_found,
                       char **out_outcome,
                       GError **error)
{
  SbSqliteStore *self = backend;
  g_autoptr (SbStmt) stmt
      = get_bound_stmt (self, STMT_REQUEST_GET, error, "ss", client_id, request_id);
  int rc;

  *out_found = FALSE;
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    {
      set_db_error (self, error, "reading a request");
      return FALSE;
    }
  *out_found = TRUE;
  *out_outcome = g_strdup (column_text (stmt, 0));
  return TRUE;
}

static gboolean
sqlite_record_outcome (gpointer backend,
                       const char *client_id,
                       const char *request_id,
                       const char *outcome_json,
                       GError **error)
{
  return exec_stmt (backend, STMT_REQUEST_PUT, error, "sssi", client_id, request_id, outcome_json,
                    real_now_ms ());
}

static gboolean
sqlite_read_event (gpointer backend,
                   const char *event_id,
                   gboolean *out_found,
                   gint64 *out_version,
                   GError **error)
{
  return event_version (backend, event_id, out_found, out_version, error);
}

static SbVenue *
sqlite_get_venue (gpointer backend, const char *event_id, GError **error)
{
  return event_venue (backend, event_id, error);
}

/* The version must still be the one the op read. */
static gboolean
sqlite_append_change (gpointer backend, const SbChange *change, const char *json, GError **error)
{
  SbSqliteStore *self = backend;

  if (!exec_stmt (self, STMT_EVENT_BUMP, error, "si", change->event_id, change->version - 1))
    return FALSE;
  if (sqlite3_changes (self->db) != 1)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                   "Event %s changed version under an op", change->event_id);
      return FALSE;
    }
  return exec_stmt (self, STMT_CHANGE_PUT, error, "sisi", change->event_id, change->version, json,
                    change->committed_at_ms);
}

static gboolean
sqlite_read_seats (gpointer backend,
                   const char *event_id,
                   const char *const *seat_ids,
                   GPtrArray *out,
                   GError **error)
{
  SbSqliteStore *self = backend;

  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      g_autoptr (SbStmt) stmt
          = get_bound_stmt (self, STMT_SEAT_GET, error, "ss", event_id, seat_ids[i]);
      int rc;

      if (stmt == NULL)
        return FALSE;
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        g_ptr_array_add (out, NULL); /* free: no row */
      else if (rc == SQLITE_ROW)
        g_ptr_array_add (out, sb_seat_change_new (seat_ids[i],
                                                  seat_state_from_db (column_text (stmt, 0)),
                                                  column_text (stmt, 1)));
      else
        {
          set_db_error (self, error, "reading a seat state");
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
sqlite_read_hold (gpointer backend, const char *hold_id, SbStoredHold **out_hold, GError **error)
{
  SbSqliteStore *self = backend;
  g_autoptr (SbStmt) stmt = get_bound_stmt (self, STMT_HOLD_GET, error, "s", hold_id);
  char **seats;
  int rc;

  *out_hold = NULL;
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    {
      set_db_error (self, error, "reading a hold");
      return FALSE;
    }
  seats = hold_seats (self, hold_id, error);
  if (seats == NULL)
    return FALSE;
  *out_hold = sb_stored_hold_new (hold_id, column_text (stmt, 0), column_text (stmt, 1),
                                  column_text (stmt, 3), seats, sqlite3_column_int64 (stmt, 2));
  return TRUE;
}

static gboolean
sqlite_find_expired_holds (
    gpointer backend, const char *event_id, gint64 now_ms, GPtrArray *out_holds, GError **error)
{
  SbSqliteStore *self = backend;
  guint first = out_holds->len;

  {
    g_autoptr (SbStmt) stmt
        = get_bound_stmt (self, STMT_HOLDS_EXPIRED, error, "si", event_id, now_ms);
    int rc;

    if (stmt == NULL)
      return FALSE;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_ptr_array_add (out_holds,
                       sb_stored_hold_new (column_text (stmt, 0), event_id, column_text (stmt, 1),
                                           "active", NULL, sqlite3_column_int64 (stmt, 2)));
    if (rc != SQLITE_DONE)
      {
        set_db_error (self, error, "finding expired holds");
        return FALSE;
      }
  }
  /* The seats once the scan is over: one statement at a time. */
  for (guint i = first; i < out_holds->len; i++)
    {
      SbStoredHold *hold = g_ptr_array_index (out_holds, i);

      g_strfreev (hold->seat_ids);
      hold->seat_ids = hold_seats (self, hold->hold_id, error);
      if (hold->seat_ids == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
sqlite_insert_hold (
    gpointer backend, const SbStoredHold *hold, gint64 now_ms, gboolean *out_taken, GError **error)
{
  SbSqliteStore *self = backend;
  g_autoptr (SbStmt) stmt
      = get_bound_stmt (self, STMT_HOLD_PUT, error, "sssii", hold->hold_id, hold->event_id,
                        hold->client_id, hold->expires_at_ms, now_ms);
  int rc;

  *out_taken = FALSE;
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    {
      *out_taken = TRUE;
      return TRUE;
    }
  set_db_error (self, error, "creating a hold");
  return FALSE;
}

static gboolean
sqlite_extend_hold (gpointer backend, const char *hold_id, gint64 expires_at_ms, GError **error)
{
  return exec_stmt (backend, STMT_HOLD_EXTEND, error, "si", hold_id, expires_at_ms);
}

static gboolean
sqlite_end_hold (gpointer backend, const char *hold_id, const char *status, GError **error)
{
  return exec_stmt (backend, STMT_HOLD_END, error, "ssi", hold_id, status, real_now_ms ());
}

static gboolean
sqlite_insert_booking (gpointer backend,
                       const char *booking_id,
                       const char *event_id,
                       const char *client_id,
                       const char *hold_id,
                       G_GNUC_UNUSED const char *const *seat_ids,
                       gint64 now_ms,
                       gboolean *out_taken,
                       GError **error)
{
  SbSqliteStore *self = backend;
  g_autoptr (SbStmt) stmt = get_bound_stmt (self, STMT_BOOKING_PUT, error, "ssssi", booking_id,
                                            event_id, client_id, hold_id, now_ms);
  int rc;

  *out_taken = FALSE;
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    {
      *out_taken = TRUE;
      return TRUE;
    }
  set_db_error (self, error, "creating a booking");
  return FALSE;
}

/* A failed write to seat_states or booking_seats where the rules said the seat was free: the
 * schema caught what the code missed. The op is refused with the seat rather than the batch
 * failed. */
static gboolean
seat_write_failed (SbSqliteStore *self,
                   const char *event_id,
                   int rc,
                   const char *seat_id,
                   char **out_refused_seat,
                   GError **error)
{
  if (rc == SQLITE_OK)
    return FALSE; /* write_seat () could not prepare the statement: error is set */
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_warning ("Store refused a write to seat %s of event %s: %s", seat_id, event_id,
                 sqlite3_errmsg (self->db));
      *out_refused_seat = g_strdup (seat_id);
      return TRUE;
    }
  set_db_error (self, error, "writing a seat state");
  return FALSE;
}

/* Runs a seat write (statement id with event_id, seat_id and a third text parameter): SQLITE_DONE
 * when it wrote, SQLITE_OK (which no step returns) when the statement failed to prepare. */
static int
write_seat (SbSqliteStore *self,
            StmtId id,
            const char *event_id,
            const char *seat_id,
            const char *value,
            GError **error)
{
  g_autoptr (SbStmt) stmt = get_bound_stmt (self, id, error, "sss", event_id, seat_id, value);

  if (stmt == NULL)
    return SQLITE_OK;
  return sqlite3_step (stmt);
}

static gboolean
sqlite_hold_seats (gpointer backend,
                   const char *event_id,
                   const char *const *seat_ids,
                   const char *hold_id,
                   char **out_refused_seat,
                   GError **error)
{
  SbSqliteStore *self = backend;

  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      int rc = write_seat (self, STMT_SEAT_HOLD, event_id, seat_ids[i], hold_id, error);

      if (rc != SQLITE_DONE)
        return seat_write_failed (self, event_id, rc, seat_ids[i], out_refused_seat, error);
    }
  return TRUE;
}

static gboolean
sqlite_free_hold_seats (gpointer backend,
                        G_GNUC_UNUSED const char *event_id,
                        const char *hold_id,
                        GError **error)
{
  return exec_stmt (backend, STMT_SEATS_FREE_HOLD, error, "s", hold_id);
}

/* booking_seats remembers each booked seat once, ever. */
static gboolean
insert_booking_seats (SbSqliteStore *self,
                      const char *event_id,
                      const char *const *seat_ids,
                      const char *booking_id,
                      char **out_refused_seat,
                      GError **error)
{
  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      int rc = write_seat (self, STMT_BOOKING_SEAT_PUT, event_id, seat_ids[i], booking_id, error);

      if (rc != SQLITE_DONE)
        return seat_write_failed (self, event_id, rc, seat_ids[i], out_refused_seat, error);
    }
  return TRUE;
}

static gboolean
sqlite_book_hold_seats (gpointer backend,
                        const char *event_id,
                        const char *hold_id,
                        const char *const *seat_ids,
                        const char *booking_id,
                        char **out_refused_seat,
                        GError **error)
{
  SbSqliteStore *self = backend;

  return exec_stmt (self, STMT_SEATS_BOOK_HOLD, error, "ss", hold_id, booking_id)
         && insert_booking_seats (self, event_id, seat_ids, booking_id, out_refused_seat, error);
}

static gboolean
sqlite_book_seats (gpointer backend,
                   const char *event_id,
                   const char *const *seat_ids,
                   const char *const *held_by,
                   const char *booking_id,
                   char **out_refused_seat,
                   GError **error)
{
  SbSqliteStore *self = backend;

  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      StmtId id = held_by[i] != NULL ? STMT_SEAT_BOOK_HELD : STMT_SEAT_BOOK_FREE;
      int rc = write_seat (self, id, event_id, seat_ids[i], booking_id, error);

      if (rc != SQLITE_DONE)
        return seat_write_failed (self, event_id, rc, seat_ids[i], out_refused_seat, error);
      /* The seat was read as held by the client's own hold: it must still be. */
      if (held_by[i] != NULL && sqlite3_changes (self->db) != 1)
        return seat_write_failed (self, event_id, SQLITE_CONSTRAINT, seat_ids[i], out_refused_seat,
                                  error);
      if (!insert_booking_seats (self, event_id, (const char *const[]){ seat_ids[i], NULL },
                                 booking_id, out_refused_seat, error))
        return FALSE;
      if (*out_refused_seat != NULL)
        return TRUE;
    }
  return TRUE;
}

static const SbStoreBackendFuncs backend_funcs = {
  .begin_op = sqlite_begin_op,
  .undo_op = sqlite_undo_op,
  .end_op = sqlite_end_op,
  .lookup_outcome = sqlite_lookup_outcome,
  .record_outcome = sqlite_record_outcome,
  .read_event = sqlite_read_event,
  .get_venue = sqlite_get_venue,
  .append_change = sqlite_append_change,
  .read_seats = sqlite_read_seats,
  .read_hold = sqlite_read_hold,
  .find_expired_holds = sqlite_find_expired_holds,
  .insert_hold = sqlite_insert_hold,
  .extend_hold = sqlite_extend_hold,
  .end_hold = sqlite_end_hold,
  .insert_booking = sqlite_insert_booking,
  .hold_seats = sqlite_hold_seats,
  .free_hold_seats = sqlite_free_hold_seats,
  .book_hold_seats = sqlite_book_hold_seats,
  .book_seats = sqlite_book_seats,
};

static gboolean
sb_sqlite_store_apply (SbStore *store, GPtrArray *ops, GError **error)
{
  SbSqliteStore *self = SB_SQLITE_STORE (store);

  for (guint i = 0; i < ops->len; i++)
    sb_op_clear_outcome (g_ptr_array_index (ops, i));

  if (!exec_simple (self, STMT_BEGIN, error))
    return FALSE;
  for (guint i = 0; i < ops->len; i++)
    if (!sb_store_rules_apply_op (&backend_funcs, self, g_ptr_array_index (ops, i), error))
      goto fail;
  if (!exec_simple (self, STMT_COMMIT, error))
    goto fail;
  return TRUE;

fail:
  rollback_quietly (self);
  /* Nothing was committed: no op may look as if it had been. */
  for (guint i = 0; i < ops->len; i++)
    sb_op_clear_outcome (g_ptr_array_index (ops, i));
  return FALSE;
}

static GPtrArray *
sb_sqlite_store_changes_since (SbStore *store,
                               const char *event_id,
                               gint64 since_version,
                               GError **error)
{
  SbSqliteStore *self = SB_SQLITE_STORE (store);
  g_autoptr (GPtrArray) changes = NULL;
  gboolean found;
  gint64 version;
  int rc;

  if (!begin_event_read (self, event_id, &found, &version, error)
      || !sb_store_rules_check_since (event_id, found, version, since_version, error))
    goto fail;

  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_change_free);
  {
    g_autoptr (SbStmt) stmt
        = get_bound_stmt (self, STMT_CHANGES_SINCE, error, "si", event_id, since_version);

    if (stmt == NULL)
      goto fail;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      if (!sb_store_rules_add_logged_change (changes, event_id, since_version,
                                             sqlite3_column_int64 (stmt, 0), column_text (stmt, 1),
                                             error))
        goto fail;
    if (rc != SQLITE_DONE)
      {
        set_db_error (self, error, "reading changes");
        goto fail;
      }
  }
  if (!sb_store_rules_check_log_complete (changes, event_id, since_version, version, error))
    goto fail;
  if (!exec_sql (self, "COMMIT", error))
    goto fail;
  return g_steal_pointer (&changes);

fail:
  rollback_quietly (self);
  return NULL;
}

static gboolean
sb_sqlite_store_prune (SbStore *store, gint64 older_than_ms, GError **error)
{
  SbSqliteStore *self = SB_SQLITE_STORE (store);

  if (!exec_simple (self, STMT_BEGIN, error))
    return FALSE;
  if (!exec_stmt (self, STMT_PRUNE_REQUESTS, error, "i", older_than_ms)
      || !exec_stmt (self, STMT_PRUNE_CHANGES, error, "ii", older_than_ms,
                     (gint64) KEEP_CHANGES_PER_EVENT)
      || !exec_simple (self, STMT_COMMIT, error))
    goto fail;
  return TRUE;

fail:
  rollback_quietly (self);
  return FALSE;
}

static void
sb_sqlite_store_finalize (GObject *object)
{
  SbSqliteStore *self = SB_SQLITE_STORE (object);

  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  if (self->db != NULL)
    {
      rollback_quietly (self);
      if (sqlite3_close (self->db) != SQLITE_OK)
        g_warning ("Closing the database “%s”: %s", self->path, sqlite3_errmsg (self->db));
      self->db = NULL;
    }
  g_clear_pointer (&self->venues, g_hash_table_unref);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (sb_sqlite_store_parent_class)->finalize (object);
}

static void
sb_sqlite_store_class_init (SbSqliteStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sb_sqlite_store_finalize;
}

static void
sb_sqlite_store_iface_init (SbStoreInterface *iface)
{
  iface->create_event = sb_sqlite_store_create_event;
  iface->list_events = sb_sqlite_store_list_events;
  iface->load_event = sb_sqlite_store_load_event;
  iface->apply = sb_sqlite_store_apply;
  iface->changes_since = sb_sqlite_store_changes_since;
  iface->prune = sb_sqlite_store_prune;
}

static void
sb_sqlite_store_init (SbSqliteStore *self)
{
  self->venues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}
