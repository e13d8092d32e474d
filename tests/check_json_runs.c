/* Unit tests for the fast paths of core/base/json: the printer and the
 * parser copy runs of plain characters several bytes at a time, and an
 * object keeps its keys in one growing buffer. Every special character at
 * every position of strings of every length up to 40 must still be
 * escaped exactly as byte-at-a-time escaping does, and read back intact;
 * keys must survive the buffer growing under them. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* The reference: Python's escapes, one byte at a time. */
static void s_escape(const char *s, size_t n, char *out)
{
    size_t o = 0;
    out[o++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':  memcpy(out + o, "\\\"", 2); o += 2; break;
        case '\\': memcpy(out + o, "\\\\", 2); o += 2; break;
        case '\b': memcpy(out + o, "\\b", 2); o += 2; break;
        case '\f': memcpy(out + o, "\\f", 2); o += 2; break;
        case '\n': memcpy(out + o, "\\n", 2); o += 2; break;
        case '\r': memcpy(out + o, "\\r", 2); o += 2; break;
        case '\t': memcpy(out + o, "\\t", 2); o += 2; break;
        default:
            if (c < 0x20)
                o += (size_t)sprintf(out + o, "\\u%04x", c);
            else
                out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
}

START_TEST(t_special_at_every_position)
{
    /* Specials, plus a byte just above each boundary the fast path tests
     * (0x20 is plain, 0x21 and 0x5d sit next to '"' and '\\'), plus UTF-8. */
    static const char specials[] = { '"', '\\', '\n', '\t', 0x01, 0x1f, 0x20, 0x21, 0x5d, 0x7f };
    char s[48], want[400], text[400];
    for (size_t len = 1; len <= 40; len++) {
        for (size_t pos = 0; pos < len; pos++) {
            for (size_t k = 0; k < sizeof specials + 1; k++) {
                memset(s, 'a' + (int)(len % 26), len);
                if (k < sizeof specials) {
                    s[pos] = specials[k];
                } else if (pos + 1 < len) {
                    s[pos] = (char)0xc3;      /* é */
                    s[pos + 1] = (char)0xa9;
                }
                vs_json_t *v = vs_json_strn(s, len);
                char *out = vs_json_dump(v, 0);
                s_escape(s, len, want);
                ck_assert_str_eq(out, want);

                /* Read back: the same bytes, through the parser's fast path. */
                char err[128];
                snprintf(text, sizeof text, "%s", out);
                vs_json_t *back = vs_json_parse(text, strlen(text), err, sizeof err);
                ck_assert_msg(back != NULL, "%s: %s", text, err);
                ck_assert_uint_eq(vs_json_str_len(back), len);
                ck_assert_mem_eq(vs_json_as_str(back), s, len);
                vs_json_free(&back);
                free(out);
                vs_json_free(&v);
            }
        }
    }
}
END_TEST

START_TEST(t_parser_rejects_control_after_a_run)
{
    /* A raw control character after a long plain run is still refused. */
    char text[64], err[128];
    snprintf(text, sizeof text, "\"%s\x01\"", "abcdefghijklmnopqrstuvwxyz");
    ck_assert_ptr_null(vs_json_parse(text, strlen(text), err, sizeof err));
    /* And a run that reaches the end of the input is unterminated. */
    ck_assert_ptr_null(vs_json_parse("\"abcdefghijklmnop", 17, err, sizeof err));
}
END_TEST

START_TEST(t_keys_survive_growth)
{
    vs_json_t *o = vs_json_object();
    char key[80];
    for (int i = 0; i < 300; i++) {
        /* Keys of growing length make the key buffer move many times. */
        snprintf(key, sizeof key, "%0*d", 1 + i % 70, i);
        ck_assert_ptr_nonnull(vs_json_set(o, key, vs_json_int(i)));
    }
    ck_assert_uint_eq(vs_json_len(o), 300);
    for (int i = 0; i < 300; i++) {
        snprintf(key, sizeof key, "%0*d", 1 + i % 70, i);
        ck_assert_str_eq(vs_json_key_at(o, (size_t)i), key);
        ck_assert_int_eq(vs_json_get_int(o, key, -1), i);
    }
    /* Removing one keeps every other key, in order. */
    ck_assert(vs_json_remove(o, "0"));
    ck_assert_str_eq(vs_json_key_at(o, 0), "01");
    ck_assert_int_eq(vs_json_get_int(o, "01", -1), 1);
    vs_json_t *c = vs_json_clone(o);
    ck_assert(vs_json_equal(o, c));
    vs_json_free(&c);
    vs_json_free(&o);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("json_runs");
    TCase *tc = tcase_create("runs");
    tcase_add_test(tc, t_special_at_every_position);
    tcase_add_test(tc, t_parser_rejects_control_after_a_run);
    tcase_add_test(tc, t_keys_survive_growth);
    suite_add_tcase(s, tc);
    return s;
}
