/* model: the agent model's lifecycle, API dispatch, hooks and output
 * queue. The context, registries and ID errors are in model_ctx.c, objects
 * in model_objs.c, timers in model_timer.c, persistence in model_store.c;
 * the resources are modules of the layers above (core/service lists them). See model.h for the driving
 * loop and model_internal.h for how the files fit together.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "model_priv.h"
#include "params.h"
#include "peer_bundle.h"

/* Module i of this model in dispatch order, NULL past the last one. The
 * list comes from the layer that assembles the service (core/service), so
 * the model never names the resources built on it. */
static const vs_module_t *s_mod(const vs_model_t *m, size_t i)
{
    return m->cfg.modules[i];      /* callers stop at the terminating NULL */
}

/* --- the action table ---------------------------------------------------- */

static uint32_t s_name_hash(const char *s)
{
    uint32_t h = 2166136261u;              /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

/* Every call looks its action up by name, among some seventy: hashing the
 * name once beats comparing it with each. A name two modules both list
 * goes to the first, as the module order says. */
static int s_actions_build(vs_model_t *m)
{
    size_t n = 0;
    for (size_t i = 0; s_mod(m, i); i++)
        for (const vs_action_t *a = s_mod(m, i)->actions; a && a->name; a++)
            n++;
    size_t cap = 16;
    while (cap < n * 2)
        cap *= 2;
    m->actions = calloc(cap, sizeof *m->actions);
    if (!m->actions)
        return -1;
    m->action_mask = cap - 1;
    for (size_t i = 0; s_mod(m, i); i++) {
        for (const vs_action_t *a = s_mod(m, i)->actions; a && a->name; a++) {
            size_t slot = s_name_hash(a->name) & m->action_mask;
            while (m->actions[slot] && strcmp(m->actions[slot]->name, a->name) != 0)
                slot = (slot + 1) & m->action_mask;
            if (!m->actions[slot])
                m->actions[slot] = a;
        }
    }
    return 0;
}

static const vs_action_t *s_find_action(const vs_model_t *m, const char *name)
{
    if (!name)
        return NULL;
    for (size_t slot = s_name_hash(name) & m->action_mask; m->actions[slot];
         slot = (slot + 1) & m->action_mask)
        if (strcmp(m->actions[slot]->name, name) == 0)
            return m->actions[slot];
    return NULL;
}

/* --- lifecycle ------------------------------------------------------------ */

vs_model_t *vs_model_new(const vs_model_config_t *cfg)
{
    if (!cfg || !vs_account_valid(cfg->account) || !vs_region_known(cfg->region) ||
        !cfg->clock || !cfg->rng)
        return NULL;
    if (!cfg->modules)
        return NULL;
    vs_model_t *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->cfg = *cfg;
    snprintf(m->account, sizeof m->account, "%s", cfg->account);
    snprintf(m->region, sizeof m->region, "%s", cfg->region);
    m->cfg.account = m->account;
    m->cfg.region = m->region;
    m->partition = vs_region_partition(cfg->region);
    if (m->cfg.max_ipv4_cidrs_per_vpc <= 0 ||
        m->cfg.max_ipv4_cidrs_per_vpc > VS_MODEL_MAX_IPV4_CIDRS)
        m->cfg.max_ipv4_cidrs_per_vpc = VS_MODEL_MAX_IPV4_CIDRS;
    if (m->cfg.max_ipv6_cidrs_per_vpc <= 0 ||
        m->cfg.max_ipv6_cidrs_per_vpc > VS_MODEL_MAX_IPV6_CIDRS)
        m->cfg.max_ipv6_cidrs_per_vpc = VS_MODEL_MAX_IPV6_CIDRS;
    if (m->cfg.max_active_pcx_per_vpc <= 0)
        m->cfg.max_active_pcx_per_vpc = 50;
    if (m->cfg.max_outstanding_pcx <= 0)
        m->cfg.max_outstanding_pcx = 25;
    /* Message IDs start at a random point, so that even a model whose
     * meta document was lost does not reuse IDs a peer has seen. */
    m->next_msg_id = (vs_rng_next(cfg->rng) >> 2) | 1;
    m->draining_min_id = UINT64_MAX;
    m->next_timer_seq = 1;
    for (int i = 0; i < VS_COUNTER__COUNT; i++)
        m->counters[i] = -1;
    if (s_actions_build(m) != 0 || vs_model__objs_init(m) != 0) {
        free(m->actions);
        free(m);
        return NULL;
    }
    return m;
}

static void s_outq_item_free(vs_outq_item_t *it)
{
    free(it->output_json);
    free(it->mem);
    free(it->bundle);
    free(it->tags);
    free(it->vpc_arn);
}

void vs_model_destroy(vs_model_t **mp)
{
    if (!mp || !*mp)
        return;
    vs_model_t *m = *mp;
    vs_model__objs_free(m);
    vs_model__timers_free(m);
    for (size_t i = 0; i < m->nout; i++)
        s_outq_item_free(&m->outq[i]);
    free(m->outq);
    free(m->actions);
    free(m->pack_body);
    free(m->pack_rec);
    for (size_t i = 0; i < VS_MODEL_SCRATCH_SLOTS; i++)
        free(m->scratch[i].p);
    free(m);
    *mp = NULL;
}

void *vs_model__scratch_take(vs_model_t *m, size_t n)
{
    for (size_t i = 0; i < VS_MODEL_SCRATCH_SLOTS; i++) {
        if (m->scratch[i].lent)
            continue;
        if (m->scratch[i].cap < n) {
            void *p = malloc(n);
            if (!p)
                return NULL;
            free(m->scratch[i].p);
            m->scratch[i].p = p;
            m->scratch[i].cap = n;
        }
        m->scratch[i].lent = true;
        return m->scratch[i].p;
    }
    return malloc(n);   /* nested deeper than the slots: given back by free */
}

void vs_model__scratch_give(vs_model_t *m, void *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < VS_MODEL_SCRATCH_SLOTS; i++) {
        if (m->scratch[i].p == p) {
            m->scratch[i].lent = false;
            return;
        }
    }
    free(p);
}

