/* sb-seat-labels.h: what the seat map writes over its seats (section names, row labels, seat
 * numbers, seat symbols) and the hover highlight, drawn for the part of the venue in view. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SB_TYPE_SEAT_LABELS (sb_seat_labels_get_type ())
G_DECLARE_FINAL_TYPE (SbSeatLabels, sb_seat_labels, SB, SEAT_LABELS, GtkWidget)

/* A child of an SbSeatMap, allocated over all of it; it reads the map's venue, zoom and scroll
 * position and takes no input. */
GtkWidget *sb_seat_labels_new (void);

G_END_DECLS
