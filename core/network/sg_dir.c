/* sg_dir: directories of peer VPCs' security groups, their snapshot
 * messages and DescribeSecurityGroupReferences (see sg_dir.h).
 *
 *   either way   SgDir {Pcx, Vpc, Ver, Groups: [{Id, Name}], Refs: [sg-...]}
 *
 * Vpc is the sender's VPC; Refs are groups of the receiver's VPC that the
 * sender's rules reference. Sent as peer.proto's SgDirMessage (sg_wire.h);
 * the older JSON form {"T":"SgDir",...} is still accepted.
 *
 * When: the accepter's agent sends its snapshot with its accept (the same
 * message as the Op, peer_bundle.h), the home its own with the State that
 * makes the connection active; then either side whenever a group or a rule
 * of its VPC changes. The accepter sends again at activation only if its
 * groups changed since the accept (or it restarted meanwhile): a snapshot
 * message and its turn on each side less per handshake. A snapshot is kept
 * only for a connection provisioning or active (one that came with an
 * accept the home refused is dropped).
 */
#include <stdio.h>
#include <string.h>

#include "params.h"
#include "pcx_model.h"
#include "sg_dir.h"
#include "sg_wire.h"

#define S_PREFIX "sgpeer"

/* --- the object ----------------------------------------------------------------- */

static int s_to_doc(const vs_model_t *m, const vs_obj_t *o, vs_json_t *doc)
{
    const vs_sgdir_t *d = (const vs_sgdir_t *)o;
    vs_json_set_str(doc, "Pcx", d->pcx_id);
    vs_json_set_str(doc, "VpcId", d->vpc_id);
    vs_json_set_str(doc, "PeerVpcId", d->peer_vpc);
    vs_json_set_str(doc, "PeerAccount", d->peer_account);
    vs_json_set_int(doc, "Version", (int64_t)d->version);
    vs_json_t *gs = vs_json_set(doc, "Groups", vs_json_array());
    for (size_t i = 0; i < d->ngroups; i++) {
        vs_json_t *g = vs_json_push(gs, vs_json_object());
        vs_json_set_str(g, "Id", d->groups[i].id);
        vs_json_set_str(g, "Name", d->groups[i].name);
        vs_json_set_bool(g, "Present", d->groups[i].present);
    }
    vs_json_t *rs = vs_json_set(doc, "Refs", vs_json_array());
    for (size_t i = 0; i < d->nrefs; i++)
        vs_json_push(rs, vs_json_str(d->refs[i]));
    return 0;
}

static vs_obj_t *s_from_doc(vs_model_t *m, const vs_json_t *doc)
{
    vs_sgdir_t *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    int64_t ver = vs_json_get_int(doc, "Version", -1);
    if (ver < 0 ||
        vs_sgdir__set_head(d, vs_json_get_str(doc, "Pcx"), vs_json_get_str(doc, "VpcId"),
                           vs_json_get_str(doc, "PeerVpcId"), vs_json_get_str(doc, "PeerAccount"),
                           (uint64_t)ver) != 0 ||
        vs_sgdir_json_lists(doc, true, &d->groups, &d->ngroups, &d->refs, &d->nrefs) != 0) {
        vs_sgdir__destroy(&d->base);
        return NULL;
    }
    return &d->base;
}

const vs_kind_t vs_kind_sgdir = {
    .prefix = S_PREFIX,
    .name = "SecurityGroupPeerDirectory",
    .to_doc = s_to_doc,
    .from_doc = s_from_doc,
    .to_bin = vs_sgdir__to_bin,
    .from_bin = vs_sgdir__from_bin,
    .destroy = vs_sgdir__destroy,
};

/* src into dst[cap]: both are fields of the same bound (an ID, a group
 * name), so it fits (else it is cut, as snprintf would); strlen + memcpy,
 * as snprintf costs ten times more, and snapshots go both ways on every
 * change of an active connection. */
