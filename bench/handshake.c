/* vpcsim-bench: peering handshakes per second across real agents.
 *
 * Connects to a running broker as an API client (one DEALER, many calls
 * in flight), creates V VPCs in each of two accounts, then runs N
 * handshakes: create-vpc-peering-connection from the requester, accept
 * from the accepter (retried while the accepter's replica is still
 * initiating), until the accept answers "provisioning". A handshake's
 * latency is from its create being sent to its accept being answered.
 *
 *   vpcsim-bench --broker tcp://127.0.0.1:5555 --requester 111111111111:us-east-1 \
 *                --accepter 222222222222:us-east-1 --vpcs 100 --per-vpc 20 --window 256
 *
 * Prints handshakes/s and latency percentiles. The agents need quotas large
 * enough: --max-outstanding-pcx >= window, --max-active-pcx-per-vpc >= per-vpc.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "json.h"
#include "wire.h"

typedef struct {
    char account[16], region[32];
} party_t;

typedef enum { OP_VPC, OP_CREATE, OP_ACCEPT } op_kind_t;

typedef struct {
    op_kind_t kind;
    int index;                 /* VPC or handshake index */
    uint64_t sent_ns;
} call_t;

typedef struct {
    void *ctx, *sock;
    uint64_t next_id;
    call_t *calls;             /* by msg_id % cap */
    uint64_t *ids;
    size_t cap;
    size_t inflight;
} client_t;

static uint64_t s_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int s_party(const char *s, party_t *p)
{
    const char *c = strchr(s, ':');
    if (!c || c - s != 12)
        return -1;
    snprintf(p->account, sizeof p->account, "%.12s", s);
    snprintf(p->region, sizeof p->region, "%s", c + 1);
    return 0;
}

static int s_send(client_t *cl, const party_t *p, const char *action, const char *input,
                  op_kind_t kind, int index)
{
    Vpcsim__Wire__ApiRequest rq = VPCSIM__WIRE__API_REQUEST__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    rq.action = (char *)action;
    rq.input_json = (char *)input;
    rq.account = (char *)p->account;
    rq.region = (char *)p->region;
    to.account = (char *)p->account;
    to.region = (char *)p->region;
    vs_env_t env;
    vpcsim__wire__envelope__init(&env);
    env.msg_id = ++cl->next_id;
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
    env.api_request = &rq;
    size_t slot = env.msg_id % cl->cap;
    cl->calls[slot] = (call_t){ kind, index, s_now_ns() };
    cl->ids[slot] = env.msg_id;
    cl->inflight++;
    return vs_wire_send(cl->sock, &env, 0);
}

/* Waits for one reply; returns its call (copied) and the decoded envelope
 * (caller frees), or NULL after timeout_ms. */
static vs_env_t *s_recv(client_t *cl, call_t *out, int timeout_ms)
{
    zmq_pollitem_t it = { cl->sock, 0, ZMQ_POLLIN, 0 };
    for (;;) {
        if (zmq_poll(&it, 1, timeout_ms) <= 0)
            return NULL;
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, cl->sock, 0) < 0) {
            zmq_msg_close(&m);
            return NULL;
        }
        vs_env_t *env = vs_wire_decode(zmq_msg_data(&m), zmq_msg_size(&m), NULL, 0);
        zmq_msg_close(&m);
        if (!env)
            continue;
        uint64_t id = env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY
                          ? env->api_reply->in_reply_to
                      : env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE
                          ? env->undeliverable->in_reply_to : 0;
        size_t slot = id % cl->cap;
        if (!id || cl->ids[slot] != id) {
            vs_wire_free(&env);
            continue;
        }
        cl->ids[slot] = 0;
        cl->inflight--;
        *out = cl->calls[slot];
        return env;
    }
}

static int s_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static const char *s_field(vs_json_t **keep, const vs_env_t *env, const char *k1, const char *k2)
{
    const char *txt = env->api_reply->output_json;
    *keep = vs_json_parse(txt, strlen(txt), NULL, 0);
    return vs_json_get_str(vs_json_get(*keep, k1), k2);
}

