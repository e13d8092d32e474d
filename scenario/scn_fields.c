/* scn_fields: the typed readers of a scenario file's fields (strings,
 * numbers, booleans, allowed keys, ${...} references), whose errors name
 * the file, the line and the field. Below the parser's two halves
 * (scn_parse.c and scn_parse_expect.c).
 */
#include "scn_parse.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "argparse.h"
#include "buf.h"
#include "ids.h"
#include "scn_parse_priv.h"
#include "scn_path.h"
#include "scn_vars.h"
#include "scn_yaml.h"

int scn__fail(scn_pctx_t *c, int line, const char *fmt, ...)
{
    char what[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(c->err, sizeof c->err, "%s:%d: %s%s%s", c->path, line, c->field, *c->field ? ": " : "", what);
    return -1;
}

void scn__field(scn_pctx_t *c, size_t step, const char *name)
{
    if (step)
        snprintf(c->field, sizeof c->field, "step %zu, field '%.120s'", step, name);
    else
        snprintf(c->field, sizeof c->field, "field '%.120s'", name);
}

const char *scn__type_name(const scn_ynode_t *n)
{
    switch (scn_ynode_type(n)) {
    case SCN_Y_MAP: return "a mapping";
    case SCN_Y_SEQ: return "a list";
    default: return "a single value";
    }
}

/* Only the keys in allowed (NULL-terminated) may appear in map. */
int scn__keys(scn_pctx_t *c, const scn_ynode_t *map, const char *const *allowed, const char *where)
{
    for (size_t i = 0; i < scn_ynode_len(map); i++) {
        const char *k = scn_ynode_key_at(map, i);
        bool ok = false;
        for (size_t a = 0; allowed[a] && !ok; a++)
            ok = !strcmp(allowed[a], k);
        if (!ok) {
            vs_buf_t b = VS_BUF_INIT;
            for (size_t a = 0; allowed[a]; a++)
                vs_buf_printf(&b, "%s%s", a ? ", " : "", allowed[a]);
            scn__fail(c, scn_ynode_key_line(map, i), "unknown field '%s' in %s (expected one of: %s)", k, where,
                   vs_buf_str(&b));
            vs_buf_release(&b);
            return -1;
        }
    }
    return 0;
}

int scn__want(scn_pctx_t *c, const scn_ynode_t *n, scn_ytype_t t, const char *what)
{
    if (scn_ynode_type(n) != t)
        return scn__fail(c, scn_ynode_line(n), "expected %s, got %s", what, scn__type_name(n));
    return 0;
}

int scn__string(scn_pctx_t *c, const scn_ynode_t *n, const char **out)
{
    if (scn__want(c, n, SCN_Y_SCALAR, "a string") < 0)
        return -1;
    *out = scn_ynode_str(n);
    return 0;
}

int scn__number(scn_pctx_t *c, const scn_ynode_t *n, double lo, double hi, double *out)
{
    if (scn__want(c, n, SCN_Y_SCALAR, "a number") < 0)
        return -1;
    const char *s = scn_ynode_str(n);
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v))
        return scn__fail(c, scn_ynode_line(n), "expected a number, got '%s'", s);
    if (v < lo || v > hi)
        return scn__fail(c, scn_ynode_line(n), "%s is out of range (%g to %g)", s, lo, hi);
    *out = v;
    return 0;
}

int scn__integer(scn_pctx_t *c, const scn_ynode_t *n, long long lo, long long hi, long long *out)
{
    if (scn__want(c, n, SCN_Y_SCALAR, "a whole number") < 0)
        return -1;
    const char *s = scn_ynode_str(n);
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno)
        return scn__fail(c, scn_ynode_line(n), "expected a whole number, got '%s'", s);
    if (v < lo || v > hi)
        return scn__fail(c, scn_ynode_line(n), "%s is out of range (%lld to %lld)", s, lo, hi);
    *out = v;
    return 0;
}

int scn__boolean(scn_pctx_t *c, const scn_ynode_t *n, bool *out)
{
    if (scn__want(c, n, SCN_Y_SCALAR, "true or false") < 0)
        return -1;
    const char *s = scn_ynode_str(n);
    if (!scn_ynode_quoted(n) && (!strcmp(s, "true") || !strcmp(s, "false"))) {
        *out = !strcmp(s, "true");
        return 0;
    }
    return scn__fail(c, scn_ynode_line(n), "expected true or false, got '%s'", s);
}

char *scn__dup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d) {
        fputs("vpcsim: out of memory\n", stderr);
        abort();
    }
    return d;
}

/* --- ${NAME.PATH} ----------------------------------------------------------- */

static int s_known_name(void *vctx, const char *name, const char *path, char *err, size_t errlen)
{
    scn_pctx_t *c = vctx;
    for (size_t i = 0; i < c->nnames; i++)
        if (!strcmp(c->names[i], name))
            return 0;
    snprintf(err, errlen, "unknown variable '%s' in ${%s.%s} (no earlier step has name: %s)", name, name, path,
             name);
    return -1;
}

int scn__refs(scn_pctx_t *c, const char *s, int line)
{
    char err[700];
    if (scn_vars_each(s, s_known_name, c, err, sizeof err) < 0)
        return scn__fail(c, line, "%s", err);
    return 0;
}
