/* instance_run: RunInstances - the launch parameters and their EC2 errors,
 * addresses (an explicit PrivateIpAddress, or the next free one after the
 * subnet's reserved addresses), security groups (the VPC's default group
 * unless named), MinCount/MaxCount, ClientToken idempotency.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "instance.h"
#include "params.h"
#include "sg.h"

/* Instances one agent keeps alive at once. EC2's real limit is in vCPUs
 * per account; a fixed bound keeps the simulator's memory bounded. */
#define S_MAX_LIVE 256

/* Addresses EC2 keeps in every subnet: network, router, DNS, future use
 * (offsets 0..3) and broadcast (the last). */
#define S_FIRST_HOST 4

#define INST(o) ((vs_instance_t *)(o))

static size_t s_live_count(const vs_model_t *m)
{
    size_t n = 0;
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_instance); o;
         o = vs_model__next(o, &vs_kind_instance))
        n += vs_instance__holds_ip(INST(o));
    return n;
}

/* --- addresses --------------------------------------------------------------- */

/* One bit per address of the subnet: reserved or held by an instance. */
typedef struct {
    uint8_t *bits;
    uint64_t size;
} s_addrmap_t;

static bool s_bit(const s_addrmap_t *a, uint64_t k) { return a->bits[k / 8] & (1u << (k % 8)); }
static void s_set(s_addrmap_t *a, uint64_t k) { a->bits[k / 8] |= (uint8_t)(1u << (k % 8)); }

/* Subnets are /16 to /28 (ec2_subnet.c), so at most 8 KiB. */
static int s_addrmap(const vs_model_t *m, const vs_subnet_t *s, s_addrmap_t *a)
{
    a->size = vs_cidr_size(&s->cidr);
    if (a->size < S_FIRST_HOST + 1 || a->size > 65536)
        return -1;
    a->bits = calloc((size_t)(a->size + 7) / 8, 1);
    if (!a->bits)
        return -1;
    for (uint64_t k = 0; k < S_FIRST_HOST; k++)
        s_set(a, k);
    s_set(a, a->size - 1);
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_instance); o;
         o = vs_model__next(o, &vs_kind_instance)) {
        uint64_t off;
        if (vs_instance__holds_ip(INST(o)) && strcmp(INST(o)->subnet_id, s->base.id) == 0 &&
            vs_cidr_offset(&s->cidr, &INST(o)->ip, &off) == 0 && off < a->size)
            s_set(a, off);
    }
    return 0;
}

static uint64_t s_free_count(const s_addrmap_t *a)
{
    uint64_t n = 0;
    for (uint64_t k = 0; k < a->size; k++)
        n += !s_bit(a, k);
    return n;
}

/* Checks an explicit PrivateIpAddress with EC2's errors. */
static int s_check_ip(const vs_subnet_t *s, const s_addrmap_t *a, const char *text, vs_ip_t *ip,
                      uint64_t *off, vs_awserr_t *err)
{
    if (vs_ip_parse(text, ip) != 0 || ip->family != 4)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%.*s) for parameter privateIpAddress is invalid. This is not "
                             "a valid IPv4 address.", 64, text);
    if (vs_cidr_offset(&s->cidr, ip, off) != 0)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Address %s does not fall within the subnet's address range", text);
    if (*off < S_FIRST_HOST || *off == a->size - 1)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Address %s is in subnet's reserved address range", text);
    if (s_bit(a, *off))
        return vs_awserr_set(err, "InvalidIPAddress.InUse", "Address %s is in use.", text);
    return 0;
}

/* A random interface ID inside the subnet's /64 that no instance holds. */
static int s_alloc_ip6(vs_model_t *m, const vs_subnet_t *s, vs_ip_t *out)
{
    for (int tries = 0; tries < 16; tries++) {
        vs_ip_t ip = s->v6.addr;
        uint64_t low = vs_rng_next(vs_model__rng(m)) | 0x10;   /* never ::0..::f */
        for (int b = 0; b < 8; b++)
            ip.bytes[8 + b] = (uint8_t)(low >> (56 - 8 * b));
        if (!vs_instance__by_ip(m, s->vpc_id, &ip)) {
            *out = ip;
            return 0;
        }
    }
    return -1;
}

/* --- RunInstances ------------------------------------------------------------------ */

