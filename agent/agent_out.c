/* agent_out: what the model's outputs become - persisted objects go into
 * the turn's transaction, replies and peer messages into the send queue
 * (sent after the commit), VPC changes to the broker. The bottom of the
 * turn: agent_turn.c drives it, agent_full.c uses it for the replies of a
 * read-only agent.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "agent_priv.h"
#include "log.h"

/* A peer message from the outbox onto the send queue (first send and
 * resends), with the acknowledgement floor and the causality id. */
void agent__send_peer(agent_t *a, const store_outmsg_t *m)
{
    Vpcsim__Wire__PeerMessage pm = VPCSIM__WIRE__PEER_MESSAGE__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    pm.payload.data = (uint8_t *)m->payload;
    pm.payload.len = m->payload_len;
    pm.sealed = m->sealed;
    /* Every id below the oldest unacknowledged message is done with: the
     * receiver may forget those in its dedup table. The message itself is
     * in the outbox, so the floor never passes it. */
    uint64_t floor = vs_outbox_min_id(a->outq), held = vs_model_queued_min_id(a->model);
    if (held < floor)   /* held ones go out after this one, maybe with lower ids */
        floor = held;
    pm.ack_floor = floor < m->msg_id ? floor : m->msg_id;
    pm.epoch = a->msg_epoch;
    to.vpc_arn = (char *)(m->to_vpc_arn ? m->to_vpc_arn : "");
    to.account = (char *)(m->to_account ? m->to_account : "");
    to.region = (char *)(m->to_region ? m->to_region : "");
    vs_env_t env;
    vpcsim__wire__envelope__init(&env);
    env.msg_id = m->msg_id;     /* the model's id: the receiver dedups on it */
    env.cause_id = agent_ev__msg_cause(a, m->msg_id);
    env.sim_time_ms = simclock_now(&a->sclock);
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_PEER;
    env.peer = &pm;
    agent__queue(a, &env);
}

void agent__persist(void *ctx, const char *id, const uint8_t *doc, size_t len,
                    const char *state)
{
    agent_t *a = ctx;
    /* The log's lookup of id's last state and the store's of its row each
     * miss the cache (both tables are large, ids random): started first,
     * the log's overlaps the store's. The two writes are independent. */
    agent_ev__persist_prefetch(a, id);
    if (doc)
        store_put_object(a->st, id, doc, len);
    else
        store_delete_object(a->st, id);
    agent_ev__persist(a, id, doc != NULL, state);
}

void agent__emit(void *ctx, const vs_out_t *o)
{
    agent_t *a = ctx;
    switch (o->kind) {
    case VS_OUT_REPLY: {
        pending_t *p = agent__pending_take(a, o->token);
        if (!p) {
            VS_WARN("reply for unknown call %" PRIu64, o->token);
            return;
        }
        agent_ev__api_reply(a, p->in_reply_to, o);
        if (o->ok)
            agent__reply(a, p->in_reply_to, p->route, p->route_len, true, o->output_json, NULL, NULL);
        else
            agent__reply(a, p->in_reply_to, p->route, p->route_len, false, NULL, o->err->code,
                    o->err->message);
        free(p);
        break;
    }
    case VS_OUT_PEER: {
        store_outmsg_t m = {
            .msg_id = o->msg_id, .to_vpc_arn = o->to_vpc_arn, .to_account = o->to_account,
            .to_region = o->to_region, .payload = o->payload, .payload_len = o->payload_len,
            .sealed = o->sealed,
        };
        /* Durable in this turn's transaction, sent right after it commits,
         * resent from the outbox until the receiver acknowledges it. */
        if (store_outbox_put(a->st, &m) == 0 && vs_outbox_add(a->outq, &m, simclock_mono_ms()) == 0) {
            /* Held past its input: filed under that input's cause (a
             * bundle's parts under theirs, which it carries). */
            agent_ev__peer_sent(a, &m, false, o->ntags == 1 ? o->tags[0] : 0);
            agent__send_peer(a, &m);
        }
        break;
    }
    case VS_OUT_VPC_ADDED:
    case VS_OUT_VPC_REMOVED: {
        Vpcsim__Wire__VpcUpdate u = VPCSIM__WIRE__VPC_UPDATE__INIT;
        char *arn = (char *)o->vpc_arn;
        if (o->kind == VS_OUT_VPC_ADDED) {
            u.n_added = 1;
            u.added = &arn;
        } else {
            u.n_removed = 1;
            u.removed = &arn;
        }
        vs_env_t env;
        agent__env_init(a, &env);
        env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_VPC_UPDATE;
        env.vpc_update = &u;
        agent__queue(a, &env);
        break;
    }
    }
}
