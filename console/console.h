/* console: the live web console (issue 11), independent of any HTTP
 * server. A host (the gateway, or `vpcsim console --listen`) mounts it
 * under /console/ with two calls:
 *
 *   every request:  vs_console_handle(c, method, path, query, &reply)
 *                   -> status, content type, body (the page, its files,
 *                      and the JSON/SVG APIs below)
 *   the live feed:  path /console/api/stream (vs_console_is_stream) ->
 *                   vs_console_subscribe(c, sink): sink.write gets
 *                   server-sent-event chunks, sink.close when it ends;
 *                   the host calls vs_console_tick(c) about twice a
 *                   second, which pushes a `state` event to every
 *                   subscriber when the cluster changed.
 *
 * APIs (GET, read-only; the console observes every account, asking each
 * agent as its own account):
 *   api/state                      agents, simulated time, the topology of
 *                                  every account (viz/topology.h) and each
 *                                  (account, Region)'s view of its pcx
 *   api/events?account=&region=    that agent's event log (newest 2000)
 *   api/trace?pcx=&account=&region=[&format=svg|mermaid|text]
 *                                  the pcx's sequence diagram as that account sees it
 *   api/topology.svg               the topology drawn by Graphviz (dot)
 *   api/analyses                   every Reachability Analyzer analysis with
 *                                  its verdict (NetworkPathFound) and explanations
 *
 * Answers come from the cluster through the broker (blocking calls of at
 * most timeout_s each; on loopback a few milliseconds).
 */
#ifndef VS_CONSOLE_H
#define VS_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct vs_console vs_console_t;

typedef struct {
    int status;                 /* 200, 400, 404, 405, 502 */
    const char *content_type;   /* static string */
    char *body;                 /* malloc'd, owned by the caller */
    size_t len;
} vs_console_reply_t;

typedef struct {
    void (*write)(void *ctx, const char *data, size_t len);
    void (*close)(void *ctx);
    void *ctx;
} vs_console_sink_t;

#define VS_CONSOLE_MAX_SUBSCRIBERS 64

/* broker endpoint copied. NULL with *err (malloc'd) on failure. */
/* keys_dir: a keyring with every account's client key and the admin key
 * (the console observes every account); NULL for an open broker. */
vs_console_t *vs_console_new(const char *broker, const char *keys_dir, double timeout_s,
                             char **err);
/* Closes every subscription (their sinks' close is called). */
void vs_console_destroy(vs_console_t **c);

/* path is the URL path ("/console/api/state"), query what follows '?'
 * (or NULL). Always fills reply. */
void vs_console_handle(vs_console_t *c, const char *method, const char *path, const char *query,
                       vs_console_reply_t *reply);
bool vs_console_is_stream(const char *path);

/* Adds a subscriber (sink copied) and writes it the current state at once.
 * Returns its id (>= 0), or -1 when there are too many. */
int vs_console_subscribe(vs_console_t *c, const vs_console_sink_t *sink);
/* Forgets a subscriber whose connection went away (close is not called). */
void vs_console_unsubscribe(vs_console_t *c, int id);
/* Fetches the state if anyone listens and pushes it when it changed. */
void vs_console_tick(vs_console_t *c);

#endif
