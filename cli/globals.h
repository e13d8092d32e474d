/* globals: vpcsim's global options, their environment fallbacks, and the
 * exit codes and usage text every subcommand shares.
 *
 *   vpcsim [--broker EP] [--account ACCT] [--region REGION]
 *          [--output json|text|table] [--timeout SECONDS] [--debug]
 *          [--no-paginate] [--keys DIR] ec2|admin|cluster ...
 *
 * As in the AWS CLI, global options may also appear after the subcommand.
 * Fallbacks: VPCSIM_BROKER (else tcp://127.0.0.1:5555), VPCSIM_ACCOUNT,
 * AWS_REGION then AWS_DEFAULT_REGION, VPCSIM_TIMEOUT (else 5 s),
 * AWS_DEFAULT_OUTPUT (else json), VPCSIM_KEYS (else no keys), AWS_MAX_ATTEMPTS. The environment is read through a
 * callback so tests can supply their own.
 */
#ifndef CLI_GLOBALS_H
#define CLI_GLOBALS_H

#include <stdbool.h>

/* Exit codes, as the AWS CLI v2 uses them. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_USAGE = 252,      /* bad command line or parameters */
    CLI_EXIT_CONFIG = 253,     /* unusable configuration */
    CLI_EXIT_SERVICE = 254,    /* the service (agent/broker) answered with an error */
    CLI_EXIT_FAILED = 255      /* broker or agent not reachable; other failures */
};

#define CLI_DEFAULT_BROKER "tcp://127.0.0.1:5555"
#define CLI_DEFAULT_TIMEOUT 5.0

typedef enum { CLI_OUT_JSON, CLI_OUT_TEXT, CLI_OUT_TABLE, CLI_OUT_YAML, CLI_OUT_YAML_STREAM } cli_output_t;

/* Where a setting came from, for error messages. */
typedef struct {
    char broker[256];
    char account[64];
    char region[64];
    const char *account_src;    /* "--account", "VPCSIM_ACCOUNT" or NULL (unset) */
    const char *region_src;     /* "--region", "AWS_REGION", "AWS_DEFAULT_REGION" or NULL */
    cli_output_t output;
    bool output_given;          /* --output was on the command line */
    double timeout_s;
    char keys[4096];            /* keyring dir (--keys, VPCSIM_KEYS); "" = none */
    int max_attempts;           /* AWS_MAX_ATTEMPTS; 0 = retry until the timeout */
    bool debug;
    bool no_paginate;
    bool version;
} cli_globals_t;

typedef const char *(*cli_getenv_fn)(void *ctx, const char *name);

/* Takes the global options out of argv[1..argc-1] wherever they are, applies
 * the fallbacks, and copies the remaining arguments (borrowed pointers) to
 * rest[], which must hold argc entries; *nrest gets their count. Returns 0,
 * or CLI_EXIT_USAGE with *err a malloc'd message ready for stderr. */
int cli_globals_parse(int argc, char **argv, cli_getenv_fn env, void *env_ctx,
                      cli_globals_t *g, char **rest, int *nrest, char **err);

/* Checks that account and Region are set and valid, for commands that act
 * as an account in a Region. Returns 0 or CLI_EXIT_USAGE with *err set. */
int cli_globals_require_identity(const cli_globals_t *g, char **err);

/* The AWS CLI's usage block with "aws" replaced by "vpcsim" (ends in "\n"). */
const char *cli_usage_text(void);
/* "\n<usage>\nvpcsim: error: MSG\n", malloc'd. */
char *cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "\nMSG\n", malloc'd: the AWS CLI's form for every other error. */
char *cli_error_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
