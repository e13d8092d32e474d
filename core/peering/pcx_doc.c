/* pcx_doc: persistence document and API output object of a pcx record. */
#include "pcx_doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"

static const char *const s_opt_keys[3] = {
    "AllowDnsResolutionFromRemoteVpc",
    "AllowEgressFromLocalClassicLinkToRemoteVpc",
    "AllowEgressFromLocalVpcToRemoteClassicLink",
};

static bool *s_opt_field(vs_pcx_options_t *o, int i)
{
    return i == 0 ? &o->allow_dns_resolution_from_remote_vpc
         : i == 1 ? &o->allow_egress_from_local_classic_link_to_remote_vpc
                  : &o->allow_egress_from_local_vpc_to_remote_classic_link;
}

/* --- JSON building helpers: false on OOM; `val` is always consumed ------- */

static bool s_set(vs_json_t *obj, const char *key, vs_json_t *val)
{
    return vs_json_set(obj, key, val) != NULL;   /* frees val on failure */
}

static bool s_push(vs_json_t *arr, vs_json_t *val)
{
    return vs_json_push(arr, val) != NULL;
}

static vs_json_t *s_cidr_str(const vs_cidr_t *c)
{
    char buf[VS_CIDR_STRLEN];
    if (vs_cidr_format(c, buf, sizeof buf) < 0)
        return NULL;
    return vs_json_str(buf);
}

static vs_json_t *s_options_json(const vs_pcx_options_t *o)
{
    vs_pcx_options_t copy = *o;
    vs_json_t *j = vs_json_object();
    bool ok = j != NULL;
    for (int i = 0; ok && i < 3; i++)
        ok = s_set(j, s_opt_keys[i], vs_json_bool(*s_opt_field(&copy, i)));
    if (!ok)
        vs_json_free(&j);
    return j;
}

/* An array of the CIDRs: plain strings (key NULL) or {key: cidr} objects. */
static vs_json_t *s_cidr_list(const vs_cidr_t *list, size_t n, const char *key)
{
    vs_json_t *arr = vs_json_array();
    bool ok = arr != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        if (!key) {
            ok = s_push(arr, s_cidr_str(&list[i]));
            continue;
        }
        vs_json_t *item = vs_json_object();
        if (!s_set(item, key, s_cidr_str(&list[i]))) {
            vs_json_free(&item);
            ok = false;
        } else {
            ok = s_push(arr, item);
        }
    }
    if (!ok)
        vs_json_free(&arr);
    return arr;
}

/* --- document -------------------------------------------------------------- */

static vs_json_t *s_vpc_doc(const vs_pcx_vpc_t *v)
{
    vs_json_t *j = vs_json_object();
    bool ok = j != NULL;
    ok = ok && s_set(j, "Account", vs_json_str(v->account));
    ok = ok && s_set(j, "Region", vs_json_str(v->region));
    ok = ok && s_set(j, "VpcId", vs_json_str(v->vpc_id));
    ok = ok && s_set(j, "Ipv4", s_cidr_list(v->ipv4, v->n_ipv4, NULL));
    ok = ok && s_set(j, "Ipv6", s_cidr_list(v->ipv6, v->n_ipv6, NULL));
    ok = ok && s_set(j, "Options", s_options_json(&v->options));
    if (!ok)
        vs_json_free(&j);
    return j;
}

vs_json_t *vs_pcx_to_doc(const vs_pcx_t *p)
{
    vs_json_t *j = vs_json_object();
    bool ok = j != NULL;
    ok = ok && s_set(j, "Kind", vs_json_str("pcx"));
    ok = ok && s_set(j, "Schema", vs_json_int(VS_PCX_DOC_SCHEMA));
    ok = ok && s_set(j, "Id", vs_json_str(p->id));
    ok = ok && s_set(j, "State", vs_json_str(vs_pcx_state_name(p->state)));
    ok = ok && s_set(j, "StatusMessage", vs_json_str(p->status_message));
    ok = ok && s_set(j, "Version", vs_json_int((int64_t)p->version));
    ok = ok && s_set(j, "CreatedMs", vs_json_int((int64_t)p->created_ms));
    ok = ok && s_set(j, "ExpirationMs", vs_json_int((int64_t)p->expiration_ms));
    ok = ok && s_set(j, "StateEnteredMs", vs_json_int((int64_t)p->state_entered_ms));
    ok = ok && s_set(j, "DeletedBy", vs_json_str(vs_pcx_side_name(p->deleted_by)));
    ok = ok && s_set(j, "InterRegion", vs_json_bool(p->inter_region));
    ok = ok && s_set(j, "Requester", s_vpc_doc(&p->requester));
    ok = ok && s_set(j, "Accepter", s_vpc_doc(&p->accepter));
    if (!ok)
        vs_json_free(&j);
    return j;
}

