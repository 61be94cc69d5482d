/* sb-store-rules.h: what an op means, whatever the backend. The rules run every op from start to
 * end and reach the storage only through the backend's primitives (sb-store-backend-private.h),
 * so that a client cannot tell one backend from another; the change log and event helpers here
 * keep the other methods of SbStore alike too. */
#pragma once

#include <glib.h>

#include "sb-op.h"
#include "sb-store-backend-private.h"
#include "sb-store.h"
#include "sb-venue.h"

G_BEGIN_DECLS

/* Runs one op of a batch on backend, inside the transaction the backend has open: answers a
 * request seen before from its idempotency record, otherwise checks the op, refuses it or writes
 * it through the backend's primitives, commits its change as the event's next version and records
 * its outcome. Returns FALSE only for a backend failure (the batch is abandoned); a refused op
 * gets its error on the op, writes nothing and the function returns TRUE. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_rules_apply_op (const SbStoreBackendFuncs *funcs,
                                  gpointer backend,
                                  SbOp *op,
                                  GError **error);

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
