/* test-report-csv.c: a report as CSV (protocol/sb-report-csv.c), read back as a spreadsheet
 * would: the header's columns, one record per category, the revenue, each day and each
 * account, fields quoted where they must be. */
#include "config.h"

#include "sb-csv.h"
#include "sb-report-csv.h"

static const char *const header[] = {
  "kind", "key", "price", "sold", "held", "free", "blocked", "seats", "gross", "refunded", "net",
  "currency",
};

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

static void
assert_record (GPtrArray *records, guint index, const char *const *expected)
{
  char **record = g_ptr_array_index (records, index);

  g_assert_cmpuint (g_strv_length (record), ==, G_N_ELEMENTS (header));
  for (guint i = 0; i < G_N_ELEMENTS (header); i++)
    g_assert_cmpstr (record[i], ==, expected[i]);
}

static void
test_report (void)
{
  g_autoptr (SbReportMessage) report = sb_report_message_new ();
  g_autoptr (GString) csv = g_string_new (NULL);
  g_autoptr (GPtrArray) records = NULL;

  report->event = g_strdup ("gala");
  report->currency = g_strdup ("EUR");
  report->seats = 10;
  sb_report_message_add_category (report, "stalls", 4500, 3, 1, 2, 0);
  sb_report_message_add_category (report, "box", 9000, 1, 0, 2, 1);
  report->gross = 3 * 4500 + 2 * 9000;
  report->refunded = 9000;
  report->net = report->gross - report->refunded;
  report->time_zone = g_strdup ("UTC");
  sb_report_message_add_sales (report->days, "2026-12-01", 2, 9000);
  sb_report_message_add_sales (report->days, "2026-12-02", 3, 22500);
  sb_report_message_add_sales (report->accounts, "anna", 4, 27000);
  sb_report_message_add_sales (report->accounts, "box office, \"north\"", 1, 4500);

  sb_report_write_csv (csv, report);
  records = read_csv (csv->str);
  g_assert_cmpuint (records->len, ==, 1 + 2 + 1 + 2 + 2);
  assert_record (records, 0, header);
  assert_record (records, 1,
                 (const char *const[]){ "category", "stalls", "4500", "3", "1", "2", "0", "", "",
                                        "", "", "EUR" });
  assert_record (records, 2,
                 (const char *const[]){ "category", "box", "9000", "1", "0", "2", "1", "", "", "",
                                        "", "EUR" });
  assert_record (records, 3,
                 (const char *const[]){ "revenue", "", "", "", "", "", "", "10", "31500", "9000",
                                        "22500", "EUR" });
  assert_record (records, 4,
                 (const char *const[]){ "day", "2026-12-01", "", "", "", "", "", "2", "9000", "",
                                        "", "EUR" });
  assert_record (records, 5,
                 (const char *const[]){ "day", "2026-12-02", "", "", "", "", "", "3", "22500", "",
                                        "", "EUR" });
  assert_record (records, 6,
                 (const char *const[]){ "account", "anna", "", "", "", "", "", "4", "27000", "",
                                        "", "EUR" });
  assert_record (records, 7,
                 (const char *const[]){ "account", "box office, \"north\"", "", "", "", "", "", "1",
                                        "4500", "", "", "EUR" });
}

static void
test_empty_event (void)
{
  g_autoptr (SbReportMessage) report = sb_report_message_new ();
  g_autoptr (GString) csv = g_string_new (NULL);
  g_autoptr (GPtrArray) records = NULL;

  report->event = g_strdup ("empty");
  report->currency = g_strdup ("JPY");
  sb_report_write_csv (csv, report);
  records = read_csv (csv->str);
  /* The header and the revenue, all zero: a spreadsheet still finds its columns. */
  g_assert_cmpuint (records->len, ==, 2);
  assert_record (records, 1,
                 (const char *const[]){ "revenue", "", "", "", "", "", "", "0", "0", "0", "0",
                                        "JPY" });
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report-csv/report", test_report);
  g_test_add_func ("/report-csv/empty-event", test_empty_event);
  g_test_add_func ("/report-csv/fields", test_fields);
  return g_test_run ();
}
