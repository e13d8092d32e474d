#include "outbox.h"

#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "rto.h"

/* Distinct addressees whose round trips are measured apart; past this,
 * the rest share one estimate (slot 0), which only costs precision. */
#define S_MAX_DESTS 4096

enum { H_DUE, H_ID, H__COUNT };

typedef struct entry {
    uint64_t msg_id;
    /* Addresses and payload share one block (mem, owned), one malloc per
     * message: the payload, then each string that is set (NULL if it was
     * NULL or empty). */
    void *mem;
    char *to_vpc_arn, *to_account, *to_region;
    uint8_t *payload;
    size_t payload_len;
    bool sealed;
    bool fresh;          /* added at a real send time, not reset: may be timed */
    uint32_t sends;      /* copies sent so far */
    uint32_t dest;       /* its addressee's slot in dests */
    uint64_t sent_at;    /* first send */
    uint64_t seq;        /* order of first sends (0: reloaded) */
    uint64_t due;
    uint64_t backoff;
    uint32_t hpos[H__COUNT];
} entry_t;

/* The agent that must acknowledge a message (where the broker delivers
 * it), its round trips and its last ack. */
typedef struct dest {
    char account[VS_ACCOUNT_LEN];
    char region[VS_REGION_LEN];
    vs_rto_t rto;
    uint64_t ack_at;
    uint64_t acked_seq;  /* the latest first send (seq) acked without a resend */
    uint64_t probe_at;   /* the last first resend made while no acks came */
    uint64_t probe_ivl;  /* and how long the next one waits after it */
} dest_t;

/* Entries live in a dense array; an open addressing index maps msg_id ->
 * position + 1 (0 = empty, tombstones are avoided by backward-shift
 * deletion). Two binary min-heaps of positions order them by (due, id)
 * and by id, so the next due time and the acknowledgement floor are read
 * at the top instead of by a scan. */
struct vs_outbox {
    entry_t *v;
    size_t n, cap;
    uint32_t *idx;      /* position + 1 */
    size_t idx_cap;     /* power of two */
    uint32_t *heap[H__COUNT];
    dest_t *dests;      /* dests[0]: the shared overflow slot */
    size_t ndests, dests_cap;
    uint32_t *didx;     /* dest slot + 1, keyed by (account, region) */
    size_t didx_cap;    /* power of two */
    uint32_t last_dest; /* the slot the last add found (0: none) */
    uint64_t base, max;
    uint64_t seq;       /* first sends so far */
};

static size_t s_hash(uint64_t k, size_t cap)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return (size_t)k & (cap - 1);
}

static size_t s_hash_dest(const char *account, const char *region, size_t cap)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *p = account; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    h = (h ^ '/') * 1099511628211ull;
    for (const char *p = region; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    return s_hash(h, cap);
}

vs_outbox_t *vs_outbox_new(uint64_t base_backoff_ms, uint64_t max_backoff_ms)
{
    vs_outbox_t *ob = calloc(1, sizeof *ob);
    if (!ob)
        return NULL;
    ob->base = base_backoff_ms ? base_backoff_ms : 1;
    ob->max = max_backoff_ms > ob->base ? max_backoff_ms : ob->base;
    ob->idx_cap = 64;
    ob->idx = calloc(ob->idx_cap, sizeof *ob->idx);
    ob->didx_cap = 16;
    ob->didx = calloc(ob->didx_cap, sizeof *ob->didx);
    ob->dests_cap = 4;
    ob->dests = calloc(ob->dests_cap, sizeof *ob->dests);
    if (!ob->idx || !ob->didx || !ob->dests) {
        vs_outbox_destroy(&ob);
        return NULL;
    }
    ob->ndests = 1;     /* the overflow slot, found by no key */
    vs_rto_init(&ob->dests[0].rto, ob->base, ob->max);
    return ob;
}

static void s_entry_free(entry_t *e)
{
    free(e->mem);
    e->mem = NULL;
}

