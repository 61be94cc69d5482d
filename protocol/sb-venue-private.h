/* sb-venue-private.h: the venue's fields, shared by the model (sb-venue.c) and its loader
 * (sb-venue-loader.c). Private to protocol/. */
#pragma once

#include "sb-venue.h"

G_BEGIN_DECLS

struct _SbVenue
{
  GObject parent_instance;

  GStringChunk *strings; /* owns every string of the arrays below */
  const char *id;
  const char *name;
  const char *currency;

  SbSeat *seats;
  guint n_seats;
  SbRow *rows;
  guint n_rows;
  SbSection *sections;
  guint n_sections;
  SbCategory *categories;
  guint n_categories;
  SbVenueShape *shapes;
  guint n_shapes;

  GHashTable *seat_index; /* seat id (in strings) -> GUINT_TO_POINTER (index + 1) */

  double min_x, min_y, max_x, max_y;

  char *json_text;      /* compact text, written while reading the document */
  guint *quality_order; /* seat indices, best first */
};
/* Validates the document and builds a venue (sb-venue-loader.c). */
G_GNUC_WARN_UNUSED_RESULT
SbVenue *_sb_venue_load (const char *data, gsize length, const char *source_name, GError **error);
/* What the model derives once the arrays are loaded: the bounds, the seat quality order
 * (sb-venue.c). */
void _sb_venue_finish (SbVenue *self);

G_END_DECLS
