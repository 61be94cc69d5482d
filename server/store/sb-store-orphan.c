/* sb-store-orphan.c: the orphan rule in the store (sb-store-orphan.h). Only the seats next to
 * those an op changes can become lone, so the check reads the states of at most two seats on
 * each side of each changed seat, in one read_seats, and only when the event's rule is on. */
#include "config.h"

#include "sb-store-orphan.h"

#include "sb-op.h"

/* taken_seats become taken and freed_seats free (either may be NULL). */
static gboolean
check (const SbStoreBackendFuncs *funcs,
       gpointer backend,
       const char *event_id,
       SbVenue *venue,
       const char *const *taken_seats,
       const char *const *freed_seats,
       SbOrphanRule *out_rule,
       gint *out_lone_seat,
       GError **error)
{
  static const char *const none[] = { NULL };
  g_autoptr (GArray) after = NULL;
  g_autoptr (GArray) changed = NULL;
  g_autoptr (GPtrArray) around = NULL;
  g_autoptr (GPtrArray) states = NULL;
  g_autofree guint8 *taken = NULL;
  g_autofree guint *around_index = NULL;
  guint n_seats;

  *out_rule = SB_ORPHAN_RULE_OFF;
  *out_lone_seat = -1;
  if (funcs->read_orphan_rule == NULL)
    return TRUE;
  if (!funcs->read_orphan_rule (backend, event_id, out_rule, error))
    return FALSE;
  if (taken_seats == NULL)
    taken_seats = none;
  if (freed_seats == NULL)
    freed_seats = none;
  if (*out_rule == SB_ORPHAN_RULE_OFF || (taken_seats[0] == NULL && freed_seats[0] == NULL))
    return TRUE;

  n_seats = sb_venue_get_n_seats (venue);
  taken = g_new0 (guint8, n_seats);
  changed = g_array_new (FALSE, FALSE, sizeof (guint));
  /* What each changed seat is after the op (1 taken, 0 freed), in the order of changed. */
  after = g_array_new (FALSE, FALSE, sizeof (guint8));
  for (guint list = 0; list < 2; list++)
    {
      const char *const *seat_ids = list == 0 ? taken_seats : freed_seats;
      guint8 value = list == 0 ? 1 : 0;

      for (guint i = 0; seat_ids[i] != NULL; i++)
        {
          guint index;

          if (!sb_venue_lookup_seat (venue, seat_ids[i], &index))
            continue; /* refused earlier as unknown */
          g_array_append_val (changed, index);
          g_array_append_val (after, value);
          taken[index] = 1;
        }
    }

  /* The neighbours (two on each side, in the same row) that the op does not change. */
  around = g_ptr_array_new ();
  around_index = g_new (guint, changed->len * 4 + 1);
  for (guint i = 0; i < changed->len; i++)
    {
      guint c = g_array_index (changed, guint, i);
      guint row = sb_venue_get_seat (venue, c)->row;

      for (gint d = -2; d <= 2; d++)
        {
          gint s = (gint) c + d;
          const SbSeat *seat;

          if (d == 0 || s < 0 || (guint) s >= n_seats)
            continue;
          seat = sb_venue_get_seat (venue, (guint) s);
          if (seat->row != row || taken[s] == 1)
            continue;
          /* 2 marks "asked for", so that a seat is asked for once. */
          taken[s] = 2;
          around_index[around->len] = (guint) s;
          g_ptr_array_add (around, seat->id);
        }
    }
  g_ptr_array_add (around, NULL);

  states = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_seat_change_free);
  if (around->len > 1
      && !funcs->read_seats (backend, event_id, (const char *const *) around->pdata, states, error))
    return FALSE;
  for (guint i = 0; i + 1 < around->len; i++)
    {
      guint s = around_index[i];

      taken[s] = g_ptr_array_index (states, i) != NULL || sb_venue_get_seat (venue, s)->blocked;
    }
  for (guint i = 0; i < changed->len; i++)
    taken[g_array_index (changed, guint, i)] = g_array_index (after, guint8, i);

  *out_lone_seat = sb_orphan_find_lone_seat (venue, taken, (const guint *) (void *) changed->data,
                                             changed->len);
  return TRUE;
}

gboolean
sb_store_orphan_check (const SbStoreBackendFuncs *funcs,
                       gpointer backend,
                       const char *event_id,
                       SbVenue *venue,
                       const char *const *seat_ids,
                       SbOrphanRule *out_rule,
                       gint *out_lone_seat,
                       GError **error)
{
  return check (funcs, backend, event_id, venue, seat_ids, NULL, out_rule, out_lone_seat, error);
}

gboolean
sb_store_orphan_check_freed (const SbStoreBackendFuncs *funcs,
                             gpointer backend,
                             const char *event_id,
                             SbVenue *venue,
                             const char *const *seat_ids,
                             SbOrphanRule *out_rule,
                             gint *out_lone_seat,
                             GError **error)
{
  return check (funcs, backend, event_id, venue, NULL, seat_ids, out_rule, out_lone_seat, error);
}

gboolean
sb_store_orphan_check_move (const SbStoreBackendFuncs *funcs,
                            gpointer backend,
                            const char *event_id,
                            SbVenue *venue,
                            const char *const *freed,
                            const char *const *taken,
                            SbOrphanRule *out_rule,
                            gint *out_lone_seat,
                            GError **error)
{
  return check (funcs, backend, event_id, venue, taken, freed, out_rule, out_lone_seat, error);
}

char *
sb_store_orphan_describe_seat (SbVenue *venue, guint seat)
{
  const SbSeat *s = sb_venue_get_seat (venue, seat);

  return g_strdup_printf ("seat %s (row %s, seat %s)", s->id,
                          sb_venue_get_row (venue, s->row)->label, s->label);
}
