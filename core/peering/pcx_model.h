/* pcx_model: VPC peering inside the agent model. The files that share this
 * header, each using only those listed before it:
 *   pcx_obj.c     the object kind, views, the per-VPC index, timers' arming
 *   pcx_out.c     API outputs shared by the actions and forwarded answers
 *   pcx_msg.c     messages sent to other agents; replication of changes
 *   pcx_home.c    the home's decisions
 *   pcx_proto.c   messages received from other agents
 *   pcx_hooks.c   VPC hooks (deletion, CIDR changes)
 *   ec2_pcx.c     the API actions
 *   pcx_module.c  the module: actions, kind, timers, hooks, messages
 *
 * One authority per connection: the agent that owns the requester VPC is
 * the HOME of a pcx. It runs every transition through pcx_fsm, bumps the
 * record's version and replicates the record to the accepter's agent, the
 * REPLICA, which applies only newer versions. Accept, reject, delete and
 * option changes made on the accepter side are forwarded to the home as
 * operations; the API call waits (VS_ACTION_DEFER) for the home's decision
 * and answers with it. A same-account, same-Region pcx has both sides in
 * one agent (side BOTH) and needs no messages. See docs/peering-protocol.md.
 */
#ifndef VS_PCX_MODEL_H
#define VS_PCX_MODEL_H

#include "vpc.h"
#include "pcx.h"
#include "pcx_doc.h"
#include "pcx_fsm.h"
#include "pcx_rules.h"
#include "pcx_wire.h"

#define VS_PCX_MAX_PENDING_OPS 8

/* An API call waiting for the home's answer to an operation we forwarded. */
typedef struct vs_pcx_op {
    uint64_t op_id;            /* random: unique across restarts */
    uint64_t token;            /* the API call to answer */
    vs_pcx_action_t action;
    bool modify_requester, modify_accepter;   /* which options a modify set */
} vs_pcx_op_t;

typedef struct vs_pcx_obj {
    vs_obj_t base;             /* base.tags: this view's tags */
    vs_pcx_t rec;              /* the shared record, as of rec.version */
    vs_pcx_side_t side;        /* what this agent holds: REQUESTER = home,
                                  ACCEPTER = replica, BOTH = one agent */
    bool hidden;               /* aged out of view; kept as a tombstone so a
                                  late duplicate cannot resurrect it */
    bool accept_inflight;      /* replica: an accept was forwarded, undecided */
    bool counted_outstanding;  /* in VS_COUNTER_PCX_OUTSTANDING (memory only) */
    bool state_held;           /* home, memory only: an OpResult carrying the
                                  record follows, so no State (pcx_proto.c) */
    /* Replica, memory only: the snapshot of our VPC's security groups went
     * to the home with the accept (sg_dir.c), at our VPC's sg_gen then. */
    bool sgdir_sent;
    uint64_t sgdir_gen;
    uint64_t request_msg_id;   /* home: the Request message (undeliverable) */
    /* Order of the accepter VPC's CIDR lists (Validated, Op, Cidrs), which
     * the network may reorder. Replica: the last one sent; home: the
     * newest one applied, so that an older list never replaces it. */
    uint64_t cidrs_seq;
    /* In memory only: calls waiting for the home. Lost on restart, when
     * their clients have long timed out anyway. */
    vs_pcx_op_t ops[VS_PCX_MAX_PENDING_OPS];
    size_t nops;
} vs_pcx_obj_t;

extern const vs_kind_t vs_kind_pcx;
extern const vs_module_t vs_module_pcx;

/* Tombstones are dropped this long after the last view aged out. */
#define VS_PCX_TOMBSTONE_MS (7 * VS_DAY_MS)

/* --- pcx_obj.c ------------------------------------------------------------- */

/* Timer kinds (persisted names). */
#define VS_PCX_T_EVENT "pcx-event"
#define VS_PCX_T_PURGE "pcx-purge"

static inline bool vs_pcx_obj_is_home(const vs_pcx_obj_t *o)
{
    return (o->side & VS_PCX_SIDE_REQUESTER) != 0;
}

/* The pcx `id` if the caller can see it now (owner, not hidden, inside its
 * visibility window); NULL otherwise. */
vs_pcx_obj_t *vs_pcx__visible(const vs_model_t *m, const char *caller, const char *id);
/* Like vs_pcx__visible for actions taking one ID: Malformed / NotFound
 * errors as AWS. */
vs_pcx_obj_t *vs_pcx__resolve(const vs_model_t *m, const char *caller, const char *id,
                              vs_awserr_t *err);

/* Creates the view object for a record (tags empty). NULL on OOM or a
 * taken ID. */
vs_pcx_obj_t *vs_pcx__create(vs_model_t *m, const vs_pcx_t *rec, vs_pcx_side_t side);

/* Drops o for good: leaves the counts and the index, removed from the
 * model (o is invalid afterwards). */
