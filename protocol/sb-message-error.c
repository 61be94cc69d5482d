/* sb-message-error.c: error (sb-message-error.h). */
#include "sb-message-private.h"

#include "sb-json-writer.h"

static const SbFieldSpec error_fields[] = {
  SB_FIELD (SbErrorMessage, code, "code", SB_FIELD_ERROR_CODE, TRUE),
  SB_FIELD (SbErrorMessage, message, "message", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbErrorMessage, seats, "seats", SB_FIELD_STRV, FALSE),
  SB_FIELD (SbErrorMessage, hold, "hold", SB_FIELD_STRING, FALSE),
  SB_FIELD (SbErrorMessage, retry_after_ms, "retry_after_ms", SB_FIELD_INT, FALSE),
  SB_FIELD (SbErrorMessage, available, "available", SB_FIELD_INT, FALSE),
  SB_FIELD (SbErrorMessage, reason, "reason", SB_FIELD_STRING, FALSE),
  SB_FIELD (SbErrorMessage, required_role, "required_role", SB_FIELD_STRING, FALSE),
  SB_FIELD (SbErrorMessage, field, "field", SB_FIELD_STRING, FALSE),
  SB_FIELD (SbErrorMessage, line, "line", SB_FIELD_INT, FALSE),
  SB_FIELD (SbErrorMessage, column, "column", SB_FIELD_INT, FALSE),
};

const SbStructSpec _sb_error_message_spec = {
  "error", sizeof (SbErrorMessage), error_fields, G_N_ELEMENTS (error_fields), NULL, NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbErrorMessage, sb_error_message)

void
sb_error_message_write (GString *out,
                        const char *re,
                        SbErrorCode code,
                        const char *message,
                        const char *const *seats,
                        const char *hold,
                        gint64 retry_after_ms,
                        gboolean replayed)
{
  g_return_if_fail (sb_error_code_to_string (code) != NULL);

  _sb_message_write_begin (out, SB_MESSAGE_ERROR, re);
  g_string_append (out, ",\"code\":\"");
  g_string_append (out, sb_error_code_to_string (code));
  g_string_append (out, "\",\"message\":");
  sb_json_write_string_or_null (out, message);
  if (seats != NULL)
    {
      g_string_append (out, ",\"seats\":");
      sb_json_write_string_array (out, seats);
    }
  if (hold != NULL)
    {
      g_string_append (out, ",\"hold\":");
      sb_json_write_string (out, hold);
    }
  if (retry_after_ms > 0)
    g_string_append_printf (out, ",\"retry_after_ms\":%" G_GINT64_FORMAT, retry_after_ms);
  _sb_message_write_end (out, replayed);
}

void
sb_error_message_write_not_enough_seats (
    GString *out, const char *re, const char *message, gint64 available, gboolean replayed)
{
  _sb_message_write_begin (out, SB_MESSAGE_ERROR, re);
  g_string_append (out, ",\"code\":\"");
  g_string_append (out, sb_error_code_to_string (SB_ERROR_NOT_ENOUGH_SEATS));
  g_string_append (out, "\",\"message\":");
  sb_json_write_string_or_null (out, message);
  g_string_append_printf (out, ",\"available\":%" G_GINT64_FORMAT, available);
  _sb_message_write_end (out, replayed);
}

void
sb_error_message_write_unauthenticated (
    GString *out, const char *re, SbAuthReason reason, const char *message, gint64 retry_after_ms)
{
  g_return_if_fail (sb_auth_reason_to_string (reason) != NULL);

  _sb_message_write_begin (out, SB_MESSAGE_ERROR, re);
  g_string_append (out, ",\"code\":\"unauthenticated\",\"message\":");
  sb_json_write_string_or_null (out, message);
  g_string_append (out, ",\"reason\":\"");
  g_string_append (out, sb_auth_reason_to_string (reason));
  g_string_append_c (out, '"');
  if (retry_after_ms > 0)
    g_string_append_printf (out, ",\"retry_after_ms\":%" G_GINT64_FORMAT, retry_after_ms);
  _sb_message_write_end (out, FALSE);
}

void
sb_error_message_write_forbidden_role (GString *out,
                                       const char *re,
                                       const char *message,
                                       SbRole required_role)
{
  g_return_if_fail (sb_role_to_string (required_role) != NULL);

  _sb_message_write_begin (out, SB_MESSAGE_ERROR, re);
  g_string_append (out, ",\"code\":\"forbidden\",\"message\":");
  sb_json_write_string_or_null (out, message);
  g_string_append (out, ",\"required_role\":\"");
  g_string_append (out, sb_role_to_string (required_role));
  g_string_append (out, "\"}");
}
