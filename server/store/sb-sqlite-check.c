/* sb-sqlite-check.c: the SQLite store's start-up check. A read-only database file (or directory)
 * or a corrupt page in a table used to let the server start, answer /healthz with 200 and refuse
 * every write; this finds both before the server listens. */

#include "config.h"

#include "sb-sqlite-db-private.h"
#include "sb-store.h"

/* A real write in a transaction that is rolled back: creating a table writes the schema page, so
 * SQLite must take the write lock and accept a change to the file. */
static gboolean
check_writable (SbSqliteDb *self, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!sb_sqlite_db_exec_sql (self, "BEGIN IMMEDIATE", &local_error)
      || !sb_sqlite_db_exec_sql (self,
                                 "CREATE TABLE seatbook_write_check (x);"
                                 "INSERT INTO seatbook_write_check VALUES (1)",
                                 &local_error))
    {
      sb_sqlite_db_rollback_quietly (self);
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                   "the database cannot be written (%s)", local_error->message);
      return FALSE;
    }
  sb_sqlite_db_rollback_quietly (self);
  return TRUE;
}

/* PRAGMA quick_check: every page readable and well formed (not the indexes' contents, which
 * integrity_check would compare at the cost of reading every row twice). */
static gboolean
check_pages (SbSqliteDb *self, GError **error)
{
  g_autoptr (GString) problems = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->handle, "PRAGMA quick_check(5)", -1, &stmt, NULL) != SQLITE_OK)
    {
      sb_sqlite_db_set_error (self, error, "quick_check");
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *row = (const char *) sqlite3_column_text (stmt, 0);

      if (row != NULL && g_str_equal (row, "ok"))
        continue;
      if (problems->len > 0)
        g_string_append (problems, "; ");
      g_string_append (problems, row != NULL ? row : "?");
    }
  if (rc != SQLITE_DONE)
    {
      if (problems->len > 0)
        g_string_append (problems, "; ");
      g_string_append_printf (problems, "%s (%s)", sqlite3_errmsg (self->handle),
                              sqlite3_errstr (sqlite3_extended_errcode (self->handle)));
    }
  sqlite3_finalize (stmt);
  if (problems->len > 0)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                   "the database is damaged (PRAGMA quick_check: %s); restore it from a backup",
                   problems->str);
      return FALSE;
    }
  return TRUE;
}

gboolean
sb_sqlite_db_check (SbSqliteDb *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return check_pages (self, error) && check_writable (self, error);
}
