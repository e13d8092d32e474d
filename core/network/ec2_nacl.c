/* ec2_nacl: network ACL objects and CreateNetworkAcl, DeleteNetworkAcl,
 * DescribeNetworkAcls, ReplaceNetworkAclAssociation (the entry actions are
 * in nacl_entry.c). Hooks: a VPC's default ACL is born and dies with it
 * (vpc_created / vpc_deleting), gains its IPv6 rules with the VPC's first
 * IPv6 block (vpc_cidr_changed), custom ACLs keep a VPC from being deleted
 * (vpc_delete_check), and a subnet is associated with the default ACL when
 * it is created and loses its association when deleted.
 */
#include <stdio.h>
#include <string.h>

#include "filter.h"
#include "nacl.h"
#include "params.h"

#define ACL(o) ((const vs_nacl_t *)(o))
/* Associations one ACL may hold in a persisted document: far above the
 * 200 subnets a VPC has by default. */
#define S_MAX_ASSOCS 10000

/* --- the object ------------------------------------------------------------------ */

static void s_destroy(vs_obj_t *o)
{
    vs_nacl_t *a = (vs_nacl_t *)o;
    free(a->entries);
    free(a->assocs);
    free(a);
}

static int s_to_doc(const vs_model_t *m, const vs_obj_t *o, vs_json_t *doc)
{
    const vs_nacl_t *a = ACL(o);
    vs_json_set_str(doc, "VpcId", a->vpc_id);
    vs_json_set_bool(doc, "IsDefault", a->is_default);
    if (a->client_token[0])
        vs_json_set_str(doc, "ClientToken", a->client_token);
    vs_json_t *ents = vs_json_set(doc, "Entries", vs_json_array());
    for (size_t i = 0; i < a->nentries; i++)
        vs_json_push(ents, vs_nacl__entry_output(&a->entries[i]));
    vs_json_t *as = vs_json_set(doc, "Associations", vs_json_array());
    for (size_t i = 0; i < a->nassocs; i++) {
        vs_json_t *j = vs_json_push(as, vs_json_object());
        vs_json_set_str(j, "NetworkAclAssociationId", a->assocs[i].id);
        vs_json_set_str(j, "SubnetId", a->assocs[i].subnet_id);
    }
    return 0;
}

static bool s_copy(char *dst, size_t cap, const char *src, const char *prefix)
{
    if (!src || strlen(src) >= cap || (prefix && !vs_id_valid(src, prefix)))
        return false;
    snprintf(dst, cap, "%s", src);
    return true;
}

static vs_obj_t *s_from_doc(vs_model_t *m, const vs_json_t *doc)
{
    vs_nacl_t *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    const vs_json_t *ents = vs_json_get(doc, "Entries"), *as = vs_json_get(doc, "Associations");
    a->is_default = vs_json_get_bool(doc, "IsDefault", false);
    const char *token = vs_json_get_str(doc, "ClientToken");
    bool ok = s_copy(a->vpc_id, sizeof a->vpc_id, vs_json_get_str(doc, "VpcId"), "vpc") &&
              (!token || s_copy(a->client_token, sizeof a->client_token, token, NULL)) &&
              vs_json_type(ents) == VS_JSON_ARRAY && vs_json_type(as) == VS_JSON_ARRAY &&
              vs_json_len(ents) <= 2 * (VS_NACL_MAX_ENTRIES + 2) &&
              vs_json_len(as) <= S_MAX_ASSOCS;
    for (size_t i = 0; ok && i < vs_json_len(ents); i++) {
        vs_nacl_entry_t e;
        ok = vs_nacl__entry_from_doc(vs_json_at(ents, i), &e) == 0 &&
             vs_nacl__insert(a, &e) == 0;
    }
    for (size_t i = 0; ok && i < vs_json_len(as); i++) {
        const vs_json_t *j = vs_json_at(as, i);
        vs_nacl_assoc_t x;
        ok = s_copy(x.id, sizeof x.id, vs_json_get_str(j, "NetworkAclAssociationId"), NULL) &&
             !strncmp(x.id, "aclassoc-", 9) &&
             s_copy(x.subnet_id, sizeof x.subnet_id, vs_json_get_str(j, "SubnetId"), "subnet") &&
             VS_APPEND(a->assocs, a->nassocs, &x) == 0;
    }
    if (!ok) {
        s_destroy(&a->base);
        return NULL;
    }
    return &a->base;
}

