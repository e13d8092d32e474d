/* wire_text: the text rule of the Envelope codec (see wire_text.h), in a
 * file of its own because both decoders use it: wire.c's descriptor-driven
 * path and wire_fast.c, which wire.c calls. */
#include "wire_text.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Eight bytes that need no closer look: ASCII without NUL (and, when
 * is_short, without C0 controls and DEL). Word-at-a-time because every
 * JSON document of every message goes through here, on both ends, and
 * the broker checks every message it relays. */
static bool s_plain8(const uint8_t *s, bool is_short)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t v;
    memcpy(&v, s, sizeof v);
    if (v & highs)
        return false;
    if ((v - ones) & ~v & highs)                       /* a zero byte */
        return false;
    if (is_short) {
        uint64_t del = v ^ (0x7full * ones);
        if (((v - 0x20 * ones) & ~v & highs) ||        /* a byte below 0x20 */
            ((del - ones) & ~del & highs))             /* a 0x7f */
            return false;
    }
    return true;
}

#if defined(__SSE2__)
/* The same rule sixteen bytes at once (SSE2 is in every x86-64): how
 * many of s[0..16) pass, from the first, stopping at the first that
 * needs a closer look. The byte compares are signed, so a byte >= 0x80
 * is negative: below 0x20, and with its top bit set. */
static unsigned s_plain16(const uint8_t *s, bool is_short)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s), bad;
    if (is_short)
        bad = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                           _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
    else
        bad = _mm_or_si128(v, _mm_cmpeq_epi8(v, _mm_setzero_si128()));
    unsigned m = (unsigned)_mm_movemask_epi8(bad);
    return m ? (unsigned)__builtin_ctz(m) : 16;
}
#endif

/* How many bytes from s on pass, counted a block at a time: it may stop
 * before the first byte that needs a closer look (in the last 15), never
 * after it. */
static size_t s_plain_prefix(const uint8_t *s, size_t len, bool is_short)
{
    size_t i = 0;
#if defined(__SSE2__)
    while (len - i >= 16) {
        unsigned k = s_plain16(s + i, is_short);
        i += k;
        if (k < 16)
            return i;
    }
#endif
    while (len - i >= 8 && s_plain8(s + i, is_short))
        i += 8;
    return i;
}

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past
 * U+10FFFF. Also refuses NUL, and C0 controls and DEL when `is_short`,
 * because identifiers end up in logs, JSON and file names. Returns NULL or
 * a static description of the first problem. */
const char *vs_wire_check_text(const uint8_t *s, size_t len, bool is_short)
{
    size_t i = 0;
    while (i < len) {
        i += s_plain_prefix(s + i, len - i, is_short);
        if (i == len)
            break;
        uint8_t c = s[i];
        if (c < 0x80) {
            if (c == 0)
                return "embedded NUL";
            if (is_short && (c < 0x20 || c == 0x7f))
                return "control character";
            i++;
            continue;
        }
        size_t need;
        uint32_t cp, min;
        if ((c & 0xe0) == 0xc0) {
            need = 1, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            need = 2, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            need = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return "invalid UTF-8";
        }
        if (len - i <= need)
            return "invalid UTF-8";
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return "invalid UTF-8";
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return "invalid UTF-8";
        i += need + 1;
    }
    return NULL;
}
