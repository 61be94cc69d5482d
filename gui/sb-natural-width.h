/* sb-natural-width.h: a one-child container whose natural width is set, not measured. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SB_TYPE_NATURAL_WIDTH (sb_natural_width_get_type ())
G_DECLARE_FINAL_TYPE (SbNaturalWidth, sb_natural_width, SB, NATURAL_WIDTH, GtkWidget)

GtkWidget *sb_natural_width_new (void);
GtkWidget *sb_natural_width_get_child (SbNaturalWidth *self);
void sb_natural_width_set_child (SbNaturalWidth *self, GtkWidget *child);
int sb_natural_width_get_natural_width (SbNaturalWidth *self);
void sb_natural_width_set_natural_width (SbNaturalWidth *self, int natural_width);

G_END_DECLS
