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

static size_t s_put_varint(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    for (; v >= 0x80; v >>= 7)
        p[n++] = (uint8_t)(v | 0x80);
    p[n++] = (uint8_t)v;
    return n;
}

/* A varint at p[*i..len), at most `max` bytes: 0, or -1. */
static int s_get_varint(const uint8_t *p, size_t len, size_t *i, unsigned max, uint64_t *v)
{
    *v = 0;
    for (unsigned k = 0; k < max; k++) {
        if (*i >= len)
            return -1;
        uint8_t b = p[(*i)++];
        *v |= (uint64_t)(b & 0x7f) << (7 * k);
        if (!(b & 0x80))
            return 0;
    }
    return -1;
}

size_t vs_bundle_part_size(size_t n)
{
    return 1 + s_varint_len(n) + n;
}

size_t vs_bundle_put(uint8_t *out, const uint8_t *part, size_t n)
{
    out[0] = VS_BUNDLE_TAG;
    size_t k = 1 + s_put_varint(out + 1, n);
    if (n)
        memcpy(out + k, part, n);
    return k + n;
}

static size_t s_tags_body(const uint64_t *tags, size_t n)
{
    size_t b = 0;
    for (size_t i = 0; i < n; i++)
        b += s_varint_len(tags[i]);
    return b;
}

size_t vs_bundle_tags_size(const uint64_t *tags, size_t n)
{
    size_t b = s_tags_body(tags, n);
    return 1 + s_varint_len(b) + b;
}

size_t vs_bundle_put_tags(uint8_t *out, const uint64_t *tags, size_t n)
{
    out[0] = VS_BUNDLE_TAGS_TAG;
    size_t k = 1 + s_put_varint(out + 1, s_tags_body(tags, n));
    for (size_t i = 0; i < n; i++)
        k += s_put_varint(out + k, tags[i]);
    return k;
}

/* The next field at *off: its tag byte and bytes (a length-delimited
 * field's, without its prefix). 1, 0 at the end, -1 if the framing is
 * broken or the field is neither a part nor the tags. A length takes at
 * most 4 bytes: a bundle is far below 2^28 bytes. */
static int s_field(const uint8_t *p, size_t len, size_t *off, uint8_t *tag,
                   const uint8_t **data, size_t *n)
{
    size_t i = *off;
    if (i >= len)
        return 0;
    *tag = p[i++];
    uint64_t v;
    if ((*tag != VS_BUNDLE_TAG && *tag != VS_BUNDLE_TAGS_TAG) ||
        s_get_varint(p, len, &i, 4, &v) != 0 || v > len - i)
        return -1;
    *data = p + i;
    *n = (size_t)v;
    *off = i + (size_t)v;
    return 1;
}

int vs_bundle_next(const uint8_t *payload, size_t len, size_t *off, const uint8_t **part,
                   size_t *n)
{
    uint8_t tag;
    int rc;
    while ((rc = s_field(payload, len, off, &tag, part, n)) == 1 && tag != VS_BUNDLE_TAG)
        ;
    return rc;
}

/* The tags in data[0..n): with out, the first cap of them into out, else
 * all of them counted. How many, or -1 if one is broken. */
static long s_read_tags(const uint8_t *data, size_t n, uint64_t *out, size_t cap)
{
    long k = 0;
    size_t i = 0;
    uint64_t v;
    while (i < n && (!out || (size_t)k < cap)) {
        if (s_get_varint(data, n, &i, 10, &v) != 0)
            return -1;
        if (out)
            out[k] = v;
        k++;
    }
    return k;
}

bool vs_bundle_check(const uint8_t *payload, size_t len, size_t *nparts)
{
    if (!vs_bundle_is(payload, len) || len > VS_BUNDLE_MAX_BYTES)
        return false;
    size_t off = 0, k = 0, n;
    long ntags = -1;
    const uint8_t *data;
    uint8_t tag;
    int rc;
    while ((rc = s_field(payload, len, &off, &tag, &data, &n)) == 1) {
        if (tag == VS_BUNDLE_TAGS_TAG) {
            if (ntags >= 0 || (ntags = s_read_tags(data, n, NULL, 0)) < 0)
                return false;   /* twice, or broken */
        } else if (n == 0 || vs_bundle_is(data, n) || ++k > VS_BUNDLE_MAX_PARTS) {
            return false;
        }
    }
    if (rc < 0 || k == 0 || (ntags >= 0 && (size_t)ntags != k))
        return false;
    if (nparts)
        *nparts = k;
    return true;
}

size_t vs_bundle_tags(const uint8_t *payload, size_t len, uint64_t *tags, size_t cap)
{
    size_t off = 0, n;
    const uint8_t *data;
    uint8_t tag;
    while (s_field(payload, len, &off, &tag, &data, &n) == 1) {
        if (tag != VS_BUNDLE_TAGS_TAG)
            continue;
        long k = s_read_tags(data, n, tags, cap);
        return k < 0 ? 0 : (size_t)k;
    }
    return 0;
}

long vs_bundle_each(const uint8_t *payload, size_t len, vs_bundle_part_cb cb, void *ctx)
{
    size_t nparts = 0;
    if (!vs_bundle_check(payload, len, &nparts))
        return -1;
    uint64_t tags[VS_BUNDLE_MAX_PARTS];
    size_t ntags = vs_bundle_tags(payload, len, tags, nparts);
    size_t off = 0, n, i = 0;
    const uint8_t *part;
    while (vs_bundle_next(payload, len, &off, &part, &n) == 1) {
        cb(ctx, part, n, i < ntags ? tags[i] : 0);
        i++;
    }
    return (long)nparts;
}
