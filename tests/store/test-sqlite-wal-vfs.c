/* test-sqlite-wal-vfs.c: the store's SQLite VFS (server/store/sb-sqlite-wal-vfs.c) gathers the
 * writes to a write-ahead log and writes them before the log is synced, read, sized, truncated or
 * closed, in order, whatever their size; a database on it commits, and what it committed is what
 * another connection on the default VFS reads. */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "sb-sqlite-wal-vfs-private.h"
#include "store-test-util.h"

typedef struct
{
  char *dir;
  char *path;
  sqlite3_vfs *vfs;
} Fixture;

static void
set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("sb-wal-vfs-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "test.db", NULL);
  g_assert_cmpstr (sb_sqlite_wal_vfs_register (), ==, SB_SQLITE_WAL_VFS_NAME);
  f->vfs = sqlite3_vfs_find (SB_SQLITE_WAL_VFS_NAME);
  g_assert_nonnull (f->vfs);
  /* Registered, not made the default. */
  g_assert_true (sqlite3_vfs_find (NULL) != f->vfs);
}

static void
tear_down (Fixture *f, gconstpointer data)
{
  store_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* The file's bytes as another reader sees them. */
static GBytes *
on_disk (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s: %s", path, error->message);
  return g_bytes_new_take (contents, length);
}

static sqlite3_file *
open_log (Fixture *f)
{
  sqlite3_file *file = g_malloc0 (f->vfs->szOsFile);
  g_autofree char *log_path = g_strconcat (f->path, "-wal", NULL);
  int out_flags = 0;

  /* The default VFS gives a log the database file's mode: that file must exist. SQLite keeps a
   * file's name for the file's life, hence the interned copy. */
  g_assert_true (g_file_set_contents (f->path, "", 0, NULL));
  g_assert_cmpint (f->vfs->xOpen (f->vfs, g_intern_string (log_path), file,
                                  SQLITE_OPEN_WAL | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                  &out_flags),
                   ==, SQLITE_OK);
  return file;
}

static gsize
size_on_disk (Fixture *f)
{
  g_autofree char *log_path = g_strconcat (f->path, "-wal", NULL);
  g_autoptr (GBytes) bytes = on_disk (log_path);

  return g_bytes_get_size (bytes);
}

static void
assert_on_disk (Fixture *f, const GByteArray *expected)
{
  g_autofree char *log_path = g_strconcat (f->path, "-wal", NULL);
  g_autoptr (GBytes) bytes = on_disk (log_path);
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  g_assert_cmpmem (data, length, expected->data, expected->len);
}

/* Writes at offset through the VFS and into expected (what the file must hold). */
static void
write_at (sqlite3_file *file, GByteArray *expected, gsize offset, gsize length, guint8 seed)
{
  g_autofree guint8 *data = g_malloc (length);

  for (gsize i = 0; i < length; i++)
    data[i] = (guint8) (seed + i * 7);
  g_assert_cmpint (file->pMethods->xWrite (file, data, (int) length, (sqlite3_int64) offset), ==,
                   SQLITE_OK);
  if (expected->len < offset + length)
    g_byte_array_set_size (expected, offset + length);
  memcpy (expected->data + offset, data, length);
}

/* A log's frames as SQLite writes them: a 24-byte header, then the 4,096-byte page. */
static gsize
write_frames (sqlite3_file *file, GByteArray *expected, gsize offset, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      write_at (file, expected, offset, 24, (guint8) i);
      write_at (file, expected, offset + 24, 4096, (guint8) (i + 100));
      offset += 24 + 4096;
    }
  return offset;
}

/* Gathered until the log is sized, synced, read, truncated or closed; in order, however many
 * bytes (more than the default VFS writes in one call). */
static void
test_log_writes (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) expected = g_byte_array_new ();
  sqlite3_file *file = open_log (f);
  sqlite3_int64 size = 0;
  guint8 read_back[200];
  gsize end;

  end = write_frames (file, expected, 0, 40);
  g_assert_cmpuint (size_on_disk (f), ==, 0);
  g_assert_cmpint (file->pMethods->xFileSize (file, &size), ==, SQLITE_OK);
  g_assert_cmpint (size, ==, 40 * 4120);
  assert_on_disk (f, expected);

  end = write_frames (file, expected, end, 300);
  g_assert_cmpuint (size_on_disk (f), <, expected->len);
  g_assert_cmpint (file->pMethods->xSync (file, SQLITE_SYNC_FULL), ==, SQLITE_OK);
  assert_on_disk (f, expected);

  /* Not one after the other: each write lands where it was aimed, the later over the earlier. */
  write_at (file, expected, 1000, 100, 1);
  write_at (file, expected, 1050, 100, 2);
  write_at (file, expected, 10, 30, 3);
  g_assert_cmpint (file->pMethods->xRead (file, read_back, sizeof read_back, 990), ==, SQLITE_OK);
  g_assert_cmpmem (read_back, sizeof read_back, expected->data + 990, sizeof read_back);
  assert_on_disk (f, expected);

  end = write_frames (file, expected, end, 3);
  g_assert_cmpint (file->pMethods->xTruncate (file, 5000), ==, SQLITE_OK);
  g_byte_array_set_size (expected, 5000);
  assert_on_disk (f, expected);

  write_frames (file, expected, 5000, 2);
  g_assert_cmpint (file->pMethods->xClose (file), ==, SQLITE_OK);
  assert_on_disk (f, expected);
  g_free (file);
}

static sqlite3 *
open_db (const char *path, const char *vfs)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs), ==,
                   SQLITE_OK);
  return db;
}

static void
exec_sql (sqlite3 *db, const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gint64
query_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* A database in WAL mode with synchronous=FULL on the VFS: a transaction of more than the buffer
 * and many small ones, each seen by a connection on the default VFS as soon as it committed;
 * checkpointed, the file is whole. */
static void
test_database (Fixture *f, gconstpointer data)
{
  sqlite3 *db = open_db (f->path, SB_SQLITE_WAL_VFS_NAME);
  sqlite3 *reader = NULL;

  exec_sql (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL);"
                "BEGIN; WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                " WHERE i < 600) INSERT INTO t (v) SELECT randomblob (4008)"
                " FROM n; COMMIT;");
  reader = open_db (f->path, NULL);
  g_assert_cmpint (query_int (reader, "SELECT count (*) FROM t"), ==, 600);
  g_assert_cmpint (query_int (reader, "SELECT sum (length (v)) FROM t"), ==, 600 * 4008);
  for (int i = 1; i <= 100; i++)
    {
      exec_sql (db, "INSERT INTO t (v) VALUES (randomblob (100))");
      g_assert_cmpint (query_int (reader, "SELECT count (*) FROM t"), ==, 600 + i);
    }
  exec_sql (db, "PRAGMA wal_checkpoint (TRUNCATE)");
  g_assert_cmpint (query_int (reader, "SELECT count (*) FROM t"), ==, 700);
  sqlite3_close (reader);
  sqlite3_close (db);

  reader = open_db (f->path, NULL);
  g_assert_cmpint (query_int (reader, "SELECT count (*) FROM t"), ==, 700);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (reader, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                     SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
    sqlite3_finalize (stmt);
  }
  sqlite3_close (reader);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/sqlite-wal-vfs/log-writes", Fixture, NULL, set_up, test_log_writes, tear_down);
  g_test_add ("/sqlite-wal-vfs/database", Fixture, NULL, set_up, test_database, tear_down);
  return g_test_run ();
}
