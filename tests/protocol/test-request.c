/* test-request.c: the strict request parser, its error messages, and the serializer. */
#include <string.h>

#include "sb-protocol.h"
#include "sb-request.h"

static SbRequest *
parse_ok (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *request_id = NULL;
  SbRequest *request;

  request = sb_request_parse (text, strlen (text), &request_id, &error);
  if (request == NULL)
    g_error ("could not parse %s: %s", text, error->message);
  g_assert_no_error (error);
  g_assert_null (request_id); /* only set on failure */
  return request;
}

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
  };

  /* Every request type is in the table. */
  g_assert_cmpuint (G_N_ELEMENTS (table), ==, SB_REQUEST_UNBLOCK + 1);
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

#define HOLD_PREFIX "{\"type\": \"hold\", \"id\": \"r1\", \"event\": \"e\", "

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
check_round_trip (const SbRequest *request)
{
  g_autofree char *json = sb_request_to_json (request);
  g_autofree char *again_json = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (SbRequest) again = NULL;

  again = sb_request_parse (json, strlen (json), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->type, ==, request->type);
  g_assert_cmpstr (again->id, ==, request->id);
  g_assert_cmpstr (again->client_name, ==, request->client_name);
  g_assert_cmpstr (again->client_id, ==, request->client_id);
  g_assert_cmpstr (again->event_id, ==, request->event_id);
  g_assert_cmpstr (again->hold_id, ==, request->hold_id);
  g_assert_cmpint (again->since, ==, request->since);
  g_assert_cmpint (again->ttl_seconds, ==, request->ttl_seconds);
  g_assert_cmpint (again->protocol, ==, request->protocol);
  g_assert_cmpstr (again->username, ==, request->username);
  g_assert_cmpstr (again->password, ==, request->password);
  g_assert_cmpstr (again->token, ==, request->token);
  g_assert_cmpstr (again->seat_id, ==, request->seat_id);
  g_assert_cmpstr (again->booking_id, ==, request->booking_id);
  g_assert_cmpint (again->limit, ==, request->limit);
  if (request->seats == NULL)
    g_assert_null (again->seats);
  else
    g_assert_true (
        g_strv_equal ((const char *const *) again->seats, (const char *const *) request->seats));
  again_json = sb_request_to_json (again);
  g_assert_cmpstr (again_json, ==, json);
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

static void
test_escapes (void)
{
  g_autoptr (SbRequest) request = NULL;

  /* Every escape JSON has, and a surrogate pair (U+1F600) in both cases of hex digit. */
  request
      = parse_ok ("{\"type\": \"book\", \"id\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\","
                  " \"event\": \"e\\u20AC\", \"seats\": [\"\\ud83d\\uDE00\", \"\\uD83D\\ude01\"]}");
  g_assert_cmpstr (request->id, ==, "\"\\/\b\f\n\r\tA\xc3\xa9");
  g_assert_cmpstr (request->event_id, ==, "e\xe2\x82\xac");
  g_assert_cmpstr (request->seats[0], ==, "\xf0\x9f\x98\x80");
  g_assert_cmpstr (request->seats[1], ==, "\xf0\x9f\x98\x81");
  check_round_trip (request);
  g_clear_pointer (&request, sb_request_free);

  /* Two seats that differ only after an escape are two seats; the same seat spelled two ways is
   * one seat listed twice. */
  request = parse_ok (HOLD_PREFIX "\"seats\": [\"a\\u0041\", \"aB\"]}");
  g_assert_cmpstr (request->seats[0], ==, "aA");
  g_clear_pointer (&request, sb_request_free);
  {
    static const char frame[] = HOLD_PREFIX "\"seats\": [\"a\\u0041\", \"aA\"]}";
    g_autoptr (GError) error = NULL;

    g_assert_null (sb_request_parse (frame, strlen (frame), NULL, &error));
    g_assert_cmpstr (error->message, ==, "seat \"aA\" is listed twice in \"seats\"");
  }
}

static void
expect_error (const char *frame, gsize length, const char *message, const char *echoed)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *request_id = NULL;
  g_autoptr (SbRequest) request = sb_request_parse (frame, length, &request_id, &error);

  g_assert_null (request);
  g_assert_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_cmpstr (request_id, ==, echoed);
}

