/* sb-sqlite-accounts-private.h: the SQLite store's accounts and sessions (sb-store-accounts.h),
 * on its connection. Private to server/store/. */
#pragma once

#include "sb-sqlite-db-private.h"
#include "sb-store-accounts.h"

G_BEGIN_DECLS

gboolean sb_sqlite_accounts_put (
    SbSqliteDb *db, const SbAccountRecord *record, gboolean create, gint64 now_ms, GError **error);
SbAccountRecord *sb_sqlite_accounts_get (SbSqliteDb *db, const char *username, GError **error);
GPtrArray *sb_sqlite_accounts_list (SbSqliteDb *db, GError **error);
gboolean sb_sqlite_sessions_put (SbSqliteDb *db,
                                 const char *token_hash,
                                 const char *username,
                                 gint64 account_generation,
                                 gint64 created_at_ms,
                                 gint64 expires_at_ms,
                                 GError **error);
SbSessionRecord *sb_sqlite_sessions_get (SbSqliteDb *db, const char *token_hash, GError **error);
gboolean sb_sqlite_sessions_revoke (SbSqliteDb *db, const char *token_hash, GError **error);
gboolean sb_sqlite_accounts_revision (SbSqliteDb *db, gint64 *out_revision, GError **error);

G_END_DECLS
