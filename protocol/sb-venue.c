/* sb-venue.c: the venue model (SbVenue): the entry points, the accessors, and what is derived
 * once a document is loaded (bounds, seat quality order). The loader is sb-venue-loader.c. */
#include "sb-venue-private.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

G_DEFINE_TYPE (SbVenue, sb_venue, G_TYPE_OBJECT)

/* clang-format would put spaces around the dashes of the quark name. */
/* clang-format off */
G_DEFINE_QUARK (sb-venue-error-quark, sb_venue_error)
/* clang-format on */

static void
sb_venue_finalize (GObject *object)
{
  SbVenue *self = SB_VENUE (object);

  g_clear_pointer (&self->seat_index, g_hash_table_unref);
  g_clear_pointer (&self->seats, g_free);
  g_clear_pointer (&self->rows, g_free);
  g_clear_pointer (&self->sections, g_free);
  g_clear_pointer (&self->categories, g_free);
  g_clear_pointer (&self->shapes, g_free);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->json_text, g_free);
  g_clear_pointer (&self->quality_order, g_free);

  G_OBJECT_CLASS (sb_venue_parent_class)->finalize (object);
}

static void
sb_venue_class_init (SbVenueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sb_venue_finalize;
}

static void
sb_venue_init (SbVenue *self)
{
}

static void
compute_bounds (SbVenue *self)
{
  self->min_x = self->min_y = G_MAXDOUBLE;
  self->max_x = self->max_y = -G_MAXDOUBLE;
  for (guint i = 0; i < self->n_seats; i++)
    {
      const SbSeat *seat = &self->seats[i];

      self->min_x = MIN (self->min_x, seat->x);
      self->min_y = MIN (self->min_y, seat->y);
      self->max_x = MAX (self->max_x, seat->x);
      self->max_y = MAX (self->max_y, seat->y);
    }
}

/* The point seats are judged from when the venue ranks none: the centre of the stage (the
 * `stage`, drawn last, or else the last shape of kind stage); without one, just above the middle
 * of the front of the seats, where a stage would be. */
static void
stage_centre (SbVenue *self, double *out_x, double *out_y)
{
  for (guint i = self->n_shapes; i > 0; i--)
    {
      const SbVenueShape *shape = &self->shapes[i - 1];

      if (shape->kind == SB_VENUE_SHAPE_STAGE)
        {
          *out_x = shape->x + shape->width / 2;
          *out_y = shape->y + shape->height / 2;
          return;
        }
    }
  *out_x = (self->min_x + self->max_x) / 2;
  *out_y = self->min_y - 1;
}

typedef struct
{
  guint rank; /* G_MAXUINT for unranked seats: after every ranked one */
  double distance;
  guint index;
} QualityKey;

static int
compare_quality (gconstpointer a, gconstpointer b)
{
  const QualityKey *ka = a, *kb = b;

  if (ka->rank != kb->rank)
    return ka->rank < kb->rank ? -1 : 1;
  if (ka->distance != kb->distance)
    return ka->distance < kb->distance ? -1 : 1;
  /* Ties go to the seat listed first, so the order is the same on every machine. */
  return ka->index < kb->index ? -1 : ka->index > kb->index;
}

/* Sorted once per venue, so that a search for the best seats reads the order, never sorts. */
static void
compute_quality_order (SbVenue *self)
{
  g_autofree QualityKey *keys = g_new (QualityKey, self->n_seats);
  double cx, cy;

  stage_centre (self, &cx, &cy);
  for (guint i = 0; i < self->n_seats; i++)
    {
      const SbSeat *seat = &self->seats[i];

      keys[i].rank = seat->rank != 0 ? seat->rank : G_MAXUINT;
      /* Rounded to a thousandth of a seat, so that seats placed symmetrically tie exactly and the
       * index decides, whatever the floating point rounding of their coordinates. */
      keys[i].distance = round (hypot (seat->x - cx, seat->y - cy) * 1000.0);
      keys[i].index = i;
    }
  qsort (keys, self->n_seats, sizeof *keys, compare_quality);
  self->quality_order = g_new (guint, self->n_seats);
  for (guint q = 0; q < self->n_seats; q++)
    {
      self->quality_order[q] = keys[q].index;
      self->seats[keys[q].index].quality = q;
    }
}

void
_sb_venue_finish (SbVenue *self)
{
  compute_bounds (self);
  compute_quality_order (self);
}

SbVenue *
sb_venue_new_from_json_node (struct _JsonNode *node, const char *source_name, GError **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* One validator for every entry point: the node goes through its text. This path is for
   * venues already parsed by someone else, where it costs little extra. */
  text = json_to_string (node, FALSE);
  return _sb_venue_load (text, strlen (text), source_name, error);
}