const vs_kind_t vs_kind_nacl = {
    .prefix = "acl",
    .name = "NetworkAcl",
    .to_doc = s_to_doc,
    .from_doc = s_from_doc,
    .destroy = s_destroy,
};

/* --- lookups ------------------------------------------------------------------------ */

static vs_nacl_t *s_assoc_of(const vs_model_t *m, const char *subnet_id, size_t *idx)
{
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_nacl); o; o = vs_model__next(o, &vs_kind_nacl)) {
        vs_nacl_t *a = (vs_nacl_t *)o;
        for (size_t i = 0; i < a->nassocs; i++)
            if (!strcmp(a->assocs[i].subnet_id, subnet_id)) {
                if (idx)
                    *idx = i;
                return a;
            }
    }
    return NULL;
}

const vs_nacl_t *vs_nacl__for_subnet(const vs_model_t *m, const char *subnet_id)
{
    return s_assoc_of(m, subnet_id, NULL);
}

static vs_nacl_entry_t s_all_entry(int rule, bool egress, bool allow, int family)
{
    vs_nacl_entry_t e = { .rule = rule, .egress = egress, .allow = allow, .proto = -1,
                          .from_port = -1, .to_port = -1, .icmp_type = -1, .icmp_code = -1 };
    e.cidr.addr.family = (uint8_t)family;    /* 0.0.0.0/0 or ::/0 */
    return e;
}

/* The `*` denies of one family, and for a default ACL the allow-all rules
 * (100 for IPv4, 101 for IPv6). -1 on OOM. */
static int s_add_base_rules(vs_nacl_t *a, int family)
{
    for (int egress = 0; egress <= 1; egress++) {
        vs_nacl_entry_t deny = s_all_entry(family == 4 ? VS_NACL_RULE_STAR4 : VS_NACL_RULE_STAR6,
                                           egress, false, family);
        vs_nacl_entry_t allow = s_all_entry(family == 4 ? 100 : 101, egress, true, family);
        if (vs_nacl__find(a, deny.rule, deny.egress))
            continue;
        if (vs_nacl__insert(a, &deny) != 0 ||
            (a->is_default && !vs_nacl__find(a, allow.rule, allow.egress) &&
             vs_nacl__insert(a, &allow) != 0))
            return -1;
    }
    return 0;
}

/* A new ACL of vpc (under `id` if given), added to the model; NULL on OOM. */
static vs_nacl_t *s_new_acl(vs_model_t *m, const vs_vpc_t *vpc, const char *id, bool is_default)
{
    vs_nacl_t *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    snprintf(a->vpc_id, sizeof a->vpc_id, "%s", vpc->base.id);
    a->is_default = is_default;
    if (s_add_base_rules(a, 4) != 0 || (vpc->nv6 > 0 && s_add_base_rules(a, 6) != 0) ||
        vs_model__add(m, &a->base, &vs_kind_nacl, id) != 0) {
        s_destroy(&a->base);
        return NULL;
    }
    return a;
}

/* --- output ----------------------------------------------------------------------- */

