/* test-store-audit.c: the audit trail every store keeps (issue 10 item 5, docs/protocol.md
 * "audit → audit_log"): one entry per hold, extend, release, booking and expired hold, written in
 * the transaction of the change (a refused op, a replayed request write none), and the reading:
 * by event, seat, booking, since, and the newest `limit`, oldest first.
 *
 * The store comes from SEATBOOK_TEST_STORE_URI when set (tests/mongo runs this program against the
 * fake MongoDB), else from a fresh temporary SQLite file per test case. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sb-store-accounts.h"
#include "sb-store-audit.h"
#include "store-op-fixture.h"

static GPtrArray *
list (StoreOpFixture *f, const char *seat, const char *booking, gint64 since, guint limit)
{
  SbAuditQuery query = { f->event_id, since, seat, booking, limit };
  g_autoptr (GError) error = NULL;
  GPtrArray *entries = sb_store_audit_list (f->store, &query, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

static const SbAuditRecord *
entry (GPtrArray *entries, guint i)
{
  g_assert_cmpuint (i, <, entries->len);
  return g_ptr_array_index (entries, i);
}

static void
assert_entry (const SbAuditRecord *e,
              const char *action,
              const char *account,
              const char *desk,
              const char *const *seats,
              const char *hold,
              const char *booking)
{
  g_assert_cmpstr (e->action, ==, action);
  g_assert_cmpstr (e->account, ==, account);
  g_assert_cmpstr (e->desk, ==, desk);
  g_assert_cmpstrv (e->seat_ids, seats);
  g_assert_cmpstr (e->hold_id, ==, hold);
  g_assert_cmpstr (e->booking_id, ==, booking);
}

/* hold → extend (another desk of the account) → book: three entries, oldest first. */
static void
test_hold_to_book (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold
      = store_op_run (f, store_op_hold (f, f->desk1, f->anna, SEATS ("A-1", "A-2")));
  g_autoptr (SbOp) extend = NULL;
  g_autoptr (SbOp) book = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  store_op_assert_ok (hold);
  f->now += 1000;
  extend = store_op_run (
      f, store_op_on_hold (f, SB_OP_EXTEND, f->desk2, f->anna, hold->result_hold_id));
  store_op_assert_ok (extend);
  f->now += 1000;
  book
      = store_op_run (f, store_op_on_hold (f, SB_OP_BOOK, f->desk2, f->anna, hold->result_hold_id));
  store_op_assert_ok (book);

  entries = list (f, NULL, NULL, 0, SB_AUDIT_DEFAULT_LIMIT);
  g_assert_cmpuint (entries->len, ==, 3);
  assert_entry (entry (entries, 0), "hold", f->anna, f->desk1, SEATS ("A-1", "A-2"),
                hold->result_hold_id, NULL);
  assert_entry (entry (entries, 1), "extend", f->anna, f->desk2, SEATS ("A-1", "A-2"),
                hold->result_hold_id, NULL);
  assert_entry (entry (entries, 2), "book", f->anna, f->desk2, SEATS ("A-1", "A-2"),
                hold->result_hold_id, book->result_booking_id);
  g_assert_cmpint (entry (entries, 0)->at_ms, ==, f->now - 2000);
  g_assert_cmpint (entry (entries, 2)->at_ms, ==, f->now);
  g_assert_cmpstr (entry (entries, 0)->event_id, ==, f->event_id);
}

/* Release and booking by seats; with accounts off the placeholder account is recorded. */
static void
test_release_and_book_seats (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = store_op_run (f, store_op_hold (f, f->desk1, NULL, SEATS ("B-1")));
  g_autoptr (SbOp) release = NULL;
  g_autoptr (SbOp) book = store_op_new (f, SB_OP_BOOK, f->desk2, f->ben, NULL);
  g_autoptr (GPtrArray) entries = NULL;

  store_op_assert_ok (hold);
  release
      = store_op_run (f, store_op_on_hold (f, SB_OP_RELEASE, f->desk1, NULL, hold->result_hold_id));
  store_op_assert_ok (release);
  book->seat_ids = g_strdupv ((char **) SEATS ("B-2", "B-3"));
  store_op_assert_ok (store_op_run (f, book));

  entries = list (f, NULL, NULL, 0, SB_AUDIT_DEFAULT_LIMIT);
  g_assert_cmpuint (entries->len, ==, 3);
  assert_entry (entry (entries, 0), "hold", SB_LEGACY_ACCOUNT, f->desk1, SEATS ("B-1"),
                hold->result_hold_id, NULL);
  assert_entry (entry (entries, 1), "release", SB_LEGACY_ACCOUNT, f->desk1, SEATS ("B-1"),
                hold->result_hold_id, NULL);
  assert_entry (entry (entries, 2), "book", f->ben, f->desk2, SEATS ("B-2", "B-3"), NULL,
                book->result_booking_id);
}

