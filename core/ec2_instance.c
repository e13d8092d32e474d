/* ec2_instance: instance objects, TerminateInstances, the lifecycle
 * timers, and the subnet hook that keeps a subnet with instances from being
 * deleted. RunInstances is in instance_run.c, the output documents and
 * DescribeInstances in instance_out.c. See instance.h for the model.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "instance.h"
#include "params.h"

#define T_SHUTDOWN "instance-shutdown"
#define T_PURGE    "instance-purge"

/* --- the object ----------------------------------------------------------- */

static void s_destroy(vs_obj_t *o)
{
    free(o);
}

static int s_to_doc(const vs_model_t *m, const vs_obj_t *o, vs_json_t *doc)
{
    const vs_instance_t *i = (const vs_instance_t *)o;
    char ip[VS_IP_STRLEN];
    vs_json_set_str(doc, "ReservationId", i->reservation_id);
    vs_json_set_str(doc, "ImageId", i->image_id);
    vs_json_set_str(doc, "InstanceType", i->type);
    vs_json_set_str(doc, "ClientToken", i->client_token);
    vs_json_set_int(doc, "LaunchIndex", i->launch_index);
    vs_json_set_str(doc, "SubnetId", i->subnet_id);
    vs_json_set_str(doc, "VpcId", i->vpc_id);
    vs_json_set_str(doc, "AvailabilityZone", i->az);
    vs_ip_format(&i->ip, ip, sizeof ip);
    vs_json_set_str(doc, "PrivateIpAddress", ip);
    if (i->has_ip6) {
        vs_ip_format(&i->ip6, ip, sizeof ip);
        vs_json_set_str(doc, "Ipv6Address", ip);
    }
    vs_json_set_str(doc, "NetworkInterfaceId", i->eni_id);
    vs_json_set_str(doc, "AttachmentId", i->attach_id);
    vs_json_set_str(doc, "VolumeId", i->vol_id);
    vs_json_set_str(doc, "MacAddress", i->mac);
    vs_json_t *sgs = vs_json_set(doc, "SecurityGroupIds", vs_json_array());
    for (size_t k = 0; k < i->nsg; k++)
        vs_json_push(sgs, vs_json_str(i->sg_ids[k]));
    vs_json_set_int(doc, "State", i->state);
    vs_json_set_int(doc, "LaunchMs", (int64_t)i->launch_ms);
    vs_json_set_int(doc, "StateMs", (int64_t)i->state_ms);
    return 0;
}

static bool s_copy(char *dst, size_t cap, const char *src)
{
    if (!src || strlen(src) >= cap)
        return false;
    snprintf(dst, cap, "%s", src);
    return true;
}

static bool s_state_valid(int64_t s)
{
    return s == VS_INST_PENDING || s == VS_INST_RUNNING || s == VS_INST_SHUTTING_DOWN ||
           s == VS_INST_TERMINATED;
}

static vs_obj_t *s_from_doc(vs_model_t *m, const vs_json_t *doc)
{
    vs_instance_t *i = calloc(1, sizeof *i);
    if (!i)
        return NULL;
    const char *ip6 = vs_json_get_str(doc, "Ipv6Address");
    const vs_json_t *sgs = vs_json_get(doc, "SecurityGroupIds");
    int64_t st = vs_json_get_int(doc, "State", -1);
    int64_t idx = vs_json_get_int(doc, "LaunchIndex", -1);
    bool ok = s_copy(i->reservation_id, sizeof i->reservation_id,
                     vs_json_get_str(doc, "ReservationId")) &&
              s_copy(i->image_id, sizeof i->image_id, vs_json_get_str(doc, "ImageId")) &&
              s_copy(i->type, sizeof i->type, vs_json_get_str(doc, "InstanceType")) &&
              s_copy(i->client_token, sizeof i->client_token, vs_json_get_str(doc, "ClientToken")) &&
              s_copy(i->subnet_id, sizeof i->subnet_id, vs_json_get_str(doc, "SubnetId")) &&
              s_copy(i->vpc_id, sizeof i->vpc_id, vs_json_get_str(doc, "VpcId")) &&
              s_copy(i->az, sizeof i->az, vs_json_get_str(doc, "AvailabilityZone")) &&
              s_copy(i->eni_id, sizeof i->eni_id, vs_json_get_str(doc, "NetworkInterfaceId")) &&
              s_copy(i->attach_id, sizeof i->attach_id, vs_json_get_str(doc, "AttachmentId")) &&
              s_copy(i->vol_id, sizeof i->vol_id, vs_json_get_str(doc, "VolumeId")) &&
              s_copy(i->mac, sizeof i->mac, vs_json_get_str(doc, "MacAddress")) &&
              vs_ip_parse(vs_json_get_str(doc, "PrivateIpAddress"), &i->ip) == 0 &&
              i->ip.family == 4 && s_state_valid(st) && idx >= 0 && idx < 1000000 &&
              sgs && vs_json_type(sgs) == VS_JSON_ARRAY && vs_json_len(sgs) <= VS_INSTANCE_MAX_SGS;
    if (ok && ip6) {
        i->has_ip6 = true;
        ok = vs_ip_parse(ip6, &i->ip6) == 0 && i->ip6.family == 6;
    }
    for (size_t k = 0; ok && k < vs_json_len(sgs); k++)
        ok = s_copy(i->sg_ids[i->nsg++], VS_ID_LEN, vs_json_as_str(vs_json_at(sgs, k)));
    if (!ok) {
        free(i);
        return NULL;
    }
    i->state = (int)st;
    i->launch_index = (int)idx;
    int64_t lm = vs_json_get_int(doc, "LaunchMs", 0), sm = vs_json_get_int(doc, "StateMs", 0);
    i->launch_ms = lm > 0 ? (uint64_t)lm : 0;
    i->state_ms = sm > 0 ? (uint64_t)sm : 0;
    return &i->base;
}

