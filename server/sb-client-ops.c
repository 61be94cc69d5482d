/* sb-client-ops.c: the requests that become store ops (hold, hold_best, extend, release, book,
 * cancel, block, unblock, move): the checks memory can answer exactly (ttl, seat ids, seats the
 * live state shows taken by others), the SbOp handed to the server, and the reply to its outcome
 * (sb_client_reply_op ()). */
#include "config.h"

#include "sb-client-private.h"

#include <string.h>

#include "sb-client-auth.h"
#include "sb-client-best.h"
#include "sb-live-event.h"
#include "sb-message.h"

static int
request_type_of_op (SbOpKind kind)
{
  switch (kind)
    {
      case SB_OP_HOLD:
        return SB_REQUEST_HOLD;
      case SB_OP_EXTEND:
        return SB_REQUEST_EXTEND;
      case SB_OP_RELEASE:
        return SB_REQUEST_RELEASE;
      case SB_OP_BOOK:
        return SB_REQUEST_BOOK;
      case SB_OP_HOLD_BEST:
        return SB_REQUEST_HOLD_BEST;
      case SB_OP_CANCEL:
        return SB_REQUEST_CANCEL;
      case SB_OP_BLOCK:
        return SB_REQUEST_BLOCK;
      case SB_OP_UNBLOCK:
        return SB_REQUEST_UNBLOCK;
      case SB_OP_MOVE:
        return SB_REQUEST_MOVE;
      case SB_OP_EXPIRE:
      default:
        return SB_METRICS_REQUEST_INVALID;
    }
}

void
sb_client_reply_op (SbClient *self, const SbOp *op)
{
  g_return_if_fail (SB_IS_CLIENT (self));
  g_return_if_fail (op != NULL);

  static const char *const no_seats[] = { NULL };
  int request_type = request_type_of_op (op->kind);
  gint64 now_ms = sb_now_ms ();
  const char *const *seats
      = (const char *const *) (op->result_seat_ids != NULL ? op->result_seat_ids : op->seat_ids);
  const char *hold_id = op->result_hold_id != NULL ? op->result_hold_id : op->hold_id;

  if (op->error != SB_ERROR_NONE)
    {
      const char *const *conflicts = NULL;
      const char *expired_hold = NULL;
      gint64 retry_after_ms = 0;

      if (op->error == SB_ERROR_NOT_ENOUGH_SEATS)
        {
          GString *out = _sb_client_new_reply ();

          sb_error_message_write_not_enough_seats (out, op->request_id, op->error_message,
                                                   op->result_available, op->replayed);
          _sb_client_send_reply (self, out);
          _sb_client_count (self, request_type, op->error);
          return;
        }
      if (op->error == SB_ERROR_SEAT_UNAVAILABLE || op->error == SB_ERROR_LONE_SEAT)
        conflicts = op->conflicting_seats != NULL ? (const char *const *) op->conflicting_seats
                                                  : no_seats;
      else if (op->error == SB_ERROR_HOLD_EXPIRED)
        expired_hold = hold_id;
      else if (op->error == SB_ERROR_RATE_LIMITED)
        retry_after_ms = 1000;
      _sb_client_send_error_full (self, request_type, op->request_id, op->error,
                                  op->error_message != NULL ? op->error_message
                                                            : sb_error_code_to_string (op->error),
                                  conflicts, expired_hold, retry_after_ms, op->replayed);
      return;
    }

  GString *out = _sb_client_new_reply ();
  switch (op->kind)
    {
      case SB_OP_HOLD:
      case SB_OP_HOLD_BEST:
      case SB_OP_EXTEND:
        sb_hold_message_write (
            out, op->kind == SB_OP_EXTEND ? SB_MESSAGE_EXTENDED : SB_MESSAGE_HELD, op->request_id,
            hold_id, op->event_id, seats, op->result_expires_at_ms, now_ms, op->replayed);
        break;
      case SB_OP_RELEASE:
        sb_released_message_write (out, op->request_id, hold_id, op->event_id, seats, op->replayed);
        break;
      case SB_OP_BOOK:
        sb_booked_message_write (out, op->request_id, op->result_booking_id, op->event_id, seats,
                                 op->replayed);
        break;
      case SB_OP_CANCEL:
        sb_cancelled_message_write (out, op->request_id, op->result_booking_id, op->event_id, seats,
                                    op->result_refund.kind, op->result_refund.amount,
                                    (const char *const *) op->result_remaining_seats, op->replayed);
        break;
      case SB_OP_BLOCK:
      case SB_OP_UNBLOCK:
        sb_blocked_message_write (out, op->kind == SB_OP_UNBLOCK, op->request_id, op->event_id,
                                  seats, op->replayed);
        break;
      case SB_OP_MOVE:
        {
          const SbClientHooks *hooks = _sb_client_get_hooks (self);
          SbLiveEvent *event = hooks->lookup_event (op->event_id, hooks->user_data);

          sb_moved_message_write (
              out, op->request_id, op->result_booking_id, op->event_id,
              (const char *const *) op->result_moved_from,
              (const char *const *) op->result_moved_to, seats, op->result_total_before,
              op->result_total_after,
              event != NULL ? sb_venue_get_currency (sb_live_event_get_venue (event)) : NULL,
              op->replayed);
        }
        break;
      case SB_OP_EXPIRE:
      default:
        g_string_free (out, TRUE);
        return;
    }
  if (op->result_lone_seat != NULL)
    sb_message_add_lone_seat (out, op->result_lone_seat);
  if (op->kind == SB_OP_RELEASE && op->result_remaining_seats != NULL)
    sb_message_add_remaining_seats (out, (const char *const *) op->result_remaining_seats);
  if (op->kind == SB_OP_BOOK && op->result_customer != NULL)
    sb_message_add_customer (out, op->result_customer);
  _sb_client_send_reply (self, out);
  _sb_client_count (self, request_type, SB_ERROR_NONE);
}

