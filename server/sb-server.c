/* sb-server.c: the server on the main thread. Ops go to the store worker; their outcomes come back
 * in commit order, are applied to the events in memory, answered, and broadcast once per event per
 * main-loop iteration. The listening socket and the HTTP handlers are in sb-server-http.c. */
#include "config.h"

#include "sb-server-private.h"

#include <stdio.h>
#include <string.h>

#include "sb-authenticator.h"
#include "sb-client-auth.h"
#include "sb-client.h"
#include "sb-live-event.h"
#include "sb-metrics.h"
#include "sb-request.h"
#include "sb-store-worker.h"
#include "sb-ws-listener.h"
#include "sb-ws-poller.h"

/* How long shutdown waits for clients to finish the close handshake. */
#define SHUTDOWN_CLOSE_TIMEOUT_MS 3000
/* Idempotency records and the change log are pruned hourly (first a few minutes after start, so a
 * server restarted often still prunes); the protocol promises outcomes for at least 24 hours. */
#define PRUNE_FIRST_DELAY_S (5 * 60)
#define PRUNE_INTERVAL_S (60 * 60)
#define OUTCOME_RETENTION_MS ((gint64) 25 * 60 * 60 * 1000)

G_DEFINE_FINAL_TYPE (SbServer, sb_server, G_TYPE_OBJECT)
/* The quark's name is stringified as written: keep clang-format off it. */
/* clang-format off */
G_DEFINE_QUARK (sb-server-error-quark, sb_server_error)
/* clang-format on */

/* Broadcast: flushed once per main-loop iteration, at most FLUSH_SLICE messages per event at a
 * time. One message costs ~9 µs (mostly the kernel's loopback transmit), so an event with 10,000
 * subscribers would hold the loop for ~90 ms; in slices, the requests that came in meanwhile are
 * served in between. The slice is per event, not per pass: many events of ordinary audiences
 * still go out in one corked pass, where a subscriber of several of them gets all their frames
 * with one sendmsg () (slicing them apart would undo that). */
#define FLUSH_SLICE 1000

/* Sends up to budget messages of each event's pending broadcast; TRUE when some are left. */
static gboolean
flush_events (SbServer *self, guint budget)
{
  g_autoptr (GArray) commit_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) dirty = g_steal_pointer (&self->dirty_events);

  self->dirty_events = g_ptr_array_new ();
  sb_ws_poller_cork (self->poller);
  for (guint i = 0; i < dirty->len; i++)
    {
      SbLiveEvent *event = g_ptr_array_index (dirty, i);

      sb_live_event_flush (event, self->metrics, commit_times, budget);
      /* Still sending, or dirty again. */
      if (sb_live_event_is_dirty (event) && !g_ptr_array_find (self->dirty_events, event, NULL))
        g_ptr_array_add (self->dirty_events, event);
    }
  sb_ws_poller_uncork (self->poller);

  /* Only now have the frames been handed to the kernel: the lag includes the send. */
  gint64 now_us = g_get_monotonic_time ();
  for (guint i = 0; i < commit_times->len; i++)
    {
      gint64 commit_us = g_array_index (commit_times, gint64, i);
      if (commit_us > 0)
        sb_metrics_observe_broadcast_lag (self->metrics,
                                          (double) (now_us - commit_us) / G_USEC_PER_SEC);
    }
  return self->dirty_events->len > 0;
}

static gboolean
flush_dirty_events (gpointer user_data)
{
  SbServer *self = user_data;

  if (flush_events (self, FLUSH_SLICE))
    return G_SOURCE_CONTINUE;
  self->flush_source = 0;
  return G_SOURCE_REMOVE;
}

static void
on_event_dirty (SbLiveEvent *event, gpointer user_data)
{
  SbServer *self = user_data;

  /* Listed already when its previous message is still being sent in slices. */
  if (!g_ptr_array_find (self->dirty_events, event, NULL))
    g_ptr_array_add (self->dirty_events, event);
  /* Default priority, not high: the flush then shares its wake-up with the socket reads that are
   * ready, instead of costing an extra main-loop iteration (each walks every connection). */
  if (self->flush_source == 0)
    self->flush_source = g_idle_add_full (G_PRIORITY_DEFAULT, flush_dirty_events, self, NULL);
}

