/* sb-mongo-registry-private.h: which server process holds which MongoDB session, so that a
 * restarted server ends what its killed predecessor left open. Private to server/store/.
 *
 * A transaction a process leaves open when it dies (SIGKILL, OOM, power) keeps its writes — the
 * event's version document among them — locked until the server's transactionLifetimeLimitSeconds
 * (60 s by default): every writer of that event meanwhile fails with WriteConflict. Each process
 * therefore records its session id in the "store_processes" collection ({_id: process id, host,
 * pid, lsid, started_at}); a process that starts on the same host kills the sessions of the
 * records whose process no longer runs (killSessions aborts their transactions) before it serves,
 * and drops those records. A process that stops cleanly drops its own. A dead process of another
 * host is not recognisable from here: its transaction ends at the lifetime limit
 * (docs/operations.md, "MongoDB"). */
#pragma once

#include <glib.h>
#include <mongoc/mongoc.h>

G_BEGIN_DECLS

/* Ends the sessions of this host's dead processes, then records session as this process's.
 * Returns this process's record id (for sb_mongo_registry_forget), or NULL on failure. */
G_GNUC_WARN_UNUSED_RESULT
char *sb_mongo_registry_register (mongoc_client_t *client,
                                  const char *db_name,
                                  mongoc_client_session_t *session,
                                  GError **error);

/* Drops this process's record (at a clean stop; failures are only logged). */
void
sb_mongo_registry_forget (mongoc_client_t *client, const char *db_name, const char *process_id);

G_END_DECLS
