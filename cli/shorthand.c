/* shorthand: a port of awscli/shorthand.py's ShorthandParser (see
 * shorthand.h). Function names follow the Python methods so the two can be
 * read side by side. Indexes are byte offsets; error carets count code
 * points, as Python does. */
#include "shorthand.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define S_EOF (-1)
/* Nesting bound: argv strings can be 128 KiB of '[', which unbounded
 * recursion would turn into a stack overflow. */
#define S_MAX_DEPTH 64

typedef enum { S_OK = 0, S_ERR_SYNTAX, S_ERR_DUPKEY, S_ERR_OTHER } s_errkind_t;

typedef struct {
    const char *in;
    size_t len;
    size_t i;
    bool resolve_paramfiles;
    int depth;                   /* [ and { nesting, bounded by S_MAX_DEPTH */
    cli_paramfile_fn pf;
    void *pf_ctx;
    /* The pending error, if any. Syntax errors can be caught and cleared
     * (the csv-list backtracking does), so they are data, not output. */
    s_errkind_t err;
    char expected[24];
    char actual[16];
    size_t err_index;
    char *err_text;              /* S_ERR_DUPKEY: the key; S_ERR_OTHER: message */
} s_parser_t;

/* Decodes the code point at byte offset i; *n gets its length. Invalid
 * bytes decode one at a time as U+DC80.., like Python's surrogateescape. */
static int s_cp_at(const char *s, size_t len, size_t i, size_t *n)
{
    const unsigned char *u = (const unsigned char *)s + i;
    size_t left = len - i;
    int need = 0, cp = u[0];
    if (u[0] < 0x80) {
        *n = 1;
        return u[0];
    } else if ((u[0] & 0xe0) == 0xc0) {
        need = 1; cp = u[0] & 0x1f;
    } else if ((u[0] & 0xf0) == 0xe0) {
        need = 2; cp = u[0] & 0x0f;
    } else if ((u[0] & 0xf8) == 0xf0) {
        need = 3; cp = u[0] & 0x07;
    } else {
        *n = 1;
        return 0xdc00 + u[0];
    }
    if ((size_t)need >= left) {
        *n = 1;
        return 0xdc00 + u[0];
    }
    for (int k = 1; k <= need; k++) {
        if ((u[k] & 0xc0) != 0x80) {
            *n = 1;
            return 0xdc00 + u[0];
        }
        cp = (cp << 6) | (u[k] & 0x3f);
    }
    *n = (size_t)need + 1;
    return cp;
}

static int s_current(const s_parser_t *p)
{
    size_t n;
    return p->i < p->len ? s_cp_at(p->in, p->len, p->i, &n) : S_EOF;
}

static bool s_at_eof(const s_parser_t *p) { return p->i >= p->len; }

/* string.whitespace */
static bool s_is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Python's \s in a str pattern: ASCII whitespace plus the Unicode ones. */
static bool s_is_re_space(int c)
{
    return s_is_ws(c) || (c >= 0x1c && c <= 0x1f) || c == 0x85 || c == 0xa0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
           c == 0x202f || c == 0x205f || c == 0x3000;
}

/* _START_WORD: \!\#-&\(-\+\--\<\>-Z\\-z\u007c-\uffff */
static bool s_start_word(int c)
{
    return c == '!' || (c >= '#' && c <= '&') || (c >= '(' && c <= '+') ||
           (c >= '-' && c <= '<') || (c >= '>' && c <= 'Z') || (c >= '\\' && c <= 'z') ||
           (c >= 0x7c && c <= 0xffff);
}

/* _FIRST_FOLLOW_CHARS: \s\!\#-&\(-\+\--\\\^-\|~-\uffff */
static bool s_first_follow(int c)
{
    return s_is_re_space(c) || c == '!' || (c >= '#' && c <= '&') || (c >= '(' && c <= '+') ||
           (c >= '-' && c <= '\\') || (c >= '^' && c <= '|') || (c >= '~' && c <= 0xffff);
}

/* _SECOND_FOLLOW_CHARS: \s\!\#-&\(-\+\--\<\>-\uffff */
static bool s_second_follow(int c)
{
    return s_is_re_space(c) || c == '!' || (c >= '#' && c <= '&') || (c >= '(' && c <= '+') ||
           (c >= '-' && c <= '<') || (c >= '>' && c <= 0xffff);
}

static void s_consume_ws(s_parser_t *p)
{
    while (!s_at_eof(p) && s_is_ws(s_current(p)))
        p->i++;
}

static void s_syntax_error(s_parser_t *p, const char *expected, const char *actual)
{
    p->err = S_ERR_SYNTAX;
    snprintf(p->expected, sizeof p->expected, "%s", expected);
    snprintf(p->actual, sizeof p->actual, "%s", actual);
    p->err_index = p->i;
}

