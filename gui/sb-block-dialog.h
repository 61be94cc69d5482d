/* sb-block-dialog.h: "Block Seats…" and "Unblock Seats…" (issue 11 item 5; managers and
 * administrators). Block takes the seats this desk holds in the open event out of sale, listed in
 * words, with a required reason, sent as `block`; the server takes them from the hold, which keeps
 * its other seats or ends. Unblock lists the event's seats that a block took out of sale, each
 * with a check button, and gives back the ones ticked with `unblock` (docs/protocol.md). The seats
 * change on every map through the server's broadcast, not through this dialog. */
#pragma once

#include <adwaita.h>

#include "sb-connection.h"
#include "sb-seat-map.h"

G_BEGIN_DECLS

#define SB_TYPE_BLOCK_DIALOG (sb_block_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SbBlockDialog, sb_block_dialog, SB, BLOCK_DIALOG, AdwWindow)

/* unblock: FALSE for "Block Seats" (seat_ids are all blocked), TRUE for "Unblock Seats" (seat_ids
 * are offered, none ticked). seat_ids: 1 or more seat ids of event_id, which seat_map shows and
 * names. Emits "done" (the seats the server blocked or unblocked, a NULL-terminated char **) once
 * the server has done it, then closes. */
SbBlockDialog *sb_block_dialog_new (GtkWindow *parent,
                                    SbConnection *connection,
                                    const char *event_id,
                                    SbSeatMap *seat_map,
                                    gboolean unblock,
                                    const char *const *seat_ids);

const char *sb_block_dialog_get_event_id (SbBlockDialog *self);
gboolean sb_block_dialog_get_unblock (SbBlockDialog *self);

G_END_DECLS
