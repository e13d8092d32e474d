/* lpm: longest-prefix match over a set of CIDR blocks, the rule routers
 * (and EC2 route tables) use to pick a route: of the blocks that contain
 * the destination, the one with the longest prefix wins. IPv4 and IPv6
 * never mix: an IPv6 destination matches no IPv4 block and vice versa, so
 * ::/0 does not catch IPv4 traffic and 0.0.0.0/0 does not catch IPv6.
 *
 * Pure functions over caller-owned arrays. The blocks may sit inside
 * larger records (a route table's routes): the caller passes the array,
 * the size of one record and the offset of the vs_cidr_t inside it.
 * Route tables hold at most a few hundred routes, so a linear scan is
 * fast enough and needs no index to keep in step with edits.
 */
#ifndef VS_LPM_H
#define VS_LPM_H

#include <stddef.h>
#include <sys/types.h>

#include "cidr.h"

/* Index of the record whose block is the longest prefix containing dst;
 * among equal blocks (same prefix length) the first one wins. -1 if no
 * block of dst's family contains it, or on bad arguments (NULL, stride
 * too small for a vs_cidr_t at off). `items` and dst are borrowed. */
ssize_t vs_lpm_find(const void *items, size_t n, size_t stride, size_t off, const vs_ip_t *dst);

/* The same over a plain array of blocks. */
static inline ssize_t vs_lpm_find_cidrs(const vs_cidr_t *cidrs, size_t n, const vs_ip_t *dst)
{
    return vs_lpm_find(cidrs, n, sizeof *cidrs, 0, dst);
}

#endif
