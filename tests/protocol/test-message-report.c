/* test-message-report.c: the report request and reply (issue 11, docs/protocol.md "report"): the
 * parser takes `event` and nothing else, managers and above may send it, the serializer's round
 * trip; the reply as the server writes it, read back by sb_message_parse () into the same figures
 * (and copied), its reader strict about the fields it uses (naming them) and blind to fields it
 * does not know. */
#include <string.h>

#include "sb-message.h"
#include "sb-protocol.h"
#include "sb-request.h"

static void
test_report_request (void)
{
  static const char text[] = "{\"type\":\"report\",\"id\":\"r1\",\"event\":\"gala\"}";
  g_autoptr (GError) error = NULL;
  g_autoptr (SbRequest) request = sb_request_parse (text, strlen (text), NULL, &error);
  g_autoptr (SbRequest) back = NULL;
  g_autofree char *json = NULL;
  SbRole role = SB_ROLE_VIEWER;
  const char *const refused[] = {
    "{\"type\":\"report\",\"id\":\"r1\"}",
    "{\"type\":\"report\",\"id\":\"r1\",\"event\":\"gala\",\"seat\":\"A-1\"}",
    "{\"type\":\"report\",\"id\":\"r1\",\"event\":7}",
  };

  g_assert_no_error (error);
  g_assert_cmpint (request->type, ==, SB_REQUEST_REPORT);
  g_assert_cmpstr (request->event_id, ==, "gala");
  g_assert_cmpstr (sb_request_type_to_string (SB_REQUEST_REPORT), ==, "report");
  g_assert_true (sb_request_type_required_role (SB_REQUEST_REPORT, &role));
  g_assert_cmpint (role, ==, SB_ROLE_MANAGER);

  json = sb_request_to_json (request);
  back = sb_request_parse (json, strlen (json), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->type, ==, SB_REQUEST_REPORT);
  g_assert_cmpstr (back->event_id, ==, "gala");

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (GError) refusal = NULL;
      g_autoptr (SbRequest) none
          = sb_request_parse (refused[i], strlen (refused[i]), NULL, &refusal);

      g_assert_null (none);
      g_assert_nonnull (refusal);
    }
}

static SbReportMessage *
make_report (void)
{
  SbReportMessage *report = sb_report_message_new ();

  report->event = g_strdup ("gala");
  report->currency = g_strdup ("EUR");
  report->seats = 12;
  sb_report_message_add_category (report, "premium", 4000, 1, 1, 3, 1);
  sb_report_message_add_category (report, "std \"B\"", 2500, 2, 0, 3, 1);
  report->gross = 18000;
  report->refunded = 6000;
  report->net = 12000;
  report->time_zone = g_strdup ("America/New_York");
  sb_report_message_add_sales (report->days, "2026-12-01", 2, 5000);
  sb_report_message_add_sales (report->days, "2026-12-03", 4, 13000);
  sb_report_message_add_sales (report->accounts, "anna", 4, 13000);
  sb_report_message_add_sales (report->accounts, "Zoë", 2, 5000);
  return report;
}

static void
assert_same (const SbReportMessage *a, const SbReportMessage *b)
{
  g_assert_cmpstr (a->event, ==, b->event);
  g_assert_cmpstr (a->currency, ==, b->currency);
  g_assert_cmpint (a->seats, ==, b->seats);
  g_assert_cmpuint (a->categories->len, ==, b->categories->len);
  for (guint i = 0; i < a->categories->len; i++)
    {
      const SbReportCategoryFigures *x = g_ptr_array_index (a->categories, i);
      const SbReportCategoryFigures *y = g_ptr_array_index (b->categories, i);

      g_assert_cmpstr (x->category, ==, y->category);
      g_assert_cmpint (x->price, ==, y->price);
      g_assert_cmpint (x->sold, ==, y->sold);
      g_assert_cmpint (x->held, ==, y->held);
      g_assert_cmpint (x->free, ==, y->free);
      g_assert_cmpint (x->blocked, ==, y->blocked);
    }
  g_assert_cmpint (a->gross, ==, b->gross);
  g_assert_cmpint (a->refunded, ==, b->refunded);
  g_assert_cmpint (a->net, ==, b->net);
  g_assert_cmpstr (a->time_zone, ==, b->time_zone);
  for (guint list = 0; list < 2; list++)
    {
      GPtrArray *x_list = list == 0 ? a->days : a->accounts;
      GPtrArray *y_list = list == 0 ? b->days : b->accounts;

      g_assert_cmpuint (x_list->len, ==, y_list->len);
      for (guint i = 0; i < x_list->len; i++)
        {
          const SbReportSalesFigures *x = g_ptr_array_index (x_list, i);
          const SbReportSalesFigures *y = g_ptr_array_index (y_list, i);

          g_assert_cmpstr (x->key, ==, y->key);
          g_assert_cmpint (x->seats, ==, y->seats);
          g_assert_cmpint (x->gross, ==, y->gross);
        }
    }
}

