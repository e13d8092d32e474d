/* The hand-written SgDir codec (core/network/sg_wire.c) against the
 * protobuf-c one it replaced (sg_wire_pb.c): on random messages the same
 * bytes out; given those bytes mutated (cut, bits flipped, unknown fields
 * inserted, fields duplicated, wire types changed, varints made overlong,
 * strings and counts over their bounds, NULs inside strings) or random
 * bytes, the same verdict and the same decoded value. Also prints the time
 * per encode and decode of both. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pb.h"
#include "rng.h"
#include "sg_wire.h"
#include "sg_wire_pb.h"

#define S_ROUNDS 20000
#define S_MAXN 50                       /* groups and refs of a random message */
#define S_CAP (64u << 10)               /* any random or mutated message fits */

static uint64_t s_below(vs_rng_t *r, uint64_t n)
{
    return vs_rng_below(r, n);
}

/* Any bytes but NUL (a C string), mostly short, up to cap - 1. */
static void s_text(vs_rng_t *r, char *dst, size_t cap)
{
    size_t n = s_below(r, 4) ? s_below(r, 24) : s_below(r, 3) ? s_below(r, cap) : cap - 1;
    if (n >= cap)
        n = cap - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = (char)(s_below(r, 2) ? 'a' + s_below(r, 26) : 1 + s_below(r, 255));
    dst[n] = 0;
}

/* An ID of type prefix: valid (8 or 17 hex digits) unless bad, else
 * sometimes of another type, badly formed or any text. */
