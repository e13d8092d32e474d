/* Unit tests of internet gateways, route tables, their associations and
 * routes (CreateRoute / ReplaceRoute / DeleteRoute) through the model's
 * API, and of the exported route lookup. check_route_pcx.c has routes to
 * peering connections and their states. */
#include "check_route_fixture.h"

/* --- internet gateways -------------------------------------------------------------- */

START_TEST(igw_lifecycle)
{
    vs_json_t *o = OK("CreateInternetGateway",
                      "{\"TagSpecifications\":[{\"ResourceType\":\"internet-gateway\","
                      "\"Tags\":[{\"Key\":\"Name\",\"Value\":\"gw\"}]}]}");
    ck_assert_str_eq(fx_keys(o), "InternetGateway");
    const vs_json_t *g = P(o, "InternetGateway");
    ck_assert_str_eq(fx_keys(g), "Attachments,InternetGatewayId,OwnerId,Tags");
    const char *igw = S(g, "InternetGatewayId");
    ck_assert(strncmp(igw, "igw-", 4) == 0 && strlen(igw) == 21);
    ck_assert_int_eq(N(g, "Attachments"), 0);
    ck_assert_str_eq(S(g, "OwnerId"), ACCT);
    ck_assert_str_eq(S(g, "Tags.0.Value"), "gw");
    /* Without tags the list is printed empty. */
    const char *igw2 = mkigw();
    ck_assert_int_eq(N(describe_one("DescribeInternetGateways", "InternetGatewayIds", "InternetGateways", igw2),
                       "Tags"), 0);
    ERR("CreateInternetGateway", "{\"TagSpecifications\":[{\"ResourceType\":\"vpc\",\"Tags\":[{\"Key\":\"a\"}]}]}",
        "InvalidParameterValue", "'vpc' is not a valid taggable resource type for this operation.");
    ERR("CreateInternetGateway", "{\"DryRun\":true}", "DryRunOperation", NULL);
    ck_assert_int_eq(N(OK("DescribeInternetGateways", NULL), "InternetGateways"), 2);

    const char *v = mkvpc("10.1.0.0/16"), *v2 = mkvpc("10.2.0.0/16");
    const char *att = J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\"}", igw, v);
    ERR("AttachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\",\"DryRun\":true}", igw, v),
        "DryRunOperation", NULL);
    ck_assert_ptr_null(OK("AttachInternetGateway", att));
    g = describe_one("DescribeInternetGateways", "InternetGatewayIds", "InternetGateways", igw);
    ck_assert_int_eq(N(g, "Attachments"), 1);
    ck_assert_str_eq(fx_keys(P(g, "Attachments.0")), "State,VpcId");
    ck_assert_str_eq(S(g, "Attachments.0.State"), "available");
    ck_assert_str_eq(S(g, "Attachments.0.VpcId"), v);

    /* One gateway per VPC, one VPC per gateway. */
    ERR("AttachInternetGateway", att, "Resource.AlreadyAssociated",
        J("resource %s is already attached to network %s", igw, v));
    ERR("AttachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\"}", igw, v2),
        "Resource.AlreadyAssociated", J("resource %s is already attached to network %s", igw, v));
    ERR("AttachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\"}", igw2, v),
        "Resource.AlreadyAssociated", J("resource %s is already attached to network %s", igw, v));
    ERR("AttachInternetGateway", J("{\"InternetGatewayId\":\"igw-0123456789abcdef0\",\"VpcId\":\"%s\"}", v),
        "InvalidInternetGatewayID.NotFound", "The internetGateway ID 'igw-0123456789abcdef0' does not exist");
    ERR("AttachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"vpc-0123456789abcdef0\"}", igw2),
        "InvalidVpcID.NotFound", "The vpc ID 'vpc-0123456789abcdef0' does not exist");
    ERR("AttachInternetGateway", J("{\"InternetGatewayId\":\"%s\"}", igw2), "MissingParameter",
        "The request must contain the parameter VpcId");
    /* Another account does not see the gateway. */
    const fx_res_t *r = fx_call(OTHER, "AttachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\"}", igw2, v2));
    ck_assert(!r->ok);
    ck_assert_str_eq(r->code, "InvalidInternetGatewayID.NotFound");

    /* An attached gateway is a dependency of its VPC and cannot be deleted. */
    ERR("DeleteVpc", J("{\"VpcId\":\"%s\"}", v), "DependencyViolation",
        J("The vpc '%s' has dependencies and cannot be deleted.", v));
    ERR("DeleteInternetGateway", J("{\"InternetGatewayId\":\"%s\"}", igw), "DependencyViolation",
        J("The internetGateway '%s' has dependencies and cannot be deleted.", igw));

    /* Filters. */
