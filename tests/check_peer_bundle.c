/* Peer bundles (core/model/peer_bundle.h, proto/peer.proto PeerBundle):
 * the bytes are PeerBundle's protobuf encoding (protobuf-c reads and
 * writes the same), a broken bundle is refused whole, the model puts
 * consecutive messages to one agent together within its limits and never
 * a message that must travel alone, and a received bundle's parts are
 * applied in order, each as if it had come alone. The whole-cluster
 * effect (a connection's activation and its security-group directory in
 * one message) is in check_sg_dir.c. */
#include "check_model_fixture.h"
#include "model_internal.h"
#include "peer.pb-c.h"
#include "peer_bundle.h"

/* --- a test module: takes payloads starting 'T', refuses 'R' ------------- */

static char g_got[64][32];
static int g_ngot;

static int t_on_peer(vs_model_t *m, const char *from_account, const char *from_region,
                     const uint8_t *payload, size_t len)
{
    (void)m;
    (void)from_account;
    (void)from_region;
    if (!len || (payload[0] != 'T' && payload[0] != 'R'))
        return 0;
    if (g_ngot < 64)
        snprintf(g_got[g_ngot++], sizeof g_got[0], "%.*s", (int)(len < 31 ? len : 31),
                 (const char *)payload);
    return payload[0] == 'T' ? 1 : -1;
}

const vs_module_t vs_module_test = {
    .name = "test",
    .on_peer = t_on_peer,
};

/* --- helpers ---------------------------------------------------------------- */

typedef struct {
    size_t n;
    uint64_t id[64];
    char acct[64][16];
    char arn[64][64];
    uint8_t *payload[64];
    size_t len[64];
    bool sealed[64];
} outs_t;

static void s_collect(void *ctx, const vs_out_t *o)
{
    outs_t *p = ctx;
    if (o->kind != VS_OUT_PEER)
        return;
    ck_assert_uint_lt(p->n, 64);
    size_t i = p->n++;
    p->id[i] = o->msg_id;
    snprintf(p->acct[i], sizeof p->acct[i], "%s", o->to_account ? o->to_account : "");
    snprintf(p->arn[i], sizeof p->arn[i], "%s", o->to_vpc_arn ? o->to_vpc_arn : "");
    p->payload[i] = fx_keep_bytes(o->payload, o->payload_len);
    p->len[i] = o->payload_len;
    p->sealed[i] = o->sealed;
}

/* The parts of a payload as "a|b|c" (a payload that is no bundle: itself). */
static const char *s_parts(const uint8_t *p, size_t len)
{
    char buf[4096] = "";
    size_t used = 0;
    if (!vs_bundle_is(p, len))
        return J("%.*s", (int)len, (const char *)p);
    ck_assert(vs_bundle_check(p, len, NULL));
    size_t off = 0, n;
    const uint8_t *part;
    while (vs_bundle_next(p, len, &off, &part, &n) == 1)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%.*s", used ? "|" : "",
                                 (int)n, (const char *)part);
    return J("%s", buf);
}

static uint64_t s_emit(const char *acct, const char *arn, const char *text)
{
    return vs_model__emit_peer_bundled(g_m, arn, acct, REGION, (const uint8_t *)text,
                                       strlen(text));
}

/* --- the bytes --------------------------------------------------------------- */

