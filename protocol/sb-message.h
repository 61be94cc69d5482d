/* sb-message.h: every message the server sends (docs/protocol.md), typed, with its writer and
 * its strict reader side by side in protocol/:
 *
 *   sb-message-parts.h      seat update, hold info, event summary, version change
 *   sb-message-session.h    welcome (+ limits), events, pong
 *   sb-message-subscribe.h  snapshot, replay, unsubscribed
 *   sb-message-hold.h       held / extended, released, booked
 *   sb-message-changed.h    changed
 *   sb-message-error.h      error
 *   sb-message-account.h    signed_in, signed_out, audit_log (protocol version 2)
 *   sb-message-report.h     report (issue 11)
 *   sb-message-bookings.h   bookings (issue 11)
 *   sb-message-cancel.h     cancelled, blocked / unblocked, moved (issue 11)
 *   sb-message-event.h      event_created (an SbEventsMessage), sales_closed (issue 11)
 *
 * The server writes with the families' writers; clients read any frame with sb_message_parse ()
 * and dispatch on SbMessage.type. Readers are strict about what they use — a missing required
 * field or a value of the wrong type is an error naming the field — and ignore members they do not
 * know, as the protocol asks of clients. */
#pragma once

#include "sb-message-account.h"
#include "sb-message-bookings.h"
#include "sb-message-changed.h"
#include "sb-message-error.h"
#include "sb-message-event.h"
#include "sb-message-hold.h"
#include "sb-message-cancel.h"
#include "sb-message-parts.h"
#include "sb-message-report.h"
#include "sb-message-session.h"
#include "sb-message-subscribe.h"

G_BEGIN_DECLS

#define SB_MESSAGE_READ_ERROR (sb_message_read_error_quark ())
GQuark sb_message_read_error_quark (void);

typedef enum
{
  SB_MESSAGE_READ_ERROR_INVALID, /* not JSON, not an object, or a field missing or of the wrong type
                                  */
  SB_MESSAGE_READ_ERROR_UNKNOWN_TYPE, /* a "type" this version does not know: a client may skip it
                                       */
} SbMessageReadErrorCode;

/* One message read from a frame. The body is the struct of its type's family (held and extended
 * share SbHoldMessage); take it with g_steal_pointer () to keep it after the message. */
typedef struct
{
  SbMessageType type;
  char *re;          /* the request's id; NULL for changed (and an error whose re was null) */
  gboolean replayed; /* a retried request's outcome, answered from the record */
  union
  {
    gpointer body;
    SbWelcomeMessage *welcome;
    SbEventsMessage *events; /* events, event_created */
    SbSnapshotMessage *snapshot;
    SbReplayMessage *replay;
    SbUnsubscribedMessage *unsubscribed;
    SbHoldMessage *hold; /* held, extended */
    SbReleasedMessage *released;
    SbBookedMessage *booked;
    SbPongMessage *pong;
    SbChangedMessage *changed;
    SbErrorMessage *error;
    SbSignedInMessage *signed_in; /* signed_out has no body: NULL */
    SbAuditLogMessage *audit_log;
    SbReportMessage *report;
    SbBookingsMessage *bookings;
    SbCancelledMessage *cancelled;
    SbBlockedMessage *blocked; /* blocked, unblocked */
    SbMovedMessage *moved;
    SbSalesClosedMessage *sales_closed;
  };
} SbMessage;

#define SB_TYPE_MESSAGE (sb_message_get_type ())
GType sb_message_get_type (void) G_GNUC_CONST;

/* Reads one text frame. NULL with an SB_MESSAGE_READ_ERROR on failure. */
G_GNUC_WARN_UNUSED_RESULT
SbMessage *sb_message_parse (const char *text, gsize length, GError **error);

SbMessage *sb_message_copy (const SbMessage *message);
void sb_message_free (SbMessage *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbMessage, sb_message_free)

G_END_DECLS
