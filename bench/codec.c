/* codec: the Envelope codec alone, no cluster: CPU ns per message to
 * encode (vs_wire_encode) and to decode into an arena and free
 * (vs_wire_decode_in + vs_wire_free_in, as the agents and the bench client
 * do), for the envelopes of a handshake: an ApiRequest, its ApiReply, and
 * a PeerMessage carrying acks. Uses only wire.h's long-standing entry
 * points, so the same file built against an older libvswire gives the
 * "before" figures.
 *
 *   vpcsim-bench codec [--rounds N]
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wire.h"

static double s_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Prints "name": {"encode_ns": .., "decode_ns": .., "bytes": ..}. */
static int s_one(const char *name, const vs_env_t *env, long rounds, int last)
{
    static _Alignas(16) uint8_t space[64 << 10];
    uint8_t *buf;
    size_t len;
    if (vs_wire_encode(env, &buf, &len) != 0)
        return -1;
    free(buf);

    double t0 = s_cpu_ns();
    for (long i = 0; i < rounds; i++) {
        if (vs_wire_encode(env, &buf, &len) != 0)
            return -1;
        free(buf);
    }
    double enc = (s_cpu_ns() - t0) / (double)rounds;

    if (vs_wire_encode(env, &buf, &len) != 0)
        return -1;
    vs_arena_t arena = VS_ARENA_INIT(space);
    char err[256];
    t0 = s_cpu_ns();
    for (long i = 0; i < rounds; i++) {
        vs_env_t *e = vs_wire_decode_in(&arena, buf, len, err, sizeof err);
        if (!e) {
            fprintf(stderr, "codec: %s: %s\n", name, err);
            free(buf);
            return -1;
        }
        vs_wire_free_in(&e, &arena);
    }
    double dec = (s_cpu_ns() - t0) / (double)rounds;
    free(buf);
    printf("  \"%s\": {\"bytes\": %zu, \"encode_ns\": %.0f, \"decode_ns\": %.0f}%s\n", name, len,
           enc, dec, last ? "" : ",");
    return 0;
}

int vs_bench_codec(int argc, char **argv)
{
    long rounds = 200000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
            rounds = atol(argv[++i]);
        } else {
            fprintf(stderr, "usage: vpcsim-bench codec [--rounds N]\n");
            return 2;
        }
    }
    if (rounds <= 0)
        rounds = 1;

    /* Shapes and sizes as a handshake's envelopes have them. */
    char input[160], output[640], arn[96];
    memset(input, 'i', sizeof input - 1);
    input[sizeof input - 1] = 0;
    memset(output, 'o', sizeof output - 1);
    output[sizeof output - 1] = 0;
    snprintf(arn, sizeof arn, "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-0123456789abcdef0");
    uint8_t route[5] = { 0, 1, 2, 3, 4 }, payload[300];
    memset(payload, 0x5a, sizeof payload);
    uint64_t acks[2] = { 123456789, 123456790 };

    Vpcsim__Wire__Party sender = VPCSIM__WIRE__PARTY__INIT;
    sender.kind = VPCSIM__WIRE__PARTY_KIND__PARTY_AGENT;
    sender.account = "111122223333";
    sender.region = "us-east-1";
    sender.partition = "aws";
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    to.account = "444455556666";
    to.region = "eu-west-1";

    Vpcsim__Wire__ApiRequest req = VPCSIM__WIRE__API_REQUEST__INIT;
    req.action = "CreateVpcPeeringConnection";
    req.input_json = input;
    req.account = "111122223333";
    req.region = "us-east-1";
    vs_env_t e_req = VPCSIM__WIRE__ENVELOPE__INIT;
    e_req.msg_id = 1234567;
    e_req.sender = &sender;
    e_req.to = &to;
    e_req.sim_time_ms = 1700000000000ull;
    e_req.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
    e_req.api_request = &req;

    Vpcsim__Wire__ApiReply rep = VPCSIM__WIRE__API_REPLY__INIT;
    rep.in_reply_to = 1234567;
    rep.ok = 1;
    rep.output_json = output;
    Vpcsim__Wire__Address back = VPCSIM__WIRE__ADDRESS__INIT;
    back.client_route.data = route;
    back.client_route.len = sizeof route;
    vs_env_t e_rep = e_req;
    e_rep.to = &back;
    e_rep.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY;
    e_rep.api_reply = &rep;

    Vpcsim__Wire__PeerMessage peer = VPCSIM__WIRE__PEER_MESSAGE__INIT;
    peer.payload.data = payload;
    peer.payload.len = sizeof payload;
    peer.ack_floor = 123456700;
    peer.epoch = 0x1234567890abcdefull;
    Vpcsim__Wire__Address pto = VPCSIM__WIRE__ADDRESS__INIT;
    pto.vpc_arn = arn;
    vs_env_t e_peer = e_req;
    e_peer.to = &pto;
    e_peer.cause_id = 1234500;
    e_peer.n_acks = 2;
    e_peer.acks = acks;
    e_peer.body_case = VPCSIM__WIRE__ENVELOPE__BODY_PEER;
    e_peer.peer = &peer;

    printf("{\n");
    if (s_one("ApiRequest", &e_req, rounds, 0) < 0 || s_one("ApiReply", &e_rep, rounds, 0) < 0 ||
        s_one("PeerMessage", &e_peer, rounds, 1) < 0)
        return 1;
    printf("}\n");
    return 0;
}
