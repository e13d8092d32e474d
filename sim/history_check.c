/* history_check: is one pcx's history linearizable against pcx_fsm? A
 * depth-first search over orders of its operations (Wing & Gong), with
 * memoization of every (linearized set, abstract state) already explored
 * (Lowe's improvement), system events taken between any two operations,
 * and a bound on the states explored. See history.h for the model. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history_priv.h"
#include "pcx_fsm.h"

#define ST_NONE ((int)VS_PCX_STATE_COUNT)   /* not created yet */
#define MAX_WORDS (VS_HISTORY_MAX_PCX_OPS / 64)

/* A step of a linearization: >= 0 an op (local index), < 0 a system event. */
#define EV_STEP(a) (-1 - (int)(a))
#define STEP_EV(s) ((vs_pcx_action_t)(-1 - (s)))

/* An order that got furthest. */
typedef struct {
    int path[VS_HISTORY_MAX_PCX_OPS + 16];
    size_t depth;
    uint64_t lin[MAX_WORDS];
    int st, flag;
} best_t;

typedef struct {
    const vs_history_t *h;
    const vs_hpcx_t *p;
    size_t n, nw;
    size_t ops[VS_HISTORY_MAX_PCX_OPS];          /* local -> history index */
    uint64_t pred[VS_HISTORY_MAX_PCX_OPS][MAX_WORDS];
    size_t nrequired;
    bool has_exp;
    uint64_t exp_ms;
    uint64_t before_exp[MAX_WORDS];              /* required ops completed before expiry */
    uint64_t latest_ms;                          /* the clock got this far */
    /* memo: open addressing over keys of nw + 1 words (0 = empty slot) */
    uint64_t *memo;
    size_t cap, count, max_nodes;
    bool gave_up;
    /* explanation: the orders that got furthest, one per distinct end state */
    int path[VS_HISTORY_MAX_PCX_OPS + 16];
    size_t depth;
    size_t best_count, nbest;
    best_t best[4];
    unsigned end_states;                         /* bit per state reached with all required done */
} search_t;

static bool s_has(const uint64_t *w, size_t i) { return (w[i / 64] >> (i % 64)) & 1u; }
static void s_set(uint64_t *w, size_t i) { w[i / 64] |= 1ull << (i % 64); }
static void s_clr(uint64_t *w, size_t i) { w[i / 64] &= ~(1ull << (i % 64)); }

static bool s_subset(const uint64_t *a, const uint64_t *b, size_t nw)
{
    for (size_t k = 0; k < nw; k++)
        if (a[k] & ~b[k])
            return false;
    return true;
}

static const char *s_state_name(int st)
{
    return st == ST_NONE ? "(not created)" : vs_pcx_state_name((vs_pcx_state_t)st);
}

static const vs_hop_t *s_hop(const search_t *s, size_t i) { return &s->h->ops[s->ops[i]]; }

static bool s_required(const vs_hop_t *o) { return o->out == VS_HOUT_OK || o->out == VS_HOUT_FAIL; }

/* --- memo ----------------------------------------------------------------------------- */

static uint64_t s_hash(const uint64_t *key, size_t nk)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t k = 0; k < nk; k++) {
        x ^= key[k];
        x *= 0xbf58476d1ce4e5b9ull;
        x ^= x >> 31;
    }
    return x;
}

/* true if (lin, st, flag) was seen; records it otherwise. */
static bool s_seen(search_t *s, const uint64_t *lin, int st, int flag)
{
    size_t nk = s->nw + 1;
    uint64_t key[MAX_WORDS + 1];
    memcpy(key, lin, s->nw * sizeof *lin);
    key[s->nw] = 1ull << 63 | (uint64_t)st << 8 | (uint64_t)flag;
    if ((s->count + 1) * 2 > s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 1024;
        uint64_t *nm = calloc(ncap * nk, sizeof *nm);
        if (!nm) {
            s->gave_up = true;
            return true;
        }
        for (size_t i = 0; i < s->cap; i++) {
            const uint64_t *e = &s->memo[i * nk];
            if (!e[s->nw])
                continue;
            size_t j = s_hash(e, nk) & (ncap - 1);
            while (nm[j * nk + s->nw])
                j = (j + 1) & (ncap - 1);
            memcpy(&nm[j * nk], e, nk * sizeof *e);
        }
        free(s->memo);
        s->memo = nm;
        s->cap = ncap;
    }
    size_t j = s_hash(key, nk) & (s->cap - 1);
    while (s->memo[j * nk + s->nw]) {
        if (!memcmp(&s->memo[j * nk], key, nk * sizeof *key))
            return true;
        j = (j + 1) & (s->cap - 1);
    }
    memcpy(&s->memo[j * nk], key, nk * sizeof *key);
    s->count++;
    return false;
}

