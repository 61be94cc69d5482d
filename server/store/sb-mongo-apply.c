/* sb-mongo-apply.c: SbStore's apply () on MongoDB (sb-mongo-apply-private.h).
 *
 * Every apply () is one multi-document transaction (group commit: all ops of the batch, each with
 * its own outcome), run with mongoc_client_session_with_transaction so that transient errors
 * (WriteConflict between two processes, a primary stepping down, a dropped connection) rerun the
 * whole unit. Each change does $inc on the event's version inside the transaction: two writers of
 * one event therefore conflict and one of them is retried, which keeps versions gap-free and in
 * commit order. The idempotency record is written in the same transaction as the change.
 *
 * The ops themselves are the booking rules' (sb-store-rules.c); what is here are the primitives
 * they run on (sb-store-backend-private.h). MongoDB has no savepoints, so a refused op must write
 * nothing: the rules refuse before they write, and the unique _id of seat_states, which a write
 * may still hit when another process took a seat after this transaction's snapshot, fails the
 * whole transaction instead (see seats_refused_before). Each primitive returns FALSE with the
 * transaction's bson_error_t set, which drives the retry; its GError is unused.
 *
 * Round trips: each primitive is at most one command, and the inserts nobody reads back within
 * the batch (the change log, the idempotency records) wait for the end of the batch, one insert
 * per collection for all its ops (BENCHMARKS.md, "MongoDB round trips"). */
#include "config.h"

#include <string.h>

#include "sb-mongo-apply-private.h"
#include "sb-mongo-bookings-private.h"
#include "sb-mongo-bson-private.h"
#include "sb-mongo-txn-private.h"
#include "sb-store-rules.h"

/* A batch that hits duplicate keys over and over (a pathological race) gives up eventually. */
#define MAX_DUPLICATE_RETRIES 8

typedef struct
{
  GHashTable *venues; /* event id → SbVenue */
  GPtrArray *ops;
  gboolean *had_event;  /* op i came with an event id (the rules may fill it in from its hold) */
  GHashTable *versions; /* event id → gint64 *: the version as this attempt left it */
  guint current;        /* the op being run */
  GHashTable
      *forced_unavailable; /* GUINT_TO_POINTER (index + 1) of ops that hit a duplicate seat */
  SbMongoTxn *txn;         /* the attempt being run */
  GPtrArray *changes;      /* the attempt's change log entries, inserted at its end */
  GPtrArray *requests;     /* the attempt's idempotency records, inserted at its end */
  SbOccupancyCache *occupancy;
} ApplyData;

/* An idempotency record of this attempt that is not inserted yet. */
static const bson_t *
pending_request (ApplyData *d, const char *client_id, const char *request_id)
{
  for (guint i = 0; i < d->requests->len; i++)
    {
      const bson_t *doc = g_ptr_array_index (d->requests, i);

      if (g_strcmp0 (sb_mongo_doc_get_utf8 (doc, "_id.c"), client_id) == 0
          && g_strcmp0 (sb_mongo_doc_get_utf8 (doc, "_id.r"), request_id) == 0)
        return doc;
    }
  return NULL;
}

static gboolean
mongo_lookup_outcome (gpointer backend,
                      const char *client_id,
                      const char *request_id,
                      gboolean *out_found,
                      char **out_outcome,
                      G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_auto (bson_t) filter = BSON_INITIALIZER;
  g_autoptr (bson_t) request = NULL;
  const bson_t *pending = pending_request (d, client_id, request_id);

  *out_found = FALSE;
  if (pending != NULL)
    {
      /* The same request twice in one batch. */
      *out_found = TRUE;
      *out_outcome = g_strdup (sb_mongo_doc_get_utf8 (pending, "outcome"));
      return TRUE;
    }
  sb_mongo_append_request_key (&filter, "_id", client_id, request_id);
  if (!sb_mongo_txn_find_one (d->txn, "requests", &filter, &request))
    return FALSE;
  if (request == NULL)
    return TRUE;
  *out_found = TRUE;
  *out_outcome = g_strdup (sb_mongo_doc_get_utf8 (request, "outcome"));
  return TRUE;
}

static gboolean
mongo_record_outcome (gpointer backend,
                      const char *client_id,
                      const char *request_id,
                      const char *outcome_json,
                      G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  bson_t *doc = bson_new ();

  sb_mongo_append_request_key (doc, "_id", client_id, request_id);
  BSON_APPEND_UTF8 (doc, "outcome", outcome_json);
  /* A BSON date, for the TTL index. */
  BSON_APPEND_DATE_TIME (doc, "created_at", sb_now_ms ());
  g_ptr_array_add (d->requests, doc);
  return TRUE;
}

