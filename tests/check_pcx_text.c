/* Unit tests of vs_pcx_render_text (core/peering/pcx_doc.c): the API
 * output object printed straight into a buffer must be byte for byte what
 * the tree path prints, vs_json_dump(vs_pcx_render(p, tags), 0), for
 * records in every state, with and without IPv4 / IPv6 CIDR sets, every
 * combination of options, tags that need escaping, and any expiration. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_pcx_fixture.h"
#include "pcx_doc.h"
#include "tags.h"

/* xorshift64*: a fixed sequence, so a failure names a reproducible case. */
static uint64_t s_next(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 2685821657736338717ull;
}

static void s_add_v4(vs_pcx_vpc_t *v, unsigned a, unsigned b, unsigned len)
{
    char s[32];
    snprintf(s, sizeof s, "10.%u.%u.0/%u", a, b, len);
    vs_cidr_t c = fx_cidr(s);
    (void)vs_pcx_vpc_add_cidr(v, &c);     /* a duplicate is refused: fine */
}

static void s_add_v6(vs_pcx_vpc_t *v, unsigned a, unsigned b)
{
    char s[64];
    snprintf(s, sizeof s, "2600:1f18:%x:%x00::/56", a, b);
    vs_cidr_t c = fx_cidr(s);
    (void)vs_pcx_vpc_add_cidr(v, &c);
}

/* One end with n4 IPv4 and n6 IPv6 blocks and random options. */
static vs_pcx_vpc_t s_vpc(uint64_t *x, const char *account, const char *region, const char *id,
                          size_t n4, size_t n6)
{
    vs_pcx_vpc_t v = fx_vpc(account, region, id, NULL);
    for (size_t i = 0; i < n4; i++)
        s_add_v4(&v, (unsigned)(s_next(x) % 250), (unsigned)i, 24);
    for (size_t i = 0; i < n6; i++)
        s_add_v6(&v, (unsigned)(s_next(x) % 0xffff), (unsigned)i);
    uint64_t o = s_next(x);
    v.options.allow_dns_resolution_from_remote_vpc = o & 1;
    v.options.allow_egress_from_local_classic_link_to_remote_vpc = (o >> 1) & 1;
    v.options.allow_egress_from_local_vpc_to_remote_classic_link = (o >> 2) & 1;
    return v;
}

/* Keys and values a user may tag with, including what JSON must escape. */
static const char *const s_words[] = {
    "Name", "", "joinc-test", "quote\"inside", "back\\slash", "new\nline", "tab\there",
    "ctl\x01\x1f", "caf\xc3\xa9 \xe2\x82\xac", "a/b:c=d+e@f", "{\"json\":[1]}",
    "x-0123456789abcdef0123456789abcdef",
};
#define S_NWORDS (sizeof s_words / sizeof s_words[0])

/* Compares the two paths on p with tags t (NULL = none). */
static void s_same(const vs_pcx_t *p, const vs_tags_t *t, const char *what)
{
    vs_json_t *tj = t ? vs_tags_to_json(t) : NULL;
    vs_json_t *tree = vs_pcx_render(p, tj);
    char *want = tree ? vs_json_dump(tree, 0) : NULL;

    /* Printed after something already in the buffer, as a describe does. */
    vs_buf_t b = VS_BUF_INIT;
    vs_buf_puts(&b, "[");
    int rc = vs_pcx_render_text(&b, p, t);
    ck_assert(!b.oom);
    if (!tree) {
        ck_assert_msg(rc == -1, "%s: tree failed, text did not", what);
        ck_assert_str_eq(vs_buf_str(&b), "[");
    } else {
        ck_assert_msg(rc == 0, "%s: text failed", what);
        ck_assert_msg(strcmp(vs_buf_str(&b) + 1, want) == 0, "%s:\n tree %s\n text %s", what,
                      want, vs_buf_str(&b) + 1);
        ck_assert_uint_eq(b.len, strlen(want) + 1);
    }
    vs_buf_release(&b);
    free(want);
    vs_json_free(&tree);
    vs_json_free(&tj);
}

START_TEST(test_text_every_state)
{
    static const vs_pcx_side_t by[] = { VS_PCX_SIDE_NONE, VS_PCX_SIDE_REQUESTER,
                                        VS_PCX_SIDE_ACCEPTER };
    vs_pcx_t p = fx_pcx("111111111111", "us-east-1", "222222222222", "eu-west-1");
    for (int s = 0; s < VS_PCX_STATE_COUNT; s++) {
        for (size_t k = 0; k < 3; k++) {
            vs_pcx_t q = p;
            vs_pcx_set_state(&q, (vs_pcx_state_t)s, by[k], FX_T0 + 1000 * (uint64_t)s);
            char what[64];
            snprintf(what, sizeof what, "%s by %d", vs_pcx_state_name(q.state), (int)by[k]);
            s_same(&q, NULL, what);
        }
    }
}
END_TEST

