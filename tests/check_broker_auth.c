/* The secured broker's decisions inside one process: a real broker_t whose
 * send function records what would go on the wire, fed Envelopes from
 * authenticated principals as the ZAP handler would name them. Checks that
 * an agent key registers only its own (account, Region) and VPC ARNs, that
 * a client acts only as its own account, that admin operations need the
 * admin key, and that a second live agent for an (account, Region) is
 * refused while a dead one's successor takes over. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../broker/broker.h"
#include "../broker/router.h"
#include "keys.h"
#include "log.h"

#define S_MAX_SENT 64
#define A1 "111111111111"
#define B2 "222222222222"
#define USE1 "us-east-1"
#define EUW1 "eu-west-1"

static struct {
    char route[8];
    vs_env_t *env;
} s_sent[S_MAX_SENT];
static size_t s_nsent;
static uv_loop_t s_loop;
static broker_t *s_b;
static char s_dead[8];   /* a route whose sends fail with EHOSTUNREACH */

static int s_record(broker_t *b, const uint8_t *route, size_t len, const vs_env_t *env)
{
    char r[8];
    snprintf(r, sizeof r, "%.*s", (int)len, route);
    if (s_dead[0] && strcmp(r, s_dead) == 0) {
        errno = EHOSTUNREACH;
        return -1;
    }
    uint8_t *buf;
    size_t n;
    char err[128];
    ck_assert_int_lt(s_nsent, S_MAX_SENT);
    ck_assert_int_eq(vs_wire_encode(env, &buf, &n), 0);
    s_sent[s_nsent].env = vs_wire_decode(buf, n, err, sizeof err);
    free(buf);
    ck_assert_ptr_nonnull(s_sent[s_nsent].env);
    snprintf(s_sent[s_nsent].route, sizeof s_sent[0].route, "%s", r);
    s_nsent++;
    return 0;
}

static void s_setup(void)
{
    char err[256];
    broker_opts_t opts = { .listen = "tcp://127.0.0.1:*" };
    vs_log_init("test-broker", VS_LOG_ERROR);
    ck_assert_int_eq(uv_loop_init(&s_loop), 0);
    s_b = bk_broker_new(&s_loop, &opts, err, sizeof err);
    ck_assert_msg(s_b != NULL, "%s", err);
    s_b->send = s_record;
    s_b->secured = true;   /* as with --keys; principals come from the test */
    s_dead[0] = '\0';
}

static void s_teardown(void)
{
    bk_broker_destroy(&s_b);
    uv_run(&s_loop, UV_RUN_DEFAULT);
    uv_loop_close(&s_loop);
    for (size_t i = 0; i < s_nsent; i++)
        vs_wire_free(&s_sent[i].env);
    s_nsent = 0;
}

static void s_recv(const char *route, const vs_principal_t *who, vs_env_t *env)
{
    uint8_t *buf;
    size_t n;
    ck_assert_int_eq(vs_wire_encode(env, &buf, &n), 0);
    bk_router_handle_as(s_b, (const uint8_t *)route, strlen(route), who, buf, n);
    free(buf);
}

static vs_principal_t s_agent(const char *account, const char *region)
{
    vs_principal_t p;
    ck_assert_int_eq(vs_principal_agent(account, region, &p), 0);
    return p;
}

static vs_principal_t s_client(const char *account)
{
    vs_principal_t p;
    ck_assert_int_eq(vs_principal_client(account, &p), 0);
    return p;
}

static void s_hello(const char *route, const vs_principal_t *who, const char *account,
                    const char *region, const char **arns, size_t narns)
{
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    Vpcsim__Wire__Hello h = VPCSIM__WIRE__HELLO__INIT;
    h.account = (char *)account;
    h.region = (char *)region;
    h.vpc_arns = (char **)arns;
    h.n_vpc_arns = narns;
    env.msg_id = 7;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_HELLO;
    env.hello = &h;
    s_recv(route, who, &env);
}

/* The last message sent to route, or NULL. */
static const vs_env_t *s_last_to(const char *route)
{
    for (size_t i = s_nsent; i > 0; i--)
        if (strcmp(s_sent[i - 1].route, route) == 0)
            return s_sent[i - 1].env;
    return NULL;
}

static bool s_welcomed(const char *route)
{
    const vs_env_t *e = s_last_to(route);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->body_case, VPCSIM__WIRE__ENVELOPE__BODY_WELCOME);
    return e->welcome->ok;
}

START_TEST(agent_key_registers_only_its_own_account_and_region)
{
    vs_principal_t a = s_agent(A1, USE1);
    s_hello("rg1", &a, B2, USE1, NULL, 0);
    ck_assert(!s_welcomed("rg1"));
    ck_assert_ptr_null(strstr(s_last_to("rg1")->welcome->error, "broker out of"));
    s_hello("rg2", &a, A1, EUW1, NULL, 0);
    ck_assert(!s_welcomed("rg2"));
    ck_assert_ptr_null(bk_registry_get(s_b->reg, B2, USE1));
    ck_assert_ptr_null(bk_registry_get(s_b->reg, A1, EUW1));
    /* A client key cannot register an agent at all. */
    vs_principal_t c = s_client(A1);
    s_hello("rg3", &c, A1, USE1, NULL, 0);
    ck_assert(!s_welcomed("rg3"));
    ck_assert_ptr_null(bk_registry_get(s_b->reg, A1, USE1));
}
END_TEST

