/* request-test-util.h: what the request parser's tests share (test-request.c,
 * test-request-robustness.c and the tests of each request family: test-request-cancel.c,
 * -move.c, -event.c, -release.c). */
#pragma once

#include <string.h>

#include "sb-protocol.h"
#include "sb-request.h"

#define HOLD_PREFIX "{\"type\": \"hold\", \"id\": \"r1\", \"event\": \"e\", "

static inline SbRequest *
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

/* The request is refused with invalid_request, the message holds expected, and the request's id
 * (id) is kept for the error reply. */
static inline void
assert_refused_with_id (const char *text, const char *expected, const char *id)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *request_id = NULL;
  g_autoptr (SbRequest) request = sb_request_parse (text, strlen (text), &request_id, &error);

  g_assert_null (request);
  g_assert_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST);
  if (strstr (error->message, expected) == NULL)
    g_error ("%s: expected \"%s\" in \"%s\"", text, expected, error->message);
  g_assert_cmpstr (request_id, ==, id);
}

/* The request written and parsed again is the same request, and is written the same way. */
static inline void
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
