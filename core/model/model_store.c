/* model_store: the model's objects as persisted records: what a flush
 * writes (each changed object with its tags and armed timers, the meta
 * record, deletions), what a load rebuilds, and removal, which cancels
 * an object's timers and records its deletion. Above model_objs.c (the
 * object map) and model_timer.c (timers), which it ties together.
 *
 * Records are proto/store.proto messages: a StoredObject envelope (kind,
 * seq, tags, timers) around the kind's own body (vs_kind_t to_bin /
 * from_bin), or its to_doc fields as JSON for kinds without a binary body.
 * The JSON documents older versions wrote still load (first byte '{');
 * model_view.c renders either form as that JSON for debugging.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "model_priv.h"
#include "pb.h"
#include "store.pb-c.h"

/* --- removal ------------------------------------------------------------------ */

void vs_model__remove(vs_model_t *m, vs_obj_t *o)
{
    vs_model__timer_cancel(m, NULL, o->id);
    vs_model__objs_unlink(m, o, true);
    free(o->timers);
    vs_tags_free(&o->tags);
    o->kind->destroy(o);
}

/* --- packing ---------------------------------------------------------------------- */

/* Grows one of the model's reusable buffers to at least n bytes. */
static int s_reserve(uint8_t **buf, size_t *cap, size_t n)
{
    if (n <= *cap)
        return 0;
    size_t c = *cap ? *cap : 512;
    while (c < n)
        c *= 2;
    uint8_t *p = realloc(*buf, c);
    if (!p)
        return -1;
    *buf = p;
    *cap = c;
    return 0;
}

/* The kind's body of o into m->pack_body: its length, or -1. */
static long s_body(vs_model_t *m, const vs_obj_t *o)
{
    long n = o->kind->to_bin(m, o, m->pack_body, m->pack_body_cap);
    if (n < 0 || (size_t)n <= m->pack_body_cap)
        return n;
    if (s_reserve(&m->pack_body, &m->pack_body_cap, (size_t)n) != 0)
        return -1;
    return o->kind->to_bin(m, o, m->pack_body, m->pack_body_cap);
}

/* A kind without a binary body: its to_doc fields as one JSON object
 * (caller frees), NULL on OOM. */
static char *s_json_body(const vs_model_t *m, const vs_obj_t *o)
{
    vs_json_t *doc = vs_json_object();
    char *s = doc && o->kind->to_doc(m, o, doc) == 0 ? vs_json_dump(doc, 0) : NULL;
    vs_json_free(&doc);
    return s;
}

/* The envelopes are written by hand with core/base/pb.h, byte for byte
 * what protobuf-c's pack makes of them (fields in number order, proto3
 * defaults omitted, every element of a repeated message written even if
 * empty): a record is packed for every change of an object, and the
 * generic packer, which walks the message's descriptor twice (its size,
 * then its bytes), was ~3 % of an agent's instructions under the
 * handshake benchmark. check_model_records compares the two. */

static void s_tag_body(vs_pb_w_t *w, const vs_tag_t *t)
{
    vs_pb_str(w, 1, t->key);
    vs_pb_str(w, 2, t->value ? t->value : "");
}

static void s_timer_body(vs_pb_w_t *w, const vs_obj_timer_t *t)
{
    vs_pb_str(w, 1, t->kind->name);
    vs_pb_uint(w, 2, t->due_ms);
    vs_pb_uint(w, 3, t->seq);
}

/* A StoredObject's fields: counted when w->p is NULL, else written by the
 * writer that counted them (vs_pb_w_write), as VS_PB_SUB requires. */
static void s_obj_fields(vs_pb_w_t *w, const vs_obj_t *o, size_t ntags,
                         const vs_obj_timer_t *const *timers, size_t ntimers,
                         const uint8_t *body, size_t blen, const char *json)
{
    vs_pb_str(w, 1, o->kind->name);
    vs_pb_uint(w, 2, o->seq);
    for (size_t i = 0; i < ntags; i++)
        VS_PB_SUB(w, 3, s_tag_body, &o->tags.v[i]);
    for (size_t i = 0; i < ntimers; i++)
        VS_PB_SUB(w, 4, s_timer_body, timers[i]);
    vs_pb_bytes(w, 5, body, blen);
    vs_pb_str(w, 6, json);
}

