/* pcx_wire_pb: the protobuf-c codec of the peering messages, the reference
 * the hand-written one (pcx_wire.c) is tested against byte for byte
 * (tests/check_pcx_wire_codec.c). pcx_wire.c also hands it the rare
 * message its reader does not decode itself: one whose singular sub-message
 * appears twice, which protobuf-c merges. See pcx_wire_pb.h.
 *
 * Encoding points the protobuf-c structs at the caller's value (no copies,
 * no allocation); decoding unpacks into an arena on the stack (protobuf-c
 * takes an allocator, arena.h), so a message of ordinary size costs no
 * malloc, and no free_unpacked either when all of it is in the arena.
 */
#include "pcx_wire_pb.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "peer.pb-c.h"
#include "store.pb-c.h"

/* The wire values of the user actions (index = wire value), as pcx_wire.c. */
static const vs_pcx_action_t s_actions[] = {
    VS_PCX_ACTION_COUNT, VS_PCX_ACT_ACCEPT, VS_PCX_ACT_REJECT, VS_PCX_ACT_DELETE,
    VS_PCX_ACT_MODIFY_REQUESTER_OPTIONS, VS_PCX_ACT_MODIFY_ACCEPTER_OPTIONS,
};
#define S_NACTIONS (sizeof s_actions / sizeof s_actions[0])
#define S_NTYPES (VS_PCX_MSG_GONE + 1)

static int s_action_wire(vs_pcx_action_t a)
{
    for (size_t i = 1; i < S_NACTIONS; i++)
        if (s_actions[i] == a)
            return (int)i;
    return 0;
}

/* --- encoding ------------------------------------------------------------------- */

/* Room for every CIDR a message can carry: two ends of a record and the
 * accepter's list, each up to the per-VPC maximum of both families. */
#define S_MAX_CIDRS (3 * (VS_PCX_MAX_IPV4 + VS_PCX_MAX_IPV6))

typedef struct {
    Vpcsim__Peer__Cidr cidr[S_MAX_CIDRS];
    Vpcsim__Peer__Cidr *ptr[S_MAX_CIDRS];
    size_t n;
    Vpcsim__Peer__PcxOptions opts[4];
    Vpcsim__Peer__PcxVpc vpc[2];
    Vpcsim__Peer__PcxRecord rec;
    Vpcsim__Peer__PcxCidrs cidrs;
    Vpcsim__Peer__PcxMessage msg;
} s_enc_t;

/* Points a repeated Cidr field at list (borrowed until packed). */
static Vpcsim__Peer__Cidr **s_cidrs(s_enc_t *e, const vs_cidr_t *list, size_t n)
{
    Vpcsim__Peer__Cidr **out = &e->ptr[e->n];
    for (size_t i = 0; i < n; i++) {
        Vpcsim__Peer__Cidr *c = &e->cidr[e->n];
        vpcsim__peer__cidr__init(c);
        c->addr.data = (uint8_t *)list[i].addr.bytes;
        c->addr.len = list[i].addr.family == 4 ? 4 : 16;
        c->prefix = list[i].prefix;
        e->ptr[e->n++] = c;
    }
    return out;
}

static Vpcsim__Peer__PcxOptions *s_opts(Vpcsim__Peer__PcxOptions *w, const vs_pcx_options_t *o)
{
    vpcsim__peer__pcx_options__init(w);
    w->allow_dns_resolution_from_remote_vpc = o->allow_dns_resolution_from_remote_vpc;
    w->allow_egress_from_local_classic_link_to_remote_vpc =
        o->allow_egress_from_local_classic_link_to_remote_vpc;
    w->allow_egress_from_local_vpc_to_remote_classic_link =
        o->allow_egress_from_local_vpc_to_remote_classic_link;
    return w;
}

static Vpcsim__Peer__PcxVpc *s_vpc(s_enc_t *e, int k, const vs_pcx_vpc_t *v)
{
    Vpcsim__Peer__PcxVpc *w = &e->vpc[k];
    vpcsim__peer__pcx_vpc__init(w);
    w->account = (char *)v->account;
    w->region = (char *)v->region;
    w->vpc_id = (char *)v->vpc_id;
    size_t n4 = v->n_ipv4 <= VS_PCX_MAX_IPV4 ? v->n_ipv4 : VS_PCX_MAX_IPV4;
    size_t n6 = v->n_ipv6 <= VS_PCX_MAX_IPV6 ? v->n_ipv6 : VS_PCX_MAX_IPV6;
    w->ipv4 = s_cidrs(e, v->ipv4, n4);
    w->n_ipv4 = n4;
    w->ipv6 = s_cidrs(e, v->ipv6, n6);
    w->n_ipv6 = n6;
    w->options = s_opts(&e->opts[k], &v->options);
    return w;
}