/* The event's version within this attempt. */
static gboolean
mongo_read_event (gpointer backend,
                  const char *event_id,
                  gboolean *out_found,
                  gint64 *out_version,
                  G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  gint64 *version = g_hash_table_lookup (d->versions, event_id);

  *out_found = FALSE;
  *out_version = 0;
  if (version == NULL)
    {
      g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (event_id));
      /* The sales window comes with the version, in the same read (see mongo_read_sales). */
      g_autoptr (bson_t) opts
          = BCON_NEW ("projection", "{", "version", BCON_INT32 (1), "sales_open", BCON_INT32 (1),
                      "sales_close", BCON_INT32 (1), "}");
      g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
      const bson_t *doc;

      if (!sb_mongo_txn_find (d->txn, "events", filter, opts, docs))
        return FALSE;
      if (docs->len == 0)
        return TRUE;
      doc = g_ptr_array_index (docs, 0);
      /* [0] the version, [1] and [2] the sales window (0: no bound). */
      version = g_new0 (gint64, 3);
      version[0] = sb_mongo_doc_get_int64 (doc, "version", 0);
      version[1] = sb_mongo_doc_get_int64 (doc, "sales_open", 0);
      version[2] = sb_mongo_doc_get_int64 (doc, "sales_close", 0);
      g_hash_table_insert (d->versions, g_strdup (event_id), version);
    }
  *out_found = TRUE;
  *out_version = *version;
  return TRUE;
}

/* The sales window as read_event read it in this attempt (the rules read the event first). */
static gboolean
mongo_read_sales (gpointer backend,
                  const char *event_id,
                  gint64 *out_open_ms,
                  gint64 *out_close_ms,
                  GError **error)
{
  ApplyData *d = backend;
  gboolean found;
  gint64 version;
  gint64 *entry;

  if (!mongo_read_event (backend, event_id, &found, &version, error))
    return FALSE;
  entry = g_hash_table_lookup (d->versions, event_id);
  *out_open_ms = entry != NULL ? entry[1] : 0;
  *out_close_ms = entry != NULL ? entry[2] : 0;
  return TRUE;
}

/* The venue of an existing event, parsed once and cached: events never change their venue. */
static SbVenue *
mongo_get_venue (gpointer backend, const char *event_id, G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (event_id));
  g_autoptr (bson_t) opts = BCON_NEW ("projection", "{", "venue_json", BCON_INT32 (1),
                                      "orphan_rule", BCON_INT32 (1), "}");
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_autoptr (GError) local_error = NULL;
  SbOrphanRule rule = SB_ORPHAN_RULE_OFF;
  const char *json;
  SbVenue *venue;

  venue = g_hash_table_lookup (d->venues, event_id);
  if (venue != NULL)
    return venue;

  if (!sb_mongo_txn_find (d->txn, "events", filter, opts, docs))
    return NULL;
  json = docs->len > 0 ? sb_mongo_doc_get_utf8 (g_ptr_array_index (docs, 0), "venue_json") : NULL;
  if (json == NULL)
    {
      bson_set_error (d->txn->error, MONGOC_ERROR_BSON, MONGOC_ERROR_BSON_INVALID,
                      "event %s has no venue", event_id);
      return NULL;
    }
  venue = sb_store_rules_parse_venue (event_id, json, -1, &local_error);
  if (venue == NULL)
    {
      bson_set_error (d->txn->error, MONGOC_ERROR_BSON, MONGOC_ERROR_BSON_INVALID,
                      "the venue of event %s is unreadable: %s", event_id, local_error->message);
      return NULL;
    }
  /* The rule never changes either: kept with the cached venue, so reading it costs no round
   * trip. An event stored before rules existed has none: off. */
  if (!sb_orphan_rule_from_string (
          sb_mongo_doc_get_utf8 (g_ptr_array_index (docs, 0), "orphan_rule"), &rule))
    rule = SB_ORPHAN_RULE_OFF;
  sb_mongo_venue_set_orphan_rule (venue, rule);
  g_hash_table_insert (d->venues, g_strdup (event_id), venue);
  return venue;
}

/* Bumps the version counter (which makes concurrent writers of the event conflict) and appends
 * to the change log. */
static gboolean
mongo_append_change (gpointer backend,
                     const SbChange *change,
                     const char *json,
                     G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_autoptr (bson_t) filter
      = BCON_NEW ("_id", BCON_UTF8 (change->event_id), "version", BCON_INT64 (change->version - 1));
  g_autoptr (bson_t) update = BCON_NEW ("$inc", "{", "version", BCON_INT64 (1), "}");
  bson_t *log;
  gint64 *version;
  bson_t id;
  gint64 matched = 0;

  if (!sb_mongo_txn_update (d->txn, "events", FALSE, filter, update, &matched))
    return FALSE;
  if (matched != 1)
    {
      /* Cannot happen under snapshot isolation (a concurrent writer fails with WriteConflict);
       * refuse rather than write a version twice. */
      bson_set_error (d->txn->error, MONGOC_ERROR_TRANSACTION,
                      MONGOC_ERROR_TRANSACTION_INVALID_STATE,
                      "event %s changed version under an op", change->event_id);
      return FALSE;
    }
  version = g_hash_table_lookup (d->versions, change->event_id);
  if (version != NULL)
    *version = change->version;

  log = bson_new ();
  bson_append_document_begin (log, "_id", -1, &id);
  BSON_APPEND_UTF8 (&id, "e", change->event_id);
  BSON_APPEND_INT64 (&id, "v", change->version);
  bson_append_document_end (log, &id);
  BSON_APPEND_UTF8 (log, "change", json);
  BSON_APPEND_DATE_TIME (log, "committed_at", change->committed_at_ms);
  g_ptr_array_add (d->changes, log);
  return TRUE;
}

