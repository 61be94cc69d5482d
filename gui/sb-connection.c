/* sb-connection.c: the app's client of the Seatbook WebSocket protocol.
 *
 * Every request goes into `pending` until a reply carrying its id arrives. After a reconnect the
 * connection says hello with the same client id (so the server hands our holds back), subscribes
 * again with the last version it has seen (so it gets a replay rather than a full snapshot) and
 * re-sends every pending request with its original id: the server answers a repeated id with the
 * first outcome, so nothing is done twice. */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "sb-connection.h"
#include "sb-message.h"
#include "sb-protocol.h"
#include "sb-session.h"

/* Backoff: 0.5 s doubling up to 30 s, then a random point in the upper half of that window so
 * that a hundred desks that lost the same server do not all come back in the same millisecond. */
#define BACKOFF_BASE_MS 500
#define BACKOFF_MAX_MS 30000
/* A server that does not answer a ping within this long is treated as gone: TCP alone can take
 * minutes to notice a dead peer. */
#define PING_INTERVAL_S 15
#define PING_TIMEOUT_S 10
#define MAX_RETRIES 5

typedef struct
{
  char *id;
  char *text;
  GTask *task; /* NULL for requests the connection makes itself */
  SbRequestType type;
  char *event_id; /* subscribe: which subscription this is */
  guint attempts;
  guint retry_source; /* resend after rate_limited or unavailable */
} Pending;

typedef struct
{
  char *event_id;
  gint64 version;     /* -1 until the first snapshot */
  gboolean resyncing; /* a subscribe is in flight; `changed` until its reply are covered by it */
} Subscription;

struct _SbConnection
{
  GObject parent_instance;

  char *url;
  char *client_id;
  char *client_name;
  char *id_prefix;
  guint64 next_id;

  SoupSession *session;
  SoupWebsocketConnection *socket;
  GCancellable *connect_cancellable;
  SbConnectionState state;
  char *last_error;
  gboolean started;

  guint attempt;
  guint retry_source;
  guint tick_source;
  gint64 retry_at;
  guint retry_seconds;

  guint ping_source;
  char *ping_id;
  gint64 ping_sent_at;

  GHashTable *pending;       /* id → Pending */
  GQueue pending_order;      /* Pending, oldest first: resent in the order they were made */
  GHashTable *subscriptions; /* event id → Subscription */

  /* Accounts (protocol version 2). After each welcome the connection signs in with what the
   * session holds and keeps everything else waiting until the server says signed_in. */
  SbSession *account;        /* the account on this url */
  gboolean accounts;         /* the server wants a sign-in (welcome v2 or an unauthenticated) */
  gboolean awaiting_sign_in; /* requests wait: not signed in on this socket yet */
  char *sign_in_id;          /* the sign_in in flight on this socket, or NULL */
};

