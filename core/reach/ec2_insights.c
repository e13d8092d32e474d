/* ec2_insights: the Reachability Analyzer API - CreateNetworkInsightsPath,
 * StartNetworkInsightsAnalysis, DescribeNetworkInsightsAnalyses - with the
 * path and analysis objects and the analysis timeout. See insights.h for
 * how an analysis spans agents and reach.h for the walk.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "filter.h"
#include "insights.h"
#include "params.h"

#define T_TIMEOUT "nia-timeout"

/* --- outputs ---------------------------------------------------------------------------- */

static void s_ts(vs_json_t *o, const char *key, uint64_t ms)
{
    char ts[40];
    if (vs_time_format(ms, VS_TS_CLI, ts, sizeof ts) > 0)
        vs_json_set_str(o, key, ts);
}

static void s_arn(const vs_model_t *m, vs_json_t *o, const char *key, const char *type,
                  const char *id)
{
    char arn[VS_ARN_LEN];
    if (vs_model__arn(m, type, id, arn) > 0)
        vs_json_set_str(o, key, arn);
}

static const char *s_arn_type(const char *id)
{
    return !strncmp(id, "eni-", 4) ? "network-interface" : "instance";
}

static vs_json_t *s_nip_output(const vs_model_t *m, const vs_nip_t *p)
{
    char ip[VS_IP_STRLEN];
    vs_json_t *d = vs_json_object();
    vs_json_set_str(d, "NetworkInsightsPathId", p->base.id);
    s_arn(m, d, "NetworkInsightsPathArn", "network-insights-path", p->base.id);
    s_ts(d, "CreatedDate", p->created_ms);
    vs_json_set_str(d, "Source", p->source);
    if (p->destination[0])
        vs_json_set_str(d, "Destination", p->destination);
    s_arn(m, d, "SourceArn", s_arn_type(p->source), p->source);
    if (p->destination[0])
        s_arn(m, d, "DestinationArn", s_arn_type(p->destination), p->destination);
    if (p->has_src_ip && vs_ip_format(&p->src_ip, ip, sizeof ip) > 0)
        vs_json_set_str(d, "SourceIp", ip);
    if (p->has_dst_ip && vs_ip_format(&p->dst_ip, ip, sizeof ip) > 0)
        vs_json_set_str(d, "DestinationIp", ip);
    vs_json_set_str(d, "Protocol", p->proto == 6 ? "tcp" : "udp");
    if (p->port >= 0)
        vs_json_set_int(d, "DestinationPort", p->port);
    /* The Reachability Analyzer prints empty tag lists. */
    vs_json_set(d, "Tags", vs_tags_to_json(&p->base.tags));
    return d;
}

static const char *s_status_name(int st)
{
    return st == VS_NIA_SUCCEEDED ? "succeeded" : st == VS_NIA_FAILED ? "failed" : "running";
}

/* `as_started`: StartNetworkInsightsAnalysis answers before the analysis
 * is done, as AWS does, even when this agent finished it at once. */
static vs_json_t *s_nia_view(const vs_model_t *m, const vs_nia_t *a, bool as_started)
{
    int st = as_started ? VS_NIA_RUNNING : a->status;
    vs_json_t *d = vs_json_object();
    vs_json_set_str(d, "NetworkInsightsAnalysisId", a->base.id);
    s_arn(m, d, "NetworkInsightsAnalysisArn", "network-insights-analysis", a->base.id);
    vs_json_set_str(d, "NetworkInsightsPathId", a->path_id);
    vs_json_set(d, "FilterInArns", vs_json_array());
    s_ts(d, "StartDate", a->start_ms);
    vs_json_set_str(d, "Status", s_status_name(st));
    if (st == VS_NIA_FAILED)
        vs_json_set_str(d, "StatusMessage", a->status_msg);
    if (st == VS_NIA_SUCCEEDED && a->warning[0])
        vs_json_set_str(d, "WarningMessage", a->warning);
    if (st == VS_NIA_SUCCEEDED) {
        vs_json_set_bool(d, "NetworkPathFound", a->found);
        if (a->found && a->fwd)
            vs_json_set(d, "ForwardPathComponents", vs_json_clone(a->fwd));
        if (a->found && a->ret)
            vs_json_set(d, "ReturnPathComponents", vs_json_clone(a->ret));
        if (!a->found && a->expl)
            vs_json_set(d, "Explanations", vs_json_clone(a->expl));
    }
    vs_json_set(d, "Tags", vs_tags_to_json(&a->base.tags));
    return d;
}

