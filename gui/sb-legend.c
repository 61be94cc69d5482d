/* sb-legend.c: the seat map's key: a sample seat for each category and each state, drawn by the
 * map's own seat code, and the symbols the venue's seats carry, each with its meaning. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-legend.h"
#include "sb-seat-button-private.h"
#include "sb-seat-text.h"
#include "sb-util.h"

struct _SbLegend
{
  GtkWidget parent_instance;

  GtkFlowBox *flow_box;
  SbVenue *venue;
};

G_DEFINE_FINAL_TYPE (SbLegend, sb_legend, GTK_TYPE_WIDGET)

/* One entry: a sample (a seat drawn as the map draws it, or a symbol) and its meaning. */
static void
add_item (SbLegend *self, GtkWidget *sample, const char *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_size_request (sample, 18, 18);
  gtk_widget_set_valign (sample, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), sample);
  gtk_box_append (GTK_BOX (box), label);
  gtk_flow_box_append (self->flow_box, box);
}

static void
add_seat_item (
    SbLegend *self, SbSeatStatus status, gboolean selected, const GdkRGBA *colour, const char *text)
{
  add_item (self, GTK_WIDGET (sb_seat_button_new_sample (status, selected, colour)), text);
}

static SbSeatFlags
venue_flags (SbVenue *venue)
{
  SbSeatFlags flags = 0;

  for (guint i = 0; i < sb_venue_get_n_seats (venue); i++)
    flags |= sb_venue_get_seat (venue, i)->flags;
  return flags;
}

static void
rebuild (SbLegend *self)
{
  static const struct
  {
    SbSeatStatus status;
    gboolean selected;
    const char *text;
  } states[] = {
    { SB_SEAT_STATUS_FREE, TRUE, N_ ("Chosen") },
    { SB_SEAT_STATUS_MINE, FALSE, N_ ("Held by you") },
    { SB_SEAT_STATUS_HELD, FALSE, N_ ("Held by someone else") },
    { SB_SEAT_STATUS_BOOKED, FALSE, N_ ("Booked") },
    { SB_SEAT_STATUS_BLOCKED, FALSE, N_ ("Not for sale") },
  };
  static const struct
  {
    SbSeatFlags flag;
    const char *text;
  } symbols[] = {
    { SB_SEAT_FLAG_WHEELCHAIR, N_ ("Wheelchair space") },
    { SB_SEAT_FLAG_COMPANION, N_ ("Companion seat") },
    { SB_SEAT_FLAG_RESTRICTED_VIEW, N_ ("Restricted view") },
  };
  /* "Chosen" is drawn on the first category's colour, as a chosen seat would be. */
  GdkRGBA first_colour = { 0.5f, 0.5f, 0.5f, 1.0f };
  GtkWidget *child;
  SbSeatFlags flags;

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
      if (c == 0)
        first_colour = colour;
      add_seat_item (self, SB_SEAT_STATUS_FREE, FALSE, &colour, text);
    }
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    add_seat_item (self, states[i].status, states[i].selected, &first_colour, _ (states[i].text));

  /* Only the symbols this venue uses. */
  flags = venue_flags (self->venue);
  for (guint i = 0; i < G_N_ELEMENTS (symbols); i++)
    {
      GtkWidget *symbol;

      if (!(flags & symbols[i].flag))
        continue;
      symbol = gtk_label_new (sb_seat_text_flag_symbol (symbols[i].flag));
      /* The words beside it say it. */
      gtk_accessible_update_state (GTK_ACCESSIBLE (symbol), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
      add_item (self, symbol, _ (symbols[i].text));
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
