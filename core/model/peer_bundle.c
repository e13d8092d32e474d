/* peer_bundle: the PeerBundle payload (see peer_bundle.h). */
#include "peer_bundle.h"

#include <string.h>

bool vs_bundle_is(const uint8_t *payload, size_t len)
{
    return payload && len > 0 && payload[0] == VS_BUNDLE_TAG;
}

static size_t s_varint_len(uint64_t v)
{
    size_t n = 1;
    for (; v >= 0x80; v >>= 7)
        n++;
    return n;
}

size_t vs_bundle_part_size(size_t n)
{
    return 1 + s_varint_len(n) + n;
}

size_t vs_bundle_put(uint8_t *out, const uint8_t *part, size_t n)
{
    uint8_t *p = out;
    *p++ = VS_BUNDLE_TAG;
    uint64_t v = n;
    for (; v >= 0x80; v >>= 7)
        *p++ = (uint8_t)(v | 0x80);
    *p++ = (uint8_t)v;
    if (n)
        memcpy(p, part, n);
    return (size_t)(p - out) + n;
}

int vs_bundle_next(const uint8_t *payload, size_t len, size_t *off, const uint8_t **part,
                   size_t *n)
{
    size_t i = *off;
    if (i >= len)
        return 0;
    if (payload[i++] != VS_BUNDLE_TAG)
        return -1;
    /* A length in at most 4 bytes: a bundle is far below 2^28 bytes. */
    uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (i >= len || shift > 21)
            return -1;
        uint8_t b = payload[i++];
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
    }
    if (v > len - i)
        return -1;
    *part = payload + i;
    *n = (size_t)v;
    *off = i + (size_t)v;
    return 1;
}

bool vs_bundle_check(const uint8_t *payload, size_t len, size_t *nparts)
{
    if (!vs_bundle_is(payload, len) || len > VS_BUNDLE_MAX_BYTES)
        return false;
    size_t off = 0, k = 0, n;
    const uint8_t *part;
    int rc;
    while ((rc = vs_bundle_next(payload, len, &off, &part, &n)) == 1) {
        if (n == 0 || vs_bundle_is(part, n) || ++k > VS_BUNDLE_MAX_PARTS)
            return false;
    }
    if (rc < 0 || k == 0)
        return false;
    if (nparts)
        *nparts = k;
    return true;
}
