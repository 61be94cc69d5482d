/* sb-seat-group.c: a labelled group of the seat map that places children at venue coordinates.
 *
 * Groups nest (map → section → row → seat) because that is what a screen reader user and a test
 * walk. Each group covers only the bounding box of its children, so picking a point descends
 * into the one row under it instead of testing thousands of seats. */
#include "config.h"

#include <math.h>

#include "sb-seat-group.h"

typedef struct
{
  GtkWidget *widget;
  graphene_rect_t bounds; /* venue units, absolute */
} Child;

typedef struct
{
  SbShapeKind kind;
  graphene_rect_t bounds;
  char *label;
} Shape;

struct _SbSeatGroup
{
  GtkWidget parent_instance;

  graphene_rect_t bounds;
  double scale;
  GArray *children; /* Child */
  GArray *shapes;   /* Shape */
};

G_DEFINE_FINAL_TYPE (SbSeatGroup, sb_seat_group, GTK_TYPE_WIDGET)

void
sb_seat_group_pixel_box (
    const graphene_rect_t *bounds, double scale, int *out_x0, int *out_y0, int *out_x1, int *out_y1)
{
  double x0 = bounds->origin.x * scale;
  double y0 = bounds->origin.y * scale;
  double x1 = (bounds->origin.x + bounds->size.width) * scale;
  double y1 = (bounds->origin.y + bounds->size.height) * scale;

  *out_x0 = (int) floor (x0);
  *out_y0 = (int) floor (y0);
  *out_x1 = MAX (*out_x0 + 1, (int) floor (x1));
  *out_y1 = MAX (*out_y0 + 1, (int) floor (y1));
}

static void
sb_seat_group_measure (GtkWidget *widget,
                       GtkOrientation orientation,
                       int for_size,
                       int *minimum,
                       int *natural,
                       int *minimum_baseline,
                       int *natural_baseline)
{
  SbSeatGroup *self = SB_SEAT_GROUP (widget);
  double extent;

  /* Nested groups are sized by their parent; only the outermost one asks for space. */
  if (GTK_IS_WIDGET (gtk_widget_get_parent (widget))
      && SB_IS_SEAT_GROUP (gtk_widget_get_parent (widget)))
    {
      *minimum = *natural = 0;
      return;
    }

  extent = orientation == GTK_ORIENTATION_HORIZONTAL ? self->bounds.size.width
                                                     : self->bounds.size.height;
  *minimum = *natural = (int) ceil (extent * self->scale);
}

static void
sb_seat_group_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  SbSeatGroup *self = SB_SEAT_GROUP (widget);
  double scale = self->scale;
  int origin_x, origin_y, unused;

  /* Every level places its children from where the venue origin falls in pixels, never from its
   * own rounded position, so that rounding errors do not add up across the nesting levels: a
   * seat's box relative to the outermost group is its pixel box minus the group's. */
  sb_seat_group_pixel_box (&self->bounds, scale, &origin_x, &origin_y, &unused, &unused);

  for (guint i = 0; i < self->children->len; i++)
    {
      const Child *child = &g_array_index (self->children, Child, i);
      GtkAllocation allocation;
      int x0, y0, x1, y1;

      if (SB_IS_SEAT_GROUP (child->widget))
        SB_SEAT_GROUP (child->widget)->scale = scale;

      sb_seat_group_pixel_box (&child->bounds, scale, &x0, &y0, &x1, &y1);
      allocation.x = x0 - origin_x;
      allocation.y = y0 - origin_y;
      allocation.width = x1 - x0;
      allocation.height = y1 - y0;

      /* Seats and nested groups have no size request; measuring keeps GTK's bookkeeping right
       * and is a cache hit after the first time. */
      gtk_widget_measure (child->widget, GTK_ORIENTATION_HORIZONTAL, -1, NULL, NULL, NULL, NULL);
      gtk_widget_size_allocate (child->widget, &allocation, -1);
    }
}

static void
shape_clear (Shape *shape)
{
  g_free (shape->label);
}

