/* ec2_vpc: VPC objects and the VPC actions CreateVpc, DescribeVpcs,
 * DeleteVpc and ModifyVpcAttribute. CIDR associations are in
 * ec2_vpc_cidr.c, the main route table in ec2_rtb.c (through the
 * vpc_created hook).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "filter.h"
#include "store.pb-c.h"
#include "vpc.h"
#include "params.h"

/* --- the object --------------------------------------------------------- */

static void s_destroy(vs_obj_t *o)
{
    vs_vpc_t *v = (vs_vpc_t *)o;
    free(v->v4);
    free(v->v6);
    free(v->pcx);
    free(v->pcx_peer);
    free(v->sgs);
    free(v);
}

static vs_json_t *s_cidrs_doc(const vs_vpc_cidr_t *c, size_t n)
{
    vs_json_t *arr = vs_json_array();
    for (size_t i = 0; arr && i < n; i++) {
        char buf[VS_CIDR_STRLEN];
        vs_cidr_format(&c[i].cidr, buf, sizeof buf);
        vs_json_t *e = vs_json_push(arr, vs_json_object());
        vs_json_set_str(e, "AssociationId", c[i].assoc_id);
        vs_json_set_str(e, "CidrBlock", buf);
    }
    return arr;
}

static int s_to_doc(const vs_model_t *m, const vs_obj_t *o, vs_json_t *doc)
{
    const vs_vpc_t *v = (const vs_vpc_t *)o;
    vs_json_set(doc, "Cidrs", s_cidrs_doc(v->v4, v->nv4));
    vs_json_set(doc, "Ipv6Cidrs", s_cidrs_doc(v->v6, v->nv6));
    vs_json_set_bool(doc, "EnableDnsSupport", v->dns_support);
    vs_json_set_bool(doc, "EnableDnsHostnames", v->dns_hostnames);
    vs_json_set_str(doc, "InstanceTenancy", v->tenancy);
    vs_json_set_str(doc, "DhcpOptionsId", v->dhcp_options_id);
    vs_json_set_str(doc, "MainRouteTableId", v->main_rtb_id);
    vs_json_set_str(doc, "DefaultSecurityGroupId", v->default_sg_id);
    vs_json_set_str(doc, "DefaultNetworkAclId", v->default_acl_id);
    return 0;
}

/* Loads a persisted CIDR list of one family. */
static int s_cidrs_load(const vs_json_t *arr, int family, vs_vpc_cidr_t **out, size_t *n)
{
    if (vs_json_type(arr) != VS_JSON_ARRAY || vs_json_len(arr) > 64)
        return -1;
    for (size_t i = 0; i < vs_json_len(arr); i++) {
        const vs_json_t *e = vs_json_at(arr, i);
        const char *aid = vs_json_get_str(e, "AssociationId");
        vs_vpc_cidr_t c = { .assoc_id = "" };
        if (!aid || strlen(aid) >= sizeof c.assoc_id ||
            vs_cidr_parse(vs_json_get_str(e, "CidrBlock"), VS_CIDR_STRICT, &c.cidr) != 0 ||
            c.cidr.addr.family != family)
            return -1;
        snprintf(c.assoc_id, sizeof c.assoc_id, "%s", aid);
        if (VS_APPEND(*out, *n, &c) != 0)
            return -1;
    }
    return 0;
}

static bool s_copy_id(char *dst, size_t cap, const vs_json_t *doc, const char *key)
{
    const char *s = vs_json_get_str(doc, key);
    if (!s || strlen(s) >= cap)
        return false;
    snprintf(dst, cap, "%s", s);
    return true;
}

