/* Unit tests of the agent model's VPC actions (CreateVpc, DescribeVpcs,
 * DeleteVpc, Associate/DisassociateVpcCidrBlock, ModifyVpcAttribute,
 * CreateTags, DeleteTags) and of the dispatcher (DryRun, account
 * isolation, bad input), all through vs_model_submit + vs_model_drain.
 * Subnets, route tables, paging, persistence and timers are in
 * check_model_net.c. */
#include "check_model_fixture.h"
#include "model_internal.h"

/* --- CreateVpc --------------------------------------------------------- */

static void collect_arn(void *ctx, const char *arn)
{
    strcat(strcat(ctx, arn), ",");
}

START_TEST(create_vpc_shape)
{
    vs_json_t *o = OK("CreateVpc", "{\"CidrBlock\":\"10.1.0.0/16\"}");
    ck_assert_int_eq(g_res.vpc_added, 1);
    ck_assert_str_eq(fx_keys(o), "Vpc");
    const vs_json_t *v = P(o, "Vpc");
    ck_assert_str_eq(fx_keys(v), "OwnerId,InstanceTenancy,CidrBlockAssociationSet,IsDefault,"
                                 "VpcId,State,CidrBlock,DhcpOptionsId");
    ck_assert_str_eq(S(v, "OwnerId"), ACCT);
    ck_assert_str_eq(S(v, "InstanceTenancy"), "default");
    ck_assert_str_eq(S(v, "State"), "pending");
    ck_assert_str_eq(S(v, "CidrBlock"), "10.1.0.0/16");
    ck_assert(vs_json_type(P(v, "IsDefault")) == VS_JSON_BOOL && !vs_json_as_bool(P(v, "IsDefault"), true));
    const char *id = S(v, "VpcId");
    ck_assert_int_eq(strlen(id), 21);
    ck_assert(strncmp(id, "vpc-", 4) == 0);
    ck_assert(strncmp(S(v, "DhcpOptionsId"), "dopt-", 5) == 0 && strlen(S(v, "DhcpOptionsId")) == 22);
    ck_assert_int_eq(N(v, "CidrBlockAssociationSet"), 1);
    const vs_json_t *a = P(v, "CidrBlockAssociationSet.0");
    ck_assert_str_eq(fx_keys(a), "AssociationId,CidrBlock,CidrBlockState");
    ck_assert(strncmp(S(a, "AssociationId"), "vpc-cidr-assoc-", 15) == 0);
    ck_assert_int_eq(strlen(S(a, "AssociationId")), 32);
    ck_assert_str_eq(S(a, "CidrBlockState.State"), "associated");
    ck_assert_str_eq(g_res.last_arn, J("arn:aws:ec2:" REGION ":" ACCT ":vpc/%s", id));

    /* Describe shows it available, same keys. */
    const vs_json_t *d = describe_one("DescribeVpcs", "VpcIds", "Vpcs", id);
    ck_assert_str_eq(S(d, "State"), "available");
    ck_assert_str_eq(fx_keys(d), fx_keys(v));
    /* Every VPC of the account shares the default DHCP options. */
    vs_json_t *o2 = OK("CreateVpc", "{\"CidrBlock\":\"10.2.0.0/16\"}");
    ck_assert_str_eq(S(o2, "Vpc.DhcpOptionsId"), S(v, "DhcpOptionsId"));
    ck_assert_uint_eq(vs_model_vpc_count(g_m), 2);
    /* The ARNs the agent announces to the broker. */
    char arns[512] = "";
    vs_model_each_vpc_arn(g_m, collect_arn, arns);
    ck_assert_str_eq(arns, J("arn:aws:ec2:" REGION ":" ACCT ":vpc/%s,arn:aws:ec2:" REGION ":" ACCT ":vpc/%s,",
                             id, S(o2, "Vpc.VpcId")));
}
END_TEST

START_TEST(create_vpc_ipv6_and_tags)
{
    vs_json_t *o = OK("CreateVpc", "{\"CidrBlock\":\"10.1.0.0/16\",\"AmazonProvidedIpv6CidrBlock\":true,"
                                   "\"TagSpecifications\":[{\"ResourceType\":\"vpc\",\"Tags\":"
                                   "[{\"Key\":\"Name\",\"Value\":\"a\"},{\"Key\":\"env\",\"Value\":\"\"}]}]}");
    const vs_json_t *v = P(o, "Vpc");
    ck_assert_str_eq(fx_keys(v), "OwnerId,InstanceTenancy,Ipv6CidrBlockAssociationSet,"
                                 "CidrBlockAssociationSet,IsDefault,Tags,VpcId,State,CidrBlock,"
                                 "DhcpOptionsId");
    /* As EC2: the block is not known yet in the create reply. */
    const vs_json_t *a6 = P(v, "Ipv6CidrBlockAssociationSet.0");
    ck_assert_str_eq(fx_keys(a6), "AssociationId,Ipv6CidrBlock,Ipv6CidrBlockState,NetworkBorderGroup,"
                                  "Ipv6Pool");
    ck_assert_str_eq(S(a6, "Ipv6CidrBlock"), "");
    ck_assert_str_eq(S(a6, "Ipv6CidrBlockState.State"), "associating");
    ck_assert_str_eq(S(a6, "NetworkBorderGroup"), REGION);
    ck_assert_str_eq(S(a6, "Ipv6Pool"), "Amazon");
    ck_assert_str_eq(S(v, "Tags.0.Key"), "Name");
    ck_assert_str_eq(S(v, "Tags.1.Value"), "");

    const vs_json_t *d = describe_one("DescribeVpcs", "VpcIds", "Vpcs", S(v, "VpcId"));
    const vs_json_t *d6 = P(d, "Ipv6CidrBlockAssociationSet.0");
    ck_assert_str_eq(S(d6, "Ipv6CidrBlockState.State"), "associated");
    ck_assert_str_eq(S(d6, "AssociationId"), S(a6, "AssociationId"));
    vs_cidr_t c, pool;
    ck_assert_int_eq(vs_cidr_parse(S(d6, "Ipv6CidrBlock"), VS_CIDR_STRICT, &c), 0);
    ck_assert_int_eq(vs_cidr_parse("2600:1f00::/24", VS_CIDR_STRICT, &pool), 0);
    ck_assert_int_eq(c.prefix, 56);
    ck_assert(vs_cidr_contains(&pool, &c));
    /* A second VPC gets another block. */
    vs_json_t *o2 = OK("CreateVpc", "{\"CidrBlock\":\"10.2.0.0/16\",\"AmazonProvidedIpv6CidrBlock\":true}");
    const vs_json_t *d2 = describe_one("DescribeVpcs", "VpcIds", "Vpcs", S(o2, "Vpc.VpcId"));
    ck_assert_str_ne(S(d2, "Ipv6CidrBlockAssociationSet.0.Ipv6CidrBlock"), S(d6, "Ipv6CidrBlock"));
}
END_TEST