SbVenue *
sb_venue_new_from_data (const char *data, gssize length, const char *source_name, GError **error)
{
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _sb_venue_load (data, length < 0 ? strlen (data) : (gsize) length, source_name, error);
}

SbVenue *
sb_venue_new_from_file (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *display = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* A read error is a GFileError whose message already names the file. */
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  display = g_filename_display_name (path);
  return _sb_venue_load (contents, length, display, error);
}
/* ---- Accessors --------------------------------------------------------------------------- */

const char *
sb_venue_get_id (SbVenue *self)
{
  g_return_val_if_fail (SB_IS_VENUE (self), NULL);
  return self->id;
}

const char *
sb_venue_get_name (SbVenue *self)
{
  g_return_val_if_fail (SB_IS_VENUE (self), NULL);
  return self->name;
}

const char *
sb_venue_get_currency (SbVenue *self)
{
  g_return_val_if_fail (SB_IS_VENUE (self), NULL);
  return self->currency;
}

const char *
sb_venue_get_json_text (SbVenue *self)
{
  g_return_val_if_fail (SB_IS_VENUE (self), NULL);
  return self->json_text;
}

guint
sb_venue_get_n_seats (SbVenue *self)
{
  g_return_val_if_fail (SB_IS_VENUE (self), 0);
  return self->n_seats;
}

const SbSeat *
sb_venue_get_seat (SbVenue *self, guint index)
{
  g_return_val_if_fail (SB_IS_VENUE (self), NULL);
  g_return_val_if_fail (index < self->n_seats, NULL);
  return &self->seats[index];
}

gboolean
sb_venue_lookup_seat (SbVenue *self, const char *seat_id, guint *out_index)
{
  gpointer value;

  g_return_val_if_fail (SB_IS_VENUE (self), FALSE);
  g_return_val_if_fail (seat_id != NULL, FALSE);

  value = g_hash_table_lookup (self->seat_index, seat_id);
  if (value == NULL)
    return FALSE;
  if (out_index != NULL)
    *out_index = GPOINTER_TO_UINT (value) - 1;
  return TRUE;
}

guint
sb_venue_get_n_rows (SbVenue *self)
{
  g_return_val_if_fail (SB_IS_VENUE (self), 0);
  return self->n_rows;
}

const SbRow *
sb_venue_get_row (SbVenue *self, guint index)
{
  g_return_val_if_fail (SB_IS_VENUE (self), NULL);
  g_return_val_if_fail (index < self->n_rows, NULL);
  return &self->rows[index];
}

guint
sb_venue_get_n_sections (SbVenue *self)
{
  g_return_val_if_fail (SB_IS_VENUE (self), 0);
  return self->n_sections;
}

const SbSection *
sb_venue_get_section (SbVenue *self, guint index)
{
  g_return_val_if_fail (SB_IS_VENUE (self), NULL);
  g_return_val_if_fail (index < self->n_sections, NULL);
  return &self->sections[index];
}

guint
sb_venue_get_n_categories (SbVenue *self)
{
  g_return_val_if_fail (SB_IS_VENUE (self), 0);
  return self->n_categories;
}

const SbCategory *
sb_venue_get_category (SbVenue *self, guint index)
{
  g_return_val_if_fail (SB_IS_VENUE (self), NULL);
  g_return_val_if_fail (index < self->n_categories, NULL);
  return &self->categories[index];
}

guint
sb_venue_get_n_shapes (SbVenue *self)
{
  g_return_val_if_fail (SB_IS_VENUE (self), 0);
  return self->n_shapes;
}

const SbVenueShape *
sb_venue_get_shape (SbVenue *self, guint index)
{
  g_return_val_if_fail (SB_IS_VENUE (self), NULL);
  g_return_val_if_fail (index < self->n_shapes, NULL);
  return &self->shapes[index];
}

const guint *
sb_venue_get_quality_order (SbVenue *self)
{
  g_return_val_if_fail (SB_IS_VENUE (self), NULL);
  return self->quality_order;
}

gboolean
sb_venue_seats_adjacent (SbVenue *self, guint a)
{
  g_return_val_if_fail (SB_IS_VENUE (self), FALSE);
  g_return_val_if_fail (a < self->n_seats, FALSE);

  return a + 1 < self->n_seats && self->seats[a].row == self->seats[a + 1].row
         && !self->seats[a].gap_after;
}

void
sb_venue_get_bounds (SbVenue *self, double *min_x, double *min_y, double *max_x, double *max_y)
{
  g_return_if_fail (SB_IS_VENUE (self));

  if (min_x != NULL)
    *min_x = self->min_x;
  if (min_y != NULL)
    *min_y = self->min_y;
  if (max_x != NULL)
    *max_x = self->max_x;
  if (max_y != NULL)
    *max_y = self->max_y;
}