typedef struct {
    const char *image, *type, *token;
    vs_subnet_t *subnet;
    const char *sgs[VS_INSTANCE_MAX_SGS];
    size_t nsg;
    bool want_ip6;
} s_launch_t;

static int s_resolve_sgs(const vs_model_t *m, const char *caller, const vs_json_t *list,
                         const vs_subnet_t *s, s_launch_t *l, vs_awserr_t *err)
{
    l->nsg = 0;
    if (!list || vs_json_len(list) == 0) {
        /* No groups named: the VPC's default group, as EC2 does. */
        const char *def = vs_sg__default_for_vpc(m, s->vpc_id);
        if (def)
            l->sgs[l->nsg++] = def;
        return 0;
    }
    for (size_t k = 0; k < vs_json_len(list); k++) {
        const char *id = vs_json_as_str(vs_json_at(list, k));
        if (!vs_id_valid(id, "sg"))
            return vs_model__err_malformed(err, "sg", id);
        const vs_sg_t *g = vs_model__is_owner(m, caller) ? vs_sg__get(m, id) : NULL;
        if (!g)
            return vs_awserr_set(err, "InvalidGroup.NotFound",
                                 "The security group '%s' does not exist in VPC '%s'", id,
                                 s->vpc_id);
        if (strcmp(g->vpc_id, s->vpc_id) != 0)
            return vs_awserr_set(err, "InvalidParameter",
                                 "Security group %s and subnet %s belong to different networks.",
                                 id, s->base.id);
        bool dup = false;
        for (size_t j = 0; j < l->nsg && !dup; j++)
            dup = strcmp(l->sgs[j], g->base.id) == 0;
        if (dup)
            continue;
        if (l->nsg == VS_INSTANCE_MAX_SGS)
            return vs_awserr_set(err, "SecurityGroupsPerInterfaceLimitExceeded",
                                 "The maximum number of security groups per interface has been "
                                 "reached.");
        l->sgs[l->nsg++] = g->base.id;
    }
    return 0;
}

static bool s_type_valid(const char *t)
{
    const char *dot = strchr(t, '.');
    if (!dot || dot == t || !dot[1] || strlen(t) >= VS_INSTANCE_TYPE_LEN)
        return false;
    for (const char *p = t; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
            return false;
    return true;
}

static int s_counts(const vs_json_t *in, int64_t *minc, int64_t *maxc, vs_awserr_t *err)
{
    bool pmin = false, pmax = false;
    if (vs_param_int(in, "MinCount", &pmin, minc, err) != 0 ||
        vs_param_int(in, "MaxCount", &pmax, maxc, err) != 0)
        return -1;
    if (!pmax)
        return vs_param_missing(err, "MaxCount");
    if (!pmin)
        return vs_param_missing(err, "MinCount");
    if (*maxc < 1)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Invalid value '%" PRId64 "' for maxCount. Must be greater than 0.",
                             *maxc);
    if (*minc < 1)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Invalid value '%" PRId64 "' for minCount. Must be greater than 0.",
                             *minc);
    if (*minc > *maxc)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Invalid value '%" PRId64 "' for minCount. Must be less than or "
                             "equal to maxCount.", *minc);
    return 0;
}

/* The reservation of an earlier call with the same ClientToken, if any. */
static const vs_instance_t *s_by_token(const vs_model_t *m, const char *token)
{
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_instance); o && token && token[0];
         o = vs_model__next(o, &vs_kind_instance))
        if (strcmp(INST(o)->client_token, token) == 0)
            return INST(o);
    return NULL;
}

