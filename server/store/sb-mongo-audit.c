/* sb-mongo-audit.c: reading the audit trail of the MongoDB store (sb-mongo-audit-private.h). One
 * find, newest first so that the limit keeps the newest, outside any transaction: entries are
 * only ever added, in the transaction of the change they describe. */
#include "config.h"

#include "sb-mongo-audit-private.h"

#include "sb-mongo-bson-private.h"

static SbAuditRecord *
entry_from_doc (const bson_t *doc, const char *event_id)
{
  g_auto (GStrv) seats = sb_mongo_doc_get_strv (doc, "seats");

  return sb_audit_record_new (
      event_id, sb_mongo_doc_get_int64 (doc, "at", 0), sb_mongo_doc_get_utf8 (doc, "account"),
      sb_mongo_doc_get_utf8 (doc, "desk"), sb_mongo_doc_get_utf8 (doc, "action"),
      (const char *const *) seats, sb_mongo_doc_get_utf8 (doc, "hold"),
      sb_mongo_doc_get_utf8 (doc, "booking"), sb_mongo_doc_get_utf8 (doc, "detail"));
}

GPtrArray *
sb_mongo_audit_list (mongoc_client_t *client,
                     const char *db_name,
                     const SbAuditQuery *query,
                     GError **error)
{
  g_autoptr (mongoc_collection_t) coll = mongoc_client_get_collection (client, db_name, "audit");
  g_autoptr (bson_t) filter = BCON_NEW ("e", BCON_UTF8 (query->event_id), "at", "{", "$gte",
                                        BCON_INT64 (query->since_ms), "}");
  g_autoptr (bson_t) opts = BCON_NEW ("sort", "{", "at", BCON_INT32 (-1), "_id", BCON_INT32 (-1),
                                      "}", "limit", BCON_INT64 (query->limit));
  g_autoptr (mongoc_cursor_t) cursor = NULL;
  g_autoptr (GPtrArray) entries
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_audit_record_free);
  const bson_t *doc;
  bson_error_t berror;

  /* An array field equal to a value matches when one element is that value. */
  if (query->seat_id != NULL)
    BSON_APPEND_UTF8 (filter, "seats", query->seat_id);
  if (query->booking_id != NULL)
    BSON_APPEND_UTF8 (filter, "booking", query->booking_id);
  cursor = mongoc_collection_find_with_opts (coll, filter, opts, NULL);
  while (mongoc_cursor_next (cursor, &doc))
    g_ptr_array_add (entries, entry_from_doc (doc, query->event_id));
  if (mongoc_cursor_error (cursor, &berror))
    {
      sb_mongo_set_error (error, &berror, "reading the audit trail");
      return NULL;
    }
  /* Oldest first. */
  for (guint i = 0, j = entries->len; i + 1 < j; i++, j--)
    {
      gpointer swap = entries->pdata[i];

      entries->pdata[i] = entries->pdata[j - 1];
      entries->pdata[j - 1] = swap;
    }
  return g_steal_pointer (&entries);
}
