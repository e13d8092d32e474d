/* argparse: turns the options after `vpcsim ec2 SUBCOMMAND` into the
 * operation's input document, the way the AWS CLI v2 does:
 *
 *  - argparse semantics: `--opt value` and `--opt=value`, unique prefixes
 *    (`--vpc` for `--vpc-id` when unambiguous), list options take every
 *    following argument up to the next option, booleans are `--x` /
 *    `--no-x`, {Value: boolean} structures are `--x [VALUE]` / `--no-x`;
 *  - values: JSON (an argument starting with '[' or '{'), shorthand
 *    (shorthand.h) for structures and lists of structures, commas or
 *    several arguments for lists of scalars, `file://` paramfiles;
 *  - the AWS CLI's customizations: run-instances --count, the security
 *    group --protocol/--port/--cidr/--source-group/--group-owner,
 *    --cli-input-json, and the pagination options;
 *  - botocore's parameter validation of the result.
 *
 * Errors come back as the exact text the AWS CLI prints on stderr (with
 * "vpcsim" for "aws") and exit status 252. No IO: files are read through
 * the paramfile callback.
 */
#ifndef CLI_ARGPARSE_H
#define CLI_ARGPARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "cmdtable.h"
#include "json.h"
#include "shorthand.h"

typedef struct {
    char *starting_token;   /* --starting-token, owned; NULL if not given */
    int64_t page_size;      /* --page-size, 0 if not given */
    int64_t max_items;      /* --max-items, 0 if not given */
    bool manual;            /* NextToken or MaxResults given: one call, no pagination */
} cli_paging_t;

typedef struct {
    vs_json_t *input;       /* the operation's input document, owned */
    cli_paging_t paging;
    bool help;              /* `vpcsim ec2 SUB help`: nothing else is set */
} cli_call_t;

/* Frees what call owns and zeroes it. */
void cli_call_clear(cli_call_t *call);

/* Parses argv[0..argc-1] (the arguments after the subcommand). Returns 0
 * with *call filled, or CLI_EXIT_USAGE with *err a malloc'd message ready
 * for stderr. pf may be NULL (no paramfiles). `no_paginate` is the global
 * --no-paginate. */
int cli_argparse(const cli_cmd_t *cmd, int argc, char *const *argv, bool no_paginate,
                 cli_paramfile_fn pf, void *pf_ctx, cli_call_t *call, char **err);

#endif
