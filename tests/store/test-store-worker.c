/* test-store-worker.c: SbStoreWorker delivers every op on the creating thread, in submission
 * order, gathers waiting ops into batches (group commit), runs jobs in queue order with the ops,
 * and drains on shutdown. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sb-store-worker.h"
#include "store-test-util.h"

#define N_OPS 2000

typedef struct
{
  char *dir;
  SbStore *store;
  SbStoreWorker *worker;
  GPtrArray *done; /* SbOp, in delivery order */
  GThread *main_thread;
  char *event_id;

  /* A gate the store thread waits at, so that ops pile up behind it. */
  GMutex gate_lock;
  GCond gate_cond;
  gboolean gate_open;
} Fixture;

static void
on_done (SbOp *op, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_true (g_thread_self () == f->main_thread);
  g_ptr_array_add (f->done, op);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *venue = store_test_make_venue (40, 50, NULL);

  f->dir = g_dir_make_tmp ("sb-worker-test-XXXXXX", &error);
  g_assert_no_error (error);
  uri = g_strdup_printf ("sqlite:%s/seatbook.db", f->dir);
  f->store = sb_store_open (uri, &error);
  g_assert_no_error (error);
  f->event_id = g_strdup ("worker-night");
  g_assert_true (sb_store_create_event (f->store, f->event_id, "Worker night", venue, 0, &error));
  g_assert_no_error (error);

  f->main_thread = g_thread_self ();
  f->done = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_op_free);
  g_mutex_init (&f->gate_lock);
  g_cond_init (&f->gate_cond);
  f->worker = sb_store_worker_new (f->store, on_done, f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *db = g_build_filename (f->dir, "seatbook.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  sb_store_worker_shutdown (f->worker);
  g_clear_object (&f->worker);
  g_clear_object (&f->store);
  g_clear_pointer (&f->done, g_ptr_array_unref);
  g_mutex_clear (&f->gate_lock);
  g_cond_clear (&f->gate_cond);
  g_remove (db);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->event_id);
}

static SbOp *
book_op (Fixture *f, guint i)
{
  g_autofree char *request = g_strdup_printf ("req-%u", i);
  g_autofree char *client = g_strdup_printf ("client-%u", i % 7);
  g_autofree char *seat = store_test_seat_id ((i / 50) % 40, i % 50 + 1);
  SbOp *op;

  op = sb_op_new (SB_OP_BOOK, f->event_id, client, request);
  op->seat_ids = g_new0 (char *, 2);
  op->seat_ids[0] = g_steal_pointer (&seat);
  op->now_ms = g_get_real_time () / 1000;
  op->user_data = GUINT_TO_POINTER (i);
  return op;
}

static gpointer
gate_job (SbStore *store, gpointer job_data, GError **error)
{
  Fixture *f = job_data;

  g_mutex_lock (&f->gate_lock);
  while (!f->gate_open)
    g_cond_wait (&f->gate_cond, &f->gate_lock);
  g_mutex_unlock (&f->gate_lock);
  return g_strdup ("gate passed");
}

static void
open_gate (Fixture *f)
{
  g_mutex_lock (&f->gate_lock);
  f->gate_open = TRUE;
  g_cond_signal (&f->gate_cond);
  g_mutex_unlock (&f->gate_lock);
}

typedef struct
{
  Fixture *f;
  guint ops_done_before; /* how many ops had been delivered when the callback ran */
  char *result;
  GError *error;
  gboolean finished;
} CallResult;

static void
call_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CallResult *call = user_data;

  g_assert_true (g_thread_self () == call->f->main_thread);
  call->result = sb_store_worker_call_finish (SB_STORE_WORKER (source), result, &call->error);
  call->ops_done_before = call->f->done->len;
  call->finished = TRUE;
}

/* Reads the event's version on the store thread: a job sees every op queued before it. */
static gpointer
version_job (SbStore *store, gpointer job_data, GError **error)
{
  SbEventState *state = sb_store_load_event (store, job_data, error);
  gint64 *version;

  if (state == NULL)
    return NULL;
  version = g_new (gint64, 1);
  *version = state->version;
  sb_event_state_free (state);
  return version;
}

static gpointer
failing_job (SbStore *store, gpointer job_data, GError **error)
{
  g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "no such thing");
  return NULL;
}

