/* sb-mongo-store.c: the MongoDB store backend.
 *
 * Collections (database = the URI's path, default "seatbook"):
 *   events       {_id: event, name, venue_json, starts_at (ms), version, created_at}
 *   seat_states  {_id: {e: event, s: seat}, state: "held"|"booked"|"blocked", hold, booking}
 *                only seats that are not free have a document, so the unique _id makes a double
 *                hold or booking of a seat impossible even across processes.
 *   holds        {_id: hold, e: event, c: client, seats, expires_at (ms), created_at, ended_at,
 *                 status: "active"|"released"|"booked"|"expired"}
 *   bookings     {_id: booking reference, e, c, hold, seats, created_at}
 *   requests     {_id: {c: client, r: request}, outcome, created_at}   the idempotency records
 *   changes      {_id: {e, v}, change, committed_at}                    the change log
 *
 * Every apply() is one multi-document transaction (group commit: all ops of the batch, each with
 * its own outcome), run with mongoc_client_session_with_transaction so that transient errors
 * (WriteConflict between two processes, a primary stepping down, a dropped connection) rerun the
 * whole unit. Each change does $inc on the event's version inside the transaction: two writers of
 * one event therefore conflict and one of them is retried, which keeps versions gap-free and in
 * commit order. The idempotency record is written in the same transaction as the change.
 *
 * Threads: the store worker thread uses self->client; the change stream thread pops its own client
 * from the pool. Nothing here runs on the main loop. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <mongoc/mongoc.h>

#include "sb-mongo-store.h"
#include "sb-store-rules.h"
#include "sb-venue.h"

#define DEFAULT_DATABASE "seatbook"
#define DUPLICATE_KEY 11000
#define NAMESPACE_EXISTS 48
/* Idempotency records must live at least 24 h (docs/protocol.md); prune() normally removes them,
 * the TTL index is the backstop for a deployment where nobody prunes. */
#define REQUESTS_TTL_SECONDS (7 * 24 * 3600)
/* How long a change stream getMore waits on the server: bounds how long disposing the store waits
 * for the watch thread. */
#define WATCH_MAX_AWAIT_MS 500
/* A batch that hits duplicate keys over and over (a pathological race) gives up eventually. */
#define MAX_DUPLICATE_RETRIES 8
/* Keep at least this many versions of each event's change log, however old (as the SQLite store
 * does), so that a client that was away for a while can still catch up with a replay. */
#define KEEP_CHANGES_PER_EVENT 10000

G_DEFINE_AUTOPTR_CLEANUP_FUNC (bson_t, bson_destroy)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (bson_t, bson_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_collection_t, mongoc_collection_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_database_t, mongoc_database_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_cursor_t, mongoc_cursor_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_client_session_t, mongoc_client_session_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_change_stream_t, mongoc_change_stream_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_transaction_opt_t, mongoc_transaction_opts_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_read_concern_t, mongoc_read_concern_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_write_concern_t, mongoc_write_concern_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_read_prefs_t, mongoc_read_prefs_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_server_description_t, mongoc_server_description_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mongoc_uri_t, mongoc_uri_destroy)

struct _SbMongoStore
{
  GObject parent_instance;

  mongoc_uri_t *uri;
  mongoc_client_pool_t *pool;
  char *db_name;
  char *host; /* "host:port" of the first seed, for messages */
  /* event id → SbVenue, parsed once per event: events never change their venue. Store thread. */
  GHashTable *venues;

  /* The store worker's client (methods are called from one thread at a time). */
  mongoc_client_t *client;

  /* Change stream thread */
  GMutex watch_mutex;
  GCond watch_cond;
  GThread *watch_thread;
  gboolean watch_stop;
  int watch_started; /* 0 opening, 1 open, -1 failed: watch() waits for it to leave 0 */
  GError *watch_error;
  SbStoreChangeFunc watch_func;
  gpointer watch_data;
  bson_t *resume_token; /* the last token seen; resume from it after an error */
};

static void sb_mongo_store_iface_init (SbStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SbMongoStore,
                               sb_mongo_store,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SB_TYPE_STORE, sb_mongo_store_iface_init))

/* libmongoc logs through GLib, so its messages reach the journal with the server's. Its warnings
 * are about conditions the store handles (a dropped connection it retries), so they are messages
 * here: GLib test programs treat warnings as fatal. */
static void
mongoc_log_to_glib (mongoc_log_level_t level,
                    const char *log_domain,
                    const char *message,
                    void *user_data)
{
  GLogLevelFlags glib_level;

  switch (level)
    {
      case MONGOC_LOG_LEVEL_ERROR:
      case MONGOC_LOG_LEVEL_CRITICAL:
      case MONGOC_LOG_LEVEL_WARNING:
      case MONGOC_LOG_LEVEL_MESSAGE:
        glib_level = G_LOG_LEVEL_MESSAGE;
        break;
      case MONGOC_LOG_LEVEL_INFO:
        glib_level = G_LOG_LEVEL_INFO;
        break;
      case MONGOC_LOG_LEVEL_DEBUG:
      case MONGOC_LOG_LEVEL_TRACE:
      default:
        glib_level = G_LOG_LEVEL_DEBUG;
        break;
    }
  g_log_structured ("mongoc", glib_level, "MESSAGE", "%s: %s", log_domain, message);
}

/* mongoc_init must run once per process, before any other libmongoc call, and mongoc_cleanup
 * once at the end; several stores (tests) share it. */
static void
ensure_mongoc_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      mongoc_log_set_handler (mongoc_log_to_glib, NULL);
      mongoc_init ();
      atexit (mongoc_cleanup);
      g_once_init_leave (&initialized, 1);
    }
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static void
set_error_from_bson (GError **error, const bson_error_t *berror, const char *what)
{
  g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED, "MongoDB: %s: %s (%u.%u)", what,
               berror->message, berror->domain, berror->code);
}

static gboolean
is_duplicate_key (const bson_error_t *berror)
{
  return (berror->domain == MONGOC_ERROR_SERVER || berror->domain == MONGOC_ERROR_COLLECTION
          || berror->domain == MONGOC_ERROR_WRITE_CONCERN)
         && berror->code == DUPLICATE_KEY;
}

/* --- BSON helpers --- */

static const char *
doc_get_utf8 (const bson_t *doc, const char *dotkey)
{
  bson_iter_t iter;

  if (bson_iter_init (&iter, doc) && bson_iter_find_descendant (&iter, dotkey, &iter)
      && BSON_ITER_HOLDS_UTF8 (&iter))
    return bson_iter_utf8 (&iter, NULL);
  return NULL;
}

static gint64
doc_get_int64 (const bson_t *doc, const char *dotkey, gint64 fallback)
{
  bson_iter_t iter;

  if (bson_iter_init (&iter, doc) && bson_iter_find_descendant (&iter, dotkey, &iter))
    {
      if (BSON_ITER_HOLDS_INT64 (&iter) || BSON_ITER_HOLDS_INT32 (&iter)
          || BSON_ITER_HOLDS_DOUBLE (&iter))
        return bson_iter_as_int64 (&iter);
      if (BSON_ITER_HOLDS_DATE_TIME (&iter))
        return bson_iter_date_time (&iter);
    }
  return fallback;
}

/* NULL-terminated copy of an array of strings. */
static char **
doc_get_strv (const bson_t *doc, const char *dotkey)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  bson_iter_t iter, child;

  if (bson_iter_init (&iter, doc) && bson_iter_find_descendant (&iter, dotkey, &iter)
      && BSON_ITER_HOLDS_ARRAY (&iter) && bson_iter_recurse (&iter, &child))
    {
      while (bson_iter_next (&child))
        if (BSON_ITER_HOLDS_UTF8 (&child))
          g_strv_builder_add (builder, bson_iter_utf8 (&child, NULL));
    }
  return g_strv_builder_end (builder);
}

static void
append_strv (bson_t *doc, const char *key, const char *const *strv)
{
  bson_t array;
  char index_key[16];
  const char *index_str;

  bson_append_array_begin (doc, key, -1, &array);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    {
      bson_uint32_to_string (i, &index_str, index_key, sizeof index_key);
      bson_append_utf8 (&array, index_str, -1, strv[i], -1);
    }
  bson_append_array_end (doc, &array);
}

static void
append_utf8_or_null (bson_t *doc, const char *key, const char *value)
{
  if (value != NULL)
    BSON_APPEND_UTF8 (doc, key, value);
  else
    BSON_APPEND_NULL (doc, key);
}

/* A compound key {name1: value1, name2: value2}, as the _id of seat states and requests. */
static void
append_key_pair (bson_t *doc,
                 const char *key,
                 const char *name1,
                 const char *value1,
                 const char *name2,
                 const char *value2)
{
  bson_t child;

  bson_append_document_begin (doc, key, -1, &child);
  BSON_APPEND_UTF8 (&child, name1, value1);
  BSON_APPEND_UTF8 (&child, name2, value2);
  bson_append_document_end (doc, &child);
}

