/* model: everything one agent owns (one AWS account in one Region): VPCs,
 * subnets, route tables, gateways, security groups, instances, its views of
 * VPC peering connections. Sans-IO: the model takes API calls, peer
 * messages and clock ticks in, and gives back API replies, peer messages to
 * send and changed objects to persist. The agent daemon, the tests and the
 * deterministic simulation all drive the same model.
 *
 * Driving loop (one "turn"):
 *   vs_model_submit() / vs_model_on_peer() / vs_model_tick()  ... any number
 *   vs_model_flush(persist_cb)     -- write changed objects + new outbox
 *                                     messages in ONE transaction
 *   vs_model_drain(emit_cb)        -- only then send replies and messages
 * Replies are released only after their effects are durable, so a success
 * the user saw survives kill -9.
 *
 * Objects are persisted as binary records keyed by ID (the ID prefix names
 * the kind; proto/store.proto's StoredObject, or StoredMeta for the
 * counters); vs_model_load() rebuilds the model from them at start-up, and
 * still takes the JSON documents older versions wrote. JSON is only a view
 * for debugging (vs_model_doc_json).
 */
#ifndef VS_MODEL_H
#define VS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awserr.h"
#include "clock.h"
#include "ids.h"
#include "json.h"
#include "rng.h"

typedef struct vs_model vs_model_t;
struct vs_module;

/* The most CIDR blocks of each family a VPC may have, its primary
 * included: AWS's default quotas ([DOC] UG-limits: 5 and 5, adjustable up
 * to 50 in AWS, not in the simulator). Records that copy a VPC's blocks
 * have room for exactly this many (core/peering/pcx.h: a connection's two
 * ends), so raising these raises every such record's size. */
#define VS_MODEL_MAX_IPV4_CIDRS 5
#define VS_MODEL_MAX_IPV6_CIDRS 5

typedef struct vs_model_config {
    const char *account;          /* 12 digits */
    const char *region;           /* known Region */
    vs_clock_t *clock;            /* borrowed; outlives the model */
    vs_rng_t *rng;                /* borrowed; outlives the model */
    /* The modules that make up the service, NULL-terminated, in hook order
     * (borrowed, static): vs_service_modules() for the EC2 service. */
    const struct vs_module *const *modules;
    /* Quotas and behaviour switches (agent options); 0 = AWS default. The
     * CIDR quotas are at most VS_MODEL_MAX_IPV4/IPV6_CIDRS (more is cut). */
    int max_ipv4_cidrs_per_vpc;   /* 5 */
    int max_ipv6_cidrs_per_vpc;   /* 5 */
    int max_active_pcx_per_vpc;   /* 50 */
    int max_outstanding_pcx;      /* 25 per account */
    bool modern_rules;            /* today's AWS: IPv6 inter-Region, Beijing<->Ningxia;
                                     default (false): the seed's rules */
    bool cascade_vpc_delete;      /* console behaviour: delete pcx with the VPC */
    bool test_bug_stale_replica;  /* TEST ONLY (`vpcsim simulate --planted-bug`): replicas
                                     also apply older versions, a bug to be caught */
} vs_model_config_t;

/* Returns NULL if the config is invalid (unknown Region, bad account, no
 * modules). */
vs_model_t *vs_model_new(const vs_model_config_t *cfg);
void vs_model_destroy(vs_model_t **m);

const char *vs_model_account(const vs_model_t *m);
const char *vs_model_region(const vs_model_t *m);
const char *vs_model_partition(const vs_model_t *m);

/* --- start-up -------------------------------------------------------- */

/* Rebuild one object from its persisted record (doc, len bytes, borrowed):
 * the binary form vs_model_flush writes, or the JSON document of older
 * versions (first byte '{'). 0 ok; -1 if the record is malformed (the
 * caller logs and skips it). Load everything before the first submit. */
int vs_model_load(vs_model_t *m, const char *id, const uint8_t *doc, size_t len);

/* The JSON document of a persisted record (either form), as older versions
 * stored it: {"Kind", "Id", "Seq", "Tags", "Timers", the kind's fields}.
 * For debugging and tools; the model is only used for its kinds and is not
 * changed. Caller frees; NULL if the record is malformed. */
char *vs_model_doc_json(vs_model_t *m, const char *id, const uint8_t *doc, size_t len);

/* Persisted records are at most this long (a bound for loaders). */
#define VS_MODEL_RECORD_MAX (1u << 20)

/* --- inputs ------------------------------------------------------------ */

/* An EC2 API call from a client. `token` identifies the caller for the
 * reply; `caller_account` is the account the client acts as (calls from
 * another account than the model's are answered as if the resources did not
 * exist). `input` is the operation's input document (borrowed). The reply
 * is queued and comes out of vs_model_drain() - possibly after peer
 * messages, for operations decided by another agent. */
