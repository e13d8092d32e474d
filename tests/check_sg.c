/* Unit tests of security groups in the agent model: the default group of
 * a VPC, CreateSecurityGroup, DeleteSecurityGroup, DescribeSecurityGroups,
 * Authorize/Revoke ingress and egress, persistence. check_sg_eval.c has
 * the evaluator and references across peered VPCs (stale rules). */
#include "check_model_fixture.h"
#include "instance.h"
#include "sg.h"

#define SG_KEYS "GroupId,IpPermissionsEgress,VpcId,SecurityGroupArn,OwnerId,GroupName,Description,IpPermissions"
#define PERM_KEYS "IpProtocol,FromPort,ToPort,UserIdGroupPairs,IpRanges,Ipv6Ranges,PrefixListIds"

static const char *mksg(const char *vpc, const char *name)
{
    vs_json_t *o = OK("CreateSecurityGroup",
                      J("{\"GroupName\":\"%s\",\"Description\":\"d %s\",\"VpcId\":\"%s\"}", name, name, vpc));
    return S(o, "GroupId");
}

static const vs_json_t *sg(const char *id)
{
    return describe_one("DescribeSecurityGroups", "GroupIds", "SecurityGroups", id);
}

/* Authorize (ingress unless egress) with an IpPermissions list. */
static vs_json_t *auth(const char *id, bool egress, const char *perms)
{
    return OK(egress ? "AuthorizeSecurityGroupEgress" : "AuthorizeSecurityGroupIngress",
              J("{\"GroupId\":\"%s\",\"IpPermissions\":%s}", id, perms));
}

static const char *tcp(int from, int to, const char *cidr)
{
    return J("[{\"IpProtocol\":\"tcp\",\"FromPort\":%d,\"ToPort\":%d,\"IpRanges\":[{\"CidrIp\":\"%s\"}]}]",
             from, to, cidr);
}

/* --- the default group --------------------------------------------------------------- */

START_TEST(default_group)
{
    const char *v = mkvpc("10.1.0.0/16");
    vs_json_t *o = OK("DescribeSecurityGroups", J("{\"Filters\":[{\"Name\":\"vpc-id\",\"Values\":[\"%s\"]}]}", v));
    ck_assert_int_eq(N(o, "SecurityGroups"), 1);
    const vs_json_t *g = P(o, "SecurityGroups.0");
    const char *id = S(g, "GroupId");
    ck_assert_str_eq(fx_keys(g), SG_KEYS);
    ck_assert(vs_id_valid(id, "sg"));
    ck_assert_str_eq(S(g, "GroupName"), "default");
    ck_assert_str_eq(S(g, "Description"), "default VPC security group");
    ck_assert_str_eq(S(g, "OwnerId"), ACCT);
    ck_assert_str_eq(S(g, "VpcId"), v);
    ck_assert_str_eq(S(g, "SecurityGroupArn"), J("arn:aws:ec2:" REGION ":" ACCT ":security-group/%s", id));
    /* The VPC's DefaultSecurityGroupId is this group. */
    ck_assert_str_eq(vs_sg__default_for_vpc(g_m, v), id);
    /* In: everything from the group itself. Out: everything to 0.0.0.0/0. */
    ck_assert_int_eq(N(g, "IpPermissions"), 1);
    const vs_json_t *in = P(g, "IpPermissions.0");
    ck_assert_str_eq(fx_keys(in), "IpProtocol,UserIdGroupPairs,IpRanges,Ipv6Ranges,PrefixListIds");
    ck_assert_str_eq(S(in, "IpProtocol"), "-1");
    ck_assert_str_eq(fx_keys(P(in, "UserIdGroupPairs.0")), "UserId,GroupId");
    ck_assert_str_eq(S(in, "UserIdGroupPairs.0.GroupId"), id);
    ck_assert_str_eq(S(in, "UserIdGroupPairs.0.UserId"), ACCT);
    ck_assert_int_eq(N(in, "IpRanges") + N(in, "Ipv6Ranges") + N(in, "PrefixListIds"), 0);
    const vs_json_t *out = P(g, "IpPermissionsEgress.0");
    ck_assert_int_eq(N(g, "IpPermissionsEgress"), 1);
    ck_assert_str_eq(S(out, "IpProtocol"), "-1");
    ck_assert_str_eq(fx_keys(P(out, "IpRanges.0")), "CidrIp");
    ck_assert_str_eq(S(out, "IpRanges.0.CidrIp"), "0.0.0.0/0");
    ck_assert_int_eq(N(out, "Ipv6Ranges"), 0);
    ck_assert_int_eq(N(out, "UserIdGroupPairs"), 0);

    /* With IPv6, the egress rule also covers ::/0. */
    o = OK("CreateVpc", "{\"CidrBlock\":\"10.2.0.0/16\",\"AmazonProvidedIpv6CidrBlock\":true}");
    const char *v6 = S(o, "Vpc.VpcId");
    out = P(sg(vs_sg__default_for_vpc(g_m, v6)), "IpPermissionsEgress.0");
    ck_assert_str_eq(S(out, "IpRanges.0.CidrIp"), "0.0.0.0/0");
    ck_assert_str_eq(S(out, "Ipv6Ranges.0.CidrIpv6"), "::/0");

    /* It cannot be deleted, and goes with its VPC. */
    ERR("DeleteSecurityGroup", J("{\"GroupId\":\"%s\"}", id), "CannotDelete",
        J("the specified group: \"%s\" name: \"default\" cannot be deleted by a user", id));
    OK("DeleteVpc", J("{\"VpcId\":\"%s\"}", v));
    ERR("DescribeSecurityGroups", J("{\"GroupIds\":[\"%s\"]}", id), "InvalidGroup.NotFound",
        J("The security group '%s' does not exist", id));
    ck_assert_ptr_null(vs_sg__default_for_vpc(g_m, v));
}
END_TEST

