/* sb-store-worker.c: the store's own thread.
 *
 * Ops and jobs go into one FIFO inbox. The thread takes every op waiting at the head of the inbox
 * (up to MAX_BATCH) and commits them with one sb_store_apply () call: while a transaction is
 * being made durable, new ops pile up and become the next batch, so the number of fsyncs per op
 * falls as the load rises (group commit). A job is run alone, after the ops queued before it.
 *
 * Results go into an outbox in the same order, and one idle source on the creating thread's main
 * context drains it: one wakeup per batch (or fewer), never one per op. */
#include "config.h"

#include "sb-store-worker.h"

#include "sb-store-health.h"

/* How often a store that keeps failing is logged, and how long after its last failure /healthz
 * still reports it. */
#define HEALTH_INTERVAL_US (10 * G_USEC_PER_SEC)

#define MAX_BATCH 1000

typedef struct
{
  /* Exactly one of op and task is set. */
  SbOp *op;
  GTask *task;
  SbStoreJobFunc job;
  gpointer job_data;
  GDestroyNotify job_data_free;
  /* A job's outcome, handed to the task on the main context. */
  gpointer result;
  GError *error;
} Item;

struct _SbStoreWorker
{
  GObject parent_instance;

  SbStore *store;
  SbStoreWorkerDoneFunc done;
  gpointer done_data;
  GMainContext *context;
  GThread *thread;

  GMutex lock;
  GCond cond;
  GQueue inbox;             /* Item, guarded by lock */
  GQueue outbox;            /* Item, guarded by lock */
  GSource *outbox_source;   /* the idle that will drain the outbox, if any; guarded by lock */
  gboolean stopping;        /* guarded by lock */
  gboolean shut_down;       /* main thread only */
  guint tasks_in_flight;    /* jobs whose callback has not run yet; main thread only */
  guint pending;            /* ops in the inbox or being applied; guarded by lock */
  SbStoreWorkerStats stats; /* guarded by lock */
  SbStoreHealth health;     /* its own lock */
};

G_DEFINE_FINAL_TYPE (SbStoreWorker, sb_store_worker, G_TYPE_OBJECT)

static void
item_free (Item *item)
{
  if (item->op != NULL)
    sb_op_free (item->op);
  g_clear_object (&item->task);
  if (item->job_data_free != NULL && item->job_data != NULL)
    item->job_data_free (item->job_data);
  g_clear_error (&item->error);
  g_free (item);
}

/* Main context side */

/* Delivers everything in the outbox, in order. Runs on the creating thread. */
static void
drain_outbox (SbStoreWorker *self)
{
  for (;;)
    {
      GQueue items = G_QUEUE_INIT;
      Item *item;

      g_mutex_lock (&self->lock);
      items = self->outbox;
      g_queue_init (&self->outbox);
      g_mutex_unlock (&self->lock);

      if (items.length == 0)
        return;

      while ((item = g_queue_pop_head (&items)) != NULL)
        {
          if (item->op != NULL)
            {
              self->done (g_steal_pointer (&item->op), self->done_data);
            }
          else if (item->error != NULL)
            {
              g_task_return_error (item->task, g_steal_pointer (&item->error));
            }
          else
            {
              /* The result belongs to the task now; job_data is freed with the item. */
              g_task_return_pointer (item->task, g_steal_pointer (&item->result), NULL);
            }
          item_free (item);
        }
    }
}

static gboolean
drain_outbox_cb (gpointer data)
{
  SbStoreWorker *self = SB_STORE_WORKER (data);

  /* From now on a new result needs a new source. */
  g_mutex_lock (&self->lock);
  if (self->outbox_source == g_main_current_source ())
    g_clear_pointer (&self->outbox_source, g_source_unref);
  g_mutex_unlock (&self->lock);

  drain_outbox (self);
  return G_SOURCE_REMOVE;
}

