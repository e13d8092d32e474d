/* keys_cmd: `vpcsim keys init` (see keys_cmd.h). */
#include "keys_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "globals.h"
#include "keys.h"

static int s_usage(const char *msg)
{
    fprintf(stderr,
            "\nusage: vpcsim keys init DIR [--account ACCOUNT:REGION ...] [--client ACCOUNT ...]\n"
            "vpcsim: error: %s\n", msg);
    return CLI_EXIT_USAGE;
}

static void s_help(void)
{
    printf("usage: vpcsim keys init DIR [--account ACCOUNT:REGION ...] [--client ACCOUNT ...]\n\n"
           "Writes a cluster keyring into DIR: CURVE key pairs for the broker, the admin,\n"
           "each agent (--account ACCOUNT:REGION) and each client account (--client\n"
           "ACCOUNT; every agent's account gets one too). Existing pairs are kept, so\n"
           "running it again adds principals. Then start the broker, the agents and the\n"
           "CLI with --keys DIR (or VPCSIM_KEYS=DIR). Files: STEM.key (secret, 0600) and\n"
           "STEM.pub for STEM = broker, admin, agent-ACCOUNT-REGION, client-ACCOUNT. The\n"
           "broker needs broker.key and every .pub; anyone else broker.pub and its own .key.\n");
}

int cli_keys_main(int argc, char **argv)
{
    if (argc >= 1 && (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help"))) {
        s_help();
        return CLI_EXIT_OK;
    }
    if (argc < 1 || strcmp(argv[0], "init") != 0)
        return s_usage(argc < 1 ? "the following arguments are required: init"
                                : "argument operation: Invalid choice, valid choices are: init");
    const char *dir = NULL;
    /* At most argc names of each kind; an agent's account is also a client. */
    const char **agents = calloc((size_t)argc + 1, sizeof *agents);
    const char **clients = calloc((size_t)argc * 2 + 1, sizeof *clients);
    char (*accts)[13] = calloc((size_t)argc + 1, sizeof *accts);
    size_t na = 0, nc = 0;
    int rc = CLI_EXIT_OK;
    if (!agents || !clients || !accts) {
        rc = CLI_EXIT_FAILED;
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool is_acct = !strcmp(a, "--account"), is_client = !strcmp(a, "--client");
        if (is_acct || is_client) {
            if (i + 1 >= argc) {
                rc = s_usage(is_acct ? "argument --account: expected one argument"
                                     : "argument --client: expected one argument");
                goto out;
            }
            const char *v = argv[++i];
            if (is_acct) {
                agents[na] = v;
                snprintf(accts[na], sizeof accts[na], "%.12s", v);
                clients[nc++] = accts[na];
                na++;
            } else {
                clients[nc++] = v;
            }
        } else if (a[0] == '-' && a[1] == '-') {
            char msg[300];
            snprintf(msg, sizeof msg, "unrecognized arguments: %s", a);
            rc = s_usage(msg);
            goto out;
        } else if (!dir) {
            dir = a;
        } else {
            char msg[300];
            snprintf(msg, sizeof msg, "unrecognized arguments: %s", a);
            rc = s_usage(msg);
            goto out;
        }
    }
    if (!dir || !*dir) {
        rc = s_usage("the following arguments are required: DIR");
        goto out;
    }
    /* Drop repeated clients (an account with agents in two Regions). */
    size_t k = 0;
    for (size_t i = 0; i < nc; i++) {
        bool dup = false;
        for (size_t j = 0; j < k && !dup; j++)
            dup = !strcmp(clients[j], clients[i]);
        if (!dup)
            clients[k++] = clients[i];
    }
    nc = k;
    char err[600];
    size_t created = 0;
    if (vs_keys_init(dir, agents, na, clients, nc, &created, err, sizeof err) != 0) {
        fprintf(stderr, "\nvpcsim keys init: %s\n", err);
        rc = strstr(err, "is not") ? CLI_EXIT_USAGE : CLI_EXIT_FAILED;
        goto out;
    }
    printf("keyring %s: %zu new key pairs (broker, admin, %zu agents, %zu clients requested)\n",
           dir, created, na, nc);
out:
    free(agents);
    free(clients);
    free(accts);
    return rc;
}
