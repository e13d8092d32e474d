/* output: an operation's output document as the AWS CLI prints it with
 * --output json (Python json.dumps(indent=4), nothing at all for {}),
 * --output text (awscli/text.py: tab-separated scalars, keys sorted, list
 * items as rows prefixed by the upper-cased key) and --output table
 * (awscli/formatter.py + table.py, see table.h), --output yaml and
 * yaml-stream (yaml.h).
 *
 * Pure: returns text for the caller to write.
 */
#ifndef CLI_OUTPUT_H
#define CLI_OUTPUT_H

#include "globals.h"
#include "json.h"

/* Returns malloc'd text (possibly ""), NULL on OOM. `title` is the
 * operation name ("DescribeVpcs") for the table's title row;
 * `term_width` the terminal width for tables (80 when unknown). */
char *cli_output_format(const vs_json_t *doc, cli_output_t fmt, const char *title, int term_width);

/* The text format alone (awscli/text.py format_text). */
char *cli_output_text(const vs_json_t *doc);

#endif