static vs_obj_t *s_from_doc(vs_model_t *m, const vs_json_t *doc)
{
    vs_vpc_t *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->dns_support = vs_json_get_bool(doc, "EnableDnsSupport", true);
    v->dns_hostnames = vs_json_get_bool(doc, "EnableDnsHostnames", false);
    if (s_cidrs_load(vs_json_get(doc, "Cidrs"), 4, &v->v4, &v->nv4) != 0 || v->nv4 == 0 ||
        s_cidrs_load(vs_json_get(doc, "Ipv6Cidrs"), 6, &v->v6, &v->nv6) != 0 ||
        !s_copy_id(v->tenancy, sizeof v->tenancy, doc, "InstanceTenancy") ||
        !s_copy_id(v->dhcp_options_id, sizeof v->dhcp_options_id, doc, "DhcpOptionsId") ||
        !s_copy_id(v->main_rtb_id, sizeof v->main_rtb_id, doc, "MainRouteTableId") ||
        !s_copy_id(v->default_sg_id, sizeof v->default_sg_id, doc, "DefaultSecurityGroupId") ||
        !s_copy_id(v->default_acl_id, sizeof v->default_acl_id, doc, "DefaultNetworkAclId")) {
        s_destroy(&v->base);
        return NULL;
    }
    return &v->base;
}

/* --- the binary form (proto/store.proto StoredVpc) ------------------------------- */

#define S_VPC_MAX_CIDRS 64     /* per family, as the JSON form allows */

typedef struct {
    Vpcsim__Store__StoredVpcCidr assoc[2 * S_VPC_MAX_CIDRS];
    Vpcsim__Store__StoredVpcCidr *ptr[2 * S_VPC_MAX_CIDRS];
    Vpcsim__Peer__Cidr cidr[2 * S_VPC_MAX_CIDRS];
    size_t n;
} s_enc_t;

static Vpcsim__Store__StoredVpcCidr **s_cidrs_bin(s_enc_t *e, const vs_vpc_cidr_t *c, size_t n)
{
    Vpcsim__Store__StoredVpcCidr **out = &e->ptr[e->n];
    for (size_t i = 0; i < n; i++, e->n++) {
        Vpcsim__Store__StoredVpcCidr *a = &e->assoc[e->n];
        Vpcsim__Peer__Cidr *w = &e->cidr[e->n];
        vpcsim__store__stored_vpc_cidr__init(a);
        vpcsim__peer__cidr__init(w);
        w->addr.data = (uint8_t *)c[i].cidr.addr.bytes;
        w->addr.len = c[i].cidr.addr.family == 4 ? 4 : 16;
        w->prefix = c[i].cidr.prefix;
        a->assoc_id = (char *)c[i].assoc_id;
        a->cidr = w;
        e->ptr[e->n] = a;
    }
    return out;
}

static long s_to_bin(const vs_model_t *m, const vs_obj_t *o, uint8_t *buf, size_t cap)
{
    const vs_vpc_t *v = (const vs_vpc_t *)o;
    if (v->nv4 > S_VPC_MAX_CIDRS || v->nv6 > S_VPC_MAX_CIDRS)
        return -1;
    s_enc_t e;
    e.n = 0;
    Vpcsim__Store__StoredVpc w;
    vpcsim__store__stored_vpc__init(&w);
    w.ipv4 = s_cidrs_bin(&e, v->v4, v->nv4);
    w.n_ipv4 = v->nv4;
    w.ipv6 = s_cidrs_bin(&e, v->v6, v->nv6);
    w.n_ipv6 = v->nv6;
    w.dns_support = v->dns_support;
    w.dns_hostnames = v->dns_hostnames;
    w.tenancy = (char *)v->tenancy;
    w.dhcp_options_id = (char *)v->dhcp_options_id;
    w.main_rtb_id = (char *)v->main_rtb_id;
    w.default_sg_id = (char *)v->default_sg_id;
    w.default_acl_id = (char *)v->default_acl_id;
    size_t need = vpcsim__store__stored_vpc__get_packed_size(&w);
    if (buf && need <= cap)
        vpcsim__store__stored_vpc__pack(&w, buf);
    return (long)need;
}

/* One stored block: right length for the family, prefix in range, host
 * bits zero (what VS_CIDR_STRICT demands of the JSON form). */
