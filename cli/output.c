/* output: json/text/table formatting (see output.h). The text format is a
 * line-by-line port of awscli/text.py. */
#include "output.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "params.h"
#include "table.h"
#include "yaml.h"

static bool s_is_container(const vs_json_t *v)
{
    vs_json_type_t t = vs_json_type(v);
    return t == VS_JSON_ARRAY || t == VS_JSON_OBJECT;
}

static int s_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Keys of obj, sorted (borrowed strings); caller frees the array. */
static const char **s_sorted_keys(const vs_json_t *obj, size_t *n)
{
    *n = vs_json_len(obj);
    const char **k = calloc(*n ? *n : 1, sizeof *k);
    if (!k)
        return NULL;
    for (size_t i = 0; i < *n; i++)
        k[i] = vs_json_key_at(obj, i);
    qsort(k, *n, sizeof *k, s_cmp_str);
    return k;
}

static void s_upper(vs_buf_t *b, const char *s)
{
    for (; *s; s++)
        vs_buf_putc(b, (*s >= 'a' && *s <= 'z') ? (char)(*s - 32) : *s);
}

typedef struct {
    const char **keys;
    size_t n;
} s_keyset_t;

static void s_format_text(vs_buf_t *b, const vs_json_t *item, const char *identifier, const s_keyset_t *scalar_keys);

/* _all_scalar_keys: sorted union of the scalar-valued keys of the dicts. */
static s_keyset_t s_all_scalar_keys(const vs_json_t *list)
{
    s_keyset_t ks = { NULL, 0 };
    size_t cap = 0;
    for (size_t i = 0; i < vs_json_len(list); i++) {
        const vs_json_t *d = vs_json_at(list, i);
        if (vs_json_type(d) != VS_JSON_OBJECT)
            continue;
        for (size_t j = 0; j < vs_json_len(d); j++) {
            const char *k = vs_json_key_at(d, j);
            if (s_is_container(vs_json_at(d, j)))
                continue;
            bool seen = false;
            for (size_t m = 0; m < ks.n && !seen; m++)
                seen = !strcmp(ks.keys[m], k);
            if (seen)
                continue;
            if (ks.n == cap) {
                cap = cap ? cap * 2 : 8;
                const char **nk = realloc(ks.keys, cap * sizeof *nk);
                if (!nk)
                    return ks;
                ks.keys = nk;
            }
            ks.keys[ks.n++] = k;
        }
    }
    if (ks.n)
        qsort(ks.keys, ks.n, sizeof *ks.keys, s_cmp_str);
    return ks;
}

static void s_format_scalar_list(vs_buf_t *b, const vs_json_t *list, bool only_scalars, const char *identifier)
{
    bool first = true;
    for (size_t i = 0; i < vs_json_len(list); i++) {
        const vs_json_t *el = vs_json_at(list, i);
        if (only_scalars && s_is_container(el))
            continue;
        if (identifier) {
            s_upper(b, identifier);
            vs_buf_putc(b, '\t');
            cli_pystr(b, el);
            vs_buf_putc(b, '\n');
        } else {
            if (!first)
                vs_buf_putc(b, '\t');
            cli_pystr(b, el);
        }
        first = false;
    }
    if (!identifier)
        vs_buf_putc(b, '\n');
}

static void s_format_list(vs_buf_t *b, const vs_json_t *item, const char *identifier)
{
    size_t n = vs_json_len(item);
    if (!n)
        return;
    bool any_dict = false, any_list = false;
    for (size_t i = 0; i < n; i++) {
        any_dict |= vs_json_type(vs_json_at(item, i)) == VS_JSON_OBJECT;
        any_list |= vs_json_type(vs_json_at(item, i)) == VS_JSON_ARRAY;
    }
    if (any_dict) {
        s_keyset_t all = s_all_scalar_keys(item);
        for (size_t i = 0; i < n; i++)
            s_format_text(b, vs_json_at(item, i), identifier, &all);
        free(all.keys);
    } else if (any_list) {
        bool any_scalar = false;
        for (size_t i = 0; i < n; i++)
            any_scalar |= !s_is_container(vs_json_at(item, i));
        if (any_scalar)
            s_format_scalar_list(b, item, true, identifier);
        for (size_t i = 0; i < n; i++)
            if (s_is_container(vs_json_at(item, i)))
                s_format_text(b, vs_json_at(item, i), identifier, NULL);
    } else {
        s_format_scalar_list(b, item, false, identifier);
    }
}

