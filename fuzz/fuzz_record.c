/* libFuzzer target: loading a stored record, i.e. what an agent does at
 * start-up with each row of its store (proto/store.proto records and the
 * older JSON documents; the corpus has both), and the JSON view
 * (--dump-objects) of the same bytes. The first byte picks the id the
 * record is stored under. A record that loads must render, and its
 * object must flush back out. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "service.h"

static void s_persist(void *ctx, const char *id, const uint8_t *doc, size_t len,
                      const char *state) {}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ids[] = { "vpc-0123456789abcdef0", "pcx-0123456789abcdef0",
                                       "subnet-0123456789abcdef0", "vs-meta",
                                       "rtb-0123456789abcdef0", "sg-0123456789abcdef0" };
    vs_manual_clock_t mc = { .now = 1700000000000ull };
    vs_clock_t clock = vs_manual_clock(&mc);
    vs_rng_t rng;
    vs_rng_seed(&rng, 42);
    vs_model_config_t cfg = { .account = "111111111111", .region = "us-east-1",
                              .clock = &clock, .rng = &rng, .modules = vs_service_modules() };
    vs_model_t *m = vs_model_new(&cfg);
    if (!m)
        abort();
    const char *id = ids[size ? data[0] % (sizeof ids / sizeof ids[0]) : 0];
    const uint8_t *rec = size ? data + 1 : data;
    size_t len = size ? size - 1 : 0;
    char *json = vs_model_doc_json(m, id, rec, len);
    int rc = vs_model_load(m, id, rec, len);
    /* Whatever loads has a JSON view (the reverse need not hold: the view
     * does not arm timers, which may name unknown kinds). */
    if (rc == 0 && !json)
        abort();
    free(json);
    mc.now += 8 * 24 * 3600 * 1000ull;
    vs_model_tick(m);
    vs_model_flush(m, s_persist, NULL);
    vs_model_destroy(&m);
    return 0;
}
