/* router: what the broker does with each message.
 *
 * Plain relaying (api_request, api_reply, peer, ack to a reachable
 * destination, no chaos) takes the fast path of relay.h, which reads the
 * routing fields in place and appends the stamp; it behaves the same and
 * steps aside for anything else. Otherwise:
 * every frame is decoded and bounded (vs_wire_decode), stamped with who
 * really sent it (env->sender is overwritten: AGENT with its account,
 * Region and partition if the routing id belongs to a registered agent,
 * else CLIENT; both carry the routing id as sender.route), and dispatched
 * on its body through a table:
 *
 *   hello          register (account, Region) -> this connection; Welcome
 *   heartbeat      liveness; answered with the broker's simulated time,
 *                  or resync=true to a connection it does not know
 *   vpc_update     add/remove the agent's VPC ARNs
 *   api_request    client -> agent by (to.account, to.region)
 *   api_reply,     agent -> client by to.client_route (dropped if the
 *   undeliverable  client is gone)
 *   peer, ack      agent -> agent by to.vpc_arn (exact, then the ARN's
 *                  account/Region), else (to.account, to.region),
 *                  through the chaos model (fault_relay.h)
 *   admin_request  answered by the broker (admin.c)
 *
 * What cannot be delivered is answered with Undeliverable (NO_SUCH_AGENT,
 * AGENT_OFFLINE, BAD_ADDRESS, MALFORMED) carrying in_reply_to and the
 * original `to`. Agent-only messages from a connection that is not a
 * registered agent are answered with Heartbeat{resync=true}, which makes a
 * real agent (say, after a broker restart) send Hello again.
 */
#ifndef BK_ROUTER_H
#define BK_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "broker.h"

/* One frame [route][buf] received on the ROUTER. buf is borrowed. */
void bk_router_handle(broker_t *b, const uint8_t *route, size_t rlen, const uint8_t *buf,
                      size_t len);
/* The same from the authenticated principal who (borrowed). On a secured
 * broker (b->secured) it decides what the message may do: Hello only for
 * the agent's own (account, Region), API calls only as the principal's
 * own account, admin operations only with the admin key; the sender is
 * stamped with the principal's account. */
void bk_router_handle_as(broker_t *b, const uint8_t *route, size_t rlen,
                         const vs_principal_t *who, const uint8_t *buf, size_t len);
/* A message that could not even be split into [route][Envelope]. */
void bk_router_malformed(broker_t *b, const uint8_t *route, size_t rlen, const char *reason);
#endif
