/* sb-seat-map.h: the seat map of one venue, live seat states, selection, zoom and pan. */
#pragma once

#include <gtk/gtk.h>

#include "sb-message-parts.h"
#include "sb-seat-button.h"
#include "sb-venue.h"

G_BEGIN_DECLS

#define SB_TYPE_SEAT_MAP (sb_seat_map_get_type ())
G_DECLARE_FINAL_TYPE (SbSeatMap, sb_seat_map, SB, SEAT_MAP, GtkWidget)

GtkWidget *sb_seat_map_new (void);

/* Builds one widget per seat. Setting the venue the map already shows keeps widgets and selection.
 */
void sb_seat_map_set_venue (SbSeatMap *self, SbVenue *venue);
SbVenue *sb_seat_map_get_venue (SbSeatMap *self);

/* Every seat back to free (or blocked where the venue says so), as a snapshot requires. */
void sb_seat_map_reset_states (SbSeatMap *self);
/* Applies seat updates (SbSeatUpdate); touches only the seats named.
 * Returns how many updates named a seat of this venue. */
guint sb_seat_map_apply_seats (SbSeatMap *self, GPtrArray *seats);
/* The hold ids that are ours: seats held under them are drawn as "mine". */
void sb_seat_map_set_own_holds (SbSeatMap *self, GHashTable *hold_ids);

guint sb_seat_map_get_n_seats (SbSeatMap *self);
SbSeatStatus sb_seat_map_get_status (SbSeatMap *self, guint index);
const char *sb_seat_map_get_hold (SbSeatMap *self, guint index);
/* "Row C seat 12", with the section where the venue has more than one. */
char *sb_seat_map_describe_seat (SbSeatMap *self, guint index);
/* "Row C seat 12 and row C seat 13": for messages that name several seats. */
char *sb_seat_map_describe_seats (SbSeatMap *self, const guint *indices, guint n_indices);
/* The same for seats named by id (a booking's, a reply's): those the map knows, in words; ids it
 * does not know (another venue version) are left out. NULL when it knows none of them (or there
 * are none), for the caller to say otherwise. out_n_known (may be NULL): how many it knows. */
char *
sb_seat_map_describe_seat_ids (SbSeatMap *self, const char *const *seat_ids, guint *out_n_known);

/* The seat last clicked or reached with the keyboard (the one Tab comes back to), or G_MAXUINT
 * without a venue: the seat whose details and history the window offers. */
guint sb_seat_map_get_focus_seat (SbSeatMap *self);

/* Indices of the selected seats, in the order they were chosen. */
const GArray *sb_seat_map_get_selection (SbSeatMap *self);
void sb_seat_map_set_selected (SbSeatMap *self, guint index, gboolean selected);
void sb_seat_map_clear_selection (SbSeatMap *self);
/* Marks the seats at indices (and no others) as those of the booking shown on the Bookings page;
 * n_indices 0 clears the mark. Not the selection: holding and booking ignore it. */
void sb_seat_map_set_highlighted (SbSeatMap *self, const guint *indices, guint n_indices);

/* The zoom shown as 100%: pixels per venue unit (one seat width). */
#define SB_SEAT_MAP_NATURAL_ZOOM 16.0

void sb_seat_map_zoom_in (SbSeatMap *self);
void sb_seat_map_zoom_out (SbSeatMap *self);
void sb_seat_map_zoom_to_fit (SbSeatMap *self);
double sb_seat_map_get_zoom (SbSeatMap *self);
/* Scrolls (and zooms out, if they do not fit) so that the seats at indices are all in view; does
 * nothing when they are. */
void sb_seat_map_reveal_seats (SbSeatMap *self, const guint *indices, guint n_indices);

G_END_DECLS