static vs_json_t *s_nia_output(const vs_model_t *m, const vs_obj_t *o)
{
    return s_nia_view(m, (const vs_nia_t *)o, false);
}

/* --- CreateNetworkInsightsPath ------------------------------------------------------------ */

/* The instance behind a path end (an instance or interface ID), or NULL. */
static const vs_instance_t *s_end_instance(const vs_model_t *m, const char *id)
{
    if (!strncmp(id, "eni-", 4))
        return vs_instance__by_eni(m, id);
    const vs_obj_t *o = vs_model__get(m, id);
    return o && o->kind == &vs_kind_instance ? (const vs_instance_t *)o : NULL;
}

/* Source / Destination: an instance or interface of this account, by ID
 * or ARN. The ID goes to out. */
static int s_resolve_end(const vs_model_t *m, const char *caller, const char *text,
                         const char *param, char out[VS_ID_LEN], vs_awserr_t *err)
{
    const char *id = text;
    vs_arn_t arn;
    if (!strncmp(text, "arn:", 4)) {
        if (vs_arn_parse(text, &arn) != 0)
            return vs_awserr_set(err, "InvalidParameterValue",
                                 "Value (%.*s) for parameter %s is invalid.", 200, text, param);
        id = arn.resource_id;
        if (strcmp(arn.account, vs_model_account(m)) || strcmp(arn.region, vs_model_region(m)))
            caller = "";     /* another account's or Region's resource: not ours */
    }
    char prefix[VS_ID_LEN];
    if (!vs_id_prefix(id, prefix, sizeof prefix) ||
        (strcmp(prefix, "i") != 0 && strcmp(prefix, "eni") != 0))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%.*s) for parameter %s is invalid. The simulator analyses "
                             "paths that start and end at instances (i-...) or network "
                             "interfaces (eni-...).", 200, text, param);
    if (!vs_id_valid(id, prefix))
        return vs_model__err_malformed(err, prefix, id);
    const vs_instance_t *i = vs_model__is_owner(m, caller) ? s_end_instance(m, id) : NULL;
    if (!i)
        return vs_model__err_notfound(err, prefix, &id, 1);
    snprintf(out, VS_ID_LEN, "%s", id);
    return 0;
}

static int s_parse_ip(const char *text, const char *param, bool *has, vs_ip_t *ip,
                      vs_awserr_t *err)
{
    if (!text)
        return 0;
    if (vs_ip_parse(text, ip) != 0)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%.*s) for parameter %s is invalid. This is not a valid IP "
                             "address.", 64, text, param);
    *has = true;
    return 0;
}

