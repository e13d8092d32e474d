/* Shared fixture of the peering protocol tests (check_peering.c,
 * check_peering_races.c): a whole cluster in one process (sim/simnet.h),
 * driven only through API calls, the virtual network and the virtual
 * clock, as the agents, the broker and `vpcsim admin advance-clock` drive
 * the real one. Header-only (static functions), included by each test file.
 *
 * Conventions: agents are indexes returned by pf_agent(); every JSON
 * document and string a helper hands out stays alive until teardown, so a
 * test can hold several outputs at once. The record internals (version,
 * side, hidden) are read through pcx_model.h, because "both views have the
 * same version" is not visible in the API output.
 */
#ifndef CHECK_PEERING_FIXTURE_H
#define CHECK_PEERING_FIXTURE_H

#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcx_model.h"
#include "simnet.h"

#include "check_json_path.h"

#define A1 "111111111111"      /* usually the requester */
#define A2 "222222222222"      /* usually the accepter */
#define A3 "333333333333"      /* a third party */
#define R1 "us-east-1"
#define R2 "eu-west-1"
/* 2019-06-15T08:55:29Z: the seed's request, which expires 2019-06-22T08:55:29. */
#define PF_T0 1560588929000ull
#define PF_EXPIRES_T0 "2019-06-22T08:55:29+00:00"
#define HOUR VS_HOUR_MS
#define DAY VS_DAY_MS
/* Long enough for any resend backoff to deliver everything. */
#define PF_SETTLE_MS (30 * VS_MINUTE_MS)

static vs_simnet_t *g_net;
static vs_json_t *g_keep[4096];
static size_t g_nkeep;
static char *g_skeep[4096];
static size_t g_nskeep;

static inline vs_json_t *pf_keep(vs_json_t *j)
{
    ck_assert(g_nkeep < sizeof g_keep / sizeof g_keep[0]);
    return g_keep[g_nkeep++] = j;
}

static inline const char *pf_skeep(char *s)
{
    ck_assert_ptr_nonnull(s);
    ck_assert(g_nskeep < sizeof g_skeep / sizeof g_skeep[0]);
    return g_skeep[g_nskeep++] = s;
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
    return pf_skeep(s);
}

static inline vs_json_t *pf_parse(const char *text)
{
    char err[128] = "";
    vs_json_t *j = vs_json_parse(text, strlen(text), err, sizeof err);
    ck_assert_msg(j != NULL, "bad json (%s): %s", err, text);
    return pf_keep(j);
}

/* --- the cluster ------------------------------------------------------------ */

static inline void pf_start(uint64_t seed)
{
    g_net = vs_simnet_new(seed, PF_T0);
    ck_assert_ptr_nonnull(g_net);
}

static inline void pf_setup(void) { pf_start(1); }

static inline void pf_teardown(void)
{
    vs_simnet_destroy(&g_net);
    for (size_t i = 0; i < g_nkeep; i++)
        vs_json_free(&g_keep[i]);
    for (size_t i = 0; i < g_nskeep; i++)
        free(g_skeep[i]);
    g_nkeep = g_nskeep = 0;
}

static inline int pf_agent_cfg(const char *account, const char *region,
                               const vs_model_config_t *cfg)
{
    int a = vs_simnet_add(g_net, account, region, cfg);
    ck_assert_msg(a >= 0, "cannot add agent %s/%s", account, region);
    return a;
}

static inline int pf_agent(const char *account, const char *region)
{
    return pf_agent_cfg(account, region, NULL);
}

static inline vs_model_t *pf_model(int a)
{
    vs_model_t *m = vs_simnet_model(g_net, a);
    ck_assert_ptr_nonnull(m);
    return m;
}

static inline uint64_t pf_now(void) { return vs_simnet_now(g_net); }

/* Everything in flight delivered, every outbox acknowledged; timers that
 * fall due meanwhile fire. */
static inline void pf_settle(void)
{
    ck_assert_msg(vs_simnet_settle(g_net, PF_SETTLE_MS), "the network did not settle");
}

/* Moves the clock to `t` (absolute) / by `ms`, running everything due. */
static inline void pf_run_to(uint64_t t) { vs_simnet_run_until(g_net, t); }
static inline void pf_advance(uint64_t ms) { pf_run_to(pf_now() + ms); }

/* --- API calls ---------------------------------------------------------------- */

static inline uint64_t pf_call(int a, const char *action, const char *input)
{
    uint64_t c = vs_simnet_call(g_net, a, action, input ? input : "{}");
    ck_assert_uint_gt(c, 0);
    return c;
}

static inline const vs_simnet_reply_t *pf_reply(uint64_t call)
{
    const vs_simnet_reply_t *r = vs_simnet_reply(g_net, call);
    ck_assert_ptr_nonnull(r);
    return r;
}

