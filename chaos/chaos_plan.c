/* chaos_plan: the seeded plan of a chaos run. Everything a run intends to
 * do - parties, VPCs and their blocks, every operation with its caller and
 * arguments, every kill - follows from the options and the seed alone, so
 * a failing seed replays the same intentions. (What the cluster answers
 * still depends on timing.)
 *
 * Blocks are laid out so that which VPCs overlap is known from the plan:
 * VPC v has the primary block 10.(v+2).0.0/16, except a few "twins" that
 * repeat another party's primary on purpose (their peering must fail). An
 * associate-vpc-cidr-block either adds a fresh /22 from 10.224.0.0/11,
 * which overlaps nothing, or on purpose a /24 inside a peer's primary,
 * distinct for each such op, which overlaps exactly that primary (and its
 * twins). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chaos_int.h"
#include "rng.h"

static const char *const s_regions[CH_MAX_REGIONS] = {
    "us-east-1", "eu-west-1", "ap-northeast-1", "us-west-2",
    "eu-central-1", "ap-southeast-2", "sa-east-1", "ca-central-1",
};

static const char *const s_kind_names[CH_KIND_COUNT] = {
    "create-vpc-peering-connection", "accept-vpc-peering-connection",
    "reject-vpc-peering-connection", "delete-vpc-peering-connection",
    "associate-vpc-cidr-block", "advance-clock",
};

const char *ch_kind_name(ch_kind_t k)
{
    return (unsigned)k < CH_KIND_COUNT ? s_kind_names[k] : "?";
}

static int s_parse4(const char *s, uint32_t *addr, int *len)
{
    unsigned a, b, c, d, n;
    char tail;
    if (!s || sscanf(s, "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &n, &tail) != 5 || a > 255 || b > 255 ||
        c > 255 || d > 255 || n > 32)
        return -1;
    *addr = a << 24 | b << 16 | c << 8 | d;
    *len = (int)n;
    return 0;
}

bool ch_cidr_overlap(const char *x, const char *y)
{
    uint32_t a, b;
    int la, lb;
    if (s_parse4(x, &a, &la) != 0 || s_parse4(y, &b, &lb) != 0)
        return false;
    int l = la < lb ? la : lb;
    uint32_t mask = l ? ~0u << (32 - l) : 0;
    return (a & mask) == (b & mask);
}

/* Per-plan generator state. */
typedef struct {
    vs_rng_t rng;
    ch_plan_t *p;
    int ncreates;
    int *creates;          /* op indices of the creates so far */
    int *assocs_of;        /* planned fresh blocks per VPC */
    int fresh;             /* fresh blocks handed out */
    int into[256];         /* overlapping blocks handed out per primary's second octet */
} s_gen_t;

static int s_below(s_gen_t *g, int n)
{
    return n > 0 ? (int)vs_rng_below(&g->rng, (uint64_t)n) : 0;
}

static bool s_chance(s_gen_t *g, double p)
{
    return vs_rng_unit(&g->rng) < p;
}

static int s_octet(const ch_plan_t *p, int v)
{
    int a = 0, b = 0;
    sscanf(p->vpcs[v].cidr, "%d.%d.", &a, &b);
    return b & 255;
}

/* A create's accepter party. */
static int s_acc_party(const ch_plan_t *p, const ch_op_t *c)
{
    return c->peer >= 0 ? p->vpcs[c->peer].party : c->peer_party;
}

static void s_create(s_gen_t *g, ch_op_t *op, int index)
{
    ch_plan_t *p = g->p;
    op->kind = CH_CREATE_PCX;
    op->overlaps = -1;
    op->reverse_of = -1;
    double r = vs_rng_unit(&g->rng);
    if (g->ncreates && r < 0.10) {
        /* The reverse of an earlier request: two homes for one VPC pair. */
        int k = g->creates[s_below(g, g->ncreates)];
        const ch_op_t *c = &p->ops[k];
        op->vpc = c->peer >= 0 ? c->peer : c->vpc;
        op->peer = c->peer >= 0 ? c->vpc : s_below(g, p->nvpcs);
        op->reverse_of = c->peer >= 0 ? k : -1;
    } else if (g->ncreates && r < 0.20) {
        /* The same request again: AWS answers with the live pcx. */
        const ch_op_t *c = &p->ops[g->creates[s_below(g, g->ncreates)]];
        op->vpc = c->vpc;
        op->peer = c->peer;
    } else if (r < 0.23) {
        /* A peer VPC that does not exist, in an account/Region that does. */
        op->vpc = s_below(g, p->nvpcs);
        op->peer = -1;
    } else {
        op->vpc = s_below(g, p->nvpcs);
        op->peer = s_below(g, p->nvpcs - 1);
        if (op->peer >= op->vpc)
            op->peer++;
    }
    if (op->peer == op->vpc)
        op->peer = (op->vpc + 1) % p->nvpcs;
    op->party = p->vpcs[op->vpc].party;
    op->peer_party = op->peer >= 0 ? p->vpcs[op->peer].party : s_below(g, p->nparties);
    g->creates[g->ncreates++] = index;
}

