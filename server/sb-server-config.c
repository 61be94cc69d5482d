/* sb-server-config.c: the command line (GOptionContext per subcommand), its subcommands' options,
 * and the log writer. Every value arrives as a string and goes through the one parser of
 * sb-server-config-file.c, so the file and the command line accept exactly the same spellings and
 * report errors the same way. */
#include "config.h"

#include "sb-server-config.h"
#include "sb-server-config-private.h"

#include "sb-orphan-rule.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sb-audit-record.h"
#include "sb-booking-commands.h"
#include "sb-report-commands.h"
#include "sb-event-time.h"
#include "sb-protocol.h"

struct _SbServerConfig
{
  GObject parent_instance;

  SbServerSettings settings;
};

G_DEFINE_FINAL_TYPE (SbServerConfig, sb_server_config, G_TYPE_OBJECT)

static void
sb_server_config_finalize (GObject *object)
{
  SbServerConfig *self = SB_SERVER_CONFIG (object);

  g_free (self->settings.listen);
  g_free (self->settings.tls_certificate);
  g_free (self->settings.tls_key);
  g_free (self->settings.port_file);
  g_free (self->settings.store_uri);
  g_free (self->settings.venue_file);
  g_free (self->settings.event_id);
  g_free (self->settings.event_name);
  g_free (self->settings.time_zone);
  g_free (self->settings.user_action);
  g_free (self->settings.user_name);
  g_free (self->settings.user_role);
  g_free (self->settings.password_file);
  g_free (self->settings.audit_seat);
  g_free (self->settings.audit_booking);
  g_free (self->settings.bookings_value);

  G_OBJECT_CLASS (sb_server_config_parent_class)->finalize (object);
}

static void
sb_server_config_class_init (SbServerConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_server_config_finalize;
}

static void
sb_server_config_init (SbServerConfig *self)
{
  self->settings.command = SB_COMMAND_SERVE;
  /* listen stays NULL until parsed: its default depends on TLS. */
  self->settings.port = 8080;
  self->settings.log_level = G_LOG_LEVEL_MESSAGE;
  self->settings.requests_per_second = 50;
  self->settings.burst = 100;
  self->settings.max_queue_bytes = 8 * 1024 * 1024;
  self->settings.max_seats_per_request = SB_MAX_SEATS_PER_REQUEST;
  sb_ws_limits_init_defaults (&self->settings.ws);
  self->settings.accounts_required = TRUE;
  self->settings.session_hours = 12;
}

SbServerConfig *
sb_server_config_new (void)
{
  return g_object_new (SB_TYPE_SERVER_CONFIG, NULL);
}

const SbServerSettings *
sb_server_config_get_settings (SbServerConfig *self)
{
  g_return_val_if_fail (SB_IS_SERVER_CONFIG (self), NULL);
  return &self->settings;
}

/* Parses an ISO 8601 date-time ("2025-11-27T19:30:00+01:00"; without an offset it is in the
 * time zone named by zone_name, or UTC) into Unix milliseconds (sb-event-time.h); option names it
 * in errors. */
static gboolean
parse_iso8601_ms (
    const char *value, const char *option, const char *zone_name, gint64 *out_ms, GError **error)
{
  if (!sb_event_time_parse (value, zone_name, out_ms))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Invalid value '%s' for %s: expected an ISO 8601 date and time such as "
                   "2025-11-27T19:30:00+01:00",
                   value, option);
      return FALSE;
    }
  return TRUE;
}

/* Command-line values, kept apart so they can be applied after the config file. */
typedef struct
{
  char *config;
  char *listen;
  char *port;
  char *port_file;
  char *store;
  char *log_level;
  char *requests_per_second;
  char *burst;
  char *max_queue_bytes;
  char *max_seats_per_request;
  char *handshake_timeout;
  char *hello_timeout;
  char *frame_timeout;
  char *ping_interval;
  char *pong_timeout;
  char *partial_frame_budget;
  char *accounts;
  char *session_hours;
  char *tls_certificate;
  char *tls_key;
  gboolean allow_plaintext;
  char *venue;
  char *id;
  char *name;
  char *starts_at;
  char *sales_open;
  char *sales_close;
  char *time_zone;
  gboolean if_missing;
  char *orphan_rule;
  char *role;
  char *password_file;
  char *event;
  char *since;
  char *seat;
  char *booking;
  char *limit;
  char *format;
  char *reference; /* bookings */
  char *phone;
  char *email;
} CommandLine;

