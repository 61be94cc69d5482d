/* sb-sqlite-bookings.c: find_bookings on the SQLite store (sb-store-bookings.h), on the tables of
 * schema version 5 (sb-sqlite-db.c). Not on the booking path: statements are prepared when used.
 * Every search is an index range: the event's bookings by (created_at, booking_id), a name prefix
 * on booking_name_keys' primary key, a phone or email on its partial index, a seat on
 * booking_seats' primary key (EXPLAIN QUERY PLAN shows each). */
#include "config.h"

#include "sb-sqlite-bookings-private.h"

typedef sqlite3_stmt SbBookingsStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbBookingsStmt, sqlite3_finalize)

static const char columns_sql[]
    = "SELECT b.booking_id, b.client_id, b.account, b.created_at, c.name, c.phone, c.email, c.note,"
      " b.status";
/* After the cursor (?2, ?3): by (created_at, booking_id), which bookings_event_time orders. */
static const char page_sql[]
    = " LEFT JOIN booking_customers c ON c.booking_id = b.booking_id"
      " WHERE b.event_id = ?1 AND (b.created_at > ?2 OR (b.created_at = ?2 AND b.booking_id > ?3))"
      " ORDER BY b.created_at, b.booking_id LIMIT ?6";

/* The bookings that match a criterion, read from its index: ?4 is the key, ?5 the end of a name
 * prefix's range. They drive the query (CROSS JOIN keeps that order), so a search reads its
 * matches and sorts them, rather than walking every booking of the event; all of an event's
 * bookings are read in order from bookings_event_time. */
static const char *
matches_of (SbBookingSearch by)
{
  switch (by)
    {
      case SB_BOOKING_SEARCH_REFERENCE:
        return "SELECT ?4 AS booking_id";
      case SB_BOOKING_SEARCH_NAME:
        /* DISTINCT: "anna annabel" has two keys that start with "ann". */
        return "SELECT DISTINCT booking_id FROM booking_name_keys"
               " WHERE event_id = ?1 AND name_key >= ?4 AND name_key < ?5";
      case SB_BOOKING_SEARCH_PHONE:
        return "SELECT booking_id FROM booking_customers WHERE event_id = ?1 AND phone_key = ?4";
      case SB_BOOKING_SEARCH_EMAIL:
        return "SELECT booking_id FROM booking_customers WHERE event_id = ?1 AND email_key = ?4";
      case SB_BOOKING_SEARCH_SEAT:
        return "SELECT booking_id FROM booking_seats WHERE event_id = ?1 AND seat_id = ?4";
      case SB_BOOKING_SEARCH_ALL:
      default:
        return NULL;
    }
}

static char *
query_sql (SbBookingSearch by)
{
  const char *matches = matches_of (by);

  if (matches == NULL)
    return g_strconcat (columns_sql, " FROM bookings b", page_sql, NULL);
  return g_strconcat (columns_sql, " FROM (", matches,
                      ") m CROSS JOIN bookings b ON b.booking_id = m.booking_id", page_sql, NULL);
}

static gboolean
prepare (SbSqliteDb *db, const char *sql, SbBookingsStmt **out, GError **error)
{
  if (sqlite3_prepare_v2 (db->handle, sql, -1, out, NULL) != SQLITE_OK)
    {
      sb_sqlite_db_set_error (db, error, "finding bookings");
      return FALSE;
    }
  return TRUE;
}

/* Where the page starts: after the booking named, which must be one of the event's. */
static gboolean
read_cursor (SbSqliteDb *db,
             const SbBookingQuery *query,
             gint64 *out_at,
             const char **out_id,
             GError **error)
{
  g_autoptr (SbBookingsStmt) stmt = NULL;
  int rc;

  *out_at = -1;
  *out_id = "";
  if (query->after == NULL)
    return TRUE;
  if (!prepare (db, "SELECT created_at FROM bookings WHERE booking_id = ?1 AND event_id = ?2",
                &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, query->after, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, query->event_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_at = sqlite3_column_int64 (stmt, 0);
      *out_id = query->after;
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND,
                   "No booking %s in event %s to continue after", query->after, query->event_id);
      return FALSE;
    }
  sb_sqlite_db_set_error (db, error, "finding bookings");
  return FALSE;
}

static char **
read_seats (SbSqliteDb *db, SbBookingsStmt *stmt, const char *booking_id, GError **error)
{
  g_autoptr (GStrvBuilder) seats = g_strv_builder_new ();
  int rc;

  sqlite3_reset (stmt);
  sqlite3_bind_text (stmt, 1, booking_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (seats, sb_sqlite_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      sb_sqlite_db_set_error (db, error, "reading a booking's seats");
      return NULL;
    }
  return g_strv_builder_end (seats);
}

GPtrArray *
sb_sqlite_find_bookings (SbSqliteDb *db, const SbBookingQuery *query, GError **error)
{
  g_autoptr (GPtrArray) found
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_booking_record_free);
  g_autoptr (SbBookingsStmt) stmt = NULL;
  g_autoptr (SbBookingsStmt) seats_stmt = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *key_end = NULL;
  const char *after_id;
  gint64 after_at;
  int rc;

  if (!read_cursor (db, query, &after_at, &after_id, error))
    return NULL;
  sql = query_sql (query->by);
  if (!prepare (db, sql, &stmt, error)
      || !prepare (db, "SELECT seat_id FROM booking_seats WHERE booking_id = ?1 ORDER BY seat_id",
                   &seats_stmt, error))
    return NULL;
  /* Every key that starts with the prefix sorts below the prefix followed by 0xFF, a byte that
   * UTF-8 never uses (text compares bytewise: BINARY collation). */
  if (query->key != NULL)
    key_end = g_strconcat (query->key, "\xff", NULL);
  sqlite3_bind_text (stmt, 1, query->event_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, after_at);
  sqlite3_bind_text (stmt, 3, after_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, query->key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, key_end, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, query->limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *booking_id = sb_sqlite_column_text (stmt, 0);
      SbCustomer *customer = NULL;
      SbBookingRecord *record;
      char **seats;

      /* A booking made with a customer has its row; one made without, none (all NULL). */
      if (sqlite3_column_type (stmt, 4) != SQLITE_NULL
          || sqlite3_column_type (stmt, 5) != SQLITE_NULL
          || sqlite3_column_type (stmt, 6) != SQLITE_NULL
          || sqlite3_column_type (stmt, 7) != SQLITE_NULL)
        customer
            = sb_customer_new (sb_sqlite_column_text (stmt, 4), sb_sqlite_column_text (stmt, 5),
                               sb_sqlite_column_text (stmt, 6), sb_sqlite_column_text (stmt, 7));
      seats = read_seats (db, seats_stmt, booking_id, error);
      if (seats == NULL)
        {
          sb_customer_free (customer);
          return NULL;
        }
      record = sb_booking_record_new (booking_id, query->event_id, sb_sqlite_column_text (stmt, 1),
                                      sb_sqlite_column_text (stmt, 2), seats, customer,
                                      sqlite3_column_int64 (stmt, 3));
      sb_booking_record_set_stored_status (record, sb_sqlite_column_text (stmt, 8));
      g_ptr_array_add (found, record);
    }
  if (rc != SQLITE_DONE)
    {
      sb_sqlite_db_set_error (db, error, "finding bookings");
      return NULL;
    }
  return g_steal_pointer (&found);
}
