/* Instances: RunInstances (addresses, groups, counts, errors), the
 * pending -> running and shutting-down -> terminated lifecycle, the subnet's
 * free address count, DescribeInstances (reservations, filters), and
 * persistence - driven through the model's API as the agent drives it. */
#include "check_model_fixture.h"
#include "instance.h"

static const char *g_vpc, *g_subnet;

static void setup(void)
{
    fx_setup();
    g_vpc = mkvpc("10.1.0.0/16");
    g_subnet = mksubnet(g_vpc, "10.1.1.0/24");
}

static void advance(uint64_t ms)
{
    g_mc.now += ms;
    vs_model_tick(g_m);
}

static const char *run_input(const char *extra)
{
    return J("{\"ImageId\":\"ami-0abcdef1234567890\",\"MinCount\":1,\"MaxCount\":1,"
             "\"SubnetId\":\"%s\"%s%s}", g_subnet, extra ? "," : "", extra ? extra : "");
}

static const vs_json_t *run1(const char *extra)
{
    vs_json_t *o = OK("RunInstances", run_input(extra));
    ck_assert_int_eq(N(o, "Instances"), 1);
    return P(o, "Instances.0");
}

static const vs_json_t *describe1(const char *id)
{
    vs_json_t *o = OK("DescribeInstances", J("{\"InstanceIds\":[\"%s\"]}", id));
    ck_assert_int_eq(N(o, "Reservations"), 1);
    ck_assert_int_eq(N(o, "Reservations.0.Instances"), 1);
    return P(o, "Reservations.0.Instances.0");
}

static int64_t avail(void)
{
    const vs_json_t *s = describe_one("DescribeSubnets", "SubnetIds", "Subnets", g_subnet);
    return vs_json_get_int(s, "AvailableIpAddressCount", -1);
}

START_TEST(run_output_shape)
{
    vs_json_t *o = OK("RunInstances",
                      run_input("\"TagSpecifications\":[{\"ResourceType\":\"instance\","
                                "\"Tags\":[{\"Key\":\"Name\",\"Value\":\"vpc-a-host\"}]}]"));
    ck_assert_str_eq(fx_keys(o), "ReservationId,OwnerId,Groups,Instances");
    ck_assert(!strncmp(S(o, "ReservationId"), "r-", 2));
    ck_assert_int_eq(strlen(S(o, "ReservationId")), 19);
    ck_assert_str_eq(S(o, "OwnerId"), ACCT);
    const vs_json_t *i = P(o, "Instances.0");
    /* The service model's order: the 40 listed members, then the rest. */
    ck_assert_str_eq(fx_keys(i),
                     "Architecture,BlockDeviceMappings,ClientToken,EbsOptimized,EnaSupport,"
                     "Hypervisor,NetworkInterfaces,RootDeviceName,RootDeviceType,SecurityGroups,"
                     "SourceDestCheck,StateReason,Tags,VirtualizationType,CpuOptions,"
                     "CapacityReservationSpecification,HibernationOptions,MetadataOptions,"
                     "EnclaveOptions,PlatformDetails,UsageOperation,UsageOperationUpdateTime,"
                     "PrivateDnsNameOptions,MaintenanceOptions,CurrentInstanceBootMode,"
                     "NetworkPerformanceOptions,Operator,InstanceId,ImageId,State,PrivateDnsName,"
                     "PublicDnsName,StateTransitionReason,AmiLaunchIndex,ProductCodes,"
                     "InstanceType,LaunchTime,Placement,Monitoring,SubnetId,VpcId,"
                     "PrivateIpAddress");
    ck_assert_int_eq(vs_json_get_int(P(i, "State"), "Code", -1), 0);
    ck_assert_str_eq(S(i, "State.Name"), "pending");
    ck_assert_str_eq(S(i, "StateReason.Code"), "pending");
    ck_assert_str_eq(S(i, "InstanceType"), "t2.micro");
    ck_assert_str_eq(S(i, "ImageId"), "ami-0abcdef1234567890");
    /* The first address after the subnet's four reserved ones. */
    ck_assert_str_eq(S(i, "PrivateIpAddress"), "10.1.1.4");
    ck_assert_str_eq(S(i, "PrivateDnsName"), "ip-10-1-1-4.ap-northeast-1.compute.internal");
    ck_assert_str_eq(S(i, "SubnetId"), g_subnet);
    ck_assert_str_eq(S(i, "VpcId"), g_vpc);
    ck_assert_str_eq(S(i, "Placement.AvailabilityZone"), "ap-northeast-1a");
    ck_assert_str_eq(S(i, "LaunchTime"), "2019-06-15T08:55:29+00:00");
    ck_assert_str_eq(S(i, "Tags.0.Value"), "vpc-a-host");
    /* One interface holding the address and the VPC's default group. */
    ck_assert_int_eq(N(i, "NetworkInterfaces"), 1);
    const vs_json_t *e = P(i, "NetworkInterfaces.0");
    ck_assert(!strncmp(S(e, "NetworkInterfaceId"), "eni-", 4));
    ck_assert_int_eq(strlen(S(e, "NetworkInterfaceId")), 21);
    ck_assert_str_eq(S(e, "PrivateIpAddress"), "10.1.1.4");
    ck_assert_str_eq(S(e, "PrivateIpAddresses.0.PrivateIpAddress"), "10.1.1.4");
    ck_assert_str_eq(S(e, "Attachment.Status"), "attaching");
    ck_assert_str_eq(S(e, "SubnetId"), g_subnet);
    ck_assert_str_eq(S(e, "OwnerId"), ACCT);
    ck_assert_str_eq(fx_keys(P(e, "Groups.0")), "GroupId,GroupName");
    ck_assert_str_eq(S(e, "Groups.0.GroupName"), "default");
    ck_assert_str_eq(S(i, "SecurityGroups.0.GroupId"), S(e, "Groups.0.GroupId"));
    const vs_json_t *sg = describe_one("DescribeSecurityGroups", "GroupIds", "SecurityGroups",
                                       S(e, "Groups.0.GroupId"));
    ck_assert_str_eq(S(sg, "VpcId"), g_vpc);
}
END_TEST

