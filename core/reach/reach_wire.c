/* reach_wire: vs_reach_msg_t <-> proto/peer.proto's ReachMessage and the
 * older JSON form. See reach_wire.h.
 *
 * A probe's fields are typed and checked here as reach_json.c checks the
 * JSON form. A result's component lists are AWS's PathComponent and
 * Explanation shapes, printed to the user as they are, so they travel as
 * JSON text and are checked by vs_reach_part_from_json itself: both forms
 * accept exactly the same results.
 */
#include "reach_wire.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "peer.pb-c.h"

#define S_TAG 0x18    /* field 3, varint: ReachMessage.type (peer.proto) */

void vs_reach_msg_clear(vs_reach_msg_t *msg)
{
    vs_reach_part_free(&msg->part);
    free(msg->ct);
    memset(msg, 0, sizeof *msg);
}

const char *vs_reach_msg_type_name(vs_reach_msg_type_t type)
{
    switch (type) {
    case VS_REACH_MSG_PROBE: return "Probe";
    case VS_REACH_MSG_RESULT: return "ProbeResult";
    case VS_REACH_MSG_KEY: return "ReachKey";
    case VS_REACH_MSG_SEALED: return "Sealed";
    }
    return "?";
}

bool vs_reach_wire_is_typed(const uint8_t *payload, size_t len)
{
    return payload && len > 0 && payload[0] == S_TAG;
}

/* --- checks shared by both forms ---------------------------------------------- */

/* As reach_json.c's: NUL-terminated, shorter than cap, non-empty unless
 * may_be_empty. */
