/* sb-store-rules-block-private.h: the block and unblock ops of the booking rules
 * (docs/protocol.md, "block → blocked, unblock → unblocked"), run by sb-store-rules.c like every
 * other op. Private to server/store/. */
#pragma once

#include "sb-store-backend-private.h"

G_BEGIN_DECLS

/* Checks and writes a block (op->kind SB_OP_BLOCK) or an unblock (SB_OP_UNBLOCK) inside the op's
 * transaction, at now_ms (which of the op's own holds still run): on success op->change is the
 * event's next version; a refusal is the op's error. FALSE only for a backend failure. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_rules_block (
    const SbStoreBackendFuncs *funcs, gpointer backend, SbOp *op, gint64 now_ms, GError **error);

G_END_DECLS