static void
append_seat_key (bson_t *doc, const char *key, const char *event_id, const char *seat_id)
{
  append_key_pair (doc, key, "e", event_id, "s", seat_id);
}

static void
append_request_key (bson_t *doc, const char *key, const char *client_id, const char *request_id)
{
  append_key_pair (doc, key, "c", client_id, "r", request_id);
}

/* A seat_states document. */
static bson_t *
seat_doc (const char *event_id,
          const char *seat_id,
          SbSeatState state,
          const char *hold_id,
          const char *booking_id)
{
  bson_t *doc = bson_new ();

  append_seat_key (doc, "_id", event_id, seat_id);
  BSON_APPEND_UTF8 (doc, "state", sb_seat_state_to_string (state));
  append_utf8_or_null (doc, "hold", hold_id);
  append_utf8_or_null (doc, "booking", booking_id);
  return doc;
}

static mongoc_collection_t *
get_collection (SbMongoStore *self, mongoc_client_t *client, const char *name)
{
  return mongoc_client_get_collection (client, self->db_name, name);
}

/* --- Transactions --- */

/* The state of one attempt of a transaction callback. */
typedef struct
{
  SbMongoStore *self;
  mongoc_client_session_t *session;
  bson_error_t *error;
  bson_t *failed_reply; /* the reply of the failed command: its error labels drive the retry */
} Txn;

static void
txn_fail (Txn *t, const bson_t *reply)
{
  g_clear_pointer (&t->failed_reply, bson_destroy);
  if (reply != NULL)
    t->failed_reply = bson_copy (reply);
}

static gboolean
txn_opts (Txn *t, bson_t *opts)
{
  return mongoc_client_session_append (t->session, opts, t->error);
}

/* Appends copies of the matching documents to docs (bson_destroy as free func). extra_opts: e.g.
 * {sort: …, projection: …}. */
static gboolean
txn_find (
    Txn *t, const char *collection, const bson_t *filter, const bson_t *extra_opts, GPtrArray *docs)
{
  g_autoptr (mongoc_collection_t) coll = get_collection (t->self, t->self->client, collection);
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

/* *out_doc = a copy of the first match, or NULL. */
static gboolean
txn_find_one (Txn *t, const char *collection, const bson_t *filter, bson_t **out_doc)
{
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);

  *out_doc = NULL;
  if (!txn_find (t, collection, filter, NULL, docs))
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
txn_write (Txn *t,
           const char *collection,
           TxnWrite kind,
           GPtrArray *docs,
           const bson_t *filter,
           const bson_t *update,
           gint64 *out_matched)
{
  g_autoptr (mongoc_collection_t) coll = get_collection (t->self, t->self->client, collection);
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
    *out_matched = doc_get_int64 (&reply, "matchedCount", 0);
  return ok;
}

static gboolean
txn_insert (Txn *t, const char *collection, GPtrArray *docs)
{
  return txn_write (t, collection, TXN_INSERT, docs, NULL, NULL, NULL);
}

static gboolean
txn_insert_one (Txn *t, const char *collection, bson_t *doc)
{
  g_autoptr (GPtrArray) docs = g_ptr_array_new ();

  g_ptr_array_add (docs, doc);
  return txn_insert (t, collection, docs);
}

static gboolean
txn_update (Txn *t,
            const char *collection,
            gboolean many,
            const bson_t *filter,
            const bson_t *update,
            gint64 *out_matched)
{
  return txn_write (t, collection, many ? TXN_UPDATE_MANY : TXN_UPDATE_ONE, NULL, filter, update,
                    out_matched);
}

static gboolean
txn_delete (Txn *t, const char *collection, const bson_t *filter)
{
  return txn_write (t, collection, TXN_DELETE_MANY, NULL, filter, NULL, NULL);
}

typedef gboolean (*TxnBody) (Txn *t, gpointer data);

typedef struct
{
  SbMongoStore *self;
  TxnBody body;
  gpointer data;
} TxnCall;

static bool
txn_callback (mongoc_client_session_t *session, void *ctx, bson_t **reply, bson_error_t *error)
{
  TxnCall *call = ctx;
  Txn t = { call->self, session, error, NULL };
  gboolean ok;

  ok = call->body (&t, call->data);
  /* with_transaction looks for TransientTransactionError in this reply: without it an
   * operation-level WriteConflict would not be retried. */
  if (!ok && t.failed_reply != NULL)
    *reply = g_steal_pointer (&t.failed_reply);
  g_clear_pointer (&t.failed_reply, bson_destroy);
  return ok;
}

/* Runs body in a transaction (snapshot reads, majority commit), rerunning it on transient errors.
 * The body must start from scratch on every call. On failure *out_berror holds the final error. */
static gboolean
run_transaction (SbMongoStore *self, TxnBody body, gpointer data, bson_error_t *out_berror)
{
  g_autoptr (mongoc_client_session_t) session = NULL;
  g_autoptr (mongoc_transaction_opt_t) txn_opts = mongoc_transaction_opts_new ();
  g_autoptr (mongoc_read_concern_t) rc = mongoc_read_concern_new ();
  g_autoptr (mongoc_write_concern_t) wc = mongoc_write_concern_new ();
  g_autoptr (mongoc_read_prefs_t) prefs = mongoc_read_prefs_new (MONGOC_READ_PRIMARY);
  g_auto (bson_t) reply = BSON_INITIALIZER;
  TxnCall call = { self, body, data };
  gboolean ok;

  session = mongoc_client_start_session (self->client, NULL, out_berror);
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

/* --- Open --- */

static gboolean
check_deployment (SbMongoStore *self, GError **error)
{
  g_autoptr (mongoc_server_description_t) sd = NULL;
  const bson_t *hello;
  const char *msg;
  bson_error_t berror;
  gint64 max_wire;
  gboolean sharded;

  /* Selecting a server for writes runs the handshake; its hello reply says what the deployment
   * is, without an extra command. */
  sd = mongoc_client_select_server (self->client, TRUE, NULL, &berror);
  if (sd == NULL)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED, "Cannot reach MongoDB at %s: %s",
                   self->host, berror.message);
      return FALSE;
    }

  hello = mongoc_server_description_hello_response (sd);
  msg = doc_get_utf8 (hello, "msg");
  sharded = msg != NULL && g_str_equal (msg, "isdbgrid");
  if (!sharded && !bson_has_field (hello, "setName"))
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_UNSUPPORTED,
                   "MongoDB at %s is a standalone server; Seatbook needs transactions: start it as "
                   "a replica set (mongod --replSet rs0, then rs.initiate()) — see "
                   "docs/operations.md",
                   self->host);
      return FALSE;
    }

  /* Transactions need MongoDB 4.0 on a replica set (wire version 7), 4.2 on a sharded cluster
   * (8). */
  max_wire = doc_get_int64 (hello, "maxWireVersion", 0);
  if (max_wire < (sharded ? 8 : 7))
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_UNSUPPORTED,
                   "MongoDB at %s is too old for transactions (wire version %" G_GINT64_FORMAT
                   "); Seatbook needs MongoDB 4.0 or later (4.2 for a sharded cluster) — see "
                   "docs/operations.md",
                   self->host, max_wire);
      return FALSE;
    }
  return TRUE;
}

static gboolean
create_indexes (SbMongoStore *self, const char *collection, bson_t *indexes, GError **error)
{
  g_autoptr (mongoc_database_t) db = mongoc_client_get_database (self->client, self->db_name);
  g_auto (bson_t) command = BSON_INITIALIZER;
  g_auto (bson_t) reply = BSON_INITIALIZER;
  bson_error_t berror;

  BSON_APPEND_UTF8 (&command, "createIndexes", collection);
  BSON_APPEND_ARRAY (&command, "indexes", indexes);
  bson_destroy (&reply);
  if (!mongoc_database_write_command_with_opts (db, &command, NULL, &reply, &berror))
    {
      g_autofree char *what = g_strdup_printf ("creating the indexes of %s", collection);
      set_error_from_bson (error, &berror, what);
      return FALSE;
    }
  return TRUE;
}

/* Transactions cannot create collections before MongoDB 4.4, so every collection is created up
 * front; "already exists" is the normal case. */