/* --- create / delete ------------------------------------------------------------------- */

START_TEST(create_group)
{
    const char *v = mkvpc("10.1.0.0/16");
    vs_json_t *o = OK("CreateSecurityGroup", J("{\"GroupName\":\"web\",\"Description\":\"web servers\",\"VpcId\":\"%s\"}", v));
    ck_assert_str_eq(fx_keys(o), "GroupId,SecurityGroupArn");
    const char *id = S(o, "GroupId");
    ck_assert_str_eq(S(o, "SecurityGroupArn"), J("arn:aws:ec2:" REGION ":" ACCT ":security-group/%s", id));
    const vs_json_t *g = sg(id);
    ck_assert_str_eq(S(g, "GroupName"), "web");
    ck_assert_str_eq(S(g, "Description"), "web servers");
    ck_assert_int_eq(N(g, "IpPermissions"), 0);
    ck_assert_str_eq(S(g, "IpPermissionsEgress.0.IpRanges.0.CidrIp"), "0.0.0.0/0");

    o = OK("CreateSecurityGroup", J("{\"GroupName\":\"db\",\"Description\":\"d\",\"VpcId\":\"%s\",\"TagSpecifications\":"
                                    "[{\"ResourceType\":\"security-group\",\"Tags\":[{\"Key\":\"Name\",\"Value\":\"db\"}]}]}", v));
    ck_assert_str_eq(fx_keys(o), "GroupId,Tags,SecurityGroupArn");
    ck_assert_str_eq(S(o, "Tags.0.Value"), "db");
    ck_assert_str_eq(fx_keys(sg(S(o, "GroupId"))),
                     "GroupId,IpPermissionsEgress,Tags,VpcId,SecurityGroupArn,OwnerId,GroupName,Description,IpPermissions");

    /* The same name in another VPC is fine; in this one it is a duplicate. */
    const char *v2 = mkvpc("10.2.0.0/16");
    mksg(v2, "web");
    const char *p = J("\"Description\":\"x\",\"VpcId\":\"%s\"", v);
    ERR("CreateSecurityGroup", J("{\"GroupName\":\"web\",%s}", p), "InvalidGroup.Duplicate",
        J("The security group 'web' already exists for VPC '%s'", v));
    ERR("CreateSecurityGroup", J("{\"GroupName\":\"default\",%s}", p), "InvalidParameterValue",
        "Cannot use reserved security group name: default");
    ERR("CreateSecurityGroup", J("{\"GroupName\":\"sg-1\",%s}", p), "InvalidParameterValue",
        "Group names may not be in the format sg-*.");
    ERR("CreateSecurityGroup", J("{\"GroupName\":\"\",%s}", p), "InvalidParameterValue", NULL);
    ERR("CreateSecurityGroup", J("{\"GroupName\":\"caf\xc3\xa9\",%s}", p), "InvalidParameterValue", NULL);
    ERR("CreateSecurityGroup", J("{\"GroupName\":\"a\",\"VpcId\":\"%s\"}", v), "MissingParameter",
        "The request must contain the parameter Description");
    ERR("CreateSecurityGroup", J("{\"Description\":\"a\",\"VpcId\":\"%s\"}", v), "MissingParameter",
        "The request must contain the parameter GroupName");
    ERR("CreateSecurityGroup", "{\"GroupName\":\"a\",\"Description\":\"a\"}", "VPCIdNotSpecified",
        "No default VPC for this user");
    ERR("CreateSecurityGroup", "{\"GroupName\":\"a\",\"Description\":\"a\",\"VpcId\":\"vpc-0123456789abcdef0\"}",
        "InvalidVpcID.NotFound", "The vpc ID 'vpc-0123456789abcdef0' does not exist");
    ERR("CreateSecurityGroup", J("{\"GroupName\":\"a\",\"DryRun\":true,%s}", p), "DryRunOperation", NULL);
    ERR("CreateSecurityGroup", J("{\"GroupName\":\"a\",%s,\"TagSpecifications\":[{\"ResourceType\":\"vpc\","
                                 "\"Tags\":[{\"Key\":\"k\"}]}]}", p), "InvalidParameterValue", NULL);
    /* Another account sees no such VPC. */
    const fx_res_t *r = fx_call(OTHER, "CreateSecurityGroup", J("{\"GroupName\":\"a\",%s}", p));
    ck_assert_str_eq(r->code, "InvalidVpcID.NotFound");
    ck_assert_int_eq(N(OK("DescribeSecurityGroups", NULL), "SecurityGroups"), 5);
}
END_TEST

