/* arena: see arena.h. */
#include "arena.h"

#include <stdlib.h>

void *vs_arena_alloc(void *ad, size_t n)
{
    vs_arena_t *a = ad;
    size_t at = (a->used + 15) & ~(size_t)15;
    if (n <= a->cap && at <= a->cap - n) {
        a->used = at + n;
        return a->buf + at;
    }
    void *p = malloc(n);
    if (p)
        a->spilled++;
    return p;
}

void vs_arena_free(void *ad, void *p)
{
    vs_arena_t *a = ad;
    if (p && ((uint8_t *)p < a->buf || (uint8_t *)p >= a->buf + a->cap)) {
        free(p);
        a->spilled--;
    }
}
