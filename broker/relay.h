/* relay: the router's fast path for messages the broker only passes on.
 *
 * Most traffic through the broker is relaying: api_request (client ->
 * agent), api_reply (agent -> client), peer and ack (agent -> agent). For
 * those the router's work is to find the destination and stamp the sender;
 * decoding the whole Envelope into a tree and packing it again cost more
 * than all the rest. bk_relay_fast() reads the routing fields in place
 * (vs_wire_peek), and sends the original bytes with the stamped sender
 * appended (bk_send_stamped): no allocation but zmq's message, one
 * copy.
 *
 * It only takes the plain case, where the outcome is "forwarded": a
 * canonical frame (wire_peek.h), a destination that is registered and
 * online, a call the principal may make, no chaos fault, partition, queued
 * message or capture file (those need the decoded message, fault_relay.c),
 * and a send that succeeds. Anything else returns false with nothing sent,
 * and the router handles the message the full way (decode, stamp,
 * dispatch), which also gives every error its usual answer. So the
 * broker's behaviour is the same with or without this file, which
 * check_broker_relay.c holds it to.
 */
#ifndef BK_RELAY_H
#define BK_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "broker.h"
#include "keys.h"

/* Relays the frame buf (borrowed) from route, sent by principal who, if
 * it is plain relaying (above). True: forwarded, done; false: nothing
 * done but maybe the sender's liveness refresh, use the full path. */
bool bk_relay_fast(broker_t *b, const uint8_t *route, size_t rlen, const vs_principal_t *who,
                   const uint8_t *buf, size_t len);

#endif