static void s_id(vs_rng_t *r, char dst[VS_ID_LEN], const char *prefix, bool bad)
{
    static const char hex[] = "0123456789abcdef";
    static const char *const others[] = { "sg", "pcx", "vpc", "subnet", "SG", "" };
    if (!bad) {
        size_t at = (size_t)snprintf(dst, VS_ID_LEN, "%s-", prefix);
        for (size_t i = 0, n = s_below(r, 2) ? 17 : 8; i < n; i++)
            dst[at++] = hex[s_below(r, 16)];
        dst[at] = 0;
        return;
    }
    switch (s_below(r, 12)) {
    case 0: s_text(r, dst, VS_ID_LEN); return;
    case 1: prefix = others[s_below(r, 6)]; break;
    default: break;
    }
    size_t n = s_below(r, 4) ? (s_below(r, 2) ? 17 : 8) : s_below(r, 24);
    size_t at = (size_t)snprintf(dst, VS_ID_LEN, "%s-", prefix);
    for (size_t i = 0; i < n && at + 1 < VS_ID_LEN; i++)
        dst[at++] = s_below(r, 20) ? hex[s_below(r, 16)] : 'g';
    dst[at] = 0;
    if (!s_below(r, 20))
        dst[0] = 0;
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

static void s_msg(vs_rng_t *r, vs_sgdir_msg_t *m)
{
    vs_sgdir_msg_clear(m);
    /* Half of the messages have invalid IDs, each ID one chance in bad. */
    uint64_t bad = s_below(r, 2) ? 0 : 1 + s_below(r, 40);
#define S_BAD (bad && !s_below(r, bad))
    s_id(r, m->pcx_id, "pcx", S_BAD);
    s_id(r, m->vpc_id, "vpc", S_BAD);
    m->ver = s_u64(r);
    m->ngroups = s_below(r, 4) ? s_below(r, 4) : s_below(r, S_MAXN + 1);
    m->nrefs = s_below(r, 3) ? s_below(r, 3) : s_below(r, S_MAXN + 1);
    m->groups = calloc(m->ngroups + 1, sizeof *m->groups);
    m->refs = calloc(m->nrefs + 1, sizeof *m->refs);
    ck_assert(m->groups && m->refs);
    for (size_t i = 0; i < m->ngroups; i++) {
        s_id(r, m->groups[i].id, "sg", S_BAD);
        s_text(r, m->groups[i].name, sizeof m->groups[i].name);
        m->groups[i].present = true;
    }
    for (size_t i = 0; i < m->nrefs; i++)
        s_id(r, m->refs[i], "sg", S_BAD);
#undef S_BAD
}

/* --- mutations ------------------------------------------------------------------ */

/* The top-level fields of a message our encoder wrote (well formed). */
typedef struct {
    size_t at, keylen, len;             /* start, key bytes, whole field's bytes */
    unsigned field, wt;
} s_fld_t;

static size_t s_fields(const uint8_t *buf, size_t len, s_fld_t *out, size_t max)
{
    vs_pb_r_t r = vs_pb_reader(buf, len);
    vs_pb_field_t f;
    size_t n = 0;
    const uint8_t *start = r.p;
    while (n < max && vs_pb_next(&r, &f) > 0) {
        out[n] = (s_fld_t){ (size_t)(start - buf), vs_pb_varint_len((uint64_t)f.field << 3),
                            (size_t)(r.p - start), f.field, f.wt };
        n++;
        start = r.p;
    }
    return n;
}

static size_t s_insert(uint8_t *buf, size_t len, size_t at, const uint8_t *src, size_t n)
{
    if (len + n > S_CAP)
        return len;
    memmove(buf + at + n, buf + at, len - at);
    memcpy(buf + at, src, n);
    return len + n;
}

static size_t s_put_varint(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    do {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    } while (v);
    p[n - 1] &= 0x7f;
    return n;
}

/* The varint at p (well formed) rewritten with pad more bytes of zeros:
 * the same value, overlong (protobuf-c's limits decide). */
static size_t s_lengthen(uint8_t *buf, size_t len, size_t at, size_t pad)
{
    size_t n = 1;
    while (buf[at + n - 1] & 0x80)
        n++;
    uint8_t ext[16];
    for (size_t i = 0; i < pad; i++)
        ext[i] = i + 1 < pad ? 0x80 : 0x00;
    buf[at + n - 1] |= 0x80;
    return s_insert(buf, len, at + n, ext, pad);
}

/* A string field of boundary length: field (3, 4, 7, or 6 for a group
 * with such a name or ID) at the end. */
static size_t s_oversize(vs_rng_t *r, uint8_t *buf, size_t len)
{
    static const size_t lens[] = { VS_ID_LEN - 1, VS_ID_LEN, VS_SG_NAME_LEN - 1, VS_SG_NAME_LEN,
                                   VS_SG_NAME_LEN + 1, 300, 2000 };
    size_t n = lens[s_below(r, sizeof lens / sizeof lens[0])];
    uint8_t s[2048], f[2200];
    memcpy(s, "sg-", 3);
    for (size_t i = 3; i < n; i++)
        s[i] = s_below(r, 8) ? (uint8_t)"0123456789abcdef"[s_below(r, 16)]
                             : (uint8_t)s_below(r, 256);
    if (n >= 3 && s_below(r, 2))
        memcpy(s, s_below(r, 2) ? "pcx" : "vpc", 3);
    unsigned field = (unsigned)(3 + s_below(r, 5));
    size_t fl = 0;
    if (field == 5 || field == 6) { /* a group: a valid ID, the long string as its name */
        static const uint8_t id[] = "\x0a\x14sg-0123456789abcdef0";
        size_t body = sizeof id - 1 + 1 + vs_pb_varint_len(n) + n;
        f[fl++] = 0x32;
        fl += s_put_varint(f + fl, body);
        memcpy(f + fl, id, sizeof id - 1);
        fl += sizeof id - 1;
        f[fl++] = 0x12;
    } else {
        f[fl++] = (uint8_t)(field << 3 | VS_PB_LEN);
    }
    fl += s_put_varint(f + fl, n);
    memcpy(f + fl, s, n);
    return s_insert(buf, len, len, f, fl + n);
}

/* Mutation kind of buf (a message our encoder wrote, len bytes). */
static size_t s_mutate(vs_rng_t *r, int kind, uint8_t *buf, size_t len)
{
    s_fld_t fl[2 * S_MAXN + 16];
    size_t nf = s_fields(buf, len, fl, sizeof fl / sizeof fl[0]);
    const s_fld_t *f = &fl[s_below(r, nf)];      /* nf >= 1: type is always there */
    switch (kind) {
    case 0: /* truncate */
        return s_below(r, len);
    case 1: /* flip bits */
        for (int k = 1 + (int)s_below(r, 3); k > 0; k--)
            buf[s_below(r, len)] ^= (uint8_t)(1u << s_below(r, 8));
        return len;
    case 2: { /* an unknown field (reserved 1, past 7, field 0 in a long key) of any type */
        uint8_t u[32];
        size_t ul = 0;
        uint64_t field = s_below(r, 3) ? (s_below(r, 2) ? 1 : 8 + s_below(r, 1u << 20)) : 0;
        unsigned wt = s_below(r, 8) ? (unsigned)"\0\1\2\5"[s_below(r, 4)] : (unsigned)s_below(r, 8);
        if (field == 0) {
            u[ul++] = (uint8_t)(0x80 | wt);
            u[ul++] = 0;
        } else {
            ul = s_put_varint(u, field << 3 | wt);
        }
        size_t m = wt == VS_PB_LEN ? 1 + s_below(r, 12) : wt == VS_PB_VARINT ? 1 + s_below(r, 3)
                                                                             : s_below(r, 9);
        if (wt == VS_PB_LEN)
            u[ul++] = (uint8_t)(m - 1);
        for (size_t i = 0; i < m - (wt == VS_PB_LEN); i++)
            u[ul++] = (uint8_t)(wt == VS_PB_VARINT && i + 1 < m ? 0x80 | s_below(r, 128)
                                : wt == VS_PB_VARINT ? s_below(r, 128) : s_below(r, 256));
        size_t at = s_below(r, 2) ? f->at : len;
        return s_insert(buf, len, at, u, ul);
    }
    case 3: { /* a field again, elsewhere: last one wins, or one more element */
        uint8_t copy[4096];
        if (f->len > sizeof copy)
            return len;
        memcpy(copy, buf + f->at, f->len);
        const s_fld_t *g = &fl[s_below(r, nf)];
        return s_insert(buf, len, s_below(r, 2) ? g->at : len, copy, f->len);
    }
    case 4: { /* a field of another wire type, well formed: top level or in a group */
        uint8_t w[128];
        size_t wl = 0;
        unsigned field = f->field, wt;
        do
            wt = (unsigned)"\0\1\2\5"[s_below(r, 4)];
        while (wt == f->wt);
        if (f->field == 6 && s_below(r, 2))
            field = 1 + (unsigned)s_below(r, 2);   /* a group's id or name */
        wl = s_put_varint(w, (uint64_t)field << 3 | wt);
        size_t m = wt == VS_PB_I64 ? 8 : wt == VS_PB_I32 ? 4 : wt == VS_PB_LEN ? s_below(r, 6) : 0;
        if (wt == VS_PB_VARINT)
            wl += s_put_varint(w + wl, s_below(r, 2) ? 1 : s_u64(r));
        else if (wt == VS_PB_LEN)
            w[wl++] = (uint8_t)m;
        for (size_t i = 0; i < m; i++)
            w[wl++] = (uint8_t)('a' + s_below(r, 26));
        if (field != f->field) { /* inside a valid group, before or after its fields */
            static const uint8_t ok[] = "\x0a\x14sg-0123456789abcdef0\x12\x01n";
            uint8_t g[128] = { 0x32, (uint8_t)(wl + sizeof ok - 1) };
            bool first = s_below(r, 2);
            memcpy(g + 2 + (first ? wl : 0), ok, sizeof ok - 1);
            memcpy(g + 2 + (first ? 0 : sizeof ok - 1), w, wl);
            wl += 2 + sizeof ok - 1;
            memcpy(w, g, wl);
        }
        return s_insert(buf, len, s_below(r, 2) ? f->at : len, w, wl);
    }
    case 5: { /* a long varint: overlong (zeros added), or a value past 32 bits */
        if (!s_below(r, 4)) {
            uint8_t v[16] = { s_below(r, 2) ? 0x10 : 0x28 };   /* type or ver */
            size_t vl = 1 + s_put_varint(v + 1, (s_below(r, 2) ? 1 : s_u64(r) & 0xffffffffu) |
                                                    s_u64(r) << 32);
            return s_insert(buf, len, s_below(r, 2) ? f->at : len, v, vl);
        }
        size_t pad = 1 + s_below(r, 10);
        size_t at = s_below(r, 2) ? f->at : f->at + f->keylen;
        if (f->wt != VS_PB_VARINT && f->wt != VS_PB_LEN)
            at = f->at;
        return s_lengthen(buf, len, at, pad);
    }
    case 6:
        return s_oversize(r, buf, len);
    default: /* a NUL inside a string (they end there) */
        if (f->wt == VS_PB_LEN && f->len > f->keylen + 1)
            buf[f->at + f->keylen + 1 + s_below(r, f->len - f->keylen - 1)] = 0;
        else
            buf[s_below(r, len)] = 0;
        return len;
    }
}

/* --- comparing ------------------------------------------------------------------ */

static void s_dump(const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len && i < 512; i++)
        fprintf(stderr, "%02x%s", buf[i], i + 1 == len ? "\n" : " ");
}

