/* test-request.c: the strict request parser, its error messages, and the serializer; how it
 * stands up to hostile and malformed frames is test-request-robustness.c. */
#include <string.h>

#include "sb-protocol.h"
#include "sb-request.h"
#include "request-test-util.h"

static void
test_strings (void)
{
  SbSeatState state;
  SbErrorCode code;

  g_assert_cmpstr (sb_seat_state_to_string (SB_SEAT_FREE), ==, "free");
  g_assert_cmpstr (sb_seat_state_to_string (SB_SEAT_HELD), ==, "held");
  g_assert_cmpstr (sb_seat_state_to_string (SB_SEAT_BOOKED), ==, "booked");
  g_assert_cmpstr (sb_seat_state_to_string (SB_SEAT_BLOCKED), ==, "blocked");
  g_assert_true (sb_seat_state_from_string ("booked", &state));
  g_assert_cmpint (state, ==, SB_SEAT_BOOKED);
  g_assert_false (sb_seat_state_from_string ("gone", &state));
  g_assert_false (sb_seat_state_from_string (NULL, &state));

  g_assert_null (sb_error_code_to_string (SB_ERROR_NONE));
  g_assert_cmpstr (sb_error_code_to_string (SB_ERROR_INTERNAL), ==, "internal_error");
  g_assert_cmpstr (sb_error_code_to_string (SB_ERROR_UNAUTHENTICATED), ==, "unauthenticated");
  for (code = SB_ERROR_SEAT_UNAVAILABLE; code <= SB_ERROR_UNAUTHENTICATED; code++)
    {
      SbErrorCode back = SB_ERROR_NONE;

      g_assert_true (sb_error_code_from_string (sb_error_code_to_string (code), &back));
      g_assert_cmpint (back, ==, code);
    }
  g_assert_false (sb_error_code_from_string ("none", &code));
  g_assert_cmpstr (sb_error_code_to_string (SB_ERROR_SEAT_UNAVAILABLE), ==, "seat_unavailable");
  g_assert_cmpstr (sb_error_code_to_string (SB_ERROR_UNAVAILABLE), ==, "unavailable");
  g_assert_cmpstr (g_quark_to_string (SB_PROTOCOL_ERROR), ==, "sb-protocol-error-quark");

  g_assert_cmpstr (sb_request_type_to_string (SB_REQUEST_LIST_EVENTS), ==, "list_events");
  g_assert_cmpstr (sb_request_type_to_string (SB_REQUEST_PING), ==, "ping");
  g_assert_cmpstr (sb_request_type_to_string (SB_REQUEST_SIGN_IN), ==, "sign_in");
  g_assert_cmpstr (sb_request_type_to_string (SB_REQUEST_SIGN_OUT), ==, "sign_out");
  g_assert_cmpstr (sb_request_type_to_string (SB_REQUEST_AUDIT), ==, "audit");

  /* Roles are ordered: each may do what the one before may. */
  static const char *const roles[] = { "viewer", "clerk", "manager", "admin" };
  for (SbRole role = SB_ROLE_VIEWER; role <= SB_ROLE_ADMIN; role++)
    {
      SbRole back = SB_ROLE_ADMIN + 1;

      g_assert_cmpstr (sb_role_to_string (role), ==, roles[role]);
      g_assert_true (sb_role_from_string (roles[role], &back));
      g_assert_cmpint (back, ==, role);
    }
  g_assert_null (sb_role_to_string (SB_ROLE_ADMIN + 1));
  g_assert_false (sb_role_from_string ("root", NULL));
  g_assert_false (sb_role_from_string (NULL, NULL));

  static const char *const reasons[]
      = { "required", "bad_credentials", "locked", "expired", "revoked", "disabled" };
  for (SbAuthReason reason = SB_AUTH_REQUIRED; reason <= SB_AUTH_DISABLED; reason++)
    {
      SbAuthReason back = SB_AUTH_DISABLED + 1;

      g_assert_cmpstr (sb_auth_reason_to_string (reason), ==, reasons[reason]);
      g_assert_true (sb_auth_reason_from_string (reasons[reason], &back));
      g_assert_cmpint (back, ==, reason);
    }
  g_assert_null (sb_auth_reason_to_string (SB_AUTH_DISABLED + 1));
  g_assert_false (sb_auth_reason_from_string ("gone", NULL));
}