static void s_set(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* "sgpeer-<hex>" for pcx "pcx-<hex>". */
static void s_id_for(const char *pcx_id, char out[VS_ID_LEN])
{
    const char *dash = strchr(pcx_id, '-');
    static const char prefix[] = S_PREFIX "-";
    /* As snprintf would, cut to fit, which costs ten times more (one per
     * snapshot received). */
    memcpy(out, prefix, sizeof prefix - 1);
    s_set(out + sizeof prefix - 1, VS_ID_LEN - (sizeof prefix - 1), dash ? dash + 1 : "");
}

const vs_sgdir_t *vs_sgdir__for_pcx(const vs_model_t *m, const char *pcx_id)
{
    char id[VS_ID_LEN];
    if (!pcx_id || !pcx_id[0])
        return NULL;
    s_id_for(pcx_id, id);
    const vs_obj_t *o = vs_model__get(m, id);
    return o && o->kind == &vs_kind_sgdir ? (const vs_sgdir_t *)o : NULL;
}

const vs_sgdir_group_t *vs_sgdir__group(const vs_sgdir_t *d, const char *group_id)
{
    for (size_t i = 0; d && i < d->ngroups; i++)
        if (!strcmp(d->groups[i].id, group_id))
            return &d->groups[i];
    return NULL;
}

const char *vs_sgdir__name(const vs_model_t *m, const char *peer_vpc, const char *group_id)
{
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_sgdir); o; o = vs_model__next(o, &vs_kind_sgdir)) {
        const vs_sgdir_t *d = (const vs_sgdir_t *)o;
        const vs_sgdir_group_t *g = strcmp(d->peer_vpc, peer_vpc) ? NULL : vs_sgdir__group(d, group_id);
        if (g)
            return g->name;
    }
    return NULL;
}

/* --- sending ------------------------------------------------------------------------ */

/* The end of p that is not vpc_id's, NULL if p does not involve vpc_id. */
static const vs_pcx_vpc_t *s_other(const vs_pcx_t *p, const char *vpc_id)
{
    if (!strcmp(p->requester.vpc_id, vpc_id))
        return &p->accepter;
    if (!strcmp(p->accepter.vpc_id, vpc_id))
        return &p->requester;
    return NULL;
}

/* The other end of o, if it needs our snapshots: same Region, in another
 * account (so held by another agent). */
static const vs_pcx_vpc_t *s_remote_end(const vs_model_t *m, const vs_pcx_obj_t *o,
                                        const char *vpc_id)
{
    const vs_pcx_vpc_t *other = s_other(&o->rec, vpc_id);
    if (!other || o->hidden || o->rec.inter_region || !strcmp(other->account, vs_model_account(m)))
        return NULL;
    return other;
}

/* The same, for an active connection. */
static const vs_pcx_vpc_t *s_remote_peer(const vs_model_t *m, const vs_pcx_obj_t *o,
                                         const char *vpc_id)
{
    return o->rec.state == VS_PCX_ACTIVE ? s_remote_end(m, o, vpc_id) : NULL;
}

/* Our VPC vpc_id, or NULL. */
static vs_vpc_t *s_our_vpc(const vs_model_t *m, const char *vpc_id)
{
    vs_obj_t *v = vs_model__get(m, vpc_id);
    return v && v->kind == &vs_kind_vpc ? (vs_vpc_t *)v : NULL;
}

static int s_add_ref(vs_sgdir_msg_t *msg, const char *id)
{
    for (size_t i = 0; i < msg->nrefs; i++)
        if (!strcmp(msg->refs[i], id))
            return 0;
    return vs__append((void **)&msg->refs, &msg->nrefs, sizeof *msg->refs, id);
}

/* The snapshot of vpc_id's groups for `to`, over o: its groups (from the
 * per-VPC index: the cost is this VPC's groups, not the model's) and those
 * of to's VPC that their rules reference. -1 on OOM. */
