/* wire_fast: the hot envelopes by hand (see wire_fast.h).
 *
 * Decoding mirrors protobuf-c 1.4's unpack field by field for the covered
 * messages (pb.h reads the framing as it does) and applies wire.c's
 * limits at the same places: strings through vs_wire_check_text with the
 * short or long limit vs_wire_long_string gives their field, routing ids
 * up to VS_WIRE_MAX_ROUTE bytes, repeated fields up to VS_WIRE_MAX_ITEMS.
 * Every "not sure" is a plain -1 that unwinds to the slow path; the rules
 * for it are deliberately wider than the slow path's refusals (a key or a
 * length prefix not in its shortest form, which only a forger writes, is
 * "not sure" too), so that no corner of protobuf-c's reading needs
 * copying here.
 */
#include "wire_fast.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pb.h"

/* Envelope field numbers (wire.proto); bodies are the BodyCase values. */
enum {
    S_ENV_MSG_ID = 1,
    S_ENV_SENDER = 2,
    S_ENV_TO = 3,
    S_ENV_SIM_TIME = 4,
    S_ENV_CAUSE_ID = 40,
    S_ENV_ACKS = 41,
};

/* Occurrences of a packed repeated field kept for the second look (our
 * encoder writes one, agent_send.c's appended acks a second). */
#define S_MAX_RUNS 8

/* --- decoding ----------------------------------------------------------------- */

typedef struct {
    ProtobufCAllocator *alloc;          /* NULL: malloc, as protobuf-c */
} s_dec_t;

static void *s_alloc(s_dec_t *d, size_t n)
{
    return d->alloc ? d->alloc->alloc(d->alloc->allocator_data, n) : malloc(n);
}

/* The key as read was in its shortest form: a longer one (which
 * protobuf-c reads only partly) is left to the slow path. */
static bool s_key_plain(const uint8_t *key_at, const vs_pb_field_t *f)
{
    const uint8_t *after = f->wt == VS_PB_VARINT || f->wt == VS_PB_LEN ? f->raw : f->data;
    return (size_t)(after - key_at) == vs_pb_varint_len((uint64_t)f->field << 3 | f->wt);
}

/* The next field, or 0 at the end; -1 for framing this path leaves to the
 * slow one. */
static int s_next(vs_pb_r_t *r, vs_pb_field_t *f)
{
    const uint8_t *at = r->p;
    int rc = vs_pb_next(r, f);
    if (rc <= 0)
        return rc;
    if (!s_key_plain(at, f))
        return -1;
    if (f->wt == VS_PB_LEN && (size_t)(f->data - f->raw) != vs_pb_varint_len(f->len))
        return -1;
    return 1;
}

/* Marks field n (< 64) seen; false if it was already: a singular field
 * twice is protobuf-c's to resolve (the last wins, messages merge). */
static bool s_once(uint64_t *seen, uint32_t n)
{
    uint64_t bit = (uint64_t)1 << n;
    if (*seen & bit)
        return false;
    *seen |= bit;
    return true;
}

static int s_u64(const vs_pb_field_t *f, uint64_t *out)
{
    if (f->wt != VS_PB_VARINT)
        return -1;
    *out = f->v;
    return 0;
}

/* A bool: protobuf-c takes any wire type for it; we take the varint. */
static int s_bool(const vs_pb_field_t *f, protobuf_c_boolean *out)
{
    if (f->wt != VS_PB_VARINT)
        return -1;
    *out = vs_pb_truth(f);
    return 0;
}

/* A string, checked as wire.c's scan checks it, copied and NUL-terminated
 * as protobuf-c copies it (an empty one may share the library's ""). */
static int s_str(s_dec_t *d, const vs_pb_field_t *f, bool is_long, char **out)
{
    if (f->wt != VS_PB_LEN || f->len > (is_long ? VS_WIRE_MAX_STRING : VS_WIRE_MAX_SHORT) ||
        vs_wire_check_text(f->data, f->len, !is_long) != NULL)
        return -1;
    if (f->len == 0) {
        *out = (char *)protobuf_c_empty_string;
        return 0;
    }
    char *s = s_alloc(d, f->len + 1);
    if (!s)
        return -1;
    memcpy(s, f->data, f->len);
    s[f->len] = 0;
    *out = s;
    return 0;
}

