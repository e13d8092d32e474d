/* model_internal: what the core files that make up the agent model
 * share, and the only header they need. model.h is the contract with the
 * agent daemon; this one is the contract between the model's own files.
 *
 * Structure:
 *  - Every resource is an object: a struct that starts with vs_obj_t (ID,
 *    creation sequence number, tags) and whose vs_kind_t says how to
 *    persist it. All objects live in ONE hash map keyed by ID; the ID
 *    prefix names the kind ("vpc-", "subnet-", "rtb-", ...). Objects also
 *    sit on one list in creation order, which is the order Describe*
 *    answers in.
 *  - A file adds behaviour through a vs_module_t: its API actions, its
 *    object kinds, its timer kinds and hooks into other files' operations
 *    (VPC created/deleted, CIDR added/removed, subnet deleted, peer
 *    messages). model.c lists the modules (s_modules[]); a new file adds
 *    one line there and touches nothing else.
 *  - Mutations call vs_model__touch() (or add/remove), which records the
 *    object in the dirty set that vs_model_flush() writes out. Handlers
 *    validate everything first, call vs_model__dry_run_check(), and only
 *    then mutate, so that a failed or dry-run call changes nothing.
 *  - Timers are (kind name, object ID, due time), kept in a min-heap on
 *    (due_ms, seq) and persisted inside their object's document, so they
 *    survive restarts together with the state they belong to (at most 64
 *    per object; a handful of kinds is the expected use).
 *  - Describe* share one implementation (vs_model__describe): IDs list,
 *    Filters (filter.h), MaxResults/NextToken (page.h), creation order.
 *  - Unit tests may define `const vs_module_t vs_module_test` (a weak
 *    reference in model.c) to plug in test actions, timers and hooks.
 *
 * Adding a resource: define its struct (vs_obj_t first), a vs_kind_t, its
 * handlers and a vs_module_t in a new ec2_<x>.c; declare the module below
 * and list it in s_modules[] in model.c; add its ID family to s_idfams[]
 * there if it is not listed yet.
 */
#ifndef VS_MODEL_INTERNAL_H
#define VS_MODEL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "model.h"
#include "tags.h"

/* Association IDs ("vpc-cidr-assoc-" + 17 hex) do not fit VS_ID_LEN. */
#define VS_ASSOC_ID_LEN 48
#define VS_AZ_LEN       (VS_REGION_LEN + 2)

/* --- objects ------------------------------------------------------------ */

typedef struct vs_obj vs_obj_t;
struct vs_timer_kind;

/* One armed timer of an object (model_timer.c). */
typedef struct vs_obj_timer {
    const struct vs_timer_kind *kind;
    uint64_t due_ms;
    uint64_t seq;
} vs_obj_timer_t;

typedef struct vs_kind {
    const char *prefix;        /* ID prefix: "vpc" */
    const char *name;          /* the document's "Kind": "Vpc" */
    /* Adds the kind's own fields to doc (which already holds Kind, Id,
     * Seq, Tags and Timers). 0 ok, -1 OOM. */
    int (*to_doc)(const vs_model_t *m, const vs_obj_t *o, vs_json_t *doc);
    /* Allocates an object from a persisted document (borrowed); the model
     * fills in the base fields afterwards. NULL if malformed. */
    vs_obj_t *(*from_doc)(vs_model_t *m, const vs_json_t *doc);
    /* Optional binary form (proto/store.proto), what the store keeps:
     * to_bin packs the kind's body message (StoredVpc, StoredPcx, ...) of o
     * and returns its length, written to buf only when it fits in cap (buf
     * may be NULL to ask for the size); -1 if o cannot be encoded.
     * from_bin is from_doc for those bytes (borrowed): NULL if malformed.
     * A kind without them is stored as its to_doc fields in JSON. */
    long (*to_bin)(const vs_model_t *m, const vs_obj_t *o, uint8_t *buf, size_t cap);
    vs_obj_t *(*from_bin)(vs_model_t *m, const uint8_t *body, size_t len);
    /* Optional: the object's lifecycle state as the API names it
     * ("pending-acceptance"), handed to the persist callback so that the
     * runtime can log state changes without reading records. NULL (or no
     * hook): the kind has no state. */
    const char *(*state)(const vs_obj_t *o);
    /* Frees the kind's own fields and the object itself (not the base's
     * tags, which the model frees). */
    void (*destroy)(vs_obj_t *o);
    /* Optional: false while an object that still exists must look absent to
     * the API (a peering connection past its visibility window, kept only as
     * a tombstone). NULL: always visible. */
    bool (*visible)(const vs_model_t *m, const vs_obj_t *o);
} vs_kind_t;

