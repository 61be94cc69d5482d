/* sb-report-csv.c: a report as a table (sb-report-csv.h). */
#include "config.h"

#include "sb-csv.h"
#include "sb-report-csv.h"

static const char *const columns[] = { "section", "key", "figure", "value" };

/* value_is_number: the value is a figure (a negative one keeps its minus in CSV); otherwise it is
 * text like the key (an account, a category id), which CSV guards against formulas. */
static void
append_row (GString *out,
            gboolean csv,
            const char *section,
            const char *key,
            const char *figure,
            const char *value,
            gboolean value_is_number)
{
  const char *fields[] = { section, key != NULL ? key : "", figure, value != NULL ? value : "" };

  if (csv)
    {
      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          if (i == 3 && value_is_number)
            sb_csv_append_figure (out, fields[i]);
          else
            sb_csv_append_field (out, fields[i]);
        }
      g_string_append (out, "\r\n");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      /* An account or a category id may hold anything: neither may break a line or a column. */
      g_autofree char *plain = g_strdup (fields[i]);

      if (i > 0)
        g_string_append_c (out, '\t');
      g_string_append (out, g_strdelimit (plain, "\t\r\n", ' '));
    }
  g_string_append_c (out, '\n');
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
  append_row (out, csv, section, key, figure, number, TRUE);
}

static void
append_sales (GString *out, gboolean csv, const char *section, const GPtrArray *sales)
{
  for (guint i = 0; sales != NULL && i < sales->len; i++)
    {
      const SbReportSalesFigures *entry = g_ptr_array_index (sales, i);

      append_number (out, csv, section, entry->key, "seats", entry->seats);
      append_number (out, csv, section, entry->key, "gross", entry->gross);
    }
}

void
sb_report_write_table (GString *out, const SbReportMessage *report, gboolean csv)
{
  g_return_if_fail (out != NULL && report != NULL);

  if (csv)
    sb_csv_append_record (out, columns, G_N_ELEMENTS (columns));
  append_row (out, csv, "event", "", "id", report->event, FALSE);
  append_row (out, csv, "event", "", "currency", report->currency, FALSE);
  append_number (out, csv, "event", "", "seats", report->seats);
  append_row (out, csv, "event", "", "time_zone", report->time_zone, FALSE);
  for (guint i = 0; report->categories != NULL && i < report->categories->len; i++)
    {
      const SbReportCategoryFigures *c = g_ptr_array_index (report->categories, i);

      append_number (out, csv, "category", c->category, "price", c->price);
      append_number (out, csv, "category", c->category, "sold", c->sold);
      append_number (out, csv, "category", c->category, "held", c->held);
      append_number (out, csv, "category", c->category, "free", c->free);
      append_number (out, csv, "category", c->category, "blocked", c->blocked);
    }
  append_number (out, csv, "revenue", "", "gross", report->gross);
  append_number (out, csv, "revenue", "", "refunded", report->refunded);
  append_number (out, csv, "revenue", "", "net", report->net);
  append_sales (out, csv, "day", report->days);
  append_sales (out, csv, "account", report->accounts);
}
