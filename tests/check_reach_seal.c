/* Inter-Region analyses: the probe and its answer travel sealed between
 * the two agents (the relay in between sees only ciphertext after a key
 * exchange in clear), tampered or wrongly keyed messages are refused, the
 * hop is reported encrypted with its MTU, and IPv6 does not cross an
 * inter-Region connection under the seed's rules. */
#include "check_reach_fixture.h"
#include "reach_seal.h"
#include "reach_wire.h"
#include "service.h"

/* --- sealing itself ---------------------------------------------------------- */

static const char *const ME = "111111111111/us-east-1", *const PEER = "222222222222/eu-west-1";

static char *env_text(vs_json_t *env)
{
    char *s = vs_json_dump(env, 0);
    vs_json_free(&env);
    return s;
}

/* Opens the envelope text as `me` receiving from `peer`; 0 / -1. */
static int try_open(const vs_seal_keys_t *me, const char *me_name, const uint8_t *peer_pk,
                    const char *peer_name, const char *text, char *out, size_t cap)
{
    vs_json_t *env = vs_json_parse(text, strlen(text), NULL, 0);
    uint8_t *pt = NULL;
    size_t len = 0;
    int rc = env ? vs_seal_open(me, me_name, peer_pk, peer_name, env, &pt, &len) : -1;
    if (rc == 0 && out)
        snprintf(out, cap, "%.*s", (int)len, (const char *)pt);
    free(pt);
    vs_json_free(&env);
    return rc;
}

START_TEST(seal_roundtrip_and_rejections)
{
    vs_seal_keys_t a, b, c;
    ck_assert_int_eq(vs_seal_keygen(&a), 0);
    ck_assert_int_eq(vs_seal_keygen(&b), 0);
    ck_assert_int_eq(vs_seal_keygen(&c), 0);
    const char *msg = "{\"T\":\"Probe\",\"Src\":\"10.1.1.12\",\"Dst\":\"10.2.1.234\"}";
    char *text = env_text(vs_seal(&a, ME, b.pk, PEER, (const uint8_t *)msg, strlen(msg)));
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_null(strstr(text, "10.1.1.12"));
    ck_assert_ptr_null(strstr(text, "Probe"));
    char out[256] = "";
    ck_assert_int_eq(try_open(&b, PEER, a.pk, ME, text, out, sizeof out), 0);
    ck_assert_str_eq(out, msg);
    /* Both directions work with the same pair of keys. */
    char *back = env_text(vs_seal(&b, PEER, a.pk, ME, (const uint8_t *)"ok", 2));
    ck_assert_int_eq(try_open(&a, ME, b.pk, PEER, back, out, sizeof out), 0);
    ck_assert_str_eq(out, "ok");
    /* Two seals of one message differ (fresh nonce). */
    char *again = env_text(vs_seal(&a, ME, b.pk, PEER, (const uint8_t *)msg, strlen(msg)));
    ck_assert_str_ne(again, text);

    /* Any altered ciphertext byte is refused. */
    char *c_at = strstr(text, "\"C\":\"") + 5;
    for (int k = 0; k < 8; k++) {
        char *t = strdup(text);
        char *p = t + (c_at - text) + k * 3;
        *p = *p == 'A' ? 'B' : 'A';
        ck_assert_int_eq(try_open(&b, PEER, a.pk, ME, t, NULL, 0), -1);
        free(t);
    }
    /* An altered nonce too. */
    char *t = strdup(text);
    char *n = strstr(t, "\"N\":\"") + 5;
    *n = *n == '0' ? '1' : '0';
    ck_assert_int_eq(try_open(&b, PEER, a.pk, ME, t, NULL, 0), -1);
    free(t);
    /* The wrong receiver, or a receiver that trusts another key. */
    ck_assert_int_eq(try_open(&c, PEER, a.pk, ME, text, NULL, 0), -1);
    ck_assert_int_eq(try_open(&b, PEER, c.pk, ME, text, NULL, 0), -1);
    /* A message passed off as coming from, or going to, other agents. */
    ck_assert_int_eq(try_open(&b, PEER, a.pk, "333333333333/us-east-1", text, NULL, 0), -1);
    ck_assert_int_eq(try_open(&b, "222222222222/us-west-2", a.pk, ME, text, NULL, 0), -1);
    /* A message of A to B cannot be replayed as B's own to A. */
    ck_assert_int_eq(try_open(&a, ME, b.pk, PEER, text, NULL, 0), -1);
    /* Nothing to seal to oneself. */
    ck_assert_ptr_null(vs_seal(&a, ME, b.pk, ME, (const uint8_t *)"x", 1));
    free(text);
    free(back);
    free(again);
}
END_TEST

