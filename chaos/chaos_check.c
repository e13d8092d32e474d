/* chaos_check: after the workload, heal the cluster, wait until both views
 * of every pcx agree, and judge what happened.
 *
 * Two views agree when both show the same Status.Code, or when one is gone
 * and the state is one where that side's view ends sooner (reference 5.1):
 * failed is never shown to the accepter, rejected leaves the accepter's
 * view after 2 h, deleted leaves the deleter's after 2 h (different
 * accounts). Transient states (initiating-request, provisioning, deleting)
 * must be over too: they all end by themselves within seconds. An expired
 * request may have no accepter view at all: it can expire before its
 * Request reaches the accepter's agent, which never makes a view from a
 * terminal record.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chaos_int.h"

#define S_MIN_WINDOW_MS (2 * VS_HOUR_MS)   /* the shortest time a view stays */

typedef struct {
    char id[32];
    int party[2];             /* [0] requester, [1] accepter (-1: not one of ours) */
    char vpc[2][32];
    char code[2][24];         /* "" = no view on that side */
    char msg[2][96];
} s_view_t;

typedef struct {
    s_view_t *v;
    size_t n, cap;
} s_snap_t;

static void s_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static int s_party_of(const ch_run_t *r, const char *account, const char *region)
{
    for (int i = 0; account && region && i < r->plan.nparties; i++)
        if (!strcmp(r->plan.parties[i].account, account) && !strcmp(r->plan.parties[i].region, region))
            return i;
    return -1;
}

static s_view_t *s_find(s_snap_t *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i].id, id))
            return &s->v[i];
    return NULL;
}

static s_view_t *s_add(s_snap_t *s, const char *id)
{
    s_view_t *v = s_find(s, id);
    if (v)
        return v;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        s_view_t *nv = realloc(s->v, cap * sizeof *nv);
        if (!nv)
            return NULL;
        s->v = nv;
        s->cap = cap;
    }
    v = &s->v[s->n++];
    memset(v, 0, sizeof *v);
    snprintf(v->id, sizeof v->id, "%s", id);
    return v;
}

/* Every agent's describe-vpc-peering-connections. -1 if one did not answer. */
static int s_snapshot(ch_run_t *r, s_snap_t *s)
{
    s->n = 0;
    for (int p = 0; p < r->plan.nparties; p++) {
        const ch_party_t *pt = &r->plan.parties[p];
        vs_json_t *out = NULL;
        if (ch_call_sync(r, pt->account, pt->region, "DescribeVpcPeeringConnections", "{}", NULL, 0,
                         r->opt.call_timeout_s, &out, NULL, 0) != CH_CALL_OK)
            return -1;
        const vs_json_t *list = vs_json_get(out, "VpcPeeringConnections");
        for (size_t k = 0; k < vs_json_len(list); k++) {
            const vs_json_t *x = vs_json_at(list, k);
            const char *id = vs_json_get_str(x, "VpcPeeringConnectionId");
            s_view_t *v = id ? s_add(s, id) : NULL;
            if (!v)
                continue;
            const vs_json_t *ri = vs_json_get(x, "RequesterVpcInfo"), *ai = vs_json_get(x, "AccepterVpcInfo");
            v->party[0] = s_party_of(r, vs_json_get_str(ri, "OwnerId"), vs_json_get_str(ri, "Region"));
            v->party[1] = s_party_of(r, vs_json_get_str(ai, "OwnerId"), vs_json_get_str(ai, "Region"));
            snprintf(v->vpc[0], sizeof v->vpc[0], "%s", vs_json_get_str(ri, "VpcId") ?: "");
            snprintf(v->vpc[1], sizeof v->vpc[1], "%s", vs_json_get_str(ai, "VpcId") ?: "");
            const vs_json_t *st = vs_json_get(x, "Status");
            for (int side = 0; side < 2; side++) {
                if (v->party[side] != p)
                    continue;
                snprintf(v->code[side], sizeof v->code[side], "%s", vs_json_get_str(st, "Code") ?: "?");
                snprintf(v->msg[side], sizeof v->msg[side], "%s", vs_json_get_str(st, "Message") ?: "");
            }
        }
        vs_json_free(&out);
    }
    return 0;
}

