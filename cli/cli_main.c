/* vpcsim: the command line. Global options first (globals.h), then one
 * row of this table per command, each with its runner; the usage text is
 * printed from the same table (wireguard-tools' wg.c layout).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "buf.h"
#include "chaos.h"
#include "cluster.h"
#include "ec2.h"
#include "globals.h"
#include "scenario.h"
#include "keys_cmd.h"
#include "simulate.h"
#include "suggest.h"
#include "viz_cli.h"
#include "console_cli.h"

#define VPCSIM_VERSION "vpcsim/0.1.0"

/* `vpcsim simulate` (sim/): a row of the table; the simulation takes no
 * global options, its argv starts with the command name. */
static int s_simulate(const cli_globals_t *g, int argc, char **argv)
{
    (void)g;
    char **v = calloc((size_t)argc + 2, sizeof *v);
    if (!v)
        return CLI_EXIT_FAILED;
    static char name[] = "simulate";
    v[0] = name;
    for (int i = 0; i < argc; i++)
        v[i + 1] = argv[i];
    int rc = sim_simulate_main(argc + 1, v);
    free(v);
    return rc;
}

static const struct {
    const char *name;
    int (*run)(const cli_globals_t *g, int argc, char **argv);
    const char *summary;
} s_commands[] = {
    { "ec2", cli_ec2_main, "EC2 API calls in the AWS CLI's shape: VPCs, peering, network, reachability" },
    { "admin", cli_admin_main, "Broker operations: describe-agents, clock, advance-clock, faults" },
    { "cluster", cli_cluster_main, "Start or stop a local broker and agents: up|down --config FILE" },
    { "chaos", cli_chaos_main, "Seeded chaos test of a local cluster: run --seed N --operations N" },
    { "simulate", s_simulate, "Deterministic in-process simulation: --seed N --schedules M" },
    { "scenario", scenario_main, "Scenario files (YAML): run FILE [--compose] | compose FILE" },
    { "keys", NULL, "Write a cluster keyring: init DIR [--account ACCT:REGION ...] [--client ACCT ...]" },
    { "trace", cli_trace_main, "A peering connection's messages as a sequence diagram: PCX_ID [--format text|mermaid|svg] [--follow]" },
    { "console", cli_console_main, "Serve the live web console: [--listen 127.0.0.1:4566], page at /console/" },
    { "topology", cli_topology_main, "VPCs, peering connections and pcx routes as a picture: [--format dot|svg|json]" },
};

#define S_NCOMMANDS (sizeof s_commands / sizeof s_commands[0])

static const char *s_getenv(void *ctx, const char *name)
{
    (void)ctx;
    return getenv(name);
}

static void s_help(void)
{
    printf("NAME\n       vpcsim -\n\nDESCRIPTION\n"
           "       A distributed simulator of AWS VPC peering, driven like the AWS CLI.\n\n"
           "SYNOPSIS\n       vpcsim [options] <command> <subcommand> [parameters]\n\n"
           "OPTIONS\n"
           "       --broker EP         broker endpoint (VPCSIM_BROKER, default %s)\n"
           "       --account ACCT      account to act as (VPCSIM_ACCOUNT)\n"
           "       --region REGION     Region to act in (AWS_REGION, AWS_DEFAULT_REGION)\n"
           "       --output FORMAT     json | text | table (AWS_DEFAULT_OUTPUT, default json)\n"
           "       --timeout SECONDS   how long to wait for an answer (VPCSIM_TIMEOUT, default %g)\n"
           "       --no-paginate       one call only for describe-* commands\n"
           "       --keys DIR          authenticate with a key from the keyring DIR (VPCSIM_KEYS)\n"
           "       --debug             log requests and replies to stderr\n"
           "       --version           print the version\n\n"
           "AVAILABLE COMMANDS\n",
           CLI_DEFAULT_BROKER, CLI_DEFAULT_TIMEOUT);
    for (size_t i = 0; i < S_NCOMMANDS; i++)
        printf("       o %-10s %s\n", s_commands[i].name, s_commands[i].summary);
    printf("\n       o help\n");
}

int main(int argc, char **argv)
{
    /* `vpcsim ... | head` must end quietly, not die of SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    /* `keys` has its own --account (repeatable, ACCOUNT:REGION): it must
     * not go through the global options. */
    if (argc >= 2 && !strcmp(argv[1], "keys"))
        return cli_keys_main(argc - 2, argv + 2);
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest)
        return CLI_EXIT_FAILED;
    cli_globals_t g;
    char *err = NULL;
    int nrest = 0;
    int rc = cli_globals_parse(argc, argv, s_getenv, NULL, &g, rest, &nrest, &err);
    if (rc) {
        fputs(err, stderr);
        free(err);
        free(rest);
        return rc;
    }
    if (g.version) {
        printf("%s\n", VPCSIM_VERSION);
        free(rest);
        return CLI_EXIT_OK;
    }
    if (nrest == 0) {
        err = cli_usage_error("the following arguments are required: command");
        fputs(err, stderr);
        free(err);
        free(rest);
        return CLI_EXIT_USAGE;
    }
    if (!strcmp(rest[0], "help") || !strcmp(rest[0], "--help") || !strcmp(rest[0], "-h")) {
        s_help();
        free(rest);
        return CLI_EXIT_OK;
    }
    if (!strcmp(rest[0], "keys")) {
        err = cli_usage_error("keys takes no global options: vpcsim keys init DIR "
                              "[--account ACCOUNT:REGION ...] [--client ACCOUNT ...]");
        fputs(err, stderr);
        free(err);
        free(rest);
        return CLI_EXIT_USAGE;
    }
    for (size_t i = 0; i < S_NCOMMANDS; i++) {
        if (!strcmp(rest[0], s_commands[i].name) && s_commands[i].run) {
            rc = s_commands[i].run(&g, nrest - 1, rest + 1);
            free(rest);
            return rc;
        }
    }
    const char *names[S_NCOMMANDS + 1];
    for (size_t i = 0; i < S_NCOMMANDS; i++)
        names[i] = s_commands[i].name;
    names[S_NCOMMANDS] = "help";
    vs_buf_t b = VS_BUF_INIT;
    cli_suggest_invalid_choice(&b, "command", rest[0], names, S_NCOMMANDS + 1);
    err = cli_usage_error("%s", vs_buf_str(&b));
    vs_buf_release(&b);
    fputs(err, stderr);
    free(err);
    free(rest);
    return CLI_EXIT_USAGE;
}
