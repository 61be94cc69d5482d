/* sb-store-rules-own-holds-private.h: seats an op takes that may come from its own holds — a
 * move's targets (docs/protocol.md, "move → moved") and a block's seats ("block → blocked"). Each
 * taken seat must be free, or held by one of the op's own running holds made at this desk; such a
 * seat is taken from that hold in the op's transaction and version, and the hold keeps its other
 * seats or ends. One place for both ops, so that they judge and settle the same way. Private to
 * server/store/. */
#pragma once

#include "sb-store-backend-private.h"

G_BEGIN_DECLS

typedef enum
{
  SB_OWN_HOLDS_DEFAULT = 0,
  /* Blocked seats are refused apart, as "Seats … are blocked" (a move); otherwise they are named
   * with the other unavailable seats, in the op's order (a block). */
  SB_OWN_HOLDS_NAME_BLOCKED = 1 << 0,
  /* Asks the backend's seats_refused_before (a move): an earlier attempt of this batch had the
   * storage refuse the seats although they read as free. */
  SB_OWN_HOLDS_REFUSED_BEFORE = 1 << 1,
} SbOwnHoldsFlags;

/* Refuses op with code, naming seats (copied): "Seats a, b why". SEAT_UNAVAILABLE ones go in
 * op->conflicting_seats. */
void sb_store_rules_refuse_seats (SbOp *op, SbErrorCode code, const char *why, char **seats);

/* Refuses op with code when builder has seats, naming them (the builder is ended). TRUE when it
 * did. */
gboolean
sb_store_rules_refuse_if_any (SbOp *op, SbErrorCode code, const char *why, GStrvBuilder *builder);

/* The seats of a that are not in b, in a's order. */
char **sb_store_rules_seats_minus (const char *const *a, const char *const *b);

/* Reads the state of the seats taken: each must be free, or held by one of op's own running
 * (expires after now_ms) holds made at op's desk; then held_by[i] (zeroed by the caller, one per
 * taken seat) is that hold's id, the hold read into holds (SbStoredHold; other holds read on the
 * way are there too). Any other seat — another desk's or account's hold, an expired hold, booked,
 * blocked — refuses op with seat_unavailable naming it. FALSE when refused, or when the backend
 * failed (*failed, error set). */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_rules_own_holds_check (const SbStoreBackendFuncs *funcs,
                                         gpointer backend,
                                         SbOp *op,
                                         gint64 now_ms,
                                         const char *const *taken,
                                         SbOwnHoldsFlags flags,
                                         const char **held_by,
                                         GPtrArray *holds,
                                         gboolean *failed,
                                         GError **error);

/* After the taken seats were written: every hold of holds that gave up seats (held_by) ends with
 * end_status ("booked" for a move, "released" for a block) when it has none left, listed in
 * change->ended_holds, and otherwise keeps the others (set_hold_seats), its new seat list in
 * change->holds, so that every copy of it (the hub's, every desk's) stays right. FALSE only for a
 * backend failure. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_rules_own_holds_settle (const SbStoreBackendFuncs *funcs,
                                          gpointer backend,
                                          SbOp *op,
                                          GPtrArray *holds,
                                          const char *const *taken,
                                          const char *const *held_by,
                                          const char *end_status,
                                          SbChange *change,
                                          GError **error);

G_END_DECLS
