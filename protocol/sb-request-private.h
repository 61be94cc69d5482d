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
  N_FIELDS
} Field;

extern const char *const _sb_request_field_names[N_FIELDS];
extern const char *const _sb_request_type_names[SB_REQUEST_REPORT + 1];

#define BIT(f) (1u << (f))
#define COMMON (BIT (F_TYPE) | BIT (F_ID))

typedef struct
{
  guint allowed;
  guint required;
} TypeSpec;

/* book's "hold" versus "event"+"seats", and sign_in's "username"+"password" versus "token", are
 * checked by hand after the table. */
extern const TypeSpec _sb_request_type_specs[SB_REQUEST_REPORT + 1];
