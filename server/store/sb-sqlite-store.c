/* sb-sqlite-store.c: the SQLite store backend.
 *
 * One connection, WAL, synchronous=FULL: a commit is on disk before apply () returns, so an
 * acknowledged booking survives a crash. Throughput comes from group commit: apply () runs a whole
 * batch of ops in one transaction, each op inside a savepoint so that its failure undoes only its
 * own writes.
 *
 * The schema, not the server's memory, is what makes a double booking impossible: seat_states has
 * one row per (event, seat) that is not free, so holding or booking a free seat is an INSERT that a
 * second attempt cannot repeat; triggers refuse to overwrite a booked or blocked row or delete a
 * blocked one (a booked row goes only when a cancellation frees the seat); booking_seats lists the
 * seats each booking still has, with the same primary key.
 *
 * Here: the GObject and SbStore's methods. The connection, schema and statements are
 * sb-sqlite-db.c; the primitives the booking rules run ops on, sb-sqlite-backend.c. */
#include "config.h"

#include "sb-sqlite-store.h"

#include "sb-sqlite-accounts-private.h"
#include "sb-sqlite-audit-private.h"
#include "sb-sqlite-report-private.h"
#include "sb-sqlite-bookings-private.h"
#include "sb-sqlite-db-private.h"
#include "sb-store-rules.h"

/* Keep at least this many versions of each event's change log, however old they are, so that a
 * client that was away for a while can still catch up with a replay. */
#define KEEP_CHANGES_PER_EVENT 10000

struct _SbSqliteStore
{
  GObject parent_instance;

  SbSqliteDb *db;
};

static void sb_sqlite_store_iface_init (SbStoreInterface *iface);
static gboolean sb_sqlite_store_check (SbStore *store, GError **error);

G_DEFINE_FINAL_TYPE_WITH_CODE (SbSqliteStore,
                               sb_sqlite_store,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SB_TYPE_STORE, sb_sqlite_store_iface_init))

int
sb_sqlite_store_get_schema_version (void)
{
  return sb_sqlite_db_get_schema_version ();
}

SbStore *
sb_sqlite_store_new (const char *path, GError **error)
{
  g_autoptr (SbSqliteStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (SB_TYPE_SQLITE_STORE, NULL);
  self->db = sb_sqlite_db_open (path, error);
  if (self->db == NULL)
    return NULL;
  return SB_STORE (g_steal_pointer (&self));
}

/* Events */

static gboolean
sb_sqlite_store_create_event (SbStore *store, const SbEventSpec *spec, GError **error)
{
  SbSqliteStore *self = SB_SQLITE_STORE (store);
  const char *event_id = spec->event_id;
  const char *venue_json = spec->venue_json;
  g_autoptr (SbVenue) venue = NULL;
  int rc;

  venue = sb_store_rules_parse_venue (event_id, venue_json, -1, error);
  if (venue == NULL)
    return FALSE;

  if (!sb_sqlite_db_exec_simple (self->db, STMT_BEGIN, error))
    return FALSE;

  {
    g_autoptr (SbStmt) stmt = sb_sqlite_db_bound_stmt (
        self->db, STMT_EVENT_PUT, error, "ssiissii", event_id, spec->name, spec->starts_at_ms,
        sb_now_ms (), sb_orphan_rule_to_string (spec->orphan_rule), spec->time_zone,
        spec->sales_open_ms, spec->sales_close_ms);

    if (stmt == NULL)
      goto fail;
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
      {
        g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS, "An event “%s” exists already",
                     event_id);
        goto fail;
      }
    if (rc != SQLITE_DONE)
      {
        sb_sqlite_db_set_error (self->db, error, "creating an event");
        goto fail;
      }
  }

  if (!sb_sqlite_db_exec (self->db, STMT_EVENT_VENUE_PUT, error, "ss", event_id, venue_json))
    goto fail;

  /* Blocked seats get their row now, so the schema itself keeps them from being held or booked. */
  for (guint i = 0; i < sb_venue_get_n_seats (venue); i++)
    {
      const SbSeat *seat = sb_venue_get_seat (venue, i);

      if (seat->blocked
          && !sb_sqlite_db_exec (self->db, STMT_SEAT_BLOCK, error, "ss", event_id, seat->id))
        goto fail;
    }

  if (!sb_sqlite_db_exec_simple (self->db, STMT_COMMIT, error))
    goto fail;

  g_hash_table_insert (self->db->venues, g_strdup (event_id), g_steal_pointer (&venue));
  return TRUE;

fail:
  sb_sqlite_db_rollback_quietly (self->db);
  return FALSE;
}

