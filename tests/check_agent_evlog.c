/* Unit tests of the batched event log (agent/evlog*.c): the events of
 * several turns read back in order with every field, state events only on
 * a change (across a reopen too), retention by whole batches, damaged
 * batches skipped and named, version 1 batches still read, version 2's
 * references to repeated strings, the bounded
 * indexes, and the migration of the old one-row-per-event table (store
 * schema 3). */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../agent/evlog.h"
#include "../agent/evlog_codec.h"
#include "../agent/evlog_idx.h"
#include "../agent/evlog_states.h"
#include "../agent/store.h"
#include "event.h"

#define CHECK_EVLOG_DIR "/tmp/vpcsim-check-evlog-XXXXXX"
#include "check_evlog_fixture.h"

/* An event with every field set, different for each i. */
static vs_event_t s_ev(int i)
{
    vs_event_t e;
    memset(&e, 0, sizeof e);
    e.kind = (vs_event_kind_t)(i % VS_EV__COUNT);
    e.sim_ms = 1561193729000ull + (uint64_t)i;
    e.wall_ms = 1700000000000ull + 7u * (uint64_t)i;
    e.cause = 0xfeedface00000000ull + (uint64_t)(i / 3);
    e.msg_id = i % 2 ? 0 : 0x8000000000000000ull + (uint64_t)i;
    snprintf(e.object, sizeof e.object, "pcx-%017d", i);
    snprintf(e.peer_account, sizeof e.peer_account, "%012d", 100000 + i);
    vs_event_set(e.peer_region, sizeof e.peer_region, "ap-northeast-1");
    vs_event_set(e.caller, sizeof e.caller, i % 2 ? "111111111111" : "");
    vs_event_set(e.action, sizeof e.action, "CreateVpcPeeringConnection");
    /* The longest a detail may be. */
    memset(e.detail, 'a' + i % 26, sizeof e.detail - 1);
    e.detail[sizeof e.detail - 1] = 0;
    return e;
}

static void s_same(const vs_event_t *a, const vs_event_t *b)
{
    ck_assert_int_eq(a->seq, b->seq);
    ck_assert_int_eq(a->kind, b->kind);
    ck_assert_uint_eq(a->sim_ms, b->sim_ms);
    ck_assert_uint_eq(a->wall_ms, b->wall_ms);
    ck_assert_uint_eq(a->cause, b->cause);
    ck_assert_uint_eq(a->msg_id, b->msg_id);
    ck_assert_str_eq(a->object, b->object);
    ck_assert_str_eq(a->peer_account, b->peer_account);
    ck_assert_str_eq(a->peer_region, b->peer_region);
    ck_assert_str_eq(a->caller, b->caller);
    ck_assert_str_eq(a->action, b->action);
    ck_assert_str_eq(a->detail, b->detail);
}

/* One turn: its events added and written in one transaction. */
static void s_turn(vs_event_t *evs, int from, int n)
{
    ck_assert_int_eq(store_begin(g_st), 0);
    for (int i = from; i < from + n; i++) {
        evs[i] = s_ev(i);
        ck_assert_int_eq(evlog_add(g_log, &evs[i]), 0);
    }
    ck_assert_int_eq(evlog_flush(g_log), 0);
    ck_assert_int_eq(store_commit(g_st), 0);
}

START_TEST(turns_read_back_in_order_with_every_field)
{
    s_open(1000);
    vs_event_t w[40];
    s_turn(w, 0, 7);
    s_turn(w, 7, 1);
    s_turn(w, 8, 12);
    for (int i = 0; i < 20; i++)
        ck_assert_int_eq(w[i].seq, i + 1);
    /* Within a turn, before its flush, a reader sees its events too. */
    w[20] = s_ev(20);
    ck_assert_int_eq(evlog_add(g_log, &w[20]), 0);
    vs_event_t *evs;
    size_t n;
    ck_assert_int_eq(evlog_query(g_log, NULL, 0, 100, &evs, &n), 0);
    ck_assert_uint_eq(n, 21);
    for (size_t i = 0; i < n; i++)
        s_same(&evs[i], &w[i]);
    free(evs);
    ck_assert_int_eq(evlog_flush(g_log), 0);
    /* After a reopen: the same, and seqs go on from the largest. */
    s_close();
    s_open(1000);
    ck_assert_int_eq(evlog_count(g_log), 21);
    s_turn(w, 21, 2);
    ck_assert_int_eq(w[22].seq, 23);
    /* Paging inside a batch, and a limit. */
    ck_assert_int_eq(evlog_query(g_log, NULL, 10, 5, &evs, &n), 0);
    ck_assert_uint_eq(n, 5);
    for (size_t i = 0; i < n; i++)
        s_same(&evs[i], &w[10 + i]);
    free(evs);
    /* By object: its own events and those sharing their causes (i/3). */
    ck_assert_int_eq(evlog_query(g_log, w[13].object, 0, 100, &evs, &n), 0);
    ck_assert_uint_eq(n, 3);
    s_same(&evs[0], &w[12]);
    s_same(&evs[1], &w[13]);
    s_same(&evs[2], &w[14]);
    free(evs);
    ck_assert_int_eq(evlog_query(g_log, w[13].object, 13, 100, &evs, &n), 0);
    ck_assert_uint_eq(n, 2);      /* seq 14 and 15: the causes are of the whole log */
    s_same(&evs[0], &w[13]);
    s_same(&evs[1], &w[14]);
    free(evs);
}
END_TEST

