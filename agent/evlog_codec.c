#include "evlog_codec.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The longest an event can be: its header and six strings at their field
 * sizes (each less one for the NUL), with their length prefixes. */
#define S_EVENT_MAX (1 + 4 * 10 + 6 * 2 + VS_EV_ID_LEN + 2 * VS_EV_ACCOUNT_LEN + \
                     VS_EV_REGION_LEN + VS_EV_ACTION_LEN + VS_EV_DETAIL_LEN)
#define S_HEAD 5   /* version and checksum */

static uint32_t s_fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static uint64_t s_le64(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

/* Version 2's checksum: FNV-1a's step on 64-bit little-endian words, the
 * tail zero-padded and the length mixed in, folded to 32 bits. FNV-1a a
 * byte at a time (version 1) cost a multiply per byte, most of encoding a
 * batch. Each step is a bijection of the running value, so a change
 * within one word always changes the 64-bit sum. */
static uint32_t s_sum64(const uint8_t *p, size_t n)
{
    uint64_t h = 14695981039346656037ull ^ (uint64_t)n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        h = (h ^ s_le64(p + i)) * 1099511628211ull;
    if (i < n) {
        uint8_t t[8] = { 0 };
        memcpy(t, p + i, n - i);
        h = (h ^ s_le64(t)) * 1099511628211ull;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return (uint32_t)h;
}

static uint32_t s_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t *s_put_varint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static uint8_t *s_put_str(uint8_t *p, const char *s, size_t field)
{
    /* The fields are NUL-terminated within their size (vs_event_set). */
    size_t n = strnlen(s, field - 1);
    p = s_put_varint(p, n);
    memcpy(p, s, n);
    return p + n;
}

/* Version 2's strings: a batch repeats the same few (the peer's account
 * and region, the caller, the action, each object over its several
 * events), so one met before in the batch is written as a reference to
 * it. A small direct-mapped cache of the strings written so far finds
 * them; a collision only loses a reference. */
#define S_CACHE 1024

typedef struct {
    const uint8_t *base;      /* the blob */
    struct {
        uint32_t off;         /* of the literal's length varint; 0: empty */
        uint32_t len;
    } slot[S_CACHE];
} s_enc_t;

static size_t s_varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Version 2's numbers: the difference from the event before (from 0 for
 * the first), wrapping, zigzag so that a small step back stays small. */
static uint64_t s_zigzag(uint64_t d)
{
    return d << 1 ^ (uint64_t)-(int64_t)(d >> 63);
}

static uint64_t s_unzigzag(uint64_t z)
{
    return z >> 1 ^ (uint64_t)-(int64_t)(z & 1);
}

static uint32_t s_strhash(const char *s, size_t n)
{
    uint64_t a = 0, b = 0;
    if (n >= 8) {
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
    } else {
        memcpy(&a, s, n);
    }
    /* splitmix64's finaliser: ids differ in their last byte alone. */
    uint64_t h = a ^ b * 0x9e3779b97f4a7c15ull ^ n;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return (uint32_t)h & (S_CACHE - 1);
}

/* Tag (length << 1) and bytes, or (distance back to such a tag << 1) | 1
 * when the same string was written before and that is shorter. */
static uint8_t *s_put_str2(s_enc_t *c, uint8_t *p, const char *s, size_t field)
{
    size_t n = strnlen(s, field - 1);
    if (n >= 3) {
        uint32_t h = s_strhash(s, n);
        uint32_t off = (uint32_t)(p - c->base);
        if (c->slot[h].off && c->slot[h].len == n) {
            const uint8_t *lit = c->base + c->slot[h].off;
            uint64_t ref = ((uint64_t)(off - c->slot[h].off) << 1) | 1;
            size_t tag = s_varint_len((uint64_t)n << 1);
            if (memcmp(lit + tag, s, n) == 0 && s_varint_len(ref) < tag + n)
                return s_put_varint(p, ref);
        }
        c->slot[h].off = off;
        c->slot[h].len = (uint32_t)n;
    }
    p = s_put_varint(p, (uint64_t)n << 1);
    memcpy(p, s, n);
    return p + n;
}

int evlog_codec_encode(const vs_event_t *evs, size_t n, uint8_t **buf, size_t *cap, size_t *len)
{
    if (n == 0 || n > EVLOG_CODEC_MAX_EVENTS)
        return -1;
    size_t need = S_HEAD + 10 + n * S_EVENT_MAX;
    if (*cap < need) {
        uint8_t *b = realloc(*buf, need);
        if (!b)
            return -1;
        *buf = b;
        *cap = need;
    }
    uint64_t prev[4] = { 0, 0, 0, 0 };
    s_enc_t c;
    c.base = *buf;
    memset(c.slot, 0, sizeof c.slot);
    uint8_t *p = *buf + S_HEAD;
    p = s_put_varint(p, n);
    for (size_t i = 0; i < n; i++) {
        const vs_event_t *e = &evs[i];
        *p++ = (uint8_t)e->kind;
        uint64_t now[4] = { e->sim_ms, e->wall_ms, e->cause, e->msg_id };
        for (int k = 0; k < 4; k++) {
            p = s_put_varint(p, s_zigzag(now[k] - prev[k]));
            prev[k] = now[k];
        }
        p = s_put_str2(&c, p, e->object, sizeof e->object);
        p = s_put_str2(&c, p, e->peer_account, sizeof e->peer_account);
        p = s_put_str2(&c, p, e->peer_region, sizeof e->peer_region);
        p = s_put_str2(&c, p, e->caller, sizeof e->caller);
        p = s_put_str2(&c, p, e->action, sizeof e->action);
        p = s_put_str2(&c, p, e->detail, sizeof e->detail);
    }
    *len = (size_t)(p - *buf);
    uint32_t sum = s_sum64(*buf + S_HEAD, *len - S_HEAD);
    (*buf)[0] = EVLOG_CODEC_VERSION;
    for (int i = 0; i < 4; i++)
        (*buf)[1 + i] = (uint8_t)(sum >> (8 * i));
    return 0;
}

/* --- decoding ------------------------------------------------------------ */

typedef struct {
    const uint8_t *p, *end;
    const uint8_t *events;    /* version 2: where references may point, on */
    uint64_t prev[4];         /* version 2: the event before's numbers */
} s_rd_t;

static bool s_varint(s_rd_t *r, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (r->p >= r->end)
            return false;
        uint8_t b = *r->p++;
        if (shift == 63 && b > 1)
            return false;     /* more than 64 bits */
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

/* out NULL: only checks. */
static bool s_str(s_rd_t *r, char *out, size_t field)
{
    uint64_t n;
    if (!s_varint(r, &n) || n >= field || n > (uint64_t)(r->end - r->p))
        return false;
    if (out) {
        memcpy(out, r->p, n);
        out[n] = 0;
    }
    r->p += n;
    return true;
}

/* A version 2 string: a literal, or a reference back to one (never to
 * another reference, never before the events, never past the end). */
static bool s_str2(s_rd_t *r, char *out, size_t field)
{
    const uint8_t *at = r->p;
    uint64_t t;
    if (!s_varint(r, &t))
        return false;
    if (!(t & 1)) {
        uint64_t n = t >> 1;
        if (n >= field || n > (uint64_t)(r->end - r->p))
            return false;
        if (out) {
            memcpy(out, r->p, n);
            out[n] = 0;
        }
        r->p += n;
        return true;
    }
    uint64_t dist = t >> 1;
    if (dist == 0 || dist > (uint64_t)(at - r->events))
        return false;
    s_rd_t lit = { at - dist, r->end, r->events, { 0 } }, peek = lit;
    return s_varint(&peek, &t) && !(t & 1) && s_str2(&lit, out, field);
}

/* The fields of an event: version 2 (r->events set) or 1. */
static bool s_event(s_rd_t *r, vs_event_t *e)
{
    bool (*str)(s_rd_t *, char *, size_t) = r->events ? s_str2 : s_str;
    vs_event_t scratch;
    vs_event_t *o = e ? e : &scratch;
    uint64_t sim, wall, cause, msg;
    if (r->p >= r->end || *r->p >= VS_EV__COUNT)
        return false;
    o->kind = (vs_event_kind_t)*r->p++;
    if (!s_varint(r, &sim) || !s_varint(r, &wall) || !s_varint(r, &cause) || !s_varint(r, &msg))
        return false;
    if (r->events) {
        sim = r->prev[0] += s_unzigzag(sim);
        wall = r->prev[1] += s_unzigzag(wall);
        cause = r->prev[2] += s_unzigzag(cause);
        msg = r->prev[3] += s_unzigzag(msg);
    }
    o->sim_ms = sim;
    o->wall_ms = wall;
    o->cause = cause;
    o->msg_id = msg;
    return str(r, e ? o->object : NULL, sizeof o->object) &&
           str(r, e ? o->peer_account : NULL, sizeof o->peer_account) &&
           str(r, e ? o->peer_region : NULL, sizeof o->peer_region) &&
           str(r, e ? o->caller : NULL, sizeof o->caller) &&
           str(r, e ? o->action : NULL, sizeof o->action) &&
           str(r, e ? o->detail : NULL, sizeof o->detail);
}

int evlog_codec_decode(const uint8_t *blob, size_t len, int64_t first_seq, int64_t last_seq,
                       evlog_codec_cb cb, void *ctx, char *err, size_t errlen)
{
    const char *why = NULL;
    uint64_t n = 0;
    s_rd_t r = { blob ? blob + S_HEAD : NULL, blob ? blob + len : NULL, NULL, { 0 } };
    if (!blob || len < S_HEAD + 1)
        why = "too short";
    else if (blob[0] != 1 && blob[0] != 2)
        why = "unknown version";
    else if ((blob[0] == 1 ? s_fnv1a(blob + S_HEAD, len - S_HEAD)
                           : s_sum64(blob + S_HEAD, len - S_HEAD)) != s_get_u32(blob + 1))
        why = "checksum mismatch";
    else if (!s_varint(&r, &n) || n == 0 || n > EVLOG_CODEC_MAX_EVENTS || first_seq < 1 ||
             last_seq < first_seq || (uint64_t)(last_seq - first_seq) + 1 != n)
        why = "event count does not match the row's seq range";
    /* First the whole blob is checked, so that damage is never half read. */
    const uint8_t *events = r.p;
    r.events = !why && blob[0] == 2 ? events : NULL;
    for (uint64_t i = 0; !why && i < n; i++)
        if (!s_event(&r, NULL))
            why = "an event runs past the end or a field is too long";
    if (!why && r.p != r.end)
        why = "bytes after the last event";
    if (why) {
        snprintf(err, errlen, "event batch %lld..%lld is damaged (%s)", (long long)first_seq,
                 (long long)last_seq, why);
        return -1;
    }
    r.p = events;
    memset(r.prev, 0, sizeof r.prev);
    for (uint64_t i = 0; i < n; i++) {
        vs_event_t e;
        memset(&e, 0, sizeof e);
        s_event(&r, &e);
        e.seq = first_seq + (int64_t)i;
        int rc = cb(ctx, &e);
        if (rc)
            return rc;
    }
    return 0;
}

/* --- the states' checkpoint ---------------------------------------------- */

#define S_PAIR_MAX (2 * 10 + VS_EV_ID_LEN + VS_EV_DETAIL_LEN)

void evlog_codec_pairs_begin(evlog_codec_pairs_t *w, uint8_t **buf, size_t *cap)
{
    *w = (evlog_codec_pairs_t){ buf, cap, S_HEAD, 0, 0 };
}

void evlog_codec_pairs_add(evlog_codec_pairs_t *w, const char *id, const char *state)
{
    if (w->oom)
        return;
    if (*w->cap < w->len + S_PAIR_MAX) {
        size_t c = *w->cap ? *w->cap : 4096;
        while (c < w->len + S_PAIR_MAX)
            c *= 2;
        uint8_t *b = realloc(*w->buf, c);
        if (!b) {
            w->oom = 1;
            return;
        }
        *w->buf = b;
        *w->cap = c;
    }
    uint8_t *p = *w->buf + w->len;
    p = s_put_str(p, id, VS_EV_ID_LEN);
    if (state) {
        size_t n = strnlen(state, VS_EV_DETAIL_LEN - 1);
        p = s_put_varint(p, n + 1);
        memcpy(p, state, n);
        p += n;
    } else {
        *p++ = 0;
    }
    w->len = (size_t)(p - *w->buf);
    w->n++;
}

size_t evlog_codec_pairs_end(evlog_codec_pairs_t *w)
{
    if (w->oom || *w->cap < S_HEAD)
        return 0;
    uint8_t *b = *w->buf;
    uint32_t sum = s_sum64(b + S_HEAD, w->len - S_HEAD);
    b[0] = 1;
    for (int i = 0; i < 4; i++)
        b[1 + i] = (uint8_t)(sum >> (8 * i));
    return w->len;
}

/* One pair; id and state NULL: only checks. */
static bool s_pair(s_rd_t *r, char *id, char *state, bool *gone)
{
    uint64_t n;
    if (!s_str(r, id, VS_EV_ID_LEN) || !s_varint(r, &n) || n > VS_EV_DETAIL_LEN ||
        n - (n > 0) > (uint64_t)(r->end - r->p))
        return false;
    *gone = n == 0;
    if (n && state) {
        memcpy(state, r->p, n - 1);
        state[n - 1] = 0;
    }
    r->p += n - (n > 0);
    return true;
}

int evlog_codec_pairs_decode(const uint8_t *blob, size_t len, evlog_codec_pair_cb cb, void *ctx,
                             char *err, size_t errlen)
{
    const char *why = NULL;
    s_rd_t r = { blob ? blob + S_HEAD : NULL, blob ? blob + len : NULL, NULL, { 0 } };
    bool gone = false;
    if (!blob || len < S_HEAD)
        why = "too short";
    else if (blob[0] != 1)
        why = "unknown version";
    else if (s_sum64(blob + S_HEAD, len - S_HEAD) != s_get_u32(blob + 1))
        why = "checksum mismatch";
    while (!why && r.p < r.end)
        if (!s_pair(&r, NULL, NULL, &gone))
            why = "a pair runs past the end or a field is too long";
    if (why) {
        snprintf(err, errlen, "state checkpoint is damaged (%s)", why);
        return -1;
    }
    r.p = blob + S_HEAD;
    while (r.p < r.end) {
        char id[VS_EV_ID_LEN], state[VS_EV_DETAIL_LEN];
        s_pair(&r, id, state, &gone);
        int rc = cb(ctx, id, gone ? NULL : state);
        if (rc)
            return rc;
    }
    return 0;
}
