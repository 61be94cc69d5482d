/* sb-mongo-report.c: read_sales on the MongoDB store (sb-mongo-report-private.h): one aggregation
 * of the event's bookings (found by the index {e} made at start), outside any
 * transaction. A booking keeps its seats in `seats` and each cancellation the seats it gave back
 * in `cancellations[].seats` with its refund_amount (sb-mongo-apply.c); the server groups them by
 * account, day (the event's local day) and seat and sums the refunds, so what comes back is one
 * document:
 *
 *   [{$match: {e}},
 *    {$facet: {kept:      [{$unwind: "$seats"}, {$group: {_id: {a, d, s: "$seats"}, n}}],
 *              cancelled: [{$unwind: "$cancellations"}, {$unwind: "$cancellations.seats"},
 *                          {$group: {_id: {a, d, s: "$cancellations.seats"}, n}}],
 *              refunded:  [{$unwind: "$cancellations"}, {$group: {_id: null,
 *                          amount: {$sum: "$cancellations.refund_amount"}}}]}}]
 *
 * with a: "$account", d: {$dateToString: {format: "%Y-%m-%d", date: "$created_at", timezone}} and
 * n: {$sum: 1}. MongoDB takes an Olson name as timezone and applies the offset in force at each
 * date, daylight saving included ("UTC" for an event without a zone). A $facet's result is one
 * document (16 MB): an event of 100,000 seats gives about as many distinct (a, d, s), more only for
 * seats sold again, of about 80 bytes each. */
#include "config.h"

#include "sb-mongo-report-private.h"

#include "sb-mongo-bson-private.h"

/* {$group: {_id: {a: "$account", d: <the booking's day in time_zone>, s: seat_path}, n: {$sum: 1}}}
 */
static void
append_group_stage (bson_t *pipeline,
                    const char *index,
                    const char *seat_path,
                    const char *time_zone)
{
  bson_t stage, group, id, day, to_string, count;

  BSON_APPEND_DOCUMENT_BEGIN (pipeline, index, &stage);
  BSON_APPEND_DOCUMENT_BEGIN (&stage, "$group", &group);
  BSON_APPEND_DOCUMENT_BEGIN (&group, "_id", &id);
  BSON_APPEND_UTF8 (&id, "a", "$account");
  BSON_APPEND_DOCUMENT_BEGIN (&id, "d", &day);
  BSON_APPEND_DOCUMENT_BEGIN (&day, "$dateToString", &to_string);
  BSON_APPEND_UTF8 (&to_string, "format", "%Y-%m-%d");
  BSON_APPEND_UTF8 (&to_string, "date", "$created_at");
  BSON_APPEND_UTF8 (&to_string, "timezone", time_zone);
  bson_append_document_end (&day, &to_string);
  bson_append_document_end (&id, &day);
  BSON_APPEND_UTF8 (&id, "s", seat_path);
  bson_append_document_end (&group, &id);
  BSON_APPEND_DOCUMENT_BEGIN (&group, "n", &count);
  BSON_APPEND_INT32 (&count, "$sum", 1);
  bson_append_document_end (&group, &count);
  bson_append_document_end (&stage, &group);
  bson_append_document_end (pipeline, &stage);
}

static void
append_unwind_stage (bson_t *pipeline, const char *index, const char *path)
{
  bson_t stage;

  BSON_APPEND_DOCUMENT_BEGIN (pipeline, index, &stage);
  BSON_APPEND_UTF8 (&stage, "$unwind", path);
  bson_append_document_end (pipeline, &stage);
}

