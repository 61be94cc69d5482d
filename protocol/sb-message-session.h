/* sb-message-session.h: the replies about the session: welcome (to hello), events (to
 * list_events) and pong (to ping). */
#pragma once

#include "sb-message-parts.h"

G_BEGIN_DECLS

/* welcome.limits: the limits in force on this server. */
typedef struct
{
  gint64 max_frame_bytes;
  gint64 max_seats_per_request;
  double requests_per_second;
  gint64 burst; /* 0 when the server does not say */
  gint64 default_ttl;
  gint64 max_ttl;
} SbLimits;

typedef struct
{
  char *server;
  gint64 protocol;
  char *session;
  gint64 server_time;
  GPtrArray *holds; /* SbHoldInfo: every hold of this client identity, across events */
  SbLimits limits;
} SbWelcomeMessage;

typedef struct
{
  GPtrArray *events; /* SbEventSummary */
} SbEventsMessage;

typedef struct
{
  gint64 server_time;
} SbPongMessage;

#define SB_TYPE_WELCOME_MESSAGE (sb_welcome_message_get_type ())
#define SB_TYPE_EVENTS_MESSAGE (sb_events_message_get_type ())
#define SB_TYPE_PONG_MESSAGE (sb_pong_message_get_type ())

GType sb_welcome_message_get_type (void) G_GNUC_CONST;
GType sb_events_message_get_type (void) G_GNUC_CONST;
GType sb_pong_message_get_type (void) G_GNUC_CONST;

SbWelcomeMessage *sb_welcome_message_copy (const SbWelcomeMessage *message);
void sb_welcome_message_free (SbWelcomeMessage *message);
SbEventsMessage *sb_events_message_copy (const SbEventsMessage *message);
void sb_events_message_free (SbEventsMessage *message);
SbPongMessage *sb_pong_message_copy (const SbPongMessage *message);
void sb_pong_message_free (SbPongMessage *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbWelcomeMessage, sb_welcome_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbEventsMessage, sb_events_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbPongMessage, sb_pong_message_free)

/* welcome: _begin () writes up to the holds array, sb_hold_info_write () each hold, then _end ()
 * closes it and writes the limits. */
void sb_welcome_message_write_begin (
    GString *out, const char *re, const char *server, const char *session, gint64 server_time);
void sb_welcome_message_write_end (GString *out, const SbLimits *limits);

/* events: _begin (), sb_event_summary_write () per event, _end (). */
void sb_events_message_write_begin (GString *out, const char *re);
void sb_events_message_write_end (GString *out);

void sb_pong_message_write (GString *out, const char *re, gint64 server_time);

G_END_DECLS