void vs_model_submit(vs_model_t *m, uint64_t token, const char *caller_account,
                     const char *action, const vs_json_t *input);

/* A message from another agent's model (payload of a PeerMessage, already
 * decrypted and de-duplicated by the runtime). from_account/from_region
 * are the broker-stamped sender. 0 ok, -1 malformed (ignored). */
int vs_model_on_peer(vs_model_t *m, const char *from_account, const char *from_region,
                     const uint8_t *payload, size_t len);

/* Undeliverable notice for a peer message this model sent. */
void vs_model_on_undeliverable(vs_model_t *m, uint64_t msg_id, bool no_such_agent);

/* Run every timer that is due at the clock's current time. */
void vs_model_tick(vs_model_t *m);
/* Earliest pending timer (simulated epoch ms), or UINT64_MAX if none. */
uint64_t vs_model_next_deadline(const vs_model_t *m);

/* --- outputs ------------------------------------------------------------ */

/* Persistence: calls cb once per object changed since the last flush, with
 * its record (len bytes; NULL: the object was deleted) and its lifecycle
 * state ("active"; NULL for kinds without one, deletions and "vs-meta"),
 * then forgets the changes. `doc` and `state` are borrowed for the duration
 * of the call (doc points into a buffer the model reuses). */
typedef void (*vs_persist_cb)(void *ctx, const char *id, const uint8_t *doc, size_t len,
                              const char *state);
void vs_model_flush(vs_model_t *m, vs_persist_cb cb, void *ctx);
/* The same for the objects only: the model's counters ("vs-meta": the next
 * sequence, message and timer numbers) stay changed for the next
 * vs_model_flush. For a driver that flushes after each message, so that
 * the changes a message made are filed under it, and once more at the end
 * of the turn, in the same transaction: the counters change with nearly
 * every message and carry no state, so they are written once a turn
 * instead of once a message. */
void vs_model_flush_objects(vs_model_t *m, vs_persist_cb cb, void *ctx);

/* What the runtime must send, in order. */
typedef enum {
    VS_OUT_REPLY,      /* API reply to `token` */
    VS_OUT_PEER,       /* a message to another agent */
    VS_OUT_VPC_ADDED,  /* tell the broker: vpc_arn now lives here */
    VS_OUT_VPC_REMOVED
} vs_out_kind_t;

typedef struct vs_out {
    vs_out_kind_t kind;
    /* VS_OUT_REPLY */
    uint64_t token;
    bool ok;
    const char *output_json;      /* ok: the output document ("" = no output) */
    const vs_awserr_t *err;       /* !ok */
    /* VS_OUT_PEER */
    uint64_t msg_id;              /* unique per model; the runtime dedups on it */
    const char *to_vpc_arn;       /* route by ARN ... */
    const char *to_account;       /* ... and/or by (account, region) */
    const char *to_region;
    const uint8_t *payload;
    size_t payload_len;
    bool sealed;                  /* payload is AEAD ciphertext (PeerMessage.sealed) */
    /* Held by vs_model_drain_hold: each part's tag (one, or one per part of
     * a bundle, which also carries them: peer_bundle.h); else NULL, 0. */
    const uint64_t *tags;
    size_t ntags;
    /* VS_OUT_VPC_* */
    const char *vpc_arn;
} vs_out_t;

/* Calls cb for every queued output, in order, then clears the queue.
 * Everything in `out` is borrowed for the duration of the call. */
typedef void (*vs_emit_cb)(void *ctx, const vs_out_t *out);
void vs_model_drain(vs_model_t *m, vs_emit_cb cb, void *ctx);

/* The same, except for the peer messages that later ones to the same agent
 * may still join (vs_model__emit_peer_bundled): those stay queued, each of
 * their parts so far tagged with `tag` (the runtime's: an agent's
 * causality id of this input), until a vs_model_drain, which the runtime
 * must call before it commits the turn. So the messages of a whole turn to
 * one agent can share one PeerMessage, each part keeping its input's tag. */
void vs_model_drain_hold(vs_model_t *m, vs_emit_cb cb, void *ctx, uint64_t tag);

/* The lowest ID of the peer messages queued (held ones, and any not yet
 * drained), UINT64_MAX if none: a runtime's acknowledgement floor must not
 * pass them, though they go out after messages with higher IDs. */
uint64_t vs_model_queued_min_id(const vs_model_t *m);

/* --- queries for the runtime --------------------------------------------- */

/* Calls cb for the ARN of every VPC (for Hello). */
void vs_model_each_vpc_arn(const vs_model_t *m, void (*cb)(void *ctx, const char *arn), void *ctx);
size_t vs_model_vpc_count(const vs_model_t *m);

#endif
