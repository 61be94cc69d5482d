/* sb-seat-map-private.h: seat map internals for the seat-map benchmark and GUI debugging. */
#pragma once

#include "sb-seat-map.h"

G_BEGIN_DECLS

SbSeatButton *sb_seat_map_get_seat_widget (SbSeatMap *self, guint index);
/* Sets the zoom (pixels per venue unit) keeping the venue point under (x, y) of the viewport
 * where it is. */
void sb_seat_map_set_zoom_at (SbSeatMap *self, double zoom, double x, double y);

G_END_DECLS
