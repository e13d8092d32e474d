/* history: recording operations and printing them. The checker is in
 * history_check.c. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history_priv.h"

static const char *const s_kind_names[VS_HOP_KIND_COUNT] = {
    "create", "accept", "reject", "delete", "cidr", "clock",
};

const char *vs_hop_kind_name(vs_hop_kind_t k)
{
    return (unsigned)k < VS_HOP_KIND_COUNT ? s_kind_names[k] : "?";
}

/* --- the string buffer ------------------------------------------------------------- */

void vs_hbuf_printf(vs_hbuf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s)
            return;
        b->s = s;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *vs_hbuf_take(vs_hbuf_t *b)
{
    char *s = b->s ? b->s : strdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

/* --- lifetime ------------------------------------------------------------------------ */

vs_history_t *vs_history_new(void)
{
    return calloc(1, sizeof(vs_history_t));
}

void vs_history_destroy(vs_history_t **hp)
{
    if (!hp || !*hp)
        return;
    vs_history_t *h = *hp;
    for (size_t i = 0; i < h->nops; i++) {
        free(h->ops[i].overlaps);
        free(h->ops[i].detail);
    }
    free(h->ops);
    free(h->pcx);
    free(h);
    *hp = NULL;
}

/* --- recording ------------------------------------------------------------------------ */

static void s_copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src ? src : "");
}

const vs_hpcx_t *vs_history__pcx(const vs_history_t *h, const char *id)
{
    for (size_t i = 0; id && i < h->npcx; i++)
        if (!strcmp(h->pcx[i].id, id))
            return &h->pcx[i];
    return NULL;
}

int vs_history_pcx(vs_history_t *h, const char *pcx_id, const char *req_account,
                   const char *req_region, const char *req_vpc, const char *acc_account,
                   const char *acc_region, const char *acc_vpc, vs_hvalid_t valid)
{
    if (!h || !pcx_id || !req_account || !req_region || !acc_account || !acc_region)
        return -1;
    if (vs_history__pcx(h, pcx_id))
        return 0;
    vs_hpcx_t *np = realloc(h->pcx, (h->npcx + 1) * sizeof *np);
    if (!np)
        return -1;
    h->pcx = np;
    vs_hpcx_t *p = &h->pcx[h->npcx++];
    memset(p, 0, sizeof *p);
    s_copy(p->id, sizeof p->id, pcx_id);
    s_copy(p->ends.id, sizeof p->ends.id, pcx_id);
    s_copy(p->ends.requester.account, sizeof p->ends.requester.account, req_account);
    s_copy(p->ends.requester.region, sizeof p->ends.requester.region, req_region);
    s_copy(p->ends.requester.vpc_id, sizeof p->ends.requester.vpc_id, req_vpc);
    s_copy(p->ends.accepter.account, sizeof p->ends.accepter.account, acc_account);
    s_copy(p->ends.accepter.region, sizeof p->ends.accepter.region, acc_region);
    s_copy(p->ends.accepter.vpc_id, sizeof p->ends.accepter.vpc_id, acc_vpc);
    p->ends.inter_region = strcmp(req_region, acc_region) != 0;
    p->valid = valid;
    return 0;
}

int vs_history_invoke(vs_history_t *h, int client, vs_hop_kind_t kind, const char *pcx_id,
                      const char *account, const char *region, uint64_t now_ms,
                      const char *detail)
{
    if (!h || (unsigned)kind >= VS_HOP_KIND_COUNT)
        return -1;
    vs_hop_t *no = realloc(h->ops, (h->nops + 1) * sizeof *no);
    if (!no)
        return -1;
    h->ops = no;
    vs_hop_t *op = &h->ops[h->nops];
    memset(op, 0, sizeof *op);
    op->client = client;
    op->kind = kind;
    s_copy(op->pcx, sizeof op->pcx, pcx_id);
    s_copy(op->account, sizeof op->account, account);
    s_copy(op->region, sizeof op->region, region);
    op->detail = detail ? strdup(detail) : NULL;
    op->inv_ms = now_ms;
    op->inv_seq = ++h->seq;
    op->out = VS_HOUT_PENDING;
    return (int)h->nops++;
}

static vs_hop_t *s_op(vs_history_t *h, int op)
{
    return h && op >= 0 && (size_t)op < h->nops ? &h->ops[op] : NULL;
}

