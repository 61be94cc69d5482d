/* sb-venue-loader.c: loads and validates the JSON venue format (docs/venue-format.md) into the
 * flat arrays of SbVenue (sb-venue-private.h).
 *
 * The loader walks the document once. Every object is checked against a table of its known
 * fields in a single pass over its members, which both rejects unknown fields and picks out the
 * known ones, so a 5,000-seat venue validates in well under a millisecond after parsing. Strings
 * live in one GStringChunk rather than in thousands of small allocations. */
#include "sb-venue-private.h"

#include "sb-json-reader.h"

#include <math.h>
#include <string.h>

#define ID_MAX_LENGTH 64
#define TEXT_MAX_LENGTH 200
#define COORDINATE_LIMIT 100000.0
#define PRICE_MAX G_GINT64_CONSTANT (1000000000)
#define RANK_MAX 1000000

/* ---- Reading JSON ------------------------------------------------------------------------ */

/* json-glib's GScanner-based parser needs ~15 ms and 40,000 GObject-ish allocations for the
 * 5,000-seat arena, while loading a venue must take a few ms. So venues are read by the strict
 * reader of sb-json-reader.c into a throw-away tree held in a bump allocator; it also writes the
 * compact text on the way (the source tokens without whitespace, so numbers keep their spelling).
 */

/* Parses the whole of data; on failure sets a "source:LINE:COLUMN: problem" error. */
static gboolean
read_json_document (const char *data,
                    gsize length,
                    const char *source,
                    SbJsonArena *arena,
                    GString *compact,
                    SbJsonValue *root,
                    GError **error)
{
  SbJsonReader r;
  gboolean ok;

  sb_json_reader_init (&r, data, length);
  if (sb_json_reader_at_end (&r))
    {
      g_set_error (error, SB_VENUE_ERROR, SB_VENUE_ERROR_PARSE, "%s: empty document", source);
      sb_json_reader_clear (&r);
      return FALSE;
    }
  ok = sb_json_reader_read_tree (&r, arena, compact, root) && sb_json_reader_finish (&r);
  if (!ok)
    {
      guint line, column;
      const char *problem = sb_json_reader_get_error (&r, &line, &column);

      g_set_error (error, SB_VENUE_ERROR, SB_VENUE_ERROR_PARSE, "%s:%u:%u: %s", source, line,
                   column, problem);
    }
  sb_json_reader_clear (&r);
  return ok;
}

/* ---- Error places ------------------------------------------------------------------------ */

/* Where the loader is in the document, as a chain on the stack: formatting it only happens when
 * something is wrong, so the happy path allocates nothing for it. */
typedef struct Place Place;
struct Place
{
  const Place *parent;
  const char *key; /* member name, e.g. "sections" */
  gint index;      /* array index, or -1 */
  const char *id;  /* the element's id when one could be read, for the message */
};

static void
place_append (GString *out, const Place *place)
{
  /* The document itself has no key: its fields are named without a path. */
  if (place == NULL || place->key == NULL)
    return;
  place_append (out, place->parent);
  if (out->len > 0)
    g_string_append_c (out, '.');
  g_string_append (out, place->key);
  if (place->index >= 0)
    g_string_append_printf (out, "[%d]", place->index);
}

typedef struct
{
  const char *source;
  SbVenue *venue;
  GArray *seats;
  GArray *rows;
  GArray *sections;
  GArray *categories;
  GArray *shapes;
} Loader;

static gboolean
fail (const Loader *loader, const Place *place, GError **error, const char *format, ...)
    G_GNUC_PRINTF (4, 5);

static gboolean
fail (const Loader *loader, const Place *place, GError **error, const char *format, ...)
{
  g_autoptr (GString) message = g_string_new (NULL);
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  place_append (message, place);
  if (message->len > 0 && place->id != NULL)
    g_string_append_printf (message, " (\"%s\")", place->id);

  g_set_error (error, SB_VENUE_ERROR, SB_VENUE_ERROR_INVALID, "%s: %s%s%s", loader->source,
               message->str, message->len > 0 ? ": " : "", problem);
  return FALSE;
}

