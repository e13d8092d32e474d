/* suggest: invalid-choice messages (see suggest.h). */
#include "suggest.h"

#include <stdlib.h>
#include <string.h>

/* Total size of difflib's matching blocks: the longest common substring
 * (earliest in a, then in b), then recursively left and right of it. */
static size_t s_matching(const char *a, size_t alo, size_t ahi, const char *b, size_t blo, size_t bhi)
{
    size_t besti = alo, bestj = blo, bestsize = 0;
    for (size_t i = alo; i < ahi; i++) {
        for (size_t j = blo; j < bhi; j++) {
            size_t k = 0;
            while (i + k < ahi && j + k < bhi && a[i + k] == b[j + k])
                k++;
            if (k > bestsize) {
                besti = i;
                bestj = j;
                bestsize = k;
            }
        }
    }
    if (!bestsize)
        return 0;
    return bestsize + s_matching(a, alo, besti, b, blo, bestj) +
           s_matching(a, besti + bestsize, ahi, b, bestj + bestsize, bhi);
}

double cli_suggest_ratio(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la + lb == 0)
        return 1.0;
    return 2.0 * (double)s_matching(a, 0, la, b, 0, lb) / (double)(la + lb);
}

void cli_suggest_invalid_choice(vs_buf_t *b, const char *what, const char *value,
                                const char *const *choices, size_t n)
{
    vs_buf_printf(b, "argument %s: Invalid choice, valid choices are:\n", what);
    for (size_t i = 0; i < n; i += 2) {
        vs_buf_printf(b, "\n%-40s", choices[i]);
        if (i + 1 < n)
            vs_buf_printf(b, " | %-40s", choices[i + 1]);
    }
    /* get_close_matches(value, choices, n=3, cutoff=0.8): best first,
     * ties in reverse alphabetical order (heapq.nlargest on tuples). */
    size_t best[3];
    double score[3];
    size_t nbest = 0;
    for (size_t i = 0; i < n; i++) {
        double r = cli_suggest_ratio(choices[i], value);
        if (r < 0.8)
            continue;
        size_t pos = nbest;
        while (pos > 0 && (score[pos - 1] < r ||
                           (score[pos - 1] == r && strcmp(choices[best[pos - 1]], choices[i]) < 0)))
            pos--;
        if (pos >= 3)
            continue;
        for (size_t k = (nbest < 3 ? nbest : 2); k > pos; k--) {
            best[k] = best[k - 1];
            score[k] = score[k - 1];
        }
        best[pos] = i;
        score[pos] = r;
        if (nbest < 3)
            nbest++;
    }
    if (nbest) {
        vs_buf_printf(b, "\n\n\nInvalid choice: '%s', maybe you meant:\n", value);
        for (size_t k = 0; k < nbest; k++)
            vs_buf_printf(b, "\n  * %s", choices[best[k]]);
    }
}
