/* sb-seat-text.h: the words that describe a seat (its flags, the map's tooltip). */
#pragma once

#include <glib.h>

#include "sb-seat-button.h"
#include "sb-venue.h"

G_BEGIN_DECLS

/* "wheelchair space, companion seat", or NULL for a seat without flags. */
char *sb_seat_text_flags (SbSeatFlags flags);

/* The symbol the map draws on a seat with these flags instead of its number ("♿", "✚", "◐"),
 * the most important flag's, or NULL. */
const char *sb_seat_text_flag_symbol (SbSeatFlags flags);

/* The tooltip of a seat: where it is, its category and price, its state and flags. */
char *sb_seat_text_tooltip (SbVenue *venue, guint index, SbSeatStatus status);

G_END_DECLS