/* Decodes buf with both; the same verdict, and on success the same value. */
static int s_cmp_decode(const uint8_t *buf, size_t len, uint64_t round)
{
    vs_sgdir_msg_t a, b;
    memset(&a, 0x5a, sizeof a);
    memset(&b, 0x5a, sizeof b);
    int ra = vs_sgdir_wire_decode(buf, len, &a);
    int rb = vs_sgdir_wire_pb_decode(buf, len, &b);
    if (ra != rb)
        s_dump(buf, len);
    ck_assert_msg(ra == rb, "round %llu: hand %d, protobuf-c %d", (unsigned long long)round,
                  ra, rb);
    if (ra == 0) {
        ck_assert(!memcmp(a.pcx_id, b.pcx_id, sizeof a.pcx_id));
        ck_assert(!memcmp(a.vpc_id, b.vpc_id, sizeof a.vpc_id));
        ck_assert_uint_eq(a.ver, b.ver);
        ck_assert_uint_eq(a.ngroups, b.ngroups);
        ck_assert_uint_eq(a.nrefs, b.nrefs);
        ck_assert(!a.ngroups || !memcmp(a.groups, b.groups, a.ngroups * sizeof *a.groups));
        ck_assert(!a.nrefs || !memcmp(a.refs, b.refs, a.nrefs * sizeof *a.refs));
    }
    vs_sgdir_msg_clear(&a);
    vs_sgdir_msg_clear(&b);
    return ra;
}

