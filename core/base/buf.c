/* buf: growable string buffer (see buf.h). */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool s_reserve(vs_buf_t *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > ((size_t)-1) / 2) {
            b->oom = true;
            return false;
        }
        cap *= 2;
    }
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

void vs_buf_reserve(vs_buf_t *b, size_t n)
{
    if (s_reserve(b, n))
        b->s[b->len] = '\0';     /* a fresh block is a valid "" at once */
}

void vs_buf_putn(vs_buf_t *b, const char *s, size_t n)
{
    if (!s_reserve(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void vs_buf_puts(vs_buf_t *b, const char *s)
{
    vs_buf_putn(b, s, strlen(s));
}

void vs_buf_putc(vs_buf_t *b, char c)
{
    vs_buf_putn(b, &c, 1);
}

void vs_buf_repeat(vs_buf_t *b, char c, size_t n)
{
    if (!s_reserve(b, n))
        return;
    memset(b->s + b->len, c, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void vs_buf_printf(vs_buf_t *b, const char *fmt, ...)
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

const char *vs_buf_str(const vs_buf_t *b)
{
    return b->s ? b->s : "";
}

char *vs_buf_take(vs_buf_t *b)
{
    char *s = NULL;
    if (!b->oom)
        s = b->s ? b->s : strdup("");
    else
        free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = false;
    return s;
}

void vs_buf_release(vs_buf_t *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}
