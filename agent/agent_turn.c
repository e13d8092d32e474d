/* agent_turn: one loop turn of the agent - the model's changes, its new
 * outbox messages and the simulated time written in ONE transaction, then
 * the replies and messages sent; a commit that fails on a full disk makes
 * the agent read-only (agent_full.c). Also the model's timer, which runs a
 * turn of its own. Used by the receive path (agent_rx.c) and the loop
 * (agent.c).
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <uv.h>

#include "agent_priv.h"
#include "log.h"

/* Writes the model's changes and its new outbox messages into the open
 * transaction, and queues the replies and messages; they are sent only
 * after that transaction has committed. The model's counters wait for
 * agent__release_turn, at the end of the turn (same transaction): they
 * change with nearly every message, and writing them once a turn saves
 * packing and holding that record for each message of a batch. */
void agent__drain_turn(agent_t *a)
{
    vs_model_flush_objects(a->model, agent__persist, a);
    vs_model_drain_hold(a->model, agent__emit, a, agent_ev__cause(a));
}

void agent__release_turn(agent_t *a)
{
    vs_model_flush(a->model, agent__persist, a);
    vs_model_drain(a->model, agent__emit, a);
}

/* The simulated time goes to disk with every turn that wrote anything
 * (so that it is never behind a timestamp on disk) and with every jump of
 * the clock; a turn that only read (a Describe*, a tick with nothing due)
 * writes nothing, and its commit costs no WAL write. Called last before
 * the commit, after the event log's row. The rows the store holds for
 * the commit (object updates, outbox rows) are writes too. */
static void s_save_time(agent_t *a)
{
    int64_t changes = sqlite3_total_changes64(store_db(a->st));
    if (changes == a->changes_saved && store_held_rows(a->st) == 0 && !a->clock_jumped)
        return;
    char now[32];
    snprintf(now, sizeof now, "%" PRIu64, simclock_now(&a->sclock));
    store_meta_set(a->st, "sim_time_ms", now);
}

void agent__store_failed(agent_t *a)
{
    /* A full disk is not the end: the agent goes read-only and comes back
     * by itself (agent_full.c). Any other failure of the store means we can
     * promise nothing: stop, and let the restart recover from the last
     * committed state. */
    if (store_full(a->st)) {
        agent__ro_enter(a);
        return;
    }
    VS_ERROR("cannot commit to the store; stopping");
    a->exit_code = 1;
    uv_stop(&a->loop);
}

/* Ends a turn: one transaction for all changes, then the sends. */
void agent__commit_turn(agent_t *a)
{
    if (!a->turn_dirty && a->sendq_len == 0)
        return;
    if (a->read_only) {
        agent__ro_finish_turn(a);
        return;
    }
    if (store_begin(a->st) != 0) {
        agent__store_failed(a);
        return;
    }
    agent__finish_turn(a);
}

void agent__finish_turn(agent_t *a)
{
    if (a->read_only) {
        agent__ro_finish_turn(a);
        return;
    }
    /* One instant for what the turn writes last, its time row and its
     * sends (their envelopes carry it). */
    simclock_hold(&a->sclock);
    if (a->turn_dirty)
        agent__release_turn(a);
    agent_ev__end_turn(a);   /* prunes the log inside this transaction */
    s_save_time(a);
    if (store_commit(a->st) != 0) {
        simclock_release(&a->sclock);
        agent__store_failed(a);
        return;
    }
    /* Rows the store writes at commit (store.h) count too. */
    a->changes_saved = sqlite3_total_changes64(store_db(a->st));
    a->clock_jumped = false;
    a->turn_dirty = false;
    agent__flush_sendq(a);
    simclock_release(&a->sclock);
    agent__arm_model_timer(a);
}

/* ---- the model's timer ------------------------------------------------- */

static void s_model_timer_cb(uv_timer_t *t)
{
    agent_t *a = t->data;
    a->ev_cause = 0;   /* a turn of its own: a fresh causality id */
    if (a->read_only)
        return;     /* transitions wait for the disk; the reload re-arms */
    simclock_hold(&a->sclock);     /* the tick's changes share one instant */
    vs_model_tick(a->model);
    a->turn_dirty = true;
    simclock_release(&a->sclock);
    agent__commit_turn(a);
}

void agent__arm_model_timer(agent_t *a)
{
    uint64_t due = vs_model_next_deadline(a->model);
    if (due == UINT64_MAX) {
        uv_timer_stop(&a->model_timer);
        return;
    }
    uv_timer_start(&a->model_timer, s_model_timer_cb, simclock_real_delay(&a->sclock, due), 0);
}

/* ---- counters ------------------------------------------------------------ */

void agent__turn_stats(agent_t *a, int n, uint64_t handle_us, uint64_t commit_us)
{
    if (n <= 0)
        return;
    agent_stats_t *s = &a->stats;
    vs_lathist_add(&s->turn_handle_us, handle_us);
    vs_lathist_add(&s->turn_commit_us, commit_us);
    if (!s->turns || n < s->turn_min)
        s->turn_min = n;
    if (n > s->turn_max)
        s->turn_max = n;
    s->turns++;
    s->turn_msgs += (uint64_t)n;
}

void agent__log_stats(const agent_t *a)
{
    const agent_stats_t *s = &a->stats;
    double dup = s->peer_rx ? 100.0 * (double)s->peer_dup / (double)s->peer_rx : 0;
    double avg = s->turns ? (double)s->turn_msgs / (double)s->turns : 0;
    VS_INFO("stats: peer messages received %" PRIu64 ", duplicates %" PRIu64 " (%.2f%%), "
            "resends %" PRIu64 ", acks not from the addressee %" PRIu64 ", refused %" PRIu64
            "; messages per turn min %d avg %.1f max %d over %" PRIu64 " turns (batch %d)",
            s->peer_rx, s->peer_dup, dup, s->resends, s->acks_foreign, a->refused,
            s->turn_min, avg, s->turn_max, s->turns, AGENT_BATCH);
    const vs_lathist_t *h = &s->turn_handle_us, *c = &s->turn_commit_us;
    VS_INFO("stats: turn time in us, handling its messages p50 %" PRIu64 " p90 %" PRIu64
            " p99 %" PRIu64 " max %" PRIu64 ", its commit and sends p50 %" PRIu64 " p90 %" PRIu64
            " p99 %" PRIu64 " max %" PRIu64,
            vs_lathist_quantile(h, 0.5), vs_lathist_quantile(h, 0.9), vs_lathist_quantile(h, 0.99),
            vs_lathist_quantile(h, 1.0), vs_lathist_quantile(c, 0.5), vs_lathist_quantile(c, 0.9),
            vs_lathist_quantile(c, 0.99), vs_lathist_quantile(c, 1.0));
}