/* --- inter-Region analyses through the cluster ---------------------------------------- */

typedef struct {
    int a, b;
    rf_seed_t s;
    const char *pcx;
} ir_t;

/* The seed's two VPCs in two Regions of two accounts, peered and routed,
 * SSH open from VPC-A. */
static ir_t ir_setup(const vs_model_config_t *cfg)
{
    ir_t t;
    t.a = pf_agent_cfg(A1, R1, cfg);
    t.b = pf_agent_cfg(A2, R2, cfg);
    t.s = rf_seed(t.a, t.b);
    t.pcx = active_pcx(t.a, t.s.vpc_a, t.b, t.s.vpc_b);
    rf_connect(&t.s, t.pcx);
    return t;
}

/* Every payload the simulated network carried, as text. */
static char g_wire[1 << 16];
static void trace_wire(void *ctx, const char *line)
{
    (void)ctx;
    if (strstr(line, " send "))
        snprintf(g_wire + strlen(g_wire), sizeof g_wire - strlen(g_wire), "%s\n", line);
}

static const vs_json_t *pcx_hop(const vs_json_t *r, const char *pcx)
{
    const vs_json_t *f = P(r, "ForwardPathComponents");
    for (size_t i = 0; i < vs_json_len(f); i++)
        if (!strcmp(S(vs_json_at(f, i), "Component.Id"), pcx))
            return vs_json_at(f, i);
    ck_abort_msg("no %s in the forward path", pcx);
    return NULL;
}

START_TEST(inter_region_encrypted_hop)
{
    ir_t t = ir_setup(NULL);
    vs_simnet_set_trace(g_net, trace_wire, NULL);
    g_wire[0] = '\0';
    const vs_json_t *r = rf_analyze(t.a, rf_path(t.a, t.s.i_a, "DestinationIp", "10.2.1.234", 22));
    ck_assert(rf_found(r));
    ck_assert_str_eq(rf_ids(r, "ForwardPathComponents"),
                     rf_join(t.s.i_a, rf_eni(t.a, t.s.i_a), rf_default_sg(t.a, t.s.vpc_a),
                             rf_default_acl(t.a, t.s.vpc_a), rf_main_rtb(t.a, t.s.vpc_a), t.pcx,
                             rf_default_acl(t.b, t.s.vpc_b), rf_default_sg(t.b, t.s.vpc_b),
                             rf_eni(t.b, t.s.i_b), t.s.i_b, NULL));
    const vs_json_t *hop = pcx_hop(r, t.pcx);
    ck_assert_str_eq(S(hop, "AdditionalDetails.0.AdditionalDetailType"),
                     "INTER_REGION_TRAFFIC_ENCRYPTED");
    ck_assert_str_eq(S(hop, "AdditionalDetails.0.RuleOptions.0.Keyword"), "encryption");
    ck_assert_str_eq(S(hop, "AdditionalDetails.0.RuleOptions.0.Settings.0"), "AEAD");
    ck_assert_str_eq(S(hop, "AdditionalDetails.0.RuleOptions.1.Keyword"), "mtu");
    ck_assert_str_eq(S(hop, "AdditionalDetails.0.RuleOptions.1.Settings.0"), "1500");
    ck_assert_str_eq(S(hop, "DestinationVpc.Arn"), J("arn:aws:ec2:%s:%s:vpc/%s", R2, A2, t.s.vpc_b));
    /* First contact: keys in clear, then the probe and its answer sealed. */
    ck_assert_ptr_nonnull(strstr(g_wire, "ReachKey"));
    ck_assert_ptr_nonnull(strstr(g_wire, "Sealed"));
    ck_assert_ptr_null(strstr(g_wire, "Probe"));
    /* Both agents now hold each other's key; a second run skips the exchange. */
    ck_assert_ptr_nonnull(vs_model__first(pf_model(t.a), &vs_kind_reachkey));
    ck_assert_ptr_nonnull(vs_model__first(pf_model(t.b), &vs_kind_reachkey));
    g_wire[0] = '\0';
    ck_assert(rf_found(rf_analyze(t.a, rf_path(t.a, t.s.i_a, "DestinationIp", "10.2.1.234", 22))));
    ck_assert_ptr_null(strstr(g_wire, "ReachKey"));
    /* ... also after a restart: the keys are persisted. */
    vs_simnet_crash(g_net, t.a);
    g_wire[0] = '\0';
    ck_assert(rf_found(rf_analyze(t.a, rf_path(t.a, t.s.i_a, "DestinationIp", "10.2.1.234", 22))));
    ck_assert_ptr_null(strstr(g_wire, "ReachKey"));
    ck_assert_ptr_nonnull(strstr(g_wire, "Sealed"));
    /* A closed port is judged at the far end, through the sealed channel. */
    r = rf_analyze(t.a, rf_path(t.a, t.s.i_a, "DestinationIp", "10.2.1.234", 3306));
    ck_assert_str_eq(rf_codes(r), "ENI_SG_RULES_MISMATCH");
    ck_assert_str_eq(S(r, "Explanations.0.Vpc.Arn"), J("arn:aws:ec2:%s:%s:vpc/%s", R2, A2, t.s.vpc_b));
}
END_TEST

