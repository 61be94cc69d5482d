/* sb-message-session.c: welcome, events and pong (sb-message-session.h). */
#include "sb-message-private.h"

#include "sb-json-writer.h"

/* ---- welcome ------------------------------------------------------------------------------- */

static const SbFieldSpec limits_fields[] = {
  SB_FIELD (SbWelcomeMessage, limits.max_frame_bytes, "max_frame_bytes", SB_FIELD_INT, TRUE),
  SB_FIELD (
      SbWelcomeMessage, limits.max_seats_per_request, "max_seats_per_request", SB_FIELD_INT, TRUE),
  SB_FIELD (
      SbWelcomeMessage, limits.requests_per_second, "requests_per_second", SB_FIELD_NUMBER, TRUE),
  SB_FIELD (SbWelcomeMessage, limits.burst, "burst", SB_FIELD_INT, FALSE),
  SB_FIELD (SbWelcomeMessage, limits.default_ttl, "default_ttl", SB_FIELD_INT, TRUE),
  SB_FIELD (SbWelcomeMessage, limits.max_ttl, "max_ttl", SB_FIELD_INT, TRUE),
};

static const SbStructSpec limits_spec = {
  "limits", 0, limits_fields, G_N_ELEMENTS (limits_fields), NULL, NULL,
};

static const SbFieldSpec welcome_fields[] = {
  SB_FIELD (SbWelcomeMessage, server, "server", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbWelcomeMessage, protocol, "protocol", SB_FIELD_INT, TRUE),
  SB_FIELD (SbWelcomeMessage, session, "session", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbWelcomeMessage, server_time, "server_time", SB_FIELD_INT, TRUE),
  SB_FIELD_WITH_SPEC (SbWelcomeMessage, holds, "holds", SB_FIELD_ARRAY, TRUE, &_sb_hold_info_spec),
  SB_FIELD_NESTED ("limits", TRUE, &limits_spec),
};

const SbStructSpec _sb_welcome_message_spec = {
  "welcome", sizeof (SbWelcomeMessage), welcome_fields, G_N_ELEMENTS (welcome_fields), NULL, NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbWelcomeMessage, sb_welcome_message)

void
sb_welcome_message_write_begin (
    GString *out, const char *re, const char *server, const char *session, gint64 server_time)
{
  _sb_message_write_begin (out, SB_MESSAGE_WELCOME, re);
  g_string_append (out, ",\"server\":");
  sb_json_write_string_or_null (out, server);
  g_string_append_printf (out, ",\"protocol\":%d,\"session\":", SB_PROTOCOL_VERSION);
  sb_json_write_string_or_null (out, session);
  g_string_append_printf (out, ",\"server_time\":%" G_GINT64_FORMAT ",\"holds\":[", server_time);
}

void
sb_welcome_message_write_end (GString *out, const SbLimits *limits)
{
  char rate[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_if_fail (limits != NULL);

  g_ascii_formatd (rate, sizeof rate, "%.6g", limits->requests_per_second);
  g_string_append_printf (out,
                          "],\"limits\":{\"max_frame_bytes\":%" G_GINT64_FORMAT
                          ",\"max_seats_per_request\":%" G_GINT64_FORMAT
                          ",\"requests_per_second\":%s",
                          limits->max_frame_bytes, limits->max_seats_per_request, rate);
  if (limits->burst > 0)
    g_string_append_printf (out, ",\"burst\":%" G_GINT64_FORMAT, limits->burst);
  g_string_append_printf (
      out, ",\"default_ttl\":%" G_GINT64_FORMAT ",\"max_ttl\":%" G_GINT64_FORMAT "}}",
      limits->default_ttl, limits->max_ttl);
}

/* ---- events -------------------------------------------------------------------------------- */

static const SbFieldSpec events_fields[] = {
  SB_FIELD_WITH_SPEC (
      SbEventsMessage, events, "events", SB_FIELD_ARRAY, TRUE, &_sb_event_summary_spec),
};

const SbStructSpec _sb_events_message_spec = {
  "events", sizeof (SbEventsMessage), events_fields, G_N_ELEMENTS (events_fields), NULL, NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbEventsMessage, sb_events_message)

void
sb_events_message_write_begin (GString *out, const char *re)
{
  _sb_message_write_begin (out, SB_MESSAGE_EVENTS, re);
  g_string_append (out, ",\"events\":[");
}

void
sb_events_message_write_end (GString *out)
{
  g_string_append (out, "]}");
}

/* ---- pong ---------------------------------------------------------------------------------- */

static const SbFieldSpec pong_fields[] = {
  SB_FIELD (SbPongMessage, server_time, "server_time", SB_FIELD_INT, TRUE),
};

const SbStructSpec _sb_pong_message_spec = {
  "pong", sizeof (SbPongMessage), pong_fields, G_N_ELEMENTS (pong_fields), NULL, NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbPongMessage, sb_pong_message)

void
sb_pong_message_write (GString *out, const char *re, gint64 server_time)
{
  _sb_message_write_begin (out, SB_MESSAGE_PONG, re);
  g_string_append_printf (out, ",\"server_time\":%" G_GINT64_FORMAT "}", server_time);
}
