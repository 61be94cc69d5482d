/* test-request-event.c: create_event and close_sales (docs/protocol.md): what the parser accepts,
 * times read in the event's time zone, the error naming each field it refuses, the serializer's
 * round trip and the role table. */
#include <string.h>

#include "sb-event-time.h"
#include "sb-message-event.h"
#include "sb-message.h"
#include "sb-protocol.h"
#include "sb-request.h"

#include "request-test-util.h"

#define CREATE "{\"type\":\"create_event\",\"id\":\"c\",\"event\":\"gala\",\"name\":\"Gala\","

static void
assert_refused (const char *text, const char *expected)
{
  assert_refused_with_id (text, expected, "c");
}

static void
test_parse (void)
{
  g_autoptr (SbRequest) full = parse_ok (
      CREATE "\"venue_text\":\"{\\\"format\\\": 1}\",\"time_zone\":\"Europe/Berlin\","
             "\"starts_at\":\"2026-03-28T19:30:00\",\"sales_open\":\"2026-03-01T10:00:00Z\","
             "\"sales_close\":\"2026-03-28T19:00:00+01:00\",\"orphan_rule\":\"warn\"}");
  g_autoptr (SbRequest) by_id = parse_ok (CREATE "\"venue\":\"theatre\"}");

  g_assert_cmpint (full->type, ==, SB_REQUEST_CREATE_EVENT);
  g_assert_cmpstr (full->event_id, ==, "gala");
  g_assert_cmpstr (full->name, ==, "Gala");
  g_assert_cmpstr (full->venue_text, ==, "{\"format\": 1}");
  g_assert_null (full->venue_id);
  g_assert_cmpstr (full->time_zone, ==, "Europe/Berlin");
  /* 19:30 in Berlin on 28 March 2026 is CET (+01:00; summer time starts the next day). */
  g_assert_cmpint (full->starts_at_ms, ==, G_GINT64_CONSTANT (1774722600000));
  g_assert_cmpint (full->sales_open_ms, ==, G_GINT64_CONSTANT (1772359200000));
  g_assert_cmpint (full->sales_close_ms, ==, G_GINT64_CONSTANT (1774720800000));
  g_assert_cmpstr (full->orphan_rule, ==, "warn");

  g_assert_cmpstr (by_id->venue_id, ==, "theatre");
  g_assert_null (by_id->venue_text);
  g_assert_null (by_id->time_zone);
  g_assert_cmpint (by_id->starts_at_ms, ==, 0);
}

static void
test_refused (void)
{
  assert_refused (CREATE "\"venue\":\"v\",\"venue_text\":\"{}\"}", "not both");
  assert_refused (CREATE "\"time_zone\":\"UTC\"}", "needs either \"venue\"");
  assert_refused (CREATE "\"venue_text\":\"\"}", "\"venue_text\" must be a venue document");
  assert_refused (CREATE "\"venue_text\":{}}", "\"venue_text\" must be a venue document");
  assert_refused (CREATE "\"venue\":\"v\",\"time_zone\":\"Mars/Base\"}", "\"time_zone\"");
  assert_refused (CREATE "\"venue\":\"v\",\"time_zone\":\"+01:00\"}", "\"time_zone\"");
  assert_refused (CREATE "\"venue\":\"v\",\"time_zone\":\"/etc/passwd\"}", "\"time_zone\"");
  assert_refused (CREATE "\"venue\":\"v\",\"starts_at\":\"tomorrow\"}", "field \"starts_at\"");
  assert_refused (CREATE "\"venue\":\"v\",\"starts_at\":1774722600000}", "field \"starts_at\"");
  assert_refused (CREATE "\"venue\":\"v\",\"sales_open\":\"1960-01-01T00:00:00Z\"}",
                  "field \"sales_open\"");
  assert_refused (CREATE "\"venue\":\"v\",\"sales_open\":\"2026-03-02T00:00:00Z\","
                         "\"sales_close\":\"2026-03-01T00:00:00Z\"}",
                  "\"sales_close\" must be after");
  assert_refused (CREATE "\"venue\":\"v\",\"orphan_rule\":\"strict\"}", "field \"orphan_rule\"");
  assert_refused ("{\"type\":\"create_event\",\"id\":\"c\",\"event\":\"gala\",\"venue\":\"v\"}",
                  "missing field \"name\"");
  assert_refused (CREATE "\"venue\":\"v\",\"seats\":[\"A-1\"]}", "unknown field \"seats\"");
  assert_refused ("{\"type\":\"close_sales\",\"id\":\"c\"}", "missing field \"event\"");
  assert_refused ("{\"type\":\"close_sales\",\"id\":\"c\",\"event\":\"e\",\"name\":\"x\"}",
                  "unknown field \"name\"");
}

