/* idmap: a map from string IDs to caller-owned values that hold their own
 * ID (an object's `id` field): open addressing, linear probing, entries of
 * {hash, pointer}. A probe compares the 64-bit hashes in the table and
 * touches a value only when its hash matches, so a lookup costs about one
 * cache miss for the table (plus the value's, which the caller reads
 * anyway); a miss touches no value at all. A chained map that kept the
 * hash in each object read one object (several KB apart) per chain step.
 *
 * The map never owns the values; the struct is the caller's (embedded),
 * its table the map's. At most half full, grows by doubling and never
 * shrinks; deletion by backward shift (no tombstones). Iteration order is
 * not offered: callers keep their own ordered lists.
 */
#ifndef VS_IDMAP_H
#define VS_IDMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t hash;             /* of the value's ID */
    void *val;                 /* borrowed; NULL: empty */
} vs_idmap_slot_t;

typedef struct {
    vs_idmap_slot_t *slots;    /* owned */
    size_t cap, len;           /* cap a power of two */
    unsigned shift;            /* 64 - log2(cap) */
    size_t key_off;            /* a value's ID is the string at val + key_off */
} vs_idmap_t;

/* A value's ID is the NUL-terminated string key_off bytes into it.
 * 0, or -1 when out of memory. */
int vs_idmap_init(vs_idmap_t *m, size_t key_off);
/* Frees the table (not the values). */
void vs_idmap_free(vs_idmap_t *m);

/* The hash every call uses (any length, never persisted). */
uint64_t vs_idmap_hash(const char *id);

/* The value whose ID is id (borrowed), or NULL. */
void *vs_idmap_get(const vs_idmap_t *m, const char *id);
/* Adds val, whose ID must not be in the map. 0, or -1 when out of memory
 * with the table full (then the map is unchanged): short of memory to
 * grow, it fills past half instead. Never fails while the map holds no
 * more than it ever did. */
int vs_idmap_put(vs_idmap_t *m, void *val);
/* Removes val itself (found by its ID, matched by pointer); no-op if it is
 * not in the map. */
void vs_idmap_remove(vs_idmap_t *m, const void *val);
/* Removes the value whose ID is id: it, or NULL if none. */
void *vs_idmap_del(vs_idmap_t *m, const char *id);

/* For lookups whose IDs are known ahead (a list walked in order): start
 * loading the home slot of hash h (vs_idmap_hash) some lookups ahead, then
 * the value whose hash matches it (without comparing IDs) a few ahead, so
 * that the lookup itself finds both in cache. Hints only: no effect on the
 * map, whatever h is. */
void vs_idmap_prefetch(const vs_idmap_t *m, uint64_t h);
void vs_idmap_prefetch_val(const vs_idmap_t *m, uint64_t h);

static inline size_t vs_idmap_len(const vs_idmap_t *m)
{
    return m->len;
}

#endif
