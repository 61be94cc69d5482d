/* sb-sqlite-report.c: read_sales on the SQLite store (sb-sqlite-report-private.h), on the tables
 * of schema version 6 (sb-sqlite-db.c) and no index of its own. Not on the booking path:
 * statements are prepared when used, and both reads run in one read transaction (a report made
 * beside a running server sees a booking and its cancellations together or not at all).
 *
 * A seat a booking keeps is its booking_seats row; a seat a cancellation gave back is gone from
 * there and named in the cancellation's row (cancellations.seats).
 *
 * SQLite knows no time zone but UTC and a fixed offset, and an event's day changes its offset
 * twice a year: both reads give the booking's time (created_at, Unix ms) and the days are counted
 * here with GTimeZone, each instant with the offset in force then (sb_sale_day ()). Grouping by the
 * time instead of the day costs few rows: a booking's seats share it, and the groups are per seat
 * already. EXPLAIN QUERY PLAN:
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

const char sb_sqlite_report_kept_sql[]
    = "SELECT b.account, b.created_at, s.seat_id, count (*) FROM booking_seats s"
      " JOIN bookings b ON b.booking_id = s.booking_id WHERE s.event_id = ?1"
      " GROUP BY 1, 2, 3";
const char sb_sqlite_report_cancelled_sql[]
    = "SELECT b.account, b.created_at, c.seats, c.refund_amount FROM bookings b"
      " JOIN cancellations c ON c.booking_id = b.booking_id WHERE b.event_id = ?1";

/* The day of a booking time in the event's zone; rows of one booking come one after the other,
 * so the last time's day is kept. */
typedef struct
{
  GTimeZone *zone;
  gint64 at_ms;
  char *day;
} DayOf;

static const char *
day_of (DayOf *days, gint64 at_ms)
{
  if (days->day == NULL || days->at_ms != at_ms)
    {
      g_free (days->day);
      days->day = sb_sale_day (days->zone, at_ms);
      days->at_ms = at_ms;
    }
  return days->day;
}

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
read_kept (SbSqliteDb *db, const char *event_id, DayOf *days, GPtrArray *out_rows, GError **error)
{
  g_autoptr (SbReportStmt) stmt = NULL;
  int rc;

  if (!prepare (db, sb_sqlite_report_kept_sql, &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, event_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out_rows, sb_sale_row_new (sb_sqlite_column_text (stmt, 0),
                                                day_of (days, sqlite3_column_int64 (stmt, 1)),
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
read_cancelled (SbSqliteDb *db,
                const char *event_id,
                DayOf *days,
                GPtrArray *out_rows,
                gint64 *out_refunded,
                GError **error)
{
  g_autoptr (SbReportStmt) stmt = NULL;
  int rc;

  if (!prepare (db, sb_sqlite_report_cancelled_sql, &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, event_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_auto (GStrv) seats = sb_sqlite_audit_decode_seats (sb_sqlite_column_text (stmt, 2));
      const char *day = day_of (days, sqlite3_column_int64 (stmt, 1));

      for (guint i = 0; seats[i] != NULL; i++)
        g_ptr_array_add (out_rows,
                         sb_sale_row_new (sb_sqlite_column_text (stmt, 0), day, seats[i], 1));
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
sb_sqlite_read_sales (SbSqliteDb *db,
                      const char *event_id,
                      const char *time_zone,
                      GPtrArray *out_rows,
                      gint64 *out_refunded,
                      GError **error)
{
  g_autoptr (GTimeZone) zone = g_time_zone_new_identifier (time_zone);
  DayOf days = { zone, 0, NULL };
  gboolean ok;

  *out_refunded = 0;
  /* Every event's zone was checked when it was created (sb_event_spec_check ()); only a machine
   * whose zone database lacks it gets here. */
  if (zone == NULL)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                   "Reading sales: the time zone “%s” is not known here", time_zone);
      return FALSE;
    }
  if (sqlite3_exec (db->handle, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    {
      sb_sqlite_db_set_error (db, error, "reading sales");
      return FALSE;
    }
  ok = read_kept (db, event_id, &days, out_rows, error)
       && read_cancelled (db, event_id, &days, out_rows, out_refunded, error);
  g_free (days.day);
  /* Nothing was written: ending the read cannot lose anything. */
  sqlite3_exec (db->handle, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
  return ok;
}
