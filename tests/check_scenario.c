/* Unit tests of scenario files (scenario/): the YAML reader keeps lines,
 * the path subset selects what JMESPath would, ${NAME.PATH} fills in
 * earlier outputs, the parser refuses broken files with the line and the
 * field, and the compose file names every agent with its volume, options
 * and health check. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "scn_compose.h"
#include "scn_parse.h"
#include "scn_path.h"
#include "scn_vars.h"
#include "scn_yaml.h"

static vs_json_t *s_doc(const char *text)
{
    char err[128];
    vs_json_t *v = vs_json_parse(text, strlen(text), err, sizeof err);
    ck_assert_msg(v != NULL, "%s", err);
    return v;
}

/* The path's result as compact JSON ("null" when it selects nothing). */
static char *s_eval(const char *path, const vs_json_t *doc)
{
    vs_json_t *out = NULL;
    char err[300];
    ck_assert_msg(scn_path_eval(path, doc, &out, err, sizeof err) == 0, "%s: %s", path, err);
    char *text = out ? vs_json_dump(out, 0) : strdup("null");
    vs_json_free(&out);
    return text;
}

static const char s_pcxs[] =
    "{\"VpcPeeringConnections\": ["
    " {\"VpcPeeringConnectionId\": \"pcx-1\", \"Status\": {\"Code\": \"active\"},"
    "  \"Tags\": [{\"Key\": \"Name\", \"Value\": \"joinc-test\"}, {\"Key\": \"team\", \"Value\": \"db\"}]},"
    " {\"VpcPeeringConnectionId\": \"pcx-2\", \"Status\": {\"Code\": \"deleted\"}, \"Tags\": []}],"
    " \"Nested\": [[1, 2], [3], 4], \"Count\": 2, \"Ok\": true}";

START_TEST(t_path_select)
{
    vs_json_t *doc = s_doc(s_pcxs);
    static const struct { const char *path, *want; } cases[] = {
        { "VpcPeeringConnections[0].Status.Code", "\"active\"" },
        { "VpcPeeringConnections[-1].VpcPeeringConnectionId", "\"pcx-2\"" },
        { "VpcPeeringConnections[2]", "null" },
        { "Missing.Key", "null" },
        { "VpcPeeringConnections[*].Status.Code", "[\"active\",\"deleted\"]" },
        { "VpcPeeringConnections[?Status.Code=='x']", "[]" },
        { "VpcPeeringConnections[0].Tags[?Key=='Name'].Value", "[\"joinc-test\"]" },
        { "VpcPeeringConnections[0].Tags[?Key!='Name'].Value | [0]", "\"db\"" },
        { "VpcPeeringConnections[].Tags[].Key", "[\"Name\",\"team\"]" },
        { "Nested[]", "[1,2,3,4]" },
        { "length(VpcPeeringConnections)", "2" },
        { "length(VpcPeeringConnections[0].Tags)", "2" },
        { "Count", "2" },
        { "Ok", "true" },
        { "VpcPeeringConnections[?VpcPeeringConnectionId=='pcx-2'] | [0].Status.Code", "\"deleted\"" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = s_eval(cases[i].path, doc);
        ck_assert_msg(!strcmp(got, cases[i].want), "%s: got %s, want %s", cases[i].path, got, cases[i].want);
        free(got);
    }
    vs_json_free(&doc);
}
END_TEST

START_TEST(t_path_syntax)
{
    static const char *const bad[] = { "", "a..b", "a[", "a[x]", "a[?b]", "a[?b=='c'", "a | ", "| a",
                                       "length(a", "a b" };
    char err[300];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(scn_path_check(bad[i], err, sizeof err) < 0, "'%s' was accepted", bad[i]);
        ck_assert_msg(strstr(err, "bad path") != NULL, "%s", err);
    }
    ck_assert_int_eq(scn_path_check("a.b[0][?c=='d'].e[] | [0]", err, sizeof err), 0);
}
END_TEST

