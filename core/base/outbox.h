/* outbox: peer messages that were sent but not yet acknowledged, with
 * retry timing. Sans-IO: the agent persists the same messages in its store
 * (in the transaction that created them) and asks the outbox which are due
 * for a resend. Retries back off exponentially from base to max; an
 * acknowledgement removes the message for good. Receivers de-duplicate by
 * message id, so resending is always safe.
 */
#ifndef VS_OUTBOX_H
#define VS_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct vs_outmsg {
    uint64_t msg_id;
    const char *to_vpc_arn;     /* may be NULL or "" */
    const char *to_account;
    const char *to_region;
    const uint8_t *payload;
    size_t payload_len;
    bool sealed;                /* payload is AEAD ciphertext */
} vs_outmsg_t;

typedef struct vs_outbox vs_outbox_t;

vs_outbox_t *vs_outbox_new(uint64_t base_backoff_ms, uint64_t max_backoff_ms);
void vs_outbox_destroy(vs_outbox_t **ob);

/* Copies m. The first resend is due at now_ms + base backoff (the caller
 * sends it once itself right away); pass now_ms 0 to make it due at once
 * (messages reloaded after a restart). -1 on OOM or a duplicate id. */
int vs_outbox_add(vs_outbox_t *ob, const vs_outmsg_t *m, uint64_t now_ms);
/* Removes msg_id; true if it was pending. */
bool vs_outbox_ack(vs_outbox_t *ob, uint64_t msg_id);
bool vs_outbox_contains(const vs_outbox_t *ob, uint64_t msg_id);
size_t vs_outbox_len(const vs_outbox_t *ob);
/* Calls cb for every message due at now_ms (in id order of insertion) and
 * schedules its next resend with doubled backoff (capped). The message is
 * borrowed for the call. */
void vs_outbox_each_due(vs_outbox_t *ob, uint64_t now_ms,
                        void (*cb)(void *ctx, const vs_outmsg_t *m), void *ctx);
/* Makes every message due at once with the base backoff again (the broker
 * came back: no reason to wait out long backoffs). */
void vs_outbox_reset_backoff(vs_outbox_t *ob);
/* The smallest msg_id still waiting for an acknowledgement, UINT64_MAX if
 * none: the sender's acknowledgement floor (every smaller id it ever sent
 * is acknowledged or given up). O(n). */
uint64_t vs_outbox_min_id(const vs_outbox_t *ob);
/* Earliest due time, UINT64_MAX if empty. */
uint64_t vs_outbox_next_due(const vs_outbox_t *ob);

#endif