struct vs_obj {
    const vs_kind_t *kind;
    char id[VS_ID_LEN];
    uint64_t seq;              /* creation order; Describe* sort on it */
    vs_tags_t tags;
    /* Model bookkeeping: only model_objs.c / model_timer.c touch these. */
    vs_obj_t *prev, *next;     /* all objects, creation order */
    vs_obj_t *kprev, *knext;   /* objects of the same kind, creation order */
    vs_obj_timer_t *timers;    /* armed timers (the heap may hold stale copies) */
    size_t ntimers;
    size_t timer_cap;          /* timers' room: kept when timers are cancelled */
    bool dirty;
};

/* Inserts o (allocated by the caller, zeroed base) under `id`, or under a
 * fresh ID with the kind's prefix if id is NULL. Sets kind, id and seq and
 * marks o dirty. 0 ok (the model owns o); -1 if the ID is taken or on OOM
 * (the caller still owns o). */
int vs_model__add(vs_model_t *m, vs_obj_t *o, const vs_kind_t *kind, const char *id);
/* Unlinks o, cancels its timers, records the deletion for the next flush
 * and destroys it. o is invalid afterwards. */
void vs_model__remove(vs_model_t *m, vs_obj_t *o);
/* Records that o changed (it will be written out by the next flush). */
void vs_model__touch(vs_model_t *m, vs_obj_t *o);

/* Any object by ID, regardless of caller (borrowed; NULL if none). */
vs_obj_t *vs_model__get(const vs_model_t *m, const char *id);
/* The object `id` of `kind` as `caller` sees it: NULL unless it exists,
 * has that kind and caller is the model's account. Cast the result to the
 * kind's struct. */
void *vs_model__find(const vs_model_t *m, const char *caller, const vs_kind_t *kind,
                     const char *id);
/* Like vs_model__find for actions that take one ID: sets err to the kind's
 * Malformed error if id is not of the form "<prefix>-<hex>", else to its
 * NotFound error if there is no such object for caller. */
void *vs_model__resolve(const vs_model_t *m, const char *caller, const vs_kind_t *kind,
                        const char *id, vs_awserr_t *err);

/* Creation-order iteration over one kind (NULL: every kind). */
vs_obj_t *vs_model__first(const vs_model_t *m, const vs_kind_t *kind);
vs_obj_t *vs_model__next(const vs_obj_t *o, const vs_kind_t *kind);
size_t vs_model__count(const vs_model_t *m, const vs_kind_t *kind);

/* A new resource ID "<prefix>-0<16 hex>" not used by any live object. */
void vs_model__new_id(vs_model_t *m, const char *prefix, char out[VS_ID_LEN]);
/* Same form for association IDs, which may have long prefixes
 * ("vpc-cidr-assoc", "subnet-cidr-assoc", "rtbassoc"). */
void vs_model__new_assoc_id(vs_model_t *m, const char *prefix, char out[VS_ASSOC_ID_LEN]);

/* --- the model's context -------------------------------------------------- */

const vs_model_config_t *vs_model__cfg(const vs_model_t *m);   /* quotas filled in */
uint64_t vs_model__now(const vs_model_t *m);
vs_rng_t *vs_model__rng(vs_model_t *m);
bool vs_model__is_owner(const vs_model_t *m, const char *caller);
/* "arn:PARTITION:ec2:REGION:ACCOUNT:TYPE/ID" for this model. */
int vs_model__arn(const vs_model_t *m, const char *type, const char *id, char out[VS_ARN_LEN]);

/* Scratch space the model lends to a handler, kept from one call to the
 * next so that a warm model lends without malloc (a received message's
 * decoded form, an answer being built). At least n bytes, contents
 * undefined; NULL on OOM. A borrower nested inside others (more than
 * VS_MODEL_SCRATCH_SLOTS at once) gets a block of its own from malloc.
 * Every block taken is given back, by the same model, before the handler
 * returns; the model frees its slots when destroyed. */