static const vs_json_t *s_one_var(void *ctx, const char *name)
{
    return !strcmp(name, "vpc_a") ? ctx : NULL;
}

START_TEST(t_vars_expand)
{
    vs_json_t *doc = s_doc("{\"Vpc\": {\"VpcId\": \"vpc-0a\", \"Ipv6\": false, \"Tags\": [{\"Key\": \"k\"}]}}");
    char err[300];
    char *s = scn_vars_expand("--vpc-id ${vpc_a.Vpc.VpcId} $$HOME ${vpc_a.Vpc.Ipv6} ${vpc_a.Vpc.Tags}", s_one_var,
                              doc, err, sizeof err);
    ck_assert_msg(s != NULL, "%s", err);
    ck_assert_str_eq(s, "--vpc-id vpc-0a $HOME false [{\"Key\":\"k\"}]");
    free(s);
    ck_assert_ptr_null(scn_vars_expand("${other.Vpc.VpcId}", s_one_var, doc, err, sizeof err));
    ck_assert_msg(strstr(err, "'other' has no output") != NULL, "%s", err);
    ck_assert_ptr_null(scn_vars_expand("${vpc_a.Vpc.Missing}", s_one_var, doc, err, sizeof err));
    ck_assert_msg(strstr(err, "selects nothing") != NULL, "%s", err);
    ck_assert_ptr_null(scn_vars_expand("${vpc_a.Vpc.VpcId", s_one_var, doc, err, sizeof err));
    ck_assert_msg(strstr(err, "unterminated") != NULL, "%s", err);
    vs_json_free(&doc);
}
END_TEST

START_TEST(t_yaml_lines)
{
    static const char text[] = "# comment\nagents:\n  a:\n    account: \"007\"\n    region: x\nsteps:\n  - 42\n";
    char err[200];
    scn_ynode_t *root = scn_yaml_load(text, strlen(text), err, sizeof err);
    ck_assert_msg(root != NULL, "%s", err);
    const scn_ynode_t *a = scn_ynode_get(scn_ynode_get(root, "agents"), "a");
    ck_assert_int_eq(scn_ynode_line(a), 4);
    const scn_ynode_t *acct = scn_ynode_get(a, "account");
    ck_assert_str_eq(scn_ynode_str(acct), "007");
    ck_assert(scn_ynode_quoted(acct));
    const scn_ynode_t *steps = scn_ynode_get(root, "steps");
    ck_assert_int_eq(scn_ynode_len(steps), 1);
    ck_assert_int_eq(scn_ynode_line(scn_ynode_at(steps, 0)), 7);
    ck_assert(!scn_ynode_quoted(scn_ynode_at(steps, 0)));
    scn_yaml_free(&root);

    static const char dup[] = "a: 1\nb: 2\na: 3\n";
    ck_assert_ptr_null(scn_yaml_load(dup, strlen(dup), err, sizeof err));
    ck_assert_str_eq(err, "line 3: duplicate key 'a'");
    static const char alias[] = "a: &x 1\nb: *x\n";
    ck_assert_ptr_null(scn_yaml_load(alias, strlen(alias), err, sizeof err));
    ck_assert_msg(strstr(err, "line 2: aliases") != NULL, "%s", err);
    static const char broken[] = "a: [1, 2\nb: 3\n";
    ck_assert_ptr_null(scn_yaml_load(broken, strlen(broken), err, sizeof err));
    ck_assert_msg(!strncmp(err, "line ", 5), "%s", err);
    ck_assert_ptr_null(scn_yaml_load("", 0, err, sizeof err));
}
END_TEST

