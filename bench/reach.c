/* reach: the Reachability Analyzer over a large topology. Spreads --vpcs
 * VPCs over the given agents (VPC k on party k % parties), each with one
 * subnet, one instance and a security group open to 10.0.0.0/8 on port 22,
 * peers them in a chain (k with k+1, so every peering crosses agents) with
 * routes both ways, then runs --analyses analyses one at a time, each from
 * an instance to the next VPC's instance by address, and reports the time
 * from StartNetworkInsightsAnalysis to a describe showing it succeeded.
 * Every analysis must find the path: that checks the topology was built.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bjson.h"
#include "json.h"

#define S_MAX_PARTIES 256
#define S_ID 32

typedef struct {
    char vpc[S_ID], subnet[S_ID], rtb[S_ID], sg[S_ID], inst[S_ID], pcx[S_ID], nip[S_ID];
} s_vpc_t;

typedef struct {
    vs_bclient_t *cl;
    vs_bparty_t party[S_MAX_PARTIES];
    size_t parties, n, analyses;
    s_vpc_t *v;
} s_topo_t;

static const vs_bparty_t *s_owner(const s_topo_t *t, size_t k)
{
    return &t->party[k % t->parties];
}

/* VPC k is 10.(k / 256).(k % 256).0/24; its instance is .10. */
static void s_cidr(size_t k, char *out, size_t len, const char *host)
{
    snprintf(out, len, "10.%zu.%zu.%s", k / 256, k % 256, host);
}

/* The first string at out[list][0][key] of a reply, or -1. */
static int s_first(const vs_env_t *env, const char *list, const char *key, char *out)
{
    if (env->body_case != VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY || !env->api_reply->ok)
        return -1;
    const char *txt = env->api_reply->output_json;
    vs_bjson_t doc, arr, it, first, v;
    if (vs_bjson_doc(txt, strlen(txt), &doc) != 0 || vs_bjson_members(&doc, &list, 1, &arr) != 1)
        return -1;
    it = arr;
    if (vs_bjson_next(&it, &first) != 1 || vs_bjson_members(&first, &key, 1, &v) != 1)
        return -1;
    return vs_bjson_str(&v, out, S_ID);
}

/* --- the stages, each one batch -------------------------------------------- */

static int s_vpc_item(void *c, size_t k, const vs_bparty_t **p, const char **a, char *in, size_t len)
{
    char cidr[32];
    s_cidr(k, cidr, sizeof cidr, "0/24");
    *p = s_owner(c, k);
    *a = "CreateVpc";
    snprintf(in, len, "{\"CidrBlock\":\"%s\"}", cidr);
    return 0;
}

static int s_vpc_reply(void *c, size_t k, const vs_env_t *env)
{
    return vs_breply_field(env, "Vpc", "VpcId", ((s_topo_t *)c)->v[k].vpc, S_ID);
}

/* Per VPC: its subnet, its main route table, its default security group. */
static int s_parts_item(void *c, size_t i, const vs_bparty_t **p, const char **a, char *in,
                        size_t len)
{
    s_topo_t *t = c;
    size_t k = i / 3;
    char cidr[32];
    s_cidr(k, cidr, sizeof cidr, "0/24");
    *p = s_owner(t, k);
    switch (i % 3) {
    case 0:
        *a = "CreateSubnet";
        snprintf(in, len, "{\"VpcId\":\"%s\",\"CidrBlock\":\"%s\"}", t->v[k].vpc, cidr);
        break;
    case 1:
        *a = "DescribeRouteTables";
        snprintf(in, len, "{\"Filters\":[{\"Name\":\"vpc-id\",\"Values\":[\"%s\"]}]}", t->v[k].vpc);
        break;
    default:
        *a = "DescribeSecurityGroups";
        snprintf(in, len, "{\"Filters\":[{\"Name\":\"vpc-id\",\"Values\":[\"%s\"]}]}", t->v[k].vpc);
    }
    return 0;
}

