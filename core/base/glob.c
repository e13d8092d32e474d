/* glob: EC2 filter-value wildcards ('*', '?', backslash escapes). */
#include "glob.h"

#include <stddef.h>

/* Length in bytes of the UTF-8 sequence starting at s (1 for ASCII and for
 * malformed bytes, so that matching always makes progress and never reads
 * past the terminating NUL). */
static size_t s_char_len(const char *s)
{
    unsigned char c = (unsigned char)s[0];
    size_t n = 1;
    if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else if (c >= 0xE0)
        n = 3;
    else if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            return 1;
    return n;
}

/* One pattern token: either a wildcard or a literal byte sequence. */
typedef enum { TOK_END, TOK_STAR, TOK_ANY, TOK_LIT } tok_kind_t;

typedef struct {
    tok_kind_t kind;
    const char *lit;   /* literal bytes (TOK_LIT) */
    size_t len;        /* bytes of pattern consumed */
    size_t lit_len;    /* bytes of literal to compare */
} tok_t;

static tok_t s_token(const char *p)
{
    tok_t t = { TOK_END, NULL, 0, 0 };
    if (*p == '\0')
        return t;
    if (*p == '*') {
        t.kind = TOK_STAR;
        t.len = 1;
        return t;
    }
    if (*p == '?') {
        t.kind = TOK_ANY;
        t.len = 1;
        return t;
    }
    t.kind = TOK_LIT;
    if (*p == '\\' && p[1] != '\0') {
        t.lit = p + 1;
        t.lit_len = s_char_len(p + 1);
        t.len = 1 + t.lit_len;
    } else {
        t.lit = p;
        t.lit_len = s_char_len(p);
        t.len = t.lit_len;
    }
    return t;
}

bool vs_glob_match(const char *pattern, const char *text)
{
    if (!pattern || !text)
        return false;
    const char *p = pattern, *t = text;
    const char *star_p = NULL, *star_t = NULL;   /* backtrack point */

    for (;;) {
        tok_t tok = s_token(p);
        if (tok.kind == TOK_STAR) {
            /* Remember where to resume if the rest fails: let this star
             * swallow one more character of text next time. */
            p += tok.len;
            star_p = p;
            star_t = t;
            continue;
        }
        if (tok.kind == TOK_END && *t == '\0')
            return true;
        bool ok = false;
        if (*t != '\0') {
            size_t cl = s_char_len(t);
            if (tok.kind == TOK_ANY) {
                t += cl;
                p += tok.len;
                ok = true;
            } else if (tok.kind == TOK_LIT) {
                size_t i = 0;
                while (i < tok.lit_len && t[i] == tok.lit[i])
                    i++;
                if (i == tok.lit_len) {
                    t += tok.lit_len;
                    p += tok.len;
                    ok = true;
                }
            }
        }
        if (ok)
            continue;
        if (!star_p || *star_t == '\0')
            return false;
        star_t += s_char_len(star_t);
        t = star_t;
        p = star_p;
    }
}

bool vs_glob_has_wildcard(const char *pattern)
{
    if (!pattern)
        return false;
    for (const char *p = pattern; *p;) {
        tok_t tok = s_token(p);
        if (tok.kind == TOK_STAR || tok.kind == TOK_ANY)
            return true;
        p += tok.len;
    }
    return false;
}