static int s_snapshot(const vs_model_t *m, const vs_pcx_obj_t *o, const char *vpc_id,
                      const vs_pcx_vpc_t *to, vs_sgdir_msg_t *msg)
{
    s_set(msg->pcx_id, sizeof msg->pcx_id, o->rec.id);
    s_set(msg->vpc_id, sizeof msg->vpc_id, vpc_id);
    msg->ver = vs_model__now(m);
    vs_sg_t *const *gl;
    size_t ng = vs_sg__of_vpc(m, vpc_id, &gl);
    if (ng && !(msg->groups = calloc(ng, sizeof *msg->groups)))
        return -1;
    for (size_t k = 0; k < ng; k++) {
        const vs_sg_t *g = gl[k];
        vs_sgdir_group_t *e = &msg->groups[msg->ngroups++];
        s_set(e->id, sizeof e->id, g->base.id);
        s_set(e->name, sizeof e->name, g->name);
        e->present = true;
        for (size_t i = 0; i < g->nin + g->nout; i++) {
            const vs_sg_rule_t *r = i < g->nin ? &g->in[i] : &g->out[i - g->nin];
            if (r->peer == VS_SG_PEER_GROUP && !strcmp(r->vpc_id, to->vpc_id) &&
                s_add_ref(msg, r->group_id) != 0)
                return -1;
        }
    }
    return 0;
}

static void s_send(vs_model_t *m, const vs_pcx_obj_t *o, const char *vpc_id,
                   const vs_pcx_vpc_t *to)
{
    vs_sgdir_msg_t msg = { 0 };
    char arn[VS_ARN_LEN];
    const char *part = vs_region_partition(to->region);
    /* A VPC of a few groups fits the stack buffer: one encoding pass. */
    uint8_t small[4096], *buf = small;
    long n = s_snapshot(m, o, vpc_id, to, &msg) == 0
                 ? vs_sgdir_wire_encode(&msg, small, sizeof small)
                 : -1;
    if (n > (long)sizeof small) {
        buf = malloc((size_t)n);
        if (!buf || vs_sgdir_wire_encode(&msg, buf, (size_t)n) != n)
            n = -1;
    }
    if (n > 0 && vs_arn_format(arn, sizeof arn, part ? part : "aws", to->region, to->account,
                               "vpc", to->vpc_id) > 0)
        vs_model__emit_peer_bundled(m, arn, to->account, to->region, buf, (size_t)n);
    if (buf != small)
        free(buf);
    vs_sgdir_msg_clear(&msg);
}

void vs_sgdir__vpc_changed(vs_model_t *m, const char *vpc_id)
{
    vs_vpc_t *v = s_our_vpc(m, vpc_id);
    if (v)
        v->sg_gen++;     /* a snapshot sent with an accept is stale now */
    for (const vs_pcx_obj_t *o = vs_pcx__first(m); o; o = vs_pcx__next(o)) {
        const vs_pcx_vpc_t *to = s_remote_peer(m, o, vpc_id);
        if (to)
            s_send(m, o, vpc_id, to);
    }
}

/* A connection changed; once active, each end sends its snapshot, but the
 * accepter's went with its accept if its groups have not changed since. */
static void s_pcx_changed(vs_model_t *m, const char *pcx_id)
{
    vs_pcx_obj_t *o = vs_pcx__get(m, pcx_id);
    if (!o)
        return;
    const char *ends[2] = { o->rec.requester.vpc_id, o->rec.accepter.vpc_id };
    for (int i = 0; i < 2; i++) {
        /* The cheap test first: most changes are not to active, and then
         * the end's VPC need not be looked up at all. */
        const vs_pcx_vpc_t *to = s_remote_peer(m, o, ends[i]);
        vs_vpc_t *v = to ? s_our_vpc(m, ends[i]) : NULL;
        if (!v)
            continue;
        bool current = o->sgdir_sent && o->sgdir_gen == v->sg_gen;
        o->sgdir_sent = false;
        if (!current)
            s_send(m, o, ends[i], to);
    }
}

/* A replica forwarded an accept: our snapshot joins the Op's message, so
 * that the home holds it when the connection becomes active. */
static void s_pcx_accepting(vs_model_t *m, const char *pcx_id)
{
    vs_pcx_obj_t *o = vs_pcx__get(m, pcx_id);
    const char *vpc_id = o ? o->rec.accepter.vpc_id : NULL;
    const vs_pcx_vpc_t *to = o ? s_remote_end(m, o, vpc_id) : NULL;
    vs_vpc_t *v = to ? s_our_vpc(m, vpc_id) : NULL;
    if (!v)
        return;
    s_send(m, o, vpc_id, to);
    o->sgdir_sent = true;
    o->sgdir_gen = v->sg_gen;
}

/* --- receiving ------------------------------------------------------------------------ */

