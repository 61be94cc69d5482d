/* test-store-move.c: moving a booking or some of its seats (issue 11 item 4, docs/protocol.md
 * "move"): one new version frees the seats given up and books the new ones, the booking keeps its
 * reference and is found by its new seats, the totals before and after come from the venue's
 * prices, a seat in both lists stays put, a target held by the op's own hold at its desk is taken
 * from that hold, the audit entry says which seat went where, a retry is replayed, the orphan rule
 * judges freed and taken seats together (a manager may override it), and every refusal changes no
 * seat and no version.
 *
 * The store comes from SEATBOOK_TEST_STORE_URI when set (tests/mongo runs this program against the
 * fake MongoDB), else from a fresh temporary SQLite file per test case. */
#include "config.h"

#include "sb-store-audit.h"
#include "sb-store-bookings.h"
#include "store-op-fixture.h"

/* Rows A and C cost 2500 a seat, row B 4000; C-6 is blocked by the venue. */
static char *
priced_venue (void)
{
  GString *json = g_string_new (NULL);
  static const char *const rows[] = { "A", "B", "C" };

  g_string_append (json, "{\"format\":1,\"id\":\"priced-hall\",\"name\":\"Priced Hall\","
                         "\"currency\":\"EUR\",\"categories\":["
                         "{\"id\":\"std\",\"name\":\"Standard\",\"price\":2500,"
                         "\"colour\":\"#3366cc\"},"
                         "{\"id\":\"prem\",\"name\":\"Premium\",\"price\":4000,"
                         "\"colour\":\"#cc3366\"}],"
                         "\"sections\":[{\"id\":\"hall\",\"name\":\"Hall\",\"rows\":[");
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      g_string_append_printf (json, "%s{\"id\":\"%s\",\"label\":\"%s\",\"seats\":[",
                              r > 0 ? "," : "", rows[r], rows[r]);
      for (guint s = 1; s <= 6; s++)
        g_string_append_printf (json,
                                "%s{\"id\":\"%s-%u\",\"label\":\"%u\",\"x\":%u,\"y\":%u,"
                                "\"category\":\"%s\"%s}",
                                s > 1 ? "," : "", rows[r], s, s, s, r, r == 1 ? "prem" : "std",
                                r == 2 && s == 6 ? ",\"blocked\":true" : "");
      g_string_append (json, "]}");
    }
  g_string_append (json, "]}]}");
  return g_string_free (json, FALSE);
}

/* A new event of the fixture's store with the priced venue and this rule, made the one the
 * fixture's ops name. */
static void
use_event (StoreOpFixture *f, SbOrphanRule rule)
{
  g_autofree char *venue = priced_venue ();
  g_autofree char *event_id = g_strdup_printf ("priced-%s", f->event_id);
  g_autoptr (GError) error = NULL;

  g_assert_true (
      sb_store_create_event_with_rule (f->store, event_id, "Priced", venue, 0, rule, &error));
  g_assert_no_error (error);
  g_free (f->event_id);
  f->event_id = g_steal_pointer (&event_id);
}

static SbOp *
book (StoreOpFixture *f, const char *const *seats)
{
  return store_op_book (f, f->anna, 0, seats);
}

/* A move by ben at desk2 (the clerk who answers the phone is not the one who booked). */
static SbOp *
move_op (StoreOpFixture *f,
         const char *booking,
         const char *const *from,
         const char *const *to,
         const char *request)
{
  SbOp *op = store_op_new (f, SB_OP_MOVE, f->desk2, f->ben, request);

  op->event_id = g_strdup (f->event_id);
  op->booking_id = g_strdup (booking);
  op->seat_ids = from != NULL ? g_strdupv ((char **) from) : NULL;
  op->move_to = g_strdupv ((char **) to);
  return op;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* Every seat that is not free, as "A-1=booked", sorted, and the event's version. */
static char *
occupancy (StoreOpFixture *f, gint64 *out_version)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbEventState) state = sb_store_load_event (f->store, f->event_id, &error);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  if (out_version != NULL)
    *out_version = state->version;
  for (guint i = 0; i < state->seats->len; i++)
    {
      const SbSeatChange *seat = g_ptr_array_index (state->seats, i);

      g_ptr_array_add (
          items, g_strdup_printf ("%s=%s", seat->seat_id, sb_seat_state_to_string (seat->state)));
    }
  g_ptr_array_sort (items, compare_strings);
  g_ptr_array_add (items, NULL);
  return g_strjoinv (" ", (char **) items->pdata);
}

