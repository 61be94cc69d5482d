/* sb-seat-labels.c: the writing over the seat map.
 *
 * Section names, row labels at both ends of each row, seat numbers and seat symbols, and the
 * highlight of the seat under the pointer. One widget over the whole map draws them for the part
 * of the venue in view only, from the venue's coordinates and the map's zoom and scroll position:
 * the seat widgets stay as cheap as they are (no text of their own; a map of 5,610 seats relays out
 * all of them on every zoom step), and nothing here costs anything at start-up, before the first
 * frame asks for it. Text layouts are made once per distinct text and reused. */
#include "config.h"

#include <math.h>

#include "sb-seat-button.h"
#include "sb-seat-grid.h"
#include "sb-seat-group.h"
#include "sb-seat-labels.h"
#include "sb-seat-map-private.h"
#include "sb-seat-text.h"

/* Pixels per seat width from which each kind of writing is readable. */
#define MIN_ZOOM_ROW_LABELS 9.0
#define MIN_ZOOM_SYMBOLS 11.0
#define MIN_ZOOM_NUMBERS 20.0

struct _SbSeatLabels
{
  GtkWidget parent_instance;

  SbVenue *venue;            /* the venue the caches below are for */
  graphene_rect_t *sections; /* per section: bounding box of its seats, venue units */
  GHashTable *layouts;       /* text → PangoLayout */
};

G_DEFINE_FINAL_TYPE (SbSeatLabels, sb_seat_labels, GTK_TYPE_WIDGET)

static void
forget_venue (SbSeatLabels *self)
{
  g_clear_object (&self->venue);
  g_clear_pointer (&self->sections, g_free);
  g_hash_table_remove_all (self->layouts);
}

static void
learn_venue (SbSeatLabels *self, SbVenue *venue)
{
  guint n_sections = sb_venue_get_n_sections (venue);

  forget_venue (self);
  self->venue = g_object_ref (venue);
  self->sections = g_new0 (graphene_rect_t, MAX (n_sections, 1));
  for (guint s = 0; s < n_sections; s++)
    {
      const SbSection *section = sb_venue_get_section (venue, s);
      gboolean first = TRUE;

      for (guint r = section->first_row; r < section->first_row + section->n_rows; r++)
        {
          const SbRow *row = sb_venue_get_row (venue, r);

          for (guint i = row->first_seat; i < row->first_seat + row->n_seats; i++)
            {
              const SbSeat *seat = sb_venue_get_seat (venue, i);
              graphene_rect_t box
                  = GRAPHENE_RECT_INIT ((float) (seat->x - 0.5), (float) (seat->y - 0.5), 1, 1);

              if (first)
                self->sections[s] = box;
              else
                graphene_rect_union (&self->sections[s], &box, &self->sections[s]);
              first = FALSE;
            }
        }
    }
}

static PangoLayout *
layout_for (SbSeatLabels *self, const char *text, gboolean bold)
{
  g_autofree char *key = g_strdup_printf ("%c%s", bold ? 'b' : 'r', text);
  PangoLayout *layout = g_hash_table_lookup (self->layouts, key);

  if (layout == NULL)
    {
      layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
      if (bold)
        {
          PangoAttrList *attributes = pango_attr_list_new ();

          pango_attr_list_insert (attributes, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
          pango_layout_set_attributes (layout, attributes);
          pango_attr_list_unref (attributes);
        }
      g_hash_table_insert (self->layouts, g_steal_pointer (&key), layout);
    }
  return layout;
}

/* Draws text centred on (x, y), shrunk to fit max_width × max_height; too small to read is left
 * out. */
static void
draw_text (SbSeatLabels *self,
           GtkSnapshot *snapshot,
           const char *text,
           gboolean bold,
           double x,
           double y,
           double max_width,
           double max_height,
           const GdkRGBA *colour)
{
  PangoLayout *layout = layout_for (self, text, bold);
  int width, height;
  double scale;

  pango_layout_get_pixel_size (layout, &width, &height);
  if (width <= 0 || height <= 0)
    return;
  scale = MIN (1.0, MIN (max_width / width, max_height / height));
  if (scale < 0.55)
    return;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) x, (float) y));
  gtk_snapshot_scale (snapshot, (float) scale, (float) scale);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-width / 2.0f, -height / 2.0f));
  gtk_snapshot_append_layout (snapshot, layout, colour);
  gtk_snapshot_restore (snapshot);
}

typedef struct
{
  SbSeatLabels *self;
  SbSeatMap *map;
  GtkSnapshot *snapshot;
  double zoom, origin_x, origin_y;
  GdkRGBA foreground;
} Paint;

