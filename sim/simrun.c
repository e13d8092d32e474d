/* simrun: the cluster and the workload of one schedule; the checks are in
 * simrun_check.c, what both read of the cluster in simrun_view.c. See
 * simrun.h. */
#include <inttypes.h>
#include <stdio.h>

#include "simrun_priv.h"

/* 2019-06-15T08:55:29Z, the seed document's request time. */
#define T0_MS 1560588929000ull
/* A client gives up on a call after this long (as the CLI's timeout). */
#define CLIENT_TIMEOUT_MS (30 * VS_SECOND_MS)
#define SETTLE_MS (30 * VS_MINUTE_MS)

static const char *const s_accounts[] = { "111111111111", "222222222222", "333333333333",
                                          "444444444444" };
static const char *const s_regions[] = { "us-east-1", "eu-west-1", "ap-northeast-1" };
/* Nobody runs an agent for this account: requests to it fail. */
#define NOBODY "999999999999"

void vs_simrun_defaults(vs_simrun_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->accounts = 3;
    o->regions = 2;
    o->vpcs_per_agent = 2;
    o->operations = 50;
    o->clients = 6;
    o->faults.drop = 0.02;
    o->faults.duplicate = 0.02;
    o->faults.delay_min_ms = 0;
    o->faults.delay_max_ms = 50;
    o->crash = 0.01;
}

static const char *s_acct(const sim_t *s, int agent)
{
    return agent >= 0 ? s_accounts[agent / s->o->regions] : NOBODY;
}

static const char *s_region(const sim_t *s, int agent)
{
    return agent >= 0 ? s_regions[agent % s->o->regions] : s_regions[0];
}

/* Any block of VPC a (as its agent holds it) overlaps any of b's. */
static bool s_vpcs_overlap(sim_t *s, size_t a, size_t b)
{
    const vs_vpc_t *va = vs_simrun__vpc(s, s->vpcs[a].agent, s->vpcs[a].id);
    const vs_vpc_t *vb = vs_simrun__vpc(s, s->vpcs[b].agent, s->vpcs[b].id);
    for (size_t i = 0; va && vb && i < va->nv4; i++)
        for (size_t j = 0; j < vb->nv4; j++)
            if (vs_cidr_overlaps(&va->v4[i].cidr, &vb->v4[j].cidr))
                return true;
    return false;
}

/* --- set-up ------------------------------------------------------------------------------ */

static int s_setup(sim_t *s)
{
    const vs_simrun_opts_t *o = s->o;
    vs_model_config_t cfg = { 0 };
    cfg.test_bug_stale_replica = o->planted_bug;
    for (int a = 0; a < o->accounts; a++)
        for (int r = 0; r < o->regions; r++)
            if (vs_simnet_add(s->net, s_accounts[a], s_regions[r], &cfg) < 0)
                return -1;
    int nagents = o->accounts * o->regions;
    for (int a = 0; a < nagents; a++) {
        for (int v = 0; v < o->vpcs_per_agent; v++) {
            size_t k = s->nvpc;
            sim_vpc_t *vp = &s->vpcs[k];
            vp->agent = a;
            /* Mostly a /16 of its own; sometimes a /20 inside another VPC's
             * /16, so that some pairs can never peer. */
            size_t cand[VS_SIMRUN_MAX_VPCS], nc = 0;
            for (size_t p = 0; p < k; p++)
                if (s->vpcs[p].own16)
                    cand[nc++] = p;
            char text[32];
            if (nc && vs_rng_unit(&s->rng) < 0.2) {
                size_t p = cand[vs_rng_below(&s->rng, nc)];
                snprintf(text, sizeof text, "10.%zu.%zu.0/20", 10 + p, 16 * k);
            } else {
                snprintf(text, sizeof text, "10.%zu.0.0/16", 10 + k);
                vp->own16 = true;
            }
            vs_cidr_parse(text, VS_CIDR_STRICT, &vp->primary);
            char in[64];
            snprintf(in, sizeof in, "{\"CidrBlock\": \"%s\"}", text);
            uint64_t call = vs_simnet_call(s->net, a, "CreateVpc", in);
            const vs_simnet_reply_t *rep = vs_simnet_reply(s->net, call);
            vs_json_t *out = rep && rep->state == VS_CALL_OK && rep->output_json
                                 ? vs_json_parse(rep->output_json, strlen(rep->output_json), NULL, 0)
                                 : NULL;
            const char *id = out ? vs_json_get_str(vs_json_get(out, "Vpc"), "VpcId") : NULL;
            if (id)
                snprintf(vp->id, sizeof vp->id, "%s", id);
            vs_json_free(&out);
            if (!id)
                return -1;
            s->nvpc++;
        }
    }
    return 0;
}

