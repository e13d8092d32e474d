/* page: Describe* paging. See page.h. */
#include "page.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "params.h"

/* A small keyed mix so that tokens are not plain counters a client might
 * be tempted to compute. Not security: just "this token came from us". */
static uint32_t s_check(uint64_t seq)
{
    uint64_t z = seq + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (uint32_t)(z ^ (z >> 31));
}

void vs_page_token(uint64_t seq, char out[VS_PAGE_TOKEN_LEN])
{
    snprintf(out, VS_PAGE_TOKEN_LEN, "vs1.%016" PRIx64 ".%08" PRIx32, seq, s_check(seq));
}

static bool s_hex(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return false;
        v = v << 4 | (uint64_t)d;
    }
    *out = v;
    return true;
}

static int s_parse_token(const char *t, uint64_t *seq)
{
    uint64_t s, chk;
    if (strlen(t) != 4 + 16 + 1 + 8 || strncmp(t, "vs1.", 4) != 0 || t[20] != '.' ||
        !s_hex(t + 4, 16, &s) || !s_hex(t + 21, 8, &chk) || chk != s_check(s))
        return -1;
    *seq = s;
    return 0;
}

int vs_page_parse(const vs_json_t *in, vs_page_t *p, vs_awserr_t *err)
{
    p->max = SIZE_MAX;
    p->start_seq = 0;
    bool have;
    int64_t max;
    if (vs_param_int(in, "MaxResults", &have, &max, err) != 0)
        return -1;
    if (have) {
        if (max < VS_PAGE_MIN || max > VS_PAGE_MAX)
            return vs_awserr_set(err, "InvalidParameterValue",
                                 "Value ( %" PRId64 " ) for parameter maxResults is invalid. "
                                 "Parameter must be between %d and %d.",
                                 max, VS_PAGE_MIN, VS_PAGE_MAX);
        p->max = (size_t)max;
    }
    const char *tok;
    if (vs_param_str(in, "NextToken", false, &tok, err) != 0)
        return -1;
    if (tok && tok[0] && s_parse_token(tok, &p->start_seq) != 0)
        return vs_awserr_set(err, "InvalidPaginationToken",
                             "The specified pagination token is not valid or is expired.");
    return 0;
}
