/* store_vfs: see store_vfs.h. A shim over the default VFS: xOpen opens
 * every file with it, in the same memory; a WAL file gets methods that
 * gather its writes, in a buffer owned by the file. */
#include "store_vfs.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Bytes gathered before they are written anyway (a commit of the handshake
 * benchmark is ~45 frames, 185 KB: two writes). The default VFS writes at
 * most 128 KB - 1 in one call (os_unix.c, seekAndWriteFd) and takes a
 * longer write that came up short for a full disk. */
#define S_GATHER_BYTES (124 * 1024)
/* A WAL frame header (the frame's page follows it, written separately). */
#define S_FRAME_HDR 24

#define S_VFS_NAME "vpcsim-gather"

typedef struct gfile {
    sqlite3_file base;      /* base.pMethods = &s_wal_io */
    sqlite3_file *real;     /* the default VFS's file, after this struct */
    uint8_t *buf;           /* bytes gathered for [off, off + len) */
    size_t len;
    sqlite3_int64 off;
    bool in_commit;         /* the last header was a commit frame's: write through */
} gfile_t;

static sqlite3_vfs s_vfs;   /* registered once, then read-only */

static sqlite3_vfs *s_real(void)
{
    return s_vfs.pAppData;
}

static size_t s_real_offset(void)
{
    return (sizeof(gfile_t) + 15) & ~(size_t)15;
}

static int s_flush(gfile_t *g)
{
    if (g->len == 0)
        return SQLITE_OK;
    int rc = g->real->pMethods->xWrite(g->real, g->buf, (int)g->len, g->off);
    g->len = 0;
    return rc;
}

static int g_close(sqlite3_file *f)
{
    gfile_t *g = (gfile_t *)f;
    int rc = s_flush(g);
    int rc2 = g->real->pMethods->xClose(g->real);
    free(g->buf);
    g->buf = NULL;
    return rc != SQLITE_OK ? rc : rc2;
}

static int g_read(sqlite3_file *f, void *p, int amt, sqlite3_int64 off)
{
    gfile_t *g = (gfile_t *)f;
    int rc = s_flush(g);
    return rc != SQLITE_OK ? rc : g->real->pMethods->xRead(g->real, p, amt, off);
}

static uint32_t s_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int g_write(sqlite3_file *f, const void *p, int amt, sqlite3_int64 off)
{
    gfile_t *g = (gfile_t *)f;
    /* A frame header's second word is the database size in pages after a
     * commit, 0 in the other frames of a transaction. From a commit
     * frame's header until the next transaction's first, every write goes
     * through: the commit's frames (and --fsync's padding) are then in the
     * kernel before the write that completes them returns. */
    if (amt == S_FRAME_HDR)
        g->in_commit = s_get32((const uint8_t *)p + 4) != 0;
    size_t n = (size_t)amt;
    if (g->len > 0 && off == g->off + (sqlite3_int64)g->len && g->len + n <= S_GATHER_BYTES) {
        memcpy(g->buf + g->len, p, n);
        g->len += n;
        return g->in_commit && amt != S_FRAME_HDR ? s_flush(g) : SQLITE_OK;
    }
    int rc = s_flush(g);
    if (rc != SQLITE_OK)
        return rc;
    if (!g->buf && n < S_GATHER_BYTES)
        g->buf = malloc(S_GATHER_BYTES);   /* none: written as they come */
    if (!g->buf || n >= S_GATHER_BYTES || (g->in_commit && amt != S_FRAME_HDR))
        return g->real->pMethods->xWrite(g->real, p, amt, off);
    memcpy(g->buf, p, n);
    g->len = n;
    g->off = off;
    return SQLITE_OK;
}

static int g_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    gfile_t *g = (gfile_t *)f;
    int rc = s_flush(g);
    return rc != SQLITE_OK ? rc : g->real->pMethods->xTruncate(g->real, size);
}

static int g_sync(sqlite3_file *f, int flags)
{
    gfile_t *g = (gfile_t *)f;
    int rc = s_flush(g);
    return rc != SQLITE_OK ? rc : g->real->pMethods->xSync(g->real, flags);
}

static int g_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    gfile_t *g = (gfile_t *)f;
    int rc = s_flush(g);
    return rc != SQLITE_OK ? rc : g->real->pMethods->xFileSize(g->real, size);
}

static int g_lock(sqlite3_file *f, int lock)
{
    gfile_t *g = (gfile_t *)f;
    return g->real->pMethods->xLock(g->real, lock);
}

static int g_unlock(sqlite3_file *f, int lock)
{
    gfile_t *g = (gfile_t *)f;
    return g->real->pMethods->xUnlock(g->real, lock);
}

static int g_check_reserved(sqlite3_file *f, int *out)
{
    gfile_t *g = (gfile_t *)f;
    return g->real->pMethods->xCheckReservedLock(g->real, out);
}

static int g_file_control(sqlite3_file *f, int op, void *arg)
{
    gfile_t *g = (gfile_t *)f;
    int rc = s_flush(g);
    return rc != SQLITE_OK ? rc : g->real->pMethods->xFileControl(g->real, op, arg);
}

