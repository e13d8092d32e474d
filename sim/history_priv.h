/* history_priv: the history's records, shared by history.c (recording,
 * formatting) and history_check.c (the linearizability search). */
#ifndef VS_HISTORY_PRIV_H
#define VS_HISTORY_PRIV_H

#include <stdarg.h>

#include "history.h"

typedef struct vs_hop {
    int client;
    vs_hop_kind_t kind;
    char pcx[VS_ID_LEN];
    char account[VS_ACCOUNT_LEN];
    char region[VS_REGION_LEN];
    char vpc[VS_ID_LEN];               /* cidr: the VPC changed */
    char (*overlaps)[VS_ID_LEN];       /* cidr: VPCs the new block overlaps */
    size_t noverlaps;
    char *detail;
    uint64_t inv_ms, ret_ms;
    uint64_t inv_seq, ret_seq;         /* one counter over invocations and completions */
    vs_hout_t out;
    char value[96];                    /* returned state, or error code */
} vs_hop_t;

typedef struct vs_hpcx {
    char id[VS_ID_LEN];
    vs_pcx_t ends;                     /* only the ends' identities and inter_region */
    vs_hvalid_t valid;
    bool has_final[2];                 /* [0] requester, [1] accepter */
    int final[2];                      /* vs_pcx_state_t, or -1 if not a state name */
    char final_text[2][32];
} vs_hpcx_t;

struct vs_history {
    vs_hop_t *ops;
    size_t nops;
    vs_hpcx_t *pcx;
    size_t npcx;
    uint64_t seq;
    uint64_t end_ms;
    bool settled, has_end;
};

/* A growing string (explanations). Appends on OOM are dropped. */
typedef struct {
    char *s;
    size_t len, cap;
} vs_hbuf_t;

void vs_hbuf_printf(vs_hbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Takes the string out (caller frees; "" if nothing was written). */
char *vs_hbuf_take(vs_hbuf_t *b);

const vs_hpcx_t *vs_history__pcx(const vs_history_t *h, const char *id);
/* One line describing op i (no newline). */
void vs_history__line(const vs_history_t *h, size_t i, vs_hbuf_t *b);
/* The invocation seq of the first create naming p (0 if none). */
uint64_t vs_history__created_seq(const vs_history_t *h, const vs_hpcx_t *p);
/* Does op i belong to the history of pcx p? (accept/reject/delete/create
 * naming it; cidr changes of its VPCs invoked after its creation, which
 * invoked at created_seq; clock steps after it too if with_clock). */
bool vs_history__belongs(const vs_history_t *h, const vs_hpcx_t *p, uint64_t created_seq,
                         size_t i, bool with_clock);

/* "pcx-x: <what>", its ends, its history lines and its final views. */
void vs_history__header(const vs_history_t *h, const vs_hpcx_t *p, const char *what, vs_hbuf_t *b);

#endif
