/* handshake: peering handshakes across real agents, answered and settled.
 *
 * Creates V VPCs per party, then runs handshakes between requester and
 * accepter VPCs: create-vpc-peering-connection from the requester, accept
 * from the accepter (retried while the accepter's replica is still
 * initiating). A handshake is *answered* when the accept returns, and
 * *settled* (with --settle) when a describe from each account shows the
 * connection active, as a user would see it. The 2 simulated seconds of
 * provisioning are skipped by advancing the shared clock (admin
 * advance-clock) whenever a view is still waiting, so the figure measures
 * the system's work rather than AWS's simulated wait. The describes go
 * right behind the advance (the broker hands the tick to every agent
 * before it relays what the bench sent after it); a view still
 * provisioning after that waits for a peer message, not for time, and is
 * described again at once (at most S_QUICK times, then after the next
 * advance).
 *
 * Several pairs of agents: --requester A1,A2 --accepter B1,B2 (handshake h
 * uses pair h % pairs). The agents need quotas large enough:
 * --max-outstanding-pcx >= window, --max-active-pcx-per-vpc >= per-vpc.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define S_MAX_PAIRS 512
#define S_QUICK 4          /* immediate re-describes of a view, per handshake */

enum { K_VPC = 1, K_CREATE, K_ACCEPT, K_POLL_REQ, K_POLL_ACC, K_TICK };

#define TAG(k, i) (((uint64_t)(k) << 56) | (uint64_t)(i))
#define TAG_KIND(t) ((int)((t) >> 56))
#define TAG_INDEX(t) ((size_t)((t) & ((1ull << 56) - 1)))

typedef struct {
    char pcx[32];
    uint64_t t0, answered, settled;
    unsigned waiting;          /* views not yet seen active: 1 requester, 2 accepter */
    unsigned char quick[2];    /* immediate re-describes of each view so far */
} s_hs_t;

typedef struct {
    vs_bclient_t *cl;
    vs_bparty_t req[S_MAX_PAIRS], acc[S_MAX_PAIRS];
    size_t pairs;
    int vpcs, per_vpc, window;
    bool settle;
    char (*va)[32], (*vb)[32];   /* [pair * vpcs + i] */
    s_hs_t *hs;
    size_t n;
    size_t *queue, nqueue;     /* views to poll after the next clock advance: index*2+side */
    bool ticking;
    size_t created, answered, settled, retries, ticks, quick;
} s_run_t;

static int s_parties(const char *list, vs_bparty_t *out, size_t *n)
{
    char buf[S_MAX_PAIRS * 48];
    snprintf(buf, sizeof buf, "%s", list);
    *n = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (*n == S_MAX_PAIRS || vs_bparty_parse(t, &out[*n]) != 0)
            return -1;
        (*n)++;
    }
    return *n ? 0 : -1;
}

static int s_create_vpcs(s_run_t *r)
{
    size_t total = 2 * r->pairs * (size_t)r->vpcs, sent = 0, done = 0;
    char in[128];
    while (done < total) {
        while (sent < total && (int)vs_bclient_inflight(r->cl) < r->window) {
            size_t k = sent / 2, i = k % (size_t)r->vpcs, p = k / (size_t)r->vpcs;
            bool a = sent % 2 == 0;
            /* Requesters 10.x.y.0/24, accepters 172.16-31.x.y/24: never overlapping. */
            snprintf(in, sizeof in, "{\"CidrBlock\":\"%s.%zu.%zu.0/24\"}", a ? "10" : "172",
                     a ? i / 256 : 16 + i / 256, i % 256);
            if (vs_bclient_call(r->cl, a ? &r->req[p] : &r->acc[p], "CreateVpc", in,
                                TAG(K_VPC, sent)) != 0)
                return -1;
            sent++;
        }
        uint64_t tag, t;
        vs_env_t *env = vs_bclient_recv(r->cl, &tag, &t, 10000);
        size_t s = env ? TAG_INDEX(tag) : 0;
        char *slot = !env ? NULL : s % 2 == 0 ? r->va[s / 2] : r->vb[s / 2];
        if (!env || vs_breply_field(env, "Vpc", "VpcId", slot, 32) != 0) {
            fprintf(stderr, "vpcsim-bench: CreateVpc failed: %s\n",
                    env && env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY
                        ? env->api_reply->error_message : "no answer (is the cluster up?)");
            vs_wire_free(&env);
            return -1;
        }
        vs_wire_free(&env);
        done++;
    }
    return 0;
}