G_DEFINE_FINAL_TYPE (SbConnection, sb_connection, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (SbConnectionState,
                    sb_connection_state,
                    G_DEFINE_ENUM_VALUE (SB_CONNECTION_DISCONNECTED, "disconnected"),
                    G_DEFINE_ENUM_VALUE (SB_CONNECTION_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (SB_CONNECTION_CONNECTED, "connected"))

enum
{
  PROP_0,
  PROP_URL,
  PROP_STATE,
  PROP_RETRY_SECONDS,
  PROP_LAST_ERROR,
  PROP_CLIENT_ID,
  PROP_ACCOUNT,
  PROP_ACCOUNTS,
  PROP_USERNAME,
  PROP_ROLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_WELCOME,
  SIGNAL_SNAPSHOT,
  SIGNAL_SEATS_CHANGED,
  SIGNAL_HOLDS,
  SIGNAL_SUBSCRIPTION_FAILED,
  SIGNAL_SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void connect_now (SbConnection *self);
static void resume (SbConnection *self);
static void lose_connection (SbConnection *self, const char *reason);

static void
pending_free (Pending *pending)
{
  g_clear_handle_id (&pending->retry_source, g_source_remove);
  g_clear_object (&pending->task);
  g_free (pending->id);
  /* A sign_in's text carries a password or token: not left behind in freed memory. */
  if (pending->type == SB_REQUEST_SIGN_IN)
    memset (pending->text, 0, strlen (pending->text));
  g_free (pending->text);
  g_free (pending->event_id);
  g_free (pending);
}

static void
subscription_free (Subscription *subscription)
{
  g_free (subscription->event_id);
  g_free (subscription);
}

static void
set_state (SbConnection *self, SbConnectionState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_last_error (SbConnection *self, const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
set_retry_seconds (SbConnection *self, guint seconds)
{
  if (self->retry_seconds == seconds)
    return;
  self->retry_seconds = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_SECONDS]);
}

static gboolean
socket_is_open (SbConnection *self)
{
  return self->socket != NULL
         && soup_websocket_connection_get_state (self->socket) == SOUP_WEBSOCKET_STATE_OPEN;
}

static void
send_text (SbConnection *self, const char *text)
{
  if (socket_is_open (self))
    soup_websocket_connection_send_text (self->socket, text);
}

static void
remove_pending (SbConnection *self, Pending *pending)
{
  g_queue_remove (&self->pending_order, pending);
  g_hash_table_remove (self->pending, pending->id); /* frees it */
}

static Pending *
add_pending (SbConnection *self, SbRequest *request, GTask *task)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->id = g_strdup (request->id);
  pending->text = sb_request_to_json (request);
  pending->type = request->type;
  pending->event_id = g_strdup (request->event_id);
  pending->task = task;
  g_hash_table_insert (self->pending, pending->id, pending);
  g_queue_push_tail (&self->pending_order, pending);
  return pending;
}

/* Reconnection */

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

/* Requests */

static void
send_subscribe (SbConnection *self, Subscription *subscription)
{
  g_autoptr (SbRequest) request = sb_connection_new_request (self, SB_REQUEST_SUBSCRIBE);
  Pending *pending;

  request->event_id = g_strdup (subscription->event_id);
  /* With the version we have, the server replays just what we missed. */
  request->since = subscription->version;
  subscription->resyncing = TRUE;
  pending = add_pending (self, request, NULL);
  send_text (self, pending->text);
}

static void
send_ping (SbConnection *self)
{
  g_autoptr (SbRequest) request = sb_connection_new_request (self, SB_REQUEST_PING);
  Pending *pending = add_pending (self, request, NULL);

  g_free (self->ping_id);
  self->ping_id = g_strdup (pending->id);
  self->ping_sent_at = g_get_monotonic_time ();
  send_text (self, pending->text);
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

static gboolean
resend_cb (gpointer data)
{
  Pending *pending = data;
  SbConnection *self = g_task_get_source_object (pending->task);

  pending->retry_source = 0;
  if (self->state == SB_CONNECTION_CONNECTED && !self->awaiting_sign_in)
    send_text (self, pending->text);
  /* Otherwise the reconnect re-sends it. */
  return G_SOURCE_REMOVE;
}

/* Ends pending with reply (taking it). */
static void
complete_pending (SbConnection *self, Pending *pending, SbMessage *reply)
{
  g_autoptr (SbMessage) owned = reply;
  GTask *task = pending->task ? g_object_ref (pending->task) : NULL;

  if (reply->type == SB_MESSAGE_ERROR)
    {
      SbErrorMessage *error_reply = reply->error;
      SbErrorCode code = error_reply->code;
      const char *text
          = error_reply->message != NULL ? error_reply->message : sb_error_code_to_string (code);

      /* These mean "not done, ask again with the same id": do that, invisibly, a few times. */
      if (task != NULL && pending->attempts < MAX_RETRIES
          && (code == SB_ERROR_RATE_LIMITED || code == SB_ERROR_UNAVAILABLE
              || code == SB_ERROR_INTERNAL))
        {
          gint64 wait_ms = error_reply->retry_after_ms;

          if (wait_ms <= 0)
            wait_ms = (gint64) BACKOFF_BASE_MS << pending->attempts;
          pending->attempts++;
          g_clear_handle_id (&pending->retry_source, g_source_remove);
          pending->retry_source
              = g_timeout_add ((guint) MIN (wait_ms, BACKOFF_MAX_MS), resend_cb, pending);
          g_object_unref (task);
          return;
        }

      if (pending->type == SB_REQUEST_SUBSCRIBE && pending->event_id != NULL)
        {
          g_autoptr (GError) error = g_error_new_literal (SB_PROTOCOL_ERROR, code, text);
          g_autofree char *event_id = g_strdup (pending->event_id);

          g_hash_table_remove (self->subscriptions, event_id);
          remove_pending (self, pending);
          g_signal_emit (self, signals[SIGNAL_SUBSCRIPTION_FAILED], 0, event_id, error);
          return;
        }

      remove_pending (self, pending);
      if (task != NULL)
        {
          g_autofree char *message = g_strdup (text); /* text belongs to the error reply */

          /* Before returning: the callback may run at once, and reads it. */
          g_task_set_task_data (task, g_steal_pointer (&reply->error),
                                (GDestroyNotify) sb_error_message_free);
          g_task_return_new_error (task, SB_PROTOCOL_ERROR, code, "%s", message);
          g_object_unref (task);
        }
      return;
    }

  remove_pending (self, pending);
  if (task != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&owned), (GDestroyNotify) sb_message_free);
      g_object_unref (task);
    }
}

/* Accounts */

static void
set_accounts (SbConnection *self)
{
  if (self->accounts)
    return;
  self->accounts = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNTS]);
}