/* --- the abstract machine ---------------------------------------------------------------- */

static vs_pcx_action_t s_action(vs_hop_kind_t k)
{
    return k == VS_HOP_ACCEPT ? VS_PCX_ACT_ACCEPT
         : k == VS_HOP_REJECT ? VS_PCX_ACT_REJECT : VS_PCX_ACT_DELETE;
}

static bool s_overlaps(const vs_hop_t *o, const char *vpc)
{
    for (size_t k = 0; k < o->noverlaps; k++)
        if (!strcmp(o->overlaps[k], vpc))
            return true;
    return false;
}

static bool s_outstanding(int st)
{
    return st == VS_PCX_INITIATING_REQUEST || st == VS_PCX_PENDING_ACCEPTANCE;
}

/* What accept shows when it took effect: the record right after it. */
static bool s_after_accept(const char *v)
{
    return !v[0] || !strcmp(v, "provisioning");
}

/* A reason, for explanations (why may be a small scratch buffer). */
static void s_why(char *why, size_t wl, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void s_why(char *why, size_t wl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, wl, fmt, ap);
    va_end(ap);
}

/* Op i taking effect (success) in (st, flag): legal? next state. */
static bool s_effect(const search_t *s, const vs_hop_t *o, int st, int flag, int *nst, int *nflag,
                     char *why, size_t wl)
{
    const vs_pcx_t *p = &s->p->ends;
    *nst = st;
    *nflag = flag;
    switch (o->kind) {
    case VS_HOP_CREATE:
        if (st == ST_NONE) {
            *nst = VS_PCX_INITIATING_REQUEST;
            if (o->value[0] && strcmp(o->value, "initiating-request") != 0) {
                s_why(why, wl, "a new request must show initiating-request, it showed %s",
                         o->value);
                return false;
            }
            return true;
        }
        /* A repeated request returns the live pcx, as the home holds it. */
        if (!s_outstanding(st) && st != VS_PCX_PROVISIONING && st != VS_PCX_ACTIVE) {
            s_why(why, wl, "a repeated create cannot return a %s pcx", s_state_name(st));
            return false;
        }
        if (o->value[0] && strcmp(o->value, s_state_name(st)) != 0) {
            s_why(why, wl, "a repeated create showed %s while the pcx was %s", o->value,
                     s_state_name(st));
            return false;
        }
        return true;
    case VS_HOP_CIDR: {
        bool req = !strcmp(o->vpc, p->requester.vpc_id);
        bool overl = s_overlaps(o, req ? p->accepter.vpc_id : p->requester.vpc_id);
        if (req && s_outstanding(st)) {
            s_why(why, wl, "the requester VPC cannot add a block while the request is %s",
                     s_state_name(st));
            return false;
        }
        if (overl && (st == VS_PCX_PROVISIONING || st == VS_PCX_ACTIVE)) {
            s_why(why, wl, "the block overlaps the peer VPC of a %s pcx", s_state_name(st));
            return false;
        }
        if (!req && overl && (s_outstanding(st) || st == ST_NONE))
            *nflag = 1;
        return true;
    }
    case VS_HOP_ACCEPT:
    case VS_HOP_REJECT:
    case VS_HOP_DELETE: {
        if (st == ST_NONE) {
            s_why(why, wl, "the pcx does not exist yet");
            return false;
        }
        vs_pcx_actor_t actor = vs_pcx_fsm_actor(p, o->account, o->region);
        vs_pcx_fsm_ctx_t ctx = { p->id, o->account, o->region, p->accepter.region };
        vs_pcx_state_t next = (vs_pcx_state_t)st;
        vs_awserr_t err;
        if (vs_pcx_fsm_step((vs_pcx_state_t)st, actor, s_action(o->kind), p->inter_region, &ctx,
                            &next, &err) != 0) {
            s_why(why, wl, "%s by %s in %s fails with %s", vs_hop_kind_name(o->kind),
                     vs_pcx_actor_name(actor), s_state_name(st), err.code);
            return false;
        }
        if (o->kind == VS_HOP_ACCEPT && flag) {
            s_why(why, wl, "an overlapping block was added to the accepter VPC before");
            return false;
        }
        if (o->kind == VS_HOP_ACCEPT && o->out == VS_HOUT_OK && !s_after_accept(o->value)) {
            s_why(why, wl, "accept showed %s, not provisioning", o->value);
            return false;
        }
        *nst = (int)next;
        return true;
    }
    default:
        return true;
    }
}

