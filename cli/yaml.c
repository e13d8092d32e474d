/* yaml: the YAML emitter behind --output yaml / yaml-stream (see yaml.h).
 * The layout decisions mirror libyaml's emitter (emitter.c: indentation,
 * yaml_emitter_analyze_scalar, yaml_emitter_select_scalar_style and the
 * plain / single-quoted / double-quoted writers) and ruamel.yaml's YAML
 * 1.2 implicit resolvers (resolver.py), which decide when a string must be
 * quoted so that it reads back as a string.
 */
#include "yaml.h"

#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define S_BEST_WIDTH  80
#define S_BEST_INDENT 2
#define S_MAX_DEPTH   (VS_JSON_MAX_DEPTH + 2)

typedef struct {
    vs_buf_t b;
    int column;
    int indent;                 /* -1 before the first collection */
    int indents[S_MAX_DEPTH * 2];
    int nindents;
    bool whitespace;            /* the last character written was blank */
    bool indention;             /* only indentation written on this line */
    bool mapping_context;       /* the node is a mapping value */
    bool simple_key;            /* the node is a mapping key */
    regex_t resolvers[6];
    size_t nresolvers;
} s_em_t;

/* --- ruamel.yaml's YAML 1.2 implicit resolvers (POSIX forms) ----------------------- */

static const char *const s_resolver_re[] = {
    /* bool */
    "^(true|True|TRUE|false|False|FALSE)$",
    /* float */
    "^([-+]?([0-9][0-9_]*)\\.[0-9_]*([eE][-+]?[0-9]+)?"
    "|[-+]?([0-9][0-9_]*)([eE][-+]?[0-9]+)"
    "|[-+]?\\.[0-9_]+([eE][-+][0-9]+)?"
    "|[-+]?\\.(inf|Inf|INF)"
    "|\\.(nan|NaN|NAN))$",
    /* int */
    "^([-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$",
    /* merge, null, value */
    "^(<<|~|null|Null|NULL|=)$",
    /* timestamp */
    "^([0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
    "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
    "([Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](\\.[0-9]*)?"
    "([ \t]*(Z|[-+][0-9][0-9]?(:[0-9][0-9])?))?)$",
};

/* Would a plain scalar s read back as something other than a string? */
static bool s_resolves_to_other(const s_em_t *e, const char *s)
{
    if (!s[0])
        return true;    /* null */
    for (size_t i = 0; i < e->nresolvers; i++)
        if (regexec(&e->resolvers[i], s, 0, NULL, 0) == 0)
            return true;
    return false;
}

/* --- output primitives -------------------------------------------------------------- */

static void s_put(s_em_t *e, char c)
{
    vs_buf_putc(&e->b, c);
    /* Columns count characters, not UTF-8 continuation bytes. */
    if (((unsigned char)c & 0xC0) != 0x80)
        e->column++;
}

static void s_putn(s_em_t *e, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        s_put(e, s[i]);
}

static void s_break(s_em_t *e)
{
    vs_buf_putc(&e->b, '\n');
    e->column = 0;
}

static void s_write_indent(s_em_t *e)
{
    int indent = e->indent >= 0 ? e->indent : 0;
    if (!e->indention || e->column > indent || (e->column == indent && !e->whitespace))
        s_break(e);
    while (e->column < indent)
        s_put(e, ' ');
    e->whitespace = true;
    e->indention = true;
}

static void s_indicator(s_em_t *e, const char *ind, bool need_ws, bool is_ws, bool is_indention)
{
    if (need_ws && !e->whitespace)
        s_put(e, ' ');
    s_putn(e, ind, strlen(ind));
    e->whitespace = is_ws;
    e->indention = e->indention && is_indention;
}

static void s_increase_indent(s_em_t *e, bool flow, bool indentless)
{
    if (e->nindents < (int)(sizeof e->indents / sizeof e->indents[0]))
        e->indents[e->nindents++] = e->indent;
    if (e->indent < 0)
        e->indent = flow ? S_BEST_INDENT : 0;
    else if (!indentless)
        e->indent += S_BEST_INDENT;
}

static void s_pop_indent(s_em_t *e)
{
    if (e->nindents > 0)
        e->indent = e->indents[--e->nindents];
}

/* --- characters (libyaml's yaml_private.h tests, on UTF-8) ---------------------------- */

static size_t s_width(unsigned char c)
{
    return (c & 0x80) == 0x00 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
         : (c & 0xF8) == 0xF0 ? 4 : 1;
}

static bool s_is_break(const unsigned char *p, const unsigned char *end)
{
    if (p >= end)
        return false;
    return p[0] == '\r' || p[0] == '\n' || (p[0] == 0xC2 && p + 1 < end && p[1] == 0x85) ||
           (p[0] == 0xE2 && p + 2 < end && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9));
}

