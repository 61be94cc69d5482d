/* test-store-orphan-override.c: a manager's override of the orphan rule (issue 13 item 3,
 * docs/protocol.md "The orphan rule"): under enforce, a hold, a booking by seats or a hold_best
 * with override_orphan_rule is done although it leaves a seat alone, its outcome names that seat,
 * and its audit entry says the rule was overridden and which seat was left alone. Without the
 * override the same op is refused and writes nothing; an override that changes nothing (no lone
 * seat, or the rule is only warn) is not recorded as one. Who may override is the server's check
 * (sb_request_required_role ()), not the store's.
 *
 * The store comes from SEATBOOK_TEST_STORE_URI when set (tests/mongo runs this program against the
 * fake MongoDB), else from a fresh temporary SQLite file per test case. */
#include "config.h"

#include "sb-store-audit.h"
#include "store-op-fixture.h"

/* A new event of the fixture's store with this rule, made the one the fixture's ops name. */
static void
use_event (StoreOpFixture *f, const char *prefix, SbOrphanRule rule, guint rows, guint seats)
{
  g_autofree char *venue = store_test_make_venue (rows, seats, NULL);
  g_autofree char *event_id = g_strdup_printf ("%s-%s", prefix, f->event_id);
  g_autoptr (GError) error = NULL;

  g_assert_true (
      sb_store_create_event_with_rule (f->store, event_id, prefix, venue, 0, rule, &error));
  g_assert_no_error (error);
  g_free (f->event_id);
  f->event_id = g_steal_pointer (&event_id);
}

static GPtrArray *
list (StoreOpFixture *f)
{
  SbAuditQuery query = { f->event_id, 0, NULL, NULL, SB_AUDIT_DEFAULT_LIMIT };
  g_autoptr (GError) error = NULL;
  GPtrArray *entries = sb_store_audit_list (f->store, &query, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

static const SbAuditRecord *
last_entry (GPtrArray *entries)
{
  g_assert_cmpuint (entries->len, >, 0);
  return g_ptr_array_index (entries, entries->len - 1);
}

static SbOp *
overriding (SbOp *op)
{
  op->override_orphan_rule = TRUE;
  return op;
}

static SbOp *
book_seats (StoreOpFixture *f, const char *account, const char *const *seats)
{
  SbOp *op = store_op_new (f, SB_OP_BOOK, f->desk1, account, NULL);

  op->seat_ids = g_strdupv ((char **) seats);
  return op;
}

static SbOp *
hold_best (StoreOpFixture *f, const char *account, guint count)
{
  SbOp *op = store_op_new (f, SB_OP_HOLD_BEST, f->desk1, account, NULL);

  op->event_id = g_strdup (f->event_id);
  op->ttl_ms = TTL_MS;
  op->best.count = count;
  op->best.max_price = -1;
  return op;
}

/* Holding A-2 leaves A-1 between the row's end and a taken seat: refused, then overridden. */
static void
test_hold (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) refused = NULL;
  g_autoptr (SbOp) held = NULL;
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  const SbAuditRecord *e;

  use_event (f, "strict", SB_ORPHAN_RULE_ENFORCE, 2, 6);
  refused = store_op_run (f, store_op_hold (f, f->desk1, f->anna, SEATS ("A-2")));
  store_op_assert_refused (refused, SB_ERROR_LONE_SEAT);
  before = list (f);
  g_assert_cmpuint (before->len, ==, 0);

  held = store_op_run (f, overriding (store_op_hold (f, f->desk1, f->anna, SEATS ("A-2"))));
  store_op_assert_ok (held);
  g_assert_nonnull (held->change);
  g_assert_cmpstr (held->result_lone_seat, ==, "A-1");
  entries = list (f);
  g_assert_cmpuint (entries->len, ==, 1);
  e = last_entry (entries);
  g_assert_cmpstr (e->action, ==, "hold");
  g_assert_cmpstr (e->account, ==, f->anna);
  g_assert_cmpstrv (e->seat_ids, SEATS ("A-2"));
  g_assert_cmpstr (e->hold_id, ==, held->result_hold_id);
  g_assert_cmpstr (e->detail, ==, "orphan rule overridden: leaves A-1 on its own");
}

/* A booking by seats, overridden; an override that leaves no seat alone is an ordinary booking. */
static void
test_book (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) refused = NULL;
  g_autoptr (SbOp) booked = NULL;
  g_autoptr (SbOp) plain = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  const SbAuditRecord *e;

  use_event (f, "strict", SB_ORPHAN_RULE_ENFORCE, 2, 6);
  refused = store_op_run (f, book_seats (f, f->ben, SEATS ("B-5")));
  store_op_assert_refused (refused, SB_ERROR_LONE_SEAT);
  g_assert_cmpstrv (refused->conflicting_seats, SEATS ("B-6"));

  booked = store_op_run (f, overriding (book_seats (f, f->ben, SEATS ("B-5"))));
  store_op_assert_ok (booked);
  g_assert_cmpstr (booked->result_lone_seat, ==, "B-6");
  entries = list (f);
  g_assert_cmpuint (entries->len, ==, 1);
  e = last_entry (entries);
  g_assert_cmpstr (e->action, ==, "book");
  g_assert_cmpstr (e->account, ==, f->ben);
  g_assert_cmpstr (e->booking_id, ==, booked->result_booking_id);
  g_assert_cmpstr (e->detail, ==, "orphan rule overridden: leaves B-6 on its own");

  /* B-1 and B-2 leave B-3 and B-4 side by side: nothing to override, nothing said. */
  plain = store_op_run (f, overriding (book_seats (f, f->ben, SEATS ("B-1", "B-2"))));
  store_op_assert_ok (plain);
  g_assert_null (plain->result_lone_seat);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = list (f);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_null (last_entry (entries)->detail);
}

