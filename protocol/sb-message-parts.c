/* sb-message-parts.c: the shared pieces of server messages (sb-message-parts.h): tables, writers,
 * and the names of the message types. */
#include "sb-message-private.h"

#include <string.h>

#include "sb-json-writer.h"

static const char *const type_names[SB_MESSAGE_N_TYPES] = {
  [SB_MESSAGE_WELCOME] = "welcome",
  [SB_MESSAGE_EVENTS] = "events",
  [SB_MESSAGE_SNAPSHOT] = "snapshot",
  [SB_MESSAGE_REPLAY] = "replay",
  [SB_MESSAGE_UNSUBSCRIBED] = "unsubscribed",
  [SB_MESSAGE_HELD] = "held",
  [SB_MESSAGE_EXTENDED] = "extended",
  [SB_MESSAGE_RELEASED] = "released",
  [SB_MESSAGE_BOOKED] = "booked",
  [SB_MESSAGE_PONG] = "pong",
  [SB_MESSAGE_CHANGED] = "changed",
  [SB_MESSAGE_ERROR] = "error",
  [SB_MESSAGE_SIGNED_IN] = "signed_in",
  [SB_MESSAGE_SIGNED_OUT] = "signed_out",
  [SB_MESSAGE_AUDIT_LOG] = "audit_log",
  [SB_MESSAGE_REPORT] = "report",
  [SB_MESSAGE_BOOKINGS] = "bookings",
  [SB_MESSAGE_CANCELLED] = "cancelled",
  [SB_MESSAGE_BLOCKED] = "blocked",
  [SB_MESSAGE_UNBLOCKED] = "unblocked",
  [SB_MESSAGE_MOVED] = "moved",
  [SB_MESSAGE_EVENT_CREATED] = "event_created",
  [SB_MESSAGE_SALES_CLOSED] = "sales_closed",
};

const char *
sb_message_type_to_string (SbMessageType type)
{
  if ((guint) type >= SB_MESSAGE_N_TYPES)
    return NULL;
  return type_names[type];
}

gboolean
sb_message_type_from_string (const char *string, SbMessageType *out_type)
{
  if (string == NULL)
    return FALSE;
  for (guint i = 0; i < SB_MESSAGE_N_TYPES; i++)
    {
      if (strcmp (string, type_names[i]) == 0)
        {
          if (out_type != NULL)
            *out_type = (SbMessageType) i;
          return TRUE;
        }
    }
  return FALSE;
}

void
_sb_message_write_begin (GString *out, SbMessageType type, const char *re)
{
  g_string_append (out, "{\"type\":\"");
  g_string_append (out, type_names[type]);
  g_string_append_c (out, '"');
  if (type != SB_MESSAGE_CHANGED)
    {
      g_string_append (out, ",\"re\":");
      sb_json_write_string_or_null (out, re);
    }
}

void
_sb_message_write_end (GString *out, gboolean replayed)
{
  if (replayed)
    g_string_append (out, ",\"replayed\":true}");
  else
    g_string_append_c (out, '}');
}

/* ---- Seat update --------------------------------------------------------------------------- */

static const SbFieldSpec seat_update_fields[] = {
  SB_FIELD (SbSeatUpdate, id, "id", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbSeatUpdate, state, "state", SB_FIELD_SEAT_STATE, TRUE),
  SB_FIELD (SbSeatUpdate, hold, "hold", SB_FIELD_STRING, FALSE),
};

const SbStructSpec _sb_seat_update_spec = {
  "seat",
  sizeof (SbSeatUpdate),
  seat_update_fields,
  G_N_ELEMENTS (seat_update_fields),
  (GDestroyNotify) sb_seat_update_free,
  (GBoxedCopyFunc) sb_seat_update_copy,
};

G_DEFINE_BOXED_TYPE (SbSeatUpdate, sb_seat_update, sb_seat_update_copy, sb_seat_update_free)

