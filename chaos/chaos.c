/* chaos: `vpcsim chaos run` (see chaos.h): options, the phases of a run,
 * the report, and cleanup on every path. The top of chaos/: it calls the
 * driver (chaos_drive.c) and the checker (chaos_check.c), which share the
 * run's clocks through chaos_clock.c. */
#include "chaos.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "chaos_int.h"

#define S_EXIT_CHECK_FAILED 1
#define S_EXIT_INTERRUPTED 130

static volatile int s_interrupted;

static void s_on_signal(int sig)
{
    (void)sig;
    s_interrupted = 1;
}

/* --- options ----------------------------------------------------------------------- */

static int s_usage(const char *fmt, const char *arg)
{
    char msg[512];
    snprintf(msg, sizeof msg, fmt, arg);
    char *m = cli_usage_error("%s", msg);
    fputs(m, stderr);
    free(m);
    return CLI_EXIT_USAGE;
}

static bool s_num(const char *s, double lo, double hi, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v) || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool s_int(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* "drop=0.1,duplicate=0.1,delay=1-20,reorder=0.05" */
static int s_parse_faults(const char *spec, ch_opts_t *o)
{
    char buf[256];
    if (strlen(spec) >= sizeof buf)
        return s_usage("argument --faults: too long: %s", spec);
    snprintf(buf, sizeof buf, "%s", spec);
    o->faults = true;
    for (char *save = NULL, *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq)
            return s_usage("argument --faults: expected KEY=VALUE, got '%s'", kv);
        *eq = '\0';
        const char *val = eq + 1;
        double p;
        long a, b;
        if (!strcmp(kv, "drop") || !strcmp(kv, "duplicate") || !strcmp(kv, "reorder")) {
            if (!s_num(val, 0, 1, &p))
                return s_usage("argument --faults: a probability from 0 to 1 is expected, got '%s'", val);
            *(!strcmp(kv, "drop") ? &o->drop : !strcmp(kv, "duplicate") ? &o->duplicate : &o->reorder) = p;
        } else if (!strcmp(kv, "delay")) {
            const char *dash = strchr(val, '-');
            char lo[32];
            snprintf(lo, sizeof lo, "%.*s", dash ? (int)(dash - val) : (int)strlen(val), val);
            if (!s_int(lo, 0, 60000, &a) || !s_int(dash ? dash + 1 : lo, a, 60000, &b))
                return s_usage("argument --faults: delay=MIN-MAX in ms (0..60000) is expected, got '%s'", val);
            o->delay_min_ms = (int)a;
            o->delay_max_ms = (int)b;
        } else {
            return s_usage("argument --faults: unknown fault '%s' (drop, duplicate, delay, reorder)", kv);
        }
    }
    return 0;
}

static int s_parse(int argc, char **argv, ch_opts_t *o)
{
    *o = (ch_opts_t){ .accounts = 2, .regions = 2, .clients = 4, .call_timeout_s = 3.0,
                      .converge_timeout_s = 90.0, .operations = -1 };
    bool have_seed = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        char name[64];
        const char *eq = strchr(a, '=');
        snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
        bool flag = !strcmp(name, "--kill-agents") || !strcmp(name, "--kill-broker") ||
                    !strcmp(name, "--keep") || !strcmp(name, "--print-history");
        if (flag) {
            if (eq)
                return s_usage("argument %s: ignored explicit argument", name);
            if (!strcmp(name, "--kill-agents")) o->kill_agents = true;
            else if (!strcmp(name, "--kill-broker")) o->kill_broker = true;
            else if (!strcmp(name, "--print-history")) o->print_history = true;
            else o->keep = true;
            continue;
        }
        if (strncmp(a, "--", 2) != 0)
            return s_usage("unrecognized arguments: %s", a);
        if (eq)
            val = eq + 1;
        else if (i + 1 < argc)
            val = argv[++i];
        else
            return s_usage("argument %s: expected one argument", name);
        long n;
        double d;
        if (!strcmp(name, "--seed")) {
            char *end = NULL;
            errno = 0;
            unsigned long long s = strtoull(val, &end, 10);
            if (!*val || *end || errno || val[0] == '-')
                return s_usage("argument --seed: a whole number 0 or more is expected, got '%s'", val);
            o->seed = s;
            have_seed = true;
        } else if (!strcmp(name, "--operations")) {
            if (!s_int(val, 1, CH_MAX_OPERATIONS, &n))
                return s_usage("argument --operations: 1 to 100000 is expected, got '%s'", val);
            o->operations = (int)n;
        } else if (!strcmp(name, "--accounts")) {
            if (!s_int(val, 1, CH_MAX_ACCOUNTS, &n))
                return s_usage("argument --accounts: 1 to 9 is expected, got '%s'", val);
            o->accounts = (int)n;
        } else if (!strcmp(name, "--regions")) {
            if (!s_int(val, 1, CH_MAX_REGIONS, &n))
                return s_usage("argument --regions: 1 to 8 is expected, got '%s'", val);
            o->regions = (int)n;
        } else if (!strcmp(name, "--clients")) {
            if (!s_int(val, 1, CH_MAX_CLIENTS, &n))
                return s_usage("argument --clients: 1 to 64 is expected, got '%s'", val);
            o->clients = (int)n;
        } else if (!strcmp(name, "--faults")) {
            int rc = s_parse_faults(val, o);
            if (rc)
                return rc;
        } else if (!strcmp(name, "--call-timeout")) {
            if (!s_num(val, 0.1, 600, &d))
                return s_usage("argument --call-timeout: seconds from 0.1 to 600 are expected, got '%s'", val);
            o->call_timeout_s = d;
        } else if (!strcmp(name, "--convergence-timeout")) {
            if (!s_num(val, 1, 3600, &d))
                return s_usage("argument --convergence-timeout: seconds from 1 to 3600 are expected, "
                               "got '%s'", val);
            o->converge_timeout_s = d;
        } else {
            return s_usage("unrecognized arguments: %s", a);
        }
    }
    if (!have_seed)
        return s_usage("%s", "the following arguments are required: --seed");
    if (o->operations < 0)
        return s_usage("%s", "the following arguments are required: --operations");
    return 0;
}

