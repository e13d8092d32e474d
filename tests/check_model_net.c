/* Unit tests of the agent model's subnets, route tables and Describe*
 * paging. check_model.c has the VPC actions, check_model_store.c
 * persistence, timers and hooks. */
#include "check_model_testmod.h"

/* --- subnets --------------------------------------------------------------------- */

START_TEST(create_subnet_shape)
{
    const char *v = mkvpc("10.1.0.0/16");
    vs_json_t *o = OK("CreateSubnet", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.1.2.0/24\",\"TagSpecifications\":"
                                        "[{\"ResourceType\":\"subnet\",\"Tags\":[{\"Key\":\"Name\",\"Value\":\"s\"}]}]}", v));
    const vs_json_t *s = P(o, "Subnet");
    ck_assert_str_eq(fx_keys(s), "AvailabilityZoneId,MapCustomerOwnedIpOnLaunch,OwnerId,"
                                 "AssignIpv6AddressOnCreation,Ipv6CidrBlockAssociationSet,Tags,SubnetArn,"
                                 "EnableDns64,Ipv6Native,PrivateDnsNameOptionsOnLaunch,BlockPublicAccessStates,"
                                 "SubnetId,State,VpcId,CidrBlock,AvailableIpAddressCount,AvailabilityZone,"
                                 "DefaultForAz,MapPublicIpOnLaunch");
    const char *id = S(s, "SubnetId");
    ck_assert(strncmp(id, "subnet-", 7) == 0 && strlen(id) == 24);
    ck_assert_str_eq(S(s, "AvailabilityZone"), REGION "a");
    ck_assert_str_eq(S(s, "AvailabilityZoneId"), "apne1-az1");
    ck_assert_int_eq(vs_json_as_int(P(s, "AvailableIpAddressCount"), 0), 251);
    ck_assert_str_eq(S(s, "SubnetArn"), J("arn:aws:ec2:" REGION ":" ACCT ":subnet/%s", id));
    ck_assert_str_eq(S(s, "State"), "available");
    ck_assert_str_eq(S(s, "VpcId"), v);
    ck_assert_str_eq(S(s, "CidrBlock"), "10.1.2.0/24");
    ck_assert_str_eq(S(s, "OwnerId"), ACCT);
    ck_assert_str_eq(S(s, "PrivateDnsNameOptionsOnLaunch.HostnameType"), "ip-name");
    ck_assert_str_eq(fx_keys(P(s, "PrivateDnsNameOptionsOnLaunch")),
                     "HostnameType,EnableResourceNameDnsARecord,EnableResourceNameDnsAAAARecord");
    ck_assert_str_eq(S(s, "BlockPublicAccessStates.InternetGatewayBlockMode"), "off");
    ck_assert_int_eq(N(s, "Ipv6CidrBlockAssociationSet"), 0);
    for (const char *const *b = (const char *const[]){ "MapCustomerOwnedIpOnLaunch", "AssignIpv6AddressOnCreation",
                                                        "EnableDns64", "Ipv6Native", "DefaultForAz",
                                                        "MapPublicIpOnLaunch", NULL }; *b; b++)
        ck_assert_msg(vs_json_type(P(s, *b)) == VS_JSON_BOOL && !vs_json_as_bool(P(s, *b), true), "%s", *b);
    ck_assert_str_eq(S(s, "Tags.0.Value"), "s");
    ck_assert_str_eq(fx_keys(describe_one("DescribeSubnets", "SubnetIds", "Subnets", id)), fx_keys(s));

    o = OK("CreateSubnet", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.1.3.0/28\",\"AvailabilityZone\":\"" REGION "c\"}", v));
    ck_assert_str_eq(S(o, "Subnet.AvailabilityZoneId"), "apne1-az3");
    ck_assert_int_eq(vs_json_as_int(P(o, "Subnet.AvailableIpAddressCount"), 0), 11);
    o = OK("CreateSubnet", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.1.4.0/24\",\"AvailabilityZoneId\":\"apne1-az2\"}", v));
    ck_assert_str_eq(S(o, "Subnet.AvailabilityZone"), REGION "b");
}
END_TEST

