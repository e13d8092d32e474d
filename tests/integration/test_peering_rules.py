"""Who may do what to a peering connection, in which state and Region: the
rows of the reference's scenario matrix (aws-vpc-peering.md 4.2) from the
CLI, with the exact AWS codes and messages; quotas; the
modify-vpc-peering-connection-options rules; describe filters (shorthand
and JSON) and --max-results / --next-token paging."""
import json

import harness
from peering_util import A, B, C, EUW1, USE1, PcxTest

ACCEPT, REJECT, DELETE = ("AcceptVpcPeeringConnection", "RejectVpcPeeringConnection",
                          "DeleteVpcPeeringConnection")
MODIFY = "ModifyVpcPeeringConnectionOptions"
DNS_ON = "AllowDnsResolutionFromRemoteVpc=true"


class Matrix(PcxTest):
    """R = A in us-east-1 (requester), A' = B in us-east-1 (accepter),
    X = C (a third account)."""

    def setUp(self):
        super().setUp()
        for acct, region in ((A, USE1), (B, USE1), (B, EUW1), (C, USE1)):
            self.c.start_agent(acct, region)
        self.va = self.vpc(A, USE1, "10.1.0.0/16")
        self.vb = self.vpc(B, USE1, "10.2.0.0/16")

    def pending(self, va=None, vb=None):
        pcx = self.create(A, USE1, va or self.va, vb or self.vb, owner=B)[
            "VpcPeeringConnectionId"]
        self.wait_code(A, USE1, pcx, "pending-acceptance")
        self.wait_code(B, USE1, pcx, "pending-acceptance")
        return pcx

    def active(self, va=None, vb=None):
        pcx = self.pending(va, vb)
        self.act_ok(B, USE1, "accept", pcx)
        self.advance(5)
        self.wait_code(A, USE1, pcx, "active")
        self.wait_code(B, USE1, pcx, "active")
        return pcx

    def test_accept_rows(self):
        pcx = self.pending()
        self.assert_error(self.act(A, USE1, "accept", pcx), "OperationNotPermitted",
                          f"User {A} cannot accept peering {pcx}", ACCEPT)
        # The accepter in a Region where the connection is not: not found.
        self.assert_not_found(self.act(B, EUW1, "accept", pcx), pcx, ACCEPT)
        self.assert_not_found(self.act(C, USE1, "accept", pcx), pcx, ACCEPT)
        out = self.act_ok(B, USE1, "accept", pcx)["VpcPeeringConnection"]
        self.assertEqual(out["Status"], {"Code": "provisioning", "Message": "Provisioning"})
        self.advance(5)
        self.wait_code(B, USE1, pcx, "active")
        self.assert_transition(self.act(B, USE1, "accept", pcx), pcx, "active", "provisioning",
                               ACCEPT)
        self.assert_transition(self.act(B, USE1, "reject", pcx), pcx, "active", "rejected",
                               REJECT)

    def test_accept_after_reject_and_after_delete(self):
        p1 = self.pending()
        self.assertEqual(self.act_ok(B, USE1, "reject", p1), {"Return": True})
        for acct in (A, B):
            v = self.wait_code(acct, USE1, p1, "rejected")
            self.assertEqual(v["Status"]["Message"], f"Rejected by {B}")
        self.assert_transition(self.act(B, USE1, "accept", p1), p1, "rejected", "provisioning",
                               ACCEPT)
        self.assert_transition(self.act(B, USE1, "reject", p1), p1, "rejected", "rejected",
                               REJECT)
        # Neither side can delete a rejected connection.
        self.assert_transition(self.act(A, USE1, "delete", p1), p1, "rejected", "deleting",
                               DELETE)
        self.assert_transition(self.act(B, USE1, "delete", p1), p1, "rejected", "deleting",
                               DELETE)

        p2 = self.pending()
        self.assertNotEqual(p2, p1)
        # A pending request: the requester may delete it, the accepter may not.
        self.assert_error(self.act(B, USE1, "delete", p2), "OperationNotPermitted",
                          f"User {B} cannot delete peering {p2}", DELETE)
        self.assert_error(self.act(A, USE1, "reject", p2), "OperationNotPermitted",
                          f"User {A} cannot reject peering {p2}", REJECT)
        self.assertEqual(self.act_ok(A, USE1, "delete", p2), {"Return": True})
        self.wait_code(B, USE1, p2, "deleted")
        self.assertEqual(self.get(A, USE1, p2)["Status"],
                         {"Code": "deleted", "Message": f"Deleted by {A}"})
        self.assert_transition(self.act(B, USE1, "accept", p2), p2, "deleted", "provisioning",
                               ACCEPT)
        self.assert_transition(self.act(A, USE1, "delete", p2), p2, "deleted", "deleting",
                               DELETE)
        self.assert_transition(self.act(B, USE1, "delete", p2), p2, "deleted", "deleting",
                               DELETE)

    def test_same_account_wrong_region(self):
        self.c.start_agent(A, EUW1)
        va2 = self.vpc(A, EUW1, "10.3.0.0/16")
        pcx = self.create(A, USE1, self.va, va2, peer_region=EUW1)["VpcPeeringConnectionId"]
        self.wait_code(A, EUW1, pcx, "pending-acceptance")
        self.assert_error(self.act(A, USE1, "accept", pcx), "OperationNotPermitted",
                          f"Incorrect region ({USE1}) specified for this request. VPC peering "
                          f"connection {pcx} must be accepted in region {EUW1}", ACCEPT)
        self.assert_error(self.act(A, USE1, "reject", pcx), "OperationNotPermitted",
                          f"Incorrect region ({USE1}) specified for this request. VPC peering "
                          f"connection {pcx} must be accepted or rejected in region {EUW1}",
                          REJECT)
        self.act_ok(A, EUW1, "accept", pcx)
        self.advance(5)
        self.wait_code(A, USE1, pcx, "active")

    def test_reverse_direction_already_exists(self):
        p1 = self.active()
        # B asks for the same pair the other way round: a new pcx, which
        # can never be accepted while p1 is active.
        p2 = self.create(B, USE1, self.vb, self.va, owner=A)["VpcPeeringConnectionId"]
        self.assertNotEqual(p1, p2)
        self.wait_code(A, USE1, p2, "pending-acceptance")
        self.assert_error(self.act(A, USE1, "accept", p2), "VpcPeeringConnectionAlreadyExists",
                          f"The vpc peering connection identified by {p2} already exists.",
                          ACCEPT)
        self.assertEqual(self.code(B, USE1, p2), "pending-acceptance")
        # The same direction again returns the active one.
        again = self.create(A, USE1, self.va, self.vb, owner=B)
        self.assertEqual(again["VpcPeeringConnectionId"], p1)
        self.assertEqual(again["Status"]["Code"], "active")

    def test_modify_options_rules(self):
        pcx = self.pending()
        not_active = f"Peering {pcx} is not active. Peering options can be added only to " \
                     f"active peerings."
        r = self.c.ec2(A, USE1, "modify-vpc-peering-connection-options",
                       "--vpc-peering-connection-id", pcx,
                       "--requester-peering-connection-options", DNS_ON)
        self.assert_error(r, "OperationNotPermitted", not_active, MODIFY)
        self.act_ok(B, USE1, "accept", pcx)
        self.advance(5)
        self.wait_code(A, USE1, pcx, "active")
        self.wait_code(B, USE1, pcx, "active")

        def modify(acct, *args):
            return self.c.ec2(acct, USE1, "modify-vpc-peering-connection-options",
                              "--vpc-peering-connection-id", pcx, *args, timeout=15)

        # Each owner its own side only.
        self.assert_error(modify(A, "--accepter-peering-connection-options", DNS_ON),
                          "OperationNotPermitted",
                          f"User {A} does not have permission to modify the accepter side "
                          f"peering options", MODIFY)
        self.assert_error(modify(B, "--requester-peering-connection-options", DNS_ON),
                          "OperationNotPermitted",
                          f"User {B} does not have permission to modify the requester side "
                          f"peering options", MODIFY)
        # DNS resolution needs DNS hostnames on the VPC.
        self.assert_error(modify(A, "--requester-peering-connection-options", DNS_ON),
                          "InvalidVpcPeeringConnectionState.DnsHostnamesDisabled",
                          "To enable DNS hostname resolution for the VPC peering connection, "
                          "DNS hostname support must be enabled for the VPCs.", MODIFY)
        for acct, vpc in ((A, self.va), (B, self.vb)):
            self.assertEqual(self.c.ec2(acct, USE1, "modify-vpc-attribute", "--vpc-id", vpc,
                                        "--enable-dns-hostnames", '{"Value": true}').rc, 0)
        r = modify(A, "--requester-peering-connection-options", DNS_ON)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json(), {"RequesterPeeringConnectionOptions": {
            "AllowDnsResolutionFromRemoteVpc": True,
            "AllowEgressFromLocalClassicLinkToRemoteVpc": False,
            "AllowEgressFromLocalVpcToRemoteClassicLink": False}})
        # The accepter's side, from the accepter (forwarded to the home), JSON form.
        r = modify(B, "--accepter-peering-connection-options",
                   '{"AllowDnsResolutionFromRemoteVpc": true}')
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(list(r.json().keys()), ["AccepterPeeringConnectionOptions"])
        self.assertTrue(r.json()["AccepterPeeringConnectionOptions"]
                        ["AllowDnsResolutionFromRemoteVpc"])
        for acct in (A, B):
            self.wait_for(lambda: self.get(acct, USE1, pcx)["AccepterVpcInfo"]["PeeringOptions"]
                          ["AllowDnsResolutionFromRemoteVpc"])
            v = self.get(acct, USE1, pcx)
            self.assertTrue(v["RequesterVpcInfo"]["PeeringOptions"]
                            ["AllowDnsResolutionFromRemoteVpc"])

    def test_routes_to_a_pcx(self):
        pcx = self.pending()
        rtb = self.c.ok(A, USE1, "describe-route-tables", "--filters",
                        f"Name=vpc-id,Values={self.va}")["RouteTables"][0]["RouteTableId"]
        r = self.c.ec2(A, USE1, "create-route", "--route-table-id", rtb,
                       "--destination-cidr-block", "10.2.0.0/16",
                       "--vpc-peering-connection-id", pcx)
        self.assertEqual(r.rc, 0, r)

        def state():
            t = self.c.ok(A, USE1, "describe-route-tables", "--route-table-ids", rtb)
            return [x["State"] for x in t["RouteTables"][0]["Routes"]
                    if x.get("VpcPeeringConnectionId") == pcx]

        self.assertEqual(state(), ["blackhole"])
        self.act_ok(B, USE1, "accept", pcx)
        self.advance(5)
        self.wait_code(A, USE1, pcx, "active")
        self.wait_for(lambda: state() == ["active"])
        # A route table of a VPC the connection does not join.
        other = self.vpc(A, USE1, "10.9.0.0/16")
        rtb2 = self.c.ok(A, USE1, "describe-route-tables", "--filters",
                         f"Name=vpc-id,Values={other}")["RouteTables"][0]["RouteTableId"]
        r = self.c.ec2(A, USE1, "create-route", "--route-table-id", rtb2,
                       "--destination-cidr-block", "10.2.0.0/16",
                       "--vpc-peering-connection-id", pcx)
        self.assert_error(r, "InvalidParameterValue",
                          f"route table {rtb2} and network gateway {pcx} belong to different "
                          f"networks", "CreateRoute")
        # The route outlives the connection, as a blackhole.
        self.act_ok(A, USE1, "delete", pcx)
        self.wait_for(lambda: state() == ["blackhole"])

    def test_security_group_reference_needs_an_active_same_region_pcx(self):
        sg_a = self.c.ok(A, USE1, "create-security-group", "--group-name", "app",
                         "--description", "app", "--vpc-id", self.va)["GroupId"]
        sg_b = self.c.ok(B, USE1, "create-security-group", "--group-name", "db",
                         "--description", "db", "--vpc-id", self.vb)["GroupId"]
        perm = f"IpProtocol=tcp,FromPort=5432,ToPort=5432,UserIdGroupPairs=[{{UserId={A}," \
               f"GroupId={sg_a}}}]"

        def authorize():
            return self.c.ec2(B, USE1, "authorize-security-group-ingress", "--group-id", sg_b,
                              "--ip-permissions", perm)

        pcx = self.pending()
        self.assert_error(authorize(), "InvalidGroup.NotFound",
                          f"The security group '{sg_a}' does not exist",
                          "AuthorizeSecurityGroupIngress")
        self.act_ok(B, USE1, "accept", pcx)
        self.advance(5)
        self.wait_code(B, USE1, pcx, "active")
        r = authorize()
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(r.json()["Return"])
        # Deleting the connection leaves the rule in place, stale.
        self.act_ok(A, USE1, "delete", pcx)
        self.wait_code(B, USE1, pcx, "deleted")
        stale = self.c.ok(B, USE1, "describe-stale-security-groups", "--vpc-id", self.vb)
        self.assertEqual([g["GroupId"] for g in stale["StaleSecurityGroupSet"]], [sg_b])


