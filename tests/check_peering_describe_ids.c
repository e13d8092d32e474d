/* DescribeVpcPeeringConnections by ID looks the listed connections up
 * instead of scanning every one the agent holds; what a user sees must not
 * change: creation order whatever the order of the list, each connection
 * once even when listed twice, the filters and paging applied to the
 * listed ones only, and the other account's view by the same IDs. */
#include "check_peering_fixture.h"

START_TEST(describe_by_ids)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R1);
    const char *rv = mkvpc(r, "10.1.0.0/16");
    const char *av[4];
    const char *p[4];
    for (int i = 0; i < 4; i++) {
        av[i] = mkvpc(a, J("10.%d.0.0/16", 10 + i));
        p[i] = mkpcx(r, rv, av[i], A2, NULL);
    }
    pf_settle();
    OK(a, "AcceptVpcPeeringConnection", pcx_id_input(p[2]));
    pf_settle();

    /* Creation order, whatever the order of the list; duplicates once. */
    ck_assert_str_eq(list_ids(r, J("{\"VpcPeeringConnectionIds\":[\"%s\",\"%s\",\"%s\",\"%s\"]}",
                                   p[3], p[0], p[3], p[1])),
                     J("%s,%s,%s", p[0], p[1], p[3]));
    /* The accepter's view by the same IDs. */
    ck_assert_str_eq(list_ids(a, J("{\"VpcPeeringConnectionIds\":[\"%s\",\"%s\"]}", p[2], p[1])),
                     J("%s,%s", p[1], p[2]));
    /* Filters apply to the listed ones only. */
    ck_assert_str_eq(list_ids(r, J("{\"VpcPeeringConnectionIds\":[\"%s\",\"%s\",\"%s\"],"
                                   "\"Filters\":[{\"Name\":\"status-code\","
                                   "\"Values\":[\"pending-acceptance\"]}]}", p[2], p[3], p[0])),
                     J("%s,%s", p[0], p[3]));
    /* Paging through the listed ones. */
    vs_json_t *o = OK(r, "DescribeVpcPeeringConnections",
                      J("{\"VpcPeeringConnectionIds\":[\"%s\",\"%s\",\"%s\"],\"MaxResults\":5}",
                        p[3], p[1], p[2]));
    ck_assert_int_eq(N(o, "VpcPeeringConnections"), 3);
    ck_assert_ptr_null(vs_json_get(o, "NextToken"));
    /* An unknown ID among them is still NotFound, as before. */
    ERR(r, "DescribeVpcPeeringConnections",
        J("{\"VpcPeeringConnectionIds\":[\"%s\",\"pcx-0123456789abcdef0\"]}", p[0]),
        "InvalidVpcPeeringConnectionID.NotFound", NULL);
    /* Without IDs: every connection, in creation order. */
    ck_assert_str_eq(list_ids(r, NULL), J("%s,%s,%s,%s", p[0], p[1], p[2], p[3]));
}
END_TEST

Suite *vs_test_suite(void);
Suite *vs_test_suite(void)
{
    Suite *s = suite_create("peering_describe_ids");
    TCase *tc = tcase_create("describe");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, describe_by_ids);
    suite_add_tcase(s, tc);
    return s;
}