/* A seat's box in this widget's coordinates: exactly its widget's pixels. */
static void
seat_box (Paint *paint, const SbSeat *seat, graphene_rect_t *out)
{
  graphene_rect_t bounds
      = GRAPHENE_RECT_INIT ((float) (seat->x - 0.5), (float) (seat->y - 0.5), 1.0f, 1.0f);
  int x0, y0, x1, y1;

  sb_seat_group_pixel_box (&bounds, paint->zoom, &x0, &y0, &x1, &y1);
  graphene_rect_init (out, (float) (x0 + paint->origin_x), (float) (y0 + paint->origin_y),
                      (float) (x1 - x0), (float) (y1 - y0));
}

static gboolean
paint_seat (guint index, gpointer user_data)
{
  Paint *paint = user_data;
  const SbSeat *seat = sb_venue_get_seat (paint->self->venue, index);
  const SbCategory *category = sb_venue_get_category (paint->self->venue, seat->category);
  SbSeatStatus status = sb_seat_map_get_status (paint->map, index);
  const char *symbol = sb_seat_text_flag_symbol (seat->flags);
  graphene_rect_t box;
  GdkRGBA fill, ink;

  if (paint->zoom < MIN_ZOOM_NUMBERS && (symbol == NULL || paint->zoom < MIN_ZOOM_SYMBOLS))
    return TRUE;

  /* Text contrasts with the seat's fill: our own seats are filled with the text colour. */
  if (status == SB_SEAT_STATUS_MINE)
    fill = paint->foreground;
  else
    {
      GdkRGBA category_colour;

      if (!gdk_rgba_parse (&category_colour, category->colour))
        category_colour = (GdkRGBA){ 0.2f, 0.6f, 0.3f, 1.0f };
      sb_seat_status_get_colour (status, &category_colour, &fill);
    }
  if (fill.alpha < 0.7f)
    ink = paint->foreground;
  else if (0.299f * fill.red + 0.587f * fill.green + 0.114f * fill.blue > 0.6f)
    ink = (GdkRGBA){ 0.1f, 0.1f, 0.1f, 1.0f };
  else
    ink = (GdkRGBA){ 1.0f, 1.0f, 1.0f, 1.0f };

  seat_box (paint, seat, &box);
  /* A symbol takes the number's place: the number is in the tooltip and the accessible name.
   * A booked seat's number sits higher and smaller, above the bar that marks it booked. */
  draw_text (paint->self, paint->snapshot, symbol != NULL ? symbol : seat->label, FALSE,
             box.origin.x + box.size.width / 2.0,
             box.origin.y + box.size.height * (status == SB_SEAT_STATUS_BOOKED ? 0.42 : 0.5),
             box.size.width * 0.72,
             box.size.height * (status == SB_SEAT_STATUS_BOOKED ? 0.6 : 0.72), &ink);
  return TRUE;
}

static void
paint_rows (Paint *paint, const graphene_rect_t *visible)
{
  SbVenue *venue = paint->self->venue;
  GdkRGBA ink = paint->foreground;

  ink.alpha *= 0.75f;
  for (guint r = 0; r < sb_venue_get_n_rows (venue); r++)
    {
      const SbRow *row = sb_venue_get_row (venue, r);
      const SbSeat *first, *last;
      double dx = 1, dy = 0;

      if (row->n_seats == 0)
        continue;
      first = sb_venue_get_seat (venue, row->first_seat);
      last = sb_venue_get_seat (venue, row->first_seat + row->n_seats - 1);
      /* Along the row at each end, one seat width out, so a curved row's labels follow it. */
      if (row->n_seats > 1)
        {
          const SbSeat *second = sb_venue_get_seat (venue, row->first_seat + 1);
          double length = hypot (second->x - first->x, second->y - first->y);

          if (length > 0)
            dx = (second->x - first->x) / length, dy = (second->y - first->y) / length;
        }
      for (int end = 0; end < 2; end++)
        {
          const SbSeat *seat = end == 0 ? first : last;
          double sign = end == 0 ? -1.0 : 1.0;
          double vx, vy;

          if (end == 1 && row->n_seats > 1)
            {
              const SbSeat *before = sb_venue_get_seat (venue, row->first_seat + row->n_seats - 2);
              double length = hypot (seat->x - before->x, seat->y - before->y);

              if (length > 0)
                dx = (seat->x - before->x) / length, dy = (seat->y - before->y) / length;
            }
          vx = seat->x + sign * dx;
          vy = seat->y + sign * dy;
          if (!graphene_rect_contains_point (visible,
                                             &GRAPHENE_POINT_INIT ((float) vx, (float) vy)))
            continue;
          draw_text (paint->self, paint->snapshot, row->label, TRUE,
                     floor (vx * paint->zoom) + paint->origin_x,
                     floor (vy * paint->zoom) + paint->origin_y, paint->zoom * 0.95,
                     paint->zoom * 0.8, &ink);
        }
    }
}

