/* instance_out: the Instance and Reservation documents, in the key order of
 * the EC2 service model (ec2-output-shapes.md), and DescribeInstances with
 * its filters. Members EC2 prints for every Linux instance launched from
 * an EBS-backed AMI (architecture, hypervisor, metadata options, ...) are
 * fixed values here: the simulator has no AMIs, only addresses and groups
 * matter to it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "filter.h"
#include "instance.h"
#include "sg.h"

static void s_ts(uint64_t ms, char *buf, size_t len)
{
    if (vs_time_format(ms, VS_TS_CLI, buf, len) < 0)
        snprintf(buf, len, "1970-01-01T00:00:00+00:00");
}

/* "ip-10-1-1-12.ap-northeast-1.compute.internal"; us-east-1 uses
 * "ec2.internal". Terminated instances have none. */
static void s_dns_name(const vs_model_t *m, const vs_ip_t *ip, char *out, size_t len)
{
    const char *r = vs_model_region(m);
    snprintf(out, len, "ip-%u-%u-%u-%u.%s%s", ip->bytes[0], ip->bytes[1], ip->bytes[2],
             ip->bytes[3], strcmp(r, "us-east-1") == 0 ? "" : r,
             strcmp(r, "us-east-1") == 0 ? "ec2.internal" : ".compute.internal");
}

static vs_json_t *s_groups(const vs_model_t *m, const vs_instance_t *i)
{
    vs_json_t *a = vs_json_array();
    for (size_t k = 0; k < i->nsg; k++) {
        const vs_sg_t *g = vs_sg__get(m, i->sg_ids[k]);
        vs_json_t *e = vs_json_push(a, vs_json_object());
        vs_json_set_str(e, "GroupId", i->sg_ids[k]);
        vs_json_set_str(e, "GroupName", g ? g->name : "");
    }
    return a;
}

static vs_json_t *s_eni(const vs_model_t *m, const vs_instance_t *i)
{
    char ip[VS_IP_STRLEN], dns[128], ts[40];
    vs_ip_format(&i->ip, ip, sizeof ip);
    s_dns_name(m, &i->ip, dns, sizeof dns);
    s_ts(i->launch_ms, ts, sizeof ts);
    vs_json_t *e = vs_json_object();
    vs_json_t *at = vs_json_set(e, "Attachment", vs_json_object());
    vs_json_set_str(at, "AttachTime", ts);
    vs_json_set_str(at, "AttachmentId", i->attach_id);
    vs_json_set_bool(at, "DeleteOnTermination", true);
    vs_json_set_int(at, "DeviceIndex", 0);
    vs_json_set_str(at, "Status", i->state == VS_INST_PENDING ? "attaching"
                                  : i->state == VS_INST_RUNNING ? "attached" : "detaching");
    vs_json_set_int(at, "NetworkCardIndex", 0);
    vs_json_set_str(e, "Description", "");
    vs_json_set(e, "Groups", s_groups(m, i));
    vs_json_t *v6 = vs_json_set(e, "Ipv6Addresses", vs_json_array());
    if (i->has_ip6) {
        char ip6[VS_IP_STRLEN];
        vs_ip_format(&i->ip6, ip6, sizeof ip6);
        vs_json_t *a = vs_json_push(v6, vs_json_object());
        vs_json_set_str(a, "Ipv6Address", ip6);
        vs_json_set_bool(a, "IsPrimaryIpv6", false);
    }
    vs_json_set_str(e, "MacAddress", i->mac);
    vs_json_set_str(e, "NetworkInterfaceId", i->eni_id);
    vs_json_set_str(e, "OwnerId", vs_model_account(m));
    vs_json_set_str(e, "PrivateDnsName", dns);
    vs_json_set_str(e, "PrivateIpAddress", ip);
    vs_json_t *pa = vs_json_push(vs_json_set(e, "PrivateIpAddresses", vs_json_array()),
                                 vs_json_object());
    vs_json_set_bool(pa, "Primary", true);
    vs_json_set_str(pa, "PrivateDnsName", dns);
    vs_json_set_str(pa, "PrivateIpAddress", ip);
    vs_json_set_bool(e, "SourceDestCheck", true);
    vs_json_set_str(e, "Status", "in-use");
    vs_json_set_str(e, "SubnetId", i->subnet_id);
    vs_json_set_str(e, "VpcId", i->vpc_id);
    vs_json_set_str(e, "InterfaceType", "interface");
    vs_json_set_bool(vs_json_set(e, "Operator", vs_json_object()), "Managed", false);
    return e;
}

