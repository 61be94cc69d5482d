/* sb-orphan-rule.h: the orphan rule of an event (docs/protocol.md, "The orphan rule"): whether a
 * change may leave one free seat on its own between taken seats, or between a taken seat and the
 * end of its row or a gap. Shared by the server's store rules, the best-available search and the
 * app, so that every one of them finds the same lone seat. */
#pragma once

#include "sb-venue.h"

G_BEGIN_DECLS

typedef enum
{
  SB_ORPHAN_RULE_OFF,     /* anything goes */
  SB_ORPHAN_RULE_WARN,    /* accepted, with a warning naming the seat */
  SB_ORPHAN_RULE_ENFORCE, /* refused, naming the seat */
} SbOrphanRule;

const char *sb_orphan_rule_to_string (SbOrphanRule rule);
/* "off", "warn" or "enforce"; FALSE for anything else. */
gboolean sb_orphan_rule_from_string (const char *text, SbOrphanRule *out_rule);

/* Is free seat `seat` alone: no free neighbour in its row on either side (a row's end and a gap
 * count as closed), and at least one neighbour taken? taken has one byte per seat of the venue,
 * non-zero for a seat that is held, booked or blocked. */
gboolean sb_orphan_is_lone_seat (SbVenue *venue, const guint8 *taken, guint seat);

/* The first lone seat that a change of the seats in changed (indices whose taken/free state the
 * change flips; taken already shows the state after it) leaves, or -1. Only the changed seats and
 * their neighbours are looked at: a lone seat elsewhere is not this change's doing. For a check
 * that must be cheap, taken needs to be right only for those seats and two more on each side. */
gint sb_orphan_find_lone_seat (SbVenue *venue,
                               const guint8 *taken,
                               const guint *changed,
                               guint n_changed);

G_END_DECLS