static int s_parts_reply(void *c, size_t i, const vs_env_t *env)
{
    s_vpc_t *v = &((s_topo_t *)c)->v[i / 3];
    switch (i % 3) {
    case 0: return vs_breply_field(env, "Subnet", "SubnetId", v->subnet, S_ID);
    case 1: return s_first(env, "RouteTables", "RouteTableId", v->rtb);
    default: return s_first(env, "SecurityGroups", "GroupId", v->sg);
    }
}

static int s_inst_item(void *c, size_t i, const vs_bparty_t **p, const char **a, char *in,
                       size_t len)
{
    s_topo_t *t = c;
    size_t k = i / 2;
    char ip[32];
    s_cidr(k, ip, sizeof ip, "10");
    *p = s_owner(t, k);
    if (i % 2 == 0) {
        *a = "RunInstances";
        snprintf(in, len, "{\"ImageId\":\"ami-0abcdef1234567890\",\"MinCount\":1,\"MaxCount\":1,"
                          "\"SubnetId\":\"%s\",\"PrivateIpAddress\":\"%s\"}", t->v[k].subnet, ip);
    } else {
        *a = "AuthorizeSecurityGroupIngress";
        snprintf(in, len, "{\"GroupId\":\"%s\",\"IpProtocol\":\"tcp\",\"FromPort\":22,"
                          "\"ToPort\":22,\"CidrIp\":\"10.0.0.0/8\"}", t->v[k].sg);
    }
    return 0;
}

static int s_inst_reply(void *c, size_t i, const vs_env_t *env)
{
    if (i % 2)
        return env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY && env->api_reply->ok
                   ? 0 : -1;
    return s_first(env, "Instances", "InstanceId", ((s_topo_t *)c)->v[i / 2].inst);
}

/* Peering k with k + 1: the create (from k's owner), then the accept (from
 * k + 1's owner), retried while the replica is still initiating. */
static int s_pcx_item(void *c, size_t k, const vs_bparty_t **p, const char **a, char *in,
                      size_t len)
{
    s_topo_t *t = c;
    if (!t->v[k].pcx[0]) {
        const vs_bparty_t *peer = s_owner(t, k + 1);
        *p = s_owner(t, k);
        *a = "CreateVpcPeeringConnection";
        snprintf(in, len, "{\"VpcId\":\"%s\",\"PeerVpcId\":\"%s\",\"PeerOwnerId\":\"%s\","
                          "\"PeerRegion\":\"%s\"}", t->v[k].vpc, t->v[k + 1].vpc,
                 peer->account, peer->region);
    } else {
        *p = s_owner(t, k + 1);
        *a = "AcceptVpcPeeringConnection";
        snprintf(in, len, "{\"VpcPeeringConnectionId\":\"%s\"}", t->v[k].pcx);
    }
    return 0;
}

static int s_pcx_reply(void *c, size_t k, const vs_env_t *env)
{
    s_topo_t *t = c;
    if (env->body_case != VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY)
        return -1;
    const Vpcsim__Wire__ApiReply *r = env->api_reply;
    if (!t->v[k].pcx[0])
        return vs_breply_field(env, "VpcPeeringConnection", "VpcPeeringConnectionId",
                               t->v[k].pcx, S_ID) == 0 ? 1 : -1;
    if (r->ok)
        return 0;
    return !strcmp(r->error_code, "InvalidStateTransition") ||
           !strcmp(r->error_code, "InvalidVpcPeeringConnectionID.NotFound") ? 1 : -1;
}

/* Routes both ways over each peering; retried until the connection is
 * active in that view (the clock was just advanced past provisioning). */
static int s_route_item(void *c, size_t i, const vs_bparty_t **p, const char **a, char *in,
                        size_t len)
{
    s_topo_t *t = c;
    size_t k = i / 2, from = i % 2 ? k + 1 : k, to = i % 2 ? k : k + 1;
    char cidr[32];
    s_cidr(to, cidr, sizeof cidr, "0/24");
    *p = s_owner(t, from);
    *a = "CreateRoute";
    snprintf(in, len, "{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"%s\","
                      "\"VpcPeeringConnectionId\":\"%s\"}", t->v[from].rtb, cidr, t->v[k].pcx);
    return 0;
}

