/* test-request-move.c: the move request (docs/protocol.md, "move"): what the parser accepts, the
 * error naming each field it refuses, the serializer's round trip, the role (a clerk's, a
 * manager's with override_orphan_rule), and the moved reply as the server writes it. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "sb-message.h"
#include "sb-protocol.h"
#include "sb-request.h"

#include "request-test-util.h"

#define STRV(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
assert_refused (const char *text, const char *expected)
{
  assert_refused_with_id (text, expected, "m");
}

static void
test_parse (void)
{
  g_autoptr (SbRequest) whole
      = parse_ok ("{\"type\":\"move\",\"id\":\"m1\",\"event\":\"e\",\"booking\":\"B7K3QX9M\","
                  "\"to\":[\"B-1\",\"B-2\"]}");
  g_autoptr (SbRequest) part = parse_ok (
      "{\"to\":[\"A-3\",\"A-4\"],\"from\":[\"A-2\",\"A-3\"],\"override_orphan_rule\":true,"
      "\"booking\":\"B\",\"event\":\"e\",\"id\":\"m2\",\"type\":\"move\"}");

  g_assert_cmpint (whole->type, ==, SB_REQUEST_MOVE);
  g_assert_cmpstr (whole->event_id, ==, "e");
  g_assert_cmpstr (whole->booking_id, ==, "B7K3QX9M");
  g_assert_null (whole->from);
  g_assert_null (whole->seats);
  g_assert_cmpstrv (whole->to, STRV ("B-1", "B-2"));
  g_assert_false (whole->override_orphan_rule);

  /* A seat in both lists: a booking moved along its row. */
  g_assert_cmpstrv (part->from, STRV ("A-2", "A-3"));
  g_assert_cmpstrv (part->to, STRV ("A-3", "A-4"));
  g_assert_true (part->override_orphan_rule);
}

static void
test_refused (void)
{
  GString *many = g_string_new ("{\"type\":\"move\",\"id\":\"m\",\"event\":\"e\",\"booking\":\"B\","
                                "\"to\":[");
  g_autofree char *too_many = NULL;

  for (guint i = 0; i <= SB_MAX_SEATS_PER_REQUEST; i++)
    g_string_append_printf (many, "%s\"A-%u\"", i > 0 ? "," : "", i);
  g_string_append (many, "]}");
  too_many = g_string_free (many, FALSE);

#define MOVE(rest) "{\"type\":\"move\",\"id\":\"m\"," rest "}"
  assert_refused (MOVE ("\"booking\":\"B\",\"to\":[\"A-1\"]"), "missing field \"event\"");
  assert_refused (MOVE ("\"event\":\"e\",\"to\":[\"A-1\"]"), "missing field \"booking\"");
  assert_refused (MOVE ("\"event\":\"e\",\"booking\":\"B\",\"from\":[\"A-1\"]"),
                  "missing field \"to\"");
  assert_refused (MOVE ("\"event\":\"e\",\"booking\":\"B\",\"to\":\"A-1\""),
                  "field \"to\" must be an array of strings");
  assert_refused (MOVE ("\"event\":\"e\",\"booking\":\"B\",\"to\":[\"A-1\",7]"),
                  "field \"to\" must be an array of strings");
  assert_refused (MOVE ("\"event\":\"e\",\"booking\":\"B\",\"to\":[]"),
                  "field \"to\" must list 1-50 seats, not 0");
  assert_refused (too_many, "field \"to\" must list 1-50 seats, not 51");
  assert_refused (MOVE ("\"event\":\"e\",\"booking\":\"B\",\"to\":[\"\"]"),
                  "to[0] must be a seat id of 1-64 characters");
  assert_refused (MOVE ("\"event\":\"e\",\"booking\":\"B\",\"to\":[\"A-1\",\"A-1\"]"),
                  "seat \"A-1\" is listed twice in \"to\"");
  assert_refused (MOVE ("\"event\":\"e\",\"booking\":\"B\",\"from\":{},\"to\":[\"A-1\"]"),
                  "field \"from\" must be an array of strings");
  assert_refused (MOVE ("\"event\":\"e\",\"booking\":\"B\",\"from\":[],\"to\":[\"A-1\"]"),
                  "field \"from\" must list 1-50 seats, not 0");
  assert_refused (
      MOVE (
          "\"event\":\"e\",\"booking\":\"B\",\"from\":[\"C-1\",\"C-1\"],\"to\":[\"A-1\",\"A-2\"]"),
      "seat \"C-1\" is listed twice in \"from\"");
  assert_refused (
      MOVE ("\"event\":\"e\",\"booking\":\"B\",\"from\":[\"C-1\"],\"to\":[\"A-1\",\"A-2\"]"),
      "fields \"from\" and \"to\" must list as many seats (1 and 2)");
  assert_refused (MOVE ("\"event\":\"e\",\"booking\":\"B\",\"seats\":[\"C-1\"],\"to\":[\"A-1\"]"),
                  "unknown field \"seats\" in a \"move\" request");
  assert_refused (MOVE ("\"event\":\"e\",\"booking\":\"B\",\"to\":[\"A-1\"],\"reason\":\"r\""),
                  "unknown field \"reason\" in a \"move\" request");
  assert_refused (MOVE ("\"event\":\"e\",\"booking\":7,\"to\":[\"A-1\"]"),
                  "field \"booking\" must be a string");
  assert_refused (MOVE ("\"event\":\"e\",\"booking\":\"B\",\"to\":[\"A-1\"],"
                        "\"override_orphan_rule\":1"),
                  "field \"override_orphan_rule\" must be true or false");
  assert_refused (MOVE ("\"event\":\"e\",\"booking\":\"B\",\"to\":[\"A-1\"],\"to\":[\"A-2\"]"),
                  "field \"to\" appears twice");
  /* "from" and "to" are fields of move only. */
  assert_refused ("{\"type\":\"cancel\",\"id\":\"m\",\"event\":\"e\",\"booking\":\"B\","
                  "\"refund\":{\"kind\":\"full\"},\"reason\":\"r\",\"to\":[\"A-1\"]}",
                  "unknown field \"to\" in a \"cancel\" request");
#undef MOVE
}