START_TEST(create_vpc_errors)
{
    ERR("CreateVpc", "{}", "MissingParameter", "The request must contain the parameter CidrBlock");
    ERR("CreateVpc", "{\"CidrBlock\":\"10.0.0.5/16\"}", "InvalidParameterValue",
        "Value (10.0.0.5/16) for parameter cidrBlock is invalid. This is not a valid CIDR block.");
    ERR("CreateVpc", "{\"CidrBlock\":\"banana\"}", "InvalidParameterValue",
        "Value (banana) for parameter cidrBlock is invalid. This is not a valid CIDR block.");
    ERR("CreateVpc", "{\"CidrBlock\":\"2600::/56\"}", "InvalidParameterValue", NULL);
    ERR("CreateVpc", "{\"CidrBlock\":\"10.0.0.0/8\"}", "InvalidVpc.Range",
        "The CIDR '10.0.0.0/8' is invalid.");
    ERR("CreateVpc", "{\"CidrBlock\":\"10.0.0.0/29\"}", "InvalidVpc.Range",
        "The CIDR '10.0.0.0/29' is invalid.");
    ERR("CreateVpc", "{\"CidrBlock\":5}", "InvalidParameterValue", NULL);
    ERR("CreateVpc", "{\"CidrBlock\":\"10.0.0.0/16\",\"AmazonProvidedIpv6CidrBlock\":\"yes\"}",
        "InvalidParameterValue", NULL);
    ERR("CreateVpc", "{\"CidrBlock\":\"10.0.0.0/16\",\"TagSpecifications\":[{\"ResourceType\":\"subnet\","
                     "\"Tags\":[{\"Key\":\"a\",\"Value\":\"b\"}]}]}",
        "InvalidParameterValue", "'subnet' is not a valid taggable resource type for this operation.");
    ERR("CreateVpc", "{\"CidrBlock\":\"10.0.0.0/16\",\"TagSpecifications\":[{\"ResourceType\":\"vpc\","
                     "\"Tags\":[{\"Key\":\"aws:x\",\"Value\":\"b\"}]}]}",
        "InvalidParameterValue",
        "Value ( aws:x ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved "
        "for internal use");
    char key[140], val[300];
    memset(key, 'k', 129);
    key[129] = '\0';
    memset(val, 'v', 257);
    val[257] = '\0';
    ERR("CreateVpc", J("{\"CidrBlock\":\"10.0.0.0/16\",\"TagSpecifications\":[{\"ResourceType\":\"vpc\","
                       "\"Tags\":[{\"Key\":\"%s\",\"Value\":\"b\"}]}]}", key),
        "InvalidParameterValue", NULL);
    ERR("CreateVpc", J("{\"CidrBlock\":\"10.0.0.0/16\",\"TagSpecifications\":[{\"ResourceType\":\"vpc\","
                       "\"Tags\":[{\"Key\":\"k\",\"Value\":\"%s\"}]}]}", val),
        "InvalidParameterValue", NULL);
    char tags[4096] = "";
    for (int i = 0; i < 51; i++)
        snprintf(tags + strlen(tags), sizeof tags - strlen(tags), "%s{\"Key\":\"k%d\",\"Value\":\"v\"}",
                 i ? "," : "", i);
    ERR("CreateVpc", J("{\"CidrBlock\":\"10.0.0.0/16\",\"TagSpecifications\":[{\"ResourceType\":\"vpc\","
                       "\"Tags\":[%s]}]}", tags),
        "TagLimitExceeded", "The maximum number of Tags for a resource has been reached.");
    /* Nothing was created by any of these. */
    ck_assert_uint_eq(vs_model_vpc_count(g_m), 0);
}
END_TEST

/* --- DescribeVpcs ---------------------------------------------------------- */

/* The VPC IDs DescribeVpcs returns for a Filters list. */
static const char *F(const char *filters)
{
    return ids_of(OK("DescribeVpcs", J("{\"Filters\":%s}", filters)), "Vpcs", "VpcId");
}

