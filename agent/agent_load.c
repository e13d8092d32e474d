/* agent_load: the agent's state from its store at start-up and after a
 * full disk - the data dir's identity, the store, the model rebuilt from
 * its documents (damage named, never skipped: --salvage moves it aside),
 * the outbox. Below the read-only mode (agent_full.c), which reloads, and
 * the loop (agent.c), which starts.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "agent_priv.h"
#include "log.h"
#include "service.h"
#include "store_ident.h"

/* Damaged records found while loading: never skipped silently. */
typedef struct {
    agent_t *a;
    size_t n, cap;
    struct s_bad {
        char id[128];
        const char *why;
    } *bad;
} s_load_t;

static void s_load_object(void *ctx, const char *id, const uint8_t *doc, size_t len,
                          bool intact)
{
    s_load_t *l = ctx;
    const char *why = !intact ? "its checksum does not match (changed outside vpcsim)"
                      : vs_model_load(l->a->model, id, doc, len) != 0 ? "it is not a readable object"
                                                                  : NULL;
    if (!why)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct s_bad *v = realloc(l->bad, cap * sizeof *v);
        if (!v)
            return;     /* counted below as unnamed */
        l->bad = v;
        l->cap = cap;
    }
    snprintf(l->bad[l->n].id, sizeof l->bad[l->n].id, "%s", id);
    l->bad[l->n].why = why;
    l->n++;
}

/* Damage stops the agent, naming every record, unless --salvage: then the
 * records go to the `damaged` table (kept, listed in the log) and the
 * agent starts without them. 0 to go on, 2 to stop. */
static int s_handle_damage(agent_t *a, s_load_t *l)
{
    if (l->n == 0)
        return 0;
    if (!a->cfg->salvage) {
        for (size_t i = 0; i < l->n; i++)
            fprintf(stderr, "vpcsim-agent: %s/agent.db is damaged: object %s: %s\n",
                    a->cfg->data_dir, l->bad[i].id, l->bad[i].why);
        fprintf(stderr, "vpcsim-agent: refusing to start with %zu damaged object%s; "
                "--salvage moves them aside (table `damaged` of agent.db) and starts without "
                "them\n", l->n, l->n == 1 ? "" : "s");
        return 2;
    }
    store_begin(a->st);
    for (size_t i = 0; i < l->n; i++) {
        store_set_aside(a->st, l->bad[i].id, l->bad[i].why, simclock_now(&a->sclock));
        VS_WARN("--salvage: object %s moved aside into table `damaged` of agent.db: %s",
                l->bad[i].id, l->bad[i].why);
    }
    if (store_commit(a->st) != 0) {
        fprintf(stderr, "vpcsim-agent: cannot move the damaged objects aside\n");
        return 2;
    }
    VS_WARN("--salvage: %zu damaged object%s set aside; starting without them", l->n,
            l->n == 1 ? "" : "s");
    return 0;
}

static void s_load_outmsg(void *ctx, const store_outmsg_t *m)
{
    agent_t *a = ctx;
    vs_outbox_add(a->outq, m, 0);
}

/* Binds this data dir to one (account, Region) forever. */
static int s_check_identity(agent_t *a)
{
    char acct[32] = "", region[64] = "";
    int ra = store_meta_get(a->st, "account", acct, sizeof acct);
    int rr = store_meta_get(a->st, "region", region, sizeof region);
    if (ra == 1 && rr == 1) {
        store_begin(a->st);
        store_meta_set(a->st, "account", a->cfg->account);
        store_meta_set(a->st, "region", a->cfg->region);
        return store_commit(a->st);
    }
    if (ra != 0 || rr != 0)
        return -1;
    if (strcmp(acct, a->cfg->account) != 0 || strcmp(region, a->cfg->region) != 0) {
        fprintf(stderr, "vpcsim-agent: data dir %s belongs to account %s in %s, not %s in %s\n",
                a->cfg->data_dir, acct, region, a->cfg->account, a->cfg->region);
        return -2;
    }
    return 0;
}

