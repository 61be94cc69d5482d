/* sb-message-subscribe.c: snapshot, replay and unsubscribed (sb-message-subscribe.h). */
#include "sb-message-private.h"

#include "sb-json-writer.h"

/* ---- snapshot ------------------------------------------------------------------------------ */

static const SbFieldSpec snapshot_event_fields[] = {
  SB_FIELD (SbSnapshotMessage, event_id, "id", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbSnapshotMessage, event_name, "name", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbSnapshotMessage, starts_at, "starts_at", SB_FIELD_INT_OR_NULL, TRUE),
};

static const SbStructSpec snapshot_event_spec = {
  "event", 0, snapshot_event_fields, G_N_ELEMENTS (snapshot_event_fields), NULL, NULL,
};

static const SbFieldSpec snapshot_fields[] = {
  SB_FIELD_NESTED ("event", TRUE, &snapshot_event_spec),
  SB_FIELD (SbSnapshotMessage, version, "version", SB_FIELD_INT, TRUE),
  SB_FIELD (SbSnapshotMessage, server_time, "server_time", SB_FIELD_INT, TRUE),
  SB_FIELD (SbSnapshotMessage, venue, "venue", SB_FIELD_RAW_OBJECT, TRUE),
  SB_FIELD_WITH_SPEC (
      SbSnapshotMessage, seats, "seats", SB_FIELD_ARRAY, TRUE, &_sb_seat_update_spec),
  SB_FIELD_WITH_SPEC (SbSnapshotMessage, holds, "holds", SB_FIELD_ARRAY, TRUE, &_sb_hold_info_spec),
  SB_FIELD (SbSnapshotMessage, reason, "reason", SB_FIELD_STRING, FALSE),
};

const SbStructSpec _sb_snapshot_message_spec = {
  "snapshot", sizeof (SbSnapshotMessage), snapshot_fields, G_N_ELEMENTS (snapshot_fields), NULL,
  NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbSnapshotMessage, sb_snapshot_message)

void
sb_snapshot_message_write_head (GString *out,
                                const char *re,
                                const char *event_id,
                                const char *event_name,
                                gint64 starts_at,
                                gint64 version,
                                gint64 server_time)
{
  _sb_message_write_begin (out, SB_MESSAGE_SNAPSHOT, re);
  g_string_append (out, ",\"event\":{\"id\":");
  sb_json_write_string_or_null (out, event_id);
  g_string_append (out, ",\"name\":");
  sb_json_write_string_or_null (out, event_name);
  if (starts_at != 0)
    g_string_append_printf (out, ",\"starts_at\":%" G_GINT64_FORMAT "}", starts_at);
  else
    g_string_append (out, ",\"starts_at\":null}");
  g_string_append_printf (
      out,
      ",\"version\":%" G_GINT64_FORMAT ",\"server_time\":%" G_GINT64_FORMAT ",\"venue\":", version,
      server_time);
}

void
sb_snapshot_message_write_holds_begin (GString *out)
{
  g_string_append (out, ",\"holds\":[");
}

void
sb_snapshot_message_write_end (GString *out, const char *reason)
{
  g_string_append_c (out, ']');
  if (reason != NULL)
    {
      g_string_append (out, ",\"reason\":");
      sb_json_write_string (out, reason);
    }
  g_string_append_c (out, '}');
}

/* ---- replay -------------------------------------------------------------------------------- */

static const SbFieldSpec replay_fields[] = {
  SB_FIELD (SbReplayMessage, event, "event", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbReplayMessage, from_version, "from_version", SB_FIELD_INT, TRUE),
  SB_FIELD (SbReplayMessage, version, "version", SB_FIELD_INT, TRUE),
  SB_FIELD (SbReplayMessage, server_time, "server_time", SB_FIELD_INT, TRUE),
  SB_FIELD_WITH_SPEC (
      SbReplayMessage, changes, "changes", SB_FIELD_ARRAY, TRUE, &_sb_version_change_spec),
  SB_FIELD_WITH_SPEC (SbReplayMessage, holds, "holds", SB_FIELD_ARRAY, TRUE, &_sb_hold_info_spec),
};

const SbStructSpec _sb_replay_message_spec = {
  "replay", sizeof (SbReplayMessage), replay_fields, G_N_ELEMENTS (replay_fields), NULL, NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbReplayMessage, sb_replay_message)

void
sb_replay_message_write_begin (GString *out,
                               const char *re,
                               const char *event,
                               gint64 from_version,
                               gint64 version,
                               gint64 server_time)
{
  _sb_message_write_begin (out, SB_MESSAGE_REPLAY, re);
  g_string_append (out, ",\"event\":");
  sb_json_write_string_or_null (out, event);
  g_string_append_printf (out,
                          ",\"from_version\":%" G_GINT64_FORMAT ",\"version\":%" G_GINT64_FORMAT
                          ",\"server_time\":%" G_GINT64_FORMAT ",\"changes\":[",
                          from_version, version, server_time);
}

void
sb_replay_message_write_holds_begin (GString *out)
{
  g_string_append (out, "],\"holds\":[");
}

void
sb_replay_message_write_end (GString *out)
{
  g_string_append (out, "]}");
}

/* ---- unsubscribed -------------------------------------------------------------------------- */

static const SbFieldSpec unsubscribed_fields[] = {
  SB_FIELD (SbUnsubscribedMessage, event, "event", SB_FIELD_STRING, TRUE),
};

const SbStructSpec _sb_unsubscribed_message_spec = {
  "unsubscribed",
  sizeof (SbUnsubscribedMessage),
  unsubscribed_fields,
  G_N_ELEMENTS (unsubscribed_fields),
  NULL,
  NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbUnsubscribedMessage, sb_unsubscribed_message)

void
sb_unsubscribed_message_write (GString *out, const char *re, const char *event)
{
  _sb_message_write_begin (out, SB_MESSAGE_UNSUBSCRIBED, re);
  g_string_append (out, ",\"event\":");
  sb_json_write_string_or_null (out, event);
  g_string_append_c (out, '}');
}
