/* ec2_igw: internet gateways: CreateInternetGateway, AttachInternetGateway,
 * DetachInternetGateway, DeleteInternetGateway, DescribeInternetGateways.
 * A VPC holds at most one gateway and cannot be deleted while one is
 * attached (vpc_delete_check). Routes to a gateway (ec2_route.c) stay in
 * their tables when it is detached and show as blackhole until it is
 * attached again (route_lookup.c computes that).
 */
#include <stdio.h>
#include <string.h>

#include "filter.h"
#include "igw.h"
#include "params.h"

/* --- the object ------------------------------------------------------------ */

static void s_destroy(vs_obj_t *o)
{
    free(o);
}

static int s_to_doc(const vs_model_t *m, const vs_obj_t *o, vs_json_t *doc)
{
    const vs_igw_t *g = (const vs_igw_t *)o;
    if (g->vpc_id[0])
        vs_json_set_str(doc, "VpcId", g->vpc_id);
    return 0;
}

static vs_obj_t *s_from_doc(vs_model_t *m, const vs_json_t *doc)
{
    vs_igw_t *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    const char *vpc = vs_json_get_str(doc, "VpcId");
    if (vpc) {
        if (!vs_id_valid(vpc, "vpc")) {
            free(g);
            return NULL;
        }
        snprintf(g->vpc_id, sizeof g->vpc_id, "%s", vpc);
    } else if (vs_json_get(doc, "VpcId")) {
        free(g);
        return NULL;
    }
    return &g->base;
}

const vs_kind_t vs_kind_igw = {
    .prefix = "igw",
    .name = "InternetGateway",
    .to_doc = s_to_doc,
    .from_doc = s_from_doc,
    .destroy = s_destroy,
};

#define IGW(o) ((const vs_igw_t *)(o))

const vs_igw_t *vs_igw__for_vpc(const vs_model_t *m, const char *vpc_id)
{
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_igw); o; o = vs_model__next(o, &vs_kind_igw))
        if (IGW(o)->vpc_id[0] && strcmp(IGW(o)->vpc_id, vpc_id) == 0)
            return IGW(o);
    return NULL;
}

/* --- output --------------------------------------------------------------------- */

/* An attached gateway's attachment shows "available" in EC2's answers
 * (not "attached", although the API model lists that value). Gateways
 * print their tag list even when it is empty. */
static vs_json_t *s_output(const vs_model_t *m, const vs_obj_t *o)
{
    const vs_igw_t *g = IGW(o);
    vs_json_t *d = vs_json_object();
    vs_json_t *atts = vs_json_set(d, "Attachments", vs_json_array());
    if (g->vpc_id[0]) {
        vs_json_t *a = vs_json_push(atts, vs_json_object());
        vs_json_set_str(a, "State", "available");
        vs_json_set_str(a, "VpcId", g->vpc_id);
    }
    vs_json_set_str(d, "InternetGatewayId", g->base.id);
    vs_json_set_str(d, "OwnerId", vs_model_account(m));
    vs_json_set(d, "Tags", vs_tags_to_json(&g->base.tags));
    return d;
}

/* --- actions ------------------------------------------------------------------------ */

static int s_create(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                    vs_awserr_t *err)
{
    vs_tags_t tags = { 0 };
    if (vs_tags_from_specs(in, "internet-gateway", &tags, err) != 0 ||
        vs_model__dry_run_check(m, err) != 0) {
        vs_tags_free(&tags);
        return -1;
    }
    vs_igw_t *g = calloc(1, sizeof *g);
    if (!g) {
        vs_tags_free(&tags);
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    }
    g->base.tags = tags;
    if (vs_model__add(m, &g->base, &vs_kind_igw, NULL) != 0) {
        vs_tags_free(&g->base.tags);
        free(g);
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    }
    *out = vs_json_object();
    vs_json_set(*out, "InternetGateway", s_output(m, &g->base));
    return 0;
}

/* Resolves InternetGatewayId and VpcId (both required), gateway first. */
static int s_resolve_pair(vs_model_t *m, const char *caller, const vs_json_t *in, vs_igw_t **g,
                          vs_vpc_t **v, vs_awserr_t *err)
{
    const char *gid, *vid;
    if (vs_param_str(in, "InternetGatewayId", true, &gid, err) != 0 ||
        vs_param_str(in, "VpcId", true, &vid, err) != 0 ||
        !(*g = vs_model__resolve(m, caller, &vs_kind_igw, gid, err)) ||
        !(*v = vs_model__resolve(m, caller, &vs_kind_vpc, vid, err)))
        return -1;
    return 0;
}