static void s_help(void)
{
    printf("NAME\n       chaos -\n\nDESCRIPTION\n"
           "       Runs a seeded chaos test against a local cluster it starts itself: racing\n"
           "       peering operations from concurrent clients, network faults between agents,\n"
           "       kill -9 of agents and the broker; then heals, waits for convergence and\n"
           "       checks durability, agreement of views, invariants and linearizability.\n\n"
           "SYNOPSIS\n"
           "       vpcsim chaos run --seed N --operations N [--accounts K] [--regions R]\n"
           "                        [--clients C] [--kill-agents] [--kill-broker]\n"
           "                        [--faults drop=P,duplicate=P,delay=MIN-MAX,reorder=P]\n"
           "                        [--call-timeout S] [--convergence-timeout S] [--keep]\n"
           "                        [--print-history]\n\n"
           "       Defaults: 2 accounts, 2 Regions, 4 clients, 3 s per call, 90 s to converge.\n"
           "       Exit status 0 when the report says \"Passed\": true, 1 when a check failed.\n");
}

/* --- the report -------------------------------------------------------------------------- */

static vs_json_t *s_report(const ch_run_t *r, const ch_verdict_t *v, bool passed, const char *dir)
{
    const ch_opts_t *o = &r->opt;
    vs_json_t *d = vs_json_object();
    vs_json_set_int(d, "Seed", (int64_t)(o->seed & INT64_MAX));
    vs_json_set_int(d, "Operations", o->operations);
    vs_json_set_int(d, "Accounts", o->accounts);
    vs_json_set_int(d, "Regions", o->regions);
    vs_json_set_int(d, "Clients", o->clients);
    if (o->faults) {
        vs_json_t *f = vs_json_set(d, "Faults", vs_json_object());
        vs_json_set(f, "Drop", vs_json_num(o->drop));
        vs_json_set(f, "Duplicate", vs_json_num(o->duplicate));
        vs_json_t *dm = vs_json_set(f, "DelayMs", vs_json_array());
        vs_json_push(dm, vs_json_int(o->delay_min_ms));
        vs_json_push(dm, vs_json_int(o->delay_max_ms));
        vs_json_set(f, "Reorder", vs_json_num(o->reorder));
        vs_json_t *c = vs_json_set(f, "Counters", vs_json_object());
        vs_json_set_int(c, "Dropped", (int64_t)r->f_dropped);
        vs_json_set_int(c, "Duplicated", (int64_t)r->f_duplicated);
        vs_json_set_int(c, "Delayed", (int64_t)r->f_delayed);
        vs_json_set_int(c, "Reordered", (int64_t)r->f_reordered);
    } else {
        vs_json_set(d, "Faults", vs_json_null());
    }
    vs_json_set_int(d, "AgentKills", (int64_t)r->counts.agent_kills);
    vs_json_set_int(d, "BrokerKills", (int64_t)r->counts.broker_kills);
    vs_json_set_int(d, "Acknowledged", (int64_t)r->counts.ok);
    vs_json_set_int(d, "Failed", (int64_t)r->counts.fail);
    vs_json_set_int(d, "Unknown", (int64_t)r->counts.unknown);
    vs_json_set_int(d, "Skipped", (int64_t)r->counts.skipped);
    vs_json_set_int(d, "PeeringConnections", (int64_t)v->pcx_count);
    vs_json_set_int(d, "LostAcknowledged", (int64_t)v->lost_acknowledged);
    vs_json_set_int(d, "DivergedViews", (int64_t)v->diverged_views);
    vs_json_set_int(d, "InvariantViolations", (int64_t)v->invariant_violations);
    vs_json_set_int(d, "LinearizabilityViolations", (int64_t)v->linearizability_violations);
    vs_json_set_int(d, "LinearizabilityTooComplex", (int64_t)v->too_complex);
    vs_json_set_bool(d, "Converged", v->converged);
    vs_json_set(d, "ConvergenceSeconds", vs_json_num(round(v->convergence_seconds * 1000.0) / 1000.0));
    vs_json_set_bool(d, "Passed", passed);
    vs_json_set(d, "Problems", vs_json_clone(v->problems));
    if (dir)
        vs_json_set_str(d, "DataDir", dir);
    return d;
}