class SameAccountModify(PcxTest):
    def test_both_sides_in_one_call_and_inter_region_limits(self):
        self.c.start_agent(A, USE1)
        self.c.start_agent(A, EUW1)
        v1 = self.vpc(A, USE1, "10.1.0.0/16")
        v2 = self.vpc(A, USE1, "10.2.0.0/16")
        v3 = self.vpc(A, EUW1, "10.3.0.0/16")
        local = self.create(A, USE1, v1, v2)["VpcPeeringConnectionId"]
        inter = self.create(A, USE1, v1, v3, peer_region=EUW1)["VpcPeeringConnectionId"]
        self.wait_code(A, USE1, local, "pending-acceptance")
        self.wait_code(A, EUW1, inter, "pending-acceptance")
        self.act_ok(A, USE1, "accept", local)
        self.act_ok(A, EUW1, "accept", inter)
        self.advance(5)
        self.wait_code(A, USE1, local, "active")
        self.wait_code(A, USE1, inter, "active")
        r = self.c.ec2(A, USE1, "modify-vpc-peering-connection-options",
                       "--vpc-peering-connection-id", local,
                       "--requester-peering-connection-options",
                       "AllowEgressFromLocalVpcToRemoteClassicLink=true",
                       "--accepter-peering-connection-options",
                       "AllowEgressFromLocalClassicLinkToRemoteVpc=true")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(list(r.json().keys()),
                         ["AccepterPeeringConnectionOptions", "RequesterPeeringConnectionOptions"])
        self.assertTrue(r.json()["AccepterPeeringConnectionOptions"]
                        ["AllowEgressFromLocalClassicLinkToRemoteVpc"])
        self.assertTrue(r.json()["RequesterPeeringConnectionOptions"]
                        ["AllowEgressFromLocalVpcToRemoteClassicLink"])
        r = self.c.ec2(A, USE1, "modify-vpc-peering-connection-options",
                       "--vpc-peering-connection-id", inter,
                       "--requester-peering-connection-options",
                       "AllowEgressFromLocalVpcToRemoteClassicLink=true")
        self.assert_error(r, "OperationNotPermitted",
                          "Modifying VPC peering connection options "
                          "AllowEgressFromLocalClassicLinkToRemoteVpc, "
                          "AllowEgressFromLocalVpcToRemoteClassicLink is not supported for "
                          "cross-region VPC peering connections", MODIFY)
        # No security group references across Regions, even when active.
        sg1 = self.c.ok(A, USE1, "create-security-group", "--group-name", "a",
                        "--description", "a", "--vpc-id", v1)["GroupId"]
        sg3 = self.c.ok(A, EUW1, "create-security-group", "--group-name", "c",
                        "--description", "c", "--vpc-id", v3)["GroupId"]
        r = self.c.ec2(A, USE1, "authorize-security-group-ingress", "--group-id", sg1,
                       "--ip-permissions", f"IpProtocol=tcp,FromPort=22,ToPort=22,"
                       f"UserIdGroupPairs=[{{UserId={A},GroupId={sg3}}}]")
        self.assert_error(r, "InvalidParameterValue",
                          "You cannot reference a security group in a peer VPC that is in a "
                          "different Region", "AuthorizeSecurityGroupIngress")


