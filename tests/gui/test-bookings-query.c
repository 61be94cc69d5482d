/* test-bookings-query.c: how the Bookings page reads its one search entry as find_bookings' one
 * criterion (sb_bookings_page_apply_query (); no display). */
#include "config.h"

#include "sb-bookings-page.h"

typedef enum
{
  NONE,
  SEAT,
  EMAIL,
  PHONE,
  REFERENCE,
  NAME,
} Criterion;

static void
assert_query (SbVenue *venue, const char *text, Criterion expected, const char *value)
{
  g_autoptr (SbRequest) request = sb_request_new (SB_REQUEST_FIND_BOOKINGS, "1");
  const char *set[] = { NULL, NULL, NULL, NULL, NULL, NULL };
  guint n = 0;

  sb_bookings_page_apply_query (text, venue, request);
  set[SEAT] = request->seat_id;
  set[EMAIL] = request->email;
  set[PHONE] = request->phone;
  set[REFERENCE] = request->reference;
  set[NAME] = request->name;
  for (guint c = SEAT; c <= NAME; c++)
    n += set[c] != NULL;
  g_assert_cmpuint (n, ==, expected == NONE ? 0 : 1);
  if (expected != NONE)
    g_assert_cmpstr (set[expected], ==, value);
}

static void
test_query (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("SEATBOOK_VENUES"), "theatre.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (SbVenue) venue = sb_venue_new_from_file (path, &error);

  g_assert_no_error (error);
  assert_query (venue, "", NONE, NULL);
  assert_query (venue, "   ", NONE, NULL);
  assert_query (venue, NULL, NONE, NULL);
  /* A seat id of the venue; not without the venue, where it is a name. */
  assert_query (venue, "stalls-D-5", SEAT, "stalls-D-5");
  assert_query (NULL, "stalls-D-5", NAME, "stalls-D-5");
  assert_query (venue, " zoe@example.org ", EMAIL, "zoe@example.org");
  assert_query (venue, "+49 (30) 123-456", PHONE, "+49 (30) 123-456");
  assert_query (venue, "0301234", PHONE, "0301234");
  /* References: 8 letters and digits with a digit, compared without case by the server. */
  assert_query (venue, "b7k3qx9m", REFERENCE, "b7k3qx9m");
  g_assert_false (sb_bookings_page_query_may_be_name ("b7k3qx9m"));
  /* 8 letters a reference can have (no I, L, O, U), in any case: a reference first, and a name
   * when no booking has that reference. */
  assert_query (venue, "MEZEDDNW", REFERENCE, "MEZEDDNW");
  assert_query (venue, "mezeddnw", REFERENCE, "mezeddnw");
  assert_query (venue, "Brandtke", REFERENCE, "Brandtke");
  g_assert_true (sb_bookings_page_query_may_be_name ("MEZEDDNW"));
  g_assert_true (sb_bookings_page_query_may_be_name (" brandtke "));
  /* Everything else is a name, or the start of one: "Schmidts" has an i, which no reference
   * has, whatever its case. */
  assert_query (venue, "schmi", NAME, "schmi");
  assert_query (venue, "Schmidts", NAME, "Schmidts");
  assert_query (venue, "SCHMIDTS", NAME, "SCHMIDTS");
  g_assert_false (sb_bookings_page_query_may_be_name ("Schmidts"));
  g_assert_false (sb_bookings_page_query_may_be_name ("schmi"));
  assert_query (venue, "Zoë Müller", NAME, "Zoë Müller");
  assert_query (venue, "müller-lü", NAME, "müller-lü");
  assert_query (venue, "+-()", NAME, "+-()");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bookings-page/query", test_query);
  return g_test_run ();
}
