/* scn_path: a JMESPath subset (see scn_path.h). The path is tokenised once
 * into steps; evaluation walks them, and a projection step applies the
 * steps after it, up to the next pipe, to each element. */
#include "scn_path.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { P_KEY, P_INDEX, P_ALL, P_FILTER, P_FLATTEN, P_PIPE } s_kind_t;

typedef struct {
    s_kind_t kind;
    char key[128];          /* P_KEY; P_FILTER: the field compared */
    long index;             /* P_INDEX */
    char literal[128];      /* P_FILTER: the value it must equal */
    bool negate;            /* P_FILTER with != */
} s_step_t;

#define S_MAX_STEPS 32

typedef struct {
    s_step_t steps[S_MAX_STEPS];
    size_t n;
    bool length;            /* length( ... ) around the whole path */
} s_path_t;

static int s_err(char *err, size_t errlen, const char *path, size_t at, const char *what)
{
    snprintf(err, errlen, "bad path '%s' at character %zu: %s", path, at + 1, what);
    return -1;
}

static bool s_ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == ':';
}

static int s_push(s_path_t *p, s_step_t st, const char *path, size_t at, char *err, size_t errlen)
{
    if (p->n == S_MAX_STEPS)
        return s_err(err, errlen, path, at, "too many steps");
    p->steps[p->n++] = st;
    return 0;
}

/* Reads an identifier (or a "quoted" one) at s[*i] into out. */
static int s_ident(const char *s, size_t *i, char *out, size_t outlen)
{
    size_t n = 0;
    if (s[*i] == '"') {
        (*i)++;
        while (s[*i] && s[*i] != '"' && n + 1 < outlen)
            out[n++] = s[(*i)++];
        if (s[*i] != '"')
            return -1;
        (*i)++;
    } else {
        while (s_ident_char(s[*i]) && n + 1 < outlen)
            out[n++] = s[(*i)++];
        if (s_ident_char(s[*i]))
            return -1;
    }
    out[n] = '\0';
    return n ? 0 : -1;
}

static int s_bracket(s_path_t *p, const char *s, size_t *i, char *err, size_t errlen)
{
    size_t at = *i;
    s_step_t st = { 0 };
    (*i)++;   /* '[' */
    if (s[*i] == ']') {
        st.kind = P_FLATTEN;
        (*i)++;
        return s_push(p, st, s, at, err, errlen);
    }
    if (s[*i] == '*' && s[*i + 1] == ']') {
        st.kind = P_ALL;
        *i += 2;
        return s_push(p, st, s, at, err, errlen);
    }
    if (s[*i] == '?') {
        (*i)++;
        st.kind = P_FILTER;
        /* the field compared may be a key path: [?Status.Code=='active'] */
        size_t n = 0;
        while ((s_ident_char(s[*i]) || s[*i] == '.') && n + 1 < sizeof st.key)
            st.key[n++] = s[(*i)++];
        st.key[n] = '\0';
        if (!n || st.key[0] == '.' || st.key[n - 1] == '.' || strstr(st.key, ".."))
            return s_err(err, errlen, s, *i, "expected a field name after '[?'");
        while (s[*i] == ' ')
            (*i)++;
        if ((s[*i] == '=' || s[*i] == '!') && s[*i + 1] == '=') {
            st.negate = s[*i] == '!';
            *i += 2;
        } else {
            return s_err(err, errlen, s, *i, "expected == or != in a filter");
        }
        while (s[*i] == ' ')
            (*i)++;
        char q = s[*i];
        if (q != '\'' && q != '`')
            return s_err(err, errlen, s, *i, "expected a 'quoted' value in a filter");
        (*i)++;
        n = 0;
        while (s[*i] && s[*i] != q && n + 1 < sizeof st.literal)
            st.literal[n++] = s[(*i)++];
        if (s[*i] != q)
            return s_err(err, errlen, s, *i, "unterminated value in a filter");
        (*i)++;
        /* `value` is JSON in JMESPath: drop its quotes when it is a string. */
        if (q == '`' && n >= 2 && st.literal[0] == '"' && st.literal[n - 1] == '"') {
            memmove(st.literal, st.literal + 1, n - 2);
            st.literal[n - 2] = '\0';
        }
        if (s[*i] != ']')
            return s_err(err, errlen, s, *i, "expected ']' to end the filter");
        (*i)++;
        return s_push(p, st, s, at, err, errlen);
    }
    char *end = NULL;
    long v = strtol(s + *i, &end, 10);
    if (end == s + *i || *end != ']')
        return s_err(err, errlen, s, *i, "expected an index, ']', '*' or '?' after '['");
    st.kind = P_INDEX;
    st.index = v;
    *i = (size_t)(end - s) + 1;
    return s_push(p, st, s, at, err, errlen);
}

