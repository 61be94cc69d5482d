/* sb-store.h: the one interface every store backend implements (sb-sqlite-store.c,
 * sb-mongo-store.c). All methods are synchronous and are called from one thread at a time (the
 * store worker, sb-store-worker.c), never from the main loop. */
#pragma once

#include <glib-object.h>

#include "sb-audit-record.h"
#include "sb-op.h"
#include "sb-orphan-rule.h"

G_BEGIN_DECLS

#define SB_STORE_ERROR (sb_store_error_quark ())
GQuark sb_store_error_quark (void);

typedef enum
{
  SB_STORE_ERROR_FAILED,      /* the backend failed (I/O, connection); the batch did nothing */
  SB_STORE_ERROR_NOT_FOUND,   /* no such event */
  SB_STORE_ERROR_EXISTS,      /* create_event: the id is taken */
  SB_STORE_ERROR_UNSUPPORTED, /* e.g. a MongoDB deployment without transactions */
  SB_STORE_ERROR_INVALID_URI,
  SB_STORE_ERROR_TOO_OLD, /* changes_since: the log no longer reaches back that far */
  SB_STORE_ERROR_AHEAD,   /* changes_since: since_version is newer than the event's version */
  SB_STORE_ERROR_CHANGED, /* session_put: the account changed (or was disabled) since it was read */
  SB_STORE_ERROR_INVALID, /* create_event: a field of the spec is not valid (the message says) */
} SbStoreErrorCode;

typedef struct
{
  char *event_id;
  char *name;
  char *venue_json;    /* the venue document the event was created from */
  gint64 starts_at_ms; /* 0 when unknown */
  gint64 version;
  char *time_zone;       /* the IANA name the event's times are shown in, or NULL */
  gint64 sales_open_ms;  /* sales open at this instant; 0: open from the start */
  gint64 sales_close_ms; /* sales close at this instant; 0: never (close_sales sets it) */
} SbEventRecord;

void sb_event_record_free (SbEventRecord *record);

/* What an event is created with (docs/protocol.md, "create_event"). */
typedef struct
{
  const char *event_id;
  const char *name;
  const char *venue_json;
  gint64 starts_at_ms; /* 0 when unknown */
  SbOrphanRule orphan_rule;
  const char *time_zone; /* an IANA name, or NULL */
  gint64 sales_open_ms;  /* 0: none */
  gint64 sales_close_ms; /* 0: none; after sales_open_ms when both are given */
} SbEventSpec;

/* Whether holds and bookings are sold at now_ms (SB_ERROR_NONE), or which error refuses them. */
SbErrorCode sb_event_sales_check (gint64 sales_open_ms, gint64 sales_close_ms, gint64 now_ms);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbEventRecord, sb_event_record_free)

/* Everything needed to rebuild an event's live state in memory. */
typedef struct
{
  gint64 version;
  GPtrArray *seats; /* SbSeatChange for every seat that is not free */
  GPtrArray *holds; /* SbHoldRecord for every hold that has not ended */
} SbEventState;

void sb_event_state_free (SbEventState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbEventState, sb_event_state_free)

/* Accounts and sessions (issue 10): records and wrappers in sb-store-accounts.h. */
typedef struct _SbAccountRecord SbAccountRecord;
typedef struct _SbSessionRecord SbSessionRecord;
/* Finding bookings (issue 11): in sb-store-bookings.h. */
typedef struct _SbBookingQuery SbBookingQuery;

/* Called on a store thread for changes committed by other server processes (multi-process
 * backends only). Changes of one event arrive in version order. */
typedef void (*SbStoreChangeFunc) (SbChange *change, gpointer user_data);

#define SB_TYPE_STORE (sb_store_get_type ())
G_DECLARE_INTERFACE (SbStore, sb_store, SB, STORE, GObject)

struct _SbStoreInterface
{
  GTypeInterface parent_iface;

  gboolean (*create_event) (SbStore *self, const SbEventSpec *spec, GError **error);
  GPtrArray *(*list_events) (SbStore *self, GError **error);
  SbEventState *(*load_event) (SbStore *self, const char *event_id, GError **error);
  gboolean (*apply) (SbStore *self, GPtrArray *ops, GError **error);
  GPtrArray *(*changes_since) (SbStore *self,
                               const char *event_id,
                               gint64 since_version,
                               GError **error);
  gboolean (*prune) (SbStore *self, gint64 older_than_ms, GError **error);
  /* Optional: NULL for single-process backends. */
  gboolean (*watch) (SbStore *self, SbStoreChangeFunc func, gpointer user_data, GError **error);
  /* Optional: proves at start that the store can be written and is not damaged. */
  gboolean (*check) (SbStore *self, GError **error);

  /* Accounts and sessions (sb-store-accounts.h documents each). */
  gboolean (*account_put) (
      SbStore *self, const SbAccountRecord *record, gboolean create, gint64 now_ms, GError **error);
  SbAccountRecord *(*account_get) (SbStore *self, const char *username, GError **error);
  GPtrArray *(*account_list) (SbStore *self, GError **error);
  gboolean (*session_put) (SbStore *self,
                           const char *token_hash,
                           const char *username,
                           gint64 account_generation,
                           gint64 created_at_ms,
                           gint64 expires_at_ms,
                           GError **error);
  SbSessionRecord *(*session_get) (SbStore *self, const char *token_hash, GError **error);
  gboolean (*session_revoke) (SbStore *self, const char *token_hash, GError **error);
  gboolean (*accounts_revision) (SbStore *self, gint64 *out_revision, GError **error);