START_TEST(causes_and_calls_known_after_a_reopen)
{
    s_open(1000);
    ck_assert_int_eq(store_begin(g_st), 0);
    vs_event_t c = s_ev(0);
    c.kind = VS_EV_API_CALL;
    c.cause = 42;
    vs_event_set(c.action, sizeof c.action, "AcceptVpcPeeringConnection");
    ck_assert_int_eq(evlog_add(g_log, &c), 0);
    vs_event_t s = s_ev(1);
    s.kind = VS_EV_PEER_SEND;
    s.cause = 42;
    s.msg_id = 77;
    ck_assert_int_eq(evlog_add(g_log, &s), 0);
    s.cause = 43;     /* a resend names its first sending's cause; the first stays */
    ck_assert_int_eq(evlog_add(g_log, &s), 0);
    ck_assert_uint_eq(evlog_cause_of_msg(g_log, 77), 42);
    ck_assert_int_eq(evlog_flush(g_log), 0);
    ck_assert_int_eq(store_commit(g_st), 0);
    s_close();
    s_open(1000);
    ck_assert_uint_eq(evlog_cause_of_msg(g_log, 77), 42);
    ck_assert_uint_eq(evlog_cause_of_msg(g_log, 78), 0);
    char action[64], object[48];
    ck_assert_int_eq(evlog_call_of(g_log, 42, action, sizeof action, object, sizeof object), 0);
    ck_assert_str_eq(action, "AcceptVpcPeeringConnection");
    ck_assert_str_eq(object, c.object);
    ck_assert_int_eq(evlog_call_of(g_log, 43, action, sizeof action, object, sizeof object), 1);
    ck_assert_str_eq(action, "");
}
END_TEST

/* What the agent does when it persists an object (agent_ev__persist). */
static int s_state(const char *id, const char *state)
{
    int rc = evlog_state_changed(g_log, id, state);
    if (rc == 1) {
        vs_event_t e;
        memset(&e, 0, sizeof e);
        e.kind = VS_EV_STATE;
        vs_event_set(e.object, sizeof e.object, id);
        vs_event_set(e.detail, sizeof e.detail, state ? state : "removed");
        ck_assert_int_eq(evlog_add(g_log, &e), 0);
    }
    return rc;
}

static void s_commit(bool prune)
{
    ck_assert_int_eq(evlog_flush(g_log), 0);
    if (prune)
        ck_assert_int_eq(evlog_prune(g_log), 0);
    ck_assert_int_eq(store_commit(g_st), 0);
}

