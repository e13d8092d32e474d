/* floor: what the transport alone costs. Two fake agents in this process
 * register with the broker (Hello), then one relays a peer message of
 * --size bytes to the other through the broker, which sends it straight
 * back the same way: agent -> broker -> agent and back, the path every
 * step of a handshake takes, without any agent work. One round trip at a
 * time gives the latency floor; many in flight the throughput floor.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

typedef struct {
    void *sock;
    vs_bparty_t me;
} s_fake_t;

static int s_send(s_fake_t *from, const vs_bparty_t *to, Vpcsim__Wire__Envelope *env)
{
    Vpcsim__Wire__Address addr = VPCSIM__WIRE__ADDRESS__INIT;
    addr.account = (char *)to->account;
    addr.region = (char *)to->region;
    env->to = &addr;
    return vs_wire_send(from->sock, env, 0);
}

static vs_env_t *s_recv(void *sock, int timeout_ms)
{
    zmq_pollitem_t it = { sock, 0, ZMQ_POLLIN, 0 };
    if (zmq_poll(&it, 1, timeout_ms) <= 0)
        return NULL;
    zmq_msg_t m;
    zmq_msg_init(&m);
    vs_env_t *env = NULL;
    if (zmq_msg_recv(&m, sock, 0) >= 0)
        env = vs_wire_decode(zmq_msg_data(&m), zmq_msg_size(&m), NULL, 0);
    zmq_msg_close(&m);
    return env;
}

/* Registers the fake agent; 0 once the broker welcomed it. */
static int s_hello(void *zctx, const char *broker, s_fake_t *f)
{
    int zero = 0, hwm = 1000000;
    f->sock = zmq_socket(zctx, ZMQ_DEALER);
    if (!f->sock)
        return -1;
    zmq_setsockopt(f->sock, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(f->sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(f->sock, ZMQ_RCVHWM, &hwm, sizeof hwm);
    if (zmq_connect(f->sock, broker) != 0)
        return -1;
    Vpcsim__Wire__Hello h = VPCSIM__WIRE__HELLO__INIT;
    h.account = f->me.account;
    h.region = f->me.region;
    h.pid = (uint32_t)getpid();
    vs_env_t env;
    vpcsim__wire__envelope__init(&env);
    env.msg_id = 1;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_HELLO;
    env.hello = &h;
    if (vs_wire_send(f->sock, &env, 0) != 0)
        return -1;
    for (;;) {
        vs_env_t *in = s_recv(f->sock, 5000);
        if (!in)
            return -1;
        bool welcome = in->body_case == VPCSIM__WIRE__ENVELOPE__BODY_WELCOME;
        bool ok = welcome && in->welcome->ok;
        vs_wire_free(&in);
        if (welcome)
            return ok ? 0 : -1;
    }
}

int vs_bench_floor(int argc, char **argv)
{
    const char *broker = "tcp://127.0.0.1:5555";
    const char *region = "us-east-1";
    int n = 2000, window = 1, size = 200, bad = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--broker")) broker = argv[i + 1];
        else if (!strcmp(argv[i], "--region")) region = argv[i + 1];
        else if (!strcmp(argv[i], "--count")) n = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--window")) window = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--size")) size = atoi(argv[i + 1]);
        else bad = 1;
    }
    if (bad || argc % 2 == 0 || n < 1 || n > 10000000 || window < 1 || size < 1 ||
        size > 65536 || strlen(region) >= sizeof ((vs_bparty_t *)0)->region) {
        fprintf(stderr, "usage: vpcsim-bench floor [--broker EP] [--region R] [--count N]"
                        " [--window W] [--size BYTES]\n");
        return 2;
    }
    void *zctx = zmq_ctx_new();
    s_fake_t a = { 0 }, b = { 0 };
    snprintf(a.me.account, sizeof a.me.account, "999999999901");
    snprintf(b.me.account, sizeof b.me.account, "999999999902");
    snprintf(a.me.region, sizeof a.me.region, "%s", region);
    snprintf(b.me.region, sizeof b.me.region, "%s", region);
    uint8_t *payload = calloc((size_t)size, 1);
    uint64_t *sent = calloc((size_t)n + 1, sizeof *sent), *rtt = calloc((size_t)n, sizeof *rtt);
    int rc = 1;
    if (!zctx || !payload || !sent || !rtt || s_hello(zctx, broker, &a) != 0 ||
        s_hello(zctx, broker, &b) != 0) {
        fprintf(stderr, "vpcsim-bench: floor: cannot register fake agents with %s\n", broker);
        goto out;
    }
    memset(payload, 'x', (size_t)size);
    Vpcsim__Wire__PeerMessage pm = VPCSIM__WIRE__PEER_MESSAGE__INIT;
    pm.payload.data = payload;
    pm.payload.len = (size_t)size;
    vs_env_t env;
    vpcsim__wire__envelope__init(&env);
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_PEER;
    env.peer = &pm;

    int issued = 0, done = 0;
    uint64_t start = vs_bnow_ns();
    zmq_pollitem_t items[2] = { { a.sock, 0, ZMQ_POLLIN, 0 }, { b.sock, 0, ZMQ_POLLIN, 0 } };
    while (done < n) {
        while (issued < n && issued - done < window) {
            env.msg_id = (uint64_t)++issued;
            sent[issued] = vs_bnow_ns();
            if (s_send(&a, &b.me, &env) != 0)
                goto out;
        }
        if (zmq_poll(items, 2, 5000) <= 0) {
            fprintf(stderr, "vpcsim-bench: floor: no message after %d round trips\n", done);
            goto out;
        }
        /* b echoes what it got back to a; a counts what came back. */
        for (vs_env_t *in; (in = s_recv(b.sock, 0)) != NULL; vs_wire_free(&in))
            if (in->body_case == VPCSIM__WIRE__ENVELOPE__BODY_PEER) {
                env.msg_id = in->msg_id;
                if (s_send(&b, &a.me, &env) != 0)
                    goto out;
            }
        for (vs_env_t *in; (in = s_recv(a.sock, 0)) != NULL; vs_wire_free(&in))
            if (in->body_case == VPCSIM__WIRE__ENVELOPE__BODY_PEER && in->msg_id >= 1 &&
                in->msg_id <= (uint64_t)issued && sent[in->msg_id]) {
                rtt[done++] = vs_bnow_ns() - sent[in->msg_id];
                sent[in->msg_id] = 0;
            }
    }
    double secs = (vs_bnow_ns() - start) / 1e9;
    vs_bsort(rtt, (size_t)n);
    printf("{\n    \"RoundTrips\": %d,\n    \"Window\": %d,\n    \"PayloadBytes\": %d,\n"
           "    \"RoundTripsPerSecond\": %.0f,\n"
           "    \"RoundTripMs\": {\"p50\": %.3f, \"p90\": %.3f, \"p99\": %.3f, \"max\": %.3f}\n}\n",
           n, window, size, n / secs, vs_bquantile(rtt, (size_t)n, 0.5) / 1e6,
           vs_bquantile(rtt, (size_t)n, 0.9) / 1e6, vs_bquantile(rtt, (size_t)n, 0.99) / 1e6,
           vs_bquantile(rtt, (size_t)n, 1.0) / 1e6);
    rc = 0;
out:
    if (a.sock)
        zmq_close(a.sock);
    if (b.sock)
        zmq_close(b.sock);
    if (zctx)
        zmq_ctx_term(zctx);
    free(payload);
    free(sent);
    free(rtt);
    return rc;
}
