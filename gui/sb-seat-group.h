/* sb-seat-group.h: a labelled group of the seat map (the map itself, a section, a row) that places
 * its children at their venue coordinates. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SB_TYPE_SEAT_GROUP (sb_seat_group_get_type ())
G_DECLARE_FINAL_TYPE (SbSeatGroup, sb_seat_group, SB, SEAT_GROUP, GtkWidget)

/* bounds: the group's extent in venue units (1 unit = one seat width). */
SbSeatGroup *sb_seat_group_new (const char *label, const graphene_rect_t *bounds);

/* Adds child at bounds (venue units, absolute). Children are appended in order: add them in
 * reading order so keyboard and screen reader order follows the venue. */
void sb_seat_group_add (SbSeatGroup *self, GtkWidget *child, const graphene_rect_t *bounds);

/* Only for the outermost group: pixels per venue unit. Nested groups get theirs from their
 * parent during allocation, so zooming is one relayout and never a rebuild. */
void sb_seat_group_set_scale (SbSeatGroup *self, double scale);
double sb_seat_group_get_scale (SbSeatGroup *self);
void sb_seat_group_get_bounds (SbSeatGroup *self, graphene_rect_t *out_bounds);

/* The pixels [x0, x1) × [y0, y1) that a venue rectangle covers at scale, counted from the venue
 * origin; each is at least one pixel wide. A child of the outermost group sits at its box minus
 * the group's, so hit-testing can find a seat's exact pixels without asking GTK. */
void sb_seat_group_pixel_box (const graphene_rect_t *bounds,
                              double scale,
                              int *out_x0,
                              int *out_y0,
                              int *out_x1,
                              int *out_y1);

typedef enum
{
  SB_SHAPE_AREA,
  SB_SHAPE_FLOOR,
  SB_SHAPE_STAGE,
} SbShapeKind;

/* A drawing-only rectangle of the venue (stage, floor), drawn beneath the children. */
void sb_seat_group_add_shape (SbSeatGroup *self,
                              SbShapeKind kind,
                              const graphene_rect_t *bounds,
                              const char *label);

G_END_DECLS
