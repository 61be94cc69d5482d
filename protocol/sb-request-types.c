/* sb-request-types.c: the request types and fields (the tables sb-request-private.h declares,
 * which the parser in sb-request.c and the writer in sb-request-writer.c read), the role each
 * type needs, and an SbRequest's creation and freeing. */
#include "sb-request.h"
#include "sb-request-private.h"

#include <string.h>

const char *const _sb_request_type_names[SB_REQUEST_CLOSE_SALES + 1] = {
  [SB_REQUEST_HELLO] = "hello",
  [SB_REQUEST_LIST_EVENTS] = "list_events",
  [SB_REQUEST_SUBSCRIBE] = "subscribe",
  [SB_REQUEST_UNSUBSCRIBE] = "unsubscribe",
  [SB_REQUEST_HOLD] = "hold",
  [SB_REQUEST_EXTEND] = "extend",
  [SB_REQUEST_RELEASE] = "release",
  [SB_REQUEST_BOOK] = "book",
  [SB_REQUEST_PING] = "ping",
  [SB_REQUEST_HOLD_BEST] = "hold_best",
  [SB_REQUEST_SIGN_IN] = "sign_in",
  [SB_REQUEST_SIGN_OUT] = "sign_out",
  [SB_REQUEST_AUDIT] = "audit",
  [SB_REQUEST_FIND_BOOKINGS] = "find_bookings",
  [SB_REQUEST_CANCEL] = "cancel",
  [SB_REQUEST_BLOCK] = "block",
  [SB_REQUEST_UNBLOCK] = "unblock",
  [SB_REQUEST_REPORT] = "report",
  [SB_REQUEST_MOVE] = "move",
  [SB_REQUEST_CREATE_EVENT] = "create_event",
  [SB_REQUEST_CLOSE_SALES] = "close_sales",
};

/* Kept in two columns: since "override_orphan_rule", clang-format would give every name a line. */
/* clang-format off */
const char *const _sb_request_field_names[N_FIELDS] = {
  [F_TYPE] = "type",           [F_ID] = "id",
  [F_CLIENT] = "client",       [F_CLIENT_ID] = "client_id",
  [F_PROTOCOL] = "protocol",   [F_EVENT] = "event",
  [F_SINCE] = "since",         [F_SEATS] = "seats",
  [F_HOLD] = "hold",           [F_TTL] = "ttl",
  [F_COUNT] = "count",         [F_CATEGORIES] = "categories",
  [F_MAX_PRICE] = "max_price", [F_TOGETHER] = "together",
  [F_USERNAME] = "username",   [F_PASSWORD] = "password",
  [F_TOKEN] = "token",         [F_SEAT] = "seat",
  [F_BOOKING] = "booking",     [F_LIMIT] = "limit",
  [F_CUSTOMER] = "customer",   [F_REFERENCE] = "reference",
  [F_NAME] = "name",           [F_PHONE] = "phone",
  [F_EMAIL] = "email",         [F_AFTER] = "after",
  [F_OVERRIDE_ORPHAN_RULE] = "override_orphan_rule",
  [F_REFUND] = "refund",       [F_REASON] = "reason",
  [F_FROM] = "from",           [F_TO] = "to",
  [F_STARTS_AT] = "starts_at", [F_TIME_ZONE] = "time_zone",
  [F_SALES_OPEN] = "sales_open", [F_SALES_CLOSE] = "sales_close",
  [F_ORPHAN_RULE] = "orphan_rule", [F_VENUE] = "venue",
  [F_VENUE_TEXT] = "venue_text",
};
/* clang-format on */

/* book's "hold" versus "event"+"seats", and sign_in's "username"+"password" versus "token", are
 * checked by hand after the table. */
