/* The broker's fault injection end to end inside one process: a real
 * broker_t whose send function records what would go on the wire, two
 * registered agents, and Envelopes fed to the router as if received.
 * Checks that faults hit only agent-to-agent messages, that a partition
 * drops silently, and the delay, duplicate, reorder and capture paths. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../broker/broker.h"
#include "../broker/fault_relay.h"
#include "../broker/router.h"
#include "log.h"
#include "peer_bundle.h"
#include "reach_wire.h"
#include "sg_wire.h"

#define S_MAX_SENT 64

/* What the broker sent. File-static because the send hook only gets the
 * broker; each test runs in its own forked process. */
static struct {
    char route[8];
    vs_env_t *env;
} s_sent[S_MAX_SENT];
static size_t s_nsent;
static uv_loop_t s_loop;
static broker_t *s_b;

static const uint8_t A[] = "agA", B[] = "agB", CLI[] = "cli";

static int s_record(broker_t *b, const uint8_t *route, size_t len, const vs_env_t *env)
{
    uint8_t *buf;
    size_t n;
    char err[128];
    ck_assert_int_lt(s_nsent, S_MAX_SENT);
    ck_assert_int_eq(vs_wire_encode(env, &buf, &n), 0);
    s_sent[s_nsent].env = vs_wire_decode(buf, n, err, sizeof err);
    free(buf);
    ck_assert_ptr_nonnull(s_sent[s_nsent].env);
    snprintf(s_sent[s_nsent].route, sizeof s_sent[0].route, "%.*s", (int)len, route);
    s_nsent++;
    return 0;
}

static void s_register(const uint8_t *route, const char *account, const char *region)
{
    bool created, failed;
    bk_agent_t *a = bk_registry_add(s_b->reg, account, region, "aws", &created);
    ck_assert_ptr_nonnull(a);
    bk_registry_bind(s_b->reg, a, route, 3, bk_mono_ms(s_b), &failed);
    ck_assert(!failed);
}

static void s_setup(void)
{
    char err[256];
    broker_opts_t opts = { .listen = "tcp://127.0.0.1:*" };
    vs_log_init("test-broker", VS_LOG_WARN);
    ck_assert_int_eq(uv_loop_init(&s_loop), 0);
    s_b = bk_broker_new(&s_loop, &opts, err, sizeof err);
    ck_assert_msg(s_b != NULL, "%s", err);
    s_b->send = s_record;
    s_register(A, "111111111111", "us-east-1");
    s_register(B, "222222222222", "us-east-1");
}

static void s_teardown(void)
{
    bk_broker_destroy(&s_b);
    uv_run(&s_loop, UV_RUN_DEFAULT);
    uv_loop_close(&s_loop);
    for (size_t i = 0; i < s_nsent; i++)
        vs_wire_free(&s_sent[i].env);
    s_nsent = 0;
}

/* Feeds env to the router as if it came from route. */
static void s_recv(const uint8_t *route, vs_env_t *env)
{
    uint8_t *buf;
    size_t n;
    ck_assert_int_eq(vs_wire_encode(env, &buf, &n), 0);
    bk_router_handle(s_b, route, 3, buf, n);
    free(buf);
}

/* A PeerMessage carrying payload from `from` to account in us-east-1. */
static void s_peer_payload(const uint8_t *from, const char *account, uint64_t msg_id,
                           const uint8_t *payload, size_t len, bool sealed)
{
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    Vpcsim__Wire__PeerMessage pm = VPCSIM__WIRE__PEER_MESSAGE__INIT;
    to.account = (char *)account;
    to.region = "us-east-1";
    env.to = &to;
    env.msg_id = msg_id;
    pm.payload.data = (uint8_t *)payload;
    pm.payload.len = len;
    pm.sealed = sealed;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_PEER;
    env.peer = &pm;
    s_recv(from, &env);
}