  /* The audit trail (sb-store-audit.h documents it). */
  GPtrArray *(*audit_list) (SbStore *self, const SbAuditQuery *query, GError **error);
  gboolean (*audit_sign_in) (SbStore *self,
                             const SbAuditRecord *record,
                             const char *token_hash,
                             gint64 account_generation,
                             gint64 expires_at_ms,
                             GError **error);

  /* Finding bookings (sb-store-bookings.h documents it; query->key is set, and query->limit is
   * one more than the page). Optional. */
  GPtrArray *(*find_bookings) (SbStore *self, const SbBookingQuery *query, GError **error);

  /* Reports (sb-store-report.h): the event's sales, every seat ever booked (SbSaleRow array, which
   * the caller made with its free function) on its local calendar day in time_zone (an IANA name,
   * "UTC" for an event without a zone), and *out_refunded, the sum of the refunds its
   * cancellations recorded. An unknown event has no sales. Optional. */
  gboolean (*read_sales) (SbStore *self,
                          const char *event_id,
                          const char *time_zone,
                          GPtrArray *out_rows,
                          gint64 *out_refunded,
                          GError **error);

  /* close_sales (sb_store_close_sales () documents it); entry is the audit entry to write, its
   * at_ms the close. */
  gboolean (*close_sales) (SbStore *self,
                           const SbAuditRecord *entry,
                           gint64 *out_close_ms,
                           gboolean *out_changed,
                           GError **error);
};

/* Opens "sqlite:PATH" or "mongodb://…". */
G_GNUC_WARN_UNUSED_RESULT
SbStore *sb_store_open (const char *uri, GError **error);

G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_create_event (SbStore *self,
                                const char *event_id,
                                const char *name,
                                const char *venue_json,
                                gint64 starts_at_ms,
                                GError **error);
/* The same, with the event's orphan rule (docs/protocol.md, "The orphan rule"); the one above
 * creates events with the rule off. The rule is stored with the event and never changes. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_create_event_with_rule (SbStore *self,
                                          const char *event_id,
                                          const char *name,
                                          const char *venue_json,
                                          gint64 starts_at_ms,
                                          SbOrphanRule orphan_rule,
                                          GError **error);
/* The same with everything an event can be created with (the spec's checks are the caller's:
 * sb_event_spec_check ()). */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_create_event_spec (SbStore *self, const SbEventSpec *spec, GError **error);
/* NULL when the spec is valid, or the name of the first field that is not (with error set). */
const char *sb_event_spec_check (const SbEventSpec *spec, GError **error);
/* Closes the event's sales at now_ms (docs/protocol.md, "close_sales"): holds and bookings are
 * refused from then on. Idempotent: an event whose sales closed already, at or before now_ms, keeps
 * that close (*out_changed FALSE, nothing written); otherwise the close and an audit entry
 * ("close_sales", by account at desk) are written in one transaction. *out_close_ms: the close in
 * force. SB_STORE_ERROR_NOT_FOUND for an unknown event. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_close_sales (SbStore *self,
                               const char *event_id,
                               const char *account,
                               const char *desk,
                               gint64 now_ms,
                               gint64 *out_close_ms,
                               gboolean *out_changed,
                               GError **error);
/* SbEventRecord array, sorted by event id. */
G_GNUC_WARN_UNUSED_RESULT
GPtrArray *sb_store_list_events (SbStore *self, GError **error);
G_GNUC_WARN_UNUSED_RESULT
SbEventState *sb_store_load_event (SbStore *self, const char *event_id, GError **error);
/* Runs the ops in order, as few transactions as possible (group commit), each op with its own
 * outcome: one op's conflict fails only that op. An op whose (client_id, request_id) was seen
 * before gets the first outcome back with replayed = TRUE and changes nothing. Every op that
 * changes anything gets exactly one new version. Returns FALSE only when the backend failed; then
 * nothing of the batch was committed. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_apply (SbStore *self, GPtrArray *ops, GError **error);
/* SbChange array of versions since_version + 1 … current, in order (empty when since_version is
 * the current version); SB_STORE_ERROR_TOO_OLD when the log has been pruned past since_version
 * (or since_version < 0), SB_STORE_ERROR_AHEAD when since_version > the current version,
 * SB_STORE_ERROR_NOT_FOUND for an unknown event. */
G_GNUC_WARN_UNUSED_RESULT
GPtrArray *
sb_store_changes_since (SbStore *self, const char *event_id, gint64 since_version, GError **error);
/* Forgets idempotency records and change log entries older than the given time. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_prune (SbStore *self, gint64 older_than_ms, GError **error);
/* The server's start-up check: the store accepts a write (rolled back) and finds no damage. TRUE
 * for a backend without a check. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_check (SbStore *self, GError **error);
gboolean sb_store_can_watch (SbStore *self);
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_watch (SbStore *self, SbStoreChangeFunc func, gpointer user_data, GError **error);

G_END_DECLS
