/* The typed Reachability Analyzer messages (core/reach/reach_wire.c,
 * proto/peer.proto ReachMessage): every field survives an encode/decode
 * round trip, the JSON form reads into the same value, the first byte
 * tells it from the other modules' messages and from JSON, a decoder
 * refuses a message with any one field out of bounds, and an agent still
 * takes the older JSON form, clear or sealed, and the typed form sealed. */
#include <check.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "model.h"
#include "pcx_wire.h"
#include "peer.pb-c.h"
#include "reach_wire.h"
#include "service.h"
#include "sg_wire.h"

#define NIA "nia-0123456789abcdef0"

static void s_probe(vs_reach_msg_t *m, int family)
{
    memset(m, 0, sizeof *m);
    m->type = VS_REACH_MSG_PROBE;
    strcpy(m->id, NIA);
    vs_reach_probe_t *p = &m->probe;
    p->pkt.proto = 17;
    p->pkt.port = 53;
    ck_assert_int_eq(vs_ip_parse(family == 4 ? "10.1.1.12" : "2600:1f18::12", &p->pkt.src), 0);
    ck_assert_int_eq(vs_ip_parse(family == 4 ? "10.2.1.234" : "2600:1f19::34", &p->pkt.dst), 0);
    strcpy(p->src_account, "111111111111");
    strcpy(p->src_vpc, "vpc-0fedcba9876543210");
    strcpy(p->src_sgs[0], "sg-0aaaaaaaaaaaaaaaa");
    strcpy(p->src_sgs[1], "sg-0bbbbbbbbbbbbbbbb");
    p->nsrc_sgs = 2;
    strcpy(p->dst_vpc, "vpc-00123456789abcdef");
    strcpy(p->pcx_id, "pcx-0123456789abcdef0");
    strcpy(p->want_eni, "");
}

static vs_json_t *s_list(const char *text)
{
    vs_json_t *j = vs_json_parse(text, strlen(text), NULL, 0);
    ck_assert_ptr_nonnull(j);
    return j;
}

static void s_result(vs_reach_msg_t *m)
{
    memset(m, 0, sizeof *m);
    m->type = VS_REACH_MSG_RESULT;
    strcpy(m->id, NIA);
    m->part.ok = false;
    m->part.fwd = s_list("[{\"Component\":{\"Id\":\"sg-0aaaaaaaaaaaaaaaa\"}},{\"Vpc\":{}}]");
    m->part.ret = s_list("[]");
    m->part.expl = s_list("[{\"ExplanationCode\":\"ENI_SG_RULES_MISMATCH\"}]");
    strcpy(m->part.warning, "a \"warning\"\n");
}

static uint8_t *s_encode(const vs_reach_msg_t *m, size_t *len)
{
    long n = vs_reach_wire_encode(m, NULL, 0);
    ck_assert_int_gt(n, 0);
    uint8_t *buf = malloc((size_t)n);
    ck_assert_int_eq(vs_reach_wire_encode(m, buf, (size_t)n), n);
    *len = (size_t)n;
    return buf;
}

static char *s_dump(const vs_json_t *j)
{
    return j ? vs_json_dump(j, 0) : strdup("null");
}

static void s_same_json(const vs_json_t *a, const vs_json_t *b)
{
    char *x = s_dump(a), *y = s_dump(b);
    ck_assert_str_eq(x, y);
    free(x);
    free(y);
}