START_TEST(lifecycle_and_addresses)
{
    ck_assert_int_eq(avail(), 251);
    const char *id = S(run1(NULL), "InstanceId");
    ck_assert_int_eq(avail(), 250);
    advance(VS_INSTANCE_BOOT_MS - 1);
    ck_assert_str_eq(S(describe1(id), "State.Name"), "pending");
    advance(1);
    const vs_json_t *i = describe1(id);
    ck_assert_str_eq(S(i, "State.Name"), "running");
    ck_assert_int_eq(vs_json_get_int(P(i, "State"), "Code", -1), 16);
    ck_assert_ptr_null(P(i, "StateReason"));
    ck_assert_str_eq(S(i, "NetworkInterfaces.0.Attachment.Status"), "attached");
    ck_assert_int_eq(N(i, "BlockDeviceMappings"), 1);

    /* The subnet cannot go while the instance holds an address in it. */
    ERR("DeleteSubnet", J("{\"SubnetId\":\"%s\"}", g_subnet), "DependencyViolation",
        J("The subnet '%s' has dependencies and cannot be deleted.", g_subnet));

    vs_json_t *t = OK("TerminateInstances", J("{\"InstanceIds\":[\"%s\"]}", id));
    const vs_json_t *c = P(t, "TerminatingInstances.0");
    ck_assert_str_eq(fx_keys(c), "InstanceId,CurrentState,PreviousState");
    ck_assert_str_eq(S(c, "InstanceId"), id);
    ck_assert_int_eq(vs_json_get_int(P(c, "CurrentState"), "Code", -1), 32);
    ck_assert_str_eq(S(c, "CurrentState.Name"), "shutting-down");
    ck_assert_int_eq(vs_json_get_int(P(c, "PreviousState"), "Code", -1), 16);
    ck_assert_str_eq(S(c, "PreviousState.Name"), "running");
    ck_assert_int_eq(avail(), 250);
    ERR("DeleteSubnet", J("{\"SubnetId\":\"%s\"}", g_subnet), "DependencyViolation", NULL);

    advance(VS_INSTANCE_SHUTDOWN_MS);
    i = describe1(id);
    ck_assert_str_eq(S(i, "State.Name"), "terminated");
    ck_assert_int_eq(vs_json_get_int(P(i, "State"), "Code", -1), 48);
    ck_assert_str_eq(S(i, "StateTransitionReason"), "User initiated (2019-06-15 08:55:34 GMT)");
    ck_assert_int_eq(N(i, "NetworkInterfaces"), 0);
    ck_assert_ptr_null(P(i, "PrivateIpAddress"));
    ck_assert_int_eq(avail(), 251);
    /* Terminating again changes nothing and says so. */
    t = OK("TerminateInstances", J("{\"InstanceIds\":[\"%s\"]}", id));
    ck_assert_str_eq(S(t, "TerminatingInstances.0.CurrentState.Name"), "terminated");
    ck_assert_str_eq(S(t, "TerminatingInstances.0.PreviousState.Name"), "terminated");
    /* The address is free again. */
    ck_assert_str_eq(S(run1(NULL), "PrivateIpAddress"), "10.1.1.4");

    /* Visible for about an hour, then gone. */
    advance(VS_HOUR_MS - 1);
    describe1(id);
    advance(1);
    ERR("DescribeInstances", J("{\"InstanceIds\":[\"%s\"]}", id), "InvalidInstanceID.NotFound",
        J("The instance ID '%s' does not exist", id));
}
END_TEST

