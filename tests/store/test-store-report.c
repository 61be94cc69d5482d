/* test-store-report.c: an event's report (issue 11 item 7, docs/protocol.md "report") after
 * bookings, a hold, blocks (one by the venue, one by a manager), a partial cancellation with a
 * partial refund, a whole cancellation with a full refund and a seat booked again: every figure
 * equals what the store holds (its seat states, what the cancellations refunded), the four counts
 * of every category add up to the venue's seats, and the sales are split by day (UTC) and account.
 * The days are the event's local calendar days in its time zone, each sale with the offset in
 * force when it was made (daylight saving), and UTC's for an event without a zone.
 * On SQLite, neither of the report's reads scans a table (EXPLAIN QUERY PLAN).
 *
 * The store comes from SEATBOOK_TEST_STORE_URI when set (tests/mongo runs this program against the
 * fake MongoDB), else from a fresh temporary SQLite file per test case. */
#include "config.h"

#include <sqlite3.h>

#include "sb-sqlite-report-private.h"
#include "sb-store-report.h"
#include "store-op-fixture.h"

#define DAY_MS (24 * 3600 * 1000)

/* Row A premium at 4000, row B standard at 2500; the venue blocks B-6. */
static char *
make_venue (void)
{
  GString *json = g_string_new (
      "{\"format\":1,\"id\":\"report-hall\",\"name\":\"Report Hall\",\"currency\":\"EUR\","
      "\"categories\":[{\"id\":\"premium\",\"name\":\"Premium\",\"price\":4000,\"colour\":"
      "\"#aa3300\"},{\"id\":\"std\",\"name\":\"Standard\",\"price\":2500,\"colour\":\"#3366cc\"}],"
      "\"sections\":[{\"id\":\"hall\",\"name\":\"Hall\",\"rows\":[");

  for (guint r = 0; r < 2; r++)
    {
      g_string_append_printf (json, "%s{\"id\":\"%c\",\"label\":\"%c\",\"seats\":[", r ? "," : "",
                              'A' + r, 'A' + r);
      for (guint s = 1; s <= 6; s++)
        g_string_append_printf (
            json, "%s{\"id\":\"%c-%u\",\"label\":\"%u\",\"x\":%u,\"y\":%u,\"category\":\"%s\"%s}",
            s > 1 ? "," : "", 'A' + r, s, s, s, r, r == 0 ? "premium" : "std",
            r == 1 && s == 6 ? ",\"blocked\":true" : "");
      g_string_append (json, "]}");
    }
  g_string_append (json, "]}]}");
  return g_string_free (json, FALSE);
}

/* data: the event's time zone, or NULL for none. */
static void
set_up (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *suffix = store_test_random_suffix ();
  g_autofree char *venue = make_venue ();
  SbEventSpec spec = { 0 };

  f->uri = store_test_pick_uri ("seatbook.db", &f->dir, &f->db_path);
  f->store = sb_store_open (f->uri, &error);
  g_assert_no_error (error);
  f->event_id = g_strdup_printf ("ev-%s", suffix);
  f->desk1 = g_strdup_printf ("desk1-%s", suffix);
  f->desk2 = g_strdup_printf ("desk2-%s", suffix);
  f->anna = g_strdup_printf ("anna-%s", suffix);
  f->ben = g_strdup_printf ("ben-%s", suffix);
  f->now = g_get_real_time () / 1000;
  spec.event_id = f->event_id;
  spec.name = "Report night";
  spec.venue_json = venue;
  spec.starts_at_ms = 1764270000000;
  spec.time_zone = data;
  g_assert_true (sb_store_create_event_spec (f->store, &spec, &error));
  g_assert_no_error (error);
}

/* The event's time zone as the store keeps it (what `seatbook-server report` and the live event
 * pass to sb_store_report ()). */
