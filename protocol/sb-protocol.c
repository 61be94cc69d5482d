/* sb-protocol.c: string tables of the protocol (seat states, error codes, roles, sign-in failure
 * reasons) and the error domain. */
#include "sb-protocol.h"

#include <string.h>

/* Indexed by SbSeatState; these are the wire spellings of docs/protocol.md. */
static const char *const seat_state_names[] = {
  [SB_SEAT_FREE] = "free",
  [SB_SEAT_HELD] = "held",
  [SB_SEAT_BOOKED] = "booked",
  [SB_SEAT_BLOCKED] = "blocked",
};

/* Indexed by SbErrorCode; SB_ERROR_NONE has no wire form. */
static const char *const error_code_names[] = {
  [SB_ERROR_NONE] = NULL,
  [SB_ERROR_SEAT_UNAVAILABLE] = "seat_unavailable",
  [SB_ERROR_HOLD_EXPIRED] = "hold_expired",
  [SB_ERROR_NOT_FOUND] = "not_found",
  [SB_ERROR_INVALID_REQUEST] = "invalid_request",
  [SB_ERROR_RATE_LIMITED] = "rate_limited",
  [SB_ERROR_FORBIDDEN] = "forbidden",
  [SB_ERROR_UNAVAILABLE] = "unavailable",
  [SB_ERROR_INTERNAL] = "internal_error",
  [SB_ERROR_NOT_ENOUGH_SEATS] = "not_enough_seats",
  [SB_ERROR_LONE_SEAT] = "lone_seat",
  [SB_ERROR_UNAUTHENTICATED] = "unauthenticated",
  [SB_ERROR_SALES_NOT_OPEN] = "sales_not_open",
  [SB_ERROR_SALES_CLOSED] = "sales_closed",
  [SB_ERROR_EXISTS] = "exists",
};

static const char *const role_names[] = {
  [SB_ROLE_VIEWER] = "viewer",
  [SB_ROLE_CLERK] = "clerk",
  [SB_ROLE_MANAGER] = "manager",
  [SB_ROLE_ADMIN] = "admin",
};

static const char *const auth_reason_names[] = {
  [SB_AUTH_REQUIRED] = "required", [SB_AUTH_BAD_CREDENTIALS] = "bad_credentials",
  [SB_AUTH_LOCKED] = "locked",     [SB_AUTH_EXPIRED] = "expired",
  [SB_AUTH_REVOKED] = "revoked",   [SB_AUTH_DISABLED] = "disabled",
};

/* The index of @string in @names, or -1. */
static gint
find_name (const char *const *names, guint n_names, const char *string)
{
  if (string == NULL)
    return -1;
  for (guint i = 0; i < n_names; i++)
    if (names[i] != NULL && strcmp (string, names[i]) == 0)
      return (gint) i;
  return -1;
}

const char *
sb_role_to_string (SbRole role)
{
  if ((guint) role >= G_N_ELEMENTS (role_names))
    return NULL;
  return role_names[role];
}

gboolean
sb_role_from_string (const char *string, SbRole *out_role)
{
  gint i = find_name (role_names, G_N_ELEMENTS (role_names), string);

  if (i < 0)
    return FALSE;
  if (out_role != NULL)
    *out_role = (SbRole) i;
  return TRUE;
}

static const char *const refund_kind_names[] = {
  [SB_REFUND_NONE] = "none",
  [SB_REFUND_FULL] = "full",
  [SB_REFUND_PARTIAL] = "partial",
};

const char *
sb_refund_kind_to_string (SbRefundKind kind)
{
  if ((guint) kind >= G_N_ELEMENTS (refund_kind_names))
    return NULL;
  return refund_kind_names[kind];
}

gboolean
sb_refund_kind_from_string (const char *string, SbRefundKind *out_kind)
{
  gint i = find_name (refund_kind_names, G_N_ELEMENTS (refund_kind_names), string);

  if (i < 0)
    return FALSE;
  if (out_kind != NULL)
    *out_kind = (SbRefundKind) i;
  return TRUE;
}

const char *
sb_auth_reason_to_string (SbAuthReason reason)
{
  if ((guint) reason >= G_N_ELEMENTS (auth_reason_names))
    return NULL;
  return auth_reason_names[reason];
}

gboolean
sb_auth_reason_from_string (const char *string, SbAuthReason *out_reason)
{
  gint i = find_name (auth_reason_names, G_N_ELEMENTS (auth_reason_names), string);

  if (i < 0)
    return FALSE;
  if (out_reason != NULL)
    *out_reason = (SbAuthReason) i;
  return TRUE;
}

const char *
sb_seat_state_to_string (SbSeatState state)
{
  if ((guint) state >= G_N_ELEMENTS (seat_state_names))
    return NULL;
  return seat_state_names[state];
}

gboolean
sb_seat_state_from_string (const char *string, SbSeatState *out_state)
{
  if (string == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (seat_state_names); i++)
    {
      if (strcmp (string, seat_state_names[i]) == 0)
        {
          if (out_state != NULL)
            *out_state = (SbSeatState) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
sb_error_code_to_string (SbErrorCode code)
{
  if ((guint) code >= G_N_ELEMENTS (error_code_names))
    return NULL;
  return error_code_names[code];
}

gboolean
sb_error_code_from_string (const char *string, SbErrorCode *out_code)
{
  if (string == NULL)
    return FALSE;

  /* Start at 1: "none" is not a wire code. */
  for (guint i = 1; i < G_N_ELEMENTS (error_code_names); i++)
    {
      if (strcmp (string, error_code_names[i]) == 0)
        {
          if (out_code != NULL)
            *out_code = (SbErrorCode) i;
          return TRUE;
        }
    }
  return FALSE;
}

/* clang-format would put spaces around the dashes of the quark name. */
/* clang-format off */
G_DEFINE_QUARK (sb-protocol-error-quark, sb_protocol_error)
/* clang-format on */

/* The wall clock is read once, at the first call; from then on the time advances with the
 * monotonic clock. A hold's expiry is judged against this clock, so stepping the wall clock while
 * the process runs (an operator, NTP slewing a badly set clock) neither expires a 600 s hold at
 * once nor keeps an expired one bookable. The times it gives are still Unix milliseconds, so the
 * expires_at a store keeps stays wall time across a restart, which re-reads the wall clock. */
gint64
sb_now_ms (void)
{
  static gsize anchored = 0;
  static gint64 wall_at_anchor_us;
  static gint64 monotonic_at_anchor_us;

  if (g_once_init_enter (&anchored))
    {
      monotonic_at_anchor_us = g_get_monotonic_time ();
      wall_at_anchor_us = g_get_real_time ();
      g_once_init_leave (&anchored, 1);
    }
  return (wall_at_anchor_us + (g_get_monotonic_time () - monotonic_at_anchor_us)) / 1000;
}
