/* sb-seat-grid.c: seats of a venue bucketed into cells of one venue unit.
 *
 * Finding the seat under the pointer, or the seats in view, must not walk thousands of seats or
 * widgets: a seat is a 1×1 square around its centre, so the seats that can touch a point are in
 * the cells around it. Built in linear time with a counting sort, as flat arrays. */
#include "config.h"

#include <math.h>

#include "sb-seat-grid.h"
#include "sb-seat-group.h"

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

typedef struct
{
  SbVenue *venue;
  double scale;
  double x, y; /* the point, in pixels from the venue origin */
  guint best;
  double best_distance;
} SeatHit;

static gboolean
seat_hit_test (guint index, gpointer user_data)
{
  SeatHit *hit = user_data;
  const SbSeat *seat = sb_venue_get_seat (hit->venue, index);
  graphene_rect_t bounds
      = GRAPHENE_RECT_INIT ((float) (seat->x - 0.5), (float) (seat->y - 0.5), 1.0f, 1.0f);
  int x0, y0, x1, y1;
  double distance;

  /* Exactly the pixels the seat's widget was given: the same rounding as the groups' layout. */
  sb_seat_group_pixel_box (&bounds, hit->scale, &x0, &y0, &x1, &y1);
  if (hit->x < x0 || hit->x >= x1 || hit->y < y0 || hit->y >= y1)
    return TRUE;

  /* Seats should not overlap, but the loader does not check: the nearest centre wins. */
  distance = hypot (hit->x - seat->x * hit->scale, hit->y - seat->y * hit->scale);
  if (hit->best == G_MAXUINT || distance < hit->best_distance)
    {
      hit->best = index;
      hit->best_distance = distance;
    }
  return TRUE;
}

guint
sb_seat_grid_find_at_pixel (SbSeatGrid *self, double x, double y, double scale)
{
  SeatHit hit = { self->venue, scale, x, y, G_MAXUINT, 0 };
  /* A seat reaches half a unit from its centre, plus a pixel of rounding. */
  double reach = 0.5 + 1.0 / scale;

  g_return_val_if_fail (self != NULL, G_MAXUINT);
  g_return_val_if_fail (scale > 0, G_MAXUINT);

  sb_seat_grid_foreach (self, x / scale - reach, y / scale - reach, x / scale + reach,
                        y / scale + reach, seat_hit_test, &hit);
  return hit.best;
}

/* Keyboard: arrows go to the spatially nearest seat in that direction. */

static double
direction_score (int dir, double dx, double dy)
{
  double primary, secondary;

  switch (dir)
    {
      case SB_SEAT_GRID_LEFT:
        primary = -dx, secondary = dy;
        break;
      case SB_SEAT_GRID_RIGHT:
        primary = dx, secondary = dy;
        break;
      case SB_SEAT_GRID_UP:
        primary = -dy, secondary = dx;
        break;
      case SB_SEAT_GRID_DOWN:
      default:
        primary = dy, secondary = dx;
        break;
    }

  /* Within a 45° cone only, so Right never jumps to the row behind; sideways distance
   * costs more than distance ahead, so curved rows still lead to their own next seat. */
  if (primary < 0.3 || fabs (secondary) > primary)
    return -1;
  return primary + 2.5 * fabs (secondary);
}

guint *
sb_seat_grid_compute_neighbours (SbSeatGrid *self)
{
  guint n_seats;
  guint *neighbours;
  /* Searching further than this finds nothing useful: it is another part of the venue. */
  const int max_ring = (int) ceil (40.0 / self->cell);

  g_return_val_if_fail (self != NULL, NULL);

  /* Look outwards ring by ring of cells until a ring is further away than the best candidate
   * found: linear in the number of seats. */
  n_seats = sb_venue_get_n_seats (self->venue);
  neighbours = g_new (guint, (gsize) MAX (n_seats, 1) * SB_SEAT_GRID_N_DIRECTIONS);
  for (guint i = 0; i < n_seats; i++)
    {
      const SbSeat *seat = sb_venue_get_seat (self->venue, i);
      int cx = (int) cell_x (self, seat->x);
      int cy = (int) cell_y (self, seat->y);

      for (int dir = 0; dir < SB_SEAT_GRID_N_DIRECTIONS; dir++)
        {
          guint best = G_MAXUINT;
          double best_score = G_MAXDOUBLE;

          for (int ring = 0; ring <= max_ring && best_score > (ring - 1) * self->cell; ring++)
            {
              for (int gy = cy - ring; gy <= cy + ring; gy++)
                {
                  if (gy < 0 || gy >= (int) self->height)
                    continue;
                  for (int gx = cx - ring; gx <= cx + ring; gx++)
                    {
                      guint c;

                      if (gx < 0 || gx >= (int) self->width)
                        continue;
                      /* Only the ring's border: the inside was searched already. */
                      if (gy != cy - ring && gy != cy + ring && gx != cx - ring && gx != cx + ring)
                        continue;

                      c = (guint) gy * self->width + (guint) gx;
                      for (guint k = self->cell_start[c]; k < self->cell_start[c + 1]; k++)
                        {
                          guint j = self->cell_seats[k];
                          const SbSeat *other = sb_venue_get_seat (self->venue, j);
                          double score;

                          if (j == i)
                            continue;
                          score = direction_score (dir, other->x - seat->x, other->y - seat->y);
                          if (score >= 0 && score < best_score)
                            {
                              best_score = score;
                              best = j;
                            }
                        }
                    }
                }
            }
          neighbours[i * SB_SEAT_GRID_N_DIRECTIONS + dir] = best;
        }
    }
  return neighbours;
}
