/* sb-report-commands.c: `seatbook-server report` (sb-report-commands.h). The same report as the
 * `report` request (sb_store_report ()), printed by the table writer the app's export uses
 * (protocol/sb-report-csv.c): one figure per line. */
#include "config.h"

#include "sb-report-commands.h"

#include <stdio.h>
#include <string.h>

#include "sb-booking-commands.h"
#include "sb-report-csv.h"
#include "sb-server-private.h"
#include "sb-store-report.h"

const char sb_command_report_summary[]
    = "seatbook-server report --event=ID [--format=csv|text]\n"
      "Prints an event's report, one figure per line: section, key, figure, value.\n"
      "  event     (key empty) id, currency, seats, time_zone\n"
      "  category  (key: the category id) price, sold, held, free, blocked\n"
      "  revenue   (key empty) gross, refunded, net\n"
      "  day       (key: YYYY-MM-DD, the event's local day in time_zone) seats, gross\n"
      "  account   (key: the account) seats, gross\n"
      "Money is in minor units of the venue's currency (cents). A seat is exactly one of sold, "
      "held, free and blocked; gross counts every seat ever sold, also those cancelled since, "
      "and refunded what the cancellations refunded.";

gboolean
sb_command_report_parse (SbServerSettings *s, char **event, const char *format, GError **error)
{
  g_return_val_if_fail (s != NULL && event != NULL, FALSE);

  if (*event == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "report needs --event");
      return FALSE;
    }
  if (format != NULL && strcmp (format, "csv") != 0 && strcmp (format, "text") != 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Invalid value '%s' for format: expected csv or text", format);
      return FALSE;
    }
  s->audit_csv = g_strcmp0 (format, "csv") == 0;
  s->event_id = g_steal_pointer (event);
  return TRUE;
}

gboolean
sb_command_report (const SbServerSettings *settings, GError **error)
{
  g_return_val_if_fail (settings != NULL && settings->event_id != NULL, FALSE);

  g_autoptr (GError) local_error = NULL;
  g_autoptr (SbStore) store = _sb_server_open_store (settings, error);
  g_autoptr (SbVenue) venue = NULL;
  g_autofree char *time_zone = NULL;
  g_autoptr (SbEventReport) report = NULL;
  g_autoptr (SbReportMessage) message = NULL;
  g_autoptr (GString) out = g_string_new (NULL);

  if (store == NULL)
    return FALSE;
  venue = sb_command_load_event_venue (store, settings->event_id, &time_zone, &local_error);
  if (venue != NULL)
    report = sb_store_report (store, settings->event_id, venue, time_zone, &local_error);
  if (report == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "Cannot report: ");
      return FALSE;
    }

  message = sb_event_report_to_message (report);
  sb_report_write_table (out, message, settings->audit_csv);
  fwrite (out->str, 1, out->len, stdout);
  return fflush (stdout) == 0;
}