void vs_outbox_destroy(vs_outbox_t **obp)
{
    if (!obp || !*obp)
        return;
    vs_outbox_t *ob = *obp;
    for (size_t i = 0; i < ob->n; i++)
        s_entry_free(&ob->v[i]);
    free(ob->v);
    free(ob->idx);
    for (int h = 0; h < H__COUNT; h++)
        free(ob->heap[h]);
    free(ob->dests);
    free(ob->didx);
    free(ob);
    *obp = NULL;
}

/* ---- addressees ---------------------------------------------------------- */

/* Slot in didx of (account, region), or of the empty slot where it would go. */
static size_t s_dslot(const vs_outbox_t *ob, const char *account, const char *region)
{
    size_t i = s_hash_dest(account, region, ob->didx_cap);
    while (ob->didx[i]) {
        const dest_t *d = &ob->dests[ob->didx[i] - 1];
        if (!strcmp(d->account, account) && !strcmp(d->region, region))
            break;
        i = (i + 1) & (ob->didx_cap - 1);
    }
    return i;
}

static const dest_t *s_dest_find(const vs_outbox_t *ob, const char *account, const char *region)
{
    if (!account || !region)
        return NULL;
    size_t i = s_dslot(ob, account, region);
    return ob->didx[i] ? &ob->dests[ob->didx[i] - 1] : NULL;
}

/* The slot of (account, region), made if new; 0 (shared) when the table
 * is full, memory is short or the names do not fit. */
static uint32_t s_dest_get(vs_outbox_t *ob, const char *account, const char *region)
{
    const dest_t *last = &ob->dests[ob->last_dest];
    if (ob->last_dest && !strcmp(last->account, account) && !strcmp(last->region, region))
        return ob->last_dest;   /* most messages go where the previous one went */
    if (strlen(account) >= VS_ACCOUNT_LEN || strlen(region) >= VS_REGION_LEN)
        return 0;
    size_t i = s_dslot(ob, account, region);
    if (ob->didx[i])
        return ob->last_dest = ob->didx[i] - 1;
    if (ob->ndests >= S_MAX_DESTS)
        return 0;
    if (ob->ndests == ob->dests_cap) {
        dest_t *d = realloc(ob->dests, ob->dests_cap * 2 * sizeof *d);
        if (!d)
            return 0;
        ob->dests = d;
        ob->dests_cap *= 2;
    }
    if ((ob->ndests + 1) * 2 > ob->didx_cap) {
        uint32_t *x = calloc(ob->didx_cap * 2, sizeof *x);
        if (!x)
            return 0;
        free(ob->didx);
        ob->didx = x;
        ob->didx_cap *= 2;
        for (size_t k = 1; k < ob->ndests; k++)
            ob->didx[s_dslot(ob, ob->dests[k].account, ob->dests[k].region)] = (uint32_t)(k + 1);
        i = s_dslot(ob, account, region);
    }
    dest_t *d = &ob->dests[ob->ndests];
    memset(d, 0, sizeof *d);
    memcpy(d->account, account, strlen(account) + 1);
    memcpy(d->region, region, strlen(region) + 1);
    vs_rto_init(&d->rto, ob->base, ob->max);
    ob->didx[i] = (uint32_t)(ob->ndests + 1);
    return ob->last_dest = (uint32_t)ob->ndests++;
}

/* Who acknowledges m: the owner of to_vpc_arn if it is an ARN (the
 * broker delivers there first), else (to_account, to_region). False if
 * neither names an agent. */
/* True if arn's Region and account fields (the 4th and 5th) are region
 * and account: then the ARN and the to fields name the same agent, and
 * nothing needs parsing. */
static bool s_arn_names(const char *arn, const char *account, const char *region)
{
    const char *p = arn;
    for (int colons = 0; colons < 3; colons++) {
        p = strchr(p, ':');
        if (!p)
            return false;
        p++;
    }
    size_t rl = strlen(region), al = strlen(account);
    return !strncmp(p, region, rl) && p[rl] == ':' && !strncmp(p + rl + 1, account, al) &&
           p[rl + 1 + al] == ':';
}

