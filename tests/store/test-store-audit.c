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
#include "store-test-util.h"

#define TTL_MS (600 * 1000)
#define SEATS(...) ((const char *const[]){ __VA_ARGS__, NULL })

typedef struct
{
  char *dir;
  char *uri;
  char *db_path; /* the SQLite file, or NULL */
  SbStore *store;
  char *event_id;
  char *desk1, *desk2;
  char *anna, *ben;
  gint64 now;
  guint next_request;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const char *uri = g_getenv ("SEATBOOK_TEST_STORE_URI");
  g_autoptr (GError) error = NULL;
  g_autofree char *suffix = store_test_random_suffix ();
  g_autofree char *venue = store_test_make_venue (2, 6, NULL);

  if (uri != NULL && *uri != '\0')
    {
      f->uri = g_strdup (uri);
      if (g_str_has_prefix (uri, "sqlite:"))
        f->db_path = g_strdup (uri + strlen ("sqlite:"));
    }
  else
    {
      f->dir = g_dir_make_tmp ("sb-audit-test-XXXXXX", &error);
      g_assert_no_error (error);
      f->db_path = g_build_filename (f->dir, "seatbook.db", NULL);
      f->uri = g_strconcat ("sqlite:", f->db_path, NULL);
    }
  f->store = sb_store_open (f->uri, &error);
  g_assert_no_error (error);
  f->event_id = g_strdup_printf ("ev-%s", suffix);
  f->desk1 = g_strdup_printf ("desk1-%s", suffix);
  f->desk2 = g_strdup_printf ("desk2-%s", suffix);
  f->anna = g_strdup_printf ("anna-%s", suffix);
  f->ben = g_strdup_printf ("ben-%s", suffix);
  f->now = g_get_real_time () / 1000;
  g_assert_true (
      sb_store_create_event (f->store, f->event_id, "Test night", venue, 1764270000000, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  if (f->dir != NULL)
    {
      g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (f->db_path, "-shm", NULL);

      g_remove (wal);
      g_remove (shm);
      g_remove (f->db_path);
      g_rmdir (f->dir);
    }
  g_free (f->dir);
  g_free (f->uri);
  g_free (f->db_path);
  g_free (f->event_id);
  g_free (f->desk1);
  g_free (f->desk2);
  g_free (f->anna);
  g_free (f->ben);
}

/* An op of desk, signed in as account (NULL: accounts off), with a fresh request id unless
 * request is given. */
static SbOp *
new_op (Fixture *f, SbOpKind kind, const char *desk, const char *account, const char *request)
{
  g_autofree char *fresh = g_strdup_printf ("r%u", ++f->next_request);
  SbOp *op = sb_op_new (kind, kind == SB_OP_HOLD || kind == SB_OP_BOOK ? f->event_id : NULL, desk,
                        request != NULL ? request : fresh);

  op->account = g_strdup (account);
  op->now_ms = f->now;
  op->ttl_ms = kind == SB_OP_HOLD || kind == SB_OP_EXTEND ? TTL_MS : 0;
  return op;
}

static SbOp *
op_hold (Fixture *f, const char *desk, const char *account, const char *const *seats)
{
  SbOp *op = new_op (f, SB_OP_HOLD, desk, account, NULL);

  op->seat_ids = g_strdupv ((char **) seats);
  return op;
}

static SbOp *
op_on_hold (Fixture *f, SbOpKind kind, const char *desk, const char *account, const char *hold_id)
{
  SbOp *op = new_op (f, kind, desk, account, NULL);

  /* The protocol's extend/release/book-by-hold name no event: the store finds it. */
  g_clear_pointer (&op->event_id, g_free);
  op->hold_id = g_strdup (hold_id);
  return op;
}

static SbOp *
run (Fixture *f, SbOp *op)
{
  g_autoptr (GPtrArray) ops = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;

  g_ptr_array_add (ops, op);
  g_assert_true (sb_store_apply (f->store, ops, &error));
  g_assert_no_error (error);
  return op;
}

static void
assert_ok (SbOp *op)
{
  if (op->error != SB_ERROR_NONE)
    g_error ("op %s failed: %s: %s", sb_op_kind_to_string (op->kind),
             sb_error_code_to_string (op->error), op->error_message);
}

static void
assert_refused (SbOp *op, SbErrorCode code)
{
  g_assert_cmpstr (sb_error_code_to_string (op->error), ==, sb_error_code_to_string (code));
  g_assert_null (op->change);
}

static GPtrArray *
list (Fixture *f, const char *seat, const char *booking, gint64 since, guint limit)
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
test_hold_to_book (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = run (f, op_hold (f, f->desk1, f->anna, SEATS ("A-1", "A-2")));
  g_autoptr (SbOp) extend = NULL;
  g_autoptr (SbOp) book = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  assert_ok (hold);
  f->now += 1000;
  extend = run (f, op_on_hold (f, SB_OP_EXTEND, f->desk2, f->anna, hold->result_hold_id));
  assert_ok (extend);
  f->now += 1000;
  book = run (f, op_on_hold (f, SB_OP_BOOK, f->desk2, f->anna, hold->result_hold_id));
  assert_ok (book);

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
test_release_and_book_seats (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = run (f, op_hold (f, f->desk1, NULL, SEATS ("B-1")));
  g_autoptr (SbOp) release = NULL;
  g_autoptr (SbOp) book = new_op (f, SB_OP_BOOK, f->desk2, f->ben, NULL);
  g_autoptr (GPtrArray) entries = NULL;

  assert_ok (hold);
  release = run (f, op_on_hold (f, SB_OP_RELEASE, f->desk1, NULL, hold->result_hold_id));
  assert_ok (release);
  book->seat_ids = g_strdupv ((char **) SEATS ("B-2", "B-3"));
  assert_ok (run (f, book));

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
test_expiry (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) a = run (f, op_hold (f, f->desk1, f->anna, SEATS ("A-3")));
  g_autoptr (SbOp) b = run (f, op_hold (f, f->desk2, f->ben, SEATS ("A-4", "A-5")));
  g_autoptr (SbOp) expire = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  assert_ok (a);
  assert_ok (b);
  f->now += TTL_MS + 1;
  expire = sb_op_new (SB_OP_EXPIRE, f->event_id, NULL, NULL);
  expire->now_ms = f->now;
  run (f, expire);
  assert_ok (expire);

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
test_hold_best (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) best = new_op (f, SB_OP_HOLD_BEST, f->desk1, f->anna, NULL);
  g_autoptr (GPtrArray) entries = NULL;

  best->event_id = g_strdup (f->event_id);
  best->ttl_ms = TTL_MS;
  best->best.count = 2;
  best->best.max_price = -1;
  assert_ok (run (f, best));
  entries = list (f, NULL, NULL, 0, SB_AUDIT_DEFAULT_LIMIT);
  g_assert_cmpuint (entries->len, ==, 1);
  assert_entry (entry (entries, 0), "hold", f->anna, f->desk1,
                (const char *const *) best->result_seat_ids, best->result_hold_id, NULL);
  g_assert_cmpstr (entry (entries, 0)->detail, ==, "best available");
}

/* A refused op and a replayed request change nothing and write nothing. */
static void
test_refused_and_replayed (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) hold = new_op (f, SB_OP_HOLD, f->desk1, f->anna, "once");
  g_autoptr (SbOp) retry = new_op (f, SB_OP_HOLD, f->desk1, f->anna, "once");
  g_autoptr (SbOp) taken = run (f, op_hold (f, f->desk2, f->ben, SEATS ("A-6")));
  g_autoptr (SbOp) forbidden = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  hold->seat_ids = g_strdupv ((char **) SEATS ("A-6"));
  retry->seat_ids = g_strdupv ((char **) SEATS ("A-6"));
  assert_ok (taken);
  run (f, hold);
  assert_refused (hold, SB_ERROR_SEAT_UNAVAILABLE);
  run (f, retry);
  g_assert_true (retry->replayed);
  forbidden = run (f, op_on_hold (f, SB_OP_RELEASE, f->desk1, f->anna, taken->result_hold_id));
  assert_refused (forbidden, SB_ERROR_FORBIDDEN);

  entries = list (f, NULL, NULL, 0, SB_AUDIT_DEFAULT_LIMIT);
  g_assert_cmpuint (entries->len, ==, 1);
  assert_entry (entry (entries, 0), "hold", f->ben, f->desk2, SEATS ("A-6"), taken->result_hold_id,
                NULL);
}

/* The filters: seat, booking, since; limit keeps the newest; another event's entries never. */
static void
test_filters (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) h1 = run (f, op_hold (f, f->desk1, f->anna, SEATS ("A-1", "A-2")));
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

  assert_ok (h1);
  f->now += 10;
  h2 = run (f, op_hold (f, f->desk1, f->anna, SEATS ("B-1")));
  assert_ok (h2);
  f->now += 10;
  book = run (f, op_on_hold (f, SB_OP_BOOK, f->desk1, f->anna, h1->result_hold_id));
  assert_ok (book);

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
test_sign_in (Fixture *f, gconstpointer data)
{
  g_autoptr (SbAccountRecord) account
      = sb_account_record_new (f->anna, SB_ROLE_CLERK, "not-a-real-hash", FALSE, f->now);
  g_autofree char *hash = g_strdup_printf ("hash-%s", f->anna);
  g_autoptr (SbAuditRecord) ok = sb_audit_record_new ("", f->now, f->anna, f->desk1, "sign_in",
                                                      NULL, NULL, NULL, "password, ok, from ::1");
  g_autoptr (SbAuditRecord) failed
      = sb_audit_record_new ("", f->now + 1, f->ben, f->desk2, "sign_in_failed", NULL, NULL, NULL,
                             "password, bad_credentials, from ::1");
  g_autoptr (SbSessionRecord) session = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  SbAuditQuery query = { "", f->now, NULL, NULL, SB_AUDIT_MAX_LIMIT };
  guint found = 0;

  g_assert_true (sb_store_account_put (f->store, account, TRUE, f->now, &error));
  g_assert_no_error (error);
  g_assert_true (sb_store_audit_sign_in (f->store, ok, hash, f->now + 60000, &error));
  g_assert_no_error (error);
  g_assert_true (sb_store_audit_sign_in (f->store, failed, NULL, 0, &error));
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
  g_test_add ("/audit/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("hold-to-book", test_hold_to_book);
  ADD ("release-and-book-seats", test_release_and_book_seats);
  ADD ("expiry", test_expiry);
  ADD ("hold-best", test_hold_best);
  ADD ("refused-and-replayed", test_refused_and_replayed);
  ADD ("filters", test_filters);
  ADD ("sign-in", test_sign_in);

  return g_test_run ();
}
