#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evlog_migrate.h"
#include "lazymem.h"
#include "log.h"
#include "simclock.h"
#include "store_held.h"
#include "store_objmap.h"
#include "store_priv.h"
#include "store_vfs.h"

/* The layout this agent writes. 0: before issue 15 (no checksums);
 * 1: objects.sum, the damaged table; 2: objects.doc holds binary records
 * (proto/store.proto, BLOB values) next to the JSON text of older rows;
 * 3: the event log in batches (event_batches, evlog_codec.c) instead of
 * one row per event; 4: objects without AUTOINCREMENT and without the
 * index on id (S_OBJECTS_V4); 5: a peer's security-group directory
 * ("sgpeer-...") is a binary record too (StoredSgDir). A store with a
 * larger number was written by a newer vpcsim: refused, never guessed at.
 * Each step of s_migrate runs for the stores below it. */
#define S_SCHEMA_VERSION 5

static const char *const s_sql[Q__COUNT] = {
    /* Rows are found by seq (store_objmap); the id check would catch a map
     * out of step with the table. */
    [Q_PUT] = "UPDATE objects SET doc = ?2, sum = ?3 WHERE seq = ?4 AND id = ?1",
    [Q_INS] = "INSERT INTO objects(id, doc, sum) VALUES(?1, ?2, ?3)",
    [Q_DEL] = "DELETE FROM objects WHERE seq = ?1",
    [Q_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [Q_META_SET] = "INSERT INTO meta(key, value) VALUES(?1, ?2) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [Q_OUT_PUT] = "INSERT OR REPLACE INTO outbox(msg_id, to_vpc_arn, to_account, to_region, payload, "
                  "sealed) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_OUT_DEL] = "DELETE FROM outbox WHERE msg_id = ?1",
    [Q_SEEN_ADD] = "INSERT OR IGNORE INTO seen(sender, msg_id) VALUES(?1, ?2)",
    [Q_FLOOR_GET] = "SELECT floor FROM floors WHERE sender = ?1 AND epoch = ?2",
    [Q_FLOOR_SET] = "INSERT INTO floors(sender, epoch, floor) VALUES(?1, ?2, ?3) "
                    "ON CONFLICT(sender, epoch) DO UPDATE SET floor = max(floor, excluded.floor)",
    [Q_SEEN_PRUNE] = "DELETE FROM seen WHERE sender = ?1 AND msg_id < ?2",
    [Q_SEEN_COUNT] = "SELECT count(*) FROM seen",
    [Q_SEEN_ADD_MANY] = "INSERT OR IGNORE INTO seen(sender, msg_id) VALUES "
                        "(?1, ?2), (?3, ?4), (?5, ?6), (?7, ?8), (?9, ?10), (?11, ?12), "
                        "(?13, ?14), (?15, ?16), (?17, ?18), (?19, ?20), (?21, ?22), (?23, ?24), "
                        "(?25, ?26), (?27, ?28), (?29, ?30), (?31, ?32), (?33, ?34), (?35, ?36), "
                        "(?37, ?38), (?39, ?40), (?41, ?42), (?43, ?44), (?45, ?46), (?47, ?48), "
                        "(?49, ?50), (?51, ?52), (?53, ?54), (?55, ?56), (?57, ?58), (?59, ?60), "
                        "(?61, ?62), (?63, ?64)",
    [Q_SEEN_GET] = "SELECT 1 FROM seen WHERE sender = ?1 AND msg_id = ?2",
    [Q_SEEN_MAX] = "SELECT max(msg_id) FROM seen WHERE sender = ?1",
    [Q_OUT_DEL_RANGE] = "DELETE FROM outbox WHERE msg_id BETWEEN ?1 AND ?2",
    [Q_OUT_PUT_MANY] = "INSERT OR REPLACE INTO outbox(msg_id, to_vpc_arn, to_account, to_region, "
                       "payload, sealed) VALUES "
                       "(?1, ?2, ?3, ?4, ?5, ?6), (?7, ?8, ?9, ?10, ?11, ?12), (?13, ?14, ?15, ?16, ?17, ?18), "
                       "(?19, ?20, ?21, ?22, ?23, ?24), (?25, ?26, ?27, ?28, ?29, ?30), (?31, ?32, ?33, ?34, ?35, ?36), "
                       "(?37, ?38, ?39, ?40, ?41, ?42), (?43, ?44, ?45, ?46, ?47, ?48), (?49, ?50, ?51, ?52, ?53, ?54), "
                       "(?55, ?56, ?57, ?58, ?59, ?60), (?61, ?62, ?63, ?64, ?65, ?66), (?67, ?68, ?69, ?70, ?71, ?72), "
                       "(?73, ?74, ?75, ?76, ?77, ?78), (?79, ?80, ?81, ?82, ?83, ?84), (?85, ?86, ?87, ?88, ?89, ?90), "
                       "(?91, ?92, ?93, ?94, ?95, ?96)",
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
};

/* Objects in creation order (seq, the rowid); found by id through the
 * store's map of id -> seq (store_objmap.h), which keeps ids unique. A new
 * object takes the largest seq + 1 (SQLite's rowid default: a seek to the
 * last row, where the insert goes anyway); a seq freed by deleting the
 * newest object may be taken again, which orders the same. Measured under
 * the handshake benchmark, per handshake: keyed by id instead (WITHOUT
 * ROWID), the rows lie in the order of their random ids and a turn's
 * writes touch a page per object, 2.5 times the WAL bytes; an index on id
 * takes each new object at a random leaf, a quarter of the WAL frames. */
#define S_OBJECTS_V4(name)                                                          \
    "CREATE TABLE IF NOT EXISTS " name "(seq INTEGER PRIMARY KEY,"                \
    "  id TEXT NOT NULL, doc BLOB NOT NULL, sum INTEGER);"

/* 1 KiB pages for a new store (an older one keeps its own): a turn's
 * commit writes each page it touched to the WAL whole, checksummed, and a
 * turn of one message touches a few rows in each of several tables; with
 * 4 KiB pages the WAL frames were half of a lone message's instructions
 * (bench/instr.sh at window 1: 697k -> 594k per handshake in the
 * requester; one handshake at a time 5% faster; no change with many in
 * flight, whose turns fill their pages anyway). */
static const char s_schema[] =
    "PRAGMA page_size=1024;"
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    S_OBJECTS_V4("objects")
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS outbox(msg_id INTEGER PRIMARY KEY, to_vpc_arn TEXT,"
    "  to_account TEXT, to_region TEXT, payload BLOB NOT NULL,"
    "  sealed INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS seen(sender TEXT NOT NULL, msg_id INTEGER NOT NULL,"
    "  PRIMARY KEY(sender, msg_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS floors(sender TEXT NOT NULL, epoch INTEGER NOT NULL,"
    "  floor INTEGER NOT NULL, PRIMARY KEY(sender, epoch)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS damaged(id TEXT NOT NULL, doc TEXT, sum INTEGER,"
    "  why TEXT NOT NULL, moved_at_ms INTEGER NOT NULL);";

/* A checkpoint once a commit takes the WAL past this many bytes of pages
 * (4000 pages of 4 KiB; 16000 of a new store's 1 KiB), and the WAL file
 * cut back to S_WAL_LIMIT_BYTES after one. Measured under the settled
 * handshake benchmark with 4 KiB pages: at 1000 pages a checkpoint ran
 * every ~20 turns, and copied about half of the WAL's frames (a hot page
 * is copied once however often the turns rewrote it) and fsynced the file,
 * and the WAL's restart fsynced its header: about 5 us of CPU a handshake,
 * more in waiting. At 4000, less than half of that; the WAL index grows by
 * 32 KB of shared memory per 4000 pages, the page cache not at all. */
#define S_CKPT_BYTES (16 * 1024 * 1024)
#define S_WAL_LIMIT_BYTES (20 * 1024 * 1024)
/* SQLite's page cache, in KiB (a negative cache_size): up to 64 MB, of
 * which a store uses only what it has read. The default, 2 MB, held 2,000
 * of our 1 KiB pages: once the store outgrew it (a few thousand
 * connections, their events, the outbox), the random ids of each turn's
 * lookups missed it and every miss was a pread of a WAL frame or a page
 * (strace of the accepter under bench/run.sh's settled run: 1.4 preads a
 * handshake, 0.2 with this cache; the requester 2.1 -> 0.9, the rest
 * being the checkpoint's copies). Six settled runs of 4,000 in a row on
 * one cluster fell from 9,200 to 7,300/s with the default, 9,100 to
 * 8,000/s with this. A small agent (bench/scale.sh's 100 VPCs) keeps a
 * small cache. */
#define S_CACHE_KIB (-65536)

/* The checksum of a record: SipHash-2-4 (libsodium's shorthash) of the
 * document and of the id, under two fixed keys, so that a document moved
 * to another id is damage too. It guards against accidents (a torn or
 * edited record), not attackers, who could recompute it: a keyed MAC
 * would need a secret the agent keeps elsewhere. SipHash costs about
 * half of BLAKE2b per record here (1.2 against 2.6-4.4 us for 1.5 KB).
 * It covers the record's bytes, whatever their form: a JSON row written
 * by schema version 1 keeps its sum. */
static int64_t s_sum(const char *id, const void *doc, size_t len)
{
    static const uint8_t k_doc[crypto_shorthash_KEYBYTES] = "vpcsim-store-doc";
    static const uint8_t k_id[crypto_shorthash_KEYBYTES] = "vpcsim-store-id";
    uint8_t a[crypto_shorthash_BYTES], b[crypto_shorthash_BYTES];
    crypto_shorthash(a, (const uint8_t *)(len ? doc : ""), len, k_doc);
    crypto_shorthash(b, (const uint8_t *)id, strlen(id), k_id);
    uint64_t v = 0;
    for (size_t i = 0; i < sizeof a; i++)
        v = v << 8 | (uint8_t)(a[i] ^ b[i]);
    return (int64_t)(v >> 1);    /* SQLite integers are signed */
}

static int s_user_version(sqlite3 *db, int *v)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(q);
    *v = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* The whole file, page by page: damage below the records (a torn or
 * overwritten page) is named here, before anything is loaded. */
static int s_quick_check(sqlite3 *db, const char *path, char *err, size_t errlen)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA quick_check(3)", -1, &q, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s is damaged: %s", path, sqlite3_errmsg(db));
        return -1;
    }
    char found[300] = "";
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(q, 0);
        if (line && strcmp(line, "ok") != 0 && !found[0])
            snprintf(found, sizeof found, "%s", line);
    }
    if (rc != SQLITE_DONE && !found[0])
        snprintf(found, sizeof found, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(q);
    if (found[0]) {
        snprintf(err, errlen, "%s is damaged: %s", path, found);
        return -1;
    }
    return 0;
}

