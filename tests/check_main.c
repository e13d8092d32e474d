/* Shared main for every Check unit-test executable: each tests/check_X.c
 * defines vs_test_suite(); this runs it and turns the result into the exit
 * code. A run that executes no test is a failure (Check would say 100%). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

Suite *vs_test_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(vs_test_suite());
    srunner_run_all(sr, CK_ENV);
    int ran = srunner_ntests_run(sr);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (ran == 0) {
        fprintf(stderr, "no test executed\n");
        return EXIT_FAILURE;
    }
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
