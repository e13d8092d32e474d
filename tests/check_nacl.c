/* Unit tests of network ACLs in the agent model: the default ACL of a VPC,
 * subnet associations, CreateNetworkAcl / DeleteNetworkAcl,
 * Create/Replace/DeleteNetworkAclEntry with EC2's limits and errors,
 * ReplaceNetworkAclAssociation, DescribeNetworkAcls (filters, paging),
 * persistence. Reference: aws-vpc-peering.md 7.2 (steps 2, 7, 9: the
 * subnet NACLs, stateless, ascending rule order, first match, final `*`
 * deny) and ec2-output-shapes (the NetworkAcl shape, from botocore). The
 * evaluator is in check_nacl_eval.c, the analyzer's use in
 * check_nacl_reach.c. */
#include "check_model_fixture.h"
#include "nacl.h"

#define ACL_KEYS "Associations,Entries,IsDefault,NetworkAclId,Tags,VpcId,OwnerId"

static const vs_json_t *acl(const char *id)
{
    return describe_one("DescribeNetworkAcls", "NetworkAclIds", "NetworkAcls", id);
}

static const char *default_acl(const char *vpc)
{
    vs_json_t *o = OK("DescribeNetworkAcls",
                      J("{\"Filters\":[{\"Name\":\"vpc-id\",\"Values\":[\"%s\"]},"
                        "{\"Name\":\"default\",\"Values\":[\"true\"]}]}", vpc));
    ck_assert_int_eq(N(o, "NetworkAcls"), 1);
    return S(o, "NetworkAcls.0.NetworkAclId");
}

static const char *mkacl(const char *vpc)
{
    return S(OK("CreateNetworkAcl", J("{\"VpcId\":\"%s\"}", vpc)), "NetworkAcl.NetworkAclId");
}

/* An entry "RULE EGRESS ACTION PROTO CIDR FROM TO" as its input document. */
static const char *entry(const char *id, int rule, bool egress, const char *action,
                         const char *proto, const char *cidr, int from, int to)
{
    return J("{\"NetworkAclId\":\"%s\",\"RuleNumber\":%d,\"Egress\":%s,\"RuleAction\":\"%s\","
             "\"Protocol\":\"%s\",\"%s\":\"%s\"%s}", id, rule, egress ? "true" : "false", action,
             proto, strchr(cidr, ':') ? "Ipv6CidrBlock" : "CidrBlock", cidr,
             from < 0 ? "" : J(",\"PortRange\":{\"From\":%d,\"To\":%d}", from, to));
}

/* The entries of an ACL as "rule:egress:action:proto:cidr[:from-to]" lines. */
static const char *entries_of(const char *id)
{
    const vs_json_t *e = P(acl(id), "Entries");
    char buf[4096] = "";
    for (size_t i = 0; i < vs_json_len(e); i++) {
        const vs_json_t *x = vs_json_at(e, i);
        const char *c = vs_json_get_str(x, "CidrBlock");
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%lld:%s:%s:%s:%s", i ? " " : "",
                 (long long)vs_json_get_int(x, "RuleNumber", -1),
                 vs_json_get_bool(x, "Egress", false) ? "out" : "in", S(x, "RuleAction"),
                 S(x, "Protocol"), c ? c : S(x, "Ipv6CidrBlock"));
        const vs_json_t *pr = vs_json_get(x, "PortRange");
        if (pr)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), ":%lld-%lld",
                     (long long)vs_json_get_int(pr, "From", -1),
                     (long long)vs_json_get_int(pr, "To", -1));
    }
    return fx_skeep(strdup(buf));
}

/* --- the default ACL ------------------------------------------------------------------- */

/* 7.2: every subnet has an ACL; a VPC's default one allows everything
 * (rule 100) before the `*` deny, in both directions. */
