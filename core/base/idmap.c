/* idmap: see idmap.h. */
#include "idmap.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define S_MIN_BITS 6           /* 64 slots: one kilobyte */

/* IDs are some twenty bytes ("pcx-" and 17 hex digits): hashed eight
 * bytes at a time. The odd tail of an ID of eight bytes or more is read as
 * its last eight bytes (overlapping the word before): one load, where
 * copying the odd bytes one at a time stalled the multiply on a
 * store-to-load forward. */
uint64_t vs_idmap_hash(const char *s)
{
    size_t len = strlen(s), n = len;
    uint64_t h = 0xcbf29ce484222325ull ^ len, w = 0;
    for (; n >= 8; n -= 8, s += 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 32;
    }
    if (n && len >= 8) {
        memcpy(&w, s + n - 8, 8);
        w >>= 8 * (8 - n);         /* the bytes already hashed out */
    } else {
        w = 0;
        memcpy(&w, s, n);
    }
    h = (h ^ w) * 0x100000001b3ull;
    return h ^ h >> 29;
}

/* The home slot: the hash's top bits after a Fibonacci multiply, which
 * spreads IDs that differ only in a few bits (linear probing clusters
 * where the low bits of a weak hash would). */
static inline size_t s_home(const vs_idmap_t *m, uint64_t h)
{
    return (size_t)((h * 0x9e3779b97f4a7c15ull) >> m->shift);
}

static inline const char *s_key(const vs_idmap_t *m, const void *val)
{
    return (const char *)val + m->key_off;
}

static int s_alloc(vs_idmap_t *m, unsigned bits)
{
    vs_idmap_slot_t *s = calloc((size_t)1 << bits, sizeof *s);
    if (!s)
        return -1;
    m->slots = s;
    m->cap = (size_t)1 << bits;
    m->shift = 64 - bits;
    return 0;
}

int vs_idmap_init(vs_idmap_t *m, size_t key_off)
{
    *m = (vs_idmap_t){ .key_off = key_off };
    return s_alloc(m, S_MIN_BITS);
}

void vs_idmap_free(vs_idmap_t *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->len = 0;
}

/* The slot holding id (hash h), or the empty one ending its probe. */
static size_t s_find(const vs_idmap_t *m, const char *id, uint64_t h)
{
    size_t mask = m->cap - 1, i = s_home(m, h);
    for (;; i = (i + 1) & mask) {
        const vs_idmap_slot_t *s = &m->slots[i];
        if (!s->val || (s->hash == h && strcmp(s_key(m, s->val), id) == 0))
            return i;
    }
}

void *vs_idmap_get(const vs_idmap_t *m, const char *id)
{
    return m->slots[s_find(m, id, vs_idmap_hash(id))].val;
}

void vs_idmap_prefetch(const vs_idmap_t *m, uint64_t h)
{
    __builtin_prefetch(&m->slots[s_home(m, h)]);
}

void vs_idmap_prefetch_val(const vs_idmap_t *m, uint64_t h)
{
    size_t mask = m->cap - 1, i = s_home(m, h);
    for (; m->slots[i].val; i = (i + 1) & mask)
        if (m->slots[i].hash == h) {
            __builtin_prefetch(s_key(m, m->slots[i].val));
            return;
        }
}

static void s_place(vs_idmap_slot_t *slots, size_t mask, size_t i, uint64_t h, void *val)
{
    while (slots[i].val)
        i = (i + 1) & mask;
    slots[i] = (vs_idmap_slot_t){ .hash = h, .val = val };
}

static int s_grow(vs_idmap_t *m)
{
    vs_idmap_t n = *m;
    if (m->shift <= 1 || s_alloc(&n, 64 - m->shift + 1) != 0)
        return -1;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].val)
            s_place(n.slots, n.cap - 1, s_home(&n, m->slots[i].hash), m->slots[i].hash,
                    m->slots[i].val);
    free(m->slots);
    *m = n;
    return 0;
}

int vs_idmap_put(vs_idmap_t *m, void *val)
{
    /* Past half full without memory to grow, it fills up further (longer
     * probes) rather than fail while a slot is left. */
    if ((m->len + 1) * 2 > m->cap && s_grow(m) != 0 && m->len + 1 >= m->cap)
        return -1;
    uint64_t h = vs_idmap_hash(s_key(m, val));
    s_place(m->slots, m->cap - 1, s_home(m, h), h, val);
    m->len++;
    return 0;
}

/* Empties slot i, shifting back the entries after it that it displaced. */
static void s_take(vs_idmap_t *m, size_t i)
{
    size_t mask = m->cap - 1, j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!m->slots[j].val)
            break;
        size_t k = s_home(m, m->slots[j].hash);
        /* j's entry may move to i only if its home k is not in (i, j]. */
        bool stays = i <= j ? (k > i && k <= j) : (k > i || k <= j);
        if (!stays) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i] = (vs_idmap_slot_t){ 0 };
    m->len--;
}

void vs_idmap_remove(vs_idmap_t *m, const void *val)
{
    size_t mask = m->cap - 1, i = s_home(m, vs_idmap_hash(s_key(m, val)));
    for (; m->slots[i].val; i = (i + 1) & mask)
        if (m->slots[i].val == val) {
            s_take(m, i);
            return;
        }
}

void *vs_idmap_del(vs_idmap_t *m, const char *id)
{
    size_t i = s_find(m, id, vs_idmap_hash(id));
    void *val = m->slots[i].val;
    if (val)
        s_take(m, i);
    return val;
}
