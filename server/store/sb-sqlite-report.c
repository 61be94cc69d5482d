/* sb-sqlite-report.c: read_sales on the SQLite store (sb-sqlite-report-private.h), on the tables
 * of schema version 6 (sb-sqlite-db.c) and no index of its own. Not on the booking path:
 * statements are prepared when used, and both reads run in one read transaction (a report made
 * beside a running server sees a booking and its cancellations together or not at all).
 *
 * A seat a booking keeps is its booking_seats row; a seat a cancellation gave back is gone from
 * there and named in the cancellation's row (cancellations.seats). EXPLAIN QUERY PLAN:
 *   kept:      SEARCH s USING PRIMARY KEY (event_id=?),
 *              SEARCH b USING INDEX sqlite_autoindex_bookings_1 (booking_id=?)
 *   cancelled: SEARCH b USING INDEX bookings_event_time (event_id=?),
 *              SEARCH c USING INDEX cancellations_booking (booking_id=?)
 * (tests/store/test-store-report.c checks that neither scans a table). */
#include "config.h"

#include "sb-sqlite-report-private.h"

#include "sb-sqlite-audit-private.h"

typedef sqlite3_stmt SbReportStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbReportStmt, sqlite3_finalize)

/* created_at is Unix ms; the day is UTC's. */
#define DAY_SQL "strftime ('%Y-%m-%d', b.created_at / 1000, 'unixepoch')"

const char sb_sqlite_report_kept_sql[]
    = "SELECT b.account, " DAY_SQL ", s.seat_id, count (*) FROM booking_seats s"
      " JOIN bookings b ON b.booking_id = s.booking_id WHERE s.event_id = ?1"
      " GROUP BY 1, 2, 3";
const char sb_sqlite_report_cancelled_sql[]
    = "SELECT b.account, " DAY_SQL ", c.seats, c.refund_amount FROM bookings b"
      " JOIN cancellations c ON c.booking_id = b.booking_id WHERE b.event_id = ?1";

static gboolean
prepare (SbSqliteDb *db, const char *sql, SbReportStmt **out, GError **error)
{
  if (sqlite3_prepare_v2 (db->handle, sql, -1, out, NULL) != SQLITE_OK)
    {
      sb_sqlite_db_set_error (db, error, "reading sales");
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_kept (SbSqliteDb *db, const char *event_id, GPtrArray *out_rows, GError **error)
{
  g_autoptr (SbReportStmt) stmt = NULL;
  int rc;

  if (!prepare (db, sb_sqlite_report_kept_sql, &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, event_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out_rows, sb_sale_row_new (sb_sqlite_column_text (stmt, 0),
                                                sb_sqlite_column_text (stmt, 1),
                                                sb_sqlite_column_text (stmt, 2),
                                                sqlite3_column_int64 (stmt, 3)));
  if (rc != SQLITE_DONE)
    {
      sb_sqlite_db_set_error (db, error, "reading sales");
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_cancelled (
    SbSqliteDb *db, const char *event_id, GPtrArray *out_rows, gint64 *out_refunded, GError **error)
{
  g_autoptr (SbReportStmt) stmt = NULL;
  int rc;

  if (!prepare (db, sb_sqlite_report_cancelled_sql, &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, event_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_auto (GStrv) seats = sb_sqlite_audit_decode_seats (sb_sqlite_column_text (stmt, 2));

      for (guint i = 0; seats[i] != NULL; i++)
        g_ptr_array_add (out_rows, sb_sale_row_new (sb_sqlite_column_text (stmt, 0),
                                                    sb_sqlite_column_text (stmt, 1), seats[i], 1));
      *out_refunded += sqlite3_column_int64 (stmt, 3);
    }
  if (rc != SQLITE_DONE)
    {
      sb_sqlite_db_set_error (db, error, "reading sales");
      return FALSE;
    }
  return TRUE;
}

gboolean
sb_sqlite_read_sales (
    SbSqliteDb *db, const char *event_id, GPtrArray *out_rows, gint64 *out_refunded, GError **error)
{
  gboolean ok;

  *out_refunded = 0;
  if (sqlite3_exec (db->handle, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    {
      sb_sqlite_db_set_error (db, error, "reading sales");
      return FALSE;
    }
  ok = read_kept (db, event_id, out_rows, error)
       && read_cancelled (db, event_id, out_rows, out_refunded, error);
  /* Nothing was written: ending the read cannot lose anything. */
  sqlite3_exec (db->handle, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
  return ok;
}
