/* scn_model: freeing a scenario, and a call's display text (see scn_model.h). */
#include "scn_model.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

static void s_call_free(scn_call_t *c)
{
    for (size_t i = 0; i < c->nargs; i++)
        free(c->args[i]);
    free(c->args);
}

static void s_step_free(scn_step_t *st)
{
    s_call_free(&st->call);
    for (size_t i = 0; i < st->nrace; i++)
        s_call_free(&st->race[i]);
    vs_json_free(&st->admin_args);
    free(st->note);
    free(st->error);
    for (size_t i = 0; i < st->noutputs; i++) {
        free(st->outputs[i].path);
        vs_json_free(&st->outputs[i].want);
    }
    free(st->outputs);
    if (st->peering) {
        free(st->peering->id);
        for (size_t i = 0; i < st->peering->nstates; i++)
            free(st->peering->states[i]);
        for (size_t i = 0; i < SCN_MAX_AGENTS; i++)
            free(st->peering->per_agent[i]);
        free(st->peering);
    }
    if (st->reach) {
        free(st->reach->path);
        free(st->reach->explanation);
        free(st->reach);
    }
    for (size_t i = 0; i < st->nalts; i++) {
        for (size_t k = 0; k < st->alts[i].nresults; k++)
            free(st->alts[i].results[k]);
        free(st->alts[i].state);
    }
    free(st->alts);
}

void scn_scenario_free(scn_scenario_t **sp)
{
    if (!sp || !*sp)
        return;
    scn_scenario_t *s = *sp;
    for (size_t i = 0; i < s->nagents; i++) {
        for (size_t k = 0; k < s->agents[i].noptions; k++)
            free(s->agents[i].options[k]);
        free(s->agents[i].options);
    }
    for (size_t i = 0; i < s->nsteps; i++)
        s_step_free(&s->steps[i]);
    free(s->steps);
    free(s->path);
    free(s->title);
    free(s);
    *sp = NULL;
}

char *scn_call_text(const scn_call_t *c)
{
    vs_buf_t b = VS_BUF_INIT;
    vs_buf_puts(&b, "ec2");
    for (size_t i = 0; i < c->nargs; i++) {
        const char *a = c->args[i];
        bool quote = !*a || strpbrk(a, " \t'\"[]{}$,") != NULL;
        if (i == 0 || !quote || !strncmp(a, "--", 2))
            vs_buf_printf(&b, " %s", a);
        else
            vs_buf_printf(&b, " '%s'", a);
    }
    return vs_buf_take(&b);
}
