"""The VPC peering lifecycle across accounts and Regions, from the CLI, with
real broker and agent processes: the seed's walk-through, cross-account,
inter-Region, China and partitions, a peer that does not exist or is
offline, and the requests that fail (reference sections 2-5 and 10)."""
import time

import harness
from peering_util import (A, B, C, EUW1, FAILED_MSG, SEED, TOKYO, USE1, WEEK_S, PcxTest,
                          is_pcx_id, parse_aws_time)

FALSE_OPTIONS = {
    "AllowDnsResolutionFromRemoteVpc": False,
    "AllowEgressFromLocalClassicLinkToRemoteVpc": False,
    "AllowEgressFromLocalVpcToRemoteClassicLink": False,
}


class SeedWalkthrough(PcxTest):
    """/work/shared/seed: one account in Tokyo peers VPC-A with VPC-B."""

    def test_seed_lifecycle(self):
        c = self.c
        c.start_agent(SEED, TOKYO)
        vpc_a = self.vpc(SEED, TOKYO, "10.1.0.0/16")
        vpc_b = self.vpc(SEED, TOKYO, "10.2.0.0/16")

        t0 = self.sim_now()
        p = self.create(SEED, TOKYO, vpc_a, vpc_b, name="joinc-test")
        t1 = self.sim_now()
        pcx = p["VpcPeeringConnectionId"]
        self.assertTrue(is_pcx_id(pcx), pcx)
        # The create answer: initiating-request, accepter CIDRs hidden.
        self.assertEqual(p["Status"], {"Code": "initiating-request",
                                       "Message": f"Initiating Request to {SEED}"})
        self.assert_pcx_order(p)
        self.assert_vpc_info(p["AccepterVpcInfo"], SEED, vpc_b, TOKYO)
        self.assert_vpc_info(p["RequesterVpcInfo"], SEED, vpc_a, TOKYO, ["10.1.0.0/16"])
        self.assertEqual(p["Tags"], [{"Key": "Name", "Value": "joinc-test"}])
        # ExpirationTime as AWS CLI v2 prints it: creation + 7 days.
        self.assertRegex(p["ExpirationTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
        exp = parse_aws_time(p["ExpirationTime"]).timestamp()
        self.assertGreaterEqual(exp, t0.timestamp() + WEEK_S - 1)
        self.assertLessEqual(exp, t1.timestamp() + WEEK_S)

        # Then pending-acceptance, shaped exactly like the seed's describe.
        self.wait_code(SEED, TOKYO, pcx, "pending-acceptance")
        listed = self.listing(SEED, TOKYO)
        self.assertEqual(listed, [{
            "AccepterVpcInfo": {"OwnerId": SEED, "VpcId": vpc_b, "Region": TOKYO},
            "ExpirationTime": p["ExpirationTime"],
            "RequesterVpcInfo": {
                "CidrBlock": "10.1.0.0/16",
                "CidrBlockSet": [{"CidrBlock": "10.1.0.0/16"}],
                "OwnerId": SEED,
                "PeeringOptions": FALSE_OPTIONS,
                "VpcId": vpc_a,
                "Region": TOKYO,
            },
            "Status": {"Code": "pending-acceptance",
                       "Message": f"Pending Acceptance by {SEED}"},
            "Tags": [{"Key": "Name", "Value": "joinc-test"}],
            "VpcPeeringConnectionId": pcx,
        }])
        self.assertEqual(list(listed[0]["RequesterVpcInfo"].keys()),
                         ["CidrBlock", "CidrBlockSet", "OwnerId", "PeeringOptions", "VpcId",
                          "Region"])
        # The raw text: 4-space indentation, booleans as JSON booleans.
        raw = c.ec2(SEED, TOKYO, "describe-vpc-peering-connections").out
        self.assertIn('\n            "AccepterVpcInfo": {\n                "OwnerId": "522373083963",',
                      raw)
        self.assertIn('"AllowDnsResolutionFromRemoteVpc": false,', raw)

        # Accept: provisioning (accepter CIDRs now shown, no expiry), then active.
        acc = self.act_ok(SEED, TOKYO, "accept", pcx)["VpcPeeringConnection"]
        self.assertEqual(acc["Status"], {"Code": "provisioning", "Message": "Provisioning"})
        self.assertNotIn("ExpirationTime", acc)
        self.assert_pcx_order(acc)
        self.assert_vpc_info(acc["AccepterVpcInfo"], SEED, vpc_b, TOKYO, ["10.2.0.0/16"])
        self.assertEqual(acc["AccepterVpcInfo"]["PeeringOptions"], FALSE_OPTIONS)
        self.advance(5)
        act = self.wait_code(SEED, TOKYO, pcx, "active")
        self.assertEqual(act["Status"], {"Code": "active", "Message": "Active"})
        self.assertEqual(act["Tags"], [{"Key": "Name", "Value": "joinc-test"}])

        # Delete: same account, same Region, so straight to deleted.
        r = self.act(SEED, TOKYO, "delete", pcx)
        self.assertEqual((r.rc, r.out), (0, '{\n    "Return": true\n}\n'), r)
        d = self.get(SEED, TOKYO, pcx)
        self.assertEqual(d["Status"], {"Code": "deleted", "Message": f"Deleted by {SEED}"})
        self.assertNotIn("ExpirationTime", d)


class CrossAccount(PcxTest):
    def setUp(self):
        super().setUp()
        for acct in (A, B, C):
            self.c.start_agent(acct, USE1)
        self.va = self.vpc(A, USE1, "10.1.0.0/16")
        self.vb = self.vpc(B, USE1, "10.2.0.0/16")

    def test_two_views_one_connection(self):
        p = self.create(A, USE1, self.va, self.vb, owner=B, name="a-side")
        pcx = p["VpcPeeringConnectionId"]
        self.assertEqual(p["Status"]["Message"], f"Initiating Request to {B}")
        mine = self.wait_code(A, USE1, pcx, "pending-acceptance")
        theirs = self.wait_code(B, USE1, pcx, "pending-acceptance")
        # The same pcx ID in both views, tags per view, accepter CIDRs hidden.
        self.assertEqual(theirs["VpcPeeringConnectionId"], pcx)
        self.assertEqual(mine["Tags"], [{"Key": "Name", "Value": "a-side"}])
        self.assertEqual(theirs["Tags"], [])
        for v in (mine, theirs):
            self.assertEqual(v["Status"]["Message"], f"Pending Acceptance by {B}")
            self.assert_vpc_info(v["AccepterVpcInfo"], B, self.vb, USE1)
            self.assert_vpc_info(v["RequesterVpcInfo"], A, self.va, USE1, ["10.1.0.0/16"])
            self.assertEqual(v["ExpirationTime"], p["ExpirationTime"])
        self.assertEqual(self.c.ec2(B, USE1, "create-tags", "--resources", pcx,
                                    "--tags", "Key=Name,Value=b-side").rc, 0)
        self.assertEqual(self.get(B, USE1, pcx)["Tags"], [{"Key": "Name", "Value": "b-side"}])
        self.assertEqual(self.get(A, USE1, pcx)["Tags"], [{"Key": "Name", "Value": "a-side"}])

        # A third account sees nothing and can touch nothing.
        self.assertEqual(self.listing(C, USE1), [])
        self.assertIsNone(self.get(C, USE1, pcx))
        for verb, op in (("accept", "AcceptVpcPeeringConnection"),
                         ("reject", "RejectVpcPeeringConnection"),
                         ("delete", "DeleteVpcPeeringConnection")):
            self.assert_not_found(self.act(C, USE1, verb, pcx), pcx, op)

        # Only the accepter accepts.
        self.assert_error(self.act(A, USE1, "accept", pcx), "OperationNotPermitted",
                          f"User {A} cannot accept peering {pcx}", "AcceptVpcPeeringConnection")
        acc = self.act_ok(B, USE1, "accept", pcx)["VpcPeeringConnection"]
        self.assertEqual(acc["Status"]["Code"], "provisioning")
        self.assertEqual(acc["Tags"], [{"Key": "Name", "Value": "b-side"}])
        self.advance(5)
        for acct in (A, B):
            v = self.wait_code(acct, USE1, pcx, "active")
            self.assert_vpc_info(v["AccepterVpcInfo"], B, self.vb, USE1, ["10.2.0.0/16"])
            self.assertNotIn("ExpirationTime", v)

        # Either owner may delete an active connection; the other sees who.
        self.assertEqual(self.act_ok(B, USE1, "delete", pcx), {"Return": True})
        for acct in (A, B):
            v = self.wait_code(acct, USE1, pcx, "deleted")
            self.assertEqual(v["Status"]["Message"], f"Deleted by {B}")
        self.assertEqual(self.listing(C, USE1), [])

    def test_duplicate_create_returns_the_existing_request(self):
        p1 = self.create(A, USE1, self.va, self.vb, owner=B)
        self.wait_code(A, USE1, p1["VpcPeeringConnectionId"], "pending-acceptance")
        p2 = self.create(A, USE1, self.va, self.vb, owner=B)
        self.assertEqual(p2["VpcPeeringConnectionId"], p1["VpcPeeringConnectionId"])
        self.assertEqual(p2["Status"]["Code"], "pending-acceptance")
        self.assertEqual(len(self.listing(A, USE1)), 1)


class InterRegion(PcxTest):
    def test_us_east_1_to_eu_west_1(self):
        self.c.start_agent(A, USE1)
        self.c.start_agent(B, EUW1)
        va = self.vpc(A, USE1, "10.1.0.0/16")
        vb = self.vpc(B, EUW1, "10.2.0.0/16")
        p = self.create(A, USE1, va, vb, owner=B, peer_region=EUW1)
        pcx = p["VpcPeeringConnectionId"]
        self.assertEqual(p["AccepterVpcInfo"]["Region"], EUW1)
        self.assertEqual(p["RequesterVpcInfo"]["Region"], USE1)
        self.wait_code(A, USE1, pcx, "pending-acceptance")
        theirs = self.wait_code(B, EUW1, pcx, "pending-acceptance")
        self.assertEqual(theirs["AccepterVpcInfo"]["Region"], EUW1)
        self.assertEqual(theirs["RequesterVpcInfo"]["Region"], USE1)
        self.assertEqual(self.act_ok(B, EUW1, "accept", pcx)["VpcPeeringConnection"]
                         ["Status"]["Code"], "provisioning")
        self.advance(5)
        self.wait_code(A, USE1, pcx, "active")
        self.wait_code(B, EUW1, pcx, "active")

        # Inter-Region delete passes through deleting (2 s of simulated time).
        t = time.time()
        self.assertEqual(self.act_ok(A, USE1, "delete", pcx), {"Return": True})
        first = self.code(A, USE1, pcx)
        if time.time() - t < 1.5:
            self.assertEqual(first, "deleting")
        self.assertIn(first, ("deleting", "deleted"))
        for acct, region in ((A, USE1), (B, EUW1)):
            v = self.wait_code(acct, region, pcx, "deleted")
            self.assertEqual(v["Status"]["Message"], f"Deleted by {A}")

    def test_missing_peer_region_fails(self):
        """The accepter VPC is in eu-west-1 but the request names no Region,
        so it is looked for in us-east-1: failed, no synchronous error."""
        self.c.start_agent(A, USE1)
        self.c.start_agent(B, USE1)
        self.c.start_agent(B, EUW1)
        va = self.vpc(A, USE1, "10.1.0.0/16")
        vb = self.vpc(B, EUW1, "10.2.0.0/16")
        pcx = self.create(A, USE1, va, vb, owner=B)["VpcPeeringConnectionId"]
        v = self.wait_code(A, USE1, pcx, "failed")
        self.assertEqual(v["Status"]["Message"], FAILED_MSG)
        self.assertIsNone(self.get(B, USE1, pcx))
        self.assertIsNone(self.get(B, EUW1, pcx))


class ChinaAndPartitions(PcxTest):
    CN1, CN2 = "cn-north-1", "cn-northwest-1"

    def china_pair(self, *opts):
        self.c.start_agent(A, self.CN1, *opts)
        self.c.start_agent(B, self.CN2, *opts)
        va = self.vpc(A, self.CN1, "10.1.0.0/16")
        vb = self.vpc(B, self.CN2, "10.2.0.0/16")
        p = self.create(A, self.CN1, va, vb, owner=B, peer_region=self.CN2)
        self.assertEqual(p["Status"]["Code"], "initiating-request")
        return p["VpcPeeringConnectionId"]

    def test_china_inter_region_fails_by_default(self):
        """The seed: no inter-Region peering in China."""
        pcx = self.china_pair()
        v = self.wait_code(A, self.CN1, pcx, "failed")
        self.assertEqual(v["Status"]["Message"], FAILED_MSG)
        self.assertIsNone(self.get(B, self.CN2, pcx))

    def test_china_beijing_ningxia_with_modern_rules(self):
        pcx = self.china_pair("--modern-rules")
        self.wait_code(A, self.CN1, pcx, "pending-acceptance")
        self.wait_code(B, self.CN2, pcx, "pending-acceptance")
        self.act_ok(B, self.CN2, "accept", pcx)
        self.advance(5)
        self.wait_code(A, self.CN1, pcx, "active")
        self.wait_code(B, self.CN2, pcx, "active")

    def test_never_across_partitions(self):
        self.c.start_agent(A, USE1, "--modern-rules")
        va = self.vpc(A, USE1, "10.1.0.0/16")
        for region in ("cn-north-1", "us-gov-west-1"):
            self.c.start_agent(B, region, "--modern-rules")
            vb = self.vpc(B, region, "10.2.0.0/16")
            pcx = self.create(A, USE1, va, vb, owner=B, peer_region=region)[
                "VpcPeeringConnectionId"]
            v = self.wait_code(A, USE1, pcx, "failed")
            self.assertEqual(v["Status"]["Message"], FAILED_MSG)
            self.assertIsNone(self.get(B, region, pcx))


class PeerAgents(PcxTest):
    def test_peer_account_without_agent_fails(self):
        self.c.start_agent(A, USE1)
        va = self.vpc(A, USE1, "10.1.0.0/16")
        p = self.create(A, USE1, va, "vpc-0123456789abcdef0", owner="999999999999")
        self.assertEqual(p["Status"]["Message"], "Initiating Request to 999999999999")
        v = self.wait_code(A, USE1, p["VpcPeeringConnectionId"], "failed")
        self.assertEqual(v["Status"]["Message"], FAILED_MSG)

    def test_offline_peer_agent_completes_when_it_returns(self):
        self.c.start_agent(A, USE1)
        pb = self.c.start_agent(B, USE1)
        va = self.vpc(A, USE1, "10.1.0.0/16")
        vb = self.vpc(B, USE1, "10.2.0.0/16")
        self.c.kill9(pb)
        pcx = self.create(A, USE1, va, vb, owner=B)["VpcPeeringConnectionId"]
        # The accepter's agent exists but is down: the request waits.
        self.c.wait_status(B, USE1, "offline", timeout=30)
        deadline = time.time() + 3
        while time.time() < deadline:
            self.assertEqual(self.code(A, USE1, pcx), "initiating-request")
            time.sleep(0.3)
        self.c.restart_agent(B, USE1)
        self.wait_code(A, USE1, pcx, "pending-acceptance")
        self.wait_code(B, USE1, pcx, "pending-acceptance")
        self.act_ok(B, USE1, "accept", pcx)
        self.advance(5)
        self.wait_code(A, USE1, pcx, "active")


class FailedRequests(PcxTest):
    """Mistakes in a cross-account or cross-Region request are not API
    errors: the pcx goes to failed, seen by the requester only."""

    def setUp(self):
        super().setUp()
        for acct, region in ((A, USE1), (B, USE1), (B, EUW1), (C, USE1)):
            self.c.start_agent(acct, region)
        self.va = self.vpc(A, USE1, "10.1.0.0/16")
        self.vb = self.vpc(B, USE1, "10.2.0.0/16")

    def assert_fails(self, vpc, peer_vpc, owner, region=None, watchers=()):
        p = self.create(A, USE1, vpc, peer_vpc, owner=owner, peer_region=region)
        self.assertEqual(p["Status"]["Code"], "initiating-request")
        pcx = p["VpcPeeringConnectionId"]
        v = self.wait_code(A, USE1, pcx, "failed")
        self.assertEqual(v["Status"], {"Code": "failed", "Message": FAILED_MSG})
        for acct, reg in watchers:
            self.assertIsNone(self.get(acct, reg, pcx))
        return pcx

    def test_wrong_owner(self):
        self.assert_fails(self.va, self.vb, C, watchers=[(B, USE1), (C, USE1)])

    def test_wrong_region(self):
        self.assert_fails(self.va, self.vb, B, EUW1, watchers=[(B, USE1), (B, EUW1)])

    def test_unknown_peer_vpc(self):
        self.assert_fails(self.va, "vpc-0123456789abcdef0", B, watchers=[(B, USE1)])

    def test_overlap_primary_and_secondary(self):
        vo = self.vpc(B, USE1, "10.1.128.0/17")
        self.assert_fails(self.va, vo, B, watchers=[(B, USE1)])
        # A secondary block overlapping counts as much as the primary.
        v2 = self.vpc(B, USE1, "10.3.0.0/16")
        self.c.ok(B, USE1, "associate-vpc-cidr-block", "--vpc-id", v2, "--cidr-block",
                  "10.1.5.0/24")
        self.assert_fails(self.va, v2, B, watchers=[(B, USE1)])

    def test_same_account_overlap_and_unknown_vpc(self):
        vo = self.vpc(A, USE1, "10.1.0.0/17")
        pcx = self.assert_fails(self.va, vo, None)
        # In one account and Region, an unknown peer VPC is a synchronous error.
        r = self.create(A, USE1, self.va, "vpc-0123456789abcdef0", check=False)
        self.assert_error(r, "InvalidVpcID.NotFound",
                          "The vpc ID 'vpc-0123456789abcdef0' does not exist",
                          "CreateVpcPeeringConnection")
        r = self.create(A, USE1, "vpc-0fedcba9876543210", self.va, check=False)
        self.assert_error(r, "InvalidVpcID.NotFound",
                          "The vpc ID 'vpc-0fedcba9876543210' does not exist",
                          "CreateVpcPeeringConnection")
        # A failed connection cannot be accepted, rejected or deleted.
        self.assert_transition(self.act(A, USE1, "delete", pcx), pcx, "failed", "deleting",
                               "DeleteVpcPeeringConnection")
        self.assert_transition(self.act(A, USE1, "accept", pcx), pcx, "failed", "provisioning",
                               "AcceptVpcPeeringConnection")

    def test_malformed_ids(self):
        r = self.act(A, USE1, "accept", "pcx-xyz")
        self.assert_error(r, "InvalidVpcPeeringConnectionId.Malformed",
                          'Invalid id: "pcx-xyz" (expecting "pcx-...")',
                          "AcceptVpcPeeringConnection")
        self.assertEqual(self.listing(A, USE1), [])


if __name__ == "__main__":
    harness.main()
