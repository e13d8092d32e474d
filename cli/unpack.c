/* unpack: option values to JSON, as awscli/argprocess.py does (see
 * unpack.h). */
#include "unpack.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "globals.h"
#include "params.h"
#include "pyjson.h"
#include "schema.h"

static char *s_param_error(const char *flag, const char *msg)
{
    return cli_error_text("Error parsing parameter '%s': %s", flag, msg);
}

/* Python's str.lstrip() for ASCII whitespace; returns the first other char. */
static char s_first_char(const char *s)
{
    while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        s++;
    return *s;
}

vs_json_t *cli_unpack_json(const char *flag, const char *text, char **err)
{
    char why[256];
    size_t len = strlen(text);
    if (!cli_pyjson_check(text, len, why, sizeof why)) {
        vs_buf_t b = VS_BUF_INIT;
        vs_buf_printf(&b, "Invalid JSON: %s\nJSON received: %s", why, text);
        *err = s_param_error(flag, vs_buf_str(&b));
        vs_buf_release(&b);
        return NULL;
    }
    vs_json_t *v = vs_json_parse(text, len, why, sizeof why);
    if (!v) {
        vs_buf_t b = VS_BUF_INIT;
        vs_buf_printf(&b, "Invalid JSON: %s\nJSON received: %s", why, text);
        *err = s_param_error(flag, vs_buf_str(&b));
        vs_buf_release(&b);
    }
    return v;
}

/* Applies the paramfile callback; returns a malloc'd value either way, or
 * NULL with *err set. */
static char *s_paramfile(const char *flag, const char *v, cli_paramfile_fn pf, void *ctx, char **err)
{
    if (pf) {
        char *perr = NULL;
        char *contents = pf(ctx, v, &perr);
        if (contents)
            return contents;
        if (perr) {
            *err = s_param_error(flag, perr);
            free(perr);
            return NULL;
        }
    }
    char *copy = strdup(v);
    if (!copy)
        *err = s_param_error(flag, "out of memory");
    return copy;
}

static vs_json_t *s_scalar(const char *flag, const char *type, const char *v, char **err)
{
    vs_json_t *s = vs_json_str(v);
    if (!s || cli_schema_kind(type) == CLI_T_STRING || cli_schema_kind(type) == CLI_T_TIME ||
        cli_schema_kind(type) == CLI_T_BLOB)
        return s;
    char *cerr = NULL;
    vs_json_t *c = cli_params_coerce(type, s, &cerr);
    vs_json_free(&s);
    if (!c) {
        *err = s_param_error(flag, cerr ? cerr : "out of memory");
        free(cerr);
    }
    return c;
}

static vs_json_t *s_shorthand(const char *flag, const char *type, const char *v,
                              cli_paramfile_fn pf, void *ctx, char **err)
{
    char *serr = NULL;
    vs_json_t *parsed = cli_shorthand_parse(v, pf, ctx, &serr);
    if (!parsed) {
        *err = s_param_error(flag, serr ? serr : "out of memory");
        free(serr);
    }
    return parsed;
}

static vs_json_t *s_coerced(const char *flag, const char *type, vs_json_t *v, char **err)
{
    if (!v)
        return NULL;
    char *cerr = NULL;
    vs_json_t *c = cli_params_coerce(type, v, &cerr);
    vs_json_free(&v);
    if (!c) {
        *err = s_param_error(flag, cerr ? cerr : "out of memory");
        free(cerr);
    }
    return c;
}

static vs_json_t *s_struct(const char *flag, const char *type, const char *v,
                           cli_paramfile_fn pf, void *ctx, char **err)
{
    if (s_first_char(v) == '{')
        return cli_unpack_json(flag, v, err);
    /* A structure whose only member is the string Value: "--x shutdown"
     * means {"Value": "shutdown"} (ParamShorthandParser special case). */
    const char *vt = cli_schema_member(type, "Value");
    if (cli_schema_nmembers(type) == 1 && vt && cli_schema_kind(vt) == CLI_T_STRING && !strchr(v, '=')) {
        vs_json_t *o = vs_json_object();
        vs_json_set_str(o, "Value", v);
        return o;
    }
    return s_coerced(flag, type, s_shorthand(flag, type, v, pf, ctx, err), err);
}