/* --- operations -------------------------------------------------------------------------- */

static sim_op_t *s_new_op(sim_t *s, vs_hop_kind_t kind)
{
    sim_op_t *n = realloc(s->ops, (s->nops + 1) * sizeof *n);
    if (!n)
        return NULL;
    s->ops = n;
    sim_op_t *op = &s->ops[s->nops++];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    op->pcx = op->vpc = -1;
    op->t_inv = vs_simnet_now(s->net);
    op->t_wire = vs_simnet_wire_now(s->net);
    return op;
}

static int s_find_pcx(const sim_t *s, const char *id)
{
    for (size_t i = 0; i < s->npcx; i++)
        if (!strcmp(s->pcx[i].id, id))
            return (int)i;
    return -1;
}

/* A create answered with pcx `id`: the pcx the driver tracks from now on. */
static int s_learn_pcx(sim_t *s, const sim_op_t *op, const char *id)
{
    int i = s_find_pcx(s, id);
    if (i >= 0)
        return i;
    sim_pcx_t *n = realloc(s->pcx, (s->npcx + 1) * sizeof *n);
    if (!n)
        return -1;
    s->pcx = n;
    sim_pcx_t *p = &s->pcx[s->npcx];
    memset(p, 0, sizeof *p);
    snprintf(p->id, sizeof p->id, "%s", id);
    p->req_vpc = op->vpc;
    p->req_agent = s->vpcs[op->vpc].agent;
    p->acc_agent = vs_simnet_find(s->net, op->acc_account, op->acc_region);
    snprintf(p->acc_vpc, sizeof p->acc_vpc, "%s", op->acc_vpc);
    p->created_ms = op->t_inv;
    vs_history_pcx(s->h, id, s_acct(s, p->req_agent), s_region(s, p->req_agent),
                   s->vpcs[op->vpc].id, op->acc_account, op->acc_region, op->acc_vpc, op->valid);
    return (int)s->npcx++;
}

/* The answer of op (its call's reply, or unknown), into the history. */
static void s_complete(sim_t *s, sim_op_t *op, const vs_simnet_reply_t *rep)
{
    vs_hout_t out = VS_HOUT_UNKNOWN;
    const char *value = NULL;
    vs_json_t *doc = NULL;
    if (rep && rep->state == VS_CALL_OK) {
        out = VS_HOUT_OK;
        doc = rep->output_json && rep->output_json[0]
                  ? vs_json_parse(rep->output_json, strlen(rep->output_json), NULL, 0) : NULL;
        const vs_json_t *pcx = doc ? vs_json_get(doc, "VpcPeeringConnection") : NULL;
        value = pcx ? vs_json_get_str(vs_json_get(pcx, "Status"), "Code") : NULL;
        const char *id = pcx ? vs_json_get_str(pcx, "VpcPeeringConnectionId") : NULL;
        if (op->kind == VS_HOP_CREATE && id) {
            bool known = s_find_pcx(s, id) >= 0;
            op->pcx = s_learn_pcx(s, op, id);
            op->new_pcx = !known;
            vs_history_set_pcx(s->h, op->hop, id);
        }
        s->r->acknowledged++;
    } else if (rep && rep->state == VS_CALL_FAILED) {
        out = VS_HOUT_FAIL;
        value = rep->code;
    } else {
        s->r->unknown++;
    }
    vs_history_complete(s->h, op->hop, out, vs_simnet_now(s->net), value);
    vs_json_free(&doc);
    if (s->o->trace) {
        vs_hbuf_t b = { 0 };
        vs_history__line(s->h, (size_t)op->hop, &b);
        vs_simrun__trace(s, "history %s", b.s ? b.s : "");
        free(b.s);
    }
}

