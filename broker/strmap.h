/* strmap: a hash map from byte-string keys to borrowed pointers, for the
 * broker's indexes (ARN -> agent, routing id -> agent, account/Region ->
 * agent). Keys are copied; values are not owned. Routing ids are binary,
 * so keys are (pointer, length) pairs rather than C strings.
 */
#ifndef BK_STRMAP_H
#define BK_STRMAP_H

#include <stddef.h>

typedef struct bk_strmap bk_strmap_t;

bk_strmap_t *bk_strmap_new(void);
/* Frees the map and its key copies, not the values. Accepts NULL. */
void bk_strmap_destroy(bk_strmap_t **m);

/* NULL when absent (so NULL values cannot be told from absence). */
void *bk_strmap_get(const bk_strmap_t *m, const void *key, size_t klen);
/* Inserts or replaces. 0 ok, -1 on OOM (the map is unchanged then). */
int bk_strmap_put(bk_strmap_t *m, const void *key, size_t klen, void *val);
/* Removes key; returns its value, or NULL if it was absent. */
void *bk_strmap_del(bk_strmap_t *m, const void *key, size_t klen);
size_t bk_strmap_size(const bk_strmap_t *m);

/* Calls cb for every entry in unspecified order. cb must not change the
 * map; a non-zero return stops the walk and is returned. */
typedef int (*bk_strmap_each_cb)(const void *key, size_t klen, void *val, void *arg);
int bk_strmap_each(const bk_strmap_t *m, bk_strmap_each_cb cb, void *arg);

#endif
