/* The hand-written Envelope fast path (common/wire_fast.c) against the
 * descriptor-driven codec it stands in for (protobuf-c's pack, and
 * vs_wire_decode_ref): on random envelopes of every covered body the same
 * bytes out and the same tree back (and the fast path must take them all);
 * on those bytes mutated (cut, bytes changed or inserted, wrong wire types,
 * over-long varints, oversized or invalid strings, fields repeated or
 * unknown, envelopes spliced) and on random bytes, the same verdict, the
 * same tree or the same error text, through vs_wire_decode and through
 * arenas small enough to spill. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "wire.h"
#include "wire_fast.h"

#define S_ROUNDS 20000
#define S_RANDOM 200000

static uint64_t s_below(vs_rng_t *r, uint64_t n)
{
    return vs_rng_below(r, n);
}

/* --- random envelopes ----------------------------------------------------- */

/* Keeps what the random tree points at until s_pool_reset. */
static void *s_pool[256];
static size_t s_npool;

static void *s_keep(void *p)
{
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_lt(s_npool, sizeof s_pool / sizeof s_pool[0]);
    s_pool[s_npool++] = p;
    return p;
}

static void s_pool_reset(void)
{
    while (s_npool)
        free(s_pool[--s_npool]);
}

/* Whether this envelope may break a limit (a quarter of them do), so
 * that most are accepted and the fast path is seen taking them. */
static bool s_spoil;

/* Text of 0..limit bytes: ASCII, 2-, 3- and 4-byte UTF-8; controls only
 * where allowed (documents), unless spoiling: then also a control in an
 * identifier, a broken sequence, or a length just past the limit. */
static char *s_text(vs_rng_t *r, size_t limit)
{
    static const char *const pieces[] = {
        "a", "Z", "0", "-", ":", "/", " ", "{\"k\":1}", "\xc3\xa9", "\xe2\x82\xac",
        "\xf0\x9f\x98\x80", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf", "\n", "\t", "\x7f",
    };
    bool spoil = s_spoil && !s_below(r, 6);
    size_t npieces = limit != VS_WIRE_MAX_SHORT || (spoil && s_below(r, 2)) ? 16 : 13;
    size_t want;
    switch (s_below(r, 10)) {
    case 0: want = 0; break;
    case 1: want = limit - s_below(r, 4); break;
    case 2: want = spoil ? limit + 1 + s_below(r, 3) : s_below(r, 8); break;
    default: want = s_below(r, limit < 64 ? limit : 64); break;
    }
    char *s = s_keep(malloc(want + 8));
    size_t n = 0;
    while (n < want) {
        const char *p = pieces[s_below(r, s_below(r, 4) ? 13 : npieces)];
        size_t k = strlen(p);
        if (n + k > want)
            p = "b", k = 1;
        memcpy(s + n, p, k);
        n += k;
    }
    if (n && spoil && !s_below(r, 4))
        s[s_below(r, n)] = (char)(0x80 | s_below(r, 128));     /* broken UTF-8 */
    s[n] = 0;
    return s;
}

static ProtobufCBinaryData s_blob(vs_rng_t *r, size_t limit)
{
    ProtobufCBinaryData b = { 0, NULL };
    b.len = s_spoil && !s_below(r, 4) ? limit + s_below(r, 3) : s_below(r, limit + 1);
    if (b.len) {
        b.data = s_keep(malloc(b.len));
        for (size_t i = 0; i < b.len; i++)
            b.data[i] = (uint8_t)s_below(r, 256);
    }
    return b;
}

/* 0, small, or anywhere in 64 bits. */
static uint64_t s_num(vs_rng_t *r)
{
    switch (s_below(r, 4)) {
    case 0: return 0;
    case 1: return s_below(r, 300);
    default: return vs_rng_next(r) >> s_below(r, 64);
    }
}

static void s_ids(vs_rng_t *r, size_t *n, uint64_t **ids)
{
    *n = s_below(r, 3) ? 0 : s_below(r, 6) ? s_below(r, 8) : s_below(r, 300);
    *ids = *n ? s_keep(malloc(*n * sizeof **ids)) : NULL;
    for (size_t i = 0; i < *n; i++)
        (*ids)[i] = s_num(r);
}