START_TEST(describe_vpcs_ids_and_filters)
{
    const char *a = mkvpc("10.1.0.0/16"), *b = mkvpc("10.2.0.0/16"), *c = mkvpc("192.168.0.0/20");
    OK("CreateTags", J("{\"Resources\":[\"%s\",\"%s\"],\"Tags\":[{\"Key\":\"env\",\"Value\":\"prod\"}]}", a, c));
    OK("CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"env\",\"Value\":\"dev\"},"
                       "{\"Key\":\"team\",\"Value\":\"x\"}]}", b));
    ck_assert_str_eq(ids_of(OK("DescribeVpcs", NULL), "Vpcs", "VpcId"), J("%s,%s,%s", a, b, c));
    /* IDs: creation order, whatever the order asked. */
    ck_assert_str_eq(ids_of(OK("DescribeVpcs", J("{\"VpcIds\":[\"%s\",\"%s\"]}", c, a)), "Vpcs", "VpcId"),
                     J("%s,%s", a, c));
    ERR("DescribeVpcs", "{\"VpcIds\":[\"vpc-0123456789abcdef0\"]}", "InvalidVpcID.NotFound",
        "The vpc ID 'vpc-0123456789abcdef0' does not exist");
    ERR("DescribeVpcs", J("{\"VpcIds\":[\"%s\",\"vpc-aaaaaaaa\",\"vpc-bbbbbbbb\"]}", a), "InvalidVpcID.NotFound",
        "The vpc IDs 'vpc-aaaaaaaa, vpc-bbbbbbbb' do not exist");
    /* A malformed ID is Malformed, before any NotFound (reference 1). */
    ERR("DescribeVpcs", J("{\"VpcIds\":[\"vpc-aaaaaaaa\",\"nonsense\"]}"), "InvalidVpcID.Malformed",
        "Invalid id: \"nonsense\" (expecting \"vpc-...\")");

    ck_assert_str_eq(F("[{\"Name\":\"tag:env\",\"Values\":[\"prod\"]}]"), J("%s,%s", a, c));
    /* OR across values, AND across filters. */
    ck_assert_str_eq(F("[{\"Name\":\"tag:env\",\"Values\":[\"prod\",\"dev\"]}]"), J("%s,%s,%s", a, b, c));
    ck_assert_str_eq(F("[{\"Name\":\"tag:env\",\"Values\":[\"prod\",\"dev\"]},"
                       "{\"Name\":\"cidr\",\"Values\":[\"10.*\"]}]"), J("%s,%s", a, b));
    ck_assert_str_eq(F("[{\"Name\":\"tag-key\",\"Values\":[\"te?m\"]}]"), b);
    ck_assert_str_eq(F("[{\"Name\":\"cidr\",\"Values\":[\"10.?.0.0/16\"]}]"), J("%s,%s", a, b));
    ck_assert_str_eq(F("[{\"Name\":\"cidr\",\"Values\":[\"10.1.0.0\"]}]"), "");
    ck_assert_str_eq(F("[{\"Name\":\"cidr-block-association.cidr-block\",\"Values\":[\"192.168.0.0/20\"]}]"), c);
    ck_assert_str_eq(F(J("[{\"Name\":\"vpc-id\",\"Values\":[\"%s\"]}]", b)), b);
    ck_assert_str_eq(F("[{\"Name\":\"state\",\"Values\":[\"available\"]},"
                       "{\"Name\":\"owner-id\",\"Values\":[\"" ACCT "\"]},"
                       "{\"Name\":\"is-default\",\"Values\":[\"false\"]}]"), J("%s,%s,%s", a, b, c));
    ck_assert_str_eq(F("[{\"Name\":\"state\",\"Values\":[\"pending\"]}]"), "");
    ck_assert_str_eq(F("[{\"Name\":\"cidr-block-association.state\",\"Values\":[\"associated\"]},"
                       "{\"Name\":\"tag:team\",\"Values\":[\"*\"]}]"), b);
    const vs_json_t *va = describe_one("DescribeVpcs", "VpcIds", "Vpcs", a);
    ck_assert_str_eq(F(J("[{\"Name\":\"cidr-block-association.association-id\",\"Values\":[\"%s\"]}]",
                         S(va, "CidrBlockAssociationSet.0.AssociationId"))), a);
    ck_assert_str_eq(F(J("[{\"Name\":\"dhcp-options-id\",\"Values\":[\"%s\"]}]", S(va, "DhcpOptionsId"))),
                     J("%s,%s,%s", a, b, c));
    ck_assert_str_eq(F("[{\"Name\":\"ipv6-cidr-block-association.ipv6-cidr-block\",\"Values\":[\"*\"]}]"), "");
    /* Filters and IDs combine. */
    ck_assert_str_eq(ids_of(OK("DescribeVpcs", J("{\"VpcIds\":[\"%s\",\"%s\"],\"Filters\":[{\"Name\":"
                                                 "\"tag:env\",\"Values\":[\"dev\"]}]}", a, b)),
                            "Vpcs", "VpcId"), b);
    ERR("DescribeVpcs", "{\"Filters\":[{\"Name\":\"colour\",\"Values\":[\"x\"]}]}",
        "InvalidParameterValue", "The filter 'colour' is invalid");
    ERR("DescribeVpcs", "{\"Filters\":{\"Name\":\"vpc-id\"}}", "InvalidParameterValue", NULL);
    ERR("DescribeVpcs", "{\"Filters\":[{\"Name\":\"vpc-id\",\"Values\":\"x\"}]}", "InvalidParameterValue",
        NULL);
    ERR("DescribeVpcs", "{\"VpcIds\":\"vpc-1\"}", "InvalidParameterValue", NULL);
    ERR("DescribeVpcs", "{\"VpcIds\":[1]}", "InvalidParameterValue", NULL);
}
END_TEST

/* --- DeleteVpc --------------------------------------------------------------- */

START_TEST(delete_vpc)
{
    const char *a = mkvpc("10.1.0.0/16");
    ERR("DeleteVpc", "{}", "MissingParameter", "The request must contain the parameter VpcId");
    ERR("DeleteVpc", "{\"VpcId\":\"vpc-0123456789abcdef0\"}", "InvalidVpcID.NotFound",
        "The vpc ID 'vpc-0123456789abcdef0' does not exist");
    ERR("DeleteVpc", "{\"VpcId\":\"xyz\"}", "InvalidVpcID.Malformed",
        "Invalid id: \"xyz\" (expecting \"vpc-...\")");
    ERR("DeleteVpc", "{\"VpcId\":\"subnet-0123456789abcdef0\"}", "InvalidVpcID.Malformed", NULL);
    const char *s = mksubnet(a, "10.1.1.0/24");
    ERR("DeleteVpc", J("{\"VpcId\":\"%s\"}", a), "DependencyViolation",
        J("The vpc '%s' has dependencies and cannot be deleted.", a));
    OK("DeleteSubnet", J("{\"SubnetId\":\"%s\"}", s));
    vs_json_t *rt = OK("DescribeRouteTables", J("{\"Filters\":[{\"Name\":\"vpc-id\",\"Values\":[\"%s\"]}]}", a));
    ck_assert_int_eq(N(rt, "RouteTables"), 1);
    ck_assert_ptr_null(OK("DeleteVpc", J("{\"VpcId\":\"%s\"}", a)));
    ck_assert_int_eq(g_res.vpc_removed, 1);
    ck_assert_str_eq(g_res.last_arn, J("arn:aws:ec2:" REGION ":" ACCT ":vpc/%s", a));
    ck_assert_int_eq(N(OK("DescribeVpcs", NULL), "Vpcs"), 0);
    /* Its main route table went with it. */
    ck_assert_int_eq(N(OK("DescribeRouteTables", NULL), "RouteTables"), 0);
    ERR("DeleteVpc", J("{\"VpcId\":\"%s\"}", a), "InvalidVpcID.NotFound", NULL);
}
END_TEST

/* --- CIDR blocks --------------------------------------------------------------- */

static const vs_json_t *main_rtb_routes(const char *vpc)
{
    vs_json_t *rt = OK("DescribeRouteTables", J("{\"Filters\":[{\"Name\":\"vpc-id\",\"Values\":[\"%s\"]},"
                                                "{\"Name\":\"association.main\",\"Values\":[\"true\"]}]}", vpc));
    ck_assert_int_eq(N(rt, "RouteTables"), 1);
    return P(rt, "RouteTables.0.Routes");
}

