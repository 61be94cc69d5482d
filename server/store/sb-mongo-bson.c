/* sb-mongo-bson.c: the MongoDB store's BSON helpers (sb-mongo-bson-private.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sb-mongo-bson-private.h"
#include "sb-store.h"

#define DUPLICATE_KEY 11000

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

void
sb_mongo_set_error (GError **error, const bson_error_t *berror, const char *what)
{
  g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED, "MongoDB: %s: %s (%u.%u)", what,
               berror->message, berror->domain, berror->code);
}

gboolean
sb_mongo_is_duplicate_key (const bson_error_t *berror)
{
  return (berror->domain == MONGOC_ERROR_SERVER || berror->domain == MONGOC_ERROR_COLLECTION
          || berror->domain == MONGOC_ERROR_WRITE_CONCERN)
         && berror->code == DUPLICATE_KEY;
}

const char *
sb_mongo_doc_get_utf8 (const bson_t *doc, const char *dotkey)
{
  bson_iter_t iter;

  if (bson_iter_init (&iter, doc) && bson_iter_find_descendant (&iter, dotkey, &iter)
      && BSON_ITER_HOLDS_UTF8 (&iter))
    return bson_iter_utf8 (&iter, NULL);
  return NULL;
}

gint64
sb_mongo_doc_get_int64 (const bson_t *doc, const char *dotkey, gint64 fallback)
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
char **
sb_mongo_doc_get_strv (const bson_t *doc, const char *dotkey)
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

void
sb_mongo_append_strv (bson_t *doc, const char *key, const char *const *strv)
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

void
sb_mongo_append_utf8_or_null (bson_t *doc, const char *key, const char *value)
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

void
sb_mongo_append_seat_key (bson_t *doc, const char *key, const char *event_id, const char *seat_id)
{
  append_key_pair (doc, key, "e", event_id, "s", seat_id);
}

void
sb_mongo_append_request_key (bson_t *doc,
                             const char *key,
                             const char *client_id,
                             const char *request_id)
{
  append_key_pair (doc, key, "c", client_id, "r", request_id);
}

/* A seat_states document. */
bson_t *
sb_mongo_seat_doc (const char *event_id,
                   const char *seat_id,
                   SbSeatState state,
                   const char *hold_id,
                   const char *booking_id)
{
  bson_t *doc = bson_new ();

  sb_mongo_append_seat_key (doc, "_id", event_id, seat_id);
  BSON_APPEND_UTF8 (doc, "state", sb_seat_state_to_string (state));
  sb_mongo_append_utf8_or_null (doc, "hold", hold_id);
  sb_mongo_append_utf8_or_null (doc, "booking", booking_id);
  return doc;
}

char **
sb_mongo_doc_get_sorted_strv (const bson_t *doc, const char *dotkey)
{
  char **strv = sb_mongo_doc_get_strv (doc, dotkey);

  qsort (strv, g_strv_length (strv), sizeof (char *), compare_strings);
  return strv;
}
