/* retry: an API call that rides over an agent's restart.
 *
 * When the broker answers Undeliverable AGENT_OFFLINE, the request was
 * never delivered (the agent is known but has no live connection), so it
 * is safe to send again: the call waits with exponential backoff and full
 * jitter (50 ms doubling to 1 s, as the AWS SDKs' standard retry mode but
 * with a shorter base: a local agent restarts in well under a second),
 * until it is answered, the call's timeout runs out, or max_attempts
 * tries were made (AWS_MAX_ATTEMPTS; 0 means no limit but the timeout).
 * Anything else (a reply, another Undeliverable, no answer) ends the
 * call at once: a request that may have been delivered is never resent.
 */
#ifndef CLI_RETRY_H
#define CLI_RETRY_H

#include "transport.h"

/* The pause before try number `attempt` (2, 3, ...): a uniformly random
 * share (rnd in [0,1)) of min(1000, 50 * 2^(attempt-2)) ms. */
long cli_retry_backoff_ms(int attempt, double rnd);

/* cli_transport_call with retries as above; *attempts gets the number of
 * tries (may be NULL). Same results and ownership as cli_transport_call. */
cli_tx_status_t cli_retry_call(cli_transport_t *t, vs_env_t *env, double timeout_s,
                               int max_attempts, vs_env_t **reply, int *attempts, char *err,
                               size_t errlen);

#endif
