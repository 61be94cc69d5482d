/* sb-mongo-report-private.h: the sales behind a report on the MongoDB store (sb-mongo-report.c).
 * Private to server/store/. */
#pragma once

#include <mongoc/mongoc.h>

#include "sb-store-report.h"

G_BEGIN_DECLS

/* Sales by day in time_zone (an IANA name or "UTC"), counted by the server. */
gboolean sb_mongo_read_sales (mongoc_client_t *client,
                              const char *db_name,
                              const char *event_id,
                              const char *time_zone,
                              GPtrArray *out_rows,
                              gint64 *out_refunded,
                              GError **error);

G_END_DECLS
