/* sb-server-events.c: SbClientHooks.manage_event (sb-server-private.h): `create_event` and
 * `close_sales` (docs/protocol.md). The role check has run (sb_client_auth_check: managers and
 * admins, anyone with accounts off). The store worker validates and writes, like every other store
 * call; back on the main loop a created event is served at once (subscribe finds it), and every
 * connected client that may list events gets the new list as an unasked `events`.
 *
 * Other server processes on the same MongoDB do not learn of a created event or a close until
 * they restart (docs/protocol.md says so); the store's rules refuse holds and bookings outside the
 * window in every process all the same, since they read the window in each transaction. */
#include "config.h"

#include <stdio.h>

#include "sb-client-auth.h"
#include "sb-message-event.h"
#include "sb-message-parts.h"
#include "sb-message-session.h"
#include "sb-server-private.h"
#include "sb-venue.h"

/* What the worker runs: owned copies, since the request is gone by then. */
typedef struct
{
  SbRequestType type;
  char *event_id;
  char *name;
  char *venue_json;
  gboolean venue_is_text; /* from venue_text: its errors name that field */
  char *time_zone;
  gint64 starts_at_ms;
  gint64 sales_open_ms;
  gint64 sales_close_ms;
  SbOrphanRule orphan_rule;
  char *account;
  char *desk;
  gint64 now_ms;
} EventJob;

static void
event_job_free (EventJob *job)
{
  g_free (job->event_id);
  g_free (job->name);
  g_free (job->venue_json);
  g_free (job->time_zone);
  g_free (job->account);
  g_free (job->desk);
  g_free (job);
}

/* The worker's answer: a refusal (code, message, field, place) or what was done. */
typedef struct
{
  SbErrorCode code;
  char *message;
  const char *field; /* static */
  guint line, column;
  SbEventRecord *record; /* create_event */
  SbEventState *state;
  gint64 close_ms; /* close_sales */
  gboolean changed;
} EventResult;

static void
event_result_free (EventResult *result)
{
  g_free (result->message);
  sb_event_record_free (result->record);
  sb_event_state_free (result->state);
  g_free (result);
}

typedef struct
{
  SbServer *server; /* ref */
  guint64 serial;
  SbRequestType type;
  char *request_id;
  char *event_id;
} EventRequest;

static void
event_request_free (EventRequest *request)
{
  g_object_unref (request->server);
  g_free (request->request_id);
  g_free (request->event_id);
  g_free (request);
}

static EventResult *
refusal (SbErrorCode code, const char *field, const char *message)
{
  EventResult *result = g_new0 (EventResult, 1);

  result->code = code;
  result->field = field;
  result->message = g_strdup (message);
  return result;
}

