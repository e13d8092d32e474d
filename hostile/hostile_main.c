/* vpcsim-hostile: speaks to a broker as an attacker or a broken peer
 * would, for the integration tests of issue 15. Each command prints one
 * JSON line on stdout with what the broker answered.
 *
 *   hello EP ACCOUNT REGION SIM_MS     a Hello carrying any clock
 *   register EP COUNT FIRST_ACCOUNT    COUNT Hellos for made-up accounts
 *   garbage EP COUNT                   COUNT frames that are no Envelope
 *   undeliverable EP ACCOUNT REGION    registers, then sends an Undeliverable
 *                                      (only the broker may send one)
 *   peer EP ACCOUNT REGION ARN PAYLOAD registers, then sends a PeerMessage
 *   acks EP ACCOUNT REGION TO_ACCOUNT TO_REGION ID,ID,...
 *                                      registers, then acks those msg_ids
 *                                      to another agent: in an Ack and on a
 *                                      PeerMessage (Envelope.acks)
 *
 * Before the command, `--keys DIR --client ACCOUNT` makes it an
 * authenticated stranger: it connects with that account's client key from
 * the keyring (a hostile but keyed client, issue 12).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "keys.h"
#include "wire.h"

/* Who the tool connects as: nobody, or a client of the keyring. */
typedef struct {
    const char *keys;
    const char *client;
} s_opts_t;

static void *s_dealer(const s_opts_t *o, void *ctx, const char *ep)
{
    void *s = zmq_socket(ctx, ZMQ_DEALER);
    int zero = 0, hwm = 1000000;
    zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
    if (o->keys) {
        vs_principal_t who;
        char err[512];
        if (vs_principal_client(o->client, &who) != 0 ||
            vs_keys_secure_client(s, o->keys, &who, err, sizeof err) != 0) {
            fprintf(stderr, "vpcsim-hostile: cannot use the key of client %s: %s\n", o->client,
                    o->keys);
            exit(2);
        }
    }
    if (zmq_connect(s, ep) != 0) {
        fprintf(stderr, "vpcsim-hostile: cannot connect to %s\n", ep);
        exit(2);
    }
    return s;
}

/* The next Envelope within timeout_ms, or NULL. */
static vs_env_t *s_recv(void *s, int timeout_ms)
{
    zmq_pollitem_t it = { s, 0, ZMQ_POLLIN, 0 };
    if (zmq_poll(&it, 1, timeout_ms) <= 0)
        return NULL;
    zmq_msg_t m;
    zmq_msg_init(&m);
    if (zmq_msg_recv(&m, s, 0) < 0) {
        zmq_msg_close(&m);
        return NULL;
    }
    char err[160];
    vs_env_t *e = vs_wire_decode(zmq_msg_data(&m), zmq_msg_size(&m), err, sizeof err);
    zmq_msg_close(&m);
    return e;
}

static void s_send_hello(void *s, uint64_t id, const char *account, const char *region,
                         uint64_t sim_ms)
{
    Vpcsim__Wire__Hello h = VPCSIM__WIRE__HELLO__INIT;
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    h.account = (char *)account;
    h.region = (char *)region;
    h.sim_time_ms = sim_ms;
    env.msg_id = id;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_HELLO;
    env.hello = &h;
    vs_wire_send(s, &env, 0);
}

/* Waits for the Welcome among whatever else arrives (clock ticks). */
static vs_env_t *s_welcome(void *s, int timeout_ms)
{
    for (int i = 0; i < 50; i++) {
        vs_env_t *e = s_recv(s, timeout_ms);
        if (!e || e->body_case == VPCSIM__WIRE__ENVELOPE__BODY_WELCOME)
            return e;
        vs_wire_free(&e);
    }
    return NULL;
}

/* Connects as argv[0] and registers as agent argv[1]/argv[2]: the socket,
 * or NULL (closed, `{"registered": false}` printed) if the broker refused
 * or did not answer. */