#define GF(f) ids_of(OK("DescribeInternetGateways", J("{\"Filters\":%s}", f)), "InternetGateways", "InternetGatewayId")
    ck_assert_str_eq(GF(J("[{\"Name\":\"attachment.vpc-id\",\"Values\":[\"%s\"]}]", v)), igw);
    ck_assert_str_eq(GF("[{\"Name\":\"attachment.state\",\"Values\":[\"available\"]}]"), igw);
    ck_assert_str_eq(GF(J("[{\"Name\":\"internet-gateway-id\",\"Values\":[\"%s\"]}]", igw2)), igw2);
    ck_assert_str_eq(GF("[{\"Name\":\"tag:Name\",\"Values\":[\"gw\"]}]"), igw);
    ck_assert_str_eq(GF("[{\"Name\":\"owner-id\",\"Values\":[\"" ACCT "\"]}]"), J("%s,%s", igw, igw2));

    /* Detach: only from the VPC it is attached to. */
    ERR("DetachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\"}", igw, v2), "Gateway.NotAttached",
        J("resource %s is not attached to network %s", igw, v2));
    OK("DetachInternetGateway", att);
    ck_assert_int_eq(N(describe_one("DescribeInternetGateways", "InternetGatewayIds", "InternetGateways", igw),
                       "Attachments"), 0);
    OK("AttachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\"}", igw2, v));

    /* Gateways and attachments survive a restart. */
    store_t st = { 0 };
    vs_model_flush(g_m, st_put, &st);
    vs_model_t *m2 = st_reload(&st);
    ck_assert_str_eq(dump_on(m2, "DescribeInternetGateways", NULL), dump_on(g_m, "DescribeInternetGateways", NULL));
    vs_model_destroy(&m2);
    st_free(&st);

    OK("DeleteInternetGateway", J("{\"InternetGatewayId\":\"%s\"}", igw));
    ERR("DeleteInternetGateway", J("{\"InternetGatewayId\":\"%s\"}", igw), "InvalidInternetGatewayID.NotFound", NULL);
    OK("DetachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\"}", igw2, v));
    OK("DeleteVpc", J("{\"VpcId\":\"%s\"}", v));
}
END_TEST

/* --- route tables and associations ---------------------------------------------------- */