START_TEST(default_acl_rules)
{
    const char *v = mkvpc("10.1.0.0/16");
    const char *id = default_acl(v);
    const vs_json_t *a = acl(id);
    ck_assert_str_eq(fx_keys(a), ACL_KEYS);
    ck_assert(vs_id_valid(id, "acl"));
    ck_assert(vs_json_as_bool(P(a, "IsDefault"), false));
    ck_assert_str_eq(S(a, "VpcId"), v);
    ck_assert_str_eq(S(a, "OwnerId"), ACCT);
    ck_assert_int_eq(N(a, "Associations"), 0);
    ck_assert_int_eq(N(a, "Tags"), 0);
    ck_assert_str_eq(entries_of(id), "100:out:allow:-1:0.0.0.0/0 32767:out:deny:-1:0.0.0.0/0 "
                                     "100:in:allow:-1:0.0.0.0/0 32767:in:deny:-1:0.0.0.0/0");
    ck_assert_str_eq(fx_keys(P(a, "Entries.0")), "CidrBlock,Egress,Protocol,RuleAction,RuleNumber");
    /* The VPC names it as its default ACL. */
    vs_obj_t *vo = vs_model__get(g_m, v);
    ck_assert_str_eq(((vs_vpc_t *)vo)->default_acl_id, id);

    /* A VPC with an IPv6 block: the IPv6 rules (101 and the `*` 32768). */
    vs_json_t *o = OK("CreateVpc", "{\"CidrBlock\":\"10.2.0.0/16\",\"AmazonProvidedIpv6CidrBlock\":true}");
    const char *v6 = default_acl(S(o, "Vpc.VpcId"));
    ck_assert_str_eq(entries_of(v6),
                     "100:out:allow:-1:0.0.0.0/0 101:out:allow:-1:::/0 32767:out:deny:-1:0.0.0.0/0 "
                     "32768:out:deny:-1:::/0 100:in:allow:-1:0.0.0.0/0 101:in:allow:-1:::/0 "
                     "32767:in:deny:-1:0.0.0.0/0 32768:in:deny:-1:::/0");
    ck_assert_str_eq(fx_keys(P(acl(v6), "Entries.1")), "Egress,Ipv6CidrBlock,Protocol,RuleAction,RuleNumber");

    /* An IPv6 block added later brings the same rules; a custom ACL gets
     * only the IPv6 `*` deny. */
    const char *custom = mkacl(v);
    OK("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"AmazonProvidedIpv6CidrBlock\":true}", v));
    ck_assert_str_eq(entries_of(id), entries_of(v6));
    ck_assert_str_eq(entries_of(custom), "32767:out:deny:-1:0.0.0.0/0 32768:out:deny:-1:::/0 "
                                         "32767:in:deny:-1:0.0.0.0/0 32768:in:deny:-1:::/0");
}
END_TEST

/* Each new subnet is associated with the VPC's default ACL; the
 * association goes with the subnet. */
START_TEST(subnet_association)
{
    const char *v = mkvpc("10.1.0.0/16");
    const char *id = default_acl(v);
    const char *s1 = mksubnet(v, "10.1.1.0/24"), *s2 = mksubnet(v, "10.1.2.0/24");
    const vs_json_t *a = acl(id);
    ck_assert_int_eq(N(a, "Associations"), 2);
    const vs_json_t *x = P(a, "Associations.0");
    ck_assert_str_eq(fx_keys(x), "NetworkAclAssociationId,NetworkAclId,SubnetId");
    ck_assert_str_eq(S(x, "NetworkAclId"), id);
    ck_assert_str_eq(S(x, "SubnetId"), s1);
    const char *assoc = S(x, "NetworkAclAssociationId");
    ck_assert_int_eq(strncmp(assoc, "aclassoc-", 9), 0);
    ck_assert_int_eq((int)strlen(assoc), 9 + 17);
    ck_assert_str_ne(S(a, "Associations.1.NetworkAclAssociationId"), assoc);
    /* The filter Terraform uses to find a subnet's ACL. */
    vs_json_t *o = OK("DescribeNetworkAcls",
                      J("{\"Filters\":[{\"Name\":\"association.subnet-id\",\"Values\":[\"%s\"]}]}", s2));
    ck_assert_str_eq(ids_of(o, "NetworkAcls", "NetworkAclId"), id);
    ck_assert_ptr_eq(vs_nacl__for_subnet(g_m, s2), vs_model__get(g_m, id));
    OK("DeleteSubnet", J("{\"SubnetId\":\"%s\"}", s1));
    ck_assert_int_eq(N(acl(id), "Associations"), 1);
    ck_assert_str_eq(S(acl(id), "Associations.0.SubnetId"), s2);
    ck_assert_ptr_null(vs_nacl__for_subnet(g_m, s1));
}
END_TEST