static bool s_cidr_in(const Vpcsim__Store__StoredVpcCidr *a, int family, vs_vpc_cidr_t *out)
{
    size_t len = family == 4 ? 4 : 16;
    const Vpcsim__Peer__Cidr *w = a ? a->cidr : NULL;
    if (!w || !a->assoc_id || strlen(a->assoc_id) >= sizeof out->assoc_id ||
        w->addr.len != len || w->prefix > len * 8)
        return false;
    memset(out, 0, sizeof *out);
    snprintf(out->assoc_id, sizeof out->assoc_id, "%s", a->assoc_id);
    out->cidr.addr.family = (uint8_t)family;
    memcpy(out->cidr.addr.bytes, w->addr.data, len);
    out->cidr.prefix = (uint8_t)w->prefix;
    for (size_t bit = w->prefix; bit < len * 8; bit++)
        if (out->cidr.addr.bytes[bit / 8] & (0x80u >> (bit % 8)))
            return false;
    return true;
}

static int s_cidrs_in(Vpcsim__Store__StoredVpcCidr *const *list, size_t n, int family,
                      vs_vpc_cidr_t **out, size_t *nout)
{
    if (n > S_VPC_MAX_CIDRS)
        return -1;
    for (size_t i = 0; i < n; i++) {
        vs_vpc_cidr_t c;
        if (!s_cidr_in(list[i], family, &c) || VS_APPEND(*out, *nout, &c) != 0)
            return -1;
    }
    return 0;
}

static bool s_copy_str(char *dst, size_t cap, const char *s)
{
    if (!s || strlen(s) >= cap)
        return false;
    snprintf(dst, cap, "%s", s);
    return true;
}

static vs_obj_t *s_from_bin(vs_model_t *m, const uint8_t *body, size_t len)
{
    _Alignas(16) uint8_t space[4096];
    vs_arena_t arena = VS_ARENA_INIT(space);
    ProtobufCAllocator alloc = { vs_arena_alloc, vs_arena_free, &arena };
    Vpcsim__Store__StoredVpc *w = len ? vpcsim__store__stored_vpc__unpack(&alloc, len, body)
                                      : NULL;
    vs_vpc_t *v = w ? calloc(1, sizeof *v) : NULL;
    if (!v)
        goto done;
    v->dns_support = w->dns_support;
    v->dns_hostnames = w->dns_hostnames;
    if (s_cidrs_in(w->ipv4, w->n_ipv4, 4, &v->v4, &v->nv4) != 0 || v->nv4 == 0 ||
        s_cidrs_in(w->ipv6, w->n_ipv6, 6, &v->v6, &v->nv6) != 0 ||
        !s_copy_str(v->tenancy, sizeof v->tenancy, w->tenancy) ||
        !s_copy_str(v->dhcp_options_id, sizeof v->dhcp_options_id, w->dhcp_options_id) ||
        !s_copy_str(v->main_rtb_id, sizeof v->main_rtb_id, w->main_rtb_id) ||
        !s_copy_str(v->default_sg_id, sizeof v->default_sg_id, w->default_sg_id) ||
        !s_copy_str(v->default_acl_id, sizeof v->default_acl_id, w->default_acl_id)) {
        s_destroy(&v->base);
        v = NULL;
    }
done:
    if (w)
        vpcsim__store__stored_vpc__free_unpacked(w, &alloc);
    return v ? &v->base : NULL;
}

const vs_kind_t vs_kind_vpc = {
    .prefix = "vpc",
    .name = "Vpc",
    .to_doc = s_to_doc,
    .from_doc = s_from_doc,
    .to_bin = s_to_bin,
    .from_bin = s_from_bin,
    .destroy = s_destroy,
};

const vs_vpc_cidr_t *vs_vpc__find_cidr(const vs_vpc_t *vpc, const vs_cidr_t *cidr)
{
    const vs_vpc_cidr_t *set = cidr->addr.family == 4 ? vpc->v4 : vpc->v6;
    size_t n = cidr->addr.family == 4 ? vpc->nv4 : vpc->nv6;
    for (size_t i = 0; i < n; i++)
        if (vs_cidr_equal(&set[i].cidr, cidr))
            return &set[i];
    return NULL;
}

/* --- output ------------------------------------------------------------------ */