class Quotas(PcxTest):
    def test_outstanding_requests(self):
        self.c.start_agent(A, USE1, "--max-outstanding-pcx", "2")
        self.c.start_agent(B, USE1)
        va = self.vpc(A, USE1, "10.1.0.0/16")
        peers = [self.vpc(B, USE1, f"10.{i}.0.0/16") for i in (2, 3, 4)]
        p1 = self.create(A, USE1, va, peers[0], owner=B)["VpcPeeringConnectionId"]
        self.create(A, USE1, va, peers[1], owner=B)
        r = self.create(A, USE1, va, peers[2], owner=B, check=False)
        self.assert_error(r, "OutstandingVpcPeeringConnectionLimitExceeded",
                          "You've reached the limit on the number of VPC peering connection "
                          "requests that you can create for the specified VPC.",
                          "CreateVpcPeeringConnection")
        # An accepted request no longer counts.
        self.wait_code(B, USE1, p1, "pending-acceptance")
        self.act_ok(B, USE1, "accept", p1)
        self.create(A, USE1, va, peers[2], owner=B)

    def test_active_per_vpc_at_requester_and_accepter(self):
        msg = ("You've reached the limit on the number of active VPC peering connections you "
               "can have for the specified VPC.")
        self.c.start_agent(A, USE1, "--max-active-pcx-per-vpc", "1")
        self.c.start_agent(B, USE1, "--max-active-pcx-per-vpc", "1")
        va1 = self.vpc(A, USE1, "10.1.0.0/16")
        va2 = self.vpc(A, USE1, "10.3.0.0/16")
        vb1 = self.vpc(B, USE1, "10.2.0.0/16")
        vb2 = self.vpc(B, USE1, "10.4.0.0/16")
        p1 = self.create(A, USE1, va1, vb1, owner=B)["VpcPeeringConnectionId"]
        p2 = self.create(A, USE1, va1, vb2, owner=B)["VpcPeeringConnectionId"]
        p3 = self.create(A, USE1, va2, vb1, owner=B)["VpcPeeringConnectionId"]
        for p in (p1, p2, p3):
            self.wait_code(B, USE1, p, "pending-acceptance")
        self.act_ok(B, USE1, "accept", p1)
        # va1 is full (checked by its home), then vb1 (checked by B's agent).
        self.assert_error(self.act(B, USE1, "accept", p2),
                          "ActiveVpcPeeringConnectionPerVpcLimitExceeded", msg, ACCEPT)
        self.assert_error(self.act(B, USE1, "accept", p3),
                          "ActiveVpcPeeringConnectionPerVpcLimitExceeded", msg, ACCEPT)
        self.assertEqual(self.code(A, USE1, p2), "pending-acceptance")
        self.assertEqual(self.code(A, USE1, p3), "pending-acceptance")


