/* wire_peek: the broker relays what vs_wire_peek accepts without decoding
 * it, so peek must never accept a frame vs_wire_decode refuses, must read
 * the routing fields exactly as decode does, and the restamped frame must
 * decode to the original with the broker's sender, whatever sender a
 * hostile peer tried to put in. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"
#include "wire_peek.h"

/* A frame of each kind the broker relays, with every routing field set. */
static size_t s_frame(int kind, uint8_t *out, size_t cap)
{
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    Vpcsim__Wire__PeerMessage pm = VPCSIM__WIRE__PEER_MESSAGE__INIT;
    Vpcsim__Wire__Ack ack = VPCSIM__WIRE__ACK__INIT;
    Vpcsim__Wire__ApiRequest rq = VPCSIM__WIRE__API_REQUEST__INIT;
    Vpcsim__Wire__ApiReply rp = VPCSIM__WIRE__API_REPLY__INIT;
    static uint8_t payload[] = { 0x0a, 0x00, 0xff, 0x80, 0x12 };
    static uint8_t client[] = { 0x00, 0x80, 0x00, 0x00, 0x29 };
    env.msg_id = 0x123456789abcull;
    env.sim_time_ms = 1700000000000ull;
    env.cause_id = 77;
    to.vpc_arn = "arn:aws:ec2:us-east-1:222222222222:vpc/vpc-0123456789abcdef0";
    to.account = "222222222222";
    to.region = "us-east-1";
    env.to = &to;
    switch (kind) {
    case 0:
        pm.payload.data = payload;
        pm.payload.len = sizeof payload;
        pm.sealed = 1;
        pm.ack_floor = 5;
        pm.epoch = 0xfeedfacecafebeefull;
        env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_PEER;
        env.peer = &pm;
        break;
    case 1:
        ack.acked_msg_id = 99;
        env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_ACK;
        env.ack = &ack;
        break;
    case 2:
        rq.action = "CreateVpcPeeringConnection";
        rq.input_json = "{\"VpcId\": \"vpc-1\",\n \"Note\": \"caf\xc3\xa9\"}";
        rq.account = "111111111111";
        rq.region = "us-east-1";
        env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
        env.api_request = &rq;
        break;
    default:
        to.client_route.data = client;
        to.client_route.len = sizeof client;
        rp.in_reply_to = 4;
        rp.ok = 1;
        rp.output_json = "{}";
        env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY;
        env.api_reply = &rp;
        break;
    }
    size_t n = vpcsim__wire__envelope__get_packed_size(&env);
    ck_assert_uint_le(n, cap);
    ck_assert_uint_eq(vpcsim__wire__envelope__pack(&env, out), n);
    return n;
}

static bool s_span_eq(const vs_wire_span_t *s, const void *p, size_t len)
{
    return s->len == len && (len == 0 || memcmp(s->p, p, len) == 0);
}

static bool s_span_str(const vs_wire_span_t *s, const char *str)
{
    return s_span_eq(s, str, strlen(str));
}

/* What peek read agrees with the decoded tree. */
static void s_assert_agrees(const vs_wire_peek_t *pk, const vs_env_t *env)
{
    ck_assert_int_eq(pk->body, env->body_case);
    ck_assert(pk->msg_id == env->msg_id);
    ck_assert_int_eq(pk->has_to, env->to != NULL);
    if (env->to) {
        ck_assert(s_span_str(&pk->to_vpc_arn, env->to->vpc_arn));
        ck_assert(s_span_str(&pk->to_account, env->to->account));
        ck_assert(s_span_str(&pk->to_region, env->to->region));
        ck_assert(s_span_eq(&pk->to_client_route, env->to->client_route.data,
                            env->to->client_route.len));
    }
    if (env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST)
        ck_assert(s_span_str(&pk->rq_account, env->api_request->account));
}

START_TEST(peek_reads_what_decode_reads)
{
    uint8_t buf[1024];
    for (int kind = 0; kind < 4; kind++) {
        size_t n = s_frame(kind, buf, sizeof buf);
        vs_wire_peek_t pk;
        char err[128];
        ck_assert_int_eq(vs_wire_peek(buf, n, &pk), 0);
        vs_env_t *env = vs_wire_decode(buf, n, err, sizeof err);
        ck_assert_ptr_nonnull(env);
        s_assert_agrees(&pk, env);
        vs_wire_free(&env);
    }
}
END_TEST

