/* model_view: the JSON view of a persisted record (vs_model_doc_json), for
 * debugging and tools (vpcsim-agent --dump-objects): the document older
 * versions stored, {"Kind", "Id", "Seq", "Tags", "Timers", the kind's
 * fields}, whichever form the record has. Reads records the way
 * model_store.c loads them, but into detached objects: the model is not
 * changed.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "model_priv.h"
#include "store.pb-c.h"

static char *s_meta_json(uint64_t seq, uint64_t msg_id, uint64_t timer_seq)
{
    vs_json_t *doc = vs_json_object();
    vs_json_set_str(doc, "Kind", "Meta");
    vs_json_set_int(doc, "NextSeq", (int64_t)seq);
    vs_json_set_int(doc, "NextMsgId", (int64_t)msg_id);
    vs_json_set_int(doc, "NextTimerSeq", (int64_t)timer_seq);
    char *s = doc ? vs_json_dump(doc, 0) : NULL;
    vs_json_free(&doc);
    return s;
}

/* Adds the kind's fields of the record to doc: 0, or -1 if malformed. */
static int s_fields_json(vs_model_t *m, const vs_kind_t *kind, const char *id,
                         const Vpcsim__Store__StoredObject *w, vs_json_t *doc)
{
    if (w->json_body && *w->json_body) {
        vs_json_t *body = vs_json_parse(w->json_body, strlen(w->json_body), NULL, 0);
        int rc = body && vs_json_type(body) == VS_JSON_OBJECT ? 0 : -1;
        for (size_t i = 0; rc == 0 && i < vs_json_len(body); i++)
            vs_json_set(doc, vs_json_key_at(body, i), vs_json_clone(vs_json_at(body, i)));
        vs_json_free(&body);
        return rc;
    }
    vs_obj_t *o = kind->from_bin ? kind->from_bin(m, w->body.data, w->body.len) : NULL;
    if (!o)
        return -1;
    /* A detached object: never linked, so the model does not see it. */
    o->kind = kind;
    snprintf(o->id, sizeof o->id, "%s", id);
    o->seq = w->seq;
    int rc = kind->to_doc(m, o, doc);
    kind->destroy(o);
    return rc;
}

char *vs_model_doc_json(vs_model_t *m, const char *id, const uint8_t *doc, size_t len)
{
    if (!m || !id || !doc || len == 0 || len > VS_MODEL_RECORD_MAX)
        return NULL;
    if (doc[0] == '{') {
        /* Already the document: given back as stored, if it is one. */
        vs_json_t *j = vs_json_parse((const char *)doc, len, NULL, 0);
        bool ok = j && vs_json_type(j) == VS_JSON_OBJECT;
        vs_json_free(&j);
        char *s = ok ? malloc(len + 1) : NULL;
        if (s) {
            memcpy(s, doc, len);
            s[len] = '\0';
        }
        return s;
    }
    _Alignas(16) uint8_t space[VS_MODEL_ARENA_BYTES];
    vs_arena_t arena = VS_ARENA_INIT(space);
    ProtobufCAllocator alloc = { vs_arena_alloc, vs_arena_free, &arena };
    if (strcmp(id, VS_META_ID) == 0) {
        Vpcsim__Store__StoredMeta *w = vpcsim__store__stored_meta__unpack(&alloc, len, doc);
        char *s = w ? s_meta_json(w->next_seq, w->next_msg_id, w->next_timer_seq) : NULL;
        if (w)
            vpcsim__store__stored_meta__free_unpacked(w, &alloc);
        return s;
    }
    Vpcsim__Store__StoredObject *w = vpcsim__store__stored_object__unpack(&alloc, len, doc);
    if (!w)
        return NULL;
    char *s = NULL;
    const vs_kind_t *kind = vs_model__record_kind(m, id, w->kind);
    vs_model__timer_rec_t timers[VS_OBJ_TIMERS_MAX];
    vs_json_t *out = NULL;
    if (!kind || w->seq == 0 || w->seq > INT64_MAX || w->n_tags > VS_TAGS_MAX ||
        vs_model__stored_timers(w, timers) != 0 || !(out = vs_json_object()))
        goto done;
    vs_json_set_str(out, "Kind", kind->name);
    vs_json_set_str(out, "Id", id);
    vs_json_set_int(out, "Seq", (int64_t)w->seq);
    if (w->n_tags) {
        vs_json_t *tags = vs_json_set(out, "Tags", vs_json_array());
        for (size_t i = 0; i < w->n_tags; i++) {
            vs_json_t *e = vs_json_push(tags, vs_json_object());
            vs_json_set_str(e, "Key", w->tags[i]->key);
            vs_json_set_str(e, "Value", w->tags[i]->value);
        }
    }
    if (w->n_timers)
        vs_json_set(out, "Timers", vs_model__timers_json(timers, w->n_timers));
    if (s_fields_json(m, kind, id, w, out) == 0)
        s = vs_json_dump(out, 0);
done:
    vs_json_free(&out);
    vpcsim__store__stored_object__free_unpacked(w, &alloc);
    return s;
}
