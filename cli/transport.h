/* transport: one request, one reply, over a ZeroMQ DEALER connected to the
 * broker. The CLI is a short-lived client: it connects, sends one
 * Envelope, waits (bounded) for the reply whose in_reply_to matches, and
 * ignores anything else.
 *
 * ZMQ_IMMEDIATE=1 keeps a send from queueing on a connection that does not
 * exist, so "broker not running" is told apart from "no answer"; LINGER 0
 * lets the process exit at once.
 */
#ifndef CLI_TRANSPORT_H
#define CLI_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "keys.h"
#include "wire.h"

typedef struct cli_transport cli_transport_t;

typedef enum {
    CLI_TX_OK = 0,          /* *reply holds ApiReply, AdminReply or Undeliverable */
    CLI_TX_NOT_CONNECTED,   /* no connection to the broker within the timeout */
    CLI_TX_TIMEOUT,         /* sent, but no matching reply within the timeout */
    CLI_TX_ERROR,           /* local failure (message in err) */
    CLI_TX_REFUSED          /* not sent: the broker would refuse it (reason in err) */
} cli_tx_status_t;

/* Creates the socket and starts connecting to endpoint. NULL on failure
 * with the reason in err. `debug` logs envelopes to stderr. */
cli_transport_t *cli_transport_new(const char *endpoint, bool debug, char *err, size_t errlen);
/* The same, authenticated as `who` with its key from the keyring keys_dir
 * (keys.h); keys_dir NULL is cli_transport_new. A broker that refuses the
 * key ends the call at once with CLI_TX_ERROR and says so in err. */
cli_transport_t *cli_transport_new_as(const char *endpoint, bool debug, const char *keys_dir,
                                      const vs_principal_t *who, char *err, size_t errlen);
void cli_transport_destroy(cli_transport_t **t);

/* Gives env a fresh random msg_id, sends it and waits up to timeout_s for
 * the matching reply (reply_check.h: from the party that may send it).
 * A request the broker's decoder would refuse is not sent (CLI_TX_REFUSED). On CLI_TX_OK the caller owns *reply (vs_wire_free). */
cli_tx_status_t cli_transport_call(cli_transport_t *t, vs_env_t *env, double timeout_s,
                                   vs_env_t **reply, char *err, size_t errlen);

/* A random 64-bit id from the kernel (never 0). */
uint64_t cli_random_u64(void);
/* A random UUID4 string ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"), as
 * botocore fills idempotency tokens. out must hold 37 bytes. */
void cli_random_uuid(char out[37]);

#endif
