/* Unit tests for core/json: parser, tree, printer. The expected indent=4
 * texts were produced by Python's json.dumps(obj, indent=4,
 * ensure_ascii=False), which is what the AWS CLI prints. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static vs_json_t *s_parse(const char *text)
{
    char err[128];
    vs_json_t *v = vs_json_parse(text, strlen(text), err, sizeof err);
    ck_assert_msg(v != NULL, "parse of %s failed: %s", text, err);
    return v;
}

/* Parses, dumps with `indent`, compares with `want`, frees. */
static void s_expect_dump(const char *text, int indent, const char *want)
{
    vs_json_t *v = s_parse(text);
    char *out = vs_json_dump(v, indent);
    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(out, want);
    free(out);
    vs_json_free(&v);
    ck_assert_ptr_null(v);
}

START_TEST(t_scalars)
{
    vs_json_t *v = s_parse(" null ");
    ck_assert_int_eq(vs_json_type(v), VS_JSON_NULL);
    vs_json_free(&v);

    v = s_parse("true");
    ck_assert(vs_json_as_bool(v, false));
    vs_json_free(&v);

    v = s_parse("-9223372036854775808");
    ck_assert(vs_json_is_int(v));
    ck_assert(vs_json_as_int(v, 0) == INT64_MIN);
    vs_json_free(&v);

    v = s_parse("9223372036854775807");
    ck_assert(vs_json_as_int(v, 0) == INT64_MAX);
    vs_json_free(&v);

    /* One past INT64_MAX no longer fits and becomes a double. */
    v = s_parse("9223372036854775808");
    ck_assert(!vs_json_is_int(v));
    ck_assert(vs_json_as_num(v, 0) == 9223372036854775808.0);
    vs_json_free(&v);

    v = s_parse("2.5e3");
    ck_assert(!vs_json_is_int(v));
    ck_assert(vs_json_as_num(v, 0) == 2500.0);
    ck_assert_int_eq(vs_json_as_int(v, -1), 2500);
    vs_json_free(&v);

    v = s_parse("\"vpc-1\"");
    ck_assert_str_eq(vs_json_as_str(v), "vpc-1");
    ck_assert_uint_eq(vs_json_str_len(v), 5);
    ck_assert_int_eq(vs_json_as_int(v, 42), 42);      /* type mismatch */
    ck_assert(vs_json_as_num(v, 1.5) == 1.5);
    ck_assert(vs_json_as_bool(v, true));
    vs_json_free(&v);
}
END_TEST