#define VS_MODEL_SCRATCH_SLOTS 2
void *vs_model__scratch_take(vs_model_t *m, size_t n);
void vs_model__scratch_give(vs_model_t *m, void *p);

/* --- errors --------------------------------------------------------------- */

/* The error codes of one ID family, for the prefixes in CONTRACT.md (also
 * those whose kinds do not exist yet). */
typedef struct vs_idfam {
    const char *prefix;        /* "vpc" */
    const char *nf_code;       /* "InvalidVpcID.NotFound" */
    const char *noun;          /* "vpc": "The vpc ID '%s' does not exist" */
    const char *malformed_code;/* "InvalidVpcID.Malformed" */
} vs_idfam_t;
const vs_idfam_t *vs_model__idfam(const char *prefix);
/* NotFound for one or several IDs ("The vpc IDs 'a, b' do not exist");
 * always returns -1. */
int vs_model__err_notfound(vs_awserr_t *err, const char *prefix, const char *const *ids, size_t n);
int vs_model__err_malformed(vs_awserr_t *err, const char *prefix, const char *id);
/* The Malformed error of the first ID in the list ids (strings) that is
 * not of the form "<prefix>-<hex>"; 0 if all are. */
int vs_model__check_id_list(const vs_json_t *ids, const char *prefix, vs_awserr_t *err);

/* --- counters ---------------------------------------------------------------- */

/* Per-model counts a module keeps up to date incrementally, so that a
 * quota check never scans every object. Each starts at -1 ("not counted
 * yet", e.g. after loading): the module counts once on first use, then
 * adjusts it as its objects change. Not persisted. */
typedef enum {
    VS_COUNTER_PCX_OUTSTANDING,     /* our requests in initiating/pending (pcx_obj.c) */
    VS_COUNTER__COUNT
} vs_counter_t;
int64_t *vs_model__counter(const vs_model_t *m, vs_counter_t which);

/* --- API actions ------------------------------------------------------------ */

/* An action handler: validates `in` (borrowed, always an object), and on
 * success returns 0 with *out the output document (owned by the model
 * afterwards; leave NULL for "no output"). On failure returns -1 with err
 * set and must not have changed anything. Returns VS_ACTION_DEFER if the
 * reply will come later through vs_model__reply() (the handler saved
 * vs_model__token()). */
typedef int (*vs_action_fn)(vs_model_t *m, const char *caller, const vs_json_t *in,
                            vs_json_t **out, vs_awserr_t *err);
#define VS_ACTION_DEFER 1

typedef struct vs_action {
    const char *name;          /* "CreateVpc" */
    vs_action_fn fn;
} vs_action_t;

/* DryRun: -1 with DryRunOperation if the current call is a dry run, else 0.
 * Handlers call it after validating and before the first change. Read-only
 * handlers need not: a dry run that returns 0 is turned into
 * DryRunOperation by the dispatcher. */
int vs_model__dry_run_check(const vs_model_t *m, vs_awserr_t *err);
/* The token of the call being handled (for deferred replies). */
uint64_t vs_model__token(const vs_model_t *m);
/* Queues a reply to `token`: output (borrowed; NULL = no output) if err is
 * NULL, else the error. */
void vs_model__reply(vs_model_t *m, uint64_t token, const vs_json_t *output,
                     const vs_awserr_t *err);
/* An answer printed without a tree: `text` is the output exactly as
 * vs_json_dump(output, 0) would print it (the hot peering actions print
 * a describe of a thousand connections straight into a buffer). The
 * model takes text (malloc'd; NULL = out of memory, answered as an
 * InternalError). vs_model__output_text is for the call being handled:
 * the handler returns 0 and leaves *out NULL (a failure or a dry run
 * drops the text); vs_model__reply_text answers a deferred call. */
void vs_model__output_text(vs_model_t *m, char *text);
void vs_model__reply_text(vs_model_t *m, uint64_t token, char *text);

/* --- outputs other than replies -------------------------------------------- */

/* Queues a message to another agent (payload copied). Returns the message
 * ID (unique per model, also across restarts), 0 on OOM. */
/* The same for a payload that is AEAD ciphertext: the runtime flags it
 * sealed on the wire (the broker never sees inside it). */