const TypeSpec _sb_request_type_specs[SB_REQUEST_CLOSE_SALES + 1] = {
  [SB_REQUEST_HELLO] = { COMMON | BIT (F_CLIENT) | BIT (F_CLIENT_ID) | BIT (F_PROTOCOL),
                         COMMON | BIT (F_CLIENT) | BIT (F_CLIENT_ID) | BIT (F_PROTOCOL) },
  [SB_REQUEST_LIST_EVENTS] = { COMMON, COMMON },
  [SB_REQUEST_SUBSCRIBE] = { COMMON | BIT (F_EVENT) | BIT (F_SINCE), COMMON | BIT (F_EVENT) },
  [SB_REQUEST_UNSUBSCRIBE] = { COMMON | BIT (F_EVENT), COMMON | BIT (F_EVENT) },
  [SB_REQUEST_HOLD]
  = { COMMON | BIT (F_EVENT) | BIT (F_SEATS) | BIT (F_TTL) | BIT (F_OVERRIDE_ORPHAN_RULE),
      COMMON | BIT (F_EVENT) | BIT (F_SEATS) },
  [SB_REQUEST_EXTEND] = { COMMON | BIT (F_HOLD) | BIT (F_TTL), COMMON | BIT (F_HOLD) },
  [SB_REQUEST_RELEASE]
  = { COMMON | BIT (F_HOLD) | BIT (F_SEATS) | BIT (F_OVERRIDE_ORPHAN_RULE), COMMON | BIT (F_HOLD) },
  [SB_REQUEST_BOOK] = { COMMON | BIT (F_HOLD) | BIT (F_EVENT) | BIT (F_SEATS) | BIT (F_CUSTOMER)
                            | BIT (F_OVERRIDE_ORPHAN_RULE),
                        COMMON },
  [SB_REQUEST_PING] = { COMMON, COMMON },
  [SB_REQUEST_HOLD_BEST]
  = { COMMON | BIT (F_EVENT) | BIT (F_COUNT) | BIT (F_CATEGORIES) | BIT (F_MAX_PRICE)
          | BIT (F_TOGETHER) | BIT (F_TTL) | BIT (F_OVERRIDE_ORPHAN_RULE),
      COMMON | BIT (F_EVENT) | BIT (F_COUNT) },
  [SB_REQUEST_SIGN_IN] = { COMMON | BIT (F_USERNAME) | BIT (F_PASSWORD) | BIT (F_TOKEN), COMMON },
  [SB_REQUEST_SIGN_OUT] = { COMMON, COMMON },
  [SB_REQUEST_AUDIT]
  = { COMMON | BIT (F_EVENT) | BIT (F_SINCE) | BIT (F_SEAT) | BIT (F_BOOKING) | BIT (F_LIMIT),
      COMMON | BIT (F_EVENT) },
  [SB_REQUEST_FIND_BOOKINGS]
  = { COMMON | BIT (F_EVENT) | BIT (F_REFERENCE) | BIT (F_NAME) | BIT (F_PHONE) | BIT (F_EMAIL)
          | BIT (F_SEAT) | BIT (F_LIMIT) | BIT (F_AFTER),
      COMMON | BIT (F_EVENT) },
  [SB_REQUEST_CANCEL]
  = { COMMON | BIT (F_EVENT) | BIT (F_BOOKING) | BIT (F_SEATS) | BIT (F_REFUND) | BIT (F_REASON),
      COMMON | BIT (F_EVENT) | BIT (F_BOOKING) | BIT (F_REFUND) | BIT (F_REASON) },
  [SB_REQUEST_BLOCK] = { COMMON | BIT (F_EVENT) | BIT (F_SEATS) | BIT (F_REASON),
                         COMMON | BIT (F_EVENT) | BIT (F_SEATS) | BIT (F_REASON) },
  [SB_REQUEST_UNBLOCK] = { COMMON | BIT (F_EVENT) | BIT (F_SEATS) | BIT (F_REASON),
                           COMMON | BIT (F_EVENT) | BIT (F_SEATS) | BIT (F_REASON) },
  [SB_REQUEST_REPORT] = { COMMON | BIT (F_EVENT), COMMON | BIT (F_EVENT) },
  [SB_REQUEST_MOVE] = { COMMON | BIT (F_EVENT) | BIT (F_BOOKING) | BIT (F_FROM) | BIT (F_TO)
                            | BIT (F_OVERRIDE_ORPHAN_RULE),
                        COMMON | BIT (F_EVENT) | BIT (F_BOOKING) | BIT (F_TO) },
  /* "venue" versus "venue_text" is checked by hand. */
  [SB_REQUEST_CREATE_EVENT] = { COMMON | BIT (F_EVENT) | BIT (F_NAME) | BIT (F_STARTS_AT)
                                    | BIT (F_TIME_ZONE) | BIT (F_SALES_OPEN) | BIT (F_SALES_CLOSE)
                                    | BIT (F_ORPHAN_RULE) | BIT (F_VENUE) | BIT (F_VENUE_TEXT),
                                COMMON | BIT (F_EVENT) | BIT (F_NAME) },
  [SB_REQUEST_CLOSE_SALES] = { COMMON | BIT (F_EVENT), COMMON | BIT (F_EVENT) },
};