/* Collects the answers that arrived; gives up on calls past the timeout. */
static void s_poll(sim_t *s, bool give_up_all)
{
    /* The CLI's timeout runs on the wall clock, which advance-clock leaves
     * alone: a call waits as long across a clock jump as without one. */
    uint64_t now = vs_simnet_wire_now(s->net);
    for (int c = 0; c < s->o->clients; c++) {
        if (!s->busy[c])
            continue;
        sim_op_t *op = &s->ops[s->busy[c] - 1];
        const vs_simnet_reply_t *rep = vs_simnet_reply(s->net, op->call);
        if (rep && rep->state == VS_CALL_PENDING) {
            if (!give_up_all && now - op->t_wire <= CLIENT_TIMEOUT_MS)
                continue;
            rep = NULL;
        }
        s_complete(s, op, rep);
        s->busy[c] = 0;
    }
}

/* Invokes op (filled by the caller) as an API call of client c. */
static void s_invoke(sim_t *s, int c, sim_op_t *op, int agent, const char *pcx_id,
                     const char *action, const char *input, const char *detail)
{
    op->hop = vs_history_invoke(s->h, c, op->kind, pcx_id, s_acct(s, agent), s_region(s, agent),
                                vs_simnet_now(s->net), detail);
    if (op->kind == VS_HOP_CIDR) {
        vs_history_cidr_vpc(s->h, op->hop, s->vpcs[op->vpc].id);
        for (size_t w = 0; w < s->nvpc; w++) {
            const vs_vpc_t *v = (int)w == op->vpc ? NULL
                                                  : vs_simrun__vpc(s, s->vpcs[w].agent, s->vpcs[w].id);
            bool ov = false;
            for (size_t i = 0; v && i < v->nv4; i++)
                ov |= vs_cidr_overlaps(&v->v4[i].cidr, &op->block);
            if (ov)
                vs_history_cidr_overlaps(s->h, op->hop, s->vpcs[w].id);
        }
    }
    s->r->operations++;
    op->call = vs_simnet_call(s->net, agent, action, input);
    s->busy[c] = (int)(op - s->ops) + 1;
    s_poll(s, false);
}

