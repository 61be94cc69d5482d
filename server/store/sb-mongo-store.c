/* sb-mongo-store.c: the MongoDB store backend.
 *
 * Collections (database = the URI's path, default "seatbook"):
 *   events       {_id: event, name, venue_json, starts_at (ms), version, created_at, orphan_rule,
 *                 time_zone?, sales_open? (ms), sales_close? (ms)}
 *   seat_states  {_id: {e: event, s: seat}, state: "held"|"booked"|"blocked", hold, booking}
 *                only seats that are not free have a document, so the unique _id makes a double
 *                hold or booking of a seat impossible even across processes.
 *   holds        {_id: hold, e: event, c: client, seats, expires_at (ms), created_at, ended_at,
 *                 status: "active"|"released"|"booked"|"expired"}
 *   bookings     {_id: booking reference, e, c, hold, seats, created_at, and with a customer:
 *                customer {name, phone, email, note}, name_keys [], phone_key, email_key}
 *   requests     {_id: {c: client, r: request}, outcome, created_at}   the idempotency records
 *   changes      {_id: {e, v}, change, committed_at}                    the change log
 *   audit        {_id: ObjectId, e, at (ms), account, desk, action, seats, hold, booking,
 *                 detail}                                                the audit trail
 * (holds and bookings also carry `account`; those stored before accounts have none: `legacy`)
 *
 * Here: opening (the deployment check, collections and indexes), events, the change log and the
 * GObject. apply () is sb-mongo-apply.c (the booking rules on these collections, one transaction
 * per batch), the transactions sb-mongo-txn.c, the BSON helpers sb-mongo-bson.c, the record of
 * this process's session (ended by the next start should this process die) sb-mongo-registry.c,
 * and watch () the change stream thread of sb-mongo-watch.c.
 *
 * Threads: the store worker thread uses self->conn.client; the change stream thread pops its own
 * client from the pool. Nothing here runs on the main loop. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <mongoc/mongoc.h>

#include "sb-mongo-accounts-private.h"
#include "sb-mongo-apply-private.h"
#include "sb-mongo-audit-private.h"
#include "sb-mongo-report-private.h"
#include "sb-mongo-bookings-private.h"
#include "sb-mongo-bson-private.h"
#include "sb-mongo-registry-private.h"
#include "sb-mongo-store.h"
#include "sb-mongo-txn-private.h"
#include "sb-mongo-watch-private.h"
#include "sb-store-rules.h"
#include "sb-venue.h"

#define DEFAULT_DATABASE "seatbook"
#define NAMESPACE_EXISTS 48
/* Idempotency records must live at least 24 h (docs/protocol.md); prune() normally removes them,
 * the TTL index is the backstop for a deployment where nobody prunes. */
#define REQUESTS_TTL_SECONDS (7 * 24 * 3600)
/* Keep at least this many versions of each event's change log, however old (as the SQLite store
 * does), so that a client that was away for a while can still catch up with a replay. */
#define KEEP_CHANGES_PER_EVENT 10000

struct _SbMongoStore
{
  GObject parent_instance;

  mongoc_uri_t *uri;
  mongoc_client_pool_t *pool;
  char *db_name;
  char *host; /* "host:port" of the first seed, for messages */
  /* event id → SbVenue, parsed once per event: events never change their venue. Store thread. */
  GHashTable *venues;
  SbOccupancyCache *occupancy; /* for hold_best (sb_mongo_apply ()); store thread */

  /* The store worker's client and session (methods are called from one thread at a time), and
   * the retry counters /metrics reads from the main thread. */
  SbMongoConn conn;
  char *process_id; /* this process's record in store_processes (sb-mongo-registry.c) */

