/* The typed SgDir snapshot (core/network/sg_wire.c, proto/peer.proto
 * SgDirMessage): every field survives an encode/decode round trip, the JSON
 * form reads into the same value, the first byte tells it from a
 * PcxMessage and from JSON, and a decoder given bad bytes or fields out of
 * bounds refuses the whole message. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "model_internal.h"
#include "pcx_wire.h"
#include "peer.pb-c.h"
#include "sg_wire.h"

#define PCX "pcx-0123456789abcdef0"
#define VPC "vpc-0fedcba9876543210"

static void s_msg(vs_sgdir_msg_t *m, size_t ngroups)
{
    memset(m, 0, sizeof *m);
    strcpy(m->pcx_id, PCX);
    strcpy(m->vpc_id, VPC);
    m->ver = 1700000000123ull;
    for (size_t i = 0; i < ngroups; i++) {
        vs_sgdir_group_t g = { .present = true };
        snprintf(g.id, sizeof g.id, "sg-%017zx", i + 1);
        snprintf(g.name, sizeof g.name, "group \"%zu\"\n", i);
        ck_assert_int_eq(VS_APPEND(m->groups, m->ngroups, &g), 0);
    }
    char ref[VS_ID_LEN] = "sg-0aaaaaaaaaaaaaaaa";
    ck_assert_int_eq(VS_APPEND(m->refs, m->nrefs, &ref), 0);
}

static uint8_t *s_encode(const vs_sgdir_msg_t *m, size_t *len)
{
    long n = vs_sgdir_wire_encode(m, NULL, 0);
    ck_assert_int_gt(n, 0);
    uint8_t *buf = malloc((size_t)n);
    ck_assert_int_eq(vs_sgdir_wire_encode(m, buf, (size_t)n), n);
    *len = (size_t)n;
    return buf;
}

static void s_same(const vs_sgdir_msg_t *a, const vs_sgdir_msg_t *b)
{
    ck_assert_str_eq(a->pcx_id, b->pcx_id);
    ck_assert_str_eq(a->vpc_id, b->vpc_id);
    ck_assert_uint_eq(a->ver, b->ver);
    ck_assert_uint_eq(a->ngroups, b->ngroups);
    for (size_t i = 0; i < a->ngroups; i++) {
        ck_assert_str_eq(a->groups[i].id, b->groups[i].id);
        ck_assert_str_eq(a->groups[i].name, b->groups[i].name);
        ck_assert(b->groups[i].present);
    }
    ck_assert_uint_eq(a->nrefs, b->nrefs);
    for (size_t i = 0; i < a->nrefs; i++)
        ck_assert_str_eq(a->refs[i], b->refs[i]);
}

START_TEST(round_trip)
{
    vs_sgdir_msg_t m, back;
    s_msg(&m, 3);
    size_t len;
    uint8_t *buf = s_encode(&m, &len);
    /* Unambiguous first byte: ours, not a PcxMessage, not JSON. */
    ck_assert(vs_sgdir_wire_is_typed(buf, len));
    ck_assert(!vs_pcx_wire_is_typed(buf, len));
    ck_assert_int_eq(buf[0], 0x10);
    ck_assert_int_eq(vs_sgdir_wire_decode(buf, len, &back), 0);
    s_same(&m, &back);
    vs_sgdir_msg_clear(&back);
    /* A PcxMessage is not ours. */
    vs_pcx_msg_t *pm = calloc(1, sizeof *pm);
    vs_pcx_msg_init(pm, VS_PCX_MSG_GONE, PCX);
    uint8_t pbuf[256];
    long pn = vs_pcx_wire_encode(pm, pbuf, sizeof pbuf);
    ck_assert_int_gt(pn, 0);
    ck_assert(!vs_sgdir_wire_is_typed(pbuf, (size_t)pn));
    ck_assert_int_eq(vs_sgdir_wire_decode(pbuf, (size_t)pn, &back), -1);
    vs_sgdir_msg_clear(&back);
    free(pm);
    /* No groups, no refs: still a message. */
    vs_sgdir_msg_t empty;
    s_msg(&empty, 0);
    free(empty.refs);
    empty.refs = NULL;
    empty.nrefs = 0;
    empty.ver = 0;
    free(buf);
    buf = s_encode(&empty, &len);
    ck_assert_int_eq(vs_sgdir_wire_decode(buf, len, &back), 0);
    s_same(&empty, &back);
    vs_sgdir_msg_clear(&back);
    vs_sgdir_msg_clear(&empty);
    vs_sgdir_msg_clear(&m);
    free(buf);
}
END_TEST

