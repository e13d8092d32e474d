/* gw_api: one HTTP request of the EC2 Query API (or STS) in, either a
 * response to send at once or an ApiRequest to forward to an agent out;
 * and an agent's answer in, the XML response out. Sans-IO: the caller
 * passes the wall-clock time and a fresh request id, and does the IO.
 *
 * Identity: the Region and the service come from the SigV4 credential
 * scope. With a credentials table the access key must be in it and the
 * signature must verify; without one, a 12-digit access key id is the
 * account id and secrets are not checked (as LocalStack does).
 *
 * Ownership: results own their strings (gw_api_result_clear frees them).
 */
#ifndef GW_API_H
#define GW_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "gw_creds.h"
#include "gw_err.h"
#include "gw_model.h"
#include "gw_sigv4.h"

typedef struct {
    const char *method;        /* "POST" */
    const char *target;        /* request target: "/" or "/?Action=..." */
    const gw_header_t *headers;/* lower-case names */
    size_t nheaders;
    const uint8_t *body;
    size_t body_len;
} gw_http_req_t;

typedef enum {
    GW_API_RESPOND = 0,   /* status/body/content_type hold the answer */
    GW_API_FORWARD        /* send action/input_json to (account, region) */
} gw_api_kind_t;

typedef struct {
    gw_api_kind_t kind;
    const gw_service_t *svc;   /* NULL when not known (error before the scope) */
    const gw_op_t *op;
    char account[13];
    char region[33];
    char *input_json;          /* FORWARD: compact JSON input document */
    int status;                /* RESPOND */
    char *body;
    size_t body_len;
} gw_api_result_t;

/* Handles one request. Always fills out (kind RESPOND with an AWS error
 * body on any failure). creds NULL: the default identity rule. */
void gw_api_handle(const gw_creds_t *creds, const gw_http_req_t *req, time_t now,
                   const char *request_id, gw_api_result_t *out);

/* Renders an agent's ApiReply for a forwarded request into out (kind
 * RESPOND): the output document as XML, or the AWS error with the HTTP
 * status EC2 uses for its code. */
void gw_api_reply(gw_api_result_t *out, bool ok, const char *output_json,
                  const char *error_code, const char *error_message, const char *request_id);

/* Replaces out's answer by err rendered in out->svc's envelope. */
void gw_api_fail(gw_api_result_t *out, const gw_err_t *err, const char *request_id);

void gw_api_result_clear(gw_api_result_t *out);

#endif