static Vpcsim__Wire__Party *s_party(vs_rng_t *r)
{
    Vpcsim__Wire__Party *m = s_keep(malloc(sizeof *m));
    vpcsim__wire__party__init(m);
    m->kind = (Vpcsim__Wire__PartyKind)(s_below(r, 10) ? (int32_t)s_below(r, 4)
                                                        : (int32_t)(uint32_t)vs_rng_next(r));
    m->account = s_text(r, VS_WIRE_MAX_SHORT);
    m->region = s_text(r, VS_WIRE_MAX_SHORT);
    m->partition = s_below(r, 2) ? s_text(r, VS_WIRE_MAX_SHORT) : NULL;
    m->route = s_blob(r, VS_WIRE_MAX_ROUTE);
    return m;
}

static Vpcsim__Wire__Address *s_address(vs_rng_t *r)
{
    Vpcsim__Wire__Address *m = s_keep(malloc(sizeof *m));
    vpcsim__wire__address__init(m);
    m->vpc_arn = s_text(r, VS_WIRE_MAX_SHORT);
    m->account = s_text(r, VS_WIRE_MAX_SHORT);
    m->region = s_text(r, VS_WIRE_MAX_SHORT);
    m->client_route = s_blob(r, VS_WIRE_MAX_ROUTE);
    return m;
}

/* A document up to a few KiB (the long limit itself is tried in
 * long_strings_at_the_limit). */
static char *s_doc(vs_rng_t *r)
{
    return s_text(r, s_below(r, 4) ? 300 : 5000);
}

static void s_envelope(vs_rng_t *r, vs_env_t *env)
{
    vpcsim__wire__envelope__init(env);
    s_spoil = !s_below(r, 4);
    env->msg_id = s_num(r);
    env->sender = s_below(r, 3) ? s_party(r) : NULL;
    env->to = s_below(r, 3) ? s_address(r) : NULL;
    env->sim_time_ms = s_num(r);
    env->cause_id = s_num(r);
    s_ids(r, &env->n_acks, &env->acks);
    switch (s_below(r, 9)) {
    case 0:
        break;      /* no body: what agent_send.c appends, refused alone */
    case 1:
    case 2: {
        Vpcsim__Wire__ApiRequest *m = s_keep(malloc(sizeof *m));
        vpcsim__wire__api_request__init(m);
        m->action = s_text(r, VS_WIRE_MAX_SHORT);
        m->input_json = s_doc(r);
        m->account = s_text(r, VS_WIRE_MAX_SHORT);
        m->region = s_text(r, VS_WIRE_MAX_SHORT);
        env->body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
        env->api_request = m;
        break;
    }
    case 3:
    case 4: {
        Vpcsim__Wire__ApiReply *m = s_keep(malloc(sizeof *m));
        vpcsim__wire__api_reply__init(m);
        m->in_reply_to = s_num(r);
        m->ok = s_below(r, 2);
        m->output_json = s_doc(r);
        m->error_code = s_text(r, VS_WIRE_MAX_SHORT);
        m->error_message = s_doc(r);
        env->body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY;
        env->api_reply = m;
        break;
    }
    case 5:
    case 6: {
        Vpcsim__Wire__PeerMessage *m = s_keep(malloc(sizeof *m));
        vpcsim__wire__peer_message__init(m);
        m->payload = s_blob(r, s_below(r, 4) ? 200 : 4000);
        m->sealed = s_below(r, 2);
        m->ack_floor = s_num(r);
        m->epoch = s_num(r);
        env->body_case = VPCSIM__WIRE__ENVELOPE__BODY_PEER;
        env->peer = m;
        break;
    }
    default: {
        Vpcsim__Wire__Ack *m = s_keep(malloc(sizeof *m));
        vpcsim__wire__ack__init(m);
        m->acked_msg_id = s_num(r);
        s_ids(r, &m->n_more_acked, &m->more_acked);
        env->body_case = VPCSIM__WIRE__ENVELOPE__BODY_ACK;
        env->ack = m;
        break;
    }
    }
}

/* --- comparing trees ------------------------------------------------------- */

/* NULL if a and b (messages of one descriptor) hold the same values, else
 * the first field that differs. Only the set member of a oneof is read. */
