/* main.c: seatbook-server: parse the configuration, run a subcommand or serve. */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>

#include "sb-commands.h"
#include "sb-server.h"
#include "sb-audit-commands.h"
#include "sb-booking-commands.h"
#include "sb-report-commands.h"
#include "sb-user-commands.h"

static int
exit_status_for (const GError *error)
{
  /* Usage errors are 2, everything the environment did wrong (store, network) is 1. */
  if (error->domain == G_OPTION_ERROR
      || g_error_matches (error, SB_SERVER_ERROR, SB_SERVER_ERROR_USAGE))
    return 2;
  return 1;
}

int
main (int argc, char **argv)
{
  g_autoptr (SbServerConfig) config = sb_server_config_new ();
  g_autoptr (GError) error = NULL;

  /* GOption converts the arguments from the locale's character set: without the locale it is
   * ASCII, and `create-event --name="Café Müller"` failed with "Invalid byte sequence". */
  setlocale (LC_ALL, "");

  /* Sockets are written with MSG_NOSIGNAL, but nothing else should kill us on a closed pipe. */
  signal (SIGPIPE, SIG_IGN);
  g_set_prgname ("seatbook-server");

  if (!sb_server_config_parse_args (config, argc, argv, &error))
    {
      g_printerr ("seatbook-server: %s\nTry 'seatbook-server --help'.\n", error->message);
      return 2;
    }
  sb_server_config_install_log_writer (config);

  const SbServerSettings *settings = sb_server_config_get_settings (config);
  gboolean ok = TRUE;
  int status = 0;

  switch (settings->command)
    {
      case SB_COMMAND_CREATE_EVENT:
        ok = sb_command_create_event (settings, &error);
        break;
      case SB_COMMAND_LIST_EVENTS:
        ok = sb_command_list_events (settings, &error);
        break;
      case SB_COMMAND_USER:
        ok = sb_command_user (settings, &error);
        break;
      case SB_COMMAND_AUDIT:
        ok = sb_command_audit (settings, &error);
        break;
      case SB_COMMAND_BOOKINGS:
        ok = sb_command_bookings (settings, &error);
        break;
      case SB_COMMAND_REPORT:
        ok = sb_command_report (settings, &error);
        break;
      case SB_COMMAND_SERVE:
      default:
        {
          g_autoptr (SbServer) server = sb_server_new (settings, &error);
          ok = server != NULL && sb_server_start (server, &error);
          if (ok)
            status = sb_server_run (server);
        }
        break;
    }

  if (!ok)
    {
      g_printerr ("seatbook-server: %s\n", error->message);
      return exit_status_for (error);
    }
  return status;
}
