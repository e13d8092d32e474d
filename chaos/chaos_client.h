/* chaos_client: an asynchronous API client for `vpcsim chaos run`.
 *
 * The one-shot transport (transport.h) waits for one reply; a chaos run
 * needs many calls in flight at once, from several clients, so that
 * operations really race at the agents. Each client is its own DEALER
 * socket; every call has its own msg_id and its own deadline, and its
 * outcome is delivered to a callback exactly once:
 *
 *   CH_CALL_OK       the agent (or broker, for admin ops) answered ok
 *   CH_CALL_FAIL     it answered with an error (AWS code and message)
 *   CH_CALL_UNKNOWN  no answer within the deadline, the broker reported the
 *                    request undeliverable, or it could not be sent: the
 *                    CLI's exit 255, where the operation may or may not
 *                    have happened
 *
 * A reply that arrives after its deadline is dropped: the call was already
 * reported unknown. ZMQ_IMMEDIATE keeps requests from queueing for a broker
 * that is down (they would reach its successor much later).
 */
#ifndef CLI_CHAOS_CLIENT_H
#define CLI_CHAOS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

typedef enum { CH_CALL_OK, CH_CALL_FAIL, CH_CALL_UNKNOWN } ch_call_outcome_t;

typedef struct {
    ch_call_outcome_t outcome;
    const vs_json_t *output;   /* OK: the parsed output document (borrowed, never NULL) */
    const char *code;          /* FAIL: error code; UNKNOWN: why ("timeout", ...) */
    const char *message;       /* FAIL: error message; UNKNOWN: detail */
} ch_call_result_t;

/* Called once per call from ch_client_poll (or ch_client_destroy with
 * UNKNOWN "cancelled"). The result is borrowed for the call. */
typedef void (*ch_call_done_fn)(void *ctx, uint64_t tag, const ch_call_result_t *r);

typedef struct ch_client ch_client_t;

/* nclients clients of endpoint. keys (NULL or "": none) is a keyring:
 * each client then authenticates as the account of each call (its client
 * key) or as the admin, with one DEALER per principal. NULL with err on
 * failure. */
ch_client_t *ch_client_new(const char *endpoint, const char *keys, size_t nclients,
                           ch_call_done_fn done, void *ctx, char *err, size_t errlen);
/* Reports every call still in flight as UNKNOWN "cancelled", then closes. */
void ch_client_destroy(ch_client_t **cl);

/* Starts an EC2 API call from client `client` as account in region.
 * input_json is the operation's input document (borrowed). Returns 0; the
 * outcome arrives later. Never fails synchronously: a send failure is
 * reported through the callback as UNKNOWN on the next poll. */
int ch_client_api(ch_client_t *cl, size_t client, const char *account, const char *region,
                  const char *action, const char *input_json, double timeout_s, uint64_t tag);
/* Starts an admin call (AdminRequest) the same way. */
int ch_client_admin(ch_client_t *cl, size_t client, const char *op, int64_t seconds,
                    const char *args_json, double timeout_s, uint64_t tag);

/* Calls in flight, all clients together, and of one client. */
size_t ch_client_inflight(const ch_client_t *cl);
size_t ch_client_inflight_of(const ch_client_t *cl, size_t client);

/* Waits up to timeout_ms for replies, then reports every finished or
 * expired call. Returns the number of calls reported; a signal ends the
 * wait early (returns 0). */
int ch_client_poll(ch_client_t *cl, int timeout_ms);

#endif
