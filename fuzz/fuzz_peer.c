/* libFuzzer target: the peer-message decoder, i.e. what an agent's model
 * does with the payload of a PeerMessage from another agent (the peering
 * protocol's Request, Validated, State, Op, OpResult, Cidrs, the SgDir
 * snapshots of security groups, and the Reachability Analyzer's Probe,
 * ProbeResult, ReachKey and Sealed: typed protobuf messages, proto/peer.proto,
 * and their older JSON form; the corpus has both; the first byte of a
 * typed one picks its module's decoder). The model holds a VPC, so a Request can find something to
 * validate; every output it produces is drained, as the agent would. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "model.h"
#include "service.h"

static void s_persist(void *ctx, const char *id, const uint8_t *doc, size_t len,
                      const char *state) {}
static void s_emit(void *ctx, const vs_out_t *o) {}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vs_manual_clock_t mc = { .now = 1700000000000ull };
    vs_clock_t clock = vs_manual_clock(&mc);
    vs_rng_t rng;
    vs_rng_seed(&rng, 42);
    vs_model_config_t cfg = { .account = "222222222222", .region = "us-east-1",
                              .clock = &clock, .rng = &rng, .modules = vs_service_modules() };
    vs_model_t *m = vs_model_new(&cfg);
    if (!m)
        abort();
    vs_json_t *in = vs_json_parse("{\"CidrBlock\":\"10.2.0.0/16\"}", 27, NULL, 0);
    vs_model_submit(m, 1, "222222222222", "CreateVpc", in);
    vs_json_free(&in);
    vs_model_flush(m, s_persist, NULL);
    vs_model_drain(m, s_emit, NULL);

    /* The first byte picks the sender: the requester's account in the same
     * or another Region, or the model's own account. */
    static const char *const from[][2] = { { "111111111111", "us-east-1" },
                                           { "111111111111", "eu-west-1" },
                                           { "222222222222", "us-east-1" } };
    size_t k = size ? data[0] % 3 : 0;
    vs_model_on_peer(m, from[k][0], from[k][1], size ? data + 1 : data, size ? size - 1 : 0);
    /* Let the timers it may have set (expiry, validation) run too. */
    mc.now += 8 * 24 * 3600 * 1000ull;
    vs_model_tick(m);
    vs_model_flush(m, s_persist, NULL);
    vs_model_drain(m, s_emit, NULL);
    vs_model_destroy(&m);
    return 0;
}