START_TEST(messages_encode_and_decode_as_protobuf_c)
{
    vs_rng_t r;
    vs_rng_seed(&r, 20261206);
    static uint8_t ea[S_CAP], eb[S_CAP], mut[S_CAP];
    vs_sgdir_msg_t m = { 0 };
    size_t accepted = 0, mut_accepted = 0;
    for (uint64_t i = 0; i < S_ROUNDS; i++) {
        s_msg(&r, &m);
        long na = vs_sgdir_wire_encode(&m, NULL, 0), nb = vs_sgdir_wire_pb_encode(&m, NULL, 0);
        ck_assert_int_eq(na, nb);
        ck_assert_int_gt(na, 0);
        /* Too small a buffer: the size, nothing written. */
        memset(ea, 0xee, 4);
        ck_assert_int_eq(vs_sgdir_wire_encode(&m, ea, (size_t)na - 1), na);
        ck_assert_int_eq(ea[0], 0xee);
        ck_assert_int_eq(vs_sgdir_wire_encode(&m, ea, sizeof ea), na);
        ck_assert_int_eq(vs_sgdir_wire_pb_encode(&m, eb, sizeof eb), nb);
        if (memcmp(ea, eb, (size_t)na))
            s_dump(eb, (size_t)nb);
        ck_assert_msg(!memcmp(ea, eb, (size_t)na), "round %llu: bytes differ",
                      (unsigned long long)i);
        accepted += s_cmp_decode(ea, (size_t)na, i) == 0;
        for (int k = 0; k < 8; k++) {
            memcpy(mut, ea, (size_t)na);
            size_t ml = s_mutate(&r, k, mut, (size_t)na);
            mut_accepted += s_cmp_decode(mut, ml, i) == 0;
        }
    }
    vs_sgdir_msg_clear(&m);
    /* Both verdicts were exercised. */
    ck_assert_uint_gt(accepted, S_ROUNDS / 5);
    ck_assert_uint_lt(accepted, S_ROUNDS);
    ck_assert_uint_gt(mut_accepted, S_ROUNDS / 5);
}
END_TEST