/* --- custom ACLs and associations ------------------------------------------------------ */

START_TEST(custom_acl_lifecycle)
{
    const char *v = mkvpc("10.1.0.0/16");
    const char *def = default_acl(v);
    const char *sub = mksubnet(v, "10.1.1.0/24");
    vs_json_t *o = OK("CreateNetworkAcl",
                      J("{\"VpcId\":\"%s\",\"ClientToken\":\"tok-1\",\"TagSpecifications\":[{"
                        "\"ResourceType\":\"network-acl\",\"Tags\":[{\"Key\":\"Name\",\"Value\":\"web\"}]}]}", v));
    ck_assert_str_eq(fx_keys(o), "NetworkAcl,ClientToken");
    const vs_json_t *a = P(o, "NetworkAcl");
    ck_assert_str_eq(fx_keys(a), ACL_KEYS);
    const char *id = S(a, "NetworkAclId");
    ck_assert(!vs_json_as_bool(P(a, "IsDefault"), true));
    ck_assert_str_eq(S(a, "Tags.0.Value"), "web");
    /* A retried call with the same token answers the same ACL. */
    vs_json_t *again = OK("CreateNetworkAcl", J("{\"VpcId\":\"%s\",\"ClientToken\":\"tok-1\"}", v));
    ck_assert_str_eq(S(again, "NetworkAcl.NetworkAclId"), id);
    ERR("CreateNetworkAcl", J("{\"VpcId\":\"%s\",\"ClientToken\":\"tok-1\"}", mkvpc("10.7.0.0/16")),
        "IdempotentParameterMismatch", NULL);
    /* "By default, [a custom ACL] denies all inbound and outbound traffic." */
    ck_assert_str_eq(entries_of(id), "32767:out:deny:-1:0.0.0.0/0 32767:in:deny:-1:0.0.0.0/0");

    /* Move the subnet to it. */
    const char *assoc = S(acl(def), "Associations.0.NetworkAclAssociationId");
    o = OK("ReplaceNetworkAclAssociation",
           J("{\"AssociationId\":\"%s\",\"NetworkAclId\":\"%s\"}", assoc, id));
    ck_assert_str_eq(fx_keys(o), "NewAssociationId");
    const char *assoc2 = S(o, "NewAssociationId");
    ck_assert_str_ne(assoc2, assoc);
    ck_assert_int_eq(N(acl(def), "Associations"), 0);
    ck_assert_str_eq(S(acl(id), "Associations.0.NetworkAclAssociationId"), assoc2);
    ck_assert_str_eq(S(acl(id), "Associations.0.SubnetId"), sub);
    /* The old association is gone. */
    ERR("ReplaceNetworkAclAssociation", J("{\"AssociationId\":\"%s\",\"NetworkAclId\":\"%s\"}", assoc, def),
        "InvalidAssociationID.NotFound", J("The association ID '%s' does not exist", assoc));
    ERR("ReplaceNetworkAclAssociation", J("{\"AssociationId\":\"rtbassoc-1\",\"NetworkAclId\":\"%s\"}", def),
        "InvalidAssociationID.Malformed", "Invalid id: \"rtbassoc-1\" (expecting \"aclassoc-...\")");
    /* An ACL of another VPC cannot take the subnet. */
    const char *other = default_acl(mkvpc("10.9.0.0/16"));
    ERR("ReplaceNetworkAclAssociation", J("{\"AssociationId\":\"%s\",\"NetworkAclId\":\"%s\"}", assoc2, other),
        "InvalidParameterValue",
        J("Network ACL %s and subnet %s belong to different networks", other, sub));

    /* An associated ACL, or a default one, cannot be deleted. */
    ERR("DeleteNetworkAcl", J("{\"NetworkAclId\":\"%s\"}", id), "DependencyViolation",
        J("The networkAcl '%s' has dependencies and cannot be deleted.", id));
    ERR("DeleteNetworkAcl", J("{\"NetworkAclId\":\"%s\"}", def), "InvalidParameterValue",
        J("cannot delete default network ACL %s", def));
    /* Nor can the VPC while a custom ACL exists. */
    OK("DeleteSubnet", J("{\"SubnetId\":\"%s\"}", sub));
    ERR("DeleteVpc", J("{\"VpcId\":\"%s\"}", v), "DependencyViolation",
        J("The vpc '%s' has dependencies and cannot be deleted.", v));
    /* A dry run changes nothing. */
    ERR("DeleteNetworkAcl", J("{\"NetworkAclId\":\"%s\",\"DryRun\":true}", id), "DryRunOperation", NULL);
    OK("DeleteNetworkAcl", J("{\"NetworkAclId\":\"%s\"}", id));
    ERR("DeleteNetworkAcl", J("{\"NetworkAclId\":\"%s\"}", id), "InvalidNetworkAclID.NotFound",
        J("The networkAcl ID '%s' does not exist", id));
    ERR("DeleteNetworkAcl", "{\"NetworkAclId\":\"acl-zzz\"}", "InvalidNetworkAclID.Malformed", NULL);
    ERR("CreateNetworkAcl", "{}", "MissingParameter", "The request must contain the parameter VpcId");
    /* Now the VPC goes, and its default ACL with it. */
    OK("DeleteVpc", J("{\"VpcId\":\"%s\"}", v));
    ck_assert_ptr_null(vs_model__get(g_m, def));
}
END_TEST

