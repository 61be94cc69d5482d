/* sb-store-rules-move.c: a move, whatever the backend (sb-store-rules-move-private.h). The
 * booking keeps its reference and trades seats: from[i] for to[i], all or none, in one new
 * version with the audit entry and the idempotency record (sb-store-rules.c). A seat may be in
 * both lists (a booking moved one seat along): it stays the booking's, and only the seats whose
 * state changes are written and broadcast. A target seat held by one of the op's own running holds
 * at this desk is taken from that hold, as a booking by seats takes it
 * (sb-store-rules-own-holds.c, shared with a block). */
#include "config.h"

#include "sb-store-rules-move-private.h"

#include "sb-store-orphan.h"
#include "sb-store-rules-own-holds-private.h"

/* The seat named twice in seats, or NULL. */
static const char *
named_twice (const char *const *seats)
{
  for (guint i = 0; seats[i] != NULL; i++)
    if (g_strv_contains (seats + i + 1, seats[i]))
      return seats[i];
  return NULL;
}

/* What the seats cost: the sum of their categories' prices. */
static gint64
price_of (SbVenue *venue, const char *const *seats)
{
  gint64 total = 0;

  for (guint i = 0; seats[i] != NULL; i++)
    {
      guint index;

      if (sb_venue_lookup_seat (venue, seats[i], &index))
        total += sb_venue_get_category (venue, sb_venue_get_seat (venue, index)->category)->price;
    }
  return total;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* The checks that need no seat state: the lists, their seats in the venue and in the booking.
 * FALSE when refused. */
static gboolean
check_lists (SbOp *op, SbVenue *venue, const SbStoredBooking *booking, const char *const *from)
{
  const char *const *to = (const char *const *) op->move_to;
  g_autoptr (GStrvBuilder) unknown = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) not_in = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) in_already = g_strv_builder_new ();
  g_autofree char *not_in_why = NULL;
  g_autofree char *in_why = NULL;
  const char *twice;

  if (to == NULL || to[0] == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "No seats to move to");
      return FALSE;
    }
  if (from[0] == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "No seats to move");
      return FALSE;
    }
  if (g_strv_length ((char **) from) != g_strv_length ((char **) to))
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST,
                       "The move names %u seats to move (from) and %u to move them to (to): "
                       "the counts must be equal",
                       g_strv_length ((char **) from), g_strv_length ((char **) to));
      return FALSE;
    }
  if ((twice = named_twice (from)) != NULL || (twice = named_twice (to)) != NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Seat %s is named twice in \"%s\"", twice,
                       named_twice (from) != NULL ? "from" : "to");
      return FALSE;
    }
  for (guint i = 0; from[i] != NULL; i++)
    if (!sb_venue_lookup_seat (venue, from[i], NULL))
      g_strv_builder_add (unknown, from[i]);
  for (guint i = 0; to[i] != NULL; i++)
    if (!sb_venue_lookup_seat (venue, to[i], NULL))
      g_strv_builder_add (unknown, to[i]);
  {
    g_autofree char *why = g_strdup_printf ("are not seats of event %s", op->event_id);

    if (sb_store_rules_refuse_if_any (op, SB_ERROR_INVALID_REQUEST, why, unknown))
      return FALSE;
  }

  for (guint i = 0; from[i] != NULL; i++)
    if (!g_strv_contains ((const char *const *) booking->seat_ids, from[i]))
      g_strv_builder_add (not_in, from[i]);
  not_in_why = g_strdup_printf ("are not in booking %s (or were cancelled)", booking->booking_id);
  if (sb_store_rules_refuse_if_any (op, SB_ERROR_INVALID_REQUEST, not_in_why, not_in))
    return FALSE;
  /* A seat the booking keeps cannot be moved to as well. */
  for (guint i = 0; to[i] != NULL; i++)
    if (g_strv_contains ((const char *const *) booking->seat_ids, to[i])
        && !g_strv_contains (from, to[i]))
      g_strv_builder_add (in_already, to[i]);
  in_why = g_strdup_printf ("are in booking %s already", booking->booking_id);
  return !sb_store_rules_refuse_if_any (op, SB_ERROR_INVALID_REQUEST, in_why, in_already);
}

/* The orphan rule on the seats the move frees and takes together, overridable by a manager as
 * for a hold or a booking. FALSE when refused or failed (*failed). */
static gboolean
check_orphan (const SbStoreBackendFuncs *funcs,
              gpointer backend,
              SbOp *op,
              SbVenue *venue,
              const char *const *freed,
              const char *const *taken,
              gboolean *failed,
              GError **error)
{
  SbOrphanRule rule;
  gint lone;

  *failed = FALSE;
  if (!sb_store_orphan_check_move (funcs, backend, op->event_id, venue, freed, taken, &rule, &lone,
                                   error))
    {
      *failed = TRUE;
      return FALSE;
    }
  if (lone < 0)
    return TRUE;
  if (rule == SB_ORPHAN_RULE_ENFORCE && !op->override_orphan_rule)
    {
      g_autofree char *description = sb_store_orphan_describe_seat (venue, (guint) lone);

      sb_op_set_error (op, SB_ERROR_LONE_SEAT, "This would leave %s on its own", description);
      g_clear_pointer (&op->conflicting_seats, g_strfreev);
      op->conflicting_seats = g_new0 (char *, 2);
      op->conflicting_seats[0] = g_strdup (sb_venue_get_seat (venue, (guint) lone)->id);
      return FALSE;
    }
  g_free (op->result_lone_seat);
  op->result_lone_seat = g_strdup (sb_venue_get_seat (venue, (guint) lone)->id);
  op->result_overrode = rule == SB_ORPHAN_RULE_ENFORCE;
  return TRUE;
}

