/* Shared fixture of the reachability tests (check_reach*.c): topologies
 * built through the API of agents in a simnet cluster (check_peering_fixture.h),
 * and helpers to run an analysis to its end and read its result.
 * Header-only (static functions). */
#ifndef CHECK_REACH_FIXTURE_H
#define CHECK_REACH_FIXTURE_H

#include "check_peering_fixture.h"
#include "insights.h"
#include "sg.h"

static inline const char *rf_subnet(int a, const char *vpc, const char *cidr)
{
    return S(OK(a, "CreateSubnet", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"%s\"}", vpc, cidr)),
             "Subnet.SubnetId");
}

/* An instance at `ip` (NULL: the next free address); returns its ID. */
static inline const char *rf_instance(int a, const char *subnet, const char *ip)
{
    vs_json_t *o = OK(a, "RunInstances",
                      J("{\"ImageId\":\"ami-0abcdef1234567890\",\"MinCount\":1,\"MaxCount\":1,"
                        "\"SubnetId\":\"%s\"%s%s%s}", subnet, ip ? ",\"PrivateIpAddress\":\"" : "",
                        ip ? ip : "", ip ? "\"" : ""));
    return S(o, "Instances.0.InstanceId");
}

static inline const char *rf_main_rtb(int a, const char *vpc)
{
    return pf_skeep(strdup(pf_vpc(a, vpc)->main_rtb_id));
}

/* The VPC's default network ACL, which every new subnet is associated with. */
static inline const char *rf_default_acl(int a, const char *vpc)
{
    return pf_skeep(strdup(pf_vpc(a, vpc)->default_acl_id));
}

static inline const char *rf_default_sg(int a, const char *vpc)
{
    const char *sg = vs_sg__default_for_vpc(pf_model(a), vpc);
    ck_assert_ptr_nonnull(sg);
    return pf_skeep(strdup(sg));
}

static inline void rf_route(int a, const char *vpc, const char *cidr, const char *target_key,
                            const char *target)
{
    OK(a, "CreateRoute", J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"%s\",\"%s\":\"%s\"}",
                           rf_main_rtb(a, vpc), cidr, target_key, target));
}

static inline void rf_pcx_route(int a, const char *vpc, const char *cidr, const char *pcx)
{
    rf_route(a, vpc, cidr, "VpcPeeringConnectionId", pcx);
}

/* An internet gateway attached to vpc with the default route to it, as
 * the seed's route tables have. */
static inline const char *rf_igw(int a, const char *vpc)
{
    const char *igw = S(OK(a, "CreateInternetGateway", "{}"), "InternetGateway.InternetGatewayId");
    OK(a, "AttachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\"}", igw, vpc));
    rf_route(a, vpc, "0.0.0.0/0", "GatewayId", igw);
    return igw;
}

static inline void rf_allow_in(int a, const char *sg, const char *proto, int port,
                               const char *cidr)
{
    OK(a, "AuthorizeSecurityGroupIngress",
       J("{\"GroupId\":\"%s\",\"IpPermissions\":[{\"IpProtocol\":\"%s\",\"FromPort\":%d,"
         "\"ToPort\":%d,\"IpRanges\":[{\"CidrIp\":\"%s\"}]}]}", sg, proto, port, port, cidr));
}

/* A path from instance src to `dst_key` (Destination / DestinationIp). */
static inline const char *rf_path(int a, const char *src, const char *dst_key, const char *dst,
                                  int port)
{
    vs_json_t *o = OK(a, "CreateNetworkInsightsPath",
                      J("{\"Source\":\"%s\",\"%s\":\"%s\",\"Protocol\":\"tcp\","
                        "\"DestinationPort\":%d}", src, dst_key, dst, port));
    return S(o, "NetworkInsightsPath.NetworkInsightsPathId");
}

/* Starts an analysis (which must answer "running"); returns its ID. */
static inline const char *rf_start(int a, const char *path)
{
    vs_json_t *s = OK(a, "StartNetworkInsightsAnalysis",
                      J("{\"NetworkInsightsPathId\":\"%s\"}", path));
    ck_assert_str_eq(S(s, "NetworkInsightsAnalysis.Status"), "running");
    return S(s, "NetworkInsightsAnalysis.NetworkInsightsAnalysisId");
}

