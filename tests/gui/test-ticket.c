/* test-ticket.c: a booking's printed ticket (gui/sb-ticket.c), drawn into a PDF exactly as the
 * print dialog's "Print to File" does, then read back as a customer's phone and a person would:
 * the text with pdftotext, the QR code from a rendering of the page with zbarimg. */
#include "config.h"

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "sb-ticket.h"

#define A4_WIDTH 595.0
#define A4_HEIGHT 842.0
#define MARGIN 36.0

typedef struct
{
  char *dir;
  SbVenue *venue;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("SEATBOOK_VENUES"), "theatre.json", NULL);

  f->dir = g_dir_make_tmp ("sb-ticket-XXXXXX", &error);
  g_assert_no_error (error);
  f->venue = sb_venue_new_from_file (path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_clear_object (&f->venue);
}

/* The ticket as a PDF of pages page_width × page_height with margins, as GtkPrintOperation lays
 * it out; returns the file's path. */
static char *
write_pdf (Fixture *f, const SbTicket *ticket, double page_width, double page_height)
{
  char *path = g_build_filename (f->dir, "ticket.pdf", NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create (path, page_width, page_height);
  cairo_t *cr = cairo_create (surface);
  double width = page_width - 2 * MARGIN, height = page_height - 2 * MARGIN;
  guint n_pages = sb_ticket_get_n_pages (ticket, height);

  for (guint page = 0; page < n_pages; page++)
    {
      cairo_save (cr);
      cairo_translate (cr, MARGIN, MARGIN);
      sb_ticket_draw_page (ticket, cr, page, width, height);
      cairo_restore (cr);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

static char *
run_tool (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *errors = NULL;
  char *output = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &output, &errors,
                     &status, &error))
    g_error ("%s: %s", argv[0], error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s\n%s", argv[0], error->message, errors);
  return output;
}

static gboolean
have_tools (void)
{
  const char *const tools[] = { "pdftotext", "pdftoppm", "pdfinfo", "zbarimg" };

  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      g_autofree char *path = g_find_program_in_path (tools[i]);

      if (path == NULL)
        {
          g_autofree char *message = g_strdup_printf (
              "%s is missing (tools/install-deps test installs poppler-utils and zbar-tools)",
              tools[i]);

          g_test_skip (message);
          return FALSE;
        }
    }
  return TRUE;
}

static char *
pdf_text (const char *pdf)
{
  return run_tool ((const char *const[]){ "pdftotext", "-layout", pdf, "-", NULL });
}

static guint
pdf_pages (const char *pdf)
{
  g_autofree char *info = run_tool ((const char *const[]){ "pdfinfo", pdf, NULL });
  const char *pages = strstr (info, "Pages:");

  g_assert_nonnull (pages);
  return (guint) g_ascii_strtoull (pages + strlen ("Pages:"), NULL, 10);
}

/* Like the GUI tests' screenshots, the rendered page is kept for a person to look at. */
static void
keep_artifact (const char *png)
{
  const char *artifacts = g_getenv ("SEATBOOK_ARTIFACTS");
  g_autofree char *name = NULL;
  g_autofree char *target = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;

  if (artifacts == NULL)
    return;
  name = g_strdup_printf ("ticket%s.png", strrchr (g_test_get_path (), '/'));
  g_strdelimit (name + strlen ("ticket"), "/", '-');
  target = g_build_filename (artifacts, name, NULL);
  g_mkdir_with_parents (artifacts, 0755);
  if (!g_file_get_contents (png, &contents, &length, &error)
      || !g_file_set_contents (target, contents, (gssize) length, &error))
    g_error ("keeping %s: %s", target, error->message);
}

/* What a phone's camera reads from the first page, rendered at a printer's coarsest resolution. */
static char *
pdf_qr_code (Fixture *f, const char *pdf)
{
  g_autofree char *prefix = g_build_filename (f->dir, "page", NULL);
  g_autofree char *png = g_strconcat (prefix, ".png", NULL);
  char *text;

  g_free (run_tool ((const char *const[]){ "pdftoppm", "-png", "-r", "150", "-singlefile", "-f",
                                           "1", "-l", "1", pdf, prefix, NULL }));
  text = run_tool ((const char *const[]){ "zbarimg", "--quiet", "--raw", png, NULL });
  keep_artifact (png);
  return g_strstrip (text);
}

static void
assert_contains (const char *text, const char *expected)
{
  if (strstr (text, expected) == NULL)
    g_error ("“%s” is not on the ticket:\n%s", expected, text);
}

static void
test_ticket_reads_back (Fixture *f, gconstpointer data)
{
  const char *const seats[] = { "stalls-A-1", "stalls-A-2", NULL };
  g_autoptr (SbTicket) ticket = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *qr = NULL;

  if (!have_tools ())
    return;
  /* 2026-12-18 19:30 UTC. */
  ticket = sb_ticket_new (f->venue, "Café Müller — Première", 1797622200000, "B7K3QX9M", seats);
  g_assert_cmpuint (sb_ticket_get_n_pages (ticket, A4_HEIGHT - 2 * MARGIN), ==, 1);
  pdf = write_pdf (f, ticket, A4_WIDTH, A4_HEIGHT);
  g_assert_cmpuint (pdf_pages (pdf), ==, 1);

  text = pdf_text (pdf);
  assert_contains (text, "Café Müller — Première");
  assert_contains (text, "Grand Theatre");
  assert_contains (text, "2026");
  assert_contains (text, "Booking reference");
  assert_contains (text, "B7K3QX9M");
  assert_contains (text, "Stalls · Row A · Seat 1");
  assert_contains (text, "Stalls · Row A · Seat 2");
  assert_contains (text, "Standard");
  assert_contains (text, "€45.00");
  assert_contains (text, "Total for 2 seats");
  assert_contains (text, "€90.00");

  qr = pdf_qr_code (f, pdf);
  g_assert_cmpstr (qr, ==, "B7K3QX9M");
}

/* A booking of 50 seats (the most one request books) on a small page goes on over pages: every
 * seat is printed once, the total once, on the last page. */
static void
test_many_seats_take_pages (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) seats = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (SbTicket) ticket = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *qr = NULL;
  guint n_pages;

  if (!have_tools ())
    return;
  for (guint i = 0; i < 50; i++)
    {
      const SbSeat *seat = sb_venue_get_seat (f->venue, i);

      g_ptr_array_add (seats, g_strdup (seat->id));
    }
  g_ptr_array_add (seats, NULL);
  ticket = sb_ticket_new (f->venue, "Matinee", 0, "QX9MB7K3", (const char *const *) seats->pdata);

  /* A5: 420 × 595 points. */
  n_pages = sb_ticket_get_n_pages (ticket, 595 - 2 * MARGIN);
  g_assert_cmpuint (n_pages, >, 1);
  pdf = write_pdf (f, ticket, 420, 595);
  g_assert_cmpuint (pdf_pages (pdf), ==, n_pages);

  text = pdf_text (pdf);
  for (guint i = 0; i < 50; i++)
    {
      const SbSeat *seat = sb_venue_get_seat (f->venue, i);
      g_autofree char *place = g_strdup_printf (
          "%s · Row %s · Seat %s · ", sb_venue_get_section (f->venue, seat->section)->name,
          sb_venue_get_row (f->venue, seat->row)->label, seat->label);
      g_autofree char *line = NULL;

      /* pdftotext -layout puts the category after the place on the same line. */
      place[strlen (place) - strlen (" · ")] = '\0';
      line = g_strdup_printf ("%s ", place);
      assert_contains (text, line);
    }
  g_assert_nonnull (strstr (text, "Total for 50 seats"));
  g_assert_null (strstr (strstr (text, "Total for 50 seats") + 1, "Total for 50 seats"));
  assert_contains (text, "page 2");

  qr = pdf_qr_code (f, pdf);
  g_assert_cmpstr (qr, ==, "QX9MB7K3");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/ticket/reads-back", Fixture, NULL, fixture_set_up, test_ticket_reads_back,
              fixture_tear_down);
  g_test_add ("/ticket/many-seats-take-pages", Fixture, NULL, fixture_set_up,
              test_many_seats_take_pages, fixture_tear_down);
  return g_test_run ();
}