/* Sends sign_in with the session's token or typed password; FALSE when it has neither. */
static gboolean
send_sign_in (SbConnection *self)
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
  pending = add_pending (self, request, NULL);
  g_free (self->sign_in_id);
  self->sign_in_id = g_strdup (pending->id);
  send_text (self, pending->text);
  return TRUE;
}

/* Ends an `unauthenticated` reply: the server ended (or never began) our session. */
static void
handle_unauthenticated (SbConnection *self, SbErrorMessage *error_reply)
{
  const char *reason = error_reply->reason != NULL ? error_reply->reason : "required";

  set_accounts (self);
  self->awaiting_sign_in = TRUE;
  g_clear_pointer (&self->sign_in_id, g_free);
  sb_session_refused (self->account, reason, error_reply->retry_after_ms);
}

static void
handle_signed_in (SbConnection *self, SbSignedInMessage *signed_in)
{
  gboolean was_waiting = self->awaiting_sign_in;

  g_clear_pointer (&self->sign_in_id, g_free);
  self->awaiting_sign_in = FALSE;
  sb_session_signed_in (self->account, signed_in->username, sb_role_to_string (signed_in->role),
                        signed_in->token);
  g_signal_emit (self, signals[SIGNAL_SIGNED_IN], 0, signed_in);
  if (was_waiting)
    resume (self);
}

static void
account_state_cb (SbConnection *self)
{
  /* A password typed on the sign-in page, or a token the keyring returned after the welcome. */
  if (sb_session_get_state (self->account) == SB_SESSION_SIGNING_IN
      && self->state == SB_CONNECTION_CONNECTED && self->awaiting_sign_in
      && self->sign_in_id == NULL)
    send_sign_in (self);
}