static void
test_nesting (void)
{
  g_autoptr (GString) frame = g_string_new (NULL);

  /* The request object is the first level: 63 more fit, 64 more do not. */
  for (guint extra = 63; extra <= 64; extra++)
    {
      g_string_assign (frame, "{\"type\": \"ping\", \"id\": \"n1\", \"x\": ");
      for (guint i = 0; i < extra; i++)
        g_string_append (frame, i % 2 ? "{\"k\": " : "[");
      for (guint i = extra; i > 0; i--)
        g_string_append (frame, (i - 1) % 2 ? "}" : "]");
      g_string_append (frame, "}");
      if (extra == 63)
        expect_error (frame->str, frame->len, "unknown field \"x\" in a \"ping\" request", "n1");
      else
        /* No id: the innermost "k" has no value, so this is not JSON either. */
        expect_error (frame->str, frame->len, "malformed JSON: 1:253: nested too deeply", NULL);
    }

  /* Far deeper than a recursive reader's stack would take. */
  g_string_assign (frame, "{\"type\": \"ping\", \"id\": \"n2\", \"x\": ");
  for (guint i = 0; i < 60000; i++)
    g_string_append_c (frame, '[');
  expect_error (frame->str, frame->len, "malformed JSON: 1:98: nested too deeply", NULL);
}

/* JSON that RFC 8259 allows and the reader refuses ("\u0000", unpaired surrogates, deep
 * nesting) is still JSON: whenever such a frame has a readable string id, the error echoes it, or
 * the client waiting for that id never gets its answer. Frames that are not JSON echo nothing. */
static void
test_refused_json_keeps_id (void)
{
  static const struct
  {
    const char *frame;
    const char *echoed;
  } cases[] = {
    /* the report: a NUL in a seat id, then in each other string field */
    { "{\"type\":\"hold\",\"id\":\"nl-1\",\"event\":\"e\",\"seats\":[\"A-1\\u0000x\"]}", "nl-1" },
    { "{\"type\":\"hold\",\"id\":\"nl-2\",\"event\":\"e\\u0000\",\"seats\":[\"A-1\"]}", "nl-2" },
    { "{\"type\":\"ping\\u0000\",\"id\":\"nl-3\"}", "nl-3" },
    { "{\"type\":\"hello\",\"id\":\"nl-4\",\"client\":\"a\\u0000\",\"client_id\":\"c\","
      "\"protocol\":1}",
      "nl-4" },
    { "{\"type\":\"hello\",\"id\":\"nl-5\",\"client\":\"a\",\"client_id\":\"\\u0000\","
      "\"protocol\":1}",
      "nl-5" },
    /* before the id, in a member name, deep inside, an unpaired surrogate */
    { "{\"event\":\"\\u0000\",\"type\":\"subscribe\",\"id\":\"nl-6\"}", "nl-6" },
    { "{\"type\":\"ping\",\"x\\u0000\":1,\"id\":\"nl-7\"}", "nl-7" },
    { "{\"type\":\"ping\",\"x\":[{\"y\":[\"\\u0000\"]}],\"id\":\"nl-8\"}", "nl-8" },
    { "{\"type\":\"release\",\"id\":\"nl-9\",\"hold\":\"\\udc00\"}", "nl-9" },
    /* the first id counts, as for any other error; escapes in it are decoded */
    { "{\"id\":\"nl-\\u0031\\u0030\",\"id\":\"other\",\"type\":\"\\u0000\"}", "nl-10" },
    { "{\"id\":7,\"id\":\"nl-11\",\"type\":\"\\u0000\"}", NULL },
    /* no readable id: it holds the NUL, is too long, empty, nested, or the root is no object */
    { "{\"type\":\"ping\",\"id\":\"a\\u0000b\"}", NULL },
    { "{\"type\":\"ping\",\"id\":\"\",\"x\":\"\\u0000\"}", NULL },
    { "{\"type\":\"ping\",\"x\":{\"id\":\"inner\"},\"y\":\"\\u0000\"}", NULL },
    { "[{\"type\":\"ping\",\"id\":\"in-array\",\"y\":\"\\u0000\"}]", NULL },
    /* not JSON at all: nothing is echoed */
    { "{\"type\":\"ping\",\"id\":\"bad-1\",\"x\":\"\\u0000\",}", NULL },
    { "{\"type\":\"ping\",\"id\":\"bad-2\",\"x\":\"\\u0000\"", NULL },
    { "{\"type\":\"ping\",\"id\":\"bad-3\",\"x\":\"\\u0000\"} {}", NULL },
    { "{\"type\":\"ping\",\"id\":\"bad-4\",\"x\":\"\\q\\u0000\"}", NULL },
    { "{\"type\":\"ping\",\"id\":\"bad-5\",\"x\":\"\\u00g0\"}", NULL },
    { "{\"type\":\"ping\",\"id\":\"bad-6\",\"x\":[\"\\u0000\"}}", NULL },
    { "{\"type\":\"ping\",\"id\":\"bad-7\",\"x\":\"\\u0000\xc3\"}", NULL },
    { "{\"type\":\"ping\",\"id\":\"bad-8\",\"x\":\"\\u0000\",\"y\":tru}", NULL },
    { "{\"type\":\"ping\",\"id\":\"bad-9\",\"x\":\"\\u0000\",\"y\":01}", NULL },
  };
  g_autoptr (GString) frame = g_string_new (NULL);
  g_autofree char *long_id = g_strnfill (SB_MAX_REQUEST_ID_LENGTH + 1, 'x');

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *request_id = NULL;
      g_autoptr (SbRequest) request = NULL;

      request = sb_request_parse (cases[i].frame, strlen (cases[i].frame), &request_id, &error);
      g_assert_null (request);
      g_assert_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST);
      g_assert_true (g_str_has_prefix (error->message, "malformed JSON: "));
      if (g_strcmp0 (request_id, cases[i].echoed) != 0)
        g_error ("%s: echoed %s, expected %s", cases[i].frame, request_id, cases[i].echoed);
    }

  /* The message of the report stays what it was: where and what the reader refused. */
  expect_error (
      "{\"type\":\"hold\",\"id\":\"nl-1\",\"event\":\"e\",\"seats\":[\"A-1\\u0000x\"]}",
      strlen ("{\"type\":\"hold\",\"id\":\"nl-1\",\"event\":\"e\",\"seats\":[\"A-1\\u0000x\"]}"),
      "malformed JSON: 1:53: \\u0000 is not allowed in strings", "nl-1");

  /* An id one character too long is not echoed here either. */
  g_string_printf (frame, "{\"type\":\"ping\",\"id\":\"%s\",\"x\":\"\\u0000\"}", long_id);
  expect_error (frame->str, frame->len, "malformed JSON: 1:158: \\u0000 is not allowed in strings",
                NULL);

  /* Nesting far beyond the reader's limit is still JSON when it is closed again. */
  g_string_assign (frame, "{\"type\":\"ping\",\"x\":");
  for (guint i = 0; i < 10000; i++)
    g_string_append (frame, i % 2 ? "{\"k\":" : "[");
  g_string_append (frame, "0");
  for (guint i = 10000; i > 0; i--)
    g_string_append (frame, (i - 1) % 2 ? "}" : "]");
  g_string_append (frame, ",\"id\":\"deep\"}");
  expect_error (frame->str, frame->len, "malformed JSON: 1:207: nested too deeply", "deep");
}

