/* test-store-release-seats.c: a release that names some seats of a hold (issue 13, "keep 3 of 4";
 * docs/protocol.md "release"): those seats become free in one new version, the hold keeps the
 * others with its expiry (a later book by hold books only them), naming every seat ends the hold,
 * a seat the hold does not have refuses the whole request naming it, a retry is replayed, the
 * audit entry says what the hold kept, and the event's orphan rule judges the seats freed as it
 * judges a cancellation's (a manager may override it).
 *
 * The store comes from SEATBOOK_TEST_STORE_URI when set (tests/mongo runs this program against the
 * fake MongoDB), else from a fresh temporary SQLite file per test case. */
#include "config.h"

#include "sb-store-audit.h"
#include "store-op-fixture.h"

static SbOp *
hold (StoreOpFixture *f, const char *const *seats)
{
  SbOp *op = store_op_run (f, store_op_hold (f, f->desk1, f->anna, seats));

  store_op_assert_ok (op);
  return op;
}

/* A release of seats of hold_id by account at desk; request NULL: a fresh id. */
static SbOp *
release_op (StoreOpFixture *f,
            const char *desk,
            const char *account,
            const char *hold_id,
            const char *const *seats,
            const char *request)
{
  SbOp *op = store_op_new (f, SB_OP_RELEASE, desk, account, request);

  g_clear_pointer (&op->event_id, g_free);
  op->hold_id = g_strdup (hold_id);
  op->seat_ids = g_strdupv ((char **) seats);
  return op;
}

static SbEventState *
load (StoreOpFixture *f)
{
  g_autoptr (GError) error = NULL;
  SbEventState *state = sb_store_load_event (f->store, f->event_id, &error);

  g_assert_no_error (error);
  return state;
}

/* The seat's state in the store (FREE when it has no entry), and its hold. */
static SbSeatState
state_of (StoreOpFixture *f, const char *seat_id, char **out_hold)
{
  g_autoptr (SbEventState) state = load (f);

  for (guint i = 0; i < state->seats->len; i++)
    {
      const SbSeatChange *seat = g_ptr_array_index (state->seats, i);

      if (g_str_equal (seat->seat_id, seat_id))
        {
          if (out_hold != NULL)
            *out_hold = g_strdup (seat->hold_id);
          return seat->state;
        }
    }
  return SB_SEAT_FREE;
}

static GPtrArray *
audit (StoreOpFixture *f)
{
  SbAuditQuery query = { f->event_id, 0, NULL, NULL, SB_AUDIT_DEFAULT_LIMIT };
  g_autoptr (GError) error = NULL;
  GPtrArray *entries = sb_store_audit_list (f->store, &query, &error);

  g_assert_no_error (error);
  return entries;
}

/* A new event of the fixture's store with this orphan rule, made the one the fixture's ops name. */
static void
use_event (StoreOpFixture *f, const char *prefix, SbOrphanRule rule)
{
  g_autofree char *venue = store_test_make_venue (2, 6, NULL);
  g_autofree char *event_id = g_strdup_printf ("%s-%s", prefix, f->event_id);
  g_autoptr (GError) error = NULL;

  g_assert_true (
      sb_store_create_event_with_rule (f->store, event_id, prefix, venue, 0, rule, &error));
  g_assert_no_error (error);
  g_free (f->event_id);
  f->event_id = g_steal_pointer (&event_id);
}

/* Keep three of four: one version, the seat free, the hold announced with the three it keeps and
 * still running; booking the hold books those three; the freed seat can be held by another. */
