/* model_objs: the model's object store: one hash map of every object by
 * ID, creation-ordered lists (all objects, and per kind), the dirty set and
 * new IDs. Persistence is model_store.c. See model_internal.h.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "model_priv.h"

/* --- hash map ------------------------------------------------------------ */

int vs_model__objs_init(vs_model_t *m)
{
    m->next_seq = 1;
    return vs_idmap_init(&m->ids, offsetof(vs_obj_t, id));
}

void vs_model__objs_free(vs_model_t *m)
{
    vs_obj_t *o = m->head;
    while (o) {
        vs_obj_t *next = o->next;
        free(o->timers);
        vs_tags_free(&o->tags);
        o->kind->destroy(o);
        o = next;
    }
    vs_idmap_free(&m->ids);
    free(m->dirty);
    m->head = m->tail = NULL;
}

vs_obj_t *vs_model__get(const vs_model_t *m, const char *id)
{
    return id ? vs_idmap_get(&m->ids, id) : NULL;
}

static void s_mark(vs_model_t *m, const char *id)
{
    if (m->ndirty == m->dirty_cap) {
        size_t nc = m->dirty_cap ? m->dirty_cap * 2 : 64;
        char (*nd)[VS_ID_LEN] = realloc(m->dirty, nc * sizeof *nd);
        if (!nd)
            return;     /* the change is then persisted with a later one */
        m->dirty = nd;
        m->dirty_cap = nc;
    }
    /* An ID fits (vs_model__add checked it); cut like snprintf otherwise. */
    size_t n = strnlen(id, VS_ID_LEN - 1);
    memcpy(m->dirty[m->ndirty], id, n);
    m->dirty[m->ndirty++][n] = '\0';
}

/* --- objects ---------------------------------------------------------------- */

/* Links o into the map and into the creation list, which is kept sorted
 * by seq: new objects go at the tail, loaded ones are placed by their
 * persisted seq (searching from the tail, as loads come mostly in order). */
/* The per-kind list of o's kind (registered on first use); NULL only if
 * more kinds exist than the table holds, which the kinds of s_modules
 * never reach. */
static int s_kind_slot(vs_model_t *m, const vs_kind_t *kind)
{
    for (size_t i = 0; i < m->nkinds; i++)
        if (m->kinds[i].kind == kind)
            return (int)i;
    if (m->nkinds == sizeof m->kinds / sizeof m->kinds[0])
        return -1;
    m->kinds[m->nkinds].kind = kind;
    m->kinds[m->nkinds].head = m->kinds[m->nkinds].tail = NULL;
    return (int)m->nkinds++;
}

static void s_klink(vs_model_t *m, vs_obj_t *o)
{
    int k = s_kind_slot(m, o->kind);
    if (k < 0)
        return;
    vs_obj_t *after = m->kinds[k].tail;
    while (after && after->seq > o->seq)
        after = after->kprev;
    o->kprev = after;
    o->knext = after ? after->knext : m->kinds[k].head;
    if (o->knext)
        o->knext->kprev = o;
    else
        m->kinds[k].tail = o;
    if (after)
        after->knext = o;
    else
        m->kinds[k].head = o;
}

static void s_kunlink(vs_model_t *m, vs_obj_t *o)
{
    int k = s_kind_slot(m, o->kind);
    if (k < 0)
        return;
    if (o->kprev)
        o->kprev->knext = o->knext;
    else
        m->kinds[k].head = o->knext;
    if (o->knext)
        o->knext->kprev = o->kprev;
    else
        m->kinds[k].tail = o->kprev;
}

static void s_link(vs_model_t *m, vs_obj_t *o)
{
    s_klink(m, o);
    /* Fails only with every slot taken and no memory to grow: then o is
     * not found by ID (a chained map would have taken it). */
    (void)vs_idmap_put(&m->ids, o);
    vs_obj_t *after = m->tail;
    while (after && after->seq > o->seq)
        after = after->prev;
    o->prev = after;
    o->next = after ? after->next : m->head;
    if (o->next)
        o->next->prev = o;
    else
        m->tail = o;
    if (after)
        after->next = o;
    else
        m->head = o;
}