SbSeatUpdate *
sb_seat_update_copy (const SbSeatUpdate *update)
{
  return _sb_message_copy_struct (&_sb_seat_update_spec, update);
}

void
sb_seat_update_free (SbSeatUpdate *update)
{
  _sb_message_free_struct (&_sb_seat_update_spec, update);
}

void
sb_seat_update_write (GString *out, const char *id, SbSeatState state, const char *hold)
{
  sb_json_write_item_separator (out);
  g_string_append (out, "{\"id\":");
  sb_json_write_string_or_null (out, id);
  g_string_append (out, ",\"state\":\"");
  g_string_append (out, sb_seat_state_to_string (state));
  g_string_append_c (out, '"');
  if (state == SB_SEAT_HELD && hold != NULL)
    {
      g_string_append (out, ",\"hold\":");
      sb_json_write_string (out, hold);
    }
  g_string_append_c (out, '}');
}

/* ---- Hold info ----------------------------------------------------------------------------- */

static const SbFieldSpec hold_info_fields[] = {
  SB_FIELD (SbHoldInfo, hold, "hold", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbHoldInfo, event, "event", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbHoldInfo, seats, "seats", SB_FIELD_STRV, TRUE),
  SB_FIELD (SbHoldInfo, expires_at, "expires_at", SB_FIELD_INT, TRUE),
  SB_FIELD (SbHoldInfo, remaining_ms, "remaining_ms", SB_FIELD_INT, TRUE),
};

const SbStructSpec _sb_hold_info_spec = {
  "hold",
  sizeof (SbHoldInfo),
  hold_info_fields,
  G_N_ELEMENTS (hold_info_fields),
  (GDestroyNotify) sb_hold_info_free,
  (GBoxedCopyFunc) sb_hold_info_copy,
};

G_DEFINE_BOXED_TYPE (SbHoldInfo, sb_hold_info, sb_hold_info_copy, sb_hold_info_free)

SbHoldInfo *
sb_hold_info_copy (const SbHoldInfo *info)
{
  return _sb_message_copy_struct (&_sb_hold_info_spec, info);
}

void
sb_hold_info_free (SbHoldInfo *info)
{
  _sb_message_free_struct (&_sb_hold_info_spec, info);
}

void
sb_hold_info_write (GString *out,
                    const char *hold,
                    const char *event,
                    const char *const *seats,
                    gint64 expires_at,
                    gint64 now_ms)
{
  sb_json_write_item_separator (out);
  g_string_append (out, "{\"hold\":");
  sb_json_write_string_or_null (out, hold);
  g_string_append (out, ",\"event\":");
  sb_json_write_string_or_null (out, event);
  g_string_append (out, ",\"seats\":");
  sb_json_write_string_array (out, seats);
  g_string_append_printf (
      out, ",\"expires_at\":%" G_GINT64_FORMAT ",\"remaining_ms\":%" G_GINT64_FORMAT "}",
      expires_at, MAX (0, expires_at - now_ms));
}

/* ---- Event summary ------------------------------------------------------------------------- */

static const SbFieldSpec event_summary_fields[] = {
  SB_FIELD (SbEventSummary, id, "id", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbEventSummary, name, "name", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbEventSummary, venue, "venue", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbEventSummary, venue_id, "venue_id", SB_FIELD_STRING_OR_NULL, FALSE),
  SB_FIELD (SbEventSummary, starts_at, "starts_at", SB_FIELD_INT_OR_NULL, TRUE),
  SB_FIELD (SbEventSummary, version, "version", SB_FIELD_INT, TRUE),
  SB_FIELD (SbEventSummary, n_seats, "seats", SB_FIELD_INT, TRUE),
  SB_FIELD (SbEventSummary, n_free, "free", SB_FIELD_INT, TRUE),
  SB_FIELD (SbEventSummary, time_zone, "time_zone", SB_FIELD_STRING_OR_NULL, FALSE),
  SB_FIELD (SbEventSummary, sales_open, "sales_open", SB_FIELD_INT_OR_NULL, FALSE),
  SB_FIELD (SbEventSummary, sales_close, "sales_close", SB_FIELD_INT_OR_NULL, FALSE),
};