int main(int argc, char **argv)
{
    const char *broker = "tcp://127.0.0.1:5555";
    party_t req = { "111111111111", "us-east-1" }, acc = { "222222222222", "us-east-1" };
    int vpcs = 100, per_vpc = 20, window = 256;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--broker")) broker = argv[i + 1];
        else if (!strcmp(argv[i], "--requester") && s_party(argv[i + 1], &req) == 0) {}
        else if (!strcmp(argv[i], "--accepter") && s_party(argv[i + 1], &acc) == 0) {}
        else if (!strcmp(argv[i], "--vpcs")) vpcs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--per-vpc")) per_vpc = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--window")) window = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "vpcsim-bench: bad option %s\n", argv[i]);
            return 2;
        }
    }
    if (vpcs < 1 || vpcs > 60000 || per_vpc < 1 || per_vpc > vpcs || window < 1) {
        fprintf(stderr, "vpcsim-bench: need 1 <= per-vpc <= vpcs <= 60000, window >= 1\n");
        return 2;
    }
    int n = vpcs * per_vpc;
    client_t cl = { .cap = 1u << 20 };
    cl.calls = calloc(cl.cap, sizeof *cl.calls);
    cl.ids = calloc(cl.cap, sizeof *cl.ids);
    cl.ctx = zmq_ctx_new();
    cl.sock = zmq_socket(cl.ctx, ZMQ_DEALER);
    int zero = 0, hwm = 1000000;
    zmq_setsockopt(cl.sock, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(cl.sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(cl.sock, ZMQ_RCVHWM, &hwm, sizeof hwm);
    if (!cl.calls || !cl.ids || zmq_connect(cl.sock, broker) != 0) {
        fprintf(stderr, "vpcsim-bench: cannot connect to %s\n", broker);
        return 2;
    }
    char **va = calloc((size_t)vpcs, sizeof *va), **vb = calloc((size_t)vpcs, sizeof *vb);
    char **pcx = calloc((size_t)n, sizeof *pcx);
    uint64_t *t0 = calloc((size_t)n, sizeof *t0), *lat = calloc((size_t)n, sizeof *lat);
    if (!va || !vb || !pcx || !t0 || !lat)
        return 1;

    /* 1. VPCs: 10.x.y.0/24 for the requester, 172.16+x.y.0/24 for the accepter. */
    char in[512];
    int sent = 0, done = 0;
    while (done < 2 * vpcs) {
        while (sent < 2 * vpcs && (int)cl.inflight < window) {
            int i = sent / 2;
            bool a = sent % 2 == 0;
            snprintf(in, sizeof in, "{\"CidrBlock\":\"%s.%d.%d.0/24\"}", a ? "10" : "172",
                     a ? i / 256 : 16 + i / 256, i % 256);
            s_send(&cl, a ? &req : &acc, "CreateVpc", in, OP_VPC, sent);
            sent++;
        }
        call_t c;
        vs_env_t *env = s_recv(&cl, &c, 10000);
        if (!env || env->body_case != VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY ||
            !env->api_reply->ok) {
            fprintf(stderr, "vpcsim-bench: CreateVpc failed: %s\n",
                    env && env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY
                        ? env->api_reply->error_message : "no answer (is the cluster up?)");
            return 1;
        }
        vs_json_t *j;
        const char *id = s_field(&j, env, "Vpc", "VpcId");
        (c.index % 2 == 0 ? va : vb)[c.index / 2] = strdup(id ? id : "");
        vs_json_free(&j);
        vs_wire_free(&env);
        done++;
    }

    /* 2. Handshakes: pair requester VPC i with accepter VPC (i + d) % V. */
    uint64_t start = s_now_ns();
    int created = 0, accepted = 0, retries = 0;
    while (accepted < n) {
        while (created < n && (int)cl.inflight < window) {
            int i = created % vpcs, d = created / vpcs;
            snprintf(in, sizeof in,
                     "{\"VpcId\":\"%s\",\"PeerVpcId\":\"%s\",\"PeerOwnerId\":\"%s\",\"PeerRegion\":\"%s\"}",
                     va[i], vb[(i + d) % vpcs], acc.account, acc.region);
            t0[created] = s_now_ns();
            s_send(&cl, &req, "CreateVpcPeeringConnection", in, OP_CREATE, created);
            created++;
        }
        call_t c;
        vs_env_t *env = s_recv(&cl, &c, 10000);
        if (!env || env->body_case != VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY) {
            fprintf(stderr, "vpcsim-bench: no answer after %d handshakes\n", accepted);
            return 1;
        }
        const Vpcsim__Wire__ApiReply *r = env->api_reply;
        if (c.kind == OP_CREATE) {
            vs_json_t *j;
            const char *id = r->ok ? s_field(&j, env, "VpcPeeringConnection",
                                             "VpcPeeringConnectionId") : NULL;
            if (!id) {
                fprintf(stderr, "vpcsim-bench: create failed: %s\n", r->error_message);
                return 1;
            }
            pcx[c.index] = strdup(id);
            vs_json_free(&j);
        } else if (r->ok) {
            lat[accepted++] = s_now_ns() - t0[c.index];
            vs_wire_free(&env);
            continue;
        } else if (strcmp(r->error_code, "InvalidStateTransition") &&
                   strcmp(r->error_code, "InvalidVpcPeeringConnectionID.NotFound")) {
            fprintf(stderr, "vpcsim-bench: accept failed: %s: %s\n", r->error_code,
                    r->error_message);
            return 1;
        } else {
            retries++;     /* the replica is not pending-acceptance yet */
        }
        snprintf(in, sizeof in, "{\"VpcPeeringConnectionId\":\"%s\"}", pcx[c.index]);
        s_send(&cl, &acc, "AcceptVpcPeeringConnection", in, OP_ACCEPT, c.index);
        vs_wire_free(&env);
    }
    double secs = (double)(s_now_ns() - start) / 1e9;
    qsort(lat, (size_t)n, sizeof *lat, s_cmp_u64);
    printf("{\n    \"Handshakes\": %d,\n    \"Seconds\": %.3f,\n    \"HandshakesPerSecond\": %.0f,\n"
           "    \"Window\": %d,\n    \"AcceptRetries\": %d,\n"
           "    \"LatencyMs\": {\"p50\": %.3f, \"p90\": %.3f, \"p99\": %.3f, \"max\": %.3f}\n}\n",
           n, secs, n / secs, window, retries, lat[n / 2] / 1e6, lat[n * 9 / 10] / 1e6,
           lat[n * 99 / 100] / 1e6, lat[n - 1] / 1e6);
    zmq_close(cl.sock);
    zmq_ctx_term(cl.ctx);
    return 0;
}
