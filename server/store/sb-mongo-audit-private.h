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

G_END_DECLS