/* Points e->rec at r (borrowed until packed). */
static Vpcsim__Peer__PcxRecord *s_rec(s_enc_t *e, const vs_pcx_t *r)
{
    Vpcsim__Peer__PcxRecord *wr = &e->rec;
    vpcsim__peer__pcx_record__init(wr);
    wr->id = (char *)r->id;
    wr->requester = s_vpc(e, 0, &r->requester);
    wr->accepter = s_vpc(e, 1, &r->accepter);
    wr->state = (Vpcsim__Peer__PcxState)(r->state + 1);
    wr->status_message = (char *)r->status_message;
    wr->version = r->version;
    wr->created_ms = r->created_ms;
    wr->expiration_ms = r->expiration_ms;
    wr->state_entered_ms = r->state_entered_ms;
    wr->deleted_by = (Vpcsim__Peer__PcxSide)r->deleted_by;
    wr->inter_region = r->inter_region;
    return wr;
}

long vs_pcx_wire_pb_encode(const vs_pcx_msg_t *msg, uint8_t *buf, size_t cap)
{
    if (msg->type == VS_PCX_MSG_UNKNOWN || (unsigned)msg->type >= S_NTYPES)
        return -1;
    s_enc_t enc, *e = &enc;     /* about 17 KiB */
    e->n = 0;
    Vpcsim__Peer__PcxMessage *w = &e->msg;
    vpcsim__peer__pcx_message__init(w);
    w->type = (Vpcsim__Peer__PcxMsgType)msg->type;
    w->id = (char *)msg->id;
    if (msg->has_rec)
        w->pcx = s_rec(e, &msg->rec);
    w->ok = msg->ok;
    if (msg->has_cidrs) {
        const vs_pcx_vpc_t *v = &msg->cidrs;
        size_t n4 = v->n_ipv4 <= VS_PCX_MAX_IPV4 ? v->n_ipv4 : VS_PCX_MAX_IPV4;
        size_t n6 = v->n_ipv6 <= VS_PCX_MAX_IPV6 ? v->n_ipv6 : VS_PCX_MAX_IPV6;
        vpcsim__peer__pcx_cidrs__init(&e->cidrs);
        e->cidrs.ipv4 = s_cidrs(e, v->ipv4, n4);
        e->cidrs.n_ipv4 = n4;
        e->cidrs.ipv6 = s_cidrs(e, v->ipv6, n6);
        e->cidrs.n_ipv6 = n6;
        w->cidrs = &e->cidrs;
    }
    w->cidrs_seq = msg->cidrs_seq;
    w->op_id = msg->op_id;
    if (msg->has_action)
        w->action = (Vpcsim__Peer__PcxAction)s_action_wire(msg->action);
    if (msg->has_req_opts)
        w->requester_options = s_opts(&e->opts[2], &msg->req_opts);
    if (msg->has_acc_opts)
        w->accepter_options = s_opts(&e->opts[3], &msg->acc_opts);
    if (msg->has_code) {
        w->code = (char *)msg->code;
        w->message = (char *)msg->message;
    }
    size_t need = vpcsim__peer__pcx_message__get_packed_size(w);
    if (buf && need <= cap)
        vpcsim__peer__pcx_message__pack(w, buf);
    return need > (size_t)VS_PCX_WIRE_MAX_LEN ? -1 : (long)need;
}

/* --- decoding ------------------------------------------------------------------- */

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

static bool s_str(const char *s, char *dst, size_t dstlen)
{
    size_t n = s ? strlen(s) : 0;
    if (n >= dstlen)
        return false;
    memcpy(dst, s ? s : "", n + 1);
    return true;
}

/* A canonical block (right length, prefix in range, host bits zero). */
static bool s_cidr(const Vpcsim__Peer__Cidr *w, int family, vs_cidr_t *out)
{
    size_t len = family == 4 ? 4 : 16;
    if (!w || w->addr.len != len || w->prefix > len * 8)
        return false;
    memset(out, 0, sizeof *out);
    out->addr.family = (uint8_t)family;
    memcpy(out->addr.bytes, w->addr.data, len);
    out->prefix = (uint8_t)w->prefix;
    for (size_t bit = w->prefix; bit < len * 8; bit++)
        if (out->addr.bytes[bit / 8] & (0x80u >> (bit % 8)))
            return false;
    return true;
}

