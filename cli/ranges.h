/* ranges: the minimum values and lengths of the ec2 service model that
 * botocore checks before sending (botocore/validate.py range_check: only
 * the minimum is checked, never the maximum), for the operations of the
 * command table. A value below its minimum stops the call with the AWS
 * CLI's "Parameter validation failed" and exit 252; nothing is sent.
 */
#ifndef CLI_RANGES_H
#define CLI_RANGES_H

#include <stdint.h>

#include "buf.h"
#include "json.h"

/* Checks the members of input (an operation's input document, borrowed)
 * that `action` constrains; page_size (--page-size, 0 if none) is checked
 * as the MaxResults it becomes. Appends one "\n"-terminated line per
 * problem to errs, in botocore's words; returns the number of problems. */
int cli_ranges_check(const char *action, const vs_json_t *input, int64_t page_size,
                     vs_buf_t *errs);

#endif
