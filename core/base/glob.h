/* glob: the wildcard matcher of EC2 Describe* filter values.
 *
 * EC2 documents filter wildcards as: "An asterisk (*) matches zero or more
 * characters, and a question mark (?) matches exactly one character. You
 * can escape special characters using a backslash (\) before the
 * character." Matching is case-sensitive and anchored at both ends
 * ("10.0.*" matches "10.0.0.0/16" but not "110.0.0.0/8").
 *
 * "Character" means a UTF-8 code point, so "?" matches "é" (two bytes).
 * A trailing lone backslash stands for itself. Runs in O(len(pattern) *
 * len(text)) time in the worst case and uses no heap: the classic
 * single-backtrack-point algorithm, which is exact for '*' and '?' only
 * patterns.
 */
#ifndef VS_GLOB_H
#define VS_GLOB_H

#include <stdbool.h>

/* true if text matches pattern (both NUL-terminated, borrowed). NULL
 * arguments never match. */
bool vs_glob_match(const char *pattern, const char *text);

/* true if pattern contains an unescaped '*' or '?', i.e. it is not a
 * literal value. */
bool vs_glob_has_wildcard(const char *pattern);

#endif
