/* ec2_sg: security groups - the default group of every VPC, and
 * CreateSecurityGroup, DeleteSecurityGroup, DescribeSecurityGroups. Rules
 * (Authorize* and Revoke*) are in sg_rules.c, output shapes and
 * DescribeStaleSecurityGroups in sg_out.c, the evaluator in sg_eval.c.
 */
#include <stdio.h>
#include <string.h>

#include "filter.h"
#include "instance.h"
#include "params.h"
#include "sg.h"
#include "sg_dir.h"

#define S_DEFAULT_NAME "default"
#define S_DEFAULT_DESC "default VPC security group"
/* AWS quota: security groups per VPC (adjustable; 2500 by default). */
#define S_MAX_GROUPS_PER_VPC 2500

#define SG(o) ((const vs_sg_t *)(o))

static int s_oom(vs_awserr_t *err)
{
    return vs_awserr_set(err, "InternalError", "An internal error has occurred");
}

/* --- creating groups -------------------------------------------------------- */

static int s_add_rule(vs_model_t *m, vs_sg_rule_t **arr, size_t *n, vs_sg_rule_t *r)
{
    vs_sg__new_rule_id(m, r);
    return vs__append((void **)arr, n, sizeof **arr, r);
}

/* Every new group may send anything: all traffic to 0.0.0.0/0, and to ::/0
 * when the VPC has IPv6 (as the default group). */
static int s_default_egress(vs_model_t *m, vs_sg_t *g, const vs_vpc_t *vpc)
{
    vs_sg_rule_t r = { .proto = VS_SG_ALL, .from_port = -1, .to_port = -1,
                       .peer = VS_SG_PEER_CIDR4 };
    vs_cidr_parse("0.0.0.0/0", VS_CIDR_STRICT, &r.cidr);
    if (s_add_rule(m, &g->out, &g->nout, &r) != 0)
        return -1;
    if (vpc->nv6 == 0)
        return 0;
    r.peer = VS_SG_PEER_CIDR6;
    vs_cidr_parse("::/0", VS_CIDR_STRICT, &r.cidr);
    return s_add_rule(m, &g->out, &g->nout, &r);
}

/* Removes g from the model and from its VPC's index. */
static void s_remove(vs_model_t *m, vs_sg_t *g)
{
    vs_sg__index_remove(m, g);
    vs_model__remove(m, &g->base);
}

/* A group in vpc under `id` (NULL: a fresh one). Takes the tags on
 * success. NULL on OOM. */
static vs_sg_t *s_new_group(vs_model_t *m, const vs_vpc_t *vpc, const char *id, const char *name,
                            const char *desc, vs_tags_t *tags)
{
    vs_sg_t *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    snprintf(g->vpc_id, sizeof g->vpc_id, "%s", vpc->base.id);
    snprintf(g->name, sizeof g->name, "%s", name);
    snprintf(g->desc, sizeof g->desc, "%s", desc);
    if (s_default_egress(m, g, vpc) != 0 || vs_model__add(m, &g->base, &vs_kind_sg, id) != 0) {
        vs_kind_sg.destroy(&g->base);
        return NULL;
    }
    vs_sg__index_add(m, g);
    if (tags) {
        g->base.tags = *tags;
        *tags = (vs_tags_t){ 0 };
    }
    return g;
}

/* The default group: the VPC already carries its ID. Its members may talk
 * to each other: all traffic in from the group itself. */
static void s_vpc_created(vs_model_t *m, vs_vpc_t *vpc)
{
    vs_sg__index_new_vpc(vpc);    /* no groups yet: no scan on first use */
    vs_sg_t *g = s_new_group(m, vpc, vpc->default_sg_id, S_DEFAULT_NAME, S_DEFAULT_DESC, NULL);
    if (!g)
        return;
    vs_sg_rule_t r = { .proto = VS_SG_ALL, .from_port = -1, .to_port = -1,
                       .peer = VS_SG_PEER_GROUP };
    snprintf(r.group_id, sizeof r.group_id, "%s", g->base.id);
    snprintf(r.user_id, sizeof r.user_id, "%s", vs_model_account(m));
    s_add_rule(m, &g->in, &g->nin, &r);
}

