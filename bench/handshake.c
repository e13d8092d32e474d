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
 * the system's work rather than AWS's simulated wait. The answered time
 * is also given in its two parts: CreateMs, from the create's sending to
 * its reply (one relay each way and a turn of the requester's agent), and
 * AcceptMs, from there to the accept's reply (the accept relayed to the
 * accepter, its Op to the home and the home's answer back, the reply: two
 * round trips through the broker and three agent turns, and any retries
 * while the accepter's replica was still initiating).
 *
 * Settled is polled the way a user waiting for many connections polls:
 * in rounds. A round is one clock advance, then from each account
 * (party) one describe-vpc-peering-connections naming every connection
 * of it still waiting (up to S_BATCH IDs a describe, the API's limit).
 * The describes go right behind the advance (the broker hands the tick
 * to every agent before it relays what the bench sent after it). A view
 * still provisioning after that waits for a peer message, not for time:
 * such views are described again at once, together, in one describe per
 * reply (each view at most S_QUICK times, then in the next round). The
 * next round starts once this one's advance and describes are answered;
 * what is answered meanwhile waits for it, so a round covers more
 * handshakes the faster they come. With one handshake in flight a round
 * is that handshake's, as in the unbatched poll before: its settled
 * latency means what it did. With many in flight, the settled rate no
 * longer pays a describe per view and per re-describe (2.6 a handshake
 * with 512 in flight before batching, a few hundredths now:
 * DescribesPerHandshake), but each handshake waits for the round after
 * its answer.
 *
 * Several pairs of agents: --requester A1,A2 --accepter B1,B2 (handshake h
 * uses pair h % pairs). The agents need quotas large enough:
 * --max-outstanding-pcx >= window, --max-active-pcx-per-vpc >= per-vpc.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bjson.h"

#define S_MAX_PAIRS 512
#define S_QUICK 4          /* immediate re-describes of a view, per handshake */
/* IDs per describe: the API's limit. A connection renders to ~800 bytes,
 * so the reply stays under the wire's 1 MiB limit for a document. */
#define S_BATCH 1000

enum { K_VPC = 1, K_CREATE, K_ACCEPT, K_POLL, K_QUICK, K_TICK };

#define TAG(k, i) (((uint64_t)(k) << 56) | (uint64_t)(i))
#define TAG_KIND(t) ((int)((t) >> 56))
#define TAG_INDEX(t) ((size_t)((t) & ((1ull << 56) - 1)))
/* A describe's tag index: the party it went to and how many IDs it named. */
#define POLL_INDEX(party, n) ((size_t)(party) | (size_t)(n) << 16)

/* A view is a handshake's connection as one side sees it: h * 2 + side,
 * side 0 the requester's (waiting bit 1), 1 the accepter's (bit 2). */
typedef struct {
    char pcx[32];
    uint64_t t0, created, answered, settled;   /* created: the create's reply came */
    unsigned waiting;          /* views not yet seen active: 1 requester, 2 accepter */
    unsigned char quick[2];    /* immediate re-describes of each view so far */
} s_hs_t;

typedef struct {
    vs_bclient_t *cl;
    vs_bparty_t req[S_MAX_PAIRS], acc[S_MAX_PAIRS];
    size_t pairs;
    /* The distinct parties (account and Region): one describe per party
     * covers every pair it is in, on either side. */
    vs_bparty_t party[2 * S_MAX_PAIRS];
    size_t nparty;
    unsigned short preq[S_MAX_PAIRS], pacc[S_MAX_PAIRS];   /* pair -> party */
    int vpcs, per_vpc, window;
    bool settle;
    char (*va)[32], (*vb)[32];   /* [pair * vpcs + i] */
    s_hs_t *hs;
    size_t n;
    size_t *queue, nqueue;     /* views to describe after the next clock advance */
    size_t *grouped;           /* scratch: the queue grouped by party */
    size_t *ix, ixmask;        /* pcx ID -> h + 1, open addressing */
    size_t round;              /* this round's advance and describes not yet answered */
    size_t created, answered, settled, retries, ticks, quick, describes;
    size_t qv[S_BATCH];        /* scratch: the views of one reply to describe again */
    char in[S_BATCH * 36 + 64];  /* scratch: a describe's input */
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

/* The index of party p among the distinct parties, added if new. */
static unsigned short s_party_index(s_run_t *r, const vs_bparty_t *p)
{
    size_t k = 0;
    while (k < r->nparty && (strcmp(r->party[k].account, p->account) ||
                             strcmp(r->party[k].region, p->region)))
        k++;
    if (k == r->nparty)
        r->party[r->nparty++] = *p;
    return (unsigned short)k;
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
            return -1;
        }
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

static int s_send_accept(s_run_t *r, size_t h)
{
    char in[128];
    snprintf(in, sizeof in, "{\"VpcPeeringConnectionId\":\"%s\"}", r->hs[h].pcx);
    return vs_bclient_call(r->cl, &r->acc[h % r->pairs], "AcceptVpcPeeringConnection", in,
                           TAG(K_ACCEPT, h));
}

/* --- pcx ID -> handshake ----------------------------------------------------- */

static size_t s_hash(const char *id)
{
    uint64_t x = 1469598103934665603ull;      /* FNV-1a */
    for (; *id; id++)
        x = (x ^ (unsigned char)*id) * 1099511628211ull;
    return (size_t)(x ^ (x >> 29));
}

static void s_index_add(s_run_t *r, size_t h)
{
    size_t i = s_hash(r->hs[h].pcx) & r->ixmask;
    while (r->ix[i])
        i = (i + 1) & r->ixmask;
    r->ix[i] = h + 1;
}

/* The handshake whose connection is id, or SIZE_MAX. */
static size_t s_index_find(const s_run_t *r, const char *id)
{
    for (size_t i = s_hash(id) & r->ixmask; r->ix[i]; i = (i + 1) & r->ixmask)
        if (!strcmp(r->hs[r->ix[i] - 1].pcx, id))
            return r->ix[i] - 1;
    return SIZE_MAX;
}

/* --- settling: batched describes ------------------------------------------- */

static size_t s_view_party(const s_run_t *r, size_t v)
{
    size_t p = v / 2 % r->pairs;
    return v % 2 ? r->pacc[p] : r->preq[p];
}

/* The waiting bits of handshake h that party sees (both when the pair's
 * two parties are one: then it is one connection). */
static unsigned s_sides(const s_run_t *r, size_t h, size_t party)
{
    size_t p = h % r->pairs;
    return (r->preq[p] == party ? 1u : 0u) | (r->pacc[p] == party ? 2u : 0u);
}

/* One describe from party naming views[0..n) (n <= S_BATCH). */
static int s_describe(s_run_t *r, size_t party, const size_t *views, size_t n, int kind)
{
    static const char head[] = "{\"VpcPeeringConnectionIds\":[";
    char *w = r->in;
    memcpy(w, head, sizeof head - 1);
    w += sizeof head - 1;
    for (size_t i = 0; i < n; i++) {     /* each ID < 32 bytes: r->in has room */
        const char *id = r->hs[views[i] / 2].pcx;
        size_t len = strlen(id);
        if (i)
            *w++ = ',';
        *w++ = '"';
        memcpy(w, id, len);
        w += len;
        *w++ = '"';
    }
    memcpy(w, "]}", 3);
    r->describes++;
    return vs_bclient_call(r->cl, &r->party[party], "DescribeVpcPeeringConnections", r->in,
                           TAG(kind, POLL_INDEX(party, n)));
}

/* A round: advance the clock, then from each party one describe (per
 * S_BATCH IDs) naming every view of it that waits. They go right behind
 * the advance: one connection to the broker, handled in order, so every
 * agent gets the tick before these describes and they need not wait for
 * the advance's reply. */
static int s_round(s_run_t *r)
{
    size_t start[2 * S_MAX_PAIRS + 1] = { 0 };
    if (vs_bclient_admin(r->cl, "advance-clock", 2, TAG(K_TICK, 0)) != 0)
        return -1;
    r->ticks++;
    r->round = 1;
    /* Grouped by party, each group in the order the views were queued. */
    for (size_t q = 0; q < r->nqueue; q++)
        start[s_view_party(r, r->queue[q]) + 1]++;
    for (size_t k = 0; k < r->nparty; k++)
        start[k + 1] += start[k];
    for (size_t q = 0; q < r->nqueue; q++)
        r->grouped[start[s_view_party(r, r->queue[q])]++] = r->queue[q];
    /* start[k] is now where party k's group ends. */
    for (size_t k = 0, a = 0; k < r->nparty; a = start[k++])
        for (size_t c = a; c < start[k]; c += S_BATCH) {
            size_t m = start[k] - c < S_BATCH ? start[k] - c : S_BATCH;
            if (s_describe(r, k, &r->grouped[c], m, K_POLL) != 0)
                return -1;
            r->round++;
        }
    r->nqueue = 0;
    return 0;
}

static void s_done(s_run_t *r, size_t h, uint64_t now)
{
    if (!r->settle || r->hs[h].waiting == 0) {
        r->hs[h].settled = now;
        r->settled++;
    }
}

/* One connection of a describe from party (f: its ID and Status): its
 * view is active (done), or provisioning. Described after a clock
 * advance, a provisioning view is past its provisioning time and waits
 * for its peer's message: it is described again at once (at most S_QUICK
 * times), else after the next advance. 0 or -1. */
static int s_on_view(s_run_t *r, size_t party, const vs_bjson_t *f, size_t *nq, uint64_t now)
{
    static const char *const code_key = "Code";
    vs_bjson_t codev;
    char id[32], code[32];
    if (vs_bjson_str(&f[0], id, sizeof id) != 0 ||
        vs_bjson_members(&f[1], &code_key, 1, &codev) != 1 ||
        vs_bjson_str(&codev, code, sizeof code) != 0) {
        fprintf(stderr, "vpcsim-bench: a described connection without ID or status\n");
        return -1;
    }
    size_t h = s_index_find(r, id);
    unsigned bits = h == SIZE_MAX ? 0 : s_sides(r, h, party) & r->hs[h].waiting;
    if (!bits) {
        fprintf(stderr, "vpcsim-bench: described %s, which no view waits for\n", id);
        return -1;
    }
    if (!strcmp(code, "active")) {
        r->hs[h].waiting &= ~bits;
        s_done(r, h, now);
        return 0;
    }
    if (strcmp(code, "provisioning")) {
        fprintf(stderr, "vpcsim-bench: %s is %s, expected provisioning or active\n", id, code);
        return -1;
    }
    size_t side = bits & 1 ? 0 : 1;
    if (r->hs[h].quick[side] < S_QUICK && *nq < S_BATCH) {
        r->hs[h].quick[side]++;
        r->quick++;
        r->qv[(*nq)++] = h * 2 + side;
    } else {
        r->queue[r->nqueue++] = h * 2 + side;
    }
    return 0;
}

static int s_on_describe(s_run_t *r, const Vpcsim__Wire__ApiReply *a, size_t index, uint64_t now)
{
    size_t party = index & 0xffff, named = index >> 16, seen = 0, nq = 0;
    static const char *const list_key = "VpcPeeringConnections";
    static const char *const keys[2] = { "VpcPeeringConnectionId", "Status" };
    vs_bjson_t doc, it, f[2];
    if (!a->ok) {
        fprintf(stderr, "vpcsim-bench: describe failed: %s: %s\n", a->error_code,
                a->error_message);
        return -1;
    }
    int more = vs_bjson_doc(a->output_json, strlen(a->output_json), &doc) == 0 &&
                       vs_bjson_members(&doc, &list_key, 1, &it) == 1
                   ? 1 : -1;
    while (more == 1 && (more = vs_bjson_next_members(&it, keys, 2, f)) > 0) {
        if (s_on_view(r, party, f, &nq, now) != 0)
            return -1;
        seen++;
        more = 1;
    }
    if (more < 0 || seen != named) {
        fprintf(stderr, "vpcsim-bench: a describe of %zu connections answered %zu%s\n", named,
                seen, more < 0 ? " and a malformed document" : "");
        return -1;
    }
    return nq ? s_describe(r, party, r->qv, nq, K_QUICK) : 0;
}

/* Handles one reply; 0, or -1 on a failure that ends the run. */
static int s_on_reply(s_run_t *r, vs_env_t *env, uint64_t tag)
{
    size_t h = TAG_INDEX(tag);
    uint64_t now = vs_bnow_ns();
    int kind = TAG_KIND(tag);
    if (kind == K_TICK || kind == K_POLL)
        r->round--;
    if (kind == K_TICK)
        return 0;
    if (env->body_case != VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY) {
        fprintf(stderr, "vpcsim-bench: undeliverable: %s\n",
                env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE
                    ? env->undeliverable->detail : "unexpected answer");
        return -1;
    }
    const Vpcsim__Wire__ApiReply *a = env->api_reply;
    if (kind == K_CREATE) {
        r->hs[h].created = now;
        if (vs_breply_field(env, "VpcPeeringConnection", "VpcPeeringConnectionId", r->hs[h].pcx,
                            sizeof r->hs[h].pcx) != 0) {
            fprintf(stderr, "vpcsim-bench: create failed: %s\n", a->error_message);
            return -1;
        }
        if (r->settle)
            s_index_add(r, h);
        return s_send_accept(r, h);
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
            return s_send_accept(r, h);
        }
        r->hs[h].answered = now;
        r->answered++;
        if (r->settle) {
            size_t p = h % r->pairs;
            r->hs[h].waiting = 3;
            r->queue[r->nqueue++] = h * 2;
            if (r->pacc[p] != r->preq[p])
                r->queue[r->nqueue++] = h * 2 + 1;
        }
        s_done(r, h, now);
        return 0;
    }
    return s_on_describe(r, a, h, now);
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
        /* A new round when the last one's advance and describes are all
         * answered: what was answered meanwhile waits for it, so that a
         * round's describes grow with the rate (and with 1 in flight, a
         * round is that one handshake's, as before batching). */
        if (r->nqueue && r->round == 0 && s_round(r) != 0)
            return 1;
        uint64_t tag, t;
        vs_env_t *env = vs_bclient_recv(r->cl, &tag, &t, 10000);
        if (!env) {
            fprintf(stderr, "vpcsim-bench: no answer after %zu handshakes\n", r->settled);
            return 1;
        }
        size_t before = r->answered;
        int rc = s_on_reply(r, env, tag);
        vs_bclient_release(r->cl);
        if (rc != 0)
            return 1;
        if (r->answered > before)
            last_answer = vs_bnow_ns();
    }
    uint64_t end = vs_bnow_ns();
    /* The four latencies of each handshake, in one block of four arrays. */
    uint64_t *ans = calloc(4 * r->n, sizeof *ans);
    if (!ans)
        return 1;
    uint64_t *set = ans + r->n, *cre = set + r->n, *acc = cre + r->n;
    for (size_t h = 0; h < r->n; h++) {
        ans[h] = r->hs[h].answered - r->hs[h].t0;
        set[h] = r->hs[h].settled - r->hs[h].t0;
        cre[h] = r->hs[h].created - r->hs[h].t0;
        acc[h] = r->hs[h].answered - r->hs[h].created;
    }
    printf("{\n    \"Handshakes\": %zu,\n    \"Pairs\": %zu,\n    \"Window\": %d,\n"
           "    \"SameRegion\": %s,\n    \"AcceptRetries\": %zu,\n",
           r->n, r->pairs, r->window, strcmp(r->req[0].region, r->acc[0].region) ? "false" : "true",
           r->retries);
    printf("    \"AnsweredPerSecond\": %.0f,\n", r->n / ((last_answer - start) / 1e9));
    if (r->settle)
        printf("    \"SettledPerSecond\": %.0f,\n    \"ClockAdvances\": %zu,\n"
               "    \"DescribeCalls\": %zu,\n    \"DescribesPerHandshake\": %.3f,\n"
               "    \"QuickRedescribes\": %zu,\n",
               r->n / ((end - start) / 1e9), r->ticks, r->describes,
               (double)r->describes / (double)r->n, r->quick);
    s_print_ms("AnsweredMs", ans, r->n, ",");
    s_print_ms("CreateMs", cre, r->n, ",");
    s_print_ms("AcceptMs", acc, r->n, r->settle ? "," : "");
    if (r->settle)
        s_print_ms("SettledMs", set, r->n, "");
    printf("}\n");
    free(ans);
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
    r.grouped = calloc(2 * r.n, sizeof *r.grouped);
    for (r.ixmask = 1; r.ixmask < 2 * r.n; r.ixmask <<= 1)
        ;
    r.ix = calloc(r.ixmask--, sizeof *r.ix);
    for (size_t p = 0; p < r.pairs; p++) {
        r.preq[p] = s_party_index(&r, &r.req[p]);
        r.pacc[p] = s_party_index(&r, &r.acc[p]);
    }
    r.cl = vs_bclient_new(broker);
    int rc = 1;
    if (!r.va || !r.vb || !r.hs || !r.queue || !r.grouped || !r.ix || !r.cl)
        fprintf(stderr, "vpcsim-bench: cannot connect to %s\n", broker);
    else
        rc = s_run(&r);
    vs_bclient_destroy(&r.cl);
    free(r.va);
    free(r.vb);
    free(r.hs);
    free(r.queue);
    free(r.grouped);
    free(r.ix);
    return rc;
}
