/* sb-connection.c: the app's client of the Seatbook WebSocket protocol: the socket, reconnecting,
 * pings and the dispatch of the server's messages.
 *
 * Every request goes into `pending` until a reply carrying its id arrives
 * (sb-connection-requests.c). After a reconnect the
 * connection says hello with the same client id (so the server hands our holds back), subscribes
 * again with the last version it has seen (so it gets a replay rather than a full snapshot) and
 * re-sends every pending request with its original id: the server answers a repeated id with the
 * first outcome, so nothing is done twice. Subscriptions are in sb-connection-subscriptions.c, the
 * sign-in exchange of protocol version 2 in sb-connection-account.c. */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "sb-certificate-trust.h"
#include "sb-connection-private.h"
#include "sb-protocol.h"

G_DEFINE_FINAL_TYPE (SbConnection, sb_connection, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (SbConnectionState,
                    sb_connection_state,
                    G_DEFINE_ENUM_VALUE (SB_CONNECTION_DISCONNECTED, "disconnected"),
                    G_DEFINE_ENUM_VALUE (SB_CONNECTION_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (SB_CONNECTION_CONNECTED, "connected"))

GParamSpec *_sb_connection_properties[N_PROPS];
guint _sb_connection_signals[N_SIGNALS];

static void connect_now (SbConnection *self);
static void lose_connection (SbConnection *self, const char *reason);

static void
set_state (SbConnection *self, SbConnectionState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), _sb_connection_properties[PROP_STATE]);
}

static void
set_last_error (SbConnection *self, const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), _sb_connection_properties[PROP_LAST_ERROR]);
}

static void
set_retry_seconds (SbConnection *self, guint seconds)
{
  if (self->retry_seconds == seconds)
    return;
  self->retry_seconds = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), _sb_connection_properties[PROP_RETRY_SECONDS]);
}

gboolean
_sb_connection_socket_is_open (SbConnection *self)
{
  return self->socket != NULL
         && soup_websocket_connection_get_state (self->socket) == SOUP_WEBSOCKET_STATE_OPEN;
}

void
_sb_connection_send_text (SbConnection *self, const char *text)
{
  if (_sb_connection_socket_is_open (self))
    soup_websocket_connection_send_text (self->socket, text);
}

gboolean
_sb_connection_is_ready (SbConnection *self)
{
  return self->state == SB_CONNECTION_CONNECTED && !self->awaiting_sign_in;
}

