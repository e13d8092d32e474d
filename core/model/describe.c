/* describe: the one Describe* algorithm every resource shares: IDs list,
 * Filters, paging, creation order. A resource supplies a vs_describe_t
 * (kind, parameter and list names, filter table, output builder).
 */
#include <string.h>

#include "filter.h"
#include "model_internal.h"
#include "page.h"
#include "params.h"

int vs_model__check_id_list(const vs_json_t *ids, const char *prefix, vs_awserr_t *err)
{
    for (size_t i = 0; i < vs_json_len(ids); i++) {
        const char *id = vs_json_as_str(vs_json_at(ids, i));
        if (!id || !vs_id_valid(id, prefix))
            return vs_model__err_malformed(err, prefix, id);
    }
    return 0;
}

/* Checks that every requested ID names an object the caller can see;
 * NotFound lists all the missing ones, as EC2 does. An ID that is not of
 * the kind's form is Malformed first ("pcx-zzz": Invalid id). */
static int s_check_ids(const vs_model_t *m, const char *caller, const vs_describe_t *d,
                       const vs_json_t *ids, vs_awserr_t *err)
{
    if (vs_model__check_id_list(ids, d->kind->prefix, err) != 0)
        return -1;
    size_t n = vs_json_len(ids), nmiss = 0;
    const char **missing = calloc(n ? n : 1, sizeof *missing);
    if (!missing)
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    for (size_t i = 0; i < n; i++) {
        const char *id = vs_json_as_str(vs_json_at(ids, i));
        if (vs_model__find(m, caller, d->kind, id))
            continue;
        bool dup = false;
        for (size_t j = 0; j < nmiss && !dup; j++)
            dup = strcmp(missing[j], id) == 0;
        if (!dup)
            missing[nmiss++] = id;
    }
    int rc = nmiss ? vs_model__err_notfound(err, d->kind->prefix, missing, nmiss) : 0;
    free(missing);
    return rc;
}

static bool s_in_ids(const vs_json_t *ids, const char *id)
{
    for (size_t i = 0; i < vs_json_len(ids); i++)
        if (strcmp(vs_json_as_str(vs_json_at(ids, i)), id) == 0)
            return true;
    return false;
}

int vs_model__describe(vs_model_t *m, const char *caller, const vs_json_t *in,
                       const vs_describe_t *d, vs_json_t **out, vs_awserr_t *err)
{
    const vs_json_t *ids;
    vs_filters_t *filters = NULL;
    vs_page_t page;
    if (vs_param_strlist(in, d->ids_param, false, &ids, err) != 0 ||
        vs_page_parse(in, &page, err) != 0 ||
        vs_filters_parse(vs_json_get(in, "Filters"), d->fields, &filters, err) != 0)
        return -1;
    if (ids && s_check_ids(m, caller, d, ids, err) != 0) {
        vs_filters_free(&filters);
        return -1;
    }
    vs_json_t *list = vs_json_array();
    const vs_obj_t *resume = NULL;
    size_t taken = 0;
    /* Objects of another account are never listed: the model only holds
     * its own account's objects. */
    vs_obj_t *o = vs_model__is_owner(m, caller) ? vs_model__first(m, d->kind) : NULL;
    for (; o && list; o = vs_model__next(o, d->kind)) {
        if (o->seq < page.start_seq || (ids && !s_in_ids(ids, o->id)) ||
            !vs_filters_match(filters, m, o, &o->tags))
            continue;
        if (taken == page.max) {
            resume = o;
            break;
        }
        if (!vs_json_push(list, d->to_output(m, o))) {
            vs_json_free(&list);
            break;
        }
        taken++;
    }
    vs_filters_free(&filters);
    if (!list)
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    vs_json_t *doc = vs_json_object();
    char tok[VS_PAGE_TOKEN_LEN];
    if (resume)
        vs_page_token(resume->seq, tok);
    if (resume && d->token_first)
        vs_json_set_str(doc, "NextToken", tok);
    vs_json_set(doc, d->list_key, list);
    if (resume && !d->token_first)
        vs_json_set_str(doc, "NextToken", tok);
    *out = doc;
    return 0;
}
