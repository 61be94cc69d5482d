/* sb-seat-map.c: the seat map of one venue.
 *
 * The map is a scrolled window holding nested SbSeatGroups (map → section → row) and one
 * SbSeatButton per seat, each placed at its venue x/y times the zoom. Zooming changes one number on
 * the outermost group and relayouts; a `changed` message redraws only the seats it names. Seat ids
 * map to widgets through the venue's index, so applying 500 changes is 500 lookups and 500
 * redraws, with no layout. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sb-protocol.h"
#include "sb-seat-grid.h"
#include "sb-seat-group.h"
#include "sb-seat-labels.h"
#include "sb-seat-map-private.h"
#include "sb-seat-button-private.h"
#include "sb-seat-text.h"
#include "sb-util.h"

/* Room around the outermost seats, in venue units, so the focus ring of an edge seat shows. */
#define MARGIN 1.0
#define NO_SEAT G_MAXUINT

#define DIR_LEFT SB_SEAT_GRID_LEFT
#define DIR_RIGHT SB_SEAT_GRID_RIGHT
#define DIR_UP SB_SEAT_GRID_UP
#define DIR_DOWN SB_SEAT_GRID_DOWN
#define N_DIRS SB_SEAT_GRID_N_DIRECTIONS

G_DEFINE_FINAL_TYPE (SbSeatMap, sb_seat_map, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_SELECTION_CHANGED,
  SIGNAL_SEATS_CHANGED,
  SIGNAL_SEAT_REFUSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum
{
  PROP_0,
  PROP_ZOOM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
_sb_seat_map_notify_zoom (SbSeatMap *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

static void
sb_seat_map_measure (GtkWidget *widget,
                     GtkOrientation orientation,
                     int for_size,
                     int *minimum,
                     int *natural,
                     int *minimum_baseline,
                     int *natural_baseline)
{
  SbSeatMap *self = SB_SEAT_MAP (widget);

  gtk_widget_measure (self->scrolled_window, orientation, for_size, minimum, natural, NULL, NULL);
}

static void
sb_seat_map_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  SbSeatMap *self = SB_SEAT_MAP (widget);

  _sb_seat_map_zoom_allocate (self, width, height);
  gtk_widget_size_allocate (self->scrolled_window, &(GtkAllocation){ 0, 0, width, height },
                            baseline);
  gtk_widget_size_allocate (self->labels, &(GtkAllocation){ 0, 0, width, height }, baseline);
}

/* Input */

static guint seat_index_at (SbSeatMap *self, double x, double y);

/* Like a tooltip, the details wait for the pointer to rest; but they are drawn over the map by
 * the labels rather than in a tooltip window, which would take the clicks meant for the seats
 * beneath it. */
#define HOVER_DETAILS_DELAY_MS 500

static gboolean
show_hover_details (gpointer user_data)
{
  SbSeatMap *self = user_data;

  self->hover_details_id = 0;
  self->hover_details = TRUE;
  gtk_widget_queue_draw (self->labels);
  return G_SOURCE_REMOVE;
}

static void
hide_hover_details (SbSeatMap *self)
{
  g_clear_handle_id (&self->hover_details_id, g_source_remove);
  if (self->hover_details)
    {
      self->hover_details = FALSE;
      gtk_widget_queue_draw (self->labels);
    }
}

static void
update_hover (SbSeatMap *self)
{
  guint hover
      = self->pointer_inside ? seat_index_at (self, self->pointer_x, self->pointer_y) : NO_SEAT;

  if (hover == self->hover_seat)
    return;
  self->hover_seat = hover;
  hide_hover_details (self);
  if (hover != NO_SEAT)
    self->hover_details_id = g_timeout_add (HOVER_DETAILS_DELAY_MS, show_hover_details, self);
  gtk_widget_queue_draw (self->labels);
}

static void
motion_cb (GtkEventControllerMotion *controller, double x, double y, SbSeatMap *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
  update_hover (self);
}

static void
leave_cb (GtkEventControllerMotion *controller, SbSeatMap *self)
{
  self->pointer_inside = FALSE;
  update_hover (self);
}

/* Scrolling moves the venue under a pointer that stays put. */
static void
scrolled_cb (GtkAdjustment *adjustment, SbSeatMap *self)
{
  gtk_widget_queue_draw (self->labels);
  update_hover (self);
}

/* The seat under (x, y) of the map, or NO_SEAT.
 *
 * Not gtk_widget_pick(): a group has the bounding box of its children, and GTK picks the topmost
 * group whose box holds the point even when none of its seats does, so the middle of a curved
 * row, inside the next row's box, could not be clicked. The seats are not pickable at all (that
 * also spares GTK walking thousands of widgets on every pointer motion); the grid finds the seat
 * from the point's position and the zoom. */
static guint
seat_index_at (SbSeatMap *self, double x, double y)
{
  GtkWidget *viewport;
  GtkWidget *picked;
  graphene_point_t in_map = GRAPHENE_POINT_INIT ((float) x, (float) y);
  graphene_point_t in_root;
  graphene_rect_t bounds;
  int root_x0, root_y0, root_x1, root_y1;

  if (self->root == NULL || self->n_seats == 0)
    return NO_SEAT;

  /* A scrollbar over the seats takes the pointer. */
  viewport = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (self->scrolled_window));
  picked = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);
  if (picked == NULL || (picked != viewport && !gtk_widget_is_ancestor (picked, viewport)))
    return NO_SEAT;

  if (!gtk_widget_compute_point (GTK_WIDGET (self), GTK_WIDGET (self->root), &in_map, &in_root))
    return NO_SEAT;
  sb_seat_group_get_bounds (self->root, &bounds);
  sb_seat_group_pixel_box (&bounds, self->zoom, &root_x0, &root_y0, &root_x1, &root_y1);
  return sb_seat_grid_find_at_pixel (sb_seat_map_get_grid (self), in_root.x + root_x0,
                                     in_root.y + root_y0, self->zoom);
}

