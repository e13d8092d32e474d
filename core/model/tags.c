/* tags: resource tags and EC2's tag rules. See tags.h. */
#include "tags.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void vs_tags_free(vs_tags_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].key);
        free(t->v[i].value);
    }
    free(t->v);
    t->v = NULL;
    t->n = 0;
}

static ptrdiff_t s_find(const vs_tags_t *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].key, key) == 0)
            return (ptrdiff_t)i;
    return -1;
}

const char *vs_tags_get(const vs_tags_t *t, const char *key)
{
    ptrdiff_t i = t && key ? s_find(t, key) : -1;
    return i < 0 ? NULL : t->v[i].value;
}

int vs_tags_set(vs_tags_t *t, const char *key, const char *value)
{
    char *v = value ? strdup(value) : NULL;
    if (value && !v)
        return -1;
    ptrdiff_t i = s_find(t, key);
    if (i >= 0) {
        free(t->v[i].value);
        t->v[i].value = v;
        return 0;
    }
    char *k = strdup(key);
    vs_tag_t *nv = k ? realloc(t->v, (t->n + 1) * sizeof *nv) : NULL;
    if (!nv) {
        free(k);
        free(v);
        return -1;
    }
    t->v = nv;
    t->v[t->n].key = k;
    t->v[t->n].value = v;
    t->n++;
    return 0;
}

bool vs_tags_remove(vs_tags_t *t, const char *key)
{
    ptrdiff_t i = s_find(t, key);
    if (i < 0)
        return false;
    free(t->v[i].key);
    free(t->v[i].value);
    memmove(&t->v[i], &t->v[i + 1], (t->n - (size_t)i - 1) * sizeof *t->v);
    t->n--;
    return true;
}

int vs_tags_apply(vs_tags_t *dst, const vs_tags_t *src)
{
    for (size_t i = 0; i < src->n; i++)
        if (vs_tags_set(dst, src->v[i].key, src->v[i].value ? src->v[i].value : "") != 0)
            return -1;
    return 0;
}

vs_json_t *vs_tags_to_json(const vs_tags_t *t)
{
    vs_json_t *arr = vs_json_array();
    for (size_t i = 0; arr && i < t->n; i++) {
        vs_json_t *o = vs_json_push(arr, vs_json_object());
        vs_json_set_str(o, "Key", t->v[i].key);
        vs_json_set_str(o, "Value", t->v[i].value ? t->v[i].value : "");
    }
    return arr;
}

void vs_tags_output(vs_json_t *obj, const vs_tags_t *t)
{
    if (t->n > 0)
        vs_json_set(obj, "Tags", vs_tags_to_json(t));
}

int vs_tags_load(vs_tags_t *t, const vs_json_t *arr)
{
    if (!arr)
        return 0;
    if (vs_json_type(arr) != VS_JSON_ARRAY || vs_json_len(arr) > VS_TAGS_MAX)
        return -1;
    for (size_t i = 0; i < vs_json_len(arr); i++) {
        const vs_json_t *e = vs_json_at(arr, i);
        const char *k = vs_json_get_str(e, "Key"), *v = vs_json_get_str(e, "Value");
        if (!k || !v || vs_tags_set(t, k, v) != 0)
            return -1;
    }
    return 0;
}

/* Length in characters (UTF-8 code points), as EC2 counts tag lengths. */
static size_t s_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static int s_check_key(const char *k, vs_awserr_t *err)
{
    if (k[0] == '\0')
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Tag key must not be empty");
    if (s_chars(k) > VS_TAG_KEY_MAX)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value ( %.*s ) for parameter key is invalid. Tag keys can be at most "
                             "%d characters long", 200, k, VS_TAG_KEY_MAX);
    if (strncasecmp(k, "aws:", 4) == 0)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value ( %.*s ) for parameter key is invalid. Tag keys starting with "
                             "'aws:' are reserved for internal use", 200, k);
    return 0;
}

