/* test-store-cancel.c: cancelling a booking or some of its seats (issue 11 item 3,
 * docs/protocol.md "cancel"): the seats become free in one new version and can be booked again,
 * the booking keeps its reference and the seats it has left, the refund is what the seats cost
 * (or the partial amount, never more), the audit trail says what was refunded and why, a retry is
 * replayed, and every refusal changes nothing.
 *
 * The store comes from SEATBOOK_TEST_STORE_URI when set (tests/mongo runs this program against the
 * fake MongoDB), else from a fresh temporary SQLite file per test case. Seats cost 2500 each
 * (store_test_make_venue). */
#include "config.h"

#include "sb-store-audit.h"
#include "store-op-fixture.h"

static SbOp *
book (StoreOpFixture *f, const char *const *seats)
{
  return store_op_book (f, f->anna, 0, seats);
}

static SbOp *
cancel_op (StoreOpFixture *f,
           const char *booking,
           const char *const *seats,
           SbRefundKind kind,
           gint64 amount,
           const char *request)
{
  SbOp *op = store_op_new (f, SB_OP_CANCEL, f->desk2, f->ben, request);

  op->event_id = g_strdup (f->event_id);
  op->booking_id = g_strdup (booking);
  op->seat_ids = seats != NULL ? g_strdupv ((char **) seats) : NULL;
  op->refund.kind = kind;
  op->refund.amount = amount;
  op->reason = g_strdup ("customer is ill");
  return op;
}

/* The state of seat_id in the store: NULL when free. */
static char *
seat_state (StoreOpFixture *f, const char *seat_id, gint64 *out_version)
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
        return g_strdup (sb_seat_state_to_string (seat->state));
    }
  return NULL;
}

/* Part of a booking: those seats free, the others still booked, one version, the refund of the
 * cancelled seats, the booking's reference kept. */
static void
test_cancel_part (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) booked = book (f, SEATS ("A-1", "A-2", "A-3"));
  g_autoptr (SbOp) cancel = NULL;
  g_autofree char *a1 = NULL;
  g_autofree char *a2 = NULL;
  gint64 before, after;

  g_free (seat_state (f, "A-1", &before));
  cancel = store_op_run (
      f, cancel_op (f, booked->result_booking_id, SEATS ("A-1", "A-2"), SB_REFUND_FULL, 0, NULL));
  store_op_assert_ok (cancel);
  g_assert_cmpstr (cancel->result_booking_id, ==, booked->result_booking_id);
  g_assert_cmpstrv (cancel->result_seat_ids, SEATS ("A-1", "A-2"));
  g_assert_cmpstrv (cancel->result_remaining_seats, SEATS ("A-3"));
  g_assert_cmpint (cancel->result_refund.kind, ==, SB_REFUND_FULL);
  g_assert_cmpint (cancel->result_refund.amount, ==, 5000);
  g_assert_nonnull (cancel->change);
  g_assert_cmpint (cancel->change->version, ==, before + 1);
  g_assert_cmpuint (cancel->change->seats->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpint (((SbSeatChange *) g_ptr_array_index (cancel->change->seats, i))->state, ==,
                     SB_SEAT_FREE);

  a1 = seat_state (f, "A-1", &after);
  g_assert_null (a1);
  g_assert_cmpint (after, ==, before + 1);
  a2 = seat_state (f, "A-3", NULL);
  g_assert_cmpstr (a2, ==, "booked");
}

/* A cancelled seat can be held and booked again; the rest of the booking can then be cancelled,
 * and the booking is cancelled: a whole-booking cancel now has nothing to cancel. */
static void
test_cancel_then_rebook (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) booked = book (f, SEATS ("A-1", "A-2"));
  g_autoptr (SbOp) first = NULL;
  g_autoptr (SbOp) rebook = NULL;
  g_autoptr (SbOp) rest = NULL;
  g_autoptr (SbOp) again = NULL;

  first = store_op_run (
      f, cancel_op (f, booked->result_booking_id, SEATS ("A-2"), SB_REFUND_NONE, 0, NULL));
  store_op_assert_ok (first);
  g_assert_cmpint (first->result_refund.amount, ==, 0);
  rebook = book (f, SEATS ("A-2", "A-3"));
  g_assert_cmpstr (rebook->result_booking_id, !=, booked->result_booking_id);

  rest = store_op_run (
      f, cancel_op (f, booked->result_booking_id, NULL, SB_REFUND_PARTIAL, 1000, NULL));
  store_op_assert_ok (rest);
  g_assert_cmpstrv (rest->result_seat_ids, SEATS ("A-1"));
  g_assert_cmpstrv (rest->result_remaining_seats, SEATS (NULL));
  g_assert_cmpint (rest->result_refund.amount, ==, 1000);

  again = store_op_run (f, cancel_op (f, booked->result_booking_id, NULL, SB_REFUND_NONE, 0, NULL));
  store_op_assert_refused (again, SB_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (again->error_message, "cancelled already"));
}

/* Refusals change nothing: an unknown booking (or one of another event), seats not in the
 * booking or cancelled already (named), a partial refund over what the seats cost. */
