/* sb-client.h: one WebSocket connection: session, client identity after hello, rate limiter,
 * request dispatch, and a bounded view of what it has not yet received. */
#pragma once

#include "sb-ws-connection.h"

#include "sb-op.h"

G_BEGIN_DECLS

typedef struct _SbServer SbServer;

#define SB_TYPE_CLIENT (sb_client_get_type ())
G_DECLARE_FINAL_TYPE (SbClient, sb_client, SB, CLIENT, GObject)

/* serial: unique for the process lifetime; ops carry it (not a pointer) so an outcome that comes
 * back after the client left finds nobody to answer. */
SbClient *sb_client_new (SbServer *server, SbWsConnection *connection, guint64 serial);

guint64 sb_client_get_serial (SbClient *self);
const char *sb_client_get_session_id (SbClient *self);
/* NULL before hello. */
const char *sb_client_get_client_id (SbClient *self);
gboolean sb_client_is_open (SbClient *self);

/* Queues one text message (bytes must be UTF-8 JSON). Returns FALSE when the client is closed or
 * has just been closed for being too slow. */
gboolean sb_client_send_bytes (SbClient *self, GBytes *message);
/* Queues a frame from sb_ws_frame_encode (): a broadcast is serialized and framed once. */
gboolean sb_client_send_frame (SbClient *self, GBytes *frame);
/* Sends one text message made of parts (GBytes), which are queued as they are, not copied. */
gboolean sb_client_send_parts (SbClient *self, GPtrArray *parts);
gboolean sb_client_send_text (SbClient *self, char *text /* transfer full */);

void sb_client_close (SbClient *self, gushort code, const char *reason);

/* Answers the request an op came from, from its outcome. */
void sb_client_reply_op (SbClient *self, const SbOp *op);

/* The store-backed replay of a subscribe came back (result: SbChange array or NULL). */
void sb_client_finish_subscribe (SbClient *self,
                                 const char *request_id,
                                 const char *event_id,
                                 gint64 since,
                                 GPtrArray *changes,
                                 const GError *error);

G_END_DECLS
