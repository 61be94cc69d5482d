/* sb-bar-chart.c: the widget of a stacked bar chart (sb-bar-chart.h). The drawing is
 * sb-chart.c's, through cairo, so that what tests draw without a display is what users see. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-bar-chart.h"

#define MIN_WIDTH 240

struct _SbBarChart
{
  GtkWidget parent_instance;

  SbChart *chart;
};

G_DEFINE_FINAL_TYPE (SbBarChart, sb_bar_chart, GTK_TYPE_WIDGET)

static void
sb_bar_chart_measure (GtkWidget *widget,
                      GtkOrientation orientation,
                      int for_size,
                      int *minimum,
                      int *natural,
                      int *minimum_baseline,
                      int *natural_baseline)
{
  SbBarChart *self = SB_BAR_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = MIN_WIDTH;
  else
    *minimum = *natural = self->chart != NULL ? (int) sb_chart_get_height (self->chart) : 0;
}

static void
sb_bar_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  SbBarChart *self = SB_BAR_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA foreground;
  cairo_t *cr;

  if (self->chart == NULL || width <= 0 || height <= 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS /* gtk_widget_get_color () is GTK 4.10 */
      gtk_style_context_get_color (gtk_widget_get_style_context (widget), &foreground);
  G_GNUC_END_IGNORE_DEPRECATIONS
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  sb_chart_draw (self->chart, cr, width, &foreground);
  cairo_destroy (cr);
}

static void
sb_bar_chart_finalize (GObject *object)
{
  SbBarChart *self = SB_BAR_CHART (object);

  g_clear_pointer (&self->chart, sb_chart_free);
  G_OBJECT_CLASS (sb_bar_chart_parent_class)->finalize (object);
}

static void
sb_bar_chart_class_init (SbBarChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sb_bar_chart_finalize;
  widget_class->measure = sb_bar_chart_measure;
  widget_class->snapshot = sb_bar_chart_snapshot;
  gtk_widget_class_set_css_name (widget_class, "barchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sb_bar_chart_init (SbBarChart *self)
{
}

GtkWidget *
sb_bar_chart_new (void)
{
  return g_object_new (SB_TYPE_BAR_CHART, NULL);
}

void
sb_bar_chart_set_chart (SbBarChart *self, SbChart *chart)
{
  g_autofree char *description = NULL;

  g_return_if_fail (SB_IS_BAR_CHART (self));

  g_clear_pointer (&self->chart, sb_chart_free);
  self->chart = chart;
  description = chart != NULL ? sb_chart_describe (chart) : NULL;
  if (description != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    description, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const SbChart *
sb_bar_chart_get_chart (SbBarChart *self)
{
  g_return_val_if_fail (SB_IS_BAR_CHART (self), NULL);
  return self->chart;
}