START_TEST(test_text_random_records)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    static const size_t counts[] = { 0, 1, 2, 5, VS_PCX_MAX_IPV4 };
    int done = 0;
    for (int i = 0; i < 4000; i++) {
        size_t r4 = counts[s_next(&x) % 5], r6 = counts[s_next(&x) % 5];
        size_t a4 = counts[s_next(&x) % 5], a6 = counts[s_next(&x) % 5];
        /* The requester's primary CIDR is required by vs_pcx_init. */
        vs_pcx_vpc_t r = s_vpc(&x, "111111111111", "us-east-1", FX_REQ_VPC, r4 ? r4 : 1, r6);
        vs_pcx_vpc_t a = s_vpc(&x, "222222222222", "ap-northeast-1", FX_ACC_VPC, a4, a6);
        vs_pcx_t p;
        uint64_t t0 = s_next(&x) % (4102444800000ull);   /* up to 2100 */
        if (vs_pcx_init(&p, FX_PCX, &r, &a, t0, NULL, 0) != 0)
            continue;
        p.requester.options = r.options;
        p.accepter.options = a.options;
        vs_pcx_set_state(&p, (vs_pcx_state_t)(s_next(&x) % VS_PCX_STATE_COUNT),
                         (vs_pcx_side_t)(s_next(&x) % 3), t0 + 1);
        if (s_next(&x) % 4 == 0)        /* a message that needs escaping */
            snprintf(p.status_message, sizeof p.status_message, "%s",
                     s_words[s_next(&x) % S_NWORDS]);
        vs_tags_t t = { 0 };
        size_t nt = s_next(&x) % 4 == 0 ? 0 : s_next(&x) % 6;
        for (size_t k = 0; k < nt; k++) {
            char key[64];
            snprintf(key, sizeof key, "%s%zu", s_words[s_next(&x) % S_NWORDS], k);
            ck_assert_int_eq(vs_tags_set(&t, key, s_words[s_next(&x) % S_NWORDS]), 0);
        }
        char what[64];
        snprintf(what, sizeof what, "record %d (%s)", i, vs_pcx_state_name(p.state));
        s_same(&p, s_next(&x) % 8 == 0 ? NULL : &t, what);
        vs_tags_free(&t);
        done++;
    }
    ck_assert_int_gt(done, 3000);     /* overlapping ends are refused: a few */
}
END_TEST

/* A tag without a value prints as "" (vs_tags_to_json); times at the
 * edges of what the CLI format prints. */
START_TEST(test_text_edges)
{
    vs_pcx_t p = fx_pcx("111111111111", "us-east-1", "222222222222", "eu-west-1");
    vs_tag_t tv[2] = { { "k", NULL }, { "", "v" } };
    vs_tags_t t = { tv, 2 };
    s_same(&p, &t, "null value");
    static const uint64_t times[] = { 0, 1, 999, 253402300799999ull, 253402300800000ull,
                                      UINT64_MAX / 2, UINT64_MAX };
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        vs_pcx_t q = p;
        q.expiration_ms = times[i];
        char what[64];
        snprintf(what, sizeof what, "expiration %llu", (unsigned long long)times[i]);
        s_same(&q, NULL, what);
        vs_pcx_set_state(&q, VS_PCX_PENDING_ACCEPTANCE, VS_PCX_SIDE_NONE, 5);
        q.expiration_ms = times[i];
        s_same(&q, NULL, what);
    }
    /* Rendered into an empty buffer too. */
    vs_buf_t b = VS_BUF_INIT;
    vs_buf_reserve(&b, 4096);       /* room made, still "" */
    ck_assert_str_eq(vs_buf_str(&b), "");
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_ge(b.cap, 4097);
    ck_assert_int_eq(vs_pcx_render_text(&b, &p, NULL), 0);
    vs_json_t *tree = vs_pcx_render(&p, NULL);
    char *want = vs_json_dump(tree, 0);
    ck_assert_str_eq(vs_buf_str(&b), want);
    free(want);
    vs_json_free(&tree);
    vs_buf_release(&b);
}
END_TEST

/* vs_json_put_str prints strings exactly as vs_json_dump does. */
START_TEST(test_put_str)
{
    char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (char)(255 - i);
    vs_json_t *s = vs_json_strn(all, sizeof all);
    char *want = vs_json_dump(s, 0);
    vs_buf_t b = VS_BUF_INIT;
    vs_json_put_str(&b, all, sizeof all);
    ck_assert_str_eq(vs_buf_str(&b), want);
    free(want);
    vs_json_free(&s);
    for (size_t i = 0; i < S_NWORDS; i++) {
        s = vs_json_str(s_words[i]);
        want = vs_json_dump(s, 0);
        vs_buf_release(&b);
        vs_buf_puts(&b, "x");
        vs_json_put_str(&b, s_words[i], strlen(s_words[i]));
        ck_assert_str_eq(vs_buf_str(&b) + 1, want);
        free(want);
        vs_json_free(&s);
    }
    vs_buf_release(&b);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("pcx_text");
    TCase *tc = tcase_create("text");
    tcase_add_test(tc, test_put_str);
    tcase_add_test(tc, test_text_every_state);
    tcase_add_test(tc, test_text_random_records);
    tcase_add_test(tc, test_text_edges);
    suite_add_tcase(s, tc);
    return s;
}