/* The seats of the bookings find_bookings gives for a search by seat (or, with by REFERENCE, by
 * reference): "REF:A-1,A-2", or "" when none. */
static char *
found (StoreOpFixture *f, SbBookingSearch by, const char *value)
{
  SbBookingQuery query = { .event_id = f->event_id, .by = by, .value = value, .limit = 10 };
  g_autoptr (GError) error = NULL;
  g_autofree char *next = NULL;
  g_autoptr (GPtrArray) records = NULL;
  GString *out = g_string_new (NULL);

  query.key = value;
  records = sb_store_find_bookings (f->store, &query, &next, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    {
      const SbBookingRecord *record = g_ptr_array_index (records, i);
      g_autofree char *seats = g_strjoinv (",", record->seat_ids);

      g_string_append_printf (out, "%s%s:%s", i > 0 ? " " : "", record->booking_id, seats);
    }
  return g_string_free (out, FALSE);
}

static const SbSeatChange *
change_of (const SbChange *change, const char *seat_id)
{
  for (guint i = 0; i < change->seats->len; i++)
    {
      const SbSeatChange *seat = g_ptr_array_index (change->seats, i);

      if (g_str_equal (seat->seat_id, seat_id))
        return seat;
    }
  return NULL;
}

/* The whole booking (no "from") to dearer seats: one version, both sides in the change, the new
 * seats found, the old ones not, totals and audit entry. */
static void
test_move_whole (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) booked = NULL;
  g_autoptr (SbOp) move = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *seats = NULL;
  g_autofree char *by_ref = NULL;
  g_autofree char *by_old = NULL;
  g_autofree char *by_new = NULL;
  g_autofree char *expected = NULL;
  SbAuditQuery query = { NULL, 0, NULL, NULL, SB_AUDIT_DEFAULT_LIMIT };
  const SbAuditRecord *last;
  gint64 before, after;

  use_event (f, SB_ORPHAN_RULE_OFF);
  booked = book (f, SEATS ("A-1", "A-2"));
  g_free (occupancy (f, &before));
  f->now += 1000;
  move = store_op_run (f, move_op (f, booked->result_booking_id, NULL, SEATS ("B-3", "B-4"), NULL));
  store_op_assert_ok (move);
  g_assert_cmpstr (move->result_booking_id, ==, booked->result_booking_id);
  g_assert_cmpstrv (move->result_seat_ids, SEATS ("B-3", "B-4"));
  g_assert_cmpstrv (move->result_moved_from, SEATS ("A-1", "A-2"));
  g_assert_cmpstrv (move->result_moved_to, SEATS ("B-3", "B-4"));
  g_assert_cmpint (move->result_total_before, ==, 5000);
  g_assert_cmpint (move->result_total_after, ==, 8000);
  g_assert_nonnull (move->change);
  g_assert_cmpint (move->change->version, ==, before + 1);
  g_assert_cmpuint (move->change->seats->len, ==, 4);
  g_assert_cmpint (change_of (move->change, "A-1")->state, ==, SB_SEAT_FREE);
  g_assert_cmpint (change_of (move->change, "A-2")->state, ==, SB_SEAT_FREE);
  g_assert_cmpint (change_of (move->change, "B-3")->state, ==, SB_SEAT_BOOKED);
  g_assert_cmpint (change_of (move->change, "B-4")->state, ==, SB_SEAT_BOOKED);

  seats = occupancy (f, &after);
  g_assert_cmpstr (seats, ==, "B-3=booked B-4=booked C-6=blocked");
  g_assert_cmpint (after, ==, before + 1);

  /* find_bookings: the same reference with its new seats; not found by a seat it gave up. */
  by_ref = found (f, SB_BOOKING_SEARCH_REFERENCE, booked->result_booking_id);
  expected = g_strdup_printf ("%s:B-3,B-4", booked->result_booking_id);
  g_assert_cmpstr (by_ref, ==, expected);
  by_new = found (f, SB_BOOKING_SEARCH_SEAT, "B-4");
  g_assert_cmpstr (by_new, ==, expected);
  by_old = found (f, SB_BOOKING_SEARCH_SEAT, "A-1");
  g_assert_cmpstr (by_old, ==, "");

  query.event_id = f->event_id;
  entries = sb_store_audit_list (f->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  last = g_ptr_array_index (entries, 1);
  g_assert_cmpstr (last->action, ==, "move");
  g_assert_cmpstr (last->account, ==, f->ben);
  g_assert_cmpstr (last->desk, ==, f->desk2);
  g_assert_cmpstr (last->booking_id, ==, booked->result_booking_id);
  g_assert_cmpstrv (last->seat_ids, SEATS ("A-1", "A-2", "B-3", "B-4"));
  g_assert_cmpstr (last->detail, ==, "moved A-1 → B-3, A-2 → B-4; total 5000 → 8000");
}

/* Part of a booking, along its row: A-2 → → A-4. A-3 stays booked and is not in the
 * change; A-1 is not moved; the booking now has at the same price. Then one seat to
 * a cheaper row: the difference is negative. */
static void
test_move_part (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) booked = NULL;
  g_autoptr (SbOp) along = NULL;
  g_autoptr (SbOp) down = NULL;
  g_autoptr (SbOp) cheaper = NULL;
  g_autofree char *seats = NULL;

  use_event (f, SB_ORPHAN_RULE_OFF);
  booked = book (f, SEATS ("A-1", "A-2", "A-3"));
  along = store_op_run (
      f, move_op (f, booked->result_booking_id, SEATS ("A-2", "A-3"), SEATS ("A-3", "A-4"), NULL));
  store_op_assert_ok (along);
  g_assert_cmpstrv (along->result_seat_ids, SEATS ("A-1", "A-3", "A-4"));
  g_assert_cmpuint (along->change->seats->len, ==, 2);
  g_assert_cmpint (change_of (along->change, "A-2")->state, ==, SB_SEAT_FREE);
  g_assert_cmpint (change_of (along->change, "A-4")->state, ==, SB_SEAT_BOOKED);
  g_assert_null (change_of (along->change, "A-3"));
  g_assert_cmpint (along->result_total_before, ==, 7500);
  g_assert_cmpint (along->result_total_after, ==, 7500);
  seats = occupancy (f, NULL);
  g_assert_cmpstr (seats, ==, "A-1=booked A-3=booked A-4=booked C-6=blocked");

  /* To row B and back down to row C: dearer, then cheaper. */
  down = store_op_run (f,
                       move_op (f, booked->result_booking_id, SEATS ("A-4"), SEATS ("B-1"), NULL));
  store_op_assert_ok (down);
  g_assert_cmpint (down->result_total_after - down->result_total_before, ==, 1500);
  cheaper = store_op_run (
      f, move_op (f, booked->result_booking_id, SEATS ("B-1"), SEATS ("C-1"), NULL));
  store_op_assert_ok (cheaper);
  g_assert_cmpint (cheaper->result_total_before, ==, 9000);
  g_assert_cmpint (cheaper->result_total_after, ==, 7500);
  g_assert_cmpstrv (cheaper->result_seat_ids, SEATS ("A-1", "A-3", "C-1"));
}

