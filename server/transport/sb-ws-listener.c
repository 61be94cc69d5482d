/* sb-ws-listener.c
 *
 * Why not soup_server_listen_socket (): in libsoup 3.2.3 its listener source returns
 * G_SOURCE_REMOVE when accept () fails, so one EMFILE leaves the server deaf while it stays up;
 * and an idle keep-alive connection the client closes is never closed on our side (one
 * descriptor per /healthz, fixed in libsoup 3.3.0). A SoupServer without listeners of its own
 * closes every plain HTTP connection after its response, which ends the leak; the accept loop is
 * then ours to keep alive.
 *
 * Out of descriptors, a level-triggered listening socket would wake the loop again and again
 * while connections wait in the backlog. A spare descriptor is kept instead: it is closed to
 * accept the waiting connection, which is closed at once (the client learns right away, instead
 * of timing out), then reopened. Only when even that fails does accepting pause, for
 * BACKOFF_MS, and look again.
 *
 * With a certificate, each accepted connection is wrapped in a GTlsServerConnection and handed to
 * libsoup only once its handshake is done. The handshake runs under the same deadline as the
 * HTTP request (the sweep shuts the socket down, which ends the handshake), so a client that
 * never finishes it, or speaks plain text to the TLS port, is closed and counted.
 */

/* accept4 () */
#define _GNU_SOURCE 1

#include "sb-ws-listener.h"
#include "sb-ws-private.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#define ACCEPTS_PER_WAKEUP 64
/* Set on a socket the sweep shut down: its TLS handshake then fails, already counted. */
#define TIMED_OUT "sb-ws-timed-out"
#define BACKOFF_MS 100
#define SWEEP_INTERVAL_S 1

typedef struct
{
  GSocket *socket;
  gint64 deadline_us;
} Pending;

struct _SbWsListener
{
  GObject parent_instance;

  SoupServer *soup;                 /* ref */
  GSocket *listen_socket;           /* ref */
  GTlsCertificate *tls_certificate; /* ref; NULL = plain text */
  const SbWsLimits *limits;
  SbWsStats *stats;

  guint accept_source;
  guint backoff_source;
  int spare_fd;
  gboolean exhausted; /* between the first failed accept () and the next success */
  guint64 shed_in_episode;

  GQueue pending; /* Pending, by deadline */
  guint sweep_source;
};

G_DEFINE_FINAL_TYPE (SbWsListener, sb_ws_listener, G_TYPE_OBJECT)

static void
pending_free (Pending *pending)
{
  g_object_unref (pending->socket);
  g_free (pending);
}

static void
sb_ws_listener_dispose (GObject *object)
{
  SbWsListener *self = SB_WS_LISTENER (object);

  sb_ws_listener_stop (self);
  g_clear_handle_id (&self->sweep_source, g_source_remove);
  g_queue_clear_full (&self->pending, (GDestroyNotify) pending_free);
  g_clear_object (&self->listen_socket);
  g_clear_object (&self->soup);
  g_clear_object (&self->tls_certificate);

  G_OBJECT_CLASS (sb_ws_listener_parent_class)->dispose (object);
}

static void
sb_ws_listener_finalize (GObject *object)
{
  SbWsListener *self = SB_WS_LISTENER (object);

  if (self->spare_fd >= 0)
    close (self->spare_fd);

  G_OBJECT_CLASS (sb_ws_listener_parent_class)->finalize (object);
}

static void
sb_ws_listener_class_init (SbWsListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_ws_listener_dispose;
  object_class->finalize = sb_ws_listener_finalize;
}

static void
sb_ws_listener_init (SbWsListener *self)
{
  self->spare_fd = -1;
  g_queue_init (&self->pending);
}

