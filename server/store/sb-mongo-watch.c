/* sb-mongo-watch.c: the MongoDB store's change stream thread (sb-mongo-watch-private.h).
 *
 * The thread pops its own client from the pool and follows inserts into the change log. After an
 * error it resumes after the last token it saw, so that no change is missed or delivered twice;
 * only when the oplog no longer reaches back that far does it follow from now on. */
#include "config.h"

#include "sb-mongo-bson-private.h"
#include "sb-mongo-txn-private.h"
#include "sb-mongo-watch-private.h"

/* How long a change stream getMore waits on the server: bounds how long stopping the watch waits
 * for the thread. */
#define WATCH_MAX_AWAIT_MS 500

struct _SbMongoWatch
{
  mongoc_client_pool_t *pool;
  char *db_name;

  GMutex watch_mutex;
  GCond watch_cond;
  GThread *watch_thread;
  gboolean watch_stop;
  int watch_started; /* 0 opening, 1 open, -1 failed: start waits for it to leave 0 */
  GError *watch_error;
  SbStoreChangeFunc watch_func;
  gpointer watch_data;
  bson_t *resume_token; /* the last token seen; resume from it after an error */
};

static mongoc_change_stream_t *
open_change_stream (SbMongoWatch *self, mongoc_client_t *client)
{
  g_autoptr (mongoc_collection_t) coll = sb_mongo_get_collection (client, self->db_name, "changes");
  g_autoptr (bson_t) pipeline = BCON_NEW ("pipeline", "[", "{", "$match", "{", "operationType",
                                          BCON_UTF8 ("insert"), "}", "}", "]");
  g_auto (bson_t) opts = BSON_INITIALIZER;

  BSON_APPEND_INT32 (&opts, "maxAwaitTimeMS", WATCH_MAX_AWAIT_MS);
  g_mutex_lock (&self->watch_mutex);
  if (self->resume_token != NULL)
    BSON_APPEND_DOCUMENT (&opts, "resumeAfter", self->resume_token);
  g_mutex_unlock (&self->watch_mutex);
  return mongoc_collection_watch (coll, pipeline, &opts);
}

static void
remember_token (SbMongoWatch *self, mongoc_change_stream_t *stream)
{
  const bson_t *token = mongoc_change_stream_get_resume_token (stream);

  if (token == NULL)
    return;
  g_mutex_lock (&self->watch_mutex);
  g_clear_pointer (&self->resume_token, bson_destroy);
  self->resume_token = bson_copy (token);
  g_mutex_unlock (&self->watch_mutex);
}

static gboolean
watch_should_stop (SbMongoWatch *self, gint64 wait_us)
{
  gboolean stop;

  g_mutex_lock (&self->watch_mutex);
  if (wait_us > 0 && !self->watch_stop)
    {
      gint64 until = g_get_monotonic_time () + wait_us;

      while (!self->watch_stop && g_cond_wait_until (&self->watch_cond, &self->watch_mutex, until))
        ;
    }
  stop = self->watch_stop;
  g_mutex_unlock (&self->watch_mutex);
  return stop;
}

static void
deliver_change (SbMongoWatch *self, const bson_t *event)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (SbChange) change = NULL;
  const char *json = sb_mongo_doc_get_utf8 (event, "fullDocument.change");

  if (json == NULL)
    return;
  change = sb_change_from_json (json, &local_error);
  if (change == NULL)
    {
      g_warning ("MongoDB change stream: unreadable change: %s", local_error->message);
      return;
    }
  self->watch_func (change, self->watch_data);
}

/* Server errors after which a stream cannot resume from its token. */
static gboolean
resume_token_is_lost (const bson_error_t *berror)
{
  return berror->domain == MONGOC_ERROR_SERVER
         && (berror->code == 286    /* ChangeStreamHistoryLost */
             || berror->code == 280 /* ChangeStreamFatalError */
             || berror->code == 260 /* InvalidResumeToken */);
}

