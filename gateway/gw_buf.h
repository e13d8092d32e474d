/* gw_buf: a growable byte buffer that stays NUL-terminated, for building
 * XML bodies and canonical requests. A failed allocation sets `oom` and
 * makes every later append a no-op, so callers check once at the end.
 * Ownership: the buffer owns `data`; gw_buf_take() hands it to the caller.
 */
#ifndef GW_BUF_H
#define GW_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *data;
    size_t len, cap;
    bool oom;
} gw_buf_t;

void gw_buf_init(gw_buf_t *b);
void gw_buf_free(gw_buf_t *b);
void gw_buf_reset(gw_buf_t *b);            /* len = 0, keeps the memory */
void gw_buf_add(gw_buf_t *b, const void *p, size_t n);
void gw_buf_adds(gw_buf_t *b, const char *s);
void gw_buf_addc(gw_buf_t *b, char c);
void gw_buf_printf(gw_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Detach the NUL-terminated data (caller frees); NULL after an OOM. The
 * buffer is left empty. */
char *gw_buf_take(gw_buf_t *b, size_t *len);

#endif