START_TEST(create_subnet_errors)
{
    const char *v = mkvpc("10.1.0.0/16");
    mksubnet(v, "10.1.1.0/24");
    const char *p = J("{\"VpcId\":\"%s\",\"CidrBlock\":", v);
    ERR("CreateSubnet", J("%s\"10.9.0.0/24\"}", p), "InvalidSubnet.Range", "The CIDR '10.9.0.0/24' is invalid.");
    ERR("CreateSubnet", J("%s\"10.1.1.0/25\"}", p), "InvalidSubnet.Conflict",
        "The CIDR '10.1.1.0/25' conflicts with another subnet");
    ERR("CreateSubnet", J("%s\"10.1.0.0/16\"}", p), "InvalidSubnet.Conflict", NULL);
    ERR("CreateSubnet", J("%s\"10.1.2.0/29\"}", p), "InvalidSubnet.Range", "The CIDR '10.1.2.0/29' is invalid.");
    ERR("CreateSubnet", J("%s\"10.1.2.1/24\"}", p), "InvalidParameterValue",
        "Value (10.1.2.1/24) for parameter cidrBlock is invalid. This is not a valid CIDR block.");
    ERR("CreateSubnet", J("%s\"10.1.2.0/24\",\"AvailabilityZone\":\"us-east-1a\"}", p), "InvalidParameterValue",
        "Value (us-east-1a) for parameter availabilityZone is invalid. Subnets can currently only be created "
        "in the following availability zones: ap-northeast-1a, ap-northeast-1b, ap-northeast-1c, "
        "ap-northeast-1d.");
    ERR("CreateSubnet", J("%s\"10.1.2.0/24\",\"AvailabilityZoneId\":\"apne1-az9\"}", p), "InvalidParameterValue", NULL);
    ERR("CreateSubnet", "{\"CidrBlock\":\"10.1.2.0/24\"}", "MissingParameter",
        "The request must contain the parameter VpcId");
    ERR("CreateSubnet", J("{\"VpcId\":\"%s\"}", v), "MissingParameter", NULL);
    ERR("CreateSubnet", "{\"VpcId\":\"vpc-0123456789abcdef0\",\"CidrBlock\":\"10.1.2.0/24\"}",
        "InvalidVpcID.NotFound", "The vpc ID 'vpc-0123456789abcdef0' does not exist");
    ERR("CreateSubnet", "{\"VpcId\":\"vpc-zz\",\"CidrBlock\":\"10.1.2.0/24\"}", "InvalidVpcID.Malformed",
        "Invalid id: \"vpc-zz\" (expecting \"vpc-...\")");
    ERR("CreateSubnet", J("%s\"10.1.2.0/24\",\"TagSpecifications\":[{\"ResourceType\":\"vpc\",\"Tags\":"
                          "[{\"Key\":\"a\"}]}]}", p), "InvalidParameterValue", NULL);
    /* IPv6: a /64 of the VPC's /56, once the VPC has one. */
    ERR("CreateSubnet", J("%s\"10.1.2.0/24\",\"Ipv6CidrBlock\":\"2600:1f00::/64\"}", p), "InvalidSubnet.Range", NULL);
    vs_json_t *a = OK("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"AmazonProvidedIpv6CidrBlock\":true}", v));
    (void)a;
    const char *block = S(describe_one("DescribeVpcs", "VpcIds", "Vpcs", v), "Ipv6CidrBlockAssociationSet.0.Ipv6CidrBlock");
    vs_cidr_t c;
    ck_assert_int_eq(vs_cidr_parse(block, VS_CIDR_STRICT, &c), 0);
    c.prefix = 64;
    c.addr.bytes[7] = 0x05;
    char v6[VS_CIDR_STRLEN], v6_60[VS_CIDR_STRLEN];
    vs_cidr_format(&c, v6, sizeof v6);
    c.prefix = 60;
    c.addr.bytes[7] = 0;
    vs_cidr_format(&c, v6_60, sizeof v6_60);
    ERR("CreateSubnet", J("%s\"10.1.2.0/24\",\"Ipv6CidrBlock\":\"%s\"}", p, v6_60), "InvalidSubnet.Range", NULL);
    vs_json_t *o = OK("CreateSubnet", J("%s\"10.1.2.0/24\",\"Ipv6CidrBlock\":\"%s\"}", p, v6));
    const vs_json_t *s6 = P(o, "Subnet.Ipv6CidrBlockAssociationSet.0");
    ck_assert_str_eq(fx_keys(s6), "AssociationId,Ipv6CidrBlock,Ipv6CidrBlockState");
    ck_assert(strncmp(S(s6, "AssociationId"), "subnet-cidr-assoc-", 18) == 0);
    ck_assert_str_eq(S(s6, "Ipv6CidrBlock"), v6);
    ck_assert_str_eq(S(s6, "Ipv6CidrBlockState.State"), "associated");
    ERR("CreateSubnet", J("%s\"10.1.3.0/24\",\"Ipv6CidrBlock\":\"%s\"}", p, v6), "InvalidSubnet.Conflict", NULL);
    ERR("CreateSubnet", J("%s\"10.1.3.0/24\",\"Ipv6CidrBlock\":\"10.0.0.0/16\"}", p), "InvalidParameterValue", NULL);
    /* A secondary CIDR makes room for subnets. */
    OK("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.9.0.0/16\"}", v));
    mksubnet(v, "10.9.0.0/24");
    ck_assert_int_eq(N(OK("DescribeSubnets", NULL), "Subnets"), 3);
}
END_TEST