/* The role table of docs/protocol.md, request by request. */
static void
test_required_roles (void)
{
  static const struct
  {
    SbRequestType type;
    gboolean needs_sign_in;
    SbRole role;
  } table[] = {
    { SB_REQUEST_HELLO, FALSE, 0 },
    { SB_REQUEST_SIGN_IN, FALSE, 0 },
    { SB_REQUEST_PING, FALSE, 0 },
    { SB_REQUEST_LIST_EVENTS, TRUE, SB_ROLE_VIEWER },
    { SB_REQUEST_SUBSCRIBE, TRUE, SB_ROLE_VIEWER },
    { SB_REQUEST_UNSUBSCRIBE, TRUE, SB_ROLE_VIEWER },
    { SB_REQUEST_SIGN_OUT, TRUE, SB_ROLE_VIEWER },
    { SB_REQUEST_HOLD, TRUE, SB_ROLE_CLERK },
    { SB_REQUEST_EXTEND, TRUE, SB_ROLE_CLERK },
    { SB_REQUEST_RELEASE, TRUE, SB_ROLE_CLERK },
    { SB_REQUEST_BOOK, TRUE, SB_ROLE_CLERK },
    { SB_REQUEST_HOLD_BEST, TRUE, SB_ROLE_CLERK },
    { SB_REQUEST_FIND_BOOKINGS, TRUE, SB_ROLE_CLERK },
    { SB_REQUEST_AUDIT, TRUE, SB_ROLE_MANAGER },
    { SB_REQUEST_CANCEL, TRUE, SB_ROLE_MANAGER },
    { SB_REQUEST_BLOCK, TRUE, SB_ROLE_MANAGER },
    { SB_REQUEST_UNBLOCK, TRUE, SB_ROLE_MANAGER },
    { SB_REQUEST_REPORT, TRUE, SB_ROLE_MANAGER },
  };

  /* Every request type is in the table. */
  g_assert_cmpuint (G_N_ELEMENTS (table), ==, SB_REQUEST_REPORT + 1);
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      SbRole role = SB_ROLE_ADMIN + 1;

      g_assert_cmpint (sb_request_type_required_role (table[i].type, &role), ==,
                       table[i].needs_sign_in);
      if (table[i].needs_sign_in)
        g_assert_cmpint (role, ==, table[i].role);
      else
        g_assert_cmpint (role, ==, SB_ROLE_ADMIN + 1);
    }
}

/* override_orphan_rule (docs/protocol.md, "The orphan rule"): a boolean on hold, book by seats and
 * hold_best that raises the role the request needs to manager; it survives a round trip. */
static void
test_override_orphan_rule (void)
{
  static const char *const overriding[] = {
    ("{\"type\":\"hold\",\"id\":\"1\",\"event\":\"e\",\"seats\":[\"A-1\"],"
     "\"override_orphan_rule\":true}"),
    ("{\"type\":\"book\",\"id\":\"2\",\"event\":\"e\",\"seats\":[\"A-1\"],"
     "\"override_orphan_rule\":true}"),
    ("{\"type\":\"hold_best\",\"id\":\"3\",\"event\":\"e\",\"count\":2,"
     "\"override_orphan_rule\":true}"),
  };
  static const char *const refused[] = {
    "{\"type\":\"book\",\"id\":\"4\",\"hold\":\"h_1\",\"override_orphan_rule\":true}",
    ("{\"type\":\"hold\",\"id\":\"5\",\"event\":\"e\",\"seats\":[\"A-1\"],"
     "\"override_orphan_rule\":1}"),
    "{\"type\":\"extend\",\"id\":\"6\",\"hold\":\"h_1\",\"override_orphan_rule\":true}",
  };
  const char *plain = "{\"type\":\"hold\",\"id\":\"7\",\"event\":\"e\",\"seats\":[\"A-1\"],"
                      "\"override_orphan_rule\":false}";
  g_autoptr (SbRequest) not_overriding = NULL;
  g_autoptr (GError) error = NULL;
  SbRole role;

  for (guint i = 0; i < G_N_ELEMENTS (overriding); i++)
    {
      g_autoptr (SbRequest) request
          = sb_request_parse (overriding[i], strlen (overriding[i]), NULL, &error);
      g_autoptr (SbRequest) again = NULL;
      g_autofree char *json = NULL;

      g_assert_no_error (error);
      g_assert_true (request->override_orphan_rule);
      g_assert_true (sb_request_required_role (request, &role));
      g_assert_cmpint (role, ==, SB_ROLE_MANAGER);
      json = sb_request_to_json (request);
      again = sb_request_parse (json, strlen (json), NULL, &error);
      g_assert_no_error (error);
      g_assert_true (again->override_orphan_rule);
    }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (SbRequest) request
          = sb_request_parse (refused[i], strlen (refused[i]), NULL, &error);

      g_assert_null (request);
      g_assert_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST);
      g_clear_error (&error);
    }
  not_overriding = sb_request_parse (plain, strlen (plain), NULL, &error);
  g_assert_no_error (error);
  g_assert_false (not_overriding->override_orphan_rule);
  g_assert_true (sb_request_required_role (not_overriding, &role));
  g_assert_cmpint (role, ==, SB_ROLE_CLERK);
}

