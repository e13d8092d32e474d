/* pb: a small protobuf (proto3) writer and reader for hand-written codecs
 * of hot messages (core/peering/pcx_wire.c), without a message tree.
 *
 * The writer produces what protobuf-c's pack does when the caller writes
 * fields in number order and skips defaults the way it does (the vs_pb_*
 * field writers skip 0, false, "" and empty bytes themselves). A writer
 * with p == NULL only counts, to size a nested message before its prefix.
 *
 * The reader, vs_pb_next, accepts and refuses framing exactly as
 * protobuf-c 1.4's unpack does: a key in at most 5 bytes whose first byte
 * is not 0..7, a varint in at most 10 bytes, a length prefix in at most 5,
 * wire types 0, 1, 2 and 5 only (groups refused). What a field's value
 * means is the caller's, and so is a known field with the wrong wire type:
 * protobuf-c refuses it, except for bool (vs_pb_truth). Pure code, no allocation, no IO.
 */
#ifndef VS_PB_H
#define VS_PB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { VS_PB_VARINT = 0, VS_PB_I64 = 1, VS_PB_LEN = 2, VS_PB_I32 = 5 };

/* --- writing ----------------------------------------------------------------- */

/* Lengths of nested messages a writer remembers (see vs_pb_w_write). */
#define VS_PB_MAX_SUBS 16

typedef struct {
    uint8_t *p;     /* NULL: count only; else room for everything written */
    size_t n;       /* bytes written (or counted) so far */
    /* The lengths of nested messages in the order they open, recorded by
     * the counting pass for the writing pass to prefix them with (a nested
     * message needs its length before its bytes). Without them each body
     * would be counted again at every level above it. */
    size_t sub[VS_PB_MAX_SUBS];
    unsigned nsub;  /* nested messages opened so far in this pass */
} vs_pb_w_t;

/* Turns a writer that has counted a message into one that writes the same
 * message to buf (room for w->n bytes), reusing the nested lengths: the
 * caller must then write exactly what it counted, in the same order. */
static inline void vs_pb_w_write(vs_pb_w_t *w, uint8_t *buf)
{
    w->p = buf;
    w->n = 0;
    w->nsub = 0;
}

static inline size_t vs_pb_varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static inline void vs_pb_varint(vs_pb_w_t *w, uint64_t v)
{
    if (!w->p) {
        w->n += vs_pb_varint_len(v);
        return;
    }
    uint8_t *p = w->p + w->n;
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    w->n = (size_t)(p - w->p);
}

static inline void vs_pb_key(vs_pb_w_t *w, uint32_t field, unsigned wt)
{
    vs_pb_varint(w, (uint64_t)field << 3 | wt);
}

static inline void vs_pb_raw(vs_pb_w_t *w, const void *data, size_t n)
{
    if (w->p && n)
        memcpy(w->p + w->n, data, n);
    w->n += n;
}

/* uint64, uint32: omitted when 0. */
static inline void vs_pb_uint(vs_pb_w_t *w, uint32_t field, uint64_t v)
{
    if (v) {
        vs_pb_key(w, field, VS_PB_VARINT);
        vs_pb_varint(w, v);
    }
}

/* enum, int32: omitted when 0; a negative value takes 10 bytes, as int32's
 * sign extension does. */
static inline void vs_pb_int32(vs_pb_w_t *w, uint32_t field, int32_t v)
{
    vs_pb_uint(w, field, (uint64_t)(int64_t)v);
}

static inline void vs_pb_bool(vs_pb_w_t *w, uint32_t field, bool b)
{
    vs_pb_uint(w, field, b ? 1 : 0);
}

/* bytes; a string is the same with n = strlen (omitted when empty). */
static inline void vs_pb_bytes(vs_pb_w_t *w, uint32_t field, const void *data, size_t n)
{
    if (n) {
        vs_pb_key(w, field, VS_PB_LEN);
        vs_pb_varint(w, n);
        vs_pb_raw(w, data, n);
    }
}

static inline void vs_pb_str(vs_pb_w_t *w, uint32_t field, const char *s)
{
    if (s)
        vs_pb_bytes(w, field, s, strlen(s));
}

/* Writes a sub-message (field, LEN): its length, then body_fn(w, arg)'s
 * fields. The counting pass counts the body in place and records its
 * length in the writer's next slot; the writing pass, which must come from
 * that writer by vs_pb_w_write and open the sub-messages in the same
 * order, takes it from the same slot: a body is visited twice per encode,
 * not once per level above it. A sub-message past the slots is counted
 * apart. */
#define VS_PB_SUB(w, field, body_fn, arg)                                                \
    do {                                                                                 \
        vs_pb_w_t *w_ = (w);                                                             \
        unsigned slot_ = w_->nsub++;                                                     \
        size_t len_;                                                                     \
        if (!w_->p) {                                                                    \
            size_t start_ = w_->n;                                                       \
            body_fn(w_, arg);                                                            \
            len_ = w_->n - start_;                                                       \
            w_->n = start_;                                                              \
            if (slot_ < VS_PB_MAX_SUBS)                                                  \
                w_->sub[slot_] = len_;                                                   \
        } else if (slot_ < VS_PB_MAX_SUBS) {                                             \
            len_ = w_->sub[slot_];                                                       \
        } else {                                                                         \
            vs_pb_w_t c_ = { NULL, 0, { 0 }, 0 };                                        \
            body_fn(&c_, arg);                                                           \
            len_ = c_.n;                                                                 \
        }                                                                                \
        vs_pb_key(w_, field, VS_PB_LEN);                                                 \
        vs_pb_varint(w_, len_);                                                          \
        if (w_->p)                                                                       \
            body_fn(w_, arg);                                                            \
        else                                                                             \
            w_->n += len_;                                                               \
    } while (0)

/* --- reading ----------------------------------------------------------------- */

typedef struct {
    const uint8_t *p, *end;
} vs_pb_r_t;

typedef struct {
    uint32_t field;         /* as protobuf-c reads it (may be 0 from a long key) */
    unsigned wt;
    uint64_t v;             /* VARINT: the value (bits past 64 dropped); else 0 */
    const uint8_t *data;    /* LEN, I64, I32: the bytes */
    size_t len;
    const uint8_t *raw;     /* the value as on the wire (a LEN's with its prefix) */
    size_t rawlen;
} vs_pb_field_t;

static inline vs_pb_r_t vs_pb_reader(const uint8_t *p, size_t len)
{
    vs_pb_r_t r = { p, p + len };
    return r;
}

/* The next field: 1, 0 at the end, -1 if the framing is one protobuf-c
 * refuses. */
int vs_pb_next(vs_pb_r_t *r, vs_pb_field_t *f);

/* A bool field's value as protobuf-c reads it: any wire type is taken (it
 * checks none for bool), and the value is true if any 7-bit group of its
 * raw bytes is nonzero (a varint's bits past 64, a LEN's prefix too). */
static inline bool vs_pb_truth(const vs_pb_field_t *f)
{
    for (size_t i = 0; i < f->rawlen; i++)
        if (f->raw[i] & 0x7f)
            return true;
    return false;
}

#endif