static void s_same(const vs_reach_msg_t *a, const vs_reach_msg_t *b)
{
    ck_assert_int_eq(a->type, b->type);
    ck_assert_str_eq(a->id, b->id);
    if (a->type == VS_REACH_MSG_PROBE) {
        const vs_reach_probe_t *p = &a->probe, *q = &b->probe;
        ck_assert_int_eq(p->pkt.proto, q->pkt.proto);
        ck_assert_int_eq(p->pkt.port, q->pkt.port);
        ck_assert_mem_eq(&p->pkt.src, &q->pkt.src, sizeof p->pkt.src);
        ck_assert_mem_eq(&p->pkt.dst, &q->pkt.dst, sizeof p->pkt.dst);
        ck_assert_str_eq(p->src_account, q->src_account);
        ck_assert_str_eq(p->src_vpc, q->src_vpc);
        ck_assert_uint_eq(p->nsrc_sgs, q->nsrc_sgs);
        for (size_t i = 0; i < p->nsrc_sgs; i++)
            ck_assert_str_eq(p->src_sgs[i], q->src_sgs[i]);
        ck_assert_str_eq(p->dst_vpc, q->dst_vpc);
        ck_assert_str_eq(p->pcx_id, q->pcx_id);
        ck_assert_str_eq(p->want_eni, q->want_eni);
    } else if (a->type == VS_REACH_MSG_RESULT) {
        ck_assert_int_eq(a->part.ok, b->part.ok);
        s_same_json(a->part.fwd, b->part.fwd);
        s_same_json(a->part.ret, b->part.ret);
        s_same_json(a->part.expl, b->part.expl);
        ck_assert_str_eq(a->part.warning, b->part.warning);
    } else {
        ck_assert_mem_eq(a->pk, b->pk, VS_SEAL_KEY_LEN);
        if (a->type == VS_REACH_MSG_KEY) {
            ck_assert_int_eq(a->reply, b->reply);
        } else {
            ck_assert_mem_eq(a->nonce, b->nonce, VS_SEAL_NONCE_LEN);
            ck_assert_uint_eq(a->ctlen, b->ctlen);
            ck_assert_mem_eq(a->ct, b->ct, a->ctlen);
        }
    }
}

/* Every kind of message, in turn (k = 0..4). */
static void s_any(vs_reach_msg_t *m, int k)
{
    if (k == 0 || k == 1) {
        s_probe(m, k == 0 ? 4 : 6);
        return;
    }
    if (k == 2) {
        s_result(m);
        return;
    }
    memset(m, 0, sizeof *m);
    m->type = k == 3 ? VS_REACH_MSG_KEY : VS_REACH_MSG_SEALED;
    for (int i = 0; i < VS_SEAL_KEY_LEN; i++)
        m->pk[i] = (uint8_t)(i * 7 + 1);
    m->reply = true;
    if (k == 4) {
        for (int i = 0; i < VS_SEAL_NONCE_LEN; i++)
            m->nonce[i] = (uint8_t)(255 - i);
        m->ctlen = 100;
        m->ct = malloc(m->ctlen);
        for (size_t i = 0; i < m->ctlen; i++)
            m->ct[i] = (uint8_t)i;
    }
}

START_TEST(round_trip)
{
    for (int k = 0; k < 5; k++) {
        vs_reach_msg_t m, back;
        s_any(&m, k);
        size_t len;
        uint8_t *buf = s_encode(&m, &len);
        /* Unambiguous first byte: ours, no other module's, not JSON. */
        ck_assert_int_eq(buf[0], 0x18);
        ck_assert(vs_reach_wire_is_typed(buf, len));
        ck_assert(!vs_pcx_wire_is_typed(buf, len));
        ck_assert(!vs_sgdir_wire_is_typed(buf, len));
        ck_assert_int_eq(vs_reach_wire_decode(buf, len, &back), 0);
        s_same(&m, &back);
        vs_reach_msg_type_t t;
        char id[VS_ID_LEN];
        ck_assert_int_eq(vs_reach_wire_peek(buf, len, &t, id, sizeof id), 0);
        ck_assert_int_eq(t, m.type);
        ck_assert_str_eq(id, m.id);
        vs_reach_msg_clear(&back);
        vs_reach_msg_clear(&m);
        free(buf);
    }
    /* Port "any" (-1) and an interface named. */
    vs_reach_msg_t m, back;
    s_probe(&m, 4);
    m.probe.pkt.port = -1;
    strcpy(m.probe.want_eni, "eni-0123456789abcdef0");
    m.probe.nsrc_sgs = 0;
    size_t len;
    uint8_t *buf = s_encode(&m, &len);
    ck_assert_int_eq(vs_reach_wire_decode(buf, len, &back), 0);
    s_same(&m, &back);
    vs_reach_msg_clear(&back);
    free(buf);
    /* Other modules' messages and JSON are not ours. */
    ck_assert_int_eq(vs_reach_wire_decode((const uint8_t *)"{\"T\":\"Probe\"}", 13, &back), -1);
    static const uint8_t pcx[] = { 0x08, 0x07 }, sg[] = { 0x10, 0x01 };
    ck_assert_int_eq(vs_reach_wire_decode(pcx, sizeof pcx, &back), -1);
    ck_assert_int_eq(vs_reach_wire_decode(sg, sizeof sg, &back), -1);
}
END_TEST

