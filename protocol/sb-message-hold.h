/* sb-message-hold.h: the replies to the state-changing requests: held / extended (hold, extend),
 * released (release) and booked (book). "replayed" is on the SbMessage that carries them. */
#pragma once

#include "sb-customer.h"
#include "sb-message-parts.h"

G_BEGIN_DECLS

/* held and extended: the hold as it now is, and the server's time. */
typedef struct
{
  SbHoldInfo info;
  gint64 server_time;
  char *lone_seat; /* held: the seat the orphan rule warns of (docs/protocol.md), or NULL */
} SbHoldMessage;

typedef struct
{
  char *hold;
  char *event;
  char **seats;           /* the seats released */
  char **remaining_seats; /* a release naming seats: those the hold keeps (empty: it ended); NULL
                             for a release of the whole hold */
  char *lone_seat;        /* the seat the orphan rule warns of (docs/protocol.md), or NULL */
} SbReleasedMessage;

typedef struct
{
  char *booking; /* the booking reference for the customer */
  char *event;
  char **seats;
  char *lone_seat; /* the seat the orphan rule warns of (docs/protocol.md), or NULL */
} SbBookedMessage;

#define SB_TYPE_HOLD_MESSAGE (sb_hold_message_get_type ())
#define SB_TYPE_RELEASED_MESSAGE (sb_released_message_get_type ())
#define SB_TYPE_BOOKED_MESSAGE (sb_booked_message_get_type ())

GType sb_hold_message_get_type (void) G_GNUC_CONST;
GType sb_released_message_get_type (void) G_GNUC_CONST;
GType sb_booked_message_get_type (void) G_GNUC_CONST;

SbHoldMessage *sb_hold_message_copy (const SbHoldMessage *message);
void sb_hold_message_free (SbHoldMessage *message);
SbReleasedMessage *sb_released_message_copy (const SbReleasedMessage *message);
void sb_released_message_free (SbReleasedMessage *message);
SbBookedMessage *sb_booked_message_copy (const SbBookedMessage *message);
void sb_booked_message_free (SbBookedMessage *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbHoldMessage, sb_hold_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbReleasedMessage, sb_released_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbBookedMessage, sb_booked_message_free)

/* type: SB_MESSAGE_HELD or SB_MESSAGE_EXTENDED. remaining_ms is expires_at - server_time, never
 * below 0. */
void sb_hold_message_write (GString *out,
                            SbMessageType type,
                            const char *re,
                            const char *hold,
                            const char *event,
                            const char *const *seats,
                            gint64 expires_at,
                            gint64 server_time,
                            gboolean replayed);
void sb_released_message_write (GString *out,
                                const char *re,
                                const char *hold,
                                const char *event,
                                const char *const *seats,
                                gboolean replayed);
void sb_booked_message_write (GString *out,
                              const char *re,
                              const char *booking,
                              const char *event,
                              const char *const *seats,
                              gboolean replayed);

/* The orphan rule's warning (docs/protocol.md): adds "lone_seat" to a held, booked or released
 * message just
 * written into out by the functions above. */
void sb_message_add_lone_seat (GString *out, const char *seat);
/* The seats a hold keeps after a release naming some of its seats (docs/protocol.md, "release"):
 * adds "remaining_seats" to a released message just written into out. */
void sb_message_add_remaining_seats (GString *out, const char *const *seats);
/* The customer a booking is for (docs/protocol.md, "book"): adds "customer" to a booked message
 * just written into out. */
void sb_message_add_customer (GString *out, const SbCustomer *customer);

G_END_DECLS
