#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

enum {
    Q_PUT, Q_DEL, Q_META_GET, Q_META_SET, Q_OUT_PUT, Q_OUT_DEL, Q_SEEN_ADD,
    Q_BEGIN, Q_COMMIT, Q__COUNT
};

static const char *const s_sql[Q__COUNT] = {
    [Q_PUT] = "INSERT INTO objects(id, doc) VALUES(?1, ?2) "
              "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
    [Q_DEL] = "DELETE FROM objects WHERE id = ?1",
    [Q_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [Q_META_SET] = "INSERT INTO meta(key, value) VALUES(?1, ?2) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [Q_OUT_PUT] = "INSERT OR REPLACE INTO outbox(msg_id, to_vpc_arn, to_account, to_region, payload, "
                  "sealed) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_OUT_DEL] = "DELETE FROM outbox WHERE msg_id = ?1",
    [Q_SEEN_ADD] = "INSERT OR IGNORE INTO seen(sender, msg_id) VALUES(?1, ?2)",
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
};

static const char s_schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS objects(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS outbox(msg_id INTEGER PRIMARY KEY, to_vpc_arn TEXT,"
    "  to_account TEXT, to_region TEXT, payload BLOB NOT NULL,"
    "  sealed INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS seen(sender TEXT NOT NULL, msg_id INTEGER NOT NULL,"
    "  PRIMARY KEY(sender, msg_id)) WITHOUT ROWID;";

struct store {
    sqlite3 *db;
    sqlite3_stmt *q[Q__COUNT];
    int depth;          /* begin/commit nesting */
    int lock_fd;
};

static int s_fail(store_t *st, const char *what)
{
    VS_ERROR("store: %s: %s", what, sqlite3_errmsg(st->db));
    return -1;
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
    char path[4096];
    snprintf(path, sizeof path, "%s/agent.lock", dir);
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
    store_t *st = calloc(1, sizeof *st);
    if (!st) {
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    st->lock_fd = fd;
    snprintf(path, sizeof path, "%s/agent.db", dir);
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path,
                 st->db ? sqlite3_errmsg(st->db) : "out of memory");
        store_close(&st);
        return NULL;
    }
    sqlite3_busy_timeout(st->db, 2000);
    char *msg = NULL;
    if (sqlite3_exec(st->db, s_schema, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "cannot initialise %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        store_close(&st);
        return NULL;
    }
    /* Data dirs made before the outbox had a `sealed` column get it now;
     * the statement fails harmlessly where it already exists. */
    sqlite3_exec(st->db, "ALTER TABLE outbox ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0",
                 NULL, NULL, NULL);
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
    for (int i = 0; i < Q__COUNT; i++)
        sqlite3_finalize(st->q[i]);
    if (st->db)
        sqlite3_close(st->db);
    if (st->lock_fd >= 0)
        close(st->lock_fd);
    free(st);
    *stp = NULL;
}

/* Runs a prepared statement that returns no rows and resets it. */
static int s_run(store_t *st, int q)
{
    int rc = sqlite3_step(st->q[q]);
    sqlite3_reset(st->q[q]);
    sqlite3_clear_bindings(st->q[q]);
    if (rc != SQLITE_DONE)
        return s_fail(st, s_sql[q]);
    return 0;
}

int store_begin(store_t *st)
{
    if (st->depth++ > 0)
        return 0;
    return s_run(st, Q_BEGIN);
}

int store_commit(store_t *st)
{
    if (st->depth <= 0)
        return -1;
    if (--st->depth > 0)
        return 0;
    return s_run(st, Q_COMMIT);
}

int store_put_object(store_t *st, const char *id, const char *doc)
{
    sqlite3_bind_text(st->q[Q_PUT], 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st->q[Q_PUT], 2, doc, -1, SQLITE_STATIC);
    return s_run(st, Q_PUT);
}

int store_delete_object(store_t *st, const char *id)
{
    sqlite3_bind_text(st->q[Q_DEL], 1, id, -1, SQLITE_STATIC);
    return s_run(st, Q_DEL);
}

int store_each_object(store_t *st, void (*cb)(void *ctx, const char *id, const char *doc),
                      void *ctx)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT id, doc FROM objects ORDER BY seq", -1, &s, NULL)
        != SQLITE_OK)
        return s_fail(st, "select objects");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        cb(ctx, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1));
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : s_fail(st, "select objects");
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
        ret = s_fail(st, "meta get");
    }
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return ret;
}

int store_meta_set(store_t *st, const char *key, const char *value)
{
    sqlite3_bind_text(st->q[Q_META_SET], 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st->q[Q_META_SET], 2, value, -1, SQLITE_STATIC);
    return s_run(st, Q_META_SET);
}

static void s_bind_opt_text(sqlite3_stmt *q, int i, const char *s)
{
    if (s && *s)
        sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, i);
}

int store_outbox_put(store_t *st, const store_outmsg_t *m)
{
    sqlite3_stmt *q = st->q[Q_OUT_PUT];
    sqlite3_bind_int64(q, 1, (sqlite3_int64)m->msg_id);
    s_bind_opt_text(q, 2, m->to_vpc_arn);
    s_bind_opt_text(q, 3, m->to_account);
    s_bind_opt_text(q, 4, m->to_region);
    sqlite3_bind_blob(q, 5, m->payload, (int)m->payload_len, SQLITE_STATIC);
    sqlite3_bind_int(q, 6, m->sealed ? 1 : 0);
    return s_run(st, Q_OUT_PUT);
}

int store_outbox_delete(store_t *st, uint64_t msg_id)
{
    sqlite3_bind_int64(st->q[Q_OUT_DEL], 1, (sqlite3_int64)msg_id);
    return s_run(st, Q_OUT_DEL);
}

int store_outbox_each(store_t *st, void (*cb)(void *ctx, const store_outmsg_t *m), void *ctx)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT msg_id, to_vpc_arn, to_account, to_region, payload, "
                           "sealed FROM outbox ORDER BY msg_id", -1, &s, NULL) != SQLITE_OK)
        return s_fail(st, "select outbox");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        store_outmsg_t m = {
            .msg_id = (uint64_t)sqlite3_column_int64(s, 0),
            .to_vpc_arn = (const char *)sqlite3_column_text(s, 1),
            .to_account = (const char *)sqlite3_column_text(s, 2),
            .to_region = (const char *)sqlite3_column_text(s, 3),
            .payload = sqlite3_column_blob(s, 4),
            .payload_len = (size_t)sqlite3_column_bytes(s, 4),
            .sealed = sqlite3_column_int(s, 5) != 0,
        };
        cb(ctx, &m);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : s_fail(st, "select outbox");
}

int store_seen_check_and_add(store_t *st, const char *sender, uint64_t msg_id)
{
    sqlite3_stmt *q = st->q[Q_SEEN_ADD];
    sqlite3_bind_text(q, 1, sender, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)msg_id);
    if (s_run(st, Q_SEEN_ADD) != 0)
        return -1;
    return sqlite3_changes(st->db) == 0 ? 1 : 0;
}

struct sqlite3 *store_db(store_t *st)
{
    return st ? st->db : NULL;
}
