/* ec2_pcx: the six VPC peering API actions. Decisions about a pcx are made
 * by its home (the requester's agent, pcx_proto.c); here the caller's view
 * is checked, and calls that only the home can decide are forwarded to it
 * and answered later (VS_ACTION_DEFER). */
#include <stdio.h>

#include "idmap.h"
#include "page.h"
#include "params.h"
#include "pcx_filter.h"
#include "pcx_model.h"

static int s_internal(vs_awserr_t *err)
{
    return vs_awserr_set(err, "InternalError", "An internal error has occurred");
}

/* The existing non-terminal pcx from this requester VPC to that accepter
 * VPC (same direction), if any: CreateVpcPeeringConnection returns it. */
static vs_pcx_obj_t *s_same_direction(const vs_model_t *m, const char *vpc_id,
                                      const vs_pcx_vpc_t *acc)
{
    vs_pcx_obj_t *const *list;
    const uint64_t *peer;
    size_t n = vs_pcx__of_vpc_keyed(m, vpc_id, &list, &peer);
    uint64_t acc_key = vs_idmap_hash(acc->vpc_id);
    for (size_t i = 0; i < n; i++) {
        if (peer[i] != acc_key)
            continue;       /* not to that VPC: no need to read it */
        vs_pcx_obj_t *o = list[i];
        const vs_pcx_t *r = &o->rec;
        if (o->hidden || !vs_pcx_obj_is_home(o) || !vs_pcx__live(o) ||
            r->state == VS_PCX_DELETING)
            continue;
        if (!strcmp(r->requester.vpc_id, vpc_id) && !strcmp(r->accepter.vpc_id, acc->vpc_id) &&
            !strcmp(r->accepter.account, acc->account) && !strcmp(r->accepter.region, acc->region))
            return o;
    }
    return NULL;
}

static int s_create(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                    vs_awserr_t *err)
{
    const char *vpc_id, *peer_vpc, *peer_owner, *peer_region;
    if (vs_param_str(in, "VpcId", true, &vpc_id, err) != 0 ||
        vs_param_str(in, "PeerVpcId", true, &peer_vpc, err) != 0 ||
        vs_param_str(in, "PeerOwnerId", false, &peer_owner, err) != 0 ||
        vs_param_str(in, "PeerRegion", false, &peer_region, err) != 0)
        return -1;
    vs_vpc_t *vpc = vs_model__resolve(m, caller, &vs_kind_vpc, vpc_id, err);
    if (!vpc)
        return -1;
    if (!vs_id_valid(peer_vpc, "vpc"))
        return vs_model__err_malformed(err, "vpc", peer_vpc);
    if (!peer_owner)
        peer_owner = vs_model_account(m);
    if (!peer_region)
        peer_region = vs_model_region(m);
    if (!vs_account_valid(peer_owner))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%s) for parameter peerOwnerId is invalid. "
                             "Expected a 12-digit AWS account ID.", peer_owner);
    if (!vs_region_known(peer_region))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%s) for parameter peerRegion is invalid. "
                             "The Region does not exist.", peer_region);
    bool local = !strcmp(peer_owner, vs_model_account(m)) &&
                 !strcmp(peer_region, vs_model_region(m));
    const vs_vpc_t *peer = NULL;
    if (local) {
        /* Same account and Region: EC2 looks the peer up at once. */
        if (!strcmp(peer_vpc, vpc_id))
            return vs_awserr_set(err, "InvalidParameterValue",
                                 "Invalid value '%s' for peerVpcId. Both vpcId and peerVpcId "
                                 "values must be different.", peer_vpc);
        peer = vs_model__resolve(m, caller, &vs_kind_vpc, peer_vpc, err);
        if (!peer)
            return -1;
    }
    vs_tags_t tags = { 0 };
    if (vs_tags_from_specs(in, "vpc-peering-connection", &tags, err) != 0)
        return -1;

    vs_pcx_vpc_t req, acc;
    if (vs_pcx__fill_vpc(m, vpc, &req) != 0 ||
        (peer ? vs_pcx__fill_vpc(m, peer, &acc)
              : vs_pcx_vpc_set(&acc, peer_owner, peer_region, peer_vpc)) != 0) {
        vs_tags_free(&tags);
        return s_internal(err);
    }
    vs_pcx_obj_t *dup = s_same_direction(m, vpc_id, &acc);
    const vs_model_config_t *cfg = vs_model__cfg(m);
    int rc = 0;
    if (!dup && vs_pcx__outstanding(m) >= (size_t)cfg->max_outstanding_pcx)
        rc = vs_awserr_set(err, "OutstandingVpcPeeringConnectionLimitExceeded",
                           "You've reached the limit on the number of VPC peering connection "
                           "requests that you can create for the specified VPC.");
    if (rc == 0)
        rc = vs_model__dry_run_check(m, err);
    if (rc != 0) {
        vs_tags_free(&tags);
        return -1;
    }
    if (dup) {
        /* AWS answers a same-direction duplicate with the existing pcx. */
        vs_tags_free(&tags);
        vs_model__output_text(m, vs_pcx__wrap_text(&dup->rec, &dup->base.tags));
        return 0;
    }

    char id[VS_ID_LEN], why[160];
    vs_pcx_t rec;
    vs_model__new_id(m, "pcx", id);
    if (vs_pcx_init(&rec, id, &req, &acc, vs_model__now(m), why, sizeof why) != 0) {
        vs_tags_free(&tags);
        return s_internal(err);
    }
    vs_pcx_obj_t *o = vs_pcx__create(m, &rec, local ? VS_PCX_SIDE_BOTH : VS_PCX_SIDE_REQUESTER);
    if (!o) {
        vs_tags_free(&tags);
        return s_internal(err);
    }
    vs_tags_apply(&o->base.tags, &tags);
    vs_tags_free(&tags);
    vs_pcx__arm_timers(m, o);
    vs_model__output_text(m, vs_pcx__wrap_text(&o->rec, &o->base.tags));
    /* The answer shows initiating-request; validation happens after it. */
    if (local || !vs_pcx_regions_peerable(vs_model_region(m), peer_region,
                                          cfg->modern_rules, NULL, 0))
        vs_pcx__schedule_validate(m, o);
    else
        vs_pcx__send_request(m, o);
    return 0;
}

