/* table: --output table (see table.h). Names follow awscli/table.py and
 * formatter.py so the port can be checked line by line. */
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "params.h"

typedef struct {
    char *title;
    char **headers;
    size_t nheaders;
    char ***rows;            /* rows[i][0 .. ncols[i]-1] */
    size_t *ncols;
    size_t nrows;
    int indent_level;
    size_t *max_widths;
    size_t nwidths;
} s_section_t;

typedef struct {
    s_section_t **sections;
    size_t n;
    s_section_t *cur;
    bool oom;
} s_table_t;

/* get_text_length: East Asian wide and full-width characters count 2. */
static size_t s_text_length(const char *s)
{
    size_t len = 0;
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        unsigned cp = *u;
        int extra = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;
        cp &= extra == 3 ? 0x07 : extra == 2 ? 0x0f : extra == 1 ? 0x1f : 0xff;
        u++;
        for (int k = 0; k < extra && (*u & 0xc0) == 0x80; k++, u++)
            cp = (cp << 6) | (*u & 0x3f);
        bool wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
                    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
                    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
                    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
                    (cp >= 0x20000 && cp <= 0x3fffd);
        len += wide ? 2 : 1;
    }
    return len;
}

static void s_update_max_widths(s_section_t *s, char **row, size_t n)
{
    if (s->nwidths < n) {
        size_t *w = realloc(s->max_widths, n * sizeof *w);
        if (!w)
            return;
        for (size_t i = s->nwidths; i < n; i++)
            w[i] = 0;
        s->max_widths = w;
        s->nwidths = n;
    }
    for (size_t i = 0; i < n; i++) {
        size_t l = s_text_length(row[i]);
        if (l > s->max_widths[i])
            s->max_widths[i] = l;
    }
}

static s_section_t *s_new_section(s_table_t *t, const char *title, int indent_level)
{
    s_section_t *s = calloc(1, sizeof *s);
    s_section_t **ns = realloc(t->sections, (t->n + 1) * sizeof *ns);
    if (!s || !ns) {
        free(s);
        if (ns)
            t->sections = ns;
        t->oom = true;
        return NULL;
    }
    t->sections = ns;
    s->title = strdup(title ? title : "");
    s->indent_level = indent_level;
    t->sections[t->n++] = s;
    t->cur = s;
    return s;
}

static void s_free_section(s_section_t *s)
{
    if (!s)
        return;
    free(s->title);
    for (size_t i = 0; i < s->nheaders; i++)
        free(s->headers[i]);
    free(s->headers);
    for (size_t r = 0; r < s->nrows; r++) {
        for (size_t c = 0; c < s->ncols[r]; c++)
            free(s->rows[r][c]);
        free(s->rows[r]);
    }
    free(s->rows);
    free(s->ncols);
    free(s->max_widths);
    free(s);
}

/* Takes ownership of the strings in row[0..n-1] (and of row). */
static void s_add_row(s_table_t *t, char **row, size_t n)
{
    s_section_t *s = t->cur;
    char ***nr = s ? realloc(s->rows, (s->nrows + 1) * sizeof *nr) : NULL;
    size_t *nc = nr ? realloc(s->ncols, (s->nrows + 1) * sizeof *nc) : NULL;
    if (nr)
        s->rows = nr;
    if (!nc) {
        t->oom = true;
        for (size_t i = 0; i < n; i++)
            free(row[i]);
        free(row);
        return;
    }
    s->ncols = nc;
    s->rows[s->nrows] = row;
    s->ncols[s->nrows] = n;
    s->nrows++;
    s_update_max_widths(s, row, n);
}

static void s_add_header(s_table_t *t, char **headers, size_t n)
{
    s_section_t *s = t->cur;
    if (!s)
        return;
    s_update_max_widths(s, headers, n);
    for (size_t i = 0; i < s->nheaders; i++)
        free(s->headers[i]);
    free(s->headers);
    s->headers = headers;
    s->nheaders = n;
}

static char *s_str(const vs_json_t *v)
{
    vs_buf_t b = VS_BUF_INIT;
    if (v)
        cli_pystr(&b, v);
    return vs_buf_take(&b);
}

static bool s_scalar(const vs_json_t *v)
{
    return vs_json_type(v) != VS_JSON_ARRAY && vs_json_type(v) != VS_JSON_OBJECT;
}

