/* sb-live-event.h: one event in memory on the main thread: its venue, every seat's state, the
 * holds that have not ended, its subscribers, a ring of recent changes for replays, the pending
 * broadcast, and the one-shot timer that asks the store to expire holds. */
#pragma once

#include <glib-object.h>

#include "sb-metrics.h"
#include "sb-op.h"
#include "sb-store.h"
#include "sb-subscriber.h"
#include "sb-venue.h"

G_BEGIN_DECLS

/* Changes kept in memory per event for replays; older `since` values are asked of the store. */
#define SB_LIVE_EVENT_RING_SIZE 4096

#define SB_TYPE_LIVE_EVENT (sb_live_event_get_type ())
G_DECLARE_FINAL_TYPE (SbLiveEvent, sb_live_event, SB, LIVE_EVENT, GObject)

/* How a live event reaches its server without depending on it. */
typedef struct
{
  /* Queue an op (the expiry op) with the store worker; takes ownership. */
  void (*submit) (SbOp *op, gpointer user_data);
  /* The event has committed changes waiting to be broadcast: call sb_live_event_flush () soon
   * (once per main-loop iteration, not once per change). */
  void (*dirty) (SbLiveEvent *event, gpointer user_data);
  /* Optional. Versions after `since` have been missing for a while (another server's changes
   * that the store's watch did not deliver): read them from the store and apply them. */
  void (*gap) (SbLiveEvent *event, gint64 since, gpointer user_data);
  gpointer user_data;
} SbLiveEventHooks;

/* hold_index (hold id → SbLiveEvent, owned by the server) is kept up to date by the event so a
 * request naming only a hold finds its event in O(1). */
G_GNUC_WARN_UNUSED_RESULT
SbLiveEvent *sb_live_event_new (const SbEventRecord *record,
                                const SbEventState *state,
                                GHashTable *hold_index,
                                const SbLiveEventHooks *hooks,
                                GError **error);

const char *sb_live_event_get_id (SbLiveEvent *self);
const char *sb_live_event_get_name (SbLiveEvent *self);
gint64 sb_live_event_get_starts_at_ms (SbLiveEvent *self);
gint64 sb_live_event_get_version (SbLiveEvent *self);
SbVenue *sb_live_event_get_venue (SbLiveEvent *self);
/* The event's IANA time zone, or NULL (UTC). */
const char *sb_live_event_get_time_zone (SbLiveEvent *self);
guint sb_live_event_get_n_free (SbLiveEvent *self);
guint sb_live_event_get_n_subscribers (SbLiveEvent *self);
const SbHoldRecord *sb_live_event_lookup_hold (SbLiveEvent *self, const char *hold_id);

/* Applies a committed change (taking ownership) in version order: versions already applied are
 * ignored, later ones are kept until the gap is filled. committed_at_us is the monotonic commit
 * time (0 = unknown), for the broadcast-lag histogram. */
void sb_live_event_apply_change (SbLiveEvent *self, SbChange *change, gint64 committed_at_us);

/* The expiry op submitted by this event came back; re-arm the timer. */
void sb_live_event_expire_done (SbLiveEvent *self);

/* Sends the pending `changed` message (one per event, serialized once) to at most `budget`
 * subscribers (G_MAXUINT: to all), continuing where the previous call stopped, so that a large
 * audience can be served in slices with requests handled in between. A subscriber gets an
 * event's messages in version order. Returns the number of messages sent; is_dirty () tells
 * whether anything is left. The commit times (monotonic µs) of the changes a message carried are
 * appended to commit_times, once it has reached every subscriber, when that is not NULL, for the
 * caller to observe the broadcast lag after the frames have really left (the poller's uncork);
 * with NULL they are observed then and there. */
guint
sb_live_event_flush (SbLiveEvent *self, SbMetrics *metrics, GArray *commit_times, guint budget);
/* Changes wait to be broadcast, or a broadcast is under way. */
gboolean sb_live_event_is_dirty (SbLiveEvent *self);

/* Subscribers get the event's `changed` messages (sb_subscriber_send_frame ()). */
void sb_live_event_add_subscriber (SbLiveEvent *self, SbSubscriber *subscriber);
void sb_live_event_remove_subscriber (SbLiveEvent *self, SbSubscriber *subscriber);
gboolean sb_live_event_has_subscriber (SbLiveEvent *self, SbSubscriber *subscriber);

/* The state of seat `index` (the venue's numbering). */
SbSeatState sb_live_event_get_seat_state (SbLiveEvent *self, guint index);
/* The client identity that booked seat `index`, or NULL when the seat is not booked or its
 * booking was not seen by this server (booked before it started, or by another server). */
const char *sb_live_event_get_seat_booker (SbLiveEvent *self, guint index);
/* A book op of client_id committed for these seats (already applied with its change). */
void
sb_live_event_note_booker (SbLiveEvent *self, const char *const *seat_ids, const char *client_id);

/* Replies to subscribe. Flush the event first so the reply and later `changed` messages join up.
 * Their holds are the account's when account is not NULL (signed in), else client_id's (the desk,
 * accounts off).
 * reason is NULL or "since_too_old"/"since_ahead". The snapshot comes as the parts (GBytes) of
 * one message, to be sent as they are (SbClient's send_parts): the venue part is shared, not
 * copied. */
GPtrArray *sb_live_event_build_snapshot (SbLiveEvent *self,
                                         const char *re,
                                         const char *client_id,
                                         const char *account,
                                         const char *reason);
/* Can a replay from `since` be built from memory alone? */
gboolean sb_live_event_can_replay (SbLiveEvent *self, gint64 since);
/* A replay from `since` to the current version; older_changes (may be NULL) are changes read
 * from the store that reach back further than the ring. Returns NULL when the versions in hand
 * do not join up (the caller then sends a snapshot). */
char *sb_live_event_build_replay (SbLiveEvent *self,
                                  const char *re,
                                  gint64 since,
                                  GPtrArray *older_changes,
                                  const char *client_id,
                                  const char *account);

/* Appends the client identity's holds in this event to an array being written (each with
 * sb_hold_info_write (), which puts the commas). */
void sb_live_event_append_client_holds (SbLiveEvent *self,
                                        GString *out,
                                        const char *client_id,
                                        gint64 now_ms);
/* The same for the account's holds in this event (whichever desk made them). */
void sb_live_event_append_account_holds (SbLiveEvent *self,
                                         GString *out,
                                         const char *account,
                                         gint64 now_ms);
/* Appends this event's entry of the `events` reply (sb_event_summary_write ()). */
void sb_live_event_append_summary (SbLiveEvent *self, GString *out);
/* close_sales committed: the summary says so from now on. TRUE when that changed it. */
gboolean sb_live_event_set_sales_close (SbLiveEvent *self, gint64 sales_close_ms);

G_END_DECLS