/* A sealed two-byte PeerMessage, or an Ack of msg_id. */
static void s_peer(const uint8_t *from, const char *account, uint64_t msg_id, bool ack)
{
    static const uint8_t payload[] = { 0xde, 0xad };
    if (!ack) {
        s_peer_payload(from, account, msg_id, payload, sizeof payload, true);
        return;
    }
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    Vpcsim__Wire__Ack a = VPCSIM__WIRE__ACK__INIT;
    to.account = (char *)account;
    to.region = "us-east-1";
    env.to = &to;
    env.msg_id = msg_id;
    a.acked_msg_id = msg_id;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_ACK;
    env.ack = &a;
    s_recv(from, &env);
}

/* Runs an admin op; returns its output document (caller frees) or NULL
 * with the error message in err. */
static vs_json_t *s_admin(const char *op, const char *args, char *err, size_t errlen)
{
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    Vpcsim__Wire__AdminRequest rq = VPCSIM__WIRE__ADMIN_REQUEST__INIT;
    rq.op = (char *)op;
    rq.args_json = (char *)args;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REQUEST;
    env.admin_request = &rq;
    size_t before = s_nsent;
    s_recv(CLI, &env);
    ck_assert_uint_eq(s_nsent, before + 1);
    vs_env_t *r = s_sent[before].env;
    ck_assert_str_eq(s_sent[before].route, "cli");
    ck_assert_int_eq(r->body_case, VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REPLY);
    if (!r->admin_reply->ok) {
        snprintf(err, errlen, "%s", r->admin_reply->error_message);
        return NULL;
    }
    return vs_json_parse(r->admin_reply->output_json, strlen(r->admin_reply->output_json), NULL, 0);
}

static void s_admin_ok(const char *op, const char *args)
{
    char err[300] = "";
    vs_json_t *doc = s_admin(op, args, err, sizeof err);
    ck_assert_msg(doc != NULL, "%s %s: %s", op, args, err);
    vs_json_free(&doc);
}

static int64_t s_counter(const char *name)
{
    char err[300];
    vs_json_t *doc = s_admin("describe-faults", "", err, sizeof err);
    ck_assert_ptr_nonnull(doc);
    int64_t n = vs_json_get_int(vs_json_get(doc, "Counters"), name, -1);
    vs_json_free(&doc);
    return n;
}

/* Messages of kind body sent to route (NULL: anywhere). */
static size_t s_count(const char *route, int body)
{
    size_t n = 0;
    for (size_t i = 0; i < s_nsent; i++)
        n += (!route || !strcmp(s_sent[i].route, route)) && (int)s_sent[i].env->body_case == body;
    return n;
}

/* Runs the loop for ms milliseconds (the broker's timers keep it busy). */
static void s_run_for(uint64_t ms)
{
    uint64_t end = bk_mono_ms(s_b) + ms;
    while (bk_mono_ms(s_b) < end) {
        uv_run(&s_loop, UV_RUN_NOWAIT);
        usleep(1000);
    }
}

/* The broker starts capturing into a new temp file, its name into path
 * (a mkstemp template). */
static void s_capture_start(char *path)
{
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    s_b->capture = fopen(path, "a");
    ck_assert_ptr_nonnull(s_b->capture);
}

/* A PeerMessage carrying payload from agent A to 222222222222/us-east-1,
 * relayed. */
static void s_relay_payload(uint64_t msg_id, const uint8_t *payload, size_t len, bool sealed)
{
    s_peer_payload(A, "222222222222", msg_id, payload, len, sealed);
    s_run_for(20);
}

/* The JSON form on the next captured line, read into line[n]. */
static const char *s_capture_json(FILE *f, char *line, size_t n)
{
    ck_assert_ptr_nonnull(fgets(line, (int)n, f));
    const char *json = strstr(line, " {");
    ck_assert_msg(json != NULL, "%s", line);
    return json + 1;
}

