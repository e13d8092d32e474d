/* Shared fixture of the event-log unit tests (check_agent_evlog*): a fresh
 * data dir for each test (CHECK_EVLOG_DIR, a mkdtemp template the test file
 * defines before including this), the store and the event log opened on
 * it (g_st, g_log), closed and removed after the test, and SQL run on the
 * store file from a connection of its own. Header-only (static functions). */
#ifndef CHECK_EVLOG_FIXTURE_H
#define CHECK_EVLOG_FIXTURE_H

#include <check.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../agent/evlog.h"
#include "../agent/store.h"

#ifndef CHECK_EVLOG_DIR
#error "define CHECK_EVLOG_DIR (a mkdtemp template) before including check_evlog_fixture.h"
#endif

static char g_dir[256];
static store_t *g_st;
static evlog_t *g_log;

static void s_open(int64_t retention)
{
    char err[256] = "";
    g_st = store_open(g_dir, err, sizeof err);
    ck_assert_msg(g_st != NULL, "store_open: %s", err);
    g_log = evlog_open(store_db(g_st), retention, err, sizeof err);
    ck_assert_msg(g_log != NULL, "evlog_open: %s", err);
}

static void s_close(void)
{
    evlog_close(&g_log);
    store_close(&g_st);
}

static void setup(void)
{
    snprintf(g_dir, sizeof g_dir, "%s", CHECK_EVLOG_DIR);
    ck_assert_ptr_nonnull(mkdtemp(g_dir));
}

static void teardown(void)
{
    s_close();
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* SQL on the store file, as another process (or an older agent) would. */
static inline void s_sql(const char *sql)
{
    char path[300];
    snprintf(path, sizeof path, "%s/agent.db", g_dir);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "?");
    sqlite3_close(db);
}

#endif
