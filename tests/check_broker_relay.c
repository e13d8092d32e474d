/* The router's fast relay (broker/relay.c) must not change what the broker
 * does. The same script of received messages (plain relaying, errors,
 * forged senders, a secured broker, faults, a dead destination) is played
 * through a real broker_t twice: once with the fast path off (no
 * send_stamped hook, so every frame is decoded, stamped and re-encoded as
 * before) and once with it on. What goes out must be the same, message for
 * message, and the fast path must really have been taken. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../broker/broker.h"
#include "../broker/router.h"
#include "log.h"
#include "wire_peek.h"

#define S_MAX_OUT 64

static const uint8_t A[] = "agA", B[] = "agB", CLI[] = "cli";
static const char *B_ARN = "arn:aws:ec2:us-east-1:222222222222:vpc/vpc-0000000000000000b";

/* What one run sent, one line per message: route, then the decoded
 * message packed again, with what the broker makes up for its own
 * messages (msg_id, times) zeroed. File-static because the send hooks only
 * get the broker; each test runs in its own process. */
static char *s_out[S_MAX_OUT];
static size_t s_nout, s_nstamped;
static char s_dead[8];

static void s_log_env(const uint8_t *route, size_t rlen, vs_env_t *env)
{
    ck_assert_int_lt(s_nout, S_MAX_OUT);
    if (env->sender && env->sender->kind == VPCSIM__WIRE__PARTY_KIND__PARTY_BROKER) {
        env->msg_id = 0;
        env->sim_time_ms = 0;
        if (env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_HEARTBEAT)
            env->heartbeat->sim_time_ms = 0;
    }
    size_t n = vpcsim__wire__envelope__get_packed_size(env);
    uint8_t *buf = malloc(n + 1);
    vpcsim__wire__envelope__pack(env, buf);
    char *line = malloc(rlen * 2 + 2 + n * 2 + 1);
    size_t k = 0;
    for (size_t i = 0; i < rlen; i++)
        k += (size_t)sprintf(line + k, "%02x", route[i]);
    line[k++] = ' ';
    for (size_t i = 0; i < n; i++)
        k += (size_t)sprintf(line + k, "%02x", buf[i]);
    line[k] = '\0';
    free(buf);
    s_out[s_nout++] = line;
}

static bool s_is_dead(const uint8_t *route, size_t len)
{
    return s_dead[0] && len == strlen(s_dead) && memcmp(route, s_dead, len) == 0;
}

static int s_record(broker_t *b, const uint8_t *route, size_t len, const vs_env_t *env)
{
    (void)b;
    if (s_is_dead(route, len)) {
        errno = EHOSTUNREACH;
        return -1;
    }
    uint8_t *buf;
    size_t n;
    char err[128];
    ck_assert_int_eq(vs_wire_encode(env, &buf, &n), 0);
    vs_env_t *copy = vs_wire_decode(buf, n, err, sizeof err);
    ck_assert_msg(copy != NULL, "%s", err);
    s_log_env(route, len, copy);
    vs_wire_free(&copy);
    free(buf);
    return 0;
}

/* What goes on the wire on the fast path, decoded by a receiver. */
static int s_record_stamped(broker_t *b, const uint8_t *route, size_t len, const uint8_t *frame,
                            size_t frame_len, const Vpcsim__Wire__Party *party)
{
    (void)b;
    if (s_is_dead(route, len)) {
        errno = EHOSTUNREACH;
        return -1;
    }
    size_t ss = vs_wire_peek_stamp_size(party, frame_len);
    ck_assert_uint_gt(ss, 0);
    uint8_t *buf = malloc(frame_len + ss);
    vs_wire_peek_restamp(frame, frame_len, party, ss, buf);
    char err[128];
    vs_env_t *env = vs_wire_decode(buf, frame_len + ss, err, sizeof err);
    ck_assert_msg(env != NULL, "%s", err);
    s_log_env(route, len, env);
    vs_wire_free(&env);
    free(buf);
    s_nstamped++;
    return 0;
}

/* ---- the script --------------------------------------------------------- */

