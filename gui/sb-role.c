/* sb-role.c: the roles of docs/protocol.md as the app sees them. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-role.h"

static const char *const role_names[] = {
  [SB_ROLE_NONE] = NULL,         [SB_ROLE_VIEWER] = "viewer", [SB_ROLE_CLERK] = "clerk",
  [SB_ROLE_MANAGER] = "manager", [SB_ROLE_ADMIN] = "admin",
};

SbRole
sb_role_from_string (const char *name)
{
  if (name == NULL)
    return SB_ROLE_NONE;
  for (guint i = SB_ROLE_VIEWER; i < G_N_ELEMENTS (role_names); i++)
    if (g_str_equal (name, role_names[i]))
      return (SbRole) i;
  return SB_ROLE_NONE;
}

const char *
sb_role_to_string (SbRole role)
{
  return (guint) role < G_N_ELEMENTS (role_names) ? role_names[role] : NULL;
}

const char *
sb_role_get_title (SbRole role)
{
  switch (role)
    {
      case SB_ROLE_VIEWER:
        return _ ("Viewer");
      case SB_ROLE_CLERK:
        return _ ("Clerk");
      case SB_ROLE_MANAGER:
        return _ ("Manager");
      case SB_ROLE_ADMIN:
        return _ ("Administrator");
      case SB_ROLE_NONE:
      default:
        return NULL;
    }
}

static SbRole
required_role (SbRoleAction action)
{
  switch (action)
    {
      case SB_ROLE_ACTION_HOLD:
        return SB_ROLE_CLERK;
      case SB_ROLE_ACTION_AUDIT:
      default:
        return SB_ROLE_MANAGER;
    }
}

gboolean
sb_role_allows (SbRole role, SbRoleAction action)
{
  return role == SB_ROLE_NONE || role >= required_role (action);
}

const char *
sb_role_get_refusal (SbRole role, SbRoleAction action)
{
  if (sb_role_allows (role, action))
    return NULL;
  switch (action)
    {
      case SB_ROLE_ACTION_HOLD:
        return _ ("Viewers cannot hold, book or release seats: a clerk account is needed");
      case SB_ROLE_ACTION_AUDIT:
      default:
        return _ ("Only managers can see a seat's history");
    }
}

char *
sb_sign_in_refusal_describe (const char *reason, gint64 retry_after_ms)
{
  if (g_strcmp0 (reason, "bad_credentials") == 0)
    return g_strdup (_ ("Wrong username or password."));
  if (g_strcmp0 (reason, "locked") == 0)
    {
      /* Rounded up: "try again in 0 minutes" would be a lie. */
      gint64 minutes = retry_after_ms > 0 ? (retry_after_ms + 59999) / 60000 : 0;

      if (minutes <= 0)
        return g_strdup (_ ("Too many failed sign-ins: this account is locked for now."));
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Too many failed sign-ins: this account is locked. "
                                           "Try again in %" G_GINT64_FORMAT " minute.",
                                           "Too many failed sign-ins: this account is locked. "
                                           "Try again in %" G_GINT64_FORMAT " minutes.",
                                           (gulong) minutes),
                              minutes);
    }
  if (g_strcmp0 (reason, "disabled") == 0)
    return g_strdup (_ ("This account is disabled. Ask an administrator to enable it."));
  if (g_strcmp0 (reason, "expired") == 0)
    return g_strdup (_ ("Your session expired. Please sign in again."));
  if (g_strcmp0 (reason, "revoked") == 0)
    return g_strdup (_ ("You were signed out (the password or the account changed). Please sign "
                        "in again."));
  return g_strdup (_ ("Please sign in."));
}
