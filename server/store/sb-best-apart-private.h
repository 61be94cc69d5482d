/* sb-best-apart-private.h: the exact search for seats apart (not side by side) that leave no seat
 * alone, behind sb_best_available_find () (sb-best-available.c). */
#pragma once

#include "sb-best-available.h"

G_BEGIN_DECLS

/* The query->count eligible seats (query->together is not looked at) whose taking leaves no free
 * seat alone next to them, with the least sum of quality places (SbSeat.quality); ties go to the
 * earlier runs of adjacent seats and, within a run, to a deterministic choice. upper_bound: the
 * sum of a choice known to leave no seat alone, or G_MAXUINT64 when none is known; only seats that
 * can be in a choice no worse than it are searched. Returns TRUE with result->seats (ascending),
 * n_seats and lone_seat -1; FALSE with result->available the most seats a choice without a lone
 * seat could have (below query->count; with a finite upper_bound that is always found).
 * taken: one byte per seat, non-zero when held, booked or blocked. */
gboolean sb_best_apart_without_lone_seat (SbVenue *venue,
                                          const guint8 *taken,
                                          const SbBestQuery *query,
                                          guint64 upper_bound,
                                          SbBestResult *result);

G_END_DECLS
