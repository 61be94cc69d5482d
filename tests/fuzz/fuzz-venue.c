/* fuzz-venue.c: the venue loader (protocol/sb-venue.c), fed one venue document.
 *
 * Checked on every input besides the sanitizers: a refusal is an SB_VENUE_ERROR with a message;
 * an accepted venue is consistent (every seat's row, section and category exist, rows and
 * sections cover their seats and rows, every seat id looks up to its own index, seats lie inside
 * the bounds) and its compact text loads again to a venue with the same shape. */
#include <string.h>

#include "fuzz-target.h"
#include "sb-venue.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  return 0;
}

static void
check_venue (SbVenue *venue)
{
  guint n_seats = sb_venue_get_n_seats (venue);
  guint n_rows = sb_venue_get_n_rows (venue);
  guint n_sections = sb_venue_get_n_sections (venue);
  guint n_categories = sb_venue_get_n_categories (venue);
  double min_x, min_y, max_x, max_y;

  g_assert (sb_venue_get_id (venue) != NULL);
  g_assert (sb_venue_get_name (venue) != NULL);
  g_assert (sb_venue_get_currency (venue) != NULL);
  sb_venue_get_bounds (venue, &min_x, &min_y, &max_x, &max_y);

  for (guint i = 0; i < n_seats; i++)
    {
      const SbSeat *seat = sb_venue_get_seat (venue, i);
      const SbRow *row;
      guint index = G_MAXUINT;

      g_assert (seat->category < n_categories);
      g_assert (seat->section < n_sections);
      g_assert (seat->row < n_rows);
      row = sb_venue_get_row (venue, seat->row);
      g_assert (row->section == seat->section);
      g_assert (i >= row->first_seat && i - row->first_seat < row->n_seats);
      g_assert (sb_venue_lookup_seat (venue, seat->id, &index) && index == i);
      g_assert (seat->x >= min_x && seat->x <= max_x && seat->y >= min_y && seat->y <= max_y);
    }
  for (guint r = 0; r < n_rows; r++)
    {
      const SbRow *row = sb_venue_get_row (venue, r);
      const SbSection *section = sb_venue_get_section (venue, row->section);

      g_assert ((guint64) row->first_seat + row->n_seats <= n_seats);
      g_assert (r >= section->first_row && r - section->first_row < section->n_rows);
    }
  for (guint s = 0; s < n_sections; s++)
    {
      const SbSection *section = sb_venue_get_section (venue, s);

      g_assert ((guint64) section->first_row + section->n_rows <= n_rows);
    }
  for (guint c = 0; c < n_categories; c++)
    g_assert (sb_venue_get_category (venue, c)->id != NULL);
  g_assert (!sb_venue_lookup_seat (venue, "", NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbVenue) venue = NULL;
  g_autoptr (SbVenue) again = NULL;
  const char *text;

  /* The loader takes a pointer even for no data, as a file read would give it. */
  venue = sb_venue_new_from_data (size > 0 ? (const char *) data : "", size, "fuzz", &error);
  if (venue == NULL)
    {
      g_assert (g_error_matches (error, SB_VENUE_ERROR, SB_VENUE_ERROR_PARSE)
                || g_error_matches (error, SB_VENUE_ERROR, SB_VENUE_ERROR_INVALID));
      g_assert (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }

  check_venue (venue);
  text = sb_venue_get_json_text (venue);
  again = sb_venue_new_from_data (text, strlen (text), "fuzz (again)", &error);
  if (again == NULL)
    g_error ("the compact text of a valid venue does not load: %s", error->message);
  g_assert (sb_venue_get_n_seats (again) == sb_venue_get_n_seats (venue));
  g_assert (sb_venue_get_n_rows (again) == sb_venue_get_n_rows (venue));
  g_assert (sb_venue_get_n_sections (again) == sb_venue_get_n_sections (venue));
  g_assert (sb_venue_get_n_categories (again) == sb_venue_get_n_categories (venue));
  g_assert (strcmp (sb_venue_get_json_text (again), text) == 0);
  return 0;
}
