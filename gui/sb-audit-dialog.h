/* sb-audit-dialog.h: the history of one seat or one booking (the `audit` request of protocol
 * version 2, managers and administrators only): who held, extended, released and booked it,
 * from which desk and when. */
#pragma once

#include <adwaita.h>

#include "sb-connection.h"
#include "sb-seat-map.h"

G_BEGIN_DECLS

#define SB_TYPE_AUDIT_DIALOG (sb_audit_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SbAuditDialog, sb_audit_dialog, SB, AUDIT_DIALOG, AdwWindow)

/* Asks the server for the history of seat_id or of booking_id (exactly one of them) in
 * event_id. subject names it for people ("Row C seat 12 (Stalls)"); seat_map, showing that
 * event, names the entries' seats the same way (or NULL: entries show seat ids). */
SbAuditDialog *sb_audit_dialog_new (GtkWindow *parent,
                                    SbConnection *connection,
                                    const char *event_id,
                                    const char *seat_id,
                                    const char *booking_id,
                                    const char *subject,
                                    SbSeatMap *seat_map);

/* The words for an audit entry's action ("Booked", "Hold expired"); the action itself for one
 * this app does not know. */
const char *sb_audit_action_get_title (const char *action);

G_END_DECLS