/* Groups other than the default one must be deleted before the VPC. */
static int s_vpc_delete_check(vs_model_t *m, const vs_vpc_t *vpc, vs_awserr_t *err)
{
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_sg); o; o = vs_model__next(o, &vs_kind_sg))
        if (!strcmp(SG(o)->vpc_id, vpc->base.id) && strcmp(o->id, vpc->default_sg_id))
            return vs_awserr_set(err, "DependencyViolation",
                                 "The vpc '%s' has dependencies and cannot be deleted.", vpc->base.id);
    return 0;
}

/* The default group goes with its VPC. Rules of groups in peered VPCs that
 * referenced it stay, and become stale (as when a peer deletes a group). */
static void s_vpc_deleting(vs_model_t *m, vs_vpc_t *vpc)
{
    vs_sg_t *g = vs_sg__get(m, vpc->default_sg_id);
    if (g)
        s_remove(m, g);
}

/* --- lookups ----------------------------------------------------------------- */

vs_sg_t *vs_sg__by_name(const vs_model_t *m, const char *vpc_id, const char *name)
{
    vs_sg_t *const *gs;
    size_t n = vs_sg__of_vpc(m, vpc_id, &gs);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(gs[i]->name, name))
            return gs[i];
    return NULL;
}

/* EC2 resolves a bare GroupName in the default VPC only. The simulator has
 * no default VPC, so a name is accepted when exactly one group of the
 * account has it; more than one is EC2's error for a missing default VPC. */
vs_sg_t *vs_sg__resolve(const vs_model_t *m, const char *caller, const vs_json_t *in,
                        bool id_only, vs_awserr_t *err)
{
    const char *id, *name = NULL;
    if (vs_param_str(in, "GroupId", false, &id, err) != 0 ||
        (!id_only && vs_param_str(in, "GroupName", false, &name, err) != 0))
        return NULL;
    if (id)
        return vs_model__resolve(m, caller, &vs_kind_sg, id, err);
    if (!name) {
        vs_param_missing(err, "GroupId");
        return NULL;
    }
    vs_sg_t *found = NULL;
    size_t n = 0;
    vs_obj_t *o = vs_model__is_owner(m, caller) ? vs_model__first(m, &vs_kind_sg) : NULL;
    for (; o; o = vs_model__next(o, &vs_kind_sg))
        if (!strcmp(SG(o)->name, name)) {
            found = (vs_sg_t *)o;
            n++;
        }
    if (n == 1)
        return found;
    if (n == 0)
        vs_awserr_set(err, "InvalidGroup.NotFound", "The security group '%.*s' does not exist",
                      VS_SG_NAME_LEN, name);
    else
        vs_awserr_set(err, "VPCIdNotSpecified",
                      "No default VPC for this user. GroupName is only supported for EC2-Classic "
                      "and default VPC.");
    return NULL;
}

/* --- CreateSecurityGroup ------------------------------------------------------ */

/* EC2 allows 255 characters of a-z, A-Z, 0-9, spaces and
 * ._-:/()#,@[]+=&;{}!$* in names and descriptions of VPC groups. */
static int s_check_text(const char *s, const char *param, vs_awserr_t *err)
{
    static const char extra[] = " ._-:/()#,@[]+=&;{}!$*";
    size_t len = strlen(s);
    if (len == 0 || len >= VS_SG_NAME_LEN)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%.*s) for parameter %s is invalid. Length must be between 1 "
                             "and 255 characters.", 64, s, param);
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr(extra, c)))
            return vs_awserr_set(err, "InvalidParameterValue",
                                 "Value (%.*s) for parameter %s is invalid. Character sets beyond "
                                 "ASCII are not supported.", 64, s, param);
    }
    return 0;
}