static gboolean
ensure_collections (SbMongoStore *self, GError **error)
{
  static const char *const names[]
      = { "events", "seat_states", "holds", "bookings", "requests", "changes" };
  g_autoptr (mongoc_database_t) db = mongoc_client_get_database (self->client, self->db_name);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (bson_t) command = BCON_NEW ("create", BCON_UTF8 (names[i]));
      g_auto (bson_t) reply = BSON_INITIALIZER;
      bson_error_t berror;

      bson_destroy (&reply);
      if (!mongoc_database_write_command_with_opts (db, command, NULL, &reply, &berror)
          && !(berror.domain == MONGOC_ERROR_SERVER && berror.code == NAMESPACE_EXISTS))
        {
          g_autofree char *what = g_strdup_printf ("creating the collection %s", names[i]);
          set_error_from_bson (error, &berror, what);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
ensure_indexes (SbMongoStore *self, GError **error)
{
  /* createIndexes is idempotent: every process runs it at start. The collections themselves are
   * created by it (or by their first insert). */
  g_autoptr (bson_t) seat_states = BCON_NEW (
      "0", "{", "key", "{", "_id.e", BCON_INT32 (1), "_id.s", BCON_INT32 (1), "}", "name",
      "event_seat", "}", "1", "{", "key", "{", "hold", BCON_INT32 (1), "}", "name", "hold", "}");
  g_autoptr (bson_t) holds
      = BCON_NEW ("0", "{", "key", "{", "e", BCON_INT32 (1), "status", BCON_INT32 (1), "expires_at",
                  BCON_INT32 (1), "}", "name", "event_status_expiry", "}");
  g_autoptr (bson_t) bookings
      = BCON_NEW ("0", "{", "key", "{", "e", BCON_INT32 (1), "}", "name", "event", "}");
  g_autoptr (bson_t) changes
      = BCON_NEW ("0", "{", "key", "{", "_id.e", BCON_INT32 (1), "_id.v", BCON_INT32 (1), "}",
                  "name", "event_version", "}", "1", "{", "key", "{", "committed_at",
                  BCON_INT32 (1), "}", "name", "committed_at", "}");
  g_autoptr (bson_t) requests
      = BCON_NEW ("0", "{", "key", "{", "created_at", BCON_INT32 (1), "}", "name", "created_at_ttl",
                  "expireAfterSeconds", BCON_INT32 (REQUESTS_TTL_SECONDS), "}");

  return create_indexes (self, "seat_states", seat_states, error)
         && create_indexes (self, "holds", holds, error)
         && create_indexes (self, "bookings", bookings, error)
         && create_indexes (self, "changes", changes, error)
         && create_indexes (self, "requests", requests, error);
}

SbStore *
sb_mongo_store_new (const char *uri, GError **error)
{
  g_autoptr (SbMongoStore) self = NULL;
  const mongoc_host_list_t *hosts;
  const char *db;
  bson_error_t berror;

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_mongoc_init ();

  self = g_object_new (SB_TYPE_MONGO_STORE, NULL);
  self->uri = mongoc_uri_new_with_error (uri, &berror);
  if (self->uri == NULL)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_INVALID_URI, "Invalid MongoDB URI: %s",
                   berror.message);
      return NULL;
    }
  db = mongoc_uri_get_database (self->uri);
  self->db_name = g_strdup (db != NULL && *db != '\0' ? db : DEFAULT_DATABASE);
  hosts = mongoc_uri_get_hosts (self->uri);
  self->host = g_strdup (hosts != NULL ? hosts->host_and_port : uri);

  self->pool = mongoc_client_pool_new_with_error (self->uri, &berror);
  if (self->pool == NULL)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_INVALID_URI, "MongoDB URI %s: %s", uri,
                   berror.message);
      return NULL;
    }
  /* Error API 2: server errors come back as MONGOC_ERROR_SERVER with the server's code, so a
   * duplicate key is recognisable. */
  mongoc_client_pool_set_error_api (self->pool, MONGOC_ERROR_API_VERSION_2);
  mongoc_client_pool_set_appname (self->pool, "seatbook-server");
  self->client = mongoc_client_pool_pop (self->pool);

  if (!check_deployment (self, error) || !ensure_collections (self, error)
      || !ensure_indexes (self, error))
    return NULL;

  return SB_STORE (g_steal_pointer (&self));
}

/* --- Events and venues --- */

static gboolean
set_venue_error (Txn *t, const char *event_id, const GError *venue_error)
{
  bson_set_error (t->error, MONGOC_ERROR_BSON, MONGOC_ERROR_BSON_INVALID,
                  "the venue of event %s is unreadable: %s", event_id, venue_error->message);
  return FALSE;
}

/* The venue of an existing event, parsed once and cached: events never change their venue. */
static gboolean
event_venue (Txn *t, const char *event_id, SbVenue **out_venue)
{
  SbMongoStore *self = t->self;
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (event_id));
  g_autoptr (bson_t) opts = BCON_NEW ("projection", "{", "venue_json", BCON_INT32 (1), "}");
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_autoptr (GError) local_error = NULL;
  const char *json;
  SbVenue *venue;

  *out_venue = g_hash_table_lookup (self->venues, event_id);
  if (*out_venue != NULL)
    return TRUE;

  if (!txn_find (t, "events", filter, opts, docs))
    return FALSE;
  json = docs->len > 0 ? doc_get_utf8 (g_ptr_array_index (docs, 0), "venue_json") : NULL;
  if (json == NULL)
    {
      bson_set_error (t->error, MONGOC_ERROR_BSON, MONGOC_ERROR_BSON_INVALID,
                      "event %s has no venue", event_id);
      return FALSE;
    }
  venue = sb_store_rules_parse_venue (event_id, json, -1, &local_error);
  if (venue == NULL)
    return set_venue_error (t, event_id, local_error);
  g_hash_table_insert (self->venues, g_strdup (event_id), venue);
  *out_venue = venue;
  return TRUE;
}

typedef struct
{
  const char *event_id;
  const char *name;
  const char *venue_json;
  gint64 starts_at_ms;
  SbVenue *venue;
  gboolean exists;
} CreateEventData;

static gboolean
create_event_body (Txn *t, gpointer data)
{
  CreateEventData *d = data;
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (d->event_id));
  g_autoptr (bson_t) opts = BCON_NEW ("projection", "{", "_id", BCON_INT32 (1), "}");
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_autoptr (GPtrArray) blocked = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_auto (bson_t) event = BSON_INITIALIZER;

  d->exists = FALSE;
  if (!txn_find (t, "events", filter, opts, found))
    return FALSE;
  if (found->len > 0)
    {
      d->exists = TRUE;
      return TRUE;
    }

  BSON_APPEND_UTF8 (&event, "_id", d->event_id);
  BSON_APPEND_UTF8 (&event, "name", d->name);
  BSON_APPEND_UTF8 (&event, "venue_json", d->venue_json);
  BSON_APPEND_INT64 (&event, "starts_at", d->starts_at_ms);
  BSON_APPEND_INT64 (&event, "version", 0);
  BSON_APPEND_DATE_TIME (&event, "created_at", now_ms ());
  if (!txn_insert_one (t, "events", &event))
    return FALSE;

  /* Blocked seats get their document now, so the unique _id itself keeps them from being held or
   * booked. */
  for (guint i = 0; i < sb_venue_get_n_seats (d->venue); i++)
    {
      const SbSeat *seat = sb_venue_get_seat (d->venue, i);

      if (seat->blocked)
        g_ptr_array_add (blocked, seat_doc (d->event_id, seat->id, SB_SEAT_BLOCKED, NULL, NULL));
    }
  return blocked->len == 0 || txn_insert (t, "seat_states", blocked);
}

static gboolean
sb_mongo_store_create_event (SbStore *store,
                             const char *event_id,
                             const char *name,
                             const char *venue_json,
                             gint64 starts_at_ms,
                             GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  g_autoptr (SbVenue) venue = NULL;
  CreateEventData data = { event_id, name, venue_json, starts_at_ms, NULL, FALSE };
  bson_error_t berror;

  venue = sb_store_rules_parse_venue (event_id, venue_json, -1, error);
  if (venue == NULL)
    return FALSE;
  data.venue = venue;

  if (!run_transaction (self, create_event_body, &data, &berror))
    {
      /* Another process created it between our check and our insert. */
      if (is_duplicate_key (&berror) && strstr (berror.message, ".events") != NULL)
        data.exists = TRUE;
      else
        {
          set_error_from_bson (error, &berror, "creating an event");
          return FALSE;
        }
    }
  if (data.exists)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS, "An event “%s” exists already",
                   event_id);
      return FALSE;
    }
  g_hash_table_insert (self->venues, g_strdup (event_id), g_steal_pointer (&venue));
  return TRUE;
}

static SbEventRecord *
event_record_from_doc (const bson_t *doc)
{
  SbEventRecord *record = g_new0 (SbEventRecord, 1);

  record->event_id = g_strdup (doc_get_utf8 (doc, "_id"));
  record->name = g_strdup (doc_get_utf8 (doc, "name"));
  record->venue_json = g_strdup (doc_get_utf8 (doc, "venue_json"));
  record->starts_at_ms = doc_get_int64 (doc, "starts_at", 0);
  record->version = doc_get_int64 (doc, "version", 0);
  return record;
}

static GPtrArray *
sb_mongo_store_list_events (SbStore *store, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  g_autoptr (mongoc_collection_t) coll = get_collection (self, self->client, "events");
  g_autoptr (bson_t) opts = BCON_NEW ("sort", "{", "_id", BCON_INT32 (1), "}");
  g_autoptr (GPtrArray) events
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_event_record_free);
  g_auto (bson_t) filter = BSON_INITIALIZER;
  g_autoptr (mongoc_cursor_t) cursor = NULL;
  const bson_t *doc;
  bson_error_t berror;

  cursor = mongoc_collection_find_with_opts (coll, &filter, opts, NULL);
  while (mongoc_cursor_next (cursor, &doc))
    g_ptr_array_add (events, event_record_from_doc (doc));
  if (mongoc_cursor_error (cursor, &berror))
    {
      set_error_from_bson (error, &berror, "listing events");
      return NULL;
    }
  return g_steal_pointer (&events);
}

