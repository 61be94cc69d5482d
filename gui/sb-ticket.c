/* sb-ticket.c: a booking's ticket and its page (sb-ticket.h). Drawn with cairo and Pango only, so
 * that the page printed, the PDF of "Print to File" and the test's rendering are the same
 * drawing. The QR code (libqrencode) is drawn as vector squares: it stays sharp at any printer
 * resolution. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "sb-ticket.h"
#include "sb-util.h"

typedef struct
{
  char *place;    /* "Stalls · Row C · Seat 7" */
  char *category; /* "Premium", or NULL for a seat the venue does not know */
  char *price;    /* "€65.00", or NULL */
} TicketLine;

struct _SbTicket
{
  char *event_name;
  char *when; /* the start in local time, or NULL */
  char *venue_name;
  char *reference;
  GArray *lines; /* TicketLine */
  char *total;
};

static void
ticket_line_clear (TicketLine *line)
{
  g_free (line->place);
  g_free (line->category);
  g_free (line->price);
}

static char *
format_start (gint64 starts_at_ms)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;

  if (starts_at_ms == 0)
    return NULL;
  utc = g_date_time_new_from_unix_utc (starts_at_ms / 1000);
  local = utc != NULL ? g_date_time_to_local (utc) : NULL;
  /* Translators: when the event starts, printed on a ticket, in g_date_time_format() notation.
   * xgettext:no-c-format */
  return local != NULL ? g_date_time_format (local, C_ ("ticket", "%A %-d %B %Y, %H:%M")) : NULL;
}

SbTicket *
sb_ticket_new (SbVenue *venue,
               const char *event_name,
               gint64 starts_at_ms,
               const char *reference,
               const char *const *seat_ids)
{
  SbTicket *ticket;
  gint64 total = 0;

  g_return_val_if_fail (SB_IS_VENUE (venue), NULL);
  g_return_val_if_fail (event_name != NULL, NULL);
  g_return_val_if_fail (reference != NULL, NULL);
  g_return_val_if_fail (seat_ids != NULL, NULL);

  ticket = g_new0 (SbTicket, 1);
  ticket->event_name = g_strdup (event_name);
  ticket->when = format_start (starts_at_ms);
  ticket->venue_name = g_strdup (sb_venue_get_name (venue));
  ticket->reference = g_strdup (reference);
  ticket->lines = g_array_new (FALSE, TRUE, sizeof (TicketLine));
  g_array_set_clear_func (ticket->lines, (GDestroyNotify) ticket_line_clear);

  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      TicketLine line = { 0 };
      guint index;

      if (sb_venue_lookup_seat (venue, seat_ids[i], &index))
        {
          const SbSeat *seat = sb_venue_get_seat (venue, index);
          const SbCategory *category = sb_venue_get_category (venue, seat->category);

          /* Translators: a seat on a printed ticket: section, row and seat */
          line.place = g_strdup_printf (_ ("%s · Row %s · Seat %s"),
                                        sb_venue_get_section (venue, seat->section)->name,
                                        sb_venue_get_row (venue, seat->row)->label, seat->label);
          line.category = g_strdup (category->name);
          line.price = sb_format_price (category->price, sb_venue_get_currency (venue));
          total += category->price;
        }
      else
        line.place = g_strdup (seat_ids[i]);
      g_array_append_val (ticket->lines, line);
    }
  ticket->total = sb_format_price (total, sb_venue_get_currency (venue));
  return ticket;
}

void
sb_ticket_free (SbTicket *ticket)
{
  if (ticket == NULL)
    return;
  g_free (ticket->event_name);
  g_free (ticket->when);
  g_free (ticket->venue_name);
  g_free (ticket->reference);
  g_array_unref (ticket->lines);
  g_free (ticket->total);
  g_free (ticket);
}

const char *
sb_ticket_get_reference (const SbTicket *ticket)
{
  g_return_val_if_fail (ticket != NULL, NULL);

  return ticket->reference;
}

/* Shows text at (x, y) in the given font, at most width wide (ellipsized); returns its height. */
static double
show_text (cairo_t *cr,
           const char *text,
           const char *font,
           double x,
           double y,
           double width,
           PangoAlignment alignment)
{
  g_autoptr (PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr (PangoFontDescription) description = pango_font_description_from_string (font);
  int text_height;

  pango_layout_set_font_description (layout, description);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_size (layout, NULL, &text_height);
  return (double) text_height / PANGO_SCALE;
}

/* The QR code of text, side × side with its quiet zone, at (x, y); FALSE if it cannot be made. */
static gboolean
draw_qr_code (cairo_t *cr, const char *text, double x, double y, double side)
{
  QRcode *code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, TRUE);
  /* The standard's quiet zone: four modules of white on every side. */
  const int quiet = 4;
  double module;

  if (code == NULL)
    return FALSE;
  module = side / (code->width + 2 * quiet);
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, side, side);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int row = 0; row < code->width; row++)
    for (int column = 0; column < code->width; column++)
      if (code->data[row * code->width + column] & 1)
        cairo_rectangle (cr, x + (quiet + column) * module, y + (quiet + row) * module, module,
                         module);
  cairo_fill (cr);
  cairo_restore (cr);
  QRcode_free (code);
  return TRUE;
}

