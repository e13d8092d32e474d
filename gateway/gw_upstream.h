/* gw_upstream: the gateway's connections to the broker, ZeroMQ DEALERs
 * inside the libuv loop (common/zloop). Each call sends one ApiRequest
 * addressed to (account, Region), exactly as the vpcsim CLI does, and
 * reports its ApiReply, an Undeliverable, a refusal or a timeout, through
 * one callback, exactly once per call. A request that cannot be sent yet
 * (the broker connection is not up: ZMQ_IMMEDIATE) is retried until its
 * deadline. Calls are matched to replies by a random msg_id.
 *
 * Without a keyring there is one connection, and the broker (open) takes
 * the account each request names. With a keyring (--keys DIR) the broker
 * believes only the key: the gateway then talks as the account of each
 * request, over one CURVE connection per account authenticated with that
 * account's client key (keys.h, principal client:ACCOUNT), made on the
 * account's first call. So what an account may see and do through the
 * gateway is exactly what it may through `vpcsim --keys`.
 */
#ifndef GW_UPSTREAM_H
#define GW_UPSTREAM_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "wire.h"

typedef struct gw_upstream gw_upstream_t;

typedef enum {
    GW_UP_REPLY = 0,      /* reply is an ApiReply */
    GW_UP_UNDELIVERABLE,  /* reply is an Undeliverable from the broker */
    GW_UP_TIMEOUT,        /* no answer (or no broker) before the deadline; reply NULL */
    GW_UP_CANCELLED,      /* the upstream is closing; reply NULL */
    GW_UP_REFUSED         /* the broker refused the account's key; reply NULL */
} gw_up_status_t;

/* reply is borrowed for the duration of the call. */
typedef void (*gw_upstream_cb)(void *ctx, void *call_ctx, gw_up_status_t st, const vs_env_t *reply);

#define GW_UPSTREAM_MAX_PENDING 4096
#define GW_UPSTREAM_MAX_CONNS   1024   /* accounts with a broker connection at once */

/* keys_dir: the keyring (copied), or NULL for an open broker. */
gw_upstream_t *gw_upstream_new(uv_loop_t *loop, const char *endpoint, const char *keys_dir,
                               double timeout_s, gw_upstream_cb cb, void *ctx, char *err,
                               size_t errlen);

typedef enum {
    GW_UP_CALL_OK = 0,     /* the callback will come */
    GW_UP_CALL_BUSY,       /* too many calls pending, or out of memory */
    GW_UP_CALL_NO_KEY      /* keyring: no usable client key for the account (err says why) */
} gw_up_call_rc_t;

/* Starts a call as `account`; call_ctx comes back in the callback. On
 * anything but GW_UP_CALL_OK nothing will be called back. */
gw_up_call_rc_t gw_upstream_call(gw_upstream_t *u, const char *account, const char *region,
                                 const char *action, const char *input_json, void *call_ctx,
                                 char *err, size_t errlen);
/* Broker connections open now. */
size_t gw_upstream_conn_count(const gw_upstream_t *u);
/* Cancels every pending call (callbacks with GW_UP_CANCELLED), closes the
 * sockets once the loop has released them. */
void gw_upstream_close(gw_upstream_t **u);

#endif
