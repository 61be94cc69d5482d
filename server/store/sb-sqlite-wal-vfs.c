/* sb-sqlite-wal-vfs.c: the store's SQLite VFS (sb-sqlite-wal-vfs-private.h).
 *
 * Why: SQLite writes each WAL frame with two pwrite ()s (its 24-byte header, then the page), so a
 * commit of 27 pages is 54 system calls before its fdatasync (); on the booking path that was a
 * fifth of the server's CPU (BENCHMARKS.md, issue 10's (d)). Here the writes that extend the log
 * one after the other are kept in a buffer and written with one pwrite () just before the log is
 * synced, read, truncated, sized or closed, so what reaches the disk and when it is synced are
 * unchanged: a commit still returns only after its frames were written and fdatasync ()ed
 * (synchronous=FULL), and nothing reads the log without seeing every byte written to it.
 * Readers elsewhere (another connection or process) only read frames of committed transactions,
 * which were flushed before the sync that committed them. The database file and every other file
 * are the default VFS's own. */
#include "config.h"

#include "sb-sqlite-wal-vfs-private.h"

#include <sqlite3.h>
#include <string.h>

/* A transaction larger than this is written in pieces of about this size. */
#define BUFFER_MAX (1024 * 1024)
/* The unix VFS writes at most 128 KiB - 1 bytes per call (it masks the length with 0x1ffff): the
 * buffer goes out in pieces of this many. */
#define WRITE_MAX (124 * 1024)

typedef struct
{
  sqlite3_file base;
  sqlite3_file *real; /* the default VFS's file, in the same allocation, after this struct */
  unsigned char *buffer;
  sqlite3_int64 buffer_offset; /* where buffer[0] goes in the file */
  int buffer_len;
  int buffer_size;
} WalFile;

static sqlite3_vfs wal_vfs;
static sqlite3_vfs *parent_vfs;

static int
flush (WalFile *self)
{
  int rc = SQLITE_OK;

  for (int done = 0; done < self->buffer_len && rc == SQLITE_OK; done += WRITE_MAX)
    rc = self->real->pMethods->xWrite (self->real, self->buffer + done,
                                       MIN (WRITE_MAX, self->buffer_len - done),
                                       self->buffer_offset + done);
  /* On an error the bytes are dropped: SQLite fails the transaction, whose frames are not in the
   * log's index, and a later one writes over them. */
  self->buffer_len = 0;
  return rc;
}

static int
wal_close (sqlite3_file *file)
{
  WalFile *self = (WalFile *) file;
  int rc = flush (self);
  int close_rc = self->real->pMethods->xClose (self->real);

  g_clear_pointer (&self->buffer, g_free);
  return rc != SQLITE_OK ? rc : close_rc;
}

static int
wal_read (sqlite3_file *file, void *data, int amount, sqlite3_int64 offset)
{
  WalFile *self = (WalFile *) file;
  int rc = flush (self);

  return rc != SQLITE_OK ? rc : self->real->pMethods->xRead (self->real, data, amount, offset);
}

static int
wal_write (sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset)
{
  WalFile *self = (WalFile *) file;
  int rc;

  if (self->buffer_len > 0 && offset == self->buffer_offset + self->buffer_len
      && self->buffer_len + amount <= BUFFER_MAX)
    {
      if (self->buffer_len + amount > self->buffer_size)
        {
          self->buffer_size
              = MIN (MAX (self->buffer_size * 2, self->buffer_len + amount), BUFFER_MAX);
          self->buffer = g_realloc (self->buffer, self->buffer_size);
        }
      memcpy (self->buffer + self->buffer_len, data, amount);
      self->buffer_len += amount;
      return SQLITE_OK;
    }
  rc = flush (self);
  if (rc != SQLITE_OK)
    return rc;
  /* As large as the buffer (SQLite's own writes are at most a page and a frame header). */
  if (amount >= WRITE_MAX)
    return self->real->pMethods->xWrite (self->real, data, amount, offset);
  if (amount > self->buffer_size)
    {
      self->buffer_size = MAX (amount, 64 * 1024);
      self->buffer = g_realloc (self->buffer, self->buffer_size);
    }
  memcpy (self->buffer, data, amount);
  self->buffer_offset = offset;
  self->buffer_len = amount;
  return SQLITE_OK;
}

static int
wal_truncate (sqlite3_file *file, sqlite3_int64 size)
{
  WalFile *self = (WalFile *) file;
  int rc = flush (self);

  return rc != SQLITE_OK ? rc : self->real->pMethods->xTruncate (self->real, size);
}

static int
wal_sync (sqlite3_file *file, int flags)
{
  WalFile *self = (WalFile *) file;
  int rc = flush (self);

  return rc != SQLITE_OK ? rc : self->real->pMethods->xSync (self->real, flags);
}

static int
wal_file_size (sqlite3_file *file, sqlite3_int64 *out_size)
{
  WalFile *self = (WalFile *) file;
  int rc = flush (self);

  return rc != SQLITE_OK ? rc : self->real->pMethods->xFileSize (self->real, out_size);
}

static int
wal_lock (sqlite3_file *file, int lock)
{
  WalFile *self = (WalFile *) file;

  return self->real->pMethods->xLock (self->real, lock);
}

static int
wal_unlock (sqlite3_file *file, int lock)
{
  WalFile *self = (WalFile *) file;

  return self->real->pMethods->xUnlock (self->real, lock);
}

static int
wal_check_reserved_lock (sqlite3_file *file, int *out_reserved)
{
  WalFile *self = (WalFile *) file;

  return self->real->pMethods->xCheckReservedLock (self->real, out_reserved);
}

