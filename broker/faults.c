/* faults: the chaos model (see faults.h). */
#include "faults.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "rng.h"

struct bk_faults {
    bk_faults_cfg_t cfg;
    vs_rng_t rng;
    bk_fault_counters_t counters;
    char (*isolated)[BK_FAULTS_KEY_LEN];   /* BK_FAULTS_MAX_ISOLATED slots */
    size_t n_isolated;
};

bk_faults_t *bk_faults_new(void)
{
    bk_faults_t *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->isolated = calloc(BK_FAULTS_MAX_ISOLATED, sizeof *f->isolated);
    if (!f->isolated) {
        free(f);
        return NULL;
    }
    bk_faults_configure(f, NULL);
    return f;
}

void bk_faults_destroy(bk_faults_t **fp)
{
    if (!fp || !*fp)
        return;
    free((*fp)->isolated);
    free(*fp);
    *fp = NULL;
}

/* ---- parsing helpers ------------------------------------------------------ */

/* The CLI turns `--delay-ms` into "delay-ms" and args_json callers write
 * "delay_ms"; both mean the same. */
static bool s_key_is(const char *key, const char *want)
{
    for (; *key && *want; key++, want++) {
        char k = *key == '-' ? '_' : *key;
        if (k != *want)
            return false;
    }
    return !*key && !*want;
}

/* A number, or a string holding one: the CLI passes `--drop .5` as the
 * string ".5" because it only types values that start like JSON numbers. */
static bool s_number(const vs_json_t *v, double *out)
{
    if (vs_json_type(v) == VS_JSON_NUMBER) {
        *out = vs_json_as_num(v, NAN);
        return isfinite(*out);
    }
    const char *s = vs_json_as_str(v);
    if (!s || !*s || vs_json_str_len(v) > 64)
        return false;
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return !*end && errno == 0 && isfinite(*out);
}

static int s_prob(const vs_json_t *v, const char *name, double *out, char *err, size_t errlen)
{
    if (!s_number(v, out) || *out < 0.0 || *out > 1.0) {
        char *shown = vs_json_dump(v, 0);
        snprintf(err, errlen, "set-faults: %s must be a probability between 0 and 1 (got %.40s)",
                 name, shown ? shown : "?");
        free(shown);
        return -1;
    }
    return 0;
}

/* A whole number of milliseconds in [0, BK_FAULTS_MAX_DELAY_MS]. */
static bool s_ms(const vs_json_t *v, uint32_t *out)
{
    double d;
    if (!s_number(v, &d) || d < 0 || d > BK_FAULTS_MAX_DELAY_MS || d != floor(d))
        return false;
    *out = (uint32_t)d;
    return true;
}

/* "MIN-MAX" or "MS" as the CLI forwards `--delay-ms 5-50`. */
static bool s_ms_range_text(const char *s, uint32_t *lo, uint32_t *hi)
{
    unsigned long a, b;
    char *end;
    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    a = strtoul(s, &end, 10);
    if (errno || a > BK_FAULTS_MAX_DELAY_MS)
        return false;
    if (!*end) {
        *lo = *hi = (uint32_t)a;
        return true;
    }
    if (*end != '-' || end[1] < '0' || end[1] > '9')
        return false;
    b = strtoul(end + 1, &end, 10);
    if (errno || *end || b > BK_FAULTS_MAX_DELAY_MS)
        return false;
    *lo = (uint32_t)a;
    *hi = (uint32_t)b;
    return true;
}

static int s_delay(const vs_json_t *v, uint32_t *lo, uint32_t *hi, char *err, size_t errlen)
{
    bool ok;
    if (vs_json_type(v) == VS_JSON_ARRAY)
        ok = vs_json_len(v) == 2 && s_ms(vs_json_at(v, 0), lo) && s_ms(vs_json_at(v, 1), hi);
    else if (vs_json_type(v) == VS_JSON_STRING)
        ok = s_ms_range_text(vs_json_as_str(v), lo, hi);
    else if ((ok = s_ms(v, lo)))
        *hi = *lo;   /* one number: a fixed delay */
    if (!ok) {
        char *shown = vs_json_dump(v, 0);
        snprintf(err, errlen,
                 "set-faults: delay-ms must be MIN-MAX, two whole numbers of milliseconds "
                 "from 0 to %d (got %.40s)", BK_FAULTS_MAX_DELAY_MS, shown ? shown : "?");
        free(shown);
        return -1;
    }
    if (*lo > *hi) {
        snprintf(err, errlen, "set-faults: delay-ms minimum %u is greater than its maximum %u",
                 (unsigned)*lo, (unsigned)*hi);
        return -1;
    }
    return 0;
}

/* Seeds are kept below 2^63 so describe-faults can print them as JSON
 * integers; big ones may come as strings (JSON numbers lose digits). */
