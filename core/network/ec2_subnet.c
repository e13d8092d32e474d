/* ec2_subnet: subnet objects and CreateSubnet, DescribeSubnets,
 * DeleteSubnet. A VPC with subnets cannot be deleted (vpc_delete_check);
 * later files refuse a subnet's deletion through subnet_delete_check
 * (instances) and follow it through subnet_deleting (route tables);
 * subnet_created lets them attach to a new subnet (network ACLs).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "filter.h"
#include "network.h"
#include "params.h"

/* Addresses EC2 keeps in every subnet: network, router, DNS, future use,
 * broadcast. */
#define S_RESERVED_IPS 5

/* --- the object ----------------------------------------------------------- */

static void s_destroy(vs_obj_t *o)
{
    free(o);
}

static int s_to_doc(const vs_model_t *m, const vs_obj_t *o, vs_json_t *doc)
{
    const vs_subnet_t *s = (const vs_subnet_t *)o;
    char buf[VS_CIDR_STRLEN];
    vs_json_set_str(doc, "VpcId", s->vpc_id);
    vs_cidr_format(&s->cidr, buf, sizeof buf);
    vs_json_set_str(doc, "CidrBlock", buf);
    if (s->has_v6) {
        vs_cidr_format(&s->v6, buf, sizeof buf);
        vs_json_set_str(doc, "Ipv6CidrBlock", buf);
        vs_json_set_str(doc, "Ipv6AssociationId", s->v6_assoc_id);
    }
    vs_json_set_str(doc, "AvailabilityZone", s->az);
    vs_json_set_int(doc, "IpsUsed", (int64_t)s->ips_used);
    vs_json_set_bool(doc, "MapPublicIpOnLaunch", s->map_public_ip);
    vs_json_set_bool(doc, "AssignIpv6AddressOnCreation", s->assign_ipv6);
    return 0;
}

static bool s_copy(char *dst, size_t cap, const char *src)
{
    if (!src || strlen(src) >= cap)
        return false;
    snprintf(dst, cap, "%s", src);
    return true;
}

static vs_obj_t *s_from_doc(vs_model_t *m, const vs_json_t *doc)
{
    vs_subnet_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    const char *v6 = vs_json_get_str(doc, "Ipv6CidrBlock");
    int64_t used = vs_json_get_int(doc, "IpsUsed", 0);
    s->has_v6 = v6 != NULL;
    s->ips_used = used > 0 ? (uint64_t)used : 0;
    s->map_public_ip = vs_json_get_bool(doc, "MapPublicIpOnLaunch", false);
    s->assign_ipv6 = vs_json_get_bool(doc, "AssignIpv6AddressOnCreation", false);
    if (!s_copy(s->vpc_id, sizeof s->vpc_id, vs_json_get_str(doc, "VpcId")) ||
        !s_copy(s->az, sizeof s->az, vs_json_get_str(doc, "AvailabilityZone")) ||
        vs_cidr_parse(vs_json_get_str(doc, "CidrBlock"), VS_CIDR_STRICT, &s->cidr) != 0 ||
        s->cidr.addr.family != 4 ||
        (v6 && (vs_cidr_parse(v6, VS_CIDR_STRICT, &s->v6) != 0 || s->v6.addr.family != 6 ||
                !s_copy(s->v6_assoc_id, sizeof s->v6_assoc_id,
                        vs_json_get_str(doc, "Ipv6AssociationId"))))) {
        free(s);
        return NULL;
    }
    return &s->base;
}

const vs_kind_t vs_kind_subnet = {
    .prefix = "subnet",
    .name = "Subnet",
    .to_doc = s_to_doc,
    .from_doc = s_from_doc,
    .destroy = s_destroy,
};

/* --- Availability Zones -------------------------------------------------------- */

#define S_AZ_LETTERS "abcd"

/* EC2's short Region code: "ap-northeast-1" -> "apne1",
 * "us-gov-west-1" -> "usgw1", "cn-northwest-1" -> "cnnw1". */