START_TEST(describe_and_delete_subnets)
{
    const char *v1 = mkvpc("10.1.0.0/16"), *v2 = mkvpc("10.2.0.0/16");
    const char *a = mksubnet(v1, "10.1.1.0/24"), *b = mksubnet(v1, "10.1.2.0/24"), *c = mksubnet(v2, "10.2.1.0/24");
    OK("CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"busy\",\"Value\":\"yes\"}]}", b));
#define SF(f) ids_of(OK("DescribeSubnets", J("{\"Filters\":%s}", f)), "Subnets", "SubnetId")
    ck_assert_str_eq(SF(J("[{\"Name\":\"vpc-id\",\"Values\":[\"%s\"]}]", v1)), J("%s,%s", a, b));
    ck_assert_str_eq(SF("[{\"Name\":\"cidr-block\",\"Values\":[\"10.*.1.0/24\"]}]"), J("%s,%s", a, c));
    ck_assert_str_eq(SF("[{\"Name\":\"availability-zone\",\"Values\":[\"" REGION "a\"]},"
                        "{\"Name\":\"tag:busy\",\"Values\":[\"yes\"]}]"), b);
    ck_assert_str_eq(SF("[{\"Name\":\"availability-zone-id\",\"Values\":[\"apne1-az1\"]}]"), J("%s,%s,%s", a, b, c));
    ck_assert_str_eq(SF(J("[{\"Name\":\"subnet-id\",\"Values\":[\"%s\",\"%s\"]}]", c, a)), J("%s,%s", a, c));
    ck_assert_str_eq(SF("[{\"Name\":\"default-for-az\",\"Values\":[\"true\"]}]"), "");
    ck_assert_str_eq(SF("[{\"Name\":\"state\",\"Values\":[\"available\"]},{\"Name\":\"owner-id\",\"Values\":[\"" ACCT "\"]}]"),
                     J("%s,%s,%s", a, b, c));
    ck_assert_str_eq(SF("[{\"Name\":\"available-ip-address-count\",\"Values\":[\"251\"]}]"), J("%s,%s,%s", a, b, c));
    ck_assert_str_eq(SF("[{\"Name\":\"ipv6-cidr-block-association.ipv6-cidr-block\",\"Values\":[\"*\"]}]"), "");
