/* pyjson: Python json.loads' syntax errors (see pyjson.h). The structure
 * follows CPython's Modules/_json.c scanner, which raises the messages. */
#include "pyjson.h"

#include <stdio.h>
#include <string.h>

#define S_MAX_DEPTH 512

typedef struct {
    const char *s;
    size_t len;
    const char *msg;   /* first error; NULL while fine */
    size_t at;         /* its byte offset */
} s_scan_t;

static bool s_fail(s_scan_t *sc, const char *msg, size_t at)
{
    if (!sc->msg) {
        sc->msg = msg;
        sc->at = at;
    }
    return false;
}

static size_t s_ws(const s_scan_t *sc, size_t i)
{
    while (i < sc->len && (sc->s[i] == ' ' || sc->s[i] == '\t' || sc->s[i] == '\n' || sc->s[i] == '\r'))
        i++;
    return i;
}

static bool s_lit(const s_scan_t *sc, size_t i, const char *word)
{
    size_t n = strlen(word);
    return i + n <= sc->len && memcmp(sc->s + i, word, n) == 0;
}

static bool s_digit(const s_scan_t *sc, size_t i)
{
    return i < sc->len && sc->s[i] >= '0' && sc->s[i] <= '9';
}

static bool s_hex4(const s_scan_t *sc, size_t i)
{
    if (i + 4 > sc->len)
        return false;
    for (size_t k = i; k < i + 4; k++) {
        char c = sc->s[k];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

/* A string whose opening quote is at i - 1; *end gets the offset after
 * the closing quote. */
static bool s_string(s_scan_t *sc, size_t i, size_t *end)
{
    size_t begin = i - 1;
    while (i < sc->len) {
        unsigned char c = (unsigned char)sc->s[i];
        if (c == '"') {
            *end = i + 1;
            return true;
        }
        if (c < 0x20)
            return s_fail(sc, "Invalid control character at", i);
        if (c == '\\') {
            i++;
            if (i >= sc->len)
                break;
            char e = sc->s[i];
            if (e == 'u') {
                /* CPython also refuses an escape that ends the input. */
                if (i + 5 >= sc->len || !s_hex4(sc, i + 1))
                    return s_fail(sc, "Invalid \\uXXXX escape", i);
                i += 5;
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || e == '\0')
                return s_fail(sc, "Invalid \\escape", i - 1);
        }
        i++;
    }
    return s_fail(sc, "Unterminated string starting at", begin);
}

static bool s_value(s_scan_t *sc, size_t i, size_t *end, int depth);

static bool s_object(s_scan_t *sc, size_t i, size_t *end, int depth)
{
    i = s_ws(sc, i);
    if (i < sc->len && sc->s[i] == '}') {
        *end = i + 1;
        return true;
    }
    for (;;) {
        if (i >= sc->len || sc->s[i] != '"')
            return s_fail(sc, "Expecting property name enclosed in double quotes", i);
        if (!s_string(sc, i + 1, &i))
            return false;
        i = s_ws(sc, i);
        if (i >= sc->len || sc->s[i] != ':')
            return s_fail(sc, "Expecting ':' delimiter", i);
        i = s_ws(sc, i + 1);
        if (!s_value(sc, i, &i, depth + 1))
            return false;
        i = s_ws(sc, i);
        if (i < sc->len && sc->s[i] == '}') {
            *end = i + 1;
            return true;
        }
        if (i >= sc->len || sc->s[i] != ',')
            return s_fail(sc, "Expecting ',' delimiter", i);
        i = s_ws(sc, i + 1);
    }
}

static bool s_array(s_scan_t *sc, size_t i, size_t *end, int depth)
{
    i = s_ws(sc, i);
    if (i < sc->len && sc->s[i] == ']') {
        *end = i + 1;
        return true;
    }
    for (;;) {
        if (!s_value(sc, i, &i, depth + 1))
            return false;
        i = s_ws(sc, i);
        if (i < sc->len && sc->s[i] == ']') {
            *end = i + 1;
            return true;
        }
        if (i >= sc->len || sc->s[i] != ',')
            return s_fail(sc, "Expecting ',' delimiter", i);
        i = s_ws(sc, i + 1);
    }
}

/* The number grammar of json.scanner: -?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)? */
static bool s_number(s_scan_t *sc, size_t i, size_t *end)
{
    size_t start = i;
    if (i < sc->len && sc->s[i] == '-')
        i++;
    if (!s_digit(sc, i))
        return s_fail(sc, "Expecting value", start);
    if (sc->s[i] == '0')
        i++;
    else
        while (s_digit(sc, i))
            i++;
    if (i + 1 < sc->len && sc->s[i] == '.' && s_digit(sc, i + 1)) {
        i++;
        while (s_digit(sc, i))
            i++;
    }
    if (i < sc->len && (sc->s[i] == 'e' || sc->s[i] == 'E')) {
        size_t j = i + 1;
        if (j < sc->len && (sc->s[j] == '+' || sc->s[j] == '-'))
            j++;
        if (s_digit(sc, j)) {
            while (s_digit(sc, j))
                j++;
            i = j;
        }
    }
    *end = i;
    return true;
}

static bool s_value(s_scan_t *sc, size_t i, size_t *end, int depth)
{
    if (depth > S_MAX_DEPTH)
        return s_fail(sc, "maximum recursion depth exceeded", i);
    if (i >= sc->len)
        return s_fail(sc, "Expecting value", i);
    switch (sc->s[i]) {
    case '"': return s_string(sc, i + 1, end);
    case '{': return s_object(sc, i + 1, end, depth);
    case '[': return s_array(sc, i + 1, end, depth);
    default: break;
    }
    static const char *const words[] = { "null", "true", "false", "NaN", "Infinity", "-Infinity" };
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        if (s_lit(sc, i, words[k])) {
            *end = i + strlen(words[k]);
            return true;
        }
    }
    return s_number(sc, i, end);
}

bool cli_pyjson_check(const char *text, size_t len, char *msg, size_t msglen)
{
    s_scan_t sc = { .s = text, .len = len };
    size_t i = s_ws(&sc, 0), end = 0;
    if (s_value(&sc, i, &end, 0)) {
        end = s_ws(&sc, end);
        if (end == len)
            return true;
        s_fail(&sc, "Extra data", end);
    }
    /* lineno/colno/pos as json.JSONDecodeError computes them, in code points. */
    size_t line = 1, col = 1, pos = 0;
    for (size_t k = 0; k < sc.at && k < len; k++) {
        if (((unsigned char)text[k] & 0xc0) == 0x80)
            continue;
        pos++;
        col++;
        if (text[k] == '\n') {
            line++;
            col = 1;
        }
    }
    snprintf(msg, msglen, "%s: line %zu column %zu (char %zu)", sc.msg, line, col, pos);
    return false;
}