static void
on_event_submit (SbOp *op, gpointer user_data)
{
  SbServer *self = user_data;

  sb_store_worker_submit (self->worker, op);
}

/* Store outcomes */

static void
on_op_done (SbOp *op, gpointer user_data)
{
  SbServer *self = user_data;
  /* Only frees the op on return; clang would call it unused. */
  G_GNUC_UNUSED g_autoptr (SbOp) owned = op;

  if (op->committed_at_us > 0 && op->queued_at_us > 0)
    sb_metrics_observe_commit (self->metrics,
                               (double) (op->committed_at_us - op->queued_at_us) / G_USEC_PER_SEC);

  const char *event_id = op->change != NULL ? op->change->event_id : op->event_id;
  SbLiveEvent *event = event_id != NULL ? g_hash_table_lookup (self->events, event_id) : NULL;

  /* Memory first, then the reply, then (next iteration) the broadcast. */
  for (guint i = 0; op->earlier_changes != NULL && i < op->earlier_changes->len; i++)
    {
      SbChange *change = g_steal_pointer (&op->earlier_changes->pdata[i]);
      if (event != NULL)
        sb_live_event_apply_change (event, change, op->committed_at_us);
      else
        sb_change_free (change);
    }
  if (op->change != NULL)
    {
      SbChange *change = g_steal_pointer (&op->change);
      if (event != NULL)
        sb_live_event_apply_change (event, change, op->committed_at_us);
      else
        {
          g_warning ("Committed change for unknown event %s", change->event_id);
          sb_change_free (change);
        }
    }

  /* Who booked is what lets sb-client.c refuse these seats to others without the store. Not from
   * a replay: the seats of that booking may have been cancelled and booked by another since. */
  if (op->kind == SB_OP_BOOK && op->error == SB_ERROR_NONE && !op->replayed && event != NULL)
    sb_live_event_note_booker (event, (const char *const *) op->result_seat_ids, op->client_id);

  if (op->kind == SB_OP_EXPIRE)
    {
      if (event != NULL)
        sb_live_event_expire_done (event);
      if (op->error != SB_ERROR_NONE)
        g_warning ("Expiring holds of %s failed: %s", op->event_id,
                   op->error_message != NULL ? op->error_message : "?");
      return;
    }

  /* A client is found by its serial: it may have gone since the op was queued. */
  SbClient *client = g_hash_table_lookup (self->clients, op->user_data);
  if (client != NULL)
    sb_client_reply_op (client, op);
}

typedef struct
{
  char *event_id;
  gint64 since;
} FetchJob;

static void
fetch_job_free (gpointer data)
{
  FetchJob *job = data;

  g_free (job->event_id);
  g_free (job);
}

static gpointer
fetch_job_run (SbStore *store, gpointer job_data, GError **error)
{
  FetchJob *job = job_data;

  return sb_store_changes_since (store, job->event_id, job->since, error);
}

typedef struct
{
  SbServer *server; /* ref */
  guint64 serial;
  char *request_id;
  char *event_id;
  gint64 since;
} FetchRequest;

static void
fetch_request_free (FetchRequest *request)
{
  g_object_unref (request->server);
  g_free (request->request_id);
  g_free (request->event_id);
  g_free (request);
}

static void
on_fetch_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FetchRequest *request = user_data;
  SbServer *self = request->server;
  g_autoptr (GError) error = NULL;
  GPtrArray *changes = sb_store_worker_call_finish (self->worker, result, &error);

  SbClient *client
      = g_hash_table_lookup (self->clients, GSIZE_TO_POINTER ((gsize) request->serial));
  if (client != NULL)
    sb_client_finish_subscribe (client, request->request_id, request->event_id, request->since,
                                changes, error);
  g_clear_pointer (&changes, g_ptr_array_unref);
  fetch_request_free (request);
}

