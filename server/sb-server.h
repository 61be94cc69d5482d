/* sb-server.h: the seatbook server: SoupServer on the main loop (/ws, /healthz, /metrics), the
 * events in memory, the store worker, clients by session, broadcast scheduling and graceful
 * shutdown. */
#pragma once

#include <libsoup/soup.h>

#include "sb-client.h"
#include "sb-live-event.h"
#include "sb-metrics.h"
#include "sb-server-config.h"
#include "sb-store-worker.h"

G_BEGIN_DECLS

#define SB_SERVER_ERROR (sb_server_error_quark ())
GQuark sb_server_error_quark (void);

typedef enum
{
  SB_SERVER_ERROR_STORE,  /* the store cannot be opened or read: exit status 1 */
  SB_SERVER_ERROR_LISTEN, /* cannot listen: exit status 1 */
  SB_SERVER_ERROR_USAGE,  /* bad input (e.g. a venue file): exit status 2 */
} SbServerErrorCode;

#define SB_TYPE_SERVER (sb_server_get_type ())
G_DECLARE_FINAL_TYPE (SbServer, sb_server, SB, SERVER, GObject)

/* Opens the store and loads every event into memory. settings must outlive the server. */
G_GNUC_WARN_UNUSED_RESULT
SbServer *sb_server_new (const SbServerSettings *settings, GError **error);
/* Listens (and writes the port file). */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_server_start (SbServer *self, GError **error);
/* Runs the main loop until SIGINT/SIGTERM, then shuts down gracefully. Returns the exit status. */
int sb_server_run (SbServer *self);
guint sb_server_get_port (SbServer *self);

/* The subcommands. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_server_create_event_command (const SbServerSettings *settings, GError **error);
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_server_list_events_command (const SbServerSettings *settings, GError **error);

/* For SbClient. */
const SbServerSettings *sb_server_get_settings (SbServer *self);
SbMetrics *sb_server_get_metrics (SbServer *self);
gboolean sb_server_is_shutting_down (SbServer *self);
SbLiveEvent *sb_server_lookup_event (SbServer *self, const char *event_id);
/* The event holding hold_id in memory, or NULL (unknown, or the hold has ended). */
SbLiveEvent *sb_server_lookup_hold_event (SbServer *self, const char *hold_id);
/* The events, sorted by id (borrowed). */
GPtrArray *sb_server_get_events (SbServer *self);
void sb_server_submit_op (SbServer *self, SbOp *op);
/* Reads changes after `since` from the store for a subscribe older than memory; the answer goes
 * to sb_client_finish_subscribe () of the client with that serial, if still connected. */
void sb_server_fetch_changes (SbServer *self,
                              guint64 client_serial,
                              const char *request_id,
                              const char *event_id,
                              gint64 since);
/* Called by a client when its connection has closed. */
void sb_server_client_closed (SbServer *self, SbClient *client);

G_END_DECLS