vs_json_t *vs_instance__eni_output(const vs_model_t *m, const vs_instance_t *i)
{
    return s_eni(m, i);
}

vs_json_t *vs_instance__output(const vs_model_t *m, const vs_instance_t *i)
{
    /* While shutting down and once terminated EC2 no longer lists the
     * interface, groups, addresses or volumes. */
    bool gone = i->state == VS_INST_SHUTTING_DOWN || i->state == VS_INST_TERMINATED;
    bool term = i->state == VS_INST_TERMINATED;
    char ts[40], ip[VS_IP_STRLEN], dns[128] = "";
    s_ts(i->launch_ms, ts, sizeof ts);
    vs_ip_format(&i->ip, ip, sizeof ip);
    if (!term)
        s_dns_name(m, &i->ip, dns, sizeof dns);
    vs_json_t *d = vs_json_object();
    vs_json_set_str(d, "Architecture", "x86_64");
    vs_json_t *bdm = vs_json_set(d, "BlockDeviceMappings", vs_json_array());
    if (i->state == VS_INST_RUNNING) {
        vs_json_t *b = vs_json_push(bdm, vs_json_object());
        vs_json_set_str(b, "DeviceName", "/dev/xvda");
        vs_json_t *ebs = vs_json_set(b, "Ebs", vs_json_object());
        vs_json_set_str(ebs, "AttachTime", ts);
        vs_json_set_bool(ebs, "DeleteOnTermination", true);
        vs_json_set_str(ebs, "Status", "attached");
        vs_json_set_str(ebs, "VolumeId", i->vol_id);
    }
    vs_json_set_str(d, "ClientToken", i->client_token);
    vs_json_set_bool(d, "EbsOptimized", false);
    vs_json_set_bool(d, "EnaSupport", true);
    vs_json_set_str(d, "Hypervisor", "xen");
    vs_json_t *enis = vs_json_set(d, "NetworkInterfaces", vs_json_array());
    if (!term)
        vs_json_push(enis, s_eni(m, i));
    vs_json_set_str(d, "RootDeviceName", "/dev/xvda");
    vs_json_set_str(d, "RootDeviceType", "ebs");
    vs_json_set(d, "SecurityGroups", term ? vs_json_array() : s_groups(m, i));
    vs_json_set_bool(d, "SourceDestCheck", true);
    if (i->state == VS_INST_PENDING || gone) {
        vs_json_t *sr = vs_json_set(d, "StateReason", vs_json_object());
        vs_json_set_str(sr, "Code", gone ? "Client.UserInitiatedShutdown" : "pending");
        vs_json_set_str(sr, "Message", gone ? "Client.UserInitiatedShutdown: User initiated "
                                              "shutdown" : "pending");
    }
    vs_tags_output(d, &i->base.tags);
    vs_json_set_str(d, "VirtualizationType", "hvm");
    vs_json_t *cpu = vs_json_set(d, "CpuOptions", vs_json_object());
    vs_json_set_int(cpu, "CoreCount", 1);
    vs_json_set_int(cpu, "ThreadsPerCore", 1);
    vs_json_set_str(vs_json_set(d, "CapacityReservationSpecification", vs_json_object()),
                    "CapacityReservationPreference", "open");
    vs_json_set_bool(vs_json_set(d, "HibernationOptions", vs_json_object()), "Configured", false);
    vs_json_t *md = vs_json_set(d, "MetadataOptions", vs_json_object());
    vs_json_set_str(md, "State", i->state == VS_INST_PENDING ? "pending" : "applied");
    vs_json_set_str(md, "HttpTokens", "required");
    vs_json_set_int(md, "HttpPutResponseHopLimit", 2);
    vs_json_set_str(md, "HttpEndpoint", "enabled");
    vs_json_set_str(md, "HttpProtocolIpv6", "disabled");
    vs_json_set_str(md, "InstanceMetadataTags", "disabled");
    vs_json_set_bool(vs_json_set(d, "EnclaveOptions", vs_json_object()), "Enabled", false);
    vs_json_set_str(d, "PlatformDetails", "Linux/UNIX");
    vs_json_set_str(d, "UsageOperation", "RunInstances");
    vs_json_set_str(d, "UsageOperationUpdateTime", ts);
    vs_json_t *pdn = vs_json_set(d, "PrivateDnsNameOptions", vs_json_object());
    vs_json_set_str(pdn, "HostnameType", "ip-name");
    vs_json_set_bool(pdn, "EnableResourceNameDnsARecord", false);
    vs_json_set_bool(pdn, "EnableResourceNameDnsAAAARecord", false);
    vs_json_set_str(vs_json_set(d, "MaintenanceOptions", vs_json_object()), "AutoRecovery",
                    "default");
    vs_json_set_str(d, "CurrentInstanceBootMode", "legacy-bios");
    vs_json_set_str(vs_json_set(d, "NetworkPerformanceOptions", vs_json_object()),
                    "BandwidthWeighting", "default");
    vs_json_set_bool(vs_json_set(d, "Operator", vs_json_object()), "Managed", false);
    vs_json_set_str(d, "InstanceId", i->base.id);
    vs_json_set_str(d, "ImageId", i->image_id);
    vs_json_t *st = vs_json_set(d, "State", vs_json_object());
    vs_json_set_int(st, "Code", i->state);
    vs_json_set_str(st, "Name", vs_instance__state_name(i->state));
    vs_json_set_str(d, "PrivateDnsName", dns);
    vs_json_set_str(d, "PublicDnsName", "");
    char reason[80] = "";
    if (gone) {
        /* "User initiated (2019-06-15 08:55:29 GMT)" */
        char t[40];
        s_ts(i->state == VS_INST_SHUTTING_DOWN ? i->state_ms
                                                : i->state_ms - VS_INSTANCE_SHUTDOWN_MS,
             t, sizeof t);
        t[10] = ' ';
        t[19] = '\0';
        snprintf(reason, sizeof reason, "User initiated (%s GMT)", t);
    }
    vs_json_set_str(d, "StateTransitionReason", reason);
    vs_json_set_int(d, "AmiLaunchIndex", i->launch_index);
    vs_json_set(d, "ProductCodes", vs_json_array());
    vs_json_set_str(d, "InstanceType", i->type);
    vs_json_set_str(d, "LaunchTime", ts);
    vs_json_t *pl = vs_json_set(d, "Placement", vs_json_object());
    vs_json_set_str(pl, "GroupName", "");
    vs_json_set_str(pl, "Tenancy", "default");
    vs_json_set_str(pl, "AvailabilityZone", i->az);
    vs_json_set_str(vs_json_set(d, "Monitoring", vs_json_object()), "State", "disabled");
    if (!term) {
        vs_json_set_str(d, "SubnetId", i->subnet_id);
        vs_json_set_str(d, "VpcId", i->vpc_id);
        vs_json_set_str(d, "PrivateIpAddress", ip);
    }
    return d;
}

