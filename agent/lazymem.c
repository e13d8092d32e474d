/* lazymem: see lazymem.h. */
#include "lazymem.h"

#include <sys/mman.h>

/* LeakSanitizer looks for pointers in the heap, the stacks and the globals,
 * not in a mapping of ours: a block that holds the only pointer to an
 * allocation is registered with it as a root, or that allocation would be
 * reported as leaked at an exit while the block is live. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define S_ROOT(p, n) __lsan_register_root_region(p, n)
#define S_UNROOT(p, n) __lsan_unregister_root_region(p, n)
#else
#define S_ROOT(p, n) ((void)(p), (void)(n))
#define S_UNROOT(p, n) ((void)(p), (void)(n))
#endif

void *lazymem_alloc(size_t n)
{
    if (n == 0)
        return NULL;
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    S_ROOT(p, n);
    return p;
}

void lazymem_free(void *p, size_t n)
{
    if (!p)
        return;
    S_UNROOT(p, n);
    munmap(p, n);
}
