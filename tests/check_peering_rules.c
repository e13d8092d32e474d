/* Peering rules in a simulated cluster (sim/simnet.h): every row of the
 * reference's section 4.2 scenario matrix that the model decides, duplicate
 * and reverse requests, the 7-day expiry, the visibility windows of each
 * side, describe filters and paging, and per-view tags (quotas are in
 * check_peering_quota.c). */
#include "check_peering_fixture.h"
#include "idmap.h"

static const char *s_ist(const char *pcx, const char *from, const char *to)
{
    return J("Invalid state transition for %s, attempted to transition from %s to %s", pcx,
             from, to);
}

#define ACCEPT "AcceptVpcPeeringConnection"
#define REJECT "RejectVpcPeeringConnection"
#define DELETE "DeleteVpcPeeringConnection"
#define MODIFY "ModifyVpcPeeringConnectionOptions"
#define ONP "OperationNotPermitted"
#define IST "InvalidStateTransition"

static const char *s_modify_input(const char *pcx, const char *side, const char *opts)
{
    return J("{\"VpcPeeringConnectionId\":\"%s\",\"%sPeeringConnectionOptions\":%s}", pcx, side,
             opts);
}

#define DNS_ON "{\"AllowDnsResolutionFromRemoteVpc\":true}"

static void s_dns_hostnames(int a, const char *vpc)
{
    OK(a, "ModifyVpcAttribute", J("{\"VpcId\":\"%s\",\"EnableDnsHostnames\":{\"Value\":true}}", vpc));
}

/* --- the scenario matrix (reference 4.2) ------------------------------------------- */

