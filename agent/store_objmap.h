/* store_objmap: where each stored object's row is - id -> seq (the rowid
 * of its row in the objects table), for every object in the store, in
 * memory. It stands in for an index on objects.id: an index on random ids
 * takes each new object at a random leaf, so a turn's commit wrote a page
 * of it for nearly every new object (a quarter of the WAL). The store keeps
 * the map exact: built from the table at open, changed only after the
 * statement it mirrors succeeded, and put back as it was when a transaction
 * is rolled back (a journal of the changes since store_objmap_begin).
 *
 * Costs: get, put, del O(1) expected; memory about 70 bytes an object.
 * No SQLite: plain memory, so the store's rollback and this one's are
 * separate steps the store makes together.
 */
#ifndef AGENT_STORE_OBJMAP_H
#define AGENT_STORE_OBJMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct store_objmap store_objmap_t;

/* NULL when out of memory. */
store_objmap_t *store_objmap_new(void);
void store_objmap_free(store_objmap_t **m);

/* The seq of id: true and *seq, or false if id is not in the map. */
bool store_objmap_get(const store_objmap_t *m, const char *id, int64_t *seq);
/* Adds id (not in the map) at seq. 0, or -1 when out of memory (then the
 * map is unchanged). */
int store_objmap_add(store_objmap_t *m, const char *id, int64_t seq);
/* Removes id if present. 0, or -1 when out of memory for the journal
 * (then the map is unchanged). */
int store_objmap_del(store_objmap_t *m, const char *id);
size_t store_objmap_len(const store_objmap_t *m);

/* Transactions: changes after begin are journalled until commit (kept) or
 * rollback (undone, newest first). Outside one, changes are final. */
void store_objmap_begin(store_objmap_t *m);
void store_objmap_commit(store_objmap_t *m);
void store_objmap_rollback(store_objmap_t *m);

#endif
