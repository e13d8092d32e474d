/* simrun_check: what a schedule checks - invariants after every step, and
 * after settling the views, the acknowledged operations and the history
 * (history.h). Failures go into the schedule's report, each once. */
#include <inttypes.h>
#include <stdio.h>

#include "simrun_priv.h"

static const char *const s_side[2] = { "requester", "accepter" };

/* Records key; true if it was already there (the failure is reported). */
static bool s_reported(sim_t *s, const char *key)
{
    for (size_t i = 0; i < s->nreported; i++)
        if (!strcmp(s->reported[i], key))
            return true;
    char (*n)[160] = realloc(s->reported, (s->nreported + 1) * sizeof *n);
    if (!n)
        return true;
    s->reported = n;
    snprintf(s->reported[s->nreported++], sizeof s->reported[0], "%s", key);
    return false;
}

static void s_blame(sim_t *s, const char *pcx_id)
{
    if (!pcx_id || !pcx_id[0])
        return;
    if (!s->r->failing_pcx[0])
        snprintf(s->r->failing_pcx, sizeof s->r->failing_pcx, "%s", pcx_id);
    for (size_t i = 0; i < s->nblamed; i++)
        if (!strcmp(s->blamed[i], pcx_id))
            return;
    char (*n)[VS_ID_LEN] = realloc(s->blamed, (s->nblamed + 1) * sizeof *n);
    if (!n)
        return;
    s->blamed = n;
    snprintf(s->blamed[s->nblamed++], VS_ID_LEN, "%s", pcx_id);
}

