/* sb-report-commands.c: `seatbook-server report` (sb-report-commands.h). The same report as the
 * `report` request (sb_store_report ()), printed one figure per line so that a script picks what
 * it needs by its first and third columns, and so that a report with many days or accounts is
 * still one table. */
#include "config.h"

#include "sb-report-commands.h"

#include <stdio.h>
#include <string.h>

#include "sb-audit-commands.h"
#include "sb-booking-commands.h"
#include "sb-server-private.h"
#include "sb-store-report.h"

const char sb_command_report_summary[]
    = "seatbook-server report --event=ID [--format=csv|text]\n"
      "Prints an event's report, one figure per line: section, key, figure, value.\n"
      "  event     (key empty) id, currency, seats, time_zone\n"
      "  category  (key: the category id) price, sold, held, free, blocked\n"
      "  revenue   (key empty) gross, refunded, net\n"
      "  day       (key: YYYY-MM-DD, UTC) seats, gross\n"
      "  account   (key: the account) seats, gross\n"
      "Money is in minor units of the venue's currency (cents). A seat is exactly one of sold, "
      "held, free and blocked; gross counts every seat ever sold, also those cancelled since, "
      "and refunded what the cancellations refunded.";

static const char *const columns[] = { "section", "key", "figure", "value" };

static void
append_row (GString *out,
            gboolean csv,
            const char *section,
            const char *key,
            const char *figure,
            const char *value)
{
  const char *fields[] = { section, key, figure, value };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      if (i > 0)
        g_string_append_c (out, csv ? ',' : '\t');
      if (csv)
        sb_audit_append_csv_field (out, fields[i]);
      else
        {
          /* An account or a category id may hold anything: neither may break a line or a column. */
          g_autofree char *plain = g_strdup (fields[i]);

          g_string_append (out, g_strdelimit (plain, "\t\r\n", ' '));
        }
    }
  g_string_append (out, csv ? "\r\n" : "\n");
}

static void
append_number (GString *out,
               gboolean csv,
               const char *section,
               const char *key,
               const char *figure,
               gint64 value)
{
  char number[32];

  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, value);
  append_row (out, csv, section, key, figure, number);
}

static void
append_sales (GString *out, gboolean csv, const char *section, const GPtrArray *sales)
{
  for (guint i = 0; i < sales->len; i++)
    {
      const SbReportSales *entry = g_ptr_array_index (sales, i);

      append_number (out, csv, section, entry->key, "seats", entry->seats);
      append_number (out, csv, section, entry->key, "gross", entry->gross);
    }
}

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
  g_autoptr (SbEventReport) report = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  gboolean csv = settings->audit_csv;

  if (store == NULL)
    return FALSE;
  venue = sb_command_load_event_venue (store, settings->event_id, &local_error);
  if (venue != NULL)
    report = sb_store_report (store, settings->event_id, venue, &local_error);
  if (report == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "Cannot report: ");
      return FALSE;
    }

  if (csv)
    g_string_append_printf (out, "%s,%s,%s,%s\r\n", columns[0], columns[1], columns[2], columns[3]);
  append_row (out, csv, "event", "", "id", report->event_id);
  append_row (out, csv, "event", "", "currency", report->currency);
  append_number (out, csv, "event", "", "seats", report->n_seats);
  append_row (out, csv, "event", "", "time_zone", "UTC");
  for (guint i = 0; i < report->categories->len; i++)
    {
      const SbReportCategory *c = g_ptr_array_index (report->categories, i);

      append_number (out, csv, "category", c->category_id, "price", c->price);
      append_number (out, csv, "category", c->category_id, "sold", c->sold);
      append_number (out, csv, "category", c->category_id, "held", c->held);
      append_number (out, csv, "category", c->category_id, "free", c->free);
      append_number (out, csv, "category", c->category_id, "blocked", c->blocked);
    }
  append_number (out, csv, "revenue", "", "gross", report->gross);
  append_number (out, csv, "revenue", "", "refunded", report->refunded);
  append_number (out, csv, "revenue", "", "net", report->net);
  append_sales (out, csv, "day", report->days);
  append_sales (out, csv, "account", report->accounts);

  fwrite (out->str, 1, out->len, stdout);
  return fflush (stdout) == 0;
}
