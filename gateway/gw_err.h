/* gw_err: an AWS error as the gateway answers it: HTTP status, AWS error
 * code and message. Every codec reports failures through one of these so
 * the HTTP layer only has to render it. */
#ifndef GW_ERR_H
#define GW_ERR_H

typedef struct {
    int status;            /* 400, 401, 403, 412, 413, 500, 503 */
    char code[64];
    char message[512];
} gw_err_t;

/* Fills err and returns -1 (so callers can `return gw_err_set(...)`). */
int gw_err_set(gw_err_t *err, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The HTTP status real EC2 uses for an error code the agent returned:
 * DryRunOperation 412, AuthFailure 401, UnauthorizedOperation 403,
 * InternalError 500, Unavailable/RequestLimitExceeded 503, else 400. */
int gw_err_status_for(const char *code);

#endif
