/* test-store-bookings.c: a booking's customer and find_bookings on every store (issue 11 items 1
 * and 2): the customer is stored in the booking's transaction (a refused booking stores none) and
 * comes back in a replayed outcome as it was first stored; the audit entry names the customer;
 * find_bookings by reference (any case), folded name prefix (of any word or the whole name), phone
 * digits, email (any case) and seat, or all of an event's bookings a page at a time by booking
 * time, with an after cursor that must name one of the event's bookings.
 *
 * The store comes from SEATBOOK_TEST_STORE_URI when set (tests/mongo runs this program against the
 * fake MongoDB), else from a fresh temporary SQLite file per test case. */
#include "config.h"

#include "sb-store-audit.h"
#include "sb-store-bookings.h"
#include "store-op-fixture.h"

static SbOp *
book (StoreOpFixture *f, const char *const *seats, SbCustomer *customer, const char *request)
{
  SbOp *op = store_op_new (f, SB_OP_BOOK, f->desk1, f->anna, request);

  op->seat_ids = g_strdupv ((char **) seats);
  op->customer = customer;
  return store_op_run (f, op);
}

/* The references found, in order, or NULL when the store says not found. */
static char **
find (StoreOpFixture *f,
      SbBookingSearch by,
      const char *value,
      const char *after,
      guint limit,
      char **out_next,
      GPtrArray **out_records)
{
  SbBookingQuery query
      = { .event_id = f->event_id, .by = by, .value = value, .after = after, .limit = limit };
  g_autoptr (GError) error = NULL;
  g_autofree char *next = NULL;
  g_autoptr (GPtrArray) records = sb_store_find_bookings (f->store, &query, &next, &error);
  g_autoptr (GStrvBuilder) references = g_strv_builder_new ();

  if (records == NULL)
    {
      g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
      return NULL;
    }
  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    g_strv_builder_add (references,
                        ((SbBookingRecord *) g_ptr_array_index (records, i))->booking_id);
  if (out_next != NULL)
    *out_next = g_steal_pointer (&next);
  if (out_records != NULL)
    *out_records = g_steal_pointer (&records);
  return g_strv_builder_end (references);
}

static void
assert_finds (StoreOpFixture *f, SbBookingSearch by, const char *value, const char *const *expected)
{
  g_auto (GStrv) found = find (f, by, value, NULL, SB_MAX_FIND_LIMIT, NULL, NULL);

  if (!g_strv_equal ((const char *const *) found, expected))
    {
      g_autofree char *got = g_strjoinv (" ", found);
      g_autofree char *want = g_strjoinv (" ", (char **) expected);

      g_error ("find %d \"%s\": [%s], expected [%s]", by, value, got, want);
    }
}