static int s_route_reply(void *c, size_t i, const vs_env_t *env)
{
    (void)c;
    (void)i;
    if (env->body_case != VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY)
        return -1;
    if (env->api_reply->ok)
        return 0;
    usleep(1000);   /* the view is not active yet: let the agent catch up */
    return strstr(env->api_reply->error_code, "InvalidVpcPeeringConnection") ||
           strstr(env->api_reply->error_code, "InvalidStateTransition") ? 1 : -1;
}

static size_t s_src(const s_topo_t *t, size_t a)
{
    return a * (t->n - 1) / t->analyses;
}

static int s_nip_item(void *c, size_t a, const vs_bparty_t **p, const char **act, char *in,
                      size_t len)
{
    s_topo_t *t = c;
    size_t k = s_src(t, a);
    char ip[32];
    s_cidr(k + 1, ip, sizeof ip, "10");
    *p = s_owner(t, k);
    *act = "CreateNetworkInsightsPath";
    snprintf(in, len, "{\"Source\":\"%s\",\"DestinationIp\":\"%s\",\"Protocol\":\"tcp\","
                      "\"DestinationPort\":22}", t->v[k].inst, ip);
    return 0;
}

static int s_nip_reply(void *c, size_t a, const vs_env_t *env)
{
    s_topo_t *t = c;
    return vs_breply_field(env, "NetworkInsightsPath", "NetworkInsightsPathId",
                           t->v[s_src(t, a)].nip, S_ID);
}

/* --- the analyses ---------------------------------------------------------- */

/* Runs one analysis to its end; its duration in ns, or 0 on failure. */
static uint64_t s_analyze(s_topo_t *t, size_t k, bool *found)
{
    char in[128], err[300], id[S_ID];
    const vs_bparty_t *p = s_owner(t, k);
    snprintf(in, sizeof in, "{\"NetworkInsightsPathId\":\"%s\"}", t->v[k].nip);
    uint64_t t0 = vs_bnow_ns();
    char *out = vs_bclient_call_sync(t->cl, p, "StartNetworkInsightsAnalysis", in, err, sizeof err);
    vs_json_t *j = out ? vs_json_parse(out, strlen(out), NULL, 0) : NULL;
    const char *s = vs_json_get_str(vs_json_get(j, "NetworkInsightsAnalysis"),
                                    "NetworkInsightsAnalysisId");
    snprintf(id, sizeof id, "%s", s ? s : "");
    vs_json_free(&j);
    free(out);
    if (!id[0]) {
        fprintf(stderr, "vpcsim-bench: reach: %s\n", err);
        return 0;
    }
    snprintf(in, sizeof in, "{\"NetworkInsightsAnalysisIds\":[\"%s\"]}", id);
    for (;;) {
        out = vs_bclient_call_sync(t->cl, p, "DescribeNetworkInsightsAnalyses", in, err,
                                   sizeof err);
        if (!out) {
            fprintf(stderr, "vpcsim-bench: reach: %s\n", err);
            return 0;
        }
        uint64_t now = vs_bnow_ns();
        j = vs_json_parse(out, strlen(out), NULL, 0);
        const vs_json_t *a = vs_json_at(vs_json_get(j, "NetworkInsightsAnalyses"), 0);
        const char *status = vs_json_get_str(a, "Status");
        const vs_json_t *f = vs_json_get(a, "NetworkPathFound");
        bool running = status && !strcmp(status, "running");
        bool ok = status && !strcmp(status, "succeeded");
        *found = vs_json_as_bool(f, false);
        vs_json_free(&j);
        free(out);
        if (!running)
            return ok ? now - t0 : 0;
    }
}

