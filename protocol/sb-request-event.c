/* sb-request-event.c: the values of create_event (sb-request-private.h), apart from the parser
 * (sb-request.c) that takes them. */
#include "sb-request-private.h"

#include "sb-event-time.h"
#include "sb-orphan-rule.h"

gboolean
_sb_request_check_event (SbRequest *request, GError **error)
{
  const char *names[] = { "starts_at", "sales_open", "sales_close" };
  const char *texts[] = { request->starts_at, request->sales_open, request->sales_close };
  gint64 *values[] = { &request->starts_at_ms, &request->sales_open_ms, &request->sales_close_ms };
  SbOrphanRule rule;

  /* The time zone first: the times without an offset are read in it. */
  if (request->time_zone != NULL && !sb_time_zone_name_is_valid (request->time_zone))
    {
      g_set_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST,
                   "field \"time_zone\": \"%s\" is not a known time zone (an IANA name such as "
                   "\"Europe/Berlin\")",
                   request->time_zone);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (texts[i] != NULL && !sb_event_time_parse (texts[i], request->time_zone, values[i]))
      {
        g_set_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST,
                     "field \"%s\" must be an ISO 8601 date and time after 1970, such as "
                     "\"2026-03-28T19:30:00\" (in \"time_zone\") or \"2026-03-28T19:30:00+01:00\"",
                     names[i]);
        return FALSE;
      }
  if (request->sales_open_ms != 0 && request->sales_close_ms != 0
      && request->sales_close_ms <= request->sales_open_ms)
    {
      g_set_error_literal (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST,
                           "field \"sales_close\" must be after \"sales_open\"");
      return FALSE;
    }
  if (request->orphan_rule != NULL && !sb_orphan_rule_from_string (request->orphan_rule, &rule))
    {
      g_set_error_literal (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST,
                           "field \"orphan_rule\" must be \"off\", \"warn\" or \"enforce\"");
      return FALSE;
    }
  return TRUE;
}