vs_json_t *vs_vpc__cidr_assoc_output(const vs_model_t *m, const vs_vpc_cidr_t *c,
                                     const char *state, bool hide_v6_block)
{
    char buf[VS_CIDR_STRLEN];
    vs_cidr_format(&c->cidr, buf, sizeof buf);
    vs_json_t *o = vs_json_object();
    vs_json_set_str(o, "AssociationId", c->assoc_id);
    bool v6 = c->cidr.addr.family == 6;
    /* An Amazon IPv6 block is allocated asynchronously: CreateVpc answers
     * before it is known, with an empty Ipv6CidrBlock. */
    vs_json_set_str(o, v6 ? "Ipv6CidrBlock" : "CidrBlock", hide_v6_block ? "" : buf);
    vs_json_t *st = vs_json_set(o, v6 ? "Ipv6CidrBlockState" : "CidrBlockState", vs_json_object());
    vs_json_set_str(st, "State", state);
    if (v6) {
        vs_json_set_str(o, "NetworkBorderGroup", vs_model_region(m));
        vs_json_set_str(o, "Ipv6Pool", "Amazon");
    }
    return o;
}

static vs_json_t *s_output(const vs_model_t *m, const vs_vpc_t *v, bool creating)
{
    vs_json_t *o = vs_json_object();
    char buf[VS_CIDR_STRLEN];
    vs_json_set_str(o, "OwnerId", vs_model_account(m));
    vs_json_set_str(o, "InstanceTenancy", v->tenancy);
    if (v->nv6) {
        vs_json_t *arr = vs_json_set(o, "Ipv6CidrBlockAssociationSet", vs_json_array());
        for (size_t i = 0; i < v->nv6; i++)
            vs_json_push(arr, vs_vpc__cidr_assoc_output(m, &v->v6[i],
                                                        creating ? "associating" : "associated",
                                                        creating));
    }
    vs_json_t *arr = vs_json_set(o, "CidrBlockAssociationSet", vs_json_array());
    for (size_t i = 0; i < v->nv4; i++)
        vs_json_push(arr, vs_vpc__cidr_assoc_output(m, &v->v4[i], "associated", false));
    vs_json_set_bool(o, "IsDefault", false);
    vs_tags_output(o, &v->base.tags);
    vs_json_set_str(o, "VpcId", v->base.id);
    vs_json_set_str(o, "State", creating ? "pending" : "available");
    vs_cidr_format(&v->v4[0].cidr, buf, sizeof buf);
    vs_json_set_str(o, "CidrBlock", buf);
    vs_json_set_str(o, "DhcpOptionsId", v->dhcp_options_id);
    return o;
}

vs_json_t *vs_vpc__output(const vs_model_t *m, const vs_obj_t *o)
{
    return s_output(m, (const vs_vpc_t *)o, false);
}

/* --- CreateVpc ------------------------------------------------------------------ */

int vs_vpc__parse_v4(const char *s, const char *param, vs_cidr_t *out, vs_awserr_t *err)
{
    if (vs_cidr_parse(s, VS_CIDR_STRICT, out) != 0 || out->addr.family != 4)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%.*s) for parameter %s is invalid. This is not a valid CIDR "
                             "block.", 100, s, param);
    return 0;
}

/* An Amazon-provided IPv6 block (CreateVpc and AssociateVpcCidrBlock). */
int vs_vpc__alloc_ipv6(vs_model_t *m, vs_cidr_t *out)
{
    /* 2600:1f00::/24 holds 2^32 /56s; a random one is free at the first
     * try in practice, and the bound only guards a pathological rng. */
    for (int attempt = 0; attempt < 1000; attempt++) {
        uint64_t r = vs_rng_next(vs_model__rng(m));
        vs_cidr_t c = { .addr = { .family = 6 }, .prefix = 56 };
        c.addr.bytes[0] = 0x26;
        c.addr.bytes[1] = 0x00;
        c.addr.bytes[2] = 0x1f;
        for (int i = 0; i < 4; i++)
            c.addr.bytes[3 + i] = (uint8_t)(r >> (8 * i));
        bool used = false;
        for (vs_obj_t *o = vs_model__first(m, &vs_kind_vpc); o && !used;
             o = vs_model__next(o, &vs_kind_vpc))
            used = vs_vpc__find_cidr((const vs_vpc_t *)o, &c) != NULL;
        if (!used) {
            *out = c;
            return 0;
        }
    }
    return -1;
}

/* Every VPC of an account in a Region shares the default DHCP options set,
 * so its ID is derived from (account, Region) rather than drawn. */