/* o's record into m->pack_rec: its length, or -1 (OOM, or too large). */
static long s_obj_record(vs_model_t *m, const vs_obj_t *o)
{
    size_t ntags = o->tags.n < VS_TAGS_MAX ? o->tags.n : VS_TAGS_MAX;
    const vs_obj_timer_t *timers[VS_OBJ_TIMERS_MAX];
    size_t ntimers = vs_model__timers_sorted(o, timers);

    char *json = NULL;
    const uint8_t *body = NULL;
    size_t blen = 0;
    if (o->kind->to_bin) {
        long n = s_body(m, o);
        if (n < 0)
            return -1;
        body = m->pack_body;
        blen = (size_t)n;
    } else if (!(json = s_json_body(m, o))) {
        return -1;
    }
    vs_pb_w_t w = { 0 };
    s_obj_fields(&w, o, ntags, timers, ntimers, body, blen, json);
    long n = -1;
    if (w.n <= VS_MODEL_RECORD_MAX && s_reserve(&m->pack_rec, &m->pack_rec_cap, w.n ? w.n : 1) == 0) {
        vs_pb_w_write(&w, m->pack_rec);
        s_obj_fields(&w, o, ntags, timers, ntimers, body, blen, json);
        n = (long)w.n;
    }
    free(json);
    return n;
}

static long s_meta_record(vs_model_t *m)
{
    /* Three varints: a key byte and at most 10 bytes of value each. */
    if (s_reserve(&m->pack_rec, &m->pack_rec_cap, 3 * 11) != 0)
        return -1;
    vs_pb_w_t w = { .p = m->pack_rec };
    vs_pb_uint(&w, 1, m->next_seq);
    vs_pb_uint(&w, 2, m->next_msg_id);
    vs_pb_uint(&w, 3, m->next_timer_seq);
    return (long)w.n;
}

/* The dirty IDs are known ahead: each one's table slot is loaded 8 IDs
 * before its turn and its object 4 before, so that the lookups of a large
 * flush do not wait on a cache miss each (objects sit far apart). */
#define S_SLOT_AHEAD 8
#define S_OBJ_AHEAD 4

void vs_model_flush_objects(vs_model_t *m, vs_persist_cb cb, void *ctx)
{
    /* IDs whose object stays dirty (out of memory) are kept for the next
     * flush, compacted in place as the walk goes: kept <= i. */
    size_t kept = 0;
    for (size_t i = 0; i < m->ndirty; i++) {
        if (i + S_SLOT_AHEAD < m->ndirty)
            vs_idmap_prefetch(&m->ids, vs_idmap_hash(m->dirty[i + S_SLOT_AHEAD]));
        if (i + S_OBJ_AHEAD < m->ndirty)
            vs_idmap_prefetch_val(&m->ids, vs_idmap_hash(m->dirty[i + S_OBJ_AHEAD]));
        vs_obj_t *o = vs_model__get(m, m->dirty[i]);
        if (!o) {
            cb(ctx, m->dirty[i], NULL, 0, NULL);
            continue;
        }
        if (!o->dirty)
            continue;       /* already written earlier in this flush */
        long n = s_obj_record(m, o);
        /* Out of memory here would lose a change; keeping the object dirty
         * retries it on the next flush instead. */
        if (n < 0) {
            memmove(m->dirty[kept++], m->dirty[i], VS_ID_LEN);
            continue;
        }
        o->dirty = false;
        cb(ctx, o->id, m->pack_rec, (size_t)n, o->kind->state ? o->kind->state(o) : NULL);
    }
    m->ndirty = kept;
}

void vs_model_flush(vs_model_t *m, vs_persist_cb cb, void *ctx)
{
    vs_model_flush_objects(m, cb, ctx);
    if (m->meta_dirty) {
        long n = s_meta_record(m);
        if (n >= 0) {
            cb(ctx, VS_META_ID, m->pack_rec, (size_t)n, NULL);
            m->meta_dirty = false;
        }
    }
}

/* --- loading ------------------------------------------------------------------------ */

static bool s_is_json(const uint8_t *doc, size_t len)
{
    return len > 0 && doc[0] == '{';
}