START_TEST(bytes_are_peer_bundle_protobuf)
{
    static const size_t sizes[] = { 1, 127, 128, 300, 16383, 16384, 20000 };
    enum { N = sizeof sizes / sizeof sizes[0] };
    uint8_t *parts[N];
    ProtobufCBinaryData pb_parts[N];
    size_t total = 0;
    for (size_t i = 0; i < N; i++) {
        parts[i] = malloc(sizes[i]);
        ck_assert_ptr_nonnull(parts[i]);
        for (size_t k = 0; k < sizes[i]; k++)
            parts[i][k] = (uint8_t)(i * 31 + k * 7 + 1);
        pb_parts[i] = (ProtobufCBinaryData){ .len = sizes[i], .data = parts[i] };
        total += vs_bundle_part_size(sizes[i]);
    }
    uint8_t *ours = malloc(total);
    size_t at = 0;
    for (size_t i = 0; i < N; i++)
        at += vs_bundle_put(ours + at, parts[i], sizes[i]);
    ck_assert_uint_eq(at, total);

    /* protobuf-c writes the same bytes... */
    Vpcsim__Peer__PeerBundle b = VPCSIM__PEER__PEER_BUNDLE__INIT;
    b.n_part = N;
    b.part = pb_parts;
    ck_assert_uint_eq(vpcsim__peer__peer_bundle__get_packed_size(&b), total);
    uint8_t *theirs = malloc(total);
    vpcsim__peer__peer_bundle__pack(&b, theirs);
    ck_assert_mem_eq(ours, theirs, total);

    /* ...and reads ours as the parts. */
    Vpcsim__Peer__PeerBundle *u = vpcsim__peer__peer_bundle__unpack(NULL, total, ours);
    ck_assert_ptr_nonnull(u);
    ck_assert_uint_eq(u->n_part, N);
    for (size_t i = 0; i < N; i++) {
        ck_assert_uint_eq(u->part[i].len, sizes[i]);
        ck_assert_mem_eq(u->part[i].data, parts[i], sizes[i]);
    }
    vpcsim__peer__peer_bundle__free_unpacked(u, NULL);

    /* Ours iterates to the same parts. */
    size_t nparts = 0, off = 0, n;
    const uint8_t *part;
    ck_assert(vs_bundle_check(ours, total, &nparts));
    ck_assert_uint_eq(nparts, N);
    for (size_t i = 0; i < N; i++) {
        ck_assert_int_eq(vs_bundle_next(ours, total, &off, &part, &n), 1);
        ck_assert_uint_eq(n, sizes[i]);
        ck_assert_mem_eq(part, parts[i], n);
    }
    ck_assert_int_eq(vs_bundle_next(ours, total, &off, &part, &n), 0);
    for (size_t i = 0; i < N; i++)
        free(parts[i]);
    free(ours);
    free(theirs);
}
END_TEST

/* The parts' tags: protobuf-c packs `repeated uint64 tag` to the same
 * bytes, and reads them back with the parts, wherever they stand. */
START_TEST(tags_are_packed_uint64)
{
    static const uint64_t tags[] = { 1, 127, 128, 0, 1ull << 62, UINT64_MAX };
    enum { N = sizeof tags / sizeof tags[0] };
    uint8_t ours[256];
    size_t at = 0;
    for (size_t i = 0; i < N; i++)
        at += vs_bundle_put(ours + at, (const uint8_t *)"Tp", 2);
    size_t tsize = vs_bundle_tags_size(tags, N);
    ck_assert_uint_eq(vs_bundle_put_tags(ours + at, tags, N), tsize);
    at += tsize;

    ProtobufCBinaryData parts[N];
    for (size_t i = 0; i < N; i++)
        parts[i] = (ProtobufCBinaryData){ .len = 2, .data = (uint8_t *)"Tp" };
    Vpcsim__Peer__PeerBundle b = VPCSIM__PEER__PEER_BUNDLE__INIT;
    b.n_part = N;
    b.part = parts;
    b.n_tag = N;
    b.tag = (uint64_t *)tags;
    uint8_t theirs[256];
    ck_assert_uint_eq(vpcsim__peer__peer_bundle__pack(&b, theirs), at);
    ck_assert_mem_eq(ours, theirs, at);

    size_t nparts = 0;
    ck_assert(vs_bundle_check(ours, at, &nparts));
    ck_assert_uint_eq(nparts, N);
    uint64_t got[N + 2];
    ck_assert_uint_eq(vs_bundle_tags(ours, at, got, N + 2), N);
    ck_assert_mem_eq(got, tags, sizeof tags);
    ck_assert_uint_eq(vs_bundle_tags(ours, at, got, 2), 2);     /* to the room given */
    size_t off = 0, n, k = 0;
    const uint8_t *part;
    while (vs_bundle_next(ours, at, &off, &part, &n) == 1) {   /* the tags are no part */
        ck_assert_uint_eq(n, 2);
        k++;
    }
    ck_assert_uint_eq(k, N);

    /* Tags first, then the parts: the same bundle. */
    uint8_t moved[256];
    memcpy(moved, ours + at - tsize, tsize);
    memcpy(moved + tsize, ours, at - tsize);
    ck_assert(vs_bundle_is(ours, at));
    ck_assert(!vs_bundle_is(moved, at));    /* no longer a bundle by its first byte */
    ck_assert(!vs_bundle_check(moved, at, NULL));
    /* Without tags: none. */
    ck_assert_uint_eq(vs_bundle_tags(ours, at - tsize, got, N), 0);
}
END_TEST

