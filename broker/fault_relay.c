/* fault_relay: agent-to-agent relaying through the chaos model (see
 * fault_relay.h). */
#include "fault_relay.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "buf.h"
#include "pcx_msgjson.h"
#include "peer_bundle.h"
#include "reach_wire.h"
#include "sg_wire.h"

int bk_fault_relay_init(broker_t *b, const char *capture_path, char *err, size_t errlen)
{
    b->faults = bk_faults_new();
    b->fq = bk_fq_new();
    if (!b->faults || !b->fq) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (capture_path) {
        b->capture = fopen(capture_path, "a");
        if (!b->capture) {
            snprintf(err, errlen, "cannot open capture file %s: %s", capture_path,
                     strerror(errno));
            return -1;
        }
        VS_INFO("capturing relayed peer messages to %s", capture_path);
    }
    return 0;
}

void bk_fault_relay_free(broker_t *b)
{
    bk_faults_destroy(&b->faults);
    bk_fq_destroy(&b->fq);
    if (b->capture && fclose(b->capture) != 0)
        VS_WARN("capture file: %s", strerror(errno));
    b->capture = NULL;
}

/* ---- capture ------------------------------------------------------------- */

/* A typed payload's JSON form (malloc'd), NULL if it has none. */
static char *s_render_one(const uint8_t *p, size_t len, bool sealed)
{
    if (!sealed && vs_pcx_wire_is_typed(p, len))
        return vs_pcx_msgjson_render(p, len);
    if (!sealed && vs_sgdir_wire_is_typed(p, len))
        return vs_sgdir_msgjson_render(p, len);
    if (vs_reach_wire_is_typed(p, len))
        /* Also sealed=1: a Sealed analysis message shows its key, nonce
         * and ciphertext, as its JSON form did; the plaintext stays the
         * receiver's. */
        return vs_reach_msgjson_render(p, len);
    return NULL;
}

/* As s_render_one; a bundle (core/model/peer_bundle.h) as
 * {"T":"Bundle","Parts":[...],"Tags":[...]}, each part in its own JSON form
 * (null for one that has none), Tags only if it has them. */
static char *s_render(const uint8_t *p, size_t len, bool sealed)
{
    if (sealed || !vs_bundle_check(p, len, NULL))
        return s_render_one(p, len, sealed);
    vs_buf_t out = VS_BUF_INIT;
    vs_buf_puts(&out, "{\"T\":\"Bundle\",\"Parts\":[");
    size_t off = 0, n;
    const uint8_t *part;
    for (int k = 0; vs_bundle_next(p, len, &off, &part, &n) == 1; k++) {
        char *t = s_render_one(part, n, false);
        if (k)
            vs_buf_putc(&out, ',');
        vs_buf_puts(&out, t ? t : "null");
        free(t);
    }
    vs_buf_putc(&out, ']');
    /* The parts' tags (an agent's: each part's causality id), if any. */
    uint64_t tags[VS_BUNDLE_MAX_PARTS];
    size_t ntags = vs_bundle_tags(p, len, tags, VS_BUNDLE_MAX_PARTS);
    for (size_t i = 0; i < ntags; i++)
        vs_buf_printf(&out, "%s%" PRIu64, i ? "," : ",\"Tags\":[", tags[i]);
    vs_buf_puts(&out, ntags ? "]}" : "}");
    return vs_buf_take(&out);
}