static gboolean
tick_cb (gpointer data)
{
  SbConnection *self = data;
  gint64 remaining = self->retry_at - g_get_monotonic_time ();

  set_retry_seconds (
      self, remaining > 0 ? (guint) ((remaining + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC) : 0);
  return G_SOURCE_CONTINUE;
}

static gboolean
retry_cb (gpointer data)
{
  SbConnection *self = data;

  self->retry_source = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (SbConnection *self)
{
  guint window = BACKOFF_MAX_MS;
  guint delay;

  if (self->attempt < 16)
    window = MIN (BACKOFF_MAX_MS, BACKOFF_BASE_MS << self->attempt);
  delay = window / 2 + (guint) g_random_int_range (0, (gint32) (window / 2) + 1);
  self->attempt++;

  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_at = g_get_monotonic_time () + (gint64) delay * 1000;
  self->retry_source = g_timeout_add (delay, retry_cb, self);
  if (self->tick_source == 0)
    self->tick_source = g_timeout_add (250, tick_cb, self);
  tick_cb (self);
  set_state (self, SB_CONNECTION_DISCONNECTED);
}

static void
send_ping (SbConnection *self)
{
  g_autoptr (SbRequest) request = sb_connection_new_request (self, SB_REQUEST_PING);
  Pending *pending = _sb_connection_add_pending (self, request, NULL);

  g_free (self->ping_id);
  self->ping_id = g_strdup (pending->id);
  self->ping_sent_at = g_get_monotonic_time ();
  _sb_connection_send_text (self, pending->text);
}

static gboolean
ping_cb (gpointer data)
{
  SbConnection *self = data;

  if (self->ping_id != NULL
      && g_get_monotonic_time () - self->ping_sent_at > PING_TIMEOUT_S * G_USEC_PER_SEC)
    {
      self->ping_source = 0;
      lose_connection (self, _ ("The server stopped answering."));
      return G_SOURCE_REMOVE;
    }
  if (self->ping_id == NULL)
    send_ping (self);
  return G_SOURCE_CONTINUE;
}

/* Messages */

static void
handle_welcome (SbConnection *self, SbWelcomeMessage *welcome)
{
  const char *username, *password, *token;
  gboolean has_credentials
      = welcome->protocol >= SB_PROTOCOL_ACCOUNTS_VERSION
        && sb_session_get_credentials (self->account, &username, &password, &token);

  self->attempt = 0;
  set_last_error (self, NULL);
  /* A server of version 2 may still run without accounts (accounts=off, transitional): it is
   * known to want a sign-in once it has answered `unauthenticated` or signed us in. Until then
   * the connection signs in only with a token or password at hand; otherwise requests go out
   * and an `unauthenticated` reply brings the sign-in page. Set before the signal: what its
   * handlers send must wait for the sign-in too. */
  self->awaiting_sign_in = self->accounts || has_credentials;
  set_state (self, SB_CONNECTION_CONNECTED);
  g_signal_emit (self, _sb_connection_signals[SIGNAL_WELCOME], 0, welcome);
  if (self->awaiting_sign_in)
    {
      if (!_sb_connection_send_sign_in (self)
          && sb_session_get_state (self->account) != SB_SESSION_SIGNING_IN)
        /* Nothing to sign in with: the sign-in page asks (a keyring lookup still running signs
         * in when it ends, see account_state_cb). */
        sb_session_refused (self->account, "required", 0);
      return;
    }
  _sb_connection_resume (self);
}

void
_sb_connection_resume (SbConnection *self)
{
  _sb_connection_resubscribe_all (self);
  _sb_connection_resend_pending (self);
  if (self->ping_source == 0)
    self->ping_source = g_timeout_add_seconds (PING_INTERVAL_S, ping_cb, self);
}

static void
message_cb (SoupWebsocketConnection *socket, int data_type, GBytes *bytes, SbConnection *self)
{
  g_autoptr (GError) error = NULL;
  /* Keeps self alive while handlers run; clang would call it unused. */
  G_GNUC_UNUSED g_autoptr (GObject) guard = g_object_ref (G_OBJECT (self));
  g_autoptr (SbMessage) message = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  Pending *pending = NULL;

  if (data_type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  message = sb_message_parse (data, size, &error);
  if (message == NULL)
    {
      /* A newer server's message: the protocol asks clients to skip what they do not know. */
      if (!g_error_matches (error, SB_MESSAGE_READ_ERROR, SB_MESSAGE_READ_ERROR_UNKNOWN_TYPE))
        g_warning ("Ignoring a message from the server: %s", error->message);
      return;
    }
  if (message->re != NULL)
    pending = g_hash_table_lookup (self->pending, message->re);

  switch (message->type)
    {
      case SB_MESSAGE_WELCOME:
        if (pending != NULL)
          _sb_connection_remove_pending (self, pending);
        handle_welcome (self, message->welcome);
        return;
      case SB_MESSAGE_SNAPSHOT:
        _sb_connection_handle_snapshot (self, message->snapshot);
        break;
      case SB_MESSAGE_REPLAY:
        _sb_connection_handle_replay (self, message->replay);
        break;
      case SB_MESSAGE_CHANGED:
        _sb_connection_handle_changed (self, message->changed);
        break;
      case SB_MESSAGE_PONG:
        if (g_strcmp0 (message->re, self->ping_id) == 0)
          g_clear_pointer (&self->ping_id, g_free);
        break;
      case SB_MESSAGE_ERROR:
        if (pending == NULL)
          g_warning ("Server error: %s: %s", sb_error_code_to_string (message->error->code),
                     message->error->message);
        break;
      case SB_MESSAGE_SIGNED_IN:
        if (pending != NULL && g_strcmp0 (pending->id, self->sign_in_id) == 0)
          _sb_connection_handle_signed_in (self, message->signed_in);
        break;
      case SB_MESSAGE_EVENTS:
        /* Unasked: the list changed (an event was created or its sales closed). */
        if (message->re == NULL)
          g_signal_emit (self, _sb_connection_signals[SIGNAL_EVENTS], 0, message->events->events);
        break;
      case SB_MESSAGE_SIGNED_OUT:
      case SB_MESSAGE_AUDIT_LOG:
      case SB_MESSAGE_UNSUBSCRIBED:
      case SB_MESSAGE_HELD:
      case SB_MESSAGE_EXTENDED:
      case SB_MESSAGE_RELEASED:
      case SB_MESSAGE_BOOKED:
      default:
        /* Replies only: they end their request below. */
        break;
    }

  if (pending != NULL)
    {
      if (pending->type == SB_REQUEST_HELLO && message->type == SB_MESSAGE_ERROR)
        {
          g_autofree char *reason = g_strdup (message->error->message != NULL
                                                  ? message->error->message
                                                  : _ ("The server refused the connection."));

          /* The server refused us; retrying blindly would hammer it, so back off like any loss. */
          _sb_connection_remove_pending (self, pending);
          lose_connection (self, reason);
          return;
        }
      if (message->type == SB_MESSAGE_ERROR && message->error->code == SB_ERROR_UNAUTHENTICATED)
        {
          _sb_connection_handle_unauthenticated (self, message->error);
          /* Our own requests are made again after the next sign-in (subscriptions stay in
           * `subscriptions`). The user's that only needed a sign-in (`required`: the first
           * requests to a server not yet known to have accounts) wait and go again after it;
           * the others fail below and say why. */
          if (pending->task == NULL)
            {
              if (g_strcmp0 (pending->id, self->ping_id) == 0)
                g_clear_pointer (&self->ping_id, g_free);
              _sb_connection_remove_pending (self, pending);
              return;
            }
          if (message->error->reason == NULL || g_strcmp0 (message->error->reason, "required") == 0)
            return;
        }
      /* The server could not check the sign-in now: the same sign_in again later, with the
       * password and token kept (review finding 4). */
      if (message->type == SB_MESSAGE_ERROR && g_strcmp0 (pending->id, self->sign_in_id) == 0
          && _sb_connection_retry_sign_in (self, pending, message->error))
        return;
      /* A server of version 2 without accounts (accounts=off) refuses sign_in: carry on
       * without. */
      if (message->type == SB_MESSAGE_ERROR && !self->accounts
          && g_strcmp0 (pending->id, self->sign_in_id) == 0)
        {
          g_clear_pointer (&self->sign_in_id, g_free);
          self->awaiting_sign_in = FALSE;
          _sb_connection_remove_pending (self, pending);
          _sb_connection_resume (self);
          return;
        }
      _sb_connection_complete_pending (self, pending, g_steal_pointer (&message));
    }
}

static void
closed_cb (SoupWebsocketConnection *socket, SbConnection *self)
{
  gushort code = soup_websocket_connection_get_close_code (socket);
  const char *reason;

  switch (code)
    {
      case SB_CLOSE_GOING_AWAY:
        reason = _ ("The server is shutting down.");
        break;
      case SB_CLOSE_TOO_SLOW:
        reason = _ ("The connection was too slow to keep up.");
        break;
      case SOUP_WEBSOCKET_CLOSE_TOO_BIG:
        reason = _ ("A message was too large for the server.");
        break;
      default:
        reason = _ ("The connection to the server was lost.");
        break;
    }
  lose_connection (self, reason);
}

static void
lose_connection (SbConnection *self, const char *reason)
{
  if (self->socket != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->socket, self);
      if (_sb_connection_socket_is_open (self))
        soup_websocket_connection_close (self->socket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&self->socket);
    }
  g_clear_handle_id (&self->ping_source, g_source_remove);
  g_clear_pointer (&self->ping_id, g_free);
  /* Each socket signs in afresh after its welcome. */
  self->awaiting_sign_in = FALSE;
  g_clear_pointer (&self->sign_in_id, g_free);
  g_clear_handle_id (&self->sign_in_retry_source, g_source_remove);

  /* The connection's own requests are made afresh after the reconnect; the user's wait to be
   * re-sent with their ids. */
  _sb_connection_drop_own_pending (self);
  _sb_connection_mark_resyncing (self, FALSE);

  set_last_error (self, reason);
  if (self->started)
    schedule_reconnect (self);
  else
    set_state (self, SB_CONNECTION_DISCONNECTED);
}

static void
connected_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (SbConnection) self = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SbRequest) hello = NULL;
  SoupWebsocketConnection *socket;
  Pending *pending;

  socket = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->connect_cancellable);
  if (socket == NULL && self->rejected_fingerprint != NULL)
    {
      g_autofree char *server = sb_certificate_server_of_url (self->url);
      g_autofree char *fingerprint = g_steal_pointer (&self->rejected_fingerprint);

      set_last_error (self, self->rejected_changed
                                ? _ ("The server’s certificate has changed since you trusted it. "
                                     "Not connecting until you accept the new one.")
                                : _ ("The server’s certificate is not trusted yet."));
      /* Trying again cannot help: the connection waits for a person (reconnect_now ()). */
      set_state (self, SB_CONNECTION_DISCONNECTED);
      g_signal_emit (self, _sb_connection_signals[SIGNAL_CERTIFICATE_REJECTED], 0, server,
                     fingerprint, self->rejected_changed);
      return;
    }
  if (socket == NULL)
    {
      g_autofree char *message
          = g_strdup_printf (_ ("Cannot reach the server: %s"), error->message);

      set_last_error (self, message);
      schedule_reconnect (self);
      return;
    }

  self->socket = socket;
  /* A snapshot of a large venue is far beyond libsoup's default 128 KiB message limit. */
  g_object_set (socket, "max-incoming-payload-size", (guint64) 0, NULL);
  g_signal_connect (socket, "message", G_CALLBACK (message_cb), self);
  g_signal_connect (socket, "closed", G_CALLBACK (closed_cb), self);

  hello = sb_connection_new_request (self, SB_REQUEST_HELLO);
  hello->client_name = g_strdup (self->client_name);
  hello->client_id = g_strdup (self->client_id);
  hello->protocol = SB_PROTOCOL_VERSION;
  pending = _sb_connection_add_pending (self, hello, NULL);
  _sb_connection_send_text (self, pending->text);
}