static int s_send_create(s_run_t *r, size_t h)
{
    size_t p = h % r->pairs, j = h / r->pairs, v = (size_t)r->vpcs;
    size_t i = j % v, d = j / v;
    char in[256];
    snprintf(in, sizeof in,
             "{\"VpcId\":\"%s\",\"PeerVpcId\":\"%s\",\"PeerOwnerId\":\"%s\",\"PeerRegion\":\"%s\"}",
             r->va[p * v + i], r->vb[p * v + (i + d) % v], r->acc[p].account, r->acc[p].region);
    r->hs[h].t0 = vs_bnow_ns();
    return vs_bclient_call(r->cl, &r->req[p], "CreateVpcPeeringConnection", in, TAG(K_CREATE, h));
}

static int s_send_by_id(s_run_t *r, size_t h, int kind)
{
    char in[128];
    size_t p = h % r->pairs;
    if (kind == K_ACCEPT) {
        snprintf(in, sizeof in, "{\"VpcPeeringConnectionId\":\"%s\"}", r->hs[h].pcx);
        return vs_bclient_call(r->cl, &r->acc[p], "AcceptVpcPeeringConnection", in,
                               TAG(K_ACCEPT, h));
    }
    snprintf(in, sizeof in, "{\"VpcPeeringConnectionIds\":[\"%s\"]}", r->hs[h].pcx);
    return vs_bclient_call(r->cl, kind == K_POLL_REQ ? &r->req[p] : &r->acc[p],
                           "DescribeVpcPeeringConnections", in, TAG(kind, h));
}

/* The status code of the only connection a describe returned, or "". */
static void s_status(const vs_env_t *env, char *out, size_t outlen)
{
    out[0] = '\0';
    if (env->body_case != VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY || !env->api_reply->ok)
        return;
    const char *txt = env->api_reply->output_json;
    vs_json_t *j = vs_json_parse(txt, strlen(txt), NULL, 0);
    const vs_json_t *c = vs_json_at(vs_json_get(j, "VpcPeeringConnections"), 0);
    const char *code = vs_json_get_str(vs_json_get(c, "Status"), "Code");
    snprintf(out, outlen, "%s", code ? code : "");
    vs_json_free(&j);
}

static void s_done(s_run_t *r, size_t h, uint64_t now)
{
    if (!r->settle || r->hs[h].waiting == 0) {
        r->hs[h].settled = now;
        r->settled++;
    }
}