/* The seats of a hold, sorted by seat id (as every backend reports them). */
static char **
hold_doc_seats (const bson_t *hold)
{
  char **seats = doc_get_strv (hold, "seats");

  qsort (seats, g_strv_length (seats), sizeof (char *), compare_strings);
  return seats;
}

typedef struct
{
  const char *event_id;
  gboolean found;
  SbEventState *state;
} LoadEventData;

static gboolean
load_event_body (Txn *t, gpointer data)
{
  LoadEventData *d = data;
  g_autoptr (bson_t) event_filter = BCON_NEW ("_id", BCON_UTF8 (d->event_id));
  g_autoptr (bson_t) event_opts = BCON_NEW ("projection", "{", "version", BCON_INT32 (1), "}");
  g_autoptr (bson_t) seats_filter = BCON_NEW ("_id.e", BCON_UTF8 (d->event_id));
  g_autoptr (bson_t) seats_opts = BCON_NEW ("sort", "{", "_id.s", BCON_INT32 (1), "}");
  g_autoptr (bson_t) holds_filter
      = BCON_NEW ("e", BCON_UTF8 (d->event_id), "status", BCON_UTF8 ("active"));
  g_autoptr (bson_t) holds_opts = BCON_NEW ("sort", "{", "_id", BCON_INT32 (1), "}");
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_autoptr (GPtrArray) seats = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_autoptr (GPtrArray) holds = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);

  g_clear_pointer (&d->state, sb_event_state_free);
  d->found = FALSE;
  if (!txn_find (t, "events", event_filter, event_opts, events))
    return FALSE;
  if (events->len == 0)
    return TRUE;
  if (!txn_find (t, "seat_states", seats_filter, seats_opts, seats)
      || !txn_find (t, "holds", holds_filter, holds_opts, holds))
    return FALSE;

  d->found = TRUE;
  d->state = sb_store_rules_new_event_state (
      doc_get_int64 (g_ptr_array_index (events, 0), "version", 0));
  for (guint i = 0; i < seats->len; i++)
    {
      const bson_t *doc = g_ptr_array_index (seats, i);
      const char *state = doc_get_utf8 (doc, "state");
      SbSeatState seat_state;

      if (state == NULL || !sb_seat_state_from_string (state, &seat_state))
        seat_state = SB_SEAT_FREE;
      g_ptr_array_add (d->state->seats, sb_seat_change_new (doc_get_utf8 (doc, "_id.s"), seat_state,
                                                            doc_get_utf8 (doc, "hold")));
    }
  for (guint i = 0; i < holds->len; i++)
    {
      const bson_t *doc = g_ptr_array_index (holds, i);
      g_auto (GStrv) hold_seats = hold_doc_seats (doc);

      g_ptr_array_add (d->state->holds, sb_hold_record_new (doc_get_utf8 (doc, "_id"), d->event_id,
                                                            doc_get_utf8 (doc, "c"),
                                                            (const char *const *) hold_seats,
                                                            doc_get_int64 (doc, "expires_at", 0)));
    }
  return TRUE;
}

static SbEventState *
sb_mongo_store_load_event (SbStore *store, const char *event_id, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  LoadEventData data = { event_id, FALSE, NULL };
  bson_error_t berror;

  /* A transaction, so that the version, seats and holds are one snapshot. */
  if (!run_transaction (self, load_event_body, &data, &berror))
    {
      g_clear_pointer (&data.state, sb_event_state_free);
      set_error_from_bson (error, &berror, "loading an event");
      return NULL;
    }
  if (!data.found)
    {
      sb_store_rules_set_event_not_found (error, event_id);
      return NULL;
    }
  return data.state;
}

/* --- apply --- */

typedef struct
{
  GPtrArray *ops;
  gboolean *had_event;  /* op i came with an event id (check_hold may fill it in) */
  GHashTable *versions; /* event id → gint64 *: the version as this attempt left it */
  guint current;        /* the op being run */
  GHashTable
      *forced_unavailable; /* GUINT_TO_POINTER (index + 1) of ops that hit a duplicate seat */
  Txn *txn;                /* the attempt being run */
} ApplyData;

/* Each op_* is an SbStoreOpFunc (its GError is unused: failures go to the transaction's
 * bson_error_t, which drives the retry). Like check_*, it returns FALSE only for a backend failure
 * (the attempt is abandoned); a refused op gets its error through sb_op_set_error () and returns
 * TRUE, having written nothing. The checks and outcomes are sb-store-rules.c's; what is here reads
 * and writes the collections. */

/* The event's version within this attempt; *out_found = FALSE when there is no such event. */
static gboolean
event_version (Txn *t, ApplyData *d, const char *event_id, gboolean *out_found, gint64 *out_version)
{
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (event_id));
  g_autoptr (bson_t) opts = BCON_NEW ("projection", "{", "version", BCON_INT32 (1), "}");
  g_autoptr (GPtrArray) docs = NULL;
  gint64 *version = g_hash_table_lookup (d->versions, event_id);

  *out_found = FALSE;
  *out_version = 0;
  if (version == NULL)
    {
      docs = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
      if (!txn_find (t, "events", filter, opts, docs))
        return FALSE;
      if (docs->len == 0)
        return TRUE;
      version = g_new (gint64, 1);
      *version = doc_get_int64 (g_ptr_array_index (docs, 0), "version", 0);
      g_hash_table_insert (d->versions, g_strdup (event_id), version);
    }
  *out_found = TRUE;
  *out_version = *version;
  return TRUE;
}

static gboolean
check_event (Txn *t, ApplyData *d, SbOp *op, gint64 *out_version, gboolean *out_ok)
{
  gboolean found;

  *out_ok = FALSE;
  if (!sb_store_rules_require_event (op))
    return TRUE;
  if (!event_version (t, d, op->event_id, &found, out_version))
    return FALSE;
  *out_ok = sb_store_rules_check_event_found (op, found);
  return TRUE;
}

/* The seats named by a hold or book-by-seats op: present, distinct, in the venue. */
static gboolean
check_seat_list (Txn *t, SbOp *op, gboolean *out_ok)
{
  SbVenue *venue;

  *out_ok = FALSE;
  if (!sb_store_rules_require_seats (op))
    return TRUE;
  if (!event_venue (t, op->event_id, &venue))
    return FALSE;
  *out_ok = sb_store_rules_check_seats_in_venue (op, venue);
  return TRUE;
}

static gboolean
find_hold (Txn *t, const char *hold_id, bson_t **out_hold)
{
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (hold_id));

  return txn_find_one (t, "holds", filter, out_hold);
}

/* The checks shared by extend, release and book by hold (sb_store_rules_check_hold ()), on the
 * hold's document; then the version of the hold's event. */
static gboolean
check_hold (Txn *t,
            ApplyData *d,
            SbOp *op,
            gint64 now,
            bson_t **out_hold,
            gint64 *out_version,
            gboolean *out_ok)
{
  g_autoptr (bson_t) hold = NULL;
  SbStoredHold stored = { 0 };
  gboolean found;

  *out_ok = FALSE;
  if (!sb_store_rules_require_hold (op))
    return TRUE;
  if (!find_hold (t, op->hold_id, &hold))
    return FALSE;
  if (hold != NULL)
    {
      stored.event_id = doc_get_utf8 (hold, "e");
      stored.client_id = doc_get_utf8 (hold, "c");
      stored.status = doc_get_utf8 (hold, "status");
      stored.expires_at_ms = doc_get_int64 (hold, "expires_at", 0);
      if (stored.event_id == NULL || stored.status == NULL)
        {
          bson_set_error (t->error, MONGOC_ERROR_BSON, MONGOC_ERROR_BSON_INVALID,
                          "hold %s is damaged (no event or status)", op->hold_id);
          return FALSE;
        }
    }
  if (!sb_store_rules_check_hold (op, hold != NULL ? &stored : NULL, now))
    return TRUE;
  if (!event_version (t, d, stored.event_id, &found, out_version))
    return FALSE;
  if (!found)
    {
      bson_set_error (t->error, MONGOC_ERROR_BSON, MONGOC_ERROR_BSON_INVALID,
                      "hold %s names a missing event %s", op->hold_id, stored.event_id);
      return FALSE;
    }
  *out_hold = g_steal_pointer (&hold);
  *out_ok = TRUE;
  return TRUE;
}

