/* sb-sqlite-db-private.h: the SQLite store's connection — one sqlite3 handle in WAL mode with the
 * schema migrated, its prepared statements (cached, one per SbSqliteStmtId) and the venues it has
 * parsed — and the reads shared by the store's methods (sb-sqlite-store.c) and the primitives the
 * booking rules run on (sb-sqlite-backend.c). Private to server/store/. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "sb-protocol.h"
#include "sb-store-backend-private.h"
#include "sb-venue.h"

G_BEGIN_DECLS

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
  STMT_SEATS_TAKEN,
  STMT_EVENT_RULE,
  STMT_HOLD_GET,
  STMT_HOLD_PUT,
  STMT_HOLD_EXTEND,
  STMT_HOLD_END,
  STMT_HOLDS_EXPIRED,
  STMT_HOLDS_ACTIVE,
  STMT_BOOKING_PUT,
  STMT_BOOKING_SEAT_PUT,
  STMT_BOOKING_CUSTOMER_PUT,
  STMT_BOOKING_NAME_KEY_PUT,
  STMT_AUDIT_PUT,
  STMT_PRUNE_REQUESTS,
  STMT_PRUNE_CHANGES,
  STMT_BOOKING_GET,
  STMT_SEATS_OF_BOOKING,
  STMT_SEAT_UNBOOK,
  STMT_BOOKING_SEAT_DROP,
  STMT_BOOKING_CANCELLED,
  STMT_SEAT_UNBLOCK,
  STMT_CANCELLATION_PUT,
  STMT_SEAT_FREE_HELD,
  STMT_EVENT_SALES,
  STMT_EVENT_SALES_CLOSE,
  N_STMTS
} SbSqliteStmtId;

typedef struct
{
  char *path;
  sqlite3 *handle;
  sqlite3_stmt *stmts[N_STMTS];
  /* event id -> SbVenue, parsed once per event: events never change their venue. */
  GHashTable *venues;
  GHashTable *orphan_rules;    /* event id -> GINT_TO_POINTER (SbOrphanRule + 1) */
  SbOccupancyCache *occupancy; /* for hold_best; kept or discarded by sb_sqlite_store_apply () */
} SbSqliteDb;

/* Opens (creating) the database at path, ":memory:" for one in memory, and migrates its schema. */
G_GNUC_WARN_UNUSED_RESULT
SbSqliteDb *sb_sqlite_db_open (const char *path, GError **error);
void sb_sqlite_db_close (SbSqliteDb *self);
/* The schema version this code migrates a database to. */
int sb_sqlite_db_get_schema_version (void);

/* A cached statement borrowed for one use; the cleanup resets it so that no read statement keeps
 * a snapshot open (which would also stop WAL checkpoints). */
typedef sqlite3_stmt SbStmt;
void sb_sqlite_stmt_release (SbStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbStmt, sb_sqlite_stmt_release)

/* An SB_STORE_ERROR_FAILED error with SQLite's last message. */
void sb_sqlite_db_set_error (SbSqliteDb *self, GError **error, const char *what);
SbStmt *sb_sqlite_db_get_stmt (SbSqliteDb *self, SbSqliteStmtId id, GError **error);
/* sb_sqlite_db_get_stmt () with parameters 1, 2, … bound from the arguments, one for each
 * character of types: 's' a const char * (text, which must outlive the statement's use), 'i' a
 * gint64. */
SbStmt *sb_sqlite_db_bound_stmt (
    SbSqliteDb *self, SbSqliteStmtId id, GError **error, const char *types, ...);
const char *sb_sqlite_column_text (SbStmt *stmt, int index);
/* Runs statement id, which returns no rows, with parameters bound as for
 * sb_sqlite_db_bound_stmt (). */
G_GNUC_WARN_UNUSED_RESULT
gboolean
sb_sqlite_db_exec (SbSqliteDb *self, SbSqliteStmtId id, GError **error, const char *types, ...);
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_sqlite_db_exec_simple (SbSqliteDb *self, SbSqliteStmtId id, GError **error);
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_sqlite_db_exec_sql (SbSqliteDb *self, const char *sql, GError **error);
/* Rolls back the open transaction, if any. */
void sb_sqlite_db_rollback_quietly (SbSqliteDb *self);

/* Start-up check (sb-sqlite-check.c): PRAGMA quick_check finds no damage and a write, rolled
 * back, is accepted. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_sqlite_db_check (SbSqliteDb *self, GError **error);
SbSeatState sb_sqlite_seat_state_from_db (const char *name);

/* An event's version. *out_found is FALSE for an unknown event. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_sqlite_db_event_version (SbSqliteDb *self,
                                     const char *event_id,
                                     gboolean *out_found,
                                     gint64 *out_version,
                                     GError **error);
/* Opens a read transaction and reads the event's version in it, so that the version and what the
 * caller reads next are one consistent snapshot. On failure the caller rolls back. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_sqlite_db_begin_event_read (SbSqliteDb *self,
                                        const char *event_id,
                                        gboolean *out_found,
                                        gint64 *out_version,
                                        GError **error);
/* The venue of an existing event, parsed once and cached (owned by self). */
SbVenue *sb_sqlite_db_event_venue (SbSqliteDb *self, const char *event_id, GError **error);
/* Seats of an active hold, sorted by seat id. */
char **sb_sqlite_db_seats_of_hold (SbSqliteDb *self, const char *hold_id, GError **error);

/* The primitives of the booking rules on this database (sb-sqlite-backend.c); the backend is the
 * SbSqliteDb. */
extern const SbStoreBackendFuncs sb_sqlite_backend_funcs;

G_END_DECLS