SbStoreWorker *
_sb_server_get_worker (SbServer *self)
{
  return self->worker;
}

SbClient *
_sb_server_lookup_client (SbServer *self, guint64 serial)
{
  return g_hash_table_lookup (self->clients, GSIZE_TO_POINTER ((gsize) serial));
}

/* SbClientHooks.fetch_changes */
static void
client_fetch_changes (guint64 client_serial,
                      const char *request_id,
                      const char *event_id,
                      gint64 since,
                      gpointer user_data)
{
  SbServer *self = user_data;

  g_return_if_fail (event_id != NULL);

  FetchJob *job = g_new0 (FetchJob, 1);
  job->event_id = g_strdup (event_id);
  job->since = since;

  FetchRequest *request = g_new0 (FetchRequest, 1);
  request->server = g_object_ref (self);
  request->serial = client_serial;
  request->request_id = g_strdup (request_id);
  request->event_id = g_strdup (event_id);
  request->since = since;

  sb_store_worker_call (self->worker, fetch_job_run, job, fetch_job_free, on_fetch_done, request);
}

/* A live event misses versions another server committed: read them from the change log. */

static void
on_gap_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SbLiveEvent *event = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) changes = NULL;

  changes = sb_store_worker_call_finish (SB_STORE_WORKER (source), result, &error);
  if (changes == NULL)
    g_warning ("Event %s: cannot read missing changes: %s", sb_live_event_get_id (event),
               error->message);
  else
    {
      /* apply_change takes ownership of each change. */
      g_ptr_array_set_free_func (changes, NULL);
      for (guint i = 0; i < changes->len; i++)
        sb_live_event_apply_change (event, g_ptr_array_index (changes, i), 0);
    }
  g_object_unref (event);
}

static void
on_event_gap (SbLiveEvent *event, gint64 since, gpointer user_data)
{
  SbServer *self = user_data;
  FetchJob *job = g_new0 (FetchJob, 1);

  job->event_id = g_strdup (sb_live_event_get_id (event));
  job->since = since;
  sb_store_worker_call (self->worker, fetch_job_run, job, fetch_job_free, on_gap_fetched,
                        g_object_ref (event));
}

void
_sb_server_catch_up_event (SbServer *self, SbLiveEvent *event)
{
  on_event_gap (event, sb_live_event_get_version (event), self);
}

/* Changes committed by other server processes arrive on a store thread. */

typedef struct
{
  SbServer *server; /* ref */
  SbChange *change;
} WatchedChange;

static gboolean
apply_watched_change (gpointer user_data)
{
  WatchedChange *watched = user_data;
  SbLiveEvent *event = g_hash_table_lookup (watched->server->events, watched->change->event_id);

  if (event != NULL)
    sb_live_event_apply_change (event, g_steal_pointer (&watched->change), 0);
  else
    /* An event another server created: serve it now rather than at the next interval. */
    _sb_server_refresh_events (watched->server);
  g_clear_pointer (&watched->change, sb_change_free);
  g_object_unref (watched->server);
  g_free (watched);
  return G_SOURCE_REMOVE;
}

static void
on_store_change (SbChange *change, gpointer user_data)
{
  SbServer *self = user_data;

  /* The change is the store's, on the store's thread: take a copy across. */
  WatchedChange *watched = g_new0 (WatchedChange, 1);
  watched->change = sb_change_copy (change);
  watched->server = g_object_ref (self);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, apply_watched_change, watched, NULL);
}

/* Pruning */

static gpointer
prune_job_run (SbStore *store, gpointer job_data, GError **error)
{
  const gint64 *older_than_ms = job_data;

  /* Any non-NULL pointer says "done"; there is nothing to return. */
  return sb_store_prune (store, *older_than_ms, error) ? GINT_TO_POINTER (1) : NULL;
}

