/* json_parse: the bounded recursive-descent parser behind vs_json_parse().
 *
 * Accepts exactly RFC 8259 JSON: one value, optional surrounding
 * whitespace, strings that are valid UTF-8 with no raw control
 * characters, escapes including \uXXXX surrogate pairs (decoded to UTF-8;
 * a lone surrogate is an error), and numbers in the RFC grammar. Nesting is
 * limited to VS_JSON_MAX_DEPTH so that recursion depth is bounded, and the
 * input to VS_JSON_MAX_INPUT. Numbers written without fraction or exponent
 * that fit int64 become integers; the rest become doubles, and a number
 * too large for a double is refused rather than turned into infinity.
 *
 * Duplicate keys behave like Python's json.loads: the last value wins, at
 * the position of the first occurrence (which is what vs_json_set does).
 */
#include "json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char *start, *p, *end;
    /* Scratch stack for decoded strings. An object's pending key stays on
     * the stack (from `top` upward) while its value is parsed above it,
     * so keys need no allocation of their own. Offsets, not pointers,
     * because the buffer moves when it grows. */
    char *buf;
    size_t top, cap;
    char *err;
    size_t errlen;
    bool failed;
} s_parser_t;

static vs_json_t *s_value(s_parser_t *ps, int depth);

__attribute__((format(printf, 2, 3)))
static void *s_fail(s_parser_t *ps, const char *fmt, ...)
{
    if (ps->failed)
        return NULL;            /* keep the first, innermost reason */
    ps->failed = true;
    if (ps->err && ps->errlen) {
        char msg[128];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        snprintf(ps->err, ps->errlen, "%s at offset %zu", msg, (size_t)(ps->p - ps->start));
    }
    return NULL;
}

static void *s_unexpected(s_parser_t *ps, const char *what)
{
    if (ps->p >= ps->end)
        return s_fail(ps, "unexpected end of input, expected %s", what);
    unsigned c = *ps->p;
    if (c >= 0x20 && c < 0x7f)
        return s_fail(ps, "expected %s, got '%c'", what, (int)c);
    return s_fail(ps, "expected %s, got byte 0x%02x", what, c);
}