static GPtrArray *
sb_sqlite_store_list_events (SbStore *store, GError **error)
{
  SbSqliteStore *self = SB_SQLITE_STORE (store);
  g_autoptr (SbStmt) stmt = sb_sqlite_db_get_stmt (self->db, STMT_EVENT_LIST, error);
  g_autoptr (GPtrArray) events = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  events = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_event_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SbEventRecord *record = g_new0 (SbEventRecord, 1);

      record->event_id = g_strdup (sb_sqlite_column_text (stmt, 0));
      record->name = g_strdup (sb_sqlite_column_text (stmt, 1));
      record->venue_json = g_strdup (sb_sqlite_column_text (stmt, 2));
      record->starts_at_ms = sqlite3_column_int64 (stmt, 3);
      record->version = sqlite3_column_int64 (stmt, 4);
      record->time_zone = g_strdup (sb_sqlite_column_text (stmt, 5));
      record->sales_open_ms = sqlite3_column_int64 (stmt, 6);
      record->sales_close_ms = sqlite3_column_int64 (stmt, 7);
      g_ptr_array_add (events, record);
    }
  if (rc != SQLITE_DONE)
    {
      sb_sqlite_db_set_error (self->db, error, "listing events");
      return NULL;
    }
  return g_steal_pointer (&events);
}

static SbEventState *
sb_sqlite_store_load_event (SbStore *store, const char *event_id, GError **error)
{
  SbSqliteStore *self = SB_SQLITE_STORE (store);
  g_autoptr (SbEventState) state = NULL;
  g_autoptr (GHashTable) seats_by_hold = NULL;
  gboolean found;
  gint64 version;
  int rc;

  if (!sb_sqlite_db_begin_event_read (self->db, event_id, &found, &version, error))
    goto fail;
  if (!found)
    {
      sb_store_rules_set_event_not_found (error, event_id);
      goto fail;
    }

  state = sb_store_rules_new_event_state (version);
  seats_by_hold
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);

  {
    g_autoptr (SbStmt) stmt
        = sb_sqlite_db_bound_stmt (self->db, STMT_SEATS_OF_EVENT, error, "s", event_id);

    if (stmt == NULL)
      goto fail;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        const char *seat_id = sb_sqlite_column_text (stmt, 0);
        const char *hold_id = sb_sqlite_column_text (stmt, 2);
        GPtrArray *list;

        g_ptr_array_add (
            state->seats,
            sb_seat_change_new (
                seat_id, sb_sqlite_seat_state_from_db (sb_sqlite_column_text (stmt, 1)), hold_id));
        if (hold_id == NULL)
          continue;
        list = g_hash_table_lookup (seats_by_hold, hold_id);
        if (list == NULL)
          {
            list = g_ptr_array_new_with_free_func (g_free);
            g_hash_table_insert (seats_by_hold, g_strdup (hold_id), list);
          }
        g_ptr_array_add (list, g_strdup (seat_id));
      }
    if (rc != SQLITE_DONE)
      {
        sb_sqlite_db_set_error (self->db, error, "reading seat states");
        goto fail;
      }
  }

  {
    g_autoptr (SbStmt) stmt
        = sb_sqlite_db_bound_stmt (self->db, STMT_HOLDS_ACTIVE, error, "s", event_id);

    if (stmt == NULL)
      goto fail;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        const char *hold_id = sb_sqlite_column_text (stmt, 0);
        GPtrArray *list = g_hash_table_lookup (seats_by_hold, hold_id);

        if (list != NULL)
          g_ptr_array_add (list, NULL);
        g_ptr_array_add (state->holds, sb_hold_record_new_owned (
                                           hold_id, event_id, sb_sqlite_column_text (stmt, 1),
                                           sb_sqlite_column_text (stmt, 3),
                                           list != NULL ? (const char *const *) list->pdata : NULL,
                                           sqlite3_column_int64 (stmt, 2)));
      }
    if (rc != SQLITE_DONE)
      {
        sb_sqlite_db_set_error (self->db, error, "reading holds");
        goto fail;
      }
  }

  if (!sb_sqlite_db_exec_sql (self->db, "COMMIT", error))
    goto fail;
  return g_steal_pointer (&state);

