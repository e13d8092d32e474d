/* retry: see retry.h. */
#include "retry.h"

#include "proc.h"

#define S_BASE_MS 50
#define S_CAP_MS  1000

long cli_retry_backoff_ms(int attempt, double rnd)
{
    long cap = S_BASE_MS;
    for (int i = 2; i < attempt && cap < S_CAP_MS; i++)
        cap *= 2;
    if (cap > S_CAP_MS)
        cap = S_CAP_MS;
    if (rnd < 0)
        rnd = 0;
    if (rnd >= 1)
        rnd = 0.999999;
    return (long)((double)cap * rnd);
}

static bool s_agent_offline(const vs_env_t *r)
{
    return r->body_case == VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE &&
           r->undeliverable->reason == VPCSIM__WIRE__UNDELIVERABLE_REASON__AGENT_OFFLINE;
}

cli_tx_status_t cli_retry_call(cli_transport_t *t, vs_env_t *env, double timeout_s,
                               int max_attempts, vs_env_t **reply, int *attempts, char *err,
                               size_t errlen)
{
    double deadline = cli_proc_now() + timeout_s;
    int attempt = 1;
    for (;;) {
        double left = deadline - cli_proc_now();
        cli_tx_status_t st = cli_transport_call(t, env, left > 0 ? left : 0.001, reply, err, errlen);
        if (attempts)
            *attempts = attempt;
        if (st != CLI_TX_OK || !s_agent_offline(*reply))
            return st;
        if (max_attempts > 0 && attempt >= max_attempts)
            return st;
        double rnd = (double)(cli_random_u64() >> 11) / (double)(1ull << 53);
        long pause = cli_retry_backoff_ms(attempt + 1, rnd);
        /* Keep the last answer if there is no time for another try. */
        if (cli_proc_now() + (double)pause / 1000.0 + 0.01 >= deadline)
            return st;
        vs_wire_free(reply);
        cli_proc_sleep_ms(pause);
        attempt++;
    }
}
