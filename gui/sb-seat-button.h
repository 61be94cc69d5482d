/* sb-seat-button.h: one seat of the seat map, a small custom-drawn, accessible button. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What the seat means to this desk; finer than SbSeatState because a hold is either ours or
 * someone else's, and that is the difference the user cares about. */
typedef enum
{
  SB_SEAT_STATUS_FREE,
  SB_SEAT_STATUS_MINE,
  SB_SEAT_STATUS_HELD,
  SB_SEAT_STATUS_BOOKED,
  SB_SEAT_STATUS_BLOCKED,
} SbSeatStatus;

#define SB_TYPE_SEAT_BUTTON (sb_seat_button_get_type ())
G_DECLARE_FINAL_TYPE (SbSeatButton, sb_seat_button, SB, SEAT_BUTTON, GtkWidget)

guint sb_seat_button_get_index (SbSeatButton *self);
SbSeatStatus sb_seat_button_get_status (SbSeatButton *self);
gboolean sb_seat_button_get_selected (SbSeatButton *self);

/* The fill colour a seat in that status is drawn with; category is used for free seats. */
void sb_seat_status_get_colour (SbSeatStatus status, const GdkRGBA *category, GdkRGBA *out_colour);

/* "Free", "Held by you", "Held by someone else", "Booked", "Not for sale" (translated). */
const char *sb_seat_status_to_string (SbSeatStatus status);

G_END_DECLS
