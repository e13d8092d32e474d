/* agent_dump: `vpcsim-agent --dump-objects --data-dir DIR`, every stored
 * object as its JSON document, for debugging. The store keeps binary
 * records (proto/store.proto); the model renders them (vs_model_doc_json),
 * so the JSON is the same as older versions stored. Runs instead of the
 * agent, never next to it: the store's lock refuses a data dir in use.
 */
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "agent.h"
#include "model.h"
#include "service.h"
#include "store.h"

typedef struct {
    vs_model_t *m;
    FILE *out;
    size_t n, bad;
} s_dump_t;

static void s_one(void *ctx, const char *id, const uint8_t *doc, size_t len, bool intact)
{
    s_dump_t *d = ctx;
    char *json = intact ? vs_model_doc_json(d->m, id, doc, len) : NULL;
    if (!json) {
        /* Named, never hidden: what a start would refuse, the dump shows. */
        fprintf(stderr, "vpcsim-agent: object %s: %s\n", id,
                intact ? "it is not a readable object" : "its checksum does not match");
        d->bad++;
        return;
    }
    fprintf(d->out, "%s\n", json);
    free(json);
    d->n++;
}

int agent_dump_objects(const char *data_dir, FILE *out)
{
    struct stat sb;
    char path[4096];
    snprintf(path, sizeof path, "%s/agent.db", data_dir);
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "vpcsim-agent: no store in %s: %s\n", data_dir, strerror(errno));
        return 2;
    }
    char err[1024];
    store_t *st = store_open(data_dir, err, sizeof err);
    if (!st) {
        fprintf(stderr, "vpcsim-agent: %s\n", err);
        return 2;
    }
    char acct[32] = "", region[64] = "";
    if (store_meta_get(st, "account", acct, sizeof acct) != 0 ||
        store_meta_get(st, "region", region, sizeof region) != 0) {
        fprintf(stderr, "vpcsim-agent: %s has no identity (account, Region)\n", path);
        store_close(&st);
        return 2;
    }
    /* A model only for its kinds: nothing runs, so any clock will do. */
    vs_manual_clock_t mc = { 0 };
    vs_clock_t clock = vs_manual_clock(&mc);
    vs_rng_t rng;
    vs_rng_seed(&rng, 1);
    vs_model_config_t cfg = { .account = acct, .region = region, .clock = &clock, .rng = &rng,
                              .modules = vs_service_modules() };
    s_dump_t d = { .m = vs_model_new(&cfg), .out = out };
    int rc = 1;
    if (d.m && store_each_object(st, s_one, &d) == 0)
        rc = d.bad ? 1 : 0;
    vs_model_destroy(&d.m);
    store_close(&st);
    fflush(out);
    return rc;
}