/* seat id → copy of its seat_states document, for the seats that are not free. */
static gboolean
find_seat_states (Txn *t, const char *event_id, const char *const *seat_ids, GHashTable *out)
{
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_auto (bson_t) filter = BSON_INITIALIZER;
  bson_t id, in;
  char index_key[16];
  const char *index_str;

  bson_append_document_begin (&filter, "_id", -1, &id);
  bson_append_array_begin (&id, "$in", -1, &in);
  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      bson_uint32_to_string (i, &index_str, index_key, sizeof index_key);
      append_seat_key (&in, index_str, event_id, seat_ids[i]);
    }
  bson_append_array_end (&id, &in);
  bson_append_document_end (&filter, &id);

  if (!txn_find (t, "seat_states", &filter, NULL, docs))
    return FALSE;
  for (guint i = 0; i < docs->len; i++)
    {
      const char *seat = doc_get_utf8 (g_ptr_array_index (docs, i), "_id.s");

      if (seat != NULL)
        g_hash_table_insert (out, g_strdup (seat), bson_copy (g_ptr_array_index (docs, i)));
    }
  return TRUE;
}

/* An earlier attempt of this batch failed on a duplicate seat key at this op, yet the seats read
 * as free now: another process took them and let them go in between. Report them unavailable, as
 * the database refused them, rather than loop. */
static gboolean
forced_unavailable (ApplyData *d, SbOp *op, char **seats)
{
  if (!g_hash_table_contains (d->forced_unavailable, GUINT_TO_POINTER (d->current + 1)))
    {
      g_strfreev (seats);
      return FALSE;
    }
  sb_store_rules_refuse_seats (op, seats);
  return TRUE;
}

static gboolean
end_hold (Txn *t, const char *hold_id, const char *status)
{
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (hold_id), "status", BCON_UTF8 ("active"));
  g_autoptr (bson_t) update = BCON_NEW ("$set", "{", "status", BCON_UTF8 (status), "ended_at",
                                        BCON_DATE_TIME (now_ms ()), "}");

  return txn_update (t, "holds", FALSE, filter, update, NULL);
}

static gboolean
op_hold (gpointer backend, SbOp *op, gint64 now, G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  Txn *t = d->txn;
  g_autoptr (GHashTable) taken
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) bson_destroy);
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_autoptr (GStrvBuilder) conflicts = g_strv_builder_new ();
  g_autofree char *hold_id = NULL;
  g_auto (bson_t) hold_doc = BSON_INITIALIZER;
  gint64 version, expires_at;
  gboolean ok;

  if (!check_event (t, d, op, &version, &ok))
    return FALSE;
  if (!ok)
    return TRUE;
  if (!check_seat_list (t, op, &ok))
    return FALSE;
  if (!ok || !sb_store_rules_check_ttl (op))
    return TRUE;

  if (!find_seat_states (t, op->event_id, (const char *const *) op->seat_ids, taken))
    return FALSE;
  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    if (g_hash_table_contains (taken, op->seat_ids[i]))
      g_strv_builder_add (conflicts, op->seat_ids[i]);
  if (sb_store_rules_refuse_conflicts (op, conflicts))
    return TRUE;
  if (forced_unavailable (d, op, g_strdupv (op->seat_ids)))
    return TRUE;

  expires_at = now + op->ttl_ms;
  hold_id = sb_new_hold_id ();
  BSON_APPEND_UTF8 (&hold_doc, "_id", hold_id);
  BSON_APPEND_UTF8 (&hold_doc, "e", op->event_id);
  BSON_APPEND_UTF8 (&hold_doc, "c", op->client_id);
  append_strv (&hold_doc, "seats", (const char *const *) op->seat_ids);
  BSON_APPEND_INT64 (&hold_doc, "expires_at", expires_at);
  BSON_APPEND_UTF8 (&hold_doc, "status", "active");
  BSON_APPEND_DATE_TIME (&hold_doc, "created_at", now_ms ());
  BSON_APPEND_NULL (&hold_doc, "ended_at");
  if (!txn_insert_one (t, "holds", &hold_doc))
    return FALSE;

  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    g_ptr_array_add (docs, seat_doc (op->event_id, op->seat_ids[i], SB_SEAT_HELD, hold_id, NULL));
  /* The unique _id of seat_states is what makes a double hold impossible. */
  if (!txn_insert (t, "seat_states", docs))
    return FALSE;

  sb_store_rules_held (op, version, g_steal_pointer (&hold_id), expires_at);
  return TRUE;
}

static gboolean
op_extend (gpointer backend, SbOp *op, gint64 now, G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  Txn *t = d->txn;
  g_autoptr (bson_t) hold = NULL;
  g_autoptr (bson_t) filter = NULL;
  g_autoptr (bson_t) update = NULL;
  gint64 version, expires_at;
  gboolean ok;

  if (!check_hold (t, d, op, now, &hold, &version, &ok))
    return FALSE;
  if (!ok || !sb_store_rules_check_ttl (op))
    return TRUE;

  expires_at = now + op->ttl_ms;
  filter = BCON_NEW ("_id", BCON_UTF8 (op->hold_id), "status", BCON_UTF8 ("active"));
  update = BCON_NEW ("$set", "{", "expires_at", BCON_INT64 (expires_at), "}");
  if (!txn_update (t, "holds", FALSE, filter, update, NULL))
    return FALSE;

  sb_store_rules_extended (op, version, hold_doc_seats (hold), expires_at);
  return TRUE;
}

/* Ends a hold (release, expire): its seats become free. Appends to change and freed. */
static gboolean
free_hold (Txn *t,
           const char *event_id,
           const bson_t *hold,
           const char *status,
           SbChange *change,
           GStrvBuilder *freed)
{
  const char *hold_id = doc_get_utf8 (hold, "_id");
  g_auto (GStrv) seats = hold_doc_seats (hold);
  g_autoptr (bson_t) filter = BCON_NEW ("_id.e", BCON_UTF8 (event_id), "hold", BCON_UTF8 (hold_id),
                                        "state", BCON_UTF8 ("held"));

  if (!txn_delete (t, "seat_states", filter) || !end_hold (t, hold_id, status))
    return FALSE;
  sb_store_rules_hold_freed (change, (const char *const *) seats, freed);
  return TRUE;
}

static gboolean
op_release (gpointer backend, SbOp *op, gint64 now, G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  Txn *t = d->txn;
  g_autoptr (bson_t) hold = NULL;
  g_autoptr (SbChange) change = NULL;
  g_autoptr (GStrvBuilder) freed = g_strv_builder_new ();
  gint64 version;
  gboolean ok;

  if (!check_hold (t, d, op, now, &hold, &version, &ok))
    return FALSE;
  if (!ok)
    return TRUE;

  change = sb_change_new (op->event_id, version + 1);
  if (!free_hold (t, op->event_id, hold, "released", change, freed))
    return FALSE;
  sb_store_rules_released (op, g_steal_pointer (&change), freed);
  return TRUE;
}

/* Inserts the booking with a fresh reference; references are short, so collisions happen (rarely)
 * and are retried. A collision with another process's concurrent booking surfaces as a
 * WriteConflict or duplicate key, and the batch is retried. */
static gboolean
insert_booking (Txn *t, SbOp *op, gint64 now, const char *const *seats, char **out_booking_id)
{
  for (guint attempt = 0;; attempt++)
    {
      g_autofree char *booking_id = sb_new_booking_id ();
      g_autoptr (bson_t) existing = NULL;
      g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (booking_id));
      g_auto (bson_t) doc = BSON_INITIALIZER;

      if (!txn_find_one (t, "bookings", filter, &existing))
        return FALSE;
      if (existing != NULL)
        {
          if (attempt >= 20)
            {
              bson_set_error (t->error, MONGOC_ERROR_BSON, MONGOC_ERROR_BSON_INVALID,
                              "no free booking reference after %u attempts", attempt + 1);
              return FALSE;
            }
          continue;
        }
      BSON_APPEND_UTF8 (&doc, "_id", booking_id);
      BSON_APPEND_UTF8 (&doc, "e", op->event_id);
      BSON_APPEND_UTF8 (&doc, "c", op->client_id);
      append_utf8_or_null (&doc, "hold", op->hold_id);
      append_strv (&doc, "seats", seats);
      BSON_APPEND_DATE_TIME (&doc, "created_at", now);
      if (!txn_insert_one (t, "bookings", &doc))
        return FALSE;
      *out_booking_id = g_steal_pointer (&booking_id);
      return TRUE;
    }
}

static gboolean
op_book_hold (gpointer backend, SbOp *op, gint64 now, G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  Txn *t = d->txn;
  g_autoptr (bson_t) hold = NULL;
  g_autoptr (bson_t) filter = NULL;
  g_autoptr (bson_t) update = NULL;
  g_auto (GStrv) seats = NULL;
  g_autofree char *booking_id = NULL;
  gint64 version;
  gboolean ok;

  if (!check_hold (t, d, op, now, &hold, &version, &ok))
    return FALSE;
  if (!ok)
    return TRUE;

  seats = hold_doc_seats (hold);
  if (!insert_booking (t, op, now, (const char *const *) seats, &booking_id))
    return FALSE;
  filter = BCON_NEW ("_id.e", BCON_UTF8 (op->event_id), "hold", BCON_UTF8 (op->hold_id), "state",
                     BCON_UTF8 ("held"));
  update = BCON_NEW ("$set", "{", "state", BCON_UTF8 ("booked"), "hold", BCON_NULL, "booking",
                     BCON_UTF8 (booking_id), "}");
  if (!txn_update (t, "seat_states", TRUE, filter, update, NULL)
      || !end_hold (t, op->hold_id, "booked"))
    return FALSE;

  sb_store_rules_booked_hold (op, version, g_steal_pointer (&seats), g_steal_pointer (&booking_id));
  return TRUE;
}