START_TEST(delete_group)
{
    const char *v = mkvpc("10.1.0.0/16");
    const char *a = mksg(v, "a"), *b = mksg(v, "b");
    /* A group another group refers to cannot go; a self-reference is fine. */
    auth(a, false, J("[{\"IpProtocol\":\"-1\",\"UserIdGroupPairs\":[{\"GroupId\":\"%s\"},{\"GroupId\":\"%s\"}]}]", a, b));
    ERR("DeleteSecurityGroup", J("{\"GroupId\":\"%s\"}", b), "DependencyViolation",
        J("resource %s has a dependent object", b));
    /* A group an instance uses cannot go, until the instance is terminated.
     * The instance is put in by hand: this test is about the group. */
    vs_instance_t *inst = calloc(1, sizeof *inst);
    ck_assert_ptr_nonnull(inst);
    snprintf(inst->vpc_id, sizeof inst->vpc_id, "%s", v);
    snprintf(inst->sg_ids[0], sizeof inst->sg_ids[0], "%s", b);
    inst->nsg = 1;
    inst->state = VS_INST_RUNNING;
    ck_assert_int_eq(vs_model__add(g_m, &inst->base, &vs_kind_instance, NULL), 0);
    OK("RevokeSecurityGroupIngress", J("{\"GroupId\":\"%s\",\"IpPermissions\":[{\"IpProtocol\":\"-1\","
                                       "\"UserIdGroupPairs\":[{\"GroupId\":\"%s\"}]}]}", a, b));
    ERR("DeleteSecurityGroup", J("{\"GroupId\":\"%s\"}", b), "DependencyViolation",
        J("resource %s has a dependent object", b));
    inst->state = VS_INST_TERMINATED;
    /* The VPC cannot go while it has groups of its own. */
    ERR("DeleteVpc", J("{\"VpcId\":\"%s\"}", v), "DependencyViolation",
        J("The vpc '%s' has dependencies and cannot be deleted.", v));
    ERR("DeleteSecurityGroup", J("{\"GroupId\":\"%s\",\"DryRun\":true}", a), "DryRunOperation", NULL);
    vs_json_t *o = OK("DeleteSecurityGroup", J("{\"GroupId\":\"%s\"}", a));
    ck_assert_str_eq(fx_keys(o), "Return,GroupId");
    ck_assert_str_eq(S(o, "GroupId"), a);
    ERR("DeleteSecurityGroup", J("{\"GroupId\":\"%s\"}", a), "InvalidGroup.NotFound",
        J("The security group '%s' does not exist", a));
    ERR("DeleteSecurityGroup", "{\"GroupId\":\"sg-zz\"}", "InvalidGroupId.Malformed",
        "Invalid id: \"sg-zz\" (expecting \"sg-...\")");
    ERR("DeleteSecurityGroup", "{}", "MissingParameter", NULL);
    /* By name, when the name is unique in the account. */
    ERR("DeleteSecurityGroup", "{\"GroupName\":\"nope\"}", "InvalidGroup.NotFound",
        "The security group 'nope' does not exist");
    OK("DeleteSecurityGroup", "{\"GroupName\":\"b\"}");     /* its instance is terminated */
    vs_model__remove(g_m, &inst->base);
    ERR("DeleteSecurityGroup", "{\"GroupName\":\"default\"}", "CannotDelete", NULL);
    OK("DeleteVpc", J("{\"VpcId\":\"%s\"}", v));
    ck_assert_int_eq(N(OK("DescribeSecurityGroups", NULL), "SecurityGroups"), 0);
}
END_TEST

/* --- describe -------------------------------------------------------------------------------- */

START_TEST(describe_groups)
{
    const char *v1 = mkvpc("10.1.0.0/16"), *v2 = mkvpc("10.2.0.0/16");
    const char *d1 = vs_sg__default_for_vpc(g_m, v1), *d2 = vs_sg__default_for_vpc(g_m, v2);
    const char *web = mksg(v1, "web"), *db = mksg(v2, "db");
    OK("CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"tier\",\"Value\":\"front\"}]}", web));
    auth(web, false, tcp(443, 443, "0.0.0.0/0"));
    auth(db, false, J("[{\"IpProtocol\":\"tcp\",\"FromPort\":5432,\"ToPort\":5432,\"IpRanges\":[{\"CidrIp\":\"10.1.0.0/16\"}],"
                      "\"UserIdGroupPairs\":[{\"GroupId\":\"%s\"}]}]", d2));
    auth(db, true, J("[{\"IpProtocol\":\"udp\",\"FromPort\":53,\"ToPort\":53,\"IpRanges\":[{\"CidrIp\":\"10.9.0.0/16\"}]}]"));
