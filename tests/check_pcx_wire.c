/* The typed peering messages (core/peering/pcx_wire.c, proto/peer.proto):
 * every field survives an encode/decode round trip, the JSON form reads
 * into the same value, and a decoder given bad bytes refuses them or drops
 * the bad field, never more. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pcx_doc.h"
#include "pcx_msgjson.h"
#include "pcx_wire.h"

static vs_cidr_t s_cidr(const char *text)
{
    vs_cidr_t c;
    ck_assert_int_eq(vs_cidr_parse(text, VS_CIDR_STRICT, &c), 0);
    return c;
}

static void s_record(vs_pcx_t *p)
{
    vs_pcx_vpc_t r, a;
    ck_assert_int_eq(vs_pcx_vpc_set(&r, "111111111111", "us-east-1", "vpc-0123456789abcdef0"), 0);
    ck_assert_int_eq(vs_pcx_vpc_set(&a, "222222222222", "eu-west-1", "vpc-0fedcba9876543210"), 0);
    vs_cidr_t c = s_cidr("10.1.0.0/16"), c6 = s_cidr("2600:1f18:1234:5600::/56");
    ck_assert_int_eq(vs_pcx_vpc_add_cidr(&r, &c), 0);
    ck_assert_int_eq(vs_pcx_vpc_add_cidr(&r, &c6), 0);
    c = s_cidr("10.2.0.0/16");
    ck_assert_int_eq(vs_pcx_vpc_add_cidr(&a, &c), 0);
    a.options.allow_dns_resolution_from_remote_vpc = true;
    char why[128];
    ck_assert_int_eq(vs_pcx_init(p, "pcx-0123456789abcdef0", &r, &a, 1700000000000ull, why,
                                 sizeof why), 0);
    vs_pcx_set_state(p, VS_PCX_DELETING, VS_PCX_SIDE_ACCEPTER, 1700000005000ull);
    p->version = (1ull << 60) + 7;     /* beyond JSON's exact range: typed is exact */
}

/* A message using every field. */
static void s_full(vs_pcx_msg_t *m)
{
    vs_pcx_msg_init(m, VS_PCX_MSG_OP_RESULT, "pcx-0123456789abcdef0");
    m->has_rec = true;
    s_record(&m->rec);
    m->ok = true;
    m->has_cidrs = true;
    m->cidrs.ipv4[m->cidrs.n_ipv4++] = s_cidr("10.3.0.0/24");
    m->cidrs.ipv4[m->cidrs.n_ipv4++] = s_cidr("192.168.0.0/28");
    m->cidrs.ipv6[m->cidrs.n_ipv6++] = s_cidr("2600:1f18::/56");
    m->cidrs_seq = 42;
    m->op_id = 0xfedcba9876543210ull;
    m->has_action = true;
    m->action = VS_PCX_ACT_MODIFY_ACCEPTER_OPTIONS;
    m->has_req_opts = true;
    m->req_opts.allow_egress_from_local_vpc_to_remote_classic_link = true;
    m->has_acc_opts = true;
    m->acc_opts.allow_egress_from_local_classic_link_to_remote_vpc = true;
    m->has_code = true;
    strcpy(m->code, "OperationNotPermitted");
    strcpy(m->message, "not now");
}

