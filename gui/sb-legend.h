/* sb-legend.h: the key under the seat map: each category's colour and price, then the colours
 * of the seat states. */
#pragma once

#include <gtk/gtk.h>

#include "sb-venue.h"

G_BEGIN_DECLS

#define SB_TYPE_LEGEND (sb_legend_get_type ())
G_DECLARE_FINAL_TYPE (SbLegend, sb_legend, SB, LEGEND, GtkWidget)

GtkWidget *sb_legend_new (void);

/* Shows the categories of venue (NULL: none). The venue shown already keeps its entries. */
void sb_legend_set_venue (SbLegend *self, SbVenue *venue);

G_END_DECLS
