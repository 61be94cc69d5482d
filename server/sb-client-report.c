/* sb-client-report.c: `report` → `report` (sb-client-report.h). The event must exist; the report
 * is read by the store worker (sb_store_report (): counts from the store's state of the event,
 * sales and refunds from its bookings and cancellations), so that the main loop never waits for
 * the store, and is written here from its figures. Days are the event's local days, in its time
 * zone (UTC for an event without one). */
#include "config.h"

#include "sb-client-report.h"
#include "sb-client-private.h"

#include "sb-client-auth.h"
#include "sb-live-event.h"
#include "sb-message.h"

void
sb_client_report_request (SbClient *client, const SbRequest *request)
{
  const SbClientHooks *hooks = _sb_client_get_hooks (client);
  SbLiveEvent *event = request->event_id != NULL
                           ? hooks->lookup_event (request->event_id, hooks->user_data)
                           : NULL;

  if (event == NULL)
    {
      g_autofree char *message = g_strdup_printf ("No event %s", request->event_id);

      _sb_client_send_error (client, SB_REQUEST_REPORT, request->id, SB_ERROR_NOT_FOUND, message);
      return;
    }
  hooks->fetch_report (sb_client_get_serial (client), request->id, request->event_id,
                       sb_live_event_get_venue (event), sb_live_event_get_time_zone (event),
                       hooks->user_data);
}

void
sb_client_finish_report (SbClient *self,
                         const char *request_id,
                         const char *event_id,
                         const SbEventReport *report,
                         const GError *error)
{
  g_autoptr (SbReportMessage) message = NULL;
  GString *out;

  g_return_if_fail (SB_IS_CLIENT (self));

  if (report == NULL)
    {
      g_warning ("Event %s: reading its report failed: %s", event_id,
                 error != NULL ? error->message : "unknown error");
      _sb_client_send_error (self, SB_REQUEST_REPORT, request_id, SB_ERROR_UNAVAILABLE,
                             "The report cannot be read now; retry later");
      return;
    }

  message = sb_event_report_to_message (report);
  out = g_string_sized_new (512 + 64 * (report->days->len + report->accounts->len));
  sb_report_message_write (out, request_id, message);
  sb_client_send_text (self, g_string_free (out, FALSE));
  sb_metrics_count_request (_sb_client_get_metrics (self), SB_REQUEST_REPORT, SB_ERROR_NONE);
}
