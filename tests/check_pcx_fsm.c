/* Unit tests of core/pcx_fsm: the whole (state x actor x action x
 * inter-Region) matrix against one specification table, actor resolution,
 * and vs_pcx_fsm_apply on whole lifecycles. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_pcx_fixture.h"
#include "pcx_fsm.h"

#define ST(x) (1u << VS_PCX_##x)
#define ALL_ST ((1u << VS_PCX_STATE_COUNT) - 1)
#define AC(x) (1u << VS_PCX_ACTOR_##x)
#define ALL_AC ((1u << VS_PCX_ACTOR_COUNT) - 1)
#define ACT(x) (1u << VS_PCX_ACT_##x)
#define USER_ACTS (ACT(ACCEPT) | ACT(REJECT) | ACT(DELETE) | ACT(MODIFY_REQUESTER_OPTIONS) | \
                   ACT(MODIFY_ACCEPTER_OPTIONS))
#define SYS_ACTS (((1u << VS_PCX_ACTION_COUNT) - 1) & ~USER_ACTS)
#define MODIFY (ACT(MODIFY_REQUESTER_OPTIONS) | ACT(MODIFY_ACCEPTER_OPTIONS))
#define ANY (-1)

/* The context every matrix step uses, and the messages it yields. */
#define ID "pcx-01bfaf57ab86dad52"
#define USER "111111111111"
static const vs_pcx_fsm_ctx_t s_ctx = { ID, USER, "us-east-1", "eu-west-1" };

#define ONP "OperationNotPermitted"
#define IST "InvalidStateTransition"
#define IST_MSG(target) \
    "Invalid state transition for " ID ", attempted to transition from {state} to " target

/* One row of the specification: the first row matching (state, actor,
 * action, inter-Region) gives the expected outcome. */
typedef struct {
    unsigned states, actors, actions;
    int inter;                  /* ANY, 0 or 1 */
    bool ok;
    vs_pcx_state_t next;        /* when ok */
    const char *code, *msg;     /* when not ok; "{state}" = the from-state */
} spec_t;