START_TEST(matrix_cross_account_inter_region)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R2), aw = pf_agent(A2, R1), x = pf_agent(A3, R2);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *pcx = pending_pcx(r, rv, a, av), *id = pcx_id_input(pcx);
    const char *nf = J("The vpcPeeringConnection ID '%s' does not exist", pcx);
    /* The accepter's VPC resolves DNS: the errors below are about the
     * connection, whichever check an agent runs first. */
    s_dns_hostnames(a, av);
    const char *nf_code = "InvalidVpcPeeringConnectionID.NotFound";

    /* pending-acceptance */
    ERR(r, ACCEPT, id, ONP, J("User %s cannot accept peering %s", A1, pcx));
    ERR(r, REJECT, id, ONP, J("User %s cannot reject peering %s", A1, pcx));
    ERR(aw, ACCEPT, id, nf_code, nf);          /* the accepter, in the wrong Region */
    ERR(x, ACCEPT, id, nf_code, nf);
    ERR(x, DELETE, id, nf_code, nf);
    ERR(a, DELETE, id, ONP, J("User %s cannot delete peering %s", A2, pcx));
    ERR(r, MODIFY, s_modify_input(pcx, "Requester", DNS_ON), ONP,
        J("Peering %s is not active. Peering options can be added only to active peerings.", pcx));
    ERR(r, MODIFY, s_modify_input(pcx, "Accepter", DNS_ON), ONP,
        J("User %s does not have permission to modify the accepter side peering options", A1));
    ERR(a, MODIFY, s_modify_input(pcx, "Requester", DNS_ON), ONP,
        J("User %s does not have permission to modify the requester side peering options", A2));
    ERR(r, ACCEPT, "{\"VpcPeeringConnectionId\":\"pcx-zz\"}",
        "InvalidVpcPeeringConnectionId.Malformed", "Invalid id: \"pcx-zz\" (expecting \"pcx-...\")");
    ERR(a, ACCEPT, "{\"VpcPeeringConnectionId\":\"pcx-0123456789abcdef0\",\"DryRun\":false}",
        nf_code, "The vpcPeeringConnection ID 'pcx-0123456789abcdef0' does not exist");
    ERR(a, ACCEPT, J("{\"VpcPeeringConnectionId\":\"%s\",\"DryRun\":true}", pcx),
        "DryRunOperation", "Request would have succeeded, but DryRun flag is set.");
    same_views(r, a, pcx);
    ck_assert_str_eq(state_of(r, pcx), "pending-acceptance");

    /* provisioning */
    OK(a, ACCEPT, id);
    pf_settle();
    ck_assert_str_eq(state_of(a, pcx), "provisioning");
    ERR(a, ACCEPT, id, IST, s_ist(pcx, "provisioning", "provisioning"));
    ERR(r, DELETE, id, IST, s_ist(pcx, "provisioning", "deleting"));
    ERR(a, MODIFY, s_modify_input(pcx, "Accepter", DNS_ON), ONP,
        J("Peering %s is not active. Peering options can be added only to active peerings.", pcx));

    /* active */
    pf_advance(VS_PCX_PROVISIONING_MS);
    pf_settle();
    ck_assert_str_eq(state_of(a, pcx), "active");
    ERR(a, ACCEPT, id, IST, s_ist(pcx, "active", "provisioning"));
    ERR(a, REJECT, id, IST, s_ist(pcx, "active", "rejected"));
    ERR(r, ACCEPT, id, ONP, J("User %s cannot accept peering %s", A1, pcx));
    ERR(aw, DELETE, id, nf_code, nf);
    ERR(r, MODIFY, s_modify_input(pcx, "Accepter", DNS_ON), ONP,
        J("User %s does not have permission to modify the accepter side peering options", A1));
    ERR(a, MODIFY, s_modify_input(pcx, "Accepter",
                                  "{\"AllowEgressFromLocalVpcToRemoteClassicLink\":true}"), ONP,
        "Modifying VPC peering connection options AllowEgressFromLocalClassicLinkToRemoteVpc, "
        "AllowEgressFromLocalVpcToRemoteClassicLink is not supported for cross-region VPC "
        "peering connections");
    ERR(r, MODIFY, s_modify_input(pcx, "Requester", DNS_ON),
        "InvalidVpcPeeringConnectionState.DnsHostnamesDisabled",
        "To enable DNS hostname resolution for the VPC peering connection, DNS hostname support "
        "must be enabled for the VPCs.");
    ERR(r, MODIFY, id, "MissingParameter",
        "The request must contain either accepterPeeringConnectionOptions or "
        "requesterPeeringConnectionOptions");

    /* Each owner modifies its own side, in its own Region. */
    s_dns_hostnames(r, rv);
    vs_json_t *o = OK(r, MODIFY, s_modify_input(pcx, "Requester", DNS_ON));
    ck_assert_str_eq(pf_dump(o), "{\"RequesterPeeringConnectionOptions\":{"
                                 "\"AllowDnsResolutionFromRemoteVpc\":true,"
                                 "\"AllowEgressFromLocalClassicLinkToRemoteVpc\":false,"
                                 "\"AllowEgressFromLocalVpcToRemoteClassicLink\":false}}");
    uint64_t c = pf_call(a, MODIFY, s_modify_input(pcx, "Accepter", DNS_ON));
    ck_assert_int_eq(pf_reply(c)->state, VS_CALL_PENDING);      /* the home decides */
    pf_wait(c);
    ck_assert_str_eq(pf_keys(pf_out(c)), "AccepterPeeringConnectionOptions");
    ck_assert(vs_json_as_bool(P(pf_out(c), "AccepterPeeringConnectionOptions."
                                            "AllowDnsResolutionFromRemoteVpc"), false));
    pf_settle();
    same_views(r, a, pcx);
    const vs_json_t *v = view(a, pcx);
    ck_assert(vs_json_as_bool(P(v, "RequesterVpcInfo.PeeringOptions.AllowDnsResolutionFromRemoteVpc"), false));
    ck_assert(vs_json_as_bool(P(v, "AccepterVpcInfo.PeeringOptions.AllowDnsResolutionFromRemoteVpc"), false));

    /* deleted (by the accepter; the requester still sees it for 2 days) */
    OK(a, DELETE, id);
    pf_settle();
    pf_advance(VS_PCX_DELETING_MS);
    pf_settle();
    ck_assert_str_eq(state_of(r, pcx), "deleted");
    ERR(r, DELETE, id, IST, s_ist(pcx, "deleted", "deleting"));
    ERR(a, ACCEPT, id, IST, s_ist(pcx, "deleted", "provisioning"));
    ERR(r, MODIFY, s_modify_input(pcx, "Requester", DNS_ON), ONP,
        J("Peering %s is not active. Peering options can be added only to active peerings.", pcx));
    same_views(r, a, pcx);
}
END_TEST