/* Packs env with its sender removed, to compare the rest of two trees. */
static size_t s_pack_without_sender(vs_env_t *env, uint8_t *out)
{
    Vpcsim__Wire__Party *s = env->sender;
    env->sender = NULL;
    size_t n = vpcsim__wire__envelope__pack(env, out);
    env->sender = s;
    return n;
}

START_TEST(restamp_sets_the_sender_and_keeps_the_rest)
{
    uint8_t buf[1024], a[2048], b[2048];
    static uint8_t route[] = { 0x00, 0x80, 0x00, 0x00, 0x01 };
    Vpcsim__Wire__Party p = VPCSIM__WIRE__PARTY__INIT;
    p.kind = VPCSIM__WIRE__PARTY_KIND__PARTY_AGENT;
    p.account = "111111111111";
    p.region = "us-east-1";
    p.partition = "aws";
    p.route.data = route;
    p.route.len = sizeof route;
    for (int kind = 0; kind < 4; kind++) {
        size_t n = s_frame(kind, buf, sizeof buf);
        size_t ss = vs_wire_peek_stamp_size(&p, n);
        ck_assert_uint_gt(ss, 0);
        uint8_t *out = malloc(n + ss);
        vs_wire_peek_restamp(buf, n, &p, ss, out);
        char err[128];
        vs_env_t *orig = vs_wire_decode(buf, n, err, sizeof err);
        vs_env_t *got = vs_wire_decode(out, n + ss, err, sizeof err);
        ck_assert_msg(got != NULL, "%s", err);
        ck_assert_ptr_nonnull(got->sender);
        ck_assert_int_eq(got->sender->kind, VPCSIM__WIRE__PARTY_KIND__PARTY_AGENT);
        ck_assert_str_eq(got->sender->account, "111111111111");
        ck_assert_str_eq(got->sender->region, "us-east-1");
        ck_assert_str_eq(got->sender->partition, "aws");
        ck_assert(got->sender->route.len == sizeof route &&
                  memcmp(got->sender->route.data, route, sizeof route) == 0);
        size_t la = s_pack_without_sender(orig, a), lb = s_pack_without_sender(got, b);
        ck_assert(la == lb && memcmp(a, b, la) == 0);
        vs_wire_free(&orig);
        vs_wire_free(&got);
        free(out);
    }
}
END_TEST

/* Appends raw bytes to a frame. */
static size_t s_cat(uint8_t *buf, size_t n, const void *more, size_t len)
{
    memcpy(buf + n, more, len);
    return n + len;
}

