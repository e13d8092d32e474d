/* libFuzzer target: the CIDR and IP address parsers (every CIDR block of
 * every call). What parses must format and parse back to the same block. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 128)
        return 0;
    char s[129];
    memcpy(s, data, size);
    s[size] = '\0';
    for (int flags = VS_CIDR_STRICT; flags <= VS_CIDR_CANON; flags++) {
        vs_cidr_t c, back;
        if (vs_cidr_parse(s, flags, &c) != 0)
            continue;
        char buf[VS_CIDR_STRLEN];
        if (vs_cidr_format(&c, buf, sizeof buf) < 0 ||
            vs_cidr_parse(buf, VS_CIDR_STRICT, &back) != 0 || !vs_cidr_equal(&c, &back))
            abort();
        (void)vs_cidr_size(&c);
    }
    vs_ip_t ip, back;
    if (vs_ip_parse(s, &ip) == 0) {
        char buf[VS_CIDR_STRLEN];
        if (vs_ip_format(&ip, buf, sizeof buf) < 0 || vs_ip_parse(buf, &back) != 0 ||
            !vs_ip_equal(&ip, &back))
            abort();
    }
    return 0;
}