static void
command_line_clear (CommandLine *cl)
{
  g_free (cl->config);
  g_free (cl->listen);
  g_free (cl->port);
  g_free (cl->port_file);
  g_free (cl->store);
  g_free (cl->log_level);
  g_free (cl->requests_per_second);
  g_free (cl->burst);
  g_free (cl->max_queue_bytes);
  g_free (cl->max_seats_per_request);
  g_free (cl->handshake_timeout);
  g_free (cl->hello_timeout);
  g_free (cl->frame_timeout);
  g_free (cl->ping_interval);
  g_free (cl->pong_timeout);
  g_free (cl->partial_frame_budget);
  g_free (cl->accounts);
  g_free (cl->session_hours);
  g_free (cl->tls_certificate);
  g_free (cl->tls_key);
  g_free (cl->venue);
  g_free (cl->id);
  g_free (cl->name);
  g_free (cl->starts_at);
  g_free (cl->sales_open);
  g_free (cl->sales_close);
  g_free (cl->time_zone);
  g_free (cl->orphan_rule);
  g_free (cl->role);
  g_free (cl->password_file);
  g_free (cl->event);
  g_free (cl->since);
  g_free (cl->seat);
  g_free (cl->booking);
  g_free (cl->limit);
  g_free (cl->format);
  g_free (cl->reference);
  g_free (cl->phone);
  g_free (cl->email);
}

/* audit's options: --since as Unix milliseconds or an ISO 8601 date and time (UTC when it names
 * no zone), --limit 1–1000, --format csv or text. */
static gboolean
parse_audit_options (SbServerSettings *s, CommandLine *cl, GError **error)
{
  guint64 number;

  if (cl->event == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "audit needs --event");
      return FALSE;
    }
  if (cl->since != NULL
      && !g_ascii_string_to_unsigned (cl->since, 10, 0, G_MAXINT64, &number, NULL))
    {
      g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr (GDateTime) date_time = g_date_time_new_from_iso8601 (cl->since, utc);

      if (date_time == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Invalid value '%s' for since: expected Unix milliseconds or an ISO 8601 "
                       "date and time such as 2025-11-27T19:30:00+01:00",
                       cl->since);
          return FALSE;
        }
      s->audit_since_ms
          = g_date_time_to_unix (date_time) * 1000 + g_date_time_get_microsecond (date_time) / 1000;
    }
  else if (cl->since != NULL)
    s->audit_since_ms = (gint64) number;
  s->audit_limit = SB_AUDIT_MAX_LIMIT;
  if (cl->limit != NULL)
    {
      if (!g_ascii_string_to_unsigned (cl->limit, 10, 1, SB_AUDIT_MAX_LIMIT, &number, NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Invalid value '%s' for limit: expected 1 to %d", cl->limit,
                       SB_AUDIT_MAX_LIMIT);
          return FALSE;
        }
      s->audit_limit = (guint) number;
    }
  if (cl->format != NULL && strcmp (cl->format, "csv") != 0 && strcmp (cl->format, "text") != 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Invalid value '%s' for format: expected csv or text", cl->format);
      return FALSE;
    }
  s->audit_csv = g_strcmp0 (cl->format, "csv") == 0;
  s->event_id = g_steal_pointer (&cl->event);
  s->audit_seat = g_steal_pointer (&cl->seat);
  s->audit_booking = g_steal_pointer (&cl->booking);
  return TRUE;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CommandLine, command_line_clear)

/* user ACTION [NAME [ROLE]]: args[0] is the program. Names and roles are checked by the command
 * itself (sb-user-commands.c), which knows the rules for them; here only their number. */
