/* sb-ws-listener.h: the accept loop in front of the SoupServer. libsoup 3.2 listens badly: its
 * listener stops for good after one failed accept () (EMFILE), and a keep-alive connection closed
 * by the client stays in CLOSE-WAIT for good. Here the server accepts itself, hands each stream to
 * soup_server_accept_iostream (), and closes what has not finished its HTTP exchange in time. */
#pragma once

#include <libsoup/soup.h>

#include "sb-ws-limits.h"

G_BEGIN_DECLS

#define SB_TYPE_WS_LISTENER (sb_ws_listener_get_type ())
G_DECLARE_FINAL_TYPE (SbWsListener, sb_ws_listener, SB, WS_LISTENER, GObject)

/* Starts accepting on listen_socket (bound and listening) for soup. limits->handshake_timeout_s
 * is read at each accept; limits and stats are borrowed and must outlive the listener. */
G_GNUC_WARN_UNUSED_RESULT
SbWsListener *sb_ws_listener_new (SoupServer *soup,
                                  GSocket *listen_socket,
                                  const SbWsLimits *limits,
                                  SbWsStats *stats,
                                  GError **error);

/* Stops accepting (the listening socket stays open until its owner closes it). */
/* With a certificate every accepted connection speaks TLS (wss://, https); NULL = plain text. */
void sb_ws_listener_set_tls_certificate (SbWsListener *self, GTlsCertificate *certificate);
void sb_ws_listener_stop (SbWsListener *self);

/* Connections accepted whose HTTP exchange or upgrade is not over yet. */
guint sb_ws_listener_get_n_pending (SbWsListener *self);

G_END_DECLS