static void
test_part (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) held = hold (f, SEATS ("A-1", "A-2", "A-3", "A-4"));
  g_autoptr (SbOp) released = NULL;
  g_autoptr (SbOp) booked = NULL;
  g_autoptr (SbOp) other = NULL;
  g_autoptr (SbEventState) state = NULL;
  g_autofree char *holder = NULL;
  const SbHoldRecord *record;
  const char *hold_id = held->result_hold_id;

  released = store_op_run (f, release_op (f, f->desk1, f->anna, hold_id, SEATS ("A-4"), NULL));
  store_op_assert_ok (released);
  g_assert_cmpstr (released->result_hold_id, ==, hold_id);
  g_assert_cmpstrv (released->result_seat_ids, SEATS ("A-4"));
  g_assert_cmpstrv (released->result_remaining_seats, SEATS ("A-1", "A-2", "A-3"));
  g_assert_null (released->result_lone_seat);

  g_assert_nonnull (released->change);
  g_assert_cmpint (released->change->version, ==, held->change->version + 1);
  g_assert_cmpuint (released->change->seats->len, ==, 1);
  g_assert_cmpstr (((SbSeatChange *) g_ptr_array_index (released->change->seats, 0))->seat_id, ==,
                   "A-4");
  g_assert_cmpint (((SbSeatChange *) g_ptr_array_index (released->change->seats, 0))->state, ==,
                   SB_SEAT_FREE);
  g_assert_null (released->change->ended_holds);
  g_assert_cmpuint (released->change->holds->len, ==, 1);
  record = g_ptr_array_index (released->change->holds, 0);
  g_assert_cmpstr (record->hold_id, ==, hold_id);
  g_assert_cmpstr (record->account, ==, f->anna);
  g_assert_cmpstrv (record->seat_ids, SEATS ("A-1", "A-2", "A-3"));
  g_assert_cmpint (record->expires_at_ms, ==, held->result_expires_at_ms);

  g_assert_cmpint (state_of (f, "A-4", NULL), ==, SB_SEAT_FREE);
  g_assert_cmpint (state_of (f, "A-3", &holder), ==, SB_SEAT_HELD);
  g_assert_cmpstr (holder, ==, hold_id);
  /* The event's holds, as a server starting now would load them. */
  state = load (f);
  g_assert_cmpint (state->version, ==, released->change->version);
  g_assert_cmpuint (state->holds->len, ==, 1);
  g_assert_cmpstrv (((SbHoldRecord *) g_ptr_array_index (state->holds, 0))->seat_ids,
                    SEATS ("A-1", "A-2", "A-3"));

  other = store_op_run (f, store_op_hold (f, f->desk2, f->ben, SEATS ("A-4")));
  store_op_assert_ok (other);
  booked = store_op_run (f, store_op_on_hold (f, SB_OP_BOOK, f->desk1, f->anna, hold_id));
  store_op_assert_ok (booked);
  g_assert_cmpstrv (booked->result_seat_ids, SEATS ("A-1", "A-2", "A-3"));
}

/* Naming every seat ends the hold, as a release without seats does. Another desk of the same
 * account may release part of the account's hold, as it may release all of it. */
static void
test_all (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) held = hold (f, SEATS ("B-1", "B-2", "B-3"));
  g_autoptr (SbOp) part = NULL;
  g_autoptr (SbOp) rest = NULL;
  g_autoptr (SbOp) book = NULL;
  g_autoptr (SbEventState) state = NULL;
  const char *hold_id = held->result_hold_id;

  part = store_op_run (f, release_op (f, f->desk2, f->anna, hold_id, SEATS ("B-1"), NULL));
  store_op_assert_ok (part);
  rest = store_op_run (f, release_op (f, f->desk1, f->anna, hold_id, SEATS ("B-3", "B-2"), NULL));
  store_op_assert_ok (rest);
  g_assert_cmpstrv (rest->result_seat_ids, SEATS ("B-2", "B-3"));
  g_assert_nonnull (rest->result_remaining_seats);
  g_assert_cmpstrv (rest->result_remaining_seats, SEATS (NULL));
  g_assert_cmpstrv (rest->change->ended_holds, SEATS (hold_id));
  g_assert_cmpuint (rest->change->holds->len, ==, 0);
  g_assert_cmpint (state_of (f, "B-2", NULL), ==, SB_SEAT_FREE);
  state = load (f);
  g_assert_cmpuint (state->holds->len, ==, 0);

  book = store_op_run (f, store_op_on_hold (f, SB_OP_BOOK, f->desk1, f->anna, hold_id));
  store_op_assert_refused (book, SB_ERROR_NOT_FOUND);
}

/* Each refusal names what is wrong and changes nothing: a seat the hold does not have (free,
 * another hold's, unknown), a seat named twice, another account's hold. */