/* --- entries ----------------------------------------------------------------------------- */

START_TEST(entries)
{
    const char *v = mkvpc("10.1.0.0/16");
    const char *id = mkacl(v);
    ck_assert_ptr_null(OK("CreateNetworkAclEntry", entry(id, 110, false, "allow", "tcp", "10.2.0.0/16", 22, 22)));
    /* Names and numbers both work; EC2 prints the number. The block is
     * canonicalised ("10.3.0.9/16" -> "10.3.0.0/16"). */
    OK("CreateNetworkAclEntry", entry(id, 100, false, "deny", "6", "10.3.0.9/16", 0, 65535));
    OK("CreateNetworkAclEntry", entry(id, 100, true, "allow", "-1", "0.0.0.0/0", -1, -1));
    OK("CreateNetworkAclEntry", entry(id, 120, true, "allow", "all", "::/0", -1, -1));
    ck_assert_str_eq(entries_of(id), "100:out:allow:-1:0.0.0.0/0 120:out:allow:-1:::/0 "
                                     "32767:out:deny:-1:0.0.0.0/0 100:in:deny:6:10.3.0.0/16:0-65535 "
                                     "110:in:allow:6:10.2.0.0/16:22-22 32767:in:deny:-1:0.0.0.0/0");
    ck_assert_str_eq(fx_keys(P(acl(id), "Entries.4")),
                     "CidrBlock,Egress,PortRange,Protocol,RuleAction,RuleNumber");
    /* ICMP entries print their type and code. */
    OK("CreateNetworkAclEntry",
       J("{\"NetworkAclId\":\"%s\",\"RuleNumber\":130,\"Egress\":false,\"RuleAction\":\"allow\","
         "\"Protocol\":\"1\",\"CidrBlock\":\"0.0.0.0/0\",\"IcmpTypeCode\":{\"Type\":8,\"Code\":-1}}", id));
    const vs_json_t *ic = P(acl(id), "Entries.5");
    ck_assert_str_eq(fx_keys(ic), "CidrBlock,Egress,IcmpTypeCode,Protocol,RuleAction,RuleNumber");
    ck_assert_int_eq(vs_json_get_int(P(ic, "IcmpTypeCode"), "Type", 0), 8);

    /* One rule per number and direction. */
    ERR("CreateNetworkAclEntry", entry(id, 110, false, "deny", "-1", "0.0.0.0/0", -1, -1),
        "NetworkAclEntryAlreadyExists", "The network acl entry identified by 110 already exists.");
    /* Rule numbers 1..32766; the `*` rules cannot be touched. */
    ERR("CreateNetworkAclEntry", entry(id, 0, false, "deny", "-1", "0.0.0.0/0", -1, -1),
        "InvalidParameterValue", "Value (0) for parameter ruleNumber is invalid. Rule number must "
        "be between 1 and 32766.");
    ERR("CreateNetworkAclEntry", entry(id, 32767, false, "allow", "-1", "0.0.0.0/0", -1, -1),
        "InvalidParameterValue", NULL);
    ERR("DeleteNetworkAclEntry", J("{\"NetworkAclId\":\"%s\",\"RuleNumber\":32767,\"Egress\":false}", id),
        "InvalidParameterValue", NULL);
    /* Bad input, each with EC2's kind of error. */
    ERR("CreateNetworkAclEntry", entry(id, 140, false, "maybe", "-1", "0.0.0.0/0", -1, -1),
        "InvalidParameterValue", NULL);
    ERR("CreateNetworkAclEntry", entry(id, 140, false, "allow", "tcp", "0.0.0.0/0", -1, -1),
        "InvalidParameterValue", NULL);
    ERR("CreateNetworkAclEntry", entry(id, 140, false, "allow", "tcp", "0.0.0.0/0", 90, 80),
        "InvalidParameterValue", NULL);
    ERR("CreateNetworkAclEntry", entry(id, 140, false, "allow", "bogus", "0.0.0.0/0", -1, -1),
        "InvalidParameterValue", NULL);
    ERR("CreateNetworkAclEntry", entry(id, 140, false, "allow", "-1", "10.0.0.0/33", -1, -1),
        "InvalidParameterValue", NULL);
    ERR("CreateNetworkAclEntry",
        J("{\"NetworkAclId\":\"%s\",\"RuleNumber\":140,\"Egress\":false,\"RuleAction\":\"allow\","
          "\"Protocol\":\"-1\"}", id),
        "MissingParameter", "Either 'cidrBlock' or 'ipv6CidrBlock' should be provided.");
    ERR("CreateNetworkAclEntry",
        J("{\"NetworkAclId\":\"%s\",\"RuleNumber\":140,\"RuleAction\":\"allow\",\"Protocol\":\"-1\","
          "\"CidrBlock\":\"0.0.0.0/0\"}", id),
        "MissingParameter", "The request must contain the parameter Egress");

    /* Replace changes a rule in place; it must exist. */
    OK("ReplaceNetworkAclEntry", entry(id, 110, false, "deny", "udp", "10.2.0.0/16", 53, 53));
    ck_assert_ptr_nonnull(strstr(entries_of(id), "110:in:deny:17:10.2.0.0/16:53-53"));
    ERR("ReplaceNetworkAclEntry", entry(id, 111, false, "deny", "-1", "0.0.0.0/0", -1, -1),
        "InvalidNetworkAclEntry.NotFound", "no ingress entry with number 111");
    /* Delete; the same number in the other direction is another rule. */
    ERR("DeleteNetworkAclEntry", J("{\"NetworkAclId\":\"%s\",\"RuleNumber\":110,\"Egress\":true}", id),
        "InvalidNetworkAclEntry.NotFound", "no egress entry with number 110");
    OK("DeleteNetworkAclEntry", J("{\"NetworkAclId\":\"%s\",\"RuleNumber\":110,\"Egress\":false}", id));
    ck_assert_ptr_null(strstr(entries_of(id), "110:in"));
    ERR("CreateNetworkAclEntry", entry("acl-0123456789abcdef0", 1, false, "deny", "-1", "0.0.0.0/0", -1, -1),
        "InvalidNetworkAclID.NotFound", NULL);
}
END_TEST

