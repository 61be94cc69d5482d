/* sb-server-config.h: seatbook-server's command line and its GKeyFile configuration. */
#pragma once

#include <glib-object.h>

#include "sb-ws-limits.h"

G_BEGIN_DECLS

typedef enum
{
  SB_COMMAND_SERVE,
  SB_COMMAND_CREATE_EVENT,
  SB_COMMAND_LIST_EVENTS,
  SB_COMMAND_USER,
  SB_COMMAND_AUDIT,
  SB_COMMAND_BOOKINGS,
  SB_COMMAND_REPORT,
} SbCommand;

/* The values in force once the config file and the command line have been read. Plain data so
 * the rest of the server reads it without accessors. */
typedef struct
{
  SbCommand command;

  /* serve */
  char *listen; /* address to bind; default 0.0.0.0 with TLS, 127.0.0.1 without */
  guint port;   /* 0 = any free port */
  char *port_file;
  char *store_uri;
  gboolean store_is_default; /* its directory may be created */
  GLogLevelFlags log_level;  /* the least severe level that is still logged */
  double requests_per_second;
  guint burst;
  guint64 max_queue_bytes;
  guint max_seats_per_request;
  SbWsLimits ws; /* deadlines and the incomplete-frame budget of the edge */
  /* Sign-in (docs/protocol.md, protocol 2). FALSE ("accounts=off") is transitional: protocol 1
   * as before, for the app until it signs in (docs/operations.md). */
  gboolean accounts_required;
  double session_hours;  /* a session token's lifetime */
  char *tls_certificate; /* PEM paths; both set = wss:// and https */
  char *tls_key;
  gboolean allow_plaintext; /* plain text on an address other than loopback */

  /* create-event */
  char *venue_file;
  char *event_id; /* also audit --event */
  char *event_name;
  gint64 starts_at_ms; /* 0 = unknown */
  gboolean if_missing;
  int orphan_rule;       /* SbOrphanRule; off unless --orphan-rule says otherwise */
  char *time_zone;       /* IANA name, or NULL */
  gint64 sales_open_ms;  /* 0 = open from the start */
  gint64 sales_close_ms; /* 0 = never closes */

  /* user ACTION [NAME [ROLE]] (sb-user-commands.c) */
  char *user_action; /* add, passwd, disable, enable, list or set-role */
  char *user_name;
  char *user_role;     /* add --role, set-role's ROLE */
  char *password_file; /* a file whose first line is the password; "-" = standard input */

  /* audit --event=ID (sb-audit-commands.c) */
  gint64 audit_since_ms; /* 0 = from the start */
  char *audit_seat;      /* or NULL */
  char *audit_booking;   /* or NULL */
  guint audit_limit;     /* the newest so many, 1–1000 */
  gboolean audit_csv;    /* --format=csv; else text (also bookings --format) */

  /* bookings --event=ID (sb-booking-commands.c): at most one criterion */
  int bookings_by;      /* SbBookingSearch */
  char *bookings_value; /* the criterion's value, or NULL for every booking */
} SbServerSettings;

#define SB_TYPE_SERVER_CONFIG (sb_server_config_get_type ())
G_DECLARE_FINAL_TYPE (SbServerConfig, sb_server_config, SB, SERVER_CONFIG, GObject)

SbServerConfig *sb_server_config_new (void);

/* Parses argv (subcommand, options, --config file): the config file first, then the command line
 * on top. Any error (G_OPTION_ERROR, G_KEY_FILE_ERROR, G_FILE_ERROR) means bad usage: the caller
 * prints it and exits with status 2. --help prints and exits 0 inside. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_server_config_parse_args (SbServerConfig *self, int argc, char **argv, GError **error);

const SbServerSettings *sb_server_config_get_settings (SbServerConfig *self);

/* Installs a structured-log writer that drops messages less severe than the configured level. */
void sb_server_config_install_log_writer (SbServerConfig *self);

const char *sb_log_level_to_string (GLogLevelFlags level);

G_END_DECLS
