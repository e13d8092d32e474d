/* chaos_drive: runs a chaos plan against the cluster. Operations go out in
 * plan order, each from its client, at most one call in flight per client
 * (as C users at C terminals), a race pair together; an operation on a pcx
 * waits for the create that makes it, and is skipped if that create gave no
 * id. Every invocation and completion goes into the history. Kills happen
 * before the op the plan names, and the process comes back after its
 * planned downtime. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chaos_int.h"

/* --- completions ---------------------------------------------------------------- */

static const char *s_pcx_field(const vs_json_t *out, const char *key)
{
    const vs_json_t *p = vs_json_get(out, "VpcPeeringConnection");
    return !strcmp(key, "Code") ? vs_json_get_str(vs_json_get(p, "Status"), "Code")
                                : vs_json_get_str(p, key);
}

void ch_adopt_clock(ch_run_t *r, const vs_json_t *doc)
{
    uint64_t t;
    const char *s = vs_json_get_str(doc, "SimulatedTime");
    if (s && vs_time_parse(s, &t) == 0) {
        r->sim_base_ms = t;
        r->t_base = ch_now(r);
    }
}

void ch_declare_pcx(ch_run_t *r, int i, const char *pcx, vs_hvalid_t valid)
{
    const ch_plan_t *p = &r->plan;
    const ch_op_t *op = &p->ops[i];
    const ch_party_t *req = &p->parties[op->party];
    const ch_party_t *acc = &p->parties[op->peer_party];
    const char *acc_vpc = op->peer >= 0 ? r->vpcs[op->peer].id : CH_BOGUS_VPC;
    vs_history_pcx(r->hist, pcx, req->account, req->region, r->vpcs[op->vpc].id, acc->account,
                   acc->region, acc_vpc, valid);
}

static void s_op_done(ch_run_t *r, int i, const ch_call_result_t *res)
{
    const ch_op_t *op = &r->plan.ops[i];
    ch_rec_t *rec = &r->recs[i];
    rec->t_ret = ch_now(r);
    if (op->kind == CH_ADVANCE_CLOCK) {
        r->sim_pending_ms -= op->seconds * 1000;
        if (op->seconds >= CH_BIG_JUMP_S)
            r->big_jump_inflight = false;
        if (res->outcome == CH_CALL_OK)
            ch_adopt_clock(r, res->output);
        else if (res->outcome == CH_CALL_UNKNOWN)
            r->clock_resync = true;
    }
    rec->sim_ret = ch_sim_high(r);
    const char *value = NULL;
    vs_hout_t out = VS_HOUT_UNKNOWN;
    if (res->outcome == CH_CALL_OK) {
        rec->st = CH_ST_OK;
        r->counts.ok++;
        out = VS_HOUT_OK;
        if (op->kind == CH_CREATE_PCX || op->kind == CH_ACCEPT) {
            const char *code = s_pcx_field(res->output, "Code");
            snprintf(rec->value, sizeof rec->value, "%s", code ? code : "");
            value = rec->value;
        }
        if (op->kind == CH_CREATE_PCX) {
            const char *id = s_pcx_field(res->output, "VpcPeeringConnectionId");
            snprintf(rec->pcx, sizeof rec->pcx, "%s", id ? id : "");
            if (id) {
                /* A repeated request answers with a pcx made earlier, whose
                 * validation this op's knowledge does not describe. */
                bool fresh = !strcmp(rec->value, "initiating-request");
                ch_declare_pcx(r, i, id, fresh ? rec->valid : VS_HVALID_ANY);
                vs_history_set_pcx(r->hist, rec->hop, id);
            }
        }
    } else if (res->outcome == CH_CALL_FAIL) {
        rec->st = CH_ST_FAIL;
        r->counts.fail++;
        out = VS_HOUT_FAIL;
        snprintf(rec->value, sizeof rec->value, "%s", res->code);
        snprintf(rec->detail, sizeof rec->detail, "%s", res->message);
        value = rec->value;
    } else {
        rec->st = CH_ST_UNKNOWN;
        r->counts.unknown++;
        snprintf(rec->detail, sizeof rec->detail, "%s%s%s", res->code,
                 res->message && *res->message ? ": " : "", res->message ? res->message : "");
    }
    if (rec->hop >= 0)
        vs_history_complete(r->hist, rec->hop, out, rec->sim_ret, value);
}