static void
test_customer_stored (StoreOpFixture *f, gconstpointer data)
{
  SbCustomer *zoe = sb_customer_new ("Zoë Müller-Lüdenscheidt", "+49 (30) 123-456",
                                     "Zoe.Mueller@Example.ORG", "Wheelchair\nAisle");
  g_autoptr (SbOp) booked = book (f, SEATS ("A-2", "A-1"), zoe, "book-zoe");
  g_autoptr (SbOp) replay = NULL;
  g_autoptr (SbOp) li = NULL;
  g_autoptr (SbOp) plain = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GPtrArray) trail = NULL;
  g_auto (GStrv) found = NULL;
  const SbBookingRecord *record;
  const char *ref;

  store_op_assert_ok (booked);
  ref = booked->result_booking_id;
  g_assert_true (sb_customer_equal (booked->result_customer, zoe));

  /* The retry answers with the customer first stored, whatever it carries now. */
  replay = book (f, SEATS ("A-2", "A-1"), sb_customer_new ("Somebody Else", NULL, NULL, NULL),
                 "book-zoe");
  g_assert_true (replay->replayed);
  g_assert_cmpstr (replay->result_booking_id, ==, ref);
  g_assert_true (sb_customer_equal (replay->result_customer, zoe));

  li = book (f, SEATS ("B-1"), sb_customer_new ("李小龍", NULL, NULL, NULL), NULL);
  store_op_assert_ok (li);
  plain = book (f, SEATS ("B-2"), NULL, NULL);
  store_op_assert_ok (plain);
  g_assert_null (plain->result_customer);

  found = find (f, SB_BOOKING_SEARCH_REFERENCE, ref, NULL, 10, NULL, &records);
  g_assert_cmpuint (records->len, ==, 1);
  record = g_ptr_array_index (records, 0);
  g_assert_cmpstr (record->booking_id, ==, ref);
  g_assert_cmpstr (record->event_id, ==, f->event_id);
  g_assert_cmpstr (record->desk, ==, f->desk1);
  g_assert_cmpstr (record->account, ==, f->anna);
  g_assert_cmpstrv (record->seat_ids, SEATS ("A-1", "A-2"));
  g_assert_true (sb_customer_equal (record->customer, zoe));
  g_assert_cmpint (record->booked_at_ms, ==, f->now);
  g_assert_cmpstr (record->state, ==, "booked");
  g_clear_pointer (&records, g_ptr_array_unref);
  g_clear_pointer (&found, g_strfreev);
  found = find (f, SB_BOOKING_SEARCH_REFERENCE, plain->result_booking_id, NULL, 10, NULL, &records);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_null (((SbBookingRecord *) g_ptr_array_index (records, 0))->customer);

  /* The booking's audit entry names the customer, by name only. */
  {
    SbAuditQuery query = { f->event_id, 0, NULL, ref, 10 };
    g_autoptr (GError) error = NULL;
    const SbAuditRecord *entry;

    trail = sb_store_audit_list (f->store, &query, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (trail->len, ==, 1);
    entry = g_ptr_array_index (trail, 0);
    g_assert_cmpstr (entry->action, ==, "book");
    g_assert_nonnull (strstr (entry->detail, "Zoë Müller-Lüdenscheidt"));
    g_assert_null (strstr (entry->detail, "123"));
  }
}