START_TEST(json_form_reads_the_same)
{
    for (int k = 0; k < 5; k++) {
        vs_reach_msg_t m, back;
        s_any(&m, k);
        vs_json_t *j = vs_reach_msgjson_write(&m);
        ck_assert_str_eq(vs_json_get_str(j, "T"), vs_reach_msg_type_name(m.type));
        ck_assert_int_eq(vs_reach_msgjson_read(j, &back), 1);
        s_same(&m, &back);
        vs_reach_msg_clear(&back);
        vs_json_free(&j);
        /* The capture's text is that JSON form, on one line. */
        size_t len;
        uint8_t *buf = s_encode(&m, &len);
        char *text = vs_reach_msgjson_render(buf, len);
        ck_assert_ptr_nonnull(text);
        ck_assert_ptr_null(strchr(text, '\n'));
        vs_json_t *r = vs_json_parse(text, strlen(text), NULL, 0);
        ck_assert_int_eq(vs_reach_msgjson_read(r, &back), 1);
        s_same(&m, &back);
        vs_reach_msg_clear(&back);
        vs_json_free(&r);
        free(text);
        free(buf);
        vs_reach_msg_clear(&m);
    }
    /* Another module's T is not ours; a malformed one of ours is refused. */
    vs_reach_msg_t back;
    vs_json_t *j = vs_json_parse("{\"T\":\"SgDir\"}", 13, NULL, 0);
    ck_assert_int_eq(vs_reach_msgjson_read(j, &back), 0);
    vs_json_free(&j);
    static const char *const bad[] = {
        "{\"T\":\"ReachKey\",\"Pk\":\"00\",\"Reply\":false}",
        "{\"T\":\"Probe\",\"Id\":\"" NIA "\",\"Proto\":6,\"Port\":70000,\"Src\":\"10.0.0.1\","
        "\"Dst\":\"10.0.0.2\",\"SrcAccount\":\"1\",\"SrcVpc\":\"v\",\"SrcSgs\":[],\"DstVpc\":\"v\","
        "\"Pcx\":\"\",\"Eni\":\"\"}",
        "{\"T\":\"ProbeResult\",\"Id\":\"" NIA "\",\"Ok\":true,\"Forward\":[1],\"Return\":[],"
        "\"Explanations\":[]}",
        "{\"T\":\"ProbeResult\",\"Id\":\"vpc-0123456789abcdef0\",\"Ok\":true,\"Forward\":[],"
        "\"Return\":[],\"Explanations\":[]}",
        "{\"T\":\"Sealed\",\"Pk\":\"" "0000000000000000000000000000000000000000000000000000000000000000"
        "\",\"N\":\"00\",\"C\":\"AAAAAAAAAAAAAAAAAAAAAA==\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        j = vs_json_parse(bad[i], strlen(bad[i]), NULL, 0);
        ck_assert_ptr_nonnull(j);
        ck_assert_msg(vs_reach_msgjson_read(j, &back) == -1, "accepted %s", bad[i]);
        vs_reach_msg_clear(&back);
        vs_json_free(&j);
    }
}
END_TEST

/* --- refusals: one bad field at a time ------------------------------------------- */

/* Room past the 4 bytes used: a refusal case claims 5 (ASan would see the
 * packer read past a 4-byte array). */
static uint8_t g_src[16] = { 10, 1, 1, 12 }, g_dst[16] = { 10, 2, 1, 234 };
static uint8_t g_key[32], g_nonce[24], g_ct[64];
static char *g_sgs[6] = { "sg-0aaaaaaaaaaaaaaaa", "sg-0bbbbbbbbbbbbbbbb", "sg-0c", "sg-0d", "sg-0e",
                          "sg-0f" };

