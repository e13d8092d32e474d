/* registry: agents and their indexes (see registry.h). */
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bk_registry {
    bk_strmap_t *by_key;     /* "account/region" -> agent (owns the agents) */
    bk_strmap_t *by_route;   /* routing id -> agent */
    bk_strmap_t *by_arn;     /* ARN -> agent */
};

/* "account/region" in buf; -1 if it does not fit. Not snprintf: it is
 * built for every message routed by account. */
static int s_key(char *buf, size_t len, const char *account, const char *region)
{
    size_t a = strlen(account), r = strlen(region);
    if (a + 1 + r >= len)
        return -1;
    memcpy(buf, account, a);
    buf[a] = '/';
    memcpy(buf + a + 1, region, r + 1);
    return (int)(a + 1 + r);
}

bk_registry_t *bk_registry_new(void)
{
    bk_registry_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->by_key = bk_strmap_new();
    r->by_route = bk_strmap_new();
    r->by_arn = bk_strmap_new();
    if (!r->by_key || !r->by_route || !r->by_arn)
        bk_registry_destroy(&r);
    return r;
}

static int s_free_agent(const void *key, size_t klen, void *val, void *arg)
{
    bk_agent_t *a = val;
    bk_strmap_destroy(&a->vpcs);
    free(a);
    return 0;
}

void bk_registry_destroy(bk_registry_t **rp)
{
    if (!rp || !*rp)
        return;
    bk_registry_t *r = *rp;
    if (r->by_key)
        bk_strmap_each(r->by_key, s_free_agent, NULL);
    bk_strmap_destroy(&r->by_key);
    bk_strmap_destroy(&r->by_route);
    bk_strmap_destroy(&r->by_arn);
    free(r);
    *rp = NULL;
}

bk_agent_t *bk_registry_get(const bk_registry_t *r, const char *account, const char *region)
{
    char key[VS_ACCOUNT_LEN + VS_REGION_LEN + 2];
    int n = s_key(key, sizeof key, account, region);
    return n < 0 ? NULL : bk_strmap_get(r->by_key, key, (size_t)n);
}

bk_agent_t *bk_registry_by_route(const bk_registry_t *r, const uint8_t *route, size_t len)
{
    if (!route || len == 0)
        return NULL;
    return bk_strmap_get(r->by_route, route, len);
}

bk_agent_t *bk_registry_by_arn(const bk_registry_t *r, const char *arn)
{
    return bk_strmap_get(r->by_arn, arn, strlen(arn));
}

bk_agent_t *bk_registry_add(bk_registry_t *r, const char *account, const char *region,
                            const char *partition, bool *created)
{
    char key[VS_ACCOUNT_LEN + VS_REGION_LEN + 2];
    int n = s_key(key, sizeof key, account, region);
    *created = false;
    if (n < 0 || strlen(account) >= VS_ACCOUNT_LEN || strlen(region) >= VS_REGION_LEN ||
        strlen(partition) >= sizeof ((bk_agent_t *)0)->partition)
        return NULL;
    bk_agent_t *a = bk_strmap_get(r->by_key, key, (size_t)n);
    if (a)
        return a;
    a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->vpcs = bk_strmap_new();
    if (!a->vpcs || bk_strmap_put(r->by_key, key, (size_t)n, a) < 0) {
        bk_strmap_destroy(&a->vpcs);
        free(a);
        return NULL;
    }
    snprintf(a->account, sizeof a->account, "%s", account);
    snprintf(a->region, sizeof a->region, "%s", region);
    snprintf(a->partition, sizeof a->partition, "%s", partition);
    *created = true;
    return a;
}

static void s_forget_route(bk_registry_t *r, bk_agent_t *a)
{
    if (a->route_len == 0)
        return;
    /* Only drop the index entry if it still points at us: the route may
     * already have been handed to another agent. */
    if (bk_strmap_get(r->by_route, a->route, a->route_len) == a)
        bk_strmap_del(r->by_route, a->route, a->route_len);
    a->route_len = 0;
}

bk_agent_t *bk_registry_bind(bk_registry_t *r, bk_agent_t *a, const uint8_t *route,
                             size_t len, uint64_t now_ms, bool *failed)
{
    *failed = false;
    bk_agent_t *displaced = NULL;
    bk_agent_t *holder = bk_registry_by_route(r, route, len);
    if (holder && holder != a) {
        s_forget_route(r, holder);
        holder->online = false;
        displaced = holder;
    }
    if (holder != a) {
        s_forget_route(r, a);
        if (len == 0 || len > sizeof a->route ||
            bk_strmap_put(r->by_route, route, len, a) < 0) {
            a->online = false;
            *failed = true;
            return displaced;
        }
        memcpy(a->route, route, len);
        a->route_len = len;
    }
    a->online = true;
    a->last_seen_ms = now_ms;
    return displaced;
}