static void
on_prune_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (SbServer) self = user_data;
  g_autoptr (GError) error = NULL;

  if (sb_store_worker_call_finish (self->worker, result, &error) == NULL)
    g_warning ("Pruning old request outcomes and changes failed: %s",
               error != NULL ? error->message : "unknown error");
}

static void
start_prune (SbServer *self)
{
  gint64 *older_than_ms = g_new (gint64, 1);

  *older_than_ms = sb_now_ms () - OUTCOME_RETENTION_MS;
  sb_store_worker_call (self->worker, prune_job_run, older_than_ms, g_free, on_prune_done,
                        g_object_ref (self));
}

static gboolean
on_prune_hourly (gpointer user_data)
{
  start_prune (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_prune_first (gpointer user_data)
{
  SbServer *self = user_data;

  start_prune (self);
  self->prune_source = g_timeout_add_seconds (PRUNE_INTERVAL_S, on_prune_hourly, self);
  return G_SOURCE_REMOVE;
}

static void
on_websocket_accepted (SbWsPoller *poller, SbWsConnection *connection, gpointer user_data)
{
  SbServer *self = user_data;
  guint64 serial;
  SbClient *client;

  if (self->shutting_down)
    {
      sb_ws_connection_close (connection, SB_CLOSE_GOING_AWAY, "server shutting down");
      return;
    }

  serial = ++self->next_serial;
  client = sb_client_new (&self->client_hooks, self->settings, self->metrics, connection, serial);
  g_hash_table_insert (self->clients, GSIZE_TO_POINTER ((gsize) serial), client);
  sb_metrics_connection_opened (self->metrics);
  g_debug ("Session %s: connected from %s", sb_client_get_session_id (client),
           sb_ws_connection_get_peer (connection));
}

/* Sign-in (sb-authenticator.c, sb-client-auth.c) */

static void
client_sign_in (guint64 client_serial,
                const char *request_id,
                const char *username,
                const char *password,
                const char *token,
                const char *address,
                const char *desk,
                gpointer user_data)
{
  SbServer *self = user_data;

  sb_authenticator_sign_in (self->authenticator, client_serial, request_id, username, password,
                            token, address, desk);
}

static void
client_sign_out (guint64 client_serial,
                 const char *request_id,
                 const char *token_hash,
                 gpointer user_data)
{
  sb_authenticator_sign_out (((SbServer *) user_data)->authenticator, client_serial, request_id,
                             token_hash);
}

static void
auth_deliver (guint64 serial, SbSignInOutcome *outcome, gpointer user_data)
{
  sb_client_auth_deliver (((SbServer *) user_data)->clients, serial, outcome);
}

static void
auth_collect_tokens (GHashTable *tokens, gpointer user_data)
{
  sb_client_auth_collect_tokens (((SbServer *) user_data)->clients, tokens);
}

static void
auth_sessions_ended (GHashTable *ended, gpointer user_data)
{
  sb_client_auth_end_sessions (((SbServer *) user_data)->clients, ended);
}

static void
auth_signed_out (guint64 serial, const char *request_id, gboolean revoked, gpointer user_data)
{
  sb_client_auth_deliver_sign_out (((SbServer *) user_data)->clients, serial, request_id, revoked);
}

static void
auth_expire_sessions (gint64 now_ms, gpointer user_data)
{
  sb_client_auth_expire_sessions (((SbServer *) user_data)->clients, now_ms);
}

/* SbClientHooks.closed */
static void
client_closed (SbClient *client, gpointer user_data)
{
  SbServer *self = user_data;

  g_return_if_fail (SB_IS_CLIENT (client));

  gpointer key = GSIZE_TO_POINTER ((gsize) sb_client_get_serial (client));
  if (g_hash_table_lookup (self->clients, key) != client)
    return;
  sb_metrics_connection_closed (self->metrics);
  g_hash_table_remove (self->clients, key);
}

/* Construction */

char *
_sb_server_describe_store (const char *uri)
{
  /* Never log a MongoDB password: drop user info. */
  const char *scheme_end = strstr (uri, "://");
  if (scheme_end != NULL)
    {
      const char *host = scheme_end + 3;
      const char *slash = strchr (host, '/');
      const char *at = strrchr (host, '@');
      if (at != NULL && (slash == NULL || at < slash))
        return g_strdup_printf ("%.*s***@%s", (int) (host - uri), uri, at + 1);
    }
  return g_strdup (uri);
}

static gint
compare_events (gconstpointer a, gconstpointer b)
{
  SbLiveEvent *ea = *(SbLiveEvent *const *) a;
  SbLiveEvent *eb = *(SbLiveEvent *const *) b;

  return strcmp (sb_live_event_get_id (ea), sb_live_event_get_id (eb));
}

SbLiveEvent *
_sb_server_add_event (SbServer *self,
                      const SbEventRecord *record,
                      const SbEventState *state,
                      GError **error)
{
  SbLiveEventHooks hooks = {
    .submit = on_event_submit,
    .dirty = on_event_dirty,
    .gap = on_event_gap,
    .user_data = self,
  };
  SbLiveEvent *event = sb_live_event_new (record, state, self->hold_index, &hooks, error);

  if (event == NULL)
    return NULL;
  g_hash_table_insert (self->events, g_strdup (record->event_id), event);
  g_ptr_array_add (self->events_by_id, event);
  g_ptr_array_sort (self->events_by_id, compare_events);
  sb_metrics_set_events (self->metrics, self->events_by_id->len);
  return event;
}

static gboolean
load_events (SbServer *self, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GPtrArray) records = sb_store_list_events (self->store, &local_error);

  if (records == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Cannot list events of %s: ", self->store_description);
      return FALSE;
    }

  for (guint i = 0; i < records->len; i++)
    {
      const SbEventRecord *record = g_ptr_array_index (records, i);
      g_autoptr (SbEventState) state
          = sb_store_load_event (self->store, record->event_id, &local_error);
      if (state == NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "Cannot load event %s: ", record->event_id);
          return FALSE;
        }

      if (_sb_server_add_event (self, record, state, &local_error) == NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "Cannot load event %s: ", record->event_id);
          return FALSE;
        }
    }
  return TRUE;
}