static void s_region_code(const char *region, char *out, size_t cap)
{
    static const struct { const char *word, *abbr; } dirs[] = {
        { "northeast", "ne" }, { "northwest", "nw" }, { "southeast", "se" },
        { "southwest", "sw" }, { "north", "n" }, { "south", "s" }, { "east", "e" },
        { "west", "w" }, { "central", "c" },
    };
    char buf[VS_REGION_LEN];
    snprintf(buf, sizeof buf, "%s", region);
    size_t len = 0;
    out[0] = '\0';
    char *save = NULL;
    for (char *part = strtok_r(buf, "-", &save); part; part = strtok_r(NULL, "-", &save)) {
        const char *piece = part;
        if (strcmp(part, "gov") == 0)
            piece = "g";
        for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
            if (strcmp(part, dirs[i].word) == 0)
                piece = dirs[i].abbr;
        int w = snprintf(out + len, cap - len, "%s", piece);
        if (w < 0 || (size_t)w >= cap - len)
            break;
        len += (size_t)w;
    }
}

/* "ap-northeast-1a" -> "apne1-az1": zones a..d map to az1..az4 (EC2 maps
 * per account; a fixed mapping keeps simulations reproducible). */
static void s_az_id(const char *region, const char *az, char *out, size_t cap)
{
    char code[VS_REGION_LEN];
    s_region_code(region, code, sizeof code);
    char letter = az[strlen(az) - 1];
    snprintf(out, cap, "%s-az%d", code, letter - 'a' + 1);
}

/* Resolves AvailabilityZone / AvailabilityZoneId into az; default REGIONa. */
static int s_pick_az(const vs_model_t *m, const char *az, const char *az_id, char out[VS_AZ_LEN],
                     vs_awserr_t *err)
{
    const char *region = vs_model_region(m);
    if (az && az_id)
        return vs_awserr_set(err, "InvalidParameterCombination",
                             "The parameter availabilityZone cannot be used with the parameter "
                             "availabilityZoneId");
    static const char letters[] = S_AZ_LETTERS;
    char list[4 * (VS_AZ_LEN + 2)] = "";
    for (const char *l = letters; *l; l++) {
        char cand[VS_AZ_LEN], cand_id[VS_AZ_LEN + 8];
        snprintf(cand, sizeof cand, "%s%c", region, *l);
        s_az_id(region, cand, cand_id, sizeof cand_id);
        if ((!az && !az_id) || (az && strcmp(az, cand) == 0) || (az_id && strcmp(az_id, cand_id) == 0)) {
            snprintf(out, VS_AZ_LEN, "%s", cand);
            return 0;
        }
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", l == letters ? "" : ", ",
                 cand);
    }
    return vs_awserr_set(err, "InvalidParameterValue",
                         "Value (%.*s) for parameter %s is invalid. Subnets can currently only be "
                         "created in the following availability zones: %s.",
                         100, az ? az : az_id, az ? "availabilityZone" : "availabilityZoneId", list);
}

/* --- output ---------------------------------------------------------------------- */

vs_json_t *vs_subnet__output(const vs_model_t *m, const vs_obj_t *o)
{
    const vs_subnet_t *s = (const vs_subnet_t *)o;
    char buf[VS_CIDR_STRLEN], azid[VS_AZ_LEN + 8], arn[VS_ARN_LEN];
    vs_json_t *d = vs_json_object();
    s_az_id(vs_model_region(m), s->az, azid, sizeof azid);
    vs_json_set_str(d, "AvailabilityZoneId", azid);
    vs_json_set_bool(d, "MapCustomerOwnedIpOnLaunch", false);
    vs_json_set_str(d, "OwnerId", vs_model_account(m));
    vs_json_set_bool(d, "AssignIpv6AddressOnCreation", s->assign_ipv6);
    vs_json_t *v6 = vs_json_set(d, "Ipv6CidrBlockAssociationSet", vs_json_array());
    if (s->has_v6) {
        vs_json_t *a = vs_json_push(v6, vs_json_object());
        vs_cidr_format(&s->v6, buf, sizeof buf);
        vs_json_set_str(a, "AssociationId", s->v6_assoc_id);
        vs_json_set_str(a, "Ipv6CidrBlock", buf);
        vs_json_set_str(vs_json_set(a, "Ipv6CidrBlockState", vs_json_object()), "State",
                        "associated");
    }
    vs_tags_output(d, &s->base.tags);
    if (vs_model__arn(m, "subnet", s->base.id, arn) < 0)
        arn[0] = '\0';
    vs_json_set_str(d, "SubnetArn", arn);
    vs_json_set_bool(d, "EnableDns64", false);
    vs_json_set_bool(d, "Ipv6Native", false);
    vs_json_t *dns = vs_json_set(d, "PrivateDnsNameOptionsOnLaunch", vs_json_object());
    vs_json_set_str(dns, "HostnameType", "ip-name");
    vs_json_set_bool(dns, "EnableResourceNameDnsARecord", false);
    vs_json_set_bool(dns, "EnableResourceNameDnsAAAARecord", false);
    vs_json_set_str(vs_json_set(d, "BlockPublicAccessStates", vs_json_object()),
                    "InternetGatewayBlockMode", "off");
    vs_json_set_str(d, "SubnetId", s->base.id);
    vs_json_set_str(d, "State", "available");
    vs_json_set_str(d, "VpcId", s->vpc_id);
    vs_cidr_format(&s->cidr, buf, sizeof buf);
    vs_json_set_str(d, "CidrBlock", buf);
    uint64_t size = vs_cidr_size(&s->cidr);
    uint64_t avail = size > S_RESERVED_IPS + s->ips_used ? size - S_RESERVED_IPS - s->ips_used : 0;
    vs_json_set_int(d, "AvailableIpAddressCount", (int64_t)avail);
    vs_json_set_str(d, "AvailabilityZone", s->az);
    vs_json_set_bool(d, "DefaultForAz", false);
    vs_json_set_bool(d, "MapPublicIpOnLaunch", s->map_public_ip);
    return d;
}

