/* sb-seat-map-zoom.c: the seat map's zoom and panning.
 *
 * Zooming keeps a venue point in place on the screen: the point under the pointer for Ctrl+scroll
 * and pinches, the centre of the view for the zoom actions. The point is remembered as an anchor
 * and the scroll position is set from it when the map is next allocated, so that zoom steps that
 * come faster than frames do not drift. Fitting the venue to the view waits for the view's size in
 * the same way. Dragging with the primary button pans. Seats the clerk must see (a hold the
 * server chose) are brought into view, zooming out when they do not fit. */
#include "config.h"

#include <math.h>

#include "sb-seat-group.h"
#include "sb-seat-map-private.h"

#define ZOOM_STEP 1.25

static void
set_zoom_internal (SbSeatMap *self, double zoom)
{
  zoom = CLAMP (zoom, SB_SEAT_MAP_MIN_ZOOM, SB_SEAT_MAP_MAX_ZOOM);
  if (self->zoom == zoom)
    return;

  self->zoom = zoom;
  if (self->root != NULL)
    sb_seat_group_set_scale (self->root, zoom);
  gtk_widget_queue_draw (self->labels);
  _sb_seat_map_notify_zoom (self);
}

void
sb_seat_map_set_zoom_at (SbSeatMap *self, double zoom, double x, double y)
{
  g_return_if_fail (SB_IS_SEAT_MAP (self));

  self->fit_pending = FALSE;
  self->stay_fitted = FALSE;
  zoom = CLAMP (zoom, SB_SEAT_MAP_MIN_ZOOM, SB_SEAT_MAP_MAX_ZOOM);
  if (self->root == NULL || zoom == self->zoom)
    {
      set_zoom_internal (self, zoom);
      return;
    }

  graphene_point_t in_view = GRAPHENE_POINT_INIT ((float) x, (float) y);
  graphene_point_t in_map;

  /* Through the root's own coordinates, which also accounts for the map being centred while it
   * is smaller than the view. */
  if (!gtk_widget_compute_point (self->scrolled_window, GTK_WIDGET (self->root), &in_view, &in_map))
    in_map = in_view;
  /* Wheel notches and pinch steps come faster than frames: until the last zoom has been laid out,
   * the widgets are still placed for an older zoom, and only the anchor knows where the venue
   * is. Reading the layout then made every notch drift towards the top-left. */
  self->anchor_venue_x = self->anchor_pending
                             ? self->anchor_venue_x + (x - self->anchor_view_x) / self->zoom
                             : in_map.x / self->zoom;
  self->anchor_venue_y = self->anchor_pending
                             ? self->anchor_venue_y + (y - self->anchor_view_y) / self->zoom
                             : in_map.y / self->zoom;
  self->anchor_view_x = x;
  self->anchor_view_y = y;
  self->anchor_pending = TRUE;
  set_zoom_internal (self, zoom);
}

static void
zoom_around_centre (SbSeatMap *self, double factor)
{
  double width = gtk_widget_get_width (self->scrolled_window);
  double height = gtk_widget_get_height (self->scrolled_window);

  sb_seat_map_set_zoom_at (self, self->zoom * factor, width / 2, height / 2);
}

void
sb_seat_map_zoom_in (SbSeatMap *self)
{
  g_return_if_fail (SB_IS_SEAT_MAP (self));

  zoom_around_centre (self, ZOOM_STEP);
}

void
sb_seat_map_zoom_out (SbSeatMap *self)
{
  g_return_if_fail (SB_IS_SEAT_MAP (self));

  zoom_around_centre (self, 1.0 / ZOOM_STEP);
}

static double
fit_zoom (SbSeatMap *self, int width, int height)
{
  graphene_rect_t bounds;

  if (self->root == NULL || width <= 0 || height <= 0)
    return self->zoom;

  self->stay_fitted = TRUE;
  self->fitted_width = width;
  self->fitted_height = height;

  sb_seat_group_get_bounds (self->root, &bounds);
  /* A little less than the exact fit so no scrollbar appears for a rounding pixel. */
  return MIN ((width - 2) / bounds.size.width, (height - 2) / bounds.size.height);
}