static vs_json_t *s_reservation_head(const vs_model_t *m, const char *rid)
{
    vs_json_t *r = vs_json_object();
    vs_json_set_str(r, "ReservationId", rid);
    vs_json_set_str(r, "OwnerId", vs_model_account(m));
    /* Instances in a VPC carry their groups per interface; the
     * reservation's (EC2-Classic) group list is empty. */
    vs_json_set(r, "Groups", vs_json_array());
    vs_json_set(r, "Instances", vs_json_array());
    return r;
}

vs_json_t *vs_instance__reservation_output(const vs_model_t *m, const char *rid)
{
    vs_json_t *r = s_reservation_head(m, rid);
    vs_json_t *list = (vs_json_t *)vs_json_get(r, "Instances");
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_instance); o;
         o = vs_model__next(o, &vs_kind_instance))
        if (strcmp(((const vs_instance_t *)o)->reservation_id, rid) == 0)
            vs_json_push(list, vs_instance__output(m, (const vs_instance_t *)o));
    return r;
}

/* --- DescribeInstances ------------------------------------------------------------ */

#define IN(o) ((const vs_instance_t *)(o))

static vs_json_t *s_one(const vs_model_t *m, const vs_obj_t *o)
{
    vs_json_t *r = s_reservation_head(m, IN(o)->reservation_id);
    vs_json_push((vs_json_t *)vs_json_get(r, "Instances"), vs_instance__output(m, IN(o)));
    return r;
}