void ch_on_call_done(void *ctx, uint64_t tag, const ch_call_result_t *res)
{
    ch_run_t *r = ctx;
    switch (CH_TAG_KIND(tag)) {
    case 0:
        if (tag < (uint64_t)r->plan.nops)
            s_op_done(r, (int)tag, res);
        break;
    case CH_TAG_VPC: {
        size_t v = (size_t)(tag & 0xffffff);
        if (v < (size_t)r->plan.nvpcs && res->outcome == CH_CALL_OK) {
            const char *id = vs_json_get_str(vs_json_get(res->output, "Vpc"), "VpcId");
            snprintf(r->vpcs[v].id, sizeof r->vpcs[v].id, "%s", id ? id : "");
            r->vpcs[v].ok = id != NULL;
        }
        break;
    }
    case CH_TAG_SYNC:
        if ((tag & 0xffffffff) == r->sync_seq) {
            r->sync_done = true;
            r->sync_outcome = res->outcome;
            vs_json_free(&r->sync_out);
            r->sync_out = res->outcome == CH_CALL_OK ? vs_json_clone(res->output) : NULL;
            snprintf(r->sync_code, sizeof r->sync_code, "%s", res->code ? res->code : "");
        }
        break;
    case CH_TAG_FAULTS: {
        const vs_json_t *c = res->outcome == CH_CALL_OK ? vs_json_get(res->output, "Counters") : NULL;
        if (c) {
            r->faults_counted = true;
            r->f_dropped = r->f_base[0] + (uint64_t)vs_json_get_int(c, "Dropped", 0);
            r->f_duplicated = r->f_base[1] + (uint64_t)vs_json_get_int(c, "Duplicated", 0);
            r->f_delayed = r->f_base[2] + (uint64_t)vs_json_get_int(c, "Delayed", 0);
            r->f_reordered = r->f_base[3] + (uint64_t)vs_json_get_int(c, "Reordered", 0);
        }
        break;
    }
    case CH_TAG_CLOCK:
        if (res->outcome == CH_CALL_OK && r->sim_pending_ms == 0)
            ch_adopt_clock(r, res->output);
        break;
    default:
        break;
    }
}

ch_call_outcome_t ch_call_sync(ch_run_t *r, const char *account, const char *region,
                               const char *action, const char *input, const char *admin_op,
                               int64_t seconds, double timeout_s, vs_json_t **out, char *code,
                               size_t codelen)
{
    uint64_t tag = CH_TAG_SYNC | (++r->sync_seq & 0xffffffff);
    r->sync_done = false;
    if (admin_op)
        ch_client_admin(r->client, 0, admin_op, seconds, input, timeout_s, tag);
    else
        ch_client_api(r->client, 0, account, region, action, input, timeout_s, tag);
    while (!r->sync_done)
        ch_client_poll(r->client, 50);
    if (out)
        *out = r->sync_out;
    else
        vs_json_free(&r->sync_out);
    r->sync_out = NULL;
    if (code)
        snprintf(code, codelen, "%s", r->sync_code);
    return r->sync_outcome;
}

/* --- VPCs ------------------------------------------------------------------------- */