static int g_sector_size(sqlite3_file *f)
{
    gfile_t *g = (gfile_t *)f;
    return g->real->pMethods->xSectorSize(g->real);
}

static int g_device_characteristics(sqlite3_file *f)
{
    gfile_t *g = (gfile_t *)f;
    return g->real->pMethods->xDeviceCharacteristics(g->real);
}

/* Version 1 methods: SQLite uses no shared memory or mmap on a WAL file. */
static const sqlite3_io_methods s_wal_io = {
    .iVersion = 1,
    .xClose = g_close,
    .xRead = g_read,
    .xWrite = g_write,
    .xTruncate = g_truncate,
    .xSync = g_sync,
    .xFileSize = g_file_size,
    .xLock = g_lock,
    .xUnlock = g_unlock,
    .xCheckReservedLock = g_check_reserved,
    .xFileControl = g_file_control,
    .xSectorSize = g_sector_size,
    .xDeviceCharacteristics = g_device_characteristics,
};

static int g_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    (void)vfs;
    sqlite3_vfs *real = s_real();
    if (!(flags & SQLITE_OPEN_WAL))     /* the default VFS's file, as is */
        return real->xOpen(real, name, f, flags, out_flags);
    gfile_t *g = (gfile_t *)f;
    memset(g, 0, sizeof *g);
    g->real = (sqlite3_file *)((char *)f + s_real_offset());
    int rc = real->xOpen(real, name, g->real, flags, out_flags);
    /* SQLite calls xClose on a file whose pMethods is set, failed or not. */
    g->base.pMethods = g->real->pMethods ? &s_wal_io : NULL;
    return rc;
}

/* The rest are the default VFS's. */
static int v_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
    (void)v;
    return s_real()->xDelete(s_real(), name, sync_dir);
}

static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    (void)v;
    return s_real()->xAccess(s_real(), name, flags, out);
}

static int v_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
    (void)v;
    return s_real()->xFullPathname(s_real(), name, n, out);
}

static void *v_dl_open(sqlite3_vfs *v, const char *name)
{
    (void)v;
    return s_real()->xDlOpen(s_real(), name);
}

static void v_dl_error(sqlite3_vfs *v, int n, char *msg)
{
    (void)v;
    s_real()->xDlError(s_real(), n, msg);
}

static void (*v_dl_sym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
    (void)v;
    return s_real()->xDlSym(s_real(), h, sym);
}

static void v_dl_close(sqlite3_vfs *v, void *h)
{
    (void)v;
    s_real()->xDlClose(s_real(), h);
}

static int v_randomness(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return s_real()->xRandomness(s_real(), n, out);
}

static int v_sleep(sqlite3_vfs *v, int us)
{
    (void)v;
    return s_real()->xSleep(s_real(), us);
}

static int v_current_time(sqlite3_vfs *v, double *out)
{
    (void)v;
    return s_real()->xCurrentTime(s_real(), out);
}

static int v_last_error(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return s_real()->xGetLastError ? s_real()->xGetLastError(s_real(), n, out) : 0;
}

static int v_current_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    (void)v;
    return s_real()->xCurrentTimeInt64(s_real(), out);
}

const char *store_vfs_name(void)
{
    if (sqlite3_vfs_find(S_VFS_NAME))
        return S_VFS_NAME;
    sqlite3_vfs *real = sqlite3_vfs_find(NULL);
    if (!real || real->iVersion < 2 || !real->xCurrentTimeInt64)
        return NULL;
    size_t sz = s_real_offset() + (size_t)real->szOsFile;
    s_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)(sz > (size_t)real->szOsFile ? sz : (size_t)real->szOsFile),
        .mxPathname = real->mxPathname,
        .zName = S_VFS_NAME,
        .pAppData = real,
        .xOpen = g_open,
        .xDelete = v_delete,
        .xAccess = v_access,
        .xFullPathname = v_full_pathname,
        .xDlOpen = v_dl_open,
        .xDlError = v_dl_error,
        .xDlSym = v_dl_sym,
        .xDlClose = v_dl_close,
        .xRandomness = v_randomness,
        .xSleep = v_sleep,
        .xCurrentTime = v_current_time,
        .xGetLastError = v_last_error,
        .xCurrentTimeInt64 = v_current_time64,
    };
    return sqlite3_vfs_register(&s_vfs, 0) == SQLITE_OK ? S_VFS_NAME : NULL;
}

/* db's WAL file, if it is one of ours (SQLite hands out the WAL's file
 * object for SQLITE_FCNTL_JOURNAL_POINTER in WAL mode). */
static gfile_t *s_wal_of(sqlite3 *db)
{
    sqlite3_file *f = NULL;
    if (!db || sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f) != SQLITE_OK ||
        !f || f->pMethods != &s_wal_io)
        return NULL;
    return (gfile_t *)f;
}

void store_vfs_shed(sqlite3 *db)
{
    gfile_t *g = s_wal_of(db);
    if (g && g->len == 0) {
        free(g->buf);
        g->buf = NULL;
    }
}

size_t store_vfs_buffered(sqlite3 *db)
{
    gfile_t *g = s_wal_of(db);
    return g && g->buf ? S_GATHER_BYTES : 0;
}
