/* wire_peek: routing fields read in place, and the sender stamp appended
 * (see wire_peek.h). */
#include "wire_peek.h"

#include <string.h>

/* As in wire.c: our messages nest three deep; bounds the recursion. */
#define S_MAX_DEPTH 8
/* Fields per message this walker tracks (a bit each); a message with
 * more is left to vs_wire_decode. */
#define S_MAX_FIELDS 64

/* Envelope fields routing reads (wire.proto); the body numbers are the
 * generated BodyCase values. check_wire_peek.c compares every one of them
 * with what vs_wire_decode makes of the same frame. */
enum {
    S_ENV_MSG_ID = 1,
    S_ENV_SENDER = 2,
    S_ENV_TO = 3,
    S_ADDR_VPC_ARN = 1,
    S_ADDR_ACCOUNT = 2,
    S_ADDR_REGION = 3,
    S_ADDR_CLIENT_ROUTE = 4,
    S_APIREQ_ACCOUNT = 3,
};

/* Which fields of the message being walked go into the peek. */
typedef enum { S_GRAB_NONE, S_GRAB_ENVELOPE, S_GRAB_TO, S_GRAB_API_REQUEST } s_grab_t;

/* The wire type protobuf-c requires of a singular field of type t. */
static int s_wire_type(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_BOOL:
    case PROTOBUF_C_TYPE_ENUM:
        return 0;
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
        return 1;
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_BYTES:
    case PROTOBUF_C_TYPE_MESSAGE:
        return 2;
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_FLOAT:
        return 5;
    default:
        return -1;
    }
}

static void s_grab_span(s_grab_t g, unsigned id, const uint8_t *p, size_t n,
                        vs_wire_peek_t *out)
{
    vs_wire_span_t *s = NULL;
    if (g == S_GRAB_TO) {
        if (id == S_ADDR_VPC_ARN)
            s = &out->to_vpc_arn;
        else if (id == S_ADDR_ACCOUNT)
            s = &out->to_account;
        else if (id == S_ADDR_REGION)
            s = &out->to_region;
        else if (id == S_ADDR_CLIENT_ROUTE)
            s = &out->to_client_route;
    } else if (g == S_GRAB_API_REQUEST && id == S_APIREQ_ACCOUNT) {
        s = &out->rq_account;
    }
    if (s) {
        s->p = p;
        s->len = n;
    }
}

/* One length-delimited field: the same limits and text rules as wire.c's
 * scan, and the walk into submessages. */
static int s_walk(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t len, int depth,
                  s_grab_t g, vs_wire_peek_t *out);

static int s_delimited(const ProtobufCFieldDescriptor *f, const uint8_t *p, size_t n, int depth,
                       s_grab_t g, vs_wire_peek_t *out)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: {
        bool is_long = vs_wire_long_string(f);
        if (n > (is_long ? VS_WIRE_MAX_STRING : VS_WIRE_MAX_SHORT) ||
            vs_wire_check_text(p, n, !is_long) != NULL)
            return -1;
        s_grab_span(g, f->id, p, n, out);
        return 0;
    }
    case PROTOBUF_C_TYPE_BYTES:
        if (n > vs_wire_bytes_limit(f))
            return -1;
        s_grab_span(g, f->id, p, n, out);
        return 0;
    case PROTOBUF_C_TYPE_MESSAGE: {
        s_grab_t sub = S_GRAB_NONE;
        if (g == S_GRAB_ENVELOPE && f->id == S_ENV_TO) {
            sub = S_GRAB_TO;
            out->has_to = true;
        } else if (g == S_GRAB_ENVELOPE && f->id == VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST) {
            sub = S_GRAB_API_REQUEST;
        }
        return s_walk(f->descriptor, p, n, depth + 1, sub, out);
    }
    default:
        return -1;
    }
}

static int s_walk(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t len, int depth,
                  s_grab_t g, vs_wire_peek_t *out)
{
    uint64_t seen = 0;
    uint32_t counts[S_MAX_FIELDS] = { 0 };
    bool oneof_seen = false;
    size_t pos = 0;

    if (depth > S_MAX_DEPTH || d->n_fields > S_MAX_FIELDS)
        return -1;
    while (pos < len) {
        uint64_t key, v;
        if (vs_wire_varint32(p, len, &pos, &key) < 0 || (key >> 3) == 0 || (key >> 3) > 0x1fffffff)
            return -1;
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field(d, (unsigned)(key >> 3));
        if (!f)
            return -1;   /* unknown field: decode keeps it; we do not bother */
        size_t idx = (size_t)(f - d->fields);
        int wt = s_wire_type(f->type);
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            /* Only repeated strings and messages: repeated numbers may
             * come packed or not, which decode sorts out. */
            if (wt != 2 || ++counts[idx] > VS_WIRE_MAX_ITEMS)
                return -1;
        } else {
            /* A second occurrence would be merged (or, in a oneof, switch
             * the member): decode's business. */
            if (seen & (1ull << idx))
                return -1;
            seen |= 1ull << idx;
            if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
                if (oneof_seen)
                    return -1;
                oneof_seen = true;
            }
        }
        if ((int)(key & 7) != wt)
            return -1;
        switch (wt) {
        case 0:
            if (vs_wire_varint(p, len, &pos, &v) < 0)
                return -1;
            if (g == S_GRAB_ENVELOPE && f->id == S_ENV_MSG_ID)
                out->msg_id = v;
            break;
        case 1:
            if (len - pos < 8)
                return -1;
            pos += 8;
            break;
        case 5:
            if (len - pos < 4)
                return -1;
            pos += 4;
            break;
        default: /* 2 */
            if (vs_wire_varint32(p, len, &pos, &v) < 0 || v > len - pos)
                return -1;
            if (g == S_GRAB_ENVELOPE && f->id == S_ENV_SENDER)
                return -1;   /* only the broker stamps it; a forged one is decode's */
            if (s_delimited(f, p + pos, (size_t)v, depth, g, out) < 0)
                return -1;
            if (g == S_GRAB_ENVELOPE && (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
                out->body = (Vpcsim__Wire__Envelope__BodyCase)f->id;
            pos += (size_t)v;
            break;
        }
    }
    return 0;
}

