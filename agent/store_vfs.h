/* store_vfs: SQLite's default VFS with one change - the WAL file's writes
 * are gathered in memory and written in one call when a commit's last
 * frame is written (or the buffer is full, or anything reads, syncs,
 * sizes or truncates the file). SQLite writes each WAL frame as two
 * writes (its 24-byte header, then the page), so a turn that wrote 44
 * pages made 88 write calls, each costing the kernel a page-cache lookup
 * on two or three pages: measured under the settled handshake benchmark,
 * the commit's writes took about a fifth of the agent's SQLite time.
 *
 * Durability is unchanged: a commit's frames are all in the kernel (the
 * bytes the plain VFS would have written, in the same order) before the
 * write of its last frame returns, so before its COMMIT returns; a
 * failure (a full disk) is returned by that write, and the commit fails
 * as it did. Syncs (--fsync, checkpoints) write out what is gathered
 * first. Only the WAL file is wrapped: the database file and the WAL
 * index are the default VFS's own.
 */
#ifndef AGENT_STORE_VFS_H
#define AGENT_STORE_VFS_H

#include <stddef.h>

/* The name to open stores with (sqlite3_open_v2's zVfs). Registers the
 * VFS the first time (process-wide, as SQLite's VFS list is; not the
 * default one); NULL if it cannot, and then the default VFS is used. */
const char *store_vfs_name(void);

struct sqlite3;
/* The gather buffer of db's WAL (124 KB, allocated at the first write)
 * is freed if it holds nothing: for a quiet store. The next commit
 * allocates it again. Nothing if db's WAL is not this VFS's. */
void store_vfs_shed(struct sqlite3 *db);
/* Bytes of memory db's WAL gather buffer holds (for tests): 0 after a
 * shed, until the next write. */
size_t store_vfs_buffered(struct sqlite3 *db);

#endif