SbStore *
_sb_server_open_store (const SbServerSettings *settings, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  const char *uri = settings->store_uri;

  /* The default database lives in a directory that may not exist yet; a path given explicitly
   * is taken as it is. */
  if (settings->store_is_default && g_str_has_prefix (uri, "sqlite:"))
    {
      g_autofree char *dir = g_path_get_dirname (uri + strlen ("sqlite:"));
      if (g_mkdir_with_parents (dir, 0700) != 0)
        g_debug ("Cannot create %s", dir);
    }

  SbStore *store = sb_store_open (uri, &local_error);
  if (store == NULL)
    {
      g_autofree char *description = _sb_server_describe_store (uri);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Cannot open store %s: ", description);
      return NULL;
    }
  /* Before listening: a store that cannot be written would otherwise pass /healthz and refuse
   * every booking. */
  if (!sb_store_check (store, &local_error))
    {
      g_autofree char *description = _sb_server_describe_store (uri);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Store %s is not usable: ", description);
      g_object_unref (store);
      return NULL;
    }
  return store;
}

SbServer *
sb_server_new (const SbServerSettings *settings, GError **error)
{
  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_autoptr (SbServer) self = g_object_new (SB_TYPE_SERVER, NULL);
  self->settings = settings;
  self->store_description = _sb_server_describe_store (settings->store_uri);

  self->store = _sb_server_open_store (settings, error);
  if (self->store == NULL)
    return NULL;
  sb_metrics_set_store (self->metrics, self->store);

  /* Synchronously, before the worker thread exists: the store is used by one thread at a time. */
  if (!load_events (self, error))
    return NULL;

  self->worker = sb_store_worker_new (self->store, on_op_done, self);
  if (settings->accounts_required)
    {
      const SbAuthenticatorHooks auth_hooks = {
        .deliver = auth_deliver,
        .collect_tokens = auth_collect_tokens,
        .sessions_ended = auth_sessions_ended,
        .expire_sessions = auth_expire_sessions,
        .signed_out = auth_signed_out,
        .user_data = self,
      };
      self->authenticator = sb_authenticator_new (self->worker, self->metrics,
                                                  settings->session_hours, &auth_hooks);
    }
  else
    g_warning ("accounts=off: anyone who reaches the server may hold and book without signing in "
               "(a transitional setting, docs/operations.md)");

  if (sb_store_can_watch (self->store))
    {
      g_autoptr (GError) local_error = NULL;
      if (!sb_store_watch (self->store, on_store_change, self, &local_error))
        g_warning ("Cannot watch %s for changes of other servers: %s", self->store_description,
                   local_error->message);
      else
        /* Changes other servers committed after load_events() and before the stream opened
         * reach us through neither: read them from the change log (duplicates are skipped). */
        for (guint i = 0; i < self->events_by_id->len; i++)
          _sb_server_catch_up_event (self, g_ptr_array_index (self->events_by_id, i));
    }

  self->poller = sb_ws_poller_new (SB_MAX_FRAME_BYTES, error);
  if (self->poller == NULL)
    return NULL;
  sb_ws_poller_set_accept_func (self->poller, on_websocket_accepted, self);
  sb_ws_poller_set_limits (self->poller, &settings->ws, sb_metrics_get_ws_stats (self->metrics));

  self->soup
      = g_object_new (SOUP_TYPE_SERVER, "server-header", "seatbook-server/" PACKAGE_VERSION, NULL);
  _sb_server_add_http_handlers (self);

  return g_steal_pointer (&self);
}

