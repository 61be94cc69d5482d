/* test-store-block.c: blocking and unblocking seats (issue 11 item 5, docs/protocol.md "block →
 * blocked, unblock → unblocked"): a block takes free seats out of sale in one version and they
 * cannot be held; an unblock gives them back; seats that are held, booked or blocked by the venue
 * are refused and nothing changes; both are audited with their reason and replayed on retry. A
 * block takes seats of the manager's own running hold at its desk from that hold in the same
 * version (the app holds a seat at the first click): the hold keeps its other seats or ends; the
 * seats of any other hold, or of an expired one, are refused.
 *
 * The store comes from SEATBOOK_TEST_STORE_URI when set (tests/mongo runs this program against the
 * fake MongoDB), else from a fresh temporary SQLite file per test case. The fixture's venue blocks
 * no seat; test_venue_blocked makes an event whose venue blocks B-6. */
#include "config.h"

#include "sb-store-audit.h"
#include "store-op-fixture.h"

static SbOp *
block_op (StoreOpFixture *f, SbOpKind kind, const char *const *seats, const char *request)
{
  SbOp *op = store_op_new (f, kind, f->desk2, f->ben, request);

  op->event_id = g_strdup (f->event_id);
  op->seat_ids = g_strdupv ((char **) seats);
  op->reason = g_strdup ("camera position");
  return op;
}

static SbSeatState
state_of (StoreOpFixture *f, const char *seat_id, gint64 *out_version)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbEventState) state = sb_store_load_event (f->store, f->event_id, &error);

  g_assert_no_error (error);
  if (out_version != NULL)
    *out_version = state->version;
  for (guint i = 0; i < state->seats->len; i++)
    {
      const SbSeatChange *seat = g_ptr_array_index (state->seats, i);

      if (g_str_equal (seat->seat_id, seat_id))
        return seat->state;
    }
  return SB_SEAT_FREE;
}

/* The seats hold_id keeps as the store has it (load_event's holds), or NULL when it has ended. */
static char **
hold_seats (StoreOpFixture *f, const char *hold_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbEventState) state = sb_store_load_event (f->store, f->event_id, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < state->holds->len; i++)
    {
      const SbHoldRecord *hold = g_ptr_array_index (state->holds, i);

      if (g_str_equal (hold->hold_id, hold_id))
        return g_strdupv (hold->seat_ids);
    }
  return NULL;
}

/* A hold of seats by ben at desk2, the desk and account block_op blocks from. */
static SbOp *
own_hold (StoreOpFixture *f, const char *const *seats)
{
  SbOp *hold = store_op_run (f, store_op_hold (f, f->desk2, f->ben, seats));

  store_op_assert_ok (hold);
  return hold;
}

static void
test_block_then_unblock (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) block = NULL;
  g_autoptr (SbOp) hold = NULL;
  g_autoptr (SbOp) retry = NULL;
  g_autoptr (SbOp) unblock = NULL;
  g_autoptr (SbOp) hold_after = NULL;
  gint64 before, after;

  state_of (f, "A-1", &before);
  block = store_op_run (f, block_op (f, SB_OP_BLOCK, SEATS ("A-1", "A-2"), "b-1"));
  store_op_assert_ok (block);
  g_assert_cmpint (block->change->version, ==, before + 1);
  g_assert_cmpint (((SbSeatChange *) g_ptr_array_index (block->change->seats, 0))->state, ==,
                   SB_SEAT_BLOCKED);
  g_assert_cmpint (state_of (f, "A-2", &after), ==, SB_SEAT_BLOCKED);
  g_assert_cmpint (after, ==, before + 1);

  hold = store_op_run (f, store_op_hold (f, f->desk1, f->anna, SEATS ("A-2", "A-3")));
  store_op_assert_refused (hold, SB_ERROR_SEAT_UNAVAILABLE);
  g_assert_cmpstrv (hold->conflicting_seats, SEATS ("A-2"));

  retry = store_op_run (f, block_op (f, SB_OP_BLOCK, SEATS ("A-1", "A-2"), "b-1"));
  g_assert_true (retry->replayed);
  g_assert_null (retry->change);
  g_assert_cmpstrv (retry->result_seat_ids, SEATS ("A-1", "A-2"));

  unblock = store_op_run (f, block_op (f, SB_OP_UNBLOCK, SEATS ("A-2"), NULL));
  store_op_assert_ok (unblock);
  g_assert_cmpint (((SbSeatChange *) g_ptr_array_index (unblock->change->seats, 0))->state, ==,
                   SB_SEAT_FREE);
  g_assert_cmpint (state_of (f, "A-2", NULL), ==, SB_SEAT_FREE);
  g_assert_cmpint (state_of (f, "A-1", NULL), ==, SB_SEAT_BLOCKED);
  hold_after = store_op_run (f, store_op_hold (f, f->desk1, f->anna, SEATS ("A-2", "A-3")));
  store_op_assert_ok (hold_after);
}

