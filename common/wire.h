/* wire: the Envelope codec with bounds. Every frame from the network goes
 * through vs_wire_decode(), which never crashes on garbage: oversized,
 * truncated or malformed frames, an unset body, over-long strings or
 * embedded NULs, too many repeated items all give NULL and a one-line
 * reason. Sans-IO except for the two send helpers at the bottom.
 */
#ifndef VS_WIRE_H
#define VS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "pb.h"
#include "wire.pb-c.h"
#include "wire_text.h"

typedef Vpcsim__Wire__Envelope vs_env_t;

#define VS_WIRE_MAX_FRAME   (4u << 20)   /* 4 MiB: also ZMQ_MAXMSGSIZE */
#define VS_WIRE_MAX_STRING  (1u << 20)   /* json documents */
#define VS_WIRE_MAX_SHORT   256          /* accounts, regions, ARNs, actions */
#define VS_WIRE_MAX_ITEMS   100000       /* repeated fields (vpc_arns) */
#define VS_WIRE_MAX_ROUTE   255          /* zmq routing ids */

/* Decode and validate one frame. Returns a tree owned by the caller (free
 * with vs_wire_free) or NULL, with the reason in err. */
vs_env_t *vs_wire_decode(const uint8_t *buf, size_t len, char *err, size_t errlen);
void vs_wire_free(vs_env_t **env);
/* The same, with the tree in arena (borrowed: it and its buffer must
 * outlive the tree), so that an ordinary frame decodes with no malloc; a
 * larger one spills to malloc. On failure the arena is left as it was.
 * Free with vs_wire_free_in, which also empties the arena for the next
 * frame: an arena holds one tree at a time. */
vs_env_t *vs_wire_decode_in(vs_arena_t *arena, const uint8_t *buf, size_t len, char *err,
                            size_t errlen);
void vs_wire_free_in(vs_env_t **env, vs_arena_t *arena);

/* The descriptor-driven decoder alone (protobuf-c's unpack between two
 * validation passes), which vs_wire_decode falls back on for whatever its
 * hand-written fast path (wire_fast.h) is not sure of: the reference the
 * fast path is tested against. */
vs_env_t *vs_wire_decode_ref(const uint8_t *buf, size_t len, char *err, size_t errlen);

/* The encoding's size, counted into sz; then the encoding written into
 * out (room for that size) by vs_wire_pack with the same sz and env,
 * unchanged since, returning the bytes written. By hand for the hot
 * envelopes (wire_fast.h: the count keeps the lengths of the
 * sub-messages, so the write does not count them again), else by
 * protobuf-c; the same bytes either way. */
typedef struct vs_wire_sized {
    bool fast;
    vs_pb_w_t w;
} vs_wire_sized_t;
size_t vs_wire_packed_size(const vs_env_t *env, vs_wire_sized_t *sz);
size_t vs_wire_pack(const vs_env_t *env, vs_wire_sized_t *sz, uint8_t *out);

/* Pack into a malloc'd buffer. 0 ok, -1 on OOM or if the result would
 * exceed VS_WIRE_MAX_FRAME. */
int vs_wire_encode(const vs_env_t *env, uint8_t **buf, size_t *len);

/* Send one Envelope as one frame on a DEALER (vs_wire_send) or to a peer of
 * a ROUTER (vs_wire_send_to: routing-id frame, then the Envelope). flags
 * are zmq_send flags (use ZMQ_DONTWAIT from a loop). Returns 0 or -1 with
 * errno set (EAGAIN, EHOSTUNREACH, ...). */
/* The rules vs_wire_decode applies, for other walkers of the raw
 * encoding (wire_peek.c) so that they cannot drift apart:
 * - vs_wire_long_string: the string field may hold a document or message
 *   (VS_WIRE_MAX_STRING, controls allowed); others are identifiers
 *   (VS_WIRE_MAX_SHORT, no controls);
 * - vs_wire_bytes_limit: the most bytes a bytes field may hold;
 * - vs_wire_check_text (wire_text.h): NULL, or what is wrong with the text
 *   (strict UTF-8, no NUL, no controls when is_short);
 * - vs_wire_varint: reads one varint at *pos (advanced); -1 if truncated or
 *   longer than 10 bytes;
 * - vs_wire_varint32: the same for a key or a length prefix, which
 *   protobuf-c reads in at most 5 bytes;
 * - vs_wire_body_known: c is a body this build knows. */
bool vs_wire_long_string(const ProtobufCFieldDescriptor *f);
size_t vs_wire_bytes_limit(const ProtobufCFieldDescriptor *f);
int vs_wire_varint(const uint8_t *p, size_t len, size_t *pos, uint64_t *out);
int vs_wire_varint32(const uint8_t *p, size_t len, size_t *pos, uint64_t *out);
bool vs_wire_body_known(Vpcsim__Wire__Envelope__BodyCase c);

int vs_wire_send(void *zsock, const vs_env_t *env, int flags);
int vs_wire_send_to(void *zsock, const uint8_t *route, size_t route_len,
                    const vs_env_t *env, int flags);

#endif