/* --- CreateSubnet ------------------------------------------------------------------ */

static int s_check_v4(const vs_model_t *m, const vs_vpc_t *v, const char *cidr_s, vs_cidr_t *c,
                      vs_awserr_t *err)
{
    if (vs_vpc__parse_v4(cidr_s, "cidrBlock", c, err) != 0)
        return -1;
    bool inside = false;
    for (size_t i = 0; i < v->nv4 && !inside; i++)
        inside = vs_cidr_contains(&v->v4[i].cidr, c);
    if (c->prefix < 16 || c->prefix > 28 || !inside)
        return vs_awserr_set(err, "InvalidSubnet.Range", "The CIDR '%s' is invalid.", cidr_s);
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_subnet); o; o = vs_model__next(o, &vs_kind_subnet)) {
        const vs_subnet_t *s = (const vs_subnet_t *)o;
        if (strcmp(s->vpc_id, v->base.id) == 0 && vs_cidr_overlaps(&s->cidr, c))
            return vs_awserr_set(err, "InvalidSubnet.Conflict",
                                 "The CIDR '%s' conflicts with another subnet", cidr_s);
    }
    return 0;
}

static int s_check_v6(const vs_model_t *m, const vs_vpc_t *v, const char *cidr_s, vs_cidr_t *c,
                      vs_awserr_t *err)
{
    if (vs_cidr_parse(cidr_s, VS_CIDR_STRICT, c) != 0 || c->addr.family != 6)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%.*s) for parameter ipv6CidrBlock is invalid. This is not a "
                             "valid CIDR block.", 100, cidr_s);
    bool inside = false;
    for (size_t i = 0; i < v->nv6 && !inside; i++)
        inside = vs_cidr_contains(&v->v6[i].cidr, c);
    if (c->prefix != 64 || !inside)
        return vs_awserr_set(err, "InvalidSubnet.Range", "The IPv6 CIDR '%s' is invalid.", cidr_s);
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_subnet); o; o = vs_model__next(o, &vs_kind_subnet)) {
        const vs_subnet_t *s = (const vs_subnet_t *)o;
        if (strcmp(s->vpc_id, v->base.id) == 0 && s->has_v6 && vs_cidr_overlaps(&s->v6, c))
            return vs_awserr_set(err, "InvalidSubnet.Conflict",
                                 "The CIDR '%s' conflicts with another subnet", cidr_s);
    }
    return 0;
}

