/* lazymem: zeroed memory whose pages become resident only when they are
 * first written (an anonymous private mapping), for the agent's large
 * fixed tables that a small agent barely uses: the pending calls (128 KB of
 * slots, written in token order) and the store's dedup floors (~100 KB).
 * calloc hands such a block out of the heap, zeroing every page of it,
 * whenever glibc's dynamic mmap threshold has grown past its size (it grows
 * each time a mapped block is freed): then each of 100 agents on a machine
 * keeps ~230 KB resident that it never uses.
 *
 * A block is freed with lazymem_free and the size it was allocated with.
 * Thread safe (mmap/munmap).
 */
#ifndef AGENT_LAZYMEM_H
#define AGENT_LAZYMEM_H

#include <stddef.h>

/* n zeroed bytes, page aligned; NULL on failure (or n == 0). */
void *lazymem_alloc(size_t n);
/* Frees a block of n bytes from lazymem_alloc; NULL-safe. */
void lazymem_free(void *p, size_t n);

#endif