/* Op failing with its error code in (st, flag): does the state explain it? */
static bool s_failure(const search_t *s, const vs_hop_t *o, int st, char *why, size_t wl)
{
    if (o->kind == VS_HOP_CIDR || o->kind == VS_HOP_CREATE || o->kind == VS_HOP_CLOCK)
        return true;   /* their failures have reasons outside this pcx, and no effect */
    const vs_pcx_t *p = &s->p->ends;
    vs_pcx_actor_t actor = vs_pcx_fsm_actor(p, o->account, o->region);
    bool terminal = st != ST_NONE && vs_pcx_state_is_terminal((vs_pcx_state_t)st);
    /* NotFound: the pcx is not there yet, has aged out, or (accepter) its
     * replica has not arrived while the request is initiating. */
    if (!strcmp(o->value, "InvalidVpcPeeringConnectionID.NotFound")) {
        if (st == ST_NONE || terminal || actor == VS_PCX_ACTOR_OTHER ||
            (actor == VS_PCX_ACTOR_ACCEPTER && st == VS_PCX_INITIATING_REQUEST))
            return true;
        s_why(why, wl, "NotFound for %s while the pcx is %s", vs_pcx_actor_name(actor),
                 s_state_name(st));
        return false;
    }
    if (st == ST_NONE) {
        s_why(why, wl, "%s before the pcx exists", o->value);
        return false;
    }
    vs_pcx_fsm_ctx_t ctx = { p->id, o->account, o->region, p->accepter.region };
    vs_pcx_state_t next;
    vs_awserr_t err;
    if (vs_pcx_fsm_step((vs_pcx_state_t)st, actor, s_action(o->kind), p->inter_region, &ctx, &next,
                        &err) != 0) {
        if (!strcmp(err.code, o->value))
            return true;
        s_why(why, wl, "in %s, %s by %s fails with %s, not %s", s_state_name(st),
                 vs_hop_kind_name(o->kind), vs_pcx_actor_name(actor), err.code, o->value);
        return false;
    }
    /* Accept rules beyond the state machine, decided on other pcxs. */
    if (o->kind == VS_HOP_ACCEPT &&
        (!strcmp(o->value, "VpcPeeringConnectionAlreadyExists") ||
         !strcmp(o->value, "ActiveVpcPeeringConnectionPerVpcLimitExceeded")))
        return true;
    s_why(why, wl, "in %s, %s by %s succeeds, but it failed with %s", s_state_name(st),
             vs_hop_kind_name(o->kind), vs_pcx_actor_name(actor), o->value);
    return false;
}

/* A client op taking its place next in the order. */
static bool s_apply(const search_t *s, size_t i, int st, int flag, int *nst, int *nflag,
                    char *why, size_t wl)
{
    const vs_hop_t *o = s_hop(s, i);
    if (o->out == VS_HOUT_FAIL) {
        *nst = st;
        *nflag = flag;
        return s_failure(s, o, st, why, wl);
    }
    return s_effect(s, o, st, flag, nst, nflag, why, wl);
}

static const vs_pcx_action_t s_events[] = {
    VS_PCX_ACT_VALIDATED_OK, VS_PCX_ACT_VALIDATION_FAILED, VS_PCX_ACT_ACCEPTER_CIDR_OVERLAP,
    VS_PCX_ACT_PROVISIONED,  VS_PCX_ACT_EXPIRE,            VS_PCX_ACT_DELETE_DONE,
};
#define NEVENTS (sizeof s_events / sizeof s_events[0])

