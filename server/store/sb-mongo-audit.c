/* sb-mongo-audit.c: reading the audit trail of the MongoDB store (sb-mongo-audit-private.h). One
 * find, newest first so that the limit keeps the newest, outside any transaction: entries are
 * only ever added, in the transaction of the change they describe. */
#include "config.h"

#include "sb-mongo-audit-private.h"

#include "sb-mongo-accounts-private.h"
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

/* Not in a transaction: account writes of this store are single-document writes (see
 * sb-mongo-accounts.c). The session comes first, so that no entry claims a sign-in whose session
 * was not recorded. */
gboolean
sb_mongo_audit_sign_in (mongoc_client_t *client,
                        const char *db_name,
                        const SbAuditRecord *record,
                        const char *token_hash,
                        gint64 expires_at_ms,
                        GError **error)
{
  g_autoptr (mongoc_collection_t) coll = NULL;
  g_auto (bson_t) doc = BSON_INITIALIZER;
  bson_error_t berror;

  if (token_hash != NULL
      && !sb_mongo_sessions_put (client, db_name, token_hash, record->account, record->at_ms,
                                 expires_at_ms, error))
    return FALSE;
  BSON_APPEND_UTF8 (&doc, "e", record->event_id);
  BSON_APPEND_INT64 (&doc, "at", record->at_ms);
  BSON_APPEND_UTF8 (&doc, "account", record->account);
  BSON_APPEND_UTF8 (&doc, "desk", record->desk);
  BSON_APPEND_UTF8 (&doc, "action", record->action);
  sb_mongo_append_strv (&doc, "seats", (const char *const *) record->seat_ids);
  sb_mongo_append_utf8_or_null (&doc, "hold", record->hold_id);
  sb_mongo_append_utf8_or_null (&doc, "booking", record->booking_id);
  sb_mongo_append_utf8_or_null (&doc, "detail", record->detail);
  coll = mongoc_client_get_collection (client, db_name, "audit");
  if (!mongoc_collection_insert_one (coll, &doc, NULL, NULL, &berror))
    {
      sb_mongo_set_error (error, &berror, "recording a sign-in");
      return FALSE;
    }
  return TRUE;
}
