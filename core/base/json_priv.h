/* json_priv: the node of a vs_json_t tree, shared by json.c (which owns
 * it: constructors, containers, accessors) and json_dump.c (which only
 * reads it, to walk a tree without a function call per member). Nothing
 * outside core/base/json*.c includes this.
 */
#ifndef VS_JSON_PRIV_H
#define VS_JSON_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

struct vs_json {
    vs_json_type_t type;
    bool is_int;                  /* numbers: stored in u.i, not u.d */
    union {
        bool b;
        int64_t i;
        double d;
        struct {
            char *p;              /* NUL-terminated; may contain NULs */
            size_t len;
        } s;
        struct {
            vs_json_t **vals;
            uint32_t *koff;       /* objects only: member -> key offset in kbuf */
            char *kbuf;           /* objects only: the keys, NUL-terminated, end to end */
            size_t klen, kcap;
            uint32_t *index;      /* objects only: slot -> member + 1 */
            size_t n, cap, icap;
        } c;
    } u;
};

/* The key of member i of object o (NUL-terminated). */
static inline const char *vs_json__key(const vs_json_t *o, size_t i)
{
    return o->u.c.kbuf + o->u.c.koff[i];
}

#endif
