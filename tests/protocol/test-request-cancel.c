/* test-request-cancel.c: the cancel request (docs/protocol.md, "cancel"): what the parser accepts,
 * the error naming each field it refuses, the serializer's round trip, the role table, and the
 * cancelled reply as the server writes it; block and unblock, which share its "reason". */
#include <json-glib/json-glib.h>
#include <string.h>

#include "sb-message.h"
#include "sb-protocol.h"
#include "sb-request.h"

#include "request-test-util.h"

static void
assert_refused (const char *text, const char *expected)
{
  assert_refused_with_id (text, expected, "c");
}

static void
test_parse (void)
{
  g_autoptr (SbRequest) whole
      = parse_ok ("{\"type\":\"cancel\",\"id\":\"c1\",\"event\":\"e\",\"booking\":\"B7K3QX9M\","
                  "\"refund\":{\"kind\":\"full\"},\"reason\":\"Customer is ill\"}");
  g_autoptr (SbRequest) part
      = parse_ok ("{\"type\":\"cancel\",\"id\":\"c2\",\"event\":\"e\",\"booking\":\"B7K3QX9M\","
                  "\"seats\":[\"A-1\",\"A-2\"],\"refund\":{\"amount\":1250,\"kind\":\"partial\"},"
                  "\"reason\":\"Zwei Plätze weniger\"}");
  g_autoptr (SbRequest) none = parse_ok (
      "{\"reason\":\"x\",\"refund\":{\"kind\":\"none\"},\"booking\":\"B\",\"event\":\"e\","
      "\"id\":\"c3\",\"type\":\"cancel\"}");

  g_assert_cmpint (whole->type, ==, SB_REQUEST_CANCEL);
  g_assert_cmpstr (whole->event_id, ==, "e");
  g_assert_cmpstr (whole->booking_id, ==, "B7K3QX9M");
  g_assert_null (whole->seats);
  g_assert_cmpint (whole->refund_kind, ==, SB_REFUND_FULL);
  g_assert_cmpstr (whole->reason, ==, "Customer is ill");

  g_assert_cmpstrv (part->seats, ((const char *const[]){ "A-1", "A-2", NULL }));
  g_assert_cmpint (part->refund_kind, ==, SB_REFUND_PARTIAL);
  g_assert_cmpint (part->refund_amount, ==, 1250);
  g_assert_cmpstr (part->reason, ==, "Zwei Plätze weniger");

  g_assert_cmpint (none->refund_kind, ==, SB_REFUND_NONE);
  g_assert_cmpint (none->refund_amount, ==, 0);
}

