#include "evcache.h"

#include <stdlib.h>
#include <string.h>

struct evcache {
    uint32_t cap;        /* ring entries, a power of two */
    uint32_t nslots;     /* index slots, 2 * cap, in buckets of S_WAYS */
    uint32_t head;       /* the next ring entry written */
    uint32_t *slot;      /* by hash of cause: ring position + 1, 0 = empty */
    evcache_call_t *ring; /* malloc'd, not calloc'd: pages are touched (and
                            become resident) only as the ring fills */
};

/* Slots per bucket. Direct-mapped (one way), about 6% of the calls still
 * awaiting their reply with 512 in flight lost their slot to a colliding
 * cause, and each such miss decoded event-log batches (evlog_call_of). */
#define S_WAYS 4

/* The fields of a call, between an event and an entry (the same names
 * and sizes in both), listed once for both directions. */
#define S_CALL_COPY(dst, src)                                                            \
    do {                                                                                 \
        (dst)->seq = (src)->seq;                                                         \
        (dst)->sim_ms = (src)->sim_ms;                                                   \
        (dst)->wall_ms = (src)->wall_ms;                                                 \
        (dst)->cause = (src)->cause;                                                     \
        (dst)->msg_id = (src)->msg_id;                                                   \
        (dst)->kind = (src)->kind;                                                       \
        memcpy((dst)->caller, (src)->caller, sizeof (dst)->caller);                      \
        memcpy((dst)->action, (src)->action, sizeof (dst)->action);                      \
        memcpy((dst)->object, (src)->object, sizeof (dst)->object);                      \
    } while (0)
_Static_assert(sizeof ((evcache_call_t *)0)->caller == sizeof ((vs_event_t *)0)->caller &&
               sizeof ((evcache_call_t *)0)->action == sizeof ((vs_event_t *)0)->action &&
               sizeof ((evcache_call_t *)0)->object == sizeof ((vs_event_t *)0)->object,
               "an entry's strings are an event's");

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

/* The first slot of cause's bucket. */
static uint32_t s_bucket(const evcache_t *c, uint64_t cause)
{
    return s_hash(cause, c->nslots / S_WAYS - 1) * S_WAYS;
}

void evcache_prefetch(const evcache_t *c, uint64_t cause)
{
    const char *e = (const char *)&c->ring[c->head];
    for (size_t off = 0; off < sizeof *c->ring + 63; off += 64)
        __builtin_prefetch(e + (off < sizeof *c->ring ? off : sizeof *c->ring - 1), 1);
    __builtin_prefetch(&c->slot[s_bucket(c, cause)]);
}

void evcache_put(evcache_t *c, const vs_event_t *e)
{
    if (!e->cause)
        return;
    uint32_t pos = c->head;
    c->head = (c->head + 1) & (c->cap - 1);
    S_CALL_COPY(&c->ring[pos], e);
    /* In the bucket, take the slot of this cause, else an empty or stale
     * one (its ring entry now holds a cause of another bucket), else the
     * oldest: a miss later, as in any cache. */
    uint32_t b = s_bucket(c, e->cause), pick = b, oldest = 0;
    for (uint32_t i = b; i < b + S_WAYS; i++) {
        uint32_t p = c->slot[i];
        if (!p || p - 1 == pos || c->ring[p - 1].cause == e->cause ||
            s_bucket(c, c->ring[p - 1].cause) != b) {
            pick = i;
            break;
        }
        uint32_t age = (pos - (p - 1)) & (c->cap - 1);
        if (age > oldest) {
            oldest = age;
            pick = i;
        }
    }
    c->slot[pick] = pos + 1;
}

const evcache_call_t *evcache_get(const evcache_t *c, uint64_t cause)
{
    if (!cause)
        return NULL;
    /* An entry may since have been overwritten by a newer call: then its
     * cause differs and that slot does not answer. */
    uint32_t b = s_bucket(c, cause);
    for (uint32_t i = b; i < b + S_WAYS; i++) {
        uint32_t p = c->slot[i];
        if (p && c->ring[p - 1].cause == cause)
            return &c->ring[p - 1];
    }
    return NULL;
}

void evcache_call_event(const evcache_call_t *k, vs_event_t *out)
{
    memset(out, 0, sizeof *out);
    S_CALL_COPY(out, k);
}
