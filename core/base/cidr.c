/* cidr: IPv4/IPv6 address and CIDR block parsing, formatting and
 * arithmetic. See cidr.h for the accepted text forms.
 *
 * Everything works on the 16-byte network-order array, with the family
 * deciding how many bytes (4 or 16) and prefix bits (32 or 128) count.
 * Parsers are written by hand rather than with inet_pton because
 * inet_pton accepts forms EC2 refuses (IPv4 octets with leading zeros on
 * some libcs) and its exact rules differ between libcs.
 */
#include "cidr.h"

#include <stdio.h>
#include <string.h>

/* No valid address or CIDR text is longer than this; anything longer is
 * refused before parsing so that no loop depends on the input length. */
#define S_MAX_TEXT 64

static int s_nbytes(const vs_ip_t *ip) { return ip->family == 4 ? 4 : 16; }
static int s_nbits(const vs_ip_t *ip) { return ip->family == 4 ? 32 : 128; }

static bool s_valid_family(const vs_ip_t *ip)
{
    return ip && (ip->family == 4 || ip->family == 6);
}

static bool s_valid_cidr(const vs_cidr_t *c)
{
    return c && s_valid_family(&c->addr) && c->prefix <= s_nbits(&c->addr);
}

/* Parses a decimal number of 1..maxdig digits with no leading zero (a
 * lone "0" is fine) from s[0..n). -1 if malformed. */
static long s_dec(const char *s, size_t n, size_t maxdig)
{
    if (n == 0 || n > maxdig || (n > 1 && s[0] == '0'))
        return -1;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Dotted quad in s[0..n) into out[4]. */
static int s_parse4(const char *s, size_t n, uint8_t out[4])
{
    uint8_t b[4];
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        size_t j = i;
        while (j < n && s[j] != '.')
            j++;
        long v = s_dec(s + i, j - i, 3);
        if (v < 0 || v > 255)
            return -1;
        b[part] = (uint8_t)v;
        if (part < 3) {
            if (j >= n)
                return -1;             /* too few parts */
            i = j + 1;
        } else if (j != n) {
            return -1;                 /* too many parts */
        }
    }
    memcpy(out, b, 4);
    return 0;
}

static int s_hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* RFC 4291 section 2.2 text in s[0..n) into out[16]: up to eight groups
 * of 1..4 hex digits, at most one "::" standing for one or more zero
 * groups, and optionally a dotted quad as the last 32 bits. */
static int s_parse6(const char *s, size_t n, uint8_t out[16])
{
    uint16_t head[8], tail[8];
    int nhead = 0, ntail = 0;
    bool gap = false;              /* seen "::" */
    size_t i = 0;

    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        gap = true;
        i = 2;
    } else if (n >= 1 && s[0] == ':') {
        return -1;                 /* a single leading colon */
    }
    while (i < n) {
        if (nhead + ntail >= 8)
            return -1;
        size_t j = i;
        while (j < n && s[j] != ':' && s[j] != '.')
            j++;
        if (j < n && s[j] == '.') {
            /* An IPv4 tail: must run to the end and fill two groups. */
            uint8_t q[4];
            if (nhead + ntail > 6 || s_parse4(s + i, n - i, q) < 0)
                return -1;
            uint16_t *g = gap ? tail : head;
            int *ng = gap ? &ntail : &nhead;
            g[(*ng)++] = (uint16_t)(q[0] << 8 | q[1]);
            g[(*ng)++] = (uint16_t)(q[2] << 8 | q[3]);
            i = n;
            break;
        }
        if (j == i || j - i > 4)
            return -1;
        unsigned v = 0;
        for (size_t k = i; k < j; k++) {
            int h = s_hexval(s[k]);
            if (h < 0)
                return -1;
            v = v << 4 | (unsigned)h;
        }
        if (gap)
            tail[ntail++] = (uint16_t)v;
        else
            head[nhead++] = (uint16_t)v;
        if (j == n)
            break;
        /* s[j] is ':'. A second colon opens the gap; a colon at the very
         * end, a second gap or a third colon are errors. */
        if (j + 1 < n && s[j + 1] == ':') {
            if (gap)
                return -1;
            gap = true;
            i = j + 2;
        } else {
            if (j + 1 == n)
                return -1;
            i = j + 1;
        }
    }
    int total = nhead + ntail;
    if (gap ? total > 7 : total != 8)
        return -1;
    uint8_t b[16] = { 0 };
    for (int g = 0; g < nhead; g++) {
        b[2 * g] = (uint8_t)(head[g] >> 8);
        b[2 * g + 1] = (uint8_t)head[g];
    }
    for (int g = 0; g < ntail; g++) {
        int at = 8 - ntail + g;
        b[2 * at] = (uint8_t)(tail[g] >> 8);
        b[2 * at + 1] = (uint8_t)tail[g];
    }
    memcpy(out, b, 16);
    return 0;
}

