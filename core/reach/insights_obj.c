/* insights_obj: the persisted documents of network insights paths and
 * analyses (see insights.h). An analysis that waits for another agent
 * keeps what it needs to finish - its side of the path and the probe - in
 * its document, so that it completes after a restart too.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "insights.h"

/* --- the path object ------------------------------------------------------------- */

static void s_nip_destroy(vs_obj_t *o)
{
    free(o);
}

static int s_nip_to_doc(const vs_model_t *m, const vs_obj_t *o, vs_json_t *doc)
{
    const vs_nip_t *p = (const vs_nip_t *)o;
    char ip[VS_IP_STRLEN];
    vs_json_set_str(doc, "Source", p->source);
    vs_json_set_str(doc, "Destination", p->destination);
    if (p->has_src_ip && vs_ip_format(&p->src_ip, ip, sizeof ip) > 0)
        vs_json_set_str(doc, "SourceIp", ip);
    if (p->has_dst_ip && vs_ip_format(&p->dst_ip, ip, sizeof ip) > 0)
        vs_json_set_str(doc, "DestinationIp", ip);
    vs_json_set_int(doc, "Protocol", p->proto);
    vs_json_set_int(doc, "DestinationPort", p->port);
    vs_json_set_int(doc, "CreatedMs", (int64_t)p->created_ms);
    vs_json_set_str(doc, "ClientToken", p->client_token);
    return 0;
}

static bool s_copy(char *dst, size_t cap, const char *src)
{
    if (!src || strlen(src) >= cap)
        return false;
    snprintf(dst, cap, "%s", src);
    return true;
}

static vs_obj_t *s_nip_from_doc(vs_model_t *m, const vs_json_t *doc)
{
    vs_nip_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    const char *sip = vs_json_get_str(doc, "SourceIp"), *dip = vs_json_get_str(doc, "DestinationIp");
    int64_t proto = vs_json_get_int(doc, "Protocol", 0), port = vs_json_get_int(doc, "DestinationPort", -2);
    int64_t created = vs_json_get_int(doc, "CreatedMs", 0);
    p->has_src_ip = sip != NULL;
    p->has_dst_ip = dip != NULL;
    if (!s_copy(p->source, sizeof p->source, vs_json_get_str(doc, "Source")) ||
        !s_copy(p->destination, sizeof p->destination, vs_json_get_str(doc, "Destination")) ||
        !s_copy(p->client_token, sizeof p->client_token, vs_json_get_str(doc, "ClientToken")) ||
        (sip && vs_ip_parse(sip, &p->src_ip) != 0) || (dip && vs_ip_parse(dip, &p->dst_ip) != 0) ||
        (proto != 6 && proto != 17) || port < -1 || port > 65535 || created < 0) {
        free(p);
        return NULL;
    }
    p->proto = (int)proto;
    p->port = (int)port;
    p->created_ms = (uint64_t)created;
    return &p->base;
}

const vs_kind_t vs_kind_nip = {
    .prefix = "nip",
    .name = "NetworkInsightsPath",
    .to_doc = s_nip_to_doc,
    .from_doc = s_nip_from_doc,
    .destroy = s_nip_destroy,
};

/* --- the analysis object ------------------------------------------------------------ */

static void s_nia_destroy(vs_obj_t *o)
{
    vs_nia_t *a = (vs_nia_t *)o;
    vs_json_free(&a->fwd);
    vs_json_free(&a->ret);
    vs_json_free(&a->expl);
    vs_json_free(&a->probe);
    vs_json_free(&a->fwd_head);
    vs_json_free(&a->ret_tail);
    free(a);
}

static void s_put_json(vs_json_t *doc, const char *key, const vs_json_t *v)
{
    if (v)
        vs_json_set(doc, key, vs_json_clone(v));
}