/* The id parameter and the caller's view of it. */
static vs_pcx_obj_t *s_view(vs_model_t *m, const char *caller, const vs_json_t *in,
                            vs_awserr_t *err)
{
    const char *id;
    if (vs_param_str(in, "VpcPeeringConnectionId", true, &id, err) != 0)
        return NULL;
    return vs_pcx__resolve(m, caller, id, err);
}

/* What the caller may do, from the caller's (possibly older) view. An
 * error from a terminal view is final; otherwise the home decides. */
static int s_precheck(const vs_model_t *m, const vs_pcx_obj_t *o, const char *caller,
                      vs_pcx_action_t action, vs_awserr_t *err)
{
    vs_pcx_actor_t actor = vs_pcx_fsm_actor(&o->rec, caller, vs_model_region(m));
    vs_pcx_fsm_ctx_t ctx = { .pcx_id = o->rec.id, .caller_account = caller,
                             .caller_region = vs_model_region(m),
                             .accepter_region = o->rec.accepter.region };
    vs_pcx_state_t next;
    int rc = vs_pcx_fsm_step(o->rec.state, actor, action, o->rec.inter_region, &ctx, &next, err);
    /* A replica's live view may be behind the home (the requester deleted
     * it a moment ago): its error would describe a past state, so the
     * home decides (found by `vpcsim simulate`). But an error no state
     * would lift (who the caller is) stays: checks made after this one
     * (DNS hostnames, quotas) must not answer in its place. */
    if (rc != 0 && !vs_pcx_obj_is_home(o) && !vs_pcx_state_is_terminal(o->rec.state)) {
        vs_pcx_state_t best = action == VS_PCX_ACT_ACCEPT || action == VS_PCX_ACT_REJECT
                                  ? VS_PCX_PENDING_ACCEPTANCE : VS_PCX_ACTIVE;
        vs_awserr_t ignored;
        if (vs_pcx_fsm_step(best, actor, action, o->rec.inter_region, &ctx, &next,
                            &ignored) == 0)
            return 0;
    }
    return rc;
}

/* Accept, reject or delete: decided here if we are the home, else
 * forwarded to the home. */
