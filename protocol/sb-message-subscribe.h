/* sb-message-subscribe.h: the replies to subscribe (snapshot or replay) and to unsubscribe. */
#pragma once

#include "sb-message-parts.h"

G_BEGIN_DECLS

typedef struct
{
  /* "event": {"id", "name", "starts_at"} */
  char *event_id;
  char *event_name;
  gint64 starts_at; /* Unix ms, 0 when unknown */
  gint64 version;
  gint64 server_time;
  /* The venue document as the server wrote it (docs/venue-format.md), unparsed: a client that
   * needs it loads it with sb_venue_new_from_data (); one that does not pays nothing more. */
  GBytes *venue;
  GPtrArray *seats; /* SbSeatUpdate: every seat that is not free */
  GPtrArray *holds; /* SbHoldInfo: this client's holds in the event */
  char *reason;     /* NULL, "since_too_old" or "since_ahead" */
} SbSnapshotMessage;

typedef struct
{
  char *event;
  gint64 from_version;
  gint64 version;
  gint64 server_time;
  GPtrArray *changes; /* SbVersionChange, from_version + 1 to version in order */
  GPtrArray *holds;   /* SbHoldInfo */
} SbReplayMessage;

typedef struct
{
  char *event;
} SbUnsubscribedMessage;

#define SB_TYPE_SNAPSHOT_MESSAGE (sb_snapshot_message_get_type ())
#define SB_TYPE_REPLAY_MESSAGE (sb_replay_message_get_type ())
#define SB_TYPE_UNSUBSCRIBED_MESSAGE (sb_unsubscribed_message_get_type ())

GType sb_snapshot_message_get_type (void) G_GNUC_CONST;
GType sb_replay_message_get_type (void) G_GNUC_CONST;
GType sb_unsubscribed_message_get_type (void) G_GNUC_CONST;

SbSnapshotMessage *sb_snapshot_message_copy (const SbSnapshotMessage *message);
void sb_snapshot_message_free (SbSnapshotMessage *message);
SbReplayMessage *sb_replay_message_copy (const SbReplayMessage *message);
void sb_replay_message_free (SbReplayMessage *message);
SbUnsubscribedMessage *sb_unsubscribed_message_copy (const SbUnsubscribedMessage *message);
void sb_unsubscribed_message_free (SbUnsubscribedMessage *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbSnapshotMessage, sb_snapshot_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbReplayMessage, sb_replay_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbUnsubscribedMessage, sb_unsubscribed_message_free)

/* A snapshot is written in pieces so that its large parts can be shared between messages rather
 * than copied into each (see sb_client_send_parts ()):
 *   _write_head ()        up to and including `"venue":`
 *   the venue document    (shared)
 *   SB_SNAPSHOT_SEATS_MEMBER
 *   the seat list         '[', sb_seat_update_write () per seat that is not free, ']' (shareable
 *                         while the version stays the same)
 *   _write_holds_begin (), sb_hold_info_write () per hold, _write_end (). */
void sb_snapshot_message_write_head (GString *out,
                                     const char *re,
                                     const char *event_id,
                                     const char *event_name,
                                     gint64 starts_at,
                                     gint64 version,
                                     gint64 server_time);
#define SB_SNAPSHOT_SEATS_MEMBER ",\"seats\":"
void sb_snapshot_message_write_holds_begin (GString *out);
/* reason: NULL, "since_too_old" or "since_ahead". */
void sb_snapshot_message_write_end (GString *out, const char *reason);

/* replay: _begin (), per version sb_version_change_write_begin () / seats / _end (), then
 * _write_holds_begin (), sb_hold_info_write () per hold, _write_end (). */
void sb_replay_message_write_begin (GString *out,
                                    const char *re,
                                    const char *event,
                                    gint64 from_version,
                                    gint64 version,
                                    gint64 server_time);
void sb_replay_message_write_holds_begin (GString *out);
void sb_replay_message_write_end (GString *out);

void sb_unsubscribed_message_write (GString *out, const char *re, const char *event);

G_END_DECLS