/* The histories of the pcxs a failing run names, for a human to read. */
static void s_print_histories(const ch_run_t *r, const ch_verdict_t *v)
{
    for (size_t i = 0; i < v->nbad && i < 20; i++) {
        char *text = vs_history_format(r->hist, v->bad_pcx[i]);
        fprintf(stderr, "vpcsim chaos: history of %s (seed %" PRIu64 "):\n%s", v->bad_pcx[i],
                r->opt.seed, text && *text ? text : "  (no operations recorded)\n");
        free(text);
    }
    for (size_t i = 0; i < vs_json_len(v->problems) && i < 50; i++) {
        const vs_json_t *p = vs_json_at(v->problems, i);
        const char *id = vs_json_get_str(p, "PcxId") ?: vs_json_get_str(p, "VpcId");
        fprintf(stderr, "vpcsim chaos: %s%s%s: %s\n", vs_json_get_str(p, "Kind"), id ? " " : "",
                id ? id : "", vs_json_get_str(p, "Detail"));
    }
}

/* --- the run ---------------------------------------------------------------------------- */

static int s_fail(const char *what, const char *why)
{
    fprintf(stderr, "\nvpcsim chaos run: %s: %s\n", what, why);
    return CLI_EXIT_FAILED;
}

static int s_run(ch_run_t *r, const char *dir)
{
    char err[1024];
    ch_plan_t *p = &r->plan;
    char accounts[CH_MAX_PARTIES][16], regions[CH_MAX_PARTIES][32];
    for (int i = 0; i < p->nparties; i++) {
        snprintf(accounts[i], sizeof accounts[i], "%s", p->parties[i].account);
        snprintf(regions[i], sizeof regions[i], "%s", p->parties[i].region);
    }
    /* Quotas large enough that the workload, not the quotas, decides. */
    static const char *const agent_opts[] = { "--max-outstanding-pcx", "1000000",
                                              "--max-active-pcx-per-vpc", "125" };
    r->cluster = ch_cluster_new(dir, accounts, regions, (size_t)p->nparties, agent_opts, 4, err, sizeof err);
    if (!r->cluster)
        return s_fail("cannot prepare the cluster", err);
    fprintf(stderr, "vpcsim chaos: seed %" PRIu64 ", %d operations, %d agents, broker %s, data in %s\n",
            r->opt.seed, r->opt.operations, p->nparties, ch_cluster_endpoint(r->cluster), dir);
    ch_cluster_start_broker(r->cluster);
    for (int i = 0; i < p->nparties; i++)
        ch_cluster_start_agent(r->cluster, (size_t)i);
    if (ch_cluster_wait_online(r->cluster, 30.0, err, sizeof err) != 0)
        return s_fail("the cluster did not start", err);
    r->client = ch_client_new(ch_cluster_endpoint(r->cluster), ch_cluster_config(r->cluster)->keys_dir,
                              (size_t)r->opt.clients, ch_on_call_done,
                              r, err, sizeof err);
    if (!r->client)
        return s_fail("cannot connect", err);
    vs_json_t *clock = NULL;
    char code[96] = "";
    if (ch_call_sync(r, NULL, NULL, NULL, "", "clock", 0, 5.0, &clock, code, sizeof code) != CH_CALL_OK)
        return s_fail("admin clock failed", code);
    ch_adopt_clock(r, clock);
    vs_json_free(&clock);
    if (ch_create_vpcs(r, err, sizeof err) != 0)
        return s_interrupted ? S_EXIT_INTERRUPTED : s_fail("cannot create the VPCs", err);
    if (r->opt.faults) {
        char *args = ch_faults_args(&r->opt);
        ch_call_outcome_t out = ch_call_sync(r, NULL, NULL, NULL, args, "set-faults", 0, 5.0, NULL, code,
                                             sizeof code);
        free(args);
        if (out != CH_CALL_OK)
            return s_fail("admin set-faults failed", code);
        r->faults_set = true;
    }
    ch_drive(r);
    if (s_interrupted)
        return S_EXIT_INTERRUPTED;
    fprintf(stderr, "vpcsim chaos: healing and waiting for convergence (at most %g s)\n",
            r->opt.converge_timeout_s);
    ch_verdict_t v;
    if (ch_check(r, &v, err, sizeof err) != 0) {
        ch_verdict_free(&v);
        return s_interrupted ? S_EXIT_INTERRUPTED : s_fail("cannot heal the cluster", err);
    }
    if (s_interrupted) {
        ch_verdict_free(&v);
        return S_EXIT_INTERRUPTED;
    }
    bool passed = v.converged && !v.lost_acknowledged && !v.diverged_views &&
                  !v.invariant_violations && !v.linearizability_violations;
    if (r->opt.print_history) {
        char *all = vs_history_format(r->hist, NULL);
        fprintf(stderr, "vpcsim chaos: the whole history:\n%s", all ? all : "");
        free(all);
    }
    if (!passed)
        s_print_histories(r, &v);
    vs_json_t *doc = s_report(r, &v, passed, r->opt.keep ? dir : NULL);
    char *text = vs_json_dump(doc, 4);
    if (text)
        printf("%s\n", text);
    fflush(stdout);
    free(text);
    vs_json_free(&doc);
    ch_verdict_free(&v);
    return passed ? CLI_EXIT_OK : S_EXIT_CHECK_FAILED;
}

