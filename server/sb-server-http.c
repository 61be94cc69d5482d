/* sb-server-http.c: the server's HTTP side: the listening socket (address, TLS or plain text,
 * backlog) that libsoup serves, /healthz and /metrics, and the /ws upgrade it hands to the
 * WebSocket transport. */
#include "config.h"

#include "sb-server-private.h"

#include <glib-unix.h>
#include <signal.h>
#include <string.h>

#include "sb-tls-key-check.h"

/* Kernel backlog for bursts of connections; GLib's default of 10 stalls them for seconds. */
#define LISTEN_BACKLOG 4096

/* /healthz and /metrics are read-only: anything but GET and HEAD is answered 405. */
static gboolean
method_is_get_or_head (SoupServerMessage *msg)
{
  const char *method = soup_server_message_get_method (msg);

  if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return FALSE;
    }
  return TRUE;
}

static void
on_healthz (SoupServer *soup,
            SoupServerMessage *msg,
            const char *path,
            GHashTable *query,
            gpointer user_data)
{
  SbServer *self = user_data;

  if (!method_is_get_or_head (msg))
    return;

  /* A store that keeps failing refuses every write: take this server out of rotation. */
  gboolean store_failing = sb_store_worker_is_failing (self->worker);
  const char *status = self->shutting_down ? "shutting_down"
                       : store_failing     ? "store_failing"
                                           : "ok";
  g_autofree char *body = g_strdup_printf (
      "{\"status\":\"%s\",\"server\":\"seatbook-server " PACKAGE_VERSION "\",\"connections\":%u,"
      "\"events\":%u,\"store_pending\":%u}\n",
      status, sb_metrics_get_connections (self->metrics), self->events_by_id->len,
      sb_store_worker_get_pending (self->worker));
  soup_server_message_set_status (
      msg, self->shutting_down || store_failing ? SOUP_STATUS_SERVICE_UNAVAILABLE : SOUP_STATUS_OK,
      NULL);
  /* Measured first: arguments are evaluated in no defined order (clang steals first). */
  gsize body_length = strlen (body);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&body), body_length);
}

static void
on_metrics (SoupServer *soup,
            SoupServerMessage *msg,
            const char *path,
            GHashTable *query,
            gpointer user_data)
{
  SbServer *self = user_data;
  SbStoreWorkerStats stats;

  if (!method_is_get_or_head (msg))
    return;

  sb_store_worker_get_stats (self->worker, &stats);
  char *body = sb_metrics_render (self->metrics, &stats);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain; version=0.0.4; charset=utf-8",
                                    SOUP_MEMORY_TAKE, body, strlen (body));
}

static void
on_websocket_upgrade (SoupServer *soup,
                      SoupServerMessage *msg,
                      const char *path,
                      GHashTable *query,
                      gpointer user_data)
{
  SbServer *self = user_data;

  if (self->shutting_down)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "Shutting down");
      return;
    }
  sb_ws_poller_handle_upgrade (self->poller, msg);
}

void
_sb_server_add_http_handlers (SbServer *self)
{
  /* libsoup only does the upgrade; sb-ws-poller.c serves the WebSocket afterwards, without
   * extensions (permessage-deflate would cost ~90 KiB of zlib state per connection). */
  soup_server_add_handler (self->soup, SB_WEBSOCKET_PATH, on_websocket_upgrade, self, NULL);
  soup_server_add_handler (self->soup, "/healthz", on_healthz, self, NULL);
  soup_server_add_handler (self->soup, "/metrics", on_metrics, self, NULL);
}

/* Listening */

static GInetAddress *
resolve_listen_address (const char *listen, GError **error)
{
  GInetAddress *address = g_inet_address_new_from_string (listen);
  if (address != NULL)
    return address;

  g_autoptr (GResolver) resolver = g_resolver_get_default ();
  g_autoptr (GError) local_error = NULL;
  GList *addresses = g_resolver_lookup_by_name (resolver, listen, NULL, &local_error);
  if (addresses == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Cannot resolve %s: ", listen);
      return NULL;
    }
  address = g_object_ref (addresses->data);
  g_resolver_free_addresses (addresses);
  return address;
}

/* TLS when a certificate is configured; plain text only where nobody else can listen in, unless
 * the operator asked for it (and then the log says so at every start). */
