/* reach_proto: the messages that carry a reachability analysis to the
 * agent owning the peer VPC, and this agent's sealing keys.
 *
 *   source -> peer   Probe       id, probe          same Region: clear
 *   peer -> source   ProbeResult id, part           same Region: clear
 *   either way       ReachKey    pk, reply          clear: key exchange
 *   either way       Sealed      pk, nonce, ct      an encoded Probe or ProbeResult,
 *                                                   inter-Region (reach_seal.h)
 * They travel as proto/peer.proto's ReachMessage (reach_wire.h); the older
 * JSON form {T, ...} of each, and JSON inside a Sealed one, is still
 * accepted on receive for one release.
 * Id is the analysis ID at the source. Probes go to the peer VPC's ARN; the
 * answer goes back to the source's (account, Region). A probe is believed
 * only from the agent at the other end of the connection it names (reach.c),
 * a result only from the agent the analysis is waiting for, and across
 * Regions only sealed: the broker never relays an inter-Region probe in
 * clear. Delivery is the runtime's (outbox, resend, dedup); a message that
 * cannot be delivered, or an answer that never comes, fails the analysis.
 *
 * Keys are bound to the broker-stamped sender. A ReachKey replaces a key
 * already known, because an agent that lost its data dir comes back with a
 * new pair. So sealing keeps the analysis from a broker that records or
 * leaks what it relays; it cannot stop a broker that forges senders (that
 * would need keys certified outside the simulator).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "insights.h"
#include "pcx_model.h"
#include "reach_wire.h"

/* Agents one agent remembers keys of (a handful in practice). */
#define S_MAX_PEERS 1024

/* --- the key store -------------------------------------------------------------- */

typedef struct {
    char account[VS_ACCOUNT_LEN];
    char region[VS_REGION_LEN];
    uint8_t pk[VS_SEAL_KEY_LEN];
} s_peer_t;

typedef struct {
    vs_obj_t base;              /* reachkey-...: one per model */
    vs_seal_keys_t keys;
    s_peer_t *peers;
    size_t npeers;
} s_keystore_t;

static void s_ks_destroy(vs_obj_t *o)
{
    s_keystore_t *k = (s_keystore_t *)o;
    sodium_memzero(&k->keys, sizeof k->keys);
    free(k->peers);
    free(k);
}

static int s_ks_to_doc(const vs_model_t *m, const vs_obj_t *o, vs_json_t *doc)
{
    const s_keystore_t *k = (const s_keystore_t *)o;
    char hex[VS_SEAL_HEX_LEN];
    vs_seal_key_hex(k->keys.pk, hex);
    vs_json_set_str(doc, "PublicKey", hex);
    vs_seal_key_hex(k->keys.sk, hex);
    vs_json_set_str(doc, "SecretKey", hex);
    vs_json_t *list = vs_json_set(doc, "Peers", vs_json_array());
    for (size_t i = 0; i < k->npeers; i++) {
        vs_json_t *p = vs_json_push(list, vs_json_object());
        vs_json_set_str(p, "Account", k->peers[i].account);
        vs_json_set_str(p, "Region", k->peers[i].region);
        vs_seal_key_hex(k->peers[i].pk, hex);
        vs_json_set_str(p, "PublicKey", hex);
    }
    sodium_memzero(hex, sizeof hex);
    return 0;
}

static vs_obj_t *s_ks_from_doc(vs_model_t *m, const vs_json_t *doc)
{
    s_keystore_t *k = calloc(1, sizeof *k);
    const vs_json_t *list = vs_json_get(doc, "Peers");
    if (!k)
        return NULL;
    bool ok = vs_seal_key_from_hex(vs_json_get_str(doc, "PublicKey"), k->keys.pk) == 0 &&
              vs_seal_key_from_hex(vs_json_get_str(doc, "SecretKey"), k->keys.sk) == 0 &&
              list && vs_json_type(list) == VS_JSON_ARRAY && vs_json_len(list) <= S_MAX_PEERS;
    if (ok && vs_json_len(list))
        ok = (k->peers = calloc(vs_json_len(list), sizeof *k->peers)) != NULL;
    for (size_t i = 0; ok && i < vs_json_len(list); i++) {
        const vs_json_t *p = vs_json_at(list, i);
        s_peer_t *e = &k->peers[k->npeers++];
        const char *a = vs_json_get_str(p, "Account"), *r = vs_json_get_str(p, "Region");
        ok = a && r && vs_account_valid(a) && vs_region_known(r) &&
             vs_seal_key_from_hex(vs_json_get_str(p, "PublicKey"), e->pk) == 0;
        if (ok) {
            snprintf(e->account, sizeof e->account, "%s", a);
            snprintf(e->region, sizeof e->region, "%s", r);
        }
    }
    if (!ok) {
        s_ks_destroy(&k->base);
        return NULL;
    }
    return &k->base;
}

