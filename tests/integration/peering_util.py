"""Helpers shared by the VPC peering integration tests (test_peering*.py).

Everything goes through the `vpcsim` CLI, as a user would. Waiting is
always polling for a state with a generous deadline, never a fixed sleep:
the tests must hold on a loaded 2-core CI machine, where a message between
agents can sit in an outbox backoff for several seconds.
"""
import datetime
import re
import time

from harness import ClusterTest

# The seed's account and Region, and a few more.
SEED = "522373083963"
TOKYO = "ap-northeast-1"
A = "111111111111"
B = "222222222222"
C = "333333333333"
USE1 = "us-east-1"
EUW1 = "eu-west-1"

FAILED_MSG = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"
PCX_RE = r"^pcx-[0-9a-f]{17}$"
WEEK_S = 7 * 24 * 3600
HOUR_S = 3600
DAY_S = 24 * 3600

# Generous: a request to an agent that was offline waits for the outbox's
# backoff (at most 8 s) on top of the machine's load.
WAIT_S = 40


def tag_spec(name):
    return f"ResourceType=vpc-peering-connection,Tags=[{{Key=Name,Value={name}}}]"


def parse_aws_time(s):
    """'2019-06-22T08:55:29+00:00' (AWS CLI v2) -> aware datetime."""
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S%z")


def parse_sim_time(s):
    """admin clock's '2026-11-27T16:17:37.319Z' -> aware datetime."""
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc)


