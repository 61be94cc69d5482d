/* sb-message-account.c: signed_in, signed_out and audit_log (sb-message-account.h). */
#include "sb-message-private.h"

#include "sb-json-writer.h"

/* ---- signed_in ----------------------------------------------------------------------------- */

static const SbFieldSpec signed_in_fields[] = {
  SB_FIELD (SbSignedInMessage, username, "username", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbSignedInMessage, role, "role", SB_FIELD_ROLE, TRUE),
  SB_FIELD (SbSignedInMessage, token, "token", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbSignedInMessage, expires_at, "expires_at", SB_FIELD_INT, TRUE),
  SB_FIELD (SbSignedInMessage, server_time, "server_time", SB_FIELD_INT, TRUE),
  SB_FIELD_WITH_SPEC (SbSignedInMessage, holds, "holds", SB_FIELD_ARRAY, TRUE, &_sb_hold_info_spec),
};

const SbStructSpec _sb_signed_in_message_spec = {
  "signed_in", sizeof (SbSignedInMessage), signed_in_fields, G_N_ELEMENTS (signed_in_fields), NULL,
  NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbSignedInMessage, sb_signed_in_message)

void
sb_signed_in_message_write_begin (GString *out,
                                  const char *re,
                                  const char *username,
                                  SbRole role,
                                  const char *token,
                                  gint64 expires_at,
                                  gint64 server_time)
{
  g_return_if_fail (sb_role_to_string (role) != NULL);

  _sb_message_write_begin (out, SB_MESSAGE_SIGNED_IN, re);
  g_string_append (out, ",\"username\":");
  sb_json_write_string_or_null (out, username);
  g_string_append (out, ",\"role\":\"");
  g_string_append (out, sb_role_to_string (role));
  g_string_append (out, "\",\"token\":");
  sb_json_write_string_or_null (out, token);
  g_string_append_printf (
      out, ",\"expires_at\":%" G_GINT64_FORMAT ",\"server_time\":%" G_GINT64_FORMAT ",\"holds\":[",
      expires_at, server_time);
}

void
sb_signed_in_message_write_end (GString *out)
{
  g_string_append (out, "]}");
}

/* ---- signed_out ---------------------------------------------------------------------------- */

/* No members besides the envelope's: the body is empty (size 0, so it stays NULL). */
const SbStructSpec _sb_signed_out_message_spec = {
  "signed_out", 0, NULL, 0, NULL, NULL,
};

void
sb_signed_out_message_write (GString *out, const char *re)
{
  _sb_message_write_begin (out, SB_MESSAGE_SIGNED_OUT, re);
  g_string_append_c (out, '}');
}

/* ---- audit_log ----------------------------------------------------------------------------- */

static const SbFieldSpec audit_entry_fields[] = {
  SB_FIELD (SbAuditEntry, at, "at", SB_FIELD_INT, TRUE),
  SB_FIELD (SbAuditEntry, account, "account", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbAuditEntry, desk, "desk", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbAuditEntry, action, "action", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbAuditEntry, seats, "seats", SB_FIELD_STRV, TRUE),
  SB_FIELD (SbAuditEntry, hold, "hold", SB_FIELD_STRING, FALSE),
  SB_FIELD (SbAuditEntry, booking, "booking", SB_FIELD_STRING, FALSE),
  SB_FIELD (SbAuditEntry, detail, "detail", SB_FIELD_STRING, FALSE),
};

const SbStructSpec _sb_audit_entry_spec = {
  "entries",
  sizeof (SbAuditEntry),
  audit_entry_fields,
  G_N_ELEMENTS (audit_entry_fields),
  (GDestroyNotify) sb_audit_entry_free,
  (GBoxedCopyFunc) sb_audit_entry_copy,
};

SB_MESSAGE_DEFINE_STRUCT (SbAuditEntry, sb_audit_entry)

static const SbFieldSpec audit_log_fields[] = {
  SB_FIELD (SbAuditLogMessage, event, "event", SB_FIELD_STRING, TRUE),
  SB_FIELD_WITH_SPEC (
      SbAuditLogMessage, entries, "entries", SB_FIELD_ARRAY, TRUE, &_sb_audit_entry_spec),
};

const SbStructSpec _sb_audit_log_message_spec = {
  "audit_log", sizeof (SbAuditLogMessage), audit_log_fields, G_N_ELEMENTS (audit_log_fields), NULL,
  NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbAuditLogMessage, sb_audit_log_message)

void
sb_audit_log_message_write_begin (GString *out, const char *re, const char *event)
{
  _sb_message_write_begin (out, SB_MESSAGE_AUDIT_LOG, re);
  g_string_append (out, ",\"event\":");
  sb_json_write_string_or_null (out, event);
  g_string_append (out, ",\"entries\":[");
}

void
sb_audit_entry_write (GString *out,
                      gint64 at,
                      const char *account,
                      const char *desk,
                      const char *action,
                      const char *const *seats,
                      const char *hold,
                      const char *booking,
                      const char *detail)
{
  static const char *const no_seats[] = { NULL };

  sb_json_write_item_separator (out);
  g_string_append_printf (out, "{\"at\":%" G_GINT64_FORMAT ",\"account\":", at);
  sb_json_write_string_or_null (out, account);
  g_string_append (out, ",\"desk\":");
  sb_json_write_string (out, desk != NULL ? desk : "");
  g_string_append (out, ",\"action\":");
  sb_json_write_string_or_null (out, action);
  g_string_append (out, ",\"seats\":");
  sb_json_write_string_array (out, seats != NULL ? seats : no_seats);
  if (hold != NULL)
    {
      g_string_append (out, ",\"hold\":");
      sb_json_write_string (out, hold);
    }
  if (booking != NULL)
    {
      g_string_append (out, ",\"booking\":");
      sb_json_write_string (out, booking);
    }
  if (detail != NULL)
    {
      g_string_append (out, ",\"detail\":");
      sb_json_write_string (out, detail);
    }
  g_string_append_c (out, '}');
}

void
sb_audit_log_message_write_end (GString *out)
{
  g_string_append (out, "]}");
}