uint64_t vs_model__emit_sealed_peer(vs_model_t *m, const char *to_vpc_arn,
                                    const char *to_account, const char *to_region,
                                    const uint8_t *payload, size_t len);
uint64_t vs_model__emit_peer(vs_model_t *m, const char *to_vpc_arn, const char *to_account,
                             const char *to_region, const uint8_t *payload, size_t len);
/* The same for a message that may share one PeerMessage with the latest one
 * queued to the same agent (to_account, to_region) in this input, as a
 * part of a bundle (peer_bundle.h): one outbox row, relay, dedup row and
 * ack for all. The receiving model applies the parts in order. The ID is
 * the shared message's, so a module that waits for a message's own
 * Undeliverable (it keeps the ID) sends it with vs_model__emit_peer. The
 * address of the shared message is its first part's (the broker routes
 * every ARN of one account and Region to the same agent). */
uint64_t vs_model__emit_peer_bundled(vs_model_t *m, const char *to_vpc_arn,
                                     const char *to_account, const char *to_region,
                                     const uint8_t *payload, size_t len);
void vs_model__emit_vpc(vs_model_t *m, bool added, const char *vpc_arn);

/* --- timers -------------------------------------------------------------------- */

typedef void (*vs_timer_fn)(vs_model_t *m, const char *obj_id);
typedef struct vs_timer_kind {
    const char *name;          /* "pcx-expire": persisted, keep stable */
    vs_timer_fn fn;
} vs_timer_kind_t;

/* Arms timer (kind, obj_id) to fire at due_ms, replacing an armed one of
 * the same pair. The object must exist (timers are persisted with it and
 * cancelled when it is removed) and the kind must be registered by a
 * module. 0 ok, -1 otherwise. */
int vs_model__timer_arm(vs_model_t *m, const char *kind, const char *obj_id, uint64_t due_ms);
/* Cancels (kind, obj_id); kind NULL cancels every timer of the object.
 * Returns how many were cancelled. */
size_t vs_model__timer_cancel(vs_model_t *m, const char *kind, const char *obj_id);
/* The same with the kind and the object in hand, as a module that holds
 * both calls them on every transition: no lookup of either by name. k
 * must be one of a registered module's kinds (its name is what is
 * persisted); k NULL cancels every timer of o. */
int vs_model__timer_arm_obj(vs_model_t *m, const vs_timer_kind_t *k, vs_obj_t *o,
                            uint64_t due_ms);
size_t vs_model__timer_cancel_obj(vs_model_t *m, const vs_timer_kind_t *k, vs_obj_t *o);
/* true and *due if (kind, obj_id) is armed. */
bool vs_model__timer_get(const vs_model_t *m, const char *kind, const char *obj_id,
                         uint64_t *due);

/* --- resources the hooks below name --------------------------------------------
 * The VPC (core/vpc/vpc.h) and subnet (core/network/network.h) are defined by
 * the layers above; the model only passes them to hooks. */
typedef struct vs_vpc vs_vpc_t;
typedef struct vs_subnet vs_subnet_t;

/* --- modules and hooks ---------------------------------------------------------- */

typedef struct vs_module {
    const char *name;
    const vs_action_t *actions;        /* {NULL} terminated; may be NULL */
    const vs_kind_t *const *kinds;     /* NULL terminated; may be NULL */
    const vs_timer_kind_t *timers;     /* {NULL} terminated; may be NULL */
    /* Hooks; each may be NULL. Checks run for every module before any
     * change; a check returning -1 (err set) refuses the operation. */
    void (*vpc_created)(vs_model_t *m, vs_vpc_t *vpc);
    int (*vpc_delete_check)(vs_model_t *m, const vs_vpc_t *vpc, vs_awserr_t *err);
    void (*vpc_deleting)(vs_model_t *m, vs_vpc_t *vpc);
    int (*cidr_change_allowed)(vs_model_t *m, const vs_vpc_t *vpc, const vs_cidr_t *cidr,
                               bool adding, vs_awserr_t *err);
    void (*vpc_cidr_changed)(vs_model_t *m, vs_vpc_t *vpc, const vs_cidr_t *cidr, bool added);
    void (*subnet_created)(vs_model_t *m, vs_subnet_t *s);
    int (*subnet_delete_check)(vs_model_t *m, const vs_subnet_t *s, vs_awserr_t *err);
    void (*subnet_deleting)(vs_model_t *m, vs_subnet_t *s);
    /* A peering connection (pcx_id) was created or changed state, on its
     * home or as a replica. */
    void (*pcx_changed)(vs_model_t *m, const char *pcx_id);
    /* A replica has just forwarded an accept of pcx_id to its home: what a
     * module sends the home now joins the accept's message. */
    void (*pcx_accepting)(vs_model_t *m, const char *pcx_id);
    /* Peer messages: return 1 if handled, 0 if not this module's, -1 if
     * malformed. The first module that does not return 0 wins. */
    int (*on_peer)(vs_model_t *m, const char *from_account, const char *from_region,
                   const uint8_t *payload, size_t len);
    void (*on_undeliverable)(vs_model_t *m, uint64_t msg_id, bool no_such_agent);
} vs_module_t;


