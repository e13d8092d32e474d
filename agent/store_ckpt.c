/* store_ckpt: see store_ckpt.h. One mutex guards the request flags and
 * the counters; the connection is touched by the thread alone between
 * store_ckpt_new and store_ckpt_destroy. */
#include "store_ckpt.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct store_ckpt {
    sqlite3 *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;      /* signalled on a request, on stop and at each run's end */
    bool want, running, stop;
    bool failing;           /* the last run failed: the next failure is not logged */
    store_ckpt_stats_t stats;
};

static void *s_main(void *arg)
{
    store_ckpt_t *c = arg;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->want && !c->stop)
            pthread_cond_wait(&c->cv, &c->mu);
        if (c->stop)
            break;
        c->want = false;
        c->running = true;
        pthread_mutex_unlock(&c->mu);

        int log = -1, done = -1;
        int rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
        /* BUSY: another checkpoint (the writer's own, at the limit) holds
         * the checkpoint lock; it does the work. */
        bool failed = rc != SQLITE_OK && rc != SQLITE_BUSY;
        if (failed && !c->failing)
            VS_WARN("store: background checkpoint failed: %s (the WAL keeps its frames; "
                    "retried at the next request)", sqlite3_errmsg(c->db));

        pthread_mutex_lock(&c->mu);
        c->failing = failed;
        c->running = false;
        c->stats.runs++;
        c->stats.failures += failed;
        c->stats.last_log = log;
        c->stats.last_done = done;
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

store_ckpt_t *store_ckpt_new(const char *path, const char *vfs, char *err, size_t errlen)
{
    store_ckpt_t *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    /* Not SQLITE_OPEN_CREATE: the store made the file. NOMUTEX: one thread. */
    if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, vfs) !=
        SQLITE_OK) {
        snprintf(err, errlen, "checkpointer: cannot open %s: %s", path,
                 c->db ? sqlite3_errmsg(c->db) : "out of memory");
        sqlite3_close(c->db);
        free(c);
        return NULL;
    }
    /* A checkpoint reads frames and writes pages through the file, not
     * the page cache: a small cache is enough. */
    sqlite3_exec(c->db, "PRAGMA cache_size=-256", NULL, NULL, NULL);
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    int rc = pthread_create(&c->thread, NULL, s_main, c);
    if (rc != 0) {
        snprintf(err, errlen, "checkpointer: cannot start a thread: %s", strerror(rc));
        pthread_cond_destroy(&c->cv);
        pthread_mutex_destroy(&c->mu);
        sqlite3_close(c->db);
        free(c);
        return NULL;
    }
    return c;
}

void store_ckpt_destroy(store_ckpt_t **cp)
{
    if (!cp || !*cp)
        return;
    store_ckpt_t *c = *cp;
    pthread_mutex_lock(&c->mu);
    c->stop = true;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    sqlite3_close(c->db);
    free(c);
    *cp = NULL;
}

bool store_ckpt_request(store_ckpt_t *c)
{
    pthread_mutex_lock(&c->mu);
    bool asked = !c->want && !c->running;
    if (asked) {
        c->want = true;
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    return asked;
}

bool store_ckpt_busy(store_ckpt_t *c)
{
    pthread_mutex_lock(&c->mu);
    bool busy = c->want || c->running;
    pthread_mutex_unlock(&c->mu);
    return busy;
}

void store_ckpt_wait(store_ckpt_t *c)
{
    pthread_mutex_lock(&c->mu);
    while (c->want || c->running)
        pthread_cond_wait(&c->cv, &c->mu);
    pthread_mutex_unlock(&c->mu);
}

store_ckpt_stats_t store_ckpt_stats(store_ckpt_t *c)
{
    pthread_mutex_lock(&c->mu);
    store_ckpt_stats_t s = c->stats;
    pthread_mutex_unlock(&c->mu);
    return s;
}
