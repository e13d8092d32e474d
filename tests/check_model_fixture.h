/* Shared fixture of the check_model* unit tests: one model (account
 * 111111111111 in ap-northeast-1) with a manual clock and a seeded rng,
 * driven only through vs_model_submit + vs_model_drain, as the agent does.
 * Header-only (static functions), included by each test file. */
#ifndef CHECK_MODEL_FIXTURE_H
#define CHECK_MODEL_FIXTURE_H

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "model.h"
#include "service.h"

#include "check_json_path.h"

#define ACCT  "111111111111"
#define OTHER "222222222222"
#define REGION "ap-northeast-1"
#define T0 1560588929000ull

static vs_manual_clock_t g_mc;
static vs_clock_t g_clock;
static vs_rng_t g_rng;
static vs_model_t *g_m;

/* Everything a test asked for stays alive until teardown, so tests can
 * hold several outputs at once. */
static vs_json_t *g_keep[512];
static size_t g_nkeep;
static char *g_skeep[512];
static size_t g_nskeep;

/* What the last drain emitted. */
typedef struct {
    bool ok;
    char code[96];
    char msg[512];
    vs_json_t *out;
    int nreplies;
    int vpc_added, vpc_removed;
    char last_arn[200];
} fx_res_t;
static fx_res_t g_res;

static inline vs_json_t *fx_keep(vs_json_t *j)
{
    ck_assert(g_nkeep < sizeof g_keep / sizeof g_keep[0]);
    return g_keep[g_nkeep++] = j;
}

static inline const char *fx_skeep(char *s)
{
    ck_assert(g_nskeep < sizeof g_skeep / sizeof g_skeep[0]);
    return g_skeep[g_nskeep++] = s;
}

/* A copy of n bytes, freed when the test ends. */
static inline uint8_t *fx_keep_bytes(const void *p, size_t n)
{
    char *c = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(c);
    memcpy(c, p, n);
    fx_skeep(c);
    return (uint8_t *)c;
}

static inline vs_json_t *fx_parse(const char *text)
{
    char err[128] = "";
    vs_json_t *j = vs_json_parse(text, strlen(text), err, sizeof err);
    ck_assert_msg(j != NULL, "bad json (%s): %s", err, text);
    return fx_keep(j);
}

/* printf into a kept string. */
static inline const char *J(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline const char *J(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    ck_assert(n >= 0);
    char *s = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(s);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return fx_skeep(s);
}

static inline void fx_emit(void *ctx, const vs_out_t *o)
{
    fx_res_t *r = ctx;
    switch (o->kind) {
    case VS_OUT_REPLY:
        r->nreplies++;
        r->ok = o->ok;
        if (o->ok) {
            r->out = o->output_json[0] ? fx_parse(o->output_json) : NULL;
        } else {
            snprintf(r->code, sizeof r->code, "%s", o->err->code);
            snprintf(r->msg, sizeof r->msg, "%s", o->err->message);
        }
        break;
    case VS_OUT_VPC_ADDED:
    case VS_OUT_VPC_REMOVED:
        if (o->kind == VS_OUT_VPC_ADDED)
            r->vpc_added++;
        else
            r->vpc_removed++;
        snprintf(r->last_arn, sizeof r->last_arn, "%s", o->vpc_arn);
        break;
    case VS_OUT_PEER:
        break;
    }
}

static inline vs_model_t *fx_model_new(void)
{
    vs_model_config_t cfg = { .account = ACCT, .region = REGION, .clock = &g_clock, .rng = &g_rng,
                              .modules = vs_service_modules() };
    vs_model_t *m = vs_model_new(&cfg);
    ck_assert_ptr_nonnull(m);
    return m;
}

static inline void fx_setup(void)
{
    g_mc.now = T0;
    g_clock = vs_manual_clock(&g_mc);
    vs_rng_seed(&g_rng, 42);
    g_m = fx_model_new();
}

static inline void fx_teardown(void)
{
    vs_model_destroy(&g_m);
    for (size_t i = 0; i < g_nkeep; i++)
        vs_json_free(&g_keep[i]);
    for (size_t i = 0; i < g_nskeep; i++)
        free(g_skeep[i]);
    g_nkeep = g_nskeep = 0;
}

/* One API call on model m; input NULL = no input document. */
static inline const fx_res_t *fx_call_on(vs_model_t *m, const char *caller, const char *action,
                                  const char *input)
{
    memset(&g_res, 0, sizeof g_res);
    vs_model_submit(m, 7, caller, action, input ? fx_parse(input) : NULL);
    vs_model_drain(m, fx_emit, &g_res);
    ck_assert_int_eq(g_res.nreplies, 1);
    return &g_res;
}

static inline const fx_res_t *fx_call(const char *caller, const char *action, const char *input)
{
    return fx_call_on(g_m, caller, action, input);
}

/* A call that must succeed; returns its output (NULL if none). */
static inline vs_json_t *OK(const char *action, const char *input)
{
    const fx_res_t *r = fx_call(ACCT, action, input);
    ck_assert_msg(r->ok, "%s failed: %s: %s (input %s)", action, r->code, r->msg,
                  input ? input : "none");
    return r->out;
}

/* A call that must fail with exactly this code and message (msg NULL:
 * any message). */
static inline void ERR(const char *action, const char *input, const char *code, const char *msg)
{
    const fx_res_t *r = fx_call(ACCT, action, input);
    ck_assert_msg(!r->ok, "%s succeeded, expected %s (input %s)", action, code,
                  input ? input : "none");
    ck_assert_str_eq(r->code, code);
    if (msg)
        ck_assert_str_eq(r->msg, msg);
}

/* The keys of obj, comma-separated, in order. */
static inline const char *fx_keys(const vs_json_t *obj)
{
    char buf[1024] = "";
    for (size_t i = 0; i < vs_json_len(obj); i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "," : "",
                 vs_json_key_at(obj, i));
    return fx_skeep(strdup(buf));
}

/* Creates a VPC and returns its ID. */
static inline const char *mkvpc(const char *cidr)
{
    vs_json_t *o = OK("CreateVpc", J("{\"CidrBlock\":\"%s\"}", cidr));
    return S(o, "Vpc.VpcId");
}

static inline const char *mksubnet(const char *vpc, const char *cidr)
{
    vs_json_t *o = OK("CreateSubnet", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"%s\"}", vpc, cidr));
    return S(o, "Subnet.SubnetId");
}

