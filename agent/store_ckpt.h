/* store_ckpt: a WAL checkpointer on a thread of its own, so that copying
 * the WAL's pages into the database file (a pread and a pwrite per page,
 * then an fsync of each file) runs beside the agent's turns instead of in
 * one of them. Measured under the settled handshake benchmark: a checkpoint
 * of the 16 MB WAL took 15-20 ms in the commit that reached the limit,
 * during which the agent answered nothing and the other agents, the broker
 * and the clients waited on it.
 *
 * It has its own SQLite connection to the store's file (same VFS), used
 * only by its thread: SQLite lets one connection checkpoint while another
 * writes (PASSIVE: it copies what is committed and never waits for a reader
 * or the writer). It never restarts the WAL or cuts its file: the writer
 * does that at its next transaction after a checkpoint that copied all.
 *
 * The store (store.c) asks for a checkpoint when the WAL passes half its
 * limit, then again each time it grows by a further step, and still
 * checkpoints in the commit that reaches the limit, which then copies only
 * what was committed since the last of these: the WAL stays as bounded as
 * before. Failures (a full disk, say) are logged once and retried at the
 * next request; they lose nothing (the WAL keeps the frames).
 */
#ifndef AGENT_STORE_CKPT_H
#define AGENT_STORE_CKPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct store_ckpt store_ckpt_t;

/* Opens a connection to the database at path with VFS vfs (NULL: the
 * default) and starts the thread. NULL, with why in err, on failure. */
store_ckpt_t *store_ckpt_new(const char *path, const char *vfs, char *err, size_t errlen);
/* Waits for a checkpoint under way, stops the thread, closes the
 * connection. NULL-safe. */
void store_ckpt_destroy(store_ckpt_t **c);

/* Asks for a checkpoint and returns at once. false (nothing asked) when
 * one is already asked for or under way. */
bool store_ckpt_request(store_ckpt_t *c);
/* Whether a checkpoint is asked for or under way. */
bool store_ckpt_busy(store_ckpt_t *c);
/* Blocks until no checkpoint is asked for or under way (for tests, and
 * for the store's close). */
void store_ckpt_wait(store_ckpt_t *c);

/* Checkpoints run to the end so far, and those of them that failed. */
typedef struct store_ckpt_stats {
    uint64_t runs, failures;
    int last_log, last_done;   /* frames in the WAL, and copied, at the last run */
} store_ckpt_stats_t;
store_ckpt_stats_t store_ckpt_stats(store_ckpt_t *c);

#endif
