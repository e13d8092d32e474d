/* buf: a growable NUL-terminated string buffer for building output and
 * error messages without IO (the CLI, the renderers), so formatters and parsers stay testable.
 *
 * vs_buf_t is a small value type: zero-initialise it (VS_BUF_INIT), append,
 * then either take the string (vs_buf_take, caller frees) or release it
 * (vs_buf_release). On allocation failure the buffer remembers it (`oom`)
 * and later appends are ignored, so callers check once at the end.
 */
#ifndef VS_BUF_H
#define VS_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *s;        /* NULL until the first append; always NUL-terminated after */
    size_t len;
    size_t cap;
    bool oom;
} vs_buf_t;

#define VS_BUF_INIT { NULL, 0, 0, false }

void vs_buf_putn(vs_buf_t *b, const char *s, size_t n);
void vs_buf_puts(vs_buf_t *b, const char *s);
void vs_buf_putc(vs_buf_t *b, char c);
void vs_buf_printf(vs_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes room for n more bytes at once, for a writer that knows about how
 * much it will print (fewer reallocations on the way). */
void vs_buf_reserve(vs_buf_t *b, size_t n);
/* Appends `n` copies of c. */
void vs_buf_repeat(vs_buf_t *b, char c, size_t n);
/* The contents so far ("" when empty); borrowed, valid until the next append. */
const char *vs_buf_str(const vs_buf_t *b);
/* Hands the string to the caller (never NULL unless oom; free() it) and
 * resets the buffer. */
char *vs_buf_take(vs_buf_t *b);
void vs_buf_release(vs_buf_t *b);

#endif