static int s_attach(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                    vs_awserr_t *err)
{
    vs_igw_t *g;
    vs_vpc_t *v;
    if (s_resolve_pair(m, caller, in, &g, &v, err) != 0)
        return -1;
    if (g->vpc_id[0])
        return vs_awserr_set(err, "Resource.AlreadyAssociated",
                             "resource %s is already attached to network %s", g->base.id, g->vpc_id);
    /* EC2 names the gateway the VPC already has [INF: the message of the
     * second case is not documented; it mirrors the first]. */
    const vs_igw_t *other = vs_igw__for_vpc(m, v->base.id);
    if (other)
        return vs_awserr_set(err, "Resource.AlreadyAssociated",
                             "resource %s is already attached to network %s", other->base.id,
                             v->base.id);
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    snprintf(g->vpc_id, sizeof g->vpc_id, "%s", v->base.id);
    vs_model__touch(m, &g->base);
    return 0;
}

static int s_detach(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                    vs_awserr_t *err)
{
    vs_igw_t *g;
    vs_vpc_t *v;
    if (s_resolve_pair(m, caller, in, &g, &v, err) != 0)
        return -1;
    if (strcmp(g->vpc_id, v->base.id) != 0)
        return vs_awserr_set(err, "Gateway.NotAttached", "resource %s is not attached to network %s",
                             g->base.id, v->base.id);
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    g->vpc_id[0] = '\0';
    vs_model__touch(m, &g->base);
    return 0;
}

static int s_delete(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                    vs_awserr_t *err)
{
    const char *gid;
    vs_igw_t *g;
    if (vs_param_str(in, "InternetGatewayId", true, &gid, err) != 0 ||
        !(g = vs_model__resolve(m, caller, &vs_kind_igw, gid, err)))
        return -1;
    if (g->vpc_id[0])
        return vs_awserr_set(err, "DependencyViolation",
                             "The internetGateway '%s' has dependencies and cannot be deleted.",
                             g->base.id);
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    vs_model__remove(m, &g->base);
    return 0;
}

/* --- DescribeInternetGateways ----------------------------------------------------------- */

static void s_f_id(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, IGW(o)->base.id); }
static void s_f_owner(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_add(v, vs_model_account(m));
}
static void s_f_a_vpc(const void *m, const void *o, vs_fvals_t *v)
{
    if (IGW(o)->vpc_id[0])
        vs_fvals_add(v, IGW(o)->vpc_id);
}
static void s_f_a_state(const void *m, const void *o, vs_fvals_t *v)
{
    if (IGW(o)->vpc_id[0])
        vs_fvals_add(v, "available");
}

static const vs_filter_field_t s_filters[] = {
    { "internet-gateway-id", s_f_id },
    { "owner-id", s_f_owner },
    { "attachment.vpc-id", s_f_a_vpc },
    { "attachment.state", s_f_a_state },
    { NULL, NULL }
};

static int s_describe(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                      vs_awserr_t *err)
{
    static const vs_describe_t d = {
        &vs_kind_igw, "InternetGatewayIds", "InternetGateways", s_filters, s_output, false
    };
    return vs_model__describe(m, caller, in, &d, out, err);
}

/* --- hooks ---------------------------------------------------------------------------------- */

/* An attached gateway is a dependency of its VPC. */
static int s_vpc_delete_check(vs_model_t *m, const vs_vpc_t *vpc, vs_awserr_t *err)
{
    if (vs_igw__for_vpc(m, vpc->base.id))
        return vs_awserr_set(err, "DependencyViolation",
                             "The vpc '%s' has dependencies and cannot be deleted.", vpc->base.id);
    return 0;
}

static const vs_action_t s_actions[] = {
    { "CreateInternetGateway", s_create },
    { "AttachInternetGateway", s_attach },
    { "DetachInternetGateway", s_detach },
    { "DeleteInternetGateway", s_delete },
    { "DescribeInternetGateways", s_describe },
    { NULL, NULL }
};

static const vs_kind_t *const s_kinds[] = { &vs_kind_igw, NULL };

const vs_module_t vs_module_igw = {
    .name = "igw",
    .actions = s_actions,
    .kinds = s_kinds,
    .vpc_delete_check = s_vpc_delete_check,
};
