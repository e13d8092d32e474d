/* Unit tests of viz/trace.c: a known history of one peering connection
 * (create by A, request, accept by B forwarded to the home, a resend and a
 * duplicate under faults) gives a known diagram in each format. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "trace.h"

#define T0 "1561193729000"
static const char s_history[] =
    "{\"PcxId\":\"pcx-0123456789abcdef0\",\"Caller\":\"111111111111\",\"Agents\":["
    "{\"AccountId\":\"111111111111\",\"Region\":\"us-east-1\",\"Events\":["
    "{\"Seq\":1,\"SimTimeMs\":1561193729000,\"WallTimeMs\":1,\"Kind\":\"api-call\",\"ObjectId\":\"vpc-0000000000000000a\","
    "\"CauseId\":\"00000000000000c1\",\"MessageId\":\"00000000000000c1\",\"PeerAccount\":\"\",\"PeerRegion\":\"\","
    "\"Caller\":\"111111111111\",\"Action\":\"CreateVpcPeeringConnection\",\"Detail\":\"\"},"
    "{\"Seq\":2,\"SimTimeMs\":1561193729000,\"WallTimeMs\":2,\"Kind\":\"state\",\"ObjectId\":\"pcx-0123456789abcdef0\","
    "\"CauseId\":\"00000000000000c1\",\"MessageId\":\"0000000000000000\",\"PeerAccount\":\"\",\"PeerRegion\":\"\","
    "\"Caller\":\"\",\"Action\":\"\",\"Detail\":\"initiating-request\"},"
    "{\"Seq\":3,\"SimTimeMs\":1561193729000,\"WallTimeMs\":3,\"Kind\":\"peer-send\",\"ObjectId\":\"pcx-0123456789abcdef0\","
    "\"CauseId\":\"00000000000000c1\",\"MessageId\":\"000000000000a001\",\"PeerAccount\":\"222222222222\",\"PeerRegion\":\"eu-west-1\","
    "\"Caller\":\"\",\"Action\":\"Request\",\"Detail\":\"\"},"
    "{\"Seq\":4,\"SimTimeMs\":1561193729000,\"WallTimeMs\":4,\"Kind\":\"api-reply\",\"ObjectId\":\"pcx-0123456789abcdef0\","
    "\"CauseId\":\"00000000000000c1\",\"MessageId\":\"00000000000000c1\",\"PeerAccount\":\"\",\"PeerRegion\":\"\","
    "\"Caller\":\"\",\"Action\":\"CreateVpcPeeringConnection\",\"Detail\":\"ok\"},"
    "{\"Seq\":5,\"SimTimeMs\":1561193730000,\"WallTimeMs\":5,\"Kind\":\"peer-resend\",\"ObjectId\":\"pcx-0123456789abcdef0\","
    "\"CauseId\":\"00000000000000c1\",\"MessageId\":\"000000000000a001\",\"PeerAccount\":\"222222222222\",\"PeerRegion\":\"eu-west-1\","
    "\"Caller\":\"\",\"Action\":\"Request\",\"Detail\":\"\"},"
    "{\"Seq\":6,\"SimTimeMs\":1561193740000,\"WallTimeMs\":9,\"Kind\":\"peer-recv\",\"ObjectId\":\"pcx-0123456789abcdef0\","
    "\"CauseId\":\"00000000000000c2\",\"MessageId\":\"000000000000b001\",\"PeerAccount\":\"222222222222\",\"PeerRegion\":\"eu-west-1\","
    "\"Caller\":\"\",\"Action\":\"Op\",\"Detail\":\"\"},"
    "{\"Seq\":7,\"SimTimeMs\":1561193740000,\"WallTimeMs\":10,\"Kind\":\"state\",\"ObjectId\":\"pcx-0123456789abcdef0\","
    "\"CauseId\":\"00000000000000c2\",\"MessageId\":\"0000000000000000\",\"PeerAccount\":\"\",\"PeerRegion\":\"\","
    "\"Caller\":\"\",\"Action\":\"\",\"Detail\":\"provisioning\"}]},"
    "{\"AccountId\":\"222222222222\",\"Region\":\"eu-west-1\",\"Events\":["
    /* B's clock is a little behind: its receipt still comes after A's sending. */
    "{\"Seq\":10,\"SimTimeMs\":1561193728990,\"WallTimeMs\":1,\"Kind\":\"peer-recv\",\"ObjectId\":\"pcx-0123456789abcdef0\","
    "\"CauseId\":\"00000000000000c1\",\"MessageId\":\"000000000000a001\",\"PeerAccount\":\"111111111111\",\"PeerRegion\":\"us-east-1\","
    "\"Caller\":\"\",\"Action\":\"Request\",\"Detail\":\"\"},"
    "{\"Seq\":11,\"SimTimeMs\":1561193730000,\"WallTimeMs\":6,\"Kind\":\"peer-duplicate\",\"ObjectId\":\"pcx-0123456789abcdef0\","
    "\"CauseId\":\"00000000000000c1\",\"MessageId\":\"000000000000a001\",\"PeerAccount\":\"111111111111\",\"PeerRegion\":\"us-east-1\","
    "\"Caller\":\"\",\"Action\":\"Request\",\"Detail\":\"duplicate dropped\"},"
    "{\"Seq\":12,\"SimTimeMs\":1561193740000,\"WallTimeMs\":7,\"Kind\":\"api-call\",\"ObjectId\":\"pcx-0123456789abcdef0\","
    "\"CauseId\":\"00000000000000c2\",\"MessageId\":\"00000000000000c2\",\"PeerAccount\":\"\",\"PeerRegion\":\"\","
    "\"Caller\":\"222222222222\",\"Action\":\"AcceptVpcPeeringConnection\",\"Detail\":\"\"},"
    "{\"Seq\":13,\"SimTimeMs\":1561193740000,\"WallTimeMs\":8,\"Kind\":\"peer-send\",\"ObjectId\":\"pcx-0123456789abcdef0\","
    "\"CauseId\":\"00000000000000c2\",\"MessageId\":\"000000000000b001\",\"PeerAccount\":\"111111111111\",\"PeerRegion\":\"us-east-1\","
    "\"Caller\":\"\",\"Action\":\"Op\",\"Detail\":\"\"}]}]}";

