/* sb-occupancy-cache-private.h: the occupancy of events (which seats are not free) as the store
 * thread last read or wrote it, keyed by the event's version, so that hold_best need not read every
 * seat state of a nearly full event for each search (BENCHMARKS.md, "hold_best").
 *
 * The version read in the op's own transaction is the truth: an entry is used only when the
 * transaction reads the very version the entry is for, so another process's commits (several
 * servers on one MongoDB, or on one SQLite file) make it miss, never lie. Every change this store
 * thread appends moves an entry one version on. An entry made or moved inside a batch is the
 * batch's until the backend says the batch committed (keep_batch); a batch that failed, or that is
 * run again, discards them (discard_batch), since its versions were never committed. Store thread
 * only. Private to server/store/. */
#pragma once

#include <glib.h>

#include "sb-op.h"
#include "sb-venue.h"

G_BEGIN_DECLS

typedef struct _SbOccupancyCache SbOccupancyCache;

SbOccupancyCache *sb_occupancy_cache_new (void);
void sb_occupancy_cache_free (SbOccupancyCache *self);

/* Copies the occupancy of event_id at version into taken (n_seats bytes, 1 = not free); FALSE
 * when the cache has no entry for that version. */
gboolean sb_occupancy_cache_lookup (
    SbOccupancyCache *self, const char *event_id, gint64 version, guint8 *taken, guint n_seats);
/* Remembers taken (n_seats bytes) as the occupancy of event_id at version, read in this batch. */
void sb_occupancy_cache_store (SbOccupancyCache *self,
                               const char *event_id,
                               gint64 version,
                               const guint8 *taken,
                               guint n_seats);
/* change has just been appended in this batch: an entry at change->version - 1 moves to
 * change->version (its seats mapped through venue, the event's); any other entry of the event is
 * dropped. */
void
sb_occupancy_cache_apply_change (SbOccupancyCache *self, SbVenue *venue, const SbChange *change);
/* Drops the entry of event_id, if any. */
void sb_occupancy_cache_forget (SbOccupancyCache *self, const char *event_id);
/* Whether the cache has an entry for event_id (apply_change needs the venue only then). */
gboolean sb_occupancy_cache_has_event (SbOccupancyCache *self, const char *event_id);

/* The batch committed: its entries become the cache's. */
void sb_occupancy_cache_keep_batch (SbOccupancyCache *self);
/* The batch failed or runs again: its entries go. */
void sb_occupancy_cache_discard_batch (SbOccupancyCache *self);

G_END_DECLS