/* "Rules per network ACL: 20 ... one-way ... includes the default deny
 * rules" (VPC quotas). */
START_TEST(entry_limit)
{
    const char *id = mkacl(mkvpc("10.1.0.0/16"));
    for (int i = 1; i < VS_NACL_MAX_ENTRIES; i++)
        OK("CreateNetworkAclEntry", entry(id, i, true, "allow", "-1", "0.0.0.0/0", -1, -1));
    ERR("CreateNetworkAclEntry", entry(id, 500, true, "allow", "-1", "0.0.0.0/0", -1, -1),
        "NetworkAclEntryLimitExceeded", "The maximum number of network acl entries has been reached.");
    /* The other direction has its own quota. */
    OK("CreateNetworkAclEntry", entry(id, 500, false, "allow", "-1", "0.0.0.0/0", -1, -1));
    /* Replacing is not adding. */
    OK("ReplaceNetworkAclEntry", entry(id, 1, true, "deny", "-1", "0.0.0.0/0", -1, -1));
}
END_TEST

/* --- DescribeNetworkAcls ------------------------------------------------------------------- */

START_TEST(describe_filters_and_paging)
{
    const char *v = mkvpc("10.1.0.0/16"), *w = mkvpc("10.2.0.0/16");
    const char *c1 = mkacl(v), *c2 = mkacl(v), *c3 = mkacl(w);
    OK("CreateNetworkAclEntry", entry(c2, 42, false, "allow", "tcp", "10.2.0.0/16", 443, 443));
    vs_json_t *o = OK("DescribeNetworkAcls", J("{\"Filters\":[{\"Name\":\"vpc-id\",\"Values\":[\"%s\"]}]}", v));
    ck_assert_str_eq(ids_of(o, "NetworkAcls", "NetworkAclId"), J("%s,%s,%s", default_acl(v), c1, c2));
    o = OK("DescribeNetworkAcls", "{\"Filters\":[{\"Name\":\"default\",\"Values\":[\"false\"]}]}");
    ck_assert_str_eq(ids_of(o, "NetworkAcls", "NetworkAclId"), J("%s,%s,%s", c1, c2, c3));
    o = OK("DescribeNetworkAcls", "{\"Filters\":[{\"Name\":\"entry.rule-number\",\"Values\":[\"42\"]},"
                                  "{\"Name\":\"entry.port-range.from\",\"Values\":[\"443\"]}]}");
    ck_assert_str_eq(ids_of(o, "NetworkAcls", "NetworkAclId"), c2);
    o = OK("DescribeNetworkAcls", "{\"Filters\":[{\"Name\":\"entry.cidr\",\"Values\":[\"10.2.0.0/16\"]}]}");
    ck_assert_str_eq(ids_of(o, "NetworkAcls", "NetworkAclId"), c2);
    o = OK("DescribeNetworkAcls", J("{\"Filters\":[{\"Name\":\"network-acl-id\",\"Values\":[\"%s\"]},"
                                    "{\"Name\":\"owner-id\",\"Values\":[\"" ACCT "\"]}]}", c3));
    ck_assert_str_eq(ids_of(o, "NetworkAcls", "NetworkAclId"), c3);
    ERR("DescribeNetworkAcls", "{\"Filters\":[{\"Name\":\"bogus\",\"Values\":[\"x\"]}]}",
        "InvalidParameterValue", NULL);
    ERR("DescribeNetworkAcls", "{\"NetworkAclIds\":[\"acl-0123456789abcdef0\"]}",
        "InvalidNetworkAclID.NotFound", NULL);
    /* Paging: 6 ACLs, pages of 5 (DescribeNetworkAcls' minimum). */
    mkacl(w);
    o = OK("DescribeNetworkAcls", "{\"MaxResults\":5}");
    ck_assert_int_eq(N(o, "NetworkAcls"), 5);
    ck_assert_str_eq(fx_keys(o), "NetworkAcls,NextToken");
    o = OK("DescribeNetworkAcls", J("{\"MaxResults\":5,\"NextToken\":\"%s\"}", S(o, "NextToken")));
    ck_assert_int_eq(N(o, "NetworkAcls"), 1);
    ck_assert_ptr_null(P(o, "NextToken"));
    ERR("DescribeNetworkAcls", "{\"MaxResults\":3}", "InvalidParameterValue", NULL);
}
END_TEST