static vs_json_t *s_output(const vs_model_t *m, const vs_obj_t *o)
{
    const vs_nacl_t *a = ACL(o);
    vs_json_t *d = vs_json_object();
    vs_json_t *as = vs_json_set(d, "Associations", vs_json_array());
    for (size_t i = 0; i < a->nassocs; i++) {
        vs_json_t *j = vs_json_push(as, vs_json_object());
        vs_json_set_str(j, "NetworkAclAssociationId", a->assocs[i].id);
        vs_json_set_str(j, "NetworkAclId", a->base.id);
        vs_json_set_str(j, "SubnetId", a->assocs[i].subnet_id);
    }
    vs_json_t *ents = vs_json_set(d, "Entries", vs_json_array());
    for (size_t i = 0; i < a->nentries; i++)
        vs_json_push(ents, vs_nacl__entry_output(&a->entries[i]));
    vs_json_set_bool(d, "IsDefault", a->is_default);
    vs_json_set_str(d, "NetworkAclId", a->base.id);
    vs_json_set(d, "Tags", vs_tags_to_json(&a->base.tags));
    vs_json_set_str(d, "VpcId", a->vpc_id);
    vs_json_set_str(d, "OwnerId", vs_model_account(m));
    return d;
}

/* --- CreateNetworkAcl / DeleteNetworkAcl ------------------------------------------- */

static int s_create(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                    vs_awserr_t *err)
{
    const char *vpc_id, *token;
    vs_vpc_t *v;
    if (vs_param_str(in, "VpcId", true, &vpc_id, err) != 0 ||
        vs_param_str(in, "ClientToken", false, &token, err) != 0 ||
        !(v = vs_model__resolve(m, caller, &vs_kind_vpc, vpc_id, err)))
        return -1;
    if (token && strlen(token) >= VS_NACL_TOKEN_LEN)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value for parameter clientToken is invalid. Length must be at most "
                             "64 characters.");
    /* A retried call with the same token gets the first call's ACL
     * (EC2 idempotency); the same token for another VPC is a mistake. */
    for (vs_obj_t *o = token && token[0] ? vs_model__first(m, &vs_kind_nacl) : NULL; o;
         o = vs_model__next(o, &vs_kind_nacl)) {
        if (strcmp(ACL(o)->client_token, token) != 0)
            continue;
        if (strcmp(ACL(o)->vpc_id, v->base.id) != 0)
            return vs_awserr_set(err, "IdempotentParameterMismatch",
                                 "The client token you have provided is associated with a "
                                 "resource that is already deleted or has different parameters.");
        *out = vs_json_object();
        vs_json_set(*out, "NetworkAcl", s_output(m, o));
        vs_json_set_str(*out, "ClientToken", token);
        return 0;
    }
    size_t n = 0;
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_nacl); o; o = vs_model__next(o, &vs_kind_nacl))
        n += !strcmp(ACL(o)->vpc_id, v->base.id);
    if (n >= VS_NACL_MAX_PER_VPC)
        return vs_awserr_set(err, "NetworkAclLimitExceeded",
                             "The maximum number of network ACLs has been reached.");
    vs_tags_t tags = { 0 };
    if (vs_tags_from_specs(in, "network-acl", &tags, err) != 0 ||
        vs_model__dry_run_check(m, err) != 0) {
        vs_tags_free(&tags);
        return -1;
    }
    vs_nacl_t *a = s_new_acl(m, v, NULL, false);
    if (!a) {
        vs_tags_free(&tags);
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    }
    a->base.tags = tags;
    if (token)
        snprintf(a->client_token, sizeof a->client_token, "%s", token);
    *out = vs_json_object();
    vs_json_set(*out, "NetworkAcl", s_output(m, &a->base));
    if (token)
        vs_json_set_str(*out, "ClientToken", token);
    return 0;
}

static int s_delete(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                    vs_awserr_t *err)
{
    const char *id;
    vs_nacl_t *a;
    if (vs_param_str(in, "NetworkAclId", true, &id, err) != 0 ||
        !(a = vs_model__resolve(m, caller, &vs_kind_nacl, id, err)))
        return -1;
    /* [INF: the wording of both errors is what the EC2 API has been seen
     * to answer; the codes are documented.] */
    if (a->is_default)
        return vs_awserr_set(err, "InvalidParameterValue", "cannot delete default network ACL %s",
                             a->base.id);
    if (a->nassocs)
        return vs_awserr_set(err, "DependencyViolation",
                             "The networkAcl '%s' has dependencies and cannot be deleted.",
                             a->base.id);
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    vs_model__remove(m, &a->base);
    return 0;
}