/* A system event next: allowed now? next state. */
static bool s_event(const search_t *s, vs_pcx_action_t ev, const uint64_t *lin, int st, int flag,
                    int *nst)
{
    if (st == ST_NONE)
        return false;
    switch (ev) {
    case VS_PCX_ACT_VALIDATED_OK:
        if (s->p->valid == VS_HVALID_NO)
            return false;
        break;
    case VS_PCX_ACT_VALIDATION_FAILED:
        if (s->p->valid == VS_HVALID_YES && !flag)
            return false;
        break;
    case VS_PCX_ACT_ACCEPTER_CIDR_OVERLAP:
        if (!flag)
            return false;
        break;
    case VS_PCX_ACT_EXPIRE:
        /* Not before created + 168 h: whatever completed earlier came first. */
        if (!s->has_exp || s->latest_ms < s->exp_ms || !s_subset(s->before_exp, lin, s->nw))
            return false;
        break;
    default:
        break;
    }
    vs_pcx_state_t next;
    vs_awserr_t err;
    if (vs_pcx_fsm_step((vs_pcx_state_t)st, VS_PCX_ACTOR_SYSTEM, ev, s->p->ends.inter_region, NULL,
                        &next, &err) != 0)
        return false;
    *nst = (int)next;
    return true;
}

/* May the run end in (st, flag), given the final views? */
static bool s_final_ok(const search_t *s, int st, int flag)
{
    for (int side = 0; side < 2; side++)
        if (s->p->has_final[side] && s->p->final[side] != st)
            return false;
    if (!s->h->settled)
        return true;
    if (st == VS_PCX_INITIATING_REQUEST || st == VS_PCX_PROVISIONING || st == VS_PCX_DELETING)
        return false;
    if (s_outstanding(st) && (flag || (s->has_exp && s->h->end_ms >= s->exp_ms + VS_SECOND_MS)))
        return false;
    return true;
}

/* --- the search ------------------------------------------------------------------------------ */

static bool s_callable(const search_t *s, size_t i, const uint64_t *lin)
{
    return !s_has(lin, i) && s_subset(s->pred[i], lin, s->nw);
}

/* Remembers the orders that linearized the most operations, for the
 * explanation: the first one found for each distinct (state, flag). */
static void s_note_best(search_t *s, const uint64_t *lin, int st, int flag, size_t done)
{
    if (done > s->best_count || s->nbest == 0) {
        s->best_count = done;
        s->nbest = 0;
    } else if (done < s->best_count || s->nbest == sizeof s->best / sizeof s->best[0]) {
        return;
    }
    for (size_t k = 0; k < s->nbest; k++)
        if (s->best[k].st == st && s->best[k].flag == flag)
            return;
    best_t *b = &s->best[s->nbest++];
    b->depth = s->depth;
    memcpy(b->path, s->path, s->depth * sizeof *s->path);
    memcpy(b->lin, lin, s->nw * sizeof *lin);
    b->st = st;
    b->flag = flag;
}

static bool s_dfs(search_t *s, uint64_t *lin, int st, int flag, size_t done)
{
    if (s->gave_up || s_seen(s, lin, st, flag))
        return false;
    if (s->count > s->max_nodes) {
        s->gave_up = true;
        return false;
    }
    s_note_best(s, lin, st, flag, done);
    if (done == s->nrequired) {
        s->end_states |= 1u << st;
        if (s_final_ok(s, st, flag))
            return true;
    }
    char why[8];
    for (size_t i = 0; i < s->n; i++) {
        if (!s_callable(s, i, lin))
            continue;
        int nst, nflag;
        if (!s_apply(s, i, st, flag, &nst, &nflag, why, sizeof why))
            continue;
        bool req = s_required(s_hop(s, i));
        s_set(lin, i);
        s->path[s->depth++] = (int)i;
        bool found = s_dfs(s, lin, nst, nflag, done + req);
        s->depth--;
        s_clr(lin, i);
        if (found)
            return true;
    }
    for (size_t e = 0; e < NEVENTS; e++) {
        int nst;
        if (!s_event(s, s_events[e], lin, st, flag, &nst))
            continue;
        s->path[s->depth++] = EV_STEP(s_events[e]);
        bool found = s_dfs(s, lin, nst, flag, done);
        s->depth--;
        if (found)
            return true;
    }
    return false;
}

