/* sb-venue.h: the venue model (sections, rows, seats, categories), loaded and validated from the
 * JSON venue format of docs/venue-format.md. Immutable once loaded, so threads may share it. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SB_VENUE_ERROR (sb_venue_error_quark ())
GQuark sb_venue_error_quark (void);

typedef enum
{
  SB_VENUE_ERROR_PARSE,   /* not JSON */
  SB_VENUE_ERROR_INVALID, /* JSON, but not a valid venue; the message names the place */
} SbVenueErrorCode;

typedef enum
{
  SB_SEAT_FLAG_NONE = 0,
  SB_SEAT_FLAG_WHEELCHAIR = 1 << 0,
  SB_SEAT_FLAG_COMPANION = 1 << 1,
  SB_SEAT_FLAG_RESTRICTED_VIEW = 1 << 2,
} SbSeatFlags;

typedef struct
{
  char *id;
  char *name;
  gint64 price; /* in minor units of the venue's currency (cents) */
  char *colour; /* "#rrggbb" */
} SbCategory;

typedef struct
{
  char *id;    /* unique in the venue, e.g. "stalls-C-12" */
  char *label; /* as printed on the seat, e.g. "12" */
  double x, y; /* centre, in venue units (1 unit = one seat width) */
  guint category;
  guint section;
  guint row;
  SbSeatFlags flags;
  gboolean blocked;   /* never for sale (a camera position, a broken seat) */
  gboolean gap_after; /* an aisle or gap follows: not adjacent to the next seat of its row */
  guint rank;         /* the venue's quality rank (1 = best, from the seat, its row or its
                         section), 0 where none is given */
  guint quality;      /* the seat's place in the venue's quality order: 0 is the best seat */
} SbSeat;

typedef struct
{
  char *id;
  char *label; /* "C" */
  guint section;
  guint first_seat; /* seats of a row are contiguous in the seat array */
  guint n_seats;
  guint rank; /* 0 when the row gives none */
} SbRow;

typedef struct
{
  char *id;
  char *name;
  guint first_row; /* rows of a section are contiguous in the row array */
  guint n_rows;
  guint rank; /* 0 when the section gives none */
} SbSection;

typedef enum
{
  SB_VENUE_SHAPE_AREA,  /* an area of the venue, e.g. a bar or an aisle */
  SB_VENUE_SHAPE_FLOOR, /* a standing floor */
  SB_VENUE_SHAPE_STAGE,
} SbVenueShapeKind;

/* A drawing-only rectangle of the venue: the stage and the `shapes` of docs/venue-format.md. */
typedef struct
{
  SbVenueShapeKind kind;
  char *label;          /* NULL when the document gives none */
  double x, y;          /* top left corner, in venue units */
  double width, height; /* > 0 */
} SbVenueShape;

#define SB_TYPE_VENUE (sb_venue_get_type ())
G_DECLARE_FINAL_TYPE (SbVenue, sb_venue, SB, VENUE, GObject)

G_GNUC_WARN_UNUSED_RESULT
SbVenue *sb_venue_new_from_file (const char *path, GError **error);
/* source_name names the document in error messages (a file name, "event opening-night"). */
G_GNUC_WARN_UNUSED_RESULT
SbVenue *
sb_venue_new_from_data (const char *data, gssize length, const char *source_name, GError **error);
/* For a caller that holds the document as a json-glib tree already (the load generator). The
 * venue keeps none of it. json-glib's JsonNode is named by its struct so that this header does not
 * bring json-glib to every user of the venue model. */
struct _JsonNode;
G_GNUC_WARN_UNUSED_RESULT
SbVenue *
sb_venue_new_from_json_node (struct _JsonNode *node, const char *source_name, GError **error);

const char *sb_venue_get_id (SbVenue *self);
const char *sb_venue_get_name (SbVenue *self);
const char *sb_venue_get_currency (SbVenue *self);
/* The validated document, serialized compactly, as sent to clients inside a snapshot. Borrowed;
 * computed once. */
const char *sb_venue_get_json_text (SbVenue *self);

guint sb_venue_get_n_seats (SbVenue *self);
const SbSeat *sb_venue_get_seat (SbVenue *self, guint index);
gboolean sb_venue_lookup_seat (SbVenue *self, const char *seat_id, guint *out_index);

guint sb_venue_get_n_rows (SbVenue *self);
const SbRow *sb_venue_get_row (SbVenue *self, guint index);
guint sb_venue_get_n_sections (SbVenue *self);
const SbSection *sb_venue_get_section (SbVenue *self, guint index);
guint sb_venue_get_n_categories (SbVenue *self);
const SbCategory *sb_venue_get_category (SbVenue *self, guint index);

/* The shapes in drawing order: those of `shapes` as listed, then the stage. */
guint sb_venue_get_n_shapes (SbVenue *self);
const SbVenueShape *sb_venue_get_shape (SbVenue *self, guint index);

/* The seat indices from the best seat to the worst (docs/venue-format.md, "Seat quality"):
 * by rank (unranked seats last), then by distance to the stage's centre, then by index. Borrowed;
 * n_seats entries. seat->quality is each seat's position in it. */
const guint *sb_venue_get_quality_order (SbVenue *self);
/* TRUE when seat a and seat a + 1 are in the same row with no gap between them. */
gboolean sb_venue_seats_adjacent (SbVenue *self, guint a);

/* Bounding box of all seat centres. */
void
sb_venue_get_bounds (SbVenue *self, double *min_x, double *min_y, double *max_x, double *max_y);

G_END_DECLS
