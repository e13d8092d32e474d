/* pcx_obj: the peering connection object of the agent model - one view of
 * a pcx (see pcx_model.h), its persistence, its timers and visibility. */
#include <inttypes.h>
#include <stdio.h>

#include "idmap.h"
#include "pcx_model.h"

/* --- persistence ------------------------------------------------------------ */

static int s_to_doc(const vs_model_t *m, const vs_obj_t *base, vs_json_t *doc)
{
    const vs_pcx_obj_t *o = (const vs_pcx_obj_t *)base;
    vs_json_t *rec = vs_pcx_to_doc(&o->rec);
    if (!rec)
        return -1;
    vs_json_set(doc, "Record", rec);
    vs_json_set_str(doc, "Side", vs_pcx_side_name(o->side));
    vs_json_set_bool(doc, "Hidden", o->hidden);
    vs_json_set_bool(doc, "AcceptInflight", o->accept_inflight);
    char id[24];
    snprintf(id, sizeof id, "%" PRIu64, o->request_msg_id);
    vs_json_set_str(doc, "RequestMsgId", id);
    snprintf(id, sizeof id, "%" PRIu64, o->cidrs_seq);
    vs_json_set_str(doc, "CidrsSeq", id);
    return 0;
}

static vs_obj_t *s_from_doc(vs_model_t *m, const vs_json_t *doc)
{
    vs_pcx_obj_t *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    char why[160];
    const char *side = vs_json_get_str(doc, "Side");
    const char *msg = vs_json_get_str(doc, "RequestMsgId");
    if (vs_pcx_from_doc(vs_json_get(doc, "Record"), &o->rec, why, sizeof why) != 0 || !side ||
        vs_pcx_side_parse(side, &o->side) != 0 || o->side == VS_PCX_SIDE_NONE) {
        free(o);
        return NULL;
    }
    o->hidden = vs_json_get_bool(doc, "Hidden", false);
    o->accept_inflight = vs_json_get_bool(doc, "AcceptInflight", false);
    o->request_msg_id = msg ? strtoull(msg, NULL, 10) : 0;
    const char *seq = vs_json_get_str(doc, "CidrsSeq");
    o->cidrs_seq = seq ? strtoull(seq, NULL, 10) : 0;
    return &o->base;
}

/* The binary form (proto/store.proto StoredPcx): the hot path, written
 * on every transition of every handshake. */
static long s_to_bin(const vs_model_t *m, const vs_obj_t *base, uint8_t *buf, size_t cap)
{
    const vs_pcx_obj_t *o = (const vs_pcx_obj_t *)base;
    vs_pcx_view_t view = {
        .side = o->side,
        .hidden = o->hidden,
        .accept_inflight = o->accept_inflight,
        .request_msg_id = o->request_msg_id,
        .cidrs_seq = o->cidrs_seq,
    };
    return vs_pcx_wire_encode_stored(&o->rec, &view, buf, cap);
}

static vs_obj_t *s_from_bin(vs_model_t *m, const uint8_t *body, size_t len)
{
    vs_pcx_obj_t *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    vs_pcx_view_t view;
    if (vs_pcx_wire_decode_stored(body, len, &o->rec, &view) != 0) {
        free(o);
        return NULL;
    }
    o->side = view.side;
    o->hidden = view.hidden;
    o->accept_inflight = view.accept_inflight;
    o->request_msg_id = view.request_msg_id;
    o->cidrs_seq = view.cidrs_seq;
    return &o->base;
}

static const char *s_state(const vs_obj_t *base)
{
    return vs_pcx_state_name(((const vs_pcx_obj_t *)base)->rec.state);
}

static void s_destroy(vs_obj_t *o)
{
    free(o);
}

static bool s_kind_visible(const vs_model_t *m, const vs_obj_t *base);

const vs_kind_t vs_kind_pcx = {
    .prefix = "pcx",
    .name = "VpcPeeringConnection",
    .to_doc = s_to_doc,
    .from_doc = s_from_doc,
    .to_bin = s_to_bin,
    .from_bin = s_from_bin,
    .state = s_state,
    .destroy = s_destroy,
    .visible = s_kind_visible,
};

/* --- lookup ------------------------------------------------------------------ */

