/* sb-best-available.c: the best-available search (sb-best-available.h says what it promises).
 *
 * It runs inside the store's transaction on every hold_best, so it is linear in the venue's seats
 * and allocates one scratch copy of the occupancy: side by side, one pass over the rows with a
 * sliding sum of the seats' places in the quality order; otherwise, the exact search of
 * sb-best-apart.c, and one walk down the quality order when every choice leaves a seat alone. */
#include "config.h"

#include "sb-best-available.h"

#include <string.h>

#include "sb-best-apart-private.h"

gboolean
sb_best_query_accepts (SbVenue *venue, const SbSeat *seat, const SbBestQuery *query)
{
  if (seat->blocked)
    return FALSE;
  if (query->max_price >= 0
      && sb_venue_get_category (venue, seat->category)->price > query->max_price)
    return FALSE;
  if (query->categories != NULL)
    {
      for (guint i = 0; i < query->n_categories; i++)
        if (query->categories[i] == seat->category)
          return TRUE;
      return FALSE;
    }
  return TRUE;
}

/* The seats of a venue are one array (sb-venue.h): the loops below index it directly rather than
 * call an accessor that checks its arguments for every seat. */
static gboolean
eligible (
    SbVenue *venue, const SbSeat *seats, const guint8 *taken, const SbBestQuery *query, guint index)
{
  return !taken[index] && sb_best_query_accepts (venue, &seats[index], query);
}

static gboolean
adjacent (const SbSeat *seats, guint n_seats, guint a)
{
  return a + 1 < n_seats && seats[a].row == seats[a + 1].row && !seats[a].gap_after;
}

/* Would taking seats first..last (side by side) leave a lone seat? Only the seat before first and
 * the one after last can become lone. scratch is the occupancy, restored on return. */
static gint
window_lone_seat (SbVenue *venue, guint8 *scratch, guint first, guint last)
{
  guint ends[2] = { first, last };
  gint lone;

  memset (scratch + first, 1, last - first + 1);
  lone = sb_orphan_find_lone_seat (venue, scratch, ends, 2);
  memset (scratch + first, 0, last - first + 1);
  return lone;
}

static gboolean
find_together (SbVenue *venue,
               const guint8 *taken,
               guint8 *scratch,
               const SbBestQuery *query,
               SbBestResult *result)
{
  guint n_seats = sb_venue_get_n_seats (venue);
  const SbSeat *seats = sb_venue_get_seat (venue, 0);
  guint count = query->count;
  /* The best window so far: without a lone seat beats with one, then the lower sum of quality
   * places, then the lower first seat (the walk goes up, so a tie keeps the earlier). */
  gboolean found = FALSE, best_lone = TRUE;
  guint64 best_sum = G_MAXUINT64;
  guint best_first = 0;
  gint best_lone_seat = -1;
  guint longest = 0;
  guint run_length = 0;
  guint64 sum = 0;

  for (guint i = 0; i < n_seats; i++)
    {
      if (!eligible (venue, seats, taken, query, i))
        {
          run_length = 0;
          sum = 0;
          continue;
        }
      if (run_length == 0 || !adjacent (seats, n_seats, i - 1))
        {
          run_length = 0;
          sum = 0;
        }
      run_length++;
      sum += seats[i].quality;
      if (run_length > count)
        sum -= seats[i - count].quality;
      longest = MAX (longest, run_length);
      if (run_length >= count)
        {
          guint first = i + 1 - count;
          gint lone;
          gboolean is_lone;

          /* Only a window that could win is worth the lone-seat test. */
          if (found && !best_lone && sum >= best_sum)
            continue;
          lone = window_lone_seat (venue, scratch, first, i);
          is_lone = lone >= 0;

          if (is_lone && !query->allow_lone_seat)
            continue;
          if (!found || (best_lone && !is_lone) || (best_lone == is_lone && sum < best_sum))
            {
              found = TRUE;
              best_lone = is_lone;
              best_sum = sum;
              best_first = first;
              best_lone_seat = lone;
            }
        }
    }

  if (!found)
    {
      result->available = longest;
      return FALSE;
    }
  for (guint k = 0; k < count; k++)
    result->seats[k] = best_first + k;
  result->n_seats = count;
  result->lone_seat = best_lone_seat;
  return TRUE;
}

static int
compare_index (gconstpointer a, gconstpointer b)
{
  guint ia = *(const guint *) a, ib = *(const guint *) b;

  return ia < ib ? -1 : ia > ib;
}

/* Best first down the quality order, lone seat or not. Leaves its picks taken in scratch. */
static guint
pick_scattered (SbVenue *venue, guint8 *scratch, const SbBestQuery *query, SbBestResult *result)
{
  const guint *order = sb_venue_get_quality_order (venue);
  guint n_seats = sb_venue_get_n_seats (venue);
  const SbSeat *seats = sb_venue_get_seat (venue, 0);
  guint n = 0;

  for (guint q = 0; q < n_seats && n < query->count; q++)
    {
      guint seat = order[q];

      if (!eligible (venue, seats, scratch, query, seat))
        continue;
      scratch[seat] = 1;
      result->seats[n++] = seat;
    }
  return n;
}

static gboolean
find_scattered (SbVenue *venue,
                const guint8 *taken,
                guint8 *scratch,
                const SbBestQuery *query,
                SbBestResult *result)
{
  guint n = 0;

  /* The best seats that leave no seat alone, by an exact search (sb-best-apart.c): picking best
   * first and passing over a seat that leaves one alone may pass over better seats, or find none
   * where another choice leaves no seat alone. */
  if (sb_best_apart_without_lone_seat (venue, taken, query, G_MAXUINT64, result))
    return TRUE;
  if (query->allow_lone_seat)
    {
      /* No choice avoids a lone seat: the best seats, lone seat or not. */
      n = pick_scattered (venue, scratch, query, result);
    }
  if (!query->allow_lone_seat || n < query->count)
    {
      /* Without a lone seat, the exact search said how many could be had. */
      if (query->allow_lone_seat)
        result->available = n;
      return FALSE;
    }
  qsort (result->seats, n, sizeof result->seats[0], compare_index);
  result->n_seats = n;
  result->lone_seat = sb_orphan_find_lone_seat (venue, scratch, result->seats, n);
  return TRUE;
}

gboolean
sb_best_available_find (SbVenue *venue,
                        const guint8 *taken,
                        const SbBestQuery *query,
                        SbBestResult *result)
{
  g_autofree guint8 *scratch = NULL;
  guint n_seats;

  g_return_val_if_fail (SB_IS_VENUE (venue), FALSE);
  g_return_val_if_fail (taken != NULL, FALSE);
  g_return_val_if_fail (query != NULL && result != NULL, FALSE);
  g_return_val_if_fail (query->count >= 1 && query->count <= SB_BEST_MAX_COUNT, FALSE);

  memset (result, 0, sizeof *result);
  result->lone_seat = -1;
  n_seats = sb_venue_get_n_seats (venue);
  scratch = g_memdup2 (taken, n_seats);
  if (query->together)
    return find_together (venue, taken, scratch, query, result);
  return find_scattered (venue, taken, scratch, query, result);
}