/* Protocol version 2: sign_in (by password, by token), sign_out, audit. */
static void
test_parse_account_requests (void)
{
  g_autoptr (SbRequest) by_password
      = parse_ok ("{\"type\": \"sign_in\", \"id\": \"s1\", \"username\": \"anna\", \"password\": "
                  "\"p\\u00e9 w\"}");
  g_assert_cmpint (by_password->type, ==, SB_REQUEST_SIGN_IN);
  g_assert_cmpstr (by_password->id, ==, "s1");
  g_assert_cmpstr (by_password->username, ==, "anna");
  g_assert_cmpstr (by_password->password, ==, "p\xc3\xa9 w");
  g_assert_null (by_password->token);

  g_autoptr (SbRequest) by_token
      = parse_ok ("{\"type\": \"sign_in\", \"id\": \"s2\", \"token\": \"sbt_abc\"}");
  g_assert_cmpstr (by_token->token, ==, "sbt_abc");
  g_assert_null (by_token->username);
  g_assert_null (by_token->password);

  g_autoptr (SbRequest) sign_out = parse_ok ("{\"type\": \"sign_out\", \"id\": \"s3\"}");
  g_assert_cmpint (sign_out->type, ==, SB_REQUEST_SIGN_OUT);

  g_autoptr (SbRequest) audit
      = parse_ok ("{\"type\": \"audit\", \"id\": \"a1\", \"event\": \"e\"}");
  g_assert_cmpint (audit->type, ==, SB_REQUEST_AUDIT);
  g_assert_cmpstr (audit->event_id, ==, "e");
  g_assert_cmpint (audit->since, ==, -1);
  g_assert_null (audit->seat_id);
  g_assert_null (audit->booking_id);
  g_assert_cmpint (audit->limit, ==, 0);

  g_autoptr (SbRequest) audit_all = parse_ok (
      "{\"type\": \"audit\", \"id\": \"a2\", \"event\": \"e\", \"since\": 1764100000000, "
      "\"seat\": \"stalls-C-12\", \"booking\": \"B7K3QX9M\", \"limit\": 1000}");
  g_assert_cmpint (audit_all->since, ==, 1764100000000);
  g_assert_cmpstr (audit_all->seat_id, ==, "stalls-C-12");
  g_assert_cmpstr (audit_all->booking_id, ==, "B7K3QX9M");
  g_assert_cmpint (audit_all->limit, ==, 1000);

  /* A hello may name either version this server takes. */
  g_autoptr (SbRequest) hello_v1 = parse_ok ("{\"type\": \"hello\", \"id\": \"h\", \"client\": "
                                             "\"x\", \"client_id\": \"y\", \"protocol\": 1}");
  g_assert_cmpint (hello_v1->protocol, ==, 1);
  g_autoptr (SbRequest) hello_v2 = parse_ok ("{\"type\": \"hello\", \"id\": \"h\", \"client\": "
                                             "\"x\", \"client_id\": \"y\", \"protocol\": 2}");
  g_assert_cmpint (hello_v2->protocol, ==, 2);
}

static void
test_parse_each_type (void)
{
  g_autoptr (SbRequest) hello = NULL, list = NULL, sub = NULL, sub_since = NULL, unsub = NULL;
  g_autoptr (SbRequest) hold = NULL, hold_default = NULL, extend = NULL, release = NULL;
  g_autoptr (SbRequest) book_hold = NULL, book_seats = NULL, ping = NULL;

  hello = parse_ok ("{\"type\": \"hello\", \"id\": \"1\", \"client\": \"Seatbook 0.1.0 (desk 3)\","
                    " \"client_id\": \"6f1c0d0e\", \"protocol\": 1}");
  g_assert_cmpint (hello->type, ==, SB_REQUEST_HELLO);
  g_assert_cmpstr (hello->id, ==, "1");
  g_assert_cmpstr (hello->client_name, ==, "Seatbook 0.1.0 (desk 3)");
  g_assert_cmpstr (hello->client_id, ==, "6f1c0d0e");
  g_assert_cmpint (hello->protocol, ==, 1);

  list = parse_ok ("{\"type\": \"list_events\", \"id\": \"2\"}");
  g_assert_cmpint (list->type, ==, SB_REQUEST_LIST_EVENTS);

  sub = parse_ok ("{\"type\": \"subscribe\", \"id\": \"3\", \"event\": \"opening-night\"}");
  g_assert_cmpint (sub->type, ==, SB_REQUEST_SUBSCRIBE);
  g_assert_cmpstr (sub->event_id, ==, "opening-night");
  g_assert_cmpint (sub->since, ==, -1);
  sub_since = parse_ok ("{\"since\": 0, \"type\": \"subscribe\", \"id\": \"3\", \"event\": \"e\"}");
  g_assert_cmpint (sub_since->since, ==, 0);

  unsub = parse_ok ("{\"type\": \"unsubscribe\", \"id\": \"4\", \"event\": \"opening-night\"}");
  g_assert_cmpint (unsub->type, ==, SB_REQUEST_UNSUBSCRIBE);
  g_assert_cmpstr (unsub->event_id, ==, "opening-night");

  hold = parse_ok ("{\"type\": \"hold\", \"id\": \"5\", \"event\": \"opening-night\","
                   " \"seats\": [\"stalls-C-12\", \"stalls-C-13\"], \"ttl\": 300}");
  g_assert_cmpint (hold->type, ==, SB_REQUEST_HOLD);
  g_assert_cmpuint (g_strv_length (hold->seats), ==, 2);
  g_assert_cmpstr (hold->seats[1], ==, "stalls-C-13");
  g_assert_cmpint (hold->ttl_seconds, ==, 300);
  hold_default
      = parse_ok ("{\"type\": \"hold\", \"id\": \"5\", \"event\": \"e\", \"seats\": [\"a\"]}");
  g_assert_cmpint (hold_default->ttl_seconds, ==, 0);

  extend = parse_ok ("{\"type\": \"extend\", \"id\": \"6\", \"hold\": \"h_9f3k\", \"ttl\": 7200}");
  g_assert_cmpint (extend->type, ==, SB_REQUEST_EXTEND);
  g_assert_cmpstr (extend->hold_id, ==, "h_9f3k");
  g_assert_cmpint (extend->ttl_seconds, ==, 7200);

  release = parse_ok ("{\"type\": \"release\", \"id\": \"7\", \"hold\": \"h_9f3k\"}");
  g_assert_cmpint (release->type, ==, SB_REQUEST_RELEASE);
  g_assert_cmpstr (release->hold_id, ==, "h_9f3k");

  book_hold = parse_ok ("{\"type\": \"book\", \"id\": \"8\", \"hold\": \"h_9f3k\"}");
  g_assert_cmpint (book_hold->type, ==, SB_REQUEST_BOOK);
  g_assert_cmpstr (book_hold->hold_id, ==, "h_9f3k");
  g_assert_null (book_hold->seats);
  book_seats = parse_ok ("{\"type\": \"book\", \"id\": \"8\", \"event\": \"opening-night\","
                         " \"seats\": [\"stalls-C-14\"]}");
  g_assert_null (book_seats->hold_id);
  g_assert_cmpstr (book_seats->event_id, ==, "opening-night");
  g_assert_cmpstr (book_seats->seats[0], ==, "stalls-C-14");
  g_assert_null (book_seats->seats[1]);

  ping = parse_ok ("{\"type\":\"ping\",\"id\":\"9\"}");
  g_assert_cmpint (ping->type, ==, SB_REQUEST_PING);
}