static int s_parse_ip(const char *s, size_t n, vs_ip_t *out)
{
    vs_ip_t ip = { 0 };
    if (memchr(s, ':', n)) {
        if (s_parse6(s, n, ip.bytes) < 0)
            return -1;
        ip.family = 6;
    } else {
        if (s_parse4(s, n, ip.bytes) < 0)
            return -1;
        ip.family = 4;
    }
    *out = ip;
    return 0;
}

int vs_ip_parse(const char *s, vs_ip_t *out)
{
    if (!s || !out)
        return -1;
    size_t n = strnlen(s, S_MAX_TEXT + 1);
    if (n == 0 || n > S_MAX_TEXT)
        return -1;
    return s_parse_ip(s, n, out);
}

/* Whether the bits after the prefix are all zero. */
static bool s_host_bits_zero(const vs_ip_t *ip, int prefix)
{
    for (int i = 0; i < s_nbytes(ip); i++) {
        int keep = prefix - 8 * i;
        uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
        if (ip->bytes[i] & ~mask)
            return false;
    }
    return true;
}

/* Clears the bits after the prefix. */
static void s_clear_host_bits(vs_ip_t *ip, int prefix)
{
    for (int i = 0; i < s_nbytes(ip); i++) {
        int keep = prefix - 8 * i;
        uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
        ip->bytes[i] &= mask;
    }
}

int vs_cidr_parse(const char *s, int flags, vs_cidr_t *out)
{
    if (!s || !out)
        return -1;
    size_t n = strnlen(s, S_MAX_TEXT + 1);
    if (n == 0 || n > S_MAX_TEXT)
        return -1;
    const char *slash = memchr(s, '/', n);
    if (!slash)
        return -1;
    vs_cidr_t c = { 0 };
    if (s_parse_ip(s, (size_t)(slash - s), &c.addr) < 0)
        return -1;
    long p = s_dec(slash + 1, n - (size_t)(slash - s) - 1, 3);
    if (p < 0 || p > s_nbits(&c.addr))
        return -1;
    c.prefix = (uint8_t)p;
    if (!s_host_bits_zero(&c.addr, c.prefix)) {
        if (!(flags & VS_CIDR_CANON))
            return -1;
        s_clear_host_bits(&c.addr, c.prefix);
    }
    *out = c;
    return 0;
}

/* --- formatting ---------------------------------------------------------- */

/* Decimal digits of v at out (no NUL); their count. CIDRs are formatted
 * for every persisted record and peer message, where sprintf was a
 * measurable cost. */
static int s_put_dec(unsigned v, char *out)
{
    char t[10];
    int n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++)
        out[i] = t[n - 1 - i];
    return n;
}

/* "a.b.c.d" with its NUL; its length. */
static int s_quad(const uint8_t *b, char *out)
{
    int n = 0;
    for (int i = 0; i < 4; i++) {
        if (i)
            out[n++] = '.';
        n += s_put_dec(b[i], out + n);
    }
    out[n] = '\0';
    return n;
}

static int s_format6(const uint8_t b[16], char *out)
{
    static const char hex[] = "0123456789abcdef";
    uint16_t g[8];
    for (int i = 0; i < 8; i++)
        g[i] = (uint16_t)(b[2 * i] << 8 | b[2 * i + 1]);

    /* RFC 5952 4.2: compress the longest run of two or more zero groups,
     * the first one on a tie. */
    int best = -1, bestlen = 1;
    for (int i = 0; i < 8;) {
        if (g[i]) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && !g[j])
            j++;
        if (j - i > bestlen) {
            best = i;
            bestlen = j - i;
        }
        i = j;
    }
    /* RFC 5952 5: IPv4-mapped addresses keep the dotted quad. */
    bool mapped = best == 0 && bestlen == 5 && g[5] == 0xffff;

    int o = 0;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            out[o++] = ':';
            out[o++] = ':';
            i += bestlen - 1;
            continue;
        }
        if (o > 0 && out[o - 1] != ':')
            out[o++] = ':';
        if (mapped && i == 6) {
            o += s_quad(b + 12, out + o);
            break;
        }
        bool lead = true;
        for (int shift = 12; shift >= 0; shift -= 4) {
            unsigned d = g[i] >> shift & 15;
            if (d || !lead || shift == 0) {
                out[o++] = hex[d];
                lead = false;
            }
        }
    }
    out[o] = '\0';
    return o;
}

static int s_format_ip(const vs_ip_t *ip, char *tmp)
{
    if (ip->family == 4)
        return s_quad(ip->bytes, tmp);
    return s_format6(ip->bytes, tmp);
}

int vs_ip_format(const vs_ip_t *ip, char *buf, size_t len)
{
    char tmp[VS_IP_STRLEN];
    if (!s_valid_family(ip) || !buf)
        return -1;
    int n = s_format_ip(ip, tmp);
    if ((size_t)n >= len)
        return -1;
    memcpy(buf, tmp, (size_t)n + 1);
    return n;
}

