/* arena: a bump allocator over a caller's buffer (typically on the stack),
 * shaped for protobuf-c's ProtobufCAllocator ({vs_arena_alloc,
 * vs_arena_free, &arena}), so that unpacking a record of ordinary size
 * costs no malloc. What does not fit comes from malloc and goes back
 * through vs_arena_free; the arena itself is never freed (it is the
 * caller's buffer). No protobuf-c dependency: any codec may use it.
 */
#ifndef VS_ARENA_H
#define VS_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *buf;              /* borrowed, 16-byte aligned */
    size_t cap, used;
    size_t spilled;            /* blocks from malloc not yet freed */
} vs_arena_t;

#define VS_ARENA_INIT(space) { (space), sizeof(space), 0, 0 }

/* n bytes, 16-byte aligned, from the buffer or else malloc (NULL on OOM). */
void *vs_arena_alloc(void *arena, size_t n);
/* Frees p if it came from malloc; a pointer into the buffer is left alone. */
void vs_arena_free(void *arena, void *p);
/* True while a block from malloc is outstanding. When it is false, every
 * block lives in the buffer, and freeing a decoded message piece by piece
 * (protobuf-c's free_unpacked walks all of it) would free nothing: the
 * caller may skip it. */
static inline bool vs_arena_spilled(const vs_arena_t *a) { return a->spilled != 0; }
/* Hands the whole buffer back for reuse; whatever came from it must no
 * longer be used (what came from malloc is the caller's to free first). */
static inline void vs_arena_reset(vs_arena_t *a) { a->used = 0; }

#endif