static void s_default_dopt(const vs_model_t *m, char out[VS_ID_LEN])
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char *p = vs_model_account(m); *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    for (const char *p = vs_model_region(m); *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    snprintf(out, VS_ID_LEN, "dopt-0%016" PRIx64, h);
}

static int s_create_vpc(vs_model_t *m, const char *caller, const vs_json_t *in,
                        vs_json_t **out, vs_awserr_t *err)
{
    const char *cidr_s, *tenancy;
    bool want_v6 = false;
    vs_cidr_t cidr, v6 = { .prefix = 0 };
    if (vs_param_str(in, "CidrBlock", true, &cidr_s, err) != 0 ||
        vs_param_bool(in, "AmazonProvidedIpv6CidrBlock", &want_v6, err) != 0 ||
        vs_param_str(in, "InstanceTenancy", false, &tenancy, err) != 0 ||
        vs_vpc__parse_v4(cidr_s, "cidrBlock", &cidr, err) != 0)
        return -1;
    if (cidr.prefix < 16 || cidr.prefix > 28)
        return vs_awserr_set(err, "InvalidVpc.Range", "The CIDR '%s' is invalid.", cidr_s);
    if (tenancy && strcmp(tenancy, "default") != 0 && strcmp(tenancy, "dedicated") != 0)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%.*s) for parameter instanceTenancy is invalid.", 100, tenancy);
    /* Creating resources for another account is not something the model
     * can do: it only holds its own account. */
    if (!vs_model__is_owner(m, caller))
        return vs_awserr_set(err, "UnauthorizedOperation",
                             "You are not authorized to perform this operation.");
    vs_tags_t tags = { 0 };
    if (vs_tags_from_specs(in, "vpc", &tags, err) != 0)
        goto fail;
    if (want_v6 && vs_vpc__alloc_ipv6(m, &v6) != 0) {
        vs_awserr_set(err, "InsufficientCidrBlocks",
                      "There are not enough free CIDR blocks in the specified Region.");
        goto fail;
    }
    if (vs_model__dry_run_check(m, err) != 0)
        goto fail;

    vs_vpc_t *v = calloc(1, sizeof *v);
    vs_vpc_cidr_t c4 = { .cidr = cidr }, c6 = { .cidr = v6 };
    vs_model__new_assoc_id(m, "vpc-cidr-assoc", c4.assoc_id);
    if (!v || VS_APPEND(v->v4, v->nv4, &c4) != 0)
        goto oom;
    if (want_v6) {
        vs_model__new_assoc_id(m, "vpc-cidr-assoc", c6.assoc_id);
        if (VS_APPEND(v->v6, v->nv6, &c6) != 0)
            goto oom;
    }
    v->dns_support = true;
    snprintf(v->tenancy, sizeof v->tenancy, "%s", tenancy ? tenancy : "default");
    s_default_dopt(m, v->dhcp_options_id);
    vs_model__new_id(m, "sg", v->default_sg_id);
    vs_model__new_id(m, "acl", v->default_acl_id);
    v->base.tags = tags;
    tags = (vs_tags_t){ 0 };
    if (vs_model__add(m, &v->base, &vs_kind_vpc, NULL) != 0)
        goto oom;
    vs_model__vpc_created(m, v);
    char arn[VS_ARN_LEN];
    if (vs_model__arn(m, "vpc", v->base.id, arn) > 0)
        vs_model__emit_vpc(m, true, arn);
    *out = vs_json_object();
    vs_json_set(*out, "Vpc", s_output(m, v, true));
    return 0;
oom:
    if (v) {
        vs_tags_free(&v->base.tags);
        s_destroy(&v->base);
    }
    vs_awserr_set(err, "InternalError", "An internal error has occurred");
fail:
    vs_tags_free(&tags);
    return -1;
}

/* --- DescribeVpcs ---------------------------------------------------------------- */

#define VPC(o) ((const vs_vpc_t *)(o))

static void s_f_id(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, VPC(o)->base.id); }
static void s_f_owner(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_add(v, vs_model_account(m));
}
static void s_f_state(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, "available"); }
static void s_f_default(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add_bool(v, false); }
static void s_f_dopt(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_add(v, VPC(o)->dhcp_options_id);
}
static void s_f_tenancy(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, VPC(o)->tenancy); }