vs_pcx_obj_t *vs_pcx__first(const vs_model_t *m)
{
    return (vs_pcx_obj_t *)vs_model__first(m, &vs_kind_pcx);
}

vs_pcx_obj_t *vs_pcx__next(const vs_pcx_obj_t *o)
{
    return (vs_pcx_obj_t *)vs_model__next(&o->base, &vs_kind_pcx);
}

bool vs_pcx__involves(const vs_pcx_obj_t *o, const char *vpc_id)
{
    return !strcmp(o->rec.requester.vpc_id, vpc_id) || !strcmp(o->rec.accepter.vpc_id, vpc_id);
}

bool vs_pcx__live(const vs_pcx_obj_t *o)
{
    return !vs_pcx_state_is_terminal(o->rec.state);
}

static bool s_visible_now(const vs_model_t *m, const vs_pcx_obj_t *o)
{
    return !o->hidden && vs_pcx_visible(&o->rec, o->side, vs_model__now(m));
}

static bool s_kind_visible(const vs_model_t *m, const vs_obj_t *base)
{
    return s_visible_now(m, (const vs_pcx_obj_t *)base);
}

vs_pcx_obj_t *vs_pcx__visible(const vs_model_t *m, const char *caller, const char *id)
{
    vs_pcx_obj_t *o = vs_model__find(m, caller, &vs_kind_pcx, id);
    return o && s_visible_now(m, o) ? o : NULL;
}

vs_pcx_obj_t *vs_pcx__resolve(const vs_model_t *m, const char *caller, const char *id,
                              vs_awserr_t *err)
{
    if (!id || !vs_id_valid(id, "pcx")) {
        vs_awserr_set(err, "InvalidVpcPeeringConnectionId.Malformed",
                      "Invalid id: \"%s\" (expecting \"pcx-...\")", id ? id : "");
        return NULL;
    }
    vs_pcx_obj_t *o = vs_pcx__visible(m, caller, id);
    if (!o)
        vs_awserr_set(err, "InvalidVpcPeeringConnectionID.NotFound",
                      "The vpcPeeringConnection ID '%s' does not exist", id);
    return o;
}

int vs_pcx__fill_vpc(const vs_model_t *m, const vs_vpc_t *vpc, vs_pcx_vpc_t *out)
{
    if (vs_pcx_vpc_set(out, vs_model_account(m), vs_model_region(m), vpc->base.id) != 0)
        return -1;
    for (size_t i = 0; i < vpc->nv4; i++)
        vs_pcx_vpc_add_cidr(out, &vpc->v4[i].cidr);
    for (size_t i = 0; i < vpc->nv6; i++)
        vs_pcx_vpc_add_cidr(out, &vpc->v6[i].cidr);
    return 0;
}

/* --- the per-VPC index ------------------------------------------------------ */

static vs_vpc_t *s_local_vpc(const vs_model_t *m, const char *vpc_id)
{
    vs_obj_t *o = vs_model__get(m, vpc_id);
    return o && o->kind == &vs_kind_vpc ? (vs_vpc_t *)o : NULL;
}

/* Lists o under v, whose connection o is, with the VPC at its other end
 * (v itself for a connection to itself). */
static void s_index_add(vs_vpc_t *v, vs_pcx_obj_t *o, const char *other_vpc)
{
    if (!v || !v->pcx_listed)
        return;
    vs_pcx_obj_t **list = realloc(v->pcx, (v->npcx + 1) * sizeof *list);
    if (list)
        v->pcx = list;
    uint64_t *peer = list ? realloc(v->pcx_peer, (v->npcx + 1) * sizeof *peer) : NULL;
    if (peer)
        v->pcx_peer = peer;
    if (!peer) {
        v->pcx_listed = false;     /* out of memory: rebuilt on next use */
        return;
    }
    v->pcx[v->npcx] = o;
    v->pcx_peer[v->npcx] = vs_idmap_hash(other_vpc);
    v->npcx++;
}

static void s_index_remove(vs_vpc_t *v, const vs_pcx_obj_t *o)
{
    for (size_t i = 0; v && i < v->npcx; i++)
        if (v->pcx[i] == o) {
            size_t n = v->npcx;
            vs__erase(v->pcx, &n, sizeof v->pcx[0], i);
            vs__erase(v->pcx_peer, &v->npcx, sizeof v->pcx_peer[0], i);
            return;
        }
}

