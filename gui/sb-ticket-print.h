/* sb-ticket-print.h: printing a booking's ticket (sb-ticket.h) through the system's print dialog.
 */
#pragma once

#include <gtk/gtk.h>

#include "sb-ticket.h"

G_BEGIN_DECLS

/* Opens the print dialog for the ticket, transient for parent, and prints it to the printer the
 * user picks, or to a PDF file ("Print to File"). Takes ticket. A failure is shown to the user in
 * a dialog; the settings chosen are offered again for the next ticket. */
void sb_ticket_print (SbTicket *ticket, GtkWindow *parent);

G_END_DECLS