/* Every refusal leaves the seats and the version as they were, and names what is wrong. */
static void
test_move_refusals (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) mine = NULL;
  g_autoptr (SbOp) theirs = NULL;
  g_autoptr (SbOp) held = NULL;
  g_autoptr (SbOp) blocked = NULL;
  g_autoptr (SbOp) cancel = NULL;
  g_autofree char *seats_before = NULL;
  g_autofree char *seats_after = NULL;
  gint64 before, after;
  struct
  {
    const char *booking; /* NULL: mine; "theirs": the other booking */
    const char *const *from;
    const char *const *to;
    SbErrorCode code;
    const char *says;
    const char *const *conflicts;
  } cases[] = {
    { "ZZZZZZZZ", NULL, SEATS ("B-1", "B-2"), SB_ERROR_NOT_FOUND, "No booking ZZZZZZZZ", NULL },
    { NULL, SEATS ("A-1", "A-5"), SEATS ("B-1", "B-2"), SB_ERROR_INVALID_REQUEST,
      "Seats A-5 are not in booking", NULL },
    { NULL, NULL, SEATS ("B-1"), SB_ERROR_INVALID_REQUEST, "2 seats to move (from) and 1", NULL },
    { NULL, SEATS ("A-1"), SEATS ("B-1", "B-2"), SB_ERROR_INVALID_REQUEST, "1 seats to move",
      NULL },
    { NULL, NULL, SEATS ("B-1", "B-1"), SB_ERROR_INVALID_REQUEST,
      "Seat B-1 is named twice in \"to\"", NULL },
    { NULL, SEATS ("A-1", "A-1"), SEATS ("B-1", "B-2"), SB_ERROR_INVALID_REQUEST,
      "Seat A-1 is named twice in \"from\"", NULL },
    { NULL, NULL, SEATS ("B-1", "Z-9"), SB_ERROR_INVALID_REQUEST,
      "Seats Z-9 are not seats of event", NULL },
    { NULL, SEATS ("A-1"), SEATS ("A-2"), SB_ERROR_INVALID_REQUEST, "A-2 are in booking", NULL },
    { NULL, SEATS ("A-1", "A-2"), SEATS ("A-2", "A-1"), SB_ERROR_INVALID_REQUEST, "changes no seat",
      NULL },
    /* One target free (B-1), one booked by another booking: nothing moves. */
    { NULL, NULL, SEATS ("B-1", "A-4"), SB_ERROR_SEAT_UNAVAILABLE, "Seats A-4 are not available",
      SEATS ("A-4") },
    /* Held by desk1's hold: not the mover's (ben at desk2). */
    { NULL, NULL, SEATS ("B-5", "B-1"), SB_ERROR_SEAT_UNAVAILABLE, "Seats B-5 are not available",
      SEATS ("B-5") },
    /* Blocked by the venue (C-6) and by a block (C-1). */
    { NULL, NULL, SEATS ("C-6", "C-1"), SB_ERROR_SEAT_UNAVAILABLE, "Seats C-6, C-1 are blocked",
      SEATS ("C-6", "C-1") },
    { "theirs", SEATS ("A-4"), SEATS ("B-1"), SB_ERROR_INVALID_REQUEST,
      "is cancelled: it has no seats to move", NULL },
  };

  use_event (f, SB_ORPHAN_RULE_OFF);
  mine = book (f, SEATS ("A-1", "A-2"));
  theirs = book (f, SEATS ("A-4"));
  held = store_op_run (f, store_op_hold (f, f->desk1, f->anna, SEATS ("B-5")));
  store_op_assert_ok (held);
  blocked = store_op_new (f, SB_OP_BLOCK, f->desk2, f->ben, NULL);
  blocked->event_id = g_strdup (f->event_id);
  blocked->seat_ids = g_strdupv ((char **) SEATS ("C-1"));
  blocked->reason = g_strdup ("camera");
  store_op_assert_ok (store_op_run (f, blocked));
  seats_before = occupancy (f, &before);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *booking = cases[i].booking == NULL                   ? mine->result_booking_id
                            : g_str_equal (cases[i].booking, "theirs") ? theirs->result_booking_id
                                                                       : cases[i].booking;
      g_autoptr (SbOp) op = NULL;

      /* The last case needs "theirs" cancelled first; its seat A-4 then is free. */
      if (i == G_N_ELEMENTS (cases) - 1)
        {
          cancel = store_op_new (f, SB_OP_CANCEL, f->desk2, f->ben, NULL);
          cancel->event_id = g_strdup (f->event_id);
          cancel->booking_id = g_strdup (theirs->result_booking_id);
          cancel->refund.kind = SB_REFUND_NONE;
          cancel->reason = g_strdup ("gone");
          store_op_assert_ok (store_op_run (f, cancel));
          g_free (seats_before);
          seats_before = occupancy (f, &before);
        }
      op = store_op_run (f, move_op (f, booking, cases[i].from, cases[i].to, NULL));
      if (g_test_verbose ())
        g_printerr ("case %u: %s\n", i, op->error_message);
      store_op_assert_refused (op, cases[i].code);
      g_assert_nonnull (strstr (op->error_message, cases[i].says));
      if (cases[i].conflicts != NULL)
        g_assert_cmpstrv (op->conflicting_seats, cases[i].conflicts);
      seats_after = occupancy (f, &after);
      g_assert_cmpstr (seats_after, ==, seats_before);
      g_assert_cmpint (after, ==, before);
      g_clear_pointer (&seats_after, g_free);
    }

  /* Another event's booking is as unknown as one that never was. */
  {
    g_autoptr (SbOp) other = move_op (f, mine->result_booking_id, NULL, SEATS ("B-1", "B-2"), NULL);

    g_free (other->event_id);
    other->event_id = g_strdup (strchr (f->event_id, '-') + 1); /* the fixture's first event */
    store_op_run (f, other);
    store_op_assert_refused (other, SB_ERROR_NOT_FOUND);
  }
}