START_TEST(associate_ipv4)
{
    const char *a = mkvpc("10.1.0.0/16");
    vs_json_t *o = OK("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.2.0.0/16\"}", a));
    ck_assert_str_eq(fx_keys(o), "CidrBlockAssociation,VpcId");
    ck_assert_str_eq(fx_keys(P(o, "CidrBlockAssociation")), "AssociationId,CidrBlock,CidrBlockState");
    ck_assert_str_eq(S(o, "CidrBlockAssociation.CidrBlockState.State"), "associating");
    ck_assert_str_eq(S(o, "CidrBlockAssociation.CidrBlock"), "10.2.0.0/16");
    ck_assert_str_eq(S(o, "VpcId"), a);
    const char *assoc = S(o, "CidrBlockAssociation.AssociationId");
    const vs_json_t *d = describe_one("DescribeVpcs", "VpcIds", "Vpcs", a);
    ck_assert_int_eq(N(d, "CidrBlockAssociationSet"), 2);
    ck_assert_str_eq(S(d, "CidrBlockAssociationSet.1.AssociationId"), assoc);
    ck_assert_str_eq(S(d, "CidrBlockAssociationSet.1.CidrBlockState.State"), "associated");
    ck_assert_str_eq(S(d, "CidrBlock"), "10.1.0.0/16");
    const vs_json_t *routes = main_rtb_routes(a);
    ck_assert_int_eq(vs_json_len(routes), 2);
    ck_assert_str_eq(S(routes, "1.DestinationCidrBlock"), "10.2.0.0/16");
    ck_assert_str_eq(S(routes, "1.GatewayId"), "local");
    /* Secondary CIDRs are searchable; the primary filter is not. */
    ck_assert_str_eq(ids_of(OK("DescribeVpcs", "{\"Filters\":[{\"Name\":\"cidr-block-association.cidr-block\","
                                               "\"Values\":[\"10.2.0.0/16\"]}]}"), "Vpcs", "VpcId"), a);
    ck_assert_str_eq(ids_of(OK("DescribeVpcs", "{\"Filters\":[{\"Name\":\"cidr\","
                                               "\"Values\":[\"10.2.0.0/16\"]}]}"), "Vpcs", "VpcId"), "");

    const char *v = J("{\"VpcId\":\"%s\",\"CidrBlock\":", a);
    ERR("AssociateVpcCidrBlock", J("%s\"10.2.128.0/17\"}", v), "InvalidVpc.Range",
        "The CIDR '10.2.128.0/17' conflicts with another CIDR block of the VPC");
    ERR("AssociateVpcCidrBlock", J("%s\"10.3.0.0/29\"}", v), "InvalidVpc.Range",
        "The CIDR '10.3.0.0/29' is invalid.");
    ERR("AssociateVpcCidrBlock", J("%s\"10.0.0.0/15\"}", v), "InvalidVpc.Range", NULL);
    ERR("AssociateVpcCidrBlock", J("%s\"10.3.0.1/16\"}", v), "InvalidParameterValue",
        "Value (10.3.0.1/16) for parameter cidrBlock is invalid. This is not a valid CIDR block.");
    /* Private ranges do not mix with a 10/8 primary. */
    ERR("AssociateVpcCidrBlock", J("%s\"192.168.0.0/16\"}", v), "InvalidVpc.Range",
        "The CIDR '192.168.0.0/16' is restricted. Use a CIDR from the same private address range as "
        "the current VPC CIDR, or use a publicly-routable CIDR. For additional restrictions, see "
        "http://docs.aws.amazon.com/AmazonVPC/latest/UserGuide/VPC_Subnets.html#VPC_Sizing");
    ERR("AssociateVpcCidrBlock", J("%s\"172.16.0.0/16\"}", v), "InvalidVpc.Range", NULL);
    ERR("AssociateVpcCidrBlock", J("%s\"198.19.0.0/16\"}", v), "InvalidVpc.Range", NULL);
    ERR("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\"}", a), "MissingParameter", NULL);
    ERR("AssociateVpcCidrBlock", "{\"CidrBlock\":\"10.5.0.0/16\"}", "MissingParameter",
        "The request must contain the parameter VpcId");
    ERR("AssociateVpcCidrBlock", "{\"VpcId\":\"vpc-0123456789abcdef0\",\"CidrBlock\":\"10.5.0.0/16\"}",
        "InvalidVpcID.NotFound", NULL);
    /* 100.64/10 and public blocks are fine; then the quota of 5. */
    OK("AssociateVpcCidrBlock", J("%s\"100.64.0.0/16\"}", v));
    OK("AssociateVpcCidrBlock", J("%s\"54.10.0.0/16\"}", v));
    OK("AssociateVpcCidrBlock", J("%s\"10.3.0.0/16\"}", v));
    ERR("AssociateVpcCidrBlock", J("%s\"10.4.0.0/16\"}", v), "CidrLimitExceeded",
        J("This network '%s' has met its maximum number of allowed CIDRs: 5", a));

    /* A 172.16/12 primary refuses 172.31/16 and 10/8, a public one all RFC 1918. */
    const char *b = mkvpc("172.20.0.0/16");
    ERR("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"172.31.0.0/16\"}", b), "InvalidVpc.Range", NULL);
    ERR("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.0.0.0/16\"}", b), "InvalidVpc.Range", NULL);
    OK("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"172.21.0.0/16\"}", b));
    const char *c = mkvpc("54.0.0.0/16");
    ERR("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.0.0.0/16\"}", c), "InvalidVpc.Range", NULL);
    OK("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"100.64.0.0/16\"}", c));
}
END_TEST