START_TEST(peek_leaves_the_unusual_to_decode)
{
    uint8_t buf[1024], f[2048];
    vs_wire_peek_t pk;
    size_t n = s_frame(0, buf, sizeof buf);

    /* A sender, forged or not: only the broker writes it. */
    static const uint8_t forged[] = { 0x12, 0x10, 0x08, 0x01, 0x12, 0x0c, '9', '9', '9', '9',
                                      '9', '9', '9', '9', '9', '9', '9', '9' };
    size_t m = s_cat(f, 0, buf, n);
    m = s_cat(f, m, forged, sizeof forged);
    ck_assert_int_eq(vs_wire_peek(f, m, &pk), -1);
    /* A second `to`, which protobuf would merge into the first. */
    static const uint8_t to2[] = { 0x1a, 0x04, 0x12, 0x02, '1', '2' };
    m = s_cat(f, s_cat(f, 0, buf, n), to2, sizeof to2);
    ck_assert_int_eq(vs_wire_peek(f, m, &pk), -1);
    /* A second body of another kind (the oneof switches). */
    static const uint8_t ack[] = { 0xaa, 0x01, 0x02, 0x08, 0x01 };
    m = s_cat(f, s_cat(f, 0, buf, n), ack, sizeof ack);
    ck_assert_int_eq(vs_wire_peek(f, m, &pk), -1);
    /* A field this build does not know. */
    static const uint8_t unknown[] = { 0xf8, 0x07, 0x01 };
    m = s_cat(f, s_cat(f, 0, buf, n), unknown, sizeof unknown);
    ck_assert_int_eq(vs_wire_peek(f, m, &pk), -1);
    /* msg_id as a length-delimited field (wrong wire type). */
    static const uint8_t wt[] = { 0x0a, 0x00 };
    m = s_cat(f, s_cat(f, 0, wt, sizeof wt), buf, n);
    ck_assert_int_eq(vs_wire_peek(f, m, &pk), -1);
    /* Truncated, empty, no body. */
    ck_assert_int_eq(vs_wire_peek(buf, n - 1, &pk), -1);
    ck_assert_int_eq(vs_wire_peek(buf, 0, &pk), -1);
    static const uint8_t bodyless[] = { 0x08, 0x05 };
    ck_assert_int_eq(vs_wire_peek(bodyless, sizeof bodyless, &pk), -1);
    /* An embedded NUL and a control character in to.account. */
    static const uint8_t nul[] = { 0x1a, 0x05, 0x12, 0x03, '1', 0x00, '2', 0xa2, 0x01, 0x00 };
    ck_assert_int_eq(vs_wire_peek(nul, sizeof nul, &pk), -1);
    static const uint8_t ctl[] = { 0x1a, 0x05, 0x12, 0x03, '1', '\n', '2', 0xa2, 0x01, 0x00 };
    ck_assert_int_eq(vs_wire_peek(ctl, sizeof ctl, &pk), -1);
    /* The same frame without the bad byte is fine. */
    static const uint8_t ok[] = { 0x1a, 0x05, 0x12, 0x03, '1', '3', '2', 0xa2, 0x01, 0x00 };
    ck_assert_int_eq(vs_wire_peek(ok, sizeof ok, &pk), 0);
    ck_assert(s_span_str(&pk.to_account, "132"));
    ck_assert_int_eq(pk.body, VPCSIM__WIRE__ENVELOPE__BODY_PEER);
}
END_TEST

START_TEST(stamp_never_outgrows_the_frame_limit)
{
    Vpcsim__Wire__Party p = VPCSIM__WIRE__PARTY__INIT;
    p.kind = VPCSIM__WIRE__PARTY_KIND__PARTY_CLIENT;
    size_t ss = vs_wire_peek_stamp_size(&p, 10);
    ck_assert_uint_gt(ss, 0);
    ck_assert_uint_eq(vs_wire_peek_stamp_size(&p, VS_WIRE_MAX_FRAME - ss), ss);
    ck_assert_uint_eq(vs_wire_peek_stamp_size(&p, VS_WIRE_MAX_FRAME - ss + 1), 0);
    ck_assert_uint_eq(vs_wire_peek_stamp_size(&p, VS_WIRE_MAX_FRAME + 1), 0);
}
END_TEST

/* The stamp peek packs by hand is byte for byte protobuf-c's: every mix
 * of set and empty fields, kinds (a negative enum too), long routes. */
START_TEST(stamp_is_what_protobuf_c_packs)
{
    static uint8_t frame[] = { 0x08, 0x07 };
    static uint8_t route[200];
    for (size_t i = 0; i < sizeof route; i++)
        route[i] = (uint8_t)(i * 37);
    const char *strs[] = { NULL, "", "111111111111", "us-east-1", "aws-us-gov" };
    const int kinds[] = { 0, 1, 2, 3, -1 };
    const size_t rlens[] = { 0, 1, 5, 127, 128, 200 };
    for (size_t k = 0; k < 5; k++)
        for (size_t a = 0; a < 5; a++)
            for (size_t r = 0; r < 5; r++)
                for (size_t t = 0; t < 5; t++)
                    for (size_t l = 0; l < 6; l++) {
                        Vpcsim__Wire__Party p = VPCSIM__WIRE__PARTY__INIT;
                        p.kind = (Vpcsim__Wire__PartyKind)kinds[k];
                        p.account = (char *)strs[a];
                        p.region = (char *)strs[r];
                        p.partition = (char *)strs[t];
                        p.route.data = rlens[l] ? route : NULL;
                        p.route.len = rlens[l];
                        /* protobuf-c's own packing, NULL strings as "" */
                        Vpcsim__Wire__Party q = p;
                        q.account = q.account ? q.account : "";
                        q.region = q.region ? q.region : "";
                        q.partition = q.partition ? q.partition : "";
                        uint8_t want[512], got[512];
                        size_t ps = vpcsim__wire__party__get_packed_size(&q);
                        memcpy(want, frame, sizeof frame);
                        size_t n = sizeof frame;
                        want[n++] = 0x12;
                        for (size_t v = ps; ; v >>= 7) {
                            want[n++] = (uint8_t)(v >= 0x80 ? (v | 0x80) : v);
                            if (v < 0x80)
                                break;
                        }
                        n += vpcsim__wire__party__pack(&q, want + n);
                        size_t ss = vs_wire_peek_stamp_size(&p, sizeof frame);
                        ck_assert_uint_eq(sizeof frame + ss, n);
                        vs_wire_peek_restamp(frame, sizeof frame, &p, ss, got);
                        ck_assert_mem_eq(got, want, n);
                    }
}
END_TEST