static int s_create_subnet(vs_model_t *m, const char *caller, const vs_json_t *in,
                           vs_json_t **out, vs_awserr_t *err)
{
    const char *vpc_id, *cidr_s, *v6_s, *az, *az_id;
    bool native = false;
    vs_vpc_t *v;
    vs_subnet_t tmp = { .has_v6 = false };
    if (vs_param_str(in, "VpcId", true, &vpc_id, err) != 0 ||
        vs_param_str(in, "CidrBlock", false, &cidr_s, err) != 0 ||
        vs_param_str(in, "Ipv6CidrBlock", false, &v6_s, err) != 0 ||
        vs_param_str(in, "AvailabilityZone", false, &az, err) != 0 ||
        vs_param_str(in, "AvailabilityZoneId", false, &az_id, err) != 0 ||
        vs_param_bool(in, "Ipv6Native", &native, err) != 0)
        return -1;
    /* IPv6-only subnets are not simulated: every subnet has an IPv4 block. */
    if (native)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "IPv6-only subnets are not supported by this simulator");
    if (!cidr_s)
        return vs_param_missing(err, "CidrBlock");
    if (!(v = vs_model__resolve(m, caller, &vs_kind_vpc, vpc_id, err)) ||
        s_check_v4(m, v, cidr_s, &tmp.cidr, err) != 0 ||
        (v6_s && s_check_v6(m, v, v6_s, &tmp.v6, err) != 0) ||
        s_pick_az(m, az, az_id, tmp.az, err) != 0)
        return -1;
    vs_tags_t tags = { 0 };
    if (vs_tags_from_specs(in, "subnet", &tags, err) != 0 || vs_model__dry_run_check(m, err) != 0) {
        vs_tags_free(&tags);
        return -1;
    }
    vs_subnet_t *s = malloc(sizeof *s);
    if (!s) {
        vs_tags_free(&tags);
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    }
    *s = tmp;
    snprintf(s->vpc_id, sizeof s->vpc_id, "%s", v->base.id);
    if (v6_s) {
        s->has_v6 = true;
        vs_model__new_assoc_id(m, "subnet-cidr-assoc", s->v6_assoc_id);
    }
    s->base.tags = tags;
    if (vs_model__add(m, &s->base, &vs_kind_subnet, NULL) != 0) {
        vs_tags_free(&s->base.tags);
        free(s);
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    }
    vs_model__subnet_created(m, s);
    *out = vs_json_object();
    vs_json_set(*out, "Subnet", vs_subnet__output(m, &s->base));
    return 0;
}

/* --- DescribeSubnets ------------------------------------------------------------------ */

#define SUB(o) ((const vs_subnet_t *)(o))

static void s_f_id(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, SUB(o)->base.id); }
static void s_f_vpc(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, SUB(o)->vpc_id); }
static void s_f_owner(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_add(v, vs_model_account(m));
}
static void s_f_state(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, "available"); }
static void s_f_az(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, SUB(o)->az); }
static void s_f_az_id(const void *m, const void *o, vs_fvals_t *v)
{
    char id[VS_AZ_LEN + 8];
    s_az_id(vs_model_region(m), SUB(o)->az, id, sizeof id);
    vs_fvals_add(v, id);
}
static void s_f_cidr(const void *m, const void *o, vs_fvals_t *v)
{
    char buf[VS_CIDR_STRLEN];
    vs_cidr_format(&SUB(o)->cidr, buf, sizeof buf);
    vs_fvals_add(v, buf);
}
static void s_f_v6(const void *m, const void *o, vs_fvals_t *v)
{
    char buf[VS_CIDR_STRLEN];
    if (!SUB(o)->has_v6)
        return;
    vs_cidr_format(&SUB(o)->v6, buf, sizeof buf);
    vs_fvals_add(v, buf);
}
static void s_f_v6_assoc(const void *m, const void *o, vs_fvals_t *v)
{
    if (SUB(o)->has_v6)
        vs_fvals_add(v, SUB(o)->v6_assoc_id);
}
static void s_f_false(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add_bool(v, false); }
static void s_f_avail(const void *m, const void *o, vs_fvals_t *v)
{
    uint64_t size = vs_cidr_size(&SUB(o)->cidr), used = S_RESERVED_IPS + SUB(o)->ips_used;
    vs_fvals_addf(v, "%" PRIu64, size > used ? size - used : 0);
}
static void s_f_arn(const void *m, const void *o, vs_fvals_t *v)
{
    char arn[VS_ARN_LEN];
    if (vs_model__arn(m, "subnet", SUB(o)->base.id, arn) > 0)
        vs_fvals_add(v, arn);
}
static void s_f_map_public(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_add_bool(v, SUB(o)->map_public_ip);
}

