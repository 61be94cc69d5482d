/* sb-best-apart.c: the best seats apart that leave no seat alone (sb-best-apart-private.h).
 *
 * Picking best-first and passing over a seat that would leave a lone seat is not enough: in a row
 * of free seats 1-5 whose best seats are 3, 2 and 4, taking 3 first passes over 2 (1 would be
 * alone) and 4 (5 would be), then 1 and 5 (each leaves its neighbour alone), and finds nothing,
 * although 1 and 2 together leave 3-5 free; and where it finds seats, it may have passed over
 * better ones that another pick would have made right. A lone seat only depends on the seats of
 * its own run of adjacent seats (a row between its ends and gaps), so the search is exact and
 * linear: a dynamic program along each run gives the least sum of quality places for every
 * number of seats taken in it, and a second one shares the count between the runs.
 *
 * It stays fast on a large venue because a seat can only be in a better choice than a known one
 * when its place, plus the least places of count - 1 other seats, is not above that choice's sum:
 * the search first looks among the 4 × count best seats (widening while that finds nothing), and
 * the choice found bounds the exact search, so only the runs around the best seats are searched.
 * On the 5,610-seat arena: 2-240 µs of CPU for 2-50 seats, empty, half full or nearly full. */
#include "config.h"

#include "sb-best-apart-private.h"

#include <string.h>

#define INF G_MAXUINT64

/* What the seat before the current one is, after the choice, for the lone-seat rule. A free seat
 * whose other side is the row's end, a gap or a taken seat becomes lone when a chosen seat comes
 * next to it; one next to a chosen seat becomes lone when the seat after it is not free. */
enum
{
  PREV_TAKEN,       /* taken before the request */
  PREV_CHOSEN,      /* chosen by the request */
  PREV_FREE_OPEN,   /* free, with a free seat before it */
  PREV_FREE_CLOSED, /* free, after the run's start or a seat taken before the request */
  PREV_FREE_CHOSEN, /* free, after a chosen seat */
  N_PREV
};

typedef struct
{
  guint first, last; /* the run's seat indices */
  guint n_pickable;
  guint64 *cost; /* cost[k], k = 0 .. MIN (count, n_pickable): least sum taking k seats, or INF */
} Run;

static gint
compare_seats (gconstpointer a, gconstpointer b, gpointer user_data)
{
  guint ia = *(const guint *) a, ib = *(const guint *) b;

  return ia < ib ? -1 : ia > ib;
}

static gint
compare_seats_unboxed (gconstpointer a, gconstpointer b)
{
  return compare_seats (a, b, NULL);
}

/* The dynamic program along one run, up to max_k seats: end[p * (max_k + 1) + k] is the least sum
 * taking k seats with the run's last seat in state p (INF: impossible), and back (one byte per
 * seat, state and k; may be NULL) the state of the seat before. pickable marks the seats it may
 * take; taken the seats taken before the request. */
static void
run_program (const guint8 *taken,
             const guint8 *pickable,
             const SbSeat *seats,
             guint first,
             guint last,
             guint max_k,
             guint64 *end,
             guint8 *back)
{
  guint width = max_k + 1;
  g_autofree guint64 *next = g_new (guint64, N_PREV * width);
  guint64 *cur = end;

  /* Before the first seat: as after a taken seat (nothing chosen). */
  for (guint i = 0; i < N_PREV * width; i++)
    cur[i] = INF;
  cur[PREV_TAKEN * width] = 0;

  /* reach: the most seats the run can have taken so far; values above it stay INF. */
  for (guint s = first, reach = 0; s <= last; s++)
    {
      guint8 *b = back != NULL ? back + (gsize) (s - first) * N_PREV * width : NULL;

      for (guint p = 0; p < N_PREV; p++)
        for (guint k = 0; k <= MIN (reach + 1, max_k); k++)
          next[p * width + k] = INF;
      for (guint p = 0; p < N_PREV; p++)
        for (guint k = 0; k <= reach; k++)
          {
            guint64 c = cur[p * width + k];
            guint to;

            if (c == INF)
              continue;
            if (taken[s])
              {
                /* A free seat after a chosen one, now between it and a taken seat: lone. */
                if (p == PREV_FREE_CHOSEN)
                  continue;
                to = PREV_TAKEN * width + k;
                if (c < next[to])
                  {
                    next[to] = c;
                    if (b != NULL)
                      b[to] = (guint8) p;
                  }
                continue;
              }
            /* Left free. */
            to = (p == PREV_TAKEN    ? PREV_FREE_CLOSED
                  : p == PREV_CHOSEN ? PREV_FREE_CHOSEN
                                     : PREV_FREE_OPEN)
                     * width
                 + k;
            if (c < next[to])
              {
                next[to] = c;
                if (b != NULL)
                  b[to] = (guint8) p;
              }
            /* Chosen: a free seat before it must have a free seat on its other side. */
            if (pickable[s] && k < max_k && p != PREV_FREE_CLOSED && p != PREV_FREE_CHOSEN)
              {
                to = PREV_CHOSEN * width + k + 1;
                if (c + seats[s].quality < next[to])
                  {
                    next[to] = c + seats[s].quality;
                    if (b != NULL)
                      b[to] = (guint8) p;
                  }
              }
          }
      if (pickable[s] && reach < max_k)
        reach++;
      for (guint p = 0; p < N_PREV; p++)
        memcpy (cur + p * width, next + p * width, (reach + 1) * sizeof (guint64));
    }
}

