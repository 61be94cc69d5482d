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
  [STMT_SEAT_GET] = "SELECT s.state, h.client_id, h.expires_at, s.hold_id"
                    " FROM seat_states s LEFT JOIN holds h ON h.hold_id = s.hold_id"
                    " WHERE s.event_id = ?1 AND s.seat_id = ?2",
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
  [STMT_HOLDS_EXPIRED] = "SELECT hold_id FROM holds"
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

static gboolean
exec_simple (SbSqliteStore *self, StmtId id, GError **error)
{
  g_autoptr (SbStmt) stmt = get_stmt (self, id, error);

  return stmt != NULL && step_done (self, stmt, error);
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
  g_autoptr (SbStmt) stmt = get_stmt (self, STMT_EVENT_VERSION, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, event_id);
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

/* The venue of an existing event, parsed once and cached. */
static SbVenue *
event_venue (SbSqliteStore *self, const char *event_id, GError **error)
{
  g_autoptr (SbStmt) stmt = NULL;
  g_autofree char *source = NULL;
  SbVenue *venue;
  int rc;

  venue = g_hash_table_lookup (self->venues, event_id);
  if (venue != NULL)
    return venue;

  stmt = get_stmt (self, STMT_EVENT_VENUE, error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, event_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No event “%s”", event_id);
      else
        set_db_error (self, error, "reading a venue");
      return NULL;
    }
  source = g_strdup_printf ("event %s", event_id);
  venue = sb_venue_new_from_data (column_text (stmt, 0), sqlite3_column_bytes (stmt, 0), source,
                                  error);
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
  g_autofree char *source = g_strdup_printf ("event %s", event_id);
  int rc;

  venue = sb_venue_new_from_data (venue_json, -1, source, error);
  if (venue == NULL)
    return FALSE;

  if (!exec_simple (self, STMT_BEGIN, error))
    return FALSE;

  {
    g_autoptr (SbStmt) stmt = get_stmt (self, STMT_EVENT_PUT, error);

    if (stmt == NULL)
      goto fail;
    bind_text (stmt, 1, event_id);
    bind_text (stmt, 2, name);
    sqlite3_bind_int64 (stmt, 3, starts_at_ms);
    sqlite3_bind_int64 (stmt, 4, real_now_ms ());
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

  {
    g_autoptr (SbStmt) stmt = get_stmt (self, STMT_EVENT_VENUE_PUT, error);

    if (stmt == NULL)
      goto fail;
    bind_text (stmt, 1, event_id);
    bind_text (stmt, 2, venue_json);
    if (!step_done (self, stmt, error))
      goto fail;
  }

  /* Blocked seats get their row now, so the schema itself keeps them from being held or booked. */
  for (guint i = 0; i < sb_venue_get_n_seats (venue); i++)
    {
      const SbSeat *seat = sb_venue_get_seat (venue, i);
      g_autoptr (SbStmt) stmt = NULL;

      if (!seat->blocked)
        continue;
      stmt = get_stmt (self, STMT_SEAT_BLOCK, error);
      if (stmt == NULL)
        goto fail;
      bind_text (stmt, 1, event_id);
      bind_text (stmt, 2, seat->id);
      if (!step_done (self, stmt, error))
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
  g_autoptr (SbStmt) stmt = get_stmt (self, STMT_SEATS_OF_HOLD, error);
  g_autoptr (GStrvBuilder) builder = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  bind_text (stmt, 1, hold_id);
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

  /* One read transaction, so the version, seats and holds are one consistent snapshot. */
  if (!exec_sql (self, "BEGIN", error))
    return NULL;
  if (!event_version (self, event_id, &found, &version, error))
    goto fail;
  if (!found)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No event “%s”", event_id);
      goto fail;
    }

  state = g_new0 (SbEventState, 1);
  state->version = version;
  state->seats = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_seat_change_free);
  state->holds = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_hold_record_free);
  seats_by_hold
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);

  {
    g_autoptr (SbStmt) stmt = get_stmt (self, STMT_SEATS_OF_EVENT, error);

    if (stmt == NULL)
      goto fail;
    bind_text (stmt, 1, event_id);
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
    g_autoptr (SbStmt) stmt = get_stmt (self, STMT_HOLDS_ACTIVE, error);

    if (stmt == NULL)
      goto fail;
    bind_text (stmt, 1, event_id);
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

/* Ops. Each run_* returns FALSE only for a backend failure (the batch is abandoned); a refused op
 * gets its error through sb_op_set_error () and returns TRUE. */

static char *
join_seats (char **seats)
{
  return g_strjoinv (", ", seats);
}

/* Checks the seats named by a hold or book-by-seats op: present, distinct, in the venue. */
static gboolean
check_seat_list (SbSqliteStore *self, SbOp *op, gboolean *out_ok, GError **error)
{
  g_autoptr (GHashTable) seen = NULL;
  g_autoptr (GStrvBuilder) unknown = NULL;
  g_auto (GStrv) unknown_seats = NULL;
  SbVenue *venue;

  *out_ok = FALSE;
  if (op->seat_ids == NULL || op->seat_ids[0] == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "No seats given");
      return TRUE;
    }

  venue = event_venue (self, op->event_id, error);
  if (venue == NULL)
    return FALSE;

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  unknown = g_strv_builder_new ();
  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    {
      if (!g_hash_table_add (seen, op->seat_ids[i]))
        {
          sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Seat %s is named twice", op->seat_ids[i]);
          return TRUE;
        }
      if (!sb_venue_lookup_seat (venue, op->seat_ids[i], NULL))
        g_strv_builder_add (unknown, op->seat_ids[i]);
    }
  unknown_seats = g_strv_builder_end (g_steal_pointer (&unknown));
  if (unknown_seats[0] != NULL)
    {
      g_autofree char *list = join_seats (unknown_seats);

      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Event %s has no seats %s", op->event_id,
                       list);
      return TRUE;
    }
  *out_ok = TRUE;
  return TRUE;
}

