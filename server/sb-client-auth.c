/* sb-client-auth.c: see sb-client-auth.h. */
#include "config.h"

#include "sb-client-auth.h"

#include <string.h>

#include "sb-credentials.h"
#include "sb-live-event.h"
#include "sb-message.h"

void
sb_client_auth_clear (SbClientAuth *auth)
{
  g_clear_pointer (&auth->username, g_free);
  g_clear_pointer (&auth->token_hash, g_free);
  auth->expires_at_ms = 0;
  auth->ended = FALSE;
}

static void
send_unauthenticated (SbClient *client,
                      const SbRequest *request,
                      SbAuthReason reason,
                      const char *message,
                      gint64 retry_after_ms)
{
  GString *out = g_string_sized_new (256);

  sb_error_message_write_unauthenticated (out, request->id, reason, message, retry_after_ms);
  sb_client_send_text (client, g_string_free (out, FALSE));
  sb_metrics_count_request (_sb_client_get_metrics (client), request->type,
                            SB_ERROR_UNAUTHENTICATED);
}

static void
send_error (SbClient *client,
            const SbRequest *request,
            SbErrorCode code,
            const char *message,
            gint64 retry_after_ms)
{
  GString *out = g_string_sized_new (256);

  sb_error_message_write (out, request->id, code, message, NULL, NULL, retry_after_ms, FALSE);
  sb_client_send_text (client, g_string_free (out, FALSE));
  sb_metrics_count_request (_sb_client_get_metrics (client), request->type, code);
}

static void
send_invalid (SbClient *client, const SbRequest *request, const char *message)
{
  send_error (client, request, SB_ERROR_INVALID_REQUEST, message, 0);
}

static const char *
reason_message (SbAuthReason reason)
{
  switch (reason)
    {
      case SB_AUTH_EXPIRED:
        return "The session has expired: sign in again";
      case SB_AUTH_REVOKED:
        return "The session has ended (signed out, or the account's password or role changed): "
               "sign in again";
      case SB_AUTH_DISABLED:
        return "The account is disabled";
      case SB_AUTH_LOCKED:
        return "Too many failed sign-ins: try again later";
      case SB_AUTH_BAD_CREDENTIALS:
        return "Wrong username, password or token";
      case SB_AUTH_REQUIRED:
      default:
        return "Sign in first";
    }
}

gboolean
sb_client_auth_check (SbClient *client, const SbRequest *request)
{
  SbClientAuth *auth = _sb_client_get_auth (client);
  SbRole required;

  if (!_sb_client_get_settings (client)->accounts_required)
    return TRUE;
  if (auth->username != NULL && !auth->ended && auth->expires_at_ms <= sb_now_ms ())
    sb_client_auth_end (client, SB_AUTH_EXPIRED);
  switch (request->type)
    {
      case SB_REQUEST_HELLO:
      case SB_REQUEST_SIGN_IN:
        return TRUE;
      case SB_REQUEST_PING:
        /* Allowed signed out, but a session that ended is told once, also to a client that only
         * pings: it learns without waiting for its next real request. */
        if (!auth->ended)
          return TRUE;
        break;
      default:
        break;
    }

  if (auth->username == NULL)
    {
      send_unauthenticated (client, request, SB_AUTH_REQUIRED, reason_message (SB_AUTH_REQUIRED),
                            0);
      return FALSE;
    }
  if (auth->ended)
    {
      SbAuthReason reason = auth->ended_reason;

      /* Refused once with the reason; from then on the connection is signed out. */
      g_info ("Session %s: %s's session ended (%s)", sb_client_get_session_id (client),
              auth->username, sb_auth_reason_to_string (reason));
      sb_client_auth_clear (auth);
      send_unauthenticated (client, request, reason, reason_message (reason), 0);
      return FALSE;
    }
  if (sb_request_required_role (request, &required) && auth->role < required)
    {
      GString *out = g_string_sized_new (256);
      g_autofree char *message = g_strdup_printf (
          "%s the role %s; %s is %s",
          request->override_orphan_rule ? "Overriding the orphan rule needs" : "This needs",
          sb_role_to_string (required), auth->username, sb_role_to_string (auth->role));

      sb_error_message_write_forbidden_role (out, request->id, message, required);
      sb_client_send_text (client, g_string_free (out, FALSE));
      sb_metrics_count_request (_sb_client_get_metrics (client), request->type, SB_ERROR_FORBIDDEN);
      return FALSE;
    }
  return TRUE;
}