static char *
stored_time_zone (StoreOpFixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = sb_store_list_events (f->store, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      const SbEventRecord *event = g_ptr_array_index (events, i);

      if (g_str_equal (event->event_id, f->event_id))
        return g_strdup (event->time_zone);
    }
  g_assert_not_reached ();
}

/* Unix ms of an ISO 8601 time with its offset. */
static gint64
ms_of (const char *iso8601)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_iso8601 (iso8601, NULL);

  g_assert_nonnull (time);
  return g_date_time_to_unix (time) * 1000;
}

static SbVenue *
load_venue (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *json = make_venue ();
  SbVenue *venue = sb_venue_new_from_data (json, -1, "report-hall", &error);

  g_assert_no_error (error);
  return venue;
}

static SbOp *
book (StoreOpFixture *f, const char *account, gint64 at_ms, const char *const *seats)
{
  return store_op_book (f, account, at_ms, seats);
}

/* A booking whose op the test does not look at again. */
static void
sell (StoreOpFixture *f, const char *account, gint64 at_ms, const char *const *seats)
{
  sb_op_free (book (f, account, at_ms, seats));
}

static SbOp *
cancel (StoreOpFixture *f,
        const char *booking,
        const char *const *seats,
        SbRefundKind kind,
        gint64 amount)
{
  SbOp *op = store_op_new (f, SB_OP_CANCEL, f->desk2, f->ben, NULL);

  op->event_id = g_strdup (f->event_id);
  op->booking_id = g_strdup (booking);
  op->seat_ids = seats != NULL ? g_strdupv ((char **) seats) : NULL;
  op->refund.kind = kind;
  op->refund.amount = amount;
  op->reason = g_strdup ("customer is ill");
  store_op_run (f, op);
  store_op_assert_ok (op);
  return op;
}

static char *
day_of (gint64 ms)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);

  return g_date_time_format (utc, "%Y-%m-%d");
}

static const SbReportSales *
sales_of (GPtrArray *sales, guint index, const char *key)
{
  const SbReportSales *entry;

  g_assert_cmpuint (index, <, sales->len);
  entry = g_ptr_array_index (sales, index);
  g_assert_cmpstr (entry->key, ==, key);
  return entry;
}

/* Counts per state in the store's own state of the event (what load_event reads). */
static void
count_store_states (StoreOpFixture *f, guint counts[SB_SEAT_BLOCKED + 1])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbEventState) state = sb_store_load_event (f->store, f->event_id, &error);

  g_assert_no_error (error);
  memset (counts, 0, sizeof (guint) * (SB_SEAT_BLOCKED + 1));
  for (guint i = 0; i < state->seats->len; i++)
    counts[((SbSeatChange *) g_ptr_array_index (state->seats, i))->state]++;
}