START_TEST(private_ip_rules)
{
    /* The seed's two hosts sit at fixed addresses. */
    ck_assert_str_eq(S(run1("\"PrivateIpAddress\":\"10.1.1.12\""), "PrivateIpAddress"),
                     "10.1.1.12");
    const char *reserved[] = { "10.1.1.0", "10.1.1.1", "10.1.1.2", "10.1.1.3", "10.1.1.255" };
    for (size_t k = 0; k < 5; k++)
        ERR("RunInstances", run_input(J("\"PrivateIpAddress\":\"%s\"", reserved[k])),
            "InvalidParameterValue",
            J("Address %s is in subnet's reserved address range", reserved[k]));
    ERR("RunInstances", run_input("\"PrivateIpAddress\":\"10.1.1.12\""), "InvalidIPAddress.InUse",
        "Address 10.1.1.12 is in use.");
    ERR("RunInstances", run_input("\"PrivateIpAddress\":\"10.1.2.5\""), "InvalidParameterValue",
        "Address 10.1.2.5 does not fall within the subnet's address range");
    ERR("RunInstances", run_input("\"PrivateIpAddress\":\"10.1.1.300\""), "InvalidParameterValue",
        NULL);
    /* Automatic addresses skip the taken one. */
    ck_assert_str_eq(S(run1(NULL), "PrivateIpAddress"), "10.1.1.4");
    ck_assert_int_eq(avail(), 249);
}
END_TEST

