/* sb-connection-account.c: SbConnection's sign-in exchange (protocol version 2).
 *
 * After each welcome from a server with accounts the connection signs in with what its SbSession
 * holds (a token, or the password just typed) and keeps every other request waiting until the
 * server says signed_in; an `unauthenticated` reply ends the account's session with its reason,
 * for the sign-in page. */
#include "config.h"

#include "sb-connection-private.h"
#include "sb-protocol.h"

void
_sb_connection_set_accounts (SbConnection *self)
{
  if (self->accounts)
    return;
  self->accounts = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), _sb_connection_properties[PROP_ACCOUNTS]);
}

/* Sends sign_in with the session's token or typed password; FALSE when it has neither. */
gboolean
_sb_connection_send_sign_in (SbConnection *self)
{
  g_autoptr (SbRequest) request = NULL;
  const char *username, *password, *token;
  Pending *pending;

  if (!sb_session_get_credentials (self->account, &username, &password, &token))
    return FALSE;
  request = sb_connection_new_request (self, SB_REQUEST_SIGN_IN);
  request->token = g_strdup (token);
  request->username = g_strdup (username);
  request->password = g_strdup (password);
  pending = _sb_connection_add_pending (self, request, NULL);
  g_free (self->sign_in_id);
  self->sign_in_id = g_strdup (pending->id);
  _sb_connection_send_text (self, pending->text);
  return TRUE;
}

/* Ends an `unauthenticated` reply: the server ended (or never began) our session. */
void
_sb_connection_handle_unauthenticated (SbConnection *self, SbErrorMessage *error_reply)
{
  const char *reason = error_reply->reason != NULL ? error_reply->reason : "required";

  _sb_connection_set_accounts (self);
  self->awaiting_sign_in = TRUE;
  g_clear_pointer (&self->sign_in_id, g_free);
  sb_session_refused (self->account, reason, error_reply->retry_after_ms);
}

static gboolean
resend_sign_in_cb (gpointer data)
{
  SbConnection *self = data;
  Pending *pending
      = self->sign_in_id != NULL ? g_hash_table_lookup (self->pending, self->sign_in_id) : NULL;

  self->sign_in_retry_source = 0;
  if (pending != NULL && self->state == SB_CONNECTION_CONNECTED)
    _sb_connection_send_text (self, pending->text);
  return G_SOURCE_REMOVE;
}

/* A sign_in answered unavailable, rate_limited or internal: the server decided nothing, so the
 * session keeps the password and the (remembered) token, the sign-in page says why it takes long,
 * and the same sign_in goes again after a pause that grows; FALSE for any other error. */
gboolean
_sb_connection_retry_sign_in (SbConnection *self, Pending *pending, SbErrorMessage *error_reply)
{
  SbErrorCode code = error_reply->code;
  gint64 wait_ms = error_reply->retry_after_ms;

  if (code != SB_ERROR_UNAVAILABLE && code != SB_ERROR_RATE_LIMITED && code != SB_ERROR_INTERNAL)
    return FALSE;
  /* Only a server with accounts checks sign-ins (one without answers invalid_request). */
  _sb_connection_set_accounts (self);
  if (wait_ms <= 0)
    wait_ms = (gint64) BACKOFF_BASE_MS << MIN (pending->attempts, 6u);
  pending->attempts++;
  sb_session_refused (self->account, code == SB_ERROR_RATE_LIMITED ? "rate_limited" : "unavailable",
                      wait_ms);
  g_clear_handle_id (&self->sign_in_retry_source, g_source_remove);
  self->sign_in_retry_source
      = g_timeout_add ((guint) MIN (wait_ms, BACKOFF_MAX_MS), resend_sign_in_cb, self);
  return TRUE;
}

void
_sb_connection_handle_signed_in (SbConnection *self, SbSignedInMessage *signed_in)
{
  gboolean was_waiting = self->awaiting_sign_in;

  _sb_connection_set_accounts (self);
  g_clear_pointer (&self->sign_in_id, g_free);
  self->awaiting_sign_in = FALSE;
  sb_session_signed_in (self->account, signed_in->username, sb_role_to_string (signed_in->role),
                        signed_in->token);
  g_signal_emit (self, _sb_connection_signals[SIGNAL_SIGNED_IN], 0, signed_in);
  if (was_waiting)
    _sb_connection_resume (self);
}

