/* bjson: see bjson.h. */
#include "bjson.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define S_MAX_KEYS 8

static const char *s_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
        p++;
    return p;
}

/* p at the opening quote: the byte after the closing one, or NULL. The
 * quote that closes is the first one after an even run of backslashes;
 * memchr finds the candidates, since strings are most of a document's
 * bytes and escapes are rare. */
static const char *s_string_end(const char *p, const char *end)
{
    const char *s = p + 1;
    for (const char *q = s; q < end; q++) {
        if (!(q = memchr(q, '"', (size_t)(end - q))))
            return NULL;
        const char *b = q;
        while (b > s && b[-1] == '\\')
            b--;
        if ((q - b) % 2 == 0)
            return q + 1;
    }
    return NULL;
}

static bool s_delim(char c)
{
    return c == ',' || c == ':' || c == '}' || c == ']' || c == '{' || c == '[' || c == '"' ||
           c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* p at a value: the byte after it, or NULL. Iterative, so that a deep
 * document costs no stack; bit d of `objects` says whether level d is an
 * object, so that "{]" is caught. */
static const char *s_skip(const char *p, const char *end)
{
    uint64_t objects = 0;
    int depth = 0;
    for (;;) {
        p = s_ws(p, end);
        if (p == end)
            return NULL;
        char c = *p;
        if (c == '"') {
            if (!(p = s_string_end(p, end)))
                return NULL;
        } else if (c == '{' || c == '[') {
            if (depth == VS_BJSON_MAX_DEPTH)
                return NULL;
            objects = (objects << 1) | (c == '{');
            depth++;
            p++;
            continue;
        } else if (c == '}' || c == ']') {
            if (depth == 0 || (objects & 1) != (c == '}'))
                return NULL;
            objects >>= 1;
            depth--;
            p++;
        } else if (c == ',' || c == ':') {
            if (depth == 0)
                return NULL;
            p++;
            continue;
        } else {                  /* a scalar: up to the next delimiter */
            while (p < end && !s_delim(*p))
                p++;
        }
        if (depth == 0)
            return p;
    }
}

int vs_bjson_doc(const char *text, size_t len, vs_bjson_t *out)
{
    out->end = text + len;
    out->p = s_ws(text, out->end);
    return out->p < out->end ? 0 : -1;
}

/* vs_bjson_members, reading the whole object when `all` (then *after is
 * the byte after its '}'), else only up to the last key wanted. */
static int s_members(const char *p, const char *end, const char *const *keys, size_t n,
                     vs_bjson_t *out, bool all, const char **after)
{
    size_t klen[S_MAX_KEYS];
    if (n > S_MAX_KEYS || !p || p >= end || *p != '{')
        return -1;
    for (size_t i = 0; i < n; i++) {
        klen[i] = strlen(keys[i]);
        out[i] = (vs_bjson_t){ NULL, end };
    }
    int found = 0;
    p = s_ws(p + 1, end);
    if (p < end && *p == '}') {
        *after = p + 1;
        return 0;
    }
    for (;;) {
        if (p == end || *p != '"')
            return -1;
        const char *k = p + 1, *ke = s_string_end(p, end);
        if (!ke)
            return -1;
        p = s_ws(ke, end);
        if (p == end || *p != ':')
            return -1;
        const char *v = s_ws(p + 1, end);
        for (size_t i = 0; i < n; i++)
            if (!out[i].p && klen[i] == (size_t)(ke - 1 - k) && !memcmp(keys[i], k, klen[i])) {
                out[i].p = v;
                found++;
            }
        if ((size_t)found == n && !all)   /* the rest need not be read */
            return found;
        if (!(p = s_skip(v, end)))
            return -1;
        p = s_ws(p, end);
        if (p < end && *p == '}') {
            *after = p + 1;
            return found;
        }
        if (p == end || *p != ',')
            return -1;
        p = s_ws(p + 1, end);
    }
}

int vs_bjson_members(const vs_bjson_t *obj, const char *const *keys, size_t n, vs_bjson_t *out)
{
    const char *after;
    return s_members(obj->p, obj->end, keys, n, out, false, &after);
}

/* it at '[' or ',' (or ']'): 1 with *v at the next element, 0 at the
 * end, -1 if malformed. */
static int s_elem(vs_bjson_t *it, const char **v)
{
    const char *p = it->p, *end = it->end;
    if (p == NULL || p >= end)
        return -1;
    if (*p == ']')
        return 0;
    if (*p != '[' && *p != ',')
        return -1;
    bool first = *p == '[';
    p = s_ws(p + 1, end);
    if (first && p < end && *p == ']') {
        it->p = p;
        return 0;
    }
    *v = p;
    return 1;
}

int vs_bjson_next(vs_bjson_t *it, vs_bjson_t *out)
{
    const char *v, *p;
    int rc = s_elem(it, &v);
    if (rc != 1)
        return rc;
    if (!(p = s_skip(v, it->end)))
        return -1;
    it->p = s_ws(p, it->end);      /* at ',' or ']' for the next call */
    *out = (vs_bjson_t){ v, it->end };
    return 1;
}

int vs_bjson_next_members(vs_bjson_t *it, const char *const *keys, size_t n, vs_bjson_t *out)
{
    const char *v, *after;
    int rc = s_elem(it, &v);
    if (rc != 1)
        return rc;
    if ((rc = s_members(v, it->end, keys, n, out, true, &after)) < 0)
        return -1;
    it->p = s_ws(after, it->end);
    return rc + 1;
}

int vs_bjson_str(const vs_bjson_t *v, char *out, size_t outlen)
{
    const char *p = v->p;
    if (!p || p >= v->end || *p != '"')
        return -1;
    const char *s = ++p;
    while (p < v->end && *p != '"' && *p != '\\')
        p++;
    if (p == v->end || *p != '"' || (size_t)(p - s) >= outlen)
        return -1;
    memcpy(out, s, (size_t)(p - s));
    out[p - s] = '\0';
    return 0;
}

int vs_bjson_field(const char *text, size_t len, const char *obj, const char *key, char *out,
                   size_t outlen)
{
    vs_bjson_t doc, o, v;
    if (vs_bjson_doc(text, len, &doc) != 0)
        return -1;
    if (obj) {
        if (vs_bjson_members(&doc, &obj, 1, &o) != 1)
            return -1;
        doc = o;
    }
    if (vs_bjson_members(&doc, &key, 1, &v) != 1)
        return -1;
    return vs_bjson_str(&v, out, outlen);
}
