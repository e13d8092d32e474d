/* cidr: IPv4/IPv6 addresses and CIDR blocks: parse, format, contain,
 * overlap, enumerate. Pure functions on small value types.
 *
 * Parsing is strict: dotted quads without leading zeros or spaces, IPv6 in
 * RFC 4291 text forms (with "::" compression and an embedded IPv4 tail),
 * prefix 0..32 / 0..128. vs_cidr_parse() refuses host bits set unless
 * VS_CIDR_CANON is given, in which case they are cleared (as EC2 does for
 * routes: "100.68.0.18/18" -> "100.68.0.0/18").
 */
#ifndef VS_CIDR_H
#define VS_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VS_IP_STRLEN   46   /* enough for any IPv6 text form + NUL */
#define VS_CIDR_STRLEN 50

typedef struct {
    uint8_t family;        /* 4 or 6 */
    uint8_t bytes[16];     /* network order; IPv4 uses bytes[0..3] */
} vs_ip_t;

typedef struct {
    vs_ip_t addr;          /* network address (host bits zero) */
    uint8_t prefix;        /* 0..32 or 0..128 */
} vs_cidr_t;

enum {
    VS_CIDR_STRICT = 0,    /* host bits must be zero */
    VS_CIDR_CANON  = 1     /* clear host bits */
};

/* 0 on success, -1 on malformed input (out untouched). */
int vs_ip_parse(const char *s, vs_ip_t *out);
int vs_cidr_parse(const char *s, int flags, vs_cidr_t *out);

/* Canonical text ("10.0.0.0/16", "2600:1f18:abcd::/56": lowercase, RFC 5952
 * compression). Returns bytes written (excl. NUL) or -1 if buf too small. */
int vs_ip_format(const vs_ip_t *ip, char *buf, size_t len);
int vs_cidr_format(const vs_cidr_t *c, char *buf, size_t len);

bool vs_ip_equal(const vs_ip_t *a, const vs_ip_t *b);
/* -1/0/1 numeric order; IPv4 sorts before IPv6. */
int  vs_ip_cmp(const vs_ip_t *a, const vs_ip_t *b);

bool vs_cidr_contains_ip(const vs_cidr_t *c, const vs_ip_t *ip);
/* inner lies entirely within outer (same family). */
bool vs_cidr_contains(const vs_cidr_t *outer, const vs_cidr_t *inner);
/* the two blocks share at least one address (same family). */
bool vs_cidr_overlaps(const vs_cidr_t *a, const vs_cidr_t *b);
bool vs_cidr_equal(const vs_cidr_t *a, const vs_cidr_t *b);

/* Number of addresses, saturating at UINT64_MAX for large IPv6 blocks. */
uint64_t vs_cidr_size(const vs_cidr_t *c);
/* The n-th address of the block (0 = network address). -1 if n is out of
 * range. */
int vs_cidr_nth(const vs_cidr_t *c, uint64_t n, vs_ip_t *out);
/* Offset of ip inside c (inverse of vs_cidr_nth); -1 if not inside or the
 * offset does not fit 64 bits. */
int vs_cidr_offset(const vs_cidr_t *c, const vs_ip_t *ip, uint64_t *out);

/* The RFC 1918 ranges (10/8, 172.16/12, 192.168/16). */
bool vs_cidr_is_rfc1918(const vs_cidr_t *c);

#endif
