/* sb-user-commands.c: user add|passwd|disable|enable|list|set-role on the store alone.
 *
 * Passwords are hashed here (Argon2id, sb-credentials.c) and only the hash reaches the store; a
 * generated password is printed once on standard output and never logged. A change that must end
 * the account's sessions goes through sb_store_account_put (), which also bumps the accounts
 * revision a running server polls, so its connections learn of it at their next request. */
#include "config.h"

#include "sb-user-commands.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "sb-credentials.h"
#include "sb-server-private.h"
#include "sb-store-accounts.h"

#define MAX_PASSWORD_LENGTH 1024

static gboolean G_GNUC_PRINTF (2, 3) usage_error (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error,
                     g_error_new_valist (SB_SERVER_ERROR, SB_SERVER_ERROR_USAGE, format, args));
  va_end (args);
  return FALSE;
}

/* The first line of path ("-" = standard input), without its line end. */
static char *
read_password (const char *path, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_auto (SbSecret) contents = NULL;
  gsize length = 0;

  if (g_strcmp0 (path, "-") == 0)
    {
      char buffer[MAX_PASSWORD_LENGTH + 2];

      if (fgets (buffer, sizeof buffer, stdin) == NULL)
        buffer[0] = '\0';
      contents = g_strdup (buffer);
      length = strlen (contents);
      sodium_memzero (buffer, sizeof buffer);
    }
  else if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, SB_SERVER_ERROR, SB_SERVER_ERROR_USAGE, "Cannot read the password: %s",
                   local_error->message);
      return NULL;
    }

  contents[strcspn (contents, "\r\n")] = '\0';
  length = strlen (contents);
  if (length == 0 || length > MAX_PASSWORD_LENGTH || !g_utf8_validate (contents, -1, NULL))
    {
      g_set_error (error, SB_SERVER_ERROR, SB_SERVER_ERROR_USAGE,
                   "The password must be 1–%d characters of UTF-8 on the first line",
                   MAX_PASSWORD_LENGTH);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

/* The password of add and passwd: read, or generated and printed once. */
static char *
new_password (const SbServerSettings *settings, gboolean *out_generated, GError **error)
{
  *out_generated = settings->password_file == NULL;
  if (settings->password_file != NULL)
    return read_password (settings->password_file, error);
  return sb_password_generate ();
}

static gboolean
add_account (SbStore *store, const SbServerSettings *settings, GError **error)
{
  g_auto (SbSecret) password = NULL;
  g_auto (SbSecret) hash = NULL;
  g_autoptr (SbAccountRecord) record = NULL;
  gboolean generated;
  SbRole role;

  if (!sb_role_from_string (settings->user_role, &role))
    return usage_error (error, "Unknown role '%s' (expected viewer, clerk, manager or admin)",
                        settings->user_role);
  password = new_password (settings, &generated, error);
  if (password == NULL)
    return FALSE;
  hash = sb_password_hash (password, error);
  if (hash == NULL)
    return FALSE;
  record = sb_account_record_new (settings->user_name, role, hash, FALSE, 0);
  if (!sb_store_account_put (store, record, TRUE, sb_now_ms (), error))
    return FALSE;

  g_print ("Added %s (%s)\n", settings->user_name, sb_role_to_string (role));
  if (generated)
    g_print ("Password: %s\n(shown once; change it with: seatbook-server user passwd %s)\n",
             password, settings->user_name);
  return TRUE;
}

static const char *
action_done (const char *action)
{
  return g_str_equal (action, "disable") ? "disabled" : "enabled";
}

static gboolean
change_account (SbStore *store, const SbServerSettings *settings, GError **error)
{
  g_autoptr (SbAccountRecord) record = sb_store_account_get (store, settings->user_name, error);
  const char *action = settings->user_action;
  g_auto (SbSecret) password = NULL;
  gboolean generated = FALSE;

  if (record == NULL)
    return FALSE;

  if (g_str_equal (action, "passwd"))
    {
      g_auto (SbSecret) hash = NULL;

      password = new_password (settings, &generated, error);
      if (password == NULL)
        return FALSE;
      hash = sb_password_hash (password, error);
      if (hash == NULL)
        return FALSE;
      sb_secret_free (record->password_hash);
      record->password_hash = g_steal_pointer (&hash);
    }
  else if (g_str_equal (action, "disable") || g_str_equal (action, "enable"))
    record->disabled = g_str_equal (action, "disable");
  else if (g_str_equal (action, "set-role"))
    {
      if (!sb_role_from_string (settings->user_role, &record->role))
        return usage_error (error, "Unknown role '%s' (expected viewer, clerk, manager or admin)",
                            settings->user_role);
    }
  else
    g_assert_not_reached ();

  if (!sb_store_account_put (store, record, FALSE, sb_now_ms (), error))
    return FALSE;
  if (g_str_equal (action, "set-role"))
    g_print ("%s: role %s; its sessions have ended\n", settings->user_name,
             sb_role_to_string (record->role));
  else
    g_print ("%s: %s; its sessions have ended\n", settings->user_name,
             g_str_equal (action, "passwd") ? "new password" : action_done (action));
  if (generated)
    g_print ("Password: %s\n(shown once)\n", password);
  return TRUE;
}

static gboolean
list_accounts (SbStore *store, GError **error)
{
  g_autoptr (GPtrArray) records = sb_store_account_list (store, error);

  if (records == NULL)
    return FALSE;
  for (guint i = 0; i < records->len; i++)
    {
      const SbAccountRecord *record = g_ptr_array_index (records, i);

      g_print ("%s\t%s\t%s\n", record->username, sb_role_to_string (record->role),
               record->disabled ? "disabled" : "enabled");
    }
  return TRUE;
}

gboolean
sb_command_user (const SbServerSettings *settings, GError **error)
{
  g_return_val_if_fail (settings != NULL && settings->user_action != NULL, FALSE);

  const char *action = settings->user_action;
  g_autoptr (SbStore) store = NULL;

  if (!g_str_equal (action, "list"))
    {
      if (!sb_username_is_valid (settings->user_name))
        return usage_error (error,
                            "Invalid username '%s': 1–64 characters of a-z, 0-9, '.', '_' and "
                            "'-', starting with a letter or digit",
                            settings->user_name);
      /* The placeholder owns what was sold before accounts existed; it never signs in. */
      if (g_str_equal (settings->user_name, SB_LEGACY_ACCOUNT))
        return usage_error (error,
                            "The account '%s' is the placeholder of holds and bookings made "
                            "before accounts existed (docs/operations.md); it cannot be changed",
                            SB_LEGACY_ACCOUNT);
    }
  if (!sb_credentials_init (error))
    return FALSE;

  store = _sb_server_open_store (settings, error);
  if (store == NULL)
    return FALSE;

  if (g_str_equal (action, "add"))
    return add_account (store, settings, error);
  if (g_str_equal (action, "list"))
    return list_accounts (store, error);
  return change_account (store, settings, error);
}
