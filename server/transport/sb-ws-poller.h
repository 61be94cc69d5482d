/* sb-ws-poller.h: one epoll set, attached to a GMainContext as a single GSource, that drives
 * every SbWsConnection. GLib's own poll walks every source on every wake-up, so its cost grows
 * with the number of connections; epoll only reports the sockets that are ready. */
#pragma once

#include <libsoup/soup.h>

#include "sb-ws-connection.h"
#include "sb-ws-limits.h"

G_BEGIN_DECLS

#define SB_TYPE_WS_POLLER (sb_ws_poller_get_type ())
G_DECLARE_FINAL_TYPE (SbWsPoller, sb_ws_poller, SB, WS_POLLER, GObject)

/* A new connection after a successful upgrade; the callee sets its callbacks. The poller keeps
 * the connection alive until it has closed. */
typedef void (*SbWsAcceptFunc) (SbWsPoller *poller, SbWsConnection *connection, gpointer user_data);

G_GNUC_WARN_UNUSED_RESULT
SbWsPoller *sb_ws_poller_new (gsize max_incoming_payload, GError **error);

/* Deadlines (frame, ping/pong) and the budget of incomplete frames; both borrowed, both must
 * outlive the poller. Without limits there is no deadline and no budget. */
void sb_ws_poller_set_limits (SbWsPoller *self, const SbWsLimits *limits, SbWsStats *stats);

void sb_ws_poller_set_accept_func (SbWsPoller *self, SbWsAcceptFunc func, gpointer user_data);

/* Handles a WebSocket upgrade request from a SoupServer handler: checks the handshake (400 when
 * it is not one), answers 101 without extensions, and takes the socket over from libsoup. */
void sb_ws_poller_handle_upgrade (SbWsPoller *self, SoupServerMessage *msg);

guint sb_ws_poller_get_n_connections (SbWsPoller *self);

/* Between cork and uncork, connections only queue what they are given; at uncork each one hands
 * all of it to the kernel with one sendmsg (). A broadcast to subscribers of several events, or
 * the replies to several requests read in one round, then cost one system call per connection
 * instead of one per frame. Nests; dispatching the sockets corks on its own. */
void sb_ws_poller_cork (SbWsPoller *self);
void sb_ws_poller_uncork (SbWsPoller *self);

G_END_DECLS