/* ---- Field tables ------------------------------------------------------------------------ */

typedef struct
{
  const char *name;
  gboolean required;
} FieldSpec;

static gboolean
is_valid_id (const char *s)
{
  gsize len = 0;

  for (; s[len] != '\0'; len++)
    {
      char c = s[len];
      if (!(g_ascii_isalnum (c) || c == '.' || c == '_' || c == '-'))
        return FALSE;
      if (len >= ID_MAX_LENGTH)
        return FALSE;
    }
  return len > 0;
}

/* Checks that @node is an object with only the fields of @specs, and the required ones; fills
 * @slots (indexed like @specs, NULL when absent). Sets place->id from a valid "id" member first so
 * that every later message about this element can name it. */
static gboolean
read_fields (const Loader *loader,
             Place *place,
             const SbJsonValue *node,
             const FieldSpec *specs,
             guint n_specs,
             const SbJsonValue **slots,
             GError **error)
{
  if (node->type != SB_JSON_OBJECT)
    return fail (loader, place, error, "must be an object");

  memset (slots, 0, n_specs * sizeof *slots);

  for (guint m = 0; m < node->n; m++)
    {
      const SbJsonMember *member = &node->members[m];

      if (member->value.type == SB_JSON_STRING && strcmp (member->name, "id") == 0
          && is_valid_id (member->value.s))
        place->id = member->value.s;
    }

  for (guint m = 0; m < node->n; m++)
    {
      const SbJsonMember *member = &node->members[m];
      guint i;

      for (i = 0; i < n_specs; i++)
        if (strcmp (member->name, specs[i].name) == 0)
          break;
      if (i == n_specs)
        return fail (loader, place, error, "unknown field \"%s\"", member->name);
      /* JSON allows repeated names but says nothing of their meaning: refuse them. */
      if (slots[i] != NULL)
        return fail (loader, place, error, "field \"%s\" appears twice", member->name);
      slots[i] = &member->value;
    }

  for (guint i = 0; i < n_specs; i++)
    if (specs[i].required && slots[i] == NULL)
      return fail (loader, place, error, "missing field \"%s\"", specs[i].name);

  return TRUE;
}

static gboolean
holds_type (const SbJsonValue *node, SbJsonType type)
{
  return node->type == type;
}

static gboolean
read_id (const Loader *loader,
         const Place *place,
         const SbJsonValue *node,
         const char *field,
         const char **out,
         GError **error)
{
  /* Defined on every path: callers read several fields in one condition. */
  *out = NULL;
  if (!holds_type (node, SB_JSON_STRING))
    return fail (loader, place, error, "field \"%s\" must be a string", field);
  if (!is_valid_id (node->s))
    return fail (loader, place, error,
                 "field \"%s\" must be 1-%d characters of [A-Za-z0-9._-], not \"%s\"", field,
                 ID_MAX_LENGTH, node->s);
  *out = node->s;
  return TRUE;
}

static gboolean
read_text (const Loader *loader,
           const Place *place,
           const SbJsonValue *node,
           const char *field,
           const char **out,
           GError **error)
{
  const char *s;
  glong n;

  /* Defined on every path: callers read several fields in one condition. */
  *out = NULL;
  if (!holds_type (node, SB_JSON_STRING))
    return fail (loader, place, error, "field \"%s\" must be a string", field);
  s = node->s;
  n = g_utf8_strlen (s, -1);
  if (n < 1 || n > TEXT_MAX_LENGTH)
    return fail (loader, place, error, "field \"%s\" must be 1-%d characters", field,
                 TEXT_MAX_LENGTH);
  *out = s;
  return TRUE;
}