typedef struct {
    size_t n;
    uint64_t tags[8];
    size_t lens[8];
} each_t;

static void s_each(void *ctx, const uint8_t *part, size_t n, uint64_t tag)
{
    each_t *e = ctx;
    (void)part;
    ck_assert_uint_lt(e->n, 8);
    e->lens[e->n] = n;
    e->tags[e->n++] = tag;
}

/* Each part with its tag, 0 where the bundle has none; nothing for a
 * payload that is no well-formed bundle. */
START_TEST(each_part_with_its_tag)
{
    static const uint64_t tags[] = { 7, 0, 9 };
    uint8_t b[64];
    size_t at = vs_bundle_put(b, (const uint8_t *)"Ta", 2);
    at += vs_bundle_put(b + at, (const uint8_t *)"Tbb", 3);
    at += vs_bundle_put(b + at, (const uint8_t *)"Tccc", 4);
    size_t untagged = at;
    at += vs_bundle_put_tags(b + at, tags, 3);
    each_t e = { 0 };
    ck_assert_int_eq(vs_bundle_each(b, at, s_each, &e), 3);
    ck_assert_uint_eq(e.n, 3);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_uint_eq(e.tags[i], tags[i]);
        ck_assert_uint_eq(e.lens[i], i + 2);
    }
    each_t u = { 0 };
    ck_assert_int_eq(vs_bundle_each(b, untagged, s_each, &u), 3);
    for (size_t i = 0; i < 3; i++)
        ck_assert_uint_eq(u.tags[i], 0);
    each_t x = { 0 };
    ck_assert_int_eq(vs_bundle_each(b, at - 1, s_each, &x), -1);
    ck_assert_int_eq(vs_bundle_each((const uint8_t *)"Tplain", 6, s_each, &x), -1);
    ck_assert_uint_eq(x.n, 0);
}
END_TEST

/* The first byte tells a bundle from every other payload (peer.proto). */
START_TEST(first_byte_names_it)
{
    static const uint8_t pcx[] = { 0x08, 0x01 }, sgdir[] = { 0x10, 0x01 },
                         reach[] = { 0x18, 0x01 }, json[] = "{}", bundle[] = { 0x22, 0x01, 'x' };
    ck_assert(!vs_bundle_is(pcx, sizeof pcx));
    ck_assert(!vs_bundle_is(sgdir, sizeof sgdir));
    ck_assert(!vs_bundle_is(reach, sizeof reach));
    ck_assert(!vs_bundle_is(json, 2));
    ck_assert(!vs_bundle_is(bundle, 0));
    ck_assert(!vs_bundle_is(NULL, 3));
    ck_assert(vs_bundle_is(bundle, sizeof bundle));
    ck_assert(vs_bundle_check(bundle, sizeof bundle, NULL));
}
END_TEST