static void s_f_id(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, IN(o)->base.id); }
static void s_f_state(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_add(v, vs_instance__state_name(IN(o)->state));
}
static void s_f_code(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_addf(v, "%d", IN(o)->state);
}
static void s_f_type(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, IN(o)->type); }
static void s_f_image(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, IN(o)->image_id); }
static void s_f_rid(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_add(v, IN(o)->reservation_id);
}
static void s_f_owner(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_add(v, vs_model_account(m));
}
static void s_f_az(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, IN(o)->az); }
static void s_f_token(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_add(v, IN(o)->client_token);
}
static void s_f_index(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_addf(v, "%d", IN(o)->launch_index);
}
/* Network facts disappear with the interface at termination. */
static bool s_net(const void *o) { return IN(o)->state != VS_INST_TERMINATED; }
static void s_f_subnet(const void *m, const void *o, vs_fvals_t *v)
{
    if (s_net(o))
        vs_fvals_add(v, IN(o)->subnet_id);
}
static void s_f_vpc(const void *m, const void *o, vs_fvals_t *v)
{
    if (s_net(o))
        vs_fvals_add(v, IN(o)->vpc_id);
}
static void s_f_ip(const void *m, const void *o, vs_fvals_t *v)
{
    char ip[VS_IP_STRLEN];
    if (s_net(o) && vs_ip_format(&IN(o)->ip, ip, sizeof ip) > 0)
        vs_fvals_add(v, ip);
}
static void s_f_ip6(const void *m, const void *o, vs_fvals_t *v)
{
    char ip[VS_IP_STRLEN];
    if (s_net(o) && IN(o)->has_ip6 && vs_ip_format(&IN(o)->ip6, ip, sizeof ip) > 0)
        vs_fvals_add(v, ip);
}
static void s_f_dns(const void *m, const void *o, vs_fvals_t *v)
{
    char dns[128];
    if (!s_net(o))
        return;
    s_dns_name(m, &IN(o)->ip, dns, sizeof dns);
    vs_fvals_add(v, dns);
}
static void s_f_eni(const void *m, const void *o, vs_fvals_t *v)
{
    if (s_net(o))
        vs_fvals_add(v, IN(o)->eni_id);
}
static void s_f_mac(const void *m, const void *o, vs_fvals_t *v)
{
    if (s_net(o))
        vs_fvals_add(v, IN(o)->mac);
}
static void s_f_group_id(const void *m, const void *o, vs_fvals_t *v)
{
    for (size_t k = 0; s_net(o) && k < IN(o)->nsg; k++)
        vs_fvals_add(v, IN(o)->sg_ids[k]);
}
static void s_f_group_name(const void *m, const void *o, vs_fvals_t *v)
{
    for (size_t k = 0; s_net(o) && k < IN(o)->nsg; k++) {
        const vs_sg_t *g = vs_sg__get(m, IN(o)->sg_ids[k]);
        if (g)
            vs_fvals_add(v, g->name);
    }
}
static void s_f_arch(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, "x86_64"); }
static void s_f_root(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, "ebs"); }

