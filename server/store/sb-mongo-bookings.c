/* sb-mongo-bookings.c: a booking's customer in the MongoDB store and find_bookings
 * (sb-mongo-bookings-private.h). One find outside any transaction on the indexes made at start
 * (sb-mongo-store.c): a booking is written in the transaction of its seats, and a cancellation
 * changes its seats and status in its own (sb-mongo-apply.c). */
#include "config.h"

#include "sb-mongo-bookings-private.h"

#include "sb-mongo-bson-private.h"

void
sb_mongo_append_customer (bson_t *doc, const SbCustomer *customer)
{
  g_auto (GStrv) name_keys = sb_customer_name_keys (customer->name);
  g_autofree char *phone_key = sb_customer_phone_key (customer->phone);
  g_autofree char *email_key = sb_customer_email_key (customer->email);
  bson_t child;

  BSON_APPEND_DOCUMENT_BEGIN (doc, "customer", &child);
  if (customer->name != NULL)
    BSON_APPEND_UTF8 (&child, "name", customer->name);
  if (customer->phone != NULL)
    BSON_APPEND_UTF8 (&child, "phone", customer->phone);
  if (customer->email != NULL)
    BSON_APPEND_UTF8 (&child, "email", customer->email);
  if (customer->note != NULL)
    BSON_APPEND_UTF8 (&child, "note", customer->note);
  bson_append_document_end (doc, &child);
  sb_mongo_append_strv (doc, "name_keys", (const char *const *) name_keys);
  if (phone_key != NULL)
    BSON_APPEND_UTF8 (doc, "phone_key", phone_key);
  if (email_key != NULL)
    BSON_APPEND_UTF8 (doc, "email_key", email_key);
}

static SbBookingRecord *
record_from_doc (const bson_t *doc, const char *event_id)
{
  bson_iter_t iter;
  SbCustomer *customer = NULL;
  SbBookingRecord *record;

  if (bson_iter_init_find (&iter, doc, "customer") && BSON_ITER_HOLDS_DOCUMENT (&iter))
    customer = sb_customer_new (sb_mongo_doc_get_utf8 (doc, "customer.name"),
                                sb_mongo_doc_get_utf8 (doc, "customer.phone"),
                                sb_mongo_doc_get_utf8 (doc, "customer.email"),
                                sb_mongo_doc_get_utf8 (doc, "customer.note"));
  record = sb_booking_record_new (
      sb_mongo_doc_get_utf8 (doc, "_id"), event_id, sb_mongo_doc_get_utf8 (doc, "c"),
      sb_mongo_doc_get_utf8 (doc, "account"), sb_mongo_doc_get_sorted_strv (doc, "seats"), customer,
      sb_mongo_doc_get_int64 (doc, "created_at", 0));
  sb_booking_record_set_stored_status (record, sb_mongo_doc_get_utf8 (doc, "status"));
  return record;
}

/* The criterion on the folded key (sb-store-bookings.h). */
static void
append_criterion (bson_t *filter, const SbBookingQuery *query)
{
  g_autofree char *pattern = NULL;
  g_autofree char *escaped = NULL;

  switch (query->by)
    {
      case SB_BOOKING_SEARCH_REFERENCE:
        BSON_APPEND_UTF8 (filter, "_id", query->key);
        break;
      case SB_BOOKING_SEARCH_NAME:
        /* Anchored and case-sensitive on the folded keys: a prefix scan of the index. */
        escaped = g_regex_escape_string (query->key, -1);
        pattern = g_strconcat ("^", escaped, NULL);
        BSON_APPEND_REGEX (filter, "name_keys", pattern, "");
        break;
      case SB_BOOKING_SEARCH_PHONE:
        BSON_APPEND_UTF8 (filter, "phone_key", query->key);
        break;
      case SB_BOOKING_SEARCH_EMAIL:
        BSON_APPEND_UTF8 (filter, "email_key", query->key);
        break;
      case SB_BOOKING_SEARCH_SEAT:
        /* An array equal to a value matches when one element is that value. */
        BSON_APPEND_UTF8 (filter, "seats", query->key);
        break;
      case SB_BOOKING_SEARCH_ALL:
      default:
        break;
    }
}