static int s_create(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                    vs_awserr_t *err)
{
    const char *name, *desc, *vpc_id;
    vs_vpc_t *vpc;
    if (vs_param_str(in, "GroupName", true, &name, err) != 0 ||
        vs_param_str(in, "Description", true, &desc, err) != 0 ||
        vs_param_str(in, "VpcId", false, &vpc_id, err) != 0 ||
        s_check_text(name, "GroupName", err) != 0 ||
        s_check_text(desc, "GroupDescription", err) != 0)
        return -1;
    if (!strncmp(name, "sg-", 3))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Group names may not be in the format sg-*.");
    if (!vpc_id)
        return vs_awserr_set(err, "VPCIdNotSpecified", "No default VPC for this user");
    if (!(vpc = vs_model__resolve(m, caller, &vs_kind_vpc, vpc_id, err)))
        return -1;
    if (!strcmp(name, S_DEFAULT_NAME))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Cannot use reserved security group name: default");
    if (vs_sg__by_name(m, vpc->base.id, name))
        return vs_awserr_set(err, "InvalidGroup.Duplicate",
                             "The security group '%s' already exists for VPC '%s'", name,
                             vpc->base.id);
    vs_sg_t *const *gs;
    size_t count = vs_sg__of_vpc(m, vpc->base.id, &gs);
    if (count >= S_MAX_GROUPS_PER_VPC)
        return vs_awserr_set(err, "SecurityGroupLimitExceeded",
                             "The maximum number of security groups for VPC '%s' has been reached.",
                             vpc->base.id);
    vs_tags_t tags = { 0 };
    if (vs_tags_from_specs(in, "security-group", &tags, err) != 0 ||
        vs_model__dry_run_check(m, err) != 0) {
        vs_tags_free(&tags);
        return -1;
    }
    vs_sg_t *g = s_new_group(m, vpc, NULL, name, desc, &tags);
    if (!g) {
        vs_tags_free(&tags);
        return s_oom(err);
    }
    char arn[VS_ARN_LEN];
    if (vs_model__arn(m, "security-group", g->base.id, arn) < 0)
        arn[0] = '\0';
    *out = vs_json_object();
    vs_json_set_str(*out, "GroupId", g->base.id);
    vs_tags_output(*out, &g->base.tags);
    vs_json_set_str(*out, "SecurityGroupArn", arn);
    vs_sgdir__vpc_changed(m, vpc->base.id);
    return 0;
}

/* --- DeleteSecurityGroup -------------------------------------------------------- */

/* Another group of this model with a rule naming g (a group may name
 * itself and still be deleted). */
static const vs_sg_t *s_referrer(const vs_model_t *m, const vs_sg_t *g)
{
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_sg); o; o = vs_model__next(o, &vs_kind_sg)) {
        const vs_sg_t *h = SG(o);
        if (h == g)
            continue;
        for (size_t i = 0; i < h->nin + h->nout; i++) {
            const vs_sg_rule_t *r = i < h->nin ? &h->in[i] : &h->out[i - h->nin];
            if (r->peer == VS_SG_PEER_GROUP && !strcmp(r->group_id, g->base.id))
                return h;
        }
    }
    return NULL;
}

/* An instance that is not terminated has an interface in the group. */
static bool s_used_by_instance(const vs_model_t *m, const vs_sg_t *g)
{
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_instance); o;
         o = vs_model__next(o, &vs_kind_instance)) {
        const vs_instance_t *i = (const vs_instance_t *)o;
        for (size_t k = 0; i->state != VS_INST_TERMINATED && k < i->nsg; k++)
            if (!strcmp(i->sg_ids[k], g->base.id))
                return true;
    }
    return false;
}

static int s_delete(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                    vs_awserr_t *err)
{
    vs_sg_t *g = vs_sg__resolve(m, caller, in, false, err);
    if (!g)
        return -1;
    if (!strcmp(g->name, S_DEFAULT_NAME))
        return vs_awserr_set(err, "CannotDelete",
                             "the specified group: \"%s\" name: \"default\" cannot be deleted by "
                             "a user", g->base.id);
    if (s_referrer(m, g) || s_used_by_instance(m, g))
        return vs_awserr_set(err, "DependencyViolation", "resource %s has a dependent object",
                             g->base.id);
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    *out = vs_json_object();
    vs_json_set_bool(*out, "Return", true);
    vs_json_set_str(*out, "GroupId", g->base.id);
    char vpc_id[VS_ID_LEN];
    snprintf(vpc_id, sizeof vpc_id, "%s", g->vpc_id);
    s_remove(m, g);
    vs_sgdir__vpc_changed(m, vpc_id);    /* peers' rules naming it go stale */
    return 0;
}

/* --- DescribeSecurityGroups --------------------------------------------------------- */

static vs_json_t *s_output(const vs_model_t *m, const vs_obj_t *o)
{
    const vs_sg_t *g = SG(o);
    char arn[VS_ARN_LEN];
    if (vs_model__arn(m, "security-group", g->base.id, arn) < 0)
        arn[0] = '\0';
    vs_json_t *d = vs_json_object();
    vs_json_set_str(d, "GroupId", g->base.id);
    vs_json_set(d, "IpPermissionsEgress", vs_sg__perms_output(m, g, true));
    vs_tags_output(d, &g->base.tags);
    vs_json_set_str(d, "VpcId", g->vpc_id);
    vs_json_set_str(d, "SecurityGroupArn", arn);
    vs_json_set_str(d, "OwnerId", vs_model_account(m));
    vs_json_set_str(d, "GroupName", g->name);
    vs_json_set_str(d, "Description", g->desc);
    vs_json_set(d, "IpPermissions", vs_sg__perms_output(m, g, false));
    return d;
}