static void
test_refusals (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) held = hold (f, SEATS ("A-1", "A-2", "A-3"));
  g_autoptr (SbOp) own_other = hold (f, SEATS ("B-1"));
  g_autoptr (SbOp) free_seat = NULL;
  g_autoptr (SbOp) other_hold = NULL;
  g_autoptr (SbOp) unknown = NULL;
  g_autoptr (SbOp) twice = NULL;
  g_autoptr (SbOp) stranger = NULL;
  g_autoptr (SbEventState) state = NULL;
  const char *hold_id = held->result_hold_id;
  gint64 version = own_other->change->version;

  free_seat
      = store_op_run (f, release_op (f, f->desk1, f->anna, hold_id, SEATS ("A-1", "A-5"), NULL));
  store_op_assert_refused (free_seat, SB_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (free_seat->error_message, "A-5"));
  g_assert_null (strstr (free_seat->error_message, "A-1"));
  other_hold = store_op_run (f, release_op (f, f->desk1, f->anna, hold_id, SEATS ("B-1"), NULL));
  store_op_assert_refused (other_hold, SB_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (other_hold->error_message, "B-1"));
  unknown = store_op_run (f, release_op (f, f->desk1, f->anna, hold_id, SEATS ("Z-9"), NULL));
  store_op_assert_refused (unknown, SB_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (unknown->error_message, "Z-9"));
  twice = store_op_run (f, release_op (f, f->desk1, f->anna, hold_id, SEATS ("A-2", "A-2"), NULL));
  store_op_assert_refused (twice, SB_ERROR_INVALID_REQUEST);
  stranger = store_op_run (f, release_op (f, f->desk1, f->ben, hold_id, SEATS ("A-2"), NULL));
  store_op_assert_refused (stranger, SB_ERROR_FORBIDDEN);

  state = load (f);
  g_assert_cmpint (state->version, ==, version);
  g_assert_cmpint (state_of (f, "A-1", NULL), ==, SB_SEAT_HELD);
  g_assert_cmpint (state_of (f, "A-2", NULL), ==, SB_SEAT_HELD);
  g_assert_cmpint (state_of (f, "B-1", NULL), ==, SB_SEAT_HELD);
}

/* A retry gets the first outcome, the seats the hold kept included, and releases nothing more. */
static void
test_replayed (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) held = hold (f, SEATS ("A-3", "A-4"));
  g_autoptr (SbOp) first = NULL;
  g_autoptr (SbOp) retry = NULL;
  g_autoptr (SbEventState) state = NULL;
  const char *hold_id = held->result_hold_id;

  first = store_op_run (f, release_op (f, f->desk1, f->anna, hold_id, SEATS ("A-4"), "once"));
  store_op_assert_ok (first);
  retry = store_op_run (f, release_op (f, f->desk1, f->anna, hold_id, SEATS ("A-4"), "once"));
  store_op_assert_ok (retry);
  g_assert_true (retry->replayed);
  g_assert_null (retry->change);
  g_assert_cmpstr (retry->result_hold_id, ==, hold_id);
  g_assert_cmpstrv (retry->result_seat_ids, SEATS ("A-4"));
  g_assert_cmpstrv (retry->result_remaining_seats, SEATS ("A-3"));
  state = load (f);
  g_assert_cmpint (state->version, ==, first->change->version);
}

/* The audit entry: release, the seats released, the hold, and what it kept. */
static void
test_audited (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) held = hold (f, SEATS ("B-2", "B-3", "B-4"));
  g_autoptr (SbOp) released = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  const SbAuditRecord *last;

  released = store_op_run (
      f, release_op (f, f->desk2, f->anna, held->result_hold_id, SEATS ("B-4"), NULL));
  store_op_assert_ok (released);
  entries = audit (f);
  g_assert_cmpuint (entries->len, ==, 2);
  last = g_ptr_array_index (entries, 1);
  g_assert_cmpstr (last->action, ==, "release");
  g_assert_cmpstr (last->account, ==, f->anna);
  g_assert_cmpstr (last->desk, ==, f->desk2);
  g_assert_cmpstr (last->hold_id, ==, held->result_hold_id);
  g_assert_cmpstrv (last->seat_ids, SEATS ("B-4"));
  g_assert_cmpstr (last->detail, ==, "the hold keeps B-2, B-3");
}

/* Under enforce: A-4 booked, A-1…A-3 held. Giving back A-2 strands it between
 * between A-2 and the booked A-4: refused, naming the seat, nothing changed. together
 * leave no seat alone. A manager overrides (the reply names the seat, the trail says so); giving
 * back every seat is a whole release, which the rule does not judge. */
