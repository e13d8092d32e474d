/* wire: the Envelope codec with bounds (see wire.h).
 *
 * Validation happens in two passes around protobuf-c's unpack:
 *
 * 1. Before unpacking, s_scan() walks the raw protobuf encoding with the
 *    generated descriptors. It sees every string with its *declared*
 *    length, which the unpacked C string no longer carries (protobuf-c
 *    copies the bytes and NUL-terminates them, so "ab\0cd" would silently
 *    become "ab"). That is where embedded NULs, invalid UTF-8, control
 *    characters in short fields and over-long strings or byte fields are
 *    caught. It also counts repeated items per message, so a frame full of
 *    tiny items is refused before protobuf-c allocates one block per item.
 * 2. After unpacking, s_check_tree() enforces what only the merged tree
 *    shows: a body is set, and repeated counts stay bounded even when a
 *    submessage was split over several occurrences (protobuf merges them).
 *
 * Both passes are driven by the descriptors, so a field added to wire.proto
 * is checked without touching this file: strings default to the short
 * limit, and vs_wire_long_string() names the few that may hold documents.
 */
#include "wire.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "wire_fast.h"

/* Our messages nest three deep (Envelope > Undeliverable > Address); the
 * limit only guards the recursion against a descriptor cycle added later. */
#define S_MAX_DEPTH 8
/* Per-message counters for repeated fields during the raw scan. */
#define S_MAX_FIELDS 64

static void s_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void s_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Strings that carry documents or human-readable messages; every other
 * string is an identifier (account, Region, ARN, action, op, code). */
bool vs_wire_long_string(const ProtobufCFieldDescriptor *f)
{
    /* Asked for every string of every frame: the first letter rules out
     * most names before any strcmp. */
    const char *name = f->name;
    size_t n = strlen(name);
    if (n >= 5 && memcmp(name + n - 5, "_json", 5) == 0)
        return true;
    if (name[0] == 'e')
        return strcmp(name, "error") == 0 || strcmp(name, "error_message") == 0;
    return name[0] == 'd' && strcmp(name, "detail") == 0;
}

/* Routing ids are at most 255 bytes (ZMQ_ROUTING_ID); other byte fields
 * (the opaque peer payload) are bounded by the frame. */
size_t vs_wire_bytes_limit(const ProtobufCFieldDescriptor *f)
{
    if (strcmp(f->name, "route") == 0 || strcmp(f->name, "client_route") == 0)
        return VS_WIRE_MAX_ROUTE;
    return VS_WIRE_MAX_FRAME;
}

