/* sb-mongo-txn.c: the MongoDB store's transactions (sb-mongo-txn-private.h).
 *
 * The retry loop is this file's, not mongoc_client_session_with_transaction ()'s: that one reruns
 * a conflicting transaction at once, for up to 120 s, so that two processes behind one open
 * transaction (a killed server's) spun on WriteConflict until its lifetime limit. Here every rerun
 * waits a growing, jittered time first, is counted by reason, and the whole transaction stops at
 * its deadline. */
#include "config.h"

#include "sb-mongo-bson-private.h"
#include "sb-mongo-txn-private.h"

#define WRITE_CONFLICT 112
#define MAX_TIME_MS_EXPIRED 50
/* Backoff before retry n: between half and all of min (BACKOFF_MAX_US, BACKOFF_BASE_US × 2^(n-1)).
 */
#define BACKOFF_BASE_US 2000
#define BACKOFF_MAX_US 100000

static const char *const retry_reason_names[SB_MONGO_RETRY_N_REASONS] = {
  [SB_MONGO_RETRY_WRITE_CONFLICT] = "write_conflict",
  [SB_MONGO_RETRY_TRANSIENT] = "transient",
  [SB_MONGO_RETRY_COMMIT] = "unknown_commit_result",
  [SB_MONGO_RETRY_DUPLICATE_KEY] = "duplicate_key",
};

const char *
sb_mongo_retry_reason_to_string (SbMongoRetryReason reason)
{
  g_return_val_if_fail (reason < SB_MONGO_RETRY_N_REASONS, NULL);
  return retry_reason_names[reason];
}

void
sb_mongo_conn_count_retry (SbMongoConn *conn, SbMongoRetryReason reason)
{
  g_return_if_fail (reason < SB_MONGO_RETRY_N_REASONS);
  g_atomic_pointer_add (&conn->retries[reason], 1);
}

gint64
sb_mongo_txn_deadline (void)
{
  return g_get_monotonic_time () + (gint64) SB_MONGO_TXN_DEADLINE_MS * 1000;
}

gboolean
sb_mongo_backoff (guint attempt, gint64 deadline_us)
{
  gint64 cap = BACKOFF_MAX_US;
  gint64 sleep_us;

  if (attempt <= 10)
    cap = MIN (cap, (gint64) BACKOFF_BASE_US << (attempt > 0 ? attempt - 1 : 0));
  sleep_us = cap / 2 + g_random_int_range (0, (gint32) (cap / 2) + 1);
  if (g_get_monotonic_time () + sleep_us >= deadline_us)
    return FALSE;
  g_usleep (sleep_us);
  return TRUE;
}

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

/* The session, and what is left of the deadline as maxTimeMS: one slow operation cannot outlast
 * the transaction. */
static gboolean
txn_opts (SbMongoTxn *t, bson_t *opts)
{
  gint64 left_ms = (t->deadline_us - g_get_monotonic_time ()) / 1000;

  if (left_ms <= 0)
    {
      /* No error label: the transaction is not retried. */
      g_clear_pointer (&t->failed_reply, bson_destroy);
      bson_set_error (t->error, MONGOC_ERROR_TRANSACTION, MONGOC_ERROR_TRANSACTION_INVALID_STATE,
                      "the transaction ran out of time (%d ms)", SB_MONGO_TXN_DEADLINE_MS);
      return FALSE;
    }
  BSON_APPEND_INT64 (opts, "maxTimeMS", left_ms);
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_bulk_operation_t, mongoc_bulk_operation_destroy)

gboolean
sb_mongo_txn_bulk (SbMongoTxn *t,
                   const char *collection,
                   GPtrArray *update_pairs,
                   GPtrArray *inserts,
                   gint64 *out_matched)
{
  g_autoptr (mongoc_collection_t) coll
      = sb_mongo_get_collection (t->client, t->db_name, collection);
  g_autoptr (mongoc_bulk_operation_t) bulk = NULL;
  g_auto (bson_t) opts = BSON_INITIALIZER;
  g_auto (bson_t) reply = BSON_INITIALIZER;

  *out_matched = 0;
  /* A bulk write takes no maxTimeMS: the session alone (the commit keeps the deadline). */
  if (!mongoc_client_session_append (t->session, &opts, t->error))
    return FALSE;
  bulk = mongoc_collection_create_bulk_operation_with_opts (coll, &opts);
  for (guint i = 0; i + 1 < update_pairs->len; i += 2)
    if (!mongoc_bulk_operation_update_one_with_opts (bulk, g_ptr_array_index (update_pairs, i),
                                                     g_ptr_array_index (update_pairs, i + 1), NULL,
                                                     t->error))
      return FALSE;
  for (guint i = 0; i < inserts->len; i++)
    if (!mongoc_bulk_operation_insert_with_opts (bulk, g_ptr_array_index (inserts, i), NULL,
                                                 t->error))
      return FALSE;
  bson_destroy (&reply); /* execute initializes it */
  if (mongoc_bulk_operation_execute (bulk, &reply, t->error) == 0)
    {
      txn_fail (t, &reply);
      return FALSE;
    }
  *out_matched = sb_mongo_doc_get_int64 (&reply, "nMatched", 0);
  return TRUE;
}

