/* store_idset: see store_idset.h. A sorted array: the ids are appended in
 * counter order nearly always, and a commit's deletes leave in one pass. */
#include "store_idset.h"

#include <stdlib.h>
#include <string.h>

void store_idset_free(store_idset_t *s)
{
    free(s->ids);
    *s = (store_idset_t){ 0 };
}

void store_idset_clear(store_idset_t *s)
{
    s->n = 0;
}

/* The position of the first id >= v. */
static size_t s_lower(const store_idset_t *s, int64_t v)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->ids[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool store_idset_has(const store_idset_t *s, int64_t id)
{
    size_t p = s_lower(s, id);
    return p < s->n && s->ids[p] == id;
}

int store_idset_add(store_idset_t *s, int64_t id)
{
    size_t p = s->n && s->ids[s->n - 1] < id ? s->n : s_lower(s, id);
    if (p < s->n && s->ids[p] == id)
        return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        int64_t *ids = realloc(s->ids, cap * sizeof *ids);
        if (!ids)
            return -1;
        s->ids = ids;
        s->cap = cap;
    }
    memmove(s->ids + p + 1, s->ids + p, (s->n - p) * sizeof *s->ids);
    s->ids[p] = id;
    s->n++;
    return 0;
}

static int s_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void store_idset_sort(int64_t *dels, size_t n)
{
    /* Acks come back mostly in the order the messages went: often sorted
     * already, and a look costs less than qsort's calls. */
    size_t i = 1;
    while (i < n && dels[i - 1] <= dels[i])
        i++;
    if (i < n)
        qsort(dels, n, sizeof *dels, s_cmp);
}

bool store_idset_run(const store_idset_t *s, const int64_t *dels, size_t n, size_t *i,
                     int64_t *lo, int64_t *hi)
{
    size_t j = *i, p = 0;
    for (; j < n; j++) {            /* the first of dels that is in the set */
        p = s_lower(s, dels[j]);
        if (p < s->n && s->ids[p] == dels[j])
            break;
    }
    if (j == n) {
        *i = n;
        return false;
    }
    /* Extended while the next of dels is the set's next id; ids of dels
     * below it are no rows (or one named twice), and are passed over. */
    size_t q = p + 1;
    for (j++; j < n; j++) {
        if (q == s->n || dels[j] < s->ids[q])
            continue;
        if (dels[j] != s->ids[q])
            break;
        q++;
    }
    *lo = s->ids[p];
    *hi = s->ids[q - 1];
    *i = j;
    return true;
}

void store_idset_remove(store_idset_t *s, const int64_t *dels, size_t n)
{
    if (!n || !s->n)
        return;
    size_t w = s_lower(s, dels[0]), d = 0;   /* ids below the first stay put */
    for (size_t r = w; r < s->n; r++) {
        while (d < n && dels[d] < s->ids[r])
            d++;
        if (d < n && dels[d] == s->ids[r])
            continue;
        s->ids[w++] = s->ids[r];
    }
    s->n = w;
}
