/* model_store: the model's objects as persisted documents: what a flush
 * writes (each changed object with its tags and armed timers, the meta
 * document, deletions), what a load rebuilds, and removal, which cancels
 * an object's timers and records its deletion. Above model_objs.c (the
 * object map) and model_timer.c (timers), which it ties together.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "model_priv.h"

/* --- removal ------------------------------------------------------------------ */

void vs_model__remove(vs_model_t *m, vs_obj_t *o)
{
    vs_model__timer_cancel(m, NULL, o->id);
    vs_model__objs_unlink(m, o, true);
    free(o->timers);
    vs_tags_free(&o->tags);
    o->kind->destroy(o);
}

/* --- persistence ---------------------------------------------------------------- */

static char *s_obj_doc(const vs_model_t *m, const vs_obj_t *o)
{
    vs_json_t *doc = vs_json_object();
    vs_json_set_str(doc, "Kind", o->kind->name);
    vs_json_set_str(doc, "Id", o->id);
    vs_json_set_int(doc, "Seq", (int64_t)o->seq);
    if (o->tags.n)
        vs_json_set(doc, "Tags", vs_tags_to_json(&o->tags));
    vs_json_t *timers = vs_model__timers_doc(m, o->id);
    if (timers)
        vs_json_set(doc, "Timers", timers);
    char *s = doc && o->kind->to_doc(m, o, doc) == 0 ? vs_json_dump(doc, 0) : NULL;
    vs_json_free(&doc);
    return s;
}

static char *s_meta_doc(const vs_model_t *m)
{
    vs_json_t *doc = vs_json_object();
    vs_json_set_str(doc, "Kind", "Meta");
    vs_json_set_int(doc, "NextSeq", (int64_t)m->next_seq);
    vs_json_set_int(doc, "NextMsgId", (int64_t)m->next_msg_id);
    vs_json_set_int(doc, "NextTimerSeq", (int64_t)m->next_timer_seq);
    char *s = vs_json_dump(doc, 0);
    vs_json_free(&doc);
    return s;
}

void vs_model_flush(vs_model_t *m, vs_persist_cb cb, void *ctx)
{
    for (size_t i = 0; i < m->ndirty; i++) {
        vs_obj_t *o = vs_model__get(m, m->dirty[i]);
        if (!o) {
            cb(ctx, m->dirty[i], NULL);
            continue;
        }
        if (!o->dirty)
            continue;       /* already written earlier in this flush */
        o->dirty = false;
        char *doc = s_obj_doc(m, o);
        /* Out of memory here would lose a change; keeping the object dirty
         * retries it on the next flush instead. */
        if (!doc) {
            o->dirty = true;
            continue;
        }
        cb(ctx, o->id, doc);
        free(doc);
    }
    size_t kept = 0;
    for (size_t i = 0; i < m->ndirty; i++) {
        vs_obj_t *o = vs_model__get(m, m->dirty[i]);
        if (o && o->dirty)
            memmove(m->dirty[kept++], m->dirty[i], VS_ID_LEN);
    }
    m->ndirty = kept;
    if (m->meta_dirty) {
        char *doc = s_meta_doc(m);
        if (doc) {
            cb(ctx, VS_META_ID, doc);
            m->meta_dirty = false;
        }
        free(doc);
    }
}

static uint64_t s_u64(const vs_json_t *doc, const char *key)
{
    int64_t v = vs_json_get_int(doc, key, 0);
    return v > 0 ? (uint64_t)v : 0;
}

static int s_load_meta(vs_model_t *m, const vs_json_t *doc)
{
    const char *kind = vs_json_get_str(doc, "Kind");
    if (!kind || strcmp(kind, "Meta") != 0)
        return -1;
    /* Counters only move forward, whatever order documents load in. */
    if (s_u64(doc, "NextSeq") > m->next_seq)
        m->next_seq = s_u64(doc, "NextSeq");
    if (s_u64(doc, "NextMsgId") > m->next_msg_id)
        m->next_msg_id = s_u64(doc, "NextMsgId");
    if (s_u64(doc, "NextTimerSeq") > m->next_timer_seq)
        m->next_timer_seq = s_u64(doc, "NextTimerSeq");
    return 0;
}

int vs_model_load(vs_model_t *m, const char *id, const char *doc_json)
{
    if (!m || !id || !doc_json)
        return -1;
    vs_json_t *doc = vs_json_parse(doc_json, strlen(doc_json), NULL, 0);
    if (!doc || vs_json_type(doc) != VS_JSON_OBJECT) {
        vs_json_free(&doc);
        return -1;
    }
    int rc = -1;
    if (strcmp(id, VS_META_ID) == 0) {
        rc = s_load_meta(m, doc);
        vs_json_free(&doc);
        return rc;
    }
    char prefix[VS_ID_LEN];
    const vs_kind_t *kind = vs_id_prefix(id, prefix, sizeof prefix)
                                ? vs_model__kind_by_prefix(m, prefix) : NULL;
    const char *kname = vs_json_get_str(doc, "Kind");
    const vs_json_t *jseq = vs_json_get(doc, "Seq");
    int64_t seq = vs_json_as_int(jseq, 0);
    if (!kind || !kname || strcmp(kname, kind->name) != 0 || !vs_id_valid(id, kind->prefix) ||
        !vs_json_is_int(jseq) || seq <= 0 || vs_model__get(m, id))
        goto out;
    vs_obj_t *o = kind->from_doc(m, doc);
    if (!o)
        goto out;
    o->kind = kind;
    snprintf(o->id, sizeof o->id, "%s", id);
    o->seq = (uint64_t)seq;
    if (vs_tags_load(&o->tags, vs_json_get(doc, "Tags")) != 0) {
        vs_tags_free(&o->tags);
        kind->destroy(o);
        goto out;
    }
    vs_model__objs_link(m, o);
    if (o->seq >= m->next_seq)
        m->next_seq = o->seq + 1;
    if (vs_model__timers_load(m, id, vs_json_get(doc, "Timers")) != 0) {
        /* timers_load arms nothing unless the whole list is valid, so
         * unlinking leaves no trace of the object. */
        vs_model__objs_unlink(m, o, false);
        m->nlive_timers -= o->ntimers;
        free(o->timers);
        vs_tags_free(&o->tags);
        kind->destroy(o);
        goto out;
    }
    rc = 0;
out:
    vs_json_free(&doc);
    return rc;
}