/* The address failures are counted against: the peer without its port. */
static char *
peer_address (SbClient *client)
{
  const char *peer = sb_ws_connection_get_peer (_sb_client_get_connection (client));
  const char *colon = peer != NULL ? strrchr (peer, ':') : NULL;

  if (peer == NULL)
    return g_strdup ("unknown");
  return colon != NULL ? g_strndup (peer, colon - peer) : g_strdup (peer);
}

void
sb_client_auth_sign_in (SbClient *client, const SbRequest *request)
{
  SbClientAuth *auth = _sb_client_get_auth (client);
  const SbClientHooks *hooks = _sb_client_get_hooks (client);
  g_autofree char *address = NULL;

  if (!_sb_client_get_settings (client)->accounts_required)
    {
      send_invalid (client, request, "This server runs without accounts (accounts=off)");
      return;
    }
  if (auth->signing_in)
    {
      send_invalid (client, request, "A sign_in is already under way on this connection");
      return;
    }
  auth->signing_in = TRUE;
  address = peer_address (client);
  hooks->sign_in (sb_client_get_serial (client), request->id, request->username, request->password,
                  request->token, address, sb_client_get_client_id (client), hooks->user_data);
}

void
sb_client_finish_sign_in (SbClient *client, SbSignInOutcome *taken)
{
  g_autoptr (SbSignInOutcome) outcome = taken;
  SbClientAuth *auth = _sb_client_get_auth (client);
  SbRequest request = { .type = SB_REQUEST_SIGN_IN, .id = outcome->request_id };
  SbAuthReason reason;

  auth->signing_in = FALSE;
  switch (outcome->result)
    {
      case SB_SIGN_IN_OK:
        break;
      case SB_SIGN_IN_LOCKED:
        reason = SB_AUTH_LOCKED;
        goto refuse;
      case SB_SIGN_IN_DISABLED:
        reason = SB_AUTH_DISABLED;
        goto refuse;
      case SB_SIGN_IN_EXPIRED:
        reason = SB_AUTH_EXPIRED;
        goto refuse;
      case SB_SIGN_IN_REVOKED:
        reason = SB_AUTH_REVOKED;
        goto refuse;
      case SB_SIGN_IN_BUSY:
        /* Not a refusal of these credentials: the same sign_in may be sent again later. */
        send_error (client, &request, SB_ERROR_RATE_LIMITED,
                    "Too many sign-ins are waiting: try again later", outcome->retry_after_ms);
        return;
      case SB_SIGN_IN_UNAVAILABLE:
        /* The store could not answer: the credentials were neither accepted nor refused. */
        send_error (client, &request, SB_ERROR_UNAVAILABLE,
                    "Sign-in cannot be checked now (storage failing): try again", 0);
        return;
      case SB_SIGN_IN_BAD_CREDENTIALS:
      default:
        reason = SB_AUTH_BAD_CREDENTIALS;
        goto refuse;
    }

  /* Signing in again switches the account. */
  sb_client_auth_clear (auth);
  auth->username = g_strdup (outcome->username);
  auth->role = outcome->role;
  auth->token_hash = g_strdup (outcome->token_hash);
  auth->expires_at_ms = outcome->expires_at_ms;

  const SbClientHooks *hooks = _sb_client_get_hooks (client);
  GPtrArray *events = hooks->get_events (hooks->user_data);
  gint64 now_ms = sb_now_ms ();
  GString *out = g_string_sized_new (512);

  sb_signed_in_message_write_begin (out, outcome->request_id, outcome->username, outcome->role,
                                    outcome->token, outcome->expires_at_ms, now_ms);
  /* The account's holds in every event, from whichever desk. */
  for (guint i = 0; i < events->len; i++)
    sb_live_event_append_account_holds (g_ptr_array_index (events, i), out, auth->username, now_ms);
  sb_signed_in_message_write_end (out);
  sb_client_send_text (client, g_string_free (out, FALSE));
  sb_metrics_count_request (_sb_client_get_metrics (client), SB_REQUEST_SIGN_IN, SB_ERROR_NONE);
  return;

refuse:
  send_unauthenticated (client, &request, reason, reason_message (reason), outcome->retry_after_ms);
}