static void set_focus_seat (SbSeatMap *self, guint index, gboolean grab);

static void
click_released_cb (GtkGestureClick *gesture, int n_press, double x, double y, SbSeatMap *self)
{
  guint index = seat_index_at (self, x, y);

  hide_hover_details (self);
  if (index == NO_SEAT)
    return;

  set_focus_seat (self, index, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (self->seats[index]), "click", NULL);
}

/* Keyboard: arrows go to the spatially nearest seat in that direction (sb-seat-grid.c). */

static void
compute_neighbours (SbSeatMap *self)
{
  if (self->neighbours == NULL && self->n_seats > 0)
    self->neighbours = sb_seat_grid_compute_neighbours (sb_seat_map_get_grid (self));
}

/* Scrolls the least that shows the whole seat, with a little room around it for its focus ring. */
static void
scroll_to_seat (SbSeatMap *self, guint index)
{
  GtkWidget *seat = GTK_WIDGET (self->seats[index]);
  graphene_rect_t bounds;
  GtkAdjustment *adjustments[2]
      = { _sb_seat_map_get_hadjustment (self), _sb_seat_map_get_vadjustment (self) };

  if (!gtk_widget_compute_bounds (seat, GTK_WIDGET (self->root), &bounds))
    return;
  graphene_rect_inset (&bounds, -(float) (self->zoom * 0.25), -(float) (self->zoom * 0.25));
  for (int axis = 0; axis < 2; axis++)
    {
      GtkAdjustment *adjustment = adjustments[axis];
      double start = axis == 0 ? bounds.origin.x : bounds.origin.y;
      double size = axis == 0 ? bounds.size.width : bounds.size.height;
      double value = gtk_adjustment_get_value (adjustment);
      double page = gtk_adjustment_get_page_size (adjustment);

      /* The root's coordinates are the adjustment's while the map is larger than the view. */
      if (start < value)
        gtk_adjustment_set_value (adjustment, start);
      else if (start + size > value + page)
        gtk_adjustment_set_value (adjustment, start + size - page);
    }
}

