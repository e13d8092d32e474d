/* broker: the vpcsim-broker process context and its I/O shell.
 *
 * One ROUTER socket, driven by zloop in a libuv loop, carries every
 * message: agents and clients (the CLI) connect to it with DEALERs and
 * each frame pair is [routing id][one Envelope]. The modules split the
 * work:
 *
 *   broker.c    sockets, timers, signals, the loop (this file's
 *               implementation; with broker_io.c the only modules that
 *               touch zmq or uv)
 *   router.c    decodes, stamps and dispatches each Envelope
 *   relay.c     the fast path of the router for plain relaying: stamps
 *               and forwards without decoding (wire_peek.h)
 *   admin.c     the broker's own admin operations (a table)
 *   fault_admin.c, fault_relay.c  chaos testing (below)
 *   broker_io.c what all of those use: clocks, sending, saving, the fault
 *               timer, the broker's own messages (ticks, probes)
 * Each calls only those listed after it (broker.c calls the router, the
 * router the handlers, every handler broker_io.c); registry.c,
 * simclock.c, state.c, faults.c and fault_queue.c are below them all.
 *   registry.c  agents, their connections and VPC ARNs
 *   simclock.c  the cluster's simulated clock
 *   state.c     soft state in --data-dir
 *   faults.c, fault_queue.c, fault_relay.c, fault_admin.c
 *               chaos testing: faults and partitions for agent-to-agent
 *               messages, the --capture file
 *
 * There is no global state: everything hangs off one broker_t. Its fields
 * are visible to the broker's modules; the process main only uses the
 * functions.
 */
#ifndef BK_BROKER_H
#define BK_BROKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#include "fault_queue.h"
#include "keys.h"
#include "ratelimit.h"
#include "faults.h"
#include "registry.h"
#include "simclock.h"
#include "state.h"
#include "wire.h"
#include "zloop.h"

#define BK_LIVENESS_TIMEOUT_MS 3000   /* silent this long: offline */
#define BK_SWEEP_INTERVAL_MS   500
#define BK_SAVE_INTERVAL_MS    10000  /* the clock drifts on; save it now and then */
#define BK_RECV_BATCH          256    /* messages per loop turn, for fairness */
#define BK_HWM                 100000
#define BK_MAX_AGENTS_DEFAULT  20000  /* registry bound (--max-agents) */
#define BK_LOG_WINDOW_MS       10000  /* repeated-fault log lines: a burst per window */
#define BK_LOG_BURST           5
#define BK_LOG_HELLO_BURST     200    /* a cluster's restart logs every agent */
#define BK_REGISTRATION_TTL_MS (7ull * 24 * 3600 * 1000) /* persisted, never came back: forgotten */

typedef struct broker_opts {
    const char *listen;      /* zmq endpoint to bind */
    const char *data_dir;    /* NULL: no persistence */
    const char *capture;     /* NULL: no --capture file */
    const char *keys;        /* keyring dir; NULL: open to anyone (logged) */
    size_t max_agents;       /* 0: BK_MAX_AGENTS_DEFAULT */
    bool log_debug;          /* the log level is debug (per-message lines) */
} broker_opts_t;

typedef struct broker broker_t;

/* Sends one Envelope to a peer of the ROUTER. 0, or -1 with errno
 * (EHOSTUNREACH: that peer is gone; EAGAIN: its queue is full). */
typedef int (*bk_send_fn)(broker_t *b, const uint8_t *route, size_t len, const vs_env_t *env);
/* The same for a peeked frame (wire_peek.h) sent with sender = party. */
typedef int (*bk_send_stamped_fn)(broker_t *b, const uint8_t *route, size_t len,
                                  const uint8_t *frame, size_t frame_len,
                                  const Vpcsim__Wire__Party *party);

struct broker {
    uv_loop_t *loop;             /* borrowed */
    void *zctx;
    void *zsock;                 /* the ROUTER */
    vs_zloop_sock_t *watch;
    uv_timer_t sweep;
    uv_signal_t sigterm, sigint;
    bk_send_fn send;             /* zmq by default; a test can capture instead */
    bk_send_stamped_fn send_stamped; /* likewise; NULL: no fast relay (relay.c) */
    bool log_debug;              /* per-message debug lines are wanted */
    vs_keys_server_t *keys;      /* CURVE + ZAP; NULL: open broker */
    bool secured;                /* principals are enforced (router.c) */

