/* fault_queue: held-back agent-to-agent messages (see fault_queue.h). */
#include "fault_queue.h"

#include <stdlib.h>
#include <string.h>

struct bk_fq {
    bk_fq_item_t *v;
    size_t n, cap;
    uint64_t seq;
};

bk_fq_t *bk_fq_new(void)
{
    return calloc(1, sizeof(bk_fq_t));
}

void bk_fq_destroy(bk_fq_t **qp)
{
    if (!qp || !*qp)
        return;
    bk_fq_t *q = *qp;
    for (size_t i = 0; i < q->n; i++)
        free(q->v[i].buf);
    free(q->v);
    free(q);
    *qp = NULL;
}

uint64_t bk_fq_next_seq(bk_fq_t *q)
{
    return ++q->seq;
}

int bk_fq_push(bk_fq_t *q, const bk_fq_item_t *it)
{
    if (q->n >= BK_FQ_MAX)
        return -1;
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 16;
        bk_fq_item_t *v = realloc(q->v, cap * sizeof *v);
        if (!v)
            return -1;
        q->v = v;
        q->cap = cap;
    }
    q->v[q->n++] = *it;
    return 0;
}

size_t bk_fq_len(const bk_fq_t *q)
{
    return q->n;
}

uint64_t bk_fq_next_due(const bk_fq_t *q)
{
    uint64_t due = UINT64_MAX;
    for (size_t i = 0; i < q->n; i++)
        if (q->v[i].due_ms < due)
            due = q->v[i].due_ms;
    return due;
}

/* Order does not matter in the array, so removal swaps in the last. */
static void s_take(bk_fq_t *q, size_t i, bk_fq_item_t *out)
{
    *out = q->v[i];
    q->v[i] = q->v[--q->n];
}

bool bk_fq_pop_due(bk_fq_t *q, uint64_t now_ms, bk_fq_item_t *out)
{
    size_t best = q->n;
    for (size_t i = 0; i < q->n; i++) {
        const bk_fq_item_t *it = &q->v[i];
        if (it->due_ms > now_ms)
            continue;
        if (best == q->n || it->due_ms < q->v[best].due_ms ||
            (it->due_ms == q->v[best].due_ms && it->seq < q->v[best].seq))
            best = i;
    }
    if (best == q->n)
        return false;
    s_take(q, best, out);
    return true;
}

bool bk_fq_take_held(bk_fq_t *q, const void *from, const void *to, uint64_t before_seq,
                     bk_fq_item_t *out)
{
    size_t best = q->n;
    for (size_t i = 0; i < q->n; i++) {
        const bk_fq_item_t *it = &q->v[i];
        if (!it->held || it->from != from || it->to != to || it->seq >= before_seq)
            continue;
        if (best == q->n || it->seq < q->v[best].seq)
            best = i;
    }
    if (best == q->n)
        return false;
    s_take(q, best, out);
    return true;
}

size_t bk_fq_release_held(bk_fq_t *q, uint64_t now_ms)
{
    size_t n = 0;
    for (size_t i = 0; i < q->n; i++)
        if (q->v[i].held) {
            q->v[i].held = false;
            q->v[i].due_ms = now_ms;
            n++;
        }
    return n;
}