static gboolean
op_book_seats (gpointer backend, SbOp *op, gint64 now, G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  Txn *t = d->txn;
  g_autoptr (GHashTable) taken
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) bson_destroy);
  /* The holds that give up seats, in the order of the op's seats: hold id → hold document. */
  g_autoptr (GHashTable) holds
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) bson_destroy);
  g_autoptr (GPtrArray) touched = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GStrvBuilder) conflicts = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) free_seats = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) ended = g_strv_builder_new ();
  g_autoptr (GPtrArray) inserts = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_autoptr (SbChange) change = NULL;
  g_autofree char *booking_id = NULL;
  gint64 version;
  gboolean ok;

  if (!check_event (t, d, op, &version, &ok))
    return FALSE;
  if (!ok)
    return TRUE;
  if (!check_seat_list (t, op, &ok))
    return FALSE;
  if (!ok)
    return TRUE;

  if (!find_seat_states (t, op->event_id, (const char *const *) op->seat_ids, taken))
    return FALSE;
  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    {
      const bson_t *seat = g_hash_table_lookup (taken, op->seat_ids[i]);
      const char *hold_id;
      bson_t *hold;

      if (seat == NULL)
        {
          g_strv_builder_add (free_seats, op->seat_ids[i]);
          continue;
        }
      /* Held by one of this client's own holds that is still running: the client may book it. */
      hold_id = doc_get_utf8 (seat, "hold");
      if (g_strcmp0 (doc_get_utf8 (seat, "state"), "held") == 0 && hold_id != NULL)
        {
          hold = g_hash_table_lookup (holds, hold_id);
          if (hold == NULL)
            {
              if (!find_hold (t, hold_id, &hold))
                return FALSE;
              if (hold != NULL)
                {
                  g_hash_table_insert (holds, g_strdup (hold_id), hold);
                  g_ptr_array_add (touched, g_strdup (hold_id));
                }
            }
          if (hold != NULL && g_strcmp0 (doc_get_utf8 (hold, "c"), op->client_id) == 0
              && doc_get_int64 (hold, "expires_at", 0) > now)
            continue;
        }
      g_strv_builder_add (conflicts, op->seat_ids[i]);
    }
  if (sb_store_rules_refuse_conflicts (op, conflicts))
    return TRUE;
  if (forced_unavailable (d, op, g_strv_builder_end (free_seats)))
    return TRUE;

  if (!insert_booking (t, op, now, (const char *const *) op->seat_ids, &booking_id))
    return FALSE;

  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    {
      const bson_t *seat = g_hash_table_lookup (taken, op->seat_ids[i]);

      if (seat != NULL)
        {
          g_autoptr (bson_t) filter = bson_new ();
          g_autoptr (bson_t) update = BCON_NEW ("$set", "{", "state", BCON_UTF8 ("booked"), "hold",
                                                BCON_NULL, "booking", BCON_UTF8 (booking_id), "}");
          gint64 matched = 0;

          append_seat_key (filter, "_id", op->event_id, op->seat_ids[i]);
          BSON_APPEND_UTF8 (filter, "state", "held");
          BSON_APPEND_UTF8 (filter, "hold", doc_get_utf8 (seat, "hold"));
          if (!txn_update (t, "seat_states", FALSE, filter, update, &matched))
            return FALSE;
          if (matched != 1)
            {
              /* The snapshot said held by this hold: a concurrent writer would have failed the
               * transaction with WriteConflict instead. */
              bson_set_error (t->error, MONGOC_ERROR_TRANSACTION,
                              MONGOC_ERROR_TRANSACTION_INVALID_STATE,
                              "seat %s of event %s changed under the transaction", op->seat_ids[i],
                              op->event_id);
              return FALSE;
            }
        }
      else
        g_ptr_array_add (
            inserts, seat_doc (op->event_id, op->seat_ids[i], SB_SEAT_BOOKED, NULL, booking_id));
    }
  if (inserts->len > 0 && !txn_insert (t, "seat_states", inserts))
    return FALSE;

  /* Holds that gave up seats: ended when nothing is left, otherwise announced with their new
   * seat list so the servers' copies stay right. */
  change = sb_store_rules_new_booked_change (op, version, (const char *const *) op->seat_ids);
  for (guint j = 0; j < touched->len; j++)
    {
      const char *hold_id = g_ptr_array_index (touched, j);
      const bson_t *hold = g_hash_table_lookup (holds, hold_id);
      g_auto (GStrv) seats = hold_doc_seats (hold);
      g_autoptr (GStrvBuilder) left_builder = g_strv_builder_new ();
      g_auto (GStrv) left = NULL;

      for (guint i = 0; seats[i] != NULL; i++)
        if (!g_strv_contains ((const char *const *) op->seat_ids, seats[i]))
          g_strv_builder_add (left_builder, seats[i]);
      left = g_strv_builder_end (g_steal_pointer (&left_builder));
      if (left[0] == NULL)
        {
          if (!end_hold (t, hold_id, "booked"))
            return FALSE;
          g_strv_builder_add (ended, hold_id);
        }
      else
        {
          g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (hold_id));
          g_auto (bson_t) update = BSON_INITIALIZER;
          bson_t set;

          bson_append_document_begin (&update, "$set", -1, &set);
          append_strv (&set, "seats", (const char *const *) left);
          bson_append_document_end (&update, &set);
          if (!txn_update (t, "holds", FALSE, filter, &update, NULL))
            return FALSE;
          g_ptr_array_add (change->holds,
                           sb_hold_record_new (hold_id, op->event_id, op->client_id,
                                               (const char *const *) left,
                                               doc_get_int64 (hold, "expires_at", 0)));
        }
    }

  sb_store_rules_booked_seats (op, g_steal_pointer (&change), ended, g_steal_pointer (&booking_id));
  return TRUE;
}

static gboolean
op_expire (gpointer backend, SbOp *op, gint64 now, G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  Txn *t = d->txn;
  g_autoptr (GPtrArray) holds = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_autoptr (GStrvBuilder) freed = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) ended = g_strv_builder_new ();
  g_autoptr (bson_t) filter = NULL;
  g_autoptr (bson_t) opts = NULL;
  g_autoptr (SbChange) change = NULL;
  gint64 version;
  gboolean ok;

  if (!check_event (t, d, op, &version, &ok))
    return FALSE;
  if (!ok)
    return TRUE;

  filter = BCON_NEW ("e", BCON_UTF8 (op->event_id), "status", BCON_UTF8 ("active"), "expires_at",
                     "{", "$lte", BCON_INT64 (now), "}");
  opts = BCON_NEW ("sort", "{", "expires_at", BCON_INT32 (1), "_id", BCON_INT32 (1), "}");
  if (!txn_find (t, "holds", filter, opts, holds))
    return FALSE;
  if (holds->len == 0)
    return TRUE; /* nothing expired: no change, no version */

  change = sb_change_new (op->event_id, version + 1);
  for (guint i = 0; i < holds->len; i++)
    {
      const bson_t *hold = g_ptr_array_index (holds, i);

      if (!free_hold (t, op->event_id, hold, "expired", change, freed))
        return FALSE;
      g_strv_builder_add (ended, doc_get_utf8 (hold, "_id"));
    }
  sb_store_rules_expired (op, g_steal_pointer (&change), g_strv_builder_end (ended), freed);
  return TRUE;
}

static const SbStoreOpFuncs op_funcs = {
  .hold = op_hold,
  .extend = op_extend,
  .release = op_release,
  .book_hold = op_book_hold,
  .book_seats = op_book_seats,
  .expire = op_expire,
};

/* Commits op->change as the event's next version: bumps the version counter (which makes
 * concurrent writers of the event conflict) and appends to the change log. */
static gboolean
commit_change (Txn *t, ApplyData *d, SbChange *change)
{
  g_autoptr (bson_t) filter
      = BCON_NEW ("_id", BCON_UTF8 (change->event_id), "version", BCON_INT64 (change->version - 1));
  g_autoptr (bson_t) update = BCON_NEW ("$inc", "{", "version", BCON_INT64 (1), "}");
  g_autofree char *json = NULL;
  g_auto (bson_t) log = BSON_INITIALIZER;
  bson_t id;
  gint64 matched = 0;

  change->committed_at_ms = now_ms ();
  json = sb_change_to_json (change);

  if (!txn_update (t, "events", FALSE, filter, update, &matched))
    return FALSE;
  if (matched != 1)
    {
      /* Cannot happen under snapshot isolation (a concurrent writer fails with WriteConflict);
       * refuse rather than write a version twice. */
      bson_set_error (t->error, MONGOC_ERROR_TRANSACTION, MONGOC_ERROR_TRANSACTION_INVALID_STATE,
                      "event %s changed version under an op", change->event_id);
      return FALSE;
    }
  *(gint64 *) g_hash_table_lookup (d->versions, change->event_id) = change->version;

  bson_append_document_begin (&log, "_id", -1, &id);
  BSON_APPEND_UTF8 (&id, "e", change->event_id);
  BSON_APPEND_INT64 (&id, "v", change->version);
  bson_append_document_end (&log, &id);
  BSON_APPEND_UTF8 (&log, "change", json);
  BSON_APPEND_DATE_TIME (&log, "committed_at", change->committed_at_ms);
  return txn_insert_one (t, "changes", &log);
}