/* Appends the comma-separated pieces of v (with "\," for a literal comma)
 * to list, each unpacked as `elem`. */
static int s_split_scalars(const char *flag, const char *elem, const char *v, vs_json_t *list, char **err)
{
    vs_buf_t piece = VS_BUF_INIT;
    for (const char *p = v;; p++) {
        if (*p == '\\' && p[1] == ',') {
            vs_buf_putc(&piece, ',');
            p++;
            continue;
        }
        if (*p && *p != ',') {
            vs_buf_putc(&piece, *p);
            continue;
        }
        vs_json_t *s = s_scalar(flag, elem, vs_buf_str(&piece), err);
        vs_buf_release(&piece);
        if (!s)
            return -1;
        vs_json_push(list, s);
        if (!*p)
            return 0;
    }
}

static vs_json_t *s_list(const char *flag, const char *type, char **vals, int n,
                         cli_paramfile_fn pf, void *ctx, char **err)
{
    const char *elem = cli_schema_elem(type);
    bool complex_elem = !cli_schema_is_scalar(elem);
    char first = n > 0 ? s_first_char(vals[0]) : 0;
    if (n == 1 && first == '[')
        return cli_unpack_json(flag, vals[0], err);
    if (complex_elem && n > 0 && first != '{' && first != '[') {
        /* Shorthand: one structure per argument. */
        vs_json_t *list = vs_json_array();
        for (int i = 0; list && i < n; i++) {
            vs_json_t *one = s_shorthand(flag, elem, vals[i], pf, ctx, err);
            if (!one) {
                vs_json_free(&list);
                return NULL;
            }
            vs_json_push(list, one);
        }
        return s_coerced(flag, type, list, err);
    }
    vs_json_t *list = vs_json_array();
    for (int i = 0; list && i < n; i++) {
        vs_json_t *one = NULL;
        if (!complex_elem) {
            if (s_split_scalars(flag, elem, vals[i], list, err) < 0) {
                vs_json_free(&list);
                return NULL;
            }
            continue;
        }
        if (s_first_char(vals[i]) == '{' && cli_schema_kind(elem) == CLI_T_STRUCT) {
            one = cli_unpack_json(flag, vals[i], err);
        } else {
            vs_buf_t b = VS_BUF_INIT;
            vs_buf_printf(&b, "Invalid JSON:\n%s", vals[i]);
            *err = s_param_error(flag, vs_buf_str(&b));
            vs_buf_release(&b);
        }
        if (!one) {
            vs_json_free(&list);
            return NULL;
        }
        vs_json_push(list, one);
    }
    return list;
}

vs_json_t *cli_unpack(const char *flag, const char *type, const char *const *vals, int n,
                      cli_paramfile_fn pf, void *pf_ctx, char **err)
{
    *err = NULL;
    bool is_list = cli_schema_kind(type) == CLI_T_LIST;
    if (!is_list && n < 1) {
        *err = s_param_error(flag, "expected one argument");
        return NULL;
    }
    int m = is_list ? n : 1;
    /* Like awscli's URIArgumentHandler, only a lone value is a paramfile
     * candidate; its contents then stand for the whole option. */
    char **loaded = calloc((size_t)(m > 0 ? m : 1), sizeof *loaded);
    if (!loaded) {
        *err = s_param_error(flag, "out of memory");
        return NULL;
    }
    vs_json_t *v = NULL;
    for (int i = 0; i < m; i++) {
        loaded[i] = m == 1 ? s_paramfile(flag, vals[i], pf, pf_ctx, err) : strdup(vals[i]);
        if (!loaded[i]) {
            if (!*err)
                *err = s_param_error(flag, "out of memory");
            goto out;
        }
    }
    switch (cli_schema_kind(type)) {
    case CLI_T_LIST:
        v = s_list(flag, type, loaded, m, pf, pf_ctx, err);
        break;
    case CLI_T_STRUCT:
        v = s_struct(flag, type, loaded[0], pf, pf_ctx, err);
        break;
    default:
        v = s_scalar(flag, type, loaded[0], err);
        break;
    }
out:
    for (int i = 0; i < m; i++)
        free(loaded[i]);
    free(loaded);
    return v;
}