static void s_ws(s_parser_t *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static int s_reserve(s_parser_t *ps, size_t extra)
{
    if (ps->cap - ps->top >= extra)
        return 0;
    size_t cap = ps->cap ? ps->cap : 256;
    while (cap - ps->top < extra)
        cap *= 2;
    char *b = realloc(ps->buf, cap);
    if (!b)
        return -1;
    ps->buf = b;
    ps->cap = cap;
    return 0;
}

static int s_hex4(const unsigned char *p, const unsigned char *end, unsigned *out)
{
    if (end - p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i], d;
        if (c >= '0' && c <= '9')      d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

/* Length of the valid UTF-8 sequence at p (2..4), or 0 if it is not one.
 * Rejects overlong forms, UTF-16 surrogates and code points past
 * U+10FFFF (RFC 3629 table 3-7). */
static size_t s_utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n;
    unsigned lo = 0x80, hi = 0xbf;          /* range of the 2nd byte */
    if (c >= 0xc2 && c <= 0xdf)       n = 2;
    else if (c == 0xe0)               { n = 3; lo = 0xa0; }
    else if (c == 0xed)               { n = 3; hi = 0x9f; }
    else if (c >= 0xe1 && c <= 0xef)  n = 3;
    else if (c == 0xf0)               { n = 4; lo = 0x90; }
    else if (c >= 0xf1 && c <= 0xf3)  n = 4;
    else if (c == 0xf4)               { n = 4; hi = 0x8f; }
    else return 0;
    if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return n;
}

static size_t s_put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Decodes the string at ps->p (on the opening quote) onto the scratch
 * stack at ps->top, NUL-terminated; *len gets its byte length. ps->top
 * is not moved. The decoded form is never longer than the escaped one, so
 * reserving the rest of the input up front would do, but documents are
 * mostly short strings, so grow by chunks instead. */
static int s_string(s_parser_t *ps, size_t *len)
{
    ps->p++;                                   /* opening quote */
    size_t n = 0;
    for (;;) {
        if (s_reserve(ps, n + 8) < 0) {
            s_fail(ps, "out of memory");
            return -1;
        }
        char *o = ps->buf + ps->top;
        if (ps->p >= ps->end) {
            s_fail(ps, "unterminated string");
            return -1;
        }
        /* The common case: a run of plain printable ASCII, copied at once. */
        const unsigned char *run = ps->p;
        while (run < ps->end && *run >= 0x20 && *run < 0x80 && *run != '"' && *run != '\\')
            run++;
        if (run > ps->p) {
            size_t k = (size_t)(run - ps->p);
            if (s_reserve(ps, n + k + 8) < 0) {
                s_fail(ps, "out of memory");
                return -1;
            }
            memcpy(ps->buf + ps->top + n, ps->p, k);
            n += k;
            ps->p = run;
            continue;
        }
        unsigned c = *ps->p;
        if (c == '"') {
            ps->p++;
            o[n] = '\0';
            *len = n;
            return 0;
        }
        if (c < 0x20) {
            s_fail(ps, "control character 0x%02x in string", c);
            return -1;
        }
        if (c >= 0x80) {
            size_t k = s_utf8_len(ps->p, ps->end);
            if (!k) {
                s_fail(ps, "invalid UTF-8 in string");
                return -1;
            }
            memcpy(o + n, ps->p, k);
            n += k;
            ps->p += k;
            continue;
        }
        if (c != '\\') {
            o[n++] = (char)c;
            ps->p++;
            continue;
        }
        if (ps->end - ps->p < 2) {
            s_fail(ps, "unterminated string");
            return -1;
        }
        unsigned e = ps->p[1], cp;
        switch (e) {
        case '"': case '\\': case '/': o[n++] = (char)e; ps->p += 2; continue;
        case 'b': o[n++] = '\b'; ps->p += 2; continue;
        case 'f': o[n++] = '\f'; ps->p += 2; continue;
        case 'n': o[n++] = '\n'; ps->p += 2; continue;
        case 'r': o[n++] = '\r'; ps->p += 2; continue;
        case 't': o[n++] = '\t'; ps->p += 2; continue;
        case 'u': break;
        default:
            s_fail(ps, "invalid escape '\\%c'", e >= 0x20 && e < 0x7f ? (int)e : '?');
            return -1;
        }
        if (s_hex4(ps->p + 2, ps->end, &cp) < 0) {
            s_fail(ps, "invalid \\u escape");
            return -1;
        }
        if (cp >= 0xdc00 && cp <= 0xdfff) {
            s_fail(ps, "lone low surrogate \\u%04x", cp);
            return -1;
        }
        if (cp >= 0xd800 && cp <= 0xdbff) {
            unsigned lo;
            const unsigned char *q = ps->p + 6;
            if (ps->end - q < 6 || q[0] != '\\' || q[1] != 'u' ||
                s_hex4(q + 2, ps->end, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff) {
                s_fail(ps, "lone high surrogate \\u%04x", cp);
                return -1;
            }
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            ps->p += 6;
        }
        ps->p += 6;
        n += s_put_utf8(o + n, cp);
    }
}

static vs_json_t *s_number(s_parser_t *ps)
{
    const unsigned char *s = ps->p, *p = ps->p, *end = ps->end;
    bool neg = false, integral = true;
    if (p < end && *p == '-') {
        neg = true;
        p++;
    }
    if (p >= end || *p < '0' || *p > '9') {
        ps->p = p;
        return s_unexpected(ps, "digit");
    }
    if (*p == '0' && p + 1 < end && p[1] >= '0' && p[1] <= '9') {
        ps->p = p;
        return s_fail(ps, "leading zero in number");
    }
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    if (p < end && *p == '.') {
        integral = false;
        if (++p >= end || *p < '0' || *p > '9') {
            ps->p = p;
            return s_unexpected(ps, "digit after '.'");
        }
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        integral = false;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || *p < '0' || *p > '9') {
            ps->p = p;
            return s_unexpected(ps, "digit in exponent");
        }
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (integral) {
        /* Accumulate negatively so that INT64_MIN fits. */
        int64_t v = 0;
        bool overflow = false;
        for (const unsigned char *q = s + neg; q < p && !overflow; q++) {
            int d = *q - '0';
            if (v < (INT64_MIN + d) / 10)
                overflow = true;
            else
                v = v * 10 - d;
        }
        if (!overflow && (neg || v != INT64_MIN)) {
            ps->p = p;
            return vs_json_int(neg ? v : -v);
        }
    }
    /* strtod needs a NUL-terminated copy; the input need not be. */
    size_t n = (size_t)(p - s);
    if (s_reserve(ps, n + 1) < 0)
        return s_fail(ps, "out of memory");
    char *tmp = ps->buf + ps->top;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    double d = strtod(tmp, NULL);
    if (isinf(d))
        return s_fail(ps, "number out of range");
    ps->p = p;
    return vs_json_num(d);
}

static vs_json_t *s_literal(s_parser_t *ps, const char *word, vs_json_t *(*make)(void))
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return s_unexpected(ps, "value");
    ps->p += n;
    return make();
}

static vs_json_t *s_true(void) { return vs_json_bool(true); }
static vs_json_t *s_false(void) { return vs_json_bool(false); }

static vs_json_t *s_array(s_parser_t *ps, int depth)
{
    vs_json_t *arr = vs_json_array();
    if (!arr)
        return s_fail(ps, "out of memory");
    ps->p++;
    s_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return arr;
    }
    for (;;) {
        vs_json_t *v = s_value(ps, depth);
        if (!v)
            goto fail;
        if (!vs_json_push(arr, v)) {
            s_fail(ps, "out of memory");
            goto fail;
        }
        s_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            return arr;
        }
        s_unexpected(ps, "',' or ']'");
        goto fail;
    }
