/* awserr: an AWS service error as the API returns it: a code
 * ("InvalidVpcID.NotFound") and a message ("The vpc ID 'vpc-1' does not
 * exist"). Handlers fill one and return -1; the CLI prints
 * "An error occurred (CODE) when calling the OPERATION operation: MESSAGE".
 */
#ifndef VS_AWSERR_H
#define VS_AWSERR_H

#include <stdarg.h>
#include <stdio.h>

typedef struct {
    char code[96];
    char message[512];
} vs_awserr_t;

/* Sets code and a printf-formatted message; always returns -1 so handlers
 * can write `return vs_awserr_set(err, "Code", "fmt", ...);`. */
static inline int vs_awserr_set(vs_awserr_t *e, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline int vs_awserr_set(vs_awserr_t *e, const char *code, const char *fmt, ...)
{
    if (!e)
        return -1;
    snprintf(e->code, sizeof e->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return -1;
}

#endif