static void s_wprobe(Vpcsim__Peer__ReachMessage *w, Vpcsim__Peer__ReachProbe *p)
{
    vpcsim__peer__reach_message__init(w);
    vpcsim__peer__reach_probe__init(p);
    w->type = VPCSIM__PEER__REACH_MSG_TYPE__REACH_MSG_PROBE;
    w->id = NIA;
    p->proto = 6;
    p->port = 22;
    p->src = (ProtobufCBinaryData){ 4, g_src };
    p->dst = (ProtobufCBinaryData){ 4, g_dst };
    p->src_account = "111111111111";
    p->src_vpc = "vpc-0fedcba9876543210";
    p->n_src_sgs = 1;
    p->src_sgs = g_sgs;
    p->dst_vpc = "vpc-00123456789abcdef";
    p->pcx = "pcx-0123456789abcdef0";
    p->eni = "";
    w->probe = p;
}

static void s_wpart(Vpcsim__Peer__ReachMessage *w, Vpcsim__Peer__ReachPart *p)
{
    vpcsim__peer__reach_message__init(w);
    vpcsim__peer__reach_part__init(p);
    w->type = VPCSIM__PEER__REACH_MSG_TYPE__REACH_MSG_PROBE_RESULT;
    w->id = NIA;
    p->ok = true;
    p->forward = "[{\"Vpc\":{}}]";
    p->return_path = "[]";
    p->explanations = "[]";
    p->warning = "";
    w->part = p;
}

static void s_wsealed(Vpcsim__Peer__ReachMessage *w)
{
    vpcsim__peer__reach_message__init(w);
    w->type = VPCSIM__PEER__REACH_MSG_TYPE__REACH_MSG_SEALED;
    w->pk = (ProtobufCBinaryData){ 32, g_key };
    w->nonce = (ProtobufCBinaryData){ 24, g_nonce };
    w->ciphertext = (ProtobufCBinaryData){ sizeof g_ct, g_ct };
}

static int s_decode_w(const Vpcsim__Peer__ReachMessage *w)
{
    size_t n = vpcsim__peer__reach_message__get_packed_size(w);
    uint8_t *buf = malloc(n);
    vpcsim__peer__reach_message__pack(w, buf);
    vs_reach_msg_t m;
    int rc = vs_reach_wire_decode(buf, n, &m);
    vs_reach_msg_clear(&m);
    free(buf);
    return rc;
}