static void s_feed(broker_t *b, const uint8_t *route, const vs_principal_t *who,
                   const vs_env_t *env, const void *extra, size_t extra_len)
{
    uint8_t *buf;
    size_t n;
    ck_assert_int_eq(vs_wire_encode(env, &buf, &n), 0);
    if (extra_len) {   /* memcpy from NULL is undefined, even of 0 bytes */
        buf = realloc(buf, n + extra_len);
        ck_assert_ptr_nonnull(buf);
        memcpy(buf + n, extra, extra_len);
    }
    vs_principal_t nobody = { .kind = VS_PRINCIPAL_NONE };
    bk_router_handle_as(b, route, 3, who ? who : &nobody, buf, n + extra_len);
    free(buf);
}

static void s_peer(broker_t *b, const uint8_t *from, const char *account, const char *arn,
                   bool ack, const void *extra, size_t extra_len)
{
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    Vpcsim__Wire__PeerMessage pm = VPCSIM__WIRE__PEER_MESSAGE__INIT;
    Vpcsim__Wire__Ack a = VPCSIM__WIRE__ACK__INIT;
    static uint8_t payload[] = { 0xde, 0xad, 0x00 };
    if (account) {
        to.account = (char *)account;
        to.region = "us-east-1";
    }
    if (arn)
        to.vpc_arn = (char *)arn;
    env.to = &to;
    env.msg_id = 1000 + s_nout;
    env.cause_id = 7;
    if (ack) {
        a.acked_msg_id = 5;
        env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_ACK;
        env.ack = &a;
    } else {
        pm.payload.data = payload;
        pm.payload.len = sizeof payload;
        pm.epoch = 9;
        env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_PEER;
        env.peer = &pm;
    }
    s_feed(b, from, NULL, &env, extra, extra_len);
}

static void s_call(broker_t *b, const vs_principal_t *who, const char *to_account,
                   const char *as_account)
{
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    Vpcsim__Wire__ApiRequest rq = VPCSIM__WIRE__API_REQUEST__INIT;
    to.account = (char *)to_account;
    to.region = "us-east-1";
    rq.action = "DescribeVpcs";
    rq.input_json = "{\"Filters\": []}";
    rq.account = (char *)as_account;
    rq.region = "us-east-1";
    env.to = &to;
    env.msg_id = 42;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
    env.api_request = &rq;
    s_feed(b, CLI, who, &env, NULL, 0);
}

static void s_reply(broker_t *b, const uint8_t *from, const uint8_t *client, size_t clen)
{
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    Vpcsim__Wire__ApiReply r = VPCSIM__WIRE__API_REPLY__INIT;
    to.client_route.data = (uint8_t *)client;
    to.client_route.len = clen;
    r.in_reply_to = 42;
    r.ok = 1;
    r.output_json = "{\"Vpcs\": []}";
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY;
    env.api_reply = &r;
    s_feed(b, from, NULL, &env, NULL, 0);
}

static bk_agent_t *s_register(broker_t *b, const uint8_t *route, const char *account)
{
    bool created, failed;
    bk_agent_t *a = bk_registry_add(b->reg, account, "us-east-1", "aws", &created);
    ck_assert_ptr_nonnull(a);
    bk_registry_bind(b->reg, a, route, 3, bk_mono_ms(b), &failed);
    ck_assert(!failed);
    return a;
}

