/* sb-session.c: the account on one server and its token (see sb-session.h). */
#include "config.h"

#include <string.h>

#include "sb-session.h"
#include "sb-token-store.h"

struct _SbSession
{
  GObject parent_instance;

  char *server;
  SbSessionState state;
  char *username;
  char *role;
  char *refusal;
  gint64 retry_after_ms;

  char *pending_username; /* typed, until the server answers */
  char *password;         /* typed, until the server answers; wiped then */
  char *token;            /* in memory for reconnects, whatever "Remember me" says */
  gboolean remember;
  char *stored_username; /* whose token is in the keyring, to clear it on sign-out */
};

G_DEFINE_FINAL_TYPE (SbSession, sb_session, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (SbSessionState,
                    sb_session_state,
                    G_DEFINE_ENUM_VALUE (SB_SESSION_SIGNED_OUT, "signed-out"),
                    G_DEFINE_ENUM_VALUE (SB_SESSION_SIGNING_IN, "signing-in"),
                    G_DEFINE_ENUM_VALUE (SB_SESSION_SIGNED_IN, "signed-in"))

enum
{
  PROP_0,
  PROP_SERVER,
  PROP_STATE,
  PROP_USERNAME,
  PROP_ROLE,
  PROP_REFUSAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
wipe_password (SbSession *self)
{
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
}

static void
wipe_token (SbSession *self)
{
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);
}

static void
set_state (SbSession *self, SbSessionState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_string (SbSession *self, char **field, const char *value, guint prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Keyring writes outlive the caller: the app is held so that quitting right after signing in
 * or out does not lose them. */

static void
hold_app (void)
{
  GApplication *app = g_application_get_default ();

  if (app != NULL)
    g_application_hold (app);
}

static void
release_app (void)
{
  GApplication *app = g_application_get_default ();

  if (app != NULL)
    g_application_release (app);
}

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!sb_token_store_save_finish (result, &error))
    g_warning ("Could not keep the session in the keyring: %s", error->message);
  release_app ();
}

static void
cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!sb_token_store_clear_finish (result, &error))
    g_warning ("Could not remove the session from the keyring: %s", error->message);
  release_app ();
}

static void
forget_stored_token (SbSession *self)
{
  if (self->stored_username == NULL)
    return;
  hold_app ();
  sb_token_store_clear_async (self->server, self->stored_username, NULL, cleared_cb, NULL);
  g_clear_pointer (&self->stored_username, g_free);
}

static void
sb_session_finalize (GObject *object)
{
  SbSession *self = SB_SESSION (object);

  wipe_password (self);
  wipe_token (self);
  g_free (self->server);
  g_free (self->username);
  g_free (self->role);
  g_free (self->refusal);
  g_free (self->pending_username);
  g_free (self->stored_username);
  G_OBJECT_CLASS (sb_session_parent_class)->finalize (object);
}

static void
sb_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SbSession *self = SB_SESSION (object);

  switch (prop_id)
    {
      case PROP_SERVER:
        g_value_set_string (value, self->server);
        break;
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_USERNAME:
        g_value_set_string (value, self->username);
        break;
      case PROP_ROLE:
        g_value_set_string (value, self->role);
        break;
      case PROP_REFUSAL:
        g_value_set_string (value, self->refusal);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_session_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  SbSession *self = SB_SESSION (object);

  switch (prop_id)
    {
      case PROP_SERVER:
        self->server = g_value_dup_string (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_session_class_init (SbSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sb_session_finalize;
  object_class->get_property = sb_session_get_property;
  object_class->set_property = sb_session_set_property;

  properties[PROP_SERVER]
      = g_param_spec_string ("server", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE]
      = g_param_spec_enum ("state", NULL, NULL, SB_TYPE_SESSION_STATE, SB_SESSION_SIGNED_OUT,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE]
      = g_param_spec_string ("role", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFUSAL] = g_param_spec_string ("refusal", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sb_session_init (SbSession *self)
{
}

SbSession *
sb_session_new (const char *server)
{
  g_return_val_if_fail (server != NULL, NULL);
  return g_object_new (SB_TYPE_SESSION, "server", server, NULL);
}

const char *
sb_session_get_server (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), NULL);
  return self->server;
}

SbSessionState
sb_session_get_state (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), SB_SESSION_SIGNED_OUT);
  return self->state;
}

const char *
sb_session_get_username (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), NULL);
  return self->username;
}

const char *
sb_session_get_role (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), NULL);
  return self->role;
}

const char *
sb_session_get_refusal (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), NULL);
  return self->refusal;
}

gint64
sb_session_get_retry_after_ms (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), 0);
  return self->retry_after_ms;
}

static void
looked_up_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SbSession *self = g_task_get_source_object (task);
  const char *username = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = sb_token_store_lookup_finish (result, &error);

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A sign-in typed meanwhile wins over the remembered one. */
  if (token != NULL && self->state == SB_SESSION_SIGNED_OUT)
    {
      wipe_token (self);
      self->token = g_steal_pointer (&token);
      self->remember = TRUE;
      g_free (self->stored_username);
      self->stored_username = g_strdup (username);
      g_free (self->pending_username);
      self->pending_username = g_strdup (username);
      set_state (self, SB_SESSION_SIGNING_IN);
    }
  else if (token != NULL)
    memset (token, 0, strlen (token));
  g_task_return_boolean (task, TRUE);
}

