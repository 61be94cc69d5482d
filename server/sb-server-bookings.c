/* sb-server-bookings.c: SbClientHooks.fetch_bookings (sb-server-private.h): a `find_bookings`
 * request's search, run by the store worker like every other store call, answered to the client
 * if it is still connected. */
#include "config.h"

#include "sb-server-private.h"
#include "sb-store-bookings.h"

typedef struct
{
  char *event_id;
  SbBookingSearch by;
  char *value;
  char *after;
  guint limit;
} FindJob;

static void
find_job_free (FindJob *job)
{
  g_free (job->event_id);
  g_free (job->value);
  g_free (job->after);
  g_free (job);
}

typedef struct
{
  SbServer *server; /* ref */
  guint64 serial;
  char *request_id;
  char *event_id;
} FindRequest;

static void
find_request_free (FindRequest *request)
{
  g_object_unref (request->server);
  g_free (request->request_id);
  g_free (request->event_id);
  g_free (request);
}

/* The answer: the page and the next cursor together, as one result of the worker call. */
typedef struct
{
  GPtrArray *records;
  char *next;
} FindResult;

static void
find_result_free (FindResult *result)
{
  g_ptr_array_unref (result->records);
  g_free (result->next);
  g_free (result);
}

/* On the store worker's thread. */
static gpointer
find_job_run (SbStore *store, gpointer job_data, GError **error)
{
  FindJob *job = job_data;
  SbBookingQuery query = {
    .event_id = job->event_id,
    .by = job->by,
    .value = job->value,
    .after = job->after,
    .limit = job->limit,
  };
  FindResult *result = g_new0 (FindResult, 1);

  result->records = sb_store_find_bookings (store, &query, &result->next, error);
  if (result->records == NULL)
    {
      g_free (result);
      return NULL;
    }
  return result;
}

static void
on_found (GObject *source, GAsyncResult *async_result, gpointer user_data)
{
  FindRequest *request = user_data;
  g_autoptr (GError) error = NULL;
  FindResult *result
      = sb_store_worker_call_finish (_sb_server_get_worker (request->server), async_result, &error);
  SbClient *client = _sb_server_lookup_client (request->server, request->serial);

  if (client != NULL)
    sb_client_finish_find_bookings (client, request->request_id, request->event_id,
                                    result != NULL ? result->records : NULL,
                                    result != NULL ? result->next : NULL, error);
  if (result != NULL)
    find_result_free (result);
  find_request_free (request);
}

void
_sb_server_fetch_bookings (guint64 client_serial,
                           const char *request_id,
                           const SbBookingQuery *query,
                           gpointer user_data)
{
  SbServer *self = user_data;
  FindJob *job = g_new0 (FindJob, 1);
  FindRequest *request = g_new0 (FindRequest, 1);

  job->event_id = g_strdup (query->event_id);
  job->by = query->by;
  job->value = g_strdup (query->value);
  job->after = g_strdup (query->after);
  job->limit = query->limit;
  request->server = g_object_ref (self);
  request->serial = client_serial;
  request->request_id = g_strdup (request_id);
  request->event_id = g_strdup (query->event_id);
  sb_store_worker_call (_sb_server_get_worker (self), find_job_run, job,
                        (GDestroyNotify) find_job_free, on_found, request);
}
