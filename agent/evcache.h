/* evcache: the agent's recent API-call events in memory, by cause, so that
 * the events a call leads to can name its action and object without asking
 * the log. A cache: get answers only for what it still holds (the newest
 * call of a cause, unless cap newer calls or a colliding cause replaced
 * it); a miss is the caller's to resolve (the log).
 *
 * Why a ring in arrival order plus a small index, not a table indexed by
 * cause: causes are client msg ids, sparse when one client talks to many
 * agents, and a table by cause touched a page for nearly every call
 * (~0.9 MB resident per agent after 200 calls in bench/scale.sh). The ring
 * is written front to back, so an agent's resident memory grows with the
 * calls it has seen, up to cap entries, never past it.
 *
 * Not thread safe; no IO.
 */
#ifndef AGENT_EVCACHE_H
#define AGENT_EVCACHE_H

#include <stdint.h>

#include "event.h"

typedef struct evcache evcache_t;

/* What the cache keeps of a call event: every field a call has. Its
 * detail and peer fields are always empty and are not kept: 176 bytes a
 * call against 384 for the whole event, and the ring of a busy agent is
 * all resident (4096 calls: 1.5 MB -> 0.7 MB). */
typedef struct evcache_call {
    int64_t seq;
    uint64_t sim_ms, wall_ms, cause, msg_id;
    vs_event_kind_t kind;
    char caller[VS_EV_ACCOUNT_LEN];
    char action[VS_EV_ACTION_LEN];
    char object[VS_EV_ID_LEN];
} evcache_call_t;

/* Holds the last cap calls (rounded up to a power of two, 16..1<<16). NULL
 * out of memory. The caller owns it: evcache_free. */
evcache_t *evcache_new(uint32_t cap);
void evcache_free(evcache_t **c);

/* Starts loading what evcache_put of a call with that cause will write
 * (the next ring entry, the cause's bucket) into the cache. */
void evcache_prefetch(const evcache_t *c, uint64_t cause);
/* Keeps a copy of e (a call event: its detail and peer fields are not
 * kept) under e->cause (0 is not kept). */
void evcache_put(evcache_t *c, const vs_event_t *e);
/* The newest call kept under cause, or NULL. Valid until the next put. */
const evcache_call_t *evcache_get(const evcache_t *c, uint64_t cause);
/* The event k was kept from, into out. */
void evcache_call_event(const evcache_call_t *k, vs_event_t *out);

#endif