static bool s_addressee(const vs_outmsg_t *m, vs_arn_t *arn, const char **account,
                        const char **region)
{
    bool to = m->to_account && *m->to_account && m->to_region && *m->to_region;
    if (m->to_vpc_arn && *m->to_vpc_arn && to &&
        s_arn_names(m->to_vpc_arn, m->to_account, m->to_region)) {
        *account = m->to_account;
        *region = m->to_region;
        return true;
    }
    if (m->to_vpc_arn && *m->to_vpc_arn && vs_arn_parse(m->to_vpc_arn, arn) == 0) {
        *account = arn->account;
        *region = arn->region;
        return true;
    }
    *account = m->to_account;
    *region = m->to_region;
    return to;
}

static bool s_is_addressee(const vs_outbox_t *ob, const entry_t *e, const char *account,
                           const char *region)
{
    if (!account || !region)
        return false;
    if (e->dest) {
        /* Its own slot: the addressee was worked out at add. */
        const dest_t *d = &ob->dests[e->dest];
        return !strcmp(d->account, account) && !strcmp(d->region, region);
    }
    vs_outmsg_t m = { .to_vpc_arn = e->to_vpc_arn, .to_account = e->to_account,
                      .to_region = e->to_region };
    vs_arn_t arn;
    const char *ea, *er;
    return s_addressee(&m, &arn, &ea, &er) && !strcmp(ea, account) && !strcmp(er, region);
}

/* ---- heaps ------------------------------------------------------------- */

static bool s_before(const vs_outbox_t *ob, int h, uint32_t x, uint32_t y)
{
    const entry_t *a = &ob->v[x], *b = &ob->v[y];
    if (h == H_DUE && a->due != b->due)
        return a->due < b->due;
    return a->msg_id < b->msg_id;
}

static void s_heap_set(vs_outbox_t *ob, int h, size_t i, uint32_t p)
{
    ob->heap[h][i] = p;
    ob->v[p].hpos[h] = (uint32_t)i;
}

static void s_sift_up(vs_outbox_t *ob, int h, size_t i)
{
    uint32_t p = ob->heap[h][i];
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (!s_before(ob, h, p, ob->heap[h][up]))
            break;
        s_heap_set(ob, h, i, ob->heap[h][up]);
        i = up;
    }
    s_heap_set(ob, h, i, p);
}

static void s_sift_down(vs_outbox_t *ob, int h, size_t i)
{
    uint32_t p = ob->heap[h][i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= ob->n)
            break;
        if (c + 1 < ob->n && s_before(ob, h, ob->heap[h][c + 1], ob->heap[h][c]))
            c++;
        if (!s_before(ob, h, ob->heap[h][c], p))
            break;
        s_heap_set(ob, h, i, ob->heap[h][c]);
        i = c;
    }
    s_heap_set(ob, h, i, p);
}

/* After the key of the entry at heap index i changed. */
static void s_heap_fix(vs_outbox_t *ob, int h, size_t i)
{
    if (i > 0 && s_before(ob, h, ob->heap[h][i], ob->heap[h][(i - 1) / 2]))
        s_sift_up(ob, h, i);
    else
        s_sift_down(ob, h, i);
}

/* Takes heap index i out; ob->n still counts it on entry. */
static void s_heap_remove(vs_outbox_t *ob, int h, size_t i, size_t n)
{
    size_t last = n - 1;
    if (i == last)
        return;
    s_heap_set(ob, h, i, ob->heap[h][last]);
    size_t keep = ob->n;
    ob->n = last;       /* the sifts see the shrunk heap */
    s_heap_fix(ob, h, i);
    ob->n = keep;
}

/* ---- messages ------------------------------------------------------------- */