static const vs_filter_field_t s_filters[] = {
    { "instance-id", s_f_id },
    { "instance-state-name", s_f_state },
    { "instance-state-code", s_f_code },
    { "instance-type", s_f_type },
    { "image-id", s_f_image },
    { "reservation-id", s_f_rid },
    { "owner-id", s_f_owner },
    { "availability-zone", s_f_az },
    { "client-token", s_f_token },
    { "ami-launch-index", s_f_index },
    { "subnet-id", s_f_subnet },
    { "vpc-id", s_f_vpc },
    { "private-ip-address", s_f_ip },
    { "private-dns-name", s_f_dns },
    { "ipv6-address", s_f_ip6 },
    { "network-interface.network-interface-id", s_f_eni },
    { "network-interface.addresses.private-ip-address", s_f_ip },
    { "network-interface.private-dns-name", s_f_dns },
    { "network-interface.mac-address", s_f_mac },
    { "network-interface.subnet-id", s_f_subnet },
    { "network-interface.vpc-id", s_f_vpc },
    { "network-interface.group-id", s_f_group_id },
    { "network-interface.group-name", s_f_group_name },
    { "network-interface.ipv6-addresses.ipv6-address", s_f_ip6 },
    { "instance.group-id", s_f_group_id },
    { "instance.group-name", s_f_group_name },
    { "architecture", s_f_arch },
    { "root-device-type", s_f_root },
    { NULL, NULL }
};

/* vs_model__describe lists one reservation per instance; EC2 lists each
 * reservation once with all its instances (of this page) inside. */
static vs_json_t *s_regroup(const vs_json_t *flat)
{
    vs_json_t *res = vs_json_array();
    for (size_t k = 0; res && k < vs_json_len(flat); k++) {
        const vs_json_t *r = vs_json_at(flat, k);
        const char *rid = vs_json_get_str(r, "ReservationId");
        vs_json_t *into = NULL;
        for (size_t j = 0; j < vs_json_len(res) && !into; j++) {
            vs_json_t *c = (vs_json_t *)vs_json_at(res, j);
            if (strcmp(vs_json_get_str(c, "ReservationId"), rid) == 0)
                into = c;
        }
        if (!into) {
            vs_json_push(res, vs_json_clone(r));
            continue;
        }
        const vs_json_t *insts = vs_json_get(r, "Instances");
        for (size_t j = 0; j < vs_json_len(insts); j++)
            vs_json_push((vs_json_t *)vs_json_get(into, "Instances"),
                         vs_json_clone(vs_json_at(insts, j)));
    }
    return res;
}

int vs_instance__describe(vs_model_t *m, const char *caller, const vs_json_t *in,
                          vs_json_t **out, vs_awserr_t *err)
{
    static const vs_describe_t d = {
        &vs_kind_instance, "InstanceIds", "Reservations", s_filters, s_one, true
    };
    vs_json_t *flat = NULL;
    if (vs_model__describe(m, caller, in, &d, &flat, err) != 0)
        return -1;
    vs_json_t *doc = vs_json_object();
    const char *tok = vs_json_get_str(flat, "NextToken");
    if (tok)
        vs_json_set_str(doc, "NextToken", tok);
    vs_json_t *res = s_regroup(vs_json_get(flat, "Reservations"));
    vs_json_free(&flat);
    if (!res) {
        vs_json_free(&doc);
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    }
    vs_json_set(doc, "Reservations", res);
    *out = doc;
    return 0;
}

/* DescribeInstances is its own module, so that this file needs nothing of
 * the module that owns the instance kind (ec2_instance.c) but the kind. */
static const vs_action_t s_actions[] = {
    { "DescribeInstances", vs_instance__describe },
    { NULL, NULL }
};

const vs_module_t vs_module_instance_describe = {
    .name = "instance-describe",
    .actions = s_actions,
};