static bool s_is_blankz(const unsigned char *p, const unsigned char *end)
{
    return p >= end || *p == ' ' || *p == '\t' || s_is_break(p, end);
}

static bool s_is_printable(const unsigned char *p, const unsigned char *end)
{
    unsigned char b0 = p[0], b1 = p + 1 < end ? p[1] : 0, b2 = p + 2 < end ? p[2] : 0;
    return b0 == 0x0A || (b0 >= 0x20 && b0 <= 0x7E) || (b0 == 0xC2 && b1 >= 0xA0) ||
           (b0 > 0xC2 && b0 < 0xED) || (b0 == 0xED && b1 < 0xA0) || b0 == 0xEE ||
           (b0 == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)));
}

/* --- scalar analysis (yaml_emitter_analyze_scalar) -------------------------------------- */

typedef struct {
    bool multiline, block_plain_allowed, single_quoted_allowed;
} s_analysis_t;

static s_analysis_t s_analyze(const char *str)
{
    const unsigned char *p = (const unsigned char *)str, *start = p, *end = p + strlen(str);
    s_analysis_t a = { false, true, true };
    if (p == end)
        return a;
    bool block_ind = false, flow_ind = false, line_breaks = false, special = false;
    bool leading_space = false, leading_break = false, trailing_space = false,
         trailing_break = false, break_space = false, space_break = false;
    bool prev_space = false, prev_break = false;
    if (end - p >= 3 && (!strncmp(str, "---", 3) || !strncmp(str, "...", 3)) &&
        s_is_blankz(p + 3, end))
        block_ind = flow_ind = true;
    bool preceded_ws = true;
    bool followed_ws = s_is_blankz(p + s_width(*p), end);
    while (p < end) {
        unsigned char c = *p;
        if (p == start) {
            if (strchr("#,[]{}&*!|>'\"%@`", c) && c) {
                flow_ind = block_ind = true;
            } else if (c == '?' || c == ':') {
                flow_ind = true;
                if (followed_ws)
                    block_ind = true;
            } else if (c == '-' && followed_ws) {
                flow_ind = block_ind = true;
            }
        } else {
            if (c && strchr(",?[]{}", c)) {
                flow_ind = true;
            } else if (c == ':') {
                flow_ind = true;
                if (followed_ws)
                    block_ind = true;
            } else if (c == '#' && preceded_ws) {
                flow_ind = block_ind = true;
            }
        }
        if (!s_is_printable(p, end))
            special = true;
        if (s_is_break(p, end))
            line_breaks = true;
        size_t w = s_width(c);
        bool last = p + w >= end;
        if (c == ' ') {
            if (p == start)
                leading_space = true;
            if (last)
                trailing_space = true;
            if (prev_break)
                break_space = true;
            prev_space = true;
            prev_break = false;
        } else if (s_is_break(p, end)) {
            if (p == start)
                leading_break = true;
            if (last)
                trailing_break = true;
            if (prev_space)
                space_break = true;
            prev_break = true;
            prev_space = false;
        } else {
            prev_space = prev_break = false;
        }
        preceded_ws = s_is_blankz(p, end);
        p += w;
        if (p < end)
            followed_ws = s_is_blankz(p + s_width(*p), end);
    }
    a.multiline = line_breaks;
    if (leading_space || leading_break || trailing_space || trailing_break)
        a.block_plain_allowed = false;
    if (break_space)
        a.block_plain_allowed = a.single_quoted_allowed = false;
    if (space_break || special)
        a.block_plain_allowed = a.single_quoted_allowed = false;
    if (line_breaks)
        a.block_plain_allowed = false;
    if (block_ind)
        a.block_plain_allowed = false;
    (void)flow_ind;    /* block context only: flow indicators do not matter */
    return a;
}

/* --- scalar writers --------------------------------------------------------------------- */

static void s_write_plain(s_em_t *e, const char *s, bool allow_breaks)
{
    const char *end = s + strlen(s);
    bool spaces = false;
    if (!e->whitespace)
        s_put(e, ' ');
    for (const char *p = s; p < end;) {
        size_t w = s_width((unsigned char)*p);
        if (*p == ' ') {
            if (allow_breaks && !spaces && e->column > S_BEST_WIDTH && p + 1 < end && p[1] != ' ')
                s_write_indent(e);
            else
                s_put(e, ' ');
            spaces = true;
        } else {
            s_putn(e, p, w);
            e->indention = false;
            spaces = false;
        }
        p += w;
    }
    e->whitespace = false;
    e->indention = false;
}

