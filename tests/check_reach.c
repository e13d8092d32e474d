/* Reachability analysis: the seed's connection test step by step (two
 * instances, one per VPC, reach each other by private IP only when the
 * pcx is active, both route tables point at it and the security groups
 * allow it), transitive and edge-to-edge peering, a destination in
 * another account reached by address, and analyses that fail. */
#include "check_reach_fixture.h"

/* The seed: same account, same Region, SSH from A to B. */
START_TEST(seed_connection_test)
{
    int a = pf_agent(A1, R1);
    rf_seed_t s = rf_seed(a, a);
    /* The seed's route tables: local + 0.0.0.0/0 to an internet gateway. */
    rf_igw(a, s.vpc_a);
    rf_igw(a, s.vpc_b);
    const char *path = rf_path(a, s.i_a, "Destination", s.i_b, 22);

    /* No peering yet. */
    const vs_json_t *r = rf_analyze(a, path);
    ck_assert(!rf_found(r));
    ck_assert_str_eq(rf_codes(r), "DISCONNECTED_VPCS");
    ck_assert_str_eq(S(r, "Explanations.0.SourceVpc.Id"), s.vpc_a);
    ck_assert_str_eq(S(r, "Explanations.0.DestinationVpc.Id"), s.vpc_b);
    ck_assert_ptr_null(P(r, "ForwardPathComponents"));

    /* Peered, but the routes still send 10.2.1.234 to the internet gateway. */
    const char *pcx = active_pcx(a, s.vpc_a, a, s.vpc_b);
    r = rf_analyze(a, path);
    ck_assert_str_eq(rf_codes(r), "NO_ROUTE_TO_DESTINATION");
    ck_assert_str_eq(S(r, "Explanations.0.RouteTable.Id"), rf_main_rtb(a, s.vpc_a));

    /* Routes on both sides; B's default group admits only its members. */
    rf_pcx_route(a, s.vpc_a, "10.2.0.0/16", pcx);
    rf_pcx_route(a, s.vpc_b, "10.1.0.0/16", pcx);
    r = rf_analyze(a, path);
    ck_assert(!rf_found(r));
    ck_assert_str_eq(rf_codes(r), "ENI_SG_RULES_MISMATCH");
    const vs_json_t *e = P(r, "Explanations.0");
    ck_assert_str_eq(pf_keys(e), "Direction,ExplanationCode,NetworkInterface,SecurityGroups,"
                                 "Subnet,Vpc");
    ck_assert_str_eq(S(e, "Direction"), "ingress");
    ck_assert_str_eq(S(e, "NetworkInterface.Id"), rf_eni(a, s.i_b));
    ck_assert_str_eq(S(e, "SecurityGroups.0.Id"), rf_default_sg(a, s.vpc_b));
    ck_assert_str_eq(S(e, "Vpc.Arn"), J("arn:aws:ec2:%s:%s:vpc/%s", R1, A1, s.vpc_b));

    /* "만약 연결이 안된다면 security group을 확인해보자" - open SSH from VPC-A. */
    const char *sg_a = rf_default_sg(a, s.vpc_a), *sg_b = rf_default_sg(a, s.vpc_b);
    rf_allow_in(a, sg_b, "tcp", 22, "10.1.0.0/16");
    r = rf_analyze(a, path);
    ck_assert(rf_found(r));
    ck_assert_ptr_null(P(r, "Explanations"));
    const char *rtb_a = rf_main_rtb(a, s.vpc_a), *rtb_b = rf_main_rtb(a, s.vpc_b);
    const char *eni_a = rf_eni(a, s.i_a), *eni_b = rf_eni(a, s.i_b);
    /* Each subnet's default ACL, out and in (reference 7.2 steps 2, 7, 9). */
    const char *acl_a = rf_default_acl(a, s.vpc_a), *acl_b = rf_default_acl(a, s.vpc_b);
    ck_assert_str_eq(rf_ids(r, "ForwardPathComponents"),
                     rf_join(s.i_a, eni_a, sg_a, acl_a, rtb_a, pcx, acl_b, sg_b, eni_b, s.i_b,
                             NULL));
    ck_assert_str_eq(rf_ids(r, "ReturnPathComponents"),
                     rf_join(s.i_b, eni_b, acl_b, rtb_b, pcx, acl_a, eni_a, s.i_a, NULL));
    const vs_json_t *f = P(r, "ForwardPathComponents");
    ck_assert_str_eq(pf_keys(P(f, "0")), "SequenceNumber,Component,OutboundHeader");
    ck_assert_str_eq(S(f, "0.OutboundHeader.SourceAddresses.0"), "10.1.1.12/32");
    ck_assert_str_eq(S(f, "0.OutboundHeader.DestinationAddresses.0"), "10.2.1.234/32");
    ck_assert_str_eq(S(f, "0.OutboundHeader.Protocol"), "6");
    ck_assert_str_eq(S(f, "2.SecurityGroupRule.Direction"), "egress");
    ck_assert_str_eq(S(f, "2.SecurityGroupRule.Cidr"), "0.0.0.0/0");
    ck_assert_str_eq(S(f, "2.SecurityGroupRule.Protocol"), "all");
    ck_assert_str_eq(S(f, "4.RouteTableRoute.DestinationCidr"), "10.2.0.0/16");
    ck_assert_str_eq(S(f, "4.RouteTableRoute.VpcPeeringConnectionId"), pcx);
    ck_assert_str_eq(S(f, "4.RouteTableRoute.State"), "active");
    ck_assert_str_eq(pf_keys(P(f, "5")), "SequenceNumber,Component,DestinationVpc,SourceVpc");
    ck_assert_str_eq(S(f, "5.SourceVpc.Id"), s.vpc_a);
    ck_assert_str_eq(S(f, "5.DestinationVpc.Id"), s.vpc_b);
    ck_assert_str_eq(S(f, "5.Component.Arn"),
                     J("arn:aws:ec2:%s:%s:vpc-peering-connection/%s", R1, A1, pcx));
    ck_assert_str_eq(pf_keys(P(f, "7.SecurityGroupRule")),
                     "Cidr,Direction,PortRange,Protocol");
    ck_assert_str_eq(S(f, "7.SecurityGroupRule.Direction"), "ingress");
    ck_assert_str_eq(S(f, "7.SecurityGroupRule.Cidr"), "10.1.0.0/16");
    ck_assert_int_eq(vs_json_get_int(P(f, "7.SecurityGroupRule.PortRange"), "From", -1), 22);
    ck_assert_str_eq(S(f, "7.SecurityGroupRule.Protocol"), "tcp");
    ck_assert_str_eq(S(f, "9.InboundHeader.DestinationAddresses.0"), "10.2.1.234/32");
    const vs_json_t *back = P(r, "ReturnPathComponents");
    ck_assert_str_eq(S(back, "3.RouteTableRoute.DestinationCidr"), "10.1.0.0/16");
    ck_assert_str_eq(S(back, "4.SourceVpc.Id"), s.vpc_b);
    ck_assert_str_eq(S(back, "0.OutboundHeader.SourceAddresses.0"), "10.2.1.234/32");
    ck_assert_int_eq(vs_json_get_int(P(back, "0.OutboundHeader.SourcePortRanges.0"), "From", -1), 22);
    /* A port the group does not open. */
    r = rf_analyze(a, rf_path(a, s.i_a, "Destination", s.i_b, 80));
    ck_assert_str_eq(rf_codes(r), "ENI_SG_RULES_MISMATCH");

    /* The connection is deleted: the routes stay, as blackholes. */
    OK(a, "DeleteVpcPeeringConnection", pcx_id_input(pcx));
    pf_settle();
    r = rf_analyze(a, path);
    ck_assert(!rf_found(r));
    ck_assert_str_eq(rf_codes(r), "BAD_STATE_ROUTE");
    e = P(r, "Explanations.0");
    ck_assert_str_eq(S(e, "RouteTableRoute.State"), "blackhole");
    ck_assert_str_eq(S(e, "VpcPeeringConnection.Id"), pcx);
    ck_assert_str_eq(S(e, "RouteTable.Id"), rtb_a);
}
END_TEST