const vs_kind_t vs_kind_instance = {
    .prefix = "i",
    .name = "Instance",
    .to_doc = s_to_doc,
    .from_doc = s_from_doc,
    .destroy = s_destroy,
};

/* --- lookups ---------------------------------------------------------------- */

#define INST(o) ((vs_instance_t *)(o))

const char *vs_instance__state_name(int state)
{
    switch (state) {
    case VS_INST_PENDING: return "pending";
    case VS_INST_RUNNING: return "running";
    case VS_INST_SHUTTING_DOWN: return "shutting-down";
    case VS_INST_TERMINATED: return "terminated";
    default: return "?";
    }
}

vs_instance_t *vs_instance__by_eni(const vs_model_t *m, const char *eni_id)
{
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_instance); o && eni_id;
         o = vs_model__next(o, &vs_kind_instance))
        if (strcmp(INST(o)->eni_id, eni_id) == 0)
            return INST(o);
    return NULL;
}

vs_instance_t *vs_instance__by_ip(const vs_model_t *m, const char *vpc_id, const vs_ip_t *ip)
{
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_instance); o && vpc_id && ip;
         o = vs_model__next(o, &vs_kind_instance)) {
        vs_instance_t *i = INST(o);
        if (i->state == VS_INST_TERMINATED || strcmp(i->vpc_id, vpc_id) != 0)
            continue;
        if (vs_ip_equal(&i->ip, ip) || (i->has_ip6 && vs_ip_equal(&i->ip6, ip)))
            return i;
    }
    return NULL;
}

/* Holds its addresses: everything but terminated (EC2 frees the address
 * when the interface is deleted, at the end of shutting-down). */
/* --- TerminateInstances ---------------------------------------------------------------- */

static vs_json_t *s_state_doc(int state)
{
    vs_json_t *s = vs_json_object();
    vs_json_set_int(s, "Code", state);
    vs_json_set_str(s, "Name", vs_instance__state_name(state));
    return s;
}

