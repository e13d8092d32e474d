/* pcx_wire: vs_pcx_msg_t <-> proto/peer.proto's PcxMessage. See pcx_wire.h.
 *
 * A hand-written codec (pb.h) straight between the C structs and the bytes:
 * no protobuf-c message tree, no arena, no copy out of one (protobuf-c was
 * 8-9% of an agent). It writes exactly the bytes protobuf-c packs and
 * accepts and refuses exactly what it unpacks; pcx_wire_pb.c is that
 * protobuf-c codec, kept as the reference (tests/check_pcx_wire_codec.c
 * compares them on random and mutated messages). The one input decoded by
 * the reference instead is a singular sub-message sent twice, which
 * protobuf-c merges field by field: our encoder never writes it.
 * The stored form of a view (StoredPcx) shares the record's code.
 */
#include "pcx_wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pb.h"
#include "pcx_wire_pb.h"

/* --- names ------------------------------------------------------------------- */

static const char *const s_type_names[] = {
    [VS_PCX_MSG_REQUEST] = "Request", [VS_PCX_MSG_VALIDATED] = "Validated",
    [VS_PCX_MSG_STATE] = "State",     [VS_PCX_MSG_OP] = "Op",
    [VS_PCX_MSG_OP_RESULT] = "OpResult", [VS_PCX_MSG_CIDRS] = "Cidrs",
    [VS_PCX_MSG_GONE] = "Gone",
};
#define S_NTYPES (sizeof s_type_names / sizeof s_type_names[0])

const char *vs_pcx_msg_type_name(vs_pcx_msg_type_t t)
{
    return (unsigned)t < S_NTYPES && s_type_names[t] ? s_type_names[t] : "?";
}

int vs_pcx_msg_type_parse(const char *name, vs_pcx_msg_type_t *out)
{
    for (size_t i = 1; name && i < S_NTYPES; i++)
        if (!strcmp(s_type_names[i], name)) {
            *out = (vs_pcx_msg_type_t)i;
            return 0;
        }
    return -1;
}

/* The user actions an Op names, in peer.proto's PcxAction order (index =
 * wire value). */
static const struct {
    const char *name;
    vs_pcx_action_t action;
} s_actions[] = {
    { NULL, VS_PCX_ACTION_COUNT },
    { "Accept", VS_PCX_ACT_ACCEPT },
    { "Reject", VS_PCX_ACT_REJECT },
    { "Delete", VS_PCX_ACT_DELETE },
    { "ModifyRequester", VS_PCX_ACT_MODIFY_REQUESTER_OPTIONS },
    { "ModifyAccepter", VS_PCX_ACT_MODIFY_ACCEPTER_OPTIONS },
};
#define S_NACTIONS (sizeof s_actions / sizeof s_actions[0])

static int s_action_wire(vs_pcx_action_t a)
{
    for (size_t i = 1; i < S_NACTIONS; i++)
        if (s_actions[i].action == a)
            return (int)i;
    return 0;
}

const char *vs_pcx_msg_action_name(vs_pcx_action_t a)
{
    int w = s_action_wire(a);
    return w ? s_actions[w].name : "?";
}

int vs_pcx_msg_action_parse(const char *name, vs_pcx_action_t *out)
{
    for (size_t i = 1; name && i < S_NACTIONS; i++)
        if (!strcmp(s_actions[i].name, name)) {
            *out = s_actions[i].action;
            return 0;
        }
    return -1;
}

void vs_pcx_msg_init(vs_pcx_msg_t *msg, vs_pcx_msg_type_t type, const char *id)
{
    memset(msg, 0, sizeof *msg);
    msg->type = type;
    if (id && strlen(id) < sizeof msg->id)
        strcpy(msg->id, id);
}

bool vs_pcx_wire_is_typed(const uint8_t *payload, size_t len)
{
    return payload && len > 0 && payload[0] == 0x08;
}

/* --- peeking ------------------------------------------------------------------- */