static void s_add_cidr(vs_fvals_t *v, const vs_cidr_t *c)
{
    char buf[VS_CIDR_STRLEN];
    vs_cidr_format(c, buf, sizeof buf);
    vs_fvals_add(v, buf);
}

static void s_f_cidr(const void *m, const void *o, vs_fvals_t *v) { s_add_cidr(v, &VPC(o)->v4[0].cidr); }
static void s_f_v4_block(const void *m, const void *o, vs_fvals_t *v)
{
    for (size_t i = 0; i < VPC(o)->nv4; i++)
        s_add_cidr(v, &VPC(o)->v4[i].cidr);
}
static void s_f_v4_assoc(const void *m, const void *o, vs_fvals_t *v)
{
    for (size_t i = 0; i < VPC(o)->nv4; i++)
        vs_fvals_add(v, VPC(o)->v4[i].assoc_id);
}
static void s_f_v4_state(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, "associated"); }
static void s_f_v6_block(const void *m, const void *o, vs_fvals_t *v)
{
    for (size_t i = 0; i < VPC(o)->nv6; i++)
        s_add_cidr(v, &VPC(o)->v6[i].cidr);
}
static void s_f_v6_assoc(const void *m, const void *o, vs_fvals_t *v)
{
    for (size_t i = 0; i < VPC(o)->nv6; i++)
        vs_fvals_add(v, VPC(o)->v6[i].assoc_id);
}
static void s_f_v6_state(const void *m, const void *o, vs_fvals_t *v)
{
    if (VPC(o)->nv6)
        vs_fvals_add(v, "associated");
}
static void s_f_v6_pool(const void *m, const void *o, vs_fvals_t *v)
{
    if (VPC(o)->nv6)
        vs_fvals_add(v, "Amazon");
}

static const vs_filter_field_t s_vpc_filters[] = {
    { "vpc-id", s_f_id },
    { "owner-id", s_f_owner },
    { "state", s_f_state },
    { "is-default", s_f_default },
    { "dhcp-options-id", s_f_dopt },
    { "instance-tenancy", s_f_tenancy },
    { "cidr", s_f_cidr },
    { "cidr-block-association.cidr-block", s_f_v4_block },
    { "cidr-block-association.association-id", s_f_v4_assoc },
    { "cidr-block-association.state", s_f_v4_state },
    { "ipv6-cidr-block-association.ipv6-cidr-block", s_f_v6_block },
    { "ipv6-cidr-block-association.association-id", s_f_v6_assoc },
    { "ipv6-cidr-block-association.state", s_f_v6_state },
    { "ipv6-cidr-block-association.ipv6-pool", s_f_v6_pool },
    { NULL, NULL }
};

static int s_describe_vpcs(vs_model_t *m, const char *caller, const vs_json_t *in,
                           vs_json_t **out, vs_awserr_t *err)
{
    static const vs_describe_t d = {
        &vs_kind_vpc, "VpcIds", "Vpcs", s_vpc_filters, vs_vpc__output, true
    };
    return vs_model__describe(m, caller, in, &d, out, err);
}

/* --- DeleteVpc ------------------------------------------------------------------- */

static int s_delete_vpc(vs_model_t *m, const char *caller, const vs_json_t *in,
                        vs_json_t **out, vs_awserr_t *err)
{
    const char *id;
    vs_vpc_t *v;
    if (vs_param_str(in, "VpcId", true, &id, err) != 0 ||
        !(v = vs_model__resolve(m, caller, &vs_kind_vpc, id, err)) ||
        vs_model__vpc_delete_check(m, v, err) != 0 || vs_model__dry_run_check(m, err) != 0)
        return -1;
    vs_model__vpc_deleting(m, v);
    char arn[VS_ARN_LEN];
    if (vs_model__arn(m, "vpc", v->base.id, arn) > 0)
        vs_model__emit_vpc(m, false, arn);
    vs_model__remove(m, &v->base);
    return 0;
}

/* --- ModifyVpcAttribute -------------------------------------------------------------- */