static int s_seed(const vs_json_t *v, uint64_t *out, char *err, size_t errlen)
{
    const char *s = vs_json_as_str(v);
    bool ok = false;
    if (vs_json_is_int(v) && vs_json_as_int(v, -1) >= 0) {
        *out = (uint64_t)vs_json_as_int(v, 0);
        ok = true;
    } else if (s && *s >= '0' && *s <= '9' && vs_json_str_len(v) <= 20) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(s, &end, 10);
        ok = !*end && errno == 0 && n <= (unsigned long long)INT64_MAX;
        *out = n;
    }
    if (!ok) {
        char *shown = vs_json_dump(v, 0);
        snprintf(err, errlen, "set-faults: seed must be a whole number from 0 to %lld (got %.40s)",
                 (long long)INT64_MAX, shown ? shown : "?");
        free(shown);
        return -1;
    }
    return 0;
}

/* Parses args_json into an object; NULL with err set. */
static vs_json_t *s_args(const char *op, const char *args_json, char *err, size_t errlen)
{
    char perr[128] = "";
    vs_json_t *doc = args_json && *args_json
                         ? vs_json_parse(args_json, strlen(args_json), perr, sizeof perr)
                         : vs_json_object();
    if (!doc || vs_json_type(doc) != VS_JSON_OBJECT) {
        snprintf(err, errlen, "%s: the arguments are not a JSON object%s%s", op,
                 perr[0] ? ": " : "", perr);
        vs_json_free(&doc);
        return NULL;
    }
    return doc;
}

/* ---- set-faults ------------------------------------------------------------ */

int bk_faults_parse(const char *args_json, bk_faults_cfg_t *cfg, bool *clear, char *err,
                    size_t errlen)
{
    vs_json_t *doc = s_args("set-faults", args_json, err, errlen);
    if (!doc)
        return -1;
    memset(cfg, 0, sizeof *cfg);
    cfg->seed = BK_FAULTS_DEFAULT_SEED;
    *clear = false;
    int rc = 0;
    size_t n = vs_json_len(doc);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *key = vs_json_key_at(doc, i);
        const vs_json_t *v = vs_json_at(doc, i);
        if (s_key_is(key, "drop"))
            rc = s_prob(v, "drop", &cfg->drop, err, errlen);
        else if (s_key_is(key, "duplicate"))
            rc = s_prob(v, "duplicate", &cfg->duplicate, err, errlen);
        else if (s_key_is(key, "reorder"))
            rc = s_prob(v, "reorder", &cfg->reorder, err, errlen);
        else if (s_key_is(key, "delay_ms"))
            rc = s_delay(v, &cfg->delay_min_ms, &cfg->delay_max_ms, err, errlen);
        else if (s_key_is(key, "seed"))
            rc = s_seed(v, &cfg->seed, err, errlen);
        else if (s_key_is(key, "clear")) {
            if (vs_json_type(v) != VS_JSON_BOOL || !vs_json_as_bool(v, false)) {
                snprintf(err, errlen, "set-faults: clear takes no value (use --clear alone)");
                rc = -1;
            }
            *clear = true;
        } else {
            snprintf(err, errlen,
                     "set-faults: unknown argument '%.60s' (expected --drop, --duplicate, "
                     "--delay-ms, --reorder, --seed or --clear)",
                     strcmp(key, "args") == 0 ? "(a value without an option)" : key);
            rc = -1;
        }
    }
    if (rc == 0 && n == 0) {
        snprintf(err, errlen, "set-faults needs --drop, --duplicate, --delay-ms, --reorder "
                              "(and --seed), or --clear");
        rc = -1;
    }
    if (rc == 0 && *clear && n > 1) {
        snprintf(err, errlen, "set-faults: --clear cannot be combined with other options");
        rc = -1;
    }
    vs_json_free(&doc);
    return rc;
}

void bk_faults_configure(bk_faults_t *f, const bk_faults_cfg_t *cfg)
{
    if (cfg) {
        f->cfg = *cfg;
    } else {
        memset(&f->cfg, 0, sizeof f->cfg);
        f->cfg.seed = BK_FAULTS_DEFAULT_SEED;
    }
    vs_rng_seed(&f->rng, f->cfg.seed);
}

const bk_faults_cfg_t *bk_faults_cfg(const bk_faults_t *f)
{
    return &f->cfg;
}

bool bk_faults_active(const bk_faults_t *f)
{
    return f->cfg.drop > 0 || f->cfg.duplicate > 0 || f->cfg.reorder > 0 ||
           f->cfg.delay_max_ms > 0;
}