int vs_wire_peek(const uint8_t *buf, size_t len, vs_wire_peek_t *out)
{
    memset(out, 0, sizeof *out);
    if (!buf || len == 0 || len > VS_WIRE_MAX_FRAME)
        return -1;
    if (s_walk(&vpcsim__wire__envelope__descriptor, buf, len, 0, S_GRAB_ENVELOPE, out) < 0)
        return -1;
    if (out->body == VPCSIM__WIRE__ENVELOPE__BODY__NOT_SET || !vs_wire_body_known(out->body))
        return -1;
    return 0;
}

static size_t s_varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* The Party is packed here rather than by protobuf-c, which walks its
 * descriptor twice per message (size, then pack) for five fields; the
 * bytes are the same as vpcsim__wire__party__pack's (proto3: fields in
 * number order, zero values left out; check_wire_peek.c compares them). */
enum {
    S_PARTY_KIND = 1,
    S_PARTY_ACCOUNT = 2,
    S_PARTY_REGION = 3,
    S_PARTY_PARTITION = 4,
    S_PARTY_ROUTE = 5,
};

static size_t s_str_len(const char *s)
{
    return s ? strlen(s) : 0;
}

/* An int32 enum on the wire: a negative one is sign-extended to 64 bits. */
static uint64_t s_enum_wire(int32_t v)
{
    return (uint64_t)(int64_t)v;
}

static size_t s_len_field_size(size_t len)
{
    return len ? 1 + s_varint_size(len) + len : 0;
}

static size_t s_party_size(const Vpcsim__Wire__Party *p)
{
    size_t n = p->kind ? 1 + s_varint_size(s_enum_wire(p->kind)) : 0;
    n += s_len_field_size(s_str_len(p->account));
    n += s_len_field_size(s_str_len(p->region));
    n += s_len_field_size(s_str_len(p->partition));
    n += s_len_field_size(p->route.data ? p->route.len : 0);
    return n;
}

static uint8_t *s_put_varint(uint8_t *q, uint64_t v)
{
    while (v >= 0x80) {
        *q++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *q++ = (uint8_t)v;
    return q;
}

static uint8_t *s_put_len_field(uint8_t *q, unsigned id, const void *data, size_t len)
{
    if (len == 0)
        return q;
    *q++ = (uint8_t)((id << 3) | 2);
    q = s_put_varint(q, len);
    memcpy(q, data, len);
    return q + len;
}

size_t vs_wire_peek_stamp_size(const Vpcsim__Wire__Party *party, size_t frame_len)
{
    size_t ps = s_party_size(party);
    size_t n = 1 + s_varint_size(ps) + ps;
    if (frame_len > VS_WIRE_MAX_FRAME || n > VS_WIRE_MAX_FRAME - frame_len)
        return 0;
    return n;
}

void vs_wire_peek_restamp(const uint8_t *frame, size_t frame_len,
                          const Vpcsim__Wire__Party *party, size_t stamp_size, uint8_t *out)
{
    memcpy(out, frame, frame_len);
    uint8_t *q = out + frame_len;
    /* A field appended after the others: decoders take fields in any
     * order, and peek has made sure no sender was there before. */
    (void)stamp_size;
    *q++ = (uint8_t)((S_ENV_SENDER << 3) | 2);
    q = s_put_varint(q, s_party_size(party));
    if (party->kind) {
        *q++ = (uint8_t)(S_PARTY_KIND << 3);
        q = s_put_varint(q, s_enum_wire(party->kind));
    }
    q = s_put_len_field(q, S_PARTY_ACCOUNT, party->account, s_str_len(party->account));
    q = s_put_len_field(q, S_PARTY_REGION, party->region, s_str_len(party->region));
    q = s_put_len_field(q, S_PARTY_PARTITION, party->partition, s_str_len(party->partition));
    (void)s_put_len_field(q, S_PARTY_ROUTE, party->route.data,
                          party->route.data ? party->route.len : 0);
}