START_TEST(json_form_reads_the_same)
{
    vs_sgdir_msg_t m, back;
    s_msg(&m, 2);
    vs_json_t *j = vs_sgdir_msgjson_write(&m);
    ck_assert_str_eq(vs_json_get_str(j, "T"), "SgDir");
    ck_assert_int_eq(vs_sgdir_msgjson_read(j, &back), 0);
    s_same(&m, &back);
    vs_sgdir_msg_clear(&back);
    /* The capture's text is that JSON form, on one line. */
    size_t len;
    uint8_t *buf = s_encode(&m, &len);
    char *text = vs_sgdir_msgjson_render(buf, len);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_null(strchr(text, '\n'));
    vs_json_t *r = vs_json_parse(text, strlen(text), NULL, 0);
    ck_assert_int_eq(vs_sgdir_msgjson_read(r, &back), 0);
    s_same(&m, &back);
    vs_sgdir_msg_clear(&back);
    ck_assert_ptr_null(vs_sgdir_msgjson_render((const uint8_t *)"{}", 2));
    /* JSON refusals, as before: bad Ver, bad IDs, not a list, other T. */
    static const char *const bad[] = {
        "{\"T\":\"SgDir\",\"Pcx\":\"" PCX "\",\"Vpc\":\"" VPC "\",\"Ver\":-1,\"Groups\":[],\"Refs\":[]}",
        "{\"T\":\"SgDir\",\"Pcx\":\"pcx-zz\",\"Vpc\":\"" VPC "\",\"Ver\":1,\"Groups\":[],\"Refs\":[]}",
        "{\"T\":\"SgDir\",\"Pcx\":\"" PCX "\",\"Ver\":1,\"Groups\":[],\"Refs\":[]}",
        "{\"T\":\"SgDir\",\"Pcx\":\"" PCX "\",\"Vpc\":\"" VPC "\",\"Ver\":1,\"Groups\":{},\"Refs\":[]}",
        "{\"T\":\"SgDir\",\"Pcx\":\"" PCX "\",\"Vpc\":\"" VPC "\",\"Ver\":1,"
        "\"Groups\":[{\"Id\":\"vpc-0123\",\"Name\":\"x\"}],\"Refs\":[]}",
        "{\"T\":\"SgDir\",\"Pcx\":\"" PCX "\",\"Vpc\":\"" VPC "\",\"Ver\":1,\"Groups\":[],"
        "\"Refs\":[\"sg-\"]}",
        "{\"T\":\"Probe\",\"Pcx\":\"" PCX "\",\"Vpc\":\"" VPC "\",\"Ver\":1,\"Groups\":[],\"Refs\":[]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vs_json_t *b = vs_json_parse(bad[i], strlen(bad[i]), NULL, 0);
        ck_assert_ptr_nonnull(b);
        ck_assert_msg(vs_sgdir_msgjson_read(b, &back) == -1, "accepted %s", bad[i]);
        vs_sgdir_msg_clear(&back);
        vs_json_free(&b);
    }
    vs_json_free(&r);
    free(text);
    free(buf);
    vs_json_free(&j);
    vs_sgdir_msg_clear(&m);
}
END_TEST

/* Packs w (a raw SgDirMessage, to forge what our encoder never writes). */
static uint8_t *s_pack(const Vpcsim__Peer__SgDirMessage *w, size_t *len)
{
    *len = vpcsim__peer__sg_dir_message__get_packed_size(w);
    uint8_t *buf = malloc(*len + 1);
    vpcsim__peer__sg_dir_message__pack(w, buf);
    return buf;
}

static int s_decode_raw(const Vpcsim__Peer__SgDirMessage *w)
{
    size_t len;
    uint8_t *buf = s_pack(w, &len);
    vs_sgdir_msg_t out;
    int rc = vs_sgdir_wire_decode(buf, len, &out);
    vs_sgdir_msg_clear(&out);
    free(buf);
    return rc;
}

