/* sb-chart.h: a horizontal stacked bar chart's figures, how they are drawn with cairo and how
 * they are read out: the Reports page's seats per category and sales per day and per account.
 * The widget that shows one is sb-bar-chart.c; this part needs no display, so tests draw it. */
#pragma once

#include <cairo.h>
#include <gdk/gdk.h>
#include <graphene.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct _SbChart SbChart;

/* n_series stacked segments per bar (e.g. sold, held, free, blocked), each named and coloured.
 * currency: values are amounts in its minor units, formatted as prices; NULL: values are
 * counts. */
SbChart *sb_chart_new (guint n_series,
                       const char *const *series_names,
                       const GdkRGBA *series_colours,
                       const char *currency);
void sb_chart_free (SbChart *chart);

/* Appends a bar; values holds n_series figures, none negative. */
void sb_chart_add_bar (SbChart *chart, const char *label, const gint64 *values);

guint sb_chart_get_n_bars (const SbChart *chart);
guint sb_chart_get_n_series (const SbChart *chart);
gint64 sb_chart_get_value (const SbChart *chart, guint bar, guint series);
gint64 sb_chart_get_total (const SbChart *chart, guint bar);

/* How tall the chart wants to be drawn: one row per bar (at least one for "No data"). */
double sb_chart_get_height (const SbChart *chart);

/* The rectangle of one segment when drawn width wide (empty for a zero value), so that tests
 * and pointer hit-tests agree with the drawing. */
void sb_chart_get_segment_area (
    const SbChart *chart, double width, guint bar, guint series, graphene_rect_t *area);

/* Draws the chart from the top left, width wide and sb_chart_get_height () tall: each bar's
 * label on the left, its segments, its total at its end; text in text_colour. */
void sb_chart_draw (const SbChart *chart, cairo_t *cr, double width, const GdkRGBA *text_colour);

/* What a screen reader says: one sentence per bar, "Stalls: 120 sold and 4 held (124).", or
 * "Wed 2 Dec: €45.00." for a chart of one series. */
char *sb_chart_describe (const SbChart *chart);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbChart, sb_chart_free)

G_END_DECLS