static gboolean
check_transport_security (const SbServerSettings *settings,
                          GInetAddress *address,
                          GTlsCertificate **out_certificate,
                          GError **error)
{
  g_autoptr (GError) local_error = NULL;

  *out_certificate = NULL;
  if (settings->tls_certificate != NULL)
    {
      *out_certificate = g_tls_certificate_new_from_files (settings->tls_certificate,
                                                           settings->tls_key, &local_error);
      if (*out_certificate == NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "Cannot load the TLS certificate %s and key %s: ",
                                      settings->tls_certificate, settings->tls_key);
          return FALSE;
        }
      if (!sb_tls_key_check (*out_certificate, &local_error))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "%s and %s: ", settings->tls_certificate, settings->tls_key);
          g_clear_object (out_certificate);
          return FALSE;
        }
      return TRUE;
    }

  if (!settings->allow_plaintext && !g_inet_address_get_is_loopback (address))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "Refusing to serve plain-text ws:// on %s: set tls-certificate and tls-key, "
                   "listen on a loopback address, or set allow-plaintext=true",
                   settings->listen);
      return FALSE;
    }
  if (settings->allow_plaintext)
    g_warning ("allow-plaintext is set: WebSocket traffic, /healthz and /metrics are not "
               "encrypted; anyone on the network path can read and change them");
  return TRUE;
}

/* Creates the listening socket ourselves: soup_server_listen_all () would use GLib's backlog. */
static GSocket *
listen_on (GInetAddress *address, guint port, guint *out_port, GError **error)
{
  g_autoptr (GSocketAddress) socket_address = g_inet_socket_address_new (address, (guint16) port);
  g_autoptr (GSocket) socket = g_socket_new (g_inet_address_get_family (address),
                                             G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL || !g_socket_bind (socket, socket_address, TRUE, error))
    return NULL;
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_listen (socket, error))
    return NULL;

  g_autoptr (GSocketAddress) bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return NULL;
  *out_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return g_steal_pointer (&socket);
}

static gboolean
on_signal (gpointer user_data)
{
  SbServer *self = user_data;

  if (!self->shutting_down)
    {
      g_message ("Shutting down");
      g_main_loop_quit (self->loop);
    }
  return G_SOURCE_CONTINUE;
}

gboolean
sb_server_start (SbServer *self, GError **error)
{
  g_return_val_if_fail (SB_IS_SERVER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_autoptr (GError) local_error = NULL;
  g_autoptr (GInetAddress) address = resolve_listen_address (self->settings->listen, error);
  if (address == NULL)
    return FALSE;

  g_autoptr (GTlsCertificate) certificate = NULL;
  if (!check_transport_security (self->settings, address, &certificate, error))
    return FALSE;

  self->listen_socket = listen_on (address, self->settings->port, &self->port, &local_error);
  if (self->listen_socket != NULL)
    self->listener = sb_ws_listener_new (self->soup, self->listen_socket, &self->settings->ws,
                                         sb_metrics_get_ws_stats (self->metrics), &local_error);
  if (self->listener != NULL)
    sb_ws_listener_set_tls_certificate (self->listener, certificate);
  if (self->listener == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Cannot listen on %s port %u: ", self->settings->listen,
                                  self->settings->port);
      return FALSE;
    }

  /* Before the port file says we are up: a SIGTERM from whoever read it must shut down cleanly,
   * not kill the process with the default action. */
  self->loop = g_main_loop_new (NULL, FALSE);
  self->sigint_source = g_unix_signal_add (SIGINT, on_signal, self);
  self->sigterm_source = g_unix_signal_add (SIGTERM, on_signal, self);

  if (self->settings->port_file != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%u\n", self->port);
      /* g_file_set_contents () renames into place: a reader never sees half a number. */
      if (!g_file_set_contents (self->settings->port_file, text, -1, &local_error))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "Cannot write port file: ");
          return FALSE;
        }
    }

  g_autofree char *address_text = g_inet_address_to_string (address);
  gboolean ipv6 = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6;
  g_message ("seatbook-server " PACKAGE_VERSION " listening on %s://%s%s%s:%u/ws (store %s, %u "
             "events)",
             certificate != NULL ? "wss" : "ws", ipv6 ? "[" : "", address_text, ipv6 ? "]" : "",
             self->port, self->store_description, self->events_by_id->len);
  return TRUE;
}
