/* sb-client.c: one WebSocket connection. Requests are parsed strictly, rate limited, answered
 * from memory where memory is exact (events, seats, subscriptions), and turned into SbOps for the
 * store otherwise (sb-client-ops.c). Outgoing data is accounted so that a client that stops
 * reading is dropped before it can make the server buffer without bound. */
#include "config.h"

#include "sb-client-private.h"

#include "sb-client-audit.h"
#include "sb-client-bookings.h"
#include "sb-client-report.h"
#include "sb-client-auth.h"

#include <stdio.h>
#include <string.h>

#include "sb-live-event.h"
#include "sb-message.h"
#include "sb-request.h"

struct _SbClient
{
  GObject parent_instance;

  SbClientHooks hooks;
  const SbServerSettings *settings; /* not owned: the server's, which outlive its clients */
  SbMetrics *metrics;
  SbWsConnection *connection;
  guint64 serial;
  char *session_id;
  char *client_id;
  char *client_name;

  gboolean closing; /* we decided to close; nothing more is sent */
  gboolean closed;  /* the connection is gone */
  gboolean have_reason;
  SbDisconnectReason reason;

  /* Token bucket. */
  double tokens;
  gint64 refilled_at_us;

  GHashTable *subscriptions; /* SbLiveEvent* (ref) set */
  SbClientAuth auth;         /* protocol 2: who signed in (sb-client-auth.c) */
};

static void sb_client_subscriber_init (SbSubscriberInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SbClient,
                               sb_client,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SB_TYPE_SUBSCRIBER,
                                                      sb_client_subscriber_init))

/* The first reason sticks; it is counted once, right away. */
static void
set_reason (SbClient *self, SbDisconnectReason reason)
{
  if (!self->have_reason)
    {
      self->have_reason = TRUE;
      self->reason = reason;
      sb_metrics_count_disconnect (self->metrics, reason);
    }
}

static void
drop_subscriptions (SbClient *self)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->subscriptions);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      sb_live_event_remove_subscriber (key, SB_SUBSCRIBER (self));
      g_hash_table_iter_remove (&iter);
    }
}

static void
close_with (SbClient *self, gushort code, const char *reason, SbDisconnectReason metrics_reason)
{
  if (self->closing || self->closed)
    return;

  self->closing = TRUE;
  set_reason (self, metrics_reason);
  /* No more broadcasts for it from now on, whatever the close handshake takes. */
  drop_subscriptions (self);
  g_debug ("Session %s: closing with %u (%s)", self->session_id, code, reason);
  /* A client that does not read would never get to the close frame behind its backlog. */
  if (code == SB_CLOSE_TOO_SLOW)
    sb_ws_connection_close_discarding (self->connection, code, reason);
  else
    sb_ws_connection_close (self->connection, code, reason);
}

void
sb_client_close (SbClient *self, gushort code, const char *reason)
{
  g_return_if_fail (SB_IS_CLIENT (self));

  SbDisconnectReason metrics_reason;
  switch (code)
    {
      case SB_CLOSE_GOING_AWAY:
        metrics_reason = SB_DISCONNECT_SHUTDOWN;
        break;
      case SB_CLOSE_TOO_SLOW:
        metrics_reason = SB_DISCONNECT_TOO_SLOW;
        break;
      case SB_CLOSE_PROTOCOL_ERROR:
        metrics_reason = SB_DISCONNECT_PROTOCOL;
        break;
      case SB_WS_CLOSE_TOO_BIG:
        metrics_reason = SB_DISCONNECT_TOO_BIG;
        break;
      default:
        metrics_reason = SB_DISCONNECT_ERROR;
    }
  close_with (self, code, reason, metrics_reason);
}

/* Sending and back-pressure */

/* The most the kernel holds unsent for one TCP socket: tcp_wmem's maximum (what send buffer
 * auto-tuning may grow to). Read once; 4 MiB, Linux's default, when it cannot be read. */
