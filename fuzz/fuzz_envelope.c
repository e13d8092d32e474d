/* libFuzzer target: the envelope decoder every frame from the network goes
 * through (vs_wire_decode). Whatever it accepts must re-encode, and the
 * re-encoding must decode again: a tree the decoder lets through is one the
 * rest of the code can use. */
#include <stdint.h>
#include <stdlib.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    vs_env_t *env = vs_wire_decode(data, size, err, sizeof err);
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