void vs_pcx__purge(vs_model_t *m, vs_pcx_obj_t *o);
/* Replica: apply a record received from the home if it is newer. Returns
 * true if it was applied. */
bool vs_pcx__replica_apply(vs_model_t *m, vs_pcx_obj_t *o, const vs_pcx_t *rec);
/* (Re)arms the lifecycle and visibility timers of o from its record. */
void vs_pcx__arm_timers(vs_model_t *m, vs_pcx_obj_t *o);

/* The pcx objects (visible or not) that involve our VPC vpc_id, from its
 * index: *out is borrowed until the next change of pcx objects. 0 if the
 * VPC is not ours. */
size_t vs_pcx__of_vpc(const vs_model_t *m, const char *vpc_id, vs_pcx_obj_t *const **out);
/* The same, with (*peer_keys)[i] = vs_idmap_hash() of the VPC at the other
 * end of (*out)[i] (vpc_id itself for a connection to itself), borrowed
 * alike. A key unlike the hash of a VPC id proves that connection does not
 * join vpc_id to that VPC without reading the connection. */
size_t vs_pcx__of_vpc_keyed(const vs_model_t *m, const char *vpc_id, vs_pcx_obj_t *const **out,
                            const uint64_t **peer_keys);
/* A VPC created in this run has no connections: its index is complete
 * (empty) from the start, so its first use scans nothing. */
void vs_pcx__vpc_created(vs_model_t *m, vs_vpc_t *vpc);

/* Iterates every pcx object (visible or not). */
vs_pcx_obj_t *vs_pcx__first(const vs_model_t *m);
vs_pcx_obj_t *vs_pcx__next(const vs_pcx_obj_t *o);
bool vs_pcx__involves(const vs_pcx_obj_t *o, const char *vpc_id);
/* Non-terminal (initiating, pending, provisioning, active, deleting). */
bool vs_pcx__live(const vs_pcx_obj_t *o);

/* Our outstanding requests (home, initiating or pending): the quota of
 * CreateVpcPeeringConnection. Counted once, then kept by vs_pcx__recount. */
size_t vs_pcx__outstanding(const vs_model_t *m);
/* Updates the outstanding count after o was created or changed state. */
void vs_pcx__recount(vs_model_t *m, vs_pcx_obj_t *o);

/* Fills one end of a record from a local VPC (CIDRs, options cleared). */
int vs_pcx__fill_vpc(const vs_model_t *m, const vs_vpc_t *vpc, vs_pcx_vpc_t *out);

/* Pending operations of API calls on this view. */
vs_pcx_op_t *vs_pcx__op_add(vs_model_t *m, vs_pcx_obj_t *o, vs_pcx_action_t action);
bool vs_pcx__op_take(vs_pcx_obj_t *o, uint64_t op_id, vs_pcx_op_t *out);

/* The pcx object `id` (any view, visible or not), NULL if none. */
static inline vs_pcx_obj_t *vs_pcx__get(const vs_model_t *m, const char *id)
{
    vs_obj_t *o = id ? vs_model__get(m, id) : NULL;
    return o && o->kind == &vs_kind_pcx ? (vs_pcx_obj_t *)o : NULL;
}

/* --- decisions at the home (pcx_home.c) ---------------------------------------- */

/* Provisioning or active connections of one of our VPCs (active quota). */
size_t vs_pcx__active_of(const vs_model_t *m, const char *vpc_id);
/* Applies a lifecycle event that is already due (expiry, provisioned,
 * deletion done) before a user operation is judged. */
void vs_pcx__catch_up(vs_model_t *m, vs_pcx_obj_t *o);
/* The accepter VPC's CIDRs as its agent reports them: an overlap fails a
 * request not yet accepted, otherwise the record follows them. */
void vs_pcx__home_accepter_cidrs(vs_model_t *m, vs_pcx_obj_t *o, const vs_pcx_vpc_t *acc);

/* Runs `action` by the caller (account, region; both NULL = SYSTEM) on a
 * pcx whose home is this model, with every rule beyond the state machine
 * (VpcPeeringConnectionAlreadyExists, quotas, overlap at accept). On
 * success the record has changed and was replicated. acc_v4/acc_v6: the
 * accepter VPC's CIDRs as the accepter agent knows them (NULL to keep).
 * 0 or -1 with err. */
int vs_pcx__home_act(vs_model_t *m, vs_pcx_obj_t *o, const char *account, const char *region,
                     vs_pcx_action_t action, const vs_pcx_options_t *req_opts,
                     const vs_pcx_options_t *acc_opts, vs_awserr_t *err);

/* --- outputs (pcx_out.c) ------------------------------------------------------ */