static void
account_notify_cb (SbConnection *self, GParamSpec *pspec)
{
  if (g_str_equal (pspec->name, "username"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
  else if (g_str_equal (pspec->name, "role"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
  else if (g_str_equal (pspec->name, "state"))
    account_state_cb (self);
}

/* One account per server: a new url starts signed out there. */
static void
replace_account (SbConnection *self)
{
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  g_clear_object (&self->account);
  self->account = sb_session_new (self->url);
  g_signal_connect_swapped (self->account, "notify", G_CALLBACK (account_notify_cb), self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
}

/* Messages */

static void
handle_welcome (SbConnection *self, SbWelcomeMessage *welcome)
{
  self->attempt = 0;
  set_last_error (self, NULL);
  if (welcome->protocol >= SB_PROTOCOL_ACCOUNTS_VERSION)
    set_accounts (self);
  /* Set before the signal: what its handlers send must wait for the sign-in too. */
  self->awaiting_sign_in = self->accounts;
  set_state (self, SB_CONNECTION_CONNECTED);
  g_signal_emit (self, signals[SIGNAL_WELCOME], 0, welcome);
  if (self->awaiting_sign_in)
    {
      if (!send_sign_in (self) && sb_session_get_state (self->account) != SB_SESSION_SIGNING_IN)
        /* Nothing to sign in with: the sign-in page asks (a keyring lookup still running signs
         * in when it ends, see account_state_cb). */
        sb_session_refused (self->account, "required", 0);
      return;
    }
  resume (self);
}

/* After welcome, or after signed_in on a server with accounts: subscriptions, then our requests
 * that had no reply. */
static void
resume (SbConnection *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->subscriptions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    send_subscribe (self, value);

  /* Our own requests that had no reply, in their original order and with their original ids. */
  for (GList *l = self->pending_order.head; l != NULL; l = l->next)
    {
      Pending *pending = l->data;

      if (pending->task != NULL)
        send_text (self, pending->text);
    }

  if (self->ping_source == 0)
    self->ping_source = g_timeout_add_seconds (PING_INTERVAL_S, ping_cb, self);
}

static Subscription *
subscription_for (SbConnection *self, const char *event_id)
{
  return event_id != NULL ? g_hash_table_lookup (self->subscriptions, event_id) : NULL;
}

static void
emit_holds (SbConnection *self, Subscription *subscription, GPtrArray *holds)
{
  if (holds != NULL)
    g_signal_emit (self, signals[SIGNAL_HOLDS], 0, subscription->event_id, holds);
}

static void
handle_snapshot (SbConnection *self, SbSnapshotMessage *snapshot)
{
  Subscription *subscription = subscription_for (self, snapshot->event_id);

  if (subscription == NULL)
    return;

  subscription->version = snapshot->version;
  subscription->resyncing = FALSE;
  g_signal_emit (self, signals[SIGNAL_SNAPSHOT], 0, subscription->event_id, snapshot);
  emit_holds (self, subscription, snapshot->holds);
}

static void
handle_replay (SbConnection *self, SbReplayMessage *replay)
{
  Subscription *subscription = subscription_for (self, replay->event);

  if (subscription == NULL)
    return;

  for (guint i = 0; replay->changes != NULL && i < replay->changes->len; i++)
    {
      SbVersionChange *change = g_ptr_array_index (replay->changes, i);

      if (change->version <= subscription->version || change->seats == NULL)
        continue;
      subscription->version = change->version;
      g_signal_emit (self, signals[SIGNAL_SEATS_CHANGED], 0, subscription->event_id, change->seats,
                     change->version);
    }
  subscription->version = replay->version;
  subscription->resyncing = FALSE;
  emit_holds (self, subscription, replay->holds);
}

static void
handle_changed (SbConnection *self, SbChangedMessage *changed)
{
  Subscription *subscription = subscription_for (self, changed->event);

  /* While a subscribe is in flight its reply covers everything up to its version. */
  if (subscription == NULL || subscription->resyncing || subscription->version < 0)
    return;

  if (changed->version <= subscription->version || changed->seats == NULL)
    return;
  if (changed->from_version != subscription->version)
    {
      /* We missed a version: ask for exactly what is missing. */
      g_debug (
          "Gap in event %s: have %" G_GINT64_FORMAT ", got %" G_GINT64_FORMAT "→%" G_GINT64_FORMAT,
          subscription->event_id, subscription->version, changed->from_version, changed->version);
      send_subscribe (self, subscription);
      return;
    }

  subscription->version = changed->version;
  g_signal_emit (self, signals[SIGNAL_SEATS_CHANGED], 0, subscription->event_id, changed->seats,
                 changed->version);
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
          remove_pending (self, pending);
        handle_welcome (self, message->welcome);
        return;
      case SB_MESSAGE_SNAPSHOT:
        handle_snapshot (self, message->snapshot);
        break;
      case SB_MESSAGE_REPLAY:
        handle_replay (self, message->replay);
        break;
      case SB_MESSAGE_CHANGED:
        handle_changed (self, message->changed);
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
          handle_signed_in (self, message->signed_in);
        break;
      case SB_MESSAGE_SIGNED_OUT:
      case SB_MESSAGE_AUDIT_LOG:
      case SB_MESSAGE_EVENTS:
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
          remove_pending (self, pending);
          lose_connection (self, reason);
          return;
        }
      if (message->type == SB_MESSAGE_ERROR && message->error->code == SB_ERROR_UNAUTHENTICATED)
        {
          handle_unauthenticated (self, message->error);
          /* Our own requests are made again after the next sign-in (subscriptions stay in
           * `subscriptions`); the user's fail below and say why. */
          if (pending->task == NULL)
            {
              if (g_strcmp0 (pending->id, self->ping_id) == 0)
                g_clear_pointer (&self->ping_id, g_free);
              remove_pending (self, pending);
              return;
            }
        }
      complete_pending (self, pending, g_steal_pointer (&message));
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
  GHashTableIter iter;
  gpointer value;
  GList *l;

  if (self->socket != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->socket, self);
      if (socket_is_open (self))
        soup_websocket_connection_close (self->socket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&self->socket);
    }
  g_clear_handle_id (&self->ping_source, g_source_remove);
  g_clear_pointer (&self->ping_id, g_free);
  /* Each socket signs in afresh after its welcome. */
  self->awaiting_sign_in = FALSE;
  g_clear_pointer (&self->sign_in_id, g_free);

  /* The connection's own requests are made afresh after the reconnect; the user's wait to be
   * re-sent with their ids. */
  l = self->pending_order.head;
  while (l != NULL)
    {
      Pending *pending = l->data;

      l = l->next;
      if (pending->task == NULL)
        remove_pending (self, pending);
      else
        g_clear_handle_id (&pending->retry_source, g_source_remove);
    }

  g_hash_table_iter_init (&iter, self->subscriptions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((Subscription *) value)->resyncing = TRUE;

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
  pending = add_pending (self, hello, NULL);
  send_text (self, pending->text);
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

  set_state (self, SB_CONNECTION_CONNECTING);
  self->connect_cancellable = g_cancellable_new ();
  soup_session_websocket_connect_async (self->session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->connect_cancellable, connected_cb,
                                        g_object_ref (self));
}

/* Public API */

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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  replace_account (self);

  if (!self->started)
    return;
  /* Another server has other versions: start every subscription from a snapshot. */
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, self->subscriptions);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      ((Subscription *) value)->version = -1;
  }
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

  while (!g_queue_is_empty (&self->pending_order))
    {
      Pending *pending = g_queue_peek_head (&self->pending_order);
      GTask *task = pending->task ? g_object_ref (pending->task) : NULL;

      remove_pending (self, pending);
      if (task != NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                   _ ("The connection was closed."));
          g_object_unref (task);
        }
    }
}

