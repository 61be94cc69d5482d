/* sb-util.h: formatting shared by the app's widgets: prices, lists, error messages. */
#pragma once

#include <glib.h>

#include "sb-protocol.h"

G_BEGIN_DECLS

/* amount in minor units (cents) of an ISO 4217 currency, e.g. "€45.00" or "45,00 €" in German. */
/* A count with the thousands separated: "5,610" ("5.610" in German). */
char *sb_format_count (gint64 count);

char *sb_format_price (gint64 amount, const char *currency);
/* Minor units in one major unit of the currency, as sb_format_price () counts them: 100 for the
 * euro (and any currency it does not know), 1 for the yen. */
guint sb_currency_get_minor_units (const char *currency);

/* "A", "A and B", "A, B and C" */
char *sb_join_list (const char *const *items, guint n_items);

/* What to tell the user for a protocol error code; seat_unavailable is worded by the caller,
 * which knows the seats. */
const char *sb_error_code_get_message (SbErrorCode code);

/* "ws://host:port/ws" from what a user typed ("host:8080", "http://host:8080"); NULL with an
 * error when it cannot be a server address. */
G_GNUC_WARN_UNUSED_RESULT
char *sb_normalize_server_url (const char *text, GError **error);

G_END_DECLS
