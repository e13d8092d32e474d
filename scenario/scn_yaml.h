/* scn_yaml: a YAML document read with libyaml into a small tree that keeps
 * the line of every node, so that scenario errors can name the line.
 *
 * Only what scenario files need: mappings (keys are scalars), sequences
 * and scalars; anchors and aliases are refused (a scenario is read top to
 * bottom, and an alias would hide where a value came from). Scalars keep
 * their text and whether they were quoted, so "007" stays a string.
 *
 * Ownership: scn_yaml_load returns a tree the caller frees with
 * scn_yaml_free; every accessor returns borrowed pointers into it.
 */
#ifndef SCN_YAML_H
#define SCN_YAML_H

#include <stdbool.h>
#include <stddef.h>

#define SCN_YAML_MAX_INPUT (1u << 20)   /* 1 MiB: a scenario, not a data set */
#define SCN_YAML_MAX_DEPTH 32
#define SCN_YAML_MAX_NODES 100000

typedef enum { SCN_Y_SCALAR, SCN_Y_MAP, SCN_Y_SEQ } scn_ytype_t;

typedef struct scn_ynode scn_ynode_t;

/* Parses len bytes of text. NULL on any problem, with a one-line reason
 * naming the line ("line 4: mapping values are not allowed here") in err. */
scn_ynode_t *scn_yaml_load(const char *text, size_t len, char *err, size_t errlen);
void scn_yaml_free(scn_ynode_t **root);

scn_ytype_t scn_ynode_type(const scn_ynode_t *n);
/* 1-based line where the node starts. */
int scn_ynode_line(const scn_ynode_t *n);
/* Scalar text (NULL for maps and sequences). */
const char *scn_ynode_str(const scn_ynode_t *n);
/* Was the scalar written in quotes (or as a block)? Plain scalars such as
 * 42, true, ~ may be read as numbers, booleans or null. */
bool scn_ynode_quoted(const scn_ynode_t *n);
/* A plain ~, null or empty scalar. */
bool scn_ynode_is_null(const scn_ynode_t *n);
/* Sequence items or mapping entries. */
size_t scn_ynode_len(const scn_ynode_t *n);
const scn_ynode_t *scn_ynode_at(const scn_ynode_t *n, size_t i);      /* item or mapping value */
const char *scn_ynode_key_at(const scn_ynode_t *n, size_t i);        /* mapping key */
int scn_ynode_key_line(const scn_ynode_t *n, size_t i);
/* Mapping lookup; NULL when absent. */
const scn_ynode_t *scn_ynode_get(const scn_ynode_t *n, const char *key);

#endif
