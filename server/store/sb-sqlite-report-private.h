/* sb-sqlite-report-private.h: the sales behind a report on the SQLite store
 * (sb-sqlite-report.c). Private to server/store/. */
#pragma once

#include "sb-sqlite-db-private.h"
#include "sb-store-report.h"

G_BEGIN_DECLS

/* The two reads, for the test that checks their query plans. */
extern const char sb_sqlite_report_kept_sql[];
extern const char sb_sqlite_report_cancelled_sql[];

gboolean sb_sqlite_read_sales (SbSqliteDb *db,
                               const char *event_id,
                               GPtrArray *out_rows,
                               gint64 *out_refunded,
                               GError **error);

G_END_DECLS