static int s_run(s_topo_t *t, int window)
{
    vs_bclient_t *cl = t->cl;
    uint64_t t0 = vs_bnow_ns();
    if (vs_bclient_batch(cl, t->n, window, s_vpc_item, s_vpc_reply, t, "CreateVpc") ||
        vs_bclient_batch(cl, 3 * t->n, window, s_parts_item, s_parts_reply, t, "subnets") ||
        vs_bclient_batch(cl, 2 * t->n, window, s_inst_item, s_inst_reply, t, "instances") ||
        vs_bclient_batch(cl, t->n - 1, window, s_pcx_item, s_pcx_reply, t, "peering"))
        return 1;
    vs_env_t *env;
    uint64_t tag, sent;
    if (vs_bclient_admin(cl, "advance-clock", 5, UINT64_MAX) != 0 ||
        !(env = vs_bclient_recv(cl, &tag, &sent, 10000)))
        return 1;
    vs_bclient_release(cl);
    if (vs_bclient_batch(cl, 2 * (t->n - 1), window, s_route_item, s_route_reply, t, "routes") ||
        vs_bclient_batch(cl, t->analyses, window, s_nip_item, s_nip_reply, t, "paths"))
        return 1;
    double setup = (vs_bnow_ns() - t0) / 1e9;

    uint64_t *lat = calloc(t->analyses, sizeof *lat);
    size_t found = 0;
    if (!lat)
        return 1;
    for (size_t a = 0; a < t->analyses; a++) {
        bool f = false;
        if (!(lat[a] = s_analyze(t, s_src(t, a), &f))) {
            free(lat);
            return 1;
        }
        found += f;
    }
    vs_bsort(lat, t->analyses);
    printf("{\n    \"Vpcs\": %zu,\n    \"Agents\": %zu,\n    \"PeeringConnections\": %zu,\n"
           "    \"SetupSeconds\": %.1f,\n    \"Analyses\": %zu,\n    \"PathsFound\": %zu,\n"
           "    \"AnalysisMs\": {\"p50\": %.3f, \"p90\": %.3f, \"p99\": %.3f, \"max\": %.3f}\n}\n",
           t->n, t->parties, t->n - 1, setup, t->analyses, found,
           vs_bquantile(lat, t->analyses, 0.5) / 1e6, vs_bquantile(lat, t->analyses, 0.9) / 1e6,
           vs_bquantile(lat, t->analyses, 0.99) / 1e6, vs_bquantile(lat, t->analyses, 1.0) / 1e6);
    free(lat);
    if (found != t->analyses) {
        fprintf(stderr, "vpcsim-bench: reach: %zu analyses found no path\n", t->analyses - found);
        return 1;
    }
    return 0;
}

int vs_bench_reach(int argc, char **argv)
{
    const char *broker = "tcp://127.0.0.1:5555";
    s_topo_t t = { .n = 1000, .analyses = 200 };
    int window = 256, bad = argc % 2 == 0;
    for (int i = 1; i + 1 < argc && !bad; i += 2) {
        const char *v = argv[i + 1];
        if (!strcmp(argv[i], "--broker")) broker = v;
        else if (!strcmp(argv[i], "--vpcs")) t.n = (size_t)atol(v);
        else if (!strcmp(argv[i], "--analyses")) t.analyses = (size_t)atol(v);
        else if (!strcmp(argv[i], "--window")) window = atoi(v);
        else if (!strcmp(argv[i], "--party") && t.parties < S_MAX_PARTIES)
            bad = vs_bparty_parse(v, &t.party[t.parties++]);
        else bad = 1;
    }
    if (bad || t.parties < 2 || t.n < 2 || t.n > 65536 || t.analyses < 1 ||
        t.analyses > t.n - 1 || window < 1) {
        fprintf(stderr, "usage: vpcsim-bench reach --party ACCT:REGION --party ... (2 or more)"
                        " [--broker EP] [--vpcs N] [--analyses A] [--window W]\n"
                        "  (2 <= N <= 65536, 1 <= A < N)\n");
        return 2;
    }
    t.v = calloc(t.n, sizeof *t.v);
    t.cl = vs_bclient_new(broker);
    int rc = 1;
    if (!t.v || !t.cl)
        fprintf(stderr, "vpcsim-bench: cannot connect to %s\n", broker);
    else
        rc = s_run(&t, window);
    vs_bclient_destroy(&t.cl);
    free(t.v);
    return rc;
}