START_TEST(broken_bundles_refused)
{
    static const struct {
        const char *why;
        uint8_t b[16];
        size_t len;
    } bad[] = {
        { "only a tag", { 0x22 }, 1 },
        { "length past the end", { 0x22, 0x05, 'a', 'b' }, 4 },
        { "an empty part", { 0x22, 0x00 }, 2 },
        { "an empty part after a good one", { 0x22, 0x01, 'a', 0x22, 0x00 }, 5 },
        { "another field after a part", { 0x22, 0x01, 'a', 0x32, 0x01, 'b' }, 6 },
        { "tags only", { 0x2a, 0x01, 0x05 }, 3 },
        { "more tags than parts", { 0x22, 0x01, 'a', 0x2a, 0x02, 0x05, 0x06 }, 7 },
        { "fewer tags than parts", { 0x22, 0x01, 'a', 0x22, 0x01, 'b', 0x2a, 0x01, 0x05 }, 9 },
        { "tags twice", { 0x22, 0x01, 'a', 0x2a, 0x01, 0x05, 0x2a, 0x01, 0x05 }, 9 },
        { "a tag cut short", { 0x22, 0x01, 'a', 0x2a, 0x01, 0x85 }, 6 },
        { "a varint field after a part", { 0x22, 0x01, 'a', 0x08, 0x01 }, 5 },
        { "a length cut short", { 0x22, 0x81 }, 2 },
        { "a length of six bytes", { 0x22, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00, 'a' }, 8 },
        { "a bundle inside", { 0x22, 0x03, 0x22, 0x01, 'a' }, 5 },
        { "trailing garbage", { 0x22, 0x01, 'a', 0x22 }, 4 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!vs_bundle_check(bad[i].b, bad[i].len, NULL), "accepted: %s", bad[i].why);

    /* More parts than the limit. */
    size_t n = VS_BUNDLE_MAX_PARTS + 1;
    uint8_t *many = malloc(n * 3);
    for (size_t i = 0; i < n; i++)
        vs_bundle_put(many + 3 * i, (const uint8_t *)"T", 1);
    ck_assert(!vs_bundle_check(many, n * 3, NULL));
    size_t k = 0;
    ck_assert(vs_bundle_check(many, (n - 1) * 3, &k));
    ck_assert_uint_eq(k, n - 1);
    free(many);
}
END_TEST

/* --- sending -------------------------------------------------------------------- */

START_TEST(consecutive_messages_to_one_agent_join)
{
    uint64_t a = s_emit(OTHER, "arn:x", "Ta");
    uint64_t b = s_emit("333333333333", "arn:y", "Tb");
    uint64_t c = s_emit(OTHER, "arn:z", "Tc");          /* joins a, over b */
    ck_assert_uint_eq(c, a);
    ck_assert_uint_ne(b, a);
    /* A message sent alone neither joins nor is joined. */
    uint64_t d = vs_model__emit_peer(g_m, "arn:x", OTHER, REGION, (const uint8_t *)"Td", 2);
    uint64_t e = s_emit(OTHER, "arn:x", "Te");
    ck_assert_uint_ne(e, d);
    ck_assert_uint_ne(d, a);
    /* Nor does a sealed one, an empty one, or one to no agent. */
    uint64_t f = vs_model__emit_sealed_peer(g_m, "arn:x", OTHER, REGION, (const uint8_t *)"Tf", 2);
    uint64_t g = s_emit(OTHER, "arn:x", "Tg");
    uint64_t h = vs_model__emit_peer_bundled(g_m, "arn:x", OTHER, REGION, NULL, 0);
    uint64_t i = s_emit(OTHER, "arn:x", "Ti");          /* the empty one stays alone */
    uint64_t j = vs_model__emit_peer_bundled(g_m, "arn:x", NULL, REGION, (const uint8_t *)"Tj", 2);
    ck_assert_uint_ne(g, f);
    ck_assert_uint_ne(h, g);
    ck_assert_uint_ne(i, h);
    ck_assert_uint_ne(j, i);

    outs_t o = { 0 };
    vs_model_drain(g_m, s_collect, &o);
    ck_assert_uint_eq(o.n, 9);
    ck_assert_uint_eq(o.id[0], a);
    ck_assert_str_eq(o.arn[0], "arn:x");                /* the first part's address */
    ck_assert_str_eq(o.acct[0], OTHER);
    ck_assert(vs_bundle_is(o.payload[0], o.len[0]));
    ck_assert_str_eq(s_parts(o.payload[0], o.len[0]), "Ta|Tc");
    ck_assert_str_eq(s_parts(o.payload[1], o.len[1]), "Tb");
    ck_assert_str_eq(s_parts(o.payload[2], o.len[2]), "Td");
    ck_assert_str_eq(s_parts(o.payload[3], o.len[3]), "Te");
    ck_assert(o.sealed[4]);
    ck_assert_str_eq(s_parts(o.payload[4], o.len[4]), "Tf");
    ck_assert_str_eq(s_parts(o.payload[5], o.len[5]), "Tg");
    ck_assert_uint_eq(o.len[6], 0);
    ck_assert_str_eq(s_parts(o.payload[7], o.len[7]), "Ti");
    ck_assert_str_eq(s_parts(o.payload[8], o.len[8]), "Tj");
    /* Ids stay unique and ordered: the joined ones took none. */
    for (size_t k = 1; k < o.n; k++)
        ck_assert_uint_gt(o.id[k], o.id[k - 1]);

    /* A drain ends it: the next input's messages start their own. */
    uint64_t k1 = s_emit(OTHER, "arn:x", "Tk");
    outs_t o2 = { 0 };
    vs_model_drain(g_m, s_collect, &o2);
    ck_assert_uint_eq(o2.n, 1);
    ck_assert_uint_eq(o2.id[0], k1);
    ck_assert_str_eq(s_parts(o2.payload[0], o2.len[0]), "Tk");
}
END_TEST

START_TEST(bundles_keep_to_their_limits)
{
    /* 20 parts of 10,000 bytes: bundles of at most VS_BUNDLE_BUILD_BYTES
     * holding every part once, in order. */
    char *big = malloc(10001);
    for (int i = 0; i < 20; i++) {
        memset(big, 'a' + i, 10000);
        big[0] = 'T';
        big[10000] = '\0';
        s_emit(OTHER, "arn:x", big);
    }
    outs_t o = { 0 };
    vs_model_drain(g_m, s_collect, &o);
    ck_assert_uint_gt(o.n, 1);
    int next = 0;
    for (size_t i = 0; i < o.n; i++) {
        ck_assert_uint_le(o.len[i], VS_BUNDLE_BUILD_BYTES);
        size_t off = 0, n;
        const uint8_t *part;
        while (vs_bundle_next(o.payload[i], o.len[i], &off, &part, &n) == 1) {
            ck_assert_uint_eq(n, 10000);
            ck_assert_int_eq(part[1], 'a' + next);
            next++;
        }
    }
    ck_assert_int_eq(next, 20);

    /* A message too large to share a bundle goes alone, unchanged. */
    char *huge = malloc(VS_BUNDLE_BUILD_BYTES);
    memset(huge, 'T', VS_BUNDLE_BUILD_BYTES - 1);
    huge[VS_BUNDLE_BUILD_BYTES - 1] = '\0';
    s_emit(OTHER, "arn:x", "Tsmall");
    s_emit(OTHER, "arn:x", huge);
    s_emit(OTHER, "arn:x", "Tafter");
    outs_t h = { 0 };
    vs_model_drain(g_m, s_collect, &h);
    ck_assert_uint_eq(h.n, 3);
    ck_assert(!vs_bundle_is(h.payload[1], h.len[1]));
    ck_assert_uint_eq(h.len[1], VS_BUNDLE_BUILD_BYTES - 1);

    /* At most VS_BUNDLE_MAX_PARTS parts. */
    for (unsigned i = 0; i < VS_BUNDLE_MAX_PARTS + 1; i++)
        s_emit(OTHER, "arn:x", "T");
    outs_t m = { 0 };
    vs_model_drain(g_m, s_collect, &m);
    ck_assert_uint_eq(m.n, 2);
    size_t k = 0;
    ck_assert(vs_bundle_check(m.payload[0], m.len[0], &k));
    ck_assert_uint_eq(k, VS_BUNDLE_MAX_PARTS);
    ck_assert_str_eq(s_parts(m.payload[1], m.len[1]), "T");
    free(big);
    free(huge);
}
END_TEST

/* Held across inputs (vs_model_drain_hold, as the agent runs a turn):
 * messages that may still be joined stay in the model, each part tagged
 * with its input's tag, and go out at the turn's vs_model_drain; the rest
 * go at once. The lowest queued ID is known throughout, also to the
 * runtime while a drain runs, so that no acknowledgement floor passes a
 * held message. */
typedef struct {
    outs_t o;
    uint64_t min_seen[64];
    uint64_t tags[64][8];
    size_t ntags[64];
} held_outs_t;

static void s_collect_min(void *ctx, const vs_out_t *o)
{
    held_outs_t *h = ctx;
    if (o->kind == VS_OUT_PEER)
        h->min_seen[h->o.n] = vs_model_queued_min_id(g_m);
    s_collect(&h->o, o);
    if (o->kind == VS_OUT_PEER && o->ntags) {
        size_t i = h->o.n - 1;
        ck_assert_uint_le(o->ntags, 8);
        memcpy(h->tags[i], o->tags, o->ntags * sizeof *o->tags);
        h->ntags[i] = o->ntags;
    }
}

START_TEST(held_across_inputs_keep_their_tags)
{
    ck_assert_uint_eq(vs_model_queued_min_id(g_m), UINT64_MAX);
    held_outs_t h;
    memset(&h, 0, sizeof h);
    /* Input 1. */
    uint64_t a = s_emit(OTHER, "arn:x", "Ta");
    vs_model_drain_hold(g_m, s_collect_min, &h, 100);
    ck_assert_uint_eq(h.o.n, 0);
    ck_assert_uint_eq(vs_model_queued_min_id(g_m), a);
    /* Input 2: joins a; a message sent alone goes now, with a's ID as the
     * floor's bound while it does. */
    ck_assert_uint_eq(s_emit(OTHER, "arn:x", "Tb"), a);
    uint64_t c = vs_model__emit_peer(g_m, "arn:x", OTHER, REGION, (const uint8_t *)"Tc", 2);
    vs_model_drain_hold(g_m, s_collect_min, &h, 200);
    ck_assert_uint_eq(h.o.n, 1);
    ck_assert_uint_eq(h.o.id[0], c);
    ck_assert_uint_eq(h.ntags[0], 0);
    ck_assert_uint_eq(h.min_seen[0], a);
    /* Input 3: another agent. */
    uint64_t d = s_emit("333333333333", "arn:y", "Td");
    vs_model_drain_hold(g_m, s_collect_min, &h, 300);
    ck_assert_uint_eq(h.o.n, 1);
    /* The turn ends. */
    vs_model_drain(g_m, s_collect_min, &h);
    ck_assert_uint_eq(h.o.n, 3);
    ck_assert_uint_eq(h.o.id[1], a);
    ck_assert_str_eq(s_parts(h.o.payload[1], h.o.len[1]), "Ta|Tb");
    ck_assert_uint_eq(h.ntags[1], 2);
    ck_assert_uint_eq(h.tags[1][0], 100);
    ck_assert_uint_eq(h.tags[1][1], 200);
    uint64_t in[4];
    ck_assert_uint_eq(vs_bundle_tags(h.o.payload[1], h.o.len[1], in, 4), 2);
    ck_assert_uint_eq(in[0], 100);
    ck_assert_uint_eq(in[1], 200);
    ck_assert_uint_eq(h.min_seen[1], a);
    ck_assert_uint_eq(h.o.id[2], d);
    ck_assert_str_eq(s_parts(h.o.payload[2], h.o.len[2]), "Td");   /* alone: no bundle */
    ck_assert(!vs_bundle_is(h.o.payload[2], h.o.len[2]));
    ck_assert_uint_eq(h.ntags[2], 1);
    ck_assert_uint_eq(h.tags[2][0], 300);
    ck_assert_uint_eq(vs_model_queued_min_id(g_m), UINT64_MAX);

    /* Applied by a model, the tags are no part. */
    g_ngot = 0;
    ck_assert_int_eq(vs_model_on_peer(g_m, OTHER, REGION, h.o.payload[1], h.o.len[1]), 0);
    ck_assert_int_eq(g_ngot, 2);
    ck_assert_str_eq(g_got[1], "Tb");
}
END_TEST

/* A turn's drain without holding sends everything, untagged. */
START_TEST(plain_drain_holds_nothing)
{
    held_outs_t h;
    memset(&h, 0, sizeof h);
    s_emit(OTHER, "arn:x", "Ta");
    s_emit(OTHER, "arn:x", "Tb");
    vs_model_drain(g_m, s_collect_min, &h);
    ck_assert_uint_eq(h.o.n, 1);
    ck_assert_uint_eq(h.ntags[0], 0);
    uint64_t in[4];
    ck_assert_uint_eq(vs_bundle_tags(h.o.payload[0], h.o.len[0], in, 4), 0);
    ck_assert_str_eq(s_parts(h.o.payload[0], h.o.len[0]), "Ta|Tb");
}
END_TEST

static const char *s_code(const char *pcx)
{
    vs_json_t *d = OK("DescribeVpcPeeringConnections",
                      J("{\"VpcPeeringConnectionIds\":[\"%s\"]}", pcx));
    return S(d, "VpcPeeringConnections.0.Status.Code");
}

/* Requests to an account no agent serves, from three calls of one turn:
 * they share a bundle, and its Undeliverable fails every one of them, as
 * each alone would have been (AWS: failed). */
START_TEST(undeliverable_bundle_fails_every_request)
{
    const char *vpc = mkvpc("10.1.0.0/16");
    const char *pcx[3];
    for (int i = 0; i < 3; i++) {
        memset(&g_res, 0, sizeof g_res);
        vs_model_submit(g_m, 7, ACCT, "CreateVpcPeeringConnection",
                        fx_parse(J("{\"VpcId\":\"%s\",\"PeerVpcId\":\"vpc-0123456789abcdef%d\","
                                   "\"PeerOwnerId\":\"%s\"}", vpc, i, OTHER)));
        vs_model_drain_hold(g_m, fx_emit, &g_res, 10 + (uint64_t)i);
        ck_assert_msg(g_res.ok, "%s", g_res.msg);
        pcx[i] = S(g_res.out, "VpcPeeringConnection.VpcPeeringConnectionId");
    }
    outs_t o = { 0 };
    vs_model_drain(g_m, s_collect, &o);
    ck_assert_uint_eq(o.n, 1);
    size_t k = 0;
    ck_assert(vs_bundle_check(o.payload[0], o.len[0], &k));
    ck_assert_uint_eq(k, 3);
    vs_model_on_undeliverable(g_m, o.id[0] + 1, true);     /* another message's: nothing */
    vs_model_drain(g_m, s_collect, &o);
    for (int i = 0; i < 3; i++)
        ck_assert_str_eq(s_code(pcx[i]), "initiating-request");
    vs_model_on_undeliverable(g_m, o.id[0], true);
    vs_model_drain(g_m, s_collect, &o);
    for (int i = 0; i < 3; i++)
        ck_assert_str_eq(s_code(pcx[i]), "failed");
}
END_TEST

/* --- receiving ------------------------------------------------------------------ */

static uint8_t *s_bundle(const char *const *parts, size_t n, size_t *len)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += vs_bundle_part_size(strlen(parts[i]));
    uint8_t *b = (uint8_t *)fx_skeep(calloc(1, total));
    size_t at = 0;
    for (size_t i = 0; i < n; i++)
        at += vs_bundle_put(b + at, (const uint8_t *)parts[i], strlen(parts[i]));
    *len = total;
    return b;
}