const vs_kind_t vs_kind_reachkey = {
    .prefix = "reachkey",
    .name = "ReachKey",
    .to_doc = s_ks_to_doc,
    .from_doc = s_ks_from_doc,
    .destroy = s_ks_destroy,
};

/* This agent's key store, created with a fresh key pair on first use. */
static s_keystore_t *s_keystore(vs_model_t *m)
{
    vs_obj_t *o = vs_model__first(m, &vs_kind_reachkey);
    if (o)
        return (s_keystore_t *)o;
    s_keystore_t *k = calloc(1, sizeof *k);
    if (!k || vs_seal_keygen(&k->keys) != 0 || vs_model__add(m, &k->base, &vs_kind_reachkey, NULL) != 0) {
        free(k);
        return NULL;
    }
    return k;
}

static s_peer_t *s_peer(s_keystore_t *k, const char *account, const char *region)
{
    for (size_t i = 0; k && i < k->npeers; i++)
        if (!strcmp(k->peers[i].account, account) && !strcmp(k->peers[i].region, region))
            return &k->peers[i];
    return NULL;
}

/* Records (or replaces: an agent that lost its data dir has a new key)
 * the key of an agent, as stamped by the broker. */
static int s_peer_set(vs_model_t *m, s_keystore_t *k, const char *account, const char *region,
                      const uint8_t *pk)
{
    s_peer_t *p = s_peer(k, account, region);
    if (!p) {
        s_peer_t e;
        memset(&e, 0, sizeof e);
        if (k->npeers >= S_MAX_PEERS || strlen(account) >= sizeof e.account ||
            strlen(region) >= sizeof e.region)
            return -1;
        snprintf(e.account, sizeof e.account, "%s", account);
        snprintf(e.region, sizeof e.region, "%s", region);
        if (VS_APPEND(k->peers, k->npeers, &e) != 0)
            return -1;
        p = &k->peers[k->npeers - 1];
    }
    memcpy(p->pk, pk, VS_SEAL_KEY_LEN);
    vs_model__touch(m, &k->base);
    return 0;
}

static void s_name(const char *account, const char *region, char out[64])
{
    snprintf(out, 64, "%s/%s", account, region);
}

/* --- sending ----------------------------------------------------------------------- */

/* msg encoded (malloc'd, caller frees) into *out; 0 or -1. */
static int s_encode(const vs_reach_msg_t *msg, uint8_t **out, size_t *len)
{
    long n = vs_reach_wire_encode(msg, NULL, 0);
    *out = n > 0 ? malloc((size_t)n) : NULL;
    if (!*out || vs_reach_wire_encode(msg, *out, (size_t)n) != n) {
        free(*out);
        *out = NULL;
        return -1;
    }
    *len = (size_t)n;
    return 0;
}

/* msg (borrowed) to the agent (account, region), sealed if `seal`: then
 * the encoded message is the plaintext of a Sealed one. 0 if it cannot be
 * sent (no key for the peer, too large, OOM). */
static uint64_t s_send(vs_model_t *m, const char *vpc_arn, const char *account, const char *region,
                       const vs_reach_msg_t *msg, bool seal)
{
    uint8_t *text = NULL, *wire = NULL;
    size_t len = 0, wlen = 0;
    uint64_t id = 0;
    if (s_encode(msg, &text, &len) != 0)
        return 0;
    if (!seal) {
        id = vs_model__emit_peer(m, vpc_arn, account, region, text, len);
        free(text);
        return id;
    }
    s_keystore_t *k = s_keystore(m);
    s_peer_t *p = s_peer(k, account, region);
    vs_reach_msg_t env;
    memset(&env, 0, sizeof env);
    env.type = VS_REACH_MSG_SEALED;
    char me[64], peer[64];
    s_name(vs_model_account(m), vs_model_region(m), me);
    s_name(account, region, peer);
    if (p && vs_seal_raw(&k->keys, me, p->pk, peer, text, len, env.nonce, &env.ct,
                         &env.ctlen) == 0) {
        memcpy(env.pk, k->keys.pk, VS_SEAL_KEY_LEN);
        if (s_encode(&env, &wire, &wlen) == 0)
            id = vs_model__emit_sealed_peer(m, vpc_arn, account, region, wire, wlen);
    }
    sodium_memzero(text, len);
    free(text);
    free(wire);
    vs_reach_msg_clear(&env);
    return id;
}