static void s_f_id(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, SG(o)->base.id); }
static void s_f_name(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, SG(o)->name); }
static void s_f_vpc(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, SG(o)->vpc_id); }
static void s_f_desc(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, SG(o)->desc); }
static void s_f_owner(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_add(v, vs_model_account(m));
}

/* The ip-permission.* filters look at every rule of one direction. */
typedef enum { S_F_CIDR, S_F_V6, S_F_FROM, S_F_TO, S_F_PROTO, S_F_GROUP, S_F_USER, S_F_GNAME,
               S_F_PL } s_rf_t;

static void s_rule_vals(const vs_model_t *m, const vs_sg_t *g, bool egress, s_rf_t what,
                        vs_fvals_t *v)
{
    const vs_sg_rule_t *rules = egress ? g->out : g->in;
    size_t n = egress ? g->nout : g->nin;
    char buf[VS_CIDR_STRLEN];
    for (size_t i = 0; i < n; i++) {
        const vs_sg_rule_t *r = &rules[i];
        const vs_sg_t *ref = r->peer == VS_SG_PEER_GROUP ? vs_sg__get(m, r->group_id) : NULL;
        switch (what) {
        case S_F_CIDR:
        case S_F_V6:
            if (r->peer == (what == S_F_CIDR ? VS_SG_PEER_CIDR4 : VS_SG_PEER_CIDR6) &&
                vs_cidr_format(&r->cidr, buf, sizeof buf) > 0)
                vs_fvals_add(v, buf);
            break;
        case S_F_FROM: vs_fvals_addf(v, "%d", r->from_port); break;
        case S_F_TO: vs_fvals_addf(v, "%d", r->to_port); break;
        case S_F_PROTO: vs_fvals_add(v, vs_sg__proto_name(r->proto, buf)); break;
        case S_F_GROUP:
            if (r->peer == VS_SG_PEER_GROUP)
                vs_fvals_add(v, r->group_id);
            break;
        case S_F_USER:
            if (r->peer == VS_SG_PEER_GROUP)
                vs_fvals_add(v, r->user_id);
            break;
        case S_F_GNAME:
            if (ref)
                vs_fvals_add(v, ref->name);
            break;
        case S_F_PL:
            if (r->peer == VS_SG_PEER_PREFIX_LIST)
                vs_fvals_add(v, r->prefix_list_id);
            break;
        }
    }
}

#define S_RULE_FILTER(fn, egress, what)                                 \
    static void fn(const void *m, const void *o, vs_fvals_t *v)         \
    {                                                                   \
        s_rule_vals(m, SG(o), egress, what, v);                         \
    }
S_RULE_FILTER(s_fi_cidr, false, S_F_CIDR)
S_RULE_FILTER(s_fi_v6, false, S_F_V6)
S_RULE_FILTER(s_fi_from, false, S_F_FROM)
S_RULE_FILTER(s_fi_to, false, S_F_TO)
S_RULE_FILTER(s_fi_proto, false, S_F_PROTO)
S_RULE_FILTER(s_fi_group, false, S_F_GROUP)
S_RULE_FILTER(s_fi_user, false, S_F_USER)
S_RULE_FILTER(s_fi_gname, false, S_F_GNAME)
S_RULE_FILTER(s_fi_pl, false, S_F_PL)
S_RULE_FILTER(s_fe_cidr, true, S_F_CIDR)
S_RULE_FILTER(s_fe_v6, true, S_F_V6)
S_RULE_FILTER(s_fe_from, true, S_F_FROM)
S_RULE_FILTER(s_fe_to, true, S_F_TO)
S_RULE_FILTER(s_fe_proto, true, S_F_PROTO)
S_RULE_FILTER(s_fe_group, true, S_F_GROUP)
S_RULE_FILTER(s_fe_user, true, S_F_USER)
S_RULE_FILTER(s_fe_gname, true, S_F_GNAME)
S_RULE_FILTER(s_fe_pl, true, S_F_PL)

