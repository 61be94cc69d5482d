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

#include "lg-verify.h"

#include <arpa/inet.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

LgRun lg_run;

LgOptions lg_opt = {
  .url = "ws://127.0.0.1:8080/ws",
  .choice = "uniform",
  .hot_seats = 10,
  .mode = "hold-book",
  .max_seats = 4,
  .ttl = 600,
  .subscribe_to = "all",
  .duration = 10,
  .connect_rate = 2000,
  .max_pending = 200,
  .connect_timeout = 180,
  .settle = 2,
  .seed = 1,
};

static GOptionEntry entries[] = {
  { "url", 0, 0, G_OPTION_ARG_STRING, &lg_opt.url,
    "Server WebSocket URL, ws:// or wss:// (loopback only; the certificate is not verified)",
    "URL" },
  { "event", 'e', 0, G_OPTION_ARG_STRING_ARRAY, &lg_opt.events,
    "Event to book and watch (repeat for several)", "ID" },
  { "idle-event", 0, 0, G_OPTION_ARG_STRING, &lg_opt.idle_event,
    "Event the idle connections subscribe to (default: the first --event)", "ID" },
  { "subscribers", 0, 0, G_OPTION_ARG_INT, &lg_opt.subscribers,
    "Connections that subscribe and receive changes", "N" },
  { "bookers", 0, 0, G_OPTION_ARG_INT, &lg_opt.bookers, "Connections that hold and book", "M" },
  { "idle", 0, 0, G_OPTION_ARG_INT, &lg_opt.idle, "Connections that only hello and subscribe",
    "N" },
  { "choice", 0, 0, G_OPTION_ARG_STRING, &lg_opt.choice, "Seat choice: uniform or hotspot", "C" },
  { "hot-seats", 0, 0, G_OPTION_ARG_INT, &lg_opt.hot_seats, "Seats of the hot spot (default 10)",
    "N" },
  { "ignore-view", 0, 0, G_OPTION_ARG_NONE, &lg_opt.ignore_view,
    "Pick seats without looking at their state (conflicts)", NULL },
  { "mode", 0, 0, G_OPTION_ARG_STRING, &lg_opt.mode,
    "hold-book (hold, then book the hold) or book (book seats directly)", "MODE" },
  { "max-seats", 'k', 0, G_OPTION_ARG_INT, &lg_opt.max_seats, "Seats per request: 1..k (default 4)",
    "K" },
  { "ttl", 0, 0, G_OPTION_ARG_INT, &lg_opt.ttl, "Hold TTL in seconds", "S" },
  { "subscribe-to", 0, 0, G_OPTION_ARG_STRING, &lg_opt.subscribe_to,
    "Events each subscriber watches: all, one (the first) or spread (round-robin)", "WHICH" },
  { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &lg_opt.duration,
    "Seconds of booking (stops earlier when sold out)", "S" },
  { "connect-rate", 0, 0, G_OPTION_ARG_DOUBLE, &lg_opt.connect_rate,
    "New connections per second (default 2000)", "R" },
  { "ramp", 0, 0, G_OPTION_ARG_DOUBLE, &lg_opt.ramp,
    "Spread the connections over S seconds (overrides --connect-rate)", "S" },
  { "max-pending", 0, 0, G_OPTION_ARG_INT, &lg_opt.max_pending,
    "Handshakes in flight at most (default 200)", "N" },
  { "connect-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &lg_opt.connect_timeout,
    "Give up when connecting takes longer (s)", "S" },
  { "settle", 0, 0, G_OPTION_ARG_DOUBLE, &lg_opt.settle,
    "Seconds to wait after connecting before sampling server memory", "S" },
  { "server-pid", 0, 0, G_OPTION_ARG_INT, &lg_opt.server_pid, "Server PID (CPU and RSS from /proc)",
    "PID" },
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &lg_opt.db, "Server's SQLite file, checked after the run",
    "PATH" },
  { "json", 0, 0, G_OPTION_ARG_NONE, &lg_opt.json, "Print the result as JSON", NULL },
  { "no-verify", 0, 0, G_OPTION_ARG_NONE, &lg_opt.no_verify, "Skip the after-run checks", NULL },
  { "seed", 0, 0, G_OPTION_ARG_INT, &lg_opt.seed, "Random seed", "N" },
  { "username", 0, 0, G_OPTION_ARG_STRING, &lg_opt.username,
    "Sign in as this account after hello (protocol 2; once per connection)", "NAME" },
  { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &lg_opt.password_file,
    "The account's password, on the first line of FILE", "FILE" },
  { "resume", 0, 0, G_OPTION_ARG_NONE, &lg_opt.resume,
    "Subscribers and idle connections subscribe with `since` (a replay, not a snapshot)", NULL },
  { NULL },
};
static gboolean
parse_url (GError **error)
{
  g_autoptr (GUri) uri = g_uri_parse (lg_opt.url, G_URI_FLAGS_NONE, error);

  if (uri == NULL)
    return FALSE;
  if (g_strcmp0 (g_uri_get_scheme (uri), "ws") != 0
      && g_strcmp0 (g_uri_get_scheme (uri), "wss") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "only ws:// and wss:// URLs are supported");
      return FALSE;
    }
  lg_run.use_tls = g_strcmp0 (g_uri_get_scheme (uri), "wss") == 0;
  const char *host = g_uri_get_host (uri);
  int port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : lg_run.use_tls ? 443 : 80;

  /* A load generator must never be pointed at somebody else's machine by mistake. */
  memset (&lg_run.server_address, 0, sizeof lg_run.server_address);
  lg_run.server_address.sin_family = AF_INET;
  lg_run.server_address.sin_port = htons ((guint16) port);
  if (g_strcmp0 (host, "localhost") == 0)
    inet_pton (AF_INET, "127.0.0.1", &lg_run.server_address.sin_addr);
  else if (inet_pton (AF_INET, host, &lg_run.server_address.sin_addr) != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the host must be a loopback IPv4 address, not %s", host);
      return FALSE;
    }
  if ((ntohl (lg_run.server_address.sin_addr.s_addr) >> 24) != 127)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "refusing to load %s: only loopback (127.0.0.0/8) targets are allowed", host);
      return FALSE;
    }
  lg_run.host_header = g_strdup_printf ("%s:%d", host, port);
  lg_run.ws_path = g_strdup (g_uri_get_path (uri)[0] != '\0' ? g_uri_get_path (uri) : "/");
  lg_run.metrics_url
      = g_strdup_printf ("%s://%s:%d/metrics", lg_run.use_tls ? "https" : "http", host, port);
  return TRUE;
}