static void
test_group_commit_in_order (Fixture *f, gconstpointer data)
{
  CallResult gate = { f };
  CallResult version = { f };
  CallResult failing = { f };
  g_autoptr (GHashTable) batch_sizes = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GArray) commit_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  SbStoreWorkerStats stats;
  guint max_batch = 0;

  /* Everything submitted while the gate job blocks the store thread is waiting at once. */
  sb_store_worker_call (f->worker, gate_job, f, NULL, call_done, &gate);
  for (guint i = 0; i < N_OPS; i++)
    {
      g_autoptr (SbOp) op = book_op (f, i);

      /* Every fourth op asks for the seat of the op before it: refused, version unchanged. */
      if (i % 4 == 3)
        {
          g_autoptr (SbOp) previous = book_op (f, i - 1);

          g_strfreev (op->seat_ids);
          op->seat_ids = g_strdupv (previous->seat_ids);
        }
      sb_store_worker_submit (f->worker, g_steal_pointer (&op));
    }
  sb_store_worker_call (f->worker, version_job, g_strdup (f->event_id), g_free, call_done,
                        &version);
  sb_store_worker_call (f->worker, failing_job, NULL, NULL, call_done, &failing);
  g_assert_cmpuint (sb_store_worker_get_pending (f->worker), ==, N_OPS);
  open_gate (f);

  while (!failing.finished)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (gate.finished);
  g_assert_no_error (gate.error);
  g_assert_cmpstr (gate.result, ==, "gate passed");
  g_assert_cmpuint (gate.ops_done_before, ==, 0);
  g_free (gate.result);

  g_assert_cmpuint (f->done->len, ==, N_OPS);
  g_assert_cmpuint (sb_store_worker_get_pending (f->worker), ==, 0);
  {
    gint64 expected_version = 0;

    for (guint i = 0; i < f->done->len; i++)
      {
        SbOp *op = g_ptr_array_index (f->done, i);
        guint size;

        g_assert_cmpuint (GPOINTER_TO_UINT (op->user_data), ==, i);
        g_assert_cmpint (op->queued_at_us, >, 0);
        g_assert_cmpint (op->committed_at_us, >=, op->queued_at_us);
        if (i % 4 == 3)
          {
            g_assert_cmpint (op->error, ==, SB_ERROR_SEAT_UNAVAILABLE);
            g_assert_null (op->change);
          }
        else
          {
            g_assert_cmpint (op->error, ==, SB_ERROR_NONE);
            g_assert_nonnull (op->result_booking_id);
            g_assert_cmpint (op->change->version, ==, ++expected_version);
          }
        /* Ops committed by one transaction share their commit time. */
        size = GPOINTER_TO_UINT (g_hash_table_lookup (batch_sizes, &op->committed_at_us)) + 1;
        if (size == 1)
          g_array_append_val (commit_times, op->committed_at_us);
        g_hash_table_insert (batch_sizes,
                             &g_array_index (commit_times, gint64, commit_times->len - 1),
                             GUINT_TO_POINTER (size));
        max_batch = MAX (max_batch, size);
      }

    /* The job queued after the ops ran after all of them had committed. */
    g_assert_true (version.finished);
    g_assert_no_error (version.error);
    g_assert_cmpint (*(gint64 *) version.result, ==, expected_version);
    g_assert_cmpuint (version.ops_done_before, ==, N_OPS);
    g_free (version.result);
  }

  g_assert_error (failing.error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  g_assert_null (failing.result);
  g_clear_error (&failing.error);

  sb_store_worker_get_stats (f->worker, &stats);
  g_test_message ("%" G_GUINT64_FORMAT " ops in %" G_GUINT64_FORMAT " batches, largest %u",
                  stats.ops, stats.batches, max_batch);
  g_assert_cmpuint (stats.ops, ==, N_OPS);
  g_assert_cmpuint (stats.failed_batches, ==, 0);
  g_assert_cmpuint (max_batch, >, 1);
  g_assert_cmpuint (stats.batches, <, N_OPS);
  /* 2000 ops were waiting behind the gate: they go in batches of the maximum size. */
  g_assert_cmpuint (stats.batches, <=, 3);
  g_assert_cmpuint (stats.commit_us_max, >, 0);
  g_assert_cmpuint (stats.commit_us_total, >=, stats.commit_us_max);
}