/* Appends the blocks of one family to v: false if one is bad, of the other
 * family, a duplicate, or over the maximum. */
static bool s_cidr_list(Vpcsim__Peer__Cidr *const *list, size_t n, int family, vs_pcx_vpc_t *v)
{
    if (n > (family == 4 ? VS_PCX_MAX_IPV4 : VS_PCX_MAX_IPV6))
        return false;
    for (size_t i = 0; i < n; i++) {
        vs_cidr_t c;
        if (!s_cidr(list[i], family, &c) || vs_pcx_vpc_add_cidr(v, &c) != 0)
            return false;
    }
    return true;
}

static void s_opts_in(const Vpcsim__Peer__PcxOptions *w, vs_pcx_options_t *o)
{
    o->allow_dns_resolution_from_remote_vpc = w->allow_dns_resolution_from_remote_vpc;
    o->allow_egress_from_local_classic_link_to_remote_vpc =
        w->allow_egress_from_local_classic_link_to_remote_vpc;
    o->allow_egress_from_local_vpc_to_remote_classic_link =
        w->allow_egress_from_local_vpc_to_remote_classic_link;
}

static bool s_vpc_in(const Vpcsim__Peer__PcxVpc *w, vs_pcx_vpc_t *v)
{
    memset(v, 0, sizeof *v);
    if (!w || !w->options || !s_str(w->account, v->account, sizeof v->account) ||
        !s_str(w->region, v->region, sizeof v->region) ||
        !s_str(w->vpc_id, v->vpc_id, sizeof v->vpc_id) ||
        !s_cidr_list(w->ipv4, w->n_ipv4, 4, v) || !s_cidr_list(w->ipv6, w->n_ipv6, 6, v))
        return false;
    s_opts_in(w->options, &v->options);
    return true;
}

/* The record of the message, if it is a whole, valid one. */
static bool s_rec_in(const Vpcsim__Peer__PcxRecord *w, vs_pcx_t *p)
{
    memset(p, 0, sizeof *p);
    if (!w || w->state == VPCSIM__PEER__PCX_STATE__PCX_STATE_UNKNOWN ||
        (unsigned)w->state > VS_PCX_STATE_COUNT || (unsigned)w->deleted_by > VS_PCX_SIDE_BOTH ||
        !s_str(w->id, p->id, sizeof p->id) ||
        !s_str(w->status_message, p->status_message, sizeof p->status_message) ||
        !s_vpc_in(w->requester, &p->requester) || !s_vpc_in(w->accepter, &p->accepter))
        return false;
    p->state = (vs_pcx_state_t)(w->state - 1);
    p->version = w->version;
    p->created_ms = w->created_ms;
    p->expiration_ms = w->expiration_ms;
    p->state_entered_ms = w->state_entered_ms;
    p->deleted_by = (vs_pcx_side_t)w->deleted_by;
    p->inter_region = w->inter_region;
    return vs_pcx_validate(p, NULL, 0) == 0;
}