static void
test_find_by_each (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) zoe = book (f, SEATS ("A-1", "A-2"),
                               sb_customer_new ("Zoë Müller-Lüdenscheidt", "+49 (30) 123-456",
                                                "Zoe.Mueller@Example.ORG", NULL),
                               NULL);
  g_autoptr (SbOp) hans = book (
      f, SEATS ("A-3"), sb_customer_new ("Hans Müller", "030 999", "hans@example.org", NULL), NULL);
  g_autoptr (SbOp) li = book (f, SEATS ("B-1"), sb_customer_new ("李小龍", NULL, NULL, NULL), NULL);
  g_autoptr (SbOp) refused = NULL;
  const char *z, *h, *l;

  store_op_assert_ok (zoe);
  store_op_assert_ok (hans);
  store_op_assert_ok (li);
  z = zoe->result_booking_id;
  h = hans->result_booking_id;
  l = li->result_booking_id;

  /* A refused booking stores no customer: "Refused" is never found. */
  refused = book (f, SEATS ("A-1"), sb_customer_new ("Refused Person", "111", NULL, NULL), NULL);
  store_op_assert_refused (refused, SB_ERROR_SEAT_UNAVAILABLE);

  /* Both Müllers are found in booking order (equal times: by reference). */
  {
    const char *both_sorted[]
        = { g_strcmp0 (z, h) < 0 ? z : h, g_strcmp0 (z, h) < 0 ? h : z, NULL };

    assert_finds (f, SB_BOOKING_SEARCH_NAME, "muller", both_sorted);
    assert_finds (f, SB_BOOKING_SEARCH_NAME, "MÜL", both_sorted);
  }
  assert_finds (f, SB_BOOKING_SEARCH_NAME, "ludensch", (const char *[]){ z, NULL });
  assert_finds (f, SB_BOOKING_SEARCH_NAME, "zoe mul", (const char *[]){ z, NULL });
  assert_finds (f, SB_BOOKING_SEARCH_NAME, "Zoë Müller-Lüdenscheidt", (const char *[]){ z, NULL });
  assert_finds (f, SB_BOOKING_SEARCH_NAME, "hans", (const char *[]){ h, NULL });
  assert_finds (f, SB_BOOKING_SEARCH_NAME, "李", (const char *[]){ l, NULL });
  assert_finds (f, SB_BOOKING_SEARCH_NAME, "üller", (const char *[]){ NULL });
  assert_finds (f, SB_BOOKING_SEARCH_NAME, "refused", (const char *[]){ NULL });
  assert_finds (f, SB_BOOKING_SEARCH_NAME, "--", (const char *[]){ NULL });
  assert_finds (f, SB_BOOKING_SEARCH_PHONE, "4930123456", (const char *[]){ z, NULL });
  assert_finds (f, SB_BOOKING_SEARCH_PHONE, "+49-30-12 34 56", (const char *[]){ z, NULL });
  assert_finds (f, SB_BOOKING_SEARCH_PHONE, "49301234", (const char *[]){ NULL });
  assert_finds (f, SB_BOOKING_SEARCH_PHONE, "111", (const char *[]){ NULL });
  assert_finds (f, SB_BOOKING_SEARCH_EMAIL, "zoe.mueller@example.org", (const char *[]){ z, NULL });
  assert_finds (f, SB_BOOKING_SEARCH_EMAIL, "HANS@EXAMPLE.ORG", (const char *[]){ h, NULL });
  assert_finds (f, SB_BOOKING_SEARCH_EMAIL, "zoe@example.org", (const char *[]){ NULL });
  {
    g_autofree char *lower = g_ascii_strdown (z, -1);

    assert_finds (f, SB_BOOKING_SEARCH_REFERENCE, lower, (const char *[]){ z, NULL });
  }
  assert_finds (f, SB_BOOKING_SEARCH_SEAT, "A-2", (const char *[]){ z, NULL });
  assert_finds (f, SB_BOOKING_SEARCH_SEAT, "B-1", (const char *[]){ l, NULL });
  assert_finds (f, SB_BOOKING_SEARCH_SEAT, "B-2", (const char *[]){ NULL });

  /* Another event's bookings are not this one's. */
  {
    g_autofree char *venue = store_test_make_venue (1, 2, NULL);
    g_autofree char *other = g_strconcat (f->event_id, "-other", NULL);
    g_autoptr (GError) error = NULL;
    SbBookingQuery query
        = { .event_id = other, .by = SB_BOOKING_SEARCH_NAME, .value = "muller", .limit = 10 };
    g_autofree char *next = NULL;
    g_autoptr (GPtrArray) records = NULL;

    g_assert_true (sb_store_create_event (f->store, other, "Other", venue, 0, &error));
    records = sb_store_find_bookings (f->store, &query, &next, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (records->len, ==, 0);
  }
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* Twelve bookings at three times; pages of five by (time, reference); a cursor of another event or
 * of no booking is not found. */
static void
test_pages (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_op_free);
  g_autoptr (GPtrArray) expected = g_ptr_array_new ();
  g_autofree char *after = NULL;
  g_autoptr (GPtrArray) listed = g_ptr_array_new_with_free_func (g_free);
  guint n_pages = 0;
  gint64 start = f->now;

  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *seat = store_test_seat_id (i / 6, i % 6 + 1);
      g_autofree char *name = g_strdup_printf ("Guest %02u", i);
      const char *seats[] = { seat, NULL };

      /* Out of order in time: the list is by booking time, not by insertion. */
      f->now = start + 1000 * (gint64) ((i * 7) % 3);
      g_ptr_array_add (ops, book (f, seats, sb_customer_new (name, NULL, NULL, NULL), NULL));
      store_op_assert_ok (g_ptr_array_index (ops, i));
    }
  for (gint64 t = 0; t < 3; t++)
    {
      g_autoptr (GPtrArray) at_t = g_ptr_array_new ();

      for (guint i = 0; i < ops->len; i++)
        {
          SbOp *op = g_ptr_array_index (ops, i);

          if (op->now_ms == start + 1000 * t)
            g_ptr_array_add (at_t, op->result_booking_id);
        }
      g_ptr_array_sort (at_t, compare_strings);
      g_ptr_array_extend (expected, at_t, NULL, NULL);
    }

  do
    {
      g_autofree char *next = NULL;
      g_autoptr (GPtrArray) records = NULL;
      g_auto (GStrv) page = find (f, SB_BOOKING_SEARCH_ALL, NULL, after, 5, &next, &records);

      g_assert_nonnull (page);
      g_assert_cmpuint (g_strv_length (page), ==, n_pages < 2 ? 5 : 2);
      for (guint i = 0; page[i] != NULL; i++)
        g_ptr_array_add (listed, g_strdup (page[i]));
      if (next != NULL)
        g_assert_cmpstr (next, ==, page[4]);
      g_free (after);
      after = g_steal_pointer (&next);
      n_pages++;
    }
  while (after != NULL);
  g_assert_cmpuint (n_pages, ==, 3);
  g_assert_cmpuint (listed->len, ==, 12);
  for (guint i = 0; i < 12; i++)
    g_assert_cmpstr (g_ptr_array_index (listed, i), ==, g_ptr_array_index (expected, i));

  /* By name too, a page at a time: "guest 1" is Guest 10 and Guest 11. */
  {
    g_autofree char *next = NULL;
    g_auto (GStrv) first = find (f, SB_BOOKING_SEARCH_NAME, "guest", NULL, 10, &next, NULL);
    g_auto (GStrv) rest = find (f, SB_BOOKING_SEARCH_NAME, "guest", next, 10, NULL, NULL);
    g_auto (GStrv) ten = find (f, SB_BOOKING_SEARCH_NAME, "guest 1", NULL, 10, NULL, NULL);

    g_assert_cmpuint (g_strv_length (first), ==, 10);
    g_assert_cmpuint (g_strv_length (rest), ==, 2);
    g_assert_cmpuint (g_strv_length (ten), ==, 2);
  }
  g_assert_null (find (f, SB_BOOKING_SEARCH_ALL, NULL, "NOSUCHBK", 5, NULL, NULL));
}

