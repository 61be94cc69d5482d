/* sb-ws-poller.c
 *
 * libsoup does the HTTP part (routing, the upgrade handshake); once a connection has switched
 * protocols its socket leaves libsoup and joins one epoll set. The main loop then has a single
 * source for every WebSocket, and a wake-up costs what the ready sockets cost, not what all of
 * them cost (measured before it was written, docs/hacking.md: 18 ms per wake-up at 10,000
 * libsoup connections).
 *
 * A TLS connection (accepted by SbWsListener with a certificate) keeps its GTlsConnection: the
 * socket is still in the epoll set, but bytes go through GnuTLS. Decrypted bytes the TLS layer
 * holds are invisible to epoll, so a connection that stopped reading before the TLS layer said
 * "would block" is read again from an idle callback (read_again).
 */

#include "sb-ws-private.h"

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#define EVENTS_PER_ROUND 256
#define ROUNDS_PER_WAKEUP 4
#define SCRATCH_SIZE (64 * 1024)
/* RFC 7231 section 6.5.15; libsoup 3.2 has no name for it. */
#define HTTP_UPGRADE_REQUIRED 426

struct _SbWsPoller
{
  GObject parent_instance;

  int epoll_fd;
  GSource *source;
  GHashTable *connections; /* SbWsConnection (owned) → itself */
  GPtrArray *forgotten;    /* closed connections, released once no dispatch can see them */
  guint release_idle_id;
  gsize max_incoming_payload;
  guint8 *scratch;

  guint cork_depth;
  GPtrArray *corked; /* SbWsConnection (ref) that queued frames while corked, each once */

  SbWsAcceptFunc accept_func;
  gpointer accept_data;

  const SbWsLimits *limits; /* borrowed; no_limits until set */
  SbWsStats *stats;         /* borrowed, or own_stats */
  SbWsStats own_stats;
  guint64 partial_bytes; /* incomplete frames held by every connection together */
  guint sweep_source;    /* once a second while there are connections */

  GPtrArray *again; /* SbWsConnection (ref) with bytes left inside their TLS layer */
  guint again_id;
};

/* Deadlines are checked about once a second: one timer for every connection, since GLib walks
 * every GSource on every wake-up. */
#define SWEEP_INTERVAL_S 1

static const SbWsLimits no_limits = { 0 };

G_DEFINE_FINAL_TYPE (SbWsPoller, sb_ws_poller, G_TYPE_OBJECT)

static void
sb_ws_poller_dispose (GObject *object)
{
  SbWsPoller *self = SB_WS_POLLER (object);

  g_clear_handle_id (&self->release_idle_id, g_source_remove);
  g_clear_handle_id (&self->sweep_source, g_source_remove);
  g_clear_handle_id (&self->again_id, g_source_remove);
  g_clear_pointer (&self->again, g_ptr_array_unref);
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_pointer (&self->forgotten, g_ptr_array_unref);
  g_clear_pointer (&self->corked, g_ptr_array_unref);

  G_OBJECT_CLASS (sb_ws_poller_parent_class)->dispose (object);
}

static void
sb_ws_poller_finalize (GObject *object)
{
  SbWsPoller *self = SB_WS_POLLER (object);

  if (self->epoll_fd >= 0)
    close (self->epoll_fd);
  g_free (self->scratch);

  G_OBJECT_CLASS (sb_ws_poller_parent_class)->finalize (object);
}

static void
sb_ws_poller_class_init (SbWsPollerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_ws_poller_dispose;
  object_class->finalize = sb_ws_poller_finalize;
}

static void
sb_ws_poller_init (SbWsPoller *self)
{
  self->epoll_fd = -1;
  self->connections = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->forgotten = g_ptr_array_new_with_free_func (g_object_unref);
  self->corked = g_ptr_array_new_with_free_func (g_object_unref);
  self->again = g_ptr_array_new_with_free_func (g_object_unref);
  self->scratch = g_malloc (SCRATCH_SIZE);
  self->limits = &no_limits;
  self->stats = &self->own_stats;
}