fail:
    vs_json_free(&arr);
    return NULL;
}

static vs_json_t *s_object(s_parser_t *ps, int depth)
{
    vs_json_t *obj = vs_json_object();
    if (!obj)
        return s_fail(ps, "out of memory");
    size_t saved_top = ps->top;
    ps->p++;
    s_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return obj;
    }
    for (;;) {
        s_ws(ps);
        if (ps->p >= ps->end || *ps->p != '"') {
            s_unexpected(ps, "string key");
            goto fail;
        }
        size_t klen, koff = ps->top;
        const unsigned char *kpos = ps->p;
        if (s_string(ps, &klen) < 0)
            goto fail;
        /* Keys are C strings in the API, so a key with an escaped NUL
         * cannot be represented; refuse it rather than truncate it. */
        if (memchr(ps->buf + koff, '\0', klen)) {
            ps->p = kpos;
            s_fail(ps, "NUL character in object key");
            goto fail;
        }
        ps->top = koff + klen + 1;              /* keep the key on the stack */
        s_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':') {
            s_unexpected(ps, "':'");
            goto fail;
        }
        ps->p++;
        vs_json_t *v = s_value(ps, depth);
        if (!v)
            goto fail;
        if (!vs_json_set(obj, ps->buf + koff, v)) {
            s_fail(ps, "out of memory");
            goto fail;
        }
        ps->top = saved_top;
        s_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            return obj;
        }
        s_unexpected(ps, "',' or '}'");
        goto fail;
    }
fail:
    ps->top = saved_top;
    vs_json_free(&obj);
    return NULL;
}

static vs_json_t *s_value(s_parser_t *ps, int depth)
{
    s_ws(ps);
    if (ps->p >= ps->end)
        return s_unexpected(ps, "value");
    switch (*ps->p) {
    case '{':
    case '[':
        if (depth >= VS_JSON_MAX_DEPTH)
            return s_fail(ps, "nesting deeper than %d", VS_JSON_MAX_DEPTH);
        return *ps->p == '{' ? s_object(ps, depth + 1) : s_array(ps, depth + 1);
    case '"': {
        size_t len;
        if (s_string(ps, &len) < 0)
            return NULL;
        vs_json_t *v = vs_json_strn(ps->buf + ps->top, len);
        return v ? v : s_fail(ps, "out of memory");
    }
    case 't': return s_literal(ps, "true", s_true);
    case 'f': return s_literal(ps, "false", s_false);
    case 'n': return s_literal(ps, "null", vs_json_null);
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
            return s_number(ps);
        return s_unexpected(ps, "value");
    }
}

vs_json_t *vs_json_parse(const char *text, size_t len, char *err, size_t errlen)
{
    s_parser_t ps = {
        .start = (const unsigned char *)text,
        .p = (const unsigned char *)text,
        .end = (const unsigned char *)text + (text ? len : 0),
        .err = err,
        .errlen = errlen,
    };
    if (err && errlen)
        err[0] = '\0';
    if (!text) {
        s_fail(&ps, "no input");
        return NULL;
    }
    if (len > VS_JSON_MAX_INPUT) {
        s_fail(&ps, "input of %zu bytes exceeds the %u byte limit", len, VS_JSON_MAX_INPUT);
        return NULL;
    }
    vs_json_t *v = s_value(&ps, 0);
    if (v) {
        s_ws(&ps);
        if (ps.p < ps.end) {
            s_fail(&ps, "trailing characters after the value");
            vs_json_free(&v);
        }
    }
    free(ps.buf);
    return v;
}
