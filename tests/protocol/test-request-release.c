/* test-request-release.c: a release naming some seats of a hold (docs/protocol.md, "release"):
 * what the parser accepts, the error naming each thing it refuses, the serializer's round trip,
 * the role (a clerk's, a manager's with override_orphan_rule), and the released reply with the
 * seats the hold keeps, as the server writes it and the app reads it. */
#include <string.h>

#include "sb-message.h"
#include "sb-protocol.h"
#include "sb-request.h"

#include "request-test-util.h"

static void
assert_refused (const char *text, const char *expected)
{
  assert_refused_with_id (text, expected, "r");
}

static void
test_parse (void)
{
  g_autoptr (SbRequest) some = parse_ok (
      "{\"type\":\"release\",\"id\":\"r\",\"hold\":\"h_9f3k\",\"seats\":[\"C-13\",\"C-12\"]}");
  g_autoptr (SbRequest) whole
      = parse_ok ("{\"type\":\"release\",\"id\":\"r\",\"hold\":\"h_9f3k\"}");
  g_autoptr (SbRequest) overriding
      = parse_ok ("{\"type\":\"release\",\"id\":\"r\",\"hold\":\"h\",\"seats\":[\"C-7\"],"
                  "\"override_orphan_rule\":true}");
  const char *const expected[] = { "C-13", "C-12", NULL };
  SbRole role;

  g_assert_cmpint (some->type, ==, SB_REQUEST_RELEASE);
  g_assert_cmpstr (some->hold_id, ==, "h_9f3k");
  g_assert_cmpstrv (some->seats, expected);
  g_assert_false (some->override_orphan_rule);
  g_assert_true (sb_request_required_role (some, &role));
  g_assert_cmpint (role, ==, SB_ROLE_CLERK);

  /* Without seats: the whole hold, as before. */
  g_assert_null (whole->seats);

  g_assert_true (overriding->override_orphan_rule);
  g_assert_true (sb_request_required_role (overriding, &role));
  g_assert_cmpint (role, ==, SB_ROLE_MANAGER);
}

static void
test_refused (void)
{
  assert_refused ("{\"type\":\"release\",\"id\":\"r\",\"hold\":\"h\",\"seats\":[]}",
                  "field \"seats\" must list 1-50 seats, not 0");
  assert_refused ("{\"type\":\"release\",\"id\":\"r\",\"hold\":\"h\",\"seats\":\"C-1\"}",
                  "field \"seats\" must be an array of strings");
  assert_refused ("{\"type\":\"release\",\"id\":\"r\",\"hold\":\"h\",\"seats\":[\"C-1\",7]}",
                  "field \"seats\" must be an array of strings");
  assert_refused ("{\"type\":\"release\",\"id\":\"r\",\"hold\":\"h\",\"seats\":[\"C-1\",\"C-1\"]}",
                  "seat \"C-1\" is listed twice in \"seats\"");
  assert_refused ("{\"type\":\"release\",\"id\":\"r\",\"hold\":\"h\",\"seats\":[\"\"]}",
                  "seats[0] must be a seat id");
  assert_refused ("{\"type\":\"release\",\"id\":\"r\",\"seats\":[\"C-1\"]}",
                  "missing field \"hold\"");
  assert_refused ("{\"type\":\"release\",\"id\":\"r\",\"event\":\"e\",\"hold\":\"h\","
                  "\"seats\":[\"C-1\"]}",
                  "unknown field \"event\" in a \"release\" request");
  assert_refused (
      "{\"type\":\"release\",\"id\":\"r\",\"hold\":\"h\",\"override_orphan_rule\":true}",
      "field \"override_orphan_rule\" goes with \"seats\"");
  assert_refused ("{\"type\":\"release\",\"id\":\"r\",\"hold\":\"h\",\"seats\":[\"C-1\"],"
                  "\"override_orphan_rule\":\"yes\"}",
                  "field \"override_orphan_rule\" must be true or false");
}