static gpointer
watch_thread (gpointer data)
{
  SbMongoWatch *self = data;
  mongoc_client_t *client = mongoc_client_pool_pop (self->pool);
  gint64 backoff_us = 100 * 1000;
  gboolean first = TRUE;

  while (!watch_should_stop (self, 0))
    {
      g_autoptr (mongoc_change_stream_t) stream = open_change_stream (self, client);
      const bson_t *event, *error_doc = NULL;
      bson_error_t berror;

      if (mongoc_change_stream_error_document (stream, &berror, &error_doc))
        {
          if (!first && resume_token_is_lost (&berror))
            {
              /* The oplog no longer reaches back to the token (a long outage): resuming is
               * impossible, so follow from now on. Servers notice the gap in versions. */
              g_warning ("MongoDB change stream cannot resume (%s); following from now on, "
                         "changes committed meanwhile by other servers were missed",
                         berror.message);
              g_mutex_lock (&self->watch_mutex);
              g_clear_pointer (&self->resume_token, bson_destroy);
              g_mutex_unlock (&self->watch_mutex);
              continue;
            }
          if (first)
            {
              /* watch() reports the first failure to its caller. */
              g_mutex_lock (&self->watch_mutex);
              sb_mongo_set_error (&self->watch_error, &berror, "opening the change stream");
              self->watch_started = -1;
              g_cond_broadcast (&self->watch_cond);
              g_mutex_unlock (&self->watch_mutex);
              break;
            }
          g_warning ("MongoDB change stream: cannot reopen: %s; retrying", berror.message);
          watch_should_stop (self, backoff_us);
          backoff_us = MIN (backoff_us * 2, 5 * G_USEC_PER_SEC);
          continue;
        }
      remember_token (self, stream);
      if (first)
        {
          first = FALSE;
          g_mutex_lock (&self->watch_mutex);
          self->watch_started = 1;
          g_cond_broadcast (&self->watch_cond);
          g_mutex_unlock (&self->watch_mutex);
        }
      backoff_us = 100 * 1000;

      /* next() waits at most maxAwaitTimeMS on the server, then the stop flag is checked again.
       * After a dropped connection the driver resumes by itself; only errors it gives up on come
       * out here, and then the stream is reopened after the last token. */
      while (!watch_should_stop (self, 0))
        {
          if (mongoc_change_stream_next (stream, &event))
            {
              deliver_change (self, event);
              remember_token (self, stream);
            }
          else if (mongoc_change_stream_error_document (stream, &berror, &error_doc))
            {
              if (!watch_should_stop (self, 0))
                g_warning ("MongoDB change stream failed: %s; resuming", berror.message);
              break;
            }
          else
            remember_token (self, stream); /* postBatchResumeToken moves even without events */
        }
      watch_should_stop (self, backoff_us);
    }

  mongoc_client_pool_push (self->pool, client);
  return NULL;
}

SbMongoWatch *
sb_mongo_watch_start (mongoc_client_pool_t *pool,
                      const char *db_name,
                      SbStoreChangeFunc func,
                      gpointer user_data,
                      GError **error)
{
  SbMongoWatch *self = g_new0 (SbMongoWatch, 1);
  gboolean ok;

  g_return_val_if_fail (func != NULL, NULL);

  g_mutex_init (&self->watch_mutex);
  g_cond_init (&self->watch_cond);
  self->pool = pool;
  self->db_name = g_strdup (db_name);
  self->watch_func = func;
  self->watch_data = user_data;
  self->watch_started = 0;
  self->watch_thread = g_thread_new ("sb-mongo-watch", watch_thread, self);

  /* Wait until the stream is open: every change committed after watch() returns is delivered. */
  g_mutex_lock (&self->watch_mutex);
  while (self->watch_started == 0)
    g_cond_wait (&self->watch_cond, &self->watch_mutex);
  ok = self->watch_started > 0;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&self->watch_error));
  g_mutex_unlock (&self->watch_mutex);

  if (!ok)
    {
      sb_mongo_watch_stop (self);
      return NULL;
    }
  return self;
}

void
sb_mongo_watch_stop (SbMongoWatch *self)
{
  if (self == NULL)
    return;
  if (self->watch_thread != NULL)
    {
      g_mutex_lock (&self->watch_mutex);
      self->watch_stop = TRUE;
      g_cond_broadcast (&self->watch_cond);
      g_mutex_unlock (&self->watch_mutex);
      g_clear_pointer (&self->watch_thread, g_thread_join);
    }
  g_clear_pointer (&self->resume_token, bson_destroy);
  g_clear_error (&self->watch_error);
  g_free (self->db_name);
  g_mutex_clear (&self->watch_mutex);
  g_cond_clear (&self->watch_cond);
  g_free (self);
}