/* Looks up the op's event. Sets NOT_FOUND on the op for an unknown one. */
static gboolean
check_event (SbSqliteStore *self, SbOp *op, gint64 *out_version, gboolean *out_ok, GError **error)
{
  gboolean found;

  *out_ok = FALSE;
  if (op->event_id == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "No event given");
      return TRUE;
    }
  if (!event_version (self, op->event_id, &found, out_version, error))
    return FALSE;
  if (!found)
    {
      sb_op_set_error (op, SB_ERROR_NOT_FOUND, "No event %s", op->event_id);
      return TRUE;
    }
  *out_ok = TRUE;
  return TRUE;
}

typedef struct
{
  char *event_id;
  char *client_id;
  gint64 expires_at_ms;
  char *status;
} HoldRow;

static void
hold_row_clear (HoldRow *row)
{
  g_clear_pointer (&row->event_id, g_free);
  g_clear_pointer (&row->client_id, g_free);
  g_clear_pointer (&row->status, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HoldRow, hold_row_clear)

/* The checks shared by extend, release and book by hold: the hold exists (in the op's event, if
 * one was given), belongs to the op's client, is active and has not expired at op->now_ms. Fills
 * in op->event_id from the hold when the op had none. */
static gboolean
check_hold (SbSqliteStore *self,
            SbOp *op,
            gint64 now_ms,
            HoldRow *row,
            gint64 *out_version,
            gboolean *out_ok,
            GError **error)
{
  *out_ok = FALSE;
  if (op->hold_id == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "No hold given");
      return TRUE;
    }

  {
    g_autoptr (SbStmt) stmt = get_stmt (self, STMT_HOLD_GET, error);
    int rc;

    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, op->hold_id);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_DONE)
      {
        sb_op_set_error (op, SB_ERROR_NOT_FOUND, "No hold %s", op->hold_id);
        return TRUE;
      }
    if (rc != SQLITE_ROW)
      {
        set_db_error (self, error, "reading a hold");
        return FALSE;
      }
    row->event_id = g_strdup (column_text (stmt, 0));
    row->client_id = g_strdup (column_text (stmt, 1));
    row->expires_at_ms = sqlite3_column_int64 (stmt, 2);
    row->status = g_strdup (column_text (stmt, 3));
  }

  if (op->event_id != NULL && g_strcmp0 (op->event_id, row->event_id) != 0)
    {
      sb_op_set_error (op, SB_ERROR_NOT_FOUND, "No hold %s in event %s", op->hold_id, op->event_id);
      return TRUE;
    }
  if (g_strcmp0 (op->client_id, row->client_id) != 0)
    {
      sb_op_set_error (op, SB_ERROR_FORBIDDEN, "Hold %s belongs to another client", op->hold_id);
      return TRUE;
    }
  if (op->event_id == NULL)
    op->event_id = g_strdup (row->event_id);
  if (g_str_equal (row->status, "expired")
      || (g_str_equal (row->status, "active") && row->expires_at_ms <= now_ms))
    {
      sb_op_set_error (op, SB_ERROR_HOLD_EXPIRED, "Hold %s has expired", op->hold_id);
      return TRUE;
    }
  if (!g_str_equal (row->status, "active"))
    {
      sb_op_set_error (op, SB_ERROR_NOT_FOUND, "Hold %s has ended (%s)", op->hold_id, row->status);
      return TRUE;
    }

  {
    gboolean found;

    if (!event_version (self, row->event_id, &found, out_version, error))
      return FALSE;
    g_assert (found); /* foreign key */
  }
  *out_ok = TRUE;
  return TRUE;
}

