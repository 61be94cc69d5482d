/* sb-cancel-dialog.h: "Cancel Booking…" (issue 11 item 3; managers and administrators): the whole
 * booking or chosen seats of it, the refund (full, partial with an amount, none) and the reason,
 * sent as `cancel` (docs/protocol.md). The seats turn free on every map through the server's
 * broadcast, not through this dialog. */
#pragma once

#include <adwaita.h>

#include "sb-connection.h"
#include "sb-seat-map.h"

G_BEGIN_DECLS

#define SB_TYPE_CANCEL_DIALOG (sb_cancel_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SbCancelDialog, sb_cancel_dialog, SB, CANCEL_DIALOG, AdwWindow)

/* booking: as find_bookings listed it (copied). seat_map, showing event_id, names the seats and
 * prices them (NULL: seat ids, and the full refund is the booking's total). Emits "cancelled"
 * (no arguments) once the server has cancelled, then closes. */
SbCancelDialog *sb_cancel_dialog_new (GtkWindow *parent,
                                      SbConnection *connection,
                                      const char *event_id,
                                      const SbBookingEntry *booking,
                                      SbSeatMap *seat_map);

G_END_DECLS
