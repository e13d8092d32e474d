/* fault_relay: how the broker relays agent-to-agent messages (PeerMessage
 * and Ack) through the chaos model of faults.h, and the --capture file.
 *
 * The router resolves the destination as usual and then asks two things:
 *
 *   bk_fault_cut     before routing: is the sender or the destination
 *                    isolated? Then the message is dropped without an
 *                    answer, as a cut cable would; the sender's outbox
 *                    retries until the partition heals.
 *   bk_fault_relay   instead of bk_send: the fault model decides to drop,
 *                    duplicate, delay (fault_queue, released by the
 *                    broker's fault timer) or hold back the message.
 *
 * Every copy handed to its destination is counted (RelayedPeerMessages,
 * RelayedAcks) and, for a PeerMessage with --capture, written to the
 * capture file as one line:
 *
 *   2026-11-27T16:00:00.123Z 111111111111/us-east-1 -> 222222222222/eu-west-1 sealed=1 9f3a...
 *
 * (the broker's simulated time, the stamped sender, the destination agent,
 * whether the payload is AEAD ciphertext, the payload in lowercase hex or
 * "-" when empty), so a test can check what really crossed the broker.
 */
#ifndef BK_FAULT_RELAY_H
#define BK_FAULT_RELAY_H

#include <stdbool.h>
#include <stddef.h>

#include "broker.h"

/* A held-back (reordered) message goes out at the latest this long after
 * its delay, if no later message on its link pushes it out first: reorder
 * makes a message late, never lost. */
#define BK_FAULT_HOLD_MS 500

/* Creates b->faults and b->fq and opens the capture file (appending;
 * NULL: no capture). -1 with a reason in err. */
int bk_fault_relay_init(broker_t *b, const char *capture_path, char *err, size_t errlen);
/* Frees what init made, with any message still queued. */
void bk_fault_relay_free(broker_t *b);

/* True when the message from agent `from` to (to_account, to_region) must
 * be dropped because either end is isolated; counts it. */
bool bk_fault_cut(broker_t *b, const bk_agent_t *from, const char *to_account,
                  const char *to_region);

/* Relays env (stamped, borrowed) from agent from to the online agent to.
 * Returns bk_send's result for the copy sent at once, 0 when none was
 * (dropped, delayed or held: the sender's outbox will see no difference
 * from a slow network). */
int bk_fault_relay(broker_t *b, bk_agent_t *from, bk_agent_t *to, const vs_env_t *env);

/* The fault timer fired: sends every message now due, re-arms. */
void bk_fault_relay_due(broker_t *b);
/* Faults were cleared: held-back messages go out now. */
void bk_fault_relay_release(broker_t *b);

#endif
