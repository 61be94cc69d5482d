/* sb-seat-map-private.h: seat map internals, shared by sb-seat-map.c and sb-seat-map-zoom.c, and
 * read by the seat labels, the seat-map benchmark and GUI debugging. */
#pragma once

#include "sb-seat-grid.h"
#include "sb-seat-group.h"
#include "sb-seat-map.h"

G_BEGIN_DECLS

#define SB_SEAT_MAP_MIN_ZOOM 2.0
#define SB_SEAT_MAP_MAX_ZOOM 96.0

struct _SbSeatMap
{
  GtkWidget parent_instance;

  GtkWidget *scrolled_window;
  GtkWidget *labels; /* SbSeatLabels, over the scrolled window */
  SbVenue *venue;
  SbSeatGroup *root;
  SbSeatButton **seats; /* n_seats, indexed like the venue */
  char **hold_ids;      /* n_seats: the hold a held seat is under, or NULL */
  guint *neighbours;    /* N_DIRS per seat, NO_SEAT at an edge; computed on first use */
  SbSeatGrid *grid;     /* seats by position, for hit-testing; built on first use */
  guint n_seats;
  GHashTable *own_holds; /* hold id → itself */
  GArray *selection;     /* guint seat indices */
  guint focus_seat;      /* the one focusable seat (roving focus), or NO_SEAT */

  double zoom;
  gboolean fit_pending;
  /* Fitted and not zoomed since: a new view size (a narrower window, a panel folding) fits again.
   * fitted_width/height: the view it was fitted to. */
  gboolean stay_fitted;
  int fitted_width, fitted_height;
  /* Keeps the point under the pointer in place while zooming; applied when the map is next
   * allocated (place_anchor()). */
  gboolean anchor_pending;
  double anchor_venue_x, anchor_venue_y;
  double anchor_view_x, anchor_view_y;

  double pointer_x, pointer_y;
  gboolean pointer_inside;
  guint hover_seat;       /* under the pointer, or NO_SEAT */
  gboolean hover_details; /* the pointer rested there: the labels show the seat's details */
  guint hover_details_id; /* the timeout that shows them */
  double pinch_start_zoom;
  double drag_start_x, drag_start_y;
};

static inline GtkAdjustment *
_sb_seat_map_get_hadjustment (SbSeatMap *self)
{
  return gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (self->scrolled_window));
}

static inline GtkAdjustment *
_sb_seat_map_get_vadjustment (SbSeatMap *self)
{
  return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scrolled_window));
}

/* sb-seat-map.c: notifies :zoom (the property is installed there). */
void _sb_seat_map_notify_zoom (SbSeatMap *self);

/* sb-seat-map-zoom.c: adds the zoom and pan controllers (Ctrl+scroll, pinch, drag). */
void _sb_seat_map_zoom_init (SbSeatMap *self);
/* Before the scrolled window is allocated: fits the venue if a fit is pending and sets the scroll
 * position that keeps the zoom's anchor in place. */
void _sb_seat_map_zoom_allocate (SbSeatMap *self, int width, int height);

SbSeatButton *sb_seat_map_get_seat_widget (SbSeatMap *self, guint index);
/* Sets the zoom (pixels per venue unit) keeping the venue point under (x, y) of the viewport
 * where it is. */
void sb_seat_map_set_zoom_at (SbSeatMap *self, double zoom, double x, double y);

/* For the writing over the map (sb-seat-labels.c). */
SbSeatGrid *sb_seat_map_get_grid (SbSeatMap *self);
/* Where the venue origin lies in the map's coordinates, in the pixels sb_seat_group_pixel_box()
 * counts: a venue box's pixels plus this origin are where its widget is. FALSE without a venue. */
gboolean sb_seat_map_get_origin (SbSeatMap *self, double *out_x, double *out_y);
/* The seat under the pointer, or G_MAXUINT; out_details: whether its details are to be shown
 * (the pointer rested on it). */
guint sb_seat_map_get_hover_seat (SbSeatMap *self, gboolean *out_details);

G_END_DECLS