START_TEST(state_events_only_on_change_across_reopens)
{
    s_open(4);
    ck_assert_int_eq(store_begin(g_st), 0);
    ck_assert_int_eq(s_state("pcx-1", "pending-acceptance"), 1);
    ck_assert_int_eq(s_state("pcx-1", "pending-acceptance"), 0);
    ck_assert_int_eq(s_state("pcx-2", "active"), 1);
    ck_assert_int_eq(s_state("vpc-1", "available"), 1);
    s_commit(false);
    /* No checkpoint yet: the state events tell. */
    s_close();
    s_open(4);
    ck_assert_int_eq(store_begin(g_st), 0);
    ck_assert_int_eq(s_state("pcx-1", "pending-acceptance"), 0);
    ck_assert_int_eq(s_state("pcx-1", "active"), 1);
    ck_assert_int_eq(s_state("pcx-2", NULL), 1);
    s_commit(true);      /* checkpoint, then prune */
    /* Enough other events that the state events are pruned. */
    for (int t = 0; t < 3; t++) {
        ck_assert_int_eq(store_begin(g_st), 0);
        for (int i = 0; i < 4; i++) {
            vs_event_t e = s_ev(i);
            ck_assert_int_eq(evlog_add(g_log, &e), 0);
        }
        s_commit(true);
    }
    vs_event_t *evs;
    size_t n;
    ck_assert_int_eq(evlog_query(g_log, "pcx-1", 0, 100, &evs, &n), 0);
    ck_assert_uint_eq(n, 0);
    free(evs);
    /* A turn rolled back is forgotten in memory too. */
    ck_assert_int_eq(store_begin(g_st), 0);
    ck_assert_int_eq(s_state("pcx-1", "deleted"), 1);
    ck_assert_int_eq(evlog_flush(g_log), 0);
    store_rollback(g_st);
    ck_assert_int_eq(evlog_reload(g_log), 0);
    s_close();
    s_open(4);
    ck_assert_int_eq(store_begin(g_st), 0);
    ck_assert_int_eq(s_state("pcx-1", "active"), 0);
    ck_assert_int_eq(s_state("pcx-2", NULL), 0);
    ck_assert_int_eq(s_state("vpc-1", "available"), 0);
    ck_assert_int_eq(s_state("pcx-1", "deleted"), 1);
    s_commit(false);
    ck_assert_int_eq(evlog_state_changed(g_log, "pcx-1", "deleted"), 0);
    /* Too long for the event fields: refused. */
    char longid[100];
    memset(longid, 'x', sizeof longid - 1);
    longid[sizeof longid - 1] = 0;
    ck_assert_int_eq(evlog_state_changed(g_log, longid, "active"), -1);
}
END_TEST

START_TEST(retention_prunes_whole_batches)
{
    s_open(5);
    vs_event_t w[20];
    for (int t = 0; t < 5; t++)
        s_turn(w, 3 * t, 3);      /* batches 1-3, 4-6, 7-9, 10-12, 13-15 */
    ck_assert_int_eq(evlog_count(g_log), 15);
    ck_assert_int_eq(store_begin(g_st), 0);
    ck_assert_int_eq(evlog_prune(g_log), 0);
    ck_assert_int_eq(store_commit(g_st), 0);
    /* At least 5 kept: the two newest batches (10..15). */
    ck_assert_int_eq(evlog_count(g_log), 6);
    vs_event_t *evs;
    size_t n;
    ck_assert_int_eq(evlog_query(g_log, NULL, 0, 100, &evs, &n), 0);
    ck_assert_uint_eq(n, 6);
    ck_assert_int_eq(evs[0].seq, 10);
    ck_assert_int_eq(evs[5].seq, 15);
    free(evs);
    /* A message whose sending was pruned has no known cause any more. */
    ck_assert_uint_eq(evlog_cause_of_msg(g_log, w[2].msg_id), 0);
    s_close();
    s_open(5);
    ck_assert_int_eq(evlog_count(g_log), 6);
    s_turn(w, 15, 1);
    ck_assert_int_eq(w[15].seq, 16);
}
END_TEST

START_TEST(damaged_batches_are_skipped_and_named)
{
    s_open(1000);
    vs_event_t w[20];
    s_turn(w, 0, 3);
    s_turn(w, 3, 3);
    s_turn(w, 6, 3);
    s_turn(w, 9, 3);
    s_close();
    /* A flipped byte (checksum), a cut blob, a count that disagrees with
     * the row, and a blob that is no batch at all. */
    s_sql("UPDATE event_batches SET blob = CAST(substr(blob, 1, 20) || x'5a' || "
          "substr(blob, 22) AS BLOB) WHERE first_seq = 4;"
          "UPDATE event_batches SET blob = substr(blob, 1, 30) WHERE first_seq = 7;"
          "UPDATE event_batches SET last_seq = 11 WHERE first_seq = 10;"
          "INSERT INTO event_batches VALUES(100, 100, x'ff');");
    s_open(1000);
    ck_assert_uint_eq(evlog_damaged(g_log), 4);      /* met at open */
    vs_event_t *evs;
    size_t n;
    ck_assert_int_eq(evlog_query(g_log, NULL, 0, 100, &evs, &n), 0);
    ck_assert_uint_eq(n, 3);
    for (size_t i = 0; i < n; i++)
        s_same(&evs[i], &w[i]);
    free(evs);
    ck_assert_uint_eq(evlog_damaged(g_log), 8);
    /* The log goes on after the largest seq any row claims. */
    s_turn(w, 12, 1);
    ck_assert_int_eq(w[12].seq, 101);
}
END_TEST