START_TEST(t_split_words)
{
    char *w[8];
    char err[100];
    int n = scn_split_words("create-vpc --tag-specifications 'ResourceType=vpc,Tags=[{Key=Name,Value=A B}]' "
                            "\"x\\\"y\" a\\ b", w, 8, err, sizeof err);
    ck_assert_int_eq(n, 5);
    ck_assert_str_eq(w[2], "ResourceType=vpc,Tags=[{Key=Name,Value=A B}]");
    ck_assert_str_eq(w[3], "x\"y");
    ck_assert_str_eq(w[4], "a b");
    for (int i = 0; i < n; i++)
        free(w[i]);
    ck_assert_int_eq(scn_split_words("a 'b", w, 8, err, sizeof err), -1);
    ck_assert_str_eq(err, "unterminated ' quote");
    ck_assert_int_eq(scn_split_words("a b c", w, 2, err, sizeof err), -1);
}
END_TEST

#define S_HEAD "agents:\n  a: {account: \"111111111111\", region: us-east-1}\n" \
               "  b: {account: \"222222222222\", region: eu-west-1, options: [--modern-rules]}\nsteps:\n"

static const char s_good[] = S_HEAD
    "  - ec2: create-vpc --cidr-block 10.1.0.0/16\n"                                   /* 5 */
    "    name: vpc_a\n"
    "    expect: {output: {Vpc.CidrBlock: 10.1.0.0/16, Vpc.IsDefault: false}}\n"
    "  - as: b\n"
    "    ec2: [create-vpc, --cidr-block, 10.2.0.0/16]\n"                                /* 9 */
    "    name: vpc_b\n"
    "  - as: a\n"
    "    ec2: create-vpc-peering-connection --vpc-id ${vpc_a.Vpc.VpcId} --peer-vpc-id ${vpc_b.Vpc.VpcId}"
    " --peer-owner-id 222222222222 --peer-region eu-west-1\n"
    "    name: pcx\n"
    "  - advance-clock: 5\n"
    "  - faults: {drop: 0.2, delay: 1-20, seed: 7}\n"
    "  - partition: {isolate: b}\n"
    "  - kill: b\n"
    "  - restart: broker\n"
    "  - race:\n"
    "      - {as: b, ec2: \"accept-vpc-peering-connection --vpc-peering-connection-id "
    "${pcx.VpcPeeringConnection.VpcPeeringConnectionId}\"}\n"
    "      - {as: a, ec2: \"delete-vpc-peering-connection --vpc-peering-connection-id "
    "${pcx.VpcPeeringConnection.VpcPeeringConnectionId}\"}\n"
    "    expect:\n"
    "      one-wins:\n"
    "        - {results: [InvalidStateTransition, ok], state: deleted}\n"
    "        - {results: [ok, ok], state: deleted}\n"
    "      peering: {id: \"${pcx.VpcPeeringConnection.VpcPeeringConnectionId}\", within: 30}\n"
    "  - expect:\n"
    "      peering: {id: \"${pcx.VpcPeeringConnection.VpcPeeringConnectionId}\", state: {a: deleted, b: gone}}\n"
    "  - as: b\n"
    "    expect: {reachability: {path: nip-0123, found: false, explanation: DISCONNECTED_VPCS}}\n";

START_TEST(t_parse_good)
{
    char *err = NULL;
    scn_scenario_t *s = scn_parse("good.yaml", s_good, strlen(s_good), &err);
    ck_assert_msg(s != NULL, "%s", err);
    ck_assert_int_eq(s->nagents, 2);
    ck_assert_str_eq(s->agents[1].options[0], "--modern-rules");
    ck_assert_int_eq(s->nsteps, 11);
    ck_assert_int_eq(s->steps[0].kind, SCN_STEP_EC2);
    ck_assert_int_eq(s->steps[0].line, 5);
    ck_assert_int_eq(s->steps[0].noutputs, 2);
    ck_assert_int_eq(s->steps[1].agent, 1);
    ck_assert_str_eq(s->steps[1].call.args[2], "10.2.0.0/16");
    ck_assert_int_eq(s->steps[3].seconds, 5);
    char *f = vs_json_dump(s->steps[4].admin_args, 0);
    ck_assert_str_eq(f, "{\"drop\":0.2,\"delay_ms\":[1,20],\"seed\":7}");
    free(f);
    f = vs_json_dump(s->steps[5].admin_args, 0);
    ck_assert_str_eq(f, "{\"isolate\":[\"222222222222:eu-west-1\"]}");
    free(f);
    ck_assert(s->steps[7].broker);
    ck_assert_int_eq(s->steps[8].nrace, 2);
    ck_assert_int_eq(s->steps[8].nalts, 2);
    ck_assert_str_eq(s->steps[8].alts[0].results[0], "InvalidStateTransition");
    ck_assert_str_eq(s->steps[9].peering->per_agent[1], "gone");
    ck_assert_int_eq(s->steps[10].reach->found, 0);
    char *text = scn_call_text(&s->steps[2].call);
    ck_assert_msg(strstr(text, "--vpc-id '${vpc_a.Vpc.VpcId}'") != NULL, "%s", text);
    free(text);
    scn_scenario_free(&s);
}
END_TEST