START_TEST(random_bytes_decode_as_protobuf_c)
{
    vs_rng_t r;
    vs_rng_seed(&r, 7);
    uint8_t buf[256];
    for (uint64_t i = 0; i < 200000; i++) {
        size_t len = 1 + s_below(&r, sizeof buf);
        buf[0] = 0x10;
        for (size_t k = 1; k < len; k++)
            buf[k] = (uint8_t)(s_below(&r, 2) ? s_below(&r, 256)
                                              : s_below(&r, 9) << 3 | s_below(&r, 3));
        s_cmp_decode(buf, len, i);
    }
}
END_TEST

/* The bounds: more than VS_SGDIR_MAX_GROUPS groups or refs, a message over
 * VS_SGDIR_WIRE_MAX_LEN; each just at and just past its bound. */
START_TEST(bounds_decide_as_protobuf_c)
{
    static const uint8_t head[] = "\x10\x01\x1a\x15pcx-0123456789abcdef0"
                                  "\x22\x15vpc-0123456789abcdef0";
    static const uint8_t ref[] = "\x3a\x14sg-0123456789abcdef0";
    static const uint8_t group[] = "\x32\x1a\x0a\x14sg-0123456789abcdef0\x12\x02gx";
    size_t cap = VS_SGDIR_WIRE_MAX_LEN + 64;
    uint8_t *buf = malloc(cap);
    for (int which = 0; which < 2; which++) {
        const uint8_t *e = which ? group : ref;
        size_t el = which ? sizeof group - 1 : sizeof ref - 1;
        for (size_t n = VS_SGDIR_MAX_GROUPS; n <= VS_SGDIR_MAX_GROUPS + 1; n++) {
            size_t len = sizeof head - 1;
            memcpy(buf, head, len);
            for (size_t i = 0; i < n; i++, len += el)
                memcpy(buf + len, e, el);
            ck_assert_int_eq(s_cmp_decode(buf, len, n), n > VS_SGDIR_MAX_GROUPS ? -1 : 0);
        }
    }
    /* The length bound: an unknown field pads the message to it. */
    for (size_t len = VS_SGDIR_WIRE_MAX_LEN; len <= VS_SGDIR_WIRE_MAX_LEN + 1; len++) {
        size_t at = sizeof head - 1;
        memcpy(buf, head, at);
        buf[at++] = 0x4a; /* field 9, LEN */
        size_t body = len - at - 4;   /* a length in 4 bytes: 2^21 <= body < 2^28 */
        buf[at++] = (uint8_t)(body | 0x80);
        buf[at++] = (uint8_t)(body >> 7 | 0x80);
        buf[at++] = (uint8_t)(body >> 14 | 0x80);
        buf[at++] = (uint8_t)(body >> 21);
        memset(buf + at, 'p', body);
        ck_assert_int_eq(s_cmp_decode(buf, len, len), len > VS_SGDIR_WIRE_MAX_LEN ? -1 : 0);
    }
    free(buf);
}
END_TEST