START_TEST(codec_refuses_every_damage)
{
    vs_event_t evs[5];
    for (int i = 0; i < 5; i++)
        evs[i] = s_ev(i);
    uint8_t *buf = NULL;
    size_t cap = 0, len = 0;
    ck_assert_int_eq(evlog_codec_encode(evs, 5, &buf, &cap, &len), 0);
    char err[160];
    int calls = 0;
    /* Every truncation and every single-byte change is refused whole. */
    for (size_t cut = 0; cut < len; cut++)
        ck_assert_int_eq(evlog_codec_decode(buf, cut, 1, 5, NULL, &calls, err, sizeof err), -1);
    for (size_t i = 0; i < len; i++) {
        uint8_t *d = malloc(len);
        memcpy(d, buf, len);
        d[i] ^= 0x40;
        ck_assert_int_eq(evlog_codec_decode(d, len, 1, 5, NULL, &calls, err, sizeof err), -1);
        free(d);
    }
    ck_assert_ptr_nonnull(strstr(err, "event batch 1..5 is damaged"));
    ck_assert_int_eq(evlog_codec_decode(buf, len, 1, 6, NULL, NULL, err, sizeof err), -1);
    ck_assert_int_eq(evlog_codec_decode(buf, len, 0, 4, NULL, NULL, err, sizeof err), -1);
    ck_assert_int_eq(evlog_codec_encode(evs, 0, &buf, &cap, &len), -1);
    free(buf);
}
END_TEST

static size_t s_put_v(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    for (; v >= 0x80; v >>= 7)
        p[n++] = (uint8_t)(v | 0x80);
    p[n++] = (uint8_t)v;
    return n;
}

static size_t s_put_lit(uint8_t *p, const char *s)
{
    size_t n = s_put_v(p, strlen(s));
    memcpy(p + n, s, strlen(s));
    return n + strlen(s);
}

/* A batch as version 1 wrote it: FNV-1a 32, every string literal. */
static size_t s_v1_blob(const vs_event_t *evs, size_t n, uint8_t *b)
{
    size_t at = 5 + s_put_v(b + 5, n);
    for (size_t i = 0; i < n; i++) {
        const vs_event_t *e = &evs[i];
        b[at++] = (uint8_t)e->kind;
        at += s_put_v(b + at, e->sim_ms);
        at += s_put_v(b + at, e->wall_ms);
        at += s_put_v(b + at, e->cause);
        at += s_put_v(b + at, e->msg_id);
        const char *f[] = { e->object, e->peer_account, e->peer_region,
                            e->caller, e->action, e->detail };
        for (int k = 0; k < 6; k++)
            at += s_put_lit(b + at, f[k]);
    }
    uint32_t h = 2166136261u;
    for (size_t i = 5; i < at; i++)
        h = (h ^ b[i]) * 16777619u;
    b[0] = 1;
    for (int i = 0; i < 4; i++)
        b[1 + i] = (uint8_t)(h >> (8 * i));
    return at;
}

typedef struct {
    const vs_event_t *want;
    int n;
} s_check_t;

static int s_check_cb(void *ctx, const vs_event_t *e)
{
    s_check_t *c = ctx;
    s_same(e, &c->want[c->n++]);
    return 0;
}

/* Batches written before version 2 are still read, in the codec and from
 * the table. */
START_TEST(codec_reads_version_1)
{
    vs_event_t evs[5];
    for (int i = 0; i < 5; i++) {
        evs[i] = s_ev(i);
        evs[i].seq = 1 + i;
    }
    uint8_t buf[5 * 512];
    size_t len = s_v1_blob(evs, 5, buf);
    char err[160];
    s_check_t c = { evs, 0 };
    ck_assert_int_eq(evlog_codec_decode(buf, len, 1, 5, s_check_cb, &c, err, sizeof err), 0);
    ck_assert_int_eq(c.n, 5);
    /* As a row an older agent left. */
    s_open(1000);
    s_close();
    char *sql = malloc(2 * len + 100);
    int at = sprintf(sql, "INSERT INTO event_batches VALUES(1, 5, x'");
    for (size_t i = 0; i < len; i++)
        at += sprintf(sql + at, "%02x", buf[i]);
    sprintf(sql + at, "');");
    s_sql(sql);
    free(sql);
    s_open(1000);
    vs_event_t *got;
    size_t n;
    ck_assert_int_eq(evlog_query(g_log, NULL, 0, 100, &got, &n), 0);
    ck_assert_uint_eq(n, 5);
    for (size_t i = 0; i < n; i++)
        s_same(&got[i], &evs[i]);
    free(got);
    ck_assert_uint_eq(evlog_damaged(g_log), 0);
    /* Version 2 would sum it otherwise: damage. */
    buf[0] = 2;
    ck_assert_int_eq(evlog_codec_decode(buf, len, 1, 5, NULL, NULL, err, sizeof err), -1);
}
END_TEST