START_TEST(associate_ipv6_and_disassociate)
{
    const char *a = mkvpc("10.1.0.0/16");
    vs_json_t *o = OK("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"AmazonProvidedIpv6CidrBlock\":true}", a));
    ck_assert_str_eq(fx_keys(o), "Ipv6CidrBlockAssociation,VpcId");
    ck_assert_str_eq(fx_keys(P(o, "Ipv6CidrBlockAssociation")),
                     "AssociationId,Ipv6CidrBlockState,NetworkBorderGroup");
    ck_assert_str_eq(S(o, "Ipv6CidrBlockAssociation.Ipv6CidrBlockState.State"), "associating");
    const char *a6 = S(o, "Ipv6CidrBlockAssociation.AssociationId");
    ERR("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"AmazonProvidedIpv6CidrBlock\":true}", a),
        "CidrLimitExceeded", J("This network '%s' has met its maximum number of allowed CIDRs: 1", a));
    ERR("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"AmazonProvidedIpv6CidrBlock\":true,"
                                   "\"CidrBlock\":\"10.2.0.0/16\"}", a), "InvalidParameterCombination", NULL);
    const vs_json_t *d = describe_one("DescribeVpcs", "VpcIds", "Vpcs", a);
    const char *block = S(d, "Ipv6CidrBlockAssociationSet.0.Ipv6CidrBlock");
    const vs_json_t *routes = main_rtb_routes(a);
    ck_assert_int_eq(vs_json_len(routes), 2);
    ck_assert_str_eq(fx_keys(P(routes, "1")), "DestinationIpv6CidrBlock,GatewayId,Origin,State");
    ck_assert_str_eq(S(routes, "1.DestinationIpv6CidrBlock"), block);
    ck_assert_str_eq(fx_keys(P(routes, "0")), "DestinationCidrBlock,GatewayId,Origin,State");
    ck_assert_str_eq(S(routes, "0.Origin"), "CreateRouteTable");
    ck_assert_str_eq(S(routes, "0.State"), "active");
    ck_assert_str_eq(ids_of(OK("DescribeVpcs", J("{\"Filters\":[{\"Name\":\"ipv6-cidr-block-association."
                                                 "ipv6-cidr-block\",\"Values\":[\"%s\"]}]}", block)),
                            "Vpcs", "VpcId"), a);

    /* Disassociate: the primary never, a block with subnets not yet. */
    const char *primary = S(d, "CidrBlockAssociationSet.0.AssociationId");
    ERR("DisassociateVpcCidrBlock", J("{\"AssociationId\":\"%s\"}", primary), "OperationNotPermitted",
        J("The vpc CIDR block with association ID %s may not be disassociated. It is the primary "
          "IPv4 CIDR block of the VPC", primary));
    ERR("DisassociateVpcCidrBlock", "{\"AssociationId\":\"vpc-cidr-assoc-0123456789abcdef0\"}",
        "InvalidVpcCidrBlockAssociationIdError.NotFound",
        "The vpc CIDR block association ID 'vpc-cidr-assoc-0123456789abcdef0' does not exist");
    ERR("DisassociateVpcCidrBlock", "{}", "MissingParameter",
        "The request must contain the parameter AssociationId");
    vs_json_t *o2 = OK("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.2.0.0/16\"}", a));
    const char *a4 = S(o2, "CidrBlockAssociation.AssociationId");
    const char *s = mksubnet(a, "10.2.3.0/24");
    ERR("DisassociateVpcCidrBlock", J("{\"AssociationId\":\"%s\"}", a4), "InvalidCidrBlock.InUse", NULL);
    OK("DeleteSubnet", J("{\"SubnetId\":\"%s\"}", s));
    vs_json_t *r = OK("DisassociateVpcCidrBlock", J("{\"AssociationId\":\"%s\"}", a4));
    ck_assert_str_eq(fx_keys(r), "CidrBlockAssociation,VpcId");
    ck_assert_str_eq(S(r, "CidrBlockAssociation.CidrBlock"), "10.2.0.0/16");
    ck_assert_str_eq(S(r, "CidrBlockAssociation.CidrBlockState.State"), "disassociating");
    r = OK("DisassociateVpcCidrBlock", J("{\"AssociationId\":\"%s\"}", a6));
    ck_assert_str_eq(S(r, "Ipv6CidrBlockAssociation.Ipv6CidrBlock"), block);
    ck_assert_str_eq(S(r, "Ipv6CidrBlockAssociation.Ipv6CidrBlockState.State"), "disassociating");
    d = describe_one("DescribeVpcs", "VpcIds", "Vpcs", a);
    ck_assert_str_eq(fx_keys(d), "OwnerId,InstanceTenancy,CidrBlockAssociationSet,IsDefault,VpcId,State,"
                                 "CidrBlock,DhcpOptionsId");
    ck_assert_int_eq(N(d, "CidrBlockAssociationSet"), 1);
    /* The local routes are gone with the blocks. */
    routes = main_rtb_routes(a);
    ck_assert_int_eq(vs_json_len(routes), 1);
    ck_assert_str_eq(S(routes, "0.DestinationCidrBlock"), "10.1.0.0/16");
    /* A new IPv6 block can be requested again. */
    OK("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"AmazonProvidedIpv6CidrBlock\":true}", a));
}
END_TEST

/* --- ModifyVpcAttribute -------------------------------------------------------- */

START_TEST(modify_vpc_attribute)
{
    const char *a = mkvpc("10.1.0.0/16");
    ck_assert_ptr_null(OK("ModifyVpcAttribute", J("{\"VpcId\":\"%s\",\"EnableDnsHostnames\":{\"Value\":true}}", a)));
    ERR("ModifyVpcAttribute", J("{\"VpcId\":\"%s\",\"EnableDnsHostnames\":{\"Value\":true},"
                                "\"EnableDnsSupport\":{\"Value\":true}}", a),
        "InvalidParameterCombination",
        "Fields for multiple attribute types specified: enableDnsSupport, enableDnsHostnames");
    /* Hostnames need resolution. */
    OK("ModifyVpcAttribute", J("{\"VpcId\":\"%s\",\"EnableDnsHostnames\":{\"Value\":false}}", a));
    OK("ModifyVpcAttribute", J("{\"VpcId\":\"%s\",\"EnableDnsSupport\":{\"Value\":false}}", a));
    ERR("ModifyVpcAttribute", J("{\"VpcId\":\"%s\",\"EnableDnsHostnames\":{\"Value\":true}}", a),
        "InvalidParameterValue", NULL);
    ERR("ModifyVpcAttribute", J("{\"VpcId\":\"%s\"}", a), "MissingParameter", NULL);
    ERR("ModifyVpcAttribute", J("{\"VpcId\":\"%s\",\"EnableDnsSupport\":true}", a),
        "InvalidParameterValue", NULL);
    ERR("ModifyVpcAttribute", J("{\"VpcId\":\"%s\",\"EnableDnsSupport\":{\"Value\":\"x\"}}", a),
        "InvalidParameterValue", NULL);
    ERR("ModifyVpcAttribute", "{\"VpcId\":\"vpc-0123456789abcdef0\",\"EnableDnsSupport\":{\"Value\":true}}",
        "InvalidVpcID.NotFound", NULL);
}
END_TEST

/* --- CreateTags / DeleteTags ------------------------------------------------------ */

