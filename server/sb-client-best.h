/* sb-client-best.h: what SbClient does with a hold_best request before the store runs it
 * (docs/protocol.md, "hold_best"): the checks memory can answer, and the op. Private to server/. */
#pragma once

#include "sb-live-event.h"
#include "sb-op.h"
#include "sb-request.h"

G_BEGIN_DECLS

/* NULL when every category the request names is one of the event's venue; otherwise the error
 * message for the client (invalid_request), to be freed. */
char *sb_client_best_check (SbLiveEvent *event, const SbRequest *request);

/* Copies what hold_best asks for into the op (SbOp.best). */
void sb_client_best_fill_op (SbOp *op, const SbRequest *request);

G_END_DECLS