static gsize
kernel_send_buffer_max (void)
{
  static gsize max = 0;

  if (g_once_init_enter (&max))
    {
      g_autofree char *text = NULL;
      gsize value = 4 * 1024 * 1024;

      if (g_file_get_contents ("/proc/sys/net/ipv4/tcp_wmem", &text, NULL, NULL))
        {
          guint64 low = 0, initial = 0, high = 0;
          if (sscanf (text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &low,
                      &initial, &high)
                  == 3
              && high > 0)
            value = (gsize) high;
        }
      g_once_init_leave (&max, value);
    }
  return max;
}

static void
close_too_slow (SbClient *self, gsize unsent)
{
  g_info ("Session %s: %" G_GSIZE_FORMAT " bytes unsent, closing as too slow", self->session_id,
          unsent);
  close_with (self, SB_CLOSE_TOO_SLOW, "too slow", SB_DISCONNECT_TOO_SLOW);
}

/* Runs after new frames were offered to the kernel and some are still waiting (once per flush,
 * not per frame). A client is too slow when the backlog it had before this round exceeds the
 * limit: what it was given in the round itself (20 snapshots for a client subscribing to 20
 * events in one burst) has not had a chance to be read yet, so counting it would close clients
 * that read at full speed. */
static void
on_flushed (SbWsConnection *connection, gsize round_bytes, gpointer user_data)
{
  SbClient *self = user_data;
  guint64 max_queue = self->settings->max_queue_bytes;
  gsize buffered = sb_ws_connection_get_buffered_amount (connection);

  if (self->closing || self->closed)
    return;
  /* The kernel's part is at most its send buffer: ask it (an ioctl) only when that matters. */
  if (buffered + kernel_send_buffer_max () <= max_queue + round_bytes)
    return;

  gsize unsent = sb_ws_connection_get_unsent_bytes (connection);
  if (unsent > max_queue + round_bytes)
    close_too_slow (self, unsent);
}

static gboolean
can_send (SbClient *self)
{
  return !self->closing && !self->closed && sb_ws_connection_is_open (self->connection);
}

/* After every send. The backlog is judged after the flush (on_flushed ()); here only a queue of
 * our own already far beyond the limit is caught, so that one round cannot buffer without bound.
 * TRUE when the client still takes more. */
static gboolean
sent (SbClient *self)
{
  gsize buffered = sb_ws_connection_get_buffered_amount (self->connection);
  guint64 max_queue = self->settings->max_queue_bytes;

  if (buffered > 2 * max_queue)
    close_too_slow (self, buffered);
  return !self->closing;
}

