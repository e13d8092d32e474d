/* event: one entry of an agent's event log, and the sans-IO rules around
 * it: what an entry says (kind, object, the causality id that ties it to
 * the call that caused it), how it is written as JSON for the
 * DescribeEvents answer, how the object a peer message, an API call or a
 * stored document is about is found, and which entries another account
 * may see.
 *
 * The agent (agent/evlog.c) keeps the entries in SQLite; `vpcsim trace`
 * and the renderers in viz/ read them back from JSON.
 */
#ifndef VS_EVENT_H
#define VS_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

typedef enum {
    VS_EV_API_CALL = 0,     /* a client's API call arrived (Action, Caller) */
    VS_EV_API_REPLY,        /* its answer left (Detail: "ok" or the error code) */
    VS_EV_PEER_SEND,        /* a peer message left for the first time (Detail: its type) */
    VS_EV_PEER_RESEND,      /* the same message again, not yet acknowledged */
    VS_EV_PEER_RECV,        /* a peer message arrived and was applied */
    VS_EV_PEER_DUP,         /* a peer message arrived again and was dropped */
    VS_EV_UNDELIVERABLE,    /* the broker could not deliver one of ours (Detail: why) */
    VS_EV_STATE,            /* an object's state changed (Detail: the new state) */
    VS_EV__COUNT
} vs_event_kind_t;

#define VS_EV_ID_LEN      48
#define VS_EV_ACCOUNT_LEN 16
#define VS_EV_REGION_LEN  32
#define VS_EV_ACTION_LEN  64
#define VS_EV_DETAIL_LEN  160

typedef struct vs_event {
    int64_t seq;                        /* per agent, increasing; 0 before stored */
    uint64_t sim_ms;                    /* simulated time */
    uint64_t wall_ms;                   /* real time, for ordering within one sim instant */
    vs_event_kind_t kind;
    char object[VS_EV_ID_LEN];          /* "pcx-…", "vpc-…" or "" when unknown */
    uint64_t cause;                     /* causality id: the client call's msg id, carried on the wire */
    uint64_t msg_id;                    /* the peer message or API request it is about */
    char peer_account[VS_EV_ACCOUNT_LEN];   /* the other agent of a peer message */
    char peer_region[VS_EV_REGION_LEN];
    char caller[VS_EV_ACCOUNT_LEN];     /* the account that made an API call */
    char action[VS_EV_ACTION_LEN];      /* API action, or peer message type */
    char detail[VS_EV_DETAIL_LEN];
} vs_event_t;

/* "api-call", "peer-send", …; NULL for an unknown kind. */
const char *vs_event_kind_name(vs_event_kind_t k);
/* The kind named s, or -1. */
int vs_event_kind_parse(const char *s);
/* True for the kinds about a peer message. */
bool vs_event_is_peer(vs_event_kind_t k);

/* Copies s into a fixed field, truncated, never overflowing. */
void vs_event_set(char *field, size_t size, const char *s);

/* The event as a JSON object (caller owns): Seq, SimTime (ISO), SimTimeMs,
 * WallTimeMs, Kind, ObjectId, CauseId and MessageId (16 hex digits: JSON
 * numbers cannot carry 64 bits), PeerAccount, PeerRegion, Caller, Action,
 * Detail. NULL on out of memory. */
vs_json_t *vs_event_to_json(const vs_event_t *e);
/* The reverse, checking every field's type and length. 0, or -1 with a
 * reason in err. */
int vs_event_from_json(const vs_json_t *j, vs_event_t *e, char *err, size_t errlen);

/* The type ("T") and connection id ("Id") of an unsealed peering message
 * payload (a JSON object; see core/peering/pcx_msg.c). 0, or -1 when the
 * payload is not such a document (type and id are then ""). */
int vs_event_peer_payload(const uint8_t *payload, size_t len, char *type, size_t typelen,
                          char *id, size_t idlen);

/* The object an API call is about: the first of VpcPeeringConnectionId,
 * RouteTableId, SubnetId, …, VpcId found at the top of the input, else
 * anywhere in the output (CreateVpcPeeringConnection's new id; callers
 * pass the output only for Create* calls, whose output is one object).
 * Either document may be NULL. "" when there is none. */
void vs_event_api_object(const vs_json_t *input, const vs_json_t *output, char *out, size_t outlen);
/* The same for an output alone, given as its JSON text (output, len bytes;
 * borrowed): the answer vs_event_api_object gives for the parsed text,
 * found by a scan that builds nothing (the agent logs every Create* reply);
 * only text the scan cannot judge as the parser would is parsed. */
void vs_event_api_output_object(const char *output, size_t len, char *out, size_t outlen);

/* The state a stored object document records ("State", "Record"."State"
 * or "Status"."Code"), copied to out; -1 when it records none. */
int vs_event_doc_state(const char *doc, char *out, size_t outlen);

/* Isolation between accounts: which of an agent's events a caller may see.
 * evs are the events about one object (evlog_query: the object's own and
 * those tied to it by causality). The owner's account sees all of them.
 * Another account sees the peer messages this agent exchanged with that
 * account's agents about the object (a sealed inter-Region message names
 * no object: it counts by its tie), and the object's state changes when at
 * least one such message exists (both sides of a peering connection see
 * its state anyway); never API calls, tags, or any other object. Compacts
 * evs in place, keeping the order; returns the number kept. */
size_t vs_events_filter(vs_event_t *evs, size_t n, const char *owner, const char *caller,
                        const char *object);

#endif
