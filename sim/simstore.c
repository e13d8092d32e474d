/* simstore: see simstore.h. A flat array searched linearly: an agent of a
 * simulated schedule holds tens of objects, not thousands. */
#include "simstore.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char *id;
    uint8_t *doc;
    size_t len;
} s_rec_t;

struct vs_simstore {
    s_rec_t *v;
    size_t n, cap;
};

vs_simstore_t *vs_simstore_new(void)
{
    return calloc(1, sizeof(vs_simstore_t));
}

void vs_simstore_destroy(vs_simstore_t **stp)
{
    if (!stp || !*stp)
        return;
    vs_simstore_t *st = *stp;
    for (size_t i = 0; i < st->n; i++) {
        free(st->v[i].id);
        free(st->v[i].doc);
    }
    free(st->v);
    free(st);
    *stp = NULL;
}

static size_t s_find(const vs_simstore_t *st, const char *id)
{
    size_t i = 0;
    while (i < st->n && strcmp(st->v[i].id, id) != 0)
        i++;
    return i;
}

int vs_simstore_put(vs_simstore_t *st, const char *id, const uint8_t *doc, size_t len)
{
    size_t i = s_find(st, id);
    if (!doc) {
        if (i < st->n) {
            free(st->v[i].id);
            free(st->v[i].doc);
            st->v[i] = st->v[--st->n];
        }
        return 0;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return -1;
    memcpy(copy, doc, len);
    if (i < st->n) {
        free(st->v[i].doc);
        st->v[i].doc = copy;
        st->v[i].len = len;
        return 0;
    }
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 16;
        s_rec_t *v = realloc(st->v, cap * sizeof *v);
        if (!v) {
            free(copy);
            return -1;
        }
        st->v = v;
        st->cap = cap;
    }
    char *idc = strdup(id);
    if (!idc) {
        free(copy);
        return -1;
    }
    st->v[st->n++] = (s_rec_t){ idc, copy, len };
    return 0;
}

void vs_simstore_each(const vs_simstore_t *st,
                      void (*cb)(void *ctx, const char *id, const uint8_t *doc, size_t len),
                      void *ctx)
{
    for (size_t i = 0; i < st->n; i++)
        cb(ctx, st->v[i].id, st->v[i].doc, st->v[i].len);
}

size_t vs_simstore_count(const vs_simstore_t *st)
{
    return st ? st->n : 0;
}