static void s_op_create(sim_t *s, int c)
{
    sim_op_t *op = s_new_op(s, VS_HOP_CREATE);
    if (!op)
        return;
    size_t rv = vs_rng_below(&s->rng, s->nvpc);
    int av = -1;               /* accepter VPC index, -1: made up */
    double u = vs_rng_unit(&s->rng);
    if (u < 0.2 && s->npcx) {
        /* The same pair again, same direction or reversed: duplicates and
         * racing requests between one pair of VPCs. */
        const sim_pcx_t *p = &s->pcx[vs_rng_below(&s->rng, s->npcx)];
        int other = -1;
        for (size_t i = 0; i < s->nvpc; i++)
            if (!strcmp(s->vpcs[i].id, p->acc_vpc))
                other = (int)i;
        bool rev = other >= 0 && vs_rng_unit(&s->rng) < 0.3;
        rv = rev ? (size_t)other : (size_t)p->req_vpc;
        av = rev ? p->req_vpc : other;
        if (av < 0) {
            snprintf(op->acc_vpc, sizeof op->acc_vpc, "%s", p->acc_vpc);
            snprintf(op->acc_account, sizeof op->acc_account, "%s", s_acct(s, p->acc_agent));
            snprintf(op->acc_region, sizeof op->acc_region, "%s", s_region(s, p->acc_agent));
        }
    } else if (u < 0.3) {
        /* A VPC that does not exist: in an account nobody runs, or made up
         * in a real agent. */
        int agent = u < 0.25 ? -1 : (int)vs_rng_below(&s->rng, vs_simnet_agents(s->net));
        snprintf(op->acc_vpc, sizeof op->acc_vpc, "vpc-0%016" PRIx64, vs_rng_next(&s->rng));
        snprintf(op->acc_account, sizeof op->acc_account, "%s", s_acct(s, agent));
        snprintf(op->acc_region, sizeof op->acc_region, "%s", s_region(s, agent));
    } else {
        av = (int)vs_rng_below(&s->rng, s->nvpc - 1);
        av += av >= (int)rv;
    }
    op->vpc = (int)rv;
    op->valid = VS_HVALID_NO;
    if (av >= 0) {
        const sim_vpc_t *a = &s->vpcs[av];
        snprintf(op->acc_vpc, sizeof op->acc_vpc, "%s", a->id);
        snprintf(op->acc_account, sizeof op->acc_account, "%s", s_acct(s, a->agent));
        snprintf(op->acc_region, sizeof op->acc_region, "%s", s_region(s, a->agent));
        op->valid = s_vpcs_overlap(s, rv, (size_t)av) ? VS_HVALID_NO : VS_HVALID_YES;
    }
    const sim_vpc_t *r = &s->vpcs[rv];
    char in[256], detail[128];
    snprintf(in, sizeof in,
             "{\"VpcId\": \"%s\", \"PeerVpcId\": \"%s\", \"PeerOwnerId\": \"%s\", "
             "\"PeerRegion\": \"%s\"}", r->id, op->acc_vpc, op->acc_account, op->acc_region);
    snprintf(detail, sizeof detail, "%s -> %s/%s %s", r->id, op->acc_account, op->acc_region,
             op->acc_vpc);
    s_invoke(s, c, op, r->agent, NULL, "CreateVpcPeeringConnection", in, detail);
}

static void s_op_lifecycle(sim_t *s, int c, vs_hop_kind_t kind)
{
    if (!s->npcx) {
        s_op_create(s, c);
        return;
    }
    sim_op_t *op = s_new_op(s, kind);
    if (!op)
        return;
    /* Mostly the newest connections, where the races are. */
    size_t recent = s->npcx < 4 ? s->npcx : 4;
    op->pcx = vs_rng_unit(&s->rng) < 0.6 ? (int)(s->npcx - 1 - vs_rng_below(&s->rng, recent))
                                         : (int)vs_rng_below(&s->rng, s->npcx);
    const sim_pcx_t *p = &s->pcx[op->pcx];
    int acc = p->acc_agent >= 0 ? p->acc_agent : p->req_agent;
    double u = vs_rng_unit(&s->rng);
    int agent;
    if (kind == VS_HOP_DELETE)
        agent = u < 0.45 ? p->req_agent : u < 0.9 ? acc : -1;
    else
        agent = u < 0.75 ? acc : u < 0.85 ? p->req_agent : -1;
    if (agent < 0)
        agent = (int)vs_rng_below(&s->rng, vs_simnet_agents(s->net));
    static const char *const actions[] = { [VS_HOP_ACCEPT] = "AcceptVpcPeeringConnection",
                                           [VS_HOP_REJECT] = "RejectVpcPeeringConnection",
                                           [VS_HOP_DELETE] = "DeleteVpcPeeringConnection" };
    char in[96];
    snprintf(in, sizeof in, "{\"VpcPeeringConnectionId\": \"%s\"}", p->id);
    s_invoke(s, c, op, agent, p->id, actions[kind], in, NULL);
}