typedef struct
{
  const char *frame;
  const char *message; /* the whole message */
  const char *echoed;  /* the id the error reply echoes, or NULL */
} BadCase;

static const BadCase bad_cases[] = {
  /* not a request at all */
  { "", "empty frame", NULL },
  { "[1, 2]", "a request must be a JSON object", NULL },
  { "\"ping\"", "a request must be a JSON object", NULL },
  { "{\"type\": \"ping\", \"id\": \"x\"", NULL,
    NULL }, /* malformed JSON: message checked by prefix */
  /* type */
  { "{\"id\": \"a1\"}", "missing field \"type\"", "a1" },
  { "{\"type\": 3, \"id\": \"a2\"}", "field \"type\" must be a string", "a2" },
  { "{\"type\": \"dance\", \"id\": \"a3\"}", "unknown request type \"dance\"", "a3" },
  /* id */
  { "{\"type\": \"ping\"}", "missing field \"id\"", NULL },
  { "{\"type\": \"ping\", \"id\": 12}", "field \"id\" must be a string of 1-128 characters", NULL },
  { "{\"type\": \"ping\", \"id\": \"\"}", "field \"id\" must be a string of 1-128 characters",
    NULL },
  { "{\"type\": \"ping\", \"id\": null}", "field \"id\" must be a string of 1-128 characters",
    NULL },
  /* unknown fields */
  { "{\"type\": \"ping\", \"id\": \"b1\", \"x\": 1}", "unknown field \"x\" in a \"ping\" request",
    "b1" },
  { "{\"type\": \"release\", \"id\": \"b2\", \"hold\": \"h\", \"ttl\": 5}",
    "unknown field \"ttl\" in a \"release\" request", "b2" },
  { "{\"type\": \"subscribe\", \"id\": \"b3\", \"event\": \"e\", \"seats\": [\"a\"]}",
    "unknown field \"seats\" in a \"subscribe\" request", "b3" },
  /* hello */
  { "{\"type\": \"hello\", \"id\": \"c1\", \"client\": \"x\", \"client_id\": \"y\"}",
    "missing field \"protocol\"", "c1" },
  { "{\"type\": \"hello\", \"id\": \"c2\", \"client\": \"x\", \"client_id\": \"y\", \"protocol\": "
    "3}",
    "unsupported protocol 3 (this server speaks 2)", "c2" },
  { "{\"type\": \"hello\", \"id\": \"c3\", \"client\": \"x\", \"client_id\": \"y\", \"protocol\": "
    "\"1\"}",
    "field \"protocol\" must be an integer", "c3" },
  { "{\"type\": \"hello\", \"id\": \"c4\", \"client\": \"x\", \"client_id\": \"\", \"protocol\": "
    "1}",
    "field \"client_id\" must be a string of 1-128 characters", "c4" },
  { "{\"type\": \"hello\", \"id\": \"c5\", \"client\": 5, \"client_id\": \"y\", \"protocol\": 1}",
    "field \"client\" must be a string of 1-200 characters", "c5" },
  { "{\"type\": \"hello\", \"id\": \"c6\", \"client_id\": \"y\", \"protocol\": 1}",
    "missing field \"client\"", "c6" },
  /* subscribe */
  { "{\"type\": \"subscribe\", \"id\": \"d1\"}", "missing field \"event\"", "d1" },
  { "{\"type\": \"subscribe\", \"id\": \"d2\", \"event\": \"e\", \"since\": -1}",
    "field \"since\" must be an integer >= 0", "d2" },
  { "{\"type\": \"subscribe\", \"id\": \"d3\", \"event\": \"e\", \"since\": 1.5}",
    "field \"since\" must be an integer >= 0", "d3" },
  { "{\"type\": \"subscribe\", \"id\": \"d4\", \"event\": [\"e\"]}",
    "field \"event\" must be a string of 1-128 characters", "d4" },
  /* hold: seats */
  { "{\"type\": \"hold\", \"id\": \"e1\", \"event\": \"e\"}", "missing field \"seats\"", "e1" },
  { HOLD_PREFIX "\"seats\": \"a\"}", "field \"seats\" must be an array of strings", "r1" },
  { HOLD_PREFIX "\"seats\": [\"a\", 2]}", "field \"seats\" must be an array of strings", "r1" },
  { HOLD_PREFIX "\"seats\": []}", "field \"seats\" must list 1-50 seats, not 0", "r1" },
  { HOLD_PREFIX "\"seats\": [\"a\", \"b\", \"a\"]}", "seat \"a\" is listed twice in \"seats\"",
    "r1" },
  { HOLD_PREFIX "\"seats\": [\"a\", \"\"]}", "seats[1] must be a seat id of 1-64 characters",
    "r1" },
  /* hold: ttl */
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": 0}",
    "field \"ttl\" must be from 1 to 7200 seconds, not 0", "r1" },
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": 7201}",
    "field \"ttl\" must be from 1 to 7200 seconds, not 7201", "r1" },
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": \"60\"}",
    "field \"ttl\" must be an integer number of seconds", "r1" },
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": 60.0}",
    "field \"ttl\" must be an integer number of seconds", "r1" },
  /* extend, release */
  { "{\"type\": \"extend\", \"id\": \"f1\"}", "missing field \"hold\"", "f1" },
  { "{\"type\": \"release\", \"id\": \"f2\", \"hold\": 7}",
    "field \"hold\" must be a string of 1-128 characters", "f2" },
  /* book */
  { "{\"type\": \"book\", \"id\": \"g1\"}",
    "a \"book\" request needs either \"hold\" or \"event\" and \"seats\"", "g1" },
  { "{\"type\": \"book\", \"id\": \"g2\", \"hold\": \"h\", \"event\": \"e\", \"seats\": [\"a\"]}",
    "a \"book\" request needs either \"hold\" or \"event\" and \"seats\", not both", "g2" },
  { "{\"type\": \"book\", \"id\": \"g3\", \"hold\": \"h\", \"seats\": [\"a\"]}",
    "a \"book\" request needs either \"hold\" or \"event\" and \"seats\", not both", "g3" },
  { "{\"type\": \"book\", \"id\": \"g4\", \"event\": \"e\"}", "missing field \"seats\"", "g4" },
  { "{\"type\": \"book\", \"id\": \"g5\", \"seats\": [\"a\"]}", "missing field \"event\"", "g5" },
  { "{\"type\": \"book\", \"id\": \"g6\", \"hold\": \"h\", \"ttl\": 60}",
    "unknown field \"ttl\" in a \"book\" request", "g6" },
  /* JSON that json-glib took and the protocol does not: reported as malformed JSON with the
   * place, before anything about the request, so no id is echoed. */
  { "{'type': 'ping', 'id': 'h1'}",
    "malformed JSON: 1:2: expected a member name in quotes but found '''", NULL },
  { "{\"type\": 'ping', \"id\": \"h2\"}", "malformed JSON: 1:10: expected a value but found '''",
    NULL },
  { "{\"type\": \"ping\", /* note */ \"id\": \"h3\"}",
    "malformed JSON: 1:18: expected a member name in quotes but found '/'", NULL },
  { "{\"type\": \"ping\", \"id\": \"h4\"} // note",
    "malformed JSON: 1:30: unexpected data after the document", NULL },
  { "{\"type\": \"ping\",\n \"id\": \"h5\"}\n{\"type\": \"ping\", \"id\": \"h6\"}",
    "malformed JSON: 3:1: unexpected data after the document", NULL },
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": 0x10}",
    "malformed JSON: 1:68: expected ',' or '}' but found 'x'", NULL },
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": 010}",
    "malformed JSON: 1:68: expected ',' or '}' but found '1'", NULL },
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": +10}",
    "malformed JSON: 1:67: expected a value but found '+'", NULL },
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": NaN}",
    "malformed JSON: 1:67: expected a value but found 'N'", NULL },
  { "{\"type\": \"ping\", \"id\": \"h\\u0000idden\"}",
    "malformed JSON: 1:26: \\u0000 is not allowed in strings", NULL },
  { "{\"type\": \"ping\", \"id\": \"\\ud83d\"}",
    "malformed JSON: 1:25: unpaired surrogate in a \\u escape", NULL },
  { "{\"type\": \"ping\", \"id\": \"\\ude00\\ud83d\"}",
    "malformed JSON: 1:25: unpaired surrogate in a \\u escape", NULL },
  { "{\"type\": \"ping\", \"id\": \"\\x41\"}", "malformed JSON: 1:25: bad escape in a string",
    NULL },
  { "{\"type\": \"ping\", \"id\": \"\xc3\"}", "malformed JSON: 1:24: string is not valid UTF-8",
    NULL },
  { "{\"type\": \"ping\", \"id\": \"a\tb\"}", "malformed JSON: 1:26: control character in a string",
    NULL },
  { "{\"type\": \"ping\", \"id\": \"h7\",}",
    "malformed JSON: 1:29: expected a member name in quotes but found '}'", NULL },
  { "   ", "malformed JSON: 1:4: unexpected end of data", NULL },
  { "[1, 2", "malformed JSON: 1:6: expected ',' or ']' but the data ends", NULL },
  /* repeated fields: json-glib kept the last one; the first id is echoed */
  { "{\"type\": \"ping\", \"id\": \"i1\", \"id\": \"i2\"}", "field \"id\" appears twice", "i1" },
  { "{\"type\": \"ping\", \"type\": \"hold\", \"id\": \"i3\"}", "field \"type\" appears twice",
    "i3" },
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": 60, \"ttl\": 60}", "field \"ttl\" appears twice",
    "r1" },
  { "{\"type\": \"ping\", \"id\": \"i4\", \"x\": 1, \"x\": 2}",
    "unknown field \"x\" in a \"ping\" request", "i4" },
  /* numbers */
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": 9223372036854775808}",
    "field \"ttl\" is out of range", "r1" },
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": -9223372036854775809}",
    "field \"ttl\" is out of range", "r1" },
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": 18446744073709551917}",
    "field \"ttl\" is out of range", "r1" },
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": 9223372036854775807}",
    "field \"ttl\" must be from 1 to 7200 seconds, not 9223372036854775807", "r1" },
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": 1e3}",
    "field \"ttl\" must be an integer number of seconds", "r1" },
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": 6E+1}",
    "field \"ttl\" must be an integer number of seconds", "r1" },
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": -0}",
    "field \"ttl\" must be from 1 to 7200 seconds, not 0", "r1" },
  { HOLD_PREFIX "\"seats\": [\"a\"], \"ttl\": true}",
    "field \"ttl\" must be an integer number of seconds", "r1" },
  { "{\"type\": \"subscribe\", \"id\": \"j1\", \"event\": \"e\", \"since\": 99999999999999999999}",
    "field \"since\" is out of range", "j1" },
  { "{\"type\": \"subscribe\", \"id\": \"j2\", \"event\": \"e\", \"since\": 1e2}",
    "field \"since\" must be an integer >= 0", "j2" },
  { "{\"type\": \"hello\", \"id\": \"j3\", \"client\": \"x\", \"client_id\": \"y\", \"protocol\": "
    "18446744073709551617}",
    "field \"protocol\" is out of range", "j3" },
  { "{\"type\": \"hello\", \"id\": \"j4\", \"client\": \"x\", \"client_id\": \"y\", \"protocol\": "
    "1.0}",
    "field \"protocol\" must be an integer", "j4" },
  /* the id is echoed wherever it is in the frame */
  { "{\"type\": \"dance\", \"x\": [1, {\"y\": null}], \"id\": \"k1\"}",
    "unknown request type \"dance\"", "k1" },
  { "{\"x\": 1, \"type\": \"ping\", \"id\": \"k2\"}", "unknown field \"x\" in a \"ping\" request",
    "k2" },
  { "{\"seats\": 1, \"x\": 1, \"type\": \"ping\", \"id\": \"k3\"}",
    "unknown field \"seats\" in a \"ping\" request", "k3" },
  { "{\"type\": \"ping\", \"id\": \"k\\u00e9\\ud83d\\ude00\", \"x\": 1}",
    "unknown field \"x\" in a \"ping\" request", "k\xc3\xa9\xf0\x9f\x98\x80" },
  { "{\"type\": null, \"id\": \"k4\"}", "field \"type\" must be a string", "k4" },
  { "{\"type\": {\"name\": \"ping\"}, \"id\": \"k5\"}", "field \"type\" must be a string", "k5" },
  { "{\"type\": \"PING\", \"id\": \"k6\"}", "unknown request type \"PING\"", "k6" },
  { "{\"type\": \"ping\", \"id\": [\"k7\"]}", "field \"id\" must be a string of 1-128 characters",
    NULL },
  { HOLD_PREFIX "\"seats\": [\"a\", [\"b\"]]}", "field \"seats\" must be an array of strings",
    "r1" },
  { HOLD_PREFIX "\"seats\": {\"a\": 1}}", "field \"seats\" must be an array of strings", "r1" },
  /* sign_in */
  { "{\"type\": \"sign_in\", \"id\": \"s1\"}",
    "a \"sign_in\" request needs either \"username\" and \"password\" or \"token\"", "s1" },
  { "{\"type\": \"sign_in\", \"id\": \"s2\", \"username\": \"a\", \"password\": \"p\", "
    "\"token\": \"t\"}",
    "a \"sign_in\" request needs either \"username\" and \"password\" or \"token\", not both",
    "s2" },
  { "{\"type\": \"sign_in\", \"id\": \"s3\", \"username\": \"a\"}", "missing field \"password\"",
    "s3" },
  { "{\"type\": \"sign_in\", \"id\": \"s4\", \"password\": \"p\"}", "missing field \"username\"",
    "s4" },
  { "{\"type\": \"sign_in\", \"id\": \"s5\", \"username\": \"\", \"password\": \"p\"}",
    "field \"username\" must be a string of 1-64 characters", "s5" },
  { "{\"type\": \"sign_in\", \"id\": \"s6\", \"username\": \"a\", \"password\": 1234}",
    "field \"password\" must be a string of 1-1024 characters", "s6" },
  { "{\"type\": \"sign_in\", \"id\": \"s7\", \"token\": \"\"}",
    "field \"token\" must be a string of 1-128 characters", "s7" },
  { "{\"type\": \"sign_in\", \"id\": \"s8\", \"token\": \"t\", \"client_id\": \"y\"}",
    "unknown field \"client_id\" in a \"sign_in\" request", "s8" },
  /* sign_out */
  { "{\"type\": \"sign_out\", \"id\": \"o1\", \"token\": \"t\"}",
    "unknown field \"token\" in a \"sign_out\" request", "o1" },
  /* audit */
  { "{\"type\": \"audit\", \"id\": \"u1\"}", "missing field \"event\"", "u1" },
  { "{\"type\": \"audit\", \"id\": \"u2\", \"event\": \"e\", \"limit\": 0}",
    "field \"limit\" must be from 1 to 1000", "u2" },
  { "{\"type\": \"audit\", \"id\": \"u3\", \"event\": \"e\", \"limit\": 1001}",
    "field \"limit\" must be from 1 to 1000", "u3" },
  { "{\"type\": \"audit\", \"id\": \"u4\", \"event\": \"e\", \"limit\": \"5\"}",
    "field \"limit\" must be an integer", "u4" },
  { "{\"type\": \"audit\", \"id\": \"u5\", \"event\": \"e\", \"since\": -5}",
    "field \"since\" must be an integer >= 0", "u5" },
  { "{\"type\": \"audit\", \"id\": \"u6\", \"event\": \"e\", \"seat\": \"\"}",
    "field \"seat\" must be a string of 1-64 characters", "u6" },
  { "{\"type\": \"audit\", \"id\": \"u7\", \"event\": \"e\", \"hold\": \"h\"}",
    "unknown field \"hold\" in a \"audit\" request", "u7" },
  { "{\"type\": \"hold\", \"id\": \"u8\", \"event\": \"e\", \"seats\": [\"a\"], \"username\": "
    "\"a\"}",
    "unknown field \"username\" in a \"hold\" request", "u8" },
};