START_TEST(tags_create_delete)
{
    const char *a = mkvpc("10.1.0.0/16");
    const char *s = mksubnet(a, "10.1.0.0/24");
    const char *rtb = S(OK("DescribeRouteTables", NULL), "RouteTables.0.RouteTableId");
    ck_assert_ptr_null(OK("CreateTags", J("{\"Resources\":[\"%s\",\"%s\",\"%s\"],\"Tags\":[{\"Key\":\"Name\","
                                          "\"Value\":\"n\"},{\"Key\":\"k\"}]}", a, s, rtb)));
    const vs_json_t *d = describe_one("DescribeVpcs", "VpcIds", "Vpcs", a);
    ck_assert_str_eq(S(d, "Tags.0.Value"), "n");
    ck_assert_str_eq(S(d, "Tags.1.Key"), "k");
    ck_assert_str_eq(S(d, "Tags.1.Value"), "");
    ck_assert_str_eq(S(describe_one("DescribeSubnets", "SubnetIds", "Subnets", s), "Tags.0.Key"), "Name");
    ck_assert_int_eq(N(describe_one("DescribeRouteTables", "RouteTableIds", "RouteTables", rtb), "Tags"), 2);
    /* Overwrite keeps the position. */
    OK("CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"Name\",\"Value\":\"m\"}]}", a));
    d = describe_one("DescribeVpcs", "VpcIds", "Vpcs", a);
    ck_assert_str_eq(S(d, "Tags.0.Value"), "m");

    ERR("CreateTags", "{\"Resources\":[\"vpc-0123456789abcdef0\"],\"Tags\":[{\"Key\":\"a\",\"Value\":\"b\"}]}",
        "InvalidVpcID.NotFound", "The vpc ID 'vpc-0123456789abcdef0' does not exist");
    ERR("CreateTags", "{\"Resources\":[\"subnet-0123456789abcdef0\"],\"Tags\":[{\"Key\":\"a\",\"Value\":\"b\"}]}",
        "InvalidSubnetID.NotFound", "The subnet ID 'subnet-0123456789abcdef0' does not exist");
    ERR("CreateTags", "{\"Resources\":[\"rtb-0123456789abcdef0\"],\"Tags\":[{\"Key\":\"a\",\"Value\":\"b\"}]}",
        "InvalidRouteTableID.NotFound", "The routeTable ID 'rtb-0123456789abcdef0' does not exist");
    ERR("CreateTags", "{\"Resources\":[\"sg-0123456789abcdef0\"],\"Tags\":[{\"Key\":\"a\",\"Value\":\"b\"}]}",
        "InvalidGroup.NotFound", "The security group 'sg-0123456789abcdef0' does not exist");
    ERR("CreateTags", "{\"Resources\":[\"foo-0123\"],\"Tags\":[{\"Key\":\"a\",\"Value\":\"b\"}]}",
        "InvalidID", "The ID 'foo-0123' is not valid");
    ERR("CreateTags", "{\"Resources\":[\"vpc-xyz\"],\"Tags\":[{\"Key\":\"a\",\"Value\":\"b\"}]}",
        "InvalidID", "The ID 'vpc-xyz' is not valid");
    /* One bad resource: nothing is tagged. */
    ERR("CreateTags", J("{\"Resources\":[\"%s\",\"vpc-0123456789abcdef0\"],\"Tags\":[{\"Key\":\"z\","
                        "\"Value\":\"b\"}]}", a), "InvalidVpcID.NotFound", NULL);
    ck_assert_int_eq(N(describe_one("DescribeVpcs", "VpcIds", "Vpcs", a), "Tags"), 2);
    ERR("CreateTags", J("{\"Resources\":[\"%s\"]}", a), "MissingParameter",
        "The request must contain the parameter Tags");
    ERR("CreateTags", "{\"Tags\":[{\"Key\":\"a\"}]}", "MissingParameter",
        "The request must contain the parameter Resources");
    ERR("CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"AWS:x\"}]}", a), "InvalidParameterValue", NULL);
    ERR("CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Value\":\"x\"}]}", a), "InvalidParameterValue", NULL);
    ERR("CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":{\"Key\":\"x\"}}", a), "InvalidParameterValue", NULL);
    /* The limit counts the tags the resource would end up with. */
    char tags[4096] = "";
    for (int i = 0; i < 49; i++)
        snprintf(tags + strlen(tags), sizeof tags - strlen(tags), "%s{\"Key\":\"k%d\",\"Value\":\"v\"}",
                 i ? "," : "", i);
    ERR("CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[%s]}", a, tags), "TagLimitExceeded", NULL);
    /* Without k48 the subnet ends with exactly 50 (Name, k, k0..k47). */
    *strstr(tags, ",{\"Key\":\"k48\"") = '\0';
    OK("CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[%s]}", s, tags));
    ck_assert_int_eq(N(describe_one("DescribeSubnets", "SubnetIds", "Subnets", s), "Tags"), 50);

    /* DeleteTags: a Value must match; no Value deletes; no Tags deletes all. */
    OK("DeleteTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"Name\",\"Value\":\"other\"}]}", a));
    ck_assert_int_eq(N(describe_one("DescribeVpcs", "VpcIds", "Vpcs", a), "Tags"), 2);
    OK("DeleteTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"Name\",\"Value\":\"m\"}]}", a));
    d = describe_one("DescribeVpcs", "VpcIds", "Vpcs", a);
    ck_assert_int_eq(N(d, "Tags"), 1);
    OK("DeleteTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"k\"}]}", a));
    d = describe_one("DescribeVpcs", "VpcIds", "Vpcs", a);
    ck_assert_ptr_null(P(d, "Tags"));
    OK("DeleteTags", J("{\"Resources\":[\"%s\"]}", s));
    ck_assert_ptr_null(P(describe_one("DescribeSubnets", "SubnetIds", "Subnets", s), "Tags"));
    ERR("DeleteTags", "{\"Resources\":[\"vpc-0123456789abcdef0\"]}", "InvalidVpcID.NotFound", NULL);
    ERR("DeleteTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"aws:cloudformation:x\"}]}", a),
        "InvalidParameterValue", NULL);
    /* The route table prints its (now empty) list. */
    OK("DeleteTags", J("{\"Resources\":[\"%s\"]}", rtb));
    ck_assert_int_eq(N(describe_one("DescribeRouteTables", "RouteTableIds", "RouteTables", rtb), "Tags"), 0);
}
END_TEST

/* --- dispatcher ------------------------------------------------------------------------ */

START_TEST(dry_run)
{
    ERR("CreateVpc", "{\"CidrBlock\":\"10.1.0.0/16\",\"DryRun\":true}", "DryRunOperation",
        "Request would have succeeded, but DryRun flag is set.");
    ck_assert_uint_eq(vs_model_vpc_count(g_m), 0);
    ck_assert_int_eq(g_res.vpc_added, 0);
    /* A call that would fail fails for its own reason. */
    ERR("CreateVpc", "{\"CidrBlock\":\"10.0.0.0/8\",\"DryRun\":true}", "InvalidVpc.Range", NULL);
    ERR("CreateVpc", "{\"CidrBlock\":\"10.1.0.0/16\",\"DryRun\":\"yes\"}", "InvalidParameterValue", NULL);
    OK("CreateVpc", "{\"CidrBlock\":\"10.1.0.0/16\",\"DryRun\":false}");
    const char *a = S(OK("DescribeVpcs", NULL), "Vpcs.0.VpcId");
    ERR("DescribeVpcs", "{\"DryRun\":true}", "DryRunOperation", NULL);
    ERR("DeleteVpc", J("{\"VpcId\":\"%s\",\"DryRun\":true}", a), "DryRunOperation", NULL);
    ERR("CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"a\"}],\"DryRun\":true}", a),
        "DryRunOperation", NULL);
    ERR("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.2.0.0/16\",\"DryRun\":true}", a),
        "DryRunOperation", NULL);
    ERR("CreateSubnet", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.1.0.0/24\",\"DryRun\":true}", a),
        "DryRunOperation", NULL);
    ERR("ModifyVpcAttribute", J("{\"VpcId\":\"%s\",\"EnableDnsHostnames\":{\"Value\":true},\"DryRun\":true}", a),
        "DryRunOperation", NULL);
    const vs_json_t *d = describe_one("DescribeVpcs", "VpcIds", "Vpcs", a);
    ck_assert_ptr_null(P(d, "Tags"));
    ck_assert_int_eq(N(d, "CidrBlockAssociationSet"), 1);
    ck_assert_int_eq(N(OK("DescribeSubnets", NULL), "Subnets"), 0);
    ck_assert_uint_eq(vs_model_vpc_count(g_m), 1);
}
END_TEST

