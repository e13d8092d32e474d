/* Random peering workloads in a simulated cluster (sim/simnet.h): three
 * agents (two accounts, two Regions), random creates, accepts, rejects,
 * deletes, option changes, CIDR additions, clock jumps across the expiry
 * and visibility windows, message loss, duplication and reordering, and
 * crashes. Whatever happened, after the network settles every pair of
 * views agrees, the records know the VPCs' real CIDR blocks, and no active
 * connection joins overlapping blocks. check_peering_races.c has targeted
 * races with exact expectations; this one looks for what nobody thought
 * of. A failing seed replays exactly. */
#include "check_peering_fixture.h"

/* -DFUZZ_SEEDS=3000 for a longer hunt; -DFUZZ_ONLY=n -DFUZZ_TRACE replays
 * seed n with the network's trace on stderr. */
#ifndef FUZZ_SEEDS
#define FUZZ_SEEDS 60
#endif
#define FUZZ_OPS 120
#define NVPC 6

typedef struct {
    vs_rng_t rng;
    uint64_t seed;
    int ag[3];
    int vag[NVPC];             /* agent of each VPC */
    const char *vpc[NVPC];
    const char *pcx[64];
    int npcx;
} fuzz_t;

static uint64_t s_below(fuzz_t *f, uint64_t n) { return vs_rng_below(&f->rng, n); }

static const char *s_acct(int a) { return vs_model_account(pf_model(a)); }
static const char *s_region(int a) { return vs_model_region(pf_model(a)); }

/* A block VPC i (primary 10.<i+1>.0.0/16) may add: one of its own that
 * nobody else adds, or one overlapping the primary of the next VPC, which
 * both ends of any connection know from the start. Two blocks added at the
 * same moment on both ends of an active connection, each overlapping the
 * other, are the documented limit of the protocol (docs/peering-protocol.md,
 * CIDR changes): no two VPCs here add overlapping blocks. */
static const char *s_block(fuzz_t *f, int i)
{
    switch (s_below(f, 3)) {
    case 0:
        return J("10.%d.0.0/16", 20 + i);
    case 1:
        return J("10.%d.0.0/16", 30 + i);
    default:
        return J("10.%d.128.0/17", (i + 1) % NVPC + 1);
    }
}

static void s_op(fuzz_t *f)
{
    uint64_t x = s_below(f, 100);
    const char *p = f->npcx ? f->pcx[s_below(f, (uint64_t)f->npcx)] : NULL;
    int ag = f->ag[s_below(f, 3)];
    if (x < 18 && f->npcx < 64) {
        int i = (int)s_below(f, NVPC), j = (int)s_below(f, NVPC);
        if (i == j)
            return;
        int ai = f->vag[i], aj = f->vag[j];
        uint64_t c = pf_call(ai, "CreateVpcPeeringConnection",
                             pcx_input(f->vpc[i], f->vpc[j], s_acct(aj), s_region(aj)));
        const vs_simnet_reply_t *r = pf_reply(c);
        if (r->state == VS_CALL_OK) {
            const char *id = S(pf_out(c), "VpcPeeringConnection.VpcPeeringConnectionId");
            bool known = false;
            for (int k = 0; k < f->npcx; k++)
                known |= !strcmp(f->pcx[k], id);
            if (!known)
                f->pcx[f->npcx++] = id;
        }
    } else if (x < 40 && p) {
        pf_call(ag, "AcceptVpcPeeringConnection", pcx_id_input(p));
    } else if (x < 46 && p) {
        pf_call(ag, "RejectVpcPeeringConnection", pcx_id_input(p));
    } else if (x < 56 && p) {
        pf_call(ag, "DeleteVpcPeeringConnection", pcx_id_input(p));
    } else if (x < 62 && p) {
        pf_call(ag, "ModifyVpcPeeringConnectionOptions",
                J("{\"VpcPeeringConnectionId\":\"%s\",\"%sPeeringConnectionOptions\":"
                  "{\"AllowDnsResolutionFromRemoteVpc\":%s}}", p,
                  s_below(f, 2) ? "Requester" : "Accepter", s_below(f, 2) ? "true" : "false"));
    } else if (x < 72) {
        int i = (int)s_below(f, NVPC);
        pf_call(f->vag[i], "AssociateVpcCidrBlock",
                J("{\"VpcId\":\"%s\",\"CidrBlock\":\"%s\"}", f->vpc[i], s_block(f, i)));
    } else if (x < 74) {
        vs_simnet_crash(g_net, ag);
    } else if (x < 76) {
        pf_advance(s_below(f, 3) * DAY + s_below(f, 3) * HOUR);   /* expiry, windows */
    } else if (x < 90) {
        if (!vs_simnet_deliver_one(g_net))
            pf_advance(s_below(f, 500));
    } else {
        pf_advance(s_below(f, 3000));
    }
}

/* "You cannot have more than one VPC peering connection between two VPCs
 * at the same time" (reference 6.2). */
