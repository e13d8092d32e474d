/* json: a small JSON value tree with a bounded parser and the AWS CLI's
 * printer.
 *
 * vpcsim moves EC2 inputs and outputs as JSON documents in botocore's
 * shape, persists agent objects as JSON, and prints JSON exactly as
 * `aws ec2` does (Python's json.dumps(indent=4, ensure_ascii=False)).
 * Objects keep insertion order, because the AWS CLI prints keys in the
 * service model's order and so must we.
 *
 * Ownership: every vs_json_t returned by a constructor or the parser is
 * owned by the caller and freed with vs_json_free(). vs_json_set() and
 * vs_json_push() take ownership of the value they are given. Getters
 * return borrowed pointers valid while the tree lives.
 */
#ifndef VS_JSON_H
#define VS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef enum {
    VS_JSON_NULL,
    VS_JSON_BOOL,
    VS_JSON_NUMBER,
    VS_JSON_STRING,
    VS_JSON_ARRAY,
    VS_JSON_OBJECT
} vs_json_type_t;

typedef struct vs_json vs_json_t;

#define VS_JSON_MAX_DEPTH 64
#define VS_JSON_MAX_INPUT (16u << 20)   /* 16 MiB */

/* Parse `len` bytes of `text`. Returns NULL on malformed input, too deep
 * nesting or input over VS_JSON_MAX_INPUT, and writes a one-line reason
 * ("expected ',' or '}' at offset 17") to err (may be NULL). */
vs_json_t *vs_json_parse(const char *text, size_t len, char *err, size_t errlen);
void vs_json_free(vs_json_t **v);

/* Constructors. Strings are copied. */
vs_json_t *vs_json_null(void);
vs_json_t *vs_json_bool(bool b);
vs_json_t *vs_json_int(int64_t n);
vs_json_t *vs_json_num(double d);
vs_json_t *vs_json_str(const char *s);
vs_json_t *vs_json_strn(const char *s, size_t n);
vs_json_t *vs_json_array(void);
vs_json_t *vs_json_object(void);
vs_json_t *vs_json_clone(const vs_json_t *v);

/* Object: set key (replaces an existing key in place, else appends).
 * Takes ownership of val; returns val for chaining (NULL if obj is not an
 * object, in which case val is freed). */
vs_json_t *vs_json_set(vs_json_t *obj, const char *key, vs_json_t *val);
void vs_json_set_str(vs_json_t *obj, const char *key, const char *s);
void vs_json_set_int(vs_json_t *obj, const char *key, int64_t n);
void vs_json_set_bool(vs_json_t *obj, const char *key, bool b);
/* Removes key if present; returns true if it was there. */
bool vs_json_remove(vs_json_t *obj, const char *key);
/* Array: append. Takes ownership; returns val. */
vs_json_t *vs_json_push(vs_json_t *arr, vs_json_t *val);

/* Accessors: all return NULL / the default when the type does not match. */
vs_json_type_t vs_json_type(const vs_json_t *v);
const vs_json_t *vs_json_get(const vs_json_t *obj, const char *key);
size_t vs_json_len(const vs_json_t *v);               /* array or object */
const vs_json_t *vs_json_at(const vs_json_t *v, size_t i);   /* array or object value */
/* The key of member i: valid until a member is added to or removed from obj. */
const char *vs_json_key_at(const vs_json_t *obj, size_t i);
const char *vs_json_as_str(const vs_json_t *v);        /* NULL unless string */
size_t vs_json_str_len(const vs_json_t *v);            /* byte length of a string */
bool vs_json_as_bool(const vs_json_t *v, bool dflt);
double vs_json_as_num(const vs_json_t *v, double dflt);
int64_t vs_json_as_int(const vs_json_t *v, int64_t dflt);
bool vs_json_is_int(const vs_json_t *v);               /* number with no fraction */

/* Shortcuts on objects: vs_json_get_str(o, "VpcId") etc. */
const char *vs_json_get_str(const vs_json_t *obj, const char *key);
int64_t vs_json_get_int(const vs_json_t *obj, const char *key, int64_t dflt);
bool vs_json_get_bool(const vs_json_t *obj, const char *key, bool dflt);

/* Serialise. indent 0: compact, no spaces ({"a":1,"b":[2]}); indent > 0:
 * Python json.dumps(indent=N) layout: "key": value, one member per line,
 * empty containers as [] and {}, non-ASCII UTF-8 kept as is, control
 * characters escaped as \uXXXX (\n, \t, \", \\ short forms). Integers
 * print without a fraction; other numbers with up to 17 significant digits.
 * Returns a malloc'd NUL-terminated string (caller frees), NULL on OOM. */
char *vs_json_dump(const vs_json_t *v, int indent);

/* Appends the string s (len bytes, may contain NULs) to b as a JSON string
 * literal, quoted and escaped exactly as vs_json_dump prints a string, so
 * that a writer which prints a document straight into a buffer (no tree)
 * prints the same bytes. */
void vs_json_put_str(vs_buf_t *b, const char *s, size_t len);

/* Structural equality (object key order ignored). */
bool vs_json_equal(const vs_json_t *a, const vs_json_t *b);

#endif