START_TEST(account_isolation)
{
    const char *a = mkvpc("10.1.0.0/16");
    const char *s = mksubnet(a, "10.1.0.0/24");
    const fx_res_t *r = fx_call(OTHER, "DescribeVpcs", NULL);
    ck_assert(r->ok);
    ck_assert_int_eq(N(r->out, "Vpcs"), 0);
    r = fx_call(OTHER, "DescribeVpcs", J("{\"VpcIds\":[\"%s\"]}", a));
    ck_assert(!r->ok);
    ck_assert_str_eq(r->code, "InvalidVpcID.NotFound");
    r = fx_call(OTHER, "DeleteVpc", J("{\"VpcId\":\"%s\"}", a));
    ck_assert_str_eq(r->code, "InvalidVpcID.NotFound");
    r = fx_call(OTHER, "DeleteSubnet", J("{\"SubnetId\":\"%s\"}", s));
    ck_assert_str_eq(r->code, "InvalidSubnetID.NotFound");
    r = fx_call(OTHER, "CreateSubnet", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.1.1.0/24\"}", a));
    ck_assert_str_eq(r->code, "InvalidVpcID.NotFound");
    r = fx_call(OTHER, "CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"a\"}]}", a));
    ck_assert_str_eq(r->code, "InvalidVpcID.NotFound");
    r = fx_call(OTHER, "AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.2.0.0/16\"}", a));
    ck_assert_str_eq(r->code, "InvalidVpcID.NotFound");
    const char *assoc = S(describe_one("DescribeVpcs", "VpcIds", "Vpcs", a), "CidrBlockAssociationSet.0.AssociationId");
    r = fx_call(OTHER, "DisassociateVpcCidrBlock", J("{\"AssociationId\":\"%s\"}", assoc));
    ck_assert_str_eq(r->code, "InvalidVpcCidrBlockAssociationIdError.NotFound");
    r = fx_call(OTHER, "DescribeSubnets", NULL);
    ck_assert_int_eq(N(r->out, "Subnets"), 0);
    r = fx_call(OTHER, "DescribeRouteTables", NULL);
    ck_assert_int_eq(N(r->out, "RouteTables"), 0);
    r = fx_call(OTHER, "CreateVpc", "{\"CidrBlock\":\"10.9.0.0/16\"}");
    ck_assert_str_eq(r->code, "UnauthorizedOperation");
    r = fx_call(NULL, "DescribeVpcs", NULL);
    ck_assert_int_eq(N(r->out, "Vpcs"), 0);
    ck_assert_uint_eq(vs_model_vpc_count(g_m), 1);
    ck_assert_ptr_null(P(describe_one("DescribeVpcs", "VpcIds", "Vpcs", a), "Tags"));
}
END_TEST

/* Dispatch finds every action of every module by its exact name (through
 * the model's hash table), and nothing else: near misses are invalid. */
START_TEST(every_action_dispatched)
{
    size_t n = 0;
    for (const vs_module_t *const *mod = vs_service_modules(); *mod; mod++) {
        for (const vs_action_t *a = (*mod)->actions; a && a->name; a++) {
            /* A non-object input is refused by the dispatcher once the
             * action is found, before any handler runs. */
            ERR(a->name, "[1]", "InvalidParameterValue", "The request input is not an object");
            n++;
        }
    }
    ck_assert_uint_gt(n, 30);
    const char *misses[] = { "", "createvpc", "CreateVpc ", "CreateVp", "CreateVpcs", "XreateVpc",
                             "DescribeVpcPeeringConnection" };
    for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++)
        ERR(misses[i], "{}", "InvalidAction", NULL);
    const fx_res_t *r = fx_call(ACCT, NULL, "{}");
    ck_assert_str_eq(r->code, "InvalidAction");
}
END_TEST

START_TEST(bad_input)
{
    ERR("NoSuchThing", "{}", "InvalidAction", "The action NoSuchThing is not valid for this web service.");
    ERR("DescribeVpcs", "[1,2]", "InvalidParameterValue", NULL);
    ERR("DescribeVpcs", "\"x\"", "InvalidParameterValue", NULL);
    ERR("DeleteVpc", "{\"VpcId\":7}", "InvalidParameterValue", "Invalid value for parameter VpcId");
    ERR("DeleteVpc", "{\"VpcId\":null}", "MissingParameter", NULL);
    ERR("DeleteVpc", "{\"VpcId\":{\"a\":1}}", "InvalidParameterValue", NULL);
    ERR("DeleteVpc", "{\"VpcId\":\"vpc-\\u00000123456789abcdef\"}", "InvalidParameterValue", NULL);
    ERR("CreateSubnet", "{\"VpcId\":[],\"CidrBlock\":\"10.0.0.0/24\"}", "InvalidParameterValue", NULL);
    ERR("CreateTags", "{\"Resources\":[null],\"Tags\":[]}", "InvalidParameterValue", NULL);
    ERR("CreateTags", "{\"Resources\":\"vpc-1\",\"Tags\":[]}", "InvalidParameterValue", NULL);
    ERR("CreateVpc", "{\"CidrBlock\":\"10.0.0.0/16\",\"TagSpecifications\":\"vpc\"}", "InvalidParameterValue", NULL);
    ERR("CreateVpc", "{\"CidrBlock\":\"10.0.0.0/16\",\"TagSpecifications\":[{\"ResourceType\":\"vpc\","
                     "\"Tags\":[{\"Key\":1}]}]}", "InvalidParameterValue", NULL);
    ERR("CreateVpc", "{\"CidrBlock\":\"10.0.0.0/16\",\"TagSpecifications\":[{\"ResourceType\":\"vpc\","
                     "\"Tags\":[]}]}", "InvalidParameterValue", NULL);
    ERR("DescribeVpcs", "{\"MaxResults\":\"10\"}", "InvalidParameterValue", NULL);
    ERR("DescribeVpcs", "{\"MaxResults\":7.5}", "InvalidParameterValue", NULL);
    ERR("DescribeVpcs", "{\"NextToken\":3}", "InvalidParameterValue", NULL);
    /* No input document at all is an empty one. */
    ck_assert_int_eq(N(OK("DescribeVpcs", NULL), "Vpcs"), 0);
    ERR("CreateVpc", NULL, "MissingParameter", NULL);
    /* Long hostile strings are cut in messages, never overflow. */
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ERR("DeleteVpc", J("{\"VpcId\":\"%s\"}", big), "InvalidVpcID.Malformed", NULL);
    ERR("CreateVpc", J("{\"CidrBlock\":\"%s\"}", big), "InvalidParameterValue", NULL);
    ERR("DescribeVpcs", J("{\"Filters\":[{\"Name\":\"%s\",\"Values\":[]}]}", big), "InvalidParameterValue", NULL);
    ERR("DescribeVpcs", J("{\"VpcIds\":[\"%s\"]}", big), "InvalidVpcID.Malformed", NULL);
}
END_TEST

