#include "vizbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool s_reserve(vs_vizbuf_t *b, size_t more)
{
    if (b->oom)
        return false;
    if (b->len + more + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

void vs_vizbuf_printf(vs_vizbuf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !s_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void vs_vizbuf_xml(vs_vizbuf_t *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': vs_vizbuf_printf(b, "&amp;"); break;
        case '<': vs_vizbuf_printf(b, "&lt;"); break;
        case '>': vs_vizbuf_printf(b, "&gt;"); break;
        case '"': vs_vizbuf_printf(b, "&quot;"); break;
        case '\'': vs_vizbuf_printf(b, "&#39;"); break;
        default: vs_vizbuf_printf(b, "%c", *s); break;
        }
    }
}

char *vs_vizbuf_take(vs_vizbuf_t *b)
{
    char *s = NULL;
    if (!b->oom) {
        if (!b->s && s_reserve(b, 0))
            b->s[0] = 0;
        s = b->s;
    } else {
        free(b->s);
    }
    memset(b, 0, sizeof *b);
    return s;
}
