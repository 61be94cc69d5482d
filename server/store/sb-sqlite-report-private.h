/* sb-sqlite-report-private.h: the sales behind a report on the SQLite store
 * (sb-sqlite-report.c). Private to server/store/. */
#pragma once

#include "sb-sqlite-db-private.h"
#include "sb-store-report.h"

G_BEGIN_DECLS

/* The two reads, for the test that checks their query plans. */
extern const char sb_sqlite_report_kept_sql[];
extern const char sb_sqlite_report_cancelled_sql[];

/* Sales by day in time_zone (an IANA name or "UTC"), counted here: SQLite has no zones. */
gboolean sb_sqlite_read_sales (SbSqliteDb *db,
                               const char *event_id,
                               const char *time_zone,
                               GPtrArray *out_rows,
                               gint64 *out_refunded,
                               GError **error);

G_END_DECLS