static gboolean
read_number (const Loader *loader,
             const Place *place,
             const SbJsonValue *node,
             const char *field,
             double *out,
             GError **error)
{
  double v;

  /* Defined on every path: callers read several fields in one condition. */
  *out = 0.0;
  if (holds_type (node, SB_JSON_INT))
    v = (double) node->i;
  else if (holds_type (node, SB_JSON_DOUBLE))
    v = node->d;
  else
    return fail (loader, place, error, "field \"%s\" must be a number", field);

  /* JSON has no NaN or infinity, but json-glib turns 1e999 into inf. */
  if (!isfinite (v) || v < -COORDINATE_LIMIT || v > COORDINATE_LIMIT)
    return fail (loader, place, error, "field \"%s\" must be a finite number from %g to %g", field,
                 -COORDINATE_LIMIT, COORDINATE_LIMIT);
  *out = v;
  return TRUE;
}

static gboolean
read_array (const Loader *loader,
            const Place *place,
            const SbJsonValue *node,
            const char *field,
            gboolean allow_empty,
            const SbJsonValue **out,
            GError **error)
{
  if (node->type != SB_JSON_ARRAY)
    return fail (loader, place, error, "field \"%s\" must be an array", field);
  *out = node;
  if (!allow_empty && node->n == 0)
    return fail (loader, place, error, "field \"%s\" must not be empty", field);
  return TRUE;
}

static gboolean
is_colour (const char *s)
{
  if (s[0] != '#')
    return FALSE;
  for (guint i = 1; i <= 6; i++)
    if (!g_ascii_isxdigit (s[i]))
      return FALSE;
  return s[7] == '\0';
}

static const char *
intern (const Loader *loader, const char *s)
{
  return g_string_chunk_insert (loader->venue->strings, s);
}

/* ---- Shapes (drawing only) --------------------------------------------------------------- */

static const FieldSpec shape_fields[] = {
  { "kind", FALSE }, { "label", FALSE }, { "x", TRUE },
  { "y", TRUE },     { "width", TRUE },  { "height", TRUE },
};
enum
{
  SHAPE_KIND,
  SHAPE_LABEL,
  SHAPE_X,
  SHAPE_Y,
  SHAPE_WIDTH,
  SHAPE_HEIGHT,
  N_SHAPE_FIELDS
};

static gboolean
load_shape (const Loader *loader,
            Place *place,
            const SbJsonValue *node,
            gboolean is_stage,
            SbVenueShape *out,
            GError **error)
{
  const SbJsonValue *f[N_SHAPE_FIELDS];
  const char *text;
  double v[N_SHAPE_FIELDS];

  /* "stage" is a shape whose kind is implied, so it takes no "kind" field. */
  if (!read_fields (loader, place, node, is_stage ? shape_fields + 1 : shape_fields,
                    is_stage ? N_SHAPE_FIELDS - 1 : N_SHAPE_FIELDS, is_stage ? f + 1 : f, error))
    return FALSE;
  if (is_stage)
    f[SHAPE_KIND] = NULL;

  /* Without a kind, a shape is an area. */
  out->kind = is_stage ? SB_VENUE_SHAPE_STAGE : SB_VENUE_SHAPE_AREA;
  if (f[SHAPE_KIND] != NULL)
    {
      if (!holds_type (f[SHAPE_KIND], SB_JSON_STRING))
        return fail (loader, place, error, "field \"kind\" must be a string");
      text = f[SHAPE_KIND]->s;
      if (strcmp (text, "stage") == 0)
        out->kind = SB_VENUE_SHAPE_STAGE;
      else if (strcmp (text, "floor") == 0)
        out->kind = SB_VENUE_SHAPE_FLOOR;
      else if (strcmp (text, "area") != 0)
        return fail (loader, place, error,
                     "field \"kind\" must be \"stage\", \"floor\" or \"area\", not \"%s\"", text);
    }
  out->label = NULL;
  if (f[SHAPE_LABEL] != NULL)
    {
      if (!read_text (loader, place, f[SHAPE_LABEL], "label", &text, error))
        return FALSE;
      out->label = (char *) intern (loader, text);
    }
  for (guint i = SHAPE_X; i <= SHAPE_HEIGHT; i++)
    {
      if (!read_number (loader, place, f[i], shape_fields[i].name, &v[i], error))
        return FALSE;
      if (i >= SHAPE_WIDTH && v[i] <= 0)
        return fail (loader, place, error, "field \"%s\" must be greater than 0",
                     shape_fields[i].name);
    }
  out->x = v[SHAPE_X];
  out->y = v[SHAPE_Y];
  out->width = v[SHAPE_WIDTH];
  out->height = v[SHAPE_HEIGHT];
  return TRUE;
}

