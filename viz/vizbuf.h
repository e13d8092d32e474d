/* vizbuf: a growing text buffer for the renderers, with XML escaping.
 * Out of memory is sticky: the buffer then yields NULL. */
#ifndef VS_VIZBUF_H
#define VS_VIZBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *s;
    size_t len, cap;
    bool oom;
} vs_vizbuf_t;

void vs_vizbuf_printf(vs_vizbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s with &, <, >, " and ' escaped for XML text and attributes. */
void vs_vizbuf_xml(vs_vizbuf_t *b, const char *s);
/* The text (caller frees), or NULL after out of memory; resets b. */
char *vs_vizbuf_take(vs_vizbuf_t *b);

#endif