static int s_parse_path(const vs_model_t *m, const char *caller, const vs_json_t *in, vs_nip_t *p,
                        vs_awserr_t *err)
{
    const char *src, *dst, *sip, *dip, *proto;
    bool has_port = false;
    int64_t port = -1;
    if (vs_param_str(in, "Source", true, &src, err) != 0 ||
        vs_param_str(in, "Destination", false, &dst, err) != 0 ||
        vs_param_str(in, "SourceIp", false, &sip, err) != 0 ||
        vs_param_str(in, "DestinationIp", false, &dip, err) != 0 ||
        vs_param_str(in, "Protocol", true, &proto, err) != 0 ||
        vs_param_int(in, "DestinationPort", &has_port, &port, err) != 0)
        return -1;
    if (vs_json_get(in, "FilterAtSource") || vs_json_get(in, "FilterAtDestination"))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "FilterAtSource and FilterAtDestination are not supported by the "
                             "simulator; use Source, Destination, DestinationIp and "
                             "DestinationPort.");
    if (!strcasecmp(proto, "tcp"))
        p->proto = 6;
    else if (!strcasecmp(proto, "udp"))
        p->proto = 17;
    else
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%.*s) for parameter protocol is invalid. Valid values are: "
                             "tcp, udp.", 32, proto);
    if (has_port && (port < 0 || port > 65535))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%" PRId64 ") for parameter destinationPort is invalid. It "
                             "must be between 0 and 65535.", port);
    p->port = has_port ? (int)port : -1;
    if (s_resolve_end(m, caller, src, "source", p->source, err) != 0 ||
        (dst && s_resolve_end(m, caller, dst, "destination", p->destination, err) != 0) ||
        s_parse_ip(sip, "sourceIp", &p->has_src_ip, &p->src_ip, err) != 0 ||
        s_parse_ip(dip, "destinationIp", &p->has_dst_ip, &p->dst_ip, err) != 0)
        return -1;
    if (!dst && !dip)
        return vs_awserr_set(err, "MissingParameter",
                             "The request must contain the parameter Destination or "
                             "DestinationIp");
    const vs_instance_t *s = s_end_instance(m, p->source), *d = dst ? s_end_instance(m, p->destination) : NULL;
    if (p->has_src_ip && !vs_ip_equal(&p->src_ip, &s->ip) &&
        !(s->has_ip6 && vs_ip_equal(&p->src_ip, &s->ip6)))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "The source IP address %s is not an address of %s.", sip, p->source);
    if (d && p->has_dst_ip && !vs_ip_equal(&p->dst_ip, &d->ip) &&
        !(d->has_ip6 && vs_ip_equal(&p->dst_ip, &d->ip6)))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "The destination IP address %s is not an address of %s.", dip,
                             p->destination);
    return 0;
}

static int s_create_path(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                         vs_awserr_t *err)
{
    const char *token;
    if (vs_param_str(in, "ClientToken", false, &token, err) != 0)
        return -1;
    if (token && strlen(token) > 64)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value for parameter clientToken is invalid. Length exceeds maximum "
                             "of 64 characters.");
    /* A retried call with the same token gets the first call's path. */
    for (vs_obj_t *o = vs_model__is_owner(m, caller) ? vs_model__first(m, &vs_kind_nip) : NULL;
         o && token && token[0]; o = vs_model__next(o, &vs_kind_nip))
        if (!strcmp(((vs_nip_t *)o)->client_token, token)) {
            *out = vs_json_object();
            vs_json_set(*out, "NetworkInsightsPath", s_nip_output(m, (vs_nip_t *)o));
            return 0;
        }
    vs_nip_t tmp;
    memset(&tmp, 0, sizeof tmp);
    vs_tags_t tags = { 0 };
    if (s_parse_path(m, caller, in, &tmp, err) != 0 ||
        vs_tags_from_specs(in, "network-insights-path", &tags, err) != 0 ||
        vs_model__dry_run_check(m, err) != 0) {
        vs_tags_free(&tags);
        return -1;
    }
    vs_nip_t *p = malloc(sizeof *p);
    if (!p) {
        vs_tags_free(&tags);
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    }
    *p = tmp;
    p->created_ms = vs_model__now(m);
    snprintf(p->client_token, sizeof p->client_token, "%s", token ? token : "");
    p->base.tags = tags;
    if (vs_model__add(m, &p->base, &vs_kind_nip, NULL) != 0) {
        vs_tags_free(&p->base.tags);
        free(p);
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    }
    *out = vs_json_object();
    vs_json_set(*out, "NetworkInsightsPath", s_nip_output(m, p));
    return 0;
}

/* --- StartNetworkInsightsAnalysis -------------------------------------------------------- */

static void s_clear_wait(vs_model_t *m, vs_nia_t *a)
{
    a->wait = VS_NIA_WAIT_NONE;
    vs_json_free(&a->probe);
    vs_json_free(&a->fwd_head);
    vs_json_free(&a->ret_tail);
    vs_model__timer_cancel(m, T_TIMEOUT, a->base.id);
    vs_model__touch(m, &a->base);
}

