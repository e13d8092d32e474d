/* simnet: a whole vpcsim cluster in one process, deterministic. Several
 * agent models (one per account/Region) share a virtual clock and talk
 * through a virtual network that does what the broker and the agent
 * runtime do: route by account/Region, answer "no such agent", keep every
 * peer message in the sender's outbox until acknowledged, resend it, and
 * drop duplicates at the receiver. Faults (drop, duplicate, delay/reorder)
 * and crashes (kill -9: the model is rebuilt from what it had persisted)
 * are driven by one seeded rng, so a seed replays a run exactly.
 *
 * Used by the unit tests of the peering protocol and by `vpcsim simulate`.
 */
#ifndef VS_SIMNET_H
#define VS_SIMNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

typedef struct vs_simnet vs_simnet_t;

typedef struct vs_simnet_faults {
    double drop;           /* probability a message (or ack) is lost */
    double duplicate;      /* probability it is delivered twice */
    uint64_t delay_min_ms; /* extra delay, uniform in [min, max]: reorders */
    uint64_t delay_max_ms;
} vs_simnet_faults_t;

vs_simnet_t *vs_simnet_new(uint64_t seed, uint64_t t0_ms);
void vs_simnet_destroy(vs_simnet_t **net);

/* Adds an agent; cfg may be NULL (AWS defaults) and its account, region,
 * clock and rng fields are ignored. Returns its index, -1 on error. */
int vs_simnet_add(vs_simnet_t *net, const char *account, const char *region,
                  const vs_model_config_t *cfg);
int vs_simnet_find(const vs_simnet_t *net, const char *account, const char *region);
vs_model_t *vs_simnet_model(vs_simnet_t *net, int agent);
size_t vs_simnet_agents(const vs_simnet_t *net);

void vs_simnet_set_faults(vs_simnet_t *net, const vs_simnet_faults_t *f);
/* Turns on (off by default): an agent takes every message that has arrived
 * for it in one turn, and the peer messages those inputs make leave at the
 * turn's end, those to one agent in shared bundles (vs_model_drain_hold), as
 * the agent's loop does. Off, each message is a turn of its own. */
void vs_simnet_set_turns(vs_simnet_t *net, bool on);
/* Trace of every message and state change, one line each, to cb (NULL: off). */
void vs_simnet_set_trace(vs_simnet_t *net, void (*cb)(void *ctx, const char *line), void *ctx);

/* An API call as the agent's account. Returns a call id (> 0). */
uint64_t vs_simnet_call(vs_simnet_t *net, int agent, const char *action, const char *input_json);

typedef enum { VS_CALL_PENDING, VS_CALL_OK, VS_CALL_FAILED, VS_CALL_UNKNOWN } vs_call_state_t;
typedef struct vs_simnet_reply {
    vs_call_state_t state;     /* UNKNOWN: the agent crashed before answering */
    const char *output_json;   /* OK (may be "") */
    const char *code;          /* FAILED */
    const char *message;
} vs_simnet_reply_t;
/* The call's outcome (borrowed, valid until the net is destroyed). */
const vs_simnet_reply_t *vs_simnet_reply(const vs_simnet_t *net, uint64_t call);

uint64_t vs_simnet_now(const vs_simnet_t *net);
/* Runs every event (message deliveries, resends, model timers) due up to
 * `until_ms`, in time order; the clock ends at until_ms. */
void vs_simnet_run_until(vs_simnet_t *net, uint64_t until_ms);
/* `vpcsim admin advance-clock`: the shared clock jumps by ms at once and
 * every timer now due fires, while the network keeps its own pace:
 * messages in flight and outbox resends are due as long after the jump as
 * they were before it (the broker's clock moves, not the wires'). */
void vs_simnet_jump(vs_simnet_t *net, uint64_t ms);
/* The clock without its jumps: the pace of the network and of clients'
 * timeouts (a wall clock's, which advance-clock does not move). */
uint64_t vs_simnet_wire_now(const vs_simnet_t *net);
/* Runs until no message is in flight or unacknowledged, or max_ms of
 * virtual time passed. true if quiet. Timers due meanwhile fire. */
bool vs_simnet_settle(vs_simnet_t *net, uint64_t max_ms);
/* Delivers exactly one in-flight message chosen by the rng (for
 * exploring orderings); false if none is in flight. */
bool vs_simnet_deliver_one(vs_simnet_t *net);
size_t vs_simnet_in_flight(const vs_simnet_t *net);

/* kill -9 and restart: pending calls become UNKNOWN, the model is rebuilt
 * from its persisted documents; its outbox and dedup memory survive (they
 * are persisted too). */
void vs_simnet_crash(vs_simnet_t *net, int agent);

#endif