static int s_compile(const char *path, s_path_t *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    size_t len = strlen(path);
    if (len == 0)
        return s_err(err, errlen, path, 0, "empty path");
    if (len >= SCN_PATH_MAX)
        return s_err(err, errlen, path, 0, "too long");
    char body[SCN_PATH_MAX];
    snprintf(body, sizeof body, "%s", path);
    const char *s = body;
    if (!strncmp(s, "length(", 7)) {
        if (body[len - 1] != ')')
            return s_err(err, errlen, path, len - 1, "expected ')' to end length(");
        body[len - 1] = '\0';
        s += 7;
        p->length = true;
    }
    size_t i = 0;
    bool need_sep = false;   /* after a step, a '.', '[' or '|' must follow */
    while (s[i]) {
        while (s[i] == ' ')
            i++;
        if (!s[i])
            break;
        if (s[i] == '|') {
            if (!p->n)
                return s_err(err, errlen, path, i, "nothing before '|'");
            s_step_t st = { .kind = P_PIPE };
            if (s_push(p, st, path, i, err, errlen) < 0)
                return -1;
            i++;
            need_sep = false;
            continue;
        }
        if (s[i] == '[') {
            if (s_bracket(p, s, &i, err, errlen) < 0)
                return -1;
            need_sep = true;
            continue;
        }
        if (need_sep) {
            if (s[i] != '.')
                return s_err(err, errlen, path, i, "expected '.', '[' or '|'");
            i++;
        }
        s_step_t st = { .kind = P_KEY };
        if (s_ident(s, &i, st.key, sizeof st.key) < 0)
            return s_err(err, errlen, path, i, "expected a key name");
        if (s_push(p, st, path, i, err, errlen) < 0)
            return -1;
        need_sep = true;
    }
    if (p->n && p->steps[p->n - 1].kind == P_PIPE)
        return s_err(err, errlen, path, len - 1, "nothing after '|'");
    if (!p->n)
        return s_err(err, errlen, path, 0, "empty path");
    return 0;
}

int scn_path_check(const char *path, char *err, size_t errlen)
{
    s_path_t p;
    return s_compile(path, &p, err, errlen);
}

/* The scalar text of v for a filter comparison. */
static bool s_scalar_is(const vs_json_t *v, const char *literal)
{
    char buf[64];
    switch (vs_json_type(v)) {
    case VS_JSON_STRING: return !strcmp(vs_json_as_str(v), literal);
    case VS_JSON_BOOL: return !strcmp(vs_json_as_bool(v, false) ? "true" : "false", literal);
    case VS_JSON_NUMBER:
        if (vs_json_is_int(v))
            snprintf(buf, sizeof buf, "%lld", (long long)vs_json_as_int(v, 0));
        else
            snprintf(buf, sizeof buf, "%.17g", vs_json_as_num(v, 0));
        return !strcmp(buf, literal);
    default: return !strcmp("null", literal);
    }
}

/* Evaluates steps[from..to) on v; returns a new document or NULL. */
static vs_json_t *s_eval(const s_path_t *p, size_t from, size_t to, const vs_json_t *v);

/* The next flatten step after at, or to: a projection runs up to it. */
static size_t s_next_flatten(const s_path_t *p, size_t at, size_t to)
{
    size_t f = at + 1;
    while (f < to && p->steps[f].kind != P_FLATTEN)
        f++;
    return f;
}

