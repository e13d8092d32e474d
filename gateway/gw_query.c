/* gw_query: flattened query parameters -> botocore JSON input (see gw_query.h). */
#include "gw_query.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gw_buf.h"

/* A parameter tree: one node per dotted segment. */
typedef struct s_node {
    char *seg;
    const char *value;          /* borrowed from the form; leaf only */
    struct s_node **kids;
    size_t n, cap;
    long index;                 /* list position, filled when converted */
} s_node_t;

static void s_node_free(s_node_t *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++)
        s_node_free(n->kids[i]);
    free(n->kids);
    free(n->seg);
    free(n);
}

static s_node_t *s_child(s_node_t *parent, const char *seg, size_t len)
{
    for (size_t i = 0; i < parent->n; i++)
        if (strlen(parent->kids[i]->seg) == len && memcmp(parent->kids[i]->seg, seg, len) == 0)
            return parent->kids[i];
    if (parent->n == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 4;
        s_node_t **k = realloc(parent->kids, cap * sizeof *k);
        if (!k)
            return NULL;
        parent->kids = k;
        parent->cap = cap;
    }
    s_node_t *c = calloc(1, sizeof *c);
    if (!c || !(c->seg = strndup(seg, len))) {
        free(c);
        return NULL;
    }
    parent->kids[parent->n++] = c;
    return c;
}

static int s_insert(s_node_t *root, const char *key, const char *value, gw_err_t *err)
{
    s_node_t *n = root;
    const char *p = key;
    int depth = 0;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (len == 0)
            return gw_err_set(err, 400, "InvalidParameterValue",
                              "The parameter name %.200s is malformed.", key);
        if (++depth > GW_QUERY_MAX_DEPTH)
            return gw_err_set(err, 400, "InvalidParameterValue",
                              "The parameter name %.200s is nested too deeply.", key);
        if (n->value)
            return gw_err_set(err, 400, "InvalidParameterValue",
                              "The parameter %.200s conflicts with another parameter.", key);
        n = s_child(n, p, len);
        if (!n)
            return gw_err_set(err, 500, "InternalError", "out of memory");
        if (!dot)
            break;
        p = dot + 1;
    }
    if (n->value || n->n > 0)
        return gw_err_set(err, 400, "InvalidParameterValue",
                          "The parameter %.200s was given more than once.", key);
    n->value = value;
    return 0;
}

static vs_json_t *s_convert(const gw_service_t *svc, const s_node_t *n, uint16_t shape_i,
                            gw_buf_t *path, gw_err_t *err);

static int s_cmp_index(const void *a, const void *b)
{
    long x = (*(s_node_t *const *)a)->index, y = (*(s_node_t *const *)b)->index;
    return (x > y) - (x < y);
}

static vs_json_t *s_scalar(const gw_shape_t *sh, const char *v, const char *path, gw_err_t *err)
{
    char *end = NULL;
    switch ((gw_kind_t)sh->kind) {
    case GW_K_STRING:
    case GW_K_TIMESTAMP:
    case GW_K_BLOB:
        return vs_json_str(v);
    case GW_K_BOOLEAN:
        if (strcasecmp(v, "true") == 0)
            return vs_json_bool(true);
        if (strcasecmp(v, "false") == 0)
            return vs_json_bool(false);
        break;
    case GW_K_INTEGER:
    case GW_K_LONG: {
        errno = 0;
        long long x = strtoll(v, &end, 10);
        if (*v && end && *end == '\0' && errno == 0)
            return vs_json_int(x);
        break;
    }
    case GW_K_FLOAT:
    case GW_K_DOUBLE: {
        errno = 0;
        double d = strtod(v, &end);
        if (*v && end && *end == '\0' && errno == 0)
            return vs_json_num(d);
        break;
    }
    default:
        break;
    }
    gw_err_set(err, 400, "InvalidParameterValue", "Invalid value '%.100s' for %.200s", v, path);
    return NULL;
}

