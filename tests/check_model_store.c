/* Unit tests of the agent model's persistence (flush -> load reproduces
 * every Describe* output), timers, hooks and configuration. */
#include "check_model_testmod.h"

/* --- persistence ----------------------------------------------------------------------- */

static void build_state(void)
{
    const char *a = mkvpc("10.1.0.0/16");
    vs_json_t *o = OK("CreateVpc", "{\"CidrBlock\":\"172.20.0.0/16\",\"AmazonProvidedIpv6CidrBlock\":true,"
                                   "\"TagSpecifications\":[{\"ResourceType\":\"vpc\",\"Tags\":[{\"Key\":\"Name\","
                                   "\"Value\":\"b\"}]}]}");
    const char *b = S(o, "Vpc.VpcId");
    OK("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.2.0.0/16\"}", a));
    OK("ModifyVpcAttribute", J("{\"VpcId\":\"%s\",\"EnableDnsHostnames\":{\"Value\":true}}", a));
    const char *s = mksubnet(a, "10.2.5.0/24");
    OK("CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"t\",\"Value\":\"1\"}]}", s));
    mksubnet(b, "172.20.1.0/24");
    const char *gone = mkvpc("10.3.0.0/16");
    OK("DeleteVpc", J("{\"VpcId\":\"%s\"}", gone));
}

START_TEST(flush_load_round_trip)
{
    store_t st = { 0 };
    build_state();
    vs_model_flush(g_m, st_put, &st);
    /* 2 VPCs + 2 route tables + 2 default security groups + 2 default
     * network ACLs + 2 subnets + meta; the deleted VPC, its table, its
     * security group and its ACL were created and deleted within the turn
     * (NULL docs). */
    ck_assert_int_eq(st.n, 11);
    ck_assert_int_eq(st.deletes, 4);
    ck_assert_ptr_nonnull(st_get(&st, "vs-meta"));
    for (int i = 0; i < st.n; i++) {
        vs_json_t *d = fx_parse(st_json_at(&st, i));
        ck_assert_msg(vs_json_get_str(d, "Kind") != NULL, "no Kind in %s", st_json_at(&st, i));
    }
    /* Nothing changed: nothing to write. */
    st.calls = 0;
    vs_model_flush(g_m, st_put, &st);
    ck_assert_int_eq(st.calls, 0);

    vs_model_t *m2 = st_reload(&st);
    const char *const actions[] = { "DescribeVpcs", "DescribeSubnets", "DescribeRouteTables" };
    for (int i = 0; i < 3; i++)
        ck_assert_str_eq(dump_on(m2, actions[i], NULL), dump_on(g_m, actions[i], NULL));
    ck_assert_str_eq(dump_on(m2, "DescribeVpcs", "{\"MaxResults\":5,\"Filters\":[{\"Name\":\"tag:Name\",\"Values\":[\"b\"]}]}"),
                     dump_on(g_m, "DescribeVpcs", "{\"MaxResults\":5,\"Filters\":[{\"Name\":\"tag:Name\",\"Values\":[\"b\"]}]}"));
    ck_assert_uint_eq(vs_model_vpc_count(m2), 2);
    /* Loading changes nothing that needs writing back. */
    store_t st2 = { 0 };
    vs_model_flush(m2, st_put, &st2);
    ck_assert_int_eq(st2.calls, 0);
    /* The reloaded model goes on: new objects come after the old ones,
     * a second Amazon IPv6 block is refused, documents are rewritten. */
    const fx_res_t *r = fx_call_on(m2, ACCT, "CreateVpc", "{\"CidrBlock\":\"10.4.0.0/16\"}");
    ck_assert(r->ok);
    const char *c = fx_skeep(strdup(S(r->out, "Vpc.VpcId")));
    vs_json_t *all = fx_call_on(m2, ACCT, "DescribeVpcs", NULL)->out;
    ck_assert_str_eq(S(all, "Vpcs.2.VpcId"), c);
    const char *b = S(all, "Vpcs.1.VpcId");
    r = fx_call_on(m2, ACCT, "AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"AmazonProvidedIpv6CidrBlock\":true}", b));
    ck_assert_str_eq(r->code, "CidrLimitExceeded");
    /* The DNS attribute survives a reload and a rewrite. */
    const char *a = S(all, "Vpcs.0.VpcId");
    ck_assert_ptr_nonnull(strstr(st_get(&st, a), "\"EnableDnsHostnames\":true"));
    ck_assert(fx_call_on(m2, ACCT, "CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"x\"}]}", a))->ok);
    vs_model_flush(m2, st_put, &st);
    ck_assert_ptr_nonnull(strstr(st_get(&st, a), "\"EnableDnsHostnames\":true"));
    ck_assert(fx_call_on(m2, ACCT, "DeleteTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"x\"}]}", a))->ok);
    r = fx_call_on(m2, ACCT, "DeleteVpc", J("{\"VpcId\":\"%s\"}", c));
    ck_assert(r->ok);
    vs_model_flush(m2, st_put, &st);
    vs_model_t *m3 = st_reload(&st);
    ck_assert_str_eq(dump_on(m3, "DescribeRouteTables", NULL), dump_on(g_m, "DescribeRouteTables", NULL));
    vs_model_destroy(&m3);
    vs_model_destroy(&m2);
    st_free(&st);
    st_free(&st2);
}
END_TEST

