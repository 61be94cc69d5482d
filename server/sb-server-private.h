/* sb-server-private.h: what only server/ may call beside SbServer's public API. */
#pragma once

#include "sb-server.h"
#include "sb-client.h"
#include "sb-store-worker.h"
#include "sb-store.h"

G_BEGIN_DECLS

/* Opens the configured store, creating the default database's directory first. The store's error
 * is prefixed with the store's name, without its credentials. Used by the server and by the
 * subcommands (sb-commands.c). */
G_GNUC_WARN_UNUSED_RESULT
SbStore *_sb_server_open_store (const SbServerSettings *settings, GError **error);

/* For sb-server-audit.c: the store worker, and the connected client of a serial (or NULL). */
SbStoreWorker *_sb_server_get_worker (SbServer *self);
SbClient *_sb_server_lookup_client (SbServer *self, guint64 serial);
/* SbClientHooks.fetch_audit (sb-server-audit.c); user_data is the SbServer. */
void _sb_server_fetch_audit (guint64 client_serial,
                             const char *request_id,
                             const SbAuditQuery *query,
                             gpointer user_data);

/* The store URI for logs: a MongoDB password is masked. */
char *_sb_server_describe_store (const char *uri);

G_END_DECLS