START_TEST(counts_and_reservations)
{
    vs_json_t *o = OK("RunInstances", J("{\"ImageId\":\"ami-12345678\",\"MinCount\":2,"
                                        "\"MaxCount\":3,\"SubnetId\":\"%s\"}", g_subnet));
    ck_assert_int_eq(N(o, "Instances"), 3);
    ck_assert_str_eq(S(o, "Instances.2.PrivateIpAddress"), "10.1.1.6");
    ck_assert_int_eq(vs_json_get_int(P(o, "Instances.2"), "AmiLaunchIndex", -1), 2);
    run1(NULL);
    /* DescribeInstances lists each reservation once, with its instances. */
    vs_json_t *d = OK("DescribeInstances", "{}");
    ck_assert_int_eq(N(d, "Reservations"), 2);
    ck_assert_str_eq(S(d, "Reservations.0.ReservationId"), S(o, "ReservationId"));
    ck_assert_int_eq(N(d, "Reservations.0.Instances"), 3);
    ck_assert_int_eq(N(d, "Reservations.1.Instances"), 1);

    /* A /28 has 16 - 5 = 11 usable addresses. */
    const char *small = mksubnet(g_vpc, "10.1.2.0/28");
    ERR("RunInstances", J("{\"ImageId\":\"ami-12345678\",\"MinCount\":12,\"MaxCount\":12,"
                          "\"SubnetId\":\"%s\"}", small),
        "InsufficientFreeAddressesInSubnet",
        J("There are not enough free addresses in subnet '%s' to satisfy the requested number "
          "of instances.", small));
    o = OK("RunInstances", J("{\"ImageId\":\"ami-12345678\",\"MinCount\":1,\"MaxCount\":20,"
                             "\"SubnetId\":\"%s\"}", small));
    ck_assert_int_eq(N(o, "Instances"), 11);
    ck_assert_str_eq(S(o, "Instances.10.PrivateIpAddress"), "10.1.2.14");
    ERR("RunInstances", run_input("\"MinCount\":3,\"MaxCount\":2"), "InvalidParameterValue",
        "Invalid value '3' for minCount. Must be less than or equal to maxCount.");
    ERR("RunInstances", run_input("\"MaxCount\":2,\"PrivateIpAddress\":\"10.1.1.40\""),
        "InvalidParameterCombination", NULL);
}
END_TEST

START_TEST(parameters_and_groups)
{
    ERR("RunInstances", J("{\"MinCount\":1,\"MaxCount\":1,\"SubnetId\":\"%s\"}", g_subnet),
        "MissingParameter", "The request must contain the parameter ImageId");
    ERR("RunInstances", "{\"ImageId\":\"ami-12345678\",\"MinCount\":1,\"MaxCount\":1}",
        "VPCIdNotSpecified", "No default VPC for this user");
    ERR("RunInstances", run_input("\"ImageId\":\"xyz\""), "InvalidAMIID.Malformed",
        "Invalid id: \"xyz\" (expecting \"ami-...\")");
    ERR("RunInstances", J("{\"ImageId\":\"ami-12345678\",\"MinCount\":1,\"MaxCount\":1,"
                          "\"SubnetId\":\"subnet-0123456789abcdef0\"}"),
        "InvalidSubnetID.NotFound", "The subnet ID 'subnet-0123456789abcdef0' does not exist");
    ERR("RunInstances", run_input("\"SecurityGroupIds\":[\"sg-0123456789abcdef0\"]"),
        "InvalidGroup.NotFound",
        J("The security group 'sg-0123456789abcdef0' does not exist in VPC '%s'", g_vpc));
    /* A group of another VPC. */
    const char *other = mkvpc("10.2.0.0/16");
    const char *sg = S(OK("CreateSecurityGroup",
                          J("{\"GroupName\":\"web\",\"Description\":\"web\",\"VpcId\":\"%s\"}",
                            other)), "GroupId");
    ERR("RunInstances", run_input(J("\"SecurityGroupIds\":[\"%s\"]", sg)), "InvalidParameter",
        J("Security group %s and subnet %s belong to different networks.", sg, g_subnet));
    /* A group of this VPC replaces the default one. */
    const char *mine = S(OK("CreateSecurityGroup",
                            J("{\"GroupName\":\"app\",\"Description\":\"app\",\"VpcId\":\"%s\"}",
                              g_vpc)), "GroupId");
    const vs_json_t *i = run1(J("\"SecurityGroupIds\":[\"%s\"],\"InstanceType\":\"m5.large\"",
                                mine));
    ck_assert_int_eq(N(i, "SecurityGroups"), 1);
    ck_assert_str_eq(S(i, "SecurityGroups.0.GroupId"), mine);
    ck_assert_str_eq(S(i, "SecurityGroups.0.GroupName"), "app");
    ck_assert_str_eq(S(i, "InstanceType"), "m5.large");
    /* Nothing was launched by the failed calls. */
    ck_assert_int_eq(avail(), 250);
    /* A dry run launches nothing either. */
    ERR("RunInstances", run_input("\"DryRun\":true"), "DryRunOperation", NULL);
    ck_assert_int_eq(avail(), 250);
    ERR("TerminateInstances", "{\"InstanceIds\":[\"i-0123456789abcdef0\"]}",
        "InvalidInstanceID.NotFound", "The instance ID 'i-0123456789abcdef0' does not exist");
}
END_TEST

