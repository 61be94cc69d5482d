/* lg-ws.h: a small WebSocket client (RFC 6455, text frames, no extensions) on non-blocking sockets
 * and one epoll set.
 *
 * Why not SoupWebsocketConnection for the load: GLib 2.74's GMainContext polls every descriptor
 * and walks every GSource on each wake-up (docs/hacking.md, "WebSocket transport": ~1.2 ms per
 * wake-up at 1,000 connections, ~18 ms at 10,000). A load generator holding 10,000 connections
 * that way would burn the core the server needs on this 2-core machine and would itself add
 * milliseconds of lag to what it measures. epoll costs per ready descriptor only. libsoup is still
 * used for the final state check (lg-verify.c), so the figures do not rest on this code alone. */
#pragma once

#include <glib.h>
#include <netinet/in.h>

G_BEGIN_DECLS

typedef struct _LgLoop LgLoop;
typedef struct _LgWs LgWs;

typedef struct
{
  /* The handshake succeeded: the connection may send. */
  void (*opened) (LgWs *ws, gint64 now_us, gpointer user_data);
  /* One complete text message; `text` is valid only during the call (it is not NUL-terminated). */
  void (*message) (LgWs *ws, const char *text, gsize len, gint64 now_us, gpointer user_data);
  /* The connection ended: code is the peer's close code, or one of the client's own (then
   * `reason` says why): 1006 for a lost connection or a failed connect/handshake, 1002 for a frame
   * a client must refuse, 1009 for a frame too large. The LgWs is freed after this returns. */
  void (*closed) (LgWs *ws, guint code, const char *reason, gpointer user_data);
} LgWsCallbacks;

LgLoop *lg_loop_new (GError **error);
void lg_loop_free (LgLoop *loop);
/* Every connection made from now on speaks TLS (wss://), without verifying the certificate:
 * the load generator only ever talks to a loopback server. */
gboolean lg_loop_use_tls (LgLoop *loop, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Waits up to timeout_ms for readiness and dispatches. Returns the number of events handled. */
int lg_loop_iterate (LgLoop *loop, int timeout_ms);
/* Connections whose TCP connect or handshake is not finished. */
guint lg_loop_get_n_pending (LgLoop *loop);

LgWs *lg_ws_connect (LgLoop *loop,
                     const struct sockaddr_in *address,
                     const char *host_header,
                     const char *path,
                     const LgWsCallbacks *callbacks,
                     gpointer user_data,
                     GError **error);
/* Queues one text frame (masked, as a client must). Sends at once where the socket takes it. */
void lg_ws_send_text (LgWs *ws, const char *text, gsize len);
/* Closes the socket now (no closing handshake: the load is over) and frees the LgWs without
 * calling `closed`. */
void lg_ws_abort (LgWs *ws);
gboolean lg_ws_is_open (LgWs *ws);

G_END_DECLS