START_TEST(matrix_same_account_inter_region)
{
    int r = pf_agent(A1, R1), a = pf_agent(A1, R2);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *pcx = pending_pcx(r, rv, a, av), *id = pcx_id_input(pcx);
    ERR(r, ACCEPT, id, ONP,
        J("Incorrect region (%s) specified for this request. VPC peering connection %s must be "
          "accepted in region %s", R1, pcx, R2));
    ERR(r, REJECT, id, ONP,
        J("Incorrect region (%s) specified for this request. VPC peering connection %s must be "
          "accepted or rejected in region %s", R1, pcx, R2));
    ERR(a, DELETE, id, ONP, J("User %s cannot delete peering %s", A1, pcx));
    ERR(r, MODIFY, s_modify_input(pcx, "Accepter", DNS_ON), ONP,
        J("User %s does not have permission to modify the accepter side peering options", A1));
    /* The requester deletes its pending request, in its own Region. */
    OK(r, DELETE, id);
    ck_assert_str_eq(state_of(r, pcx), "deleting");
    pf_advance(VS_PCX_DELETING_MS);
    pf_settle();
    ck_assert_str_eq(state_of(a, pcx), "deleted");
    ck_assert_str_eq(message_of(a, pcx), J("Deleted by %s", A1));
    ERR(a, ACCEPT, id, IST, s_ist(pcx, "deleted", "provisioning"));
    ERR(a, REJECT, id, IST, s_ist(pcx, "deleted", "rejected"));
    same_views(r, a, pcx);
}
END_TEST

START_TEST(matrix_same_account_same_region)
{
    int r = pf_agent(A1, R1);
    const char *v1 = mkvpc(r, "10.1.0.0/16"), *v2 = mkvpc(r, "10.2.0.0/16");
    const char *v3 = mkvpc(r, "10.1.0.0/20");
    const char *pcx = pending_pcx(r, v1, r, v2), *id = pcx_id_input(pcx);
    /* One owner of both ends: sets both sides' options in one call. */
    OK(r, ACCEPT, id);
    pf_advance(VS_PCX_PROVISIONING_MS);
    s_dns_hostnames(r, v1);
    s_dns_hostnames(r, v2);
    vs_json_t *o = OK(r, MODIFY, J("{\"VpcPeeringConnectionId\":\"%s\","
                                   "\"RequesterPeeringConnectionOptions\":" DNS_ON ","
                                   "\"AccepterPeeringConnectionOptions\":" DNS_ON "}", pcx));
    ck_assert_str_eq(pf_keys(o), "AccepterPeeringConnectionOptions,"
                                 "RequesterPeeringConnectionOptions");
    OK(r, DELETE, id);
    ck_assert_str_eq(state_of(r, pcx), "deleted");
    ck_assert_str_eq(message_of(r, pcx), J("Deleted by %s", A1));

    /* failed and rejected cannot be deleted, accepted or rejected again. */
    const char *f = mkpcx(r, v1, v3, NULL, NULL);
    pf_settle();
    ck_assert_str_eq(state_of(r, f), "failed");
    ERR(r, ACCEPT, pcx_id_input(f), IST, s_ist(f, "failed", "provisioning"));
    ERR(r, DELETE, pcx_id_input(f), IST, s_ist(f, "failed", "deleting"));
    const char *rj = pending_pcx(r, v1, r, v2);
    OK(r, REJECT, pcx_id_input(rj));
    ck_assert_str_eq(state_of(r, rj), "rejected");
    ck_assert_str_eq(message_of(r, rj), J("Rejected by %s", A1));
    ERR(r, ACCEPT, pcx_id_input(rj), IST, s_ist(rj, "rejected", "provisioning"));
    ERR(r, REJECT, pcx_id_input(rj), IST, s_ist(rj, "rejected", "rejected"));
    ERR(r, DELETE, pcx_id_input(rj), IST, s_ist(rj, "rejected", "deleting"));
}
END_TEST

START_TEST(reject_cross_account)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R1);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *pcx = pending_pcx(r, rv, a, av), *id = pcx_id_input(pcx);
    vs_json_t *o = OK(a, REJECT, id);
    ck_assert_str_eq(pf_dump(o), "{\"Return\":true}");
    pf_settle();
    same_views(r, a, pcx);
    ck_assert_str_eq(message_of(r, pcx), J("Rejected by %s", A2));
    ERR(r, DELETE, id, IST, s_ist(pcx, "rejected", "deleting"));
    ERR(a, DELETE, id, IST, s_ist(pcx, "rejected", "deleting"));
    ERR(a, ACCEPT, id, IST, s_ist(pcx, "rejected", "provisioning"));
    /* Rejected: 2 days for the requester, 2 h for the accepter. */
    uint64_t t = rec(r, pcx)->rec.state_entered_ms;
    pf_run_to(t + 2 * HOUR - 1);
    ck_assert_str_eq(state_of(a, pcx), "rejected");
    pf_run_to(t + 2 * HOUR);
    ck_assert_ptr_null(view(a, pcx));
    ck_assert_str_eq(state_of(r, pcx), "rejected");
    pf_run_to(t + 2 * DAY - 1);
    ck_assert_str_eq(state_of(r, pcx), "rejected");
    pf_run_to(t + 2 * DAY);
    ck_assert_ptr_null(view(r, pcx));
}
END_TEST

