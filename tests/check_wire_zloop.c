/* check_wire_zloop: the ZeroMQ-in-libuv watcher: a ROUTER and a DEALER in
 * one libuv loop must see every message, including the ones whose ZMQ_FD
 * edge a later send consumed, and close cleanly; sends to unknown peers of
 * a ROUTER_MANDATORY socket fail with EHOSTUNREACH.
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "wire.h"
#include "zloop.h"

/* ---- zloop ------------------------------------------------------------ */

#define S_PINGS 400

typedef struct {
    uv_loop_t loop;
    void *zctx, *router, *dealer;
    vs_zloop_sock_t *wr, *wd;
    uv_timer_t tick, guard;
    int sent, echoed, served, closed;
    uint64_t next_expected;
    bool order_ok;
} s_zt_t;

static void s_zt_closed(void *data)
{
    s_zt_t *t = data;
    t->closed++;
}

static void s_zt_shutdown(s_zt_t *t)
{
    uv_timer_stop(&t->tick);
    uv_timer_stop(&t->guard);
    vs_zloop_sock_close(&t->wr, s_zt_closed);
    vs_zloop_sock_close(&t->wd, s_zt_closed);
}

/* The ROUTER echoes every Envelope back to its sender. */
static void s_zt_on_router(vs_zloop_sock_t *s, void *zsock, void *data)
{
    s_zt_t *t = data;
    for (int i = 0; i < 64; i++) {
        uint8_t id[256];
        int idn = zmq_recv(zsock, id, sizeof id, ZMQ_DONTWAIT);
        if (idn < 0)
            return;
        zmq_msg_t m;
        zmq_msg_init(&m);
        ck_assert_int_ge(zmq_msg_recv(&m, zsock, ZMQ_DONTWAIT), 0);
        char err[128];
        vs_env_t *e = vs_wire_decode(zmq_msg_data(&m), zmq_msg_size(&m), err, sizeof err);
        ck_assert_msg(e != NULL, "%s", err);
        ck_assert_int_eq(vs_wire_send_to(zsock, id, (size_t)idn, e, ZMQ_DONTWAIT), 0);
        vs_wire_free(&e);
        zmq_msg_close(&m);
        t->served++;
    }
}

static void s_zt_on_dealer(vs_zloop_sock_t *s, void *zsock, void *data)
{
    s_zt_t *t = data;
    for (int i = 0; i < 64; i++) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, zsock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            return;
        }
        char err[128];
        vs_env_t *e = vs_wire_decode(zmq_msg_data(&m), zmq_msg_size(&m), err, sizeof err);
        ck_assert_msg(e != NULL, "%s", err);
        if (e->msg_id != t->next_expected)
            t->order_ok = false;
        t->next_expected = e->msg_id + 1;
        vs_wire_free(&e);
        zmq_msg_close(&m);
        if (++t->echoed == S_PINGS) {
            /* Closing from inside the callback must be safe. */
            s_zt_shutdown(t);
            return;
        }
    }
}

/* Two sends per tick, as in the trap: the second send can consume the
 * ZMQ_FD edge raised by the first echo. */
static void s_zt_on_tick(uv_timer_t *h)
{
    s_zt_t *t = h->data;
    for (int k = 0; k < 2 && t->sent < S_PINGS; k++) {
        Vpcsim__Wire__Heartbeat hb = VPCSIM__WIRE__HEARTBEAT__INIT;
        vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
        env.msg_id = (uint64_t)t->sent;
        env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_HEARTBEAT, env.heartbeat = &hb;
        ck_assert_int_eq(vs_wire_send(t->dealer, &env, ZMQ_DONTWAIT), 0);
        t->sent++;
    }
}

static void s_zt_on_guard(uv_timer_t *h)
{
    s_zt_t *t = h->data;
    s_zt_shutdown(t); /* the assertions below then report what was missing */
}

static void s_zt_close_cb(uv_handle_t *h) { (void)h; }

