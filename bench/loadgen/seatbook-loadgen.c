/* seatbook-loadgen: drives a seatbook-server with many WebSocket connections from one process and
 * reports throughput, latency, broadcast lag and the server's CPU and memory; then checks that
 * every booking it was told about is really there. See BENCHMARKS.md for the scenarios.
 *
 * One thread, one epoll set (lg-ws.c says why not GMainContext). Connections play one of four
 * roles:
 *   watcher    one per booked event: keeps the shared seat view the bookers pick from, and logs
 *              every change so versions can be matched to the replies that caused them;
 *   subscriber hello + subscribe, then only receives; its `changed` messages are timed;
 *   idle       hello + subscribe to --idle-event, then only receives (memory/CPU per connection);
 *   booker     hello, then a closed loop: hold 1..k seats and book the hold (or book directly).
 *
 * This file is main and the run's phases; lg-run-private.h lists the other parts.
 */
#include "config.h"

#include "lg-run-private.h"

#include <signal.h>

LgRun lg_run;

static void
on_signal (int signum)
{
  lg_run.stop_requested = TRUE;
}

/* Runs the loop until `done` says so or the deadline passes. Returns FALSE on timeout. */
static gboolean
run_until (gboolean (*done) (void), double timeout_s, void (*tick) (gint64 now))
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  while (!done ())
    {
      gint64 now = g_get_monotonic_time ();
      if (now >= deadline || lg_run.stop_requested)
        return FALSE;
      int timeout_ms = 20;
      if (lg_run.next_wake != 0)
        timeout_ms = (int) CLAMP ((lg_run.next_wake - now + 999) / 1000, 0, 20);
      lg_loop_iterate (lg_run.loop, timeout_ms);
      now = g_get_monotonic_time ();
      if (lg_run.next_wake != 0 && now >= lg_run.next_wake)
        {
          lg_run.next_wake = 0;
          for (guint i = 0; i < lg_run.bookers->len; i++)
            {
              Conn *conn = lg_run.bookers->pdata[i];
              if (conn->wake_at == 0)
                continue;
              if (conn->wake_at <= now)
                {
                  conn->wake_at = 0;
                  lg_booker_next (conn);
                }
              else if (lg_run.next_wake == 0 || conn->wake_at < lg_run.next_wake)
                lg_run.next_wake = conn->wake_at;
            }
        }
      if (tick != NULL)
        tick (now);
    }
  return TRUE;
}

static gboolean
watchers_ready (void)
{
  return lg_run.n_watchers_ready == lg_run.watchers->len;
}

static gint64 connect_start_us;

static void
connect_tick (gint64 now)
{
  double rate = lg_opt.ramp > 0 ? lg_run.n_to_connect / lg_opt.ramp : lg_opt.connect_rate;
  double elapsed = (double) (now - connect_start_us) / G_USEC_PER_SEC;
  guint allowed = (guint) MIN ((double) lg_run.n_to_connect, rate * elapsed + 1);

  while (lg_run.n_connect_started < allowed
         && lg_loop_get_n_pending (lg_run.loop) < (guint) lg_opt.max_pending)
    {
      /* Subscribers first, then the idle ones. */
      lg_conn_start (lg_run.n_connect_started < (guint) lg_opt.subscribers ? ROLE_SUBSCRIBER
                                                                           : ROLE_IDLE);
      lg_run.n_connect_started++;
    }
}

static gboolean
all_connected (void)
{
  return lg_run.n_connect_started == lg_run.n_to_connect
         && lg_run.n_ready + lg_run.n_conn_failed >= lg_run.n_to_connect;
}

static gboolean
bookers_ready (void)
{
  return lg_run.n_bookers_ready + lg_run.n_conn_failed >= lg_run.bookers->len;
}

static gint64 run_deadline;

static gboolean
run_finished (void)
{
  if (g_get_monotonic_time () >= run_deadline)
    return TRUE;
  for (guint i = 0; i < lg_run.bookers->len; i++)
    if (!((Conn *) lg_run.bookers->pdata[i])->done)
      return FALSE;
  return TRUE;
}

static gboolean
drained (void)
{
  for (guint i = 0; i < lg_run.bookers->len; i++)
    {
      Conn *conn = lg_run.bookers->pdata[i];
      if (conn->ws != NULL && conn->n_out > 0)
        return FALSE;
    }
  /* Every subscriber and watcher has every version any of them has. */
  for (guint i = 0; i < lg_run.conns->len; i++)
    {
      Conn *conn = lg_run.conns->pdata[i];
      if ((conn->role != ROLE_SUBSCRIBER && conn->role != ROLE_WATCHER) || conn->ws == NULL)
        continue;
      for (guint s = 0; s < conn->n_subs; s++)
        if (conn->sub_version[s] < ((Event *) lg_run.events->pdata[conn->sub_event[s]])->max_seen)
          return FALSE;
    }
  return TRUE;
}

