/* gw_form: decodes an application/x-www-form-urlencoded body (or a query
 * string) into key/value pairs: '+' is a space, %XX a byte; pairs are kept
 * in the order received (clients differ: the AWS CLI sends model order,
 * Terraform alphabetical). Sans-IO, bounded.
 *
 * Ownership: gw_form_parse returns a form owned by the caller
 * (gw_form_free); keys and values are NUL-terminated copies inside it.
 */
#ifndef GW_FORM_H
#define GW_FORM_H

#include <stddef.h>

#include "gw_err.h"

#define GW_FORM_MAX_PAIRS 2000
#define GW_FORM_MAX_KEY 512

typedef struct {
    char *key;
    char *value;
} gw_pair_t;

typedef struct {
    gw_pair_t *pairs;
    size_t n;
} gw_form_t;

/* Returns NULL with err set (400 MalformedQueryString) on a bad %-escape,
 * an empty or over-long key, too many pairs, or a NUL byte. */
gw_form_t *gw_form_parse(const char *text, size_t len, gw_err_t *err);
void gw_form_free(gw_form_t **f);
/* The value of the first pair named key, or NULL. */
const char *gw_form_get(const gw_form_t *f, const char *key);

#endif
