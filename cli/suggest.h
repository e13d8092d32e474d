/* suggest: argparse's "Invalid choice" message with difflib's
 * get_close_matches suggestions, as the AWS CLI prints it for an unknown
 * command or subcommand:
 *
 *   argument operation: Invalid choice, valid choices are:
 *
 *   accept-vpc-peering-connection            | associate-route-table
 *   ...
 *
 *   Invalid choice: 'describe-vpc', maybe you meant:
 *
 *     * describe-vpcs
 */
#ifndef CLI_SUGGEST_H
#define CLI_SUGGEST_H

#include "buf.h"

/* difflib.SequenceMatcher(None, a, b).ratio() */
double cli_suggest_ratio(const char *a, const char *b);

/* Appends the message for `value` among choices[0..n-1] (argument name
 * `what`, e.g. "operation"). */
void cli_suggest_invalid_choice(vs_buf_t *b, const char *what, const char *value,
                                const char *const *choices, size_t n);

#endif