/* 0 -> 1: stores made before the outbox had `sealed` or objects had `sum`
 * get the columns (each ALTER fails harmlessly where the column exists),
 * then every record its checksum. SQLITE_DONE or the failing code. */
static int s_to_v1(sqlite3 *db)
{
    sqlite3_exec(db, "ALTER TABLE outbox ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0", NULL,
                 NULL, NULL);
    sqlite3_exec(db, "ALTER TABLE objects ADD COLUMN sum INTEGER", NULL, NULL, NULL);
    sqlite3_stmt *sel = NULL, *upd = NULL;
    if (sqlite3_prepare_v2(db, "SELECT id, doc FROM objects WHERE sum IS NULL", -1, &sel, NULL)
            != SQLITE_OK ||
        sqlite3_prepare_v2(db, "UPDATE objects SET sum = ?2 WHERE id = ?1", -1, &upd, NULL)
            != SQLITE_OK) {
        sqlite3_finalize(sel);
        return SQLITE_ERROR;
    }
    int rc;
    while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(sel, 0);
        const char *doc = (const char *)sqlite3_column_text(sel, 1);
        sqlite3_bind_text(upd, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(upd, 2, s_sum(id, doc ? doc : "", doc ? strlen(doc) : 0));
        int u = sqlite3_step(upd);
        sqlite3_reset(upd);
        if (u != SQLITE_DONE) {
            rc = u;
            break;
        }
    }
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    return rc;
}

