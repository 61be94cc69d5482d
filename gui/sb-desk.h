/* sb-desk.h: what one booking desk knows, apart from any window: the server's events, the open
 * event, this desk's holds and their countdown, and the requests that change them.
 *
 * The desk keeps its holds (id → seats and deadline) because the server reports them in several
 * places: welcome (all events), snapshot and replay (one event), and the replies to hold, book and
 * release. Seat states stay in the seat map, which applies the snapshots and changes the desk
 * passes on. */
#pragma once

#include <gio/gio.h>

#include "sb-connection.h"
#include "sb-event-item.h"
#include "sb-venue.h"

G_BEGIN_DECLS

#define SB_TYPE_DESK (sb_desk_get_type ())
G_DECLARE_FINAL_TYPE (SbDesk, sb_desk, SB, DESK, GObject)

SbDesk *sb_desk_new (const char *server_url, const char *client_id);

SbConnection *sb_desk_get_connection (SbDesk *self);
/* Connects, and keeps connecting until sb_desk_shutdown(). */
void sb_desk_start (SbDesk *self);
/* Closes the connection; every request in flight fails with G_IO_ERROR_CANCELLED. */
void sb_desk_shutdown (SbDesk *self);
/* Another server has other events: closes the open event and connects there. */
void sb_desk_set_server_url (SbDesk *self, const char *url);

/* The server's events (SbEventItem), as of the last listing; see "events-listed". */
GListModel *sb_desk_get_events (SbDesk *self);
/* Lists the events again (welcome does it too). */
void sb_desk_refresh_events (SbDesk *self);
/* The item of event_id, or NULL; borrowed. */
SbEventItem *sb_desk_lookup_event (SbDesk *self, const char *event_id, guint *out_position);

/* The open event: the one subscribed, whose holds are counted down. NULL when none. */
const char *sb_desk_get_event_id (SbDesk *self);
void sb_desk_open_event (SbDesk *self, const char *event_id);
void sb_desk_close_event (SbDesk *self);

/* Every hold of this desk, in every event, keyed by hold id (the values are the desk's own). */
GHashTable *sb_desk_get_holds (SbDesk *self);
/* Holds in the open event. */
guint sb_desk_get_n_event_holds (SbDesk *self);
/* Their ids (NULL-terminated) and the seat ids still under them. */
char **sb_desk_dup_event_hold_ids (SbDesk *self);
GPtrArray *sb_desk_dup_event_held_seats (SbDesk *self);
/* Whole seconds until the open event's first hold expires, or -1 while it has none. */
int sb_desk_get_seconds_left (SbDesk *self);

/* The desk's holds in one event other than the open one, so that none is forgotten. */
typedef struct
{
  char *event_id;
  guint n_seats;
  int seconds_left; /* until the first of them expires */
} SbDeskHoldSummary;

/* SbDeskHoldSummary, one per other event with holds, the soonest to expire first. */
GPtrArray *sb_desk_dup_other_event_holds (SbDesk *self);

/* How long new holds and extensions last; 0 lets the server choose (its default, 10 minutes). */
void sb_desk_set_hold_seconds (SbDesk *self, guint seconds);

/* Hold, book and release in the open event. On success the desk has already recorded what the
 * reply says about its holds. sb_desk_request_finish () gives the reply (held, booked or released,
 * matching the request); for a request the server refused, the error reply too, whose `seats`
 * name the seats that were taken. */
void sb_desk_hold_async (SbDesk *self,
                         const char *const *seat_ids,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data);
/* The same; override_orphan_rule: done even where the event's orphan rule (enforce) refuses it
 * (`override_orphan_rule`, docs/protocol.md; managers only, sb-permissions.h). */
void sb_desk_hold_full_async (SbDesk *self,
                              const char *const *seat_ids,
                              gboolean override_orphan_rule,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
/* The server chooses the best `count` free seats (1-SB_MAX_SEATS_PER_REQUEST) and holds them
 * (`hold_best`, docs/protocol.md): of category_id (NULL: any), costing at most max_price in minor
 * units (-1: any price), side by side when together. The reply is `held`, as for a hold; a
 * refusal's error reply says how many seats could be had (not_enough_seats) or names the seat the
 * choice would leave on its own (lone_seat). */
void sb_desk_hold_best_async (SbDesk *self,
                              guint count,
                              const char *category_id,
                              gint64 max_price,
                              gboolean together,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
/* The same; override_orphan_rule: the server may choose seats that leave one on its own where the
 * event's orphan rule (enforce) allows none (a manager's "Hold Anyway", sb-permissions.h). */
void sb_desk_hold_best_full_async (SbDesk *self,
                                   guint count,
                                   const char *category_id,
                                   gint64 max_price,
                                   gboolean together,
                                   gboolean override_orphan_rule,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
/* Sets the hold to expire the hold length from now (sb_desk_set_hold_seconds ()). */
void sb_desk_extend_async (SbDesk *self,
                           const char *hold_id,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data);
/* hold_id: book that hold (which ends it); else seat_ids, all or nothing. */
void sb_desk_book_async (SbDesk *self,
                         const char *hold_id,
                         const char *const *seat_ids,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data);
/* The same; override_orphan_rule as for sb_desk_hold_full_async (), with seat_ids only;
 * customer: who the booking is for (docs/protocol.md, "book"), or NULL. */
void sb_desk_book_full_async (SbDesk *self,
                              const char *hold_id,
                              const char *const *seat_ids,
                              gboolean override_orphan_rule,
                              const SbCustomer *customer,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
void sb_desk_release_async (SbDesk *self,
                            const char *hold_id,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data);
/* Gives back some seats of one of our holds (`release` with `seats`, docs/protocol.md); the hold
 * keeps the others. A refusal may be the orphan rule's (lone_seat); override_orphan_rule as for
 * sb_desk_hold_full_async (). */
void sb_desk_release_seats_async (SbDesk *self,
                                  const char *hold_id,
                                  const char *const *seat_ids,
                                  gboolean override_orphan_rule,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
/* The id of our hold in the open event that has seat_id, or NULL. */
char *sb_desk_dup_seat_hold_id (SbDesk *self, const char *seat_id);
G_GNUC_WARN_UNUSED_RESULT
SbMessage *sb_desk_request_finish (SbDesk *self,
                                   GAsyncResult *result,
                                   SbErrorMessage **out_error_reply,
                                   GError **error);

G_END_DECLS
