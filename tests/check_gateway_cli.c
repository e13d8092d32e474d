/* The vpcsim CLI's command table (cli/cmdtable.c, hand-kept) against the
 * botocore model the gateway generates at build time: every action the CLI
 * calls is an operation of the model, and every input member an option
 * fills is a member of that operation's input shape with the same type, so
 * the CLI and the gateway send agents the same JSON documents. (A member
 * newer than the build's botocore is reported, not failed: the CLI's table
 * follows botocore 1.43, Debian 12 ships 1.29.) */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cmdtable.h"
#include "gw_model.h"
#include "schema.h"

static const gw_member_t *s_member(const gw_shape_t *sh, const char *name)
{
    for (size_t i = 0; sh && i < sh->nmembers; i++) {
        const gw_member_t *m = gw_model_member(&gw_ec2_service, sh, i);
        if (strcmp(m->name, name) == 0)
            return m;
    }
    return NULL;
}

/* Same kind in the CLI's notation and the model (integer/long both 'i'). */
static bool s_same_kind(const char *t, gw_kind_t k)
{
    switch (cli_schema_kind(t)) {
    case CLI_T_STRING: return k == GW_K_STRING;
    case CLI_T_INT: return k == GW_K_INTEGER || k == GW_K_LONG;
    case CLI_T_BOOL: return k == GW_K_BOOLEAN;
    case CLI_T_FLOAT: return k == GW_K_FLOAT || k == GW_K_DOUBLE;
    case CLI_T_TIME: return k == GW_K_TIMESTAMP;
    case CLI_T_BLOB: return k == GW_K_BLOB;
    case CLI_T_LIST: return k == GW_K_LIST;
    case CLI_T_STRUCT: return k == GW_K_STRUCT;
    default: return false;
    }
}

START_TEST(t_cli_actions_are_model_operations)
{
    size_t checked = 0, newer = 0;
    for (size_t i = 0; cli_cmdtable_at(i); i++) {
        const cli_cmd_t *c = cli_cmdtable_at(i);
        const gw_op_t *op = gw_model_op(&gw_ec2_service, c->action);
        ck_assert_msg(op != NULL, "%s calls %s, which the EC2 model does not have", c->name, c->action);
        const gw_shape_t *in = gw_model_shape(&gw_ec2_service, op->input);
        for (const cli_opt_t *o = c->opts; o && o->name; o++) {
            if (!o->member)
                continue;          /* an AWS CLI customization (--count, --port ...) */
            const gw_member_t *m = s_member(in, o->member);
            if (!m) {
                fprintf(stderr, "note: %s %s (%s) is newer than the build's botocore model\n", c->name,
                        cli_opt_flag(o), o->member);
                newer++;
                continue;
            }
            const gw_shape_t *ms = gw_model_shape(&gw_ec2_service, m->shape);
            ck_assert_msg(ms && s_same_kind(o->type, (gw_kind_t)ms->kind), "%s %s: the CLI says %s, the model %s",
                          c->name, o->name, o->type, ms ? ms->name : "?");
            checked++;
        }
    }
    ck_assert_uint_gt(checked, 100);
    ck_assert_uint_lt(newer, checked / 4);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("gateway_cli");
    TCase *tc = tcase_create("model");
    tcase_add_test(tc, t_cli_actions_are_model_operations);
    suite_add_tcase(s, tc);
    return s;
}