/* A base-128 varint at *p (at most 10 bytes, inside end); false if cut. */
static bool s_varint(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 70 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

int vs_pcx_wire_peek(const uint8_t *payload, size_t len, vs_pcx_msg_type_t *type, char *id,
                     size_t idlen)
{
    if (idlen)
        id[0] = 0;
    if (!vs_pcx_wire_is_typed(payload, len) || len > VS_PCX_WIRE_MAX_LEN)
        return -1;
    const uint8_t *p = payload, *end = payload + len;
    uint64_t t = 0;
    /* protobuf-c writes fields in number order: type (1) and id (2) come
     * first; a scan stops at the first field past them. */
    while (p < end) {
        uint64_t key, v;
        if (!s_varint(&p, end, &key))
            return -1;
        uint64_t field = key >> 3, wt = key & 7;
        if (field > 2)
            break;
        if (wt == 0 && field == 1) {
            if (!s_varint(&p, end, &t))
                return -1;
        } else if (wt == 2) {
            if (!s_varint(&p, end, &v) || v > (uint64_t)(end - p))
                return -1;
            if (field == 2 && idlen && v < idlen && !memchr(p, 0, (size_t)v)) {
                memcpy(id, p, (size_t)v);
                id[v] = 0;
            }
            p += v;
        } else {
            return -1;
        }
    }
    if (t == 0 || t >= S_NTYPES)
        return -1;
    *type = (vs_pcx_msg_type_t)t;
    return 0;
}

/* --- encoding ------------------------------------------------------------------- */

/* A repeated Cidr field: the first max of list. */
static void s_cidrs_out(vs_pb_w_t *w, uint32_t field, const vs_cidr_t *list, size_t n,
                        size_t max)
{
    if (n > max)
        n = max;
    for (size_t i = 0; i < n; i++) {
        size_t alen = list[i].addr.family == 4 ? 4 : 16;
        uint8_t prefix = list[i].prefix;
        vs_pb_key(w, field, VS_PB_LEN);
        vs_pb_varint(w, 2 + alen + (prefix ? 1 + vs_pb_varint_len(prefix) : 0));
        vs_pb_bytes(w, 1, list[i].addr.bytes, alen);
        vs_pb_uint(w, 2, prefix);
    }
}

static void s_opts_body(vs_pb_w_t *w, const vs_pcx_options_t *o)
{
    vs_pb_bool(w, 1, o->allow_dns_resolution_from_remote_vpc);
    vs_pb_bool(w, 2, o->allow_egress_from_local_classic_link_to_remote_vpc);
    vs_pb_bool(w, 3, o->allow_egress_from_local_vpc_to_remote_classic_link);
}

static void s_vpc_body(vs_pb_w_t *w, const vs_pcx_vpc_t *v)
{
    vs_pb_str(w, 1, v->account);
    vs_pb_str(w, 2, v->region);
    vs_pb_str(w, 3, v->vpc_id);
    s_cidrs_out(w, 4, v->ipv4, v->n_ipv4, VS_PCX_MAX_IPV4);
    s_cidrs_out(w, 5, v->ipv6, v->n_ipv6, VS_PCX_MAX_IPV6);
    VS_PB_SUB(w, 6, s_opts_body, &v->options);
}

static void s_rec_body(vs_pb_w_t *w, const vs_pcx_t *r)
{
    vs_pb_str(w, 1, r->id);
    VS_PB_SUB(w, 2, s_vpc_body, &r->requester);
    VS_PB_SUB(w, 3, s_vpc_body, &r->accepter);
    vs_pb_int32(w, 4, (int32_t)(r->state + 1));
    vs_pb_str(w, 5, r->status_message);
    vs_pb_uint(w, 6, r->version);
    vs_pb_uint(w, 7, r->created_ms);
    vs_pb_uint(w, 8, r->expiration_ms);
    vs_pb_uint(w, 9, r->state_entered_ms);
    vs_pb_int32(w, 10, (int32_t)r->deleted_by);
    vs_pb_bool(w, 11, r->inter_region);
}

static void s_cidrs_body(vs_pb_w_t *w, const vs_pcx_vpc_t *v)
{
    s_cidrs_out(w, 1, v->ipv4, v->n_ipv4, VS_PCX_MAX_IPV4);
    s_cidrs_out(w, 2, v->ipv6, v->n_ipv6, VS_PCX_MAX_IPV6);
}

static void s_msg_body(vs_pb_w_t *w, const vs_pcx_msg_t *msg)
{
    vs_pb_int32(w, 1, (int32_t)msg->type);
    vs_pb_str(w, 2, msg->id);
    if (msg->has_rec)
        VS_PB_SUB(w, 3, s_rec_body, &msg->rec);
    vs_pb_bool(w, 4, msg->ok);
    if (msg->has_cidrs)
        VS_PB_SUB(w, 5, s_cidrs_body, &msg->cidrs);
    vs_pb_uint(w, 6, msg->cidrs_seq);
    vs_pb_uint(w, 7, msg->op_id);
    if (msg->has_action)
        vs_pb_int32(w, 8, s_action_wire(msg->action));
    if (msg->has_req_opts)
        VS_PB_SUB(w, 9, s_opts_body, &msg->req_opts);
    if (msg->has_acc_opts)
        VS_PB_SUB(w, 10, s_opts_body, &msg->acc_opts);
    if (msg->has_code) {
        vs_pb_str(w, 11, msg->code);
        vs_pb_str(w, 12, msg->message);
    }
}

long vs_pcx_wire_encode(const vs_pcx_msg_t *msg, uint8_t *buf, size_t cap)
{
    if (msg->type == VS_PCX_MSG_UNKNOWN || (unsigned)msg->type >= S_NTYPES)
        return -1;
    vs_pb_w_t w = { NULL, 0, { 0 }, 0 };
    s_msg_body(&w, msg);
    size_t need = w.n;
    if (buf && need <= cap) {
        vs_pb_w_write(&w, buf);
        s_msg_body(&w, msg);
    }
    return need > (size_t)VS_PCX_WIRE_MAX_LEN ? -1 : (long)need;
}

/* --- decoding ------------------------------------------------------------------- */

/* What a sub-decoder found: the bytes are not protobuf-c's to accept
 * (S_BAD), or a singular sub-message came twice, which protobuf-c merges
 * and the reference codec decodes (S_MERGE). Whether the value passed our
 * checks is said apart (*good), as a bad field only drops the field. */
enum { S_OK = 0, S_BAD = -1, S_MERGE = 1 };

/* A singular sub-message field f: S_BAD if it is not length-delimited (as
 * protobuf-c refuses it), S_MERGE if *seen says it came before, else
 * S_OK with *seen set. */
static int s_sub_once(const vs_pb_field_t *f, bool *seen)
{
    if (f->wt != VS_PB_LEN)
        return S_BAD;
    if (*seen)
        return S_MERGE;
    *seen = true;
    return S_OK;
}

static int s_fail(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int s_fail(char *why, size_t whylen, const char *fmt, ...)
{
    if (why && whylen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* A string field's last value as protobuf-c hands it over: a C string, so
 * it ends at the first NUL. */
typedef struct {
    const uint8_t *p;
    size_t n;
} s_slice_t;

static s_slice_t s_slice(const vs_pb_field_t *f)
{
    const uint8_t *z = f->len ? memchr(f->data, 0, f->len) : NULL;
    return (s_slice_t){ f->data, z ? (size_t)(z - f->data) : f->len };
}

static bool s_str_in(s_slice_t s, char *dst, size_t dstlen)
{
    if (s.n >= dstlen)
        return false;
    if (s.n)
        memcpy(dst, s.p, s.n);
    dst[s.n] = 0;
    return true;
}

/* One Cidr; *good if it is a canonical block of family (right length,
 * prefix in range, host bits zero). */
static int s_cidr_in(const vs_pb_field_t *in, int family, vs_cidr_t *out, bool *good)
{
    vs_pb_r_t r = vs_pb_reader(in->data, in->len);
    vs_pb_field_t f;
    const uint8_t *addr = NULL;
    size_t alen = 0;
    uint32_t prefix = 0;
    int rc;
    while ((rc = vs_pb_next(&r, &f)) > 0) {
        if (f.field == 1) {
            if (f.wt != VS_PB_LEN)
                return S_BAD;
            addr = f.data;
            alen = f.len;
        } else if (f.field == 2) {
            if (f.wt != VS_PB_VARINT)
                return S_BAD;
            prefix = (uint32_t)f.v;
        }
    }
    if (rc < 0)
        return S_BAD;
    size_t len = family == 4 ? 4 : 16;
    *good = false;
    if (alen != len || prefix > len * 8)
        return S_OK;
    memset(out, 0, sizeof *out);
    out->addr.family = (uint8_t)family;
    memcpy(out->addr.bytes, addr, len);
    out->prefix = (uint8_t)prefix;
    for (size_t bit = prefix; bit < len * 8; bit++)
        if (out->addr.bytes[bit / 8] & (0x80u >> (bit % 8)))
            return S_OK;
    *good = true;
    return S_OK;
}

/* A Cidr of a repeated field, appended to v while *ok: *ok turns false if
 * it is bad, a duplicate, or over the maximum (the list is then dropped). */
static int s_cidr_add(const vs_pb_field_t *f, int family, vs_pcx_vpc_t *v, bool *ok)
{
    vs_cidr_t c;
    bool good = false;
    if (f->wt != VS_PB_LEN || s_cidr_in(f, family, &c, &good) != S_OK)
        return S_BAD;
    if (*ok)
        *ok = good && vs_pcx_vpc_add_cidr(v, &c) == 0;
    return S_OK;
}

static int s_opts_in(const vs_pb_field_t *in, vs_pcx_options_t *o)
{
    vs_pb_r_t r = vs_pb_reader(in->data, in->len);
    vs_pb_field_t f;
    int rc;
    memset(o, 0, sizeof *o);
    while ((rc = vs_pb_next(&r, &f)) > 0) {
        /* bool: any wire type (vs_pb_truth) */
        if (f.field == 1)
            o->allow_dns_resolution_from_remote_vpc = vs_pb_truth(&f);
        else if (f.field == 2)
            o->allow_egress_from_local_classic_link_to_remote_vpc = vs_pb_truth(&f);
        else if (f.field == 3)
            o->allow_egress_from_local_vpc_to_remote_classic_link = vs_pb_truth(&f);
    }
    return rc < 0 ? S_BAD : S_OK;
}

static int s_vpc_in(const vs_pb_field_t *in, vs_pcx_vpc_t *v, bool *good)
{
    vs_pb_r_t r = vs_pb_reader(in->data, in->len);
    vs_pb_field_t f;
    s_slice_t str[3] = { { NULL, 0 } };
    bool ok = true, has_opts = false;
    int rc;
    while ((rc = vs_pb_next(&r, &f)) > 0) {
        switch (f.field) {
        case 1: case 2: case 3:
            if (f.wt != VS_PB_LEN)
                return S_BAD;
            str[f.field - 1] = s_slice(&f);
            break;
        case 4: case 5:
            if (s_cidr_add(&f, f.field == 4 ? 4 : 6, v, &ok) != S_OK)
                return S_BAD;
            break;
        case 6:
            if ((rc = s_sub_once(&f, &has_opts)) != S_OK)
                return rc;
            if (s_opts_in(&f, &v->options) != S_OK)
                return S_BAD;
            break;
        default:
            break;
        }
    }
    if (rc < 0)
        return S_BAD;
    *good = ok && has_opts && s_str_in(str[0], v->account, sizeof v->account) &&
            s_str_in(str[1], v->region, sizeof v->region) &&
            s_str_in(str[2], v->vpc_id, sizeof v->vpc_id);
    return S_OK;
}

/* A PcxRecord into *p, which the caller has cleared (so have its VPCs:
 * the message is 10 KiB, clearing it once is enough); *good if it is a
 * whole, valid one (else *p is cleared again). */
static int s_rec_in(const vs_pb_field_t *in, vs_pcx_t *p, bool *good)
{
    vs_pb_r_t r = vs_pb_reader(in->data, in->len);
    vs_pb_field_t f;
    s_slice_t id = { NULL, 0 }, status = { NULL, 0 };
    uint32_t state = 0, deleted_by = 0;
    uint64_t u[4] = { 0 };
    bool inter_region = false, has_req = false, has_acc = false, req_ok = false, acc_ok = false;
    int rc;
    while ((rc = vs_pb_next(&r, &f)) > 0) {
        switch (f.field) {
        case 1: case 5:
            if (f.wt != VS_PB_LEN)
                return S_BAD;
            *(f.field == 1 ? &id : &status) = s_slice(&f);
            break;
        case 2: case 3: {
            bool *has = f.field == 2 ? &has_req : &has_acc;
            if ((rc = s_sub_once(&f, has)) != S_OK)
                return rc;
            rc = s_vpc_in(&f, f.field == 2 ? &p->requester : &p->accepter,
                          f.field == 2 ? &req_ok : &acc_ok);
            if (rc != S_OK)
                return rc;
            break;
        }
        case 11: /* bool: any wire type */
            inter_region = vs_pb_truth(&f);
            break;
        case 4: case 10: case 6: case 7: case 8: case 9:
            if (f.wt != VS_PB_VARINT)
                return S_BAD;
            if (f.field == 4)
                state = (uint32_t)f.v;
            else if (f.field == 10)
                deleted_by = (uint32_t)f.v;
            else
                u[f.field - 6] = f.v;
            break;
        default:
            break;
        }
    }
    if (rc < 0)
        return S_BAD;
    *good = state != 0 && state <= VS_PCX_STATE_COUNT && deleted_by <= VS_PCX_SIDE_BOTH &&
            req_ok && acc_ok && s_str_in(id, p->id, sizeof p->id) &&
            s_str_in(status, p->status_message, sizeof p->status_message);
    if (*good) {
        p->state = (vs_pcx_state_t)(state - 1);
        p->version = u[0];
        p->created_ms = u[1];
        p->expiration_ms = u[2];
        p->state_entered_ms = u[3];
        p->deleted_by = (vs_pcx_side_t)deleted_by;
        p->inter_region = inter_region;
        *good = vs_pcx_validate(p, NULL, 0) == 0;
    }
    if (!*good)
        memset(p, 0, sizeof *p);
    return S_OK;
}

/* The accepter's CIDR lists (PcxCidrs) into v, cleared by the caller;
 * *good if both are. */
static int s_cidrs_in(const vs_pb_field_t *in, vs_pcx_vpc_t *v, bool *good)
{
    vs_pb_r_t r = vs_pb_reader(in->data, in->len);
    vs_pb_field_t f;
    bool ok = true;
    int rc;
    while ((rc = vs_pb_next(&r, &f)) > 0)
        if ((f.field == 1 || f.field == 2) &&
            s_cidr_add(&f, f.field == 1 ? 4 : 6, v, &ok) != S_OK)
            return S_BAD;
    if (rc < 0)
        return S_BAD;
    *good = ok;
    if (!ok)
        memset(v, 0, sizeof *v);
    return S_OK;
}

/* A PcxMessage into out (cleared first); *type its type, checked by the
 * caller. */
static int s_msg_in(const uint8_t *payload, size_t len, vs_pcx_msg_t *out, uint32_t *type)
{
    vs_pb_r_t r = vs_pb_reader(payload, len);
    vs_pb_field_t f;
    s_slice_t id = { NULL, 0 }, code = { NULL, 0 }, text = { NULL, 0 };
    uint32_t action = 0;
    bool has_rec = false, has_cidrs = false;
    int rc;
    memset(out, 0, sizeof *out);
    *type = 0;
    while ((rc = vs_pb_next(&r, &f)) > 0) {
        switch (f.field) {
        case 4: /* bool: any wire type */
            out->ok = vs_pb_truth(&f);
            break;
        case 1: case 6: case 7: case 8:
            if (f.wt != VS_PB_VARINT)
                return S_BAD;
            if (f.field == 1)
                *type = (uint32_t)f.v;
            else if (f.field == 6)
                out->cidrs_seq = f.v;
            else if (f.field == 7)
                out->op_id = f.v;
            else
                action = (uint32_t)f.v;
            break;
        case 2: case 11: case 12:
            if (f.wt != VS_PB_LEN)
                return S_BAD;
            *(f.field == 2 ? &id : f.field == 11 ? &code : &text) = s_slice(&f);
            break;
        case 3:
            if ((rc = s_sub_once(&f, &has_rec)) != S_OK)
                return rc;
            if ((rc = s_rec_in(&f, &out->rec, &out->has_rec)) != S_OK)
                return rc;
            break;
        case 5:
            if ((rc = s_sub_once(&f, &has_cidrs)) != S_OK)
                return rc;
            if (s_cidrs_in(&f, &out->cidrs, &out->has_cidrs) != S_OK)
                return S_BAD;
            break;
        case 9: case 10: {
            bool *has = f.field == 9 ? &out->has_req_opts : &out->has_acc_opts;
            if ((rc = s_sub_once(&f, has)) != S_OK)
                return rc;
            if (s_opts_in(&f, f.field == 9 ? &out->req_opts : &out->acc_opts) != S_OK)
                return S_BAD;
            break;
        }
        default:
            break;
        }
    }
    if (rc < 0)
        return S_BAD;
    out->type = (vs_pcx_msg_type_t)*type;
    if (!s_str_in(id, out->id, sizeof out->id))
        out->id[0] = 0;
    if (action > 0 && action < S_NACTIONS) {
        out->has_action = true;
        out->action = s_actions[action].action;
    }
    if (code.n) {
        /* Truncated, not refused, as snprintf did. */
        out->has_code = true;
        s_slice_t c = code, t = text;
        if (c.n >= sizeof out->code)
            c.n = sizeof out->code - 1;
        if (t.n >= sizeof out->message)
            t.n = sizeof out->message - 1;
        s_str_in(c, out->code, sizeof out->code);
        s_str_in(t, out->message, sizeof out->message);
    }
    return S_OK;
}

int vs_pcx_wire_decode(const uint8_t *payload, size_t len, vs_pcx_msg_t *out, char *why,
                       size_t whylen)
{
    if (!vs_pcx_wire_is_typed(payload, len))
        return s_fail(why, whylen, "not a typed peering message");
    if (len > VS_PCX_WIRE_MAX_LEN)
        return s_fail(why, whylen, "peering message over %u bytes", VS_PCX_WIRE_MAX_LEN);
    uint32_t type;
    int rc = s_msg_in(payload, len, out, &type);
    if (rc == S_MERGE)
        return vs_pcx_wire_pb_decode(payload, len, out, why, whylen);
    if (rc != S_OK)
        return s_fail(why, whylen, "peering message: not a PcxMessage");
    if (type == VS_PCX_MSG_UNKNOWN || type >= S_NTYPES)
        return s_fail(why, whylen, "peering message: unknown type %d", (int)(int32_t)type);
    return 0;
}

/* --- the stored view (proto/store.proto StoredPcx) ------------------------------ */

typedef struct {
    const vs_pcx_t *rec;
    const vs_pcx_view_t *view;
} s_stored_t;

static void s_stored_body(vs_pb_w_t *w, const s_stored_t *s)
{
    VS_PB_SUB(w, 1, s_rec_body, s->rec);
    vs_pb_int32(w, 2, (int32_t)s->view->side);
    vs_pb_bool(w, 3, s->view->hidden);
    vs_pb_bool(w, 4, s->view->accept_inflight);
    vs_pb_uint(w, 5, s->view->request_msg_id);
    vs_pb_uint(w, 6, s->view->cidrs_seq);
}

long vs_pcx_wire_encode_stored(const vs_pcx_t *rec, const vs_pcx_view_t *view, uint8_t *buf,
                               size_t cap)
{
    if (view->side == VS_PCX_SIDE_NONE || (unsigned)view->side > VS_PCX_SIDE_BOTH)
        return -1;
    s_stored_t s = { rec, view };
    vs_pb_w_t w = { NULL, 0, { 0 }, 0 };
    s_stored_body(&w, &s);
    size_t need = w.n;
    if (buf && need <= cap) {
        vs_pb_w_write(&w, buf);
        s_stored_body(&w, &s);
    }
    return need > (size_t)VS_PCX_WIRE_MAX_LEN ? -1 : (long)need;
}

int vs_pcx_wire_decode_stored(const uint8_t *body, size_t len, vs_pcx_t *rec,
                              vs_pcx_view_t *view)
{
    if (!body || len == 0 || len > VS_PCX_WIRE_MAX_LEN)
        return -1;
    vs_pb_r_t r = vs_pb_reader(body, len);
    vs_pb_field_t f;
    vs_pcx_view_t v = { 0 };
    uint32_t side = 0;
    bool has_rec = false, rec_ok = false;
    int rc;
    memset(rec, 0, sizeof *rec);
    while ((rc = vs_pb_next(&r, &f)) > 0) {
        switch (f.field) {
        case 1:
            if ((rc = s_sub_once(&f, &has_rec)) == S_OK)
                rc = s_rec_in(&f, rec, &rec_ok);
            if (rc == S_MERGE)
                return vs_pcx_wire_pb_decode_stored(body, len, rec, view);
            if (rc != S_OK)
                return -1;
            break;
        case 3: case 4: /* bool: any wire type */
            *(f.field == 3 ? &v.hidden : &v.accept_inflight) = vs_pb_truth(&f);
            break;
        case 2: case 5: case 6:
            if (f.wt != VS_PB_VARINT)
                return -1;
            if (f.field == 2)
                side = (uint32_t)f.v;
            else if (f.field == 5)
                v.request_msg_id = f.v;
            else
                v.cidrs_seq = f.v;
            break;
        default:
            break;
        }
    }
    if (rc < 0 || side == VS_PCX_SIDE_NONE || side > VS_PCX_SIDE_BOTH || !rec_ok)
        return -1;
    v.side = (vs_pcx_side_t)side;
    *view = v;
    return 0;
}