static void
set_focus_seat (SbSeatMap *self, guint index, gboolean grab)
{
  if (index >= self->n_seats)
    return;

  if (self->focus_seat != index && self->focus_seat < self->n_seats)
    gtk_widget_set_focusable (GTK_WIDGET (self->seats[self->focus_seat]), FALSE);
  self->focus_seat = index;
  gtk_widget_set_focusable (GTK_WIDGET (self->seats[index]), TRUE);
  if (grab)
    gtk_widget_grab_focus (GTK_WIDGET (self->seats[index]));
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint keyval,
                guint keycode,
                GdkModifierType state,
                SbSeatMap *self)
{
  GtkWidget *focus;
  int dir;
  guint next;

  switch (keyval)
    {
      case GDK_KEY_Left:
      case GDK_KEY_KP_Left:
        dir = DIR_LEFT;
        break;
      case GDK_KEY_Right:
      case GDK_KEY_KP_Right:
        dir = DIR_RIGHT;
        break;
      case GDK_KEY_Up:
      case GDK_KEY_KP_Up:
        dir = DIR_UP;
        break;
      case GDK_KEY_Down:
      case GDK_KEY_KP_Down:
        dir = DIR_DOWN;
        break;
      default:
        return FALSE;
    }

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;

  focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self)));
  if (!SB_IS_SEAT_BUTTON (focus))
    return FALSE;

  compute_neighbours (self);
  next = self->neighbours[sb_seat_button_get_index (SB_SEAT_BUTTON (focus)) * N_DIRS + dir];
  /* At the edge of the venue the key is still ours: focus must not wander out of the map. */
  if (next != NO_SEAT)
    {
      set_focus_seat (self, next, TRUE);
      scroll_to_seat (self, next);
    }
  return TRUE;
}

/* Tab into the map lands on the roving focus seat, wherever the view is. */
static void
focus_enter_cb (GtkEventControllerFocus *controller, SbSeatMap *self)
{
  if (self->focus_seat < self->n_seats
      && gtk_widget_has_focus (GTK_WIDGET (self->seats[self->focus_seat])))
    scroll_to_seat (self, self->focus_seat);
}

/* Selection */

static gint
selection_find (SbSeatMap *self, guint index)
{
  for (guint i = 0; i < self->selection->len; i++)
    if (g_array_index (self->selection, guint, i) == index)
      return (gint) i;
  return -1;
}

void
sb_seat_map_set_selected (SbSeatMap *self, guint index, gboolean selected)
{
  gint position;

  g_return_if_fail (SB_IS_SEAT_MAP (self));
  g_return_if_fail (index < self->n_seats);

  position = selection_find (self, index);
  if ((position >= 0) == !!selected)
    return;

  if (selected)
    g_array_append_val (self->selection, index);
  else
    g_array_remove_index (self->selection, (guint) position);
  sb_seat_button_set_selected (self->seats[index], selected);
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

void
sb_seat_map_clear_selection (SbSeatMap *self)
{
  g_return_if_fail (SB_IS_SEAT_MAP (self));

  if (self->selection->len == 0)
    return;

  for (guint i = 0; i < self->selection->len; i++)
    sb_seat_button_set_selected (self->seats[g_array_index (self->selection, guint, i)], FALSE);
  g_array_set_size (self->selection, 0);
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

void
sb_seat_map_set_highlighted (SbSeatMap *self, const guint *indices, guint n_indices)
{
  g_return_if_fail (SB_IS_SEAT_MAP (self));
  g_return_if_fail (indices != NULL || n_indices == 0);

  for (guint i = 0; i < self->n_seats; i++)
    sb_seat_button_set_highlighted (self->seats[i], FALSE);
  for (guint i = 0; i < n_indices; i++)
    if (indices[i] < self->n_seats)
      sb_seat_button_set_highlighted (self->seats[indices[i]], TRUE);
}

const GArray *
sb_seat_map_get_selection (SbSeatMap *self)
{
  g_return_val_if_fail (SB_IS_SEAT_MAP (self), NULL);

  return self->selection;
}

static void
toggle_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SbSeatMap *self = SB_SEAT_MAP (widget);
  guint index = g_variant_get_uint32 (parameter);
  SbSeatStatus status;

  if (index >= self->n_seats)
    return;

  set_focus_seat (self, index, FALSE);
  status = sb_seat_button_get_status (self->seats[index]);
  /* A selected seat can always be let go, even one that someone else took meanwhile. */
  if (status == SB_SEAT_STATUS_FREE || sb_seat_button_get_selected (self->seats[index]))
    sb_seat_map_set_selected (self, index, !sb_seat_button_get_selected (self->seats[index]));
  else
    g_signal_emit (self, signals[SIGNAL_SEAT_REFUSED], 0, index);
}

/* Venue and states */

static void
clear_venue (SbSeatMap *self)
{
  if (self->root != NULL)
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled_window), NULL);
  self->root = NULL;
  for (guint i = 0; i < self->n_seats && self->hold_ids != NULL; i++)
    g_free (self->hold_ids[i]);
  g_clear_pointer (&self->hold_ids, g_free);
  g_clear_pointer (&self->seats, g_free);
  g_clear_pointer (&self->neighbours, g_free);
  g_clear_pointer (&self->grid, sb_seat_grid_free);
  self->n_seats = 0;
  self->hover_seat = NO_SEAT;
  self->hover_details = FALSE;
  g_clear_handle_id (&self->hover_details_id, g_source_remove);
  self->focus_seat = NO_SEAT;
  g_array_set_size (self->selection, 0);
  g_clear_object (&self->venue);
}