static gboolean
parse_user_arguments (
    SbServerSettings *s, char **args, const char *role, const char *password_file, GError **error)
{
  static const struct
  {
    const char *action;
    guint n_args; /* after the action */
  } actions[] = {
    { "add", 1 },    { "passwd", 1 }, { "disable", 1 },
    { "enable", 1 }, { "list", 0 },   { "set-role", 2 },
  };
  guint n = args[1] != NULL ? g_strv_length (args) - 2 : 0;
  guint i;

  if (args[1] == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "user needs an action: add, passwd, disable, enable, list or set-role");
      return FALSE;
    }
  for (i = 0; i < G_N_ELEMENTS (actions); i++)
    if (strcmp (args[1], actions[i].action) == 0)
      break;
  if (i == G_N_ELEMENTS (actions))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "Unknown user action '%s' (expected add, passwd, disable, enable, list or "
                   "set-role)",
                   args[1]);
      return FALSE;
    }
  if (n != actions[i].n_args)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "user %s takes %u argument%s (see user --help)", args[1], actions[i].n_args,
                   actions[i].n_args == 1 ? "" : "s");
      return FALSE;
    }
  if ((role != NULL && strcmp (args[1], "add") != 0)
      || (password_file != NULL && strcmp (args[1], "add") != 0 && strcmp (args[1], "passwd") != 0))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "--role is for user add, --password-file for user add and user passwd");
      return FALSE;
    }
  s->user_action = g_strdup (args[1]);
  s->user_name = n >= 1 ? g_strdup (args[2]) : NULL;
  s->user_role = n >= 2 ? g_strdup (args[3]) : g_strdup (role != NULL ? role : "clerk");
  s->password_file = g_strdup (password_file);
  return TRUE;
}

static const char serve_description[]
    = "Commands:\n"
      "  (none)          serve every event in the store over WebSocket at ws://ADDRESS:PORT/ws,\n"
      "                  with /healthz and /metrics on the same port\n"
      "  create-event    create an event from a venue file (see create-event --help)\n"
      "  list-events     list the events of a store (see list-events --help)\n"
      "  user            manage staff accounts: add, passwd, disable, enable, list, set-role\n"
      "                  (see user --help)\n"
      "  audit           print an event's audit trail (see audit --help)\n"
      "  bookings        list or find an event's bookings (see bookings --help)\n"
      "  report          an event's seats and sales (see report --help)\n"
      "\n"
      "Config file (--config): a GKeyFile with a [server] group whose keys are listen, port, "
      "store,\n"
      "log-level, requests-per-second, burst, max-queue-bytes, max-seats-per-request,\n"
      "handshake-timeout, hello-timeout, frame-timeout, ping-interval, pong-timeout,\n"
      "partial-frame-budget, accounts, session-hours, tls-certificate, tls-key and\n"
      "allow-plaintext (true or false), spelt as the long options. Options given on the "
      "command line win\n"
      "over the file.\n"
      "\n"
      "Exit status: 0 on success and after SIGINT/SIGTERM (graceful shutdown), 1 when the store\n"
      "cannot be opened or the server cannot listen, 2 on bad options or values.\n";