/* Three seats, two side by side: every choice leaves one seat alone. */
static void
test_hold_best (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) refused = NULL;
  g_autoptr (SbOp) held = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autofree char *detail = NULL;

  use_event (f, "tiny", SB_ORPHAN_RULE_ENFORCE, 1, 3);
  refused = store_op_run (f, hold_best (f, f->anna, 2));
  store_op_assert_refused (refused, SB_ERROR_NOT_ENOUGH_SEATS);

  held = store_op_run (f, overriding (hold_best (f, f->anna, 2)));
  store_op_assert_ok (held);
  g_assert_cmpuint (g_strv_length (held->result_seat_ids), ==, 2);
  g_assert_nonnull (held->result_lone_seat);
  g_assert_false (
      g_strv_contains ((const char *const *) held->result_seat_ids, held->result_lone_seat));
  entries = list (f);
  g_assert_cmpuint (entries->len, ==, 1);
  detail = g_strdup_printf ("best available; orphan rule overridden: leaves %s on its own",
                            held->result_lone_seat);
  g_assert_cmpstr (last_entry (entries)->detail, ==, detail);
}

/* Under warn the op is done anyway: an override overrides nothing and the entry says nothing of
 * it (the reply names the seat, as for any warned op). */
static void
test_warn (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) held = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  use_event (f, "gentle", SB_ORPHAN_RULE_WARN, 2, 6);
  held = store_op_run (f, overriding (store_op_hold (f, f->desk1, f->anna, SEATS ("A-2"))));
  store_op_assert_ok (held);
  g_assert_cmpstr (held->result_lone_seat, ==, "A-1");
  entries = list (f);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_null (last_entry (entries)->detail);
}

/* A retry of an overriding request replays its outcome (the seat named again) and writes no
 * second entry. */
static void
test_replayed (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) held = NULL;
  g_autoptr (SbOp) retry = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  use_event (f, "strict", SB_ORPHAN_RULE_ENFORCE, 2, 6);
  held = overriding (store_op_new (f, SB_OP_HOLD, f->desk1, f->anna, "once"));
  held->seat_ids = g_strdupv ((char **) SEATS ("A-5"));
  store_op_assert_ok (store_op_run (f, held));
  retry = overriding (store_op_new (f, SB_OP_HOLD, f->desk1, f->anna, "once"));
  retry->seat_ids = g_strdupv ((char **) SEATS ("A-5"));
  store_op_assert_ok (store_op_run (f, retry));
  g_assert_true (retry->replayed);
  g_assert_cmpstr (retry->result_lone_seat, ==, "A-6");
  entries = list (f);
  g_assert_cmpuint (entries->len, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add ("/orphan-override/" path, StoreOpFixture, NULL, store_op_fixture_set_up, func,       \
              store_op_fixture_tear_down)

  ADD ("hold", test_hold);
  ADD ("book", test_book);
  ADD ("hold-best", test_hold_best);
  ADD ("warn", test_warn);
  ADD ("replayed", test_replayed);

  return g_test_run ();
}
