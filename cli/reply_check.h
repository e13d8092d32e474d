/* reply_check: which message a client may take as the answer to its
 * request. The broker stamps every sender; a client believes a reply only
 * from the party that may send it, never because a body says so:
 *
 *   ApiReply       from the agent of the account and Region it called, or
 *                  from the broker refusing the call itself (AuthFailure)
 *   AdminReply     from the broker
 *   Undeliverable  from the broker (agents' Undeliverables are refused by
 *                  the broker, but a client does not rely on that)
 *
 * and only with its request's msg_id in in_reply_to; except that the
 * broker's MALFORMED answer to a frame it could not decode carries no id
 * (it could not read one), and a client has one request in flight per
 * connection, so that answer is ours. Sans-IO.
 */
#ifndef CLI_REPLY_CHECK_H
#define CLI_REPLY_CHECK_H

#include <stdbool.h>

#include "wire.h"

/* True if reply answers req (req->msg_id already set). */
bool cli_reply_answers(const vs_env_t *req, const vs_env_t *reply);

/* Runs the broker's own decoder over the encoded request: what it would
 * refuse, the client refuses before sending, with the same reason (a
 * tag value that is not UTF-8, an input over the size limit), instead of
 * waiting for an answer that can never come. 0 ok, -1 with err. */
int cli_request_check(const vs_env_t *req, char *err, size_t errlen);

#endif