/* xorshift64*: a seeded stream local to the test. */
static uint64_t s_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

/* Hostile frames: mutations of valid ones. Whatever peek accepts, decode
 * accepts too, and they agree on every routing field. */
START_TEST(peek_accepts_nothing_decode_refuses)
{
    uint8_t base[1024], f[1100];
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    size_t accepted = 0;
    for (int iter = 0; iter < 60000; iter++) {
        size_t n = s_frame(iter & 3, base, sizeof base), m = n;
        memcpy(f, base, n);
        int edits = 1 + (int)(s_next(&seed) % 4);
        for (int e = 0; e < edits && m > 0; e++) {
            uint64_t r = s_next(&seed);
            size_t at = (size_t)(r >> 8) % m;
            switch (r & 3) {
            case 0: f[at] = (uint8_t)(r >> 40); break;                       /* replace */
            case 1: f[at] ^= (uint8_t)(1u << ((r >> 32) & 7)); break;        /* flip */
            case 2: m = at; break;                                           /* truncate */
            default:                                                         /* splice */
                if (m + 8 <= sizeof f) {
                    memmove(f + at + 8, f + at, m - at);
                    memcpy(f + at, base + (r >> 16) % (n - 8), 8);
                    m += 8;
                }
            }
        }
        vs_wire_peek_t pk;
        if (vs_wire_peek(f, m, &pk) < 0)
            continue;
        accepted++;
        char err[192];
        vs_env_t *env = vs_wire_decode(f, m, err, sizeof err);
        ck_assert_msg(env != NULL, "iteration %d: peek accepted what decode refuses: %s", iter,
                      err);
        s_assert_agrees(&pk, env);
        vs_wire_free(&env);
    }
    /* Mutations in payloads and JSON leave many frames valid. */
    ck_assert_uint_gt(accepted, 1000);
}
END_TEST

/* Re-encodes the first length prefix of frame in (n bytes) in `width` bytes,
 * overlong as a careless encoder might write it. Returns the new length. */
static size_t s_pad_first_prefix(const uint8_t *in, size_t n, uint8_t *out, unsigned width)
{
    size_t pos = 0;
    while (pos < n) {
        uint8_t key = in[pos++];
        ck_assert_uint_lt(key, 0x80);   /* the fixture's keys fit a byte */
        uint64_t v;
        switch (key & 7) {
        case 0: ck_assert_int_eq(vs_wire_varint(in, n, &pos, &v), 0); continue;
        case 1: pos += 8; continue;
        case 5: pos += 4; continue;
        default: break;
        }
        ck_assert_int_eq(vs_wire_varint(in, n, &pos, &v), 0);
        size_t start = pos - 1;
        while (start > 0 && (in[start - 1] & 0x80))
            start--;
        memcpy(out, in, start);
        size_t o = start;
        for (unsigned i = 0; i < width; i++)
            out[o++] = (uint8_t)(((v >> (7 * i)) & 0x7f) | (i + 1 < width ? 0x80 : 0));
        memcpy(out + o, in + pos, n - pos);
        return o + n - pos;
    }
    ck_abort_msg("no length-delimited field");
    return 0;
}

/* protobuf-c reads keys and length prefixes in at most 5 bytes: a longer
 * (overlong) one is refused by unpack, so the scan and peek must refuse it
 * too (found by fuzz_envelope: 6a 80 80 80 80 80 80 80 00). */