static void s_op_cidr(sim_t *s, int c)
{
    sim_op_t *op = s_new_op(s, VS_HOP_CIDR);
    if (!op)
        return;
    size_t v = vs_rng_below(&s->rng, s->nvpc);
    op->vpc = (int)v;
    /* Added blocks never overlap each other across VPCs (each VPC adds only
     * in its own slots), only other VPCs' primaries. Two blocks added at
     * once on both ends of an active pcx, each overlapping the other, is a
     * documented limit of the protocol (docs/peering-protocol.md). */
    size_t cand[VS_SIMRUN_MAX_VPCS], nc = 0;
    for (size_t p = 0; p < s->nvpc; p++)
        if (p != v && s->vpcs[p].own16)
            cand[nc++] = p;
    char text[32];
    if (nc && vs_rng_unit(&s->rng) < 0.5)
        snprintf(text, sizeof text, "10.%zu.%zu.0/20", 10 + cand[vs_rng_below(&s->rng, nc)], 16 * v);
    else
        snprintf(text, sizeof text, "10.%zu.%zu.0/20", 100 + v, 16 * (size_t)vs_rng_below(&s->rng, 4));
    vs_cidr_parse(text, VS_CIDR_STRICT, &op->block);
    char in[128];
    snprintf(in, sizeof in, "{\"VpcId\": \"%s\", \"CidrBlock\": \"%s\"}", s->vpcs[v].id, text);
    s_invoke(s, c, op, s->vpcs[v].agent, NULL, "AssociateVpcCidrBlock", in, text);
}

/* The clock jumps: seconds, hours (visibility windows), days, or past the
 * 168 h expiry. As advance-clock does, at once: the timers due fire, while
 * messages in flight and resends keep their pace, so a request can expire,
 * age out and be purged at its home before its messages arrive. */
static void s_op_clock(sim_t *s, int c)
{
    double u = vs_rng_unit(&s->rng);
    uint64_t ms = u < 0.4  ? (1 + vs_rng_below(&s->rng, 10)) * VS_SECOND_MS
                : u < 0.65 ? VS_HOUR_MS + vs_rng_below(&s->rng, 2 * VS_HOUR_MS)
                : u < 0.85 ? VS_DAY_MS + vs_rng_below(&s->rng, 2 * VS_DAY_MS)
                           : 7 * VS_DAY_MS + vs_rng_below(&s->rng, VS_DAY_MS);
    char detail[48];
    snprintf(detail, sizeof detail, "+%" PRIu64 "s", (uint64_t)(ms / VS_SECOND_MS));
    int hop = vs_history_invoke(s->h, c, VS_HOP_CLOCK, NULL, "", "", vs_simnet_now(s->net), detail);
    vs_simrun__trace(s, "clock %s", detail);
    vs_simnet_jump(s->net, ms);
    vs_history_complete(s->h, hop, VS_HOUT_OK, vs_simnet_now(s->net), NULL);
}

/* The network between operations: deliveries in any order, a little time,
 * and now and then an agent killed -9 and restarted. */
static void s_chaos(sim_t *s)
{
    uint64_t k = vs_rng_below(&s->rng, 4);
    for (uint64_t i = 0; i < k && vs_simnet_deliver_one(s->net); i++)
        ;
    if (vs_rng_unit(&s->rng) < 0.5)
        vs_simnet_run_until(s->net, vs_simnet_now(s->net) + 1 + vs_rng_below(&s->rng, 300));
    if (s->o->crash > 0 && vs_rng_unit(&s->rng) < s->o->crash)
        vs_simnet_crash(s->net, (int)vs_rng_below(&s->rng, vs_simnet_agents(s->net)));
}

static int s_idle_client(sim_t *s)
{
    int idle[VS_SIMRUN_MAX_CLIENTS], n = 0;
    for (int c = 0; c < s->o->clients; c++)
        if (!s->busy[c])
            idle[n++] = c;
    return n ? idle[vs_rng_below(&s->rng, (uint64_t)n)] : -1;
}