static int s_lifecycle(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                       vs_awserr_t *err, vs_pcx_action_t action)
{
    vs_pcx_obj_t *o = s_view(m, caller, in, err);
    if (!o || s_precheck(m, o, caller, action, err) != 0)
        return -1;
    if (action == VS_PCX_ACT_ACCEPT && !vs_pcx_obj_is_home(o) &&
        vs_pcx__active_of(m, o->rec.accepter.vpc_id) >= (size_t)vs_model__cfg(m)->max_active_pcx_per_vpc)
        return vs_awserr_set(err, "ActiveVpcPeeringConnectionPerVpcLimitExceeded",
                             "You've reached the limit on the number of active VPC peering "
                             "connections you can have for the specified VPC.");
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    if (vs_pcx_obj_is_home(o)) {
        if (vs_pcx__home_act(m, o, caller, vs_model_region(m), action, NULL, NULL, err) != 0)
            return -1;
        if (action == VS_PCX_ACT_ACCEPT)
            vs_model__output_text(m, vs_pcx__wrap_text(&o->rec, &o->base.tags));
        else
            *out = vs_pcx__return_true();
        return 0;
    }
    vs_pcx_op_t *op = vs_pcx__op_add(m, o, action);
    if (action == VS_PCX_ACT_ACCEPT) {
        /* Until the home decides, no CIDR that overlaps the requester may be
         * added to our VPC (pcx_hooks.c): accept must never make an
         * overlapping connection active. */
        o->accept_inflight = true;
        vs_model__touch(m, &o->base);
    }
    vs_pcx__send_op(m, o, op, NULL, NULL);
    if (action == VS_PCX_ACT_ACCEPT)
        vs_model__pcx_accepting(m, o->rec.id);   /* our groups go with the Op (sg_dir.c) */
    return VS_ACTION_DEFER;
}

static int s_accept(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                    vs_awserr_t *err)
{
    return s_lifecycle(m, caller, in, out, err, VS_PCX_ACT_ACCEPT);
}

static int s_reject(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                    vs_awserr_t *err)
{
    return s_lifecycle(m, caller, in, out, err, VS_PCX_ACT_REJECT);
}

static int s_delete(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                    vs_awserr_t *err)
{
    return s_lifecycle(m, caller, in, out, err, VS_PCX_ACT_DELETE);
}

/* --- DescribeVpcPeeringConnections ------------------------------------------ */

static int s_cmp_seq(const void *a, const void *b)
{
    uint64_t x = (*(vs_pcx_obj_t *const *)a)->base.seq, y = (*(vs_pcx_obj_t *const *)b)->base.seq;
    return x < y ? -1 : x > y;
}

/* The connections a describe considers, in creation order, each once: the
 * listed IDs that name one (looked up, then sorted), or every connection.
 * *out is malloc'd (caller frees; NULL when there are none). 0 or -1 (OOM). */
static int s_candidates(const vs_model_t *m, const vs_json_t *ids, vs_pcx_obj_t ***out,
                        size_t *n)
{
    size_t cap = 0;
    if (ids)
        cap = vs_json_len(ids);
    else
        for (vs_pcx_obj_t *o = vs_pcx__first(m); o; o = vs_pcx__next(o))
            cap++;
    *out = NULL;
    *n = 0;
    if (!cap)
        return 0;
    vs_pcx_obj_t **c = malloc(cap * sizeof *c);
    if (!c)
        return -1;
    size_t k = 0;
    if (ids) {
        for (size_t i = 0; i < cap; i++) {
            vs_obj_t *o = vs_model__get(m, vs_json_as_str(vs_json_at(ids, i)));
            if (o && o->kind == &vs_kind_pcx)
                c[k++] = (vs_pcx_obj_t *)o;
        }
        qsort(c, k, sizeof *c, s_cmp_seq);
        size_t u = 0;                 /* an ID listed twice is described once */
        for (size_t i = 0; i < k; i++)
            if (u == 0 || c[u - 1] != c[i])
                c[u++] = c[i];
        k = u;
    } else {
        for (vs_pcx_obj_t *o = vs_pcx__first(m); o; o = vs_pcx__next(o))
            c[k++] = o;
    }
    *out = c;
    *n = k;
    return 0;
}

