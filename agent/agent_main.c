/* vpcsim-agent: one AWS account in one Region. See agent.h. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "cpu.h"
#include "ids.h"
#include "log.h"
#include "store.h"

static void s_usage(FILE *f)
{
    fprintf(f,
            "usage: vpcsim-agent --broker tcp://HOST:PORT --account ACCOUNT --region REGION\n"
            "                    --data-dir DIR [options]\n"
            "       vpcsim-agent --dump-objects --data-dir DIR\n"
            "                    print every stored object as JSON (one per line) and exit;\n"
            "                    the agent of DIR must not be running\n"
            "options:\n"
            "  --modern-rules               today's AWS rules instead of the seed's: IPv6 over\n"
            "                               inter-Region peering, Beijing <-> Ningxia peering\n"
            "  --cascade-vpc-delete         delete-vpc deletes the VPC's peering connections\n"
            "                               (console behaviour) instead of DependencyViolation\n"
            "  --max-active-pcx-per-vpc N   quota of active peering connections per VPC (50)\n"
            "  --max-outstanding-pcx N      quota of pending requests per account (25)\n"
            "  --keys DIR                   authenticate with this agent's key from the\n"
            "                               keyring DIR (`vpcsim keys init`; or VPCSIM_KEYS)\n"
            "  --salvage                    start even if stored objects are damaged: move them\n"
            "                               aside (table `damaged` of agent.db), logged by id\n"
            "  --fsync                      fsync every commit: acknowledged changes also\n"
            "                               survive power loss (default: survive kill -9)\n"
            "  --event-retention N          events kept in the event log (10000)\n"
            "  --cpu LIST                   keep the agent's threads on these CPUs (as\n"
            "                               taskset -c: 1, 0,2, 0-3); on one CPU, a message's\n"
            "                               hand-offs between its loop and ZeroMQ's I/O\n"
            "                               thread wake no other CPU (lower latency)\n"
            "  --log-level debug|info|warn|error\n");
}

static int s_bad(const char *fmt, const char *arg)
{
    fprintf(stderr, "vpcsim-agent: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    s_usage(stderr);
    return 2;
}

static int s_parse_int(const char *s, int lo, int hi, int *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

int main(int argc, char **argv)
{
    agent_config_t cfg = { 0 };
    vs_log_level_t level = VS_LOG_INFO;
    (void)store_global_init();  /* first: before any SQLite use; failing only costs speed */
    enum { O_BROKER = 1, O_ACCOUNT, O_REGION, O_DATA, O_MODERN, O_CASCADE, O_MAXACT, O_MAXOUT,
           O_LOG, O_HELP, O_KEYS, O_SALVAGE, O_FSYNC, O_EVRET, O_DUMP, O_CPU };
    bool dump = false;
    const char *cpus = NULL;
    static const struct option opts[] = {
        { "broker", required_argument, NULL, O_BROKER },
        { "account", required_argument, NULL, O_ACCOUNT },
        { "region", required_argument, NULL, O_REGION },
        { "data-dir", required_argument, NULL, O_DATA },
        { "modern-rules", no_argument, NULL, O_MODERN },
        { "cascade-vpc-delete", no_argument, NULL, O_CASCADE },
        { "max-active-pcx-per-vpc", required_argument, NULL, O_MAXACT },
        { "max-outstanding-pcx", required_argument, NULL, O_MAXOUT },
        { "log-level", required_argument, NULL, O_LOG },
        { "keys", required_argument, NULL, O_KEYS },
        { "event-retention", required_argument, NULL, O_EVRET },
        { "help", no_argument, NULL, O_HELP },
        { "salvage", no_argument, NULL, O_SALVAGE },
        { "fsync", no_argument, NULL, O_FSYNC },
        { "dump-objects", no_argument, NULL, O_DUMP },
        { "cpu", required_argument, NULL, O_CPU },
        { NULL, 0, NULL, 0 },
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_BROKER: cfg.broker = optarg; break;
        case O_ACCOUNT: cfg.account = optarg; break;
        case O_REGION: cfg.region = optarg; break;
        case O_DATA: cfg.data_dir = optarg; break;
        case O_KEYS: cfg.keys_dir = optarg; break;
        case O_MODERN: cfg.modern_rules = true; break;
        case O_CASCADE: cfg.cascade_vpc_delete = true; break;
        case O_SALVAGE: cfg.salvage = true; break;
        case O_FSYNC: cfg.full_sync = true; break;
        case O_DUMP: dump = true; break;
        case O_CPU: cpus = optarg; break;
        case O_MAXACT:
            if (s_parse_int(optarg, 1, 125, &cfg.max_active_pcx_per_vpc) != 0)
                return s_bad("--max-active-pcx-per-vpc must be 1..125, not '%s'", optarg);
            break;
        case O_MAXOUT:
            if (s_parse_int(optarg, 1, 1000000, &cfg.max_outstanding_pcx) != 0)
                return s_bad("--max-outstanding-pcx must be a positive number, not '%s'", optarg);
            break;
        case O_EVRET:
            if (s_parse_int(optarg, 1, 10000000, &cfg.event_retention) != 0)
                return s_bad("--event-retention must be 1..10000000 events, not '%s'", optarg);
            break;
        case O_LOG:
            if (!strcmp(optarg, "debug")) level = VS_LOG_DEBUG;
            else if (!strcmp(optarg, "info")) level = VS_LOG_INFO;
            else if (!strcmp(optarg, "warn")) level = VS_LOG_WARN;
            else if (!strcmp(optarg, "error")) level = VS_LOG_ERROR;
            else return s_bad("unknown log level '%s'", optarg);
            break;
        case O_HELP: s_usage(stdout); return 0;
        default:
            return s_bad("unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return s_bad("unexpected argument '%s'", argv[optind]);
    if (dump) {
        if (!cfg.data_dir || !*cfg.data_dir)
            return s_bad("%s", "--dump-objects needs --data-dir");
        vs_log_init("agent-dump", level);
        return agent_dump_objects(cfg.data_dir, stdout);
    }
    if (!cfg.broker)
        return s_bad("%s", "--broker is required");
    if (strncmp(cfg.broker, "tcp://", 6) != 0 && strncmp(cfg.broker, "ipc://", 6) != 0)
        return s_bad("--broker must be a tcp:// or ipc:// endpoint, not '%s'", cfg.broker);
    if (!cfg.account)
        return s_bad("%s", "--account is required");
    if (!vs_account_valid(cfg.account))
        return s_bad("account id must be 12 digits, not '%s'", cfg.account);
    if (!cfg.region)
        return s_bad("%s", "--region is required");
    if (!vs_region_known(cfg.region))
        return s_bad("unknown Region '%s'", cfg.region);
    if (!cfg.data_dir || !*cfg.data_dir)
        return s_bad("%s", "--data-dir is required");
    if (!cfg.keys_dir && getenv("VPCSIM_KEYS") && *getenv("VPCSIM_KEYS"))
        cfg.keys_dir = getenv("VPCSIM_KEYS");
    if (cfg.keys_dir && !*cfg.keys_dir)
        return s_bad("%s", "--keys must not be empty");

    /* Before agent_run starts a thread (ZeroMQ's, the checkpointer's):
     * they inherit the CPUs. */
    char err[256];
    if (cpus && vs_cpu_pin(cpus, err, sizeof err) != 0)
        return s_bad("%s", err);

    char tag[96];
    snprintf(tag, sizeof tag, "agent[%s/%s]", cfg.account, cfg.region);
    vs_log_init(tag, level);
    return agent_run(&cfg);
}
