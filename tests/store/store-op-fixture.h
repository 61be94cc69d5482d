/* store-op-fixture.h: a store with one event, two desks and two accounts, and ops to run on it,
 * shared by the ownership and audit tests. The store comes from SEATBOOK_TEST_STORE_URI when set
 * (tests/mongo runs these programs against the fake MongoDB), else from a fresh temporary SQLite
 * file per test case. */
#pragma once

#include <glib/gstdio.h>
#include <string.h>

#include "sb-op.h"
#include "sb-store.h"
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
} StoreOpFixture;

static inline void
store_op_fixture_set_up (StoreOpFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *suffix = store_test_random_suffix ();
  g_autofree char *venue = store_test_make_venue (2, 6, NULL);

  f->uri = store_test_pick_uri ("seatbook.db", &f->dir, &f->db_path);
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

static inline void
store_op_fixture_tear_down (StoreOpFixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  if (f->dir != NULL)
    store_test_remove_tree (f->dir);
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
static inline SbOp *
store_op_new (
    StoreOpFixture *f, SbOpKind kind, const char *desk, const char *account, const char *request)
{
  g_autofree char *fresh = g_strdup_printf ("r%u", ++f->next_request);
  SbOp *op = sb_op_new (kind, kind == SB_OP_HOLD || kind == SB_OP_BOOK ? f->event_id : NULL, desk,
                        request != NULL ? request : fresh);

  op->account = g_strdup (account);
  op->now_ms = f->now;
  op->ttl_ms = kind == SB_OP_HOLD || kind == SB_OP_EXTEND ? TTL_MS : 0;
  return op;
}

static inline SbOp *
store_op_hold (StoreOpFixture *f, const char *desk, const char *account, const char *const *seats)
{
  SbOp *op = store_op_new (f, SB_OP_HOLD, desk, account, NULL);

  op->seat_ids = g_strdupv ((char **) seats);
  return op;
}

static inline SbOp *
store_op_on_hold (
    StoreOpFixture *f, SbOpKind kind, const char *desk, const char *account, const char *hold_id)
{
  SbOp *op = store_op_new (f, kind, desk, account, NULL);

  /* The protocol's extend/release/book-by-hold name no event: the store finds it. */
  g_clear_pointer (&op->event_id, g_free);
  op->hold_id = g_strdup (hold_id);
  return op;
}

static inline SbOp *
store_op_run (StoreOpFixture *f, SbOp *op)
{
  g_autoptr (GPtrArray) ops = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;

  g_ptr_array_add (ops, op);
  g_assert_true (sb_store_apply (f->store, ops, &error));
  g_assert_no_error (error);
  return op;
}

static inline void
store_op_assert_ok (SbOp *op)
{
  if (op->error != SB_ERROR_NONE)
    g_error ("op %s failed: %s: %s", sb_op_kind_to_string (op->kind),
             sb_error_code_to_string (op->error), op->error_message);
}

static inline void
store_op_assert_refused (SbOp *op, SbErrorCode code)
{
  g_assert_cmpstr (sb_error_code_to_string (op->error), ==, sb_error_code_to_string (code));
  g_assert_null (op->change);
}

/* A booking of seats by account at desk1, run and checked; at_ms: its time (0: now). */
static inline SbOp *
store_op_book (StoreOpFixture *f, const char *account, gint64 at_ms, const char *const *seats)
{
  SbOp *op = store_op_new (f, SB_OP_BOOK, f->desk1, account, NULL);

  if (at_ms != 0)
    op->now_ms = at_ms;
  op->seat_ids = g_strdupv ((char **) seats);
  store_op_run (f, op);
  store_op_assert_ok (op);
  return op;
}