/* One find for all the seats: only seats that are not free have a document. */
static gboolean
mongo_read_seats (gpointer backend,
                  const char *event_id,
                  const char *const *seat_ids,
                  GPtrArray *out,
                  G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_autoptr (GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto (bson_t) filter = BSON_INITIALIZER;
  bson_t id, in;
  char index_key[16];
  const char *index_str;

  bson_append_document_begin (&filter, "_id", -1, &id);
  bson_append_array_begin (&id, "$in", -1, &in);
  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      bson_uint32_to_string (i, &index_str, index_key, sizeof index_key);
      sb_mongo_append_seat_key (&in, index_str, event_id, seat_ids[i]);
    }
  bson_append_array_end (&id, &in);
  bson_append_document_end (&filter, &id);

  if (!sb_mongo_txn_find (d->txn, "seat_states", &filter, NULL, docs))
    return FALSE;
  for (guint i = 0; i < docs->len; i++)
    {
      const bson_t *doc = g_ptr_array_index (docs, i);
      const char *seat = sb_mongo_doc_get_utf8 (doc, "_id.s");

      if (seat != NULL)
        g_hash_table_insert (taken, (gpointer) seat, (gpointer) doc);
    }

  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      const bson_t *doc = g_hash_table_lookup (taken, seat_ids[i]);
      const char *name;
      SbSeatState state;

      if (doc == NULL)
        {
          g_ptr_array_add (out, NULL);
          continue;
        }
      /* A document whose state is unreadable still makes the seat unavailable. */
      name = sb_mongo_doc_get_utf8 (doc, "state");
      if (name == NULL || !sb_seat_state_from_string (name, &state) || state == SB_SEAT_FREE)
        state = SB_SEAT_BLOCKED;
      g_ptr_array_add (
          out, sb_seat_change_new (seat_ids[i], state, sb_mongo_doc_get_utf8 (doc, "hold")));
    }
  return TRUE;
}

/* Read with the venue (mongo_get_venue), once per event and process. */
static gboolean
mongo_read_orphan_rule (gpointer backend,
                        const char *event_id,
                        SbOrphanRule *out_rule,
                        GError **error)
{
  SbVenue *venue = mongo_get_venue (backend, event_id, error);

  *out_rule = SB_ORPHAN_RULE_OFF;
  if (venue == NULL)
    return FALSE;
  *out_rule = sb_mongo_venue_get_orphan_rule (venue);
  return TRUE;
}

/* Only seats that are not free have a document: one find for the event's. */
static gboolean
mongo_read_taken_seats (gpointer backend,
                        const char *event_id,
                        SbVenue *venue,
                        guint8 *taken,
                        G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_autoptr (bson_t) filter = BCON_NEW ("_id.e", BCON_UTF8 (event_id));
  g_autoptr (bson_t) opts = BCON_NEW ("projection", "{", "_id", BCON_INT32 (1), "}");

  if (!sb_mongo_txn_find (d->txn, "seat_states", filter, opts, docs))
    return FALSE;
  for (guint i = 0; i < docs->len; i++)
    {
      const char *seat = sb_mongo_doc_get_utf8 (g_ptr_array_index (docs, i), "_id.s");
      guint index;

      if (seat != NULL && sb_venue_lookup_seat (venue, seat, &index))
        taken[index] = 1;
    }
  return TRUE;
}

/* Holds and bookings stored before accounts have no account: the placeholder's. */
static const char *
mongo_doc_account (const bson_t *doc)
{
  const char *account = sb_mongo_doc_get_utf8 (doc, "account");

  return account != NULL ? account : SB_LEGACY_ACCOUNT;
}

static SbStoredHold *
stored_hold_from_doc (const bson_t *doc)
{
  return sb_stored_hold_new (sb_mongo_doc_get_utf8 (doc, "_id"), sb_mongo_doc_get_utf8 (doc, "e"),
                             sb_mongo_doc_get_utf8 (doc, "c"), mongo_doc_account (doc),
                             sb_mongo_doc_get_utf8 (doc, "status"),
                             sb_mongo_doc_get_sorted_strv (doc, "seats"),
                             sb_mongo_doc_get_int64 (doc, "expires_at", 0));
}