static int s_parse_launch(vs_model_t *m, const char *caller, const vs_json_t *in, s_launch_t *l,
                          vs_awserr_t *err)
{
    const char *subnet_id;
    const vs_json_t *sg_ids, *sg_names;
    bool p6 = false;
    int64_t n6 = 0;
    if (vs_param_str(in, "ImageId", false, &l->image, err) != 0 ||
        vs_param_str(in, "InstanceType", false, &l->type, err) != 0 ||
        vs_param_str(in, "SubnetId", false, &subnet_id, err) != 0 ||
        vs_param_strlist(in, "SecurityGroupIds", false, &sg_ids, err) != 0 ||
        vs_param_strlist(in, "SecurityGroups", false, &sg_names, err) != 0 ||
        vs_param_int(in, "Ipv6AddressCount", &p6, &n6, err) != 0)
        return -1;
    if (!l->image)
        return vs_param_missing(err, "ImageId");
    if (!vs_id_valid(l->image, "ami"))
        return vs_awserr_set(err, "InvalidAMIID.Malformed",
                             "Invalid id: \"%.*s\" (expecting \"ami-...\")", 100, l->image);
    if (!l->type)
        l->type = "t2.micro";
    if (!s_type_valid(l->type))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Invalid value '%.*s' for InstanceType.", 64, l->type);
    if (l->token && strlen(l->token) >= VS_INSTANCE_TOKEN_LEN)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%.*s...) for parameter clientToken is invalid. Length "
                             "exceeds maximum of 64 characters.", 16, l->token);
    if (sg_names && vs_json_len(sg_names) && subnet_id)
        return vs_awserr_set(err, "InvalidParameterCombination",
                             "The parameter groupName cannot be used with the parameter subnet");
    /* Without a subnet EC2 launches into the default VPC, which the
     * simulator never creates. */
    if (!subnet_id)
        return vs_awserr_set(err, "VPCIdNotSpecified", "No default VPC for this user");
    if (!(l->subnet = vs_model__resolve(m, caller, &vs_kind_subnet, subnet_id, err)) ||
        s_resolve_sgs(m, caller, sg_ids, l->subnet, l, err) != 0)
        return -1;
    if (p6 && (n6 < 0 || n6 > 1))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%" PRId64 ") for parameter ipv6AddressCount is invalid. The "
                             "simulator assigns at most one IPv6 address per interface.", n6);
    l->want_ip6 = p6 ? n6 == 1 : l->subnet->assign_ipv6;
    if (l->want_ip6 && !l->subnet->has_v6)
        return vs_awserr_set(err, "InvalidParameterCombination",
                             "You specified an IPv6 address count, but the subnet %s does not "
                             "have an IPv6 CIDR block.", l->subnet->base.id);
    return 0;
}

static vs_instance_t *s_new_instance(vs_model_t *m, const s_launch_t *l, const char *rid,
                                     int index, const vs_ip_t *ip)
{
    vs_instance_t *i = calloc(1, sizeof *i);
    if (!i)
        return NULL;
    const vs_subnet_t *s = l->subnet;
    snprintf(i->reservation_id, sizeof i->reservation_id, "%s", rid);
    snprintf(i->image_id, sizeof i->image_id, "%s", l->image);
    snprintf(i->type, sizeof i->type, "%s", l->type);
    snprintf(i->client_token, sizeof i->client_token, "%s", l->token ? l->token : "");
    i->launch_index = index;
    snprintf(i->subnet_id, sizeof i->subnet_id, "%s", s->base.id);
    snprintf(i->vpc_id, sizeof i->vpc_id, "%s", s->vpc_id);
    snprintf(i->az, sizeof i->az, "%s", s->az);
    i->ip = *ip;
    if (l->want_ip6 && s_alloc_ip6(m, s, &i->ip6) == 0)
        i->has_ip6 = true;
    vs_model__new_id(m, "eni", i->eni_id);
    vs_model__new_assoc_id(m, "eni-attach", i->attach_id);
    vs_model__new_id(m, "vol", i->vol_id);
    uint64_t r = vs_rng_next(vs_model__rng(m));
    /* 06: a locally administered unicast prefix, as EC2's MACs have. */
    snprintf(i->mac, sizeof i->mac, "06:%02x:%02x:%02x:%02x:%02x", (unsigned)(r & 0xff),
             (unsigned)(r >> 8 & 0xff), (unsigned)(r >> 16 & 0xff), (unsigned)(r >> 24 & 0xff),
             (unsigned)(r >> 32 & 0xff));
    for (size_t k = 0; k < l->nsg; k++)
        snprintf(i->sg_ids[i->nsg++], VS_ID_LEN, "%s", l->sgs[k]);
    i->state = VS_INST_PENDING;
    i->launch_ms = i->state_ms = vs_model__now(m);
    return i;
}