/* Within one account, rejected and deleted stay 2 h for both views. */
START_TEST(visibility_same_account)
{
    int r = pf_agent(A1, R1), a = pf_agent(A1, R2);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *pcx = pending_pcx(r, rv, a, av);
    OK(a, REJECT, pcx_id_input(pcx));
    pf_settle();
    uint64_t t = rec(r, pcx)->rec.state_entered_ms;
    pf_run_to(t + 2 * HOUR - 1);
    ck_assert_str_eq(state_of(r, pcx), "rejected");
    ck_assert_str_eq(state_of(a, pcx), "rejected");
    pf_run_to(t + 2 * HOUR);
    ck_assert_ptr_null(view(r, pcx));
    ck_assert_ptr_null(view(a, pcx));
    /* Gone for every API call, not only describe: tagging it fails too. */
    ERR(r, "CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}", pcx),
        "InvalidVpcPeeringConnectionID.NotFound",
        J("The vpcPeeringConnection ID '%s' does not exist", pcx));
}
END_TEST

/* A pending request deleted by the requester: 2 h for it, 2 days for the
 * accepter. */
START_TEST(visibility_deleted_pending)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R1);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *pcx = pending_pcx(r, rv, a, av);
    OK(r, DELETE, pcx_id_input(pcx));
    pf_settle();
    same_views(r, a, pcx);
    ck_assert_str_eq(message_of(a, pcx), J("Deleted by %s", A1));
    uint64_t t = rec(r, pcx)->rec.state_entered_ms;
    pf_run_to(t + 2 * HOUR);
    ck_assert_ptr_null(view(r, pcx));
    ck_assert_str_eq(state_of(a, pcx), "deleted");
    pf_run_to(t + 2 * DAY - 1);
    ck_assert_str_eq(state_of(a, pcx), "deleted");
    pf_run_to(t + 2 * DAY);
    ck_assert_ptr_null(view(a, pcx));
    /* Long after, the tombstones are gone too. */
    pf_run_to(t + 2 * DAY + VS_PCX_TOMBSTONE_MS);
    ck_assert_ptr_null(rec(r, pcx));
    ck_assert_ptr_null(rec(a, pcx));
}
END_TEST

/* --- expiry ----------------------------------------------------------------------- */

START_TEST(expiry_at_exactly_168h)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R2);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *pcx = pending_pcx(r, rv, a, av);
    uint64_t e = PF_T0 + 168 * HOUR;
    ck_assert_uint_eq(rec(r, pcx)->rec.expiration_ms, e);
    pf_run_to(e - 1);
    ck_assert_str_eq(state_of(r, pcx), "pending-acceptance");
    ck_assert_str_eq(state_of(a, pcx), "pending-acceptance");
    pf_run_to(e);
    ck_assert_str_eq(state_of(r, pcx), "expired");
    pf_settle();
    same_views(r, a, pcx);
    const vs_json_t *v = view(a, pcx);
    ck_assert_str_eq(S(v, "Status.Message"), "Expired");
    ck_assert_ptr_null(P(v, "ExpirationTime"));
    ERR(a, ACCEPT, pcx_id_input(pcx), IST, s_ist(pcx, "expired", "provisioning"));
    ERR(a, REJECT, pcx_id_input(pcx), IST, s_ist(pcx, "expired", "rejected"));
    ERR(r, DELETE, pcx_id_input(pcx), IST, s_ist(pcx, "expired", "deleting"));
    /* Expired: 2 days for both. */
    pf_run_to(e + 2 * DAY - 1);
    ck_assert_str_eq(state_of(r, pcx), "expired");
    ck_assert_str_eq(state_of(a, pcx), "expired");
    pf_run_to(e + 2 * DAY);
    ck_assert_ptr_null(view(r, pcx));
    ck_assert_ptr_null(view(a, pcx));
}
END_TEST

START_TEST(expiry_same_agent_boundary)
{
    int r = pf_agent(A1, R1);
    const char *v1 = mkvpc(r, "10.1.0.0/16"), *v2 = mkvpc(r, "10.2.0.0/16");
    const char *v3 = mkvpc(r, "10.3.0.0/16");
    const char *p1 = pending_pcx(r, v1, r, v2), *p2 = pending_pcx(r, v1, r, v3);
    uint64_t e = PF_T0 + 168 * HOUR;
    pf_run_to(e - 1);
    OK(r, ACCEPT, pcx_id_input(p1));         /* one ms before: still pending */
    pf_run_to(e);
    ERR(r, ACCEPT, pcx_id_input(p2), IST, s_ist(p2, "expired", "provisioning"));
    ck_assert_str_eq(state_of(r, p1), "provisioning");
    pf_advance(VS_PCX_PROVISIONING_MS);
    ck_assert_str_eq(state_of(r, p1), "active");
}
END_TEST

