/* sb-op.h: one state-changing operation on an event (hold, extend, release, book, expire) as the
 * store executes it, and the committed change it produces. Plain structs: an SbOp is filled in on
 * the main thread, executed on the store's worker thread, and read back on the main thread. */
#pragma once

#include <glib.h>

#include "sb-customer.h"
#include "sb-protocol.h"

G_BEGIN_DECLS

/* The placeholder account of holds and bookings made without one: before accounts existed, or
 * with accounts=off (docs/operations.md). It cannot sign in. */
#define SB_LEGACY_ACCOUNT "legacy"

typedef enum
{
  SB_OP_HOLD,      /* in: event_id, client_id, request_id, seat_ids, ttl_ms */
  SB_OP_EXTEND,    /* in: event_id, client_id, request_id, hold_id, ttl_ms */
  SB_OP_RELEASE,   /* in: event_id, client_id, request_id, hold_id, seat_ids (NULL: the whole
                      hold; else some of its seats, judged by the orphan rule) */
  SB_OP_BOOK,      /* in: event_id, client_id, request_id, and hold_id or seat_ids */
  SB_OP_EXPIRE,    /* in: event_id; ends every hold of the event with expires_at_ms <= now_ms,
                      one version per hold */
  SB_OP_HOLD_BEST, /* in: event_id, client_id, request_id, best, ttl_ms; a hold of the seats the
                      best-available search chose (sb-best-available.h) */
  SB_OP_CANCEL,    /* in: event_id, client_id, request_id, booking_id, seat_ids (NULL: every seat
                      the booking still has), refund, reason */
  SB_OP_BLOCK,     /* in: event_id, client_id, request_id, seat_ids (each free), reason */
  SB_OP_UNBLOCK,   /* in: event_id, client_id, request_id, seat_ids (each blocked), reason */
  SB_OP_MOVE,      /* in: event_id, client_id, request_id, booking_id, seat_ids (the booking's
                      seats that move; NULL: all it has), move_to (paired in order) */
} SbOpKind;

/* What a cancellation gives back (docs/protocol.md, "cancel"). */
typedef struct
{
  SbRefundKind kind;
  gint64 amount; /* minor units: the amount asked for (partial), or refunded (in an outcome) */
} SbRefund;

/* What hold_best asks for (docs/protocol.md, "hold_best"). */
typedef struct
{
  guint count;
  char **categories; /* category ids; NULL: any */
  gint64 max_price;  /* -1: no limit */
  gboolean apart;    /* FALSE: side by side */
} SbBestRequest;

typedef struct
{
  char *seat_id;
  SbSeatState state; /* the seat's new state: FREE, HELD or BOOKED */
  char *hold_id;     /* when HELD */
} SbSeatChange;

typedef struct
{
  char *hold_id;
  char *event_id;
  char *client_id; /* the desk that made it */
  char *account;   /* the account it belongs to; "legacy" for a hold made without one, NULL when
                      the record does not say (a change logged before holds had accounts) */
  char **seat_ids;
  gint64 expires_at_ms; /* unix time, milliseconds */
} SbHoldRecord;

/* One committed version of one event. Versions of an event go up by exactly one per change. */
typedef struct
{
  char *event_id;
  gint64 version;
  GPtrArray *seats;   /* SbSeatChange, element-free set */
  GPtrArray *holds;   /* SbHoldRecord created or extended by this change, element-free set */
  char **ended_holds; /* ids of holds that ended (booked, released, expired); may be NULL */
  gint64 committed_at_ms;
} SbChange;