static gboolean
mongo_read_hold (gpointer backend,
                 const char *hold_id,
                 SbStoredHold **out_hold,
                 G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (hold_id));
  g_autoptr (bson_t) doc = NULL;

  *out_hold = NULL;
  if (!sb_mongo_txn_find_one (d->txn, "holds", filter, &doc))
    return FALSE;
  if (doc == NULL)
    return TRUE;
  if (sb_mongo_doc_get_utf8 (doc, "e") == NULL || sb_mongo_doc_get_utf8 (doc, "status") == NULL)
    {
      bson_set_error (d->txn->error, MONGOC_ERROR_BSON, MONGOC_ERROR_BSON_INVALID,
                      "hold %s is damaged (no event or status)", hold_id);
      return FALSE;
    }
  *out_hold = stored_hold_from_doc (doc);
  return TRUE;
}

static gboolean
mongo_find_expired_holds (gpointer backend,
                          const char *event_id,
                          gint64 now_ms,
                          GPtrArray *out_holds,
                          G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_autoptr (bson_t) filter = BCON_NEW ("e", BCON_UTF8 (event_id), "status", BCON_UTF8 ("active"),
                                        "expires_at", "{", "$lte", BCON_INT64 (now_ms), "}");
  g_autoptr (bson_t) opts
      = BCON_NEW ("sort", "{", "expires_at", BCON_INT32 (1), "_id", BCON_INT32 (1), "}");

  if (!sb_mongo_txn_find (d->txn, "holds", filter, opts, docs))
    return FALSE;
  for (guint i = 0; i < docs->len; i++)
    g_ptr_array_add (out_holds, stored_hold_from_doc (g_ptr_array_index (docs, i)));
  return TRUE;
}

/* A collision of hold ids surfaces as a duplicate key, and the batch is run again. */
static gboolean
mongo_insert_hold (gpointer backend,
                   const SbStoredHold *hold,
                   G_GNUC_UNUSED gint64 now_ms,
                   gboolean *out_taken,
                   G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_auto (bson_t) doc = BSON_INITIALIZER;

  *out_taken = FALSE;
  BSON_APPEND_UTF8 (&doc, "_id", hold->hold_id);
  BSON_APPEND_UTF8 (&doc, "e", hold->event_id);
  BSON_APPEND_UTF8 (&doc, "c", hold->client_id);
  BSON_APPEND_UTF8 (&doc, "account", hold->account);
  sb_mongo_append_strv (&doc, "seats", (const char *const *) hold->seat_ids);
  BSON_APPEND_INT64 (&doc, "expires_at", hold->expires_at_ms);
  BSON_APPEND_UTF8 (&doc, "status", "active");
  BSON_APPEND_DATE_TIME (&doc, "created_at", sb_now_ms ());
  BSON_APPEND_NULL (&doc, "ended_at");
  return sb_mongo_txn_insert_one (d->txn, "holds", &doc);
}

static gboolean
mongo_extend_hold (gpointer backend,
                   const char *hold_id,
                   gint64 expires_at_ms,
                   G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (hold_id), "status", BCON_UTF8 ("active"));
  g_autoptr (bson_t) update = BCON_NEW ("$set", "{", "expires_at", BCON_INT64 (expires_at_ms), "}");

  return sb_mongo_txn_update (d->txn, "holds", FALSE, filter, update, NULL);
}

static gboolean
mongo_set_hold_seats (gpointer backend,
                      const char *hold_id,
                      const char *const *seat_ids,
                      G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (hold_id));
  g_auto (bson_t) update = BSON_INITIALIZER;
  bson_t set;

  bson_append_document_begin (&update, "$set", -1, &set);
  sb_mongo_append_strv (&set, "seats", seat_ids);
  bson_append_document_end (&update, &set);
  return sb_mongo_txn_update (d->txn, "holds", FALSE, filter, &update, NULL);
}

static gboolean
mongo_end_hold (gpointer backend,
                const char *hold_id,
                const char *status,
                G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (hold_id), "status", BCON_UTF8 ("active"));
  g_autoptr (bson_t) update = BCON_NEW ("$set", "{", "status", BCON_UTF8 (status), "ended_at",
                                        BCON_DATE_TIME (sb_now_ms ()), "}");

  return sb_mongo_txn_update (d->txn, "holds", FALSE, filter, update, NULL);
}

/* A reference taken already (8 characters out of 30: about one chance in 6.6e11 per booking made)
 * surfaces as a duplicate key and the batch runs again with a new one: no find before every insert
 * for so rare a case. */
