/* trace: the life of one peering connection as a sequence diagram, from
 * the events its agents recorded (events/event.h), with a lifeline for
 * each account's client, each agent and the broker. Sans-IO: a history
 * document in, text out; `vpcsim trace` (viz_cli.c) fetches the history.
 *
 * History document (what `vpcsim trace` assembles from DescribeEvents):
 *   {"PcxId": "pcx-…", "Caller": "111111111111",
 *    "Agents": [{"AccountId": "…", "Region": "…", "Events": [event, …]}, …]}
 *
 * Steps are ordered causally: each agent's events in its log's order, a
 * message's receipt after its sending, otherwise by simulated time, then
 * wall time (the agents' clocks may differ by a few milliseconds; each
 * step shows its own agent's time). An API call is an arrow from the caller's client to the
 * agent, its reply a dashed arrow back; a peer message goes agent ->
 * broker when sent and broker -> agent when received, tagged with the
 * last four hex digits of its message id so the two ends match; resends,
 * duplicates dropped and undeliverable messages are drawn as faults; a
 * state change is a note over the agent.
 */
#ifndef VS_TRACE_H
#define VS_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"

typedef enum { VS_TRACE_TEXT, VS_TRACE_MERMAID, VS_TRACE_SVG } vs_trace_format_t;

typedef struct vs_trace vs_trace_t;

/* Builds the diagram from a history document (borrowed). NULL with a
 * reason in err when the document is malformed. Caller destroys. */
vs_trace_t *vs_trace_build(const vs_json_t *history, char *err, size_t errlen);
void vs_trace_destroy(vs_trace_t **t);

size_t vs_trace_steps(const vs_trace_t *t);
/* "agent index:seq" of step i, unique within a history: what a follower
 * remembers to print each step once. */
const char *vs_trace_step_key(const vs_trace_t *t, size_t i);

/* The whole diagram, malloc'd (caller frees); NULL on out of memory. */
char *vs_trace_render(const vs_trace_t *t, vs_trace_format_t f);
/* The header (mermaid: "sequenceDiagram" and the participants; text: a
 * legend line) and one step alone, for --follow. malloc'd. */
char *vs_trace_render_header(const vs_trace_t *t, vs_trace_format_t f);
char *vs_trace_render_step(const vs_trace_t *t, vs_trace_format_t f, size_t i);

/* "text", "mermaid", "svg" -> format; -1 if unknown. */
int vs_trace_format_parse(const char *s);

#endif