static bson_t *
new_pipeline (const char *event_id, const char *time_zone)
{
  bson_t *pipeline = bson_new ();
  bson_t stage, match, facet, kept, cancelled, refunded, group, sum;

  BSON_APPEND_DOCUMENT_BEGIN (pipeline, "0", &stage);
  BSON_APPEND_DOCUMENT_BEGIN (&stage, "$match", &match);
  BSON_APPEND_UTF8 (&match, "e", event_id);
  bson_append_document_end (&stage, &match);
  bson_append_document_end (pipeline, &stage);

  BSON_APPEND_DOCUMENT_BEGIN (pipeline, "1", &stage);
  BSON_APPEND_DOCUMENT_BEGIN (&stage, "$facet", &facet);
  BSON_APPEND_ARRAY_BEGIN (&facet, "kept", &kept);
  append_unwind_stage (&kept, "0", "$seats");
  append_group_stage (&kept, "1", "$seats", time_zone);
  bson_append_array_end (&facet, &kept);
  BSON_APPEND_ARRAY_BEGIN (&facet, "cancelled", &cancelled);
  append_unwind_stage (&cancelled, "0", "$cancellations");
  append_unwind_stage (&cancelled, "1", "$cancellations.seats");
  append_group_stage (&cancelled, "2", "$cancellations.seats", time_zone);
  bson_append_array_end (&facet, &cancelled);
  BSON_APPEND_ARRAY_BEGIN (&facet, "refunded", &refunded);
  append_unwind_stage (&refunded, "0", "$cancellations");
  {
    bson_t group_stage;

    BSON_APPEND_DOCUMENT_BEGIN (&refunded, "1", &group_stage);
    BSON_APPEND_DOCUMENT_BEGIN (&group_stage, "$group", &group);
    BSON_APPEND_NULL (&group, "_id");
    BSON_APPEND_DOCUMENT_BEGIN (&group, "amount", &sum);
    BSON_APPEND_UTF8 (&sum, "$sum", "$cancellations.refund_amount");
    bson_append_document_end (&group, &sum);
    bson_append_document_end (&group_stage, &group);
    bson_append_document_end (&refunded, &group_stage);
  }
  bson_append_array_end (&facet, &refunded);
  bson_append_document_end (&stage, &facet);
  bson_append_document_end (pipeline, &stage);
  return pipeline;
}

/* The groups of one facet: {_id: {a, d, s}, n} each. */
static void
read_groups (const bson_t *result, const char *facet, GPtrArray *out_rows)
{
  bson_iter_t iter, child;

  if (!bson_iter_init_find (&iter, result, facet) || !BSON_ITER_HOLDS_ARRAY (&iter)
      || !bson_iter_recurse (&iter, &child))
    return;
  while (bson_iter_next (&child))
    {
      const guint8 *data;
      guint32 length;
      bson_t group;

      if (!BSON_ITER_HOLDS_DOCUMENT (&child))
        continue;
      bson_iter_document (&child, &length, &data);
      if (!bson_init_static (&group, data, length))
        continue;
      g_ptr_array_add (out_rows, sb_sale_row_new (sb_mongo_doc_get_utf8 (&group, "_id.a"),
                                                  sb_mongo_doc_get_utf8 (&group, "_id.d"),
                                                  sb_mongo_doc_get_utf8 (&group, "_id.s"),
                                                  sb_mongo_doc_get_int64 (&group, "n", 0)));
    }
}

gboolean
sb_mongo_read_sales (mongoc_client_t *client,
                     const char *db_name,
                     const char *event_id,
                     const char *time_zone,
                     GPtrArray *out_rows,
                     gint64 *out_refunded,
                     GError **error)
{
  g_autoptr (mongoc_collection_t) coll = mongoc_client_get_collection (client, db_name, "bookings");
  g_autoptr (bson_t) pipeline = new_pipeline (event_id, time_zone);
  g_autoptr (mongoc_cursor_t) cursor = NULL;
  const bson_t *doc;
  bson_error_t berror;

  *out_refunded = 0;
  cursor = mongoc_collection_aggregate (coll, MONGOC_QUERY_NONE, pipeline, NULL, NULL);
  while (mongoc_cursor_next (cursor, &doc))
    {
      read_groups (doc, "kept", out_rows);
      read_groups (doc, "cancelled", out_rows);
      *out_refunded += sb_mongo_doc_get_int64 (doc, "refunded.0.amount", 0);
    }
  if (mongoc_cursor_error (cursor, &berror))
    {
      sb_mongo_set_error (error, &berror, "reading sales");
      return FALSE;
    }
  return TRUE;
}