START_TEST(only_agent_traffic_is_faulted)
{
    s_admin_ok("set-faults", "{\"drop\":1}");

    s_peer(A, "222222222222", 1, false);
    s_peer(B, "111111111111", 1, true);
    ck_assert_uint_eq(s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_PEER), 0);
    ck_assert_uint_eq(s_count("agA", VPCSIM__WIRE__ENVELOPE__BODY_ACK), 0);

    /* A client's API call and an agent's heartbeat still go through. */
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    Vpcsim__Wire__ApiRequest rq = VPCSIM__WIRE__API_REQUEST__INIT;
    to.account = "222222222222";
    to.region = "us-east-1";
    rq.action = "DescribeVpcs";
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
    env.api_request = &rq;
    for (int i = 0; i < 20; i++)
        s_recv(CLI, &env);
    ck_assert_uint_eq(s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST), 20);
    Vpcsim__Wire__Heartbeat hb = VPCSIM__WIRE__HEARTBEAT__INIT;
    vs_env_t beat = VPCSIM__WIRE__ENVELOPE__INIT;
    beat.body_case = VPCSIM__WIRE__ENVELOPE__BODY_HEARTBEAT;
    beat.heartbeat = &hb;
    s_recv(A, &beat);
    ck_assert_uint_eq(s_count("agA", VPCSIM__WIRE__ENVELOPE__BODY_HEARTBEAT), 1);

    ck_assert_int_eq(s_counter("Dropped"), 2);
    ck_assert_int_eq(s_counter("RelayedPeerMessages"), 0);

    s_admin_ok("set-faults", "{\"clear\":true}");
    s_peer(A, "222222222222", 2, false);
    s_peer(B, "111111111111", 2, true);
    ck_assert_uint_eq(s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_PEER), 1);
    ck_assert_uint_eq(s_count("agA", VPCSIM__WIRE__ENVELOPE__BODY_ACK), 1);
    ck_assert_int_eq(s_counter("RelayedPeerMessages"), 1);
    ck_assert_int_eq(s_counter("RelayedAcks"), 1);
}
END_TEST

START_TEST(partition_drops_silently)
{
    s_admin_ok("partition", "{\"isolate\":[\"222222222222:us-east-1\",\"333333333333:eu-west-1\"]}");
    size_t before = s_nsent;
    s_peer(A, "222222222222", 1, false);   /* to an isolated agent */
    s_peer(B, "111111111111", 1, true);    /* from one */
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    Vpcsim__Wire__PeerMessage pm = VPCSIM__WIRE__PEER_MESSAGE__INIT;
    to.account = "333333333333";
    to.region = "eu-west-1";
    env.to = &to;
    env.msg_id = 9;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_PEER;
    env.peer = &pm;
    s_recv(A, &env);   /* isolated and never registered: still no answer */
    ck_assert_uint_eq(s_nsent, before);
    ck_assert_int_eq(s_counter("PartitionDropped"), 3);

    char err[300];
    vs_json_t *doc = s_admin("describe-faults", "", err, sizeof err);
    char *s = vs_json_dump(vs_json_get(doc, "Partitions"), 0);
    ck_assert_str_eq(s, "[\"222222222222:us-east-1\",\"333333333333:eu-west-1\"]");
    free(s);
    vs_json_free(&doc);

    ck_assert_ptr_null(s_admin("partition", "{\"isolate\":\"12:us-east-1\"}", err, sizeof err));
    ck_assert(strstr(err, "12-digit account id"));

    s_admin_ok("partition", "{\"heal\":true}");
    before = s_nsent;
    s_peer(A, "222222222222", 2, false);
    ck_assert_uint_eq(s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_PEER), 1);
    s_recv(A, &env);   /* healed: the usual answer for an unknown agent */
    ck_assert_uint_eq(s_count("agA", VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE), 1);
    ck_assert_uint_eq(s_sent[s_nsent - 1].env->undeliverable->reason,
                      VPCSIM__WIRE__UNDELIVERABLE_REASON__NO_SUCH_AGENT);
}
END_TEST