START_TEST(route_table_create_delete)
{
    const char *v = mkvpc("10.1.0.0/16");
    OK("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"AmazonProvidedIpv6CidrBlock\":true}", v));
    vs_json_t *o = OK("CreateRouteTable", J("{\"VpcId\":\"%s\",\"TagSpecifications\":[{\"ResourceType\":"
                                            "\"route-table\",\"Tags\":[{\"Key\":\"Name\",\"Value\":\"t\"}]}]}", v));
    ck_assert_str_eq(fx_keys(o), "RouteTable");
    const vs_json_t *t = P(o, "RouteTable");
    ck_assert_str_eq(fx_keys(t), "Associations,PropagatingVgws,RouteTableId,Routes,Tags,VpcId,OwnerId");
    ck_assert_int_eq(N(t, "Associations"), 0);
    ck_assert_str_eq(S(t, "VpcId"), v);
    ck_assert_str_eq(S(t, "Tags.0.Value"), "t");
    /* The local routes of every VPC block, IPv4 first. */
    ck_assert_int_eq(N(t, "Routes"), 2);
    ck_assert_str_eq(fx_keys(P(t, "Routes.0")), "DestinationCidrBlock,GatewayId,Origin,State");
    ck_assert_str_eq(S(t, "Routes.0.DestinationCidrBlock"), "10.1.0.0/16");
    ck_assert_str_eq(S(t, "Routes.0.GatewayId"), "local");
    ck_assert_str_eq(S(t, "Routes.0.Origin"), "CreateRouteTable");
    ck_assert_str_eq(S(t, "Routes.0.State"), "active");
    ck_assert_str_eq(fx_keys(P(t, "Routes.1")), "DestinationIpv6CidrBlock,GatewayId,Origin,State");
    ck_assert_str_eq(S(t, "Routes.1.GatewayId"), "local");
    const char *rtb = S(t, "RouteTableId");
    ck_assert_str_eq(fx_keys(describe_one("DescribeRouteTables", "RouteTableIds", "RouteTables", rtb)), fx_keys(t));

    /* ClientToken is echoed only when given. */
    o = OK("CreateRouteTable", J("{\"VpcId\":\"%s\",\"ClientToken\":\"tok-1\"}", v));
    ck_assert_str_eq(fx_keys(o), "RouteTable,ClientToken");
    ck_assert_str_eq(S(o, "ClientToken"), "tok-1");
    const char *rtb2 = S(o, "RouteTable.RouteTableId");

    ERR("CreateRouteTable", "{}", "MissingParameter", "The request must contain the parameter VpcId");
    ERR("CreateRouteTable", "{\"VpcId\":\"vpc-0123456789abcdef0\"}", "InvalidVpcID.NotFound", NULL);
    ERR("CreateRouteTable", J("{\"VpcId\":\"%s\",\"TagSpecifications\":[{\"ResourceType\":\"vpc\",\"Tags\":"
                              "[{\"Key\":\"a\"}]}]}", v), "InvalidParameterValue", NULL);
    ERR("CreateRouteTable", J("{\"VpcId\":\"%s\",\"DryRun\":true}", v), "DryRunOperation", NULL);
    ck_assert_int_eq(N(OK("DescribeRouteTables", NULL), "RouteTables"), 3);

    /* The main table cannot be deleted, nor a table with an association. */
    const char *main = main_rtb(v);
    ERR("DeleteRouteTable", J("{\"RouteTableId\":\"%s\"}", main), "DependencyViolation",
        J("The routeTable '%s' has dependencies and cannot be deleted.", main));
    const char *sub = mksubnet(v, "10.1.1.0/24");
    OK("AssociateRouteTable", J("{\"RouteTableId\":\"%s\",\"SubnetId\":\"%s\"}", rtb2, sub));
    ERR("DeleteRouteTable", J("{\"RouteTableId\":\"%s\"}", rtb2), "DependencyViolation",
        J("The routeTable '%s' has dependencies and cannot be deleted.", rtb2));
    ERR("DeleteVpc", J("{\"VpcId\":\"%s\"}", v), "DependencyViolation", NULL);
    ERR("DeleteRouteTable", J("{\"RouteTableId\":\"%s\",\"DryRun\":true}", rtb), "DryRunOperation", NULL);
    OK("DeleteRouteTable", J("{\"RouteTableId\":\"%s\"}", rtb));
    ERR("DeleteRouteTable", J("{\"RouteTableId\":\"%s\"}", rtb), "InvalidRouteTableID.NotFound",
        J("The routeTable ID '%s' does not exist", rtb));
    ERR("DeleteRouteTable", "{\"RouteTableId\":\"rtb-x\"}", "InvalidRouteTableID.Malformed", NULL);
    /* Deleting the subnet drops its association; then the table can go. */
    OK("DeleteSubnet", J("{\"SubnetId\":\"%s\"}", sub));
    OK("DeleteRouteTable", J("{\"RouteTableId\":\"%s\"}", rtb2));
    OK("DeleteVpc", J("{\"VpcId\":\"%s\"}", v));
    ck_assert_int_eq(N(OK("DescribeRouteTables", NULL), "RouteTables"), 0);
}
END_TEST