static void
test_round_trip_and_roles (void)
{
  g_autoptr (SbRequest) request
      = parse_ok (CREATE "\"venue_text\":\"{}\",\"time_zone\":\"America/New_York\","
                         "\"starts_at\":\"2026-07-04T20:00:00\",\"orphan_rule\":\"enforce\"}");
  g_autoptr (SbRequest) close
      = parse_ok ("{\"type\":\"close_sales\",\"id\":\"c\",\"event\":\"e\"}");
  g_autofree char *json = sb_request_to_json (request);
  g_autoptr (SbRequest) again = parse_ok (json);
  g_autofree char *close_json = sb_request_to_json (close);
  SbRole role;

  g_assert_cmpstr (again->venue_text, ==, "{}");
  g_assert_cmpstr (again->time_zone, ==, "America/New_York");
  g_assert_cmpint (again->starts_at_ms, ==, request->starts_at_ms);
  g_assert_cmpstr (again->orphan_rule, ==, "enforce");
  g_assert_cmpstr (close_json, ==, "{\"type\":\"close_sales\",\"id\":\"c\",\"event\":\"e\"}");

  g_assert_true (sb_request_type_required_role (SB_REQUEST_CREATE_EVENT, &role));
  g_assert_cmpint (role, ==, SB_ROLE_MANAGER);
  g_assert_true (sb_request_type_required_role (SB_REQUEST_CLOSE_SALES, &role));
  g_assert_cmpint (role, ==, SB_ROLE_MANAGER);
  g_assert_cmpstr (sb_request_type_to_string (SB_REQUEST_CREATE_EVENT), ==, "create_event");
  g_assert_cmpstr (sb_error_code_to_string (SB_ERROR_SALES_CLOSED), ==, "sales_closed");
  g_assert_cmpstr (sb_error_code_to_string (SB_ERROR_SALES_NOT_OPEN), ==, "sales_not_open");
  g_assert_cmpstr (sb_error_code_to_string (SB_ERROR_EXISTS), ==, "exists");
}

static void
test_time_zone_names (void)
{
  gint64 ms = 0;

  g_assert_true (sb_time_zone_name_is_valid ("UTC"));
  g_assert_true (sb_time_zone_name_is_valid ("Europe/Berlin"));
  g_assert_true (sb_time_zone_name_is_valid ("America/Argentina/Buenos_Aires"));
  g_assert_false (sb_time_zone_name_is_valid ("Europe/Atlantis"));
  g_assert_false (sb_time_zone_name_is_valid ("CET-1CEST,M3.5.0,M10.5.0/3"));
  g_assert_false (sb_time_zone_name_is_valid ("../../etc/localtime"));
  g_assert_false (sb_time_zone_name_is_valid (""));
  g_assert_true (sb_event_time_parse ("2026-07-04T20:00:00", "America/New_York", &ms));
  g_assert_cmpint (ms, ==, G_GINT64_CONSTANT (1783209600000));
  g_assert_false (sb_event_time_parse ("2026-07-04", NULL, &ms));
}

/* The replies as the server writes them, read back by the app's reader. */
static void
test_replies (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (SbMessage) message = NULL;

  sb_error_message_write_field (out, "c", SB_ERROR_INVALID_REQUEST,
                                "venue_text:10:2: expected a value", "venue_text", 10, 2);
  message = sb_message_parse (out->str, out->len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (message->error->code, ==, SB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (message->error->field, ==, "venue_text");
  g_assert_cmpint (message->error->line, ==, 10);
  g_assert_cmpint (message->error->column, ==, 2);

  g_string_truncate (out, 0);
  sb_sales_closed_message_write (out, "c", "gala", 1924970400000);
  g_assert_cmpstr (out->str, ==,
                   "{\"type\":\"sales_closed\",\"re\":\"c\",\"event\":\"gala\","
                   "\"sales_close\":1924970400000}");
  g_clear_pointer (&message, sb_message_free);
  message = sb_message_parse (out->str, out->len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (message->type, ==, SB_MESSAGE_SALES_CLOSED);
  g_assert_cmpstr (message->re, ==, "c");
  g_assert_cmpstr (message->sales_closed->event, ==, "gala");
  g_assert_cmpint (message->sales_closed->sales_close, ==, G_GINT64_CONSTANT (1924970400000));

  g_string_truncate (out, 0);
  sb_event_created_message_write_begin (out, "d");
  sb_event_summary_write (out, "gala", "New Year's Gala", "Grand Theatre", "grand-theatre",
                          1924974000000, 0, 202, 200, "Europe/Berlin", 1919754000000, 0);
  sb_event_created_message_write_end (out);
  g_clear_pointer (&message, sb_message_free);
  message = sb_message_parse (out->str, out->len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (message->type, ==, SB_MESSAGE_EVENT_CREATED);
  g_assert_cmpuint (message->events->events->len, ==, 1);
  g_assert_cmpstr (((SbEventSummary *) message->events->events->pdata[0])->id, ==, "gala");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/request/event/parse", test_parse);
  g_test_add_func ("/request/event/refused", test_refused);
  g_test_add_func ("/request/event/round-trip-and-roles", test_round_trip_and_roles);
  g_test_add_func ("/request/event/time-zone-names", test_time_zone_names);
  g_test_add_func ("/request/event/replies", test_replies);
  return g_test_run ();
}
