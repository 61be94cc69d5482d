/* sb-message-event.c: event_created, sales_closed and errors naming a field
 * (sb-message-event.h). */
#include "sb-message-event.h"

#include "sb-json-writer.h"
#include "sb-message-private.h"

/* ---- Reading ------------------------------------------------------------------------------- */

static const SbFieldSpec sales_closed_fields[] = {
  SB_FIELD (SbSalesClosedMessage, event, "event", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbSalesClosedMessage, sales_close, "sales_close", SB_FIELD_INT, TRUE),
};

const SbStructSpec _sb_sales_closed_message_spec = {
  "sales_closed",
  sizeof (SbSalesClosedMessage),
  sales_closed_fields,
  G_N_ELEMENTS (sales_closed_fields),
  NULL,
  NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbSalesClosedMessage, sb_sales_closed_message)

/* ---- Writing ------------------------------------------------------------------------------- */

void
sb_event_created_message_write_begin (GString *out, const char *re)
{
  g_return_if_fail (out != NULL);

  g_string_append (out, "{\"type\":\"event_created\",\"re\":");
  sb_json_write_string_or_null (out, re);
  g_string_append (out, ",\"events\":[");
}

void
sb_event_created_message_write_end (GString *out)
{
  g_return_if_fail (out != NULL);

  g_string_append (out, "]}");
}

void
sb_sales_closed_message_write (GString *out, const char *re, const char *event, gint64 sales_close)
{
  g_return_if_fail (out != NULL);

  g_string_append (out, "{\"type\":\"sales_closed\",\"re\":");
  sb_json_write_string_or_null (out, re);
  g_string_append (out, ",\"event\":");
  sb_json_write_string_or_null (out, event);
  g_string_append_printf (out, ",\"sales_close\":%" G_GINT64_FORMAT "}", sales_close);
}

void
sb_error_message_write_field (GString *out,
                              const char *re,
                              SbErrorCode code,
                              const char *message,
                              const char *field,
                              guint line,
                              guint column)
{
  g_return_if_fail (out != NULL);

  g_string_append (out, "{\"type\":\"error\",\"re\":");
  sb_json_write_string_or_null (out, re);
  g_string_append (out, ",\"code\":");
  sb_json_write_string_or_null (out, sb_error_code_to_string (code));
  g_string_append (out, ",\"message\":");
  sb_json_write_string_or_null (out, message);
  if (field != NULL)
    {
      g_string_append (out, ",\"field\":");
      sb_json_write_string (out, field);
    }
  if (line > 0)
    g_string_append_printf (out, ",\"line\":%u,\"column\":%u", line, column);
  g_string_append_c (out, '}');
}
