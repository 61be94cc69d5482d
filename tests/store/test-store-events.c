/* test-store-events.c: an event's time zone and sales window (issue 11 item 6, docs/protocol.md
 * "create_event", "close_sales", "sales_closed"): stored and listed; hold, hold_best and book are
 * refused outside the window while release and cancel still run; close_sales closes at once,
 * is audited once and is idempotent; a spec's bad field is named.
 *
 * The store comes from SEATBOOK_TEST_STORE_URI when set (tests/mongo runs this program against the
 * fake MongoDB), else from a fresh temporary SQLite file per test case. */
#include "config.h"

#include "sb-store-audit.h"
#include "store-op-fixture.h"

static const SbEventRecord *
find_record (GPtrArray *records, const char *event_id)
{
  for (guint i = 0; i < records->len; i++)
    {
      const SbEventRecord *record = g_ptr_array_index (records, i);

      if (g_str_equal (record->event_id, event_id))
        return record;
    }
  g_assert_not_reached ();
}

/* An event of the fixture's store with a sales window; returns its id. */
static char *
create_windowed (StoreOpFixture *f, const char *suffix, gint64 open_ms, gint64 close_ms)
{
  g_autofree char *venue = store_test_make_venue (2, 6, NULL);
  g_autoptr (GError) error = NULL;
  char *event_id = g_strconcat (f->event_id, suffix, NULL);
  SbEventSpec spec = {
    .event_id = event_id,
    .name = "Windowed",
    .venue_json = venue,
    .starts_at_ms = 1764270000000,
    .time_zone = "Europe/Berlin",
    .sales_open_ms = open_ms,
    .sales_close_ms = close_ms,
  };

  g_assert_true (sb_store_create_event_spec (f->store, &spec, &error));
  g_assert_no_error (error);
  return event_id;
}

static SbOp *
hold_in (StoreOpFixture *f, const char *event_id, const char *const *seats)
{
  SbOp *op = store_op_hold (f, f->desk1, f->anna, seats);

  g_free (op->event_id);
  op->event_id = g_strdup (event_id);
  return op;
}

static void
test_stored_and_listed (StoreOpFixture *f, gconstpointer data)
{
  g_autofree char *event_id = create_windowed (f, "-w", f->now - 1000, f->now + 60000);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) records = sb_store_list_events (f->store, &error);
  const SbEventRecord *windowed, *plain;

  g_assert_no_error (error);
  windowed = find_record (records, event_id);
  g_assert_cmpstr (windowed->time_zone, ==, "Europe/Berlin");
  g_assert_cmpint (windowed->sales_open_ms, ==, f->now - 1000);
  g_assert_cmpint (windowed->sales_close_ms, ==, f->now + 60000);
  g_assert_cmpint (windowed->starts_at_ms, ==, 1764270000000);
  plain = find_record (records, f->event_id);
  g_assert_null (plain->time_zone);
  g_assert_cmpint (plain->sales_open_ms, ==, 0);
  g_assert_cmpint (plain->sales_close_ms, ==, 0);
}

/* Before the window: hold, hold_best and book are refused with sales_not_open; after it with
 * sales_closed; a hold made inside it can still be released. */
static void
test_window_refusals (StoreOpFixture *f, gconstpointer data)
{
  g_autofree char *later = create_windowed (f, "-later", f->now + 60000, 0);
  g_autofree char *closing = create_windowed (f, "-closing", 0, f->now + 1000);
  g_autoptr (SbOp) early = store_op_run (f, hold_in (f, later, SEATS ("A-1")));
  g_autoptr (SbOp) early_book = hold_in (f, later, SEATS ("A-2"));
  g_autoptr (SbOp) early_best = NULL;
  g_autoptr (SbOp) held = store_op_run (f, hold_in (f, closing, SEATS ("A-1")));
  g_autoptr (SbOp) late = NULL;
  g_autoptr (SbOp) late_book = NULL;
  g_autoptr (SbOp) release = NULL;

  store_op_assert_refused (early, SB_ERROR_SALES_NOT_OPEN);
  early_book->kind = SB_OP_BOOK;
  store_op_run (f, early_book);
  store_op_assert_refused (early_book, SB_ERROR_SALES_NOT_OPEN);
  early_best = hold_in (f, later, SEATS ("A-3"));
  early_best->kind = SB_OP_HOLD_BEST;
  g_clear_pointer (&early_best->seat_ids, g_strfreev);
  early_best->best.count = 2;
  early_best->best.max_price = -1;
  store_op_run (f, early_best);
  store_op_assert_refused (early_best, SB_ERROR_SALES_NOT_OPEN);

  store_op_assert_ok (held);
  f->now += 2000;
  late = store_op_run (f, hold_in (f, closing, SEATS ("A-2")));
  store_op_assert_refused (late, SB_ERROR_SALES_CLOSED);
  late_book
      = store_op_run (f, store_op_on_hold (f, SB_OP_BOOK, f->desk1, f->anna, held->result_hold_id));
  store_op_assert_refused (late_book, SB_ERROR_SALES_CLOSED);
  release = store_op_run (
      f, store_op_on_hold (f, SB_OP_RELEASE, f->desk1, f->anna, held->result_hold_id));
  store_op_assert_ok (release);
}