/* The data dir's identity and its store belong together: a store that
 * went missing or empty, or was swapped, is refused, never replaced by
 * an empty one (store_ident.h). */
int agent__open_store(agent_t *a)
{
    char err[1024];
    store_ident_t id;
    bool have = false;
    if (store_ident_check(a->cfg->data_dir, a->cfg->account, a->cfg->region, &id, &have, err,
                          sizeof err) != 0) {
        fprintf(stderr, "vpcsim-agent: %s\n", err);
        return 2;
    }
    a->st = store_open(a->cfg->data_dir, err, sizeof err);
    if (!a->st) {
        fprintf(stderr, "vpcsim-agent: %s\n", err);
        return 2;
    }
    if (a->cfg->full_sync && store_set_full_sync(a->st) != 0)
        return 1;
    int idr = s_check_identity(a);
    if (idr != 0)
        return idr == -2 ? 2 : 1;
    char sid[64] = "";
    int r = store_meta_get(a->st, "store_id", sid, sizeof sid);
    if (r < 0)
        return 1;
    if (have && (r == 1 || strcmp(sid, id.store_id) != 0)) {
        fprintf(stderr, "vpcsim-agent: %s/agent.db is %s%s, but the data dir's identity names "
                "store %s; refusing to start with a store that is not its own\n",
                a->cfg->data_dir, r == 1 ? "a store without an id" : "store ",
                r == 1 ? "" : sid, id.store_id);
        return 2;
    }
    if (r == 1) {
        store_ident_new_id(sid);
        store_begin(a->st);
        store_meta_set(a->st, "store_id", sid);
        if (store_commit(a->st) != 0)
            return 1;
    }
    if (!have) {
        snprintf(id.account, sizeof id.account, "%s", a->cfg->account);
        snprintf(id.region, sizeof id.region, "%s", a->cfg->region);
        snprintf(id.store_id, sizeof id.store_id, "%.*s", (int)sizeof id.store_id - 1, sid);
        if (store_ident_write(a->cfg->data_dir, &id, err, sizeof err) != 0) {
            fprintf(stderr, "vpcsim-agent: %s\n", err);
            return 2;
        }
    }
    if (agent_ev__open(a, err, sizeof err) != 0) {
        VS_ERROR("%s", err);
        return 1;
    }
    return 0;
}

int agent__load_state(agent_t *a)
{
    vs_model_destroy(&a->model);
    vs_outbox_destroy(&a->outq);
    vs_model_config_t mc = {
        .account = a->cfg->account, .region = a->cfg->region, .clock = &a->clock,
        .rng = &a->rng, .modules = vs_service_modules(),
        .max_active_pcx_per_vpc = a->cfg->max_active_pcx_per_vpc,
        .max_outstanding_pcx = a->cfg->max_outstanding_pcx,
        .modern_rules = a->cfg->modern_rules, .cascade_vpc_delete = a->cfg->cascade_vpc_delete,
    };
    a->model = vs_model_new(&mc);
    if (!a->model) {
        VS_ERROR("cannot create the model");
        return 1;
    }
    s_load_t load = { .a = a };
    if (store_each_object(a->st, s_load_object, &load) != 0) {
        free(load.bad);
        return 1;
    }
    int drc = s_handle_damage(a, &load);
    free(load.bad);
    if (drc != 0)
        return drc;
    a->outq = vs_outbox_new(200, 8000);
    if (!a->outq || store_outbox_each(a->st, s_load_outmsg, a) != 0)
        return 1;
    VS_INFO("loaded %zu VPCs and %zu unacknowledged messages from %s",
            vs_model_vpc_count(a->model), vs_outbox_len(a->outq), a->cfg->data_dir);
    /* Changes made while loading (none expected) are already on disk. */
    if (!a->read_only)
        vs_model_flush(a->model, agent__persist, a);
    return 0;
}