static gboolean
mongo_insert_booking (gpointer backend,
                      const char *booking_id,
                      const char *event_id,
                      const char *client_id,
                      const char *account,
                      const char *hold_id,
                      const char *const *seat_ids,
                      const SbCustomer *customer,
                      gint64 now_ms,
                      gboolean *out_taken,
                      G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_auto (bson_t) doc = BSON_INITIALIZER;

  *out_taken = FALSE;
  BSON_APPEND_UTF8 (&doc, "_id", booking_id);
  BSON_APPEND_UTF8 (&doc, "e", event_id);
  BSON_APPEND_UTF8 (&doc, "c", client_id);
  BSON_APPEND_UTF8 (&doc, "account", account);
  sb_mongo_append_utf8_or_null (&doc, "hold", hold_id);
  sb_mongo_append_strv (&doc, "seats", seat_ids);
  BSON_APPEND_DATE_TIME (&doc, "created_at", now_ms);
  if (customer != NULL)
    sb_mongo_append_customer (&doc, customer);
  return sb_mongo_txn_insert_one (d->txn, "bookings", &doc);
}

static gboolean
mongo_read_booking (gpointer backend,
                    const char *booking_id,
                    SbStoredBooking **out_booking,
                    G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (booking_id));
  g_autoptr (bson_t) doc = NULL;
  const char *status;

  *out_booking = NULL;
  if (!sb_mongo_txn_find_one (d->txn, "bookings", filter, &doc))
    return FALSE;
  if (doc == NULL)
    return TRUE;
  if (sb_mongo_doc_get_utf8 (doc, "e") == NULL)
    {
      bson_set_error (d->txn->error, MONGOC_ERROR_BSON, MONGOC_ERROR_BSON_INVALID,
                      "booking %s is damaged (no event)", booking_id);
      return FALSE;
    }
  /* Bookings stored before cancellations have no status: they are active. */
  status = sb_mongo_doc_get_utf8 (doc, "status");
  *out_booking = sb_stored_booking_new (booking_id, sb_mongo_doc_get_utf8 (doc, "e"),
                                        sb_mongo_doc_get_utf8 (doc, "c"), mongo_doc_account (doc),
                                        status != NULL ? status : "active",
                                        sb_mongo_doc_get_sorted_strv (doc, "seats"));
  return TRUE;
}

/* The seats' documents go (one delete), and the booking document keeps the seats left and gets
 * the cancellation appended to its "cancellations" (one update). */
static gboolean
mongo_cancel_booking_seats (gpointer backend, const SbCancellation *c, G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_auto (bson_t) seats_filter = BSON_INITIALIZER;
  g_autoptr (bson_t) booking_filter = BCON_NEW ("_id", BCON_UTF8 (c->booking_id));
  g_auto (bson_t) update = BSON_INITIALIZER;
  bson_t id, in, set, push, entry;
  char index_key[16];
  const char *index_str;

  bson_append_document_begin (&seats_filter, "_id", -1, &id);
  bson_append_array_begin (&id, "$in", -1, &in);
  for (guint i = 0; c->seat_ids[i] != NULL; i++)
    {
      bson_uint32_to_string (i, &index_str, index_key, sizeof index_key);
      sb_mongo_append_seat_key (&in, index_str, c->event_id, c->seat_ids[i]);
    }
  bson_append_array_end (&id, &in);
  bson_append_document_end (&seats_filter, &id);
  BSON_APPEND_UTF8 (&seats_filter, "state", "booked");
  BSON_APPEND_UTF8 (&seats_filter, "booking", c->booking_id);

  bson_append_document_begin (&update, "$set", -1, &set);
  sb_mongo_append_strv (&set, "seats", c->seats_left);
  BSON_APPEND_UTF8 (&set, "status", c->seats_left[0] == NULL ? "cancelled" : "active");
  bson_append_document_end (&update, &set);
  bson_append_document_begin (&update, "$push", -1, &push);
  bson_append_document_begin (&push, "cancellations", -1, &entry);
  sb_mongo_append_strv (&entry, "seats", c->seat_ids);
  BSON_APPEND_UTF8 (&entry, "refund", sb_refund_kind_to_string (c->refund.kind));
  BSON_APPEND_INT64 (&entry, "refund_amount", c->refund.amount);
  BSON_APPEND_UTF8 (&entry, "reason", c->reason);
  BSON_APPEND_UTF8 (&entry, "account", c->account);
  BSON_APPEND_UTF8 (&entry, "desk", c->desk);
  BSON_APPEND_DATE_TIME (&entry, "at", c->at_ms);
  bson_append_document_end (&push, &entry);
  bson_append_document_end (&update, &push);

  return sb_mongo_txn_delete (d->txn, "seat_states", &seats_filter)
         && sb_mongo_txn_update (d->txn, "bookings", FALSE, booking_filter, &update, NULL);
}

/* The filter {_id: {$in: [the seats' keys]}}. */
static void
append_seats_filter (bson_t *filter, const char *event_id, const char *const *seat_ids)
{
  bson_t id, in;
  char index_key[16];
  const char *index_str;

  bson_append_document_begin (filter, "_id", -1, &id);
  bson_append_array_begin (&id, "$in", -1, &in);
  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      bson_uint32_to_string (i, &index_str, index_key, sizeof index_key);
      sb_mongo_append_seat_key (&in, index_str, event_id, seat_ids[i]);
    }
  bson_append_array_end (&id, &in);
  bson_append_document_end (filter, &id);
}

