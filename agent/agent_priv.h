/* agent_priv: what the files of the agent daemon share, each using only
 * those listed before it:
 *   agent_send.c    building and sending envelopes and replies
 *   agent_events.c  the event log's entries (evlog.c keeps them)
 *   agent_out.c     what the model's outputs become (persist, send queue)
 *   agent_load.c    the store opened, the model and outbox loaded from it
 *   agent_full.c    read-only on a full disk
 *   agent_turn.c    one turn: one transaction, then the sends; the model timer
 *   agent_rx.c      receiving and dispatching
 *   agent.c         start-up, the loop, the other timers, shut-down
 * Not part of any interface outside agent/. */
#ifndef AGENT_PRIV_H
#define AGENT_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "agent.h"
#include "evcache.h"
#include "evlog.h"
#include "ids.h"
#include "lathist.h"
#include "model.h"
#include "outbox.h"
#include "ratelimit.h"
#include "simclock.h"
#include "store.h"
#include "wire.h"
#include "zloop.h"

#define AGENT_BATCH        256      /* messages per zloop callback */
#define AGENT_PENDING_CAP  16384    /* in-flight API calls */
#define AGENT_SEND_MSG_BYTES (1u << 20) /* a turn's frames per ZeroMQ message, at most */
#define AGENT_BROKER_SILENT_MS 3000 /* no word from the broker: re-register */
#define AGENT_TICK_MS      200      /* registration retry / heartbeat check */
#define AGENT_IDLE_CKPT_MS 200     /* idle WAL checkpoint check (store_checkpoint_idle) */
#define AGENT_REFUSED_GIVEUP_MS 4000 /* refused this long: exit (broker liveness + 1 s) */

/* An API call waiting for its reply: where to send it. */
typedef struct pending {
    uint64_t token;
    uint64_t in_reply_to;
    size_t route_len;
    uint8_t route[VS_WIRE_MAX_ROUTE];
} pending_t;

typedef enum { FRAME_OTHER, FRAME_PEER, FRAME_ACK } frame_kind_t;

/* An encoded frame to send once the turn has committed. A reply keeps
 * where it goes, so that a turn that cannot commit (full disk) answers
 * its callers with an error instead. */
typedef struct frame {
    uint8_t *buf;                 /* NULL for an ack (or one settled into another frame) */
    size_t len;
    /* Peer messages and acks keep the agent they go to: the acks owed to
     * one agent at the end of a turn ride on a peer message to it, or go in
     * one Ack (agent_send.c, s_settle_acks). */
    frame_kind_t kind;
    uint64_t acked;               /* FRAME_ACK: the msg_id acknowledged */
    bool alone;                   /* FRAME_ACK: never on a peer message */
    char to_account[VS_ACCOUNT_LEN];
    char to_region[VS_REGION_LEN];
    bool is_reply;
    uint64_t in_reply_to;
    size_t route_len;
    uint8_t route[VS_WIRE_MAX_ROUTE];
} frame_t;

/* Counters of the reliability layer, logged at stop (agent.c): how many
 * peer messages arrived and how many of them were duplicates (a resend
 * that was not needed, or a lost ack), resends, acks ignored because they
 * did not come from the message's addressee, the messages handled per
 * receive turn (to judge AGENT_BATCH), and how long those turns took: in
 * handling their messages, and in the commit and sends that end them (a
 * lone message's turn is most of what an agent adds to a handshake's
 * latency; the rest is the relays, bench/README.md). */
typedef struct agent_stats {
    uint64_t peer_rx, peer_dup;
    uint64_t resends;
    uint64_t acks_foreign;
    uint64_t turns, turn_msgs;
    int turn_min, turn_max;
    vs_lathist_t turn_handle_us, turn_commit_us;
} agent_stats_t;

typedef struct agent {
    const agent_config_t *cfg;
    const char *partition;
    uv_loop_t loop;
    uv_signal_t sigterm, sigint;
    uv_timer_t hb_timer, model_timer, retry_timer;
    void *zctx, *dealer;
    void *keymon;                 /* handshake events with --keys; NULL without */
    vs_zloop_sock_t *zw;
    store_t *st;
    vs_model_t *model;
    vs_rng_t rng;
    simclock_t sclock;
    vs_clock_t clock;
    vs_outbox_t *outq;

    bool registered;
    uint64_t last_rx_mono;        /* last message from the broker */
    uint64_t last_hello_mono;
    uint64_t refused_since_mono;  /* 0: the broker has not refused us */
    uint64_t last_hb_mono;
    uint64_t next_msg_id;
    uint64_t msg_epoch;           /* this data dir's message-id epoch (meta) */
    uint64_t next_token;
    bool turn_dirty;              /* something may have changed this turn */
    bool clock_jumped;            /* the clock jumped this turn: save the time */
    int64_t changes_saved;        /* the store's row changes at the last commit */
    bool loop_ok;                 /* the uv loop was initialised */
    int exit_code;

    bool read_only;               /* the disk is full (agent_full.c) */
    uint64_t idle_commits;        /* store_commits at the last idle tick */
    uint64_t shed_commits;        /* ... when memory was last shed (agent.c) */
    uint64_t ro_last_probe;       /* mono ms of the last write probe */
    uint64_t refused;             /* messages refused: wrong sender, forged */
    vs_ratelimit_t rl_refused;    /* their log lines */
    evlog_t *ev;                  /* the event log (agent_events.c) */
    evcache_t *evc;               /* its recent calls (agent_events.c) */
    uint64_t ev_cause;            /* causality id of the message being handled */
    uint64_t ev_added;            /* events added since the last prune */
    bool ev_resending;            /* the retry timer's transaction is open */

    agent_stats_t stats;
    uv_timer_t idle_timer;        /* checkpoints the store when nothing happens */

    pending_t *pending[AGENT_PENDING_CAP];
    frame_t *sendq;
    size_t sendq_len, sendq_cap;
} agent_t;