static void
test_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *request_id = NULL;
  g_autoptr (SbRequest) request = NULL;

  request = sb_request_parse (c->frame, strlen (c->frame), &request_id, &error);
  g_assert_null (request);
  g_assert_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST);
  if (c->message != NULL)
    g_assert_cmpstr (error->message, ==, c->message);
  else
    g_assert_true (g_str_has_prefix (error->message, "malformed JSON: "));
  g_assert_cmpstr (request_id, ==, c->echoed);

  /* NULL out-arguments are fine too. */
  g_clear_error (&error);
  g_assert_null (sb_request_parse (c->frame, strlen (c->frame), NULL, NULL));
}

static void
test_limits (void)
{
  g_autoptr (GString) frame = g_string_new (HOLD_PREFIX "\"seats\": [");
  g_autoptr (GError) error = NULL;
  g_autofree char *long_id = g_strnfill (129, 'x');
  g_autofree char *max_id = g_strnfill (128, 'x');
  g_autofree char *text = NULL;
  g_autofree char *request_id = NULL;
  g_autoptr (SbRequest) request = NULL;

  for (guint i = 0; i < SB_MAX_SEATS_PER_REQUEST; i++)
    g_string_append_printf (frame, "%s\"s-%u\"", i > 0 ? ", " : "", i);
  g_string_append (frame, "]}");
  request = sb_request_parse (frame->str, frame->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (request->seats), ==, SB_MAX_SEATS_PER_REQUEST);
  g_clear_pointer (&request, sb_request_free);

  g_string_truncate (frame, frame->len - 2);
  g_string_append (frame, ", \"one-too-many\"]}");
  request = sb_request_parse (frame->str, frame->len, &request_id, &error);
  g_assert_null (request);
  g_assert_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, "field \"seats\" must list 1-50 seats, not 51");
  g_assert_cmpstr (request_id, ==, "r1");
  g_clear_error (&error);
  g_clear_pointer (&request_id, g_free);

  /* 128 characters is the most an id may have; multi-byte characters count once. */
  text = g_strdup_printf ("{\"type\": \"ping\", \"id\": \"%s\"}", max_id);
  request = sb_request_parse (text, strlen (text), NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&request, sb_request_free);
  g_free (text);
  text = g_strdup_printf ("{\"type\": \"ping\", \"id\": \"%s\", \"x\": 1}", long_id);
  request = sb_request_parse (text, strlen (text), &request_id, &error);
  g_assert_null (request);
  g_assert_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST);
  g_assert_null (request_id); /* too long to echo */
  g_clear_error (&error);
  g_free (text);
  {
    GString *utf8 = g_string_new ("{\"type\": \"ping\", \"id\": \"");

    for (guint i = 0; i < 128; i++)
      g_string_append (utf8, "\xc3\xa9"); /* é */
    g_string_append (utf8, "\"}");
    text = g_string_free (utf8, FALSE);
  }
  request = sb_request_parse (text, strlen (text), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_utf8_strlen (request->id, -1), ==, 128);
}