static const char *s_diff(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
    if (!a || !b)
        return a == b ? NULL : "one message missing";
    const ProtobufCMessageDescriptor *d = a->descriptor;
    if (b->descriptor != d)
        return "descriptor";
    if (a->n_unknown_fields != b->n_unknown_fields)
        return "unknown fields";
    const char *pa = (const char *)a, *pb = (const char *)b;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            uint32_t ca = *(const uint32_t *)(pa + f->quantifier_offset);
            uint32_t cb = *(const uint32_t *)(pb + f->quantifier_offset);
            if (ca != cb)
                return f->name;
            if (ca != f->id)
                continue;
        }
        const void *va = pa + f->offset, *vb = pb + f->offset;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t na = *(const size_t *)(pa + f->quantifier_offset);
            size_t nb = *(const size_t *)(pb + f->quantifier_offset);
            ck_assert_int_eq(f->type, PROTOBUF_C_TYPE_UINT64);  /* all we cover */
            if (na != nb || (na && memcmp(*(uint64_t *const *)va, *(uint64_t *const *)vb,
                                          na * sizeof(uint64_t))))
                return f->name;
            continue;
        }
        switch (f->type) {
        case PROTOBUF_C_TYPE_UINT64:
            if (*(const uint64_t *)va != *(const uint64_t *)vb)
                return f->name;
            break;
        case PROTOBUF_C_TYPE_BOOL:
        case PROTOBUF_C_TYPE_ENUM:
            if (*(const int32_t *)va != *(const int32_t *)vb)
                return f->name;
            break;
        case PROTOBUF_C_TYPE_STRING:
            if (strcmp(*(char *const *)va, *(char *const *)vb))
                return f->name;
            break;
        case PROTOBUF_C_TYPE_BYTES: {
            const ProtobufCBinaryData *x = va, *y = vb;
            if (x->len != y->len || (x->len && memcmp(x->data, y->data, x->len)))
                return f->name;
            break;
        }
        case PROTOBUF_C_TYPE_MESSAGE: {
            const char *why = s_diff(*(const ProtobufCMessage *const *)va,
                                     *(const ProtobufCMessage *const *)vb);
            if (why)
                return why;
            break;
        }
        default:
            /* Types only in bodies the fast path leaves alone; a tree with
             * one came from the reference both times. */
            if (memcmp(va, vb, f->type == PROTOBUF_C_TYPE_DOUBLE ? 8 : 4))
                return f->name;
            break;
        }
    }
    return NULL;
}

/* --- the two paths, side by side -------------------------------------------- */

static unsigned s_fast_taken, s_accepted;

/* buf decoded by the reference and by every entry point that may take the
 * fast path: the same verdict, tree and error text. */
static void s_same_decode(const uint8_t *buf, size_t len)
{
    char want[256] = "", got[256] = "";
    vs_env_t *ref = vs_wire_decode_ref(buf, len, want, sizeof want);

    vs_env_t *fast = vs_wire_fast_decode(NULL, buf, len);
    if (fast) {
        s_fast_taken++;
        ck_assert_msg(ref != NULL, "fast path took a frame the reference refuses: %s", want);
        const char *why = s_diff(&ref->base, &fast->base);
        ck_assert_msg(why == NULL, "fast path differs in %s", why);
        vs_wire_free(&fast);
    }
    if (ref)
        s_accepted++;

    vs_env_t *env = vs_wire_decode(buf, len, got, sizeof got);
    ck_assert_msg((env != NULL) == (ref != NULL), "verdicts differ (%s)", want);
    if (env) {
        const char *why = s_diff(&ref->base, &env->base);
        ck_assert_msg(why == NULL, "decode differs in %s", why);
        vs_wire_free(&env);
    } else {
        ck_assert_str_eq(got, want);
    }

    /* In an arena: one that spills (and one that does not), and a failure
     * leaves it as it was. */
    static _Alignas(16) uint8_t small[96], big[64 << 10];
    uint8_t *spaces[] = { small, big };
    size_t caps[] = { sizeof small, sizeof big };
    for (int k = 0; k < 2; k++) {
        vs_arena_t arena = { spaces[k], caps[k], 0, 0 };
        got[0] = 0;
        env = vs_wire_decode_in(&arena, buf, len, got, sizeof got);
        ck_assert_msg((env != NULL) == (ref != NULL), "arena verdicts differ (%s)", want);
        if (env) {
            const char *why = s_diff(&ref->base, &env->base);
            ck_assert_msg(why == NULL, "arena decode differs in %s", why);
            vs_wire_free_in(&env, &arena);
        } else {
            ck_assert_str_eq(got, want);
            ck_assert_uint_eq(arena.used, 0);
        }
        ck_assert_uint_eq(arena.spilled, 0);
    }
    vs_wire_free(&ref);
}

/* env packed by protobuf-c and by the fast path (when it covers env):
 * the same bytes. Returns protobuf-c's (malloc'd). */