static void
test_report_round_trip (void)
{
  g_autoptr (SbReportMessage) report = make_report ();
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (SbMessage) message = NULL;
  g_autoptr (SbMessage) copy = NULL;

  sb_report_message_write (out, "r1", report);
  g_assert_nonnull (
      strstr (out->str, "\"revenue\":{\"gross\":18000,\"refunded\":6000,\"net\":12000}"));
  g_assert_nonnull (strstr (out->str, "{\"day\":\"2026-12-01\",\"seats\":2,\"gross\":5000}"));
  g_assert_nonnull (strstr (out->str, "{\"account\":\"anna\",\"seats\":4,\"gross\":13000}"));
  g_assert_nonnull (strstr (out->str, "\"time_zone\":\"America/New_York\",\"days\":["));
  message = sb_message_parse (out->str, out->len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (message->type, ==, SB_MESSAGE_REPORT);
  g_assert_cmpstr (message->re, ==, "r1");
  g_assert_false (message->replayed);
  assert_same (report, message->report);

  copy = sb_message_copy (message);
  assert_same (report, copy->report);
}

/* An empty event: empty lists, not missing ones. */
static void
test_report_empty (void)
{
  g_autoptr (SbReportMessage) report = sb_report_message_new ();
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (SbMessage) message = NULL;

  report->event = g_strdup ("gala");
  report->currency = g_strdup ("EUR");
  report->time_zone = g_strdup ("UTC");
  sb_report_message_write (out, "r2", report);
  message = sb_message_parse (out->str, out->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (message->report->categories->len, ==, 0);
  g_assert_cmpuint (message->report->days->len, ==, 0);
  g_assert_cmpuint (message->report->accounts->len, ==, 0);
}

static void
assert_unreadable (const char *text, const char *expected_part)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbMessage) message = sb_message_parse (text, strlen (text), &error);

  g_assert_null (message);
  g_assert_error (error, SB_MESSAGE_READ_ERROR, SB_MESSAGE_READ_ERROR_INVALID);
  if (strstr (error->message, expected_part) == NULL)
    g_error ("\"%s\" does not say \"%s\"", error->message, expected_part);
}

#define HEAD "{\"type\":\"report\",\"re\":\"r\",\"event\":\"e\",\"currency\":\"EUR\",\"seats\":1,"
#define CATEGORY "{\"category\":\"c\",\"price\":1,\"sold\":0,\"held\":0,\"free\":1,\"blocked\":0}"
#define REVENUE "\"revenue\":{\"gross\":0,\"refunded\":0,\"net\":0}"

static void
test_report_strict (void)
{
  static const char later[] = HEAD "\"categories\":[" CATEGORY "]," REVENUE
                                   ",\"time_zone\":\"UTC\",\"days\":[],\"accounts\":[],"
                                   "\"later\":{\"x\":[1]}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (SbMessage) message = sb_message_parse (later, strlen (later), &error);

  /* A field a later server may add is ignored. */
  g_assert_no_error (error);
  g_assert_cmpint (
      ((SbReportCategoryFigures *) g_ptr_array_index (message->report->categories, 0))->free, ==,
      1);

  assert_unreadable (HEAD "\"categories\":[" CATEGORY "]," REVENUE
                          ",\"time_zone\":\"UTC\",\"days\":[]}",
                     "accounts");
  assert_unreadable (HEAD "\"categories\":[" CATEGORY "],\"revenue\":{\"gross\":0,\"net\":0},"
                          "\"time_zone\":\"UTC\",\"days\":[],\"accounts\":[]}",
                     "refunded");
  assert_unreadable (HEAD "\"categories\":[{\"category\":\"c\",\"price\":1,\"sold\":\"1\","
                          "\"held\":0,\"free\":1,\"blocked\":0}]," REVENUE
                          ",\"time_zone\":\"UTC\",\"days\":[],\"accounts\":[]}",
                     "sold");
  assert_unreadable (HEAD "\"categories\":[" CATEGORY "]," REVENUE
                          ",\"time_zone\":\"UTC\",\"days\":[{\"day\":\"2026-12-01\",\"seats\":1}],"
                          "\"accounts\":[]}",
                     "gross");
  /* The days mean nothing without their zone: a reply without one, or not a name, is refused. */
  assert_unreadable (HEAD "\"categories\":[" CATEGORY "]," REVENUE ",\"days\":[],\"accounts\":[]}",
                     "time_zone");
  assert_unreadable (HEAD "\"categories\":[" CATEGORY "]," REVENUE
                          ",\"time_zone\":-5,\"days\":[],\"accounts\":[]}",
                     "time_zone");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/protocol/report/request", test_report_request);
  g_test_add_func ("/protocol/report/round-trip", test_report_round_trip);
  g_test_add_func ("/protocol/report/empty", test_report_empty);
  g_test_add_func ("/protocol/report/strict", test_report_strict);
  return g_test_run ();
}