static gboolean
end_hold (SbSqliteStore *self, const char *hold_id, const char *status, GError **error)
{
  g_autoptr (SbStmt) stmt = get_stmt (self, STMT_HOLD_END, error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, hold_id);
  bind_text (stmt, 2, status);
  sqlite3_bind_int64 (stmt, 3, real_now_ms ());
  return step_done (self, stmt, error);
}

/* A failed INSERT into seat_states where the op's own checks said the seat was free: the schema
 * caught what the code missed. Refuse the op rather than fail the batch. */
static gboolean
seat_write_failed (SbSqliteStore *self, SbOp *op, int rc, const char *seat_id, GError **error)
{
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_warning ("Store refused a write to seat %s of event %s: %s", seat_id, op->event_id,
                 sqlite3_errmsg (self->db));
      g_clear_pointer (&op->conflicting_seats, g_strfreev);
      op->conflicting_seats = g_new0 (char *, 2);
      op->conflicting_seats[0] = g_strdup (seat_id);
      sb_op_set_error (op, SB_ERROR_SEAT_UNAVAILABLE, "Seats %s are not available", seat_id);
      return TRUE;
    }
  set_db_error (self, error, "writing a seat state");
  return FALSE;
}

static gboolean
run_hold (SbSqliteStore *self, SbOp *op, gint64 now_ms, GError **error)
{
  g_autoptr (GStrvBuilder) conflicts = g_strv_builder_new ();
  g_auto (GStrv) conflicting = NULL;
  g_autofree char *hold_id = NULL;
  g_autoptr (SbChange) change = NULL;
  gint64 version, expires_at_ms;
  gboolean ok;

  if (!check_event (self, op, &version, &ok, error))
    return FALSE;
  if (!ok)
    return TRUE;
  if (!check_seat_list (self, op, &ok, error))
    return FALSE;
  if (!ok)
    return TRUE;
  if (op->ttl_ms <= 0)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "The hold's time to live must be positive");
      return TRUE;
    }

  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    {
      g_autoptr (SbStmt) stmt = get_stmt (self, STMT_SEAT_GET, error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, op->event_id);
      bind_text (stmt, 2, op->seat_ids[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        g_strv_builder_add (conflicts, op->seat_ids[i]);
      else if (rc != SQLITE_DONE)
        {
          set_db_error (self, error, "reading a seat state");
          return FALSE;
        }
    }
  conflicting = g_strv_builder_end (g_steal_pointer (&conflicts));
  if (conflicting[0] != NULL)
    {
      g_autofree char *list = join_seats (conflicting);

      sb_op_set_error (op, SB_ERROR_SEAT_UNAVAILABLE, "Seats %s are not available", list);
      op->conflicting_seats = g_steal_pointer (&conflicting);
      return TRUE;
    }

  expires_at_ms = now_ms + op->ttl_ms;
  for (guint attempt = 0;; attempt++)
    {
      g_autoptr (SbStmt) stmt = get_stmt (self, STMT_HOLD_PUT, error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      g_free (hold_id);
      hold_id = sb_new_hold_id ();
      bind_text (stmt, 1, hold_id);
      bind_text (stmt, 2, op->event_id);
      bind_text (stmt, 3, op->client_id);
      sqlite3_bind_int64 (stmt, 4, expires_at_ms);
      sqlite3_bind_int64 (stmt, 5, now_ms);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        break;
      /* 80 random bits: a collision means a broken random generator more than bad luck. */
      if (rc != SQLITE_CONSTRAINT_PRIMARYKEY || attempt >= 5)
        {
          set_db_error (self, error, "creating a hold");
          return FALSE;
        }
    }

  change = sb_change_new (op->event_id, version + 1);
  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    {
      g_autoptr (SbStmt) stmt = get_stmt (self, STMT_SEAT_HOLD, error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, op->event_id);
      bind_text (stmt, 2, op->seat_ids[i]);
      bind_text (stmt, 3, hold_id);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_DONE)
        return seat_write_failed (self, op, rc, op->seat_ids[i], error);
      g_ptr_array_add (change->seats, sb_seat_change_new (op->seat_ids[i], SB_SEAT_HELD, hold_id));
    }
  g_ptr_array_add (change->holds,
                   sb_hold_record_new (hold_id, op->event_id, op->client_id,
                                       (const char *const *) op->seat_ids, expires_at_ms));

  op->result_hold_id = g_steal_pointer (&hold_id);
  op->result_seat_ids = g_strdupv (op->seat_ids);
  op->result_expires_at_ms = expires_at_ms;
  op->change = g_steal_pointer (&change);
  return TRUE;
}

static gboolean
run_extend (SbSqliteStore *self, SbOp *op, gint64 now_ms, GError **error)
{
  g_auto (HoldRow) row = { 0 };
  g_autoptr (SbChange) change = NULL;
  g_auto (GStrv) seats = NULL;
  gint64 version, expires_at_ms;
  gboolean ok;

  if (!check_hold (self, op, now_ms, &row, &version, &ok, error))
    return FALSE;
  if (!ok)
    return TRUE;
  if (op->ttl_ms <= 0)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "The hold's time to live must be positive");
      return TRUE;
    }

  expires_at_ms = now_ms + op->ttl_ms;
  {
    g_autoptr (SbStmt) stmt = get_stmt (self, STMT_HOLD_EXTEND, error);

    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, op->hold_id);
    sqlite3_bind_int64 (stmt, 2, expires_at_ms);
    if (!step_done (self, stmt, error))
      return FALSE;
  }
  seats = hold_seats (self, op->hold_id, error);
  if (seats == NULL)
    return FALSE;

  change = sb_change_new (op->event_id, version + 1);
  g_ptr_array_add (change->holds, sb_hold_record_new (op->hold_id, op->event_id, op->client_id,
                                                      (const char *const *) seats, expires_at_ms));
  op->result_hold_id = g_strdup (op->hold_id);
  op->result_seat_ids = g_steal_pointer (&seats);
  op->result_expires_at_ms = expires_at_ms;
  op->change = g_steal_pointer (&change);
  return TRUE;
}