/* 3 -> 4: objects loses AUTOINCREMENT and its id index: the table is
 * copied row for row (every id, seq, doc in whatever form, and sum,
 * damaged or not) into the new one, and its sqlite_sequence row goes. A
 * store created by this version already has the new table (s_schema):
 * nothing to do. SQLITE_OK or the failing code. */
static int s_to_v4(sqlite3 *db)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                "name = 'objects' AND sql LIKE '%AUTOINCREMENT%'", -1, &q, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc == SQLITE_DONE)
        return SQLITE_OK;
    if (rc != SQLITE_ROW)
        return rc;
    return sqlite3_exec(db,
                        S_OBJECTS_V4("objects_v4")
                        "INSERT INTO objects_v4(seq, id, doc, sum) "
                        "  SELECT seq, id, doc, sum FROM objects ORDER BY seq;"
                        "DROP TABLE objects;"
                        "ALTER TABLE objects_v4 RENAME TO objects;"
                        "DELETE FROM sqlite_sequence WHERE name = 'objects';",
                        NULL, NULL, NULL);
}

/* Brings an older layout up to S_SCHEMA_VERSION in one transaction. */
static int s_migrate(sqlite3 *db, const char *path, char *err, size_t errlen)
{
    int v = 0;
    if (s_user_version(db, &v) != 0) {
        snprintf(err, errlen, "cannot read the schema version of %s: %s", path, sqlite3_errmsg(db));
        return -1;
    }
    if (v > S_SCHEMA_VERSION) {
        snprintf(err, errlen, "%s has schema version %d, written by a newer vpcsim-agent; this "
                 "one knows versions up to %d and will not guess", path, v, S_SCHEMA_VERSION);
        return -1;
    }
    if (v == S_SCHEMA_VERSION)
        return 0;
    /* One transaction for every step from v up. */
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    if (v < 1 && s_to_v1(db) != SQLITE_DONE)
        goto rollback;
    if (v < 2) {
        /* 1 -> 2: objects.doc may now hold BLOB records. SQLite stores a
         * value with its own type whatever the column's declared affinity,
         * so the TEXT column of an older store takes them as is; its JSON
         * rows stay, load as before (first byte '{') and keep their sums,
         * which cover the same bytes. Nothing to rewrite: only the version
         * moves, so that an older agent, which could not read the new
         * records, refuses the store. */
    }
    /* 2 -> 3: the event log's rows become batches (agent/evlog_migrate.c). */
    char why[256];
    if (v < 3 && evlog_migrate_v3(db, why, sizeof why) != 0) {
        snprintf(err, errlen, "cannot migrate %s to schema version 3: %s", path, why);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (v < 4 && s_to_v4(db) != SQLITE_OK)
        goto rollback;
    /* 4 -> 5: directories written from now on are binary records; the JSON
     * ones load as before. As for 2, only the version moves, so that an
     * older agent refuses the store rather than call those records damaged. */
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", S_SCHEMA_VERSION);
    if (sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        goto rollback;
    if (v > 0 || sqlite3_total_changes(db) > 0)
        VS_INFO("%s migrated from schema version %d to %d", path, v, S_SCHEMA_VERSION);
    return 0;
rollback:
    snprintf(err, errlen, "cannot migrate %s to schema version %d: %s", path, S_SCHEMA_VERSION,
             sqlite3_errmsg(db));
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
fail:
    snprintf(err, errlen, "cannot migrate %s: %s", path, sqlite3_errmsg(db));
    return -1;
}

/* ---- checkpoints ----------------------------------------------------------
 * SQLite's own autocheckpoint runs in the commit that pushes the WAL past
 * 1000 pages. Ours run from the agent's idle timer (store_checkpoint_idle),
 * off the turns; under steady load, on the checkpointer's thread
 * (store_ckpt.h) from when the WAL passes half of S_CKPT_BYTES, asked again
 * at every further eighth; and, as the backstop that bounds the WAL, in the
 * commit that pushes it past S_CKPT_BYTES, which then has only the frames
 * committed since the last background run to copy. All PASSIVE: never
 * waiting for a reader. */

static int s_checkpoint(store_t *st)
{
    int log = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    if (rc != SQLITE_OK) {
        /* BUSY: the checkpointer's thread holds the checkpoint lock; the
         * next commit tries again. */
        VS_DEBUG("store: checkpoint: %s", sqlite3_errmsg(st->db));
        return -1;
    }
    if (log >= 0 && done >= log)
        st->wal_pages = 0;     /* all copied: the next writer restarts the WAL */
    return 0;
}

/* Asks the checkpointer's thread for a checkpoint, starting it the first
 * time; if it cannot start, checkpoints stay in the commits (as before it
 * existed) and this says why once. */
static void s_ask_checkpoint(store_t *st, int pages)
{
    if (st->ckpt_off)
        return;
    if (!st->ckpt) {
        char err[256];
        const char *path = sqlite3_db_filename(st->db, "main");
        st->ckpt = store_ckpt_new(path, store_vfs_name(), err, sizeof err);
        if (!st->ckpt) {
            VS_WARN("store: %s; checkpoints stay in the commits", err);
            st->ckpt_off = true;
            return;
        }
    }
    if (store_ckpt_request(st->ckpt))
        st->ckpt_ask_at = pages + st->ckpt_pages / 8;
}

static int s_wal_hook(void *ctx, sqlite3 *db, const char *name, int pages)
{
    (void)db;
    (void)name;
    store_t *st = ctx;
    st->wal_pages = pages;
    st->commits++;
    if (pages < st->ckpt_pages / 2)
        st->ckpt_ask_at = st->ckpt_pages / 2;    /* a new WAL */
    if (pages >= st->ckpt_pages) {
        /* BUSY while the thread's run is under way: tried again at the next
         * commit. But a slow disk (the thread's fsyncs, measured with a
         * dd ... conv=fsync beside check_store_wal: the WAL reached 26-28
         * MB) would let the WAL outgrow its bound commit after commit, so
         * an eighth past the limit this commit waits for that run and
         * copies the rest: the disk's pace, not the WAL's size, gives. */
        if (s_checkpoint(st) != 0 && st->ckpt && pages >= st->ckpt_pages + st->ckpt_pages / 8) {
            store_ckpt_wait(st->ckpt);
            s_checkpoint(st);
        }
    } else if (pages >= st->ckpt_ask_at)
        s_ask_checkpoint(st, pages);
    return SQLITE_OK;
}

int store_checkpoint_idle(store_t *st)
{
    bool busy = st->commits != st->idle_seen;
    st->idle_seen = st->commits;
    if (busy || st->depth > 0 || st->wal_pages == 0)
        return 0;
    /* Quiet: let a background run end (it has copied most of the WAL) and
     * copy the rest here, so that the next writer can restart the WAL. */
    if (st->ckpt)
        store_ckpt_wait(st->ckpt);
    return s_checkpoint(st) == 0 ? 1 : -1;
}

int store_wal_pages(const store_t *st)
{
    return st->wal_pages;
}

uint64_t store_commits(const store_t *st)
{
    return st->commits;
}

void store_shed_memory(store_t *st)
{
    if (st->depth != 0)
        return;
    sqlite3_db_release_memory(st->db);
    /* What the last burst's commits kept between them: the buffers of the
     * records and outbox rows held for a commit, and the WAL's gather
     * buffer (124 KB): up to ~300 KB in an agent of bench/scale.sh. */
    store_held_shed(st->held);
    store__shed_outbox(st);
    store_vfs_shed(st->db);
}

size_t store_scratch_bytes(const store_t *st)
{
    return store_held_bytes(st->held) + store__outbox_bytes(st) + store_vfs_buffered(st->db);
}

int store_global_init(void)
{
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK ? 0 : -1;
}

/* The map of every object row, from the table. An id stored twice (the
 * table no longer refuses one: an edit behind our back, or a bug) is
 * damage, named: which of the two is the object is not ours to guess. */
static int s_load_objmap(store_t *st, const char *path, char *err, size_t errlen)
{
    sqlite3_stmt *q = NULL;
    if (!(st->objs = store_objmap_new()) || !(st->held = store_held_new())) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (sqlite3_prepare_v2(st->db, "SELECT seq, id FROM objects", -1, &q, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot read %s: %s", path, sqlite3_errmsg(st->db));
        return -1;
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(q, 0), other = 0;
        const char *id = (const char *)sqlite3_column_text(q, 1);
        if (!id)
            id = "";
        if (store_objmap_get(st->objs, id, &other)) {
            snprintf(err, errlen, "%s is damaged: object %.64s is stored twice (rows %lld and "
                     "%lld)", path, id, (long long)other, (long long)seq);
            sqlite3_finalize(q);
            return -1;
        }
        if (store_objmap_add(st->objs, id, seq) != 0) {
            snprintf(err, errlen, "out of memory");
            sqlite3_finalize(q);
            return -1;
        }
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "cannot read %s: %s", path, sqlite3_errmsg(st->db));
        return -1;
    }
    return 0;
}

store_t *store_open(const char *dir, char *err, size_t errlen)
{
    struct stat sb;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create data dir %s: %s", dir, strerror(errno));
        return NULL;
    }
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "data dir %s is not a directory", dir);
        return NULL;
    }
    if (sodium_init() < 0) {
        snprintf(err, errlen, "cannot initialise libsodium");
        return NULL;
    }
    /* The lock is a kernel lock on the store file itself, held through an
     * fd kept open: deleting a lock file can no longer let a second agent
     * in. flock and SQLite's own fcntl locks do not interact on Linux. */
    char path[4096];
    snprintf(path, sizeof path, "%s/agent.db", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write in data dir %s: %s", dir, strerror(errno));
        return NULL;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        snprintf(err, errlen, "data dir %s is in use by another agent", dir);
        close(fd);
        return NULL;
    }
    /* Most of a store_t is its dedup floors, filled from the front: mapped
     * lazily, a store with few senders keeps only the pages it used. */
    store_t *st = lazymem_alloc(sizeof *st);
    if (!st) {
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    st->lock_fd = fd;
    st->rl = (vs_ratelimit_t)VS_RATELIMIT_INIT(60000, 3);   /* a full disk: probes fail each second */
    /* The WAL's writes gathered per commit (store_vfs.h). */
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX, store_vfs_name()) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path,
                 st->db ? sqlite3_errmsg(st->db) : "out of memory");
        store_close(&st);
        return NULL;
    }
    sqlite3_busy_timeout(st->db, 2000);
    if (s_quick_check(st->db, path, err, errlen) != 0) {
        store_close(&st);
        return NULL;
    }
    int version = 0;
    if (s_user_version(st->db, &version) == 0 && version > S_SCHEMA_VERSION) {
        s_migrate(st->db, path, err, errlen);    /* says why */
        store_close(&st);
        return NULL;
    }
    char *msg = NULL;
    if (sqlite3_exec(st->db, s_schema, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "cannot initialise %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        store_close(&st);
        return NULL;
    }
    if (s_migrate(st->db, path, err, errlen) != 0 ||
        s_load_objmap(st, path, err, errlen) != 0) {
        store_close(&st);
        return NULL;
    }
    /* Checkpoints are ours (s_wal_hook, store_checkpoint_idle), and the
     * WAL file is cut back to a bound after each one. */
    char limit[96];
    snprintf(limit, sizeof limit, "PRAGMA journal_size_limit=%d; PRAGMA cache_size=%d",
             S_WAL_LIMIT_BYTES, S_CACHE_KIB);
    if (sqlite3_exec(st->db, limit, NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot set the WAL size limit or the cache size: %s",
                 sqlite3_errmsg(st->db));
        store_close(&st);
        return NULL;
    }
    st->ckpt_pages = S_CKPT_BYTES / 4096;
    sqlite3_stmt *ps = NULL;
    if (sqlite3_prepare_v2(st->db, "PRAGMA page_size", -1, &ps, NULL) == SQLITE_OK &&
        sqlite3_step(ps) == SQLITE_ROW && sqlite3_column_int(ps, 0) >= 512)
        st->ckpt_pages = S_CKPT_BYTES / sqlite3_column_int(ps, 0);
    sqlite3_finalize(ps);
    st->ckpt_ask_at = st->ckpt_pages / 2;
    sqlite3_wal_hook(st->db, s_wal_hook, st);
    store__load_outbox_ids(st);     /* failing, the first commit that deletes reads it */
    for (int i = 0; i < Q__COUNT; i++) {
        if (sqlite3_prepare_v3(st->db, s_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &st->q[i],
                               NULL) != SQLITE_OK) {
            snprintf(err, errlen, "cannot prepare statement: %s", sqlite3_errmsg(st->db));
            store_close(&st);
            return NULL;
        }
    }
    return st;
}