static void
paint_sections (Paint *paint, const graphene_rect_t *visible, const GdkRGBA *background)
{
  SbVenue *venue = paint->self->venue;
  GdkRGBA ink = paint->foreground;
  /* Zoomed out, seats are dots packed edge to edge and there is no room above a section: its
   * name goes in its middle, on a patch of background. */
  gboolean inside = paint->zoom < MIN_ZOOM_ROW_LABELS;

  ink.alpha *= 0.85f;
  for (guint s = 0; s < sb_venue_get_n_sections (venue); s++)
    {
      const graphene_rect_t *box = &paint->self->sections[s];
      const char *name = sb_venue_get_section (venue, s)->name;
      PangoLayout *layout;
      int width, height;
      double x, y;

      if (!graphene_rect_intersection (box, visible, NULL))
        continue;
      layout = layout_for (paint->self, name, TRUE);
      pango_layout_get_pixel_size (layout, &width, &height);
      x = (box->origin.x + box->size.width / 2.0) * paint->zoom + paint->origin_x;
      if (inside)
        {
          double scale = MIN (1.0, box->size.width * paint->zoom / (width + 8.0));
          graphene_rect_t patch;
          GskRoundedRect rounded;

          if (scale < 0.55)
            continue;
          y = (box->origin.y + box->size.height / 2.0) * paint->zoom + paint->origin_y;
          graphene_rect_init (&patch, (float) (x - (width / 2.0 + 4) * scale),
                              (float) (y - (height / 2.0 + 1) * scale),
                              (float) ((width + 8) * scale), (float) ((height + 2) * scale));
          gsk_rounded_rect_init_from_rect (&rounded, &patch, (float) (4 * scale));
          gtk_snapshot_push_rounded_clip (paint->snapshot, &rounded);
          gtk_snapshot_append_color (paint->snapshot, background, &patch);
          gtk_snapshot_pop (paint->snapshot);
          draw_text (paint->self, paint->snapshot, name, TRUE, x, y, width * scale, height * scale,
                     &ink);
        }
      else
        {
          /* Above the section's first row, at most as wide as the section and a margin. */
          y = box->origin.y * paint->zoom + paint->origin_y - height / 2.0 - 2;
          draw_text (paint->self, paint->snapshot, name, TRUE, x, y,
                     (box->size.width + 2) * paint->zoom, height, &ink);
        }
    }
}

/* The seat's details in a box beside it, like a tooltip; kept inside the view. */
static void
paint_details (Paint *paint, guint index, const graphene_rect_t *seat, int width, int height)
{
  g_autofree char *text = sb_seat_text_tooltip (paint->self->venue, index,
                                                sb_seat_map_get_status (paint->map, index));
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (paint->self), text);
  static const GdkRGBA background = { 0.12f, 0.12f, 0.14f, 0.92f };
  static const GdkRGBA ink = { 1, 1, 1, 1 };
  const float padding = 6, gap = 10;
  int text_width, text_height;
  graphene_rect_t box;
  GskRoundedRect rounded;

  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  graphene_rect_init (&box, seat->origin.x + seat->size.width + gap,
                      seat->origin.y + seat->size.height / 2 - text_height / 2.0f - padding,
                      text_width + 2 * padding, text_height + 2 * padding);
  if (box.origin.x + box.size.width > width)
    box.origin.x = seat->origin.x - gap - box.size.width;
  box.origin.x = CLAMP (box.origin.x, 0, MAX (0, width - box.size.width));
  box.origin.y = CLAMP (box.origin.y, 0, MAX (0, height - box.size.height));

  gsk_rounded_rect_init_from_rect (&rounded, &box, 5);
  gtk_snapshot_push_rounded_clip (paint->snapshot, &rounded);
  gtk_snapshot_append_color (paint->snapshot, &background, &box);
  gtk_snapshot_pop (paint->snapshot);
  gtk_snapshot_save (paint->snapshot);
  gtk_snapshot_translate (paint->snapshot,
                          &GRAPHENE_POINT_INIT (box.origin.x + padding, box.origin.y + padding));
  gtk_snapshot_append_layout (paint->snapshot, layout, &ink);
  gtk_snapshot_restore (paint->snapshot);
}