/* The peer lost its keys (a new data dir): the first analysis finds no
 * one to answer it, and teaches the source the new key for the next. */
START_TEST(peer_key_loss_recovers)
{
    ir_t t = ir_setup(NULL);
    const char *path = rf_path(t.a, t.s.i_a, "DestinationIp", "10.2.1.234", 22);
    ck_assert(rf_found(rf_analyze(t.a, path)));
    vs_model_t *mb = pf_model(t.b);
    vs_obj_t *ks = vs_model__first(mb, &vs_kind_reachkey);
    ck_assert_ptr_nonnull(ks);
    vs_model__remove(mb, ks);
    const char *nia = rf_start(t.a, path);
    pf_settle();
    pf_advance(VS_NIA_TIMEOUT_MS);
    ck_assert_str_eq(S(rf_describe(t.a, nia), "Status"), "failed");
    ck_assert(rf_found(rf_analyze(t.a, path)));
}
END_TEST

/* Today's AWS: 8500-byte MTU across Regions. */
START_TEST(inter_region_modern_mtu)
{
    vs_model_config_t modern = { .modern_rules = true };
    ir_t t = ir_setup(&modern);
    const vs_json_t *r = rf_analyze(t.a, rf_path(t.a, t.s.i_a, "DestinationIp", "10.2.1.234", 22));
    ck_assert(rf_found(r));
    ck_assert_str_eq(S(pcx_hop(r, t.pcx), "AdditionalDetails.0.RuleOptions.1.Settings.0"), "8500");
}
END_TEST

/* An IPv6 /64 subnet at the start of the VPC's Amazon-provided /56. */
static const char *v6_subnet(int a, const char *vpc, const char *v4)
{
    const vs_vpc_t *v = pf_vpc(a, vpc);
    ck_assert_int_ge((int)v->nv6, 1);
    char c[VS_CIDR_STRLEN];
    vs_cidr_t b = v->v6[0].cidr;
    b.prefix = 64;
    vs_cidr_format(&b, c, sizeof c);
    return S(OK(a, "CreateSubnet", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"%s\",\"Ipv6CidrBlock\":\"%s\"}",
                                     vpc, v4, c)), "Subnet.SubnetId");
}

static const vs_json_t *v6_instance(int a, const char *subnet)
{
    vs_json_t *o = OK(a, "RunInstances", J("{\"ImageId\":\"ami-12345678\",\"MinCount\":1,"
                                           "\"MaxCount\":1,\"SubnetId\":\"%s\","
                                           "\"Ipv6AddressCount\":1}", subnet));
    return P(o, "Instances.0");
}

/* The seed: "IPv6를 통한 리전간 VPC peering는 지원하지 않는다". */
START_TEST(ipv6_inter_region_seed_rules)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R2);
    const char *va = S(OK(a, "CreateVpc", "{\"CidrBlock\":\"10.1.0.0/16\","
                                          "\"AmazonProvidedIpv6CidrBlock\":true}"), "Vpc.VpcId");
    const char *vb = S(OK(b, "CreateVpc", "{\"CidrBlock\":\"10.2.0.0/16\","
                                          "\"AmazonProvidedIpv6CidrBlock\":true}"), "Vpc.VpcId");
    const vs_json_t *ia = v6_instance(a, v6_subnet(a, va, "10.1.1.0/24"));
    const vs_json_t *ib = v6_instance(b, v6_subnet(b, vb, "10.2.1.0/24"));
    const char *dst6 = S(ib, "NetworkInterfaces.0.Ipv6Addresses.0.Ipv6Address");
    active_pcx(a, va, b, vb);
    const vs_json_t *r = rf_analyze(a, rf_path(a, S(ia, "InstanceId"), "DestinationIp", dst6, 22));
    ck_assert(!rf_found(r));
    ck_assert_str_eq(rf_codes(r), "NO_PATH");
    ck_assert(strstr(S(r, "WarningMessage"), "IPv6 traffic is not supported over the inter-Region"));
    /* IPv4 between the same instances is a matter of routes and groups. */
    r = rf_analyze(a, rf_path(a, S(ia, "InstanceId"), "DestinationIp",
                              S(ib, "PrivateIpAddress"), 22));
    ck_assert_str_eq(rf_codes(r), "NO_ROUTE_TO_DESTINATION");
}
END_TEST