/* Bytes up to limit; empty ones are {0, NULL}, as protobuf-c leaves them. */
static int s_bytes(s_dec_t *d, const vs_pb_field_t *f, size_t limit, ProtobufCBinaryData *out)
{
    if (f->wt != VS_PB_LEN || f->len > limit)
        return -1;
    if (f->len) {
        uint8_t *b = s_alloc(d, f->len);
        if (!b)
            return -1;
        memcpy(b, f->data, f->len);
        out->data = b;
    }
    out->len = f->len;
    return 0;
}

/* A packed run of varints: how many protobuf-c counts in it (bytes that end
 * a varint), or -1 if it would refuse it (a varint over 10 bytes, or one
 * cut off at the end). */
static long s_run_count(const uint8_t *p, size_t n)
{
    long count = 0;
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (++len > 10)
            return -1;
        if (!(p[i] & 0x80)) {
            count++;
            len = 0;
        }
    }
    return len ? -1 : count;
}

/* The values of a run s_run_count accepted, read as protobuf-c reads them
 * (bits past 64 dropped); returns where the next one goes. */
static uint64_t *s_run_fill(const uint8_t *p, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    unsigned shift = 0;
    for (size_t i = 0; i < n; i++) {
        if (shift < 64)
            v |= (uint64_t)(p[i] & 0x7f) << shift;
        shift += 7;
        if (!(p[i] & 0x80)) {
            *out++ = v;
            v = 0;
            shift = 0;
        }
    }
    return out;
}

/* A repeated uint64 field: its occurrences (packed runs or single varints)
 * gathered while walking the message, filled in once the count is known,
 * as protobuf-c sizes the array before it parses. */
typedef struct {
    vs_pb_field_t runs[S_MAX_RUNS];
    size_t n_runs, count;
} s_rep_t;

static int s_rep_add(s_rep_t *rep, const vs_pb_field_t *f)
{
    long c;
    if (rep->n_runs == S_MAX_RUNS)
        return -1;
    if (f->wt == VS_PB_VARINT)
        c = 1;
    else if (f->wt == VS_PB_LEN)
        c = s_run_count(f->data, f->len);
    else
        return -1;
    if (c < 0 || rep->count + (size_t)c > VS_WIRE_MAX_ITEMS)
        return -1;
    rep->runs[rep->n_runs++] = *f;
    rep->count += (size_t)c;
    return 0;
}

static int s_rep_fill(s_dec_t *d, const s_rep_t *rep, size_t *n_out, uint64_t **out)
{
    if (rep->count == 0)
        return 0;
    uint64_t *arr = s_alloc(d, rep->count * sizeof *arr), *at = arr;
    if (!arr)
        return -1;
    for (size_t i = 0; i < rep->n_runs; i++) {
        const vs_pb_field_t *f = &rep->runs[i];
        if (f->wt == VS_PB_VARINT)
            *at++ = f->v;
        else
            at = s_run_fill(f->data, f->len, at);
    }
    *out = arr;
    *n_out = rep->count;
    return 0;
}

/* Allocates a sub-message, initialised, so that the tree stays one
 * free_unpacked can free whatever happens next. */
#define S_NEW(d, type, init) s_new((d), sizeof(type), &(type)init)
static void *s_new(s_dec_t *d, size_t size, const void *init)
{
    void *m = s_alloc(d, size);
    if (m)
        memcpy(m, init, size);
    return m;
}