/* --- ReplaceNetworkAclAssociation -------------------------------------------------- */

static int s_replace_assoc(vs_model_t *m, const char *caller, const vs_json_t *in,
                           vs_json_t **out, vs_awserr_t *err)
{
    const char *assoc_id, *acl_id;
    vs_nacl_t *to;
    if (vs_param_str(in, "AssociationId", true, &assoc_id, err) != 0 ||
        vs_param_str(in, "NetworkAclId", true, &acl_id, err) != 0)
        return -1;
    if (strncmp(assoc_id, "aclassoc-", 9) != 0 || strlen(assoc_id) >= VS_ASSOC_ID_LEN)
        return vs_awserr_set(err, "InvalidAssociationID.Malformed",
                             "Invalid id: \"%.*s\" (expecting \"aclassoc-...\")", 100, assoc_id);
    if (!(to = vs_model__resolve(m, caller, &vs_kind_nacl, acl_id, err)))
        return -1;
    vs_nacl_t *from = NULL;
    size_t idx = 0;
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_nacl); o && !from;
         o = vs_model__next(o, &vs_kind_nacl))
        for (size_t i = 0; i < ACL(o)->nassocs && !from; i++)
            if (!strcmp(ACL(o)->assocs[i].id, assoc_id)) {
                from = (vs_nacl_t *)o;
                idx = i;
            }
    if (!from)
        return vs_awserr_set(err, "InvalidAssociationID.NotFound",
                             "The association ID '%s' does not exist", assoc_id);
    if (strcmp(from->vpc_id, to->vpc_id) != 0)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Network ACL %s and subnet %s belong to different networks",
                             to->base.id, from->assocs[idx].subnet_id);
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    vs_nacl_assoc_t x;
    snprintf(x.subnet_id, sizeof x.subnet_id, "%s", from->assocs[idx].subnet_id);
    vs_model__new_assoc_id(m, "aclassoc", x.id);
    if (VS_APPEND(to->assocs, to->nassocs, &x) != 0)
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    /* to may be from: erase after the append, at the same index. */
    vs__erase(from->assocs, &from->nassocs, sizeof *from->assocs, idx);
    vs_model__touch(m, &from->base);
    vs_model__touch(m, &to->base);
    *out = vs_json_object();
    vs_json_set_str(*out, "NewAssociationId", x.id);
    return 0;
}

/* --- DescribeNetworkAcls --------------------------------------------------------------- */

static void s_f_id(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, ACL(o)->base.id); }
static void s_f_vpc(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, ACL(o)->vpc_id); }
static void s_f_owner(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_add(v, vs_model_account(m));
}
static void s_f_default(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_add_bool(v, ACL(o)->is_default);
}
static void s_f_a_id(const void *m, const void *o, vs_fvals_t *v)
{
    for (size_t i = 0; i < ACL(o)->nassocs; i++)
        vs_fvals_add(v, ACL(o)->assocs[i].id);
}
static void s_f_a_acl(const void *m, const void *o, vs_fvals_t *v)
{
    if (ACL(o)->nassocs)
        vs_fvals_add(v, ACL(o)->base.id);
}
static void s_f_a_subnet(const void *m, const void *o, vs_fvals_t *v)
{
    for (size_t i = 0; i < ACL(o)->nassocs; i++)
        vs_fvals_add(v, ACL(o)->assocs[i].subnet_id);
}

