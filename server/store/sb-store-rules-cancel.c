/* sb-store-rules-cancel.c: a cancellation, whatever the backend (sb-store-rules-cancel-private.h).
 * The booking keeps its reference and loses the seats cancelled; they become free in one new
 * version, and the refund and the reason are recorded with the booking, in the same transaction
 * as the change, the audit entry and the idempotency record (sb-store-rules.c). */
#include "config.h"

#include "sb-store-rules-cancel-private.h"

#include "sb-store-orphan.h"

/* "Seats a, b": the list a refusal names. */
static void
refuse_seats (SbOp *op, const char *why, GPtrArray *seats)
{
  g_ptr_array_add (seats, NULL);
  g_autofree char *list = g_strjoinv (", ", (char **) seats->pdata);
  sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Seats %s %s", list, why);
}

/* The seats op cancels: the ones it names, each still in the booking, or all the booking has
 * left. NULL when refused. */
static char **
seats_to_cancel (SbOp *op, const SbStoredBooking *booking)
{
  g_autoptr (GPtrArray) not_in = g_ptr_array_new ();

  if (op->seat_ids == NULL)
    {
      if (booking->seat_ids[0] == NULL)
        {
          sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Booking %s is cancelled already",
                           booking->booking_id);
          return NULL;
        }
      return g_strdupv (booking->seat_ids);
    }
  if (op->seat_ids[0] == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "No seats given");
      return NULL;
    }
  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    {
      if (g_strv_contains ((const char *const *) op->seat_ids + i + 1, op->seat_ids[i]))
        {
          sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Seat %s is named twice", op->seat_ids[i]);
          return NULL;
        }
      if (!g_strv_contains ((const char *const *) booking->seat_ids, op->seat_ids[i]))
        g_ptr_array_add (not_in, op->seat_ids[i]);
    }
  if (not_in->len > 0)
    {
      g_autofree char *why = g_strdup_printf ("are not in booking %s (or were cancelled already)",
                                              booking->booking_id);
      refuse_seats (op, why, not_in);
      return NULL;
    }
  return g_strdupv (op->seat_ids);
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

/* The booking's seats that are not in seats, in its order. */
static char **
seats_kept (const SbStoredBooking *booking, const char *const *seats)
{
  g_autoptr (GStrvBuilder) left = g_strv_builder_new ();

  for (guint i = 0; booking->seat_ids[i] != NULL; i++)
    if (!g_strv_contains (seats, booking->seat_ids[i]))
      g_strv_builder_add (left, booking->seat_ids[i]);
  return g_strv_builder_end (left);
}

gboolean
sb_store_rules_cancel (
    const SbStoreBackendFuncs *funcs, gpointer backend, SbOp *op, gint64 now_ms, GError **error)
{
  g_autoptr (SbStoredBooking) booking = NULL;
  g_auto (GStrv) seats = NULL;
  g_auto (GStrv) left = NULL;
  SbCancellation cancellation = { 0 };
  SbOrphanRule rule;
  SbVenue *venue;
  SbChange *change;
  gboolean found;
  gint64 version;
  gint64 price;
  gint lone;

  g_return_val_if_fail (funcs->read_booking != NULL && funcs->cancel_booking_seats != NULL, FALSE);

  if (op->event_id == NULL || op->booking_id == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "A cancellation names an event and a booking");
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
  seats = seats_to_cancel (op, booking);
  if (seats == NULL)
    return TRUE;
  venue = funcs->get_venue (backend, op->event_id, error);
  if (venue == NULL)
    return FALSE;

  /* A refund is for the seats cancelled: at most what they cost. */
  price = price_of (venue, (const char *const *) seats);
  op->result_refund.kind = op->refund.kind;
  switch (op->refund.kind)
    {
      case SB_REFUND_FULL:
        op->result_refund.amount = price;
        break;
      case SB_REFUND_PARTIAL:
        if (op->refund.amount < 1 || op->refund.amount > price)
          {
            sb_op_set_error (op, SB_ERROR_INVALID_REQUEST,
                             "A partial refund of %" G_GINT64_FORMAT
                             " must be from 1 to %" G_GINT64_FORMAT
                             ", what the cancelled seats cost",
                             op->refund.amount, price);
            return TRUE;
          }
        op->result_refund.amount = op->refund.amount;
        break;
      case SB_REFUND_NONE:
      default:
        op->result_refund.amount = 0;
        break;
    }
  if (op->reason == NULL || op->reason[0] == '\0')
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "A cancellation needs a reason");
      return TRUE;
    }

  /* The orphan rule on the seats it frees, as for the seats a hold takes. */
  if (!sb_store_orphan_check_freed (funcs, backend, op->event_id, venue,
                                    (const char *const *) seats, &rule, &lone, error))
    return FALSE;
  if (lone >= 0 && rule == SB_ORPHAN_RULE_ENFORCE)
    {
      g_autofree char *description = sb_store_orphan_describe_seat (venue, (guint) lone);

      sb_op_set_error (op, SB_ERROR_LONE_SEAT, "This would leave %s on its own", description);
      g_clear_pointer (&op->conflicting_seats, g_strfreev);
      op->conflicting_seats = g_new0 (char *, 2);
      op->conflicting_seats[0] = g_strdup (sb_venue_get_seat (venue, (guint) lone)->id);
      return TRUE;
    }
  if (lone >= 0)
    op->result_lone_seat = g_strdup (sb_venue_get_seat (venue, (guint) lone)->id);

  left = seats_kept (booking, (const char *const *) seats);
  cancellation.event_id = op->event_id;
  cancellation.booking_id = booking->booking_id;
  cancellation.seat_ids = (const char *const *) seats;
  cancellation.seats_left = (const char *const *) left;
  cancellation.refund = op->result_refund;
  cancellation.reason = op->reason;
  cancellation.account = sb_op_recorded_account (op);
  cancellation.desk = op->client_id;
  cancellation.at_ms = now_ms;
  if (!funcs->cancel_booking_seats (backend, &cancellation, error))
    return FALSE;

  change = sb_change_new (op->event_id, version + 1);
  for (guint i = 0; seats[i] != NULL; i++)
    g_ptr_array_add (change->seats, sb_seat_change_new (seats[i], SB_SEAT_FREE, NULL));
  op->change = change;
  op->result_booking_id = g_strdup (booking->booking_id);
  op->result_seat_ids = g_steal_pointer (&seats);
  op->result_remaining_seats = g_steal_pointer (&left);
  return TRUE;
}