/* The home decides when the operation reaches it: an accept sent 1 ms
 * before the expiry that arrives at 168 h finds the request expired,
 * whichever of the two the home's loop sees first. */
START_TEST(expiry_accept_arriving_at_168h)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R2);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *pcx = pending_pcx(r, rv, a, av);
    uint64_t e = PF_T0 + 168 * HOUR;
    pf_run_to(e - 1);
    uint64_t c = pf_call(a, ACCEPT, pcx_id_input(pcx));
    const vs_simnet_reply_t *rep = pf_wait(c);
    ck_assert_int_eq(rep->state, VS_CALL_FAILED);
    ck_assert_str_eq(rep->code, IST);
    ck_assert_str_eq(rep->message, s_ist(pcx, "expired", "provisioning"));
    same_views(r, a, pcx);
    ck_assert_str_eq(state_of(a, pcx), "expired");
    ck_assert_uint_eq(rec(a, pcx)->rec.state_entered_ms, e);
}
END_TEST

/* --- one connection per pair ------------------------------------------------------- */

START_TEST(duplicate_same_direction)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R2);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *in = pcx_input(rv, av, A2, R2);
    ERR(r, "CreateVpcPeeringConnection",
        J("{\"VpcId\":\"%s\",\"PeerVpcId\":\"%s\",\"PeerOwnerId\":\"" A2 "\","
          "\"PeerRegion\":\"" R2 "\",\"DryRun\":true}", rv, av),
        "DryRunOperation", "Request would have succeeded, but DryRun flag is set.");
    pf_settle();
    ck_assert_str_eq(list_ids(r, NULL), "");
    ck_assert_str_eq(list_ids(a, NULL), "");
    const char *p1 = mkpcx(r, rv, av, A2, R2);
    /* Still initiating, pending, active: the same connection comes back. */
    ck_assert_str_eq(mkpcx(r, rv, av, A2, R2), p1);
    pf_settle();
    vs_json_t *o = OK(r, "CreateVpcPeeringConnection", in);
    ck_assert_str_eq(S(o, "VpcPeeringConnection.VpcPeeringConnectionId"), p1);
    ck_assert_str_eq(S(o, "VpcPeeringConnection.Status.Code"), "pending-acceptance");
    OK(a, ACCEPT, pcx_id_input(p1));
    pf_advance(VS_PCX_PROVISIONING_MS);
    pf_settle();
    o = OK(r, "CreateVpcPeeringConnection", in);
    ck_assert_str_eq(S(o, "VpcPeeringConnection.VpcPeeringConnectionId"), p1);
    ck_assert_str_eq(S(o, "VpcPeeringConnection.Status.Code"), "active");
    ck_assert_str_eq(list_ids(a, NULL), p1);
    /* After a delete, a new request is a new connection. */
    OK(r, DELETE, pcx_id_input(p1));
    pf_advance(VS_PCX_DELETING_MS);
    pf_settle();
    const char *p2 = mkpcx(r, rv, av, A2, R2);
    ck_assert_str_ne(p2, p1);
    pf_settle();
    ck_assert_str_eq(state_of(a, p2), "pending-acceptance");
}
END_TEST

START_TEST(reverse_direction_cannot_be_accepted)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R2);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *p1 = active_pcx(r, rv, a, av);
    /* A new connection is created the other way round ... */
    const char *p2 = pending_pcx(a, av, r, rv);
    ck_assert_str_ne(p2, p1);
    /* ... and can never be accepted. */
    ERR(r, ACCEPT, pcx_id_input(p2), "VpcPeeringConnectionAlreadyExists",
        J("The vpc peering connection identified by %s already exists.", p2));
    pf_settle();
    same_views(a, r, p2);
    ck_assert_str_eq(state_of(r, p2), "pending-acceptance");

    /* Two pending requests between one pair: the first accepted wins. */
    const char *v3 = mkvpc(r, "10.3.0.0/16"), *v4 = mkvpc(a, "10.4.0.0/16");
    const char *q1 = pending_pcx(r, v3, a, v4), *q2 = pending_pcx(a, v4, r, v3);
    OK(r, ACCEPT, pcx_id_input(q2));
    pf_settle();
    ERR(a, ACCEPT, pcx_id_input(q1), "VpcPeeringConnectionAlreadyExists",
        J("The vpc peering connection identified by %s already exists.", q1));
}
END_TEST

