/* evlog_priv: what evlog.c (writing, memory) shares with evlog_query.c
 * (reading). Not for other modules. */
#ifndef AGENT_EVLOG_PRIV_H
#define AGENT_EVLOG_PRIV_H

#include <sqlite3.h>
#include <stdbool.h>

#include "evlog.h"
#include "evlog_codec.h"
#include "evlog_idx.h"
#include "evlog_states.h"
#include "ratelimit.h"

enum { EVQ_INSERT, EVQ_PRUNE, EVQ_COUNT, EVQ_MAX, EVQ_MIN, EVQ_SCAN, EVQ_STATE_ALL,
       EVQ_STATE_CLEAR, EVQ_SBATCH_ALL, EVQ_SBATCH_PUT, EVQ_SBATCH_CLEAR, EVQ_CKPT_GET,
       EVQ_CKPT_SET, EVQ__N };

struct evlog {
    sqlite3 *db;
    sqlite3_stmt *q[EVQ__N];
    int64_t retention;
    int64_t last_seq;          /* the largest seq handed out */
    int64_t ckpt_seq;          /* the checkpoint holds the states as of this seq */
    size_t ckpt_pairs;         /* pairs (and legacy rows) the checkpoint holds */
    vs_event_t *pending;       /* this turn's events, not yet written */
    size_t npending, pending_cap;
    uint8_t *buf;              /* encoding scratch */
    size_t buf_cap;
    evlog_states_t *states;    /* id -> last state recorded */
    evlog_idx_t *msgs;         /* msg_id -> cause, of peer-send events */
    evlog_idx_t *calls;        /* cause -> seq, of api-call events */
    uint64_t damaged;
    vs_ratelimit_t rl_damaged;  /* its log lines: every read meets it again */
};

/* A statement of l, reset and ready for binding. */
sqlite3_stmt *evlog__q(evlog_t *l, int which);

/* Calls cb for every event with seq > after_seq, in seq order: the
 * batches on disk, then the buffered ones. A damaged batch is skipped
 * (logged, counted). 0, cb's first nonzero return, or -1 when the
 * database cannot be read. */
int evlog__each(evlog_t *l, int64_t after_seq, evlog_codec_cb cb, void *ctx);

#endif
