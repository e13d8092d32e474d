/* faults: the broker's chaos model for agent-to-agent traffic.
 *
 * Chaos testing must show that the peering protocol survives a bad network:
 * lost, duplicated, late and reordered messages, and agents cut off from
 * each other. The broker is the one place all agent-to-agent traffic
 * crosses, so it injects those faults there, and only into PeerMessage and
 * Ack bodies: client API calls, admin operations, Hello and heartbeats are
 * never touched, so the cluster stays observable and controllable while it
 * misbehaves.
 *
 * This module is sans-IO: it holds the configuration (set by the admin op
 * set-faults), the isolated agents (admin op partition), the counters, and
 * decides what happens to one message given a seeded xoshiro256** stream
 * (core/base/rng.h). Every decision draws exactly five numbers, whatever the
 * outcome, so a given seed yields the same decisions for the same message
 * sequence. fault_relay.c applies the decisions; fault_admin.c parses the
 * admin ops into the calls below.
 *
 * Arguments (args_json of AdminRequest; the CLI forwards `--delay-ms 5-50`
 * as {"delay-ms": "5-50"}, so both spellings of the keys are accepted):
 *
 *   set-faults  {"drop": P, "duplicate": P, "delay_ms": [MIN, MAX] | "MIN-MAX"
 *                | MS, "reorder": P, "seed": N}   P in [0, 1]; 0 <= MIN <=
 *               MAX <= BK_FAULTS_MAX_DELAY_MS; N in [0, 2^63). Omitted
 *               faults are off (the call replaces the whole configuration);
 *               the seed defaults to BK_FAULTS_DEFAULT_SEED.
 *               {"clear": true} turns every fault off.
 *   partition   {"isolate": "ACCOUNT:REGION" | ["ACCOUNT:REGION", ...]}
 *               (the agent may not have registered yet; the account must
 *               be 12 digits and the Region known) or {"heal": true}.
 */
#ifndef BK_FAULTS_H
#define BK_FAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

#define BK_FAULTS_MAX_DELAY_MS  60000   /* a minute: longer is an outage, use partition */
#define BK_FAULTS_MAX_ISOLATED  256
#define BK_FAULTS_DEFAULT_SEED  1
#define BK_FAULTS_KEY_LEN       48      /* "ACCOUNT:REGION" + NUL */

typedef struct bk_faults_cfg {
    double drop;             /* probability a message is lost */
    double duplicate;        /* probability it is delivered twice */
    double reorder;          /* probability it is held back behind later ones */
    uint32_t delay_min_ms;   /* each copy is late by a uniform [min, max] */
    uint32_t delay_max_ms;
    uint64_t seed;
} bk_faults_cfg_t;

/* Counted since the broker started (set-faults does not reset them), so a
 * test can compare before and after. Every copy counts: a duplicated
 * message that is also delayed adds 2 to delayed. */
typedef struct bk_fault_counters {
    uint64_t dropped;             /* lost by the drop fault */
    uint64_t duplicated;          /* extra copies made */
    uint64_t delayed;             /* copies sent late (delay > 0) */
    uint64_t reordered;           /* messages held back behind later ones */
    uint64_t partition_dropped;   /* from or to an isolated agent */
    uint64_t relayed_peer;        /* PeerMessage copies handed to their destination */
    uint64_t relayed_ack;         /* Ack copies handed to their destination */
} bk_fault_counters_t;

/* What happens to one message. */
typedef struct bk_fault_decision {
    bool drop;
    unsigned copies;         /* 0 when dropped, else 1 or 2 */
    uint32_t delay_ms[2];    /* per copy; 0: at once */
    bool hold;               /* copy 0 waits for a later message on its link */
} bk_fault_decision_t;

typedef struct bk_faults bk_faults_t;

/* A model with no faults and no partitions. NULL on OOM. */
bk_faults_t *bk_faults_new(void);
void bk_faults_destroy(bk_faults_t **f);

/* ---- configuration ------------------------------------------------------ */

/* Parses set-faults arguments (args_json, borrowed). On success returns 0
 * and either *clear = true or *cfg filled in; -1 with a one-line message
 * for the AdminReply in err. Pure. */
int bk_faults_parse(const char *args_json, bk_faults_cfg_t *cfg, bool *clear, char *err,
                    size_t errlen);
/* Installs cfg (NULL: everything off) and reseeds the stream from its
 * seed, so the decisions from now on depend only on cfg and the messages. */
void bk_faults_configure(bk_faults_t *f, const bk_faults_cfg_t *cfg);
const bk_faults_cfg_t *bk_faults_cfg(const bk_faults_t *f);
/* Some fault (other than partitions) is switched on. */
bool bk_faults_active(const bk_faults_t *f);
/* "drop 0.5, duplicate 0.3, delay 5-50 ms, reorder 0, seed 42" for logs. */
void bk_faults_describe_cfg(const bk_faults_cfg_t *cfg, char *buf, size_t len);

/* ---- decisions ---------------------------------------------------------- */

/* Decides the fate of the next message and counts it (dropped, duplicated,
 * delayed, reordered). With no fault active it delivers one copy at once
 * without touching the stream. */
void bk_faults_decide(bk_faults_t *f, bk_fault_decision_t *d);
bk_fault_counters_t *bk_faults_counters(bk_faults_t *f);

/* ---- partitions --------------------------------------------------------- */

/* Parses partition arguments. On success returns 0 with *heal, or the
 * isolate keys ("ACCOUNT:REGION", validated) in keys[0..*n) (at most max);
 * -1 with a message in err. Pure. */
int bk_faults_parse_partition(const char *args_json, bool *heal,
                              char (*keys)[BK_FAULTS_KEY_LEN], size_t max, size_t *n,
                              char *err, size_t errlen);
/* Isolates the agent named by a key bk_faults_parse_partition produced.
 * Returns 1 if it is newly isolated, 0 if it already was, -1 when
 * BK_FAULTS_MAX_ISOLATED agents already are. */
int bk_faults_isolate(bk_faults_t *f, const char *key);
/* Removes every partition; returns how many agents were isolated. */
size_t bk_faults_heal(bk_faults_t *f);
bool bk_faults_isolated(const bk_faults_t *f, const char *account, const char *region);
bool bk_faults_isolated_key(const bk_faults_t *f, const char *key);
size_t bk_faults_isolated_count(const bk_faults_t *f);

/* ---- reporting ---------------------------------------------------------- */

/* The describe-faults document (caller owns; NULL on OOM):
 * {"Faults": {"Drop", "Duplicate", "DelayMs": [a, b], "Reorder", "Seed",
 *  "Active"}, "Partitions": ["ACCOUNT:REGION", ...] (sorted),
 *  "Counters": {"Dropped", "Duplicated", "Delayed", "Reordered",
 *  "PartitionDropped", "RelayedPeerMessages", "RelayedAcks"}} */
vs_json_t *bk_faults_describe(const bk_faults_t *f);

#endif
