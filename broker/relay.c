/* relay: the router's fast path (see relay.h). Each check below mirrors a
 * decision of router.c / fault_relay.c for the case where that decision
 * is "forward it"; whenever it would be anything else we step aside. */
#include "relay.h"

#include <string.h>

#include "log.h"
#include "wire_peek.h"

/* A span as a C string in buf (VS_WIRE_MAX_SHORT + 1 bytes); peek has
 * checked the length and that there is no NUL inside. */
static const char *s_cstr(const vs_wire_span_t *s, char *buf)
{
    if (s->len > VS_WIRE_MAX_SHORT)
        return NULL;
    memcpy(buf, s->p, s->len);
    buf[s->len] = '\0';
    return buf;
}

static bool s_span_is(const vs_wire_span_t *s, const char *str)
{
    return s->len == strlen(str) && memcmp(s->p, str, s->len) == 0;
}

/* No fault, partition, delayed or held message, capture: the chaos model
 * would hand the message on at once, once, and record nothing. */
static bool s_chaos_quiet(const broker_t *b)
{
    return !b->capture && !bk_faults_active(b->faults) &&
           bk_faults_isolated_count(b->faults) == 0 && bk_fq_len(b->fq) == 0;
}

/* peer and ack, as router.c's s_on_to_agent: by exact ARN, else by
 * (to.account, to.region). An ARN nobody registered (routed on its
 * account/Region, or refused) is left to the router. */
static bk_agent_t *s_peer_dest(broker_t *b, const vs_wire_peek_t *pk)
{
    char x[VS_WIRE_MAX_SHORT + 1], y[VS_WIRE_MAX_SHORT + 1];
    if (pk->to_vpc_arn.len > 0) {
        const char *arn = s_cstr(&pk->to_vpc_arn, x);
        return arn ? bk_registry_by_arn(b->reg, arn) : NULL;
    }
    if (pk->to_account.len == 0 || pk->to_region.len == 0)
        return NULL;
    const char *account = s_cstr(&pk->to_account, x), *region = s_cstr(&pk->to_region, y);
    return account && region ? bk_registry_get(b->reg, account, region) : NULL;
}

/* api_request, as router.c's s_on_api_request: (to.account, to.region),
 * and on a secured broker only as the principal's own account. */
static bk_agent_t *s_api_dest(broker_t *b, const vs_wire_peek_t *pk, const vs_principal_t *who)
{
    char x[VS_WIRE_MAX_SHORT + 1], y[VS_WIRE_MAX_SHORT + 1];
    if (pk->to_account.len == 0 || pk->to_region.len == 0)
        return NULL;
    if (b->secured &&
        ((who->kind != VS_PRINCIPAL_CLIENT && who->kind != VS_PRINCIPAL_AGENT) ||
         !s_span_is(&pk->to_account, who->account) || !s_span_is(&pk->rq_account, who->account)))
        return NULL;
    const char *account = s_cstr(&pk->to_account, x), *region = s_cstr(&pk->to_region, y);
    return account && region ? bk_registry_get(b->reg, account, region) : NULL;
}

/* The sender as router.c's s_stamp writes it (strings borrowed). */
static void s_party(Vpcsim__Wire__Party *p, const bk_agent_t *from, const vs_principal_t *who,
                    const uint8_t *route, size_t rlen)
{
    vpcsim__wire__party__init(p);
    if (from) {
        p->kind = VPCSIM__WIRE__PARTY_KIND__PARTY_AGENT;
        p->account = (char *)from->account;
        p->region = (char *)from->region;
        p->partition = (char *)from->partition;
    } else {
        p->kind = VPCSIM__WIRE__PARTY_KIND__PARTY_CLIENT;
        if (who->kind == VS_PRINCIPAL_CLIENT || who->kind == VS_PRINCIPAL_AGENT)
            p->account = (char *)who->account;
    }
    p->route.data = (uint8_t *)route;
    p->route.len = rlen;
}

bool bk_relay_fast(broker_t *b, const uint8_t *route, size_t rlen, const vs_principal_t *who,
                   const uint8_t *buf, size_t len)
{
    vs_wire_peek_t pk;
    if (b->stopping || !b->send_stamped || rlen == 0 || rlen > VS_WIRE_MAX_ROUTE ||
        vs_wire_peek(buf, len, &pk) < 0)
        return false;
    bk_agent_t *from = bk_registry_by_route(b->reg, route, rlen), *to = NULL;
    const uint8_t *dest;
    size_t dlen;
    const char *kind;

    switch (pk.body) {
    case VPCSIM__WIRE__ENVELOPE__BODY_PEER:
    case VPCSIM__WIRE__ENVELOPE__BODY_ACK:
        if (!from || !s_chaos_quiet(b))
            return false;
        to = s_peer_dest(b, &pk);
        kind = pk.body == VPCSIM__WIRE__ENVELOPE__BODY_PEER ? "peer" : "ack";
        break;
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST:
        to = s_api_dest(b, &pk, who);
        kind = "api_request";
        break;
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY:
        if (!from || pk.to_client_route.len == 0)
            return false;
        kind = "api_reply";
        break;
    default:
        return false;
    }
    if (to) {
        if (!to->online || to->route_len == 0)
            return false;
        dest = to->route;
        dlen = to->route_len;
    } else if (pk.body == VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY) {
        dest = pk.to_client_route.p;
        dlen = pk.to_client_route.len;
    } else {
        return false;
    }

    /* Any message from an agent proves it is alive (as in the router,
     * before anything is sent). */
    char peer[96];
    if (from && bk_registry_touch(from, bk_mono_ms(b)))
        VS_INFO("%s is online again", bk_peer_name(b, route, rlen, peer, sizeof peer));

    Vpcsim__Wire__Party party;
    s_party(&party, from, who, route, rlen);
    if (bk_send_stamped(b, dest, dlen, buf, len, &party) < 0)
        return false;   /* the router retries and answers the error */

    /* What fault_relay.c does for a message it hands on at once: number
     * it (the chaos model orders messages by it) and count it. */
    if (pk.body == VPCSIM__WIRE__ENVELOPE__BODY_PEER ||
        pk.body == VPCSIM__WIRE__ENVELOPE__BODY_ACK) {
        (void)bk_fq_next_seq(b->fq);
        bk_fault_counters_t *k = bk_faults_counters(b->faults);
        if (pk.body == VPCSIM__WIRE__ENVELOPE__BODY_PEER)
            k->relayed_peer++;
        else
            k->relayed_ack++;
    }
    if (b->log_debug && to)
        VS_DEBUG("%s %llu: %s -> agent %s/%s", kind, (unsigned long long)pk.msg_id,
                 bk_peer_name(b, route, rlen, peer, sizeof peer), to->account, to->region);
    return true;
}
