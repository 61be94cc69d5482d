/* main.c: entry point of the Seatbook desktop app. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-application.h"
#include "sb-resources.h"

int
main (int argc, char *argv[])
{
  g_autoptr (SbApplication) application = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  sb_register_resource ();
  application = sb_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}
