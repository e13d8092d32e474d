/* rto: a retransmission timeout from measured round trips (RFC 6298).
 * SRTT and RTTVAR are updated from the round trip of each message that
 * was sent once (Karn: a resent message's ack cannot say which copy it
 * answers); RTO = SRTT + 4 * RTTVAR, clamped to [floor, ceiling]. Before
 * the first sample the RTO is the floor. Caller-allocated, no allocation.
 */
#ifndef VS_RTO_H
#define VS_RTO_H

#include <stdbool.h>
#include <stdint.h>

typedef struct vs_rto {
    double srtt, rttvar;        /* ms; valid once has_sample */
    bool has_sample;
    uint64_t floor_ms, ceil_ms;
} vs_rto_t;

void vs_rto_init(vs_rto_t *r, uint64_t floor_ms, uint64_t ceil_ms);
/* One measured round trip of a message sent once. */
void vs_rto_sample(vs_rto_t *r, uint64_t rtt_ms);
/* The current timeout, in [floor, ceiling]. */
uint64_t vs_rto_get(const vs_rto_t *r);

#endif