void bk_registry_unbind(bk_registry_t *r, bk_agent_t *a)
{
    s_forget_route(r, a);
    a->online = false;
}

bool bk_registry_touch(bk_agent_t *a, uint64_t now_ms)
{
    bool back = !a->online && a->route_len > 0;
    a->last_seen_ms = now_ms;
    if (a->route_len > 0)
        a->online = true;
    return back;
}

typedef struct {
    uint64_t now, timeout;
    void (*cb)(bk_agent_t *, uint64_t, void *);
    void *arg;
} s_sweep_t;

static int s_sweep_one(const void *key, size_t klen, void *val, void *arg)
{
    s_sweep_t *sw = arg;
    bk_agent_t *a = val;
    if (a->online && sw->now > a->last_seen_ms && sw->now - a->last_seen_ms > sw->timeout) {
        a->online = false;
        if (sw->cb)
            sw->cb(a, sw->now - a->last_seen_ms, sw->arg);
    }
    return 0;
}

void bk_registry_sweep(bk_registry_t *r, uint64_t now_ms, uint64_t timeout_ms,
                       void (*cb)(bk_agent_t *a, uint64_t silent_ms, void *arg), void *arg)
{
    s_sweep_t sw = { now_ms, timeout_ms, cb, arg };
    bk_strmap_each(r->by_key, s_sweep_one, &sw);
}

int bk_registry_vpc_add(bk_registry_t *r, bk_agent_t *a, const char *arn)
{
    size_t n = strlen(arn);
    if (!a->vpcs && !(a->vpcs = bk_strmap_new()))
        return -1;
    bk_agent_t *owner = bk_strmap_get(r->by_arn, arn, n);
    if (owner && owner != a)
        bk_strmap_del(owner->vpcs, arn, n);
    if (bk_strmap_put(a->vpcs, arn, n, a) < 0)
        return -1;
    if (bk_strmap_put(r->by_arn, arn, n, a) < 0) {
        bk_strmap_del(a->vpcs, arn, n);
        return -1;
    }
    return 0;
}

void bk_registry_vpc_remove(bk_registry_t *r, bk_agent_t *a, const char *arn)
{
    size_t n = strlen(arn);
    if (!bk_strmap_del(a->vpcs, arn, n))
        return;
    if (bk_strmap_get(r->by_arn, arn, n) == a)
        bk_strmap_del(r->by_arn, arn, n);
}

static int s_unindex(const void *key, size_t klen, void *val, void *arg)
{
    bk_registry_t *r = arg;
    if (bk_strmap_get(r->by_arn, key, klen) == val)
        bk_strmap_del(r->by_arn, key, klen);
    return 0;
}

void bk_registry_vpc_clear(bk_registry_t *r, bk_agent_t *a)
{
    bk_strmap_each(a->vpcs, s_unindex, r);
    bk_strmap_destroy(&a->vpcs);
    a->vpcs = bk_strmap_new();
    /* On OOM a->vpcs stays NULL; the strmap functions accept that for
     * reads and bk_registry_vpc_add then fails cleanly. */
}

size_t bk_registry_vpc_count(const bk_agent_t *a)
{
    return bk_strmap_size(a->vpcs);
}

size_t bk_registry_count(const bk_registry_t *r)
{
    return bk_strmap_size(r->by_key);
}

typedef struct {
    bk_agent_t **v;
    size_t n;
} s_list_t;

static int s_collect(const void *key, size_t klen, void *val, void *arg)
{
    s_list_t *l = arg;
    l->v[l->n++] = val;
    return 0;
}

static int s_cmp(const void *x, const void *y)
{
    const bk_agent_t *a = *(bk_agent_t *const *)x, *b = *(bk_agent_t *const *)y;
    int c = strcmp(a->account, b->account);
    return c ? c : strcmp(a->region, b->region);
}

bk_agent_t **bk_registry_list(const bk_registry_t *r, size_t *n)
{
    *n = 0;
    size_t count = bk_strmap_size(r->by_key);
    if (count == 0)
        return NULL;
    s_list_t l = { malloc(count * sizeof *l.v), 0 };
    if (!l.v)
        return NULL;
    bk_strmap_each(r->by_key, s_collect, &l);
    qsort(l.v, l.n, sizeof *l.v, s_cmp);
    *n = l.n;
    return l.v;
}