static void s_same(const vs_pcx_msg_t *a, const vs_pcx_msg_t *b)
{
    ck_assert_int_eq(a->type, b->type);
    ck_assert_str_eq(a->id, b->id);
    ck_assert_int_eq(a->has_rec, b->has_rec);
    if (a->has_rec) {
        /* Field by field through the record's document (the structs may
         * differ in padding and unused slots). */
        vs_json_t *da = vs_pcx_to_doc(&a->rec), *db = vs_pcx_to_doc(&b->rec);
        char *ta = vs_json_dump(da, 0), *tb = vs_json_dump(db, 0);
        ck_assert_str_eq(ta, tb);
        ck_assert_uint_eq(a->rec.version, b->rec.version);
        free(ta);
        free(tb);
        vs_json_free(&da);
        vs_json_free(&db);
    }
    ck_assert_int_eq(a->ok, b->ok);
    ck_assert_int_eq(a->has_cidrs, b->has_cidrs);
    ck_assert_uint_eq(a->cidrs.n_ipv4, b->cidrs.n_ipv4);
    ck_assert_uint_eq(a->cidrs.n_ipv6, b->cidrs.n_ipv6);
    for (size_t i = 0; i < a->cidrs.n_ipv4; i++)
        ck_assert(vs_cidr_equal(&a->cidrs.ipv4[i], &b->cidrs.ipv4[i]));
    for (size_t i = 0; i < a->cidrs.n_ipv6; i++)
        ck_assert(vs_cidr_equal(&a->cidrs.ipv6[i], &b->cidrs.ipv6[i]));
    ck_assert_uint_eq(a->cidrs_seq, b->cidrs_seq);
    ck_assert_uint_eq(a->op_id, b->op_id);
    ck_assert_int_eq(a->has_action, b->has_action);
    ck_assert_int_eq(a->action, b->action);
    ck_assert_int_eq(a->has_req_opts, b->has_req_opts);
    ck_assert(!memcmp(&a->req_opts, &b->req_opts, sizeof a->req_opts));
    ck_assert_int_eq(a->has_acc_opts, b->has_acc_opts);
    ck_assert(!memcmp(&a->acc_opts, &b->acc_opts, sizeof a->acc_opts));
    ck_assert_int_eq(a->has_code, b->has_code);
    ck_assert_str_eq(a->code, b->code);
    ck_assert_str_eq(a->message, b->message);
}

/* Encodes m into a fresh buffer (caller frees). */
static uint8_t *s_encode(const vs_pcx_msg_t *m, size_t *len)
{
    long n = vs_pcx_wire_encode(m, NULL, 0);
    ck_assert_int_gt(n, 0);
    uint8_t *buf = malloc((size_t)n);
    ck_assert_int_eq(vs_pcx_wire_encode(m, buf, (size_t)n), n);
    *len = (size_t)n;
    return buf;
}

START_TEST(round_trip_every_field)
{
    static vs_pcx_msg_t m, back;
    s_full(&m);
    size_t len;
    uint8_t *buf = s_encode(&m, &len);
    ck_assert(vs_pcx_wire_is_typed(buf, len));
    ck_assert_int_eq(vs_pcx_wire_decode(buf, len, &back, NULL, 0), 0);
    s_same(&m, &back);
    free(buf);
}
END_TEST

START_TEST(each_type_round_trips)
{
    static vs_pcx_msg_t m, back;
    for (int t = VS_PCX_MSG_REQUEST; t <= VS_PCX_MSG_GONE; t++) {
        vs_pcx_msg_init(&m, (vs_pcx_msg_type_t)t, "pcx-0123456789abcdef0");
        size_t len;
        uint8_t *buf = s_encode(&m, &len);
        ck_assert_int_eq(vs_pcx_wire_decode(buf, len, &back, NULL, 0), 0);
        s_same(&m, &back);
        vs_pcx_msg_type_t parsed;
        ck_assert_int_eq(vs_pcx_msg_type_parse(vs_pcx_msg_type_name(back.type), &parsed), 0);
        ck_assert_int_eq(parsed, t);
        free(buf);
    }
    vs_pcx_msg_init(&m, VS_PCX_MSG_UNKNOWN, NULL);
    ck_assert_int_eq(vs_pcx_wire_encode(&m, NULL, 0), -1);
}
END_TEST

START_TEST(json_form_reads_the_same)
{
    /* The JSON form an older agent sent reads into the typed value (the
     * version is kept below 2^53, the JSON document's exact range). */
    static vs_pcx_msg_t m, back;
    s_full(&m);
    m.rec.version = 12345;
    vs_json_t *j = vs_pcx_msgjson_write(&m);
    ck_assert_ptr_nonnull(j);
    ck_assert_int_eq(vs_pcx_msgjson_read(j, &back), 0);
    s_same(&m, &back);
    vs_json_free(&j);
    /* The rendering of the typed bytes is that same JSON. */
    size_t len;
    uint8_t *buf = s_encode(&m, &len);
    char *text = vs_pcx_msgjson_render(buf, len);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "\"T\":\"OpResult\""));
    ck_assert_ptr_nonnull(strstr(text, "\"Action\":\"ModifyAccepter\""));
    ck_assert_ptr_nonnull(strstr(text, "\"State\":\"deleting\""));
    free(text);
    free(buf);
}
END_TEST