static void s_capture(broker_t *b, const bk_agent_t *from, const bk_agent_t *to,
                      const vs_env_t *env)
{
    if (!b->capture || env->body_case != VPCSIM__WIRE__ENVELOPE__BODY_PEER)
        return;
    FILE *f = b->capture;
    char ts[40] = "-";
    vs_time_format(bk_sim_now(b), VS_TS_ZULU, ts, sizeof ts);
    fprintf(f, "%s %s/%s -> %s/%s sealed=%d ", ts, from->account, from->region, to->account,
            to->region, env->peer->sealed ? 1 : 0);
    const ProtobufCBinaryData *p = &env->peer->payload;
    static const char hex[] = "0123456789abcdef";
    char chunk[512];
    size_t k = 0;
    for (size_t i = 0; i < p->len; i++) {
        chunk[k++] = hex[p->data[i] >> 4];
        chunk[k++] = hex[p->data[i] & 15];
        if (k == sizeof chunk) {
            fwrite(chunk, 1, k, f);
            k = 0;
        }
    }
    if (p->len == 0)
        chunk[k++] = '-';
    fwrite(chunk, 1, k, f);
    /* A typed peer message (proto/peer.proto: PcxMessage, SgDirMessage,
     * ReachMessage) is
     * binary: it is also written in its JSON form, so that the capture
     * reads as the protocol. JSON escapes every newline, so the line stays
     * one line. */
    char *text = s_render(p->data, p->len, env->peer->sealed);
    if (text)
        fprintf(f, " %s", text);
    free(text);
    fputc('\n', f);
    /* Flushed per line so that a test can read the file while the broker
     * runs; complain once, not per message, if the disk fills up. */
    if (fflush(f) != 0 || ferror(f)) {
        if (!b->capture_failed)
            VS_WARN("cannot write the capture file: %s", strerror(errno));
        b->capture_failed = true;
        clearerr(f);
    }
}

/* ---- sending --------------------------------------------------------------- */

static void s_arm(broker_t *b)
{
    bk_fault_timer_arm(b, bk_fq_next_due(b->fq));
}

/* Hands one copy to agent to. 0 or -1 with errno, like bk_send. */
static int s_send(broker_t *b, const bk_agent_t *from, const bk_agent_t *to,
                  const vs_env_t *env)
{
    if (bk_send(b, to->route, to->route_len, env) < 0)
        return -1;
    bk_fault_counters_t *k = bk_faults_counters(b->faults);
    if (env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_PEER)
        k->relayed_peer++;
    else
        k->relayed_ack++;
    s_capture(b, from, to, env);
    return 0;
}

static const char *s_kind(const vs_env_t *env)
{
    return env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_PEER ? "peer" : "ack";
}

/* A queued copy is due: send it if both ends are still reachable. The
 * network may have changed while it waited (a partition, an agent gone),
 * and then it is lost like any message in flight. */
static void s_send_queued(broker_t *b, const bk_fq_item_t *it);

/* A message with sequence seq went out on link (from, to): what was held
 * back before it follows now, oldest first. */
static void s_release_held(broker_t *b, const bk_agent_t *from, const bk_agent_t *to,
                           uint64_t seq)
{
    bk_fq_item_t it;
    while (bk_fq_take_held(b->fq, from, to, seq, &it)) {
        s_send_queued(b, &it);
        free(it.buf);
    }
}

static void s_send_queued(broker_t *b, const bk_fq_item_t *it)
{
    bk_agent_t *from = (bk_agent_t *)it->from, *to = (bk_agent_t *)it->to;
    char err[160];
    vs_env_t *env = vs_wire_decode(it->buf, it->len, err, sizeof err);
    if (!env) {
        VS_ERROR("queued message %llu cannot be decoded (%s); dropped",
                 (unsigned long long)it->seq, err);
        return;
    }
    if (bk_faults_isolated(b->faults, from->account, from->region) ||
        bk_faults_isolated(b->faults, to->account, to->region)) {
        bk_faults_counters(b->faults)->partition_dropped++;
        VS_DEBUG("late %s %llu %s/%s -> %s/%s: partitioned; dropped", s_kind(env),
                 (unsigned long long)env->msg_id, from->account, from->region, to->account,
                 to->region);
    } else if (!to->online || to->route_len == 0) {
        VS_DEBUG("late %s %llu for agent %s/%s: offline; dropped", s_kind(env),
                 (unsigned long long)env->msg_id, to->account, to->region);
    } else if (s_send(b, from, to, env) == 0) {
        VS_DEBUG("late %s %llu: agent %s/%s -> agent %s/%s", s_kind(env),
                 (unsigned long long)env->msg_id, from->account, from->region, to->account,
                 to->region);
        if (!it->held)
            s_release_held(b, from, to, it->seq);
    } else if (errno == EHOSTUNREACH) {
        bk_registry_unbind(b->reg, to);
        VS_INFO("agent %s/%s disconnected", to->account, to->region);
    } else {
        VS_DEBUG("late %s %llu for agent %s/%s dropped: %s", s_kind(env),
                 (unsigned long long)env->msg_id, to->account, to->region, strerror(errno));
    }
    vs_wire_free(&env);
}