static void
test_shutdown_drains (Fixture *f, gconstpointer data)
{
  g_autoptr (SbOp) late = NULL;

  for (guint i = 0; i < 300; i++)
    sb_store_worker_submit (f->worker, book_op (f, i));

  /* No main loop ran: shutdown commits and delivers everything itself. */
  sb_store_worker_shutdown (f->worker);
  g_assert_cmpuint (f->done->len, ==, 300);
  for (guint i = 0; i < f->done->len; i++)
    {
      SbOp *op = g_ptr_array_index (f->done, i);

      g_assert_cmpuint (GPOINTER_TO_UINT (op->user_data), ==, i);
      g_assert_cmpint (op->error, ==, SB_ERROR_NONE);
    }
  g_assert_cmpuint (sb_store_worker_get_pending (f->worker), ==, 0);

  /* After shutdown: refused, and still answered from the main loop, not re-entrantly. */
  sb_store_worker_submit (f->worker, book_op (f, 1000));
  g_assert_cmpuint (f->done->len, ==, 300);
  while (f->done->len < 301)
    g_main_context_iteration (NULL, TRUE);
  late = g_ptr_array_steal_index (f->done, 300);
  g_assert_cmpint (late->error, ==, SB_ERROR_UNAVAILABLE);
  g_assert_null (late->change);

  /* Shutting down twice is harmless. */
  sb_store_worker_shutdown (f->worker);
}

static void
test_call_after_shutdown (Fixture *f, gconstpointer data)
{
  CallResult call = { f };

  sb_store_worker_shutdown (f->worker);
  sb_store_worker_call (f->worker, version_job, g_strdup (f->event_id), g_free, call_done, &call);
  while (!call.finished)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (call.error, SB_PROTOCOL_ERROR, SB_ERROR_UNAVAILABLE);
  g_clear_error (&call.error);
}

/* A store whose apply always fails, to see a backend failure answered as UNAVAILABLE. */
#define TEST_TYPE_FAILING_STORE (test_failing_store_get_type ())
G_DECLARE_FINAL_TYPE (TestFailingStore, test_failing_store, TEST, FAILING_STORE, GObject)

struct _TestFailingStore
{
  GObject parent_instance;
  guint apply_calls; /* store thread only */
  gint working;      /* atomic: when set, apply succeeds (and changes nothing) */
};

static gboolean
failing_apply (SbStore *store, GPtrArray *ops, GError **error)
{
  TEST_FAILING_STORE (store)->apply_calls++;
  if (g_atomic_int_get (&TEST_FAILING_STORE (store)->working))
    return TRUE;
  g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED, "disk on fire");
  return FALSE;
}

static void
test_failing_store_iface_init (SbStoreInterface *iface)
{
  iface->apply = failing_apply;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestFailingStore,
                               test_failing_store,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SB_TYPE_STORE, test_failing_store_iface_init))

static void
test_failing_store_class_init (TestFailingStoreClass *klass)
{
}

static void
test_failing_store_init (TestFailingStore *self)
{
}

static void
test_backend_failure (Fixture *f, gconstpointer data)
{
  g_autoptr (TestFailingStore) store = g_object_new (TEST_TYPE_FAILING_STORE, NULL);
  g_autoptr (SbStoreWorker) worker = NULL;
  g_autoptr (GPtrArray) done = f->done;
  SbStoreWorkerStats stats;
  GLogLevelFlags fatal;

  /* The worker logs the failure with g_warning (), which the test harness makes fatal. */
  fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  f->done = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_op_free);
  worker = sb_store_worker_new (SB_STORE (store), on_done, f);
  for (guint i = 0; i < 5; i++)
    sb_store_worker_submit (worker, book_op (f, i));
  while (f->done->len < 5)
    g_main_context_iteration (NULL, TRUE);
  sb_store_worker_shutdown (worker);
  g_log_set_always_fatal (fatal);

  for (guint i = 0; i < 5; i++)
    {
      SbOp *op = g_ptr_array_index (f->done, i);

      g_assert_cmpuint (GPOINTER_TO_UINT (op->user_data), ==, i);
      g_assert_cmpint (op->error, ==, SB_ERROR_UNAVAILABLE);
      g_assert_nonnull (strstr (op->error_message, "storage failure"));
      g_assert_nonnull (strstr (op->error_message, "disk on fire"));
      g_assert_null (op->change);
      g_assert_null (op->result_booking_id);
    }
  sb_store_worker_get_stats (worker, &stats);
  g_assert_cmpuint (stats.failed_batches, ==, stats.batches);
  g_assert_cmpuint (stats.ops, ==, 5);
  /* Each failed batch was tried twice. */
  g_assert_cmpuint (store->apply_calls, ==, 2 * stats.batches);

  /* Hand the fixture its own array back for tear_down. */
  g_ptr_array_unref (f->done);
  f->done = g_steal_pointer (&done);
}