START_TEST(garbage_is_refused)
{
    static vs_pcx_msg_t back;
    char why[128];
    const uint8_t junk[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    ck_assert_int_eq(vs_pcx_wire_decode(junk, sizeof junk, &back, why, sizeof why), -1);
    const uint8_t unknown_type[] = { 0x08, 0x63 };
    ck_assert_int_eq(vs_pcx_wire_decode(unknown_type, sizeof unknown_type, &back, why,
                                        sizeof why), -1);
    ck_assert_int_eq(vs_pcx_wire_decode((const uint8_t *)"{}", 2, &back, why, sizeof why), -1);
    ck_assert_int_eq(vs_pcx_wire_decode(NULL, 0, &back, why, sizeof why), -1);
    /* Every truncation of a real message is refused or decodes; never more. */
    static vs_pcx_msg_t m;
    s_full(&m);
    size_t len;
    uint8_t *buf = s_encode(&m, &len);
    for (size_t n = 0; n < len; n++)
        (void)vs_pcx_wire_decode(buf, n, &back, why, sizeof why);
    free(buf);
}
END_TEST

START_TEST(bad_fields_are_dropped)
{
    /* A record that fails its checks, or a CIDR with host bits set, is
     * absent after decoding: the receiver treats it as not sent. */
    static vs_pcx_msg_t m, back;
    s_full(&m);
    strcpy(m.rec.requester.account, "12");          /* not 12 digits */
    m.cidrs.ipv4[0].addr.bytes[3] = 1;              /* 10.3.0.1/24: host bits */
    size_t len;
    uint8_t *buf = s_encode(&m, &len);
    ck_assert_int_eq(vs_pcx_wire_decode(buf, len, &back, NULL, 0), 0);
    ck_assert(!back.has_rec);
    ck_assert(!back.has_cidrs);
    ck_assert_uint_eq(back.cidrs.n_ipv4, 0);
    ck_assert_uint_eq(back.op_id, m.op_id);          /* the rest is kept */
    free(buf);
    /* A duplicate block drops the list too. */
    s_full(&m);
    m.cidrs.ipv4[1] = m.cidrs.ipv4[0];
    buf = s_encode(&m, &len);
    ck_assert_int_eq(vs_pcx_wire_decode(buf, len, &back, NULL, 0), 0);
    ck_assert(!back.has_cidrs);
    ck_assert(back.has_rec);
    free(buf);
}
END_TEST

START_TEST(peek_finds_type_and_id)
{
    static vs_pcx_msg_t m;
    s_full(&m);
    size_t len;
    uint8_t *buf = s_encode(&m, &len);
    vs_pcx_msg_type_t t = VS_PCX_MSG_UNKNOWN;
    char id[VS_ID_LEN];
    ck_assert_int_eq(vs_pcx_wire_peek(buf, len, &t, id, sizeof id), 0);
    ck_assert_int_eq(t, VS_PCX_MSG_OP_RESULT);
    ck_assert_str_eq(id, "pcx-0123456789abcdef0");
    /* An id that does not fit is left out, the type is still found. */
    char small[8];
    ck_assert_int_eq(vs_pcx_wire_peek(buf, len, &t, small, sizeof small), 0);
    ck_assert_str_eq(small, "");
    /* Cut inside the id: refused, never read past the end. */
    ck_assert_int_eq(vs_pcx_wire_peek(buf, 5, &t, id, sizeof id), -1);
    for (size_t n = 0; n < len; n++)
        (void)vs_pcx_wire_peek(buf, n, &t, id, sizeof id);
    free(buf);
    const uint8_t unknown_type[] = { 0x08, 0x08 };   /* one past the last type (Gone) */
    ck_assert_int_eq(vs_pcx_wire_peek(unknown_type, 2, &t, id, sizeof id), -1);
    ck_assert_int_eq(vs_pcx_wire_peek((const uint8_t *)"{\"T\":1}", 7, &t, id, sizeof id), -1);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("pcx_wire");
    TCase *tc = tcase_create("codec");
    tcase_add_test(tc, round_trip_every_field);
    tcase_add_test(tc, each_type_round_trips);
    tcase_add_test(tc, json_form_reads_the_same);
    tcase_add_test(tc, garbage_is_refused);
    tcase_add_test(tc, bad_fields_are_dropped);
    tcase_add_test(tc, peek_finds_type_and_id);
    suite_add_tcase(s, tc);
    return s;
}