static int s_party(s_dec_t *d, const vs_pb_field_t *in, Vpcsim__Wire__Party *m)
{
    vs_pb_r_t r = vs_pb_reader(in->data, in->len);
    vs_pb_field_t f;
    uint64_t seen = 0, v;
    int rc;
    while ((rc = s_next(&r, &f)) > 0) {
        if (f.field > 5 || !s_once(&seen, f.field))
            return -1;
        switch (f.field) {
        case 1:
            if (s_u64(&f, &v) < 0)
                return -1;
            m->kind = (Vpcsim__Wire__PartyKind)(int32_t)(uint32_t)v;
            break;
        case 2: rc = s_str(d, &f, false, &m->account); break;
        case 3: rc = s_str(d, &f, false, &m->region); break;
        case 4: rc = s_str(d, &f, false, &m->partition); break;
        case 5: rc = s_bytes(d, &f, VS_WIRE_MAX_ROUTE, &m->route); break;
        default: return -1;
        }
        if (rc < 0)
            return -1;
    }
    return rc;
}

static int s_address(s_dec_t *d, const vs_pb_field_t *in, Vpcsim__Wire__Address *m)
{
    vs_pb_r_t r = vs_pb_reader(in->data, in->len);
    vs_pb_field_t f;
    uint64_t seen = 0;
    int rc;
    while ((rc = s_next(&r, &f)) > 0) {
        if (f.field > 4 || !s_once(&seen, f.field))
            return -1;
        switch (f.field) {
        case 1: rc = s_str(d, &f, false, &m->vpc_arn); break;
        case 2: rc = s_str(d, &f, false, &m->account); break;
        case 3: rc = s_str(d, &f, false, &m->region); break;
        case 4: rc = s_bytes(d, &f, VS_WIRE_MAX_ROUTE, &m->client_route); break;
        default: return -1;
        }
        if (rc < 0)
            return -1;
    }
    return rc;
}

static int s_api_request(s_dec_t *d, const vs_pb_field_t *in, Vpcsim__Wire__ApiRequest *m)
{
    vs_pb_r_t r = vs_pb_reader(in->data, in->len);
    vs_pb_field_t f;
    uint64_t seen = 0;
    int rc;
    while ((rc = s_next(&r, &f)) > 0) {
        if (f.field > 4 || !s_once(&seen, f.field))
            return -1;
        switch (f.field) {
        case 1: rc = s_str(d, &f, false, &m->action); break;
        case 2: rc = s_str(d, &f, true, &m->input_json); break;
        case 3: rc = s_str(d, &f, false, &m->account); break;
        case 4: rc = s_str(d, &f, false, &m->region); break;
        default: return -1;
        }
        if (rc < 0)
            return -1;
    }
    return rc;
}

static int s_api_reply(s_dec_t *d, const vs_pb_field_t *in, Vpcsim__Wire__ApiReply *m)
{
    vs_pb_r_t r = vs_pb_reader(in->data, in->len);
    vs_pb_field_t f;
    uint64_t seen = 0;
    int rc;
    while ((rc = s_next(&r, &f)) > 0) {
        if (f.field > 5 || !s_once(&seen, f.field))
            return -1;
        switch (f.field) {
        case 1: rc = s_u64(&f, &m->in_reply_to); break;
        case 2: rc = s_bool(&f, &m->ok); break;
        case 3: rc = s_str(d, &f, true, &m->output_json); break;
        case 4: rc = s_str(d, &f, false, &m->error_code); break;
        case 5: rc = s_str(d, &f, true, &m->error_message); break;
        default: return -1;
        }
        if (rc < 0)
            return -1;
    }
    return rc;
}

static int s_peer(s_dec_t *d, const vs_pb_field_t *in, Vpcsim__Wire__PeerMessage *m)
{
    vs_pb_r_t r = vs_pb_reader(in->data, in->len);
    vs_pb_field_t f;
    uint64_t seen = 0;
    int rc;
    while ((rc = s_next(&r, &f)) > 0) {
        if (f.field > 4 || !s_once(&seen, f.field))
            return -1;
        switch (f.field) {
        case 1: rc = s_bytes(d, &f, VS_WIRE_MAX_FRAME, &m->payload); break;
        case 2: rc = s_bool(&f, &m->sealed); break;
        case 3: rc = s_u64(&f, &m->ack_floor); break;
        case 4: rc = s_u64(&f, &m->epoch); break;
        default: return -1;
        }
        if (rc < 0)
            return -1;
    }
    return rc;
}