/* Each owner must route back: without B's route the reply has no way. */
START_TEST(one_sided_route)
{
    int a = pf_agent(A1, R1);
    rf_seed_t s = rf_seed(a, a);
    const char *pcx = active_pcx(a, s.vpc_a, a, s.vpc_b);
    rf_pcx_route(a, s.vpc_a, "10.2.0.0/16", pcx);
    rf_allow_in(a, rf_default_sg(a, s.vpc_b), "tcp", 22, "10.1.1.12/32");
    const vs_json_t *r = rf_analyze(a, rf_path(a, s.i_a, "Destination", s.i_b, 22));
    ck_assert(!rf_found(r));
    ck_assert_str_eq(rf_codes(r), "NO_ROUTE_TO_DESTINATION");
    ck_assert_str_eq(S(r, "Explanations.0.RouteTable.Id"), rf_main_rtb(a, s.vpc_b));
    ck_assert_str_eq(S(r, "Explanations.0.Vpc.Id"), s.vpc_b);
    /* A pending connection's routes are blackholes. */
    int b = pf_agent(A2, R1);
    rf_seed_t t = rf_seed(b, b);
    const char *pend = pending_pcx(b, t.vpc_a, b, t.vpc_b);
    rf_pcx_route(b, t.vpc_a, "10.2.0.0/16", pend);
    r = rf_analyze(b, rf_path(b, t.i_a, "Destination", t.i_b, 22));
    ck_assert_str_eq(rf_codes(r), "BAD_STATE_ROUTE");
    ck_assert_str_eq(S(r, "Explanations.0.State"), "pending-acceptance");
}
END_TEST