static uint8_t *s_same_encode(const vs_env_t *env, size_t *len)
{
    size_t n = vpcsim__wire__envelope__get_packed_size(env);
    uint8_t *want = malloc(n + 1), *got = malloc(n + 1);
    ck_assert(want && got);
    ck_assert_uint_eq(vpcsim__wire__envelope__pack(env, want), n);
    vs_wire_sized_t sz;
    ck_assert_uint_eq(vs_wire_packed_size(env, &sz), n);
    ck_assert_uint_eq(vs_wire_pack(env, &sz, got), n);
    ck_assert_msg(memcmp(want, got, n) == 0, "fast pack differs from protobuf-c");
    free(got);
    *len = n;
    return want;
}

/* --- tests ------------------------------------------------------------------- */

START_TEST(random_envelopes_encode_and_decode_as_protobuf_c)
{
    vs_rng_t r;
    vs_rng_seed(&r, 0x5e11e7);
    unsigned bodies = 0, taken = 0;
    for (int i = 0; i < S_ROUNDS; i++) {
        vs_env_t env;
        s_envelope(&r, &env);
        ck_assert(vs_wire_fast_covers(&env));
        size_t len;
        uint8_t *buf = s_same_encode(&env, &len);

        /* Our own encoding of a covered body: the fast path takes every
         * one the reference accepts. */
        unsigned before = s_fast_taken, acc = s_accepted;
        s_same_decode(buf, len);
        if (s_accepted != acc) {
            bodies++;
            taken += s_fast_taken - before;
            ck_assert_msg(s_fast_taken != before, "fast path left a plain envelope (round %d)", i);
        }

        /* And with acks appended as agent_send.c appends them. */
        vs_env_t more;
        vpcsim__wire__envelope__init(&more);
        s_ids(&r, &more.n_acks, &more.acks);
        size_t alen;
        uint8_t *add = s_same_encode(&more, &alen);
        uint8_t *both = malloc(len + alen + 1);
        memcpy(both, buf, len);
        memcpy(both + len, add, alen);
        s_same_decode(both, len + alen);
        free(both);
        free(add);
        free(buf);
        s_pool_reset();
    }
    ck_assert_uint_gt(bodies, S_ROUNDS / 2);     /* limits broken do not dominate */
    ck_assert_uint_eq(taken, bodies);
}
END_TEST

/* One mutation of buf (len bytes, room bytes of space): its new length. */
static size_t s_mutate(vs_rng_t *r, uint8_t *buf, size_t len, const uint8_t *other,
                       size_t olen, size_t room)
{
    size_t at = len ? s_below(r, len) : 0;
    unsigned pick = (unsigned)s_below(r, 9);
    if (pick >= 4 && pick <= 7 && len + 8 > room)
        pick = 0;       /* no room left to grow: cut instead */
    switch (pick) {
    case 0: /* cut */
        return len ? s_below(r, len) : 0;
    case 1: /* a byte changed */
        if (len)
            buf[at] = (uint8_t)s_below(r, 256);
        return len;
    case 2: /* a bit flipped */
        if (len)
            buf[at] ^= (uint8_t)(1u << s_below(r, 8));
        return len;
    case 3: /* a wire type changed */
        if (len)
            buf[at] = (uint8_t)((buf[at] & ~7u) | s_below(r, 8));
        return len;
    case 4: /* a byte inserted */
        memmove(buf + at + 1, buf + at, len - at);
        buf[at] = (uint8_t)s_below(r, 256);
        return len + 1;
    case 5: { /* an over-long varint: a continuation byte inserted */
        memmove(buf + at + 1, buf + at, len - at);
        buf[at] = (uint8_t)(0x80 | s_below(r, 128));
        if (at)
            buf[at - 1] |= 0x80;
        return len + 1;
    }
    case 6: { /* an unknown or repeated field appended */
        static const struct {
            uint8_t b[6];
            size_t n;
        } tails[] = {
            { { 0x08, 0x05 }, 2 },                          /* msg_id again */
            { { 0x98, 0x06, 0x01 }, 3 },                    /* field 99, varint */
            { { 0x12, 0x02, 0x08, 0x01 }, 4 },              /* sender again: merged */
            { { 0x1a, 0x00 }, 2 },                          /* to again, empty */
            { { 0xa2, 0x01, 0x02, 0x08, 0x07 }, 5 },        /* peer body again */
            { { 0x6a, 0x00 }, 2 },                          /* api_request body */
            { { 0x62, 0x00 }, 2 },                          /* heartbeat body */
            { { 0xc8, 0x02, 0x2a }, 3 },                    /* acks as one varint */
            { { 0x20, 0xff, 0xff, 0xff, 0xff, 0x7f }, 6 },  /* sim_time_ms again */
        };
        size_t which = s_below(r, sizeof tails / sizeof tails[0]);
        const uint8_t *t = tails[which].b;
        size_t n = tails[which].n;
        memcpy(buf + len, t, n);
        return len + n;
    }
    case 7: { /* another envelope spliced on: every field twice */
        size_t n = olen < room - 8 - len ? olen : room - 8 - len;
        memcpy(buf + len, other, n);
        return len + n;
    }
    default: /* several at once */
        len = s_mutate(r, buf, len, other, olen, room);
        return len ? s_mutate(r, buf, len, other, olen, room) : len;
    }
}