START_TEST(describe_filters)
{
    const vs_json_t *a = run1("\"PrivateIpAddress\":\"10.1.1.12\","
                              "\"TagSpecifications\":[{\"ResourceType\":\"instance\","
                              "\"Tags\":[{\"Key\":\"Name\",\"Value\":\"a\"}]}]");
    const char *ida = S(a, "InstanceId"), *eni = S(a, "NetworkInterfaces.0.NetworkInterfaceId");
    const char *idb = S(run1(NULL), "InstanceId");
    advance(VS_INSTANCE_BOOT_MS);
    OK("TerminateInstances", J("{\"InstanceIds\":[\"%s\"]}", idb));
    const char *f = "{\"Filters\":[{\"Name\":\"%s\",\"Values\":[\"%s\"]}]}";
    vs_json_t *o = OK("DescribeInstances", J(f, "private-ip-address", "10.1.1.12"));
    ck_assert_int_eq(N(o, "Reservations"), 1);
    ck_assert_str_eq(S(o, "Reservations.0.Instances.0.InstanceId"), ida);
    o = OK("DescribeInstances", J(f, "instance-state-name", "shutting-down"));
    ck_assert_str_eq(S(o, "Reservations.0.Instances.0.InstanceId"), idb);
    o = OK("DescribeInstances", J(f, "tag:Name", "a"));
    ck_assert_str_eq(S(o, "Reservations.0.Instances.0.InstanceId"), ida);
    o = OK("DescribeInstances", J(f, "network-interface.network-interface-id", eni));
    ck_assert_str_eq(S(o, "Reservations.0.Instances.0.InstanceId"), ida);
    o = OK("DescribeInstances", J(f, "subnet-id", g_subnet));
    ck_assert_int_eq(N(o, "Reservations"), 2);
    o = OK("DescribeInstances", J(f, "vpc-id", "vpc-0000000000000000a"));
    ck_assert_int_eq(N(o, "Reservations"), 0);
    ERR("DescribeInstances", J(f, "no-such-filter", "x"), "InvalidParameterValue", NULL);
}
END_TEST

START_TEST(survives_restart)
{
    const char *id = S(run1("\"PrivateIpAddress\":\"10.1.1.12\""), "InstanceId");
    store_t st = { 0 };
    vs_model_flush(g_m, st_put, &st);
    vs_model_destroy(&g_m);
    g_m = st_reload(&st);
    st_free(&st);
    /* The boot timer was persisted with the instance. */
    advance(VS_INSTANCE_BOOT_MS);
    const vs_json_t *i = describe1(id);
    ck_assert_str_eq(S(i, "State.Name"), "running");
    ck_assert_str_eq(S(i, "PrivateIpAddress"), "10.1.1.12");
    ERR("RunInstances", run_input("\"PrivateIpAddress\":\"10.1.1.12\""), "InvalidIPAddress.InUse",
        NULL);
    ck_assert_int_eq(avail(), 250);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("instance");
    TCase *tc = tcase_create("instance");
    tcase_add_checked_fixture(tc, setup, fx_teardown);
    tcase_add_test(tc, run_output_shape);
    tcase_add_test(tc, lifecycle_and_addresses);
    tcase_add_test(tc, private_ip_rules);
    tcase_add_test(tc, counts_and_reservations);
    tcase_add_test(tc, parameters_and_groups);
    tcase_add_test(tc, describe_filters);
    tcase_add_test(tc, survives_restart);
    suite_add_tcase(s, tc);
    return s;
}
