/* test-venue.c: the venue loader against the sample venues and a set of broken documents. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "sb-venue.h"

/* The source tree: SEATBOOK_SOURCE_ROOT from the test environment, else the configured path. */
static char *
source_path (const char *first, ...)
{
  const char *root = g_getenv ("SEATBOOK_SOURCE_ROOT");
  g_autofree char *fallback = NULL;
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();
  const char *part;
  va_list args;

  if (root == NULL)
    root = fallback = g_path_get_dirname (SB_SOURCE_DATADIR);
  g_ptr_array_add (parts, (gpointer) root);
  va_start (args, first);
  for (part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **) parts->pdata);
}

static SbVenue *
load_sample (const char *name)
{
  g_autofree char *path = source_path ("data", "venues", name, NULL);
  g_autoptr (GError) error = NULL;
  SbVenue *venue;

  venue = sb_venue_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (venue);
  return venue;
}

/* Structural invariants every loaded venue must have. */
static void
check_invariants (SbVenue *venue)
{
  guint n_seats = sb_venue_get_n_seats (venue);
  guint n_rows = sb_venue_get_n_rows (venue);
  guint next_seat = 0, next_row = 0;
  double min_x, min_y, max_x, max_y;

  g_assert_cmpuint (sb_venue_get_n_sections (venue), >, 0);
  g_assert_cmpuint (sb_venue_get_n_categories (venue), >, 0);

  /* Rows contiguous per section, seats contiguous per row, in document order. */
  for (guint s = 0; s < sb_venue_get_n_sections (venue); s++)
    {
      const SbSection *section = sb_venue_get_section (venue, s);

      g_assert_cmpuint (section->first_row, ==, next_row);
      g_assert_cmpuint (section->n_rows, >, 0);
      for (guint r = section->first_row; r < section->first_row + section->n_rows; r++)
        {
          const SbRow *row = sb_venue_get_row (venue, r);

          g_assert_cmpuint (row->section, ==, s);
          g_assert_cmpuint (row->first_seat, ==, next_seat);
          g_assert_cmpuint (row->n_seats, >, 0);
          for (guint i = row->first_seat; i < row->first_seat + row->n_seats; i++)
            {
              const SbSeat *seat = sb_venue_get_seat (venue, i);
              guint found = G_MAXUINT;

              g_assert_cmpuint (seat->section, ==, s);
              g_assert_cmpuint (seat->row, ==, r);
              g_assert_cmpuint (seat->category, <, sb_venue_get_n_categories (venue));
              g_assert_true (sb_venue_lookup_seat (venue, seat->id, &found));
              g_assert_cmpuint (found, ==, i);
            }
          next_seat += row->n_seats;
        }
      next_row += section->n_rows;
    }
  g_assert_cmpuint (next_row, ==, n_rows);
  g_assert_cmpuint (next_seat, ==, n_seats);

  sb_venue_get_bounds (venue, &min_x, &min_y, &max_x, &max_y);
  g_assert_cmpfloat (min_x, <=, max_x);
  g_assert_cmpfloat (min_y, <=, max_y);
  for (guint i = 0; i < n_seats; i++)
    {
      const SbSeat *seat = sb_venue_get_seat (venue, i);

      g_assert_cmpfloat (seat->x, >=, min_x);
      g_assert_cmpfloat (seat->x, <=, max_x);
      g_assert_cmpfloat (seat->y, >=, min_y);
      g_assert_cmpfloat (seat->y, <=, max_y);
    }

  g_assert_false (sb_venue_lookup_seat (venue, "no-such-seat", NULL));
}

