/* sb-seat-button.c: one seat of the seat map.
 *
 * A seat map has thousands of seats, and each must be reachable by screen readers and by
 * AT-SPI tests, which GTK 4.8 only offers for real widgets (custom accessible children of one
 * drawing area arrived in 4.10). So a seat is a widget, but the cheapest one possible: no CSS
 * drawing, no children, no event controllers of its own (the map has one click gesture for all
 * seats), drawn with two or three render nodes. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-seat-button-private.h"

struct _SbSeatButton
{
  GtkWidget parent_instance;

  guint index;
  GdkRGBA category_colour;
  char *details;
  SbSeatStatus status;
  gboolean selected;
  gboolean highlighted;
};

G_DEFINE_FINAL_TYPE (SbSeatButton, sb_seat_button, GTK_TYPE_WIDGET)

/* Colours that read on both the light and the dark style: held and booked seats are
 * translucent so they recede. Only free seats are coloured: any colour may also be a venue's
 * category colour (an amber "held" was next to the theatre's restricted-view gold), so the other
 * states are neutral and told apart by shape: our own seats take the text colour plus a dot,
 * someone else's hold is hatched and outlined, a booked seat is grey with a bar, a seat not for
 * sale is faint. */
static const GdkRGBA colour_held = { 0.467, 0.463, 0.482, 0.12 };
static const GdkRGBA colour_booked = { 0.467, 0.463, 0.482, 0.55 };
static const GdkRGBA colour_blocked = { 0.467, 0.463, 0.482, 0.18 };

void
sb_seat_status_get_colour (SbSeatStatus status, const GdkRGBA *category, GdkRGBA *out_colour)
{
  switch (status)
    {
      case SB_SEAT_STATUS_FREE:
        *out_colour = *category;
        break;
      case SB_SEAT_STATUS_MINE:
        /* Callers draw our own seats in the text colour; this is only a fallback. */
        *out_colour = (GdkRGBA){ 0.14f, 0.12f, 0.19f, 1.0f };
        break;
      case SB_SEAT_STATUS_HELD:
        *out_colour = colour_held;
        break;
      case SB_SEAT_STATUS_BOOKED:
        *out_colour = colour_booked;
        break;
      case SB_SEAT_STATUS_BLOCKED:
      default:
        *out_colour = colour_blocked;
        break;
    }
}

const char *
sb_seat_status_to_string (SbSeatStatus status)
{
  switch (status)
    {
      case SB_SEAT_STATUS_FREE:
        return _ ("Free");
      case SB_SEAT_STATUS_MINE:
        return _ ("Held by you");
      case SB_SEAT_STATUS_HELD:
        return _ ("Held by someone else");
      case SB_SEAT_STATUS_BOOKED:
        return _ ("Booked");
      case SB_SEAT_STATUS_BLOCKED:
      default:
        return _ ("Not for sale");
    }
}

static void
update_description (SbSeatButton *self)
{
  g_autofree char *description = NULL;

  if (self->highlighted)
    /* Translators: accessible description of a seat of the booking shown on the Bookings page:
     * "<status>, <category and price>, in the booking shown" */
    description = g_strdup_printf (C_ ("seat description", "%s, %s, in the booking shown"),
                                   sb_seat_status_to_string (self->status), self->details);
  else
    /* Translators: accessible description of a seat: "<status>, <category and price>" */
    description = g_strdup_printf (C_ ("seat description", "%s, %s"),
                                   sb_seat_status_to_string (self->status), self->details);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description, -1);
}

static void
sb_seat_button_click (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SbSeatButton *self = SB_SEAT_BUTTON (widget);

  /* The seat map owns selection; it installs "seat-map.toggle" and finds the seat by index. */
  gtk_widget_activate_action (widget, "seat-map.toggle", "u", self->index);
}

static void
sb_seat_button_measure (GtkWidget *widget,
                        GtkOrientation orientation,
                        int for_size,
                        int *minimum,
                        int *natural,
                        int *minimum_baseline,
                        int *natural_baseline)
{
  /* The map decides the size from the zoom level; a seat has no opinion. */
  *minimum = 0;
  *natural = 0;
}