static int s_modify_vpc_attribute(vs_model_t *m, const char *caller, const vs_json_t *in,
                                  vs_json_t **out, vs_awserr_t *err)
{
    const char *id;
    vs_vpc_t *v;
    bool has_sup, sup = false, has_host, host = false, has_nau, nau = false;
    if (vs_param_str(in, "VpcId", true, &id, err) != 0 ||
        vs_param_attr_bool(in, "EnableDnsSupport", &has_sup, &sup, err) != 0 ||
        vs_param_attr_bool(in, "EnableDnsHostnames", &has_host, &host, err) != 0 ||
        vs_param_attr_bool(in, "EnableNetworkAddressUsageMetrics", &has_nau, &nau, err) != 0 ||
        !(v = vs_model__resolve(m, caller, &vs_kind_vpc, id, err)))
        return -1;
    int nattr = has_sup + has_host + has_nau;
    if (nattr == 0)
        return vs_awserr_set(err, "MissingParameter",
                             "The request must contain exactly one attribute to modify");
    if (nattr > 1) {
        char names[128] = "";
        const char *sep = "";
        if (has_sup) {
            strcat(names, "enableDnsSupport");
            sep = ", ";
        }
        if (has_host) {
            strcat(strcat(names, sep), "enableDnsHostnames");
            sep = ", ";
        }
        if (has_nau)
            strcat(strcat(names, sep), "enableNetworkAddressUsageMetrics");
        return vs_awserr_set(err, "InvalidParameterCombination",
                             "Fields for multiple attribute types specified: %s", names);
    }
    /* DNS hostnames are names the Amazon DNS server hands out, so they
     * need DNS resolution. */
    if (has_host && host && !v->dns_support)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Cannot enable DNS hostnames: DNS support is disabled for VPC %s",
                             v->base.id);
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    if (has_sup)
        v->dns_support = sup;
    if (has_host)
        v->dns_hostnames = host;
    vs_model__touch(m, &v->base);
    return 0;
}

/* --- DescribeVpcAttribute ------------------------------------------------------------ */

/* Terraform's aws_vpc reads all three attributes after every create and
 * refresh. Network Address Usage metrics are not modelled: always off. */
static int s_describe_vpc_attribute(vs_model_t *m, const char *caller, const vs_json_t *in,
                                    vs_json_t **out, vs_awserr_t *err)
{
    static const char *const attrs[] = { "enableDnsSupport", "enableDnsHostnames",
                                         "enableNetworkAddressUsageMetrics" };
    static const char *const keys[] = { "EnableDnsSupport", "EnableDnsHostnames",
                                        "EnableNetworkAddressUsageMetrics" };
    const char *id, *attr;
    vs_vpc_t *v;
    if (vs_param_str(in, "Attribute", true, &attr, err) != 0 ||
        vs_param_str(in, "VpcId", true, &id, err) != 0)
        return -1;
    size_t which = 0;
    while (which < 3 && strcmp(attr, attrs[which]) != 0)
        which++;
    if (which == 3)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%.100s) for parameter attribute is invalid. Unknown attribute.",
                             attr);
    if (!(v = vs_model__resolve(m, caller, &vs_kind_vpc, id, err)))
        return -1;
    bool value = which == 0 ? v->dns_support : which == 1 ? v->dns_hostnames : false;
    vs_json_t *doc = vs_json_object(), *box = vs_json_object();
    if (!doc || !box) {
        vs_json_free(&doc);
        vs_json_free(&box);
        return -1;
    }
    vs_json_set_str(doc, "VpcId", v->base.id);
    vs_json_set_bool(box, "Value", value);
    vs_json_set(doc, keys[which], box);
    *out = doc;
    return 0;
}

static const vs_action_t s_actions[] = {
    { "CreateVpc", s_create_vpc },
    { "DescribeVpcs", s_describe_vpcs },
    { "DeleteVpc", s_delete_vpc },
    { "ModifyVpcAttribute", s_modify_vpc_attribute },
    { "DescribeVpcAttribute", s_describe_vpc_attribute },
    { NULL, NULL }
};

static const vs_kind_t *const s_kinds[] = { &vs_kind_vpc, NULL };

const vs_module_t vs_module_vpc = {
    .name = "vpc",
    .actions = s_actions,
    .kinds = s_kinds,
};
