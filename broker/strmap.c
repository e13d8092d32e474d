/* strmap: chained hash map (see strmap.h). Chaining keeps deletion simple,
 * and the table doubles when the load factor passes 1 so lookups stay O(1)
 * with a hundred thousand ARNs. */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define S_MIN_BUCKETS 16

typedef struct s_entry {
    struct s_entry *next;
    uint64_t hash;
    void *val;
    size_t klen;
    unsigned char key[];
} s_entry_t;

struct bk_strmap {
    s_entry_t **buckets;
    size_t nbuckets;   /* a power of two */
    size_t n;
};

/* A word at a time, multiply-mixed (keys are ARNs of some 60 bytes, so a
 * byte-at-a-time hash spent more on hashing than on the lookup's cache
 * misses). No attacker picks keys freely enough for collision flooding to
 * matter more than any other resource use. The low bits pick the bucket,
 * so the last step folds the high bits down. */
static uint64_t s_word(const unsigned char *p, size_t n)
{
    uint64_t w = 0;
    memcpy(&w, p, n);
    return w;
}

static uint64_t s_mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 29);
}

static uint64_t s_hash(const void *key, size_t klen)
{
    const unsigned char *p = key;
    uint64_t h = 0xcbf29ce484222325ull ^ klen;
    size_t i = 0;
    for (; i + 8 <= klen; i += 8)
        h = s_mix(h, s_word(p + i, 8));
    if (i < klen)
        h = s_mix(h, s_word(p + i, klen - i));
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 32);
}

bk_strmap_t *bk_strmap_new(void)
{
    bk_strmap_t *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->buckets = calloc(S_MIN_BUCKETS, sizeof *m->buckets);
    if (!m->buckets) {
        free(m);
        return NULL;
    }
    m->nbuckets = S_MIN_BUCKETS;
    return m;
}

void bk_strmap_destroy(bk_strmap_t **mp)
{
    if (!mp || !*mp)
        return;
    bk_strmap_t *m = *mp;
    for (size_t i = 0; i < m->nbuckets; i++) {
        s_entry_t *e = m->buckets[i];
        while (e) {
            s_entry_t *next = e->next;
            free(e);
            e = next;
        }
    }
    free(m->buckets);
    free(m);
    *mp = NULL;
}

static s_entry_t **s_find(const bk_strmap_t *m, const void *key, size_t klen, uint64_t h)
{
    s_entry_t **pp = &m->buckets[h & (m->nbuckets - 1)];
    for (; *pp; pp = &(*pp)->next)
        if ((*pp)->hash == h && (*pp)->klen == klen && memcmp((*pp)->key, key, klen) == 0)
            return pp;
    return pp;
}

void *bk_strmap_get(const bk_strmap_t *m, const void *key, size_t klen)
{
    if (!m)
        return NULL;
    s_entry_t **pp = s_find(m, key, klen, s_hash(key, klen));
    return *pp ? (*pp)->val : NULL;
}

/* Growing is best effort: on OOM the map keeps working, just slower. */
static void s_grow(bk_strmap_t *m)
{
    size_t nb = m->nbuckets * 2;
    s_entry_t **b = calloc(nb, sizeof *b);
    if (!b)
        return;
    for (size_t i = 0; i < m->nbuckets; i++) {
        s_entry_t *e = m->buckets[i];
        while (e) {
            s_entry_t *next = e->next;
            size_t j = e->hash & (nb - 1);
            e->next = b[j];
            b[j] = e;
            e = next;
        }
    }
    free(m->buckets);
    m->buckets = b;
    m->nbuckets = nb;
}

int bk_strmap_put(bk_strmap_t *m, const void *key, size_t klen, void *val)
{
    uint64_t h = s_hash(key, klen);
    s_entry_t **pp = s_find(m, key, klen, h);
    if (*pp) {
        (*pp)->val = val;
        return 0;
    }
    s_entry_t *e = malloc(sizeof *e + klen);
    if (!e)
        return -1;
    e->next = NULL;
    e->hash = h;
    e->val = val;
    e->klen = klen;
    if (klen)
        memcpy(e->key, key, klen);
    *pp = e;
    if (++m->n > m->nbuckets)
        s_grow(m);
    return 0;
}

void *bk_strmap_del(bk_strmap_t *m, const void *key, size_t klen)
{
    if (!m)
        return NULL;
    s_entry_t **pp = s_find(m, key, klen, s_hash(key, klen));
    s_entry_t *e = *pp;
    if (!e)
        return NULL;
    void *val = e->val;
    *pp = e->next;
    free(e);
    m->n--;
    return val;
}

size_t bk_strmap_size(const bk_strmap_t *m)
{
    return m ? m->n : 0;
}

int bk_strmap_each(const bk_strmap_t *m, bk_strmap_each_cb cb, void *arg)
{
    if (!m)
        return 0;
    for (size_t i = 0; i < m->nbuckets; i++)
        for (const s_entry_t *e = m->buckets[i]; e; e = e->next) {
            int rc = cb(e->key, e->klen, e->val, arg);
            if (rc)
                return rc;
        }
    return 0;
}
