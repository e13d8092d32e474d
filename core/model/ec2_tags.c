/* ec2_tags: CreateTags and DeleteTags, for every kind of object the model
 * holds (the ID prefix says which; an ID of a known family that does not
 * exist gets that family's NotFound error).
 */
#include <string.h>

#include "model_internal.h"
#include "params.h"

/* Looks up every resource first, so that a bad ID changes nothing. */
static int s_resolve_all(const vs_model_t *m, const char *caller, const vs_json_t *ids,
                         vs_obj_t **objs, vs_awserr_t *err)
{
    for (size_t i = 0; i < vs_json_len(ids); i++) {
        const char *id = vs_json_as_str(vs_json_at(ids, i));
        char prefix[VS_ID_LEN];
        if (!vs_id_prefix(id, prefix, sizeof prefix) || !vs_model__idfam(prefix) ||
            !vs_id_valid(id, prefix))
            return vs_awserr_set(err, "InvalidID", "The ID '%.*s' is not valid", 100, id);
        vs_obj_t *o = vs_model__is_owner(m, caller) ? vs_model__get(m, id) : NULL;
        if (o && o->kind->visible && !o->kind->visible(m, o))
            o = NULL;       /* a tombstone: to the API it is gone */
        if (!o)
            return vs_model__err_notfound(err, prefix, &id, 1);
        objs[i] = o;
    }
    return 0;
}

static int s_create_tags(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                         vs_awserr_t *err)
{
    const vs_json_t *ids, *jtags = vs_json_get(in, "Tags");
    if (vs_param_strlist(in, "Resources", true, &ids, err) != 0)
        return -1;
    if (!jtags || vs_json_type(jtags) == VS_JSON_NULL ||
        (vs_json_type(jtags) == VS_JSON_ARRAY && vs_json_len(jtags) == 0))
        return vs_param_missing(err, "Tags");
    vs_tags_t tags = { 0 };
    vs_obj_t **objs = calloc(vs_json_len(ids), sizeof *objs);
    int rc = objs ? 0 : vs_awserr_set(err, "InternalError", "An internal error has occurred");
    if (rc == 0)
        rc = vs_tags_parse(jtags, false, &tags, err);
    if (rc == 0)
        rc = s_resolve_all(m, caller, ids, objs, err);
    for (size_t i = 0; rc == 0 && i < vs_json_len(ids); i++)
        rc = vs_tags_check_limit(&objs[i]->tags, &tags, err);
    if (rc == 0)
        rc = vs_model__dry_run_check(m, err);
    for (size_t i = 0; rc == 0 && i < vs_json_len(ids); i++) {
        if (vs_tags_apply(&objs[i]->tags, &tags) != 0)
            rc = vs_awserr_set(err, "InternalError", "An internal error has occurred");
        vs_model__touch(m, objs[i]);
    }
    vs_tags_free(&tags);
    free(objs);
    return rc;
}

static int s_delete_tags(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                         vs_awserr_t *err)
{
    const vs_json_t *ids, *jtags = vs_json_get(in, "Tags");
    if (vs_param_strlist(in, "Resources", true, &ids, err) != 0)
        return -1;
    bool all = !jtags || vs_json_type(jtags) == VS_JSON_NULL;
    vs_tags_t tags = { 0 };
    vs_obj_t **objs = calloc(vs_json_len(ids), sizeof *objs);
    int rc = objs ? 0 : vs_awserr_set(err, "InternalError", "An internal error has occurred");
    if (rc == 0 && !all)
        rc = vs_tags_parse(jtags, true, &tags, err);
    if (rc == 0)
        rc = s_resolve_all(m, caller, ids, objs, err);
    if (rc == 0)
        rc = vs_model__dry_run_check(m, err);
    for (size_t i = 0; rc == 0 && i < vs_json_len(ids); i++) {
        vs_tags_t *t = &objs[i]->tags;
        if (all) {
            vs_tags_free(t);
        } else {
            /* With a Value, a tag goes only if its value matches. */
            for (size_t j = 0; j < tags.n; j++) {
                const char *cur = vs_tags_get(t, tags.v[j].key);
                if (cur && (!tags.v[j].value || strcmp(cur, tags.v[j].value) == 0))
                    vs_tags_remove(t, tags.v[j].key);
            }
        }
        vs_model__touch(m, objs[i]);
    }
    vs_tags_free(&tags);
    free(objs);
    return rc;
}

static const vs_action_t s_actions[] = {
    { "CreateTags", s_create_tags },
    { "DeleteTags", s_delete_tags },
    { NULL, NULL }
};

const vs_module_t vs_module_tags = {
    .name = "tags",
    .actions = s_actions,
};
