/* gw_err: AWS errors with their HTTP status (see gw_err.h). */
#include "gw_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int gw_err_set(gw_err_t *err, int status, const char *code, const char *fmt, ...)
{
    err->status = status;
    snprintf(err->code, sizeof err->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

int gw_err_status_for(const char *code)
{
    static const struct {
        const char *code;
        int status;
    } table[] = {
        { "DryRunOperation", 412 },
        { "AuthFailure", 401 },
        { "UnauthorizedOperation", 403 },
        { "OptInRequired", 403 },
        { "InternalError", 500 },
        { "InternalFailure", 500 },
        { "Unavailable", 503 },
        { "ServiceUnavailable", 503 },
        { "RequestLimitExceeded", 503 },
    };
    for (size_t i = 0; code && i < sizeof table / sizeof table[0]; i++)
        if (strcmp(code, table[i].code) == 0)
            return table[i].status;
    return 400;
}
