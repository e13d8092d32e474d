/* outbox: peer messages that were sent but not yet acknowledged, with
 * retry timing. Sans-IO: the agent persists the same messages in its store
 * (in the transaction that created them) and asks the outbox which are due
 * for a resend. Receivers de-duplicate by message id, so resending is
 * always safe.
 *
 * Timing (per addressee, RFC 6298, rto.h): the first resend is due one RTO
 * after the first send, the RTO measured from the acks of messages sent
 * once (floor base_backoff, ceiling max_backoff); later resends back off
 * exponentially up to max_backoff. A first resend is postponed while acks
 * from the same addressee keep arriving for messages sent before it (the
 * peer is alive, and ours is queued behind a burst); it goes at once when
 * a message sent after it is acknowledged (ours was lost). While nothing
 * at all is acknowledged, one message per RTO (doubling) probes the
 * addressee instead of every message at once. None waits past max_backoff
 * after its send, so a lost message always goes out again.
 *
 * Costs: add, ack O(log n); min_id, next_due O(1); each_due O(k log n) for
 * k due messages.
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

/* Copies m. The first resend is due at now_ms + the addressee's RTO (the
 * caller sends it once itself right away); pass now_ms 0 to make it due at
 * once (messages reloaded after a restart). -1 on OOM or a duplicate id. */
int vs_outbox_add(vs_outbox_t *ob, const vs_outmsg_t *m, uint64_t now_ms);
/* Removes msg_id whoever asks (the broker said nobody owns the address;
 * tests); true if it was pending. Takes no round-trip sample. */
bool vs_outbox_ack(vs_outbox_t *ob, uint64_t msg_id);

typedef enum {
    VS_OUTBOX_ACKED,          /* removed */
    VS_OUTBOX_UNKNOWN,        /* not pending (a duplicate ack): harmless */
    VS_OUTBOX_WRONG_SENDER,   /* pending, but the ack is not from its addressee: kept */
} vs_outbox_ack_t;

/* An ack of msg_id from the agent (account, region), as the broker stamped
 * it: removes the message only if that agent is its addressee - the owner
 * of to_vpc_arn when that is an ARN (the broker routes by it), else
 * (to_account, to_region). At now_ms: the addressee's last ack time, and a
 * round-trip sample if the message was sent once. */
vs_outbox_ack_t vs_outbox_ack_from(vs_outbox_t *ob, uint64_t msg_id, const char *account,
                                   const char *region, uint64_t now_ms);
/* When the last ack from (account, region) arrived (vs_outbox_ack_from's
 * now_ms), 0 if none yet. */
uint64_t vs_outbox_ack_at(const vs_outbox_t *ob, const char *account, const char *region);
/* The current RTO towards (account, region): base_backoff until measured. */
uint64_t vs_outbox_rto(const vs_outbox_t *ob, const char *account, const char *region);

bool vs_outbox_contains(const vs_outbox_t *ob, uint64_t msg_id);
size_t vs_outbox_len(const vs_outbox_t *ob);
/* Calls cb for every message due at now_ms (earliest due first, then by
 * id) and schedules its next resend with doubled backoff (capped). The
 * message is borrowed for the call; cb must not add or remove messages. */
void vs_outbox_each_due(vs_outbox_t *ob, uint64_t now_ms,
                        void (*cb)(void *ctx, const vs_outmsg_t *m), void *ctx);
/* Makes every message due at once with the base backoff again (the broker
 * came back: no reason to wait out long backoffs). */
void vs_outbox_reset_backoff(vs_outbox_t *ob);
/* The smallest msg_id still waiting for an acknowledgement, UINT64_MAX if
 * none: the sender's acknowledgement floor (every smaller id it ever sent
 * is acknowledged or given up). O(1). */
uint64_t vs_outbox_min_id(const vs_outbox_t *ob);
/* Earliest due time, UINT64_MAX if empty. O(1). */
uint64_t vs_outbox_next_due(const vs_outbox_t *ob);

#endif
