/* evlog_codec: the binary form of one batch of events (the events one loop
 * turn recorded), as stored in a row of event_batches. Sans-IO: bytes in,
 * events out.
 *
 * Version 2, little endian, varints as protobuf's (at most 10 bytes):
 *   u8 version (2) | u32 checksum of everything after it (FNV-1a's step
 *   on 64-bit words, evlog_codec.c) |
 *   varint count | count x event
 *   event: u8 kind | 4 x varint: sim_ms, wall_ms, cause, msg_id, each
 *          as the zigzag of its difference (mod 2^64) from the event
 *          before's (from 0 for the first) | 6 x string: object,
 *          peer_account, peer_region, caller, action, detail
 *   string: varint (length << 1) | bytes, or varint (distance << 1 | 1):
 *          the same string as the one whose varint starts that many bytes
 *          back (within the events, never itself a reference), written
 *          when a batch repeats a string (the peer's account and region,
 *          the caller, the action, an object over its several events);
 *          about half the bytes of a batch, in rows, pages and the WAL
 * The seq of an event is implicit: the row's first_seq plus its index.
 * The kind is vs_event_kind_t's value, so that enum may only grow.
 * Version 1 (still read, no longer written) differs in its checksum
 * (FNV-1a 32, a byte at a time), numbers (varints of the values) and
 * strings (varint length | bytes, no references). A later version gets a new
 * version byte; this decoder refuses what it does not know rather than
 * guess.
 *
 * Decoding checks every length against what is left and against the
 * field it fills, and the checksum first: a damaged blob is refused whole
 * (-1 with a reason), never partly read, never read past its end.
 */
#ifndef AGENT_EVLOG_CODEC_H
#define AGENT_EVLOG_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define EVLOG_CODEC_VERSION 2
/* Events in one blob at most; the log starts a new row past this. */
#define EVLOG_CODEC_MAX_EVENTS 4096

/* The table (shared with the store's migration, agent/store.c). */
#define EVLOG_BATCHES_DDL                                                              \
    "CREATE TABLE IF NOT EXISTS event_batches(first_seq INTEGER PRIMARY KEY,"         \
    "  last_seq INTEGER NOT NULL, blob BLOB NOT NULL)"
/* The seq up to which event_state holds every object's state (evlog.c). */
#define EVLOG_CHECKPOINT_DDL                                                           \
    "CREATE TABLE IF NOT EXISTS event_checkpoint(k INTEGER PRIMARY KEY CHECK (k = 0),"  \
    "  seq INTEGER NOT NULL)"

/* Encodes evs[0..n) (1 <= n <= EVLOG_CODEC_MAX_EVENTS) into *buf, grown
 * with realloc as needed (*buf and *cap owned by the caller, may start
 * NULL/0). *len is set to the blob's length. 0, or -1 out of memory. */
int evlog_codec_encode(const vs_event_t *evs, size_t n, uint8_t **buf, size_t *cap, size_t *len);

/* Called once per event, in order; a nonzero return stops the decoding
 * (and is returned). e is valid only during the call. */
typedef int (*evlog_codec_cb)(void *ctx, const vs_event_t *e);

/* Checks the whole blob of the row (first_seq, last_seq), then calls cb
 * for each event with its seq set. 0 (or cb's nonzero return), or -1 with
 * the reason in err when the blob is damaged (cb not called at all). */
int evlog_codec_decode(const uint8_t *blob, size_t len, int64_t first_seq, int64_t last_seq,
                       evlog_codec_cb cb, void *ctx, char *err, size_t errlen);

/* --- the states' checkpoint ------------------------------------------------
 * A row of event_state_batches(seq PRIMARY KEY, blob): (id, state) pairs,
 * the states of the objects changed up to seq (state absent: the object
 * is gone), or of all of them when the log compacted its checkpoint.
 * Applied in seq order over the legacy event_state rows, they give the
 * states as of the checkpoint (evlog.c). One row per checkpoint, not one
 * per object: ids are random, and an upsert per id into a table keyed by
 * id touched a page at random for each.
 *
 * Version 1: u8 version (1) | u32 checksum of what follows (as event
 *   batches' version 2) |
 *   pairs to the end: varint id length | id | varint state length + 1, or
 *   0 when gone | state. Checked whole before anything is applied. */
#define EVLOG_STATE_BATCHES_DDL                                                        \
    "CREATE TABLE IF NOT EXISTS event_state_batches(seq INTEGER PRIMARY KEY,"         \
    "  blob BLOB NOT NULL)"

/* A blob being written, in the caller's *buf (grown with realloc, may
 * start NULL/0, owned by the caller). */
typedef struct {
    uint8_t **buf;
    size_t *cap;
    size_t len;      /* bytes written so far */
    size_t n;        /* pairs */
    int oom;         /* an add ran out of memory: end fails */
} evlog_codec_pairs_t;

void evlog_codec_pairs_begin(evlog_codec_pairs_t *w, uint8_t **buf, size_t *cap);
/* id shorter than VS_EV_ID_LEN, state (NULL: gone) than VS_EV_DETAIL_LEN. */
void evlog_codec_pairs_add(evlog_codec_pairs_t *w, const char *id, const char *state);
/* The blob's length, or 0 out of memory. */
size_t evlog_codec_pairs_end(evlog_codec_pairs_t *w);

typedef int (*evlog_codec_pair_cb)(void *ctx, const char *id, const char *state);
/* Checks the whole blob, then calls cb per pair in order (state NULL when
 * gone). 0 (or cb's nonzero return), or -1 with the reason in err when
 * damaged (cb not called). */
int evlog_codec_pairs_decode(const uint8_t *blob, size_t len, evlog_codec_pair_cb cb, void *ctx,
                             char *err, size_t errlen);

#endif
