/* evlog_codec: the binary form of one batch of events (the events one loop
 * turn recorded), as stored in a row of event_batches. Sans-IO: bytes in,
 * events out.
 *
 * Version 1, little endian, varints as protobuf's (at most 10 bytes):
 *   u8 version (1) | u32 checksum (FNV-1a of everything after it) |
 *   varint count | count x event
 *   event: u8 kind | varint sim_ms | varint wall_ms | varint cause |
 *          varint msg_id | 6 x (varint length | bytes): object,
 *          peer_account, peer_region, caller, action, detail
 * The seq of an event is implicit: the row's first_seq plus its index.
 * The kind is vs_event_kind_t's value, so that enum may only grow. A later
 * version gets a new version byte; this decoder refuses what it does not
 * know rather than guess.
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

#define EVLOG_CODEC_VERSION 1
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

#endif
