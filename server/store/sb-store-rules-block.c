/* sb-store-rules-block.c: blocking and unblocking seats, whatever the backend
 * (sb-store-rules-block-private.h). A block takes free seats out of sale (house seats, a broken
 * seat, a camera position); an unblock gives back seats a block took. Seats the venue document
 * marks blocked stay blocked: they are part of the venue, which every server reads the same. A
 * block may take seats of the requester's own running hold at its desk (the app holds a seat at
 * the first click), in the same transaction and version (sb-store-rules-own-holds.c, as a move
 * takes them). */
#include "config.h"

#include "sb-store-rules-block-private.h"

#include "sb-store-rules-own-holds-private.h"

/* A block's seats, each free or held by one of the op's own running holds at this desk (a
 * manager who picked them on the map holds them first): the held ones are taken from their holds
 * in the same transaction and version, so that no other desk can take them in between, and each
 * such hold keeps its other seats or ends ("released"). On success op->change is set; a refusal
 * is the op's error. FALSE only for a backend failure. */
static gboolean
take_seats (const SbStoreBackendFuncs *funcs,
            gpointer backend,
            SbOp *op,
            gint64 now_ms,
            gint64 version,
            GError **error)
{
  const char *const *seats = (const char *const *) op->seat_ids;
  g_autoptr (GPtrArray) holds
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_stored_hold_free);
  g_autofree const char **held_by = g_new0 (const char *, g_strv_length (op->seat_ids) + 1);
  gboolean failed;

  if (!sb_store_rules_own_holds_check (funcs, backend, op, now_ms, seats, SB_OWN_HOLDS_DEFAULT,
                                       held_by, holds, &failed, error))
    return !failed;

  /* The held seats become free (hold by hold), then every seat is blocked. */
  for (guint j = 0; j < holds->len; j++)
    {
      const SbStoredHold *hold = g_ptr_array_index (holds, j);
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
      g_auto (GStrv) given = NULL;

      for (guint i = 0; seats[i] != NULL; i++)
        if (held_by[i] != NULL && g_str_equal (held_by[i], hold->hold_id))
          g_strv_builder_add (builder, seats[i]);
      given = g_strv_builder_end (builder);
      if (given[0] != NULL
          && !funcs->free_held_seats (backend, op->event_id, hold->hold_id,
                                      (const char *const *) given, error))
        return FALSE;
    }
  if (!funcs->block_seats (backend, op->event_id, seats, error))
    return FALSE;

  op->change = sb_change_new (op->event_id, version + 1);
  for (guint i = 0; seats[i] != NULL; i++)
    g_ptr_array_add (op->change->seats, sb_seat_change_new (seats[i], SB_SEAT_BLOCKED, NULL));
  return sb_store_rules_own_holds_settle (funcs, backend, op, holds, seats, held_by, "released",
                                          op->change, error);
}

/* An unblock's seats, each blocked by an earlier block, become free. On success op->change is
 * set; a refusal is the op's error. FALSE only for a backend failure. */
static gboolean
give_back_seats (const SbStoreBackendFuncs *funcs,
                 gpointer backend,
                 SbOp *op,
                 G_GNUC_UNUSED gint64 now_ms,
                 gint64 version,
                 GError **error)
{
  g_autoptr (GPtrArray) states
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_seat_change_free);
  g_autoptr (GStrvBuilder) wrong = g_strv_builder_new ();
  g_auto (GStrv) wrong_seats = NULL;

  if (!funcs->read_seats (backend, op->event_id, (const char *const *) op->seat_ids, states, error))
    return FALSE;
  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    {
      const SbSeatChange *state = g_ptr_array_index (states, i);

      if (state == NULL || state->state != SB_SEAT_BLOCKED)
        g_strv_builder_add (wrong, op->seat_ids[i]);
    }
  wrong_seats = g_strv_builder_end (wrong);
  if (wrong_seats[0] != NULL)
    {
      sb_store_rules_refuse_seats (op, SB_ERROR_INVALID_REQUEST, "are not blocked", wrong_seats);
      return TRUE;
    }

  if (!funcs->unblock_seats (backend, op->event_id, (const char *const *) op->seat_ids, error))
    return FALSE;
  op->change = sb_change_new (op->event_id, version + 1);
  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    g_ptr_array_add (op->change->seats, sb_seat_change_new (op->seat_ids[i], SB_SEAT_FREE, NULL));
  return TRUE;
}

gboolean
sb_store_rules_block (
    const SbStoreBackendFuncs *funcs, gpointer backend, SbOp *op, gint64 now_ms, GError **error)
{
  gboolean block = op->kind == SB_OP_BLOCK;
  g_autoptr (GStrvBuilder) unknown = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) venue_blocked = g_strv_builder_new ();
  g_auto (GStrv) unknown_seats = NULL;
  g_auto (GStrv) venue_seats = NULL;
  SbVenue *venue;
  gboolean found;
  gint64 version;

  g_return_val_if_fail (funcs->block_seats != NULL && funcs->unblock_seats != NULL
                            && funcs->free_held_seats != NULL,
                        FALSE);

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
      sb_store_rules_refuse_seats (op, block ? SB_ERROR_SEAT_UNAVAILABLE : SB_ERROR_INVALID_REQUEST,
                                   "are blocked by the venue", venue_seats);
      return TRUE;
    }

  if (!(block ? take_seats : give_back_seats) (funcs, backend, op, now_ms, version, error))
    return FALSE;
  if (op->error == SB_ERROR_NONE)
    op->result_seat_ids = g_strdupv (op->seat_ids);
  return TRUE;
}