/* ---- Categories -------------------------------------------------------------------------- */

static const FieldSpec category_fields[] = {
  { "id", TRUE },
  { "name", TRUE },
  { "price", TRUE },
  { "colour", TRUE },
};
enum
{
  CAT_ID,
  CAT_NAME,
  CAT_PRICE,
  CAT_COLOUR,
  N_CAT_FIELDS
};

static gboolean
load_categories (const Loader *loader, const SbJsonValue *array, GHashTable *by_id, GError **error)
{
  guint n = array->n;

  for (guint i = 0; i < n; i++)
    {
      Place place = { NULL, "categories", (gint) i, NULL };
      const SbJsonValue *f[N_CAT_FIELDS];
      const char *id, *name, *colour;
      SbCategory category;
      gint64 price;

      if (!read_fields (loader, &place, &array->items[i], category_fields, N_CAT_FIELDS, f, error))
        return FALSE;
      if (!read_id (loader, &place, f[CAT_ID], "id", &id, error)
          || !read_text (loader, &place, f[CAT_NAME], "name", &name, error))
        return FALSE;
      if (!holds_type (f[CAT_PRICE], SB_JSON_INT))
        return fail (loader, &place, error,
                     "field \"price\" must be an integer (minor units, e.g. cents)");
      price = f[CAT_PRICE]->i;
      if (price < 0 || price > PRICE_MAX)
        return fail (loader, &place, error, "field \"price\" must be from 0 to %" G_GINT64_FORMAT,
                     PRICE_MAX);
      if (!holds_type (f[CAT_COLOUR], SB_JSON_STRING) || !is_colour (f[CAT_COLOUR]->s))
        return fail (loader, &place, error, "field \"colour\" must be a colour \"#rrggbb\"");
      colour = f[CAT_COLOUR]->s;

      if (g_hash_table_contains (by_id, id))
        return fail (loader, &place, error, "duplicate category id \"%s\"", id);
      g_hash_table_insert (by_id, (gpointer) id, GUINT_TO_POINTER (i));

      category.id = (char *) intern (loader, id);
      category.name = (char *) intern (loader, name);
      category.price = price;
      category.colour = (char *) intern (loader, colour);
      g_array_append_val (loader->categories, category);
    }
  return TRUE;
}

/* ---- Seats, rows, sections --------------------------------------------------------------- */

/* An optional "rank" (docs/venue-format.md, "Seat quality"): 0 when absent. */
static gboolean
read_rank (
    const Loader *loader, const Place *place, const SbJsonValue *node, guint *out, GError **error)
{
  *out = 0;
  if (node == NULL)
    return TRUE;
  if (!holds_type (node, SB_JSON_INT) || node->i < 1 || node->i > RANK_MAX)
    return fail (loader, place, error, "field \"rank\" must be an integer from 1 to %d", RANK_MAX);
  *out = (guint) node->i;
  return TRUE;
}

static const FieldSpec seat_fields[] = {
  { "id", TRUE },       { "label", TRUE },    { "x", TRUE },
  { "y", TRUE },        { "category", TRUE }, { "flags", FALSE },
  { "blocked", FALSE }, { "rank", FALSE },    { "gap_after", FALSE },
};
enum
{
  SEAT_ID,
  SEAT_LABEL,
  SEAT_X,
  SEAT_Y,
  SEAT_CATEGORY,
  SEAT_FLAGS,
  SEAT_BLOCKED,
  SEAT_RANK,
  SEAT_GAP_AFTER,
  N_SEAT_FIELDS
};