/* A target held by the mover's own hold at its desk is taken from it: the hold keeps its other
 * seat (announced with its new seat list), or ends when it has none left. */
static void
test_move_own_hold (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) booked = NULL;
  g_autoptr (SbOp) hold = NULL;
  g_autoptr (SbOp) first = NULL;
  g_autoptr (SbOp) second = NULL;
  const SbHoldRecord *left;
  g_autofree char *seats = NULL;

  use_event (f, SB_ORPHAN_RULE_OFF);
  booked = book (f, SEATS ("A-1", "A-2"));
  hold = store_op_run (f, store_op_hold (f, f->desk2, f->ben, SEATS ("B-3", "B-4")));
  store_op_assert_ok (hold);

  first = store_op_run (f,
                        move_op (f, booked->result_booking_id, SEATS ("A-1"), SEATS ("B-3"), NULL));
  store_op_assert_ok (first);
  g_assert_cmpint (change_of (first->change, "B-3")->state, ==, SB_SEAT_BOOKED);
  g_assert_cmpuint (first->change->holds->len, ==, 1);
  left = g_ptr_array_index (first->change->holds, 0);
  g_assert_cmpstr (left->hold_id, ==, hold->result_hold_id);
  g_assert_cmpstrv (left->seat_ids, SEATS ("B-4"));
  g_assert_null (first->change->ended_holds);

  second = store_op_run (
      f, move_op (f, booked->result_booking_id, SEATS ("A-2"), SEATS ("B-4"), NULL));
  store_op_assert_ok (second);
  g_assert_nonnull (second->change->ended_holds);
  g_assert_cmpstrv (second->change->ended_holds, SEATS (hold->result_hold_id));
  seats = occupancy (f, NULL);
  g_assert_cmpstr (seats, ==, "B-3=booked B-4=booked C-6=blocked");
}