START_TEST(t_compact_roundtrip)
{
    static const char *docs[] = {
        "null", "true", "false", "0", "-1", "1.5", "\"\"", "[]", "{}",
        "[1,2,3]",
        "{\"a\":1,\"b\":[2,{\"c\":null}],\"d\":\"x\"}",
        "{\"z\":1,\"a\":2,\"m\":3}",                 /* insertion order kept */
        "[[[[]]],{},{\"\":\"\"}]",
        "{\"Tags\":[{\"Key\":\"Name\",\"Value\":\"é€😀\"}]}",
        "[1.0,0.5,-0.0,1e+16,1e-05,123.456,5e-324,1.7976931348623157e+308]",
        "\"\\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\"",
        "[true,false,null,-9223372036854775808,9223372036854775807]",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        s_expect_dump(docs[i], 0, docs[i]);
}
END_TEST

START_TEST(t_whitespace_is_dropped)
{
    s_expect_dump(" \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" : { } }\n ", 0, "{\"a\":[1,2],\"b\":{}}");
}
END_TEST

START_TEST(t_indent4_layout)
{
    static const char *in =
        "{\"VpcPeeringConnection\":{\"AccepterVpcInfo\":{\"OwnerId\":\"444455556666\","
        "\"VpcId\":\"vpc-0a1b2c3d4e5f67890\",\"Region\":\"us-west-2\"},"
        "\"Status\":{\"Code\":\"initiating-request\","
        "\"Message\":\"Initiating Request to 444455556666\"},\"Tags\":[],"
        "\"VpcPeeringConnectionId\":\"pcx-111aaa111\"},\"Empty\":{},"
        "\"List\":[1,2.5,true,null,\"é€😀\\n\"]}";
    static const char *want =
        "{\n"
        "    \"VpcPeeringConnection\": {\n"
        "        \"AccepterVpcInfo\": {\n"
        "            \"OwnerId\": \"444455556666\",\n"
        "            \"VpcId\": \"vpc-0a1b2c3d4e5f67890\",\n"
        "            \"Region\": \"us-west-2\"\n"
        "        },\n"
        "        \"Status\": {\n"
        "            \"Code\": \"initiating-request\",\n"
        "            \"Message\": \"Initiating Request to 444455556666\"\n"
        "        },\n"
        "        \"Tags\": [],\n"
        "        \"VpcPeeringConnectionId\": \"pcx-111aaa111\"\n"
        "    },\n"
        "    \"Empty\": {},\n"
        "    \"List\": [\n"
        "        1,\n"
        "        2.5,\n"
        "        true,\n"
        "        null,\n"
        "        \"é€😀\\n\"\n"
        "    ]\n"
        "}";
    s_expect_dump(in, 4, want);
}
END_TEST

START_TEST(t_indent_other_widths)
{
    s_expect_dump("[]", 4, "[]");
    s_expect_dump("{}", 4, "{}");
    s_expect_dump("\"x\"", 4, "\"x\"");
    s_expect_dump("[[]]", 4, "[\n    []\n]");
    s_expect_dump("{\"a\":[1]}", 2, "{\n  \"a\": [\n    1\n  ]\n}");
    s_expect_dump("[[1,[2]]]", 1, "[\n [\n  1,\n  [\n   2\n  ]\n ]\n]");
    s_expect_dump("{\"a\":1}", -3, "{\"a\":1}");
}
END_TEST

START_TEST(t_number_repr)
{
    /* Expected strings are Python's repr() of the same doubles. */
    static const struct { double d; const char *want; } cases[] = {
        { 1.0, "1.0" }, { 0.5, "0.5" }, { 0.1, "0.1" }, { 100.0, "100.0" },
        { 1e16, "1e+16" }, { 1e15, "1000000000000000.0" }, { 1e22, "1e+22" },
        { 1e-5, "1e-05" }, { 1e-4, "0.0001" }, { -0.0, "-0.0" },
        { 123.456, "123.456" }, { 1.7976931348623157e+308, "1.7976931348623157e+308" },
        { 5e-324, "5e-324" }, { 2.5e-07, "2.5e-07" }, { -1.5e-10, "-1.5e-10" },
        { 0.30000000000000004, "0.30000000000000004" },
        { 9007199254740993.0, "9007199254740992.0" },
        { 1234567890123456.7, "1234567890123456.8" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vs_json_t *v = vs_json_num(cases[i].d);
        char *out = vs_json_dump(v, 0);
        ck_assert_str_eq(out, cases[i].want);
        /* And the text reads back as the same double. */
        vs_json_t *back = s_parse(out);
        ck_assert(vs_json_as_num(back, 0) == cases[i].d);
        free(out);
        vs_json_free(&back);
        vs_json_free(&v);
    }
    /* Integer-ness follows the text, as with Python's int and float. */
    s_expect_dump("[1,1.0,1e2,-0,-0.0,10E-1]", 0, "[1,1.0,100.0,0,-0.0,1.0]");

    vs_json_t *v = vs_json_int(-42);
    char *out = vs_json_dump(v, 4);
    ck_assert_str_eq(out, "-42");
    free(out);
    vs_json_free(&v);

    /* NaN and infinities are not JSON: printed as null. */
    v = vs_json_num(1.0 / 0.0);
    out = vs_json_dump(v, 0);
    ck_assert_str_eq(out, "null");
    free(out);
    vs_json_free(&v);
}
END_TEST

START_TEST(t_string_escapes)
{
    /* \u escapes, surrogate pairs and raw UTF-8 all decode to UTF-8. */
    vs_json_t *v = s_parse("\"a\\u00e9\\u20AC\\ud83d\\ude00\\/\\\"é😀\"");
    ck_assert_str_eq(vs_json_as_str(v), "aé€😀/\"é😀");
    vs_json_free(&v);

    /* An escaped NUL is kept in the value (with its length). */
    v = s_parse("\"a\\u0000b\"");
    ck_assert_uint_eq(vs_json_str_len(v), 3);
    ck_assert(memcmp(vs_json_as_str(v), "a\0b", 4) == 0);
    char *out = vs_json_dump(v, 0);
    ck_assert_str_eq(out, "\"a\\u0000b\"");
    free(out);
    vs_json_free(&v);

    /* Python's escapes: short forms for \b \f \n \r \t, \u00XX for the
     * rest of C0, nothing for '/', DEL or non-ASCII. */
    v = vs_json_str("\x01\b\f\n\r\t\x1f\x7f/\"\\é\xe2\x80\xa8");
    out = vs_json_dump(v, 4);
    ck_assert_str_eq(out, "\"\\u0001\\b\\f\\n\\r\\t\\u001f\x7f/\\\"\\\\é\xe2\x80\xa8\"");
    free(out);
    vs_json_free(&v);

    v = vs_json_strn("ab\0c", 4);
    ck_assert_uint_eq(vs_json_str_len(v), 4);
    out = vs_json_dump(v, 0);
    ck_assert_str_eq(out, "\"ab\\u0000c\"");
    free(out);
    vs_json_free(&v);
}
END_TEST

/* The printer copies plain strings in blocks of 16 and 8 bytes and falls
 * back to escaping when it meets a byte that needs it: every length and
 * every position of the first such byte prints the same as escaping byte
 * by byte would. */
START_TEST(t_string_blocks)
{
    static const char special[] = { '"', '\\', '\n', 0x01, 0x1f };
    static const char *escaped[] = { "\\\"", "\\\\", "\\n", "\\u0001", "\\u001f" };
    for (size_t len = 0; len <= 40; len++) {
        for (size_t at = 0; at <= len; at++) {           /* at == len: none */
            for (size_t k = 0; k < sizeof special; k++) {
                char in[48], want[256];
                size_t w = 0;
                want[w++] = '"';
                for (size_t i = 0; i < len; i++) {
                    /* Plain ASCII and UTF-8 bytes (0xc3 0xa9 = é) pass through. */
                    in[i] = i % 5 == 3 ? (char)0xc3 : i % 5 == 4 ? (char)0xa9 : (char)('a' + i % 26);
                    if (i == at)
                        in[i] = special[k];
                    if (i == at) {
                        memcpy(want + w, escaped[k], strlen(escaped[k]));
                        w += strlen(escaped[k]);
                    } else {
                        want[w++] = in[i];
                    }
                }
                want[w++] = '"';
                want[w] = '\0';
                vs_json_t *v = vs_json_strn(in, len);
                char *out = vs_json_dump(v, 0);
                ck_assert_str_eq(out, want);
                free(out);
                vs_json_free(&v);
                if (at == len)
                    break;                               /* one run without a special */
            }
        }
    }
}
END_TEST

START_TEST(t_object_api)
{
    vs_json_t *o = vs_json_object();
    vs_json_set_str(o, "b", "x");
    vs_json_set_int(o, "a", 1);
    vs_json_set_bool(o, "c", true);
    ck_assert_uint_eq(vs_json_len(o), 3);
    ck_assert_str_eq(vs_json_key_at(o, 0), "b");
    ck_assert_str_eq(vs_json_key_at(o, 1), "a");
    ck_assert_ptr_null(vs_json_key_at(o, 3));
    ck_assert_ptr_null(vs_json_at(o, 3));

    /* Replacing keeps the position. */
    vs_json_set_int(o, "b", 7);
    ck_assert_uint_eq(vs_json_len(o), 3);
    ck_assert_str_eq(vs_json_key_at(o, 0), "b");
    ck_assert_int_eq(vs_json_get_int(o, "b", 0), 7);
    ck_assert_ptr_null(vs_json_get_str(o, "b"));
    ck_assert(vs_json_get_bool(o, "c", false));
    ck_assert_int_eq(vs_json_get_int(o, "missing", -5), -5);

    ck_assert(vs_json_remove(o, "a"));
    ck_assert(!vs_json_remove(o, "a"));
    char *out = vs_json_dump(o, 0);
    ck_assert_str_eq(out, "{\"b\":7,\"c\":true}");
    free(out);

    /* Wrong container types: value freed, NULL returned, nothing added. */
    vs_json_t *arr = vs_json_array();
    ck_assert_ptr_null(vs_json_set(arr, "k", vs_json_int(1)));
    ck_assert_ptr_null(vs_json_push(o, vs_json_int(1)));
    ck_assert_ptr_null(vs_json_set(o, "k", NULL));
    ck_assert_uint_eq(vs_json_len(arr), 0);
    ck_assert_uint_eq(vs_json_len(o), 2);
    ck_assert_ptr_null(vs_json_get(arr, "k"));
    ck_assert_ptr_null(vs_json_key_at(arr, 0));

    vs_json_t *one = vs_json_push(arr, vs_json_int(1));
    ck_assert_ptr_eq(vs_json_at(arr, 0), one);
    ck_assert_uint_eq(vs_json_len(arr), 1);
    ck_assert_uint_eq(vs_json_len(one), 0);
    vs_json_free(&arr);
    vs_json_free(&o);
    vs_json_free(&o);                   /* NULL is fine */
    vs_json_free(NULL);
}
END_TEST

START_TEST(t_large_object)
{
    /* Enough keys to use the hash index; check order, lookup, replace and
     * remove through it. */
    vs_json_t *o = vs_json_object();
    char key[32];
    for (int i = 0; i < 500; i++) {
        snprintf(key, sizeof key, "Key%03d", i);
        vs_json_set_int(o, key, i);
    }
    for (int i = 0; i < 500; i += 2) {
        snprintf(key, sizeof key, "Key%03d", i);
        vs_json_set_int(o, key, -i);
    }
    for (int i = 0; i < 500; i += 3) {
        snprintf(key, sizeof key, "Key%03d", i);
        ck_assert(vs_json_remove(o, key));
    }
    size_t n = 0;
    for (int i = 0; i < 500; i++) {
        snprintf(key, sizeof key, "Key%03d", i);
        const vs_json_t *v = vs_json_get(o, key);
        if (i % 3 == 0) {
            ck_assert_ptr_null(v);
            continue;
        }
        ck_assert_ptr_nonnull(v);
        ck_assert_int_eq(vs_json_as_int(v, 0), i % 2 ? i : -i);
        ck_assert_str_eq(vs_json_key_at(o, n), key);
        n++;
    }
    ck_assert_uint_eq(vs_json_len(o), n);

    /* Parsed duplicates: last value wins at the first position. */
    vs_json_t *d = s_parse("{\"a\":1,\"b\":2,\"a\":3}");
    char *out = vs_json_dump(d, 0);
    ck_assert_str_eq(out, "{\"a\":3,\"b\":2}");
    free(out);
    vs_json_free(&d);
    vs_json_free(&o);
}
END_TEST

/* Containers start with room for a few members (and their keys) in the
 * node's own allocation and move to the heap past it: members, keys,
 * order, replace, remove and clone must not notice where they live. */
START_TEST(t_grow_past_inline)
{
    for (int nkeys = 0; nkeys <= 40; nkeys++) {
        for (int keylen = 1; keylen <= 90; keylen += 29) {
            vs_json_t *o = vs_json_object(), *a = vs_json_array();
            char want_o[8192] = "{", want_a[1024] = "[", key[128];
            for (int i = 0; i < nkeys; i++) {
                snprintf(key, sizeof key, "%0*d", keylen, i);
                vs_json_set_int(o, key, i);
                vs_json_push(a, vs_json_int(-i));
                snprintf(want_o + strlen(want_o), sizeof want_o - strlen(want_o), "%s\"%s\":%d",
                         i ? "," : "", key, i);
                snprintf(want_a + strlen(want_a), sizeof want_a - strlen(want_a), "%s%d",
                         i ? "," : "", -i);
                /* A lookup of every key so far, through whichever storage. */
                for (int j = 0; j <= i; j++) {
                    char k2[128];
                    snprintf(k2, sizeof k2, "%0*d", keylen, j);
                    ck_assert_int_eq(vs_json_get_int(o, k2, -1), j);
                }
            }
            strcat(want_o, "}");
            strcat(want_a, "]");
            vs_json_t *oc = vs_json_clone(o), *ac = vs_json_clone(a);
            char *d1 = vs_json_dump(o, 0), *d2 = vs_json_dump(oc, 0);
            char *d3 = vs_json_dump(a, 0), *d4 = vs_json_dump(ac, 0);
            ck_assert_str_eq(d1, want_o);
            ck_assert_str_eq(d2, want_o);
            ck_assert_str_eq(d3, want_a);
            ck_assert_str_eq(d4, want_a);
            free(d1);
            free(d2);
            free(d3);
            free(d4);
            /* Remove the first member, then add one back: the new key goes
             * after the kept ones. */
            if (nkeys) {
                snprintf(key, sizeof key, "%0*d", keylen, 0);
                ck_assert(vs_json_remove(o, key));
                vs_json_set_str(o, "z", "last");
                ck_assert_uint_eq(vs_json_len(o), (size_t)nkeys);
                ck_assert_str_eq(vs_json_key_at(o, (size_t)nkeys - 1), "z");
                ck_assert_str_eq(vs_json_get_str(o, "z"), "last");
                ck_assert(!vs_json_equal(o, oc));
            }
            vs_json_free(&o);
            vs_json_free(&oc);
            vs_json_free(&a);
            vs_json_free(&ac);
        }
    }

    /* Integers print without snprintf: the extremes and signs. */
    vs_json_t *ints = s_parse("[0,-1,7,-10,100,9223372036854775807,-9223372036854775808]");
    char *out = vs_json_dump(ints, 0);
    ck_assert_str_eq(out, "[0,-1,7,-10,100,9223372036854775807,-9223372036854775808]");
    free(out);
    vs_json_free(&ints);
    vs_json_t *min = vs_json_int(INT64_MIN);
    out = vs_json_dump(min, 4);
    ck_assert_str_eq(out, "-9223372036854775808");
    free(out);
    vs_json_free(&min);
}
END_TEST

START_TEST(t_clone_equal)
{
    vs_json_t *a = s_parse("{\"x\":[1,2.5,\"s\",{\"y\":null}],\"z\":true}");
    vs_json_t *b = vs_json_clone(a);
    ck_assert(vs_json_equal(a, b));
    char *da = vs_json_dump(a, 4), *db = vs_json_dump(b, 4);
    ck_assert_str_eq(da, db);
    free(da);
    free(db);

    vs_json_t *reordered = s_parse("{\"z\":true,\"x\":[1,2.5,\"s\",{\"y\":null}]}");
    ck_assert(vs_json_equal(a, reordered));
    vs_json_set_int(b, "z", 1);
    ck_assert(!vs_json_equal(a, b));

    vs_json_t *i = vs_json_int(1), *f = vs_json_num(1.0), *h = vs_json_num(1.5);
    ck_assert(vs_json_equal(i, f));
    ck_assert(!vs_json_equal(i, h));
    vs_json_t *s1 = vs_json_strn("a\0b", 3), *s2 = vs_json_strn("a\0c", 3);
    ck_assert(!vs_json_equal(s1, s2));
    ck_assert(!vs_json_equal(s1, NULL));
    ck_assert(vs_json_equal(NULL, NULL));

    vs_json_t *arr1 = s_parse("[1,2]"), *arr2 = s_parse("[2,1]");
    ck_assert(!vs_json_equal(arr1, arr2));
    vs_json_t *o1 = s_parse("{\"a\":1}"), *o2 = s_parse("{\"b\":1}");
    ck_assert(!vs_json_equal(o1, o2));

    vs_json_t *all[] = { a, b, reordered, i, f, h, s1, s2, arr1, arr2, o1, o2 };
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        vs_json_free(&all[k]);
}
END_TEST

START_TEST(t_parse_errors)
{
    static const struct { const char *text; const char *msg; } bad[] = {
        { "", "unexpected end" },
        { "   ", "unexpected end" },
        { "[", "unexpected end" },
        { "[1,", "unexpected end" },
        { "[1 2]", "expected ',' or ']'" },
        { "[1,]", "expected value" },
        { "{\"a\"}", "expected ':'" },
        { "{\"a\":}", "expected value" },
        { "{\"a\":1,}", "expected string key" },
        { "{\"a\":1 \"b\":2}", "expected ',' or '}'" },
        { "{a:1}", "expected string key" },
        { "{1:1}", "expected string key" },
        { "tru", "expected value" },
        { "nul", "expected value" },
        { "True", "expected value" },
        { "NaN", "expected value" },
        { "Infinity", "expected value" },
        { "-Infinity", "expected digit" },
        { "01", "leading zero" },
        { "-01", "leading zero" },
        { "1.", "digit after '.'" },
        { "1.e5", "digit after '.'" },
        { ".5", "expected value" },
        { "+1", "expected value" },
        { "-", "expected digit" },
        { "1e", "digit in exponent" },
        { "1e+", "digit in exponent" },
        { "0x10", "trailing characters" },
        { "1e400", "out of range" },
        { "-1e400", "out of range" },
        { "\"abc", "unterminated string" },
        { "\"abc\\", "unterminated string" },
        { "\"\\x\"", "invalid escape" },
        { "\"\\'\"", "invalid escape" },
        { "\"\\u12\"", "invalid \\u escape" },
        { "\"\\u12g4\"", "invalid \\u escape" },
        { "\"\\ud800\"", "lone high surrogate" },
        { "\"\\ud800x\"", "lone high surrogate" },
        { "\"\\ud800\\u0041\"", "lone high surrogate" },
        { "\"\\ud800\\ud800\"", "lone high surrogate" },
        { "\"\\udc00\"", "lone low surrogate" },
        { "\"\\ude00\\ud83d\"", "lone low surrogate" },
        { "\"a\tb\"", "control character" },
        { "\"a\nb\"", "control character" },
        { "\"\xc0\x80\"", "invalid UTF-8" },            /* overlong NUL */
        { "\"\xe0\x80\xaf\"", "invalid UTF-8" },        /* overlong '/' */
        { "\"\xed\xa0\x80\"", "invalid UTF-8" },        /* UTF-8 surrogate */
        { "\"\xf4\x90\x80\x80\"", "invalid UTF-8" },    /* > U+10FFFF */
        { "\"\xff\"", "invalid UTF-8" },
        { "\"\x80\"", "invalid UTF-8" },
        { "\"\xe2\x82\"", "invalid UTF-8" },            /* truncated */
        { "\xef\xbb\xbf{}", "expected value" },         /* BOM */
        { "[1]x", "trailing characters" },
        { "{}{}", "trailing characters" },
        { "1 2", "trailing characters" },
        { "{\"a\\u0000b\":1}", "NUL character in object key" },
        { "/* c */ 1", "expected value" },
        { "'a'", "expected value" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[128] = "untouched";
        vs_json_t *v = vs_json_parse(bad[i].text, strlen(bad[i].text), err, sizeof err);
        ck_assert_msg(v == NULL, "accepted bad input #%zu %s", i, bad[i].text);
        ck_assert_msg(strstr(err, bad[i].msg) && strstr(err, " at offset "),
                      "input #%zu %s: message \"%s\" lacks \"%s\"", i, bad[i].text, err,
                      bad[i].msg);
        /* A NULL err buffer must be fine too. */
        ck_assert_ptr_null(vs_json_parse(bad[i].text, strlen(bad[i].text), NULL, 0));
    }
}
END_TEST

START_TEST(t_error_offsets)
{
    char err[128];
    ck_assert_ptr_null(vs_json_parse("{\"a\":1,\"b\":2 x}", 15, err, sizeof err));
    ck_assert_str_eq(err, "expected ',' or '}', got 'x' at offset 13");
    ck_assert_ptr_null(vs_json_parse("[1,\"\x01\"]", 7, err, sizeof err));
    ck_assert_str_eq(err, "control character 0x01 in string at offset 4");
    /* A tiny buffer is truncated, not overrun. */
    char small[8];
    ck_assert_ptr_null(vs_json_parse("[", 1, small, sizeof small));
    ck_assert_uint_eq(strlen(small), sizeof small - 1);
}
END_TEST

START_TEST(t_truncated_prefixes)
{
    /* Every proper prefix of a document ending in '}' is malformed. */
    static const char *doc =
        "{\"a\":[1,-2.5e3,true,false,null,\"s\\u00e9\\ud83d\\ude00é\"],\"b\":{\"c\":{}}}";
    size_t len = strlen(doc);
    for (size_t n = 0; n < len; n++) {
        char *copy = malloc(n ? n : 1);       /* exact size: ASan catches overreads */
        memcpy(copy, doc, n);
        char err[128] = "";
        vs_json_t *v = vs_json_parse(copy, n, err, sizeof err);
        ck_assert_msg(v == NULL, "prefix of %zu bytes accepted", n);
        ck_assert(err[0] != '\0');
        free(copy);
    }
    vs_json_t *v = vs_json_parse(doc, len, NULL, 0);
    ck_assert_ptr_nonnull(v);
    vs_json_free(&v);
}
END_TEST

START_TEST(t_depth_limit)
{
    char err[128];
    /* [[[...]]] from 60 to 100 deep: accepted up to the limit only. */
    char arr[2 * 100 + 1];
    for (int depth = 60; depth <= 100; depth++) {
        memset(arr, '[', (size_t)depth);
        memset(arr + depth, ']', (size_t)depth);
        vs_json_t *v = vs_json_parse(arr, 2 * (size_t)depth, err, sizeof err);
        if (depth <= VS_JSON_MAX_DEPTH) {
            ck_assert_msg(v != NULL, "depth %d refused: %s", depth, err);
            vs_json_free(&v);
        } else {
            ck_assert_ptr_null(v);
            ck_assert_msg(strstr(err, "nesting deeper than 64"), "%s", err);
        }
    }
    /* {"a":{"a":...}} 100 deep. */
    char *chain = malloc(100 * 6 + 2);
    size_t n = 0;
    for (int i = 0; i < 100; i++)
        n += (size_t)sprintf(chain + n, "{\"a\":");
    n += (size_t)sprintf(chain + n, "1");
    memset(chain + n, '}', 100);
    ck_assert_ptr_null(vs_json_parse(chain, n + 100, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "nesting"));
    free(chain);

    /* Unbalanced deep input still stops at the limit, not the stack. */
    char *deep = malloc(100000);
    memset(deep, '[', 100000);
    ck_assert_ptr_null(vs_json_parse(deep, 100000, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "nesting"));
    free(deep);

}
END_TEST

START_TEST(t_size_limit)
{
    char err[128];
    size_t n = VS_JSON_MAX_INPUT + 1;
    char *big = malloc(n);
    memset(big, ' ', n);
    big[0] = '0';
    ck_assert_ptr_null(vs_json_parse(big, n, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "exceeds"));
    /* Exactly at the limit is accepted. */
    vs_json_t *v = vs_json_parse(big, n - 1, err, sizeof err);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(vs_json_as_int(v, -1), 0);
    vs_json_free(&v);
    free(big);

    ck_assert_ptr_null(vs_json_parse(NULL, 5, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "no input"));
    /* Embedded NUL within len is garbage, not end of input. */
    ck_assert_ptr_null(vs_json_parse("[1]\0", 4, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "trailing"));
}
END_TEST

START_TEST(t_many_keys_parse)
{
    /* 50k distinct keys and a duplicate of each: must finish quickly
     * (hash index) and keep the first positions. */
    size_t cap = 50000 * 32 + 16, n = 0;
    char *doc = malloc(cap);
    doc[n++] = '{';
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 50000; i++)
            n += (size_t)snprintf(doc + n, cap - n, "%s\"k%d\":%d", n > 1 ? "," : "", i, pass);
    doc[n++] = '}';
    char err[128];
    vs_json_t *v = vs_json_parse(doc, n, err, sizeof err);
    ck_assert_msg(v != NULL, "%s", err);
    ck_assert_uint_eq(vs_json_len(v), 50000);
    ck_assert_str_eq(vs_json_key_at(v, 123), "k123");
    ck_assert_int_eq(vs_json_get_int(v, "k49999", -1), 1);
    vs_json_free(&v);
    free(doc);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("tree");
    tcase_add_test(tc, t_scalars);
    tcase_add_test(tc, t_object_api);
    tcase_add_test(tc, t_large_object);
    tcase_add_test(tc, t_grow_past_inline);
    tcase_add_test(tc, t_clone_equal);
    suite_add_tcase(s, tc);

    tc = tcase_create("dump");
    tcase_add_test(tc, t_compact_roundtrip);
    tcase_add_test(tc, t_whitespace_is_dropped);
    tcase_add_test(tc, t_indent4_layout);
    tcase_add_test(tc, t_indent_other_widths);
    tcase_add_test(tc, t_number_repr);
    tcase_add_test(tc, t_string_escapes);
    tcase_add_test(tc, t_string_blocks);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_set_timeout(tc, 30);       /* the 16 MiB input under ASan */
    tcase_add_test(tc, t_parse_errors);
    tcase_add_test(tc, t_error_offsets);
    tcase_add_test(tc, t_truncated_prefixes);
    tcase_add_test(tc, t_depth_limit);
    tcase_add_test(tc, t_size_limit);
    tcase_add_test(tc, t_many_keys_parse);
    suite_add_tcase(s, tc);
    return s;
}