void bk_faults_describe_cfg(const bk_faults_cfg_t *c, char *buf, size_t len)
{
    snprintf(buf, len, "drop %g, duplicate %g, delay %u-%u ms, reorder %g, seed %llu", c->drop,
             c->duplicate, (unsigned)c->delay_min_ms, (unsigned)c->delay_max_ms, c->reorder,
             (unsigned long long)c->seed);
}

/* ---- decisions ------------------------------------------------------------- */

void bk_faults_decide(bk_faults_t *f, bk_fault_decision_t *d)
{
    memset(d, 0, sizeof *d);
    if (!bk_faults_active(f)) {
        d->copies = 1;
        return;
    }
    /* Always five draws in this order, used or not, so that decision k
     * depends only on the seed and k. */
    const bk_faults_cfg_t *c = &f->cfg;
    uint64_t span = (uint64_t)(c->delay_max_ms - c->delay_min_ms) + 1;
    double u_drop = vs_rng_unit(&f->rng);
    double u_dup = vs_rng_unit(&f->rng);
    uint64_t d0 = vs_rng_below(&f->rng, span);
    uint64_t d1 = vs_rng_below(&f->rng, span);
    double u_reorder = vs_rng_unit(&f->rng);

    /* u < p: never true for p = 0, always for p = 1 (u is in [0, 1)). */
    if (u_drop < c->drop) {
        d->drop = true;
        f->counters.dropped++;
        return;
    }
    d->copies = u_dup < c->duplicate ? 2 : 1;
    d->delay_ms[0] = c->delay_min_ms + (uint32_t)d0;
    d->delay_ms[1] = d->copies == 2 ? c->delay_min_ms + (uint32_t)d1 : 0;
    d->hold = u_reorder < c->reorder;
    if (d->copies == 2)
        f->counters.duplicated++;
    for (unsigned i = 0; i < d->copies; i++)
        if (d->delay_ms[i] > 0)
            f->counters.delayed++;
    if (d->hold)
        f->counters.reordered++;
}

bk_fault_counters_t *bk_faults_counters(bk_faults_t *f)
{
    return &f->counters;
}

/* ---- partitions ------------------------------------------------------------ */

/* Validates "ACCOUNT:REGION" and writes its canonical form to key. */
static int s_isolate_key(const vs_json_t *v, char key[BK_FAULTS_KEY_LEN], char *err,
                         size_t errlen)
{
    const char *s = vs_json_as_str(v);
    const char *colon = s ? strchr(s, ':') : NULL;
    char account[VS_ACCOUNT_LEN] = "", region[VS_REGION_LEN] = "";
    if (colon && (size_t)(colon - s) < sizeof account && strlen(colon + 1) < sizeof region) {
        memcpy(account, s, (size_t)(colon - s));
        account[colon - s] = '\0';
        snprintf(region, sizeof region, "%s", colon + 1);
    }
    if (!colon || !vs_account_valid(account)) {
        char *shown = vs_json_dump(v, 0);
        snprintf(err, errlen,
                 "partition: --isolate needs ACCOUNT:REGION with a 12-digit account id "
                 "(got %.60s)", shown ? shown : "?");
        free(shown);
        return -1;
    }
    if (!vs_region_known(region)) {
        snprintf(err, errlen, "partition: unknown Region '%s' in --isolate %s:%s", region,
                 account, region);
        return -1;
    }
    snprintf(key, BK_FAULTS_KEY_LEN, "%s:%s", account, region);
    return 0;
}

int bk_faults_parse_partition(const char *args_json, bool *heal,
                              char (*keys)[BK_FAULTS_KEY_LEN], size_t max, size_t *n,
                              char *err, size_t errlen)
{
    vs_json_t *doc = s_args("partition", args_json, err, errlen);
    if (!doc)
        return -1;
    *heal = false;
    *n = 0;
    int rc = 0;
    bool isolate = false;
    for (size_t i = 0; rc == 0 && i < vs_json_len(doc); i++) {
        const char *key = vs_json_key_at(doc, i);
        const vs_json_t *v = vs_json_at(doc, i);
        if (s_key_is(key, "heal")) {
            if (vs_json_type(v) != VS_JSON_BOOL || !vs_json_as_bool(v, false)) {
                snprintf(err, errlen, "partition: heal takes no value (use --heal alone)");
                rc = -1;
            }
            *heal = true;
        } else if (s_key_is(key, "isolate")) {
            isolate = true;
            bool many = vs_json_type(v) == VS_JSON_ARRAY;
            size_t count = many ? vs_json_len(v) : 1;
            if (count == 0 || *n + count > max) {
                snprintf(err, errlen, "partition: --isolate needs 1 to %zu ACCOUNT:REGION values",
                         max);
                rc = -1;
            }
            for (size_t k = 0; rc == 0 && k < count; k++)
                rc = s_isolate_key(many ? vs_json_at(v, k) : v, keys[(*n)++], err, errlen);
        } else {
            snprintf(err, errlen,
                     "partition: unknown argument '%.60s' (expected --isolate ACCOUNT:REGION "
                     "or --heal)", strcmp(key, "args") == 0 ? "(a value without an option)" : key);
            rc = -1;
        }
    }
    if (rc == 0 && !isolate && !*heal) {
        snprintf(err, errlen, "partition needs --isolate ACCOUNT:REGION or --heal");
        rc = -1;
    }
    if (rc == 0 && isolate && *heal) {
        snprintf(err, errlen, "partition: --isolate and --heal cannot be combined");
        rc = -1;
    }
    if (rc < 0)
        *n = 0;
    vs_json_free(&doc);
    return rc;
}

