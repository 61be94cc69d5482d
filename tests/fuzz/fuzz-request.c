/* fuzz-request.c: the server's request parser (protocol/sb-request.c), fed one text frame.
 *
 * Checked on every input besides the sanitizers: a refusal is an invalid_request error with a
 * message, and an echoed id is a valid, non-empty UTF-8 string of at most
 * SB_MAX_REQUEST_ID_LENGTH characters; an accepted request serializes (sb_request_to_json ()) to
 * a frame that parses again to the same request. */
#include <string.h>

#include "fuzz-target.h"
#include "sb-protocol.h"
#include "sb-request.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  return 0;
}

static void
assert_same (const SbRequest *a, const SbRequest *b)
{
  g_assert (a->type == b->type);
  g_assert (g_strcmp0 (a->id, b->id) == 0);
  g_assert (g_strcmp0 (a->client_name, b->client_name) == 0);
  g_assert (g_strcmp0 (a->client_id, b->client_id) == 0);
  g_assert (a->protocol == b->protocol);
  g_assert (g_strcmp0 (a->event_id, b->event_id) == 0);
  g_assert (a->since == b->since);
  g_assert ((a->seats == NULL) == (b->seats == NULL));
  if (a->seats != NULL)
    g_assert (g_strv_equal ((const char *const *) a->seats, (const char *const *) b->seats));
  g_assert (g_strcmp0 (a->hold_id, b->hold_id) == 0);
  g_assert (a->ttl_seconds == b->ttl_seconds);
  /* move's seat lists */
  g_assert ((a->from == NULL) == (b->from == NULL));
  if (a->from != NULL)
    g_assert (g_strv_equal ((const char *const *) a->from, (const char *const *) b->from));
  g_assert ((a->to == NULL) == (b->to == NULL));
  if (a->to != NULL)
    g_assert (g_strv_equal ((const char *const *) a->to, (const char *const *) b->to));
  g_assert (a->override_orphan_rule == b->override_orphan_rule);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *request_id = NULL;
  g_autoptr (SbRequest) request = NULL;

  request = sb_request_parse ((const char *) data, size, &request_id, &error);
  if (request == NULL)
    {
      g_assert (error != NULL);
      g_assert (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST));
      g_assert (g_utf8_validate (error->message, -1, NULL));
      if (request_id != NULL)
        {
          g_assert (request_id[0] != '\0');
          g_assert (g_utf8_validate (request_id, -1, NULL));
          g_assert (g_utf8_strlen (request_id, -1) <= SB_MAX_REQUEST_ID_LENGTH);
        }
      /* Without the out-arguments the answer is the same. */
      g_assert (sb_request_parse ((const char *) data, size, NULL, NULL) == NULL);
    }
  else
    {
      g_autoptr (GError) again_error = NULL;
      g_autofree char *json = NULL;
      g_autoptr (SbRequest) again = NULL;

      g_assert (error == NULL && request_id == NULL);
      g_assert (request->id != NULL);
      json = sb_request_to_json (request);
      again = sb_request_parse (json, strlen (json), NULL, &again_error);
      if (again == NULL)
        g_error ("%s does not parse again: %s", json, again_error->message);
      assert_same (request, again);
    }
  return 0;
}
