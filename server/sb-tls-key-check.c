/* sb-tls-key-check.c: see sb-tls-key-check.h. */
#include "config.h"

#include "sb-tls-key-check.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

/* Only stops a hang: a handshake over a local socket pair takes milliseconds. */
#define HANDSHAKE_TIMEOUT_SECONDS 10

typedef struct
{
  gboolean done;
  GError *error;
} Handshake;

static void
on_handshake (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Handshake *handshake = user_data;

  g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &handshake->error);
  handshake->done = TRUE;
}

/* The client of the check trusts whatever certificate comes: the question is only whether the
 * server side can prove it holds the certificate's key. */
static gboolean
accept_any (GTlsConnection *connection,
            GTlsCertificate *peer_cert,
            GTlsCertificateFlags errors,
            gpointer user_data)
{
  return TRUE;
}

static GIOStream *
stream_from_fd (int fd, GError **error)
{
  g_autoptr (GSocket) socket = g_socket_new_from_fd (fd, error);

  if (socket == NULL)
    {
      close (fd);
      return NULL;
    }
  return G_IO_STREAM (g_socket_connection_factory_create_connection (socket));
}

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
sb_tls_key_check (GTlsCertificate *certificate, GError **error)
{
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (GIOStream) server_base = NULL;
  g_autoptr (GIOStream) client_base = NULL;
  g_autoptr (GIOStream) server = NULL;
  g_autoptr (GIOStream) client = NULL;
  g_autoptr (GSource) timeout = NULL;
  Handshake server_side = { FALSE, NULL };
  Handshake client_side = { FALSE, NULL };
  gboolean timed_out = FALSE;
  gboolean ok;
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Cannot check the TLS key: socketpair: %s", g_strerror (errno));
      return FALSE;
    }
  server_base = stream_from_fd (fds[0], error);
  if (server_base == NULL)
    {
      close (fds[1]);
      return FALSE;
    }
  client_base = stream_from_fd (fds[1], error);
  if (client_base == NULL)
    return FALSE;
  server = g_tls_server_connection_new (server_base, certificate, error);
  if (server == NULL)
    return FALSE;
  client = g_tls_client_connection_new (client_base, NULL, error);
  if (client == NULL)
    return FALSE;
  g_signal_connect (client, "accept-certificate", G_CALLBACK (accept_any), NULL);

  /* Both ends on a private context of this thread: nothing else runs meanwhile. */
  g_main_context_push_thread_default (context);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (server), G_PRIORITY_DEFAULT, NULL,
                                    on_handshake, &server_side);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (client), G_PRIORITY_DEFAULT, NULL,
                                    on_handshake, &client_side);
  timeout = g_timeout_source_new_seconds (HANDSHAKE_TIMEOUT_SECONDS);
  g_source_set_callback (timeout, on_timeout, &timed_out, NULL);
  g_source_attach (timeout, context);
  while (!(server_side.done && client_side.done) && !timed_out)
    {
      g_main_context_iteration (context, TRUE);
      /* One side failing leaves the other waiting for bytes that never come. */
      if ((server_side.done && server_side.error != NULL)
          || (client_side.done && client_side.error != NULL))
        break;
    }
  g_source_destroy (timeout);
  /* Closing the base streams ends a handshake still under way; then its callback runs (bounded:
   * a callback that never ran is never run, nobody iterates this context again). */
  g_io_stream_close (server_base, NULL, NULL);
  g_io_stream_close (client_base, NULL, NULL);
  for (int i = 0; i < 1000 && !(server_side.done && client_side.done); i++)
    g_main_context_iteration (context, FALSE);
  g_main_context_pop_thread_default (context);

  ok = server_side.error == NULL && client_side.error == NULL && !timed_out;
  if (!ok)
    {
      const GError *cause = server_side.error != NULL ? server_side.error : client_side.error;

      g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                   "The TLS key does not match the certificate (a test handshake failed: %s)",
                   cause != NULL ? cause->message : "timed out");
    }
  g_clear_error (&server_side.error);
  g_clear_error (&client_side.error);
  return ok;
}
