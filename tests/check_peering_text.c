/* The peering actions print their outputs without a tree (create, accept,
 * describe: vs_pcx__wrap_text, vs_pcx__render_to); what a client receives
 * must be byte for byte what the tree path printed: vs_json_dump(doc, 0)
 * of {"VpcPeeringConnection": vs_pcx_render(...)} and of
 * {"VpcPeeringConnections": [...], "NextToken": ...}. The records are
 * compared exactly where the reply shows the record as it is now; the
 * forwarded accept's answer (an older record) must at least be the
 * compact print of itself. */
#include "check_peering_fixture.h"

/* The tree path's print of the view of pcx on agent a, as it is now. */
static const char *s_tree(int a, const char *pcx)
{
    const vs_pcx_obj_t *o = rec(a, pcx);
    ck_assert_ptr_nonnull(o);
    vs_json_t *tags = vs_tags_to_json(&o->base.tags);
    vs_json_t *t = vs_pcx_render(&o->rec, tags);
    const char *s = pf_skeep(vs_json_dump(t, 0));
    vs_json_free(&t);
    vs_json_free(&tags);
    return s;
}

/* The reply text of a call that succeeded at once. */
static const char *s_text(int a, const char *action, const char *input)
{
    const vs_simnet_reply_t *r = pf_reply(pf_call(a, action, input));
    ck_assert_msg(r->state == VS_CALL_OK, "%s: %s", action, r->code ? r->code : "?");
    return pf_skeep(strdup(r->output_json));
}

/* text is the compact print of its own parse (the tree path's form). */
static void s_canonical(const char *text)
{
    ck_assert_str_eq(pf_dump(pf_parse(text)), text);
}

#define TAGGED ",\"TagSpecifications\":[{\"ResourceType\":\"vpc-peering-connection\"," \
               "\"Tags\":[{\"Key\":\"Name\",\"Value\":\"q\\\"b\\\\s \\u00e9\\t\"}," \
               "{\"Key\":\"empty\",\"Value\":\"\"}]}]"

START_TEST(outputs_as_the_tree_printed_them)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R1);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *lv = mkvpc(r, "10.9.0.0/16");
    add_cidr(r, rv, "10.21.0.0/16");
    OK(r, "AssociateVpcCidrBlock",
       J("{\"VpcId\":\"%s\",\"AmazonProvidedIpv6CidrBlock\":true}", rv));

    /* Create, cross-account, with tags that need escaping. */
    const char *av = mkvpc(a, "10.2.0.0/16");
    const char *in = J("{\"VpcId\":\"%s\",\"PeerVpcId\":\"%s\",\"PeerOwnerId\":\"%s\"" TAGGED "}",
                       rv, av, A2);
    const char *text = s_text(r, "CreateVpcPeeringConnection", in);
    const char *p0 = S(pf_parse(text), "VpcPeeringConnection.VpcPeeringConnectionId");
    ck_assert_str_eq(text, J("{\"VpcPeeringConnection\":%s}", s_tree(r, p0)));
    /* The same direction again answers with the existing one. */
    ck_assert_str_eq(s_text(r, "CreateVpcPeeringConnection", in),
                     J("{\"VpcPeeringConnection\":%s}", s_tree(r, p0)));
    pf_settle();

    /* Accept on the accepter's agent: forwarded, answered by the home. */
    uint64_t c = pf_call(a, "AcceptVpcPeeringConnection", pcx_id_input(p0));
    const vs_simnet_reply_t *rep = pf_wait(c);
    ck_assert_int_eq(rep->state, VS_CALL_OK);
    s_canonical(rep->output_json);
    ck_assert_str_eq(S(pf_parse(rep->output_json), "VpcPeeringConnection.Status.Code"),
                     "provisioning");

    /* Same account and Region: accepted at the home, answered at once. */
    text = s_text(r, "CreateVpcPeeringConnection", pcx_input(lv, rv, NULL, NULL));
    const char *p1 = S(pf_parse(text), "VpcPeeringConnection.VpcPeeringConnectionId");
    ck_assert_str_eq(text, J("{\"VpcPeeringConnection\":%s}", s_tree(r, p1)));
    pf_settle();
    text = s_text(r, "AcceptVpcPeeringConnection", pcx_id_input(p1));
    ck_assert_str_eq(text, J("{\"VpcPeeringConnection\":%s}", s_tree(r, p1)));
    pf_settle();

    /* Enough more for a page and a NextToken; one rejected, one deleted. */
    const char *p[8];
    for (int i = 0; i < 8; i++)
        p[i] = mkpcx(r, rv, mkvpc(a, J("10.%d.0.0/16", 100 + i)), A2, NULL);
    pf_settle();
    OK(a, "RejectVpcPeeringConnection", pcx_id_input(p[2]));
    OK(r, "DeleteVpcPeeringConnection", pcx_id_input(p[3]));
    pf_settle();

    const char *ids = J("\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\"", p0,
                        p[7], p[6], p[5], p[4], p[3], p[2], p[1], p[0]);
    text = s_text(r, "DescribeVpcPeeringConnections",
                  J("{\"VpcPeeringConnectionIds\":[%s],\"MaxResults\":5}", ids));
    const char *tok = S(pf_parse(text), "NextToken");
    ck_assert_str_eq(text, J("{\"VpcPeeringConnections\":[%s,%s,%s,%s,%s],\"NextToken\":\"%s\"}",
                             s_tree(r, p0), s_tree(r, p[0]), s_tree(r, p[1]), s_tree(r, p[2]),
                             s_tree(r, p[3]), tok));
    text = s_text(r, "DescribeVpcPeeringConnections",
                  J("{\"VpcPeeringConnectionIds\":[%s],\"MaxResults\":5,\"NextToken\":\"%s\"}",
                    ids, tok));
    ck_assert_str_eq(text, J("{\"VpcPeeringConnections\":[%s,%s,%s,%s]}", s_tree(r, p[4]),
                             s_tree(r, p[5]), s_tree(r, p[6]), s_tree(r, p[7])));
    /* Every connection, each side; and none. */
    text = s_text(a, "DescribeVpcPeeringConnections", "{}");
    s_canonical(text);
    ck_assert_int_eq(N(pf_parse(text), "VpcPeeringConnections"), 9);
    ck_assert(strstr(text, s_tree(a, p[5])) != NULL);
    text = s_text(r, "DescribeVpcPeeringConnections",
                  "{\"Filters\":[{\"Name\":\"status-code\",\"Values\":[\"nothing\"]}]}");
    ck_assert_str_eq(text, "{\"VpcPeeringConnections\":[]}");
    /* A dry run answers DryRunOperation, not the printed output. */
    ERR(r, "DescribeVpcPeeringConnections", "{\"DryRun\":true}", "DryRunOperation", NULL);
}
END_TEST

Suite *vs_test_suite(void);
Suite *vs_test_suite(void)
{
    Suite *s = suite_create("peering_text");
    TCase *tc = tcase_create("text");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, outputs_as_the_tree_printed_them);
    suite_add_tcase(s, tc);
    return s;
}