/* Version 2's checksum, as evlog_codec.c computes it. */
static void s_sum2(uint8_t *b, size_t len)
{
    uint64_t h = 14695981039346656037ull ^ (uint64_t)(len - 5);
    uint8_t w[8];
    for (size_t i = 5; i < len; i += 8) {
        memset(w, 0, 8);
        memcpy(w, b + i, len - i < 8 ? len - i : 8);
        uint64_t x = 0;
        for (int k = 7; k >= 0; k--)
            x = x << 8 | w[k];
        h = (h ^ x) * 1099511628211ull;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    b[0] = 2;
    for (int i = 0; i < 4; i++)
        b[1 + i] = (uint8_t)(h >> (8 * i));
}

/* One event whose object is `object` and whose peer_account is the tag
 * `ref` (a reference), the other strings empty. */
static size_t s_ref_blob(uint8_t *b, const char *object, uint64_t ref)
{
    size_t at = 5;
    b[at++] = 1;                 /* one event */
    b[at++] = VS_EV_API_CALL;
    for (int k = 0; k < 4; k++)
        b[at++] = 0;
    at += s_put_v(b + at, (uint64_t)strlen(object) << 1);
    memcpy(b + at, object, strlen(object));
    at += strlen(object);
    at += s_put_v(b + at, ref);
    for (int k = 0; k < 4; k++)
        b[at++] = 0;
    s_sum2(b, at);
    return at;
}

static int s_acct_cb(void *ctx, const vs_event_t *e)
{
    snprintf(ctx, VS_EV_ACCOUNT_LEN, "%s", e->peer_account);
    return 0;
}

/* A batch names a repeated string once: smaller, read back the same; a
 * reference that points nowhere sensible is damage even when summed. */
START_TEST(codec_references_repeated_strings)
{
    vs_event_t evs[40];
    size_t plain = 0;
    for (int i = 0; i < 40; i++) {
        evs[i] = s_ev(i % 4);
        evs[i].seq = 1 + i;
        plain += strlen(evs[i].object) + strlen(evs[i].peer_account) +
                 strlen(evs[i].peer_region) + strlen(evs[i].caller) + strlen(evs[i].action) +
                 strlen(evs[i].detail);
    }
    uint8_t *buf = NULL;
    size_t cap = 0, len = 0;
    ck_assert_int_eq(evlog_codec_encode(evs, 40, &buf, &cap, &len), 0);
    ck_assert_int_eq(buf[0], 2);
    ck_assert_uint_lt(len, plain / 3);
    char err[160];
    s_check_t c = { evs, 0 };
    ck_assert_int_eq(evlog_codec_decode(buf, len, 1, 40, s_check_cb, &c, err, sizeof err), 0);
    ck_assert_int_eq(c.n, 40);
    free(buf);
    uint8_t b[256];
    char acct[VS_EV_ACCOUNT_LEN] = "";
    /* Bytes: header 0-4, count 5, kind 6 (the events start there), four
     * varints 7-10, the object's tag 11, "abc" 12-14, the reference 15. */
    size_t n = s_ref_blob(b, "abc", (uint64_t)4 << 1 | 1);
    ck_assert_int_eq(evlog_codec_decode(b, n, 1, 1, s_acct_cb, acct, err, sizeof err), 0);
    ck_assert_str_eq(acct, "abc");
    n = s_ref_blob(b, "abc", 0 << 1 | 1);                     /* itself */
    ck_assert_int_eq(evlog_codec_decode(b, n, 1, 1, NULL, NULL, err, sizeof err), -1);
    n = s_ref_blob(b, "abc", (uint64_t)11 << 1 | 1);          /* before the events */
    ck_assert_int_eq(evlog_codec_decode(b, n, 1, 1, NULL, NULL, err, sizeof err), -1);
    n = s_ref_blob(b, "abc", (uint64_t)3 << 1 | 1);           /* into the literal */
    ck_assert_int_eq(evlog_codec_decode(b, n, 1, 1, NULL, NULL, err, sizeof err), -1);
    n = s_ref_blob(b, "0123456789abcdefghij", (uint64_t)21 << 1 | 1);   /* too long */
    ck_assert_int_eq(evlog_codec_decode(b, n, 1, 1, NULL, NULL, err, sizeof err), -1);
    n = s_ref_blob(b, "0123456789abcde", (uint64_t)16 << 1 | 1);        /* fits: 15 */
    ck_assert_int_eq(evlog_codec_decode(b, n, 1, 1, s_acct_cb, acct, err, sizeof err), 0);
    ck_assert_str_eq(acct, "0123456789abcde");
}
END_TEST

/* An index starts small and grows as it fills (a small agent keeps a small
 * table resident), keeping every entry and its order through each growth,
 * also when the ring had wrapped (entries dropped from the front first);
 * at its bound it forgets the oldest, as before. */
START_TEST(indexes_grow_up_to_their_bound)
{
    evlog_idx_t *x = evlog_idx_new(5000);    /* bound 8192; starts at 256 */
    ck_assert_ptr_nonnull(x);
    uint64_t v;
    int64_t seq;
    /* Wrap the first ring: 200 in, the oldest 150 pruned, then on. */
    for (uint64_t k = 1; k <= 200; k++)
        evlog_idx_add(x, k * 7919u, k, (int64_t)k);
    evlog_idx_drop_below(x, 151);
    for (uint64_t k = 201; k <= 8000; k++)
        evlog_idx_add(x, k * 7919u, k, (int64_t)k);
    ck_assert_uint_eq(evlog_idx_len(x), 8000 - 150);
    ck_assert(!evlog_idx_overflowed(x));
    ck_assert(!evlog_idx_get(x, 150 * 7919u, &v, NULL));
    for (uint64_t k = 151; k <= 8000; k++) {
        ck_assert(evlog_idx_get(x, k * 7919u, &v, &seq));
        ck_assert_uint_eq(v, k);
        ck_assert_int_eq(seq, (int64_t)k);
    }
    /* Still in seq order: pruning takes exactly the oldest. */
    evlog_idx_drop_below(x, 4001);
    ck_assert_uint_eq(evlog_idx_len(x), 4000);
    ck_assert(!evlog_idx_get(x, 4000 * 7919u, &v, NULL));
    ck_assert(evlog_idx_get(x, 4001 * 7919u, &v, NULL));
    /* To the bound, then past it: the oldest go. */
    for (uint64_t k = 8001; k <= 12192; k++)
        evlog_idx_add(x, k * 7919u, k, (int64_t)k);
    ck_assert_uint_eq(evlog_idx_len(x), 8192);
    ck_assert(!evlog_idx_overflowed(x));
    evlog_idx_add(x, 12193 * 7919u, 12193, 12193);
    ck_assert_uint_eq(evlog_idx_len(x), 8192);
    ck_assert(evlog_idx_overflowed(x));
    ck_assert(!evlog_idx_get(x, 4001 * 7919u, &v, NULL));
    ck_assert(evlog_idx_get(x, 4002 * 7919u, &v, NULL));
    ck_assert(evlog_idx_get(x, 12193 * 7919u, &v, NULL));
    evlog_idx_free(&x);
}
END_TEST

START_TEST(indexes_are_bounded)
{
    evlog_idx_t *x = evlog_idx_new(20);      /* 32 entries */
    ck_assert_ptr_nonnull(x);
    for (uint64_t k = 1; k <= 40; k++)
        evlog_idx_add(x, k * 1000003u, k, (int64_t)k);
    ck_assert_uint_eq(evlog_idx_len(x), 32);
    ck_assert(evlog_idx_overflowed(x));
    uint64_t v;
    int64_t seq;
    ck_assert(!evlog_idx_get(x, 8 * 1000003u, &v, &seq));     /* the oldest forgotten */
    ck_assert(evlog_idx_get(x, 9 * 1000003u, &v, &seq));
    ck_assert_uint_eq(v, 9);
    evlog_idx_add(x, 9 * 1000003u, 99, 41);                   /* the first stays */
    ck_assert(evlog_idx_get(x, 9 * 1000003u, &v, &seq));
    ck_assert_uint_eq(v, 9);
    evlog_idx_drop_below(x, 30);
    ck_assert_uint_eq(evlog_idx_len(x), 11);
    ck_assert(!evlog_idx_get(x, 29 * 1000003u, &v, NULL));
    for (uint64_t k = 30; k <= 40; k++) {
        ck_assert(evlog_idx_get(x, k * 1000003u, &v, NULL));
        ck_assert_uint_eq(v, k);
    }
    evlog_idx_free(&x);

    evlog_states_t *m = evlog_states_new();
    char id[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(id, sizeof id, "pcx-%d", i);
        ck_assert_int_eq(evlog_states_set(m, id, i % 2 ? "active" : "deleted"), 0);
    }
    for (int i = 0; i < 1000; i += 2) {
        snprintf(id, sizeof id, "pcx-%d", i);
        ck_assert_int_eq(evlog_states_set(m, id, NULL), 0);
    }
    ck_assert_uint_eq(evlog_states_len(m), 500);
    for (int i = 0; i < 1000; i++) {
        snprintf(id, sizeof id, "pcx-%d", i);
        const char *s = evlog_states_get(m, id);
        if (i % 2)
            ck_assert_str_eq(s, "active");
        else
            ck_assert_ptr_null(s);
    }
    evlog_states_free(&m);
}
END_TEST

/* The states table shares one copy of each distinct state among its
 * entries: many ids in few states, and more distinct states than it
 * shares (each then a copy of its own), all read back as set, through
 * changes, removals, growth and a clear (ASan builds catch a double free
 * or a leak of either kind of copy). */
START_TEST(states_shared_and_owned_read_back)
{
    evlog_states_t *m = evlog_states_new();
    ck_assert_ptr_nonnull(m);
    char id[32], st[32];
    for (int i = 0; i < 300; i++) {
        snprintf(id, sizeof id, "pcx-%d", i);
        snprintf(st, sizeof st, "state-%d", i % 100);   /* 100 distinct: past the shared */
        ck_assert_int_eq(evlog_states_set(m, id, st), 0);
    }
    for (int i = 0; i < 300; i += 3) {
        snprintf(id, sizeof id, "pcx-%d", i);
        ck_assert_int_eq(evlog_states_set(m, id, i % 2 ? "active" : NULL), 0);
    }
    for (int i = 0; i < 300; i++) {
        snprintf(id, sizeof id, "pcx-%d", i);
        snprintf(st, sizeof st, "state-%d", i % 100);
        const char *want = i % 3 ? st : i % 2 ? "active" : NULL;
        const char *got = evlog_states_get(m, id);
        if (!want)
            ck_assert_ptr_null(got);
        else
            ck_assert_str_eq(got, want);
    }
    /* A state held by several ids: changing one leaves the others. */
    ck_assert_int_eq(evlog_states_set(m, "pcx-1", "deleted"), 0);
    ck_assert_str_eq(evlog_states_get(m, "pcx-101"), "state-1");
    ck_assert_str_eq(evlog_states_get(m, "pcx-1"), "deleted");
    evlog_states_clear(m);
    ck_assert_uint_eq(evlog_states_len(m), 0);
    ck_assert_ptr_null(evlog_states_get(m, "pcx-2"));
    ck_assert_int_eq(evlog_states_set(m, "pcx-2", "state-99"), 0);
    ck_assert_str_eq(evlog_states_get(m, "pcx-2"), "state-99");
    evlog_states_free(&m);
}
END_TEST

START_TEST(old_events_table_migrated)
{
    /* A store as schema 1 agents left it: one row per event. */
    s_sql("CREATE TABLE events(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
          "  sim_ms INTEGER NOT NULL, wall_ms INTEGER NOT NULL, kind TEXT NOT NULL,"
          "  object TEXT NOT NULL, cause INTEGER NOT NULL, msg_id INTEGER NOT NULL,"
          "  peer_account TEXT NOT NULL, peer_region TEXT NOT NULL, caller TEXT NOT NULL,"
          "  action TEXT NOT NULL, detail TEXT NOT NULL);"
          "CREATE INDEX events_object ON events(object);"
          "CREATE INDEX events_cause ON events(cause);"
          "CREATE TABLE event_state(id TEXT PRIMARY KEY, state TEXT NOT NULL);"
          "INSERT INTO events VALUES(7, 1000, 2000, 'api-call', 'pcx-1', 5, 5, '', '',"
          "  '111111111111', 'CreateVpcPeeringConnection', '');"
          "INSERT INTO events VALUES(8, 1001, 2001, 'peer-send', 'pcx-1', 5, 77,"
          "  '222222222222', 'us-east-1', '', 'Request', '');"
          "INSERT INTO events VALUES(9, 1002, 2002, 'no-such-kind', '', 0, 0, '', '', '', '', '');"
          "INSERT INTO events VALUES(10, 1003, 2003, 'state', 'pcx-1', 5, 0, '', '', '', '',"
          "  'pending-acceptance');"
          "INSERT INTO event_state VALUES('pcx-1', 'pending-acceptance');"
          "PRAGMA user_version = 1;");
    s_open(1000);
    vs_event_t *evs;
    size_t n;
    ck_assert_int_eq(evlog_query(g_log, NULL, 0, 100, &evs, &n), 0);
    ck_assert_uint_eq(n, 3);      /* the unknown kind skipped, as the old reader did */
    ck_assert_int_eq(evs[0].seq, 7);
    ck_assert_int_eq(evs[0].kind, VS_EV_API_CALL);
    ck_assert_str_eq(evs[0].caller, "111111111111");
    ck_assert_str_eq(evs[0].action, "CreateVpcPeeringConnection");
    ck_assert_uint_eq(evs[0].wall_ms, 2000);
    ck_assert_int_eq(evs[1].seq, 8);
    ck_assert_uint_eq(evs[1].msg_id, 77);
    ck_assert_str_eq(evs[1].peer_region, "us-east-1");
    ck_assert_int_eq(evs[2].seq, 10);
    ck_assert_str_eq(evs[2].detail, "pending-acceptance");
    ck_assert_uint_eq(evs[2].sim_ms, 1003);
    free(evs);
    ck_assert_uint_eq(evlog_cause_of_msg(g_log, 77), 5);
    ck_assert_int_eq(evlog_state_changed(g_log, "pcx-1", "pending-acceptance"), 0);
    ck_assert_uint_eq(evlog_damaged(g_log), 0);
    vs_event_t e = s_ev(1);
    ck_assert_int_eq(evlog_add(g_log, &e), 0);
    ck_assert_int_eq(e.seq, 11);
    s_close();
    /* The old table is gone, the version is 3 or later (the store's). */
    s_sql("CREATE TABLE check_v AS SELECT (SELECT COUNT(*) FROM sqlite_master WHERE "
          "name = 'events') AS t;");
    char path[300];
    snprintf(path, sizeof path, "%s/agent.db", g_dir);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT t, (SELECT user_version FROM "
                                            "pragma_user_version) FROM check_v", -1, &q, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(q, 0), 0);
    ck_assert_int_ge(sqlite3_column_int(q, 1), 3);
    sqlite3_finalize(q);
    sqlite3_close(db);
}
END_TEST

/* Shedding a quiet log's scratch (agent.c does when idle) loses nothing:
 * later turns are written and read back, and the indexes still answer. */
START_TEST(shedding_scratch_keeps_the_log_whole)
{
    s_open(1000);
    ck_assert_int_eq(store_begin(g_st), 0);
    for (int i = 0; i < 300; i++) {
        vs_event_t e = s_ev(i);
        ck_assert_int_eq(evlog_add(g_log, &e), 0);
    }
    evlog_shed_memory(g_log);   /* events pending: keeps them */
    ck_assert_int_eq(evlog_flush(g_log), 0);
    ck_assert_int_eq(store_commit(g_st), 0);
    evlog_shed_memory(g_log);
    evlog_shed_memory(g_log);
    store_shed_memory(g_st);
    ck_assert_int_eq(store_begin(g_st), 0);
    for (int i = 300; i < 310; i++) {
        vs_event_t e = s_ev(i);
        ck_assert_int_eq(evlog_add(g_log, &e), 0);
    }
    ck_assert_int_eq(evlog_flush(g_log), 0);
    ck_assert_int_eq(store_commit(g_st), 0);
    ck_assert_int_eq(evlog_count(g_log), 310);
    vs_event_t *out = NULL;
    size_t n = 0;
    ck_assert_int_eq(evlog_query(g_log, NULL, 0, 1000, &out, &n), 0);
    ck_assert_uint_eq(n, 310);
    for (size_t i = 0; i < n; i++) {
        vs_event_t want = s_ev((int)i);
        ck_assert_str_eq(out[i].object, want.object);
        ck_assert_uint_eq(out[i].cause, want.cause);
    }
    free(out);
    vs_event_t m = s_ev(306);   /* even i: has a msg_id */
    ck_assert_uint_eq(evlog_cause_of_msg(g_log, m.msg_id), m.cause);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("agent_evlog");
    TCase *tc = tcase_create("evlog");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, turns_read_back_in_order_with_every_field);
    tcase_add_test(tc, causes_and_calls_known_after_a_reopen);
    tcase_add_test(tc, state_events_only_on_change_across_reopens);
    tcase_add_test(tc, retention_prunes_whole_batches);
    tcase_add_test(tc, states_shared_and_owned_read_back);
    tcase_add_test(tc, damaged_batches_are_skipped_and_named);
    tcase_add_test(tc, codec_refuses_every_damage);
    tcase_add_test(tc, codec_reads_version_1);
    tcase_add_test(tc, codec_references_repeated_strings);
    tcase_add_test(tc, indexes_are_bounded);
    tcase_add_test(tc, indexes_grow_up_to_their_bound);
    tcase_add_test(tc, old_events_table_migrated);
    tcase_add_test(tc, shedding_scratch_keeps_the_log_whole);
    suite_add_tcase(s, tc);
    return s;
}
