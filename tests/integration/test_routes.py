"""Routing across peered VPCs, through the `vpcsim` CLI as a user would:
internet gateways, route tables and associations, and routes to a peering
connection between two accounts whose State follows the connection in both
accounts (blackhole while pending, active once active, blackhole again
after it is deleted), with AWS's error codes and messages."""
import time

import harness
from peering_util import A, B, USE1, WAIT_S, PcxTest


class RouteTest(PcxTest):
    def table(self, acct, rtb):
        out = self.c.ok(acct, USE1, "describe-route-tables", "--route-table-ids", rtb)
        self.assertEqual(len(out["RouteTables"]), 1)
        return out["RouteTables"][0]

    def route(self, acct, rtb, dest):
        for r in self.table(acct, rtb)["Routes"]:
            if dest in (r.get("DestinationCidrBlock"), r.get("DestinationIpv6CidrBlock")):
                return r
        return None

    def wait_state(self, acct, rtb, dest, state):
        deadline = time.time() + WAIT_S
        while True:
            r = self.route(acct, rtb, dest)
            if r and r["State"] == state:
                return r
            if time.time() > deadline:
                self.fail(f"route {dest} in {acct}/{rtb} is {r}, not {state}")
            time.sleep(0.1)

    def main_rtb(self, acct, vpc):
        out = self.c.ok(acct, USE1, "describe-route-tables", "--filters",
                        f"Name=vpc-id,Values={vpc}", "Name=association.main,Values=true")
        return out["RouteTables"][0]["RouteTableId"]

    def test_igw_tables_and_routes(self):
        self.c.start_agent(A, USE1)
        vpc = self.vpc(A, USE1, "10.1.0.0/16")
        sub = self.c.ok(A, USE1, "create-subnet", "--vpc-id", vpc,
                        "--cidr-block", "10.1.1.0/24")["Subnet"]["SubnetId"]
        igw = self.c.ok(A, USE1, "create-internet-gateway")["InternetGateway"]
        self.assertEqual(list(igw.keys()), ["Attachments", "InternetGatewayId", "OwnerId", "Tags"])
        igw = igw["InternetGatewayId"]
        r = self.c.ec2(A, USE1, "attach-internet-gateway", "--internet-gateway-id", igw,
                       "--vpc-id", vpc)
        self.assertEqual((r.rc, r.out), (0, ""), r)
        r = self.c.ec2(A, USE1, "attach-internet-gateway", "--internet-gateway-id", igw,
                       "--vpc-id", vpc)
        self.assert_error(r, "Resource.AlreadyAssociated",
                          f"resource {igw} is already attached to network {vpc}",
                          "AttachInternetGateway")

        out = self.c.ok(A, USE1, "create-route-table", "--vpc-id", vpc)
        rtb = out["RouteTable"]["RouteTableId"]
        self.assertEqual(out["RouteTable"]["Routes"],
                         [{"DestinationCidrBlock": "10.1.0.0/16", "GatewayId": "local",
                           "Origin": "CreateRouteTable", "State": "active"}])
        out = self.c.ok(A, USE1, "associate-route-table", "--route-table-id", rtb,
                        "--subnet-id", sub)
        self.assertEqual(out["AssociationState"], {"State": "associated"})
        self.assertRegex(out["AssociationId"], r"^rtbassoc-[0-9a-f]{17}$")

        out = self.c.ok(A, USE1, "create-route", "--route-table-id", rtb,
                        "--destination-cidr-block", "0.0.0.18/0", "--gateway-id", igw)
        self.assertEqual(out, {"Return": True})
        self.assertEqual(self.route(A, rtb, "0.0.0.0/0"),
                         {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw,
                          "Origin": "CreateRoute", "State": "active"})
        r = self.c.ec2(A, USE1, "create-route", "--route-table-id", rtb,
                       "--destination-cidr-block", "0.0.0.0/0", "--gateway-id", igw)
        self.assert_error(r, "RouteAlreadyExists", "The route identified by 0.0.0.0/0 already exists.",
                          "CreateRoute")
        r = self.c.ec2(A, USE1, "delete-route", "--route-table-id", rtb,
                       "--destination-cidr-block", "10.1.0.0/16")
        self.assert_error(r, "InvalidParameterValue",
                          f"cannot remove local route 10.1.0.0/16 in route table {rtb}", "DeleteRoute")
        r = self.c.ec2(A, USE1, "delete-vpc", "--vpc-id", vpc)
        self.assert_error(r, "DependencyViolation",
                          f"The vpc '{vpc}' has dependencies and cannot be deleted.", "DeleteVpc")
        r = self.c.ec2(A, USE1, "delete-route", "--route-table-id", rtb,
                       "--destination-cidr-block", "0.0.0.0/0")
        self.assertEqual((r.rc, r.out), (0, ""), r)
        self.assertIsNone(self.route(A, rtb, "0.0.0.0/0"))

    def test_routes_follow_the_peering_in_both_accounts(self):
        self.c.start_agent(A, USE1)
        self.c.start_agent(B, USE1)
        va = self.vpc(A, USE1, "10.1.0.0/16")
        vb = self.vpc(B, USE1, "10.2.0.0/16")
        ra, rb = self.main_rtb(A, va), self.main_rtb(B, vb)
        pcx = self.create(A, USE1, va, vb, owner=B)["VpcPeeringConnectionId"]
        self.wait_code(B, USE1, pcx, "pending-acceptance")

        self.c.ok(A, USE1, "create-route", "--route-table-id", ra,
                  "--destination-cidr-block", "10.2.0.0/16", "--vpc-peering-connection-id", pcx)
        self.c.ok(B, USE1, "create-route", "--route-table-id", rb,
                  "--destination-cidr-block", "10.1.0.0/16", "--vpc-peering-connection-id", pcx)
        r = self.route(A, ra, "10.2.0.0/16")
        self.assertEqual(list(r.keys()),
                         ["DestinationCidrBlock", "Origin", "State", "VpcPeeringConnectionId"])
        self.assertEqual(r["State"], "blackhole")
        self.assertEqual(self.route(B, rb, "10.1.0.0/16")["State"], "blackhole")
        # A route inside the VPC's own block cannot go to a peering connection.
        r = self.c.ec2(A, USE1, "create-route", "--route-table-id", ra,
                       "--destination-cidr-block", "10.1.8.0/24", "--vpc-peering-connection-id", pcx)
        self.assertEqual(r.rc, 254, r)
        self.assertIn("(InvalidParameterValue)", r.err)

        self.act_ok(B, USE1, "accept", pcx)
        self.advance(5)
        self.wait_code(A, USE1, pcx, "active")
        self.wait_state(A, ra, "10.2.0.0/16", "active")
        self.wait_state(B, rb, "10.1.0.0/16", "active")
        out = self.c.ok(B, USE1, "describe-route-tables", "--filters",
                        f"Name=route.vpc-peering-connection-id,Values={pcx}",
                        "Name=route.state,Values=active")
        self.assertEqual([t["RouteTableId"] for t in out["RouteTables"]], [rb])

        self.act_ok(A, USE1, "delete", pcx)
        self.wait_state(A, ra, "10.2.0.0/16", "blackhole")
        self.wait_state(B, rb, "10.1.0.0/16", "blackhole")


if __name__ == "__main__":
    harness.main()
