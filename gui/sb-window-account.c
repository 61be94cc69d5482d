/* sb-window-account.c: the window's side of accounts: which page shows (sign-in or the desk),
 * the account and role in the header bar, "Sign Out", and the remembered session at start.
 *
 * The connection owns the account (SbSession) and signs in; the window shows it. The sign-in
 * page shows only when the server has said it has accounts: against a server without accounts
 * the app works as it always did. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-permissions.h"
#include "sb-window-private.h"

static void update_account (SbWindow *self);

static SbConnection *
connection_of (SbWindow *self)
{
  return sb_desk_get_connection (self->desk);
}

static void
update_account (SbWindow *self)
{
  SbConnection *connection = connection_of (self);
  SbSession *account = sb_connection_get_account (connection);
  SbSessionState state = sb_session_get_state (account);
  const char *username = sb_session_get_username (account);
  const char *role = sb_session_get_role (account);
  const char *visible = gtk_stack_get_visible_child_name (self->session_stack);
  gboolean show_sign_in;
  GAction *sign_out;

  /* Signing in keeps whichever page is up: the page while a typed password is checked, the desk
   * while a remembered token is. */
  if (!sb_connection_get_accounts (connection) || state == SB_SESSION_SIGNED_IN)
    show_sign_in = FALSE;
  else if (state == SB_SESSION_SIGNED_OUT)
    show_sign_in = TRUE;
  else
    show_sign_in = g_strcmp0 (visible, "sign-in") == 0;

  if (show_sign_in && g_strcmp0 (visible, "sign-in") != 0)
    {
      g_autofree char *url = g_settings_get_string (self->settings, "server-url");
      g_autofree char *last_username = g_settings_get_string (self->settings, "username");

      sb_sign_in_page_set_server (self->sign_in_page, url);
      if (*sb_sign_in_page_get_username (self->sign_in_page) == '\0')
        sb_sign_in_page_set_username (self->sign_in_page, last_username);
    }
  if (show_sign_in && g_strcmp0 (visible, "sign-in") != 0)
    {
      gtk_stack_set_visible_child_name (self->session_stack, "sign-in");
      sb_sign_in_page_focus (self->sign_in_page);
    }
  else if (!show_sign_in)
    gtk_stack_set_visible_child_name (self->session_stack, "desk");

  if (state == SB_SESSION_SIGNED_OUT && sb_session_get_refusal (account) != NULL)
    sb_sign_in_page_show_refusal (self->sign_in_page, sb_session_get_refusal (account),
                                  sb_session_get_retry_after_ms (account));
  else
    {
      const char *refusal = sb_session_get_refusal (account);

      sb_sign_in_page_set_busy (self->sign_in_page, state == SB_SESSION_SIGNING_IN);
      /* The server could not check yet: the page says so while the connection tries again. */
      if (state == SB_SESSION_SIGNING_IN && sb_session_refusal_is_temporary (refusal))
        {
          g_autofree char *text
              = sb_sign_in_page_describe_refusal (refusal, sb_session_get_retry_after_ms (account));

          sb_sign_in_page_show_error (self->sign_in_page, text);
        }
    }

  if (username != NULL && role != NULL)
    {
      /* Translators: the signed-in account in the header bar: "<username> · <role>" */
      g_autofree char *text = g_strdup_printf (C_ ("account", "%s · %s"), username,
                                               sb_permission_get_role_title (role));

      gtk_label_set_text (self->account_label, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->account_label),
                                   _ ("The account this desk is signed in with"));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->account_label), username != NULL && role != NULL);

  sign_out = g_action_map_lookup_action (G_ACTION_MAP (self), "sign-out");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (sign_out), state == SB_SESSION_SIGNED_IN);
  _sb_window_actions_update (self);
}

static void
follow_account (SbWindow *self)
{
  SbSession *account = sb_connection_get_account (connection_of (self));

  if (self->account == account)
    return;
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  g_set_object (&self->account, account);
  g_signal_connect_swapped (account, "notify", G_CALLBACK (update_account), self);
}

static void
restored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (SbWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  /* Without a keyring the user signs in by hand: say why in the log, not in their way. */
  if (!sb_session_restore_finish (SB_SESSION (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("No remembered session: %s", error->message);
  if (self->desk != NULL && !g_cancellable_is_cancelled (self->cancellable))
    sb_desk_start (self->desk);
}

static void
account_changed_cb (SbWindow *self)
{
  follow_account (self);
  update_account (self);
}

static void
sign_out_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = user_data;

  sb_connection_sign_out (connection_of (self));
  /* The holds were the account's: the next account brings its own. */
  update_account (self);
}

static const GActionEntry account_actions[] = {
  { "sign-out", sign_out_action },
};

void
_sb_window_account_start (SbWindow *self)
{
  SbConnection *connection = connection_of (self);
  g_autofree char *username = g_settings_get_string (self->settings, "username");

  g_action_map_add_action_entries (G_ACTION_MAP (self), account_actions,
                                   G_N_ELEMENTS (account_actions), self);
  gtk_stack_set_visible_child_name (self->session_stack, "desk");
  follow_account (self);
  g_signal_connect_swapped (connection, "notify::account", G_CALLBACK (account_changed_cb), self);
  g_signal_connect_swapped (connection, "notify::accounts", G_CALLBACK (update_account), self);
  update_account (self);

  /* A remembered session signs in without a word; the desk connects once the keyring answered,
   * so that the first welcome already finds the token. */
  if (*username != '\0')
    sb_session_restore_async (self->account, username, self->cancellable, restored_cb,
                              g_object_ref (self));
  else
    sb_desk_start (self->desk);
}

void
_sb_window_account_dispose (SbWindow *self)
{
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  g_clear_object (&self->account);
}

void
_sb_window_sign_in_submitted (SbWindow *self,
                              const char *server,
                              const char *username,
                              const char *password,
                              gboolean remember)
{
  g_autofree char *url = g_settings_get_string (self->settings, "server-url");

  /* Another server first: the connection moves there (with a new, signed-out account). */
  if (g_strcmp0 (url, server) != 0)
    g_settings_set_string (self->settings, "server-url", server);
  /* The username is no secret: it fills the page next time and finds the remembered token. */
  g_settings_set_string (self->settings, "username", username);
  sb_connection_sign_in (connection_of (self), username, password, remember);
}