static void s_write_single(s_em_t *e, const char *s, bool allow_breaks)
{
    const char *start = s, *end = s + strlen(s);
    bool spaces = false, breaks = false;
    s_indicator(e, "'", true, false, false);
    for (const char *p = s; p < end;) {
        size_t w = s_width((unsigned char)*p);
        if (*p == ' ') {
            if (allow_breaks && !spaces && e->column > S_BEST_WIDTH && p != start &&
                p != end - 1 && p[1] != ' ')
                s_write_indent(e);
            else
                s_put(e, ' ');
            spaces = true;
        } else if (s_is_break((const unsigned char *)p, (const unsigned char *)end)) {
            if (!breaks && *p == '\n')
                s_break(e);
            s_break(e);
            e->indention = true;
            breaks = true;
        } else {
            if (breaks)
                s_write_indent(e);
            if (*p == '\'')
                s_put(e, '\'');
            s_putn(e, p, w);
            e->indention = false;
            spaces = breaks = false;
        }
        p += w;
    }
    if (breaks)
        s_write_indent(e);
    s_indicator(e, "'", false, false, false);
    e->whitespace = false;
    e->indention = false;
}

/* The code point at p (w bytes). */
static uint32_t s_codepoint(const unsigned char *p, size_t w)
{
    uint32_t v = w == 1 ? p[0] : w == 2 ? p[0] & 0x1F : w == 3 ? p[0] & 0x0F : p[0] & 0x07;
    for (size_t i = 1; i < w; i++)
        v = (v << 6) | (p[i] & 0x3F);
    return v;
}

static void s_write_double(s_em_t *e, const char *s, bool allow_breaks)
{
    const unsigned char *start = (const unsigned char *)s, *end = start + strlen(s);
    bool spaces = false;
    s_indicator(e, "\"", true, false, false);
    for (const unsigned char *p = start; p < end;) {
        size_t w = s_width(*p);
        if (p + w > end)
            w = (size_t)(end - p);
        if (!s_is_printable(p, end) || s_is_break(p, end) || *p == '"' || *p == '\\') {
            uint32_t v = s_codepoint(p, w);
            char esc[16];
            switch (v) {
            case 0x00: strcpy(esc, "\\0"); break;
            case 0x07: strcpy(esc, "\\a"); break;
            case 0x08: strcpy(esc, "\\b"); break;
            case 0x09: strcpy(esc, "\\t"); break;
            case 0x0A: strcpy(esc, "\\n"); break;
            case 0x0B: strcpy(esc, "\\v"); break;
            case 0x0C: strcpy(esc, "\\f"); break;
            case 0x0D: strcpy(esc, "\\r"); break;
            case 0x1B: strcpy(esc, "\\e"); break;
            case 0x22: strcpy(esc, "\\\""); break;
            case 0x5C: strcpy(esc, "\\\\"); break;
            case 0x85: strcpy(esc, "\\N"); break;
            case 0xA0: strcpy(esc, "\\_"); break;
            case 0x2028: strcpy(esc, "\\L"); break;
            case 0x2029: strcpy(esc, "\\P"); break;
            default:
                snprintf(esc, sizeof esc, v <= 0xFF ? "\\x%02X" : v <= 0xFFFF ? "\\u%04X" : "\\U%08X",
                         (unsigned)v);
            }
            s_putn(e, esc, strlen(esc));
            spaces = false;
        } else if (*p == ' ') {
            if (allow_breaks && !spaces && e->column > S_BEST_WIDTH && p != start && p != end - 1) {
                s_write_indent(e);
                if (p + 1 < end && p[1] == ' ')
                    s_put(e, '\\');
            } else {
                s_put(e, ' ');
            }
            spaces = true;
        } else {
            s_putn(e, (const char *)p, w);
            spaces = false;
        }
        p += w;
    }
    s_indicator(e, "\"", false, false, false);
    e->whitespace = false;
    e->indention = false;
}

/* A string scalar, in the style libyaml selects for it. */
static void s_scalar_str(s_em_t *e, const char *s)
{
    s_analysis_t a = s_analyze(s);
    enum { PLAIN, SINGLE, DOUBLE } style = PLAIN;
    if (!a.block_plain_allowed || (!s[0] && e->simple_key) || s_resolves_to_other(e, s))
        style = SINGLE;
    if (style == SINGLE && !a.single_quoted_allowed)
        style = DOUBLE;
    if (e->simple_key && a.multiline)
        style = DOUBLE;
    bool allow_breaks = !e->simple_key;
    s_increase_indent(e, true, false);
    if (style == PLAIN)
        s_write_plain(e, s, allow_breaks);
    else if (style == SINGLE)
        s_write_single(e, s, allow_breaks);
    else
        s_write_double(e, s, allow_breaks);
    s_pop_indent(e);
}