static int
wal_file_control (sqlite3_file *file, int op, void *arg)
{
  WalFile *self = (WalFile *) file;
  int rc = flush (self);

  return rc != SQLITE_OK ? rc : self->real->pMethods->xFileControl (self->real, op, arg);
}

static int
wal_sector_size (sqlite3_file *file)
{
  WalFile *self = (WalFile *) file;

  return self->real->pMethods->xSectorSize (self->real);
}

static int
wal_device_characteristics (sqlite3_file *file)
{
  WalFile *self = (WalFile *) file;

  return self->real->pMethods->xDeviceCharacteristics (self->real);
}

/* A log has no shared memory of its own and is not memory-mapped (the database file is): these
 * are only there for a complete version 3 method table. */
static int
wal_shm_map (sqlite3_file *file, int region, int size, int extend, void volatile **out_map)
{
  WalFile *self = (WalFile *) file;

  if (self->real->pMethods->iVersion < 2)
    return SQLITE_IOERR_SHMMAP;
  return self->real->pMethods->xShmMap (self->real, region, size, extend, out_map);
}

static int
wal_shm_lock (sqlite3_file *file, int offset, int n, int flags)
{
  WalFile *self = (WalFile *) file;

  if (self->real->pMethods->iVersion < 2)
    return SQLITE_IOERR_SHMLOCK;
  return self->real->pMethods->xShmLock (self->real, offset, n, flags);
}

static void
wal_shm_barrier (sqlite3_file *file)
{
  WalFile *self = (WalFile *) file;

  if (self->real->pMethods->iVersion >= 2)
    self->real->pMethods->xShmBarrier (self->real);
}

static int
wal_shm_unmap (sqlite3_file *file, int delete_flag)
{
  WalFile *self = (WalFile *) file;

  if (self->real->pMethods->iVersion < 2)
    return SQLITE_OK;
  return self->real->pMethods->xShmUnmap (self->real, delete_flag);
}

static int
wal_fetch (sqlite3_file *file, sqlite3_int64 offset, int amount, void **out_data)
{
  WalFile *self = (WalFile *) file;
  int rc = flush (self);

  *out_data = NULL;
  if (rc != SQLITE_OK || self->real->pMethods->iVersion < 3)
    return rc;
  return self->real->pMethods->xFetch (self->real, offset, amount, out_data);
}

static int
wal_unfetch (sqlite3_file *file, sqlite3_int64 offset, void *data)
{
  WalFile *self = (WalFile *) file;

  if (self->real->pMethods->iVersion < 3)
    return SQLITE_OK;
  return self->real->pMethods->xUnfetch (self->real, offset, data);
}

static const sqlite3_io_methods wal_methods = {
  .iVersion = 3,
  .xClose = wal_close,
  .xRead = wal_read,
  .xWrite = wal_write,
  .xTruncate = wal_truncate,
  .xSync = wal_sync,
  .xFileSize = wal_file_size,
  .xLock = wal_lock,
  .xUnlock = wal_unlock,
  .xCheckReservedLock = wal_check_reserved_lock,
  .xFileControl = wal_file_control,
  .xSectorSize = wal_sector_size,
  .xDeviceCharacteristics = wal_device_characteristics,
  .xShmMap = wal_shm_map,
  .xShmLock = wal_shm_lock,
  .xShmBarrier = wal_shm_barrier,
  .xShmUnmap = wal_shm_unmap,
  .xFetch = wal_fetch,
  .xUnfetch = wal_unfetch,
};

static int
wal_vfs_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
  WalFile *self = (WalFile *) file;
  int rc;

  /* Everything but a log is the default VFS's file as it is (file has room for it). */
  if ((flags & SQLITE_OPEN_WAL) == 0)
    return parent_vfs->xOpen (parent_vfs, name, file, flags, out_flags);

  memset (self, 0, sizeof *self);
  self->real = (sqlite3_file *) &self[1];
  rc = parent_vfs->xOpen (parent_vfs, name, self->real, flags, out_flags);
  if (rc != SQLITE_OK)
    {
      if (self->real->pMethods != NULL)
        self->real->pMethods->xClose (self->real);
      self->base.pMethods = NULL;
      return rc;
    }
  self->base.pMethods = &wal_methods;
  return SQLITE_OK;
}

const char *
sb_sqlite_wal_vfs_register (void)
{
  static gsize registered = 0;
  static const char *result = NULL;

  if (g_once_init_enter (&registered))
    {
      parent_vfs = sqlite3_vfs_find (NULL);
      if (parent_vfs == NULL)
        g_warning ("SQLite has no default VFS: the log's writes are not gathered");
      else
        {
          /* The default VFS's methods, which only read the fields copied here (pAppData, the
           * lengths), for everything but opening. */
          wal_vfs = *parent_vfs;
          wal_vfs.pNext = NULL;
          wal_vfs.zName = SB_SQLITE_WAL_VFS_NAME;
          wal_vfs.szOsFile = (int) sizeof (WalFile) + parent_vfs->szOsFile;
          wal_vfs.xOpen = wal_vfs_open;
          if (sqlite3_vfs_register (&wal_vfs, 0) == SQLITE_OK)
            result = SB_SQLITE_WAL_VFS_NAME;
          else
            g_warning ("Cannot register the SQLite VFS %s", SB_SQLITE_WAL_VFS_NAME);
        }
      g_once_init_leave (&registered, 1);
    }
  return result;
}
