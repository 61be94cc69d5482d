/* sb-store-rules-move-private.h: the move op of the booking rules (docs/protocol.md, "move →
 * moved"), kept apart from sb-store-rules.c, which runs it like every other op. Private to
 * server/store/. */
#pragma once

#include "sb-store-backend-private.h"

G_BEGIN_DECLS

/* Checks and writes a move inside the op's transaction: on success op->change frees the seats
 * the booking gives up and books the ones it gets (the event's next version), and the results
 * are filled in; a refusal is the op's error, and nothing is written. FALSE only for a backend
 * failure. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_rules_move (
    const SbStoreBackendFuncs *funcs, gpointer backend, SbOp *op, gint64 now_ms, GError **error);

G_END_DECLS