/* Held or booked seats cannot be blocked (named, seat_unavailable); seats that are not blocked
 * cannot be unblocked (named, invalid_request); nothing changes. */
static void
test_refusals (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = store_op_run (f, store_op_hold (f, f->desk1, f->anna, SEATS ("B-1")));
  g_autoptr (SbOp) held = NULL;
  g_autoptr (SbOp) not_blocked = NULL;
  gint64 before, after;

  store_op_assert_ok (hold);
  state_of (f, "B-1", &before);
  held = store_op_run (f, block_op (f, SB_OP_BLOCK, SEATS ("B-1", "B-2"), NULL));
  store_op_assert_refused (held, SB_ERROR_SEAT_UNAVAILABLE);
  g_assert_cmpstrv (held->conflicting_seats, SEATS ("B-1"));
  not_blocked = store_op_run (f, block_op (f, SB_OP_UNBLOCK, SEATS ("B-1", "B-3"), NULL));
  store_op_assert_refused (not_blocked, SB_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (not_blocked->error_message, "B-1, B-3"));
  g_assert_cmpint (state_of (f, "B-2", &after), ==, SB_SEAT_FREE);
  g_assert_cmpint (after, ==, before);
}

/* A seat the venue document blocks stays blocked. */
static void
test_venue_blocked (StoreOpFixture *f, gconstpointer data)
{
  g_autofree char *venue = store_test_make_venue (2, 6, SEATS ("B-6"));
  g_autofree char *event_id = g_strconcat (f->event_id, "-v", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (SbOp) unblock = NULL;

  g_assert_true (sb_store_create_event (f->store, event_id, "Venue", venue, 0, &error));
  g_assert_no_error (error);
  unblock = block_op (f, SB_OP_UNBLOCK, SEATS ("B-6"), NULL);
  g_free (unblock->event_id);
  unblock->event_id = g_strdup (event_id);
  store_op_run (f, unblock);
  store_op_assert_refused (unblock, SB_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (unblock->error_message, "blocked by the venue"));
}

static void
test_audited (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) block = store_op_run (f, block_op (f, SB_OP_BLOCK, SEATS ("A-4"), NULL));
  g_autoptr (SbOp) unblock = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  SbAuditQuery query = { f->event_id, 0, NULL, NULL, SB_AUDIT_DEFAULT_LIMIT };

  store_op_assert_ok (block);
  f->now += 1000;
  unblock = store_op_run (f, block_op (f, SB_OP_UNBLOCK, SEATS ("A-4"), NULL));
  store_op_assert_ok (unblock);
  entries = sb_store_audit_list (f->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const SbAuditRecord *e = g_ptr_array_index (entries, i);

      g_assert_cmpstr (e->action, ==, i == 0 ? "block" : "unblock");
      g_assert_cmpstr (e->account, ==, f->ben);
      g_assert_cmpstrv (e->seat_ids, SEATS ("A-4"));
      g_assert_cmpstr (e->detail, ==, "camera position");
    }
}

/* Two of the three seats of the manager's own hold: blocked in one version, taken from the hold,
 * which keeps the third (the change carries its new list) and can still book it. */