static void *s_registered(const s_opts_t *o, void *ctx, char **argv)
{
    void *s = s_dealer(o, ctx, argv[0]);
    s_send_hello(s, 1, argv[1], argv[2], 0);
    vs_env_t *w = s_welcome(s, 5000);
    bool ok = w && w->welcome->ok;
    vs_wire_free(&w);
    if (!ok) {
        printf("{\"registered\": false}\n");
        zmq_close(s);
        return NULL;
    }
    return s;
}

static int s_hello(const s_opts_t *o, void *ctx, char **argv)
{
    void *s = s_dealer(o, ctx, argv[0]);
    s_send_hello(s, 1, argv[1], argv[2], strtoull(argv[3], NULL, 10));
    vs_env_t *w = s_welcome(s, 5000);
    if (!w) {
        printf("{\"answered\": false}\n");
        zmq_close(s);
        return 1;
    }
    printf("{\"answered\": true, \"ok\": %s, \"error\": \"%s\", \"sim_time_ms\": %" PRIu64 "}\n",
           w->welcome->ok ? "true" : "false", w->welcome->error, w->welcome->sim_time_ms);
    vs_wire_free(&w);
    zmq_close(s);
    return 0;
}

/* Batches of connections, each saying hello for one made-up account. */
static int s_register(const s_opts_t *o, void *ctx, char **argv)
{
    const char *ep = argv[0];
    long count = strtol(argv[1], NULL, 10);
    unsigned long long first = strtoull(argv[2], NULL, 10);
    long ok = 0, refused = 0, silent = 0;
    char last_error[300] = "";
    enum { BATCH = 50 };
    for (long done = 0; done < count;) {
        void *socks[BATCH];
        int n = 0;
        for (; n < BATCH && done + n < count; n++) {
            char acct[16];
            snprintf(acct, sizeof acct, "%012llu", first + (unsigned long long)(done + n));
            socks[n] = s_dealer(o, ctx, ep);
            s_send_hello(socks[n], 1, acct, "us-east-1", 0);
        }
        for (int i = 0; i < n; i++) {
            vs_env_t *w = s_welcome(socks[i], 5000);
            if (!w)
                silent++;
            else if (w->welcome->ok)
                ok++;
            else {
                refused++;
                snprintf(last_error, sizeof last_error, "%s", w->welcome->error);
            }
            vs_wire_free(&w);
            zmq_close(socks[i]);
        }
        done += n;
    }
    printf("{\"ok\": %ld, \"refused\": %ld, \"silent\": %ld, \"last_error\": \"%s\"}\n", ok,
           refused, silent, last_error);
    return 0;
}

static int s_garbage(const s_opts_t *o, void *ctx, char **argv)
{
    void *s = s_dealer(o, ctx, argv[0]);
    long count = strtol(argv[1], NULL, 10);
    uint8_t junk[64];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)(0xff - i);   /* field 31, wire type 7: never an Envelope */
    long sent = 0;
    for (long i = 0; i < count; i++) {
        if (zmq_send(s, junk, 1 + (size_t)(i % (long)sizeof junk), 0) >= 0)
            sent++;
        /* Read what comes back now and then so the broker's replies do not
         * pile up; they are counted, not checked. */
        if (i % 1000 == 0) {
            zmq_msg_t m;
            zmq_msg_init(&m);
            while (zmq_msg_recv(&m, s, ZMQ_DONTWAIT) >= 0)
                ;
            zmq_msg_close(&m);
        }
    }
    /* Then a real request on the same connection: its answer comes after
     * every garbage frame was handled. The broker drops what does not fit
     * in its queue to a peer that does not read (as it should), so read
     * everything first, and ask again if the answer was dropped anyway. */
    vs_env_t *e;
    while ((e = s_recv(s, 1000)) != NULL)
        vs_wire_free(&e);
    bool answered = false;
    for (int attempt = 0; attempt < 5 && !answered; attempt++) {
        Vpcsim__Wire__AdminRequest rq = VPCSIM__WIRE__ADMIN_REQUEST__INIT;
        vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
        rq.op = "clock";
        env.msg_id = 4242;
        env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REQUEST;
        env.admin_request = &rq;
        vs_wire_send(s, &env, 0);
        while (!answered && (e = s_recv(s, 10000)) != NULL) {
            answered = e->body_case == VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REPLY &&
                       e->admin_reply->in_reply_to == 4242;
            vs_wire_free(&e);
        }
    }
    printf("{\"sent\": %ld, \"answered\": %s}\n", sent, answered ? "true" : "false");
    zmq_close(s);
    return 0;
}

