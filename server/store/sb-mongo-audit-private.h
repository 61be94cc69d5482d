/* sb-mongo-audit-private.h: reading the MongoDB store's audit trail (collection audit, written by
 * the booking transactions: sb-mongo-apply.c). Private to server/store/. */
#pragma once

#include <mongoc/mongoc.h>

#include "sb-audit-record.h"

G_BEGIN_DECLS

GPtrArray *sb_mongo_audit_list (mongoc_client_t *client,
                                const char *db_name,
                                const SbAuditQuery *query,
                                GError **error);

/* sb_store_audit_sign_in (): the session first (sb-mongo-accounts.c), then the entry. */
gboolean sb_mongo_audit_sign_in (mongoc_client_t *client,
                                 const char *db_name,
                                 const SbAuditRecord *record,
                                 const char *token_hash,
                                 gint64 expires_at_ms,
                                 GError **error);

G_END_DECLS
