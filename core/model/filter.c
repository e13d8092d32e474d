/* filter: Describe* filters. See filter.h. */
#include "filter.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"

/* Values are packed into one growing buffer so that collecting them for
 * every object and every filter does not allocate per value. */
struct vs_fvals {
    char *buf;
    size_t len, cap;
    size_t *off;
    size_t n, ocap;
};

void vs_fvals_add(vs_fvals_t *v, const char *s)
{
    size_t sl = strlen(s) + 1;
    if (v->len + sl > v->cap) {
        size_t nc = v->cap ? v->cap : 256;
        while (nc < v->len + sl)
            nc *= 2;
        char *nb = realloc(v->buf, nc);
        if (!nb)
            return;     /* a value lost to OOM just does not match */
        v->buf = nb;
        v->cap = nc;
    }
    if (v->n == v->ocap) {
        size_t nc = v->ocap ? v->ocap * 2 : 16;
        size_t *no = realloc(v->off, nc * sizeof *no);
        if (!no)
            return;
        v->off = no;
        v->ocap = nc;
    }
    memcpy(v->buf + v->len, s, sl);
    v->off[v->n++] = v->len;
    v->len += sl;
}

void vs_fvals_addf(vs_fvals_t *v, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    vs_fvals_add(v, tmp);
}

void vs_fvals_add_bool(vs_fvals_t *v, bool b)
{
    vs_fvals_add(v, b ? "true" : "false");
}

typedef enum { F_FIELD, F_TAG, F_TAG_KEY } ftype_t;

typedef struct {
    ftype_t type;
    const vs_filter_field_t *field;   /* F_FIELD */
    char *tag_key;                    /* F_TAG */
    char **values;
    size_t nvalues;
} filt_t;

struct vs_filters {
    filt_t *f;
    size_t n;
};

void vs_filters_free(vs_filters_t **fp)
{
    if (!fp || !*fp)
        return;
    vs_filters_t *fs = *fp;
    for (size_t i = 0; i < fs->n; i++) {
        for (size_t j = 0; j < fs->f[i].nvalues; j++)
            free(fs->f[i].values[j]);
        free(fs->f[i].values);
        free(fs->f[i].tag_key);
    }
    free(fs->f);
    free(fs);
    *fp = NULL;
}

static int s_invalid(vs_awserr_t *err)
{
    return vs_awserr_set(err, "InvalidParameterValue", "Invalid value for parameter Filters");
}

static bool s_clean_str(const vs_json_t *v)
{
    const char *s = vs_json_as_str(v);
    return s && strlen(s) == vs_json_str_len(v);
}

/* Fills f from one {"Name", "Values"} member. */
static int s_parse_one(const vs_json_t *e, const vs_filter_field_t *fields, filt_t *f,
                       vs_awserr_t *err)
{
    const vs_json_t *jn = vs_json_get(e, "Name"), *jv = vs_json_get(e, "Values");
    if (vs_json_type(e) != VS_JSON_OBJECT || !s_clean_str(jn) ||
        (jv && vs_json_type(jv) != VS_JSON_ARRAY))
        return s_invalid(err);
    const char *name = vs_json_as_str(jn);
    if (strncmp(name, "tag:", 4) == 0 && name[4] != '\0') {
        f->type = F_TAG;
        if (!(f->tag_key = strdup(name + 4)))
            return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    } else if (strcmp(name, "tag-key") == 0) {
        f->type = F_TAG_KEY;
    } else {
        f->type = F_FIELD;
        for (const vs_filter_field_t *ff = fields; ff && ff->name; ff++)
            if (strcmp(ff->name, name) == 0)
                f->field = ff;
        if (!f->field)
            return vs_awserr_set(err, "InvalidParameterValue", "The filter '%.*s' is invalid",
                                 200, name);
    }
    size_t nv = jv ? vs_json_len(jv) : 0;
    if (nv > VS_FILTER_VALUES_MAX)
        return vs_awserr_set(err, "FilterLimitExceeded",
                             "The maximum number of filter values specified on a single call is %d",
                             VS_FILTER_VALUES_MAX);
    f->values = calloc(nv ? nv : 1, sizeof *f->values);
    if (!f->values)
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    for (size_t j = 0; j < nv; j++) {
        const vs_json_t *v = vs_json_at(jv, j);
        if (!s_clean_str(v))
            return s_invalid(err);
        if (!(f->values[j] = strdup(vs_json_as_str(v))))
            return vs_awserr_set(err, "InternalError", "An internal error has occurred");
        f->nvalues++;
    }
    return 0;
}

int vs_filters_parse(const vs_json_t *filters, const vs_filter_field_t *fields,
                     vs_filters_t **out, vs_awserr_t *err)
{
    *out = NULL;
    if (!filters || vs_json_type(filters) == VS_JSON_NULL)
        return 0;
    if (vs_json_type(filters) != VS_JSON_ARRAY)
        return s_invalid(err);
    size_t n = vs_json_len(filters);
    if (n == 0)
        return 0;
    if (n > VS_FILTERS_MAX)
        return vs_awserr_set(err, "FilterLimitExceeded",
                             "The maximum number of filters specified on a single call is %d",
                             VS_FILTERS_MAX);
    vs_filters_t *fs = calloc(1, sizeof *fs);
    if (fs)
        fs->f = calloc(n, sizeof *fs->f);
    if (!fs || !fs->f) {
        free(fs);
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    }
    for (size_t i = 0; i < n; i++) {
        fs->n++;
        if (s_parse_one(vs_json_at(filters, i), fields, &fs->f[i], err) != 0) {
            vs_filters_free(&fs);
            return -1;
        }
    }
    *out = fs;
    return 0;
}

static bool s_any_match(const filt_t *f, const char *text)
{
    for (size_t j = 0; j < f->nvalues; j++)
        if (vs_glob_match(f->values[j], text))
            return true;
    return false;
}

static bool s_match_one(const filt_t *f, const void *ctx, const void *obj, const vs_tags_t *tags,
                        vs_fvals_t *vals)
{
    switch (f->type) {
    case F_TAG: {
        const char *v = tags ? vs_tags_get(tags, f->tag_key) : NULL;
        return v && s_any_match(f, v);
    }
    case F_TAG_KEY:
        for (size_t i = 0; tags && i < tags->n; i++)
            if (s_any_match(f, tags->v[i].key))
                return true;
        return false;
    case F_FIELD:
        break;
    }
    vals->len = 0;
    vals->n = 0;
    f->field->get(ctx, obj, vals);
    for (size_t i = 0; i < vals->n; i++)
        if (s_any_match(f, vals->buf + vals->off[i]))
            return true;
    return false;
}

bool vs_filters_match(const vs_filters_t *fs, const void *ctx, const void *obj,
                      const vs_tags_t *tags)
{
    if (!fs)
        return true;
    vs_fvals_t vals = { 0 };
    bool ok = true;
    for (size_t i = 0; ok && i < fs->n; i++)
        ok = s_match_one(&fs->f[i], ctx, obj, tags, &vals);
    free(vals.buf);
    free(vals.off);
    return ok;
}