START_TEST(agent_claims_only_vpc_arns_of_its_account_and_region)
{
    const char *arns[] = {
        "arn:aws:ec2:us-east-1:111111111111:vpc/vpc-0123456789abcdef0",
        "arn:aws:ec2:us-east-1:222222222222:vpc/vpc-0123456789abcdef1",
        "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-0123456789abcdef2",
    };
    vs_principal_t a = s_agent(A1, USE1);
    s_hello("agA", &a, A1, USE1, arns, 3);
    ck_assert(s_welcomed("agA"));
    bk_agent_t *ag = bk_registry_get(s_b->reg, A1, USE1);
    ck_assert_ptr_nonnull(ag);
    ck_assert_ptr_eq(bk_registry_by_arn(s_b->reg, arns[0]), ag);
    ck_assert_ptr_null(bk_registry_by_arn(s_b->reg, arns[1]));
    ck_assert_ptr_null(bk_registry_by_arn(s_b->reg, arns[2]));
}
END_TEST

static void s_api(const char *route, const vs_principal_t *who, const char *account)
{
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    Vpcsim__Wire__ApiRequest rq = VPCSIM__WIRE__API_REQUEST__INIT;
    to.account = (char *)account;
    to.region = USE1;
    rq.action = "DescribeVpcs";
    rq.input_json = "{}";
    rq.account = (char *)account;
    rq.region = USE1;
    env.msg_id = 99;
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
    env.api_request = &rq;
    s_recv(route, who, &env);
}

START_TEST(client_acts_only_as_its_own_account)
{
    vs_principal_t b = s_agent(B2, USE1), a = s_agent(A1, USE1);
    s_hello("agB", &b, B2, USE1, NULL, 0);
    s_hello("agA", &a, A1, USE1, NULL, 0);
    ck_assert(s_welcomed("agB") && s_welcomed("agA"));
    size_t before = s_nsent;

    vs_principal_t ca = s_client(A1);
    s_api("cl1", &ca, B2);
    const vs_env_t *r = s_last_to("cl1");
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->body_case, VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY);
    ck_assert(!r->api_reply->ok);
    ck_assert_str_eq(r->api_reply->error_code, "AuthFailure");
    ck_assert_uint_eq(r->api_reply->in_reply_to, 99);
    ck_assert_uint_eq(s_nsent, before + 1);   /* nothing reached agent B */

    /* Its own account goes through, stamped with the authenticated account. */
    s_api("cl1", &ca, A1);
    const vs_env_t *f = s_last_to("agA");
    ck_assert_int_eq(f->body_case, VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST);
    ck_assert_str_eq(f->sender->account, A1);

    /* No principal at all on a secured broker (cannot happen through ZAP,
     * but fails closed) and the admin key are refused too. */
    vs_principal_t none = { .kind = VS_PRINCIPAL_NONE }, admin = { .kind = VS_PRINCIPAL_ADMIN };
    s_api("cl2", &none, A1);
    ck_assert_str_eq(s_last_to("cl2")->api_reply->error_code, "AuthFailure");
    s_api("cl3", &admin, A1);
    ck_assert_str_eq(s_last_to("cl3")->api_reply->error_code, "AuthFailure");
}
END_TEST

static void s_admin(const char *route, const vs_principal_t *who)
{
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    Vpcsim__Wire__AdminRequest rq = VPCSIM__WIRE__ADMIN_REQUEST__INIT;
    rq.op = "advance-clock";
    rq.seconds = 60;
    env.msg_id = 5;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REQUEST;
    env.admin_request = &rq;
    s_recv(route, who, &env);
}

START_TEST(admin_operations_need_the_admin_key)
{
    vs_principal_t ca = s_client(A1), ag = s_agent(A1, USE1);
    vs_principal_t admin = { .kind = VS_PRINCIPAL_ADMIN };
    uint64_t t0 = bk_sim_now(s_b);
    s_admin("cl1", &ca);
    ck_assert(!s_last_to("cl1")->admin_reply->ok);
    ck_assert_ptr_nonnull(strstr(s_last_to("cl1")->admin_reply->error_message, "admin key"));
    s_admin("ag1", &ag);
    ck_assert(!s_last_to("ag1")->admin_reply->ok);
    ck_assert_uint_lt(bk_sim_now(s_b), t0 + 30000);   /* the clock did not jump */
    s_admin("ad1", &admin);
    ck_assert(s_last_to("ad1")->admin_reply->ok);
    ck_assert_uint_ge(bk_sim_now(s_b), t0 + 60000);
}
END_TEST