static void
seat_bounds (const SbSeat *seat, graphene_rect_t *out)
{
  graphene_rect_init (out, (float) (seat->x - 0.5), (float) (seat->y - 0.5), 1.0f, 1.0f);
}

static SbShapeKind
shape_kind (SbVenueShapeKind kind)
{
  switch (kind)
    {
      case SB_VENUE_SHAPE_STAGE:
        return SB_SHAPE_STAGE;
      case SB_VENUE_SHAPE_FLOOR:
        return SB_SHAPE_FLOOR;
      case SB_VENUE_SHAPE_AREA:
      default:
        return SB_SHAPE_AREA;
    }
}

static void
shape_bounds (const SbVenueShape *shape, graphene_rect_t *out)
{
  graphene_rect_init (out, (float) shape->x, (float) shape->y, (float) shape->width,
                      (float) shape->height);
}

void
sb_seat_map_set_venue (SbSeatMap *self, SbVenue *venue)
{
  double min_x, min_y, max_x, max_y;
  graphene_rect_t bounds;
  g_autoptr (GPtrArray) details = NULL;
  const char *currency;

  g_return_if_fail (SB_IS_SEAT_MAP (self));
  g_return_if_fail (venue == NULL || SB_IS_VENUE (venue));

  if (venue == self->venue)
    return;
  /* A new snapshot parses the venue anew; the same document means the same map. */
  if (venue != NULL && self->venue != NULL
      && g_strcmp0 (sb_venue_get_json_text (venue), sb_venue_get_json_text (self->venue)) == 0)
    {
      g_set_object (&self->venue, venue);
      return;
    }

  clear_venue (self);
  if (venue == NULL)
    {
      g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
      return;
    }

  self->venue = g_object_ref (venue);
  self->n_seats = sb_venue_get_n_seats (venue);
  self->seats = g_new0 (SbSeatButton *, MAX (1, self->n_seats));
  self->hold_ids = g_new0 (char *, MAX (1, self->n_seats));
  currency = sb_venue_get_currency (venue);

  /* One "Category, price" text per category, shared by its seats' descriptions. */
  details = g_ptr_array_new_with_free_func (g_free);
  for (guint c = 0; c < sb_venue_get_n_categories (venue); c++)
    {
      const SbCategory *category = sb_venue_get_category (venue, c);
      g_autofree char *price = sb_format_price (category->price, currency);

      /* Translators: seat category and its price, e.g. "Premium, €45.00" */
      g_ptr_array_add (details,
                       g_strdup_printf (C_ ("seat details", "%s, %s"), category->name, price));
    }

  sb_venue_get_bounds (venue, &min_x, &min_y, &max_x, &max_y);
  graphene_rect_init (&bounds, (float) (min_x - 0.5), (float) (min_y - 0.5),
                      (float) (max_x - min_x + 1), (float) (max_y - min_y + 1));
  for (guint i = 0; i < sb_venue_get_n_shapes (venue); i++)
    {
      graphene_rect_t shape;

      shape_bounds (sb_venue_get_shape (venue, i), &shape);
      graphene_rect_union (&bounds, &shape, &bounds);
    }
  graphene_rect_inset (&bounds, (float) -MARGIN, (float) -MARGIN);
  self->root = sb_seat_group_new (_ ("Seat map"), &bounds);
  sb_seat_group_set_scale (self->root, self->zoom);
  for (guint i = 0; i < sb_venue_get_n_shapes (venue); i++)
    {
      const SbVenueShape *shape = sb_venue_get_shape (venue, i);
      graphene_rect_t shape_rect;

      shape_bounds (shape, &shape_rect);
      sb_seat_group_add_shape (self->root, shape_kind (shape->kind), &shape_rect, shape->label);
    }

  for (guint s = 0; s < sb_venue_get_n_sections (venue); s++)
    {
      const SbSection *section = sb_venue_get_section (venue, s);
      graphene_rect_t section_bounds = GRAPHENE_RECT_INIT (0, 0, 0, 0);
      g_autoptr (GPtrArray) rows = g_ptr_array_new ();
      g_autoptr (GArray) row_bounds = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));
      SbSeatGroup *section_group;

      for (guint r = section->first_row; r < section->first_row + section->n_rows; r++)
        {
          const SbRow *row = sb_venue_get_row (venue, r);
          graphene_rect_t rb = GRAPHENE_RECT_INIT (0, 0, 0, 0);
          g_autofree char *row_label = NULL;
          SbSeatGroup *row_group;

          if (row->n_seats == 0)
            continue;

          for (guint i = row->first_seat; i < row->first_seat + row->n_seats; i++)
            {
              graphene_rect_t sb;

              seat_bounds (sb_venue_get_seat (venue, i), &sb);
              if (i == row->first_seat)
                rb = sb;
              else
                graphene_rect_union (&rb, &sb, &rb);
            }

          row_label = g_strdup_printf (_ ("Row %s"), row->label);
          row_group = sb_seat_group_new (row_label, &rb);
          for (guint i = row->first_seat; i < row->first_seat + row->n_seats; i++)
            {
              const SbSeat *seat = sb_venue_get_seat (venue, i);
              const SbCategory *category = sb_venue_get_category (venue, seat->category);
              g_autofree char *label
                  = g_strdup_printf (_ ("Row %s seat %s"), row->label, seat->label);
              GdkRGBA colour;
              graphene_rect_t sb;

              if (!gdk_rgba_parse (&colour, category->colour))
                colour = (GdkRGBA){ 0.2, 0.6, 0.3, 1.0 };
              g_autofree char *flags = sb_seat_text_flags (seat->flags);
              g_autofree char *seat_details = NULL;

              /* Translators: a seat's category and price, then its features, e.g.
               * "Premium, €65.00, wheelchair space" */
              if (flags != NULL)
                seat_details
                    = g_strdup_printf (C_ ("seat details", "%s, %s"),
                                       (char *) g_ptr_array_index (details, seat->category), flags);
              self->seats[i] = sb_seat_button_new (
                  i, &colour, label,
                  seat_details != NULL ? seat_details
                                       : g_ptr_array_index (details, seat->category));
              if (seat->blocked)
                sb_seat_button_set_status (self->seats[i], SB_SEAT_STATUS_BLOCKED);
              seat_bounds (seat, &sb);
              sb_seat_group_add (row_group, GTK_WIDGET (self->seats[i]), &sb);
            }

          if (rows->len == 0)
            section_bounds = rb;
          else
            graphene_rect_union (&section_bounds, &rb, &section_bounds);
          g_ptr_array_add (rows, row_group);
          g_array_append_val (row_bounds, rb);
        }

      if (rows->len == 0)
        continue;

      section_group = sb_seat_group_new (section->name, &section_bounds);
      for (guint r = 0; r < rows->len; r++)
        sb_seat_group_add (section_group, g_ptr_array_index (rows, r),
                           &g_array_index (row_bounds, graphene_rect_t, r));
      sb_seat_group_add (self->root, GTK_WIDGET (section_group), &section_bounds);
    }

  /* Centred while it is smaller than the view, so a fitted map sits in the middle. */
  gtk_widget_set_halign (GTK_WIDGET (self->root), GTK_ALIGN_CENTER);
  gtk_widget_set_valign (GTK_WIDGET (self->root), GTK_ALIGN_CENTER);
  /* The pointer finds seats through seat_index_at(), never through GTK's picking. */
  gtk_widget_set_can_target (GTK_WIDGET (self->root), FALSE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled_window),
                                 GTK_WIDGET (self->root));
  /* GtkViewport's own scrolling to the focus jumped the view when a click moved the focus between
   * sections; the map scrolls a seat the keyboard reaches into view itself (set_focus_seat()). */
  gtk_viewport_set_scroll_to_focus (
      GTK_VIEWPORT (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (self->scrolled_window))),
      FALSE);
  if (self->n_seats > 0)
    set_focus_seat (self, 0, FALSE);

  self->fit_pending = TRUE;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