static gboolean
never (void)
{
  return FALSE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;

  if (!lg_options_parse (&argc, &argv))
    return 2;
  lg_run.waiting_for_token = g_ptr_array_new ();

  guint n_total
      = g_strv_length (lg_opt.events) + (guint) (lg_opt.subscribers + lg_opt.bookers + lg_opt.idle);
  lg_raise_fd_limit (n_total);
  signal (SIGINT, on_signal);
  signal (SIGTERM, on_signal);
  signal (SIGPIPE, SIG_IGN);

  lg_run.loop = lg_loop_new (&error);
  if (lg_run.loop == NULL || (lg_run.use_tls && !lg_loop_use_tls (lg_run.loop, &error)))
    g_error ("%s", error->message);
  lg_run.rng = g_rand_new_with_seed ((guint32) lg_opt.seed);
  lg_run.events = g_ptr_array_new ();
  lg_run.conns = g_ptr_array_new ();
  lg_run.watchers = g_ptr_array_new ();
  lg_run.bookers = g_ptr_array_new ();
  lg_run.ops = g_array_new (FALSE, FALSE, sizeof (Op));
  lg_run.errors_by_code = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  lg_run.closes_by_code = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; lg_opt.events[i] != NULL; i++)
    g_ptr_array_add (lg_run.events, lg_event_new (lg_opt.events[i]));

  struct rusage ru_start, ru_end;
  LgProcSample proc_idle, proc_loaded, proc_run_start, proc_run_end;
  g_autofree char *metrics_before = NULL;
  g_autofree char *metrics_after = NULL;

  /* The server before any of our connections: the reference for memory per connection. */
  lg_proc_sample (lg_opt.server_pid, &proc_idle);
  getrusage (RUSAGE_SELF, &ru_start);

  lg_run.phase = PHASE_WATCHERS;
  for (guint i = 0; i < lg_run.events->len; i++)
    lg_conn_start (ROLE_WATCHER);
  if (!run_until (watchers_ready, 60, NULL))
    {
      g_printerr ("the watchers did not get their snapshots (%u of %u)\n", lg_run.n_watchers_ready,
                  lg_run.watchers->len);
      return 1;
    }

  lg_run.phase = PHASE_CONNECT;
  lg_run.n_to_connect = (guint) (lg_opt.subscribers + lg_opt.idle);
  connect_start_us = g_get_monotonic_time ();
  gboolean connected = run_until (all_connected, lg_opt.connect_timeout, connect_tick);
  double connect_s = (double) (g_get_monotonic_time () - connect_start_us) / G_USEC_PER_SEC;
  if (!connected)
    g_printerr ("only %u of %u connections subscribed after %.0f s\n", lg_run.n_ready,
                lg_run.n_to_connect, connect_s);
  /* Let the server's allocations settle (and the last replies flush) before reading RSS. */
  {
    gint64 until = g_get_monotonic_time () + (gint64) (lg_opt.settle * G_USEC_PER_SEC);
    while (g_get_monotonic_time () < until && !lg_run.stop_requested)
      lg_loop_iterate (lg_run.loop, 50);
  }
  lg_proc_sample (lg_opt.server_pid, &proc_loaded);

  lg_run.phase = PHASE_BOOKERS;
  for (int i = 0; i < lg_opt.bookers; i++)
    lg_conn_start (ROLE_BOOKER);
  if (!run_until (bookers_ready, 60, NULL))
    g_printerr ("only %u of %d bookers said hello\n", lg_run.n_bookers_ready, lg_opt.bookers);

  metrics_before = lg_metrics_fetch (lg_run.metrics_url, NULL);
  lg_proc_sample (lg_opt.server_pid, &proc_run_start);
  struct rusage ru_run_start;
  getrusage (RUSAGE_SELF, &ru_run_start);

  lg_run.phase = PHASE_RUN;
  lg_run.run_start_us = g_get_monotonic_time ();
  run_deadline = lg_run.run_start_us + (gint64) (lg_opt.duration * G_USEC_PER_SEC);
  for (guint i = 0; i < lg_run.bookers->len; i++)
    lg_booker_next (lg_run.bookers->pdata[i]);
  if (lg_run.bookers->len > 0)
    run_until (run_finished, lg_opt.duration + 1, NULL);
  else
    run_until (never, lg_opt.duration, NULL);
  lg_run.run_end_us = g_get_monotonic_time ();
  lg_proc_sample (lg_opt.server_pid, &proc_run_end);
  struct rusage ru_run_end;
  getrusage (RUSAGE_SELF, &ru_run_end);

  /* Replies and broadcasts still in flight belong to the run: wait for them (no new requests). */
  lg_run.phase = PHASE_DRAIN;
  gint64 drain_start = g_get_monotonic_time ();
  gboolean drained_ok = run_until (drained, 10, NULL);
  double drain_s = (double) (g_get_monotonic_time () - drain_start) / G_USEC_PER_SEC;
  metrics_after = lg_metrics_fetch (lg_run.metrics_url, NULL);
  lg_run.phase = PHASE_DONE;
  getrusage (RUSAGE_SELF, &ru_end);

  LgProcSample proc_open;
  lg_proc_sample (lg_opt.server_pid, &proc_open);

  LgLagSummary lag;
  lg_summarize_lag (&lag);

  /* Close everything before checking, so the check's connection meets an unloaded server. */
  for (guint i = 0; i < lg_run.conns->len; i++)
    {
      Conn *conn = lg_run.conns->pdata[i];
      if (conn->ws != NULL)
        g_clear_pointer (&conn->ws, lg_ws_abort);
    }

  LgCheck check = { 0 };
  if (!lg_opt.no_verify)
    lg_check (&check);

  LgMeasures measures = {
    .connect_s = connect_s,
    .drain_s = drain_s,
    .drained_ok = drained_ok,
    .ru_start = ru_start,
    .ru_run_start = ru_run_start,
    .ru_run_end = ru_run_end,
    .ru_end = ru_end,
    .proc_idle = proc_idle,
    .proc_loaded = proc_loaded,
    .proc_run_start = proc_run_start,
    .proc_run_end = proc_run_end,
    .proc_open = proc_open,
    .metrics_before = metrics_before,
    .metrics_after = metrics_after,
  };
  lg_report_print (&measures, &lag, &check);

  gboolean failed = lg_run.n_double_acks > 0 || (check.ran && !check.ok);
  g_free (check.error);
  return failed ? 1 : 0;
}
