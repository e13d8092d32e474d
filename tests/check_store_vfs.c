/* The store's VFS (agent/store_vfs): the WAL's writes are gathered, yet a
 * commit is in the file when store_commit returns - a process killed right
 * after it (no close, nothing flushed) loses nothing - and a write that
 * fails fails the commit. */
#include <check.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../agent/store.h"
#include "../agent/store_vfs.h"

#define CHECK_STORE_DIR "/tmp/vpcsim-check-vfs-XXXXXX"
#include "check_store_fixture.h"

static void s_count(void *ctx, const char *id, const uint8_t *doc, size_t len, bool intact)
{
    (void)id;
    (void)doc;
    (void)len;
    ck_assert(intact);
    (*(int *)ctx)++;
}

static int s_objects(void)
{
    store_t *st = s_open();
    int n = 0;
    ck_assert_int_eq(store_each_object(st, s_count, &n), 0);
    store_close(&st);
    return n;
}

/* One turn of n new objects of len bytes and, from the second turn on,
 * an update of each older one: 0, or -1 if the commit failed. */
static int s_turn(store_t *st, int first, int n, size_t len)
{
    static char doc[4096];
    memset(doc, 'a' + first % 26, sizeof doc);
    store_begin(st);
    char id[32];
    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof id, "pcx-%08d", first + i);
        store_put_object(st, id, doc, len);
    }
    for (int i = 0; i < first; i += 7) {
        snprintf(id, sizeof id, "pcx-%08d", i);
        store_put_object(st, id, doc, len / 2);
    }
    return store_commit(st);
}

START_TEST(vfs_registered)
{
    const char *name = store_vfs_name();
    ck_assert_ptr_nonnull(name);
    ck_assert_ptr_nonnull(sqlite3_vfs_find(name));
    ck_assert_str_eq(store_vfs_name(), name);           /* once */
    ck_assert_ptr_ne(sqlite3_vfs_find(NULL), sqlite3_vfs_find(name));   /* not the default */
}
END_TEST

/* Killed after its commits, with nothing closed: every committed turn is
 * there - small ones (a frame or two) and large ones (several gathered
 * writes). With --fsync too. */
static void s_killed_after_commits(bool full_sync)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        store_t *st = s_open();
        if (full_sync && store_set_full_sync(st) != 0)
            _exit(2);
        int first = 0;
        for (int t = 0; t < 30; t++) {
            int n = t % 3 == 0 ? 200 : 1 + t % 4;      /* ~200 pages, or a few */
            if (s_turn(st, first, n, t % 3 == 0 ? 900 : 300) != 0)
                _exit(3);
            first += n;
        }
        kill(getpid(), SIGKILL);
        _exit(4);
    }
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child status %d", status);
    int expect = 0;
    for (int t = 0; t < 30; t++)
        expect += t % 3 == 0 ? 200 : 1 + t % 4;
    ck_assert_int_eq(s_objects(), expect);
}

START_TEST(commit_survives_kill_9)
{
    s_killed_after_commits(false);
}
END_TEST

START_TEST(commit_survives_kill_9_full_sync)
{
    s_killed_after_commits(true);
}
END_TEST

/* A write of the WAL that fails (here: past the file size limit) fails
 * the commit it belongs to; what was committed before stays. */
START_TEST(failed_write_fails_the_commit)
{
    store_t *st = s_open();
    ck_assert_int_eq(s_turn(st, 0, 20, 500), 0);
    store_close(&st);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        st = s_open();
        char path[300];
        snprintf(path, sizeof path, "%s/agent.db-wal", g_dir);
        struct stat sb;
        off_t wal = stat(path, &sb) == 0 ? sb.st_size : 0;
        /* Room for a few frames more, not for a turn of ~100 pages. */
        struct rlimit rl = { .rlim_cur = (rlim_t)wal + 40000, .rlim_max = RLIM_INFINITY };
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(2);
        int rc = s_turn(st, 20, 100, 2000);
        _exit(rc == -1 ? 0 : 5);
    }
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
    ck_assert_int_eq(s_objects(), 20);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("store_vfs");
    TCase *tc = tcase_create("store_vfs");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, vfs_registered);
    tcase_add_test(tc, commit_survives_kill_9);
    tcase_add_test(tc, commit_survives_kill_9_full_sync);
    tcase_add_test(tc, failed_write_fails_the_commit);
    suite_add_tcase(s, tc);
    return s;
}
