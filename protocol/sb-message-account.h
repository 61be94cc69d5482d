/* sb-message-account.h: the replies about accounts (protocol version 2, docs/protocol.md):
 * signed_in (to sign_in), signed_out (to sign_out) and audit_log (to audit). */
#pragma once

#include "sb-message-parts.h"

G_BEGIN_DECLS

typedef struct
{
  char *username;
  SbRole role;
  char *token; /* the session token: a secret, keep it as such */
  gint64 expires_at;
  gint64 server_time;
  GPtrArray *holds; /* SbHoldInfo: every hold of the account, across events */
} SbSignedInMessage;

/* One entry of audit_log.entries. */
typedef struct
{
  gint64 at; /* Unix ms */
  char *account;
  char *desk;   /* the client_id it came from; "" for what the server did by itself (expire) */
  char *action; /* hold, extend, release, book, expire, sign_in, sign_in_failed; others may come */
  char **seats;
  char *hold;    /* or NULL */
  char *booking; /* or NULL */
  char *detail;  /* English, for people; or NULL */
} SbAuditEntry;

typedef struct
{
  char *event;
  GPtrArray *entries; /* SbAuditEntry, oldest first */
} SbAuditLogMessage;

#define SB_TYPE_SIGNED_IN_MESSAGE (sb_signed_in_message_get_type ())
#define SB_TYPE_AUDIT_ENTRY (sb_audit_entry_get_type ())
#define SB_TYPE_AUDIT_LOG_MESSAGE (sb_audit_log_message_get_type ())

GType sb_signed_in_message_get_type (void) G_GNUC_CONST;
GType sb_audit_entry_get_type (void) G_GNUC_CONST;
GType sb_audit_log_message_get_type (void) G_GNUC_CONST;

SbSignedInMessage *sb_signed_in_message_copy (const SbSignedInMessage *message);
void sb_signed_in_message_free (SbSignedInMessage *message);
SbAuditEntry *sb_audit_entry_copy (const SbAuditEntry *entry);
void sb_audit_entry_free (SbAuditEntry *entry);
SbAuditLogMessage *sb_audit_log_message_copy (const SbAuditLogMessage *message);
void sb_audit_log_message_free (SbAuditLogMessage *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbSignedInMessage, sb_signed_in_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbAuditEntry, sb_audit_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbAuditLogMessage, sb_audit_log_message_free)

/* signed_in: _begin () writes up to the holds array, sb_hold_info_write () each hold, _end (). */
void sb_signed_in_message_write_begin (GString *out,
                                       const char *re,
                                       const char *username,
                                       SbRole role,
                                       const char *token,
                                       gint64 expires_at,
                                       gint64 server_time);
void sb_signed_in_message_write_end (GString *out);

/* signed_out has no body (its SbMessage.body is NULL). */
void sb_signed_out_message_write (GString *out, const char *re);

/* audit_log: _begin (), sb_audit_entry_write () per entry, _end (). */
void sb_audit_log_message_write_begin (GString *out, const char *re, const char *event);
/* An array item; hold, booking and detail are written only when not NULL. */
void sb_audit_entry_write (GString *out,
                           gint64 at,
                           const char *account,
                           const char *desk,
                           const char *action,
                           const char *const *seats,
                           const char *hold,
                           const char *booking,
                           const char *detail);
void sb_audit_log_message_write_end (GString *out);

G_END_DECLS