static void
test_report_figures (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbVenue) venue = load_venue ();
  g_autoptr (GError) error = NULL;
  gint64 earlier = f->now - 2 * DAY_MS;
  g_autofree char *today = day_of (f->now);
  g_autofree char *before = day_of (earlier);
  g_autoptr (SbOp) first = book (f, f->anna, f->now, SEATS ("A-1", "A-2", "B-1"));
  g_autoptr (SbOp) second = book (f, f->ben, earlier, SEATS ("B-2", "B-3"));
  g_autoptr (SbOp) hold = store_op_run (f, store_op_hold (f, f->desk1, f->anna, SEATS ("A-3")));
  g_autoptr (SbOp) block = store_op_new (f, SB_OP_BLOCK, f->desk2, f->ben, NULL);
  g_autoptr (SbOp) part = NULL;
  g_autoptr (SbOp) whole = NULL;
  g_autoptr (SbOp) again = NULL;
  g_autoptr (SbEventReport) report = NULL;
  const SbReportCategory *premium, *standard;
  guint store_counts[SB_SEAT_BLOCKED + 1];
  guint sold = 0, held = 0, blocked = 0, total = 0;

  store_op_assert_ok (hold);
  block->event_id = g_strdup (f->event_id);
  block->seat_ids = g_strdupv ((char **) SEATS ("A-6"));
  block->reason = g_strdup ("camera position");
  store_op_run (f, block);
  store_op_assert_ok (block);
  part = cancel (f, first->result_booking_id, SEATS ("A-2"), SB_REFUND_PARTIAL, 1000);
  whole = cancel (f, second->result_booking_id, NULL, SB_REFUND_FULL, 0);
  g_assert_cmpint (whole->result_refund.amount, ==, 5000);
  again = book (f, f->anna, f->now, SEATS ("B-2"));

  report = sb_store_report (f->store, f->event_id, venue, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpstr (report->event_id, ==, f->event_id);
  g_assert_cmpstr (report->currency, ==, "EUR");
  g_assert_cmpuint (report->n_seats, ==, 12);
  g_assert_cmpuint (report->categories->len, ==, 2);

  /* A-1 sold, A-2 given back, A-3 held, A-6 blocked by the manager. */
  premium = g_ptr_array_index (report->categories, 0);
  g_assert_cmpstr (premium->category_id, ==, "premium");
  g_assert_cmpint (premium->price, ==, 4000);
  g_assert_cmpuint (premium->sold, ==, 1);
  g_assert_cmpuint (premium->held, ==, 1);
  g_assert_cmpuint (premium->blocked, ==, 1);
  g_assert_cmpuint (premium->free, ==, 3);
  /* B-1 and B-2 (booked again) sold, B-3 given back, B-6 blocked by the venue. */
  standard = g_ptr_array_index (report->categories, 1);
  g_assert_cmpstr (standard->category_id, ==, "std");
  g_assert_cmpuint (standard->sold, ==, 2);
  g_assert_cmpuint (standard->held, ==, 0);
  g_assert_cmpuint (standard->blocked, ==, 1);
  g_assert_cmpuint (standard->free, ==, 3);

  /* The counts are the store's, and a seat is exactly one of the four. */
  count_store_states (f, store_counts);
  for (guint i = 0; i < report->categories->len; i++)
    {
      const SbReportCategory *c = g_ptr_array_index (report->categories, i);

      sold += c->sold, held += c->held, blocked += c->blocked;
      total += c->sold + c->held + c->free + c->blocked;
    }
  g_assert_cmpuint (total, ==, sb_venue_get_n_seats (venue));
  g_assert_cmpuint (sold, ==, store_counts[SB_SEAT_BOOKED]);
  g_assert_cmpuint (held, ==, store_counts[SB_SEAT_HELD]);
  g_assert_cmpuint (blocked, ==, store_counts[SB_SEAT_BLOCKED]);

  /* Gross: every seat ever sold (A-1, A-2 at 4000; B-1, B-2, B-3 and B-2 again at 2500);
   * refunded: what the two cancellations recorded. */
  g_assert_cmpint (report->gross, ==, 2 * 4000 + 4 * 2500);
  g_assert_cmpint (report->refunded, ==, part->result_refund.amount + whole->result_refund.amount);
  g_assert_cmpint (report->refunded, ==, 6000);
  g_assert_cmpint (report->net, ==, report->gross - report->refunded);

  /* By day (UTC), oldest first, and by account; both add up to the gross. */
  g_assert_cmpuint (report->days->len, ==, 2);
  g_assert_cmpint (sales_of (report->days, 0, before)->seats, ==, 2);
  g_assert_cmpint (sales_of (report->days, 0, before)->gross, ==, 5000);
  g_assert_cmpint (sales_of (report->days, 1, today)->seats, ==, 4);
  g_assert_cmpint (sales_of (report->days, 1, today)->gross, ==, 13000);
  g_assert_cmpuint (report->accounts->len, ==, 2);
  g_assert_cmpint (sales_of (report->accounts, 0, f->anna)->seats, ==, 4);
  g_assert_cmpint (sales_of (report->accounts, 0, f->anna)->gross, ==, 13000);
  g_assert_cmpint (sales_of (report->accounts, 1, f->ben)->seats, ==, 2);
  g_assert_cmpint (sales_of (report->accounts, 1, f->ben)->gross, ==, 5000);
}

