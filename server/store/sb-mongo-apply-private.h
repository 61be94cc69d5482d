/* sb-mongo-apply-private.h: SbStore's apply () on MongoDB — the booking rules (sb-store-rules.c)
 * on the collections, in one transaction per batch. Private to server/store/. */
#pragma once

#include "sb-orphan-rule.h"

#include <glib.h>
#include <mongoc/mongoc.h>

#include "sb-mongo-txn-private.h"
#include "sb-audit-record.h"
#include "sb-occupancy-cache-private.h"

G_BEGIN_DECLS

/* The event's orphan rule, kept on its cached venue (it never changes either). */
void sb_mongo_venue_set_orphan_rule (SbVenue *venue, SbOrphanRule rule);
SbOrphanRule sb_mongo_venue_get_orphan_rule (SbVenue *venue);

/* An audit entry as collection audit keeps it (sb-mongo-audit.c reads it), with a new ObjectId. */
void sb_mongo_audit_doc (bson_t *doc, const SbAuditRecord *entry);

/* Runs the ops as one multi-document transaction on conn (sb-store.h: sb_store_apply ()), within
 * SB_MONGO_TXN_DEADLINE_MS. venues caches the parsed venue of each event (event id → SbVenue);
 * occupancy the events' occupancy for hold_best, whose entries of an attempt are kept only if it
 * commits. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_mongo_apply (SbMongoConn *conn,
                         GHashTable *venues,
                         SbOccupancyCache *occupancy,
                         GPtrArray *ops,
                         GError **error);

G_END_DECLS
