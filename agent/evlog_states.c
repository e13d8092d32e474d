#include "evlog_states.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *state;             /* NULL: empty slot; one of names, or owned */
    bool changed;
    bool owned;              /* state was copied for this entry alone */
    char id[VS_EV_ID_LEN];
} s_ent_t;

/* States are a handful of words ("active", "pending-acceptance"): each
 * distinct one is copied once into names and shared by every entry, so
 * that a change of state costs no malloc. Past S_MAX_NAMES distinct ones
 * (a bound on the scan below), an entry owns a copy of its own. */
#define S_MAX_NAMES 64

struct evlog_states {
    s_ent_t *t;
    size_t cap, len;         /* cap a power of two */
    /* Ids changed since the checkpoint; an id held in t is listed once
     * (its `changed`), a removed one may be listed twice: harmless. */
    char (*changed)[VS_EV_ID_LEN];
    size_t nchanged, changed_cap;
    char *names[S_MAX_NAMES];    /* owned; kept until evlog_states_free */
    size_t nnames;
};

/* The table, zeroed, each entry on one cache line of its own (calloc's
 * 16-byte alignment split most across two): ids are random, so a lookup
 * misses the cache, once a line. NULL out of memory; free() releases it. */
static s_ent_t *s_table(size_t cap)
{
    _Static_assert(sizeof(s_ent_t) == 64, "an entry per cache line");
    s_ent_t *t = aligned_alloc(64, cap * sizeof(s_ent_t));
    if (t)
        memset(t, 0, cap * sizeof(s_ent_t));
    return t;
}

static size_t s_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;   /* FNV-1a 64 */
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return (size_t)(h ^ (h >> 29));
}

evlog_states_t *evlog_states_new(void)
{
    evlog_states_t *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->cap = 64;
    m->t = s_table(m->cap);
    if (!m->t) {
        free(m);
        return NULL;
    }
    return m;
}

static void s_drop(s_ent_t *e)
{
    if (e->owned)
        free(e->state);
    e->state = NULL;
    e->owned = false;
}

void evlog_states_clear(evlog_states_t *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        s_drop(&m->t[i]);
        m->t[i].changed = false;
    }
    m->len = 0;
    m->nchanged = 0;
}

void evlog_states_free(evlog_states_t **mp)
{
    if (!mp || !*mp)
        return;
    evlog_states_clear(*mp);
    free((*mp)->t);
    free((*mp)->changed);
    for (size_t i = 0; i < (*mp)->nnames; i++)
        free((*mp)->names[i]);
    free(*mp);
    *mp = NULL;
}

static size_t s_find(const evlog_states_t *m, const char *id)
{
    size_t mask = m->cap - 1, i = s_hash(id) & mask;
    while (m->t[i].state && strcmp(m->t[i].id, id) != 0)
        i = (i + 1) & mask;
    return i;
}

void evlog_states_prefetch(const evlog_states_t *m, const char *id)
{
    __builtin_prefetch(&m->t[s_hash(id) & (m->cap - 1)]);
}

const char *evlog_states_get(const evlog_states_t *m, const char *id)
{
    return m->t[s_find(m, id)].state;
}

static int s_grow(evlog_states_t *m)
{
    s_ent_t *old = m->t;
    size_t oldcap = m->cap;
    s_ent_t *t = s_table(oldcap * 2);
    if (!t)
        return -1;
    m->t = t;
    m->cap = oldcap * 2;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].state)
            m->t[s_find(m, old[i].id)] = old[i];
    free(old);
    return 0;
}

static int s_note_changed(evlog_states_t *m, const char *id)
{
    if (m->nchanged == m->changed_cap) {
        size_t c = m->changed_cap ? m->changed_cap * 2 : 64;
        void *p = realloc(m->changed, c * sizeof *m->changed);
        if (!p)
            return -1;
        m->changed = p;
        m->changed_cap = c;
    }
    memcpy(m->changed[m->nchanged++], id, VS_EV_ID_LEN);
    return 0;
}

static void s_remove(evlog_states_t *m, size_t i)
{
    size_t mask = m->cap - 1;
    s_drop(&m->t[i]);
    m->t[i].changed = false;
    m->len--;
    for (size_t j = (i + 1) & mask; m->t[j].state; j = (j + 1) & mask) {
        size_t home = s_hash(m->t[j].id) & mask;
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            m->t[i] = m->t[j];
            m->t[j].state = NULL;
            m->t[j].owned = false;
            m->t[j].changed = false;
            i = j;
        }
    }
}