/* Ends a hold (release, expire): its seats become free. Appends to change. */
static gboolean
free_hold (SbSqliteStore *self,
           const char *hold_id,
           const char *status,
           SbChange *change,
           GStrvBuilder *freed,
           GError **error)
{
  g_auto (GStrv) seats = hold_seats (self, hold_id, error);

  if (seats == NULL)
    return FALSE;

  {
    g_autoptr (SbStmt) stmt = get_stmt (self, STMT_SEATS_FREE_HOLD, error);

    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, hold_id);
    if (!step_done (self, stmt, error))
      return FALSE;
  }
  if (!end_hold (self, hold_id, status, error))
    return FALSE;

  for (guint i = 0; seats[i] != NULL; i++)
    {
      g_ptr_array_add (change->seats, sb_seat_change_new (seats[i], SB_SEAT_FREE, NULL));
      g_strv_builder_add (freed, seats[i]);
    }
  return TRUE;
}

static gboolean
run_release (SbSqliteStore *self, SbOp *op, gint64 now_ms, GError **error)
{
  g_auto (HoldRow) row = { 0 };
  g_autoptr (SbChange) change = NULL;
  g_autoptr (GStrvBuilder) freed = g_strv_builder_new ();
  gint64 version;
  gboolean ok;

  if (!check_hold (self, op, now_ms, &row, &version, &ok, error))
    return FALSE;
  if (!ok)
    return TRUE;

  change = sb_change_new (op->event_id, version + 1);
  if (!free_hold (self, op->hold_id, "released", change, freed, error))
    return FALSE;
  change->ended_holds = g_new0 (char *, 2);
  change->ended_holds[0] = g_strdup (op->hold_id);

  op->result_hold_id = g_strdup (op->hold_id);
  op->result_seat_ids = g_strv_builder_end (freed);
  op->change = g_steal_pointer (&change);
  return TRUE;
}

/* Inserts the booking row with a fresh reference; references are short, so collisions happen
 * (rarely) and are retried. */
