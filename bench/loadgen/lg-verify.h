/* lg-verify.h: the after-run state check, done with an independent client (libsoup's WebSocket and
 * json-glib) so that it does not share code with the load generator's own protocol handling. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *event_id;
  gint64 version;
  GHashTable *states; /* seat id → state ("held", "booked", "blocked"); free seats are absent */
} LgSnapshot;

void lg_snapshot_free (LgSnapshot *snapshot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LgSnapshot, lg_snapshot_free)

/* Opens a fresh connection to url, says hello, signs in with token (the session the load
 * generator's connections share; NULL on a server without accounts) and subscribes to every
 * event; returns one LgSnapshot per event in the same order. */
G_GNUC_WARN_UNUSED_RESULT
GPtrArray *lg_verify_fetch_snapshots (const char *url,
                                      const char *token,
                                      const char *const *event_ids,
                                      guint timeout_seconds,
                                      GError **error);

/* Reads the bookings of `event_id` from the SQLite store's file (read-only; the schema of
 * server/sb-sqlite-store.c) as seat id → booking id. A seat found in more than one booking row is
 * counted in *out_duplicates (the schema's primary key should make that impossible), and a booked
 * seat whose seat_states row does not say "booked" by that booking in *out_inconsistent. */
G_GNUC_WARN_UNUSED_RESULT
GHashTable *lg_verify_read_db (const char *path,
                               const char *event_id,
                               guint *out_duplicates,
                               guint *out_inconsistent,
                               GError **error);

G_END_DECLS
