/* The outbox's id set (agent/store_idset): SQLite's order, and runs of
 * deletes that never span an id of the set that is not deleted. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "../agent/store_idset.h"

typedef struct {
    int64_t lo, hi;
} run_t;

/* The runs of dels (sorted here) in s, into out; their number. */
static size_t s_runs(const store_idset_t *s, int64_t *dels, size_t n, run_t *out)
{
    store_idset_sort(dels, n);
    size_t i = 0, k = 0;
    int64_t lo, hi;
    while (store_idset_run(s, dels, n, &i, &lo, &hi))
        out[k++] = (run_t){ lo, hi };
    return k;
}

START_TEST(order_is_sqlites)
{
    store_idset_t s = { 0 };
    /* A uint64 id past INT64_MAX is a negative rowid: it sorts first. */
    int64_t ids[] = { 50, 10, (int64_t)UINT64_C(0x8000000000000005), 30, 10, 20 };
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        ck_assert_int_eq(store_idset_add(&s, ids[i]), 0);
    ck_assert_uint_eq(s.n, 5);
    ck_assert(s.ids[0] < 0);
    for (size_t i = 1; i < s.n; i++)
        ck_assert(s.ids[i - 1] < s.ids[i]);
    ck_assert(store_idset_has(&s, 30));
    ck_assert(!store_idset_has(&s, 40));
    store_idset_free(&s);
}
END_TEST

/* Pending rows between acked ones cut the runs; ids that are no rows
 * (acks, replies: the same counter) and ids named twice do not. */
START_TEST(runs_stop_at_pending_ids)
{
    store_idset_t s = { 0 };
    for (int64_t id = 10; id <= 100; id += 10)
        store_idset_add(&s, id);
    int64_t dels[] = { 40, 10, 20, 25, 30, 20, 60, 70, 80, 100, 1000 };
    run_t r[16];
    size_t k = s_runs(&s, dels, sizeof dels / sizeof *dels, r);
    ck_assert_uint_eq(k, 3);
    ck_assert(r[0].lo == 10 && r[0].hi == 40);
    ck_assert(r[1].lo == 60 && r[1].hi == 80);    /* 50 and 90 still pending */
    ck_assert(r[2].lo == 100 && r[2].hi == 100);
    store_idset_remove(&s, dels, sizeof dels / sizeof *dels);
    ck_assert_uint_eq(s.n, 2);
    ck_assert(s.ids[0] == 50 && s.ids[1] == 90);
    int64_t none[] = { 55, 56 };
    ck_assert_uint_eq(s_runs(&s, none, 2, r), 0);
    store_idset_free(&s);
}
END_TEST

/* Against a plain array over a small id space: every run holds only
 * deleted ids of the set, and together they cover all of them. */
START_TEST(runs_match_a_plain_array)
{
    enum { SPACE = 600 };
    static bool in[SPACE], del[SPACE];
    store_idset_t s = { 0 };
    srand(7);
    for (int round = 0; round < 400; round++) {
        for (int j = 0; j < 20; j++) {
            int id = rand() % SPACE;
            if (!in[id]) {
                in[id] = true;
                ck_assert_int_eq(store_idset_add(&s, id), 0);
            }
        }
        int64_t dels[64];
        size_t n = 0;
        for (int j = 0; j < 64; j++) {
            int id = rand() % SPACE;
            if (in[id] || rand() % 4 == 0)      /* some not rows at all */
                dels[n++] = id;
        }
        for (int i = 0; i < SPACE; i++)
            del[i] = false;
        for (size_t j = 0; j < n; j++)
            del[dels[j]] = true;
        run_t r[64];
        size_t k = s_runs(&s, dels, n, r);
        static bool covered[SPACE];
        for (int i = 0; i < SPACE; i++)
            covered[i] = false;
        for (size_t j = 0; j < k; j++) {
            ck_assert(r[j].lo <= r[j].hi);
            ck_assert(j == 0 || r[j - 1].hi < r[j].lo);
            for (int64_t id = r[j].lo; id <= r[j].hi; id++) {
                ck_assert_msg(!in[id] || del[id], "run [%lld, %lld] takes pending id %lld",
                              (long long)r[j].lo, (long long)r[j].hi, (long long)id);
                covered[id] = true;
            }
        }
        for (int i = 0; i < SPACE; i++)
            ck_assert(!(in[i] && del[i]) || covered[i]);
        store_idset_remove(&s, dels, n);
        size_t count = 0;
        for (int i = 0; i < SPACE; i++) {
            if (in[i] && del[i])
                in[i] = false;
            count += in[i];
            ck_assert(store_idset_has(&s, i) == in[i]);
        }
        ck_assert_uint_eq(s.n, count);
    }
    store_idset_free(&s);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("store_idset");
    TCase *tc = tcase_create("idset");
    tcase_add_test(tc, order_is_sqlites);
    tcase_add_test(tc, runs_stop_at_pending_ids);
    tcase_add_test(tc, runs_match_a_plain_array);
    suite_add_tcase(s, tc);
    return s;
}
