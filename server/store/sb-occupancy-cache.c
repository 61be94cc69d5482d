/* sb-occupancy-cache.c: events' occupancy by version, for hold_best
 * (sb-occupancy-cache-private.h says when an entry may be trusted). */
#include "config.h"

#include "sb-occupancy-cache-private.h"

#include <string.h>

/* Events in memory are few; a store that somehow serves more simply starts over. */
#define MAX_ENTRIES 256

typedef struct
{
  gint64 version;
  guint n_seats;
  guint8 *taken;
  gboolean in_batch; /* made or moved by the batch being applied: not committed yet */
} Entry;

struct _SbOccupancyCache
{
  GHashTable *entries; /* event id -> Entry */
  guint n_in_batch;
};

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->taken);
  g_free (entry);
}

SbOccupancyCache *
sb_occupancy_cache_new (void)
{
  SbOccupancyCache *self = g_new0 (SbOccupancyCache, 1);

  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
  return self;
}

void
sb_occupancy_cache_free (SbOccupancyCache *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->entries);
  g_free (self);
}

gboolean
sb_occupancy_cache_lookup (
    SbOccupancyCache *self, const char *event_id, gint64 version, guint8 *taken, guint n_seats)
{
  Entry *entry = g_hash_table_lookup (self->entries, event_id);

  if (entry == NULL || entry->version != version || entry->n_seats != n_seats)
    return FALSE;
  memcpy (taken, entry->taken, n_seats);
  return TRUE;
}

static void
mark_in_batch (SbOccupancyCache *self, Entry *entry)
{
  if (!entry->in_batch)
    {
      entry->in_batch = TRUE;
      self->n_in_batch++;
    }
}

void
sb_occupancy_cache_store (SbOccupancyCache *self,
                          const char *event_id,
                          gint64 version,
                          const guint8 *taken,
                          guint n_seats)
{
  Entry *old = g_hash_table_lookup (self->entries, event_id);
  Entry *entry;

  if (old != NULL && old->in_batch)
    self->n_in_batch--; /* replaced below */
  else if (old == NULL && g_hash_table_size (self->entries) >= MAX_ENTRIES)
    {
      g_hash_table_remove_all (self->entries);
      self->n_in_batch = 0;
    }
  entry = g_new0 (Entry, 1);
  entry->version = version;
  entry->n_seats = n_seats;
  entry->taken = g_memdup2 (taken, n_seats);
  g_hash_table_replace (self->entries, g_strdup (event_id), entry);
  mark_in_batch (self, entry);
}

static void
remove_entry (SbOccupancyCache *self, const char *event_id, Entry *entry)
{
  if (entry->in_batch)
    self->n_in_batch--;
  g_hash_table_remove (self->entries, event_id);
}

void
sb_occupancy_cache_apply_change (SbOccupancyCache *self, SbVenue *venue, const SbChange *change)
{
  Entry *entry = g_hash_table_lookup (self->entries, change->event_id);

  if (entry == NULL)
    return;
  if (entry->version != change->version - 1 || venue == NULL
      || sb_venue_get_n_seats (venue) != entry->n_seats)
    {
      remove_entry (self, change->event_id, entry);
      return;
    }
  for (guint i = 0; change->seats != NULL && i < change->seats->len; i++)
    {
      const SbSeatChange *seat = g_ptr_array_index (change->seats, i);
      guint index;

      if (!sb_venue_lookup_seat (venue, seat->seat_id, &index))
        {
          /* Not a seat of this venue: nothing here can say what the change did. */
          remove_entry (self, change->event_id, entry);
          return;
        }
      entry->taken[index] = seat->state != SB_SEAT_FREE;
    }
  entry->version = change->version;
  mark_in_batch (self, entry);
}

void
sb_occupancy_cache_forget (SbOccupancyCache *self, const char *event_id)
{
  Entry *entry = g_hash_table_lookup (self->entries, event_id);

  if (entry != NULL)
    remove_entry (self, event_id, entry);
}

gboolean
sb_occupancy_cache_has_event (SbOccupancyCache *self, const char *event_id)
{
  return g_hash_table_contains (self->entries, event_id);
}

void
sb_occupancy_cache_keep_batch (SbOccupancyCache *self)
{
  GHashTableIter iter;
  gpointer value;

  if (self->n_in_batch == 0)
    return;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((Entry *) value)->in_batch = FALSE;
  self->n_in_batch = 0;
}

void
sb_occupancy_cache_discard_batch (SbOccupancyCache *self)
{
  GHashTableIter iter;
  gpointer value;

  if (self->n_in_batch == 0)
    return;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Entry *) value)->in_batch)
      g_hash_table_iter_remove (&iter);
  self->n_in_batch = 0;
}
