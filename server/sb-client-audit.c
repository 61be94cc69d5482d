/* sb-client-audit.c: `audit` → `audit_log` (sb-client-audit.h). The request's limits (event
 * required, limit 1–1000) are checked by the request parser; here the event must exist, and the
 * read goes to the store worker so that the main loop never waits for the store. */
#include "config.h"

#include "sb-client-audit.h"
#include "sb-client-private.h"

#include "sb-client-auth.h"
#include "sb-live-event.h"
#include "sb-message.h"

void
sb_client_audit_request (SbClient *client, const SbRequest *request)
{
  const SbClientHooks *hooks = _sb_client_get_hooks (client);

  if (request->event_id == NULL
      || hooks->lookup_event (request->event_id, hooks->user_data) == NULL)
    {
      g_autofree char *message = g_strdup_printf ("No event %s", request->event_id);

      _sb_client_send_error (client, SB_REQUEST_AUDIT, request->id, SB_ERROR_NOT_FOUND, message);
      return;
    }

  SbAuditQuery query = {
    .event_id = request->event_id,
    .since_ms = request->since > 0 ? request->since : 0,
    .seat_id = request->seat_id,
    .booking_id = request->booking_id,
    .limit = request->limit > 0 ? (guint) request->limit : SB_AUDIT_DEFAULT_LIMIT,
  };
  hooks->fetch_audit (sb_client_get_serial (client), request->id, &query, hooks->user_data);
}

void
sb_client_finish_audit (SbClient *self,
                        const char *request_id,
                        const char *event_id,
                        GPtrArray *records,
                        const GError *error)
{
  g_return_if_fail (SB_IS_CLIENT (self));

  if (records == NULL)
    {
      g_warning ("Event %s: reading the audit trail failed: %s", event_id,
                 error != NULL ? error->message : "no answer");
      _sb_client_send_error (self, SB_REQUEST_AUDIT, request_id, SB_ERROR_UNAVAILABLE,
                             "The audit trail cannot be read now; retry later");
      return;
    }

  GString *out = g_string_sized_new (128 + 160 * records->len);

  sb_audit_log_message_write_begin (out, request_id, event_id);
  for (guint i = 0; i < records->len; i++)
    {
      const SbAuditRecord *record = g_ptr_array_index (records, i);

      sb_audit_entry_write (out, record->at_ms, record->account, record->desk, record->action,
                            (const char *const *) record->seat_ids, record->hold_id,
                            record->booking_id, record->detail);
    }
  sb_audit_log_message_write_end (out);
  sb_client_send_text (self, g_string_free (out, FALSE));
  sb_metrics_count_request (_sb_client_get_metrics (self), SB_REQUEST_AUDIT, SB_ERROR_NONE);
}