/* The unique _id of seat_states refuses a seat another process took meanwhile. */
static gboolean
mongo_block_seats (gpointer backend,
                   const char *event_id,
                   const char *const *seat_ids,
                   G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);

  for (guint i = 0; seat_ids[i] != NULL; i++)
    g_ptr_array_add (docs, sb_mongo_seat_doc (event_id, seat_ids[i], SB_SEAT_BLOCKED, NULL, NULL));
  return sb_mongo_txn_insert (d->txn, "seat_states", docs);
}

static gboolean
mongo_unblock_seats (gpointer backend,
                     const char *event_id,
                     const char *const *seat_ids,
                     G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_auto (bson_t) filter = BSON_INITIALIZER;

  append_seats_filter (&filter, event_id, seat_ids);
  BSON_APPEND_UTF8 (&filter, "state", "blocked");
  return sb_mongo_txn_delete (d->txn, "seat_states", &filter);
}

/* The seats' documents go (one delete); the hold's document keeps the others (set_hold_seats). */
static gboolean
mongo_free_held_seats (gpointer backend,
                       const char *event_id,
                       const char *hold_id,
                       const char *const *seat_ids,
                       G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_auto (bson_t) filter = BSON_INITIALIZER;

  append_seats_filter (&filter, event_id, seat_ids);
  BSON_APPEND_UTF8 (&filter, "state", "held");
  BSON_APPEND_UTF8 (&filter, "hold", hold_id);
  return sb_mongo_txn_delete (d->txn, "seat_states", &filter);
}

/* Collection audit (sb-mongo-audit.c reads it). The _id is made here, an ObjectId, so that
 * entries of the same millisecond keep their order. */
void
sb_mongo_audit_doc (bson_t *doc, const SbAuditRecord *entry)
{
  bson_oid_t oid;

  bson_oid_init (&oid, NULL);
  BSON_APPEND_OID (doc, "_id", &oid);
  BSON_APPEND_UTF8 (doc, "e", entry->event_id);
  BSON_APPEND_INT64 (doc, "at", entry->at_ms);
  BSON_APPEND_UTF8 (doc, "account", entry->account);
  BSON_APPEND_UTF8 (doc, "desk", entry->desk);
  BSON_APPEND_UTF8 (doc, "action", entry->action);
  sb_mongo_append_strv (doc, "seats", (const char *const *) entry->seat_ids);
  sb_mongo_append_utf8_or_null (doc, "hold", entry->hold_id);
  sb_mongo_append_utf8_or_null (doc, "booking", entry->booking_id);
  sb_mongo_append_utf8_or_null (doc, "detail", entry->detail);
}

static gboolean
mongo_append_audit (gpointer backend, const SbAuditRecord *entry, G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_auto (bson_t) doc = BSON_INITIALIZER;

  sb_mongo_audit_doc (&doc, entry);
  return sb_mongo_txn_insert_one (d->txn, "audit", &doc);
}

/* The unique _id of seat_states is what makes a double hold impossible. */
static gboolean
mongo_hold_seats (gpointer backend,
                  const char *event_id,
                  const char *const *seat_ids,
                  const char *hold_id,
                  G_GNUC_UNUSED char **out_refused_seat,
                  G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_autoptr (GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);

  for (guint i = 0; seat_ids[i] != NULL; i++)
    g_ptr_array_add (docs, sb_mongo_seat_doc (event_id, seat_ids[i], SB_SEAT_HELD, hold_id, NULL));
  return sb_mongo_txn_insert (d->txn, "seat_states", docs);
}

static gboolean
mongo_free_hold_seats (gpointer backend,
                       const char *event_id,
                       const char *hold_id,
                       G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_autoptr (bson_t) filter = BCON_NEW ("_id.e", BCON_UTF8 (event_id), "hold", BCON_UTF8 (hold_id),
                                        "state", BCON_UTF8 ("held"));

  return sb_mongo_txn_delete (d->txn, "seat_states", filter);
}

static gboolean
mongo_book_hold_seats (gpointer backend,
                       const char *event_id,
                       const char *hold_id,
                       G_GNUC_UNUSED const char *const *seat_ids,
                       const char *booking_id,
                       G_GNUC_UNUSED char **out_refused_seat,
                       G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_autoptr (bson_t) filter = BCON_NEW ("_id.e", BCON_UTF8 (event_id), "hold", BCON_UTF8 (hold_id),
                                        "state", BCON_UTF8 ("held"));
  g_autoptr (bson_t) update = BCON_NEW ("$set", "{", "state", BCON_UTF8 ("booked"), "hold",
                                        BCON_NULL, "booking", BCON_UTF8 (booking_id), "}");

  return sb_mongo_txn_update (d->txn, "seat_states", TRUE, filter, update, NULL);
}