static void
test_cancel_refusals (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) booked = book (f, SEATS ("B-1", "B-2"));
  g_autoptr (SbOp) part = NULL;
  g_autoptr (SbOp) unknown = NULL;
  g_autoptr (SbOp) not_in = NULL;
  g_autoptr (SbOp) twice = NULL;
  g_autoptr (SbOp) too_much = NULL;
  g_autoptr (SbOp) other_event = NULL;
  g_autofree char *b1 = NULL;
  gint64 before, after;

  part = store_op_run (
      f, cancel_op (f, booked->result_booking_id, SEATS ("B-1"), SB_REFUND_FULL, 0, NULL));
  store_op_assert_ok (part);
  g_free (seat_state (f, "B-2", &before));

  unknown = store_op_run (f, cancel_op (f, "ZZZZZZZZ", NULL, SB_REFUND_FULL, 0, NULL));
  store_op_assert_refused (unknown, SB_ERROR_NOT_FOUND);

  not_in = store_op_run (
      f, cancel_op (f, booked->result_booking_id, SEATS ("B-2", "A-4"), SB_REFUND_FULL, 0, NULL));
  store_op_assert_refused (not_in, SB_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (not_in->error_message, "A-4"));
  g_assert_null (strstr (not_in->error_message, "B-2"));

  twice = store_op_run (
      f, cancel_op (f, booked->result_booking_id, SEATS ("B-1"), SB_REFUND_FULL, 0, NULL));
  store_op_assert_refused (twice, SB_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (twice->error_message, "B-1"));

  too_much = store_op_run (
      f, cancel_op (f, booked->result_booking_id, SEATS ("B-2"), SB_REFUND_PARTIAL, 2501, NULL));
  store_op_assert_refused (too_much, SB_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (too_much->error_message, "2500"));

  other_event = cancel_op (f, booked->result_booking_id, NULL, SB_REFUND_FULL, 0, NULL);
  g_free (other_event->event_id);
  other_event->event_id = g_strdup ("no-such-event");
  store_op_run (f, other_event);
  store_op_assert_refused (other_event, SB_ERROR_NOT_FOUND);

  b1 = seat_state (f, "B-2", &after);
  g_assert_cmpstr (b1, ==, "booked");
  g_assert_cmpint (after, ==, before);
}

/* The same request id again: the first outcome, replayed, and no second version. */
static void
test_cancel_replayed (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) booked = book (f, SEATS ("A-5", "A-6"));
  g_autoptr (SbOp) first = NULL;
  g_autoptr (SbOp) retry = NULL;
  gint64 before, after;

  first = store_op_run (
      f, cancel_op (f, booked->result_booking_id, SEATS ("A-5"), SB_REFUND_PARTIAL, 1200, "c-1"));
  store_op_assert_ok (first);
  g_free (seat_state (f, "A-5", &before));
  retry = store_op_run (
      f, cancel_op (f, booked->result_booking_id, SEATS ("A-5"), SB_REFUND_PARTIAL, 1200, "c-1"));
  store_op_assert_ok (retry);
  g_assert_true (retry->replayed);
  g_assert_null (retry->change);
  g_assert_cmpstr (retry->result_booking_id, ==, booked->result_booking_id);
  g_assert_cmpstrv (retry->result_seat_ids, SEATS ("A-5"));
  g_assert_cmpstrv (retry->result_remaining_seats, SEATS ("A-6"));
  g_assert_cmpint (retry->result_refund.kind, ==, SB_REFUND_PARTIAL);
  g_assert_cmpint (retry->result_refund.amount, ==, 1200);
  g_free (seat_state (f, "A-5", &after));
  g_assert_cmpint (after, ==, before);
}

/* The audit entry: action cancel, by the account that cancelled, naming booking, seats, refund
 * and reason. */
static void
test_cancel_audited (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) booked = book (f, SEATS ("B-5"));
  g_autoptr (SbOp) cancel = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  SbAuditQuery query = { f->event_id, 0, NULL, NULL, SB_AUDIT_DEFAULT_LIMIT };
  const SbAuditRecord *last;

  f->now += 1000;
  cancel
      = store_op_run (f, cancel_op (f, booked->result_booking_id, NULL, SB_REFUND_FULL, 0, NULL));
  store_op_assert_ok (cancel);
  entries = sb_store_audit_list (f->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  last = g_ptr_array_index (entries, 1);
  g_assert_cmpstr (last->action, ==, "cancel");
  g_assert_cmpstr (last->account, ==, f->ben);
  g_assert_cmpstr (last->desk, ==, f->desk2);
  g_assert_cmpstr (last->booking_id, ==, booked->result_booking_id);
  g_assert_cmpstrv (last->seat_ids, SEATS ("B-5"));
  g_assert_cmpstr (last->detail, ==, "refund full 2500; customer is ill");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add (path, StoreOpFixture, NULL, store_op_fixture_set_up, func, store_op_fixture_tear_down)
  ADD ("/store/cancel/part", test_cancel_part);
  ADD ("/store/cancel/then-rebook", test_cancel_then_rebook);
  ADD ("/store/cancel/refusals", test_cancel_refusals);
  ADD ("/store/cancel/replayed", test_cancel_replayed);
  ADD ("/store/cancel/audited", test_cancel_audited);
#undef ADD

  return g_test_run ();
}