static const vs_filter_field_t s_subnet_filters[] = {
    { "subnet-id", s_f_id },
    { "vpc-id", s_f_vpc },
    { "owner-id", s_f_owner },
    { "state", s_f_state },
    { "availability-zone", s_f_az },
    { "availability-zone-id", s_f_az_id },
    { "availabilityZone", s_f_az },
    { "cidr-block", s_f_cidr },
    { "cidr", s_f_cidr },
    { "cidrBlock", s_f_cidr },
    { "ipv6-cidr-block-association.ipv6-cidr-block", s_f_v6 },
    { "ipv6-cidr-block-association.association-id", s_f_v6_assoc },
    { "default-for-az", s_f_false },
    { "defaultForAz", s_f_false },
    { "ipv6-native", s_f_false },
    { "available-ip-address-count", s_f_avail },
    { "subnet-arn", s_f_arn },
    { "map-public-ip-on-launch", s_f_map_public },
    { NULL, NULL }
};

static int s_describe_subnets(vs_model_t *m, const char *caller, const vs_json_t *in,
                              vs_json_t **out, vs_awserr_t *err)
{
    static const vs_describe_t d = {
        &vs_kind_subnet, "SubnetIds", "Subnets", s_subnet_filters, vs_subnet__output, true
    };
    return vs_model__describe(m, caller, in, &d, out, err);
}

/* --- DeleteSubnet ------------------------------------------------------------------------ */

static int s_delete_subnet(vs_model_t *m, const char *caller, const vs_json_t *in,
                           vs_json_t **out, vs_awserr_t *err)
{
    const char *id;
    vs_subnet_t *s;
    if (vs_param_str(in, "SubnetId", true, &id, err) != 0 ||
        !(s = vs_model__resolve(m, caller, &vs_kind_subnet, id, err)) ||
        vs_model__subnet_delete_check(m, s, err) != 0 || vs_model__dry_run_check(m, err) != 0)
        return -1;
    vs_model__subnet_deleting(m, s);
    vs_model__remove(m, &s->base);
    return 0;
}

/* A VPC with subnets cannot be deleted. */
static int s_vpc_delete_check(vs_model_t *m, const vs_vpc_t *vpc, vs_awserr_t *err)
{
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_subnet); o; o = vs_model__next(o, &vs_kind_subnet))
        if (strcmp(SUB(o)->vpc_id, vpc->base.id) == 0)
            return vs_awserr_set(err, "DependencyViolation",
                                 "The vpc '%s' has dependencies and cannot be deleted.", vpc->base.id);
    return 0;
}

static const vs_action_t s_actions[] = {
    { "CreateSubnet", s_create_subnet },
    { "DescribeSubnets", s_describe_subnets },
    { "DeleteSubnet", s_delete_subnet },
    { NULL, NULL }
};

static const vs_kind_t *const s_kinds[] = { &vs_kind_subnet, NULL };

/* A VPC CIDR block may not be disassociated while subnets use it. */
static int s_cidr_change_allowed(vs_model_t *m, const vs_vpc_t *v, const vs_cidr_t *c,
                                 bool adding, vs_awserr_t *err)
{
    if (adding)
        return 0;
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_subnet); o;
         o = vs_model__next(o, &vs_kind_subnet)) {
        const vs_subnet_t *s = (const vs_subnet_t *)o;
        if (strcmp(s->vpc_id, v->base.id) != 0)
            continue;
        if (c->addr.family == 4 ? vs_cidr_overlaps(c, &s->cidr)
                                : s->has_v6 && vs_cidr_overlaps(c, &s->v6)) {
            const vs_vpc_cidr_t *assoc = vs_vpc__find_cidr(v, c);
            return vs_awserr_set(err, "InvalidCidrBlock.InUse",
                                 "The vpc CIDR block with association ID %s may not be "
                                 "disassociated. It has subnets associated with it.",
                                 assoc ? assoc->assoc_id : "");
        }
    }
    return 0;
}

const vs_module_t vs_module_subnet = {
    .name = "subnet",
    .actions = s_actions,
    .kinds = s_kinds,
    .vpc_delete_check = s_vpc_delete_check,
    .cidr_change_allowed = s_cidr_change_allowed,
};