/* What the serializer writes, the parser reads back the same, with and without "from". */
static void
test_round_trip (void)
{
  g_autoptr (SbRequest) request = sb_request_new (SB_REQUEST_MOVE, "m9");
  g_autoptr (SbRequest) back = NULL;
  g_autoptr (SbRequest) whole_back = NULL;
  g_autofree char *json = NULL;
  g_autofree char *whole_json = NULL;

  request->event_id = g_strdup ("e");
  request->booking_id = g_strdup ("B7K3QX9M");
  request->from = g_strdupv ((char **) STRV ("A-1", "Ä-2"));
  request->to = g_strdupv ((char **) STRV ("B-\"1\"", "B-2"));
  request->override_orphan_rule = TRUE;
  json = sb_request_to_json (request);
  back = parse_ok (json);
  g_assert_cmpint (back->type, ==, SB_REQUEST_MOVE);
  g_assert_cmpstr (back->id, ==, "m9");
  g_assert_cmpstr (back->event_id, ==, "e");
  g_assert_cmpstr (back->booking_id, ==, "B7K3QX9M");
  g_assert_cmpstrv (back->from, (const char *const *) request->from);
  g_assert_cmpstrv (back->to, (const char *const *) request->to);
  g_assert_true (back->override_orphan_rule);

  g_clear_pointer (&request->from, g_strfreev);
  request->override_orphan_rule = FALSE;
  whole_json = sb_request_to_json (request);
  g_assert_null (strstr (whole_json, "\"from\""));
  whole_back = parse_ok (whole_json);
  g_assert_null (whole_back->from);
  g_assert_cmpstrv (whole_back->to, (const char *const *) request->to);
}

/* A clerk may move; overriding the orphan rule makes it a manager's request. */
static void
test_role (void)
{
  g_autoptr (SbRequest) plain
      = parse_ok ("{\"type\":\"move\",\"id\":\"m\",\"event\":\"e\",\"booking\":\"B\","
                  "\"to\":[\"A-1\"]}");
  g_autoptr (SbRequest) overriding
      = parse_ok ("{\"type\":\"move\",\"id\":\"m\",\"event\":\"e\",\"booking\":\"B\","
                  "\"to\":[\"A-1\"],\"override_orphan_rule\":true}");
  SbRole role = SB_ROLE_ADMIN;

  g_assert_cmpstr (sb_request_type_to_string (SB_REQUEST_MOVE), ==, "move");
  g_assert_true (sb_request_type_required_role (SB_REQUEST_MOVE, &role));
  g_assert_cmpint (role, ==, SB_ROLE_CLERK);
  g_assert_true (sb_request_required_role (plain, &role));
  g_assert_cmpint (role, ==, SB_ROLE_CLERK);
  g_assert_true (sb_request_required_role (overriding, &role));
  g_assert_cmpint (role, ==, SB_ROLE_MANAGER);
}

/* The reply as written is one JSON object with every field docs/protocol.md names. */
static void
test_moved_reply (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *o;
  JsonArray *seats;

  sb_moved_message_write (out, "m1", "B7K3QX9M", "e", STRV ("A-1"), STRV ("B-1"),
                          STRV ("A-2", "B-1"), 5000, 3500, "EUR", FALSE);
  g_assert_true (json_parser_load_from_data (parser, out->str, -1, &error));
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "moved");
  g_assert_cmpstr (json_object_get_string_member (o, "re"), ==, "m1");
  g_assert_cmpstr (json_object_get_string_member (o, "booking"), ==, "B7K3QX9M");
  g_assert_cmpstr (json_object_get_string_member (o, "event"), ==, "e");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (o, "from"), 0), ==,
                   "A-1");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (o, "to"), 0), ==,
                   "B-1");
  seats = json_object_get_array_member (o, "seats");
  g_assert_cmpuint (json_array_get_length (seats), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (seats, 1), ==, "B-1");
  g_assert_cmpint (json_object_get_int_member (o, "total_before"), ==, 5000);
  g_assert_cmpint (json_object_get_int_member (o, "total_after"), ==, 3500);
  g_assert_cmpint (json_object_get_int_member (o, "difference"), ==, -1500);
  g_assert_cmpstr (json_object_get_string_member (o, "currency"), ==, "EUR");
  g_assert_false (json_object_has_member (o, "replayed"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/request/move/parse", test_parse);
  g_test_add_func ("/request/move/refused", test_refused);
  g_test_add_func ("/request/move/round-trip", test_round_trip);
  g_test_add_func ("/request/move/role", test_role);
  g_test_add_func ("/request/move/moved-reply", test_moved_reply);
  return g_test_run ();
}