/* The store's log lines, as the writer below saw them. */
static GMutex log_lock;
static GPtrArray *store_log_lines; /* char *, guarded by log_lock */

static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0
        && g_str_has_prefix (fields[i].value, "Store "))
      {
        g_mutex_lock (&log_lock);
        g_ptr_array_add (store_log_lines, g_strdup (fields[i].value));
        g_mutex_unlock (&log_lock);
      }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static guint
count_log_lines (const char *prefix, const char *containing)
{
  guint n = 0;

  g_mutex_lock (&log_lock);
  for (guint i = 0; i < store_log_lines->len; i++)
    {
      const char *line = g_ptr_array_index (store_log_lines, i);

      if (g_str_has_prefix (line, prefix) && (containing == NULL || strstr (line, containing)))
        n++;
    }
  g_mutex_unlock (&log_lock);
  return n;
}

static void
run_one (Fixture *f, SbStoreWorker *worker, guint i)
{
  guint before = f->done->len;

  sb_store_worker_submit (worker, book_op (f, i));
  while (f->done->len == before)
    g_main_context_iteration (NULL, TRUE);
}

/* Issue 9, item 9: a store that keeps failing is reported (sb_store_worker_is_failing (), which
 * turns /healthz 503) and logged once, then once per interval with a count, not once per batch;
 * without failures for an interval, or after a commit, it is healthy again. The interval is set
 * long or short rather than waited for, so nothing depends on speed. */
static void
test_backend_failure_health (Fixture *f, gconstpointer data)
{
  g_autoptr (TestFailingStore) store = g_object_new (TEST_TYPE_FAILING_STORE, NULL);
  g_autoptr (SbStoreWorker) worker = NULL;
  g_autoptr (GPtrArray) done = f->done;
  GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_mutex_lock (&log_lock);
  g_ptr_array_set_size (store_log_lines, 0);
  g_mutex_unlock (&log_lock);
  f->done = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_op_free);
  worker = sb_store_worker_new (SB_STORE (store), on_done, f);
  sb_store_worker_set_health_interval (worker, 600 * G_USEC_PER_SEC);
  g_assert_false (sb_store_worker_is_failing (worker));

  /* 20 failed batches within one interval: one line. */
  for (guint i = 0; i < 20; i++)
    run_one (f, worker, i);
  g_assert_true (sb_store_worker_is_failing (worker));
  g_assert_cmpuint (count_log_lines ("Store failing", "disk on fire"), ==, 1);
  g_assert_cmpuint (count_log_lines ("Store still failing", NULL), ==, 0);

  /* The interval has passed: the next failure logs the count (19 silent ones and itself). */
  sb_store_worker_set_health_interval (worker, 1);
  g_usleep (1000);
  run_one (f, worker, 20);
  g_assert_cmpuint (count_log_lines ("Store still failing: 20 batches failed", "disk on fire"), ==,
                    1);
  g_assert_cmpuint (count_log_lines ("Store failing", NULL), ==, 1);
  /* No failure for an interval: healthy, so a load balancer lets traffic find out. */
  g_usleep (1000);
  g_assert_false (sb_store_worker_is_failing (worker));

  /* Failing again, then a commit: healthy at once, and said so. */
  sb_store_worker_set_health_interval (worker, 600 * G_USEC_PER_SEC);
  run_one (f, worker, 21);
  g_assert_true (sb_store_worker_is_failing (worker));
  g_atomic_int_set (&store->working, 1);
  run_one (f, worker, 22);
  g_assert_false (sb_store_worker_is_failing (worker));
  g_assert_cmpuint (count_log_lines ("Store working again after 22 failed batches", NULL), ==, 1);

  sb_store_worker_shutdown (worker);
  g_log_set_always_fatal (fatal);
  g_ptr_array_unref (f->done);
  f->done = g_steal_pointer (&done);
}

int
main (int argc, char **argv)
{
  store_log_lines = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (log_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add ("/store-worker/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("group-commit-in-order", test_group_commit_in_order);
  ADD ("shutdown-drains", test_shutdown_drains);
  ADD ("call-after-shutdown", test_call_after_shutdown);
  ADD ("backend-failure", test_backend_failure);
  ADD ("backend-failure-health", test_backend_failure_health);

  int status = g_test_run ();
  g_clear_pointer (&store_log_lines, g_ptr_array_unref);
  return status;
}
