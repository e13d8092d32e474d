/* scn_vars: ${NAME.PATH} references (see scn_vars.h). */
#include "scn_vars.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "scn_path.h"

#define S_REF_MAX 600

/* Splits the reference starting at s ("${...}") into name and path; *end
 * points past the '}'. */
static int s_ref(const char *s, char *name, size_t namelen, char *path, size_t pathlen, const char **end,
                 char *err, size_t errlen)
{
    const char *close = strchr(s + 2, '}');
    if (!close) {
        snprintf(err, errlen, "unterminated variable reference '%.40s' (expected '}')", s);
        return -1;
    }
    size_t len = (size_t)(close - (s + 2));
    if (len == 0 || len >= S_REF_MAX) {
        snprintf(err, errlen, "bad variable reference '%.*s'", (int)(close - s + 1 > 60 ? 60 : close - s + 1), s);
        return -1;
    }
    const char *body = s + 2;
    size_t nlen = 0;
    while (nlen < len && body[nlen] != '.' && body[nlen] != '[')
        nlen++;
    if (nlen == 0 || nlen >= namelen || nlen == len) {
        snprintf(err, errlen, "bad variable reference '${%.*s}': expected ${NAME.PATH}, such as ${vpc_a.Vpc.VpcId}",
                 (int)len, body);
        return -1;
    }
    for (size_t i = 0; i < nlen; i++) {
        char c = body[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
            snprintf(err, errlen, "bad variable name '%.*s' in '${%.*s}'", (int)nlen, body, (int)len, body);
            return -1;
        }
    }
    snprintf(name, namelen, "%.*s", (int)nlen, body);
    size_t pstart = body[nlen] == '.' ? nlen + 1 : nlen;
    snprintf(path, pathlen, "%.*s", (int)(len - pstart), body + pstart);
    char perr[200];
    if (scn_path_check(path, perr, sizeof perr) < 0) {
        snprintf(err, errlen, "in '${%.*s}': %s", (int)len, body, perr);
        return -1;
    }
    *end = close + 1;
    return 0;
}

int scn_vars_each(const char *s, scn_var_ref_fn fn, void *ctx, char *err, size_t errlen)
{
    for (const char *p = s; *p;) {
        if (p[0] == '$' && p[1] == '$') {
            p += 2;
            continue;
        }
        if (p[0] == '$' && p[1] == '{') {
            char name[64], path[S_REF_MAX];
            const char *end;
            if (s_ref(p, name, sizeof name, path, sizeof path, &end, err, errlen) < 0)
                return -1;
            if (fn && fn(ctx, name, path, err, errlen) < 0)
                return -1;
            p = end;
            continue;
        }
        p++;
    }
    return 0;
}

char *scn_vars_text(const vs_json_t *v)
{
    if (vs_json_type(v) == VS_JSON_STRING)
        return strdup(vs_json_as_str(v));
    return vs_json_dump(v, 0);
}

char *scn_vars_expand(const char *s, scn_var_lookup_fn lookup, void *ctx, char *err, size_t errlen)
{
    vs_buf_t b = VS_BUF_INIT;
    vs_buf_puts(&b, "");
    for (const char *p = s; *p;) {
        if (p[0] == '$' && p[1] == '$') {
            vs_buf_putc(&b, '$');
            p += 2;
            continue;
        }
        if (!(p[0] == '$' && p[1] == '{')) {
            vs_buf_putc(&b, *p++);
            continue;
        }
        char name[64], path[S_REF_MAX];
        const char *end;
        if (s_ref(p, name, sizeof name, path, sizeof path, &end, err, errlen) < 0) {
            vs_buf_release(&b);
            return NULL;
        }
        const vs_json_t *doc = lookup(ctx, name);
        if (!doc) {
            snprintf(err, errlen, "'%s' has no output (its step failed or has not run)", name);
            vs_buf_release(&b);
            return NULL;
        }
        vs_json_t *val = NULL;
        if (scn_path_eval(path, doc, &val, err, errlen) < 0) {
            vs_buf_release(&b);
            return NULL;
        }
        if (!val) {
            snprintf(err, errlen, "${%s.%s} selects nothing in the output of '%s'", name, path, name);
            vs_buf_release(&b);
            return NULL;
        }
        char *text = scn_vars_text(val);
        vs_json_free(&val);
        vs_buf_puts(&b, text ? text : "");
        free(text);
        p = end;
    }
    if (b.oom) {
        vs_buf_release(&b);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return vs_buf_take(&b);
}