/* Looks for the stored outcome of (client_id, request_id). */
static gboolean
lookup_request (Txn *t, SbOp *op, gboolean *out_found)
{
  g_auto (bson_t) filter = BSON_INITIALIZER;
  g_autoptr (bson_t) request = NULL;

  *out_found = FALSE;
  append_request_key (&filter, "_id", op->client_id, op->request_id);
  if (!txn_find_one (t, "requests", &filter, &request))
    return FALSE;
  if (request == NULL)
    return TRUE;

  *out_found = TRUE;
  sb_store_rules_replay (op, doc_get_utf8 (request, "outcome"));
  return TRUE;
}

static gboolean
record_outcome (Txn *t, SbOp *op)
{
  g_autofree char *json = sb_op_outcome_to_json (op);
  g_auto (bson_t) doc = BSON_INITIALIZER;

  append_request_key (&doc, "_id", op->client_id, op->request_id);
  BSON_APPEND_UTF8 (&doc, "outcome", json);
  /* A BSON date, for the TTL index. */
  BSON_APPEND_DATE_TIME (&doc, "created_at", now_ms ());
  return txn_insert_one (t, "requests", &doc);
}

static gboolean
run_op (Txn *t, ApplyData *d, SbOp *op)
{
  gboolean keyed = sb_store_rules_is_keyed (op);
  gint64 now = sb_store_rules_now_ms (op);

  if (keyed)
    {
      gboolean found;

      if (!lookup_request (t, op, &found))
        return FALSE;
      if (found)
        return TRUE;
    }

  if (!sb_store_rules_run (&op_funcs, d, op, now, NULL))
    return FALSE;

  if (op->error != SB_ERROR_NONE)
    g_clear_pointer (&op->change, sb_change_free); /* refused ops write nothing */
  else if (op->change != NULL && !commit_change (t, d, op->change))
    return FALSE;

  return !keyed || record_outcome (t, op);
}

static gboolean
apply_body (Txn *t, gpointer data)
{
  ApplyData *d = data;

  /* This may be a retry: start over from the ops as they were submitted. */
  d->txn = t;
  g_hash_table_remove_all (d->versions);
  for (guint i = 0; i < d->ops->len; i++)
    {
      SbOp *op = g_ptr_array_index (d->ops, i);

      sb_op_clear_outcome (op);
      if (!d->had_event[i])
        g_clear_pointer (&op->event_id, g_free);
    }

  for (d->current = 0; d->current < d->ops->len; d->current++)
    if (!run_op (t, d, g_ptr_array_index (d->ops, d->current)))
      return FALSE;
  return TRUE;
}

static gboolean
sb_mongo_store_apply (SbStore *store, GPtrArray *ops, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  g_autoptr (GHashTable) versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) forced = g_hash_table_new (NULL, NULL);
  g_autofree gboolean *had_event = g_new0 (gboolean, ops->len);
  ApplyData data = { ops, had_event, versions, 0, forced, NULL };
  bson_error_t berror;
  gint64 committed_at;

  for (guint i = 0; i < ops->len; i++)
    had_event[i] = ((SbOp *) g_ptr_array_index (ops, i))->event_id != NULL;

  for (guint attempt = 0;; attempt++)
    {
      if (run_transaction (self, apply_body, &data, &berror))
        break;

      /* A duplicate key aborts the whole transaction (the server ends it). On a seat, another
       * process took the seat after this transaction's snapshot: run the batch again, and that op
       * reports the seat unavailable. On anything else (an id that collided with another
       * process's), just run the batch again. */
      if (is_duplicate_key (&berror) && attempt < MAX_DUPLICATE_RETRIES)
        {
          if (strstr (berror.message, "seat_states") != NULL && data.current < ops->len)
            g_hash_table_add (forced, GUINT_TO_POINTER (data.current + 1));
          continue;
        }

      /* Nothing was committed: no op may look as if it had been. */
      for (guint i = 0; i < ops->len; i++)
        sb_op_clear_outcome (g_ptr_array_index (ops, i));
      set_error_from_bson (error, &berror, "transaction failed");
      return FALSE;
    }

  committed_at = g_get_monotonic_time ();
  for (guint i = 0; i < ops->len; i++)
    ((SbOp *) g_ptr_array_index (ops, i))->committed_at_us = committed_at;
  return TRUE;
}

/* --- Change log --- */

typedef struct
{
  const char *event_id;
  gint64 since;
  gboolean found;
  gint64 version;
  GPtrArray *docs;
} ChangesData;

static gboolean
changes_body (Txn *t, gpointer data)
{
  ChangesData *d = data;
  g_autoptr (bson_t) event_filter = BCON_NEW ("_id", BCON_UTF8 (d->event_id));
  g_autoptr (bson_t) event_opts = BCON_NEW ("projection", "{", "version", BCON_INT32 (1), "}");
  g_autoptr (bson_t) filter = BCON_NEW ("_id.e", BCON_UTF8 (d->event_id), "_id.v", "{", "$gt",
                                        BCON_INT64 (d->since), "}");
  g_autoptr (bson_t) opts = BCON_NEW ("sort", "{", "_id.v", BCON_INT32 (1), "}");
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);

  g_ptr_array_set_size (d->docs, 0);
  d->found = FALSE;
  if (!txn_find (t, "events", event_filter, event_opts, events))
    return FALSE;
  if (events->len == 0)
    return TRUE;
  d->found = TRUE;
  d->version = doc_get_int64 (g_ptr_array_index (events, 0), "version", 0);
  if (d->since >= d->version || d->since < 0)
    return TRUE;
  return txn_find (t, "changes", filter, opts, d->docs);
}

static GPtrArray *
sb_mongo_store_changes_since (SbStore *store,
                              const char *event_id,
                              gint64 since_version,
                              GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_autoptr (GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_change_free);
  ChangesData data = { event_id, since_version, FALSE, 0, docs };
  bson_error_t berror;

  /* One snapshot for the version and the log. */
  if (!run_transaction (self, changes_body, &data, &berror))
    {
      set_error_from_bson (error, &berror, "reading the change log");
      return NULL;
    }
  if (!sb_store_rules_check_since (event_id, data.found, data.version, since_version, error))
    return NULL;
  for (guint i = 0; i < docs->len; i++)
    {
      const bson_t *doc = g_ptr_array_index (docs, i);

      if (!sb_store_rules_add_logged_change (changes, event_id, since_version,
                                             doc_get_int64 (doc, "_id.v", -1),
                                             doc_get_utf8 (doc, "change"), error))
        return NULL;
    }
  if (!sb_store_rules_check_log_complete (changes, event_id, since_version, data.version, error))
    return NULL;
  return g_steal_pointer (&changes);
}

