/* sb-message-cancel.h: cancelled, the reply to cancel (docs/protocol.md, "cancel"). Written by the
 * server; clients read it as JSON (the typed reader comes with the app's cancel). */
#pragma once

#include <glib.h>

#include "sb-protocol.h"

G_BEGIN_DECLS

/* seats: the seats cancelled; remaining_seats: those the booking keeps (empty: the booking is
 * cancelled, "state": "cancelled"). refund_amount in minor units of the venue's currency. */
void sb_cancelled_message_write (GString *out,
                                 const char *re,
                                 const char *booking,
                                 const char *event,
                                 const char *const *seats,
                                 SbRefundKind refund_kind,
                                 gint64 refund_amount,
                                 const char *const *remaining_seats,
                                 gboolean replayed);

G_END_DECLS
