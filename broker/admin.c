/* admin: the broker's own operations (see admin.h). */
#include "admin.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fault_admin.h"
#include "json.h"
#include "log.h"
#include "timebound.h"

/* advance-clock refuses jumps past this (a century): enough for any
 * expiry scenario, and far from uint64 overflow of the epoch-ms clock. */
#define BK_AGENTS_PAGE_MAX 1000   /* agents per describe-agents reply (~150 KB) */

#define S_MAX_ADVANCE_S (100LL * 366 * 24 * 3600)

typedef int (*s_op_fn)(broker_t *b, const Vpcsim__Wire__AdminRequest *rq, vs_json_t **out,
                       char *err, size_t errlen);

/* Takes ownership of doc. */
static int s_finish(vs_json_t *doc, char **out_json, char *err, size_t errlen)
{
    char *text = doc ? vs_json_dump(doc, 4) : NULL;
    vs_json_free(&doc);
    if (!text) {
        snprintf(err, errlen, "broker out of memory");
        return -1;
    }
    *out_json = text;
    return 0;
}

/* The agents after `token` ("account/region" of the last one of the
 * previous page) in the sorted list: binary search, so that paging through
 * 10,000 agents stays linear. */
static size_t s_page_start(bk_agent_t *const *agents, size_t n, const char *token)
{
    if (!token || !*token)
        return 0;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        char key[VS_ACCOUNT_LEN + VS_REGION_LEN + 2];
        snprintf(key, sizeof key, "%s/%s", agents[mid]->account, agents[mid]->region);
        if (strcmp(key, token) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A page of agents: args_json may hold MaxResults (1..BK_AGENTS_PAGE_MAX)
 * and NextToken. One reply must fit in one frame: 10,000 agents in one
 * document did not (issue 15). */
static int s_describe_agents(broker_t *b, const Vpcsim__Wire__AdminRequest *rq, vs_json_t **out,
                             char *err, size_t errlen)
{
    int64_t max = BK_AGENTS_PAGE_MAX;
    char token[VS_ACCOUNT_LEN + VS_REGION_LEN + 2] = "";
    if (rq->args_json && *rq->args_json) {
        char why[128];
        vs_json_t *args = vs_json_parse(rq->args_json, strlen(rq->args_json), why, sizeof why);
        if (!args || vs_json_type(args) != VS_JSON_OBJECT) {
            vs_json_free(&args);
            snprintf(err, errlen, "describe-agents arguments are not a JSON object");
            return -1;
        }
        max = vs_json_get_int(args, "MaxResults", BK_AGENTS_PAGE_MAX);
        const char *t = vs_json_get_str(args, "NextToken");
        bool token_ok = !t || strlen(t) < sizeof token;
        if (token_ok && t)
            snprintf(token, sizeof token, "%s", t);
        vs_json_free(&args);
        if (max < 1 || max > BK_AGENTS_PAGE_MAX) {
            snprintf(err, errlen, "MaxResults must be between 1 and %d", BK_AGENTS_PAGE_MAX);
            return -1;
        }
        if (!token_ok) {
            snprintf(err, errlen, "invalid NextToken");
            return -1;
        }
    }
    size_t n = 0;
    bk_agent_t **agents = bk_registry_list(b->reg, &n);
    if (n > 0 && !agents) {
        snprintf(err, errlen, "broker out of memory");
        return -1;
    }
    size_t first = s_page_start(agents, n, token);
    size_t last = first + (size_t)max < n ? first + (size_t)max : n;
    vs_json_t *doc = vs_json_object();
    vs_json_t *arr = doc ? vs_json_set(doc, "Agents", vs_json_array()) : NULL;
    for (size_t i = first; arr && i < last; i++) {
        vs_json_t *o = vs_json_push(arr, vs_json_object());
        if (!o) {
            arr = NULL;
            break;
        }
        vs_json_set_str(o, "AccountId", agents[i]->account);
        vs_json_set_str(o, "Region", agents[i]->region);
        vs_json_set_str(o, "Partition", agents[i]->partition);
        /* Probed, so a connection the broker can know is gone never
         * shows as online. */
        vs_json_set_str(o, "Status", bk_probe_agent(b, agents[i]) ? "online" : "offline");
        vs_json_set_int(o, "VpcCount", (int64_t)bk_registry_vpc_count(agents[i]));
    }
    if (arr && last < n && last > first) {
        snprintf(token, sizeof token, "%s/%s", agents[last - 1]->account, agents[last - 1]->region);
        vs_json_set_str(doc, "NextToken", token);
    }
    free(agents);
    if (!arr) {
        vs_json_free(&doc);
        snprintf(err, errlen, "broker out of memory");
        return -1;
    }
    *out = doc;
    return 0;
}

static int s_clock_doc(broker_t *b, vs_json_t **out, char *err, size_t errlen)
{
    char ts[40];
    if (vs_time_format(bk_sim_now(b), VS_TS_ZULU, ts, sizeof ts) < 0) {
        snprintf(err, errlen, "simulated time cannot be formatted");
        return -1;
    }
    vs_json_t *doc = vs_json_object();
    if (doc) {
        vs_json_set_str(doc, "SimulatedTime", ts);
        vs_json_set(doc, "Speed", vs_json_num(b->clock.speed));
    }
    *out = doc;
    return 0;
}

static int s_clock(broker_t *b, const Vpcsim__Wire__AdminRequest *rq, vs_json_t **out, char *err,
                   size_t errlen)
{
    return s_clock_doc(b, out, err, errlen);
}

static int s_advance_clock(broker_t *b, const Vpcsim__Wire__AdminRequest *rq, vs_json_t **out,
                           char *err, size_t errlen)
{
    if (rq->seconds <= 0) {
        snprintf(err, errlen, "advance-clock needs a positive number of seconds (got %lld)",
                 (long long)rq->seconds);
        return -1;
    }
    if (rq->seconds > S_MAX_ADVANCE_S) {
        snprintf(err, errlen, "advance-clock by %lld seconds is too far (at most %lld)",
                 (long long)rq->seconds, (long long)S_MAX_ADVANCE_S);
        return -1;
    }
    uint64_t now = bk_sim_now(b), delta = (uint64_t)rq->seconds * 1000u;
    if (now > VS_TIME_CLOCK_MAX_MS || delta > VS_TIME_CLOCK_MAX_MS - now) {
        /* Past this, timestamps (and the 7-day expirations computed from
         * now) can no longer be printed with a four-digit year. */
        char last[40] = "?", cur[40] = "?";
        vs_time_format(VS_TIME_CLOCK_MAX_MS, VS_TS_ZULU, last, sizeof last);
        vs_time_format(now, VS_TS_ZULU, cur, sizeof cur);
        snprintf(err, errlen,
                 "advance-clock by %lld seconds would move the simulated clock past %s, the "
                 "latest time it can reach (it is %s)",
                 (long long)rq->seconds, last, cur);
        return -1;
    }
    bk_simclock_advance(&b->clock, delta, bk_mono_ms(b));
    VS_INFO("simulated clock advanced by %lld s", (long long)rq->seconds);
    bk_broadcast_clock(b);
    bk_state_changed(b);
    return s_clock_doc(b, out, err, errlen);
}

static const struct {
    const char *op;
    s_op_fn fn;
} s_ops[] = {
    { "describe-agents", s_describe_agents },
    { "clock", s_clock },
    { "advance-clock", s_advance_clock },
    { "set-faults", bk_fault_admin_set },
    { "partition", bk_fault_admin_partition },
    { "describe-faults", bk_fault_admin_describe },
};

int bk_admin_run(broker_t *b, const Vpcsim__Wire__AdminRequest *rq, char **out_json, char *err,
                 size_t errlen)
{
    *out_json = NULL;
    for (size_t i = 0; i < sizeof s_ops / sizeof *s_ops; i++) {
        if (strcmp(s_ops[i].op, rq->op) != 0)
            continue;
        vs_json_t *doc = NULL;
        if (s_ops[i].fn(b, rq, &doc, err, errlen) < 0)
            return -1;
        return s_finish(doc, out_json, err, errlen);
    }
    /* op passed the wire checks (short, no control characters), so it is
     * safe to echo. */
    snprintf(err, errlen, "unknown admin operation '%s'", rq->op);
    return -1;
}
