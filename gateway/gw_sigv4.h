/* gw_sigv4: AWS Signature Version 4 (AWS4-HMAC-SHA256) as a server checks
 * it, on libsodium: parses the Authorization header (credential scope,
 * signed headers, signature), rebuilds the canonical request from the
 * method, target, the signed headers as received and the SHA-256 of the
 * raw body, derives the signing key from the secret and compares in
 * constant time. The scope also tells the Region and the service (ec2,
 * sts). Sans-IO: the caller passes the current wall-clock time.
 */
#ifndef GW_SIGV4_H
#define GW_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "gw_err.h"

/* One request header; names are lower-case (the HTTP layer folds them). */
typedef struct {
    const char *name;
    const char *value;
} gw_header_t;

typedef struct {
    char akid[129];
    char date[9];              /* scope date, YYYYMMDD */
    char region[33];
    char service[33];
    char signed_headers[1024]; /* "content-type;host;x-amz-date" */
    char signature[65];        /* 64 lower-case hex digits */
} gw_sigv4_auth_t;

#define GW_SIGV4_MAX_SKEW_S 300   /* AWS accepts +-5 minutes */

/* Parses an Authorization header value. -1 with err (400
 * IncompleteSignature) when it is not a well-formed AWS4-HMAC-SHA256 header. */
int gw_sigv4_parse(const char *authorization, gw_sigv4_auth_t *out, gw_err_t *err);

/* The value of header `name` (lower-case) among h[0..n), or NULL. */
const char *gw_sigv4_header(const gw_header_t *h, size_t n, const char *name);

/* Computes the signature (64 hex digits + NUL into out) the client must
 * have sent for this request with this secret. -1 with err if a signed
 * header is missing or X-Amz-Date is absent. */
int gw_sigv4_sign(const gw_sigv4_auth_t *a, const char *secret, const char *method,
                  const char *target, const gw_header_t *h, size_t n, const uint8_t *body,
                  size_t body_len, char out[65], gw_err_t *err);

/* Full check: the date is within GW_SIGV4_MAX_SKEW_S of now (else 400
 * RequestExpired) and agrees with the scope, and the signature matches
 * (else 401 AuthFailure). 0 when the request is authentic. */
int gw_sigv4_verify(const gw_sigv4_auth_t *a, const char *secret, const char *method,
                    const char *target, const gw_header_t *h, size_t n, const uint8_t *body,
                    size_t body_len, time_t now, gw_err_t *err);

#endif