/* One bulk write for all the seats: the held ones change state (one update command), the free
 * ones get their document (one insert command). */
static gboolean
mongo_book_seats (gpointer backend,
                  const char *event_id,
                  const char *const *seat_ids,
                  const char *const *held_by,
                  const char *booking_id,
                  G_GNUC_UNUSED char **out_refused_seat,
                  G_GNUC_UNUSED GError **error)
{
  ApplyData *d = backend;
  g_autoptr (GPtrArray) updates = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_autoptr (GPtrArray) inserts = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  gint64 matched = 0;

  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      bson_t *filter;

      if (held_by[i] == NULL)
        {
          g_ptr_array_add (
              inserts, sb_mongo_seat_doc (event_id, seat_ids[i], SB_SEAT_BOOKED, NULL, booking_id));
          continue;
        }
      filter = bson_new ();
      sb_mongo_append_seat_key (filter, "_id", event_id, seat_ids[i]);
      BSON_APPEND_UTF8 (filter, "state", "held");
      BSON_APPEND_UTF8 (filter, "hold", held_by[i]);
      g_ptr_array_add (updates, filter);
      g_ptr_array_add (updates, BCON_NEW ("$set", "{", "state", BCON_UTF8 ("booked"), "hold",
                                          BCON_NULL, "booking", BCON_UTF8 (booking_id), "}"));
    }
  if (!sb_mongo_txn_bulk (d->txn, "seat_states", updates, inserts, &matched))
    return FALSE;
  if (matched != updates->len / 2)
    {
      /* The snapshot said held by these holds: a concurrent writer would have failed the
       * transaction with WriteConflict instead. */
      bson_set_error (d->txn->error, MONGOC_ERROR_TRANSACTION,
                      MONGOC_ERROR_TRANSACTION_INVALID_STATE,
                      "seats of event %s changed under the transaction", event_id);
      return FALSE;
    }
  return TRUE;
}

/* The freed seats' documents go (one delete), the taken seats are booked as mongo_book_seats books
 * them (one bulk write), and the booking document gets its new seat list (one update). */
static gboolean
mongo_move_booking_seats (gpointer backend,
                          const SbMove *m,
                          char **out_refused_seat,
                          GError **error)
{
  ApplyData *d = backend;
  g_auto (bson_t) seats_filter = BSON_INITIALIZER;
  g_autoptr (bson_t) booking_filter = BCON_NEW ("_id", BCON_UTF8 (m->booking_id));
  g_auto (bson_t) update = BSON_INITIALIZER;
  bson_t set;

  append_seats_filter (&seats_filter, m->event_id, m->freed);
  BSON_APPEND_UTF8 (&seats_filter, "state", "booked");
  BSON_APPEND_UTF8 (&seats_filter, "booking", m->booking_id);
  bson_append_document_begin (&update, "$set", -1, &set);
  sb_mongo_append_strv (&set, "seats", m->seats_after);
  bson_append_document_end (&update, &set);

  return (m->freed[0] == NULL || sb_mongo_txn_delete (d->txn, "seat_states", &seats_filter))
         && mongo_book_seats (backend, m->event_id, m->taken, m->held_by, m->booking_id,
                              out_refused_seat, error)
         && sb_mongo_txn_update (d->txn, "bookings", FALSE, booking_filter, &update, NULL);
}

/* An earlier attempt of this batch failed on a duplicate seat key at this op, yet its seats read
 * as free now: another process took them and let them go in between. */
static gboolean
mongo_seats_refused_before (gpointer backend, G_GNUC_UNUSED const SbOp *op)
{
  ApplyData *d = backend;

  return g_hash_table_contains (d->forced_unavailable, GUINT_TO_POINTER (d->current + 1));
}

static SbOccupancyCache *
mongo_occupancy_cache (gpointer backend)
{
  return ((ApplyData *) backend)->occupancy;
}

static const SbStoreBackendFuncs backend_funcs = {
  .lookup_outcome = mongo_lookup_outcome,
  .record_outcome = mongo_record_outcome,
  .read_event = mongo_read_event,
  .get_venue = mongo_get_venue,
  .append_change = mongo_append_change,
  .read_seats = mongo_read_seats,
  .read_taken_seats = mongo_read_taken_seats,
  .read_orphan_rule = mongo_read_orphan_rule,
  .read_sales = mongo_read_sales,
  .read_hold = mongo_read_hold,
  .find_expired_holds = mongo_find_expired_holds,
  .insert_hold = mongo_insert_hold,
  .extend_hold = mongo_extend_hold,
  .set_hold_seats = mongo_set_hold_seats,
  .end_hold = mongo_end_hold,
  .insert_booking = mongo_insert_booking,
  .append_audit = mongo_append_audit,
  .hold_seats = mongo_hold_seats,
  .free_hold_seats = mongo_free_hold_seats,
  .free_held_seats = mongo_free_held_seats,
  .book_hold_seats = mongo_book_hold_seats,
  .book_seats = mongo_book_seats,
  .seats_refused_before = mongo_seats_refused_before,
  .occupancy_cache = mongo_occupancy_cache,
  .read_booking = mongo_read_booking,
  .cancel_booking_seats = mongo_cancel_booking_seats,
  .block_seats = mongo_block_seats,
  .unblock_seats = mongo_unblock_seats,
  .move_booking_seats = mongo_move_booking_seats,
};