static gboolean
read_flags (const Loader *loader,
            const Place *place,
            const SbJsonValue *node,
            SbSeatFlags *out,
            GError **error)
{
  static const struct
  {
    const char *name;
    SbSeatFlags flag;
  } known[] = {
    { "wheelchair", SB_SEAT_FLAG_WHEELCHAIR },
    { "companion", SB_SEAT_FLAG_COMPANION },
    { "restricted_view", SB_SEAT_FLAG_RESTRICTED_VIEW },
  };
  SbSeatFlags flags = SB_SEAT_FLAG_NONE;
  guint n;

  if (node->type != SB_JSON_ARRAY)
    return fail (loader, place, error, "field \"flags\" must be an array of strings");
  n = node->n;
  for (guint i = 0; i < n; i++)
    {
      const SbJsonValue *element = &node->items[i];
      const char *name;
      guint k;

      if (!holds_type (element, SB_JSON_STRING))
        return fail (loader, place, error, "field \"flags\" must be an array of strings");
      name = element->s;
      for (k = 0; k < G_N_ELEMENTS (known); k++)
        if (strcmp (name, known[k].name) == 0)
          break;
      if (k == G_N_ELEMENTS (known))
        return fail (loader, place, error,
                     "unknown flag \"%s\" (known: wheelchair, companion, restricted_view)", name);
      if (flags & known[k].flag)
        return fail (loader, place, error, "flag \"%s\" is listed twice", name);
      flags |= known[k].flag;
    }
  *out = flags;
  return TRUE;
}

static void
seat_place_string (const Loader *loader, guint seat_index, GString *out)
{
  const SbSeat *seat = &g_array_index (loader->seats, SbSeat, seat_index);
  const SbRow *row = &g_array_index (loader->rows, SbRow, seat->row);
  const SbSection *section = &g_array_index (loader->sections, SbSection, seat->section);

  g_string_append_printf (out, "sections[%u].rows[%u].seats[%u]", seat->section,
                          seat->row - section->first_row, seat_index - row->first_seat);
}

static gboolean
load_seat (const Loader *loader,
           Place *place,
           const SbJsonValue *node,
           GHashTable *categories_by_id,
           guint section_index,
           guint row_index,
           GError **error)
{
  const SbJsonValue *f[N_SEAT_FIELDS];
  const char *id, *label, *category_id;
  gpointer category_index, existing;
  SbSeat seat = { 0 };
  guint seat_index = loader->seats->len;

  if (!read_fields (loader, place, node, seat_fields, N_SEAT_FIELDS, f, error))
    return FALSE;
  if (!read_id (loader, place, f[SEAT_ID], "id", &id, error)
      || !read_text (loader, place, f[SEAT_LABEL], "label", &label, error)
      || !read_number (loader, place, f[SEAT_X], "x", &seat.x, error)
      || !read_number (loader, place, f[SEAT_Y], "y", &seat.y, error)
      || !read_id (loader, place, f[SEAT_CATEGORY], "category", &category_id, error))
    return FALSE;
  if (!g_hash_table_lookup_extended (categories_by_id, category_id, NULL, &category_index))
    return fail (loader, place, error, "unknown category \"%s\"", category_id);
  if (f[SEAT_FLAGS] != NULL && !read_flags (loader, place, f[SEAT_FLAGS], &seat.flags, error))
    return FALSE;
  if (f[SEAT_BLOCKED] != NULL)
    {
      if (!holds_type (f[SEAT_BLOCKED], SB_JSON_BOOLEAN))
        return fail (loader, place, error, "field \"blocked\" must be true or false");
      seat.blocked = f[SEAT_BLOCKED]->b;
    }
  if (f[SEAT_GAP_AFTER] != NULL)
    {
      if (!holds_type (f[SEAT_GAP_AFTER], SB_JSON_BOOLEAN))
        return fail (loader, place, error, "field \"gap_after\" must be true or false");
      seat.gap_after = f[SEAT_GAP_AFTER]->b;
    }
  if (!read_rank (loader, place, f[SEAT_RANK], &seat.rank, error))
    return FALSE;
  /* A seat without a rank has its row's, or else its section's. */
  if (seat.rank == 0)
    seat.rank = g_array_index (loader->rows, SbRow, row_index).rank;
  if (seat.rank == 0)
    seat.rank = g_array_index (loader->sections, SbSection, section_index).rank;

  seat.id = (char *) intern (loader, id);
  seat.label = (char *) intern (loader, label);
  seat.category = GPOINTER_TO_UINT (category_index);
  seat.section = section_index;
  seat.row = row_index;

  existing = g_hash_table_lookup (loader->venue->seat_index, seat.id);
  if (existing != NULL)
    {
      g_autoptr (GString) first = g_string_new (NULL);

      seat_place_string (loader, GPOINTER_TO_UINT (existing) - 1, first);
      return fail (loader, place, error, "duplicate seat id \"%s\" (first used at %s)", id,
                   first->str);
    }
  g_hash_table_insert (loader->venue->seat_index, seat.id, GUINT_TO_POINTER (seat_index + 1));
  g_array_append_val (loader->seats, seat);
  return TRUE;
}