/* An event without sales: every seat free but the venue's blocked one, no money, no rows. */
static void
test_report_empty (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbVenue) venue = load_venue ();
  g_autoptr (GError) error = NULL;
  g_autoptr (SbEventReport) report = sb_store_report (f->store, f->event_id, venue, NULL, &error);
  const SbReportCategory *standard;

  g_assert_no_error (error);
  standard = g_ptr_array_index (report->categories, 1);
  g_assert_cmpuint (standard->free, ==, 5);
  g_assert_cmpuint (standard->blocked, ==, 1);
  g_assert_cmpint (report->gross, ==, 0);
  g_assert_cmpint (report->refunded, ==, 0);
  g_assert_cmpint (report->net, ==, 0);
  g_assert_cmpuint (report->days->len, ==, 0);
  g_assert_cmpuint (report->accounts->len, ==, 0);
}

static void
test_report_unknown_event (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbVenue) venue = load_venue ();
  g_autoptr (GError) error = NULL;
  g_autoptr (SbEventReport) report
      = sb_store_report (f->store, "no-such-event", venue, NULL, &error);

  g_assert_null (report);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
}

/* The report of the fixture's event, with the time zone the store keeps for it. */
static SbEventReport *
report_in_stored_zone (StoreOpFixture *f)
{
  g_autoptr (SbVenue) venue = load_venue ();
  g_autoptr (GError) error = NULL;
  g_autofree char *zone = stored_time_zone (f);
  SbEventReport *report = sb_store_report (f->store, f->event_id, venue, zone, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

/* New York (UTC-4 in June): 02:00 and 05:00 UTC on one UTC day are 22:00 the evening before and
 * 01:00 that night. The evening's booking, later cancelled, stays on its day, as kept seats do. */
static void
test_report_local_days (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) evening = book (f, f->anna, ms_of ("2030-06-15T02:00:00Z"), SEATS ("A-1"));
  g_autoptr (SbOp) cancelled = NULL;
  g_autoptr (SbEventReport) report = NULL;

  sell (f, f->ben, ms_of ("2030-06-15T05:00:00Z"), SEATS ("B-1", "B-2"));
  cancelled = cancel (f, evening->result_booking_id, NULL, SB_REFUND_FULL, 0);
  report = report_in_stored_zone (f);
  g_assert_cmpint (cancelled->result_refund.amount, ==, 4000);
  g_assert_cmpstr (report->time_zone, ==, "America/New_York");
  g_assert_cmpuint (report->days->len, ==, 2);
  g_assert_cmpint (sales_of (report->days, 0, "2030-06-14")->seats, ==, 1);
  g_assert_cmpint (sales_of (report->days, 0, "2030-06-14")->gross, ==, 4000);
  g_assert_cmpint (sales_of (report->days, 1, "2030-06-15")->seats, ==, 2);
  g_assert_cmpint (sales_of (report->days, 1, "2030-06-15")->gross, ==, 5000);
  g_assert_cmpint (report->gross, ==, 9000);
  g_assert_cmpint (report->refunded, ==, 4000);
}

/* Across both of New York's changes in 2030: clocks go from 02:00 EST to 03:00 EDT on 10 March
 * (07:00 UTC) and back from 02:00 EDT to 01:00 EST on 3 November (06:00 UTC). Each sale takes the
 * offset in force when it was made; either fixed offset would move one of them to another day. */
static void
test_report_daylight_saving (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbEventReport) report = NULL;

  /* 23:30 EST on 9 March (00:30 on 10 March at EDT's -4). */
  sell (f, f->anna, ms_of ("2030-03-10T04:30:00Z"), SEATS ("A-1"));
  /* 08:00 EDT on 10 March, just after the change. */
  sell (f, f->anna, ms_of ("2030-03-10T12:00:00Z"), SEATS ("A-2"));
  /* 00:30 EDT on 11 March (23:30 on 10 March at EST's -5). */
  sell (f, f->ben, ms_of ("2030-03-11T04:30:00Z"), SEATS ("B-1"));
  /* 23:30 EST on 3 November, after the change back (00:30 on 4 November at EDT's -4). */
  sell (f, f->ben, ms_of ("2030-11-04T04:30:00Z"), SEATS ("B-2"));
  report = report_in_stored_zone (f);

  g_assert_cmpstr (report->time_zone, ==, "America/New_York");
  g_assert_cmpuint (report->days->len, ==, 4);
  g_assert_cmpint (sales_of (report->days, 0, "2030-03-09")->gross, ==, 4000);
  g_assert_cmpint (sales_of (report->days, 1, "2030-03-10")->gross, ==, 4000);
  g_assert_cmpint (sales_of (report->days, 2, "2030-03-11")->gross, ==, 2500);
  g_assert_cmpint (sales_of (report->days, 3, "2030-11-03")->gross, ==, 2500);
  for (guint i = 0; i < report->days->len; i++)
    g_assert_cmpint (((SbReportSales *) g_ptr_array_index (report->days, i))->seats, ==, 1);
}