START_TEST(parts_applied_in_order)
{
    static const char *const parts[] = { "T1", "T2", "T3" };
    size_t len;
    uint8_t *b = s_bundle(parts, 3, &len);
    g_ngot = 0;
    ck_assert_int_eq(vs_model_on_peer(g_m, OTHER, REGION, b, len), 0);
    ck_assert_int_eq(g_ngot, 3);
    ck_assert_str_eq(g_got[0], "T1");
    ck_assert_str_eq(g_got[1], "T2");
    ck_assert_str_eq(g_got[2], "T3");
}
END_TEST

/* A part refused (or understood by nobody) is refused alone: the others
 * are applied, and the bundle counts as refused. */
START_TEST(refused_part_alone)
{
    static const char *const parts[] = { "T1", "R2", "xyz", "T4" };
    size_t len;
    uint8_t *b = s_bundle(parts, 4, &len);
    g_ngot = 0;
    ck_assert_int_eq(vs_model_on_peer(g_m, OTHER, REGION, b, len), -1);
    ck_assert_int_eq(g_ngot, 3);
    ck_assert_str_eq(g_got[0], "T1");
    ck_assert_str_eq(g_got[1], "R2");
    ck_assert_str_eq(g_got[2], "T4");
}
END_TEST

/* A broken bundle changes nothing: checked whole before any part. */
START_TEST(broken_bundle_applies_nothing)
{
    static const char *const parts[] = { "T1", "T2" };
    size_t len;
    uint8_t *b = s_bundle(parts, 2, &len);
    g_ngot = 0;
    ck_assert_int_eq(vs_model_on_peer(g_m, OTHER, REGION, b, len - 1), -1);
    ck_assert_int_eq(g_ngot, 0);
    uint8_t *nested = (uint8_t *)fx_skeep(calloc(1, vs_bundle_part_size(len) + 4));
    size_t at = vs_bundle_put(nested, (const uint8_t *)"T0", 2);
    at += vs_bundle_put(nested + at, b, len);
    ck_assert_int_eq(vs_model_on_peer(g_m, OTHER, REGION, nested, at), -1);
    ck_assert_int_eq(g_ngot, 0);
}
END_TEST

