/* sb-message-event.h: the replies of create_event and close_sales, and the error reply that names
 * the field at fault (docs/protocol.md, "create_event → event_created", "close_sales →
 * sales_closed"). Written by the server, read by the app's dialogs: event_created's body is an
 * SbEventsMessage (sb-message-session.h), sales_closed's an SbSalesClosedMessage. */
#pragma once

#include <glib-object.h>

#include "sb-protocol.h"

G_BEGIN_DECLS

typedef struct
{
  char *event;
  gint64 sales_close; /* Unix ms: when the event's sales closed */
} SbSalesClosedMessage;

#define SB_TYPE_SALES_CLOSED_MESSAGE (sb_sales_closed_message_get_type ())
GType sb_sales_closed_message_get_type (void) G_GNUC_CONST;

SbSalesClosedMessage *sb_sales_closed_message_copy (const SbSalesClosedMessage *message);
void sb_sales_closed_message_free (SbSalesClosedMessage *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbSalesClosedMessage, sb_sales_closed_message_free)

/* `{"type":"event_created","re":…,"events":[` : then the new event's summary
 * (sb_event_summary_write ()), then _end (). */
void sb_event_created_message_write_begin (GString *out, const char *re);
void sb_event_created_message_write_end (GString *out);

/* {"type":"sales_closed","re":…,"event":…,"sales_close":ms} */
void
sb_sales_closed_message_write (GString *out, const char *re, const char *event, gint64 sales_close);

/* An error with "field" (the request's field at fault) and, when line > 0, the "line" and
 * "column" in that field's text (a venue document's) that the message names. */
void sb_error_message_write_field (GString *out,
                                   const char *re,
                                   SbErrorCode code,
                                   const char *message,
                                   const char *field,
                                   guint line,
                                   guint column);

G_END_DECLS