static bool s_copy(char *dst, size_t cap, const char *src, bool may_be_empty)
{
    size_t n = src ? strnlen(src, cap) : cap;
    if (n >= cap || (!may_be_empty && n == 0))
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

static bool s_id(char *dst, const char *src)
{
    return s_copy(dst, VS_ID_LEN, src, false) && vs_id_valid(dst, "nia");
}

static bool s_ip(vs_ip_t *ip, ProtobufCBinaryData b)
{
    memset(ip, 0, sizeof *ip);
    if (b.len != 4 && b.len != 16)
        return false;
    ip->family = b.len == 4 ? 4 : 6;
    memcpy(ip->bytes, b.data, b.len);
    return true;
}

static bool s_bytes(uint8_t *dst, size_t n, ProtobufCBinaryData b)
{
    if (b.len != n)
        return false;
    memcpy(dst, b.data, n);
    return true;
}

/* --- encoding ------------------------------------------------------------------ */

static ProtobufCBinaryData s_bin(const uint8_t *p, size_t n)
{
    ProtobufCBinaryData b = { n, (uint8_t *)p };
    return b;
}

long vs_reach_wire_encode(const vs_reach_msg_t *msg, uint8_t *buf, size_t cap)
{
    Vpcsim__Peer__ReachMessage w = VPCSIM__PEER__REACH_MESSAGE__INIT;
    Vpcsim__Peer__ReachProbe pw = VPCSIM__PEER__REACH_PROBE__INIT;
    Vpcsim__Peer__ReachPart rw = VPCSIM__PEER__REACH_PART__INIT;
    char *sgs[VS_INSTANCE_MAX_SGS];
    char *lists[3] = { NULL, NULL, NULL };
    long rc = -1;
    w.type = (Vpcsim__Peer__ReachMsgType)msg->type;
    switch (msg->type) {
    case VS_REACH_MSG_PROBE: {
        const vs_reach_probe_t *p = &msg->probe;
        size_t alen = p->pkt.src.family == 6 ? 16 : 4;
        if (p->nsrc_sgs > VS_INSTANCE_MAX_SGS)
            return -1;
        w.id = (char *)msg->id;
        pw.proto = (uint32_t)p->pkt.proto;
        pw.port = p->pkt.port;
        pw.src = s_bin(p->pkt.src.bytes, alen);
        pw.dst = s_bin(p->pkt.dst.bytes, p->pkt.dst.family == 6 ? 16 : 4);
        pw.src_account = (char *)p->src_account;
        pw.src_vpc = (char *)p->src_vpc;
        for (size_t i = 0; i < p->nsrc_sgs; i++)
            sgs[i] = (char *)p->src_sgs[i];
        pw.n_src_sgs = p->nsrc_sgs;
        pw.src_sgs = sgs;
        pw.dst_vpc = (char *)p->dst_vpc;
        pw.pcx = (char *)p->pcx_id;
        pw.eni = (char *)p->want_eni;
        w.probe = &pw;
        break;
    }
    case VS_REACH_MSG_RESULT: {
        const vs_json_t *src[3] = { msg->part.fwd, msg->part.ret, msg->part.expl };
        for (int i = 0; i < 3; i++)
            if (!(lists[i] = src[i] ? vs_json_dump(src[i], 0) : strdup("[]")))
                goto done;
        w.id = (char *)msg->id;
        rw.ok = msg->part.ok;
        rw.forward = lists[0];
        rw.return_path = lists[1];
        rw.explanations = lists[2];
        rw.warning = (char *)msg->part.warning;
        w.part = &rw;
        break;
    }
    case VS_REACH_MSG_KEY:
        w.pk = s_bin(msg->pk, VS_SEAL_KEY_LEN);
        w.reply = msg->reply;
        break;
    case VS_REACH_MSG_SEALED:
        w.pk = s_bin(msg->pk, VS_SEAL_KEY_LEN);
        w.nonce = s_bin(msg->nonce, VS_SEAL_NONCE_LEN);
        w.ciphertext = s_bin(msg->ct, msg->ctlen);
        break;
    default:
        return -1;
    }
    size_t need = vpcsim__peer__reach_message__get_packed_size(&w);
    /* A clear probe or result must stay small enough to be sealed. */
    size_t max = msg->type == VS_REACH_MSG_SEALED ? VS_REACH_WIRE_MAX_LEN : VS_SEAL_MAX_PLAIN;
    if (need > max)
        goto done;
    if (buf && need <= cap)
        vpcsim__peer__reach_message__pack(&w, buf);
    rc = (long)need;
done:
    for (int i = 0; i < 3; i++)
        free(lists[i]);
    return rc;
}

/* --- decoding ------------------------------------------------------------------ */

static int s_probe(const Vpcsim__Peer__ReachProbe *w, vs_reach_probe_t *out)
{
    vs_reach_probe_t p;
    memset(&p, 0, sizeof p);
    if (!w || (w->proto != 6 && w->proto != 17) || w->port < -1 || w->port > 65535 ||
        !s_ip(&p.pkt.src, w->src) || !s_ip(&p.pkt.dst, w->dst) ||
        p.pkt.src.family != p.pkt.dst.family ||
        !s_copy(p.src_account, sizeof p.src_account, w->src_account, false) ||
        !s_copy(p.src_vpc, sizeof p.src_vpc, w->src_vpc, false) ||
        !s_copy(p.dst_vpc, sizeof p.dst_vpc, w->dst_vpc, false) ||
        !s_copy(p.pcx_id, sizeof p.pcx_id, w->pcx, true) ||
        !s_copy(p.want_eni, sizeof p.want_eni, w->eni, true) ||
        w->n_src_sgs > VS_INSTANCE_MAX_SGS)
        return -1;
    for (size_t i = 0; i < w->n_src_sgs; i++)
        if (!s_copy(p.src_sgs[p.nsrc_sgs++], VS_ID_LEN, w->src_sgs[i], false))
            return -1;
    p.pkt.proto = (int)w->proto;
    p.pkt.port = (int)w->port;
    *out = p;
    return 0;
}

/* The lists are checked by the JSON form's reader, so that both forms
 * accept the same results. */
static int s_part(const Vpcsim__Peer__ReachPart *w, vs_reach_part_t *out)
{
    static const char *const keys[3] = { "Forward", "Return", "Explanations" };
    const char *texts[3];
    if (!w)
        return -1;
    texts[0] = w->forward;
    texts[1] = w->return_path;
    texts[2] = w->explanations;
    vs_json_t *j = vs_json_object();
    int rc = j ? 0 : -1;
    for (int i = 0; rc == 0 && i < 3; i++) {
        vs_json_t *list = texts[i] ? vs_json_parse(texts[i], strlen(texts[i]), NULL, 0) : NULL;
        if (!list || !vs_json_set(j, keys[i], list))   /* set frees list if it fails */
            rc = -1;
    }
    if (rc == 0) {
        vs_json_set_bool(j, "Ok", w->ok);
        vs_json_set_str(j, "Warning", w->warning ? w->warning : "");
        rc = vs_reach_part_from_json(j, out);
    }
    vs_json_free(&j);
    return rc;
}

int vs_reach_wire_decode(const uint8_t *payload, size_t len, vs_reach_msg_t *out)
{
    memset(out, 0, sizeof *out);
    if (!vs_reach_wire_is_typed(payload, len) || len > VS_REACH_WIRE_MAX_LEN)
        return -1;
    _Alignas(16) uint8_t space[4096];
    vs_arena_t arena = VS_ARENA_INIT(space);
    ProtobufCAllocator alloc = { vs_arena_alloc, vs_arena_free, &arena };
    Vpcsim__Peer__ReachMessage *w = vpcsim__peer__reach_message__unpack(&alloc, len, payload);
    if (!w)
        return -1;
    int rc = -1;
    switch (w->type) {
    case VPCSIM__PEER__REACH_MSG_TYPE__REACH_MSG_PROBE:
        if (!s_id(out->id, w->id) || s_probe(w->probe, &out->probe) != 0)
            goto done;
        break;
    case VPCSIM__PEER__REACH_MSG_TYPE__REACH_MSG_PROBE_RESULT:
        if (!s_id(out->id, w->id) || s_part(w->part, &out->part) != 0)
            goto done;
        break;
    case VPCSIM__PEER__REACH_MSG_TYPE__REACH_MSG_KEY:
        if (!s_bytes(out->pk, VS_SEAL_KEY_LEN, w->pk))
            goto done;
        out->reply = w->reply;
        break;
    case VPCSIM__PEER__REACH_MSG_TYPE__REACH_MSG_SEALED:
        if (!s_bytes(out->pk, VS_SEAL_KEY_LEN, w->pk) ||
            !s_bytes(out->nonce, VS_SEAL_NONCE_LEN, w->nonce) ||
            w->ciphertext.len < VS_SEAL_TAG_LEN ||
            w->ciphertext.len > VS_SEAL_MAX_PLAIN + VS_SEAL_TAG_LEN ||
            !(out->ct = malloc(w->ciphertext.len)))
            goto done;
        memcpy(out->ct, w->ciphertext.data, w->ciphertext.len);
        out->ctlen = w->ciphertext.len;
        break;
    default:
        goto done;
    }
    out->type = (vs_reach_msg_type_t)w->type;
    rc = 0;
done:
    vpcsim__peer__reach_message__free_unpacked(w, &alloc);
    return rc;
}

int vs_reach_wire_peek(const uint8_t *payload, size_t len, vs_reach_msg_type_t *type,
                       char *id, size_t idlen)
{
    if (idlen)
        id[0] = '\0';
    if (!vs_reach_wire_is_typed(payload, len) || len > VS_REACH_WIRE_MAX_LEN)
        return -1;
    _Alignas(16) uint8_t space[4096];
    vs_arena_t arena = VS_ARENA_INIT(space);
    ProtobufCAllocator alloc = { vs_arena_alloc, vs_arena_free, &arena };
    Vpcsim__Peer__ReachMessage *w = vpcsim__peer__reach_message__unpack(&alloc, len, payload);
    if (!w)
        return -1;
    int rc = -1;
    if (w->type >= VPCSIM__PEER__REACH_MSG_TYPE__REACH_MSG_PROBE &&
        w->type <= VPCSIM__PEER__REACH_MSG_TYPE__REACH_MSG_SEALED) {
        *type = (vs_reach_msg_type_t)w->type;
        if (idlen && w->id && strlen(w->id) < idlen)
            memcpy(id, w->id, strlen(w->id) + 1);
        rc = 0;
    }
    vpcsim__peer__reach_message__free_unpacked(w, &alloc);
    return rc;
}

/* --- the JSON form ---------------------------------------------------------------- */

static int s_hex(const char *hex, uint8_t *out, size_t n)
{
    size_t got = 0;
    return hex && strlen(hex) == 2 * n &&
                   sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, NULL) == 0 && got == n
               ? 0
               : -1;
}