START_TEST(load_rejects_malformed)
{
    const char *v = mkvpc("10.1.0.0/16");
    store_t st = { 0 };
    vs_model_flush(g_m, st_put, &st);
    const char *doc = st_get(&st, v);           /* the older JSON form */
    int iv = 0;
    while (strcmp(st.id[iv], v) != 0)
        iv++;
    const uint8_t *bin = st.doc[iv];
    size_t blen = st.len[iv];
    vs_model_t *m = fx_model_new();
    ck_assert_int_eq(load_json(m, v, "{not json"), -1);
    ck_assert_int_eq(load_json(m, v, "[]"), -1);
    ck_assert_int_eq(load_json(m, v, "{\"Kind\":\"Subnet\",\"Seq\":1}"), -1);
    ck_assert_int_eq(load_json(m, v, "{\"Kind\":\"Vpc\",\"Seq\":1}"), -1);
    ck_assert_int_eq(load_json(m, "foo-0123456789abcdef0", doc), -1);
    ck_assert_int_eq(load_json(m, "vpc-nothex", doc), -1);
    ck_assert_int_eq(load_json(m, "vs-meta", "{\"Kind\":\"Vpc\"}"), -1);
    ck_assert_int_eq(load_json(m, v, "{\"Kind\":\"Vpc\",\"Seq\":1,\"Cidrs\":[{\"AssociationId\":\"x\","
                                         "\"CidrBlock\":\"2600::/56\"}]}"), -1);
    ck_assert_int_eq(load_json(m, v, NULL), -1);
    /* The binary form: under another kind's id, cut short, empty, or with
     * a byte changed in the kind's name, it is refused. */
    ck_assert_int_eq(vs_model_load(m, "subnet-0123456789abcdef0", bin, blen), -1);
    ck_assert_int_eq(vs_model_load(m, "vpc-nothex", bin, blen), -1);
    for (size_t cut = 1; cut < blen; cut += 7)
        ck_assert_int_eq(vs_model_load(m, v, bin, blen - cut), -1);
    ck_assert_int_eq(vs_model_load(m, v, bin, 0), -1);
    uint8_t *bad = fx_keep_bytes(bin, blen);
    bad[2] ^= 0x20;                              /* "Vpc" -> "vpc" */
    ck_assert_int_eq(vs_model_load(m, v, bad, blen), -1);
    ck_assert_ptr_null(vs_model_doc_json(m, v, bad, blen));
    ck_assert_uint_eq(vs_model_vpc_count(m), 0);
    ck_assert_int_eq(vs_model_load(m, v, bin, blen), 0);
    ck_assert_int_eq(vs_model_load(m, v, bin, blen), -1);     /* already there */
    ck_assert_int_eq(load_json(m, v, doc), -1);                /* either form */
    ck_assert_uint_eq(vs_model_vpc_count(m), 1);
    vs_model_destroy(&m);
    /* The older JSON form still loads, to the same VPC. */
    m = fx_model_new();
    ck_assert_int_eq(load_json(m, v, doc), 0);
    ck_assert_str_eq(dump_on(m, "DescribeVpcs", NULL), dump_on(g_m, "DescribeVpcs", NULL));
    vs_model_destroy(&m);
    st_free(&st);
}
END_TEST

/* --- timers ------------------------------------------------------------------------------- */