/* entry.* filters: one value per entry that has the field. */
enum { S_E_CIDR, S_E_V6, S_E_EGRESS, S_E_ACTION, S_E_RULE, S_E_PROTO, S_E_FROM, S_E_TO,
       S_E_ICMP_T, S_E_ICMP_C };
static void s_entries(const vs_nacl_t *a, int field, vs_fvals_t *v)
{
    char buf[VS_CIDR_STRLEN];
    for (size_t i = 0; i < a->nentries; i++) {
        const vs_nacl_entry_t *e = &a->entries[i];
        switch (field) {
        case S_E_CIDR:
        case S_E_V6:
            if (e->cidr.addr.family == (field == S_E_CIDR ? 4 : 6) &&
                vs_cidr_format(&e->cidr, buf, sizeof buf) > 0)
                vs_fvals_add(v, buf);
            break;
        case S_E_EGRESS: vs_fvals_add_bool(v, e->egress); break;
        case S_E_ACTION: vs_fvals_add(v, e->allow ? "allow" : "deny"); break;
        case S_E_RULE: vs_fvals_addf(v, "%d", e->rule); break;
        case S_E_PROTO: vs_fvals_addf(v, "%d", e->proto); break;
        case S_E_FROM:
            if (e->from_port >= 0)
                vs_fvals_addf(v, "%d", e->from_port);
            break;
        case S_E_TO:
            if (e->to_port >= 0)
                vs_fvals_addf(v, "%d", e->to_port);
            break;
        case S_E_ICMP_T:
        case S_E_ICMP_C:
            if (e->proto == 1 || e->proto == 58)
                vs_fvals_addf(v, "%d", field == S_E_ICMP_T ? e->icmp_type : e->icmp_code);
            break;
        }
    }
}
#define S_ENTRY_FILTER(fn, field) \
    static void fn(const void *m, const void *o, vs_fvals_t *v) { s_entries(ACL(o), field, v); }
S_ENTRY_FILTER(s_f_e_cidr, S_E_CIDR)
S_ENTRY_FILTER(s_f_e_v6, S_E_V6)
S_ENTRY_FILTER(s_f_e_egress, S_E_EGRESS)
S_ENTRY_FILTER(s_f_e_action, S_E_ACTION)
S_ENTRY_FILTER(s_f_e_rule, S_E_RULE)
S_ENTRY_FILTER(s_f_e_proto, S_E_PROTO)
S_ENTRY_FILTER(s_f_e_from, S_E_FROM)
S_ENTRY_FILTER(s_f_e_to, S_E_TO)
S_ENTRY_FILTER(s_f_e_icmp_t, S_E_ICMP_T)
S_ENTRY_FILTER(s_f_e_icmp_c, S_E_ICMP_C)

/* The filters DescribeNetworkAcls documents (tag filters are generic). */
static const vs_filter_field_t s_filters[] = {
    { "association.association-id", s_f_a_id },
    { "association.network-acl-id", s_f_a_acl },
    { "association.subnet-id", s_f_a_subnet },
    { "default", s_f_default },
    { "entry.cidr", s_f_e_cidr },
    { "entry.icmp.code", s_f_e_icmp_c },
    { "entry.icmp.type", s_f_e_icmp_t },
    { "entry.ipv6-cidr", s_f_e_v6 },
    { "entry.port-range.from", s_f_e_from },
    { "entry.port-range.to", s_f_e_to },
    { "entry.protocol", s_f_e_proto },
    { "entry.rule-action", s_f_e_action },
    { "entry.egress", s_f_e_egress },
    { "entry.rule-number", s_f_e_rule },
    { "network-acl-id", s_f_id },
    { "owner-id", s_f_owner },
    { "vpc-id", s_f_vpc },
    { NULL, NULL }
};

static int s_describe(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                      vs_awserr_t *err)
{
    static const vs_describe_t d = {
        &vs_kind_nacl, "NetworkAclIds", "NetworkAcls", s_filters, s_output, false
    };
    return vs_model__describe(m, caller, in, &d, out, err);
}