/* The least sum for k seats, and the run's last state it ends in: not a free seat after a chosen
 * one, which the run's end leaves lone. */
static guint64
end_cost (const guint64 *end, guint width, guint k, guint *out_state)
{
  guint64 best = INF;

  for (guint p = 0; p < N_PREV; p++)
    if (p != PREV_FREE_CHOSEN && end[p * width + k] < best)
      {
        best = end[p * width + k];
        if (out_state != NULL)
          *out_state = p;
      }
  return best;
}

/* The seats of the run's best choice of k seats, appended to result->seats. */
static void
run_choice (const guint8 *taken,
            const guint8 *pickable,
            const SbSeat *seats,
            const Run *run,
            guint k,
            SbBestResult *result)
{
  guint max_k = MIN (k, run->n_pickable);
  guint width = max_k + 1;
  guint length = run->last - run->first + 1;
  g_autofree guint64 *end = g_new (guint64, N_PREV * width);
  g_autofree guint8 *back = g_new (guint8, (gsize) length * N_PREV * width);
  guint state = PREV_TAKEN;

  run_program (taken, pickable, seats, run->first, run->last, max_k, end, back);
  end_cost (end, width, k, &state);
  for (guint s = run->last + 1; s-- > run->first;)
    {
      guint prev = back[(gsize) (s - run->first) * N_PREV * width + state * width + k];

      if (state == PREV_CHOSEN)
        {
          result->seats[result->n_seats++] = s;
          k--;
        }
      state = prev;
    }
}

/* The best choice among the seats whose place is at most limit: exact for the whole venue when
 * no better choice can use a seat above limit. */
