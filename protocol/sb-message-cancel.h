/* sb-message-cancel.h: cancelled, the reply to cancel, blocked / unblocked, the replies to
 * block and unblock, and moved, the reply to move (docs/protocol.md): the server's writers and
 * the app's typed readers (sb_message_parse ()). */
#pragma once

#include <glib-object.h>

#include "sb-protocol.h"

G_BEGIN_DECLS

typedef struct
{
  char *booking;
  char *event;
  char **seats; /* the seats cancelled */
  SbRefundKind refund_kind;
  gint64 refund_amount; /* what was refunded, minor units; 0 for none */
  char **remaining_seats;
  char *state; /* "active", or "cancelled" when no seat is left */
} SbCancelledMessage;

/* blocked and unblocked. */
typedef struct
{
  char *event;
  char **seats;
} SbBlockedMessage;

/* moved: from[i] moved to to[i]; totals in minor units of currency. */
typedef struct
{
  char *booking;
  char *event;
  char **from;
  char **to;
  char **seats; /* every seat the booking has now */
  gint64 total_before;
  gint64 total_after;
  gint64 difference; /* total_after - total_before */
  char *currency;
} SbMovedMessage;

#define SB_TYPE_CANCELLED_MESSAGE (sb_cancelled_message_get_type ())
#define SB_TYPE_BLOCKED_MESSAGE (sb_blocked_message_get_type ())
#define SB_TYPE_MOVED_MESSAGE (sb_moved_message_get_type ())

GType sb_cancelled_message_get_type (void) G_GNUC_CONST;
GType sb_blocked_message_get_type (void) G_GNUC_CONST;
GType sb_moved_message_get_type (void) G_GNUC_CONST;

SbCancelledMessage *sb_cancelled_message_copy (const SbCancelledMessage *message);
void sb_cancelled_message_free (SbCancelledMessage *message);
SbBlockedMessage *sb_blocked_message_copy (const SbBlockedMessage *message);
void sb_blocked_message_free (SbBlockedMessage *message);
SbMovedMessage *sb_moved_message_copy (const SbMovedMessage *message);
void sb_moved_message_free (SbMovedMessage *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbCancelledMessage, sb_cancelled_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbBlockedMessage, sb_blocked_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbMovedMessage, sb_moved_message_free)

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
