/* agent_full: a full disk makes a read-only agent, not a dead one.
 *
 * A turn whose commit fails because the disk is full is rolled back as a
 * whole: its replies become InternalError answers, everything else it
 * would have sent is dropped (peers resend what we did not acknowledge),
 * and the model is reloaded from the store, so that memory holds exactly
 * what is on disk. Then, until a write probe succeeds:
 *
 *   reads          answered from the model as usual
 *   writes         InternalError at once, before the model sees them
 *   peer messages  neither applied nor acknowledged (their senders resend)
 *   acks           ignored (the outbox keeps its messages and resends them)
 *   timers         wait
 *
 * A read may still move the in-memory model (a timer caught up while
 * describing); nothing of that is written, and when the disk takes writes
 * again the model is reloaded from the store once more and the timers
 * catch up from there, so no change made while read-only can be lost
 * half-way.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "agent_priv.h"
#include "log.h"

#define S_PROBE_MS 1000

bool agent__ro_is_read(const char *action)
{
    static const char *const reads[] = { "Describe", "Get", "Search", "List", NULL };
    for (size_t i = 0; reads[i]; i++)
        if (!strncmp(action, reads[i], strlen(reads[i])))
            return true;
    return false;
}

/* Every caller whose answer waited in the model (a forwarded accept, say)
 * is told now: the reload forgets what the model was waiting for. */
static void s_fail_pending(agent_t *a)
{
    for (size_t i = 0; i < AGENT_PENDING_CAP; i++) {
        pending_t *p = a->pending[i];
        if (!p)
            continue;
        agent__reply(a, p->in_reply_to, p->route, p->route_len, false, NULL, "InternalError",
                     AGENT_DISK_FULL_MSG);
        free(p);
        a->pending[i] = NULL;
    }
}

/* Drops the frames of a turn that did not commit; its replies become
 * errors. Those are not state: they may go out without a commit. */
static void s_unsend_turn(agent_t *a)
{
    size_t n = a->sendq_len, replies = 0;
    frame_t *turn = a->sendq;
    a->sendq = NULL;
    a->sendq_len = a->sendq_cap = 0;
    for (size_t i = 0; i < n; i++) {
        if (turn[i].is_reply) {
            agent__reply(a, turn[i].in_reply_to, turn[i].route, turn[i].route_len, false, NULL,
                         "InternalError", AGENT_DISK_FULL_MSG);
            replies++;
        }
        free(turn[i].buf);
    }
    free(turn);
    VS_DEBUG("full disk: %zu frames of the failed turn dropped, %zu callers told", n, replies);
}

static void s_reload(agent_t *a)
{
    agent_ev__reload(a);    /* the event log's memory, like the model's */
    if (agent__load_state(a) != 0) {
        VS_ERROR("cannot reload the state from the store; stopping");
        a->exit_code = 1;
        uv_stop(&a->loop);
    }
}

void agent__ro_enter(agent_t *a)
{
    store_rollback(a->st);
    s_unsend_turn(a);
    s_fail_pending(a);
    a->read_only = true;
    a->turn_dirty = false;
    a->ro_last_probe = simclock_mono_ms();
    uv_timer_stop(&a->model_timer);
    s_reload(a);
    VS_ERROR("the disk is full: read-only until space returns (reads are answered, writes get "
             "InternalError; %zu unacknowledged messages kept)", vs_outbox_len(a->outq));
    agent__flush_sendq(a);
}

/* While read-only the model's outputs are replies to reads; anything
 * else (none expected) is dropped with the in-memory state it came from. */
static void s_emit(void *ctx, const vs_out_t *o)
{
    if (o->kind == VS_OUT_REPLY)
        agent__emit(ctx, o);
}

static void s_forget(void *ctx, const char *id, const uint8_t *doc, size_t len, const char *state)
{
    (void)ctx, (void)id, (void)doc, (void)len, (void)state;
}

void agent__ro_finish_turn(agent_t *a)
{
    if (a->turn_dirty) {
        vs_model_flush(a->model, s_forget, a);
        vs_model_drain(a->model, s_emit, a);
    }
    a->turn_dirty = false;
    agent__flush_sendq(a);
}

bool agent__ro_probe(agent_t *a, uint64_t mono_ms)
{
    if (mono_ms - a->ro_last_probe < S_PROBE_MS)
        return false;
    a->ro_last_probe = mono_ms;
    if (store_probe(a->st) != 0)
        return false;
    a->read_only = false;
    s_fail_pending(a);
    s_reload(a);
    VS_INFO("the disk takes writes again: writing resumed");
    vs_model_tick(a->model);
    a->turn_dirty = true;
    vs_outbox_reset_backoff(a->outq);
    return true;
}