gboolean
sb_client_send_bytes (SbClient *self, GBytes *message)
{
  gsize length;
  const char *data;

  g_return_val_if_fail (SB_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  if (!can_send (self))
    return FALSE;

  data = g_bytes_get_data (message, &length);
  sb_ws_connection_send_text (self->connection, data, length);
  return sent (self);
}

gboolean
sb_client_send_frame (SbClient *self, GBytes *frame)
{
  g_return_val_if_fail (SB_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);

  if (!can_send (self))
    return FALSE;

  sb_ws_connection_send_frame (self->connection, frame);
  return sent (self);
}

gboolean
sb_client_send_parts (SbClient *self, GPtrArray *parts)
{
  g_return_val_if_fail (SB_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (parts != NULL, FALSE);

  if (!can_send (self))
    return FALSE;

  sb_ws_connection_send_text_parts (self->connection, (GBytes *const *) parts->pdata, parts->len);
  if (!sent (self))
    return FALSE;
  sb_metrics_add_messages_sent (self->metrics, 1);
  return TRUE;
}

gboolean
sb_client_send_text (SbClient *self, char *text)
{
  g_return_val_if_fail (SB_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  gsize length = strlen (text);
  g_autoptr (GBytes) bytes = g_bytes_new_take (text, length);
  gboolean sent = sb_client_send_bytes (self, bytes);
  if (sent)
    sb_metrics_add_messages_sent (self->metrics, 1);
  return sent;
}

static gboolean
sb_client_send_subscribed_frame (SbSubscriber *subscriber, GBytes *frame)
{
  return sb_client_send_frame (SB_CLIENT (subscriber), frame);
}

static void
sb_client_subscriber_init (SbSubscriberInterface *iface)
{
  iface->send_frame = sb_client_send_subscribed_frame;
}

/* Replies */

void
_sb_client_count (SbClient *self, int request_type, SbErrorCode outcome)
{
  sb_metrics_count_request (self->metrics, request_type, outcome);
}

/* Replies are written by protocol/'s message writers into a buffer of this size: most fit. */
GString *
_sb_client_new_reply (void)
{
  return g_string_sized_new (256);
}

void
_sb_client_send_reply (SbClient *self, GString *out)
{
  sb_client_send_text (self, g_string_free (out, FALSE));
}

/* An error reply with its extra members (seats, hold, retry_after_ms: NULL/0 when none). */
void
_sb_client_send_error_full (SbClient *self,
                            int request_type,
                            const char *re,
                            SbErrorCode code,
                            const char *message,
                            const char *const *seats,
                            const char *hold,
                            gint64 retry_after_ms,
                            gboolean replayed)
{
  GString *out = _sb_client_new_reply ();

  sb_error_message_write (out, re, code, message, seats, hold, retry_after_ms, replayed);
  _sb_client_send_reply (self, out);
  _sb_client_count (self, request_type, code);
}

void
_sb_client_send_error (
    SbClient *self, int request_type, const char *re, SbErrorCode code, const char *message)
{
  _sb_client_send_error_full (self, request_type, re, code, message, NULL, NULL, 0, FALSE);
}

/* Requests */

static gboolean
take_token (SbClient *self, gint64 *out_retry_after_ms)
{
  const SbServerSettings *settings = self->settings;
  gint64 now_us = g_get_monotonic_time ();

  self->tokens
      = MIN ((double) settings->burst, self->tokens
                                           + (double) (now_us - self->refilled_at_us)
                                                 * settings->requests_per_second / G_USEC_PER_SEC);
  self->refilled_at_us = now_us;
  if (self->tokens >= 1.0)
    {
      self->tokens -= 1.0;
      return TRUE;
    }
  /* Rounded up: retrying after this long finds a whole token. */
  *out_retry_after_ms
      = (gint64) ((1.0 - self->tokens) * 1000.0 / settings->requests_per_second) + 1;
  return FALSE;
}

static void
handle_hello (SbClient *self, SbRequest *request)
{
  const SbServerSettings *settings = self->settings;

  if (self->client_id != NULL)
    {
      _sb_client_send_error (self, request->type, request->id, SB_ERROR_INVALID_REQUEST,
                             "hello was already sent on this connection");
      return;
    }
  /* A client of protocol 1 still gets its welcome; with accounts required it then sees
   * `unauthenticated` for everything but ping (docs/protocol.md). */
  if (request->protocol < SB_PROTOCOL_MIN_VERSION || request->protocol > SB_PROTOCOL_VERSION)
    {
      g_autofree char *message
          = g_strdup_printf ("Unsupported protocol %d (this server speaks %d to %d)",
                             request->protocol, SB_PROTOCOL_MIN_VERSION, SB_PROTOCOL_VERSION);
      _sb_client_send_error (self, request->type, request->id, SB_ERROR_INVALID_REQUEST, message);
      return;
    }

  self->client_id = g_strdup (request->client_id);
  sb_ws_connection_set_deadline (self->connection, 0);
  self->client_name = g_strdup (request->client_name);
  g_info ("Session %s: hello from %s", self->session_id,
          self->client_name != NULL ? self->client_name : "(unnamed)");

  gint64 now_ms = sb_now_ms ();
  const SbLimits limits = {
    .max_frame_bytes = SB_MAX_FRAME_BYTES,
    .max_seats_per_request = settings->max_seats_per_request,
    .requests_per_second = settings->requests_per_second,
    .burst = settings->burst,
    .default_ttl = SB_DEFAULT_HOLD_TTL_SECONDS,
    .max_ttl = SB_MAX_HOLD_TTL_SECONDS,
  };

  GString *out = _sb_client_new_reply ();
  sb_welcome_message_write_begin (out, request->id, "seatbook-server " PACKAGE_VERSION,
                                  self->session_id, now_ms);
  GPtrArray *events = self->hooks.get_events (self->hooks.user_data);
  /* With accounts, holds come with signed_in, once the client has proved who it is. */
  for (guint i = 0; !settings->accounts_required && i < events->len; i++)
    sb_live_event_append_client_holds (g_ptr_array_index (events, i), out, self->client_id, now_ms);
  sb_welcome_message_write_end (out, &limits);
  _sb_client_send_reply (self, out);
  _sb_client_count (self, request->type, SB_ERROR_NONE);
}

static void
handle_list_events (SbClient *self, SbRequest *request)
{
  GPtrArray *events = self->hooks.get_events (self->hooks.user_data);
  GString *out = _sb_client_new_reply ();

  sb_events_message_write_begin (out, request->id);
  for (guint i = 0; i < events->len; i++)
    sb_live_event_append_summary (g_ptr_array_index (events, i), out);
  sb_events_message_write_end (out);
  _sb_client_send_reply (self, out);
  _sb_client_count (self, request->type, SB_ERROR_NONE);
}

SbLiveEvent *
_sb_client_lookup_event_or_reply (SbClient *self, SbRequest *request)
{
  SbLiveEvent *event = self->hooks.lookup_event (request->event_id, self->hooks.user_data);

  if (event == NULL)
    {
      g_autofree char *message = g_strdup_printf ("No event %s", request->event_id);
      _sb_client_send_error (self, request->type, request->id, SB_ERROR_NOT_FOUND, message);
    }
  return event;
}

/* Sends a subscribe reply (the parts of one message, taken) and starts delivering `changed`
 * messages after it. */
static void
send_subscribed (SbClient *self, SbLiveEvent *event, int request_type, GPtrArray *reply)
{
  g_autoptr (GPtrArray) parts = reply;

  if (!sb_client_send_parts (self, parts))
    return;
  sb_live_event_add_subscriber (event, SB_SUBSCRIBER (self));
  g_hash_table_add (self->subscriptions, g_object_ref (event));
  _sb_client_count (self, request_type, SB_ERROR_NONE);
}

/* A reply built as one string, as the single part of a message. */
static GPtrArray *
one_part (char *text)
{
  GPtrArray *parts = g_ptr_array_new_full (1, (GDestroyNotify) g_bytes_unref);

  g_ptr_array_add (parts, g_bytes_new_take (text, strlen (text)));
  return parts;
}

static void
handle_subscribe (SbClient *self, SbRequest *request)
{
  SbLiveEvent *event = _sb_client_lookup_event_or_reply (self, request);
  if (event == NULL)
    return;

  /* Whatever is pending goes out to the present subscribers first (a sliced broadcast is
   * completed), so this client's reply and the next `changed` it receives join up at the same
   * version. */
  sb_live_event_flush (event, self->metrics, NULL, G_MAXUINT);

  /* A resubscribe restarts the stream at the reply's version. */
  sb_live_event_remove_subscriber (event, SB_SUBSCRIBER (self));

  gint64 version = sb_live_event_get_version (event);
  GPtrArray *reply;
  if (request->since < 0)
    reply = sb_live_event_build_snapshot (event, request->id, self->client_id, self->auth.username,
                                          NULL);
  else if (request->since > version)
    reply = sb_live_event_build_snapshot (event, request->id, self->client_id, self->auth.username,
                                          "since_ahead");
  else if (sb_live_event_can_replay (event, request->since))
    reply = one_part (sb_live_event_build_replay (event, request->id, request->since, NULL,
                                                  self->client_id, self->auth.username));
  else
    {
      /* Older than the ring: the store has the log. The reply comes later; meanwhile this client
       * gets no `changed` for the event. */
      g_hash_table_remove (self->subscriptions, event);
      self->hooks.fetch_changes (self->serial, request->id, request->event_id, request->since,
                                 self->hooks.user_data);
      return;
    }

  send_subscribed (self, event, request->type, reply);
}

void
sb_client_finish_subscribe (SbClient *self,
                            const char *request_id,
                            const char *event_id,
                            gint64 since,
                            GPtrArray *changes,
                            const GError *error)
{
  g_return_if_fail (SB_IS_CLIENT (self));

  SbLiveEvent *event = self->hooks.lookup_event (event_id, self->hooks.user_data);
  if (event == NULL || self->closing || self->closed)
    return;

  if (error != NULL && !g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_TOO_OLD))
    {
      g_warning ("Event %s: reading changes since %" G_GINT64_FORMAT " failed: %s", event_id, since,
                 error->message);
      _sb_client_send_error (self, SB_REQUEST_SUBSCRIBE, request_id, SB_ERROR_UNAVAILABLE,
                             "The change log cannot be read now; retry later");
      return;
    }

  sb_live_event_flush (event, self->metrics, NULL, G_MAXUINT);
  sb_live_event_remove_subscriber (event, SB_SUBSCRIBER (self));

  GPtrArray *reply = NULL;
  char *replay = NULL;
  if (error == NULL)
    replay = sb_live_event_build_replay (event, request_id, since, changes, self->client_id,
                                         self->auth.username);
  if (replay != NULL)
    reply = one_part (replay);
  /* Too old, or memory and the log no longer join up: the client starts afresh. */
  if (reply == NULL)
    reply = sb_live_event_build_snapshot (event, request_id, self->client_id, self->auth.username,
                                          "since_too_old");
  send_subscribed (self, event, SB_REQUEST_SUBSCRIBE, reply);
}

static void
handle_unsubscribe (SbClient *self, SbRequest *request)
{
  SbLiveEvent *event = _sb_client_lookup_event_or_reply (self, request);
  if (event == NULL)
    return;

  sb_live_event_remove_subscriber (event, SB_SUBSCRIBER (self));
  g_hash_table_remove (self->subscriptions, event);

  GString *out = _sb_client_new_reply ();
  sb_unsubscribed_message_write (out, request->id, request->event_id);
  _sb_client_send_reply (self, out);
  _sb_client_count (self, request->type, SB_ERROR_NONE);
}

static void
handle_ping (SbClient *self, SbRequest *request)
{
  GString *out = _sb_client_new_reply ();

  sb_pong_message_write (out, request->id, sb_now_ms ());
  _sb_client_send_reply (self, out);
  _sb_client_count (self, request->type, SB_ERROR_NONE);
}

static void
on_message (SbWsConnection *connection,
            SbWsOpcode opcode,
            const char *data,
            gsize length,
            gpointer user_data)
{
  SbClient *self = user_data;
  g_autofree char *request_id = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (SbRequest) request = NULL;
  gint64 retry_after_ms = 0;

  if (self->closing || self->closed)
    return;

  /* Frames over SB_MAX_FRAME_BYTES never get here: the transport closes them with 1009. */
  if (opcode != SB_WS_OPCODE_TEXT)
    {
      close_with (self, SB_CLOSE_PROTOCOL_ERROR, "binary frames are not part of the protocol",
                  SB_DISCONNECT_PROTOCOL);
      return;
    }

  if (!take_token (self, &retry_after_ms))
    {
      /* Parsed only to echo the id; nothing is done. */
      request = sb_request_parse (data, length, &request_id, NULL);
      _sb_client_send_error_full (
          self, request != NULL ? (int) request->type : SB_METRICS_REQUEST_INVALID,
          request != NULL ? request->id : request_id, SB_ERROR_RATE_LIMITED, "Too many requests",
          NULL, NULL, retry_after_ms, FALSE);
      return;
    }

  request = sb_request_parse (data, length, &request_id, &error);
  if (request == NULL)
    {
      _sb_client_send_error (self, SB_METRICS_REQUEST_INVALID, request_id, SB_ERROR_INVALID_REQUEST,
                             error != NULL ? error->message : "Invalid request");
      return;
    }

  if (self->client_id == NULL && request->type != SB_REQUEST_HELLO)
    {
      _sb_client_send_error (self, request->type, request->id, SB_ERROR_INVALID_REQUEST,
                             "The first request must be hello");
      return;
    }

  if (!sb_client_auth_check (self, request))
    return;

  switch (request->type)
    {
      case SB_REQUEST_HELLO:
        handle_hello (self, request);
        break;
      case SB_REQUEST_SIGN_IN:
        sb_client_auth_sign_in (self, request);
        break;
      case SB_REQUEST_SIGN_OUT:
        sb_client_auth_sign_out (self, request);
        break;
      case SB_REQUEST_AUDIT:
        sb_client_audit_request (self, request);
        break;
      case SB_REQUEST_FIND_BOOKINGS:
        sb_client_find_bookings_request (self, request);
        break;
      case SB_REQUEST_REPORT:
        sb_client_report_request (self, request);
        break;
      case SB_REQUEST_LIST_EVENTS:
        handle_list_events (self, request);
        break;
      case SB_REQUEST_SUBSCRIBE:
        handle_subscribe (self, request);
        break;
      case SB_REQUEST_UNSUBSCRIBE:
        handle_unsubscribe (self, request);
        break;
      case SB_REQUEST_HOLD:
      case SB_REQUEST_EXTEND:
      case SB_REQUEST_RELEASE:
      case SB_REQUEST_BOOK:
      case SB_REQUEST_HOLD_BEST:
      case SB_REQUEST_CANCEL:
      case SB_REQUEST_BLOCK:
      case SB_REQUEST_UNBLOCK:
      case SB_REQUEST_MOVE:
        _sb_client_handle_op_request (self, request);
        break;
      case SB_REQUEST_PING:
        handle_ping (self, request);
        break;
      case SB_REQUEST_CREATE_EVENT:
      case SB_REQUEST_CLOSE_SALES:
        self->hooks.manage_event (self, request, self->hooks.user_data);
        break;
      default:
        _sb_client_send_error (self, SB_METRICS_REQUEST_INVALID, request->id,
                               SB_ERROR_INVALID_REQUEST, "Unknown request type");
    }
}

static void
on_closed (SbWsConnection *connection, gushort code, const char *reason, gpointer user_data)
{
  g_autoptr (SbClient) self = g_object_ref (SB_CLIENT (user_data));

  if (self->closed)
    return;
  self->closed = TRUE;

  switch (code)
    {
      case SB_WS_CLOSE_TOO_BIG:
        set_reason (self, SB_DISCONNECT_TOO_BIG);
        break;
      case SB_WS_CLOSE_PROTOCOL_ERROR:
      case SB_WS_CLOSE_BAD_DATA:
        set_reason (self, SB_DISCONNECT_PROTOCOL);
        break;
      case SB_WS_CLOSE_ABNORMAL:
        set_reason (self, SB_DISCONNECT_ERROR);
        break;
      default:
        set_reason (self, SB_DISCONNECT_CLIENT_CLOSED);
    }
  g_debug ("Session %s closed (%u, %s)", self->session_id, code,
           sb_disconnect_reason_to_string (self->reason));

  drop_subscriptions (self);
  /* May drop the server's reference; ours keeps self alive until we return. */
  self->hooks.closed (self, self->hooks.user_data);
}

/* A connection that never says hello only costs: its deadline is the transport's to watch. */
static void
on_hello_deadline (SbWsConnection *connection, gpointer user_data)
{
  SbClient *self = user_data;

  sb_metrics_count_edge_closure (self->metrics, SB_WS_CLOSURE_HELLO_TIMEOUT);
  close_with (self, SB_WS_CLOSE_POLICY_VIOLATION, "no hello in time", SB_DISCONNECT_PROTOCOL);
}

/* Life cycle */

static void
sb_client_dispose (GObject *object)
{
  SbClient *self = SB_CLIENT (object);

  if (self->subscriptions != NULL)
    drop_subscriptions (self);
  if (self->connection != NULL)
    {
      sb_ws_connection_set_callbacks (self->connection, NULL, NULL);
      if (sb_ws_connection_is_open (self->connection))
        sb_ws_connection_close (self->connection, SB_CLOSE_GOING_AWAY, NULL);
      g_clear_object (&self->connection);
    }

  G_OBJECT_CLASS (sb_client_parent_class)->dispose (object);
}

static void
sb_client_finalize (GObject *object)
{
  SbClient *self = SB_CLIENT (object);

  g_free (self->session_id);
  g_free (self->client_id);
  g_clear_object (&self->metrics);
  g_free (self->client_name);
  g_clear_pointer (&self->subscriptions, g_hash_table_unref);
  sb_client_auth_clear (&self->auth);

  G_OBJECT_CLASS (sb_client_parent_class)->finalize (object);
}

static void
sb_client_class_init (SbClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_client_dispose;
  object_class->finalize = sb_client_finalize;
}

static void
sb_client_init (SbClient *self)
{
  self->subscriptions = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
}

SbClient *
sb_client_new (const SbClientHooks *hooks,
               const SbServerSettings *settings,
               SbMetrics *metrics,
               SbWsConnection *connection,
               guint64 serial)
{
  static const SbWsConnectionCallbacks callbacks = {
    .message = on_message,
    .closed = on_closed,
    .flushed = on_flushed,
    .deadline = on_hello_deadline,
  };

  g_return_val_if_fail (hooks != NULL, NULL);
  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (SB_IS_METRICS (metrics), NULL);
  g_return_val_if_fail (SB_IS_WS_CONNECTION (connection), NULL);

  SbClient *self = g_object_new (SB_TYPE_CLIENT, NULL);

  self->hooks = *hooks;
  self->settings = settings;
  self->metrics = g_object_ref (metrics);
  self->connection = g_object_ref (connection);
  self->serial = serial;
  self->session_id
      = g_strdup_printf ("s_%" G_GINT64_MODIFIER "x%06x", serial, g_random_int () & 0xffffff);
  self->tokens = settings->burst;
  self->refilled_at_us = g_get_monotonic_time ();

  sb_ws_connection_set_callbacks (connection, &callbacks, self);
  sb_ws_connection_set_deadline (connection, settings->ws.hello_timeout_s);

  return self;
}

guint64
sb_client_get_serial (SbClient *self)
{
  g_return_val_if_fail (SB_IS_CLIENT (self), 0);
  return self->serial;
}

const char *
sb_client_get_session_id (SbClient *self)
{
  g_return_val_if_fail (SB_IS_CLIENT (self), NULL);
  return self->session_id;
}

const char *
sb_client_get_client_id (SbClient *self)
{
  g_return_val_if_fail (SB_IS_CLIENT (self), NULL);
  return self->client_id;
}

/* For sb-client-auth.c */

SbClientAuth *
_sb_client_get_auth (SbClient *self)
{
  return &self->auth;
}

void
_sb_client_end_subscriptions (SbClient *self)
{
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer key;

  /* Taken out first: a send may start closing a client that reads too slowly, and closing
   * empties the table too. */
  g_hash_table_iter_init (&iter, self->subscriptions);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (events, g_object_ref (key));
  g_hash_table_remove_all (self->subscriptions);
  for (guint i = 0; i < events->len; i++)
    {
      SbLiveEvent *event = g_ptr_array_index (events, i);
      GString *out = _sb_client_new_reply ();

      sb_live_event_remove_subscriber (event, SB_SUBSCRIBER (self));
      /* Unasked: "re" is null. */
      sb_unsubscribed_message_write (out, NULL, sb_live_event_get_id (event));
      _sb_client_send_reply (self, out);
    }
}

SbMetrics *
_sb_client_get_metrics (SbClient *self)
{
  return self->metrics;
}

const SbServerSettings *
_sb_client_get_settings (SbClient *self)
{
  return self->settings;
}

const SbClientHooks *
_sb_client_get_hooks (SbClient *self)
{
  return &self->hooks;
}

SbWsConnection *
_sb_client_get_connection (SbClient *self)
{
  return self->connection;
}

gboolean
sb_client_is_open (SbClient *self)
{
  g_return_val_if_fail (SB_IS_CLIENT (self), FALSE);
  return !self->closing && !self->closed;
}