/* Requests */

/* Seat ids are checked against the venue here because it is exact and cheap (O(seats named));
 * everything about availability is the store's decision. */
static gboolean
check_seat_list (
    SbClient *self, SbRequest *request, SbLiveEvent *event, const char *field, char **seats)
{
  guint max_seats = _sb_client_get_settings (self)->max_seats_per_request;
  guint n_seats = seats != NULL ? g_strv_length (seats) : 0;

  if (n_seats == 0 || n_seats > max_seats)
    {
      g_autofree char *message
          = g_strdup_printf ("%s must name 1 to %u seats (got %u)", field, max_seats, n_seats);
      _sb_client_send_error (self, request->type, request->id, SB_ERROR_INVALID_REQUEST, message);
      return FALSE;
    }

  SbVenue *venue = sb_live_event_get_venue (event);
  for (guint i = 0; i < n_seats; i++)
    {
      if (!sb_venue_lookup_seat (venue, seats[i], NULL))
        {
          g_autofree char *message
              = g_strdup_printf ("Unknown seat %s in event %s", seats[i], request->event_id);
          _sb_client_send_error (self, request->type, request->id, SB_ERROR_INVALID_REQUEST,
                                 message);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_seats (SbClient *self, SbRequest *request, SbLiveEvent *event)
{
  return check_seat_list (self, request, event, "seats", request->seats);
}

/* Answers seat_unavailable from the live state, without the store, when a requested seat is
 * blocked, or (for a book) booked by another desk as memory shows it now. The answer is what the
 * store would say at this moment (memory applies a change, a cancellation's included, before the
 * reply or broadcast that announces it), and nothing is recorded: such a rejection carries no
 * "replayed", and a retry of the same id is judged again on the state it meets — after a
 * cancellation freed the seats it may succeed (docs/protocol.md, Identity and idempotency). A
 * retry of a book whose first attempt succeeded finds its seats booked by its own desk and goes
 * to the store, which replays it — unless that booking has been cancelled and another desk has
 * booked the seats since, when it is refused here. A hold is refused here only for blocked seats:
 * an earlier successful attempt of the same hold may have ended and its seats been booked by
 * another since, and its retry must replay "held" (unless a block took those seats since, when
it is refused here too, as docs/protocol.md says). TRUE when answered. */
static gboolean
refuse_final_seats (SbClient *self, SbRequest *request, SbLiveEvent *event, SbOpKind kind)
{
  SbVenue *venue = sb_live_event_get_venue (event);
  g_autoptr (GPtrArray) refused = NULL;

  for (guint i = 0; request->seats[i] != NULL; i++)
    {
      guint index;

      if (!sb_venue_lookup_seat (venue, request->seats[i], &index))
        continue;
      SbSeatState state = sb_live_event_get_seat_state (event, index);
      const char *booker = sb_live_event_get_seat_booker (event, index);
      if (state == SB_SEAT_BLOCKED
          || (kind == SB_OP_BOOK && state == SB_SEAT_BOOKED && booker != NULL
              && strcmp (booker, sb_client_get_client_id (self)) != 0))
        {
          if (refused == NULL)
            refused = g_ptr_array_new ();
          g_ptr_array_add (refused, request->seats[i]);
        }
    }
  if (refused == NULL)
    return FALSE;

  g_ptr_array_add (refused, NULL);
  const char *const *seats = (const char *const *) refused->pdata;
  g_autofree char *list = g_strjoinv (", ", (char **) seats);
  g_autofree char *message = g_strdup_printf ("Seats %s are not available", list);
  _sb_client_send_error_full (self, request->type, request->id, SB_ERROR_SEAT_UNAVAILABLE, message,
                              seats, NULL, 0, FALSE);
  return TRUE;
}

static gboolean
check_ttl (SbClient *self, SbRequest *request, gint64 *out_ttl_ms)
{
  gint64 ttl = request->ttl_seconds == 0 ? SB_DEFAULT_HOLD_TTL_SECONDS : request->ttl_seconds;

  if (ttl < SB_MIN_HOLD_TTL_SECONDS || ttl > SB_MAX_HOLD_TTL_SECONDS)
    {
      g_autofree char *message = g_strdup_printf ("ttl must be %d to %d seconds",
                                                  SB_MIN_HOLD_TTL_SECONDS, SB_MAX_HOLD_TTL_SECONDS);
      _sb_client_send_error (self, request->type, request->id, SB_ERROR_INVALID_REQUEST, message);
      return FALSE;
    }
  *out_ttl_ms = ttl * 1000;
  return TRUE;
}

static SbOp *
new_op (SbClient *self, SbOpKind kind, SbRequest *request, const char *event_id)
{
  SbOp *op = sb_op_new (kind, event_id, sb_client_get_client_id (self), request->id);
  /* Signed in: the hold or booking is the account's, whichever desk it came from. */
  op->account = g_strdup (_sb_client_get_auth (self)->username);

  op->now_ms = sb_now_ms ();
  op->user_data = GSIZE_TO_POINTER ((gsize) sb_client_get_serial (self));
  return op;
}

void
_sb_client_handle_op_request (SbClient *self, SbRequest *request)
{
  const SbClientHooks *hooks = _sb_client_get_hooks (self);
  SbLiveEvent *event = NULL;
  gint64 ttl_ms = 0;
  SbOpKind kind;

  if (hooks->is_shutting_down (hooks->user_data))
    {
      _sb_client_send_error (self, request->type, request->id, SB_ERROR_UNAVAILABLE,
                             "The server is shutting down; retry with the same id");
      return;
    }

  switch (request->type)
    {
      case SB_REQUEST_HOLD:
        kind = SB_OP_HOLD;
        break;
      case SB_REQUEST_EXTEND:
        kind = SB_OP_EXTEND;
        break;
      case SB_REQUEST_RELEASE:
        kind = SB_OP_RELEASE;
        break;
      case SB_REQUEST_BOOK:
        kind = SB_OP_BOOK;
        break;
      case SB_REQUEST_HOLD_BEST:
        kind = SB_OP_HOLD_BEST;
        break;
      case SB_REQUEST_CANCEL:
        kind = SB_OP_CANCEL;
        break;
      case SB_REQUEST_BLOCK:
        kind = SB_OP_BLOCK;
        break;
      case SB_REQUEST_UNBLOCK:
        kind = SB_OP_UNBLOCK;
        break;
      case SB_REQUEST_MOVE:
        kind = SB_OP_MOVE;
        break;
      default:
        g_assert_not_reached ();
    }

  if ((kind == SB_OP_HOLD || kind == SB_OP_EXTEND || kind == SB_OP_HOLD_BEST)
      && !check_ttl (self, request, &ttl_ms))
    return;

  if (kind == SB_OP_HOLD_BEST)
    {
      g_autofree char *problem = NULL;

      event = _sb_client_lookup_event_or_reply (self, request);
      if (event == NULL)
        return;
      if ((problem = sb_client_best_check (event, request)) != NULL)
        {
          _sb_client_send_error (self, request->type, request->id, SB_ERROR_INVALID_REQUEST,
                                 problem);
          return;
        }
    }
  else if (kind == SB_OP_HOLD || (kind == SB_OP_BOOK && request->hold_id == NULL))
    {
      event = _sb_client_lookup_event_or_reply (self, request);
      if (event == NULL || !check_seats (self, request, event)
          || refuse_final_seats (self, request, event, kind))
        return;
    }
  else if (kind == SB_OP_BLOCK || kind == SB_OP_UNBLOCK)
    {
      event = _sb_client_lookup_event_or_reply (self, request);
      if (event == NULL || !check_seats (self, request, event))
        return;
    }
  else if (kind == SB_OP_MOVE)
    {
      /* Which seats the booking has, and whether the targets can be had, is the store's to say
       * (all or nothing, in its transaction); the ids can be checked here. */
      event = _sb_client_lookup_event_or_reply (self, request);
      if (event == NULL
          || (request->from != NULL
              && !check_seat_list (self, request, event, "from", request->from))
          || !check_seat_list (self, request, event, "to", request->to))
        return;
    }
  else if (kind == SB_OP_CANCEL)
    {
      /* Which seats the booking has is the store's to say; their ids can be checked here. */
      event = _sb_client_lookup_event_or_reply (self, request);
      if (event == NULL || (request->seats != NULL && !check_seats (self, request, event)))
        return;
    }
  else
    {
      /* By hold (a release naming seats too: which seats the hold has is the store's to say,
       * and it refuses any other, unknown ones included): the event is the hold's. A hold memory
       * does not know (ended, expired, never existed, or a retry of a request that ended it) still
       * goes to the store, which knows which of these it is and keeps the outcome of a retried
       * request. */
      event = hooks->lookup_hold_event (request->hold_id, hooks->user_data);
    }

  SbOp *op = new_op (self, kind, request, event != NULL ? sb_live_event_get_id (event) : NULL);
  op->seat_ids = g_strdupv (request->seats);
  op->hold_id = g_strdup (request->hold_id);
  op->ttl_ms = ttl_ms;
  op->customer = sb_customer_copy (request->customer);
  /* sb_client_auth_check () refused it to an account below manager. */
  op->override_orphan_rule = request->override_orphan_rule;
  if (kind == SB_OP_HOLD_BEST)
    sb_client_best_fill_op (op, request);
  if (kind == SB_OP_MOVE)
    {
      op->booking_id = g_strdup (request->booking_id);
      op->seat_ids = g_strdupv (request->from);
      op->move_to = g_strdupv (request->to);
    }
  if (kind == SB_OP_CANCEL)
    {
      op->booking_id = g_strdup (request->booking_id);
      op->refund.kind = request->refund_kind;
      op->refund.amount = request->refund_amount;
    }
  if (kind == SB_OP_CANCEL || kind == SB_OP_BLOCK || kind == SB_OP_UNBLOCK)
    op->reason = g_strdup (request->reason);
  hooks->submit_op (op, hooks->user_data);
}