const SbStructSpec _sb_event_summary_spec = {
  "event",
  sizeof (SbEventSummary),
  event_summary_fields,
  G_N_ELEMENTS (event_summary_fields),
  (GDestroyNotify) sb_event_summary_free,
  (GBoxedCopyFunc) sb_event_summary_copy,
};

G_DEFINE_BOXED_TYPE (SbEventSummary, sb_event_summary, sb_event_summary_copy, sb_event_summary_free)

SbEventSummary *
sb_event_summary_copy (const SbEventSummary *summary)
{
  return _sb_message_copy_struct (&_sb_event_summary_spec, summary);
}

void
sb_event_summary_free (SbEventSummary *summary)
{
  _sb_message_free_struct (&_sb_event_summary_spec, summary);
}

void
sb_event_summary_write (GString *out,
                        const char *id,
                        const char *name,
                        const char *venue,
                        const char *venue_id,
                        gint64 starts_at,
                        gint64 version,
                        guint n_seats,
                        guint n_free,
                        const char *time_zone,
                        gint64 sales_open,
                        gint64 sales_close)
{
  sb_json_write_item_separator (out);
  g_string_append (out, "{\"id\":");
  sb_json_write_string_or_null (out, id);
  g_string_append (out, ",\"name\":");
  sb_json_write_string_or_null (out, name);
  g_string_append (out, ",\"venue\":");
  sb_json_write_string_or_null (out, venue);
  g_string_append (out, ",\"venue_id\":");
  sb_json_write_string_or_null (out, venue_id);
  if (starts_at != 0)
    g_string_append_printf (out, ",\"starts_at\":%" G_GINT64_FORMAT, starts_at);
  else
    g_string_append (out, ",\"starts_at\":null");
  g_string_append_printf (out, ",\"version\":%" G_GINT64_FORMAT ",\"seats\":%u,\"free\":%u",
                          version, n_seats, n_free);
  g_string_append (out, ",\"time_zone\":");
  sb_json_write_string_or_null (out, time_zone);
  g_string_append (out, ",\"sales_open\":");
  if (sales_open != 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, sales_open);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"sales_close\":");
  if (sales_close != 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT "}", sales_close);
  else
    g_string_append (out, "null}");
}

/* ---- Version change ------------------------------------------------------------------------ */

static const SbFieldSpec version_change_fields[] = {
  SB_FIELD (SbVersionChange, version, "version", SB_FIELD_INT, TRUE),
  SB_FIELD_WITH_SPEC (SbVersionChange, seats, "seats", SB_FIELD_ARRAY, TRUE, &_sb_seat_update_spec),
};

const SbStructSpec _sb_version_change_spec = {
  "change",
  sizeof (SbVersionChange),
  version_change_fields,
  G_N_ELEMENTS (version_change_fields),
  (GDestroyNotify) sb_version_change_free,
  (GBoxedCopyFunc) sb_version_change_copy,
};

G_DEFINE_BOXED_TYPE (SbVersionChange,
                     sb_version_change,
                     sb_version_change_copy,
                     sb_version_change_free)

SbVersionChange *
sb_version_change_copy (const SbVersionChange *change)
{
  return _sb_message_copy_struct (&_sb_version_change_spec, change);
}

void
sb_version_change_free (SbVersionChange *change)
{
  _sb_message_free_struct (&_sb_version_change_spec, change);
}

void
sb_version_change_write_begin (GString *out, gint64 version)
{
  sb_json_write_item_separator (out);
  g_string_append_printf (out, "{\"version\":%" G_GINT64_FORMAT ",\"seats\":[", version);
}

void
sb_version_change_write_end (GString *out)
{
  g_string_append (out, "]}");
}
