/* sb-bookings-page.h: the Bookings page beside the seat map (issue 11 item 2): one search entry
 * for the open event's bookings (find_bookings), the bookings found, a page at a time, and the
 * details of the one selected, whose seats the map marks; from there, "Move Seats…" and "Cancel
 * Booking…". */
#pragma once

#include <adwaita.h>

#include "sb-connection.h"
#include "sb-event-item.h"
#include "sb-seat-map.h"

G_BEGIN_DECLS

#define SB_TYPE_BOOKINGS_PAGE (sb_bookings_page_get_type ())
G_DECLARE_FINAL_TYPE (SbBookingsPage, sb_bookings_page, SB, BOOKINGS_PAGE, GtkWidget)

GtkWidget *sb_bookings_page_new (void);

/* Where to search: the connection, the event open in seat_map (NULL: none; the list empties), and
 * the map that names its seats and marks the selected booking's. */
void sb_bookings_page_set_event (SbBookingsPage *self,
                                 SbConnection *connection,
                                 const char *event_id,
                                 SbSeatMap *seat_map);

/* The open event's item from the server's list (NULL: not listed): its name and date go on the
 * ticket printed after a move. */
void sb_bookings_page_set_event_item (SbBookingsPage *self, SbEventItem *event);

/* The account's role (NULL: a server without accounts): a viewer cannot search, a clerk cannot
 * cancel; each is told why in a tooltip. */
void sb_bookings_page_set_role (SbBookingsPage *self, const char *role);

/* How the one entry's text becomes find_bookings' criterion (documented in docs/protocol.md's
 * client notes and the .c): sets exactly one of the request's reference, name, phone, email or
 * seat_id, or none for an empty text. venue may be NULL (no seat ids are recognised). */
void sb_bookings_page_apply_query (const char *text, SbVenue *venue, SbRequest *request);

/* TRUE when text, read as a reference by sb_bookings_page_apply_query (), can also be a name
 * (8 letters, no digit): the page searches it as a name when no booking has that reference. */
gboolean sb_bookings_page_query_may_be_name (const char *text);

/* The open event changed (a booking, cancellation or move at any desk): the list is found again
 * a moment later if it is shown, or when it is shown next. */
void sb_bookings_page_event_changed (SbBookingsPage *self);

/* The map is shown again: scrolls it to the selected booking's seats. */
void sb_bookings_page_reveal_on_map (SbBookingsPage *self);

G_END_DECLS