/* A-B and B-C peered: A cannot reach C through B (reference 6.3). */
START_TEST(no_transitive_peering)
{
    int a = pf_agent(A1, R1);
    const char *va = mkvpc(a, "10.1.0.0/16"), *vb = mkvpc(a, "10.2.0.0/16");
    const char *vc = mkvpc(a, "10.3.0.0/16");
    const char *ia = rf_instance(a, rf_subnet(a, va, "10.1.1.0/24"), NULL);
    const char *ic = rf_instance(a, rf_subnet(a, vc, "10.3.1.0/24"), "10.3.1.10");
    const char *ab = active_pcx(a, va, a, vb), *bc = active_pcx(a, vb, a, vc);
    rf_pcx_route(a, va, "10.3.0.0/16", ab);          /* "via B" */
    rf_pcx_route(a, vb, "10.3.0.0/16", bc);
    rf_pcx_route(a, vc, "10.1.0.0/16", bc);
    rf_allow_in(a, rf_default_sg(a, vc), "tcp", 5432, "0.0.0.0/0");
    const vs_json_t *r = rf_analyze(a, rf_path(a, ia, "Destination", ic, 5432));
    ck_assert(!rf_found(r));
    ck_assert_str_eq(rf_codes(r), "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR");
    const vs_json_t *e = P(r, "Explanations.0");
    ck_assert_str_eq(S(e, "VpcPeeringConnection.Id"), ab);
    ck_assert_str_eq(S(e, "Address"), "10.3.1.10");
    ck_assert_str_eq(S(e, "Cidrs.0"), "10.2.0.0/16");
    ck_assert_str_eq(S(e, "DestinationVpc.Id"), vb);
    /* The same by address only. */
    r = rf_analyze(a, rf_path(a, ia, "DestinationIp", "10.3.1.10", 5432));
    ck_assert_str_eq(rf_codes(r), "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR");
    /* A direct connection A-C works. */
    const char *ac = active_pcx(a, va, a, vc);
    OK(a, "ReplaceRoute", J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"10.3.0.0/16\","
                            "\"VpcPeeringConnectionId\":\"%s\"}", rf_main_rtb(a, va), ac));
    OK(a, "ReplaceRoute", J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"10.1.0.0/16\","
                            "\"VpcPeeringConnectionId\":\"%s\"}", rf_main_rtb(a, vc), ac));
    ck_assert(rf_found(rf_analyze(a, rf_path(a, ia, "Destination", ic, 5432))));
}
END_TEST

/* B's internet gateway is not A's way out (no edge-to-edge routing). */
START_TEST(no_edge_to_edge)
{
    int a = pf_agent(A1, R1);
    const char *va = mkvpc(a, "10.1.0.0/16"), *vb = mkvpc(a, "10.2.0.0/16");
    const char *ia = rf_instance(a, rf_subnet(a, va, "10.1.1.0/24"), NULL);
    rf_igw(a, vb);
    const char *pcx = active_pcx(a, va, a, vb);
    rf_pcx_route(a, va, "0.0.0.0/0", pcx);
    const vs_json_t *r = rf_analyze(a, rf_path(a, ia, "DestinationIp", "8.8.8.8", 443));
    ck_assert(!rf_found(r));
    ck_assert_str_eq(rf_codes(r), "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR");
    ck_assert_str_eq(S(r, "Explanations.0.Address"), "8.8.8.8");
    /* A's own gateway: the instance has no public address. */
    const char *vd = mkvpc(a, "10.4.0.0/16");
    const char *id = rf_instance(a, rf_subnet(a, vd, "10.4.1.0/24"), NULL);
    const char *igw_d = rf_igw(a, vd);
    r = rf_analyze(a, rf_path(a, id, "DestinationIp", "8.8.8.8", 443));
    ck_assert_str_eq(rf_codes(r), "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS");
    ck_assert_str_eq(S(r, "Explanations.0.InternetGateway.Id"), igw_d);
    r = rf_analyze(a, rf_path(a, id, "DestinationIp", "192.168.7.7", 443));
    ck_assert_str_eq(rf_codes(r), "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS");
}
END_TEST