/* An expiry records each hold it ended under the hold's account, with no desk. */
static void
test_expiry (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) a = store_op_run (f, store_op_hold (f, f->desk1, f->anna, SEATS ("A-3")));
  g_autoptr (SbOp) b = store_op_run (f, store_op_hold (f, f->desk2, f->ben, SEATS ("A-4", "A-5")));
  g_autoptr (SbOp) expire = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  store_op_assert_ok (a);
  store_op_assert_ok (b);
  f->now += TTL_MS + 1;
  expire = sb_op_new (SB_OP_EXPIRE, f->event_id, NULL, NULL);
  expire->now_ms = f->now;
  store_op_run (f, expire);
  store_op_assert_ok (expire);

  entries = list (f, NULL, NULL, 0, SB_AUDIT_DEFAULT_LIMIT);
  g_assert_cmpuint (entries->len, ==, 4);
  /* Both expired at the same instant: one entry each, in the order they ended. */
  for (guint i = 2; i < 4; i++)
    {
      const SbAuditRecord *e = entry (entries, i);
      gboolean is_a = g_strcmp0 (e->hold_id, a->result_hold_id) == 0;

      assert_entry (e, "expire", is_a ? f->anna : f->ben, "",
                    is_a ? SEATS ("A-3") : SEATS ("A-4", "A-5"),
                    is_a ? a->result_hold_id : b->result_hold_id, NULL);
      g_assert_cmpint (e->at_ms, ==, f->now);
    }
  g_assert_cmpstr (entry (entries, 2)->hold_id, !=, entry (entries, 3)->hold_id);
}

/* hold_best is recorded as a hold, and says how its seats were chosen. */
static void
test_hold_best (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) best = store_op_new (f, SB_OP_HOLD_BEST, f->desk1, f->anna, NULL);
  g_autoptr (GPtrArray) entries = NULL;

  best->event_id = g_strdup (f->event_id);
  best->ttl_ms = TTL_MS;
  best->best.count = 2;
  best->best.max_price = -1;
  store_op_assert_ok (store_op_run (f, best));
  entries = list (f, NULL, NULL, 0, SB_AUDIT_DEFAULT_LIMIT);
  g_assert_cmpuint (entries->len, ==, 1);
  assert_entry (entry (entries, 0), "hold", f->anna, f->desk1,
                (const char *const *) best->result_seat_ids, best->result_hold_id, NULL);
  g_assert_cmpstr (entry (entries, 0)->detail, ==, "best available");
}

/* A refused op and a replayed request change nothing and write nothing. */
static void
test_refused_and_replayed (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = store_op_new (f, SB_OP_HOLD, f->desk1, f->anna, "once");
  g_autoptr (SbOp) retry = store_op_new (f, SB_OP_HOLD, f->desk1, f->anna, "once");
  g_autoptr (SbOp) taken = store_op_run (f, store_op_hold (f, f->desk2, f->ben, SEATS ("A-6")));
  g_autoptr (SbOp) forbidden = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  hold->seat_ids = g_strdupv ((char **) SEATS ("A-6"));
  retry->seat_ids = g_strdupv ((char **) SEATS ("A-6"));
  store_op_assert_ok (taken);
  store_op_run (f, hold);
  store_op_assert_refused (hold, SB_ERROR_SEAT_UNAVAILABLE);
  store_op_run (f, retry);
  g_assert_true (retry->replayed);
  forbidden = store_op_run (
      f, store_op_on_hold (f, SB_OP_RELEASE, f->desk1, f->anna, taken->result_hold_id));
  store_op_assert_refused (forbidden, SB_ERROR_FORBIDDEN);

  entries = list (f, NULL, NULL, 0, SB_AUDIT_DEFAULT_LIMIT);
  g_assert_cmpuint (entries->len, ==, 1);
  assert_entry (entry (entries, 0), "hold", f->ben, f->desk2, SEATS ("A-6"), taken->result_hold_id,
                NULL);
}