static void
test_own_hold_some (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = own_hold (f, SEATS ("A-1", "A-2", "A-3"));
  g_autoptr (SbOp) block = NULL;
  g_autoptr (SbOp) book = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) kept = NULL;
  SbAuditQuery query = { f->event_id, 0, NULL, NULL, SB_AUDIT_DEFAULT_LIMIT };
  const SbHoldRecord *left;
  gint64 before, after;

  f->now += 1000; /* the audit entries in order */
  state_of (f, "A-1", &before);
  block = store_op_run (f, block_op (f, SB_OP_BLOCK, SEATS ("A-2", "A-1"), NULL));
  store_op_assert_ok (block);
  g_assert_cmpint (block->change->version, ==, before + 1);
  g_assert_cmpuint (block->change->seats->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpint (((SbSeatChange *) g_ptr_array_index (block->change->seats, i))->state, ==,
                     SB_SEAT_BLOCKED);
  g_assert_cmpuint (block->change->holds->len, ==, 1);
  left = g_ptr_array_index (block->change->holds, 0);
  g_assert_cmpstr (left->hold_id, ==, hold->result_hold_id);
  g_assert_cmpstr (left->account, ==, f->ben);
  g_assert_cmpstrv (left->seat_ids, SEATS ("A-3"));
  g_assert_null (block->change->ended_holds);
  g_assert_cmpstrv (block->result_seat_ids, SEATS ("A-2", "A-1"));

  g_assert_cmpint (state_of (f, "A-1", &after), ==, SB_SEAT_BLOCKED);
  g_assert_cmpint (state_of (f, "A-2", NULL), ==, SB_SEAT_BLOCKED);
  g_assert_cmpint (state_of (f, "A-3", NULL), ==, SB_SEAT_HELD);
  g_assert_cmpint (after, ==, before + 1);
  kept = hold_seats (f, hold->result_hold_id);
  g_assert_cmpstrv (kept, SEATS ("A-3"));

  /* One audit entry for the block, as before. */
  entries = sb_store_audit_list (f->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (((SbAuditRecord *) g_ptr_array_index (entries, 1))->action, ==, "block");
  g_assert_cmpstr (((SbAuditRecord *) g_ptr_array_index (entries, 1))->detail, ==,
                   "camera position");

  book = store_op_run (f, store_op_on_hold (f, SB_OP_BOOK, f->desk2, f->ben, hold->result_hold_id));
  store_op_assert_ok (book);
  g_assert_cmpstrv (book->result_seat_ids, SEATS ("A-3"));
  g_assert_cmpint (state_of (f, "A-3", NULL), ==, SB_SEAT_BOOKED);
  g_assert_cmpint (state_of (f, "A-1", NULL), ==, SB_SEAT_BLOCKED);
}

/* Every seat of the hold, with a free one: the hold ends (released), listed in ended_holds. */
static void
test_own_hold_all (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = own_hold (f, SEATS ("A-4", "A-5"));
  g_autoptr (SbOp) block = NULL;
  g_autoptr (SbOp) release = NULL;
  g_auto (GStrv) kept = NULL;

  block = store_op_run (f, block_op (f, SB_OP_BLOCK, SEATS ("A-4", "A-5", "A-6"), NULL));
  store_op_assert_ok (block);
  g_assert_cmpuint (block->change->seats->len, ==, 3);
  g_assert_cmpuint (block->change->holds->len, ==, 0);
  g_assert_cmpstrv (block->change->ended_holds, SEATS (hold->result_hold_id));
  for (guint i = 4; i <= 6; i++)
    {
      g_autofree char *seat = g_strdup_printf ("A-%u", i);

      g_assert_cmpint (state_of (f, seat, NULL), ==, SB_SEAT_BLOCKED);
    }
  kept = hold_seats (f, hold->result_hold_id);
  g_assert_null (kept);
  release = store_op_run (
      f, store_op_on_hold (f, SB_OP_RELEASE, f->desk2, f->ben, hold->result_hold_id));
  store_op_assert_refused (release, SB_ERROR_NOT_FOUND);
}

/* Seats of another desk's hold of the same account, of another account's hold, or of the
 * manager's own hold once it has expired are refused, named, and nothing changes. */
static void
test_own_hold_refusals (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) mine = own_hold (f, SEATS ("B-3", "B-4"));
  g_autoptr (SbOp) other_desk
      = store_op_run (f, store_op_hold (f, f->desk1, f->ben, SEATS ("B-2")));
  g_autoptr (SbOp) other_account
      = store_op_run (f, store_op_hold (f, f->desk1, f->anna, SEATS ("B-1")));
  g_autoptr (SbOp) desk_refused = NULL;
  g_autoptr (SbOp) account_refused = NULL;
  g_autoptr (SbOp) expired_refused = NULL;
  g_auto (GStrv) kept = NULL;
  gint64 before, after;

  store_op_assert_ok (other_desk);
  store_op_assert_ok (other_account);
  state_of (f, "B-3", &before);

  desk_refused = store_op_run (f, block_op (f, SB_OP_BLOCK, SEATS ("B-3", "B-2"), NULL));
  store_op_assert_refused (desk_refused, SB_ERROR_SEAT_UNAVAILABLE);
  g_assert_cmpstrv (desk_refused->conflicting_seats, SEATS ("B-2"));
  account_refused = store_op_run (f, block_op (f, SB_OP_BLOCK, SEATS ("B-1", "B-4"), NULL));
  store_op_assert_refused (account_refused, SB_ERROR_SEAT_UNAVAILABLE);
  g_assert_cmpstrv (account_refused->conflicting_seats, SEATS ("B-1"));
  g_assert_nonnull (strstr (account_refused->error_message, "B-1 are not available"));

  f->now += TTL_MS + 1000;
  expired_refused = store_op_run (f, block_op (f, SB_OP_BLOCK, SEATS ("B-4"), NULL));
  store_op_assert_refused (expired_refused, SB_ERROR_SEAT_UNAVAILABLE);
  g_assert_cmpstrv (expired_refused->conflicting_seats, SEATS ("B-4"));

  g_assert_cmpint (state_of (f, "B-3", &after), ==, SB_SEAT_HELD);
  g_assert_cmpint (state_of (f, "B-4", NULL), ==, SB_SEAT_HELD);
  g_assert_cmpint (after, ==, before);
  kept = hold_seats (f, mine->result_hold_id);
  g_assert_cmpstrv (kept, SEATS ("B-3", "B-4"));
}

