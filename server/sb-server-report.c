/* sb-server-report.c: SbClientHooks.fetch_report (sb-server-private.h): a `report` request's read,
 * run by the store worker like every other store call, answered to the client if it is still
 * connected. */
#include "config.h"

#include "sb-server-private.h"
#include "sb-store-report.h"

/* What the worker needs; the venue and the time zone are the live event's, which never change (a
 * reference keeps the venue while the worker reads its seats and prices). */
typedef struct
{
  char *event_id;
  SbVenue *venue;  /* ref */
  char *time_zone; /* NULL: UTC */
} ReportJob;

static void
report_job_free (ReportJob *job)
{
  g_free (job->event_id);
  g_free (job->time_zone);
  g_object_unref (job->venue);
  g_free (job);
}

typedef struct
{
  SbServer *server; /* ref */
  guint64 serial;
  char *request_id;
  char *event_id;
} ReportRequest;

static void
report_request_free (ReportRequest *request)
{
  g_object_unref (request->server);
  g_free (request->request_id);
  g_free (request->event_id);
  g_free (request);
}

/* On the store worker's thread. */
static gpointer
report_job_run (SbStore *store, gpointer job_data, GError **error)
{
  ReportJob *job = job_data;

  return sb_store_report (store, job->event_id, job->venue, job->time_zone, error);
}

static void
on_report_read (GObject *source, GAsyncResult *async_result, gpointer user_data)
{
  ReportRequest *request = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SbEventReport) report
      = sb_store_worker_call_finish (_sb_server_get_worker (request->server), async_result, &error);
  SbClient *client = _sb_server_lookup_client (request->server, request->serial);

  if (client != NULL)
    sb_client_finish_report (client, request->request_id, request->event_id, report, error);
  report_request_free (request);
}

void
_sb_server_fetch_report (guint64 client_serial,
                         const char *request_id,
                         const char *event_id,
                         SbVenue *venue,
                         const char *time_zone,
                         gpointer user_data)
{
  SbServer *self = user_data;
  ReportJob *job = g_new0 (ReportJob, 1);
  ReportRequest *request = g_new0 (ReportRequest, 1);

  job->event_id = g_strdup (event_id);
  job->venue = g_object_ref (venue);
  job->time_zone = g_strdup (time_zone);
  request->server = g_object_ref (self);
  request->serial = client_serial;
  request->request_id = g_strdup (request_id);
  request->event_id = g_strdup (event_id);
  sb_store_worker_call (_sb_server_get_worker (self), report_job_run, job,
                        (GDestroyNotify) report_job_free, on_report_read, request);
}