static uint64_t s_send_key(vs_model_t *m, const char *vpc_arn, const char *account,
                           const char *region, bool reply)
{
    s_keystore_t *k = s_keystore(m);
    if (!k)
        return 0;
    vs_reach_msg_t msg;
    memset(&msg, 0, sizeof msg);
    msg.type = VS_REACH_MSG_KEY;
    memcpy(msg.pk, k->keys.pk, VS_SEAL_KEY_LEN);
    msg.reply = reply;
    return s_send(m, vpc_arn, account, region, &msg, false);
}

static void s_peer_vpc_arn(const vs_nia_t *a, char arn[VS_ARN_LEN])
{
    const char *part = vs_region_partition(a->peer_region);
    if (vs_arn_format(arn, VS_ARN_LEN, part ? part : "aws", a->peer_region, a->peer_account, "vpc",
                      a->peer_vpc) < 0)
        arn[0] = '\0';
}

void vs_insights__send_probe(vs_model_t *m, vs_nia_t *a)
{
    char arn[VS_ARN_LEN];
    s_peer_vpc_arn(a, arn);
    if (a->sealed && !s_peer(s_keystore(m), a->peer_account, a->peer_region)) {
        /* First contact across Regions: exchange keys, probe afterwards. */
        a->wait = VS_NIA_WAIT_KEY;
        a->msg_id = s_send_key(m, arn, a->peer_account, a->peer_region, false);
        vs_model__touch(m, &a->base);
        return;
    }
    vs_reach_msg_t msg;
    memset(&msg, 0, sizeof msg);
    msg.type = VS_REACH_MSG_PROBE;
    snprintf(msg.id, sizeof msg.id, "%s", a->base.id);
    a->wait = VS_NIA_WAIT_RESULT;
    /* A probe that cannot be read back or sent leaves msg_id 0: the
     * analysis times out as for any message that is never answered. */
    a->msg_id = vs_reach_probe_from_json(a->probe, &msg.probe) == 0
                    ? s_send(m, arn, a->peer_account, a->peer_region, &msg, a->sealed)
                    : 0;
    vs_model__touch(m, &a->base);
}

/* --- receiving ----------------------------------------------------------------------- */

static vs_nia_t *s_nia(const vs_model_t *m, const char *id)
{
    vs_obj_t *o = id ? vs_model__get(m, id) : NULL;
    return o && o->kind == &vs_kind_nia ? (vs_nia_t *)o : NULL;
}

static int s_on_key(vs_model_t *m, const char *from_account, const char *from_region,
                    const vs_reach_msg_t *msg)
{
    s_keystore_t *k = s_keystore(m);
    if (!k || s_peer_set(m, k, from_account, from_region, msg->pk) != 0)
        return -1;
    if (!msg->reply)
        s_send_key(m, NULL, from_account, from_region, true);
    /* Probes that waited for this key go now. */
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_nia); o; o = vs_model__next(o, &vs_kind_nia)) {
        vs_nia_t *a = (vs_nia_t *)o;
        if (a->status == VS_NIA_RUNNING && a->wait == VS_NIA_WAIT_KEY &&
            !strcmp(a->peer_account, from_account) && !strcmp(a->peer_region, from_region))
            vs_insights__send_probe(m, a);
    }
    return 1;
}

static int s_on_probe(vs_model_t *m, const char *from_account, const char *from_region,
                      const vs_reach_msg_t *msg, bool sealed)
{
    const vs_reach_probe_t *p = &msg->probe;
    vs_reach_msg_t res;
    memset(&res, 0, sizeof res);
    const vs_obj_t *po = vs_model__get(m, p->pcx_id);
    /* Across Regions a probe travels sealed or not at all. */
    if (!po || po->kind != &vs_kind_pcx ||
        (((const vs_pcx_obj_t *)po)->rec.inter_region && !sealed))
        return -1;
    if (vs_reach_dest(m, p, from_account, from_region, &res.part) != 0)
        return -1;
    res.type = VS_REACH_MSG_RESULT;
    memcpy(res.id, msg->id, sizeof res.id);
    s_send(m, NULL, from_account, from_region, &res, sealed);
    vs_reach_msg_clear(&res);
    return 1;
}

/* Takes msg's part into out when it completes an analysis. */
static int s_on_result(vs_model_t *m, const char *from_account, const char *from_region,
                       vs_reach_msg_t *msg, bool sealed, vs_insights_outcome_t *out)
{
    vs_nia_t *a = s_nia(m, msg->id);
    /* A late answer (after a timeout) or a duplicate changes nothing. */
    if (!a || a->status != VS_NIA_RUNNING || a->wait != VS_NIA_WAIT_RESULT)
        return 1;
    if (strcmp(a->peer_account, from_account) || strcmp(a->peer_region, from_region) ||
        a->sealed != sealed)
        return -1;
    out->part = msg->part;
    memset(&msg->part, 0, sizeof msg->part);
    out->nia = a;
    out->complete = true;
    return 1;
}

