/* sb-audit-record.h: one entry of the audit trail as a store keeps it (issue 10, docs/protocol.md
 * "audit → audit_log"), and what a reader asks of it. The booking rules write an entry for every
 * hold, extend, release, booking and expiry in the same transaction as the change it describes
 * (sb-store-rules.c); the store lists them (sb_store_audit_list ()) for the `audit` request and
 * `seatbook-server audit`. (SbAuditEntry in protocol/ is the same entry on the wire.) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SB_AUDIT_DEFAULT_LIMIT 200
#define SB_AUDIT_MAX_LIMIT 1000

typedef struct
{
  char *event_id;   /* "" for sign-ins */
  gint64 at_ms;     /* Unix time, milliseconds */
  char *account;    /* who; the hold's account for an expiry */
  char *desk;       /* the client_id it came from; "" for an expiry (the server's own) */
  char *action;     /* "hold", "extend", "release", "book", "expire", "sign_in", "sign_in_failed" */
  char **seat_ids;  /* never NULL; may be empty */
  char *hold_id;    /* or NULL */
  char *booking_id; /* or NULL */
  char *detail;     /* English, for people; or NULL */
} SbAuditRecord;

SbAuditRecord *sb_audit_record_new (const char *event_id,
                                    gint64 at_ms,
                                    const char *account,
                                    const char *desk,
                                    const char *action,
                                    const char *const *seat_ids,
                                    const char *hold_id,
                                    const char *booking_id,
                                    const char *detail);
void sb_audit_record_free (SbAuditRecord *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbAuditRecord, sb_audit_record_free)

/* Which entries: the event's (required), at or after since_ms, naming seat_id, of booking_id (each
 * NULL or 0: any); at most limit (1 to SB_AUDIT_MAX_LIMIT), the newest ones, listed oldest first.
 */
typedef struct
{
  const char *event_id;
  gint64 since_ms;
  const char *seat_id;
  const char *booking_id;
  guint limit;
} SbAuditQuery;

G_END_DECLS
