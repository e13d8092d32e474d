/* gw_upstream: the gateway's one connection to the broker, a ZeroMQ DEALER
 * inside the libuv loop (common/zloop). Each call sends one ApiRequest
 * addressed to (account, Region), exactly as the vpcsim CLI does, and
 * reports its ApiReply, an Undeliverable, or a timeout, through one
 * callback, exactly once per call. A request that cannot be sent yet (the
 * broker connection is not up: ZMQ_IMMEDIATE) is retried until its
 * deadline. Calls are matched to replies by a random msg_id.
 */
#ifndef GW_UPSTREAM_H
#define GW_UPSTREAM_H

#include <stdint.h>
#include <uv.h>

#include "wire.h"

typedef struct gw_upstream gw_upstream_t;

typedef enum {
    GW_UP_REPLY = 0,      /* reply is an ApiReply */
    GW_UP_UNDELIVERABLE,  /* reply is an Undeliverable from the broker */
    GW_UP_TIMEOUT,        /* no answer (or no broker) before the deadline; reply NULL */
    GW_UP_CANCELLED       /* the upstream is closing; reply NULL */
} gw_up_status_t;

/* reply is borrowed for the duration of the call. */
typedef void (*gw_upstream_cb)(void *ctx, void *call_ctx, gw_up_status_t st, const vs_env_t *reply);

#define GW_UPSTREAM_MAX_PENDING 4096

gw_upstream_t *gw_upstream_new(uv_loop_t *loop, const char *endpoint, double timeout_s,
                               gw_upstream_cb cb, void *ctx, char *err, size_t errlen);
/* Starts a call; call_ctx comes back in the callback. -1 (nothing will be
 * called back) when too many calls are pending or memory runs out. */
int gw_upstream_call(gw_upstream_t *u, const char *account, const char *region, const char *action,
                     const char *input_json, void *call_ctx);
/* Cancels every pending call (callbacks with GW_UP_CANCELLED), closes the
 * socket once the loop has released it. */
void gw_upstream_close(gw_upstream_t **u);

#endif
