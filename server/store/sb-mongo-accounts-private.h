/* sb-mongo-accounts-private.h: the MongoDB store's accounts and sessions (sb-store-accounts.h):
 * collections accounts ({_id: username}), sessions ({_id: token hash}) and the accounts revision
 * in meta ({_id: "accounts"}). Private to server/store/. */
#pragma once

#include <mongoc/mongoc.h>

#include "sb-store-accounts.h"

G_BEGIN_DECLS

gboolean sb_mongo_accounts_put (mongoc_client_t *client,
                                const char *db_name,
                                const SbAccountRecord *record,
                                gboolean create,
                                gint64 now_ms,
                                GError **error);
SbAccountRecord *sb_mongo_accounts_get (mongoc_client_t *client,
                                        const char *db_name,
                                        const char *username,
                                        GError **error);
GPtrArray *sb_mongo_accounts_list (mongoc_client_t *client, const char *db_name, GError **error);
gboolean sb_mongo_sessions_put (mongoc_client_t *client,
                                const char *db_name,
                                const char *token_hash,
                                const char *username,
                                gint64 account_generation,
                                gint64 created_at_ms,
                                gint64 expires_at_ms,
                                GError **error);
SbSessionRecord *sb_mongo_sessions_get (mongoc_client_t *client,
                                        const char *db_name,
                                        const char *token_hash,
                                        GError **error);
gboolean sb_mongo_sessions_revoke (mongoc_client_t *client,
                                   const char *db_name,
                                   const char *token_hash,
                                   GError **error);
gboolean sb_mongo_accounts_revision (mongoc_client_t *client,
                                     const char *db_name,
                                     gint64 *out_revision,
                                     GError **error);

G_END_DECLS
