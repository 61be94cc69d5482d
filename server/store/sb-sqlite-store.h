/* sb-sqlite-store.h: the SQLite store backend (one file, one connection, WAL, durable commits). */
#pragma once

#include "sb-store.h"

G_BEGIN_DECLS

#define SB_TYPE_SQLITE_STORE (sb_sqlite_store_get_type ())
G_DECLARE_FINAL_TYPE (SbSqliteStore, sb_sqlite_store, SB, SQLITE_STORE, GObject)

/* Opens (creating if needed) the database at path and brings its schema up to date. path may be
 * ":memory:" for a throwaway store. The parent directory must exist. */
G_GNUC_WARN_UNUSED_RESULT
SbStore *sb_sqlite_store_new (const char *path, GError **error);

/* The schema version this build writes (PRAGMA user_version after migrations). */
int sb_sqlite_store_get_schema_version (void);

G_END_DECLS