static int s_fail(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int s_fail(char *why, size_t whylen, const char *fmt, ...)
{
    if (why && whylen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* A required string member without embedded NULs that fits dst. */
static int s_get_str(const vs_json_t *o, const char *key, char *dst, size_t dstlen,
                     char *why, size_t whylen)
{
    const vs_json_t *v = vs_json_get(o, key);
    const char *s = vs_json_as_str(v);
    if (!s)
        return s_fail(why, whylen, "%s: missing or not a string", key);
    size_t n = vs_json_str_len(v);
    if (strlen(s) != n || n >= dstlen)
        return s_fail(why, whylen, "%s: bad length", key);
    memcpy(dst, s, n + 1);
    return 0;
}

#define S_MAX_EXACT 9007199254740992ll   /* 2^53: exact in every JSON reader */

static int s_get_u64(const vs_json_t *o, const char *key, uint64_t *out, char *why, size_t whylen)
{
    const vs_json_t *v = vs_json_get(o, key);
    if (!vs_json_is_int(v))
        return s_fail(why, whylen, "%s: missing or not an integer", key);
    int64_t n = vs_json_as_int(v, -1);
    if (n < 0 || n > S_MAX_EXACT)
        return s_fail(why, whylen, "%s: out of range", key);
    *out = (uint64_t)n;
    return 0;
}

static int s_get_bool(const vs_json_t *o, const char *key, bool *out, char *why, size_t whylen)
{
    const vs_json_t *v = vs_json_get(o, key);
    if (!v || vs_json_type(v) != VS_JSON_BOOL)
        return s_fail(why, whylen, "%s: missing or not a boolean", key);
    *out = vs_json_as_bool(v, false);
    return 0;
}

static int s_get_cidrs(const vs_json_t *o, const char *key, int family, vs_pcx_vpc_t *v,
                       char *why, size_t whylen)
{
    const vs_json_t *arr = vs_json_get(o, key);
    size_t max = family == 4 ? VS_PCX_MAX_IPV4 : VS_PCX_MAX_IPV6;
    if (!arr || vs_json_type(arr) != VS_JSON_ARRAY)
        return s_fail(why, whylen, "%s: missing or not an array", key);
    if (vs_json_len(arr) > max)
        return s_fail(why, whylen, "%s: too many CIDR blocks", key);
    for (size_t i = 0; i < vs_json_len(arr); i++) {
        const vs_json_t *e = vs_json_at(arr, i);
        const char *s = vs_json_as_str(e);
        vs_cidr_t c;
        if (!s || strlen(s) != vs_json_str_len(e) || vs_cidr_parse(s, VS_CIDR_STRICT, &c) < 0 ||
            c.addr.family != family || vs_pcx_vpc_add_cidr(v, &c) < 0)
            return s_fail(why, whylen, "%s[%zu]: bad or duplicate CIDR block", key, i);
    }
    return 0;
}

static int s_vpc_from_doc(const vs_json_t *o, const char *what, vs_pcx_vpc_t *v,
                          char *why, size_t whylen)
{
    if (!o || vs_json_type(o) != VS_JSON_OBJECT)
        return s_fail(why, whylen, "%s: missing or not an object", what);
    memset(v, 0, sizeof *v);
    if (s_get_str(o, "Account", v->account, sizeof v->account, why, whylen) < 0 ||
        s_get_str(o, "Region", v->region, sizeof v->region, why, whylen) < 0 ||
        s_get_str(o, "VpcId", v->vpc_id, sizeof v->vpc_id, why, whylen) < 0 ||
        s_get_cidrs(o, "Ipv4", 4, v, why, whylen) < 0 ||
        s_get_cidrs(o, "Ipv6", 6, v, why, whylen) < 0)
        return -1;
    const vs_json_t *opts = vs_json_get(o, "Options");
    if (!opts || vs_json_type(opts) != VS_JSON_OBJECT)
        return s_fail(why, whylen, "%s.Options: missing or not an object", what);
    for (int i = 0; i < 3; i++)
        if (s_get_bool(opts, s_opt_keys[i], s_opt_field(&v->options, i), why, whylen) < 0)
            return -1;
    return 0;
}

int vs_pcx_from_doc(const vs_json_t *doc, vs_pcx_t *out, char *why, size_t whylen)
{
    vs_pcx_t p;
    memset(&p, 0, sizeof p);
    if (!doc || vs_json_type(doc) != VS_JSON_OBJECT)
        return s_fail(why, whylen, "document is not an object");
    const char *kind = vs_json_get_str(doc, "Kind");
    if (!kind || strcmp(kind, "pcx") != 0)
        return s_fail(why, whylen, "Kind: not \"pcx\"");
    uint64_t schema = 0;   /* GCC -O2 cannot see s_get_u64 sets it */
    if (s_get_u64(doc, "Schema", &schema, why, whylen) < 0)
        return -1;
    if (schema != VS_PCX_DOC_SCHEMA)
        return s_fail(why, whylen, "Schema: unsupported version %llu",
                      (unsigned long long)schema);
    char state[32], side[16];
    if (s_get_str(doc, "Id", p.id, sizeof p.id, why, whylen) < 0 ||
        s_get_str(doc, "State", state, sizeof state, why, whylen) < 0 ||
        s_get_str(doc, "StatusMessage", p.status_message, sizeof p.status_message, why,
                  whylen) < 0 ||
        s_get_u64(doc, "Version", &p.version, why, whylen) < 0 ||
        s_get_u64(doc, "CreatedMs", &p.created_ms, why, whylen) < 0 ||
        s_get_u64(doc, "ExpirationMs", &p.expiration_ms, why, whylen) < 0 ||
        s_get_u64(doc, "StateEnteredMs", &p.state_entered_ms, why, whylen) < 0 ||
        s_get_str(doc, "DeletedBy", side, sizeof side, why, whylen) < 0 ||
        s_get_bool(doc, "InterRegion", &p.inter_region, why, whylen) < 0)
        return -1;
    if (vs_pcx_state_parse(state, &p.state) < 0)
        return s_fail(why, whylen, "State: unknown code");
    if (vs_pcx_side_parse(side, &p.deleted_by) < 0)
        return s_fail(why, whylen, "DeletedBy: unknown side");
    if (s_vpc_from_doc(vs_json_get(doc, "Requester"), "Requester", &p.requester, why,
                       whylen) < 0 ||
        s_vpc_from_doc(vs_json_get(doc, "Accepter"), "Accepter", &p.accepter, why,
                       whylen) < 0)
        return -1;
    if (vs_pcx_validate(&p, why, whylen) < 0)
        return -1;
    *out = p;
    return 0;
}

/* --- API output ----------------------------------------------------------- */

bool vs_pcx_side_details_visible(vs_pcx_state_t state, vs_pcx_side_t side)
{
    if (side == VS_PCX_SIDE_REQUESTER)
        return (unsigned)state < VS_PCX_STATE_COUNT && state != VS_PCX_DELETED;
    if (side == VS_PCX_SIDE_ACCEPTER)
        return state == VS_PCX_PROVISIONING || state == VS_PCX_ACTIVE ||
               state == VS_PCX_DELETING;
    return false;
}

bool vs_pcx_expiration_visible(vs_pcx_state_t state)
{
    return state == VS_PCX_INITIATING_REQUEST || state == VS_PCX_PENDING_ACCEPTANCE;
}

static vs_json_t *s_vpc_info(const vs_pcx_vpc_t *v, bool details)
{
    vs_json_t *j = vs_json_object();
    bool ok = j != NULL;
    if (details && v->n_ipv4 > 0)
        ok = ok && s_set(j, "CidrBlock", s_cidr_str(&v->ipv4[0]));
    if (details && v->n_ipv6 > 0)
        ok = ok && s_set(j, "Ipv6CidrBlockSet", s_cidr_list(v->ipv6, v->n_ipv6, "Ipv6CidrBlock"));
    if (details && v->n_ipv4 > 0)
        ok = ok && s_set(j, "CidrBlockSet", s_cidr_list(v->ipv4, v->n_ipv4, "CidrBlock"));
    ok = ok && s_set(j, "OwnerId", vs_json_str(v->account));
    if (details)
        ok = ok && s_set(j, "PeeringOptions", s_options_json(&v->options));
    ok = ok && s_set(j, "VpcId", vs_json_str(v->vpc_id));
    ok = ok && s_set(j, "Region", vs_json_str(v->region));
    if (!ok)
        vs_json_free(&j);
    return j;
}

vs_json_t *vs_pcx_tags_render(const vs_json_t *tags)
{
    vs_json_t *arr = vs_json_array();
    bool ok = arr != NULL;
    size_t n = vs_json_type(tags) == VS_JSON_ARRAY ? vs_json_len(tags) : 0;
    for (size_t i = 0; ok && i < n; i++) {
        const vs_json_t *t = vs_json_at(tags, i);
        const char *k = vs_json_get_str(t, "Key"), *v = vs_json_get_str(t, "Value");
        if (!k || !v)
            continue;
        vs_json_t *item = vs_json_object();
        if (!s_set(item, "Key", vs_json_clone(vs_json_get(t, "Key"))) ||
            !s_set(item, "Value", vs_json_clone(vs_json_get(t, "Value")))) {
            vs_json_free(&item);
            ok = false;
        } else {
            ok = s_push(arr, item);
        }
    }
    if (!ok)
        vs_json_free(&arr);
    return arr;
}

vs_json_t *vs_pcx_render(const vs_pcx_t *p, const vs_json_t *tags)
{
    vs_json_t *j = vs_json_object();
    bool ok = j != NULL;
    ok = ok && s_set(j, "AccepterVpcInfo",
                     s_vpc_info(&p->accepter,
                                vs_pcx_side_details_visible(p->state, VS_PCX_SIDE_ACCEPTER)));
    if (ok && vs_pcx_expiration_visible(p->state)) {
        char ts[40];
        ok = vs_time_format(p->expiration_ms, VS_TS_CLI, ts, sizeof ts) >= 0 &&
             s_set(j, "ExpirationTime", vs_json_str(ts));
    }
    ok = ok && s_set(j, "RequesterVpcInfo",
                     s_vpc_info(&p->requester,
                                vs_pcx_side_details_visible(p->state, VS_PCX_SIDE_REQUESTER)));
    vs_json_t *status = vs_json_object();
    if (!(status && s_set(status, "Code", vs_json_str(vs_pcx_state_name(p->state))) &&
          s_set(status, "Message", vs_json_str(p->status_message))))
        vs_json_free(&status);
    if (ok)
        ok = s_set(j, "Status", status);   /* consumes status either way */
    else
        vs_json_free(&status);
    ok = ok && s_set(j, "Tags", vs_pcx_tags_render(tags));
    ok = ok && s_set(j, "VpcPeeringConnectionId", vs_json_str(p->id));
    if (!ok)
        vs_json_free(&j);
    return j;
}

/* --- API output printed directly (vs_pcx_render_text) ---------------------- */

/* Key literals are printed as is: they need no escape. ("" lit: only a
 * string literal compiles, whose sizeof is its length + 1.) */
#define S_LIT(b, lit) vs_buf_putn((b), "" lit, sizeof("" lit) - 1)

static void s_text_str(vs_buf_t *b, const char *s)
{
    vs_json_put_str(b, s, strlen(s));
}

/* A CIDR as a JSON string: its characters (hex digits, '.', ':', '/') need
 * no escape. */
static int s_text_cidr(vs_buf_t *b, const vs_cidr_t *c)
{
    char buf[VS_CIDR_STRLEN + 2];
    int n = vs_cidr_format(c, buf + 1, sizeof buf - 2);
    if (n < 0)
        return -1;
    size_t len = (size_t)n;
    buf[0] = '"';
    buf[len + 1] = '"';
    vs_buf_putn(b, buf, len + 2);
    return 0;
}

static void s_text_options(vs_buf_t *b, const vs_pcx_options_t *o)
{
    const bool v[3] = { o->allow_dns_resolution_from_remote_vpc,
                        o->allow_egress_from_local_classic_link_to_remote_vpc,
                        o->allow_egress_from_local_vpc_to_remote_classic_link };
    for (int i = 0; i < 3; i++) {
        vs_buf_putn(b, i ? ",\"" : "{\"", 2);
        vs_buf_puts(b, s_opt_keys[i]);
        if (v[i])
            S_LIT(b, "\":true");
        else
            S_LIT(b, "\":false");
    }
    vs_buf_putc(b, '}');
}

/* [{"<key>":cidr},...] */
static int s_text_cidr_set(vs_buf_t *b, const vs_cidr_t *list, size_t n, const char *item)
{
    for (size_t i = 0; i < n; i++) {
        vs_buf_putn(b, i ? ",{\"" : "[{\"", 3);
        vs_buf_puts(b, item);
        S_LIT(b, "\":");
        if (s_text_cidr(b, &list[i]) < 0)
            return -1;
        vs_buf_putc(b, '}');
    }
    vs_buf_putc(b, ']');
    return 0;
}

/* s_vpc_info, printed. */
static int s_text_vpc_info(vs_buf_t *b, const vs_pcx_vpc_t *v, bool details)
{
    bool first = true;
    if (details && v->n_ipv4 > 0) {
        S_LIT(b, "{\"CidrBlock\":");
        if (s_text_cidr(b, &v->ipv4[0]) < 0)
            return -1;
        first = false;
    }
    if (details && v->n_ipv6 > 0) {
        vs_buf_putc(b, first ? '{' : ',');
        S_LIT(b, "\"Ipv6CidrBlockSet\":");
        if (s_text_cidr_set(b, v->ipv6, v->n_ipv6, "Ipv6CidrBlock") < 0)
            return -1;
        first = false;
    }
    if (details && v->n_ipv4 > 0) {
        S_LIT(b, ",\"CidrBlockSet\":");
        if (s_text_cidr_set(b, v->ipv4, v->n_ipv4, "CidrBlock") < 0)
            return -1;
    }
    vs_buf_putc(b, first ? '{' : ',');
    S_LIT(b, "\"OwnerId\":");
    s_text_str(b, v->account);
    if (details) {
        S_LIT(b, ",\"PeeringOptions\":");
        s_text_options(b, &v->options);
    }
    S_LIT(b, ",\"VpcId\":");
    s_text_str(b, v->vpc_id);
    S_LIT(b, ",\"Region\":");
    s_text_str(b, v->region);
    vs_buf_putc(b, '}');
    return 0;
}

int vs_pcx_render_text(vs_buf_t *b, const vs_pcx_t *p, const vs_tags_t *tags)
{
    size_t mark = b->len;
    S_LIT(b, "{\"AccepterVpcInfo\":");
    if (s_text_vpc_info(b, &p->accepter,
                        vs_pcx_side_details_visible(p->state, VS_PCX_SIDE_ACCEPTER)) < 0)
        goto fail;
    if (vs_pcx_expiration_visible(p->state)) {
        char ts[40];
        if (vs_time_format(p->expiration_ms, VS_TS_CLI, ts, sizeof ts) < 0)
            goto fail;
        S_LIT(b, ",\"ExpirationTime\":");
        s_text_str(b, ts);
    }
    S_LIT(b, ",\"RequesterVpcInfo\":");
    if (s_text_vpc_info(b, &p->requester,
                        vs_pcx_side_details_visible(p->state, VS_PCX_SIDE_REQUESTER)) < 0)
        goto fail;
    S_LIT(b, ",\"Status\":{\"Code\":");
    s_text_str(b, vs_pcx_state_name(p->state));
    S_LIT(b, ",\"Message\":");
    s_text_str(b, p->status_message);
    S_LIT(b, "},\"Tags\":[");
    /* vs_tags_to_json prints a missing value as "". */
    for (size_t i = 0; tags && i < tags->n; i++) {
        if (i)
            vs_buf_putc(b, ',');
        S_LIT(b, "{\"Key\":");
        s_text_str(b, tags->v[i].key);
        S_LIT(b, ",\"Value\":");
        s_text_str(b, tags->v[i].value ? tags->v[i].value : "");
        vs_buf_putc(b, '}');
    }
    S_LIT(b, "],\"VpcPeeringConnectionId\":");
    s_text_str(b, p->id);
    vs_buf_putc(b, '}');
    return 0;
fail:
    if (!b->oom && b->s) {
        b->len = mark;
        b->s[mark] = '\0';
    }
    return -1;
}