/* agent_send.c */
void agent__env_init(agent_t *a, vs_env_t *env);
/* Sends now, for liveness traffic that needs no durability. */
void agent__send_now(agent_t *a, const vs_env_t *env);
/* Queues an encoded envelope until the end of the turn's commit. */
void agent__queue(agent_t *a, const vs_env_t *env);
void agent__flush_sendq(agent_t *a);
void agent__send_hello(agent_t *a);
uint64_t agent__pending_add(agent_t *a, const vs_env_t *req);
/* The call waiting for `token` (caller frees), NULL if unknown. */
pending_t *agent__pending_take(agent_t *a, uint64_t token);
void agent__reply(agent_t *a, uint64_t in_reply_to, const uint8_t *route, size_t route_len,
                  bool ok, const char *output, const char *code, const char *message);
void agent__send_peer(agent_t *a, const store_outmsg_t *m);
/* Owes the sender of a peer message an ack: sent once the turn has
 * committed, with the other acks owed to that agent (agent_send.c); in an
 * Ack of its own (`alone`) when the message was a duplicate. */
void agent__queue_ack(agent_t *a, const char *account, const char *region, uint64_t msg_id,
                      bool alone);
void agent__send_ack(agent_t *a, const vs_env_t *env, bool duplicate);

/* agent_out.c, agent_turn.c */
/* vs_model_flush / vs_model_drain callbacks. */
void agent__persist(void *ctx, const char *id, const uint8_t *doc, size_t len,
                    const char *state);
void agent__emit(void *ctx, const vs_out_t *o);
/* The model's changes and outputs so far, without the turn's bookkeeping:
 * run after each received message, so that what it caused is filed
 * under its causality id. Peer messages that later ones to the same agent
 * may join stay in the model, tagged with that id, until
 * agent__release_turn, which the end of the turn runs before its commit. */
void agent__drain_turn(agent_t *a);
void agent__release_turn(agent_t *a);
void agent__store_failed(agent_t *a);
/* Ends a turn: one transaction for its changes, then its sends. */
void agent__commit_turn(agent_t *a);
/* The same when the turn's transaction is already open (store_begin'd):
 * writes the changes, commits, and only then sends. */
void agent__finish_turn(agent_t *a);
void agent__arm_model_timer(agent_t *a);
/* Counts a receive turn that handled n messages (none: not counted), which
 * took handle_us to handle them and commit_us to commit and send. */
void agent__turn_stats(agent_t *a, int n, uint64_t handle_us, uint64_t commit_us);
/* The stats lines logged at stop. */
void agent__log_stats(const agent_t *a);

/* agent_load.c: opens the store of the data dir, checking its identity
 * (store_ident.h). 0, 1 (fatal) or 2 (refused, reported on stderr). */
int agent__open_store(agent_t *a);
/* (Re)creates the model and the outbox from the store. 0, 1 (fatal) or
 * 2 (damage, reported on stderr). */
int agent__load_state(agent_t *a);

/* agent_full.c: a full disk makes a read-only agent. */
void agent__ro_enter(agent_t *a);
/* The end of a turn while read-only: replies go out, nothing is written. */
void agent__ro_finish_turn(agent_t *a);
/* Every tick while read-only: a write probe, at most once a second; on
 * success the agent reloads its state from disk, ticks the model and
 * returns true: the caller then commits that catch-up turn. */
bool agent__ro_probe(agent_t *a, uint64_t mono_ms);
/* True if the action only reads (Describe*, Get*, ...). */
bool agent__ro_is_read(const char *action);
#define AGENT_DISK_FULL_MSG "The agent's disk is full; it answers reads but cannot save changes. Try again later."
/* agent_events.c: the event log's entries; see there. */
#define AGENT_EVENTS_ACTION "DescribeEvents"
int agent_ev__open(agent_t *a, char *err, size_t errlen);
void agent_ev__close(agent_t *a);
/* The causality id of peer message msg_id (0 if unknown). */
uint64_t agent_ev__msg_cause(agent_t *a, uint64_t msg_id);
/* After a rollback: the event log forgets what is not on disk. */
void agent_ev__reload(agent_t *a);
uint64_t agent_ev__cause(agent_t *a);
void agent_ev__api_call(agent_t *a, const vs_env_t *env, const vs_json_t *input);
void agent_ev__api_reply(agent_t *a, uint64_t in_reply_to, const vs_out_t *o);
/* cause: the input's that made m when it was held past that input
 * (vs_model_drain_hold), else 0 for the current one. */
void agent_ev__peer_sent(agent_t *a, const store_outmsg_t *m, bool resend, uint64_t cause);
void agent_ev__peer_recv(agent_t *a, const vs_env_t *env, bool duplicate);
void agent_ev__undeliverable(agent_t *a, const vs_env_t *env);
void agent_ev__persist(agent_t *a, const char *id, bool exists, const char *state);
/* Starts loading into the cache what agent_ev__persist(id) will read. */
void agent_ev__persist_prefetch(agent_t *a, const char *id);
void agent_ev__end_turn(agent_t *a);
/* Answers a DescribeEvents request; false when env is another action. */
bool agent_ev__answer(agent_t *a, const vs_env_t *env);

/* agent_rx.c: the zloop callback of the broker socket. */
/* Counts a refused message and logs it, rate-limited. */
void agent__refused(agent_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void agent__on_readable(vs_zloop_sock_t *w, void *zsock, void *data);

#endif