/* Peer messages queued by a handler reach the runtime as emitted: each a
 * copy (the handler's buffers may change after), an address that was NULL
 * stays NULL, an empty payload is non-NULL with length 0; and a drain
 * after another (the queue's array reused) sees only its own messages. */
typedef struct {
    int n;
    char acct[4][32], region[4][32];
    bool arn_null[4];
    size_t len[4];
    bool payload_null[4];
    uint8_t first[4];
} peer_seen_t;

static void s_peer_seen(void *ctx, const vs_out_t *o)
{
    peer_seen_t *p = ctx;
    if (o->kind != VS_OUT_PEER || p->n >= 4)
        return;
    int i = p->n++;
    snprintf(p->acct[i], sizeof p->acct[i], "%s", o->to_account ? o->to_account : "(null)");
    snprintf(p->region[i], sizeof p->region[i], "%s", o->to_region ? o->to_region : "(null)");
    p->arn_null[i] = o->to_vpc_arn == NULL;
    p->len[i] = o->payload_len;
    p->payload_null[i] = o->payload == NULL;
    p->first[i] = o->payload_len ? o->payload[0] : 0;
}

START_TEST(peer_outputs_are_copies)
{
    char acct[] = OTHER, region[] = REGION;
    uint8_t payload[] = { 42, 43 };
    uint64_t id1 = vs_model__emit_peer(g_m, NULL, acct, region, payload, sizeof payload);
    memset(acct, '9', sizeof acct - 1);
    payload[0] = 0;
    uint64_t id2 = vs_model__emit_peer(g_m, "arn:aws:ec2:x", "333333333333", NULL, NULL, 0);
    ck_assert_uint_gt(id2, id1);
    peer_seen_t p = { 0 };
    vs_model_drain(g_m, s_peer_seen, &p);
    ck_assert_int_eq(p.n, 2);
    ck_assert_str_eq(p.acct[0], OTHER);
    ck_assert_str_eq(p.region[0], REGION);
    ck_assert(p.arn_null[0]);
    ck_assert_uint_eq(p.len[0], 2);
    ck_assert_uint_eq(p.first[0], 42);
    ck_assert(!p.arn_null[1]);
    ck_assert_str_eq(p.acct[1], "333333333333");
    ck_assert_str_eq(p.region[1], "(null)");
    ck_assert_uint_eq(p.len[1], 0);
    ck_assert(!p.payload_null[1]);

    vs_model__emit_peer(g_m, NULL, ACCT, REGION, (const uint8_t *)"x", 1);
    peer_seen_t q = { 0 };
    vs_model_drain(g_m, s_peer_seen, &q);
    ck_assert_int_eq(q.n, 1);
    ck_assert_str_eq(q.acct[0], ACCT);
    ck_assert_uint_eq(q.first[0], 'x');
    peer_seen_t r = { 0 };
    vs_model_drain(g_m, s_peer_seen, &r);
    ck_assert_int_eq(r.n, 0);
}
END_TEST

/* The model's scratch: a block given back is lent again (no malloc once
 * warm), grown when asked for more; borrowers nested inside one another
 * get distinct blocks, past the slots too (ASan builds check that those
 * are freed when given back). */
START_TEST(scratch_reused_and_nested)
{
    uint8_t *a = vs_model__scratch_take(g_m, 100);
    ck_assert_ptr_nonnull(a);
    memset(a, 0xab, 100);
    vs_model__scratch_give(g_m, a);
    ck_assert_ptr_eq(vs_model__scratch_take(g_m, 64), a);   /* the same, warm */
    uint8_t *b = vs_model__scratch_take(g_m, 100);          /* nested: another */
    uint8_t *c = vs_model__scratch_take(g_m, 100);          /* past the slots */
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_ne(a, b);
    ck_assert_ptr_ne(b, c);
    ck_assert_ptr_ne(a, c);
    memset(b, 1, 100);
    memset(c, 2, 100);
    ck_assert_uint_eq(a[99], 0xab);                          /* untouched by the others */
    vs_model__scratch_give(g_m, c);
    vs_model__scratch_give(g_m, b);
    vs_model__scratch_give(g_m, a);
    uint8_t *big = vs_model__scratch_take(g_m, 1u << 16);    /* grown */
    ck_assert_ptr_nonnull(big);
    memset(big, 3, 1u << 16);
    vs_model__scratch_give(g_m, big);
    vs_model__scratch_give(g_m, NULL);                       /* accepted */
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("vpc");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, create_vpc_shape);
    tcase_add_test(tc, create_vpc_ipv6_and_tags);
    tcase_add_test(tc, create_vpc_errors);
    tcase_add_test(tc, describe_vpcs_ids_and_filters);
    tcase_add_test(tc, delete_vpc);
    tcase_add_test(tc, associate_ipv4);
    tcase_add_test(tc, associate_ipv6_and_disassociate);
    tcase_add_test(tc, modify_vpc_attribute);
    tcase_add_test(tc, tags_create_delete);
    tcase_add_test(tc, dry_run);
    tcase_add_test(tc, account_isolation);
    tcase_add_test(tc, bad_input);
    tcase_add_test(tc, every_action_dispatched);
    tcase_add_test(tc, peer_outputs_are_copies);
    tcase_add_test(tc, scratch_reused_and_nested);
    suite_add_tcase(s, tc);
    return s;
}