static void s_fail(sim_t *s, const char *check, const char *pcx_id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void s_fail(sim_t *s, const char *check, const char *pcx_id, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    vs_hbuf_printf(&s->report, "%s: %s\n", check, msg);
    vs_simrun__trace(s, "CHECK FAILED %s: %s", check, msg);
    s_blame(s, pcx_id);
}

#define INVARIANT(s, key, pcx, ...)                                   \
    do {                                                              \
        if (!s_reported((s), (key))) {                                \
            (s)->r->invariant_violations++;                           \
            s_fail((s), "InvariantViolation", (pcx), __VA_ARGS__);    \
        }                                                             \
    } while (0)

static bool s_busy(vs_pcx_state_t st)
{
    return st == VS_PCX_ACTIVE || st == VS_PCX_PROVISIONING;
}

/* Views only move forward: each version newer than the last one seen. */
static void s_watch_views(sim_t *s, sim_pcx_t *p)
{
    for (int side = 0; side < 2; side++) {
        int agent = side ? p->acc_agent : p->req_agent;
        if (side && (agent < 0 || agent == p->req_agent))
            continue;
        const vs_pcx_obj_t *o = vs_simrun__obj(s, agent, p->id);
        if (!o)
            continue;
        int st = (int)o->rec.state;
        uint64_t v = o->rec.version;
        bool changed = !p->seen[side] || v != p->ver[side] || st != p->st[side];
        if (p->seen[side] && (v < p->ver[side] || (v == p->ver[side] && st != p->st[side]))) {
            char key[160];
            snprintf(key, sizeof key, "back %s %d %" PRIu64, p->id, side, v);
            INVARIANT(s, key, p->id, "the %s view of %s (a%d) went back from %s v%" PRIu64
                      " to %s v%" PRIu64, s_side[side], p->id, agent,
                      vs_pcx_state_name((vs_pcx_state_t)p->st[side]), p->ver[side],
                      vs_pcx_state_name((vs_pcx_state_t)st), v);
        }
        if (changed && p->seen[side])
            vs_simrun__trace(s, "a%d %s %s view: %s v%" PRIu64 " -> %s v%" PRIu64, agent, p->id,
                             s_side[side], vs_pcx_state_name((vs_pcx_state_t)p->st[side]),
                             p->ver[side], vs_pcx_state_name((vs_pcx_state_t)st), v);
        else if (changed)
            vs_simrun__trace(s, "a%d %s %s view: new, %s v%" PRIu64, agent, p->id, s_side[side],
                             vs_pcx_state_name((vs_pcx_state_t)st), v);
        p->seen[side] = true;
        p->st[side] = st;
        p->ver[side] = v;
    }
}

/* An active (or provisioning) pcx never joins overlapping VPCs, as the
 * agents hold them right now. */
static void s_check_overlap(sim_t *s, const sim_pcx_t *p, const vs_pcx_obj_t *home)
{
    const char *rid = s->vpcs[p->req_vpc].id;
    const vs_vpc_t *rv = vs_simrun__vpc(s, p->req_agent, rid);
    const vs_vpc_t *av = vs_simrun__vpc(s, vs_simrun__vpc_agent(s, p->acc_vpc), p->acc_vpc);
    for (size_t i = 0; rv && av && i < rv->nv4; i++) {
        for (size_t j = 0; j < av->nv4; j++) {
            if (!vs_cidr_overlaps(&rv->v4[i].cidr, &av->v4[j].cidr))
                continue;
            char a[VS_CIDR_STRLEN], b[VS_CIDR_STRLEN], key[160];
            vs_cidr_format(&rv->v4[i].cidr, a, sizeof a);
            vs_cidr_format(&av->v4[j].cidr, b, sizeof b);
            snprintf(key, sizeof key, "overlap %s", p->id);
            INVARIANT(s, key, p->id, "%s is %s but joins overlapping VPCs: %s has %s, %s has %s",
                      p->id, vs_pcx_state_name(home->rec.state), rid, a, p->acc_vpc, b);
            return;
        }
    }
}

static bool s_same_pair(const sim_t *s, const sim_pcx_t *a, const sim_pcx_t *b)
{
    const char *a1 = s->vpcs[a->req_vpc].id, *a2 = a->acc_vpc;
    const char *b1 = s->vpcs[b->req_vpc].id, *b2 = b->acc_vpc;
    return (!strcmp(a1, b1) && !strcmp(a2, b2)) || (!strcmp(a1, b2) && !strcmp(a2, b1));
}

void vs_simrun__observe(sim_t *s)
{
    for (size_t i = 0; i < s->npcx; i++)
        s_watch_views(s, &s->pcx[i]);
    for (size_t i = 0; i < s->npcx; i++) {
        const sim_pcx_t *p = &s->pcx[i];
        const vs_pcx_obj_t *home = vs_simrun__obj(s, p->req_agent, p->id);
        if (!home || !s_busy(home->rec.state))
            continue;
        s_check_overlap(s, p, home);
        for (size_t j = i + 1; j < s->npcx; j++) {
            const sim_pcx_t *q = &s->pcx[j];
            const vs_pcx_obj_t *qh = vs_simrun__obj(s, q->req_agent, q->id);
            if (!qh || !s_busy(qh->rec.state) || !s_same_pair(s, p, q))
                continue;
            char key[160];
            snprintf(key, sizeof key, "pair %s %s", p->id, q->id);
            INVARIANT(s, key, p->id, "two connections join %s and %s at once: %s is %s, %s is %s",
                      s->vpcs[p->req_vpc].id, p->acc_vpc, p->id,
                      vs_pcx_state_name(home->rec.state), q->id, vs_pcx_state_name(qh->rec.state));
            s_blame(s, q->id);
        }
    }
}

/* --- at the end ------------------------------------------------------------------------------- */

static void s_check_views(sim_t *s)
{
    for (size_t i = 0; i < s->npcx; i++) {
        const sim_pcx_t *p = &s->pcx[i];
        const vs_pcx_obj_t *home = vs_simrun__obj(s, p->req_agent, p->id);
        const vs_pcx_obj_t *rep = p->acc_agent >= 0 && p->acc_agent != p->req_agent
                                      ? vs_simrun__obj(s, p->acc_agent, p->id) : NULL;
        /* A live view its agent hid because the home forgot the pcx (Gone)
         * is a tombstone: no view. */
        if (rep && rep->hidden && vs_pcx__live(rep))
            rep = NULL;
        if (!home && rep && vs_pcx__live(rep)) {
            /* The home forgot a pcx whose replica still lives: no message
             * will ever move that view again. */
            s->r->diverged_views++;
            s_fail(s, "DivergedViews", p->id,
                   "%s: requester view (a%d) none, accepter view (a%d) %s v%" PRIu64, p->id,
                   p->req_agent, p->acc_agent, vs_pcx_state_name(rep->rec.state),
                   rep->rec.version);
        }
        if (home && rep &&
            (home->rec.state != rep->rec.state || home->rec.version != rep->rec.version)) {
            s->r->diverged_views++;
            s_fail(s, "DivergedViews", p->id,
                   "%s: requester view (a%d) %s v%" PRIu64 ", accepter view (a%d) %s v%" PRIu64,
                   p->id, p->req_agent, vs_pcx_state_name(home->rec.state), home->rec.version,
                   p->acc_agent, vs_pcx_state_name(rep->rec.state), rep->rec.version);
        }
        const char *rs = home ? vs_pcx_state_name(home->rec.state) : NULL;
        const char *as = p->acc_agent == p->req_agent ? rs
                       : rep ? vs_pcx_state_name(rep->rec.state) : NULL;
        vs_history_final(s->h, p->id, rs, as);
    }
}

/* Did an operation answered ok happen, and stay? */
static void s_check_acknowledged(sim_t *s)
{
    uint64_t now = vs_simnet_now(s->net);
    for (size_t i = 0; i < s->nops; i++) {
        const sim_op_t *op = &s->ops[i];
        if (vs_history_outcome(s->h, op->hop) != VS_HOUT_OK)
            continue;
        if (op->kind == VS_HOP_CIDR) {
            const sim_vpc_t *v = &s->vpcs[op->vpc];
            const vs_vpc_t *vpc = vs_simrun__vpc(s, v->agent, v->id);
            bool has = false;
            for (size_t k = 0; vpc && k < vpc->nv4; k++)
                has |= vs_cidr_equal(&vpc->v4[k].cidr, &op->block);
            char text[VS_CIDR_STRLEN];
            vs_cidr_format(&op->block, text, sizeof text);
            if (!has) {
                s->r->lost_acknowledged++;
                s_fail(s, "LostAcknowledged", NULL, "#%d: %s was added to %s, but it is gone",
                       op->hop, text, v->id);
            }
            continue;
        }
        if (op->pcx < 0)
            continue;
        const sim_pcx_t *p = &s->pcx[op->pcx];
        const vs_pcx_obj_t *home = vs_simrun__obj(s, p->req_agent, p->id);
        if (!home) {
            /* Purged: only long after it ended (2 h + 7 days at the least). */
            if (op->kind == VS_HOP_CREATE && op->new_pcx &&
                now - p->created_ms < VS_PCX_TOMBSTONE_MS + 2 * VS_HOUR_MS) {
                s->r->lost_acknowledged++;
                s_fail(s, "LostAcknowledged", p->id, "#%d: create answered %s, but its home "
                       "(a%d) holds no such pcx", op->hop, p->id, p->req_agent);
            }
            continue;
        }
        vs_pcx_state_t st = home->rec.state;
        bool stays;
        switch (op->kind) {
        case VS_HOP_ACCEPT:
            stays = s_busy(st) || st == VS_PCX_DELETING || st == VS_PCX_DELETED;
            break;
        case VS_HOP_REJECT:
            stays = st == VS_PCX_REJECTED;
            break;
        case VS_HOP_DELETE:
            stays = st == VS_PCX_DELETING || st == VS_PCX_DELETED;
            break;
        default:
            stays = true;
            break;
        }
        if (!stays) {
            s->r->lost_acknowledged++;
            s_fail(s, "LostAcknowledged", p->id, "#%d: %s of %s answered ok, but the pcx is %s",
                   op->hop, vs_hop_kind_name(op->kind), p->id, vs_pcx_state_name(st));
        }
    }
}

void vs_simrun__final_checks(sim_t *s, bool settled)
{
    if (!settled)
        INVARIANT(s, "settle", NULL, "the network did not settle after the faults were healed");
    vs_simrun__observe(s);
    s_check_views(s);
    s_check_acknowledged(s);
    vs_history_end(s->h, vs_simnet_now(s->net), settled);
    vs_history_verdict_t v;
    vs_history_check(s->h, 0, &v);
    s->r->linearizability_violations = v.violations;
    s->r->too_complex = v.too_complex;
    if (v.violations) {
        vs_simrun__trace(s, "CHECK FAILED Linearizability: %zu pcx", v.violations);
        s_blame(s, v.first_pcx);
    }
    if (v.explanation)
        vs_hbuf_printf(&s->report, "%s%s", v.violations ? "LinearizabilityViolation: " : "",
                       v.explanation);
    /* The histories of the other pcxs a check failed on. */
    for (size_t i = 0; i < s->nblamed; i++) {
        char head[VS_ID_LEN + 32];
        snprintf(head, sizeof head, "%s: not linearizable", s->blamed[i]);
        if (v.explanation && strstr(v.explanation, head))
            continue;
        char *text = vs_history_format(s->h, s->blamed[i]);
        vs_hbuf_printf(&s->report, "history of %s:\n%s", s->blamed[i], text ? text : "");
        free(text);
    }
    vs_history_verdict_free(&v);
}
