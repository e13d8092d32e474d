/* evlog_query: the event log's readers (DescribeEvents, and through it the
 * console, `vpcsim trace` and `vpcsim events`): they decode the batches
 * (evlog_codec.c) and answer as the per-event table did - same order (by
 * seq), same fields, same selection. Reads are rare next to writes, so
 * they scan what the writers no longer index.
 */
#include <stdlib.h>
#include <string.h>

#include "evlog_priv.h"

/* --- evlog_query ------------------------------------------------------------ */

typedef struct {
    uint64_t *v;
    size_t n, cap;
    bool oom;
} s_causes_t;

typedef struct {
    const char *object;      /* NULL: every event */
    s_causes_t causes;       /* of the events about object, sorted */
    vs_event_t *out;
    size_t n, limit;
} s_query_t;

static int s_collect_cb(void *ctx, const vs_event_t *e)
{
    s_query_t *q = ctx;
    if (e->cause == 0 || strcmp(e->object, q->object) != 0)
        return 0;
    s_causes_t *c = &q->causes;
    if (c->n && c->v[c->n - 1] == e->cause)
        return 0;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        uint64_t *v = realloc(c->v, cap * sizeof *v);
        if (!v) {
            c->oom = true;
            return 1;
        }
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = e->cause;
    return 0;
}

static int s_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static bool s_has_cause(const s_causes_t *c, uint64_t cause)
{
    return cause != 0 && c->n && bsearch(&cause, c->v, c->n, sizeof *c->v, s_cmp_u64);
}

static int s_select_cb(void *ctx, const vs_event_t *e)
{
    s_query_t *q = ctx;
    /* An object's events and, through the causality id, the events its
     * calls and messages caused (a sealed message's receipt, say). */
    if (q->object && strcmp(e->object, q->object) != 0 && !s_has_cause(&q->causes, e->cause))
        return 0;
    q->out[q->n++] = *e;
    return q->n == q->limit;
}

int evlog_query(evlog_t *l, const char *object, int64_t after_seq, size_t limit,
                vs_event_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (limit == 0 || limit > EVLOG_MAX_QUERY)
        limit = EVLOG_MAX_QUERY;
    s_query_t q = { .object = object && *object ? object : NULL, .limit = limit };
    q.out = calloc(limit, sizeof *q.out);
    if (!q.out)
        return -1;
    int rc = 0;
    if (q.object) {
        /* The causes of every event about object, kept or not after
         * after_seq (as the table's subquery did). */
        rc = evlog__each(l, 0, s_collect_cb, &q) == 0 && !q.causes.oom ? 0 : -1;
        if (rc == 0 && q.causes.n > 1)     /* none: v may be NULL, which qsort may not take */
            qsort(q.causes.v, q.causes.n, sizeof *q.causes.v, s_cmp_u64);
    }
    if (rc == 0 && evlog__each(l, after_seq, s_select_cb, &q) < 0)
        rc = -1;
    free(q.causes.v);
    if (rc != 0) {
        free(q.out);
        return -1;
    }
    *out = q.out;
    *n = q.n;
    return 0;
}

/* --- evlog_call_of ------------------------------------------------------------ */

typedef struct {
    uint64_t cause;
    int64_t seq;             /* > 0: the one at this seq */
    bool found;
    char *action, *object;
    size_t alen, olen;
} s_call_t;

static int s_call_cb(void *ctx, const vs_event_t *e)
{
    s_call_t *c = ctx;
    if (c->seq > 0 ? e->seq != c->seq : (e->kind != VS_EV_API_CALL || e->cause != c->cause))
        return 0;
    vs_event_set(c->action, c->alen, e->action);
    vs_event_set(c->object, c->olen, e->object);
    c->found = true;
    return 1;
}

int evlog_call_of(evlog_t *l, uint64_t cause, char *action, size_t alen, char *object,
                  size_t olen)
{
    vs_event_set(action, alen, "");
    vs_event_set(object, olen, "");
    s_call_t c = { .cause = cause, .action = action, .object = object, .alen = alen,
                   .olen = olen };
    uint64_t unused;
    int64_t seq;
    if (evlog_idx_get(l->calls, cause, &unused, &seq)) {
        /* The scan's window starts at the batch holding seq. */
        c.seq = seq;
        evlog__each(l, seq - 1, s_call_cb, &c);
    } else if (evlog_idx_overflowed(l->calls)) {
        evlog__each(l, 0, s_call_cb, &c);
    }
    return c.found ? 0 : 1;
}
