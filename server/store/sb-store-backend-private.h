/* sb-store-backend-private.h: what a store backend implements so that the booking rules
 * (sb-store-rules.c) can run on its storage. Private to server/store/.
 *
 * The rules own every step of an op — which checks run in which order, what refuses the op, which
 * writes follow, what the change and the outcome say, the idempotency record and the version bump
 * — and reach the storage only through these primitives, as g_input_stream_read () checks its
 * arguments and then calls the class's read_fn. A backend therefore decides only how a primitive
 * reads or writes its storage and where its transactions begin and end: a new backend implements
 * these and gets the same behaviour as the others.
 *
 * Every primitive returns FALSE only for a backend failure (the batch is abandoned and the
 * backend's transaction undone); then error is set, or the backend keeps its own error (the
 * MongoDB store reports through its transaction's bson_error_t, which drives its retries). */
#pragma once

#include <glib.h>

#include "sb-audit-record.h"
#include "sb-occupancy-cache-private.h"
#include "sb-op.h"
#include "sb-orphan-rule.h"
#include "sb-venue.h"

G_BEGIN_DECLS

/* A hold as the backend has stored it. */
typedef struct
{
  char *hold_id;
  char *event_id;
  char *client_id; /* the desk that made it */
  char *account;   /* the account it belongs to (SB_LEGACY_ACCOUNT when made without one) */
  char *status;    /* "active", "released", "booked" or "expired" */
  char **seat_ids; /* the seats it holds, sorted by seat id; empty once it has ended */
  gint64 expires_at_ms;
} SbStoredHold;

SbStoredHold *sb_stored_hold_new (const char *hold_id,
                                  const char *event_id,
                                  const char *client_id,
                                  const char *account,
                                  const char *status,
                                  char **seat_ids,
                                  gint64 expires_at_ms);
void sb_stored_hold_free (SbStoredHold *hold);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbStoredHold, sb_stored_hold_free)

/* A booking as the backend has stored it. */
typedef struct
{
  char *booking_id;
  char *event_id;
  char *client_id; /* the desk that made it */
  char *account;
  char *status;    /* "active", or "cancelled" once it has no seats left */
  char **seat_ids; /* the seats it still has (not cancelled), sorted by seat id */
} SbStoredBooking;

SbStoredBooking *sb_stored_booking_new (const char *booking_id,
                                        const char *event_id,
                                        const char *client_id,
                                        const char *account,
                                        const char *status,
                                        char **seat_ids);
void sb_stored_booking_free (SbStoredBooking *booking);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbStoredBooking, sb_stored_booking_free)

/* A cancellation (docs/protocol.md, "cancel") as the rules hand it to the backend. */
typedef struct
{
  const char *event_id;
  const char *booking_id;
  const char *const *seat_ids;   /* the seats cancelled: booked by the booking, now free */
  const char *const *seats_left; /* the seats the booking keeps; empty: it is cancelled */
  SbRefund refund;               /* what was refunded (amount in minor units) */
  const char *reason;
  const char *account; /* who cancelled (SB_LEGACY_ACCOUNT with accounts off) */
  const char *desk;
  gint64 at_ms;
} SbCancellation;

/* A move (docs/protocol.md, "move") as the rules hand it to the backend: the seats it frees and
 * those it takes, which are disjoint (a seat both moved from and to stays booked by the booking).
 */
typedef struct
{
  const char *event_id;
  const char *booking_id;
  const char *const *freed;       /* booked by the booking, as the rules read them; now free */
  const char *const *taken;       /* free, or held by held_by[i] (the op's own hold); now booked */
  const char *const *held_by;     /* one per taken seat: its hold, or NULL when it was free */
  const char *const *seats_after; /* every seat the booking has after the move, sorted */
} SbMove;

/* Whether op may act on hold: the account's holds from any desk (protocol 2); with accounts off
 * (op->account NULL) the desk's, as in protocol 1. */
gboolean sb_stored_hold_is_ops (const SbOp *op, const SbStoredHold *hold);
/* The account what op writes is recorded under: its own, or SB_LEGACY_ACCOUNT without one. */
const char *sb_op_recorded_account (const SbOp *op);