static int s_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* _group_scalar_keys over one dict or (union) a list of dicts: sorted
 * scalar keys (headers) and non-scalar keys (more), as malloc'd copies. */
static void s_add_key(char ***arr, size_t *n, const char *k)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*arr)[i], k))
            return;
    char **na = realloc(*arr, (*n + 1) * sizeof *na);
    if (!na)
        return;
    *arr = na;
    (*arr)[(*n)++] = strdup(k);
}

static void s_group_keys(const vs_json_t *d, char ***headers, size_t *nh, char ***more, size_t *nm)
{
    for (size_t i = 0; i < vs_json_len(d); i++) {
        if (s_scalar(vs_json_at(d, i)))
            s_add_key(headers, nh, vs_json_key_at(d, i));
        else
            s_add_key(more, nm, vs_json_key_at(d, i));
    }
}

static void s_free_keys(char **k, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(k[i]);
    free(k);
}

static bool s_build_table(s_table_t *t, const char *title, const vs_json_t *cur, int indent_level);

static void s_sub_table_from_dict(s_table_t *t, const vs_json_t *cur, int indent_level)
{
    char **headers = NULL, **more = NULL;
    size_t nh = 0, nm = 0;
    s_group_keys(cur, &headers, &nh, &more, &nm);
    if (nh)
        qsort(headers, nh, sizeof *headers, s_cmp);
    if (nm)
        qsort(more, nm, sizeof *more, s_cmp);
    if (nh == 1) {
        char **row = calloc(2, sizeof *row);
        if (row) {
            row[0] = strdup(headers[0]);
            row[1] = s_str(vs_json_get(cur, headers[0]));
            s_add_row(t, row, 2);
        }
        s_free_keys(headers, nh);
    } else if (nh > 1) {
        char **row = calloc(nh, sizeof *row);
        for (size_t i = 0; row && i < nh; i++)
            row[i] = s_str(vs_json_get(cur, headers[i]));
        s_add_header(t, headers, nh);
        if (row)
            s_add_row(t, row, nh);
    } else {
        free(headers);
    }
    for (size_t i = 0; i < nm; i++)
        s_build_table(t, more[i], vs_json_get(cur, more[i]), indent_level + 1);
    s_free_keys(more, nm);
}

static char **s_copy_keys(char **k, size_t n)
{
    char **c = calloc(n ? n : 1, sizeof *c);
    for (size_t i = 0; c && i < n; i++)
        c[i] = strdup(k[i]);
    return c;
}

static void s_sub_table_from_list(s_table_t *t, const vs_json_t *cur, int indent_level, const char *title)
{
    char **headers = NULL, **more = NULL;
    size_t nh = 0, nm = 0;
    for (size_t i = 0; i < vs_json_len(cur); i++)
        if (vs_json_type(vs_json_at(cur, i)) == VS_JSON_OBJECT)
            s_group_keys(vs_json_at(cur, i), &headers, &nh, &more, &nm);
    if (nh)
        qsort(headers, nh, sizeof *headers, s_cmp);
    if (nm)
        qsort(more, nm, sizeof *more, s_cmp);
    s_add_header(t, s_copy_keys(headers, nh), nh);
    for (size_t e = 0; e < vs_json_len(cur); e++) {
        const vs_json_t *el = vs_json_at(cur, e);
        if (e > 0 && nm) {
            s_new_section(t, title, indent_level);
            s_add_header(t, s_copy_keys(headers, nh), nh);
        }
        char **row = calloc(nh ? nh : 1, sizeof *row);
        for (size_t i = 0; row && i < nh; i++) {
            const vs_json_t *v = vs_json_get(el, headers[i]);
            row[i] = v ? s_str(v) : strdup("");
        }
        if (row)
            s_add_row(t, row, nh);
        for (size_t i = 0; i < nm; i++)
            if (vs_json_get(el, more[i]))
                s_build_table(t, more[i], vs_json_get(el, more[i]), indent_level + 1);
    }
    s_free_keys(headers, nh);
    s_free_keys(more, nm);
}

static bool s_truthy(const vs_json_t *v)
{
    switch (vs_json_type(v)) {
    case VS_JSON_NULL: return false;
    case VS_JSON_BOOL: return vs_json_as_bool(v, false);
    case VS_JSON_NUMBER: return vs_json_as_num(v, 0) != 0;
    case VS_JSON_STRING: return vs_json_str_len(v) > 0;
    default: return vs_json_len(v) > 0;
    }
}