int vs_cidr_format(const vs_cidr_t *c, char *buf, size_t len)
{
    char tmp[VS_CIDR_STRLEN];
    if (!s_valid_cidr(c) || !buf)
        return -1;
    int n = s_format_ip(&c->addr, tmp);
    tmp[n++] = '/';
    n += s_put_dec(c->prefix, tmp + n);
    tmp[n] = '\0';
    if ((size_t)n >= len)
        return -1;
    memcpy(buf, tmp, (size_t)n + 1);
    return n;
}

/* --- comparison and arithmetic ------------------------------------------- */

bool vs_ip_equal(const vs_ip_t *a, const vs_ip_t *b)
{
    return vs_ip_cmp(a, b) == 0;
}

int vs_ip_cmp(const vs_ip_t *a, const vs_ip_t *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    int r = memcmp(a->bytes, b->bytes, (size_t)s_nbytes(a));
    return r < 0 ? -1 : r > 0;
}

/* The first `bits` bits of a and b agree. */
static bool s_prefix_equal(const vs_ip_t *a, const vs_ip_t *b, int bits)
{
    int whole = bits / 8, rest = bits % 8;
    if (memcmp(a->bytes, b->bytes, (size_t)whole) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a->bytes[whole] & mask) == (b->bytes[whole] & mask);
}

bool vs_cidr_contains_ip(const vs_cidr_t *c, const vs_ip_t *ip)
{
    if (!s_valid_cidr(c) || !ip || ip->family != c->addr.family)
        return false;
    return s_prefix_equal(&c->addr, ip, c->prefix);
}

bool vs_cidr_contains(const vs_cidr_t *outer, const vs_cidr_t *inner)
{
    if (!s_valid_cidr(outer) || !s_valid_cidr(inner) ||
        outer->addr.family != inner->addr.family || inner->prefix < outer->prefix)
        return false;
    return s_prefix_equal(&outer->addr, &inner->addr, outer->prefix);
}

bool vs_cidr_overlaps(const vs_cidr_t *a, const vs_cidr_t *b)
{
    if (!s_valid_cidr(a) || !s_valid_cidr(b) || a->addr.family != b->addr.family)
        return false;
    return s_prefix_equal(&a->addr, &b->addr, a->prefix < b->prefix ? a->prefix : b->prefix);
}

bool vs_cidr_equal(const vs_cidr_t *a, const vs_cidr_t *b)
{
    return s_valid_cidr(a) && s_valid_cidr(b) && a->prefix == b->prefix &&
           vs_ip_equal(&a->addr, &b->addr);
}

uint64_t vs_cidr_size(const vs_cidr_t *c)
{
    if (!s_valid_cidr(c))
        return 0;
    int host = s_nbits(&c->addr) - c->prefix;
    return host >= 64 ? UINT64_MAX : (uint64_t)1 << host;
}

int vs_cidr_nth(const vs_cidr_t *c, uint64_t n, vs_ip_t *out)
{
    if (!s_valid_cidr(c) || !out)
        return -1;
    int host = s_nbits(&c->addr) - c->prefix;
    if (host < 64 && n >> host)
        return -1;
    /* n fits in the host bits, so adding it to the network address (whose
     * host bits are zero by construction, but clear them anyway) never
     * carries into the prefix. */
    vs_ip_t ip = c->addr;
    s_clear_host_bits(&ip, c->prefix);
    for (int i = s_nbytes(&ip) - 1; i >= 0 && n; i--, n >>= 8)
        ip.bytes[i] |= (uint8_t)n;
    *out = ip;
    return 0;
}

int vs_cidr_offset(const vs_cidr_t *c, const vs_ip_t *ip, uint64_t *out)
{
    if (!vs_cidr_contains_ip(c, ip) || !out)
        return -1;
    int nb = s_nbytes(ip), host = s_nbits(ip) - c->prefix;
    /* Host bits above the low 64 must be zero for the offset to fit. */
    if (host > 64) {
        vs_ip_t hi = *ip;
        vs_ip_t net = c->addr;
        memset(hi.bytes + nb - 8, 0, 8);
        s_clear_host_bits(&net, c->prefix);
        if (!s_prefix_equal(&hi, &net, 128))
            return -1;
    }
    uint64_t off = 0;
    int first = nb > 8 ? nb - 8 : 0;
    for (int i = first; i < nb; i++)
        off = off << 8 | ip->bytes[i];
    if (host < 64)
        off &= ((uint64_t)1 << host) - 1;
    *out = off;
    return 0;
}

bool vs_cidr_is_rfc1918(const vs_cidr_t *c)
{
    static const vs_cidr_t ranges[] = {
        { { 4, { 10, 0, 0, 0 } }, 8 },
        { { 4, { 172, 16, 0, 0 } }, 12 },
        { { 4, { 192, 168, 0, 0 } }, 16 },
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (vs_cidr_contains(&ranges[i], c))
            return true;
    return false;
}
