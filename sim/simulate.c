/* simulate: `vpcsim simulate` (see simulate.h). Option parsing, the loop
 * over schedules, progress on stderr and the JSON report on stdout. */
#include "simulate.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "simrun.h"

/* The vpcsim CLI's exit statuses (cli/globals.h), which this command keeps. */
enum { SIM_EXIT_OK = 0, SIM_EXIT_USAGE = 252, SIM_EXIT_FAILED = 255 };

#define S_MAX_SCHEDULES 100000000ull
#define S_MAX_OPERATIONS 1000ull
#define S_MAX_DELAY_MS 60000ull
/* Above this, resends dominate and a schedule takes very long to settle. */
#define S_MAX_DROP 0.9

typedef struct {
    uint64_t seed, schedules;
    bool replay;
    uint64_t replay_seed, replay_schedule;
    vs_simrun_opts_t o;
} s_args_t;

#define S_USAGE                                                                    \
    "usage: vpcsim simulate --seed N --schedules M [--operations K]\n"             \
    "                       [--faults drop=P,duplicate=P,delay=MIN-MAX] [--crash P]\n" \
    "                       [--replay SEED:SCHEDULE] [--planted-bug stale-replica]\n"

static int s_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int s_usage(const char *fmt, ...)
{
    fputs(S_USAGE "vpcsim simulate: error: ", stderr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return SIM_EXIT_USAGE;
}

/* A decimal integer in [0, max], the whole string. */
static bool s_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

static bool s_prob(const char *s, double max, double *out)
{
    if (!s || !*s)
        return false;
    char *end;
    double v = strtod(s, &end);
    if (*end || !isfinite(v) || v < 0 || v > max)
        return false;
    *out = v;
    return true;
}

/* drop=P,duplicate=P,delay=MIN-MAX (any of them, in any order; the others
 * are 0), or none. */
static bool s_faults(const char *spec, vs_simnet_faults_t *f)
{
    memset(f, 0, sizeof *f);
    if (!strcmp(spec, "none"))
        return true;
    char buf[256];
    if (snprintf(buf, sizeof buf, "%s", spec) >= (int)sizeof buf)
        return false;
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *v = strchr(t, '=');
        if (!v)
            return false;
        *v++ = '\0';
        if (!strcmp(t, "drop")) {
            if (!s_prob(v, S_MAX_DROP, &f->drop))
                return false;
        } else if (!strcmp(t, "duplicate")) {
            if (!s_prob(v, 1.0, &f->duplicate))
                return false;
        } else if (!strcmp(t, "delay")) {
            char *dash = strchr(v, '-');
            if (dash)
                *dash = '\0';
            if (!s_u64(v, S_MAX_DELAY_MS, &f->delay_min_ms) ||
                !s_u64(dash ? dash + 1 : v, S_MAX_DELAY_MS, &f->delay_max_ms) ||
                f->delay_max_ms < f->delay_min_ms)
                return false;
        } else {
            return false;
        }
    }
    return true;
}

static int s_parse(int argc, char **argv, s_args_t *a)
{
    memset(a, 0, sizeof *a);
    vs_simrun_defaults(&a->o);
    a->seed = 1;
    a->schedules = 100;
    for (int i = 1; i < argc; i++) {
        const char *name = argv[i];
        if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h"))
            return 1;
        if (strncmp(name, "--", 2) != 0)
            return s_usage("unexpected argument: %s", name);
        /* --name value or --name=value */
        char opt[32];
        const char *val = strchr(name, '=');
        snprintf(opt, sizeof opt, "%.*s", val ? (int)(val - name) : (int)strlen(name), name);
        if (val)
            val++;
        else if (i + 1 < argc)
            val = argv[++i];
        else
            return s_usage("argument %s: expected one argument", opt);
        uint64_t n;
        if (!strcmp(opt, "--seed")) {
            if (!s_u64(val, INT64_MAX, &a->seed))
                return s_usage("argument --seed: invalid value: '%s'", val);
        } else if (!strcmp(opt, "--schedules")) {
            if (!s_u64(val, S_MAX_SCHEDULES, &a->schedules) || !a->schedules)
                return s_usage("argument --schedules: expected 1 to %llu: '%s'",
                               S_MAX_SCHEDULES, val);
        } else if (!strcmp(opt, "--operations")) {
            if (!s_u64(val, S_MAX_OPERATIONS, &n) || !n)
                return s_usage("argument --operations: expected 1 to %llu: '%s'",
                               S_MAX_OPERATIONS, val);
            a->o.operations = (int)n;
        } else if (!strcmp(opt, "--faults")) {
            if (!s_faults(val, &a->o.faults))
                return s_usage("argument --faults: expected drop=P,duplicate=P,delay=MIN-MAX "
                               "(drop <= %g, delay in ms <= %llu) or none: '%s'",
                               S_MAX_DROP, S_MAX_DELAY_MS, val);
        } else if (!strcmp(opt, "--crash")) {
            if (!s_prob(val, 1.0, &a->o.crash))
                return s_usage("argument --crash: expected a probability: '%s'", val);
        } else if (!strcmp(opt, "--replay")) {
            const char *colon = strchr(val, ':');
            char seed[32];
            if (!colon || colon - val >= (long)sizeof seed)
                return s_usage("argument --replay: expected SEED:SCHEDULE: '%s'", val);
            snprintf(seed, sizeof seed, "%.*s", (int)(colon - val), val);
            if (!s_u64(seed, INT64_MAX, &a->replay_seed) ||
                !s_u64(colon + 1, S_MAX_SCHEDULES, &a->replay_schedule))
                return s_usage("argument --replay: expected SEED:SCHEDULE: '%s'", val);
            a->replay = true;
        } else if (!strcmp(opt, "--planted-bug")) {
            if (strcmp(val, "stale-replica") != 0)
                return s_usage("argument --planted-bug: invalid choice: '%s' "
                               "(choose from 'stale-replica')", val);
            a->o.planted_bug = true;
        } else {
            return s_usage("unknown option: %s", opt);
        }
    }
    if (a->replay)
        a->seed = a->replay_seed;   /* whatever --seed said */
    return 0;
}