#define GF(f) ids_of(OK("DescribeSecurityGroups", J("{\"Filters\":%s}", f)), "SecurityGroups", "GroupId")
#define F1(n, v) GF(J("[{\"Name\":\"%s\",\"Values\":[\"%s\"]}]", n, v))
    ck_assert_str_eq(ids_of(OK("DescribeSecurityGroups", NULL), "SecurityGroups", "GroupId"),
                     J("%s,%s,%s,%s", d1, d2, web, db));
    ck_assert_str_eq(F1("vpc-id", v2), J("%s,%s", d2, db));
    ck_assert_str_eq(F1("group-name", "default"), J("%s,%s", d1, d2));
    ck_assert_str_eq(F1("group-name", "w*"), web);
    ck_assert_str_eq(F1("group-id", db), db);
    ck_assert_str_eq(F1("description", "default VPC*"), J("%s,%s", d1, d2));
    ck_assert_str_eq(F1("owner-id", ACCT), J("%s,%s,%s,%s", d1, d2, web, db));
    ck_assert_str_eq(F1("tag:tier", "front"), web);
    ck_assert_str_eq(F1("tag-key", "tier"), web);
    ck_assert_str_eq(F1("ip-permission.cidr", "10.1.0.0/16"), db);
    ck_assert_str_eq(F1("ip-permission.cidr", "0.0.0.0/0"), web);
    ck_assert_str_eq(F1("ip-permission.from-port", "443"), web);
    ck_assert_str_eq(F1("ip-permission.to-port", "5432"), db);
    ck_assert_str_eq(F1("ip-permission.protocol", "tcp"), J("%s,%s", web, db));
    ck_assert_str_eq(F1("ip-permission.protocol", "-1"), J("%s,%s", d1, d2));
    ck_assert_str_eq(F1("ip-permission.group-id", d2), J("%s,%s", d2, db));
    ck_assert_str_eq(F1("egress.ip-permission.cidr", "10.9.0.0/16"), db);
    ck_assert_str_eq(F1("egress.ip-permission.cidr", "0.0.0.0/0"), J("%s,%s,%s,%s", d1, d2, web, db));
    ck_assert_str_eq(GF(J("[{\"Name\":\"vpc-id\",\"Values\":[\"%s\"]},{\"Name\":\"ip-permission.protocol\",\"Values\":[\"tcp\"]}]", v1)), web);
    ERR("DescribeSecurityGroups", "{\"Filters\":[{\"Name\":\"bogus\",\"Values\":[\"x\"]}]}", "InvalidParameterValue",
        "The filter 'bogus' is invalid");
    /* GroupNames: every name must exist. */
    ck_assert_str_eq(ids_of(OK("DescribeSecurityGroups", "{\"GroupNames\":[\"db\",\"web\"]}"), "SecurityGroups", "GroupId"),
                     J("%s,%s", web, db));
    ERR("DescribeSecurityGroups", "{\"GroupNames\":[\"db\",\"nope\"]}", "InvalidGroup.NotFound",
        "The security group 'nope' does not exist");
    ERR("DescribeSecurityGroups", "{\"GroupIds\":[\"sg-0123456789abcdef0\",\"sg-0123456789abcdef1\"]}",
        "InvalidGroup.NotFound", "The security groups 'sg-0123456789abcdef0, sg-0123456789abcdef1' do not exist");
    /* Paging. */
    vs_json_t *o = OK("DescribeSecurityGroups", "{\"MaxResults\":5}");
    ck_assert_int_eq(N(o, "SecurityGroups"), 4);
    ck_assert_ptr_null(P(o, "NextToken"));
    /* The describe shape: one permission per (protocol, ports), peers grouped. */
    const vs_json_t *p = P(sg(db), "IpPermissions.0");
    ck_assert_str_eq(fx_keys(p), PERM_KEYS);
    ck_assert_int_eq(vs_json_as_int(P(p, "FromPort"), 0), 5432);
    ck_assert_str_eq(S(p, "IpRanges.0.CidrIp"), "10.1.0.0/16");
    ck_assert_str_eq(S(p, "UserIdGroupPairs.0.GroupId"), d2);
    /* Nothing is visible to another account. */
    const fx_res_t *r = fx_call(OTHER, "DescribeSecurityGroups", NULL);
    ck_assert(r->ok);
    ck_assert_int_eq(N(r->out, "SecurityGroups"), 0);
}
END_TEST

/* --- rules ------------------------------------------------------------------------------------ */