#define OK(states, actors, actions, inter, next) \
    { states, actors, actions, inter, true, VS_PCX_##next, NULL, NULL }
#define ERR(states, actors, actions, inter, code, msg) \
    { states, actors, actions, inter, false, 0, code, msg }

static const spec_t s_spec[] = {
    /* Who may take part at all. */
    ERR(ALL_ST, ALL_AC & ~AC(SYSTEM), SYS_ACTS, ANY, "InternalError", "An internal error has occurred"),
    ERR(ALL_ST, AC(SYSTEM), USER_ACTS, ANY, "InternalError", "An internal error has occurred"),
    ERR(ALL_ST, AC(OTHER), USER_ACTS, ANY, "InvalidVpcPeeringConnectionID.NotFound",
        "The vpcPeeringConnection ID '" ID "' does not exist"),
    /* Authorization, whatever the state. */
    ERR(ALL_ST, AC(REQUESTER), ACT(ACCEPT), ANY, ONP, "User " USER " cannot accept peering " ID),
    ERR(ALL_ST, AC(SAME_ACCOUNT_WRONG_REGION), ACT(ACCEPT), ANY, ONP,
        "Incorrect region (us-east-1) specified for this request. VPC peering connection " ID
        " must be accepted in region eu-west-1"),
    ERR(ALL_ST, AC(REQUESTER), ACT(REJECT), ANY, ONP, "User " USER " cannot reject peering " ID),
    ERR(ALL_ST, AC(SAME_ACCOUNT_WRONG_REGION), ACT(REJECT), ANY, ONP,
        "Incorrect region (us-east-1) specified for this request. VPC peering connection " ID
        " must be accepted or rejected in region eu-west-1"),
    ERR(ALL_ST, AC(ACCEPTER), ACT(MODIFY_REQUESTER_OPTIONS), ANY, ONP,
        "User " USER " does not have permission to modify the requester side peering options"),
    ERR(ALL_ST, AC(REQUESTER) | AC(SAME_ACCOUNT_WRONG_REGION), ACT(MODIFY_ACCEPTER_OPTIONS), ANY,
        ONP, "User " USER " does not have permission to modify the accepter side peering options"),
    /* Accept / reject: accepter view, pending only. */
    OK(ST(PENDING_ACCEPTANCE), ALL_AC, ACT(ACCEPT), ANY, PROVISIONING),
    ERR(ALL_ST, ALL_AC, ACT(ACCEPT), ANY, IST, IST_MSG("provisioning")),
    OK(ST(PENDING_ACCEPTANCE), ALL_AC, ACT(REJECT), ANY, REJECTED),
    ERR(ALL_ST, ALL_AC, ACT(REJECT), ANY, IST, IST_MSG("rejected")),
    /* Delete: pending by the requester view, active by any owner. */
    ERR(ST(PENDING_ACCEPTANCE), AC(ACCEPTER), ACT(DELETE), ANY, ONP,
        "User " USER " cannot delete peering " ID),
    OK(ST(PENDING_ACCEPTANCE) | ST(ACTIVE), ALL_AC, ACT(DELETE), 0, DELETED),
    OK(ST(PENDING_ACCEPTANCE) | ST(ACTIVE), ALL_AC, ACT(DELETE), 1, DELETING),
    ERR(ALL_ST, ALL_AC, ACT(DELETE), ANY, IST, IST_MSG("deleting")),
    /* Modify: own side, active only. */
    OK(ST(ACTIVE), ALL_AC, MODIFY, ANY, ACTIVE),
    ERR(ALL_ST, ALL_AC, MODIFY, ANY, ONP,
        "Peering " ID " is not active. Peering options can be added only to active peerings."),
    /* System events. */
    OK(ST(INITIATING_REQUEST), ALL_AC, ACT(VALIDATED_OK), ANY, PENDING_ACCEPTANCE),
    ERR(ALL_ST, ALL_AC, ACT(VALIDATED_OK), ANY, IST, IST_MSG("pending-acceptance")),
    OK(ST(INITIATING_REQUEST), ALL_AC, ACT(VALIDATION_FAILED), ANY, FAILED),
    ERR(ALL_ST, ALL_AC, ACT(VALIDATION_FAILED), ANY, IST, IST_MSG("failed")),
    OK(ST(PENDING_ACCEPTANCE), ALL_AC, ACT(ACCEPTER_CIDR_OVERLAP), ANY, FAILED),
    ERR(ALL_ST, ALL_AC, ACT(ACCEPTER_CIDR_OVERLAP), ANY, IST, IST_MSG("failed")),
    OK(ST(PROVISIONING), ALL_AC, ACT(PROVISIONED), ANY, ACTIVE),
    ERR(ALL_ST, ALL_AC, ACT(PROVISIONED), ANY, IST, IST_MSG("active")),
    OK(ST(INITIATING_REQUEST) | ST(PENDING_ACCEPTANCE), ALL_AC, ACT(EXPIRE), ANY, EXPIRED),
    ERR(ALL_ST, ALL_AC, ACT(EXPIRE), ANY, IST, IST_MSG("expired")),
    OK(ST(DELETING), ALL_AC, ACT(DELETE_DONE), ANY, DELETED),
    ERR(ALL_ST, ALL_AC, ACT(DELETE_DONE), ANY, IST, IST_MSG("deleted")),
};
#define N_SPEC (sizeof s_spec / sizeof s_spec[0])

static void s_expand(const char *tmpl, const char *state, char *out, size_t len)
{
    const char *at = strstr(tmpl, "{state}");
    if (!at)
        snprintf(out, len, "%s", tmpl);
    else
        snprintf(out, len, "%.*s%s%s", (int)(at - tmpl), tmpl, state, at + 7);
}

START_TEST(test_matrix)
{
    unsigned used[N_SPEC] = { 0 };
    int checked = 0;
    for (int s = 0; s < VS_PCX_STATE_COUNT; s++)
        for (int a = 0; a < VS_PCX_ACTOR_COUNT; a++)
            for (int x = 0; x < VS_PCX_ACTION_COUNT; x++)
                for (int inter = 0; inter <= 1; inter++) {
                    size_t r = 0;
                    while (r < N_SPEC &&
                           !((s_spec[r].states >> s & 1) && (s_spec[r].actors >> a & 1) &&
                             (s_spec[r].actions >> x & 1) &&
                             (s_spec[r].inter == ANY || s_spec[r].inter == inter)))
                        r++;
                    ck_assert_msg(r < N_SPEC, "no spec row for %s/%s/%s/%d",
                                  vs_pcx_state_name(s), vs_pcx_actor_name(a),
                                  vs_pcx_action_name(x), inter);
                    used[r]++;
                    const spec_t *e = &s_spec[r];
                    vs_pcx_state_t next = (vs_pcx_state_t)99;
                    vs_awserr_t err = { "", "" };
                    int rc = vs_pcx_fsm_step(s, a, x, inter, &s_ctx, &next, &err);
                    const char *where_fmt = "%s %s by %s (inter=%d), spec row %zu";
                    char where[160];
                    snprintf(where, sizeof where, where_fmt, vs_pcx_state_name(s),
                             vs_pcx_action_name(x), vs_pcx_actor_name(a), inter, r);
                    if (e->ok) {
                        ck_assert_msg(rc == 0, "%s: unexpected error %s: %s", where, err.code,
                                      err.message);
                        ck_assert_msg(next == e->next, "%s: next %s, want %s", where,
                                      vs_pcx_state_name(next), vs_pcx_state_name(e->next));
                    } else {
                        char msg[512];
                        s_expand(e->msg, vs_pcx_state_name(s), msg, sizeof msg);
                        ck_assert_msg(rc == -1, "%s: succeeded, want %s", where, e->code);
                        ck_assert_msg(next == (vs_pcx_state_t)99, "%s: next touched", where);
                        ck_assert_msg(strcmp(err.code, e->code) == 0, "%s: code %s, want %s",
                                      where, err.code, e->code);
                        ck_assert_msg(strcmp(err.message, msg) == 0,
                                      "%s:\n got  %s\n want %s", where, err.message, msg);
                    }
                    checked++;
                }
    ck_assert_int_eq(checked, VS_PCX_STATE_COUNT * VS_PCX_ACTOR_COUNT * VS_PCX_ACTION_COUNT * 2);
    for (size_t r = 0; r < N_SPEC; r++)
        ck_assert_msg(used[r] > 0, "spec row %zu never used", r);
}
END_TEST

/* A few outcomes spelled out in full, independent of the spec's shorthand. */
START_TEST(test_literal_messages)
{
    vs_pcx_state_t next;
    vs_awserr_t err;
    vs_pcx_fsm_ctx_t ctx = { "pcx-0865e661", "264086180894", "us-east-1", "sa-east-1" };
    ck_assert_int_eq(vs_pcx_fsm_step(VS_PCX_REJECTED, VS_PCX_ACTOR_REQUESTER, VS_PCX_ACT_DELETE,
                                     false, &ctx, &next, &err), -1);
    ck_assert_str_eq(err.code, "InvalidStateTransition");
    ck_assert_str_eq(err.message, "Invalid state transition for pcx-0865e661, attempted to "
                                  "transition from rejected to deleting");
    ck_assert_int_eq(vs_pcx_fsm_step(VS_PCX_FAILED, VS_PCX_ACTOR_ACCEPTER, VS_PCX_ACT_DELETE,
                                     true, &ctx, &next, &err), -1);
    ck_assert_str_eq(err.message, "Invalid state transition for pcx-0865e661, attempted to "
                                  "transition from failed to deleting");
    ck_assert_int_eq(vs_pcx_fsm_step(VS_PCX_PENDING_ACCEPTANCE, VS_PCX_ACTOR_REQUESTER,
                                     VS_PCX_ACT_ACCEPT, false, &ctx, &next, &err), -1);
    ck_assert_str_eq(err.code, "OperationNotPermitted");
    ck_assert_str_eq(err.message, "User 264086180894 cannot accept peering pcx-0865e661");
    ck_assert_int_eq(vs_pcx_fsm_step(VS_PCX_PENDING_ACCEPTANCE,
                                     VS_PCX_ACTOR_SAME_ACCOUNT_WRONG_REGION, VS_PCX_ACT_ACCEPT,
                                     true, &ctx, &next, &err), -1);
    ck_assert_str_eq(err.message, "Incorrect region (us-east-1) specified for this request. VPC "
                                  "peering connection pcx-0865e661 must be accepted in region "
                                  "sa-east-1");
    ck_assert_int_eq(vs_pcx_fsm_step(VS_PCX_PROVISIONING, VS_PCX_ACTOR_BOTH,
                                     VS_PCX_ACT_MODIFY_ACCEPTER_OPTIONS, false, &ctx, &next,
                                     &err), -1);
    ck_assert_str_eq(err.message, "Peering pcx-0865e661 is not active. Peering options can be "
                                  "added only to active peerings.");
    /* Out-of-range inputs are refused, never indexed. */
    ck_assert_int_eq(vs_pcx_fsm_step((vs_pcx_state_t)42, VS_PCX_ACTOR_BOTH, VS_PCX_ACT_DELETE,
                                     false, &ctx, &next, &err), -1);
    ck_assert_int_eq(vs_pcx_fsm_step(VS_PCX_ACTIVE, (vs_pcx_actor_t)42, VS_PCX_ACT_DELETE,
                                     false, &ctx, &next, &err), -1);
    ck_assert_int_eq(vs_pcx_fsm_step(VS_PCX_ACTIVE, VS_PCX_ACTOR_BOTH, (vs_pcx_action_t)42,
                                     false, NULL, &next, &err), -1);
    ck_assert_str_eq(err.code, "InternalError");
    ck_assert_str_eq(vs_pcx_action_name(VS_PCX_ACT_DELETE_DONE), "DELETE_DONE");
    ck_assert_str_eq(vs_pcx_actor_name(VS_PCX_ACTOR_SAME_ACCOUNT_WRONG_REGION),
                     "SAME_ACCOUNT_WRONG_REGION");
    ck_assert_str_eq(vs_pcx_action_name((vs_pcx_action_t)42), "?");
    ck_assert(vs_pcx_action_is_system(VS_PCX_ACT_EXPIRE));
    ck_assert(!vs_pcx_action_is_system(VS_PCX_ACT_DELETE));
}
END_TEST

START_TEST(test_actor_resolution)
{
    vs_pcx_t x = fx_pcx("111111111111", "us-east-1", "222222222222", "us-east-1");
    ck_assert_int_eq(vs_pcx_fsm_actor(&x, "111111111111", "us-east-1"), VS_PCX_ACTOR_REQUESTER);
    ck_assert_int_eq(vs_pcx_fsm_actor(&x, "222222222222", "us-east-1"), VS_PCX_ACTOR_ACCEPTER);
    ck_assert_int_eq(vs_pcx_fsm_actor(&x, "333333333333", "us-east-1"), VS_PCX_ACTOR_OTHER);
    ck_assert_int_eq(vs_pcx_fsm_actor(&x, "111111111111", "us-west-2"), VS_PCX_ACTOR_OTHER);
    ck_assert_int_eq(vs_pcx_fsm_actor(&x, NULL, NULL), VS_PCX_ACTOR_OTHER);

    vs_pcx_t same = fx_pcx("111111111111", "us-east-1", "111111111111", "us-east-1");
    ck_assert_int_eq(vs_pcx_fsm_actor(&same, "111111111111", "us-east-1"), VS_PCX_ACTOR_BOTH);

    vs_pcx_t inter = fx_pcx("111111111111", "us-east-1", "111111111111", "eu-west-1");
    ck_assert_int_eq(vs_pcx_fsm_actor(&inter, "111111111111", "us-east-1"),
                     VS_PCX_ACTOR_SAME_ACCOUNT_WRONG_REGION);
    ck_assert_int_eq(vs_pcx_fsm_actor(&inter, "111111111111", "eu-west-1"),
                     VS_PCX_ACTOR_ACCEPTER);
    ck_assert_int_eq(vs_pcx_fsm_actor(&inter, "111111111111", "ap-south-1"), VS_PCX_ACTOR_OTHER);

    /* Cross-account inter-Region: the accepter in the requester Region has
     * no view there (reference 4.2: NotFound). */
    vs_pcx_t cross = fx_pcx("111111111111", "us-east-1", "222222222222", "eu-west-1");
    ck_assert_int_eq(vs_pcx_fsm_actor(&cross, "222222222222", "us-east-1"), VS_PCX_ACTOR_OTHER);
    ck_assert_int_eq(vs_pcx_fsm_actor(&cross, "111111111111", "eu-west-1"), VS_PCX_ACTOR_OTHER);

    ck_assert_int_eq(vs_pcx_actor_side(VS_PCX_ACTOR_REQUESTER), VS_PCX_SIDE_REQUESTER);
    ck_assert_int_eq(vs_pcx_actor_side(VS_PCX_ACTOR_SAME_ACCOUNT_WRONG_REGION),
                     VS_PCX_SIDE_REQUESTER);
    ck_assert_int_eq(vs_pcx_actor_side(VS_PCX_ACTOR_ACCEPTER), VS_PCX_SIDE_ACCEPTER);
    ck_assert_int_eq(vs_pcx_actor_side(VS_PCX_ACTOR_BOTH), VS_PCX_SIDE_BOTH);
    ck_assert_int_eq(vs_pcx_actor_side(VS_PCX_ACTOR_OTHER), VS_PCX_SIDE_NONE);
    ck_assert_int_eq(vs_pcx_actor_side(VS_PCX_ACTOR_SYSTEM), VS_PCX_SIDE_NONE);
}
END_TEST

/* Cross-account inter-Region: create, validate, accept, provision,
 * modify, delete by the accepter through deleting. */
START_TEST(test_apply_lifecycle_inter_region)
{
    vs_pcx_t p = fx_pcx("111111111111", "us-east-1", "222222222222", "eu-west-1");
    vs_awserr_t err;
    ck_assert(p.inter_region);
    ck_assert_int_eq(p.state, VS_PCX_INITIATING_REQUEST);
    ck_assert_str_eq(p.status_message, "Initiating Request to 222222222222");
    ck_assert_uint_eq(p.version, 1);

    ck_assert_int_eq(vs_pcx_fsm_apply(&p, NULL, NULL, VS_PCX_ACT_VALIDATED_OK, FX_T0 + 500, &err), 0);
    ck_assert_str_eq(p.status_message, "Pending Acceptance by 222222222222");
    ck_assert_uint_eq(p.version, 2);
    ck_assert_uint_eq(p.state_entered_ms, FX_T0 + 500);

    /* The requester cannot accept; nothing changes. */
    ck_assert_int_eq(vs_pcx_fsm_apply(&p, "111111111111", "us-east-1", VS_PCX_ACT_ACCEPT,
                                      FX_T0 + 600, &err), -1);
    ck_assert_str_eq(err.message, "User 111111111111 cannot accept peering " FX_PCX);
    ck_assert_uint_eq(p.version, 2);
    /* Nor can the accepter in the requester's Region: it has no view there. */
    ck_assert_int_eq(vs_pcx_fsm_apply(&p, "222222222222", "us-east-1", VS_PCX_ACT_ACCEPT,
                                      FX_T0 + 600, &err), -1);
    ck_assert_str_eq(err.code, "InvalidVpcPeeringConnectionID.NotFound");

    ck_assert_int_eq(vs_pcx_fsm_apply(&p, "222222222222", "eu-west-1", VS_PCX_ACT_ACCEPT,
                                      FX_T0 + 1000, &err), 0);
    ck_assert_int_eq(p.state, VS_PCX_PROVISIONING);
    ck_assert_str_eq(p.status_message, "Provisioning");
    ck_assert_int_eq(vs_pcx_fsm_apply(&p, NULL, NULL, VS_PCX_ACT_PROVISIONED, FX_T0 + 3000, &err), 0);
    ck_assert_str_eq(p.status_message, "Active");
    ck_assert_uint_eq(p.version, 4);

    /* Modify passes the check but leaves the record alone. */
    ck_assert_int_eq(vs_pcx_fsm_apply(&p, "111111111111", "us-east-1",
                                      VS_PCX_ACT_MODIFY_REQUESTER_OPTIONS, FX_T0 + 4000, &err), 0);
    ck_assert_uint_eq(p.version, 4);
    ck_assert_uint_eq(p.state_entered_ms, FX_T0 + 3000);

    ck_assert_int_eq(vs_pcx_fsm_apply(&p, "222222222222", "eu-west-1", VS_PCX_ACT_DELETE,
                                      FX_T0 + 5000, &err), 0);
    ck_assert_int_eq(p.state, VS_PCX_DELETING);
    ck_assert_int_eq(p.deleted_by, VS_PCX_SIDE_ACCEPTER);
    ck_assert_str_eq(p.status_message, "Deleting");
    ck_assert_int_eq(vs_pcx_fsm_apply(&p, NULL, NULL, VS_PCX_ACT_DELETE_DONE, FX_T0 + 7000, &err), 0);
    ck_assert_int_eq(p.state, VS_PCX_DELETED);
    ck_assert_int_eq(p.deleted_by, VS_PCX_SIDE_ACCEPTER);
    ck_assert_str_eq(p.status_message, "Deleted by 222222222222");
    ck_assert_uint_eq(p.version, 6);

    /* Late events are refused and ignored. */
    ck_assert_int_eq(vs_pcx_fsm_apply(&p, NULL, NULL, VS_PCX_ACT_EXPIRE, FX_T0 + 8000, &err), -1);
    ck_assert_str_eq(err.code, "InvalidStateTransition");
    ck_assert_uint_eq(p.version, 6);
    char why[128];
    ck_assert_int_eq(vs_pcx_validate(&p, why, sizeof why), 0);
}
END_TEST

/* A record from a peer is checked before use: its CIDRs must be
 * canonical (family, prefix range, no host bits), without duplicates. */
START_TEST(test_validate_cidrs)
{
    char why[128];
    vs_pcx_t ok = fx_pcx("111111111111", "us-east-1", "222222222222", "us-east-1");
    ck_assert_int_eq(vs_pcx_validate(&ok, why, sizeof why), 0);

    vs_pcx_t p = ok;
    p.requester.ipv4[0].addr.bytes[3] = 1;                 /* 10.1.0.1/16 */
    ck_assert_int_eq(vs_pcx_validate(&p, why, sizeof why), -1);
    ck_assert_str_eq(why, "requester: bad cidr #0");
    p = ok;
    p.requester.ipv4[1].prefix = 33;
    ck_assert_int_eq(vs_pcx_validate(&p, why, sizeof why), -1);
    ck_assert_str_eq(why, "requester: bad cidr #1");
    p = ok;
    p.accepter.ipv4[0].addr.family = 6;                    /* a v6 CIDR in the v4 list */
    ck_assert_int_eq(vs_pcx_validate(&p, why, sizeof why), -1);
    ck_assert_str_eq(why, "accepter: bad cidr #0");
    p = ok;
    p.accepter.ipv6[0].addr.bytes[15] = 0x80;              /* host bit of a /56 */
    ck_assert_int_eq(vs_pcx_validate(&p, why, sizeof why), -1);
    ck_assert_str_eq(why, "accepter: bad cidr #1");
    p = ok;
    p.requester.ipv6[0].prefix = 0;                        /* ::/0 with bits set */
    ck_assert_int_eq(vs_pcx_validate(&p, why, sizeof why), -1);
    p.requester.ipv6[0].prefix = 128;                      /* a host route is canonical */
    ck_assert_int_eq(vs_pcx_validate(&p, why, sizeof why), 0);
    p = ok;
    p.requester.ipv4[1] = p.requester.ipv4[0];
    ck_assert_int_eq(vs_pcx_validate(&p, why, sizeof why), -1);
    ck_assert_str_eq(why, "requester: duplicate cidr #1");
    p = ok;
    snprintf(p.accepter.region, sizeof p.accepter.region, "us-east-9");
    ck_assert_int_eq(vs_pcx_validate(&p, why, sizeof why), -1);
    ck_assert_str_eq(why, "accepter: unknown region");
}
END_TEST

START_TEST(test_apply_same_account)
{
    vs_awserr_t err;
    /* Same account, same Region: one owner deletes its own pending request
     * directly to deleted; the deleter is recorded as the requester. */
    vs_pcx_t p = fx_pcx("111111111111", "ap-northeast-1", "111111111111", "ap-northeast-1");
    ck_assert(!p.inter_region);
    ck_assert_int_eq(vs_pcx_fsm_apply(&p, NULL, NULL, VS_PCX_ACT_VALIDATED_OK, FX_T0, &err), 0);
    ck_assert_int_eq(vs_pcx_fsm_apply(&p, "111111111111", "ap-northeast-1", VS_PCX_ACT_DELETE,
                                      FX_T0 + 1, &err), 0);
    ck_assert_int_eq(p.state, VS_PCX_DELETED);
    ck_assert_int_eq(p.deleted_by, VS_PCX_SIDE_REQUESTER);
    ck_assert_str_eq(p.status_message, "Deleted by 111111111111");

    /* Rejection names the accepter. */
    vs_pcx_t r = fx_pcx("111111111111", "ap-northeast-1", "222222222222", "ap-northeast-1");
    ck_assert_int_eq(vs_pcx_fsm_apply(&r, NULL, NULL, VS_PCX_ACT_VALIDATED_OK, FX_T0, &err), 0);
    ck_assert_int_eq(vs_pcx_fsm_apply(&r, "222222222222", "ap-northeast-1", VS_PCX_ACT_REJECT,
                                      FX_T0 + 1, &err), 0);
    ck_assert_str_eq(r.status_message, "Rejected by 222222222222");
    ck_assert_int_eq(r.deleted_by, VS_PCX_SIDE_NONE);

    /* Same account, inter-Region: the requester-Region view is told where
     * to accept; the accepter-Region view accepts. */
    vs_pcx_t i = fx_pcx("111111111111", "us-east-1", "111111111111", "eu-west-1");
    ck_assert_int_eq(vs_pcx_fsm_apply(&i, NULL, NULL, VS_PCX_ACT_VALIDATED_OK, FX_T0, &err), 0);
    ck_assert_int_eq(vs_pcx_fsm_apply(&i, "111111111111", "us-east-1", VS_PCX_ACT_ACCEPT,
                                      FX_T0 + 1, &err), -1);
    ck_assert_str_eq(err.message, "Incorrect region (us-east-1) specified for this request. VPC "
                                  "peering connection " FX_PCX " must be accepted in region "
                                  "eu-west-1");
    ck_assert_int_eq(vs_pcx_fsm_apply(&i, "111111111111", "eu-west-1", VS_PCX_ACT_ACCEPT,
                                      FX_T0 + 2, &err), 0);
    ck_assert_int_eq(i.state, VS_PCX_PROVISIONING);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("pcx_fsm");
    TCase *tc = tcase_create("fsm");
    tcase_add_test(tc, test_matrix);
    tcase_add_test(tc, test_literal_messages);
    tcase_add_test(tc, test_actor_resolution);
    tcase_add_test(tc, test_apply_lifecycle_inter_region);
    tcase_add_test(tc, test_apply_same_account);
    tcase_add_test(tc, test_validate_cidrs);
    suite_add_tcase(s, tc);
    return s;
}