START_TEST(bad_fields_are_refused)
{
    Vpcsim__Peer__SgDirGroup g = VPCSIM__PEER__SG_DIR_GROUP__INIT;
    Vpcsim__Peer__SgDirGroup *gp[1] = { &g };
    char *refs[1] = { "sg-0aaaaaaaaaaaaaaaa" };
    Vpcsim__Peer__SgDirMessage w = VPCSIM__PEER__SG_DIR_MESSAGE__INIT;
    w.type = VPCSIM__PEER__SG_DIR_MSG_TYPE__SGDIR_MSG_SNAPSHOT;
    w.pcx = PCX;
    w.vpc = VPC;
    w.ver = 5;
    g.id = "sg-0123456789abcdef0";
    g.name = "web";
    w.n_groups = 1;
    w.groups = gp;
    w.n_refs = 1;
    w.refs = refs;
    ck_assert_int_eq(s_decode_raw(&w), 0);
    /* Each of these alone makes the message refused. */
    w.ver = (uint64_t)INT64_MAX + 1;
    ck_assert_int_eq(s_decode_raw(&w), -1);
    w.ver = 5;
    w.pcx = "pcx-not-hex";
    ck_assert_int_eq(s_decode_raw(&w), -1);
    w.pcx = "";
    ck_assert_int_eq(s_decode_raw(&w), -1);
    w.pcx = PCX;
    w.vpc = "sg-0123456789abcdef0";
    ck_assert_int_eq(s_decode_raw(&w), -1);
    w.vpc = VPC;
    g.id = "sg-0123456789abcdef0123456789abcdef0123456789abcdef";
    ck_assert_int_eq(s_decode_raw(&w), -1);
    g.id = "sg-0123456789abcdef0";
    char longname[VS_SG_NAME_LEN + 1];
    memset(longname, 'n', VS_SG_NAME_LEN);
    longname[VS_SG_NAME_LEN] = 0;
    g.name = longname;
    ck_assert_int_eq(s_decode_raw(&w), -1);
    longname[VS_SG_NAME_LEN - 1] = 0;          /* 255 characters: fine */
    ck_assert_int_eq(s_decode_raw(&w), 0);
    g.name = "web";
    refs[0] = "vpc-0123456789abcdef0";
    ck_assert_int_eq(s_decode_raw(&w), -1);
    refs[0] = "sg-0aaaaaaaaaaaaaaaa";
    w.type = 2;                                /* a type this release does not know */
    ck_assert_int_eq(s_decode_raw(&w), -1);
    w.type = VPCSIM__PEER__SG_DIR_MSG_TYPE__SGDIR_MSG_SNAPSHOT;
    /* Over the count bound, though each entry is fine. */
    size_t n = VS_SGDIR_MAX_GROUPS + 1;
    char **many = calloc(n, sizeof *many);
    for (size_t i = 0; i < n; i++)
        many[i] = "sg-0aaaaaaaaaaaaaaaa";
    w.n_refs = n;
    w.refs = many;
    ck_assert_int_eq(s_decode_raw(&w), -1);
    w.n_refs = VS_SGDIR_MAX_GROUPS;
    ck_assert_int_eq(s_decode_raw(&w), 0);
    free(many);
}
END_TEST

START_TEST(garbage_is_refused)
{
    vs_sgdir_msg_t out;
    static const uint8_t cut[] = { 0x10, 0x01, 0x1a, 0x40, 'p' };   /* a string cut short */
    ck_assert_int_eq(vs_sgdir_wire_decode(cut, sizeof cut, &out), -1);
    vs_sgdir_msg_clear(&out);
    static const uint8_t only_type[] = { 0x10, 0x01 };              /* no pcx, no vpc */
    ck_assert_int_eq(vs_sgdir_wire_decode(only_type, sizeof only_type, &out), -1);
    vs_sgdir_msg_clear(&out);
    ck_assert_int_eq(vs_sgdir_wire_decode(NULL, 0, &out), -1);
    ck_assert_int_eq(vs_sgdir_wire_decode((const uint8_t *)"{\"T\":\"SgDir\"}", 13, &out), -1);
    /* Oversize: refused before unpacking. */
    size_t big = VS_SGDIR_WIRE_MAX_LEN + 1;
    uint8_t *huge = calloc(1, big);
    huge[0] = 0x10;
    ck_assert_int_eq(vs_sgdir_wire_decode(huge, big, &out), -1);
    vs_sgdir_msg_clear(&out);
    free(huge);
    /* Random bytes after the leading tag: refused or decoded, never a crash. */
    uint8_t buf[64];
    uint32_t x = 12345;
    for (int k = 0; k < 2000; k++) {
        buf[0] = 0x10;
        for (size_t i = 1; i < sizeof buf; i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = (uint8_t)(x >> 16);
        }
        (void)vs_sgdir_wire_decode(buf, 1 + (size_t)(x % (sizeof buf - 1)), &out);
        vs_sgdir_msg_clear(&out);
    }
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("sg_wire");
    TCase *tc = tcase_create("codec");
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, json_form_reads_the_same);
    tcase_add_test(tc, bad_fields_are_refused);
    tcase_add_test(tc, garbage_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
