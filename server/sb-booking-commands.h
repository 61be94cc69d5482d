/* sb-booking-commands.h: `seatbook-server bookings`, an event's bookings found in the store alone
 * (beside a running server or not), as text or CSV, for scripts (issue 11). */
#pragma once

#include "sb-server-config.h"
#include "sb-store.h"
#include "sb-venue.h"

G_BEGIN_DECLS

/* Prints every booking settings (event_id, bookings_by, bookings_value, audit_csv) ask for on
 * standard output, by booking time. The store's errors keep their domain (exit status 1). */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_command_bookings (const SbServerSettings *settings, GError **error);

/* The options of `bookings` (sb-server-config.c reads them): sets settings event_id (stealing
 * *event), bookings_by and bookings_value (stealing the one of criteria given: --reference,
 * --name, --phone, --email, --seat) and audit_csv. G_OPTION_ERROR without --event, with two
 * criteria, or with a format other than csv or text. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_command_bookings_parse (SbServerSettings *settings,
                                    char **event,
                                    char **criteria[5],
                                    const char *format,
                                    GError **error);

/* The event's venue (for prices and categories, here and in `report`) and, when out_time_zone is
 * not NULL, its time zone (NULL for none: UTC); NULL with error SB_STORE_ERROR_NOT_FOUND for an
 * unknown event. */
G_GNUC_WARN_UNUSED_RESULT
SbVenue *sb_command_load_event_venue (SbStore *store,
                                      const char *event_id,
                                      char **out_time_zone,
                                      GError **error);

G_END_DECLS
