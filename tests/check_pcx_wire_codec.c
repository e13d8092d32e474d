/* The hand-written peering codec (core/peering/pcx_wire.c) against the
 * protobuf-c one it replaced (pcx_wire_pb.c), on thousands of random
 * messages and stored views: the same bytes out, and, given those bytes
 * mutated (bytes changed, cut, inserted, fields appended, messages spliced
 * so protobuf-c merges them) or random bytes, the same verdict and the same
 * decoded value. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcx_wire.h"
#include "pcx_wire_pb.h"
#include "rng.h"

#define S_ROUNDS 20000
#define S_CAP (VS_PCX_WIRE_MAX_LEN + 4096)

static uint64_t s_below(vs_rng_t *r, uint64_t n)
{
    return vs_rng_below(r, n);
}

static void s_text(vs_rng_t *r, char *dst, size_t cap)
{
    static const char set[] = "abcdef0123456789-_ pcxvpZ\x7f\xc3\xa9";
    size_t n = s_below(r, 4) ? s_below(r, 24) : s_below(r, cap);
    for (size_t i = 0; i < n; i++)
        dst[i] = set[s_below(r, sizeof set - 1)];
    dst[n] = 0;
}

static void s_cidr(vs_rng_t *r, int family, vs_cidr_t *c)
{
    memset(c, 0, sizeof *c);
    c->addr.family = (uint8_t)(s_below(r, 10) ? family : 10 - family);
    size_t len = c->addr.family == 4 ? 4 : 16;
    for (size_t i = 0; i < len; i++)
        c->addr.bytes[i] = (uint8_t)s_below(r, 4) ? 0 : (uint8_t)s_below(r, 256);
    c->prefix = (uint8_t)(s_below(r, 20) ? s_below(r, len * 8 + 1) : s_below(r, 256));
    if (s_below(r, 8)) /* mostly canonical: host bits cleared */
        for (size_t bit = c->prefix; bit < len * 8; bit++)
            c->addr.bytes[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
}

static void s_list(vs_rng_t *r, vs_cidr_t *list, size_t *n, size_t max, int family)
{
    *n = s_below(r, 16) ? s_below(r, 4) : s_below(r, max + 1);
    for (size_t i = 0; i < *n; i++) {
        if (i && !s_below(r, 20))
            list[i] = list[s_below(r, i)];      /* a duplicate */
        else
            s_cidr(r, family, &list[i]);
    }
}

static void s_opts(vs_rng_t *r, vs_pcx_options_t *o)
{
    o->allow_dns_resolution_from_remote_vpc = s_below(r, 2);
    o->allow_egress_from_local_classic_link_to_remote_vpc = s_below(r, 2);
    o->allow_egress_from_local_vpc_to_remote_classic_link = s_below(r, 2);
}

static uint64_t s_u64(vs_rng_t *r)
{
    switch (s_below(r, 4)) {
    case 0: return 0;
    case 1: return s_below(r, 200);
    case 2: return vs_rng_next(r) >> s_below(r, 64);
    default: return vs_rng_next(r);
    }
}