void
sb_client_auth_sign_out (SbClient *client, const SbRequest *request)
{
  SbClientAuth *auth = _sb_client_get_auth (client);
  const SbClientHooks *hooks = _sb_client_get_hooks (client);

  /* The reply waits for the store (sb_client_finish_sign_out ()); meanwhile the connection is
   * still signed in. Without a live session there is nothing to revoke. */
  if (auth->token_hash != NULL && !auth->ended)
    {
      hooks->sign_out (sb_client_get_serial (client), request->id, auth->token_hash,
                       hooks->user_data);
      return;
    }
  sb_client_finish_sign_out (client, request->id, TRUE);
}

void
sb_client_finish_sign_out (SbClient *client, const char *request_id, gboolean revoked)
{
  SbClientAuth *auth = _sb_client_get_auth (client);
  SbRequest request = { .type = SB_REQUEST_SIGN_OUT, .id = (char *) request_id };
  GString *out;

  if (!revoked)
    {
      /* The session still works: say so, the client may try again. */
      send_error (client, &request, SB_ERROR_UNAVAILABLE,
                  "The sign-out cannot be recorded now (storage failing): try again", 0);
      return;
    }
  sb_client_auth_clear (auth);
  /* Signed out, the connection may not see the events any more (review finding 3). */
  _sb_client_end_subscriptions (client);
  out = g_string_sized_new (64);
  sb_signed_out_message_write (out, request_id);
  sb_client_send_text (client, g_string_free (out, FALSE));
  sb_metrics_count_request (_sb_client_get_metrics (client), SB_REQUEST_SIGN_OUT, SB_ERROR_NONE);
}

const char *
sb_client_auth_get_token_hash (SbClient *client)
{
  SbClientAuth *auth = _sb_client_get_auth (client);

  return auth->ended ? NULL : auth->token_hash;
}

void
sb_client_auth_end (SbClient *client, SbAuthReason reason)
{
  SbClientAuth *auth = _sb_client_get_auth (client);

  if (auth->username == NULL || auth->ended)
    return;
  auth->ended = TRUE;
  auth->ended_reason = reason;
  /* At once, not at the next request: a connection that only listens must stop seeing the
   * events now (review finding 3). */
  _sb_client_end_subscriptions (client);
}

void
sb_client_auth_deliver (GHashTable *clients, guint64 serial, SbSignInOutcome *outcome)
{
  SbClient *client = g_hash_table_lookup (clients, GSIZE_TO_POINTER ((gsize) serial));

  if (client != NULL)
    sb_client_finish_sign_in (client, outcome);
  else
    sb_sign_in_outcome_free (outcome);
}

void
sb_client_auth_deliver_sign_out (GHashTable *clients,
                                 guint64 serial,
                                 const char *request_id,
                                 gboolean revoked)
{
  SbClient *client = g_hash_table_lookup (clients, GSIZE_TO_POINTER ((gsize) serial));

  if (client != NULL)
    sb_client_finish_sign_out (client, request_id, revoked);
}

void
sb_client_auth_collect_tokens (GHashTable *clients, GHashTable *tokens)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, clients);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const char *hash = sb_client_auth_get_token_hash (value);

      if (hash != NULL)
        g_hash_table_add (tokens, (gpointer) hash);
    }
}

void
sb_client_auth_end_sessions (GHashTable *clients, GHashTable *ended)
{
  GHashTableIter iter;
  gpointer value, reason;

  g_hash_table_iter_init (&iter, clients);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const char *hash = sb_client_auth_get_token_hash (value);

      if (hash != NULL && g_hash_table_lookup_extended (ended, hash, NULL, &reason))
        sb_client_auth_end (value, GPOINTER_TO_INT (reason));
    }
}

void
sb_client_auth_expire_sessions (GHashTable *clients, gint64 now_ms)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, clients);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SbClientAuth *auth = _sb_client_get_auth (value);

      if (auth->username != NULL && !auth->ended && auth->expires_at_ms <= now_ms)
        sb_client_auth_end (value, SB_AUTH_EXPIRED);
    }
}