/* A ring of `line` pixels just inside `bounds`. */
static void
append_ring (GtkSnapshot *snapshot,
             const graphene_rect_t *bounds,
             float radius,
             float line,
             const GdkRGBA *colour)
{
  GskRoundedRect outline;

  gsk_rounded_rect_init_from_rect (&outline, bounds, radius);
  gtk_snapshot_append_border (snapshot, &outline, (float[4]){ line, line, line, line },
                              (GdkRGBA[4]){ *colour, *colour, *colour, *colour });
}

/* Someone else's hold: diagonal stripes and an outline in the text colour, inside the seat. */
static void
append_hatching (GtkSnapshot *snapshot,
                 const GskRoundedRect *fill,
                 float size,
                 const GdkRGBA *foreground)
{
  const graphene_rect_t *bounds = &fill->bounds;
  float period = MAX (3.0f, size * 0.3f);
  GdkRGBA stripe = *foreground, clear = *foreground, outline = *foreground;
  GskColorStop stops[4];

  stripe.alpha *= 0.45f;
  clear.alpha = 0;
  outline.alpha *= 0.7f;
  stops[0] = (GskColorStop){ 0.0f, stripe };
  stops[1] = (GskColorStop){ 0.45f, stripe };
  stops[2] = (GskColorStop){ 0.45f, clear };
  stops[3] = (GskColorStop){ 1.0f, clear };

  gtk_snapshot_push_rounded_clip (snapshot, fill);
  gtk_snapshot_append_repeating_linear_gradient (
      snapshot, bounds, &GRAPHENE_POINT_INIT (bounds->origin.x, bounds->origin.y),
      &GRAPHENE_POINT_INIT (bounds->origin.x + period * 0.7071f,
                            bounds->origin.y + period * 0.7071f),
      stops, G_N_ELEMENTS (stops));
  gtk_snapshot_pop (snapshot);
  if (size >= 6)
    append_ring (snapshot, bounds, fill->corner[0].width, MAX (1.0f, size * 0.08f), &outline);
}