static gboolean
dispatch_cb (int fd, GIOCondition condition, gpointer user_data)
{
  SbWsPoller *self = user_data;
  struct epoll_event events[EVENTS_PER_ROUND];

  for (guint round = 0; round < ROUNDS_PER_WAKEUP; round++)
    {
      int n = epoll_wait (self->epoll_fd, events, EVENTS_PER_ROUND, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;

      /* The replies to every request read in this round leave together, one sendmsg () per
       * connection. Per round, not per wake-up: a reply waits at most for one round's requests
       * (256 connections' worth, e.g. as many 409 KB snapshots), not four. */
      sb_ws_poller_cork (self);

      for (int i = 0; i < n; i++)
        {
          SbWsConnection *connection = events[i].data.ptr;
          guint32 ready = events[i].events;

          /* A connection closed earlier in this round stays alive in `forgotten`. */
          if (_sb_ws_connection_get_fd (connection) < 0)
            continue;
          if ((ready & EPOLLOUT) && !_sb_ws_connection_handle_writable (connection))
            continue;
          if (ready & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
            _sb_ws_connection_handle_readable (connection, self->scratch, SCRATCH_SIZE);
        }

      sb_ws_poller_uncork (self);

      if (n < EVENTS_PER_ROUND)
        break;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
read_again_cb (gpointer user_data)
{
  SbWsPoller *self = user_data;
  g_autoptr (GPtrArray) again = g_steal_pointer (&self->again);

  self->again_id = 0;
  self->again = g_ptr_array_new_with_free_func (g_object_unref);
  sb_ws_poller_cork (self);
  for (guint i = 0; i < again->len; i++)
    {
      SbWsConnection *connection = g_ptr_array_index (again, i);

      if (_sb_ws_connection_get_fd (connection) >= 0)
        _sb_ws_connection_handle_readable (connection, self->scratch, SCRATCH_SIZE);
    }
  sb_ws_poller_uncork (self);
  return G_SOURCE_REMOVE;
}

void
_sb_ws_poller_read_again (SbWsPoller *self, SbWsConnection *connection)
{
  g_ptr_array_add (self->again, g_object_ref (connection));
  if (self->again_id == 0)
    self->again_id = g_idle_add (read_again_cb, self);
}

SbWsPoller *
sb_ws_poller_new (gsize max_incoming_payload, GError **error)
{
  g_autoptr (SbWsPoller) self = g_object_new (SB_TYPE_WS_POLLER, NULL);

  self->max_incoming_payload = max_incoming_payload;
  self->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (self->epoll_fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create an epoll set: %s", g_strerror (saved_errno));
      return NULL;
    }

  self->source = g_unix_fd_source_new (self->epoll_fd, G_IO_IN);
  g_source_set_callback (self->source, G_SOURCE_FUNC (dispatch_cb), self, NULL);
  g_source_set_name (self->source, "SbWsPoller");
  g_source_attach (self->source, g_main_context_get_thread_default ());

  return g_steal_pointer (&self);
}

void
sb_ws_poller_set_accept_func (SbWsPoller *self, SbWsAcceptFunc func, gpointer user_data)
{
  g_return_if_fail (SB_IS_WS_POLLER (self));

  self->accept_func = func;
  self->accept_data = user_data;
}

guint
sb_ws_poller_get_n_connections (SbWsPoller *self)
{
  g_return_val_if_fail (SB_IS_WS_POLLER (self), 0);

  return g_hash_table_size (self->connections);
}

gsize
_sb_ws_poller_get_max_incoming_payload (SbWsPoller *self)
{
  return self->max_incoming_payload;
}

void
sb_ws_poller_set_limits (SbWsPoller *self, const SbWsLimits *limits, SbWsStats *stats)
{
  g_return_if_fail (SB_IS_WS_POLLER (self));

  self->limits = limits != NULL ? limits : &no_limits;
  self->stats = stats != NULL ? stats : &self->own_stats;
}

const SbWsLimits *
_sb_ws_poller_get_limits (SbWsPoller *self)
{
  return self->limits;
}

SbWsStats *
_sb_ws_poller_get_stats (SbWsPoller *self)
{
  return self->stats;
}

gboolean
_sb_ws_poller_account_partial (SbWsPoller *self, gssize delta)
{
  if (delta < 0 && (guint64) -delta > self->partial_bytes)
    self->partial_bytes = 0;
  else
    self->partial_bytes += delta;
  return self->limits->partial_budget == 0 || self->partial_bytes <= self->limits->partial_budget;
}

static gboolean
sweep_cb (gpointer user_data)
{
  SbWsPoller *self = user_data;
  g_autoptr (GPtrArray) connections = NULL;
  gint64 now = g_get_monotonic_time ();

  if (g_hash_table_size (self->connections) == 0)
    {
      self->sweep_source = 0;
      return G_SOURCE_REMOVE;
    }

  /* A check may close a connection, and its owner may close others: walk a copy. */
  GHashTableIter iter;
  gpointer key;
  connections = g_ptr_array_new_full (g_hash_table_size (self->connections), g_object_unref);
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (connections, g_object_ref (key));

  sb_ws_poller_cork (self);
  for (guint i = 0; i < connections->len; i++)
    _sb_ws_connection_check_deadlines (g_ptr_array_index (connections, i), now);
  sb_ws_poller_uncork (self);
  return G_SOURCE_CONTINUE;
}

void
_sb_ws_poller_want_writable (SbWsPoller *self, SbWsConnection *connection, gboolean want)
{
  struct epoll_event event = { 0 };

  event.events = EPOLLIN | EPOLLRDHUP | (want ? EPOLLOUT : 0);
  event.data.ptr = connection;
  if (epoll_ctl (self->epoll_fd, EPOLL_CTL_MOD, _sb_ws_connection_get_fd (connection), &event) < 0)
    g_warning ("epoll_ctl (MOD) failed: %s", g_strerror (errno));
}

static gboolean
release_forgotten_cb (gpointer user_data)
{
  SbWsPoller *self = user_data;

  self->release_idle_id = 0;
  g_ptr_array_set_size (self->forgotten, 0);
  return G_SOURCE_REMOVE;
}

void
_sb_ws_poller_forget (SbWsPoller *self, SbWsConnection *connection)
{
  gpointer owned;

  epoll_ctl (self->epoll_fd, EPOLL_CTL_DEL, _sb_ws_connection_get_fd (connection), NULL);
  if (!g_hash_table_steal_extended (self->connections, connection, &owned, NULL))
    return;

  /* The connection may be in the event array being dispatched, or be the caller: keep it
   * alive until the main loop comes back. */
  g_ptr_array_add (self->forgotten, owned);
  if (self->release_idle_id == 0)
    self->release_idle_id = g_idle_add (release_forgotten_cb, self);
}

static void
tune_socket (int fd)
{
  int on = 1;
  int idle = 60, interval = 10, count = 6;

  /* Dead peers (a desk whose network vanished) are noticed within about two minutes without a
   * timer per connection. */
  setsockopt (fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  setsockopt (fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt (fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt (fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

static char *
describe_peer (GSocket *socket)
{
  g_autoptr (GSocketAddress) address = g_socket_get_remote_address (socket, NULL);

  if (G_IS_INET_SOCKET_ADDRESS (address))
    {
      g_autofree char *host = g_inet_address_to_string (
          g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
      return g_strdup_printf ("%s:%u", host,
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
    }
  return g_strdup ("unknown peer");
}

/* The socket of a stream stolen from libsoup. Accepted by libsoup's own listener, the stream
 * carries it as "GSocket"; accepted by SbWsListener (soup_server_accept_iostream ()), it is
 * libsoup's SoupIOStream around our GSocketConnection, which it names as "base-iostream", or
 * around the GTlsServerConnection over it (returned in out_tls). */
static GSocket *
socket_behind (GIOStream *stream, GTlsConnection **out_tls)
{
  GSocket *socket = g_object_get_data (G_OBJECT (stream), "GSocket");
  g_autoptr (GIOStream) base = NULL;

  *out_tls = NULL;
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (stream), "base-iostream") != NULL)
    g_object_get (stream, "base-iostream", &base, NULL);
  if (G_IS_TLS_CONNECTION (base))
    {
      g_autoptr (GIOStream) transport = NULL;

      g_object_get (base, "base-io-stream", &transport, NULL);
      if (!G_IS_SOCKET_CONNECTION (transport))
        return NULL;
      *out_tls = G_TLS_CONNECTION (g_object_ref (base));
      return g_socket_connection_get_socket (G_SOCKET_CONNECTION (transport));
    }
  if (socket == NULL && G_IS_SOCKET_CONNECTION (stream))
    socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));
  if (socket == NULL && G_IS_SOCKET_CONNECTION (base))
    socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (base));
  return socket;
}

static void
wrote_informational_cb (SoupServerMessage *msg, gpointer user_data)
{
  SbWsPoller *self = user_data;
  g_autoptr (GIOStream) stream = NULL;
  g_autoptr (SbWsConnection) connection = NULL;
  g_autoptr (GTlsConnection) tls = NULL;
  g_autofree char *peer = NULL;
  struct epoll_event event = { 0 };
  GSocket *socket;
  int fd;

  if (soup_server_message_get_status (msg) != SOUP_STATUS_SWITCHING_PROTOCOLS)
    return;

  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    return;
  socket = socket_behind (stream, &tls);
  if (socket == NULL)
    {
      g_warning ("WebSocket upgrade: no socket behind the stolen stream");
      g_io_stream_close (stream, NULL, NULL);
      return;
    }

  /* Our own descriptor, so that libsoup's stream objects (about 1 KiB) can go. */
  fd = fcntl (g_socket_get_fd (socket), F_DUPFD_CLOEXEC, 0);
  peer = describe_peer (socket);
  if (tls != NULL)
    {
      /* The TLS session lives on in the GTlsConnection: libsoup's wrapper does not close it
       * when it goes, and from now on nothing may block on its socket (not even closing). */
      g_socket_set_blocking (socket, FALSE);
      g_object_set_data (G_OBJECT (socket), SB_WS_SOCKET_UPGRADED, GINT_TO_POINTER (TRUE));
      if (fd < 0)
        g_io_stream_close (G_IO_STREAM (tls), NULL, NULL);
    }
  else
    g_io_stream_close (stream, NULL, NULL);
  if (fd < 0)
    {
      g_warning ("WebSocket upgrade from %s: cannot duplicate the socket: %s", peer,
                 g_strerror (errno));
      return;
    }
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
  tune_socket (fd);

  connection = _sb_ws_connection_new (self, fd, peer, tls);
  event.events = EPOLLIN | EPOLLRDHUP;
  event.data.ptr = connection;
  if (epoll_ctl (self->epoll_fd, EPOLL_CTL_ADD, fd, &event) < 0)
    {
      g_warning ("WebSocket upgrade from %s: epoll_ctl failed: %s", peer, g_strerror (errno));
      return;
    }
  g_hash_table_add (self->connections, g_object_ref (connection));
  if (self->sweep_source == 0)
    self->sweep_source = g_timeout_add_seconds (SWEEP_INTERVAL_S, sweep_cb, self);

  /* Whatever the TLS layer may already hold is read without waiting for the socket. */
  if (tls != NULL)
    _sb_ws_poller_read_again (self, connection);
  if (self->accept_func != NULL)
    self->accept_func (self, connection, self->accept_data);
  else
    sb_ws_connection_close (connection, SB_WS_CLOSE_NORMAL, NULL);
}

void
sb_ws_poller_handle_upgrade (SbWsPoller *self, SoupServerMessage *msg)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (SB_IS_WS_POLLER (self));
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  /* No extensions are offered: permessage-deflate costs ~90 KiB of zlib state per client. */
  if (!soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, &error))
    {
      SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
      const char *version = soup_message_headers_get_one (request, "Sec-WebSocket-Version");

      /* RFC 6455 section 4.4: a version we do not speak is answered with the one we do. */
      if (version != NULL && g_strcmp0 (version, "13") != 0)
        {
          soup_server_message_set_status (msg, HTTP_UPGRADE_REQUIRED, "Upgrade Required");
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Sec-WebSocket-Version", "13");
        }
      else
        soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, error->message,
                                        strlen (error->message));
      return;
    }
  if (!soup_websocket_server_process_handshake (msg, NULL, NULL, NULL, NULL))
    return;

  g_signal_connect_object (msg, "wrote-informational", G_CALLBACK (wrote_informational_cb), self,
                           G_CONNECT_DEFAULT);
}

void
sb_ws_poller_cork (SbWsPoller *self)
{
  g_return_if_fail (SB_IS_WS_POLLER (self));

  self->cork_depth++;
}

void
sb_ws_poller_uncork (SbWsPoller *self)
{
  g_return_if_fail (SB_IS_WS_POLLER (self));
  g_return_if_fail (self->cork_depth > 0);

  if (--self->cork_depth > 0 || self->corked->len == 0)
    return;

  /* Flushing can close a connection (and its owner can then queue to others, or cork again):
   * work on a list of our own, whose references keep every connection alive until it is done. */
  g_autoptr (GPtrArray) corked = g_steal_pointer (&self->corked);
  self->corked = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < corked->len; i++)
    _sb_ws_connection_uncorked (g_ptr_array_index (corked, i));
}

gboolean
_sb_ws_poller_defer (SbWsPoller *self, SbWsConnection *connection)
{
  if (self->cork_depth == 0)
    return FALSE;
  g_ptr_array_add (self->corked, g_object_ref (connection));
  return TRUE;
}