/* For wss:// only: a certificate the system's CAs do not vouch for is accepted when its
 * fingerprint was accepted for this server; otherwise it is remembered for connected_cb (). */
static gboolean
accept_certificate_cb (SoupMessage *message,
                       GTlsCertificate *certificate,
                       GTlsCertificateFlags errors,
                       SbConnection *self)
{
  g_autofree char *server = sb_certificate_server_of_url (self->url);
  SbCertificateVerdict verdict;

  if (self->trust == NULL || server == NULL)
    return FALSE;
  verdict = sb_certificate_trust_check (self->trust, server, certificate, errors);
  if (verdict == SB_CERTIFICATE_TRUSTED)
    return TRUE;
  g_free (self->rejected_fingerprint);
  self->rejected_fingerprint = sb_certificate_fingerprint (certificate);
  self->rejected_changed = verdict == SB_CERTIFICATE_CHANGED;
  return FALSE;
}

static void
connect_now (SbConnection *self)
{
  g_autoptr (SoupMessage) message = NULL;

  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->tick_source, g_source_remove);
  set_retry_seconds (self, 0);
  if (self->connect_cancellable != NULL)
    g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);

  message = soup_message_new (SOUP_METHOD_GET, self->url);
  if (message == NULL)
    {
      g_autofree char *text
          = g_strdup_printf (_ ("“%s” is not a valid server address."), self->url);

      set_last_error (self, text);
      schedule_reconnect (self);
      return;
    }

  g_clear_pointer (&self->rejected_fingerprint, g_free);
  g_signal_connect (message, "accept-certificate", G_CALLBACK (accept_certificate_cb), self);
  set_state (self, SB_CONNECTION_CONNECTING);
  self->connect_cancellable = g_cancellable_new ();
  soup_session_websocket_connect_async (self->session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->connect_cancellable, connected_cb,
                                        g_object_ref (self));
}