const char *
sb_request_type_to_string (SbRequestType type)
{
  if ((guint) type >= G_N_ELEMENTS (_sb_request_type_names))
    return NULL;
  return _sb_request_type_names[type];
}

gboolean
sb_request_type_required_role (SbRequestType type, SbRole *out_role)
{
  SbRole role;

  switch (type)
    {
      case SB_REQUEST_HELLO:
      case SB_REQUEST_SIGN_IN:
      case SB_REQUEST_PING:
        return FALSE;
      case SB_REQUEST_LIST_EVENTS:
      case SB_REQUEST_SUBSCRIBE:
      case SB_REQUEST_UNSUBSCRIBE:
      case SB_REQUEST_SIGN_OUT:
        role = SB_ROLE_VIEWER;
        break;
      case SB_REQUEST_HOLD:
      case SB_REQUEST_EXTEND:
      case SB_REQUEST_RELEASE:
      case SB_REQUEST_BOOK:
      case SB_REQUEST_HOLD_BEST:
      case SB_REQUEST_FIND_BOOKINGS:
      case SB_REQUEST_MOVE: /* a change of seats, no money back: the desk's own work */
        role = SB_ROLE_CLERK;
        break;
      case SB_REQUEST_AUDIT:
      case SB_REQUEST_CANCEL: /* a manager cancels and refunds any booking */
      case SB_REQUEST_BLOCK:
      case SB_REQUEST_UNBLOCK:
      case SB_REQUEST_REPORT:
      case SB_REQUEST_CREATE_EVENT:
      case SB_REQUEST_CLOSE_SALES:
        role = SB_ROLE_MANAGER;
        break;
      default:
        /* An unknown type is refused by the parser before it gets here; be strict anyway. */
        role = SB_ROLE_ADMIN;
        break;
    }
  if (out_role != NULL)
    *out_role = role;
  return TRUE;
}

gboolean
sb_request_required_role (const SbRequest *request, SbRole *out_role)
{
  SbRole role;

  g_return_val_if_fail (request != NULL, FALSE);

  if (!sb_request_type_required_role (request->type, &role))
    return FALSE;
  /* Leaving a seat alone where the event's rule forbids it is a manager's decision. */
  if (request->override_orphan_rule && role < SB_ROLE_MANAGER)
    role = SB_ROLE_MANAGER;
  if (out_role != NULL)
    *out_role = role;
  return TRUE;
}

SbRequest *
sb_request_new (SbRequestType type, const char *id)
{
  SbRequest *request;

  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (_sb_request_type_names), NULL);

  request = g_new0 (SbRequest, 1);
  request->type = type;
  request->id = g_strdup (id);
  request->protocol = type == SB_REQUEST_HELLO ? SB_PROTOCOL_VERSION : 0;
  request->since = -1;
  request->ttl_seconds = 0;
  request->max_price = -1;
  return request;
}

/* Overwrites a secret before it goes back to the allocator, where a later buffer (a log line, a
 * reply) could otherwise carry it; volatile so the stores are not optimised away. */
void
_sb_request_wipe_and_free (char *secret)
{
  if (secret == NULL)
    return;
  for (volatile char *p = secret; *p != '\0'; p++)
    *p = '\0';
  g_free (secret);
}

void
sb_request_free (SbRequest *request)
{
  if (request == NULL)
    return;
  _sb_request_wipe_and_free (request->password);
  _sb_request_wipe_and_free (request->token);
  g_free (request->username);
  g_free (request->seat_id);
  g_free (request->booking_id);
  g_free (request->reason);
  g_free (request->id);
  g_free (request->client_name);
  g_free (request->client_id);
  g_free (request->event_id);
  g_strfreev (request->seats);
  g_free (request->hold_id);
  g_strfreev (request->categories);
  sb_customer_free (request->customer);
  g_free (request->reference);
  g_free (request->name);
  g_free (request->phone);
  g_free (request->email);
  g_free (request->after);
  g_strfreev (request->from);
  g_strfreev (request->to);
  g_free (request->time_zone);
  g_free (request->starts_at);
  g_free (request->sales_open);
  g_free (request->sales_close);
  g_free (request->orphan_rule);
  g_free (request->venue_id);
  g_free (request->venue_text);
  g_free (request);
}