START_TEST(refusals)
{
    Vpcsim__Peer__ReachMessage w;
    Vpcsim__Peer__ReachProbe p;
    Vpcsim__Peer__ReachPart r;
    char long_id[VS_ID_LEN + 8];
    memset(long_id, 'a', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    uint8_t v6[16] = { 0x26 };
    /* The unaltered messages pass, so each refusal below is its field's. */
    s_wprobe(&w, &p);
    ck_assert_int_eq(s_decode_w(&w), 0);
    s_wpart(&w, &r);
    ck_assert_int_eq(s_decode_w(&w), 0);
    s_wsealed(&w);
    ck_assert_int_eq(s_decode_w(&w), 0);

#define PROBE_BAD(stmt)                                                                       \
    do {                                                                                      \
        s_wprobe(&w, &p);                                                                     \
        stmt;                                                                                 \
        ck_assert_msg(s_decode_w(&w) == -1, "accepted a probe with %s", #stmt);               \
    } while (0)
    PROBE_BAD(w.id = "vpc-0123456789abcdef0");
    PROBE_BAD(w.id = long_id);
    PROBE_BAD(w.id = "");
    PROBE_BAD(w.probe = NULL);
    PROBE_BAD(p.proto = 1);
    PROBE_BAD(p.port = -2);
    PROBE_BAD(p.port = 65536);
    PROBE_BAD(p.src.len = 5);
    PROBE_BAD(p.dst.len = 0);
    PROBE_BAD((p.dst = (ProtobufCBinaryData){ 16, v6 }));   /* two families */
    PROBE_BAD(p.src_account = "");
    PROBE_BAD(p.src_account = long_id);
    PROBE_BAD(p.src_vpc = "");
    PROBE_BAD(p.dst_vpc = long_id);
    PROBE_BAD(p.pcx = long_id);
    PROBE_BAD(p.eni = long_id);
    PROBE_BAD(p.n_src_sgs = VS_INSTANCE_MAX_SGS + 1);
    PROBE_BAD((g_sgs[5] = "", p.n_src_sgs = 1, p.src_sgs = &g_sgs[5]));
    PROBE_BAD((g_sgs[5] = long_id, p.n_src_sgs = 1, p.src_sgs = &g_sgs[5]));

#define PART_BAD(stmt)                                                                        \
    do {                                                                                      \
        s_wpart(&w, &r);                                                                      \
        stmt;                                                                                 \
        ck_assert_msg(s_decode_w(&w) == -1, "accepted a result with %s", #stmt);              \
    } while (0)
    PART_BAD(w.id = "nia-");
    PART_BAD(w.part = NULL);
    PART_BAD(r.forward = "[{\"Vpc\":");
    PART_BAD(r.forward = "{}");
    PART_BAD(r.return_path = "[1]");
    PART_BAD(r.explanations = "");
    char warn[400];
    memset(warn, 'w', sizeof warn - 1);
    warn[sizeof warn - 1] = '\0';
    PART_BAD(r.warning = warn);
    /* Over-count: 65 components, where the JSON form takes at most 64. */
    char *many = malloc(65 * 3 + 2), *q = many;
    *q++ = '[';
    for (int i = 0; i < 65; i++)
        q += sprintf(q, "%s{}", i ? "," : "");
    strcpy(q, "]");
    PART_BAD(r.forward = many);
    many[strlen(many) - 4] = ']';   /* 64: taken */
    many[strlen(many) - 3] = '\0';
    s_wpart(&w, &r);
    r.forward = many;
    ck_assert_int_eq(s_decode_w(&w), 0);
    free(many);

    s_wsealed(&w);
    w.pk.len = 31;
    ck_assert_int_eq(s_decode_w(&w), -1);
    s_wsealed(&w);
    w.nonce.len = 23;
    ck_assert_int_eq(s_decode_w(&w), -1);
    s_wsealed(&w);
    w.ciphertext.len = VS_SEAL_TAG_LEN - 1;
    ck_assert_int_eq(s_decode_w(&w), -1);
    vpcsim__peer__reach_message__init(&w);
    w.type = VPCSIM__PEER__REACH_MSG_TYPE__REACH_MSG_KEY;
    w.pk = (ProtobufCBinaryData){ 33, g_ct };
    ck_assert_int_eq(s_decode_w(&w), -1);
    w.pk.len = 32;
    ck_assert_int_eq(s_decode_w(&w), 0);
    w.type = 9;                                     /* a type this release does not know */
    ck_assert_int_eq(s_decode_w(&w), -1);

    /* Bytes that are not a message: cut short, only a type, too large. */
    vs_reach_msg_t m;
    static const uint8_t cut[] = { 0x18, 0x01, 0x22, 0x40, 'n' };
    ck_assert_int_eq(vs_reach_wire_decode(cut, sizeof cut, &m), -1);
    static const uint8_t only_type[] = { 0x18, 0x01 };
    ck_assert_int_eq(vs_reach_wire_decode(only_type, sizeof only_type, &m), -1);
    size_t big = VS_REACH_WIRE_MAX_LEN + 1;
    uint8_t *huge = calloc(1, big);
    huge[0] = 0x18;
    ck_assert_int_eq(vs_reach_wire_decode(huge, big, &m), -1);
    free(huge);
    /* Oversize on the way out: a result that could not be sealed. */
    vs_reach_msg_t res;
    s_result(&res);
    vs_json_t *blob = vs_json_object();
    char *pad = malloc(VS_SEAL_MAX_PLAIN + 1);
    memset(pad, 'x', VS_SEAL_MAX_PLAIN);
    pad[VS_SEAL_MAX_PLAIN] = '\0';
    vs_json_set_str(blob, "Pad", pad);
    free(pad);
    vs_json_push(res.part.fwd, blob);
    ck_assert_int_eq(vs_reach_wire_encode(&res, NULL, 0), -1);
    vs_reach_msg_clear(&res);
}
END_TEST

/* --- an agent's model: both forms, clear and sealed ----------------------------- */

#define ME_ACCT "222222222222"
#define ME_REG  "us-east-1"
#define PEER_ACCT "111111111111"
#define PEER_REG  "eu-west-1"

static uint8_t *g_out;           /* the last peer message the model emitted */
static size_t g_outlen;

static void s_persist(void *ctx, const char *id, const uint8_t *doc, size_t len,
                      const char *state)
{
    (void)ctx, (void)id, (void)doc, (void)len, (void)state;
}

static void s_emit(void *ctx, const vs_out_t *o)
{
    (void)ctx;
    if (o->kind != VS_OUT_PEER)
        return;
    free(g_out);
    g_out = malloc(o->payload_len);
    memcpy(g_out, o->payload, o->payload_len);
    g_outlen = o->payload_len;
}

static vs_manual_clock_t g_mc = { .now = 1700000000000ull };
static vs_clock_t g_clock;
static vs_rng_t g_rng;

static vs_model_t *s_model(void)
{
    g_clock = vs_manual_clock(&g_mc);
    vs_rng_seed(&g_rng, 7);
    vs_model_config_t cfg = { .account = ME_ACCT, .region = ME_REG, .clock = &g_clock,
                              .rng = &g_rng, .modules = vs_service_modules() };
    vs_model_t *m = vs_model_new(&cfg);
    ck_assert_ptr_nonnull(m);
    return m;
}

static int s_deliver(vs_model_t *m, const uint8_t *p, size_t len)
{
    int rc = vs_model_on_peer(m, PEER_ACCT, PEER_REG, p, len);
    vs_model_flush(m, s_persist, NULL);
    vs_model_drain(m, s_emit, NULL);
    return rc;
}

/* A ProbeResult for an analysis the model does not run: taken and changes
 * nothing, so a model's answer tells whether the form was read (the model
 * says 0 for taken, -1 for refused). */
#define RESULT_JSON                                                                           \
    "{\"T\":\"ProbeResult\",\"Id\":\"" NIA "\",\"Ok\":true,\"Forward\":[],\"Return\":[],"     \
    "\"Explanations\":[],\"Warning\":\"\"}"

START_TEST(agent_takes_both_forms_clear_and_sealed)
{
    vs_model_t *m = s_model();
    vs_seal_keys_t peer;
    ck_assert_int_eq(vs_seal_keygen(&peer), 0);
    /* The older JSON key exchange: the model answers with its own key,
     * typed. */
    char hex[VS_SEAL_HEX_LEN], js[256];
    vs_seal_key_hex(peer.pk, hex);
    snprintf(js, sizeof js, "{\"T\":\"ReachKey\",\"Pk\":\"%s\",\"Reply\":false}", hex);
    ck_assert_int_eq(s_deliver(m, (const uint8_t *)js, strlen(js)), 0);
    ck_assert_ptr_nonnull(g_out);
    vs_reach_msg_t key;
    ck_assert_int_eq(vs_reach_wire_decode(g_out, g_outlen, &key), 0);
    ck_assert_int_eq(key.type, VS_REACH_MSG_KEY);
    ck_assert(key.reply);
    /* A typed key with a bad field is refused; a good one taken. */
    vs_reach_msg_t tk;
    memset(&tk, 0, sizeof tk);
    tk.type = VS_REACH_MSG_KEY;
    memcpy(tk.pk, peer.pk, VS_SEAL_KEY_LEN);
    tk.reply = true;
    size_t len;
    uint8_t *buf = s_encode(&tk, &len);
    ck_assert_int_eq(s_deliver(m, buf, len), 0);
    free(buf);
    snprintf(js, sizeof js, "{\"T\":\"ReachKey\",\"Pk\":\"%.10s\",\"Reply\":true}", hex);
    ck_assert_int_eq(s_deliver(m, (const uint8_t *)js, strlen(js)), -1);
    /* A clear JSON ProbeResult, and its typed form. */
    ck_assert_int_eq(s_deliver(m, (const uint8_t *)RESULT_JSON, strlen(RESULT_JSON)), 0);
    vs_reach_msg_t res;
    vs_json_t *rj = vs_json_parse(RESULT_JSON, strlen(RESULT_JSON), NULL, 0);
    ck_assert_int_eq(vs_reach_msgjson_read(rj, &res), 1);
    vs_json_free(&rj);
    uint8_t *typed = s_encode(&res, &len);
    size_t typed_len = len;
    ck_assert_int_eq(s_deliver(m, typed, typed_len), 0);

    /* Sealed: an older agent's JSON envelope around JSON ... */
    const char *from = PEER_ACCT "/" PEER_REG, *to = ME_ACCT "/" ME_REG;
    vs_json_t *env = vs_seal(&peer, from, key.pk, to, (const uint8_t *)RESULT_JSON,
                             strlen(RESULT_JSON));
    char *text = vs_json_dump(env, 0);
    ck_assert_int_eq(s_deliver(m, (const uint8_t *)text, strlen(text)), 0);
    free(text);
    vs_json_free(&env);
    /* ... a typed envelope around the typed form ... */
    vs_reach_msg_t s;
    memset(&s, 0, sizeof s);
    s.type = VS_REACH_MSG_SEALED;
    memcpy(s.pk, peer.pk, VS_SEAL_KEY_LEN);
    ck_assert_int_eq(vs_seal_raw(&peer, from, key.pk, to, typed, typed_len, s.nonce, &s.ct,
                                 &s.ctlen), 0);
    buf = s_encode(&s, &len);
    ck_assert_int_eq(s_deliver(m, buf, len), 0);
    /* ... but not altered, nor under another sender key, nor from another
     * agent, nor holding anything but a probe or a result. */
    buf[len - 1] ^= 1;
    ck_assert_int_eq(s_deliver(m, buf, len), -1);
    free(buf);
    s.pk[0] ^= 1;
    buf = s_encode(&s, &len);
    ck_assert_int_eq(s_deliver(m, buf, len), -1);
    free(buf);
    s.pk[0] ^= 1;
    buf = s_encode(&s, &len);
    ck_assert_int_eq(vs_model_on_peer(m, "333333333333", PEER_REG, buf, len), -1);
    free(buf);
    vs_reach_msg_clear(&s);
    s.type = VS_REACH_MSG_SEALED;
    memcpy(s.pk, peer.pk, VS_SEAL_KEY_LEN);
    uint8_t *kb = s_encode(&tk, &len);
    ck_assert_int_eq(vs_seal_raw(&peer, from, key.pk, to, kb, len, s.nonce, &s.ct, &s.ctlen), 0);
    free(kb);
    buf = s_encode(&s, &len);
    ck_assert_int_eq(s_deliver(m, buf, len), -1);
    free(buf);
    vs_reach_msg_clear(&s);

    free(typed);
    vs_reach_msg_clear(&res);
    vs_reach_msg_clear(&key);
    free(g_out);
    g_out = NULL;
    vs_model_destroy(&m);
}
END_TEST

START_TEST(raw_seal_round_trip)
{
    vs_seal_keys_t a, b;
    ck_assert_int_eq(vs_seal_keygen(&a), 0);
    ck_assert_int_eq(vs_seal_keygen(&b), 0);
    const uint8_t pt[] = "\x18\x01 a probe";
    uint8_t nonce[VS_SEAL_NONCE_LEN], *c = NULL, *out = NULL;
    size_t clen = 0, olen = 0;
    ck_assert_int_eq(vs_seal_raw(&a, "A/r", b.pk, "B/r", pt, sizeof pt, nonce, &c, &clen), 0);
    ck_assert_uint_eq(clen, sizeof pt + VS_SEAL_TAG_LEN);
    ck_assert_int_eq(vs_seal_open_raw(&b, "B/r", a.pk, "A/r", nonce, c, clen, &out, &olen), 0);
    ck_assert_uint_eq(olen, sizeof pt);
    ck_assert_mem_eq(out, pt, sizeof pt);
    free(out);
    /* For another pair of agents, or altered: refused. */
    ck_assert_int_eq(vs_seal_open_raw(&b, "B/r", a.pk, "C/r", nonce, c, clen, &out, &olen), -1);
    nonce[0] ^= 1;
    ck_assert_int_eq(vs_seal_open_raw(&b, "B/r", a.pk, "A/r", nonce, c, clen, &out, &olen), -1);
    ck_assert_ptr_null(out);
    free(c);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("reach_wire");
    TCase *tc = tcase_create("codec");
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, json_form_reads_the_same);
    tcase_add_test(tc, refusals);
    tcase_add_test(tc, raw_seal_round_trip);
    tcase_add_test(tc, agent_takes_both_forms_clear_and_sealed);
    suite_add_tcase(s, tc);
    return s;
}
