/* Unit tests of the event log (events/event.c, agent/evlog.c): retention
 * bounds, causality ids tying a call to what it caused, state changes
 * recorded only when they change, isolation between accounts, and the JSON
 * form `vpcsim trace` reads back. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../agent/evlog.h"
#include "../agent/store.h"
#include "event.h"

static char g_dir[256];
static store_t *g_st;
static evlog_t *g_log;

static void s_open_log(int64_t retention)
{
    char err[256] = "";
    g_st = store_open(g_dir, err, sizeof err);
    ck_assert_msg(g_st != NULL, "store_open: %s", err);
    g_log = evlog_open(store_db(g_st), retention, err, sizeof err);
    ck_assert_msg(g_log != NULL, "evlog_open: %s", err);
}

static void setup(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/vpcsim-check-events-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(g_dir));
    s_open_log(5);
}

static void teardown(void)
{
    evlog_close(&g_log);
    store_close(&g_st);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    ck_assert_int_eq(system(cmd), 0);
}

static vs_event_t s_ev(vs_event_kind_t kind, const char *object, uint64_t cause, const char *peer)
{
    vs_event_t e;
    memset(&e, 0, sizeof e);
    e.kind = kind;
    e.sim_ms = 1561193729000ull;
    e.cause = cause;
    vs_event_set(e.object, sizeof e.object, object);
    vs_event_set(e.peer_account, sizeof e.peer_account, peer);
    vs_event_set(e.peer_region, sizeof e.peer_region, peer ? "ap-northeast-1" : "");
    return e;
}

/* One event, written as a turn of its own. */
static void s_add(vs_event_t e)
{
    ck_assert_int_eq(evlog_add(g_log, &e), 0);
    ck_assert_int_gt(e.seq, 0);
    ck_assert_int_eq(evlog_flush(g_log), 0);
}

/* vs_event_set copies a field as snprintf's "%s" did: cut to fit with its
 * NUL, nothing written past it, nothing at all into no room, NULL as "". */
START_TEST(event_set_cuts_as_snprintf)
{
    static const char *const srcs[] = { NULL, "", "a", "abc", "abcdefg", "abcdefghijklmnop" };
    for (size_t size = 0; size < 12; size++)
        for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++) {
            char got[16], want[16];
            memset(got, 'x', sizeof got);
            memset(want, 'x', sizeof want);
            vs_event_set(got, size, srcs[i]);
            snprintf(want, size, "%s", srcs[i] ? srcs[i] : "");
            ck_assert_msg(!memcmp(got, want, sizeof got), "size %zu, \"%s\"", size,
                          srcs[i] ? srcs[i] : "(null)");
        }
}
END_TEST