static int s_describe(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                      vs_awserr_t *err)
{
    const vs_json_t *ids;
    const vs_json_t *filters = vs_json_get(in, "Filters");
    vs_page_t page;
    if (vs_param_strlist(in, "VpcPeeringConnectionIds", false, &ids, err) != 0 ||
        vs_page_parse(in, &page, err) != 0 ||
        (filters && vs_pcx_filter_check(filters, err) != 0))
        return -1;
    if (ids && vs_model__check_id_list(ids, "pcx", err) != 0)
        return -1;
    if (ids) {
        size_t n = vs_json_len(ids), nmiss = 0;
        const char **missing = calloc(n ? n : 1, sizeof *missing);
        if (!missing)
            return s_internal(err);
        for (size_t i = 0; i < n; i++) {
            const char *id = vs_json_as_str(vs_json_at(ids, i));
            if (!vs_pcx__visible(m, caller, id))
                missing[nmiss++] = id;
        }
        int rc = nmiss ? vs_model__err_notfound(err, "pcx", missing, nmiss) : 0;
        free(missing);
        if (rc)
            return -1;
    }
    /* The candidates in creation order: the listed connections looked up
     * by ID (how a user polls one connection: no scan of every connection
     * the agent holds), else all of them. */
    size_t ncand = 0;
    vs_pcx_obj_t **cand = NULL;
    if (vs_model__is_owner(m, caller) && s_candidates(m, ids, &cand, &ncand) != 0)
        return s_internal(err);
    /* Printed as it goes (vs_pcx__render_to), not built as a tree: a poll
     * of a thousand connections is the busiest call of a settling run. */
    vs_buf_t b = VS_BUF_INIT;
    size_t guess = ncand < page.max ? ncand : page.max;   /* ~600-900 bytes each */
    vs_buf_reserve(&b, 64 + 768 * (guess < 1024 ? guess : 1024));
    vs_buf_puts(&b, "{\"VpcPeeringConnections\":[");
    const vs_pcx_obj_t *resume = NULL;
    size_t taken = 0, printed = 0;
    for (size_t k = 0; k < ncand; k++) {
        vs_pcx_obj_t *o = cand[k];
        if (o->base.seq < page.start_seq || !vs_pcx__visible(m, caller, o->base.id))
            continue;
        if (filters) {
            vs_json_t *tags = vs_tags_to_json(&o->base.tags);
            int match = vs_pcx_filter_match(&o->rec, tags, filters, err);
            vs_json_free(&tags);
            if (match < 0) {
                vs_buf_release(&b);
                free(cand);
                return -1;
            }
            if (!match)
                continue;
        }
        if (taken == page.max) {
            resume = o;
            break;
        }
        /* One the tree path would not print either is left out. */
        size_t mark = b.len;
        if (printed)
            vs_buf_putc(&b, ',');
        if (vs_pcx__render_to(&b, &o->rec, &o->base.tags) == 0) {
            printed++;
        } else if (!b.oom) {
            b.len = mark;
            b.s[mark] = '\0';
        }
        taken++;
    }
    free(cand);
    vs_buf_putc(&b, ']');
    if (resume) {
        char tok[VS_PAGE_TOKEN_LEN];
        vs_page_token(resume->base.seq, tok);
        vs_buf_puts(&b, ",\"NextToken\":");
        vs_json_put_str(&b, tok, strlen(tok));
    }
    vs_buf_putc(&b, '}');
    vs_model__output_text(m, vs_buf_take(&b));
    return 0;
}

/* --- ModifyVpcPeeringConnectionOptions ----------------------------------------- */

/* Reads one side's options request onto `opts` (starting from the current
 * ones). *present: the side was named; *classic: a ClassicLink flag was. */