/* Handles one reply; 0, or -1 on a failure that ends the run. */
static int s_on_reply(s_run_t *r, vs_env_t *env, uint64_t tag)
{
    size_t h = TAG_INDEX(tag);
    uint64_t now = vs_bnow_ns();
    int kind = TAG_KIND(tag);
    if (kind == K_TICK) {
        r->ticking = false;     /* the describes went right behind it (s_run) */
        return 0;
    }
    if (env->body_case != VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY) {
        fprintf(stderr, "vpcsim-bench: undeliverable: %s\n",
                env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE
                    ? env->undeliverable->detail : "unexpected answer");
        return -1;
    }
    const Vpcsim__Wire__ApiReply *a = env->api_reply;
    if (kind == K_CREATE) {
        if (vs_breply_field(env, "VpcPeeringConnection", "VpcPeeringConnectionId", r->hs[h].pcx,
                            sizeof r->hs[h].pcx) != 0) {
            fprintf(stderr, "vpcsim-bench: create failed: %s\n", a->error_message);
            return -1;
        }
        return s_send_by_id(r, h, K_ACCEPT);
    }
    if (kind == K_ACCEPT) {
        if (!a->ok && strcmp(a->error_code, "InvalidStateTransition") &&
            strcmp(a->error_code, "InvalidVpcPeeringConnectionID.NotFound")) {
            fprintf(stderr, "vpcsim-bench: accept failed: %s: %s\n", a->error_code,
                    a->error_message);
            return -1;
        }
        if (!a->ok) {          /* the replica is not pending-acceptance yet */
            r->retries++;
            return s_send_by_id(r, h, K_ACCEPT);
        }
        r->hs[h].answered = now;
        r->answered++;
        r->hs[h].waiting = r->settle ? 3 : 0;
        if (r->settle) {
            r->queue[r->nqueue++] = h * 2;
            r->queue[r->nqueue++] = h * 2 + 1;
        }
        s_done(r, h, now);
        return 0;
    }
    char code[32];
    s_status(env, code, sizeof code);
    unsigned side = kind == K_POLL_REQ ? 1 : 2;
    if (strcmp(code, "active") == 0) {
        r->hs[h].waiting &= ~side;
        s_done(r, h, now);
    } else if (strcmp(code, "provisioning") == 0) {
        /* Described after a clock advance: the provisioning time is over,
         * and this view waits for its peer's message. */
        unsigned char *quick = &r->hs[h].quick[side == 2];
        if (*quick < S_QUICK) {
            (*quick)++;
            r->quick++;
            return s_send_by_id(r, h, kind);
        }
        r->queue[r->nqueue++] = h * 2 + (side == 2);
    } else {
        fprintf(stderr, "vpcsim-bench: %s is %s, expected provisioning or active\n",
                r->hs[h].pcx, code[0] ? code : a->error_message);
        return -1;
    }
    return 0;
}

static void s_print_ms(const char *name, uint64_t *v, size_t n, const char *sep)
{
    vs_bsort(v, n);
    printf("    \"%s\": {\"p50\": %.3f, \"p90\": %.3f, \"p99\": %.3f, \"max\": %.3f}%s\n", name,
           vs_bquantile(v, n, 0.5) / 1e6, vs_bquantile(v, n, 0.9) / 1e6,
           vs_bquantile(v, n, 0.99) / 1e6, vs_bquantile(v, n, 1.0) / 1e6, sep);
}

static int s_run(s_run_t *r)
{
    if (s_create_vpcs(r) != 0)
        return 1;
    uint64_t start = vs_bnow_ns(), last_answer = start;
    while (r->settled < r->n) {
        while (r->created < r->n && (int)(r->created - r->settled) < r->window) {
            if (s_send_create(r, r->created) != 0)
                return 1;
            r->created++;
        }
        if (r->nqueue && !r->ticking) {
            if (vs_bclient_admin(r->cl, "advance-clock", 2, TAG(K_TICK, 0)) != 0)
                return 1;
            r->ticking = true;
            r->ticks++;
            /* One connection to the broker, handled in order: every agent
             * gets the tick before these describes, so they need not wait
             * for the advance's reply. */
            for (size_t q = 0; q < r->nqueue; q++)
                if (s_send_by_id(r, r->queue[q] / 2, r->queue[q] % 2 ? K_POLL_ACC : K_POLL_REQ))
                    return 1;
            r->nqueue = 0;
        }
        uint64_t tag, t;
        vs_env_t *env = vs_bclient_recv(r->cl, &tag, &t, 10000);
        if (!env) {
            fprintf(stderr, "vpcsim-bench: no answer after %zu handshakes\n", r->settled);
            return 1;
        }
        size_t before = r->answered;
        int rc = s_on_reply(r, env, tag);
        vs_wire_free(&env);
        if (rc != 0)
            return 1;
        if (r->answered > before)
            last_answer = vs_bnow_ns();
    }
    uint64_t end = vs_bnow_ns();
    uint64_t *ans = calloc(r->n, sizeof *ans), *set = calloc(r->n, sizeof *set);
    if (!ans || !set)
        return 1;
    for (size_t h = 0; h < r->n; h++) {
        ans[h] = r->hs[h].answered - r->hs[h].t0;
        set[h] = r->hs[h].settled - r->hs[h].t0;
    }
    printf("{\n    \"Handshakes\": %zu,\n    \"Pairs\": %zu,\n    \"Window\": %d,\n"
           "    \"SameRegion\": %s,\n    \"AcceptRetries\": %zu,\n",
           r->n, r->pairs, r->window, strcmp(r->req[0].region, r->acc[0].region) ? "false" : "true",
           r->retries);
    printf("    \"AnsweredPerSecond\": %.0f,\n", r->n / ((last_answer - start) / 1e9));
    if (r->settle)
        printf("    \"SettledPerSecond\": %.0f,\n    \"ClockAdvances\": %zu,\n"
               "    \"QuickRedescribes\": %zu,\n",
               r->n / ((end - start) / 1e9), r->ticks, r->quick);
    s_print_ms("AnsweredMs", ans, r->n, r->settle ? "," : "");
    if (r->settle)
        s_print_ms("SettledMs", set, r->n, "");
    printf("}\n");
    free(ans);
    free(set);
    return 0;
}