static bool s_transient(const char *code)
{
    return !strcmp(code, "initiating-request") || !strcmp(code, "provisioning") ||
           !strcmp(code, "deleting");
}

/* Do the two views agree (see the top of the file)? */
static bool s_agree(const ch_run_t *r, const s_view_t *v)
{
    bool has[2] = { v->code[0][0] != '\0', v->code[1][0] != '\0' };
    for (int side = 0; side < 2; side++)
        if (has[side] && s_transient(v->code[side]))
            return false;
    if (has[0] && has[1])
        return !strcmp(v->code[0], v->code[1]);
    if (!has[0] && !has[1])
        return true;
    int gone = has[0] ? 1 : 0;
    if (v->party[0] == v->party[1] || v->party[gone] < 0)
        return true;          /* one view for both sides, or no agent for the other */
    const char *code = v->code[1 - gone];
    bool same_account = v->party[0] >= 0 && v->party[1] >= 0 &&
                        !strcmp(r->plan.parties[v->party[0]].account, r->plan.parties[v->party[1]].account);
    /* failed is never shown to the accepter; a request that expired before
     * it reached the accepter's agent left no view there. */
    if (!strcmp(code, "failed") || !strcmp(code, "expired"))
        return gone == 1;
    if (!strcmp(code, "rejected"))
        return gone == 1 && !same_account;
    if (!strcmp(code, "deleted") && !same_account) {
        const char *by = strstr(v->msg[1 - gone], "by ");
        return by && !strcmp(by + 3, r->plan.parties[v->party[gone]].account);
    }
    return false;
}

/* --- verdict helpers ----------------------------------------------------------------- */

static void s_problem(ch_verdict_t *v, const char *kind, const char *key, const char *id,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void s_problem(ch_verdict_t *v, const char *kind, const char *key, const char *id,
                      const char *fmt, ...)
{
    char *detail = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&detail, fmt, ap) < 0)
        detail = NULL;
    va_end(ap);
    vs_json_t *o = vs_json_push(v->problems, vs_json_object());
    vs_json_set_str(o, "Kind", kind);
    if (key)
        vs_json_set_str(o, key, id);
    vs_json_set_str(o, "Detail", detail ? detail : "");
    free(detail);
    if (!key || strcmp(key, "PcxId") != 0)
        return;
    for (size_t i = 0; i < v->nbad; i++)
        if (!strcmp(v->bad_pcx[i], id))
            return;
    char **nb = realloc(v->bad_pcx, (v->nbad + 1) * sizeof *nb);
    if (!nb)
        return;
    v->bad_pcx = nb;
    v->bad_pcx[v->nbad++] = strdup(id);
}

/* The state a pcx ends in, as its views show it ("" if no view is left). */
static const char *s_final_code(const s_view_t *x)
{
    return !x ? "" : x->code[0][0] ? x->code[0] : x->code[1];
}

/* The VPC's associated IPv4 blocks, from the describe-vpcs documents. */
static const vs_json_t *s_vpc_doc(vs_json_t **vpcs, int nparties, const char *id)
{
    for (int p = 0; p < nparties; p++) {
        const vs_json_t *list = vs_json_get(vpcs[p], "Vpcs");
        for (size_t k = 0; k < vs_json_len(list); k++)
            if (!strcmp(vs_json_get_str(vs_json_at(list, k), "VpcId") ?: "", id))
                return vs_json_at(list, k);
    }
    return NULL;
}

static bool s_has_block(const vs_json_t *vpc, const char *cidr)
{
    const vs_json_t *set = vs_json_get(vpc, "CidrBlockAssociationSet");
    for (size_t k = 0; k < vs_json_len(set); k++) {
        const vs_json_t *a = vs_json_at(set, k);
        if (!strcmp(vs_json_get_str(a, "CidrBlock") ?: "", cidr) &&
            !strcmp(vs_json_get_str(vs_json_get(a, "CidrBlockState"), "State") ?: "", "associated"))
            return true;
    }
    return false;
}