static gboolean
insert_booking (SbSqliteStore *self, SbOp *op, gint64 now_ms, char **out_booking_id, GError **error)
{
  for (guint attempt = 0;; attempt++)
    {
      g_autoptr (SbStmt) stmt = get_stmt (self, STMT_BOOKING_PUT, error);
      g_autofree char *booking_id = sb_new_booking_id ();
      int rc;

      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, booking_id);
      bind_text (stmt, 2, op->event_id);
      bind_text (stmt, 3, op->client_id);
      bind_text (stmt, 4, op->hold_id);
      sqlite3_bind_int64 (stmt, 5, now_ms);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        {
          *out_booking_id = g_steal_pointer (&booking_id);
          return TRUE;
        }
      if (rc != SQLITE_CONSTRAINT_PRIMARYKEY || attempt >= 20)
        {
          set_db_error (self, error, "creating a booking");
          return FALSE;
        }
    }
}

static gboolean
insert_booking_seat (SbSqliteStore *self,
                     SbOp *op,
                     const char *seat_id,
                     const char *booking_id,
                     gboolean *out_ok,
                     GError **error)
{
  g_autoptr (SbStmt) stmt = get_stmt (self, STMT_BOOKING_SEAT_PUT, error);
  int rc;

  *out_ok = FALSE;
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, op->event_id);
  bind_text (stmt, 2, seat_id);
  bind_text (stmt, 3, booking_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return seat_write_failed (self, op, rc, seat_id, error);
  *out_ok = TRUE;
  return TRUE;
}

static gboolean
run_book_hold (SbSqliteStore *self, SbOp *op, gint64 now_ms, GError **error)
{
  g_auto (HoldRow) row = { 0 };
  g_autoptr (SbChange) change = NULL;
  g_auto (GStrv) seats = NULL;
  g_autofree char *booking_id = NULL;
  gint64 version;
  gboolean ok;

  if (!check_hold (self, op, now_ms, &row, &version, &ok, error))
    return FALSE;
  if (!ok)
    return TRUE;

  seats = hold_seats (self, op->hold_id, error);
  if (seats == NULL || !insert_booking (self, op, now_ms, &booking_id, error))
    return FALSE;

  {
    g_autoptr (SbStmt) stmt = get_stmt (self, STMT_SEATS_BOOK_HOLD, error);

    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, op->hold_id);
    bind_text (stmt, 2, booking_id);
    if (!step_done (self, stmt, error))
      return FALSE;
  }

  change = sb_change_new (op->event_id, version + 1);
  for (guint i = 0; seats[i] != NULL; i++)
    {
      if (!insert_booking_seat (self, op, seats[i], booking_id, &ok, error))
        return FALSE;
      if (!ok)
        return TRUE;
      g_ptr_array_add (change->seats, sb_seat_change_new (seats[i], SB_SEAT_BOOKED, NULL));
    }
  if (!end_hold (self, op->hold_id, "booked", error))
    return FALSE;
  change->ended_holds = g_new0 (char *, 2);
  change->ended_holds[0] = g_strdup (op->hold_id);

  op->result_hold_id = g_strdup (op->hold_id);
  op->result_booking_id = g_steal_pointer (&booking_id);
  op->result_seat_ids = g_steal_pointer (&seats);
  op->change = g_steal_pointer (&change);
  return TRUE;
}

typedef struct
{
  char *hold_id;
  gint64 expires_at_ms;
} TouchedHold;

static void
touched_hold_free (TouchedHold *hold)
{
  g_free (hold->hold_id);
  g_free (hold);
}

