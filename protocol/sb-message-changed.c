/* sb-message-changed.c: changed (sb-message-changed.h). The server writes it once per broadcast
 * and frames it once for every subscriber. */
#include "sb-message-private.h"

#include "sb-json-writer.h"

static const SbFieldSpec changed_fields[] = {
  SB_FIELD (SbChangedMessage, event, "event", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbChangedMessage, from_version, "from_version", SB_FIELD_INT, TRUE),
  SB_FIELD (SbChangedMessage, version, "version", SB_FIELD_INT, TRUE),
  SB_FIELD_WITH_SPEC (
      SbChangedMessage, seats, "seats", SB_FIELD_ARRAY, TRUE, &_sb_seat_update_spec),
};

const SbStructSpec _sb_changed_message_spec = {
  "changed", sizeof (SbChangedMessage), changed_fields, G_N_ELEMENTS (changed_fields), NULL, NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbChangedMessage, sb_changed_message)

void
sb_changed_message_write_begin (GString *out,
                                const char *event,
                                gint64 from_version,
                                gint64 version)
{
  _sb_message_write_begin (out, SB_MESSAGE_CHANGED, NULL);
  g_string_append (out, ",\"event\":");
  sb_json_write_string_or_null (out, event);
  g_string_append_printf (
      out, ",\"from_version\":%" G_GINT64_FORMAT ",\"version\":%" G_GINT64_FORMAT ",\"seats\":[",
      from_version, version);
}

void
sb_changed_message_write_end (GString *out)
{
  g_string_append (out, "]}");
}