/* A destination in another account's VPC, named by its address; the
 * other account's agent judges its side. */
START_TEST(cross_account_by_ip)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    rf_seed_t s = rf_seed(a, b);
    const char *pcx = active_pcx(a, s.vpc_a, b, s.vpc_b);
    const char *path = rf_path(a, s.i_a, "DestinationIp", "10.2.1.234", 22);
    rf_pcx_route(a, s.vpc_a, "10.2.0.0/16", pcx);
    const vs_json_t *r = rf_analyze(a, path);
    ck_assert_str_eq(rf_codes(r), "ENI_SG_RULES_MISMATCH");
    ck_assert_str_eq(S(r, "Explanations.0.Vpc.Arn"), J("arn:aws:ec2:%s:%s:vpc/%s", R1, A2, s.vpc_b));
    /* B admits A's group by reference: same Region, active connection. */
    const char *sg_a = rf_default_sg(a, s.vpc_a), *sg_b = rf_default_sg(b, s.vpc_b);
    OK(b, "AuthorizeSecurityGroupIngress",
       J("{\"GroupId\":\"%s\",\"IpPermissions\":[{\"IpProtocol\":\"tcp\",\"FromPort\":22,"
         "\"ToPort\":22,\"UserIdGroupPairs\":[{\"UserId\":\"%s\",\"GroupId\":\"%s\","
         "\"VpcPeeringConnectionId\":\"%s\"}]}]}", sg_b, A1, sg_a, pcx));
    r = rf_analyze(a, path);
    ck_assert_str_eq(rf_codes(r), "NO_ROUTE_TO_DESTINATION");
    ck_assert_str_eq(S(r, "Explanations.0.RouteTable.Id"), rf_main_rtb(b, s.vpc_b));
    rf_pcx_route(b, s.vpc_b, "10.1.0.0/16", pcx);
    r = rf_analyze(a, path);
    ck_assert(rf_found(r));
    ck_assert_str_eq(rf_ids(r, "ForwardPathComponents"),
                     rf_join(s.i_a, rf_eni(a, s.i_a), sg_a, rf_default_acl(a, s.vpc_a),
                             rf_main_rtb(a, s.vpc_a), pcx, rf_default_acl(b, s.vpc_b), sg_b,
                             rf_eni(b, s.i_b), s.i_b, NULL));
    const vs_json_t *f = P(r, "ForwardPathComponents");
    ck_assert_str_eq(S(f, "7.SecurityGroupRule.SecurityGroupId"), sg_a);
    ck_assert_str_eq(S(f, "9.Component.Arn"), J("arn:aws:ec2:%s:%s:instance/%s", R1, A2, s.i_b));
    ck_assert_str_eq(S(f, "5.DestinationVpc.Arn"), J("arn:aws:ec2:%s:%s:vpc/%s", R1, A2, s.vpc_b));
    ck_assert_str_eq(rf_ids(r, "ReturnPathComponents"),
                     rf_join(s.i_b, rf_eni(b, s.i_b), rf_default_acl(b, s.vpc_b),
                             rf_main_rtb(b, s.vpc_b), pcx, rf_default_acl(a, s.vpc_a),
                             rf_eni(a, s.i_a), s.i_a, NULL));
    /* An address of B's VPC that no interface holds. */
    r = rf_analyze(a, rf_path(a, s.i_a, "DestinationIp", "10.2.1.99", 22));
    ck_assert_str_eq(rf_codes(r), "UNKNOWN_DESTINATION");
    ck_assert_str_eq(S(r, "Explanations.0.Address"), "10.2.1.99");
    /* The other account cannot name A's instance. */
    ERR(b, "CreateNetworkInsightsPath",
        J("{\"Source\":\"%s\",\"DestinationIp\":\"10.1.1.12\",\"Protocol\":\"tcp\"}", s.i_a),
        "InvalidInstanceID.NotFound", J("The instance ID '%s' does not exist", s.i_a));
}
END_TEST