/* The same request id again: the first outcome, replayed, with no second version — also after
 * the booking has moved on since. */
static void
test_move_replayed (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) booked = NULL;
  g_autoptr (SbOp) first = NULL;
  g_autoptr (SbOp) retry = NULL;
  g_autoptr (SbOp) onwards = NULL;
  g_autoptr (SbOp) late = NULL;
  g_autoptr (SbOp) refused = NULL;
  g_autoptr (SbOp) refused_again = NULL;
  gint64 before, after;

  use_event (f, SB_ORPHAN_RULE_OFF);
  booked = book (f, SEATS ("A-5", "A-6"));
  first = store_op_run (
      f, move_op (f, booked->result_booking_id, SEATS ("A-5"), SEATS ("B-5"), "m-1"));
  store_op_assert_ok (first);
  g_free (occupancy (f, &before));
  retry = store_op_run (
      f, move_op (f, booked->result_booking_id, SEATS ("A-5"), SEATS ("B-5"), "m-1"));
  store_op_assert_ok (retry);
  g_assert_true (retry->replayed);
  g_assert_null (retry->change);
  g_assert_cmpstr (retry->result_booking_id, ==, booked->result_booking_id);
  g_assert_cmpstrv (retry->result_seat_ids, SEATS ("A-6", "B-5"));
  g_assert_cmpstrv (retry->result_moved_from, SEATS ("A-5"));
  g_assert_cmpstrv (retry->result_moved_to, SEATS ("B-5"));
  g_assert_cmpint (retry->result_total_before, ==, 5000);
  g_assert_cmpint (retry->result_total_after, ==, 6500);
  g_free (occupancy (f, &after));
  g_assert_cmpint (after, ==, before);

  onwards = store_op_run (
      f, move_op (f, booked->result_booking_id, SEATS ("B-5"), SEATS ("C-5"), NULL));
  store_op_assert_ok (onwards);
  late = store_op_run (f,
                       move_op (f, booked->result_booking_id, SEATS ("A-5"), SEATS ("B-5"), "m-1"));
  store_op_assert_ok (late);
  g_assert_true (late->replayed);
  g_assert_cmpstrv (late->result_seat_ids, SEATS ("A-6", "B-5"));

  /* A refusal is stored too: its retry gets the same error, replayed. */
  refused = store_op_run (
      f, move_op (f, booked->result_booking_id, SEATS ("A-6"), SEATS ("C-6"), "m-2"));
  store_op_assert_refused (refused, SB_ERROR_SEAT_UNAVAILABLE);
  refused_again = store_op_run (
      f, move_op (f, booked->result_booking_id, SEATS ("A-6"), SEATS ("C-6"), "m-2"));
  store_op_assert_refused (refused_again, SB_ERROR_SEAT_UNAVAILABLE);
  g_assert_true (refused_again->replayed);
  g_assert_cmpstrv (refused_again->conflicting_seats, SEATS ("C-6"));
}