static void arm(vs_model_t *m, const char *kind, const char *id, uint64_t due)
{
    const fx_res_t *r = fx_call_on(m, ACCT, "TestArmTimer", J("{\"Kind\":\"%s\",\"Id\":\"%s\",\"Due\":%llu}",
                                                             kind, id, (unsigned long long)due));
    ck_assert_msg(r->ok, "arm: %s", r->code);
}

START_TEST(timers)
{
    const char *a = mkvpc("10.1.0.0/16"), *b = mkvpc("10.2.0.0/16");
    g_nfired = 0;
    ck_assert_uint_eq(vs_model_next_deadline(g_m), UINT64_MAX);
    arm(g_m, "test-a", a, T0 + 100);
    arm(g_m, "test-b", b, T0 + 50);
    arm(g_m, "test-b", a, T0 + 100);
    arm(g_m, "test-a", b, T0 + 500);
    arm(g_m, "test-a", b, T0 + 200);      /* re-arming replaces */
    ck_assert_uint_eq(vs_model_next_deadline(g_m), T0 + 50);
    ERR("TestArmTimer", J("{\"Kind\":\"nope\",\"Id\":\"%s\",\"Due\":1}", a), "TestArmFailed", NULL);
    ERR("TestArmTimer", "{\"Kind\":\"test-a\",\"Id\":\"vpc-0123456789abcdef0\",\"Due\":1}", "TestArmFailed", NULL);

    /* Timers persist with their objects. */
    store_t st = { 0 };
    vs_model_flush(g_m, st_put, &st);
    vs_model_t *m2 = st_reload(&st);
    ck_assert_uint_eq(vs_model_next_deadline(m2), T0 + 50);

    g_mc.now = T0 + 49;
    vs_model_tick(g_m);
    ck_assert_int_eq(g_nfired, 0);
    g_mc.now = T0 + 100;
    vs_model_tick(g_m);
    ck_assert_int_eq(g_nfired, 3);
    ck_assert_str_eq(g_fired[0], J("b:%s", b));
    ck_assert_str_eq(g_fired[1], J("a:%s", a));     /* same due time: arming order */
    ck_assert_str_eq(g_fired[2], J("b:%s", a));
    ck_assert_uint_eq(vs_model_next_deadline(g_m), T0 + 200);
    /* Fired timers are gone from the persisted documents too. */
    vs_model_flush(g_m, st_put, &st);
    ck_assert_ptr_null(strstr(st_get(&st, a), "Timers"));
    ck_assert_ptr_nonnull(strstr(st_get(&st, b), "Timers"));

    /* The reloaded model fires the same way. */
    g_nfired = 0;
    vs_model_tick(m2);
    ck_assert_int_eq(g_nfired, 3);
    ck_assert_str_eq(g_fired[1], J("a:%s", a));
    vs_model_destroy(&m2);

    /* Cancel, and deletion cancels. */
    const fx_res_t *r = fx_call(ACCT, "TestCancelTimer", J("{\"Kind\":\"test-a\",\"Id\":\"%s\"}", b));
    ck_assert_int_eq(vs_json_get_int(r->out, "Cancelled", -1), 1);
    ck_assert_uint_eq(vs_model_next_deadline(g_m), UINT64_MAX);
    arm(g_m, "test-a", b, T0 + 300);
    arm(g_m, "test-b", b, T0 + 300);
    OK("DeleteVpc", J("{\"VpcId\":\"%s\"}", b));
    ck_assert_uint_eq(vs_model_next_deadline(g_m), UINT64_MAX);

    /* A timer that re-arms itself at "now" fires once per tick. */
    g_nfired = 0;
    arm(g_m, "test-again", a, T0 + 100);
    vs_model_tick(g_m);
    ck_assert_int_eq(g_nfired, 1);
    vs_model_tick(g_m);
    ck_assert_int_eq(g_nfired, 2);
    ck_assert_uint_eq(vs_model_next_deadline(g_m), T0 + 100);
    st_free(&st);
}
END_TEST

/* The calls that take the kind and the object in hand (a pcx's every
 * transition) arm and cancel the very timers the calls by name do. */