START_TEST(delay_and_capture)
{
    char path[] = "/tmp/check_broker_capture_XXXXXX";
    s_capture_start(path);

    s_admin_ok("set-faults", "{\"delay-ms\":\"30-30\"}");
    uint64_t t0 = bk_mono_ms(s_b);
    s_peer(A, "222222222222", 1, false);
    s_peer(B, "111111111111", 1, true);
    ck_assert_uint_eq(s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_PEER), 0);
    while (s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_PEER) == 0 && bk_mono_ms(s_b) < t0 + 2000)
        uv_run(&s_loop, UV_RUN_ONCE);
    ck_assert_uint_ge(bk_mono_ms(s_b) - t0, 29);
    s_run_for(50);
    ck_assert_uint_eq(s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_PEER), 1);
    ck_assert_uint_eq(s_count("agA", VPCSIM__WIRE__ENVELOPE__BODY_ACK), 1);
    ck_assert_int_eq(s_counter("Delayed"), 2);

    /* One line per relayed PeerMessage; acks are not captured. */
    char line[512] = "";
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_msg(strlen(line) == 24 + strlen(" 111111111111/us-east-1 -> 222222222222/us-east-1 "
                                              "sealed=1 dead\n"), "%s", line);
    ck_assert_str_eq(line + 24, " 111111111111/us-east-1 -> 222222222222/us-east-1 sealed=1 dead\n");
    ck_assert(line[4] == '-' && line[10] == 'T' && line[23] == 'Z');
    ck_assert_ptr_null(fgets(line, sizeof line, f));
    fclose(f);
    unlink(path);

    /* A message in flight when its destination is isolated is lost. */
    s_peer(A, "222222222222", 2, false);
    s_admin_ok("partition", "{\"isolate\":\"222222222222:us-east-1\"}");
    s_run_for(100);
    ck_assert_uint_eq(s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_PEER), 1);
    ck_assert_int_eq(s_counter("PartitionDropped"), 1);
}
END_TEST

/* A bundle (core/model/peer_bundle.h) is captured with each part in its
 * own JSON form, in order; a part without one is null. */
START_TEST(capture_shows_bundle_parts)
{
    char path[] = "/tmp/check_broker_capture_XXXXXX";
    s_capture_start(path);

    vs_sgdir_msg_t m = { .ver = 42 };
    strcpy(m.pcx_id, "pcx-0123456789abcdef0");
    strcpy(m.vpc_id, "vpc-0123456789abcdef0");
    uint8_t dir[256];
    long n = vs_sgdir_wire_encode(&m, dir, sizeof dir);
    ck_assert_int_gt(n, 0);
    ck_assert_int_le(n, (long)sizeof dir);
    uint8_t buf[600];
    size_t len = vs_bundle_put(buf, dir, (size_t)n);
    len += vs_bundle_put(buf + len, (const uint8_t *)"?", 1);
    m.ver = 43;
    ck_assert_int_eq(vs_sgdir_wire_encode(&m, dir, sizeof dir), n);
    len += vs_bundle_put(buf + len, dir, (size_t)n);
    s_relay_payload(7, buf, len, false);
    ck_assert_uint_eq(s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_PEER), 1);

    char line[2048] = "";
    FILE *f = fopen(path, "r");
    const char *json = s_capture_json(f, line, sizeof line);
    ck_assert_str_eq(json, "{\"T\":\"Bundle\",\"Parts\":["
                           "{\"T\":\"SgDir\",\"Pcx\":\"pcx-0123456789abcdef0\","
                           "\"Vpc\":\"vpc-0123456789abcdef0\",\"Ver\":42,\"Groups\":[],"
                           "\"Refs\":[]},null,"
                           "{\"T\":\"SgDir\",\"Pcx\":\"pcx-0123456789abcdef0\","
                           "\"Vpc\":\"vpc-0123456789abcdef0\",\"Ver\":43,\"Groups\":[],"
                           "\"Refs\":[]}]}\n");

    /* With its parts' tags (an agent's causality ids): shown after them. */
    static const uint64_t tags[] = { 5, 0, UINT64_MAX };
    len += vs_bundle_put_tags(buf + len, tags, 3);
    s_relay_payload(8, buf, len, false);
    json = s_capture_json(f, line, sizeof line);
    ck_assert_msg(strstr(json, "\"Ver\":43,\"Groups\":[],\"Refs\":[]}],"
                               "\"Tags\":[5,0,18446744073709551615]}\n") != NULL, "%s", json);
    ck_assert_ptr_null(fgets(line, sizeof line, f));
    fclose(f);
    unlink(path);
}
END_TEST