/* The filters: seat, booking, since; limit keeps the newest; another event's entries never. */
static void
test_filters (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbOp) h1
      = store_op_run (f, store_op_hold (f, f->desk1, f->anna, SEATS ("A-1", "A-2")));
  g_autoptr (SbOp) h2 = NULL;
  g_autoptr (SbOp) book = NULL;
  g_autoptr (GPtrArray) by_seat = NULL;
  g_autoptr (GPtrArray) seat_prefix = NULL;
  g_autoptr (GPtrArray) by_booking = NULL;
  g_autoptr (GPtrArray) since = NULL;
  g_autoptr (GPtrArray) newest = NULL;
  g_autoptr (GPtrArray) other = NULL;
  SbAuditQuery query = { "no-such-event", 0, NULL, NULL, 10 };
  g_autoptr (GError) error = NULL;
  gint64 t0 = f->now;

  store_op_assert_ok (h1);
  f->now += 10;
  h2 = store_op_run (f, store_op_hold (f, f->desk1, f->anna, SEATS ("B-1")));
  store_op_assert_ok (h2);
  f->now += 10;
  book = store_op_run (f, store_op_on_hold (f, SB_OP_BOOK, f->desk1, f->anna, h1->result_hold_id));
  store_op_assert_ok (book);

  by_seat = list (f, "A-2", NULL, 0, SB_AUDIT_DEFAULT_LIMIT);
  g_assert_cmpuint (by_seat->len, ==, 2);
  g_assert_cmpstr (entry (by_seat, 0)->action, ==, "hold");
  g_assert_cmpstr (entry (by_seat, 1)->action, ==, "book");
  /* A seat id is matched whole. */
  seat_prefix = list (f, "A-", NULL, 0, SB_AUDIT_DEFAULT_LIMIT);
  g_assert_cmpuint (seat_prefix->len, ==, 0);

  by_booking = list (f, NULL, book->result_booking_id, 0, SB_AUDIT_DEFAULT_LIMIT);
  g_assert_cmpuint (by_booking->len, ==, 1);
  g_assert_cmpstr (entry (by_booking, 0)->booking_id, ==, book->result_booking_id);

  since = list (f, NULL, NULL, t0 + 10, SB_AUDIT_DEFAULT_LIMIT);
  g_assert_cmpuint (since->len, ==, 2);
  g_assert_cmpstr (entry (since, 0)->hold_id, ==, h2->result_hold_id);

  newest = list (f, NULL, NULL, 0, 2);
  g_assert_cmpuint (newest->len, ==, 2);
  g_assert_cmpstr (entry (newest, 0)->hold_id, ==, h2->result_hold_id);
  g_assert_cmpstr (entry (newest, 1)->action, ==, "book");

  other = sb_store_audit_list (f->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (other->len, ==, 0);
}

/* A sign-in's entry, with the session it began, and a failed one alone; under the event "". */
static void
test_sign_in (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (SbAccountRecord) account
      = sb_account_record_new (f->anna, SB_ROLE_CLERK, "not-a-real-hash", FALSE, f->now);
  g_autofree char *hash = g_strdup_printf ("hash-%s", f->anna);
  g_autoptr (SbAuditRecord) ok = sb_audit_record_new ("", f->now, f->anna, f->desk1, "sign_in",
                                                      NULL, NULL, NULL, "password, ok, from ::1");
  g_autoptr (SbAuditRecord) failed
      = sb_audit_record_new ("", f->now + 1, f->ben, f->desk2, "sign_in_failed", NULL, NULL, NULL,
                             "password, bad_credentials, from ::1");
  g_autoptr (SbAccountRecord) stored = NULL;
  g_autoptr (SbSessionRecord) session = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  SbAuditQuery query = { "", f->now, NULL, NULL, SB_AUDIT_MAX_LIMIT };
  guint found = 0;

  g_assert_true (sb_store_account_put (f->store, account, TRUE, f->now, &error));
  g_assert_no_error (error);
  stored = sb_store_account_get (f->store, f->anna, &error);
  g_assert_no_error (error);
  g_assert_true (
      sb_store_audit_sign_in (f->store, ok, hash, stored->generation, f->now + 60000, &error));
  g_assert_no_error (error);
  g_assert_true (sb_store_audit_sign_in (f->store, failed, NULL, 0, 0, &error));
  g_assert_no_error (error);

  session = sb_store_session_get (f->store, hash, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (session->username, ==, f->anna);
  g_assert_cmpint (session->expires_at_ms, ==, f->now + 60000);

  /* Other test cases may share the store (MongoDB): look for these two. */
  entries = sb_store_audit_list (f->store, &query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      const SbAuditRecord *e = entry (entries, i);

      if (g_str_equal (e->account, f->anna))
        {
          assert_entry (e, "sign_in", f->anna, f->desk1, SEATS (NULL), NULL, NULL);
          found++;
        }
      else if (g_str_equal (e->account, f->ben))
        {
          assert_entry (e, "sign_in_failed", f->ben, f->desk2, SEATS (NULL), NULL, NULL);
          g_assert_cmpstr (e->detail, ==, "password, bad_credentials, from ::1");
          found++;
        }
    }
  g_assert_cmpuint (found, ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add ("/audit/" path, StoreOpFixture, NULL, store_op_fixture_set_up, func,                 \
              store_op_fixture_tear_down)

  ADD ("hold-to-book", test_hold_to_book);
  ADD ("release-and-book-seats", test_release_and_book_seats);
  ADD ("expiry", test_expiry);
  ADD ("hold-best", test_hold_best);
  ADD ("refused-and-replayed", test_refused_and_replayed);
  ADD ("filters", test_filters);
  ADD ("sign-in", test_sign_in);

  return g_test_run ();
}