static gboolean
apply_body (SbMongoTxn *t, gpointer data)
{
  ApplyData *d = data;

  /* This may be a retry: start over from the ops as they were submitted, and from the occupancy
   * as committed (what an earlier attempt cached was never committed). */
  d->txn = t;
  sb_occupancy_cache_discard_batch (d->occupancy);
  g_hash_table_remove_all (d->versions);
  g_ptr_array_set_size (d->changes, 0);
  g_ptr_array_set_size (d->requests, 0);
  for (guint i = 0; i < d->ops->len; i++)
    {
      SbOp *op = g_ptr_array_index (d->ops, i);

      sb_op_clear_outcome (op);
      if (!d->had_event[i])
        g_clear_pointer (&op->event_id, g_free);
    }

  for (d->current = 0; d->current < d->ops->len; d->current++)
    {
      g_autoptr (GError) local_error = NULL;

      if (!sb_store_rules_apply_op (&backend_funcs, d, g_ptr_array_index (d->ops, d->current),
                                    &local_error))
        {
          /* The primitives have set t->error; the rules' own failures come as a GError. */
          if (local_error != NULL)
            bson_set_error (t->error, MONGOC_ERROR_BSON, MONGOC_ERROR_BSON_INVALID, "%s",
                            local_error->message);
          return FALSE;
        }
    }
  /* What the ops left for the end of the batch (d->current == ops->len: a duplicate key here
   * refuses no op's seats). */
  return (d->changes->len == 0 || sb_mongo_txn_insert (t, "changes", d->changes))
         && (d->requests->len == 0 || sb_mongo_txn_insert (t, "requests", d->requests));
}

gboolean
sb_mongo_apply (SbMongoConn *conn,
                GHashTable *venues,
                SbOccupancyCache *occupancy,
                GPtrArray *ops,
                GError **error)
{
  g_autoptr (GHashTable) versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) forced = g_hash_table_new (NULL, NULL);
  g_autofree gboolean *had_event = g_new0 (gboolean, ops->len);
  g_autoptr (GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  g_autoptr (GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) bson_destroy);
  ApplyData data
      = { venues, ops, had_event, versions, 0, forced, NULL, changes, requests, occupancy };
  gint64 deadline_us = sb_mongo_txn_deadline ();
  bson_error_t berror;
  gint64 committed_at;

  for (guint i = 0; i < ops->len; i++)
    had_event[i] = ((SbOp *) g_ptr_array_index (ops, i))->event_id != NULL;

  for (guint attempt = 0;; attempt++)
    {
      if (sb_mongo_run_transaction (conn, deadline_us, apply_body, &data, &berror))
        break;

      /* A duplicate key aborts the whole transaction (the server ends it). On a seat, another
       * process took the seat after this transaction's snapshot: run the batch again, and that op
       * reports the seat unavailable. On anything else (an id that collided with another
       * process's), just run the batch again. */
      if (sb_mongo_is_duplicate_key (&berror) && attempt < MAX_DUPLICATE_RETRIES
          && sb_mongo_backoff (attempt + 1, deadline_us))
        {
          if (strstr (berror.message, "seat_states") != NULL && data.current < ops->len)
            g_hash_table_add (forced, GUINT_TO_POINTER (data.current + 1));
          sb_mongo_conn_count_retry (conn, SB_MONGO_RETRY_DUPLICATE_KEY);
          continue;
        }

      /* Nothing was committed: no op may look as if it had been. */
      sb_occupancy_cache_discard_batch (occupancy);
      for (guint i = 0; i < ops->len; i++)
        sb_op_clear_outcome (g_ptr_array_index (ops, i));
      sb_mongo_set_error (error, &berror, "transaction failed");
      return FALSE;
    }

  sb_occupancy_cache_keep_batch (occupancy);
  committed_at = g_get_monotonic_time ();
  for (guint i = 0; i < ops->len; i++)
    ((SbOp *) g_ptr_array_index (ops, i))->committed_at_us = committed_at;
  return TRUE;
}

void
sb_mongo_venue_set_orphan_rule (SbVenue *venue, SbOrphanRule rule)
{
  g_object_set_data (G_OBJECT (venue), "sb-orphan-rule", GINT_TO_POINTER (rule + 1));
}

SbOrphanRule
sb_mongo_venue_get_orphan_rule (SbVenue *venue)
{
  gint value = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (venue), "sb-orphan-rule"));

  return value > 0 ? (SbOrphanRule) (value - 1) : SB_ORPHAN_RULE_OFF;
}
