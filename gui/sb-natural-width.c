/* sb-natural-width.c: a one-child container whose natural width is set, not measured.
 *
 * The window's side panels are AdwFlaps that fold by their children's natural widths
 * (ADW_FOLD_THRESHOLD_POLICY_NATURAL). What those children would measure depends on event names,
 * the legend and the map's zoom; what the window needs is a fixed width below which a panel folds
 * away, while the minimum stays small so that the window still shrinks to a phone's width. This
 * bin reports its child's minimum as its minimum and the natural-width property (never below
 * that minimum) as its natural width; everything else is the child's. libadwaita 1.2 has no
 * breakpoints (AdwBreakpoint came with 1.4). */
#include "config.h"

#include "sb-natural-width.h"

struct _SbNaturalWidth
{
  GtkWidget parent_instance;

  GtkWidget *child;
  int natural_width;
};

G_DEFINE_FINAL_TYPE (SbNaturalWidth, sb_natural_width, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_CHILD,
  PROP_NATURAL_WIDTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sb_natural_width_measure (GtkWidget *widget,
                          GtkOrientation orientation,
                          int for_size,
                          int *minimum,
                          int *natural,
                          int *minimum_baseline,
                          int *natural_baseline)
{
  SbNaturalWidth *self = SB_NATURAL_WIDTH (widget);

  if (self->child == NULL || !gtk_widget_should_layout (self->child))
    {
      *minimum = 0;
      *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? self->natural_width : 0;
      return;
    }
  gtk_widget_measure (self->child, orientation, for_size, minimum, natural, minimum_baseline,
                      natural_baseline);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = MAX (*minimum, self->natural_width);
}

static void
sb_natural_width_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  SbNaturalWidth *self = SB_NATURAL_WIDTH (widget);

  if (self->child != NULL && gtk_widget_should_layout (self->child))
    gtk_widget_allocate (self->child, width, height, baseline, NULL);
}

static void
sb_natural_width_dispose (GObject *object)
{
  SbNaturalWidth *self = SB_NATURAL_WIDTH (object);

  g_clear_pointer (&self->child, gtk_widget_unparent);

  G_OBJECT_CLASS (sb_natural_width_parent_class)->dispose (object);
}

static void
sb_natural_width_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SbNaturalWidth *self = SB_NATURAL_WIDTH (object);

  switch (prop_id)
    {
      case PROP_CHILD:
        g_value_set_object (value, self->child);
        break;
      case PROP_NATURAL_WIDTH:
        g_value_set_int (value, self->natural_width);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_natural_width_set_property (GObject *object,
                               guint prop_id,
                               const GValue *value,
                               GParamSpec *pspec)
{
  SbNaturalWidth *self = SB_NATURAL_WIDTH (object);

  switch (prop_id)
    {
      case PROP_CHILD:
        sb_natural_width_set_child (self, g_value_get_object (value));
        break;
      case PROP_NATURAL_WIDTH:
        sb_natural_width_set_natural_width (self, g_value_get_int (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_natural_width_class_init (SbNaturalWidthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_natural_width_dispose;
  object_class->get_property = sb_natural_width_get_property;
  object_class->set_property = sb_natural_width_set_property;
  widget_class->measure = sb_natural_width_measure;
  widget_class->size_allocate = sb_natural_width_size_allocate;

  properties[PROP_CHILD]
      = g_param_spec_object ("child", NULL, NULL, GTK_TYPE_WIDGET,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* In pixels; the child's minimum width when larger. */
  properties[PROP_NATURAL_WIDTH]
      = g_param_spec_int ("natural-width", NULL, NULL, 0, G_MAXINT, 0,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sb_natural_width_init (SbNaturalWidth *self)
{
}

GtkWidget *
sb_natural_width_new (void)
{
  return g_object_new (SB_TYPE_NATURAL_WIDTH, NULL);
}

GtkWidget *
sb_natural_width_get_child (SbNaturalWidth *self)
{
  g_return_val_if_fail (SB_IS_NATURAL_WIDTH (self), NULL);

  return self->child;
}

void
sb_natural_width_set_child (SbNaturalWidth *self, GtkWidget *child)
{
  g_return_if_fail (SB_IS_NATURAL_WIDTH (self));
  g_return_if_fail (child == NULL || GTK_IS_WIDGET (child));

  if (self->child == child)
    return;
  g_clear_pointer (&self->child, gtk_widget_unparent);
  if (child != NULL)
    {
      self->child = child;
      gtk_widget_set_parent (child, GTK_WIDGET (self));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHILD]);
}

int
sb_natural_width_get_natural_width (SbNaturalWidth *self)
{
  g_return_val_if_fail (SB_IS_NATURAL_WIDTH (self), 0);

  return self->natural_width;
}

void
sb_natural_width_set_natural_width (SbNaturalWidth *self, int natural_width)
{
  g_return_if_fail (SB_IS_NATURAL_WIDTH (self));
  g_return_if_fail (natural_width >= 0);

  if (self->natural_width == natural_width)
    return;
  self->natural_width = natural_width;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NATURAL_WIDTH]);
}
