/* simstore: the simulation's in-memory store of one agent's objects: id ->
 * the record bytes the model's flush gave (proto/store.proto), so that
 * `vpcsim simulate` exercises the same binary path as the agent's SQLite
 * store (agent/store.c) when it crashes and reloads an agent.
 */
#ifndef VS_SIMSTORE_H
#define VS_SIMSTORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct vs_simstore vs_simstore_t;

vs_simstore_t *vs_simstore_new(void);
void vs_simstore_destroy(vs_simstore_t **st);

/* Stores a copy of doc (len bytes) under id, or deletes id if doc is NULL.
 * 0, or -1 on OOM (the store is unchanged). */
int vs_simstore_put(vs_simstore_t *st, const char *id, const uint8_t *doc, size_t len);

/* Calls cb for every record (borrowed for the call), in no set order. */
void vs_simstore_each(const vs_simstore_t *st,
                      void (*cb)(void *ctx, const char *id, const uint8_t *doc, size_t len),
                      void *ctx);
size_t vs_simstore_count(const vs_simstore_t *st);

#endif
