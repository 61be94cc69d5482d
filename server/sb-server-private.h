/* sb-server-private.h: what only server/ may call beside SbServer's public API. */
#pragma once

#include "sb-server.h"
#include "sb-store.h"

G_BEGIN_DECLS

/* Opens the configured store, creating the default database's directory first. The store's error
 * is prefixed with the store's name, without its credentials. Used by the server and by the
 * subcommands (sb-commands.c). */
G_GNUC_WARN_UNUSED_RESULT
SbStore *_sb_server_open_store (const SbServerSettings *settings, GError **error);

/* The store URI for logs: a MongoDB password is masked. */
char *_sb_server_describe_store (const char *uri);

G_END_DECLS
