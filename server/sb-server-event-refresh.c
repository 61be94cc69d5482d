/* sb-server-event-refresh.c: events that other processes on the same store created (other
 * servers on MongoDB, `seatbook-server create-event` on either store), or whose sales other
 * servers closed (sb-server-private.h).
 *
 * The change stream carries seat changes only. An event created elsewhere has no change until
 * somebody books in it there, so this process would neither list it nor let its clients hold in
 * it until a restart; and a close of sales would show here only after one. The list of events is
 * therefore read again every few seconds, and at once when a watched change names an event this
 * process does not serve: new events are loaded and served, closes of sales taken over, and every
 * client that may list events is sent the new list. */
#include "config.h"

#include "sb-server-private.h"

/* How long an event created elsewhere may stay unknown here (docs/protocol.md, "create_event").
 * One listing of the events every interval: a few rows, against hundreds of commits a second. */
#define EVENT_REFRESH_INTERVAL_S 3

typedef struct
{
  GHashTable *known; /* the ids this process serves (copied: the job runs on the store's thread) */
} RefreshJob;

typedef struct
{
  GPtrArray *records; /* SbEventRecord: every event in the store */
  GPtrArray *states;  /* SbEventState of the new ones, NULL where the event was known */
} RefreshResult;

static void
refresh_job_free (gpointer data)
{
  RefreshJob *job = data;

  g_hash_table_unref (job->known);
  g_free (job);
}

static void
refresh_result_free (RefreshResult *result)
{
  g_ptr_array_unref (result->records);
  g_ptr_array_unref (result->states);
  g_free (result);
}

/* On the store worker's thread. */
static gpointer
refresh_job_run (SbStore *store, gpointer job_data, GError **error)
{
  RefreshJob *job = job_data;
  RefreshResult *result;
  GPtrArray *records = sb_store_list_events (store, error);

  if (records == NULL)
    return NULL;
  result = g_new0 (RefreshResult, 1);
  result->records = records;
  result->states = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_event_state_free);
  for (guint i = 0; i < records->len; i++)
    {
      const SbEventRecord *record = g_ptr_array_index (records, i);
      SbEventState *state = NULL;

      if (!g_hash_table_contains (job->known, record->event_id))
        {
          state = sb_store_load_event (store, record->event_id, error);
          if (state == NULL)
            {
              g_prefix_error (error, "Cannot load event %s: ", record->event_id);
              refresh_result_free (result);
              return NULL;
            }
        }
      g_ptr_array_add (result->states, state);
    }
  return result;
}

static void
on_refresh_done (GObject *source, GAsyncResult *async_result, gpointer user_data)
{
  g_autoptr (SbServer) self = user_data;
  g_autoptr (GError) error = NULL;
  RefreshResult *result
      = sb_store_worker_call_finish (SB_STORE_WORKER (source), async_result, &error);
  gboolean changed = FALSE;

  self->event_refresh_running = FALSE;
  if (result == NULL)
    {
      /* The next interval tries again; the store's health is /healthz's to report. */
      g_debug ("Cannot read the events of %s: %s", self->store_description,
               error != NULL ? error->message : "no result");
      return;
    }
  if (self->shutting_down)
    {
      refresh_result_free (result);
      return;
    }

  for (guint i = 0; i < result->records->len; i++)
    {
      const SbEventRecord *record = g_ptr_array_index (result->records, i);
      const SbEventState *state = g_ptr_array_index (result->states, i);
      SbLiveEvent *event = g_hash_table_lookup (self->events, record->event_id);

      if (event != NULL)
        {
          /* Sales are only ever closed (never reopened): take the store's close. */
          if (record->sales_close_ms != 0
              && sb_live_event_set_sales_close (event, record->sales_close_ms))
            changed = TRUE;
          continue;
        }
      if (state == NULL)
        continue; /* served when the job started, and no longer: nothing removes events */
      event = _sb_server_add_event (self, record, state, &error);
      if (event == NULL)
        {
          g_warning ("Cannot serve event %s, created elsewhere: %s", record->event_id,
                     error->message);
          g_clear_error (&error);
          continue;
        }
      g_message ("Event %s created elsewhere (%s, %u seats)", record->event_id,
                 sb_venue_get_name (sb_live_event_get_venue (event)),
                 sb_venue_get_n_seats (sb_live_event_get_venue (event)));
      /* Changes committed between the load and now were dropped by the watch, which did not
       * know the event yet: read them from the change log (duplicates are skipped). */
      _sb_server_catch_up_event (self, event);
      changed = TRUE;
    }
  refresh_result_free (result);
  if (changed)
    _sb_server_broadcast_events (self);
}

void
_sb_server_refresh_events (SbServer *self)
{
  RefreshJob *job;

  g_return_if_fail (SB_IS_SERVER (self));

  /* One listing at a time: a slow store must not pile them up. */
  if (self->event_refresh_running || self->shutting_down)
    return;
  self->event_refresh_running = TRUE;
  job = g_new0 (RefreshJob, 1);
  job->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < self->events_by_id->len; i++)
    g_hash_table_add (job->known,
                      g_strdup (sb_live_event_get_id (g_ptr_array_index (self->events_by_id, i))));
  sb_store_worker_call (self->worker, refresh_job_run, job, refresh_job_free, on_refresh_done,
                        g_object_ref (self));
}

static gboolean
on_refresh_interval (gpointer user_data)
{
  _sb_server_refresh_events (user_data);
  return G_SOURCE_CONTINUE;
}

void
_sb_server_start_event_refresh (SbServer *self)
{
  g_return_if_fail (SB_IS_SERVER (self));

  if (self->event_refresh_source == 0)
    self->event_refresh_source
        = g_timeout_add_seconds (EVENT_REFRESH_INTERVAL_S, on_refresh_interval, self);
}