/* Public API */

void
sb_connection_set_certificate_trust (SbConnection *self, SbCertificateTrust *trust)
{
  g_return_if_fail (SB_IS_CONNECTION (self));
  g_return_if_fail (trust == NULL || SB_IS_CERTIFICATE_TRUST (trust));

  g_set_object (&self->trust, trust);
}

SbConnection *
sb_connection_new (const char *url, const char *client_id)
{
  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (client_id != NULL && *client_id != '\0', NULL);

  return g_object_new (SB_TYPE_CONNECTION, "url", url, "client-id", client_id, NULL);
}

const char *
sb_connection_get_url (SbConnection *self)
{
  g_return_val_if_fail (SB_IS_CONNECTION (self), NULL);

  return self->url;
}

void
sb_connection_set_url (SbConnection *self, const char *url)
{
  g_return_if_fail (SB_IS_CONNECTION (self));
  g_return_if_fail (url != NULL);

  if (g_strcmp0 (self->url, url) == 0)
    return;

  g_free (self->url);
  self->url = g_strdup (url);
  g_object_notify_by_pspec (G_OBJECT (self), _sb_connection_properties[PROP_URL]);
  _sb_connection_replace_account (self);

  if (!self->started)
    return;
  /* Another server has other versions: start every subscription from a snapshot. */
  _sb_connection_mark_resyncing (self, TRUE);
  lose_connection (self, NULL);
  self->attempt = 0;
  connect_now (self);
}