/* A checked snapshot (sg_wire.c did the bounds and formats); takes its
 * lists. 1 handled, -1 refused. */
static int s_on_snapshot(vs_model_t *m, const char *from_account, const char *from_region,
                         vs_sgdir_msg_t *msg)
{
    const char *pcx_id = msg->pcx_id, *vpc = msg->vpc_id;
    const vs_pcx_obj_t *o = vs_pcx__get(m, pcx_id);
    if (!o)
        return 1;    /* a connection we no longer hold: nothing to update */
    /* Believe it only from the agent at the other end of that connection. */
    const vs_pcx_t *p = &o->rec;
    const vs_pcx_vpc_t *from = !strcmp(p->requester.vpc_id, vpc) ? &p->requester
                             : !strcmp(p->accepter.vpc_id, vpc) ? &p->accepter : NULL;
    const vs_pcx_vpc_t *mine = from ? s_other(p, vpc) : NULL;
    if (!from || strcmp(from->account, from_account) || strcmp(from->region, from_region) ||
        !s_our_vpc(m, mine->vpc_id))
        return -1;
    if (p->state != VS_PCX_PROVISIONING && p->state != VS_PCX_ACTIVE)
        return 1;    /* not accepted (yet, or ever), or gone: nothing to keep */
    vs_sgdir_t next = { .version = msg->ver, .groups = msg->groups, .ngroups = msg->ngroups,
                        .refs = msg->refs, .nrefs = msg->nrefs };
    msg->groups = NULL;
    msg->refs = NULL;
    msg->ngroups = msg->nrefs = 0;
    vs_sgdir_t *d = (vs_sgdir_t *)vs_sgdir__for_pcx(m, pcx_id);
    if (d && d->version > next.version) {
        free(next.groups);
        free(next.refs);
        return 1;    /* an older snapshot arriving late */
    }
    if (!d) {
        char id[VS_ID_LEN];
        s_id_for(pcx_id, id);
        d = calloc(1, sizeof *d);
        if (!d || vs_model__add(m, &d->base, &vs_kind_sgdir, id) != 0) {
            free(d);
            free(next.groups);
            free(next.refs);
            return 1;
        }
        s_set(d->pcx_id, sizeof d->pcx_id, pcx_id);
        s_set(d->vpc_id, sizeof d->vpc_id, mine->vpc_id);
        s_set(d->peer_vpc, sizeof d->peer_vpc, from->vpc_id);
        s_set(d->peer_account, sizeof d->peer_account, from->account);
    }
    /* Groups that went away stay, not present, for their names. */
    for (size_t i = 0; i < d->ngroups; i++)
        if (!vs_sgdir__group(&next, d->groups[i].id)) {
            vs_sgdir_group_t gone = d->groups[i];
            gone.present = false;
            if (VS_APPEND(next.groups, next.ngroups, &gone) != 0)
                break;
        }
    free(d->groups);
    free(d->refs);
    d->groups = next.groups;
    d->ngroups = next.ngroups;
    d->refs = next.refs;
    d->nrefs = next.nrefs;
    d->version = next.version;
    vs_model__touch(m, &d->base);
    return 1;
}

static int s_on_peer(vs_model_t *m, const char *from_account, const char *from_region,
                     const uint8_t *payload, size_t len)
{
    vs_sgdir_msg_t msg = { 0 };
    int rc = 0;
    if (!from_account || !from_region) {
        rc = 0;
    } else if (vs_sgdir_wire_is_typed(payload, len)) {
        /* Ours by its first byte (peer.proto): refused if it fails a check. */
        rc = vs_sgdir_wire_decode(payload, len, &msg) == 0
                 ? s_on_snapshot(m, from_account, from_region, &msg)
                 : -1;
    } else {
        /* The older JSON form: ours only if T is SgDir. */
        vs_json_t *j = vs_json_parse((const char *)payload, len, NULL, 0);
        const char *t = j ? vs_json_get_str(j, "T") : NULL;
        if (t && !strcmp(t, "SgDir"))
            rc = vs_sgdir_msgjson_read(j, &msg) == 0
                     ? s_on_snapshot(m, from_account, from_region, &msg)
                     : -1;
        vs_json_free(&j);
    }
    vs_sgdir_msg_clear(&msg);
    return rc;
}