static const FieldSpec row_fields[] = {
  { "id", TRUE },
  { "label", TRUE },
  { "seats", TRUE },
  { "rank", FALSE },
};
enum
{
  ROW_ID,
  ROW_LABEL,
  ROW_SEATS,
  ROW_RANK,
  N_ROW_FIELDS
};

static const FieldSpec section_fields[] = {
  { "id", TRUE },
  { "name", TRUE },
  { "rows", TRUE },
  { "rank", FALSE },
};
enum
{
  SECTION_ID,
  SECTION_NAME,
  SECTION_ROWS,
  SECTION_RANK,
  N_SECTION_FIELDS
};

static gboolean
load_row (const Loader *loader,
          Place *place,
          const SbJsonValue *node,
          GHashTable *categories_by_id,
          GHashTable *row_ids,
          guint section_index,
          GError **error)
{
  const SbJsonValue *f[N_ROW_FIELDS];
  const char *id, *label;
  const SbJsonValue *seats = NULL;
  SbRow row;
  guint n, row_index = loader->rows->len;

  if (!read_fields (loader, place, node, row_fields, N_ROW_FIELDS, f, error))
    return FALSE;
  if (!read_id (loader, place, f[ROW_ID], "id", &id, error)
      || !read_text (loader, place, f[ROW_LABEL], "label", &label, error)
      || !read_array (loader, place, f[ROW_SEATS], "seats", FALSE, &seats, error)
      || !read_rank (loader, place, f[ROW_RANK], &row.rank, error))
    return FALSE;
  if (!g_hash_table_add (row_ids, (gpointer) id))
    return fail (loader, place, error, "duplicate row id \"%s\" in this section", id);

  row.id = (char *) intern (loader, id);
  row.label = (char *) intern (loader, label);
  row.section = section_index;
  row.first_seat = loader->seats->len;
  /* Appended before its seats so that seat_place_string() can find it for a duplicate. */
  n = seats->n;
  row.n_seats = n;
  g_array_append_val (loader->rows, row);

  for (guint i = 0; i < n; i++)
    {
      Place seat_place = { place, "seats", (gint) i, NULL };

      if (!load_seat (loader, &seat_place, &seats->items[i], categories_by_id, section_index,
                      row_index, error))
        return FALSE;
    }
  /* Nothing follows a row's last seat: a gap there would mean nothing. */
  if (g_array_index (loader->seats, SbSeat, loader->seats->len - 1).gap_after)
    {
      Place seat_place = { place, "seats", (gint) n - 1,
                           g_array_index (loader->seats, SbSeat, loader->seats->len - 1).id };

      return fail (loader, &seat_place, error, "the last seat of a row cannot have \"gap_after\"");
    }
  return TRUE;
}

