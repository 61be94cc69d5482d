/* sb-mongo-txn.c: the MongoDB store's transactions (sb-mongo-txn-private.h). */
#include "config.h"

#include "sb-mongo-bson-private.h"
#include "sb-mongo-txn-private.h"

mongoc_collection_t *
sb_mongo_get_collection (mongoc_client_t *client, const char *db_name, const char *name)
{
  return mongoc_client_get_collection (client, db_name, name);
}

static void
txn_fail (SbMongoTxn *t, const bson_t *reply)
{
  g_clear_pointer (&t->failed_reply, bson_destroy);
  if (reply != NULL)
    t->failed_reply = bson_copy (reply);
}

static gboolean
txn_opts (SbMongoTxn *t, bson_t *opts)
{
  return mongoc_client_session_append (t->session, opts, t->error);
}

gboolean
sb_mongo_txn_find (SbMongoTxn *t,
                   const char *collection,
                   const bson_t *filter,
                   const bson_t *extra_opts,
                   GPtrArray *docs)
{
  g_autoptr (mongoc_collection_t) coll
      = sb_mongo_get_collection (t->client, t->db_name, collection);
  g_auto (bson_t) opts = BSON_INITIALIZER;
  g_autoptr (mongoc_cursor_t) cursor = NULL;
  const bson_t *doc, *error_reply = NULL;

  if (extra_opts != NULL)
    bson_concat (&opts, extra_opts); /* sort, projection */
  if (!txn_opts (t, &opts))
    return FALSE;
  cursor = mongoc_collection_find_with_opts (coll, filter, &opts, NULL);
  while (mongoc_cursor_next (cursor, &doc))
    g_ptr_array_add (docs, bson_copy (doc));
  if (mongoc_cursor_error_document (cursor, t->error, &error_reply))
    {
      txn_fail (t, error_reply);
      return FALSE;
    }
  return TRUE;
}

gboolean
sb_mongo_txn_find_one (SbMongoTxn *t,
                       const char *collection,
                       const bson_t *filter,
                       bson_t **out_doc)
{
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);

  *out_doc = NULL;
  if (!sb_mongo_txn_find (t, collection, filter, NULL, docs))
    return FALSE;
  if (docs->len > 0)
    *out_doc = g_ptr_array_steal_index (docs, 0);
  return TRUE;
}

typedef enum
{
  TXN_INSERT,
  TXN_UPDATE_ONE,
  TXN_UPDATE_MANY,
  TXN_DELETE_MANY,
} TxnWrite;

/* One write inside the transaction. A failed write keeps its reply, whose error labels drive the
 * retry. docs: what TXN_INSERT inserts; filter and update: what the others match and change;
 * *out_matched (may be NULL): the number of documents an update matched. */
static gboolean
txn_write (SbMongoTxn *t,
           const char *collection,
           TxnWrite kind,
           GPtrArray *docs,
           const bson_t *filter,
           const bson_t *update,
           gint64 *out_matched)
{
  g_autoptr (mongoc_collection_t) coll
      = sb_mongo_get_collection (t->client, t->db_name, collection);
  g_auto (bson_t) opts = BSON_INITIALIZER;
  g_auto (bson_t) reply = BSON_INITIALIZER;
  gboolean ok = FALSE;

  if (!txn_opts (t, &opts))
    return FALSE;
  bson_destroy (&reply); /* the write initializes it */
  switch (kind)
    {
      case TXN_INSERT:
        ok = mongoc_collection_insert_many (coll, (const bson_t **) docs->pdata, docs->len, &opts,
                                            &reply, t->error);
        break;
      case TXN_UPDATE_ONE:
        ok = mongoc_collection_update_one (coll, filter, update, &opts, &reply, t->error);
        break;
      case TXN_UPDATE_MANY:
        ok = mongoc_collection_update_many (coll, filter, update, &opts, &reply, t->error);
        break;
      case TXN_DELETE_MANY:
        ok = mongoc_collection_delete_many (coll, filter, &opts, &reply, t->error);
        break;
    }
  if (!ok)
    txn_fail (t, &reply);
  else if (out_matched != NULL)
    *out_matched = sb_mongo_doc_get_int64 (&reply, "matchedCount", 0);
  return ok;
}