static void
test_refused (void)
{
  g_autofree char *long_reason = g_strnfill (SB_MAX_CANCEL_REASON_LENGTH + 1, 'x');
  g_autofree char *too_long
      = g_strdup_printf ("{\"type\":\"cancel\",\"id\":\"c\",\"event\":\"e\",\"booking\":\"B\","
                         "\"refund\":{\"kind\":\"full\"},\"reason\":\"%s\"}",
                         long_reason);
  /* 500 characters of two bytes each: the limit counts characters. */
  GString *umlauts = g_string_new (NULL);
  g_autofree char *longest = NULL;
  g_autoptr (SbRequest) ok = NULL;

#define CANCEL(rest) "{\"type\":\"cancel\",\"id\":\"c\"," rest "}"
  assert_refused (CANCEL ("\"booking\":\"B\",\"refund\":{\"kind\":\"full\"},\"reason\":\"r\""),
                  "missing field \"event\"");
  assert_refused (CANCEL ("\"event\":\"e\",\"refund\":{\"kind\":\"full\"},\"reason\":\"r\""),
                  "missing field \"booking\"");
  assert_refused (CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"reason\":\"r\""),
                  "missing field \"refund\"");
  assert_refused (CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"refund\":{\"kind\":\"full\"}"),
                  "missing field \"reason\"");
  assert_refused (CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"refund\":\"full\",\"reason\":\"r\""),
                  "field \"refund\" must be");
  assert_refused (CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"refund\":{},\"reason\":\"r\""),
                  "field \"refund\" must be");
  assert_refused (
      CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"refund\":{\"kind\":\"half\"},\"reason\":\"r\""),
      "field \"refund\" must be");
  assert_refused (
      CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"refund\":{\"kind\":1},\"reason\":\"r\""),
      "field \"refund\" must be");
  assert_refused (CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"refund\":{\"kind\":\"full\","
                          "\"currency\":\"EUR\"},\"reason\":\"r\""),
                  "unknown field \"currency\" in \"refund\"");
  assert_refused (CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"refund\":{\"kind\":\"full\","
                          "\"kind\":\"none\"},\"reason\":\"r\""),
                  "names a member twice");
  assert_refused (
      CANCEL (
          "\"event\":\"e\",\"booking\":\"B\",\"refund\":{\"kind\":\"partial\"},\"reason\":\"r\""),
      "needs \"amount\"");
  assert_refused (CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"refund\":{\"kind\":\"full\","
                          "\"amount\":5},\"reason\":\"r\""),
                  "only for a \"partial\" refund");
  assert_refused (CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"refund\":{\"kind\":\"partial\","
                          "\"amount\":0},\"reason\":\"r\""),
                  "field \"amount\" must be an integer of 1 or more");
  assert_refused (CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"refund\":{\"kind\":\"partial\","
                          "\"amount\":12.5},\"reason\":\"r\""),
                  "field \"amount\" must be an integer of 1 or more");
  assert_refused (CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"refund\":{\"kind\":\"partial\","
                          "\"amount\":99999999999999999999},\"reason\":\"r\""),
                  "field \"amount\" is out of range");
  assert_refused (
      CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"refund\":{\"kind\":\"full\"},\"reason\":\"\""),
      "field \"reason\" must be a string of 1-500 characters");
  assert_refused (
      CANCEL (
          "\"event\":\"e\",\"booking\":\"B\",\"refund\":{\"kind\":\"full\"},\"reason\":\" \\t\""),
      "field \"reason\" must say why");
  assert_refused (
      CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"refund\":{\"kind\":\"full\"},\"reason\":5"),
      "field \"reason\" must be a string");
  assert_refused (CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"seats\":[],"
                          "\"refund\":{\"kind\":\"full\"},\"reason\":\"r\""),
                  "field \"seats\" must list 1-50 seats");
  assert_refused (CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"seats\":[\"A-1\",\"A-1\"],"
                          "\"refund\":{\"kind\":\"full\"},\"reason\":\"r\""),
                  "listed twice");
  assert_refused (CANCEL ("\"event\":\"e\",\"booking\":\"B\",\"hold\":\"h\","
                          "\"refund\":{\"kind\":\"full\"},\"reason\":\"r\""),
                  "unknown field \"hold\" in a \"cancel\" request");
#undef CANCEL
  assert_refused (too_long, "field \"reason\" must be a string of 1-500 characters");

  g_string_append (umlauts, "{\"type\":\"cancel\",\"id\":\"c\",\"event\":\"e\",\"booking\":\"B\","
                            "\"refund\":{\"kind\":\"full\"},\"reason\":\"");
  for (guint i = 0; i < SB_MAX_CANCEL_REASON_LENGTH; i++)
    g_string_append (umlauts, "ä");
  g_string_append (umlauts, "\"}");
  longest = g_string_free (umlauts, FALSE);
  ok = parse_ok (longest);
  g_assert_cmpint (g_utf8_strlen (ok->reason, -1), ==, SB_MAX_CANCEL_REASON_LENGTH);
}

/* What the serializer writes, the parser reads back the same. */
static void
test_round_trip (void)
{
  const char *const seats[] = { "A-1", NULL };
  g_autoptr (SbRequest) request = sb_request_new (SB_REQUEST_CANCEL, "c9");
  g_autoptr (SbRequest) back = NULL;
  g_autofree char *json = NULL;

  request->event_id = g_strdup ("e");
  request->booking_id = g_strdup ("B7K3QX9M");
  request->seats = g_strdupv ((char **) seats);
  request->refund_kind = SB_REFUND_PARTIAL;
  request->refund_amount = 700;
  request->reason = g_strdup ("Schnee \"überall\"");
  json = sb_request_to_json (request);
  back = parse_ok (json);
  g_assert_cmpstr (back->id, ==, "c9");
  g_assert_cmpstr (back->event_id, ==, "e");
  g_assert_cmpstr (back->booking_id, ==, "B7K3QX9M");
  g_assert_cmpstrv (back->seats, seats);
  g_assert_cmpint (back->refund_kind, ==, SB_REFUND_PARTIAL);
  g_assert_cmpint (back->refund_amount, ==, 700);
  g_assert_cmpstr (back->reason, ==, request->reason);
}