/* On the store worker's thread. */
static gpointer
create_job_run (SbStore *store, EventJob *job, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  EventResult *result;
  SbEventSpec spec = {
    .event_id = job->event_id,
    .name = job->name,
    .venue_json = job->venue_json,
    .starts_at_ms = job->starts_at_ms,
    .orphan_rule = job->orphan_rule,
    .time_zone = job->time_zone,
    .sales_open_ms = job->sales_open_ms,
    .sales_close_ms = job->sales_close_ms,
  };
  const char *bad_field;

  if (job->venue_is_text)
    {
      /* The loader's own message, its place in the text the user picked ("venue_text:12:5: …"). */
      g_autoptr (SbVenue) venue
          = sb_venue_new_from_data (job->venue_json, -1, "venue_text", &local_error);

      if (venue == NULL)
        {
          result = refusal (SB_ERROR_INVALID_REQUEST, "venue_text", local_error->message);
          if (sscanf (local_error->message, "venue_text:%u:%u:", &result->line, &result->column)
              != 2)
            result->line = result->column = 0;
          return result;
        }
    }
  bad_field = sb_event_spec_check (&spec, &local_error);
  if (bad_field != NULL)
    return refusal (SB_ERROR_INVALID_REQUEST, bad_field, local_error->message);
  if (!sb_store_create_event_spec (store, &spec, &local_error))
    {
      if (g_error_matches (local_error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS))
        return refusal (SB_ERROR_EXISTS, "event", local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  result = g_new0 (EventResult, 1);
  result->state = sb_store_load_event (store, job->event_id, error);
  if (result->state == NULL)
    {
      event_result_free (result);
      return NULL;
    }
  result->record = g_new0 (SbEventRecord, 1);
  result->record->event_id = g_strdup (job->event_id);
  result->record->name = g_strdup (job->name);
  result->record->venue_json = g_steal_pointer (&job->venue_json);
  result->record->starts_at_ms = job->starts_at_ms;
  result->record->version = result->state->version;
  result->record->time_zone = g_strdup (job->time_zone);
  result->record->sales_open_ms = job->sales_open_ms;
  result->record->sales_close_ms = job->sales_close_ms;
  return result;
}

static gpointer
close_job_run (SbStore *store, EventJob *job, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  EventResult *result = g_new0 (EventResult, 1);

  if (!sb_store_close_sales (store, job->event_id, job->account, job->desk, job->now_ms,
                             &result->close_ms, &result->changed, &local_error))
    {
      event_result_free (result);
      if (g_error_matches (local_error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
        return refusal (SB_ERROR_NOT_FOUND, "event", local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return result;
}

static gpointer
event_job_run (SbStore *store, gpointer job_data, GError **error)
{
  EventJob *job = job_data;

  return job->type == SB_REQUEST_CREATE_EVENT ? create_job_run (store, job, error)
                                              : close_job_run (store, job, error);
}

static void
reply_error (SbServer *self,
             SbClient *client,
             SbRequestType type,
             const char *re,
             SbErrorCode code,
             const char *message,
             const char *field,
             guint line,
             guint column)
{
  GString *out = g_string_sized_new (256);

  sb_error_message_write_field (out, re, code, message, field, line, column);
  sb_client_send_text (client, g_string_free (out, FALSE));
  sb_metrics_count_request (self->metrics, type, code);
}

/* The new list of events, unasked ("re": null), to every client that may list events: it has said
 * hello and, with accounts, is signed in. */
void
_sb_server_broadcast_events (SbServer *self)
{
  GString *out = g_string_sized_new (1024);
  g_autoptr (GBytes) message = NULL;
  GHashTableIter iter;
  gpointer value;

  sb_events_message_write_begin (out, NULL);
  for (guint i = 0; i < self->events_by_id->len; i++)
    sb_live_event_append_summary (g_ptr_array_index (self->events_by_id, i), out);
  sb_events_message_write_end (out);
  message = g_string_free_to_bytes (out);

  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SbClient *client = value;

      if (sb_client_get_client_id (client) == NULL
          || (self->settings->accounts_required && _sb_client_get_auth (client)->username == NULL))
        continue;
      sb_client_send_bytes (client, message);
    }
}

static void
finish_create (SbServer *self, SbClient *client, EventRequest *request, EventResult *result)
{
  g_autoptr (GError) error = NULL;
  SbLiveEvent *event = g_hash_table_lookup (self->events, request->event_id);
  GString *out;

  if (event == NULL)
    event = _sb_server_add_event (self, result->record, result->state, &error);
  if (event == NULL)
    {
      /* Stored, but its venue cannot be read back: a bug, and the next start will say so too. */
      g_warning ("Cannot serve the new event %s: %s", request->event_id, error->message);
      if (client != NULL)
        reply_error (self, client, request->type, request->request_id, SB_ERROR_INTERNAL,
                     "The event was stored but cannot be served", NULL, 0, 0);
      return;
    }
  g_message ("Event %s created (%s, %u seats)", request->event_id,
             sb_venue_get_name (sb_live_event_get_venue (event)),
             sb_venue_get_n_seats (sb_live_event_get_venue (event)));
  if (client != NULL)
    {
      out = g_string_sized_new (512);
      sb_event_created_message_write_begin (out, request->request_id);
      sb_live_event_append_summary (event, out);
      sb_event_created_message_write_end (out);
      sb_client_send_text (client, g_string_free (out, FALSE));
      sb_metrics_count_request (self->metrics, request->type, SB_ERROR_NONE);
    }
  _sb_server_broadcast_events (self);
}

static void
finish_close (SbServer *self, SbClient *client, EventRequest *request, EventResult *result)
{
  SbLiveEvent *event = g_hash_table_lookup (self->events, request->event_id);

  if (event != NULL && sb_live_event_set_sales_close (event, result->close_ms))
    _sb_server_broadcast_events (self);
  if (client != NULL)
    {
      GString *out = g_string_sized_new (256);

      sb_sales_closed_message_write (out, request->request_id, request->event_id, result->close_ms);
      sb_client_send_text (client, g_string_free (out, FALSE));
      sb_metrics_count_request (self->metrics, request->type, SB_ERROR_NONE);
    }
}

static void
on_event_job_done (GObject *source, GAsyncResult *async_result, gpointer user_data)
{
  EventRequest *request = user_data;
  SbServer *self = request->server;
  g_autoptr (GError) error = NULL;
  EventResult *result
      = sb_store_worker_call_finish (_sb_server_get_worker (self), async_result, &error);
  SbClient *client = _sb_server_lookup_client (self, request->serial);

  if (result == NULL)
    {
      g_warning ("%s %s failed: %s", sb_request_type_to_string (request->type), request->event_id,
                 error != NULL ? error->message : "no result");
      if (client != NULL)
        reply_error (self, client, request->type, request->request_id, SB_ERROR_UNAVAILABLE,
                     "The store cannot do this now; try again", NULL, 0, 0);
    }
  else if (result->code != SB_ERROR_NONE)
    {
      if (client != NULL)
        reply_error (self, client, request->type, request->request_id, result->code,
                     result->message, result->field, result->line, result->column);
    }
  else if (request->type == SB_REQUEST_CREATE_EVENT)
    finish_create (self, client, request, result);
  else
    finish_close (self, client, request, result);

  if (result != NULL)
    event_result_free (result);
  event_request_free (request);
}

/* The JSON text of a venue in the store with this id (one an event was created with), or NULL. */
static char *
find_venue_json (SbServer *self, const char *venue_id)
{
  for (guint i = 0; i < self->events_by_id->len; i++)
    {
      SbVenue *venue = sb_live_event_get_venue (g_ptr_array_index (self->events_by_id, i));

      if (g_strcmp0 (sb_venue_get_id (venue), venue_id) == 0)
        return g_strdup (sb_venue_get_json_text (venue));
    }
  return NULL;
}

void
_sb_server_manage_event (SbClient *client, const SbRequest *request, gpointer user_data)
{
  SbServer *self = user_data;
  const char *account = _sb_client_get_auth (client)->username;
  EventJob *job;
  EventRequest *pending;

  g_return_if_fail (request->type == SB_REQUEST_CREATE_EVENT
                    || request->type == SB_REQUEST_CLOSE_SALES);

  if (self->shutting_down)
    {
      reply_error (self, client, request->type, request->id, SB_ERROR_UNAVAILABLE,
                   "The server is shutting down", NULL, 0, 0);
      return;
    }

  job = g_new0 (EventJob, 1);
  job->type = request->type;
  job->event_id = g_strdup (request->event_id);
  job->account = g_strdup (account != NULL ? account : SB_LEGACY_ACCOUNT);
  job->desk = g_strdup (sb_client_get_client_id (client));
  job->now_ms = sb_now_ms ();

  if (request->type == SB_REQUEST_CREATE_EVENT)
    {
      g_autofree char *message = NULL;

      if (g_hash_table_contains (self->events, request->event_id))
        {
          message = g_strdup_printf ("An event “%s” exists already", request->event_id);
          reply_error (self, client, request->type, request->id, SB_ERROR_EXISTS, message, "event",
                       0, 0);
          event_job_free (job);
          return;
        }
      if (request->venue_id != NULL)
        {
          job->venue_json = find_venue_json (self, request->venue_id);
          if (job->venue_json == NULL)
            {
              message = g_strdup_printf ("No venue “%s” in the store", request->venue_id);
              reply_error (self, client, request->type, request->id, SB_ERROR_NOT_FOUND, message,
                           "venue", 0, 0);
              event_job_free (job);
              return;
            }
        }
      else
        {
          job->venue_json = g_strdup (request->venue_text);
          job->venue_is_text = TRUE;
        }
      job->name = g_strdup (request->name);
      job->time_zone = g_strdup (request->time_zone);
      job->starts_at_ms = request->starts_at_ms;
      job->sales_open_ms = request->sales_open_ms;
      job->sales_close_ms = request->sales_close_ms;
      if (request->orphan_rule == NULL
          || !sb_orphan_rule_from_string (request->orphan_rule, &job->orphan_rule))
        job->orphan_rule = SB_ORPHAN_RULE_OFF;
    }
  else if (!g_hash_table_contains (self->events, request->event_id))
    {
      g_autofree char *message = g_strdup_printf ("No event %s", request->event_id);

      reply_error (self, client, request->type, request->id, SB_ERROR_NOT_FOUND, message, "event",
                   0, 0);
      event_job_free (job);
      return;
    }

  pending = g_new0 (EventRequest, 1);
  pending->server = g_object_ref (self);
  pending->serial = sb_client_get_serial (client);
  pending->type = request->type;
  pending->request_id = g_strdup (request->id);
  pending->event_id = g_strdup (request->event_id);
  sb_store_worker_call (_sb_server_get_worker (self), event_job_run, job,
                        (GDestroyNotify) event_job_free, on_event_job_done, pending);
}
