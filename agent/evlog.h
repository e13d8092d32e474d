/* evlog: the agent's event log in its SQLite store (issue 11; issue 9 made
 * it cheap to write).
 *
 * Tables (in the store's agent.db, so every write joins the turn's one
 * transaction):
 *   event_batches(first_seq PRIMARY KEY, last_seq, blob): the events of one
 *     loop turn in one row, packed by evlog_codec.c (seq first_seq ..
 *     last_seq, contiguous);
 *   event_state_batches(seq PRIMARY KEY, blob) over event_state(id,
 *     state), and event_checkpoint(seq): the last state recorded per
 *     object as of seq, so that a state event is written only when the
 *     state really changed, across restarts too. Written by a prune that
 *     would delete events past the checkpoint: one row of the objects
 *     changed since the last one (evlog_codec.c's pairs), before it
 *     deletes; once those rows outgrow the states, one row of all of them
 *     replaces them and event_state's rows (which agents before the
 *     batches wrote; still read first). At open the rows in seq order,
 *     then the state events after seq, all still in the log, bring it up
 *     to date.
 * No AUTOINCREMENT and no secondary index: seq numbers are handed out from
 * memory (the largest stored is read at open), the states live in a hash
 * in memory (evlog_states.c) and msg_id -> cause and cause -> call in
 * bounded indexes (evlog_idx.c), all rebuilt at open.
 *
 * Writing: evlog_add() only buffers; evlog_flush() writes the buffered
 * events as one row, and must run inside the transaction of the change
 * the events report, before its commit (the
 * agent does so at the end of each turn: agent_ev__end_turn), so an event
 * is on disk exactly when its change is. If that transaction is rolled
 * back, evlog_reload() makes memory match the disk again.
 *
 * Retention is a count: evlog_prune() deletes whole batches, oldest first,
 * keeping at least the newest `retention` events; the agent prunes once a
 * sixteenth of that has been added (so about retention + retention/16 plus
 * one batch are kept between prunes).
 *
 * Readers (evlog_query.c) decode batches; a damaged one is skipped with an
 * error in the log (and counted: evlog_damaged), never half read.
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

/* Appends e (its seq is set) to the turn's batch, in memory; a batch that
 * reaches EVLOG_CODEC_MAX_EVENTS is written at once. 0 or -1. */
int evlog_add(evlog_t *l, vs_event_t *e);
/* Writes the batch into the open transaction (or on its own without one).
 * 0 or -1 (the batch is then dropped; evlog_reload() brings memory back
 * to what the disk has). */
int evlog_flush(evlog_t *l);
/* Forgets everything not on disk and reads the log's state again: after
 * the transaction of a flush was rolled back. 0 or -1. */
int evlog_reload(evlog_t *l);
/* Frees the scratch a burst grew (the turn's event buffer, the encoding
 * buffer) when no event is pending; they grow again on use. */
void evlog_shed_memory(evlog_t *l);
/* Writes the states' checkpoint when needed, then deletes the oldest
 * batches while at least `retention` events remain without them. In the transaction, like
 * evlog_flush. 0 or -1. */
int evlog_prune(evlog_t *l);
/* Events currently kept (written or buffered). */
int64_t evlog_count(evlog_t *l);
/* Damaged batches met since open (each skipped with an error logged). */
uint64_t evlog_damaged(const evlog_t *l);

/* The cause recorded with the first sending of peer message msg_id (0 if
 * unknown, e.g. pruned). From memory. */
uint64_t evlog_cause_of_msg(evlog_t *l, uint64_t msg_id);
/* The action and object of the api-call event with that cause; 0, or 1
 * when there is none (fields then ""). */
int evlog_call_of(evlog_t *l, uint64_t cause, char *action, size_t alen, char *object,
                  size_t olen);
/* Records state (NULL: the object is gone) as id's last state. Returns 1
 * when it differs from the last one recorded, 0 when equal, -1 on error.
 * On 1 the caller adds the state event (kind VS_EV_STATE, object id,
 * detail the state or "removed"): the log is rebuilt from those at open. */
int evlog_state_changed(evlog_t *l, const char *id, const char *state);
/* Starts loading what evlog_add will read to index an event of that kind
 * and key (a peer-send's msg_id, an api-call's cause) into the cache. */
void evlog_prefetch(evlog_t *l, vs_event_kind_t kind, uint64_t key);
/* Starts loading what evlog_state_changed(id) will read into the cache. */
void evlog_state_prefetch(evlog_t *l, const char *id);

/* Events after after_seq, oldest first, at most limit (<= EVLOG_MAX_QUERY):
 * all of them when object is NULL or "", else those about object and those
 * sharing a causality id with one about object. *out is malloc'd (caller
 * frees), *n its length. 0 or -1. (evlog_query.c) */
int evlog_query(evlog_t *l, const char *object, int64_t after_seq, size_t limit,
                vs_event_t **out, size_t *n);

#endif