/* A non-string scalar: its plain text (true, 12, null), never quoted. */
static void s_scalar_raw(s_em_t *e, const char *text)
{
    s_increase_indent(e, true, false);
    s_write_plain(e, text, false);
    s_pop_indent(e);
}

/* --- nodes ------------------------------------------------------------------------------- */

static void s_node(s_em_t *e, const vs_json_t *v, int depth);

static int s_keycmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void s_mapping(s_em_t *e, const vs_json_t *v, int depth)
{
    size_t n = vs_json_len(v);
    if (n == 0) {
        s_indicator(e, "{", true, true, false);
        s_indicator(e, "}", false, false, false);
        return;
    }
    /* The safe representer sorts the keys (Python's sorted: code points,
     * which strcmp on UTF-8 agrees with). */
    const char **keys = malloc(n * sizeof *keys);
    if (!keys)
        return;
    for (size_t i = 0; i < n; i++)
        keys[i] = vs_json_key_at(v, i);
    qsort(keys, n, sizeof *keys, s_keycmp);
    s_increase_indent(e, false, false);
    for (size_t i = 0; i < n; i++) {
        s_write_indent(e);
        e->simple_key = true;
        e->mapping_context = true;
        s_scalar_str(e, keys[i]);
        e->simple_key = false;
        s_indicator(e, ":", false, false, false);
        e->mapping_context = true;
        s_node(e, vs_json_get(v, keys[i]), depth + 1);
    }
    s_pop_indent(e);
    free(keys);
}

static void s_sequence(s_em_t *e, const vs_json_t *v, int depth)
{
    size_t n = vs_json_len(v);
    if (n == 0) {
        s_indicator(e, "[", true, true, false);
        s_indicator(e, "]", false, false, false);
        return;
    }
    s_increase_indent(e, false, e->mapping_context && !e->indention);
    for (size_t i = 0; i < n; i++) {
        s_write_indent(e);
        s_indicator(e, "-", true, false, true);
        e->mapping_context = false;
        s_node(e, vs_json_at(v, i), depth + 1);
    }
    s_pop_indent(e);
}

static void s_node(s_em_t *e, const vs_json_t *v, int depth)
{
    char buf[64];
    bool mapping_context = e->mapping_context;
    e->mapping_context = false;
    if (depth > S_MAX_DEPTH)
        return;
    switch (vs_json_type(v)) {
    case VS_JSON_OBJECT:
        e->mapping_context = mapping_context;
        s_mapping(e, v, depth);
        break;
    case VS_JSON_ARRAY:
        e->mapping_context = mapping_context;
        s_sequence(e, v, depth);
        break;
    case VS_JSON_STRING:
        s_scalar_str(e, vs_json_as_str(v));
        break;
    case VS_JSON_BOOL:
        s_scalar_raw(e, vs_json_as_bool(v, false) ? "true" : "false");
        break;
    case VS_JSON_NUMBER:
        if (vs_json_is_int(v)) {
            snprintf(buf, sizeof buf, "%" PRId64, vs_json_as_int(v, 0));
            s_scalar_raw(e, buf);
        } else {
            char *t = vs_json_dump(v, 0);
            s_scalar_raw(e, t ? t : "0.0");
            free(t);
        }
        break;
    default:
        s_scalar_raw(e, "null");
        break;
    }
}

char *cli_output_yaml(const vs_json_t *doc, bool stream)
{
    /* YAMLFormatter: `if response == {}: return` (nothing at all). */
    if (!stream && vs_json_type(doc) == VS_JSON_OBJECT && vs_json_len(doc) == 0)
        return strdup("");
    s_em_t e = { .b = VS_BUF_INIT, .indent = -1, .whitespace = true, .indention = true };
    for (size_t i = 0; i < sizeof s_resolver_re / sizeof s_resolver_re[0]; i++)
        if (regcomp(&e.resolvers[e.nresolvers], s_resolver_re[i], REG_EXTENDED | REG_NOSUB) == 0)
            e.nresolvers++;
    if (stream) {
        /* One response streamed: dumped as a one-element list. */
        s_increase_indent(&e, false, false);
        s_write_indent(&e);
        s_indicator(&e, "-", true, false, true);
        s_node(&e, doc, 1);
        s_pop_indent(&e);
    } else {
        s_node(&e, doc, 0);
    }
    /* The document ends with a line break (yaml_emitter_emit_document_end). */
    s_write_indent(&e);
    for (size_t i = 0; i < e.nresolvers; i++)
        regfree(&e.resolvers[i]);
    return vs_buf_take(&e.b);
}
