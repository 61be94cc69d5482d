/* sb-chart.c: a stacked bar chart's figures, drawing and description (sb-chart.h). Drawn with
 * cairo and Pango only, like the ticket, so that it needs no display and tests can look at its
 * pixels. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "sb-chart.h"
#include "sb-util.h"

#define ROW_HEIGHT 30.0
#define BAR_HEIGHT 18.0
#define GAP 8.0
#define LABEL_WIDTH_MAX 160.0
#define TOTAL_WIDTH 96.0
#define SWATCH 12.0

typedef struct
{
  char *label;
  gint64 *values;
  gint64 total;
} Bar;

struct _SbChart
{
  guint n_series;
  char **series_names;
  GdkRGBA *series_colours;
  char *currency;
  GArray *bars; /* of Bar */
  gint64 largest_total;
};

static void
bar_clear (gpointer data)
{
  Bar *bar = data;

  g_free (bar->label);
  g_free (bar->values);
}

SbChart *
sb_chart_new (guint n_series,
              const char *const *series_names,
              const GdkRGBA *series_colours,
              const char *currency)
{
  SbChart *chart;

  g_return_val_if_fail (n_series > 0, NULL);
  g_return_val_if_fail (series_names != NULL && series_colours != NULL, NULL);

  chart = g_new0 (SbChart, 1);
  chart->n_series = n_series;
  chart->series_names = g_new0 (char *, n_series + 1);
  for (guint i = 0; i < n_series; i++)
    chart->series_names[i] = g_strdup (series_names[i]);
  chart->series_colours = g_memdup2 (series_colours, n_series * sizeof (GdkRGBA));
  chart->currency = g_strdup (currency);
  chart->bars = g_array_new (FALSE, TRUE, sizeof (Bar));
  g_array_set_clear_func (chart->bars, bar_clear);
  return chart;
}

void
sb_chart_free (SbChart *chart)
{
  if (chart == NULL)
    return;
  g_strfreev (chart->series_names);
  g_free (chart->series_colours);
  g_free (chart->currency);
  g_array_unref (chart->bars);
  g_free (chart);
}

void
sb_chart_add_bar (SbChart *chart, const char *label, const gint64 *values)
{
  Bar bar = { 0 };

  g_return_if_fail (chart != NULL && label != NULL && values != NULL);

  bar.label = g_strdup (label);
  bar.values = g_memdup2 (values, chart->n_series * sizeof (gint64));
  for (guint i = 0; i < chart->n_series; i++)
    {
      g_return_if_fail (values[i] >= 0);
      bar.total += values[i];
    }
  chart->largest_total = MAX (chart->largest_total, bar.total);
  g_array_append_val (chart->bars, bar);
}

guint
sb_chart_get_n_bars (const SbChart *chart)
{
  return chart->bars->len;
}

guint
sb_chart_get_n_series (const SbChart *chart)
{
  return chart->n_series;
}

gint64
sb_chart_get_value (const SbChart *chart, guint bar, guint series)
{
  g_return_val_if_fail (bar < chart->bars->len && series < chart->n_series, 0);
  return g_array_index (chart->bars, Bar, bar).values[series];
}

gint64
sb_chart_get_total (const SbChart *chart, guint bar)
{
  g_return_val_if_fail (bar < chart->bars->len, 0);
  return g_array_index (chart->bars, Bar, bar).total;
}

/* A chart of several series starts with their key: each colour and its name. */
static double
legend_height (const SbChart *chart)
{
  return chart->n_series > 1 ? ROW_HEIGHT : 0.0;
}

double
sb_chart_get_height (const SbChart *chart)
{
  return legend_height (chart) + ROW_HEIGHT * MAX (chart->bars->len, 1);
}

static char *
format_value (const SbChart *chart, gint64 value)
{
  return chart->currency != NULL ? sb_format_price (value, chart->currency)
                                 : sb_format_count (value);
}

/* The label column takes a third of a narrow chart and at most LABEL_WIDTH_MAX of a wide one;
 * the totals keep their own column so that bars of equal value end at the same x. */
static void
get_bar_span (double width, double *bar_x, double *bar_width)
{
  double label_width = MIN (LABEL_WIDTH_MAX, width / 3.0);

  *bar_x = label_width + GAP;
  *bar_width = MAX (0.0, width - *bar_x - GAP - TOTAL_WIDTH);
}

void
sb_chart_get_segment_area (
    const SbChart *chart, double width, guint bar, guint series, graphene_rect_t *area)
{
  const Bar *row;
  double bar_x, bar_width, x;

  g_return_if_fail (bar < chart->bars->len && series < chart->n_series && area != NULL);

  row = &g_array_index (chart->bars, Bar, bar);
  get_bar_span (width, &bar_x, &bar_width);
  x = bar_x;
  for (guint i = 0; i < series; i++)
    x += chart->largest_total > 0 ? bar_width * row->values[i] / chart->largest_total : 0.0;
  graphene_rect_init (
      area, (float) x,
      (float) (legend_height (chart) + bar * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2.0),
      chart->largest_total > 0 ? (float) (bar_width * row->values[series] / chart->largest_total)
                               : 0.0f,
      (float) BAR_HEIGHT);
}

