/* sb-seat-grid.c: seats of a venue bucketed into cells of one venue unit.
 *
 * Finding the seat under the pointer, or the seats in view, must not walk thousands of seats or
 * widgets: a seat is a 1×1 square around its centre, so the seats that can touch a point are in
 * the cells around it. Built in linear time with a counting sort, as flat arrays. */
#include "config.h"

#include <math.h>

#include "sb-seat-grid.h"

struct _SbSeatGrid
{
  SbVenue *venue;
  double min_x, min_y;
  double cell; /* venue units per cell */
  guint width, height;
  guint *cell_start; /* width × height + 1 offsets into cell_seats */
  guint *cell_seats; /* seat indices, grouped by cell */
};

/* Venues are at most 200,000 units across (docs/venue-format.md) but may be sparse: cells are
 * one unit until that would cost far more cells than seats, then coarser. */
#define MAX_CELLS_PER_SEAT 64

static double
cell_size (double span_x, double span_y, guint n_seats)
{
  double size = 1.0;

  while ((span_x / size + 1) * (span_y / size + 1) > (double) MAX (n_seats, 1) * MAX_CELLS_PER_SEAT)
    size *= 2;
  return size;
}

static guint
cell_x (SbSeatGrid *self, double x)
{
  double c = floor ((x - self->min_x) / self->cell);

  return (guint) CLAMP (c, 0, (double) self->width - 1);
}

static guint
cell_y (SbSeatGrid *self, double y)
{
  double c = floor ((y - self->min_y) / self->cell);

  return (guint) CLAMP (c, 0, (double) self->height - 1);
}

SbSeatGrid *
sb_seat_grid_new (SbVenue *venue)
{
  SbSeatGrid *self;
  double max_x, max_y;
  guint n_seats, n_cells;
  g_autofree guint *fill = NULL;

  g_return_val_if_fail (SB_IS_VENUE (venue), NULL);

  self = g_new0 (SbSeatGrid, 1);
  self->venue = g_object_ref (venue);
  n_seats = sb_venue_get_n_seats (venue);
  sb_venue_get_bounds (venue, &self->min_x, &self->min_y, &max_x, &max_y);
  self->cell = cell_size (max_x - self->min_x, max_y - self->min_y, n_seats);
  self->width = (guint) floor ((max_x - self->min_x) / self->cell) + 1;
  self->height = (guint) floor ((max_y - self->min_y) / self->cell) + 1;
  n_cells = self->width * self->height;

  self->cell_start = g_new0 (guint, n_cells + 1);
  self->cell_seats = g_new (guint, MAX (n_seats, 1));
  fill = g_new0 (guint, n_cells);

  for (guint i = 0; i < n_seats; i++)
    {
      const SbSeat *seat = sb_venue_get_seat (venue, i);

      self->cell_start[cell_y (self, seat->y) * self->width + cell_x (self, seat->x) + 1]++;
    }
  for (guint c = 0; c < n_cells; c++)
    self->cell_start[c + 1] += self->cell_start[c];
  for (guint i = 0; i < n_seats; i++)
    {
      const SbSeat *seat = sb_venue_get_seat (venue, i);
      guint c = cell_y (self, seat->y) * self->width + cell_x (self, seat->x);

      self->cell_seats[self->cell_start[c] + fill[c]++] = i;
    }

  return self;
}

void
sb_seat_grid_free (SbSeatGrid *self)
{
  if (self == NULL)
    return;

  g_object_unref (self->venue);
  g_free (self->cell_start);
  g_free (self->cell_seats);
  g_free (self);
}

void
sb_seat_grid_foreach (SbSeatGrid *self,
                      double x0,
                      double y0,
                      double x1,
                      double y1,
                      SbSeatGridFunc func,
                      gpointer user_data)
{
  double max_x, max_y;

  g_return_if_fail (self != NULL);
  g_return_if_fail (func != NULL);

  max_x = self->min_x + self->width * self->cell;
  max_y = self->min_y + self->height * self->cell;
  if (x1 < self->min_x || y1 < self->min_y || x0 >= max_x || y0 >= max_y || x1 < x0 || y1 < y0)
    return;

  for (guint cy = cell_y (self, y0); cy <= cell_y (self, y1); cy++)
    for (guint cx = cell_x (self, x0); cx <= cell_x (self, x1); cx++)
      {
        guint c = cy * self->width + cx;

        for (guint k = self->cell_start[c]; k < self->cell_start[c + 1]; k++)
          {
            guint index = self->cell_seats[k];
            const SbSeat *seat = sb_venue_get_seat (self->venue, index);

            if (seat->x >= x0 && seat->x <= x1 && seat->y >= y0 && seat->y <= y1
                && !func (index, user_data))
              return;
          }
      }
}
