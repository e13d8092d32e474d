/* pcx: the VPC peering connection record, its document and its output. */
#include "pcx.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

/* A VPC's blocks must fit a connection's record (pcx.h). */
_Static_assert(VS_PCX_MAX_IPV4 >= VS_MODEL_MAX_IPV4_CIDRS, "a VPC's IPv4 blocks fit a record");
_Static_assert(VS_PCX_MAX_IPV6 >= VS_MODEL_MAX_IPV6_CIDRS, "a VPC's IPv6 blocks fit a record");

typedef struct {
    const char *code;
    const char *message;   /* prefix, or the whole message */
    int who;               /* VS_PCX_MSG_* */
} s_state_info_t;

static const s_state_info_t s_states[VS_PCX_STATE_COUNT] = {
#define S_ROW(e, code, msg, who) [VS_PCX_##e] = { code, msg, who },
    VS_PCX_STATE_MAP(S_ROW)
#undef S_ROW
};

static const char *const s_side_names[4] = { "none", "requester", "accepter", "both" };

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

static bool s_copy(char *dst, size_t dstlen, const char *src)
{
    if (!src)
        return false;
    size_t n = strlen(src);
    if (n >= dstlen)
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

const char *vs_pcx_state_name(vs_pcx_state_t s)
{
    return (unsigned)s < VS_PCX_STATE_COUNT ? s_states[s].code : "?";
}

int vs_pcx_state_parse(const char *name, vs_pcx_state_t *out)
{
    if (!name)
        return -1;
    for (int i = 0; i < VS_PCX_STATE_COUNT; i++) {
        if (strcmp(name, s_states[i].code) == 0) {
            if (out)
                *out = (vs_pcx_state_t)i;
            return 0;
        }
    }
    return -1;
}

bool vs_pcx_state_is_terminal(vs_pcx_state_t s)
{
    return s == VS_PCX_FAILED || s == VS_PCX_REJECTED || s == VS_PCX_EXPIRED ||
           s == VS_PCX_DELETED;
}

const char *vs_pcx_side_name(vs_pcx_side_t s)
{
    return (unsigned)s < 4 ? s_side_names[s] : "?";
}

int vs_pcx_side_parse(const char *name, vs_pcx_side_t *out)
{
    for (int i = 0; i < 4 && name; i++) {
        if (strcmp(name, s_side_names[i]) == 0) {
            if (out)
                *out = (vs_pcx_side_t)i;
            return 0;
        }
    }
    return -1;
}

/* --- building ------------------------------------------------------------- */

int vs_pcx_vpc_set(vs_pcx_vpc_t *v, const char *account, const char *region,
                   const char *vpc_id)
{
    vs_pcx_vpc_t tmp;
    memset(&tmp, 0, sizeof tmp);
    if (!vs_account_valid(account) || !vs_region_known(region) || !vs_id_valid(vpc_id, "vpc"))
        return -1;
    if (!s_copy(tmp.account, sizeof tmp.account, account) ||
        !s_copy(tmp.region, sizeof tmp.region, region) ||
        !s_copy(tmp.vpc_id, sizeof tmp.vpc_id, vpc_id))
        return -1;
    *v = tmp;
    return 0;
}

int vs_pcx_vpc_add_cidr(vs_pcx_vpc_t *v, const vs_cidr_t *c)
{
    vs_cidr_t *list = c->addr.family == 4 ? v->ipv4 : v->ipv6;
    size_t *n = c->addr.family == 4 ? &v->n_ipv4 : &v->n_ipv6;
    size_t max = c->addr.family == 4 ? VS_PCX_MAX_IPV4 : VS_PCX_MAX_IPV6;
    if ((c->addr.family != 4 && c->addr.family != 6) ||
        c->prefix > (c->addr.family == 4 ? 32 : 128))
        return -1;
    if (*n >= max)
        return -1;
    for (size_t i = 0; i < *n; i++)
        if (vs_cidr_equal(&list[i], c))
            return -1;
    list[(*n)++] = *c;
    return 0;
}

int vs_pcx_status_message(const vs_pcx_t *p, vs_pcx_state_t state, vs_pcx_side_t deleted_by,
                          char *buf, size_t len)
{
    if ((unsigned)state >= VS_PCX_STATE_COUNT)
        return -1;
    const s_state_info_t *si = &s_states[state];
    const char *acct = NULL;
    if (si->who == VS_PCX_MSG_ACCEPTER)
        acct = p->accepter.account;
    else if (si->who == VS_PCX_MSG_DELETER && deleted_by == VS_PCX_SIDE_REQUESTER)
        acct = p->requester.account;
    else if (si->who == VS_PCX_MSG_DELETER && deleted_by == VS_PCX_SIDE_ACCEPTER)
        acct = p->accepter.account;
    /* Every state change writes one: two copies rather than snprintf. */
    size_t m = strlen(si->message), a = acct ? strlen(acct) : 0;
    if (!acct && si->who == VS_PCX_MSG_DELETER)   /* no side recorded: "Deleted" */
        m = strcspn(si->message, " ");
    if (m + a >= len) {
        if (len)
            buf[0] = '\0';
        return -1;
    }
    memcpy(buf, si->message, m);
    if (a)
        memcpy(buf + m, acct, a);
    buf[m + a] = '\0';
    return (int)(m + a);
}

void vs_pcx_set_state(vs_pcx_t *p, vs_pcx_state_t next, vs_pcx_side_t by, uint64_t now_ms)
{
    if (next == VS_PCX_DELETING || next == VS_PCX_DELETED) {
        if (by == VS_PCX_SIDE_REQUESTER || by == VS_PCX_SIDE_ACCEPTER)
            p->deleted_by = by;
        else if (by == VS_PCX_SIDE_BOTH)   /* one owner of both: counts as requester */
            p->deleted_by = VS_PCX_SIDE_REQUESTER;
    } else {
        p->deleted_by = VS_PCX_SIDE_NONE;
    }
    p->state = next;
    if (vs_pcx_status_message(p, next, p->deleted_by, p->status_message,
                              sizeof p->status_message) < 0)
        p->status_message[0] = '\0';
    p->state_entered_ms = now_ms;
    p->version++;
}

int vs_pcx_init(vs_pcx_t *p, const char *id, const vs_pcx_vpc_t *requester,
                const vs_pcx_vpc_t *accepter, uint64_t now_ms, char *why, size_t whylen)
{
    vs_pcx_t tmp;
    memset(&tmp, 0, sizeof tmp);
    if (!s_copy(tmp.id, sizeof tmp.id, id))
        return s_fail(why, whylen, "bad pcx id");
    tmp.requester = *requester;
    tmp.accepter = *accepter;
    tmp.inter_region = strcmp(requester->region, accepter->region) != 0;
    tmp.created_ms = now_ms;
    tmp.expiration_ms = now_ms + VS_PCX_EXPIRY_MS;
    tmp.version = 0;
    vs_pcx_set_state(&tmp, VS_PCX_INITIATING_REQUEST, VS_PCX_SIDE_NONE, now_ms);
    if (vs_pcx_validate(&tmp, why, whylen) < 0)
        return -1;
    *p = tmp;
    return 0;
}

const vs_pcx_vpc_t *vs_pcx_vpc(const vs_pcx_t *p, vs_pcx_side_t side)
{
    if (side == VS_PCX_SIDE_REQUESTER)
        return &p->requester;
    if (side == VS_PCX_SIDE_ACCEPTER)
        return &p->accepter;
    return NULL;
}

static bool s_terminated(const char *s, size_t len) { return memchr(s, '\0', len) != NULL; }

static int s_validate_vpc(const vs_pcx_vpc_t *v, const char *what, char *why, size_t whylen)
{
    if (!s_terminated(v->account, sizeof v->account) || !vs_account_valid(v->account))
        return s_fail(why, whylen, "%s: bad account", what);
    if (!s_terminated(v->region, sizeof v->region) || !vs_region_known(v->region))
        return s_fail(why, whylen, "%s: unknown region", what);
    if (!s_terminated(v->vpc_id, sizeof v->vpc_id) || !vs_id_valid(v->vpc_id, "vpc"))
        return s_fail(why, whylen, "%s: bad vpc id", what);
    if (v->n_ipv4 > VS_PCX_MAX_IPV4 || v->n_ipv6 > VS_PCX_MAX_IPV6)
        return s_fail(why, whylen, "%s: too many cidrs", what);
    for (size_t i = 0; i < v->n_ipv4 + v->n_ipv6; i++) {
        bool v4 = i < v->n_ipv4;
        const vs_cidr_t *c = v4 ? &v->ipv4[i] : &v->ipv6[i - v->n_ipv4];
        /* Canonical: right family, prefix in range (else vs_cidr_nth
         * fails), host bits clear (its network address is the address
         * itself), which is what a strict format/parse round trip would
         * check, without going through text for every message. */
        vs_ip_t net;
        if (c->addr.family != (v4 ? 4 : 6) || vs_cidr_nth(c, 0, &net) < 0 ||
            !vs_ip_equal(&net, &c->addr))
            return s_fail(why, whylen, "%s: bad cidr #%zu", what, i);
        const vs_cidr_t *list = v4 ? v->ipv4 : v->ipv6;
        size_t upto = v4 ? i : i - v->n_ipv4;
        for (size_t j = 0; j < upto; j++)
            if (vs_cidr_equal(&list[j], c))
                return s_fail(why, whylen, "%s: duplicate cidr #%zu", what, i);
    }
    return 0;
}

int vs_pcx_validate(const vs_pcx_t *p, char *why, size_t whylen)
{
    if (!s_terminated(p->id, sizeof p->id) || !vs_id_valid(p->id, "pcx"))
        return s_fail(why, whylen, "bad pcx id");
    if (s_validate_vpc(&p->requester, "requester", why, whylen) < 0 ||
        s_validate_vpc(&p->accepter, "accepter", why, whylen) < 0)
        return -1;
    if (p->requester.n_ipv4 == 0)
        return s_fail(why, whylen, "requester has no primary IPv4 cidr");
    if (strcmp(p->requester.vpc_id, p->accepter.vpc_id) == 0)
        return s_fail(why, whylen, "requester and accepter are the same VPC");
    if (p->inter_region != (strcmp(p->requester.region, p->accepter.region) != 0))
        return s_fail(why, whylen, "inter-region flag does not match the regions");
    if ((unsigned)p->state >= VS_PCX_STATE_COUNT)
        return s_fail(why, whylen, "bad state");
    if (!s_terminated(p->status_message, sizeof p->status_message))
        return s_fail(why, whylen, "bad status message");
    if (p->expiration_ms < p->created_ms || p->state_entered_ms < p->created_ms)
        return s_fail(why, whylen, "times out of order");
    bool del = p->state == VS_PCX_DELETING || p->state == VS_PCX_DELETED;
    if (p->deleted_by != VS_PCX_SIDE_NONE &&
        (!del || (p->deleted_by != VS_PCX_SIDE_REQUESTER && p->deleted_by != VS_PCX_SIDE_ACCEPTER)))
        return s_fail(why, whylen, "bad deleted-by");
    return 0;
}