/* An event without a time zone counts UTC's days, and says so. */
static void
test_report_utc_days (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbEventReport) report = NULL;
  g_autoptr (SbReportMessage) message = NULL;

  sell (f, f->anna, ms_of ("2030-06-15T02:00:00Z"), SEATS ("A-1"));
  sell (f, f->ben, ms_of ("2030-06-15T05:00:00Z"), SEATS ("B-1"));
  sell (f, f->ben, ms_of ("2030-06-15T23:59:59Z"), SEATS ("B-2"));
  report = report_in_stored_zone (f);
  message = sb_event_report_to_message (report);

  g_assert_cmpstr (report->time_zone, ==, "UTC");
  g_assert_cmpstr (message->time_zone, ==, "UTC");
  g_assert_cmpuint (report->days->len, ==, 1);
  g_assert_cmpint (sales_of (report->days, 0, "2030-06-15")->seats, ==, 3);
  g_assert_cmpint (sales_of (report->days, 0, "2030-06-15")->gross, ==, 9000);
}

/* SQLite: each read is an index search, never a scan of a table. */
static void
test_report_query_plans (StoreOpFixture *f, gconstpointer data)
{
  const char *const queries[] = { sb_sqlite_report_kept_sql, sb_sqlite_report_cancelled_sql };
  sqlite3 *db = NULL;

  if (f->db_path == NULL)
    {
      g_test_skip ("not a SQLite store");
      return;
    }
  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autofree char *sql = g_strconcat ("EXPLAIN QUERY PLAN ", queries[q], NULL);
      g_autoptr (GString) plan = g_string_new (NULL);
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_string_append_printf (plan, "%s\n", (const char *) sqlite3_column_text (stmt, 3));
      sqlite3_finalize (stmt);
      g_test_message ("%s", plan->str);
      g_assert_null (strstr (plan->str, "SCAN"));
      g_assert_nonnull (strstr (plan->str, "SEARCH"));
    }
  sqlite3_close (db);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, zone, func)                                                                      \
  g_test_add (path, StoreOpFixture, zone, set_up, func, store_op_fixture_tear_down)
  ADD ("/store/report/figures", NULL, test_report_figures);
  ADD ("/store/report/empty", NULL, test_report_empty);
  ADD ("/store/report/unknown-event", NULL, test_report_unknown_event);
  ADD ("/store/report/local-days", "America/New_York", test_report_local_days);
  ADD ("/store/report/daylight-saving", "America/New_York", test_report_daylight_saving);
  ADD ("/store/report/utc-days", NULL, test_report_utc_days);
  ADD ("/store/report/query-plans", NULL, test_report_query_plans);
#undef ADD

  return g_test_run ();
}