static bool s_vpcs_overlap(const vs_json_t *a, const vs_json_t *b, char *why, size_t len)
{
    const vs_json_t *sa = vs_json_get(a, "CidrBlockAssociationSet");
    const vs_json_t *sb = vs_json_get(b, "CidrBlockAssociationSet");
    for (size_t i = 0; i < vs_json_len(sa); i++) {
        for (size_t j = 0; j < vs_json_len(sb); j++) {
            const char *x = vs_json_get_str(vs_json_at(sa, i), "CidrBlock");
            const char *y = vs_json_get_str(vs_json_at(sb, j), "CidrBlock");
            if (x && y && ch_cidr_overlap(x, y)) {
                snprintf(why, len, "%s overlaps %s", x, y);
                return true;
            }
        }
    }
    return false;
}

/* --- heal and converge ----------------------------------------------------------------- */

static int s_heal(ch_run_t *r, char *err, size_t errlen)
{
    r->broker_up_at = 0;
    if (!ch_cluster_broker_alive(r->cluster))
        ch_cluster_start_broker(r->cluster);
    for (int a = 0; a < r->plan.nparties; a++) {
        r->agent_up_at[a] = 0;
        if (!ch_cluster_agent_alive(r->cluster, (size_t)a))
            ch_cluster_start_agent(r->cluster, (size_t)a);
    }
    char why[1024];
    if (ch_cluster_wait_online(r->cluster, 30.0, why, sizeof why) != 0) {
        snprintf(err, errlen, "the cluster did not come back: %s", why);
        return -1;
    }
    char code[96];
    if (r->opt.faults &&
        ch_call_sync(r, NULL, NULL, NULL, "{\"clear\":true}", "set-faults", 0, 5.0, NULL, code,
                     sizeof code) != CH_CALL_OK) {
        snprintf(err, errlen, "admin set-faults {\"clear\": true} failed: %s", code);
        return -1;
    }
    /* Partitions are healed whether or not this run made any. */
    ch_call_sync(r, NULL, NULL, NULL, "{\"heal\":true}", "partition", 0, 5.0, NULL, NULL, 0);
    vs_json_t *clock = NULL;
    if (ch_call_sync(r, NULL, NULL, NULL, "", "clock", 0, 5.0, &clock, NULL, 0) == CH_CALL_OK)
        ch_adopt_clock(r, clock);
    vs_json_free(&clock);
    return 0;
}

/* Polls until every pcx's views agree and nothing changed for
 * CH_STABLE_S (the agents' longest resend backoff, so no message can still
 * be on its way), or the timeout. The last snapshot stays in snap. */
static bool s_converge(ch_run_t *r, s_snap_t *snap, double *seconds)
{
    double start = ch_now(r), deadline = start + r->opt.converge_timeout_s;
    double agreed_at = -1;
    s_snap_t prev = { 0 };
    for (;;) {
        bool ok = s_snapshot(r, snap) == 0;
        for (size_t i = 0; ok && i < snap->n; i++)
            ok = s_agree(r, &snap->v[i]);
        bool same = ok && agreed_at >= 0 && prev.n == snap->n &&
                    !memcmp(prev.v, snap->v, snap->n * sizeof *snap->v);
        if (ok && !same) {
            agreed_at = ch_now(r);
            free(prev.v);
            prev.v = malloc((snap->n ? snap->n : 1) * sizeof *prev.v);
            prev.n = prev.v ? snap->n : 0;
            if (prev.v)
                memcpy(prev.v, snap->v, snap->n * sizeof *snap->v);
        } else if (!ok) {
            agreed_at = -1;
        }
        double now = ch_now(r);
        if (agreed_at >= 0 && now - agreed_at >= CH_STABLE_S) {
            *seconds = agreed_at - start;
            free(prev.v);
            return true;
        }
        if (now >= deadline || *r->interrupted) {
            *seconds = now - start;
            free(prev.v);
            return false;
        }
        s_sleep_ms(300);
    }
}

/* --- attributing pcxs to creates whose answer was lost ----------------------------------- */

static bool s_known(const ch_run_t *r, const char *id)
{
    for (int i = 0; i < r->plan.nops; i++)
        if (r->plan.ops[i].kind == CH_CREATE_PCX && !strcmp(r->recs[i].pcx, id))
            return true;
    return false;
}