int cli_chaos_main(const cli_globals_t *g, int argc, char **argv)
{
    (void)g;
    if (argc < 1)
        return s_usage("%s", "the following arguments are required: operation");
    if (!strcmp(argv[0], "help") || (argc >= 2 && !strcmp(argv[1], "help"))) {
        s_help();
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[0], "run") != 0)
        return s_usage("argument operation: Invalid choice, valid choices are:\n\nrun | help%s", "");
    ch_run_t *r = calloc(1, sizeof *r);
    if (!r)
        return CLI_EXIT_FAILED;
    int rc = s_parse(argc - 1, argv + 1, &r->opt);
    if (rc) {
        free(r);
        return rc;
    }
    r->t0 = ch_mono();
    r->tty = isatty(STDERR_FILENO);
    r->last_decile = -1;
    r->interrupted = &s_interrupted;
    if (ch_plan_make(&r->opt, &r->plan) != 0 || !(r->hist = vs_history_new()) ||
        !(r->recs = calloc((size_t)r->plan.nops + 1, sizeof *r->recs)) ||
        !(r->vpcs = calloc((size_t)r->plan.nvpcs, sizeof *r->vpcs)) ||
        !(r->agent_up_at = calloc((size_t)r->plan.nparties, sizeof *r->agent_up_at))) {
        rc = s_fail("cannot plan the run", "out of memory");
        goto out;
    }
    for (int i = 0; i < r->plan.nops; i++)
        r->recs[i].hop = -1;
    const char *tmp = getenv("TMPDIR");
    char dir[CLI_PATH_MAX];
    snprintf(dir, sizeof dir, "%s/vpcsim-chaos-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        rc = s_fail("cannot create a temporary directory", strerror(errno));
        goto out;
    }
    struct sigaction sa = { 0 }, old_int, old_term;
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    rc = s_run(r, dir);
    /* Every process this run started is stopped, on every path. */
    ch_client_destroy(&r->client);
    ch_cluster_destroy(&r->cluster);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (rc == S_EXIT_INTERRUPTED)
        fprintf(stderr, "\nvpcsim chaos run: interrupted; every process it started is stopped\n");
    if (r->opt.keep)
        fprintf(stderr, "vpcsim chaos: kept %s (restart it with `vpcsim cluster up --config %s/cluster.json`)\n",
                dir, dir);
    else
        ch_rmtree(dir);
out:
    vs_json_free(&r->sync_out);
    vs_history_destroy(&r->hist);
    ch_plan_free(&r->plan);
    free(r->recs);
    free(r->vpcs);
    free(r->agent_up_at);
    free(r);
    return rc;
}
