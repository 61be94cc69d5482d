/* sb-bar-chart.h: a widget showing an SbChart (sb-chart.h), read out by screen readers as one
 * sentence per bar. */
#pragma once

#include <gtk/gtk.h>

#include "sb-chart.h"

G_BEGIN_DECLS

#define SB_TYPE_BAR_CHART (sb_bar_chart_get_type ())
G_DECLARE_FINAL_TYPE (SbBarChart, sb_bar_chart, SB, BAR_CHART, GtkWidget)

GtkWidget *sb_bar_chart_new (void);

/* Shows chart (taking it; NULL: nothing to show). */
void sb_bar_chart_set_chart (SbBarChart *self, SbChart *chart);
const SbChart *sb_bar_chart_get_chart (SbBarChart *self);

G_END_DECLS
