/* evlog: the agent's event log in its SQLite store (issue 11).
 *
 * Tables (in the store's agent.db, so every write joins the turn's one
 * transaction): events(seq, sim_ms, wall_ms, kind, object, cause, msg_id,
 * peer_account, peer_region, caller, action, detail) and
 * event_state(id, state), the last state recorded per object, so that a
 * state event is written only when the state really changed.
 *
 * Retention is a count: evlog_prune() keeps the newest `retention` events;
 * the agent prunes once a sixteenth of that has been added (so at most
 * retention + retention/16 are kept between prunes).
 */
#ifndef AGENT_EVLOG_H
#define AGENT_EVLOG_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct sqlite3;
typedef struct evlog evlog_t;

#define EVLOG_DEFAULT_RETENTION 10000
#define EVLOG_MAX_QUERY 2000

/* db is borrowed and must outlive the log. retention >= 1. NULL with err. */
evlog_t *evlog_open(struct sqlite3 *db, int64_t retention, char *err, size_t errlen);
void evlog_close(evlog_t **l);

/* Appends e (its seq is set). 0 or -1. */
int evlog_add(evlog_t *l, vs_event_t *e);
/* Deletes all but the newest `retention` events. 0 or -1. */
int evlog_prune(evlog_t *l);
/* Events currently kept. */
int64_t evlog_count(evlog_t *l);

/* The cause recorded with the first sending of peer message msg_id (0 if
 * unknown, e.g. pruned). A scan: the agent asks its cache first
 * (agent_events.c), so that every insert maintains one index fewer. */
uint64_t evlog_cause_of_msg(evlog_t *l, uint64_t msg_id);
/* The action and object of the api-call event with that cause; 0, or 1
 * when there is none (fields then ""). */
int evlog_call_of(evlog_t *l, uint64_t cause, char *action, size_t alen, char *object,
                  size_t olen);
/* Records state (NULL: the object is gone) as id's last state. Returns 1
 * when it differs from the last one recorded, 0 when equal, -1 on error. */
int evlog_state_changed(evlog_t *l, const char *id, const char *state);

/* Events after after_seq, oldest first, at most limit (<= EVLOG_MAX_QUERY):
 * all of them when object is NULL or "", else those about object and those
 * sharing a causality id with one about object. *out is malloc'd (caller
 * frees), *n its length. 0 or -1. */
int evlog_query(evlog_t *l, const char *object, int64_t after_seq, size_t limit,
                vs_event_t **out, size_t *n);

#endif
