/* gw_form: x-www-form-urlencoded decoding (see gw_form.h). */
#include "gw_form.h"

#include <stdlib.h>
#include <string.h>

static int s_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes [p, p+n) into a new string; NULL on a bad escape or a NUL byte. */
static char *s_decode(const char *p, size_t n, const char **why)
{
    char *out = malloc(n + 1), *o = out;
    if (!out) {
        *why = "out of memory";
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 1 < n ? s_hex(p[i + 1]) : -1;
            int lo = i + 2 < n ? s_hex(p[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                *why = "a malformed %-escape";
                free(out);
                return NULL;
            }
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0') {
            *why = "a NUL byte";
            free(out);
            return NULL;
        }
        *o++ = c;
    }
    *o = '\0';
    return out;
}

void gw_form_free(gw_form_t **fp)
{
    if (!fp || !*fp)
        return;
    gw_form_t *f = *fp;
    for (size_t i = 0; i < f->n; i++) {
        free(f->pairs[i].key);
        free(f->pairs[i].value);
    }
    free(f->pairs);
    free(f);
    *fp = NULL;
}

gw_form_t *gw_form_parse(const char *text, size_t len, gw_err_t *err)
{
    gw_form_t *f = calloc(1, sizeof *f);
    size_t cap = 0;
    if (!f) {
        gw_err_set(err, 500, "InternalError", "out of memory");
        return NULL;
    }
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        if (stop == p) {          /* "a=1&&b=2": an empty segment is harmless */
            p = stop + 1;
            continue;
        }
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        const char *kend = eq ? eq : stop;
        const char *why = NULL;
        if (kend == p)
            why = "an empty parameter name";
        else if ((size_t)(kend - p) > GW_FORM_MAX_KEY)
            why = "an over-long parameter name";
        else if (f->n >= GW_FORM_MAX_PAIRS)
            why = "too many parameters";
        char *k = NULL, *v = NULL;
        if (!why)
            k = s_decode(p, (size_t)(kend - p), &why);
        if (!why)
            v = eq ? s_decode(eq + 1, (size_t)(stop - eq - 1), &why) : strdup("");
        if (!why && !v)
            why = "out of memory";
        if (!why && f->n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            gw_pair_t *np = realloc(f->pairs, ncap * sizeof *np);
            if (!np)
                why = "out of memory";
            else {
                f->pairs = np;
                cap = ncap;
            }
        }
        if (why) {
            free(k);
            free(v);
            gw_form_free(&f);
            gw_err_set(err, 400, "MalformedQueryString",
                       "The request body is not a valid form: %s at offset %zu.", why,
                       (size_t)(p - text));
            return NULL;
        }
        f->pairs[f->n].key = k;
        f->pairs[f->n].value = v;
        f->n++;
        p = amp ? amp + 1 : end;
    }
    return f;
}

const char *gw_form_get(const gw_form_t *f, const char *key)
{
    for (size_t i = 0; f && i < f->n; i++)
        if (strcmp(f->pairs[i].key, key) == 0)
            return f->pairs[i].value;
    return NULL;
}