START_TEST(authorize_ingress)
{
    const char *v = mkvpc("10.1.0.0/16");
    const char *g = mksg(v, "g"), *other = mksg(v, "other");
    vs_json_t *o = auth(g, false, J("[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,"
                                    "\"IpRanges\":[{\"CidrIp\":\"10.0.0.0/16\",\"Description\":\"ssh\"}]}]"));
    ck_assert_str_eq(fx_keys(o), "Return,SecurityGroupRules");
    ck_assert(vs_json_as_bool(P(o, "Return"), false));
    const vs_json_t *r = P(o, "SecurityGroupRules.0");
    ck_assert_str_eq(fx_keys(r), "SecurityGroupRuleId,GroupId,GroupOwnerId,IsEgress,IpProtocol,FromPort,ToPort,"
                                 "CidrIpv4,Description,SecurityGroupRuleArn");
    ck_assert(vs_id_valid(S(r, "SecurityGroupRuleId"), "sgr"));
    ck_assert_str_eq(S(r, "GroupId"), g);
    ck_assert_str_eq(S(r, "GroupOwnerId"), ACCT);
    ck_assert(!vs_json_as_bool(P(r, "IsEgress"), true));
    ck_assert_str_eq(S(r, "IpProtocol"), "tcp");
    ck_assert_int_eq(vs_json_as_int(P(r, "FromPort"), 0), 22);
    ck_assert_str_eq(S(r, "CidrIpv4"), "10.0.0.0/16");
    ck_assert_str_eq(S(r, "Description"), "ssh");
    ck_assert_str_eq(S(r, "SecurityGroupRuleArn"),
                     J("arn:aws:ec2:" REGION ":" ACCT ":security-group-rule/%s", S(r, "SecurityGroupRuleId")));
    /* The same rule again, also written as protocol number 6. */
    const char *dup = "the specified rule \"peer: 10.0.0.0/16, TCP, from port: 22, to port: 22, ALLOW\" already exists";
    ERR("AuthorizeSecurityGroupIngress", J("{\"GroupId\":\"%s\",\"IpPermissions\":%s}", g, tcp(22, 22, "10.0.0.0/16")),
        "InvalidPermission.Duplicate", dup);
    ERR("AuthorizeSecurityGroupIngress", J("{\"GroupId\":\"%s\",\"IpPermissions\":[{\"IpProtocol\":\"6\",\"FromPort\":22,"
                                           "\"ToPort\":22,\"IpRanges\":[{\"CidrIp\":\"10.0.0.0/16\"}]}]}", g),
        "InvalidPermission.Duplicate", dup);
    /* The simple form, by group name. */
    o = OK("AuthorizeSecurityGroupIngress", "{\"GroupName\":\"g\",\"IpProtocol\":\"udp\",\"FromPort\":53,\"ToPort\":53,"
                                            "\"CidrIp\":\"10.2.0.0/16\"}");
    ck_assert_str_eq(S(o, "SecurityGroupRules.0.IpProtocol"), "udp");
    /* Several peers of several kinds: one rule each. */
    o = auth(g, false, J("[{\"IpProtocol\":\"-1\",\"IpRanges\":[{\"CidrIp\":\"192.168.0.0/24\"}],"
                         "\"Ipv6Ranges\":[{\"CidrIpv6\":\"2600:1f00::/56\",\"Description\":\"v6\"}],"
                         "\"UserIdGroupPairs\":[{\"GroupId\":\"%s\",\"Description\":\"peer\"}],"
                         "\"PrefixListIds\":[{\"PrefixListId\":\"pl-0123456789abcdef0\"}]},"
                         "{\"IpProtocol\":\"icmp\",\"FromPort\":8,\"ToPort\":-1,\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]",
                         other));
    ck_assert_int_eq(N(o, "SecurityGroupRules"), 5);
    ck_assert_str_eq(S(o, "SecurityGroupRules.0.IpProtocol"), "-1");
    ck_assert_int_eq(vs_json_as_int(P(o, "SecurityGroupRules.0.FromPort"), 0), -1);
    ck_assert_str_eq(S(o, "SecurityGroupRules.1.CidrIpv6"), "2600:1f00::/56");
    r = P(o, "SecurityGroupRules.2");
    ck_assert_str_eq(fx_keys(P(r, "ReferencedGroupInfo")), "GroupId,UserId");
    ck_assert_str_eq(S(r, "ReferencedGroupInfo.GroupId"), other);
    ck_assert_str_eq(S(r, "ReferencedGroupInfo.UserId"), ACCT);
    ck_assert_str_eq(S(o, "SecurityGroupRules.3.PrefixListId"), "pl-0123456789abcdef0");
    ck_assert_str_eq(S(o, "SecurityGroupRules.4.IpProtocol"), "icmp");
    ck_assert_int_eq(vs_json_as_int(P(o, "SecurityGroupRules.4.FromPort"), 0), 8);
    /* Describe: one permission per protocol/ports, ports only where they mean something. */
    const vs_json_t *d = sg(g);
    ck_assert_int_eq(N(d, "IpPermissions"), 4);
    ck_assert_str_eq(fx_keys(P(d, "IpPermissions.2")), "IpProtocol,UserIdGroupPairs,IpRanges,Ipv6Ranges,PrefixListIds");
    ck_assert_str_eq(S(d, "IpPermissions.2.Ipv6Ranges.0.Description"), "v6");
    ck_assert_str_eq(fx_keys(P(d, "IpPermissions.2.UserIdGroupPairs.0")), "Description,UserId,GroupId");
    ck_assert_str_eq(fx_keys(P(d, "IpPermissions.2.PrefixListIds.0")), "PrefixListId");
    ck_assert_str_eq(fx_keys(P(d, "IpPermissions.0.IpRanges.0")), "Description,CidrIp");
    ck_assert_str_eq(fx_keys(P(d, "IpPermissions.3")), PERM_KEYS);
    /* ICMP duplicates name type and code. */
    ERR("AuthorizeSecurityGroupIngress", J("{\"GroupId\":\"%s\",\"IpPermissions\":[{\"IpProtocol\":\"icmp\",\"FromPort\":8,"
                                           "\"ToPort\":-1,\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]}", g),
        "InvalidPermission.Duplicate", "the specified rule \"peer: 0.0.0.0/0, ICMP, type: 8, code: -1, ALLOW\" already exists");
    ERR("AuthorizeSecurityGroupIngress", J("{\"GroupId\":\"%s\",\"IpPermissions\":[{\"IpProtocol\":\"-1\","
                                           "\"UserIdGroupPairs\":[{\"GroupId\":\"%s\"}]}]}", g, other),
        "InvalidPermission.Duplicate", J("the specified rule \"peer: %s, ALL, ALLOW\" already exists", other));
    /* A group of the same VPC by name. */
    o = auth(g, false, "[{\"IpProtocol\":\"tcp\",\"FromPort\":80,\"ToPort\":80,\"UserIdGroupPairs\":[{\"GroupName\":\"other\"}]}]");
    ck_assert_str_eq(S(o, "SecurityGroupRules.0.ReferencedGroupInfo.GroupId"), other);
    /* Another protocol number: no ports. */
    o = auth(g, false, "[{\"IpProtocol\":\"50\",\"FromPort\":1,\"ToPort\":2,\"IpRanges\":[{\"CidrIp\":\"10.7.0.0/16\"}]}]");
    ck_assert_str_eq(S(o, "SecurityGroupRules.0.IpProtocol"), "50");
    ck_assert_int_eq(vs_json_as_int(P(o, "SecurityGroupRules.0.ToPort"), 0), -1);
}
END_TEST

