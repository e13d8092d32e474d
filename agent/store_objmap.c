/* store_objmap: see store_objmap.h. Open addressing, linear probing,
 * deletion by backward shift (no tombstones), at most half full. */
#include "store_objmap.h"

#include <stdlib.h>
#include <string.h>

typedef struct slot {
    char *id;           /* owned; NULL: empty */
    uint64_t hash;
    int64_t seq;
} slot_t;

/* One change made in the open transaction. An added id is borrowed from
 * its slot: undone newest first, the slot holds it again by then. A
 * removed id is owned here until commit (freed) or rollback (back into
 * a slot). */
typedef struct jent {
    char *id;
    int64_t seq;
    bool added;
} jent_t;

struct store_objmap {
    slot_t *slots;
    size_t cap, len;    /* cap a power of two */
    bool in_txn;
    jent_t *j;
    size_t nj, jcap;
};

#define S_MIN_CAP 1024

static uint64_t s_hash(const char *id)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return h ^ (h >> 32);
}

store_objmap_t *store_objmap_new(void)
{
    store_objmap_t *m = calloc(1, sizeof *m);
    if (m && !(m->slots = calloc(S_MIN_CAP, sizeof *m->slots))) {
        free(m);
        return NULL;
    }
    if (m)
        m->cap = S_MIN_CAP;
    return m;
}

void store_objmap_free(store_objmap_t **mp)
{
    if (!mp || !*mp)
        return;
    store_objmap_t *m = *mp;
    store_objmap_commit(m);     /* frees the ids held by the journal */
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].id);
    free(m->slots);
    free(m->j);
    free(m);
    *mp = NULL;
}

/* The slot holding id, or the empty one where it would go. */
static size_t s_find(const store_objmap_t *m, const char *id, uint64_t h)
{
    size_t i = (size_t)h & (m->cap - 1);
    while (m->slots[i].id && (m->slots[i].hash != h || strcmp(m->slots[i].id, id) != 0))
        i = (i + 1) & (m->cap - 1);
    return i;
}

bool store_objmap_get(const store_objmap_t *m, const char *id, int64_t *seq)
{
    size_t i = s_find(m, id, s_hash(id));
    if (!m->slots[i].id)
        return false;
    *seq = m->slots[i].seq;
    return true;
}

size_t store_objmap_len(const store_objmap_t *m)
{
    return m->len;
}

static int s_grow(store_objmap_t *m)
{
    size_t cap = m->cap * 2;
    slot_t *s = cap > m->cap ? calloc(cap, sizeof *s) : NULL;
    if (!s)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].id)
            continue;
        size_t k = (size_t)m->slots[i].hash & (cap - 1);
        while (s[k].id)
            k = (k + 1) & (cap - 1);
        s[k] = m->slots[i];
    }
    free(m->slots);
    m->slots = s;
    m->cap = cap;
    return 0;
}

/* Room for one more journal entry (in a transaction). */
static int s_jroom(store_objmap_t *m)
{
    if (!m->in_txn || m->nj < m->jcap)
        return 0;
    size_t cap = m->jcap ? m->jcap * 2 : 64;
    jent_t *j = realloc(m->j, cap * sizeof *j);
    if (!j)
        return -1;
    m->j = j;
    m->jcap = cap;
    return 0;
}

/* Puts an owned id into the map (not in it, room guaranteed). */
static void s_place(store_objmap_t *m, char *id, uint64_t h, int64_t seq)
{
    size_t i = s_find(m, id, h);
    m->slots[i] = (slot_t){ .id = id, .hash = h, .seq = seq };
    m->len++;
}

int store_objmap_add(store_objmap_t *m, const char *id, int64_t seq)
{
    if ((m->len + 1) * 2 > m->cap && s_grow(m) != 0)
        return -1;
    if (s_jroom(m) != 0)
        return -1;
    size_t n = strlen(id) + 1;
    char *own = malloc(n);
    if (!own)
        return -1;
    memcpy(own, id, n);
    s_place(m, own, s_hash(id), seq);
    if (m->in_txn)
        m->j[m->nj++] = (jent_t){ .id = own, .seq = seq, .added = true };
    return 0;
}

/* Empties slot i, shifting back the entries after it that it displaced;
 * returns the id it held (now the caller's). */
static char *s_take(store_objmap_t *m, size_t i)
{
    char *id = m->slots[i].id;
    size_t mask = m->cap - 1;
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!m->slots[j].id)
            break;
        size_t k = (size_t)m->slots[j].hash & mask;
        /* j's entry may move to i only if its home k is not in (i, j]. */
        bool stays = i <= j ? (k > i && k <= j) : (k > i || k <= j);
        if (!stays) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i] = (slot_t){ 0 };
    m->len--;
    return id;
}

int store_objmap_del(store_objmap_t *m, const char *id)
{
    size_t i = s_find(m, id, s_hash(id));
    if (!m->slots[i].id)
        return 0;
    if (s_jroom(m) != 0)
        return -1;
    int64_t seq = m->slots[i].seq;
    char *own = s_take(m, i);
    if (m->in_txn)
        m->j[m->nj++] = (jent_t){ .id = own, .seq = seq, .added = false };
    else
        free(own);
    return 0;
}

void store_objmap_begin(store_objmap_t *m)
{
    m->in_txn = true;
    m->nj = 0;
}

void store_objmap_commit(store_objmap_t *m)
{
    for (size_t k = 0; k < m->nj; k++)
        if (!m->j[k].added)
            free(m->j[k].id);
    m->nj = 0;
    m->in_txn = false;
}

void store_objmap_rollback(store_objmap_t *m)
{
    /* Newest first: each undo finds the map as its change left it, and
     * needs no memory (the map never shrinks, so a removed id has room). */
    while (m->nj > 0) {
        jent_t *e = &m->j[--m->nj];
        uint64_t h = s_hash(e->id);
        if (e->added)
            free(s_take(m, s_find(m, e->id, h)));
        else
            s_place(m, e->id, h, e->seq);
    }
    m->in_txn = false;
}
