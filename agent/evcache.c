#include "evcache.h"

#include <stdlib.h>

struct evcache {
    uint32_t cap;        /* ring entries, a power of two */
    uint32_t nslots;     /* index slots, 2 * cap */
    uint32_t head;       /* the next ring entry written */
    uint32_t *slot;      /* by hash of cause: ring position + 1, 0 = empty */
    vs_event_t *ring;    /* malloc'd, not calloc'd: pages are touched (and
                            become resident) only as the ring fills */
};

static uint32_t s_hash(uint64_t k, uint32_t mask)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return (uint32_t)k & mask;
}

evcache_t *evcache_new(uint32_t cap)
{
    uint32_t n = 16;
    while (n < cap && n < (1u << 16))
        n <<= 1;
    evcache_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cap = n;
    c->nslots = 2 * n;
    c->slot = calloc(c->nslots, sizeof *c->slot);
    c->ring = malloc((size_t)n * sizeof *c->ring);
    if (!c->slot || !c->ring)
        evcache_free(&c);
    return c;
}

void evcache_free(evcache_t **cp)
{
    if (!cp || !*cp)
        return;
    free((*cp)->slot);
    free((*cp)->ring);
    free(*cp);
    *cp = NULL;
}

void evcache_put(evcache_t *c, const vs_event_t *e)
{
    if (!e->cause)
        return;
    uint32_t pos = c->head;
    c->head = (c->head + 1) & (c->cap - 1);
    c->ring[pos] = *e;
    /* A colliding cause loses its slot: a miss later, as in any cache. */
    c->slot[s_hash(e->cause, c->nslots - 1)] = pos + 1;
}

const vs_event_t *evcache_get(const evcache_t *c, uint64_t cause)
{
    if (!cause)
        return NULL;
    uint32_t p = c->slot[s_hash(cause, c->nslots - 1)];
    /* The entry may since have been overwritten by a newer call: then its
     * cause differs and this is a miss. */
    if (!p || c->ring[p - 1].cause != cause)
        return NULL;
    return &c->ring[p - 1];
}
