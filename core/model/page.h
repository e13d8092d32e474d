/* page: MaxResults / NextToken paging of Describe* results.
 *
 * Results are in creation order, and every object has a creation sequence
 * number, so a NextToken names the sequence number the next page starts
 * at. Objects created or deleted between two pages therefore neither
 * repeat nor shift the pages (an offset would). The token is opaque to
 * clients: a version tag, the number and a check value, so a token that
 * was not issued by us is refused instead of silently restarting.
 *
 * MaxResults must be 5..1000 as in EC2; without it everything is returned
 * in one page.
 */
#ifndef VS_PAGE_H
#define VS_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awserr.h"
#include "json.h"

#define VS_PAGE_MIN 5
#define VS_PAGE_MAX 1000
#define VS_PAGE_TOKEN_LEN 48

typedef struct vs_page {
    size_t max;                /* page size; SIZE_MAX without MaxResults */
    uint64_t start_seq;        /* first sequence number to return */
} vs_page_t;

/* Reads MaxResults and NextToken from the input (borrowed). */
int vs_page_parse(const vs_json_t *in, vs_page_t *p, vs_awserr_t *err);
/* The token for a page starting at seq. */
void vs_page_token(uint64_t seq, char out[VS_PAGE_TOKEN_LEN]);

#endif