static int s_varint(const uint8_t *p, size_t len, size_t *pos, uint64_t *out, unsigned max_bytes)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 7 * max_bytes && *pos < len; shift += 7) {
        uint8_t b = p[(*pos)++];
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

int vs_wire_varint(const uint8_t *p, size_t len, size_t *pos, uint64_t *out)
{
    return s_varint(p, len, pos, out, 10);
}

/* protobuf-c reads a field's key and a length prefix in at most 5 bytes and
 * refuses a longer (overlong) encoding, so we must too: otherwise the scan
 * and the broker's fast relay would pass what unpack refuses. */
int vs_wire_varint32(const uint8_t *p, size_t len, size_t *pos, uint64_t *out)
{
    return s_varint(p, len, pos, out, 5);
}

/* Pass 1 (see the file comment). Returns 0, or -1 with err set; *malformed
 * tells the caller whether the encoding itself was broken (reported as
 * "malformed Envelope") or a well-formed field broke one of our limits. */
static int s_scan(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t len,
                  int depth, bool *malformed, char *err, size_t errlen)
{
    size_t counts[S_MAX_FIELDS] = { 0 };
    size_t pos = 0;

    if (depth > S_MAX_DEPTH) {
        *malformed = true;
        return -1;
    }
    while (pos < len) {
        uint64_t key, n;
        if (vs_wire_varint32(p, len, &pos, &key) < 0 || (key >> 3) == 0 || (key >> 3) > 0x1fffffff) {
            *malformed = true;
            return -1;
        }
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field(d, (unsigned)(key >> 3));
        switch (key & 7) {
        case 0: /* varint */
            if (vs_wire_varint(p, len, &pos, &n) < 0) {
                *malformed = true;
                return -1;
            }
            break;
        case 1: /* 64-bit */
            if (len - pos < 8) {
                *malformed = true;
                return -1;
            }
            pos += 8;
            break;
        case 5: /* 32-bit */
            if (len - pos < 4) {
                *malformed = true;
                return -1;
            }
            pos += 4;
            break;
        case 2: /* length-delimited: where strings, bytes and messages live */
            if (vs_wire_varint32(p, len, &pos, &n) < 0 || n > len - pos) {
                *malformed = true;
                return -1;
            }
            if (f && f->type == PROTOBUF_C_TYPE_STRING) {
                size_t lim = vs_wire_long_string(f) ? VS_WIRE_MAX_STRING : VS_WIRE_MAX_SHORT;
                const char *why;
                if (n > lim) {
                    s_err(err, errlen, "%s.%s: %llu bytes, limit %zu", d->short_name, f->name,
                          (unsigned long long)n, lim);
                    return -1;
                }
                if ((why = vs_wire_check_text(p + pos, (size_t)n, !vs_wire_long_string(f))) != NULL) {
                    s_err(err, errlen, "%s.%s: %s", d->short_name, f->name, why);
                    return -1;
                }
            } else if (f && f->type == PROTOBUF_C_TYPE_BYTES) {
                if (n > vs_wire_bytes_limit(f)) {
                    s_err(err, errlen, "%s.%s: %llu bytes, limit %zu", d->short_name, f->name,
                          (unsigned long long)n, vs_wire_bytes_limit(f));
                    return -1;
                }
            } else if (f && f->type == PROTOBUF_C_TYPE_MESSAGE) {
                if (s_scan(f->descriptor, p + pos, (size_t)n, depth + 1, malformed, err,
                           errlen) < 0)
                    return -1;
            }
            pos += (size_t)n;
            break;
        default: /* groups (3, 4) are not part of proto3 and protobuf-c refuses them */
            *malformed = true;
            return -1;
        }
        if (f && f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t idx = (size_t)(f - d->fields);
            if (idx < S_MAX_FIELDS && ++counts[idx] > VS_WIRE_MAX_ITEMS) {
                s_err(err, errlen, "%s.%s: more than %d items", d->short_name, f->name,
                      VS_WIRE_MAX_ITEMS);
                return -1;
            }
        }
    }
    return 0;
}

/* Pass 2: repeated counts on the merged tree. Only the selected member of a
 * oneof is a valid pointer, so the others are skipped. */
static int s_check_tree(const ProtobufCMessage *m, int depth, char *err, size_t errlen)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    if (depth > S_MAX_DEPTH) {
        s_err(err, errlen, "%s: nested too deep", d->short_name);
        return -1;
    }
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *base = (const char *)m;
        if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
            *(const uint32_t *)(base + f->quantifier_offset) != f->id)
            continue;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)(base + f->quantifier_offset);
            if (n > VS_WIRE_MAX_ITEMS) {
                s_err(err, errlen, "%s.%s: %zu items, limit %d", d->short_name, f->name, n,
                      VS_WIRE_MAX_ITEMS);
                return -1;
            }
            if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
                ProtobufCMessage *const *arr = *(ProtobufCMessage *const *const *)(base + f->offset);
                for (size_t k = 0; k < n; k++)
                    if (arr[k] && s_check_tree(arr[k], depth + 1, err, errlen) < 0)
                        return -1;
            }
        } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
            const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)(base + f->offset);
            if (sub && s_check_tree(sub, depth + 1, err, errlen) < 0)
                return -1;
        }
    }
    return 0;
}

