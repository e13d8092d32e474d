/* nacl_eval: the stateless evaluation of one direction of a network ACL
 * (see nacl.h): ascending rule number, first match wins, the `*` deny
 * last (reference 7.2 step 2; UG-NACL "Network ACL rules").
 */
#include "nacl.h"

/* Protocols whose rules carry a port range. */
static bool s_has_ports(int proto)
{
    return proto == 6 || proto == 17;
}

/* Does e match a packet of proto from/to peer at port? port is -1 for
 * protocols without ports. */
static bool s_match(const vs_nacl_entry_t *e, int proto, int port, const vs_ip_t *peer)
{
    if (e->cidr.addr.family != peer->family || !vs_cidr_contains_ip(&e->cidr, peer))
        return false;
    if (e->proto == -1)
        return true;
    if (e->proto != proto)
        return false;
    if (s_has_ports(e->proto) && e->from_port >= 0)
        return port >= e->from_port && port <= e->to_port;
    return true;
}

/* The first entry of one direction matching (proto, port, peer), or NULL. */
static const vs_nacl_entry_t *s_first(const vs_nacl_t *acl, bool egress, int proto, int port,
                                      const vs_ip_t *peer)
{
    for (size_t i = 0; i < acl->nentries; i++) {
        const vs_nacl_entry_t *e = &acl->entries[i];
        if (e->egress == egress && s_match(e, proto, port, peer))
            return e;
    }
    return NULL;
}

/* The verdict is the same for every port between two consecutive rule
 * boundaries, so trying the range's ends and every boundary inside it is
 * exact: one of them is allowed if and only if some port is. */
static void s_try(const vs_nacl_t *acl, bool egress, int proto, int port, const vs_ip_t *peer,
                  vs_nacl_verdict_t *out)
{
    if (out->allowed)
        return;
    const vs_nacl_entry_t *e = s_first(acl, egress, proto, port, peer);
    if (e && e->allow) {
        out->allowed = true;
        out->rule = e;
        out->port = port;
    } else if (e && !out->rule) {
        out->rule = e;
        out->port = port;
    }
}

void vs_nacl_eval(const vs_nacl_t *acl, bool egress, int proto, int port_lo, int port_hi,
                  const vs_ip_t *peer, vs_nacl_verdict_t *out)
{
    out->allowed = false;
    out->rule = NULL;
    out->port = -1;
    if (!s_has_ports(proto) || port_lo < 0) {
        s_try(acl, egress, proto, -1, peer, out);
        return;
    }
    if (port_hi < port_lo)
        port_hi = port_lo;
    s_try(acl, egress, proto, port_lo, peer, out);
    for (size_t i = 0; i < acl->nentries && !out->allowed; i++) {
        const vs_nacl_entry_t *e = &acl->entries[i];
        if (e->egress != egress || e->from_port < 0)
            continue;
        if (e->from_port > port_lo && e->from_port <= port_hi)
            s_try(acl, egress, proto, e->from_port, peer, out);
        if (e->to_port >= port_lo && e->to_port < port_hi)
            s_try(acl, egress, proto, e->to_port + 1, peer, out);
    }
    s_try(acl, egress, proto, port_hi, peer, out);
}
