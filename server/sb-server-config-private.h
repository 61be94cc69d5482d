/* sb-server-config-private.h: what sb-server-config.c (the command line) takes from
 * sb-server-config-file.c (the values and the config file). Private to server/. */
#pragma once

#include "sb-server-config.h"

G_BEGIN_DECLS

/* Sets the setting key (as the config file spells it) from value. FALSE with a G_OPTION_ERROR
 * naming the key for an unknown key or a bad value. */
G_GNUC_WARN_UNUSED_RESULT
gboolean
_sb_server_settings_apply (SbServerSettings *s, const char *key, const char *value, GError **error);

/* Applies the [server] group of the config file at path. */
G_GNUC_WARN_UNUSED_RESULT
gboolean _sb_server_settings_load_key_file (SbServerSettings *s, const char *path, GError **error);

G_END_DECLS
