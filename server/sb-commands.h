/* sb-commands.h: the subcommands of seatbook-server that work on the store alone, without a
 * running server: create-event and list-events. */
#pragma once

#include "sb-server-config.h"

G_BEGIN_DECLS

/* Creates the event of settings (venue_file, event_id, event_name, starts_at_ms, if_missing).
 * A bad venue file is SB_SERVER_ERROR_USAGE; the store's errors keep their domain. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_command_create_event (const SbServerSettings *settings, GError **error);
/* Prints one line per event: id, version, start (ISO 8601 or -), name. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_command_list_events (const SbServerSettings *settings, GError **error);

G_END_DECLS
