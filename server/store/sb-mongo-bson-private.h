/* sb-mongo-bson-private.h: the MongoDB store's BSON helpers — reading fields, building the
 * documents and keys of its collections, and its errors. Private to server/store/. */
#pragma once

#include <glib.h>
#include <mongoc/mongoc.h>

#include "sb-protocol.h"

G_BEGIN_DECLS

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

/* An SB_STORE_ERROR_FAILED error "MongoDB: what: message (domain.code)". */
void sb_mongo_set_error (GError **error, const bson_error_t *berror, const char *what);
gboolean sb_mongo_is_duplicate_key (const bson_error_t *berror);

/* Fields by dotted key; NULL, fallback or an empty array when missing or of another type. */
const char *sb_mongo_doc_get_utf8 (const bson_t *doc, const char *dotkey);
gint64 sb_mongo_doc_get_int64 (const bson_t *doc, const char *dotkey, gint64 fallback);
char **sb_mongo_doc_get_strv (const bson_t *doc, const char *dotkey);
/* The same, sorted (as every backend reports a hold's seats). */
char **sb_mongo_doc_get_sorted_strv (const bson_t *doc, const char *dotkey);

void sb_mongo_append_strv (bson_t *doc, const char *key, const char *const *strv);
void sb_mongo_append_utf8_or_null (bson_t *doc, const char *key, const char *value);
/* The compound _id of seat_states, {e: event, s: seat}. */
void
sb_mongo_append_seat_key (bson_t *doc, const char *key, const char *event_id, const char *seat_id);
/* The compound _id of requests, {c: client, r: request}. */
void sb_mongo_append_request_key (bson_t *doc,
                                  const char *key,
                                  const char *client_id,
                                  const char *request_id);

/* A seat_states document. */
bson_t *sb_mongo_seat_doc (const char *event_id,
                           const char *seat_id,
                           SbSeatState state,
                           const char *hold_id,
                           const char *booking_id);

G_END_DECLS