/* The single VPC / subnet / route table an ID names, as Describe* shows it. */
static inline const vs_json_t *describe_one(const char *action, const char *ids_param, const char *list,
                                     const char *id)
{
    vs_json_t *o = OK(action, J("{\"%s\":[\"%s\"]}", ids_param, id));
    ck_assert_int_eq(N(o, list), 1);
    return P(o, J("%s.0", list));
}

/* The IDs in a Describe* list, comma-separated. */
static inline const char *ids_of(const vs_json_t *out, const char *list, const char *idkey)
{
    char buf[2048] = "";
    const vs_json_t *arr = vs_json_get(out, list);
    for (size_t i = 0; i < vs_json_len(arr); i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "," : "",
                 vs_json_get_str(vs_json_at(arr, i), idkey));
    return fx_skeep(strdup(buf));
}

/* --- an in-memory store, for flush / load ---------------------------------- */

typedef struct {
    char *id[256];
    uint8_t *doc[256];         /* the record as flushed (binary) */
    size_t len[256];
    char *state[256];          /* the state the flush reported, or NULL */
    int n;
    int calls;
    int deletes;
} store_t;

static inline void st_put(void *ctx, const char *id, const uint8_t *doc, size_t len,
                          const char *state)
{
    store_t *st = ctx;
    st->calls++;
    int i = 0;
    while (i < st->n && strcmp(st->id[i], id) != 0)
        i++;
    if (!doc) {
        ck_assert_ptr_null(state);
        st->deletes++;
        if (i < st->n) {
            free(st->id[i]);
            free(st->doc[i]);
            free(st->state[i]);
            st->id[i] = st->id[st->n - 1];
            st->doc[i] = st->doc[st->n - 1];
            st->len[i] = st->len[st->n - 1];
            st->state[i] = st->state[st->n - 1];
            st->n--;
        }
        return;
    }
    if (i == st->n) {
        ck_assert_int_lt(st->n, 256);
        st->id[st->n++] = strdup(id);
    } else {
        free(st->doc[i]);
        free(st->state[i]);
    }
    st->doc[i] = malloc(len ? len : 1);
    memcpy(st->doc[i], doc, len);
    st->len[i] = len;
    st->state[i] = state ? strdup(state) : NULL;
}

static inline void st_free(store_t *st)
{
    for (int i = 0; i < st->n; i++) {
        free(st->id[i]);
        free(st->doc[i]);
        free(st->state[i]);
    }
    memset(st, 0, sizeof *st);
}

/* Record i as its JSON document (vs_model_doc_json, the debugging view),
 * kept until the test ends. */
static inline const char *st_json_at(const store_t *st, int i)
{
    vs_model_t *m = fx_model_new();
    char *j = vs_model_doc_json(m, st->id[i], st->doc[i], st->len[i]);
    vs_model_destroy(&m);
    ck_assert_msg(j != NULL, "record %s does not render as JSON", st->id[i]);
    return fx_skeep(j);
}

/* The JSON document of record `id`, NULL if there is none. */
static inline const char *st_get(const store_t *st, const char *id)
{
    for (int i = 0; i < st->n; i++)
        if (strcmp(st->id[i], id) == 0)
            return st_json_at(st, i);
    return NULL;
}

/* A fresh model loaded from st, records in reverse order (load must not
 * depend on the order). */
static inline vs_model_t *st_reload(const store_t *st)
{
    vs_model_t *m = fx_model_new();
    for (int i = st->n - 1; i >= 0; i--)
        ck_assert_msg(vs_model_load(m, st->id[i], st->doc[i], st->len[i]) == 0, "load %s: %s",
                      st->id[i], st_json_at(st, i));
    return m;
}

/* Loads a JSON document (the form older versions stored). */
static inline int load_json(vs_model_t *m, const char *id, const char *doc)
{
    return vs_model_load(m, id, (const uint8_t *)doc, doc ? strlen(doc) : 0);
}

/* Dumped output of an action on model m as the owner. */
static inline const char *dump_on(vs_model_t *m, const char *action, const char *input)
{
    const fx_res_t *r = fx_call_on(m, ACCT, action, input);
    ck_assert_msg(r->ok, "%s: %s %s", action, r->code, r->msg);
    return fx_skeep(vs_json_dump(r->out, 4));
}

#endif
