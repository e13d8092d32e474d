/* Unit tests of core/base/idmap, against a plain array: insert, find,
 * delete (backward shift), growth, IDs of every length, and many entries
 * forced onto one home slot (a test-only key offset cannot change the
 * hash, so collisions are made by filling a tiny table's probe runs). */
#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"

typedef struct {
    int tag;
    char id[48];
} item_t;

#define N 5000

static item_t *s_items(void)
{
    item_t *it = calloc(N, sizeof *it);
    ck_assert_ptr_nonnull(it);
    for (int i = 0; i < N; i++) {
        it[i].tag = i;
        /* Lengths 1..40: every tail length, both sides of 8. */
        int len = 1 + i % 40;
        char buf[64];
        snprintf(buf, sizeof buf, "%08x-%031d", (unsigned)(i * 2654435761u), i);
        /* keep IDs unique: the number's digits end every ID */
        snprintf(it[i].id, sizeof it[i].id, "%.*s%d", len, buf, i);
    }
    return it;
}

static void s_check(const vs_idmap_t *m, item_t *it, const char *in)
{
    size_t len = 0;
    for (int i = 0; i < N; i++) {
        void *got = vs_idmap_get(m, it[i].id);
        ck_assert_msg(got == (in[i] ? &it[i] : NULL), "%s: %p", it[i].id, got);
        len += in[i] != 0;
    }
    ck_assert_uint_eq(vs_idmap_len(m), len);
    ck_assert_ptr_null(vs_idmap_get(m, "not-there"));
    ck_assert_ptr_null(vs_idmap_get(m, ""));
}

START_TEST(insert_find_delete_grow)
{
    item_t *it = s_items();
    char in[N] = { 0 };
    vs_idmap_t m;
    ck_assert_int_eq(vs_idmap_init(&m, offsetof(item_t, id)), 0);
    size_t cap0 = m.cap;
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(vs_idmap_put(&m, &it[i]), 0);
        in[i] = 1;
        ck_assert(m.len * 2 <= m.cap);
    }
    ck_assert_uint_gt(m.cap, cap0);
    s_check(&m, it, in);
    /* Delete every third by ID, every fifth by pointer. */
    for (int i = 0; i < N; i++) {
        if (i % 3 == 0) {
            ck_assert_ptr_eq(vs_idmap_del(&m, it[i].id), &it[i]);
            ck_assert_ptr_null(vs_idmap_del(&m, it[i].id));
            in[i] = 0;
        } else if (i % 5 == 0) {
            vs_idmap_remove(&m, &it[i]);
            vs_idmap_remove(&m, &it[i]);        /* absent: no-op */
            in[i] = 0;
        }
    }
    s_check(&m, it, in);
    size_t cap = m.cap;
    for (int i = 0; i < N; i++)
        if (!in[i]) {
            ck_assert_int_eq(vs_idmap_put(&m, &it[i]), 0);
            in[i] = 1;
        }
    ck_assert_uint_eq(m.cap, cap);               /* no more than it held */
    s_check(&m, it, in);
    vs_idmap_free(&m);
    free(it);
}
END_TEST

/* Many entries in one probe run: a 64-slot table filled to half with
 * deletions in its middle, checked after each step (backward shift must
 * keep every later entry reachable). */
START_TEST(long_runs_and_wraparound)
{
    item_t *it = s_items();
    char in[N] = { 0 };
    for (int round = 0; round < 200; round++) {
        vs_idmap_t m;
        ck_assert_int_eq(vs_idmap_init(&m, offsetof(item_t, id)), 0);
        int base = round * 20 % (N - 32);
        memset(in, 0, sizeof in);
        for (int i = base; i < base + 32; i++) {
            ck_assert_int_eq(vs_idmap_put(&m, &it[i]), 0);
            in[i] = 1;
        }
        ck_assert_uint_eq(m.cap, 64);
        for (int k = 0; k < 32; k++) {
            int i = base + (k * 7 + round) % 32;
            vs_idmap_remove(&m, &it[i]);
            in[i] = 0;
            for (int j = base; j < base + 32; j++)
                ck_assert_ptr_eq(vs_idmap_get(&m, it[j].id), in[j] ? &it[j] : NULL);
        }
        ck_assert_uint_eq(vs_idmap_len(&m), 0);
        for (size_t s = 0; s < m.cap; s++)
            ck_assert_ptr_null(m.slots[s].val);
        vs_idmap_free(&m);
    }
    free(it);
}
END_TEST

/* Equal hashes (forged in the table) are told apart by the IDs. */
START_TEST(equal_hashes_compare_ids)
{
    item_t a = { .id = "pcx-0000000000000000a" }, b = { .id = "pcx-0000000000000000b" };
    vs_idmap_t m;
    ck_assert_int_eq(vs_idmap_init(&m, offsetof(item_t, id)), 0);
    ck_assert_int_eq(vs_idmap_put(&m, &a), 0);
    for (size_t s = 0; s < m.cap; s++)
        if (m.slots[s].val == &a)
            m.slots[s].hash = vs_idmap_hash(b.id);    /* a now "collides" with b */
    ck_assert_ptr_null(vs_idmap_get(&m, b.id));
    /* Prefetch hints read the table only, whatever the hash. */
    for (uint64_t h = 0; h < 1000; h++) {
        vs_idmap_prefetch(&m, h * 0x9e3779b97f4a7c15ull);
        vs_idmap_prefetch_val(&m, h * 0x9e3779b97f4a7c15ull);
    }
    vs_idmap_prefetch_val(&m, vs_idmap_hash(b.id));
    ck_assert_uint_eq(vs_idmap_len(&m), 1);
    vs_idmap_free(&m);
}
END_TEST

START_TEST(hash_of_every_length)
{
    /* Bytes past the NUL never count; every byte before it does. */
    char x[80], y[80];
    for (size_t len = 0; len < 64; len++) {
        memset(x, 'a', sizeof x);
        memset(y, 'b', sizeof y);
        memset(x, 'q', len);
        memset(y, 'q', len);
        x[len] = y[len] = '\0';
        ck_assert_uint_eq(vs_idmap_hash(x), vs_idmap_hash(y));
        for (size_t i = 0; i < len; i++) {
            y[i] = 'r';
            ck_assert_msg(vs_idmap_hash(x) != vs_idmap_hash(y), "len %zu byte %zu", len, i);
            y[i] = 'q';
        }
    }
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("idmap");
    TCase *tc = tcase_create("idmap");
    tcase_add_test(tc, insert_find_delete_grow);
    tcase_add_test(tc, long_runs_and_wraparound);
    tcase_add_test(tc, equal_hashes_compare_ids);
    tcase_add_test(tc, hash_of_every_length);
    suite_add_tcase(s, tc);
    return s;
}
