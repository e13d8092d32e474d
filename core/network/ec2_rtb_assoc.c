/* ec2_rtb_assoc: route tables as resources the user manages:
 * CreateRouteTable, DeleteRouteTable and the subnet associations
 * (AssociateRouteTable, DisassociateRouteTable,
 * ReplaceRouteTableAssociation). A subnet without an explicit association
 * uses its VPC's main table (route_lookup.h). The handlers are listed by
 * the route module (ec2_route.c); the object itself lives in ec2_rtb.c.
 */
#include <stdio.h>
#include <string.h>

#include "params.h"
#include "rtb_actions.h"

/* Route tables per VPC (EC2's default quota). */
#define S_MAX_TABLES_PER_VPC 200

#define RTB(o) ((vs_rtb_t *)(o))

static int s_internal(vs_awserr_t *err)
{
    return vs_awserr_set(err, "InternalError", "An internal error has occurred");
}

/* --- CreateRouteTable --------------------------------------------------------- */

int vs_rtb__create_table(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                         vs_awserr_t *err)
{
    const char *vpc_id, *token;
    vs_vpc_t *v;
    if (vs_param_str(in, "VpcId", true, &vpc_id, err) != 0 ||
        vs_param_str(in, "ClientToken", false, &token, err) != 0 ||
        !(v = vs_model__resolve(m, caller, &vs_kind_vpc, vpc_id, err)))
        return -1;
    if (token && strlen(token) > 64)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value for parameter clientToken is invalid: longer than 64 characters");
    size_t n = 0;
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_rtb); o; o = vs_model__next(o, &vs_kind_rtb))
        n += strcmp(RTB(o)->vpc_id, v->base.id) == 0;
    if (n >= S_MAX_TABLES_PER_VPC)
        return vs_awserr_set(err, "RouteTableLimitExceeded",
                             "You've reached the limit on the number of route tables that you can "
                             "create for the specified VPC.");
    vs_tags_t tags = { 0 };
    if (vs_tags_from_specs(in, "route-table", &tags, err) != 0 ||
        vs_model__dry_run_check(m, err) != 0) {
        vs_tags_free(&tags);
        return -1;
    }
    vs_rtb_t *r = vs_rtb__create(m, v, false);
    if (!r) {
        vs_tags_free(&tags);
        return s_internal(err);
    }
    r->base.tags = tags;
    *out = vs_json_object();
    vs_json_set(*out, "RouteTable", vs_rtb__output(m, &r->base));
    /* The token is echoed as given; repeating a token does not return the
     * earlier table (idempotency is not simulated). */
    if (token)
        vs_json_set_str(*out, "ClientToken", token);
    return 0;
}

/* --- DeleteRouteTable ------------------------------------------------------------ */

int vs_rtb__delete_table(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                         vs_awserr_t *err)
{
    const char *id;
    vs_rtb_t *r;
    if (vs_param_str(in, "RouteTableId", true, &id, err) != 0 ||
        !(r = vs_model__resolve(m, caller, &vs_kind_rtb, id, err)))
        return -1;
    /* The main table carries the main association, so this covers it too. */
    if (r->nassocs)
        return vs_awserr_set(err, "DependencyViolation",
                             "The routeTable '%s' has dependencies and cannot be deleted.", r->base.id);
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    vs_model__remove(m, &r->base);
    return 0;
}

/* --- associations ------------------------------------------------------------------- */

/* The table holding association `id` for caller, and its index. */
static vs_rtb_t *s_find_assoc(const vs_model_t *m, const char *caller, const char *id, size_t *idx)
{
    if (!vs_model__is_owner(m, caller))
        return NULL;
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_rtb); o; o = vs_model__next(o, &vs_kind_rtb))
        for (size_t i = 0; i < RTB(o)->nassocs; i++)
            if (strcmp(RTB(o)->assocs[i].id, id) == 0) {
                *idx = i;
                return RTB(o);
            }
    return NULL;
}

static int s_assoc_notfound(vs_awserr_t *err, const char *id)
{
    return vs_awserr_set(err, "InvalidAssociationID.NotFound",
                         "The association ID '%.*s' does not exist", 100, id);
}

static vs_json_t *s_assoc_output(const char *id_key, const char *assoc_id)
{
    vs_json_t *o = vs_json_object();
    vs_json_set_str(o, id_key, assoc_id);
    vs_json_set_str(vs_json_set(o, "AssociationState", vs_json_object()), "State", "associated");
    return o;
}