void vs_history_cidr_vpc(vs_history_t *h, int op, const char *vpc_id)
{
    vs_hop_t *o = s_op(h, op);
    if (o)
        s_copy(o->vpc, sizeof o->vpc, vpc_id);
}

void vs_history_cidr_overlaps(vs_history_t *h, int op, const char *vpc_id)
{
    vs_hop_t *o = s_op(h, op);
    if (!o || !vpc_id)
        return;
    char (*n)[VS_ID_LEN] = realloc(o->overlaps, (o->noverlaps + 1) * sizeof *n);
    if (!n)
        return;
    o->overlaps = n;
    s_copy(o->overlaps[o->noverlaps++], VS_ID_LEN, vpc_id);
}

void vs_history_set_pcx(vs_history_t *h, int op, const char *pcx_id)
{
    vs_hop_t *o = s_op(h, op);
    if (o)
        s_copy(o->pcx, sizeof o->pcx, pcx_id);
}

void vs_history_complete(vs_history_t *h, int op, vs_hout_t outcome, uint64_t now_ms,
                         const char *value)
{
    vs_hop_t *o = s_op(h, op);
    if (!o || o->out != VS_HOUT_PENDING || outcome == VS_HOUT_PENDING)
        return;
    o->out = outcome;
    o->ret_ms = now_ms;
    o->ret_seq = ++h->seq;
    if (outcome != VS_HOUT_UNKNOWN)
        s_copy(o->value, sizeof o->value, value);
}

static void s_final_side(vs_hpcx_t *p, int side, const char *state)
{
    p->has_final[side] = state != NULL;
    if (!state)
        return;
    vs_pcx_state_t st;
    p->final[side] = vs_pcx_state_parse(state, &st) == 0 ? (int)st : -1;
    s_copy(p->final_text[side], sizeof p->final_text[side], state);
}

void vs_history_final(vs_history_t *h, const char *pcx_id, const char *req_state,
                      const char *acc_state)
{
    vs_hpcx_t *p = h ? (vs_hpcx_t *)vs_history__pcx(h, pcx_id) : NULL;
    if (!p)
        return;
    s_final_side(p, 0, req_state);
    s_final_side(p, 1, acc_state);
}

void vs_history_end(vs_history_t *h, uint64_t now_ms, bool settled)
{
    if (!h)
        return;
    h->end_ms = now_ms;
    h->settled = settled;
    h->has_end = true;
}

/* --- reading ----------------------------------------------------------------------------- */

size_t vs_history_ops(const vs_history_t *h) { return h ? h->nops : 0; }
size_t vs_history_pcx_count(const vs_history_t *h) { return h ? h->npcx : 0; }

const char *vs_history_pcx_id(const vs_history_t *h, size_t i)
{
    return h && i < h->npcx ? h->pcx[i].id : NULL;
}

vs_hout_t vs_history_outcome(const vs_history_t *h, int op)
{
    return h && op >= 0 && (size_t)op < h->nops ? h->ops[op].out : VS_HOUT_PENDING;
}

uint64_t vs_history__created_seq(const vs_history_t *h, const vs_hpcx_t *p)
{
    uint64_t seq = 0;
    for (size_t i = 0; i < h->nops; i++) {
        const vs_hop_t *o = &h->ops[i];
        if (o->kind == VS_HOP_CREATE && !strcmp(o->pcx, p->id) && (!seq || o->inv_seq < seq))
            seq = o->inv_seq;
    }
    return seq;
}

bool vs_history__belongs(const vs_history_t *h, const vs_hpcx_t *p, uint64_t created_seq,
                         size_t i, bool with_clock)
{
    const vs_hop_t *o = &h->ops[i];
    switch (o->kind) {
    case VS_HOP_CREATE:
    case VS_HOP_ACCEPT:
    case VS_HOP_REJECT:
    case VS_HOP_DELETE:
        return !strcmp(o->pcx, p->id);
    case VS_HOP_CIDR:
        return o->inv_seq > created_seq && (!strcmp(o->vpc, p->ends.requester.vpc_id) ||
                                             !strcmp(o->vpc, p->ends.accepter.vpc_id));
    case VS_HOP_CLOCK:
        return with_clock && o->inv_seq > created_seq;
    default:
        return false;
    }
}