static bool s_build_table(s_table_t *t, const char *title, const vs_json_t *cur, int indent_level)
{
    if (!s_truthy(cur))
        return false;
    if (title)
        s_new_section(t, title, indent_level);
    if (vs_json_type(cur) == VS_JSON_ARRAY) {
        if (vs_json_type(vs_json_at(cur, 0)) == VS_JSON_OBJECT) {
            s_sub_table_from_list(t, cur, indent_level, title);
        } else {
            for (size_t i = 0; i < vs_json_len(cur); i++) {
                const vs_json_t *item = vs_json_at(cur, i);
                bool all_scalar = vs_json_type(item) == VS_JSON_ARRAY;
                for (size_t k = 0; all_scalar && k < vs_json_len(item); k++)
                    all_scalar = s_scalar(vs_json_at(item, k));
                if (s_scalar(item)) {
                    char **row = calloc(1, sizeof *row);
                    if (row) {
                        row[0] = s_str(item);
                        s_add_row(t, row, 1);
                    }
                } else if (all_scalar) {
                    size_t n = vs_json_len(item);
                    char **row = calloc(n ? n : 1, sizeof *row);
                    for (size_t k = 0; row && k < n; k++)
                        row[k] = s_str(vs_json_at(item, k));
                    if (row)
                        s_add_row(t, row, n);
                } else {
                    s_build_table(t, NULL, item, 0);
                }
            }
        }
    }
    if (vs_json_type(cur) == VS_JSON_OBJECT)
        s_sub_table_from_dict(t, cur, indent_level);
    return true;
}

/* ---- rendering (MultiTable) --------------------------------------------- */

static void s_repeat(vs_buf_t *b, char c, long n)
{
    if (n > 0)
        vs_buf_repeat(b, c, (size_t)n);
}

/* center_text; appends to b. */
static void s_center(vs_buf_t *b, const char *text, long length, const char *left, const char *right)
{
    long tl = (long)s_text_length(text);
    long char_start = length / 2 - tl / 2 - 1;
    vs_buf_puts(b, left);
    s_repeat(b, ' ', char_start);
    vs_buf_puts(b, text);
    long so_far = (long)strlen(left) + char_start + tl;
    s_repeat(b, ' ', length - (long)strlen(right) - so_far);
    vs_buf_puts(b, right);
}

/* align_left with left_padding 2. */
static void s_align_left(vs_buf_t *b, const char *text, long length, const char *left, const char *right)
{
    long tl = (long)s_text_length(text);
    long computed = tl + 2 + (long)strlen(left) + (long)strlen(right);
    long padding = length - computed >= 0 ? 2 : 0;
    vs_buf_puts(b, left);
    s_repeat(b, ' ', padding);
    vs_buf_puts(b, text);
    s_repeat(b, ' ', length - ((long)strlen(left) + padding + tl) - (long)strlen(right));
    vs_buf_puts(b, right);
}

/* Section.calculate_column_widths(padding=4, max_width); Python 3's
 * round() rounds half to even, as rint() does. */
static long *s_column_widths(const s_section_t *s, long max_width)
{
    if (!s->nwidths)
        return NULL;
    long *w = calloc(s->nwidths, sizeof *w);
    if (!w)
        return NULL;
    double sum = 0;
    for (size_t i = 0; i < s->nwidths; i++)
        sum += (double)(s->max_widths[i] + 4);
    double scale = (double)max_width / sum;
    long total = 0;
    for (size_t i = 0; i < s->nwidths; i++) {
        w[i] = (long)rint(scale * (double)(s->max_widths[i] + 4));
        total += w[i];
    }
    long off_by = total - max_width;
    while (off_by != 0) {
        for (size_t k = 0; k < s->nwidths && off_by != 0; k++) {
            size_t i = off_by < 0 ? s->nwidths - 1 - k : k;
            if (off_by > 0) {
                w[i]--;
                off_by--;
            } else {
                w[i]++;
                off_by++;
            }
        }
    }
    return w;
}

static long s_total_width(const s_section_t *s)
{
    long total = 0;
    for (size_t i = 0; i < s->nwidths; i++)
        total += (long)s->max_widths[i] + 4;
    total += 2 + 2L * s->indent_level;
    long t = (long)s_text_length(s->title) + 2 + 2L * s->indent_level;
    return t > total ? t : total;
}

