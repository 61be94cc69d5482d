/* sb-store-rules-release.c: a release of some seats of a hold, whatever the backend
 * (sb-store-rules-release-private.h). The seats become free in one new version, the hold keeps
 * the others with its expiry, and the event's orphan rule judges the seats freed, as it judges
 * those a cancellation frees: a hold that keeps seats next to them may strand one. Giving back
 * every seat of the hold is a whole release, which the rule does not judge (the hold's seats
 * return to what they were before it). */
#include "config.h"

#include "sb-store-rules-release-private.h"

#include "sb-store-orphan.h"

/* Refuses op with "Seats a, b WHY". */
static void
refuse_seats (SbOp *op, GPtrArray *seats, const char *why)
{
  g_autofree char *list = NULL;

  g_ptr_array_add (seats, NULL);
  list = g_strjoinv (", ", (char **) seats->pdata);
  sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Seats %s %s", list, why);
}

/* Every seat op names is distinct and one of the hold's. FALSE when refused. */
static gboolean
check_seats (SbOp *op, const SbStoredHold *hold)
{
  g_autoptr (GPtrArray) not_held = g_ptr_array_new ();

  if (op->seat_ids[0] == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "No seats given");
      return FALSE;
    }
  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    {
      if (g_strv_contains ((const char *const *) op->seat_ids + i + 1, op->seat_ids[i]))
        {
          sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Seat %s is named twice", op->seat_ids[i]);
          return FALSE;
        }
      if (!g_strv_contains ((const char *const *) hold->seat_ids, op->seat_ids[i]))
        g_ptr_array_add (not_held, op->seat_ids[i]);
    }
  if (not_held->len > 0)
    {
      g_autofree char *why = g_strdup_printf ("are not held by hold %s", hold->hold_id);

      refuse_seats (op, not_held, why);
      return FALSE;
    }
  return TRUE;
}

/* The hold's seats that are (in) or are not (!in) in seats, in the hold's order. */
static char **
hold_seats (const SbStoredHold *hold, const char *const *seats, gboolean in)
{
  g_autoptr (GStrvBuilder) out = g_strv_builder_new ();

  for (guint i = 0; hold->seat_ids[i] != NULL; i++)
    if (g_strv_contains (seats, hold->seat_ids[i]) == in)
      g_strv_builder_add (out, hold->seat_ids[i]);
  return g_strv_builder_end (out);
}

/* The orphan rule on the seats freed while the hold keeps others: under enforce a lone seat
 * refuses the op unless a manager overrides it; under warn, or overridden, the reply names it.
 * *out_refused is set when the op was refused. */
static gboolean
judge_freed (const SbStoreBackendFuncs *funcs,
             gpointer backend,
             SbOp *op,
             const char *const *freed,
             gboolean *out_refused,
             GError **error)
{
  SbVenue *venue = funcs->get_venue (backend, op->event_id, error);
  SbOrphanRule rule;
  gint lone;

  *out_refused = FALSE;
  if (venue == NULL
      || !sb_store_orphan_check_freed (funcs, backend, op->event_id, venue, freed, &rule, &lone,
                                       error))
    return FALSE;
  if (lone < 0)
    return TRUE;
  if (rule == SB_ORPHAN_RULE_ENFORCE && !op->override_orphan_rule)
    {
      g_autofree char *description = sb_store_orphan_describe_seat (venue, (guint) lone);

      sb_op_set_error (op, SB_ERROR_LONE_SEAT, "This would leave %s on its own", description);
      g_clear_pointer (&op->conflicting_seats, g_strfreev);
      op->conflicting_seats = g_new0 (char *, 2);
      op->conflicting_seats[0] = g_strdup (sb_venue_get_seat (venue, (guint) lone)->id);
      *out_refused = TRUE;
      return TRUE;
    }
  g_free (op->result_lone_seat);
  op->result_lone_seat = g_strdup (sb_venue_get_seat (venue, (guint) lone)->id);
  op->result_overrode = rule == SB_ORPHAN_RULE_ENFORCE;
  return TRUE;
}

gboolean
sb_store_rules_release_seats (const SbStoreBackendFuncs *funcs,
                              gpointer backend,
                              SbOp *op,
                              const SbStoredHold *hold,
                              gint64 version,
                              GError **error)
{
  g_auto (GStrv) freed = NULL;
  g_auto (GStrv) left = NULL;
  SbChange *change;

  g_return_val_if_fail (funcs->free_held_seats != NULL, FALSE);
  g_return_val_if_fail (op->seat_ids != NULL, FALSE);

  if (!check_seats (op, hold))
    return TRUE;
  freed = hold_seats (hold, (const char *const *) op->seat_ids, TRUE);
  left = hold_seats (hold, (const char *const *) op->seat_ids, FALSE);

  if (left[0] == NULL)
    {
      /* Every seat: the hold ends as a release without seats ends it. */
      if (!funcs->free_hold_seats (backend, op->event_id, hold->hold_id, error)
          || !funcs->end_hold (backend, hold->hold_id, "released", error))
        return FALSE;
    }
  else
    {
      gboolean refused;

      if (!judge_freed (funcs, backend, op, (const char *const *) freed, &refused, error))
        return FALSE;
      if (refused)
        return TRUE;
      if (!funcs->free_held_seats (backend, op->event_id, hold->hold_id,
                                   (const char *const *) freed, error)
          || (funcs->set_hold_seats != NULL
              && !funcs->set_hold_seats (backend, hold->hold_id, (const char *const *) left,
                                         error)))
        return FALSE;
    }

  change = sb_change_new (op->event_id, version + 1);
  for (guint i = 0; freed[i] != NULL; i++)
    g_ptr_array_add (change->seats, sb_seat_change_new (freed[i], SB_SEAT_FREE, NULL));
  if (left[0] == NULL)
    {
      change->ended_holds = g_new0 (char *, 2);
      change->ended_holds[0] = g_strdup (hold->hold_id);
    }
  else
    /* The hold as it now is, so that every copy of it (the hub's, every desk's) keeps the rest. */
    g_ptr_array_add (change->holds, sb_hold_record_new_owned (
                                        hold->hold_id, op->event_id, hold->client_id, hold->account,
                                        (const char *const *) left, hold->expires_at_ms));
  op->change = change;
  op->result_hold_id = g_strdup (hold->hold_id);
  op->result_seat_ids = g_steal_pointer (&freed);
  op->result_remaining_seats = g_steal_pointer (&left);
  return TRUE;
}