static bool s_has(const bk_faults_t *f, const char *key)
{
    for (size_t i = 0; i < f->n_isolated; i++)
        if (strcmp(f->isolated[i], key) == 0)
            return true;
    return false;
}

int bk_faults_isolate(bk_faults_t *f, const char *key)
{
    if (s_has(f, key))
        return 0;
    if (f->n_isolated >= BK_FAULTS_MAX_ISOLATED)
        return -1;
    snprintf(f->isolated[f->n_isolated++], BK_FAULTS_KEY_LEN, "%s", key);
    return 1;
}

size_t bk_faults_heal(bk_faults_t *f)
{
    size_t n = f->n_isolated;
    f->n_isolated = 0;
    return n;
}

bool bk_faults_isolated(const bk_faults_t *f, const char *account, const char *region)
{
    if (f->n_isolated == 0)
        return false;
    char key[BK_FAULTS_KEY_LEN];
    snprintf(key, sizeof key, "%s:%s", account, region);
    return s_has(f, key);
}

bool bk_faults_isolated_key(const bk_faults_t *f, const char *key)
{
    return s_has(f, key);
}

size_t bk_faults_isolated_count(const bk_faults_t *f)
{
    return f->n_isolated;
}

/* ---- reporting ------------------------------------------------------------- */

static int s_cmp_key(const void *a, const void *b)
{
    return strcmp(a, b);
}

vs_json_t *bk_faults_describe(const bk_faults_t *f)
{
    const bk_faults_cfg_t *c = &f->cfg;
    const bk_fault_counters_t *k = &f->counters;
    vs_json_t *doc = vs_json_object();
    vs_json_t *fl = doc ? vs_json_set(doc, "Faults", vs_json_object()) : NULL;
    vs_json_t *delay = fl ? vs_json_array() : NULL;
    if (!fl || !delay) {
        vs_json_free(&delay);
        vs_json_free(&doc);
        return NULL;
    }
    vs_json_set(fl, "Drop", vs_json_num(c->drop));
    vs_json_set(fl, "Duplicate", vs_json_num(c->duplicate));
    vs_json_push(delay, vs_json_int(c->delay_min_ms));
    vs_json_push(delay, vs_json_int(c->delay_max_ms));
    vs_json_set(fl, "DelayMs", delay);
    vs_json_set(fl, "Reorder", vs_json_num(c->reorder));
    vs_json_set_int(fl, "Seed", (int64_t)c->seed);
    vs_json_set_bool(fl, "Active", bk_faults_active(f));

    /* Sorted so the output does not depend on the order of the calls. */
    char (*sorted)[BK_FAULTS_KEY_LEN] = malloc((f->n_isolated + 1) * sizeof *sorted);
    vs_json_t *parts = vs_json_set(doc, "Partitions", vs_json_array());
    if (!sorted || !parts) {
        free(sorted);
        vs_json_free(&doc);
        return NULL;
    }
    memcpy(sorted, f->isolated, f->n_isolated * sizeof *sorted);
    qsort(sorted, f->n_isolated, sizeof *sorted, s_cmp_key);
    for (size_t i = 0; i < f->n_isolated; i++)
        vs_json_push(parts, vs_json_str(sorted[i]));
    free(sorted);

    vs_json_t *cn = vs_json_set(doc, "Counters", vs_json_object());
    if (!cn) {
        vs_json_free(&doc);
        return NULL;
    }
    vs_json_set_int(cn, "Dropped", (int64_t)k->dropped);
    vs_json_set_int(cn, "Duplicated", (int64_t)k->duplicated);
    vs_json_set_int(cn, "Delayed", (int64_t)k->delayed);
    vs_json_set_int(cn, "Reordered", (int64_t)k->reordered);
    vs_json_set_int(cn, "PartitionDropped", (int64_t)k->partition_dropped);
    vs_json_set_int(cn, "RelayedPeerMessages", (int64_t)k->relayed_peer);
    vs_json_set_int(cn, "RelayedAcks", (int64_t)k->relayed_ack);
    return doc;
}
