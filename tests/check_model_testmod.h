/* The test module of the check_model* tests: test actions, timer kinds
 * and hooks plugged into the model through the weak vs_module_test
 * reference in model.c. Defines vs_module_test: include it from one file
 * per test executable. */
#ifndef CHECK_MODEL_TESTMOD_H
#define CHECK_MODEL_TESTMOD_H

#include "check_model_fixture.h"
#include "network.h"

static char g_fired[16][VS_ID_LEN + 16];
static int g_nfired;

static void t_fire(vs_model_t *m, const char *id, const char *kind)
{
    if (g_nfired < 16)
        snprintf(g_fired[g_nfired++], sizeof g_fired[0], "%s:%s", kind, id);
}
static void t_fire_a(vs_model_t *m, const char *id) { t_fire(m, id, "a"); }
static void t_fire_b(vs_model_t *m, const char *id) { t_fire(m, id, "b"); }
/* Re-arms itself at the same instant: must not loop inside one tick. */
static void t_fire_again(vs_model_t *m, const char *id)
{
    t_fire(m, id, "again");
    vs_model__timer_arm(m, "test-again", id, vs_model__now(m));
}

static int t_arm(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                 vs_awserr_t *err)
{
    if (vs_model__timer_arm(m, vs_json_get_str(in, "Kind"), vs_json_get_str(in, "Id"),
                            (uint64_t)vs_json_get_int(in, "Due", 0)) != 0)
        return vs_awserr_set(err, "TestArmFailed", "cannot arm");
    return 0;
}

static int t_cancel(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                    vs_awserr_t *err)
{
    size_t n = vs_model__timer_cancel(m, vs_json_get_str(in, "Kind"), vs_json_get_str(in, "Id"));
    *out = vs_json_object();
    vs_json_set_int(*out, "Cancelled", (int64_t)n);
    return 0;
}

static int t_refuse_cidr(vs_model_t *m, const vs_vpc_t *vpc, const vs_cidr_t *c, bool adding,
                         vs_awserr_t *err)
{
    char buf[VS_CIDR_STRLEN];
    vs_cidr_format(c, buf, sizeof buf);
    if (strcmp(buf, "10.99.0.0/16") == 0)
        return vs_awserr_set(err, "TestRefused", "%s %s", adding ? "add" : "remove", buf);
    return 0;
}

static int t_subnet_busy(vs_model_t *m, const vs_subnet_t *s, vs_awserr_t *err)
{
    if (vs_tags_get(&s->base.tags, "busy"))
        return vs_awserr_set(err, "DependencyViolation",
                             "The subnet '%s' has dependencies and cannot be deleted.", s->base.id);
    return 0;
}

/* What CreateRoute and CreateRouteTable will do, through the helpers. */
static int t_route(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                   vs_awserr_t *err)
{
    vs_rtb_t *r = vs_model__resolve(m, caller, &vs_kind_rtb, vs_json_get_str(in, "RouteTableId"), err);
    vs_route_t rt = { .state = "blackhole", .origin = "CreateRoute" };
    snprintf(rt.pcx_id, sizeof rt.pcx_id, "%s", vs_json_get_str(in, "Pcx"));
    if (!r || vs_cidr_parse(vs_json_get_str(in, "Dest"), VS_CIDR_STRICT, &rt.dest) != 0 ||
        vs_rtb__find_route(r, &rt.dest))
        return vs_awserr_set(err, "TestRoute", "bad");
    return vs_rtb__add_route(m, r, &rt);
}

static int t_rtb(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                 vs_awserr_t *err)
{
    vs_vpc_t *v = vs_model__resolve(m, caller, &vs_kind_vpc, vs_json_get_str(in, "VpcId"), err);
    vs_rtb_t *r = v ? vs_rtb__create(m, v, false) : NULL;
    if (!r)
        return -1;
    *out = vs_json_object();
    vs_json_set(*out, "RouteTable", vs_rtb__output(m, &r->base));
    return 0;
}

static const vs_action_t t_actions[] = {
    { "TestArmTimer", t_arm },
    { "TestCancelTimer", t_cancel },
    { "TestRoute", t_route },
    { "TestRouteTable", t_rtb },
    { NULL, NULL }
};

static const vs_timer_kind_t t_timers[] = {
    { "test-a", t_fire_a },
    { "test-b", t_fire_b },
    { "test-again", t_fire_again },
    { NULL, NULL }
};

const vs_module_t vs_module_test = {
    .name = "test",
    .actions = t_actions,
    .timers = t_timers,
    .cidr_change_allowed = t_refuse_cidr,
    .subnet_delete_check = t_subnet_busy,
};

#endif