/* Applies steps (at, end) to each element of list (those the filter at
 * `at` keeps), dropping nulls, then goes on from `end` with the result. */
static vs_json_t *s_project(const s_path_t *p, size_t at, size_t to, const vs_json_t *list)
{
    const s_step_t *st = &p->steps[at];
    if (vs_json_type(list) != VS_JSON_ARRAY)
        return NULL;
    size_t end = s_next_flatten(p, at, to);
    vs_json_t *out = vs_json_array();
    for (size_t k = 0; out && k < vs_json_len(list); k++) {
        const vs_json_t *e = vs_json_at(list, k);
        if (st->kind == P_FILTER) {
            const vs_json_t *f = e;
            char key[sizeof st->key];
            snprintf(key, sizeof key, "%s", st->key);
            for (char *save = NULL, *part = strtok_r(key, ".", &save); part; part = strtok_r(NULL, ".", &save))
                f = vs_json_get(f, part);
            if (s_scalar_is(f, st->literal) == st->negate)
                continue;
        }
        vs_json_t *r = s_eval(p, at + 1, end, e);
        if (r)
            vs_json_push(out, r);
    }
    if (end >= to)
        return out;
    vs_json_t *rest = s_eval(p, end, to, out);
    vs_json_free(&out);
    return rest;
}

/* JMESPath's []: one level of nesting removed, then a projection. */
static vs_json_t *s_flatten(const s_path_t *p, size_t at, size_t to, const vs_json_t *v)
{
    if (vs_json_type(v) != VS_JSON_ARRAY)
        return NULL;
    vs_json_t *flat = vs_json_array();
    for (size_t k = 0; flat && k < vs_json_len(v); k++) {
        const vs_json_t *e = vs_json_at(v, k);
        if (vs_json_type(e) == VS_JSON_ARRAY)
            for (size_t j = 0; j < vs_json_len(e); j++)
                vs_json_push(flat, vs_json_clone(vs_json_at(e, j)));
        else
            vs_json_push(flat, vs_json_clone(e));
    }
    vs_json_t *out = s_project(p, at, to, flat);
    vs_json_free(&flat);
    return out;
}

static vs_json_t *s_eval(const s_path_t *p, size_t from, size_t to, const vs_json_t *v)
{
    for (size_t i = from; v && i < to; i++) {
        const s_step_t *st = &p->steps[i];
        if (st->kind == P_ALL || st->kind == P_FILTER)
            return s_project(p, i, to, v);
        if (st->kind == P_FLATTEN)
            return s_flatten(p, i, to, v);
        if (st->kind == P_KEY) {
            v = vs_json_get(v, st->key);
        } else if (st->kind == P_INDEX) {
            if (vs_json_type(v) != VS_JSON_ARRAY)
                return NULL;
            long n = (long)vs_json_len(v), k = st->index < 0 ? n + st->index : st->index;
            v = k >= 0 && k < n ? vs_json_at(v, (size_t)k) : NULL;
        }
    }
    return v ? vs_json_clone(v) : NULL;
}

int scn_path_eval(const char *path, const vs_json_t *doc, vs_json_t **out, char *err, size_t errlen)
{
    *out = NULL;
    s_path_t p;
    if (s_compile(path, &p, err, errlen) < 0)
        return -1;
    vs_json_t *cur = vs_json_clone(doc);
    size_t from = 0;
    while (cur && from <= p.n) {
        size_t to = from;
        while (to < p.n && p.steps[to].kind != P_PIPE)
            to++;
        vs_json_t *next = s_eval(&p, from, to, cur);
        vs_json_free(&cur);
        cur = next;
        from = to + 1;
    }
    if (p.length) {
        vs_json_type_t t = vs_json_type(cur);
        vs_json_t *n = t == VS_JSON_ARRAY || t == VS_JSON_OBJECT ? vs_json_int((int64_t)vs_json_len(cur))
                     : t == VS_JSON_STRING && cur ? vs_json_int((int64_t)vs_json_str_len(cur)) : NULL;
        vs_json_free(&cur);
        cur = n;
    }
    *out = cur;
    return 0;
}
