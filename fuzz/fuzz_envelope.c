/* libFuzzer target: the envelope decoder every frame from the network goes
 * through (vs_wire_decode). Whatever it accepts must re-encode, and the
 * re-encoding must decode again: a tree the decoder lets through is one the
 * rest of the code can use. And the broker's fast relay (wire_peek.h) must
 * never accept what the decoder refuses, nor read a routing field
 * differently, nor produce a stamped frame the decoder refuses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"
#include "wire_peek.h"

static int s_span_differs(const vs_wire_span_t *s, const void *p, size_t len)
{
    return s->len != len || (len && memcmp(s->p, p, len) != 0);
}

static void s_check_peek(const uint8_t *data, size_t size, const vs_env_t *env)
{
    vs_wire_peek_t pk;
    if (vs_wire_peek(data, size, &pk) < 0)
        return;
    if (!env)
        abort();   /* the relay would pass on what decode refuses */
    if ((int)pk.body != (int)env->body_case || pk.msg_id != env->msg_id ||
        pk.has_to != (env->to != NULL) || env->sender)
        abort();
    if (env->to && (s_span_differs(&pk.to_vpc_arn, env->to->vpc_arn, strlen(env->to->vpc_arn)) ||
                    s_span_differs(&pk.to_account, env->to->account, strlen(env->to->account)) ||
                    s_span_differs(&pk.to_region, env->to->region, strlen(env->to->region)) ||
                    s_span_differs(&pk.to_client_route, env->to->client_route.data,
                                   env->to->client_route.len)))
        abort();
    static uint8_t route[] = { 0x00, 0x80, 0x00, 0x00, 0x01 };
    Vpcsim__Wire__Party p = VPCSIM__WIRE__PARTY__INIT;
    p.kind = VPCSIM__WIRE__PARTY_KIND__PARTY_AGENT;
    p.account = "111111111111";
    p.region = "us-east-1";
    p.partition = "aws";
    p.route.data = route;
    p.route.len = sizeof route;
    size_t ss = vs_wire_peek_stamp_size(&p, size);
    if (ss == 0)
        return;
    uint8_t *out = malloc(size + ss);
    if (!out)
        return;
    vs_wire_peek_restamp(data, size, &p, ss, out);
    char err[256];
    vs_env_t *stamped = vs_wire_decode(out, size + ss, err, sizeof err);
    if (!stamped || !stamped->sender || strcmp(stamped->sender->account, "111111111111") != 0)
        abort();   /* the stamped frame must decode, with our sender */
    vs_wire_free(&stamped);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    vs_env_t *env = vs_wire_decode(data, size, err, sizeof err);
    s_check_peek(data, size, env);
    if (!env)
        return 0;
    uint8_t *buf = NULL;
    size_t len = 0;
    if (vs_wire_encode(env, &buf, &len) == 0) {
        vs_env_t *again = vs_wire_decode(buf, len, err, sizeof err);
        if (!again)
            abort();   /* accepted once, refused after a round trip */
        vs_wire_free(&again);
        free(buf);
    }
    vs_wire_free(&env);
    return 0;
}
