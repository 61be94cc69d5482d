/* sb-user-commands.h: `seatbook-server user …`, the staff accounts of a store (issue 10), run on
 * the store alone, beside a running server or not. */
#pragma once

#include "sb-server-config.h"

G_BEGIN_DECLS

/* Runs settings->user_action on settings->user_name. A bad name, role or password file is
 * SB_SERVER_ERROR_USAGE (exit status 2); the store's errors keep their domain (exit status 1). */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_command_user (const SbServerSettings *settings, GError **error);

G_END_DECLS