/* Slot of msg_id in the index, or of the empty slot where it would go. */
static size_t s_slot(const vs_outbox_t *ob, uint64_t msg_id)
{
    size_t i = s_hash(msg_id, ob->idx_cap);
    while (ob->idx[i] && ob->v[ob->idx[i] - 1].msg_id != msg_id)
        i = (i + 1) & (ob->idx_cap - 1);
    return i;
}

static int s_grow_index(vs_outbox_t *ob)
{
    size_t cap = ob->idx_cap * 2;
    uint32_t *idx = calloc(cap, sizeof *idx);
    if (!idx)
        return -1;
    free(ob->idx);
    ob->idx = idx;
    ob->idx_cap = cap;
    for (size_t p = 0; p < ob->n; p++)
        ob->idx[s_slot(ob, ob->v[p].msg_id)] = (uint32_t)(p + 1);
    return 0;
}

static int s_grow_entries(vs_outbox_t *ob)
{
    size_t cap = ob->cap ? ob->cap * 2 : 16;
    if (cap > UINT32_MAX / 2)
        return -1;
    entry_t *v = realloc(ob->v, cap * sizeof *v);
    if (!v)
        return -1;
    ob->v = v;
    for (int h = 0; h < H__COUNT; h++) {
        uint32_t *x = realloc(ob->heap[h], cap * sizeof *x);
        if (!x)
            return -1;      /* ob->cap unchanged: the larger blocks are merely spare */
        ob->heap[h] = x;
    }
    ob->cap = cap;
    return 0;
}

static size_t s_dup_len(const char *s)
{
    return s && *s ? strlen(s) + 1 : 0;
}

/* Copies s (if set) to *at, which it advances; NULL for NULL or "". */
static char *s_dup_at(const char *s, char **at)
{
    size_t n = s_dup_len(s);
    if (!n)
        return NULL;
    char *d = memcpy(*at, s, n);
    *at += n;
    return d;
}

int vs_outbox_add(vs_outbox_t *ob, const vs_outmsg_t *m, uint64_t now_ms)
{
    if (vs_outbox_contains(ob, m->msg_id))
        return -1;
    if ((ob->n + 1) * 2 > ob->idx_cap && s_grow_index(ob) != 0)
        return -1;
    if (ob->n == ob->cap && s_grow_entries(ob) != 0)
        return -1;
    vs_arn_t arn;
    const char *account, *region;
    uint32_t dest = s_addressee(m, &arn, &account, &region) ? s_dest_get(ob, account, region) : 0;
    uint64_t rto = vs_rto_get(&ob->dests[dest].rto);
    entry_t e = {
        .msg_id = m->msg_id,
        .payload_len = m->payload_len,
        .sealed = m->sealed,
        .fresh = now_ms != 0,
        .sends = now_ms ? 1 : 0,
        .dest = dest,
        .sent_at = now_ms,
        .seq = now_ms ? ++ob->seq : 0,
        .due = now_ms ? now_ms + rto : 0,
        .backoff = now_ms ? rto : ob->base,
    };
    size_t strs = s_dup_len(m->to_vpc_arn) + s_dup_len(m->to_account) +
                  s_dup_len(m->to_region);
    if (m->payload_len + strs) {
        e.mem = malloc(m->payload_len + strs);
        if (!e.mem)
            return -1;
        char *at = (char *)e.mem + m->payload_len;
        if (m->payload_len)
            e.payload = memcpy(e.mem, m->payload, m->payload_len);
        e.to_vpc_arn = s_dup_at(m->to_vpc_arn, &at);
        e.to_account = s_dup_at(m->to_account, &at);
        e.to_region = s_dup_at(m->to_region, &at);
    }
    size_t p = ob->n;
    ob->v[p] = e;
    ob->idx[s_slot(ob, e.msg_id)] = (uint32_t)(p + 1);
    ob->n++;
    for (int h = 0; h < H__COUNT; h++) {
        s_heap_set(ob, h, p, (uint32_t)p);
        s_sift_up(ob, h, p);
    }
    return 0;
}

