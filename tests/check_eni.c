/* DescribeNetworkInterfaces (core/instance_eni.c) and DescribeVpcAttribute
 * (core/ec2_vpc.c): the two reads the gateway's clients need beyond the
 * vpcsim CLI's commands (Terraform lists a subnet's or a group's interfaces
 * before deleting it, and reads three attributes of every VPC). */
#include "check_model_fixture.h"
#include "instance.h"

static const char *g_vpc, *g_subnet;

static void setup(void)
{
    fx_setup();
    g_vpc = mkvpc("10.1.0.0/16");
    g_subnet = mksubnet(g_vpc, "10.1.1.0/24");
}

START_TEST(enis_follow_instances)
{
    const char *other = mksubnet(g_vpc, "10.1.2.0/24");
    ck_assert_int_eq(N(OK("DescribeNetworkInterfaces", "{}"), "NetworkInterfaces"), 0);
    vs_json_t *o = OK("RunInstances", J("{\"ImageId\":\"ami-0abcdef1234567890\",\"MinCount\":1,\"MaxCount\":1,"
                                        "\"SubnetId\":\"%s\",\"PrivateIpAddress\":\"10.1.1.12\"}", g_subnet));
    const char *iid = S(o, "Instances.0.InstanceId");
    const char *eni = S(o, "Instances.0.NetworkInterfaces.0.NetworkInterfaceId");
    const char *sg = S(o, "Instances.0.SecurityGroups.0.GroupId");
    vs_json_t *d = OK("DescribeNetworkInterfaces", "{}");
    ck_assert_int_eq(N(d, "NetworkInterfaces"), 1);
    ck_assert_str_eq(S(d, "NetworkInterfaces.0.NetworkInterfaceId"), eni);
    ck_assert_str_eq(S(d, "NetworkInterfaces.0.PrivateIpAddress"), "10.1.1.12");
    ck_assert_str_eq(S(d, "NetworkInterfaces.0.SubnetId"), g_subnet);
    ck_assert_str_eq(S(d, "NetworkInterfaces.0.VpcId"), g_vpc);
    ck_assert_str_eq(S(d, "NetworkInterfaces.0.Attachment.InstanceId"), iid);
    ck_assert_str_eq(S(d, "NetworkInterfaces.0.Status"), "in-use");
    /* Terraform's filters: the subnet's and the group's interfaces. */
    ck_assert_int_eq(N(OK("DescribeNetworkInterfaces",
                          J("{\"Filters\":[{\"Name\":\"subnet-id\",\"Values\":[\"%s\"]}]}", g_subnet)),
                       "NetworkInterfaces"), 1);
    ck_assert_int_eq(N(OK("DescribeNetworkInterfaces",
                          J("{\"Filters\":[{\"Name\":\"subnet-id\",\"Values\":[\"%s\"]}]}", other)),
                       "NetworkInterfaces"), 0);
    ck_assert_int_eq(N(OK("DescribeNetworkInterfaces",
                          J("{\"Filters\":[{\"Name\":\"group-id\",\"Values\":[\"%s\"]}]}", sg)),
                       "NetworkInterfaces"), 1);
    ck_assert_int_eq(N(OK("DescribeNetworkInterfaces", J("{\"NetworkInterfaceIds\":[\"%s\"]}", eni)),
                       "NetworkInterfaces"), 1);
    ERR("DescribeNetworkInterfaces", "{\"NetworkInterfaceIds\":[\"eni-0123456789abcdef0\"]}",
        "InvalidNetworkInterfaceID.NotFound", "The networkInterface ID 'eni-0123456789abcdef0' does not exist");
    ERR("DescribeNetworkInterfaces", "{\"Filters\":[{\"Name\":\"bogus\",\"Values\":[\"x\"]}]}",
        "InvalidParameterValue", NULL);
    /* Gone with its instance. */
    OK("TerminateInstances", J("{\"InstanceIds\":[\"%s\"]}", iid));
    ck_assert_int_eq(N(OK("DescribeNetworkInterfaces", "{}"), "NetworkInterfaces"), 0);
}
END_TEST

START_TEST(vpc_attributes)
{
    vs_json_t *o = OK("DescribeVpcAttribute", J("{\"VpcId\":\"%s\",\"Attribute\":\"enableDnsSupport\"}", g_vpc));
    ck_assert_str_eq(fx_keys(o), "VpcId,EnableDnsSupport");
    ck_assert_str_eq(S(o, "VpcId"), g_vpc);
    ck_assert(vs_json_get_bool(P(o, "EnableDnsSupport"), "Value", false));
    o = OK("DescribeVpcAttribute", J("{\"VpcId\":\"%s\",\"Attribute\":\"enableDnsHostnames\"}", g_vpc));
    ck_assert(!vs_json_get_bool(P(o, "EnableDnsHostnames"), "Value", true));
    OK("ModifyVpcAttribute", J("{\"VpcId\":\"%s\",\"EnableDnsHostnames\":{\"Value\":true}}", g_vpc));
    o = OK("DescribeVpcAttribute", J("{\"VpcId\":\"%s\",\"Attribute\":\"enableDnsHostnames\"}", g_vpc));
    ck_assert(vs_json_get_bool(P(o, "EnableDnsHostnames"), "Value", false));
    o = OK("DescribeVpcAttribute",
           J("{\"VpcId\":\"%s\",\"Attribute\":\"enableNetworkAddressUsageMetrics\"}", g_vpc));
    ck_assert(!vs_json_get_bool(P(o, "EnableNetworkAddressUsageMetrics"), "Value", true));
    ERR("DescribeVpcAttribute", J("{\"VpcId\":\"%s\",\"Attribute\":\"colour\"}", g_vpc), "InvalidParameterValue",
        "Value (colour) for parameter attribute is invalid. Unknown attribute.");
    ERR("DescribeVpcAttribute", J("{\"VpcId\":\"%s\"}", g_vpc), "MissingParameter", NULL);
    ERR("DescribeVpcAttribute", "{\"VpcId\":\"vpc-0123456789abcdef0\",\"Attribute\":\"enableDnsSupport\"}",
        "InvalidVpcID.NotFound", NULL);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("eni");
    TCase *tc = tcase_create("eni");
    tcase_add_checked_fixture(tc, setup, fx_teardown);
    tcase_add_test(tc, enis_follow_instances);
    tcase_add_test(tc, vpc_attributes);
    suite_add_tcase(s, tc);
    return s;
}