static inline const vs_json_t *rf_describe(int a, const char *nia)
{
    vs_json_t *d = OK(a, "DescribeNetworkInsightsAnalyses",
                      J("{\"NetworkInsightsAnalysisIds\":[\"%s\"]}", nia));
    ck_assert_int_eq(N(d, "NetworkInsightsAnalyses"), 1);
    return P(d, "NetworkInsightsAnalyses.0");
}

/* Runs an analysis of path to its end (the network settled). */
static inline const vs_json_t *rf_analyze(int a, const char *path)
{
    const char *nia = rf_start(a, path);
    pf_settle();
    const vs_json_t *r = rf_describe(a, nia);
    ck_assert_str_eq(S(r, "Status"), "succeeded");
    return r;
}

static inline bool rf_found(const vs_json_t *r)
{
    const vs_json_t *f = P(r, "NetworkPathFound");
    ck_assert_ptr_nonnull(f);
    return vs_json_as_bool(f, false);
}

/* The explanation codes of a result, comma-separated. */
static inline const char *rf_codes(const vs_json_t *r)
{
    char buf[512] = "";
    const vs_json_t *e = P(r, "Explanations");
    for (size_t i = 0; i < vs_json_len(e); i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "," : "",
                 vs_json_get_str(vs_json_at(e, i), "ExplanationCode"));
    return pf_skeep(strdup(buf));
}

/* The Component IDs of a path, comma-separated, checking that the
 * sequence numbers run 1..n. */
static inline const char *rf_ids(const vs_json_t *r, const char *list)
{
    char buf[2048] = "";
    const vs_json_t *l = P(r, list);
    ck_assert_msg(l != NULL, "no %s", list);
    for (size_t i = 0; i < vs_json_len(l); i++) {
        const vs_json_t *c = vs_json_at(l, i);
        ck_assert_int_eq(vs_json_get_int(c, "SequenceNumber", -1), (int64_t)i + 1);
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "," : "",
                 S(c, "Component.Id"));
    }
    return pf_skeep(strdup(buf));
}

/* "a,b,c" from a NULL-terminated list. */
static inline const char *rf_join(const char *first, ...)
{
    char buf[2048] = "";
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *))
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", buf[0] ? "," : "", s);
    va_end(ap);
    return pf_skeep(strdup(buf));
}

static inline const char *rf_eni(int a, const char *inst)
{
    vs_obj_t *o = vs_model__get(pf_model(a), inst);
    ck_assert_msg(o && o->kind == &vs_kind_instance, "no instance %s", inst);
    return pf_skeep(strdup(((vs_instance_t *)o)->eni_id));
}

/* Two VPCs of the seed (10.1.0.0/16 on agent a, 10.2.0.0/16 on agent b),
 * a subnet and an instance each at the seed's addresses. */
typedef struct {
    int a, b;
    const char *vpc_a, *vpc_b, *sub_a, *sub_b, *i_a, *i_b;
} rf_seed_t;

static inline rf_seed_t rf_seed(int a, int b)
{
    rf_seed_t s = { .a = a, .b = b };
    s.vpc_a = mkvpc(a, "10.1.0.0/16");
    s.vpc_b = mkvpc(b, "10.2.0.0/16");
    s.sub_a = rf_subnet(a, s.vpc_a, "10.1.1.0/24");
    s.sub_b = rf_subnet(b, s.vpc_b, "10.2.1.0/24");
    s.i_a = rf_instance(a, s.sub_a, "10.1.1.12");
    s.i_b = rf_instance(b, s.sub_b, "10.2.1.234");
    return s;
}

/* Routes both ways over pcx and SSH into B from VPC-A's CIDR. */
static inline void rf_connect(const rf_seed_t *s, const char *pcx)
{
    rf_pcx_route(s->a, s->vpc_a, "10.2.0.0/16", pcx);
    rf_pcx_route(s->b, s->vpc_b, "10.1.0.0/16", pcx);
    rf_allow_in(s->b, rf_default_sg(s->b, s->vpc_b), "tcp", 22, "10.1.0.0/16");
}

#endif
