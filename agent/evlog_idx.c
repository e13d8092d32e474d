#include "evlog_idx.h"

#include <stdlib.h>

typedef struct {
    uint64_t key, val;
    int64_t seq;
} s_ent_t;

/* Entries the index starts with room for: it doubles (ring and table)
 * as it fills, up to its bound. A table sized for the bound at once had
 * its slots written all over (keys are hashed), so each of the two
 * indexes of a small agent kept 128 KB resident for a few hundred
 * entries. */
#define S_START 256

struct evlog_idx {
    s_ent_t *ring;      /* cap entries, oldest at head */
    size_t cap, head, len;
    size_t max;         /* the bound: cap grows up to it */
    uint32_t *slots;    /* 2 x cap: ring position + 1, 0 when empty */
    size_t nslots;
    bool overflowed;
};

static size_t s_hash(uint64_t k)
{
    /* splitmix64's finaliser: msg ids and causes are sequential. */
    k ^= k >> 30;
    k *= 0xbf58476d1ce4e5b9ull;
    k ^= k >> 27;
    k *= 0x94d049bb133111ebull;
    k ^= k >> 31;
    return (size_t)k;
}

evlog_idx_t *evlog_idx_new(size_t cap)
{
    size_t c = 16;
    while (c < cap && c < ((size_t)1 << 22))
        c <<= 1;
    evlog_idx_t *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->max = c;
    x->cap = c < S_START ? c : S_START;
    x->nslots = 2 * x->cap;
    x->ring = malloc(x->cap * sizeof *x->ring);
    x->slots = calloc(x->nslots, sizeof *x->slots);
    if (!x->ring || !x->slots)
        evlog_idx_free(&x);
    return x;
}

void evlog_idx_free(evlog_idx_t **xp)
{
    if (!xp || !*xp)
        return;
    free((*xp)->ring);
    free((*xp)->slots);
    free(*xp);
    *xp = NULL;
}

void evlog_idx_clear(evlog_idx_t *x)
{
    for (size_t i = 0; i < x->nslots; i++)
        x->slots[i] = 0;
    x->head = x->len = 0;
    x->overflowed = false;
}

/* The slot holding key, or the empty slot where it would go. */
static size_t s_find(const evlog_idx_t *x, uint64_t key)
{
    size_t m = x->nslots - 1, i = s_hash(key) & m;
    while (x->slots[i] && x->ring[x->slots[i] - 1].key != key)
        i = (i + 1) & m;
    return i;
}

void evlog_idx_prefetch(const evlog_idx_t *x, uint64_t key)
{
    __builtin_prefetch(&x->slots[s_hash(key) & (x->nslots - 1)]);
}

bool evlog_idx_get(const evlog_idx_t *x, uint64_t key, uint64_t *val, int64_t *seq)
{
    size_t i = s_find(x, key);
    if (!x->slots[i])
        return false;
    const s_ent_t *e = &x->ring[x->slots[i] - 1];
    *val = e->val;
    if (seq)
        *seq = e->seq;
    return true;
}

/* Removes the oldest entry, closing the gap it leaves in the table. */
static void s_pop(evlog_idx_t *x)
{
    size_t m = x->nslots - 1;
    size_t i = s_find(x, x->ring[x->head].key);
    x->slots[i] = 0;
    for (size_t j = (i + 1) & m; x->slots[j]; j = (j + 1) & m) {
        size_t home = s_hash(x->ring[x->slots[j] - 1].key) & m;
        /* Move j back into the hole when its home is not in (i, j]. */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            x->slots[i] = x->slots[j];
            x->slots[j] = 0;
            i = j;
        }
    }
    x->head = (x->head + 1) & (x->cap - 1);
    x->len--;
}

/* Doubles the ring and the table, the entries oldest first from position
 * 0. -1 (nothing changed) when out of memory. */
static int s_grow(evlog_idx_t *x)
{
    size_t cap = 2 * x->cap, nslots = 2 * cap;
    s_ent_t *ring = malloc(cap * sizeof *ring);
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!ring || !slots) {
        free(ring);
        free(slots);
        return -1;
    }
    for (size_t k = 0; k < x->len; k++)
        ring[k] = x->ring[(x->head + k) & (x->cap - 1)];
    free(x->ring);
    free(x->slots);
    x->ring = ring;
    x->slots = slots;
    x->cap = cap;
    x->nslots = nslots;
    x->head = 0;
    for (size_t k = 0; k < x->len; k++)
        x->slots[s_find(x, ring[k].key)] = (uint32_t)k + 1;
    return 0;
}

void evlog_idx_add(evlog_idx_t *x, uint64_t key, uint64_t val, int64_t seq)
{
    size_t i = s_find(x, key);
    if (x->slots[i])
        return;
    if (x->len == x->cap && x->cap < x->max && s_grow(x) == 0)
        i = s_find(x, key);
    /* At the bound (or out of memory to grow): forget the oldest. */
    if (x->len == x->cap) {
        s_pop(x);
        x->overflowed = true;
        i = s_find(x, key);    /* the pop may have moved the empty slot */
    }
    size_t pos = (x->head + x->len) & (x->cap - 1);
    x->ring[pos] = (s_ent_t){ key, val, seq };
    x->len++;
    x->slots[i] = (uint32_t)pos + 1;
}

void evlog_idx_drop_below(evlog_idx_t *x, int64_t min_seq)
{
    /* Each pop looks its key up: started 8 ahead, the misses overlap. */
    while (x->len && x->ring[x->head].seq < min_seq) {
        if (x->len > 8)
            evlog_idx_prefetch(x, x->ring[(x->head + 8) & (x->cap - 1)].key);
        s_pop(x);
    }
}

bool evlog_idx_overflowed(const evlog_idx_t *x)
{
    return x->overflowed;
}

size_t evlog_idx_len(const evlog_idx_t *x)
{
    return x->len;
}