/* The first create of pcx `id` the run heard about, -1 if none. */
static int s_first_create(const ch_run_t *r, const char *id)
{
    for (int i = 0; i < r->plan.nops; i++)
        if (r->plan.ops[i].kind == CH_CREATE_PCX && r->recs[i].st == CH_ST_OK &&
            !strcmp(r->recs[i].pcx, id))
            return i;
    return -1;
}

/* A create whose answer was lost may have made a pcx the run only sees at
 * the end, or one a later identical create returned as already there. The
 * earliest such create with the same VPCs is taken to be its origin, so
 * the checker knows when it may have been made. A pcx with no possible
 * origin was made by no call at all. */
static void s_attribute(ch_run_t *r, const s_snap_t *snap, ch_verdict_t *v)
{
    const ch_plan_t *p = &r->plan;
    for (int u = 0; u < p->nops; u++) {
        const ch_op_t *op = &p->ops[u];
        if (op->kind != CH_CREATE_PCX || r->recs[u].st != CH_ST_UNKNOWN)
            continue;
        const char *req = r->vpcs[op->vpc].id;
        const char *acc = op->peer >= 0 ? r->vpcs[op->peer].id : CH_BOGUS_VPC;
        for (int k = u + 1; k < p->nops; k++) {
            const ch_op_t *o2 = &p->ops[k];
            const ch_rec_t *r2 = &r->recs[k];
            if (o2->kind == CH_CREATE_PCX && r2->st == CH_ST_OK && o2->vpc == op->vpc &&
                o2->peer == op->peer && strcmp(r2->value, "initiating-request") != 0 &&
                s_first_create(r, r2->pcx) == k) {
                memcpy(r->recs[u].pcx, r2->pcx, sizeof r->recs[u].pcx);   /* k != u */
                break;
            }
        }
        for (size_t i = 0; !r->recs[u].pcx[0] && i < snap->n; i++) {
            const s_view_t *x = &snap->v[i];
            if (!strcmp(x->vpc[0], req) && !strcmp(x->vpc[1], acc) && !s_known(r, x->id))
                snprintf(r->recs[u].pcx, sizeof r->recs[u].pcx, "%s", x->id);
        }
        if (r->recs[u].pcx[0]) {
            ch_declare_pcx(r, u, r->recs[u].pcx, VS_HVALID_ANY);
            vs_history_set_pcx(r->hist, r->recs[u].hop, r->recs[u].pcx);
        }
    }
    for (size_t i = 0; i < snap->n; i++)
        if (!s_known(r, snap->v[i].id) && ++v->invariant_violations)
            s_problem(v, "InvariantViolation", "PcxId", snap->v[i].id,
                      "exists (%s) but no create-vpc-peering-connection from %s to %s can have made it",
                      s_final_code(&snap->v[i]), snap->v[i].vpc[0], snap->v[i].vpc[1]);
}

/* --- the checks ------------------------------------------------------------------------------ */

