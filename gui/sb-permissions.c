/* sb-permissions.c: the role matrix of docs/protocol.md, as far as the app offers actions. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-permissions.h"

/* Each role may do everything the ones before it may. */
static const char *const roles_in_order[] = { "viewer", "clerk", "manager", "admin" };

/* -1 for a name this app does not know: it is then offered no more than a viewer (the server,
 * which knows the role, still decides). */
static int
role_rank (const char *role)
{
  for (guint i = 0; i < G_N_ELEMENTS (roles_in_order); i++)
    if (g_str_equal (role, roles_in_order[i]))
      return (int) i;
  return -1;
}

static int
required_rank (SbPermission permission)
{
  switch (permission)
    {
      case SB_PERMISSION_SELL:
      case SB_PERMISSION_FIND_BOOKINGS:
        return 1; /* clerk */
      case SB_PERMISSION_AUDIT:
      case SB_PERMISSION_CANCEL:
      case SB_PERMISSION_REPORTS:
      case SB_PERMISSION_BLOCK:
      case SB_PERMISSION_EVENTS:
      case SB_PERMISSION_OVERRIDE_ORPHAN_RULE:
      default:
        return 2; /* manager */
    }
}

gboolean
sb_permission_granted (const char *role, SbPermission permission)
{
  return role == NULL || role_rank (role) >= required_rank (permission);
}

const char *
sb_permission_get_refusal (const char *role, SbPermission permission)
{
  if (sb_permission_granted (role, permission))
    return NULL;
  switch (permission)
    {
      case SB_PERMISSION_SELL:
        return _ ("Your account can only view seats: holding, booking and releasing need a clerk "
                  "account");
      case SB_PERMISSION_OVERRIDE_ORPHAN_RULE:
        return _ ("Only managers can sell seats that leave a seat on its own");
      case SB_PERMISSION_FIND_BOOKINGS:
        return _ ("Your account can only view seats: finding bookings needs a clerk account");
      case SB_PERMISSION_CANCEL:
        return _ ("Only managers can cancel bookings");
      case SB_PERMISSION_REPORTS:
        return _ ("Only managers can see an event's report");
      case SB_PERMISSION_BLOCK:
        return _ ("Only managers can block and unblock seats");
      case SB_PERMISSION_EVENTS:
        return _ ("Only managers can create events and close sales");
      case SB_PERMISSION_AUDIT:
      default:
        return _ ("Only managers can see a seat's or booking's history");
    }
}

const char *
sb_permission_get_role_title (const char *role)
{
  switch (role != NULL ? role_rank (role) : -2)
    {
      case 0:
        return _ ("Viewer");
      case 1:
        return _ ("Clerk");
      case 2:
        return _ ("Manager");
      case 3:
        return _ ("Administrator");
      case -1:
        return role; /* a newer server's role: its own name is the best we have */
      default:
        return NULL;
    }
}