void store_close(store_t **stp)
{
    if (!stp || !*stp)
        return;
    store_t *st = *stp;
    store_ckpt_destroy(&st->ckpt);   /* first: the store's own close is the last */
    for (int i = 0; i < Q__COUNT; i++)
        sqlite3_finalize(st->q[i]);
    if (st->db)
        sqlite3_close(st->db);
    free(st->dels);
    store_idset_free(&st->out_ids);
    free(st->outs);
    free(st->out_buf);
    free(st->seen);
    store_objmap_free(&st->objs);
    store_held_free(&st->held);
    if (st->lock_fd >= 0)
        close(st->lock_fd);
    lazymem_free(st, sizeof *st);
    *stp = NULL;
}

static int s_write_held(store_t *st);

int store_begin(store_t *st)
{
    if (st->depth++ > 0)
        return 0;
    st->txn_failed = false;
    if (store__run(st, Q_BEGIN) != 0) {
        st->depth = 0;
        return -1;
    }
    /* Each transaction reads its senders' hi afresh: rows written outside
     * one (store_seen_check_and_add at depth 0) do not move a held hi. */
    st->nseen = 0;
    st->nseen_snd = 0;
    store_objmap_begin(st->objs);
    return 0;
}

/* The memory of the transaction goes with it: held deletes, and floors
 * that may hold values the disk does not (reloaded on demand). */
