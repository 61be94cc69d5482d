/* sb-seat-grid.h: seats of a venue bucketed by position, to find the seats near a point. */
#pragma once

#include <glib.h>

#include "sb-venue.h"

G_BEGIN_DECLS

typedef struct _SbSeatGrid SbSeatGrid;

/* Called for each seat found; return FALSE to stop. */
typedef gboolean (*SbSeatGridFunc) (guint index, gpointer user_data);

SbSeatGrid *sb_seat_grid_new (SbVenue *venue);
void sb_seat_grid_free (SbSeatGrid *self);

/* Visits the seats whose centre lies in [x0, x1] × [y0, y1] (venue units), row by row of the
 * grid; a seat is visited once. */
void sb_seat_grid_foreach (SbSeatGrid *self,
                           double x0,
                           double y0,
                           double x1,
                           double y1,
                           SbSeatGridFunc func,
                           gpointer user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbSeatGrid, sb_seat_grid_free)

G_END_DECLS
