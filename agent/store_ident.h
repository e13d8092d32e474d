/* store_ident: the identity of a data dir, kept next to the store, so that
 * a store that has gone missing or been truncated is noticed instead of
 * being replaced by an empty one (an agent that "never had" its VPCs).
 *
 *   DIR/identity.json  {"AccountId": "111111111111", "Region": "us-east-1",
 *                       "StoreId": "5f0c...e1"}   (written once, atomically)
 *
 * The StoreId is also in the store's meta table: an identity and a store
 * that do not belong together are refused too. Plain file I/O; no SQLite.
 */
#ifndef AGENT_STORE_IDENT_H
#define AGENT_STORE_IDENT_H

#include <stdbool.h>
#include <stddef.h>

#define STORE_IDENT_ID_LEN 33    /* 32 hex digits */

typedef struct store_ident {
    char account[16];
    char region[32];
    char store_id[STORE_IDENT_ID_LEN];
} store_ident_t;

/* Before the store is opened: reads DIR/identity.json into *id (*have set
 * when it exists). Refuses (-1, reason in err) an identity whose store
 * (DIR/agent.db) is missing or empty, an unreadable identity, and one for
 * another account or Region. */
int store_ident_check(const char *dir, const char *account, const char *region,
                      store_ident_t *id, bool *have, char *err, size_t errlen);

/* Writes DIR/identity.json atomically (temporary file, fsync, rename,
 * fsync of the directory). 0 or -1 with err. */
int store_ident_write(const char *dir, const store_ident_t *id, char *err, size_t errlen);

/* A new random StoreId. */
void store_ident_new_id(char out[STORE_IDENT_ID_LEN]);

#endif