gboolean
sb_server_config_parse_args (SbServerConfig *self, int argc, char **argv, GError **error)
{
  g_return_val_if_fail (SB_IS_SERVER_CONFIG (self), FALSE);
  g_return_val_if_fail (argv != NULL, FALSE);

  g_auto (CommandLine) cl = { 0 };
  g_autoptr (GOptionContext) context = NULL;
  g_auto (GStrv) args = NULL;
  const char *command_name = NULL;
  SbServerSettings *s = &self->settings;

  /* A first argument that is not an option names a subcommand. */
  if (argc > 1 && argv[1][0] != '-')
    {
      command_name = argv[1];
      if (strcmp (command_name, "create-event") == 0)
        s->command = SB_COMMAND_CREATE_EVENT;
      else if (strcmp (command_name, "list-events") == 0)
        s->command = SB_COMMAND_LIST_EVENTS;
      else if (strcmp (command_name, "user") == 0)
        s->command = SB_COMMAND_USER;
      else if (strcmp (command_name, "audit") == 0)
        s->command = SB_COMMAND_AUDIT;
      else if (strcmp (command_name, "bookings") == 0)
        s->command = SB_COMMAND_BOOKINGS;
      else if (strcmp (command_name, "report") == 0)
        s->command = SB_COMMAND_REPORT;
      else if (strcmp (command_name, "serve") == 0)
        s->command = SB_COMMAND_SERVE;
      else
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                       "Unknown command '%s' (expected create-event, list-events, user, audit, "
                       "bookings or report)",
                       command_name);
          return FALSE;
        }
    }

  const GOptionEntry store_entry[] = {
    { "store", 's', 0, G_OPTION_ARG_STRING, &cl.store,
      "Store: sqlite:PATH or mongodb://... (default sqlite:$STATE_DIRECTORY/seatbook.db under "
      "systemd, else sqlite:$XDG_DATA_HOME/seatbook/seatbook.db)",
      "URI" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &cl.config,
      "Read settings from the [server] group of this key file (default " SB_DEFAULT_CONFIG_FILE
      ", when it exists)",
      "FILE" },
    { "log-level", 0, 0, G_OPTION_ARG_STRING, &cl.log_level,
      "Least severe messages logged: error, warning, message (default), info or debug", "LEVEL" },
    { NULL },
  };
  const GOptionEntry serve_entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &cl.listen,
      "Address to listen on (default 0.0.0.0 with TLS, else 127.0.0.1; :: for IPv6)", "ADDRESS" },
    { "port", 'p', 0, G_OPTION_ARG_STRING, &cl.port, "Port (default 8080; 0 = any free port)",
      "PORT" },
    { "port-file", 0, 0, G_OPTION_ARG_FILENAME, &cl.port_file,
      "Write the port actually bound to FILE once listening", "FILE" },
    { "requests-per-second", 0, 0, G_OPTION_ARG_STRING, &cl.requests_per_second,
      "Requests a connection may send per second (default 50)", "N" },
    { "burst", 0, 0, G_OPTION_ARG_STRING, &cl.burst,
      "Requests a connection may send in a burst (default 100)", "N" },
    { "max-queue-bytes", 0, 0, G_OPTION_ARG_STRING, &cl.max_queue_bytes,
      "Unsent bytes queued for one client before it is closed with 4001 (default 8388608)", "N" },
    { "max-seats-per-request", 0, 0, G_OPTION_ARG_STRING, &cl.max_seats_per_request,
      "Most seats one hold or book may name (1-50, default 50)", "N" },
    { "handshake-timeout", 0, 0, G_OPTION_ARG_STRING, &cl.handshake_timeout,
      "Seconds a connection has to finish its HTTP request or upgrade (default 10; 0 = none)",
      "S" },
    { "hello-timeout", 0, 0, G_OPTION_ARG_STRING, &cl.hello_timeout,
      "Seconds from the upgrade to hello before closing with 1008 (default 10; 0 = none)", "S" },
    { "frame-timeout", 0, 0, G_OPTION_ARG_STRING, &cl.frame_timeout,
      "Seconds to finish a started frame or message before closing with 1008 (default 30)", "S" },
    { "ping-interval", 0, 0, G_OPTION_ARG_STRING, &cl.ping_interval,
      "Seconds of silence from a client before the server pings it (default 30; 0 = never)", "S" },
    { "pong-timeout", 0, 0, G_OPTION_ARG_STRING, &cl.pong_timeout,
      "Seconds of silence after a ping before the connection is dropped (default 20)", "S" },
    { "partial-frame-budget", 0, 0, G_OPTION_ARG_STRING, &cl.partial_frame_budget,
      "Bytes of incomplete frames held for all clients together (default 16777216; 0 = none)",
      "N" },
    { "accounts", 0, 0, G_OPTION_ARG_STRING, &cl.accounts,
      "Sign-in: required (default), or off, transitional, for clients of protocol 1 only "
      "(operations.md)",
      "MODE" },
    { "session-hours", 0, 0, G_OPTION_ARG_STRING, &cl.session_hours,
      "Hours a sign-in lasts before its token expires (default 12)", "H" },
    { "tls-certificate", 0, 0, G_OPTION_ARG_FILENAME, &cl.tls_certificate,
      "PEM certificate (chain) to serve wss:// and https with; needs --tls-key", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &cl.tls_key, "PEM private key of --tls-certificate",
      "FILE" },
    { "allow-plaintext", 0, 0, G_OPTION_ARG_NONE, &cl.allow_plaintext,
      "Serve plain ws:// on an address other than loopback (warned about at every start)", NULL },
    { NULL },
  };
  const GOptionEntry create_entries[] = {
    { "venue", 0, 0, G_OPTION_ARG_FILENAME, &cl.venue, "Venue file (JSON) of the event", "FILE" },
    { "id", 0, 0, G_OPTION_ARG_STRING, &cl.id, "Event id, e.g. opening-night", "ID" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &cl.name, "Event name, e.g. \"Opening night\"", "NAME" },
    { "starts-at", 0, 0, G_OPTION_ARG_STRING, &cl.starts_at,
      "When the event starts, e.g. 2025-11-27T19:30:00+01:00", "ISO8601" },
    { "if-missing", 0, 0, G_OPTION_ARG_NONE, &cl.if_missing,
      "Succeed without changes when the event exists already", NULL },
    { "orphan-rule", 0, 0, G_OPTION_ARG_STRING, &cl.orphan_rule,
      "Sales that leave one free seat alone: off (default), warn or enforce", "RULE" },
    { "time-zone", 0, 0, G_OPTION_ARG_STRING, &cl.time_zone,
      "The event's time zone (IANA), e.g. Europe/Berlin; times without an offset are in it",
      "ZONE" },
    { "sales-open", 0, 0, G_OPTION_ARG_STRING, &cl.sales_open,
      "Holds and bookings are refused before this time (default: open at once)", "ISO8601" },
    { "sales-close", 0, 0, G_OPTION_ARG_STRING, &cl.sales_close,
      "Holds and bookings are refused from this time on (default: never)", "ISO8601" },
    { NULL },
  };

  const GOptionEntry user_entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &cl.role,
      "user add: the role, viewer, clerk (default), manager or admin", "ROLE" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &cl.password_file,
      "user add, user passwd: read the password from the first line of FILE (- = standard "
      "input); without it a password is generated and printed once",
      "FILE" },
    { NULL },
  };

  const GOptionEntry audit_entries[] = {
    { "event", 0, 0, G_OPTION_ARG_STRING, &cl.event, "The event whose trail to print", "ID" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &cl.since,
      "Only entries at or after this time: Unix milliseconds or ISO 8601 (UTC unless it says)",
      "TIME" },
    { "seat", 0, 0, G_OPTION_ARG_STRING, &cl.seat, "Only entries naming this seat", "SEAT" },
    { "booking", 0, 0, G_OPTION_ARG_STRING, &cl.booking, "Only entries of this booking",
      "REFERENCE" },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &cl.limit,
      "At most the newest N entries (1-1000, default 1000)", "N" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &cl.format,
      "text (default: tab-separated) or csv (RFC 4180, with a header line)", "FORMAT" },
    { NULL },
  };

  const GOptionEntry bookings_entries[] = {
    { "event", 0, 0, G_OPTION_ARG_STRING, &cl.event, "The event whose bookings to list", "ID" },
    { "reference", 0, 0, G_OPTION_ARG_STRING, &cl.reference, "The booking with this reference",
      "REFERENCE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &cl.name,
      "Customers whose name, or a word of it, starts with this (case and accents ignored)",
      "NAME" },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &cl.phone, "Customers with this phone number (digits)",
      "PHONE" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &cl.email, "Customers with this email address", "EMAIL" },
    { "seat", 0, 0, G_OPTION_ARG_STRING, &cl.seat, "The booking holding this seat", "SEAT" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &cl.format,
      "text (default: tab-separated) or csv (RFC 4180, with a header line)", "FORMAT" },
    { NULL },
  };

  const GOptionEntry report_entries[] = {
    { "event", 0, 0, G_OPTION_ARG_STRING, &cl.event, "The event to report on", "ID" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &cl.format,
      "text (default: tab-separated) or csv (RFC 4180, with a header line)", "FORMAT" },
    { NULL },
  };

  switch (s->command)
    {
      case SB_COMMAND_REPORT:
        context = g_option_context_new ("- an event's seats and sales");
        g_option_context_set_summary (context, sb_command_report_summary);
        g_option_context_add_main_entries (context, report_entries, NULL);
        break;
      case SB_COMMAND_BOOKINGS:
        context = g_option_context_new ("- list or find an event's bookings");
        g_option_context_set_summary (
            context, "seatbook-server bookings --event=ID [--reference=R|--name=N|--phone=P|"
                     "--email=E|--seat=S] [--format=csv|text]\n"
                     "Prints one line per booking, by booking time: reference, booked at (ISO "
                     "8601, UTC), account, desk, seats, total price, state, name, phone, email, "
                     "note.");
        g_option_context_add_main_entries (context, bookings_entries, NULL);
        break;
      case SB_COMMAND_AUDIT:
        context = g_option_context_new ("- print an event's audit trail");
        g_option_context_set_summary (
            context, "seatbook-server audit --event=ID [--since=TIME] [--seat=SEAT] "
                     "[--booking=REFERENCE] [--limit=N] [--format=csv|text]\n"
                     "Prints one line per entry, oldest first: time (ISO 8601, UTC), account, "
                     "desk, action, seats, hold, booking, detail.");
        g_option_context_add_main_entries (context, audit_entries, NULL);
        break;
      case SB_COMMAND_USER:
        context = g_option_context_new ("ACTION [NAME [ROLE]] - manage staff accounts");
        g_option_context_set_summary (
            context, "seatbook-server user add NAME [--role=ROLE] [--password-file=FILE]\n"
                     "seatbook-server user passwd NAME [--password-file=FILE]\n"
                     "seatbook-server user disable|enable NAME\n"
                     "seatbook-server user set-role NAME ROLE\n"
                     "seatbook-server user list");
        g_option_context_set_description (
            context, "A new password, a new role or disabling ends the account's sessions, also "
                     "those of a running server (at their next request). Roles: viewer, clerk, "
                     "manager, admin, each allowed what the one before is (docs/protocol.md).");
        g_option_context_add_main_entries (context, user_entries, NULL);
        break;
      case SB_COMMAND_SERVE:
        context = g_option_context_new ("[COMMAND] - serve every event in the store");
        g_option_context_set_description (context, serve_description);
        g_option_context_add_main_entries (context, serve_entries, NULL);
        break;
      case SB_COMMAND_CREATE_EVENT:
        context = g_option_context_new ("- create an event from a venue file");
        g_option_context_set_summary (
            context, "seatbook-server create-event --store=URI --venue=FILE --id=ID --name=NAME "
                     "[--starts-at=ISO8601] [--orphan-rule=off|warn|enforce] [--time-zone=ZONE] "
                     "[--sales-open=ISO8601] [--sales-close=ISO8601] [--if-missing]");
        g_option_context_add_main_entries (context, create_entries, NULL);
        break;
      case SB_COMMAND_LIST_EVENTS:
        context = g_option_context_new ("- list the events of a store");
        g_option_context_set_summary (context,
                                      "Prints one line per event: id, version, starts_at, name "
                                      "(tab-separated).");
        break;
      default:
        g_assert_not_reached ();
    }
  g_option_context_add_main_entries (context, store_entry, NULL);

  /* Parse a copy without the subcommand; GOption rearranges its array. */
  {
    GPtrArray *copy = g_ptr_array_new ();
    for (int i = 0; i < argc; i++)
      if (i != 1 || command_name == NULL)
        g_ptr_array_add (copy, g_strdup (argv[i]));
    g_ptr_array_add (copy, NULL);
    args = (GStrv) g_ptr_array_free (copy, FALSE);
  }
  if (!g_option_context_parse_strv (context, &args, error))
    return FALSE;
  if (s->command == SB_COMMAND_USER)
    {
      if (!parse_user_arguments (s, args, cl.role, cl.password_file, error))
        return FALSE;
    }
  else if (args[1] != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "Unexpected argument '%s'",
                   args[1]);
      return FALSE;
    }

  /* An installed server reads the packaged file unless --config names another one. */
  if (cl.config == NULL && g_file_test (SB_DEFAULT_CONFIG_FILE, G_FILE_TEST_EXISTS))
    cl.config = g_strdup (SB_DEFAULT_CONFIG_FILE);
  if (cl.config != NULL && !_sb_server_settings_load_key_file (&self->settings, cl.config, error))
    return FALSE;

  const struct
  {
    const char *key;
    const char *value;
  } overrides[] = {
    { "listen", cl.listen },
    { "port", cl.port },
    { "port-file", cl.port_file },
    { "store", cl.store },
    { "log-level", cl.log_level },
    { "requests-per-second", cl.requests_per_second },
    { "burst", cl.burst },
    { "max-queue-bytes", cl.max_queue_bytes },
    { "max-seats-per-request", cl.max_seats_per_request },
    { "handshake-timeout", cl.handshake_timeout },
    { "hello-timeout", cl.hello_timeout },
    { "frame-timeout", cl.frame_timeout },
    { "ping-interval", cl.ping_interval },
    { "pong-timeout", cl.pong_timeout },
    { "partial-frame-budget", cl.partial_frame_budget },
    { "accounts", cl.accounts },
    { "session-hours", cl.session_hours },
    { "tls-certificate", cl.tls_certificate },
    { "tls-key", cl.tls_key },
    { "allow-plaintext", cl.allow_plaintext ? "true" : NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (overrides); i++)
    if (overrides[i].value != NULL
        && !_sb_server_settings_apply (&self->settings, overrides[i].key, overrides[i].value,
                                       error))
      return FALSE;

  if ((s->tls_certificate == NULL) != (s->tls_key == NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "tls-certificate and tls-key go together: set both or neither");
      return FALSE;
    }
  /* Without TLS, nothing but this machine may reach the server unless the operator says so. */
  if (s->listen == NULL)
    s->listen = g_strdup (s->tls_certificate != NULL ? "0.0.0.0" : "127.0.0.1");

  if (s->command == SB_COMMAND_AUDIT && !parse_audit_options (s, &cl, error))
    return FALSE;
  if (s->command == SB_COMMAND_BOOKINGS)
    {
      char **criteria[] = { &cl.reference, &cl.name, &cl.phone, &cl.email, &cl.seat };

      if (!sb_command_bookings_parse (s, &cl.event, criteria, cl.format, error))
        return FALSE;
    }
  if (s->command == SB_COMMAND_REPORT && !sb_command_report_parse (s, &cl.event, cl.format, error))
    return FALSE;
  if (s->command == SB_COMMAND_CREATE_EVENT)
    {
      if (cl.venue == NULL || cl.id == NULL || cl.name == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                       "create-event needs --venue, --id and --name");
          return FALSE;
        }
      if (*cl.id == '\0' || strlen (cl.id) > 128 || *cl.name == '\0')
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "create-event: --id must have 1–128 characters and --name must not be "
                       "empty");
          return FALSE;
        }
      if (cl.time_zone != NULL && !sb_time_zone_name_is_valid (cl.time_zone))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Invalid value '%s' for time-zone: expected an IANA name such as "
                       "Europe/Berlin",
                       cl.time_zone);
          return FALSE;
        }
      if ((cl.starts_at != NULL
           && !parse_iso8601_ms (cl.starts_at, "starts-at", cl.time_zone, &s->starts_at_ms, error))
          || (cl.sales_open != NULL
              && !parse_iso8601_ms (cl.sales_open, "sales-open", cl.time_zone, &s->sales_open_ms,
                                    error))
          || (cl.sales_close != NULL
              && !parse_iso8601_ms (cl.sales_close, "sales-close", cl.time_zone, &s->sales_close_ms,
                                    error)))
        return FALSE;
      s->time_zone = g_steal_pointer (&cl.time_zone);
      s->venue_file = g_steal_pointer (&cl.venue);
      s->event_id = g_steal_pointer (&cl.id);
      s->event_name = g_steal_pointer (&cl.name);
      s->if_missing = cl.if_missing;
      if (cl.orphan_rule != NULL)
        {
          SbOrphanRule rule;

          if (!sb_orphan_rule_from_string (cl.orphan_rule, &rule))
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "Invalid value '%s' for orphan-rule: expected off, warn or enforce",
                           cl.orphan_rule);
              return FALSE;
            }
          s->orphan_rule = rule;
        }
    }

  if (s->store_uri == NULL)
    {
      /* systemd's StateDirectory= (a colon-separated list) names where a service keeps data. */
      const char *state_dirs = g_getenv ("STATE_DIRECTORY");
      g_auto (GStrv) state_dir = g_strsplit (state_dirs != NULL ? state_dirs : "", ":", 2);
      g_autofree char *path
          = state_dir[0] != NULL && g_path_is_absolute (state_dir[0])
                ? g_build_filename (state_dir[0], "seatbook.db", NULL)
                : g_build_filename (g_get_user_data_dir (), "seatbook", "seatbook.db", NULL);
      s->store_uri = g_strconcat ("sqlite:", path, NULL);
      s->store_is_default = TRUE;
    }

  return TRUE;
}

static GLogWriterOutput
log_writer (GLogLevelFlags log_level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  GLogLevelFlags threshold = GPOINTER_TO_UINT (user_data);

  /* GLogLevelFlags: a numerically larger level bit is less severe. */
  if ((log_level & G_LOG_LEVEL_MASK) > threshold)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_standard_streams (log_level, fields, n_fields, NULL);
}

void
sb_server_config_install_log_writer (SbServerConfig *self)
{
  g_return_if_fail (SB_IS_SERVER_CONFIG (self));

  /* GLib's default writer hides info and debug unless G_MESSAGES_DEBUG is set; the configured
   * level decides instead. */
  g_log_set_writer_func (log_writer, GUINT_TO_POINTER (self->settings.log_level), NULL);
}
