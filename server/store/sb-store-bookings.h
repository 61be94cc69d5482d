/* sb-store-bookings.h: finding an event's bookings (issue 11; docs/protocol.md, "find_bookings"):
 * by reference, the customer's name (folded prefix), phone (digits), email (without case), a seat,
 * or all of them; a page at a time, by booking time. Like every SbStore method it is synchronous
 * and called from one thread at a time (the store worker). */
#pragma once

#include "sb-customer.h"
#include "sb-store.h"
#include "sb-venue.h"

G_BEGIN_DECLS

typedef enum
{
  SB_BOOKING_SEARCH_ALL,
  SB_BOOKING_SEARCH_REFERENCE,
  SB_BOOKING_SEARCH_NAME,
  SB_BOOKING_SEARCH_PHONE,
  SB_BOOKING_SEARCH_EMAIL,
  SB_BOOKING_SEARCH_SEAT,
} SbBookingSearch;

struct _SbBookingQuery
{
  const char *event_id;
  SbBookingSearch by;
  /* What the client sent (NULL for ALL). The backends get it as key, folded as the stored key
   * (sb-customer.h): the reference in upper case, the name folded, the phone's digits, the email
   * case-folded; a seat id as it is. */
  const char *value;
  const char *key;
  const char *after; /* the reference the previous page ended with, or NULL */
  guint limit;       /* 1 to SB_MAX_FIND_LIMIT (a backend is asked for one more) */
};

typedef struct
{
  char *booking_id;
  char *event_id;
  char *desk;
  char *account;
  char **seat_ids;      /* sorted */
  SbCustomer *customer; /* or NULL */
  gint64 booked_at_ms;
  char *state; /* "booked", or "cancelled" when a cancellation took its last seat */
} SbBookingRecord;

SbBookingRecord *sb_booking_record_new (const char *booking_id,
                                        const char *event_id,
                                        const char *desk,
                                        const char *account,
                                        char **seat_ids,
                                        SbCustomer *customer,
                                        gint64 booked_at_ms);
/* Sets state from the status a backend stores with the booking ("active" or "cancelled"; NULL
 * for a booking stored before cancellations existed). */
void sb_booking_record_set_stored_status (SbBookingRecord *record, const char *status);
void sb_booking_record_free (SbBookingRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbBookingRecord, sb_booking_record_free)

/* The booking's price: the sum of its seats' category prices in venue (the event's). */
gint64 sb_booking_record_total_price (const SbBookingRecord *record, SbVenue *venue);

/* SbBookingRecord array: the first query->limit matches after query->after, by booking time
 * (then reference). *out_next is the reference to pass as after for the next page, or NULL when
 * there is none. An unknown event has no bookings; an after that names no booking of the event is
 * SB_STORE_ERROR_NOT_FOUND. A name with nothing to fold (no letter or digit) finds nothing. */
G_GNUC_WARN_UNUSED_RESULT
GPtrArray *sb_store_find_bookings (SbStore *self,
                                   const SbBookingQuery *query,
                                   char **out_next,
                                   GError **error);

G_END_DECLS
