/* sb-role.h: what an account's role lets the app do, and how a refused sign-in reads.
 *
 * The server checks every request against the role (docs/protocol.md); the app only mirrors the
 * rules so that it can make actions insensitive and say why, instead of letting a click fail. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Each role includes everything the one before it may do. SB_ROLE_NONE: not signed in, or a
 * server without accounts (the app then lets the server decide). */
typedef enum
{
  SB_ROLE_NONE,
  SB_ROLE_VIEWER,
  SB_ROLE_CLERK,
  SB_ROLE_MANAGER,
  SB_ROLE_ADMIN,
} SbRole;

/* What the app offers that a role may be refused. */
typedef enum
{
  SB_ROLE_ACTION_HOLD, /* hold, book, release */
  SB_ROLE_ACTION_AUDIT,
} SbRoleAction;

/* "viewer" … "admin"; SB_ROLE_NONE for NULL or a name this app does not know. */
SbRole sb_role_from_string (const char *name);
const char *sb_role_to_string (SbRole role);
/* The role's name for people ("Clerk"). */
const char *sb_role_get_title (SbRole role);

/* TRUE when role may do action. SB_ROLE_NONE allows everything: the server has no accounts. */
gboolean sb_role_allows (SbRole role, SbRoleAction action);
/* Why role may not do action, for a tooltip; NULL when it may. */
const char *sb_role_get_refusal (SbRole role, SbRoleAction action);

/* A refused sign-in (`unauthenticated` with its `reason`) as one sentence for the sign-in page.
 * retry_after_ms is used with "locked". */
char *sb_sign_in_refusal_describe (const char *reason, gint64 retry_after_ms);

G_END_DECLS