static void s_take_result(vs_nia_t *a, vs_reach_run_t *run)
{
    a->status = VS_NIA_SUCCEEDED;
    a->found = run->found;
    a->fwd = run->fwd;
    a->ret = run->ret;
    a->expl = run->expl;
    run->fwd = run->ret = run->expl = NULL;
    snprintf(a->warning, sizeof a->warning, "%s", run->warning);
}

/* Completes a waiting analysis with the destination's verdict (borrowed). */
static void s_complete(vs_model_t *m, vs_nia_t *a, const vs_reach_part_t *part)
{
    vs_reach_run_t run;
    memset(&run, 0, sizeof run);
    run.status = VS_REACH_PROBE;
    run.fwd_head = a->fwd_head;
    run.ret_tail = a->ret_tail;
    a->fwd_head = a->ret_tail = NULL;
    if (!run.fwd_head)
        run.fwd_head = vs_json_array();
    vs_reach_finish(&run, part);
    s_take_result(a, &run);
    vs_reach_run_free(&run);
    s_clear_wait(m, a);
}

/* Fails a waiting analysis with a StatusMessage. */
static void s_fail(vs_model_t *m, vs_nia_t *a, const char *msg)
{
    a->status = VS_NIA_FAILED;
    snprintf(a->status_msg, sizeof a->status_msg, "%s", msg);
    s_clear_wait(m, a);
}

/* The path's ends are looked up again: the analysis describes the network
 * as it is when it runs. */
static void s_analyze(vs_model_t *m, vs_nia_t *a, const vs_nip_t *p)
{
    const vs_instance_t *src = s_end_instance(m, p->source);
    const vs_instance_t *dst = p->destination[0] ? s_end_instance(m, p->destination) : NULL;
    vs_reach_run_t run;
    memset(&run, 0, sizeof run);
    if (!src || (p->destination[0] && !dst)) {
        vs_json_t *e = vs_json_object();
        vs_json_set(e, "Component", vs_reach__comp(m, s_arn_type(src ? p->destination : p->source),
                                                   src ? p->destination : p->source));
        vs_json_set_str(e, "ExplanationCode", "NO_SOURCE_OR_DESTINATION");
        run.expl = vs_json_array();
        vs_json_push(run.expl, e);
    } else {
        vs_reach_query_t q = { .src = src, .dst = dst, .dst_ip = p->dst_ip, .proto = p->proto,
                               .port = p->port };
        /* A destination named with its IPv6 address is analysed over IPv6. */
        if (dst && p->has_dst_ip && p->dst_ip.family == 6)
            q.dst = NULL;
        if (vs_reach_start(m, &q, &run) != 0) {
            vs_reach_run_free(&run);
            s_fail(m, a, "The request failed due to an internal error");
            return;
        }
    }
    if (run.status == VS_REACH_DONE) {
        s_take_result(a, &run);
        vs_reach_run_free(&run);
        vs_model__touch(m, &a->base);
        return;
    }
    a->fwd_head = run.fwd_head;
    a->ret_tail = run.ret_tail;
    run.fwd_head = run.ret_tail = NULL;
    a->probe = vs_reach_probe_to_json(&run.probe);
    snprintf(a->peer_account, sizeof a->peer_account, "%s", run.peer_account);
    snprintf(a->peer_region, sizeof a->peer_region, "%s", run.peer_region);
    snprintf(a->peer_vpc, sizeof a->peer_vpc, "%s", run.probe.dst_vpc);
    a->sealed = run.inter_region;
    vs_reach_run_free(&run);
    vs_model__timer_arm(m, T_TIMEOUT, a->base.id, vs_model__now(m) + VS_NIA_TIMEOUT_MS);
    vs_insights__send_probe(m, a);
    vs_model__touch(m, &a->base);
}

