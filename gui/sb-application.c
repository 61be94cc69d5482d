/* sb-application.c: the Seatbook desktop app: options, settings, style, app-wide actions. */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <signal.h>

#include "sb-application.h"
#include "sb-certificate-dialog.h"
#include "sb-desk.h"
#include "sb-preferences-dialog.h"
#include "sb-protocol.h"
#include "sb-util.h"
#include "sb-window.h"

struct _SbApplication
{
  AdwApplication parent_instance;

  guint sigterm_source;
  guint sigint_source;

  GSettings *settings;
  SbCertificateTrust *certificate_trust;
  char *client_id;
  char *event_id; /* --event */
};

G_DEFINE_FINAL_TYPE (SbApplication, sb_application, ADW_TYPE_APPLICATION)

static void
apply_color_scheme (SbApplication *self)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();

  /* "default" follows the desktop's light/dark preference. */
  switch (g_settings_get_enum (self->settings, "color-scheme"))
    {
      case 1:
        adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
        break;
      case 2:
        adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
        break;
      default:
        adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_PREFER_LIGHT);
        break;
    }
}

/* Closes every window, which ends the application once the last one is gone. Unlike
 * g_application_quit(), this runs the windows' close handlers (which save their size) and
 * disposes of them, so nothing is left alive at exit for a leak checker to flag. */
static void
close_all_windows (SbApplication *self)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  for (GList *l = windows; l != NULL; l = l->next)
    g_object_ref (l->data);
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (GTK_WINDOW (l->data));
  g_list_free_full (windows, g_object_unref);
}

/* SIGTERM (a session ending, a test finishing) and SIGINT quit like Ctrl+Q instead of killing the
 * process mid-flight. */
static gboolean
quit_signal_cb (gpointer user_data)
{
  close_all_windows (SB_APPLICATION (user_data));
  return G_SOURCE_CONTINUE;
}

static int
sb_application_handle_local_options (GApplication *application, GVariantDict *options)
{
  SbApplication *self = SB_APPLICATION (application);
  const char *server = NULL;
  const char *event = NULL;
  int hold_seconds;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("seatbook %s\n", PACKAGE_VERSION);
      return 0;
    }

  /* Several desks on one machine (and the GUI tests) need separate processes. */
  if (g_variant_dict_contains (options, "new-instance"))
    g_application_set_flags (application,
                             g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);

  if (g_variant_dict_lookup (options, "server", "&s", &server))
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *url = sb_normalize_server_url (server, &error);

      if (url == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 2;
        }
      /* Remembered, like choosing it in Preferences; a running instance follows the change. */
      g_settings_set_string (self->settings, "server-url", url);
    }

  if (g_variant_dict_lookup (options, "hold-seconds", "i", &hold_seconds))
    {
      if (hold_seconds < SB_MIN_HOLD_TTL_SECONDS || hold_seconds > SB_MAX_HOLD_TTL_SECONDS)
        {
          g_printerr (_ ("A hold lasts from %d to %d seconds.\n"), SB_MIN_HOLD_TTL_SECONDS,
                      SB_MAX_HOLD_TTL_SECONDS);
          return 2;
        }
      /* Remembered, like --server. */
      g_settings_set_int (self->settings, "hold-seconds", hold_seconds);
    }

  if (g_variant_dict_lookup (options, "event", "&s", &event))
    self->event_id = g_strdup (event);

  return G_APPLICATION_CLASS (sb_application_parent_class)
      ->handle_local_options (application, options);
}

