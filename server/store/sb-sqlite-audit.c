/* sb-sqlite-audit.c: reading the SQLite store's audit trail (sb-sqlite-audit-private.h). Not on
 * the booking path: the statement is prepared when used. */
#include "config.h"

#include "sb-sqlite-audit-private.h"

#include "sb-sqlite-accounts-private.h"

#define SEPARATOR "\x1f"

typedef sqlite3_stmt SbAuditStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbAuditStmt, sqlite3_finalize)

char *
sb_sqlite_audit_encode_seats (const char *const *seat_ids)
{
  g_autofree char *joined = NULL;

  if (seat_ids == NULL || seat_ids[0] == NULL)
    return g_strdup ("");
  joined = g_strjoinv (SEPARATOR, (char **) seat_ids);
  return g_strconcat (SEPARATOR, joined, SEPARATOR, NULL);
}

char **
sb_sqlite_audit_decode_seats (const char *text)
{
  g_auto (GStrv) parts = NULL;
  g_autoptr (GStrvBuilder) seats = g_strv_builder_new ();

  if (text == NULL || *text == '\0')
    return g_new0 (char *, 1);
  parts = g_strsplit (text, SEPARATOR, -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (seats, parts[i]);
  return g_strv_builder_end (seats);
}

/* The newest entries first (so that LIMIT keeps the newest), turned round by the caller. */
static const char list_sql[]
    = "SELECT at, account, desk, action, seats, hold_id, booking_id, detail FROM audit"
      " WHERE event_id = ?1 AND at >= ?2"
      " AND (?3 IS NULL OR instr (seats, char (31) || ?3 || char (31)) > 0)"
      " AND (?4 IS NULL OR booking_id = ?4)"
      " ORDER BY at DESC, id DESC LIMIT ?5";

GPtrArray *
sb_sqlite_audit_list (SbSqliteDb *db, const SbAuditQuery *query, GError **error)
{
  g_autoptr (GPtrArray) entries
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_audit_record_free);
  g_autoptr (SbAuditStmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db->handle, list_sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sb_sqlite_db_set_error (db, error, "reading the audit trail");
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, query->event_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, query->since_ms);
  sqlite3_bind_text (stmt, 3, query->seat_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, query->booking_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, query->limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_auto (GStrv) seats = sb_sqlite_audit_decode_seats (sb_sqlite_column_text (stmt, 4));

      g_ptr_array_add (
          entries,
          sb_audit_record_new (query->event_id, sqlite3_column_int64 (stmt, 0),
                               sb_sqlite_column_text (stmt, 1), sb_sqlite_column_text (stmt, 2),
                               sb_sqlite_column_text (stmt, 3), (const char *const *) seats,
                               sb_sqlite_column_text (stmt, 5), sb_sqlite_column_text (stmt, 6),
                               sb_sqlite_column_text (stmt, 7)));
    }
  if (rc != SQLITE_DONE)
    {
      sb_sqlite_db_set_error (db, error, "reading the audit trail");
      return NULL;
    }
  /* Oldest first. */
  for (guint i = 0, j = entries->len; i + 1 < j; i++, j--)
    {
      gpointer swap = entries->pdata[i];

      entries->pdata[i] = entries->pdata[j - 1];
      entries->pdata[j - 1] = swap;
    }
  return g_steal_pointer (&entries);
}

static gboolean
insert_entry (SbSqliteDb *db, const SbAuditRecord *record, GError **error)
{
  g_autofree char *seats = sb_sqlite_audit_encode_seats ((const char *const *) record->seat_ids);
  g_autoptr (SbAuditStmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db->handle,
                          "INSERT INTO audit (event_id, at, account, desk, action, seats, hold_id,"
                          " booking_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                          -1, &stmt, NULL)
      != SQLITE_OK)
    {
      sb_sqlite_db_set_error (db, error, "recording a sign-in");
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, record->event_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, record->at_ms);
  sqlite3_bind_text (stmt, 3, record->account, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, record->desk, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, record->action, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, seats, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, record->hold_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, record->booking_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, record->detail, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sb_sqlite_db_set_error (db, error, "recording a sign-in");
      return FALSE;
    }
  return TRUE;
}

gboolean
sb_sqlite_audit_sign_in (SbSqliteDb *db,
                         const SbAuditRecord *record,
                         const char *token_hash,
                         gint64 account_generation,
                         gint64 expires_at_ms,
                         GError **error)
{
  if (!sb_sqlite_db_exec_sql (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  if ((token_hash == NULL
       || sb_sqlite_sessions_put (db, token_hash, record->account, account_generation,
                                  record->at_ms, expires_at_ms, error))
      && insert_entry (db, record, error) && sb_sqlite_db_exec_sql (db, "COMMIT", error))
    return TRUE;
  sb_sqlite_db_rollback_quietly (db);
  return FALSE;
}