static int s_start(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                   vs_awserr_t *err)
{
    const char *path_id;
    const vs_json_t *fin, *fout, *accts;
    vs_nip_t *p;
    if (vs_param_str(in, "NetworkInsightsPathId", true, &path_id, err) != 0 ||
        vs_param_strlist(in, "FilterInArns", false, &fin, err) != 0 ||
        vs_param_strlist(in, "FilterOutArns", false, &fout, err) != 0 ||
        vs_param_strlist(in, "AdditionalAccounts", false, &accts, err) != 0 ||
        !(p = vs_model__resolve(m, caller, &vs_kind_nip, path_id, err)))
        return -1;
    if ((fin && vs_json_len(fin)) || (fout && vs_json_len(fout)))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "FilterInArns and FilterOutArns are not supported by the simulator.");
    vs_tags_t tags = { 0 };
    if (vs_tags_from_specs(in, "network-insights-analysis", &tags, err) != 0 ||
        vs_model__dry_run_check(m, err) != 0) {
        vs_tags_free(&tags);
        return -1;
    }
    vs_nia_t *a = calloc(1, sizeof *a);
    if (!a) {
        vs_tags_free(&tags);
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    }
    snprintf(a->path_id, sizeof a->path_id, "%s", p->base.id);
    a->start_ms = vs_model__now(m);
    a->status = VS_NIA_RUNNING;
    a->base.tags = tags;
    if (vs_model__add(m, &a->base, &vs_kind_nia, NULL) != 0) {
        vs_tags_free(&a->base.tags);
        free(a);
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    }
    s_analyze(m, a, p);
    *out = vs_json_object();
    vs_json_set(*out, "NetworkInsightsAnalysis", s_nia_view(m, a, true));
    return 0;
}

/* --- DescribeNetworkInsightsAnalyses ----------------------------------------------------- */

#define NIA(o) ((const vs_nia_t *)(o))

static void s_f_id(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, NIA(o)->base.id); }
static void s_f_path(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, NIA(o)->path_id); }
static void s_f_status(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_add(v, s_status_name(NIA(o)->status));
}
static void s_f_found(const void *m, const void *o, vs_fvals_t *v)
{
    if (NIA(o)->status == VS_NIA_SUCCEEDED)
        vs_fvals_add_bool(v, NIA(o)->found);
}

static const vs_filter_field_t s_filters[] = {
    { "network-insights-analysis-id", s_f_id },
    { "network-insights-path-id", s_f_path },
    { "status", s_f_status },
    { "path-found", s_f_found },
    { NULL, NULL }
};

/* AnalysisStartTime / AnalysisEndTime: a timestamp string or epoch
 * seconds, as botocore sends them. */
static int s_time_param(const vs_json_t *in, const char *key, uint64_t *out, vs_awserr_t *err)
{
    const vs_json_t *v = vs_json_get(in, key);
    if (!v)
        return 0;
    if (vs_json_type(v) == VS_JSON_NUMBER && vs_json_as_num(v, -1) >= 0 &&
        vs_json_as_num(v, -1) < 1e13) {
        *out = (uint64_t)(vs_json_as_num(v, 0) * 1000.0);
        return 0;
    }
    if (vs_json_type(v) == VS_JSON_STRING && vs_time_parse(vs_json_as_str(v), out) == 0)
        return 0;
    return vs_param_invalid(err, key);
}

/* Drops the analyses of list that started outside [from, to]. */
static void s_window(const vs_model_t *m, vs_json_t *doc, uint64_t from, uint64_t to)
{
    const vs_json_t *list = vs_json_get(doc, "NetworkInsightsAnalyses");
    vs_json_t *kept = vs_json_array();
    for (size_t i = 0; i < vs_json_len(list); i++) {
        const vs_json_t *e = vs_json_at(list, i);
        const vs_obj_t *o = vs_model__get(m, vs_json_get_str(e, "NetworkInsightsAnalysisId"));
        uint64_t t = o && o->kind == &vs_kind_nia ? ((const vs_nia_t *)o)->start_ms : 0;
        if (t >= from && t <= to)
            vs_json_push(kept, vs_json_clone(e));
    }
    vs_json_set(doc, "NetworkInsightsAnalyses", kept);
}

