/* model_priv: the model struct itself, shared only by the files that
 * implement the model's machinery (model.c, model_objs.c, model_timer.c).
 * Handler files use model_internal.h and never see these fields.
 */
#ifndef VS_MODEL_PRIV_H
#define VS_MODEL_PRIV_H

#include "idmap.h"
#include "model_internal.h"

/* The document that holds the model's own counters. Its ID has no
 * resource prefix, so it can never clash with an object. */
#define VS_META_ID "vs-meta"

typedef struct vs_timer {
    uint64_t due_ms;
    uint64_t seq;              /* arming order: ties fire in arming order */
    const vs_timer_kind_t *kind;
    char obj_id[VS_ID_LEN];
} vs_timer_t;

typedef struct vs_outq_item {
    vs_out_kind_t kind;
    uint64_t token;
    bool ok;
    char *output_json;
    vs_awserr_t err;
    uint64_t msg_id;
    /* A peer message's payload and addresses share one block (mem, owned;
     * the four point into it): one malloc per message. */
    void *mem;
    char *to_vpc_arn, *to_account, *to_region;
    uint8_t *payload;
    size_t payload_len;
    bool sealed;
    /* Later messages to the same agent may join this one (peer_bundle.h):
     * then payload points to bundle (owned), which holds the parts. */
    bool bundle_ok;
    uint32_t nparts;
    uint8_t *bundle;
    size_t bundle_cap;
    /* Held across inputs (vs_model_drain_hold): each part's tag, the first
     * ntagged of nparts given so far (owned). */
    uint64_t *tags;
    uint32_t ntagged, tags_cap;
    char *vpc_arn;
} vs_outq_item_t;

struct vs_model {
    vs_model_config_t cfg;     /* quotas with defaults filled in */
    char account[VS_ACCOUNT_LEN];
    char region[VS_REGION_LEN];
    const char *partition;     /* static string */

    /* Objects: a map by ID (values: the objects, keyed by their id field)
     * plus a creation-ordered list. */
    vs_idmap_t ids;
    vs_obj_t *head, *tail;
    uint64_t next_seq;
    /* Per-kind creation-ordered lists, so iterating one kind costs only
     * its own objects. Kinds are few (one per resource type). */
    struct {
        const vs_kind_t *kind;
        vs_obj_t *head, *tail;
    } kinds[32];
    size_t nkinds;

    /* IDs changed since the last flush (removed objects included). */
    char (*dirty)[VS_ID_LEN];
    size_t ndirty, dirty_cap;
    bool meta_dirty;
    uint64_t next_msg_id;

    /* Timers: each object holds its armed timers; a binary min-heap on
     * (due_ms, seq) orders them. Cancelling or re-arming only changes the
     * object, and leaves a stale heap entry that is skipped when it comes
     * up (lazy deletion), so neither ever scans the heap. */
    vs_timer_t *heap;
    size_t ntimers, timer_cap;
    size_t nlive_timers;       /* armed timers over all objects */
    uint64_t next_timer_seq;

    /* Outputs waiting for vs_model_drain(). */
    vs_outq_item_t *outq;
    size_t nout, out_cap;
    /* While a drain has the queue off: the lowest peer message ID it took
     * (vs_model_queued_min_id), else UINT64_MAX. */
    uint64_t draining_min_id;

    /* Module counters (vs_model__counter); -1 = not counted yet. */
    int64_t counters[VS_COUNTER__COUNT];

    /* The actions of all modules by name: an open-addressing table of
     * action_mask + 1 slots (at most half full), built by vs_model_new. */
    const vs_action_t **actions;
    size_t action_mask;

    /* The API call being handled, and its output if the handler printed
     * it (vs_model__output_text; owned until the reply takes it). */
    uint64_t token;
    bool dry_run;
    bool has_out_text;
    char *out_text;

    /* Reused by every flush (model_store.c): the kind's body and the whole
     * record are packed here, so a flush allocates nothing once warm. */
    uint8_t *pack_body, *pack_rec;
    size_t pack_body_cap, pack_rec_cap;

    /* vs_model__scratch_take's blocks (owned), each lent to one borrower
     * at a time. */
    struct {
        void *p;
        size_t cap;
        bool lent;
    } scratch[VS_MODEL_SCRATCH_SLOTS];
};

/* The files of the model, each using only those listed before it:
 *   model_ctx.c    context, registries of the configured modules, ID errors
 *   model_objs.c   the object map, creation-ordered lists, dirty set, IDs
 *   model_timer.c  timers (a heap; each object holds its armed ones)
 *   model_store.c  persisted records (proto/store.proto): flush, load, removal
 *   model_view.c   the JSON view of a record (vs_model_doc_json)
 *   model.c        lifecycle, dispatch, hooks, the output queue
 * (describe.c, filter.c, page.c, params.c, tags.c and ec2_tags.c are the
 * handler-side helpers and the tags module, on model_internal.h.) */

/* model_objs.c */
int vs_model__objs_init(vs_model_t *m);
void vs_model__objs_free(vs_model_t *m);
void vs_model__mark_meta(vs_model_t *m);
/* Links a loaded object (base fields set) into the map and lists. */
void vs_model__objs_link(vs_model_t *m, vs_obj_t *o);
/* Unlinks o; record_deletion: the next flush writes its deletion. */
void vs_model__objs_unlink(vs_model_t *m, vs_obj_t *o, bool record_deletion);
/* model_timer.c: timers of one object as persisted (JSON array, NULL if
 * none; or a list of records) and back. Loading arms without marking
 * anything dirty, and arms nothing unless the whole list is valid. */
#define VS_OBJ_TIMERS_MAX 64
typedef struct {
    const char *kind;          /* timer kind name (borrowed) */
    uint64_t due_ms, seq;
} vs_model__timer_rec_t;
/* o's armed timers sorted by (due, seq), into out; returns how many. */
size_t vs_model__timers_sorted(const vs_obj_t *o, const vs_obj_timer_t *out[VS_OBJ_TIMERS_MAX]);
/* The persisted JSON array of a list (NULL if n is 0). */
vs_json_t *vs_model__timers_json(const vs_model__timer_rec_t *t, size_t n);
vs_json_t *vs_model__timers_doc(const vs_model_t *m, const char *obj_id);
int vs_model__timers_load(vs_model_t *m, const char *obj_id, const vs_json_t *arr);
int vs_model__timers_load_list(vs_model_t *m, const char *obj_id,
                               const vs_model__timer_rec_t *t, size_t n);
void vs_model__timers_free(vs_model_t *m);

/* model_store.c: the kind a record stored under `id` is of, if id is well
 * formed and kname (the record's own kind name) agrees; NULL otherwise. */
const vs_kind_t *vs_model__record_kind(const vs_model_t *m, const char *id, const char *kname);
/* model_store.c: a stored record's timers as records, borrowing w's
 * strings; out holds VS_OBJ_TIMERS_MAX. 0, or -1 if there are too many. */
struct Vpcsim__Store__StoredObject;
int vs_model__stored_timers(const struct Vpcsim__Store__StoredObject *w,
                            vs_model__timer_rec_t *out);
/* Stack space for unpacking one record (model_store.c, model_view.c): an
 * ordinary one (a pcx view with a few CIDRs and tags) fits; a larger one
 * falls back to malloc. */
#define VS_MODEL_ARENA_BYTES 8192

#endif
