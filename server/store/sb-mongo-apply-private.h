/* sb-mongo-apply-private.h: SbStore's apply () on MongoDB — the booking rules (sb-store-rules.c)
 * on the collections, in one transaction per batch. Private to server/store/. */
#pragma once

#include <glib.h>
#include <mongoc/mongoc.h>

#include "sb-mongo-txn-private.h"

G_BEGIN_DECLS

/* Runs the ops as one multi-document transaction on conn (sb-store.h: sb_store_apply ()), within
 * SB_MONGO_TXN_DEADLINE_MS. venues caches the parsed venue of each event (event id → SbVenue). */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_mongo_apply (SbMongoConn *conn, GHashTable *venues, GPtrArray *ops, GError **error);

G_END_DECLS
