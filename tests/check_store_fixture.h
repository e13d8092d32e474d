/* Shared fixture of the check_store* unit tests: a fresh data dir for
 * each test (CHECK_STORE_DIR, a mkdtemp template the test file defines
 * before including this), removed after it; the store opened on it; and
 * a query on a connection of its own. Header-only (static functions). */
#ifndef CHECK_STORE_FIXTURE_H
#define CHECK_STORE_FIXTURE_H

#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../agent/store.h"

#ifndef CHECK_STORE_DIR
#error "define CHECK_STORE_DIR (a mkdtemp template) before including check_store_fixture.h"
#endif

static char g_dir[256];

static void setup(void)
{
    snprintf(g_dir, sizeof g_dir, "%s", CHECK_STORE_DIR);
    ck_assert_ptr_nonnull(mkdtemp(g_dir));
}

static void teardown(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    ck_assert_int_eq(system(cmd), 0);
}

static store_t *s_open(void)
{
    char err[256] = "";
    store_t *st = store_open(g_dir, err, sizeof err);
    ck_assert_msg(st != NULL, "store_open: %s", err);
    return st;
}

/* A query on another connection: it sees only what was committed. Inline,
 * so that a test file that does not use it is not warned about it. */
static inline long s_sql_int(const char *sql)
{
    char path[300];
    snprintf(path, sizeof path, "%s/agent.db", g_dir);
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    long v = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

/* The size of a file of the data dir, 0 if there is none. */
static inline long s_file_size(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : 0;
}

/* Rows of table in a file of the data dir alone, as a copy of it without
 * the WAL reads it: what checkpoints have copied (0 while the table itself
 * is only in the WAL). */
static inline long s_rows_in_main_file(const char *file, const char *table)
{
    char cmd[1400], copy[512], sql[128];
    snprintf(copy, sizeof copy, "%s/copy.db", g_dir);
    snprintf(cmd, sizeof cmd, "cp '%s/%s' '%s'", g_dir, file, copy);
    ck_assert_int_eq(system(cmd), 0);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open_v2(copy, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    sqlite3_stmt *q = NULL;
    long n = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    unlink(copy);
    return n;
}

#endif
