/* sb-best-available.h: the search behind hold_best (docs/protocol.md): the best free seats of a
 * venue by its quality order (docs/venue-format.md, "Seat quality"), side by side in a row when
 * asked, avoiding a lone free seat whenever a choice without one exists. A pure function of the
 * venue and the seats' occupancy, so that every store runs the same search inside its transaction
 * and tests can check it on any venue. */
#pragma once

#include "sb-orphan-rule.h"
#include "sb-venue.h"

G_BEGIN_DECLS

#define SB_BEST_MAX_COUNT 50

typedef struct
{
  guint count;             /* 1 to SB_BEST_MAX_COUNT */
  const guint *categories; /* category indices the seats may have; NULL: any */
  guint n_categories;
  gint64 max_price;         /* in minor units; -1: no limit */
  gboolean together;        /* side by side in one row, no gap between */
  gboolean allow_lone_seat; /* FALSE: never choose seats that leave a lone seat (enforce) */
} SbBestQuery;

typedef struct
{
  guint seats[SB_BEST_MAX_COUNT]; /* the seats chosen, by index, ascending */
  guint n_seats;                  /* query->count when found, else 0 */
  gint lone_seat;                 /* a seat the choice leaves alone (only when no choice
                                     avoids one and the query allows it), else -1 */
  guint available; /* not found: the most seats that could be had (side by side when together) */
} SbBestResult;

/* Whether the query lets seat be chosen: not blocked, within its price and its categories (whether
 * the seat is free is the caller's to know). */
gboolean sb_best_query_accepts (SbVenue *venue, const SbSeat *seat, const SbBestQuery *query);

/* taken: one byte per seat of the venue, non-zero when the seat is held, booked or blocked.
 * Returns FALSE (result->available says how many could be had) when no set of query->count seats
 * fits the query. Ties between equally good choices go to the lower seat index. */
gboolean sb_best_available_find (SbVenue *venue,
                                 const guint8 *taken,
                                 const SbBestQuery *query,
                                 SbBestResult *result);

G_END_DECLS