static void s_format_dict(vs_buf_t *b, const vs_json_t *item, const char *identifier, const s_keyset_t *scalar_keys)
{
    size_t nkeys;
    const char **keys = s_sorted_keys(item, &nkeys);
    if (!keys)
        return;
    /* _partition_dict */
    bool wrote = false;
    if (!scalar_keys) {
        for (size_t i = 0; i < nkeys; i++) {
            const vs_json_t *v = vs_json_get(item, keys[i]);
            if (s_is_container(v))
                continue;
            if (!wrote && identifier) {
                s_upper(b, identifier);
                vs_buf_putc(b, '\t');
            } else if (wrote) {
                vs_buf_putc(b, '\t');
            }
            cli_pystr(b, v);
            wrote = true;
        }
    } else {
        for (size_t i = 0; i < scalar_keys->n; i++) {
            if (!wrote && identifier) {
                s_upper(b, identifier);
                vs_buf_putc(b, '\t');
            } else if (wrote) {
                vs_buf_putc(b, '\t');
            }
            const vs_json_t *v = vs_json_get(item, scalar_keys->keys[i]);
            if (v)
                cli_pystr(b, v);
            wrote = true;
        }
    }
    if (wrote)
        vs_buf_putc(b, '\n');
    for (size_t i = 0; i < nkeys; i++) {
        const vs_json_t *v = vs_json_get(item, keys[i]);
        bool non_scalar;
        if (!scalar_keys) {
            non_scalar = s_is_container(v);
        } else {
            non_scalar = true;
            for (size_t k = 0; k < scalar_keys->n && non_scalar; k++)
                non_scalar = strcmp(scalar_keys->keys[k], keys[i]) != 0;
        }
        if (non_scalar)
            s_format_text(b, v, keys[i], NULL);
    }
    free(keys);
}

static void s_format_text(vs_buf_t *b, const vs_json_t *item, const char *identifier, const s_keyset_t *scalar_keys)
{
    switch (vs_json_type(item)) {
    case VS_JSON_OBJECT:
        s_format_dict(b, item, identifier, scalar_keys);
        break;
    case VS_JSON_ARRAY:
        s_format_list(b, item, identifier);
        break;
    default:
        cli_pystr(b, item);
        vs_buf_putc(b, '\n');
        break;
    }
}

char *cli_output_text(const vs_json_t *doc)
{
    vs_buf_t b = VS_BUF_INIT;
    s_format_text(&b, doc, NULL, NULL);
    return vs_buf_take(&b);
}

char *cli_output_format(const vs_json_t *doc, cli_output_t fmt, const char *title, int term_width)
{
    switch (fmt) {
    case CLI_OUT_TEXT:
        return cli_output_text(doc);
    case CLI_OUT_TABLE:
        return cli_table_format(doc, title, term_width);
    case CLI_OUT_YAML:
    case CLI_OUT_YAML_STREAM:
        return cli_output_yaml(doc, fmt == CLI_OUT_YAML_STREAM);
    default: {
        /* JSONFormatter: `if response != {}` — an empty object prints
         * nothing at all, every other document prints with indent 4. */
        if (vs_json_type(doc) == VS_JSON_OBJECT && vs_json_len(doc) == 0)
            return strdup("");
        char *s = vs_json_dump(doc, 4);
        if (!s)
            return NULL;
        vs_buf_t b = VS_BUF_INIT;
        vs_buf_puts(&b, s);
        vs_buf_putc(&b, '\n');
        free(s);
        return vs_buf_take(&b);
    }
    }
}