START_TEST(mutated_envelopes_decode_as_the_reference)
{
    vs_rng_t r;
    vs_rng_seed(&r, 0xbadf00d);
    size_t prev_len = 0;
    uint8_t *prev = NULL;
    for (int i = 0; i < S_ROUNDS; i++) {
        vs_env_t env;
        s_envelope(&r, &env);
        size_t len;
        uint8_t *buf = s_same_encode(&env, &len);
        s_pool_reset();
        for (int k = 0; k < 4; k++) {
            size_t room = len + prev_len + 64;
            uint8_t *m = malloc(room);
            memcpy(m, buf, len);
            size_t mlen = s_mutate(&r, m, len, prev ? prev : buf, prev ? prev_len : len, room);
            s_same_decode(m, mlen);
            free(m);
        }
        free(prev);
        prev = buf;
        prev_len = len;
    }
    free(prev);
}
END_TEST

START_TEST(random_bytes_decode_as_the_reference)
{
    vs_rng_t r;
    vs_rng_seed(&r, 0xfeed);
    /* Random bytes, half of them opening with a covered body's key, so that
     * the fast path gets past the first field now and then. */
    static const uint8_t keys[] = { 0x08, 0x12, 0x1a, 0x20, 0x6a, 0x72, 0xa2, 0xaa, 0xc0, 0xca };
    uint8_t buf[96];
    unsigned before = s_fast_taken;
    for (int i = 0; i < S_RANDOM; i++) {
        size_t len = s_below(&r, sizeof buf);
        for (size_t k = 0; k < len; k++)
            buf[k] = (uint8_t)(s_below(&r, 3) ? s_below(&r, 256) : s_below(&r, 24));
        if (len && s_below(&r, 2))
            buf[0] = keys[s_below(&r, sizeof keys)];
        s_same_decode(buf, len);
    }
    ck_assert_uint_gt(s_fast_taken, before);
}
END_TEST

/* Strings at and past both limits, and the controls the short ones
 * refuse, in every covered string field. */
START_TEST(strings_at_their_limits)
{
    static char text[VS_WIRE_MAX_STRING + 2];
    size_t sizes[] = { VS_WIRE_MAX_SHORT, VS_WIRE_MAX_SHORT + 1, VS_WIRE_MAX_STRING,
                       VS_WIRE_MAX_STRING + 1 };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (int ctl = 0; ctl < 2; ctl++) {
            memset(text, 'x', sizes[s]);
            text[sizes[s]] = 0;
            if (ctl)
                text[sizes[s] / 2] = '\n';
            vs_env_t env;
            vpcsim__wire__envelope__init(&env);
            Vpcsim__Wire__ApiRequest req;
            vpcsim__wire__api_request__init(&req);
            Vpcsim__Wire__ApiReply rep;
            vpcsim__wire__api_reply__init(&rep);
            Vpcsim__Wire__Party party;
            vpcsim__wire__party__init(&party);
            Vpcsim__Wire__Address to;
            vpcsim__wire__address__init(&to);
            char **fields[] = { &req.action,      &req.input_json, &req.account,
                                &req.region,      &rep.output_json, &rep.error_code,
                                &rep.error_message, &party.account, &party.region,
                                &party.partition, &to.vpc_arn,     &to.account,
                                &to.region };
            for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
                char *keep = *fields[f];
                *fields[f] = text;
                env.sender = f >= 7 && f < 10 ? &party : NULL;
                env.to = f >= 10 ? &to : NULL;
                env.body_case = f >= 4 && f < 7 ? VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY
                                                : VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
                if (env.body_case == VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY)
                    env.api_reply = &rep;
                else
                    env.api_request = &req;
                size_t len;
                uint8_t *buf = s_same_encode(&env, &len);
                s_same_decode(buf, len);
                free(buf);
                *fields[f] = keep;
            }
        }
    }
}
END_TEST