bool vs_outbox_contains(const vs_outbox_t *ob, uint64_t msg_id)
{
    return ob->idx[s_slot(ob, msg_id)] != 0;
}

size_t vs_outbox_len(const vs_outbox_t *ob) { return ob->n; }

uint64_t vs_outbox_min_id(const vs_outbox_t *ob)
{
    return ob->n ? ob->v[ob->heap[H_ID][0]].msg_id : UINT64_MAX;
}

uint64_t vs_outbox_next_due(const vs_outbox_t *ob)
{
    return ob->n ? ob->v[ob->heap[H_DUE][0]].due : UINT64_MAX;
}

/* Removes index slot i with backward-shift deletion (keeps probe chains
 * intact without tombstones). */
static void s_index_remove(vs_outbox_t *ob, size_t i)
{
    size_t mask = ob->idx_cap - 1;
    ob->idx[i] = 0;
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!ob->idx[j])
            return;
        size_t home = s_hash(ob->v[ob->idx[j] - 1].msg_id, ob->idx_cap);
        /* Move j back to i if its home is not in the cyclic range (i, j]. */
        bool in_range = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!in_range) {
            ob->idx[i] = ob->idx[j];
            ob->idx[j] = 0;
            i = j;
        }
    }
}

/* Removes the entry at index slot `slot`. */
static void s_remove(vs_outbox_t *ob, size_t slot)
{
    size_t p = ob->idx[slot] - 1;
    s_index_remove(ob, slot);
    for (int h = 0; h < H__COUNT; h++)
        s_heap_remove(ob, h, ob->v[p].hpos[h], ob->n);
    s_entry_free(&ob->v[p]);
    size_t last = ob->n - 1;
    if (p != last) {
        /* Keep the array dense: move the last entry into the hole, and
         * tell the index and the heaps where it went. */
        ob->v[p] = ob->v[last];
        ob->idx[s_slot(ob, ob->v[p].msg_id)] = (uint32_t)(p + 1);
        for (int h = 0; h < H__COUNT; h++)
            ob->heap[h][ob->v[p].hpos[h]] = (uint32_t)p;
    }
    ob->n--;
}

bool vs_outbox_ack(vs_outbox_t *ob, uint64_t msg_id)
{
    size_t slot = s_slot(ob, msg_id);
    if (!ob->idx[slot])
        return false;
    s_remove(ob, slot);
    return true;
}

vs_outbox_ack_t vs_outbox_ack_from(vs_outbox_t *ob, uint64_t msg_id, const char *account,
                                   const char *region, uint64_t now_ms)
{
    size_t slot = s_slot(ob, msg_id);
    if (!ob->idx[slot])
        return VS_OUTBOX_UNKNOWN;
    entry_t *e = &ob->v[ob->idx[slot] - 1];
    if (!s_is_addressee(ob, e, account, region))
        return VS_OUTBOX_WRONG_SENDER;
    dest_t *d = &ob->dests[e->dest];
    if (now_ms > d->ack_at)
        d->ack_at = now_ms;
    /* Karn: only a message sent once times the round trip, or says that
     * the messages sent before it had their chance. */
    if (e->fresh && e->sends == 1 && now_ms >= e->sent_at) {
        vs_rto_sample(&d->rto, now_ms - e->sent_at);
        if (e->seq > d->acked_seq)
            d->acked_seq = e->seq;
    }
    s_remove(ob, slot);
    return VS_OUTBOX_ACKED;
}

uint64_t vs_outbox_ack_at(const vs_outbox_t *ob, const char *account, const char *region)
{
    const dest_t *d = s_dest_find(ob, account, region);
    return d ? d->ack_at : 0;
}