static void
show_text (cairo_t *cr,
           const char *text,
           double x,
           double width,
           double row_top,
           PangoAlignment alignment,
           const GdkRGBA *colour)
{
  g_autoptr (PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr (PangoFontDescription) font = pango_font_description_from_string ("Sans 10");
  int text_height;

  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (MAX (width, 1.0) * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_size (layout, NULL, &text_height);
  gdk_cairo_set_source_rgba (cr, colour);
  cairo_move_to (cr, x, row_top + (ROW_HEIGHT - (double) text_height / PANGO_SCALE) / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static double
text_width (cairo_t *cr, const char *text)
{
  g_autoptr (PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr (PangoFontDescription) font = pango_font_description_from_string ("Sans 10");
  int width;

  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_size (layout, &width, NULL);
  return (double) width / PANGO_SCALE;
}

static void
draw_legend (const SbChart *chart, cairo_t *cr, double x, double width, const GdkRGBA *text_colour)
{
  for (guint series = 0; series < chart->n_series && x + SWATCH < width; series++)
    {
      const char *name = chart->series_names[series];
      double name_width = text_width (cr, name);

      gdk_cairo_set_source_rgba (cr, &chart->series_colours[series]);
      cairo_rectangle (cr, x, (ROW_HEIGHT - SWATCH) / 2.0, SWATCH, SWATCH);
      cairo_fill (cr);
      show_text (cr, name, x + SWATCH + 4.0, MIN (name_width + 1.0, width - x - SWATCH - 4.0), 0,
                 PANGO_ALIGN_LEFT, text_colour);
      x += SWATCH + 4.0 + name_width + 2 * GAP;
    }
}

void
sb_chart_draw (const SbChart *chart, cairo_t *cr, double width, const GdkRGBA *text_colour)
{
  double bar_x, bar_width;

  g_return_if_fail (chart != NULL && cr != NULL && text_colour != NULL);

  get_bar_span (width, &bar_x, &bar_width);
  cairo_save (cr);
  if (chart->n_series > 1)
    draw_legend (chart, cr, bar_x, width, text_colour);
  if (chart->bars->len == 0)
    show_text (cr, _ ("No data"), 0, width, legend_height (chart), PANGO_ALIGN_CENTER, text_colour);
  for (guint bar = 0; bar < chart->bars->len; bar++)
    {
      const Bar *row = &g_array_index (chart->bars, Bar, bar);
      g_autofree char *total = format_value (chart, row->total);
      double row_top = legend_height (chart) + bar * ROW_HEIGHT;

      show_text (cr, row->label, 0, bar_x - GAP, row_top, PANGO_ALIGN_RIGHT, text_colour);
      for (guint series = 0; series < chart->n_series; series++)
        {
          graphene_rect_t area;

          sb_chart_get_segment_area (chart, width, bar, series, &area);
          if (area.size.width <= 0.0f)
            continue;
          gdk_cairo_set_source_rgba (cr, &chart->series_colours[series]);
          cairo_rectangle (cr, area.origin.x, area.origin.y, area.size.width, area.size.height);
          cairo_fill (cr);
        }
      show_text (cr, total, width - TOTAL_WIDTH, TOTAL_WIDTH, row_top, PANGO_ALIGN_RIGHT,
                 text_colour);
    }
  cairo_restore (cr);
}

char *
sb_chart_describe (const SbChart *chart)
{
  g_autoptr (GString) text = g_string_new (NULL);

  g_return_val_if_fail (chart != NULL, NULL);

  if (chart->bars->len == 0)
    return g_strdup (_ ("No data"));
  for (guint bar = 0; bar < chart->bars->len; bar++)
    {
      const Bar *row = &g_array_index (chart->bars, Bar, bar);
      g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *total = format_value (chart, row->total);
      g_autofree char *list = NULL;

      if (text->len > 0)
        g_string_append_c (text, ' ');
      /* One series: the figure is the bar's total, said once. */
      if (chart->n_series == 1)
        {
          /* TRANSLATORS: one bar of a single figure read out, e.g. "Wed 2 Dec: €45.00." */
          g_string_append_printf (text, _ ("%s: %s."), row->label, total);
          continue;
        }
      for (guint series = 0; series < chart->n_series; series++)
        {
          g_autofree char *value = format_value (chart, row->values[series]);

          /* TRANSLATORS: one segment of a bar read out, e.g. "120 sold" */
          g_ptr_array_add (
              parts, g_strdup_printf (C_ ("chart", "%s %s"), value, chart->series_names[series]));
        }
      list = sb_join_list ((const char *const *) parts->pdata, parts->len);
      /* TRANSLATORS: one bar read out: its label, its segments and their total, e.g.
       * "Stalls: 120 sold, 4 held and 30 free (154)." */
      g_string_append_printf (text, _ ("%s: %s (%s)."), row->label, list, total);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