/* "ClientToken": an upper-case letter, then letters and digits. */
static bool s_member_like(const char *s)
{
    if (!(*s >= 'A' && *s <= 'Z'))
        return false;
    size_t n = 0;
    for (; *s; s++, n++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
            return false;
    return n <= 64;
}

static vs_json_t *s_convert(const gw_service_t *svc, const s_node_t *n, uint16_t shape_i,
                            gw_buf_t *path, gw_err_t *err)
{
    const gw_shape_t *sh = gw_model_shape(svc, shape_i);
    if (!sh) {
        gw_err_set(err, 500, "InternalError", "no shape for %.200s", path->data);
        return NULL;
    }
    bool scalar = sh->kind != GW_K_STRUCT && sh->kind != GW_K_LIST && sh->kind != GW_K_MAP;
    if (scalar != (n->value != NULL)) {
        gw_err_set(err, 400, scalar ? "InvalidParameterValue" : "UnknownParameter",
                   scalar ? "The parameter %.200s must be a single value." :
                            "The parameter %.200s is not recognized",
                   path->data);
        return NULL;
    }
    if (scalar)
        return s_scalar(sh, n->value, path->data, err);
    size_t mark = path->len;
    int depth = mark == 0 ? 0 : 1;      /* the input shape itself is at the empty path */
    vs_json_t *out = sh->kind == GW_K_LIST ? vs_json_array() : vs_json_object();
    if (!out) {
        gw_err_set(err, 500, "InternalError", "out of memory");
        return NULL;
    }
    if (sh->kind == GW_K_MAP) {
        gw_err_set(err, 400, "UnknownParameter", "The parameter %.200s is not recognized",
                   path->data);
        vs_json_free(&out);
        return NULL;
    }
    if (sh->kind == GW_K_LIST) {
        for (size_t i = 0; i < n->n; i++) {
            char *end = NULL;
            errno = 0;
            long ix = strtol(n->kids[i]->seg, &end, 10);
            if (!*n->kids[i]->seg || *end || errno || ix < 1 || ix > GW_QUERY_MAX_INDEX) {
                gw_err_set(err, 400, "InvalidParameterValue",
                           "The parameter %.200s.%.40s has an invalid list index.", path->data,
                           n->kids[i]->seg);
                vs_json_free(&out);
                return NULL;
            }
            n->kids[i]->index = ix;
        }
        qsort(n->kids, n->n, sizeof n->kids[0], s_cmp_index);
    }
    for (size_t i = 0; i < n->n; i++) {
        const s_node_t *k = n->kids[i];
        path->len = mark;
        if (path->data)
            path->data[mark] = '\0';
        if (mark)
            gw_buf_addc(path, '.');
        gw_buf_adds(path, k->seg);
        if (path->oom) {
            gw_err_set(err, 500, "InternalError", "out of memory");
            vs_json_free(&out);
            return NULL;
        }
        if (sh->kind == GW_K_LIST) {
            vs_json_t *v = s_convert(svc, k, sh->elem, path, err);
            if (!v) {
                vs_json_free(&out);
                return NULL;
            }
            vs_json_push(out, v);
            continue;
        }
        const gw_member_t *m = NULL;
        for (size_t j = 0; j < sh->nmembers && !m; j++) {
            const gw_member_t *c = gw_model_member(svc, sh, j);
            if (strcmp(c->query, k->seg) == 0)
                m = c;
        }
        bool shadows = false;     /* "VpcIds=x": a member's JSON name, not its query name */
        for (size_t j = 0; !m && j < sh->nmembers && !shadows; j++)
            shadows = strcmp(gw_model_member(svc, sh, j)->name, k->seg) == 0;
        if (!m && !shadows && depth == 0 && k->value && s_member_like(k->seg)) {
            /* A top-level scalar the build's model does not know: newer
             * clients send members newer than the model (Terraform's AWS
             * provider sends CreateRouteTable's ClientToken, which Debian's
             * botocore 1.29 lacks). It goes to the agent as a string, the
             * member's name being its query name at the top level. */
            vs_json_set(out, k->seg, vs_json_str(k->value));
            continue;
        }
        if (!m) {
            gw_err_set(err, 400, "UnknownParameter", "The parameter %.200s is not recognized",
                       path->data);
            vs_json_free(&out);
            return NULL;
        }
        vs_json_t *v = s_convert(svc, k, m->shape, path, err);
        if (!v) {
            vs_json_free(&out);
            return NULL;
        }
        vs_json_set(out, m->name, v);
    }
    path->len = mark;
    if (path->data)
        path->data[mark] = '\0';
    return out;
}

vs_json_t *gw_query_to_json(const gw_service_t *svc, const gw_op_t *op, const gw_form_t *form,
                            gw_err_t *err)
{
    s_node_t *root = calloc(1, sizeof *root);
    if (!root) {
        gw_err_set(err, 500, "InternalError", "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < form->n; i++) {
        const char *k = form->pairs[i].key;
        if (strcmp(k, "Action") == 0 || strcmp(k, "Version") == 0)
            continue;
        if (s_insert(root, k, form->pairs[i].value, err) != 0) {
            s_node_free(root);
            return NULL;
        }
    }
    vs_json_t *out = NULL;
    if (op->input == 0) {
        if (root->n > 0)
            gw_err_set(err, 400, "UnknownParameter", "The parameter %.200s is not recognized",
                       root->kids[0]->seg);
        else
            out = vs_json_object();
    } else {
        gw_buf_t path;
        gw_buf_init(&path);
        gw_buf_adds(&path, "");
        out = s_convert(svc, root, op->input, &path, err);
        gw_buf_free(&path);
    }
    s_node_free(root);
    return out;
}