int vs_tags_parse(const vs_json_t *arr, bool key_only, vs_tags_t *out, vs_awserr_t *err)
{
    if (vs_json_type(arr) != VS_JSON_ARRAY)
        return vs_awserr_set(err, "InvalidParameterValue", "Invalid value for parameter Tags");
    /* More than the per-resource limit can never succeed; refusing early
     * also bounds the work done on hostile input. */
    if (vs_json_len(arr) > VS_TAGS_MAX)
        return vs_awserr_set(err, "TagLimitExceeded",
                             "The maximum number of Tags for a resource has been reached.");
    for (size_t i = 0; i < vs_json_len(arr); i++) {
        const vs_json_t *e = vs_json_at(arr, i);
        const vs_json_t *jk = vs_json_get(e, "Key"), *jv = vs_json_get(e, "Value");
        const char *k = vs_json_as_str(jk), *v = vs_json_as_str(jv);
        /* Embedded NULs would make C strings disagree with the JSON. */
        bool bad_v = jv && vs_json_type(jv) != VS_JSON_NULL &&
                     (!v || strlen(v) != vs_json_str_len(jv));
        if (vs_json_type(e) != VS_JSON_OBJECT || !k || strlen(k) != vs_json_str_len(jk) || bad_v)
            return vs_awserr_set(err, "InvalidParameterValue", "Invalid value for parameter Tags");
        if (s_check_key(k, err) != 0)
            return -1;
        if (v && s_chars(v) > VS_TAG_VALUE_MAX)
            return vs_awserr_set(err, "InvalidParameterValue",
                                 "Value ( %.*s ) for parameter value is invalid. Tag values can be at "
                                 "most %d characters long", 200, v, VS_TAG_VALUE_MAX);
        /* CreateTags without a Value stores an empty value. */
        if (vs_tags_set(out, k, v ? v : (key_only ? NULL : "")) != 0)
            return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    }
    return 0;
}

int vs_tags_from_specs(const vs_json_t *in, const char *resource_type, vs_tags_t *out,
                       vs_awserr_t *err)
{
    const vs_json_t *specs = vs_json_get(in, "TagSpecifications");
    if (!specs)
        return 0;
    if (vs_json_type(specs) != VS_JSON_ARRAY || vs_json_len(specs) > VS_TAGS_MAX)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Invalid value for parameter TagSpecifications");
    for (size_t i = 0; i < vs_json_len(specs); i++) {
        const vs_json_t *s = vs_json_at(specs, i);
        if (vs_json_type(s) != VS_JSON_OBJECT)
            return vs_awserr_set(err, "InvalidParameterValue",
                                 "Invalid value for parameter TagSpecifications");
        const char *rt = vs_json_get_str(s, "ResourceType");
        if (!rt || strcmp(rt, resource_type) != 0)
            return vs_awserr_set(err, "InvalidParameterValue",
                                 "'%.*s' is not a valid taggable resource type for this operation.",
                                 100, rt ? rt : "");
        const vs_json_t *tags = vs_json_get(s, "Tags");
        if (!tags || vs_json_len(tags) == 0)
            return vs_awserr_set(err, "InvalidParameterValue",
                                 "Tag specification must have at least one tag");
        vs_tags_t one = { 0 };
        int rc = vs_tags_parse(tags, false, &one, err);
        if (rc == 0)
            rc = vs_tags_check_limit(out, &one, err);
        if (rc == 0 && vs_tags_apply(out, &one) != 0)
            rc = vs_awserr_set(err, "InternalError", "An internal error has occurred");
        vs_tags_free(&one);
        if (rc != 0)
            return -1;
    }
    return 0;
}

int vs_tags_check_limit(const vs_tags_t *cur, const vs_tags_t *add, vs_awserr_t *err)
{
    /* Overwriting an existing key does not count against the limit. */
    size_t n = cur ? cur->n : 0;
    for (size_t i = 0; i < add->n; i++)
        if (!cur || s_find(cur, add->v[i].key) < 0)
            n++;
    if (n > VS_TAGS_MAX)
        return vs_awserr_set(err, "TagLimitExceeded",
                             "The maximum number of Tags for a resource has been reached.");
    return 0;
}
