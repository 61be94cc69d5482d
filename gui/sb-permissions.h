/* sb-permissions.h: what an account's role lets the app offer, and why not.
 *
 * The server checks every request against the role (docs/protocol.md); the app mirrors the rules
 * only to make actions insensitive and say why, instead of letting a click fail. Roles are the
 * protocol's names ("viewer", "clerk", "manager", "admin"), as SbConnection's `role` property
 * carries them; NULL means no account: a server without accounts, where the server decides. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  SB_PERMISSION_SELL,  /* hold, book, release: clerk and up */
  SB_PERMISSION_AUDIT, /* a seat's or booking's history: manager and up */
  /* a hold or booking that the event's orphan rule refuses, done anyway: manager and up */
  SB_PERMISSION_OVERRIDE_ORPHAN_RULE,
  SB_PERMISSION_FIND_BOOKINGS, /* find_bookings: clerk and up */
  SB_PERMISSION_CANCEL,        /* cancel a booking or some of its seats: manager and up */
  SB_PERMISSION_REPORTS,       /* an event's report: manager and up */
  SB_PERMISSION_BLOCK,         /* block and unblock seats: manager and up */
  SB_PERMISSION_EVENTS,        /* create_event, close_sales: manager and up */
} SbPermission;

gboolean sb_permission_granted (const char *role, SbPermission permission);
/* Why role lacks permission, for a tooltip; NULL when it has it. */
const char *sb_permission_get_refusal (const char *role, SbPermission permission);
/* The role's name for people ("Clerk"); NULL for NULL. */
const char *sb_permission_get_role_title (const char *role);

G_END_DECLS
