/* bjson: a few fields read out of a JSON document in place.
 *
 * The benchmark needs one or two strings of each reply (an ID, a status
 * code), and a batched describe returns up to 1000 connections of ~800
 * bytes each; vs_json_parse would build a tree of every member to hand
 * back two. These functions walk the text instead: they skip values by
 * structure (strings with their escapes, nested objects and arrays,
 * scalars), so key order, whitespace and a key's name inside some string
 * value do not fool them. No allocation, no recursion.
 *
 * What they check is what they read: a fault met on the way (unbalanced or
 * mismatched brackets, an unterminated string, a missing ':' or ',',
 * nesting deeper than VS_BJSON_MAX_DEPTH) is an error, never a read past
 * the end; faults inside a value that is only skipped need not be seen
 * (a scalar is taken to run to the next delimiter). Keys are compared as
 * written: a key written with an escape does not match (our JSON output
 * escapes no key the benchmark asks for).
 */
#ifndef VS_BJSON_H
#define VS_BJSON_H

#include <stddef.h>

#define VS_BJSON_MAX_DEPTH 64

/* A value in a document: p at its first byte, end the document's end
 * (both borrowed from the text, which must outlive it). */
typedef struct {
    const char *p, *end;
} vs_bjson_t;

/* The top-level value of len bytes of text. 0, or -1 when there is none. */
int vs_bjson_doc(const char *text, size_t len, vs_bjson_t *out);

/* Members keys[0..n) of object obj, in one pass: out[i] is the value of
 * keys[i] (its p NULL when absent; a key given twice keeps the first).
 * Returns how many were found, or -1 if obj is not an object or is
 * malformed in what was read of it (up to the last key wanted). */
int vs_bjson_members(const vs_bjson_t *obj, const char *const *keys, size_t n, vs_bjson_t *out);

/* Elements of an array: start with it = the array value, then each call
 * gives the next element in *out. 1 (an element), 0 (no more), -1 (obj is
 * not an array, or malformed). */
int vs_bjson_next(vs_bjson_t *it, vs_bjson_t *out);

/* The next element of array it, which must be an object, read once for
 * its members keys[0..n) (as vs_bjson_members, out[i].p NULL when
 * absent): 1 + how many were found, 0 (no more elements), or -1 (not an
 * array of objects, or malformed). The way through a long list of
 * objects: each is read once, where vs_bjson_next + vs_bjson_members
 * would read it twice. */
int vs_bjson_next_members(vs_bjson_t *it, const char *const *keys, size_t n, vs_bjson_t *out);

/* Copies string value v into out (NUL-terminated). 0, or -1 when v is not
 * a string, holds an escape, or does not fit. */
int vs_bjson_str(const vs_bjson_t *v, char *out, size_t outlen);

/* obj.key (or key of the document when obj is NULL) as a string into out:
 * the common "pull one ID out of a reply" case. 0 or -1. */
int vs_bjson_field(const char *text, size_t len, const char *obj, const char *key, char *out,
                   size_t outlen);

#endif