class PcxTest(ClusterTest):
    """ClusterTest with peering helpers. self.c is the cluster."""

    # -- set-up ------------------------------------------------------------
    def vpc(self, acct, region, cidr, **kw):
        return self.c.ok(acct, region, "create-vpc", "--cidr-block", cidr, **kw)["Vpc"]["VpcId"]

    def create(self, acct, region, vpc, peer_vpc, owner=None, peer_region=None, name=None,
               check=True):
        """create-vpc-peering-connection; returns the pcx document (check)
        or the raw Result."""
        args = ["create-vpc-peering-connection", "--vpc-id", vpc, "--peer-vpc-id", peer_vpc]
        if owner:
            args += ["--peer-owner-id", owner]
        if peer_region:
            args += ["--peer-region", peer_region]
        if name:
            args += ["--tag-specifications", tag_spec(name)]
        if not check:
            return self.c.ec2(acct, region, *args)
        out = self.c.ok(acct, region, *args)
        self.assertEqual(list(out.keys()), ["VpcPeeringConnection"])
        return out["VpcPeeringConnection"]

    def act(self, acct, region, verb, pcx, **kw):
        """accept/reject/delete: the raw Result."""
        return self.c.ec2(acct, region, f"{verb}-vpc-peering-connection",
                          "--vpc-peering-connection-id", pcx, **kw)

    def act_ok(self, acct, region, verb, pcx):
        r = self.act(acct, region, verb, pcx, timeout=15)
        self.assertEqual(r.rc, 0, r)
        return r.json()

    def handshake(self, acct, region, vpc, peer_vpc, owner):
        """A whole same-Region handshake: created by acct, accepted by owner,
        the clock advanced past provisioning; returns the pcx id once acct
        sees it active."""
        pcx = self.create(acct, region, vpc, peer_vpc, owner=owner)["VpcPeeringConnectionId"]
        self.wait_code(owner, region, pcx, "pending-acceptance")
        self.act_ok(owner, region, "accept", pcx)
        self.advance(5)
        self.wait_code(acct, region, pcx, "active")
        return pcx

    def advance(self, seconds):
        r = self.c.admin("advance-clock", "--seconds", str(int(seconds)))
        self.assertEqual(r.rc, 0, r)
        return parse_sim_time(r.json()["SimulatedTime"])

    def sim_now(self):
        r = self.c.admin("clock")
        self.assertEqual(r.rc, 0, r)
        return parse_sim_time(r.json()["SimulatedTime"])

    # -- looking -----------------------------------------------------------
    def get(self, acct, region, pcx):
        """The caller's view of pcx, or None if it cannot see it (describe
        by ID answers NotFound, exit 254)."""
        r = self.c.ec2(acct, region, "describe-vpc-peering-connections",
                       "--vpc-peering-connection-ids", pcx, timeout=10)
        if r.rc == 254 and "(InvalidVpcPeeringConnectionID.NotFound)" in r.err:
            return None
        self.assertEqual(r.rc, 0, r)
        items = r.json()["VpcPeeringConnections"]
        self.assertEqual(len(items), 1, items)
        return items[0]

    def listing(self, acct, region, *args):
        return self.c.ok(acct, region, "describe-vpc-peering-connections", *args,
                         timeout=10)["VpcPeeringConnections"]

    def code(self, acct, region, pcx):
        p = self.get(acct, region, pcx)
        return p["Status"]["Code"] if p else None

    def wait_code(self, acct, region, pcx, *codes, timeout=WAIT_S):
        """Polls until the caller's view has one of codes (None = not
        visible); returns the view."""
        deadline = time.time() + timeout
        last = "?"
        while True:
            p = self.get(acct, region, pcx)
            last = p["Status"]["Code"] if p else None
            if last in codes:
                return p
            if time.time() > deadline:
                self.fail(f"{pcx} seen by {acct}/{region} is {last}, not {codes} "
                          f"within {timeout}s")
            time.sleep(0.1)

    def wait_for(self, pred, what="condition", timeout=WAIT_S):
        deadline = time.time() + timeout
        while not pred():
            if time.time() > deadline:
                self.fail(f"{what} not reached within {timeout}s")
            time.sleep(0.1)

    def assert_views_agree(self, pcx, views, timeout=WAIT_S):
        """Both views converge on the same Status.Code (they are allowed a
        moment for the last State message to arrive)."""
        deadline = time.time() + timeout
        while True:
            codes = [self.code(a, r, pcx) for a, r in views]
            if len(set(codes)) == 1:
                return codes[0]
            if time.time() > deadline:
                self.fail(f"views of {pcx} disagree: {dict(zip(views, codes))}")
            time.sleep(0.1)

    # -- errors ------------------------------------------------------------
    def assert_error(self, r, code, message, operation):
        """A service error exactly as the AWS CLI prints it."""
        self.assertEqual(r.rc, 254, r)
        self.assertEqual(r.out, "", r)
        want = f"An error occurred ({code}) when calling the {operation} operation: {message}"
        self.assertEqual(r.err.strip(), want, r)

    def assert_not_found(self, r, pcx, operation):
        self.assert_error(r, "InvalidVpcPeeringConnectionID.NotFound",
                          f"The vpcPeeringConnection ID '{pcx}' does not exist", operation)

    def assert_transition(self, r, pcx, frm, to, operation):
        self.assert_error(r, "InvalidStateTransition",
                          f"Invalid state transition for {pcx}, attempted to transition from "
                          f"{frm} to {to}", operation)

    # -- common shapes ---------------------------------------------------
    def assert_vpc_info(self, info, owner, vpc, region, cidrs=None):
        """VpcPeeringConnectionVpcInfo: CIDRs only when given; keys in the
        model's order (ec2-output-shapes.md)."""
        self.assertEqual(info["OwnerId"], owner)
        self.assertEqual(info["VpcId"], vpc)
        self.assertEqual(info["Region"], region)
        if cidrs is None:
            for k in ("CidrBlock", "CidrBlockSet", "Ipv6CidrBlockSet"):
                self.assertNotIn(k, info)
            return
        self.assertEqual(info["CidrBlock"], cidrs[0])
        self.assertEqual(info["CidrBlockSet"], [{"CidrBlock": c} for c in cidrs])
        order = [k for k in ("CidrBlock", "Ipv6CidrBlockSet", "CidrBlockSet", "OwnerId",
                             "PeeringOptions", "VpcId", "Region") if k in info]
        self.assertEqual([k for k in info if k in order], order)

    def assert_pcx_order(self, p):
        order = [k for k in ("AccepterVpcInfo", "ExpirationTime", "RequesterVpcInfo", "Status",
                             "Tags", "VpcPeeringConnectionId") if k in p]
        self.assertEqual(list(p.keys()), order)


def is_pcx_id(s):
    return re.match(PCX_RE, s or "") is not None