/* A typed SgDir snapshot (proto/peer.proto SgDirMessage) is binary: the
 * capture also writes its JSON form, on the same line, as for pcx. */
START_TEST(capture_shows_typed_sgdir)
{
    char path[] = "/tmp/check_broker_capture_XXXXXX";
    s_capture_start(path);

    vs_sgdir_msg_t m = { .ver = 42 };
    strcpy(m.pcx_id, "pcx-0123456789abcdef0");
    strcpy(m.vpc_id, "vpc-0123456789abcdef0");
    vs_sgdir_group_t g = { .id = "sg-0123456789abcdef0", .name = "web", .present = true };
    m.groups = &g;
    m.ngroups = 1;
    uint8_t buf[256];
    long n = vs_sgdir_wire_encode(&m, buf, sizeof buf);
    ck_assert_int_gt(n, 0);
    ck_assert_int_le(n, (long)sizeof buf);
    s_relay_payload(7, buf, (size_t)n, false);
    ck_assert_uint_eq(s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_PEER), 1);

    char line[1024] = "";
    FILE *f = fopen(path, "r");
    const char *json = s_capture_json(f, line, sizeof line);
    ck_assert_str_eq(json, "{\"T\":\"SgDir\",\"Pcx\":\"pcx-0123456789abcdef0\","
                           "\"Vpc\":\"vpc-0123456789abcdef0\",\"Ver\":42,\"Groups\":"
                           "[{\"Id\":\"sg-0123456789abcdef0\",\"Name\":\"web\"}],"
                           "\"Refs\":[]}\n");
    ck_assert_ptr_null(fgets(line, sizeof line, f));
    fclose(f);
    unlink(path);
}
END_TEST

/* A typed analysis message (proto/peer.proto ReachMessage) is binary too:
 * the capture writes its JSON form, a ReachKey in clear as a Sealed one
 * (its plaintext is the receiver's only). */
START_TEST(capture_shows_typed_reach)
{
    char path[] = "/tmp/check_broker_capture_XXXXXX";
    s_capture_start(path);

    vs_reach_msg_t m;
    memset(&m, 0, sizeof m);
    m.type = VS_REACH_MSG_KEY;
    memset(m.pk, 0xab, sizeof m.pk);
    uint8_t ct[VS_SEAL_TAG_LEN + 2] = { 0 };
    uint8_t buf[2][256];
    long n[2];
    n[0] = vs_reach_wire_encode(&m, buf[0], sizeof buf[0]);
    m.type = VS_REACH_MSG_SEALED;
    m.ct = ct;
    m.ctlen = sizeof ct;
    n[1] = vs_reach_wire_encode(&m, buf[1], sizeof buf[1]);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_gt(n[i], 0);
        ck_assert_int_le(n[i], (long)sizeof buf[i]);
        s_relay_payload(7 + (uint64_t)i, buf[i], (size_t)n[i], i == 1);
    }
    ck_assert_uint_eq(s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_PEER), 2);

    char line[1024] = "";
    FILE *f = fopen(path, "r");
    const char *json = s_capture_json(f, line, sizeof line);
    ck_assert_str_eq(json, "{\"T\":\"ReachKey\",\"Pk\":\""
                           "abababababababababababababababababababababababababababababababab\","
                           "\"Reply\":false}\n");
    json = s_capture_json(f, line, sizeof line);
    ck_assert_ptr_nonnull(strstr(line, " sealed=1 "));
    ck_assert_str_eq(json, "{\"T\":\"Sealed\",\"Pk\":\""
                           "abababababababababababababababababababababababababababababababab\","
                           "\"N\":\"000000000000000000000000000000000000000000000000\","
                           "\"C\":\"AAAAAAAAAAAAAAAAAAAAAAAA\"}\n");
    ck_assert_ptr_null(fgets(line, sizeof line, f));
    fclose(f);
    unlink(path);
}
END_TEST

