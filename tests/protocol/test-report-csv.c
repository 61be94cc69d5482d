/* test-report-csv.c: a report as a table (protocol/sb-report-csv.c), read back as a script
 * would: the header's columns, one figure per record, fields quoted where they must be; and the
 * same lines tab-separated. */
#include "config.h"

#include <string.h>

#include "sb-csv.h"
#include "sb-report-csv.h"

/* RFC 4180 records: fields split at commas outside quotes, doubled quotes undone. */
static GPtrArray *
read_csv (const char *text)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) field = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            g_string_append_c (field, *p++);
          else if (*p == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, *p);
        }
      else if (*p == '"')
        quoted = TRUE;
      else if (*p == ',')
        g_ptr_array_add (fields, g_strdup (field->str)), g_string_truncate (field, 0);
      else if (*p == '\r' && p[1] == '\n')
        {
          g_ptr_array_add (fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          g_ptr_array_add (fields, NULL);
          g_ptr_array_add (records, g_ptr_array_free (g_steal_pointer (&fields), FALSE));
          fields = g_ptr_array_new_with_free_func (g_free);
          p++;
        }
      else
        {
          g_assert_true (*p != '\n' && *p != '\r'); /* line breaks only inside quotes, CRLF */
          g_string_append_c (field, *p);
        }
    }
  g_assert_false (quoted);
  g_assert_cmpuint (field->len, ==, 0);
  g_assert_cmpuint (fields->len, ==, 0);
  return records;
}

/* The record of section/key/figure, checked to have four fields. */
static const char *
value_of (GPtrArray *records, const char *section, const char *key, const char *figure)
{
  for (guint i = 1; i < records->len; i++)
    {
      char **record = g_ptr_array_index (records, i);

      g_assert_cmpuint (g_strv_length (record), ==, 4);
      if (g_str_equal (record[0], section) && g_str_equal (record[1], key)
          && g_str_equal (record[2], figure))
        return record[3];
    }
  return NULL;
}

static void
test_report (void)
{
  g_autoptr (SbReportMessage) report = sb_report_message_new ();
  g_autoptr (GString) csv = g_string_new (NULL);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GPtrArray) records = NULL;
  g_auto (GStrv) lines = NULL;
  char **header;

  report->event = g_strdup ("gala");
  report->currency = g_strdup ("EUR");
  report->seats = 10;
  sb_report_message_add_category (report, "stalls", 4500, 3, 1, 2, 0);
  sb_report_message_add_category (report, "box", 9000, 1, 0, 2, 1);
  report->gross = 3 * 4500 + 2 * 9000;
  report->refunded = 9000;
  report->net = report->gross - report->refunded;
  report->time_zone = g_strdup ("Europe/Berlin");
  sb_report_message_add_sales (report->days, "2026-12-01", 2, 9000);
  sb_report_message_add_sales (report->days, "2026-12-02", 3, 22500);
  sb_report_message_add_sales (report->accounts, "anna", 4, 27000);
  sb_report_message_add_sales (report->accounts, "box office, \"north\"", 1, 4500);

  sb_report_write_table (csv, report, TRUE);
  records = read_csv (csv->str);
  /* header, 4 event, 5 per category, 3 revenue, 2 per day and per account */
  g_assert_cmpuint (records->len, ==, 1 + 4 + 2 * 5 + 3 + 2 * 2 + 2 * 2);
  header = g_ptr_array_index (records, 0);
  g_assert_cmpstrv (header, ((const char *const[]){ "section", "key", "figure", "value", NULL }));
  g_assert_cmpstr (value_of (records, "event", "", "id"), ==, "gala");
  g_assert_cmpstr (value_of (records, "event", "", "currency"), ==, "EUR");
  g_assert_cmpstr (value_of (records, "event", "", "seats"), ==, "10");
  g_assert_cmpstr (value_of (records, "event", "", "time_zone"), ==, "Europe/Berlin");
  g_assert_cmpstr (value_of (records, "category", "stalls", "price"), ==, "4500");
  g_assert_cmpstr (value_of (records, "category", "stalls", "sold"), ==, "3");
  g_assert_cmpstr (value_of (records, "category", "stalls", "held"), ==, "1");
  g_assert_cmpstr (value_of (records, "category", "stalls", "free"), ==, "2");
  g_assert_cmpstr (value_of (records, "category", "box", "blocked"), ==, "1");
  g_assert_cmpstr (value_of (records, "revenue", "", "gross"), ==, "31500");
  g_assert_cmpstr (value_of (records, "revenue", "", "refunded"), ==, "9000");
  g_assert_cmpstr (value_of (records, "revenue", "", "net"), ==, "22500");
  g_assert_cmpstr (value_of (records, "day", "2026-12-02", "seats"), ==, "3");
  g_assert_cmpstr (value_of (records, "day", "2026-12-02", "gross"), ==, "22500");
  g_assert_cmpstr (value_of (records, "account", "anna", "gross"), ==, "27000");
  /* A comma and quotes in a key survive the quoting. */
  g_assert_cmpstr (value_of (records, "account", "box office, \"north\"", "seats"), ==, "1");

  /* The text table: the same lines, tab-separated, no header, no quoting. */
  sb_report_write_table (text, report, FALSE);
  lines = g_strsplit (text->str, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, records->len - 1 + 1); /* + the empty tail */
  g_assert_cmpstr (lines[0], ==, "event\t\tid\tgala");
  g_assert_cmpstr (lines[records->len - 2], ==, "account\tbox office, \"north\"\tgross\t4500");
}