static void
account_state_cb (SbConnection *self)
{
  /* A password typed on the sign-in page, or a token the keyring returned after the welcome. */
  if (sb_session_get_state (self->account) == SB_SESSION_SIGNING_IN
      && self->state == SB_CONNECTION_CONNECTED && self->awaiting_sign_in
      && self->sign_in_id == NULL)
    _sb_connection_send_sign_in (self);
}

static void
account_notify_cb (SbConnection *self, GParamSpec *pspec)
{
  if (g_str_equal (pspec->name, "username"))
    g_object_notify_by_pspec (G_OBJECT (self), _sb_connection_properties[PROP_USERNAME]);
  else if (g_str_equal (pspec->name, "role"))
    g_object_notify_by_pspec (G_OBJECT (self), _sb_connection_properties[PROP_ROLE]);
  else if (g_str_equal (pspec->name, "state"))
    account_state_cb (self);
}

/* One account per server: a new url starts signed out there. */
void
_sb_connection_replace_account (SbConnection *self)
{
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  g_clear_object (&self->account);
  self->account = sb_session_new (self->url);
  g_signal_connect_swapped (self->account, "notify", G_CALLBACK (account_notify_cb), self);
  g_object_notify_by_pspec (G_OBJECT (self), _sb_connection_properties[PROP_ACCOUNT]);
  g_object_notify_by_pspec (G_OBJECT (self), _sb_connection_properties[PROP_USERNAME]);
  g_object_notify_by_pspec (G_OBJECT (self), _sb_connection_properties[PROP_ROLE]);
}

/* Public API */

SbSession *
sb_connection_get_account (SbConnection *self)
{
  g_return_val_if_fail (SB_IS_CONNECTION (self), NULL);
  return self->account;
}

gboolean
sb_connection_get_accounts (SbConnection *self)
{
  g_return_val_if_fail (SB_IS_CONNECTION (self), FALSE);
  return self->accounts;
}

const char *
sb_connection_get_username (SbConnection *self)
{
  g_return_val_if_fail (SB_IS_CONNECTION (self), NULL);
  return self->account != NULL ? sb_session_get_username (self->account) : NULL;
}

const char *
sb_connection_get_role (SbConnection *self)
{
  g_return_val_if_fail (SB_IS_CONNECTION (self), NULL);
  return self->account != NULL ? sb_session_get_role (self->account) : NULL;
}

void
sb_connection_sign_in (SbConnection *self,
                       const char *username,
                       const char *password,
                       gboolean remember)
{
  g_return_if_fail (SB_IS_CONNECTION (self));
  g_return_if_fail (username != NULL && password != NULL);

  /* Signing in again while signed in switches the account (the server allows it). */
  if (_sb_connection_is_ready (self))
    self->awaiting_sign_in = TRUE;
  g_clear_pointer (&self->sign_in_id, g_free);
  sb_session_begin_sign_in (self->account, username, password, remember); /* → account_state_cb */
}

void
sb_connection_sign_out (SbConnection *self)
{
  g_return_if_fail (SB_IS_CONNECTION (self));

  /* Revokes the token on the server; without a connection it simply stays unused until it
   * expires, as the keyring no longer has it. */
  if (_sb_connection_is_ready (self)
      && sb_session_get_state (self->account) == SB_SESSION_SIGNED_IN)
    {
      g_autoptr (SbRequest) request = sb_connection_new_request (self, SB_REQUEST_SIGN_OUT);

      _sb_connection_send_text (self, _sb_connection_add_pending (self, request, NULL)->text);
    }
  if (self->state == SB_CONNECTION_CONNECTED)
    self->awaiting_sign_in = TRUE;
  g_clear_pointer (&self->sign_in_id, g_free);
  /* Signed out, the server sends no more changes: the next sign-in resubscribes. */
  _sb_connection_mark_resyncing (self, FALSE);
  sb_session_sign_out (self->account);
}