START_TEST(associations)
{
    const char *v = mkvpc("10.1.0.0/16"), *v2 = mkvpc("10.2.0.0/16");
    const char *a = mksubnet(v, "10.1.1.0/24"), *b = mksubnet(v, "10.1.2.0/24"), *c = mksubnet(v2, "10.2.1.0/24");
    const char *main = main_rtb(v), *t1 = mkrtb(v), *t2 = mkrtb(v);
    /* Without an explicit association a subnet uses the main table. */
    ck_assert_str_eq(table_of(a), main);
    ck_assert_str_eq(table_of(c), main_rtb(v2));

    vs_json_t *o = OK("AssociateRouteTable", J("{\"RouteTableId\":\"%s\",\"SubnetId\":\"%s\"}", t1, a));
    ck_assert_str_eq(fx_keys(o), "AssociationId,AssociationState");
    const char *assoc = S(o, "AssociationId");
    ck_assert(strncmp(assoc, "rtbassoc-", 9) == 0 && strlen(assoc) == 26);
    ck_assert_str_eq(fx_keys(P(o, "AssociationState")), "State");
    ck_assert_str_eq(S(o, "AssociationState.State"), "associated");
    ck_assert_str_eq(table_of(a), t1);
    ck_assert_str_eq(table_of(b), main);
    const vs_json_t *t = describe_one("DescribeRouteTables", "RouteTableIds", "RouteTables", t1);
    ck_assert_str_eq(fx_keys(P(t, "Associations.0")), "Main,RouteTableAssociationId,RouteTableId,SubnetId,AssociationState");
    ck_assert(!vs_json_as_bool(P(t, "Associations.0.Main"), true));
    ck_assert_str_eq(S(t, "Associations.0.SubnetId"), a);

    /* One explicit association per subnet, in the subnet's own VPC. */
    ERR("AssociateRouteTable", J("{\"RouteTableId\":\"%s\",\"SubnetId\":\"%s\"}", t2, a), "Resource.AlreadyAssociated",
        J("the specified association for route table %s conflicts with an existing association", t2));
    ERR("AssociateRouteTable", J("{\"RouteTableId\":\"%s\",\"SubnetId\":\"%s\"}", t1, a), "Resource.AlreadyAssociated", NULL);
    ERR("AssociateRouteTable", J("{\"RouteTableId\":\"%s\",\"SubnetId\":\"%s\"}", t1, c), "InvalidParameterValue",
        J("route table %s and subnet %s belong to different networks", t1, c));
    ERR("AssociateRouteTable", J("{\"RouteTableId\":\"%s\",\"SubnetId\":\"subnet-0123456789abcdef0\"}", t1),
        "InvalidSubnetID.NotFound", "The subnet ID 'subnet-0123456789abcdef0' does not exist");
    ERR("AssociateRouteTable", J("{\"SubnetId\":\"%s\"}", b), "MissingParameter", NULL);
    ERR("AssociateRouteTable", J("{\"RouteTableId\":\"%s\"}", t1), "MissingParameter", NULL);
    ERR("AssociateRouteTable", J("{\"RouteTableId\":\"%s\",\"SubnetId\":\"%s\",\"GatewayId\":\"igw-0123456789abcdef0\"}", t1, b),
        "InvalidParameterCombination", NULL);
    ERR("AssociateRouteTable", J("{\"RouteTableId\":\"%s\",\"SubnetId\":\"%s\",\"DryRun\":true}", t1, b),
        "DryRunOperation", NULL);
    ck_assert_str_eq(table_of(b), main);

    /* Association filters. */
    ck_assert_str_eq(RF(J("[{\"Name\":\"association.subnet-id\",\"Values\":[\"%s\"]}]", a)), t1);
    ck_assert_str_eq(RF(J("[{\"Name\":\"association.route-table-association-id\",\"Values\":[\"%s\"]}]", assoc)), t1);
    ck_assert_str_eq(RF(J("[{\"Name\":\"association.route-table-id\",\"Values\":[\"%s\",\"%s\"]}]", t1, t2)), t1);
    ck_assert_str_eq(RF(J("[{\"Name\":\"association.main\",\"Values\":[\"false\"]},"
                          "{\"Name\":\"vpc-id\",\"Values\":[\"%s\"]}]", v)), t1);
    ck_assert_str_eq(RF(J("[{\"Name\":\"vpc-id\",\"Values\":[\"%s\"]}]", v)), J("%s,%s,%s", main, t1, t2));
    ck_assert_str_eq(RF("[{\"Name\":\"owner-id\",\"Values\":[\"" OTHER "\"]}]"), "");
    OK("CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"tier\",\"Value\":\"db\"}]}", t2));
    ck_assert_str_eq(RF("[{\"Name\":\"tag:tier\",\"Values\":[\"db\"]}]"), t2);
    ck_assert_str_eq(RF("[{\"Name\":\"tag-key\",\"Values\":[\"tier\"]}]"), t2);

    /* ReplaceRouteTableAssociation moves a subnet to another table. */
    o = OK("ReplaceRouteTableAssociation", J("{\"AssociationId\":\"%s\",\"RouteTableId\":\"%s\"}", assoc, t2));
    ck_assert_str_eq(fx_keys(o), "NewAssociationId,AssociationState");
    const char *assoc2 = S(o, "NewAssociationId");
    ck_assert_str_ne(assoc2, assoc);
    ck_assert_str_eq(table_of(a), t2);
    ck_assert_int_eq(N(describe_one("DescribeRouteTables", "RouteTableIds", "RouteTables", t1), "Associations"), 0);
    ERR("ReplaceRouteTableAssociation", J("{\"AssociationId\":\"%s\",\"RouteTableId\":\"%s\"}", assoc, t1),
        "InvalidAssociationID.NotFound", J("The association ID '%s' does not exist", assoc));
    ERR("ReplaceRouteTableAssociation", J("{\"AssociationId\":\"%s\",\"RouteTableId\":\"%s\"}", assoc2, main_rtb(v2)),
        "InvalidParameterValue", J("route table %s and subnet %s belong to different networks", main_rtb(v2), a));

    /* ... and the main association to another table, which becomes main. */
    const char *main_assoc = S(describe_one("DescribeRouteTables", "RouteTableIds", "RouteTables", main),
                               "Associations.0.RouteTableAssociationId");
    ERR("DisassociateRouteTable", J("{\"AssociationId\":\"%s\"}", main_assoc), "InvalidParameterValue",
        J("cannot disassociate the main route table association %s", main_assoc));
    OK("ReplaceRouteTableAssociation", J("{\"AssociationId\":\"%s\",\"RouteTableId\":\"%s\"}", main_assoc, t1));
    ck_assert_str_eq(main_rtb(v), t1);
    ck_assert_str_eq(table_of(b), t1);
    OK("DeleteRouteTable", J("{\"RouteTableId\":\"%s\"}", main));

    /* Disassociate: back to the (new) main table. */
    ERR("DisassociateRouteTable", "{\"AssociationId\":\"rtbassoc-0123456789abcdef0\"}", "InvalidAssociationID.NotFound",
        "The association ID 'rtbassoc-0123456789abcdef0' does not exist");
    const fx_res_t *r = fx_call(OTHER, "DisassociateRouteTable", J("{\"AssociationId\":\"%s\"}", assoc2));
    ck_assert(!r->ok);
    ck_assert_str_eq(r->code, "InvalidAssociationID.NotFound");
    ERR("DisassociateRouteTable", J("{\"AssociationId\":\"%s\",\"DryRun\":true}", assoc2), "DryRunOperation", NULL);
    ck_assert_ptr_null(OK("DisassociateRouteTable", J("{\"AssociationId\":\"%s\"}", assoc2)));
    ck_assert_str_eq(table_of(a), t1);
    OK("AssociateRouteTable", J("{\"RouteTableId\":\"%s\",\"SubnetId\":\"%s\"}", t2, a));

    /* Associations survive a restart. */
    store_t st = { 0 };
    vs_model_flush(g_m, st_put, &st);
    vs_model_t *m2 = st_reload(&st);
    ck_assert_str_eq(dump_on(m2, "DescribeRouteTables", NULL), dump_on(g_m, "DescribeRouteTables", NULL));
    ck_assert_str_eq(lookup_on(m2, a, "10.1.9.9"), "10.1.0.0/16 -> local");
    vs_model_destroy(&m2);
    st_free(&st);
}
END_TEST