static int s_undeliverable(const s_opts_t *o, void *ctx, char **argv)
{
    void *s = s_registered(o, ctx, argv);
    if (!s)
        return 1;
    Vpcsim__Wire__Undeliverable u = VPCSIM__WIRE__UNDELIVERABLE__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    uint8_t route[5] = { 0, 0x80, 0, 0, 1 };   /* the broker's first client route */
    to.client_route.data = route;
    to.client_route.len = sizeof route;
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    u.in_reply_to = 1;
    u.reason = VPCSIM__WIRE__UNDELIVERABLE_REASON__NO_SUCH_AGENT;
    env.msg_id = 777;
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE;
    env.undeliverable = &u;
    vs_wire_send(s, &env, 0);
    for (int i = 0; i < 20; i++) {
        vs_env_t *e = s_recv(s, 2000);
        if (!e)
            break;
        if (e->body_case == VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE &&
            e->undeliverable->in_reply_to == 777) {
            printf("{\"refused\": true, \"detail\": \"%s\"}\n", e->undeliverable->detail);
            vs_wire_free(&e);
            zmq_close(s);
            return 0;
        }
        vs_wire_free(&e);
    }
    printf("{\"refused\": false}\n");
    zmq_close(s);
    return 0;
}

/* Registers as ACCOUNT/REGION, then sends PAYLOAD as a PeerMessage to
 * TO_ARN and waits for the receiver's Ack (a refused message is
 * acknowledged too: a resend would be refused again). */
static int s_peer(const s_opts_t *o, void *ctx, char **argv)
{
    void *s = s_registered(o, ctx, argv);
    if (!s)
        return 1;
    Vpcsim__Wire__PeerMessage pm = VPCSIM__WIRE__PEER_MESSAGE__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    pm.payload.data = (uint8_t *)argv[4];
    pm.payload.len = strlen(argv[4]);
    to.vpc_arn = argv[3];
    env.msg_id = 9001;
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_PEER;
    env.peer = &pm;
    vs_wire_send(s, &env, 0);
    bool acked = false;
    vs_env_t *e;
    while (!acked && (e = s_recv(s, 10000)) != NULL) {
        /* In an Ack of its own, or riding on a peer message (Envelope.acks). */
        acked = e->body_case == VPCSIM__WIRE__ENVELOPE__BODY_ACK &&
                e->ack->acked_msg_id == 9001;
        for (size_t i = 0; i < e->n_acks; i++)
            acked |= e->acks[i] == 9001;
        if (e->body_case == VPCSIM__WIRE__ENVELOPE__BODY_ACK)
            for (size_t i = 0; i < e->ack->n_more_acked; i++)
                acked |= e->ack->more_acked[i] == 9001;
        vs_wire_free(&e);
    }
    printf("{\"acked\": %s}\n", acked ? "true" : "false");
    zmq_close(s);
    return 0;
}

/* Acks for another agent's messages, as a third agent would forge them:
 * the addressee of those messages never sent them, so they must not stop
 * the resends. */