/* (created_at, _id) after the cursor's booking, which must be one of the event's. */
static gboolean
append_cursor (mongoc_collection_t *coll,
               bson_t *filter,
               const SbBookingQuery *query,
               GError **error)
{
  g_autoptr (bson_t) by_id = NULL;
  g_autoptr (bson_t) opts = NULL;
  g_autoptr (mongoc_cursor_t) cursor = NULL;
  const bson_t *doc;
  bson_error_t berror;
  gint64 at;
  bson_t or, first, second, gt;

  if (query->after == NULL)
    return TRUE;
  by_id = BCON_NEW ("_id", BCON_UTF8 (query->after), "e", BCON_UTF8 (query->event_id));
  opts = BCON_NEW ("projection", "{", "created_at", BCON_INT32 (1), "}", "limit", BCON_INT64 (1));
  cursor = mongoc_collection_find_with_opts (coll, by_id, opts, NULL);
  if (!mongoc_cursor_next (cursor, &doc))
    {
      if (mongoc_cursor_error (cursor, &berror))
        sb_mongo_set_error (error, &berror, "finding bookings");
      else
        g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND,
                     "No booking %s in event %s to continue after", query->after, query->event_id);
      return FALSE;
    }
  at = sb_mongo_doc_get_int64 (doc, "created_at", 0);

  BSON_APPEND_ARRAY_BEGIN (filter, "$or", & or);
  BSON_APPEND_DOCUMENT_BEGIN (& or, "0", &first);
  BSON_APPEND_DOCUMENT_BEGIN (&first, "created_at", &gt);
  BSON_APPEND_DATE_TIME (&gt, "$gt", at);
  bson_append_document_end (&first, &gt);
  bson_append_document_end (& or, &first);
  BSON_APPEND_DOCUMENT_BEGIN (& or, "1", &second);
  BSON_APPEND_DATE_TIME (&second, "created_at", at);
  BSON_APPEND_DOCUMENT_BEGIN (&second, "_id", &gt);
  BSON_APPEND_UTF8 (&gt, "$gt", query->after);
  bson_append_document_end (&second, &gt);
  bson_append_document_end (& or, &second);
  bson_append_array_end (filter, & or);
  return TRUE;
}

GPtrArray *
sb_mongo_find_bookings (mongoc_client_t *client,
                        const char *db_name,
                        const SbBookingQuery *query,
                        GError **error)
{
  g_autoptr (mongoc_collection_t) coll = mongoc_client_get_collection (client, db_name, "bookings");
  g_autoptr (bson_t) filter = BCON_NEW ("e", BCON_UTF8 (query->event_id));
  g_autoptr (bson_t) opts = BCON_NEW ("sort", "{", "created_at", BCON_INT32 (1), "_id",
                                      BCON_INT32 (1), "}", "limit", BCON_INT64 (query->limit));
  g_autoptr (mongoc_cursor_t) cursor = NULL;
  g_autoptr (GPtrArray) found
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_booking_record_free);
  const bson_t *doc;
  bson_error_t berror;

  append_criterion (filter, query);
  if (!append_cursor (coll, filter, query, error))
    return NULL;
  cursor = mongoc_collection_find_with_opts (coll, filter, opts, NULL);
  while (mongoc_cursor_next (cursor, &doc))
    g_ptr_array_add (found, record_from_doc (doc, query->event_id));
  if (mongoc_cursor_error (cursor, &berror))
    {
      sb_mongo_set_error (error, &berror, "finding bookings");
      return NULL;
    }
  return g_steal_pointer (&found);
}