/* The per-VPC index (vs_pcx__of_vpc_keyed) lists exactly the connections
 * of a VPC, each with the hash of the VPC at its other end, which the
 * accept rules and a repeated create use to skip other pairs unread: kept
 * through create, accept, delete, a restart (rebuilt), expiry and purge. */
static size_t s_index_matches(int a, const char *vpc)
{
    vs_model_t *m = pf_model(a);
    vs_pcx_obj_t *const *list;
    const uint64_t *keys;
    size_t n = vs_pcx__of_vpc_keyed(m, vpc, &list, &keys), want = 0;
    for (size_t i = 0; i < n; i++) {
        const vs_pcx_t *r = &list[i]->rec;
        ck_assert(vs_pcx__involves(list[i], vpc));
        const char *other = strcmp(r->requester.vpc_id, vpc) == 0 ? r->accepter.vpc_id
                                                                   : r->requester.vpc_id;
        ck_assert_msg(keys[i] == vs_idmap_hash(other), "%s: key of %s", vpc, r->id);
    }
    for (vs_pcx_obj_t *o = vs_pcx__first(m); o; o = vs_pcx__next(o))
        want += vs_pcx__involves(o, vpc);
    ck_assert_uint_eq(n, want);
    return n;
}

START_TEST(index_peer_keys)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R1);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *rv2 = mkvpc(r, "10.5.0.0/16");
    const char *av = mkvpc(a, "10.2.0.0/16");
    const char *p1 = active_pcx(r, rv, a, av);
    active_pcx(r, rv, r, rv2);                        /* both ends on r */
    ck_assert_uint_eq(s_index_matches(r, rv), 2);
    ck_assert_uint_eq(s_index_matches(r, rv2), 1);
    ck_assert_uint_eq(s_index_matches(a, av), 1);
    /* The other way round, across agents and on one agent: the pair is
     * found through the keys, so neither can be accepted. */
    const char *p2 = pending_pcx(a, av, r, rv), *p3 = pending_pcx(r, rv2, r, rv);
    ERR(r, ACCEPT, pcx_id_input(p2), "VpcPeeringConnectionAlreadyExists",
        J("The vpc peering connection identified by %s already exists.", p2));
    ERR(r, ACCEPT, pcx_id_input(p3), "VpcPeeringConnectionAlreadyExists",
        J("The vpc peering connection identified by %s already exists.", p3));
    /* A repeated create finds its connection through the keys too. */
    ck_assert_str_eq(S(OK(r, "CreateVpcPeeringConnection", pcx_input(rv, av, A2, R1)),
                       "VpcPeeringConnection.VpcPeeringConnectionId"), p1);
    ck_assert_uint_eq(s_index_matches(r, rv), 4);
    ck_assert_uint_eq(s_index_matches(r, rv2), 2);
    ck_assert_uint_eq(s_index_matches(a, av), 2);
    OK(r, DELETE, pcx_id_input(p1));
    pf_advance(VS_PCX_DELETING_MS);
    pf_settle();
    ck_assert_str_eq(state_of(r, p1), "deleted");
    ck_assert_uint_eq(s_index_matches(r, rv), 4);
    ck_assert_uint_eq(s_index_matches(a, av), 2);
    /* p1 is gone, so p2 can be accepted now: rebuilt after a restart,
     * the index still knows rv2's active connection (p3 stays refused). */
    vs_simnet_crash(g_net, r);
    vs_simnet_crash(g_net, a);
    ck_assert_uint_eq(s_index_matches(r, rv), 4);
    ck_assert_uint_eq(s_index_matches(r, rv2), 2);
    ck_assert_uint_eq(s_index_matches(a, av), 2);
    ERR(r, ACCEPT, pcx_id_input(p3), "VpcPeeringConnectionAlreadyExists",
        J("The vpc peering connection identified by %s already exists.", p3));
    OK(r, ACCEPT, pcx_id_input(p2));
    pf_advance(VS_PCX_PROVISIONING_MS);
    pf_settle();
    ck_assert_str_eq(state_of(a, p2), "active");
    /* p3 expires; meanwhile deleted p1's tombstone was purged (it left
     * the index), and later p3's is. */
    pf_advance(8 * DAY);
    pf_settle();
    ck_assert_str_eq(state_of(r, p3), "expired");
    ck_assert_ptr_null(vs_pcx__get(pf_model(r), p1));
    ck_assert_uint_eq(s_index_matches(r, rv), 3);
    pf_advance(40 * DAY);
    pf_settle();
    ck_assert_uint_eq(s_index_matches(r, rv), 2);     /* p2 and the one with rv2 */
    ck_assert_uint_eq(s_index_matches(r, rv2), 1);
    ck_assert_uint_eq(s_index_matches(a, av), 1);
}
END_TEST

