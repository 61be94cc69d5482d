/* test-event-form: the create_event request the New Event dialog builds from its form
 * (gui/sb-event-form.h), read back by the server's own parser, and the field a refusal names. */
#include <glib.h>
#include <string.h>

#include "sb-event-form.h"
#include "sb-request.h"

static void
test_join_time (void)
{
  g_autofree char *full = sb_event_form_join_time ("2030-12-31", "20:00");
  g_autofree char *seconds = sb_event_form_join_time (" 2030-12-31 ", "20:00:30");
  g_autofree char *midnight = sb_event_form_join_time ("2030-12-31", "  ");
  g_autofree char *no_date = sb_event_form_join_time ("", "20:00");

  g_assert_cmpstr (full, ==, "2030-12-31T20:00:00");
  g_assert_cmpstr (seconds, ==, "2030-12-31T20:00:30");
  g_assert_cmpstr (midnight, ==, "2030-12-31T00:00:00");
  /* Sent as typed, for the server to refuse naming the field. */
  g_assert_cmpstr (no_date, ==, "T20:00:00");
  g_assert_null (sb_event_form_join_time (NULL, " "));
}

/* The request as the server reads it: the times in the event's zone, unsent fields absent. */
static void
test_request (void)
{
  SbEventForm form = {
    .event_id = " gala ",
    .name = "New Year's Gala",
    .venue_id = "grand-theatre", /* the file chosen wins */
    .venue_text = "{\"format\": 1}\n",
    .time_zone = "Europe/Berlin",
    .date = "2030-12-31",
    .time = "20:00",
    .sales_close_date = "2030-12-31",
    .sales_close_time = "19:00",
  };
  g_autoptr (SbRequest) request = sb_request_new (SB_REQUEST_CREATE_EVENT, "14");
  g_autoptr (SbRequest) read = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  sb_event_form_fill_request (&form, request);
  g_assert_cmpstr (request->event_id, ==, "gala");
  g_assert_cmpstr (request->venue_text, ==, "{\"format\": 1}\n");
  g_assert_null (request->venue_id);
  g_assert_null (request->sales_open);
  text = sb_request_to_json (request);
  read = sb_request_parse (text, strlen (text), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->starts_at, ==, "2030-12-31T20:00:00");
  /* 20:00 in Berlin in winter is 19:00 UTC. */
  g_assert_cmpint (read->starts_at_ms, ==, G_GINT64_CONSTANT (1924974000000));
  g_assert_cmpint (read->sales_close_ms, ==, G_GINT64_CONSTANT (1924970400000));
  g_assert_cmpint (read->sales_open_ms, ==, 0);
  g_assert_cmpstr (read->time_zone, ==, "Europe/Berlin");

  /* Without a file, the venue in the store: exactly one of the two is sent. */
  form.venue_text = NULL;
  g_autoptr (SbRequest) by_id = sb_request_new (SB_REQUEST_CREATE_EVENT, "15");
  sb_event_form_fill_request (&form, by_id);
  g_autofree char *by_id_text = sb_request_to_json (by_id);
  g_autoptr (SbRequest) by_id_read
      = sb_request_parse (by_id_text, strlen (by_id_text), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_id_read->venue_id, ==, "grand-theatre");
  g_assert_null (by_id_read->venue_text);
}

static void
test_field_at_fault (void)
{
  g_autofree char *given = sb_event_form_field_at_fault ("venue_text", "venue_text:3:5: bad");
  g_autofree char *named
      = sb_event_form_field_at_fault (NULL, "field \"sales_close\": must be after \"sales_open\"");
  g_autofree char *none = sb_event_form_field_at_fault (NULL, "unknown request type");

  g_assert_cmpstr (given, ==, "venue_text");
  g_assert_cmpstr (named, ==, "sales_close");
  g_assert_null (none);
  g_assert_cmpstr (sb_event_form_describe_field ("sales_close"), ==, "Sales close");
  g_assert_null (sb_event_form_describe_field ("seats"));
}

static void
test_default_time_zone (void)
{
  g_autofree char *berlin = NULL;
  g_autofree char *posix = NULL;

  g_setenv ("TZ", "Europe/Berlin", TRUE);
  berlin = sb_event_form_default_time_zone ();
  g_assert_cmpstr (berlin, ==, "Europe/Berlin");
  /* Not an IANA name: the server would refuse it. */
  g_setenv ("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", TRUE);
  posix = sb_event_form_default_time_zone ();
  g_assert_cmpstr (posix, ==, "UTC");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/event-form/join-time", test_join_time);
  g_test_add_func ("/event-form/request", test_request);
  g_test_add_func ("/event-form/field-at-fault", test_field_at_fault);
  g_test_add_func ("/event-form/default-time-zone", test_default_time_zone);
  return g_test_run ();
}