SbConnectionState
sb_connection_get_state (SbConnection *self)
{
  g_return_val_if_fail (SB_IS_CONNECTION (self), SB_CONNECTION_DISCONNECTED);

  return self->state;
}

guint
sb_connection_get_retry_seconds (SbConnection *self)
{
  g_return_val_if_fail (SB_IS_CONNECTION (self), 0);

  return self->retry_seconds;
}

const char *
sb_connection_get_last_error (SbConnection *self)
{
  g_return_val_if_fail (SB_IS_CONNECTION (self), NULL);

  return self->last_error;
}

void
sb_connection_start (SbConnection *self)
{
  g_return_if_fail (SB_IS_CONNECTION (self));

  if (self->started)
    return;
  self->started = TRUE;
  connect_now (self);
}

void
sb_connection_reconnect_now (SbConnection *self)
{
  g_return_if_fail (SB_IS_CONNECTION (self));

  if (!self->started || self->state != SB_CONNECTION_DISCONNECTED)
    return;
  connect_now (self);
}

void
sb_connection_shutdown (SbConnection *self)
{
  g_return_if_fail (SB_IS_CONNECTION (self));

  self->started = FALSE;
  if (self->connect_cancellable != NULL)
    g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->tick_source, g_source_remove);
  lose_connection (self, NULL);

  _sb_connection_fail_pending (self);
}

/* GObject */