START_TEST(test_zloop_router_dealer)
{
    s_zt_t t;
    memset(&t, 0, sizeof t);
    t.order_ok = true;
    ck_assert_int_eq(uv_loop_init(&t.loop), 0);
    t.zctx = zmq_ctx_new();
    t.router = zmq_socket(t.zctx, ZMQ_ROUTER);
    t.dealer = zmq_socket(t.zctx, ZMQ_DEALER);
    int one = 1, zero = 0;
    zmq_setsockopt(t.router, ZMQ_ROUTER_MANDATORY, &one, sizeof one);
    zmq_setsockopt(t.router, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(t.dealer, ZMQ_LINGER, &zero, sizeof zero);
    ck_assert_int_eq(zmq_bind(t.router, "tcp://127.0.0.1:*"), 0);
    char ep[256];
    size_t epn = sizeof ep;
    ck_assert_int_eq(zmq_getsockopt(t.router, ZMQ_LAST_ENDPOINT, ep, &epn), 0);
    ck_assert_int_eq(zmq_connect(t.dealer, ep), 0);

    t.wr = vs_zloop_sock_new(&t.loop, t.router, s_zt_on_router, &t);
    t.wd = vs_zloop_sock_new(&t.loop, t.dealer, s_zt_on_dealer, &t);
    ck_assert_ptr_nonnull(t.wr);
    ck_assert_ptr_nonnull(t.wd);
    /* One fd, one poll handle: a second watcher on the same socket fails. */
    ck_assert_ptr_null(vs_zloop_sock_new(&t.loop, t.router, s_zt_on_router, &t));

    uv_timer_init(&t.loop, &t.tick);
    uv_timer_init(&t.loop, &t.guard);
    t.tick.data = t.guard.data = &t;
    uv_timer_start(&t.tick, s_zt_on_tick, 1, 1);
    uv_timer_start(&t.guard, s_zt_on_guard, 10000, 0);

    ck_assert_int_eq(uv_run(&t.loop, UV_RUN_DEFAULT), 0);

    ck_assert_int_eq(t.closed, 2);
    ck_assert_int_eq(t.sent, S_PINGS);
    ck_assert_int_eq(t.served, S_PINGS);
    ck_assert_int_eq(t.echoed, S_PINGS);
    ck_assert(t.order_ok);

    uv_close((uv_handle_t *)&t.tick, s_zt_close_cb);
    uv_close((uv_handle_t *)&t.guard, s_zt_close_cb);
    uv_run(&t.loop, UV_RUN_DEFAULT);
    /* The zmq sockets are closed only after the watchers let go of ZMQ_FD. */
    zmq_close(t.router);
    zmq_close(t.dealer);
    zmq_ctx_term(t.zctx);
    ck_assert_int_eq(uv_loop_close(&t.loop), 0);
}
END_TEST

START_TEST(test_send_to_unknown_peer)
{
    void *ctx = zmq_ctx_new();
    void *r = zmq_socket(ctx, ZMQ_ROUTER);
    int one = 1, zero = 0;
    zmq_setsockopt(r, ZMQ_ROUTER_MANDATORY, &one, sizeof one);
    zmq_setsockopt(r, ZMQ_LINGER, &zero, sizeof zero);
    ck_assert_int_eq(zmq_bind(r, "tcp://127.0.0.1:*"), 0);
    Vpcsim__Wire__Ack ack = VPCSIM__WIRE__ACK__INIT;
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_ACK, env.ack = &ack;
    const uint8_t id[] = { 0, 1, 2, 3, 4 };
    ck_assert_int_eq(vs_wire_send_to(r, id, sizeof id, &env, ZMQ_DONTWAIT), -1);
    ck_assert_int_eq(errno, EHOSTUNREACH);
    ck_assert_int_eq(vs_wire_send_to(r, id, 0, &env, ZMQ_DONTWAIT), -1);
    zmq_close(r);
    zmq_ctx_term(ctx);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("wire_zloop");
    TCase *zl = tcase_create("zloop");
    tcase_set_timeout(zl, 30);
    tcase_add_test(zl, test_zloop_router_dealer);
    tcase_add_test(zl, test_send_to_unknown_peer);
    suite_add_tcase(s, zl);
    return s;
}