static int
open_spare (void)
{
  return open ("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* Closed, or a TLS WebSocket the poller took over (its socket stays open). */
static gboolean
is_done (GSocket *socket)
{
  return g_socket_is_closed (socket)
         || g_object_get_data (G_OBJECT (socket), SB_WS_SOCKET_UPGRADED) != NULL;
}

/* Closes what has not finished its TLS handshake, HTTP exchange or upgrade by its deadline.
 * shutdown (), not close (): libsoup's sources (or the TLS handshake) still watch the
 * descriptor, and see the end of the stream. */
static gboolean
sweep_cb (gpointer user_data)
{
  SbWsListener *self = user_data;
  gint64 now = g_get_monotonic_time ();

  while (!g_queue_is_empty (&self->pending))
    {
      Pending *pending = g_queue_peek_head (&self->pending);

      if (!is_done (pending->socket))
        {
          if (pending->deadline_us > now)
            break;
          g_debug ("HTTP connection did not finish its request in time: closing it");
          self->stats->closures[SB_WS_CLOSURE_HANDSHAKE_TIMEOUT]++;
          g_object_set_data (G_OBJECT (pending->socket), TIMED_OUT, GINT_TO_POINTER (TRUE));
          shutdown (g_socket_get_fd (pending->socket), SHUT_RDWR);
        }
      pending_free (g_queue_pop_head (&self->pending));
    }

  if (g_queue_is_empty (&self->pending))
    {
      self->sweep_source = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
track (SbWsListener *self, GSocket *socket)
{
  Pending *pending;

  if (self->limits->handshake_timeout_s == 0)
    return;
  pending = g_new (Pending, 1);
  pending->socket = g_object_ref (socket);
  pending->deadline_us
      = g_get_monotonic_time () + (gint64) self->limits->handshake_timeout_s * G_USEC_PER_SEC;
  g_queue_push_tail (&self->pending, pending);
  if (self->sweep_source == 0)
    self->sweep_source = g_timeout_add_seconds (SWEEP_INTERVAL_S, sweep_cb, self);
}

typedef struct
{
  SbWsListener *self; /* ref */
  GSocket *socket;    /* ref */
  GSocketAddress *local;
  GSocketAddress *remote;
} Handshake;

static void
handshake_free (Handshake *handshake)
{
  g_object_unref (handshake->self);
  g_object_unref (handshake->socket);
  g_object_unref (handshake->local);
  g_object_unref (handshake->remote);
  g_free (handshake);
}

static void
serve (SbWsListener *self, GIOStream *stream, GSocketAddress *local, GSocketAddress *remote)
{
  g_autoptr (GError) error = NULL;

  if (!soup_server_accept_iostream (self->soup, stream, local, remote, &error))
    {
      g_warning ("Cannot serve an accepted connection: %s", error->message);
      g_io_stream_close (stream, NULL, NULL);
    }
}

static void
handshake_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Handshake *handshake = user_data;
  GTlsConnection *tls = G_TLS_CONNECTION (source);
  g_autoptr (GError) error = NULL;

  if (g_tls_connection_handshake_finish (tls, result, &error))
    serve (handshake->self, G_IO_STREAM (tls), handshake->local, handshake->remote);
  else
    {
      /* A plain-text client, a client that rejects our certificate, or the deadline (counted
       * as such by the sweep). */
      g_debug ("TLS handshake failed: %s", error->message);
      if (g_object_get_data (G_OBJECT (handshake->socket), TIMED_OUT) == NULL)
        handshake->self->stats->closures[SB_WS_CLOSURE_TLS_HANDSHAKE]++;
      g_io_stream_close (G_IO_STREAM (tls), NULL, NULL);
    }
  handshake_free (handshake);
}

static void
start_tls (SbWsListener *self,
           GSocketConnection *connection,
           GSocketAddress *local,
           GSocketAddress *remote)
{
  g_autoptr (GError) error = NULL;
  /* Not g_tls_server_connection_new (): its connection takes the default GTlsDatabase, and
   * glib-networking 2.74 then parses the whole system CA list into GnuTLS credentials of its own
   * for every connection (3.3 MiB each, measured with heaptrack: BENCHMARKS.md, TLS). A server
   * that asks for no client certificate verifies nothing against it. Clients often just close:
   * a missing close_notify is no reason to report an error. */
  g_autoptr (GIOStream) tls = g_initable_new (
      g_tls_backend_get_server_connection_type (g_tls_backend_get_default ()), NULL, &error,
      "base-io-stream", connection, "certificate", self->tls_certificate, "database", NULL,
      "require-close-notify", FALSE, NULL);
  Handshake *handshake;

  if (tls == NULL)
    {
      g_warning ("Cannot start TLS on an accepted connection: %s", error->message);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return;
    }
  handshake = g_new0 (Handshake, 1);
  handshake->self = g_object_ref (self);
  handshake->socket = g_object_ref (g_socket_connection_get_socket (connection));
  handshake->local = g_object_ref (local);
  handshake->remote = g_object_ref (remote);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, NULL,
                                    handshake_done_cb, handshake);
}

static void
hand_over (SbWsListener *self, int fd)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket = g_socket_new_from_fd (fd, &error);
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GSocketAddress) local = NULL;
  g_autoptr (GSocketAddress) remote = NULL;

  if (socket == NULL)
    {
      g_debug ("Accepted socket unusable: %s", error->message);
      close (fd);
      return;
    }
  local = g_socket_get_local_address (socket, NULL);
  remote = g_socket_get_remote_address (socket, NULL);
  if (local == NULL || remote == NULL)
    {
      /* Reset by the peer before we got to it. */
      g_socket_close (socket, NULL);
      return;
    }
  /* What libsoup's own listener does; replies are small and must not wait for Nagle. */
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);

  connection = g_socket_connection_factory_create_connection (socket);
  self->stats->accepted++;
  track (self, socket);
  if (self->tls_certificate != NULL)
    start_tls (self, connection, local, remote);
  else
    serve (self, G_IO_STREAM (connection), local, remote);
}

static gboolean accept_cb (int fd, GIOCondition condition, gpointer user_data);

