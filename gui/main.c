/* main.c: entry point of the Seatbook desktop app. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-application.h"
#include "sb-renderer.h"
#include "sb-resources.h"
#include "sb-startup-trace.h"

int
main (int argc, char *argv[])
{
  g_autoptr (SbApplication) application = NULL;

  sb_startup_trace_mark ("main");
  /* SEATBOOK_LOCALEDIR: the build tree's translations, for running and testing uninstalled. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("SEATBOOK_LOCALEDIR") != NULL
                                       ? g_getenv ("SEATBOOK_LOCALEDIR")
                                       : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Before GTK starts: the renderer is chosen when the first window is realized. */
  sb_renderer_choose_default ();
  sb_register_resource ();
  application = sb_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}