static void
sb_connection_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SbConnection *self = SB_CONNECTION (object);

  switch (prop_id)
    {
      case PROP_URL:
        g_value_set_string (value, self->url);
        break;
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_RETRY_SECONDS:
        g_value_set_uint (value, self->retry_seconds);
        break;
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;
      case PROP_ACCOUNTS:
        g_value_set_boolean (value, self->accounts);
        break;
      case PROP_USERNAME:
        g_value_set_string (value, sb_connection_get_username (self));
        break;
      case PROP_ROLE:
        g_value_set_string (value, sb_connection_get_role (self));
        break;
      case PROP_LAST_ERROR:
        g_value_set_string (value, self->last_error);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_connection_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  SbConnection *self = SB_CONNECTION (object);

  switch (prop_id)
    {
      case PROP_URL:
        sb_connection_set_url (self, g_value_get_string (value));
        break;
      case PROP_CLIENT_ID:
        g_free (self->client_id);
        self->client_id = g_value_dup_string (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_connection_dispose (GObject *object)
{
  SbConnection *self = SB_CONNECTION (object);

  sb_connection_shutdown (self);
  g_clear_handle_id (&self->sign_in_retry_source, g_source_remove);
  g_clear_object (&self->session);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  g_clear_object (&self->account);
  g_clear_object (&self->trust);

  G_OBJECT_CLASS (sb_connection_parent_class)->dispose (object);
}

static void
sb_connection_finalize (GObject *object)
{
  SbConnection *self = SB_CONNECTION (object);

  g_hash_table_unref (self->pending);
  g_hash_table_unref (self->subscriptions);
  g_free (self->url);
  g_free (self->client_id);
  g_free (self->client_name);
  g_free (self->id_prefix);
  g_free (self->last_error);
  g_free (self->ping_id);
  g_free (self->sign_in_id);
  g_free (self->rejected_fingerprint);

  G_OBJECT_CLASS (sb_connection_parent_class)->finalize (object);
}

static void
sb_connection_class_init (SbConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = sb_connection_get_property;
  object_class->set_property = sb_connection_set_property;
  object_class->dispose = sb_connection_dispose;
  object_class->finalize = sb_connection_finalize;

  _sb_connection_properties[PROP_URL]
      = g_param_spec_string ("url", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  _sb_connection_properties[PROP_STATE]
      = g_param_spec_enum ("state", NULL, NULL, SB_TYPE_CONNECTION_STATE,
                           SB_CONNECTION_DISCONNECTED, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  _sb_connection_properties[PROP_RETRY_SECONDS] = g_param_spec_uint (
      "retry-seconds", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  _sb_connection_properties[PROP_LAST_ERROR] = g_param_spec_string (
      "last-error", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  _sb_connection_properties[PROP_CLIENT_ID]
      = g_param_spec_string ("client-id", NULL, NULL, NULL,
                             G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The account on this url (SbSession); replaced when the url changes. */
  _sb_connection_properties[PROP_ACCOUNT] = g_param_spec_object (
      "account", NULL, NULL, SB_TYPE_SESSION, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Whether the server has accounts (a sign-in is needed before anything else). */
  _sb_connection_properties[PROP_ACCOUNTS] = g_param_spec_boolean (
      "accounts", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* The signed-in account's username and role ("viewer" … "admin"); NULL when signed out. */
  _sb_connection_properties[PROP_USERNAME] = g_param_spec_string (
      "username", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  _sb_connection_properties[PROP_ROLE]
      = g_param_spec_string ("role", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, _sb_connection_properties);

  /* signed-in (SbSignedInMessage): the server accepted a sign-in; its holds are every hold of
   * the account. */
  _sb_connection_signals[SIGNAL_SIGNED_IN]
      = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, SB_TYPE_SIGNED_IN_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /* welcome (SbWelcomeMessage): connected; its holds are every hold of this client id. */
  _sb_connection_signals[SIGNAL_WELCOME]
      = g_signal_new ("welcome", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 1, SB_TYPE_WELCOME_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* snapshot (event id, SbSnapshotMessage): replace all seat states of the event. Static scope:
   * a snapshot of a large venue is not copied for each handler; one that keeps it copies it. */
  _sb_connection_signals[SIGNAL_SNAPSHOT] = g_signal_new (
      "snapshot", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
      G_TYPE_STRING, SB_TYPE_SNAPSHOT_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* seats-changed (event id, GPtrArray of SbSeatUpdate, version): apply in order. */
  _sb_connection_signals[SIGNAL_SEATS_CHANGED] = g_signal_new (
      "seats-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_INT64);
  /* holds (event id, GPtrArray of SbHoldInfo): our holds in that event, as of a snapshot or
   * replay. */
  _sb_connection_signals[SIGNAL_HOLDS]
      = g_signal_new ("holds", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* subscription-failed (event id, GError): e.g. the event does not exist. */
  _sb_connection_signals[SIGNAL_SUBSCRIPTION_FAILED]
      = g_signal_new ("subscription-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
  /* certificate-rejected (server "host:port", SHA-256 fingerprint, changed): a wss:// server's
   * certificate is neither vouched for by the system's CAs nor accepted for this server (changed:
   * another was). The connection stays down until sb_connection_reconnect_now (), typically
   * after a person accepted it through SbCertificateTrust. */
  _sb_connection_signals[SIGNAL_CERTIFICATE_REJECTED]
      = g_signal_new ("certificate-rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);
  /* events (GPtrArray of SbEventSummary): the server's new list of events, sent unasked to every
   * client when one is created or its sales close; a reply to list_events ends its request
   * instead. */
  _sb_connection_signals[SIGNAL_EVENTS]
      = g_signal_new ("events", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
sb_connection_init (SbConnection *self)
{
  g_autofree char *uuid = g_uuid_string_random ();

  /* Request ids must not repeat across runs: the server answers a repeated id with the old
   * outcome for a day. A random prefix per run makes them unique. */
  self->id_prefix = g_strndup (uuid, 13);
  self->client_name = g_strdup_printf ("Seatbook %s (%s)", PACKAGE_VERSION, g_get_host_name ());
  self->state = SB_CONNECTION_DISCONNECTED;
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) _sb_connection_pending_free);
  self->subscriptions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                               (GDestroyNotify) _sb_connection_subscription_free);
  g_queue_init (&self->pending_order);
  self->session = soup_session_new ();
}
