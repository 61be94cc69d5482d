/* sb-stored-hold.c: a hold as a backend stores it, and whose it is (sb-store-backend-private.h):
 * what the booking rules (sb-store-rules.c) ask of every hold an op names. */
#include "config.h"

#include "sb-store-backend-private.h"

SbStoredHold *
sb_stored_hold_new (const char *hold_id,
                    const char *event_id,
                    const char *client_id,
                    const char *account,
                    const char *status,
                    char **seat_ids,
                    gint64 expires_at_ms)
{
  SbStoredHold *hold = g_new0 (SbStoredHold, 1);

  hold->hold_id = g_strdup (hold_id);
  hold->event_id = g_strdup (event_id);
  hold->client_id = g_strdup (client_id);
  hold->account = g_strdup (account);
  hold->status = g_strdup (status);
  hold->seat_ids = seat_ids != NULL ? seat_ids : g_new0 (char *, 1);
  hold->expires_at_ms = expires_at_ms;
  return hold;
}

void
sb_stored_hold_free (SbStoredHold *hold)
{
  if (hold == NULL)
    return;
  g_free (hold->hold_id);
  g_free (hold->event_id);
  g_free (hold->client_id);
  g_free (hold->account);
  g_free (hold->status);
  g_strfreev (hold->seat_ids);
  g_free (hold);
}

/* Ownership */

/* The account what the op writes is recorded under: the signed-in one, or the placeholder when
 * accounts are off. */
const char *
sb_op_recorded_account (const SbOp *op)
{
  return op->account != NULL ? op->account : SB_LEGACY_ACCOUNT;
}

/* Whether the op may act on the hold. A hold belongs to its account, from any desk (protocol 2);
 * with accounts off (the op has no account) it belongs to the desk that made it, as in protocol 1.
 * A hold made with accounts off belongs to the placeholder, which no one signs in as. */
gboolean
sb_stored_hold_is_ops (const SbOp *op, const SbStoredHold *hold)
{
  if (op->account != NULL)
    return g_strcmp0 (op->account, hold->account) == 0;
  return g_strcmp0 (op->client_id, hold->client_id) == 0;
}

SbStoredBooking *
sb_stored_booking_new (const char *booking_id,
                       const char *event_id,
                       const char *client_id,
                       const char *account,
                       const char *status,
                       char **seat_ids)
{
  SbStoredBooking *booking = g_new0 (SbStoredBooking, 1);

  booking->booking_id = g_strdup (booking_id);
  booking->event_id = g_strdup (event_id);
  booking->client_id = g_strdup (client_id);
  booking->account = g_strdup (account);
  booking->status = g_strdup (status);
  booking->seat_ids = seat_ids != NULL ? seat_ids : g_new0 (char *, 1);
  return booking;
}

void
sb_stored_booking_free (SbStoredBooking *booking)
{
  if (booking == NULL)
    return;
  g_free (booking->booking_id);
  g_free (booking->event_id);
  g_free (booking->client_id);
  g_free (booking->account);
  g_free (booking->status);
  g_strfreev (booking->seat_ids);
  g_free (booking);
}