static void
sb_seat_group_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  SbSeatGroup *self = SB_SEAT_GROUP (widget);
  GdkRGBA foreground;

  if (self->shapes->len > 0)
    {
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      gtk_style_context_get_color (gtk_widget_get_style_context (widget), &foreground);
      G_GNUC_END_IGNORE_DEPRECATIONS
    }

  /* Floors and areas first, then the stage, as docs/venue-format.md asks. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->shapes->len; i++)
      {
        const Shape *shape = &g_array_index (self->shapes, Shape, i);
        graphene_rect_t rect;
        GskRoundedRect rounded;
        GdkRGBA fill = foreground;

        if ((pass == 1) != (shape->kind == SB_SHAPE_STAGE))
          continue;

        graphene_rect_init (
            &rect, (float) ((shape->bounds.origin.x - self->bounds.origin.x) * self->scale),
            (float) ((shape->bounds.origin.y - self->bounds.origin.y) * self->scale),
            (float) (shape->bounds.size.width * self->scale),
            (float) (shape->bounds.size.height * self->scale));
        fill.alpha = shape->kind == SB_SHAPE_STAGE   ? 0.16f
                     : shape->kind == SB_SHAPE_FLOOR ? 0.05f
                                                     : 0.09f;
        gsk_rounded_rect_init_from_rect (&rounded, &rect, (float) MIN (6.0, self->scale * 0.5));
        gtk_snapshot_push_rounded_clip (snapshot, &rounded);
        gtk_snapshot_append_color (snapshot, &fill, &rect);
        gtk_snapshot_pop (snapshot);

        if (shape->label != NULL)
          {
            g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, shape->label);
            int text_width, text_height;
            GdkRGBA text = foreground;

            float y;

            pango_layout_get_pixel_size (layout, &text_width, &text_height);
            /* A label that does not fit is left out rather than spilling over seats; but a
             * stage thinner than its label (a cinema's screen) has it just above, outside. */
            if (text_width > rect.size.width)
              continue;
            if (text_height <= rect.size.height)
              /* A stage's label sits in its middle; a floor's middle is full of seats, so
               * its label goes along the bottom edge. */
              y = shape->kind == SB_SHAPE_STAGE
                      ? rect.origin.y + (rect.size.height - text_height) / 2
                      : rect.origin.y + rect.size.height - text_height - 4;
            else if (shape->kind == SB_SHAPE_STAGE && rect.origin.y >= text_height + 2)
              y = rect.origin.y - text_height - 2;
            else
              continue;
            text.alpha = 0.7f;
            gtk_snapshot_save (snapshot);
            gtk_snapshot_translate (
                snapshot,
                &GRAPHENE_POINT_INIT (rect.origin.x + (rect.size.width - text_width) / 2, y));
            gtk_snapshot_append_layout (snapshot, layout, &text);
            gtk_snapshot_restore (snapshot);
          }
      }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_snapshot_child (widget, child, snapshot);
}

static void
sb_seat_group_dispose (GObject *object)
{
  SbSeatGroup *self = SB_SEAT_GROUP (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_array_set_size (self->children, 0);

  G_OBJECT_CLASS (sb_seat_group_parent_class)->dispose (object);
}

static void
sb_seat_group_finalize (GObject *object)
{
  SbSeatGroup *self = SB_SEAT_GROUP (object);

  g_array_unref (self->children);
  g_array_unref (self->shapes);

  G_OBJECT_CLASS (sb_seat_group_parent_class)->finalize (object);
}

static void
sb_seat_group_class_init (SbSeatGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_seat_group_dispose;
  object_class->finalize = sb_seat_group_finalize;

  widget_class->measure = sb_seat_group_measure;
  widget_class->size_allocate = sb_seat_group_size_allocate;
  widget_class->snapshot = sb_seat_group_snapshot;

  gtk_widget_class_set_css_name (widget_class, "seatgroup");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sb_seat_group_init (SbSeatGroup *self)
{
  self->children = g_array_new (FALSE, FALSE, sizeof (Child));
  self->shapes = g_array_new (FALSE, FALSE, sizeof (Shape));
  g_array_set_clear_func (self->shapes, (GDestroyNotify) shape_clear);
  self->scale = 1.0;
}

SbSeatGroup *
sb_seat_group_new (const char *label, const graphene_rect_t *bounds)
{
  SbSeatGroup *self;

  g_return_val_if_fail (label != NULL, NULL);
  g_return_val_if_fail (bounds != NULL, NULL);

  self = g_object_new (SB_TYPE_SEAT_GROUP, NULL);
  self->bounds = *bounds;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);

  return self;
}

void
sb_seat_group_add (SbSeatGroup *self, GtkWidget *child, const graphene_rect_t *bounds)
{
  Child entry;

  g_return_if_fail (SB_IS_SEAT_GROUP (self));
  g_return_if_fail (GTK_IS_WIDGET (child));
  g_return_if_fail (gtk_widget_get_parent (child) == NULL);

  entry.widget = child;
  entry.bounds = *bounds;
  g_array_append_val (self->children, entry);
  /* Appending keeps widget order equal to array order, which is the focus and a11y order. */
  gtk_widget_insert_before (child, GTK_WIDGET (self), NULL);
}

void
sb_seat_group_set_scale (SbSeatGroup *self, double scale)
{
  g_return_if_fail (SB_IS_SEAT_GROUP (self));
  g_return_if_fail (scale > 0);

  if (self->scale == scale)
    return;

  self->scale = scale;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

double
sb_seat_group_get_scale (SbSeatGroup *self)
{
  g_return_val_if_fail (SB_IS_SEAT_GROUP (self), 1.0);

  return self->scale;
}

void
sb_seat_group_get_bounds (SbSeatGroup *self, graphene_rect_t *out_bounds)
{
  g_return_if_fail (SB_IS_SEAT_GROUP (self));

  *out_bounds = self->bounds;
}

void
sb_seat_group_add_shape (SbSeatGroup *self,
                         SbShapeKind kind,
                         const graphene_rect_t *bounds,
                         const char *label)
{
  Shape shape;

  g_return_if_fail (SB_IS_SEAT_GROUP (self));
  g_return_if_fail (bounds != NULL);

  shape.kind = kind;
  shape.bounds = *bounds;
  shape.label = g_strdup (label);
  g_array_append_val (self->shapes, shape);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