static void s_rec(vs_rng_t *r, vs_pcx_t *p)
{
    vs_pcx_vpc_t a, b;
    static const char *const regions[] = { "us-east-1", "eu-west-1", "ap-south-1" };
    vs_pcx_vpc_set(&a, "111111111111", regions[s_below(r, 3)], "vpc-0123456789abcdef0");
    vs_pcx_vpc_set(&b, s_below(r, 2) ? "222222222222" : "111111111111", regions[s_below(r, 3)],
                   "vpc-0fedcba9876543210");
    vs_cidr_t c;
    s_cidr(r, 4, &c);
    vs_pcx_vpc_add_cidr(&a, &c);
    if (vs_pcx_init(p, "pcx-0123456789abcdef0", &a, &b, 1700000000000ull + s_below(r, 1000),
                    NULL, 0) != 0) {
        memset(p, 0, sizeof *p);
        strcpy(p->id, "pcx-0123456789abcdef0");
    }
    if (s_below(r, 2))
        vs_pcx_set_state(p, (vs_pcx_state_t)s_below(r, VS_PCX_STATE_COUNT),
                         (vs_pcx_side_t)s_below(r, 4), p->created_ms + s_below(r, 5000));
    if (s_below(r, 3) == 0) {
        s_list(r, p->requester.ipv4, &p->requester.n_ipv4, VS_PCX_MAX_IPV4, 4);
        s_list(r, p->requester.ipv6, &p->requester.n_ipv6, VS_PCX_MAX_IPV6, 6);
        s_list(r, p->accepter.ipv4, &p->accepter.n_ipv4, VS_PCX_MAX_IPV4, 4);
        s_list(r, p->accepter.ipv6, &p->accepter.n_ipv6, VS_PCX_MAX_IPV6, 6);
    }
    s_opts(r, &p->requester.options);
    s_opts(r, &p->accepter.options);
    p->version = s_u64(r);
    switch (s_below(r, 12)) {
    case 0: s_text(r, p->id, sizeof p->id); break;
    case 1: s_text(r, p->status_message, sizeof p->status_message); break;
    case 2: p->state = (vs_pcx_state_t)(s_below(r, 2) ? -2 : VS_PCX_STATE_COUNT + 1); break;
    case 3: p->deleted_by = (vs_pcx_side_t)s_below(r, 6); break;
    case 4: s_text(r, p->accepter.account, sizeof p->accepter.account); break;
    case 5: p->expiration_ms = s_u64(r); break;
    case 6: p->inter_region = !p->inter_region; break;
    default: break;
    }
}

static void s_msg(vs_rng_t *r, vs_pcx_msg_t *m)
{
    vs_pcx_msg_init(m, (vs_pcx_msg_type_t)(1 + s_below(r, 7)), NULL);
    if (s_below(r, 4))
        strcpy(m->id, "pcx-0123456789abcdef0");
    else
        s_text(r, m->id, sizeof m->id);
    if ((m->has_rec = s_below(r, 2)))
        s_rec(r, &m->rec);
    m->ok = s_below(r, 2);
    if ((m->has_cidrs = s_below(r, 3) == 0)) {
        s_list(r, m->cidrs.ipv4, &m->cidrs.n_ipv4, VS_PCX_MAX_IPV4, 4);
        s_list(r, m->cidrs.ipv6, &m->cidrs.n_ipv6, VS_PCX_MAX_IPV6, 6);
    }
    m->cidrs_seq = s_u64(r);
    m->op_id = s_u64(r);
    if ((m->has_action = s_below(r, 3) == 0))
        m->action = (vs_pcx_action_t)s_below(r, VS_PCX_ACTION_COUNT + 1);
    if ((m->has_req_opts = s_below(r, 4) == 0))
        s_opts(r, &m->req_opts);
    if ((m->has_acc_opts = s_below(r, 4) == 0))
        s_opts(r, &m->acc_opts);
    if ((m->has_code = s_below(r, 4) == 0)) {
        s_text(r, m->code, sizeof m->code);
        s_text(r, m->message, sizeof m->message);
    }
}

/* A few edits of buf (len bytes, room for S_CAP): other bytes, cuts,
 * insertions, appended fields, spliced copies of itself or of other. */