gboolean
sb_mongo_txn_insert (SbMongoTxn *t, const char *collection, GPtrArray *docs)
{
  return txn_write (t, collection, TXN_INSERT, docs, NULL, NULL, NULL);
}

gboolean
sb_mongo_txn_insert_one (SbMongoTxn *t, const char *collection, bson_t *doc)
{
  g_autoptr (GPtrArray) docs = g_ptr_array_new ();

  g_ptr_array_add (docs, doc);
  return sb_mongo_txn_insert (t, collection, docs);
}

gboolean
sb_mongo_txn_update (SbMongoTxn *t,
                     const char *collection,
                     gboolean many,
                     const bson_t *filter,
                     const bson_t *update,
                     gint64 *out_matched)
{
  return txn_write (t, collection, many ? TXN_UPDATE_MANY : TXN_UPDATE_ONE, NULL, filter, update,
                    out_matched);
}

gboolean
sb_mongo_txn_delete (SbMongoTxn *t, const char *collection, const bson_t *filter)
{
  return txn_write (t, collection, TXN_DELETE_MANY, NULL, filter, NULL, NULL);
}

typedef struct
{
  mongoc_client_t *client;
  const char *db_name;
  SbMongoTxnBody body;
  gpointer data;
} TxnCall;

static bool
txn_callback (mongoc_client_session_t *session, void *ctx, bson_t **reply, bson_error_t *error)
{
  TxnCall *call = ctx;
  SbMongoTxn t = { call->client, call->db_name, session, error, NULL };
  gboolean ok;

  ok = call->body (&t, call->data);
  /* with_transaction looks for TransientTransactionError in this reply: without it an
   * operation-level WriteConflict would not be retried. */
  if (!ok && t.failed_reply != NULL)
    *reply = g_steal_pointer (&t.failed_reply);
  g_clear_pointer (&t.failed_reply, bson_destroy);
  return ok;
}

gboolean
sb_mongo_run_transaction (mongoc_client_t *client,
                          const char *db_name,
                          SbMongoTxnBody body,
                          gpointer data,
                          bson_error_t *out_berror)
{
  g_autoptr (mongoc_client_session_t) session = NULL;
  g_autoptr (mongoc_transaction_opt_t) txn_opts = mongoc_transaction_opts_new ();
  g_autoptr (mongoc_read_concern_t) rc = mongoc_read_concern_new ();
  g_autoptr (mongoc_write_concern_t) wc = mongoc_write_concern_new ();
  g_autoptr (mongoc_read_prefs_t) prefs = mongoc_read_prefs_new (MONGOC_READ_PRIMARY);
  g_auto (bson_t) reply = BSON_INITIALIZER;
  TxnCall call = { client, db_name, body, data };
  gboolean ok;

  session = mongoc_client_start_session (client, NULL, out_berror);
  if (session == NULL)
    return FALSE;

  /* snapshot: every read of the transaction sees one point in time; majority: a committed change
   * survives a failover, so it may be announced to clients. */
  mongoc_read_concern_set_level (rc, MONGOC_READ_CONCERN_LEVEL_SNAPSHOT);
  mongoc_write_concern_set_w (wc, MONGOC_WRITE_CONCERN_W_MAJORITY);
  mongoc_transaction_opts_set_read_concern (txn_opts, rc);
  mongoc_transaction_opts_set_write_concern (txn_opts, wc);
  mongoc_transaction_opts_set_read_prefs (txn_opts, prefs);

  bson_destroy (&reply);
  ok = mongoc_client_session_with_transaction (session, txn_callback, txn_opts, &call, &reply,
                                               out_berror);
  return ok;
}