START_TEST(describe_filters_and_paging)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R1);
    const char *rv = mkvpc(r, "10.1.0.0/16");
    const char *p[7], *av[7];
    for (int i = 0; i < 7; i++) {
        av[i] = mkvpc(a, J("10.%d.0.0/16", 20 + i));
        p[i] = mkpcx(r, rv, av[i], A2, NULL);
    }
    pf_settle();
    OK(a, ACCEPT, pcx_id_input(p[2]));
    pf_advance(VS_PCX_PROVISIONING_MS);
    pf_settle();
    const char *all = J("%s,%s,%s,%s,%s,%s,%s", p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
    ck_assert_str_eq(list_ids(r, NULL), all);
    ck_assert_str_eq(list_ids(a, NULL), all);

    /* Paging: 5, then the rest; the token carries on from where it stopped. */
    vs_json_t *o = OK(a, "DescribeVpcPeeringConnections", "{\"MaxResults\":5}");
    ck_assert_int_eq(N(o, "VpcPeeringConnections"), 5);
    const char *tok = S(o, "NextToken");
    ck_assert_str_eq(list_ids(a, J("{\"MaxResults\":5,\"NextToken\":\"%s\"}", tok)),
                     J("%s,%s", p[5], p[6]));
    o = OK(a, "DescribeVpcPeeringConnections", J("{\"NextToken\":\"%s\"}", tok));
    ck_assert_ptr_null(P(o, "NextToken"));
    ERR(a, "DescribeVpcPeeringConnections", "{\"MaxResults\":4}", "InvalidParameterValue",
        "Value ( 4 ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.");
    ERR(a, "DescribeVpcPeeringConnections", "{\"NextToken\":\"bogus\"}", "InvalidPaginationToken",
        "The specified pagination token is not valid or is expired.");

    /* Filters, on both views. */
    const char *f = "{\"Filters\":[{\"Name\":\"%s\",\"Values\":[\"%s\"]}]}";
    for (int side = 0; side < 2; side++) {
        int ag = side ? a : r;
        ck_assert_str_eq(list_ids(ag, J(f, "status-code", "active")), p[2]);
        ck_assert_str_eq(list_ids(ag, J(f, "accepter-vpc-info.vpc-id", av[4])), p[4]);
        ck_assert_str_eq(list_ids(ag, J(f, "requester-vpc-info.vpc-id", rv)), all);
        ck_assert_str_eq(list_ids(ag, J(f, "requester-vpc-info.owner-id", A1)), all);
        ck_assert_str_eq(list_ids(ag, J(f, "accepter-vpc-info.owner-id", A1)), "");
        /* The accepter's CIDR shows (and matches) only once accepted. */
        ck_assert_str_eq(list_ids(ag, J(f, "accepter-vpc-info.cidr-block", "10.2*")), p[2]);
        ck_assert_str_eq(list_ids(ag, J(f, "requester-vpc-info.cidr-block", "10.1.0.0/16")), all);
        ck_assert_str_eq(list_ids(ag, J(f, "vpc-peering-connection-id", p[6])), p[6]);
        ck_assert_str_eq(list_ids(ag, J(f, "status-message", "Pending Acceptance by " A2)),
                         J("%s,%s,%s,%s,%s,%s", p[0], p[1], p[3], p[4], p[5], p[6]));
        ck_assert_str_eq(list_ids(ag, J(f, "expiration-time", PF_EXPIRES_T0)),
                         J("%s,%s,%s,%s,%s,%s", p[0], p[1], p[3], p[4], p[5], p[6]));
        ck_assert_str_eq(list_ids(ag, J("{\"VpcPeeringConnectionIds\":[\"%s\",\"%s\"],"
                                        "\"Filters\":[{\"Name\":\"status-code\",\"Values\":"
                                        "[\"pending-acceptance\",\"active\"]}]}", p[2], p[3])),
                         J("%s,%s", p[2], p[3]));
    }
    ERR(a, "DescribeVpcPeeringConnections", "{\"Filters\":[{\"Name\":\"bogus\",\"Values\":[\"x\"]}]}",
        "InvalidParameterValue", "The filter 'bogus' is invalid");
    ERR(a, "DescribeVpcPeeringConnections",
        "{\"VpcPeeringConnectionIds\":[\"pcx-0123456789abcdef0\",\"pcx-0123456789abcdef1\"]}",
        "InvalidVpcPeeringConnectionID.NotFound",
        "The vpcPeeringConnection IDs 'pcx-0123456789abcdef0, pcx-0123456789abcdef1' do not exist");
}
END_TEST