static gboolean
search (SbVenue *venue,
        const guint8 *taken,
        const SbBestQuery *query,
        guint64 limit,
        SbBestResult *result)
{
  guint n_seats = sb_venue_get_n_seats (venue);
  const SbSeat *seats = sb_venue_get_seat (venue, 0);
  const guint *order = sb_venue_get_quality_order (venue);
  guint count = query->count;
  guint width = count + 1;
  g_autofree guint8 *pickable = g_new0 (guint8, n_seats);
  g_autoptr (GArray) runs = g_array_new (FALSE, FALSE, sizeof (Run));
  g_autoptr (GArray) picks = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree guint64 *total = g_new (guint64, width);
  g_autofree guint64 *merged = g_new (guint64, width);
  g_autofree guint8 *share = NULL; /* share[r * width + k]: seats of run r in the best k */
  guint most;

  /* The seats that may be picked, found down the quality order (seat order[q] has the place q),
   * so that a tight bound looks at a few seats only; then the runs around them, in seat order. */
  for (guint q = 0; q < n_seats && q <= limit; q++)
    if (!taken[order[q]] && sb_best_query_accepts (venue, &seats[order[q]], query))
      {
        pickable[order[q]] = 1;
        g_array_append_val (picks, order[q]);
      }
  g_array_sort (picks, compare_seats_unboxed);
  for (guint i = 0; i < picks->len; i++)
    {
      guint seat = g_array_index (picks, guint, i);
      Run run = { seat, seat, 0, NULL };
      guint max_k;
      g_autofree guint64 *end = NULL;

      if (runs->len > 0 && seat <= g_array_index (runs, Run, runs->len - 1).last)
        continue;
      while (run.first > 0 && sb_venue_seats_adjacent (venue, run.first - 1))
        run.first--;
      while (run.last + 1 < n_seats && sb_venue_seats_adjacent (venue, run.last))
        run.last++;
      for (guint j = i; j < picks->len && g_array_index (picks, guint, j) <= run.last; j++)
        run.n_pickable++;
      max_k = MIN (count, run.n_pickable);
      end = g_new (guint64, N_PREV * (max_k + 1));
      run_program (taken, pickable, seats, run.first, run.last, max_k, end, NULL);
      run.cost = g_new (guint64, max_k + 1);
      for (guint k = 0; k <= max_k; k++)
        run.cost[k] = end_cost (end, max_k + 1, k, NULL);
      g_array_append_val (runs, run);
    }

  /* Shared between the runs, run by run: total[k] is the least sum of k seats in the runs so
   * far; a tie keeps the earlier runs' seats. */
  share = g_new0 (guint8, (gsize) MAX (runs->len, 1) * width);
  for (guint k = 0; k < width; k++)
    total[k] = k == 0 ? 0 : INF;
  for (guint r = 0, reach = 0; r < runs->len; r++)
    {
      const Run *run = &g_array_index (runs, Run, r);
      guint max_k = MIN (count, run->n_pickable);

      /* reach: the most seats the runs so far can have; total[k] above it is INF. */
      reach = MIN (count, reach + max_k);
      for (guint k = 0; k <= reach; k++)
        {
          merged[k] = total[k];
          share[(gsize) r * width + k] = 0;
          for (guint t = 1; t <= MIN (k, max_k); t++)
            if (total[k - t] != INF && run->cost[t] != INF
                && total[k - t] + run->cost[t] < merged[k])
              {
                merged[k] = total[k - t] + run->cost[t];
                share[(gsize) r * width + k] = (guint8) t;
              }
        }
      memcpy (total, merged, (reach + 1) * sizeof (guint64));
    }

  for (most = count; most > 0 && total[most] == INF; most--)
    ;
  if (most == count)
    {
      guint k = count;

      result->n_seats = 0;
      for (guint r = runs->len; r-- > 0 && k > 0;)
        {
          guint t = share[(gsize) r * width + k];

          if (t > 0)
            run_choice (taken, pickable, seats, &g_array_index (runs, Run, r), t, result);
          k -= t;
        }
      g_qsort_with_data (result->seats, result->n_seats, sizeof (guint), compare_seats, NULL);
      result->lone_seat = -1;
    }
  else
    result->available = most;

  for (guint r = 0; r < runs->len; r++)
    g_free (g_array_index (runs, Run, r).cost);
  return most == count;
}

/* The least sum of places count - 1 other seats can add, and the place of the eligible seat that
 * is the n-th best. */
static guint64
least_others (SbVenue *venue, const guint8 *taken, const SbBestQuery *query, guint n, guint *nth)
{
  guint n_seats = sb_venue_get_n_seats (venue);
  const SbSeat *seats = sb_venue_get_seat (venue, 0);
  const guint *order = sb_venue_get_quality_order (venue);
  guint64 others = 0;
  guint found = 0;

  *nth = n_seats;
  for (guint q = 0; q < n_seats && found < MAX (n, query->count - 1); q++)
    if (!taken[order[q]] && sb_best_query_accepts (venue, &seats[order[q]], query))
      {
        if (found + 1 < query->count)
          others += q;
        if (++found == n)
          *nth = q;
      }
  return others;
}

/* A seat whose place plus the least places of count - 1 other seats exceeds the sum of a known
 * choice is in no better one. */
static guint64
limit_of (guint64 upper_bound, guint64 others)
{
  return upper_bound == INF ? INF : upper_bound - MIN (upper_bound, others);
}

gboolean
sb_best_apart_without_lone_seat (SbVenue *venue,
                                 const guint8 *taken,
                                 const SbBestQuery *query,
                                 guint64 upper_bound,
                                 SbBestResult *result)
{
  guint n_seats = sb_venue_get_n_seats (venue);
  guint nth;
  guint64 others = least_others (venue, taken, query, 4 * query->count, &nth);
  guint64 limit = nth;

  g_return_val_if_fail (SB_IS_VENUE (venue), FALSE);

  if (upper_bound != INF)
    return search (venue, taken, query, limit_of (upper_bound, others), result);
  /* No choice known: first among the best seats, widening until one is found; its sum then
   * bounds the exact search (which is done when the bound adds no seat). */
  for (;;)
    {
      guint64 sum = 0, exact;

      if (!search (venue, taken, query, limit, result))
        {
          if (limit + 1 >= n_seats)
            return FALSE;
          limit = 2 * limit + 1;
          continue;
        }
      for (guint k = 0; k < result->n_seats; k++)
        sum += sb_venue_get_seat (venue, result->seats[k])->quality;
      exact = limit_of (sum, others);
      return exact <= limit || search (venue, taken, query, exact, result);
    }
}
