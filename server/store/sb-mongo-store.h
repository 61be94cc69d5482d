/* sb-mongo-store.h: the MongoDB store backend (SbStore). Several seatbook-server processes can
 * share one replica set: every change is a multi-document transaction, and each process follows the
 * others' changes through a change stream (sb_store_watch). See docs/operations.md. */
#pragma once

#include "sb-store.h"

G_BEGIN_DECLS

#define SB_TYPE_MONGO_STORE (sb_mongo_store_get_type ())
G_DECLARE_FINAL_TYPE (SbMongoStore, sb_mongo_store, SB, MONGO_STORE, GObject)

/* Connects to "mongodb://…" (the database is the URI's path, "seatbook" when it has none), checks
 * that the deployment supports transactions (replica set or sharded cluster) and creates the
 * collections' indexes. Blocks: call it off the main loop or at startup. */
G_GNUC_WARN_UNUSED_RESULT
SbStore *sb_mongo_store_new (const char *uri, GError **error);

G_END_DECLS