static int s_describe(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                      vs_awserr_t *err)
{
    static const vs_describe_t d = {
        &vs_kind_nia, "NetworkInsightsAnalysisIds", "NetworkInsightsAnalyses", s_filters,
        s_nia_output, false
    };
    const char *path_id;
    uint64_t from = 0, to = UINT64_MAX;
    if (vs_param_str(in, "NetworkInsightsPathId", false, &path_id, err) != 0 ||
        s_time_param(in, "AnalysisStartTime", &from, err) != 0 ||
        s_time_param(in, "AnalysisEndTime", &to, err) != 0)
        return -1;
    /* NetworkInsightsPathId narrows the list like a filter would. */
    vs_json_t *in2 = vs_json_clone(in);
    if (path_id) {
        const vs_json_t *f = vs_json_get(in2, "Filters");
        vs_json_t *filters = f && vs_json_type(f) == VS_JSON_ARRAY ? vs_json_clone(f)
                                                                    : vs_json_array();
        vs_json_t *one = vs_json_push(filters, vs_json_object());
        vs_json_set_str(one, "Name", "network-insights-path-id");
        vs_json_push(vs_json_set(one, "Values", vs_json_array()), vs_json_str(path_id));
        vs_json_set(in2, "Filters", filters);
    }
    int rc = vs_model__describe(m, caller, in2, &d, out, err);
    vs_json_free(&in2);
    if (rc == 0 && (from > 0 || to < UINT64_MAX))
        s_window(m, *out, from, to);
    return rc;
}

/* --- timers and the module --------------------------------------------------------------- */

static void s_on_timeout(vs_model_t *m, const char *id)
{
    vs_obj_t *o = vs_model__get(m, id);
    if (!o || o->kind != &vs_kind_nia)
        return;
    vs_nia_t *a = (vs_nia_t *)o;
    if (a->status != VS_NIA_RUNNING)
        return;
    char msg[320];
    snprintf(msg, sizeof msg, "The request failed due to inaccessible resource %s: the agent of "
             "account %s in %s did not answer within %llu seconds.", a->peer_vpc, a->peer_account,
             a->peer_region, (unsigned long long)(VS_NIA_TIMEOUT_MS / VS_SECOND_MS));
    s_fail(m, a, msg);
}

static const vs_action_t s_actions[] = {
    { "CreateNetworkInsightsPath", s_create_path },
    { "StartNetworkInsightsAnalysis", s_start },
    { "DescribeNetworkInsightsAnalyses", s_describe },
    { NULL, NULL }
};

/* --- peer messages (reach_proto.c decodes, this file decides) ---------------- */

static void s_apply(vs_model_t *m, vs_insights_outcome_t *o)
{
    if (!o->nia)
        return;
    if (o->complete) {
        s_complete(m, o->nia, &o->part);
        vs_reach_part_free(&o->part);
    } else {
        s_fail(m, o->nia, o->msg);
    }
}

static int s_on_peer(vs_model_t *m, const char *from_account, const char *from_region,
                     const uint8_t *payload, size_t len)
{
    vs_insights_outcome_t o;
    int rc = vs_insights__on_peer(m, from_account, from_region, payload, len, &o);
    s_apply(m, &o);
    return rc;
}

static void s_on_undeliverable(vs_model_t *m, uint64_t msg_id, bool no_such_agent)
{
    vs_insights_outcome_t o;
    vs_insights__on_undeliverable(m, msg_id, no_such_agent, &o);
    s_apply(m, &o);
}

static const vs_kind_t *const s_kinds[] = { &vs_kind_nip, &vs_kind_nia, &vs_kind_reachkey, NULL };

static const vs_timer_kind_t s_timers[] = {
    { T_TIMEOUT, s_on_timeout },
    { NULL, NULL }
};

const vs_module_t vs_module_insights = {
    .name = "insights",
    .actions = s_actions,
    .kinds = s_kinds,
    .timers = s_timers,
    .on_peer = s_on_peer,
    .on_undeliverable = s_on_undeliverable,
};