/* --- hooks ------------------------------------------------------------------------------ */

/* The VPC already carries its default ACL's ID (ec2_vpc.c). */
static void s_vpc_created(vs_model_t *m, vs_vpc_t *vpc)
{
    s_new_acl(m, vpc, vpc->default_acl_id, true);
}

/* Like custom route tables and groups, custom ACLs must be deleted before
 * their VPC ([DOC] DeleteVpc: "delete all ... resources that are
 * associated with the VPC ... (except the default one)"). */
static int s_vpc_delete_check(vs_model_t *m, const vs_vpc_t *vpc, vs_awserr_t *err)
{
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_nacl); o; o = vs_model__next(o, &vs_kind_nacl))
        if (!strcmp(ACL(o)->vpc_id, vpc->base.id) && !ACL(o)->is_default)
            return vs_awserr_set(err, "DependencyViolation",
                                 "The vpc '%s' has dependencies and cannot be deleted.", vpc->base.id);
    return 0;
}

static void s_vpc_deleting(vs_model_t *m, vs_vpc_t *vpc)
{
    vs_obj_t *o = vs_model__get(m, vpc->default_acl_id);
    if (o && o->kind == &vs_kind_nacl)
        vs_model__remove(m, o);
}

/* An IPv6 block brings the IPv6 `*` denies to every ACL of the VPC and
 * the allow-all IPv6 rules to its default ACL (UG-NACL "Default network
 * ACL"). They stay when the block goes, as in EC2. */
static void s_cidr_changed(vs_model_t *m, vs_vpc_t *vpc, const vs_cidr_t *cidr, bool added)
{
    if (!added || cidr->addr.family != 6)
        return;
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_nacl); o; o = vs_model__next(o, &vs_kind_nacl))
        if (!strcmp(ACL(o)->vpc_id, vpc->base.id) && s_add_base_rules((vs_nacl_t *)o, 6) == 0)
            vs_model__touch(m, o);
}

static void s_subnet_created(vs_model_t *m, vs_subnet_t *s)
{
    const vs_obj_t *vo = vs_model__get(m, s->vpc_id);
    vs_obj_t *o = vo ? vs_model__get(m, ((const vs_vpc_t *)vo)->default_acl_id) : NULL;
    if (!o || o->kind != &vs_kind_nacl)
        return;
    vs_nacl_t *a = (vs_nacl_t *)o;
    vs_nacl_assoc_t x;
    snprintf(x.subnet_id, sizeof x.subnet_id, "%s", s->base.id);
    vs_model__new_assoc_id(m, "aclassoc", x.id);
    if (VS_APPEND(a->assocs, a->nassocs, &x) == 0)
        vs_model__touch(m, o);
}

static void s_subnet_deleting(vs_model_t *m, vs_subnet_t *s)
{
    size_t idx;
    vs_nacl_t *a = s_assoc_of(m, s->base.id, &idx);
    if (a) {
        vs__erase(a->assocs, &a->nassocs, sizeof *a->assocs, idx);
        vs_model__touch(m, &a->base);
    }
}

static const vs_action_t s_actions[] = {
    { "CreateNetworkAcl", s_create },
    { "DeleteNetworkAcl", s_delete },
    { "DescribeNetworkAcls", s_describe },
    { "ReplaceNetworkAclAssociation", s_replace_assoc },
    { NULL, NULL }
};

static const vs_kind_t *const s_kinds[] = { &vs_kind_nacl, NULL };

const vs_module_t vs_module_nacl = {
    .name = "nacl",
    .actions = s_actions,
    .kinds = s_kinds,
    .vpc_created = s_vpc_created,
    .vpc_delete_check = s_vpc_delete_check,
    .vpc_deleting = s_vpc_deleting,
    .vpc_cidr_changed = s_cidr_changed,
    .subnet_created = s_subnet_created,
    .subnet_deleting = s_subnet_deleting,
};
