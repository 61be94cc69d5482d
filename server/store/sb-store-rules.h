/* sb-store-rules.h: what an op means, independent of the backend. Every store backend reads and
 * writes its own storage, and calls these for the checks, refusals, outcomes and changes that must
 * be the same whatever the storage is, so that a client cannot tell one backend from another.
 *
 * The checks return TRUE when the op may go on; otherwise they have refused it with
 * sb_op_set_error () and the backend returns without writing anything. */
#pragma once

#include <glib.h>

#include "sb-op.h"
#include "sb-store.h"
#include "sb-venue.h"

G_BEGIN_DECLS

/* One backend's implementation of each kind of op. Each returns FALSE only for a backend failure
 * (the batch is abandoned); a refused op gets its error on the op and the function returns TRUE. */
typedef gboolean (*SbStoreOpFunc) (gpointer backend, SbOp *op, gint64 now_ms, GError **error);

typedef struct
{
  SbStoreOpFunc hold;
  SbStoreOpFunc extend;
  SbStoreOpFunc release;
  SbStoreOpFunc book_hold;
  SbStoreOpFunc book_seats;
  SbStoreOpFunc expire;
} SbStoreOpFuncs;

/* TRUE when the op carries an idempotency key: its outcome is looked up before and stored after. */
gboolean sb_store_rules_is_keyed (const SbOp *op);
/* The clock the op runs at: its own now_ms, or the real time when it has none. */
gint64 sb_store_rules_now_ms (const SbOp *op);

/* Refuses what no kind of op accepts (no client, an unknown kind, a booking naming both or neither
 * a hold and seats), then runs the kind's function. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_rules_run (
    const SbStoreOpFuncs *funcs, gpointer backend, SbOp *op, gint64 now_ms, GError **error);

/* Gives the op the stored outcome of its earlier run (outcome_json may be NULL when the record has
 * none): a damaged record refuses the op rather than let it run a second time. */
void sb_store_rules_replay (SbOp *op, const char *outcome_json);

gboolean sb_store_rules_require_event (SbOp *op);
gboolean sb_store_rules_check_event_found (SbOp *op, gboolean found);
gboolean sb_store_rules_require_seats (SbOp *op);
/* The op's seats are distinct and all in the venue. */
gboolean sb_store_rules_check_seats_in_venue (SbOp *op, SbVenue *venue);
gboolean sb_store_rules_check_ttl (SbOp *op);
gboolean sb_store_rules_require_hold (SbOp *op);

/* A hold as the backend has stored it. */
typedef struct
{
  const char *event_id;
  const char *client_id;
  const char *status; /* "active", "released", "booked" or "expired" */
  gint64 expires_at_ms;
} SbStoredHold;

/* The checks shared by extend, release and book by hold: the hold exists (hold is NULL when it
 * does not), is in the op's event if one was given, belongs to the op's client, is active and has
 * not expired at now_ms. Fills in op->event_id from the hold when the op had none. */
gboolean sb_store_rules_check_hold (SbOp *op, const SbStoredHold *hold, gint64 now_ms);

/* Refuses the op because these seats are not available. Takes seats. */
void sb_store_rules_refuse_seats (SbOp *op, char **seats);
/* Refuses the op when conflicts (the seats found not free) has any seat. TRUE when it did. */
gboolean sb_store_rules_refuse_conflicts (SbOp *op, GStrvBuilder *conflicts);

/* Outcomes. Each builds the op's change (version is the event's version before the op) and
 * fills in its results; the pointer arguments are taken. */
void sb_store_rules_held (SbOp *op, gint64 version, char *hold_id, gint64 expires_at_ms);
void sb_store_rules_extended (SbOp *op, gint64 version, char **seats, gint64 expires_at_ms);
/* A hold ended (release, expire): its seats become free in change and are added to freed. */
void sb_store_rules_hold_freed (SbChange *change, const char *const *seats, GStrvBuilder *freed);
void sb_store_rules_released (SbOp *op, SbChange *change, GStrvBuilder *freed);
void sb_store_rules_booked_hold (SbOp *op, gint64 version, char **seats, char *booking_id);
/* Book by seats: change is the one from sb_store_rules_new_booked_change (); ended lists the holds
 * that gave up their last seat. */
SbChange *sb_store_rules_new_booked_change (SbOp *op, gint64 version, const char *const *seats);
void
sb_store_rules_booked_seats (SbOp *op, SbChange *change, GStrvBuilder *ended, char *booking_id);
void sb_store_rules_expired (SbOp *op, SbChange *change, char **ended, GStrvBuilder *freed);

/* The error of load_event and changes_since for an unknown event. */
void sb_store_rules_set_event_not_found (GError **error, const char *event_id);

/* changes_since: the event exists and since_version is within [0, version]. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_rules_check_since (
    const char *event_id, gboolean found, gint64 version, gint64 since_version, GError **error);
/* Appends the next change of the log to changes; refuses a gap (the log was pruned past
 * since_version) and an unreadable entry. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_rules_add_logged_change (GPtrArray *changes,
                                           const char *event_id,
                                           gint64 since_version,
                                           gint64 row_version,
                                           const char *json,
                                           GError **error);
/* The changes read reach the event's version. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_rules_check_log_complete (
    GPtrArray *changes, const char *event_id, gint64 since_version, gint64 version, GError **error);

/* Parses an event's venue document (as stored with the event). */
G_GNUC_WARN_UNUSED_RESULT
SbVenue *
sb_store_rules_parse_venue (const char *event_id, const char *json, gssize length, GError **error);

/* An empty event state at version, for load_event to fill. */
SbEventState *sb_store_rules_new_event_state (gint64 version);

G_END_DECLS