static int s_acks(const s_opts_t *o, void *ctx, char **argv)
{
    enum { MAX_IDS = 1024 };
    static uint64_t ids[MAX_IDS];
    size_t n = 0;
    for (char *p = argv[5]; *p && n < MAX_IDS;) {
        char *end = NULL;
        ids[n++] = strtoull(p, &end, 10);
        if (end == p)
            return 2;
        p = *end == ',' ? end + 1 : end;
    }
    if (n == 0)
        return 2;
    void *s = s_registered(o, ctx, argv);
    if (!s)
        return 1;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    to.account = argv[3];
    to.region = argv[4];
    Vpcsim__Wire__Ack ack = VPCSIM__WIRE__ACK__INIT;
    ack.acked_msg_id = ids[0];
    ack.n_more_acked = n - 1;
    ack.more_acked = ids + 1;
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    env.msg_id = 9101;
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_ACK;
    env.ack = &ack;
    vs_wire_send(s, &env, 0);
    Vpcsim__Wire__PeerMessage pm = VPCSIM__WIRE__PEER_MESSAGE__INIT;
    pm.payload.data = (uint8_t *)"{}";
    pm.payload.len = 2;
    vs_env_t carrier = VPCSIM__WIRE__ENVELOPE__INIT;
    carrier.msg_id = 9102;
    carrier.to = &to;
    carrier.body_case = VPCSIM__WIRE__ENVELOPE__BODY_PEER;
    carrier.peer = &pm;
    carrier.n_acks = n;
    carrier.acks = ids;
    vs_wire_send(s, &carrier, 0);
    /* The carrier is acknowledged (refused, as not understood): both went
     * through the agent's turn by then. */
    bool acked = false;
    vs_env_t *e;
    while (!acked && (e = s_recv(s, 10000)) != NULL) {
        acked = e->body_case == VPCSIM__WIRE__ENVELOPE__BODY_ACK &&
                e->ack->acked_msg_id == 9102;
        for (size_t i = 0; i < e->n_acks; i++)
            acked |= e->acks[i] == 9102;
        vs_wire_free(&e);
    }
    printf("{\"sent\": %zu, \"acked\": %s}\n", n, acked ? "true" : "false");
    zmq_close(s);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int nargs;
        int (*fn)(const s_opts_t *o, void *ctx, char **argv);
    } cmds[] = {
        { "hello", 4, s_hello },
        { "register", 3, s_register },
        { "garbage", 2, s_garbage },
        { "undeliverable", 3, s_undeliverable },
        { "peer", 5, s_peer },
        { "acks", 6, s_acks },
    };
    s_opts_t o = { NULL, NULL };
    while (argc >= 3 && argv[1][0] == '-' && argv[1][1] == '-') {
        if (!strcmp(argv[1], "--keys"))
            o.keys = argv[2];
        else if (!strcmp(argv[1], "--client"))
            o.client = argv[2];
        else
            break;
        argc -= 2;
        argv += 2;
    }
    if (!o.keys != !o.client) {
        fprintf(stderr, "vpcsim-hostile: --keys DIR and --client ACCOUNT go together\n");
        return 2;
    }
    for (size_t i = 0; argc >= 2 && i < sizeof cmds / sizeof *cmds; i++) {
        if (strcmp(argv[1], cmds[i].name) != 0)
            continue;
        if (argc != cmds[i].nargs + 2)
            break;
        void *ctx = zmq_ctx_new();
        int rc = cmds[i].fn(&o, ctx, argv + 2);
        zmq_ctx_term(ctx);
        return rc;
    }
    fprintf(stderr, "usage: vpcsim-hostile [--keys DIR --client ACCOUNT] hello EP ACCOUNT REGION SIM_MS | register EP COUNT "
                    "FIRST_ACCOUNT | garbage EP COUNT | undeliverable EP ACCOUNT REGION | peer EP ACCOUNT "
                    "REGION ARN PAYLOAD | acks EP ACCOUNT REGION TO_ACCOUNT TO_REGION ID,ID,...\n");
    return 2;
}
