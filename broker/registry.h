/* registry: the agents the broker knows, and how to reach them.
 *
 * An agent is one (account, Region). It is created by its first accepted
 * Hello (or loaded from the data dir) and never forgotten while the broker
 * runs, which is what lets routing tell AGENT_OFFLINE ("registered once,
 * not answering now") from NO_SUCH_AGENT ("nobody ever registered").
 *
 * Each agent has at most one current connection (its ROUTER routing id)
 * and a set of VPC ARNs. Three indexes find agents: by (account, Region),
 * by routing id (to stamp incoming messages) and by ARN (to route peering
 * messages). A newer connection for the same agent replaces the older one.
 *
 *        bind (Hello)            any message
 *   OFFLINE ---------> ONLINE <-------------- (silent) OFFLINE
 *      ^                 |
 *      +-----------------+  silent 3 s (sweep) or EHOSTUNREACH (unbind)
 *
 * The registry is sans-IO: times are monotonic ms passed in by the caller.
 */
#ifndef BK_REGISTRY_H
#define BK_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ids.h"
#include "strmap.h"
#include "wire.h"

/* Read-only outside registry.c: change it only through the functions. */
typedef struct bk_agent {
    char account[VS_ACCOUNT_LEN];
    char region[VS_REGION_LEN];
    char partition[16];
    uint8_t route[VS_WIRE_MAX_ROUTE];
    size_t route_len;          /* 0: no known connection */
    bool online;
    uint64_t last_seen_ms;     /* monotonic */
    uint32_t pid;              /* from the last Hello; for people reading logs */
    uint64_t seen_wall_ms;     /* wall-clock ms of the last Hello (persisted registrations expire) */
    bk_strmap_t *vpcs;         /* this agent's ARNs (a set) */
} bk_agent_t;

typedef struct bk_registry bk_registry_t;

bk_registry_t *bk_registry_new(void);
void bk_registry_destroy(bk_registry_t **r);

/* Borrowed pointers, valid until bk_registry_destroy (agents are never
 * removed). NULL when unknown. */
bk_agent_t *bk_registry_get(const bk_registry_t *r, const char *account, const char *region);
bk_agent_t *bk_registry_by_route(const bk_registry_t *r, const uint8_t *route, size_t len);
bk_agent_t *bk_registry_by_arn(const bk_registry_t *r, const char *arn);

/* Finds or creates the agent (offline, no connection). *created says
 * which. NULL on OOM or if account/region do not fit. */
bk_agent_t *bk_registry_add(bk_registry_t *r, const char *account, const char *region,
                            const char *partition, bool *created);

/* Makes route the agent's connection and marks it online. A previous
 * connection of this agent is forgotten; if route belonged to another
 * agent, that one loses it, goes offline and is returned (else NULL).
 * *failed is set on OOM (the agent is then left without a connection). */
bk_agent_t *bk_registry_bind(bk_registry_t *r, bk_agent_t *a, const uint8_t *route,
                             size_t len, uint64_t now_ms, bool *failed);
/* The connection is gone (EHOSTUNREACH): offline, route forgotten. */
void bk_registry_unbind(bk_registry_t *r, bk_agent_t *a);
/* Any message from the agent: refresh liveness. True if it was offline
 * and is online again. */
bool bk_registry_touch(bk_agent_t *a, uint64_t now_ms);
/* Marks online agents silent for more than timeout_ms offline, calling
 * cb for each (may be NULL). */
void bk_registry_sweep(bk_registry_t *r, uint64_t now_ms, uint64_t timeout_ms,
                       void (*cb)(bk_agent_t *a, uint64_t silent_ms, void *arg), void *arg);

/* VPC ARNs. An ARN belongs to one agent; adding it to another moves it.
 * 0 ok, -1 on OOM. */
int bk_registry_vpc_add(bk_registry_t *r, bk_agent_t *a, const char *arn);
void bk_registry_vpc_remove(bk_registry_t *r, bk_agent_t *a, const char *arn);
void bk_registry_vpc_clear(bk_registry_t *r, bk_agent_t *a);
size_t bk_registry_vpc_count(const bk_agent_t *a);

size_t bk_registry_count(const bk_registry_t *r);
/* All agents sorted by account, then Region. Returns a malloc'd array the
 * caller frees (the agents stay borrowed); NULL with *n = 0 when empty or
 * on OOM. */
bk_agent_t **bk_registry_list(const bk_registry_t *r, size_t *n);

#endif