static gboolean
delete_many (SbMongoStore *self, const char *collection, const bson_t *filter, GError **error)
{
  g_autoptr (mongoc_collection_t) coll = get_collection (self, self->client, collection);
  g_autoptr (mongoc_write_concern_t) wc = mongoc_write_concern_new ();
  g_auto (bson_t) opts = BSON_INITIALIZER;
  bson_error_t berror;

  mongoc_write_concern_set_w (wc, MONGOC_WRITE_CONCERN_W_MAJORITY);
  mongoc_write_concern_append (wc, &opts);
  if (!mongoc_collection_delete_many (coll, filter, &opts, NULL, &berror))
    {
      g_autofree char *what = g_strdup_printf ("pruning %s", collection);
      set_error_from_bson (error, &berror, what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
sb_mongo_store_prune (SbStore *store, gint64 older_than_ms, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  g_autoptr (bson_t) requests
      = BCON_NEW ("created_at", "{", "$lt", BCON_DATE_TIME (older_than_ms), "}");
  g_autoptr (GPtrArray) events = NULL;

  /* No transaction: each delete is atomic per document, removes only what nobody can need, and
   * prune is idempotent, so a prune cut short is simply finished by the next one. */
  if (!delete_many (self, "requests", requests, error))
    return FALSE;

  /* Keep the last KEEP_CHANGES_PER_EVENT versions of every event however old, so that a client
   * that was away for a while can still catch up with a replay. */
  events = sb_mongo_store_list_events (store, error);
  if (events == NULL)
    return FALSE;
  for (guint i = 0; i < events->len; i++)
    {
      const SbEventRecord *event = g_ptr_array_index (events, i);
      g_autoptr (bson_t) filter = NULL;

      if (event->version - KEEP_CHANGES_PER_EVENT < 1)
        continue;
      filter = BCON_NEW ("_id.e", BCON_UTF8 (event->event_id), "_id.v", "{", "$lte",
                         BCON_INT64 (event->version - KEEP_CHANGES_PER_EVENT), "}", "committed_at",
                         "{", "$lt", BCON_DATE_TIME (older_than_ms), "}");
      if (!delete_many (self, "changes", filter, error))
        return FALSE;
    }
  return TRUE;
}

/* --- Change stream --- */

static mongoc_change_stream_t *
open_change_stream (SbMongoStore *self, mongoc_client_t *client)
{
  g_autoptr (mongoc_collection_t) coll = get_collection (self, client, "changes");
  g_autoptr (bson_t) pipeline = BCON_NEW ("pipeline", "[", "{", "$match", "{", "operationType",
                                          BCON_UTF8 ("insert"), "}", "}", "]");
  g_auto (bson_t) opts = BSON_INITIALIZER;

  BSON_APPEND_INT32 (&opts, "maxAwaitTimeMS", WATCH_MAX_AWAIT_MS);
  g_mutex_lock (&self->watch_mutex);
  if (self->resume_token != NULL)
    BSON_APPEND_DOCUMENT (&opts, "resumeAfter", self->resume_token);
  g_mutex_unlock (&self->watch_mutex);
  return mongoc_collection_watch (coll, pipeline, &opts);
}

static void
remember_token (SbMongoStore *self, mongoc_change_stream_t *stream)
{
  const bson_t *token = mongoc_change_stream_get_resume_token (stream);

  if (token == NULL)
    return;
  g_mutex_lock (&self->watch_mutex);
  g_clear_pointer (&self->resume_token, bson_destroy);
  self->resume_token = bson_copy (token);
  g_mutex_unlock (&self->watch_mutex);
}

static gboolean
watch_should_stop (SbMongoStore *self, gint64 wait_us)
{
  gboolean stop;

  g_mutex_lock (&self->watch_mutex);
  if (wait_us > 0 && !self->watch_stop)
    {
      gint64 until = g_get_monotonic_time () + wait_us;

      while (!self->watch_stop && g_cond_wait_until (&self->watch_cond, &self->watch_mutex, until))
        ;
    }
  stop = self->watch_stop;
  g_mutex_unlock (&self->watch_mutex);
  return stop;
}

static void
deliver_change (SbMongoStore *self, const bson_t *event)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (SbChange) change = NULL;
  const char *json = doc_get_utf8 (event, "fullDocument.change");

  if (json == NULL)
    return;
  change = sb_change_from_json (json, &local_error);
  if (change == NULL)
    {
      g_warning ("MongoDB change stream: unreadable change: %s", local_error->message);
      return;
    }
  self->watch_func (change, self->watch_data);
}

/* Server errors after which a stream cannot resume from its token. */
static gboolean
resume_token_is_lost (const bson_error_t *berror)
{
  return berror->domain == MONGOC_ERROR_SERVER
         && (berror->code == 286    /* ChangeStreamHistoryLost */
             || berror->code == 280 /* ChangeStreamFatalError */
             || berror->code == 260 /* InvalidResumeToken */);
}

static gpointer
watch_thread (gpointer data)
{
  SbMongoStore *self = data;
  mongoc_client_t *client = mongoc_client_pool_pop (self->pool);
  gint64 backoff_us = 100 * 1000;
  gboolean first = TRUE;

  while (!watch_should_stop (self, 0))
    {
      g_autoptr (mongoc_change_stream_t) stream = open_change_stream (self, client);
      const bson_t *event, *error_doc = NULL;
      bson_error_t berror;

      if (mongoc_change_stream_error_document (stream, &berror, &error_doc))
        {
          if (!first && resume_token_is_lost (&berror))
            {
              /* The oplog no longer reaches back to the token (a long outage): resuming is
               * impossible, so follow from now on. Servers notice the gap in versions. */
              g_warning ("MongoDB change stream cannot resume (%s); following from now on, "
                         "changes committed meanwhile by other servers were missed",
                         berror.message);
              g_mutex_lock (&self->watch_mutex);
              g_clear_pointer (&self->resume_token, bson_destroy);
              g_mutex_unlock (&self->watch_mutex);
              continue;
            }
          if (first)
            {
              /* watch() reports the first failure to its caller. */
              g_mutex_lock (&self->watch_mutex);
              set_error_from_bson (&self->watch_error, &berror, "opening the change stream");
              self->watch_started = -1;
              g_cond_broadcast (&self->watch_cond);
              g_mutex_unlock (&self->watch_mutex);
              break;
            }
          g_warning ("MongoDB change stream: cannot reopen: %s; retrying", berror.message);
          watch_should_stop (self, backoff_us);
          backoff_us = MIN (backoff_us * 2, 5 * G_USEC_PER_SEC);
          continue;
        }
      remember_token (self, stream);
      if (first)
        {
          first = FALSE;
          g_mutex_lock (&self->watch_mutex);
          self->watch_started = 1;
          g_cond_broadcast (&self->watch_cond);
          g_mutex_unlock (&self->watch_mutex);
        }
      backoff_us = 100 * 1000;

      /* next() waits at most maxAwaitTimeMS on the server, then the stop flag is checked again.
       * After a dropped connection the driver resumes by itself; only errors it gives up on come
       * out here, and then the stream is reopened after the last token. */
      while (!watch_should_stop (self, 0))
        {
          if (mongoc_change_stream_next (stream, &event))
            {
              deliver_change (self, event);
              remember_token (self, stream);
            }
          else if (mongoc_change_stream_error_document (stream, &berror, &error_doc))
            {
              if (!watch_should_stop (self, 0))
                g_warning ("MongoDB change stream failed: %s; resuming", berror.message);
              break;
            }
          else
            remember_token (self, stream); /* postBatchResumeToken moves even without events */
        }
      watch_should_stop (self, backoff_us);
    }

  mongoc_client_pool_push (self->pool, client);
  return NULL;
}

static gboolean
sb_mongo_store_watch (SbStore *store, SbStoreChangeFunc func, gpointer user_data, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  gboolean ok;

  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (self->watch_thread == NULL, FALSE);

  self->watch_func = func;
  self->watch_data = user_data;
  self->watch_started = 0;
  self->watch_thread = g_thread_new ("sb-mongo-watch", watch_thread, self);

  /* Wait until the stream is open: every change committed after watch() returns is delivered. */
  g_mutex_lock (&self->watch_mutex);
  while (self->watch_started == 0)
    g_cond_wait (&self->watch_cond, &self->watch_mutex);
  ok = self->watch_started > 0;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&self->watch_error));
  g_mutex_unlock (&self->watch_mutex);

  if (!ok)
    g_clear_pointer (&self->watch_thread, g_thread_join);
  return ok;
}

/* --- GObject --- */

static void
sb_mongo_store_dispose (GObject *object)
{
  SbMongoStore *self = SB_MONGO_STORE (object);

  if (self->watch_thread != NULL)
    {
      g_mutex_lock (&self->watch_mutex);
      self->watch_stop = TRUE;
      g_cond_broadcast (&self->watch_cond);
      g_mutex_unlock (&self->watch_mutex);
      g_clear_pointer (&self->watch_thread, g_thread_join);
    }

  G_OBJECT_CLASS (sb_mongo_store_parent_class)->dispose (object);
}

static void
sb_mongo_store_finalize (GObject *object)
{
  SbMongoStore *self = SB_MONGO_STORE (object);

  if (self->client != NULL)
    mongoc_client_pool_push (self->pool, self->client);
  g_clear_pointer (&self->pool, mongoc_client_pool_destroy);
  g_clear_pointer (&self->uri, mongoc_uri_destroy);
  g_clear_pointer (&self->resume_token, bson_destroy);
  g_clear_error (&self->watch_error);
  g_clear_pointer (&self->venues, g_hash_table_unref);
  g_free (self->db_name);
  g_free (self->host);
  g_mutex_clear (&self->watch_mutex);
  g_cond_clear (&self->watch_cond);

  G_OBJECT_CLASS (sb_mongo_store_parent_class)->finalize (object);
}

static void
sb_mongo_store_class_init (SbMongoStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_mongo_store_dispose;
  object_class->finalize = sb_mongo_store_finalize;
}

static void
sb_mongo_store_init (SbMongoStore *self)
{
  g_mutex_init (&self->watch_mutex);
  g_cond_init (&self->watch_cond);
  self->venues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

static void
sb_mongo_store_iface_init (SbStoreInterface *iface)
{
  iface->create_event = sb_mongo_store_create_event;
  iface->list_events = sb_mongo_store_list_events;
  iface->load_event = sb_mongo_store_load_event;
  iface->apply = sb_mongo_store_apply;
  iface->changes_since = sb_mongo_store_changes_since;
  iface->prune = sb_mongo_store_prune;
  iface->watch = sb_mongo_store_watch;
}