/* --- byte for byte: two models and a relay that records every payload ---------- */

typedef struct {
    vs_model_t *m;
    const char *acct, *region;
    uint64_t token;            /* the call waiting for its reply */
    bool ok;
    char *out;                 /* last reply (kept until teardown) */
} rl_node_t;

typedef struct {
    int from, to;
    char *payload;             /* peering messages are binary (pcx_wire.h) */
    size_t len;
} rl_msg_t;

static vs_manual_clock_t g_rl_mc;
static vs_clock_t g_rl_clock;
static vs_rng_t g_rl_rng[2];
static rl_node_t g_rl[2];
static rl_msg_t g_rl_q[64];
static int g_rl_nq;
static char *g_cap[64];            /* every payload relayed since the last reset */
static int g_ncap;

static void rl_noop(void *ctx, const char *id, const uint8_t *doc, size_t len, const char *state)
{
    (void)ctx, (void)id, (void)doc, (void)len, (void)state;
}

static void rl_emit(void *ctx, const vs_out_t *o)
{
    int from = (int)(intptr_t)ctx;
    if (o->kind == VS_OUT_REPLY && o->token == g_rl[from].token) {
        g_rl[from].ok = o->ok;
        g_rl[from].out = (char *)pf_skeep(strdup(o->ok ? o->output_json : o->err->code));
    } else if (o->kind == VS_OUT_PEER) {
        int to = -1;
        for (int i = 0; i < 2; i++)
            if (!strcmp(g_rl[i].acct, o->to_account) && !strcmp(g_rl[i].region, o->to_region))
                to = i;
        ck_assert_int_lt(g_rl_nq, 64);
        char *text = malloc(o->payload_len + 1);
        ck_assert_ptr_nonnull(text);
        memcpy(text, o->payload, o->payload_len);
        text[o->payload_len] = 0;
        /* Kept in the JSON form, as a capture prints a typed message. */
        if (g_ncap < 64)
            g_cap[g_ncap++] = (char *)pf_skeep(
                vs_reach_wire_is_typed(o->payload, o->payload_len)
                    ? vs_reach_msgjson_render(o->payload, o->payload_len)
                    : strdup(text));
        if (to < 0)
            free(text);         /* no such agent here */
        else
            g_rl_q[g_rl_nq++] = (rl_msg_t){ from, to, text, o->payload_len };
    }
}

static void rl_pump(void)
{
    for (int round = 0; round < 100; round++) {
        for (int i = 0; i < 2; i++) {
            vs_model_flush(g_rl[i].m, rl_noop, NULL);
            vs_model_drain(g_rl[i].m, rl_emit, (void *)(intptr_t)i);
        }
        if (!g_rl_nq)
            return;
        rl_msg_t msg = g_rl_q[0];
        memmove(g_rl_q, g_rl_q + 1, (size_t)--g_rl_nq * sizeof *g_rl_q);
        vs_model_on_peer(g_rl[msg.to].m, g_rl[msg.from].acct, g_rl[msg.from].region,
                         (const uint8_t *)msg.payload, msg.len);
        free(msg.payload);
    }
    ck_abort_msg("the relay did not settle");
}

static vs_json_t *rl_ok(int n, const char *action, const char *input)
{
    g_rl[n].token++;
    g_rl[n].out = NULL;
    vs_model_submit(g_rl[n].m, g_rl[n].token, g_rl[n].acct, action, pf_parse(input));
    rl_pump();
    ck_assert_msg(g_rl[n].out && g_rl[n].ok, "%s: %s", action, g_rl[n].out ? g_rl[n].out : "-");
    return g_rl[n].out[0] ? pf_parse(g_rl[n].out) : NULL;
}

