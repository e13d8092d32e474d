/* model_ctx: what every file of the model reads from it: the context
 * (configuration, clock, rng, the call being handled, ARNs), the registries
 * of the configured modules (object kinds, timer kinds) and the errors of
 * the ID families. The bottom of the model: it calls none of the others.
 */
#include <stdio.h>
#include <string.h>

#include "model_priv.h"

/* The ID families of CONTRACT.md, with EC2's error codes, including those
 * whose resources are implemented by later modules: CreateTags on an
 * unknown sg- ID must already say InvalidGroup.NotFound. */
static const vs_idfam_t s_idfams[] = {
    { "vpc", "InvalidVpcID.NotFound", "vpc", "InvalidVpcID.Malformed" },
    { "subnet", "InvalidSubnetID.NotFound", "subnet", "InvalidSubnetID.Malformed" },
    { "rtb", "InvalidRouteTableID.NotFound", "routeTable", "InvalidRouteTableID.Malformed" },
    { "igw", "InvalidInternetGatewayID.NotFound", "internetGateway",
      "InvalidInternetGatewayID.Malformed" },
    { "sg", "InvalidGroup.NotFound", "security group", "InvalidGroupId.Malformed" },
    { "acl", "InvalidNetworkAclID.NotFound", "networkAcl", "InvalidNetworkAclID.Malformed" },
    { "i", "InvalidInstanceID.NotFound", "instance", "InvalidInstanceID.Malformed" },
    { "pcx", "InvalidVpcPeeringConnectionID.NotFound", "vpcPeeringConnection",
      "InvalidVpcPeeringConnectionId.Malformed" },
    { "eni", "InvalidNetworkInterfaceID.NotFound", "networkInterface",
      "InvalidNetworkInterfaceID.Malformed" },
    { "nip", "InvalidNetworkInsightsPathId.NotFound", "NetworkInsightsPath",
      "InvalidNetworkInsightsPathId.Malformed" },
    { "nia", "InvalidNetworkInsightsAnalysisId.NotFound", "NetworkInsightsAnalysis",
      "InvalidNetworkInsightsAnalysisId.Malformed" },
    { NULL, NULL, NULL, NULL }
};

/* --- context ------------------------------------------------------------ */

const vs_model_config_t *vs_model__cfg(const vs_model_t *m) { return &m->cfg; }
uint64_t vs_model__now(const vs_model_t *m) { return vs_clock_now(m->cfg.clock); }
vs_rng_t *vs_model__rng(vs_model_t *m) { return m->cfg.rng; }
uint64_t vs_model__token(const vs_model_t *m) { return m->token; }

bool vs_model__is_owner(const vs_model_t *m, const char *caller)
{
    return caller && strcmp(caller, m->account) == 0;
}

int vs_model__arn(const vs_model_t *m, const char *type, const char *id, char out[VS_ARN_LEN])
{
    return vs_arn_format(out, VS_ARN_LEN, m->partition, m->region, m->account, type, id);
}

/* --- registries of the configured modules -------------------------------------- */

const vs_kind_t *vs_model__kind_by_prefix(const vs_model_t *m, const char *prefix)
{
    for (size_t i = 0; prefix && m->cfg.modules[i]; i++)
        for (const vs_kind_t *const *k = m->cfg.modules[i]->kinds; k && *k; k++)
            if (strcmp((*k)->prefix, prefix) == 0)
                return *k;
    return NULL;
}

const vs_timer_kind_t *vs_model__timer_kind(const vs_model_t *m, const char *name)
{
    for (size_t i = 0; name && m->cfg.modules[i]; i++)
        for (const vs_timer_kind_t *t = m->cfg.modules[i]->timers; t && t->name; t++)
            if (t->name == name || strcmp(t->name, name) == 0)   /* the same literal, mostly */
                return t;
    return NULL;
}

/* --- errors ------------------------------------------------------------------ */

const vs_idfam_t *vs_model__idfam(const char *prefix)
{
    for (const vs_idfam_t *f = s_idfams; prefix && f->prefix; f++)
        if (strcmp(f->prefix, prefix) == 0)
            return f;
    return NULL;
}

int vs_model__err_notfound(vs_awserr_t *err, const char *prefix, const char *const *ids, size_t n)
{
    const vs_idfam_t *f = vs_model__idfam(prefix);
    if (!f)
        return vs_awserr_set(err, "InvalidID", "The ID '%s' is not valid", n ? ids[0] : "");
    /* "The vpc IDs 'vpc-a, vpc-b' do not exist"; the security group
     * family has no "ID" in its messages. */
    bool sg = strcmp(f->prefix, "sg") == 0;
    char list[400] = "";
    size_t len = 0;
    for (size_t i = 0; i < n && len < sizeof list; i++) {
        int w = snprintf(list + len, sizeof list - len, "%s%.*s", i ? ", " : "", 64, ids[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    if (n > 1)
        return vs_awserr_set(err, f->nf_code, "The %s%s '%s' do not exist", f->noun,
                             sg ? "s" : " IDs", list);
    return vs_awserr_set(err, f->nf_code, "The %s%s '%s' does not exist", f->noun,
                         sg ? "" : " ID", list);
}

int vs_model__err_malformed(vs_awserr_t *err, const char *prefix, const char *id)
{
    const vs_idfam_t *f = vs_model__idfam(prefix);
    return vs_awserr_set(err, f ? f->malformed_code : "InvalidID",
                         "Invalid id: \"%.*s\" (expecting \"%s-...\")", 128, id ? id : "",
                         prefix);
}