/* The page's layout, in points: the first page starts with the event, the reference and the QR
 * code; later pages (a booking of many seats on a small page) with one line saying whose they are.
 * Seat lines have a fixed step, so the page count is known before drawing. */
#define QR_SIDE 130.0
#define GAP 12.0
#define FIRST_HEADER (QR_SIDE + 1.5 * GAP)
#define NEXT_HEADER 36.0
#define LINE_STEP 17.0

static guint
lines_per_page (double height, double header)
{
  return height > header + LINE_STEP ? (guint) ((height - header) / LINE_STEP) : 1;
}

guint
sb_ticket_get_n_pages (const SbTicket *ticket, double height)
{
  guint lines, pages = 1, first;

  g_return_val_if_fail (ticket != NULL, 1);

  /* The total goes with the last lines: count it as a line and a half. */
  lines = ticket->lines->len + 2;
  first = lines_per_page (height, FIRST_HEADER);
  if (lines <= first)
    return 1;
  lines -= first;
  pages
      += (lines + lines_per_page (height, NEXT_HEADER) - 1) / lines_per_page (height, NEXT_HEADER);
  return pages;
}

static void
draw_header (const SbTicket *ticket, cairo_t *cr, double width)
{
  const double text_width = width - QR_SIDE - GAP;
  double y = 0;

  y += show_text (cr, ticket->event_name, "Sans Bold 20", 0, y, text_width, PANGO_ALIGN_LEFT);
  if (ticket->when != NULL)
    y += show_text (cr, ticket->when, "Sans 12", 0, y + 4, text_width, PANGO_ALIGN_LEFT) + 4;
  y += show_text (cr, ticket->venue_name, "Sans 12", 0, y + 2, text_width, PANGO_ALIGN_LEFT) + 2;
  y += GAP;
  show_text (cr, _ ("Booking reference"), "Sans 9", 0, y, text_width, PANGO_ALIGN_LEFT);
  show_text (cr, ticket->reference, "Monospace Bold 22", 0, y + 12, text_width, PANGO_ALIGN_LEFT);
  draw_qr_code (cr, ticket->reference, width - QR_SIDE, 0, QR_SIDE);
}

static void
draw_rule (cairo_t *cr, double y, double width)
{
  cairo_set_line_width (cr, 0.75);
  cairo_move_to (cr, 0, y);
  cairo_line_to (cr, width, y);
  cairo_stroke (cr);
}

void
sb_ticket_draw_page (const SbTicket *ticket, cairo_t *cr, guint page, double width, double height)
{
  const double price_width = width * 0.18, category_width = width * 0.22;
  const double place_width = width - price_width - category_width - 2 * GAP;
  guint first_line = 0, n_lines;
  double y;

  g_return_if_fail (ticket != NULL);
  g_return_if_fail (cr != NULL);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  if (page == 0)
    {
      draw_header (ticket, cr, width);
      y = FIRST_HEADER;
      n_lines = lines_per_page (height, FIRST_HEADER);
    }
  else
    {
      /* Translators: the top of a ticket's second and later pages: event name, booking
       * reference, page number */
      g_autofree char *heading = g_strdup_printf (_ ("%s · Booking %s · page %u"),
                                                  ticket->event_name, ticket->reference, page + 1);

      show_text (cr, heading, "Sans 10", 0, 0, width, PANGO_ALIGN_LEFT);
      y = NEXT_HEADER;
      n_lines = lines_per_page (height, NEXT_HEADER);
      first_line = lines_per_page (height, FIRST_HEADER) + (page - 1) * n_lines;
    }
  draw_rule (cr, y - GAP / 2, width);

  for (guint i = first_line; i < ticket->lines->len && i < first_line + n_lines; i++)
    {
      const TicketLine *line = &g_array_index (ticket->lines, TicketLine, i);

      show_text (cr, line->place, "Sans 11", 0, y, place_width, PANGO_ALIGN_LEFT);
      if (line->category != NULL)
        show_text (cr, line->category, "Sans 11", place_width + GAP, y, category_width,
                   PANGO_ALIGN_LEFT);
      if (line->price != NULL)
        show_text (cr, line->price, "Sans 11", width - price_width, y, price_width,
                   PANGO_ALIGN_RIGHT);
      y += LINE_STEP;
    }

  if (page + 1 == sb_ticket_get_n_pages (ticket, height))
    {
      /* Translators: the last line of a printed ticket, before the sum of its prices */
      g_autofree char *seats = g_strdup_printf (
          ngettext ("Total for %u seat", "Total for %u seats", ticket->lines->len),
          ticket->lines->len);

      draw_rule (cr, y + 2, width);
      show_text (cr, seats, "Sans Bold 12", 0, y + 6, place_width, PANGO_ALIGN_LEFT);
      show_text (cr, ticket->total, "Sans Bold 12", width - price_width - GAP, y + 6,
                 price_width + GAP, PANGO_ALIGN_RIGHT);
    }
  cairo_restore (cr);
}