static void rl_advance(uint64_t ms)
{
    g_rl_mc.now += ms;
    for (int i = 0; i < 2; i++)
        vs_model_tick(g_rl[i].m);
    rl_pump();
}

static void rl_setup(void)
{
    pf_setup();
    g_rl_mc.now = PF_T0;
    g_rl_clock = vs_manual_clock(&g_rl_mc);
    const char *acct[2] = { A1, A2 }, *region[2] = { R1, R2 };
    for (int i = 0; i < 2; i++) {
        vs_rng_seed(&g_rl_rng[i], 7 + (uint64_t)i);
        vs_model_config_t cfg = { .account = acct[i], .region = region[i], .clock = &g_rl_clock,
                                  .rng = &g_rl_rng[i],
                                  .modules = vs_service_modules() };
        g_rl[i] = (rl_node_t){ .m = vs_model_new(&cfg), .acct = acct[i], .region = region[i] };
        ck_assert_ptr_nonnull(g_rl[i].m);
    }
    g_rl_nq = g_ncap = 0;
}

static void rl_teardown(void)
{
    for (int i = 0; i < 2; i++)
        vs_model_destroy(&g_rl[i].m);
    for (int i = 0; i < g_rl_nq; i++)
        free(g_rl_q[i].payload);
    g_rl_nq = 0;
    pf_teardown();
}