START_TEST(timers_by_kind_and_object_are_the_named_ones)
{
    const char *a = mkvpc("10.1.0.0/16");
    vs_obj_t *o = vs_model__get(g_m, a);
    const vs_timer_kind_t *ka = vs_model__timer_kind(g_m, "test-a");
    ck_assert_ptr_eq(ka, &t_timers[0]);
    uint64_t due = 0;
    ck_assert_int_eq(vs_model__timer_arm_obj(g_m, ka, o, T0 + 70), 0);
    ck_assert(vs_model__timer_get(g_m, "test-a", a, &due));
    ck_assert_uint_eq(due, T0 + 70);
    ck_assert_uint_eq(vs_model_next_deadline(g_m), T0 + 70);
    ck_assert_uint_eq(vs_model__timer_cancel(g_m, "test-a", a), 1);
    ck_assert_uint_eq(vs_model_next_deadline(g_m), UINT64_MAX);
    arm(g_m, "test-a", a, T0 + 80);
    arm(g_m, "test-b", a, T0 + 90);
    ck_assert_uint_eq(vs_model__timer_cancel_obj(g_m, ka, o), 1);
    ck_assert(!vs_model__timer_get(g_m, "test-a", a, NULL));
    ck_assert(vs_model__timer_get(g_m, "test-b", a, NULL));
    ck_assert_uint_eq(vs_model__timer_cancel_obj(g_m, NULL, o), 1);   /* every kind */
    ck_assert_uint_eq(vs_model_next_deadline(g_m), UINT64_MAX);
    /* Nothing to arm on, or with. */
    ck_assert_int_eq(vs_model__timer_arm_obj(g_m, NULL, o, T0), -1);
    ck_assert_int_eq(vs_model__timer_arm_obj(g_m, ka, NULL, T0), -1);
    ck_assert_uint_eq(vs_model__timer_cancel_obj(g_m, ka, NULL), 0);
}
END_TEST

/* --- hooks and peers --------------------------------------------------------------------------- */

START_TEST(hooks_and_peers)
{
    const char *a = mkvpc("10.1.0.0/16");
    ERR("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.99.0.0/16\"}", a), "TestRefused",
        "add 10.99.0.0/16");
    ck_assert_int_eq(N(describe_one("DescribeVpcs", "VpcIds", "Vpcs", a), "CidrBlockAssociationSet"), 1);
    /* Nobody handles peer messages yet. */
    ck_assert_int_eq(vs_model_on_peer(g_m, OTHER, REGION, (const uint8_t *)"{}", 2), -1);
    vs_model_on_undeliverable(g_m, 5, true);
    ck_assert_str_eq(vs_model_partition(g_m), "aws");
    ck_assert_str_eq(vs_model_account(g_m), ACCT);
    ck_assert_str_eq(vs_model_region(g_m), REGION);
    /* Bad configurations are refused. */
    vs_model_config_t bad = { .account = "12345", .region = REGION, .clock = &g_clock, .rng = &g_rng,
                              .modules = vs_service_modules() };
    ck_assert_ptr_null(vs_model_new(&bad));
    bad.account = ACCT;
    bad.region = "mars-north-1";
    ck_assert_ptr_null(vs_model_new(&bad));
    vs_model_config_t cn = { .account = ACCT, .region = "cn-north-1", .clock = &g_clock, .rng = &g_rng,
                             .modules = vs_service_modules() };
    vs_model_t *m = vs_model_new(&cn);
    ck_assert_str_eq(vs_model_partition(m), "aws-cn");
    const fx_res_t *r = fx_call_on(m, ACCT, "CreateVpc", "{\"CidrBlock\":\"10.0.0.0/16\"}");
    ck_assert_str_eq(r->last_arn, J("arn:aws-cn:ec2:cn-north-1:" ACCT ":vpc/%s", S(r->out, "Vpc.VpcId")));
    r = fx_call_on(m, ACCT, "CreateSubnet", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.0.0.0/24\"}",
                                               S(r->out, "Vpc.VpcId")));
    ck_assert_str_eq(S(r->out, "Subnet.AvailabilityZoneId"), "cnn1-az1");
    vs_model_destroy(&m);
    vs_model_destroy(&m);   /* NULL-safe */
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("model_store");
    TCase *tc = tcase_create("store");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, flush_load_round_trip);
    tcase_add_test(tc, load_rejects_malformed);
    tcase_add_test(tc, timers);
    tcase_add_test(tc, timers_by_kind_and_object_are_the_named_ones);
    tcase_add_test(tc, hooks_and_peers);
    suite_add_tcase(s, tc);
    return s;
}
