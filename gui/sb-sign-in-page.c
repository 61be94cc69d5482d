/* sb-sign-in-page.c: the sign-in page (server address, username, password, "Remember me"). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sb-sign-in-page.h"

struct _SbSignInPage
{
  AdwBin parent_instance;

  AdwEntryRow *server_row;
  AdwEntryRow *username_row;
  AdwPasswordEntryRow *password_row;
  GtkSwitch *remember_switch;
  GtkLabel *error_label;
  GtkButton *sign_in_button;
  GtkSpinner *spinner;
  GtkWidget *fields;
};

G_DEFINE_FINAL_TYPE (SbSignInPage, sb_sign_in_page, ADW_TYPE_BIN)

enum
{
  SIGNAL_SUBMIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

char *
sb_sign_in_page_describe_refusal (const char *reason, gint64 retry_after_ms)
{
  if (g_strcmp0 (reason, "bad_credentials") == 0)
    return g_strdup (_ ("Wrong username or password."));
  if (g_strcmp0 (reason, "locked") == 0)
    {
      /* Rounded up: "try again in 0 minutes" would be wrong. */
      gint64 minutes = retry_after_ms > 0 ? (retry_after_ms + 59999) / 60000 : 0;

      if (minutes <= 0)
        return g_strdup (_ ("Too many failed sign-ins: this account is locked for now."));
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Too many failed sign-ins: this account is locked. "
                                           "Try again in %d minute.",
                                           "Too many failed sign-ins: this account is locked. "
                                           "Try again in %d minutes.",
                                           (gulong) minutes),
                              (int) MIN (minutes, G_MAXINT));
    }
  if (g_strcmp0 (reason, "disabled") == 0)
    return g_strdup (_ ("This account is disabled. Ask an administrator to enable it."));
  if (g_strcmp0 (reason, "expired") == 0)
    return g_strdup (_ ("Your session has expired. Please sign in again."));
  if (g_strcmp0 (reason, "unavailable") == 0)
    return g_strdup (_ ("The server cannot check sign-ins right now. Trying again…"));
  if (g_strcmp0 (reason, "rate_limited") == 0)
    return g_strdup (_ ("The server is busy with other sign-ins. Trying again…"));
  if (g_strcmp0 (reason, "revoked") == 0)
    return g_strdup (_ ("You were signed out because the account or its password changed. "
                        "Please sign in again."));
  return g_strdup (_ ("Please sign in."));
}

static void
update_button (SbSignInPage *self)
{
  const char *server = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button),
                            *server != '\0' && *username != '\0' && *password != '\0'
                                && !gtk_spinner_get_spinning (self->spinner));
}

static void
submit (SbSignInPage *self)
{
  g_autofree char *password = NULL;

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->sign_in_button)))
    return;
  password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
  /* The password leaves the page once: nothing keeps it after the signal. */
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  sb_sign_in_page_show_error (self, NULL);
  sb_sign_in_page_set_busy (self, TRUE);
  g_signal_emit (self, signals[SIGNAL_SUBMIT], 0,
                 gtk_editable_get_text (GTK_EDITABLE (self->server_row)),
                 gtk_editable_get_text (GTK_EDITABLE (self->username_row)), password,
                 gtk_switch_get_active (self->remember_switch));
  memset (password, 0, strlen (password));
}

static void
entry_activated_cb (SbSignInPage *self)
{
  /* Enter in the last filled field signs in; elsewhere it moves on as a form would. */
  if (gtk_widget_get_sensitive (GTK_WIDGET (self->sign_in_button)))
    submit (self);
  else if (*gtk_editable_get_text (GTK_EDITABLE (self->username_row)) == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
sb_sign_in_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SB_TYPE_SIGN_IN_PAGE);
  G_OBJECT_CLASS (sb_sign_in_page_parent_class)->dispose (object);
}

static void
sb_sign_in_page_class_init (SbSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_sign_in_page_dispose;

  /**
   * SbSignInPage::submit:
   * @server: the WebSocket address
   * @username: the username
   * @password: the password; valid during the emission only
   * @remember: whether to keep the session in the keyring
   */
  signals[SIGNAL_SUBMIT]
      = g_signal_new ("submit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/seatbook/Seatbook/sb-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SbSignInPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, SbSignInPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, SbSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, SbSignInPage, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, SbSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, SbSignInPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, SbSignInPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SbSignInPage, fields);
  gtk_widget_class_bind_template_callback (widget_class, update_button);
  gtk_widget_class_bind_template_callback (widget_class, submit);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
}

static void
sb_sign_in_page_init (SbSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_button (self);
}

GtkWidget *
sb_sign_in_page_new (void)
{
  return g_object_new (SB_TYPE_SIGN_IN_PAGE, NULL);
}

void
sb_sign_in_page_set_server (SbSignInPage *self, const char *server)
{
  g_return_if_fail (SB_IS_SIGN_IN_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server != NULL ? server : "");
}

const char *
sb_sign_in_page_get_server (SbSignInPage *self)
{
  g_return_val_if_fail (SB_IS_SIGN_IN_PAGE (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->server_row));
}

void
sb_sign_in_page_set_username (SbSignInPage *self, const char *username)
{
  g_return_if_fail (SB_IS_SIGN_IN_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username != NULL ? username : "");
}

const char *
sb_sign_in_page_get_username (SbSignInPage *self)
{
  g_return_val_if_fail (SB_IS_SIGN_IN_PAGE (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->username_row));
}

gboolean
sb_sign_in_page_get_remember (SbSignInPage *self)
{
  g_return_val_if_fail (SB_IS_SIGN_IN_PAGE (self), FALSE);
  return gtk_switch_get_active (self->remember_switch);
}

void
sb_sign_in_page_focus (SbSignInPage *self)
{
  g_return_if_fail (SB_IS_SIGN_IN_PAGE (self));
  gtk_widget_grab_focus (*sb_sign_in_page_get_username (self) != '\0'
                             ? GTK_WIDGET (self->password_row)
                             : GTK_WIDGET (self->username_row));
}

void
sb_sign_in_page_set_busy (SbSignInPage *self, gboolean busy)
{
  g_return_if_fail (SB_IS_SIGN_IN_PAGE (self));
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_widget_set_sensitive (self->fields, !busy);
  update_button (self);
}

void
sb_sign_in_page_show_error (SbSignInPage *self, const char *message)
{
  g_return_if_fail (SB_IS_SIGN_IN_PAGE (self));
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

void
sb_sign_in_page_show_refusal (SbSignInPage *self, const char *reason, gint64 retry_after_ms)
{
  g_autofree char *text = NULL;

  g_return_if_fail (SB_IS_SIGN_IN_PAGE (self));
  text = sb_sign_in_page_describe_refusal (reason, retry_after_ms);
  sb_sign_in_page_set_busy (self, FALSE);
  sb_sign_in_page_show_error (self, text);
  /* After a wrong password the password is what to type again. */
  sb_sign_in_page_focus (self);
}
