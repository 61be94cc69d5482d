/* sb-legend.c: the seat map's key, a flow box of colour swatches and their meanings. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-legend.h"
#include "sb-seat-button.h"
#include "sb-util.h"

struct _SbLegend
{
  GtkWidget parent_instance;

  GtkFlowBox *flow_box;
  SbVenue *venue;
};

G_DEFINE_FINAL_TYPE (SbLegend, sb_legend, GTK_TYPE_WIDGET)

static void
draw_swatch (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  const GdkRGBA *colour = data;
  GdkRGBA foreground;
  double size = MIN (width, height);
  double r = size * 0.25;
  double x = (width - size) / 2, y = (height - size) / 2;

  cairo_new_sub_path (cr);
  cairo_arc (cr, x + size - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + size - r, y + size - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + size - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  /* No colour: our own seats, drawn like the seat map draws them, in the text colour. */
  if (colour == NULL)
    {
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &foreground);
      G_GNUC_END_IGNORE_DEPRECATIONS
      colour = &foreground;
    }
  gdk_cairo_set_source_rgba (cr, colour);
  cairo_fill (cr);
}

static void
add_item (SbLegend *self, const GdkRGBA *colour, const char *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *swatch = gtk_drawing_area_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 14);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 14);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch,
                                  colour != NULL ? gdk_rgba_copy (colour) : NULL,
                                  colour != NULL ? (GDestroyNotify) gdk_rgba_free : NULL);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), label);
  gtk_flow_box_append (self->flow_box, box);
}

static void
rebuild (SbLegend *self)
{
  static const GdkRGBA unused = { 0, 0, 0, 1 };
  static const struct
  {
    SbSeatStatus status;
    const char *text;
  } states[] = {
    { SB_SEAT_STATUS_MINE, N_ ("Held by you") },
    { SB_SEAT_STATUS_HELD, N_ ("Held by someone else") },
    { SB_SEAT_STATUS_BOOKED, N_ ("Booked") },
    { SB_SEAT_STATUS_BLOCKED, N_ ("Not for sale") },
  };
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->flow_box))) != NULL)
    gtk_flow_box_remove (self->flow_box, child);
  if (self->venue == NULL)
    return;

  for (guint c = 0; c < sb_venue_get_n_categories (self->venue); c++)
    {
      const SbCategory *category = sb_venue_get_category (self->venue, c);
      g_autofree char *price
          = sb_format_price (category->price, sb_venue_get_currency (self->venue));
      /* Translators: a legend entry: category name and price, e.g. "Premium — €65.00" */
      g_autofree char *text = g_strdup_printf (C_ ("legend", "%s — %s"), category->name, price);
      GdkRGBA colour;

      if (!gdk_rgba_parse (&colour, category->colour))
        continue;
      add_item (self, &colour, text);
    }
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      GdkRGBA colour;

      sb_seat_status_get_colour (states[i].status, &unused, &colour);
      add_item (self, states[i].status == SB_SEAT_STATUS_MINE ? NULL : &colour, _ (states[i].text));
    }
}

void
sb_legend_set_venue (SbLegend *self, SbVenue *venue)
{
  g_return_if_fail (SB_IS_LEGEND (self));
  g_return_if_fail (venue == NULL || SB_IS_VENUE (venue));

  if (!g_set_object (&self->venue, venue))
    return;
  rebuild (self);
}

static void
sb_legend_dispose (GObject *object)
{
  SbLegend *self = SB_LEGEND (object);

  g_clear_object (&self->venue);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_LEGEND);

  G_OBJECT_CLASS (sb_legend_parent_class)->dispose (object);
}

static void
sb_legend_class_init (SbLegendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_legend_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/seatbook/Seatbook/sb-legend.ui");
  gtk_widget_class_bind_template_child (widget_class, SbLegend, flow_box);
}

static void
sb_legend_init (SbLegend *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sb_legend_new (void)
{
  return g_object_new (SB_TYPE_LEGEND, NULL);
}