/* Counters only move forward, whatever order records load in. */
static void s_raise_meta(vs_model_t *m, uint64_t seq, uint64_t msg_id, uint64_t timer_seq)
{
    if (seq > m->next_seq)
        m->next_seq = seq;
    if (msg_id > m->next_msg_id)
        m->next_msg_id = msg_id;
    if (timer_seq > m->next_timer_seq)
        m->next_timer_seq = timer_seq;
}

static uint64_t s_u64(const vs_json_t *doc, const char *key)
{
    int64_t v = vs_json_get_int(doc, key, 0);
    return v > 0 ? (uint64_t)v : 0;
}

static int s_load_meta_json(vs_model_t *m, const vs_json_t *doc)
{
    const char *kind = vs_json_get_str(doc, "Kind");
    if (!kind || strcmp(kind, "Meta") != 0)
        return -1;
    s_raise_meta(m, s_u64(doc, "NextSeq"), s_u64(doc, "NextMsgId"), s_u64(doc, "NextTimerSeq"));
    return 0;
}

const vs_kind_t *vs_model__record_kind(const vs_model_t *m, const char *id, const char *kname)
{
    char prefix[VS_ID_LEN];
    const vs_kind_t *kind = vs_id_prefix(id, prefix, sizeof prefix)
                                ? vs_model__kind_by_prefix(m, prefix) : NULL;
    if (!kind || !kname || strcmp(kname, kind->name) != 0 || !vs_id_valid(id, kind->prefix))
        return NULL;
    return kind;
}

/* Links o (kind's fields loaded, tags set) under id with its timers.
 * Consumes o: on failure it is destroyed and nothing is left of it. */
static int s_link(vs_model_t *m, vs_obj_t *o, const vs_kind_t *kind, const char *id,
                  uint64_t seq, const vs_model__timer_rec_t *timers, size_t ntimers)
{
    o->kind = kind;
    snprintf(o->id, sizeof o->id, "%s", id);
    o->seq = seq;
    vs_model__objs_link(m, o);
    if (o->seq >= m->next_seq)
        m->next_seq = o->seq + 1;
    if (vs_model__timers_load_list(m, id, timers, ntimers) != 0) {
        /* timers_load arms nothing unless the whole list is valid, so
         * unlinking leaves no trace of the object. */
        vs_model__objs_unlink(m, o, false);
        m->nlive_timers -= o->ntimers;
        free(o->timers);
        vs_tags_free(&o->tags);
        kind->destroy(o);
        return -1;
    }
    return 0;
}

/* The older form: one JSON document per object. */
static int s_load_json(vs_model_t *m, const char *id, const uint8_t *text, size_t len)
{
    vs_json_t *doc = vs_json_parse((const char *)text, len, NULL, 0);
    if (!doc || vs_json_type(doc) != VS_JSON_OBJECT) {
        vs_json_free(&doc);
        return -1;
    }
    int rc = -1;
    if (strcmp(id, VS_META_ID) == 0) {
        rc = s_load_meta_json(m, doc);
        vs_json_free(&doc);
        return rc;
    }
    const vs_kind_t *kind = vs_model__record_kind(m, id, vs_json_get_str(doc, "Kind"));
    const vs_json_t *jseq = vs_json_get(doc, "Seq");
    int64_t seq = vs_json_as_int(jseq, 0);
    const vs_json_t *jtimers = vs_json_get(doc, "Timers");
    vs_model__timer_rec_t timers[VS_OBJ_TIMERS_MAX];
    size_t ntimers = 0;
    if (!kind || !vs_json_is_int(jseq) || seq <= 0 || vs_model__get(m, id))
        goto out;
    if (jtimers) {
        /* Checked here as the binary form is, before the object exists. */
        if (vs_json_type(jtimers) != VS_JSON_ARRAY || vs_json_len(jtimers) > VS_OBJ_TIMERS_MAX)
            goto out;
        for (; ntimers < vs_json_len(jtimers); ntimers++) {
            const vs_json_t *e = vs_json_at(jtimers, ntimers);
            if (!vs_json_get_str(e, "Kind") || !vs_json_is_int(vs_json_get(e, "Due")) ||
                vs_json_get_int(e, "Due", -1) < 0 || !vs_json_is_int(vs_json_get(e, "Seq")) ||
                vs_json_get_int(e, "Seq", -1) < 0)
                goto out;
            timers[ntimers] = (vs_model__timer_rec_t){
                vs_json_get_str(e, "Kind"), (uint64_t)vs_json_get_int(e, "Due", 0),
                (uint64_t)vs_json_get_int(e, "Seq", 0) };
        }
    }
    vs_obj_t *o = kind->from_doc(m, doc);
    if (!o)
        goto out;
    if (vs_tags_load(&o->tags, vs_json_get(doc, "Tags")) != 0) {
        vs_tags_free(&o->tags);
        kind->destroy(o);
        goto out;
    }
    rc = s_link(m, o, kind, id, (uint64_t)seq, timers, ntimers);
out:
    vs_json_free(&doc);
    return rc;
}