SbVenue *
sb_seat_map_get_venue (SbSeatMap *self)
{
  g_return_val_if_fail (SB_IS_SEAT_MAP (self), NULL);

  return self->venue;
}

static SbSeatStatus
status_for (SbSeatMap *self, guint index, SbSeatState state)
{
  switch (state)
    {
      case SB_SEAT_HELD:
        return g_hash_table_contains (self->own_holds,
                                      self->hold_ids[index] ? self->hold_ids[index] : "")
                   ? SB_SEAT_STATUS_MINE
                   : SB_SEAT_STATUS_HELD;
      case SB_SEAT_BOOKED:
        return SB_SEAT_STATUS_BOOKED;
      case SB_SEAT_BLOCKED:
        return SB_SEAT_STATUS_BLOCKED;
      case SB_SEAT_FREE:
      default:
        return sb_venue_get_seat (self->venue, index)->blocked ? SB_SEAT_STATUS_BLOCKED
                                                               : SB_SEAT_STATUS_FREE;
    }
}

void
sb_seat_map_reset_states (SbSeatMap *self)
{
  g_return_if_fail (SB_IS_SEAT_MAP (self));

  for (guint i = 0; i < self->n_seats; i++)
    {
      g_clear_pointer (&self->hold_ids[i], g_free);
      sb_seat_button_set_status (self->seats[i], status_for (self, i, SB_SEAT_FREE));
    }
  g_signal_emit (self, signals[SIGNAL_SEATS_CHANGED], 0);
}