static int s_terminate(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                       vs_awserr_t *err)
{
    const vs_json_t *ids;
    if (vs_param_strlist(in, "InstanceIds", true, &ids, err) != 0)
        return -1;
    size_t n = vs_json_len(ids), nmiss = 0;
    vs_instance_t **objs = calloc(n, sizeof *objs);
    const char **missing = calloc(n, sizeof *missing);
    int rc = objs && missing ? 0 : vs_awserr_set(err, "InternalError",
                                                 "An internal error has occurred");
    for (size_t k = 0; rc == 0 && k < n; k++) {
        const char *id = vs_json_as_str(vs_json_at(ids, k));
        if (!vs_id_valid(id, "i"))
            rc = vs_model__err_malformed(err, "i", id);
        else if (!(objs[k] = vs_model__find(m, caller, &vs_kind_instance, id)))
            missing[nmiss++] = id;
    }
    if (rc == 0 && nmiss)
        rc = vs_model__err_notfound(err, "i", missing, nmiss);
    if (rc == 0)
        rc = vs_model__dry_run_check(m, err);
    vs_json_t *list = rc == 0 ? vs_json_array() : NULL;
    for (size_t k = 0; rc == 0 && k < n; k++) {
        vs_instance_t *i = objs[k];
        bool seen = false;
        for (size_t j = 0; j < k && !seen; j++)
            seen = objs[j] == i;
        if (seen)
            continue;
        int prev = i->state;
        if (prev == VS_INST_PENDING || prev == VS_INST_RUNNING) {
            i->state = VS_INST_SHUTTING_DOWN;
            i->state_ms = vs_model__now(m);
            vs_model__timer_cancel(m, VS_INSTANCE_T_BOOT, i->base.id);
            vs_model__timer_arm(m, T_SHUTDOWN, i->base.id, i->state_ms + VS_INSTANCE_SHUTDOWN_MS);
            vs_model__touch(m, &i->base);
        }
        vs_json_t *e = vs_json_push(list, vs_json_object());
        vs_json_set_str(e, "InstanceId", i->base.id);
        vs_json_set(e, "CurrentState", s_state_doc(i->state));
        vs_json_set(e, "PreviousState", s_state_doc(prev));
    }
    free(objs);
    free(missing);
    if (rc != 0)
        return -1;
    *out = vs_json_object();
    vs_json_set(*out, "TerminatingInstances", list);
    return 0;
}

/* --- timers and hooks ------------------------------------------------------------------ */

static void s_on_boot(vs_model_t *m, const char *id)
{
    vs_obj_t *o = vs_model__get(m, id);
    if (!o || o->kind != &vs_kind_instance || INST(o)->state != VS_INST_PENDING)
        return;
    INST(o)->state = VS_INST_RUNNING;
    INST(o)->state_ms = vs_model__now(m);
    vs_model__touch(m, o);
}

static void s_on_shutdown(vs_model_t *m, const char *id)
{
    vs_obj_t *o = vs_model__get(m, id);
    if (!o || o->kind != &vs_kind_instance || INST(o)->state != VS_INST_SHUTTING_DOWN)
        return;
    vs_instance_t *i = INST(o);
    i->state = VS_INST_TERMINATED;
    i->state_ms = vs_model__now(m);
    vs_model__touch(m, o);
    /* The interface is deleted with the instance: its address goes back. */
    vs_obj_t *so = vs_model__get(m, i->subnet_id);
    if (so && so->kind == &vs_kind_subnet) {
        vs_subnet_t *s = (vs_subnet_t *)so;
        if (s->ips_used > 0)
            s->ips_used--;
        vs_model__touch(m, so);
    }
    vs_model__timer_arm(m, T_PURGE, id, i->state_ms + VS_INSTANCE_VISIBLE_MS);
}

static void s_on_purge(vs_model_t *m, const char *id)
{
    vs_obj_t *o = vs_model__get(m, id);
    if (o && o->kind == &vs_kind_instance && INST(o)->state == VS_INST_TERMINATED)
        vs_model__remove(m, o);
}

static int s_subnet_delete_check(vs_model_t *m, const vs_subnet_t *s, vs_awserr_t *err)
{
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_instance); o;
         o = vs_model__next(o, &vs_kind_instance))
        if (vs_instance__holds_ip(INST(o)) && strcmp(INST(o)->subnet_id, s->base.id) == 0)
            return vs_awserr_set(err, "DependencyViolation",
                                 "The subnet '%s' has dependencies and cannot be deleted.",
                                 s->base.id);
    return 0;
}

static const vs_action_t s_actions[] = {
    { "RunInstances", vs_instance__run },
    { "DescribeInstances", vs_instance__describe },
    { "DescribeNetworkInterfaces", vs_instance__describe_enis },
    { "TerminateInstances", s_terminate },
    { NULL, NULL }
};

static const vs_kind_t *const s_kinds[] = { &vs_kind_instance, NULL };

static const vs_timer_kind_t s_timers[] = {
    { VS_INSTANCE_T_BOOT, s_on_boot },
    { T_SHUTDOWN, s_on_shutdown },
    { T_PURGE, s_on_purge },
    { NULL, NULL }
};

const vs_module_t vs_module_instance = {
    .name = "instance",
    .actions = s_actions,
    .kinds = s_kinds,
    .timers = s_timers,
    .subnet_delete_check = s_subnet_delete_check,
};