#undef SF
    ERR("DescribeSubnets", "{\"Filters\":[{\"Name\":\"zone\",\"Values\":[\"x\"]}]}", "InvalidParameterValue",
        "The filter 'zone' is invalid");
    ERR("DescribeSubnets", "{\"SubnetIds\":[\"subnet-0123456789abcdef0\",\"subnet-11111111\"]}",
        "InvalidSubnetID.NotFound", "The subnet IDs 'subnet-0123456789abcdef0, subnet-11111111' do not exist");

    ERR("DeleteSubnet", "{\"SubnetId\":\"subnet-0123456789abcdef0\"}", "InvalidSubnetID.NotFound",
        "The subnet ID 'subnet-0123456789abcdef0' does not exist");
    ERR("DeleteSubnet", "{\"SubnetId\":\"sub\"}", "InvalidSubnetID.Malformed",
        "Invalid id: \"sub\" (expecting \"subnet-...\")");
    ERR("DeleteSubnet", "{}", "MissingParameter", "The request must contain the parameter SubnetId");
    /* The instances hook (here: the test module) can refuse. */
    ERR("DeleteSubnet", J("{\"SubnetId\":\"%s\"}", b), "DependencyViolation",
        J("The subnet '%s' has dependencies and cannot be deleted.", b));
    ck_assert_ptr_null(OK("DeleteSubnet", J("{\"SubnetId\":\"%s\"}", a)));
    ck_assert_str_eq(ids_of(OK("DescribeSubnets", NULL), "Subnets", "SubnetId"), J("%s,%s", b, c));
}
END_TEST

/* --- route tables -------------------------------------------------------------------- */

START_TEST(route_tables)
{
    const char *v = mkvpc("10.1.0.0/16");
    vs_json_t *o = OK("DescribeRouteTables", NULL);
    ck_assert_str_eq(fx_keys(o), "RouteTables");
    const vs_json_t *t = P(o, "RouteTables.0");
    ck_assert_str_eq(fx_keys(t), "Associations,PropagatingVgws,RouteTableId,Routes,Tags,VpcId,OwnerId");
    const char *rtb = S(t, "RouteTableId");
    ck_assert(strncmp(rtb, "rtb-", 4) == 0 && strlen(rtb) == 21);
    ck_assert_str_eq(S(t, "VpcId"), v);
    ck_assert_str_eq(S(t, "OwnerId"), ACCT);
    ck_assert_int_eq(N(t, "PropagatingVgws"), 0);
    ck_assert_int_eq(N(t, "Tags"), 0);
    const vs_json_t *a = P(t, "Associations.0");
    ck_assert_str_eq(fx_keys(a), "Main,RouteTableAssociationId,RouteTableId,AssociationState");
    ck_assert(vs_json_as_bool(P(a, "Main"), false));
    ck_assert(strncmp(S(a, "RouteTableAssociationId"), "rtbassoc-", 9) == 0);
    ck_assert_int_eq(strlen(S(a, "RouteTableAssociationId")), 26);
    ck_assert_str_eq(S(a, "RouteTableId"), rtb);
    ck_assert_str_eq(S(a, "AssociationState.State"), "associated");
    ck_assert_int_eq(N(t, "Routes"), 1);
    ck_assert_str_eq(fx_keys(P(t, "Routes.0")), "DestinationCidrBlock,GatewayId,Origin,State");
    ck_assert_str_eq(S(t, "Routes.0.DestinationCidrBlock"), "10.1.0.0/16");
    ck_assert_str_eq(S(t, "Routes.0.GatewayId"), "local");
    ck_assert_str_eq(S(t, "Routes.0.Origin"), "CreateRouteTable");
    ck_assert_str_eq(S(t, "Routes.0.State"), "active");

    const char *v2 = mkvpc("10.2.0.0/16");
    (void)v2;
#define RF(f) ids_of(OK("DescribeRouteTables", J("{\"Filters\":%s}", f)), "RouteTables", "RouteTableId")
    ck_assert_str_eq(RF(J("[{\"Name\":\"vpc-id\",\"Values\":[\"%s\"]}]", v)), rtb);
    ck_assert_str_eq(RF("[{\"Name\":\"association.main\",\"Values\":[\"false\"]}]"), "");
    ck_assert_str_eq(RF("[{\"Name\":\"route.destination-cidr-block\",\"Values\":[\"10.1.0.0/16\"]}]"), rtb);
    ck_assert_str_eq(RF("[{\"Name\":\"route.gateway-id\",\"Values\":[\"local\"]},"
                        "{\"Name\":\"route.state\",\"Values\":[\"active\"]},"
                        "{\"Name\":\"route.origin\",\"Values\":[\"CreateRouteTable\"]}]"),
                     ids_of(OK("DescribeRouteTables", NULL), "RouteTables", "RouteTableId"));
    ck_assert_str_eq(RF(J("[{\"Name\":\"association.route-table-association-id\",\"Values\":[\"%s\"]}]",
                          S(a, "RouteTableAssociationId"))), rtb);
    ck_assert_str_eq(RF("[{\"Name\":\"route.vpc-peering-connection-id\",\"Values\":[\"*\"]}]"), "");
#undef RF
    ERR("DescribeRouteTables", "{\"RouteTableIds\":[\"rtb-0123456789abcdef0\"]}", "InvalidRouteTableID.NotFound",
        "The routeTable ID 'rtb-0123456789abcdef0' does not exist");
    /* NextToken comes after the list here. */
    for (int i = 3; i <= 7; i++)
        mkvpc(J("10.%d.0.0/16", i));
    o = OK("DescribeRouteTables", "{\"MaxResults\":5}");
    ck_assert_str_eq(fx_keys(o), "RouteTables,NextToken");
}
END_TEST