static int s_ack(s_dec_t *d, const vs_pb_field_t *in, Vpcsim__Wire__Ack *m)
{
    vs_pb_r_t r = vs_pb_reader(in->data, in->len);
    vs_pb_field_t f;
    uint64_t seen = 0;
    s_rep_t more;
    more.n_runs = more.count = 0;       /* runs[] is filled as found: no memset */
    int rc;
    while ((rc = s_next(&r, &f)) > 0) {
        if (f.field == 1 && s_once(&seen, 1))
            rc = s_u64(&f, &m->acked_msg_id);
        else if (f.field == 2)
            rc = s_rep_add(&more, &f);
        else
            return -1;
        if (rc < 0)
            return -1;
    }
    if (rc < 0)
        return -1;
    return s_rep_fill(d, &more, &m->n_more_acked, &m->more_acked);
}

/* One body: allocated, hung on env (so an unwinding free finds it), then
 * filled. */
static int s_body(s_dec_t *d, const vs_pb_field_t *f, vs_env_t *env)
{
    if (f->wt != VS_PB_LEN)
        return -1;
    switch (f->field) {
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST: {
        Vpcsim__Wire__ApiRequest *m =
            S_NEW(d, Vpcsim__Wire__ApiRequest, VPCSIM__WIRE__API_REQUEST__INIT);
        if (!m)
            return -1;
        env->api_request = m;
        env->body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
        return s_api_request(d, f, m);
    }
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY: {
        Vpcsim__Wire__ApiReply *m = S_NEW(d, Vpcsim__Wire__ApiReply, VPCSIM__WIRE__API_REPLY__INIT);
        if (!m)
            return -1;
        env->api_reply = m;
        env->body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY;
        return s_api_reply(d, f, m);
    }
    case VPCSIM__WIRE__ENVELOPE__BODY_PEER: {
        Vpcsim__Wire__PeerMessage *m =
            S_NEW(d, Vpcsim__Wire__PeerMessage, VPCSIM__WIRE__PEER_MESSAGE__INIT);
        if (!m)
            return -1;
        env->peer = m;
        env->body_case = VPCSIM__WIRE__ENVELOPE__BODY_PEER;
        return s_peer(d, f, m);
    }
    case VPCSIM__WIRE__ENVELOPE__BODY_ACK: {
        Vpcsim__Wire__Ack *m = S_NEW(d, Vpcsim__Wire__Ack, VPCSIM__WIRE__ACK__INIT);
        if (!m)
            return -1;
        env->ack = m;
        env->body_case = VPCSIM__WIRE__ENVELOPE__BODY_ACK;
        return s_ack(d, f, m);
    }
    default:
        return -1;
    }
}