static void
test_round_trip (void)
{
  const char *seats[]
      = { "stalls-C-12", "quote\"and\\back", "tab\there", "\xc3\xa9t\xc3\xa9", NULL };
  g_autoptr (SbRequest) hello = sb_request_new (SB_REQUEST_HELLO, "1");
  g_autoptr (SbRequest) list = sb_request_new (SB_REQUEST_LIST_EVENTS, "2");
  g_autoptr (SbRequest) sub = sb_request_new (SB_REQUEST_SUBSCRIBE, "3");
  g_autoptr (SbRequest) unsub = sb_request_new (SB_REQUEST_UNSUBSCRIBE, "4");
  g_autoptr (SbRequest) hold = sb_request_new (SB_REQUEST_HOLD, "5\n\x01");
  g_autoptr (SbRequest) extend = sb_request_new (SB_REQUEST_EXTEND, "6");
  g_autoptr (SbRequest) release = sb_request_new (SB_REQUEST_RELEASE, "7");
  g_autoptr (SbRequest) book_hold = sb_request_new (SB_REQUEST_BOOK, "8");
  g_autoptr (SbRequest) book_seats = sb_request_new (SB_REQUEST_BOOK, "8b");
  g_autoptr (SbRequest) ping = sb_request_new (SB_REQUEST_PING, "9");
  g_autofree char *ping_json = NULL;

  hello->client_name = g_strdup ("Seatbook 0.1.0 \"desk\" 3");
  hello->client_id = g_strdup ("6f1c0d0e-aaaa");
  g_assert_cmpint (hello->protocol, ==, SB_PROTOCOL_VERSION);
  sub->event_id = g_strdup ("opening-night");
  sub->since = 40;
  unsub->event_id = g_strdup ("opening-night");
  hold->event_id = g_strdup ("opening-night");
  hold->seats = g_strdupv ((char **) seats);
  hold->ttl_seconds = 300;
  extend->hold_id = g_strdup ("h_9f3k");
  extend->ttl_seconds = SB_MAX_HOLD_TTL_SECONDS;
  release->hold_id = g_strdup ("h_9f3k");
  book_hold->hold_id = g_strdup ("h_9f3k");
  book_seats->event_id = g_strdup ("opening-night");
  book_seats->seats = g_strdupv ((char **) seats);

  check_round_trip (hello);
  check_round_trip (list);
  check_round_trip (sub);
  sub->since = -1;
  check_round_trip (sub);
  check_round_trip (unsub);
  check_round_trip (hold);
  check_round_trip (extend);
  extend->ttl_seconds = 0;
  check_round_trip (extend);
  check_round_trip (release);
  check_round_trip (book_hold);
  check_round_trip (book_seats);
  check_round_trip (ping);

  ping_json = sb_request_to_json (ping);
  g_assert_cmpstr (ping_json, ==, "{\"type\":\"ping\",\"id\":\"9\"}");

  g_autoptr (SbRequest) sign_in = sb_request_new (SB_REQUEST_SIGN_IN, "10");
  g_autoptr (SbRequest) sign_in_token = sb_request_new (SB_REQUEST_SIGN_IN, "11");
  g_autoptr (SbRequest) sign_out = sb_request_new (SB_REQUEST_SIGN_OUT, "12");
  g_autoptr (SbRequest) audit = sb_request_new (SB_REQUEST_AUDIT, "13");
  g_autoptr (SbRequest) audit_all = sb_request_new (SB_REQUEST_AUDIT, "14");
  g_autofree char *sign_in_json = NULL;

  sign_in->username = g_strdup ("anna \"the\" clerk");
  sign_in->password = g_strdup ("p\\w\n\xc3\xa9");
  sign_in_token->token = g_strdup ("sbt_Qm9vYg");
  audit->event_id = g_strdup ("opening-night");
  audit_all->event_id = g_strdup ("opening-night");
  audit_all->since = 1764100000000;
  audit_all->seat_id = g_strdup ("stalls-C-12");
  audit_all->booking_id = g_strdup ("B7K3QX9M");
  audit_all->limit = 5;
  check_round_trip (sign_in);
  check_round_trip (sign_in_token);
  check_round_trip (sign_out);
  check_round_trip (audit);
  check_round_trip (audit_all);

  sign_in_json = sb_request_to_json (sign_in);
  g_assert_cmpstr (sign_in_json, ==,
                   "{\"type\":\"sign_in\",\"id\":\"10\",\"username\":\"anna \\\"the\\\" clerk\","
                   "\"password\":\"p\\\\w\\n\xc3\xa9\"}");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/strings", test_strings);
  g_test_add_func ("/request/parse-each-type", test_parse_each_type);
  g_test_add_func ("/request/limits", test_limits);
  g_test_add_func ("/request/parse-account-requests", test_parse_account_requests);
  g_test_add_func ("/request/required-roles", test_required_roles);
  g_test_add_func ("/request/override-orphan-rule", test_override_orphan_rule);
  g_test_add_func ("/request/round-trip", test_round_trip);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/request/bad/%u", i);

      g_test_add_data_func (name, &bad_cases[i], test_bad);
    }

  return g_test_run ();
}