static long s_max_width(const s_table_t *t)
{
    long m = 0;
    for (size_t i = 0; i < t->n; i++) {
        long w = s_total_width(t->sections[i]);
        if (w > m)
            m = w;
    }
    return m;
}

/* convert_to_vertical_table: single-row sections become key/value rows. */
static void s_convert_to_vertical(s_table_t *t)
{
    for (size_t i = 0; i < t->n; i++) {
        s_section_t *s = t->sections[i];
        if (s->nrows != 1 || !s->nheaders)
            continue;
        s_section_t *v = calloc(1, sizeof *v);
        if (!v)
            continue;
        v->title = strdup(s->title);
        v->indent_level = s->indent_level;
        s_table_t tmp = { .cur = v };
        size_t n = s->nheaders < s->ncols[0] ? s->nheaders : s->ncols[0];
        for (size_t c = 0; c < n; c++) {
            char **row = calloc(2, sizeof *row);
            if (!row)
                continue;
            row[0] = strdup(s->headers[c]);
            row[1] = strdup(s->rows[0][c]);
            s_add_row(&tmp, row, 2);
        }
        s_free_section(s);
        t->sections[i] = v;
    }
}

/* IndentedStream.write of one line (without its '\n'). */
static void s_line(vs_buf_t *out, int indent, const char *line)
{
    s_repeat(out, '|', indent);
    vs_buf_puts(out, line);
    s_repeat(out, '|', indent);
    vs_buf_putc(out, '\n');
}

static void s_line_break(vs_buf_t *out, int indent, const long *w, size_t n)
{
    vs_buf_t l = VS_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i == 0) {
            vs_buf_putc(&l, '+');
            s_repeat(&l, '-', w[i] - 2);
        } else {
            s_repeat(&l, '-', w[i] - 1);
        }
        vs_buf_putc(&l, '+');
    }
    s_line(out, indent, vs_buf_str(&l));
    vs_buf_release(&l);
}

static void s_render_section(vs_buf_t *out, const s_section_t *s, long max_width)
{
    int ind = s->indent_level;
    max_width -= 2L * ind;
    vs_buf_t l = VS_BUF_INIT;
    if (s->title[0]) {
        s_center(&l, s->title, max_width, "|", "|");
        s_line(out, ind, vs_buf_str(&l));
        vs_buf_release(&l);
        if (!s->nheaders && !s->nrows) {
            vs_buf_putc(&l, '+');
            s_repeat(&l, '-', max_width - 2);
            vs_buf_putc(&l, '+');
            s_line(out, ind, vs_buf_str(&l));
            vs_buf_release(&l);
        }
    }
    long *w = s_column_widths(s, max_width);
    if (s->nheaders && w) {
        for (size_t i = 0; i < s->nheaders && i < s->nwidths; i++)
            s_center(&l, s->headers[i], w[i], i == 0 ? "|" : "", "|");
        s_line_break(out, ind, w, s->nwidths);
        s_line(out, ind, vs_buf_str(&l));
        vs_buf_release(&l);
    }
    if (s->nrows && w) {
        s_line_break(out, ind, w, s->nwidths);
        for (size_t r = 0; r < s->nrows; r++) {
            for (size_t c = 0; c < s->ncols[r] && c < s->nwidths; c++)
                s_align_left(&l, s->rows[r][c], w[c], c == 0 ? "|" : "", "|");
            s_line(out, ind, vs_buf_str(&l));
            vs_buf_release(&l);
        }
        s_line_break(out, ind, w, s->nwidths);
    }
    free(w);
}

char *cli_table_format(const vs_json_t *doc, const char *title, int term_width)
{
    s_table_t t = { 0 };
    vs_buf_t out = VS_BUF_INIT;
    if (s_build_table(&t, title, doc, 0) && t.n && !t.oom) {
        long max_width = s_max_width(&t);
        if (max_width > (term_width > 0 ? term_width : 80)) {
            s_convert_to_vertical(&t);
            max_width = s_max_width(&t);
        }
        s_repeat(&out, '-', max_width);
        vs_buf_putc(&out, '\n');
        for (size_t i = 0; i < t.n; i++)
            s_render_section(&out, t.sections[i], max_width);
    }
    bool oom = t.oom;
    for (size_t i = 0; i < t.n; i++)
        s_free_section(t.sections[i]);
    free(t.sections);
    if (oom) {
        vs_buf_release(&out);
        return NULL;
    }
    return vs_buf_take(&out);
}