/* --- persistence ---------------------------------------------------------------------------- */

START_TEST(flush_and_load)
{
    const char *v = mkvpc("10.1.0.0/16");
    const char *sub = mksubnet(v, "10.1.1.0/24");
    const char *id = mkacl(v);
    OK("CreateNetworkAclEntry", entry(id, 7, false, "allow", "udp", "10.0.0.0/8", 1000, 2000));
    OK("CreateNetworkAclEntry", entry(id, 8, true, "deny", "-1", "2600::/16", -1, -1));
    OK("ReplaceNetworkAclAssociation",
       J("{\"AssociationId\":\"%s\",\"NetworkAclId\":\"%s\"}",
         S(acl(default_acl(v)), "Associations.0.NetworkAclAssociationId"), id));
    store_t st = { 0 };
    vs_model_flush(g_m, st_put, &st);
    ck_assert_ptr_nonnull(st_get(&st, id));
    vs_model_t *m2 = st_reload(&st);
    ck_assert_str_eq(dump_on(m2, "DescribeNetworkAcls", NULL), dump_on(g_m, "DescribeNetworkAcls", NULL));
    /* The reloaded model knows the subnet's ACL and goes on from there. */
    const vs_obj_t *o = (const vs_obj_t *)vs_nacl__for_subnet(m2, sub);
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(o->id, id);
    const fx_res_t *r = fx_call_on(m2, ACCT, "DeleteNetworkAclEntry",
                                   J("{\"NetworkAclId\":\"%s\",\"RuleNumber\":7,\"Egress\":false}", id));
    ck_assert(r->ok);
    vs_model_destroy(&m2);
    /* Damaged documents are refused. */
    vs_model_t *m3 = fx_model_new();
    ck_assert_int_eq(load_json(m3, "acl-0123456789abcdef0",
                                   "{\"Kind\":\"NetworkAcl\",\"Id\":\"acl-0123456789abcdef0\",\"Seq\":1,"
                                   "\"VpcId\":\"vpc-0123456789abcdef0\",\"IsDefault\":false,"
                                   "\"Entries\":[{\"CidrBlock\":\"0.0.0.0/0\",\"Egress\":true,"
                                   "\"Protocol\":\"999\",\"RuleAction\":\"deny\",\"RuleNumber\":1}],"
                                   "\"Associations\":[]}"), -1);
    ck_assert_int_eq(load_json(m3, "acl-0123456789abcdef1",
                                   "{\"Kind\":\"NetworkAcl\",\"Id\":\"acl-0123456789abcdef1\",\"Seq\":2,"
                                   "\"VpcId\":\"vpc-0123456789abcdef0\",\"Entries\":[],"
                                   "\"Associations\":[{\"NetworkAclAssociationId\":\"x\",\"SubnetId\":\"s\"}]}"),
                     -1);
    vs_model_destroy(&m3);
    st_free(&st);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("nacl");
    TCase *tc = tcase_create("nacl");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, default_acl_rules);
    tcase_add_test(tc, subnet_association);
    tcase_add_test(tc, custom_acl_lifecycle);
    tcase_add_test(tc, entries);
    tcase_add_test(tc, entry_limit);
    tcase_add_test(tc, describe_filters_and_paging);
    tcase_add_test(tc, flush_and_load);
    suite_add_tcase(s, tc);
    return s;
}