SbRequest *
sb_connection_new_request (SbConnection *self, SbRequestType type)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (SB_IS_CONNECTION (self), NULL);

  id = g_strdup_printf ("%s-%" G_GUINT64_FORMAT, self->id_prefix, ++self->next_id);
  return sb_request_new (type, id);
}

void
sb_connection_send_async (SbConnection *self,
                          SbRequest *request,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (SbRequest) owned = request;
  GTask *task;
  Pending *pending;

  g_return_if_fail (SB_IS_CONNECTION (self));
  g_return_if_fail (request != NULL && request->id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_connection_send_async);
  pending = add_pending (self, owned, task);
  /* Before welcome (and before signed_in, on a server with accounts) the request waits;
   * handle_welcome or handle_signed_in sends it. */
  if (self->state == SB_CONNECTION_CONNECTED && !self->awaiting_sign_in)
    send_text (self, pending->text);
}

SbMessage *
sb_connection_send_finish (SbConnection *self,
                           GAsyncResult *result,
                           SbErrorMessage **out_error_reply,
                           GError **error)
{
  SbErrorMessage *error_reply;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  error_reply = g_task_get_task_data (G_TASK (result));
  if (out_error_reply != NULL)
    *out_error_reply = error_reply != NULL ? sb_error_message_copy (error_reply) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sb_connection_subscribe (SbConnection *self, const char *event_id)
{
  Subscription *subscription;

  g_return_if_fail (SB_IS_CONNECTION (self));
  g_return_if_fail (event_id != NULL);

  subscription = g_hash_table_lookup (self->subscriptions, event_id);
  if (subscription == NULL)
    {
      subscription = g_new0 (Subscription, 1);
      subscription->event_id = g_strdup (event_id);
      subscription->version = -1;
      g_hash_table_insert (self->subscriptions, subscription->event_id, subscription);
    }
  else
    /* Asked again (the user reopened the event): a fresh snapshot redraws everything. */
    subscription->version = -1;

  if (self->state == SB_CONNECTION_CONNECTED && !self->awaiting_sign_in)
    send_subscribe (self, subscription);
  else
    subscription->resyncing = TRUE;
}

void
sb_connection_unsubscribe (SbConnection *self, const char *event_id)
{
  g_autoptr (SbRequest) request = NULL;
  Pending *pending;

  g_return_if_fail (SB_IS_CONNECTION (self));
  g_return_if_fail (event_id != NULL);

  if (!g_hash_table_remove (self->subscriptions, event_id))
    return;
  if (self->state != SB_CONNECTION_CONNECTED || self->awaiting_sign_in)
    return;

  request = sb_connection_new_request (self, SB_REQUEST_UNSUBSCRIBE);
  request->event_id = g_strdup (event_id);
  pending = add_pending (self, request, NULL);
  send_text (self, pending->text);
}

/* GObject */

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
  if (self->state == SB_CONNECTION_CONNECTED && !self->awaiting_sign_in)
    self->awaiting_sign_in = TRUE;
  g_clear_pointer (&self->sign_in_id, g_free);
  sb_session_begin_sign_in (self->account, username, password, remember); /* → account_state_cb */
}