/* The model's own module: CreateTags / DeleteTags over every kind (ec2_tags.c). */
extern const vs_module_t vs_module_tags;

/* Hook dispatch (model.c): call every module's hook in the configured order. */
void vs_model__vpc_created(vs_model_t *m, vs_vpc_t *vpc);
int vs_model__vpc_delete_check(vs_model_t *m, const vs_vpc_t *vpc, vs_awserr_t *err);
void vs_model__vpc_deleting(vs_model_t *m, vs_vpc_t *vpc);
/* Peering plugs in here: may a CIDR be added to / removed from vpc? */
int vs_model__cidr_change_allowed(vs_model_t *m, const vs_vpc_t *vpc, const vs_cidr_t *cidr,
                                  bool adding, vs_awserr_t *err);
void vs_model__vpc_cidr_changed(vs_model_t *m, vs_vpc_t *vpc, const vs_cidr_t *cidr, bool added);
void vs_model__subnet_created(vs_model_t *m, vs_subnet_t *s);
void vs_model__pcx_changed(vs_model_t *m, const char *pcx_id);
void vs_model__pcx_accepting(vs_model_t *m, const char *pcx_id);
int vs_model__subnet_delete_check(vs_model_t *m, const vs_subnet_t *s, vs_awserr_t *err);
void vs_model__subnet_deleting(vs_model_t *m, vs_subnet_t *s);

const vs_kind_t *vs_model__kind_by_prefix(const vs_model_t *m, const char *prefix);
const vs_timer_kind_t *vs_model__timer_kind(const vs_model_t *m, const char *name);

/* --- Describe* ----------------------------------------------------------------- */

struct vs_filter_field;

/* A generic Describe* over one kind: IDs list, Filters, MaxResults /
 * NextToken, creation order. */
typedef struct vs_describe {
    const vs_kind_t *kind;
    const char *ids_param;             /* "VpcIds" */
    const char *list_key;              /* "Vpcs" */
    const struct vs_filter_field *fields;
    vs_json_t *(*to_output)(const vs_model_t *m, const vs_obj_t *o);
    bool token_first;                  /* NextToken printed before the list */
} vs_describe_t;
int vs_model__describe(vs_model_t *m, const char *caller, const vs_json_t *in,
                       const vs_describe_t *d, vs_json_t **out, vs_awserr_t *err);

/* --- small array helpers ------------------------------------------------------------ */

/* Appends one element (copied from item) to the array *p of *n elements of
 * `elem` bytes. The arrays in resources are small (CIDRs, routes), so an
 * exact realloc per append is simpler than tracking capacities. 0 ok, -1
 * OOM (array untouched). */
static inline int vs__append(void **p, size_t *n, size_t elem, const void *item)
{
    void *np = realloc(*p, (*n + 1) * elem);
    if (!np)
        return -1;
    *p = np;
    memcpy((char *)np + *n * elem, item, elem);
    (*n)++;
    return 0;
}

#define VS_APPEND(p, n, item) vs__append((void **)&(p), &(n), sizeof *(p), (item))

/* Removes element i of the array *p of *n elements (order kept). */
static inline void vs__erase(void *p, size_t *n, size_t elem, size_t i)
{
    if (i >= *n)
        return;
    memmove((char *)p + i * elem, (char *)p + (i + 1) * elem, (*n - i - 1) * elem);
    (*n)--;
}

#endif
