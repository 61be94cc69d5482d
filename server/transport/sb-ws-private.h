/* sb-ws-private.h: what SbWsPoller and SbWsConnection need of each other. */
#pragma once

#include "sb-ws-connection.h"
#include "sb-ws-poller.h"

G_BEGIN_DECLS

/* Set (as object data) on the GSocket of a TLS connection the poller took over: its socket stays
 * open in the GTlsConnection, so the listener's handshake deadline must leave it alone. */
#define SB_WS_SOCKET_UPGRADED "sb-ws-upgraded"

/* tls: NULL for plain text, else the connection's TLS session over the socket behind fd. */
SbWsConnection *
_sb_ws_connection_new (SbWsPoller *poller, int fd, const char *peer, GTlsConnection *tls);
int _sb_ws_connection_get_fd (SbWsConnection *self);
/* Both return FALSE once the connection has closed. */
gboolean
_sb_ws_connection_handle_readable (SbWsConnection *self, guint8 *scratch, gsize scratch_size);
gboolean _sb_ws_connection_handle_writable (SbWsConnection *self);
void _sb_ws_connection_abort (SbWsConnection *self);
/* The poller was uncorked: hand what was queued meanwhile to the kernel. */
void _sb_ws_connection_uncorked (SbWsConnection *self);

/* Once a second: deadlines of the owner, of a started frame, keepalive ping and its pong. */
void _sb_ws_connection_check_deadlines (SbWsConnection *self, gint64 now_us);

gsize _sb_ws_poller_get_max_incoming_payload (SbWsPoller *self);
const SbWsLimits *_sb_ws_poller_get_limits (SbWsPoller *self);
SbWsStats *_sb_ws_poller_get_stats (SbWsPoller *self);
/* A connection holds delta more (or fewer) bytes of incomplete frames; TRUE while every
 * connection together stays within the budget. */
gboolean _sb_ws_poller_account_partial (SbWsPoller *self, gssize delta);
/* Switches EPOLLOUT interest on or off. */
void _sb_ws_poller_want_writable (SbWsPoller *self, SbWsConnection *connection, gboolean want);
/* The connection closed its socket: forget it once the current dispatch is over. */
void _sb_ws_poller_forget (SbWsPoller *self, SbWsConnection *connection);
/* The connection's TLS layer may hold decrypted bytes: read it again soon, without epoll. */
void _sb_ws_poller_read_again (SbWsPoller *self, SbWsConnection *connection);
/* TRUE when the poller is corked: it then calls _sb_ws_connection_uncorked () once at uncork. */
gboolean _sb_ws_poller_defer (SbWsPoller *self, SbWsConnection *connection);

G_END_DECLS