static void
paint_hover (Paint *paint, int width, int height)
{
  gboolean details;
  guint hover = sb_seat_map_get_hover_seat (paint->map, &details);
  graphene_rect_t box;
  GskRoundedRect outline;
  GdkRGBA accent;
  float line;

  if (hover >= sb_venue_get_n_seats (paint->self->venue))
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (paint->self)),
                                       "accent_color", &accent))
    accent = (GdkRGBA){ 0.208f, 0.518f, 0.894f, 1.0f };
  G_GNUC_END_IGNORE_DEPRECATIONS

  /* Around the seat, outside its box, so it never hides the seat's own state. */
  seat_box (paint, sb_venue_get_seat (paint->self->venue, hover), &box);
  line = (float) CLAMP (paint->zoom * 0.1, 1.5, 3.0);
  graphene_rect_inset (&box, -line, -line);
  gsk_rounded_rect_init_from_rect (&outline, &box, box.size.width * 0.3f);
  gtk_snapshot_append_border (paint->snapshot, &outline, (float[4]){ line, line, line, line },
                              (GdkRGBA[4]){ accent, accent, accent, accent });
  if (details)
    paint_details (paint, hover, &box, width, height);
}

static void
sb_seat_labels_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  SbSeatLabels *self = SB_SEAT_LABELS (widget);
  GtkWidget *parent = gtk_widget_get_parent (widget);
  SbSeatMap *map;
  SbVenue *venue;
  Paint paint;
  graphene_rect_t visible;
  GdkRGBA background;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (!SB_IS_SEAT_MAP (parent))
    return;
  map = SB_SEAT_MAP (parent);
  venue = sb_seat_map_get_venue (map);
  if (venue == NULL || !sb_seat_map_get_origin (map, &paint.origin_x, &paint.origin_y))
    return;
  if (venue != self->venue)
    learn_venue (self, venue);

  paint.self = self;
  paint.map = map;
  paint.snapshot = snapshot;
  paint.zoom = sb_seat_map_get_zoom (map);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &paint.foreground);
  G_GNUC_END_IGNORE_DEPRECATIONS

  /* The venue rectangle in view, a seat wider on each side for labels that stick out. */
  graphene_rect_init (&visible, (float) (-paint.origin_x / paint.zoom - 1),
                      (float) (-paint.origin_y / paint.zoom - 1), (float) (width / paint.zoom + 2),
                      (float) (height / paint.zoom + 2));

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, (float) width, (float) height));
  if (paint.zoom >= MIN_ZOOM_SYMBOLS)
    sb_seat_grid_foreach (sb_seat_map_get_grid (map), visible.origin.x, visible.origin.y,
                          visible.origin.x + visible.size.width,
                          visible.origin.y + visible.size.height, paint_seat, &paint);
  if (paint.zoom >= MIN_ZOOM_ROW_LABELS)
    paint_rows (&paint, &visible);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "view_bg_color",
                                       &background))
    background = (GdkRGBA){ 1, 1, 1, 1 };
  G_GNUC_END_IGNORE_DEPRECATIONS
  background.alpha = 0.85f;
  paint_sections (&paint, &visible, &background);
  paint_hover (&paint, width, height);
  gtk_snapshot_pop (snapshot);
}

static void
sb_seat_labels_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  SbSeatLabels *self = SB_SEAT_LABELS (widget);

  GTK_WIDGET_CLASS (sb_seat_labels_parent_class)->css_changed (widget, change);
  /* The font may have changed: layouts are made anew. */
  g_hash_table_remove_all (self->layouts);
}

static void
sb_seat_labels_dispose (GObject *object)
{
  forget_venue (SB_SEAT_LABELS (object));

  G_OBJECT_CLASS (sb_seat_labels_parent_class)->dispose (object);
}

static void
sb_seat_labels_finalize (GObject *object)
{
  g_hash_table_unref (SB_SEAT_LABELS (object)->layouts);

  G_OBJECT_CLASS (sb_seat_labels_parent_class)->finalize (object);
}

static void
sb_seat_labels_class_init (SbSeatLabelsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_seat_labels_dispose;
  object_class->finalize = sb_seat_labels_finalize;
  widget_class->snapshot = sb_seat_labels_snapshot;
  widget_class->css_changed = sb_seat_labels_css_changed;

  gtk_widget_class_set_css_name (widget_class, "seatlabels");
  /* What it shows is in the seats' and groups' accessible names already. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_PRESENTATION);
}

static void
sb_seat_labels_init (SbSeatLabels *self)
{
  self->layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

GtkWidget *
sb_seat_labels_new (void)
{
  return g_object_new (SB_TYPE_SEAT_LABELS, NULL);
}
