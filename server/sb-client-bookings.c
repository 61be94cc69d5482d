/* sb-client-bookings.c: `find_bookings` → `bookings` (sb-client-bookings.h). The request's fields
 * are checked by the parser; here the event must exist, the search goes to the store worker so
 * that the main loop never waits for the store, and the prices come from the event's venue in
 * memory when the answer is back. */
#include "config.h"

#include "sb-client-bookings.h"
#include "sb-client-private.h"

#include "sb-client-auth.h"
#include "sb-live-event.h"
#include "sb-message-bookings.h"
#include "sb-message.h"

void
sb_client_find_bookings_request (SbClient *client, const SbRequest *request)
{
  const SbClientHooks *hooks = _sb_client_get_hooks (client);
  SbBookingQuery query = {
    .event_id = request->event_id,
    .after = request->after,
    .limit = request->limit > 0 ? (guint) request->limit : SB_DEFAULT_FIND_LIMIT,
  };

  if (request->event_id == NULL
      || hooks->lookup_event (request->event_id, hooks->user_data) == NULL)
    {
      g_autofree char *message = g_strdup_printf ("No event %s", request->event_id);

      _sb_client_send_error (client, SB_REQUEST_FIND_BOOKINGS, request->id, SB_ERROR_NOT_FOUND,
                             message);
      return;
    }

  /* The parser lets through at most one criterion. */
  if (request->reference != NULL)
    query.by = SB_BOOKING_SEARCH_REFERENCE, query.value = request->reference;
  else if (request->name != NULL)
    query.by = SB_BOOKING_SEARCH_NAME, query.value = request->name;
  else if (request->phone != NULL)
    query.by = SB_BOOKING_SEARCH_PHONE, query.value = request->phone;
  else if (request->email != NULL)
    query.by = SB_BOOKING_SEARCH_EMAIL, query.value = request->email;
  else if (request->seat_id != NULL)
    query.by = SB_BOOKING_SEARCH_SEAT, query.value = request->seat_id;
  else
    query.by = SB_BOOKING_SEARCH_ALL;
  hooks->fetch_bookings (sb_client_get_serial (client), request->id, &query, hooks->user_data);
}

void
sb_client_finish_find_bookings (SbClient *self,
                                const char *request_id,
                                const char *event_id,
                                GPtrArray *records,
                                const char *next,
                                const GError *error)
{
  const SbClientHooks *hooks;
  SbLiveEvent *event;
  SbVenue *venue;
  GString *out;

  g_return_if_fail (SB_IS_CLIENT (self));

  if (records == NULL && g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
    {
      /* The cursor names no booking of the event: the client's mistake, not the store's. */
      _sb_client_send_error (self, SB_REQUEST_FIND_BOOKINGS, request_id, SB_ERROR_INVALID_REQUEST,
                             "field \"after\" names no booking of this event");
      return;
    }
  hooks = _sb_client_get_hooks (self);
  event = hooks->lookup_event (event_id, hooks->user_data);
  if (records == NULL || event == NULL)
    {
      g_warning ("Event %s: finding bookings failed: %s", event_id,
                 error != NULL ? error->message : "the event is gone");
      _sb_client_send_error (self, SB_REQUEST_FIND_BOOKINGS, request_id, SB_ERROR_UNAVAILABLE,
                             "Bookings cannot be searched now; retry later");
      return;
    }

  venue = sb_live_event_get_venue (event);
  out = g_string_sized_new (128 + 256 * records->len);
  sb_bookings_message_write_begin (out, request_id, event_id);
  for (guint i = 0; i < records->len; i++)
    {
      const SbBookingRecord *record = g_ptr_array_index (records, i);

      sb_bookings_entry_write (out, record->booking_id, (const char *const *) record->seat_ids,
                               record->account, record->desk, record->customer,
                               record->booked_at_ms, sb_booking_record_total_price (record, venue),
                               record->state);
    }
  sb_bookings_message_write_end (out, next);
  sb_client_send_text (self, g_string_free (out, FALSE));
  sb_metrics_count_request (_sb_client_get_metrics (self), SB_REQUEST_FIND_BOOKINGS, SB_ERROR_NONE);
}