/* The compact text parses back into an equal venue. */
static void
check_text_round_trip (SbVenue *venue)
{
  const char *text = sb_venue_get_json_text (venue);
  g_autoptr (GError) error = NULL;
  g_autoptr (SbVenue) again = NULL;

  g_assert_nonnull (text);
  g_assert_true (text == sb_venue_get_json_text (venue)); /* computed once */
  g_assert_null (strchr (text, '\n'));
  again = sb_venue_new_from_data (text, -1, "round trip", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sb_venue_get_n_seats (again), ==, sb_venue_get_n_seats (venue));
  g_assert_cmpstr (sb_venue_get_id (again), ==, sb_venue_get_id (venue));
  g_assert_cmpstr (sb_venue_get_json_text (again), ==, text);
  g_assert_cmpuint (sb_venue_get_n_shapes (again), ==, sb_venue_get_n_shapes (venue));
}

static guint
count_flag (SbVenue *venue, SbSeatFlags flag)
{
  guint n = 0;

  for (guint i = 0; i < sb_venue_get_n_seats (venue); i++)
    if (sb_venue_get_seat (venue, i)->flags & flag)
      n++;
  return n;
}

static guint
count_blocked (SbVenue *venue)
{
  guint n = 0;

  for (guint i = 0; i < sb_venue_get_n_seats (venue); i++)
    if (sb_venue_get_seat (venue, i)->blocked)
      n++;
  return n;
}

static void
test_theatre (void)
{
  g_autoptr (SbVenue) venue = load_sample ("theatre.json");
  const SbSeat *seat;
  const SbRow *row;
  guint index;

  check_invariants (venue);
  check_text_round_trip (venue);

  g_assert_cmpstr (sb_venue_get_id (venue), ==, "grand-theatre");
  g_assert_cmpstr (sb_venue_get_name (venue), ==, "Grand Theatre");
  g_assert_cmpstr (sb_venue_get_currency (venue), ==, "EUR");
  g_assert_cmpuint (sb_venue_get_n_seats (venue), ==, 202);
  g_assert_cmpuint (sb_venue_get_n_sections (venue), ==, 2);
  g_assert_cmpuint (sb_venue_get_n_rows (venue), ==, 14);
  g_assert_cmpuint (sb_venue_get_n_categories (venue), ==, 4);
  g_assert_cmpstr (sb_venue_get_section (venue, 0)->id, ==, "stalls");
  g_assert_cmpstr (sb_venue_get_section (venue, 1)->name, ==, "Balcony");
  g_assert_cmpint (sb_venue_get_category (venue, 0)->price, ==, 6500);
  g_assert_cmpstr (sb_venue_get_category (venue, 0)->colour, ==, "#b03a2e");

  g_assert_true (sb_venue_lookup_seat (venue, "stalls-C-12", &index));
  seat = sb_venue_get_seat (venue, index);
  g_assert_cmpstr (seat->id, ==, "stalls-C-12");
  g_assert_cmpstr (seat->label, ==, "12");
  g_assert_cmpstr (sb_venue_get_category (venue, seat->category)->id, ==, "premium");
  row = sb_venue_get_row (venue, seat->row);
  g_assert_cmpstr (row->label, ==, "C");
  g_assert_cmpuint (index - row->first_seat, ==, 11);

  g_assert_cmpuint (count_blocked (venue), ==, 2);
  g_assert_true (sb_venue_lookup_seat (venue, "stalls-J-8", &index));
  g_assert_true (sb_venue_get_seat (venue, index)->blocked);
  g_assert_cmpuint (count_flag (venue, SB_SEAT_FLAG_WHEELCHAIR), >=, 2);
  g_assert_cmpuint (count_flag (venue, SB_SEAT_FLAG_COMPANION), >=, 2);
  g_assert_cmpuint (count_flag (venue, SB_SEAT_FLAG_RESTRICTED_VIEW), >, 0);
  for (guint i = 0; i < sb_venue_get_n_seats (venue); i++)
    if (sb_venue_get_seat (venue, i)->flags & SB_SEAT_FLAG_RESTRICTED_VIEW)
      g_assert_cmpuint (sb_venue_get_seat (venue, i)->section, ==, 1);

  /* Curved rows: the ends of a row are nearer the stage than its middle. */
  row = sb_venue_get_row (venue, 0);
  g_assert_cmpfloat (sb_venue_get_seat (venue, row->first_seat)->y, <,
                     sb_venue_get_seat (venue, row->first_seat + row->n_seats / 2)->y);
}

