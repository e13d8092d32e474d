/* params: coercion, validation and Python-style rendering of parameter
 * values (see params.h). */
#include "params.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema.h"

/* ---- Python repr/str ---------------------------------------------------- */

static void s_repr_str(vs_buf_t *b, const char *s, size_t n)
{
    bool has_sq = memchr(s, '\'', n) != NULL, has_dq = memchr(s, '"', n) != NULL;
    char q = has_sq && !has_dq ? '"' : '\'';
    vs_buf_putc(b, q);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == (unsigned char)q || c == '\\') {
            vs_buf_putc(b, '\\');
            vs_buf_putc(b, (char)c);
        } else if (c == '\n') {
            vs_buf_puts(b, "\\n");
        } else if (c == '\r') {
            vs_buf_puts(b, "\\r");
        } else if (c == '\t') {
            vs_buf_puts(b, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            vs_buf_printf(b, "\\x%02x", c);
        } else {
            vs_buf_putc(b, (char)c);
        }
    }
    vs_buf_putc(b, q);
}

static void s_number(vs_buf_t *b, const vs_json_t *v)
{
    if (vs_json_is_int(v)) {
        vs_buf_printf(b, "%lld", (long long)vs_json_as_int(v, 0));
        return;
    }
    /* The JSON printer already writes floats as Python's repr does. */
    char *s = vs_json_dump(v, 0);
    vs_buf_puts(b, s ? s : "nan");
    free(s);
}

void cli_pyrepr(vs_buf_t *b, const vs_json_t *v)
{
    switch (vs_json_type(v)) {
    case VS_JSON_NULL:
        vs_buf_puts(b, "None");
        break;
    case VS_JSON_BOOL:
        vs_buf_puts(b, vs_json_as_bool(v, false) ? "True" : "False");
        break;
    case VS_JSON_NUMBER:
        s_number(b, v);
        break;
    case VS_JSON_STRING:
        s_repr_str(b, vs_json_as_str(v), vs_json_str_len(v));
        break;
    case VS_JSON_ARRAY:
        vs_buf_putc(b, '[');
        for (size_t i = 0; i < vs_json_len(v); i++) {
            if (i)
                vs_buf_puts(b, ", ");
            cli_pyrepr(b, vs_json_at(v, i));
        }
        vs_buf_putc(b, ']');
        break;
    case VS_JSON_OBJECT:
        vs_buf_putc(b, '{');
        for (size_t i = 0; i < vs_json_len(v); i++) {
            if (i)
                vs_buf_puts(b, ", ");
            const char *k = vs_json_key_at(v, i);
            s_repr_str(b, k, strlen(k));
            vs_buf_puts(b, ": ");
            cli_pyrepr(b, vs_json_at(v, i));
        }
        vs_buf_putc(b, '}');
        break;
    }
}

void cli_pystr(vs_buf_t *b, const vs_json_t *v)
{
    if (vs_json_type(v) == VS_JSON_STRING)
        vs_buf_putn(b, vs_json_as_str(v), vs_json_str_len(v));
    else
        cli_pyrepr(b, v);
}

const char *cli_pytype(const vs_json_t *v)
{
    switch (vs_json_type(v)) {
    case VS_JSON_NULL:   return "<class 'NoneType'>";
    case VS_JSON_BOOL:   return "<class 'bool'>";
    case VS_JSON_NUMBER: return vs_json_is_int(v) ? "<class 'int'>" : "<class 'float'>";
    case VS_JSON_STRING: return "<class 'str'>";
    case VS_JSON_ARRAY:  return "<class 'list'>";
    default:             return "<class 'dict'>";
    }
}

/* ---- coercion (BackCompatVisitor) --------------------------------------- */

bool cli_py_int(const char *s, int64_t *out)
{
    while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        s++;
    bool neg = false;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    if (*s < '0' || *s > '9')
        return false;
    uint64_t acc = 0;
    const uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    while ((*s >= '0' && *s <= '9') || *s == '_') {
        if (*s == '_') {
            /* a single underscore between two digits */
            if (s[1] < '0' || s[1] > '9')
                return false;
            s++;
            continue;
        }
        uint64_t d = (uint64_t)(*s - '0');
        if (acc > (lim - d) / 10)
            return false;
        acc = acc * 10 + d;
        s++;
    }
    while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        s++;
    if (*s)
        return false;
    *out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    return true;
}

static bool s_py_float(const char *s, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s)
        return false;
    while (*end == ' ' || (*end >= '\t' && *end <= '\r'))
        end++;
    if (*end)
        return false;
    *out = d;
    return true;
}

static char *s_errf(const char *prefix, const vs_json_t *v)
{
    vs_buf_t b = VS_BUF_INIT;
    vs_buf_puts(&b, prefix);
    cli_pyrepr(&b, v);
    return vs_buf_take(&b);
}