int vs_reach_msgjson_read(const vs_json_t *j, vs_reach_msg_t *out)
{
    memset(out, 0, sizeof *out);
    const char *t = vs_json_get_str(j, "T");
    if (!t)
        return 0;
    if (!strcmp(t, "Probe")) {
        out->type = VS_REACH_MSG_PROBE;
        return s_id(out->id, vs_json_get_str(j, "Id")) &&
                       vs_reach_probe_from_json(j, &out->probe) == 0
                   ? 1
                   : -1;
    }
    if (!strcmp(t, "ProbeResult")) {
        out->type = VS_REACH_MSG_RESULT;
        return s_id(out->id, vs_json_get_str(j, "Id")) &&
                       vs_reach_part_from_json(j, &out->part) == 0
                   ? 1
                   : -1;
    }
    if (!strcmp(t, "ReachKey")) {
        out->type = VS_REACH_MSG_KEY;
        out->reply = vs_json_get_bool(j, "Reply", false);
        return vs_seal_key_from_hex(vs_json_get_str(j, "Pk"), out->pk) == 0 ? 1 : -1;
    }
    if (!strcmp(t, "Sealed")) {
        out->type = VS_REACH_MSG_SEALED;
        const char *b64 = vs_json_get_str(j, "C");
        size_t cap = b64 ? strlen(b64) * 3 / 4 + 3 : 0;
        if (vs_seal_sender_pk(j, out->pk) != 0 ||
            s_hex(vs_json_get_str(j, "N"), out->nonce, VS_SEAL_NONCE_LEN) != 0 || !b64 ||
            strlen(b64) > 2 * VS_SEAL_MAX_PLAIN || !(out->ct = malloc(cap)) ||
            sodium_base642bin(out->ct, cap, b64, strlen(b64), NULL, &out->ctlen, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0 ||
            out->ctlen < VS_SEAL_TAG_LEN || out->ctlen > VS_SEAL_MAX_PLAIN + VS_SEAL_TAG_LEN)
            return -1;
        return 1;
    }
    return 0;
}

vs_json_t *vs_reach_msgjson_write(const vs_reach_msg_t *msg)
{
    vs_json_t *j = NULL;
    char hex[2 * VS_SEAL_KEY_LEN + 1];
    switch (msg->type) {
    case VS_REACH_MSG_PROBE:
        j = vs_reach_probe_to_json(&msg->probe);
        break;
    case VS_REACH_MSG_RESULT:
        j = vs_reach_part_to_json(&msg->part);
        break;
    case VS_REACH_MSG_KEY:
    case VS_REACH_MSG_SEALED:
        j = vs_json_object();
        break;
    }
    if (!j)
        return NULL;
    vs_json_set_str(j, "T", vs_reach_msg_type_name(msg->type));
    if (msg->type == VS_REACH_MSG_PROBE || msg->type == VS_REACH_MSG_RESULT) {
        vs_json_set_str(j, "Id", msg->id);
        return j;
    }
    vs_seal_key_hex(msg->pk, hex);
    vs_json_set_str(j, "Pk", hex);
    if (msg->type == VS_REACH_MSG_KEY) {
        vs_json_set_bool(j, "Reply", msg->reply);
        return j;
    }
    sodium_bin2hex(hex, sizeof hex, msg->nonce, VS_SEAL_NONCE_LEN);
    vs_json_set_str(j, "N", hex);
    size_t cap = sodium_base64_ENCODED_LEN(msg->ctlen, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(cap);
    if (!b64) {
        vs_json_free(&j);
        return NULL;
    }
    sodium_bin2base64(b64, cap, msg->ct, msg->ctlen, sodium_base64_VARIANT_ORIGINAL);
    vs_json_set_str(j, "C", b64);
    free(b64);
    return j;
}

char *vs_reach_msgjson_render(const uint8_t *payload, size_t len)
{
    vs_reach_msg_t msg;
    char *text = NULL;
    if (vs_reach_wire_decode(payload, len, &msg) == 0) {
        vs_json_t *j = vs_reach_msgjson_write(&msg);
        text = j ? vs_json_dump(j, 0) : NULL;
        vs_json_free(&j);
    }
    vs_reach_msg_clear(&msg);
    return text;
}