  SbMongoWatch *watch; /* the change stream thread, once watch () has started it */
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
  sd = mongoc_client_select_server (self->conn.client, TRUE, NULL, &berror);
  if (sd == NULL)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED, "Cannot reach MongoDB at %s: %s",
                   self->host, berror.message);
      return FALSE;
    }

  hello = mongoc_server_description_hello_response (sd);
  msg = sb_mongo_doc_get_utf8 (hello, "msg");
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
  max_wire = sb_mongo_doc_get_int64 (hello, "maxWireVersion", 0);
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
  g_autoptr (mongoc_database_t) db = mongoc_client_get_database (self->conn.client, self->db_name);
  g_auto (bson_t) command = BSON_INITIALIZER;
  g_auto (bson_t) reply = BSON_INITIALIZER;
  bson_error_t berror;

  BSON_APPEND_UTF8 (&command, "createIndexes", collection);
  BSON_APPEND_ARRAY (&command, "indexes", indexes);
  bson_destroy (&reply);
  if (!mongoc_database_write_command_with_opts (db, &command, NULL, &reply, &berror))
    {
      g_autofree char *what = g_strdup_printf ("creating the indexes of %s", collection);
      sb_mongo_set_error (error, &berror, what);
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
      = { "events", "seat_states", "holds", "bookings", "requests", "changes", "audit" };
  g_autoptr (mongoc_database_t) db = mongoc_client_get_database (self->conn.client, self->db_name);

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
          sb_mongo_set_error (error, &berror, what);
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
  /* find_bookings (sb-mongo-bookings.c): by time, and by each folded key (name_keys is an array:
   * a multikey index, which an anchored regex or a range on it uses). */
  g_autoptr (bson_t) bookings = BCON_NEW (
      "0", "{", "key", "{", "e", BCON_INT32 (1), "}", "name", "event", "}", "1", "{", "key", "{",
      "e", BCON_INT32 (1), "created_at", BCON_INT32 (1), "_id", BCON_INT32 (1), "}", "name",
      "event_time", "}", "2", "{", "key", "{", "e", BCON_INT32 (1), "name_keys", BCON_INT32 (1),
      "}", "name", "event_name_keys", "}", "3", "{", "key", "{", "e", BCON_INT32 (1), "phone_key",
      BCON_INT32 (1), "}", "name", "event_phone", "}", "4", "{", "key", "{", "e", BCON_INT32 (1),
      "email_key", BCON_INT32 (1), "}", "name", "event_email", "}");
  g_autoptr (bson_t) changes
      = BCON_NEW ("0", "{", "key", "{", "_id.e", BCON_INT32 (1), "_id.v", BCON_INT32 (1), "}",
                  "name", "event_version", "}", "1", "{", "key", "{", "committed_at",
                  BCON_INT32 (1), "}", "name", "committed_at", "}");
  g_autoptr (bson_t) audit = BCON_NEW ("0", "{", "key", "{", "e", BCON_INT32 (1), "at",
                                       BCON_INT32 (1), "}", "name", "event_at", "}");
  g_autoptr (bson_t) requests
      = BCON_NEW ("0", "{", "key", "{", "created_at", BCON_INT32 (1), "}", "name", "created_at_ttl",
                  "expireAfterSeconds", BCON_INT32 (REQUESTS_TTL_SECONDS), "}");

  return create_indexes (self, "seat_states", seat_states, error)
         && create_indexes (self, "holds", holds, error)
         && create_indexes (self, "bookings", bookings, error)
         && create_indexes (self, "changes", changes, error)
         && create_indexes (self, "audit", audit, error)
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
  self->conn.client = mongoc_client_pool_pop (self->pool);
  self->conn.db_name = self->db_name;

  if (!check_deployment (self, error) || !ensure_collections (self, error)
      || !ensure_indexes (self, error))
    return NULL;

  /* One session for every transaction of this process, so that the next start knows which one to
   * end should this process die in a transaction. */
  self->conn.session = mongoc_client_start_session (self->conn.client, NULL, &berror);
  if (self->conn.session == NULL)
    {
      sb_mongo_set_error (error, &berror, "starting a session");
      return NULL;
    }
  self->process_id
      = sb_mongo_registry_register (self->conn.client, self->db_name, self->conn.session, error);
  if (self->process_id == NULL)
    return NULL;

  return SB_STORE (g_steal_pointer (&self));
}

/* --- Events and venues --- */

typedef struct
{
  const SbEventSpec *spec;
  const char *event_id;
  SbVenue *venue;
  gboolean exists;
} CreateEventData;

