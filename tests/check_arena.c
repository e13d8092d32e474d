/* Unit tests of core/base/arena: what fits comes from the caller's buffer,
 * 16-byte aligned; what does not comes from malloc and is freed through
 * the arena (ASan builds catch a wrong free). */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"

START_TEST(fits_in_the_buffer_then_mallocs)
{
    _Alignas(16) uint8_t space[256];
    vs_arena_t a = VS_ARENA_INIT(space);
    uint8_t *p = vs_arena_alloc(&a, 10), *q = vs_arena_alloc(&a, 100);
    ck_assert(!vs_arena_spilled(&a));
    ck_assert_ptr_eq(p, space);
    ck_assert_ptr_eq(q, space + 16);           /* aligned to 16 */
    ck_assert_uint_eq((uintptr_t)q % 16, 0);
    memset(q, 1, 100);
    uint8_t *big = vs_arena_alloc(&a, 200);    /* 128 + 200 > 256 */
    ck_assert_ptr_nonnull(big);
    ck_assert(big < space || big >= space + sizeof space);
    memset(big, 2, 200);
    uint8_t *r = vs_arena_alloc(&a, 100);      /* still fits after the miss */
    ck_assert_ptr_eq(r, space + 128);
    ck_assert(vs_arena_spilled(&a));           /* big is outstanding */
    vs_arena_free(&a, p);                      /* in the buffer: left alone */
    vs_arena_free(&a, big);                    /* from malloc: freed */
    ck_assert(!vs_arena_spilled(&a));
    ck_assert_uint_eq(q[99], 1);
    /* An exact fit, then nothing more from the buffer. */
    vs_arena_t b = VS_ARENA_INIT(space);
    ck_assert_ptr_eq(vs_arena_alloc(&b, sizeof space), space);
    uint8_t *m = vs_arena_alloc(&b, 1);
    ck_assert(m < space || m >= space + sizeof space);
    vs_arena_free(&b, m);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("arena");
    TCase *tc = tcase_create("arena");
    tcase_add_test(tc, fits_in_the_buffer_then_mallocs);
    suite_add_tcase(s, tc);
    return s;
}