typedef struct
{
  /* Optional: brackets each op that gets past its idempotency lookup, so that whatever a refused
   * op wrote can be undone (undo_op, then end_op) while the rest of the batch stays. A backend
   * without them must not write before the rules have stopped refusing, which the rules ensure
   * unless a primitive reports a refused seat after writing. */
  gboolean (*begin_op) (gpointer backend, GError **error);
  gboolean (*undo_op) (gpointer backend, GError **error);
  gboolean (*end_op) (gpointer backend, GError **error);

  /* Idempotency: *out_found is FALSE when (client_id, request_id) has no record; *out_outcome
   * (may be NULL for a damaged record) is the outcome stored by record_outcome. */
  gboolean (*lookup_outcome) (gpointer backend,
                              const char *client_id,
                              const char *request_id,
                              gboolean *out_found,
                              char **out_outcome,
                              GError **error);
  gboolean (*record_outcome) (gpointer backend,
                              const char *client_id,
                              const char *request_id,
                              const char *outcome_json,
                              GError **error);

  /* The event's version as this batch has left it; *out_found = FALSE for an unknown event. */
  gboolean (*read_event) (gpointer backend,
                          const char *event_id,
                          gboolean *out_found,
                          gint64 *out_version,
                          GError **error);
  /* The venue of an existing event, owned by the backend (events never change their venue). */
  SbVenue *(*get_venue) (gpointer backend, const char *event_id, GError **error);
  /* Makes change the event's next version: moves the version from change->version - 1 to
   * change->version (failing when it is no longer change->version - 1) and appends json (the
   * change's encoding) to the change log. */
  gboolean (*append_change) (gpointer backend,
                             const SbChange *change,
                             const char *json,
                             GError **error);

  /* Adds to out one entry per seat of seat_ids, in order: NULL when the seat is free, otherwise an
   * SbSeatChange with its state (and hold when held). */
  gboolean (*read_seats) (gpointer backend,
                          const char *event_id,
                          const char *const *seat_ids,
                          GPtrArray *out,
                          GError **error);
  /* Sets taken[i] to 1 for every seat i of venue (the event's) that is not free: the whole
   * occupancy of the event in one read, for hold_best. */
  gboolean (*read_taken_seats) (
      gpointer backend, const char *event_id, SbVenue *venue, guint8 *taken, GError **error);
  /* The orphan rule the event was created with (SB_ORPHAN_RULE_OFF for an event stored before
   * rules existed). Optional: a backend without it has every rule off. */
  gboolean (*read_orphan_rule) (gpointer backend,
                                const char *event_id,
                                SbOrphanRule *out_rule,
                                GError **error);
  /* *out_hold = NULL when there is no such hold. */
  gboolean (*read_hold) (gpointer backend,
                         const char *hold_id,
                         SbStoredHold **out_hold,
                         GError **error);
  /* The event's active holds with expires_at_ms <= now_ms, by expiry, then id. */
  gboolean (*find_expired_holds) (
      gpointer backend, const char *event_id, gint64 now_ms, GPtrArray *out_holds, GError **error);

  /* Inserts an active hold. *out_taken: hold_id exists already (the rules draw another). */
  gboolean (*insert_hold) (gpointer backend,
                           const SbStoredHold *hold,
                           gint64 now_ms,
                           gboolean *out_taken,
                           GError **error);
  gboolean (*extend_hold) (gpointer backend,
                           const char *hold_id,
                           gint64 expires_at_ms,
                           GError **error);
  /* The hold that booked some of its seats keeps the others (optional: a backend that derives a
   * hold's seats from the seat states has nothing to write). */
  gboolean (*set_hold_seats) (gpointer backend,
                              const char *hold_id,
                              const char *const *seat_ids,
                              GError **error);
  /* An active hold ends with status ("released", "booked", "expired"). */
  gboolean (*end_hold) (gpointer backend, const char *hold_id, const char *status, GError **error);
  /* *out_taken: booking_id exists already (the rules draw another). hold_id may be NULL. client_id
   * is the desk, account the account (SB_LEGACY_ACCOUNT when accounts are off). customer (or NULL)
   * is stored with the booking, with its search keys (sb-customer.h), in the same transaction. */
  gboolean (*insert_booking) (gpointer backend,
                              const char *booking_id,
                              const char *event_id,
                              const char *client_id,
                              const char *account,
                              const char *hold_id,
                              const char *const *seat_ids,
                              const SbCustomer *customer,
                              gint64 now_ms,
                              gboolean *out_taken,
                              GError **error);

  /* Seat writes. The rules have read the seats as free (or held by the hold named): a backend whose
   * storage still refuses a seat may report it in *out_refused_seat, and the op is refused with
   * that seat and undone (which needs undo_op). */
  gboolean (*hold_seats) (gpointer backend,
                          const char *event_id,
                          const char *const *seat_ids,
                          const char *hold_id,
                          char **out_refused_seat,
                          GError **error);
  /* The held seats of hold_id become free. */
  gboolean (*free_hold_seats) (gpointer backend,
                               const char *event_id,
                               const char *hold_id,
                               GError **error);
  /* Some seats of hold_id (each held by it, as the rules read them) become free; the hold keeps
   * its other seats (the rules write its list with set_hold_seats where a backend keeps one). A
   * backend that can tell fails the batch when a seat is not held by hold_id: storage and rules
   * disagree. */
  gboolean (*free_held_seats) (gpointer backend,
                               const char *event_id,
                               const char *hold_id,
                               const char *const *seat_ids,
                               GError **error);
  /* The seats (all held by hold_id) become booked by booking_id. */
  gboolean (*book_hold_seats) (gpointer backend,
                               const char *event_id,
                               const char *hold_id,
                               const char *const *seat_ids,
                               const char *booking_id,
                               char **out_refused_seat,
                               GError **error);
  /* Seat i becomes booked by booking_id; held_by[i] is the hold holding it, or NULL when free. */
  gboolean (*book_seats) (gpointer backend,
                          const char *event_id,
                          const char *const *seat_ids,
                          const char *const *held_by,
                          const char *booking_id,
                          char **out_refused_seat,
                          GError **error);

  /* *out_booking = NULL when there is no such booking. */
  gboolean (*read_booking) (gpointer backend,
                            const char *booking_id,
                            SbStoredBooking **out_booking,
                            GError **error);
  /* The seats of the cancellation (all booked by its booking, as the rules read them) become
   * free, the booking keeps seats_left (and is "cancelled" when none are left), and the
   * cancellation (refund, reason, who, when) is recorded with the booking. */
  gboolean (*cancel_booking_seats) (gpointer backend,
                                    const SbCancellation *cancellation,
                                    GError **error);

  /* The booking gives up the move's freed seats (they become free) and gets its taken seats (booked
   * by it, as book_seats books them), keeping its reference; *out_refused_seat as for
   * book_seats. */
  gboolean (*move_booking_seats) (gpointer backend,
                                  const SbMove *move,
                                  char **out_refused_seat,
                                  GError **error);

  /* The seats (free, as the rules read them, or freed by free_held_seats in this op) become
   * blocked. */
  gboolean (*block_seats) (gpointer backend,
                           const char *event_id,
                           const char *const *seat_ids,
                           GError **error);
  /* The seats (blocked by an earlier block, as the rules read them) become free. */
  gboolean (*unblock_seats) (gpointer backend,
                             const char *event_id,
                             const char *const *seat_ids,
                             GError **error);

  /* Appends one entry to the audit trail, in the op's transaction: it is undone with the op. */
  gboolean (*append_audit) (gpointer backend, const SbAuditRecord *entry, GError **error);

  /* Optional: TRUE when an earlier attempt of this batch saw the storage refuse the seats that op
   * reads as free (another process took them and let them go in between); the rules then refuse
   * those seats rather than let the batch loop. */
  gboolean (*seats_refused_before) (gpointer backend, const SbOp *op);

  /* Optional: the backend's cache of events' occupancy by version (sb-occupancy-cache-private.h),
   * which spares hold_best the read of every seat state when the event's version has not moved
   * since this thread last read or wrote it. The rules fill it and move it on with every change
   * they append; the backend keeps a batch's entries only once the batch has committed
   * (sb_occupancy_cache_keep_batch) and discards them when it fails or runs again. */
  SbOccupancyCache *(*occupancy_cache) (gpointer backend);

  /* Optional: the event's sales window as this batch sees it (0: no bound); a backend without it
   * sells at any time. */
  gboolean (*read_sales) (gpointer backend,
                          const char *event_id,
                          gint64 *out_open_ms,
                          gint64 *out_close_ms,
                          GError **error);
} SbStoreBackendFuncs;

G_END_DECLS