void
lg_raise_fd_limit (guint needed)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return;
  /* Try for 65536 (root may raise the hard limit), else take what the hard limit allows. */
  struct rlimit want = { MAX (limit.rlim_cur, 65536), MAX (limit.rlim_max, 65536) };
  if (setrlimit (RLIMIT_NOFILE, &want) != 0)
    {
      want.rlim_cur = want.rlim_max = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &want);
    }
  getrlimit (RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < needed + 64)
    g_printerr ("warning: open files limited to %lu, %u connections wanted\n",
                (unsigned long) limit.rlim_cur, needed);
}

gboolean
lg_options_parse (int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context
      = g_option_context_new ("- load generator for seatbook-server");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  if (lg_opt.events == NULL || lg_opt.events[0] == NULL)
    {
      g_printerr ("at least one --event is needed\n");
      return FALSE;
    }
  if ((lg_opt.username == NULL) != (lg_opt.password_file == NULL))
    {
      g_printerr ("--username and --password-file go together\n");
      return FALSE;
    }
  if (lg_opt.password_file != NULL)
    {
      if (!g_file_get_contents (lg_opt.password_file, &lg_run.password, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return FALSE;
        }
      lg_run.password[strcspn (lg_run.password, "\r\n")] = '\0';
    }
  if (lg_opt.max_seats < 1 || lg_opt.max_seats > MAX_HOLD_SEATS || lg_opt.subscribers < 0
      || lg_opt.bookers < 0 || lg_opt.idle < 0 || lg_opt.hot_seats < 1
      || !(g_str_equal (lg_opt.choice, "uniform") || g_str_equal (lg_opt.choice, "hotspot"))
      || !(g_str_equal (lg_opt.mode, "hold-book") || g_str_equal (lg_opt.mode, "book"))
      || !(g_str_equal (lg_opt.subscribe_to, "all") || g_str_equal (lg_opt.subscribe_to, "one")
           || g_str_equal (lg_opt.subscribe_to, "spread")))
    {
      g_printerr ("bad option value (see --help)\n");
      return FALSE;
    }
  if (g_strv_length (lg_opt.events) > MAX_EVENTS)
    {
      g_printerr ("at most %d events\n", MAX_EVENTS);
      return FALSE;
    }
  if (lg_opt.idle_event == NULL)
    lg_opt.idle_event = lg_opt.events[0];
  if (!parse_url (&error))
    {
      g_printerr ("--url: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

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

/* Gives each version the time its commit was acknowledged, where a reply can be matched to it.
 * A `changed` message covering versions (from, to] holds the final state of the seats those
 * versions touched; the replies that acknowledged those seats are the ops of those versions.
 * Sorted by reply time they line up with the versions in order, since the server commits and
 * replies in version order. Where the counts do not match (a hold and its booking coalesced into
 * one message shows only "booked"; changes made by others) the holds of booked seats are tried,
 * and failing that the versions keep only their first-receipt time. */
static void
assign_ack_times (Event *event)
{
  g_autoptr (GArray) acks = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint m = 0; m < event->watch_msgs->len; m++)
    {
      WatchMsg *msg = &g_array_index (event->watch_msgs, WatchMsg, m);
      guint want = (guint) (msg->to - msg->from);

      for (int pass = 0; pass < 2; pass++)
        {
          g_array_set_size (acks, 0);
          for (guint e = 0; e < msg->n_entries; e++)
            {
              guint32 entry = g_array_index (event->watch_entries, guint32, msg->first_entry + e);
              guint seat = entry >> 2;
              SbSeatState state = (SbSeatState) (entry & 3);
              guint32 candidates[2] = { 0, 0 };
              if (state == SB_SEAT_HELD)
                candidates[0] = event->held_op[seat];
              else if (state == SB_SEAT_BOOKED)
                {
                  candidates[0] = event->booked_op[seat];
                  if (pass == 1)
                    candidates[1] = event->held_op[seat];
                }
              for (guint c = 0; c < 2; c++)
                {
                  guint32 op = candidates[c];
                  gboolean dup = op == 0 || g_array_index (lg_run.ops, Op, op - 1).assigned;
                  for (guint j = 0; !dup && j < acks->len; j++)
                    dup = g_array_index (acks, guint32, j) == op;
                  if (!dup)
                    g_array_append_val (acks, op);
                }
            }
          if (acks->len == want)
            break;
        }
      if (acks->len != want)
        continue;

      /* Few entries per message: insertion sort by ack time. */
      for (guint a = 1; a < acks->len; a++)
        for (guint b = a;
             b > 0
             && g_array_index (lg_run.ops, Op, g_array_index (acks, guint32, b - 1) - 1).ack_us
                    > g_array_index (lg_run.ops, Op, g_array_index (acks, guint32, b) - 1).ack_us;
             b--)
          {
            guint32 t = g_array_index (acks, guint32, b);
            g_array_index (acks, guint32, b) = g_array_index (acks, guint32, b - 1);
            g_array_index (acks, guint32, b - 1) = t;
          }
      for (guint a = 0; a < acks->len; a++)
        {
          Op *op = &g_array_index (lg_run.ops, Op, g_array_index (acks, guint32, a) - 1);
          VersionInfo *info = lg_version_info (event, msg->from + 1 + a);
          if (info != NULL)
            info->t_ack = op->ack_us;
          op->assigned = TRUE;
        }
    }
}

void
lg_summarize_lag (LgLagSummary *summary)
{
  memset (summary, 0, sizeof *summary);
  for (guint e = 0; e < lg_run.events->len; e++)
    {
      Event *event = lg_run.events->pdata[e];
      assign_ack_times (event);
      for (guint i = 0; i < event->versions->len; i++)
        {
          VersionInfo *info = &g_array_index (event->versions, VersionInfo, i);
          if (info->n_seen == 0 || info->t_first < lg_run.run_start_us)
            continue;
          summary->n_versions++;
          if (info->n_seen < event->n_observers)
            {
              summary->n_incomplete++;
              continue;
            }
          gint64 ref = info->t_first;
          if (info->t_ack != 0)
            {
              summary->n_matched++;
              lg_hist_add (&summary->ack_to_first, info->t_first - info->t_ack);
              ref = MIN (ref, info->t_ack);
            }
          lg_hist_add (&summary->commit_to_all, info->t_last - ref);
        }
    }
}

static void
add_hist (JsonBuilder *b, const char *name, const LgHist *hist)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, (gint64) hist->n);
  const double qs[] = { 0.5, 0.95, 0.99, 0.999 };
  const char *qn[] = { "p50_ms", "p95_ms", "p99_ms", "p999_ms" };
  for (guint i = 0; i < G_N_ELEMENTS (qs); i++)
    {
      json_builder_set_member_name (b, qn[i]);
      json_builder_add_double_value (b, lg_hist_percentile (hist, qs[i]) / 1000.0);
    }
  json_builder_set_member_name (b, "max_ms");
  json_builder_add_double_value (b, (double) hist->max / 1000.0);
  json_builder_set_member_name (b, "mean_ms");
  json_builder_add_double_value (b, lg_hist_mean (hist) / 1000.0);
  json_builder_end_object (b);
}

static void
add_double (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_counts (JsonBuilder *b, const char *name, GHashTable *table)
{
  GHashTableIter iter;
  gpointer key, value;

  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    add_int (b, key, GPOINTER_TO_UINT (value));
  json_builder_end_object (b);
}

static void
print_hist (const char *name, const LgHist *hist)
{
  if (hist->n == 0)
    return;
  printf ("  %-28s n=%-9" G_GUINT64_FORMAT " p50 %8.3f  p95 %8.3f  p99 %8.3f  max %8.3f ms\n", name,
          hist->n, lg_hist_percentile (hist, 0.5) / 1000.0,
          lg_hist_percentile (hist, 0.95) / 1000.0, lg_hist_percentile (hist, 0.99) / 1000.0,
          (double) hist->max / 1000.0);
}

void
lg_report_print (const LgMeasures *measures, const LgLagSummary *summary, const LgCheck *result)
{
  /* main's names for what it measured. */
  double connect_s = measures->connect_s, drain_s = measures->drain_s;
  gboolean drained_ok = measures->drained_ok;
  struct rusage ru_start = measures->ru_start, ru_end = measures->ru_end;
  struct rusage ru_run_start = measures->ru_run_start, ru_run_end = measures->ru_run_end;
  LgProcSample proc_idle = measures->proc_idle, proc_loaded = measures->proc_loaded;
  LgProcSample proc_run_start = measures->proc_run_start, proc_run_end = measures->proc_run_end;
  LgProcSample proc_open = measures->proc_open;
  const char *metrics_before = measures->metrics_before;
  const char *metrics_after = measures->metrics_after;
  LgLagSummary lag = *summary;
  LgCheck check = *result;

  double run_s = (double) (lg_run.run_end_us - lg_run.run_start_us) / G_USEC_PER_SEC;
  double lg_cpu = (double) (ru_run_end.ru_utime.tv_sec - ru_run_start.ru_utime.tv_sec
                            + ru_run_end.ru_stime.tv_sec - ru_run_start.ru_stime.tv_sec)
                  + (double) (ru_run_end.ru_utime.tv_usec - ru_run_start.ru_utime.tv_usec
                              + ru_run_end.ru_stime.tv_usec - ru_run_start.ru_stime.tv_usec)
                        / 1e6;
  double lg_cpu_total = (double) (ru_end.ru_utime.tv_sec - ru_start.ru_utime.tv_sec
                                  + ru_end.ru_stime.tv_sec - ru_start.ru_stime.tv_sec)
                        + (double) (ru_end.ru_utime.tv_usec - ru_start.ru_utime.tv_usec
                                    + ru_end.ru_stime.tv_usec - ru_start.ru_stime.tv_usec)
                              / 1e6;
  double server_cpu = proc_run_end.valid ? proc_run_end.cpu_s - proc_run_start.cpu_s : -1;
  guint n_open = (guint) lg_run.watchers->len + lg_run.n_ready + lg_run.n_bookers_ready;
  double kib_per_conn = proc_loaded.valid && (lg_run.n_ready + lg_run.watchers->len) > 0
                            ? (double) (proc_loaded.rss_kib - proc_idle.rss_kib)
                                  / (double) (lg_run.n_ready + lg_run.watchers->len)
                            : -1;
  /* Server CPU from before the first connection to the memory sample: what connecting (hello,
   * subscribe, snapshot or replay) cost it. */
  double connect_cpu = proc_loaded.valid ? proc_loaded.cpu_s - proc_idle.cpu_s : -1;
  double connect_cpu_per_conn
      = connect_cpu >= 0 && (lg_run.n_ready + lg_run.watchers->len) > 0
            ? 1e6 * connect_cpu / (double) (lg_run.n_ready + lg_run.watchers->len)
            : -1;
  guint64 replies = 0;
  for (guint k = REQ_HOLD; k < N_REQ_KINDS; k++)
    replies += lg_run.latency[k].n;

  LgPromHist server_lag_before, server_lag_after;
  lg_prom_hist_parse (metrics_before, "seatbook_broadcast_lag_seconds", &server_lag_before);
  lg_prom_hist_parse (metrics_after, "seatbook_broadcast_lag_seconds", &server_lag_after);
  double server_lag_p50 = lg_prom_hist_quantile (&server_lag_before, &server_lag_after, 0.5);
  double server_lag_p99 = lg_prom_hist_quantile (&server_lag_before, &server_lag_after, 0.99);
  LgPromHist commit_before, commit_after;
  lg_prom_hist_parse (metrics_before, "seatbook_commit_seconds", &commit_before);
  lg_prom_hist_parse (metrics_after, "seatbook_commit_seconds", &commit_after);
  double commit_p50 = lg_prom_hist_quantile (&commit_before, &commit_after, 0.5);
  double commit_p99 = lg_prom_hist_quantile (&commit_before, &commit_after, 0.99);

  if (lg_opt.json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_double (b, "run_seconds", run_s);
      add_double (b, "connect_seconds", connect_s);
      add_double (b, "drain_seconds", drain_s);
      add_int (b, "drained", drained_ok);
      add_int (b, "events", lg_run.events->len);
      add_int (b, "connections_open", n_open);
      add_int (b, "subscribers", lg_opt.subscribers);
      add_int (b, "idle", lg_opt.idle);
      add_int (b, "bookers", lg_opt.bookers);
      add_double (b, "bookings_per_second", (double) lg_run.n_bookings / run_s);
      add_double (b, "seats_booked_per_second", (double) lg_run.n_seats_booked / run_s);
      add_double (b, "holds_per_second", (double) lg_run.n_holds / run_s);
      add_double (b, "rejected_per_second", (double) lg_run.n_rejected / run_s);
      add_double (b, "replies_per_second", (double) replies / run_s);
      add_int (b, "bookings", (gint64) lg_run.n_bookings);
      add_int (b, "seats_booked", (gint64) lg_run.n_seats_booked);
      add_int (b, "holds", (gint64) lg_run.n_holds);
      add_int (b, "rejected", (gint64) lg_run.n_rejected);
      add_int (b, "requests_sent", (gint64) lg_run.n_requests);
      add_counts (b, "errors", lg_run.errors_by_code);
      add_counts (b, "closes", lg_run.closes_by_code);
      add_int (b, "connections_failed", (gint64) lg_run.n_conn_failed);
      json_builder_set_member_name (b, "latency");
      json_builder_begin_object (b);
      for (guint k = 0; k < N_REQ_KINDS; k++)
        add_hist (b, lg_req_kind_names[k], &lg_run.latency[k]);
      json_builder_end_object (b);
      add_int (b, "changed_messages", (gint64) lg_run.n_changed_msgs);
      add_int (b, "idle_changed_messages", (gint64) lg_run.n_idle_msgs);
      add_int (b, "version_gaps", (gint64) lg_run.n_gaps);
      add_hist (b, "lag_fanout", &lg_run.fanout_lag);
      add_hist (b, "lag_commit_to_all", &lag.commit_to_all);
      add_hist (b, "lag_ack_to_first", &lag.ack_to_first);
      add_int (b, "lag_versions", (gint64) lag.n_versions);
      add_int (b, "lag_versions_matched", (gint64) lag.n_matched);
      add_int (b, "lag_versions_incomplete", (gint64) lag.n_incomplete);
      add_double (b, "server_lag_p50_ms", server_lag_p50 >= 0 ? server_lag_p50 * 1000 : -1);
      add_double (b, "server_lag_p99_ms", server_lag_p99 >= 0 ? server_lag_p99 * 1000 : -1);
      add_double (b, "server_commit_p50_ms", commit_p50 >= 0 ? commit_p50 * 1000 : -1);
      add_double (b, "server_commit_p99_ms", commit_p99 >= 0 ? commit_p99 * 1000 : -1);
      add_double (b, "server_cpu_seconds", server_cpu);
      add_double (b, "server_cpu_percent", server_cpu >= 0 ? 100 * server_cpu / run_s : -1);
      add_double (b, "server_cpu_us_per_reply",
                  server_cpu >= 0 && replies > 0 ? 1e6 * server_cpu / (double) replies : -1);
      add_int (b, "server_rss_kib_idle", proc_idle.rss_kib);
      add_int (b, "server_rss_kib_connected", proc_loaded.rss_kib);
      add_int (b, "server_rss_kib_end", proc_open.rss_kib);
      add_int (b, "server_hwm_kib", proc_open.hwm_kib);
      add_double (b, "server_kib_per_connection", kib_per_conn);
      add_double (b, "server_cpu_seconds_connecting", connect_cpu);
      add_double (b, "server_cpu_us_per_connection", connect_cpu_per_conn);
      add_double (b, "loadgen_cpu_seconds_run", lg_cpu);
      add_double (b, "loadgen_cpu_percent_run", 100 * lg_cpu / run_s);
      add_double (b, "loadgen_cpu_seconds_total", lg_cpu_total);
      add_int (b, "double_acks", (gint64) lg_run.n_double_acks);
      json_builder_set_member_name (b, "verify");
      json_builder_begin_object (b);
      add_int (b, "ran", check.ran);
      add_int (b, "ok", check.ok);
      add_int (b, "acked_missing", (gint64) check.acked_missing);
      add_int (b, "booked_unacked", (gint64) check.booked_unacked);
      add_int (b, "db_checked", lg_opt.db != NULL);
      add_int (b, "db_missing", (gint64) check.db_missing);
      add_int (b, "db_duplicates", (gint64) check.db_duplicates);
      add_int (b, "db_inconsistent", (gint64) check.db_inconsistent);
      if (check.error != NULL)
        {
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, check.error);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      g_autofree char *text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
    }
  else
    {
      printf ("run %.2f s (drain %.2f s%s), %u events, %u connections open "
              "(%d subscribers, %d idle, %d bookers), connected in %.1f s\n",
              run_s, drain_s, drained_ok ? "" : ", NOT drained", lg_run.events->len, n_open,
              lg_opt.subscribers, lg_opt.idle, lg_opt.bookers, connect_s);
      printf ("  bookings/s %.0f  seats booked/s %.0f  holds/s %.0f  rejected/s %.0f  "
              "replies/s %.0f\n",
              (double) lg_run.n_bookings / run_s, (double) lg_run.n_seats_booked / run_s,
              (double) lg_run.n_holds / run_s, (double) lg_run.n_rejected / run_s,
              (double) replies / run_s);
      GHashTableIter iter;
      gpointer key, value;
      g_hash_table_iter_init (&iter, lg_run.errors_by_code);
      while (g_hash_table_iter_next (&iter, &key, &value))
        printf ("  error %-24s %u\n", (char *) key, GPOINTER_TO_UINT (value));
      g_hash_table_iter_init (&iter, lg_run.closes_by_code);
      while (g_hash_table_iter_next (&iter, &key, &value))
        printf ("  closed %-40s %u\n", (char *) key, GPOINTER_TO_UINT (value));
      printf ("latency (send -> reply):\n");
      for (guint k = 0; k < N_REQ_KINDS; k++)
        print_hist (lg_req_kind_names[k], &lg_run.latency[k]);
      printf ("broadcast (%" G_GUINT64_FORMAT " changed messages, %" G_GUINT64_FORMAT
              " gaps; %" G_GUINT64_FORMAT " versions, %" G_GUINT64_FORMAT
              " matched to replies, %" G_GUINT64_FORMAT " not seen by all):\n",
              lg_run.n_changed_msgs, lg_run.n_gaps, lag.n_versions, lag.n_matched,
              lag.n_incomplete);
      if (lg_run.n_idle_msgs > 0)
        printf ("  idle connections received %" G_GUINT64_FORMAT " changed messages (not timed)\n",
                lg_run.n_idle_msgs);
      print_hist ("commit -> every subscriber", &lag.commit_to_all);
      print_hist ("fan-out (per subscriber)", &lg_run.fanout_lag);
      print_hist ("reply -> first subscriber", &lag.ack_to_first);
      if (server_lag_p99 >= 0)
        printf ("  server /metrics broadcast lag   p50 %.3f  p99 %.3f ms\n", server_lag_p50 * 1000,
                server_lag_p99 * 1000);
      if (commit_p99 >= 0)
        printf ("  server /metrics commit          p50 %.3f  p99 %.3f ms\n", commit_p50 * 1000,
                commit_p99 * 1000);
      if (proc_run_end.valid)
        printf ("server: CPU %.2f s in the run (%.0f%% of one core), %.1f µs per reply; RSS idle "
                "%" G_GINT64_FORMAT " KiB, connected %" G_GINT64_FORMAT " KiB (%.2f KiB per "
                "connection), end %" G_GINT64_FORMAT " KiB, peak %" G_GINT64_FORMAT " KiB\n",
                server_cpu, 100 * server_cpu / run_s,
                replies > 0 ? 1e6 * server_cpu / (double) replies : 0.0, proc_idle.rss_kib,
                proc_loaded.rss_kib, kib_per_conn, proc_open.rss_kib, proc_open.hwm_kib);
      if (proc_loaded.valid)
        printf ("server: CPU %.2f s while connecting (%.0f µs per connection)\n", connect_cpu,
                connect_cpu_per_conn);
      printf ("loadgen: CPU %.2f s in the run (%.0f%% of one core), %.2f s in all\n", lg_cpu,
              100 * lg_cpu / run_s, lg_cpu_total);
      if (check.ran)
        printf ("verify: %s — %" G_GUINT64_FORMAT " acknowledged seats missing, %" G_GUINT64_FORMAT
                " double acknowledgements, %" G_GUINT64_FORMAT " booked but unacknowledged%s%s\n",
                check.ok ? "OK" : "FAILED", check.acked_missing, lg_run.n_double_acks,
                check.booked_unacked, check.error != NULL ? "; error: " : "",
                check.error != NULL ? check.error : "");
      if (check.ran && lg_opt.db != NULL && check.error == NULL)
        printf ("verify db: %" G_GUINT64_FORMAT " acknowledged bookings missing, %" G_GUINT64_FORMAT
                " seats booked twice, %" G_GUINT64_FORMAT " inconsistent rows\n",
                check.db_missing, check.db_duplicates, check.db_inconsistent);
    }

  lg_prom_hist_clear (&server_lag_before);
  lg_prom_hist_clear (&server_lag_after);
  lg_prom_hist_clear (&commit_before);
  lg_prom_hist_clear (&commit_after);
}

void
lg_check (LgCheck *result)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();

  memset (result, 0, sizeof *result);
  result->ran = TRUE;
  for (guint e = 0; e < lg_run.events->len; e++)
    g_ptr_array_add (ids, ((Event *) lg_run.events->pdata[e])->id);
  g_ptr_array_add (ids, NULL);

  g_autoptr (GPtrArray) snapshots = lg_verify_fetch_snapshots (
      lg_opt.url, lg_run.token, (const char *const *) ids->pdata, 60, &error);
  if (snapshots == NULL)
    {
      result->error = g_strdup (error->message);
      return;
    }

  for (guint e = 0; e < lg_run.events->len; e++)
    {
      Event *event = lg_run.events->pdata[e];
      LgSnapshot *snapshot = snapshots->pdata[e];
      for (guint s = 0; s < event->n_seats; s++)
        {
          const char *id = sb_venue_get_seat (event->venue, s)->id;
          const char *state = g_hash_table_lookup (snapshot->states, id);
          gboolean booked = g_strcmp0 (state, "booked") == 0;
          if (event->acked_booking[s] != NULL && !booked)
            {
              result->acked_missing++;
              if (result->acked_missing <= 5)
                g_printerr ("MISSING: %s %s acknowledged as %s but is %s\n", event->id, id,
                            event->acked_booking[s], state != NULL ? state : "free");
            }
          else if (event->acked_booking[s] == NULL && booked)
            result->booked_unacked++;
        }

      if (lg_opt.db != NULL)
        {
          guint dups = 0, inconsistent = 0;
          g_autoptr (GHashTable) db
              = lg_verify_read_db (lg_opt.db, event->id, &dups, &inconsistent, &error);
          if (db == NULL)
            {
              result->error = g_strdup (error->message);
              return;
            }
          result->db_duplicates += dups;
          result->db_inconsistent += inconsistent;
          for (guint s = 0; s < event->n_seats; s++)
            {
              if (event->acked_booking[s] == NULL)
                continue;
              const char *id = sb_venue_get_seat (event->venue, s)->id;
              const char *booking = g_hash_table_lookup (db, id);
              if (g_strcmp0 (booking, event->acked_booking[s]) != 0)
                {
                  result->db_missing++;
                  if (result->db_missing <= 5)
                    g_printerr ("DB: %s %s acknowledged as %s, database has %s\n", event->id, id,
                                event->acked_booking[s], booking != NULL ? booking : "nothing");
                }
            }
        }
    }
  result->ok = result->acked_missing == 0 && lg_run.n_double_acks == 0 && result->db_missing == 0
               && result->db_duplicates == 0 && result->db_inconsistent == 0;
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
