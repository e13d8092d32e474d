/* scenario: the `vpcsim scenario` command (see scenario.h). */
#include "scenario.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "scn_compose.h"
#include "scn_parse.h"
#include "scn_run.h"

static int s_usage(const char *fmt, const char *arg)
{
    char msg[600];
    snprintf(msg, sizeof msg, fmt, arg);
    char *m = cli_usage_error("%s", msg);
    fputs(m, stderr);
    free(m);
    return CLI_EXIT_USAGE;
}

static void s_help(void)
{
    printf("NAME\n       scenario -\n\nDESCRIPTION\n"
           "       Multi-account scenarios written down as YAML files: agents (accounts and\n"
           "       Regions), then steps (ec2 calls, advance-clock, faults, partitions, kills,\n"
           "       restarts, races) with expectations. See scenarios/ and the README.\n\n"
           "SYNOPSIS\n"
           "       vpcsim scenario run FILE [--compose] [--keep] [--no-keys] [--faults drop=P,\n"
           "                        duplicate=P,delay=MIN-MAX,reorder=P] [--seed N] [--output json]\n"
           "       vpcsim scenario compose FILE [--no-keys]\n\n"
           "       run exits 0 when every expectation holds, 1 when one does not, 252 for a\n"
           "       bad file, 255 when the cluster does not start.\n\n"
           "       By default the cluster authenticates: run makes a keyring (vpcsim keys init)\n"
           "       in its folder, starts the broker and agents with --keys and makes every\n"
           "       call with a key; compose writes a file that mounts each container's key\n"
           "       files from ${VPCSIM_KEYS_DIR:-./keys} and says how to make them.\n"
           "       --no-keys runs (or writes) an open cluster instead: anyone who reaches\n"
           "       the broker can act as any account.\n");
}

static bool s_prob(const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v) || v < 0 || v > 1)
        return false;
    *out = v;
    return true;
}

/* "drop=0.2,duplicate=0.1,delay=1-30,reorder=0.1" -> set-faults arguments. */
static int s_faults(const char *spec, vs_json_t *args)
{
    char buf[256];
    if (strlen(spec) >= sizeof buf)
        return s_usage("argument --faults: too long: %s", spec);
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *save = NULL, *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq)
            return s_usage("argument --faults: expected KEY=VALUE, got '%s'", kv);
        *eq = '\0';
        const char *val = eq + 1;
        double p;
        if (!strcmp(kv, "drop") || !strcmp(kv, "duplicate") || !strcmp(kv, "reorder")) {
            if (!s_prob(val, &p))
                return s_usage("argument --faults: a probability from 0 to 1 is expected, got '%s'", val);
            vs_json_set(args, kv, vs_json_num(p));
        } else if (!strcmp(kv, "delay")) {
            long long lo, hi;
            char tail;
            int got = sscanf(val, "%lld-%lld%c", &lo, &hi, &tail);
            if (got == 1)
                hi = lo;
            if ((got != 1 && got != 2) || lo < 0 || hi < lo || hi > 60000)
                return s_usage("argument --faults: delay=MIN-MAX in ms (0..60000) is expected, got '%s'", val);
            vs_json_t *d = vs_json_set(args, "delay_ms", vs_json_array());
            vs_json_push(d, vs_json_int(lo));
            vs_json_push(d, vs_json_int(hi));
        } else {
            return s_usage("argument --faults: unknown fault '%s' (drop, duplicate, delay, reorder)", kv);
        }
    }
    return 0;
}

static int s_run(const cli_globals_t *g, int argc, char **argv)
{
    const char *file = NULL;
    scn_run_opts_t o = { .json = g->output_given && g->output == CLI_OUT_JSON };
    if (g->output_given && g->output != CLI_OUT_JSON)
        return s_usage("argument --output: scenario run prints steps, or a report with --output json%s", "");
    vs_json_t *faults = NULL;
    long long seed = -1;
    int rc = 0;
    for (int i = 0; i < argc && !rc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--compose")) {
            o.compose = true;
        } else if (!strcmp(a, "--keep")) {
            o.keep = true;
        } else if (!strcmp(a, "--no-keys")) {
            o.no_keys = true;
        } else if (!strcmp(a, "--faults") || !strcmp(a, "--seed")) {
            if (i + 1 >= argc) {
                rc = s_usage("argument %s: expected one argument", a);
                break;
            }
            const char *v = argv[++i];
            if (!strcmp(a, "--seed")) {
                char *end = NULL;
                errno = 0;
                seed = strtoll(v, &end, 10);
                if (!*v || *end || errno || seed < 0)
                    rc = s_usage("argument --seed: a whole number, 0 or more, is expected, got '%s'", v);
            } else {
                if (!faults)
                    faults = vs_json_object();
                rc = s_faults(v, faults);
            }
        } else if (a[0] == '-' && a[1]) {
            rc = s_usage("unknown option %s (see `vpcsim scenario help`)", a);
        } else if (file) {
            rc = s_usage("one scenario file at a time; also got '%s'", a);
        } else {
            file = a;
        }
    }
    if (!rc && !file)
        rc = s_usage("the following arguments are required: FILE%s", "");
    if (!rc && seed >= 0 && !faults)
        rc = s_usage("argument --seed: it seeds the --faults; give --faults too%s", "");
    if (rc) {
        vs_json_free(&faults);
        return rc;
    }
    if (faults)
        vs_json_set_int(faults, "seed", seed >= 0 ? seed : 1);
    char *err = NULL;
    scn_scenario_t *s = scn_parse_file(file, &err);
    if (!s) {
        fprintf(stderr, "vpcsim scenario: %s\n", err);
        free(err);
        vs_json_free(&faults);
        return CLI_EXIT_USAGE;
    }
    o.faults = faults;
    rc = scn_run(s, &o);
    scn_scenario_free(&s);
    vs_json_free(&faults);
    return rc;
}

static int s_compose(int argc, char **argv)
{
    const char *file = NULL;
    bool keys = true;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--no-keys"))
            keys = false;
        else if (argv[i][0] == '-' || file)
            return s_usage("usage: vpcsim scenario compose FILE [--no-keys]%s", "");
        else
            file = argv[i];
    }
    if (!file)
        return s_usage("usage: vpcsim scenario compose FILE [--no-keys]%s", "");
    char *err = NULL;
    scn_scenario_t *s = scn_parse_file(file, &err);
    if (!s) {
        fprintf(stderr, "vpcsim scenario: %s\n", err);
        free(err);
        return CLI_EXIT_USAGE;
    }
    char *yaml = scn_compose_yaml(s, keys);
    scn_scenario_free(&s);
    if (!yaml)
        return CLI_EXIT_FAILED;
    fputs(yaml, stdout);
    free(yaml);
    return CLI_EXIT_OK;
}

int scenario_main(const cli_globals_t *g, int argc, char **argv)
{
    if (argc < 1)
        return s_usage("the following arguments are required: run|compose%s", "");
    if (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help")) {
        s_help();
        return CLI_EXIT_OK;
    }
    if (!strcmp(argv[0], "run"))
        return s_run(g, argc - 1, argv + 1);
    if (!strcmp(argv[0], "compose"))
        return s_compose(argc - 1, argv + 1);
    return s_usage("argument operation: Invalid choice '%s', valid choices are: run | compose | help", argv[0]);
}