static size_t s_mutate(vs_rng_t *r, uint8_t *buf, size_t len, const uint8_t *other,
                       size_t olen)
{
    int n = 1 + (int)s_below(r, 3);
    for (int k = 0; k < n; k++) {
        size_t at = len ? s_below(r, len + 1) : 0;
        switch (s_below(r, 9)) {
        case 0:
            if (len)
                buf[s_below(r, len)] = (uint8_t)s_below(r, 256);
            break;
        case 1:
            if (len)
                buf[s_below(r, len)] += (uint8_t)(s_below(r, 2) ? 1 : 255);
            break;
        case 2:
            len = at;
            break;
        case 3: { /* insert random bytes */
            size_t m = 1 + s_below(r, 12);
            if (len + m > S_CAP)
                break;
            memmove(buf + at + m, buf + at, len - at);
            for (size_t i = 0; i < m; i++)
                buf[at + i] = (uint8_t)(s_below(r, 2) ? s_below(r, 256) : s_below(r, 8) << 3 |
                                                                                s_below(r, 8));
            len += m;
            break;
        }
        case 4: { /* delete a range */
            size_t m = s_below(r, 8);
            if (at + m > len)
                m = len - at;
            memmove(buf + at, buf + at + m, len - at - m);
            len -= m;
            break;
        }
        case 5: { /* append a field: any number, any wire type, long keys too */
            uint8_t f[32];
            size_t fl = 0;
            uint64_t key = (uint64_t)s_below(r, s_below(r, 2) ? 16 : 1u << 20) << 3 | s_below(r, 8);
            do {
                f[fl++] = (uint8_t)(key | 0x80);
                key >>= 7;
            } while (key);
            f[fl - 1] &= 0x7f;
            if (!s_below(r, 8)) /* an overlong key */
                f[fl - 1] |= 0x80, f[fl++] = 0;
            size_t m = s_below(r, 12);
            for (size_t i = 0; i < m; i++)
                f[fl++] = (uint8_t)(s_below(r, 3) ? s_below(r, 128) : s_below(r, 256));
            if (len + fl <= S_CAP) {
                memcpy(buf + len, f, fl);
                len += fl;
            }
            break;
        }
        case 6: /* another message after this one: protobuf-c merges them */
            if (len + olen <= S_CAP) {
                memcpy(buf + len, other, olen);
                len += olen;
            }
            break;
        case 7: { /* a copy of a range of itself, elsewhere */
            size_t from = len ? s_below(r, len) : 0, m = s_below(r, 40);
            if (from + m > len)
                m = len - from;
            if (len + m > S_CAP)
                break;
            uint8_t tmp[40];
            memcpy(tmp, buf + from, m);
            memmove(buf + at + m, buf + at, len - at);
            memcpy(buf + at, tmp, m);
            len += m;
            break;
        }
        default: /* a NUL inside (strings end there) */
            if (len)
                buf[s_below(r, len)] = 0;
            break;
        }
    }
    return len;
}

static vs_pcx_msg_t s_a, s_b;

/* The bytes of a disagreement, to replay it. */
static void s_dump(const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        fprintf(stderr, "%02x%s", buf[i], i + 1 == len ? "\n" : " ");
}

static void s_cmp_decode(const uint8_t *buf, size_t len, uint64_t round)
{
    char wa[128] = "", wb[128] = "";
    memset(&s_a, 0x5a, sizeof s_a);
    memset(&s_b, 0x5a, sizeof s_b);
    int ra = vs_pcx_wire_decode(buf, len, &s_a, wa, sizeof wa);
    int rb = vs_pcx_wire_pb_decode(buf, len, &s_b, wb, sizeof wb);
    if (ra != rb || strcmp(wa, wb))
        s_dump(buf, len);
    ck_assert_msg(ra == rb, "round %llu: hand %d, protobuf-c %d (%s)",
                  (unsigned long long)round, ra, rb, wb);
    ck_assert_str_eq(wa, wb);
    if (ra != 0)
        return;
    /* A dropped record's slot is not part of the value. */
    if (!s_a.has_rec)
        memset(&s_a.rec, 0, sizeof s_a.rec);
    if (!s_b.has_rec)
        memset(&s_b.rec, 0, sizeof s_b.rec);
    if (memcmp(&s_a, &s_b, sizeof s_a)) {
        const uint8_t *x = (const uint8_t *)&s_a, *y = (const uint8_t *)&s_b;
        size_t off = 0;
        while (x[off] == y[off])
            off++;
        ck_abort_msg("round %llu: decoded values differ at offset %zu (has_rec %d/%d)",
                     (unsigned long long)round, off, s_a.has_rec, s_b.has_rec);
    }
}

START_TEST(messages_encode_and_decode_as_protobuf_c)
{
    vs_rng_t r;
    vs_rng_seed(&r, 20261206);
    static uint8_t ea[S_CAP], eb[S_CAP], prev[S_CAP], mut[S_CAP];
    size_t plen = 0;
    vs_pcx_msg_t *m = malloc(sizeof *m);
    for (uint64_t i = 0; i < S_ROUNDS; i++) {
        s_msg(&r, m);
        long na = vs_pcx_wire_encode(m, NULL, 0), nb = vs_pcx_wire_pb_encode(m, NULL, 0);
        ck_assert_int_eq(na, nb);
        ck_assert_int_gt(na, 0);
        ck_assert_int_eq(vs_pcx_wire_encode(m, ea, sizeof ea), na);
        ck_assert_int_eq(vs_pcx_wire_pb_encode(m, eb, sizeof eb), nb);
        ck_assert_msg(!memcmp(ea, eb, (size_t)na), "round %llu: bytes differ",
                      (unsigned long long)i);
        s_cmp_decode(ea, (size_t)na, i);
        for (int k = 0; k < 8; k++) {
            memcpy(mut, ea, (size_t)na);
            size_t ml = s_mutate(&r, mut, (size_t)na, prev, plen);
            s_cmp_decode(mut, ml, i);
        }
        memcpy(prev, ea, (size_t)na);
        plen = (size_t)na;
    }
    free(m);
}
END_TEST