/* The shared copy of state (*owned false), or else a copy of its own
 * (*owned true); NULL out of memory. */
static char *s_name(evlog_states_t *m, const char *state, bool *owned)
{
    for (size_t i = 0; i < m->nnames; i++) {
        if (strcmp(m->names[i], state) == 0) {
            *owned = false;
            return m->names[i];
        }
    }
    char *copy = strdup(state);
    if (copy && m->nnames < S_MAX_NAMES) {
        m->names[m->nnames++] = copy;
        *owned = false;
        return copy;
    }
    *owned = true;
    return copy;
}

/* Sets the entry of key at slot i (what s_find(key) returned). */
static int s_set_at(evlog_states_t *m, const char *key, size_t i, const char *state, bool mark)
{
    if (!state) {
        if (!m->t[i].state)
            return 0;
        bool listed = m->t[i].changed;
        s_remove(m, i);
        return mark && !listed ? s_note_changed(m, key) : 0;
    }
    bool owned;
    char *copy = s_name(m, state, &owned);
    if (!copy)
        return -1;
    if (!m->t[i].state) {
        if (2 * (m->len + 1) > m->cap) {
            if (s_grow(m) != 0) {
                if (owned)
                    free(copy);
                return -1;
            }
            i = s_find(m, key);
        }
        memcpy(m->t[i].id, key, VS_EV_ID_LEN);
        m->t[i].changed = false;
        m->len++;
    } else {
        s_drop(&m->t[i]);
    }
    m->t[i].state = copy;
    m->t[i].owned = owned;
    if (mark && !m->t[i].changed) {
        m->t[i].changed = true;
        return s_note_changed(m, key);
    }
    return 0;
}

/* only_if_new: an unchanged state is left alone (0) and a change returns
 * 1, so that the caller's test and the change cost one probe. */
static int s_set(evlog_states_t *m, const char *id, const char *state, bool mark,
                 bool only_if_new)
{
    if (!id || strlen(id) >= VS_EV_ID_LEN || (state && strlen(state) >= VS_EV_DETAIL_LEN))
        return -1;
    char key[VS_EV_ID_LEN] = { 0 };
    strcpy(key, id);
    size_t i = s_find(m, key);
    if (only_if_new) {
        const char *was = m->t[i].state;
        if ((!was && !state) || (was && state && strcmp(was, state) == 0))
            return 0;
    }
    int rc = s_set_at(m, key, i, state, mark);
    return rc == 0 && only_if_new ? 1 : rc;
}

int evlog_states_set(evlog_states_t *m, const char *id, const char *state)
{
    return s_set(m, id, state, true, false);
}

int evlog_states_change(evlog_states_t *m, const char *id, const char *state)
{
    return s_set(m, id, state, true, true);
}

int evlog_states_load(evlog_states_t *m, const char *id, const char *state)
{
    return s_set(m, id, state, false, false);
}

/* The changed ids are random: their lookups, started this many ahead, miss
 * the cache together rather than one after another. */
#define S_AHEAD 8

int evlog_states_each_changed(const evlog_states_t *m,
                              int (*fn)(void *ctx, const char *id, const char *state),
                              void *ctx)
{
    for (size_t k = 0; k < m->nchanged; k++) {
        if (k + S_AHEAD < m->nchanged)
            evlog_states_prefetch(m, m->changed[k + S_AHEAD]);
        int rc = fn(ctx, m->changed[k], evlog_states_get(m, m->changed[k]));
        if (rc)
            return rc;
    }
    return 0;
}

int evlog_states_each(const evlog_states_t *m,
                      int (*fn)(void *ctx, const char *id, const char *state), void *ctx)
{
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->t[i].state)
            continue;
        int rc = fn(ctx, m->t[i].id, m->t[i].state);
        if (rc)
            return rc;
    }
    return 0;
}

size_t evlog_states_nchanged(const evlog_states_t *m)
{
    return m->nchanged;
}

void evlog_states_clean(evlog_states_t *m)
{
    for (size_t k = 0; k < m->nchanged; k++) {
        if (k + S_AHEAD < m->nchanged)
            evlog_states_prefetch(m, m->changed[k + S_AHEAD]);
        size_t i = s_find(m, m->changed[k]);
        if (m->t[i].state)
            m->t[i].changed = false;
    }
    m->nchanged = 0;
}

size_t evlog_states_len(const evlog_states_t *m)
{
    return m->len;
}
