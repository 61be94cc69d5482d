/* sb-store-rules-release-private.h: a release that names seats (docs/protocol.md, "release"): the
 * clerk gives back some seats of a hold and keeps the others. Kept apart from sb-store-rules.c,
 * which checks the hold (step_hold: it exists, is the op's, is active) and then hands the op
 * here. Private to server/store/. */
#pragma once

#include "sb-store-backend-private.h"

G_BEGIN_DECLS

/* Checks and writes the release of op->seat_ids from hold (read in this transaction, active and
 * the op's) inside the op's transaction; version is the event's before the op. On success
 * op->change frees the seats (the event's next version) and announces the hold with the seats it
 * keeps, or ends it when none are left; the results are filled in. A refusal is the op's error.
 * FALSE only for a backend failure. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_rules_release_seats (const SbStoreBackendFuncs *funcs,
                                       gpointer backend,
                                       SbOp *op,
                                       const SbStoredHold *hold,
                                       gint64 version,
                                       GError **error);

G_END_DECLS