int vs_bench_handshake(int argc, char **argv)
{
    const char *broker = "tcp://127.0.0.1:5555";
    s_run_t r = { .vpcs = 100, .per_vpc = 20, .window = 256 };
    int bad = s_parties("111111111111:us-east-1", r.req, &r.pairs) |
              s_parties("222222222222:us-east-1", r.acc, &r.pairs);
    size_t nacc = r.pairs;
    for (int i = 1; i < argc && !bad; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--settle")) { r.settle = true; continue; }
        if (!v) { bad = 1; break; }
        if (!strcmp(argv[i], "--broker")) broker = v;
        else if (!strcmp(argv[i], "--requester")) bad = s_parties(v, r.req, &r.pairs);
        else if (!strcmp(argv[i], "--accepter")) bad = s_parties(v, r.acc, &nacc);
        else if (!strcmp(argv[i], "--vpcs")) r.vpcs = atoi(v);
        else if (!strcmp(argv[i], "--per-vpc")) r.per_vpc = atoi(v);
        else if (!strcmp(argv[i], "--window")) r.window = atoi(v);
        else bad = 1;
        i++;
    }
    if (bad || r.pairs != nacc || r.vpcs < 1 || r.vpcs > 60000 || r.per_vpc < 1 ||
        r.per_vpc > r.vpcs || r.window < 1) {
        fprintf(stderr, "usage: vpcsim-bench handshake [--broker EP] [--requester ACCT:REGION,...]"
                        " [--accepter ACCT:REGION,...] [--vpcs V] [--per-vpc K] [--window W]"
                        " [--settle]\n  (as many accepters as requesters; 1 <= K <= V <= 60000)\n");
        return 2;
    }
    r.n = r.pairs * (size_t)r.vpcs * (size_t)r.per_vpc;
    r.va = calloc(r.pairs * (size_t)r.vpcs, sizeof *r.va);
    r.vb = calloc(r.pairs * (size_t)r.vpcs, sizeof *r.vb);
    r.hs = calloc(r.n, sizeof *r.hs);
    r.queue = calloc(2 * r.n, sizeof *r.queue);
    r.cl = vs_bclient_new(broker);
    int rc = 1;
    if (!r.va || !r.vb || !r.hs || !r.queue || !r.cl)
        fprintf(stderr, "vpcsim-bench: cannot connect to %s\n", broker);
    else
        rc = s_run(&r);
    vs_bclient_destroy(&r.cl);
    free(r.va);
    free(r.vb);
    free(r.hs);
    free(r.queue);
    return rc;
}