int ch_create_vpcs(ch_run_t *r, char *err, size_t errlen)
{
    const ch_plan_t *p = &r->plan;
    int next = 0;
    char in[256];
    while (next < p->nvpcs || ch_client_inflight(r->client)) {
        while (next < p->nvpcs && ch_client_inflight(r->client) < (size_t)r->opt.clients) {
            const ch_party_t *pt = &p->parties[p->vpcs[next].party];
            snprintf(in, sizeof in, "{\"CidrBlock\":\"%s\",\"TagSpecifications\":[{\"ResourceType\":"
                     "\"vpc\",\"Tags\":[{\"Key\":\"Name\",\"Value\":\"chaos-v%d\"}]}]}",
                     p->vpcs[next].cidr, next);
            ch_client_api(r->client, (size_t)next % (size_t)r->opt.clients, pt->account, pt->region,
                          "CreateVpc", in, 10.0, CH_TAG_VPC | (uint64_t)next);
            next++;
        }
        ch_client_poll(r->client, 50);
        if (*r->interrupted) {
            snprintf(err, errlen, "interrupted");
            return -1;
        }
    }
    for (int v = 0; v < p->nvpcs; v++) {
        if (!r->vpcs[v].ok) {
            snprintf(err, errlen, "create-vpc %s in %s/%s did not succeed", p->vpcs[v].cidr,
                     p->parties[p->vpcs[v].party].account, p->parties[p->vpcs[v].party].region);
            return -1;
        }
    }
    return 0;
}

/* --- dispatch ------------------------------------------------------------------------ */

/* May the request of create op `c` pass validation, as far as the run
 * knows now? Overlap decides: primaries (twins) or an added block. */
static vs_hvalid_t s_validity(const ch_run_t *r, const ch_op_t *c, int upto)
{
    const ch_plan_t *p = &r->plan;
    if (c->peer < 0)
        return VS_HVALID_NO;
    if (ch_cidr_overlap(p->vpcs[c->vpc].cidr, p->vpcs[c->peer].cidr))
        return VS_HVALID_NO;
    vs_hvalid_t v = VS_HVALID_YES;
    for (int j = 0; j < upto; j++) {
        const ch_op_t *a = &p->ops[j];
        if (a->kind != CH_ASSOC_CIDR || (a->vpc != c->vpc && a->vpc != c->peer))
            continue;
        int other = a->vpc == c->vpc ? c->peer : c->vpc;
        if (!ch_cidr_overlap(a->cidr, p->vpcs[other].cidr))
            continue;
        ch_state_t st = r->recs[j].st;
        if (st == CH_ST_OK)
            return VS_HVALID_NO;
        if (st == CH_ST_INFLIGHT || st == CH_ST_UNKNOWN)
            v = VS_HVALID_ANY;
    }
    return v;
}

static void s_skip(ch_run_t *r, int i)
{
    r->recs[i].st = CH_ST_SKIPPED;
    r->counts.skipped++;
}