/* Collects the pcx's ops, in invocation order, and the real-time order. */
static int s_prepare(search_t *s)
{
    const vs_history_t *h = s->h;
    uint64_t created = vs_history__created_seq(h, s->p);
    for (size_t i = 0; i < h->nops; i++) {
        if (!vs_history__belongs(h, s->p, created, i, false))
            continue;
        if (s->n == VS_HISTORY_MAX_PCX_OPS)
            return -1;
        s->ops[s->n++] = i;    /* history order is invocation order */
    }
    s->nw = s->n ? (s->n + 63) / 64 : 1;
    uint64_t create_inv = 0;
    for (size_t i = 0; i < s->n; i++) {
        const vs_hop_t *o = s_hop(s, i);
        if (o->kind == VS_HOP_CREATE && (!s->has_exp || o->inv_ms < create_inv)) {
            s->has_exp = true;
            create_inv = o->inv_ms;
        }
        if (s_required(o))
            s->nrequired++;
        for (size_t j = 0; j < s->n; j++) {
            const vs_hop_t *q = s_hop(s, j);
            if (j != i && s_required(q) && q->ret_seq < o->inv_seq)
                s_set(s->pred[i], j);
        }
    }
    s->exp_ms = create_inv + VS_PCX_EXPIRY_MS;
    s->latest_ms = h->end_ms;
    for (size_t i = 0; !h->has_end && i < h->nops; i++) {
        const vs_hop_t *o = &h->ops[i];
        uint64_t t = o->out == VS_HOUT_PENDING ? o->inv_ms : o->ret_ms;
        if (t > s->latest_ms)
            s->latest_ms = t;
    }
    for (size_t i = 0; s->has_exp && i < s->n; i++)
        if (s_required(s_hop(s, i)) && s_hop(s, i)->ret_ms < s->exp_ms)
            s_set(s->before_exp, i);
    return 0;
}

/* --- explanations ----------------------------------------------------------------------------- */

static void s_explain(search_t *s, vs_hbuf_t *b)
{
    if (s->end_states) {
        vs_hbuf_printf(b, "  why: every completed operation can be ordered, but no order ends in "
                          "a state the final views allow; possible end states:");
        for (int st = 0; st <= ST_NONE; st++)
            if (s->end_states & (1u << st))
                vs_hbuf_printf(b, " %s", s_state_name(st));
        vs_hbuf_printf(b, "\n");
        return;
    }
    vs_hbuf_printf(b, "  why: at most %zu of %zu completed operations can be ordered, e.g.",
                   s->best_count, s->nrequired);
    int st = ST_NONE;
    for (size_t k = 0; k < s->best[0].depth; k++) {
        int step = s->best[0].path[k], nst = st, nflag;
        char why[8];
        if (step >= 0) {
            const vs_hop_t *o = s_hop(s, (size_t)step);
            s_apply(s, (size_t)step, st, 0, &nst, &nflag, why, sizeof why);
            vs_hbuf_printf(b, "%s #%zu %s%s", k ? "," : "", s->ops[step], vs_hop_kind_name(o->kind),
                           o->out == VS_HOUT_FAIL ? " (fails)" : "");
        } else {
            vs_hbuf_printf(b, "%s %s", k ? "," : "", vs_pcx_action_name(STEP_EV(step)));
            vs_pcx_state_t next;
            vs_awserr_t err;
            if (vs_pcx_fsm_step((vs_pcx_state_t)st, VS_PCX_ACTOR_SYSTEM, STEP_EV(step),
                                s->p->ends.inter_region, NULL, &next, &err) == 0)
                nst = (int)next;
        }
        st = nst;
    }
    vs_hbuf_printf(b, "%s -> %s\n", s->best[0].depth ? "" : " (nothing)",
                   s_state_name(s->best[0].st));
    for (size_t k = 0; k < s->nbest; k++) {
        vs_hbuf_printf(b, "  then, in %s%s, none of the next operations fits:\n",
                       s_state_name(s->best[k].st),
                       s->best[k].flag ? " (overlapping block added to the accepter)" : "");
        for (size_t i = 0; i < s->n; i++) {
            const vs_hop_t *o = s_hop(s, i);
            if (!s_required(o) || !s_callable(s, i, s->best[k].lin))
                continue;
            char why[200] = "";
            int nst, nflag;
            if (s_apply(s, i, s->best[k].st, s->best[k].flag, &nst, &nflag, why, sizeof why))
                s_why(why, sizeof why, "it fits, but nothing after it does");
            vs_hbuf_printf(b, "    #%zu %s %s: %s\n", s->ops[i], vs_hop_kind_name(o->kind),
                           o->out == VS_HOUT_OK ? "ok" : o->value, why);
        }
    }
}

