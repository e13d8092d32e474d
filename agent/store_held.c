/* store_held: see store_held.h. Entries in order of first put; an index
 * of open addressing (linear probing) on seq whose slots carry the
 * generation they were filled in, so a clear is a new generation. Ids and
 * records are copied into one byte buffer, reset at each clear; a record
 * put again over one at least as long is copied in place. */
#include "store_held.h"

#include <stdlib.h>
#include <string.h>

/* Past this many bytes of records in a turn, records are written at once
 * (a turn of the handshake benchmark holds tens of kilobytes). */
#define S_HELD_MAX_BYTES (16u << 20)
/* Buffers larger than this after a clear are given back. */
#define S_HELD_KEEP_BYTES (1u << 20)
#define S_HELD_KEEP_ENTRIES 4096

typedef struct hent {
    int64_t seq;
    uint32_t id_off, doc_off, len;
    bool live;          /* false: dropped (the row went) */
} hent_t;

typedef struct hslot {
    uint32_t gen;       /* the slot is in use if gen == store_held_t.gen */
    uint32_t ent;
} hslot_t;

struct store_held {
    hent_t *ents;
    size_t nents, ents_cap;
    size_t nlive;
    hslot_t *slots;
    size_t cap;         /* a power of two, at least twice nents */
    uint32_t gen;
    uint8_t *buf;
    size_t used, buf_cap;
};

static size_t s_pos(int64_t seq, size_t cap)
{
    uint64_t x = (uint64_t)seq * 0x9e3779b97f4a7c15ull;
    return (size_t)(x >> 32) & (cap - 1);
}

store_held_t *store_held_new(void)
{
    store_held_t *h = calloc(1, sizeof *h);
    if (h)
        h->gen = 1;
    return h;
}

void store_held_free(store_held_t **hp)
{
    if (!hp || !*hp)
        return;
    free((*hp)->ents);
    free((*hp)->slots);
    free((*hp)->buf);
    free(*hp);
    *hp = NULL;
}

/* The slot of seq, or of the empty place where it would go. */
static hslot_t *s_find(const store_held_t *h, int64_t seq)
{
    for (size_t i = s_pos(seq, h->cap);; i = (i + 1) & (h->cap - 1)) {
        hslot_t *s = &h->slots[i];
        if (s->gen != h->gen || h->ents[s->ent].seq == seq)
            return s;
    }
}

static int s_grow_index(store_held_t *h)
{
    size_t cap = h->cap ? h->cap * 2 : 256;
    hslot_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    free(h->slots);
    h->slots = slots;
    h->cap = cap;
    h->gen = 1;
    for (size_t e = 0; e < h->nents; e++) {
        hslot_t *s = s_find(h, h->ents[e].seq);
        s->gen = h->gen;
        s->ent = (uint32_t)e;
    }
    return 0;
}

/* n bytes at the end of the buffer: their offset, or -1. */
static long s_alloc(store_held_t *h, size_t n)
{
    if (h->used + n > S_HELD_MAX_BYTES)
        return -1;
    if (h->used + n > h->buf_cap) {
        size_t cap = h->buf_cap ? h->buf_cap : 4096;
        while (cap < h->used + n)
            cap *= 2;
        uint8_t *b = realloc(h->buf, cap);
        if (!b)
            return -1;
        h->buf = b;
        h->buf_cap = cap;
    }
    long off = (long)h->used;
    h->used += n;
    return off;
}

static int s_grow_ents(store_held_t *h)
{
    size_t cap = h->ents_cap ? h->ents_cap * 2 : 256;
    hent_t *ents = realloc(h->ents, cap * sizeof *ents);
    if (!ents)
        return -1;
    h->ents = ents;
    h->ents_cap = cap;
    return 0;
}

int store_held_put(store_held_t *h, int64_t seq, const char *id, const void *doc, size_t len)
{
    if ((h->nents + 1) * 2 > h->cap && s_grow_index(h) != 0)
        goto fail;
    hslot_t *s = s_find(h, seq);
    hent_t *e = s->gen == h->gen ? &h->ents[s->ent] : NULL;
    /* The same row keeps its id, unless it was dropped and its seq taken
     * again by a new object. */
    bool same_id = e && strcmp((const char *)h->buf + e->id_off, id) == 0;
    if (same_id && len <= e->len) {
        if (len)
            memcpy(h->buf + e->doc_off, doc, len);
    } else {
        if (!e && h->nents == h->ents_cap && s_grow_ents(h) != 0)
            goto fail;
        size_t idlen = strlen(id) + 1;
        long id_off = same_id ? (long)e->id_off : s_alloc(h, idlen);
        long doc_off = id_off < 0 ? -1 : s_alloc(h, len);
        if (doc_off < 0)
            goto fail;
        if (!same_id)
            memcpy(h->buf + id_off, id, idlen);
        if (len)
            memcpy(h->buf + doc_off, doc, len);
        if (!e) {
            e = &h->ents[h->nents];
            *e = (hent_t){ .seq = seq };
            s->gen = h->gen;
            s->ent = (uint32_t)h->nents++;
        }
        e->id_off = (uint32_t)id_off;
        e->doc_off = (uint32_t)doc_off;
    }
    e->len = (uint32_t)len;
    if (!e->live)
        h->nlive++;
    e->live = true;
    return 0;
fail:
    store_held_drop(h, seq);
    return -1;
}

void store_held_drop(store_held_t *h, int64_t seq)
{
    if (!h->cap)
        return;
    hslot_t *s = s_find(h, seq);
    if (s->gen == h->gen && h->ents[s->ent].live) {
        h->ents[s->ent].live = false;
        h->nlive--;
    }
}

size_t store_held_len(const store_held_t *h)
{
    return h->nlive;
}

int store_held_each(const store_held_t *h, store_held_fn fn, void *ctx)
{
    for (size_t i = 0; i < h->nents; i++) {
        const hent_t *e = &h->ents[i];
        if (!e->live)
            continue;
        int rc = fn(ctx, e->seq, (const char *)h->buf + e->id_off, h->buf + e->doc_off, e->len);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static void s_free_buf(store_held_t *h)
{
    free(h->buf);
    h->buf = NULL;
    h->buf_cap = 0;
}

static void s_free_ents(store_held_t *h)
{
    free(h->ents);
    free(h->slots);
    h->ents = NULL;
    h->slots = NULL;
    h->ents_cap = 0;
    h->cap = 0;
}

void store_held_clear(store_held_t *h)
{
    h->nents = 0;
    h->nlive = 0;
    h->used = 0;
    if (h->buf_cap > S_HELD_KEEP_BYTES)
        s_free_buf(h);
    if (h->ents_cap > S_HELD_KEEP_ENTRIES)
        s_free_ents(h);
    if (++h->gen == 0) {        /* wrapped: slots of generation 0 would look live */
        if (h->slots)
            memset(h->slots, 0, h->cap * sizeof *h->slots);
        h->gen = 1;
    }
}

void store_held_shed(store_held_t *h)
{
    if (h->nents != 0)
        return;
    s_free_buf(h);
    s_free_ents(h);
}

size_t store_held_bytes(const store_held_t *h)
{
    return h->buf_cap + h->ents_cap * sizeof *h->ents + h->cap * sizeof *h->slots;
}