static void s_clear_error(s_parser_t *p)
{
    p->err = S_OK;
    free(p->err_text);
    p->err_text = NULL;
}

static bool s_expect(s_parser_t *p, char c, bool consume_ws)
{
    if (consume_ws)
        s_consume_ws(p);
    if (s_at_eof(p)) {
        char exp[2] = { c, 0 };
        s_syntax_error(p, exp, "EOF");
        return false;
    }
    if (p->in[p->i] != c) {
        size_t n;
        s_cp_at(p->in, p->len, p->i, &n);
        char exp[2] = { c, 0 }, act[8] = { 0 };
        memcpy(act, p->in + p->i, n);
        s_syntax_error(p, exp, act);
        return false;
    }
    p->i++;
    if (consume_ws)
        s_consume_ws(p);
    return true;
}

/* Length in bytes of the longest match of (\\,|[START])(\\,|[FOLLOW])* at
 * the current position; 0 when it does not match. */
static size_t s_match_value(const s_parser_t *p, bool (*follow)(int))
{
    size_t i = p->i, n;
    bool first = true;
    while (i < p->len) {
        if (p->in[i] == '\\' && i + 1 < p->len && p->in[i + 1] == ',') {
            i += 2;
        } else {
            int c = s_cp_at(p->in, p->len, i, &n);
            if (!(first ? s_start_word(c) : follow(c)))
                break;
            i += n;
        }
        first = false;
    }
    return i - p->i;
}

/* consumed.replace('\\,', ',').rstrip(), then paramfile resolution. */
static vs_json_t *s_processed(s_parser_t *p, const char *s, size_t n, bool unescape_commas)
{
    vs_buf_t b = VS_BUF_INIT;
    for (size_t k = 0; k < n; k++) {
        if (unescape_commas && s[k] == '\\' && k + 1 < n && s[k + 1] == ',') {
            vs_buf_putc(&b, ',');
            k++;
        } else {
            vs_buf_putc(&b, s[k]);
        }
    }
    char *v = vs_buf_take(&b);
    if (!v)
        return NULL;
    if (unescape_commas) {
        size_t l = strlen(v);
        /* ASCII only: a UTF-8 continuation byte may look like U+00A0. */
        while (l > 0 && (unsigned char)v[l - 1] < 0x80 && s_is_re_space((unsigned char)v[l - 1]))
            v[--l] = '\0';
    }
    if (p->resolve_paramfiles && p->pf) {
        char *perr = NULL;
        char *contents = p->pf(p->pf_ctx, v, &perr);
        if (contents) {
            free(v);
            v = contents;
        } else if (perr) {
            free(v);
            p->err = S_ERR_OTHER;
            p->err_text = perr;
            return NULL;
        }
    }
    vs_json_t *j = vs_json_str(v);
    free(v);
    return j;
}

/* _value: an unquoted first value; '' when nothing matches. */
static vs_json_t *s_value(s_parser_t *p)
{
    size_t n = s_match_value(p, s_first_follow);
    const char *start = p->in + p->i;
    p->i += n;
    return s_processed(p, start, n, true);
}

/* The quoted-value regexes '(?:\\'|[^'])*' and "(?:\\"|[^"])*". Greedy with
 * backtracking: the first bare quote closes the value; when none does, the
 * engine backtracks to the last escaped quote and lets it close instead. */
static vs_json_t *s_quoted(s_parser_t *p, char q)
{
    size_t i = p->i + 1, last_escape = 0, end = 0;
    bool closed = false;
    while (i < p->len) {
        if (p->in[i] == '\\' && i + 1 < p->len && p->in[i + 1] == q) {
            last_escape = i + 1;
            i += 2;
        } else if (p->in[i] == q) {
            end = i;
            closed = true;
            break;
        } else {
            i++;
        }
    }
    if (!closed) {
        if (!last_escape) {
            s_syntax_error(p, q == '\'' ? "<singled quoted>" : "<double quoted>", "<none>");
            return NULL;
        }
        end = last_escape;
    }
    /* value[1:-1], then \q -> q, then \\ -> \ */
    const char *s = p->in + p->i + 1;
    size_t n = end - (p->i + 1);
    p->i = end + 1;
    vs_buf_t b = VS_BUF_INIT;
    for (size_t k = 0; k < n; k++) {
        if (s[k] == '\\' && k + 1 < n && s[k + 1] == q) {
            vs_buf_putc(&b, q);
            k++;
        } else {
            vs_buf_putc(&b, s[k]);
        }
    }
    char *once = vs_buf_take(&b);
    if (!once)
        return NULL;
    size_t m = strlen(once);
    for (size_t k = 0; k < m; k++) {
        if (once[k] == '\\' && k + 1 < m && once[k + 1] == '\\') {
            vs_buf_putc(&b, '\\');
            k++;
        } else {
            vs_buf_putc(&b, once[k]);
        }
    }
    free(once);
    char *v = vs_buf_take(&b);
    if (!v)
        return NULL;
    vs_json_t *j = s_processed(p, v, strlen(v), false);
    free(v);
    return j;
}