    bk_registry_t *reg;
    bk_simclock_t clock;
    bk_state_t *state;           /* NULL without --data-dir */
    bool dirty;                  /* soft state changed since the last save */
    bool journal_failing;        /* the last journal write failed (logged once) */
    uint64_t last_save_ms;       /* monotonic */
    uint64_t next_msg_id;        /* for messages the broker originates */
    bool stopping;
    int handles_open;            /* uv handles still to close on stop */

    bk_faults_t *faults;         /* chaos: faults, partitions, counters */
    bk_fq_t *fq;                 /* delayed and held-back agent messages */
    uv_timer_t fault_timer;      /* fires when the first of fq is due */
    uv_timer_cb on_fault_timer;  /* its callback (broker.c: the fault relay's due) */
    FILE *capture;               /* --capture; NULL: off */
    bool capture_failed;         /* a write failed (warned once) */

    /* Bounds on what strangers can push (issue 15). */
    size_t max_agents;           /* registry bound */
    uint64_t refused;            /* messages refused (malformed, not allowed) */
    vs_ratelimit_t rl_malformed; /* log lines about garbage frames */
    vs_ratelimit_t rl_refused;   /* log lines about messages not allowed */
    vs_ratelimit_t rl_hello;     /* (re-)registration lines: a stranger can say hello in a loop */
};

/* Creates the context, loads --data-dir, binds the endpoint and starts
 * watching it on loop. NULL with a one-line reason on failure (the caller
 * exits 2). */
broker_t *bk_broker_new(uv_loop_t *loop, const broker_opts_t *opts, char *err, size_t errlen);
/* Starts an orderly stop: saves, closes handles; uv_run then returns. */
void bk_broker_stop(broker_t *b);
/* Frees everything; call after uv_run returned. Accepts NULL. */
void bk_broker_destroy(broker_t **b);

/* broker_io.c: what the broker's modules use of it. */
uint64_t bk_mono_ms(const broker_t *b);
uint64_t bk_sim_now(const broker_t *b);
int bk_send(broker_t *b, const uint8_t *route, size_t len, const vs_env_t *env);
int bk_send_stamped(broker_t *b, const uint8_t *route, size_t len, const uint8_t *frame,
                    size_t frame_len, const Vpcsim__Wire__Party *party);
/* Soft state changed: save it now (an admin clock jump must survive a
 * restart at once). */
void bk_state_changed(broker_t *b);
/* An agent the broker had never seen is registered: journaled at once
 * (state.h), before its welcome, and the state marked for the next save. */
void bk_state_new_agent(broker_t *b, const bk_agent_t *a);
/* Soft state changed: save it with the next sweep (registrations: saving
 * the whole list on each of thousands of Hellos made them quadratic). */
void bk_state_dirty(broker_t *b);
/* Wall-clock epoch ms, only for when a registration was last seen. */
uint64_t bk_wall_ms(const broker_t *b);
/* Fires the fault timer at monotonic due_ms (UINT64_MAX: stops it); it
 * calls bk_fault_relay_due. */
void bk_fault_timer_arm(broker_t *b, uint64_t due_ms);
/* "agent 111111111111/us-east-1" or "client 0x0080000029", for logs. */
const char *bk_peer_name(const broker_t *b, const uint8_t *route, size_t len, char *buf,
                         size_t buflen);
/* Writes the soft state to --data-dir now (a failure is logged, retried). */
void bk_state_save_now(broker_t *b);
/* A broker-originated envelope (fresh msg_id, the simulated time); me
 * must outlive the send. */
void bk_env_init(broker_t *b, vs_env_t *env, Vpcsim__Wire__Party *me);
/* Is agent a's connection still there? Sends it a heartbeat: a peer gone
 * (EHOSTUNREACH) is unbound and gives false, as does one silent past the
 * liveness timeout. */
bool bk_probe_agent(broker_t *b, bk_agent_t *a);
/* Sends ClockTick{now, speed} to every online agent. */
void bk_broadcast_clock(broker_t *b);


#endif
