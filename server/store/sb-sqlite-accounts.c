/* sb-sqlite-accounts.c: accounts and sessions in the SQLite store (schema version 3, see
 * sb-sqlite-db.c). Not on the booking path: statements are prepared when used. Writes take the
 * write lock (BEGIN IMMEDIATE) so that the revision bump and the change it announces are one
 * transaction, also when `seatbook-server user …` runs beside a serving process. */
#include "config.h"

#include "sb-sqlite-accounts-private.h"

#include <string.h>

typedef sqlite3_stmt SbAccountStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbAccountStmt, sqlite3_finalize)

/* Prepares sql and binds its parameters as types says ('s' text, 'i' gint64). */
static SbAccountStmt *
prepare (SbSqliteDb *db, const char *sql, GError **error, const char *types, ...)
{
  sqlite3_stmt *stmt = NULL;
  va_list args;

  if (sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sb_sqlite_db_set_error (db, error, "prepare");
      return NULL;
    }
  va_start (args, types);
  for (int i = 0; types[i] != '\0'; i++)
    {
      if (types[i] == 's')
        sqlite3_bind_text (stmt, i + 1, va_arg (args, const char *), -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_int64 (stmt, i + 1, va_arg (args, gint64));
    }
  va_end (args);
  return stmt;
}

static gboolean
step_done (SbSqliteDb *db, SbAccountStmt *stmt, const char *what, GError **error)
{
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sb_sqlite_db_set_error (db, error, what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
bump_revision (SbSqliteDb *db, GError **error)
{
  g_autoptr (SbAccountStmt) stmt
      = prepare (db, "UPDATE account_revision SET revision = revision + 1 WHERE id = 1", error, "");
  return step_done (db, stmt, "bumping the accounts revision", error);
}

/* The columns every account read selects, in account_from_row ()'s order. changed_at is the
 * account's generation: account changes make it strictly greater (see sb_sqlite_accounts_put). */
#define ACCOUNT_COLUMNS "username, role, password_hash, disabled, created_at, changed_at"

static SbAccountRecord *
account_from_row (SbAccountStmt *stmt)
{
  SbAccountRecord *record;
  SbRole role = SB_ROLE_VIEWER;

  /* The CHECK constraint keeps role one of the four names. */
  if (!sb_role_from_string (sb_sqlite_column_text (stmt, 1), &role))
    role = SB_ROLE_VIEWER;
  record = sb_account_record_new (
      sb_sqlite_column_text (stmt, 0), role, sb_sqlite_column_text (stmt, 2),
      sqlite3_column_int (stmt, 3) != 0, sqlite3_column_int64 (stmt, 4));
  record->generation = sqlite3_column_int64 (stmt, 5);
  return record;
}

gboolean
sb_sqlite_accounts_put (
    SbSqliteDb *db, const SbAccountRecord *record, gboolean create, gint64 now_ms, GError **error)
{
  const char *role = sb_role_to_string (record->role);

  if (!sb_sqlite_db_exec_sql (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (create)
    {
      g_autoptr (SbAccountStmt) stmt = prepare (
          db,
          "INSERT INTO accounts (username, role, password_hash, disabled, created_at, changed_at)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
          error, "sssii", record->username, role, record->password_hash,
          (gint64) (record->disabled ? 1 : 0), now_ms);

      if (stmt == NULL)
        goto fail;
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          if (sqlite3_extended_errcode (db->handle) == SQLITE_CONSTRAINT_PRIMARYKEY)
            g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS,
                         "The account “%s” exists already", record->username);
          else
            sb_sqlite_db_set_error (db, error, "adding an account");
          goto fail;
        }
    }
  else
    {
      /* changed_at grows with every change even within one millisecond or when the clock goes
       * back: it is the generation a sign-in under way compares (sb_sqlite_sessions_put). */
      g_autoptr (SbAccountStmt) update
          = prepare (db,
                     "UPDATE accounts SET role = ?2, password_hash = ?3, disabled = ?4,"
                     " changed_at = MAX (?5, changed_at + 1) WHERE username = ?1",
                     error, "sssii", record->username, role, record->password_hash,
                     (gint64) (record->disabled ? 1 : 0), now_ms);
      g_autoptr (SbAccountStmt) revoke = NULL;

      if (!step_done (db, update, "changing an account", error))
        goto fail;
      if (sqlite3_changes (db->handle) == 0)
        {
          g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No account “%s”",
                       record->username);
          goto fail;
        }
      revoke = prepare (db, "UPDATE sessions SET revoked = 1 WHERE username = ?1 AND revoked = 0",
                        error, "s", record->username);
      if (!step_done (db, revoke, "revoking sessions", error) || !bump_revision (db, error))
        goto fail;
    }

  if (sb_sqlite_db_exec_sql (db, "COMMIT", error))
    return TRUE;

fail:
  sb_sqlite_db_rollback_quietly (db);
  return FALSE;
}

SbAccountRecord *
sb_sqlite_accounts_get (SbSqliteDb *db, const char *username, GError **error)
{
  g_autoptr (SbAccountStmt) stmt = prepare (
      db, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE username = ?1", error, "s", username);
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return account_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No account “%s”", username);
  else
    sb_sqlite_db_set_error (db, error, "reading an account");
  return NULL;
}

GPtrArray *
sb_sqlite_accounts_list (SbSqliteDb *db, GError **error)
{
  g_autoptr (SbAccountStmt) stmt
      = prepare (db, "SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY username", error, "");
  g_autoptr (GPtrArray) out
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_account_record_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, account_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      sb_sqlite_db_set_error (db, error, "listing accounts");
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
sb_sqlite_sessions_put (SbSqliteDb *db,
                        const char *token_hash,
                        const char *username,
                        gint64 account_generation,
                        gint64 created_at_ms,
                        gint64 expires_at_ms,
                        GError **error)
{
  /* One statement, so one transaction: the check of the account and the insert cannot be split by
   * a `user passwd` or `user disable` in another process (which revokes the sessions it finds in
   * its own transaction, and so would miss one inserted after it). */
  g_autoptr (SbAccountStmt) stmt = prepare (
      db,
      "INSERT INTO sessions (token_hash, username, created_at, expires_at)"
      " SELECT ?1, username, ?3, ?4 FROM accounts"
      " WHERE username = ?2 AND changed_at = ?5 AND disabled = 0",
      error, "ssiii", token_hash, username, created_at_ms, expires_at_ms, account_generation);

  if (!step_done (db, stmt, "recording a session", error))
    return FALSE;
  if (sqlite3_changes (db->handle) == 0)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_CHANGED,
                   "The account “%s” changed during the sign-in", username);
      return FALSE;
    }
  return TRUE;
}

SbSessionRecord *
sb_sqlite_sessions_get (SbSqliteDb *db, const char *token_hash, GError **error)
{
  g_autoptr (SbAccountStmt) stmt
      = prepare (db,
                 "SELECT s.username, a.role, a.disabled, s.revoked, s.created_at, s.expires_at"
                 " FROM sessions s JOIN accounts a ON a.username = s.username"
                 " WHERE s.token_hash = ?1",
                 error, "s", token_hash);
  SbSessionRecord *record;
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No such session");
      else
        sb_sqlite_db_set_error (db, error, "reading a session");
      return NULL;
    }
  record = g_new0 (SbSessionRecord, 1);
  record->username = g_strdup (sb_sqlite_column_text (stmt, 0));
  if (!sb_role_from_string (sb_sqlite_column_text (stmt, 1), &record->role))
    record->role = SB_ROLE_VIEWER;
  record->disabled = sqlite3_column_int (stmt, 2) != 0;
  record->revoked = sqlite3_column_int (stmt, 3) != 0;
  record->created_at_ms = sqlite3_column_int64 (stmt, 4);
  record->expires_at_ms = sqlite3_column_int64 (stmt, 5);
  return record;
}

gboolean
sb_sqlite_sessions_revoke (SbSqliteDb *db, const char *token_hash, GError **error)
{
  g_autoptr (SbAccountStmt) stmt = NULL;

  if (!sb_sqlite_db_exec_sql (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  stmt = prepare (db, "UPDATE sessions SET revoked = 1 WHERE token_hash = ?1", error, "s",
                  token_hash);
  if (step_done (db, stmt, "revoking a session", error) && bump_revision (db, error)
      && sb_sqlite_db_exec_sql (db, "COMMIT", error))
    return TRUE;
  sb_sqlite_db_rollback_quietly (db);
  return FALSE;
}

gboolean
sb_sqlite_accounts_revision (SbSqliteDb *db, gint64 *out_revision, GError **error)
{
  g_autoptr (SbAccountStmt) stmt
      = prepare (db, "SELECT revision FROM account_revision WHERE id = 1", error, "");

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sb_sqlite_db_set_error (db, error, "reading the accounts revision");
      return FALSE;
    }
  *out_revision = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}