const char *vs_model_account(const vs_model_t *m) { return m->account; }
const char *vs_model_region(const vs_model_t *m) { return m->region; }
const char *vs_model_partition(const vs_model_t *m) { return m->partition; }
/* --- output queue ---------------------------------------------------------------- */

static vs_outq_item_t *s_outq_push(vs_model_t *m, vs_out_kind_t kind)
{
    if (m->nout == m->out_cap) {
        size_t nc = m->out_cap ? m->out_cap * 2 : 16;
        vs_outq_item_t *nq = realloc(m->outq, nc * sizeof *nq);
        if (!nq)
            return NULL;
        m->outq = nq;
        m->out_cap = nc;
    }
    vs_outq_item_t *it = &m->outq[m->nout++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    return it;
}

static char *s_dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Queues the reply: json (taken; NULL with err NULL = out of memory). */
static void s_reply_push(vs_model_t *m, uint64_t token, char *json, const vs_awserr_t *err)
{
    if (!err && !json) {
        static const vs_awserr_t oom = { "InternalError", "An internal error has occurred" };
        err = &oom;
    }
    if (err) {
        free(json);
        json = NULL;
    }
    vs_outq_item_t *it = s_outq_push(m, VS_OUT_REPLY);
    if (!it) {
        free(json);
        return;
    }
    it->token = token;
    it->ok = err == NULL;
    it->output_json = json;
    if (err)
        it->err = *err;
}

void vs_model__reply(vs_model_t *m, uint64_t token, const vs_json_t *output,
                     const vs_awserr_t *err)
{
    char *json = NULL;
    if (!err)
        json = output ? vs_json_dump(output, 0) : strdup("");
    s_reply_push(m, token, json, err);
}

void vs_model__reply_text(vs_model_t *m, uint64_t token, char *text)
{
    s_reply_push(m, token, text, NULL);
}

void vs_model__output_text(vs_model_t *m, char *text)
{
    free(m->out_text);
    m->out_text = text;
    m->has_out_text = true;
}

uint64_t vs_model__emit_peer(vs_model_t *m, const char *to_vpc_arn, const char *to_account,
                             const char *to_region, const uint8_t *payload, size_t len)
{
    vs_outq_item_t *it = s_outq_push(m, VS_OUT_PEER);
    if (!it)
        return 0;
    it->msg_id = m->next_msg_id++;
    vs_model__mark_meta(m);
    /* The payload (never NULL, even empty) first, then each address that
     * is set; on OOM all stay NULL. */
    size_t na = to_vpc_arn ? strlen(to_vpc_arn) + 1 : 0;
    size_t nb = to_account ? strlen(to_account) + 1 : 0;
    size_t nc = to_region ? strlen(to_region) + 1 : 0;
    size_t np = len ? len : 1;
    char *mem = malloc(np + na + nb + nc);
    if (mem) {
        it->mem = mem;
        it->payload = (uint8_t *)mem;
        if (len)
            memcpy(mem, payload, len);
        char *at = mem + np;
        it->to_vpc_arn = na ? memcpy(at, to_vpc_arn, na) : NULL;
        at += na;
        it->to_account = nb ? memcpy(at, to_account, nb) : NULL;
        at += nb;
        it->to_region = nc ? memcpy(at, to_region, nc) : NULL;
    }
    it->payload_len = len;
    it->nparts = 1;
    return it->msg_id;
}

/* How far back a message looks for one to join: the messages of one input
 * to one agent are usually next to each other (a connection's State and
 * its security-group snapshot; one per connection a tick activates). */
#define S_BUNDLE_LOOKBACK 16

/* The bytes a queued message takes as a bundle: its own payload as a first
 * part while it is alone, else the bundle it holds. */
static size_t s_bundle_bytes(const vs_outq_item_t *it)
{
    return it->nparts == 1 ? vs_bundle_part_size(it->payload_len) : it->payload_len;
}

/* The queued message a new one of len bytes to (account, region) joins:
 * the latest queued to that agent, if it takes more parts and has room;
 * else NULL. Only the latest: the messages to one agent keep their order. */
static vs_outq_item_t *s_bundle_host(vs_model_t *m, const char *account, const char *region,
                                     size_t len)
{
    size_t stop = m->nout > S_BUNDLE_LOOKBACK ? m->nout - S_BUNDLE_LOOKBACK : 0;
    for (size_t i = m->nout; i-- > stop;) {
        vs_outq_item_t *it = &m->outq[i];
        if (it->kind != VS_OUT_PEER || !it->to_account || !it->to_region ||
            strcmp(it->to_account, account) || strcmp(it->to_region, region))
            continue;
        bool room = it->bundle_ok && it->nparts < VS_BUNDLE_MAX_PARTS &&
                    s_bundle_bytes(it) + vs_bundle_part_size(len) <= VS_BUNDLE_BUILD_BYTES;
        return room ? it : NULL;
    }
    return NULL;
}

/* Adds payload as a part of it (turning its own payload into the first
 * part if it is still alone). 0, or -1 out of memory (it is unchanged). */
static int s_bundle_add(vs_outq_item_t *it, const uint8_t *payload, size_t len)
{
    size_t need = s_bundle_bytes(it) + vs_bundle_part_size(len);
    if (need > it->bundle_cap) {
        size_t cap = it->bundle_cap ? it->bundle_cap : 1024;
        while (cap < need)
            cap *= 2;
        uint8_t *b = realloc(it->bundle, cap);
        if (!b)
            return -1;
        it->bundle = b;
        it->bundle_cap = cap;
        if (it->nparts > 1)
            it->payload = b;
    }
    if (it->nparts == 1) {
        it->payload_len = vs_bundle_put(it->bundle, it->payload, it->payload_len);
        it->payload = it->bundle;
    }
    it->payload_len += vs_bundle_put(it->bundle + it->payload_len, payload, len);
    it->nparts++;
    return 0;
}

uint64_t vs_model__emit_peer_bundled(vs_model_t *m, const char *to_vpc_arn,
                                     const char *to_account, const char *to_region,
                                     const uint8_t *payload, size_t len)
{
    /* An empty payload or a bundle is no part; an unaddressed message
     * names no agent to share with. */
    bool partable = len > 0 && !vs_bundle_is(payload, len) && to_account && to_region &&
                    vs_bundle_part_size(len) * 2 <= VS_BUNDLE_BUILD_BYTES;
    vs_outq_item_t *host = partable ? s_bundle_host(m, to_account, to_region, len) : NULL;
    if (host && s_bundle_add(host, payload, len) == 0)
        return host->msg_id;
    uint64_t id = vs_model__emit_peer(m, to_vpc_arn, to_account, to_region, payload, len);
    if (id && partable && m->outq[m->nout - 1].mem)
        m->outq[m->nout - 1].bundle_ok = true;
    return id;
}

int64_t *vs_model__counter(const vs_model_t *m, vs_counter_t which)
{
    /* Counters are bookkeeping a module keeps beside its objects: reading
     * one may (re)compute it, even from a const path. */
    return &((vs_model_t *)m)->counters[which];
}

uint64_t vs_model__emit_sealed_peer(vs_model_t *m, const char *to_vpc_arn,
                                    const char *to_account, const char *to_region,
                                    const uint8_t *payload, size_t len)
{
    uint64_t id = vs_model__emit_peer(m, to_vpc_arn, to_account, to_region, payload, len);
    if (id)
        m->outq[m->nout - 1].sealed = true;
    return id;
}

void vs_model__emit_vpc(vs_model_t *m, bool added, const char *vpc_arn)
{
    vs_outq_item_t *it = s_outq_push(m, added ? VS_OUT_VPC_ADDED : VS_OUT_VPC_REMOVED);
    if (it)
        it->vpc_arn = s_dup(vpc_arn);
}

/* Gives the parts of it not tagged yet the tag. 0, or -1 out of memory. */
static int s_tag_parts(vs_outq_item_t *it, uint64_t tag)
{
    if (it->nparts > it->tags_cap) {
        uint32_t cap = it->tags_cap ? it->tags_cap : 4;
        while (cap < it->nparts)
            cap *= 2;
        uint64_t *t = realloc(it->tags, cap * sizeof *t);
        if (!t)
            return -1;
        it->tags = t;
        it->tags_cap = cap;
    }
    while (it->ntagged < it->nparts)
        it->tags[it->ntagged++] = tag;
    return 0;
}

/* A held bundle's tags go after its parts (peer_bundle.h), unless every
 * tag is 0 (the envelope's cause serves). Out of memory they stay off: the
 * receiver files every part under the envelope's. */
static void s_seal_tags(vs_outq_item_t *it)
{
    if (it->nparts < 2 || s_tag_parts(it, 0) != 0)
        return;
    bool any = false;
    for (uint32_t i = 0; i < it->nparts; i++)
        any |= it->tags[i] != 0;
    if (!any)
        return;
    size_t need = it->payload_len + vs_bundle_tags_size(it->tags, it->nparts);
    if (need > it->bundle_cap) {
        uint8_t *b = realloc(it->bundle, need);
        if (!b)
            return;
        it->bundle = it->payload = b;
        it->bundle_cap = need;
    }
    it->payload_len += vs_bundle_put_tags(it->bundle + it->payload_len, it->tags, it->nparts);
}

static void s_emit_item(vs_outq_item_t *it, vs_emit_cb cb, void *ctx)
{
    if (it->kind == VS_OUT_PEER && it->ntagged)
        s_seal_tags(it);
    vs_out_t o = {
        .kind = it->kind, .token = it->token, .ok = it->ok,
        .output_json = it->output_json, .err = it->ok ? NULL : &it->err,
        .msg_id = it->msg_id, .to_vpc_arn = it->to_vpc_arn,
        .to_account = it->to_account, .to_region = it->to_region,
        .payload = it->payload, .payload_len = it->payload_len, .sealed = it->sealed,
        .tags = it->ntagged ? it->tags : NULL, .ntags = it->ntagged ? it->nparts : 0,
        .vpc_arn = it->vpc_arn,
    };
    cb(ctx, &o);
    s_outq_item_free(it);
}

/* Emits the queue; with hold, but for the peer messages later ones may
 * still join, which stay queued in order (ahead of anything cb queued),
 * their parts so far tagged with tag. */
static void s_drain(vs_model_t *m, vs_emit_cb cb, void *ctx, bool hold, uint64_t tag)
{
    /* cb must not call back into the model; items are taken off the queue
     * first so that a re-entrant submit could not see them twice. */
    vs_outq_item_t *q = m->outq;
    size_t n = m->nout, cap = m->out_cap, kept = 0;
    m->outq = NULL;
    m->nout = m->out_cap = 0;
    m->draining_min_id = UINT64_MAX;
    for (size_t i = 0; i < n; i++)
        if (q[i].kind == VS_OUT_PEER && q[i].msg_id && q[i].msg_id < m->draining_min_id)
            m->draining_min_id = q[i].msg_id;
    for (size_t i = 0; i < n; i++) {
        vs_outq_item_t *it = &q[i];
        if (hold && it->kind == VS_OUT_PEER && it->bundle_ok && s_tag_parts(it, tag) == 0) {
            q[kept++] = *it;
            continue;
        }
        s_emit_item(it, cb, ctx);
    }
    m->draining_min_id = UINT64_MAX;
    /* The array serves the next input, the held items at its front,
     * unless cb queued anew (then those follow the held ones). */
    if (m->outq && kept) {
        vs_outq_item_t *nq = realloc(q, (kept + m->nout) * sizeof *nq);
        if (nq) {
            memcpy(nq + kept, m->outq, m->nout * sizeof *nq);
            free(m->outq);
            m->outq = nq;
            m->nout += kept;
            m->out_cap = m->nout;
            return;
        }
        for (size_t i = 0; i < kept; i++)     /* out of memory: sent now */
            s_emit_item(&q[i], cb, ctx);
        kept = 0;
    }
    if (!m->outq) {
        m->outq = q;
        m->nout = kept;
        m->out_cap = cap;
    } else {
        free(q);
    }
}

void vs_model_drain(vs_model_t *m, vs_emit_cb cb, void *ctx)
{
    s_drain(m, cb, ctx, false, 0);
}

void vs_model_drain_hold(vs_model_t *m, vs_emit_cb cb, void *ctx, uint64_t tag)
{
    s_drain(m, cb, ctx, true, tag);
}

uint64_t vs_model_queued_min_id(const vs_model_t *m)
{
    uint64_t min = m->draining_min_id;
    for (size_t i = 0; i < m->nout; i++)
        if (m->outq[i].kind == VS_OUT_PEER && m->outq[i].msg_id && m->outq[i].msg_id < min)
            min = m->outq[i].msg_id;
    return min;
}

/* --- dispatch ---------------------------------------------------------------------- */

int vs_model__dry_run_check(const vs_model_t *m, vs_awserr_t *err)
{
    if (!m->dry_run)
        return 0;
    return vs_awserr_set(err, "DryRunOperation",
                         "Request would have succeeded, but DryRun flag is set.");
}

void vs_model_submit(vs_model_t *m, uint64_t token, const char *caller_account,
                     const char *action, const vs_json_t *input)
{
    vs_awserr_t err = { "", "" };
    vs_json_t *out = NULL, *empty = NULL;
    const vs_action_t *a = s_find_action(m, action);
    int rc;
    m->token = token;
    m->dry_run = false;
    if (!a) {
        rc = vs_awserr_set(&err, "InvalidAction",
                           "The action %.*s is not valid for this web service.", 100,
                           action ? action : "");
    } else if (input && vs_json_type(input) != VS_JSON_OBJECT) {
        rc = vs_awserr_set(&err, "InvalidParameterValue", "The request input is not an object");
    } else {
        const vs_json_t *in = input ? input : (empty = vs_json_object());
        bool dry = false;
        rc = vs_param_bool(in, "DryRun", &dry, &err);
        if (rc == 0) {
            m->dry_run = dry;
            rc = a->fn(m, caller_account ? caller_account : "", in, &out, &err);
        }
        /* Read-only actions never reach a dry-run check of their own. */
        if (rc == 0 && m->dry_run)
            rc = vs_model__dry_run_check(m, &err);
    }
    if (rc < 0 && !err.code[0])
        vs_awserr_set(&err, "InternalError", "An internal error has occurred");
    if (rc == 0 && m->has_out_text) {
        vs_model__reply_text(m, token, m->out_text);
        m->out_text = NULL;
    } else if (rc != VS_ACTION_DEFER) {
        vs_model__reply(m, token, rc == 0 ? out : NULL, rc == 0 ? NULL : &err);
    }
    free(m->out_text);
    m->out_text = NULL;
    m->has_out_text = false;
    vs_json_free(&out);
    vs_json_free(&empty);
    m->dry_run = false;
}

static int s_on_peer_one(vs_model_t *m, const char *from_account, const char *from_region,
                         const uint8_t *payload, size_t len)
{
    for (size_t i = 0; s_mod(m, i); i++) {
        if (!s_mod(m, i)->on_peer)
            continue;
        int rc = s_mod(m, i)->on_peer(m, from_account, from_region, payload, len);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
    }
    return -1;      /* nobody understood it */
}

int vs_model_on_peer(vs_model_t *m, const char *from_account, const char *from_region,
                     const uint8_t *payload, size_t len)
{
    if (!vs_bundle_is(payload, len))
        return s_on_peer_one(m, from_account, from_region, payload, len);
    /* Checked whole first: a broken bundle is refused before any part of
     * it changes anything. Then each part as if it had come alone, in the
     * order sent; a part refused does not stop the others (each is judged
     * on its own, as separate messages were). */
    if (!vs_bundle_check(payload, len, NULL))
        return -1;
    int rc = 0;
    size_t off = 0, n;
    const uint8_t *part;
    while (vs_bundle_next(payload, len, &off, &part, &n) == 1)
        if (s_on_peer_one(m, from_account, from_region, part, n) < 0)
            rc = -1;
    return rc;
}

void vs_model_on_undeliverable(vs_model_t *m, uint64_t msg_id, bool no_such_agent)
{
    for (size_t i = 0; s_mod(m, i); i++)
        if (s_mod(m, i)->on_undeliverable)
            s_mod(m, i)->on_undeliverable(m, msg_id, no_such_agent);
}

/* --- hooks ----------------------------------------------------------- */

void vs_model__vpc_created(vs_model_t *m, vs_vpc_t *vpc)
{
    for (size_t i = 0; s_mod(m, i); i++)
        if (s_mod(m, i)->vpc_created)
            s_mod(m, i)->vpc_created(m, vpc);
}

int vs_model__vpc_delete_check(vs_model_t *m, const vs_vpc_t *vpc, vs_awserr_t *err)
{
    for (size_t i = 0; s_mod(m, i); i++)
        if (s_mod(m, i)->vpc_delete_check && s_mod(m, i)->vpc_delete_check(m, vpc, err) != 0)
            return -1;
    return 0;
}

void vs_model__vpc_deleting(vs_model_t *m, vs_vpc_t *vpc)
{
    for (size_t i = 0; s_mod(m, i); i++)
        if (s_mod(m, i)->vpc_deleting)
            s_mod(m, i)->vpc_deleting(m, vpc);
}

int vs_model__cidr_change_allowed(vs_model_t *m, const vs_vpc_t *vpc, const vs_cidr_t *cidr,
                                  bool adding, vs_awserr_t *err)
{
    for (size_t i = 0; s_mod(m, i); i++)
        if (s_mod(m, i)->cidr_change_allowed &&
            s_mod(m, i)->cidr_change_allowed(m, vpc, cidr, adding, err) != 0)
            return -1;
    return 0;
}

void vs_model__vpc_cidr_changed(vs_model_t *m, vs_vpc_t *vpc, const vs_cidr_t *cidr, bool added)
{
    for (size_t i = 0; s_mod(m, i); i++)
        if (s_mod(m, i)->vpc_cidr_changed)
            s_mod(m, i)->vpc_cidr_changed(m, vpc, cidr, added);
}

void vs_model__pcx_changed(vs_model_t *m, const char *pcx_id)
{
    for (size_t i = 0; s_mod(m, i); i++)
        if (s_mod(m, i)->pcx_changed)
            s_mod(m, i)->pcx_changed(m, pcx_id);
}

void vs_model__pcx_accepting(vs_model_t *m, const char *pcx_id)
{
    for (size_t i = 0; s_mod(m, i); i++)
        if (s_mod(m, i)->pcx_accepting)
            s_mod(m, i)->pcx_accepting(m, pcx_id);
}

void vs_model__subnet_created(vs_model_t *m, vs_subnet_t *s)
{
    for (size_t i = 0; s_mod(m, i); i++)
        if (s_mod(m, i)->subnet_created)
            s_mod(m, i)->subnet_created(m, s);
}

int vs_model__subnet_delete_check(vs_model_t *m, const vs_subnet_t *s, vs_awserr_t *err)
{
    for (size_t i = 0; s_mod(m, i); i++)
        if (s_mod(m, i)->subnet_delete_check && s_mod(m, i)->subnet_delete_check(m, s, err) != 0)
            return -1;
    return 0;
}

void vs_model__subnet_deleting(vs_model_t *m, vs_subnet_t *s)
{
    for (size_t i = 0; s_mod(m, i); i++)
        if (s_mod(m, i)->subnet_deleting)
            s_mod(m, i)->subnet_deleting(m, s);
}

/* --- queries for the runtime ------------------------------------------------------------ */

void vs_model_each_vpc_arn(const vs_model_t *m, void (*cb)(void *ctx, const char *arn), void *ctx)
{
    const vs_kind_t *vpc = vs_model__kind_by_prefix(m, "vpc");
    for (vs_obj_t *o = vpc ? vs_model__first(m, vpc) : NULL; o; o = vs_model__next(o, vpc)) {
        char arn[VS_ARN_LEN];
        if (vs_model__arn(m, "vpc", o->id, arn) > 0)
            cb(ctx, arn);
    }
}

size_t vs_model_vpc_count(const vs_model_t *m)
{
    const vs_kind_t *vpc = vs_model__kind_by_prefix(m, "vpc");
    return vpc ? vs_model__count(m, vpc) : 0;
}
