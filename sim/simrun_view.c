/* simrun_view: what the workload (simrun.c) and the checks (simrun_check.c)
 * read of a schedule's cluster: the agents' objects as they hold them now,
 * and the trace. Below both, so that neither calls into the other's
 * helpers: simrun.c drives and calls simrun_check.c, which only reads.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "simrun_priv.h"

void vs_simrun__trace(sim_t *s, const char *fmt, ...)
{
    if (!s->o->trace)
        return;
    char line[1024];
    int n = snprintf(line, sizeof line, "t=%" PRIu64 " ", vs_simnet_now(s->net));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    s->o->trace(s->o->trace_ctx, line);
}

vs_pcx_obj_t *vs_simrun__obj(sim_t *s, int agent, const char *id)
{
    vs_model_t *m = agent >= 0 ? vs_simnet_model(s->net, agent) : NULL;
    vs_obj_t *o = m ? vs_model__get(m, id) : NULL;
    return o && o->kind == &vs_kind_pcx ? (vs_pcx_obj_t *)o : NULL;
}

const vs_vpc_t *vs_simrun__vpc(sim_t *s, int agent, const char *vpc_id)
{
    vs_model_t *m = agent >= 0 ? vs_simnet_model(s->net, agent) : NULL;
    vs_obj_t *o = m ? vs_model__get(m, vpc_id) : NULL;
    return o && o->kind == &vs_kind_vpc ? (const vs_vpc_t *)o : NULL;
}

int vs_simrun__vpc_agent(const sim_t *s, const char *vpc_id)
{
    for (size_t i = 0; i < s->nvpc; i++)
        if (!strcmp(s->vpcs[i].id, vpc_id))
            return s->vpcs[i].agent;
    return -1;
}