void
sb_seat_map_zoom_to_fit (SbSeatMap *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  g_return_if_fail (SB_IS_SEAT_MAP (self));

  /* Shown already: fit now, outside of a layout pass. Changing the zoom while being allocated
   * resizes the map's ancestors after they were allocated, which GTK warns about. */
  if (self->root != NULL && width > 0 && height > 0)
    {
      self->fit_pending = FALSE;
      self->anchor_pending = FALSE;
      set_zoom_internal (self, fit_zoom (self, width, height));
      return;
    }

  self->fit_pending = TRUE;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* Centres the view on (x, y) of the root, in pixels at the current zoom, at the new zoom: through
 * the anchor, which the next allocation places (and clamps to the map's edges). */
static void
centre_on (SbSeatMap *self, double zoom, double x, double y)
{
  self->fit_pending = FALSE;
  self->anchor_venue_x = x / self->zoom;
  self->anchor_venue_y = y / self->zoom;
  self->anchor_view_x = gtk_widget_get_width (self->scrolled_window) / 2.0;
  self->anchor_view_y = gtk_widget_get_height (self->scrolled_window) / 2.0;
  self->anchor_pending = TRUE;
  set_zoom_internal (self, zoom);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

void
sb_seat_map_reveal_seats (SbSeatMap *self, const guint *indices, guint n_indices)
{
  double width, height, margin, scale;
  graphene_rect_t box = GRAPHENE_RECT_INIT (0, 0, 0, 0);
  graphene_point_t corner, far_corner;
  gboolean any = FALSE;

  g_return_if_fail (SB_IS_SEAT_MAP (self));
  g_return_if_fail (indices != NULL || n_indices == 0);

  width = gtk_widget_get_width (self->scrolled_window);
  height = gtk_widget_get_height (self->scrolled_window);
  /* Not laid out yet, or about to be: the fit that comes first shows every seat. */
  if (self->root == NULL || width <= 0 || height <= 0 || self->fit_pending || self->anchor_pending)
    return;

  for (guint i = 0; i < n_indices; i++)
    {
      graphene_rect_t seat;

      if (indices[i] >= self->n_seats
          || !gtk_widget_compute_bounds (GTK_WIDGET (self->seats[indices[i]]),
                                         GTK_WIDGET (self->root), &seat))
        continue;
      if (any)
        graphene_rect_union (&box, &seat, &box);
      else
        box = seat;
      any = TRUE;
    }
  if (!any)
    return;

  /* Half a seat of room around them, so they do not touch the edge. */
  margin = self->zoom;
  graphene_rect_inset (&box, (float) -margin / 2, (float) -margin / 2);
  if (box.size.width > width || box.size.height > height)
    {
      /* Too far apart for this zoom: zoom out until they fit, never further than the whole map. */
      scale = MIN (width / box.size.width, height / box.size.height);
      if (self->zoom * scale <= fit_zoom (self, (int) width, (int) height))
        sb_seat_map_zoom_to_fit (self);
      else
        centre_on (self, self->zoom * scale, box.origin.x + box.size.width / 2,
                   box.origin.y + box.size.height / 2);
      return;
    }

  /* In view already: the view stays where the clerk left it. */
  if (gtk_widget_compute_point (GTK_WIDGET (self->root), self->scrolled_window, &box.origin,
                                &corner)
      && gtk_widget_compute_point (
          GTK_WIDGET (self->root), self->scrolled_window,
          &GRAPHENE_POINT_INIT (box.origin.x + box.size.width, box.origin.y + box.size.height),
          &far_corner)
      && corner.x >= 0 && corner.y >= 0 && far_corner.x <= width && far_corner.y <= height)
    return;
  centre_on (self, self->zoom, box.origin.x + box.size.width / 2,
             box.origin.y + box.size.height / 2);
}

double
sb_seat_map_get_zoom (SbSeatMap *self)
{
  g_return_val_if_fail (SB_IS_SEAT_MAP (self), 1.0);

  return self->zoom;
}

/* The anchor's scroll position at the new zoom, set on the adjustments before the viewport is
 * allocated, so that the viewport places the map there in this very layout pass. (Setting the
 * value from the viewport's own allocation, as "changed" handlers do, moves the adjustment but
 * not the picture until some later relayout, and a click then made the view jump.) */
static void
place_anchor (SbSeatMap *self, int width, int height)
{
  GtkAdjustment *adjustments[2]
      = { _sb_seat_map_get_hadjustment (self), _sb_seat_map_get_vadjustment (self) };
  double anchor_venue[2] = { self->anchor_venue_x, self->anchor_venue_y };
  double anchor_view[2] = { self->anchor_view_x, self->anchor_view_y };
  int view[2] = { width, height };

  for (int axis = 0; axis < 2; axis++)
    {
      GtkAdjustment *adjustment = adjustments[axis];
      int extent;
      double upper, value;

      gtk_widget_measure (GTK_WIDGET (self->root),
                          axis == 0 ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL, -1,
                          NULL, &extent, NULL, NULL);
      upper = MAX (extent, view[axis]);
      value = CLAMP (anchor_venue[axis] * self->zoom - anchor_view[axis], 0, upper - view[axis]);
      gtk_adjustment_configure (adjustment, value, 0, upper,
                                gtk_adjustment_get_step_increment (adjustment),
                                gtk_adjustment_get_page_increment (adjustment), view[axis]);
    }
}

void
_sb_seat_map_zoom_allocate (SbSeatMap *self, int width, int height)
{
  /* Fitting needs the viewport size, known only now; setting the zoom before allocating the
   * scrolled window means the first frame is already at the right size. */
  if (self->stay_fitted && (width != self->fitted_width || height != self->fitted_height))
    self->fit_pending = TRUE;
  if (self->fit_pending && self->root != NULL && width > 0 && height > 0)
    {
      self->fit_pending = FALSE;
      set_zoom_internal (self, fit_zoom (self, width, height));
      self->anchor_pending = FALSE;
    }

  /* With overlay scrollbars (GTK's default) the viewport is as large as the map; classic
   * scrollbars make it smaller and the viewport then clamps the value a little. */
  if (self->anchor_pending && self->root != NULL)
    place_anchor (self, width, height);
  self->anchor_pending = FALSE;
}

/* Input */

static gboolean
scroll_cb (GtkEventControllerScroll *controller, double dx, double dy, SbSeatMap *self)
{
  GdkModifierType state
      = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (!(state & GDK_CONTROL_MASK) || self->root == NULL)
    return FALSE;

  /* Smooth scrolling reports fractions of a step, wheels whole steps; either way the venue
   * point under the pointer stays put. The map and its scrolled window share coordinates. */
  sb_seat_map_set_zoom_at (self, self->zoom * pow (ZOOM_STEP, -dy), self->pointer_x,
                           self->pointer_y);
  return TRUE;
}

static void
zoom_begin_cb (GtkGesture *gesture, GdkEventSequence *sequence, SbSeatMap *self)
{
  self->pinch_start_zoom = self->zoom;
}

static void
zoom_scale_changed_cb (GtkGestureZoom *gesture, double scale, SbSeatMap *self)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    {
      x = gtk_widget_get_width (self->scrolled_window) / 2.0;
      y = gtk_widget_get_height (self->scrolled_window) / 2.0;
    }
  sb_seat_map_set_zoom_at (self, self->pinch_start_zoom * scale, x, y);
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, SbSeatMap *self)
{
  self->drag_start_x = gtk_adjustment_get_value (_sb_seat_map_get_hadjustment (self));
  self->drag_start_y = gtk_adjustment_get_value (_sb_seat_map_get_vadjustment (self));
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, SbSeatMap *self)
{
  /* A click wobbles by a pixel or two; only pan once it is clearly a drag. */
  if (!gtk_drag_check_threshold (GTK_WIDGET (self), 0, 0, (int) dx, (int) dy) && fabs (dx) < 8
      && fabs (dy) < 8)
    return;

  gtk_adjustment_set_value (_sb_seat_map_get_hadjustment (self), self->drag_start_x - dx);
  gtk_adjustment_set_value (_sb_seat_map_get_vadjustment (self), self->drag_start_y - dy);
}

void
_sb_seat_map_zoom_init (SbSeatMap *self)
{
  GtkEventController *scroll;
  GtkGesture *zoom;
  GtkGesture *drag;

  /* Capture phase: Ctrl+scroll must zoom before the scrolled window scrolls. */
  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  zoom = gtk_gesture_zoom_new ();
  g_signal_connect (zoom, "begin", G_CALLBACK (zoom_begin_cb), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (zoom_scale_changed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (zoom));

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}