START_TEST(second_live_agent_is_refused_a_dead_ones_successor_takes_over)
{
    vs_principal_t a = s_agent(A1, USE1);
    s_hello("ag1", &a, A1, USE1, NULL, 0);
    ck_assert(s_welcomed("ag1"));
    /* The first connection answers (sends succeed): the newcomer is refused. */
    s_hello("ag2", &a, A1, USE1, NULL, 0);
    ck_assert(!s_welcomed("ag2"));
    ck_assert_ptr_nonnull(strstr(s_last_to("ag2")->welcome->error, "already registered"));
    bk_agent_t *ag = bk_registry_get(s_b->reg, A1, USE1);
    ck_assert_int_eq(ag->route_len, 3);
    ck_assert_int_eq(memcmp(ag->route, "ag1", 3), 0);
    /* The same connection saying hello again (a resync) is fine. */
    s_hello("ag1", &a, A1, USE1, NULL, 0);
    ck_assert(s_welcomed("ag1"));
    /* The first connection is gone (kill -9): the restarted agent takes over. */
    snprintf(s_dead, sizeof s_dead, "ag1");
    s_hello("ag3", &a, A1, USE1, NULL, 0);
    ck_assert(s_welcomed("ag3"));
    ck_assert_int_eq(memcmp(ag->route, "ag3", 3), 0);
    ck_assert(ag->online);
}
END_TEST

START_TEST(hostile_frames_from_an_authenticated_client_leave_the_broker_serving)
{
    vs_principal_t a = s_agent(A1, USE1), ca = s_client(A1);
    s_hello("agA", &a, A1, USE1, NULL, 0);
    ck_assert(s_welcomed("agA"));
    /* Garbage, a truncated envelope, and bodies only the broker or an
     * agent may send: each is answered (or ignored), nothing crashes. */
    static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff, 0x0f, 0x12, 0x80 };
    bk_router_handle_as(s_b, (const uint8_t *)"cl1", 3, &ca, junk, sizeof junk);
    bk_router_handle_as(s_b, (const uint8_t *)"cl1", 3, &ca, junk, 0);
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    Vpcsim__Wire__Welcome w = VPCSIM__WIRE__WELCOME__INIT;
    env.msg_id = 3;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_WELCOME;
    env.welcome = &w;
    s_recv("cl1", &ca, &env);
    Vpcsim__Wire__PeerMessage pm = VPCSIM__WIRE__PEER_MESSAGE__INIT;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_PEER;
    env.peer = &pm;
    s_recv("cl1", &ca, &env);   /* not an agent: told to say hello, not relayed */
    const vs_env_t *last = s_last_to("agA");
    ck_assert(!last || last->body_case != VPCSIM__WIRE__ENVELOPE__BODY_PEER);
    /* And the next good call still goes through. */
    s_api("cl1", &ca, A1);
    ck_assert_int_eq(s_last_to("agA")->body_case, VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST);
    ck_assert(bk_registry_get(s_b->reg, A1, USE1)->online);
}
END_TEST

START_TEST(principal_names_round_trip_and_bad_ones_are_refused)
{
    vs_principal_t p;
    char buf[64];
    ck_assert_int_eq(vs_principal_parse("agent:111111111111:us-east-1", &p), 0);
    ck_assert_int_eq(p.kind, VS_PRINCIPAL_AGENT);
    vs_principal_format(&p, buf, sizeof buf);
    ck_assert_str_eq(buf, "agent:111111111111:us-east-1");
    ck_assert_int_eq(vs_principal_parse("client:222222222222", &p), 0);
    ck_assert_int_eq(p.kind, VS_PRINCIPAL_CLIENT);
    ck_assert_int_eq(vs_principal_parse("admin", &p), 0);
    ck_assert_int_eq(p.kind, VS_PRINCIPAL_ADMIN);
    ck_assert_int_eq(vs_principal_parse("", &p), 0);
    ck_assert_int_eq(p.kind, VS_PRINCIPAL_NONE);
    ck_assert_int_eq(vs_principal_parse("agent:11111111111:us-east-1", &p), -1);
    ck_assert_int_eq(vs_principal_parse("agent:111111111111:mars-1", &p), -1);
    ck_assert_int_eq(vs_principal_parse("client:abc", &p), -1);
    ck_assert_int_eq(vs_principal_parse("root", &p), -1);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("broker_auth");
    TCase *tc = tcase_create("auth");
    tcase_add_checked_fixture(tc, s_setup, s_teardown);
    tcase_add_test(tc, agent_key_registers_only_its_own_account_and_region);
    tcase_add_test(tc, agent_claims_only_vpc_arns_of_its_account_and_region);
    tcase_add_test(tc, client_acts_only_as_its_own_account);
    tcase_add_test(tc, admin_operations_need_the_admin_key);
    tcase_add_test(tc, second_live_agent_is_refused_a_dead_ones_successor_takes_over);
    tcase_add_test(tc, hostile_frames_from_an_authenticated_client_leave_the_broker_serving);
    tcase_add_test(tc, principal_names_round_trip_and_bad_ones_are_refused);
    suite_add_tcase(s, tc);
    return s;
}