/* --- paging -------------------------------------------------------------------------- */

START_TEST(paging)
{
    const char *ids[8];
    for (int i = 0; i < 8; i++)
        ids[i] = mkvpc(J("10.%d.0.0/16", i + 1));
    vs_json_t *p1 = OK("DescribeVpcs", "{\"MaxResults\":5}");
    ck_assert_str_eq(fx_keys(p1), "NextToken,Vpcs");
    ck_assert_str_eq(ids_of(p1, "Vpcs", "VpcId"), J("%s,%s,%s,%s,%s", ids[0], ids[1], ids[2], ids[3], ids[4]));
    const char *tok = S(p1, "NextToken");
    /* An object deleted between pages neither repeats nor shifts them. */
    OK("DeleteVpc", J("{\"VpcId\":\"%s\"}", ids[2]));
    OK("DeleteVpc", J("{\"VpcId\":\"%s\"}", ids[5]));
    vs_json_t *p2 = OK("DescribeVpcs", J("{\"MaxResults\":5,\"NextToken\":\"%s\"}", tok));
    ck_assert_str_eq(fx_keys(p2), "Vpcs");
    ck_assert_str_eq(ids_of(p2, "Vpcs", "VpcId"), J("%s,%s", ids[6], ids[7]));
    /* Exactly a page: no token. */
    ck_assert_str_eq(fx_keys(OK("DescribeVpcs", "{\"MaxResults\":6}")), "Vpcs");
    /* Paging applies after filters. */
    vs_json_t *f1 = OK("DescribeVpcs", "{\"MaxResults\":5,\"Filters\":[{\"Name\":\"cidr\",\"Values\":[\"10.?.0.0/16\"]}]}");
    ck_assert_int_eq(N(f1, "Vpcs"), 5);
    vs_json_t *f2 = OK("DescribeVpcs", J("{\"MaxResults\":5,\"NextToken\":\"%s\",\"Filters\":[{\"Name\":\"cidr\","
                                         "\"Values\":[\"10.?.0.0/16\"]}]}", S(f1, "NextToken")));
    ck_assert_int_eq(N(f2, "Vpcs"), 1);
    ERR("DescribeVpcs", "{\"MaxResults\":4}", "InvalidParameterValue",
        "Value ( 4 ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.");
    ERR("DescribeVpcs", "{\"MaxResults\":1001}", "InvalidParameterValue", NULL);
    ERR("DescribeVpcs", "{\"NextToken\":\"garbage\"}", "InvalidPaginationToken",
        "The specified pagination token is not valid or is expired.");
    char bad[64];
    snprintf(bad, sizeof bad, "%s", tok);
    bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == '0' ? '1' : '0';
    ERR("DescribeVpcs", J("{\"NextToken\":\"%s\"}", bad), "InvalidPaginationToken", NULL);
    /* An empty token is the first page. */
    ck_assert_int_eq(N(OK("DescribeVpcs", "{\"NextToken\":\"\"}"), "Vpcs"), 6);
    ck_assert_int_eq(N(OK("DescribeSubnets", "{\"MaxResults\":5}"), "Subnets"), 0);
}
END_TEST

