/* vpcsim-gateway: the EC2 Query API endpoint for the real AWS CLI, SDKs and
 * Terraform.
 *
 *   vpcsim-gateway --listen 127.0.0.1:4566 --broker tcp://127.0.0.1:PORT
 *                  [--credentials FILE] [--keys DIR] [--timeout SECONDS]
 *                  [--idle-timeout SECONDS] [--log-level debug|info|warn|error]
 *
 * Runs in the foreground, logs to stderr, exits 0 on SIGTERM/SIGINT and 2
 * with a one-line message on bad arguments, an unreadable credentials file
 * or an address that cannot be bound.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "gw_creds.h"
#include "gw_server.h"
#include "log.h"

#define S_EXIT_USAGE 2

static void s_usage(FILE *f)
{
    fprintf(f, "usage: vpcsim-gateway --listen HOST:PORT --broker tcp://127.0.0.1:PORT\n"
               "                      [--credentials FILE] [--keys DIR] [--timeout SECONDS]\n"
               "                      [--idle-timeout SECONDS] [--log-level debug|info|warn|error]\n");
}

static void s_help(void)
{
    s_usage(stdout);
    printf("\n"
           "  --listen HOST:PORT   HTTP address for every account and Region (127.0.0.1:4566)\n"
           "  --broker EP          the broker's ZeroMQ endpoint\n"
           "  --credentials FILE   accept only these keys and verify their SigV4 signatures;\n"
           "                       lines `ACCESS_KEY_ID SECRET ACCOUNT_ID`, '#' comments.\n"
           "                       Without it a 12-digit access key id is the account id and\n"
           "                       secrets are not checked.\n"
           "  --keys DIR           the cluster keyring (vpcsim keys init; default $VPCSIM_KEYS):\n"
           "                       each request goes to the broker as its account, with that\n"
           "                       account's client key (client-ACCOUNT.key and broker.pub);\n"
           "                       an account without one gets AuthFailure. The console needs\n"
           "                       admin.key too. Without it the broker must be open.\n"
           "  --timeout SECONDS    how long to wait for an agent's answer (default 10)\n"
           "  --idle-timeout SECONDS  close a connection that sent nothing for this long\n"
           "                       while no answer is pending (default 60)\n"
           "  --log-level L        debug, info (default), warn or error\n"
           "\n"
           "The Region of each request is the one in its SigV4 credential scope\n"
           "(aws --region ...). STS GetCallerIdentity is answered on the same port,\n"
           "and the live console at http://HOST:PORT/console/.\n");
}

static int s_bad_args(const char *fmt, const char *arg)
{
    fprintf(stderr, "vpcsim-gateway: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    s_usage(stderr);
    return S_EXIT_USAGE;
}

/* "127.0.0.1:4566" or "[::1]:4566" -> host, port. */
static int s_split_listen(const char *s, char *host, size_t cap, int *port)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s)
        return -1;
    const char *h = s;
    size_t hlen = (size_t)(colon - s);
    if (h[0] == '[' && hlen >= 2 && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    }
    if (hlen == 0 || hlen >= cap)
        return -1;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    char *end = NULL;
    long p = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || p < 0 || p > 65535)
        return -1;
    *port = (int)p;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "listen", required_argument, NULL, 'l' },
        { "broker", required_argument, NULL, 'b' },
        { "credentials", required_argument, NULL, 'c' },
        { "keys", required_argument, NULL, 'k' },
        { "timeout", required_argument, NULL, 't' },
        { "idle-timeout", required_argument, NULL, 'i' },
        { "log-level", required_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *listen = NULL, *broker = NULL, *creds_path = NULL;
    const char *keys_dir = getenv("VPCSIM_KEYS");
    double timeout_s = 10.0, idle_s = 60.0;
    vs_log_level_t level = VS_LOG_INFO;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            listen = optarg;
            break;
        case 'b':
            broker = optarg;
            break;
        case 'c':
            creds_path = optarg;
            break;
        case 'k':
            keys_dir = optarg;
            break;
        case 't': {
            char *end = NULL;
            timeout_s = strtod(optarg, &end);
            if (!*optarg || *end || !(timeout_s > 0 && timeout_s <= 3600))
                return s_bad_args("--timeout must be a number of seconds in (0, 3600], not '%s'", optarg);
            break;
        }
        case 'i': {
            char *end = NULL;
            idle_s = strtod(optarg, &end);
            if (!*optarg || *end || !(idle_s > 0 && idle_s <= 86400))
                return s_bad_args("--idle-timeout must be a number of seconds in (0, 86400], not '%s'", optarg);
            break;
        }
        case 'v':
            if (strcmp(optarg, "debug") == 0)
                level = VS_LOG_DEBUG;
            else if (strcmp(optarg, "info") == 0)
                level = VS_LOG_INFO;
            else if (strcmp(optarg, "warn") == 0)
                level = VS_LOG_WARN;
            else if (strcmp(optarg, "error") == 0)
                level = VS_LOG_ERROR;
            else
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
    if (!listen || !*listen)
        return s_bad_args("%s", "--listen is required");
    if (!broker || !*broker)
        return s_bad_args("%s", "--broker is required");
    char host[256];
    int port = 0;
    if (s_split_listen(listen, host, sizeof host, &port) != 0)
        return s_bad_args("--listen must be HOST:PORT, not '%s'", listen);

    if (keys_dir && !*keys_dir)
        keys_dir = NULL;           /* VPCSIM_KEYS= : an open broker */
    if (keys_dir && access(keys_dir, R_OK | X_OK) != 0) {
        fprintf(stderr, "vpcsim-gateway: cannot read the keyring %s: %s\n", keys_dir, strerror(errno));
        return S_EXIT_USAGE;
    }

    vs_log_init("gateway", level);
    gw_server_opts_t opts = { .host = host, .port = port, .broker = broker, .keys_dir = keys_dir,
                             .timeout_s = timeout_s, .idle_s = idle_s };
    char err[512];
    if (creds_path) {
        opts.creds = gw_creds_load(creds_path, err, sizeof err);
        if (!opts.creds) {
            fprintf(stderr, "vpcsim-gateway: %s\n", err);
            return S_EXIT_USAGE;
        }
    }
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) {
        fprintf(stderr, "vpcsim-gateway: cannot create the event loop\n");
        return 1;
    }
    gw_server_t *srv = gw_server_new(&loop, &opts, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "vpcsim-gateway: %s\n", err);
        return S_EXIT_USAGE;
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    gw_server_destroy(&srv);
    uv_run(&loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&loop) != 0)
        VS_WARN("event loop closed with handles still open");
    VS_INFO("stopped");
    return 0;
}