void vs_pcx__vpc_created(vs_model_t *m, vs_vpc_t *vpc)
{
    (void)m;
    if (!vpc->pcx_listed) {
        vpc->npcx = 0;
        vpc->pcx_listed = true;
    }
}

/* Lists every local VPC's connections in one pass over the connections, so
 * that the first uses after loading cost O(VPCs + connections), not a scan
 * of every connection per VPC. */
static void s_index_all(const vs_model_t *m)
{
    for (vs_obj_t *v = vs_model__first(m, &vs_kind_vpc); v; v = vs_model__next(v, &vs_kind_vpc)) {
        ((vs_vpc_t *)v)->npcx = 0;
        ((vs_vpc_t *)v)->pcx_listed = true;
    }
    for (vs_pcx_obj_t *o = vs_pcx__first(m); o; o = vs_pcx__next(o)) {
        vs_vpc_t *req = s_local_vpc(m, o->rec.requester.vpc_id);
        vs_vpc_t *acc = s_local_vpc(m, o->rec.accepter.vpc_id);
        s_index_add(req, o, o->rec.accepter.vpc_id);
        if (acc != req)
            s_index_add(acc, o, o->rec.requester.vpc_id);
    }
}

size_t vs_pcx__of_vpc_keyed(const vs_model_t *m, const char *vpc_id, vs_pcx_obj_t *const **out,
                            const uint64_t **peer_keys)
{
    vs_vpc_t *v = s_local_vpc(m, vpc_id);
    *out = NULL;
    *peer_keys = NULL;
    if (!v)
        return 0;
    if (!v->pcx_listed) {
        /* First use since start-up: one pass, then incremental upkeep. */
        s_index_all(m);
        if (!v->pcx_listed)
            return 0;
    }
    *out = v->pcx;
    *peer_keys = v->pcx_peer;
    return v->npcx;
}

size_t vs_pcx__of_vpc(const vs_model_t *m, const char *vpc_id, vs_pcx_obj_t *const **out)
{
    const uint64_t *keys;
    return vs_pcx__of_vpc_keyed(m, vpc_id, out, &keys);
}

/* --- the outstanding-requests count ------------------------------------------- */

static bool s_outstanding(const vs_pcx_obj_t *o)
{
    return vs_pcx_obj_is_home(o) && (o->rec.state == VS_PCX_INITIATING_REQUEST ||
                                     o->rec.state == VS_PCX_PENDING_ACCEPTANCE);
}

size_t vs_pcx__outstanding(const vs_model_t *m)
{
    int64_t *n = vs_model__counter(m, VS_COUNTER_PCX_OUTSTANDING);
    if (*n < 0) {
        /* First use since start-up: count once. */
        *n = 0;
        for (vs_pcx_obj_t *o = vs_pcx__first(m); o; o = vs_pcx__next(o)) {
            o->counted_outstanding = s_outstanding(o);
            *n += o->counted_outstanding;
        }
    }
    return (size_t)*n;
}

void vs_pcx__recount(vs_model_t *m, vs_pcx_obj_t *o)
{
    int64_t *n = vs_model__counter(m, VS_COUNTER_PCX_OUTSTANDING);
    bool now = s_outstanding(o) && !o->hidden;
    if (*n >= 0 && now != o->counted_outstanding)
        *n += now ? 1 : -1;
    o->counted_outstanding = now;
}

vs_pcx_obj_t *vs_pcx__create(vs_model_t *m, const vs_pcx_t *rec, vs_pcx_side_t side)
{
    vs_pcx_obj_t *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->rec = *rec;
    o->side = side;
    if (vs_model__add(m, &o->base, &vs_kind_pcx, rec->id) != 0) {
        free(o);
        return NULL;
    }
    s_index_add(s_local_vpc(m, rec->requester.vpc_id), o, rec->accepter.vpc_id);
    if (strcmp(rec->requester.vpc_id, rec->accepter.vpc_id) != 0)
        s_index_add(s_local_vpc(m, rec->accepter.vpc_id), o, rec->requester.vpc_id);
    vs_pcx__recount(m, o);
    return o;
}