/* Plays the script on a fresh broker; fast: with the fast relay on. */
static void s_play(bool fast)
{
    uv_loop_t loop;
    char err[256];
    broker_opts_t opts = { .listen = "tcp://127.0.0.1:*" };
    vs_log_init("test-broker", VS_LOG_ERROR);
    ck_assert_int_eq(uv_loop_init(&loop), 0);
    broker_t *b = bk_broker_new(&loop, &opts, err, sizeof err);
    ck_assert_msg(b != NULL, "%s", err);
    b->send = s_record;
    b->send_stamped = fast ? s_record_stamped : NULL;
    s_register(b, A, "111111111111");
    bk_agent_t *ag_b = s_register(b, B, "222222222222");
    ck_assert_int_eq(bk_registry_vpc_add(b->reg, ag_b, B_ARN), 0);

    /* Plain relaying: by account, by registered ARN; acks; API both ways. */
    s_peer(b, A, "222222222222", NULL, false, NULL, 0);
    s_peer(b, B, "111111111111", NULL, true, NULL, 0);
    s_peer(b, A, NULL, B_ARN, false, NULL, 0);
    s_call(b, NULL, "111111111111", "111111111111");
    s_reply(b, A, CLI, 3);
    /* An ARN nobody registered: routed on its account and Region. */
    s_peer(b, A, NULL, "arn:aws:ec2:us-east-1:222222222222:vpc/vpc-0000000000000000c", false,
           NULL, 0);
    /* Nobody there, not an agent, bad addresses. */
    s_peer(b, A, "333333333333", NULL, false, NULL, 0);
    s_peer(b, CLI, "222222222222", NULL, false, NULL, 0);
    s_peer(b, A, NULL, NULL, true, NULL, 0);
    s_peer(b, A, NULL, "not-an-arn", false, NULL, 0);
    s_call(b, NULL, "", "111111111111");
    s_reply(b, CLI, CLI, 3);
    /* A forged sender, and a second `to` merged into the first. */
    static const uint8_t forged[] = { 0x12, 0x10, 0x08, 0x01, 0x12, 0x0c, '2', '2', '2', '2',
                                      '2', '2', '2', '2', '2', '2', '2', '2' };
    s_peer(b, A, "222222222222", NULL, false, forged, sizeof forged);
    static const uint8_t to2[] = { 0x1a, 0x0e, 0x12, 0x0c, '3', '3', '3', '3', '3', '3', '3',
                                   '3', '3', '3', '3', '3' };
    s_peer(b, A, "222222222222", NULL, true, to2, sizeof to2);
    /* Garbage after a valid frame. */
    static const uint8_t junk[] = { 0xff };
    s_peer(b, A, "222222222222", NULL, true, junk, sizeof junk);

    /* A secured broker: calls only as the key's own account. */
    b->secured = true;
    vs_principal_t client;
    ck_assert_int_eq(vs_principal_client("111111111111", &client), 0);
    s_call(b, &client, "111111111111", "111111111111");
    s_call(b, &client, "222222222222", "222222222222");
    s_call(b, &client, "111111111111", "222222222222");
    s_call(b, NULL, "111111111111", "111111111111");
    b->secured = false;

    /* Faults on: the chaos model decides (everything dropped here). */
    bk_faults_cfg_t cfg = { .drop = 1.0, .seed = 3 };
    bk_faults_configure(b->faults, &cfg);
    s_peer(b, A, "222222222222", NULL, false, NULL, 0);
    bk_faults_configure(b->faults, NULL);
    s_peer(b, A, "222222222222", NULL, false, NULL, 0);

    /* The destination's connection is gone: offline from then on. */
    snprintf(s_dead, sizeof s_dead, "agB");
    s_peer(b, A, "222222222222", NULL, false, NULL, 0);
    s_peer(b, A, "222222222222", NULL, true, NULL, 0);
    s_dead[0] = '\0';

    bk_fault_counters_t *k = bk_faults_counters(b->faults);
    char counts[64];
    snprintf(counts, sizeof counts, "counters %llu %llu %llu",
             (unsigned long long)k->relayed_peer, (unsigned long long)k->relayed_ack,
             (unsigned long long)k->dropped);
    s_out[s_nout++] = strdup(counts);
    bk_broker_destroy(&b);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
}

START_TEST(fast_relay_sends_what_the_full_path_sends)
{
    s_play(false);
    size_t n = s_nout;
    char *slow[S_MAX_OUT];
    memcpy(slow, s_out, n * sizeof *slow);
    ck_assert_uint_eq(s_nstamped, 0);

    s_nout = 0;
    s_play(true);
    ck_assert_uint_eq(s_nout, n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(strcmp(slow[i], s_out[i]) == 0, "message %zu differs:\n full %s\n fast %s",
                      i, slow[i], s_out[i]);
        free(slow[i]);
        free(s_out[i]);
    }
    /* The plain cases went the fast way: peer by account and by ARN, the
     * ack, both API messages, the allowed secured call, and the peer after
     * the faults were cleared. */
    ck_assert_uint_eq(s_nstamped, 7);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("broker_relay");
    TCase *tc = tcase_create("relay");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, fast_relay_sends_what_the_full_path_sends);
    suite_add_tcase(s, tc);
    return s;
}
