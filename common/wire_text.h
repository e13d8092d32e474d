/* wire_text: what a string field of an Envelope may hold.
 * vs_wire_check_text returns NULL, or a static description of what is
 * wrong with the text: strict UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing past U+10FFFF), no NUL, and, when is_short (an
 * identifier: account, Region, ARN, action), no C0 controls or DEL.
 */
#ifndef VS_WIRE_TEXT_H
#define VS_WIRE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

const char *vs_wire_check_text(const uint8_t *s, size_t len, bool is_short);

#endif