void
sb_session_restore_async (SbSession *self,
                          const char *username,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  GTask *task;

  g_return_if_fail (SB_IS_SESSION (self));
  g_return_if_fail (username != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_session_restore_async);
  g_task_set_task_data (task, g_strdup (username), g_free);
  sb_token_store_lookup_async (self->server, username, cancellable, looked_up_cb, task);
}

gboolean
sb_session_restore_finish (SbSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sb_session_begin_sign_in (SbSession *self,
                          const char *username,
                          const char *password,
                          gboolean remember)
{
  g_return_if_fail (SB_IS_SESSION (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  /* Typing a password replaces whatever token there was. */
  wipe_token (self);
  wipe_password (self);
  self->password = g_strdup (password);
  g_free (self->pending_username);
  self->pending_username = g_strdup (username);
  self->remember = remember;
  self->retry_after_ms = 0;
  set_string (self, &self->refusal, NULL, PROP_REFUSAL);
  set_state (self, SB_SESSION_SIGNING_IN);
}

gboolean
sb_session_get_credentials (SbSession *self,
                            const char **out_username,
                            const char **out_password,
                            const char **out_token)
{
  g_return_val_if_fail (SB_IS_SESSION (self), FALSE);

  *out_username = NULL;
  *out_password = NULL;
  *out_token = NULL;
  if (self->token != NULL)
    {
      *out_token = self->token;
      return TRUE;
    }
  if (self->password != NULL)
    {
      *out_username = self->pending_username;
      *out_password = self->password;
      return TRUE;
    }
  return FALSE;
}

void
sb_session_signed_in (SbSession *self, const char *username, const char *role, const char *token)
{
  gboolean new_token;

  g_return_if_fail (SB_IS_SESSION (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (role != NULL);
  g_return_if_fail (token != NULL);

  new_token = g_strcmp0 (self->token, token) != 0;

  wipe_password (self);
  if (new_token)
    {
      wipe_token (self);
      self->token = g_strdup (token);
    }
  g_clear_pointer (&self->pending_username, g_free);
  self->retry_after_ms = 0;

  /* The keyring holds at most this account's current token, and only with "Remember me". */
  if (self->stored_username != NULL
      && (!self->remember || !g_str_equal (self->stored_username, username)))
    forget_stored_token (self);
  if (self->remember && (self->stored_username == NULL || new_token))
    {
      hold_app ();
      /* Saving under the same attributes replaces the old token. */
      sb_token_store_save_async (self->server, username, token, NULL, saved_cb, NULL);
      g_free (self->stored_username);
      self->stored_username = g_strdup (username);
    }

  set_string (self, &self->username, username, PROP_USERNAME);
  set_string (self, &self->role, role, PROP_ROLE);
  set_string (self, &self->refusal, NULL, PROP_REFUSAL);
  set_state (self, SB_SESSION_SIGNED_IN);
}

gboolean
sb_session_refusal_is_temporary (const char *reason)
{
  return g_strcmp0 (reason, "unavailable") == 0 || g_strcmp0 (reason, "rate_limited") == 0;
}

void
sb_session_refused (SbSession *self, const char *reason, gint64 retry_after_ms)
{
  g_return_if_fail (SB_IS_SESSION (self));
  g_return_if_fail (reason != NULL);

  /* The server could not check now (its store failing, too many sign-ins at once): nothing was
   * decided about what was tried, so the password and the token (also in the keyring) are kept
   * for the connection's next try; the refusal only says why it is taking long. */
  if (sb_session_refusal_is_temporary (reason))
    {
      self->retry_after_ms = retry_after_ms;
      g_free (self->refusal);
      self->refusal = g_strdup (reason);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFUSAL]);
      return;
    }

  /* Otherwise what was tried does not work: a token is dropped (from the keyring too: it would
   * fail again at the next start), a password must be typed again. */
  wipe_password (self);
  wipe_token (self);
  forget_stored_token (self);
  g_clear_pointer (&self->pending_username, g_free);
  self->retry_after_ms = retry_after_ms;
  set_string (self, &self->username, NULL, PROP_USERNAME);
  set_string (self, &self->role, NULL, PROP_ROLE);
  /* Notified even when the same reason comes twice: the page shows the newer time left. */
  g_free (self->refusal);
  self->refusal = g_strdup (reason);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFUSAL]);
  set_state (self, SB_SESSION_SIGNED_OUT);
}

void
sb_session_sign_out (SbSession *self)
{
  g_return_if_fail (SB_IS_SESSION (self));

  wipe_password (self);
  wipe_token (self);
  forget_stored_token (self);
  g_clear_pointer (&self->pending_username, g_free);
  self->retry_after_ms = 0;
  set_string (self, &self->username, NULL, PROP_USERNAME);
  set_string (self, &self->role, NULL, PROP_ROLE);
  set_string (self, &self->refusal, NULL, PROP_REFUSAL);
  set_state (self, SB_SESSION_SIGNED_OUT);
}