uint64_t vs_outbox_rto(const vs_outbox_t *ob, const char *account, const char *region)
{
    const dest_t *d = s_dest_find(ob, account, region);
    return vs_rto_get(d ? &d->rto : &ob->dests[0].rto);
}

/* When the first resend of e (due now) should go instead, 0 to send it
 * now. The broker relays in order and the receiver acknowledges in order,
 * so an unacknowledged message is only late, not lost, while its
 * addressee is still acknowledging older ones:
 *  - the RTO has grown since the send: wait it out;
 *  - a message sent after it was acknowledged: it was lost, resend;
 *  - an ack arrived within the last RTO: the addressee is working through
 *    a backlog, ours is in it; wait for the acks to stop;
 *  - no ack for an RTO: the addressee (or the path) stalls; one message
 *    per RTO probes it (doubling while none is answered), the rest wait.
 * Never past max after the send, so that nothing waits for ever. */
static uint64_t s_postpone(vs_outbox_t *ob, const entry_t *e, uint64_t now_ms)
{
    if (!e->fresh || e->sends != 1)
        return 0;
    dest_t *d = &ob->dests[e->dest];
    uint64_t rto = vs_rto_get(&d->rto);
    if (e->sent_at + rto > now_ms)
        return e->sent_at + rto;
    uint64_t limit = e->sent_at + ob->max;
    if (now_ms >= limit || d->acked_seq > e->seq)
        return 0;
    if (d->ack_at && now_ms < d->ack_at + rto)
        return d->ack_at + rto < limit ? d->ack_at + rto : limit;
    bool unanswered = d->probe_at && d->ack_at < d->probe_at;
    if (unanswered && now_ms < d->probe_at + d->probe_ivl)
        return d->probe_at + d->probe_ivl < limit ? d->probe_at + d->probe_ivl : limit;
    /* This one is the probe. */
    d->probe_ivl = unanswered ? d->probe_ivl * 2 : rto;
    if (d->probe_ivl > ob->max)
        d->probe_ivl = ob->max;
    d->probe_at = now_ms;
    return 0;
}

void vs_outbox_each_due(vs_outbox_t *ob, uint64_t now_ms,
                        void (*cb)(void *ctx, const vs_outmsg_t *m), void *ctx)
{
    /* Every entry handled gets a due time past now_ms, so this ends. */
    while (ob->n) {
        uint32_t p = ob->heap[H_DUE][0];
        entry_t *e = &ob->v[p];
        if (e->due > now_ms)
            break;
        uint64_t later = s_postpone(ob, e, now_ms);
        if (later) {
            e->due = later;
            s_sift_down(ob, H_DUE, 0);
            continue;
        }
        vs_outmsg_t m = {
            .msg_id = e->msg_id, .to_vpc_arn = e->to_vpc_arn, .to_account = e->to_account,
            .to_region = e->to_region, .payload = e->payload, .payload_len = e->payload_len,
            .sealed = e->sealed,
        };
        cb(ctx, &m);
        if (e->fresh && e->sends == 1) {
            /* The RTO may have been measured since the first send. */
            uint64_t rto = vs_rto_get(&ob->dests[e->dest].rto);
            if (rto > e->backoff)
                e->backoff = rto;
        }
        if (e->sends < UINT32_MAX)
            e->sends++;
        e->due = now_ms + e->backoff;
        e->backoff = e->backoff * 2 > ob->max ? ob->max : e->backoff * 2;
        s_sift_down(ob, H_DUE, 0);
    }
}

void vs_outbox_reset_backoff(vs_outbox_t *ob)
{
    for (size_t p = 0; p < ob->n; p++) {
        ob->v[p].due = 0;
        ob->v[p].backoff = ob->base;
        ob->v[p].fresh = false;     /* resent at once, never postponed or timed */
    }
    /* All due at 0: ordered by id, which the id heap already is. */
    for (size_t i = 0; i < ob->n; i++)
        s_heap_set(ob, H_DUE, i, ob->heap[H_ID][i]);
}
