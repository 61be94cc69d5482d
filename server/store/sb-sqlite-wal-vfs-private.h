/* sb-sqlite-wal-vfs-private.h: the SQLite VFS the store opens its database with: the system's
 * default VFS, except that the writes to a write-ahead log are gathered in memory and written in
 * one system call when SQLite syncs, reads, truncates or closes the log (sb-sqlite-wal-vfs.c).
 * Private to server/store/. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SB_SQLITE_WAL_VFS_NAME "seatbook-wal"

/* Registers the VFS (once; not as the default) and returns its name, or NULL (logged) if SQLite
 * has no default VFS to wrap. */
const char *sb_sqlite_wal_vfs_register (void);

G_END_DECLS
