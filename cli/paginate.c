/* paginate: automatic pagination (see paginate.h). */
#include "paginate.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "globals.h"

/* A service that keeps handing out tokens is a bug; stop eventually. */
#define S_MAX_PAGES 100000

char *cli_paginate_encode_token(const char *next_token, int64_t truncate)
{
    /* json.dumps() with Python's default separators, as botocore encodes. */
    vs_buf_t j = VS_BUF_INIT;
    vs_buf_putc(&j, '{');
    if (next_token) {
        vs_json_t *s = vs_json_str(next_token);
        char *q = vs_json_dump(s, 0);
        vs_buf_printf(&j, "\"NextToken\": %s", q ? q : "\"\"");
        free(q);
        vs_json_free(&s);
    }
    if (truncate > 0)
        vs_buf_printf(&j, "%s\"boto_truncate_amount\": %lld", next_token ? ", " : "", (long long)truncate);
    vs_buf_putc(&j, '}');
    size_t n = sodium_base64_ENCODED_LEN(j.len, sodium_base64_VARIANT_ORIGINAL);
    char *out = malloc(n);
    if (out)
        sodium_bin2base64(out, n, (const unsigned char *)vs_buf_str(&j), j.len, sodium_base64_VARIANT_ORIGINAL);
    vs_buf_release(&j);
    return out;
}

void cli_paginate_decode_token(const char *token, char **next_token, int64_t *truncate)
{
    *next_token = NULL;
    *truncate = 0;
    size_t len = strlen(token), bin_len = 0;
    unsigned char *bin = malloc(len + 1);
    vs_json_t *doc = NULL;
    if (bin && sodium_base642bin(bin, len, token, len, NULL, &bin_len, NULL,
                                 sodium_base64_VARIANT_ORIGINAL) == 0)
        doc = vs_json_parse((const char *)bin, bin_len, NULL, 0);
    free(bin);
    if (vs_json_type(doc) == VS_JSON_OBJECT &&
        (vs_json_get(doc, "NextToken") || vs_json_get(doc, "boto_truncate_amount"))) {
        const char *nt = vs_json_get_str(doc, "NextToken");
        *next_token = nt ? strdup(nt) : NULL;
        *truncate = vs_json_get_int(doc, "boto_truncate_amount", 0);
    } else {
        *next_token = strdup(token);
    }
    vs_json_free(&doc);
}

int cli_paginate(const char *result_key, const vs_json_t *input, const cli_paging_t *paging,
                 cli_fetch_fn fetch, void *ctx, vs_json_t **out, char **err)
{
    *out = NULL;
    *err = NULL;
    char *token = NULL;
    int64_t truncate = 0;
    if (paging->starting_token)
        cli_paginate_decode_token(paging->starting_token, &token, &truncate);
    vs_json_t *merged = vs_json_array();
    vs_json_t *first = NULL;        /* the first page, for its other keys */
    char *resume = NULL;
    int rc = 0;
    int64_t taken = 0;
    for (int page_no = 0; page_no < S_MAX_PAGES; page_no++) {
        vs_json_t *in = vs_json_clone(input);
        if (token)
            vs_json_set_str(in, "NextToken", token);
        if (paging->page_size > 0)
            vs_json_set_int(in, "MaxResults", paging->page_size);
        vs_json_t *page = NULL;
        rc = fetch(ctx, in, &page);
        vs_json_free(&in);
        if (rc)
            break;
        const vs_json_t *items = vs_json_get(page, result_key);
        size_t n = vs_json_type(items) == VS_JSON_ARRAY ? vs_json_len(items) : 0;
        size_t start = page_no == 0 && truncate > 0 ? (size_t)truncate : 0;
        size_t i = start;
        for (; i < n; i++) {
            if (paging->max_items > 0 && taken >= paging->max_items)
                break;
            vs_json_push(merged, vs_json_clone(vs_json_at(items, i)));
            taken++;
        }
        const char *next = vs_json_get_str(page, "NextToken");
        bool more = next && *next;
        if (i < n) {
            /* --max-items stopped inside this page. */
            resume = cli_paginate_encode_token(token, (int64_t)i);
        } else if (paging->max_items > 0 && taken >= paging->max_items && more) {
            resume = cli_paginate_encode_token(next, 0);
        }
        if (more && token && !strcmp(next, token) && !resume) {
            *err = cli_error_text("The same next token was received twice: {'NextToken': '%s'}", next);
            rc = CLI_EXIT_FAILED;
            vs_json_free(&page);
            break;
        }
        free(token);
        token = more && !resume ? strdup(next) : NULL;
        if (!first)
            first = page;
        else
            vs_json_free(&page);
        if (!token)
            break;
    }
    if (rc == 0) {
        vs_json_t *doc = vs_json_object();
        if (vs_json_get(first, result_key) || vs_json_len(merged))
            vs_json_set(doc, result_key, merged);
        else
            vs_json_free(&merged);
        merged = NULL;
        for (size_t i = 0; i < vs_json_len(first); i++) {
            const char *k = vs_json_key_at(first, i);
            if (strcmp(k, result_key) && strcmp(k, "NextToken"))
                vs_json_set(doc, k, vs_json_clone(vs_json_at(first, i)));
        }
        if (resume)
            vs_json_set_str(doc, "NextToken", resume);
        *out = doc;
    }
    vs_json_free(&merged);
    vs_json_free(&first);
    free(token);
    free(resume);
    return rc;
}