START_TEST(retention_keeps_the_newest_n)
{
    for (int i = 0; i < 12; i++)
        s_add(s_ev(VS_EV_STATE, "vpc-1", 0, NULL));
    ck_assert_int_eq(evlog_count(g_log), 12);
    ck_assert_int_eq(evlog_prune(g_log), 0);
    ck_assert_int_eq(evlog_count(g_log), 5);
    vs_event_t *evs;
    size_t n;
    ck_assert_int_eq(evlog_query(g_log, NULL, 0, 100, &evs, &n), 0);
    ck_assert_uint_eq(n, 5);
    ck_assert_int_eq(evs[0].seq, 8);     /* 1..7 pruned */
    ck_assert_int_eq(evs[4].seq, 12);
    free(evs);
    /* Paging: after_seq and limit. */
    ck_assert_int_eq(evlog_query(g_log, NULL, 10, 1, &evs, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(evs[0].seq, 11);
    free(evs);
}
END_TEST

START_TEST(events_survive_a_reopen_only_when_committed)
{
    ck_assert_int_eq(store_begin(g_st), 0);
    s_add(s_ev(VS_EV_STATE, "vpc-1", 0, NULL));
    ck_assert_int_eq(store_commit(g_st), 0);
    ck_assert_int_eq(store_begin(g_st), 0);
    s_add(s_ev(VS_EV_STATE, "vpc-2", 0, NULL));
    /* No commit: the turn is lost whole, its events with it. */
    evlog_close(&g_log);
    store_close(&g_st);
    s_open_log(5);
    ck_assert_int_eq(evlog_count(g_log), 1);
}
END_TEST

START_TEST(causality_ties_a_call_to_what_it_caused)
{
    const uint64_t call = 0xfeedface12345678ull;
    vs_event_t c = s_ev(VS_EV_API_CALL, "pcx-aaaaaaaaaaaaaaaaa", call, NULL);
    vs_event_set(c.action, sizeof c.action, "AcceptVpcPeeringConnection");
    s_add(c);
    vs_event_t send = s_ev(VS_EV_PEER_SEND, "", call, "111111111111");   /* sealed: no object */
    send.msg_id = 77;
    s_add(send);
    s_add(s_ev(VS_EV_STATE, "vpc-unrelated", 99, NULL));
    s_add(s_ev(VS_EV_STATE, "pcx-aaaaaaaaaaaaaaaaa", 5, NULL));
    ck_assert_uint_eq(evlog_cause_of_msg(g_log, 77), call);
    ck_assert_uint_eq(evlog_cause_of_msg(g_log, 78), 0);
    char action[64], object[48];
    ck_assert_int_eq(evlog_call_of(g_log, call, action, sizeof action, object, sizeof object), 0);
    ck_assert_str_eq(action, "AcceptVpcPeeringConnection");
    ck_assert_str_eq(object, "pcx-aaaaaaaaaaaaaaaaa");
    ck_assert_int_eq(evlog_call_of(g_log, 1, action, sizeof action, object, sizeof object), 1);

    vs_event_t *evs;
    size_t n;
    ck_assert_int_eq(evlog_query(g_log, "pcx-aaaaaaaaaaaaaaaaa", 0, 100, &evs, &n), 0);
    ck_assert_uint_eq(n, 3);       /* the call, the message it caused, the state */
    ck_assert_int_eq(evs[0].kind, VS_EV_API_CALL);
    ck_assert_int_eq(evs[1].kind, VS_EV_PEER_SEND);
    ck_assert_int_eq(evs[2].kind, VS_EV_STATE);
    free(evs);
}
END_TEST

START_TEST(state_changes_are_recorded_once)
{
    ck_assert_int_eq(evlog_state_changed(g_log, "pcx-1", "pending-acceptance"), 1);
    ck_assert_int_eq(evlog_state_changed(g_log, "pcx-1", "pending-acceptance"), 0);
    ck_assert_int_eq(evlog_state_changed(g_log, "pcx-1", "active"), 1);
    ck_assert_int_eq(evlog_state_changed(g_log, "pcx-1", NULL), 1);
    ck_assert_int_eq(evlog_state_changed(g_log, "pcx-1", NULL), 0);
    char st[32];
    ck_assert_int_eq(vs_event_doc_state("{\"Id\":\"pcx-1\",\"State\":\"active\"}", st, sizeof st), 0);
    ck_assert_str_eq(st, "active");
    ck_assert_int_eq(vs_event_doc_state("{\"Status\":{\"Code\":\"deleted\"}}", st, sizeof st), 0);
    ck_assert_str_eq(st, "deleted");
    ck_assert_int_eq(vs_event_doc_state("{\"CidrBlock\":\"10.0.0.0/16\"}", st, sizeof st), -1);
    ck_assert_int_eq(vs_event_doc_state("not json", st, sizeof st), -1);
    /* The model's wrapper of a pcx: the record's state, not a timer's or a part's. */
    ck_assert_int_eq(vs_event_doc_state("{\"Kind\":\"VpcPeeringConnection\",\"Timers\":[{\"Kind\":"
                                        "\"pcx-purge\"}],\"Record\":{\"Id\":\"pcx-1\",\"State\": "
                                        "\"provisioning\"}}", st, sizeof st), 0);
    ck_assert_str_eq(st, "provisioning");
    /* A route table's routes have states; the table has none. */
    ck_assert_int_eq(vs_event_doc_state("{\"Kind\":\"RouteTable\",\"Routes\":[{\"Destination\":"
                                        "\"10.1.0.0/16\",\"State\":\"active\"}]}", st, sizeof st), -1);
    /* A value too long for the field is refused, not cut. */
    char tiny[4];
    ck_assert_int_eq(vs_event_doc_state("{\"State\":\"pending-acceptance\"}", tiny, sizeof tiny), -1);
}
END_TEST

/* What B's agent (owner 222…) holds about a connection shared with A. */
static size_t s_b_view(vs_event_t *evs)
{
    size_t n = 0;
    evs[n] = s_ev(VS_EV_API_CALL, "pcx-1", 1, NULL);
    vs_event_set(evs[n++].caller, VS_EV_ACCOUNT_LEN, "222222222222");
    evs[n++] = s_ev(VS_EV_PEER_RECV, "pcx-1", 2, "111111111111");
    evs[n++] = s_ev(VS_EV_STATE, "pcx-1", 2, NULL);
    evs[n++] = s_ev(VS_EV_PEER_SEND, "pcx-1", 1, "111111111111");
    evs[n++] = s_ev(VS_EV_PEER_SEND, "pcx-2", 3, "333333333333");   /* another connection */
    evs[n++] = s_ev(VS_EV_STATE, "vpc-b", 1, NULL);
    evs[n++] = s_ev(VS_EV_PEER_RECV, "", 4, "111111111111");    /* sealed, tied by cause */
    evs[n++] = s_ev(VS_EV_PEER_RECV, "", 5, "333333333333");    /* sealed, another account */
    return n;
}

START_TEST(isolation_between_accounts)
{
    vs_event_t evs[10];
    size_t n = s_b_view(evs);
    /* The owner sees everything. */
    ck_assert_uint_eq(vs_events_filter(evs, n, "222222222222", "222222222222", "pcx-1"), n);
    /* The other side sees the messages exchanged with it and the state,
     * never B's API call, its VPC, or a third account's connection. */
    size_t k = vs_events_filter(evs, n, "222222222222", "111111111111", "pcx-1");
    ck_assert_uint_eq(k, 4);
    ck_assert_int_eq(evs[0].kind, VS_EV_PEER_RECV);
    ck_assert_int_eq(evs[1].kind, VS_EV_STATE);
    ck_assert_int_eq(evs[2].kind, VS_EV_PEER_SEND);
    ck_assert_int_eq(evs[3].kind, VS_EV_PEER_RECV);
    ck_assert_uint_eq(evs[3].cause, 4);
    /* A third account shares nothing: it sees nothing, not even the state. */
    n = s_b_view(evs);
    ck_assert_uint_eq(vs_events_filter(evs, n, "222222222222", "444444444444", "pcx-1"), 0);
    /* Nor may it list everything, or ask about B's other connection. */
    n = s_b_view(evs);
    ck_assert_uint_eq(vs_events_filter(evs, n, "222222222222", "111111111111", NULL), 0);
    /* (The log ties the sealed messages to pcx-1, not to pcx-2: they are
     * not among pcx-2's events.) */
    n = s_b_view(evs) - 2;
    ck_assert_uint_eq(vs_events_filter(evs, n, "222222222222", "111111111111", "pcx-2"), 0);
}
END_TEST

START_TEST(json_round_trip_and_bad_input)
{
    vs_event_t e = s_ev(VS_EV_PEER_RESEND, "pcx-0123456789abcdef0", 0xffffffffffffffffull,
                        "111111111111");
    e.msg_id = 0x8000000000000001ull;
    e.seq = 42;
    e.wall_ms = 1700000000123ull;
    vs_event_set(e.action, sizeof e.action, "Request");
    vs_json_t *j = vs_event_to_json(&e);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(vs_json_get_str(j, "Kind"), "peer-resend");
    ck_assert_str_eq(vs_json_get_str(j, "CauseId"), "ffffffffffffffff");
    ck_assert_str_eq(vs_json_get_str(j, "SimTime"), "2019-06-22T08:55:29.000Z");
    vs_event_t back;
    char err[128];
    ck_assert_int_eq(vs_event_from_json(j, &back, err, sizeof err), 0);
    ck_assert_uint_eq(back.cause, e.cause);
    ck_assert_uint_eq(back.msg_id, e.msg_id);
    ck_assert_int_eq(back.seq, 42);
    ck_assert_str_eq(back.object, e.object);
    ck_assert_int_eq(back.kind, VS_EV_PEER_RESEND);
    vs_json_set_str(j, "Kind", "explode");
    ck_assert_int_eq(vs_event_from_json(j, &back, err, sizeof err), -1);
    vs_json_set_str(j, "Kind", "state");
    char longid[200];
    memset(longid, 'a', sizeof longid - 1);
    longid[sizeof longid - 1] = 0;
    vs_json_set_str(j, "ObjectId", longid);
    ck_assert_int_eq(vs_event_from_json(j, &back, err, sizeof err), -1);
    vs_json_free(&j);
}
END_TEST

START_TEST(objects_of_messages_and_calls)
{
    char type[32], id[48];
    const char *p = "{\"T\":\"Request\",\"Id\":\"pcx-0123456789abcdef0\",\"V\":1}";
    ck_assert_int_eq(vs_event_peer_payload((const uint8_t *)p, strlen(p), type, sizeof type, id,
                                           sizeof id), 0);
    ck_assert_str_eq(type, "Request");
    ck_assert_str_eq(id, "pcx-0123456789abcdef0");
    const uint8_t sealed[4] = { 0x01, 0xff, 0x00, 0x7b };
    ck_assert_int_eq(vs_event_peer_payload(sealed, sizeof sealed, type, sizeof type, id,
                                           sizeof id), -1);
    ck_assert_str_eq(id, "");

    const char *tin = "{\"VpcId\":\"vpc-1\",\"PeerVpcId\":\"vpc-2\"}";
    const char *tout = "{\"VpcPeeringConnection\":{\"VpcPeeringConnectionId\":\"pcx-9\"}}";
    vs_json_t *in = vs_json_parse(tin, strlen(tin), NULL, 0);
    vs_json_t *out = vs_json_parse(tout, strlen(tout), NULL, 0);
    ck_assert_ptr_nonnull(in);
    ck_assert_ptr_nonnull(out);
    char obj[48];
    vs_event_api_object(in, NULL, obj, sizeof obj);
    ck_assert_str_eq(obj, "vpc-1");
    /* The create call's output names the new connection: it is what the call is about. */
    vs_event_api_object(NULL, out, obj, sizeof obj);
    ck_assert_str_eq(obj, "pcx-9");
    vs_json_free(&in);
    vs_json_free(&out);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("agent_events");
    TCase *tc = tcase_create("events");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, event_set_cuts_as_snprintf);
    tcase_add_test(tc, retention_keeps_the_newest_n);
    tcase_add_test(tc, events_survive_a_reopen_only_when_committed);
    tcase_add_test(tc, causality_ties_a_call_to_what_it_caused);
    tcase_add_test(tc, state_changes_are_recorded_once);
    tcase_add_test(tc, isolation_between_accounts);
    tcase_add_test(tc, json_round_trip_and_bad_input);
    tcase_add_test(tc, objects_of_messages_and_calls);
    suite_add_tcase(s, tc);
    return s;
}