static int s_nia_to_doc(const vs_model_t *m, const vs_obj_t *o, vs_json_t *doc)
{
    const vs_nia_t *a = (const vs_nia_t *)o;
    char id[24];
    vs_json_set_str(doc, "PathId", a->path_id);
    vs_json_set_int(doc, "StartMs", (int64_t)a->start_ms);
    vs_json_set_int(doc, "Status", a->status);
    vs_json_set_str(doc, "StatusMessage", a->status_msg);
    vs_json_set_str(doc, "Warning", a->warning);
    vs_json_set_bool(doc, "Found", a->found);
    s_put_json(doc, "Forward", a->fwd);
    s_put_json(doc, "Return", a->ret);
    s_put_json(doc, "Explanations", a->expl);
    vs_json_set_int(doc, "Wait", a->wait);
    vs_json_set_str(doc, "PeerAccount", a->peer_account);
    vs_json_set_str(doc, "PeerRegion", a->peer_region);
    vs_json_set_str(doc, "PeerVpc", a->peer_vpc);
    vs_json_set_bool(doc, "Sealed", a->sealed);
    s_put_json(doc, "Probe", a->probe);
    s_put_json(doc, "FwdHead", a->fwd_head);
    s_put_json(doc, "RetTail", a->ret_tail);
    snprintf(id, sizeof id, "%" PRIu64, a->msg_id);
    vs_json_set_str(doc, "MsgId", id);
    return 0;
}

/* An optional member of the given type, cloned; false if present with
 * another type. */
static bool s_get_json(const vs_json_t *doc, const char *key, vs_json_type_t type, vs_json_t **out)
{
    const vs_json_t *v = vs_json_get(doc, key);
    if (!v)
        return true;
    if (vs_json_type(v) != type)
        return false;
    return (*out = vs_json_clone(v)) != NULL;
}

static vs_obj_t *s_nia_from_doc(vs_model_t *m, const vs_json_t *doc)
{
    vs_nia_t *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    int64_t st = vs_json_get_int(doc, "Status", -1), wait = vs_json_get_int(doc, "Wait", -1);
    int64_t start = vs_json_get_int(doc, "StartMs", -1);
    const char *msg = vs_json_get_str(doc, "MsgId");
    bool ok = s_copy(a->path_id, sizeof a->path_id, vs_json_get_str(doc, "PathId")) &&
              s_copy(a->status_msg, sizeof a->status_msg, vs_json_get_str(doc, "StatusMessage")) &&
              s_copy(a->warning, sizeof a->warning, vs_json_get_str(doc, "Warning")) &&
              s_copy(a->peer_account, sizeof a->peer_account, vs_json_get_str(doc, "PeerAccount")) &&
              s_copy(a->peer_region, sizeof a->peer_region, vs_json_get_str(doc, "PeerRegion")) &&
              s_copy(a->peer_vpc, sizeof a->peer_vpc, vs_json_get_str(doc, "PeerVpc")) &&
              st >= VS_NIA_RUNNING && st <= VS_NIA_FAILED && wait >= VS_NIA_WAIT_NONE &&
              wait <= VS_NIA_WAIT_RESULT && start >= 0 && msg &&
              s_get_json(doc, "Forward", VS_JSON_ARRAY, &a->fwd) &&
              s_get_json(doc, "Return", VS_JSON_ARRAY, &a->ret) &&
              s_get_json(doc, "Explanations", VS_JSON_ARRAY, &a->expl) &&
              s_get_json(doc, "Probe", VS_JSON_OBJECT, &a->probe) &&
              s_get_json(doc, "FwdHead", VS_JSON_ARRAY, &a->fwd_head) &&
              s_get_json(doc, "RetTail", VS_JSON_ARRAY, &a->ret_tail);
    if (!ok) {
        s_nia_destroy(&a->base);
        return NULL;
    }
    a->status = (int)st;
    a->wait = (int)wait;
    a->start_ms = (uint64_t)start;
    a->found = vs_json_get_bool(doc, "Found", false);
    a->sealed = vs_json_get_bool(doc, "Sealed", false);
    a->msg_id = strtoull(msg, NULL, 10);
    return &a->base;
}

const vs_kind_t vs_kind_nia = {
    .prefix = "nia",
    .name = "NetworkInsightsAnalysis",
    .to_doc = s_nia_to_doc,
    .from_doc = s_nia_from_doc,
    .destroy = s_nia_destroy,
};