static void
test_long_strings (void)
{
  g_autofree char *long_value = g_strnfill (60000, 'v');
  g_autofree char *frame = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (SbRequest) request = NULL;

  /* Characters, not bytes, are counted: 200 two-byte characters are a valid client name, and
   * 128 escaped ones a valid id. */
  g_string_assign (text, "{\"type\": \"hello\", \"id\": \"");
  for (guint i = 0; i < SB_MAX_REQUEST_ID_LENGTH; i++)
    g_string_append (text, "\\u00e9");
  g_string_append (text, "\", \"client\": \"");
  for (guint i = 0; i < 200; i++)
    g_string_append (text, "\xc3\xa9");
  g_string_append (text, "\", \"client_id\": \"c\", \"protocol\": 1}");
  request = parse_ok (text->str);
  g_assert_cmpuint (g_utf8_strlen (request->id, -1), ==, SB_MAX_REQUEST_ID_LENGTH);
  g_assert_cmpuint (g_utf8_strlen (request->client_name, -1), ==, 200);
  check_round_trip (request);
  g_clear_pointer (&request, sb_request_free);

  g_string_assign (text, "{\"type\": \"hello\", \"id\": \"l1\", \"client\": \"");
  for (guint i = 0; i < 201; i++)
    g_string_append (text, "\xc3\xa9");
  g_string_append (text, "\", \"client_id\": \"c\", \"protocol\": 1}");
  expect_error (text->str, text->len, "field \"client\" must be a string of 1-200 characters",
                "l1");

  /* Seat ids: 64 characters at most. */
  g_string_assign (text, HOLD_PREFIX "\"seats\": [\"");
  for (guint i = 0; i < 64; i++)
    g_string_append (text, "\xe2\x82\xac");
  g_string_append (text, "\"]}");
  request = parse_ok (text->str);
  g_clear_pointer (&request, sb_request_free);
  g_string_insert (text, strlen (HOLD_PREFIX "\"seats\": [\""), "s");
  expect_error (text->str, text->len, "seats[0] must be a seat id of 1-64 characters", "r1");

  /* Long values are read through, wherever they are. */
  frame = g_strdup_printf ("{\"type\": \"ping\", \"x\": \"%s\", \"id\": \"l2\"}", long_value);
  expect_error (frame, strlen (frame), "unknown field \"x\" in a \"ping\" request", "l2");
  g_free (frame);
  frame = g_strdup_printf ("{\"type\": \"ping\", \"id\": \"%s\"}", long_value);
  expect_error (frame, strlen (frame), "field \"id\" must be a string of 1-128 characters", NULL);
}

