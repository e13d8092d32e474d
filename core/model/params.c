/* params: typed access to operation inputs. See params.h. */
#include "params.h"

#include <string.h>

int vs_param_missing(vs_awserr_t *err, const char *key)
{
    return vs_awserr_set(err, "MissingParameter", "The request must contain the parameter %s", key);
}

int vs_param_invalid(vs_awserr_t *err, const char *key)
{
    return vs_awserr_set(err, "InvalidParameterValue", "Invalid value for parameter %s", key);
}

static bool s_clean_str(const vs_json_t *v)
{
    const char *s = vs_json_as_str(v);
    return s && strlen(s) == vs_json_str_len(v);
}

int vs_param_str(const vs_json_t *in, const char *key, bool required, const char **out,
                 vs_awserr_t *err)
{
    const vs_json_t *v = vs_json_get(in, key);
    *out = NULL;
    if (!v || vs_json_type(v) == VS_JSON_NULL)
        return required ? vs_param_missing(err, key) : 0;
    if (!s_clean_str(v))
        return vs_param_invalid(err, key);
    *out = vs_json_as_str(v);
    return 0;
}

int vs_param_bool(const vs_json_t *in, const char *key, bool *out, vs_awserr_t *err)
{
    const vs_json_t *v = vs_json_get(in, key);
    if (!v || vs_json_type(v) == VS_JSON_NULL)
        return 0;
    if (vs_json_type(v) != VS_JSON_BOOL)
        return vs_param_invalid(err, key);
    *out = vs_json_as_bool(v, false);
    return 0;
}

int vs_param_int(const vs_json_t *in, const char *key, bool *present, int64_t *out,
                 vs_awserr_t *err)
{
    const vs_json_t *v = vs_json_get(in, key);
    *present = false;
    if (!v || vs_json_type(v) == VS_JSON_NULL)
        return 0;
    /* 10.0 is still an integer for a JSON client; 10.5 and "10" are not. */
    int64_t n = vs_json_as_int(v, INT64_MIN);
    if (vs_json_type(v) != VS_JSON_NUMBER || n == INT64_MIN)
        return vs_param_invalid(err, key);
    *present = true;
    *out = n;
    return 0;
}

int vs_param_strlist(const vs_json_t *in, const char *key, bool required,
                     const vs_json_t **out, vs_awserr_t *err)
{
    const vs_json_t *v = vs_json_get(in, key);
    *out = NULL;
    if (!v || vs_json_type(v) == VS_JSON_NULL)
        return required ? vs_param_missing(err, key) : 0;
    if (vs_json_type(v) != VS_JSON_ARRAY || vs_json_len(v) > VS_PARAM_LIST_MAX)
        return vs_param_invalid(err, key);
    if (required && vs_json_len(v) == 0)
        return vs_param_missing(err, key);
    for (size_t i = 0; i < vs_json_len(v); i++)
        if (!s_clean_str(vs_json_at(v, i)))
            return vs_param_invalid(err, key);
    *out = v;
    return 0;
}

int vs_param_attr_bool(const vs_json_t *in, const char *key, bool *present, bool *out,
                       vs_awserr_t *err)
{
    const vs_json_t *v = vs_json_get(in, key);
    *present = false;
    if (!v || vs_json_type(v) == VS_JSON_NULL)
        return 0;
    const vs_json_t *val = vs_json_get(v, "Value");
    if (vs_json_type(v) != VS_JSON_OBJECT || (val && vs_json_type(val) != VS_JSON_BOOL))
        return vs_param_invalid(err, key);
    /* {} (no Value) is how botocore sends an attribute the user did not
     * set; EC2 treats it as not given. */
    if (!val)
        return 0;
    *present = true;
    *out = vs_json_as_bool(val, false);
    return 0;
}
