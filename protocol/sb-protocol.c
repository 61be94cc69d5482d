/* sb-protocol.c: string tables of protocol v1 (seat states, error codes) and the error domain. */
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
};

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
