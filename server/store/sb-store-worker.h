/* sb-store-worker.h: runs a store on its own thread so the main loop never waits for the disk.
 * Ops submitted while a transaction is running are gathered into the next batch (group commit). */
#pragma once

#include <gio/gio.h>

#include "sb-store.h"

G_BEGIN_DECLS

/* Called on the main context that created the worker, once for every op, in commit order.
 * Takes ownership of op. */
typedef void (*SbStoreWorkerDoneFunc) (SbOp *op, gpointer user_data);

/* A job run on the store thread (e.g. changes_since for a replay older than memory holds). */
typedef gpointer (*SbStoreJobFunc) (SbStore *store, gpointer job_data, GError **error);

#define SB_TYPE_STORE_WORKER (sb_store_worker_get_type ())
G_DECLARE_FINAL_TYPE (SbStoreWorker, sb_store_worker, SB, STORE_WORKER, GObject)

/* Starts the thread. Results are delivered on the thread-default main context of the caller. */
SbStoreWorker *sb_store_worker_new (SbStore *store, SbStoreWorkerDoneFunc done, gpointer user_data);

/* Queues op (taking ownership). Sets op->queued_at_us. */
void sb_store_worker_submit (SbStoreWorker *self, SbOp *op);

void sb_store_worker_call (SbStoreWorker *self,
                           SbStoreJobFunc job,
                           gpointer job_data,
                           GDestroyNotify job_data_free,
                           GAsyncReadyCallback callback,
                           gpointer user_data);
gpointer sb_store_worker_call_finish (SbStoreWorker *self, GAsyncResult *result, GError **error);

/* Ops waiting or running. */
guint sb_store_worker_get_pending (SbStoreWorker *self);

/* TRUE while the store keeps failing: a batch failed (after its retry) within the last health
 * interval (10 s) and none has committed since. The failures are logged once per interval with a
 * count. */
gboolean sb_store_worker_is_failing (SbStoreWorker *self);
void sb_store_worker_set_health_interval (SbStoreWorker *self, gint64 interval_us);

/* Commits what is queued, delivers every outcome (iterating the caller's main context), and
 * stops the thread. Ops submitted afterwards fail with SB_ERROR_UNAVAILABLE. */
void sb_store_worker_shutdown (SbStoreWorker *self);

/* Counters for /metrics. */
typedef struct
{
  guint64 batches;
  guint64 ops;
  guint64 failed_batches;
  guint64 commit_us_total; /* sum of batch transaction durations */
  guint64 commit_us_max;
} SbStoreWorkerStats;

void sb_store_worker_get_stats (SbStoreWorker *self, SbStoreWorkerStats *out_stats);

G_END_DECLS