START_TEST(overlong_prefixes_refused_by_both)
{
    static const uint8_t crash[] = { 0x6a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 };
    char err[192];
    vs_wire_peek_t pk;
    vs_env_t *env = vs_wire_decode(crash, sizeof crash, err, sizeof err);
    ck_assert_ptr_null(env);
    ck_assert_int_lt(vs_wire_peek(crash, sizeof crash, &pk), 0);

    uint8_t base[1024], f[1100];
    for (int kind = 0; kind < 4; kind++) {
        size_t n = s_frame(kind, base, sizeof base);
        for (unsigned width = 1; width <= 7; width++) {
            size_t m = s_pad_first_prefix(base, n, f, width);
            env = vs_wire_decode(f, m, err, sizeof err);
            int peeked = vs_wire_peek(f, m, &pk);
            if (width <= 5) {
                ck_assert_msg(env != NULL, "kind %d width %u: %s", kind, width, err);
                ck_assert_int_eq(peeked, 0);
                s_assert_agrees(&pk, env);
            } else {
                ck_assert_msg(env == NULL, "kind %d width %u decoded", kind, width);
                ck_assert_int_lt(peeked, 0);
            }
            vs_wire_free(&env);
        }
    }
}
END_TEST

/* Byte by byte, as vs_wire_check_text was before it read words and
 * blocks: what it must still answer for every text. */
static const char *s_check_text_ref(const uint8_t *s, size_t len, bool is_short)
{
    for (size_t i = 0; i < len;) {
        uint8_t c = s[i];
        if (c < 0x80) {
            if (c == 0)
                return "embedded NUL";
            if (is_short && (c < 0x20 || c == 0x7f))
                return "control character";
            i++;
            continue;
        }
        size_t need;
        uint32_t cp, min;
        if ((c & 0xe0) == 0xc0)
            need = 1, cp = c & 0x1f, min = 0x80;
        else if ((c & 0xf0) == 0xe0)
            need = 2, cp = c & 0x0f, min = 0x800;
        else if ((c & 0xf8) == 0xf0)
            need = 3, cp = c & 0x07, min = 0x10000;
        else
            return "invalid UTF-8";
        if (len - i <= need)
            return "invalid UTF-8";
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return "invalid UTF-8";
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return "invalid UTF-8";
        i += need + 1;
    }
    return NULL;
}

/* Lengths up to 79, so that a text is checked in 16-byte blocks (SSE2),
 * then 8-byte words, then bytes, with an odd byte anywhere among them. */
START_TEST(text_check_reads_blocks_like_bytes)
{
    static const uint8_t alphabet[] = { 'a', '{', '"', ' ', 0x7e, 0x7f, 0x00, 0x01, 0x1f, 0x20,
                                        '\n', '\t', 0x80, 0xbf, 0xc3, 0xa9, 0xe2, 0x82, 0xac,
                                        0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0xff };
    uint64_t seed = 12345;
    uint8_t s[80];
    for (int iter = 0; iter < 200000; iter++) {
        size_t len = (size_t)(s_next(&seed) % sizeof s);
        uint64_t r = s_next(&seed);
        /* Mostly plain text with a few odd bytes, so whole blocks pass. */
        for (size_t i = 0; i < len; i++) {
            uint64_t x = s_next(&seed);
            s[i] = (x % 8) ? (uint8_t)('a' + x % 26) : alphabet[(x >> 8) % sizeof alphabet];
        }
        for (int k = 0; k < 2; k++) {
            bool is_short = k == 0;
            const char *want = s_check_text_ref(s, len, is_short);
            const char *got = vs_wire_check_text(s, len, is_short);
            ck_assert_msg((want == NULL) == (got == NULL) && (!want || strcmp(want, got) == 0),
                          "iteration %d (seed %llu): want %s, got %s", iter,
                          (unsigned long long)r, want ? want : "ok", got ? got : "ok");
        }
    }
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("wire_peek");
    TCase *tc = tcase_create("peek");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, peek_reads_what_decode_reads);
    tcase_add_test(tc, restamp_sets_the_sender_and_keeps_the_rest);
    tcase_add_test(tc, peek_leaves_the_unusual_to_decode);
    tcase_add_test(tc, stamp_never_outgrows_the_frame_limit);
    tcase_add_test(tc, stamp_is_what_protobuf_c_packs);
    tcase_add_test(tc, peek_accepts_nothing_decode_refuses);
    tcase_add_test(tc, overlong_prefixes_refused_by_both);
    tcase_add_test(tc, text_check_reads_blocks_like_bytes);
    suite_add_tcase(s, tc);
    return s;
}