START_TEST(duplicate_copies)
{
    s_admin_ok("set-faults", "{\"duplicate\":1}");
    s_peer(A, "222222222222", 77, false);
    ck_assert_uint_eq(s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_PEER), 2);
    ck_assert_uint_eq(s_sent[s_nsent - 1].env->msg_id, 77);
    ck_assert_uint_eq(s_sent[s_nsent - 2].env->msg_id, 77);
    ck_assert_int_eq(s_counter("Duplicated"), 1);
    ck_assert_int_eq(s_counter("RelayedPeerMessages"), 2);
}
END_TEST

/* A seed for which reorder 0.5 holds the first message and not the second. */
static uint64_t s_reorder_seed(void)
{
    for (uint64_t seed = 1; seed < 1000; seed++) {
        bk_faults_cfg_t c = { .reorder = 0.5, .seed = seed };
        bk_faults_t *f = bk_faults_new();
        bk_fault_decision_t d0, d1;
        bk_faults_configure(f, &c);
        bk_faults_decide(f, &d0);
        bk_faults_decide(f, &d1);
        bk_faults_destroy(&f);
        if (d0.hold && !d1.hold)
            return seed;
    }
    ck_abort_msg("no seed found");
    return 0;
}

START_TEST(reorder_and_release)
{
    char args[128];
    snprintf(args, sizeof args, "{\"reorder\":0.5,\"seed\":%llu}",
             (unsigned long long)s_reorder_seed());
    s_admin_ok("set-faults", args);
    s_peer(A, "222222222222", 1, false);
    ck_assert_uint_eq(s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_PEER), 0);
    s_peer(A, "222222222222", 2, false);
    /* The second overtook the first, which followed it at once. */
    ck_assert_uint_eq(s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_PEER), 2);
    ck_assert_uint_eq(s_sent[s_nsent - 2].env->msg_id, 2);
    ck_assert_uint_eq(s_sent[s_nsent - 1].env->msg_id, 1);
    ck_assert_int_eq(s_counter("Reordered"), 1);

    /* With nothing behind it, a held message is late, not lost. */
    s_admin_ok("set-faults", "{\"reorder\":1}");
    s_peer(A, "222222222222", 3, false);
    s_run_for(BK_FAULT_HOLD_MS / 2);
    ck_assert_uint_eq(s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_PEER), 2);
    s_run_for(BK_FAULT_HOLD_MS);
    ck_assert_uint_eq(s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_PEER), 3);

    /* Clearing the faults lets held messages go at once. */
    s_peer(A, "222222222222", 4, false);
    s_admin_ok("set-faults", "{\"clear\":true}");
    s_run_for(20);
    ck_assert_uint_eq(s_count("agB", VPCSIM__WIRE__ENVELOPE__BODY_PEER), 4);
    ck_assert_uint_eq(s_sent[s_nsent - 1].env->msg_id, 4);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("broker_fault_relay");
    TCase *tc = tcase_create("relay");
    tcase_add_checked_fixture(tc, s_setup, s_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, only_agent_traffic_is_faulted);
    tcase_add_test(tc, partition_drops_silently);
    tcase_add_test(tc, delay_and_capture);
    tcase_add_test(tc, capture_shows_typed_sgdir);
    tcase_add_test(tc, capture_shows_bundle_parts);
    tcase_add_test(tc, capture_shows_typed_reach);
    tcase_add_test(tc, duplicate_copies);
    tcase_add_test(tc, reorder_and_release);
    suite_add_tcase(s, tc);
    return s;
}