bool vs_wire_body_known(Vpcsim__Wire__Envelope__BodyCase c)
{
    switch (c) {
    case VPCSIM__WIRE__ENVELOPE__BODY_HELLO:
    case VPCSIM__WIRE__ENVELOPE__BODY_WELCOME:
    case VPCSIM__WIRE__ENVELOPE__BODY_HEARTBEAT:
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST:
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY:
    case VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE:
    case VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REQUEST:
    case VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REPLY:
    case VPCSIM__WIRE__ENVELOPE__BODY_CLOCK_TICK:
    case VPCSIM__WIRE__ENVELOPE__BODY_VPC_UPDATE:
    case VPCSIM__WIRE__ENVELOPE__BODY_PEER:
    case VPCSIM__WIRE__ENVELOPE__BODY_ACK:
        return true;
    default:
        return false;
    }
}

/* The descriptor-driven path: decodes with alloc (NULL: malloc); every
 * failure frees what it made through the same allocator. */
static vs_env_t *s_decode_ref(ProtobufCAllocator *alloc, const uint8_t *buf, size_t len,
                              char *err, size_t errlen)
{
    char why[192] = "";
    bool malformed = false;

    if (len == 0 || !buf) {
        s_err(err, errlen, "empty frame");
        return NULL;
    }
    if (len > VS_WIRE_MAX_FRAME) {
        s_err(err, errlen, "frame of %zu bytes exceeds the limit of %u", len, VS_WIRE_MAX_FRAME);
        return NULL;
    }
    if (s_scan(&vpcsim__wire__envelope__descriptor, buf, len, 0, &malformed, why,
               sizeof why) < 0) {
        if (malformed)
            s_err(err, errlen, "malformed Envelope (%zu bytes)", len);
        else
            s_err(err, errlen, "%s", why);
        return NULL;
    }
    vs_env_t *env = vpcsim__wire__envelope__unpack(alloc, len, buf);
    if (!env) {
        s_err(err, errlen, "malformed Envelope (%zu bytes)", len);
        return NULL;
    }
    if (env->body_case == VPCSIM__WIRE__ENVELOPE__BODY__NOT_SET) {
        s_err(err, errlen, "Envelope has no body");
        vpcsim__wire__envelope__free_unpacked(env, alloc);
        return NULL;
    }
    if (!vs_wire_body_known(env->body_case)) {
        s_err(err, errlen, "Envelope has an unknown body (%d)", (int)env->body_case);
        vpcsim__wire__envelope__free_unpacked(env, alloc);
        return NULL;
    }
    if (s_check_tree(&env->base, 0, why, sizeof why) < 0) {
        s_err(err, errlen, "%s", why);
        vpcsim__wire__envelope__free_unpacked(env, alloc);
        return NULL;
    }
    return env;
}

/* The hot envelopes by hand (wire_fast.c), the rest, and every refusal
 * with its reason, by the descriptor-driven path; arena (NULL with a NULL
 * alloc) gets back what a fast attempt took before the other one runs. */
static vs_env_t *s_decode(ProtobufCAllocator *alloc, vs_arena_t *arena, const uint8_t *buf,
                          size_t len, char *err, size_t errlen)
{
    size_t mark = arena ? arena->used : 0;
    vs_env_t *env = vs_wire_fast_decode(alloc, buf, len);
    if (env)
        return env;
    if (arena)
        arena->used = mark;
    return s_decode_ref(alloc, buf, len, err, errlen);
}

vs_env_t *vs_wire_decode(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    return s_decode(NULL, NULL, buf, len, err, errlen);
}

vs_env_t *vs_wire_decode_ref(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    return s_decode_ref(NULL, buf, len, err, errlen);
}

vs_env_t *vs_wire_decode_in(vs_arena_t *arena, const uint8_t *buf, size_t len, char *err,
                            size_t errlen)
{
    ProtobufCAllocator alloc = { vs_arena_alloc, vs_arena_free, arena };
    size_t mark = arena->used;
    vs_env_t *env = s_decode(&alloc, arena, buf, len, err, errlen);
    if (!env)
        arena->used = mark;     /* what the failed decode took goes back */
    return env;
}

void vs_wire_free_in(vs_env_t **env, vs_arena_t *arena)
{
    if (!env || !*env)
        return;
    /* The allocator frees only what spilled to malloc; the rest of the
     * tree is the arena's buffer, handed back whole by the reset. With
     * nothing spilled the walk would free nothing, so it is skipped. */
    if (vs_arena_spilled(arena)) {
        ProtobufCAllocator alloc = { vs_arena_alloc, vs_arena_free, arena };
        vpcsim__wire__envelope__free_unpacked(*env, &alloc);
    }
    *env = NULL;
    vs_arena_reset(arena);
}

