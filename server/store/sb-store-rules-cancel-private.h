/* sb-store-rules-cancel-private.h: the cancel op of the booking rules (docs/protocol.md,
 * "cancel"), kept apart from sb-store-rules.c, which runs it like every other op. Private to
 * server/store/. */
#pragma once

#include "sb-store-backend-private.h"

G_BEGIN_DECLS

/* Checks and writes a cancellation inside the op's transaction: on success op->change frees the
 * seats (the event's next version) and the results are filled in; a refusal is the op's error.
 * FALSE only for a backend failure. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_rules_cancel (
    const SbStoreBackendFuncs *funcs, gpointer backend, SbOp *op, gint64 now_ms, GError **error);

G_END_DECLS