fail:
  sb_sqlite_db_rollback_quietly (self->db);
  return NULL;
}

static gboolean
sb_sqlite_store_apply (SbStore *store, GPtrArray *ops, GError **error)
{
  SbSqliteStore *self = SB_SQLITE_STORE (store);

  for (guint i = 0; i < ops->len; i++)
    sb_op_clear_outcome (g_ptr_array_index (ops, i));

  if (!sb_sqlite_db_exec_simple (self->db, STMT_BEGIN, error))
    return FALSE;
  for (guint i = 0; i < ops->len; i++)
    if (!sb_store_rules_apply_op (&sb_sqlite_backend_funcs, self->db, g_ptr_array_index (ops, i),
                                  error))
      goto fail;
  if (!sb_sqlite_db_exec_simple (self->db, STMT_COMMIT, error))
    goto fail;
  sb_occupancy_cache_keep_batch (self->db->occupancy);
  return TRUE;

fail:
  sb_sqlite_db_rollback_quietly (self->db);
  sb_occupancy_cache_discard_batch (self->db->occupancy);
  /* Nothing was committed: no op may look as if it had been. */
  for (guint i = 0; i < ops->len; i++)
    sb_op_clear_outcome (g_ptr_array_index (ops, i));
  return FALSE;
}

static GPtrArray *
sb_sqlite_store_changes_since (SbStore *store,
                               const char *event_id,
                               gint64 since_version,
                               GError **error)
{
  SbSqliteStore *self = SB_SQLITE_STORE (store);
  g_autoptr (GPtrArray) changes = NULL;
  gboolean found;
  gint64 version;
  int rc;

  if (!sb_sqlite_db_begin_event_read (self->db, event_id, &found, &version, error)
      || !sb_store_rules_check_since (event_id, found, version, since_version, error))
    goto fail;

  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_change_free);
  {
    g_autoptr (SbStmt) stmt = sb_sqlite_db_bound_stmt (self->db, STMT_CHANGES_SINCE, error, "si",
                                                       event_id, since_version);

    if (stmt == NULL)
      goto fail;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      if (!sb_store_rules_add_logged_change (changes, event_id, since_version,
                                             sqlite3_column_int64 (stmt, 0),
                                             sb_sqlite_column_text (stmt, 1), error))
        goto fail;
    if (rc != SQLITE_DONE)
      {
        sb_sqlite_db_set_error (self->db, error, "reading changes");
        goto fail;
      }
  }
  if (!sb_store_rules_check_log_complete (changes, event_id, since_version, version, error))
    goto fail;
  if (!sb_sqlite_db_exec_sql (self->db, "COMMIT", error))
    goto fail;
  return g_steal_pointer (&changes);

fail:
  sb_sqlite_db_rollback_quietly (self->db);
  return NULL;
}

