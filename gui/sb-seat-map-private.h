/* sb-seat-map-private.h: seat map internals for the seat-map benchmark and GUI debugging. */
#pragma once

#include "sb-seat-grid.h"
#include "sb-seat-map.h"

G_BEGIN_DECLS

SbSeatButton *sb_seat_map_get_seat_widget (SbSeatMap *self, guint index);
/* Sets the zoom (pixels per venue unit) keeping the venue point under (x, y) of the viewport
 * where it is. */
void sb_seat_map_set_zoom_at (SbSeatMap *self, double zoom, double x, double y);

/* For the writing over the map (sb-seat-labels.c). */
SbSeatGrid *sb_seat_map_get_grid (SbSeatMap *self);
/* Where the venue origin lies in the map's coordinates, in the pixels sb_seat_group_pixel_box()
 * counts: a venue box's pixels plus this origin are where its widget is. FALSE without a venue. */
gboolean sb_seat_map_get_origin (SbSeatMap *self, double *out_x, double *out_y);
/* The seat under the pointer, or G_MAXUINT; out_details: whether its details are to be shown
 * (the pointer rested on it). */
guint sb_seat_map_get_hover_seat (SbSeatMap *self, gboolean *out_details);

G_END_DECLS
