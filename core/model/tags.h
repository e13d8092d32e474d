/* tags: the Key/Value tags every EC2 resource carries, and the checks EC2
 * applies to tags that come in through the API (Tags, TagSpecifications).
 *
 * A vs_tags_t is a small list in insertion order (setting an existing key
 * replaces its value in place), owned by the object that embeds it.
 * Limits as EC2: at most 50 tags per resource, keys 1..128 and values
 * 0..256 characters, and keys starting with "aws:" (any case) are
 * reserved.
 */
#ifndef VS_TAGS_H
#define VS_TAGS_H

#include <stdbool.h>
#include <stddef.h>

#include "awserr.h"
#include "json.h"

#define VS_TAGS_MAX       50
#define VS_TAG_KEY_MAX    128
#define VS_TAG_VALUE_MAX  256

typedef struct vs_tag {
    char *key;
    char *value;
} vs_tag_t;

typedef struct vs_tags {
    vs_tag_t *v;
    size_t n;
} vs_tags_t;

void vs_tags_free(vs_tags_t *t);
/* Borrowed value, NULL if the key is absent. */
const char *vs_tags_get(const vs_tags_t *t, const char *key);
/* 0 ok, -1 OOM (t unchanged). */
int vs_tags_set(vs_tags_t *t, const char *key, const char *value);
bool vs_tags_remove(vs_tags_t *t, const char *key);
/* Sets every tag of src on dst; -1 on OOM (dst may be partly updated). */
int vs_tags_apply(vs_tags_t *dst, const vs_tags_t *src);

/* [{"Key": k, "Value": v}, ...] (caller owns). */
vs_json_t *vs_tags_to_json(const vs_tags_t *t);
/* Sets obj["Tags"] if t is not empty: AWS omits empty tag lists. */
void vs_tags_output(vs_json_t *obj, const vs_tags_t *t);
/* From a persisted [{"Key","Value"}] array (borrowed); -1 if malformed. */
int vs_tags_load(vs_tags_t *t, const vs_json_t *arr);

/* API input: a "Tags" list (arr, borrowed) into out (which must be empty).
 * key_only: DeleteTags, where Value is optional and an absent Value is
 * recorded as NULL ("delete whatever the value"). -1 with err set on a
 * wrong type or a tag EC2 refuses. */
int vs_tags_parse(const vs_json_t *arr, bool key_only, vs_tags_t *out, vs_awserr_t *err);
/* TagSpecifications of a Create* call (in = the whole input, borrowed): the
 * tags for resource_type ("vpc"), into out (empty). A specification for
 * another type is an InvalidParameterValue, as in EC2. */
int vs_tags_from_specs(const vs_json_t *in, const char *resource_type, vs_tags_t *out,
                       vs_awserr_t *err);
/* TagLimitExceeded if cur with add applied would hold more than 50 tags. */
int vs_tags_check_limit(const vs_tags_t *cur, const vs_tags_t *add, vs_awserr_t *err);

#endif