static vs_json_t *s_first_value(s_parser_t *p)
{
    int c = s_current(p);
    if (c == '\'' || c == '"')
        return s_quoted(p, (char)c);
    return s_value(p);
}

static vs_json_t *s_second_value(s_parser_t *p)
{
    int c = s_current(p);
    if (c == '\'' || c == '"')
        return s_quoted(p, (char)c);
    size_t n = s_match_value(p, s_second_follow);
    if (n == 0) {
        s_syntax_error(p, "<second>", "<none>");
        return NULL;
    }
    const char *start = p->in + p->i;
    p->i += n;
    return s_processed(p, start, n, true);
}

static vs_json_t *s_explicit_values(s_parser_t *p);

static vs_json_t *s_explicit_list(s_parser_t *p)
{
    if (!s_expect(p, '[', true))
        return NULL;
    vs_json_t *values = vs_json_array();
    while (values && s_current(p) != ']') {
        vs_json_t *v = s_explicit_values(p);
        if (!v)
            goto fail;
        vs_json_push(values, v);
        s_consume_ws(p);
        if (s_current(p) != ']') {
            if (!s_expect(p, ',', false))
                goto fail;
            s_consume_ws(p);
        }
    }
    if (values && s_expect(p, ']', false))
        return values;
fail:
    vs_json_free(&values);
    return NULL;
}

static bool s_key(s_parser_t *p, char *out, size_t outlen);

static vs_json_t *s_hash_literal(s_parser_t *p)
{
    if (!s_expect(p, '{', true))
        return NULL;
    vs_json_t *kv = vs_json_object();
    char key[256];
    while (kv && s_current(p) != '}') {
        if (!s_key(p, key, sizeof key))
            goto fail;
        p->resolve_paramfiles = false;
        if (s_expect(p, '@', true))
            p->resolve_paramfiles = true;
        else
            s_clear_error(p);
        if (!s_expect(p, '=', true))
            goto fail;
        vs_json_t *v = s_explicit_values(p);
        if (!v)
            goto fail;
        s_consume_ws(p);
        if (s_current(p) != '}') {
            if (!s_expect(p, ',', false)) {
                vs_json_free(&v);
                goto fail;
            }
            s_consume_ws(p);
        }
        vs_json_set(kv, key, v);
    }
    if (kv && s_expect(p, '}', false))
        return kv;
fail:
    vs_json_free(&kv);
    return NULL;
}

static bool s_enter(s_parser_t *p)
{
    if (p->depth >= S_MAX_DEPTH) {
        p->err = S_ERR_OTHER;
        free(p->err_text);
        p->err_text = strdup("maximum nesting depth exceeded");
        return false;
    }
    p->depth++;
    return true;
}

static vs_json_t *s_explicit_values(s_parser_t *p)
{
    int c = s_current(p);
    if ((c == '[' || c == '{') && !s_enter(p))
        return NULL;
    vs_json_t *v = c == '[' ? s_explicit_list(p) : c == '{' ? s_hash_literal(p) : s_first_value(p);
    if (c == '[' || c == '{')
        p->depth--;
    return v;
}

/* _csv_value: "foo=bar" gives 'bar', "foo=bar,baz" gives ['bar', 'baz'];
 * a following "c=d" is not swallowed: the parser backtracks to the comma. */
static vs_json_t *s_csv_value(s_parser_t *p)
{
    vs_json_t *first = s_first_value(p);
    if (!first)
        return NULL;
    s_consume_ws(p);
    if (s_at_eof(p) || p->in[p->i] != ',')
        return first;
    if (!s_expect(p, ',', true)) {
        vs_json_free(&first);
        return NULL;
    }
    vs_json_t *list = vs_json_array();
    if (!list) {
        vs_json_free(&first);
        return NULL;
    }
    vs_json_push(list, first);
    for (;;) {
        vs_json_t *cur = s_second_value(p);
        if (cur) {
            s_consume_ws(p);
            if (s_at_eof(p)) {
                vs_json_push(list, cur);
                break;
            }
            if (s_expect(p, ',', true)) {
                vs_json_push(list, cur);
                continue;
            }
            vs_json_free(&cur);
        }
        if (p->err != S_ERR_SYNTAX || s_at_eof(p)) {
            vs_json_free(&list);
            return NULL;
        }
        s_clear_error(p);
        while (p->i > 0 && p->in[p->i] != ',')
            p->i--;
        break;
    }
    if (vs_json_len(list) == 1) {
        vs_json_t *only = vs_json_clone(vs_json_at(list, 0));
        vs_json_free(&list);
        return only;
    }
    return list;
}