static void
sb_seat_button_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  SbSeatButton *self = SB_SEAT_BUTTON (widget);
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  float size = MIN (width, height);
  float inset = MAX (0.5f, size * 0.1f);
  float radius = size * 0.25f;
  gboolean focused = gtk_widget_has_visible_focus (widget);
  float ring_inset = 0;
  graphene_rect_t bounds;
  graphene_rect_t fill_bounds;
  GskRoundedRect fill;
  GdkRGBA colour;
  GdkRGBA foreground;

  if (width <= 0 || height <= 0)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (context, &foreground);
  G_GNUC_END_IGNORE_DEPRECATIONS
  graphene_rect_init (&bounds, 0, 0, width, height);

  /* Rings from the outside in: the keyboard focus in the accent colour with a gap of background
   * after it, so that it reads on every fill; then the selection in the text colour. Focus and
   * selection must look different: a keyboard user walks across seats they have not chosen. */
  if (focused)
    {
      GdkRGBA accent;
      float line = MAX (2.0f, size * 0.12f);

      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      if (!gtk_style_context_lookup_color (context, "accent_color", &accent))
        accent = (GdkRGBA){ 0.208f, 0.518f, 0.894f, 1.0f };
      G_GNUC_END_IGNORE_DEPRECATIONS
      append_ring (snapshot, &bounds, radius + line, line, &accent);
      ring_inset = line + MAX (1.0f, size * 0.06f);
    }
  /* The booking shown on the Bookings page: a thick ring in the warning colour, outside the
   * selection's, so that its seats stand out whatever their state. */
  if (self->highlighted)
    {
      GdkRGBA mark;
      graphene_rect_t ring_bounds;
      float line = MAX (2.0f, size * 0.14f);

      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      if (!gtk_style_context_lookup_color (context, "warning_color", &mark))
        mark = (GdkRGBA){ 0.898f, 0.647f, 0.039f, 1.0f };
      G_GNUC_END_IGNORE_DEPRECATIONS
      graphene_rect_inset_r (&bounds, ring_inset, ring_inset, &ring_bounds);
      append_ring (snapshot, &ring_bounds, radius, line, &mark);
      ring_inset += line;
    }
  if (self->selected)
    {
      graphene_rect_t ring_bounds;
      float line = MAX (1.0f, inset);

      graphene_rect_inset_r (&bounds, ring_inset, ring_inset, &ring_bounds);
      append_ring (snapshot, &ring_bounds, radius, line, &foreground);
      ring_inset += line;
    }

  /* Never shrink the seat to nothing: at a fitted arena a seat is a few pixels. */
  inset = MIN (MAX (inset, ring_inset), size * 0.35f);
  graphene_rect_init (&fill_bounds, inset, inset, width - 2 * inset, height - 2 * inset);
  gsk_rounded_rect_init_from_rect (&fill, &fill_bounds, MAX (0.0f, radius - inset / 2));

  sb_seat_status_get_colour (self->status, &self->category_colour, &colour);
  if (self->status == SB_SEAT_STATUS_MINE)
    {
      colour = foreground;
      colour.alpha = 1.0f;
    }
  /* Below about 10 px the rounding is a pixel or less, while a rounded clip costs renderers far
   * more than a plain rectangle: a zoomed-out arena repaints thousands of seats. */
  if (width < 10 || height < 10)
    gtk_snapshot_append_color (snapshot, &colour, &fill_bounds);
  else
    {
      gtk_snapshot_push_rounded_clip (snapshot, &fill);
      gtk_snapshot_append_color (snapshot, &colour, &fill_bounds);
      gtk_snapshot_pop (snapshot);
    }

  if (self->status == SB_SEAT_STATUS_HELD)
    append_hatching (snapshot, &fill, size, &foreground);

  /* Not by colour alone: our own holds carry a dot, booked seats a bar. */
  if (self->status == SB_SEAT_STATUS_MINE || self->status == SB_SEAT_STATUS_BOOKED)
    {
      /* The dot contrasts with the fill: dark on a light (dark-style) fill, else white. */
      GdkRGBA dot_colour = (colour.red + colour.green + colour.blue) > 1.5f
                               ? (GdkRGBA){ 0.1f, 0.1f, 0.1f, 0.95f }
                               : (GdkRGBA){ 1, 1, 1, 0.95f };
      /* The bar in the text colour: a fixed dark bar vanished on the dark style's grey, next to
       * the lightness of a dark category colour. */
      GdkRGBA bar = foreground;
      float mark_size = MIN (fill_bounds.size.width, fill_bounds.size.height) * 0.375f;
      graphene_rect_t mark;

      if (self->status == SB_SEAT_STATUS_MINE)
        {
          GskRoundedRect dot;

          graphene_rect_init (&mark, (width - mark_size) / 2, (height - mark_size) / 2, mark_size,
                              mark_size);
          gsk_rounded_rect_init_from_rect (&dot, &mark, mark_size / 2);
          gtk_snapshot_push_rounded_clip (snapshot, &dot);
          gtk_snapshot_append_color (snapshot, &dot_colour, &mark);
          gtk_snapshot_pop (snapshot);
        }
      else
        {
          /* Low in the seat, not across its middle: once the map is zoomed in enough, the seat
           * number is drawn on top of it (raised a little, see sb-seat-labels.c) and a bar
           * through the middle struck it out. */
          float bar_height = mark_size / 2;

          graphene_rect_init (&mark, fill_bounds.origin.x + fill_bounds.size.width * 0.2f,
                              fill_bounds.origin.y + fill_bounds.size.height * 0.94f - bar_height,
                              fill_bounds.size.width * 0.6f, bar_height);
          bar.alpha *= 0.8f;
          gtk_snapshot_append_color (snapshot, &bar, &mark);
        }
    }
}