/* The options after --replay that reproduce a schedule. */
static void s_replay_hint(const s_args_t *a, uint64_t schedule, char *buf, size_t len)
{
    const vs_simnet_faults_t *f = &a->o.faults;
    snprintf(buf, len,
             "vpcsim simulate --replay %" PRIu64 ":%" PRIu64 " --operations %d "
             "--faults drop=%g,duplicate=%g,delay=%" PRIu64 "-%" PRIu64 " --crash %g%s",
             a->seed, schedule, a->o.operations, f->drop, f->duplicate, f->delay_min_ms,
             f->delay_max_ms, a->o.crash, a->o.planted_bug ? " --planted-bug stale-replica" : "");
}

static void s_trace_line(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "%s\n", line);
}

/* The first line of a report (the first failed check). */
static void s_first_line(const char *report, char *buf, size_t len)
{
    const char *nl = report ? strchr(report, '\n') : NULL;
    size_t n = report ? (nl ? (size_t)(nl - report) : strlen(report)) : 0;
    snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), report ? report : "");
}

static void s_progress(uint64_t done, uint64_t total, uint64_t failed, bool tty)
{
    if (tty) {
        if (done == total || done % 16 == 0)
            fprintf(stderr, "\rsimulate: %" PRIu64 "/%" PRIu64 " schedules, %" PRIu64 " failed%s",
                    done, total, failed, done == total ? "\n" : "");
    } else if (done == total || (total >= 10 && done % (total / 10) == 0)) {
        fprintf(stderr, "simulate: %" PRIu64 "/%" PRIu64 " schedules, %" PRIu64 " failed\n", done,
                total, failed);
    }
}

int sim_simulate_main(int argc, char **argv)
{
    s_args_t a;
    int rc = s_parse(argc, argv, &a);
    if (rc == 1) {
        fputs(S_USAGE, stdout);
        return SIM_EXIT_OK;
    }
    if (rc)
        return rc;
    if (a.replay)
        a.o.trace = s_trace_line;
    uint64_t first = a.replay ? a.replay_schedule : 0, count = a.replay ? 1 : a.schedules;
    uint64_t ops = 0, acked = 0, unknown = 0, lost = 0, diverged = 0, inv = 0, lin = 0;
    uint64_t failed = 0, too_complex = 0;
    vs_json_t *fails = vs_json_array();
    bool tty = !a.replay && isatty(STDERR_FILENO);
    for (uint64_t i = 0; i < count; i++) {
        uint64_t sched = first + i;
        vs_simrun_result_t r;
        if (vs_simrun_run(a.seed, sched, &a.o, &r) != 0) {
            vs_json_free(&fails);
            fprintf(stderr, "vpcsim simulate: schedule %" PRIu64 ":%" PRIu64 " could not run\n",
                    a.seed, sched);
            vs_simrun_result_free(&r);
            return SIM_EXIT_FAILED;
        }
        ops += r.operations;
        acked += r.acknowledged;
        unknown += r.unknown;
        lost += r.lost_acknowledged;
        diverged += r.diverged_views;
        inv += r.invariant_violations;
        lin += r.linearizability_violations;
        too_complex += r.too_complex;
        if (!r.passed) {
            char name[48], line[400], hint[256];
            snprintf(name, sizeof name, "%" PRIu64 ":%" PRIu64, a.seed, sched);
            vs_json_push(fails, vs_json_str(name));
            failed++;
            s_first_line(r.report, line, sizeof line);
            s_replay_hint(&a, sched, hint, sizeof hint);
            fprintf(stderr, "%sFAILED %s: pcx %s: %s\n  replay: %s\n", tty ? "\r" : "", name,
                    r.failing_pcx[0] ? r.failing_pcx : "-", line, hint);
            if (a.replay && r.report)
                fprintf(stderr, "--- report ---\n%s", r.report);
        }
        vs_simrun_result_free(&r);
        if (!a.replay)
            s_progress(i + 1, count, failed, tty);
    }
    if (too_complex)
        fprintf(stderr, "simulate: the checker gave up on %" PRIu64 " pcx histories "
                "(too complex); they were not counted as failures\n", too_complex);
    vs_json_t *doc = vs_json_object();
    vs_json_set_int(doc, "Seed", (int64_t)a.seed);
    vs_json_set_int(doc, "Schedules", (int64_t)count);
    vs_json_set_int(doc, "Operations", (int64_t)ops);
    vs_json_set_int(doc, "Acknowledged", (int64_t)acked);
    vs_json_set_int(doc, "Unknown", (int64_t)unknown);
    vs_json_set_int(doc, "LostAcknowledged", (int64_t)lost);
    vs_json_set_int(doc, "DivergedViews", (int64_t)diverged);
    vs_json_set_int(doc, "InvariantViolations", (int64_t)inv);
    vs_json_set_int(doc, "LinearizabilityViolations", (int64_t)lin);
    vs_json_set(doc, "FailedSchedules", fails);
    vs_json_set_bool(doc, "Passed", failed == 0);
    char *text = vs_json_dump(doc, 4);
    if (text)
        printf("%s\n", text);
    free(text);
    vs_json_free(&doc);
    return failed == 0 ? SIM_EXIT_OK : 1;
}