static vs_json_t *s_values(s_parser_t *p)
{
    if (s_at_eof(p))
        return vs_json_str("");
    int c = s_current(p);
    if (c == '[')
        return s_explicit_list(p);
    if (c == '{')
        return s_hash_literal(p);
    return s_csv_value(p);
}

/* key = [a-zA-Z0-9-_.#/:]*  (may be empty) */
static bool s_key(s_parser_t *p, char *out, size_t outlen)
{
    size_t start = p->i;
    while (!s_at_eof(p)) {
        char c = p->in[p->i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == '#' || c == '/' || c == ':'))
            break;
        p->i++;
    }
    size_t n = p->i - start;
    if (n >= outlen) {
        p->err = S_ERR_OTHER;
        p->err_text = strdup("key too long");
        return false;
    }
    memcpy(out, p->in + start, n);
    out[n] = '\0';
    return true;
}

static vs_json_t *s_keyval(s_parser_t *p, char *key, size_t keylen)
{
    if (!s_key(p, key, keylen))
        return NULL;
    p->resolve_paramfiles = false;
    if (s_expect(p, '@', true))
        p->resolve_paramfiles = true;
    else
        s_clear_error(p);
    if (!s_expect(p, '=', true))
        return NULL;
    return s_values(p);
}

static vs_json_t *s_parameter(s_parser_t *p)
{
    char key[256];
    vs_json_t *params = vs_json_object();
    if (!params)
        return NULL;
    vs_json_t *v = s_keyval(p, key, sizeof key);
    if (!v)
        goto fail;
    vs_json_set(params, key, v);
    size_t last_index = p->i;
    while (p->i < p->len) {
        if (!s_expect(p, ',', true))
            goto fail;
        v = s_keyval(p, key, sizeof key);
        if (!v)
            goto fail;
        if (vs_json_get(params, key)) {
            vs_json_free(&v);
            p->err = S_ERR_DUPKEY;
            p->err_text = strdup(key);
            p->err_index = last_index + 1;
            goto fail;
        }
        vs_json_set(params, key, v);
        last_index = p->i;
    }
    return params;
fail:
    vs_json_free(&params);
    return NULL;
}

/* ShorthandParseError._error_location: the input with a caret under the
 * failing character, splitting at the newlines around it. */
static void s_error_location(vs_buf_t *b, const char *in, size_t len, size_t index)
{
    if (index > len)
        index = len;
    size_t line_start = 0;
    for (size_t k = 0; k < index; k++)
        if (in[k] == '\n')
            line_start = k + 1;
    size_t spaces = 0, n;
    for (size_t k = line_start; k < index; k += n) {
        s_cp_at(in, len, k, &n);
        spaces++;
    }
    const char *nl = memchr(in + index, '\n', len - index);
    size_t consumed = nl ? (size_t)(nl - in) : len;
    vs_buf_putn(b, in, consumed);
    vs_buf_putc(b, '\n');
    vs_buf_repeat(b, ' ', spaces);
    vs_buf_putc(b, '^');
    if (nl)
        vs_buf_putn(b, nl, len - consumed);
}

vs_json_t *cli_shorthand_parse(const char *input, cli_paramfile_fn pf, void *pf_ctx, char **err)
{
    s_parser_t p = { .in = input, .len = strlen(input), .pf = pf, .pf_ctx = pf_ctx };
    *err = NULL;
    vs_json_t *v = s_parameter(&p);
    if (v)
        return v;
    vs_buf_t b = VS_BUF_INIT;
    switch (p.err) {
    case S_ERR_SYNTAX:
        vs_buf_printf(&b, "Expected: '%s', received: '%s' for input:\n", p.expected, p.actual);
        s_error_location(&b, p.in, p.len, p.err_index);
        break;
    case S_ERR_DUPKEY:
        vs_buf_printf(&b, "Second instance of key \"%s\" encountered for input:\n", p.err_text);
        s_error_location(&b, p.in, p.len, p.err_index);
        vs_buf_puts(&b, "\nThis is often because there is a preceding \",\" instead of a space.");
        break;
    case S_ERR_OTHER:
        vs_buf_puts(&b, p.err_text ? p.err_text : "invalid input");
        break;
    default:
        vs_buf_puts(&b, "out of memory");
        break;
    }
    free(p.err_text);
    *err = vs_buf_take(&b);
    return NULL;
}