/* Each broken file fails with this text (FILE:LINE: FIELD: what). */
START_TEST(t_parse_broken)
{
    static const struct { const char *steps, *want; } cases[] = {
        { "  - ec2: create-vpc\n    name: x: y\n", "t.yaml:6: not valid YAML: mapping values" },
        { "  - ec2: [create-vpc\n  - advance-clock: 1\n", "t.yaml:6: not valid YAML: did not find expected ',' or ']'" },
        { "  - ec2: create-vpcc --cidr-block 10.1.0.0/16\n",
          "t.yaml:5: step 1, field 'ec2': unknown ec2 command 'create-vpcc'" },
        { "  - ec2: create-vpc --cidr-blok 10.1.0.0/16\n",
          "t.yaml:5: step 1, field 'ec2': create-vpc: Unknown options: --cidr-blok" },
        { "  - ec2: create-subnet --vpc-id ${vpc.Vpc.VpcId} --cidr-block 10.1.1.0/24\n",
          "t.yaml:5: step 1, field 'ec2': unknown variable 'vpc' in ${vpc.Vpc.VpcId}" },
        { "  - ec2: create-subnet --vpc-id ${vpc.Vpc.VpcId} --cidr-block 10.1.1.0/24\n"
          "  - {ec2: create-vpc --cidr-block 10.1.0.0/16, name: vpc}\n",
          "t.yaml:5: step 1, field 'ec2': unknown variable 'vpc'" },
        { "  - advance-clock: soon\n", "t.yaml:5: step 1, field 'advance-clock': expected a whole number, got 'soon'" },
        { "  - advance-clock: [1]\n", "t.yaml:5: step 1, field 'advance-clock': expected a whole number, got a list" },
        { "  - sleep: 61\n", "t.yaml:5: step 1, field 'sleep': 61 is out of range (0 to 60)" },
        { "  - ec2: create-vpc --cidr-block 10.1.0.0/16\n    expect: {error: true, output: {a: b}}\n",
          "t.yaml:6: step 1, field 'expect': a step expects either an error or an output, not both" },
        { "  - ec2: create-vpc --cidr-block 10.1.0.0/16\n    colour: red\n",
          "t.yaml:6: step 1, field 'steps': unknown field 'colour' in a step" },
        { "  - as: c\n    ec2: create-vpc --cidr-block 10.1.0.0/16\n",
          "t.yaml:5: step 1, field 'as': unknown agent 'c' (agents: a, b)" },
        { "  - kill: c\n", "t.yaml:5: step 1, field 'kill': unknown agent 'c' (agents: a, b, or broker)" },
        { "  - {ec2: create-vpc --cidr-block 10.1.0.0/16, name: v}\n  - {ec2: create-vpc --cidr-block 10.2.0.0/16, name: v}\n",
          "t.yaml:6: step 2, field 'name': the name 'v' is already used by an earlier step" },
        { "  - faults: {drop: 1.5}\n", "t.yaml:5: step 1, field 'faults': 1.5 is out of range (0 to 1)" },
        { "  - expect: {peering: {id: pcx-1, state: activ}}\n",
          "t.yaml:5: step 1, field 'expect.peering.state': unknown peering state 'activ'" },
        { "  - ec2: create-vpc --cidr-block 10.1.0.0/16\n    expect: {output: {\"Vpc..X\": 1}}\n",
          "t.yaml:6: step 1, field 'expect.output.Vpc..X': bad path 'Vpc..X'" },
        { "  - race:\n      - {ec2: delete-vpc-peering-connection --vpc-peering-connection-id pcx-1}\n"
          "      - {ec2: delete-vpc-peering-connection --vpc-peering-connection-id pcx-1}\n"
          "    expect: {one-wins: [{results: [ok]}]}\n",
          "t.yaml:8: step 1, field 'expect.one-wins': 1 results for a race of 2 calls" },
        { "  - race:\n      - {ec2: delete-vpc-peering-connection --vpc-peering-connection-id pcx-1}\n"
          "      - {ec2: delete-vpc-peering-connection --vpc-peering-connection-id pcx-1}\n"
          "    expect: {one-wins: [{results: [ok, ok]}, {results: [ok, ok], state: active}]}\n",
          "t.yaml:8: step 1, field 'expect.one-wins': this outcome has the same results as the one at line 8" },
        { "  - {}\n", "t.yaml:5: step 1, field 'steps': a step needs one of ec2" },
        { "  - ec2: create-vpc --cidr-block 10.1.0.0/16\n    advance-clock: 5\n",
          "step 1, field 'steps': a step does one thing: both 'ec2' and 'advance-clock'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[2048];
        snprintf(text, sizeof text, "%s%s", S_HEAD, cases[i].steps);
        char *err = NULL;
        scn_scenario_t *s = scn_parse("t.yaml", text, strlen(text), &err);
        ck_assert_msg(s == NULL, "case %zu was accepted", i);
        ck_assert_msg(err && strstr(err, cases[i].want), "case %zu: got '%s', want '%s'", i, err, cases[i].want);
        free(err);
    }
    static const struct { const char *text, *want; } files[] = {
        { "steps: []\n", "t.yaml:1: field 'agents': the scenario declares no agents" },
        { "agents: {a: {account: \"1\", region: us-east-1}}\nsteps: [{advance-clock: 1}]\n",
          "t.yaml:1: field 'agents.a.account': an account id is 12 digits, got '1'" },
        { "agents: {a: {account: \"111111111111\", region: mars-1}}\nsteps: [{advance-clock: 1}]\n",
          "t.yaml:1: field 'agents.a.region': unknown Region 'mars-1'" },
        { "- 1\n", "t.yaml:1: expected a scenario (a mapping with agents and steps), got a list" },
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *err = NULL;
        ck_assert_ptr_null(scn_parse("t.yaml", files[i].text, strlen(files[i].text), &err));
        ck_assert_msg(err && strstr(err, files[i].want), "file %zu: got '%s'", i, err);
        free(err);
    }
}
END_TEST

START_TEST(t_compose_file)
{
    char *err = NULL;
    scn_scenario_t *s = scn_parse("good.yaml", s_good, strlen(s_good), &err);
    ck_assert_msg(s != NULL, "%s", err);
    char *yaml = scn_compose_yaml(s, true);
    char yerr[200];
    scn_ynode_t *root = scn_yaml_load(yaml, strlen(yaml), yerr, sizeof yerr);
    ck_assert_msg(root != NULL, "%s\n%s", yerr, yaml);
    const scn_ynode_t *services = scn_ynode_get(root, "services");
    ck_assert_int_eq(scn_ynode_len(services), 4);   /* broker, gateway, two agents */
    const scn_ynode_t *b = scn_ynode_get(services, "agent-222222222222-eu-west-1");
    ck_assert_ptr_nonnull(b);
    const scn_ynode_t *cmd = scn_ynode_get(b, "command");
    ck_assert_str_eq(scn_ynode_str(scn_ynode_at(cmd, scn_ynode_len(cmd) - 1)), "--modern-rules");
    ck_assert_ptr_nonnull(scn_ynode_get(scn_ynode_get(b, "healthcheck"), "test"));
    ck_assert_ptr_nonnull(scn_ynode_get(scn_ynode_get(root, "volumes"), "agent-111111111111-us-east-1"));
    ck_assert_ptr_nonnull(strstr(yaml, "\"127.0.0.1:${VPCSIM_PORT:-5555}:5555\""));
    scn_yaml_free(&root);
    free(yaml);
    scn_scenario_free(&s);
}
END_TEST

/* Does the sequence n hold the scalar want? */
static bool s_seq_has(const scn_ynode_t *n, const char *want)
{
    for (size_t i = 0; i < scn_ynode_len(n); i++)
        if (scn_ynode_str(scn_ynode_at(n, i)) && !strcmp(scn_ynode_str(scn_ynode_at(n, i)), want))
            return true;
    return false;
}

static bool s_mounts(const scn_ynode_t *service, const char *file)
{
    char want[200];
    snprintf(want, sizeof want, "${VPCSIM_KEYS_DIR:-./keys}/%s:/keys/%s:ro", file, file);
    return s_seq_has(scn_ynode_get(service, "volumes"), want);
}

/* Each container gets exactly the key files it needs: three agents, two
 * of them in one account (one client key for both). */
START_TEST(t_compose_keys)
{
    static const char text[] =
        "agents:\n  a: {account: \"111111111111\", region: us-east-1}\n"
        "  a2: {account: \"111111111111\", region: eu-west-1}\n"
        "  b: {account: \"222222222222\", region: eu-west-1, options: [--modern-rules]}\n"
        "steps:\n  - advance-clock: 1\n";
    char *err = NULL;
    scn_scenario_t *s = scn_parse("keys.yaml", text, strlen(text), &err);
    ck_assert_msg(s != NULL, "%s", err);
    char *yaml = scn_compose_yaml(s, true);
    char yerr[200];
    scn_ynode_t *root = scn_yaml_load(yaml, strlen(yaml), yerr, sizeof yerr);
    ck_assert_msg(root != NULL, "%s\n%s", yerr, yaml);
    const scn_ynode_t *services = scn_ynode_get(root, "services");
    ck_assert_int_eq(scn_ynode_len(services), 5);

    const scn_ynode_t *broker = scn_ynode_get(services, "broker");
    const scn_ynode_t *cmd = scn_ynode_get(broker, "command");
    ck_assert_str_eq(scn_ynode_str(scn_ynode_at(cmd, scn_ynode_len(cmd) - 2)), "--keys");
    ck_assert_str_eq(scn_ynode_str(scn_ynode_at(cmd, scn_ynode_len(cmd) - 1)), "/keys");
    ck_assert(s_seq_has(scn_ynode_get(scn_ynode_get(broker, "healthcheck"), "test"), "--keys"));
    const char *broker_files[] = { "broker.key", "broker.pub", "admin.key", "admin.pub",
                                   "agent-111111111111-us-east-1.pub", "agent-111111111111-eu-west-1.pub",
                                   "agent-222222222222-eu-west-1.pub", "client-111111111111.pub",
                                   "client-222222222222.pub" };
    for (size_t i = 0; i < sizeof broker_files / sizeof broker_files[0]; i++)
        ck_assert_msg(s_mounts(broker, broker_files[i]), "broker lacks %s", broker_files[i]);
    /* broker-data and the nine key files: no agent's or client's secret. */
    ck_assert_int_eq(scn_ynode_len(scn_ynode_get(broker, "volumes")), 10);

    const scn_ynode_t *b = scn_ynode_get(services, "agent-222222222222-eu-west-1");
    ck_assert_ptr_nonnull(b);
    cmd = scn_ynode_get(b, "command");
    ck_assert(s_seq_has(cmd, "--keys") && s_seq_has(cmd, "/keys"));
    ck_assert_str_eq(scn_ynode_str(scn_ynode_at(cmd, scn_ynode_len(cmd) - 1)), "--modern-rules");
    ck_assert(s_seq_has(scn_ynode_get(scn_ynode_get(b, "healthcheck"), "test"), "--keys"));
    ck_assert(s_mounts(b, "broker.pub"));
    ck_assert(s_mounts(b, "agent-222222222222-eu-west-1.key"));
    ck_assert(s_mounts(b, "client-222222222222.key"));
    ck_assert(!s_mounts(b, "client-111111111111.key"));
    ck_assert(!s_mounts(b, "broker.key"));
    ck_assert_int_eq(scn_ynode_len(scn_ynode_get(b, "volumes")), 4);
    const scn_ynode_t *a2 = scn_ynode_get(services, "agent-111111111111-eu-west-1");
    ck_assert(s_mounts(a2, "agent-111111111111-eu-west-1.key"));
    ck_assert(!s_mounts(a2, "agent-111111111111-us-east-1.key"));
    ck_assert(s_mounts(a2, "client-111111111111.key"));

    const scn_ynode_t *gw = scn_ynode_get(services, "gateway");
    ck_assert_ptr_nonnull(gw);
    cmd = scn_ynode_get(gw, "command");
    ck_assert_str_eq(scn_ynode_str(scn_ynode_at(cmd, 0)), "vpcsim-gateway");
    ck_assert(s_seq_has(cmd, "0.0.0.0:4566") && s_seq_has(cmd, "tcp://broker:5555"));
    ck_assert(s_seq_has(scn_ynode_get(gw, "ports"), "127.0.0.1:${VPCSIM_GATEWAY_PORT:-4566}:4566"));
    /* The gateway calls as each request's account (its client key) and
     * serves the console (the admin key); no agent's or broker's secret. */
    ck_assert(s_seq_has(cmd, "--keys") && s_seq_has(cmd, "/keys"));
    ck_assert(s_mounts(gw, "broker.pub"));
    ck_assert(s_mounts(gw, "admin.key"));
    ck_assert(s_mounts(gw, "client-111111111111.key"));
    ck_assert(s_mounts(gw, "client-222222222222.key"));
    ck_assert(!s_mounts(gw, "broker.key"));
    ck_assert_int_eq(scn_ynode_len(scn_ynode_get(gw, "volumes")), 4);
    /* How to make the keyring the file mounts. */
    ck_assert_ptr_nonnull(strstr(yaml, "vpcsim keys init ./keys"));
    ck_assert_ptr_nonnull(strstr(yaml, "--account 222222222222:eu-west-1"));
    scn_yaml_free(&root);
    free(yaml);

    /* --no-keys: an open broker, no key files anywhere. */
    yaml = scn_compose_yaml(s, false);
    root = scn_yaml_load(yaml, strlen(yaml), yerr, sizeof yerr);
    ck_assert_msg(root != NULL, "%s\n%s", yerr, yaml);
    ck_assert_ptr_null(strstr(yaml, "/keys"));
    ck_assert_ptr_null(strstr(yaml, "--keys"));
    services = scn_ynode_get(root, "services");
    ck_assert_int_eq(scn_ynode_len(scn_ynode_get(scn_ynode_get(services, "broker"), "volumes")), 1);
    ck_assert_ptr_nonnull(scn_ynode_get(services, "gateway"));
    scn_yaml_free(&root);
    free(yaml);
    scn_scenario_free(&s);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("scenario");
    TCase *tc = tcase_create("path");
    tcase_add_test(tc, t_path_select);
    tcase_add_test(tc, t_path_syntax);
    tcase_add_test(tc, t_vars_expand);
    suite_add_tcase(s, tc);
    tc = tcase_create("parse");
    tcase_add_test(tc, t_yaml_lines);
    tcase_add_test(tc, t_split_words);
    tcase_add_test(tc, t_parse_good);
    tcase_add_test(tc, t_parse_broken);
    tcase_add_test(tc, t_compose_file);
    tcase_add_test(tc, t_compose_keys);
    suite_add_tcase(s, tc);
    return s;
}
