/* lg-event.c: an event as the load generator sees it: the shared seat view the bookers pick from,
 * kept by the event's watcher (and the bookers' replies), and when each of its versions reached our
 * connections. See lg-run-private.h. */
#include "lg-run-private.h"

static void
free_set_add (Event *event, guint seat)
{
  if (event->free_pos[seat] != G_MAXUINT)
    return;
  event->free_pos[seat] = event->n_free;
  event->free_list[event->n_free++] = seat;
}

void
lg_free_set_remove (Event *event, guint seat)
{
  guint pos = event->free_pos[seat];
  if (pos == G_MAXUINT)
    return;
  guint last = event->free_list[--event->n_free];
  event->free_list[pos] = last;
  event->free_pos[last] = pos;
  event->free_pos[seat] = G_MAXUINT;
}

void
lg_view_set (Event *event, guint seat, SbSeatState state)
{
  event->view[seat] = (guint8) state;
  if (state == SB_SEAT_FREE && !event->pending[seat])
    free_set_add (event, seat);
  else
    lg_free_set_remove (event, seat);
}

gboolean
lg_seat_lookup (Event *event, const char *id, guint *out)
{
  guint found = GPOINTER_TO_UINT (g_hash_table_lookup (event->seat_index, id));
  if (found == 0)
    return FALSE;
  *out = found - 1;
  return TRUE;
}

Event *
lg_event_new (const char *id)
{
  Event *event = g_new0 (Event, 1);

  event->id = g_strdup (id);
  event->versions = g_array_new (FALSE, TRUE, sizeof (VersionInfo));
  event->watch_msgs = g_array_new (FALSE, FALSE, sizeof (WatchMsg));
  event->watch_entries = g_array_new (FALSE, FALSE, sizeof (guint32));
  return event;
}

/* The watcher's snapshot: the venue (seat ids) and the seats that are not free, once per event. */
gboolean
lg_event_load_snapshot (Event *event, const SbSnapshotMessage *snapshot, GError **error)
{
  gsize venue_len;
  const char *venue_text = g_bytes_get_data (snapshot->venue, &venue_len);

  event->venue = sb_venue_new_from_data (venue_text, (gssize) venue_len, event->id, error);
  if (event->venue == NULL)
    return FALSE;

  guint n = event->n_seats = sb_venue_get_n_seats (event->venue);
  event->seat_index = g_hash_table_new (g_str_hash, g_str_equal);
  event->view = g_new0 (guint8, n);
  event->pending = g_new0 (guint8, n);
  event->free_list = g_new (guint, n);
  event->free_pos = g_new (guint, n);
  event->sellable = g_new (guint, n);
  event->held_op = g_new0 (guint32, n);
  event->booked_op = g_new0 (guint32, n);
  event->acked_booking = g_new0 (char *, n);

  for (guint i = 0; i < n; i++)
    {
      const SbSeat *seat = sb_venue_get_seat (event->venue, i);
      g_hash_table_insert (event->seat_index, seat->id, GUINT_TO_POINTER (i + 1));
      event->free_pos[i] = G_MAXUINT;
    }
  for (guint i = 0; i < n; i++)
    lg_view_set (event, i, SB_SEAT_FREE);

  for (guint i = 0; i < snapshot->seats->len; i++)
    {
      const SbSeatUpdate *update = g_ptr_array_index (snapshot->seats, i);
      guint seat;
      if (lg_seat_lookup (event, update->id, &seat))
        lg_view_set (event, seat, update->state);
    }

  /* Seats marked blocked in the venue are never for sale. */
  for (guint i = 0; i < n; i++)
    {
      if (sb_venue_get_seat (event->venue, i)->blocked)
        lg_view_set (event, i, SB_SEAT_BLOCKED);
      if (event->view[i] != SB_SEAT_BLOCKED)
        event->sellable[event->n_sellable++] = i;
    }

  /* The hot spot: the first sellable seats in venue order (the front rows). */
  event->n_hot = MIN ((guint) lg_opt.hot_seats, event->n_sellable);
  event->hot = g_memdup2 (event->sellable, sizeof (guint) * MAX (event->n_hot, 1));

  event->base_version = event->version = event->max_seen = snapshot->version;
  event->ready = TRUE;
  return TRUE;
}

/* ---- versions and lag ---- */

VersionInfo *
lg_version_info (Event *event, gint64 version)
{
  if (version <= event->base_version)
    return NULL;
  guint i = (guint) (version - event->base_version - 1);
  if (i >= event->versions->len)
    g_array_set_size (event->versions, i + 1);
  return &g_array_index (event->versions, VersionInfo, i);
}

/* A connection received versions (from, to] of the event at `when`. */
void
lg_observe_versions (Event *event, gint64 from, gint64 to, gint64 when, gboolean is_subscriber)
{
  event->max_seen = MAX (event->max_seen, to);
  for (gint64 v = MAX (from, event->base_version) + 1; v <= to; v++)
    {
      VersionInfo *info = lg_version_info (event, v);
      if (info->n_seen == 0)
        info->t_first = when;
      else if (is_subscriber && counting ())
        lg_hist_add (&lg_run.fanout_lag, when - info->t_first);
      info->t_last = MAX (info->t_last, when);
      info->n_seen++;
    }
}
