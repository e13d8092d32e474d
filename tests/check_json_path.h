/* JSON path helpers shared by the unit-test fixtures:
 * P(obj, "Vpc.CidrBlockAssociationSet.0.CidrBlock") walks objects by key and
 * arrays by index (NULL if absent); S() insists on a string, N() on a
 * container and gives its length. Header-only. */
#ifndef CHECK_JSON_PATH_H
#define CHECK_JSON_PATH_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static inline const vs_json_t *P(const vs_json_t *v, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    char *save = NULL;
    for (char *p = strtok_r(buf, ".", &save); p && v; p = strtok_r(NULL, ".", &save))
        v = vs_json_type(v) == VS_JSON_ARRAY ? vs_json_at(v, (size_t)atoi(p)) : vs_json_get(v, p);
    return v;
}

static inline const char *S(const vs_json_t *v, const char *path)
{
    const char *s = vs_json_as_str(P(v, path));
    ck_assert_msg(s != NULL, "no string at %s", path);
    return s;
}

static inline size_t N(const vs_json_t *v, const char *path)
{
    const vs_json_t *a = P(v, path);
    ck_assert_msg(a != NULL, "nothing at %s", path);
    return vs_json_len(a);
}

#endif
