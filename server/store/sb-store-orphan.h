/* sb-store-orphan.h: the orphan rule (docs/protocol.md, "The orphan rule") as the store rules
 * apply it, on the backend's primitives. Any op that takes or frees seats calls it with those
 * seats: hold, book by seats and hold_best, a move (once for the seats it frees and takes
 * together) and a cancellation (for the seats it frees). Private to server/store/. */
#pragma once

#include "sb-store-backend-private.h"

G_BEGIN_DECLS

/* Reads the event's rule into *out_rule (off when the backend has no rules). When it is not off,
 * reads the states of the seats around seat_ids (which the op flips between free and taken) and
 * sets *out_lone_seat to the index of the first seat the op would leave alone, or -1. Costs one
 * small read when the rule is off, two when it is on; never reads the whole event. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_orphan_check (const SbStoreBackendFuncs *funcs,
                                gpointer backend,
                                const char *event_id,
                                SbVenue *venue,
                                const char *const *seat_ids,
                                SbOrphanRule *out_rule,
                                gint *out_lone_seat,
                                GError **error);

/* The same for seats the op frees (a cancellation): they are free after it, and a seat left alone
 * is one of them or a free neighbour of theirs. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_orphan_check_freed (const SbStoreBackendFuncs *funcs,
                                      gpointer backend,
                                      const char *event_id,
                                      SbVenue *venue,
                                      const char *const *seat_ids,
                                      SbOrphanRule *out_rule,
                                      gint *out_lone_seat,
                                      GError **error);

/* The same for a move: freed become free and taken become taken, judged together (a seat the move
 * frees may fill the gap it leaves, or leave one). */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_orphan_check_move (const SbStoreBackendFuncs *funcs,
                                     gpointer backend,
                                     const char *event_id,
                                     SbVenue *venue,
                                     const char *const *freed,
                                     const char *const *taken,
                                     SbOrphanRule *out_rule,
                                     gint *out_lone_seat,
                                     GError **error);

/* "Seat stalls-C-7 (row C, seat 7)": how a refusal or a warning names the seat. */
char *sb_store_orphan_describe_seat (SbVenue *venue, guint seat);

G_END_DECLS
