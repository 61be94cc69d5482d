/* sb-move-dialog.h: "Move Seats…" (issue 11 item 4; clerks and up): some or all seats of a booking
 * move to the seats this desk holds on the map, paired in the map's order, sent as one `move`
 * (docs/protocol.md): all or nothing, the same reference. The price difference is shown before
 * (from the venue's prices) and after (the server's figure, which is what the customer pays or
 * gets back). The seats change on every map through the server's broadcast, not through this
 * dialog. */
#pragma once

#include <adwaita.h>

#include "sb-connection.h"
#include "sb-event-item.h"
#include "sb-seat-map.h"

G_BEGIN_DECLS

#define SB_TYPE_MOVE_DIALOG (sb_move_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SbMoveDialog, sb_move_dialog, SB, MOVE_DIALOG, AdwWindow)

/* booking: as find_bookings listed it (copied). seat_map shows event_id: it names and prices the
 * seats, and the seats this desk holds on it are where the booking moves to. Emits "moved" (no
 * arguments) once the server has moved the seats; the dialog then stays open with the result,
 * so that the difference can be charged or refunded, and offers "Print Ticket…": the ticket
 * printed before names the old seats. event (NULL when not known) names and dates event_id on
 * that ticket. */
SbMoveDialog *sb_move_dialog_new (GtkWindow *parent,
                                  SbConnection *connection,
                                  const char *event_id,
                                  SbEventItem *event,
                                  const SbBookingEntry *booking,
                                  SbSeatMap *seat_map);

G_END_DECLS
