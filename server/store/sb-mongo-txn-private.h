/* sb-mongo-txn-private.h: the MongoDB store's transactions. A body runs inside
 * mongoc_client_session_with_transaction (snapshot reads, majority commit) and is rerun from
 * scratch on transient errors; its reads and writes go through the session, and a failed
 * command's reply is handed back so that its error labels drive the retry. Private to
 * server/store/. */
#pragma once

#include <glib.h>
#include <mongoc/mongoc.h>

G_BEGIN_DECLS

/* One attempt of a transaction body. */
typedef struct
{
  mongoc_client_t *client;
  const char *db_name;
  mongoc_client_session_t *session;
  bson_error_t *error;  /* where a failing command or body puts its error */
  bson_t *failed_reply; /* the reply of the failed command: its error labels drive the retry */
} SbMongoTxn;

/* Returns FALSE on failure, with t->error set. Must start from scratch on every call. */
typedef gboolean (*SbMongoTxnBody) (SbMongoTxn *t, gpointer data);

mongoc_collection_t *
sb_mongo_get_collection (mongoc_client_t *client, const char *db_name, const char *name);

/* Runs body in a transaction, rerunning it on transient errors. On failure *out_berror holds the
 * final error. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_mongo_run_transaction (mongoc_client_t *client,
                                   const char *db_name,
                                   SbMongoTxnBody body,
                                   gpointer data,
                                   bson_error_t *out_berror);

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
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_mongo_txn_delete (SbMongoTxn *t, const char *collection, const bson_t *filter);

G_END_DECLS
