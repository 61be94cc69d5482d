/* sb-mongo-watch-private.h: the MongoDB store's change stream thread, which delivers the changes
 * other server processes commit (SbStore's watch). Private to server/store/. */
#pragma once

#include <glib.h>
#include <mongoc/mongoc.h>

#include "sb-store.h"

G_BEGIN_DECLS

typedef struct _SbMongoWatch SbMongoWatch;

/* Starts the thread on a client of pool, following the change log of db_name, and returns once
 * the stream is open: every change committed after it returns is delivered to func, on the
 * thread. The pool must outlive the watch. */
G_GNUC_WARN_UNUSED_RESULT
SbMongoWatch *sb_mongo_watch_start (mongoc_client_pool_t *pool,
                                    const char *db_name,
                                    SbStoreChangeFunc func,
                                    gpointer user_data,
                                    GError **error);
/* Stops the thread (within about WATCH_MAX_AWAIT_MS) and frees the watch. */
void sb_mongo_watch_stop (SbMongoWatch *watch);

G_END_DECLS
