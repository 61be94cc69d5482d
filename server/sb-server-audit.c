/* sb-server-audit.c: SbClientHooks.fetch_audit (sb-server-private.h): an `audit` request's read
 * of the trail, run by the store worker like every other store call, answered to the client if it
 * is still connected. */
#include "config.h"

#include "sb-server-private.h"
#include "sb-store-audit.h"

typedef struct
{
  char *event_id;
  char *seat_id;
  char *booking_id;
  gint64 since_ms;
  guint limit;
} AuditJob;

static void
audit_job_free (AuditJob *job)
{
  g_free (job->event_id);
  g_free (job->seat_id);
  g_free (job->booking_id);
  g_free (job);
}

/* On the store worker's thread. */
static gpointer
audit_job_run (SbStore *store, gpointer job_data, GError **error)
{
  AuditJob *job = job_data;
  SbAuditQuery query = { job->event_id, job->since_ms, job->seat_id, job->booking_id, job->limit };

  return sb_store_audit_list (store, &query, error);
}

typedef struct
{
  SbServer *server; /* ref */
  guint64 serial;
  char *request_id;
  char *event_id;
} AuditRequest;

static void
audit_request_free (AuditRequest *request)
{
  g_object_unref (request->server);
  g_free (request->request_id);
  g_free (request->event_id);
  g_free (request);
}

static void
on_audit_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AuditRequest *request = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) records
      = sb_store_worker_call_finish (_sb_server_get_worker (request->server), result, &error);
  SbClient *client = _sb_server_lookup_client (request->server, request->serial);

  if (client != NULL)
    sb_client_finish_audit (client, request->request_id, request->event_id, records, error);
  audit_request_free (request);
}

void
_sb_server_fetch_audit (guint64 client_serial,
                        const char *request_id,
                        const SbAuditQuery *query,
                        gpointer user_data)
{
  SbServer *self = user_data;
  AuditJob *job = g_new0 (AuditJob, 1);
  AuditRequest *request = g_new0 (AuditRequest, 1);

  job->event_id = g_strdup (query->event_id);
  job->seat_id = g_strdup (query->seat_id);
  job->booking_id = g_strdup (query->booking_id);
  job->since_ms = query->since_ms;
  job->limit = query->limit;
  request->server = g_object_ref (self);
  request->serial = client_serial;
  request->request_id = g_strdup (request_id);
  request->event_id = g_strdup (query->event_id);
  sb_store_worker_call (_sb_server_get_worker (self), audit_job_run, job,
                        (GDestroyNotify) audit_job_free, on_audit_done, request);
}