START_TEST(authorize_errors)
{
    const char *v = mkvpc("10.1.0.0/16"), *w = mkvpc("10.2.0.0/16");
    const char *g = mksg(v, "g"), *elsewhere = mksg(w, "x");
    const char *pre = J("{\"GroupId\":\"%s\",\"IpPermissions\":", g);
#define AERR(perms, code, msg) ERR("AuthorizeSecurityGroupIngress", J("%s%s}", pre, perms), code, msg)
    AERR("[{\"IpProtocol\":\"tcpx\",\"FromPort\":1,\"ToPort\":1,\"IpRanges\":[{\"CidrIp\":\"10.0.0.0/8\"}]}]",
         "InvalidParameterValue", "Invalid value 'tcpx' for IP protocol. Unknown protocol.");
    AERR("[{\"IpProtocol\":\"256\",\"IpRanges\":[{\"CidrIp\":\"10.0.0.0/8\"}]}]", "InvalidParameterValue", NULL);
    AERR("[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"IpRanges\":[{\"CidrIp\":\"10.0.0.0/8\"}]}]", "InvalidParameterValue",
         "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange");
    AERR(tcp(30, 20, "10.0.0.0/8"), "InvalidParameterValue", NULL);
    AERR(tcp(1, 70000, "10.0.0.0/8"), "InvalidParameterValue", NULL);
    AERR(tcp(22, 22, "10.0.0.1/8"), "InvalidParameterValue", "CIDR block 10.0.0.1/8 is malformed");
    AERR(tcp(22, 22, "10.0.0.0/33"), "InvalidParameterValue", "CIDR block 10.0.0.0/33 is malformed");
    AERR("[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,\"Ipv6Ranges\":[{\"CidrIpv6\":\"10.0.0.0/8\"}]}]",
         "InvalidParameterValue", NULL);
    AERR("[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22}]", "MissingParameter", NULL);
    AERR("[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,\"UserIdGroupPairs\":[{\"GroupId\":\"sg-0123456789abcdef0\"}]}]",
         "InvalidGroup.NotFound", "The security group 'sg-0123456789abcdef0' does not exist");
    AERR("[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,\"UserIdGroupPairs\":[{\"GroupId\":\"sg-nope\"}]}]",
         "InvalidGroupId.Malformed", NULL);
    /* A group of another VPC, without a peering connection: it "does not exist". */
    AERR(J("[{\"IpProtocol\":\"-1\",\"UserIdGroupPairs\":[{\"GroupId\":\"%s\"}]}]", elsewhere),
         "InvalidGroup.NotFound", J("The security group '%s' does not exist", elsewhere));
    AERR("[{\"IpProtocol\":\"-1\",\"UserIdGroupPairs\":[{\"GroupName\":\"x\"}]}]", "InvalidGroup.NotFound",
         "The security group 'x' does not exist");
    /* Another account's group, without a pcx to that account. */
    AERR("[{\"IpProtocol\":\"-1\",\"UserIdGroupPairs\":[{\"GroupId\":\"sg-0123456789abcdef0\",\"UserId\":\"" OTHER "\"}]}]",
         "InvalidGroup.NotFound", "The security group 'sg-0123456789abcdef0' does not exist");
    AERR("[{\"IpProtocol\":\"-1\",\"UserIdGroupPairs\":[{\"GroupId\":\"" OTHER "/sg-0123456789abcdef0\"}]}]",
         "InvalidGroup.NotFound", "The security group 'sg-0123456789abcdef0' does not exist");
    AERR("[{\"IpProtocol\":\"-1\",\"UserIdGroupPairs\":[{\"GroupId\":\"sg-0123456789abcdef0\",\"UserId\":\"12\"}]}]",
         "InvalidUserID.Malformed", NULL);
    AERR("[{\"IpProtocol\":\"-1\",\"PrefixListIds\":[{\"PrefixListId\":\"x\"}]}]", "InvalidPrefixListID.Malformed", NULL);
    AERR("[{\"IpProtocol\":\"-1\",\"IpRanges\":[{\"CidrIp\":\"10.0.0.0/8\"},{\"CidrIp\":\"10.0.0.0/8\"}]}]",
         "InvalidPermission.Duplicate", "the specified rule \"peer: 10.0.0.0/8, ALL, ALLOW\" already exists");
    AERR("\"x\"", "InvalidParameterValue", NULL);
    ERR("AuthorizeSecurityGroupIngress", J("{\"GroupId\":\"%s\"}", g), "MissingParameter", NULL);
    ERR("AuthorizeSecurityGroupIngress", J("{\"GroupId\":\"%s\",\"IpProtocol\":\"tcp\",\"FromPort\":1,\"ToPort\":1}", g),
        "MissingParameter", NULL);
    ERR("AuthorizeSecurityGroupIngress", J("{\"GroupId\":\"%s\",\"CidrIp\":\"10.0.0.0/8\",\"IpPermissions\":%s}", g,
                                           tcp(1, 1, "10.0.0.0/8")), "InvalidParameterCombination", NULL);
    ERR("AuthorizeSecurityGroupIngress", J("{\"GroupId\":\"sg-0123456789abcdef0\",\"IpPermissions\":%s}", tcp(1, 1, "10.0.0.0/8")),
        "InvalidGroup.NotFound", "The security group 'sg-0123456789abcdef0' does not exist");
    ERR("AuthorizeSecurityGroupEgress", J("{\"GroupName\":\"g\",\"IpPermissions\":%s}", tcp(1, 1, "10.0.0.0/8")),
        "MissingParameter", "The request must contain the parameter GroupId");
    ERR("AuthorizeSecurityGroupIngress", J("{\"GroupId\":\"%s\",\"DryRun\":true,\"IpPermissions\":%s}", g, tcp(1, 1, "10.0.0.0/8")),
        "DryRunOperation", NULL);
    /* Nothing of a refused call was applied. */
    ck_assert_int_eq(N(sg(g), "IpPermissions"), 0);

    /* 60 rules per direction: the egress default counts. */
    char perms[8192] = "[{\"IpProtocol\":\"tcp\",\"FromPort\":1,\"ToPort\":1,\"IpRanges\":[";
    for (int i = 0; i < 59; i++)
        snprintf(perms + strlen(perms), sizeof perms - strlen(perms), "%s{\"CidrIp\":\"10.%d.0.0/16\"}", i ? "," : "", i);
    strcat(perms, "]}]");
    auth(g, true, perms);
    ERR("AuthorizeSecurityGroupEgress", J("{\"GroupId\":\"%s\",\"IpPermissions\":%s}", g, tcp(2, 2, "10.0.0.0/8")),
        "RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached.");
    auth(g, false, perms);
    auth(g, false, tcp(2, 2, "10.0.0.0/8"));
    ERR("AuthorizeSecurityGroupIngress", J("%s%s}", pre, tcp(3, 3, "10.0.0.0/8")),
        "RulesPerSecurityGroupLimitExceeded", NULL);
}
END_TEST

