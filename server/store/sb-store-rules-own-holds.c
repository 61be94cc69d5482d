/* sb-store-rules-own-holds.c: seats a move or a block takes from the op's own holds
 * (sb-store-rules-own-holds-private.h). */
#include "config.h"

#include "sb-store-rules-own-holds-private.h"

void
sb_store_rules_refuse_seats (SbOp *op, SbErrorCode code, const char *why, char **seats)
{
  g_autofree char *list = g_strjoinv (", ", seats);

  sb_op_set_error (op, code, "Seats %s %s", list, why);
  if (code == SB_ERROR_SEAT_UNAVAILABLE)
    {
      g_clear_pointer (&op->conflicting_seats, g_strfreev);
      op->conflicting_seats = g_strdupv (seats);
    }
}

gboolean
sb_store_rules_refuse_if_any (SbOp *op, SbErrorCode code, const char *why, GStrvBuilder *builder)
{
  g_auto (GStrv) seats = g_strv_builder_end (builder);

  if (seats[0] == NULL)
    return FALSE;
  sb_store_rules_refuse_seats (op, code, why, seats);
  return TRUE;
}

char **
sb_store_rules_seats_minus (const char *const *a, const char *const *b)
{
  g_autoptr (GStrvBuilder) out = g_strv_builder_new ();

  for (guint i = 0; a[i] != NULL; i++)
    if (!g_strv_contains (b, a[i]))
      g_strv_builder_add (out, a[i]);
  return g_strv_builder_end (out);
}

/* The hold hold_id as read before into holds, or read now and added there (*out_hold NULL when
 * there is no such hold). FALSE only for a backend failure. */
static gboolean
find_hold (const SbStoreBackendFuncs *funcs,
           gpointer backend,
           GPtrArray *holds,
           const char *hold_id,
           SbStoredHold **out_hold,
           GError **error)
{
  for (guint j = 0; j < holds->len; j++)
    if (g_str_equal (((SbStoredHold *) g_ptr_array_index (holds, j))->hold_id, hold_id))
      {
        *out_hold = g_ptr_array_index (holds, j);
        return TRUE;
      }
  if (!funcs->read_hold (backend, hold_id, out_hold, error))
    return FALSE;
  if (*out_hold != NULL)
    g_ptr_array_add (holds, *out_hold);
  return TRUE;
}

gboolean
sb_store_rules_own_holds_check (const SbStoreBackendFuncs *funcs,
                                gpointer backend,
                                SbOp *op,
                                gint64 now_ms,
                                const char *const *taken,
                                SbOwnHoldsFlags flags,
                                const char **held_by,
                                GPtrArray *holds,
                                gboolean *failed,
                                GError **error)
{
  g_autoptr (GPtrArray) states
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_seat_change_free);
  g_autoptr (GStrvBuilder) blocked = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) unavailable = g_strv_builder_new ();

  *failed = FALSE;
  if (!funcs->read_seats (backend, op->event_id, taken, states, error))
    {
      *failed = TRUE;
      return FALSE;
    }
  for (guint i = 0; taken[i] != NULL; i++)
    {
      const SbSeatChange *state = g_ptr_array_index (states, i);
      SbStoredHold *hold = NULL;

      if (state == NULL)
        continue;
      if (state->state == SB_SEAT_BLOCKED && (flags & SB_OWN_HOLDS_NAME_BLOCKED) != 0)
        {
          g_strv_builder_add (blocked, taken[i]);
          continue;
        }
      if (state->state == SB_SEAT_HELD && state->hold_id != NULL)
        {
          if (!find_hold (funcs, backend, holds, state->hold_id, &hold, error))
            {
              *failed = TRUE;
              return FALSE;
            }
          /* The op's own hold, still running, made at this desk: another desk of the same
           * account works with its own holds, as for a booking by seats. */
          if (hold != NULL && sb_stored_hold_is_ops (op, hold)
              && g_strcmp0 (hold->client_id, op->client_id) == 0 && hold->expires_at_ms > now_ms)
            {
              held_by[i] = hold->hold_id;
              continue;
            }
        }
      g_strv_builder_add (unavailable, taken[i]);
    }
  if (sb_store_rules_refuse_if_any (op, SB_ERROR_SEAT_UNAVAILABLE, "are blocked", blocked)
      || sb_store_rules_refuse_if_any (op, SB_ERROR_SEAT_UNAVAILABLE, "are not available",
                                       unavailable))
    return FALSE;
  /* An earlier attempt of this batch had the storage refuse them although they read as free. */
  if ((flags & SB_OWN_HOLDS_REFUSED_BEFORE) != 0 && funcs->seats_refused_before != NULL
      && funcs->seats_refused_before (backend, op))
    {
      sb_store_rules_refuse_seats (op, SB_ERROR_SEAT_UNAVAILABLE, "are not available",
                                   (char **) taken);
      return FALSE;
    }
  return TRUE;
}

gboolean
sb_store_rules_own_holds_settle (const SbStoreBackendFuncs *funcs,
                                 gpointer backend,
                                 SbOp *op,
                                 GPtrArray *holds,
                                 const char *const *taken,
                                 const char *const *held_by,
                                 const char *end_status,
                                 SbChange *change,
                                 GError **error)
{
  g_autoptr (GStrvBuilder) ended = g_strv_builder_new ();

  for (guint j = 0; j < holds->len; j++)
    {
      const SbStoredHold *hold = g_ptr_array_index (holds, j);
      gboolean gave = FALSE;
      g_auto (GStrv) left = NULL;

      for (guint i = 0; taken[i] != NULL && !gave; i++)
        gave = held_by[i] != NULL && g_str_equal (held_by[i], hold->hold_id);
      if (!gave)
        continue; /* another desk's hold, read only to refuse its seat */
      left = sb_store_rules_seats_minus ((const char *const *) hold->seat_ids, taken);
      if (left[0] == NULL)
        {
          if (!funcs->end_hold (backend, hold->hold_id, end_status, error))
            return FALSE;
          g_strv_builder_add (ended, hold->hold_id);
          continue;
        }
      if (funcs->set_hold_seats != NULL
          && !funcs->set_hold_seats (backend, hold->hold_id, (const char *const *) left, error))
        return FALSE;
      g_ptr_array_add (change->holds,
                       sb_hold_record_new_owned (hold->hold_id, op->event_id, hold->client_id,
                                                 hold->account, (const char *const *) left,
                                                 hold->expires_at_ms));
    }
  change->ended_holds = g_strv_builder_end (ended);
  if (change->ended_holds[0] == NULL)
    g_clear_pointer (&change->ended_holds, g_strfreev);
  return TRUE;
}