static int s_envelope(s_dec_t *d, const uint8_t *buf, size_t len, vs_env_t *env)
{
    vs_pb_r_t r = vs_pb_reader(buf, len);
    vs_pb_field_t f;
    uint64_t seen = 0;
    s_rep_t acks;
    acks.n_runs = acks.count = 0;       /* runs[] is filled as found: no memset */
    int rc;
    while ((rc = s_next(&r, &f)) > 0) {
        switch (f.field) {
        case S_ENV_MSG_ID:
        case S_ENV_SIM_TIME:
        case S_ENV_CAUSE_ID:
            if (!s_once(&seen, f.field))
                return -1;
            rc = s_u64(&f, f.field == S_ENV_MSG_ID     ? &env->msg_id
                           : f.field == S_ENV_SIM_TIME ? &env->sim_time_ms
                                                       : &env->cause_id);
            break;
        case S_ENV_SENDER:
            if (!s_once(&seen, f.field) || f.wt != VS_PB_LEN ||
                !(env->sender = S_NEW(d, Vpcsim__Wire__Party, VPCSIM__WIRE__PARTY__INIT)))
                return -1;
            rc = s_party(d, &f, env->sender);
            break;
        case S_ENV_TO:
            if (!s_once(&seen, f.field) || f.wt != VS_PB_LEN ||
                !(env->to = S_NEW(d, Vpcsim__Wire__Address, VPCSIM__WIRE__ADDRESS__INIT)))
                return -1;
            rc = s_address(d, &f, env->to);
            break;
        case S_ENV_ACKS:
            rc = s_rep_add(&acks, &f);
            break;
        default:
            /* A body: one only (a second, of any kind, is protobuf-c's to
             * resolve); any other field is unknown here. */
            if (f.field < VPCSIM__WIRE__ENVELOPE__BODY_HELLO ||
                f.field > VPCSIM__WIRE__ENVELOPE__BODY_ACK ||
                env->body_case != VPCSIM__WIRE__ENVELOPE__BODY__NOT_SET)
                return -1;
            rc = s_body(d, &f, env);
            break;
        }
        if (rc < 0)
            return -1;
    }
    if (rc < 0 || env->body_case == VPCSIM__WIRE__ENVELOPE__BODY__NOT_SET)
        return -1;
    return s_rep_fill(d, &acks, &env->n_acks, &env->acks);
}

vs_env_t *vs_wire_fast_decode(ProtobufCAllocator *alloc, const uint8_t *buf, size_t len)
{
    s_dec_t d = { alloc };
    if (!buf || len == 0 || len > VS_WIRE_MAX_FRAME)
        return NULL;
    vs_env_t *env = S_NEW(&d, vs_env_t, VPCSIM__WIRE__ENVELOPE__INIT);
    if (!env)
        return NULL;
    if (s_envelope(&d, buf, len, env) < 0) {
        vpcsim__wire__envelope__free_unpacked(env, alloc);
        return NULL;
    }
    return env;
}

/* --- encoding ----------------------------------------------------------------- */

/* A packed repeated uint64, as protobuf-c packs it: nothing when empty. */
static void s_packed(vs_pb_w_t *w, uint32_t field, const uint64_t *v, size_t n)
{
    if (n == 0)
        return;
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += vs_pb_varint_len(v[i]);
    vs_pb_key(w, field, VS_PB_LEN);
    vs_pb_varint(w, len);
    if (!w->p) {
        w->n += len;
        return;
    }
    for (size_t i = 0; i < n; i++)
        vs_pb_varint(w, v[i]);
}

static void s_party_out(vs_pb_w_t *w, const Vpcsim__Wire__Party *m)
{
    vs_pb_int32(w, 1, m->kind);
    vs_pb_str(w, 2, m->account);
    vs_pb_str(w, 3, m->region);
    vs_pb_str(w, 4, m->partition);
    vs_pb_bytes(w, 5, m->route.data, m->route.len);
}

static void s_address_out(vs_pb_w_t *w, const Vpcsim__Wire__Address *m)
{
    vs_pb_str(w, 1, m->vpc_arn);
    vs_pb_str(w, 2, m->account);
    vs_pb_str(w, 3, m->region);
    vs_pb_bytes(w, 4, m->client_route.data, m->client_route.len);
}

static void s_api_request_out(vs_pb_w_t *w, const Vpcsim__Wire__ApiRequest *m)
{
    vs_pb_str(w, 1, m->action);
    vs_pb_str(w, 2, m->input_json);
    vs_pb_str(w, 3, m->account);
    vs_pb_str(w, 4, m->region);
}

static void s_api_reply_out(vs_pb_w_t *w, const Vpcsim__Wire__ApiReply *m)
{
    vs_pb_uint(w, 1, m->in_reply_to);
    vs_pb_bool(w, 2, m->ok);
    vs_pb_str(w, 3, m->output_json);
    vs_pb_str(w, 4, m->error_code);
    vs_pb_str(w, 5, m->error_message);
}

