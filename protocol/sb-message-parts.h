/* sb-message-parts.h: the pieces several server messages share (docs/protocol.md): a seat's
 * update, a hold, an event's summary, one version's changes. Each has its struct (what a reader
 * fills; owns its strings) and its writer (which takes plain values, so the server writes from
 * its own state without building a struct first).
 *
 * Item writers are meant for arrays: each starts with sb_json_write_item_separator (), so a
 * caller writes '[', the items in a loop, then ']'. */
#pragma once

#include <glib-object.h>

#include "sb-protocol.h"

G_BEGIN_DECLS

/* Every message the server sends, by its "type" (sb-message.h reads any of them). */
typedef enum
{
  SB_MESSAGE_WELCOME,
  SB_MESSAGE_EVENTS,
  SB_MESSAGE_SNAPSHOT,
  SB_MESSAGE_REPLAY,
  SB_MESSAGE_UNSUBSCRIBED,
  SB_MESSAGE_HELD,
  SB_MESSAGE_EXTENDED,
  SB_MESSAGE_RELEASED,
  SB_MESSAGE_BOOKED,
  SB_MESSAGE_PONG,
  SB_MESSAGE_CHANGED,
  SB_MESSAGE_ERROR,
  SB_MESSAGE_SIGNED_IN,     /* v2 */
  SB_MESSAGE_SIGNED_OUT,    /* v2 */
  SB_MESSAGE_AUDIT_LOG,     /* v2 */
  SB_MESSAGE_REPORT,        /* v2, issue 11 */
  SB_MESSAGE_BOOKINGS,      /* issue 11: find_bookings */
  SB_MESSAGE_CANCELLED,     /* issue 11: cancel */
  SB_MESSAGE_BLOCKED,       /* issue 11: block */
  SB_MESSAGE_UNBLOCKED,     /* issue 11: unblock */
  SB_MESSAGE_MOVED,         /* issue 11: move */
  SB_MESSAGE_EVENT_CREATED, /* issue 11: create_event (body: SbEventsMessage) */
  SB_MESSAGE_SALES_CLOSED,  /* issue 11: close_sales */
} SbMessageType;

#define SB_MESSAGE_N_TYPES (SB_MESSAGE_SALES_CLOSED + 1)

const char *sb_message_type_to_string (SbMessageType type);
gboolean sb_message_type_from_string (const char *string, SbMessageType *out_type);

/* {"id": …, "state": …, "hold": …}: a seat's state at some version (changed, snapshot, replay). */
typedef struct
{
  char *id;
  SbSeatState state;
  char *hold; /* the hold of a held seat, or NULL */
} SbSeatUpdate;

/* {"hold", "event", "seats", "expires_at", "remaining_ms"}: a hold not yet ended (welcome,
 * snapshot, replay; held and extended carry the same members). */
typedef struct
{
  char *hold;
  char *event;
  char **seats;
  gint64 expires_at;   /* Unix ms */
  gint64 remaining_ms; /* count down with this, not with the local clock */
} SbHoldInfo;

/* One entry of `events`. */
typedef struct
{
  char *id;
  char *name;
  char *venue;      /* the venue's name */
  char *venue_id;   /* the venue's id (create_event's `venue`), or NULL (absent from old servers) */
  gint64 starts_at; /* Unix ms, 0 when unknown (null on the wire) */
  gint64 version;
  gint64 n_seats;
  gint64 n_free;
  char *time_zone;    /* IANA name, or NULL (null or absent on the wire) */
  gint64 sales_open;  /* Unix ms; 0 when sales opened from the start */
  gint64 sales_close; /* Unix ms; 0 when sales never close */
} SbEventSummary;

/* One version of a replay's `changes`: seats is an array of SbSeatUpdate. */
typedef struct
{
  gint64 version;
  GPtrArray *seats;
} SbVersionChange;

#define SB_TYPE_SEAT_UPDATE (sb_seat_update_get_type ())
#define SB_TYPE_HOLD_INFO (sb_hold_info_get_type ())
#define SB_TYPE_EVENT_SUMMARY (sb_event_summary_get_type ())
#define SB_TYPE_VERSION_CHANGE (sb_version_change_get_type ())

GType sb_seat_update_get_type (void) G_GNUC_CONST;
GType sb_hold_info_get_type (void) G_GNUC_CONST;
GType sb_event_summary_get_type (void) G_GNUC_CONST;
GType sb_version_change_get_type (void) G_GNUC_CONST;

SbSeatUpdate *sb_seat_update_copy (const SbSeatUpdate *update);
void sb_seat_update_free (SbSeatUpdate *update);
SbHoldInfo *sb_hold_info_copy (const SbHoldInfo *info);
void sb_hold_info_free (SbHoldInfo *info);
SbEventSummary *sb_event_summary_copy (const SbEventSummary *summary);
void sb_event_summary_free (SbEventSummary *summary);
SbVersionChange *sb_version_change_copy (const SbVersionChange *change);
void sb_version_change_free (SbVersionChange *change);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbSeatUpdate, sb_seat_update_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbHoldInfo, sb_hold_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbEventSummary, sb_event_summary_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbVersionChange, sb_version_change_free)

/* Writers (array items). @hold is written only with SB_SEAT_HELD. */
void sb_seat_update_write (GString *out, const char *id, SbSeatState state, const char *hold);
/* remaining_ms is written as expires_at - now_ms, never below 0. */
void sb_hold_info_write (GString *out,
                         const char *hold,
                         const char *event,
                         const char *const *seats,
                         gint64 expires_at,
                         gint64 now_ms);
/* starts_at, sales_open and sales_close 0 are written as null. */
void sb_event_summary_write (GString *out,
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
                             gint64 sales_close);
/* `{"version":N,"seats":[`, then sb_seat_update_write () per seat, then _end (): `]}`. */
void sb_version_change_write_begin (GString *out, gint64 version);
void sb_version_change_write_end (GString *out);

G_END_DECLS