/* The output document of a call that succeeded (NULL if it had none). */
static inline vs_json_t *pf_out(uint64_t call)
{
    const vs_simnet_reply_t *r = pf_reply(call);
    ck_assert_msg(r->state == VS_CALL_OK, "call %" PRIu64 " not OK (state %d, %s: %s)", call,
                  (int)r->state, r->code ? r->code : "", r->message ? r->message : "");
    return r->output_json && r->output_json[0] ? pf_parse(r->output_json) : NULL;
}

/* Waits (settling the network) for a forwarded call's answer. */
static inline const vs_simnet_reply_t *pf_wait(uint64_t call)
{
    if (pf_reply(call)->state == VS_CALL_PENDING)
        pf_settle();
    return pf_reply(call);
}

/* A call that must succeed, possibly after the home answered. */
static inline vs_json_t *OK(int a, const char *action, const char *input)
{
    uint64_t c = pf_call(a, action, input);
    const vs_simnet_reply_t *r = pf_wait(c);
    ck_assert_msg(r->state == VS_CALL_OK, "%s on a%d: %s: %s (input %s)", action, a,
                  r->code ? r->code : "?", r->message ? r->message : "?", input ? input : "");
    return pf_out(c);
}

/* A call that must fail with exactly this code and message (msg NULL: any). */
static inline void ERR(int a, const char *action, const char *input, const char *code,
                       const char *msg)
{
    uint64_t c = pf_call(a, action, input);
    const vs_simnet_reply_t *r = pf_wait(c);
    ck_assert_msg(r->state == VS_CALL_FAILED, "%s on a%d: state %d, expected %s (input %s)",
                  action, a, (int)r->state, code, input ? input : "");
    ck_assert_str_eq(r->code, code);
    if (msg)
        ck_assert_str_eq(r->message, msg);
}

/* --- JSON paths ------------------------------------------------------------------ */

/* The keys of an object, comma-separated, in order. */
static inline const char *pf_keys(const vs_json_t *obj)
{
    char buf[1024] = "";
    for (size_t i = 0; i < vs_json_len(obj); i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "," : "",
                 vs_json_key_at(obj, i));
    return pf_skeep(strdup(buf));
}

static inline const char *pf_dump(const vs_json_t *v) { return pf_skeep(vs_json_dump(v, 0)); }

/* The CidrBlock values of a CidrBlockSet, comma-separated. */
static inline const char *pf_cidr_set(const vs_json_t *info)
{
    char buf[1024] = "";
    const vs_json_t *set = vs_json_get(info, "CidrBlockSet");
    for (size_t i = 0; i < vs_json_len(set); i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "," : "",
                 vs_json_get_str(vs_json_at(set, i), "CidrBlock"));
    return pf_skeep(strdup(buf));
}

/* --- VPCs -------------------------------------------------------------------------- */

static inline const char *mkvpc(int a, const char *cidr)
{
    return S(OK(a, "CreateVpc", J("{\"CidrBlock\":\"%s\"}", cidr)), "Vpc.VpcId");
}

static inline void add_cidr(int a, const char *vpc, const char *cidr)
{
    OK(a, "AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"%s\"}", vpc, cidr));
}

static inline vs_vpc_t *pf_vpc(int a, const char *vpc)
{
    vs_obj_t *o = vs_model__get(pf_model(a), vpc);
    ck_assert_msg(o && o->kind == &vs_kind_vpc, "no VPC %s on a%d", vpc, a);
    return (vs_vpc_t *)o;
}

/* --- peering ------------------------------------------------------------------------ */

/* CreateVpcPeeringConnection input; owner / region NULL = omitted. */
static inline const char *pcx_input(const char *vpc, const char *peer, const char *owner,
                                    const char *region)
{
    return J("{\"VpcId\":\"%s\",\"PeerVpcId\":\"%s\"%s%s%s%s%s%s}", vpc, peer,
             owner ? ",\"PeerOwnerId\":\"" : "", owner ? owner : "", owner ? "\"" : "",
             region ? ",\"PeerRegion\":\"" : "", region ? region : "", region ? "\"" : "");
}

/* Creates a pcx; the answer must be initiating-request. Returns its ID. */
static inline const char *mkpcx(int a, const char *vpc, const char *peer, const char *owner,
                                const char *region)
{
    vs_json_t *o = OK(a, "CreateVpcPeeringConnection", pcx_input(vpc, peer, owner, region));
    ck_assert_str_eq(S(o, "VpcPeeringConnection.Status.Code"), "initiating-request");
    return S(o, "VpcPeeringConnection.VpcPeeringConnectionId");
}

static inline const char *pcx_id_input(const char *pcx)
{
    return J("{\"VpcPeeringConnectionId\":\"%s\"}", pcx);
}

/* The caller's view of pcx on agent a as DescribeVpcPeeringConnections
 * shows it, or NULL if that answers InvalidVpcPeeringConnectionID.NotFound
 * (checked to be exactly AWS's error). */
