/* sb-store-rules-audit-private.h: the audit entries the booking rules write (sb-audit-record.h),
 * through the backend's append_audit primitive, inside the op's transaction. Private to
 * server/store/. */
#pragma once

#include "sb-store-backend-private.h"

G_BEGIN_DECLS

/* The entry of an op that changed something (hold, hold_best, extend, release, book), at the
 * op's clock. */
gboolean sb_store_rules_audit_op (const SbStoreBackendFuncs *funcs,
                                  gpointer backend,
                                  const SbOp *op,
                                  const char *account,
                                  gint64 at_ms,
                                  GError **error);
/* The entry of one hold an expiry ended: the hold's account, no desk (the server did it). */
gboolean sb_store_rules_audit_expired (const SbStoreBackendFuncs *funcs,
                                       gpointer backend,
                                       const char *event_id,
                                       const SbStoredHold *hold,
                                       gint64 at_ms,
                                       GError **error);

G_END_DECLS
