/* sb-connection.c: the app's client of the Seatbook WebSocket protocol.
 *
 * Every request goes into `pending` until a reply carrying its id arrives. After a reconnect the
 * connection says hello with the same client id (so the server hands our holds back), subscribes
 * again with the last version it has seen (so it gets a replay rather than a full snapshot) and
 * re-sends every pending request with its original id: the server answers a repeated id with the
 * first outcome, so nothing is done twice. */
#include "config.h"

#include <libsoup/soup.h>
#include <glib/gi18n-lib.h>

#include "sb-connection.h"
#include "sb-protocol.h"

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
};

G_DEFINE_FINAL_TYPE (SbConnection, sb_connection, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_URL,
  PROP_STATE,
  PROP_RETRY_SECONDS,
  PROP_LAST_ERROR,
  PROP_CLIENT_ID,
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
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void connect_now (SbConnection *self);
static void lose_connection (SbConnection *self, const char *reason);

static void
pending_free (Pending *pending)
{
  g_clear_handle_id (&pending->retry_source, g_source_remove);
  g_clear_object (&pending->task);
  g_free (pending->id);
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
  if (self->state == SB_CONNECTION_CONNECTED)
    send_text (self, pending->text);
  /* Otherwise the reconnect re-sends it. */
  return G_SOURCE_REMOVE;
}

static void
complete_pending (SbConnection *self, Pending *pending, JsonObject *reply)
{
  const char *type = json_object_get_string_member_with_default (reply, "type", "");
  GTask *task = pending->task ? g_object_ref (pending->task) : NULL;

  if (g_strcmp0 (type, "error") == 0)
    {
      const char *code_name = json_object_get_string_member_with_default (reply, "code", "");
      SbErrorCode code = SB_ERROR_INTERNAL;

      if (!sb_error_code_from_string (code_name, &code))
        code = SB_ERROR_INTERNAL;

      /* These mean "not done, ask again with the same id": do that, invisibly, a few times. */
      if (task != NULL && pending->attempts < MAX_RETRIES
          && (code == SB_ERROR_RATE_LIMITED || code == SB_ERROR_UNAVAILABLE
              || code == SB_ERROR_INTERNAL))
        {
          gint64 wait_ms = json_object_get_int_member_with_default (reply, "retry_after_ms", 0);

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
          g_autoptr (GError) error = g_error_new_literal (
              SB_PROTOCOL_ERROR, code,
              json_object_get_string_member_with_default (reply, "message", code_name));
          g_autofree char *event_id = g_strdup (pending->event_id);

          g_hash_table_remove (self->subscriptions, event_id);
          remove_pending (self, pending);
          g_signal_emit (self, signals[SIGNAL_SUBSCRIPTION_FAILED], 0, event_id, error);
          return;
        }

      remove_pending (self, pending);
      if (task != NULL)
        {
          g_task_set_task_data (task, json_object_ref (reply), (GDestroyNotify) json_object_unref);
          g_task_return_new_error (
              task, SB_PROTOCOL_ERROR, code, "%s",
              json_object_get_string_member_with_default (reply, "message", code_name));
          g_object_unref (task);
        }
      return;
    }

  remove_pending (self, pending);
  if (task != NULL)
    {
      g_task_return_pointer (task, json_object_ref (reply), (GDestroyNotify) json_object_unref);
      g_object_unref (task);
    }
}

/* Messages */

static void
handle_welcome (SbConnection *self, JsonObject *message)
{
  GHashTableIter iter;
  gpointer value;

  self->attempt = 0;
  set_last_error (self, NULL);
  set_state (self, SB_CONNECTION_CONNECTED);
  g_signal_emit (self, signals[SIGNAL_WELCOME], 0, message);

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
subscription_for (SbConnection *self, JsonObject *message, const char *member)
{
  JsonNode *node = json_object_get_member (message, member);
  const char *event_id = NULL;

  if (node == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (node))
    event_id = json_object_get_string_member_with_default (json_node_get_object (node), "id", NULL);
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    event_id = json_node_get_string (node);
  return event_id != NULL ? g_hash_table_lookup (self->subscriptions, event_id) : NULL;
}

static JsonArray *
array_member (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static void
emit_holds (SbConnection *self, Subscription *subscription, JsonObject *message)
{
  JsonArray *holds = array_member (message, "holds");

  if (holds != NULL)
    g_signal_emit (self, signals[SIGNAL_HOLDS], 0, subscription->event_id, holds);
}

static void
handle_snapshot (SbConnection *self, JsonObject *message)
{
  Subscription *subscription = subscription_for (self, message, "event");

  if (subscription == NULL)
    return;

  subscription->version = json_object_get_int_member_with_default (message, "version", 0);
  subscription->resyncing = FALSE;
  g_signal_emit (self, signals[SIGNAL_SNAPSHOT], 0, subscription->event_id, message);
  emit_holds (self, subscription, message);
}

static void
handle_replay (SbConnection *self, JsonObject *message)
{
  Subscription *subscription = subscription_for (self, message, "event");
  JsonArray *changes;

  if (subscription == NULL)
    return;

  changes = array_member (message, "changes");
  for (guint i = 0; changes != NULL && i < json_array_get_length (changes); i++)
    {
      JsonNode *node = json_array_get_element (changes, i);
      JsonObject *change;
      JsonArray *seats;
      gint64 version;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      change = json_node_get_object (node);
      version = json_object_get_int_member_with_default (change, "version", 0);
      seats = array_member (change, "seats");
      if (version <= subscription->version || seats == NULL)
        continue;
      subscription->version = version;
      g_signal_emit (self, signals[SIGNAL_SEATS_CHANGED], 0, subscription->event_id, seats,
                     version);
    }
  subscription->version
      = json_object_get_int_member_with_default (message, "version", subscription->version);
  subscription->resyncing = FALSE;
  emit_holds (self, subscription, message);
}

static void
handle_changed (SbConnection *self, JsonObject *message)
{
  Subscription *subscription = subscription_for (self, message, "event");
  gint64 from_version, version;
  JsonArray *seats;

  /* While a subscribe is in flight its reply covers everything up to its version. */
  if (subscription == NULL || subscription->resyncing || subscription->version < 0)
    return;

  from_version = json_object_get_int_member_with_default (message, "from_version", -1);
  version = json_object_get_int_member_with_default (message, "version", -1);
  seats = array_member (message, "seats");
  if (version <= subscription->version || seats == NULL)
    return;
  if (from_version != subscription->version)
    {
      /* We missed a version: ask for exactly what is missing. */
      g_debug ("Gap in event %s: have %" G_GINT64_FORMAT ", got %" G_GINT64_FORMAT
               "→%" G_GINT64_FORMAT,
               subscription->event_id, subscription->version, from_version, version);
      send_subscribe (self, subscription);
      return;
    }

  subscription->version = version;
  g_signal_emit (self, signals[SIGNAL_SEATS_CHANGED], 0, subscription->event_id, seats, version);
}

static void
message_cb (SoupWebsocketConnection *socket, int data_type, GBytes *bytes, SbConnection *self)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) error = NULL;
  /* Keeps self alive while handlers run; clang would call it unused. */
  G_GNUC_UNUSED g_autoptr (GObject) guard = g_object_ref (G_OBJECT (self));
  JsonNode *root;
  JsonObject *message;
  const char *type;
  const char *re;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  Pending *pending = NULL;

  if (data_type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  if (!json_parser_load_from_data (parser, data, (gssize) size, &error))
    {
      g_warning ("Ignoring a message from the server that is not JSON: %s", error->message);
      return;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  message = json_node_get_object (root);
  type = json_object_get_string_member_with_default (message, "type", "");
  re = json_object_get_string_member_with_default (message, "re", NULL);
  if (re != NULL)
    pending = g_hash_table_lookup (self->pending, re);

  if (g_strcmp0 (type, "welcome") == 0)
    {
      if (pending != NULL)
        remove_pending (self, pending);
      handle_welcome (self, message);
      return;
    }
  if (g_strcmp0 (type, "snapshot") == 0)
    handle_snapshot (self, message);
  else if (g_strcmp0 (type, "replay") == 0)
    handle_replay (self, message);
  else if (g_strcmp0 (type, "changed") == 0)
    handle_changed (self, message);
  else if (g_strcmp0 (type, "pong") == 0 && g_strcmp0 (re, self->ping_id) == 0)
    g_clear_pointer (&self->ping_id, g_free);
  else if (g_strcmp0 (type, "error") == 0 && pending == NULL)
    g_warning ("Server error: %s: %s",
               json_object_get_string_member_with_default (message, "code", "?"),
               json_object_get_string_member_with_default (message, "message", ""));

  if (pending != NULL)
    {
      if (pending->type == SB_REQUEST_HELLO && g_strcmp0 (type, "error") == 0)
        {
          /* The server refused us; retrying blindly would hammer it, so back off like any loss. */
          remove_pending (self, pending);
          lose_connection (self, json_object_get_string_member_with_default (
                                     message, "message", _ ("The server refused the connection.")));
          return;
        }
      complete_pending (self, pending, message);
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
  /* Before welcome the request waits; handle_welcome sends it. */
  if (self->state == SB_CONNECTION_CONNECTED)
    send_text (self, pending->text);
}

JsonObject *
sb_connection_send_finish (SbConnection *self,
                           GAsyncResult *result,
                           JsonObject **out_error_reply,
                           GError **error)
{
  JsonObject *error_reply;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  error_reply = g_task_get_task_data (G_TASK (result));
  if (out_error_reply != NULL)
    *out_error_reply = error_reply != NULL ? json_object_ref (error_reply) : NULL;
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

  if (self->state == SB_CONNECTION_CONNECTED)
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
  if (self->state != SB_CONNECTION_CONNECTED)
    return;

  request = sb_connection_new_request (self, SB_REQUEST_UNSUBSCRIBE);
  request->event_id = g_strdup (event_id);
  pending = add_pending (self, request, NULL);
  send_text (self, pending->text);
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
        g_value_set_int (value, self->state);
        break;
      case PROP_RETRY_SECONDS:
        g_value_set_uint (value, self->retry_seconds);
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
  /* An int rather than a registered enum: only this app reads it. */
  properties[PROP_STATE]
      = g_param_spec_int ("state", NULL, NULL, SB_CONNECTION_DISCONNECTED, SB_CONNECTION_CONNECTED,
                          SB_CONNECTION_DISCONNECTED, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RETRY_SECONDS] = g_param_spec_uint ("retry-seconds", NULL, NULL, 0, G_MAXUINT, 0,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT_ID]
      = g_param_spec_string ("client-id", NULL, NULL, NULL,
                             G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* welcome (JsonObject): connected; its "holds" are every hold of this client id. */
  signals[SIGNAL_WELCOME] = g_signal_new ("welcome", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
  /* snapshot (event id, JsonObject): replace all seat states of the event. */
  signals[SIGNAL_SNAPSHOT]
      = g_signal_new ("snapshot", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_OBJECT);
  /* seats-changed (event id, JsonArray of seat entries, version): apply in order. */
  signals[SIGNAL_SEATS_CHANGED]
      = g_signal_new ("seats-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 3, G_TYPE_STRING, JSON_TYPE_ARRAY, G_TYPE_INT64);
  /* holds (event id, JsonArray): our holds in that event, as of a snapshot or replay. */
  signals[SIGNAL_HOLDS]
      = g_signal_new ("holds", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_ARRAY);
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
