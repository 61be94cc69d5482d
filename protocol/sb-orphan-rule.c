/* sb-orphan-rule.c: the orphan rule's names and the lone-seat test (sb-orphan-rule.h). */
#include "sb-orphan-rule.h"

#include <string.h>

static const char *const rule_names[] = {
  [SB_ORPHAN_RULE_OFF] = "off",
  [SB_ORPHAN_RULE_WARN] = "warn",
  [SB_ORPHAN_RULE_ENFORCE] = "enforce",
};

const char *
sb_orphan_rule_to_string (SbOrphanRule rule)
{
  if ((guint) rule >= G_N_ELEMENTS (rule_names))
    return NULL;
  return rule_names[rule];
}

gboolean
sb_orphan_rule_from_string (const char *text, SbOrphanRule *out_rule)
{
  g_return_val_if_fail (out_rule != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (rule_names); i++)
    if (strcmp (text, rule_names[i]) == 0)
      {
        *out_rule = (SbOrphanRule) i;
        return TRUE;
      }
  return FALSE;
}

/* What is on one side of a seat: a free seat, a taken seat, or nothing (row end, gap). */
typedef enum
{
  SIDE_FREE,
  SIDE_TAKEN,
  SIDE_CLOSED,
} Side;

static Side
side (SbVenue *venue, const guint8 *taken, guint seat, gboolean left)
{
  guint other;

  if (left)
    {
      if (seat == 0 || !sb_venue_seats_adjacent (venue, seat - 1))
        return SIDE_CLOSED;
      other = seat - 1;
    }
  else
    {
      if (!sb_venue_seats_adjacent (venue, seat))
        return SIDE_CLOSED;
      other = seat + 1;
    }
  return taken[other] ? SIDE_TAKEN : SIDE_FREE;
}

gboolean
sb_orphan_is_lone_seat (SbVenue *venue, const guint8 *taken, guint seat)
{
  Side left, right;

  g_return_val_if_fail (SB_IS_VENUE (venue), FALSE);
  g_return_val_if_fail (taken != NULL, FALSE);

  if (taken[seat])
    return FALSE;
  left = side (venue, taken, seat, TRUE);
  right = side (venue, taken, seat, FALSE);
  /* A seat alone between two gaps was always alone: no sale made it so. */
  return left != SIDE_FREE && right != SIDE_FREE && (left == SIDE_TAKEN || right == SIDE_TAKEN);
}

gint
sb_orphan_find_lone_seat (SbVenue *venue,
                          const guint8 *taken,
                          const guint *changed,
                          guint n_changed)
{
  g_return_val_if_fail (SB_IS_VENUE (venue), -1);
  g_return_val_if_fail (taken != NULL, -1);

  for (guint i = 0; i < n_changed; i++)
    {
      guint c = changed[i];

      /* The seat itself (freed) and its neighbours (next to a seat just taken). */
      if (sb_orphan_is_lone_seat (venue, taken, c))
        return (gint) c;
      if (c > 0 && sb_venue_seats_adjacent (venue, c - 1)
          && sb_orphan_is_lone_seat (venue, taken, c - 1))
        return (gint) c - 1;
      if (sb_venue_seats_adjacent (venue, c) && sb_orphan_is_lone_seat (venue, taken, c + 1))
        return (gint) c + 1;
    }
  return -1;
}
