/* instance_eni: DescribeNetworkInterfaces over the one interface each
 * instance has (see instance.h). An interface is listed while its instance
 * is pending or running; it goes away when the instance shuts down, as on
 * EC2 where DeleteOnTermination interfaces disappear with the instance.
 * Terraform lists the interfaces of a subnet or a security group before it
 * deletes them ("lingering ENIs"), so destroy needs this call.
 */
#include <stdio.h>
#include <string.h>

#include "filter.h"
#include "instance.h"
#include "params.h"
#include "sg.h"

#define IN(o) ((const vs_instance_t *)(o))

static bool s_listed(const vs_instance_t *i)
{
    return i->state == VS_INST_PENDING || i->state == VS_INST_RUNNING;
}

static void s_f_eni(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, IN(o)->eni_id); }
static void s_f_subnet(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, IN(o)->subnet_id); }
static void s_f_vpc(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, IN(o)->vpc_id); }
static void s_f_az(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, IN(o)->az); }
static void s_f_mac(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, IN(o)->mac); }
static void s_f_instance(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, IN(o)->base.id); }
static void s_f_owner(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, vs_model_account(m)); }
static void s_f_status(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, "in-use"); }
static void s_f_type(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, "interface"); }
static void s_f_false(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add_bool(v, false); }
static void s_f_empty(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, ""); }
static void s_f_ip(const void *m, const void *o, vs_fvals_t *v)
{
    char ip[VS_IP_STRLEN];
    if (vs_ip_format(&IN(o)->ip, ip, sizeof ip) > 0)
        vs_fvals_add(v, ip);
}
static void s_f_group_id(const void *m, const void *o, vs_fvals_t *v)
{
    for (size_t k = 0; k < IN(o)->nsg; k++)
        vs_fvals_add(v, IN(o)->sg_ids[k]);
}
static void s_f_group_name(const void *m, const void *o, vs_fvals_t *v)
{
    for (size_t k = 0; k < IN(o)->nsg; k++) {
        const vs_sg_t *g = vs_sg__get(m, IN(o)->sg_ids[k]);
        if (g)
            vs_fvals_add(v, g->name);
    }
}
static void s_f_attach_status(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_add(v, IN(o)->state == VS_INST_PENDING ? "attaching" : "attached");
}

static const vs_filter_field_t s_filters[] = {
    { "network-interface-id", s_f_eni },
    { "subnet-id", s_f_subnet },
    { "vpc-id", s_f_vpc },
    { "availability-zone", s_f_az },
    { "mac-address", s_f_mac },
    { "owner-id", s_f_owner },
    { "status", s_f_status },
    { "interface-type", s_f_type },
    { "requester-managed", s_f_false },
    { "source-dest-check", s_f_empty },
    { "description", s_f_empty },
    { "private-ip-address", s_f_ip },
    { "addresses.private-ip-address", s_f_ip },
    { "group-id", s_f_group_id },
    { "group-name", s_f_group_name },
    { "attachment.instance-id", s_f_instance },
    { "attachment.instance-owner-id", s_f_owner },
    { "attachment.status", s_f_attach_status },
    { "attachment.device-index", s_f_empty },
    { NULL, NULL }
};

static vs_json_t *s_output(const vs_model_t *m, const vs_instance_t *i)
{
    vs_json_t *e = vs_instance__eni_output(m, i);
    vs_json_t *at = (vs_json_t *)vs_json_get(e, "Attachment");
    if (at) {
        vs_json_set_str(at, "InstanceId", i->base.id);
        vs_json_set_str(at, "InstanceOwnerId", vs_model_account(m));
    }
    vs_json_set_str(e, "AvailabilityZone", i->az);
    vs_json_set_bool(e, "RequesterManaged", false);
    vs_json_set(e, "TagSet", vs_json_array());
    return e;
}

int vs_instance__describe_enis(vs_model_t *m, const char *caller, const vs_json_t *in,
                               vs_json_t **out, vs_awserr_t *err)
{
    const vs_json_t *ids = NULL;
    vs_filters_t *f = NULL;
    if (vs_param_strlist(in, "NetworkInterfaceIds", false, &ids, err) != 0 ||
        vs_filters_parse(vs_json_get(in, "Filters"), s_filters, &f, err) != 0)
        return -1;
    for (size_t k = 0; k < vs_json_len(ids); k++) {
        const char *id = vs_json_as_str(vs_json_at(ids, k));
        const vs_instance_t *i = vs_instance__by_eni(m, id);
        if (!i || !s_listed(i)) {
            vs_filters_free(&f);
            return vs_awserr_set(err, "InvalidNetworkInterfaceID.NotFound",
                                 "The networkInterface ID '%.64s' does not exist", id);
        }
    }
    vs_json_t *doc = vs_json_object();
    vs_json_t *list = vs_json_set(doc, "NetworkInterfaces", vs_json_array());
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_instance); list && o;
         o = vs_model__next(o, &vs_kind_instance)) {
        const vs_instance_t *i = IN(o);
        bool named = vs_json_len(ids) == 0;
        for (size_t k = 0; !named && k < vs_json_len(ids); k++)
            named = strcmp(vs_json_as_str(vs_json_at(ids, k)), i->eni_id) == 0;
        if (named && s_listed(i) && vs_filters_match(f, m, i, NULL))
            vs_json_push(list, s_output(m, i));
    }
    vs_filters_free(&f);
    if (!list) {
        vs_json_free(&doc);
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    }
    *out = doc;
    return 0;
}

/* DescribeNetworkInterfaces is its own module (see instance_out.c). */
static const vs_action_t s_actions[] = {
    { "DescribeNetworkInterfaces", vs_instance__describe_enis },
    { NULL, NULL }
};

const vs_module_t vs_module_instance_eni = {
    .name = "instance-eni",
    .actions = s_actions,
};
