/* sb-ticket.h: a booking's ticket: what it says (event, date, venue, each seat with its category
 * and price, the total, the reference and a QR code of the reference) and how it is drawn on a
 * page. Printing it is sb-ticket-print.c's job. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "sb-venue.h"

G_BEGIN_DECLS

typedef struct _SbTicket SbTicket;

/* starts_at_ms: Unix time in ms, 0 when unknown; seat_ids: the booking's seats, ids of venue.
 * Seats the venue does not know are printed by their id, without a price. */
SbTicket *sb_ticket_new (SbVenue *venue,
                         const char *event_name,
                         gint64 starts_at_ms,
                         const char *reference,
                         const char *const *seat_ids);
void sb_ticket_free (SbTicket *ticket);

const char *sb_ticket_get_reference (const SbTicket *ticket);

/* How many pages of the given height (cairo units: points when printing) the ticket takes: one
 * unless a booking of many seats meets a small page. */
guint sb_ticket_get_n_pages (const SbTicket *ticket, double height);
/* Draws page (from 0) of the ticket on a page of width × height, origin at the top left. */
void
sb_ticket_draw_page (const SbTicket *ticket, cairo_t *cr, guint page, double width, double height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbTicket, sb_ticket_free)

G_END_DECLS