/* A payload of either form into *msg: 1, 0 (not a reach message), -1. */
static int s_read(const uint8_t *payload, size_t len, vs_reach_msg_t *msg)
{
    if (vs_reach_wire_is_typed(payload, len))
        return vs_reach_wire_decode(payload, len, msg) == 0 ? 1 : -1;
    memset(msg, 0, sizeof *msg);
    /* No length bound of our own on JSON: an older agent's Sealed envelope
     * carries base64 (4/3 of its ciphertext); vs_seal_open bounds that. */
    if (len == 0 || payload[0] != '{')
        return 0;
    vs_json_t *j = vs_json_parse((const char *)payload, len, NULL, 0);
    int rc = j ? vs_reach_msgjson_read(j, msg) : 0;
    vs_json_free(&j);
    return rc;
}

/* Opens a Sealed message from (account, region) into *inner (caller
 * clears; the caller checks that it is a Probe or a ProbeResult). The first sealed message of an agent we
 * have no key for teaches us its key; a known agent must use the key we
 * know. */
static int s_unseal(vs_model_t *m, const char *from_account, const char *from_region,
                    const vs_reach_msg_t *env, vs_reach_msg_t *inner)
{
    uint8_t *pt = NULL;
    size_t len = 0;
    char me[64], peer[64];
    memset(inner, 0, sizeof *inner);
    s_keystore_t *k = s_keystore(m);
    if (!k)
        return -1;
    s_peer_t *p = s_peer(k, from_account, from_region);
    s_name(vs_model_account(m), vs_model_region(m), me);
    s_name(from_account, from_region, peer);
    /* The announced key must be the one we trust for this sender. */
    if ((p && sodium_memcmp(p->pk, env->pk, VS_SEAL_KEY_LEN) != 0) ||
        vs_seal_open_raw(&k->keys, me, env->pk, peer, env->nonce, env->ct, env->ctlen, &pt,
                         &len) != 0)
        return -1;
    int rc = s_read(pt, len, inner);
    sodium_memzero(pt, len);
    free(pt);
    if (rc != 1 || (!p && s_peer_set(m, k, from_account, from_region, env->pk) != 0)) {
        vs_reach_msg_clear(inner);
        return -1;
    }
    return 0;
}

int vs_insights__on_peer(vs_model_t *m, const char *from_account, const char *from_region,
                         const uint8_t *payload, size_t len, vs_insights_outcome_t *out)
{
    memset(out, 0, sizeof *out);
    vs_reach_msg_t msg, inner;
    memset(&inner, 0, sizeof inner);
    int rc = s_read(payload, len, &msg);
    if (rc != 1 || !from_account || !from_region) {
        rc = rc == 1 ? 0 : rc;
    } else if (msg.type == VS_REACH_MSG_KEY) {
        rc = s_on_key(m, from_account, from_region, &msg);
    } else if (msg.type == VS_REACH_MSG_PROBE) {
        rc = s_on_probe(m, from_account, from_region, &msg, false);
    } else if (msg.type == VS_REACH_MSG_RESULT) {
        rc = s_on_result(m, from_account, from_region, &msg, false, out);
    } else if (s_unseal(m, from_account, from_region, &msg, &inner) == 0) {
        /* Only a probe or its answer is ever sealed. */
        rc = inner.type == VS_REACH_MSG_PROBE    ? s_on_probe(m, from_account, from_region, &inner, true)
             : inner.type == VS_REACH_MSG_RESULT ? s_on_result(m, from_account, from_region, &inner,
                                                               true, out)
                                                 : -1;
    } else {
        /* Perhaps sealed to a key we no longer have (our data dir was
         * lost): tell the sender our current one, so that its next
         * analysis works. A public key is no secret to hand out. */
        s_send_key(m, NULL, from_account, from_region, true);
        rc = -1;
    }
    vs_reach_msg_clear(&inner);
    vs_reach_msg_clear(&msg);
    return rc;
}

void vs_insights__on_undeliverable(vs_model_t *m, uint64_t msg_id, bool no_such_agent,
                                   vs_insights_outcome_t *out)
{
    memset(out, 0, sizeof *out);
    if (!no_such_agent)
        return;     /* offline: the outbox keeps trying; the timeout decides */
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_nia); o; o = vs_model__next(o, &vs_kind_nia)) {
        vs_nia_t *a = (vs_nia_t *)o;
        if (a->status != VS_NIA_RUNNING || a->wait == VS_NIA_WAIT_NONE || a->msg_id != msg_id)
            continue;
        out->nia = a;
        snprintf(out->msg, sizeof out->msg, "The request failed due to inaccessible resource %s: "
                 "no agent serves account %s in %s.", a->peer_vpc, a->peer_account,
                 a->peer_region);
        return;
    }
}
