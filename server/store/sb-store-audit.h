/* sb-store-audit.h: reading the audit trail a store keeps (sb-audit-record.h). Entries are written
 * by the booking rules in the transaction of the change they describe; this only lists them. Like
 * every SbStore method it is synchronous and called from one thread at a time. */
#pragma once

#include "sb-audit-record.h"
#include "sb-store.h"

G_BEGIN_DECLS

/* SbAuditRecord array: the newest query->limit entries that match, oldest first. An unknown event
 * has no entries (an empty array, no error). */
G_GNUC_WARN_UNUSED_RESULT
GPtrArray *sb_store_audit_list (SbStore *self, const SbAuditQuery *query, GError **error);

G_END_DECLS