static void s_send(ch_run_t *r, int i)
{
    const ch_plan_t *p = &r->plan;
    const ch_op_t *op = &p->ops[i];
    ch_rec_t *rec = &r->recs[i];
    const ch_party_t *pt = op->party >= 0 ? &p->parties[op->party] : NULL;
    char in[512], detail[128];
    const char *action = NULL;
    vs_hop_kind_t hk = VS_HOP_CLOCK;
    const char *pcx = NULL;
    rec->st = CH_ST_INFLIGHT;
    rec->t_inv = ch_now(r);
    rec->sim_inv = ch_sim_low(r);
    switch (op->kind) {
    case CH_CREATE_PCX: {
        const ch_party_t *acc = &p->parties[op->peer_party];
        const char *peer = op->peer >= 0 ? r->vpcs[op->peer].id : CH_BOGUS_VPC;
        snprintf(in, sizeof in, "{\"VpcId\":\"%s\",\"PeerVpcId\":\"%s\",\"PeerOwnerId\":\"%s\","
                 "\"PeerRegion\":\"%s\"}", r->vpcs[op->vpc].id, peer, acc->account, acc->region);
        snprintf(detail, sizeof detail, "%s -> %s", r->vpcs[op->vpc].id, peer);
        rec->valid = s_validity(r, op, i);
        action = "CreateVpcPeeringConnection";
        hk = VS_HOP_CREATE;
        break;
    }
    case CH_ACCEPT:
    case CH_REJECT:
    case CH_DELETE:
        snprintf(rec->pcx, sizeof rec->pcx, "%s", r->recs[op->target].pcx);
        snprintf(in, sizeof in, "{\"VpcPeeringConnectionId\":\"%s\"}", rec->pcx);
        action = op->kind == CH_ACCEPT ? "AcceptVpcPeeringConnection"
               : op->kind == CH_REJECT ? "RejectVpcPeeringConnection" : "DeleteVpcPeeringConnection";
        hk = op->kind == CH_ACCEPT ? VS_HOP_ACCEPT : op->kind == CH_REJECT ? VS_HOP_REJECT : VS_HOP_DELETE;
        pcx = rec->pcx;
        detail[0] = '\0';
        break;
    case CH_ASSOC_CIDR:
        snprintf(in, sizeof in, "{\"VpcId\":\"%s\",\"CidrBlock\":\"%s\"}", r->vpcs[op->vpc].id, op->cidr);
        snprintf(detail, sizeof detail, "%s", op->cidr);
        action = "AssociateVpcCidrBlock";
        hk = VS_HOP_CIDR;
        break;
    default:
        snprintf(detail, sizeof detail, "+%" PRId64 "s", op->seconds);
        break;
    }
    rec->hop = vs_history_invoke(r->hist, op->client, hk, pcx, pt ? pt->account : NULL,
                                 pt ? pt->region : NULL, rec->sim_inv, detail[0] ? detail : NULL);
    if (op->kind == CH_ASSOC_CIDR && rec->hop >= 0) {
        vs_history_cidr_vpc(r->hist, rec->hop, r->vpcs[op->vpc].id);
        for (int v = 0; v < p->nvpcs; v++)
            if (v != op->vpc && ch_cidr_overlap(op->cidr, p->vpcs[v].cidr))
                vs_history_cidr_overlaps(r->hist, rec->hop, r->vpcs[v].id);
    }
    if (op->kind == CH_ADVANCE_CLOCK) {
        r->sim_pending_ms += op->seconds * 1000;
        r->big_jump_inflight = op->seconds >= CH_BIG_JUMP_S;
        ch_client_admin(r->client, (size_t)op->client, "advance-clock", op->seconds, "",
                        r->opt.call_timeout_s, (uint64_t)i);
    } else {
        ch_client_api(r->client, (size_t)op->client, pt->account, pt->region, action, in,
                      r->opt.call_timeout_s, (uint64_t)i);
    }
}

/* 1: op i may go now; 0: not yet; -1: skipped (its pcx has no known id). */
static int s_ready(ch_run_t *r, int i)
{
    const ch_op_t *op = &r->plan.ops[i];
    if (ch_client_inflight_of(r->client, (size_t)op->client) > 0)
        return 0;
    /* A jump of a day or more goes alone: while it is in flight nobody
     * knows whether an op ran before or after it, and a request made
     * during a 7-day jump may or may not have expired by the end. Smaller
     * steps race freely with everything. */
    if (r->big_jump_inflight)
        return 0;
    if (op->kind == CH_ADVANCE_CLOCK && op->seconds >= CH_BIG_JUMP_S &&
        ch_client_inflight(r->client) > 0)
        return 0;
    if (op->target < 0)
        return 1;
    const ch_rec_t *t = &r->recs[op->target];
    if (t->st == CH_ST_WAITING || t->st == CH_ST_INFLIGHT)
        return 0;
    return t->pcx[0] ? 1 : -1;
}

/* --- kills and restarts ---------------------------------------------------------------- */

static void s_reapply_faults(ch_run_t *r)
{
    if (!r->opt.faults)
        return;
    char *args = ch_faults_args(&r->opt);
    ch_client_admin(r->client, 0, "set-faults", 0, args, 2.0, CH_TAG_FAULTS | 1);
    free(args);
}

static void s_kill(ch_run_t *r, const ch_event_t *ev)
{
    double now = ch_now(r);
    if (ev->kind == CH_EV_KILL_BROKER) {
        if (ch_cluster_kill_broker(r->cluster) == 0) {
            r->counts.broker_kills++;
            /* Its counters die with it (up to the last poll). */
            r->f_base[0] = r->f_dropped;
            r->f_base[1] = r->f_duplicated;
            r->f_base[2] = r->f_delayed;
            r->f_base[3] = r->f_reordered;
            r->broker_up_at = now + ev->down_ms / 1000.0;
        }
    } else if (ch_cluster_kill_agent(r->cluster, (size_t)ev->agent) == 0) {
        r->counts.agent_kills++;
        r->agent_up_at[ev->agent] = now + ev->down_ms / 1000.0;
    }
}

