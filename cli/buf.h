/* buf: a growable NUL-terminated string buffer for building CLI output and
 * error messages without IO, so formatters and parsers stay testable.
 *
 * cli_buf_t is a small value type: zero-initialise it (CLI_BUF_INIT), append,
 * then either take the string (cli_buf_take, caller frees) or release it
 * (cli_buf_release). On allocation failure the buffer remembers it (`oom`)
 * and later appends are ignored, so callers check once at the end.
 */
#ifndef CLI_BUF_H
#define CLI_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *s;        /* NULL until the first append; always NUL-terminated after */
    size_t len;
    size_t cap;
    bool oom;
} cli_buf_t;

#define CLI_BUF_INIT { NULL, 0, 0, false }

void cli_buf_putn(cli_buf_t *b, const char *s, size_t n);
void cli_buf_puts(cli_buf_t *b, const char *s);
void cli_buf_putc(cli_buf_t *b, char c);
void cli_buf_printf(cli_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends `n` copies of c. */
void cli_buf_repeat(cli_buf_t *b, char c, size_t n);
/* The contents so far ("" when empty); borrowed, valid until the next append. */
const char *cli_buf_str(const cli_buf_t *b);
/* Hands the string to the caller (never NULL unless oom; free() it) and
 * resets the buffer. */
char *cli_buf_take(cli_buf_t *b);
void cli_buf_release(cli_buf_t *b);

#endif