/* The agent owning the peer VPC never answers: the analysis fails. */
START_TEST(no_answer_fails)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    rf_seed_t s = rf_seed(a, b);
    const char *pcx = active_pcx(a, s.vpc_a, b, s.vpc_b);
    rf_connect(&s, pcx);
    const char *path = rf_path(a, s.i_a, "DestinationIp", "10.2.1.234", 22);
    vs_simnet_faults_t lost = { .drop = 1.0 };
    vs_simnet_set_faults(g_net, &lost);
    const char *nia = rf_start(a, path);
    pf_advance(VS_NIA_TIMEOUT_MS - 1);
    ck_assert_str_eq(S(rf_describe(a, nia), "Status"), "running");
    pf_advance(1);
    const vs_json_t *r = rf_describe(a, nia);
    ck_assert_str_eq(S(r, "Status"), "failed");
    ck_assert_str_eq(S(r, "StatusMessage"),
                     J("The request failed due to inaccessible resource %s: the agent of account "
                       "%s in %s did not answer within 30 seconds.", s.vpc_b, A2, R1));
    ck_assert_ptr_null(P(r, "NetworkPathFound"));
    /* The network heals; a late answer changes nothing, a new run works. */
    vs_simnet_faults_t none = { 0 };
    vs_simnet_set_faults(g_net, &none);
    pf_settle();
    ck_assert_str_eq(S(rf_describe(a, nia), "Status"), "failed");
    ck_assert(rf_found(rf_analyze(a, path)));
}
END_TEST

/* The source agent is killed while its probe is out; the answer still
 * completes the analysis it restored from its store. */
START_TEST(source_crash_while_waiting)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    rf_seed_t s = rf_seed(a, b);
    rf_connect(&s, active_pcx(a, s.vpc_a, b, s.vpc_b));
    const char *nia = rf_start(a, rf_path(a, s.i_a, "DestinationIp", "10.2.1.234", 22));
    vs_simnet_crash(g_net, a);
    pf_settle();
    const vs_json_t *r = rf_describe(a, nia);
    ck_assert_str_eq(S(r, "Status"), "succeeded");
    ck_assert(rf_found(r));
}
END_TEST

