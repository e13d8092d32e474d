/* lpm: longest-prefix match (see lpm.h). */
#include <string.h>

#include "lpm.h"

ssize_t vs_lpm_find(const void *items, size_t n, size_t stride, size_t off, const vs_ip_t *dst)
{
    if (!dst || (n && !items) || stride < sizeof(vs_cidr_t) || off > stride - sizeof(vs_cidr_t))
        return -1;
    if (dst->family != 4 && dst->family != 6)
        return -1;
    ssize_t best = -1;
    int best_len = -1;
    for (size_t i = 0; i < n; i++) {
        vs_cidr_t c;
        /* memcpy: the records need not be aligned for a vs_cidr_t at off. */
        memcpy(&c, (const char *)items + i * stride + off, sizeof c);
        /* vs_cidr_contains_ip refuses other families and invalid blocks. */
        if ((int)c.prefix > best_len && vs_cidr_contains_ip(&c, dst)) {
            best = (ssize_t)i;
            best_len = c.prefix;
        }
    }
    return best;
}
