/* sb-event-dialog.h: "New Event…" (issue 11 item 6; managers and administrators). The event's
 * id, name, venue (one in the store, which the listed events were created from, or a file chosen
 * through GtkFileChooserNative, sent as its text as it is at Create), date and time in
 * an IANA time zone (the system's by default) and an optional sales window, sent as create_event
 * (docs/protocol.md). The server validates everything: its refusal is shown in words naming the
 * field (for a venue file, the loader's message with the place in the file), and the dialog stays
 * open with everything typed. */
#pragma once

#include <adwaita.h>

#include "sb-connection.h"

G_BEGIN_DECLS

#define SB_TYPE_EVENT_DIALOG (sb_event_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SbEventDialog, sb_event_dialog, SB, EVENT_DIALOG, AdwWindow)

/* Emits "created" (the new event's id) once the server has created it, then closes. events: the
 * desk's SbEventItem list, whose venues are offered; current_venue_id (or NULL) is chosen first. */
SbEventDialog *sb_event_dialog_new (GtkWindow *parent,
                                    SbConnection *connection,
                                    GListModel *events,
                                    const char *current_venue_id);

G_END_DECLS