/* close_sales: closes at now, once (a second call keeps the first close and writes no second
 * audit entry), and a hold after it is refused. */
static void
test_close_sales (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbOp) before = store_op_run (f, store_op_hold (f, f->desk1, f->anna, SEATS ("A-1")));
  g_autoptr (SbOp) after = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  SbAuditQuery query = { f->event_id, 0, NULL, NULL, SB_AUDIT_DEFAULT_LIMIT };
  gint64 close_ms = 0;
  gboolean changed = FALSE;
  guint n_closes = 0;

  store_op_assert_ok (before);
  g_assert_true (sb_store_close_sales (f->store, f->event_id, f->ben, f->desk2, f->now, &close_ms,
                                       &changed, &error));
  g_assert_no_error (error);
  g_assert_true (changed);
  g_assert_cmpint (close_ms, ==, f->now);
  g_assert_true (sb_store_close_sales (f->store, f->event_id, f->ben, f->desk2, f->now + 5000,
                                       &close_ms, &changed, &error));
  g_assert_no_error (error);
  g_assert_false (changed);
  g_assert_cmpint (close_ms, ==, f->now);

  records = sb_store_list_events (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (find_record (records, f->event_id)->sales_close_ms, ==, f->now);
  after = store_op_run (f, store_op_hold (f, f->desk1, f->anna, SEATS ("A-2")));
  store_op_assert_refused (after, SB_ERROR_SALES_CLOSED);

  entries = sb_store_audit_list (f->store, &query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      const SbAuditRecord *e = g_ptr_array_index (entries, i);

      if (g_str_equal (e->action, "close_sales"))
        {
          n_closes++;
          g_assert_cmpstr (e->account, ==, f->ben);
          g_assert_cmpstr (e->desk, ==, f->desk2);
          g_assert_cmpint (e->at_ms, ==, f->now);
        }
    }
  g_assert_cmpuint (n_closes, ==, 1);

  g_assert_false (sb_store_close_sales (f->store, "no-such-event", f->ben, f->desk2, f->now, NULL,
                                        NULL, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
}

/* Each bad field of a spec is named, and nothing is created. */
static void
test_spec_checked (StoreOpFixture *f, gconstpointer data)
{
  g_autofree char *venue = store_test_make_venue (1, 2, NULL);
  g_autofree char *event_id = g_strconcat (f->event_id, "-bad", NULL);
  SbEventSpec spec = { .event_id = event_id, .name = "Bad", .venue_json = venue };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) records = NULL;

  spec.time_zone = "Mars/Olympus_Mons";
  g_assert_cmpstr (sb_event_spec_check (&spec, NULL), ==, "time_zone");
  g_assert_false (sb_store_create_event_spec (f->store, &spec, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "time_zone"));
  g_clear_error (&error);
  spec.time_zone = "America/New_York";
  spec.sales_open_ms = 2000;
  spec.sales_close_ms = 1000;
  g_assert_cmpstr (sb_event_spec_check (&spec, NULL), ==, "sales_close");
  spec.sales_close_ms = 3000;
  spec.name = "";
  g_assert_cmpstr (sb_event_spec_check (&spec, NULL), ==, "name");
  spec.name = "Good";
  g_assert_null (sb_event_spec_check (&spec, NULL));

  records = sb_store_list_events (f->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    g_assert_cmpstr (((SbEventRecord *) g_ptr_array_index (records, i))->event_id, !=, event_id);

  g_assert_cmpint (sb_event_sales_check (0, 0, 5), ==, SB_ERROR_NONE);
  g_assert_cmpint (sb_event_sales_check (10, 0, 5), ==, SB_ERROR_SALES_NOT_OPEN);
  g_assert_cmpint (sb_event_sales_check (0, 5, 5), ==, SB_ERROR_SALES_CLOSED);
  g_assert_cmpint (sb_event_sales_check (1, 6, 5), ==, SB_ERROR_NONE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add (path, StoreOpFixture, NULL, store_op_fixture_set_up, func, store_op_fixture_tear_down)
  ADD ("/store/events/stored-and-listed", test_stored_and_listed);
  ADD ("/store/events/window-refusals", test_window_refusals);
  ADD ("/store/events/close-sales", test_close_sales);
  ADD ("/store/events/spec-checked", test_spec_checked);
#undef ADD

  return g_test_run ();
}