/* --- routes to internet gateways and the route rules --------------------------------------- */

START_TEST(igw_routes)
{
    const char *v = mkvpc("10.1.0.0/16"), *v2 = mkvpc("10.2.0.0/16");
    const char *sub = mksubnet(v, "10.1.1.0/24");
    const char *rtb = main_rtb(v), *igw = mkigw(), *igw2 = mkigw();
    const char *def = J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"0.0.0.0/0\",\"GatewayId\":\"%s\"}", rtb, igw);
    /* A gateway that is not attached to the table's VPC is another network. */
    ERR("CreateRoute", def, "InvalidParameterValue",
        J("route table %s and network gateway %s belong to different networks", rtb, igw));
    OK("AttachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\"}", igw2, v2));
    ERR("CreateRoute", J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"0.0.0.0/0\",\"GatewayId\":\"%s\"}", rtb, igw2),
        "InvalidParameterValue", J("route table %s and network gateway %s belong to different networks", rtb, igw2));
    ERR("CreateRoute", J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"0.0.0.0/0\",\"GatewayId\":\"igw-0123456789abcdef0\"}", rtb),
        "InvalidGatewayID.NotFound", "The gateway ID 'igw-0123456789abcdef0' does not exist");
    ERR("CreateRoute", J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"0.0.0.0/0\",\"GatewayId\":\"nat-0b08ff466280436f1\"}", rtb),
        "InvalidGatewayID.NotFound", "The gateway ID 'nat-0b08ff466280436f1' does not exist");

    OK("AttachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\"}", igw, v));
    ck_assert_str_eq(lookup(sub, "8.8.8.8"), "none");
    vs_json_t *o = OK("CreateRoute", def);
    ck_assert_str_eq(fx_keys(o), "Return");
    ck_assert(vs_json_as_bool(P(o, "Return"), false));
    const vs_json_t *r = route_of(rtb, "0.0.0.0/0");
    ck_assert_str_eq(fx_keys(r), "DestinationCidrBlock,GatewayId,Origin,State");
    ck_assert_str_eq(S(r, "GatewayId"), igw);
    ck_assert_str_eq(S(r, "Origin"), "CreateRoute");
    ck_assert_str_eq(S(r, "State"), "active");
    ck_assert_str_eq(lookup(sub, "8.8.8.8"), J("0.0.0.0/0 -> %s", igw));
    ck_assert_str_eq(lookup(sub, "10.1.200.1"), "10.1.0.0/16 -> local");
    /* IPv4 routes never carry IPv6 traffic. */
    ck_assert_str_eq(lookup(sub, "2001:db8::1"), "none");

    /* Detached: the route stays and turns blackhole; attached again: active. */
    OK("DetachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\"}", igw, v));
    ck_assert_str_eq(state_of(rtb, "0.0.0.0/0"), "blackhole");
    ck_assert_str_eq(lookup(sub, "8.8.8.8"), J("0.0.0.0/0 -> %s (blackhole)", igw));
    ck_assert_str_eq(RF("[{\"Name\":\"route.state\",\"Values\":[\"blackhole\"]}]"), rtb);
    OK("AttachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\"}", igw, v));
    ck_assert_str_eq(state_of(rtb, "0.0.0.0/0"), "active");
    ck_assert_str_eq(RF("[{\"Name\":\"route.state\",\"Values\":[\"blackhole\"]}]"), "");
    ck_assert_str_eq(RF(J("[{\"Name\":\"route.gateway-id\",\"Values\":[\"%s\"]}]", igw)), rtb);
    ck_assert_str_eq(RF("[{\"Name\":\"route.origin\",\"Values\":[\"CreateRoute\"]}]"), rtb);
    ck_assert_str_eq(RF("[{\"Name\":\"route.destination-cidr-block\",\"Values\":[\"0.0.0.0/0\"]}]"), rtb);
    ck_assert_str_eq(RF(J("[{\"Name\":\"route-table-id\",\"Values\":[\"%s\"]}]", rtb)), rtb);
    /* A deleted gateway leaves a blackhole route behind. */
    OK("DetachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\"}", igw, v));
    OK("DeleteInternetGateway", J("{\"InternetGatewayId\":\"%s\"}", igw));
    ck_assert_str_eq(state_of(rtb, "0.0.0.0/0"), "blackhole");
    OK("DeleteRoute", J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"0.0.0.0/0\"}", rtb));
    ck_assert_ptr_null(route_of(rtb, "0.0.0.0/0"));
}
END_TEST