static void s_workload(sim_t *s)
{
    static const int weights[] = { 20, 22, 6, 18, 12, 8 };   /* by vs_hop_kind_t */
    int total = 0;
    for (size_t k = 0; k < sizeof weights / sizeof weights[0]; k++)
        total += weights[k];
    for (int i = 0; i < s->o->operations;) {
        int c = s_idle_client(s);
        if (c < 0) {
            /* Every client waits for an answer: let time pass. */
            vs_simnet_run_until(s->net, vs_simnet_now(s->net) + 100);
            s_poll(s, false);
            vs_simrun__observe(s);
            continue;
        }
        int pick = (int)vs_rng_below(&s->rng, (uint64_t)total), kind = 0;
        while (pick >= weights[kind])
            pick -= weights[kind++];
        switch ((vs_hop_kind_t)kind) {
        case VS_HOP_CREATE: s_op_create(s, c); break;
        case VS_HOP_CIDR: s_op_cidr(s, c); break;
        case VS_HOP_CLOCK: s_op_clock(s, c); break;
        default: s_op_lifecycle(s, c, (vs_hop_kind_t)kind); break;
        }
        i++;
        s_chaos(s);
        s_poll(s, false);
        vs_simrun__observe(s);
    }
}

/* --- one schedule ------------------------------------------------------------------------ */

int vs_simrun_run(uint64_t seed, uint64_t schedule, const vs_simrun_opts_t *o,
                  vs_simrun_result_t *r)
{
    memset(r, 0, sizeof *r);
    if (!o || o->accounts < 1 || o->accounts > 4 || o->regions < 1 || o->regions > 3 ||
        o->vpcs_per_agent < 1 || o->vpcs_per_agent > 4 ||
        o->accounts * o->regions * o->vpcs_per_agent > VS_SIMRUN_MAX_VPCS ||
        o->accounts * o->regions * o->vpcs_per_agent < 2 || o->operations < 0 ||
        o->clients < 1 || o->clients > VS_SIMRUN_MAX_CLIENTS)
        return -1;
    sim_t s = { 0 };
    s.o = o;
    s.r = r;
    /* One stream per (seed, schedule); vs_rng_seed mixes it further. */
    vs_rng_seed(&s.rng, seed ^ (schedule * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull));
    s.net = vs_simnet_new(vs_rng_next(&s.rng), T0_MS);
    s.h = vs_history_new();
    int rc = -1;
    if (s.net)
        vs_simnet_set_turns(s.net, true);     /* as the agents run */
    if (s.net && s.h && s_setup(&s) == 0) {
        vs_simnet_settle(s.net, SETTLE_MS);
        if (o->trace)
            vs_simnet_set_trace(s.net, o->trace, o->trace_ctx);
        vs_simnet_set_faults(s.net, &o->faults);
        s_workload(&s);
        /* Heal, deliver everything, let provisioning/deleting finish. */
        vs_simnet_set_faults(s.net, NULL);
        vs_simrun__trace(&s, "heal: faults cleared, settling");
        bool quiet = vs_simnet_settle(s.net, SETTLE_MS);
        vs_simnet_run_until(s.net, vs_simnet_now(s.net) + 10 * VS_SECOND_MS);
        quiet = quiet && vs_simnet_settle(s.net, SETTLE_MS);
        s_poll(&s, true);
        vs_simrun__final_checks(&s, quiet);
        rc = 0;
    }
    r->passed = rc == 0 && !r->lost_acknowledged && !r->diverged_views &&
                !r->invariant_violations && !r->linearizability_violations;
    r->report = !r->passed && s.report.len ? vs_hbuf_take(&s.report) : NULL;
    free(s.report.s);
    free(s.ops);
    free(s.pcx);
    free(s.reported);
    free(s.blamed);
    vs_history_destroy(&s.h);
    vs_simnet_destroy(&s.net);
    return rc;
}

void vs_simrun_result_free(vs_simrun_result_t *r)
{
    if (!r)
        return;
    free(r->report);
    r->report = NULL;
}