/* Queues one copy; -1 when it cannot (full, OOM): the caller sends it now. */
static int s_enqueue(broker_t *b, bk_agent_t *from, bk_agent_t *to, const vs_env_t *env,
                     uint64_t seq, bool hold, uint32_t delay_ms)
{
    bk_fq_item_t it = { .seq = seq, .held = hold, .from = from, .to = to };
    it.due_ms = bk_mono_ms(b) + delay_ms + (hold ? BK_FAULT_HOLD_MS : 0);
    if (vs_wire_encode(env, &it.buf, &it.len) < 0)
        return -1;
    if (bk_fq_push(b->fq, &it) < 0) {
        free(it.buf);
        return -1;
    }
    return 0;
}

/* ---- entry points ------------------------------------------------------------ */

bool bk_fault_cut(broker_t *b, const bk_agent_t *from, const char *to_account,
                  const char *to_region)
{
    if (bk_faults_isolated_count(b->faults) == 0)
        return false;
    if (!bk_faults_isolated(b->faults, from->account, from->region) &&
        !bk_faults_isolated(b->faults, to_account, to_region))
        return false;
    bk_faults_counters(b->faults)->partition_dropped++;
    VS_DEBUG("agent %s/%s -> %s/%s: partitioned; dropped", from->account, from->region,
             to_account, to_region);
    return true;
}

int bk_fault_relay(broker_t *b, bk_agent_t *from, bk_agent_t *to, const vs_env_t *env)
{
    uint64_t seq = bk_fq_next_seq(b->fq);
    bk_fault_decision_t d;
    bk_faults_decide(b->faults, &d);
    if (d.drop) {
        VS_DEBUG("%s %llu agent %s/%s -> agent %s/%s: dropped (fault)", s_kind(env),
                 (unsigned long long)env->msg_id, from->account, from->region, to->account,
                 to->region);
        return 0;
    }
    int rc = 0;
    bool sent = false, queued = false;
    for (unsigned i = 0; i < d.copies; i++) {
        bool hold = i == 0 && d.hold;
        if ((hold || d.delay_ms[i] > 0) &&
            s_enqueue(b, from, to, env, seq, hold, d.delay_ms[i]) == 0) {
            queued = true;
            continue;
        }
        int r = s_send(b, from, to, env);
        if (!sent)
            rc = r;
        sent = true;
        if (r < 0)
            break;   /* the destination is gone; the router deals with it */
        s_release_held(b, from, to, seq);
    }
    if (queued)
        s_arm(b);
    return rc;
}

void bk_fault_relay_due(broker_t *b)
{
    uint64_t now = bk_mono_ms(b);
    bk_fq_item_t it;
    while (!b->stopping && bk_fq_pop_due(b->fq, now, &it)) {
        s_send_queued(b, &it);
        free(it.buf);
    }
    s_arm(b);
}

void bk_fault_relay_release(broker_t *b)
{
    size_t n = bk_fq_release_held(b->fq, bk_mono_ms(b));
    if (n)
        VS_INFO("%zu held-back agent-to-agent messages released", n);
    s_arm(b);
}