static void
sb_seat_button_state_flags_changed (GtkWidget *widget, GtkStateFlags previous)
{
  GtkStateFlags now = gtk_widget_get_state_flags (widget);

  GTK_WIDGET_CLASS (sb_seat_button_parent_class)->state_flags_changed (widget, previous);

  /* The focus ring is drawn by hand, so nothing else would redraw it. */
  if ((now ^ previous) & (GTK_STATE_FLAG_FOCUSED | GTK_STATE_FLAG_FOCUS_VISIBLE))
    gtk_widget_queue_draw (widget);
}

static void
sb_seat_button_finalize (GObject *object)
{
  SbSeatButton *self = SB_SEAT_BUTTON (object);

  g_free (self->details);

  G_OBJECT_CLASS (sb_seat_button_parent_class)->finalize (object);
}

static void
sb_seat_button_class_init (SbSeatButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sb_seat_button_finalize;

  widget_class->measure = sb_seat_button_measure;
  widget_class->snapshot = sb_seat_button_snapshot;
  widget_class->state_flags_changed = sb_seat_button_state_flags_changed;

  /* Exposed over AT-SPI as the action "click", and bound to Space and Enter. */
  gtk_widget_class_install_action (widget_class, "click", NULL, sb_seat_button_click);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "click", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Space, 0, "click", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "click", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "click", NULL);

  gtk_widget_class_set_css_name (widget_class, "seat");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_BUTTON);
}

static void
sb_seat_button_init (SbSeatButton *self)
{
  /* Focus is roving: the map makes one seat focusable at a time, so Tab leaves the map
   * instead of visiting thousands of seats. */
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
}

SbSeatButton *
sb_seat_button_new_sample (SbSeatStatus status, gboolean selected, const GdkRGBA *category_colour)
{
  /* Drawn by the same code as the map's seats, but not a seat: no name, no action, and hidden
   * from screen readers, for which the words beside it are the legend. */
  SbSeatButton *self = g_object_new (SB_TYPE_SEAT_BUTTON, "accessible-role",
                                     GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);

  self->index = G_MAXUINT;
  self->category_colour = *category_colour;
  self->status = status;
  self->selected = selected;
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  return self;
}

SbSeatButton *
sb_seat_button_new (guint index,
                    const GdkRGBA *category_colour,
                    const char *label,
                    const char *details)
{
  SbSeatButton *self = g_object_new (SB_TYPE_SEAT_BUTTON, NULL);

  self->index = index;
  self->category_colour = *category_colour;
  self->details = g_strdup (details);
  self->status = SB_SEAT_STATUS_FREE;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_PRESSED,
                               GTK_ACCESSIBLE_TRISTATE_FALSE, -1);
  update_description (self);

  return self;
}

guint
sb_seat_button_get_index (SbSeatButton *self)
{
  g_return_val_if_fail (SB_IS_SEAT_BUTTON (self), 0);

  return self->index;
}

SbSeatStatus
sb_seat_button_get_status (SbSeatButton *self)
{
  g_return_val_if_fail (SB_IS_SEAT_BUTTON (self), SB_SEAT_STATUS_FREE);

  return self->status;
}

gboolean
sb_seat_button_get_selected (SbSeatButton *self)
{
  g_return_val_if_fail (SB_IS_SEAT_BUTTON (self), FALSE);

  return self->selected;
}

void
sb_seat_button_set_status (SbSeatButton *self, SbSeatStatus status)
{
  g_return_if_fail (SB_IS_SEAT_BUTTON (self));

  if (self->status == status)
    return;

  self->status = status;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sb_seat_button_set_highlighted (SbSeatButton *self, gboolean highlighted)
{
  g_return_if_fail (SB_IS_SEAT_BUTTON (self));

  highlighted = !!highlighted;
  if (self->highlighted == highlighted)
    return;
  self->highlighted = highlighted;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sb_seat_button_set_selected (SbSeatButton *self, gboolean selected)
{
  g_return_if_fail (SB_IS_SEAT_BUTTON (self));

  selected = !!selected;
  if (self->selected == selected)
    return;

  self->selected = selected;
  gtk_accessible_update_state (
      GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_PRESSED,
      selected ? GTK_ACCESSIBLE_TRISTATE_TRUE : GTK_ACCESSIBLE_TRISTATE_FALSE, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