START_TEST(tags_per_view)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R2), x = pf_agent(A3, R1);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    vs_json_t *o = OK(r, "CreateVpcPeeringConnection",
                      J("{\"VpcId\":\"%s\",\"PeerVpcId\":\"%s\",\"PeerOwnerId\":\"" A2 "\","
                        "\"PeerRegion\":\"" R2 "\",\"TagSpecifications\":[{\"ResourceType\":"
                        "\"vpc-peering-connection\",\"Tags\":[{\"Key\":\"Name\",\"Value\":"
                        "\"joinc-test\"}]}]}", rv, av));
    const char *pcx = S(o, "VpcPeeringConnection.VpcPeeringConnectionId");
    ck_assert_str_eq(pf_dump(P(o, "VpcPeeringConnection.Tags")),
                     "[{\"Key\":\"Name\",\"Value\":\"joinc-test\"}]");
    pf_settle();
    ck_assert_int_eq(N(view(a, pcx), "Tags"), 0);
    OK(a, "CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"Name\",\"Value\":"
                          "\"from-accepter\"}]}", pcx));
    ERR(x, "CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"a\",\"Value\":\"b\"}]}", pcx),
        "InvalidVpcPeeringConnectionID.NotFound",
        J("The vpcPeeringConnection ID '%s' does not exist", pcx));
    /* State changes replicate; tags never do. */
    OK(a, ACCEPT, pcx_id_input(pcx));
    pf_advance(VS_PCX_PROVISIONING_MS);
    pf_settle();
    same_views(r, a, pcx);
    ck_assert_str_eq(S(view(r, pcx), "Tags.0.Value"), "joinc-test");
    ck_assert_str_eq(S(view(a, pcx), "Tags.0.Value"), "from-accepter");
    const char *f = "{\"Filters\":[{\"Name\":\"tag:Name\",\"Values\":[\"%s\"]}]}";
    ck_assert_str_eq(list_ids(r, J(f, "joinc-test")), pcx);
    ck_assert_str_eq(list_ids(r, J(f, "from-accepter")), "");
    ck_assert_str_eq(list_ids(a, J(f, "from-accepter")), pcx);
    ck_assert_str_eq(list_ids(a, "{\"Filters\":[{\"Name\":\"tag-key\",\"Values\":[\"Name\"]}]}"), pcx);
    OK(r, "DeleteTags", J("{\"Resources\":[\"%s\"]}", pcx));
    ck_assert_int_eq(N(view(r, pcx), "Tags"), 0);
    ck_assert_int_eq(N(view(a, pcx), "Tags"), 1);
    /* Tags survive a restart of either agent. */
    OK(r, "CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}", pcx));
    vs_simnet_crash(g_net, r);
    vs_simnet_crash(g_net, a);
    pf_settle();
    ck_assert_str_eq(pf_dump(P(view(r, pcx), "Tags")), "[{\"Key\":\"k\",\"Value\":\"v\"}]");
    ck_assert_str_eq(S(view(a, pcx), "Tags.0.Value"), "from-accepter");
}
END_TEST

Suite *vs_test_suite(void);
Suite *vs_test_suite(void)
{
    Suite *s = suite_create("peering_rules");
    TCase *tc = tcase_create("matrix");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, matrix_cross_account_inter_region);
    tcase_add_test(tc, matrix_same_account_inter_region);
    tcase_add_test(tc, matrix_same_account_same_region);
    tcase_add_test(tc, reject_cross_account);
    tcase_add_test(tc, visibility_same_account);
    tcase_add_test(tc, visibility_deleted_pending);
    tcase_add_test(tc, expiry_at_exactly_168h);
    tcase_add_test(tc, expiry_same_agent_boundary);
    tcase_add_test(tc, expiry_accept_arriving_at_168h);
    tcase_add_test(tc, duplicate_same_direction);
    tcase_add_test(tc, reverse_direction_cannot_be_accepted);
    tcase_add_test(tc, index_peer_keys);
    tcase_add_test(tc, describe_filters_and_paging);
    tcase_add_test(tc, tags_per_view);
    suite_add_tcase(s, tc);
    return s;
}