/* A cancellation shows in what find_bookings returns: a booking keeps its reference and lists
 * the seats it still has; once none are left its state is "cancelled" (docs/protocol.md,
 * "find_bookings"), and it is still found by its customer, though not by a seat it gave back. */
static SbOp *
cancel (StoreOpFixture *f, const char *booking, const char *const *seats)
{
  SbOp *op = store_op_new (f, SB_OP_CANCEL, f->desk2, f->ben, NULL);

  op->event_id = g_strdup (f->event_id);
  op->booking_id = g_strdup (booking);
  op->seat_ids = g_strdupv ((char **) seats);
  op->refund.kind = SB_REFUND_NONE;
  op->reason = g_strdup ("the customer cannot come");
  store_op_run (f, op);
  store_op_assert_ok (op);
  return op;
}

static const SbBookingRecord *
find_one (StoreOpFixture *f, const char *name, GPtrArray **records)
{
  g_auto (GStrv) found = find (f, SB_BOOKING_SEARCH_NAME, name, NULL, 10, NULL, records);

  g_assert_cmpuint (g_strv_length (found), ==, 1);
  return g_ptr_array_index (*records, 0);
}

static void
test_cancelled_state (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) booked = book (f, SEATS ("A-1", "A-2", "A-3"),
                                  sb_customer_new ("Zoë Müller", NULL, NULL, NULL), NULL);
  g_autoptr (SbOp) first = NULL;
  g_autoptr (SbOp) rest = NULL;
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) part = NULL;
  g_autoptr (GPtrArray) all = NULL;
  const SbBookingRecord *record;

  store_op_assert_ok (booked);
  record = find_one (f, "zoe", &before);
  g_assert_cmpstr (record->state, ==, "booked");
  g_assert_true (
      g_strv_equal ((const char *const *) record->seat_ids, SEATS ("A-1", "A-2", "A-3")));

  first = cancel (f, booked->result_booking_id, SEATS ("A-1"));
  record = find_one (f, "muller", &part);
  g_assert_cmpstr (record->booking_id, ==, booked->result_booking_id);
  g_assert_cmpstr (record->state, ==, "booked");
  g_assert_true (g_strv_equal ((const char *const *) record->seat_ids, SEATS ("A-2", "A-3")));
  assert_finds (f, SB_BOOKING_SEARCH_SEAT, "A-1", (const char *const[]){ NULL });

  rest = cancel (f, booked->result_booking_id, SEATS ("A-2", "A-3"));
  record = find_one (f, "zoe muller", &all);
  g_assert_cmpstr (record->state, ==, "cancelled");
  g_assert_cmpuint (g_strv_length (record->seat_ids), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add ("/bookings/" path, StoreOpFixture, NULL, store_op_fixture_set_up, func,              \
              store_op_fixture_tear_down)

  ADD ("customer-stored", test_customer_stored);
  ADD ("find-by-each", test_find_by_each);
  ADD ("pages", test_pages);
  ADD ("cancelled-state", test_cancelled_state);
  return g_test_run ();
}