START_TEST(revoke_and_egress)
{
    const char *v = mkvpc("10.1.0.0/16");
    const char *g = mksg(v, "g");
    const char *rule = S(auth(g, false, tcp(22, 22, "10.0.0.0/16")), "SecurityGroupRules.0.SecurityGroupRuleId");
    auth(g, false, tcp(80, 80, "10.0.0.0/16"));
    const char *perm22 = J("{\"GroupId\":\"%s\",\"IpPermissions\":%s}", g, tcp(22, 22, "10.0.0.0/16"));
    ERR("RevokeSecurityGroupIngress", J("{\"GroupId\":\"%s\",\"IpPermissions\":%s}", g, tcp(23, 23, "10.0.0.0/16")),
        "InvalidPermission.NotFound", "The specified rule does not exist in this security group.");
    ERR("RevokeSecurityGroupIngress", J("{\"GroupId\":\"%s\",\"DryRun\":true,\"IpPermissions\":%s}", g,
                                        tcp(22, 22, "10.0.0.0/16")), "DryRunOperation", NULL);
    vs_json_t *o = OK("RevokeSecurityGroupIngress", perm22);
    ck_assert_str_eq(fx_keys(o), "Return");
    ck_assert(vs_json_as_bool(P(o, "Return"), false));
    ERR("RevokeSecurityGroupIngress", perm22, "InvalidPermission.NotFound", NULL);
    ERR("RevokeSecurityGroupIngress", J("{\"GroupId\":\"%s\",\"SecurityGroupRuleIds\":[\"%s\"]}", g, rule),
        "InvalidSecurityGroupRuleId.NotFound", J("The security group rule ID '%s' does not exist", rule));
    /* The simple form, and by rule ID. */
    OK("RevokeSecurityGroupIngress", J("{\"GroupId\":\"%s\",\"IpProtocol\":\"tcp\",\"FromPort\":80,\"ToPort\":80,"
                                       "\"CidrIp\":\"10.0.0.0/16\"}", g));
    ck_assert_int_eq(N(sg(g), "IpPermissions"), 0);
    rule = S(auth(g, false, tcp(22, 22, "10.0.0.0/16")), "SecurityGroupRules.0.SecurityGroupRuleId");
    OK("RevokeSecurityGroupIngress", J("{\"GroupId\":\"%s\",\"SecurityGroupRuleIds\":[\"%s\"]}", g, rule));
    ck_assert_int_eq(N(sg(g), "IpPermissions"), 0);

    /* Egress: drop the default rule, allow HTTPS out only. */
    const char *all_out = J("{\"GroupId\":\"%s\",\"IpPermissions\":[{\"IpProtocol\":\"-1\",\"IpRanges\":"
                            "[{\"CidrIp\":\"0.0.0.0/0\"}]}]}", g);
    OK("RevokeSecurityGroupEgress", all_out);
    ck_assert_int_eq(N(sg(g), "IpPermissionsEgress"), 0);
    o = auth(g, true, tcp(443, 443, "0.0.0.0/0"));
    ck_assert(vs_json_as_bool(P(o, "SecurityGroupRules.0.IsEgress"), false));
    ck_assert_str_eq(S(sg(g), "IpPermissionsEgress.0.IpProtocol"), "tcp");
    ERR("RevokeSecurityGroupEgress", all_out, "InvalidPermission.NotFound", NULL);
    /* An ingress rule is not an egress rule. */
    auth(g, false, tcp(8080, 8080, "10.0.0.0/8"));
    ERR("RevokeSecurityGroupEgress", J("{\"GroupId\":\"%s\",\"IpPermissions\":%s}", g, tcp(8080, 8080, "10.0.0.0/8")),
        "InvalidPermission.NotFound", NULL);
}
END_TEST