/* --- pending operations ------------------------------------------------------- */

vs_pcx_op_t *vs_pcx__op_add(vs_model_t *m, vs_pcx_obj_t *o, vs_pcx_action_t action)
{
    if (o->nops == VS_PCX_MAX_PENDING_OPS) {
        /* The oldest call has certainly timed out on its client by now. */
        memmove(&o->ops[0], &o->ops[1], (VS_PCX_MAX_PENDING_OPS - 1) * sizeof o->ops[0]);
        o->nops--;
    }
    vs_pcx_op_t *op = &o->ops[o->nops++];
    memset(op, 0, sizeof *op);
    op->op_id = vs_rng_next(vs_model__rng(m)) | 1;
    op->token = vs_model__token(m);
    op->action = action;
    return op;
}

bool vs_pcx__op_take(vs_pcx_obj_t *o, uint64_t op_id, vs_pcx_op_t *out)
{
    for (size_t i = 0; i < o->nops; i++) {
        if (o->ops[i].op_id == op_id) {
            *out = o->ops[i];
            memmove(&o->ops[i], &o->ops[i + 1], (o->nops - i - 1) * sizeof o->ops[0]);
            o->nops--;
            return true;
        }
    }
    return false;
}

/* --- timers ------------------------------------------------------------------ */


void vs_pcx__arm_timers(vs_model_t *m, vs_pcx_obj_t *o)
{
    /* The kinds and the object in hand: each is looked up once here, not
     * in every cancel and arm (this runs on every transition). */
    const vs_timer_kind_t *event = vs_model__timer_kind(m, VS_PCX_T_EVENT);
    const vs_timer_kind_t *purge = vs_model__timer_kind(m, VS_PCX_T_PURGE);
    if (event)     /* (a NULL kind would cancel every timer of o) */
        vs_model__timer_cancel_obj(m, event, &o->base);
    if (purge)
        vs_model__timer_cancel_obj(m, purge, &o->base);
    vs_pcx_action_t ev;
    uint64_t at;
    if (vs_pcx_obj_is_home(o) && vs_pcx_next_event(&o->rec, &ev, &at))
        vs_model__timer_arm_obj(m, event, &o->base, at);
    if (!vs_pcx_state_is_terminal(o->rec.state)) {
        /* A live view hidden because its home forgot the pcx (Gone): a
         * tombstone from now, against a duplicate of the late Request. */
        if (o->hidden)
            vs_model__timer_arm_obj(m, purge, &o->base, vs_model__now(m) + VS_PCX_TOMBSTONE_MS);
        return;
    }
    uint64_t until = vs_pcx_visible_until(&o->rec, o->side);
    /* A view that was never visible (a failed request on the accepter side:
     * until 0) keeps its tombstone 7 days from when it failed, not from the
     * epoch, or a late record could bring it back at once. */
    if (o->hidden)
        until = (until == UINT64_MAX ? vs_model__now(m)
                 : until < o->rec.state_entered_ms ? o->rec.state_entered_ms : until) +
                VS_PCX_TOMBSTONE_MS;
    vs_model__timer_arm_obj(m, purge, &o->base, until);
}

void vs_pcx__purge(vs_model_t *m, vs_pcx_obj_t *o)
{
    vs_pcx__recount(m, o);         /* leaves the count, if it was in it */
    s_index_remove(s_local_vpc(m, o->rec.requester.vpc_id), o);
    s_index_remove(s_local_vpc(m, o->rec.accepter.vpc_id), o);
    vs_model__remove(m, &o->base);
}

/* --- replication -------------------------------------------------------------- */

bool vs_pcx__replica_apply(vs_model_t *m, vs_pcx_obj_t *o, const vs_pcx_t *rec)
{
    if (rec->version <= o->rec.version && !vs_model__cfg(m)->test_bug_stale_replica)
        return false;
    o->rec = *rec;
    if (rec->state != VS_PCX_PENDING_ACCEPTANCE && rec->state != VS_PCX_INITIATING_REQUEST)
        o->accept_inflight = false;
    vs_model__touch(m, &o->base);
    vs_pcx__arm_timers(m, o);
    vs_model__pcx_changed(m, o->rec.id);
    return true;
}
