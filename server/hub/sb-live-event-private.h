/* sb-live-event-private.h: the live event's state, shared by sb-live-event.c (changes, holds,
 * broadcasts, the object) and sb-live-event-replies.c (snapshots, replays and hold lists built
 * from it). Private to server/hub/. */
#pragma once

#include "sb-hold-owners.h"
#include "sb-live-event.h"

G_BEGIN_DECLS

typedef struct
{
  SbHoldRecord *record;
  GSequenceIter *expiry; /* in self->expiries */
} LiveHold;

typedef struct
{
  SbChange *change;
  gint64 committed_at_us;
} PendingChange;

struct _SbLiveEvent
{
  GObject parent_instance;

  char *id;
  char *name;
  gint64 starts_at_ms;
  SbVenue *venue;
  gint64 version;
  char *time_zone;       /* IANA name, or NULL */
  gint64 sales_open_ms;  /* 0: none */
  gint64 sales_close_ms; /* 0: none */

  /* Seat states, indexed like the venue's seats. */
  guint n_seats;
  guint8 *seat_state; /* SbSeatState */
  char **seat_hold;   /* hold id of each held seat */
  /* Client identity that booked each booked seat, where this server saw the booking (interned
   * GRefString: one pointer per seat, one copy per identity); NULL when unknown. */
  char **seat_booker;
  guint n_free;

  GHashTable *holds;      /* hold id → LiveHold */
  SbHoldOwners *owners;   /* LiveHold* by desk and by account */
  GHashTable *hold_index; /* shared with the server: hold id → SbLiveEvent */
  GSequence *expiries;    /* LiveHold*, earliest expiry first */
  GSource *expiry_source;
  gboolean expire_in_flight;
  gint64 last_expire_now_ms;

  /* Recent changes for replays: version v sits at ring[v % SB_LIVE_EVENT_RING_SIZE]. */
  SbChange **ring;
  guint ring_count;
  /* Changes that arrived ahead of a gap (from other server processes): version → PendingChange. */
  GHashTable *pending;
  guint gap_timeout_id;

  /* Broadcast state: the seats changed since dirty_from_version, each sent with its latest state.
   */
  GHashTable *subscribers; /* SbSubscriber* (ref) set */
  gboolean dirty;
  gint64 dirty_from_version;
  GArray *dirty_seats; /* guint seat index */
  guint8 *seat_dirty;
  GArray *dirty_commit_us; /* gint64, one per change pending broadcast */
  /* The frame being sent, in slices of a budget per main-loop iteration, to the subscribers it
   * was made for (out_targets, SbSubscriber ref) from out_next on. */
  GBytes *out_frame;
  GPtrArray *out_targets;
  guint out_next;
  GArray *out_commit_us; /* gint64, the commit times of the changes out_frame carries */

  /* Snapshot seat list, reused while the version stays the same. */
  GBytes *seats_json;
  gint64 seats_json_version;
  /* The venue's JSON text, shared by every snapshot frame rather than copied into each. */
  GBytes *venue_json;

  SbLiveEventHooks hooks;
};

G_END_DECLS