void vs_wire_free(vs_env_t **env)
{
    if (!env || !*env)
        return;
    vpcsim__wire__envelope__free_unpacked(*env, NULL);
    *env = NULL;
}

/* The encoder is chosen once, by vs_wire_packed_size, and kept in sz for
 * vs_wire_pack, so that the size and the bytes come from the same one. */
size_t vs_wire_packed_size(const vs_env_t *env, vs_wire_sized_t *sz)
{
    sz->fast = vs_wire_fast_covers(env);
    return sz->fast ? vs_wire_fast_count(env, &sz->w)
                    : vpcsim__wire__envelope__get_packed_size(env);
}

size_t vs_wire_pack(const vs_env_t *env, vs_wire_sized_t *sz, uint8_t *out)
{
    return sz->fast ? vs_wire_fast_write(env, &sz->w, out)
                    : vpcsim__wire__envelope__pack(env, out);
}

int vs_wire_encode(const vs_env_t *env, uint8_t **buf, size_t *len)
{
    vs_wire_sized_t sz;
    size_t n = vs_wire_packed_size(env, &sz);
    if (n > VS_WIRE_MAX_FRAME) {
        errno = EMSGSIZE;
        return -1;
    }
    /* An Envelope with every field at its default packs to zero bytes;
     * malloc(0) may legally return NULL, which is not an error here. */
    uint8_t *p = malloc(n ? n : 1);
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    size_t w = vs_wire_pack(env, &sz, p);
    if (w != n) {
        free(p);
        errno = EINVAL;
        return -1;
    }
    *buf = p;
    *len = n;
    return 0;
}

/* Packs env straight into a zmq message: one allocation (zmq's, data and
 * header together) instead of a buffer of ours plus zmq's header for it. */
static int s_pack_msg(const vs_env_t *env, zmq_msg_t *msg)
{
    vs_wire_sized_t sz;
    size_t n = vs_wire_packed_size(env, &sz);
    if (n > VS_WIRE_MAX_FRAME) {
        errno = EMSGSIZE;
        return -1;
    }
    if (zmq_msg_init_size(msg, n) != 0) {
        errno = ENOMEM;
        return -1;
    }
    if (n && vs_wire_pack(env, &sz, zmq_msg_data(msg)) != n) {
        zmq_msg_close(msg);
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int vs_wire_send(void *zsock, const vs_env_t *env, int flags)
{
    zmq_msg_t msg;
    if (s_pack_msg(env, &msg) < 0)
        return -1;
    if (zmq_msg_send(&msg, zsock, flags & ~ZMQ_SNDMORE) < 0) {
        int e = zmq_errno();
        zmq_msg_close(&msg);
        errno = e;
        return -1;
    }
    return 0;
}

int vs_wire_send_to(void *zsock, const uint8_t *route, size_t route_len, const vs_env_t *env,
                    int flags)
{
    if (!route || route_len == 0 || route_len > VS_WIRE_MAX_ROUTE) {
        errno = EHOSTUNREACH;
        return -1;
    }
    /* Pack before sending the routing id: a failed encode must not leave a
     * half-sent multipart message behind on the socket. */
    zmq_msg_t msg;
    if (s_pack_msg(env, &msg) < 0)
        return -1;
    /* With ZMQ_ROUTER_MANDATORY the routing-id frame is where EHOSTUNREACH
     * and EAGAIN show up; once it is accepted the payload frame follows. */
    if (zmq_send(zsock, route, route_len, (flags & ~ZMQ_SNDMORE) | ZMQ_SNDMORE) < 0) {
        int e = zmq_errno();
        zmq_msg_close(&msg);
        errno = e;
        return -1;
    }
    if (zmq_msg_send(&msg, zsock, flags & ~ZMQ_SNDMORE) < 0) {
        int e = zmq_errno();
        zmq_msg_close(&msg);
        errno = e;
        return -1;
    }
    return 0;
}