vs_hcheck_t vs_history_check_pcx(const vs_history_t *h, const char *pcx_id, size_t max_nodes,
                                 char **why)
{
    if (why)
        *why = NULL;
    const vs_hpcx_t *p = h ? vs_history__pcx(h, pcx_id) : NULL;
    if (!p)
        return VS_HCHECK_OK;
    search_t *s = calloc(1, sizeof *s);
    if (!s)
        return VS_HCHECK_TOO_COMPLEX;
    s->h = h;
    s->p = p;
    s->max_nodes = max_nodes ? max_nodes : VS_HISTORY_MAX_NODES;
    vs_hbuf_t b = { 0 };
    vs_hcheck_t verdict;
    if (s_prepare(s) != 0) {
        verdict = VS_HCHECK_TOO_COMPLEX;
        vs_hbuf_printf(&b, "%s: too complex: more than %d operations\n", p->id,
                       VS_HISTORY_MAX_PCX_OPS);
    } else {
        uint64_t lin[MAX_WORDS] = { 0 };
        bool bad_final = (p->has_final[0] && p->final[0] < 0) || (p->has_final[1] && p->final[1] < 0);
        bool ok = !bad_final && s_dfs(s, lin, s->has_exp ? ST_NONE : VS_PCX_INITIATING_REQUEST, 0, 0);
        if (ok) {
            verdict = VS_HCHECK_OK;
        } else if (s->gave_up) {
            verdict = VS_HCHECK_TOO_COMPLEX;
            vs_hbuf_printf(&b, "%s: too complex: gave up after %zu states (%zu operations)\n",
                           p->id, s->count, s->n);
        } else {
            verdict = VS_HCHECK_VIOLATION;
            vs_history__header(h, p, "not linearizable", &b);
            if (bad_final)
                vs_hbuf_printf(&b, "  why: a final view is not a pcx state\n");
            else
                s_explain(s, &b);
        }
    }
    free(s->memo);
    free(s);
    char *text = vs_hbuf_take(&b);
    if (why && verdict != VS_HCHECK_OK)
        *why = text;
    else
        free(text);
    return verdict;
}

vs_hcheck_t vs_history_check(const vs_history_t *h, size_t max_nodes, vs_history_verdict_t *out)
{
    memset(out, 0, sizeof *out);
    vs_hbuf_t b = { 0 };
    for (size_t i = 0; h && i < h->npcx; i++) {
        char *why = NULL;
        vs_hcheck_t v = vs_history_check_pcx(h, h->pcx[i].id, max_nodes, &why);
        out->checked++;
        if (v == VS_HCHECK_VIOLATION) {
            if (!out->violations)
                snprintf(out->first_pcx, sizeof out->first_pcx, "%s", h->pcx[i].id);
            out->violations++;
        } else if (v == VS_HCHECK_TOO_COMPLEX) {
            out->too_complex++;
        }
        if (why)
            vs_hbuf_printf(&b, "%s", why);
        free(why);
    }
    out->explanation = b.len ? vs_hbuf_take(&b) : NULL;
    free(b.s);
    return out->violations ? VS_HCHECK_VIOLATION
         : out->too_complex ? VS_HCHECK_TOO_COMPLEX : VS_HCHECK_OK;
}

void vs_history_verdict_free(vs_history_verdict_t *v)
{
    if (!v)
        return;
    free(v->explanation);
    v->explanation = NULL;
}
