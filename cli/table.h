/* table: `--output table`, a port of the AWS CLI's TableFormatter
 * (awscli/formatter.py) and MultiTable renderer (awscli/table.py), without
 * colours:
 *
 *   -----------------------------------------
 *   |             DescribeVpcs              |
 *   +---------------------------------------+
 *   ||                Vpcs                 ||
 *   |+-------------+-----------------------+|
 *   ||  CidrBlock  |  10.0.0.0/16          ||
 *   ...
 *
 * Sections that do not fit in the terminal width are turned vertical, as
 * the AWS CLI does. Pure: returns the text.
 */
#ifndef CLI_TABLE_H
#define CLI_TABLE_H

#include "json.h"

/* Returns malloc'd text ("" for an empty document), NULL on OOM. */
char *cli_table_format(const vs_json_t *doc, const char *title, int term_width);

#endif
