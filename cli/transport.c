/* transport: request/reply over a DEALER (see transport.h). */
#include "transport.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <zmq.h>

#include "reply_check.h"

struct cli_transport {
    void *ctx;
    void *sock;
    bool debug;
    bool connected;     /* seen writable once */
    void *mon;          /* PAIR receiving the socket's handshake events; NULL: none */
    char who[64];       /* the principal, for messages */
};

static void s_random(void *buf, size_t n)
{
    uint8_t *p = buf;
    while (n > 0) {
        ssize_t r = getrandom(p, n, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            /* No kernel randomness at all: fall back to time and address
             * bits, which still make collisions between two CLI runs
             * unlikely enough for correlation ids. */
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)(uintptr_t)buf;
            for (size_t i = 0; i < n; i++, x = x * 6364136223846793005ull + 1442695040888963407ull)
                p[i] = (uint8_t)(x >> 56);
            return;
        }
        p += r;
        n -= (size_t)r;
    }
}

uint64_t cli_random_u64(void)
{
    uint64_t v = 0;
    while (v == 0)
        s_random(&v, sizeof v);
    return v;
}

void cli_random_uuid(char out[37])
{
    uint8_t b[16];
    s_random(b, sizeof b);
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

cli_transport_t *cli_transport_new(const char *endpoint, bool debug, char *err, size_t errlen)
{
    return cli_transport_new_as(endpoint, debug, NULL, NULL, err, errlen);
}

/* Watches the socket's handshakes, so a refused key is an error at once
 * rather than a timeout. */
static int s_monitor(cli_transport_t *t)
{
    char ep[64];
    snprintf(ep, sizeof ep, "inproc://vpcsim-cli-mon-%p", (void *)t);
    if (zmq_socket_monitor(t->sock, ep, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                                            ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                            ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) != 0)
        return -1;
    t->mon = zmq_socket(t->ctx, ZMQ_PAIR);
    int zero = 0;
    if (!t->mon || zmq_setsockopt(t->mon, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_connect(t->mon, ep) != 0)
        return -1;
    return 0;
}

/* Reads one monitor event; true if it says the handshake failed. */
static bool s_handshake_failed(cli_transport_t *t, char *err, size_t errlen)
{
    zmq_msg_t m;
    zmq_msg_init(&m);
    if (zmq_msg_recv(&m, t->mon, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&m);
        return false;
    }
    uint16_t event = 0;
    uint32_t value = 0;
    if (zmq_msg_size(&m) >= 6) {
        memcpy(&event, zmq_msg_data(&m), 2);
        memcpy(&value, (uint8_t *)zmq_msg_data(&m) + 2, 4);
    }
    bool more = zmq_msg_more(&m);
    zmq_msg_close(&m);
    while (more) {   /* the endpoint frame */
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, t->mon, ZMQ_DONTWAIT) < 0)
            more = false;
        else
            more = zmq_msg_more(&m);
        zmq_msg_close(&m);
    }
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
        snprintf(err, errlen, "the broker refused the key of %s (ZAP status %u)", t->who,
                 (unsigned)value);
    else if (strncmp(t->who, "nobody", 6) == 0)
        snprintf(err, errlen, "the broker refused the connection: it requires a key "
                              "(--keys DIR or VPCSIM_KEYS)");
    else
        snprintf(err, errlen, "the handshake as %s failed (is this the broker's keyring?)",
                 t->who);
    return true;
}