/* A retry of a block that took seats of the hold replays: no second version, the hold as the
 * first attempt left it. */
static void
test_own_hold_replayed (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = own_hold (f, SEATS ("B-5", "B-6"));
  g_autoptr (SbOp) block = NULL;
  g_autoptr (SbOp) retry = NULL;
  g_auto (GStrv) kept = NULL;
  gint64 before, after;

  block = store_op_run (f, block_op (f, SB_OP_BLOCK, SEATS ("B-5"), "b-own"));
  store_op_assert_ok (block);
  state_of (f, "B-5", &before);
  retry = store_op_run (f, block_op (f, SB_OP_BLOCK, SEATS ("B-5"), "b-own"));
  g_assert_true (retry->replayed);
  g_assert_cmpint (retry->error, ==, SB_ERROR_NONE);
  g_assert_null (retry->change);
  g_assert_cmpstrv (retry->result_seat_ids, SEATS ("B-5"));
  g_assert_cmpint (state_of (f, "B-5", &after), ==, SB_SEAT_BLOCKED);
  g_assert_cmpint (after, ==, before);
  kept = hold_seats (f, hold->result_hold_id);
  g_assert_cmpstrv (kept, SEATS ("B-6"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add (path, StoreOpFixture, NULL, store_op_fixture_set_up, func, store_op_fixture_tear_down)
  ADD ("/store/block/then-unblock", test_block_then_unblock);
  ADD ("/store/block/refusals", test_refusals);
  ADD ("/store/block/venue-blocked", test_venue_blocked);
  ADD ("/store/block/audited", test_audited);
  ADD ("/store/block/own-hold-some", test_own_hold_some);
  ADD ("/store/block/own-hold-all", test_own_hold_all);
  ADD ("/store/block/own-hold-refusals", test_own_hold_refusals);
  ADD ("/store/block/own-hold-replayed", test_own_hold_replayed);
#undef ADD

  return g_test_run ();
}