/* Under enforce, in row A (six seats): a move that frees a seat next to a taken one and leaves it
 * alone is refused naming it, as is one whose new seats leave a seat alone; a
 * manager's override does the second and the audit entry says so; a move that leaves no seat
 * alone is done. */
static void
test_move_orphan (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) booked = NULL;
  g_autoptr (SbOp) freed_lone = NULL;
  g_autoptr (SbOp) taken_lone = NULL;
  g_autoptr (SbOp) overridden = NULL;
  g_autoptr (SbOp) fine = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *seats = NULL;
  SbAuditQuery query = { NULL, 0, NULL, NULL, SB_AUDIT_DEFAULT_LIMIT };
  gint64 before, after;

  use_event (f, SB_ORPHAN_RULE_ENFORCE);
  booked = book (f, SEATS ("A-1", "A-2"));
  g_free (occupancy (f, &before));

  /* A-2 → A-3: A-2 is left between. */
  freed_lone = store_op_run (
      f, move_op (f, booked->result_booking_id, SEATS ("A-2"), SEATS ("A-3"), NULL));
  store_op_assert_refused (freed_lone, SB_ERROR_LONE_SEAT);
  g_assert_cmpstrv (freed_lone->conflicting_seats, SEATS ("A-2"));

  /* →: A-6 is left between A-5 and the row's end. */
  taken_lone
      = store_op_run (f, move_op (f, booked->result_booking_id, NULL, SEATS ("A-4", "A-5"), NULL));
  store_op_assert_refused (taken_lone, SB_ERROR_LONE_SEAT);
  g_assert_cmpstrv (taken_lone->conflicting_seats, SEATS ("A-6"));
  g_free (occupancy (f, &after));
  g_assert_cmpint (after, ==, before);

  overridden = move_op (f, booked->result_booking_id, NULL, SEATS ("A-4", "A-5"), NULL);
  overridden->override_orphan_rule = TRUE;
  store_op_run (f, overridden);
  store_op_assert_ok (overridden);
  g_assert_cmpstr (overridden->result_lone_seat, ==, "A-6");
  query.event_id = f->event_id;
  entries = sb_store_audit_list (f->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((SbAuditRecord *) g_ptr_array_index (entries, entries->len - 1))->detail, ==,
                   "moved A-1 → A-4, A-2 → A-5; total 5000 → 5000; orphan rule overridden: "
                   "leaves A-6 on its own");

  /* → B-1, B-2: row A empty again, B-3 … B-6 free side by side. */
  fine = store_op_run (f, move_op (f, booked->result_booking_id, NULL, SEATS ("B-1", "B-2"), NULL));
  store_op_assert_ok (fine);
  g_assert_null (fine->result_lone_seat);
  seats = occupancy (f, NULL);
  g_assert_cmpstr (seats, ==, "B-1=booked B-2=booked C-6=blocked");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add (path, StoreOpFixture, NULL, store_op_fixture_set_up, func, store_op_fixture_tear_down)
  ADD ("/store/move/whole", test_move_whole);
  ADD ("/store/move/part", test_move_part);
  ADD ("/store/move/refusals", test_move_refusals);
  ADD ("/store/move/own-hold", test_move_own_hold);
  ADD ("/store/move/replayed", test_move_replayed);
  ADD ("/store/move/orphan", test_move_orphan);
#undef ADD

  return g_test_run ();
}