guint
sb_seat_map_apply_seats (SbSeatMap *self, GPtrArray *seats)
{
  guint applied = 0;

  g_return_val_if_fail (SB_IS_SEAT_MAP (self), 0);
  g_return_val_if_fail (seats != NULL, 0);

  if (self->venue == NULL)
    return 0;

  for (guint k = 0; k < seats->len; k++)
    {
      const SbSeatUpdate *update = g_ptr_array_index (seats, k);
      SbSeatState state = update->state;
      const char *hold = update->hold;
      guint index;

      /* A seat this venue does not have is skipped, not fatal: the next snapshot will set things
       * right. */
      if (!sb_venue_lookup_seat (self->venue, update->id, &index))
        continue;

      if (g_strcmp0 (self->hold_ids[index], hold) != 0)
        {
          g_free (self->hold_ids[index]);
          self->hold_ids[index] = state == SB_SEAT_HELD ? g_strdup (hold) : NULL;
        }
      sb_seat_button_set_status (self->seats[index], status_for (self, index, state));
      applied++;
    }

  g_signal_emit (self, signals[SIGNAL_SEATS_CHANGED], 0);
  return applied;
}

void
sb_seat_map_set_own_holds (SbSeatMap *self, GHashTable *hold_ids)
{
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (SB_IS_SEAT_MAP (self));

  g_hash_table_remove_all (self->own_holds);
  if (hold_ids != NULL)
    {
      g_hash_table_iter_init (&iter, hold_ids);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (self->own_holds, g_strdup (key));
    }

  /* A `held` reply can arrive after the `changed` that announced the hold: re-colour seats. */
  for (guint i = 0; i < self->n_seats; i++)
    if (self->hold_ids[i] != NULL)
      sb_seat_button_set_status (self->seats[i], status_for (self, i, SB_SEAT_HELD));
  g_signal_emit (self, signals[SIGNAL_SEATS_CHANGED], 0);
}

guint
sb_seat_map_get_n_seats (SbSeatMap *self)
{
  g_return_val_if_fail (SB_IS_SEAT_MAP (self), 0);

  return self->n_seats;
}

