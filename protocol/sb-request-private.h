/* sb-request-private.h: the request tables the parser (sb-request.c) and the serializer
 * (sb-request-writer.c) share: every field a request may carry, its name on the wire, and which
 * fields each request type allows and requires. Private to protocol/. */
#pragma once

#include "sb-request.h"

/* Every field a request may carry; a bit per field in the tables below. */
typedef enum
{
  F_TYPE,
  F_ID,
  F_CLIENT,
  F_CLIENT_ID,
  F_PROTOCOL,
  F_EVENT,
  F_SINCE,
  F_SEATS,
  F_HOLD,
  F_TTL,
  F_COUNT,
  F_CATEGORIES,
  F_MAX_PRICE,
  F_TOGETHER,
  F_USERNAME,
  F_PASSWORD,
  F_TOKEN,
  F_SEAT,
  F_BOOKING,
  F_LIMIT,
  F_CUSTOMER,
  F_REFERENCE,
  F_NAME,
  F_PHONE,
  F_EMAIL,
  F_AFTER,
  F_OVERRIDE_ORPHAN_RULE,
  F_REFUND,
  F_REASON,
  F_FROM,
  F_TO,
  F_STARTS_AT,
  F_TIME_ZONE,
  F_SALES_OPEN,
  F_SALES_CLOSE,
  F_ORPHAN_RULE,
  F_VENUE,
  F_VENUE_TEXT,
  N_FIELDS
} Field;

extern const char *const _sb_request_field_names[N_FIELDS];
extern const char *const _sb_request_type_names[SB_REQUEST_CLOSE_SALES + 1];

#define BIT(f) (G_GUINT64_CONSTANT (1) << (f))
#define COMMON (BIT (F_TYPE) | BIT (F_ID))

typedef struct
{
  guint64 allowed;
  guint64 required;
} TypeSpec;

/* book's "hold" versus "event"+"seats", and sign_in's "username"+"password" versus "token", are
 * checked by hand after the table. */
extern const TypeSpec _sb_request_type_specs[SB_REQUEST_CLOSE_SALES + 1];

/* create_event's values, taken as strings (sb-request-event.c): time_zone an IANA name, the times
 * ISO 8601 (read in time_zone without an offset; their _ms filled in), sales_close after
 * sales_open, orphan_rule a rule's name. */
gboolean _sb_request_check_event (SbRequest *request, GError **error);

/* Frees a password or token after overwriting it, so that it does not linger in freed memory. */
void _sb_request_wipe_and_free (char *secret);