static vs_trace_t *s_build(void)
{
    char err[160] = "";
    vs_json_t *h = vs_json_parse(s_history, strlen(s_history), err, sizeof err);
    ck_assert_msg(h != NULL, "history: %s", err);
    vs_trace_t *t = vs_trace_build(h, err, sizeof err);
    ck_assert_msg(t != NULL, "build: %s", err);
    vs_json_free(&h);
    return t;
}

START_TEST(known_history_gives_known_text)
{
    vs_trace_t *t = s_build();
    char *s = vs_trace_render(t, VS_TRACE_TEXT);
    ck_assert_str_eq(s,
        "# pcx-0123456789abcdef0: simulated time, from -> to (-x a fault, --> a reply)\n"
        "2019-06-22T08:55:29.000Z  client 111111111111 ->  agent 111111111111 us-east-1: CreateVpcPeeringConnection\n"
        "2019-06-22T08:55:29.000Z  [agent 111111111111 us-east-1] initiating-request\n"
        "2019-06-22T08:55:29.000Z  agent 111111111111 us-east-1 ->  broker: Request #a001 to 222222222222\n"
        /* Each agent's own clock: B's receipt reads earlier, and is drawn after. */
        "2019-06-22T08:55:28.990Z  broker ->  agent 222222222222 eu-west-1: Request #a001 from 111111111111\n"
        "2019-06-22T08:55:29.000Z  agent 111111111111 us-east-1 --> client 111111111111: CreateVpcPeeringConnection: ok\n"
        "2019-06-22T08:55:30.000Z  agent 111111111111 us-east-1 -x  broker: resend Request #a001 (not acknowledged)\n"
        "2019-06-22T08:55:30.000Z  broker -x  agent 222222222222 eu-west-1: Request #a001 again: duplicate dropped\n"
        "2019-06-22T08:55:40.000Z  client 222222222222 ->  agent 222222222222 eu-west-1: AcceptVpcPeeringConnection\n"
        "2019-06-22T08:55:40.000Z  agent 222222222222 eu-west-1 ->  broker: Op #b001 to 111111111111\n"
        "2019-06-22T08:55:40.000Z  broker ->  agent 111111111111 us-east-1: Op #b001 from 222222222222\n"
        "2019-06-22T08:55:40.000Z  [agent 111111111111 us-east-1] provisioning\n");
    free(s);
    ck_assert_uint_eq(vs_trace_steps(t), 11);
    ck_assert_str_eq(vs_trace_step_key(t, 0), "0:1");
    vs_trace_destroy(&t);
    ck_assert_ptr_null(t);
}
END_TEST

START_TEST(known_history_gives_known_mermaid)
{
    vs_trace_t *t = s_build();
    char *s = vs_trace_render(t, VS_TRACE_MERMAID);
    ck_assert_str_eq(s,
        "sequenceDiagram\n"
        "    title pcx-0123456789abcdef0\n"
        "    participant client_111111111111 as client 111111111111\n"
        "    participant agent_111111111111_us_east_1 as agent 111111111111 us-east-1\n"
        "    participant broker as broker\n"
        "    participant agent_222222222222_eu_west_1 as agent 222222222222 eu-west-1\n"
        "    participant client_222222222222 as client 222222222222\n"
        "    client_111111111111->>agent_111111111111_us_east_1: CreateVpcPeeringConnection\n"
        "    Note over agent_111111111111_us_east_1: initiating-request\n"
        "    agent_111111111111_us_east_1->>broker: Request #35;a001 to 222222222222\n"
        "    broker->>agent_222222222222_eu_west_1: Request #35;a001 from 111111111111\n"
        "    agent_111111111111_us_east_1-->>client_111111111111: CreateVpcPeeringConnection: ok\n"
        "    agent_111111111111_us_east_1-xbroker: resend Request #35;a001 (not acknowledged)\n"
        "    broker-xagent_222222222222_eu_west_1: Request #35;a001 again: duplicate dropped\n"
        "    client_222222222222->>agent_222222222222_eu_west_1: AcceptVpcPeeringConnection\n"
        "    agent_222222222222_eu_west_1->>broker: Op #35;b001 to 111111111111\n"
        "    broker->>agent_111111111111_us_east_1: Op #35;b001 from 222222222222\n"
        "    Note over agent_111111111111_us_east_1: provisioning\n");
    free(s);
    vs_trace_destroy(&t);
}
END_TEST