START_TEST(random_bytes_decode_as_protobuf_c)
{
    vs_rng_t r;
    vs_rng_seed(&r, 7);
    uint8_t buf[256];
    for (uint64_t i = 0; i < 200000; i++) {
        size_t len = 1 + s_below(&r, sizeof buf);
        buf[0] = 0x08;
        for (size_t k = 1; k < len; k++)
            buf[k] = (uint8_t)(s_below(&r, 2) ? s_below(&r, 256) : s_below(&r, 16) << 3 |
                                                                     s_below(&r, 3));
        s_cmp_decode(buf, len, i);
    }
}
END_TEST

START_TEST(stored_views_encode_and_decode_as_protobuf_c)
{
    vs_rng_t r;
    vs_rng_seed(&r, 99);
    static uint8_t ea[S_CAP], eb[S_CAP], prev[S_CAP], mut[S_CAP];
    size_t plen = 0;
    vs_pcx_t *rec = malloc(sizeof *rec), *da = malloc(sizeof *da), *db = malloc(sizeof *db);
    for (uint64_t i = 0; i < S_ROUNDS; i++) {
        s_rec(&r, rec);
        vs_pcx_view_t v = { .side = (vs_pcx_side_t)s_below(&r, 5), .hidden = s_below(&r, 2),
                            .accept_inflight = s_below(&r, 2), .request_msg_id = s_u64(&r),
                            .cidrs_seq = s_u64(&r) };
        long na = vs_pcx_wire_encode_stored(rec, &v, ea, sizeof ea);
        long nb = vs_pcx_wire_pb_encode_stored(rec, &v, eb, sizeof eb);
        ck_assert_int_eq(na, nb);
        ck_assert_int_eq(vs_pcx_wire_encode_stored(rec, &v, NULL, 0), na);
        if (na < 0)
            continue;
        ck_assert_msg(!memcmp(ea, eb, (size_t)na), "round %llu: bytes differ",
                      (unsigned long long)i);
        for (int k = 0; k < 9; k++) {
            memcpy(mut, ea, (size_t)na);
            size_t ml = k ? s_mutate(&r, mut, (size_t)na, prev, plen) : (size_t)na;
            vs_pcx_view_t va, vb;
            memset(&va, 0, sizeof va);
            memset(&vb, 0, sizeof vb);
            memset(da, 0, sizeof *da);
            memset(db, 0, sizeof *db);
            int ra = vs_pcx_wire_decode_stored(mut, ml, da, &va);
            int rb = vs_pcx_wire_pb_decode_stored(mut, ml, db, &vb);
            if (ra != rb)
                s_dump(mut, ml);
            ck_assert_msg(ra == rb, "round %llu: hand %d, protobuf-c %d",
                          (unsigned long long)i, ra, rb);
            if (ra)
                continue;
            ck_assert(!memcmp(da, db, sizeof *da));
            ck_assert(va.side == vb.side && va.hidden == vb.hidden &&
                      va.accept_inflight == vb.accept_inflight &&
                      va.request_msg_id == vb.request_msg_id && va.cidrs_seq == vb.cidrs_seq);
        }
        memcpy(prev, ea, (size_t)na);
        plen = (size_t)na;
    }
    free(rec);
    free(da);
    free(db);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("pcx_wire_codec");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 110);
    tcase_add_test(tc, messages_encode_and_decode_as_protobuf_c);
    tcase_add_test(tc, random_bytes_decode_as_protobuf_c);
    tcase_add_test(tc, stored_views_encode_and_decode_as_protobuf_c);
    suite_add_tcase(s, tc);
    return s;
}
