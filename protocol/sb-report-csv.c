/* sb-report-csv.c: a report as CSV (sb-report-csv.h). */
#include "config.h"

#include "sb-csv.h"
#include "sb-report-csv.h"

enum
{
  KIND,
  KEY,
  PRICE,
  SOLD,
  HELD,
  FREE,
  BLOCKED,
  SEATS,
  GROSS,
  REFUNDED,
  NET,
  CURRENCY,
  N_COLUMNS
};

static const char *const columns[N_COLUMNS] = {
  "kind", "key", "price", "sold", "held", "free", "blocked", "seats", "gross", "refunded", "net",
  "currency",
};

typedef struct
{
  char *fields[N_COLUMNS];
} Record;

static void
record_set (Record *record, guint column, gint64 value)
{
  g_free (record->fields[column]);
  record->fields[column] = g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

static void
record_write (GString *out, Record *record, const char *kind, const char *key, const char *currency)
{
  record->fields[KIND] = g_strdup (kind);
  record->fields[KEY] = g_strdup (key);
  record->fields[CURRENCY] = g_strdup (currency);
  sb_csv_append_record (out, (const char *const *) record->fields, N_COLUMNS);
  for (guint i = 0; i < N_COLUMNS; i++)
    g_clear_pointer (&record->fields[i], g_free);
}

static void
write_sales (GString *out, GPtrArray *sales, const char *kind, const char *currency)
{
  for (guint i = 0; sales != NULL && i < sales->len; i++)
    {
      const SbReportSalesFigures *figures = g_ptr_array_index (sales, i);
      Record record = { 0 };

      record_set (&record, SEATS, figures->seats);
      record_set (&record, GROSS, figures->gross);
      record_write (out, &record, kind, figures->key, currency);
    }
}

void
sb_report_write_csv (GString *out, const SbReportMessage *report)
{
  const char *currency;
  Record record = { 0 };

  g_return_if_fail (out != NULL && report != NULL);

  currency = report->currency != NULL ? report->currency : "";
  sb_csv_append_record (out, columns, N_COLUMNS);
  for (guint i = 0; report->categories != NULL && i < report->categories->len; i++)
    {
      const SbReportCategoryFigures *figures = g_ptr_array_index (report->categories, i);

      record_set (&record, PRICE, figures->price);
      record_set (&record, SOLD, figures->sold);
      record_set (&record, HELD, figures->held);
      record_set (&record, FREE, figures->free);
      record_set (&record, BLOCKED, figures->blocked);
      record_write (out, &record, "category", figures->category, currency);
    }
  record_set (&record, SEATS, report->seats);
  record_set (&record, GROSS, report->gross);
  record_set (&record, REFUNDED, report->refunded);
  record_set (&record, NET, report->net);
  record_write (out, &record, "revenue", "", currency);
  write_sales (out, report->days, "day", currency);
  write_sales (out, report->accounts, "account", currency);
}