static gboolean
create_event_body (SbMongoTxn *t, gpointer data)
{
  CreateEventData *d = data;
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (d->event_id));
  g_autoptr (bson_t) opts = BCON_NEW ("projection", "{", "_id", BCON_INT32 (1), "}");
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_autoptr (GPtrArray) blocked = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_auto (bson_t) event = BSON_INITIALIZER;

  d->exists = FALSE;
  if (!sb_mongo_txn_find (t, "events", filter, opts, found))
    return FALSE;
  if (found->len > 0)
    {
      d->exists = TRUE;
      return TRUE;
    }

  BSON_APPEND_UTF8 (&event, "_id", d->event_id);
  BSON_APPEND_UTF8 (&event, "name", d->spec->name);
  BSON_APPEND_UTF8 (&event, "venue_json", d->spec->venue_json);
  BSON_APPEND_INT64 (&event, "starts_at", d->spec->starts_at_ms);
  BSON_APPEND_INT64 (&event, "version", 0);
  BSON_APPEND_UTF8 (&event, "orphan_rule", sb_orphan_rule_to_string (d->spec->orphan_rule));
  /* Only what is set: documents of events created before have none of these. */
  if (d->spec->time_zone != NULL)
    BSON_APPEND_UTF8 (&event, "time_zone", d->spec->time_zone);
  if (d->spec->sales_open_ms != 0)
    BSON_APPEND_INT64 (&event, "sales_open", d->spec->sales_open_ms);
  if (d->spec->sales_close_ms != 0)
    BSON_APPEND_INT64 (&event, "sales_close", d->spec->sales_close_ms);
  BSON_APPEND_DATE_TIME (&event, "created_at", sb_now_ms ());
  if (!sb_mongo_txn_insert_one (t, "events", &event))
    return FALSE;

  /* Blocked seats get their document now, so the unique _id itself keeps them from being held or
   * booked. */
  for (guint i = 0; i < sb_venue_get_n_seats (d->venue); i++)
    {
      const SbSeat *seat = sb_venue_get_seat (d->venue, i);

      if (seat->blocked)
        g_ptr_array_add (blocked,
                         sb_mongo_seat_doc (d->event_id, seat->id, SB_SEAT_BLOCKED, NULL, NULL));
    }
  return blocked->len == 0 || sb_mongo_txn_insert (t, "seat_states", blocked);
}

static gboolean
sb_mongo_store_create_event (SbStore *store, const SbEventSpec *spec, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  g_autoptr (SbVenue) venue = NULL;
  const char *event_id = spec->event_id;
  CreateEventData data = { spec, event_id, NULL, FALSE };
  bson_error_t berror;

  venue = sb_store_rules_parse_venue (event_id, spec->venue_json, -1, error);
  if (venue == NULL)
    return FALSE;
  data.venue = venue;

  if (!sb_mongo_run_transaction (&self->conn, sb_mongo_txn_deadline (), create_event_body, &data,
                                 &berror))
    {
      /* Another process created it between our check and our insert. */
      if (sb_mongo_is_duplicate_key (&berror) && strstr (berror.message, ".events") != NULL)
        data.exists = TRUE;
      else
        {
          sb_mongo_set_error (error, &berror, "creating an event");
          return FALSE;
        }
    }
  if (data.exists)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS, "An event “%s” exists already",
                   event_id);
      return FALSE;
    }
  sb_mongo_venue_set_orphan_rule (venue, spec->orphan_rule);
  g_hash_table_insert (self->venues, g_strdup (event_id), g_steal_pointer (&venue));
  return TRUE;
}

typedef struct
{
  const SbAuditRecord *entry;
  gboolean found;
  gboolean changed;
  gint64 close_ms;
} CloseSalesData;

static gboolean
close_sales_body (SbMongoTxn *t, gpointer data)
{
  CloseSalesData *d = data;
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (d->entry->event_id));
  g_autoptr (bson_t) opts = BCON_NEW ("projection", "{", "sales_close", BCON_INT32 (1), "}");
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_autoptr (bson_t) update = NULL;
  g_auto (bson_t) audit = BSON_INITIALIZER;

  d->found = d->changed = FALSE;
  if (!sb_mongo_txn_find (t, "events", filter, opts, found))
    return FALSE;
  if (found->len == 0)
    return TRUE;
  d->found = TRUE;
  d->close_ms = sb_mongo_doc_get_int64 (g_ptr_array_index (found, 0), "sales_close", 0);
  /* Closed already: the first close stands. */
  if (d->close_ms != 0 && d->close_ms <= d->entry->at_ms)
    return TRUE;

  update = BCON_NEW ("$set", "{", "sales_close", BCON_INT64 (d->entry->at_ms), "}");
  if (!sb_mongo_txn_update (t, "events", FALSE, filter, update, NULL))
    return FALSE;
  sb_mongo_audit_doc (&audit, d->entry);
  if (!sb_mongo_txn_insert_one (t, "audit", &audit))
    return FALSE;
  d->close_ms = d->entry->at_ms;
  d->changed = TRUE;
  return TRUE;
}