/* "+12.345s" relative to the first operation. */
static void s_time(const vs_history_t *h, uint64_t ms, char *buf, size_t len)
{
    uint64_t t0 = h->nops ? h->ops[0].inv_ms : 0;
    uint64_t d = ms >= t0 ? ms - t0 : 0;
    snprintf(buf, len, "+%" PRIu64 ".%03" PRIu64 "s", d / 1000, d % 1000);
}

void vs_history__line(const vs_history_t *h, size_t i, vs_hbuf_t *b)
{
    const vs_hop_t *o = &h->ops[i];
    char inv[32], ret[32];
    s_time(h, o->inv_ms, inv, sizeof inv);
    s_time(h, o->ret_ms, ret, sizeof ret);
    if (o->account[0])
        vs_hbuf_printf(b, "#%zu c%d %s/%s %s", i, o->client, o->account, o->region,
                       vs_hop_kind_name(o->kind));
    else
        vs_hbuf_printf(b, "#%zu c%d %s", i, o->client, vs_hop_kind_name(o->kind));
    if (o->kind == VS_HOP_CIDR) {
        vs_hbuf_printf(b, " %s on %s", o->detail ? o->detail : "?", o->vpc);
        for (size_t k = 0; k < o->noverlaps; k++)
            vs_hbuf_printf(b, "%s%s", k ? ", " : " (overlaps ", o->overlaps[k]);
        if (o->noverlaps)
            vs_hbuf_printf(b, ")");
    } else {
        if (o->pcx[0])
            vs_hbuf_printf(b, " %s", o->pcx);
        if (o->detail)
            vs_hbuf_printf(b, " %s", o->detail);
    }
    switch (o->out) {
    case VS_HOUT_PENDING:
        vs_hbuf_printf(b, "  [%s ..] pending", inv);
        break;
    case VS_HOUT_UNKNOWN:
        vs_hbuf_printf(b, "  [%s ..] unknown", inv);
        break;
    case VS_HOUT_OK:
        vs_hbuf_printf(b, "  [%s .. %s] ok%s%s", inv, ret, o->value[0] ? " " : "", o->value);
        break;
    case VS_HOUT_FAIL:
        vs_hbuf_printf(b, "  [%s .. %s] fail %s", inv, ret, o->value);
        break;
    }
}

char *vs_history_format(const vs_history_t *h, const char *pcx_id)
{
    vs_hbuf_t b = { 0 };
    if (!h)
        return vs_hbuf_take(&b);
    const vs_hpcx_t *p = pcx_id ? vs_history__pcx(h, pcx_id) : NULL;
    uint64_t created = p ? vs_history__created_seq(h, p) : 0;
    for (size_t i = 0; i < h->nops; i++) {
        if (pcx_id && (!p || !vs_history__belongs(h, p, created, i, true)))
            continue;
        vs_history__line(h, i, &b);
        vs_hbuf_printf(&b, "\n");
    }
    return vs_hbuf_take(&b);
}

void vs_history__header(const vs_history_t *h, const vs_hpcx_t *hp, const char *what, vs_hbuf_t *b)
{
    const vs_pcx_t *p = &hp->ends;
    static const char *const valid[] = { "either way", "must pass", "must fail" };
    vs_hbuf_printf(b, "%s: %s\n  requester %s/%s %s, accepter %s/%s %s (%s); validation %s\n",
                   p->id, what, p->requester.account, p->requester.region, p->requester.vpc_id,
                   p->accepter.account, p->accepter.region, p->accepter.vpc_id,
                   p->inter_region ? "inter-Region" : "same Region", valid[hp->valid]);
    vs_hbuf_printf(b, "  history:\n");
    uint64_t created = vs_history__created_seq(h, hp);
    for (size_t i = 0; i < h->nops; i++) {
        if (!vs_history__belongs(h, hp, created, i, true))
            continue;
        vs_hbuf_printf(b, "    ");
        vs_history__line(h, i, b);
        vs_hbuf_printf(b, "\n");
    }
    vs_hbuf_printf(b, "  final views: requester %s, accepter %s\n",
                   hp->has_final[0] ? hp->final_text[0] : "(none)",
                   hp->has_final[1] ? hp->final_text[1] : "(none)");
}
