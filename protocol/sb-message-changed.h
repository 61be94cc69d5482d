/* sb-message-changed.h: changed, the notification every subscriber of an event gets after a
 * change was committed. */
#pragma once

#include "sb-message-parts.h"

G_BEGIN_DECLS

typedef struct
{
  char *event;
  gint64 from_version; /* the version the message applies to */
  gint64 version;      /* the version it leads to */
  GPtrArray *seats;    /* SbSeatUpdate: each seat's state at version */
} SbChangedMessage;

#define SB_TYPE_CHANGED_MESSAGE (sb_changed_message_get_type ())
GType sb_changed_message_get_type (void) G_GNUC_CONST;

SbChangedMessage *sb_changed_message_copy (const SbChangedMessage *message);
void sb_changed_message_free (SbChangedMessage *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbChangedMessage, sb_changed_message_free)

/* _begin (), sb_seat_update_write () per seat, _end (). */
void sb_changed_message_write_begin (GString *out,
                                     const char *event,
                                     gint64 from_version,
                                     gint64 version);
void sb_changed_message_write_end (GString *out);

G_END_DECLS