static void
test_orphan_enforce (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) booked = NULL;
  g_autoptr (SbOp) held = NULL;
  g_autoptr (SbOp) middle = NULL;
  g_autoptr (SbOp) end = NULL;
  g_autoptr (SbOp) pair = NULL;
  g_autoptr (SbOp) held2 = NULL;
  g_autoptr (SbOp) overridden = NULL;
  g_autoptr (SbOp) all = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (SbEventState) state = NULL;
  const char *hold_id;

  use_event (f, "strict", SB_ORPHAN_RULE_ENFORCE);
  booked = store_op_new (f, SB_OP_BOOK, f->desk2, f->ben, NULL);
  booked->seat_ids = g_strdupv ((char **) SEATS ("A-4", "A-5", "A-6"));
  store_op_assert_ok (store_op_run (f, booked));
  held = hold (f, SEATS ("A-1", "A-2", "A-3"));
  hold_id = held->result_hold_id;

  middle = store_op_run (f, release_op (f, f->desk1, f->anna, hold_id, SEATS ("A-2"), NULL));
  store_op_assert_refused (middle, SB_ERROR_LONE_SEAT);
  g_assert_cmpstrv (middle->conflicting_seats, SEATS ("A-2"));
  end = store_op_run (f, release_op (f, f->desk1, f->anna, hold_id, SEATS ("A-3"), NULL));
  store_op_assert_refused (end, SB_ERROR_LONE_SEAT);
  g_assert_cmpstrv (end->conflicting_seats, SEATS ("A-3"));
  state = load (f);
  g_assert_cmpint (state->version, ==, held->change->version);
  g_assert_cmpint (state_of (f, "A-2", NULL), ==, SB_SEAT_HELD);

  pair = store_op_run (f, release_op (f, f->desk1, f->anna, hold_id, SEATS ("A-1", "A-2"), NULL));
  store_op_assert_ok (pair);
  g_assert_null (pair->result_lone_seat);

  /* Row B: hold B-1…B-3, a manager gives back B-2 anyway. */
  held2 = hold (f, SEATS ("B-1", "B-2", "B-3"));
  overridden = release_op (f, f->desk1, f->anna, held2->result_hold_id, SEATS ("B-2"), NULL);
  overridden->override_orphan_rule = TRUE;
  store_op_assert_ok (store_op_run (f, overridden));
  g_assert_cmpstr (overridden->result_lone_seat, ==, "B-2");
  entries = audit (f);
  g_assert_cmpstr (((SbAuditRecord *) g_ptr_array_index (entries, entries->len - 1))->detail, ==,
                   "the hold keeps B-1, B-3; orphan rule overridden: leaves B-2 on its own");

  all = store_op_run (
      f, release_op (f, f->desk1, f->anna, held2->result_hold_id, SEATS ("B-1", "B-3"), NULL));
  store_op_assert_ok (all);
  g_assert_null (all->result_lone_seat);
}

/* Under warn the release is done and names the seat it strands. */
static void
test_orphan_warn (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) held = NULL;
  g_autoptr (SbOp) released = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  use_event (f, "gentle", SB_ORPHAN_RULE_WARN);
  held = hold (f, SEATS ("A-1", "A-2", "A-3"));
  released = store_op_run (
      f, release_op (f, f->desk1, f->anna, held->result_hold_id, SEATS ("A-2"), NULL));
  store_op_assert_ok (released);
  g_assert_cmpstr (released->result_lone_seat, ==, "A-2");
  g_assert_cmpint (state_of (f, "A-2", NULL), ==, SB_SEAT_FREE);
  entries = audit (f);
  g_assert_cmpstr (((SbAuditRecord *) g_ptr_array_index (entries, entries->len - 1))->detail, ==,
                   "the hold keeps A-1, A-3");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add (path, StoreOpFixture, NULL, store_op_fixture_set_up, func, store_op_fixture_tear_down)
  ADD ("/store/release-seats/part", test_part);
  ADD ("/store/release-seats/all", test_all);
  ADD ("/store/release-seats/refusals", test_refusals);
  ADD ("/store/release-seats/replayed", test_replayed);
  ADD ("/store/release-seats/audited", test_audited);
  ADD ("/store/release-seats/orphan-enforce", test_orphan_enforce);
  ADD ("/store/release-seats/orphan-warn", test_orphan_warn);
#undef ADD

  return g_test_run ();
}