static void s_unlink(vs_model_t *m, vs_obj_t *o)
{
    s_kunlink(m, o);
    vs_idmap_remove(&m->ids, o);
    if (o->prev)
        o->prev->next = o->next;
    else
        m->head = o->next;
    if (o->next)
        o->next->prev = o->prev;
    else
        m->tail = o->prev;
}

int vs_model__add(vs_model_t *m, vs_obj_t *o, const vs_kind_t *kind, const char *id)
{
    char fresh[VS_ID_LEN];
    if (!id) {
        vs_model__new_id(m, kind->prefix, fresh);
        id = fresh;
    }
    if (!id[0] || strlen(id) >= VS_ID_LEN || vs_model__get(m, id))
        return -1;
    o->kind = kind;
    memcpy(o->id, id, strlen(id) + 1);         /* its length was checked above */
    o->seq = m->next_seq++;
    s_link(m, o);
    vs_model__mark_meta(m);
    vs_model__touch(m, o);
    return 0;
}

void vs_model__touch(vs_model_t *m, vs_obj_t *o)
{
    if (o->dirty)
        return;
    o->dirty = true;
    s_mark(m, o->id);
}

void *vs_model__find(const vs_model_t *m, const char *caller, const vs_kind_t *kind,
                     const char *id)
{
    if (!vs_model__is_owner(m, caller))
        return NULL;
    vs_obj_t *o = vs_model__get(m, id);
    return o && o->kind == kind ? o : NULL;
}

void *vs_model__resolve(const vs_model_t *m, const char *caller, const vs_kind_t *kind,
                        const char *id, vs_awserr_t *err)
{
    if (!vs_id_valid(id, kind->prefix)) {
        vs_model__err_malformed(err, kind->prefix, id);
        return NULL;
    }
    void *o = vs_model__find(m, caller, kind, id);
    if (!o)
        vs_model__err_notfound(err, kind->prefix, &id, 1);
    return o;
}

vs_obj_t *vs_model__first(const vs_model_t *m, const vs_kind_t *kind)
{
    if (!kind)
        return m->head;
    for (size_t i = 0; i < m->nkinds; i++)
        if (m->kinds[i].kind == kind)
            return m->kinds[i].head;
    return NULL;
}

vs_obj_t *vs_model__next(const vs_obj_t *o, const vs_kind_t *kind)
{
    if (!kind)
        return o->next;
    if (o->kind == kind)
        return o->knext;
    vs_obj_t *n = o->next;     /* o is of another kind: walk to the next one */
    while (n && n->kind != kind)
        n = n->next;
    return n;
}

size_t vs_model__count(const vs_model_t *m, const vs_kind_t *kind)
{
    size_t n = 0;
    for (vs_obj_t *o = vs_model__first(m, kind); o; o = vs_model__next(o, kind))
        n++;
    return n;
}

void vs_model__new_id(vs_model_t *m, const char *prefix, char out[VS_ID_LEN])
{
    /* A collision needs two equal 64-bit draws; checking costs nothing and
     * also covers a generator re-seeded identically after a restart. */
    do
        vs_id_new(m->cfg.rng, prefix, out);
    while (out[0] && vs_model__get(m, out));
}

void vs_model__new_assoc_id(vs_model_t *m, const char *prefix, char out[VS_ASSOC_ID_LEN])
{
    snprintf(out, VS_ASSOC_ID_LEN, "%s-0%016" PRIx64, prefix, vs_rng_next(m->cfg.rng));
}

void vs_model__mark_meta(vs_model_t *m)
{
    m->meta_dirty = true;
}

/* --- for the persistence (model_store.c) ---------------------------------------- */

void vs_model__objs_link(vs_model_t *m, vs_obj_t *o)
{
    s_link(m, o);
}

void vs_model__objs_unlink(vs_model_t *m, vs_obj_t *o, bool record_deletion)
{
    if (record_deletion && !o->dirty)
        s_mark(m, o->id);
    s_unlink(m, o);
}
