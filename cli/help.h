/* help: the help texts generated from the command table, in the layout of
 * `aws ec2 help` and `aws ec2 SUBCOMMAND help` (NAME, DESCRIPTION,
 * SYNOPSIS, OPTIONS with shorthand and JSON syntax). Pure: fills a buffer.
 */
#ifndef CLI_HELP_H
#define CLI_HELP_H

#include "buf.h"
#include "cmdtable.h"

/* `vpcsim ec2 help`: every subcommand with its summary. */
void cli_help_ec2(vs_buf_t *b);
/* `vpcsim ec2 SUB help`. */
void cli_help_cmd(vs_buf_t *b, const cli_cmd_t *cmd);
/* The shorthand example of an option type ("Name=string,Values=string,string ..."),
 * as awscli's ParamShorthandDocGen writes it; "" when there is none. */
void cli_help_shorthand(vs_buf_t *b, const char *type);

#endif