static gboolean
load_sections (const Loader *loader,
               const SbJsonValue *array,
               GHashTable *categories_by_id,
               GError **error)
{
  g_autoptr (GHashTable) section_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) row_ids = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = array->n;

  for (guint i = 0; i < n; i++)
    {
      Place place = { NULL, "sections", (gint) i, NULL };
      const SbJsonValue *f[N_SECTION_FIELDS];
      const char *id, *name;
      const SbJsonValue *rows = NULL;
      SbSection section;
      guint n_rows;

      if (!read_fields (loader, &place, &array->items[i], section_fields, N_SECTION_FIELDS, f,
                        error))
        return FALSE;
      if (!read_id (loader, &place, f[SECTION_ID], "id", &id, error)
          || !read_text (loader, &place, f[SECTION_NAME], "name", &name, error)
          || !read_array (loader, &place, f[SECTION_ROWS], "rows", FALSE, &rows, error)
          || !read_rank (loader, &place, f[SECTION_RANK], &section.rank, error))
        return FALSE;
      if (!g_hash_table_add (section_ids, (gpointer) id))
        return fail (loader, &place, error, "duplicate section id \"%s\"", id);

      n_rows = rows->n;
      section.id = (char *) intern (loader, id);
      section.name = (char *) intern (loader, name);
      section.first_row = loader->rows->len;
      section.n_rows = n_rows;
      g_array_append_val (loader->sections, section);

      g_hash_table_remove_all (row_ids);
      for (guint r = 0; r < n_rows; r++)
        {
          Place row_place = { &place, "rows", (gint) r, NULL };

          if (!load_row (loader, &row_place, &rows->items[r], categories_by_id, row_ids, i, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* ---- The document ------------------------------------------------------------------------ */

static const FieldSpec venue_fields[] = {
  { "format", TRUE }, { "id", TRUE },      { "name", TRUE },       { "currency", TRUE },
  { "stage", FALSE }, { "shapes", FALSE }, { "categories", TRUE }, { "sections", TRUE },
};
enum
{
  VENUE_FORMAT,
  VENUE_ID,
  VENUE_NAME,
  VENUE_CURRENCY,
  VENUE_STAGE,
  VENUE_SHAPES,
  VENUE_CATEGORIES,
  VENUE_SECTIONS,
  N_VENUE_FIELDS
};

static gboolean
is_currency (const char *s)
{
  return g_ascii_isupper (s[0]) && g_ascii_isupper (s[1]) && g_ascii_isupper (s[2]) && s[3] == '\0';
}

static gboolean
load_venue (const Loader *loader, const SbJsonValue *root, GError **error)
{
  g_autoptr (GHashTable) categories_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  SbVenue *self = loader->venue;
  const SbJsonValue *f[N_VENUE_FIELDS];
  Place top = { NULL, NULL, -1, NULL };
  const SbJsonValue *categories = NULL, *sections = NULL;
  const char *id, *name, *currency;
  SbVenueShape stage = { 0 };

  if (root->type != SB_JSON_OBJECT)
    return fail (loader, NULL, error, "a venue must be a JSON object");
  /* The top level has no path; place_append() prints nothing for it, but read_fields() wants a
   * Place to record the id into, which we do not show at the top. */
  if (!read_fields (loader, &top, root, venue_fields, N_VENUE_FIELDS, f, error))
    return FALSE;

  if (!holds_type (f[VENUE_FORMAT], SB_JSON_INT))
    return fail (loader, NULL, error, "field \"format\" must be an integer");
  if (f[VENUE_FORMAT]->i != 1)
    return fail (loader, NULL, error, "unsupported format %" G_GINT64_FORMAT " (only 1 is known)",
                 f[VENUE_FORMAT]->i);
  if (!read_id (loader, NULL, f[VENUE_ID], "id", &id, error)
      || !read_text (loader, NULL, f[VENUE_NAME], "name", &name, error))
    return FALSE;
  if (!holds_type (f[VENUE_CURRENCY], SB_JSON_STRING) || !is_currency (f[VENUE_CURRENCY]->s))
    return fail (loader, NULL, error,
                 "field \"currency\" must be an ISO 4217 code of 3 capital letters, e.g. \"EUR\"");
  currency = f[VENUE_CURRENCY]->s;

  if (f[VENUE_STAGE] != NULL)
    {
      Place place = { NULL, "stage", -1, NULL };

      if (!load_shape (loader, &place, f[VENUE_STAGE], TRUE, &stage, error))
        return FALSE;
    }
  if (f[VENUE_SHAPES] != NULL)
    {
      const SbJsonValue *shapes = NULL;

      if (!read_array (loader, NULL, f[VENUE_SHAPES], "shapes", TRUE, &shapes, error))
        return FALSE;
      for (guint i = 0; i < shapes->n; i++)
        {
          Place place = { NULL, "shapes", (gint) i, NULL };
          SbVenueShape shape;

          if (!load_shape (loader, &place, &shapes->items[i], FALSE, &shape, error))
            return FALSE;
          g_array_append_val (loader->shapes, shape);
        }
    }
  /* Drawn last, over any floor it overlaps. */
  if (f[VENUE_STAGE] != NULL)
    g_array_append_val (loader->shapes, stage);

  /* Categories first, whatever the member order, since seats refer to them. */
  if (!read_array (loader, NULL, f[VENUE_CATEGORIES], "categories", FALSE, &categories, error)
      || !load_categories (loader, categories, categories_by_id, error))
    return FALSE;
  if (!read_array (loader, NULL, f[VENUE_SECTIONS], "sections", FALSE, &sections, error)
      || !load_sections (loader, sections, categories_by_id, error))
    return FALSE;

  self->id = intern (loader, id);
  self->name = intern (loader, name);
  self->currency = intern (loader, currency);
  return TRUE;
}

SbVenue *
_sb_venue_load (const char *data, gsize length, const char *source_name, GError **error)
{
  g_autoptr (SbVenue) self = NULL;
  SbJsonArena arena = { 0 };
  GString *compact;
  SbJsonValue root;
  Loader loader;
  gboolean ok;

  if (source_name == NULL)
    source_name = "venue";

  /* Whitespace only shrinks the text, so this never grows. */
  compact = g_string_sized_new (length + 1);
  if (!read_json_document (data, length, source_name, &arena, compact, &root, error))
    {
      sb_json_arena_clear (&arena);
      g_string_free (compact, TRUE);
      return NULL;
    }

  self = g_object_new (SB_TYPE_VENUE, NULL);
  self->strings = g_string_chunk_new (16 * 1024);
  self->seat_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->json_text = g_string_free (compact, FALSE);

  loader.source = source_name;
  loader.venue = self;
  loader.seats = g_array_new (FALSE, FALSE, sizeof (SbSeat));
  loader.rows = g_array_new (FALSE, FALSE, sizeof (SbRow));
  loader.sections = g_array_new (FALSE, FALSE, sizeof (SbSection));
  loader.categories = g_array_new (FALSE, FALSE, sizeof (SbCategory));
  loader.shapes = g_array_new (FALSE, FALSE, sizeof (SbVenueShape));

  ok = load_venue (&loader, &root, error);
  sb_json_arena_clear (&arena);

  self->n_seats = loader.seats->len;
  self->seats = (SbSeat *) (void *) g_array_free (loader.seats, FALSE);
  self->n_rows = loader.rows->len;
  self->rows = (SbRow *) (void *) g_array_free (loader.rows, FALSE);
  self->n_sections = loader.sections->len;
  self->sections = (SbSection *) (void *) g_array_free (loader.sections, FALSE);
  self->n_categories = loader.categories->len;
  self->categories = (SbCategory *) (void *) g_array_free (loader.categories, FALSE);
  self->n_shapes = loader.shapes->len;
  self->shapes = (SbVenueShape *) (void *) g_array_free (loader.shapes, FALSE);

  if (!ok)
    return NULL;

  _sb_venue_finish (self);
  return g_steal_pointer (&self);
}
