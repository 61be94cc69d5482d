/* sb-message-bookings.h: `bookings`, the reply to `find_bookings` (docs/protocol.md). Written by
 * the server; the app's reader comes with its Bookings page. */
#pragma once

#include <glib.h>

#include "sb-customer.h"

G_BEGIN_DECLS

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