static gboolean
run_book_seats (SbSqliteStore *self, SbOp *op, gint64 now_ms, GError **error)
{
  g_autoptr (GStrvBuilder) conflicts = g_strv_builder_new ();
  g_auto (GStrv) conflicting = NULL;
  g_autoptr (SbChange) change = NULL;
  g_autofree gboolean *was_held = NULL;
  g_autoptr (GPtrArray) touched = NULL; /* TouchedHold, holds that lose seats */
  g_autoptr (GStrvBuilder) ended = g_strv_builder_new ();
  g_autofree char *booking_id = NULL;
  gint64 version;
  gboolean ok;

  if (!check_event (self, op, &version, &ok, error))
    return FALSE;
  if (!ok)
    return TRUE;
  if (!check_seat_list (self, op, &ok, error))
    return FALSE;
  if (!ok)
    return TRUE;

  was_held = g_new0 (gboolean, g_strv_length (op->seat_ids));
  touched = g_ptr_array_new_with_free_func ((GDestroyNotify) touched_hold_free);
  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    {
      g_autoptr (SbStmt) stmt = get_stmt (self, STMT_SEAT_GET, error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, op->event_id);
      bind_text (stmt, 2, op->seat_ids[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        continue; /* free */
      if (rc != SQLITE_ROW)
        {
          set_db_error (self, error, "reading a seat state");
          return FALSE;
        }
      /* Held by one of this client's own holds that is still running: the client may book it. */
      if (seat_state_from_db (column_text (stmt, 0)) == SB_SEAT_HELD
          && g_strcmp0 (column_text (stmt, 1), op->client_id) == 0
          && sqlite3_column_int64 (stmt, 2) > now_ms)
        {
          const char *hold_id = column_text (stmt, 3);
          gboolean known = FALSE;

          was_held[i] = TRUE;
          for (guint j = 0; j < touched->len && !known; j++)
            known
                = g_str_equal (((TouchedHold *) g_ptr_array_index (touched, j))->hold_id, hold_id);
          if (!known)
            {
              TouchedHold *hold = g_new0 (TouchedHold, 1);

              hold->hold_id = g_strdup (hold_id);
              hold->expires_at_ms = sqlite3_column_int64 (stmt, 2);
              g_ptr_array_add (touched, hold);
            }
          continue;
        }
      g_strv_builder_add (conflicts, op->seat_ids[i]);
    }
  conflicting = g_strv_builder_end (g_steal_pointer (&conflicts));
  if (conflicting[0] != NULL)
    {
      g_autofree char *list = join_seats (conflicting);

      sb_op_set_error (op, SB_ERROR_SEAT_UNAVAILABLE, "Seats %s are not available", list);
      op->conflicting_seats = g_steal_pointer (&conflicting);
      return TRUE;
    }

  if (!insert_booking (self, op, now_ms, &booking_id, error))
    return FALSE;

  change = sb_change_new (op->event_id, version + 1);
  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    {
      g_autoptr (SbStmt) stmt
          = get_stmt (self, was_held[i] ? STMT_SEAT_BOOK_HELD : STMT_SEAT_BOOK_FREE, error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, op->event_id);
      bind_text (stmt, 2, op->seat_ids[i]);
      bind_text (stmt, 3, booking_id);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_DONE)
        return seat_write_failed (self, op, rc, op->seat_ids[i], error);
      if (was_held[i] && sqlite3_changes (self->db) != 1)
        return seat_write_failed (self, op, SQLITE_CONSTRAINT, op->seat_ids[i], error);
      if (!insert_booking_seat (self, op, op->seat_ids[i], booking_id, &ok, error))
        return FALSE;
      if (!ok)
        return TRUE;
      g_ptr_array_add (change->seats, sb_seat_change_new (op->seat_ids[i], SB_SEAT_BOOKED, NULL));
    }

  /* Holds that gave up seats: ended when nothing is left, otherwise announced with their new
   * seat list so the server's copy stays right. */
  for (guint j = 0; j < touched->len; j++)
    {
      TouchedHold *hold = g_ptr_array_index (touched, j);
      g_auto (GStrv) left = hold_seats (self, hold->hold_id, error);

      if (left == NULL)
        return FALSE;
      if (left[0] == NULL)
        {
          if (!end_hold (self, hold->hold_id, "booked", error))
            return FALSE;
          g_strv_builder_add (ended, hold->hold_id);
        }
      else
        g_ptr_array_add (change->holds,
                         sb_hold_record_new (hold->hold_id, op->event_id, op->client_id,
                                             (const char *const *) left, hold->expires_at_ms));
    }
  change->ended_holds = g_strv_builder_end (g_steal_pointer (&ended));
  if (change->ended_holds[0] == NULL)
    g_clear_pointer (&change->ended_holds, g_strfreev);

  op->result_booking_id = g_steal_pointer (&booking_id);
  op->result_seat_ids = g_strdupv (op->seat_ids);
  op->change = g_steal_pointer (&change);
  return TRUE;
}

static gboolean
run_book (SbSqliteStore *self, SbOp *op, gint64 now_ms, GError **error)
{
  gboolean by_hold = op->hold_id != NULL;
  gboolean by_seats = op->seat_ids != NULL;

  if (by_hold == by_seats)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST,
                       "A booking names either a hold or an event and seats");
      return TRUE;
    }
  return by_hold ? run_book_hold (self, op, now_ms, error)
                 : run_book_seats (self, op, now_ms, error);
}