static gboolean
sb_sqlite_store_prune (SbStore *store, gint64 older_than_ms, GError **error)
{
  SbSqliteStore *self = SB_SQLITE_STORE (store);

  if (!sb_sqlite_db_exec_simple (self->db, STMT_BEGIN, error))
    return FALSE;
  if (!sb_sqlite_db_exec (self->db, STMT_PRUNE_REQUESTS, error, "i", older_than_ms)
      || !sb_sqlite_db_exec (self->db, STMT_PRUNE_CHANGES, error, "ii", older_than_ms,
                             (gint64) KEEP_CHANGES_PER_EVENT)
      || !sb_sqlite_db_exec_simple (self->db, STMT_COMMIT, error))
    goto fail;
  return TRUE;

fail:
  sb_sqlite_db_rollback_quietly (self->db);
  return FALSE;
}

static void
sb_sqlite_store_finalize (GObject *object)
{
  SbSqliteStore *self = SB_SQLITE_STORE (object);

  g_clear_pointer (&self->db, sb_sqlite_db_close);

  G_OBJECT_CLASS (sb_sqlite_store_parent_class)->finalize (object);
}

static void
sb_sqlite_store_class_init (SbSqliteStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sb_sqlite_store_finalize;
}

/* Accounts and sessions: sb-sqlite-accounts.c */

static gboolean
sb_sqlite_store_account_put (
    SbStore *store, const SbAccountRecord *record, gboolean create, gint64 now_ms, GError **error)
{
  return sb_sqlite_accounts_put (SB_SQLITE_STORE (store)->db, record, create, now_ms, error);
}

static SbAccountRecord *
sb_sqlite_store_account_get (SbStore *store, const char *username, GError **error)
{
  return sb_sqlite_accounts_get (SB_SQLITE_STORE (store)->db, username, error);
}

static GPtrArray *
sb_sqlite_store_account_list (SbStore *store, GError **error)
{
  return sb_sqlite_accounts_list (SB_SQLITE_STORE (store)->db, error);
}

static gboolean
sb_sqlite_store_session_put (SbStore *store,
                             const char *token_hash,
                             const char *username,
                             gint64 account_generation,
                             gint64 created_at_ms,
                             gint64 expires_at_ms,
                             GError **error)
{
  return sb_sqlite_sessions_put (SB_SQLITE_STORE (store)->db, token_hash, username,
                                 account_generation, created_at_ms, expires_at_ms, error);
}

static SbSessionRecord *
sb_sqlite_store_session_get (SbStore *store, const char *token_hash, GError **error)
{
  return sb_sqlite_sessions_get (SB_SQLITE_STORE (store)->db, token_hash, error);
}

static gboolean
sb_sqlite_store_session_revoke (SbStore *store, const char *token_hash, GError **error)
{
  return sb_sqlite_sessions_revoke (SB_SQLITE_STORE (store)->db, token_hash, error);
}

static gboolean
sb_sqlite_store_accounts_revision (SbStore *store, gint64 *out_revision, GError **error)
{
  return sb_sqlite_accounts_revision (SB_SQLITE_STORE (store)->db, out_revision, error);
}

static GPtrArray *
sb_sqlite_store_audit_list (SbStore *store, const SbAuditQuery *query, GError **error)
{
  return sb_sqlite_audit_list (SB_SQLITE_STORE (store)->db, query, error);
}

static GPtrArray *
sb_sqlite_store_find_bookings (SbStore *store, const SbBookingQuery *query, GError **error)
{
  return sb_sqlite_find_bookings (SB_SQLITE_STORE (store)->db, query, error);
}

static gboolean
sb_sqlite_store_read_sales (SbStore *store,
                            const char *event_id,
                            const char *time_zone,
                            GPtrArray *out_rows,
                            gint64 *out_refunded,
                            GError **error)
{
  return sb_sqlite_read_sales (SB_SQLITE_STORE (store)->db, event_id, time_zone, out_rows,
                               out_refunded, error);
}