/* Mutates a valid frame: flips, truncation, insertions (of bytes and of JSON-ish tokens, which
 * reach further into the grammar than random bytes) and deletions. */
static char *
mutate (GRand *rand, const char *frame, gsize *out_length)
{
  static const char *const tokens[] = {
    "\"",       "\\",       ",",          ":",         "{",        "}",       "[",
    "]",        " ",        "\\u",        "\\ud83d",   "\\ude00",  "\\u0000", "0",
    "-",        "e",        ".",          "1e3",       "null",     "true",    "\"id\":",
    "\"x\":1,", "\"ttl\":", "\"seats\":", "\"type\":", "\"hold\"", "\xc3",    "\xe2\x82",
    "\xff",     "\t",       "\n",         "\x01",      "/*",       "'",       "9223372036854775808",
  };
  GString *s = g_string_new (frame);
  guint n = g_rand_int_range (rand, 1, 5);

  for (guint k = 0; k < n; k++)
    {
      gint32 at = g_rand_int_range (rand, 0, (gint32) s->len + 1);

      switch (g_rand_int_range (rand, 0, 5))
        {
          case 0: /* flip a byte */
            if (at < (gint32) s->len)
              s->str[at] = (char) g_rand_int_range (rand, 1, 256);
            break;
          case 1: /* truncate */
            g_string_truncate (s, at);
            break;
          case 2: /* insert a byte (NUL included) */
            g_string_insert_len (s, at, (char[]){ (char) g_rand_int_range (rand, 0, 256) }, 1);
            break;
          case 3: /* insert a token */
            g_string_insert (s, at, tokens[g_rand_int_range (rand, 0, G_N_ELEMENTS (tokens))]);
            break;
          default: /* delete a few bytes */
            {
              /* MIN() would draw twice. */
              gint32 count = g_rand_int_range (rand, 1, 4);

              if (at < (gint32) s->len)
                g_string_erase (s, at, MIN (count, (gint32) s->len - at));
            }
            break;
        }
    }
  *out_length = s->len;
  return g_string_free (s, FALSE);
}

/* 100,000 mutated frames: never a crash (ASan/UBSan runs check reads too), an error is always
 * invalid_request with a usable echoed id, and whatever parses serializes and parses back to the
 * same request. */
static void
test_mutations (void)
{
  static const char *const frames[] = {
    "{\"type\": \"hello\", \"id\": \"1\", \"client\": \"Seatbook\", \"client_id\": \"6f1c\", "
    "\"protocol\": 1}",
    "{\"type\": \"list_events\", \"id\": \"2\"}",
    "{\"type\": \"subscribe\", \"id\": \"3\", \"event\": \"opening-night\", \"since\": 40}",
    "{\"type\": \"unsubscribe\", \"id\": \"4\", \"event\": \"opening-night\"}",
    "{\"type\": \"hold\", \"id\": \"5\", \"event\": \"opening-night\", \"seats\": "
    "[\"stalls-C-12\", \"stalls-C-13\"], \"ttl\": 300}",
    "{\"type\": \"extend\", \"id\": \"6\", \"hold\": \"h_9f3k\", \"ttl\": 600}",
    "{\"type\": \"release\", \"id\": \"7\", \"hold\": \"h_9f3k\"}",
    "{\"type\": \"book\", \"id\": \"8\", \"event\": \"e\\u20ac\", \"seats\": "
    "[\"st\\u00e9lls-C-14\", \"\\ud83d\\ude00\"]}",
    "{\"type\": \"book\", \"id\": \"8b\", \"hold\": \"h\\\"q\\\\\"}",
    "{\"type\":\"ping\",\"id\":\"9\"}",
  };
  GRand *rand = g_rand_new_with_seed (g_test_rand_int ());
  guint parsed = 0;

  for (guint i = 0; i < 100000; i++)
    {
      const char *frame = frames[g_rand_int_range (rand, 0, G_N_ELEMENTS (frames))];
      gsize length;
      g_autofree char *copy = mutate (rand, frame, &length);
      g_autoptr (GError) error = NULL;
      g_autofree char *request_id = NULL;
      g_autoptr (SbRequest) request = NULL;

      /* Exactly @length bytes on the heap, so ASan catches any read past the end. */
      g_autofree char *exact = g_memdup2 (copy, length);

      request = sb_request_parse (exact, length, &request_id, &error);
      if (request != NULL)
        {
          g_assert_no_error (error);
          g_assert_null (request_id);
          check_round_trip (request);
          parsed++;
        }
      else
        {
          g_assert_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST);
          g_assert_cmpuint (strlen (error->message), >, 0);
          if (request_id != NULL)
            {
              g_assert_true (g_utf8_validate (request_id, -1, NULL));
              g_assert_cmpint (g_utf8_strlen (request_id, -1), >=, 1);
              g_assert_cmpint (g_utf8_strlen (request_id, -1), <=, SB_MAX_REQUEST_ID_LENGTH);
            }
        }
    }
  g_test_message ("%u of 100000 mutated frames parsed", parsed);
  /* Some mutations (a changed id, added space) keep a frame valid: the round trip ran. */
  g_assert_cmpuint (parsed, >, 0);
  g_rand_free (rand);
}

