/* sb-message-bookings.h: `bookings`, the reply to `find_bookings` (docs/protocol.md): the
 * server's writer and the app's typed reader (sb_message_parse ()). */
#pragma once

#include <glib-object.h>

#include "sb-customer.h"

G_BEGIN_DECLS

/* One booking of bookings.bookings. */
typedef struct
{
  char *reference;
  char **seats; /* the seats it still has, sorted by id; empty once cancelled */
  char *account;
  char *desk;
  SbCustomer customer; /* every field NULL when the booking has none ("customer": null) */
  gint64 booked_at;    /* Unix ms */
  gint64 total_price;  /* of its seats, in the venue's minor units */
  char *state;         /* "booked", "cancelled"; later versions may add others */
} SbBookingEntry;

typedef struct
{
  char *event;
  GPtrArray *bookings; /* SbBookingEntry, in booking time order */
  char *next;          /* send as find_bookings.after for the next page; NULL on the last */
} SbBookingsMessage;

#define SB_TYPE_BOOKING_ENTRY (sb_booking_entry_get_type ())
#define SB_TYPE_BOOKINGS_MESSAGE (sb_bookings_message_get_type ())

GType sb_booking_entry_get_type (void) G_GNUC_CONST;
GType sb_bookings_message_get_type (void) G_GNUC_CONST;

SbBookingEntry *sb_booking_entry_copy (const SbBookingEntry *entry);
void sb_booking_entry_free (SbBookingEntry *entry);
SbBookingsMessage *sb_bookings_message_copy (const SbBookingsMessage *message);
void sb_bookings_message_free (SbBookingsMessage *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbBookingEntry, sb_booking_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbBookingsMessage, sb_bookings_message_free)

/* bookings: _begin (), sb_bookings_entry_write () per booking, _end () with the cursor of the next
 * page (the last booking's reference) or NULL when this page is the last. */
void sb_bookings_message_write_begin (GString *out, const char *re, const char *event);
void sb_bookings_entry_write (GString *out,
                              const char *reference,
                              const char *const *seats,
                              const char *account,
                              const char *desk,
                              const SbCustomer *customer,
                              gint64 booked_at,
                              gint64 total_price,
                              const char *state);
void sb_bookings_message_write_end (GString *out, const char *next);

G_END_DECLS
