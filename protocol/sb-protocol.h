/* sb-protocol.h: constants and enumerations of the Seatbook protocol, shared by server, app and
 * bench. docs/protocol.md is the contract; keep the two in step. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The version the server speaks (welcome.protocol) and the oldest a hello may name. Version 2
 * adds accounts (docs/protocol.md); a version 1 client still gets its welcome. */
#define SB_PROTOCOL_VERSION 2
#define SB_PROTOCOL_MIN_VERSION 1
#define SB_PROTOCOL_ACCOUNTS_VERSION 2
#define SB_WEBSOCKET_PATH "/ws"

/* Limits a server enforces by default (docs/protocol.md, "Limits"). */
#define SB_MAX_FRAME_BYTES (64 * 1024)
#define SB_MAX_SEATS_PER_REQUEST 50
#define SB_MAX_CATEGORIES_PER_REQUEST 16 /* hold_best */
#define SB_MAX_REQUEST_ID_LENGTH 128
#define SB_MAX_CLIENT_ID_LENGTH 128
#define SB_DEFAULT_HOLD_TTL_SECONDS 600
#define SB_MAX_HOLD_TTL_SECONDS 7200
#define SB_MIN_HOLD_TTL_SECONDS 1
#define SB_MAX_USERNAME_LENGTH 64
#define SB_MAX_PASSWORD_LENGTH 1024
#define SB_MAX_TOKEN_LENGTH 128
#define SB_DEFAULT_AUDIT_LIMIT 200
#define SB_MAX_AUDIT_LIMIT 1000
#define SB_MAX_FIND_LIMIT 100 /* find_bookings */
#define SB_DEFAULT_FIND_LIMIT 50
#define SB_MAX_CANCEL_REASON_LENGTH 500 /* cancel's "reason", in characters */

/* WebSocket close codes beyond RFC 6455 (4000-4999 are for applications). */
#define SB_CLOSE_GOING_AWAY 1001     /* server shutting down: reconnect later */
#define SB_CLOSE_TOO_SLOW 4001       /* outgoing queue overflowed: resume with `since` */
#define SB_CLOSE_PROTOCOL_ERROR 4002 /* e.g. a request before hello, binary frame */

typedef enum
{
  SB_SEAT_FREE,
  SB_SEAT_HELD,
  SB_SEAT_BOOKED,
  SB_SEAT_BLOCKED,
} SbSeatState;

/* Stable machine codes of error replies. */
typedef enum
{
  SB_ERROR_NONE = 0,
  SB_ERROR_SEAT_UNAVAILABLE,
  SB_ERROR_HOLD_EXPIRED,
  SB_ERROR_NOT_FOUND,
  SB_ERROR_INVALID_REQUEST,
  SB_ERROR_RATE_LIMITED,
  SB_ERROR_FORBIDDEN,
  SB_ERROR_UNAVAILABLE, /* the server cannot serve now (shutting down, store failing) */
  SB_ERROR_INTERNAL,
  SB_ERROR_NOT_ENOUGH_SEATS, /* hold_best: no set of seats fits; says how many could be had */
  SB_ERROR_LONE_SEAT,        /* the orphan rule (enforce) refused: names the seat left alone */
  SB_ERROR_UNAUTHENTICATED,  /* not signed in, sign-in failed, or the session ended (v2) */
  SB_ERROR_SALES_NOT_OPEN,   /* hold, hold_best, book before the event's sales open */
  SB_ERROR_SALES_CLOSED,     /* hold, hold_best, book after the event's sales closed */
  SB_ERROR_EXISTS,           /* create_event: the id is taken */
} SbErrorCode;

/* Account roles (v2), each allowed what the one before it is. Ordered: compare with >=. */
typedef enum
{
  SB_ROLE_VIEWER,
  SB_ROLE_CLERK,
  SB_ROLE_MANAGER,
  SB_ROLE_ADMIN,
} SbRole;

/* The "reason" of an `unauthenticated` error (v2). */
typedef enum
{
  SB_AUTH_REQUIRED,        /* not signed in yet */
  SB_AUTH_BAD_CREDENTIALS, /* unknown user, wrong password or unknown token */
  SB_AUTH_LOCKED,          /* too many failures: retry_after_ms */
  SB_AUTH_EXPIRED,         /* the token's lifetime is over */
  SB_AUTH_REVOKED,         /* signed out, password or role changed */
  SB_AUTH_DISABLED,        /* the account is disabled */
} SbAuthReason;

/* Now in Unix milliseconds, the unit of the protocol's times (expires_at, server_time): the one
 * "now in ms" of the project. The wall clock as it was at the first call, advanced by the
 * monotonic clock since: a process never sees the wall clock jump. */
gint64 sb_now_ms (void);

const char *sb_seat_state_to_string (SbSeatState state);
gboolean sb_seat_state_from_string (const char *string, SbSeatState *out_state);

const char *sb_error_code_to_string (SbErrorCode code);
gboolean sb_error_code_from_string (const char *string, SbErrorCode *out_code);

const char *sb_role_to_string (SbRole role);
gboolean sb_role_from_string (const char *string, SbRole *out_role);

/* The refund a cancellation records (docs/protocol.md, "cancel"). */
typedef enum
{
  SB_REFUND_NONE,
  SB_REFUND_FULL,    /* what the cancelled seats cost */
  SB_REFUND_PARTIAL, /* an amount in minor units, at most what the cancelled seats cost */
} SbRefundKind;

const char *sb_refund_kind_to_string (SbRefundKind kind);
gboolean sb_refund_kind_from_string (const char *string, SbRefundKind *out_kind);

const char *sb_auth_reason_to_string (SbAuthReason reason);
gboolean sb_auth_reason_from_string (const char *string, SbAuthReason *out_reason);

/* A GError domain whose codes are SbErrorCode, so a failure carries its protocol code. */
#define SB_PROTOCOL_ERROR (sb_protocol_error_quark ())
GQuark sb_protocol_error_quark (void);

G_END_DECLS
