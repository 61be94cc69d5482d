/* sb-token-store.c: the session token in the keyring, through libsecret's password API.
 *
 * Thin on purpose: libsecret does the D-Bus talk to the Secret Service (gnome-keyring or any
 * other), and these functions only pin the schema and its attributes in one place so that the
 * lookup always finds what the save wrote. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "sb-token-store.h"

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "org.seatbook.Seatbook.Token",
    SECRET_SCHEMA_NONE,
    {
        { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { NULL, 0 },
    },
    0,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
  };

  return &schema;
}

void
sb_token_store_save_async (const char *server,
                           const char *username,
                           const char *token,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autofree char *label = NULL;

  g_return_if_fail (server != NULL);
  g_return_if_fail (username != NULL);
  g_return_if_fail (token != NULL);

  /* The label is what the user sees in Passwords and Keys (seahorse). */
  label = g_strdup_printf (_ ("Seatbook session of %s on %s"), username, server);
  secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT, label, token, cancellable,
                         callback, user_data, "server", server, "username", username, NULL);
}

gboolean
sb_token_store_save_finish (GAsyncResult *result, GError **error)
{
  return secret_password_store_finish (result, error);
}

void
sb_token_store_lookup_async (const char *server,
                             const char *username,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_return_if_fail (server != NULL);
  g_return_if_fail (username != NULL);

  secret_password_lookup (token_schema (), cancellable, callback, user_data, "server", server,
                          "username", username, NULL);
}

char *
sb_token_store_lookup_finish (GAsyncResult *result, GError **error)
{
  char *secret = secret_password_lookup_finish (result, error);
  char *copy;

  if (secret == NULL)
    return NULL;
  /* libsecret's copy lives in non-pageable memory and is wiped by secret_password_free (); the
   * caller gets an ordinary string. */
  copy = g_strdup (secret);
  secret_password_free (secret);
  return copy;
}

void
sb_token_store_clear_async (const char *server,
                            const char *username,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_return_if_fail (server != NULL);
  g_return_if_fail (username != NULL);

  secret_password_clear (token_schema (), cancellable, callback, user_data, "server", server,
                         "username", username, NULL);
}

gboolean
sb_token_store_clear_finish (GAsyncResult *result, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  /* FALSE without an error only means there was nothing to remove. */
  if (!secret_password_clear_finish (result, &local_error) && local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}
