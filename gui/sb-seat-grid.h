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

/* The seat whose widget covers pixel (x, y) at scale, counted from the venue origin as
 * sb_seat_group_pixel_box() counts, or G_MAXUINT. */
guint sb_seat_grid_find_at_pixel (SbSeatGrid *self, double x, double y, double scale);

typedef enum
{
  SB_SEAT_GRID_LEFT,
  SB_SEAT_GRID_RIGHT,
  SB_SEAT_GRID_UP,
  SB_SEAT_GRID_DOWN,
  SB_SEAT_GRID_N_DIRECTIONS
} SbSeatGridDirection;

/* For each seat and direction (seat * SB_SEAT_GRID_N_DIRECTIONS + direction), the seat an arrow
 * key leads to, or G_MAXUINT at the edge. Free with g_free(). */
guint *sb_seat_grid_compute_neighbours (SbSeatGrid *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbSeatGrid, sb_seat_grid_free)

G_END_DECLS