static gboolean
backoff_done_cb (gpointer user_data)
{
  SbWsListener *self = user_data;

  self->backoff_source = 0;
  self->accept_source
      = g_unix_fd_add (g_socket_get_fd (self->listen_socket), G_IO_IN, accept_cb, self);
  return G_SOURCE_REMOVE;
}

/* accept () failed for want of descriptors. Refuses what waits in the backlog with the spare
 * descriptor; TRUE when accepting may go on, FALSE when it must pause. */
static gboolean
out_of_descriptors (SbWsListener *self, int listen_fd, int error_number)
{
  if (!self->exhausted)
    {
      self->exhausted = TRUE;
      self->shed_in_episode = 0;
      self->stats->accept_exhausted++;
      g_warning ("Out of file descriptors (%s): refusing new connections until some come free",
                 g_strerror (error_number));
    }

  for (guint i = 0; i < ACCEPTS_PER_WAKEUP; i++)
    {
      int fd;

      if (self->spare_fd < 0)
        self->spare_fd = open_spare ();
      if (self->spare_fd < 0)
        return FALSE;
      close (self->spare_fd);
      self->spare_fd = -1;
      fd = accept4 (listen_fd, NULL, NULL, SOCK_CLOEXEC);
      if (fd < 0)
        {
          self->spare_fd = open_spare ();
          /* EAGAIN: the backlog is empty, nothing to wake us until the next client. */
          return errno == EAGAIN || errno == EWOULDBLOCK;
        }
      close (fd);
      self->stats->accept_shed++;
      self->shed_in_episode++;
      self->spare_fd = open_spare ();
    }
  return TRUE;
}

static gboolean
accept_cb (int listen_fd, GIOCondition condition, gpointer user_data)
{
  SbWsListener *self = user_data;

  for (guint i = 0; i < ACCEPTS_PER_WAKEUP; i++)
    {
      int fd = accept4 (listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

      if (fd < 0)
        {
          int error_number = errno;

          switch (error_number)
            {
              case EINTR:
              case ECONNABORTED:
              case EPROTO:
                continue;
              case EAGAIN:
#if EAGAIN != EWOULDBLOCK
              case EWOULDBLOCK:
#endif
                return G_SOURCE_CONTINUE;
              case EMFILE:
              case ENFILE:
              case ENOBUFS:
              case ENOMEM:
                if (out_of_descriptors (self, listen_fd, error_number))
                  return G_SOURCE_CONTINUE;
                break;
              default:
                self->stats->accept_errors++;
                g_warning ("accept () failed: %s", g_strerror (error_number));
                break;
            }
          /* Pause rather than spin on a socket that stays readable. */
          self->accept_source = 0;
          self->backoff_source = g_timeout_add (BACKOFF_MS, backoff_done_cb, self);
          return G_SOURCE_REMOVE;
        }

      if (self->exhausted)
        {
          self->exhausted = FALSE;
          g_message ("Accepting connections again (%" G_GUINT64_FORMAT
                     " refused while out of file descriptors)",
                     self->shed_in_episode);
        }
      if (self->spare_fd < 0)
        self->spare_fd = open_spare ();
      hand_over (self, fd);
    }
  return G_SOURCE_CONTINUE;
}

SbWsListener *
sb_ws_listener_new (SoupServer *soup,
                    GSocket *listen_socket,
                    const SbWsLimits *limits,
                    SbWsStats *stats,
                    GError **error)
{
  g_return_val_if_fail (SOUP_IS_SERVER (soup), NULL);
  g_return_val_if_fail (G_IS_SOCKET (listen_socket), NULL);
  g_return_val_if_fail (limits != NULL && stats != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_autoptr (SbWsListener) self = g_object_new (SB_TYPE_WS_LISTENER, NULL);

  self->soup = g_object_ref (soup);
  self->listen_socket = g_object_ref (listen_socket);
  self->limits = limits;
  self->stats = stats;
  self->spare_fd = open_spare ();
  if (self->spare_fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot open a spare descriptor: %s", g_strerror (saved_errno));
      return NULL;
    }
  g_socket_set_blocking (listen_socket, FALSE);
  self->accept_source = g_unix_fd_add (g_socket_get_fd (listen_socket), G_IO_IN, accept_cb, self);

  return g_steal_pointer (&self);
}

void
sb_ws_listener_set_tls_certificate (SbWsListener *self, GTlsCertificate *certificate)
{
  g_return_if_fail (SB_IS_WS_LISTENER (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  g_set_object (&self->tls_certificate, certificate);
}

void
sb_ws_listener_stop (SbWsListener *self)
{
  g_return_if_fail (SB_IS_WS_LISTENER (self));

  g_clear_handle_id (&self->accept_source, g_source_remove);
  g_clear_handle_id (&self->backoff_source, g_source_remove);
}

guint
sb_ws_listener_get_n_pending (SbWsListener *self)
{
  guint n = 0;

  g_return_val_if_fail (SB_IS_WS_LISTENER (self), 0);

  for (GList *l = self->pending.head; l != NULL; l = l->next)
    if (!is_done (((Pending *) l->data)->socket))
      n++;
  return n;
}