static gboolean
sb_sqlite_store_audit_sign_in (SbStore *store,
                               const SbAuditRecord *record,
                               const char *token_hash,
                               gint64 account_generation,
                               gint64 expires_at_ms,
                               GError **error)
{
  return sb_sqlite_audit_sign_in (SB_SQLITE_STORE (store)->db, record, token_hash,
                                  account_generation, expires_at_ms, error);
}

static gboolean
sb_sqlite_store_close_sales (SbStore *store,
                             const SbAuditRecord *entry,
                             gint64 *out_close_ms,
                             gboolean *out_changed,
                             GError **error)
{
  SbSqliteDb *db = SB_SQLITE_STORE (store)->db;
  g_autofree char *seats = sb_sqlite_audit_encode_seats ((const char *const *) entry->seat_ids);
  gint64 close_ms;

  *out_changed = FALSE;
  if (!sb_sqlite_db_exec_simple (db, STMT_BEGIN, error))
    return FALSE;
  {
    g_autoptr (SbStmt) stmt
        = sb_sqlite_db_bound_stmt (db, STMT_EVENT_SALES, error, "s", entry->event_id);
    int rc = stmt != NULL ? sqlite3_step (stmt) : SQLITE_ERROR;

    if (rc == SQLITE_DONE)
      {
        sb_store_rules_set_event_not_found (error, entry->event_id);
        goto fail;
      }
    if (rc != SQLITE_ROW)
      {
        if (stmt != NULL)
          sb_sqlite_db_set_error (db, error, "reading an event's sales window");
        goto fail;
      }
    close_ms = sqlite3_column_int64 (stmt, 1);
  }
  /* Closed already: the first close stands. */
  if (close_ms != 0 && close_ms <= entry->at_ms)
    {
      *out_close_ms = close_ms;
      sb_sqlite_db_rollback_quietly (db);
      return TRUE;
    }
  if (!sb_sqlite_db_exec (db, STMT_EVENT_SALES_CLOSE, error, "si", entry->event_id, entry->at_ms)
      || !sb_sqlite_db_exec (db, STMT_AUDIT_PUT, error, "sisssssss", entry->event_id, entry->at_ms,
                             entry->account, entry->desk, entry->action, seats, entry->hold_id,
                             entry->booking_id, entry->detail)
      || !sb_sqlite_db_exec_simple (db, STMT_COMMIT, error))
    goto fail;
  *out_close_ms = entry->at_ms;
  *out_changed = TRUE;
  return TRUE;

fail:
  sb_sqlite_db_rollback_quietly (db);
  return FALSE;
}

static void
sb_sqlite_store_iface_init (SbStoreInterface *iface)
{
  iface->create_event = sb_sqlite_store_create_event;
  iface->list_events = sb_sqlite_store_list_events;
  iface->load_event = sb_sqlite_store_load_event;
  iface->apply = sb_sqlite_store_apply;
  iface->changes_since = sb_sqlite_store_changes_since;
  iface->prune = sb_sqlite_store_prune;
  iface->check = sb_sqlite_store_check;
  iface->account_put = sb_sqlite_store_account_put;
  iface->account_get = sb_sqlite_store_account_get;
  iface->account_list = sb_sqlite_store_account_list;
  iface->session_put = sb_sqlite_store_session_put;
  iface->session_get = sb_sqlite_store_session_get;
  iface->session_revoke = sb_sqlite_store_session_revoke;
  iface->accounts_revision = sb_sqlite_store_accounts_revision;
  iface->audit_list = sb_sqlite_store_audit_list;
  iface->find_bookings = sb_sqlite_store_find_bookings;
  iface->audit_sign_in = sb_sqlite_store_audit_sign_in;
  iface->read_sales = sb_sqlite_store_read_sales;
  iface->close_sales = sb_sqlite_store_close_sales;
}

static gboolean
sb_sqlite_store_check (SbStore *store, GError **error)
{
  return sb_sqlite_db_check (SB_SQLITE_STORE (store)->db, error);
}

static void
sb_sqlite_store_init (SbSqliteStore *self)
{
}
