/* store_objmap: see store_objmap.h. Each id is a node {seq, id} in a
 * vs_idmap (core/base/idmap.h): a probe compares hashes in the table and
 * reads a node only on a hash match. */
#include "store_objmap.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"

typedef struct node {
    int64_t seq;
    char id[];
} node_t;

/* One change made in the open transaction. An added node is borrowed from
 * the map: undone newest first, the map holds it again by then. A removed
 * node is owned here until commit (freed) or rollback (back into the map). */
typedef struct jent {
    node_t *node;
    bool added;
} jent_t;

struct store_objmap {
    vs_idmap_t ids;     /* values: owned nodes */
    bool in_txn;
    jent_t *j;
    size_t nj, jcap;
};

store_objmap_t *store_objmap_new(void)
{
    store_objmap_t *m = calloc(1, sizeof *m);
    if (m && vs_idmap_init(&m->ids, offsetof(node_t, id)) != 0) {
        free(m);
        return NULL;
    }
    return m;
}

void store_objmap_free(store_objmap_t **mp)
{
    if (!mp || !*mp)
        return;
    store_objmap_t *m = *mp;
    store_objmap_commit(m);     /* frees the nodes held by the journal */
    for (size_t i = 0; i < m->ids.cap; i++)
        free(m->ids.slots[i].val);
    vs_idmap_free(&m->ids);
    free(m->j);
    free(m);
    *mp = NULL;
}

bool store_objmap_get(const store_objmap_t *m, const char *id, int64_t *seq)
{
    const node_t *n = vs_idmap_get(&m->ids, id);
    if (!n)
        return false;
    *seq = n->seq;
    return true;
}

size_t store_objmap_len(const store_objmap_t *m)
{
    return vs_idmap_len(&m->ids);
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

int store_objmap_add(store_objmap_t *m, const char *id, int64_t seq)
{
    if (s_jroom(m) != 0)
        return -1;
    size_t n = strlen(id) + 1;
    node_t *own = malloc(sizeof *own + n);
    if (!own)
        return -1;
    own->seq = seq;
    memcpy(own->id, id, n);
    if (vs_idmap_put(&m->ids, own) != 0) {
        free(own);
        return -1;
    }
    if (m->in_txn)
        m->j[m->nj++] = (jent_t){ .node = own, .added = true };
    return 0;
}

int store_objmap_del(store_objmap_t *m, const char *id)
{
    if (s_jroom(m) != 0)
        return -1;
    node_t *own = vs_idmap_del(&m->ids, id);
    if (!own)
        return 0;
    if (m->in_txn)
        m->j[m->nj++] = (jent_t){ .node = own, .added = false };
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
            free(m->j[k].node);
    m->nj = 0;
    m->in_txn = false;
}

void store_objmap_rollback(store_objmap_t *m)
{
    /* Newest first: each undo finds the map as its change left it, and
     * cannot fail (the map never shrinks, so a removed node has room). */
    while (m->nj > 0) {
        jent_t *e = &m->j[--m->nj];
        if (e->added) {
            vs_idmap_remove(&m->ids, e->node);
            free(e->node);
        } else {
            (void)vs_idmap_put(&m->ids, e->node);
        }
    }
    m->in_txn = false;
}