/* The three option names of Requester/AccepterPeeringConnectionOptions. */
extern const char *const vs_pcx__opt_names[3];
/* ModifyVpcPeeringConnectionOptions output for the sides a call set. */
vs_json_t *vs_pcx__modify_output(const vs_pcx_obj_t *o, bool req, bool acc);
/* {"Return": true}: the output of reject/delete. Caller owns. */
vs_json_t *vs_pcx__return_true(void);
/* The output object of rec as a view with `tags` shows it, appended to b
 * as vs_json_dump(vs_pcx_render(rec, tags), 0) prints it (printed
 * directly; through the tree if a field will not print directly, so the
 * bytes are the same either way). -1 (nothing appended) where the tree
 * path has no object either; an OOM shows in b->oom. */
int vs_pcx__render_to(vs_buf_t *b, const vs_pcx_t *rec, const vs_tags_t *tags);
/* {"VpcPeeringConnection": the output object of rec with tags}, printed:
 * the output of create and accept, the text of vs_model__output_text /
 * vs_model__reply_text (caller owns; NULL on OOM). */
char *vs_pcx__wrap_text(const vs_pcx_t *rec, const vs_tags_t *tags);

/* --- messages sent (pcx_msg.c) ------------------------------------------------ */

/* Home: the record changed (state, CIDRs or options; version already
 * bumped): persist, re-arm timers, replicate to the other side. */
void vs_pcx__home_changed(vs_model_t *m, vs_pcx_obj_t *o);

/* Builds and sends the typed messages (pcx_wire.h): field helpers shared
 * by the sending and receiving sides. msg is borrowed. */
/* Sends msg to the agent holding end `to`; the message ID or 0. */
uint64_t vs_pcx__msg_send(vs_model_t *m, const vs_pcx_vpc_t *to, const vs_pcx_msg_t *msg);
/* A message carrying the whole record (Request, State, OpResult). */
void vs_pcx__msg_with_record(vs_pcx_msg_t *msg, vs_pcx_msg_type_t type, const vs_pcx_t *rec);
/* The CIDR lists of v into msg. */
void vs_pcx__msg_put_cidrs(vs_pcx_msg_t *msg, const vs_pcx_vpc_t *v);
/* Numbers the accepter VPC's CIDR list in msg from o's counter (o NULL:
 * no number). */
void vs_pcx__msg_put_seq(vs_model_t *m, vs_pcx_msg_t *msg, vs_pcx_obj_t *o);
/* Replaces the CIDR lists of v with those of msg. -1 if it has none
 * (absent or malformed). */
int vs_pcx__msg_get_cidrs(const vs_pcx_msg_t *msg, vs_pcx_vpc_t *v);

/* --- local validation (pcx_home.c) ----------------------------------------------- */

/* Validation that needs no other agent (same-account same-Region peer, or
 * Regions that can never peer): runs from a timer right after the create
 * call answered with initiating-request (pcx_home.c). */
void vs_pcx__schedule_validate(vs_model_t *m, vs_pcx_obj_t *o);
void vs_pcx__on_validate_timer(vs_model_t *m, const char *id);

/* --- messages sent (pcx_msg.c), continued ---------------------------------------- */

/* Home -> accepter agent: validate and hold a replica. */
void vs_pcx__send_request(vs_model_t *m, vs_pcx_obj_t *o);
/* Home -> replica: the current record. */
void vs_pcx__send_state(vs_model_t *m, vs_pcx_obj_t *o);
/* Home -> the accepter's agent (account, region): we hold no record of
 * pcx `id` (it aged out and its tombstone went), so neither may it. */
void vs_pcx__send_gone(vs_model_t *m, const char *account, const char *region, const char *id);
/* Replica -> home: an operation of an API call (op borrowed). */
void vs_pcx__send_op(vs_model_t *m, vs_pcx_obj_t *o, const vs_pcx_op_t *op,
                     const vs_pcx_options_t *req_opts, const vs_pcx_options_t *acc_opts);
/* Replica -> home: the accepter VPC's CIDRs changed. */
void vs_pcx__send_cidrs(vs_model_t *m, vs_pcx_obj_t *o, const vs_vpc_t *vpc);

/* --- messages received (pcx_proto.c) ---------------------------------------------- */

int vs_pcx__on_peer(vs_model_t *m, const char *from_account, const char *from_region,
                    const uint8_t *payload, size_t len);
void vs_pcx__on_undeliverable(vs_model_t *m, uint64_t msg_id, bool no_such_agent);

/* --- hooks (pcx_hooks.c) ------------------------------------------------------ */

int vs_pcx__vpc_delete_check(vs_model_t *m, const vs_vpc_t *vpc, vs_awserr_t *err);
void vs_pcx__vpc_deleting(vs_model_t *m, vs_vpc_t *vpc);
int vs_pcx__cidr_change_allowed(vs_model_t *m, const vs_vpc_t *vpc, const vs_cidr_t *cidr,
                                bool adding, vs_awserr_t *err);
void vs_pcx__vpc_cidr_changed(vs_model_t *m, vs_vpc_t *vpc, const vs_cidr_t *cidr, bool added);

/* --- API actions (ec2_pcx.c) ------------------------------------------------- */

extern const vs_action_t vs_pcx_actions[];

#endif
