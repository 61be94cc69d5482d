/* sb-sqlite-audit-private.h: the SQLite store's audit trail (table `audit`, schema version 4):
 * the seat list's encoding, shared with the writing primitive (sb-sqlite-backend.c), and the
 * reading for sb_store_audit_list (). Private to server/store/. */
#pragma once

#include "sb-audit-record.h"
#include "sb-sqlite-db-private.h"

G_BEGIN_DECLS

/* "\x1fA-1\x1fA-2\x1f": every seat id between two unit separators ("" for no seats). */
char *sb_sqlite_audit_encode_seats (const char *const *seat_ids);
/* The seats of such a text (cancellations.seats keeps them so too). */
char **sb_sqlite_audit_decode_seats (const char *text);
GPtrArray *sb_sqlite_audit_list (SbSqliteDb *db, const SbAuditQuery *query, GError **error);
/* sb_store_audit_sign_in (): the session (when token_hash is given) and the entry in one
 * transaction. */
gboolean sb_sqlite_audit_sign_in (SbSqliteDb *db,
                                  const SbAuditRecord *record,
                                  const char *token_hash,
                                  gint64 account_generation,
                                  gint64 expires_at_ms,
                                  GError **error);

G_END_DECLS
