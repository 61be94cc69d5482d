/* sb-event-item.h: one event of the server's list (list_events), as the events sidebar shows it. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SB_TYPE_EVENT_ITEM (sb_event_item_get_type ())
G_DECLARE_FINAL_TYPE (SbEventItem, sb_event_item, SB, EVENT_ITEM, GObject)

/* starts_at: Unix time in ms, 0 when the server does not know it (as in SbEventSummary). */
SbEventItem *sb_event_item_new (const char *id,
                                const char *name,
                                const char *venue,
                                gint64 starts_at,
                                gint64 version,
                                gint64 seats,
                                gint64 free_seats);

const char *sb_event_item_get_id (SbEventItem *self);
const char *sb_event_item_get_name (SbEventItem *self);
const char *sb_event_item_get_venue (SbEventItem *self);
/* The venue's id, which create_event takes as `venue`; NULL when the server did not list it. */
const char *sb_event_item_get_venue_id (SbEventItem *self);
void sb_event_item_set_venue_id (SbEventItem *self, const char *venue_id);
gint64 sb_event_item_get_starts_at (SbEventItem *self);
gint64 sb_event_item_get_version (SbEventItem *self);
gint64 sb_event_item_get_seats (SbEventItem *self);
gint64 sb_event_item_get_free (SbEventItem *self);

/* The open event's count follows the seat map between two listings. */
void sb_event_item_set_free (SbEventItem *self, gint64 free_seats);

/* Takes every field but the id from other (a newer listing of the same event), notifying only
 * those that changed: a row bound to the item updates in place. */
void sb_event_item_update (SbEventItem *self, SbEventItem *other);

G_END_DECLS
