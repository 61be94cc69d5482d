/* lg-options.c: the command line and what follows from it before anything connects: the server's
 * address (loopback only), the password, the open-files limit. See lg-run-private.h. */
#include "lg-run-private.h"

#include <arpa/inet.h>
#include <string.h>

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