static const vs_filter_field_t s_filters[] = {
    { "group-id", s_f_id },
    { "group-name", s_f_name },
    { "vpc-id", s_f_vpc },
    { "description", s_f_desc },
    { "owner-id", s_f_owner },
    { "ip-permission.cidr", s_fi_cidr },
    { "ip-permission.ipv6-cidr", s_fi_v6 },
    { "ip-permission.from-port", s_fi_from },
    { "ip-permission.to-port", s_fi_to },
    { "ip-permission.protocol", s_fi_proto },
    { "ip-permission.group-id", s_fi_group },
    { "ip-permission.user-id", s_fi_user },
    { "ip-permission.group-name", s_fi_gname },
    { "ip-permission.prefix-list-id", s_fi_pl },
    { "egress.ip-permission.cidr", s_fe_cidr },
    { "egress.ip-permission.ipv6-cidr", s_fe_v6 },
    { "egress.ip-permission.from-port", s_fe_from },
    { "egress.ip-permission.to-port", s_fe_to },
    { "egress.ip-permission.protocol", s_fe_proto },
    { "egress.ip-permission.group-id", s_fe_group },
    { "egress.ip-permission.user-id", s_fe_user },
    { "egress.ip-permission.group-name", s_fe_gname },
    { "egress.ip-permission.prefix-list-id", s_fe_pl },
    { NULL, NULL }
};

/* GroupNames become a group-name filter: every name must exist, as with
 * GroupIds. Wildcards in names are taken literally, hence the escaping. */
static int s_names_filter(const vs_model_t *m, const char *caller, const vs_json_t *names,
                          vs_json_t *in2, vs_awserr_t *err)
{
    vs_json_t *filters = (vs_json_t *)vs_json_get(in2, "Filters");
    if (!filters)
        filters = vs_json_set(in2, "Filters", vs_json_array());
    if (vs_json_type(filters) != VS_JSON_ARRAY)
        return vs_param_invalid(err, "Filters");
    vs_json_t *f = vs_json_push(filters, vs_json_object());
    vs_json_set_str(f, "Name", "group-name");
    vs_json_t *vals = vs_json_set(f, "Values", vs_json_array());
    for (size_t i = 0; i < vs_json_len(names); i++) {
        const char *name = vs_json_as_str(vs_json_at(names, i));
        bool found = false;
        vs_obj_t *o = vs_model__is_owner(m, caller) ? vs_model__first(m, &vs_kind_sg) : NULL;
        for (; o && !found; o = vs_model__next(o, &vs_kind_sg))
            found = !strcmp(SG(o)->name, name);
        if (!found)
            return vs_awserr_set(err, "InvalidGroup.NotFound",
                                 "The security group '%.*s' does not exist", VS_SG_NAME_LEN, name);
        char esc[2 * VS_SG_NAME_LEN];
        size_t k = 0;
        for (const char *p = name; *p && k + 2 < sizeof esc; p++) {
            if (*p == '*' || *p == '?' || *p == '\\')
                esc[k++] = '\\';
            esc[k++] = *p;
        }
        esc[k] = '\0';
        vs_json_push(vals, vs_json_str(esc));
    }
    return 0;
}

static int s_describe(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                      vs_awserr_t *err)
{
    static const vs_describe_t d = {
        &vs_kind_sg, "GroupIds", "SecurityGroups", s_filters, s_output, false
    };
    const vs_json_t *names;
    if (vs_param_strlist(in, "GroupNames", false, &names, err) != 0)
        return -1;
    if (!names)
        return vs_model__describe(m, caller, in, &d, out, err);
    vs_json_t *in2 = vs_json_clone(in);
    if (!in2)
        return s_oom(err);
    vs_json_remove(in2, "GroupNames");
    int rc = s_names_filter(m, caller, names, in2, err);
    if (rc == 0)
        rc = vs_model__describe(m, caller, in2, &d, out, err);
    vs_json_free(&in2);
    return rc;
}

/* --- the module --------------------------------------------------------------------- */

static const vs_action_t s_actions[] = {
    { "CreateSecurityGroup", s_create },
    { "DeleteSecurityGroup", s_delete },
    { "DescribeSecurityGroups", s_describe },
    { "DescribeStaleSecurityGroups", vs_sg__describe_stale },
    { NULL, NULL }
};

static const vs_kind_t *const s_kinds[] = { &vs_kind_sg, NULL };

const vs_module_t vs_module_sg = {
    .name = "sg",
    .actions = s_actions,
    .kinds = s_kinds,
    .vpc_created = s_vpc_created,
    .vpc_delete_check = s_vpc_delete_check,
    .vpc_deleting = s_vpc_deleting,
};