static void
test_cinema (void)
{
  g_autoptr (SbVenue) venue = load_sample ("cinema.json");
  double min_x, min_y, max_x, max_y;

  check_invariants (venue);
  check_text_round_trip (venue);
  g_assert_cmpuint (sb_venue_get_n_seats (venue), ==, 150);
  g_assert_cmpuint (sb_venue_get_n_categories (venue), ==, 2);
  g_assert_cmpuint (sb_venue_get_n_sections (venue), ==, 1);
  g_assert_cmpuint (sb_venue_get_n_rows (venue), ==, 10);
  g_assert_cmpuint (count_blocked (venue), ==, 0);

  sb_venue_get_bounds (venue, &min_x, &min_y, &max_x, &max_y);
  g_assert_cmpfloat_with_epsilon (min_x, -7.35, 1e-9);
  g_assert_cmpfloat_with_epsilon (max_x, 7.35, 1e-9);
  g_assert_cmpfloat_with_epsilon (min_y, 4.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (max_y, 15.7, 1e-9);

  /* Straight rows: every seat of a row has the same y. */
  for (guint r = 0; r < sb_venue_get_n_rows (venue); r++)
    {
      const SbRow *row = sb_venue_get_row (venue, r);

      for (guint i = 1; i < row->n_seats; i++)
        g_assert_cmpfloat (sb_venue_get_seat (venue, row->first_seat + i)->y, ==,
                           sb_venue_get_seat (venue, row->first_seat)->y);
    }
}

static void
test_arena (void)
{
  g_autofree char *path = source_path ("data", "venues", "arena.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (SbVenue) venue = NULL;
  gint64 start, elapsed;

  start = g_get_monotonic_time ();
  venue = sb_venue_new_from_file (path, &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  /* Reported, never asserted: tests do not judge speed (and sanitizers slow everything). */
  g_test_message ("arena.json loaded in %.2f ms", elapsed / 1000.0);

  check_invariants (venue);
  check_text_round_trip (venue);
  g_assert_cmpuint (sb_venue_get_n_seats (venue), ==, 5610);
  g_assert_cmpuint (sb_venue_get_n_seats (venue), >=, 5000);
  g_assert_cmpuint (sb_venue_get_n_sections (venue), ==, 15);
  g_assert_true (sb_venue_lookup_seat (venue, "floor-a-A-1", NULL));
  g_assert_true (sb_venue_lookup_seat (venue, "103-O-1", NULL));
  g_assert_cmpuint (count_flag (venue, SB_SEAT_FLAG_RESTRICTED_VIEW), >, 0);
}

static const char minimal_venue[]
    = "{\"format\": 1, \"id\": \"mini\", \"name\": \"Mini\", \"currency\": \"GBP\","
      " \"stage\": {\"x\": -2, \"y\": -3, \"width\": 4, \"height\": 1.5},"
      " \"shapes\": [{\"kind\": \"floor\", \"label\": \"Floor\", \"x\": -5, \"y\": -5, \"width\": "
      "10,"
      " \"height\": 10}],"
      " \"categories\": [{\"id\": \"a\", \"name\": \"A\", \"price\": 0, \"colour\": \"#ABCDEF\"},"
      "                  {\"id\": \"b\", \"name\": \"B\", \"price\": 250, \"colour\": "
      "\"#000000\"}],"
      " \"sections\": [{\"id\": \"s\", \"name\": \"S\", \"rows\": ["
      "   {\"id\": \"1\", \"label\": \"1\", \"seats\": ["
      "     {\"id\": \"s-1-1\", \"label\": \"1\", \"x\": -1.5, \"y\": 2, \"category\": \"b\","
      "      \"flags\": [\"wheelchair\", \"companion\"], \"blocked\": true},"
      "     {\"id\": \"s-1-2\", \"label\": \"2\", \"x\": 3, \"y\": -1, \"category\": \"a\","
      "      \"flags\": [], \"blocked\": false}]}]}]}";

static void
test_minimal (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbVenue) venue = NULL;
  double min_x, min_y, max_x, max_y;
  const SbSeat *seat;
  const SbVenueShape *shape;

  venue = sb_venue_new_from_data (minimal_venue, -1, "minimal", &error);
  g_assert_no_error (error);
  check_invariants (venue);
  check_text_round_trip (venue);

  seat = sb_venue_get_seat (venue, 0);
  g_assert_cmpuint (seat->flags, ==, SB_SEAT_FLAG_WHEELCHAIR | SB_SEAT_FLAG_COMPANION);
  g_assert_true (seat->blocked);
  g_assert_cmpuint (seat->category, ==, 1);
  seat = sb_venue_get_seat (venue, 1);
  g_assert_cmpuint (seat->flags, ==, SB_SEAT_FLAG_NONE);
  g_assert_false (seat->blocked);

  sb_venue_get_bounds (venue, &min_x, &min_y, &max_x, &max_y);
  g_assert_cmpfloat (min_x, ==, -1.5);
  g_assert_cmpfloat (min_y, ==, -1);
  g_assert_cmpfloat (max_x, ==, 3);
  g_assert_cmpfloat (max_y, ==, 2);

  /* The shapes as listed, then the stage, whatever the member order. */
  g_assert_cmpuint (sb_venue_get_n_shapes (venue), ==, 2);
  shape = sb_venue_get_shape (venue, 0);
  g_assert_cmpint (shape->kind, ==, SB_VENUE_SHAPE_FLOOR);
  g_assert_cmpstr (shape->label, ==, "Floor");
  g_assert_cmpfloat (shape->x, ==, -5);
  g_assert_cmpfloat (shape->y, ==, -5);
  g_assert_cmpfloat (shape->width, ==, 10);
  g_assert_cmpfloat (shape->height, ==, 10);
  shape = sb_venue_get_shape (venue, 1);
  g_assert_cmpint (shape->kind, ==, SB_VENUE_SHAPE_STAGE);
  g_assert_null (shape->label);
  g_assert_cmpfloat (shape->x, ==, -2);
  g_assert_cmpfloat (shape->y, ==, -3);
  g_assert_cmpfloat (shape->width, ==, 4);
  g_assert_cmpfloat (shape->height, ==, 1.5);
}

/* A shape without a kind is an area; a kind "stage" in `shapes` is a stage too. */
static void
test_shape_kinds (void)
{
  static const char document[]
      = "{\"format\": 1, \"id\": \"k\", \"name\": \"K\", \"currency\": \"EUR\","
        " \"shapes\": [{\"x\": 0, \"y\": 0, \"width\": 1, \"height\": 1},"
        "             {\"kind\": \"area\", \"label\": \"Bar\", \"x\": 1, \"y\": 0, \"width\": 1,"
        "              \"height\": 1},"
        "             {\"kind\": \"stage\", \"x\": 2, \"y\": 0, \"width\": 1, \"height\": 1}],"
        " \"categories\": [{\"id\": \"a\", \"name\": \"A\", \"price\": 0, \"colour\": "
        "\"#ABCDEF\"}],"
        " \"sections\": [{\"id\": \"s\", \"name\": \"S\", \"rows\": [{\"id\": \"1\", \"label\": "
        "\"1\","
        "   \"seats\": [{\"id\": \"s-1-1\", \"label\": \"1\", \"x\": 0, \"y\": 3,"
        "                \"category\": \"a\"}]}]}]}";
  g_autoptr (GError) error = NULL;
  g_autoptr (SbVenue) venue = sb_venue_new_from_data (document, -1, "kinds", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (sb_venue_get_n_shapes (venue), ==, 3);
  g_assert_cmpint (sb_venue_get_shape (venue, 0)->kind, ==, SB_VENUE_SHAPE_AREA);
  g_assert_null (sb_venue_get_shape (venue, 0)->label);
  g_assert_cmpint (sb_venue_get_shape (venue, 1)->kind, ==, SB_VENUE_SHAPE_AREA);
  g_assert_cmpstr (sb_venue_get_shape (venue, 1)->label, ==, "Bar");
  g_assert_cmpint (sb_venue_get_shape (venue, 2)->kind, ==, SB_VENUE_SHAPE_STAGE);
  g_assert_cmpfloat (sb_venue_get_shape (venue, 2)->x, ==, 2);
}

/* A node from a mutable parser, as the app gets inside a snapshot. */
static void
test_from_node (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (SbVenue) venue = NULL;
  JsonNode *node;

  g_assert_true (json_parser_load_from_data (parser, minimal_venue, -1, &error));
  node = json_parser_get_root (parser);
  venue = sb_venue_new_from_json_node (node, "snapshot", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sb_venue_get_n_seats (venue), ==, 2);
  g_clear_object (&parser);
  /* The venue keeps nothing of the tree. */
  g_assert_cmpstr (sb_venue_get_id (venue), ==, "mini");
  g_assert_cmpuint (sb_venue_get_n_shapes (venue), ==, 2);
  g_assert_nonnull (sb_venue_get_json_text (venue));
}

typedef struct
{
  const char *file;
  SbVenueErrorCode code;
  const char *expected; /* must appear in the message, after the file name */
} BrokenCase;

static const BrokenCase broken_cases[] = {
  { "syntax-error.json", SB_VENUE_ERROR_PARSE,
    "syntax-error.json:11:7: expected ',' or ']' but found '{'" },
  { "empty-file.json", SB_VENUE_ERROR_PARSE, "empty-file.json: empty document" },
  { "not-an-object.json", SB_VENUE_ERROR_INVALID,
    "not-an-object.json: a venue must be a JSON object" },
  { "duplicate-seat.json", SB_VENUE_ERROR_INVALID,
    "duplicate-seat.json: sections[0].rows[1].seats[1] (\"hall-A-2\"): duplicate seat id "
    "\"hall-A-2\" "
    "(first used at sections[0].rows[0].seats[1])" },
  { "unknown-category.json", SB_VENUE_ERROR_INVALID,
    "unknown-category.json: sections[1].rows[0].seats[1] (\"balcony-A-2\"): unknown category "
    "\"vip\"" },
  { "missing-field.json", SB_VENUE_ERROR_INVALID,
    "missing-field.json: sections[0].rows[1].seats[0] (\"hall-B-1\"): missing field \"x\"" },
  { "missing-top-field.json", SB_VENUE_ERROR_INVALID,
    "missing-top-field.json: missing field \"currency\"" },
  { "wrong-type.json", SB_VENUE_ERROR_INVALID,
    "wrong-type.json: categories[0] (\"std\"): field \"price\" must be an integer" },
  { "float-price.json", SB_VENUE_ERROR_INVALID,
    "float-price.json: categories[0] (\"std\"): field \"price\" must be an integer" },
  { "bad-colour.json", SB_VENUE_ERROR_INVALID,
    "bad-colour.json: categories[1] (\"vip\"): field \"colour\" must be a colour \"#rrggbb\"" },
  { "empty-venue.json", SB_VENUE_ERROR_INVALID,
    "empty-venue.json: field \"sections\" must not be empty" },
  { "empty-row.json", SB_VENUE_ERROR_INVALID,
    "empty-row.json: sections[0].rows[0] (\"A\"): field \"seats\" must not be empty" },
  { "unknown-field.json", SB_VENUE_ERROR_INVALID,
    "unknown-field.json: sections[0].rows[1].seats[0] (\"hall-B-1\"): unknown field \"colour\"" },
  { "unknown-top-field.json", SB_VENUE_ERROR_INVALID,
    "unknown-top-field.json: unknown field \"capacity\"" },
  { "duplicate-row.json", SB_VENUE_ERROR_INVALID,
    "duplicate-row.json: sections[0].rows[1] (\"A\"): duplicate row id \"A\" in this section" },
  { "duplicate-section.json", SB_VENUE_ERROR_INVALID,
    "duplicate-section.json: sections[1] (\"hall\"): duplicate section id \"hall\"" },
  { "duplicate-category.json", SB_VENUE_ERROR_INVALID,
    "duplicate-category.json: categories[1] (\"std\"): duplicate category id \"std\"" },
  { "bad-id.json", SB_VENUE_ERROR_INVALID,
    "bad-id.json: sections[0].rows[1].seats[0]: field \"id\" must be 1-64 characters of "
    "[A-Za-z0-9._-], not \"hall B 1\"" },
  { "bad-flag.json", SB_VENUE_ERROR_INVALID,
    "bad-flag.json: sections[0].rows[1].seats[0] (\"hall-B-1\"): unknown flag \"vip_lounge\"" },
  { "infinite-number.json", SB_VENUE_ERROR_INVALID,
    "infinite-number.json: sections[0].rows[1].seats[0] (\"hall-B-1\"): field \"x\" must be a "
    "finite number" },
  { "bad-stage.json", SB_VENUE_ERROR_INVALID,
    "bad-stage.json: stage: field \"width\" must be greater than 0" },
  { "bad-shape.json", SB_VENUE_ERROR_INVALID,
    "bad-shape.json: shapes[1]: field \"kind\" must be \"stage\", \"floor\" or \"area\", not "
    "\"pool\"" },
  { "bad-format.json", SB_VENUE_ERROR_INVALID, "bad-format.json: unsupported format 2" },
};

static void
test_broken (gconstpointer data)
{
  const BrokenCase *c = data;
  g_autofree char *path = source_path ("tests", "protocol", "venues-broken", c->file, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (SbVenue) venue = NULL;

  venue = sb_venue_new_from_file (path, &error);
  g_assert_null (venue);
  g_assert_error (error, SB_VENUE_ERROR, (gint) c->code);
  g_test_message ("%s", error->message);
  /* The message starts with the path as given, so it names the file. */
  g_assert_true (g_str_has_prefix (error->message, path));
  if (strstr (error->message, c->expected) == NULL)
    g_error ("expected \"%s\" in \"%s\"", c->expected, error->message);
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbVenue) venue = NULL;

  venue = sb_venue_new_from_file ("/nonexistent/venue.json", &error);
  g_assert_null (venue);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

/* Every prefix of a valid document fails cleanly (no crash, no leak), as does garbage. */
static void
test_truncated (void)
{
  gsize length = strlen (minimal_venue);

  for (gsize n = 0; n < length; n++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (SbVenue) venue = NULL;

      /* A copy of exactly n bytes, so ASan catches any read past the length. */
      g_autofree char *copy = g_memdup2 (minimal_venue, n);

      venue = sb_venue_new_from_data (n > 0 ? copy : "", (gssize) n, "truncated", &error);
      g_assert_null (venue);
      g_assert_error (error, SB_VENUE_ERROR, SB_VENUE_ERROR_PARSE);
      g_assert_true (g_str_has_prefix (error->message, "truncated"));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/venue/theatre", test_theatre);
  g_test_add_func ("/venue/cinema", test_cinema);
  g_test_add_func ("/venue/arena", test_arena);
  g_test_add_func ("/venue/minimal", test_minimal);
  g_test_add_func ("/venue/shape-kinds", test_shape_kinds);
  g_test_add_func ("/venue/from-node", test_from_node);
  g_test_add_func ("/venue/missing-file", test_missing_file);
  g_test_add_func ("/venue/truncated", test_truncated);
  for (guint i = 0; i < G_N_ELEMENTS (broken_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/venue/broken/%s", broken_cases[i].file);

      g_test_add_data_func (name, &broken_cases[i], test_broken);
    }

  return g_test_run ();
}