int vs_pcx_wire_pb_decode(const uint8_t *payload, size_t len, vs_pcx_msg_t *out, char *why,
                       size_t whylen)
{
    if (!payload || len == 0 || payload[0] != 0x08)
        return s_fail(why, whylen, "not a typed peering message");
    if (len > VS_PCX_WIRE_MAX_LEN)
        return s_fail(why, whylen, "peering message over %u bytes", VS_PCX_WIRE_MAX_LEN);
    /* An ordinary message (a record with a few CIDRs) needs about 2 KiB. */
    _Alignas(16) uint8_t space[8192];
    vs_arena_t arena = VS_ARENA_INIT(space);
    ProtobufCAllocator alloc = { vs_arena_alloc, vs_arena_free, &arena };
    Vpcsim__Peer__PcxMessage *w = vpcsim__peer__pcx_message__unpack(&alloc, len, payload);
    if (!w)
        return s_fail(why, whylen, "peering message: not a PcxMessage");
    int rc = 0;
    if (w->type == VPCSIM__PEER__PCX_MSG_TYPE__PCX_MSG_UNKNOWN || (unsigned)w->type >= S_NTYPES) {
        rc = s_fail(why, whylen, "peering message: unknown type %d", (int)w->type);
        goto done;
    }
    /* vs_pcx_msg_init's work, not a call: pcx_wire.c calls this file, and
     * files of a layer do not call each other both ways (test_layers). */
    memset(out, 0, sizeof *out);
    out->type = (vs_pcx_msg_type_t)w->type;
    if (w->id && strlen(w->id) < sizeof out->id)
        strcpy(out->id, w->id);
    out->has_rec = s_rec_in(w->pcx, &out->rec);
    out->ok = w->ok;
    if (w->cidrs) {
        vs_pcx_vpc_t *v = &out->cidrs;
        out->has_cidrs = s_cidr_list(w->cidrs->ipv4, w->cidrs->n_ipv4, 4, v) &&
                         s_cidr_list(w->cidrs->ipv6, w->cidrs->n_ipv6, 6, v);
        if (!out->has_cidrs)
            memset(v, 0, sizeof *v);
    }
    out->cidrs_seq = w->cidrs_seq;
    out->op_id = w->op_id;
    if ((unsigned)w->action > 0 && (unsigned)w->action < S_NACTIONS) {
        out->has_action = true;
        out->action = s_actions[w->action];
    }
    if (w->requester_options) {
        out->has_req_opts = true;
        s_opts_in(w->requester_options, &out->req_opts);
    }
    if (w->accepter_options) {
        out->has_acc_opts = true;
        s_opts_in(w->accepter_options, &out->acc_opts);
    }
    if (w->code && *w->code) {
        out->has_code = true;
        snprintf(out->code, sizeof out->code, "%s", w->code);
        snprintf(out->message, sizeof out->message, "%s", w->message ? w->message : "");
    }
done:
    if (vs_arena_spilled(&arena))
        vpcsim__peer__pcx_message__free_unpacked(w, &alloc);
    return rc;
}

/* --- the stored view (proto/store.proto StoredPcx) ------------------------------ */

long vs_pcx_wire_pb_encode_stored(const vs_pcx_t *rec, const vs_pcx_view_t *view, uint8_t *buf,
                               size_t cap)
{
    if (view->side == VS_PCX_SIDE_NONE || (unsigned)view->side > VS_PCX_SIDE_BOTH)
        return -1;
    s_enc_t enc, *e = &enc;
    e->n = 0;
    Vpcsim__Store__StoredPcx w;
    vpcsim__store__stored_pcx__init(&w);
    w.record = s_rec(e, rec);
    w.side = (Vpcsim__Peer__PcxSide)view->side;
    w.hidden = view->hidden;
    w.accept_inflight = view->accept_inflight;
    w.request_msg_id = view->request_msg_id;
    w.cidrs_seq = view->cidrs_seq;
    size_t need = vpcsim__store__stored_pcx__get_packed_size(&w);
    if (buf && need <= cap)
        vpcsim__store__stored_pcx__pack(&w, buf);
    return need > (size_t)VS_PCX_WIRE_MAX_LEN ? -1 : (long)need;
}

int vs_pcx_wire_pb_decode_stored(const uint8_t *body, size_t len, vs_pcx_t *rec,
                              vs_pcx_view_t *view)
{
    if (!body || len == 0 || len > VS_PCX_WIRE_MAX_LEN)
        return -1;
    _Alignas(16) uint8_t space[8192];
    vs_arena_t arena = VS_ARENA_INIT(space);
    ProtobufCAllocator alloc = { vs_arena_alloc, vs_arena_free, &arena };
    Vpcsim__Store__StoredPcx *w = vpcsim__store__stored_pcx__unpack(&alloc, len, body);
    if (!w)
        return -1;
    int rc = -1;
    if (w->side == VPCSIM__PEER__PCX_SIDE__PCX_SIDE_NONE ||
        (unsigned)w->side > VS_PCX_SIDE_BOTH || !s_rec_in(w->record, rec))
        goto done;
    memset(view, 0, sizeof *view);
    view->side = (vs_pcx_side_t)w->side;
    view->hidden = w->hidden;
    view->accept_inflight = w->accept_inflight;
    view->request_msg_id = w->request_msg_id;
    view->cidrs_seq = w->cidrs_seq;
    rc = 0;
done:
    if (vs_arena_spilled(&arena))
        vpcsim__store__stored_pcx__free_unpacked(w, &alloc);
    return rc;
}
