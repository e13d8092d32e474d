/* Unit tests of console/console.c that need no cluster: the page and its
 * files are served from the build (no CDN, no files at run time), the
 * console is read-only, and bad parameters are refused before anything is
 * asked of the cluster. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"

static vs_console_t *s_new(void)
{
    char *err = NULL;
    /* Nothing listens there: these requests must not need the broker. */
    vs_console_t *c = vs_console_new("tcp://127.0.0.1:9", NULL, 0.2, &err);
    ck_assert_msg(c != NULL, "%s", err ? err : "");
    return c;
}

START_TEST(page_and_files_are_compiled_in)
{
    vs_console_t *c = s_new();
    vs_console_reply_t r;
    vs_console_handle(c, "GET", "/console/", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.content_type, "text/html; charset=utf-8");
    ck_assert(strstr(r.body, "<script src=\"app.js\">") != NULL);
    ck_assert_uint_eq(r.len, strlen(r.body));
    free(r.body);
    vs_console_handle(c, "GET", "/console/app.js", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.content_type, "text/javascript; charset=utf-8");
    ck_assert(strstr(r.body, "new EventSource('api/stream')") != NULL);
    /* Offline: the page loads nothing from elsewhere. */
    ck_assert(strstr(r.body, "http://") == NULL && strstr(r.body, "https://") == NULL);
    free(r.body);
    vs_console_handle(c, "GET", "/console/style.css", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    free(r.body);
    vs_console_handle(c, "GET", "/console/../etc/passwd", NULL, &r);
    ck_assert_int_eq(r.status, 404);
    free(r.body);
    vs_console_handle(c, "GET", "/elsewhere", NULL, &r);
    ck_assert_int_eq(r.status, 404);
    free(r.body);
    vs_console_destroy(&c);
    ck_assert_ptr_null(c);
}
END_TEST

START_TEST(read_only_and_checked)
{
    vs_console_t *c = s_new();
    vs_console_reply_t r;
    vs_console_handle(c, "POST", "/console/api/state", NULL, &r);
    ck_assert_int_eq(r.status, 405);
    free(r.body);
    const char *bad[] = {
        NULL, "account=1234&region=us-east-1", "account=111111111111&region=mars-1",
        "account=111111111111&region=us-east-1%27", "account=111111111111",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vs_console_handle(c, "GET", "/console/api/events", bad[i], &r);
        ck_assert_int_eq(r.status, 400);
        ck_assert(strstr(r.body, "\"Error\"") != NULL);
        free(r.body);
    }
    vs_console_handle(c, "GET", "/console/api/trace",
                      "account=111111111111&region=us-east-1&pcx=pcx-zz", &r);
    ck_assert_int_eq(r.status, 400);
    free(r.body);
    vs_console_handle(c, "GET", "/console/api/trace",
                      "account=111111111111&region=us-east-1&pcx=pcx-0123456789abcdef0&format=png", &r);
    ck_assert_int_eq(r.status, 400);
    free(r.body);
    ck_assert(vs_console_is_stream("/console/api/stream"));
    ck_assert(!vs_console_is_stream("/console/api/state"));
    vs_console_destroy(&c);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("console");
    TCase *tc = tcase_create("console");
    tcase_add_test(tc, page_and_files_are_compiled_in);
    tcase_add_test(tc, read_only_and_checked);
    suite_add_tcase(s, tc);
    return s;
}