static void
test_empty_event (void)
{
  g_autoptr (SbReportMessage) report = sb_report_message_new ();
  g_autoptr (GString) csv = g_string_new (NULL);
  g_autoptr (GPtrArray) records = NULL;

  report->event = g_strdup ("empty");
  report->currency = g_strdup ("JPY");
  report->time_zone = g_strdup ("UTC");
  sb_report_write_table (csv, report, TRUE);
  records = read_csv (csv->str);
  /* The header, the event and the revenue, all zero: a script still finds its figures. */
  g_assert_cmpuint (records->len, ==, 1 + 4 + 3);
  g_assert_cmpstr (value_of (records, "revenue", "", "net"), ==, "0");
}

static void
test_fields (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  sb_csv_append_field (out, "plain");
  g_string_append_c (out, '|');
  sb_csv_append_field (out, "a,b");
  g_string_append_c (out, '|');
  sb_csv_append_field (out, "say \"hi\"");
  g_string_append_c (out, '|');
  sb_csv_append_field (out, "two\nlines");
  g_string_append_c (out, '|');
  sb_csv_append_field (out, "");
  g_assert_cmpstr (out->str, ==, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|");
}

/* OWASP "CSV injection": text that a spreadsheet would run as a formula gets a "'" in front;
 * figures keep their minus. */
static void
test_formulas (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (SbReportMessage) report = sb_report_message_new ();
  g_autoptr (GString) csv = g_string_new (NULL);
  g_autoptr (GPtrArray) records = NULL;
  const char *const starts[] = { "=1+2", "+49 30 1234", "-2", "@SUM(A1)", "\tx", "\rx" };
  const char *const plain[] = { "a=b", "Müller-Lüdenscheidt", "4500", "'quoted", "" };

  for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
    {
      g_autofree char *expected = NULL;

      g_string_truncate (out, 0);
      sb_csv_append_field (out, starts[i]);
      expected = strpbrk (starts[i], "\r") != NULL ? g_strdup_printf ("\"'%s\"", starts[i])
                                                   : g_strdup_printf ("'%s", starts[i]);
      g_assert_cmpstr (out->str, ==, expected);
    }
  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    {
      g_string_truncate (out, 0);
      sb_csv_append_field (out, plain[i]);
      g_assert_cmpstr (out->str, ==, plain[i]);
    }
  /* Quoted and guarded: the "'" goes inside the quotes. */
  g_string_truncate (out, 0);
  sb_csv_append_field (out, "=HYPERLINK(\"http://x\",\"y\")");
  g_assert_cmpstr (out->str, ==, "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  g_string_truncate (out, 0);
  sb_csv_append_figure (out, "-4000");
  g_assert_cmpstr (out->str, ==, "-4000");

  /* In a report: an account is text, a refund larger than the sales a negative figure. */
  report->event = g_strdup ("=gala");
  report->currency = g_strdup ("EUR");
  report->time_zone = g_strdup ("UTC");
  report->gross = 4500;
  report->refunded = 9000;
  report->net = -4500;
  sb_report_message_add_sales (report->accounts, "=cmd|' /C calc'!A0", 1, -4500);
  sb_report_write_table (csv, report, TRUE);
  records = read_csv (csv->str);
  g_assert_cmpstr (value_of (records, "event", "", "id"), ==, "'=gala");
  g_assert_cmpstr (value_of (records, "revenue", "", "net"), ==, "-4500");
  g_assert_cmpstr (value_of (records, "account", "'=cmd|' /C calc'!A0", "gross"), ==, "-4500");
  g_assert_null (strstr (csv->str, ",=cmd"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report-csv/report", test_report);
  g_test_add_func ("/report-csv/empty-event", test_empty_event);
  g_test_add_func ("/report-csv/fields", test_fields);
  g_test_add_func ("/report-csv/formulas", test_formulas);
  return g_test_run ();
}
