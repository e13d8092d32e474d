/* model_timer: the model's timers: a binary min-heap on (due_ms, seq) of
 * (timer kind, object ID) pairs. Timers are persisted inside their
 * object's document ("Timers"), so arming or cancelling one marks the
 * object dirty, and loading the object re-arms them.
 */
#include <string.h>

#include "model_priv.h"

static bool s_before(const vs_timer_t *a, const vs_timer_t *b)
{
    return a->due_ms != b->due_ms ? a->due_ms < b->due_ms : a->seq < b->seq;
}

static void s_swap(vs_timer_t *h, size_t i, size_t j)
{
    vs_timer_t t = h[i];
    h[i] = h[j];
    h[j] = t;
}

static void s_up(vs_timer_t *h, size_t i)
{
    while (i > 0 && s_before(&h[i], &h[(i - 1) / 2])) {
        s_swap(h, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void s_down(vs_timer_t *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, min = i;
        if (l < n && s_before(&h[l], &h[min]))
            min = l;
        if (r < n && s_before(&h[r], &h[min]))
            min = r;
        if (min == i)
            return;
        s_swap(h, i, min);
        i = min;
    }
}

/* Removes heap entry i, keeping the heap property. */
static void s_remove_at(vs_model_t *m, size_t i)
{
    m->ntimers--;
    if (i == m->ntimers)
        return;
    m->heap[i] = m->heap[m->ntimers];
    s_down(m->heap, m->ntimers, i);
    s_up(m->heap, i);
}

static int s_heap_push(vs_model_t *m, const vs_timer_kind_t *k, const char *obj_id,
                       uint64_t due, uint64_t seq)
{
    if (m->ntimers == m->timer_cap) {
        size_t nc = m->timer_cap ? m->timer_cap * 2 : 16;
        vs_timer_t *nh = realloc(m->heap, nc * sizeof *nh);
        if (!nh)
            return -1;
        m->heap = nh;
        m->timer_cap = nc;
    }
    vs_timer_t *t = &m->heap[m->ntimers];
    memset(t, 0, sizeof *t);
    t->due_ms = due;
    t->seq = seq;
    t->kind = k;
    /* (memset above: the copy stays NUL-terminated, cut like snprintf
     * would; IDs fit.) */
    memcpy(t->obj_id, obj_id, strnlen(obj_id, sizeof t->obj_id - 1));
    s_up(m->heap, m->ntimers++);
    return 0;
}

/* The armed timer of object o with kind k: its index, or -1. */
static ptrdiff_t s_obj_find(const vs_obj_t *o, const vs_timer_kind_t *k)
{
    for (size_t i = 0; i < o->ntimers; i++)
        if (o->timers[i].kind == k)
            return (ptrdiff_t)i;
    return -1;
}

/* Whether heap entry t is still armed (its object has it with that seq). */
static bool s_live(const vs_model_t *m, const vs_timer_t *t)
{
    const vs_obj_t *o = vs_model__get(m, t->obj_id);
    ptrdiff_t i = o ? s_obj_find(o, t->kind) : -1;
    return i >= 0 && o->timers[i].seq == t->seq;
}

/* Drops stale entries from the top, so the top is the next real deadline;
 * rebuilds the heap when stale entries outnumber live ones. */
static void s_prune(vs_model_t *m)
{
    while (m->ntimers > 0 && !s_live(m, &m->heap[0]))
        s_remove_at(m, 0);
    if (m->ntimers <= 4 * m->nlive_timers + 64)
        return;
    size_t n = 0;
    for (size_t i = 0; i < m->ntimers; i++)
        if (s_live(m, &m->heap[i]))
            m->heap[n++] = m->heap[i];
    m->ntimers = n;
    for (size_t i = n / 2 + 1; i-- > 0;)
        s_down(m->heap, n, i);
}

/* Arms (k, o) at due with arming sequence seq, replacing an armed one. */
static int s_arm(vs_model_t *m, vs_obj_t *o, const vs_timer_kind_t *k, uint64_t due,
                 uint64_t seq)
{
    ptrdiff_t i = s_obj_find(o, k);
    if (i < 0) {
        /* A pcx arms and cancels timers at each transition: the room stays,
         * so re-arming costs no realloc. */
        if (o->ntimers == o->timer_cap) {
            size_t cap = o->timer_cap ? o->timer_cap * 2 : 2;
            vs_obj_timer_t *nt = realloc(o->timers, cap * sizeof *nt);
            if (!nt)
                return -1;
            o->timers = nt;
            o->timer_cap = cap;
        }
        o->timers[o->ntimers++] = (vs_obj_timer_t){ k, due, seq };
        m->nlive_timers++;
    } else {
        o->timers[i].due_ms = due;
        o->timers[i].seq = seq;
    }
    if (seq >= m->next_timer_seq)
        m->next_timer_seq = seq + 1;
    return s_heap_push(m, k, o->id, due, seq);
}

int vs_model__timer_arm_obj(vs_model_t *m, const vs_timer_kind_t *k, vs_obj_t *o,
                            uint64_t due_ms)
{
    if (!k || !o)
        return -1;
    if (s_arm(m, o, k, due_ms, m->next_timer_seq) != 0)
        return -1;
    s_prune(m);
    vs_model__mark_meta(m);
    vs_model__touch(m, o);
    return 0;
}

int vs_model__timer_arm(vs_model_t *m, const char *kind, const char *obj_id, uint64_t due_ms)
{
    return vs_model__timer_arm_obj(m, vs_model__timer_kind(m, kind), vs_model__get(m, obj_id),
                                   due_ms);
}

size_t vs_model__timer_cancel_obj(vs_model_t *m, const vs_timer_kind_t *k, vs_obj_t *o)
{
    if (!o)
        return 0;
    size_t n = 0;
    for (size_t i = o->ntimers; i-- > 0;) {
        if (!k || o->timers[i].kind == k) {
            vs__erase(o->timers, &o->ntimers, sizeof o->timers[0], i);
            m->nlive_timers--;
            n++;
        }
    }
    if (n) {
        s_prune(m);
        vs_model__touch(m, o);
    }
    return n;
}

size_t vs_model__timer_cancel(vs_model_t *m, const char *kind, const char *obj_id)
{
    const vs_timer_kind_t *k = kind ? vs_model__timer_kind(m, kind) : NULL;
    if (kind && !k)
        return 0;
    return vs_model__timer_cancel_obj(m, k, vs_model__get(m, obj_id));
}

bool vs_model__timer_get(const vs_model_t *m, const char *kind, const char *obj_id,
                         uint64_t *due)
{
    const vs_timer_kind_t *k = vs_model__timer_kind(m, kind);
    const vs_obj_t *o = vs_model__get(m, obj_id);
    ptrdiff_t at = k && o ? s_obj_find(o, k) : -1;
    if (at < 0)
        return false;
    if (due)
        *due = o->timers[at].due_ms;
    return true;
}

void vs_model_tick(vs_model_t *m)
{
    if (!m)
        return;
    uint64_t now = vs_model__now(m);
    /* Timers armed while this tick runs (even ones already due) wait for
     * the next tick, so a handler that re-arms itself cannot spin here. */
    uint64_t seq_limit = m->next_timer_seq;
    while (m->ntimers > 0 && m->heap[0].due_ms <= now && m->heap[0].seq < seq_limit) {
        vs_timer_t t = m->heap[0];
        s_remove_at(m, 0);
        vs_obj_t *o = vs_model__get(m, t.obj_id);
        ptrdiff_t i = o ? s_obj_find(o, t.kind) : -1;
        if (i < 0 || o->timers[i].seq != t.seq)
            continue;          /* cancelled or re-armed since: stale */
        vs__erase(o->timers, &o->ntimers, sizeof o->timers[0], (size_t)i);
        m->nlive_timers--;
        vs_model__touch(m, o);
        t.kind->fn(m, t.obj_id);
    }
    s_prune(m);
}

uint64_t vs_model_next_deadline(const vs_model_t *m)
{
    return m && m->ntimers > 0 ? m->heap[0].due_ms : UINT64_MAX;
}

size_t vs_model__timers_sorted(const vs_obj_t *o, const vs_obj_timer_t *out[VS_OBJ_TIMERS_MAX])
{
    /* Sorted by (due, seq): the same state must always give the same
     * record, whatever order the timers were armed in. */
    size_t n = 0;
    for (size_t i = 0; o && i < o->ntimers && n < VS_OBJ_TIMERS_MAX; i++) {
        const vs_obj_timer_t *t = &o->timers[i];
        size_t j = n++;
        for (; j > 0 && (t->due_ms != out[j - 1]->due_ms ? t->due_ms < out[j - 1]->due_ms
                                                         : t->seq < out[j - 1]->seq); j--)
            out[j] = out[j - 1];
        out[j] = t;
    }
    return n;
}

vs_json_t *vs_model__timers_json(const vs_model__timer_rec_t *t, size_t n)
{
    if (n == 0)
        return NULL;
    vs_json_t *arr = vs_json_array();
    for (size_t i = 0; arr && i < n; i++) {
        vs_json_t *e = vs_json_push(arr, vs_json_object());
        vs_json_set_str(e, "Kind", t[i].kind);
        vs_json_set_int(e, "Due", (int64_t)t[i].due_ms);
        vs_json_set_int(e, "Seq", (int64_t)t[i].seq);
    }
    return arr;
}

vs_json_t *vs_model__timers_doc(const vs_model_t *m, const char *obj_id)
{
    const vs_obj_timer_t *mine[VS_OBJ_TIMERS_MAX];
    size_t n = vs_model__timers_sorted(vs_model__get(m, obj_id), mine);
    vs_model__timer_rec_t recs[VS_OBJ_TIMERS_MAX];
    for (size_t i = 0; i < n; i++)
        recs[i] = (vs_model__timer_rec_t){ mine[i]->kind->name, mine[i]->due_ms, mine[i]->seq };
    return vs_model__timers_json(recs, n);
}

int vs_model__timers_load_list(vs_model_t *m, const char *obj_id,
                               const vs_model__timer_rec_t *t, size_t n)
{
    if (n > VS_OBJ_TIMERS_MAX)
        return -1;
    /* Validate everything before arming anything. */
    for (size_t i = 0; i < n; i++)
        if (!vs_model__timer_kind(m, t[i].kind) || t[i].due_ms > INT64_MAX ||
            t[i].seq > INT64_MAX)
            return -1;
    vs_obj_t *o = vs_model__get(m, obj_id);
    if (!o)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (s_arm(m, o, vs_model__timer_kind(m, t[i].kind), t[i].due_ms, t[i].seq) != 0)
            return -1;
    return 0;
}

int vs_model__timers_load(vs_model_t *m, const char *obj_id, const vs_json_t *arr)
{
    if (!arr)
        return 0;
    if (vs_json_type(arr) != VS_JSON_ARRAY || vs_json_len(arr) > VS_OBJ_TIMERS_MAX)
        return -1;
    vs_model__timer_rec_t recs[VS_OBJ_TIMERS_MAX];
    size_t n = vs_json_len(arr);
    for (size_t i = 0; i < n; i++) {
        const vs_json_t *e = vs_json_at(arr, i);
        if (!vs_json_get_str(e, "Kind") ||
            !vs_json_is_int(vs_json_get(e, "Due")) || vs_json_get_int(e, "Due", -1) < 0 ||
            !vs_json_is_int(vs_json_get(e, "Seq")) || vs_json_get_int(e, "Seq", -1) < 0)
            return -1;
        recs[i] = (vs_model__timer_rec_t){ vs_json_get_str(e, "Kind"),
                                           (uint64_t)vs_json_get_int(e, "Due", 0),
                                           (uint64_t)vs_json_get_int(e, "Seq", 0) };
    }
    return vs_model__timers_load_list(m, obj_id, recs, n);
}

void vs_model__timers_free(vs_model_t *m)
{
    free(m->heap);
    m->heap = NULL;
    m->ntimers = m->timer_cap = 0;
}