START_TEST(inter_region_payloads_are_ciphertext)
{
    const char *vpc[2], *sub[2], *inst[2], *sg[2], *rtb[2];
    const char *cidr[2] = { "10.1.0.0/16", "10.2.0.0/16" }, *net[2] = { "10.1.1.0/24", "10.2.1.0/24" };
    const char *ip[2] = { "10.1.1.12", "10.2.1.234" };
    for (int i = 0; i < 2; i++) {
        vpc[i] = S(rl_ok(i, "CreateVpc", J("{\"CidrBlock\":\"%s\"}", cidr[i])), "Vpc.VpcId");
        sub[i] = S(rl_ok(i, "CreateSubnet", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"%s\"}", vpc[i],
                                             net[i])), "Subnet.SubnetId");
        inst[i] = S(rl_ok(i, "RunInstances",
                          J("{\"ImageId\":\"ami-12345678\",\"MinCount\":1,\"MaxCount\":1,"
                            "\"SubnetId\":\"%s\",\"PrivateIpAddress\":\"%s\"}", sub[i], ip[i])),
                    "Instances.0.InstanceId");
        sg[i] = pf_skeep(strdup(vs_sg__default_for_vpc(g_rl[i].m, vpc[i])));
        rtb[i] = pf_skeep(strdup(((vs_vpc_t *)vs_model__get(g_rl[i].m, vpc[i]))->main_rtb_id));
    }
    const char *pcx = S(rl_ok(0, "CreateVpcPeeringConnection", pcx_input(vpc[0], vpc[1], A2, R2)),
                        "VpcPeeringConnection.VpcPeeringConnectionId");
    rl_ok(1, "AcceptVpcPeeringConnection", pcx_id_input(pcx));
    rl_advance(VS_PCX_PROVISIONING_MS);
    for (int i = 0; i < 2; i++)
        rl_ok(i, "CreateRoute", J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"%s\","
                                  "\"VpcPeeringConnectionId\":\"%s\"}", rtb[i], cidr[1 - i], pcx));
    rl_ok(1, "AuthorizeSecurityGroupIngress",
          J("{\"GroupId\":\"%s\",\"IpPermissions\":[{\"IpProtocol\":\"tcp\",\"FromPort\":22,"
            "\"ToPort\":22,\"IpRanges\":[{\"CidrIp\":\"10.1.0.0/16\"}]}]}", sg[1]));
    const char *path = S(rl_ok(0, "CreateNetworkInsightsPath",
                               J("{\"Source\":\"%s\",\"DestinationIp\":\"10.2.1.234\","
                                 "\"Protocol\":\"tcp\",\"DestinationPort\":22}", inst[0])),
                         "NetworkInsightsPath.NetworkInsightsPathId");

    g_ncap = 0;
    const char *nia = S(rl_ok(0, "StartNetworkInsightsAnalysis",
                              J("{\"NetworkInsightsPathId\":\"%s\"}", path)),
                        "NetworkInsightsAnalysis.NetworkInsightsAnalysisId");
    vs_json_t *d = rl_ok(0, "DescribeNetworkInsightsAnalyses",
                         J("{\"NetworkInsightsAnalysisIds\":[\"%s\"]}", nia));
    ck_assert_str_eq(S(d, "NetworkInsightsAnalyses.0.Status"), "succeeded");
    ck_assert(vs_json_as_bool(P(d, "NetworkInsightsAnalyses.0.NetworkPathFound"), false));
    /* Relayed: two public keys in clear, then exactly two sealed messages,
     * none of which shows anything of the probe. */
    const char *secret[] = { ip[0], ip[1], inst[0], inst[1], vpc[0], vpc[1], sg[0], sg[1], pcx,
                             nia, "Probe", "10.1.", "10.2." };
    int keys = 0, sealed = 0;
    for (int k = 0; k < g_ncap; k++) {
        vs_json_t *m = pf_parse(g_cap[k]);
        const char *t = S(m, "T");
        if (!strcmp(t, "ReachKey")) {
            keys++;
            ck_assert_str_eq(pf_keys(m), "T,Pk,Reply");
            continue;
        }
        ck_assert_str_eq(t, "Sealed");
        ck_assert_str_eq(pf_keys(m), "T,Pk,N,C");
        sealed++;
        for (size_t x = 0; x < sizeof secret / sizeof secret[0]; x++)
            ck_assert_msg(!strstr(g_cap[k], secret[x]), "plaintext %s in %s", secret[x], g_cap[k]);
    }
    ck_assert_int_eq(keys, 2);
    ck_assert_int_eq(sealed, 2);

    /* A probe in clear over the inter-Region connection is refused. */
    vs_reach_probe_t p = { .pkt = { .proto = 6, .port = 22 } };
    vs_ip_parse(ip[0], &p.pkt.src);
    vs_ip_parse(ip[1], &p.pkt.dst);
    snprintf(p.src_account, sizeof p.src_account, "%s", A1);
    snprintf(p.src_vpc, sizeof p.src_vpc, "%s", vpc[0]);
    snprintf(p.dst_vpc, sizeof p.dst_vpc, "%s", vpc[1]);
    snprintf(p.pcx_id, sizeof p.pcx_id, "%s", pcx);
    vs_json_t *clear = pf_keep(vs_reach_probe_to_json(&p));
    vs_json_set_str(clear, "T", "Probe");
    vs_json_set_str(clear, "Id", nia);
    const char *ct = pf_skeep(vs_json_dump(clear, 0));
    ck_assert_int_eq(vs_model_on_peer(g_rl[1].m, A1, R1, (const uint8_t *)ct, strlen(ct)), -1);
    /* A sealed probe altered on the way, or sent by another agent, too. */
    g_ncap = 0;
    rl_ok(0, "StartNetworkInsightsAnalysis", J("{\"NetworkInsightsPathId\":\"%s\"}", path));
    ck_assert_int_eq(g_ncap, 2);
    char *probe = (char *)pf_skeep(strdup(g_cap[0]));
    char *c = strstr(probe, "\"C\":\"") + 10;
    *c = *c == 'A' ? 'B' : 'A';
    ck_assert_int_eq(vs_model_on_peer(g_rl[1].m, A1, R1, (const uint8_t *)probe, strlen(probe)), -1);
    ck_assert_int_eq(vs_model_on_peer(g_rl[1].m, A3, R1, (const uint8_t *)g_cap[0],
                                      strlen(g_cap[0])), -1);
    rl_pump();
    /* Nothing answered the forgeries but the receiver's public key. */
    for (int k = 2; k < g_ncap; k++)
        ck_assert_str_eq(S(pf_parse(g_cap[k]), "T"), "ReachKey");
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("reach_seal");
    TCase *tc = tcase_create("seal");
    tcase_add_test(tc, seal_roundtrip_and_rejections);
    suite_add_tcase(s, tc);
    TCase *ir = tcase_create("inter_region");
    tcase_add_checked_fixture(ir, pf_setup, pf_teardown);
    tcase_set_timeout(ir, 60);
    tcase_add_test(ir, inter_region_encrypted_hop);
    tcase_add_test(ir, inter_region_modern_mtu);
    tcase_add_test(ir, peer_key_loss_recovers);
    tcase_add_test(ir, ipv6_inter_region_seed_rules);
    suite_add_tcase(s, ir);
    TCase *rl = tcase_create("relay");
    tcase_add_checked_fixture(rl, rl_setup, rl_teardown);
    tcase_add_test(rl, inter_region_payloads_are_ciphertext);
    suite_add_tcase(s, rl);
    return s;
}