SbSeatStatus
sb_seat_map_get_status (SbSeatMap *self, guint index)
{
  g_return_val_if_fail (SB_IS_SEAT_MAP (self), SB_SEAT_STATUS_BLOCKED);
  g_return_val_if_fail (index < self->n_seats, SB_SEAT_STATUS_BLOCKED);

  return sb_seat_button_get_status (self->seats[index]);
}

const char *
sb_seat_map_get_hold (SbSeatMap *self, guint index)
{
  g_return_val_if_fail (SB_IS_SEAT_MAP (self), NULL);
  g_return_val_if_fail (index < self->n_seats, NULL);

  return self->hold_ids[index];
}

guint
sb_seat_map_get_focus_seat (SbSeatMap *self)
{
  g_return_val_if_fail (SB_IS_SEAT_MAP (self), G_MAXUINT);

  return self->focus_seat < self->n_seats ? self->focus_seat : G_MAXUINT;
}

SbSeatGrid *
sb_seat_map_get_grid (SbSeatMap *self)
{
  g_return_val_if_fail (SB_IS_SEAT_MAP (self), NULL);
  g_return_val_if_fail (self->venue != NULL, NULL);

  if (self->grid == NULL)
    self->grid = sb_seat_grid_new (self->venue);
  return self->grid;
}

gboolean
sb_seat_map_get_origin (SbSeatMap *self, double *out_x, double *out_y)
{
  graphene_point_t root_origin;
  graphene_rect_t bounds;
  int x0, y0, x1, y1;

  g_return_val_if_fail (SB_IS_SEAT_MAP (self), FALSE);

  if (self->root == NULL
      || !gtk_widget_compute_point (GTK_WIDGET (self->root), GTK_WIDGET (self),
                                    &GRAPHENE_POINT_INIT (0, 0), &root_origin))
    return FALSE;
  sb_seat_group_get_bounds (self->root, &bounds);
  sb_seat_group_pixel_box (&bounds, self->zoom, &x0, &y0, &x1, &y1);
  *out_x = root_origin.x - x0;
  *out_y = root_origin.y - y0;
  return TRUE;
}

guint
sb_seat_map_get_hover_seat (SbSeatMap *self, gboolean *out_details)
{
  g_return_val_if_fail (SB_IS_SEAT_MAP (self), NO_SEAT);

  *out_details = self->hover_details;
  return self->hover_seat;
}

SbSeatButton *
sb_seat_map_get_seat_widget (SbSeatMap *self, guint index)
{
  g_return_val_if_fail (SB_IS_SEAT_MAP (self), NULL);
  g_return_val_if_fail (index < self->n_seats, NULL);

  return self->seats[index];
}

char *
sb_seat_map_describe_seat (SbSeatMap *self, guint index)
{
  const SbSeat *seat;
  const SbRow *row;

  g_return_val_if_fail (SB_IS_SEAT_MAP (self), NULL);
  g_return_val_if_fail (index < self->n_seats, NULL);

  seat = sb_venue_get_seat (self->venue, index);
  row = sb_venue_get_row (self->venue, seat->row);
  if (sb_venue_get_n_sections (self->venue) > 1)
    /* Translators: a seat in a venue with several sections: "Row C seat 12 (Stalls)" */
    return g_strdup_printf (_ ("Row %s seat %s (%s)"), row->label, seat->label,
                            sb_venue_get_section (self->venue, seat->section)->name);
  return g_strdup_printf (_ ("Row %s seat %s"), row->label, seat->label);
}

char *
sb_seat_map_describe_seats (SbSeatMap *self, const guint *indices, guint n_indices)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (SB_IS_SEAT_MAP (self), NULL);

  for (guint i = 0; i < n_indices; i++)
    g_ptr_array_add (names, sb_seat_map_describe_seat (self, indices[i]));
  return sb_join_list ((const char *const *) names->pdata, names->len);
}

char *
sb_seat_map_describe_seat_ids (SbSeatMap *self, const char *const *seat_ids, guint *out_n_known)
{
  g_autoptr (GArray) indices = g_array_new (FALSE, FALSE, sizeof (guint));

  g_return_val_if_fail (SB_IS_SEAT_MAP (self), NULL);

  for (guint i = 0; self->venue != NULL && seat_ids != NULL && seat_ids[i] != NULL; i++)
    {
      guint index;

      if (sb_venue_lookup_seat (self->venue, seat_ids[i], &index))
        g_array_append_val (indices, index);
    }
  if (out_n_known != NULL)
    *out_n_known = indices->len;
  if (indices->len == 0)
    return NULL;
  return sb_seat_map_describe_seats (self, (const guint *) (gpointer) indices->data, indices->len);
}

