/* json_dump: vs_json_dump(), the printer.
 *
 * indent > 0 reproduces Python's json.dumps(obj, indent=N,
 * ensure_ascii=False) byte for byte, because that is what `aws ec2`
 * prints and vpcsim's output is compared with it: ",\n" between members,
 * ": " after keys, "[]" and "{}" for empty containers, non-ASCII UTF-8
 * passed through, and the escapes of Python's encoder. Doubles print as
 * Python's repr() does (shortest round-trip digits, "1.0", "1e+16").
 * indent <= 0 prints compactly with no spaces at all.
 *
 * Reads the nodes directly (json_priv.h). Assumes the "C" LC_NUMERIC locale
 * (the default unless a program calls setlocale), since snprintf and
 * strtod are used for doubles.
 */
#include "json.h"
#include "json_priv.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

typedef struct {
    char *p;
    size_t len, cap;
    bool oom;
} s_buf_t;

/* Makes room for n more bytes (and the NUL vs_json_dump adds at the end);
 * false once out of memory. */
__attribute__((noinline))
static bool s_grow(s_buf_t *b, size_t n)
{
    if (b->oom)
        return false;
    size_t cap = b->cap ? b->cap : 1024;    /* most documents fit at once */
    while (cap - b->len <= n) {
        if (cap > SIZE_MAX / 2) {
            b->oom = true;
            return false;
        }
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

static inline bool s_reserve(s_buf_t *b, size_t n)
{
    return b->cap - b->len > n ? !b->oom : s_grow(b, n);
}

static inline void s_put(s_buf_t *b, const char *s, size_t n)
{
    if (!s_reserve(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;   /* the NUL goes on once, at the end (vs_json_dump) */
}

static void s_puts(s_buf_t *b, const char *s) { s_put(b, s, strlen(s)); }

static void s_newline(s_buf_t *b, int indent, int level)
{
    static const char spaces[] = "                                ";
    s_put(b, "\n", 1);
    for (size_t n = (size_t)indent * (size_t)level; n > 0 && !b->oom;) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        s_put(b, spaces, k);
        n -= k;
    }
}

/* True if none of the 8 bytes of x is below 0x20, '"' or '\\'. */
static inline bool s_plain8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
    return !((((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & highs);
}

static inline bool s_plain1(unsigned char c)
{
    return c >= 0x20 && c != '"' && c != '\\';
}

static void s_string_escaped(s_buf_t *b, const char *s, size_t len);

/* Most strings (IDs, states, CIDRs, keys; a dozen bytes on average) need
 * no escape at all: they are copied with their quotes while being checked,
 * 16 bytes at a time where SSE2 is there (every x86-64), else 8, and only
 * a string that turns out to need an escape is printed again, from the
 * same place, by the slow path. */
static void s_string(s_buf_t *b, const char *s, size_t len)
{
    if (!s_reserve(b, len + 2))
        return;
    char *o = b->p + b->len + 1;
    size_t i = 0;
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    const __m128i c1f = _mm_set1_epi8(0x1f);
    for (; len - i >= 16; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i bad = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)),
                                   _mm_cmpeq_epi8(_mm_max_epu8(x, c1f), c1f));   /* x < 0x20 */
        if (_mm_movemask_epi8(bad))
            goto escaped;
        _mm_storeu_si128((__m128i *)(void *)(o + i), x);
    }
#endif
    for (; len - i >= 8; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (!s_plain8(x))
            goto escaped;
        memcpy(o + i, &x, 8);
    }
    for (; i < len; i++) {
        if (!s_plain1((unsigned char)s[i]))
            goto escaped;
        o[i] = s[i];
    }
    o[-1] = '"';
    o[len] = '"';
    b->len += len + 2;
    return;
escaped:
    s_string_escaped(b, s, len);
}

static void s_string_escaped(s_buf_t *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    s_put(b, "\"", 1);
    size_t run = 0;                 /* bytes copied verbatim, flushed lazily */
    for (size_t i = 0; i < len; i++) {
        /* Eight bytes at a time while none needs escaping (no byte below
         * 0x20, no '"', no '\\'): documents are mostly such runs. */
        for (uint64_t x; len - i >= 8 && (memcpy(&x, s + i, 8), s_plain8(x));) {
            run += 8;
            i += 8;
        }
        if (i == len)
            break;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {   /* the common case first */
            run++;
            continue;
        }
        const char *esc = NULL;
        char u[7];
        switch (c) {
        case '"':  esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (c < 0x20) {
                memcpy(u, "\\u00", 4);
                u[4] = hex[c >> 4];
                u[5] = hex[c & 15];
                u[6] = '\0';
                esc = u;
            }
        }
        if (!esc) {
            run++;
            continue;
        }
        s_put(b, s + i - run, run);
        run = 0;
        s_puts(b, esc);
    }
    s_put(b, s + len - run, run);
    s_put(b, "\"", 1);
}

/* Python's repr(float): the shortest digit string that reads back as the
 * same double, printed positionally when the decimal exponent is in
 * [-4, 16) and in scientific notation otherwise. */
static void s_double(s_buf_t *b, double d)
{
    /* Python would print NaN/Infinity, which is not JSON and which no
     * parser (ours included) accepts back; print null instead. */
    if (!isfinite(d)) {
        s_puts(b, "null");
        return;
    }
    char sci[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(sci, sizeof sci, "%.*e", prec - 1, d);
        if (strtod(sci, NULL) == d)
            break;
    }
    /* sci is "[-]D[.DDD]e[+-]XX": collect the digits and the exponent. */
    char digits[24];
    size_t nd = 0;
    const char *p = sci;
    bool neg = *p == '-';
    p += neg;
    for (; *p && *p != 'e'; p++)
        if (*p != '.')
            digits[nd++] = *p;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    int exp = atoi(p + 1);

    char out[48];
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    if (exp < -4 || exp >= 16) {
        out[o++] = digits[0];
        if (nd > 1) {
            out[o++] = '.';
            memcpy(out + o, digits + 1, nd - 1);
            o += nd - 1;
        }
        o += (size_t)snprintf(out + o, sizeof out - o, "e%c%02d", exp < 0 ? '-' : '+',
                              exp < 0 ? -exp : exp);
    } else if (exp >= 0) {
        for (int i = 0; i <= exp; i++)
            out[o++] = (size_t)i < nd ? digits[i] : '0';
        out[o++] = '.';
        if ((size_t)exp + 1 < nd) {
            memcpy(out + o, digits + exp + 1, nd - (size_t)exp - 1);
            o += nd - (size_t)exp - 1;
        } else {
            out[o++] = '0';
        }
    } else {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = -1; i > exp; i--)
            out[o++] = '0';
        memcpy(out + o, digits, nd);
        o += nd;
    }
    s_put(b, out, o);
}

static void s_int(s_buf_t *b, int64_t i)
{
    /* Digits from the right, without snprintf: documents are mostly small
     * integers and strings, and this is their hot path. */
    char num[24];
    uint64_t u = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
    char *p = num + sizeof num;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (i < 0)
        *--p = '-';
    s_put(b, p, (size_t)(num + sizeof num - p));
}

/* Reads the nodes directly (json_priv.h) rather than through half a dozen
 * accessor calls per member. */
static void s_value(s_buf_t *b, const vs_json_t *v, int indent, int level)
{
    switch (v ? v->type : VS_JSON_NULL) {
    case VS_JSON_NULL:
        s_put(b, "null", 4);
        return;
    case VS_JSON_BOOL:
        if (v->u.b)
            s_put(b, "true", 4);
        else
            s_put(b, "false", 5);
        return;
    case VS_JSON_NUMBER:
        if (v->is_int)
            s_int(b, v->u.i);
        else
            s_double(b, v->u.d);
        return;
    case VS_JSON_STRING:
        s_string(b, v->u.s.p, v->u.s.len);
        return;
    case VS_JSON_ARRAY:
    case VS_JSON_OBJECT:
        break;
    }
    bool obj = v->type == VS_JSON_OBJECT;
    size_t n = v->u.c.n;
    s_put(b, obj ? "{" : "[", 1);
    for (size_t i = 0; i < n && !b->oom; i++) {
        if (i)
            s_put(b, ",", 1);
        if (indent > 0)
            s_newline(b, indent, level + 1);
        if (obj) {
            const char *k = vs_json__key(v, i);
            s_string(b, k, strlen(k));
            if (indent > 0)
                s_put(b, ": ", 2);
            else
                s_put(b, ":", 1);
        }
        s_value(b, v->u.c.vals[i], indent, level + 1);
    }
    if (n && indent > 0)
        s_newline(b, indent, level);
    s_put(b, obj ? "}" : "]", 1);
}

char *vs_json_dump(const vs_json_t *v, int indent)
{
    s_buf_t b = { 0 };
    s_value(&b, v, indent, 0);
    s_put(&b, "", 0);   /* a value always prints something; this keeps room for the NUL */
    if (!b.oom)
        b.p[b.len] = '\0';
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

void vs_json_put_str(vs_buf_t *vb, const char *s, size_t len)
{
    /* The printer's own buffer, over vs_buf_t's storage: both grow by
     * realloc and keep a byte free for the NUL (s_reserve's strict "<"). */
    s_buf_t b = { vb->s, vb->len, vb->cap, vb->oom };
    s_string(&b, s, len);
    if (!b.oom)
        b.p[b.len] = '\0';
    vb->s = b.p;
    vb->len = b.len;
    vb->cap = b.cap;
    vb->oom = b.oom;
}