START_TEST(route_helpers)
{
    const char *v = mkvpc("10.1.0.0/16");
    const char *rtb = S(OK("DescribeRouteTables", NULL), "RouteTables.0.RouteTableId");
    OK("TestRoute", J("{\"RouteTableId\":\"%s\",\"Dest\":\"10.2.0.0/24\",\"Pcx\":\"pcx-0123456789abcdef0\"}", rtb));
    const vs_json_t *t = describe_one("DescribeRouteTables", "RouteTableIds", "RouteTables", rtb);
    ck_assert_str_eq(fx_keys(P(t, "Routes.1")), "DestinationCidrBlock,Origin,State,VpcPeeringConnectionId");
    ck_assert_str_eq(S(t, "Routes.1.State"), "blackhole");
    ck_assert_str_eq(ids_of(OK("DescribeRouteTables", "{\"Filters\":[{\"Name\":\"route.vpc-peering-connection-id\","
                                                      "\"Values\":[\"pcx-*\"]}]}"), "RouteTables", "RouteTableId"), rtb);
    /* A VPC CIDR may be more specific than a route, not equal or larger. */
    ERR("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.2.0.0/16\"}", v), "InvalidVpc.Range",
        J("The CIDR '10.2.0.0/16' conflicts with route 10.2.0.0/24 in route table %s", rtb));
    OK("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.2.0.0/25\"}", v));
    t = describe_one("DescribeRouteTables", "RouteTableIds", "RouteTables", rtb);
    ck_assert_int_eq(N(t, "Routes"), 3);
    /* Routes persist with their targets. */
    store_t st = { 0 };
    vs_model_flush(g_m, st_put, &st);
    vs_model_t *m2 = st_reload(&st);
    ck_assert_str_eq(dump_on(m2, "DescribeRouteTables", NULL), dump_on(g_m, "DescribeRouteTables", NULL));
    vs_model_destroy(&m2);
    st_free(&st);
    /* A second table gets every local route, and blocks DeleteVpc. */
    vs_json_t *o = OK("TestRouteTable", J("{\"VpcId\":\"%s\"}", v));
    ck_assert_int_eq(N(o, "RouteTable.Associations"), 0);
    ck_assert_int_eq(N(o, "RouteTable.Routes"), 2);
    ERR("DeleteVpc", J("{\"VpcId\":\"%s\"}", v), "DependencyViolation", NULL);
    ck_assert_str_eq(ids_of(OK("DescribeRouteTables", "{\"Filters\":[{\"Name\":\"association.main\","
                                                      "\"Values\":[\"true\",\"false\"]}]}"),
                            "RouteTables", "RouteTableId"), rtb);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("model_net");
    TCase *tc = tcase_create("net");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, create_subnet_shape);
    tcase_add_test(tc, create_subnet_errors);
    tcase_add_test(tc, describe_and_delete_subnets);
    tcase_add_test(tc, route_tables);
    tcase_add_test(tc, route_helpers);
    tcase_add_test(tc, paging);
    suite_add_tcase(s, tc);
    return s;
}