class DescribeFilters(PcxTest):
    def setUp(self):
        super().setUp()
        self.c.start_agent(A, USE1)
        self.c.start_agent(B, USE1)
        self.va = self.vpc(A, USE1, "10.1.0.0/16")
        self.vb1 = self.vpc(B, USE1, "10.2.0.0/16")
        self.vb2 = self.vpc(B, USE1, "10.3.0.0/16")
        self.vo = self.vpc(B, USE1, "10.1.0.0/20")
        self.pend = self.create(A, USE1, self.va, self.vb1, owner=B, name="one")[
            "VpcPeeringConnectionId"]
        self.act_id = self.create(A, USE1, self.va, self.vb2, owner=B, name="two")[
            "VpcPeeringConnectionId"]
        self.fail_id = self.create(A, USE1, self.va, self.vo, owner=B)["VpcPeeringConnectionId"]
        self.c.ok(A, USE1, "create-tags", "--resources", self.pend, "--tags", "Key=env,Value=x")
        self.wait_code(B, USE1, self.act_id, "pending-acceptance")
        self.wait_code(A, USE1, self.pend, "pending-acceptance")
        self.wait_code(A, USE1, self.fail_id, "failed")
        self.act_ok(B, USE1, "accept", self.act_id)
        self.advance(5)
        self.wait_code(A, USE1, self.act_id, "active")

    def ids(self, *filters, acct=A):
        return sorted(p["VpcPeeringConnectionId"]
                      for p in self.listing(acct, USE1, "--filters", *filters))

    def test_each_filter(self):
        every = sorted([self.pend, self.act_id, self.fail_id])
        cases = [
            ("Name=status-code,Values=active", [self.act_id]),
            ("Name=status-code,Values=pending-acceptance,active", [self.act_id, self.pend]),
            ("Name=status-code,Values=failed", [self.fail_id]),
            ("Name=status-message,Values=Active", [self.act_id]),
            (f"Name=status-message,Values=Pending Acceptance by {B}", [self.pend]),
            (f"Name=requester-vpc-info.vpc-id,Values={self.va}", every),
            (f"Name=requester-vpc-info.owner-id,Values={A}", every),
            # The requester's CIDR shows (and matches) in every state but deleted.
            ("Name=requester-vpc-info.cidr-block,Values=10.1.0.0/16", every),
            (f"Name=accepter-vpc-info.vpc-id,Values={self.vb2}", [self.act_id]),
            (f"Name=accepter-vpc-info.owner-id,Values={B}", every),
            ("Name=accepter-vpc-info.cidr-block,Values=10.3.0.0/16", [self.act_id]),
            # Hidden until active: a pending request's accepter CIDR is not matched.
            ("Name=accepter-vpc-info.cidr-block,Values=10.2.0.0/16", []),
            ("Name=tag:Name,Values=one", [self.pend]),
            ("Name=tag:Name,Values=t*", [self.act_id]),
            ("Name=tag-key,Values=env", [self.pend]),
            (f"Name=vpc-peering-connection-id,Values={self.pend},{self.fail_id}",
             sorted([self.pend, self.fail_id])),
        ]
        for f, want in cases:
            self.assertEqual(self.ids(f), sorted(want), f)
        # AND across filters, OR across values; JSON form.
        self.assertEqual(self.ids("Name=status-code,Values=active", "Name=tag:Name,Values=one"),
                         [])
        js = json.dumps([{"Name": "status-code", "Values": ["active", "pending-acceptance"]},
                         {"Name": "tag:Name", "Values": ["one", "two"]}])
        self.assertEqual(self.ids(js), sorted([self.pend, self.act_id]))
        # The accepter's view: its own tags only, and no failed request.
        self.assertEqual(self.ids("Name=tag:Name,Values=one", acct=B), [])
        self.assertEqual(self.ids(f"Name=requester-vpc-info.owner-id,Values={A}", acct=B),
                         sorted([self.pend, self.act_id]))
        exp = self.get(A, USE1, self.pend)["ExpirationTime"]
        self.assertEqual(self.ids(f"Name=expiration-time,Values={exp}"), [self.pend])
        r = self.c.ec2(A, USE1, "describe-vpc-peering-connections", "--filters",
                       "Name=no-such-filter,Values=x")
        self.assert_error(r, "InvalidParameterValue", "The filter 'no-such-filter' is invalid",
                          "DescribeVpcPeeringConnections")