/* --- time per call ------------------------------------------------------------------ */

static double s_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

typedef long (*s_enc_fn)(const vs_sgdir_msg_t *, uint8_t *, size_t);
typedef int (*s_dec_fn)(const uint8_t *, size_t, vs_sgdir_msg_t *);

/* The best of 3 runs of iters encodes and decodes of m, in ns per call. */
static void s_time(const char *what, const vs_sgdir_msg_t *m, s_enc_fn enc, s_dec_fn dec,
                   int iters)
{
    static uint8_t buf[S_CAP];
    double best_e = 1e30, best_d = 1e30;
    long n = enc(m, buf, sizeof buf);
    ck_assert_int_gt(n, 0);
    for (int run = 0; run < 3; run++) {
        double t0 = s_now_ns();
        long bad = 0;   /* no ck_assert inside: each is a write to Check's pipe */
        for (int i = 0; i < iters; i++)
            bad += enc(m, buf, sizeof buf) != n;
        double t1 = s_now_ns();
        for (int i = 0; i < iters; i++) {
            vs_sgdir_msg_t out;
            bad += dec(buf, (size_t)n, &out) != 0;
            vs_sgdir_msg_clear(&out);
        }
        double t2 = s_now_ns();
        ck_assert_int_eq(bad, 0);
        if (t1 - t0 < best_e)
            best_e = t1 - t0;
        if (t2 - t1 < best_d)
            best_d = t2 - t1;
    }
    printf("sg_wire %-34s %5ld bytes: encode %8.1f ns, decode %8.1f ns\n", what, n,
           best_e / iters, best_d / iters);
}

START_TEST(time_per_call)
{
    static const size_t sizes[][2] = { { 1, 0 }, { 5, 2 }, { 50, 50 } };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        vs_sgdir_msg_t m = { .ver = 1700000000123ull };
        strcpy(m.pcx_id, "pcx-0123456789abcdef0");
        strcpy(m.vpc_id, "vpc-0fedcba9876543210");
        m.ngroups = sizes[s][0];
        m.nrefs = sizes[s][1];
        m.groups = calloc(m.ngroups + 1, sizeof *m.groups);
        m.refs = calloc(m.nrefs + 1, sizeof *m.refs);
        for (size_t i = 0; i < m.ngroups; i++) {
            snprintf(m.groups[i].id, sizeof m.groups[i].id, "sg-%017zx", i + 1);
            snprintf(m.groups[i].name, sizeof m.groups[i].name, i ? "group-%zu" : "default", i);
        }
        for (size_t i = 0; i < m.nrefs; i++)
            snprintf(m.refs[i], sizeof m.refs[i], "sg-%017zx", i + 100);
        char what[64];
        int iters = s == 2 ? 5000 : s == 1 ? 50000 : 100000;
        snprintf(what, sizeof what, "%zu groups %zu refs, protobuf-c", m.ngroups, m.nrefs);
        s_time(what, &m, vs_sgdir_wire_pb_encode, vs_sgdir_wire_pb_decode, iters);
        snprintf(what, sizeof what, "%zu groups %zu refs, hand-written", m.ngroups, m.nrefs);
        s_time(what, &m, vs_sgdir_wire_encode, vs_sgdir_wire_decode, iters);
        vs_sgdir_msg_clear(&m);
    }
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("sg_wire_codec");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 110);
    tcase_add_test(tc, messages_encode_and_decode_as_protobuf_c);
    tcase_add_test(tc, random_bytes_decode_as_protobuf_c);
    tcase_add_test(tc, bounds_decide_as_protobuf_c);
    suite_add_tcase(s, tc);
    /* Apart, so it runs alone too (CK_RUN_CASE=timing, under callgrind). */
    TCase *tt = tcase_create("timing");
    tcase_set_timeout(tt, 60);
    tcase_add_test(tt, time_per_call);
    suite_add_tcase(s, tt);
    return s;
}