/* Every truncation and some random byte flips of valid frames: never a crash, always either a
 * request or invalid_request. */
static void
test_fuzz (void)
{
  static const char *const frames[] = {
    "{\"type\": \"hello\", \"id\": \"1\", \"client\": \"Seatbook\", \"client_id\": \"6f1c\", "
    "\"protocol\": 1}",
    "{\"type\": \"subscribe\", \"id\": \"3\", \"event\": \"opening-night\", \"since\": 40}",
    "{\"type\": \"hold\", \"id\": \"5\", \"event\": \"opening-night\", \"seats\": "
    "[\"stalls-C-12\", \"stalls-C-13\"], \"ttl\": 300}",
    "{\"type\": \"book\", \"id\": \"8\", \"event\": \"opening-night\", \"seats\": "
    "[\"st\\u00e9lls-C-14\"]}",
    "{\"type\": \"extend\", \"id\": \"6\", \"hold\": \"h_9f3k\", \"ttl\": 600}",
  };
  GRand *rand = g_rand_new_with_seed (g_test_rand_int ());

  for (guint f = 0; f < G_N_ELEMENTS (frames); f++)
    {
      gsize length = strlen (frames[f]);

      for (gsize n = 0; n <= length; n++)
        {
          /* A copy of exactly n bytes, so ASan catches any read past the length. */
          g_autofree char *copy = g_memdup2 (frames[f], n);
          g_autoptr (GError) error = NULL;
          g_autofree char *request_id = NULL;
          g_autoptr (SbRequest) request = NULL;

          request = sb_request_parse (copy, n, &request_id, &error);
          if (request == NULL)
            g_assert_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST);
          else
            g_assert_cmpuint (n, ==, length);
        }

      for (guint i = 0; i < 500; i++)
        {
          g_autofree char *copy = g_memdup2 (frames[f], length);
          g_autoptr (GError) error = NULL;
          g_autofree char *request_id = NULL;
          g_autoptr (SbRequest) request = NULL;
          guint flips = g_rand_int_range (rand, 1, 4);

          for (guint k = 0; k < flips; k++)
            copy[g_rand_int_range (rand, 0, (gint32) length)]
                = (char) g_rand_int_range (rand, 0, 256);
          request = sb_request_parse (copy, length, &request_id, &error);
          if (request == NULL)
            g_assert_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST);
          else
            g_assert_no_error (error);
        }
    }
  g_rand_free (rand);
}

/* Requests parsed on several threads at once (the parser keeps no shared state). */
static gpointer
parse_in_thread (gpointer data)
{
  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"type\": \"ping\", \"id\": \"t%u\"}", i);
      g_autofree char *expected = g_strdup_printf ("t%u", i);
      g_autoptr (SbRequest) request = sb_request_parse (text, strlen (text), NULL, NULL);

      g_assert_nonnull (request);
      g_assert_cmpstr (request->id, ==, expected);
    }
  return NULL;
}

static void
test_threads (void)
{
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("parse", parse_in_thread, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
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
  g_test_add_func ("/request/fuzz", test_fuzz);
  g_test_add_func ("/request/escapes", test_escapes);
  g_test_add_func ("/request/nesting", test_nesting);
  g_test_add_func ("/request/refused-json-keeps-id", test_refused_json_keeps_id);
  g_test_add_func ("/request/long-strings", test_long_strings);
  g_test_add_func ("/request/mutations", test_mutations);
  g_test_add_func ("/request/threads", test_threads);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/request/bad/%u", i);

      g_test_add_data_func (name, &bad_cases[i], test_bad);
    }

  return g_test_run ();
}
