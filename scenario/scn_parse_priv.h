/* scn_parse_priv: what the parts of the scenario parser share, each using
 * only those before it: scn_fields.c (typed field readers),
 * scn_parse_expect.c (the expectations), scn_parse.c (the file, the agents,
 * the steps). Not for other modules. */
#ifndef SCN_PARSE_PRIV_H
#define SCN_PARSE_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "scn_model.h"
#include "scn_yaml.h"

typedef struct {
    const char *path;
    scn_scenario_t *scn;
    char err[1024];
    char field[160];           /* "step 3, field 'expect.output'" */
    /* names defined so far: earlier steps' outputs */
    char names[SCN_MAX_STEPS][SCN_NAME_MAX];
    size_t nnames;
} scn_pctx_t;

/* scn_fields.c */
/* Writes "FILE:LINE: FIELD: what" into c->err; returns -1. */
int scn__fail(scn_pctx_t *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The field named in the next message: "step N, field 'NAME'" (step 0: no step). */
void scn__field(scn_pctx_t *c, size_t step, const char *name);
const char *scn__type_name(const scn_ynode_t *n);
/* Only the keys in allowed (NULL-terminated) may appear in map. 0 or -1. */
int scn__keys(scn_pctx_t *c, const scn_ynode_t *map, const char *const *allowed, const char *where);
/* The node's type must be t; `what` names what is expected. 0 or -1. */
int scn__want(scn_pctx_t *c, const scn_ynode_t *n, scn_ytype_t t, const char *what);
/* Typed scalars, range-checked. 0 or -1. */
int scn__string(scn_pctx_t *c, const scn_ynode_t *n, const char **out);
int scn__number(scn_pctx_t *c, const scn_ynode_t *n, double lo, double hi, double *out);
int scn__integer(scn_pctx_t *c, const scn_ynode_t *n, long long lo, long long hi, long long *out);
int scn__boolean(scn_pctx_t *c, const scn_ynode_t *n, bool *out);
/* strdup that never returns NULL: out of memory ends the command with a message. */
char *scn__dup(const char *s);
/* Every ${NAME.PATH} in s names an earlier step. 0 or -1. */
int scn__refs(scn_pctx_t *c, const char *s, int line);

/* Reads a step's expect: mapping into st. 0 or -1. */
int scn__expect(scn_pctx_t *c, size_t idx, const scn_ynode_t *n, scn_step_t *st);

#endif
