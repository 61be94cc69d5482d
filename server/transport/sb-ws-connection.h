/* sb-ws-connection.h: one server-side WebSocket connection on a non-blocking socket, driven by
 * an SbWsPoller. Cheaper than SoupWebsocketConnection: no GSources, no signals, no buffers while
 * idle, which is what lets one process hold tens of thousands of subscribers. */
#pragma once

#include <glib-object.h>

#include "sb-ws-frame.h"

G_BEGIN_DECLS

#define SB_TYPE_WS_CONNECTION (sb_ws_connection_get_type ())
G_DECLARE_FINAL_TYPE (SbWsConnection, sb_ws_connection, SB, WS_CONNECTION, GObject)

typedef struct
{
  /* A complete text or binary message. data is only valid during the call. */
  void (*message) (SbWsConnection *connection,
                   SbWsOpcode opcode,
                   const char *data,
                   gsize length,
                   gpointer user_data);
  /* Called once, when the socket has been closed. code is the peer's close code when it sent
   * one, else ours, else 1006 (the connection broke). */
  void (*closed) (SbWsConnection *connection, gushort code, const char *reason, gpointer user_data);
  /* Optional. New frames were offered to the kernel (at once, or at the poller's uncork) and
   * part of the queue is still waiting for the peer. round_bytes is how much of it was queued
   * since the previous call: the owner's back-pressure check runs here, once per flush rather
   * than once per frame. */
  void (*flushed) (SbWsConnection *connection, gsize round_bytes, gpointer user_data);
  /* Optional. The deadline set with sb_ws_connection_set_deadline () has passed. */
  void (*deadline) (SbWsConnection *connection, gpointer user_data);
} SbWsConnectionCallbacks;

void sb_ws_connection_set_callbacks (SbWsConnection *self,
                                     const SbWsConnectionCallbacks *callbacks,
                                     gpointer user_data);

void sb_ws_connection_send_text (SbWsConnection *self, const char *text, gsize length);
/* Sends a frame made by sb_ws_frame_encode(): one encoding serves every subscriber. */
void sb_ws_connection_send_frame (SbWsConnection *self, GBytes *frame);

/* Sends one text message whose payload is the concatenation of parts, which are queued as they
 * are, not copied: a large part shared by many messages (a venue's JSON) costs nothing per send. */
void sb_ws_connection_send_text_parts (SbWsConnection *self, GBytes *const *parts, guint n_parts);

/* Bytes accepted by send but not yet handed to the kernel. */
gsize sb_ws_connection_get_buffered_amount (SbWsConnection *self);
/* The same plus what the kernel holds unsent or unacknowledged: what the peer has not received. */
gsize sb_ws_connection_get_unsent_bytes (SbWsConnection *self);

/* Starts the closing handshake; closed() follows once the peer answers or after a timeout. */
void sb_ws_connection_close (SbWsConnection *self, gushort code, const char *reason);
/* Like close(), but first drops whatever is still queued (for a client that does not read). */
void sb_ws_connection_close_discarding (SbWsConnection *self, gushort code, const char *reason);

/* Calls deadline () once, about seconds from now (the poller looks once a second, so one
 * GSource serves every connection); 0 cancels. For the owner's own deadlines (hello). */
void sb_ws_connection_set_deadline (SbWsConnection *self, guint seconds);

gboolean sb_ws_connection_is_open (SbWsConnection *self);
const char *sb_ws_connection_get_peer (SbWsConnection *self);

G_END_DECLS