/* The transaction options of an attempt: snapshot reads (every read of the transaction sees one
 * point in time), majority commit (a committed change survives a failover, so it may be announced
 * to clients), and the time left for the commit. */
static mongoc_transaction_opt_t *
attempt_opts (gint64 deadline_us)
{
  mongoc_transaction_opt_t *txn_opts = mongoc_transaction_opts_new ();
  g_autoptr (mongoc_read_concern_t) rc = mongoc_read_concern_new ();
  g_autoptr (mongoc_write_concern_t) wc = mongoc_write_concern_new ();
  g_autoptr (mongoc_read_prefs_t) prefs = mongoc_read_prefs_new (MONGOC_READ_PRIMARY);
  gint64 left_ms = (deadline_us - g_get_monotonic_time ()) / 1000;

  mongoc_read_concern_set_level (rc, MONGOC_READ_CONCERN_LEVEL_SNAPSHOT);
  mongoc_write_concern_set_w (wc, MONGOC_WRITE_CONCERN_W_MAJORITY);
  mongoc_transaction_opts_set_read_concern (txn_opts, rc);
  mongoc_transaction_opts_set_write_concern (txn_opts, wc);
  mongoc_transaction_opts_set_read_prefs (txn_opts, prefs);
  mongoc_transaction_opts_set_max_commit_time_ms (txn_opts, MAX (left_ms, 1));
  return txn_opts;
}

static gboolean
has_label (const bson_t *reply, const char *label)
{
  return reply != NULL && mongoc_error_has_label (reply, label);
}

static SbMongoRetryReason
transient_reason (const bson_error_t *berror)
{
  return berror->code == WRITE_CONFLICT ? SB_MONGO_RETRY_WRITE_CONFLICT : SB_MONGO_RETRY_TRANSIENT;
}

/* Commits, sending the commit again while its outcome is unknown. *out_transient: the commit
 * failed with TransientTransactionError (the whole transaction may run again). */
static gboolean
commit (SbMongoConn *conn, gint64 deadline_us, gboolean *out_transient, bson_error_t *out_berror)
{
  *out_transient = FALSE;
  for (guint attempt = 1;; attempt++)
    {
      g_auto (bson_t) reply = BSON_INITIALIZER;

      bson_destroy (&reply); /* commit initializes it */
      if (mongoc_client_session_commit_transaction (conn->session, &reply, out_berror))
        return TRUE;
      /* MaxTimeMSExpired: the deadline has passed, the outcome stays unknown. */
      if (has_label (&reply, "UnknownTransactionCommitResult")
          && out_berror->code != MAX_TIME_MS_EXPIRED && sb_mongo_backoff (attempt, deadline_us))
        {
          sb_mongo_conn_count_retry (conn, SB_MONGO_RETRY_COMMIT);
          continue;
        }
      *out_transient = has_label (&reply, "TransientTransactionError");
      return FALSE;
    }
}

gboolean
sb_mongo_run_transaction (SbMongoConn *conn,
                          gint64 deadline_us,
                          SbMongoTxnBody body,
                          gpointer data,
                          bson_error_t *out_berror)
{
  gint64 started = g_get_monotonic_time ();
  SbMongoRetryReason reason = SB_MONGO_RETRY_TRANSIENT;

  for (guint attempt = 0;; attempt++)
    {
      g_autoptr (mongoc_transaction_opt_t) txn_opts = NULL;
      SbMongoTxn t = { conn->client, conn->db_name, conn->session, deadline_us, out_berror, NULL };
      gboolean transient = FALSE;

      if (attempt > 0 && !sb_mongo_backoff (attempt, deadline_us))
        {
          char last[sizeof out_berror->message];

          g_strlcpy (last, out_berror->message, sizeof last);
          bson_set_error (out_berror, MONGOC_ERROR_TRANSACTION,
                          MONGOC_ERROR_TRANSACTION_INVALID_STATE,
                          "gave up after %u attempts in %" G_GINT64_FORMAT " ms: %s", attempt,
                          (g_get_monotonic_time () - started) / 1000, last);
          return FALSE;
        }
      if (attempt > 0)
        sb_mongo_conn_count_retry (conn, reason);

      txn_opts = attempt_opts (deadline_us);
      if (!mongoc_client_session_start_transaction (conn->session, txn_opts, out_berror))
        return FALSE;

      if (body (&t, data))
        {
          if (commit (conn, deadline_us, &transient, out_berror))
            return TRUE;
        }
      else
        {
          bson_error_t abort_error;

          transient = has_label (t.failed_reply, "TransientTransactionError");
          g_clear_pointer (&t.failed_reply, bson_destroy);
          /* The server may have ended it already (a write error ends a transaction); what the
           * abort says changes nothing. */
          if (mongoc_client_session_in_transaction (conn->session))
            (void) mongoc_client_session_abort_transaction (conn->session, &abort_error);
        }
      if (!transient)
        return FALSE;
      reason = transient_reason (out_berror);
    }
}
