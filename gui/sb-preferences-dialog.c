/* sb-preferences-dialog.c: the server address (validated, applied on Enter) and the style. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-preferences-dialog.h"
#include "sb-util.h"

struct _SbPreferencesDialog
{
  AdwPreferencesWindow parent_instance;

  AdwEntryRow *server_row;
  GtkLabel *server_error;
  AdwComboRow *style_row;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (SbPreferencesDialog, sb_preferences_dialog, ADW_TYPE_PREFERENCES_WINDOW)

static void
server_changed_cb (SbPreferencesDialog *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->server_row), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->server_error), FALSE);
}

static void
server_apply_cb (SbPreferencesDialog *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url
      = sb_normalize_server_url (gtk_editable_get_text (GTK_EDITABLE (self->server_row)), &error);

  if (url == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->server_row), "error");
      gtk_label_set_label (self->server_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->server_error), TRUE);
      return;
    }

  /* Show what will really be used, e.g. "box-office:8080" becomes ws://box-office:8080/ws. */
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
  g_settings_set_string (self->settings, "server-url", url);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_ ("Connecting to the new server…")));
}

static void
style_selected_cb (SbPreferencesDialog *self)
{
  if (self->settings != NULL)
    g_settings_set_enum (self->settings, "color-scheme",
                         (int) adw_combo_row_get_selected (self->style_row));
}

static void
sb_preferences_dialog_dispose (GObject *object)
{
  SbPreferencesDialog *self = SB_PREFERENCES_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_PREFERENCES_DIALOG);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sb_preferences_dialog_parent_class)->dispose (object);
}

static void
sb_preferences_dialog_class_init (SbPreferencesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_preferences_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/seatbook/Seatbook/sb-preferences-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesDialog, server_error);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesDialog, style_row);
  gtk_widget_class_bind_template_callback (widget_class, server_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, server_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, style_selected_cb);
}

static void
sb_preferences_dialog_init (SbPreferencesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

SbPreferencesDialog *
sb_preferences_dialog_new (GSettings *settings)
{
  SbPreferencesDialog *self;
  g_autofree char *url = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (SB_TYPE_PREFERENCES_DIALOG, NULL);
  url = g_settings_get_string (settings, "server-url");
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
  server_changed_cb (self);
  adw_combo_row_set_selected (self->style_row,
                              (guint) g_settings_get_enum (settings, "color-scheme"));
  /* Set last so that initialising the combo row does not write the setting back. */
  self->settings = g_object_ref (settings);
  return self;
}