static void s_check_one_per_pair(fuzz_t *f)
{
    for (int k = 0; k < f->npcx; k++)
        for (int l = k + 1; l < f->npcx; l++) {
            const vs_pcx_obj_t *x = NULL, *y = NULL;
            for (int a = 0; a < 3; a++) {
                const vs_pcx_obj_t *o = rec(f->ag[a], f->pcx[k]), *q = rec(f->ag[a], f->pcx[l]);
                if (o && vs_pcx_obj_is_home(o))
                    x = o;
                if (q && vs_pcx_obj_is_home(q))
                    y = q;
            }
            bool on = x && y && (x->rec.state == VS_PCX_ACTIVE || x->rec.state == VS_PCX_PROVISIONING) &&
                      (y->rec.state == VS_PCX_ACTIVE || y->rec.state == VS_PCX_PROVISIONING);
            ck_assert_msg(!on || !vs_pcx_joins(&x->rec, y->rec.requester.vpc_id, y->rec.accepter.vpc_id),
                          "seed %" PRIu64 ": %s and %s both join %s and %s", f->seed, f->pcx[k],
                          f->pcx[l], y->rec.requester.vpc_id, y->rec.accepter.vpc_id);
        }
}

static void s_check(fuzz_t *f)
{
    s_check_one_per_pair(f);
    for (int k = 0; k < f->npcx; k++) {
        const char *id = f->pcx[k];
        const vs_pcx_obj_t *home = NULL, *rep = NULL;
        int hi = -1, ri = -1;
        for (int a = 0; a < 3; a++) {
            const vs_pcx_obj_t *o = rec(f->ag[a], id);
            if (o && vs_pcx_obj_is_home(o)) {
                home = o;
                hi = f->ag[a];
            } else if (o) {
                rep = o;
                ri = f->ag[a];
            }
        }
        if (!home)
            continue;       /* purged after its windows */
        if (rep)
            same_views(hi, ri, id);
        const vs_pcx_t *p = &home->rec;
        if (p->state != VS_PCX_ACTIVE)
            continue;
        /* The record knows the real blocks, and they do not overlap. */
        int ra = -1, aa = -1;
        for (int a = 0; a < 3; a++) {
            if (!strcmp(s_acct(f->ag[a]), p->requester.account) &&
                !strcmp(s_region(f->ag[a]), p->requester.region))
                ra = f->ag[a];
            if (!strcmp(s_acct(f->ag[a]), p->accepter.account) &&
                !strcmp(s_region(f->ag[a]), p->accepter.region))
                aa = f->ag[a];
        }
        vs_pcx_vpc_t rv, av;
        ck_assert_int_eq(vs_pcx__fill_vpc(pf_model(ra), pf_vpc(ra, p->requester.vpc_id), &rv), 0);
        ck_assert_int_eq(vs_pcx__fill_vpc(pf_model(aa), pf_vpc(aa, p->accepter.vpc_id), &av), 0);
        ck_assert_msg(!vs_pcx_vpcs_overlap(&rv, &av), "seed %" PRIu64 ": %s active over an overlap",
                      f->seed, id);
        rv.options = p->requester.options;
        av.options = p->accepter.options;
        vs_pcx_t real = *p;
        real.requester = rv;
        real.accepter = av;
        vs_json_t *want = pf_keep(vs_pcx_to_doc(p)), *have = pf_keep(vs_pcx_to_doc(&real));
        ck_assert_msg(vs_json_equal(want, have), "seed %" PRIu64 ": %s knows stale blocks:\n%s\n%s",
                      f->seed, id, pf_dump(want), pf_dump(have));
    }
}

#ifdef FUZZ_TRACE
static void s_print(void *ctx, const char *line) { fprintf(stderr, "%s\n", line); }
#endif

START_TEST(fuzz_random_workloads)
{
    pf_teardown();
#ifdef FUZZ_ONLY
    for (uint64_t seed = FUZZ_ONLY; seed <= FUZZ_ONLY; seed++) {
#else
    for (uint64_t seed = 1; seed <= FUZZ_SEEDS; seed++) {
#endif
        fuzz_t f;
        memset(&f, 0, sizeof f);
        f.seed = seed;
        vs_rng_seed(&f.rng, seed * 31 + 7);
        pf_start(seed);
        f.ag[0] = pf_agent(A1, R1);
        f.ag[1] = pf_agent(A2, R2);
        f.ag[2] = pf_agent(A1, R2);
#ifdef FUZZ_TRACE
        vs_simnet_set_trace(g_net, s_print, NULL);
#endif
        for (int i = 0; i < NVPC; i++) {
            f.vag[i] = f.ag[i % 3];
            f.vpc[i] = mkvpc(f.vag[i], J("10.%d.0.0/16", i + 1));
        }
        vs_simnet_faults_t faults = { .drop = 0.1, .duplicate = 0.1,
                                      .delay_max_ms = seed % 2 ? 300 : 5 };
        vs_simnet_set_faults(g_net, &faults);
        for (int i = 0; i < FUZZ_OPS; i++)
            s_op(&f);
        vs_simnet_set_faults(g_net, NULL);
        pf_settle();
        pf_advance(10 * VS_SECOND_MS);
        pf_settle();
        s_check(&f);
        pf_teardown();
    }
    pf_setup();
}
END_TEST

Suite *vs_test_suite(void);
Suite *vs_test_suite(void)
{
    Suite *s = suite_create("peering_fuzz");
    TCase *tc = tcase_create("fuzz");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_set_timeout(tc, 110);
    tcase_add_test(tc, fuzz_random_workloads);
    suite_add_tcase(s, tc);
    return s;
}