vs_json_t *cli_params_coerce(const char *t, const vs_json_t *v, char **err)
{
    *err = NULL;
    switch (cli_schema_kind(t)) {
    case CLI_T_STRUCT: {
        if (vs_json_type(v) != VS_JSON_OBJECT)
            return vs_json_clone(v);
        vs_json_t *o = vs_json_object();
        for (size_t i = 0; o && i < vs_json_len(v); i++) {
            const char *k = vs_json_key_at(v, i);
            const char *mt = cli_schema_member(t, k);
            vs_json_t *c = mt ? cli_params_coerce(mt, vs_json_at(v, i), err)
                              : vs_json_clone(vs_json_at(v, i));
            if (!c) {
                vs_json_free(&o);
                return NULL;
            }
            vs_json_set(o, k, c);
        }
        return o;
    }
    case CLI_T_LIST: {
        if (vs_json_type(v) == VS_JSON_NULL)
            return vs_json_null();
        if (vs_json_type(v) != VS_JSON_ARRAY) {
            /* "foo=bar" where bar should really be ["bar"]; like the AWS
             * CLI, the wrapped element is not visited further. */
            vs_json_t *a = vs_json_array();
            if (a)
                vs_json_push(a, vs_json_clone(v));
            return a;
        }
        vs_json_t *a = vs_json_array();
        for (size_t i = 0; a && i < vs_json_len(v); i++) {
            vs_json_t *c = cli_params_coerce(cli_schema_elem(t), vs_json_at(v, i), err);
            if (!c) {
                vs_json_free(&a);
                return NULL;
            }
            vs_json_push(a, c);
        }
        return a;
    }
    case CLI_T_INT: {
        const char *s = vs_json_as_str(v);
        if (!s)
            return vs_json_clone(v);
        int64_t n;
        if (!cli_py_int(s, &n)) {
            *err = s_errf("invalid literal for int() with base 10: ", v);
            return NULL;
        }
        return vs_json_int(n);
    }
    case CLI_T_FLOAT: {
        const char *s = vs_json_as_str(v);
        if (!s)
            return vs_json_clone(v);
        double d;
        if (!s_py_float(s, &d)) {
            *err = s_errf("could not convert string to float: ", v);
            return NULL;
        }
        return vs_json_num(d);
    }
    case CLI_T_BOOL: {
        const char *s = vs_json_as_str(v);
        if (s && strcasecmp(s, "true") == 0)
            return vs_json_bool(true);
        if (s && strcasecmp(s, "false") == 0)
            return vs_json_bool(false);
        return vs_json_clone(v);
    }
    default:
        return vs_json_clone(v);
    }
}

/* ---- validation (botocore ParamValidator) ------------------------------- */

static const char *s_name(const char *path)
{
    return path && *path ? path : "input";
}

static int s_invalid_type(vs_buf_t *errs, const char *path, const vs_json_t *v, const char *valid)
{
    vs_buf_printf(errs, "Invalid type for parameter %s, value: ", s_name(path));
    cli_pystr(errs, v);
    vs_buf_printf(errs, ", type: %s, valid types: %s\n", cli_pytype(v), valid);
    return 1;
}

int cli_params_validate(const char *t, const vs_json_t *v, const char *path, vs_buf_t *errs)
{
    vs_json_type_t jt = vs_json_type(v);
    int n = 0;
    switch (cli_schema_kind(t)) {
    case CLI_T_STRING:
        return jt == VS_JSON_STRING ? 0 : s_invalid_type(errs, path, v, "<class 'str'>");
    case CLI_T_BLOB:
        return jt == VS_JSON_STRING ? 0
               : s_invalid_type(errs, path, v, "<class 'bytes'>, <class 'bytearray'>, file-like object");
    case CLI_T_INT:
        return jt == VS_JSON_NUMBER && vs_json_is_int(v) ? 0
               : s_invalid_type(errs, path, v, "<class 'int'>");
    case CLI_T_FLOAT:
        return jt == VS_JSON_NUMBER ? 0
               : s_invalid_type(errs, path, v, "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>");
    case CLI_T_BOOL:
        return jt == VS_JSON_BOOL ? 0 : s_invalid_type(errs, path, v, "<class 'bool'>");
    case CLI_T_TIME:
        return jt == VS_JSON_STRING || (jt == VS_JSON_NUMBER) ? 0
               : s_invalid_type(errs, path, v, "<class 'datetime.datetime'>, timestamp-string");
    case CLI_T_LIST:
        if (jt != VS_JSON_ARRAY)
            return s_invalid_type(errs, path, v, "<class 'list'>, <class 'tuple'>");
        for (size_t i = 0; i < vs_json_len(v); i++) {
            vs_buf_t sub = VS_BUF_INIT;
            vs_buf_printf(&sub, "%s[%zu]", path ? path : "", i);
            n += cli_params_validate(cli_schema_elem(t), vs_json_at(v, i), vs_buf_str(&sub), errs);
            vs_buf_release(&sub);
        }
        return n;
    case CLI_T_STRUCT: {
        if (jt != VS_JSON_OBJECT)
            return s_invalid_type(errs, path, v, "<class 'dict'>");
        /* botocore reports every unknown member first, then validates the
         * known ones in the order the user gave them. */
        for (size_t i = 0; i < vs_json_len(v); i++) {
            const char *k = vs_json_key_at(v, i);
            if (cli_schema_member(t, k))
                continue;
            vs_buf_printf(errs, "Unknown parameter in %s: \"%s\", must be one of: ", s_name(path), k);
            const char *cur = t;
            cli_member_t m;
            bool first = true;
            while (cli_schema_next_member(&cur, &m)) {
                vs_buf_printf(errs, "%s%.*s", first ? "" : ", ", (int)m.name_len, m.name);
                first = false;
            }
            vs_buf_putc(errs, '\n');
            n++;
        }
        for (size_t i = 0; i < vs_json_len(v); i++) {
            const char *k = vs_json_key_at(v, i);
            const char *mt = cli_schema_member(t, k);
            if (!mt)
                continue;
            vs_buf_t sub = VS_BUF_INIT;
            if (path && *path)
                vs_buf_printf(&sub, "%s.%s", path, k);
            else
                vs_buf_puts(&sub, k);
            n += cli_params_validate(mt, vs_json_at(v, i), vs_buf_str(&sub), errs);
            vs_buf_release(&sub);
        }
        return n;
    }
    default:
        return 0;
    }
}
