/* The Reachability Analyzer and network ACLs: the ACLs of the source and
 * destination subnets are evaluated in both directions, the reply
 * included (reference aws-vpc-peering.md 7.2 steps 2, 7 and 9); a refusal
 * is SUBNET_ACL_RESTRICTION naming the ACL and the rule (7.4); a path that
 * is found lists the ACLs it crossed. */
#include "check_reach_fixture.h"

static const char *rf_acl(int a, const char *vpc)
{
    return S(OK(a, "CreateNetworkAcl", J("{\"VpcId\":\"%s\"}", vpc)), "NetworkAcl.NetworkAclId");
}

static void rf_entry(int a, const char *acl, int rule, bool egress, const char *action,
                     const char *cidr, int from, int to)
{
    OK(a, "CreateNetworkAclEntry",
       J("{\"NetworkAclId\":\"%s\",\"RuleNumber\":%d,\"Egress\":%s,\"RuleAction\":\"%s\","
         "\"Protocol\":\"%s\",\"CidrBlock\":\"%s\"%s}", acl, rule, egress ? "true" : "false",
         action, from < 0 ? "-1" : "6", cidr,
         from < 0 ? "" : J(",\"PortRange\":{\"From\":%d,\"To\":%d}", from, to)));
}

/* Moves subnet (of vpc) from its current ACL to acl. */
static void rf_assoc(int a, const char *subnet, const char *acl)
{
    vs_json_t *o = OK(a, "DescribeNetworkAcls",
                      J("{\"Filters\":[{\"Name\":\"association.subnet-id\",\"Values\":[\"%s\"]}]}",
                        subnet));
    const vs_json_t *as = P(o, "NetworkAcls.0.Associations");
    for (size_t i = 0; i < vs_json_len(as); i++)
        if (!strcmp(S(vs_json_at(as, i), "SubnetId"), subnet))
            OK(a, "ReplaceNetworkAclAssociation",
               J("{\"AssociationId\":\"%s\",\"NetworkAclId\":\"%s\"}",
                 S(vs_json_at(as, i), "NetworkAclAssociationId"), acl));
}

/* The seed connected: A (10.1.1.12) reaches B (10.2.1.234) on SSH. */
static const char *connected(int a, int b, rf_seed_t *s)
{
    *s = rf_seed(a, b);
    const char *pcx = active_pcx(a, s->vpc_a, b, s->vpc_b);
    rf_connect(s, pcx);
    const char *path = rf_path(a, s->i_a, "DestinationIp", "10.2.1.234", 22);
    ck_assert(rf_found(rf_analyze(a, path)));
    return path;
}

/* 7.2 step 9: a custom ACL on the destination subnet that lets SSH in but
 * has no rule for the ephemeral ports blocks the reply; adding one opens
 * the path. */
START_TEST(reply_needs_ephemeral_ports)
{
    int a = pf_agent(A1, R1);
    rf_seed_t s;
    const char *path = connected(a, a, &s);
    const char *acl = rf_acl(a, s.vpc_b);
    rf_entry(a, acl, 100, false, "allow", "10.1.0.0/16", 22, 22);
    rf_entry(a, acl, 100, true, "allow", "10.1.0.0/16", 22, 22);   /* not the reply's ports */
    rf_assoc(a, s.sub_b, acl);
    const vs_json_t *r = rf_analyze(a, path);
    ck_assert(!rf_found(r));
    ck_assert_str_eq(rf_codes(r), "SUBNET_ACL_RESTRICTION");
    const vs_json_t *e = P(r, "Explanations.0");
    ck_assert_str_eq(pf_keys(e), "Acl,AclRule,Direction,ExplanationCode,Subnet,Vpc");
    ck_assert_str_eq(S(e, "Acl.Id"), acl);
    ck_assert_str_eq(S(e, "Acl.Arn"), J("arn:aws:ec2:%s:%s:network-acl/%s", R1, A1, acl));
    ck_assert_str_eq(S(e, "Direction"), "egress");
    ck_assert_str_eq(S(e, "Subnet.Id"), s.sub_b);
    ck_assert_str_eq(S(e, "Vpc.Id"), s.vpc_b);
    /* The rule that refused it: the `*` deny. */
    ck_assert_str_eq(pf_keys(P(e, "AclRule")), "Cidr,Egress,Protocol,RuleAction,RuleNumber");
    ck_assert_int_eq(vs_json_get_int(P(e, "AclRule"), "RuleNumber", 0), 32767);
    ck_assert_str_eq(S(e, "AclRule.RuleAction"), "deny");
    ck_assert_str_eq(S(e, "AclRule.Protocol"), "all");

    rf_entry(a, acl, 110, true, "allow", "10.1.0.0/16", 1024, 65535);
    r = rf_analyze(a, path);
    ck_assert(rf_found(r));
    /* The ACLs are on the path: the custom one in (rule 100, SSH) and out
     * (rule 110, the reply). */
    const char *ids = rf_ids(r, "ForwardPathComponents");
    ck_assert_ptr_nonnull(strstr(ids, J("%s,%s", rf_default_acl(a, s.vpc_a), rf_main_rtb(a, s.vpc_a))));
    ck_assert_ptr_nonnull(strstr(ids, J("%s,%s", acl, rf_default_sg(a, s.vpc_b))));
    const vs_json_t *f = P(r, "ForwardPathComponents");
    const vs_json_t *in = vs_json_at(f, 6);
    ck_assert_str_eq(S(in, "Component.Id"), acl);
    ck_assert_str_eq(pf_keys(in), "SequenceNumber,AclRule,Component");
    ck_assert_int_eq(vs_json_get_int(P(in, "AclRule"), "RuleNumber", 0), 100);
    ck_assert(!vs_json_as_bool(P(in, "AclRule.Egress"), true));
    ck_assert_int_eq(vs_json_get_int(P(in, "AclRule.PortRange"), "From", 0), 22);
    const vs_json_t *back = vs_json_at(P(r, "ReturnPathComponents"), 2);
    ck_assert_str_eq(S(back, "Component.Id"), acl);
    ck_assert_int_eq(vs_json_get_int(P(back, "AclRule"), "RuleNumber", 0), 110);
    ck_assert(vs_json_as_bool(P(back, "AclRule.Egress"), false));
}
END_TEST

