/* bclient: the benchmark's API client. One DEALER to the broker with many
 * calls in flight; each call carries a caller-chosen tag that comes back
 * with its reply, with the time the call was sent. Not thread-safe.
 */
#ifndef VS_BCLIENT_H
#define VS_BCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

typedef struct vs_bclient vs_bclient_t;

typedef struct {
    char account[16], region[32];
} vs_bparty_t;

/* "111111111111:us-east-1" -> party. 0 or -1. */
int vs_bparty_parse(const char *s, vs_bparty_t *p);

/* Monotonic nanoseconds (the benchmark measures wall time, on purpose). */
uint64_t vs_bnow_ns(void);

/* Connects to the broker endpoint. NULL on failure. */
vs_bclient_t *vs_bclient_new(const char *endpoint);
void vs_bclient_destroy(vs_bclient_t **cl);

/* The ZeroMQ context, for benchmarks that open more sockets (borrowed). */
void *vs_bclient_zctx(vs_bclient_t *cl);

/* Sends an API request (input_json borrowed) or an admin op. 0 or -1. */
int vs_bclient_call(vs_bclient_t *cl, const vs_bparty_t *p, const char *action,
                    const char *input_json, uint64_t tag);
int vs_bclient_admin(vs_bclient_t *cl, const char *op, int64_t seconds, uint64_t tag);

/* Calls sent and not yet answered. */
size_t vs_bclient_inflight(const vs_bclient_t *cl);

/* Waits up to timeout_ms for the reply to one of our calls. Returns the
 * envelope with its call's tag and send time, or NULL on timeout. Replies
 * to calls we did not make are dropped. The envelope is borrowed: it lives
 * in the client (decoded without malloc for an ordinary reply) until the
 * next vs_bclient_recv, vs_bclient_release or vs_bclient_destroy. */
vs_env_t *vs_bclient_recv(vs_bclient_t *cl, uint64_t *tag, uint64_t *sent_ns, int timeout_ms);
/* Lets go of the envelope vs_bclient_recv returned (optional: the next
 * recv does it; earlier frees a large reply's memory sooner). */
void vs_bclient_release(vs_bclient_t *cl);

/* One call, waiting for its answer: the output JSON (caller frees) or NULL
 * with the error in err. */
char *vs_bclient_call_sync(vs_bclient_t *cl, const vs_bparty_t *p, const char *action,
                           const char *input_json, char *err, size_t errlen);

/* A string field of an API reply's output (obj.key, or key when obj is
 * NULL), copied into out. 0, or -1 when the reply is an error or has no
 * such field. */
int vs_breply_field(const vs_env_t *env, const char *obj, const char *key, char *out,
                    size_t outlen);

/* A batch of n independent API calls, at most window in flight. item(i)
 * says what call i is (party, action, input written into in); reply(i)
 * answers 0 (done), 1 (send call i again) or -1 (fail the batch). Returns
 * 0, or -1 with a message on stderr naming `what`. */
typedef int vs_bitem_fn(void *ctx, size_t i, const vs_bparty_t **party, const char **action,
                        char *in, size_t inlen);
typedef int vs_breply_fn(void *ctx, size_t i, const vs_env_t *env);
int vs_bclient_batch(vs_bclient_t *cl, size_t n, int window, vs_bitem_fn *item,
                     vs_breply_fn *reply, void *ctx, const char *what);

/* The error of a reply, for messages: "Code: message" or the reason it
 * was not delivered. Borrowed from env. */
const char *vs_breply_error(const vs_env_t *env);

/* The q-th quantile (0..1) of n sorted values; 0 when n is 0. */
uint64_t vs_bquantile(const uint64_t *sorted, size_t n, double q);
void vs_bsort(uint64_t *v, size_t n);

#endif