/* Running and shutting down */

static gboolean
on_shutdown_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
shutdown (SbServer *self)
{
  self->shutting_down = TRUE;

  /* Stop accepting. Connections already upgraded to WebSocket are ours, not the SoupServer's. */
  g_clear_object (&self->listener);
  soup_server_disconnect (self->soup);
  if (self->listen_socket != NULL)
    g_socket_close (self->listen_socket, NULL);

  if (self->authenticator != NULL)
    sb_authenticator_stop (self->authenticator);
  /* Commit what is queued and deliver every outcome: replies and changes go out below. New
   * state-changing requests meanwhile get `unavailable`. */
  sb_store_worker_shutdown (self->worker);

  if (self->flush_source != 0)
    {
      g_clear_handle_id (&self->flush_source, g_source_remove);
      flush_events (self, G_MAXUINT);
    }

  g_autoptr (GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (clients, g_object_ref (value));
  for (guint i = 0; i < clients->len; i++)
    sb_client_close (g_ptr_array_index (clients, i), SB_CLOSE_GOING_AWAY, "server shutting down");

  /* Let the close frames go out and the handshakes finish, within a deadline. */
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add (SHUTDOWN_CLOSE_TIMEOUT_MS, on_shutdown_timeout, &timed_out);
  while (g_hash_table_size (self->clients) > 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout);
  if (g_hash_table_size (self->clients) > 0)
    g_message ("%u clients did not finish closing", g_hash_table_size (self->clients));
}

int
sb_server_run (SbServer *self)
{
  g_return_val_if_fail (SB_IS_SERVER (self), 1);
  g_return_val_if_fail (self->loop != NULL, 1); /* sb_server_start () first */

  self->prune_source = g_timeout_add_seconds (PRUNE_FIRST_DELAY_S, on_prune_first, self);

  _sb_server_start_event_refresh (self);

  g_main_loop_run (self->loop);
  g_clear_handle_id (&self->prune_source, g_source_remove);
  g_clear_handle_id (&self->event_refresh_source, g_source_remove);
  shutdown (self);

  g_clear_handle_id (&self->sigint_source, g_source_remove);
  g_clear_handle_id (&self->sigterm_source, g_source_remove);
  g_message ("Stopped");
  return 0;
}

guint
sb_server_get_port (SbServer *self)
{
  g_return_val_if_fail (SB_IS_SERVER (self), 0);
  return self->port;
}

/* What clients may ask of the server (SbClientHooks) */

static gboolean
client_is_shutting_down (gpointer user_data)
{
  SbServer *self = user_data;

  return self->shutting_down;
}

static SbLiveEvent *
client_lookup_event (const char *event_id, gpointer user_data)
{
  SbServer *self = user_data;

  if (event_id == NULL)
    return NULL;
  return g_hash_table_lookup (self->events, event_id);
}

static SbLiveEvent *
client_lookup_hold_event (const char *hold_id, gpointer user_data)
{
  SbServer *self = user_data;

  if (hold_id == NULL)
    return NULL;
  return g_hash_table_lookup (self->hold_index, hold_id);
}

static GPtrArray *
client_get_events (gpointer user_data)
{
  SbServer *self = user_data;

  return self->events_by_id;
}

static void
client_submit_op (SbOp *op, gpointer user_data)
{
  SbServer *self = user_data;

  sb_store_worker_submit (self->worker, op);
}

/* Life cycle */

static void
sb_server_dispose (GObject *object)
{
  SbServer *self = SB_SERVER (object);

  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_clear_handle_id (&self->prune_source, g_source_remove);
  g_clear_handle_id (&self->event_refresh_source, g_source_remove);
  g_clear_handle_id (&self->sigint_source, g_source_remove);
  g_clear_handle_id (&self->sigterm_source, g_source_remove);
  g_clear_object (&self->listener);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  /* Clients and events point at each other through subscriptions; clients drop theirs. */
  if (self->clients != NULL)
    g_hash_table_remove_all (self->clients);
  g_clear_object (&self->poller);
  if (self->authenticator != NULL)
    sb_authenticator_stop (self->authenticator);
  g_clear_object (&self->authenticator);
  if (self->worker != NULL && !self->shutting_down)
    sb_store_worker_shutdown (self->worker);
  g_clear_object (&self->worker);
  if (self->events_by_id != NULL)
    g_ptr_array_set_size (self->events_by_id, 0);
  if (self->events != NULL)
    g_hash_table_remove_all (self->events);
  g_clear_object (&self->store);
  g_clear_object (&self->listen_socket);

  G_OBJECT_CLASS (sb_server_parent_class)->dispose (object);
}

static void
sb_server_finalize (GObject *object)
{
  SbServer *self = SB_SERVER (object);

  g_free (self->store_description);
  g_clear_pointer (&self->events, g_hash_table_unref);
  g_clear_pointer (&self->events_by_id, g_ptr_array_unref);
  g_clear_pointer (&self->hold_index, g_hash_table_unref);
  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_pointer (&self->dirty_events, g_ptr_array_unref);
  g_clear_object (&self->metrics);
  g_clear_pointer (&self->loop, g_main_loop_unref);

  G_OBJECT_CLASS (sb_server_parent_class)->finalize (object);
}

static void
sb_server_class_init (SbServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_server_dispose;
  object_class->finalize = sb_server_finalize;
}

static void
sb_server_init (SbServer *self)
{
  self->events = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->events_by_id = g_ptr_array_new ();
  self->hold_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->clients = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->dirty_events = g_ptr_array_new ();
  self->metrics = sb_metrics_new ();
  self->client_hooks = (SbClientHooks){
    .sign_in = client_sign_in,
    .sign_out = client_sign_out,
    .is_shutting_down = client_is_shutting_down,
    .lookup_event = client_lookup_event,
    .lookup_hold_event = client_lookup_hold_event,
    .get_events = client_get_events,
    .submit_op = client_submit_op,
    .fetch_changes = client_fetch_changes,
    .fetch_audit = _sb_server_fetch_audit,
    .fetch_bookings = _sb_server_fetch_bookings,
    .fetch_report = _sb_server_fetch_report,
    .manage_event = _sb_server_manage_event,
    .closed = client_closed,
    .user_data = self,
  };
}
