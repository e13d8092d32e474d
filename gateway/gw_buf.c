/* gw_buf: growable NUL-terminated buffer (see gw_buf.h). */
#include "gw_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gw_buf_init(gw_buf_t *b)
{
    memset(b, 0, sizeof *b);
}

void gw_buf_free(gw_buf_t *b)
{
    free(b->data);
    gw_buf_init(b);
}

void gw_buf_reset(gw_buf_t *b)
{
    b->len = 0;
    b->oom = false;
    if (b->data)
        b->data[0] = '\0';
}

static bool s_reserve(gw_buf_t *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void gw_buf_add(gw_buf_t *b, const void *p, size_t n)
{
    if (!s_reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void gw_buf_adds(gw_buf_t *b, const char *s)
{
    gw_buf_add(b, s, strlen(s));
}

void gw_buf_addc(gw_buf_t *b, char c)
{
    gw_buf_add(b, &c, 1);
}

void gw_buf_printf(gw_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        gw_buf_add(b, small, (size_t)n);
        return;
    }
    if (!s_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *gw_buf_take(gw_buf_t *b, size_t *len)
{
    if (b->oom || !s_reserve(b, 0)) {
        gw_buf_free(b);
        if (len)
            *len = 0;
        return NULL;
    }
    char *p = b->data;
    if (len)
        *len = b->len;
    gw_buf_init(b);
    return p;
}