void
sb_connection_sign_out (SbConnection *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (SB_IS_CONNECTION (self));

  /* Revokes the token on the server; without a connection it simply stays unused until it
   * expires, as the keyring no longer has it. */
  if (self->state == SB_CONNECTION_CONNECTED && !self->awaiting_sign_in
      && sb_session_get_state (self->account) == SB_SESSION_SIGNED_IN)
    {
      g_autoptr (SbRequest) request = sb_connection_new_request (self, SB_REQUEST_SIGN_OUT);

      send_text (self, add_pending (self, request, NULL)->text);
    }
  if (self->state == SB_CONNECTION_CONNECTED)
    self->awaiting_sign_in = TRUE;
  g_clear_pointer (&self->sign_in_id, g_free);
  /* Signed out, the server sends no more changes: the next sign-in resubscribes. */
  g_hash_table_iter_init (&iter, self->subscriptions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((Subscription *) value)->resyncing = TRUE;
  sb_session_sign_out (self->account);
}

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
  g_clear_object (&self->session);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  g_clear_object (&self->account);

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

  properties[PROP_URL]
      = g_param_spec_string ("url", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE]
      = g_param_spec_enum ("state", NULL, NULL, SB_TYPE_CONNECTION_STATE,
                           SB_CONNECTION_DISCONNECTED, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RETRY_SECONDS] = g_param_spec_uint ("retry-seconds", NULL, NULL, 0, G_MAXUINT, 0,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT_ID]
      = g_param_spec_string ("client-id", NULL, NULL, NULL,
                             G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The account on this url (SbSession); replaced when the url changes. */
  properties[PROP_ACCOUNT] = g_param_spec_object ("account", NULL, NULL, SB_TYPE_SESSION,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Whether the server has accounts (a sign-in is needed before anything else). */
  properties[PROP_ACCOUNTS] = g_param_spec_boolean ("accounts", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* The signed-in account's username and role ("viewer" … "admin"); NULL when signed out. */
  properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE]
      = g_param_spec_string ("role", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* signed-in (SbSignedInMessage): the server accepted a sign-in; its holds are every hold of
   * the account. */
  signals[SIGNAL_SIGNED_IN]
      = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, SB_TYPE_SIGNED_IN_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /* welcome (SbWelcomeMessage): connected; its holds are every hold of this client id. */
  signals[SIGNAL_WELCOME]
      = g_signal_new ("welcome", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 1, SB_TYPE_WELCOME_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* snapshot (event id, SbSnapshotMessage): replace all seat states of the event. Static scope:
   * a snapshot of a large venue is not copied for each handler; one that keeps it copies it. */
  signals[SIGNAL_SNAPSHOT] = g_signal_new ("snapshot", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
                                           SB_TYPE_SNAPSHOT_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* seats-changed (event id, GPtrArray of SbSeatUpdate, version): apply in order. */
  signals[SIGNAL_SEATS_CHANGED] = g_signal_new (
      "seats-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_INT64);
  /* holds (event id, GPtrArray of SbHoldInfo): our holds in that event, as of a snapshot or
   * replay. */
  signals[SIGNAL_HOLDS]
      = g_signal_new ("holds", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* subscription-failed (event id, GError): e.g. the event does not exist. */
  signals[SIGNAL_SUBSCRIPTION_FAILED]
      = g_signal_new ("subscription-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
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
  self->pending
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) pending_free);
  self->subscriptions
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) subscription_free);
  g_queue_init (&self->pending_order);
  self->session = soup_session_new ();
}