START_TEST(route_errors)
{
    const char *v = mkvpc("10.1.0.0/16");
    OK("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.5.0.0/16\"}", v));
    const char *rtb = main_rtb(v), *igw = mkigw();
    OK("AttachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\"}", igw, v));
    const char *p = J("{\"RouteTableId\":\"%s\",", rtb);
    const char *gw = J("\"GatewayId\":\"%s\"", igw);

    /* Destinations are canonicalised. */
    OK("CreateRoute", J("%s\"DestinationCidrBlock\":\"100.68.0.18/18\",%s}", p, gw));
    ck_assert_ptr_nonnull(route_of(rtb, "100.68.0.0/18"));
    ERR("CreateRoute", J("%s\"DestinationCidrBlock\":\"100.68.0.0/18\",%s}", p, gw), "RouteAlreadyExists",
        "The route identified by 100.68.0.0/18 already exists.");
    /* Overlapping but different destinations are fine. */
    OK("CreateRoute", J("%s\"DestinationCidrBlock\":\"100.68.0.0/24\",%s}", p, gw));
    /* The local route itself already exists; anything inside it is refused. */
    ERR("CreateRoute", J("%s\"DestinationCidrBlock\":\"10.1.0.0/16\",%s}", p, gw), "RouteAlreadyExists",
        "The route identified by 10.1.0.0/16 already exists.");
    ERR("CreateRoute", J("%s\"DestinationCidrBlock\":\"10.5.3.0/24\",%s}", p, gw), "InvalidParameterValue",
        "The destination CIDR block 10.5.3.0/24 is equal to or more specific than the local route 10.5.0.0/16 "
        "of this VPC. Such a route must match the CIDR block of a subnet and can target only a NAT gateway, "
        "network interface or Gateway Load Balancer endpoint.");
    /* A route may cover the VPC's blocks (less specific). */
    OK("CreateRoute", J("%s\"DestinationCidrBlock\":\"10.0.0.0/8\",%s}", p, gw));

    /* Reserved ranges. */
    ERR("CreateRoute", J("%s\"DestinationCidrBlock\":\"169.254.169.0/24\",%s}", p, gw), "InvalidParameterValue",
        "The destination CIDR block 169.254.169.0/24 is reserved: routes to 169.254.168.0/22 or a subset of it "
        "are not allowed.");
    ERR("CreateRoute", J("%s\"DestinationCidrBlock\":\"169.254.168.0/22\",%s}", p, gw), "InvalidParameterValue", NULL);
    ERR("CreateRoute", J("%s\"DestinationIpv6CidrBlock\":\"fd00:ec2::/64\",%s}", p, gw), "InvalidParameterValue", NULL);
    OK("CreateRoute", J("%s\"DestinationCidrBlock\":\"169.254.0.0/16\",%s}", p, gw));

    /* Exactly one destination, in the right family. */
    ERR("CreateRoute", J("%s%s}", p, gw), "MissingParameter",
        "The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock or "
        "destinationPrefixListId");
    ERR("CreateRoute", J("%s\"DestinationCidrBlock\":\"1.0.0.0/8\",\"DestinationIpv6CidrBlock\":\"::/0\",%s}", p, gw),
        "InvalidParameterCombination",
        "The parameter destinationCidrBlock cannot be used with the parameter destinationIpv6CidrBlock");
    ERR("CreateRoute", J("%s\"DestinationCidrBlock\":\"::/0\",%s}", p, gw), "InvalidParameterValue",
        "Value (::/0) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.");
    ERR("CreateRoute", J("%s\"DestinationIpv6CidrBlock\":\"0.0.0.0/0\",%s}", p, gw), "InvalidParameterValue",
        "Value (0.0.0.0/0) for parameter destinationIpv6CidrBlock is invalid. This is not a valid CIDR block.");
    ERR("CreateRoute", J("%s\"DestinationCidrBlock\":\"10.0.0.0/33\",%s}", p, gw), "InvalidParameterValue", NULL);
    ERR("CreateRoute", J("%s\"DestinationPrefixListId\":\"pl-12345678\",%s}", p, gw), "InvalidPrefixListID.NotFound",
        "The prefix list ID 'pl-12345678' does not exist");

    /* Exactly one supported target. */
    ERR("CreateRoute", J("%s\"DestinationCidrBlock\":\"1.0.0.0/8\"}", p), "MissingParameter", NULL);
    ERR("CreateRoute", J("%s\"DestinationCidrBlock\":\"1.0.0.0/8\",%s,\"VpcPeeringConnectionId\":\"pcx-0123456789abcdef0\"}", p, gw),
        "InvalidParameterCombination", "The parameter gatewayId cannot be used with the parameter vpcPeeringConnectionId");
    ERR("CreateRoute", J("%s\"DestinationCidrBlock\":\"1.0.0.0/8\",\"NatGatewayId\":\"nat-0123456789abcdef0\"}", p),
        "InvalidParameterValue", NULL);
    ERR("CreateRoute", J("%s\"DestinationCidrBlock\":\"1.0.0.0/8\",\"GatewayId\":\"local\"}", p), "InvalidParameterValue", NULL);
    /* LocalTarget belongs to ReplaceRoute only: CreateRoute ignores it. */
    ERR("CreateRoute", J("%s\"DestinationCidrBlock\":\"1.0.0.0/8\",\"LocalTarget\":true}", p), "MissingParameter", NULL);

    /* Table errors, other accounts and dry runs. */
    ERR("CreateRoute", J("{\"DestinationCidrBlock\":\"1.0.0.0/8\",%s}", gw), "MissingParameter",
        "The request must contain the parameter RouteTableId");
    ERR("CreateRoute", J("{\"RouteTableId\":\"rtb-0123456789abcdef0\",\"DestinationCidrBlock\":\"1.0.0.0/8\",%s}", gw),
        "InvalidRouteTableID.NotFound", "The routeTable ID 'rtb-0123456789abcdef0' does not exist");
    const fx_res_t *r = fx_call(OTHER, "CreateRoute", J("%s\"DestinationCidrBlock\":\"1.0.0.0/8\",%s}", p, gw));
    ck_assert(!r->ok);
    ck_assert_str_eq(r->code, "InvalidRouteTableID.NotFound");
    ERR("CreateRoute", J("%s\"DestinationCidrBlock\":\"1.0.0.0/8\",%s,\"DryRun\":true}", p, gw), "DryRunOperation", NULL);
    ck_assert_ptr_null(route_of(rtb, "1.0.0.0/8"));

    /* DeleteRoute and ReplaceRoute need an existing route, never the local one. */
    ERR("DeleteRoute", J("%s\"DestinationCidrBlock\":\"10.0.0.0/16\"}", p), "InvalidRoute.NotFound",
        J("no route with destination-cidr-block 10.0.0.0/16 in route table %s", rtb));
    ERR("DeleteRoute", J("%s\"DestinationIpv6CidrBlock\":\"2600::/64\"}", p), "InvalidRoute.NotFound",
        J("no route with destination-ipv6-cidr-block 2600::/64 in route table %s", rtb));
    ERR("DeleteRoute", J("%s\"DestinationCidrBlock\":\"10.1.0.0/16\"}", p), "InvalidParameterValue",
        J("cannot remove local route 10.1.0.0/16 in route table %s", rtb));
    ERR("DeleteRoute", J("{\"RouteTableId\":\"%s\"}", rtb), "MissingParameter", NULL);
    ERR("ReplaceRoute", J("%s\"DestinationCidrBlock\":\"10.0.0.0/16\",%s}", p, gw), "InvalidParameterValue",
        "There is no route defined for '10.0.0.0/16' in the route table. Use CreateRoute instead.");
    ERR("ReplaceRoute", J("%s\"DestinationCidrBlock\":\"10.5.0.0/16\",%s}", p, gw), "InvalidParameterValue",
        J("cannot remove local route 10.5.0.0/16 in route table %s", rtb));
    /* `local` may be restored on a local route (nothing changes), nowhere else. */
    ck_assert_ptr_null(OK("ReplaceRoute", J("%s\"DestinationCidrBlock\":\"10.1.0.0/16\",\"LocalTarget\":true}", p)));
    OK("ReplaceRoute", J("%s\"DestinationCidrBlock\":\"10.1.0.0/16\",\"GatewayId\":\"local\"}", p));
    ck_assert_str_eq(S(route_of(rtb, "10.1.0.0/16"), "GatewayId"), "local");
    ERR("ReplaceRoute", J("%s\"DestinationCidrBlock\":\"10.0.0.0/8\",\"LocalTarget\":true}", p), "InvalidParameterValue", NULL);
    ERR("ReplaceRoute", J("%s\"DestinationCidrBlock\":\"10.0.0.0/8\",\"LocalTarget\":true,%s}", p, gw),
        "InvalidParameterCombination", "The parameter localTarget cannot be used with the parameter gatewayId");
    ERR("DeleteRoute", J("%s\"DestinationCidrBlock\":\"10.0.0.0/8\",\"DryRun\":true}", p), "DryRunOperation", NULL);
    ck_assert_ptr_null(OK("DeleteRoute", J("%s\"DestinationCidrBlock\":\"10.0.0.0/8\"}", p)));
    ck_assert_ptr_null(route_of(rtb, "10.0.0.0/8"));
    /* DeleteRoute canonicalises too. */
    OK("DeleteRoute", J("%s\"DestinationCidrBlock\":\"100.68.0.99/24\"}", p));
    ck_assert_ptr_null(route_of(rtb, "100.68.0.0/24"));
}
END_TEST

