/* sb-mongo-txn-private.h: the MongoDB store's transactions. A body runs in a transaction
 * (snapshot reads, majority commit) and is rerun from scratch on transient errors, after a
 * backoff with jitter, until the transaction's deadline; its reads and writes go through the
 * store's one session (whose id sb-mongo-registry.c records), each with the time left as its
 * maxTimeMS, and a failed command's reply is kept so that its error labels drive the retry.
 * Private to server/store/. */
#pragma once

#include <glib.h>
#include <mongoc/mongoc.h>

#include "sb-mongo-store.h"

G_BEGIN_DECLS

/* How long one transaction (every attempt, backoff and commit included) may take before it fails
 * and its requests get `unavailable` (docs/operations.md, "MongoDB"). */
#define SB_MONGO_TXN_DEADLINE_MS 5000

/* The store's connection as its worker thread uses it: one client and one session for every
 * transaction, so that the session id a later start must kill is known from the start. */
typedef struct
{
  mongoc_client_t *client;
  const char *db_name;
  mongoc_client_session_t *session;
  gsize retries[SB_MONGO_RETRY_N_REASONS]; /* atomic: /metrics reads them from the main thread */
} SbMongoConn;

/* One attempt of a transaction body. */
typedef struct
{
  mongoc_client_t *client;
  const char *db_name;
  mongoc_client_session_t *session;
  gint64 deadline_us;   /* monotonic: the operations' maxTimeMS is what is left of it */
  bson_error_t *error;  /* where a failing command or body puts its error */
  bson_t *failed_reply; /* the reply of the failed command: its error labels drive the retry */
} SbMongoTxn;

/* Returns FALSE on failure, with t->error set. Must start from scratch on every call. */
typedef gboolean (*SbMongoTxnBody) (SbMongoTxn *t, gpointer data);

mongoc_collection_t *
sb_mongo_get_collection (mongoc_client_t *client, const char *db_name, const char *name);

/* The monotonic time by which a transaction started now must have committed. */
gint64 sb_mongo_txn_deadline (void);

/* Runs body in a transaction on conn's session, rerunning it on transient errors (counted in
 * conn->retries) until deadline_us. On failure *out_berror holds the final error. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_mongo_run_transaction (SbMongoConn *conn,
                                   gint64 deadline_us,
                                   SbMongoTxnBody body,
                                   gpointer data,
                                   bson_error_t *out_berror);

/* Counts one retry (thread-safe). */
void sb_mongo_conn_count_retry (SbMongoConn *conn, SbMongoRetryReason reason);

/* Sleeps before retry number attempt (1, 2, …): exponential backoff with jitter, capped, so that
 * processes that conflicted do not meet again at once. FALSE (without sleeping) when the deadline
 * would pass meanwhile. */
gboolean sb_mongo_backoff (guint attempt, gint64 deadline_us);

/* Appends copies of the matching documents to docs (bson_destroy as free func). extra_opts: e.g.
 * {sort: …, projection: …}. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_mongo_txn_find (SbMongoTxn *t,
                            const char *collection,
                            const bson_t *filter,
                            const bson_t *extra_opts,
                            GPtrArray *docs);
/* *out_doc = a copy of the first match, or NULL. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_mongo_txn_find_one (SbMongoTxn *t,
                                const char *collection,
                                const bson_t *filter,
                                bson_t **out_doc);
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_mongo_txn_insert (SbMongoTxn *t, const char *collection, GPtrArray *docs);
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_mongo_txn_insert_one (SbMongoTxn *t, const char *collection, bson_t *doc);
/* *out_matched (may be NULL): the number of documents the update matched. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_mongo_txn_update (SbMongoTxn *t,
                              const char *collection,
                              gboolean many,
                              const bson_t *filter,
                              const bson_t *update,
                              gint64 *out_matched);
/* One bulk write on collection: updates (filter, update pairs, each to match exactly one
 * document) then inserts: one command for all the updates and one for all the inserts.
 * *out_matched: the documents the updates matched. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_mongo_txn_bulk (SbMongoTxn *t,
                            const char *collection,
                            GPtrArray *update_pairs,
                            GPtrArray *inserts,
                            gint64 *out_matched);
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_mongo_txn_delete (SbMongoTxn *t, const char *collection, const bson_t *filter);

G_END_DECLS