/* GObject */

static void
sb_seat_map_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SbSeatMap *self = SB_SEAT_MAP (object);

  switch (prop_id)
    {
      case PROP_ZOOM:
        g_value_set_double (value, self->zoom);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_seat_map_dispose (GObject *object)
{
  SbSeatMap *self = SB_SEAT_MAP (object);

  clear_venue (self);
  g_clear_handle_id (&self->hover_details_id, g_source_remove);
  g_clear_pointer (&self->scrolled_window, gtk_widget_unparent);
  g_clear_pointer (&self->labels, gtk_widget_unparent);

  G_OBJECT_CLASS (sb_seat_map_parent_class)->dispose (object);
}

static void
sb_seat_map_finalize (GObject *object)
{
  SbSeatMap *self = SB_SEAT_MAP (object);

  g_hash_table_unref (self->own_holds);
  g_array_unref (self->selection);

  G_OBJECT_CLASS (sb_seat_map_parent_class)->finalize (object);
}

static void
sb_seat_map_class_init (SbSeatMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = sb_seat_map_get_property;
  object_class->dispose = sb_seat_map_dispose;
  object_class->finalize = sb_seat_map_finalize;

  widget_class->measure = sb_seat_map_measure;
  widget_class->size_allocate = sb_seat_map_size_allocate;

  properties[PROP_ZOOM]
      = g_param_spec_double ("zoom", NULL, NULL, SB_SEAT_MAP_MIN_ZOOM, SB_SEAT_MAP_MAX_ZOOM,
                             SB_SEAT_MAP_NATURAL_ZOOM, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The selection changed (by the user or because the venue changed). */
  signals[SIGNAL_SELECTION_CHANGED]
      = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 0);
  /* Seat states changed (a snapshot, a change, our holds). */
  signals[SIGNAL_SEATS_CHANGED]
      = g_signal_new ("seats-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 0);
  /* The user tried to choose a seat that is not free; the window explains why. */
  signals[SIGNAL_SEAT_REFUSED]
      = g_signal_new ("seat-refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_install_action (widget_class, "seat-map.toggle", "u", toggle_action);

  gtk_widget_class_set_css_name (widget_class, "seatmap");
}

static void
sb_seat_map_init (SbSeatMap *self)
{
  GtkEventController *key;
  GtkEventController *focus;
  GtkEventController *motion;
  GtkGesture *click;

  self->zoom = SB_SEAT_MAP_NATURAL_ZOOM;
  self->focus_seat = NO_SEAT;
  self->hover_seat = NO_SEAT;
  self->selection = g_array_new (FALSE, FALSE, sizeof (guint));
  self->own_holds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  self->scrolled_window = gtk_scrolled_window_new ();
  gtk_widget_set_parent (self->scrolled_window, GTK_WIDGET (self));
  g_signal_connect (_sb_seat_map_get_hadjustment (self), "value-changed", G_CALLBACK (scrolled_cb),
                    self);
  g_signal_connect (_sb_seat_map_get_vadjustment (self), "value-changed", G_CALLBACK (scrolled_cb),
                    self);
  /* After the scrolled window, so it is drawn over the seats. */
  self->labels = sb_seat_labels_new ();
  gtk_widget_set_parent (self->labels, GTK_WIDGET (self));
  g_signal_connect_swapped (self, "seats-changed", G_CALLBACK (gtk_widget_queue_draw),
                            self->labels);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  /* Ctrl+scroll and pinch to zoom, drag to pan (sb-seat-map-zoom.c). */
  _sb_seat_map_zoom_init (self);

  /* One click gesture for all seats instead of thousands: the seat is found by picking. */
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (click_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "enter", G_CALLBACK (focus_enter_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);

  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
}

GtkWidget *
sb_seat_map_new (void)
{
  return g_object_new (SB_TYPE_SEAT_MAP, NULL);
}