static int s_count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

START_TEST(svg_has_a_lane_per_party_and_a_row_per_step)
{
    vs_trace_t *t = s_build();
    char *s = vs_trace_render(t, VS_TRACE_SVG);
    ck_assert_ptr_nonnull(s);
    const char *head = "<svg xmlns=\"http://www.w3.org/2000/svg\" ";
    ck_assert(strncmp(s, head, strlen(head)) == 0);
    ck_assert_int_eq(s_count(s, "<g class=\"lane\">"), 5);
    ck_assert_int_eq(s_count(s, "<g class=\"note\">"), 2);
    ck_assert_int_eq(s_count(s, "<g class=\"fault\">"), 2);
    ck_assert_int_eq(s_count(s, "<g class=\"reply\">"), 1);
    ck_assert_int_eq(s_count(s, "<g class=\"msg\">"), 6);
    ck_assert(strstr(s, "</svg>\n") != NULL);
    free(s);
    vs_trace_destroy(&t);
}
END_TEST

START_TEST(svg_escapes_text)
{
    const char *h = "{\"PcxId\":\"pcx-0123456789abcdef0\",\"Agents\":[{\"AccountId\":\"111111111111\","
                    "\"Region\":\"us-east-1\",\"Events\":[{\"Seq\":1,\"SimTimeMs\":0,\"WallTimeMs\":0,"
                    "\"Kind\":\"api-reply\",\"ObjectId\":\"\",\"CauseId\":\"1\",\"MessageId\":\"1\","
                    "\"PeerAccount\":\"\",\"PeerRegion\":\"\",\"Caller\":\"\",\"Action\":\"<x>&\","
                    "\"Detail\":\"\\\"q\\\"\"}]}]}";
    char err[160];
    vs_json_t *j = vs_json_parse(h, strlen(h), err, sizeof err);
    ck_assert_ptr_nonnull(j);
    vs_trace_t *t = vs_trace_build(j, err, sizeof err);
    ck_assert_msg(t != NULL, "%s", err);
    char *s = vs_trace_render(t, VS_TRACE_SVG);
    ck_assert(strstr(s, "&lt;x&gt;&amp;: &quot;q&quot;") != NULL);
    ck_assert(strstr(s, "<x>") == NULL);
    free(s);
    vs_trace_destroy(&t);
    vs_json_free(&j);
}
END_TEST

START_TEST(malformed_histories_are_refused)
{
    const char *bad[] = {
        "{}",
        "{\"PcxId\":\"pcx-1\",\"Agents\":{}}",
        "{\"PcxId\":\"pcx-1\",\"Agents\":[{\"AccountId\":\"1\"}]}",
        "{\"PcxId\":\"pcx-1\",\"Agents\":[{\"AccountId\":\"1\",\"Region\":\"r\",\"Events\":[{\"Seq\":1}]}]}",
        "{\"PcxId\":\"pcx-1\",\"Agents\":[{\"AccountId\":\"1\",\"Region\":\"r\",\"Events\":[7]}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[160] = "";
        vs_json_t *j = vs_json_parse(bad[i], strlen(bad[i]), NULL, 0);
        ck_assert_ptr_nonnull(j);
        ck_assert_ptr_null(vs_trace_build(j, err, sizeof err));
        ck_assert_msg(err[0], "no reason for %s", bad[i]);
        vs_json_free(&j);
    }
    ck_assert_int_eq(vs_trace_format_parse("mermaid"), VS_TRACE_MERMAID);
    ck_assert_int_eq(vs_trace_format_parse("png"), -1);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("viz_trace");
    TCase *tc = tcase_create("trace");
    tcase_add_test(tc, known_history_gives_known_text);
    tcase_add_test(tc, known_history_gives_known_mermaid);
    tcase_add_test(tc, svg_has_a_lane_per_party_and_a_row_per_step);
    tcase_add_test(tc, svg_escapes_text);
    tcase_add_test(tc, malformed_histories_are_refused);
    suite_add_tcase(s, tc);
    return s;
}
