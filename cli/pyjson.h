/* pyjson: explains why a text is not JSON in the words of Python's json
 * module, which the AWS CLI quotes in "Invalid JSON: ..." errors:
 *
 *   Expecting value: line 1 column 10 (char 9)
 *   Expecting ',' delimiter: line 1 column 12 (char 11)
 *   Expecting property name enclosed in double quotes: line 1 column 2 (char 1)
 *
 * It only checks syntax (vs_json_parse builds the tree); positions count
 * code points, lines and columns start at 1, as in Python. No IO.
 */
#ifndef CLI_PYJSON_H
#define CLI_PYJSON_H

#include <stdbool.h>
#include <stddef.h>

/* True if Python's json.loads would accept text; otherwise false with the
 * message (as above) in msg. */
bool cli_pyjson_check(const char *text, size_t len, char *msg, size_t msglen);

#endif