/* What one model bundles, another applies as the separate messages. */
START_TEST(round_trip_through_the_model)
{
    s_emit(OTHER, "arn:x", "Tone");
    s_emit(OTHER, "arn:x", "Ttwo");
    s_emit(OTHER, "arn:x", "Tthree");
    outs_t o = { 0 };
    vs_model_drain(g_m, s_collect, &o);
    ck_assert_uint_eq(o.n, 1);
    g_ngot = 0;
    ck_assert_int_eq(vs_model_on_peer(g_m, OTHER, REGION, o.payload[0], o.len[0]), 0);
    ck_assert_int_eq(g_ngot, 3);
    ck_assert_str_eq(g_got[0], "Tone");
    ck_assert_str_eq(g_got[1], "Ttwo");
    ck_assert_str_eq(g_got[2], "Tthree");
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("peer_bundle");
    TCase *tc = tcase_create("bytes");
    tcase_add_test(tc, bytes_are_peer_bundle_protobuf);
    tcase_add_test(tc, tags_are_packed_uint64);
    tcase_add_test(tc, each_part_with_its_tag);
    tcase_add_test(tc, first_byte_names_it);
    tcase_add_test(tc, broken_bundles_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("model");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, consecutive_messages_to_one_agent_join);
    tcase_add_test(tc, bundles_keep_to_their_limits);
    tcase_add_test(tc, parts_applied_in_order);
    tcase_add_test(tc, refused_part_alone);
    tcase_add_test(tc, broken_bundle_applies_nothing);
    tcase_add_test(tc, round_trip_through_the_model);
    tcase_add_test(tc, held_across_inputs_keep_their_tags);
    tcase_add_test(tc, plain_drain_holds_nothing);
    tcase_add_test(tc, undeliverable_bundle_fails_every_request);
    suite_add_tcase(s, tc);
    return s;
}
