/* vpcsim-broker: relays messages between agents and clients.
 *
 *   vpcsim-broker --listen tcp://127.0.0.1:PORT [--data-dir DIR]
 *                 [--capture FILE] [--keys DIR] [--cpu LIST]
 *                 [--log-level debug|info|warn|error]
 *
 * Runs in the foreground, logs to stderr, exits 0 on SIGTERM/SIGINT and 2
 * with a one-line message on bad arguments, an unusable data dir or an
 * endpoint that cannot be bound.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "broker.h"
#include "cpu.h"
#include "log.h"

#define S_EXIT_USAGE 2

static void s_usage(FILE *f)
{
    fprintf(f, "usage: vpcsim-broker --listen tcp://127.0.0.1:PORT [--data-dir DIR]\n"
               "                     [--capture FILE] [--keys DIR] [--max-agents N] [--cpu LIST]\n"
               "                     [--log-level debug|info|warn|error]\n");
}

static void s_help(void)
{
    s_usage(stdout);
    printf("\n"
           "  --listen EP       ZeroMQ endpoint for agents and clients\n"
           "  --data-dir DIR    keep the broker's soft state (agents, clock) in DIR\n"
           "  --capture FILE    append one line per PeerMessage relayed between agents:\n"
           "                      TIME FROM -> TO sealed=0|1 PAYLOAD [JSON]\n"
           "                    TIME is the simulated time (2026-11-27T16:00:00.123Z),\n"
           "                    FROM and TO are ACCOUNT/REGION, sealed=1 says the payload\n"
           "                    is AEAD ciphertext (inter-Region), PAYLOAD is lowercase hex\n"
           "                    (\"-\" when empty); a duplicated message appears per copy;\n"
           "                    JSON: a typed peer message (proto/peer.proto) in its\n"
           "                    JSON form, on one line\n"
           "  --keys DIR        require CURVE keys from the keyring DIR (`vpcsim keys init`;\n"
           "                    also VPCSIM_KEYS); without it the broker is open to anyone\n"
           "  --max-agents N    refuse Hellos from new (account, Region)s past N agents\n"
           "                    (default 20000)\n"
           "  --cpu LIST        keep the broker's threads on these CPUs (as taskset -c:\n"
           "                    1, 0,2, 0-3); on one CPU, a message's hand-offs between\n"
           "                    its loop and ZeroMQ's I/O thread wake no other CPU\n"
           "                    (lower latency)\n"
           "  --log-level L     debug, info (default), warn or error\n"
           "\n"
           "Fault injection for agent-to-agent messages is set at run time with\n"
           "`vpcsim admin set-faults`, `vpcsim admin partition` and read with\n"
           "`vpcsim admin describe-faults`.\n");
}

static int s_bad_args(const char *fmt, const char *arg)
{
    fprintf(stderr, "vpcsim-broker: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    s_usage(stderr);
    return S_EXIT_USAGE;
}

static int s_parse_level(const char *s, vs_log_level_t *out)
{
    static const struct {
        const char *name;
        vs_log_level_t level;
    } levels[] = {
        { "debug", VS_LOG_DEBUG },
        { "info", VS_LOG_INFO },
        { "warn", VS_LOG_WARN },
        { "error", VS_LOG_ERROR },
    };
    for (size_t i = 0; i < sizeof levels / sizeof *levels; i++)
        if (strcmp(s, levels[i].name) == 0) {
            *out = levels[i].level;
            return 0;
        }
    return -1;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "listen", required_argument, NULL, 'l' },
        { "data-dir", required_argument, NULL, 'd' },
        { "capture", required_argument, NULL, 'c' },
        { "log-level", required_argument, NULL, 'v' },
        { "keys", required_argument, NULL, 'k' },
        { "max-agents", required_argument, NULL, 'm' },
        { "cpu", required_argument, NULL, 'p' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    broker_opts_t opts = { 0 };
    vs_log_level_t level = VS_LOG_INFO;
    const char *cpus = NULL;
    int c;

    opterr = 0; /* we print our own messages */
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            opts.listen = optarg;
            break;
        case 'd':
            opts.data_dir = optarg;
            break;
        case 'c':
            opts.capture = optarg;
            break;
        case 'k':
            opts.keys = optarg;
            break;
        case 'p':
            cpus = optarg;
            break;
        case 'm': {
            char *end = NULL;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (!*optarg || *end || v == 0 || v > 10000000 || optarg[0] == '-')
                return s_bad_args("--max-agents needs a number from 1 to 10000000, not '%s'",
                                  optarg);
            opts.max_agents = (size_t)v;
            break;
        }
        case 'v':
            if (s_parse_level(optarg, &level) < 0)
                return s_bad_args("unknown log level '%s'", optarg);
            break;
        case 'h':
            s_help();
            return 0;
        case ':':
            return s_bad_args("option %s needs a value", argv[optind - 1]);
        default:
            return s_bad_args("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return s_bad_args("unexpected argument '%s'", argv[optind]);
    if (!opts.listen || !*opts.listen)
        return s_bad_args("%s", "--listen is required");
    if (opts.data_dir && !*opts.data_dir)
        return s_bad_args("%s", "--data-dir must not be empty");
    if (!opts.keys && getenv("VPCSIM_KEYS") && *getenv("VPCSIM_KEYS"))
        opts.keys = getenv("VPCSIM_KEYS");
    if (opts.keys && !*opts.keys)
        return s_bad_args("%s", "--keys must not be empty");
    if (opts.capture && !*opts.capture)
        return s_bad_args("%s", "--capture must not be empty");

    /* Before the broker starts ZeroMQ's threads: they inherit the CPUs. */
    char cpu_err[256];
    if (cpus && vs_cpu_pin(cpus, cpu_err, sizeof cpu_err) != 0)
        return s_bad_args("%s", cpu_err);

    vs_log_init("broker", level);
    opts.log_debug = level == VS_LOG_DEBUG;

    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) {
        fprintf(stderr, "vpcsim-broker: cannot create the event loop\n");
        return 1;
    }
    char err[512];
    broker_t *b = bk_broker_new(&loop, &opts, err, sizeof err);
    if (!b) {
        fprintf(stderr, "vpcsim-broker: %s\n", err);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        return S_EXIT_USAGE;
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    bk_broker_destroy(&b);
    uv_run(&loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&loop) != 0)
        VS_WARN("event loop closed with handles still open");
    VS_INFO("stopped");
    return 0;
}