static void s_restarts(ch_run_t *r)
{
    double now = ch_now(r);
    if (r->broker_up_at > 0 && now >= r->broker_up_at) {
        r->broker_up_at = 0;
        ch_cluster_start_broker(r->cluster);
        /* A new broker knows no faults and may lag the agents' clock. */
        s_reapply_faults(r);
        r->clock_resync = true;
    }
    for (int a = 0; a < r->plan.nparties; a++) {
        if (r->agent_up_at[a] > 0 && now >= r->agent_up_at[a]) {
            r->agent_up_at[a] = 0;
            ch_cluster_start_agent(r->cluster, (size_t)a);
        }
    }
}

void ch_drive(ch_run_t *r)
{
    const ch_plan_t *p = &r->plan;
    int next = 0, ev = 0;
    double last_faults = 0;
    while (!*r->interrupted) {
        s_restarts(r);
        while (next < p->nops) {
            while (ev < p->nevents && p->events[ev].at <= next)
                s_kill(r, &p->events[ev++]);
            int ready = s_ready(r, next);
            if (ready < 0 && !p->ops[next].with_next) {
                s_skip(r, next++);
                continue;
            }
            if (p->ops[next].with_next && next + 1 < p->nops) {
                /* A race pair shares its target: both go together or neither. */
                int ready2 = s_ready(r, next + 1);
                if (ready < 0 || ready2 < 0) {
                    s_skip(r, next);
                    s_skip(r, next + 1);
                    next += 2;
                    continue;
                }
                if (!ready || !ready2)
                    break;
                s_send(r, next);
                s_send(r, next + 1);
                next += 2;
                continue;
            }
            if (!ready)
                break;
            s_send(r, next++);
        }
        if (next >= p->nops && ch_client_inflight(r->client) == 0)
            break;
        double now = ch_now(r);
        if (r->opt.faults && now - last_faults >= 1.0) {
            last_faults = now;
            ch_client_admin(r->client, 0, "describe-faults", 0, "", 1.0, CH_TAG_FAULTS);
        }
        if (r->clock_resync && r->sim_pending_ms == 0 && ch_cluster_broker_alive(r->cluster)) {
            r->clock_resync = false;
            ch_client_admin(r->client, 0, "clock", 0, "", 1.0, CH_TAG_CLOCK);
        }
        ch_client_poll(r->client, 20);
        ch_progress(r, false);
    }
    ch_progress(r, true);
}

/* --- progress ----------------------------------------------------------------------- */

void ch_progress(ch_run_t *r, bool force)
{
    double now = ch_now(r);
    uint64_t done = r->counts.ok + r->counts.fail + r->counts.unknown + r->counts.skipped;
    int total = r->plan.nops;
    int decile = total ? (int)(done * 10 / (uint64_t)total) : 10;
    if (!force && (r->tty ? now - r->last_draw < 0.1 : decile == r->last_decile))
        return;
    r->last_draw = now;
    r->last_decile = decile;
    char bar[31];
    int fill = total ? (int)(done * 30 / (uint64_t)total) : 30;
    for (int k = 0; k < 30; k++)
        bar[k] = k < fill ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "%s[%s] %" PRIu64 "/%d ok %" PRIu64 " fail %" PRIu64 " unknown %" PRIu64
            " skipped %" PRIu64 " | kills: agents %" PRIu64 " broker %" PRIu64,
            r->tty ? "\r" : "", bar, done, total, r->counts.ok, r->counts.fail, r->counts.unknown,
            r->counts.skipped, r->counts.agent_kills, r->counts.broker_kills);
    if (r->faults_counted)
        fprintf(stderr, " | faults: dropped %" PRIu64 " duplicated %" PRIu64 " delayed %" PRIu64
                " reordered %" PRIu64, r->f_dropped, r->f_duplicated, r->f_delayed, r->f_reordered);
    fprintf(stderr, r->tty ? "\033[K" : "\n");
    if (r->tty && force)
        fputc('\n', stderr);
    fflush(stderr);
}
