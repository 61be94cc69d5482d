/* sb-request.h: client requests of the protocol (docs/protocol.md), parsed with strict validation
 * (server) and serialized (app, bench, tests). */
#pragma once

#include <glib.h>

#include "sb-customer.h"
#include "sb-protocol.h"

G_BEGIN_DECLS

typedef enum
{
  SB_REQUEST_HELLO,
  SB_REQUEST_LIST_EVENTS,
  SB_REQUEST_SUBSCRIBE,
  SB_REQUEST_UNSUBSCRIBE,
  SB_REQUEST_HOLD,
  SB_REQUEST_EXTEND,
  SB_REQUEST_RELEASE,
  SB_REQUEST_BOOK,
  SB_REQUEST_PING,
  SB_REQUEST_HOLD_BEST,
  SB_REQUEST_SIGN_IN,       /* v2 */
  SB_REQUEST_SIGN_OUT,      /* v2 */
  SB_REQUEST_AUDIT,         /* v2 */
  SB_REQUEST_FIND_BOOKINGS, /* v2, issue 11 */
  SB_REQUEST_CANCEL,        /* v2, issue 11 */
  SB_REQUEST_BLOCK,         /* v2, issue 11 */
  SB_REQUEST_UNBLOCK,       /* v2, issue 11 */
  SB_REQUEST_REPORT,        /* v2, issue 11 */
  SB_REQUEST_MOVE,          /* v2, issue 11 */
  SB_REQUEST_CREATE_EVENT,  /* v2, issue 11 */
  SB_REQUEST_CLOSE_SALES,   /* v2, issue 11 */
} SbRequestType;

typedef struct
{
  SbRequestType type;
  char *id;           /* the client's request id, echoed as "re" in the reply */
  char *client_name;  /* hello */
  char *client_id;    /* hello: the client identity that owns holds */
  gint protocol;      /* hello */
  char *event_id;     /* subscribe, unsubscribe, hold, book (by seats), audit, cancel */
  gint64 since;       /* subscribe: the last version the client has; audit: Unix ms; or -1 */
  char **seats;       /* hold, book (by seats), cancel (NULL: the whole booking), release (NULL:
                         the whole hold); NULL-terminated, no duplicates */
  char *hold_id;      /* extend, release, book (by hold) */
  gint64 ttl_seconds; /* hold, extend, hold_best: 0 means the server's default */
  /* hold_best */
  gint count;           /* 1-50 */
  char **categories;    /* category ids; NULL: any */
  gint64 max_price;     /* minor units; -1: no limit */
  gboolean apart;       /* FALSE (the default): side by side ("together": true) */
  char *username;       /* sign_in (by password) */
  char *password;       /* sign_in (by password); wiped when the request is freed */
  char *token;          /* sign_in (by token) */
  char *seat_id;        /* audit: entries naming this seat, or NULL */
  char *booking_id;     /* audit: entries of this booking, or NULL; cancel, move: the booking */
  gint64 limit;         /* audit: 1-SB_MAX_AUDIT_LIMIT; find_bookings: 1-SB_MAX_FIND_LIMIT; 0 means
                           the default */
  SbCustomer *customer; /* book: the customer, or NULL */
  /* find_bookings: at most one of reference, name, phone, email, seat_id (NULL: every booking);
   * after: the reference the previous page ended with, or NULL */
  char *reference;
  char *name;
  char *phone;
  char *email;
  char *after;
  /* hold, book (by seats), hold_best, move, release (with seats): do it even where the event's
   * orphan rule (enforce) would refuse it; managers and admins only (sb_request_required_role ())
   */
  gboolean override_orphan_rule;
  /* cancel */
  SbRefundKind refund_kind;
  gint64 refund_amount; /* SB_REFUND_PARTIAL: minor units, >= 1 */
  char *reason;         /* cancel, block, unblock: 1-SB_MAX_CANCEL_REASON_LENGTH characters, not
                           blank */
  /* move (booking_id, event_id): the booking's seats that move (NULL: all it has) and the seats
   * they move to, paired in order; each without duplicates, as many in both when from is given */
  char **from;
  char **to;
  /* create_event (event_id: the new event's id; name: its name); the times as sent (ISO 8601)
   * and as read (Unix ms, in time_zone when they give no offset; 0 when absent) */
  char *time_zone; /* an IANA name (sb-event-time.h), or NULL */
  char *starts_at;
  char *sales_open;
  char *sales_close;
  gint64 starts_at_ms;
  gint64 sales_open_ms;
  gint64 sales_close_ms;
  char *orphan_rule; /* "off", "warn" or "enforce"; NULL: off */
  char *venue_id;    /* the id of a venue in the store, or NULL */
  char *venue_text;  /* a venue document (the file's text), or NULL: exactly one of the two */
} SbRequest;

const char *sb_request_type_to_string (SbRequestType type);

/* The role table of protocol version 2 (docs/protocol.md, "Identity, accounts and idempotency"):
 * FALSE for the requests allowed before sign-in (hello, sign_in, ping), else TRUE with
 * *out_role the least role that may send @type. */
gboolean sb_request_type_required_role (SbRequestType type, SbRole *out_role);
/* The same for one request: its type's role, or manager when it overrides the orphan rule. */
gboolean sb_request_required_role (const SbRequest *request, SbRole *out_role);

/* Parses and validates one text frame. On failure returns NULL with an SB_PROTOCOL_ERROR
 * (SB_ERROR_INVALID_REQUEST) error whose message says what is wrong, and sets *out_request_id
 * (if not NULL) to the frame's "id" where one could be read, so the error reply can echo it. */
G_GNUC_WARN_UNUSED_RESULT
SbRequest *sb_request_parse (const char *text, gsize length, char **out_request_id, GError **error);

/* Serializes a request as one compact JSON object (fields that are unset are left out). */
char *sb_request_to_json (const SbRequest *request);

SbRequest *sb_request_new (SbRequestType type, const char *id);
void sb_request_free (SbRequest *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbRequest, sb_request_free)

G_END_DECLS