static void s_peer_out(vs_pb_w_t *w, const Vpcsim__Wire__PeerMessage *m)
{
    vs_pb_bytes(w, 1, m->payload.data, m->payload.len);
    vs_pb_bool(w, 2, m->sealed);
    vs_pb_uint(w, 3, m->ack_floor);
    vs_pb_uint(w, 4, m->epoch);
}

static void s_ack_out(vs_pb_w_t *w, const Vpcsim__Wire__Ack *m)
{
    vs_pb_uint(w, 1, m->acked_msg_id);
    s_packed(w, 2, m->more_acked, m->n_more_acked);
}

/* Fields in number order, as protobuf-c packs them: the body (10..21)
 * comes before cause_id (40) and acks (41). */
static void s_envelope_out(vs_pb_w_t *w, const vs_env_t *env)
{
    vs_pb_uint(w, S_ENV_MSG_ID, env->msg_id);
    if (env->sender)
        VS_PB_SUB(w, S_ENV_SENDER, s_party_out, env->sender);
    if (env->to)
        VS_PB_SUB(w, S_ENV_TO, s_address_out, env->to);
    vs_pb_uint(w, S_ENV_SIM_TIME, env->sim_time_ms);
    switch (env->body_case) {
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST:
        if (env->api_request)
            VS_PB_SUB(w, VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST, s_api_request_out,
                  env->api_request);
        break;
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY:
        if (env->api_reply)
            VS_PB_SUB(w, VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY, s_api_reply_out, env->api_reply);
        break;
    case VPCSIM__WIRE__ENVELOPE__BODY_PEER:
        if (env->peer)
            VS_PB_SUB(w, VPCSIM__WIRE__ENVELOPE__BODY_PEER, s_peer_out, env->peer);
        break;
    case VPCSIM__WIRE__ENVELOPE__BODY_ACK:
        if (env->ack)
            VS_PB_SUB(w, VPCSIM__WIRE__ENVELOPE__BODY_ACK, s_ack_out, env->ack);
        break;
    default:
        break;
    }
    vs_pb_uint(w, S_ENV_CAUSE_ID, env->cause_id);
    s_packed(w, S_ENV_ACKS, env->acks, env->n_acks);
}

/* m (may be NULL) is a plain message of descriptor d: protobuf-c would
 * also pack unknown fields a decoded tree kept, which we do not. */
static bool s_plain(const void *m, const ProtobufCMessageDescriptor *d)
{
    const ProtobufCMessage *b = m;
    return !b || (b->descriptor == d && b->n_unknown_fields == 0);
}

bool vs_wire_fast_covers(const vs_env_t *env)
{
    if (!s_plain(env, &vpcsim__wire__envelope__descriptor) ||
        !s_plain(env->sender, &vpcsim__wire__party__descriptor) ||
        !s_plain(env->to, &vpcsim__wire__address__descriptor))
        return false;
    switch (env->body_case) {
    case VPCSIM__WIRE__ENVELOPE__BODY__NOT_SET:
        return true;
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST:
        return s_plain(env->api_request, &vpcsim__wire__api_request__descriptor);
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY:
        return s_plain(env->api_reply, &vpcsim__wire__api_reply__descriptor);
    case VPCSIM__WIRE__ENVELOPE__BODY_PEER:
        return s_plain(env->peer, &vpcsim__wire__peer_message__descriptor);
    case VPCSIM__WIRE__ENVELOPE__BODY_ACK:
        return s_plain(env->ack, &vpcsim__wire__ack__descriptor);
    default:
        return false;
    }
}

size_t vs_wire_fast_count(const vs_env_t *env, vs_pb_w_t *w)
{
    *w = (vs_pb_w_t){ .p = NULL };
    s_envelope_out(w, env);
    return w->n;
}

size_t vs_wire_fast_write(const vs_env_t *env, vs_pb_w_t *w, uint8_t *out)
{
    vs_pb_w_write(w, out);
    s_envelope_out(w, env);
    return w->n;
}