static void s_forget_txn(store_t *st)
{
    st->ndels = 0;
    store__forget_outbox(st);
    st->nseen = 0;
    st->nseen_snd = 0;
    st->nfloors = 0;
    st->nfdirty = 0;
    memset(st->fidx, 0, sizeof st->fidx);
    store_held_clear(st->held);
}

void store_rollback(store_t *st)
{
    st->depth = 0;
    s_forget_txn(st);
    store_objmap_rollback(st->objs);
    /* SQLite may have rolled back already (a statement that failed with a
     * full disk can end the transaction); then there is nothing to undo. */
    if (!sqlite3_get_autocommit(st->db)) {
        sqlite3_step(st->q[Q_ROLLBACK]);
        sqlite3_reset(st->q[Q_ROLLBACK]);
    }
    /* out_ids may hold ids of rows the rollback took back: a superset
     * still, but read afresh so that failed turns do not pile them up
     * (if this fails too, the next commit reads it). */
    store__load_outbox_ids(st);
}

int store_commit(store_t *st)
{
    if (st->depth <= 0)
        return -1;
    if (--st->depth > 0)
        return 0;
    /* What the turn held in memory goes in now, inside the transaction:
     * the dedup rows before the floors, whose prunes may take them. */
    if (!st->txn_failed)
        s_write_held(st);
    if (!st->txn_failed)
        store__write_seen(st);
    if (!st->txn_failed)
        store__write_floors(st);
    if (!st->txn_failed)
        store__write_outbox(st);
    /* A read left un-reset keeps its snapshot after the commit, and no
     * checkpoint can pass it: the WAL would only grow. */
    for (sqlite3_stmt *q = sqlite3_next_stmt(st->db, NULL); q; q = sqlite3_next_stmt(st->db, q))
        if (sqlite3_stmt_busy(q) && sqlite3_stmt_readonly(q))
            sqlite3_reset(q);
    /* A transaction one of whose writes failed is never committed: the
     * rest of it would be a state nobody decided. */
    if (st->txn_failed || store__run(st, Q_COMMIT) != 0) {
        store_rollback(st);
        return -1;
    }
    store_objmap_commit(st->objs);
    store__outbox_committed(st);
    st->full = false;
    return 0;
}