/* 50 non-local routes per table and family. */
START_TEST(route_limit)
{
    const char *v = mkvpc("10.1.0.0/16");
    OK("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"AmazonProvidedIpv6CidrBlock\":true}", v));
    const char *rtb = main_rtb(v), *igw = mkigw();
    OK("AttachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\"}", igw, v));
    for (int i = 0; i < 50; i++)
        OK("CreateRoute", J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"172.16.%d.0/24\",\"GatewayId\":\"%s\"}",
                            rtb, i, igw));
    ERR("CreateRoute", J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"172.17.0.0/24\",\"GatewayId\":\"%s\"}", rtb, igw),
        "RouteLimitExceeded", "You've reached the limit on the number of routes that you can add to a route table.");
    /* IPv6 routes count separately. */
    OK("CreateRoute", J("{\"RouteTableId\":\"%s\",\"DestinationIpv6CidrBlock\":\"::/0\",\"GatewayId\":\"%s\"}", rtb, igw));
    const vs_json_t *r = route_of(rtb, "::/0");
    ck_assert_str_eq(fx_keys(r), "DestinationIpv6CidrBlock,GatewayId,Origin,State");
    ck_assert_str_eq(RF("[{\"Name\":\"route.destination-ipv6-cidr-block\",\"Values\":[\"::/0\"]}]"), rtb);
    /* Replacing does not add a route. */
    OK("ReplaceRoute", J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"172.16.0.0/24\",\"GatewayId\":\"%s\"}", rtb, igw));
    OK("DeleteRoute", J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"172.16.7.0/24\"}", rtb));
    OK("CreateRoute", J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"172.17.0.0/24\",\"GatewayId\":\"%s\"}", rtb, igw));
    /* Longest prefix over many routes, per family. */
    const char *sub = mksubnet(v, "10.1.1.0/24");
    ck_assert_str_eq(lookup(sub, "172.16.33.4"), J("172.16.33.0/24 -> %s", igw));
    ck_assert_str_eq(lookup(sub, "172.16.7.4"), "none");
    ck_assert_str_eq(lookup(sub, "2001:db8::1"), J("::/0 -> %s", igw));
    ck_assert_str_eq(lookup(sub, "10.1.1.1"), "10.1.0.0/16 -> local");
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("route");
    TCase *tc = tcase_create("route");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, igw_lifecycle);
    tcase_add_test(tc, route_table_create_delete);
    tcase_add_test(tc, associations);
    tcase_add_test(tc, igw_routes);
    tcase_add_test(tc, route_errors);
    tcase_add_test(tc, route_limit);
    suite_add_tcase(s, tc);
    return s;
}