/* --- persistence -------------------------------------------------------------------------------- */

START_TEST(flush_and_load)
{
    const char *v = mkvpc("10.1.0.0/16");
    const char *g = mksg(v, "g");
    auth(g, false, J("[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,\"IpRanges\":[{\"CidrIp\":\"10.0.0.0/16\","
                     "\"Description\":\"ssh\"}],\"Ipv6Ranges\":[{\"CidrIpv6\":\"::/0\"}],\"UserIdGroupPairs\":[{\"GroupId\":\"%s\"}],"
                     "\"PrefixListIds\":[{\"PrefixListId\":\"pl-0123456789abcdef0\"}]}]", vs_sg__default_for_vpc(g_m, v)));
    store_t st = { 0 };
    vs_model_flush(g_m, st_put, &st);
    ck_assert_ptr_nonnull(st_get(&st, g));
    vs_model_t *m2 = st_reload(&st);
    ck_assert_str_eq(dump_on(m2, "DescribeSecurityGroups", NULL), dump_on(g_m, "DescribeSecurityGroups", NULL));
    /* The reloaded model goes on with the same rules. */
    const fx_res_t *r = fx_call_on(m2, ACCT, "RevokeSecurityGroupIngress",
                                   J("{\"GroupId\":\"%s\",\"IpPermissions\":%s}", g, tcp(22, 22, "10.0.0.0/16")));
    ck_assert(r->ok);
    vs_model_destroy(&m2);
    /* A damaged document is refused. */
    vs_model_t *m3 = fx_model_new();
    ck_assert_int_eq(load_json(m3, "sg-0123456789abcdef0", "{\"Kind\":\"SecurityGroup\",\"Id\":\"sg-0123456789abcdef0\","
                                   "\"Seq\":1,\"VpcId\":\"vpc-1\",\"GroupName\":\"a\",\"Description\":\"b\","
                                   "\"Ingress\":[{\"Peer\":\"bogus\"}],\"Egress\":[]}"), -1);
    vs_model_destroy(&m3);
    st_free(&st);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("sg");
    TCase *tc = tcase_create("groups");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, default_group);
    tcase_add_test(tc, create_group);
    tcase_add_test(tc, delete_group);
    tcase_add_test(tc, describe_groups);
    tcase_add_test(tc, authorize_ingress);
    tcase_add_test(tc, authorize_errors);
    tcase_add_test(tc, revoke_and_egress);
    tcase_add_test(tc, flush_and_load);
    suite_add_tcase(s, tc);
    return s;
}