/* 51 seats: more than a request may name. */
static void
test_too_many (void)
{
  g_autoptr (GString) text
      = g_string_new ("{\"type\":\"release\",\"id\":\"r\",\"hold\":\"h\",\"seats\":[");

  for (guint i = 0; i < 51; i++)
    g_string_append_printf (text, "%s\"S-%u\"", i > 0 ? "," : "", i);
  g_string_append (text, "]}");
  assert_refused (text->str, "field \"seats\" must list 1-50 seats, not 51");
}

static void
test_round_trip (void)
{
  g_autoptr (SbRequest) request = sb_request_new (SB_REQUEST_RELEASE, "r9");
  g_autoptr (SbRequest) again = NULL;
  g_autofree char *json = NULL;
  g_autoptr (GError) error = NULL;
  const char *const seats[] = { "B-4", NULL };

  request->hold_id = g_strdup ("h_1");
  request->seats = g_strdupv ((char **) seats);
  request->override_orphan_rule = TRUE;
  json = sb_request_to_json (request);
  g_assert_cmpstr (json, ==,
                   "{\"type\":\"release\",\"id\":\"r9\",\"seats\":[\"B-4\"],\"hold\":\"h_1\","
                   "\"override_orphan_rule\":true}");
  again = sb_request_parse (json, strlen (json), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->hold_id, ==, "h_1");
  g_assert_cmpstrv (again->seats, seats);
  g_assert_true (again->override_orphan_rule);
}

/* released with remaining_seats and lone_seat, as sb-client-ops.c writes it, read back. */
static void
test_released_reply (void)
{
  const char *const seats[] = { "B-4", NULL };
  const char *const left[] = { "B-2", "B-3", NULL };
  const char *const none[] = { NULL };
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) whole = g_string_new (NULL);
  g_autoptr (GString) ended = g_string_new (NULL);
  g_autoptr (SbMessage) message = NULL;
  g_autoptr (SbMessage) plain = NULL;
  g_autoptr (SbMessage) last = NULL;
  g_autoptr (GError) error = NULL;

  sb_released_message_write (out, "r", "h_1", "e", seats, TRUE);
  sb_message_add_remaining_seats (out, left);
  sb_message_add_lone_seat (out, "B-4");
  g_assert_cmpstr (out->str, ==,
                   "{\"type\":\"released\",\"re\":\"r\",\"hold\":\"h_1\",\"event\":\"e\","
                   "\"seats\":[\"B-4\"],\"replayed\":true,\"remaining_seats\":[\"B-2\",\"B-3\"],"
                   "\"lone_seat\":\"B-4\"}");
  message = sb_message_parse (out->str, out->len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (message->type, ==, SB_MESSAGE_RELEASED);
  g_assert_true (message->replayed);
  g_assert_cmpstrv (message->released->seats, seats);
  g_assert_cmpstrv (message->released->remaining_seats, left);
  g_assert_cmpstr (message->released->lone_seat, ==, "B-4");

  /* A release of the whole hold says nothing of seats kept. */
  sb_released_message_write (whole, "r", "h_1", "e", seats, FALSE);
  plain = sb_message_parse (whole->str, whole->len, &error);
  g_assert_no_error (error);
  g_assert_null (plain->released->remaining_seats);
  g_assert_null (plain->released->lone_seat);

  /* The last seats of a hold: it keeps none. */
  sb_released_message_write (ended, "r", "h_1", "e", seats, FALSE);
  sb_message_add_remaining_seats (ended, none);
  last = sb_message_parse (ended->str, ended->len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (last->released->remaining_seats);
  g_assert_cmpstrv (last->released->remaining_seats, none);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/request/release/parse", test_parse);
  g_test_add_func ("/request/release/refused", test_refused);
  g_test_add_func ("/request/release/too-many", test_too_many);
  g_test_add_func ("/request/release/round-trip", test_round_trip);
  g_test_add_func ("/request/release/released-reply", test_released_reply);
  return g_test_run ();
}