static void s_check_lost(ch_run_t *r, const s_snap_t *snap, vs_json_t **vpcs, ch_verdict_t *v)
{
    const ch_plan_t *p = &r->plan;
    uint64_t end = ch_sim_high(r);
    for (int i = 0; i < p->nvpcs; i++) {
        if (r->vpcs[i].ok && !s_vpc_doc(vpcs, p->nparties, r->vpcs[i].id)) {
            v->lost_acknowledged++;
            s_problem(v, "LostAcknowledged", "VpcId", r->vpcs[i].id, "create-vpc answered ok, "
                      "the VPC is gone");
        }
    }
    for (int i = 0; i < p->nops; i++) {
        const ch_op_t *op = &p->ops[i];
        const ch_rec_t *rec = &r->recs[i];
        if (rec->st != CH_ST_OK)
            continue;
        if (op->kind == CH_ASSOC_CIDR) {
            if (!s_has_block(s_vpc_doc(vpcs, p->nparties, r->vpcs[op->vpc].id), op->cidr)) {
                v->lost_acknowledged++;
                s_problem(v, "LostAcknowledged", "VpcId", r->vpcs[op->vpc].id,
                          "op #%d associate-vpc-cidr-block %s answered ok, the block is not there",
                          i, op->cidr);
            }
            continue;
        }
        if (op->kind == CH_ADVANCE_CLOCK || !rec->pcx[0])
            continue;
        s_view_t *x = s_find((s_snap_t *)snap, rec->pcx);
        const char *code = s_final_code(x);
        /* Gone from every view is legitimate only once a view can have aged out. */
        bool may_age = end >= rec->sim_inv + S_MIN_WINDOW_MS;
        const char *bad = NULL;
        if (op->kind == CH_CREATE_PCX) {
            if ((!x || !x->code[0][0]) && !may_age)
                bad = "the requester no longer sees it";
        } else if (!*code) {
            if (!may_age)
                bad = "no view of it is left";
        } else if (op->kind == CH_ACCEPT) {
            if (strcmp(code, "provisioning") && strcmp(code, "active") && strcmp(code, "deleting") &&
                strcmp(code, "deleted"))
                bad = "it never became active";
        } else if (op->kind == CH_REJECT) {
            if (strcmp(code, "rejected"))
                bad = "it is not rejected";
        } else if (op->kind == CH_DELETE) {
            if (strcmp(code, "deleted") && strcmp(code, "deleting"))
                bad = "it is not deleted";
        }
        if (bad) {
            v->lost_acknowledged++;
            s_problem(v, "LostAcknowledged", "PcxId", rec->pcx, "op #%d %s answered ok, but %s (%s)",
                      i, ch_kind_name(op->kind), bad, *code ? code : "no view");
        }
    }
}

static void s_check_invariants(ch_run_t *r, const s_snap_t *snap, vs_json_t **vpcs, ch_verdict_t *v)
{
    const ch_plan_t *p = &r->plan;
    for (size_t i = 0; i < snap->n; i++) {
        const s_view_t *x = &snap->v[i];
        const char *code = s_final_code(x);
        if (strcmp(code, "active") && strcmp(code, "provisioning"))
            continue;
        char why[128];
        const vs_json_t *a = s_vpc_doc(vpcs, p->nparties, x->vpc[0]);
        const vs_json_t *b = s_vpc_doc(vpcs, p->nparties, x->vpc[1]);
        if (a && b && s_vpcs_overlap(a, b, why, sizeof why)) {
            v->invariant_violations++;
            s_problem(v, "InvariantViolation", "PcxId", x->id, "%s pcx joins overlapping VPCs %s and %s: %s",
                      code, x->vpc[0], x->vpc[1], why);
        }
        for (size_t j = i + 1; j < snap->n; j++) {
            const s_view_t *y = &snap->v[j];
            const char *c2 = s_final_code(y);
            bool same = (!strcmp(x->vpc[0], y->vpc[0]) && !strcmp(x->vpc[1], y->vpc[1])) ||
                        (!strcmp(x->vpc[0], y->vpc[1]) && !strcmp(x->vpc[1], y->vpc[0]));
            if (same && (!strcmp(c2, "active") || !strcmp(c2, "provisioning"))) {
                v->invariant_violations++;
                s_problem(v, "InvariantViolation", "PcxId", x->id, "%s and %s (%s) both join %s and %s",
                          x->id, y->id, c2, x->vpc[0], x->vpc[1]);
                s_problem(v, "InvariantViolation", "PcxId", y->id, "second pcx joining %s and %s",
                          x->vpc[0], x->vpc[1]);
            }
        }
    }
    /* Routes: a route through a pcx is active only while the pcx is. */
    for (int pi = 0; pi < p->nparties; pi++) {
        vs_json_t *out = NULL;
        if (ch_call_sync(r, p->parties[pi].account, p->parties[pi].region, "DescribeRouteTables", "{}",
                         NULL, 0, r->opt.call_timeout_s, &out, NULL, 0) != CH_CALL_OK)
            continue;
        const vs_json_t *rtbs = vs_json_get(out, "RouteTables");
        for (size_t k = 0; k < vs_json_len(rtbs); k++) {
            const vs_json_t *routes = vs_json_get(vs_json_at(rtbs, k), "Routes");
            for (size_t j = 0; j < vs_json_len(routes); j++) {
                const vs_json_t *rt = vs_json_at(routes, j);
                const char *pcx = vs_json_get_str(rt, "VpcPeeringConnectionId");
                const s_view_t *x = pcx ? s_find((s_snap_t *)snap, pcx) : NULL;
                if (pcx && !strcmp(vs_json_get_str(rt, "State") ?: "", "active") &&
                    strcmp(s_final_code(x), "active")) {
                    v->invariant_violations++;
                    s_problem(v, "InvariantViolation", "PcxId", pcx, "a route through it is active "
                              "while it is %s", *s_final_code(x) ? s_final_code(x) : "gone");
                }
            }
        }
        vs_json_free(&out);
    }
}