static void
test_role_and_names (void)
{
  SbRole role = SB_ROLE_VIEWER;
  SbRefundKind kind;

  g_assert_cmpstr (sb_request_type_to_string (SB_REQUEST_CANCEL), ==, "cancel");
  g_assert_true (sb_request_type_required_role (SB_REQUEST_CANCEL, &role));
  g_assert_cmpint (role, ==, SB_ROLE_MANAGER);
  g_assert_cmpstr (sb_refund_kind_to_string (SB_REFUND_PARTIAL), ==, "partial");
  g_assert_true (sb_refund_kind_from_string ("none", &kind));
  g_assert_cmpint (kind, ==, SB_REFUND_NONE);
  g_assert_false (sb_refund_kind_from_string ("some", &kind));
  g_assert_false (sb_refund_kind_from_string (NULL, &kind));
}

/* The reply as written is one JSON object with every field docs/protocol.md names. */
static void
test_cancelled_reply (void)
{
  const char *const seats[] = { "A-1", NULL };
  const char *const left[] = { NULL };
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *o;
  JsonObject *refund;

  sb_cancelled_message_write (out, "c1", "B7K3QX9M", "e", seats, SB_REFUND_FULL, 2500, left, TRUE);
  g_assert_true (json_parser_load_from_data (parser, out->str, -1, &error));
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "cancelled");
  g_assert_cmpstr (json_object_get_string_member (o, "re"), ==, "c1");
  g_assert_cmpstr (json_object_get_string_member (o, "booking"), ==, "B7K3QX9M");
  g_assert_cmpstr (json_object_get_string_member (o, "event"), ==, "e");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "seats")), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "remaining_seats")), ==,
                    0);
  g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "cancelled");
  g_assert_true (json_object_get_boolean_member (o, "replayed"));
  refund = json_object_get_object_member (o, "refund");
  g_assert_cmpstr (json_object_get_string_member (refund, "kind"), ==, "full");
  g_assert_cmpint (json_object_get_int_member (refund, "amount"), ==, 2500);
}

static void
test_block (void)
{
  g_autoptr (SbRequest) block = parse_ok ("{\"type\":\"block\",\"id\":\"k1\",\"event\":\"e\","
                                          "\"seats\":[\"A-1\"],\"reason\":\"camera\"}");
  g_autoptr (SbRequest) back = NULL;
  g_autofree char *json = NULL;
  SbRole role = SB_ROLE_VIEWER;

  g_assert_cmpint (block->type, ==, SB_REQUEST_BLOCK);
  g_assert_cmpstr (block->reason, ==, "camera");
  block->type = SB_REQUEST_UNBLOCK;
  json = sb_request_to_json (block);
  back = parse_ok (json);
  g_assert_cmpint (back->type, ==, SB_REQUEST_UNBLOCK);
  g_assert_cmpstrv (back->seats, ((const char *const[]){ "A-1", NULL }));
  g_assert_cmpstr (back->reason, ==, "camera");
  g_assert_true (sb_request_type_required_role (SB_REQUEST_UNBLOCK, &role));
  g_assert_cmpint (role, ==, SB_ROLE_MANAGER);

  assert_refused ("{\"type\":\"block\",\"id\":\"c\",\"event\":\"e\",\"seats\":[\"A-1\"]}",
                  "missing field \"reason\"");
  assert_refused ("{\"type\":\"unblock\",\"id\":\"c\",\"event\":\"e\",\"reason\":\"r\"}",
                  "missing field \"seats\"");
  assert_refused ("{\"type\":\"block\",\"id\":\"c\",\"event\":\"e\",\"seats\":[\"A-1\"],"
                  "\"reason\":\"  \"}",
                  "field \"reason\" must say why");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/request/cancel/parse", test_parse);
  g_test_add_func ("/request/cancel/refused", test_refused);
  g_test_add_func ("/request/cancel/round-trip", test_round_trip);
  g_test_add_func ("/request/cancel/role-and-names", test_role_and_names);
  g_test_add_func ("/request/cancel/cancelled-reply", test_cancelled_reply);
  g_test_add_func ("/request/block", test_block);
  return g_test_run ();
}