/* 7.2 step 2: rules in ascending order, first match wins - a deny
 * numbered before the default allow (100) on the source subnet wins. */
START_TEST(deny_before_allow_wins)
{
    int a = pf_agent(A1, R1);
    rf_seed_t s;
    const char *path = connected(a, a, &s);
    const char *acl = rf_default_acl(a, s.vpc_a);
    rf_entry(a, acl, 50, true, "deny", "10.2.0.0/16", 22, 22);
    const vs_json_t *r = rf_analyze(a, path);
    ck_assert_str_eq(rf_codes(r), "SUBNET_ACL_RESTRICTION");
    ck_assert_str_eq(S(r, "Explanations.0.Acl.Id"), acl);
    ck_assert_str_eq(S(r, "Explanations.0.Direction"), "egress");
    ck_assert_int_eq(vs_json_get_int(P(r, "Explanations.0.AclRule"), "RuleNumber", 0), 50);
    ck_assert_str_eq(S(r, "Explanations.0.AclRule.RuleAction"), "deny");
    ck_assert_str_eq(S(r, "Explanations.0.AclRule.Cidr"), "10.2.0.0/16");
    /* Port 80 is not denied by it: the walk goes on to B's group, which
     * opens only SSH. */
    ck_assert_str_eq(rf_codes(rf_analyze(a, rf_path(a, s.i_a, "DestinationIp", "10.2.1.234", 80))),
                     "ENI_SG_RULES_MISMATCH");
    /* Renumbered after the allow, the deny never matches. */
    OK(a, "DeleteNetworkAclEntry", J("{\"NetworkAclId\":\"%s\",\"RuleNumber\":50,\"Egress\":true}", acl));
    rf_entry(a, acl, 150, true, "deny", "10.2.0.0/16", 22, 22);
    ck_assert(rf_found(rf_analyze(a, path)));
    /* The reply coming back into the source subnet meets its inbound rules. */
    rf_entry(a, acl, 10, false, "deny", "10.2.0.0/16", 1024, 65535);
    r = rf_analyze(a, path);
    ck_assert_str_eq(rf_codes(r), "SUBNET_ACL_RESTRICTION");
    ck_assert_str_eq(S(r, "Explanations.0.Direction"), "ingress");
    ck_assert_int_eq(vs_json_get_int(P(r, "Explanations.0.AclRule"), "RuleNumber", 0), 10);
}
END_TEST

/* Across accounts: B's ACL is evaluated by B's agent and named with B's
 * account in its ARN. */
START_TEST(cross_account_destination_acl)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    rf_seed_t s;
    const char *path = connected(a, b, &s);
    const char *acl = rf_default_acl(b, s.vpc_b);
    OK(b, "ReplaceNetworkAclEntry",
       J("{\"NetworkAclId\":\"%s\",\"RuleNumber\":100,\"Egress\":false,\"RuleAction\":\"deny\","
         "\"Protocol\":\"-1\",\"CidrBlock\":\"10.1.0.0/16\"}", acl));
    const vs_json_t *r = rf_analyze(a, path);
    ck_assert_str_eq(rf_codes(r), "SUBNET_ACL_RESTRICTION");
    ck_assert_str_eq(S(r, "Explanations.0.Acl.Arn"), J("arn:aws:ec2:%s:%s:network-acl/%s", R1, A2, acl));
    ck_assert_str_eq(S(r, "Explanations.0.Direction"), "ingress");
    ck_assert_int_eq(vs_json_get_int(P(r, "Explanations.0.AclRule"), "RuleNumber", 0), 100);
}
END_TEST

/* Traffic between two instances of one subnet never crosses its ACL. */
START_TEST(same_subnet_skips_acl)
{
    int a = pf_agent(A1, R1);
    rf_seed_t s = rf_seed(a, a);
    const char *i2 = rf_instance(a, s.sub_a, "10.1.1.20");
    rf_allow_in(a, rf_default_sg(a, s.vpc_a), "tcp", 22, "10.1.0.0/16");
    const char *acl = rf_acl(a, s.vpc_a);    /* denies everything */
    rf_assoc(a, s.sub_a, acl);
    const vs_json_t *r = rf_analyze(a, rf_path(a, s.i_a, "Destination", i2, 22));
    ck_assert(rf_found(r));
    ck_assert_ptr_null(strstr(rf_ids(r, "ForwardPathComponents"), acl));
    /* Another subnet of the same VPC: the ACL applies. */
    const char *sub2 = rf_subnet(a, s.vpc_a, "10.1.2.0/24");
    const char *i3 = rf_instance(a, sub2, "10.1.2.30");
    r = rf_analyze(a, rf_path(a, s.i_a, "Destination", i3, 22));
    ck_assert_str_eq(rf_codes(r), "SUBNET_ACL_RESTRICTION");
    ck_assert_str_eq(S(r, "Explanations.0.Acl.Id"), acl);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("nacl_reach");
    TCase *tc = tcase_create("nacl_reach");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, reply_needs_ephemeral_ports);
    tcase_add_test(tc, deny_before_allow_wins);
    tcase_add_test(tc, cross_account_destination_acl);
    tcase_add_test(tc, same_subnet_skips_acl);
    suite_add_tcase(s, tc);
    return s;
}
