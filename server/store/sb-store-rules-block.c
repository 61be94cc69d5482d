/* sb-store-rules-block.c: blocking and unblocking seats, whatever the backend
 * (sb-store-rules-block-private.h). A block takes free seats out of sale (house seats, a broken
 * seat, a camera position); an unblock gives back seats a block took. Seats the venue document
 * marks blocked stay blocked: they are part of the venue, which every server reads the same. */
#include "config.h"

#include "sb-store-rules-block-private.h"

/* Refuses op with code, naming seats. Takes seats. */
static void
refuse_seats (SbOp *op, SbErrorCode code, const char *why, char **seats)
{
  g_autofree char *list = g_strjoinv (", ", seats);

  sb_op_set_error (op, code, "Seats %s %s", list, why);
  if (code == SB_ERROR_SEAT_UNAVAILABLE)
    {
      g_clear_pointer (&op->conflicting_seats, g_strfreev);
      op->conflicting_seats = seats;
      return;
    }
  g_strfreev (seats);
}

gboolean
sb_store_rules_block (const SbStoreBackendFuncs *funcs, gpointer backend, SbOp *op, GError **error)
{
  gboolean block = op->kind == SB_OP_BLOCK;
  g_autoptr (GPtrArray) states
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_seat_change_free);
  g_autoptr (GStrvBuilder) unknown = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) wrong = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) venue_blocked = g_strv_builder_new ();
  g_auto (GStrv) unknown_seats = NULL;
  g_auto (GStrv) wrong_seats = NULL;
  g_auto (GStrv) venue_seats = NULL;
  SbVenue *venue;
  gboolean found;
  gint64 version;

  g_return_val_if_fail (funcs->block_seats != NULL && funcs->unblock_seats != NULL, FALSE);

  if (op->event_id == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "No event given");
      return TRUE;
    }
  if (!funcs->read_event (backend, op->event_id, &found, &version, error))
    return FALSE;
  if (!found)
    {
      sb_op_set_error (op, SB_ERROR_NOT_FOUND, "No event %s", op->event_id);
      return TRUE;
    }
  if (op->seat_ids == NULL || op->seat_ids[0] == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "No seats given");
      return TRUE;
    }
  if (op->reason == NULL || op->reason[0] == '\0')
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "A %s needs a reason",
                       block ? "block" : "unblock");
      return TRUE;
    }
  venue = funcs->get_venue (backend, op->event_id, error);
  if (venue == NULL)
    return FALSE;
  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    {
      guint index;

      if (g_strv_contains ((const char *const *) op->seat_ids + i + 1, op->seat_ids[i]))
        {
          sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Seat %s is named twice", op->seat_ids[i]);
          return TRUE;
        }
      if (!sb_venue_lookup_seat (venue, op->seat_ids[i], &index))
        g_strv_builder_add (unknown, op->seat_ids[i]);
      else if (sb_venue_get_seat (venue, index)->blocked)
        g_strv_builder_add (venue_blocked, op->seat_ids[i]);
    }
  unknown_seats = g_strv_builder_end (unknown);
  if (unknown_seats[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", unknown_seats);

      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Event %s has no seats %s", op->event_id,
                       list);
      return TRUE;
    }
  venue_seats = g_strv_builder_end (venue_blocked);
  if (venue_seats[0] != NULL)
    {
      refuse_seats (op, block ? SB_ERROR_SEAT_UNAVAILABLE : SB_ERROR_INVALID_REQUEST,
                    "are blocked by the venue", g_steal_pointer (&venue_seats));
      return TRUE;
    }

  if (!funcs->read_seats (backend, op->event_id, (const char *const *) op->seat_ids, states, error))
    return FALSE;
  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    {
      const SbSeatChange *state = g_ptr_array_index (states, i);

      /* A block takes free seats only; an unblock gives back blocked ones only. */
      if (block ? state != NULL : (state == NULL || state->state != SB_SEAT_BLOCKED))
        g_strv_builder_add (wrong, op->seat_ids[i]);
    }
  wrong_seats = g_strv_builder_end (wrong);
  if (wrong_seats[0] != NULL)
    {
      if (block)
        refuse_seats (op, SB_ERROR_SEAT_UNAVAILABLE, "are not available",
                      g_steal_pointer (&wrong_seats));
      else
        refuse_seats (op, SB_ERROR_INVALID_REQUEST, "are not blocked",
                      g_steal_pointer (&wrong_seats));
      return TRUE;
    }

  if (!(block ? funcs->block_seats : funcs->unblock_seats) (
          backend, op->event_id, (const char *const *) op->seat_ids, error))
    return FALSE;
  op->change = sb_change_new (op->event_id, version + 1);
  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    g_ptr_array_add (
        op->change->seats,
        sb_seat_change_new (op->seat_ids[i], block ? SB_SEAT_BLOCKED : SB_SEAT_FREE, NULL));
  op->result_seat_ids = g_strdupv (op->seat_ids);
  return TRUE;
}