static gboolean
sb_mongo_store_close_sales (SbStore *store,
                            const SbAuditRecord *entry,
                            gint64 *out_close_ms,
                            gboolean *out_changed,
                            GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  CloseSalesData data = { entry, FALSE, FALSE, 0 };
  bson_error_t berror;

  if (!sb_mongo_run_transaction (&self->conn, sb_mongo_txn_deadline (), close_sales_body, &data,
                                 &berror))
    {
      sb_mongo_set_error (error, &berror, "closing sales");
      return FALSE;
    }
  if (!data.found)
    {
      sb_store_rules_set_event_not_found (error, entry->event_id);
      return FALSE;
    }
  *out_close_ms = data.close_ms;
  *out_changed = data.changed;
  return TRUE;
}

static SbEventRecord *
event_record_from_doc (const bson_t *doc)
{
  SbEventRecord *record = g_new0 (SbEventRecord, 1);

  record->event_id = g_strdup (sb_mongo_doc_get_utf8 (doc, "_id"));
  record->name = g_strdup (sb_mongo_doc_get_utf8 (doc, "name"));
  record->venue_json = g_strdup (sb_mongo_doc_get_utf8 (doc, "venue_json"));
  record->starts_at_ms = sb_mongo_doc_get_int64 (doc, "starts_at", 0);
  record->version = sb_mongo_doc_get_int64 (doc, "version", 0);
  record->time_zone = g_strdup (sb_mongo_doc_get_utf8 (doc, "time_zone"));
  record->sales_open_ms = sb_mongo_doc_get_int64 (doc, "sales_open", 0);
  record->sales_close_ms = sb_mongo_doc_get_int64 (doc, "sales_close", 0);
  return record;
}

static GPtrArray *
sb_mongo_store_list_events (SbStore *store, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  g_autoptr (mongoc_collection_t) coll
      = sb_mongo_get_collection (self->conn.client, self->db_name, "events");
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
      sb_mongo_set_error (error, &berror, "listing events");
      return NULL;
    }
  return g_steal_pointer (&events);
}

typedef struct
{
  const char *event_id;
  gboolean found;
  SbEventState *state;
} LoadEventData;