static gboolean
run_expire (SbSqliteStore *self, SbOp *op, gint64 now_ms, GError **error)
{
  g_autoptr (GStrvBuilder) expired = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) freed = g_strv_builder_new ();
  g_auto (GStrv) hold_ids = NULL;
  g_autoptr (SbChange) change = NULL;
  gint64 version;
  gboolean ok;

  if (!check_event (self, op, &version, &ok, error))
    return FALSE;
  if (!ok)
    return TRUE;

  {
    g_autoptr (SbStmt) stmt = get_stmt (self, STMT_HOLDS_EXPIRED, error);
    int rc;

    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, op->event_id);
    sqlite3_bind_int64 (stmt, 2, now_ms);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_strv_builder_add (expired, column_text (stmt, 0));
    if (rc != SQLITE_DONE)
      {
        set_db_error (self, error, "finding expired holds");
        return FALSE;
      }
  }
  hold_ids = g_strv_builder_end (g_steal_pointer (&expired));
  if (hold_ids[0] == NULL)
    return TRUE; /* nothing expired: no change, no version */

  change = sb_change_new (op->event_id, version + 1);
  for (guint i = 0; hold_ids[i] != NULL; i++)
    if (!free_hold (self, hold_ids[i], "expired", change, freed, error))
      return FALSE;
  change->ended_holds = g_steal_pointer (&hold_ids);
  op->result_seat_ids = g_strv_builder_end (g_steal_pointer (&freed));
  op->change = g_steal_pointer (&change);
  return TRUE;
}

/* Looks for the stored outcome of (client_id, request_id). */
static gboolean
lookup_request (SbSqliteStore *self, SbOp *op, gboolean *out_found, GError **error)
{
  g_autoptr (SbStmt) stmt = get_stmt (self, STMT_REQUEST_GET, error);
  g_autoptr (GError) local_error = NULL;
  int rc;

  *out_found = FALSE;
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, op->client_id);
  bind_text (stmt, 2, op->request_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    {
      set_db_error (self, error, "reading a request");
      return FALSE;
    }
  *out_found = TRUE;
  if (!sb_op_outcome_from_json (op, column_text (stmt, 0), &local_error))
    {
      /* A damaged record must not make the op run a second time. */
      g_warning ("Stored outcome of request %s of client %s is unreadable: %s", op->request_id,
                 op->client_id, local_error->message);
      sb_op_set_error (op, SB_ERROR_INTERNAL, "The outcome of this request cannot be read");
    }
  op->replayed = TRUE;
  return TRUE;
}

static gboolean
apply_one (SbSqliteStore *self, SbOp *op, GError **error)
{
  gboolean keyed = op->kind != SB_OP_EXPIRE && op->client_id != NULL && op->request_id != NULL;
  gint64 now_ms = op->now_ms != 0 ? op->now_ms : real_now_ms ();
  gboolean ok = FALSE;

  if (keyed)
    {
      gboolean found;

      if (!lookup_request (self, op, &found, error))
        return FALSE;
      if (found)
        return TRUE;
    }

  if (!exec_simple (self, STMT_SAVEPOINT, error))
    return FALSE;

  if (op->kind != SB_OP_EXPIRE && op->client_id == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "No client given");
      ok = TRUE;
    }
  else
    switch (op->kind)
      {
        case SB_OP_HOLD:
          ok = run_hold (self, op, now_ms, error);
          break;
        case SB_OP_EXTEND:
          ok = run_extend (self, op, now_ms, error);
          break;
        case SB_OP_RELEASE:
          ok = run_release (self, op, now_ms, error);
          break;
        case SB_OP_BOOK:
          ok = run_book (self, op, now_ms, error);
          break;
        case SB_OP_EXPIRE:
          ok = run_expire (self, op, now_ms, error);
          break;
        default:
          sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Unknown operation %d", op->kind);
          ok = TRUE;
      }
  if (!ok)
    return FALSE; /* the caller rolls back the whole transaction */

  if (op->error != SB_ERROR_NONE)
    {
      /* Undo whatever the op wrote before it was refused. */
      g_clear_pointer (&op->change, sb_change_free);
      if (!exec_simple (self, STMT_ROLLBACK_TO, error))
        return FALSE;
    }
  else if (op->change != NULL)
    {
      g_autofree char *json = NULL;

      op->change->committed_at_ms = real_now_ms ();
      json = sb_change_to_json (op->change);
      {
        g_autoptr (SbStmt) stmt = get_stmt (self, STMT_EVENT_BUMP, error);

        if (stmt == NULL)
          return FALSE;
        bind_text (stmt, 1, op->change->event_id);
        sqlite3_bind_int64 (stmt, 2, op->change->version - 1);
        if (!step_done (self, stmt, error))
          return FALSE;
        if (sqlite3_changes (self->db) != 1)
          {
            g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                         "Event %s changed version under an op", op->change->event_id);
            return FALSE;
          }
      }
      {
        g_autoptr (SbStmt) stmt = get_stmt (self, STMT_CHANGE_PUT, error);

        if (stmt == NULL)
          return FALSE;
        bind_text (stmt, 1, op->change->event_id);
        sqlite3_bind_int64 (stmt, 2, op->change->version);
        bind_text (stmt, 3, json);
        sqlite3_bind_int64 (stmt, 4, op->change->committed_at_ms);
        if (!step_done (self, stmt, error))
          return FALSE;
      }
    }

  if (keyed)
    {
      g_autofree char *outcome = sb_op_outcome_to_json (op);
      g_autoptr (SbStmt) stmt = get_stmt (self, STMT_REQUEST_PUT, error);

      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, op->client_id);
      bind_text (stmt, 2, op->request_id);
      bind_text (stmt, 3, outcome);
      sqlite3_bind_int64 (stmt, 4, real_now_ms ());
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  return exec_simple (self, STMT_RELEASE, error);
}

