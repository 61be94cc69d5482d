/* sb-message-cancel.h: cancelled, the reply to cancel, blocked / unblocked, the replies to
 * block and unblock, and moved, the reply to move (docs/protocol.md). Written by the server;
 * clients read them as JSON (the typed readers come with the app's side of these requests). */
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

/* blocked (unblocked FALSE) or unblocked: the event and the seats. */
void sb_blocked_message_write (GString *out,
                               gboolean unblocked,
                               const char *re,
                               const char *event,
                               const char *const *seats,
                               gboolean replayed);

/* moved: from[i] moved to to[i]; seats: every seat the booking has now; totals in minor units of
 * the venue's currency, what the booking's seats cost before and after (the difference is
 * total_after - total_before). */
void sb_moved_message_write (GString *out,
                             const char *re,
                             const char *booking,
                             const char *event,
                             const char *const *from,
                             const char *const *to,
                             const char *const *seats,
                             gint64 total_before,
                             gint64 total_after,
                             const char *currency,
                             gboolean replayed);

G_END_DECLS