START_TEST(path_and_describe_api)
{
    int a = pf_agent(A1, R1);
    rf_seed_t s = rf_seed(a, a);
    vs_json_t *o = OK(a, "CreateNetworkInsightsPath",
                      J("{\"Source\":\"%s\",\"Destination\":\"%s\",\"Protocol\":\"TCP\","
                        "\"DestinationPort\":22,\"TagSpecifications\":[{\"ResourceType\":"
                        "\"network-insights-path\",\"Tags\":[{\"Key\":\"Name\",\"Value\":\"ssh\"}]}]}",
                        rf_eni(a, s.i_a), s.i_b));
    const vs_json_t *p = P(o, "NetworkInsightsPath");
    ck_assert_str_eq(pf_keys(p), "NetworkInsightsPathId,NetworkInsightsPathArn,CreatedDate,Source,"
                                 "Destination,SourceArn,DestinationArn,Protocol,DestinationPort,"
                                 "Tags");
    const char *path = S(p, "NetworkInsightsPathId");
    ck_assert(!strncmp(path, "nip-", 4) && strlen(path) == 21);
    ck_assert_str_eq(S(p, "NetworkInsightsPathArn"),
                     J("arn:aws:ec2:%s:%s:network-insights-path/%s", R1, A1, path));
    ck_assert_str_eq(S(p, "SourceArn"),
                     J("arn:aws:ec2:%s:%s:network-interface/%s", R1, A1, rf_eni(a, s.i_a)));
    ck_assert_str_eq(S(p, "Protocol"), "tcp");
    ck_assert_str_eq(S(p, "Tags.0.Value"), "ssh");
    ERR(a, "CreateNetworkInsightsPath",
        J("{\"Source\":\"%s\",\"DestinationIp\":\"10.2.1.234\",\"Protocol\":\"icmp\"}", s.i_a),
        "InvalidParameterValue", NULL);
    ERR(a, "CreateNetworkInsightsPath",
        "{\"Source\":\"i-0123456789abcdef0\",\"DestinationIp\":\"10.2.1.234\",\"Protocol\":\"tcp\"}",
        "InvalidInstanceID.NotFound", "The instance ID 'i-0123456789abcdef0' does not exist");
    ERR(a, "CreateNetworkInsightsPath", J("{\"Source\":\"%s\",\"Protocol\":\"tcp\"}", s.i_a),
        "MissingParameter", NULL);
    ERR(a, "StartNetworkInsightsAnalysis", "{\"NetworkInsightsPathId\":\"nip-0123456789abcdef0\"}",
        "InvalidNetworkInsightsPathId.NotFound", NULL);

    vs_json_t *st = OK(a, "StartNetworkInsightsAnalysis",
                       J("{\"NetworkInsightsPathId\":\"%s\"}", path));
    const vs_json_t *an = P(st, "NetworkInsightsAnalysis");
    ck_assert_str_eq(pf_keys(an), "NetworkInsightsAnalysisId,NetworkInsightsAnalysisArn,"
                                  "NetworkInsightsPathId,FilterInArns,StartDate,Status,Tags");
    const char *nia = S(an, "NetworkInsightsAnalysisId");
    const char *other = rf_start(a, rf_path(a, s.i_b, "Destination", s.i_a, 22));
    pf_settle();
    const vs_json_t *r = rf_describe(a, nia);
    ck_assert_str_eq(pf_keys(r), "NetworkInsightsAnalysisId,NetworkInsightsAnalysisArn,"
                                 "NetworkInsightsPathId,FilterInArns,StartDate,Status,"
                                 "NetworkPathFound,Explanations,Tags");
    /* The path's analyses only; then by status and result. */
    vs_json_t *d = OK(a, "DescribeNetworkInsightsAnalyses",
                      J("{\"NetworkInsightsPathId\":\"%s\"}", path));
    ck_assert_int_eq(N(d, "NetworkInsightsAnalyses"), 1);
    ck_assert_str_eq(S(d, "NetworkInsightsAnalyses.0.NetworkInsightsAnalysisId"), nia);
    d = OK(a, "DescribeNetworkInsightsAnalyses",
           "{\"Filters\":[{\"Name\":\"path-found\",\"Values\":[\"false\"]}]}");
    ck_assert_int_eq(N(d, "NetworkInsightsAnalyses"), 2);
    ck_assert_str_eq(S(d, "NetworkInsightsAnalyses.1.NetworkInsightsAnalysisId"), other);
    /* By start time. */
    d = OK(a, "DescribeNetworkInsightsAnalyses", "{\"AnalysisStartTime\":\"2019-06-15T00:00:00Z\"}");
    ck_assert_int_eq(N(d, "NetworkInsightsAnalyses"), 2);
    d = OK(a, "DescribeNetworkInsightsAnalyses", "{\"AnalysisStartTime\":\"2030-01-01T00:00:00Z\"}");
    ck_assert_int_eq(N(d, "NetworkInsightsAnalyses"), 0);
    d = OK(a, "DescribeNetworkInsightsAnalyses", "{\"AnalysisEndTime\":1560556800}");
    ck_assert_int_eq(N(d, "NetworkInsightsAnalyses"), 0);
    ERR(a, "DescribeNetworkInsightsAnalyses", "{\"AnalysisEndTime\":\"yesterday\"}",
        "InvalidParameterValue", NULL);
    ERR(a, "DescribeNetworkInsightsAnalyses",
        "{\"NetworkInsightsAnalysisIds\":[\"nia-0123456789abcdef0\"]}",
        "InvalidNetworkInsightsAnalysisId.NotFound", NULL);
    /* A terminated source: the analysis says so. */
    OK(a, "TerminateInstances", J("{\"InstanceIds\":[\"%s\"]}", s.i_a));
    r = rf_analyze(a, path);
    ck_assert_str_eq(rf_codes(r), "UNASSOCIATED_COMPONENT");
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("reach");
    TCase *tc = tcase_create("reach");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, seed_connection_test);
    tcase_add_test(tc, one_sided_route);
    tcase_add_test(tc, no_transitive_peering);
    tcase_add_test(tc, no_edge_to_edge);
    tcase_add_test(tc, cross_account_by_ip);
    tcase_add_test(tc, no_answer_fails);
    tcase_add_test(tc, source_crash_while_waiting);
    tcase_add_test(tc, path_and_describe_api);
    suite_add_tcase(s, tc);
    return s;
}