static gboolean
sb_sqlite_store_apply (SbStore *store, GPtrArray *ops, GError **error)
{
  SbSqliteStore *self = SB_SQLITE_STORE (store);

  for (guint i = 0; i < ops->len; i++)
    sb_op_clear_outcome (g_ptr_array_index (ops, i));

  if (!exec_simple (self, STMT_BEGIN, error))
    return FALSE;
  for (guint i = 0; i < ops->len; i++)
    if (!apply_one (self, g_ptr_array_index (ops, i), error))
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

  if (!exec_sql (self, "BEGIN", error))
    return NULL;
  if (!event_version (self, event_id, &found, &version, error))
    goto fail;
  if (!found)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No event “%s”", event_id);
      goto fail;
    }
  if (since_version > version)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_AHEAD,
                   "Event %s is at version %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT, event_id,
                   version, since_version);
      goto fail;
    }
  if (since_version < 0)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_TOO_OLD, "No version %" G_GINT64_FORMAT,
                   since_version);
      goto fail;
    }

  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_change_free);
  {
    g_autoptr (SbStmt) stmt = get_stmt (self, STMT_CHANGES_SINCE, error);

    if (stmt == NULL)
      goto fail;
    bind_text (stmt, 1, event_id);
    sqlite3_bind_int64 (stmt, 2, since_version);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 row_version = sqlite3_column_int64 (stmt, 0);
        SbChange *change;

        /* The first row missing means the log was pruned past since_version. */
        if (row_version != since_version + 1 + changes->len)
          {
            g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_TOO_OLD,
                         "The change log of event %s no longer has version %" G_GINT64_FORMAT,
                         event_id, since_version + 1 + changes->len);
            goto fail;
          }
        change = sb_change_from_json (column_text (stmt, 1), error);
        if (change == NULL)
          {
            g_prefix_error (error, "Change %" G_GINT64_FORMAT " of event %s: ", row_version,
                            event_id);
            goto fail;
          }
        g_ptr_array_add (changes, change);
      }
    if (rc != SQLITE_DONE)
      {
        set_db_error (self, error, "reading changes");
        goto fail;
      }
  }
  if (since_version + (gint64) changes->len != version)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_TOO_OLD,
                   "The change log of event %s does not reach version %" G_GINT64_FORMAT, event_id,
                   version);
      goto fail;
    }
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
  {
    g_autoptr (SbStmt) stmt = get_stmt (self, STMT_PRUNE_REQUESTS, error);

    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, older_than_ms);
    if (!step_done (self, stmt, error))
      goto fail;
  }
  {
    g_autoptr (SbStmt) stmt = get_stmt (self, STMT_PRUNE_CHANGES, error);

    if (stmt == NULL)
      goto fail;
    sqlite3_bind_int64 (stmt, 1, older_than_ms);
    sqlite3_bind_int64 (stmt, 2, KEEP_CHANGES_PER_EVENT);
    if (!step_done (self, stmt, error))
      goto fail;
  }
  if (!exec_simple (self, STMT_COMMIT, error))
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