cli_transport_t *cli_transport_new_as(const char *endpoint, bool debug, const char *keys_dir,
                                      const vs_principal_t *who, char *err, size_t errlen)
{
    cli_transport_t *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->debug = debug;
    t->ctx = zmq_ctx_new();
    t->sock = t->ctx ? zmq_socket(t->ctx, ZMQ_DEALER) : NULL;
    if (!t->sock) {
        snprintf(err, errlen, "cannot create a ZeroMQ socket: %s", zmq_strerror(zmq_errno()));
        cli_transport_destroy(&t);
        return NULL;
    }
    int zero = 0, one = 1;
    int64_t maxmsg = VS_WIRE_MAX_FRAME;
    zmq_setsockopt(t->sock, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(t->sock, ZMQ_IMMEDIATE, &one, sizeof one);
    zmq_setsockopt(t->sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
    if (keys_dir) {
        vs_principal_format(who, t->who, sizeof t->who);
        if (vs_keys_secure_client(t->sock, keys_dir, who, err, errlen) != 0) {
            cli_transport_destroy(&t);
            return NULL;
        }
    } else {
        snprintf(t->who, sizeof t->who, "nobody (no --keys)");
    }
    if (s_monitor(t) != 0) {
        snprintf(err, errlen, "cannot watch the connection: %s", zmq_strerror(zmq_errno()));
        cli_transport_destroy(&t);
        return NULL;
    }
    /* A random routing id instead of the broker's sequential one, so that
     * nobody can address replies to a client it has not heard from. A
     * leading zero byte is reserved by ZeroMQ. */
    uint8_t rid[16];
    s_random(rid, sizeof rid);
    rid[0] |= 0x80;
    zmq_setsockopt(t->sock, ZMQ_ROUTING_ID, rid, sizeof rid);
    if (zmq_connect(t->sock, endpoint) != 0) {
        snprintf(err, errlen, "invalid broker endpoint \"%s\": %s", endpoint, zmq_strerror(zmq_errno()));
        cli_transport_destroy(&t);
        return NULL;
    }
    return t;
}

void cli_transport_destroy(cli_transport_t **tp)
{
    if (!tp || !*tp)
        return;
    cli_transport_t *t = *tp;
    if (t->sock)
        zmq_close(t->sock);
    if (t->mon)
        zmq_close(t->mon);
    if (t->ctx)
        zmq_ctx_term(t->ctx);
    free(t);
    *tp = NULL;
}

static long s_ms_left(double deadline)
{
    double left = deadline - s_now();
    return left <= 0 ? 0 : (long)(left * 1000.0 + 0.999);
}

cli_tx_status_t cli_transport_call(cli_transport_t *t, vs_env_t *env, double timeout_s,
                                   vs_env_t **reply, char *err, size_t errlen)
{
    *reply = NULL;
    double deadline = s_now() + timeout_s;
    env->msg_id = cli_random_u64();
    if (cli_request_check(env, err, errlen) != 0)
        return CLI_TX_REFUSED;
    /* Wait until the connection exists (ZMQ_IMMEDIATE), then send. */
    for (;;) {
        zmq_pollitem_t it[2] = { { t->sock, 0, ZMQ_POLLOUT, 0 }, { t->mon, 0, ZMQ_POLLIN, 0 } };
        int n = zmq_poll(it, t->mon ? 2 : 1, s_ms_left(deadline));
        if (n < 0 && zmq_errno() == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "zmq_poll: %s", zmq_strerror(zmq_errno()));
            return CLI_TX_ERROR;
        }
        if (n == 0)
            return t->connected ? CLI_TX_TIMEOUT : CLI_TX_NOT_CONNECTED;
        if (t->mon && (it[1].revents & ZMQ_POLLIN) && s_handshake_failed(t, err, errlen))
            return CLI_TX_ERROR;
        if (!(it[0].revents & ZMQ_POLLOUT))
            continue;
        t->connected = true;
        if (vs_wire_send(t->sock, env, ZMQ_DONTWAIT) == 0)
            break;
        if (errno != EAGAIN && errno != EINTR) {
            snprintf(err, errlen, "send: %s", zmq_strerror(errno));
            return CLI_TX_ERROR;
        }
        if (s_ms_left(deadline) == 0)
            return CLI_TX_NOT_CONNECTED;
    }
    if (t->debug)
        fprintf(stderr, "vpcsim: sent msg_id %llu\n", (unsigned long long)env->msg_id);
    for (;;) {
        zmq_pollitem_t it = { t->sock, 0, ZMQ_POLLIN, 0 };
        int n = zmq_poll(&it, 1, s_ms_left(deadline));
        if (n < 0 && zmq_errno() == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "zmq_poll: %s", zmq_strerror(zmq_errno()));
            return CLI_TX_ERROR;
        }
        if (n == 0)
            return CLI_TX_TIMEOUT;
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, t->sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&msg);
            continue;
        }
        char why[160];
        vs_env_t *r = vs_wire_decode(zmq_msg_data(&msg), zmq_msg_size(&msg), why, sizeof why);
        bool more = zmq_msg_more(&msg);
        zmq_msg_close(&msg);
        /* A stray multipart message is not ours: drain and drop it. */
        while (more) {
            zmq_msg_init(&msg);
            zmq_msg_recv(&msg, t->sock, ZMQ_DONTWAIT);
            more = zmq_msg_more(&msg);
            zmq_msg_close(&msg);
        }
        if (!r) {
            if (t->debug)
                fprintf(stderr, "vpcsim: dropped a malformed message: %s\n", why);
            continue;
        }
        if (!cli_reply_answers(env, r)) {
            if (t->debug)
                fprintf(stderr, "vpcsim: ignored a message not for us (body %d)\n", (int)r->body_case);
            vs_wire_free(&r);
            continue;
        }
        *reply = r;
        return CLI_TX_OK;
    }
}
