/* store_exec: running the store's statements and recording their
 * failures, for store.c and store_dedup.c (store_priv.h). */
#include <errno.h>
#include <stdint.h>

#include "log.h"
#include "ratelimit.h"
#include "simclock.h"
#include "store_priv.h"

static bool s_is_full(sqlite3 *db)
{
    int ec = sqlite3_extended_errcode(db);
    return ec == SQLITE_FULL || (ec & 0xff) == SQLITE_FULL ||
           ((ec & 0xff) == SQLITE_IOERR && sqlite3_system_errno(db) == ENOSPC);
}

int store__fail(store_t *st, const char *what)
{
    st->txn_failed = true;
    st->full = s_is_full(st->db);
    uint64_t held = 0;
    char more[48];
    if (vs_ratelimit_pass(&st->rl, simclock_mono_ms(), &held))
        VS_ERROR("store: %s: %s%s%s", what, sqlite3_errmsg(st->db),
                 st->full ? " (the disk is full)" : "", vs_ratelimit_suffix(held, more, sizeof more));
    return -1;
}

int store__run(store_t *st, int q)
{
    int rc = sqlite3_step(st->q[q]);
    sqlite3_reset(st->q[q]);
    sqlite3_clear_bindings(st->q[q]);
    if (rc != SQLITE_DONE)
        return store__fail(st, sqlite3_sql(st->q[q]));
    return 0;
}