int vs_rtb__associate(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                      vs_awserr_t *err)
{
    const char *rtb_id, *subnet_id, *gw_id, *pool;
    vs_rtb_t *r;
    vs_subnet_t *s;
    if (vs_param_str(in, "RouteTableId", true, &rtb_id, err) != 0 ||
        vs_param_str(in, "SubnetId", false, &subnet_id, err) != 0 ||
        vs_param_str(in, "GatewayId", false, &gw_id, err) != 0 ||
        vs_param_str(in, "PublicIpv4Pool", false, &pool, err) != 0)
        return -1;
    if (subnet_id && gw_id)
        return vs_awserr_set(err, "InvalidParameterCombination",
                             "The parameter subnetId cannot be used with the parameter gatewayId");
    /* Gateway (edge) associations steer traffic entering a VPC through an
     * appliance; nothing in the simulator uses them. */
    if (gw_id || pool)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Gateway route table associations are not supported by this simulator");
    if (!subnet_id)
        return vs_param_missing(err, "SubnetId");
    if (!(r = vs_model__resolve(m, caller, &vs_kind_rtb, rtb_id, err)) ||
        !(s = vs_model__resolve(m, caller, &vs_kind_subnet, subnet_id, err)))
        return -1;
    if (strcmp(r->vpc_id, s->vpc_id) != 0)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "route table %s and subnet %s belong to different networks", r->base.id,
                             s->base.id);
    /* A subnet has at most one explicit association; moving it to another
     * table is ReplaceRouteTableAssociation. */
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_rtb); o; o = vs_model__next(o, &vs_kind_rtb))
        for (size_t i = 0; i < RTB(o)->nassocs; i++)
            if (strcmp(RTB(o)->assocs[i].subnet_id, s->base.id) == 0)
                return vs_awserr_set(err, "Resource.AlreadyAssociated",
                                     "the specified association for route table %s conflicts with "
                                     "an existing association", r->base.id);
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    vs_rtb_assoc_t a = { .main = false };
    vs_model__new_assoc_id(m, "rtbassoc", a.id);
    snprintf(a.subnet_id, sizeof a.subnet_id, "%s", s->base.id);
    if (VS_APPEND(r->assocs, r->nassocs, &a) != 0)
        return s_internal(err);
    vs_model__touch(m, &r->base);
    *out = s_assoc_output("AssociationId", a.id);
    return 0;
}

int vs_rtb__disassociate(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                         vs_awserr_t *err)
{
    const char *id;
    size_t i = 0;
    vs_rtb_t *r;
    if (vs_param_str(in, "AssociationId", true, &id, err) != 0)
        return -1;
    if (!(r = s_find_assoc(m, caller, id, &i)))
        return s_assoc_notfound(err, id);
    /* [INF] EC2's wording for this case is not documented. */
    if (r->assocs[i].main)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "cannot disassociate the main route table association %s", id);
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    vs__erase(r->assocs, &r->nassocs, sizeof *r->assocs, i);
    vs_model__touch(m, &r->base);
    return 0;
}

/* Moves an association (a subnet's, or the VPC's main one) to another
 * table of the same VPC under a new ID. */
int vs_rtb__replace_association(vs_model_t *m, const char *caller, const vs_json_t *in,
                                vs_json_t **out, vs_awserr_t *err)
{
    const char *id, *rtb_id;
    size_t i = 0;
    vs_rtb_t *from, *to;
    if (vs_param_str(in, "AssociationId", true, &id, err) != 0 ||
        vs_param_str(in, "RouteTableId", true, &rtb_id, err) != 0)
        return -1;
    if (!(from = s_find_assoc(m, caller, id, &i)))
        return s_assoc_notfound(err, id);
    if (!(to = vs_model__resolve(m, caller, &vs_kind_rtb, rtb_id, err)))
        return -1;
    vs_rtb_assoc_t a = from->assocs[i];
    if (strcmp(from->vpc_id, to->vpc_id) != 0)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "route table %s and %s %s belong to different networks", to->base.id,
                             a.main ? "network" : "subnet", a.main ? from->vpc_id : a.subnet_id);
    vs_obj_t *vo = vs_model__get(m, from->vpc_id);
    if (a.main && (!vo || vo->kind != &vs_kind_vpc))
        return s_internal(err);
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    vs_model__new_assoc_id(m, "rtbassoc", a.id);
    if (VS_APPEND(to->assocs, to->nassocs, &a) != 0)
        return s_internal(err);
    /* from == to: the appended copy sits after index i, which stays valid. */
    vs__erase(from->assocs, &from->nassocs, sizeof *from->assocs, i);
    vs_model__touch(m, &from->base);
    vs_model__touch(m, &to->base);
    if (a.main) {
        vs_vpc_t *v = (vs_vpc_t *)vo;
        snprintf(v->main_rtb_id, sizeof v->main_rtb_id, "%s", to->base.id);
        vs_model__touch(m, vo);
    }
    *out = s_assoc_output("NewAssociationId", a.id);
    return 0;
}