/* A recent create (most races happen while a request is young). */
static int s_target(s_gen_t *g)
{
    if (!g->ncreates)
        return -1;
    if (s_chance(g, 0.2))
        return g->creates[s_below(g, g->ncreates)];
    int span = g->ncreates < 10 ? g->ncreates : 10;
    return g->creates[g->ncreates - 1 - s_below(g, span)];
}

/* The most recent create that reverses an earlier request, -1 if none
 * among the last few. */
static int s_reverse(const s_gen_t *g)
{
    for (int k = g->ncreates - 1; k >= 0 && k >= g->ncreates - 10; k--)
        if (g->p->ops[g->creates[k]].reverse_of >= 0)
            return g->creates[k];
    return -1;
}

/* accept/reject/delete on create `t`, from the side that may do it with
 * probability `right`, else from the other side. */
static void s_act(s_gen_t *g, ch_op_t *op, ch_kind_t kind, int t, bool accepter_side)
{
    const ch_op_t *c = &g->p->ops[t];
    op->kind = kind;
    op->target = t;
    op->party = accepter_side ? s_acc_party(g->p, c) : c->party;
    op->overlaps = -1;
}

static void s_assoc(s_gen_t *g, ch_op_t *op)
{
    ch_plan_t *p = g->p;
    op->kind = CH_ASSOC_CIDR;
    op->vpc = s_below(g, p->nvpcs);
    op->party = p->vpcs[op->vpc].party;
    op->overlaps = -1;
    int peer = -1;
    if (s_chance(g, 0.35)) {
        /* Overlap a VPC this one was planned to peer with, if any. */
        for (int k = g->ncreates - 1; k >= 0 && peer < 0; k--) {
            const ch_op_t *c = &p->ops[g->creates[k]];
            if (c->vpc == op->vpc && c->peer >= 0 && s_chance(g, 0.5))
                peer = c->peer;
            else if (c->peer == op->vpc && s_chance(g, 0.5))
                peer = c->vpc;
        }
    }
    if (peer >= 0 && s_octet(p, peer) != s_octet(p, op->vpc) && g->into[s_octet(p, peer)] < 256) {
        int o = s_octet(p, peer);
        snprintf(op->cidr, sizeof op->cidr, "10.%d.%d.0/24", o, g->into[o]++);
        op->overlaps = peer;
    } else if (g->assocs_of[op->vpc] < 4) {
        int k = g->fresh++;
        snprintf(op->cidr, sizeof op->cidr, "10.%d.%d.0/22", 224 + k / 64, (k % 64) * 4);
        g->assocs_of[op->vpc]++;
    } else {
        /* The VPC is full (5 blocks): repeat its primary, which must fail. */
        snprintf(op->cidr, sizeof op->cidr, "%s", p->vpcs[op->vpc].cidr);
    }
}

static void s_clock(s_gen_t *g, ch_op_t *op)
{
    op->kind = CH_ADVANCE_CLOCK;
    op->party = -1;
    op->overlaps = -1;
    double r = vs_rng_unit(&g->rng);
    if (r < 0.75)
        op->seconds = 1 + s_below(g, 300);                       /* timers only */
    else if (r < 0.90)
        op->seconds = 3600 + s_below(g, 2 * 3600);              /* 2 h windows */
    else if (r < 0.97)
        op->seconds = 86400 + s_below(g, 86400);                 /* 2 day windows */
    else
        op->seconds = 7 * 86400 + 1 + s_below(g, 3600);          /* past expiry */
}

static int s_cmp_event(const void *a, const void *b)
{
    const ch_event_t *x = a, *y = b;
    return x->at - y->at;
}