static gboolean
load_event_body (SbMongoTxn *t, gpointer data)
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
  if (!sb_mongo_txn_find (t, "events", event_filter, event_opts, events))
    return FALSE;
  if (events->len == 0)
    return TRUE;
  if (!sb_mongo_txn_find (t, "seat_states", seats_filter, seats_opts, seats)
      || !sb_mongo_txn_find (t, "holds", holds_filter, holds_opts, holds))
    return FALSE;

  d->found = TRUE;
  d->state = sb_store_rules_new_event_state (
      sb_mongo_doc_get_int64 (g_ptr_array_index (events, 0), "version", 0));
  for (guint i = 0; i < seats->len; i++)
    {
      const bson_t *doc = g_ptr_array_index (seats, i);
      const char *state = sb_mongo_doc_get_utf8 (doc, "state");
      SbSeatState seat_state;

      if (state == NULL || !sb_seat_state_from_string (state, &seat_state))
        seat_state = SB_SEAT_FREE;
      g_ptr_array_add (d->state->seats,
                       sb_seat_change_new (sb_mongo_doc_get_utf8 (doc, "_id.s"), seat_state,
                                           sb_mongo_doc_get_utf8 (doc, "hold")));
    }
  for (guint i = 0; i < holds->len; i++)
    {
      const bson_t *doc = g_ptr_array_index (holds, i);
      g_auto (GStrv) hold_seats = sb_mongo_doc_get_sorted_strv (doc, "seats");
      /* Holds stored before accounts have none: the placeholder's. */
      const char *account = sb_mongo_doc_get_utf8 (doc, "account");

      g_ptr_array_add (d->state->holds,
                       sb_hold_record_new_owned (sb_mongo_doc_get_utf8 (doc, "_id"), d->event_id,
                                                 sb_mongo_doc_get_utf8 (doc, "c"),
                                                 account != NULL ? account : SB_LEGACY_ACCOUNT,
                                                 (const char *const *) hold_seats,
                                                 sb_mongo_doc_get_int64 (doc, "expires_at", 0)));
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
  if (!sb_mongo_run_transaction (&self->conn, sb_mongo_txn_deadline (), load_event_body, &data,
                                 &berror))
    {
      g_clear_pointer (&data.state, sb_event_state_free);
      sb_mongo_set_error (error, &berror, "loading an event");
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

static gboolean
sb_mongo_store_apply (SbStore *store, GPtrArray *ops, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);

  return sb_mongo_apply (&self->conn, self->venues, self->occupancy, ops, error);
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
changes_body (SbMongoTxn *t, gpointer data)
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
  if (!sb_mongo_txn_find (t, "events", event_filter, event_opts, events))
    return FALSE;
  if (events->len == 0)
    return TRUE;
  d->found = TRUE;
  d->version = sb_mongo_doc_get_int64 (g_ptr_array_index (events, 0), "version", 0);
  if (d->since >= d->version || d->since < 0)
    return TRUE;
  return sb_mongo_txn_find (t, "changes", filter, opts, d->docs);
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
  if (!sb_mongo_run_transaction (&self->conn, sb_mongo_txn_deadline (), changes_body, &data,
                                 &berror))
    {
      sb_mongo_set_error (error, &berror, "reading the change log");
      return NULL;
    }
  if (!sb_store_rules_check_since (event_id, data.found, data.version, since_version, error))
    return NULL;
  for (guint i = 0; i < docs->len; i++)
    {
      const bson_t *doc = g_ptr_array_index (docs, i);

      if (!sb_store_rules_add_logged_change (changes, event_id, since_version,
                                             sb_mongo_doc_get_int64 (doc, "_id.v", -1),
                                             sb_mongo_doc_get_utf8 (doc, "change"), error))
        return NULL;
    }
  if (!sb_store_rules_check_log_complete (changes, event_id, since_version, data.version, error))
    return NULL;
  return g_steal_pointer (&changes);
}

static gboolean
delete_many (SbMongoStore *self, const char *collection, const bson_t *filter, GError **error)
{
  g_autoptr (mongoc_collection_t) coll
      = sb_mongo_get_collection (self->conn.client, self->db_name, collection);
  g_autoptr (mongoc_write_concern_t) wc = mongoc_write_concern_new ();
  g_auto (bson_t) opts = BSON_INITIALIZER;
  bson_error_t berror;

  mongoc_write_concern_set_w (wc, MONGOC_WRITE_CONCERN_W_MAJORITY);
  mongoc_write_concern_append (wc, &opts);
  if (!mongoc_collection_delete_many (coll, filter, &opts, NULL, &berror))
    {
      g_autofree char *what = g_strdup_printf ("pruning %s", collection);
      sb_mongo_set_error (error, &berror, what);
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

static gboolean
sb_mongo_store_watch (SbStore *store, SbStoreChangeFunc func, gpointer user_data, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);

  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (self->watch == NULL, FALSE);

  self->watch = sb_mongo_watch_start (self->pool, self->db_name, func, user_data, error);
  return self->watch != NULL;
}

/* --- Metrics --- */

guint64
sb_mongo_store_get_retries (SbMongoStore *self, SbMongoRetryReason reason)
{
  g_return_val_if_fail (SB_IS_MONGO_STORE (self), 0);
  g_return_val_if_fail (reason < SB_MONGO_RETRY_N_REASONS, 0);

  return (guint64) g_atomic_pointer_get (&self->conn.retries[reason]);
}

/* --- GObject --- */

static void
sb_mongo_store_dispose (GObject *object)
{
  SbMongoStore *self = SB_MONGO_STORE (object);

  g_clear_pointer (&self->watch, sb_mongo_watch_stop);

  G_OBJECT_CLASS (sb_mongo_store_parent_class)->dispose (object);
}

static void
sb_mongo_store_finalize (GObject *object)
{
  SbMongoStore *self = SB_MONGO_STORE (object);

  if (self->process_id != NULL)
    sb_mongo_registry_forget (self->conn.client, self->db_name, self->process_id);
  g_clear_pointer (&self->conn.session, mongoc_client_session_destroy);
  if (self->conn.client != NULL)
    mongoc_client_pool_push (self->pool, self->conn.client);
  g_clear_pointer (&self->pool, mongoc_client_pool_destroy);
  g_clear_pointer (&self->uri, mongoc_uri_destroy);
  g_clear_pointer (&self->venues, g_hash_table_unref);
  g_clear_pointer (&self->occupancy, sb_occupancy_cache_free);
  g_free (self->db_name);
  g_free (self->host);
  g_free (self->process_id);

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
  self->venues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->occupancy = sb_occupancy_cache_new ();
}

/* --- Accounts and sessions: sb-mongo-accounts.c, on the store thread's client --- */

static gboolean
sb_mongo_store_account_put (
    SbStore *store, const SbAccountRecord *record, gboolean create, gint64 now_ms, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  return sb_mongo_accounts_put (self->conn.client, self->db_name, record, create, now_ms, error);
}

static SbAccountRecord *
sb_mongo_store_account_get (SbStore *store, const char *username, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  return sb_mongo_accounts_get (self->conn.client, self->db_name, username, error);
}

static GPtrArray *
sb_mongo_store_account_list (SbStore *store, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  return sb_mongo_accounts_list (self->conn.client, self->db_name, error);
}

static gboolean
sb_mongo_store_session_put (SbStore *store,
                            const char *token_hash,
                            const char *username,
                            gint64 account_generation,
                            gint64 created_at_ms,
                            gint64 expires_at_ms,
                            GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  return sb_mongo_sessions_put (self->conn.client, self->db_name, token_hash, username,
                                account_generation, created_at_ms, expires_at_ms, error);
}

static SbSessionRecord *
sb_mongo_store_session_get (SbStore *store, const char *token_hash, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  return sb_mongo_sessions_get (self->conn.client, self->db_name, token_hash, error);
}

static gboolean
sb_mongo_store_session_revoke (SbStore *store, const char *token_hash, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  return sb_mongo_sessions_revoke (self->conn.client, self->db_name, token_hash, error);
}

static gboolean
sb_mongo_store_accounts_revision (SbStore *store, gint64 *out_revision, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  return sb_mongo_accounts_revision (self->conn.client, self->db_name, out_revision, error);
}

static GPtrArray *
sb_mongo_store_audit_list (SbStore *store, const SbAuditQuery *query, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  return sb_mongo_audit_list (self->conn.client, self->db_name, query, error);
}

static GPtrArray *
sb_mongo_store_find_bookings (SbStore *store, const SbBookingQuery *query, GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  return sb_mongo_find_bookings (self->conn.client, self->db_name, query, error);
}

static gboolean
sb_mongo_store_read_sales (SbStore *store,
                           const char *event_id,
                           const char *time_zone,
                           GPtrArray *out_rows,
                           gint64 *out_refunded,
                           GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  return sb_mongo_read_sales (self->conn.client, self->db_name, event_id, time_zone, out_rows,
                              out_refunded, error);
}

static gboolean
sb_mongo_store_audit_sign_in (SbStore *store,
                              const SbAuditRecord *record,
                              const char *token_hash,
                              gint64 account_generation,
                              gint64 expires_at_ms,
                              GError **error)
{
  SbMongoStore *self = SB_MONGO_STORE (store);
  return sb_mongo_audit_sign_in (self->conn.client, self->db_name, record, token_hash,
                                 account_generation, expires_at_ms, error);
}

static void
sb_mongo_store_iface_init (SbStoreInterface *iface)
{
  iface->create_event = sb_mongo_store_create_event;
  iface->close_sales = sb_mongo_store_close_sales;
  iface->list_events = sb_mongo_store_list_events;
  iface->load_event = sb_mongo_store_load_event;
  iface->apply = sb_mongo_store_apply;
  iface->changes_since = sb_mongo_store_changes_since;
  iface->prune = sb_mongo_store_prune;
  iface->watch = sb_mongo_store_watch;
  iface->account_put = sb_mongo_store_account_put;
  iface->account_get = sb_mongo_store_account_get;
  iface->account_list = sb_mongo_store_account_list;
  iface->session_put = sb_mongo_store_session_put;
  iface->session_get = sb_mongo_store_session_get;
  iface->session_revoke = sb_mongo_store_session_revoke;
  iface->accounts_revision = sb_mongo_store_accounts_revision;
  iface->audit_list = sb_mongo_store_audit_list;
  iface->find_bookings = sb_mongo_store_find_bookings;
  iface->audit_sign_in = sb_mongo_store_audit_sign_in;
  iface->read_sales = sb_mongo_store_read_sales;
}
