/* sb-server.h: the seatbook server: SoupServer on the main loop (/ws, /healthz, /metrics), the
 * events in memory, the store worker, clients by session, broadcast scheduling and graceful
 * shutdown. What only server/ may use is in sb-server-private.h. */
#pragma once

#include <glib-object.h>

#include "sb-server-config.h"
#include "sb-types.h"

G_BEGIN_DECLS

#define SB_SERVER_ERROR (sb_server_error_quark ())
GQuark sb_server_error_quark (void);

/* Errors that come from elsewhere (the store, GIO) keep their domain, prefixed with what failed;
 * these codes are for what the server finds wrong itself. main.c exits with status 2 for
 * SB_SERVER_ERROR_USAGE and G_OPTION_ERROR, 1 for everything else. */
typedef enum
{
  SB_SERVER_ERROR_STORE,  /* the store cannot be used: exit status 1 */
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

G_END_DECLS