static int s_parse_opts(const vs_json_t *in, const char *key, vs_pcx_options_t *opts,
                        bool *present, bool *classic, bool *dns_on, vs_awserr_t *err)
{
    const vs_json_t *o = vs_json_get(in, key);
    *present = false;
    if (!o || vs_json_type(o) == VS_JSON_NULL)
        return 0;
    if (vs_json_type(o) != VS_JSON_OBJECT)
        return vs_param_invalid(err, key);
    *present = true;
    bool *fields[3] = { &opts->allow_dns_resolution_from_remote_vpc,
                        &opts->allow_egress_from_local_classic_link_to_remote_vpc,
                        &opts->allow_egress_from_local_vpc_to_remote_classic_link };
    for (int i = 0; i < 3; i++) {
        if (!vs_json_get(o, vs_pcx__opt_names[i]))
            continue;
        if (vs_param_bool(o, vs_pcx__opt_names[i], fields[i], err) != 0)
            return -1;
        if (i > 0)
            *classic = true;
        else if (*fields[0])
            *dns_on = true;
    }
    return 0;
}

/* DNS resolution needs DNS support and hostnames on the VPCs. We check the
 * VPCs this agent owns; the other side's agent checks its own when it
 * modifies its side [INF: AWS checks both at once]. */
static bool s_local_dns_ok(const vs_model_t *m, const vs_pcx_obj_t *o)
{
    const char *ids[2] = { o->rec.requester.vpc_id, o->rec.accepter.vpc_id };
    for (int i = 0; i < 2; i++) {
        const vs_vpc_t *v = (const vs_vpc_t *)vs_model__get(m, ids[i]);
        if (v && v->base.kind == &vs_kind_vpc && (!v->dns_hostnames || !v->dns_support))
            return false;
    }
    return true;
}

static int s_modify(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                    vs_awserr_t *err)
{
    vs_pcx_obj_t *o = s_view(m, caller, in, err);
    if (!o)
        return -1;
    vs_pcx_options_t ro = o->rec.requester.options, ao = o->rec.accepter.options;
    bool has_r, has_a, classic = false, dns_on = false;
    if (s_parse_opts(in, "RequesterPeeringConnectionOptions", &ro, &has_r, &classic, &dns_on,
                     err) != 0 ||
        s_parse_opts(in, "AccepterPeeringConnectionOptions", &ao, &has_a, &classic, &dns_on,
                     err) != 0)
        return -1;
    if (!has_r && !has_a)
        return vs_awserr_set(err, "MissingParameter",
                             "The request must contain either accepterPeeringConnectionOptions "
                             "or requesterPeeringConnectionOptions");
    if ((has_r && s_precheck(m, o, caller, VS_PCX_ACT_MODIFY_REQUESTER_OPTIONS, err) != 0) ||
        (has_a && s_precheck(m, o, caller, VS_PCX_ACT_MODIFY_ACCEPTER_OPTIONS, err) != 0) ||
        vs_pcx_check_classic_link(o->rec.inter_region, classic, err) != 0 ||
        vs_pcx_check_dns_option(dns_on, s_local_dns_ok(m, o), err) != 0 ||
        vs_model__dry_run_check(m, err) != 0)
        return -1;
    if (vs_pcx_obj_is_home(o)) {
        if (vs_pcx__home_act(m, o, caller, vs_model_region(m),
                             has_r ? VS_PCX_ACT_MODIFY_REQUESTER_OPTIONS
                                   : VS_PCX_ACT_MODIFY_ACCEPTER_OPTIONS,
                             has_r ? &ro : NULL, has_a ? &ao : NULL, err) != 0)
            return -1;
        *out = vs_pcx__modify_output(o, has_r, has_a);
        return 0;
    }
    vs_pcx_op_t *op = vs_pcx__op_add(m, o, has_r ? VS_PCX_ACT_MODIFY_REQUESTER_OPTIONS
                                                 : VS_PCX_ACT_MODIFY_ACCEPTER_OPTIONS);
    op->modify_requester = has_r;
    op->modify_accepter = has_a;
    vs_pcx__send_op(m, o, op, has_r ? &ro : NULL, has_a ? &ao : NULL);
    return VS_ACTION_DEFER;
}

const vs_action_t vs_pcx_actions[] = {
    { "CreateVpcPeeringConnection", s_create },
    { "AcceptVpcPeeringConnection", s_accept },
    { "RejectVpcPeeringConnection", s_reject },
    { "DeleteVpcPeeringConnection", s_delete },
    { "DescribeVpcPeeringConnections", s_describe },
    { "ModifyVpcPeeringConnectionOptions", s_modify },
    { NULL, NULL },
};