typedef struct
{
  /* Input */
  SbOpKind kind;
  char *event_id;
  char *client_id;      /* NULL for expire; the desk */
  char *account;        /* the signed-in account, NULL when accounts are off: a hold then belongs
                           to its desk, and what the op writes is recorded as SB_LEGACY_ACCOUNT */
  char *request_id;     /* NULL for expire; (client_id, request_id) is the idempotency key */
  char **seat_ids;      /* hold, book by seats, cancel, block, unblock; release: the seats of the
                           hold to give back (NULL: all) */
  char *hold_id;        /* extend, release, book by hold */
  gint64 ttl_ms;        /* hold, extend, hold_best */
  SbBestRequest best;   /* hold_best */
  gint64 now_ms;        /* the clock the op runs at: expiry is judged against it */
  SbCustomer *customer; /* book: the customer it is for, or NULL */
  char *booking_id;     /* cancel */
  SbRefund refund;      /* cancel */
  char *reason;         /* cancel, block, unblock: why, for the record */
  char **move_to;       /* move: where seat_ids[i] goes */
  /* hold, book by seats, hold_best, move, release of some seats: done even where the orphan rule
   * (enforce) would refuse it; the caller has checked that the account may (a manager's) */
  gboolean override_orphan_rule;

  /* Outcome, filled in by the store */
  SbErrorCode error;             /* SB_ERROR_NONE on success */
  char *error_message;           /* human text when error != NONE */
  char **conflicting_seats;      /* SEAT_UNAVAILABLE: the seats that were not free */
  char *result_hold_id;          /* hold, extend, release, book by hold */
  char *result_booking_id;       /* book */
  char **result_seat_ids;        /* the seats the op acted on (book by hold: the hold's seats) */
  gint64 result_expires_at_ms;   /* hold, extend */
  gboolean replayed;             /* the outcome is the stored outcome of an earlier request */
  gint64 result_available;       /* NOT_ENOUGH_SEATS: how many seats could be had */
  char *result_lone_seat;        /* the seat the op leaves alone (orphan rule "warn", or
                                    "enforce" overridden), or NULL */
  gboolean result_overrode;      /* the orphan rule would have refused the op but for its
                                    override_orphan_rule: the audit entry says so */
  SbCustomer *result_customer;   /* book: the customer stored with the booking, or NULL */
  SbRefund result_refund;        /* cancel: what was refunded */
  char **result_remaining_seats; /* cancel: the seats the booking keeps (empty: all cancelled);
                                    release naming seats: the seats the hold keeps (empty: it
                                    ended); NULL for a release of the whole hold */
  char **result_moved_from;      /* move: the seats that moved, and where (paired in order); */
  char **result_moved_to;        /* result_seat_ids: every seat the booking has after it */
  gint64 result_total_before;    /* move: what the booking's seats cost before and after, minor */
  gint64 result_total_after;     /* units of the venue's currency */
  SbChange *change;              /* what the op committed; NULL when it changed nothing */
  /* Expire ending several holds (one version each): the SbChanges before change, in version
   * order; NULL otherwise. */
  GPtrArray *earlier_changes;

  /* For the caller; the store never touches these */
  gpointer user_data;
  gint64 queued_at_us;    /* g_get_monotonic_time () when submitted to the store worker */
  gint64 committed_at_us; /* g_get_monotonic_time () when its transaction committed */
} SbOp;

SbOp *
sb_op_new (SbOpKind kind, const char *event_id, const char *client_id, const char *request_id);
void sb_op_free (SbOp *op);
const char *sb_op_kind_to_string (SbOpKind kind);

/* Resets every outcome field (error, results, replayed, change) so the op can be run again, e.g.
 * when a batch is retried after a backend failure. Input fields are kept. */
void sb_op_clear_outcome (SbOp *op);

/* Records the op's outcome as an error. */
void sb_op_set_error (SbOp *op, SbErrorCode code, const char *format, ...) G_GNUC_PRINTF (3, 4);

/* The outcome of an op as stored with its idempotency record, and read back: every backend uses
 * these so that a replayed request answers exactly as the first time. */
char *sb_op_outcome_to_json (const SbOp *op);
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_op_outcome_from_json (SbOp *op, const char *json, GError **error);
/* Whose request a stored outcome answers: *out_account is the account it was recorded under
 * (SB_LEGACY_ACCOUNT for a request made with accounts off), or NULL for an outcome stored before
 * outcomes named their account. Idempotency is per desk, and several accounts may sign in at one
 * desk: the store replays an outcome only to its own account. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_op_outcome_read_account (const char *json, char **out_account, GError **error);

SbSeatChange *sb_seat_change_new (const char *seat_id, SbSeatState state, const char *hold_id);
void sb_seat_change_free (SbSeatChange *change);

SbHoldRecord *sb_hold_record_new (const char *hold_id,
                                  const char *event_id,
                                  const char *client_id,
                                  const char *const *seat_ids,
                                  gint64 expires_at_ms);
/* The same with its account set. */
SbHoldRecord *sb_hold_record_new_owned (const char *hold_id,
                                        const char *event_id,
                                        const char *client_id,
                                        const char *account,
                                        const char *const *seat_ids,
                                        gint64 expires_at_ms);
SbHoldRecord *sb_hold_record_copy (const SbHoldRecord *hold);
void sb_hold_record_free (SbHoldRecord *hold);

SbChange *sb_change_new (const char *event_id, gint64 version);
/* A deep copy, e.g. to hand a change from the store's thread to another. */
SbChange *sb_change_copy (const SbChange *change);
void sb_change_free (SbChange *change);

/* Change log encoding, identical for every backend. */
char *sb_change_to_json (const SbChange *change);
G_GNUC_WARN_UNUSED_RESULT
SbChange *sb_change_from_json (const char *json, GError **error);

/* New random identifiers: "h_" + 16 base32 characters for holds; 8 characters of an unambiguous
 * upper-case alphabet for bookings ("B7K3QX9M": a reference a customer can read over the phone;
 * the store enforces uniqueness and draws again on a collision). */
char *sb_new_hold_id (void);
char *sb_new_booking_id (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbOp, sb_op_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbChange, sb_change_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbHoldRecord, sb_hold_record_free)

G_END_DECLS