bool store_full(const store_t *st)
{
    return st->full;
}

int store_probe(store_t *st)
{
    /* A real write of a few pages, committed: what a turn would need. */
    static char pad[16384];
    if (!pad[0])
        memset(pad, 'p', sizeof pad - 1);
    if (store_begin(st) != 0)
        return -1;
    store_meta_set(st, "probe", pad);
    store_meta_set(st, "probe", "");
    return store_commit(st);
}

/* A write of the objects table and the map's change go together: in a
 * transaction (one of its own when none is open), so that a rollback
 * takes back both; and none once a write of the transaction failed (SQLite
 * may have ended it: a statement now would commit on its own, and the map
 * would then be rolled back without it). */
static int s_obj_begin(store_t *st, bool *own)
{
    *own = st->depth == 0;
    if (*own && store_begin(st) != 0)
        return -1;
    if (st->txn_failed || sqlite3_get_autocommit(st->db)) {
        st->txn_failed = true;
        if (*own)
            store_rollback(st);
        return -1;
    }
    return 0;
}

static int s_obj_end(store_t *st, bool own, int rc)
{
    if (rc != 0)
        st->txn_failed = true;
    if (own)
        return store_commit(st) == 0 ? rc : -1;
    return rc;
}

/* The UPDATE of row seq, which the map says is id's. */
static int s_update(store_t *st, int64_t seq, const char *id, const void *doc, size_t len)
{
    sqlite3_stmt *q = st->q[Q_PUT];
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_blob(q, 2, len ? doc : "", (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, s_sum(id, doc, len));
    sqlite3_bind_int64(q, 4, seq);
    if (store__run(st, Q_PUT) != 0)
        return -1;
    if (sqlite3_changes(st->db) == 1)
        return 0;
    VS_ERROR("store: object %s: its row %lld is not where the map says", id, (long long)seq);
    return -1;
}

static int s_write_one_held(void *ctx, int64_t seq, const char *id, const uint8_t *doc, size_t len)
{
    return s_update(ctx, seq, id, doc, len);
}

/* The held updates, before the commit or anything that reads or removes
 * object rows. A failure fails the transaction (store__run). */
static int s_write_held(store_t *st)
{
    if (store_held_len(st->held) == 0)
        return 0;
    int rc = store_held_each(st->held, s_write_one_held, st);
    store_held_clear(st->held);
    if (rc != 0)
        st->txn_failed = true;
    return rc;
}

size_t store_held_rows(const store_t *st)
{
    return store_held_len(st->held) + st->nouts_live;
}

/* An existing row: its update is held for the commit in a transaction
 * the caller opened (hold), so that the last of a turn's puts of an
 * object is the one written; at once otherwise, or if it cannot be held.
 * A new object: its INSERT at once, which gives it its place in creation
 * order (and fails now if it fails). */
static int s_put(store_t *st, const char *id, const void *doc, size_t len, bool hold)
{
    int64_t seq;
    if (store_objmap_get(st->objs, id, &seq)) {
        if (hold && store_held_put(st->held, seq, id, doc, len) == 0)
            return 0;
        return s_update(st, seq, id, doc, len);
    }
    sqlite3_stmt *q = st->q[Q_INS];
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_blob(q, 2, len ? doc : "", (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, s_sum(id, doc, len));
    if (store__run(st, Q_INS) != 0)
        return -1;
    if (store_objmap_add(st->objs, id, sqlite3_last_insert_rowid(st->db)) != 0) {
        VS_ERROR("store: object %s: out of memory", id);
        return -1;
    }
    return 0;
}

int store_put_object(store_t *st, const char *id, const void *doc, size_t len)
{
    if (len > STORE_RECORD_MAX) {
        VS_ERROR("store: object %s: a record of %zu bytes is over the %u-byte limit", id, len,
                 STORE_RECORD_MAX);
        st->txn_failed = true;
        return -1;
    }
    bool own;
    if (s_obj_begin(st, &own) != 0)
        return -1;
    return s_obj_end(st, own, s_put(st, id, doc, len, !own));
}

static int s_delete(store_t *st, const char *id)
{
    int64_t seq;
    if (!store_objmap_get(st->objs, id, &seq))
        return 0;
    store_held_drop(st->held, seq);
    sqlite3_bind_int64(st->q[Q_DEL], 1, seq);
    if (store__run(st, Q_DEL) != 0)
        return -1;
    if (store_objmap_del(st->objs, id) != 0) {
        VS_ERROR("store: object %s: out of memory", id);
        return -1;
    }
    return 0;
}

int store_delete_object(store_t *st, const char *id)
{
    bool own;
    if (s_obj_begin(st, &own) != 0)
        return -1;
    return s_obj_end(st, own, s_delete(st, id));
}

int store_each_object(store_t *st, store_object_fn cb, void *ctx)
{
    if (s_write_held(st) != 0)
        return -1;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT id, doc, sum FROM objects ORDER BY seq", -1, &s, NULL)
        != SQLITE_OK)
        return store__fail(st, "select objects");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(s, 0);
        /* A BLOB record or the TEXT of an older JSON row: the same bytes. */
        const uint8_t *doc = sqlite3_column_blob(s, 1);
        size_t len = (size_t)sqlite3_column_bytes(s, 1);
        bool intact = id && doc && len <= STORE_RECORD_MAX &&
                      sqlite3_column_type(s, 2) == SQLITE_INTEGER &&
                      sqlite3_column_int64(s, 2) == s_sum(id, doc, len);
        cb(ctx, id ? id : "", doc ? doc : (const uint8_t *)"", doc ? len : 0, intact);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : store__fail(st, "select objects");
}

int store_set_aside(store_t *st, const char *id, const char *why, uint64_t now_ms)
{
    int64_t seq;
    if (!store_objmap_get(st->objs, id, &seq))
        return 0;       /* no such object: nothing to move */
    if (s_write_held(st) != 0)
        return -1;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(st->db, "INSERT INTO damaged(id, doc, sum, why, moved_at_ms) "
                           "SELECT id, doc, sum, ?2, ?3 FROM objects WHERE seq = ?1", -1, &q,
                           NULL) != SQLITE_OK)
        return store__fail(st, "set aside");
    sqlite3_bind_int64(q, 1, seq);
    sqlite3_bind_text(q, 2, why, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, (sqlite3_int64)now_ms);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return store__fail(st, "set aside");
    return store_delete_object(st, id);
}

int store_meta_get(store_t *st, const char *key, char *out, size_t outlen)
{
    sqlite3_stmt *q = st->q[Q_META_GET];
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    int ret = 1;
    if (rc == SQLITE_ROW) {
        snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(q, 0));
        ret = 0;
    } else if (rc != SQLITE_DONE) {
        ret = store__fail(st, "meta get");
    }
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return ret;
}

int store_meta_set(store_t *st, const char *key, const char *value)
{
    sqlite3_bind_text(st->q[Q_META_SET], 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st->q[Q_META_SET], 2, value, -1, SQLITE_STATIC);
    return store__run(st, Q_META_SET);
}

int store_set_full_sync(store_t *st)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, "PRAGMA synchronous=FULL", NULL, NULL, &msg) != SQLITE_OK) {
        VS_ERROR("store: cannot turn on full fsync: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

struct sqlite3 *store_db(store_t *st)
{
    return st ? st->db : NULL;
}
