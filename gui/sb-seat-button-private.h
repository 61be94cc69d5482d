/* sb-seat-button-private.h: the parts of SbSeatButton that only the seat map may use. */
#pragma once

#include "sb-seat-button.h"

G_BEGIN_DECLS

/* label: "Row C seat 12"; details: category name and price, appended to the status in the
 * accessible description. */
SbSeatButton *sb_seat_button_new (guint index,
                                  const GdkRGBA *category_colour,
                                  const char *label,
                                  const char *details);

/* A seat drawn for the legend: status and selection as on the map, but not a seat. */
SbSeatButton *
sb_seat_button_new_sample (SbSeatStatus status, gboolean selected, const GdkRGBA *category_colour);

/* Both only queue a redraw and update the accessible state: a seat never changes size. */
void sb_seat_button_set_status (SbSeatButton *self, SbSeatStatus status);
void sb_seat_button_set_selected (SbSeatButton *self, gboolean selected);
/* A seat of the booking shown on the Bookings page: a ring, and said in the description. */
void sb_seat_button_set_highlighted (SbSeatButton *self, gboolean highlighted);

G_END_DECLS
