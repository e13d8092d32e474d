#include "outbox.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
    uint64_t msg_id;
    char *to_vpc_arn, *to_account, *to_region;
    uint8_t *payload;
    size_t payload_len;
    bool sealed;
    uint64_t due;
    uint64_t backoff;
} entry_t;

/* Entries live in a dense array (cheap iteration for each_due); an open
 * addressing index maps msg_id -> position + 1 (0 = empty, tombstones are
 * avoided by backward-shift deletion). */
struct vs_outbox {
    entry_t *v;
    size_t n, cap;
    uint32_t *idx;      /* position + 1 */
    size_t idx_cap;     /* power of two */
    uint64_t base, max;
};

static size_t s_hash(uint64_t k, size_t cap)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return (size_t)k & (cap - 1);
}

vs_outbox_t *vs_outbox_new(uint64_t base_backoff_ms, uint64_t max_backoff_ms)
{
    vs_outbox_t *ob = calloc(1, sizeof *ob);
    if (!ob)
        return NULL;
    ob->base = base_backoff_ms ? base_backoff_ms : 1;
    ob->max = max_backoff_ms > ob->base ? max_backoff_ms : ob->base;
    ob->idx_cap = 64;
    ob->idx = calloc(ob->idx_cap, sizeof *ob->idx);
    if (!ob->idx) {
        free(ob);
        return NULL;
    }
    return ob;
}

static void s_entry_free(entry_t *e)
{
    free(e->to_vpc_arn);
    free(e->to_account);
    free(e->to_region);
    free(e->payload);
}

void vs_outbox_destroy(vs_outbox_t **obp)
{
    if (!obp || !*obp)
        return;
    vs_outbox_t *ob = *obp;
    for (size_t i = 0; i < ob->n; i++)
        s_entry_free(&ob->v[i]);
    free(ob->v);
    free(ob->idx);
    free(ob);
    *obp = NULL;
}

/* Slot of msg_id in the index, or of the empty slot where it would go. */
static size_t s_slot(const vs_outbox_t *ob, uint64_t msg_id)
{
    size_t i = s_hash(msg_id, ob->idx_cap);
    while (ob->idx[i] && ob->v[ob->idx[i] - 1].msg_id != msg_id)
        i = (i + 1) & (ob->idx_cap - 1);
    return i;
}

static int s_grow_index(vs_outbox_t *ob)
{
    size_t cap = ob->idx_cap * 2;
    uint32_t *idx = calloc(cap, sizeof *idx);
    if (!idx)
        return -1;
    free(ob->idx);
    ob->idx = idx;
    ob->idx_cap = cap;
    for (size_t p = 0; p < ob->n; p++)
        ob->idx[s_slot(ob, ob->v[p].msg_id)] = (uint32_t)(p + 1);
    return 0;
}

static char *s_dup(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

int vs_outbox_add(vs_outbox_t *ob, const vs_outmsg_t *m, uint64_t now_ms)
{
    if (vs_outbox_contains(ob, m->msg_id))
        return -1;
    if ((ob->n + 1) * 2 > ob->idx_cap && s_grow_index(ob) != 0)
        return -1;
    if (ob->n == ob->cap) {
        size_t cap = ob->cap ? ob->cap * 2 : 16;
        entry_t *v = realloc(ob->v, cap * sizeof *v);
        if (!v)
            return -1;
        ob->v = v;
        ob->cap = cap;
    }
    entry_t e = {
        .msg_id = m->msg_id,
        .to_vpc_arn = s_dup(m->to_vpc_arn),
        .to_account = s_dup(m->to_account),
        .to_region = s_dup(m->to_region),
        .payload = m->payload_len ? malloc(m->payload_len) : NULL,
        .payload_len = m->payload_len,
        .sealed = m->sealed,
        .due = now_ms ? now_ms + ob->base : 0,
        .backoff = ob->base,
    };
    if (m->payload_len && !e.payload) {
        s_entry_free(&e);
        return -1;
    }
    if (m->payload_len)
        memcpy(e.payload, m->payload, m->payload_len);
    ob->v[ob->n] = e;
    ob->idx[s_slot(ob, e.msg_id)] = (uint32_t)(ob->n + 1);
    ob->n++;
    return 0;
}

bool vs_outbox_contains(const vs_outbox_t *ob, uint64_t msg_id)
{
    return ob->idx[s_slot(ob, msg_id)] != 0;
}

size_t vs_outbox_len(const vs_outbox_t *ob) { return ob->n; }

uint64_t vs_outbox_min_id(const vs_outbox_t *ob)
{
    uint64_t min = UINT64_MAX;
    for (size_t i = 0; i < ob->n; i++)
        if (ob->v[i].msg_id < min)
            min = ob->v[i].msg_id;
    return min;
}

/* Removes index slot i with backward-shift deletion (keeps probe chains
 * intact without tombstones). */
static void s_index_remove(vs_outbox_t *ob, size_t i)
{
    size_t mask = ob->idx_cap - 1;
    ob->idx[i] = 0;
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!ob->idx[j])
            return;
        size_t home = s_hash(ob->v[ob->idx[j] - 1].msg_id, ob->idx_cap);
        /* Move j back to i if its home is not in the cyclic range (i, j]. */
        bool in_range = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!in_range) {
            ob->idx[i] = ob->idx[j];
            ob->idx[j] = 0;
            i = j;
        }
    }
}

bool vs_outbox_ack(vs_outbox_t *ob, uint64_t msg_id)
{
    size_t slot = s_slot(ob, msg_id);
    if (!ob->idx[slot])
        return false;
    size_t p = ob->idx[slot] - 1;
    s_index_remove(ob, slot);
    s_entry_free(&ob->v[p]);
    size_t last = ob->n - 1;
    if (p != last) {
        /* Keep the array dense: move the last entry into the hole. */
        ob->v[p] = ob->v[last];
        ob->idx[s_slot(ob, ob->v[p].msg_id)] = (uint32_t)(p + 1);
    }
    ob->n--;
    return true;
}

void vs_outbox_each_due(vs_outbox_t *ob, uint64_t now_ms,
                        void (*cb)(void *ctx, const vs_outmsg_t *m), void *ctx)
{
    for (size_t p = 0; p < ob->n; p++) {
        entry_t *e = &ob->v[p];
        if (e->due > now_ms)
            continue;
        vs_outmsg_t m = {
            .msg_id = e->msg_id, .to_vpc_arn = e->to_vpc_arn, .to_account = e->to_account,
            .to_region = e->to_region, .payload = e->payload, .payload_len = e->payload_len,
            .sealed = e->sealed,
        };
        cb(ctx, &m);
        e->due = now_ms + e->backoff;
        e->backoff = e->backoff * 2 > ob->max ? ob->max : e->backoff * 2;
    }
}

void vs_outbox_reset_backoff(vs_outbox_t *ob)
{
    for (size_t p = 0; p < ob->n; p++) {
        ob->v[p].due = 0;
        ob->v[p].backoff = ob->base;
    }
}

uint64_t vs_outbox_next_due(const vs_outbox_t *ob)
{
    uint64_t best = UINT64_MAX;
    for (size_t p = 0; p < ob->n; p++)
        if (ob->v[p].due < best)
            best = ob->v[p].due;
    return best;
}