gboolean
sb_store_rules_move (
    const SbStoreBackendFuncs *funcs, gpointer backend, SbOp *op, gint64 now_ms, GError **error)
{
  g_autoptr (SbStoredBooking) booking = NULL;
  g_autoptr (GPtrArray) holds
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_stored_hold_free);
  g_auto (GStrv) freed = NULL;
  g_auto (GStrv) taken = NULL;
  g_auto (GStrv) after = NULL;
  g_autofree const char **held_by = NULL;
  g_autofree char *refused = NULL;
  const char *const *from;
  SbMove move = { 0 };
  SbVenue *venue;
  SbChange *change;
  gboolean found, failed;
  gint64 version;

  g_return_val_if_fail (funcs->read_booking != NULL && funcs->move_booking_seats != NULL, FALSE);

  if (op->event_id == NULL || op->booking_id == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "A move names an event and a booking");
      return TRUE;
    }
  if (!funcs->read_event (backend, op->event_id, &found, &version, error))
    return FALSE;
  if (!found)
    {
      sb_op_set_error (op, SB_ERROR_NOT_FOUND, "No event %s", op->event_id);
      return TRUE;
    }
  if (!funcs->read_booking (backend, op->booking_id, &booking, error))
    return FALSE;
  /* A booking of another event is as unknown here as one that never was. */
  if (booking == NULL || g_strcmp0 (booking->event_id, op->event_id) != 0)
    {
      sb_op_set_error (op, SB_ERROR_NOT_FOUND, "No booking %s in event %s", op->booking_id,
                       op->event_id);
      return TRUE;
    }
  if (booking->seat_ids[0] == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST,
                       "Booking %s is cancelled: it has no seats to move", booking->booking_id);
      return TRUE;
    }
  venue = funcs->get_venue (backend, op->event_id, error);
  if (venue == NULL)
    return FALSE;
  from = (const char *const *) (op->seat_ids != NULL ? op->seat_ids : booking->seat_ids);
  if (!check_lists (op, venue, booking, from))
    return TRUE;

  /* Only the seats whose state changes are written, judged and broadcast. */
  freed = sb_store_rules_seats_minus (from, (const char *const *) op->move_to);
  taken = sb_store_rules_seats_minus ((const char *const *) op->move_to, from);
  if (taken[0] == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST,
                       "The move changes no seat: \"to\" names the seats of \"from\"");
      return TRUE;
    }
  held_by = g_new0 (const char *, g_strv_length (taken) + 1);
  if (!sb_store_rules_own_holds_check (funcs, backend, op, now_ms, (const char *const *) taken,
                                       SB_OWN_HOLDS_NAME_BLOCKED | SB_OWN_HOLDS_REFUSED_BEFORE,
                                       held_by, holds, &failed, error))
    return !failed;
  if (!check_orphan (funcs, backend, op, venue, (const char *const *) freed,
                     (const char *const *) taken, &failed, error))
    return !failed;

  /* The booking's seats after the move: its own, from[i] replaced by to[i], sorted as stored. */
  after = g_strdupv (booking->seat_ids);
  for (guint i = 0; after[i] != NULL; i++)
    for (guint j = 0; from[j] != NULL; j++)
      if (g_str_equal (after[i], from[j]))
        {
          g_free (after[i]);
          after[i] = g_strdup (op->move_to[j]);
          break;
        }
  qsort (after, g_strv_length (after), sizeof (char *), compare_strings);

  move.event_id = op->event_id;
  move.booking_id = booking->booking_id;
  move.freed = (const char *const *) freed;
  move.taken = (const char *const *) taken;
  move.held_by = held_by;
  move.seats_after = (const char *const *) after;
  if (!funcs->move_booking_seats (backend, &move, &refused, error))
    return FALSE;
  if (refused != NULL)
    {
      /* The storage had the seat taken although the rules read it as free (another process):
       * the rules undo the op (undo_op). */
      char *seats[] = { refused, NULL };

      sb_store_rules_refuse_seats (op, SB_ERROR_SEAT_UNAVAILABLE, "are not available", seats);
      return TRUE;
    }

  change = sb_change_new (op->event_id, version + 1);
  op->change = change;
  for (guint i = 0; freed[i] != NULL; i++)
    g_ptr_array_add (change->seats, sb_seat_change_new (freed[i], SB_SEAT_FREE, NULL));
  for (guint i = 0; taken[i] != NULL; i++)
    g_ptr_array_add (change->seats, sb_seat_change_new (taken[i], SB_SEAT_BOOKED, NULL));
  if (!sb_store_rules_own_holds_settle (funcs, backend, op, holds, (const char *const *) taken,
                                        held_by, "booked", change, error))
    return FALSE;

  op->result_booking_id = g_strdup (booking->booking_id);
  op->result_total_before = price_of (venue, (const char *const *) booking->seat_ids);
  op->result_total_after = price_of (venue, (const char *const *) after);
  op->result_moved_from = g_strdupv ((char **) from);
  op->result_moved_to = g_strdupv (op->move_to);
  op->result_seat_ids = g_steal_pointer (&after);
  return TRUE;
}