/* The kind's fields from the record's body (binary or JSON). */
static vs_obj_t *s_from_record(vs_model_t *m, const vs_kind_t *kind,
                               const Vpcsim__Store__StoredObject *w)
{
    if (w->json_body && *w->json_body) {
        vs_json_t *doc = vs_json_parse(w->json_body, strlen(w->json_body), NULL, 0);
        vs_obj_t *o = doc && vs_json_type(doc) == VS_JSON_OBJECT ? kind->from_doc(m, doc) : NULL;
        vs_json_free(&doc);
        return o;
    }
    return kind->from_bin ? kind->from_bin(m, w->body.data, w->body.len) : NULL;
}

int vs_model__stored_timers(const Vpcsim__Store__StoredObject *w, vs_model__timer_rec_t *out)
{
    if (w->n_timers > VS_OBJ_TIMERS_MAX)
        return -1;
    for (size_t i = 0; i < w->n_timers; i++)
        out[i] = (vs_model__timer_rec_t){ w->timers[i]->kind, w->timers[i]->due_ms,
                                          w->timers[i]->seq };
    return 0;
}

static int s_load_bin(vs_model_t *m, const char *id, const uint8_t *doc, size_t len)
{
    _Alignas(16) uint8_t space[VS_MODEL_ARENA_BYTES];
    vs_arena_t arena = VS_ARENA_INIT(space);
    ProtobufCAllocator alloc = { vs_arena_alloc, vs_arena_free, &arena };
    if (strcmp(id, VS_META_ID) == 0) {
        Vpcsim__Store__StoredMeta *w = vpcsim__store__stored_meta__unpack(&alloc, len, doc);
        if (!w)
            return -1;
        s_raise_meta(m, w->next_seq, w->next_msg_id, w->next_timer_seq);
        vpcsim__store__stored_meta__free_unpacked(w, &alloc);
        return 0;
    }
    Vpcsim__Store__StoredObject *w = vpcsim__store__stored_object__unpack(&alloc, len, doc);
    if (!w)
        return -1;
    int rc = -1;
    const vs_kind_t *kind = vs_model__record_kind(m, id, w->kind);
    vs_model__timer_rec_t timers[VS_OBJ_TIMERS_MAX];
    if (!kind || w->seq == 0 || w->seq > INT64_MAX || vs_model__get(m, id) ||
        w->n_tags > VS_TAGS_MAX || vs_model__stored_timers(w, timers) != 0)
        goto out;
    vs_obj_t *o = s_from_record(m, kind, w);
    if (!o)
        goto out;
    for (size_t i = 0; i < w->n_tags; i++) {
        if (vs_tags_set(&o->tags, w->tags[i]->key, w->tags[i]->value) != 0) {
            vs_tags_free(&o->tags);
            kind->destroy(o);
            goto out;
        }
    }
    rc = s_link(m, o, kind, id, w->seq, timers, w->n_timers);
out:
    if (vs_arena_spilled(&arena))   /* else all of it is in the arena */
        vpcsim__store__stored_object__free_unpacked(w, &alloc);
    return rc;
}

int vs_model_load(vs_model_t *m, const char *id, const uint8_t *doc, size_t len)
{
    if (!m || !id || !doc || len == 0 || len > VS_MODEL_RECORD_MAX)
        return -1;
    return s_is_json(doc, len) ? s_load_json(m, id, doc, len) : s_load_bin(m, id, doc, len);
}