static void s_check_history(ch_run_t *r, const s_snap_t *snap, ch_verdict_t *v)
{
    size_t n = vs_history_pcx_count(r->hist);
    for (size_t i = 0; i < n; i++) {
        const char *id = vs_history_pcx_id(r->hist, i);
        const s_view_t *x = s_find((s_snap_t *)snap, id);
        const char *req = x && x->code[0][0] ? x->code[0] : NULL;
        const char *acc = x && x->code[1][0] ? x->code[1] : NULL;
        vs_history_final(r->hist, id, req, acc);
    }
    vs_history_end(r->hist, ch_sim_low(r), v->converged);
    v->pcx_count = n;
    for (size_t i = 0; i < n; i++) {
        const char *id = vs_history_pcx_id(r->hist, i);
        char *why = NULL;
        vs_hcheck_t c = vs_history_check_pcx(r->hist, id, 0, &why);
        if (c == VS_HCHECK_VIOLATION) {
            v->linearizability_violations++;
            s_problem(v, "LinearizabilityViolation", "PcxId", id, "%s", why ? why : "");
        } else if (c == VS_HCHECK_TOO_COMPLEX) {
            v->too_complex++;
        }
        free(why);
    }
}

int ch_check(ch_run_t *r, ch_verdict_t *v, char *err, size_t errlen)
{
    memset(v, 0, sizeof *v);
    v->problems = vs_json_array();
    if (s_heal(r, err, errlen) != 0)
        return -1;
    s_snap_t snap = { 0 };
    v->converged = s_converge(r, &snap, &v->convergence_seconds);
    if (!v->converged)
        s_problem(v, "NotConverged", NULL, NULL, "the views of every pcx did not agree and stay "
                  "unchanged for %g s within %g s", CH_STABLE_S, r->opt.converge_timeout_s);
    for (size_t i = 0; i < snap.n; i++) {
        if (!s_agree(r, &snap.v[i])) {
            v->diverged_views++;
            s_problem(v, "DivergedViews", "PcxId", snap.v[i].id, "requester view %s, accepter view %s",
                      snap.v[i].code[0][0] ? snap.v[i].code[0] : "(none)",
                      snap.v[i].code[1][0] ? snap.v[i].code[1] : "(none)");
        }
    }
    int np = r->plan.nparties;
    vs_json_t **vpcs = calloc((size_t)np, sizeof *vpcs);
    for (int p = 0; vpcs && p < np; p++)
        ch_call_sync(r, r->plan.parties[p].account, r->plan.parties[p].region, "DescribeVpcs", "{}", NULL,
                     0, r->opt.call_timeout_s, &vpcs[p], NULL, 0);
    s_attribute(r, &snap, v);
    if (vpcs) {
        s_check_lost(r, &snap, vpcs, v);
        s_check_invariants(r, &snap, vpcs, v);
        for (int p = 0; p < np; p++)
            vs_json_free(&vpcs[p]);
    }
    free(vpcs);
    s_check_history(r, &snap, v);
    free(snap.v);
    return 0;
}

void ch_verdict_free(ch_verdict_t *v)
{
    vs_json_free(&v->problems);
    for (size_t i = 0; i < v->nbad; i++)
        free(v->bad_pcx[i]);
    free(v->bad_pcx);
    memset(v, 0, sizeof *v);
}