class Paging(PcxTest):
    def test_max_results_and_next_token(self):
        self.c.start_agent(A, USE1)
        va = self.vpc(A, USE1, "10.100.0.0/16")
        want = sorted(self.create(A, USE1, va, self.vpc(A, USE1, f"10.{i}.0.0/16"))[
            "VpcPeeringConnectionId"] for i in range(12))
        got, token, pages = [], None, 0
        while True:
            args = ["--max-results", "5"] + (["--next-token", token] if token else [])
            r = self.c.ok(A, USE1, "describe-vpc-peering-connections", *args)
            got += [p["VpcPeeringConnectionId"] for p in r["VpcPeeringConnections"]]
            pages += 1
            self.assertLessEqual(len(r["VpcPeeringConnections"]), 5)
            token = r.get("NextToken")
            if not token:
                break
            self.assertEqual(list(r.keys()), ["VpcPeeringConnections", "NextToken"])
        self.assertEqual(pages, 3)
        self.assertEqual(sorted(got), want)
        # Without --max-results the CLI follows the tokens itself.
        self.assertEqual(sorted(p["VpcPeeringConnectionId"] for p in self.listing(A, USE1)), want)
        # Below the model's minimum the AWS CLI stops before sending (exit
        # 252, botocore's message); above the maximum the service answers.
        r = self.c.ec2(A, USE1, "describe-vpc-peering-connections", "--max-results", "4")
        self.assertEqual((r.rc, r.out), (252, ""), r)
        self.assertEqual(r.err, "\nParameter validation failed:\nInvalid value for parameter "
                                "MaxResults, value: 4, valid min value: 5\n")
        r = self.c.ec2(A, USE1, "describe-vpc-peering-connections", "--max-results", "1001")
        self.assert_error(r, "InvalidParameterValue",
                          "Value ( 1001 ) for parameter maxResults is invalid. Parameter must be "
                          "between 5 and 1000.", "DescribeVpcPeeringConnections")


if __name__ == "__main__":
    harness.main()
