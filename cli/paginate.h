/* paginate: the AWS CLI's automatic pagination of describe-* operations
 * (botocore PageIterator.build_full_result): call the operation page after
 * page, following NextToken, and print one document with the result list
 * of every page merged, the other keys of the first page, and no
 * NextToken, unless --max-items stopped early, in which case NextToken is
 * botocore's resume token (base64 of {"NextToken": ..., "boto_truncate_amount": N}),
 * which --starting-token accepts back.
 *
 * Pure: pages come from a fetch callback, so tests can feed fake pages.
 */
#ifndef CLI_PAGINATE_H
#define CLI_PAGINATE_H

#include "argparse.h"
#include "json.h"

/* Fetches one page for `input` (borrowed). Returns 0 with *output owned by
 * the caller, or a non-zero exit code (the callback reported the error). */
typedef int (*cli_fetch_fn)(void *ctx, const vs_json_t *input, vs_json_t **output);

/* Returns 0 with *out (caller owns) or an exit code; on a pagination error
 * of its own *err is a malloc'd message for stderr. */
int cli_paginate(const char *result_key, const vs_json_t *input, const cli_paging_t *paging,
                 cli_fetch_fn fetch, void *ctx, vs_json_t **out, char **err);

/* The resume token for (next_token or NULL, truncate amount); malloc'd. */
char *cli_paginate_encode_token(const char *next_token, int64_t truncate);
/* Decodes a --starting-token: botocore's encoded form or, as botocore also
 * accepts, a bare service token. *next_token is malloc'd (NULL if none). */
void cli_paginate_decode_token(const char *token, char **next_token, int64_t *truncate);

#endif