/* Sets every field d declares (oneofs aside) to a value that is not its
 * default, by the descriptor: a field added to wire.proto is set here
 * without anyone thinking of it, so an encoder that does not know it
 * packs different bytes from protobuf-c. Sub-messages come from space. */
static void s_fill_all(ProtobufCMessage *m, const ProtobufCMessageDescriptor *d, uint8_t **space)
{
    static uint64_t one_item[1] = { 7 };
    static uint8_t byte[1] = { 0x42 };
    d->message_init(m);
    char *base = (char *)m;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        void *at = base + f->offset;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
            continue;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            ck_assert_int_eq(f->type, PROTOBUF_C_TYPE_UINT64);
            *(size_t *)(base + f->quantifier_offset) = 1;
            *(uint64_t **)at = one_item;
            continue;
        }
        switch (f->type) {
        case PROTOBUF_C_TYPE_UINT64:
        case PROTOBUF_C_TYPE_INT64:
            *(uint64_t *)at = 300;
            break;
        case PROTOBUF_C_TYPE_UINT32:
        case PROTOBUF_C_TYPE_INT32:
        case PROTOBUF_C_TYPE_ENUM:
        case PROTOBUF_C_TYPE_BOOL:
            *(uint32_t *)at = 1;
            break;
        case PROTOBUF_C_TYPE_STRING:
            *(const char **)at = "x";
            break;
        case PROTOBUF_C_TYPE_BYTES:
            ((ProtobufCBinaryData *)at)->len = 1;
            ((ProtobufCBinaryData *)at)->data = byte;
            break;
        case PROTOBUF_C_TYPE_MESSAGE: {
            const ProtobufCMessageDescriptor *sd = f->descriptor;
            ProtobufCMessage *sub = (ProtobufCMessage *)*space;
            *space += (sd->sizeof_message + 15) & ~(size_t)15;
            s_fill_all(sub, sd, space);
            *(ProtobufCMessage **)at = sub;
            break;
        }
        default:
            ck_abort_msg("%s.%s: a field type check_wire_codec does not fill", d->short_name,
                         f->name);
        }
    }
}

/* Every field of every covered message set: the fast encoder packs what
 * protobuf-c packs (it would drop a field added without it), and the fast
 * decoder reads it back. */
START_TEST(every_field_of_the_covered_messages)
{
    static const int bodies[] = {
        VPCSIM__WIRE__ENVELOPE__BODY__NOT_SET, VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST,
        VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY, VPCSIM__WIRE__ENVELOPE__BODY_PEER,
        VPCSIM__WIRE__ENVELOPE__BODY_ACK,
    };
    const ProtobufCMessageDescriptor *d = &vpcsim__wire__envelope__descriptor;
    for (size_t b = 0; b < sizeof bodies / sizeof bodies[0]; b++) {
        static _Alignas(16) uint8_t space[4096];
        uint8_t *at = space;
        vs_env_t env;
        s_fill_all(&env.base, d, &at);
        if (bodies[b]) {
            const ProtobufCFieldDescriptor *f =
                protobuf_c_message_descriptor_get_field(d, (unsigned)bodies[b]);
            ck_assert_ptr_nonnull(f);
            ProtobufCMessage *body = (ProtobufCMessage *)at;
            at += (((const ProtobufCMessageDescriptor *)f->descriptor)->sizeof_message + 15) &
                  ~(size_t)15;
            s_fill_all(body, f->descriptor, &at);
            *(ProtobufCMessage **)((char *)&env + f->offset) = body;
            env.body_case = (Vpcsim__Wire__Envelope__BodyCase)bodies[b];
        }
        ck_assert(vs_wire_fast_covers(&env));
        size_t len;
        uint8_t *buf = s_same_encode(&env, &len);
        unsigned before = s_fast_taken;
        s_same_decode(buf, len);
        ck_assert_uint_eq(s_fast_taken, before + (bodies[b] ? 1 : 0));
        free(buf);
    }
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("wire_codec");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, random_envelopes_encode_and_decode_as_protobuf_c);
    tcase_add_test(tc, mutated_envelopes_decode_as_the_reference);
    tcase_add_test(tc, random_bytes_decode_as_the_reference);
    tcase_add_test(tc, strings_at_their_limits);
    tcase_add_test(tc, every_field_of_the_covered_messages);
    suite_add_tcase(s, tc);
    return s;
}
