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

/* Records a sign-in (record: event "", action sign_in or sign_in_failed). With token_hash, the
 * session it began (record->account's, from record->at_ms to expires_at_ms) is recorded too, in
 * the same transaction in SQLite; in MongoDB, whose account writes are single-document writes
 * outside transactions (sb-mongo-accounts.c), the session first, then the entry. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_audit_sign_in (SbStore *self,
                                 const SbAuditRecord *record,
                                 const char *token_hash,
                                 gint64 expires_at_ms,
                                 GError **error);

G_END_DECLS
