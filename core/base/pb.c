/* pb: see pb.h. The limits are protobuf-c 1.4's (protobuf-c.c:
 * parse_tag_and_wiretype, scan_length_prefixed_data, the varint scan of
 * protobuf_c_message_unpack), which the reference test holds us to. */
#include "pb.h"

/* A key: at most 5 bytes; a first byte of 0..7 (field 0 in one byte) is
 * refused, a longer key naming field 0 is not (protobuf-c looks at the
 * first byte only). */
static bool s_key(vs_pb_r_t *r, vs_pb_field_t *f)
{
    const uint8_t *p = r->p;
    size_t rem = (size_t)(r->end - p);
    if (p[0] < 8)
        return false;
    f->wt = p[0] & 7;
    uint32_t tag = (p[0] & 0x7f) >> 3;
    if (!(p[0] & 0x80)) {
        f->field = tag;
        r->p = p + 1;
        return true;
    }
    size_t max = rem > 5 ? 5 : rem;
    unsigned shift = 4;
    for (size_t i = 1; i < max; i++, shift += 7) {
        tag |= (uint32_t)(p[i] & 0x7f) << shift;
        if (!(p[i] & 0x80)) {
            f->field = tag;
            r->p = p + i + 1;
            return true;
        }
    }
    return false;
}

int vs_pb_next(vs_pb_r_t *r, vs_pb_field_t *f)
{
    if (r->p >= r->end)
        return 0;
    if (!s_key(r, f))
        return -1;
    const uint8_t *p = r->p;
    size_t rem = (size_t)(r->end - p);
    switch (f->wt) {
    case VS_PB_VARINT: {
        size_t max = rem < 10 ? rem : 10;
        uint64_t v = 0;
        for (size_t i = 0; i < max; i++) {
            v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
            if (!(p[i] & 0x80)) {
                f->v = v;
                f->raw = p;
                f->rawlen = i + 1;
                r->p = p + i + 1;
                return 1;
            }
        }
        return -1;
    }
    case VS_PB_I64:
    case VS_PB_I32: {
        size_t n = f->wt == VS_PB_I64 ? 8 : 4;
        if (rem < n)
            return -1;
        f->v = 0;
        f->data = f->raw = p;
        f->len = f->rawlen = n;
        r->p = p + n;
        return 1;
    }
    case VS_PB_LEN: {
        size_t max = rem < 5 ? rem : 5, len = 0;
        for (size_t i = 0; i < max; i++) {
            len |= (size_t)(p[i] & 0x7f) << (7 * i);
            if (!(p[i] & 0x80)) {
                if (len > rem - (i + 1))
                    return -1;
                f->v = 0;
                f->raw = p;
                f->rawlen = i + 1 + len;
                f->data = p + i + 1;
                f->len = len;
                r->p = f->data + len;
                return 1;
            }
        }
        return -1;
    }
    default:
        return -1;
    }
}
