/* cmdtable: the `vpcsim ec2` command table. One row per subcommand of
 * CONTRACT.md: its AWS CLI name, the API action it calls, a one-line
 * summary, and its options, one line each:
 *
 *   { "*--vpc-id",  "VpcId",   "s" }            required string
 *   { "--filters",  "Filters", "[" T_FILTER "]" }
 *   { "~--client-token", "ClientToken", "s" }   idempotency token: filled
 *                                               with a UUID when absent
 *   { "--count",    NULL,      "@count" }       an AWS CLI customization
 *   { "!--min-count", "MinCount", "i" }         an input member the AWS CLI
 *                                               hides (replaced by --count)
 *
 * The type is the schema notation of schema.h; a type starting with '@'
 * names a customization that argparse.c implements (run-instances --count,
 * the security-group --protocol/--port/--cidr/--source-group/--group-owner
 * and the pagination options). Usage, help and parsing all read this table.
 * The table is static const; lookups return borrowed pointers into it.
 */
#ifndef CLI_CMDTABLE_H
#define CLI_CMDTABLE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *name;     /* "--vpc-id", optionally prefixed by '*', '~' or '!' */
    const char *member;   /* botocore input member, NULL for customizations */
    const char *type;     /* schema notation or "@customization" */
} cli_opt_t;

typedef struct {
    const char *name;         /* "create-vpc" */
    const char *action;       /* "CreateVpc" */
    const char *summary;      /* one line for help */
    const char *result_key;   /* paginated operations: the list merged across pages */
    const cli_opt_t *opts;    /* terminated by a row with name == NULL */
} cli_cmd_t;

const cli_cmd_t *cli_cmdtable_find(const char *name);
/* The i-th command (table order), NULL past the end. */
const cli_cmd_t *cli_cmdtable_at(size_t i);

/* The option's flag without its marker: "--vpc-id". */
const char *cli_opt_flag(const cli_opt_t *o);
bool cli_opt_required(const cli_opt_t *o);
bool cli_opt_token(const cli_opt_t *o);
bool cli_opt_custom(const cli_opt_t *o);
bool cli_opt_hidden(const cli_opt_t *o);
/* Looks a flag ("--vpc-id") up among cmd's visible options; NULL if unknown. */
const cli_opt_t *cli_cmd_find_opt(const cli_cmd_t *cmd, const char *flag);

#endif
