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

/* Why a transaction was run again (seatbook_store_retries_total{reason}). */
typedef enum
{
  SB_MONGO_RETRY_WRITE_CONFLICT, /* WriteConflict (112): another transaction wrote a document */
  SB_MONGO_RETRY_TRANSIENT,      /* another TransientTransactionError (network, step-down…) */
  SB_MONGO_RETRY_COMMIT,         /* UnknownTransactionCommitResult: the commit was sent again */
  SB_MONGO_RETRY_DUPLICATE_KEY,  /* a seat or an id another process took meanwhile */
  SB_MONGO_RETRY_N_REASONS,
} SbMongoRetryReason;

const char *sb_mongo_retry_reason_to_string (SbMongoRetryReason reason);

/* How often the store ran a transaction again, for reason. Any thread (the counters are atomic). */
guint64 sb_mongo_store_get_retries (SbMongoStore *self, SbMongoRetryReason reason);

G_END_DECLS