int vs_instance__run(vs_model_t *m, const char *caller, const vs_json_t *in,
                           vs_json_t **out, vs_awserr_t *err)
{
    s_launch_t l = { 0 };
    const char *ip_s;
    int64_t minc = 0, maxc = 0;
    if (vs_param_str(in, "ClientToken", false, &l.token, err) != 0 ||
        vs_param_str(in, "PrivateIpAddress", false, &ip_s, err) != 0 ||
        s_counts(in, &minc, &maxc, err) != 0)
        return -1;
    /* A retried call with the same token gets the first call's answer. */
    const vs_instance_t *prev = vs_model__is_owner(m, caller) ? s_by_token(m, l.token) : NULL;
    if (prev) {
        *out = vs_instance__reservation_output(m, prev->reservation_id);
        return *out ? 0 : vs_awserr_set(err, "InternalError", "An internal error has occurred");
    }
    if (s_parse_launch(m, caller, in, &l, err) != 0)
        return -1;
    if (ip_s && maxc > 1)
        return vs_awserr_set(err, "InvalidParameterCombination",
                             "Cannot specify a private IP address when launching more than one "
                             "instance");
    size_t live = s_live_count(m);
    if (live + (uint64_t)minc > S_MAX_LIVE)
        return vs_awserr_set(err, "InstanceLimitExceeded",
                             "You have requested more instances (%" PRId64 ") than your current "
                             "instance limit of %d allows for the specified instance type.",
                             minc, S_MAX_LIVE);
    s_addrmap_t a = { 0 };
    if (s_addrmap(m, l.subnet, &a) != 0)
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    vs_ip_t fixed = { 0 };
    uint64_t fixed_off = 0;
    uint64_t nfree = s_free_count(&a);
    int rc = ip_s ? s_check_ip(l.subnet, &a, ip_s, &fixed, &fixed_off, err) : 0;
    if (rc == 0 && nfree < (uint64_t)minc)
        rc = vs_awserr_set(err, "InsufficientFreeAddressesInSubnet",
                           "There are not enough free addresses in subnet '%s' to satisfy the "
                           "requested number of instances.", l.subnet->base.id);
    vs_tags_t tags = { 0 };
    if (rc == 0)
        rc = vs_tags_from_specs(in, "instance", &tags, err);
    if (rc == 0)
        rc = vs_model__dry_run_check(m, err);
    if (rc != 0) {
        vs_tags_free(&tags);
        free(a.bits);
        return -1;
    }
    /* As EC2: launch as many as MaxCount allows, at least MinCount. */
    uint64_t n = (uint64_t)maxc;
    if (n > nfree)
        n = nfree;
    if (n > S_MAX_LIVE - live)
        n = S_MAX_LIVE - live;
    char rid[VS_ID_LEN];
    vs_model__new_id(m, "r", rid);
    uint64_t next = S_FIRST_HOST, made = 0;
    for (uint64_t k = 0; k < n; k++) {
        vs_ip_t ip = fixed;
        if (!ip_s) {
            while (next < a.size && s_bit(&a, next))
                next++;
            if (next >= a.size || vs_cidr_nth(&l.subnet->cidr, next, &ip) != 0)
                break;
            s_set(&a, next);
        }
        vs_instance_t *i = s_new_instance(m, &l, rid, (int)k, &ip);
        if (!i || vs_tags_apply(&i->base.tags, &tags) != 0 ||
            vs_model__add(m, &i->base, &vs_kind_instance, NULL) != 0) {
            if (i)
                vs_tags_free(&i->base.tags);
            free(i);
            break;
        }
        vs_model__timer_arm(m, VS_INSTANCE_T_BOOT, i->base.id, i->launch_ms + VS_INSTANCE_BOOT_MS);
        made++;
    }
    vs_tags_free(&tags);
    free(a.bits);
    l.subnet->ips_used += made;
    vs_model__touch(m, &l.subnet->base);
    if (made == 0)
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    *out = vs_instance__reservation_output(m, rid);
    return *out ? 0 : vs_awserr_set(err, "InternalError", "An internal error has occurred");
}

/* RunInstances is its own module (see instance_out.c). */
static const vs_action_t s_actions[] = {
    { "RunInstances", vs_instance__run },
    { NULL, NULL }
};

const vs_module_t vs_module_instance_run = {
    .name = "instance-run",
    .actions = s_actions,
};