/* A VPC's directories go with it. */
static void s_vpc_deleting(vs_model_t *m, vs_vpc_t *vpc)
{
    vs_obj_t *next;
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_sgdir); o; o = next) {
        next = vs_model__next(o, &vs_kind_sgdir);
        if (!strcmp(((vs_sgdir_t *)o)->vpc_id, vpc->base.id))
            vs_model__remove(m, o);
    }
}

/* --- DescribeSecurityGroupReferences --------------------------------------------------- */

static void s_ref_out(vs_json_t *list, const char *group, const char *vpc, const char *pcx)
{
    for (size_t i = 0; i < vs_json_len(list); i++) {
        const vs_json_t *e = vs_json_at(list, i);
        if (!strcmp(vs_json_get_str(e, "GroupId"), group) &&
            !strcmp(vs_json_get_str(e, "ReferencingVpcId"), vpc))
            return;
    }
    vs_json_t *e = vs_json_push(list, vs_json_object());
    vs_json_set_str(e, "GroupId", group);
    vs_json_set_str(e, "ReferencingVpcId", vpc);
    vs_json_set_str(e, "VpcPeeringConnectionId", pcx);
}

/* The peer VPCs, across active connections, whose rules reference g:
 * another account's (from its directory) or our own (held here). */
static void s_refs_of(const vs_model_t *m, const vs_sg_t *g, vs_json_t *list)
{
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_sgdir); o; o = vs_model__next(o, &vs_kind_sgdir)) {
        const vs_sgdir_t *d = (const vs_sgdir_t *)o;
        const vs_pcx_obj_t *p = vs_pcx__get(m, d->pcx_id);
        if (strcmp(d->vpc_id, g->vpc_id) || !p || p->hidden || p->rec.state != VS_PCX_ACTIVE)
            continue;
        for (size_t i = 0; i < d->nrefs; i++)
            if (!strcmp(d->refs[i], g->base.id))
                s_ref_out(list, g->base.id, d->peer_vpc, d->pcx_id);
    }
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_sg); o; o = vs_model__next(o, &vs_kind_sg)) {
        const vs_sg_t *h = (const vs_sg_t *)o;
        if (!strcmp(h->vpc_id, g->vpc_id))
            continue;
        const char *pcx = vs_sg__active_pcx(m, g->vpc_id, h->vpc_id);
        for (size_t i = 0; pcx && i < h->nin + h->nout; i++) {
            const vs_sg_rule_t *r = i < h->nin ? &h->in[i] : &h->out[i - h->nin];
            if (r->peer == VS_SG_PEER_GROUP && !strcmp(r->group_id, g->base.id))
                s_ref_out(list, g->base.id, h->vpc_id, pcx);
        }
    }
}

static int s_describe_refs(vs_model_t *m, const char *caller, const vs_json_t *in,
                           vs_json_t **out, vs_awserr_t *err)
{
    const vs_json_t *ids;
    if (vs_param_strlist(in, "GroupId", true, &ids, err) != 0)
        return -1;
    for (size_t i = 0; i < vs_json_len(ids); i++)
        if (!vs_model__resolve(m, caller, &vs_kind_sg, vs_json_as_str(vs_json_at(ids, i)), err))
            return -1;
    vs_json_t *list = vs_json_array();
    for (size_t i = 0; i < vs_json_len(ids); i++)
        s_refs_of(m, vs_sg__get(m, vs_json_as_str(vs_json_at(ids, i))), list);
    *out = vs_json_object();
    vs_json_set(*out, "SecurityGroupReferenceSet", list);
    return 0;
}

static const vs_action_t s_actions[] = {
    { "DescribeSecurityGroupReferences", s_describe_refs },
    { NULL, NULL }
};

static const vs_kind_t *const s_kinds[] = { &vs_kind_sgdir, NULL };

const vs_module_t vs_module_sgdir = {
    .name = "sgdir",
    .actions = s_actions,
    .kinds = s_kinds,
    .vpc_deleting = s_vpc_deleting,
    .pcx_changed = s_pcx_changed,
    .pcx_accepting = s_pcx_accepting,
    .on_peer = s_on_peer,
};