static void
sb_application_startup (GApplication *application)
{
  SbApplication *self = SB_APPLICATION (application);
  static const struct
  {
    const char *action;
    const char *accels[4];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    /* GtkApplication's own, which it sets only when it finds gtk/help-overlay.ui itself. */
    { "win.show-help-overlay", { "<Control>F1", "<Control>question", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.zoom-in", { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL } },
    { "win.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL } },
    { "win.zoom-fit", { "<Control>0", "<Control>KP_0", NULL } },
    { "win.hold", { "<Control>h", NULL } },
    { "win.best-available", { "<Control>b", NULL } },
    { "win.book", { "<Control>Return", NULL } },
    { "win.release", { "<Control>r", NULL } },
    { "win.seat-history", { "<Control>i", NULL } },
    { "win.refresh-events", { "F5", NULL } },
    { "win.show-panel", { "F9", NULL } },
    { "win.show-events", { "<Shift>F9", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  G_APPLICATION_CLASS (sb_application_parent_class)->startup (application);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application), accels[i].action,
                                           accels[i].accels);

  apply_color_scheme (self);
  g_signal_connect_swapped (self->settings, "changed::color-scheme",
                            G_CALLBACK (apply_color_scheme), self);

  self->sigterm_source = g_unix_signal_add (SIGTERM, quit_signal_cb, self);
  self->sigint_source = g_unix_signal_add (SIGINT, quit_signal_cb, self);
}

/* Gives up the application's bus name now, while its actions are still exported. GApplication
 * does it only when it is freed, and then the other way round: it unexports the actions at once
 * and releases the name asynchronously, so the name stays ours until the process has exited. An
 * app started in between found the name taken, asked us for our actions and failed with
 * `No such interface "org.gtk.Actions"`. Released here, a new start becomes the app itself. */
static void
release_bus_name (GApplication *application)
{
  GDBusConnection *bus = g_application_get_dbus_connection (application);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  if (bus == NULL || (g_application_get_flags (application) & G_APPLICATION_NON_UNIQUE))
    return;
  reply = g_dbus_connection_call_sync (
      bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "ReleaseName",
      g_variant_new ("(s)", g_application_get_application_id (application)), G_VARIANT_TYPE ("(u)"),
      G_DBUS_CALL_FLAGS_NONE, 2000, NULL, &error);
  if (reply == NULL)
    g_debug ("Could not release the bus name: %s", error->message);
}

static void
sb_application_shutdown (GApplication *application)
{
  SbApplication *self = SB_APPLICATION (application);

  release_bus_name (application);

  g_clear_handle_id (&self->sigterm_source, g_source_remove);
  g_clear_handle_id (&self->sigint_source, g_source_remove);
  g_signal_handlers_disconnect_by_data (self->settings, self);

  G_APPLICATION_CLASS (sb_application_parent_class)->shutdown (application);
}

static void
certificate_rejected_cb (SbConnection *connection,
                         const char *server,
                         const char *fingerprint,
                         gboolean changed,
                         GtkWindow *window)
{
  SbApplication *self = SB_APPLICATION (gtk_window_get_application (window));

  gtk_window_present (GTK_WINDOW (sb_certificate_dialog_new (
      window, connection, self->certificate_trust, server, fingerprint, changed)));
}

static void
sb_application_activate (GApplication *application)
{
  SbApplication *self = SB_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    {
      g_autofree char *url = g_settings_get_string (self->settings, "server-url");
      g_autoptr (SbDesk) desk = sb_desk_new (url, self->client_id);

      sb_connection_set_certificate_trust (sb_desk_get_connection (desk), self->certificate_trust);
      window = GTK_WINDOW (
          sb_window_new (GTK_APPLICATION (self), self->settings, desk, self->event_id));
      g_signal_connect_object (sb_desk_get_connection (desk), "certificate-rejected",
                               G_CALLBACK (certificate_rejected_cb), window, G_CONNECT_DEFAULT);
    }
  gtk_window_present (window);
}

static void
preferences_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbApplication *self = SB_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  SbPreferencesDialog *dialog = sb_preferences_dialog_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (dialog), parent);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbApplication *self = SB_APPLICATION (user_data);
  static const char *developers[] = { "The Seatbook developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *about = adw_about_window_new ();

  adw_about_window_set_application_name (ADW_ABOUT_WINDOW (about), _ ("Seatbook"));
  adw_about_window_set_application_icon (ADW_ABOUT_WINDOW (about), SB_APPLICATION_ID);
  adw_about_window_set_version (ADW_ABOUT_WINDOW (about), PACKAGE_VERSION);
  adw_about_window_set_developer_name (ADW_ABOUT_WINDOW (about), _ ("The Seatbook developers"));
  adw_about_window_set_developers (ADW_ABOUT_WINDOW (about), developers);
  adw_about_window_set_comments (ADW_ABOUT_WINDOW (about),
                                 _ ("Choose, hold and book seats for events in real time."));
  adw_about_window_set_license_type (ADW_ABOUT_WINDOW (about), GTK_LICENSE_GPL_3_0);
  /* Translators: replace with your name and email, one per line */
  adw_about_window_set_translator_credits (ADW_ABOUT_WINDOW (about), _ ("translator-credits"));
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  close_all_windows (SB_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "about", about_action },
};

static void
sb_application_finalize (GObject *object)
{
  SbApplication *self = SB_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->certificate_trust);
  g_free (self->client_id);
  g_free (self->event_id);

  G_OBJECT_CLASS (sb_application_parent_class)->finalize (object);
}

static void
sb_application_class_init (SbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = sb_application_finalize;
  app_class->handle_local_options = sb_application_handle_local_options;
  app_class->startup = sb_application_startup;
  app_class->shutdown = sb_application_shutdown;
  app_class->activate = sb_application_activate;
}

static void
sb_application_init (SbApplication *self)
{
  static const GOptionEntry options[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, NULL, N_ ("Connect to this server and remember it"),
      N_ ("URL") },
    { "event", 'e', 0, G_OPTION_ARG_STRING, NULL, N_ ("Open this event"), N_ ("ID") },
    { "hold-seconds", 0, 0, G_OPTION_ARG_INT, NULL,
      N_ ("Hold seats for this many seconds (and extend by as much), and remember it"),
      N_ ("SECONDS") },
    { "new-instance", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_ ("Run a separate instance, e.g. for a second desk"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Show the version and exit"), NULL },
    { NULL },
  };

  self->settings = g_settings_new (SB_APPLICATION_ID);
  self->certificate_trust = sb_certificate_trust_new (self->settings);

  /* Created once and kept: holds belong to this identity, across reconnects and restarts. */
  self->client_id = g_settings_get_string (self->settings, "client-id");
  if (self->client_id == NULL || *self->client_id == '\0')
    {
      g_free (self->client_id);
      self->client_id = g_uuid_string_random ();
      g_settings_set_string (self->settings, "client-id", self->client_id);
    }

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
}

SbApplication *
sb_application_new (void)
{
  return g_object_new (SB_TYPE_APPLICATION, "application-id", SB_APPLICATION_ID,
                       "resource-base-path", "/org/seatbook/Seatbook", "flags",
                       G_APPLICATION_DEFAULT_FLAGS, NULL);
}

GSettings *
sb_application_get_settings (SbApplication *self)
{
  g_return_val_if_fail (SB_IS_APPLICATION (self), NULL);

  return self->settings;
}

const char *
sb_application_get_client_id (SbApplication *self)
{
  g_return_val_if_fail (SB_IS_APPLICATION (self), NULL);

  return self->client_id;
}