static inline const vs_json_t *view(int a, const char *pcx)
{
    uint64_t c = pf_call(a, "DescribeVpcPeeringConnections",
                         J("{\"VpcPeeringConnectionIds\":[\"%s\"]}", pcx));
    const vs_simnet_reply_t *r = pf_reply(c);
    if (r->state == VS_CALL_FAILED) {
        ck_assert_str_eq(r->code, "InvalidVpcPeeringConnectionID.NotFound");
        ck_assert_str_eq(r->message, J("The vpcPeeringConnection ID '%s' does not exist", pcx));
        return NULL;
    }
    vs_json_t *o = pf_out(c);
    ck_assert_int_eq(N(o, "VpcPeeringConnections"), 1);
    const vs_json_t *v = P(o, "VpcPeeringConnections.0");
    ck_assert_str_eq(S(v, "VpcPeeringConnectionId"), pcx);
    return v;
}

/* Status.Code of the view, "" when not visible. */
static inline const char *state_of(int a, const char *pcx)
{
    const vs_json_t *v = view(a, pcx);
    return v ? S(v, "Status.Code") : "";
}

static inline const char *message_of(int a, const char *pcx)
{
    const vs_json_t *v = view(a, pcx);
    return v ? S(v, "Status.Message") : "";
}

/* The IDs a describe (input as given) lists on agent a, comma-separated. */
static inline const char *list_ids(int a, const char *input)
{
    vs_json_t *o = OK(a, "DescribeVpcPeeringConnections", input ? input : "{}");
    char buf[4096] = "";
    const vs_json_t *arr = vs_json_get(o, "VpcPeeringConnections");
    for (size_t i = 0; i < vs_json_len(arr); i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "," : "",
                 vs_json_get_str(vs_json_at(arr, i), "VpcPeeringConnectionId"));
    return pf_skeep(strdup(buf));
}

/* The view object of pcx on agent a (hidden or not), NULL if none. */
static inline const vs_pcx_obj_t *rec(int a, const char *pcx)
{
    vs_obj_t *o = vs_model__get(pf_model(a), pcx);
    return o && o->kind == &vs_kind_pcx ? (const vs_pcx_obj_t *)o : NULL;
}

/* Both views of pcx exist with the same record (state, version, CIDRs,
 * options, times); both API outputs are equal except for the tags. */
static inline void same_views(int ra, int aa, const char *pcx)
{
    const vs_pcx_obj_t *h = rec(ra, pcx), *r = rec(aa, pcx);
    ck_assert_msg(h && r, "%s: a view is missing (a%d %p, a%d %p)", pcx, ra, (void *)h, aa,
                  (void *)r);
    ck_assert_msg(h->rec.state == r->rec.state && h->rec.version == r->rec.version,
                  "%s: views differ: a%d %s v%" PRIu64 ", a%d %s v%" PRIu64, pcx, ra,
                  vs_pcx_state_name(h->rec.state), h->rec.version, aa,
                  vs_pcx_state_name(r->rec.state), r->rec.version);
    vs_json_t *dh = pf_keep(vs_pcx_to_doc(&h->rec)), *dr = pf_keep(vs_pcx_to_doc(&r->rec));
    ck_assert_msg(vs_json_equal(dh, dr), "%s: records differ:\n%s\n%s", pcx, pf_dump(dh),
                  pf_dump(dr));
    const vs_json_t *vh = view(ra, pcx), *vr = view(aa, pcx);
    if (vh && vr) {
        vs_json_t *ch = pf_keep(vs_json_clone(vh)), *cr = pf_keep(vs_json_clone(vr));
        vs_json_remove(ch, "Tags");
        vs_json_remove(cr, "Tags");
        ck_assert_msg(vs_json_equal(ch, cr), "%s: outputs differ:\n%s\n%s", pcx, pf_dump(ch),
                      pf_dump(cr));
    }
}

/* The expected ExpirationTime text for a request created at t. */
static inline const char *expires_at(uint64_t t)
{
    char buf[40];
    ck_assert_int_gt(vs_time_format(t + VS_PCX_EXPIRY_MS, VS_TS_CLI, buf, sizeof buf), 0);
    return pf_skeep(strdup(buf));
}

/* A pcx from vpc on agent r to peer on agent a, settled to
 * pending-acceptance (both views checked). */
static inline const char *pending_pcx(int r, const char *vpc, int a, const char *peer)
{
    const char *pcx = mkpcx(r, vpc, peer, vs_model_account(pf_model(a)),
                            vs_model_region(pf_model(a)));
    pf_settle();
    ck_assert_str_eq(state_of(r, pcx), "pending-acceptance");
    if (r != a)
        same_views(r, a, pcx);
    return pcx;
}

/* ... then accepted on a and provisioned: active in both views. */
static inline const char *active_pcx(int r, const char *vpc, int a, const char *peer)
{
    const char *pcx = pending_pcx(r, vpc, a, peer);
    OK(a, "AcceptVpcPeeringConnection", pcx_id_input(pcx));
    pf_advance(VS_PCX_PROVISIONING_MS);
    pf_settle();
    ck_assert_str_eq(state_of(a, pcx), "active");
    if (r != a)
        same_views(r, a, pcx);
    return pcx;
}

#endif
