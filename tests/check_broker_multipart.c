/* The broker's socket (broker/broker.c, s_on_readable): every frame of a
 * ZeroMQ message is an Envelope, handled in order. An agent sends a turn's
 * frames as one message (agent__flush_sendq): one wake-up of its I/O
 * thread and of the broker's per turn instead of one per frame. A real
 * broker socket on loopback and a DEALER that sends three API calls for an
 * account nobody serves, as one message: each is answered, in order. */
#include <check.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <uv.h>
#include <zmq.h>

#include "../broker/broker.h"
#include "log.h"
#include "wire.h"

static uv_loop_t s_loop;
static broker_t *s_b;
static void *s_ctx, *s_dealer;

static void s_setup(void)
{
    char err[256], ep[256];
    size_t eplen = sizeof ep;
    broker_opts_t opts = { .listen = "tcp://127.0.0.1:*" };
    vs_log_init("test-broker", VS_LOG_ERROR);
    ck_assert_int_eq(uv_loop_init(&s_loop), 0);
    s_b = bk_broker_new(&s_loop, &opts, err, sizeof err);
    ck_assert_msg(s_b != NULL, "%s", err);
    ck_assert_int_eq(zmq_getsockopt(s_b->zsock, ZMQ_LAST_ENDPOINT, ep, &eplen), 0);
    s_ctx = zmq_ctx_new();
    s_dealer = zmq_socket(s_ctx, ZMQ_DEALER);
    int zero = 0;
    zmq_setsockopt(s_dealer, ZMQ_LINGER, &zero, sizeof zero);
    ck_assert_int_eq(zmq_connect(s_dealer, ep), 0);
}

static void s_teardown(void)
{
    zmq_close(s_dealer);
    zmq_ctx_term(s_ctx);
    bk_broker_destroy(&s_b);
    uv_run(&s_loop, UV_RUN_DEFAULT);
    uv_loop_close(&s_loop);
}

/* An encoded ApiRequest with msg_id id, for an account no agent serves. */
static void s_call(uint64_t id, uint8_t **buf, size_t *len)
{
    Vpcsim__Wire__ApiRequest r = VPCSIM__WIRE__API_REQUEST__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    r.action = "DescribeVpcs";
    r.input_json = "{}";
    r.account = "999999999999";
    r.region = "us-east-1";
    to.account = "999999999999";
    to.region = "us-east-1";
    vs_env_t env;
    vpcsim__wire__envelope__init(&env);
    env.msg_id = id;
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
    env.api_request = &r;
    ck_assert_int_eq(vs_wire_encode(&env, buf, len), 0);
}

/* Runs the broker's loop until the dealer has an answer; returns it. */
static vs_env_t *s_answer(void)
{
    for (int i = 0; i < 2000; i++) {
        uv_run(&s_loop, UV_RUN_NOWAIT);
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, s_dealer, ZMQ_DONTWAIT) >= 0) {
            char err[160];
            vs_env_t *env = vs_wire_decode(zmq_msg_data(&m), zmq_msg_size(&m), err, sizeof err);
            zmq_msg_close(&m);
            ck_assert_msg(env != NULL, "%s", err);
            return env;
        }
        zmq_msg_close(&m);
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
    }
    ck_abort_msg("no answer from the broker");
    return NULL;
}

START_TEST(every_frame_of_a_message_is_an_envelope_handled_in_order)
{
    enum { N = 3 };
    for (int i = 0; i < N; i++) {
        uint8_t *buf;
        size_t len;
        s_call(100 + (uint64_t)i, &buf, &len);
        ck_assert_int_eq(zmq_send(s_dealer, buf, len, i < N - 1 ? ZMQ_SNDMORE : 0), (int)len);
        free(buf);
    }
    for (int i = 0; i < N; i++) {
        vs_env_t *env = s_answer();
        ck_assert_int_eq(env->body_case, VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE);
        ck_assert_uint_eq(env->undeliverable->in_reply_to, 100 + (uint64_t)i);
        ck_assert_int_eq(env->undeliverable->reason,
                         VPCSIM__WIRE__UNDELIVERABLE_REASON__NO_SUCH_AGENT);
        vs_wire_free(&env);
    }
}
END_TEST

START_TEST(a_bad_frame_among_good_ones_spoils_only_itself)
{
    uint8_t *a, *c;
    size_t alen, clen;
    s_call(7, &a, &alen);
    s_call(9, &c, &clen);
    static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0x01, 0x02 };
    ck_assert_int_eq(zmq_send(s_dealer, a, alen, ZMQ_SNDMORE), (int)alen);
    ck_assert_int_eq(zmq_send(s_dealer, junk, sizeof junk, ZMQ_SNDMORE), (int)sizeof junk);
    ck_assert_int_eq(zmq_send(s_dealer, c, clen, 0), (int)clen);
    free(a);
    free(c);
    uint64_t want[] = { 7, 0, 9 };   /* the junk is answered as malformed */
    for (int i = 0; i < 3; i++) {
        vs_env_t *env = s_answer();
        ck_assert_int_eq(env->body_case, VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE);
        ck_assert_uint_eq(env->undeliverable->in_reply_to, want[i]);
        vs_wire_free(&env);
    }
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("broker_multipart");
    TCase *tc = tcase_create("socket");
    tcase_add_checked_fixture(tc, s_setup, s_teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, every_frame_of_a_message_is_an_envelope_handled_in_order);
    tcase_add_test(tc, a_bad_frame_among_good_ones_spoils_only_itself);
    suite_add_tcase(s, tc);
    return s;
}
