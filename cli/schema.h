/* schema: the tiny type notation the ec2 command table uses to describe
 * each option's botocore input member, so the table stays one line per
 * option and the parser, the validator and the help text all read the
 * same description.
 *
 *   type    := scalar | list | struct
 *   scalar  := 's' string | 'i' integer/long | 'b' boolean | 'f' float/double
 *            | 't' timestamp | 'B' blob
 *   list    := '[' type ']'
 *   struct  := '{' member (',' member)* '}'
 *   member  := Name ':' type            (Name: botocore member name)
 *
 * Example: Filters is "[{Name:s,Values:[s]}]"; TagSpecifications is
 * "[{ResourceType:s,Tags:[{Key:s,Value:s}]}]". The table composes shared
 * shapes with string-literal concatenation (T_TAG, T_FILTER, ...).
 *
 * All functions take a pointer to the first character of a type inside a
 * notation string (static storage) and never allocate.
 */
#ifndef CLI_SCHEMA_H
#define CLI_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    CLI_T_INVALID = 0,
    CLI_T_STRING,
    CLI_T_INT,
    CLI_T_BOOL,
    CLI_T_FLOAT,
    CLI_T_TIME,
    CLI_T_BLOB,
    CLI_T_LIST,
    CLI_T_STRUCT
} cli_type_t;

typedef struct {
    const char *name;      /* not NUL-terminated: name_len bytes */
    size_t name_len;
    const char *type;
} cli_member_t;

cli_type_t cli_schema_kind(const char *t);
bool cli_schema_is_scalar(const char *t);
/* The element type of a list (t must be a list). */
const char *cli_schema_elem(const char *t);
/* Pointer just past the type starting at t, or NULL if malformed. */
const char *cli_schema_end(const char *t);

/* Iterate a struct's members:
 *   const char *cur = t; cli_member_t m;
 *   while (cli_schema_next_member(&cur, &m)) ...
 * Returns false at the end (or on malformed notation). */
bool cli_schema_next_member(const char **cur, cli_member_t *m);
size_t cli_schema_nmembers(const char *t);
/* The type of member `name` of struct t, or NULL. */
const char *cli_schema_member(const char *t, const char *name);

/* Checks that the whole string is exactly one well-formed type; on error
 * writes a reason to err. Used by the unit tests over the whole table. */
bool cli_schema_valid(const char *t, char *err, size_t errlen);

/* The botocore type name ("string", "integer", "list", "structure", ...). */
const char *cli_schema_type_name(const char *t);

#endif