int ch_plan_make(const ch_opts_t *o, ch_plan_t *p)
{
    memset(p, 0, sizeof *p);
    s_gen_t g = { .p = p };
    vs_rng_seed(&g.rng, o->seed);
    for (int a = 0; a < o->accounts; a++) {
        for (int r = 0; r < o->regions; r++) {
            ch_party_t *pt = &p->parties[p->nparties++];
            /* 111111111111, 222222222222, ... */
            memset(pt->account, '1' + a, 12);
            pt->account[12] = '\0';
            snprintf(pt->region, sizeof pt->region, "%s", s_regions[r]);
        }
    }
    p->nvpcs = p->nparties * CH_VPCS_PER_PARTY;
    p->vpcs = calloc((size_t)p->nvpcs, sizeof *p->vpcs);
    p->ops = calloc((size_t)o->operations + 1, sizeof *p->ops);
    g.creates = calloc((size_t)o->operations + 1, sizeof *g.creates);
    g.assocs_of = calloc((size_t)p->nvpcs, sizeof *g.assocs_of);
    int nkills = (o->kill_agents ? (o->operations / 100 > 2 ? o->operations / 100 : 2) : 0) +
                 (o->kill_broker ? (o->operations / 150 > 1 ? o->operations / 150 : 1) : 0);
    p->events = calloc((size_t)nkills + 1, sizeof *p->events);
    if (!p->vpcs || !p->ops || !g.creates || !g.assocs_of || !p->events) {
        free(g.creates);
        free(g.assocs_of);
        ch_plan_free(p);
        return -1;
    }
    for (int v = 0; v < p->nvpcs; v++) {
        ch_vpc_plan_t *vp = &p->vpcs[v];
        vp->party = v / CH_VPCS_PER_PARTY;
        vp->twin = -1;
        snprintf(vp->cidr, sizeof vp->cidr, "10.%d.0.0/16", v + 2);
        /* One VPC in six repeats the primary block of another party's VPC. */
        if (v > CH_VPCS_PER_PARTY && s_chance(&g, 1.0 / 6)) {
            int t = s_below(&g, v - v % CH_VPCS_PER_PARTY);
            if (p->vpcs[t].twin < 0) {
                vp->twin = t;
                snprintf(vp->cidr, sizeof vp->cidr, "%s", p->vpcs[t].cidr);
            }
        }
    }
    int n = o->operations;
    for (int i = 0; i < n; i++) {
        ch_op_t *op = &p->ops[i];
        op->client = s_below(&g, o->clients);
        op->target = op->reverse_of = -1;
        op->vpc = op->peer = -1;
        double r = vs_rng_unit(&g.rng);
        int t = s_target(&g);
        if (t < 0 || r < 0.28) {
            s_create(&g, op, i);
        } else if (r < 0.46) {
            s_act(&g, op, CH_ACCEPT, t, s_chance(&g, 0.9));
        } else if (r < 0.52) {
            s_act(&g, op, CH_REJECT, t, s_chance(&g, 0.85));
        } else if (r < 0.66) {
            s_act(&g, op, CH_DELETE, t, s_chance(&g, 0.5));
        } else if (r < 0.80 && i + 1 < n && s_reverse(&g) >= 0 && s_chance(&g, 0.25)) {
            /* Both requests of one VPC pair accepted at the same moment, at
             * their two homes: at most one may become active. */
            int rev = s_reverse(&g);
            s_act(&g, op, CH_ACCEPT, p->ops[rev].reverse_of, true);
            op->with_next = true;
            ch_op_t *op2 = &p->ops[++i];
            op2->client = (op->client + 1 + s_below(&g, o->clients > 1 ? o->clients - 1 : 1)) %
                          o->clients;
            op2->vpc = op2->peer = -1;
            s_act(&g, op2, CH_ACCEPT, rev, true);
        } else if (r < 0.80 && i + 1 < n) {
            /* A race: two clients act on one pcx at the same moment. */
            static const ch_kind_t pairs[][2] = {
                { CH_DELETE, CH_DELETE }, { CH_DELETE, CH_DELETE }, { CH_ACCEPT, CH_DELETE },
                { CH_ACCEPT, CH_REJECT }, { CH_REJECT, CH_DELETE }, { CH_ACCEPT, CH_ACCEPT },
            };
            int k = s_below(&g, (int)(sizeof pairs / sizeof pairs[0]));
            /* Accept and reject come from the accepter; deletes from a random
             * side, and two deletes from both sides. */
            bool side[2];
            for (int j = 0; j < 2; j++)
                side[j] = pairs[k][j] != CH_DELETE || s_chance(&g, 0.5);
            if (pairs[k][0] == CH_DELETE && pairs[k][1] == CH_DELETE)
                side[1] = !side[0];
            s_act(&g, op, pairs[k][0], t, side[0]);
            op->with_next = true;
            ch_op_t *op2 = &p->ops[++i];
            op2->client = (op->client + 1 + s_below(&g, o->clients > 1 ? o->clients - 1 : 1)) %
                          o->clients;
            op2->vpc = op2->peer = -1;
            s_act(&g, op2, pairs[k][1], t, side[1]);
        } else if (r < 0.92) {
            s_assoc(&g, op);
        } else {
            s_clock(&g, op);
        }
    }
    p->nops = n;
    if (o->kill_agents) {
        int k = n / 100 > 2 ? n / 100 : 2;
        for (int j = 0; j < k; j++)
            p->events[p->nevents++] = (ch_event_t){ CH_EV_KILL_AGENT, 1 + s_below(&g, n - 1),
                                                    s_below(&g, p->nparties), 200 + s_below(&g, 1300) };
    }
    if (o->kill_broker) {
        int k = n / 150 > 1 ? n / 150 : 1;
        for (int j = 0; j < k; j++)
            p->events[p->nevents++] = (ch_event_t){ CH_EV_KILL_BROKER, 1 + s_below(&g, n - 1), -1,
                                                    200 + s_below(&g, 800) };
    }
    qsort(p->events, (size_t)p->nevents, sizeof *p->events, s_cmp_event);
    free(g.creates);
    free(g.assocs_of);
    return 0;
}

void ch_plan_free(ch_plan_t *p)
{
    free(p->vpcs);
    free(p->ops);
    free(p->events);
    memset(p, 0, sizeof *p);
}
