/* fault_queue: agent-to-agent messages the chaos model is holding back,
 * either delayed (due at a time) or reordered (held until a later message
 * on the same link has gone out, or until a deadline so that a held message
 * is late, never lost).
 *
 * Sans-IO: times are monotonic ms passed in; a link is the pair of opaque
 * endpoint pointers (the broker's agents, which live as long as it does);
 * the message is an opaque byte string the queue owns. Every message the
 * relay sees gets a sequence number (bk_fq_next_seq), so "later message"
 * means a higher number, whatever the delays did to the order of sending.
 *
 * The queue is a bounded array scanned linearly: chaos tests move tens of
 * messages a second, and BK_FQ_MAX keeps a flood from eating memory.
 */
#ifndef BK_FAULT_QUEUE_H
#define BK_FAULT_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BK_FQ_MAX 10000

typedef struct bk_fq_item {
    uint64_t due_ms;       /* delayed: when to send; held: the deadline */
    uint64_t seq;          /* arrival order (bk_fq_next_seq) */
    bool held;             /* waits for a later message on its link */
    const void *from, *to; /* the link (borrowed) */
    uint8_t *buf;          /* the message (owned) */
    size_t len;
} bk_fq_item_t;

typedef struct bk_fq bk_fq_t;

bk_fq_t *bk_fq_new(void);
/* Frees the queue and every message still in it. Accepts NULL. */
void bk_fq_destroy(bk_fq_t **q);

uint64_t bk_fq_next_seq(bk_fq_t *q);
/* Takes ownership of it->buf on success (0); -1 when the queue is full or
 * on OOM, and the caller keeps the buffer. */
int bk_fq_push(bk_fq_t *q, const bk_fq_item_t *it);
size_t bk_fq_len(const bk_fq_t *q);
/* Earliest due time, UINT64_MAX when empty. */
uint64_t bk_fq_next_due(const bk_fq_t *q);
/* Removes the earliest item due at now_ms (ties: lowest seq) into *out;
 * false if none is due. The caller owns out->buf. */
bool bk_fq_pop_due(bk_fq_t *q, uint64_t now_ms, bk_fq_item_t *out);
/* Removes the held item on link (from, to) with the lowest seq below
 * before_seq into *out: a later message on that link has just gone out.
 * false if there is none. The caller owns out->buf. */
bool bk_fq_take_held(bk_fq_t *q, const void *from, const void *to, uint64_t before_seq,
                     bk_fq_item_t *out);
/* Makes every held item due at now_ms and no longer held (faults cleared:
 * what was held back goes out now). Returns how many. */
size_t bk_fq_release_held(bk_fq_t *q, uint64_t now_ms);

#endif