/* Called with lock held: queues a finished item and makes sure a source will deliver it. */
static void
post_locked (SbStoreWorker *self, Item *item)
{
  g_queue_push_tail (&self->outbox, item);
  if (self->outbox_source == NULL)
    {
      self->outbox_source = g_idle_source_new ();
      g_source_set_priority (self->outbox_source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (self->outbox_source, "[seatbook] store worker results");
      g_source_set_callback (self->outbox_source, drain_outbox_cb, g_object_ref (self),
                             g_object_unref);
      g_source_attach (self->outbox_source, self->context);
    }
}

/* Store thread side */

static void
fail_batch (GPtrArray *ops, const GError *error)
{
  for (guint i = 0; i < ops->len; i++)
    {
      SbOp *op = g_ptr_array_index (ops, i);

      sb_op_clear_outcome (op);
      sb_op_set_error (op, SB_ERROR_UNAVAILABLE, "storage failure: %s", error->message);
    }
}

static void
run_batch (SbStoreWorker *self, GPtrArray *ops)
{
  g_autoptr (GError) error = NULL;
  gint64 start_us = g_get_monotonic_time ();
  gint64 end_us;
  gboolean ok;

  ok = sb_store_apply (self->store, ops, &error);
  if (!ok)
    {
      /* A busy or briefly unavailable backend often succeeds a moment later; apply () guarantees
       * nothing of the failed attempt was committed, so running the batch again is safe. */
      g_debug ("Store batch of %u ops failed, retrying once: %s", ops->len, error->message);
      g_clear_error (&error);
      g_usleep (50 * 1000);
      ok = sb_store_apply (self->store, ops, &error);
      if (!ok)
        {
          /* Logged by the health tracker, once per interval with a count. */
          sb_store_health_failed (&self->health, error, g_get_monotonic_time ());
          fail_batch (ops, error);
        }
    }
  end_us = g_get_monotonic_time ();
  if (ok)
    sb_store_health_succeeded (&self->health, end_us);

  for (guint i = 0; i < ops->len; i++)
    ((SbOp *) g_ptr_array_index (ops, i))->committed_at_us = end_us;

  g_mutex_lock (&self->lock);
  self->stats.batches++;
  self->stats.ops += ops->len;
  if (!ok)
    self->stats.failed_batches++;
  self->stats.commit_us_total += end_us - start_us;
  self->stats.commit_us_max = MAX (self->stats.commit_us_max, (guint64) (end_us - start_us));
  self->pending -= ops->len;
  for (guint i = 0; i < ops->len; i++)
    {
      Item *item = g_new0 (Item, 1);

      item->op = g_ptr_array_index (ops, i);
      post_locked (self, item);
    }
  g_mutex_unlock (&self->lock);
}

static gpointer
worker_thread (gpointer data)
{
  SbStoreWorker *self = data;
  g_autoptr (GPtrArray) ops = g_ptr_array_sized_new (MAX_BATCH);

  for (;;)
    {
      Item *job = NULL;

      g_mutex_lock (&self->lock);
      while (self->inbox.length == 0 && !self->stopping)
        g_cond_wait (&self->cond, &self->lock);
      if (self->inbox.length == 0)
        {
          /* stopping, and everything queued has been done */
          g_mutex_unlock (&self->lock);
          break;
        }
      if (((Item *) g_queue_peek_head (&self->inbox))->task != NULL)
        job = g_queue_pop_head (&self->inbox);
      else
        while (ops->len < MAX_BATCH && self->inbox.length > 0
               && ((Item *) g_queue_peek_head (&self->inbox))->op != NULL)
          {
            Item *item = g_queue_pop_head (&self->inbox);

            g_ptr_array_add (ops, g_steal_pointer (&item->op));
            item_free (item);
          }
      g_mutex_unlock (&self->lock);

      if (job != NULL)
        {
          job->result = job->job (self->store, job->job_data, &job->error);
          g_mutex_lock (&self->lock);
          post_locked (self, job);
          g_mutex_unlock (&self->lock);
        }
      else
        {
          run_batch (self, ops);
          /* The ops now belong to the outbox. */
          g_ptr_array_set_size (ops, 0);
        }
    }

  return NULL;
}

/* Public API */

SbStoreWorker *
sb_store_worker_new (SbStore *store, SbStoreWorkerDoneFunc done, gpointer user_data)
{
  SbStoreWorker *self;

  g_return_val_if_fail (SB_IS_STORE (store), NULL);
  g_return_val_if_fail (done != NULL, NULL);

  self = g_object_new (SB_TYPE_STORE_WORKER, NULL);
  self->store = g_object_ref (store);
  self->done = done;
  self->done_data = user_data;
  self->context = g_main_context_ref_thread_default ();
  /* The thread borrows self: dispose joins it before self goes away. */
  self->thread = g_thread_new ("sb-store", worker_thread, self);
  return self;
}

void
sb_store_worker_submit (SbStoreWorker *self, SbOp *op)
{
  Item *item;

  g_return_if_fail (SB_IS_STORE_WORKER (self));
  g_return_if_fail (op != NULL);

  op->queued_at_us = g_get_monotonic_time ();
  item = g_new0 (Item, 1);
  item->op = op;

  g_mutex_lock (&self->lock);
  if (self->stopping)
    {
      /* Answered through the outbox all the same, so done () is never called re-entrantly. */
      sb_op_clear_outcome (op);
      sb_op_set_error (op, SB_ERROR_UNAVAILABLE, "The server is shutting down");
      post_locked (self, item);
    }
  else
    {
      g_queue_push_tail (&self->inbox, item);
      self->pending++;
      g_cond_signal (&self->cond);
    }
  g_mutex_unlock (&self->lock);
}

static void
task_completed_cb (SbStoreWorker *self)
{
  self->tasks_in_flight--;
}

void
sb_store_worker_call (SbStoreWorker *self,
                      SbStoreJobFunc job,
                      gpointer job_data,
                      GDestroyNotify job_data_free,
                      GAsyncReadyCallback callback,
                      gpointer user_data)
{
  Item *item;

  g_return_if_fail (SB_IS_STORE_WORKER (self));
  g_return_if_fail (job != NULL);

  item = g_new0 (Item, 1);
  item->task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (item->task, sb_store_worker_call);
  self->tasks_in_flight++;
  g_signal_connect_object (item->task, "notify::completed", G_CALLBACK (task_completed_cb), self,
                           G_CONNECT_SWAPPED);
  item->job = job;
  item->job_data = job_data;
  item->job_data_free = job_data_free;

  g_mutex_lock (&self->lock);
  if (self->stopping)
    {
      item->error
          = g_error_new (SB_PROTOCOL_ERROR, SB_ERROR_UNAVAILABLE, "The server is shutting down");
      post_locked (self, item);
    }
  else
    {
      g_queue_push_tail (&self->inbox, item);
      g_cond_signal (&self->cond);
    }
  g_mutex_unlock (&self->lock);
}

gpointer
sb_store_worker_call_finish (SbStoreWorker *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (SB_IS_STORE_WORKER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sb_store_worker_call, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
sb_store_worker_get_pending (SbStoreWorker *self)
{
  guint pending;

  g_return_val_if_fail (SB_IS_STORE_WORKER (self), 0);

  g_mutex_lock (&self->lock);
  pending = self->pending;
  g_mutex_unlock (&self->lock);
  return pending;
}

gboolean
sb_store_worker_is_failing (SbStoreWorker *self)
{
  g_return_val_if_fail (SB_IS_STORE_WORKER (self), FALSE);

  return sb_store_health_is_failing (&self->health, g_get_monotonic_time ());
}

void
sb_store_worker_set_health_interval (SbStoreWorker *self, gint64 interval_us)
{
  g_return_if_fail (SB_IS_STORE_WORKER (self));
  g_return_if_fail (interval_us > 0);

  sb_store_health_set_interval (&self->health, interval_us);
}

void
sb_store_worker_shutdown (SbStoreWorker *self)
{
  GSource *source;

  g_return_if_fail (SB_IS_STORE_WORKER (self));

  if (self->shut_down)
    return;
  self->shut_down = TRUE;

  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);

  /* The thread finishes everything queued before it returns. */
  g_thread_join (g_steal_pointer (&self->thread));

  /* Deliver here rather than wait for the idle source: the caller may be about to quit its main
   * loop. */
  g_mutex_lock (&self->lock);
  source = g_steal_pointer (&self->outbox_source);
  g_mutex_unlock (&self->lock);
  if (source != NULL)
    {
      g_source_destroy (source);
      g_source_unref (source);
    }
  drain_outbox (self);

  /* A GTask may run its callback from an idle of its own on the context: wait for those. */
  while (self->tasks_in_flight > 0)
    g_main_context_iteration (self->context, TRUE);
}

void
sb_store_worker_get_stats (SbStoreWorker *self, SbStoreWorkerStats *out_stats)
{
  g_return_if_fail (SB_IS_STORE_WORKER (self));
  g_return_if_fail (out_stats != NULL);

  g_mutex_lock (&self->lock);
  *out_stats = self->stats;
  g_mutex_unlock (&self->lock);
}

static void
sb_store_worker_dispose (GObject *object)
{
  SbStoreWorker *self = SB_STORE_WORKER (object);

  if (self->thread != NULL)
    sb_store_worker_shutdown (self);

  G_OBJECT_CLASS (sb_store_worker_parent_class)->dispose (object);
}

static void
sb_store_worker_finalize (GObject *object)
{
  SbStoreWorker *self = SB_STORE_WORKER (object);

  g_queue_clear_full (&self->inbox, (GDestroyNotify) item_free);
  g_queue_clear_full (&self->outbox, (GDestroyNotify) item_free);
  /* outbox_source is NULL here: a pending source holds a reference to self. */
  g_clear_object (&self->store);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  sb_store_health_clear (&self->health);

  G_OBJECT_CLASS (sb_store_worker_parent_class)->finalize (object);
}

static void
sb_store_worker_class_init (SbStoreWorkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_store_worker_dispose;
  object_class->finalize = sb_store_worker_finalize;
}

static void
sb_store_worker_init (SbStoreWorker *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->inbox);
  g_queue_init (&self->outbox);
  sb_store_health_init (&self->health, HEALTH_INTERVAL_US);
}
