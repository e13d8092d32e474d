"""The real AWS CLI v2 drives vpcsim through vpcsim-gateway, unchanged but
for --endpoint-url: the seed's connection test (one account, two VPCs,
peering, routes, a security group rule, the Reachability Analyzer) and a
cross-account, inter-Region peering with waiters, --query, --dry-run and
AWS's errors (exit 254, the CLI's message)."""
import json
import time

import gateway_util
from gateway_util import GatewayTest

SEED, TOKYO = "522373083963", "ap-northeast-1"
A, B, C = "111111111111", "222222222222", "333333333333"
USE1, EUW1 = "us-east-1", "eu-west-1"


class GatewayCliTest(GatewayTest):
    def test_seed_connection_test(self):
        self.c.start_agent(SEED, TOKYO)
        self.start_gateway()
        run = lambda *a: self.aws_ok(SEED, TOKYO, *a)   # noqa: E731
        self.assertEqual(run("sts", "get-caller-identity")["Account"], SEED)
        va = run("ec2", "create-vpc", "--cidr-block", "10.1.0.0/16", "--tag-specifications",
                 "ResourceType=vpc,Tags=[{Key=Name,Value=VPC-A}]")["Vpc"]["VpcId"]
        vb = run("ec2", "create-vpc", "--cidr-block", "10.2.0.0/16", "--query", "Vpc.VpcId",
                 "--output", "text")
        self.assertRegex(vb, r"^vpc-[0-9a-f]{17}$")
        self.assertEqual(run("ec2", "describe-vpcs", "--filters", "Name=tag:Name,Values=VPC-A",
                             "--query", "Vpcs[].VpcId"), [va])
        sa = run("ec2", "create-subnet", "--vpc-id", va, "--cidr-block", "10.1.1.0/24")["Subnet"]["SubnetId"]
        sb = run("ec2", "create-subnet", "--vpc-id", vb, "--cidr-block", "10.2.1.0/24")["Subnet"]["SubnetId"]
        rtb = {v: run("ec2", "describe-route-tables", "--filters", f"Name=vpc-id,Values={v}",
                      "Name=association.main,Values=true", "--query", "RouteTables[0].RouteTableId",
                      "--output", "text") for v in (va, vb)}
        ia = run("ec2", "run-instances", "--image-id", "ami-12345678", "--subnet-id", sa,
                 "--private-ip-address", "10.1.1.12", "--query", "Instances[0].InstanceId", "--output", "text")
        ib = run("ec2", "run-instances", "--image-id", "ami-12345678", "--subnet-id", sb,
                 "--private-ip-address", "10.2.1.234", "--query", "Instances[0].InstanceId", "--output", "text")
        nip = run("ec2", "create-network-insights-path", "--source", ia, "--destination", ib,
                  "--protocol", "tcp", "--destination-port", "22")["NetworkInsightsPath"]["NetworkInsightsPathId"]

        def path_found():
            nia = run("ec2", "start-network-insights-analysis", "--network-insights-path-id", nip)
            nia = nia["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
            a = self.wait_for("the analysis", lambda: [
                x for x in run("ec2", "describe-network-insights-analyses", "--network-insights-analysis-ids",
                               nia)["NetworkInsightsAnalyses"] if x["Status"] != "running"])[0]
            self.assertEqual(a["Status"], "succeeded", a)
            return a["NetworkPathFound"]

        self.assertFalse(path_found())
        pcx = run("ec2", "create-vpc-peering-connection", "--vpc-id", va, "--peer-vpc-id", vb,
                  "--tag-specifications", "ResourceType=vpc-peering-connection,Tags=[{Key=Name,Value=joinc-test}]",
                  )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        r = self.aws(SEED, TOKYO, "ec2", "wait", "vpc-peering-connection-exists",
                     "--vpc-peering-connection-ids", pcx)
        self.assertEqual(r.rc, 0, r)
        out = run("ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", pcx)
        self.assertIn(out["VpcPeeringConnection"]["Status"]["Code"], ("provisioning", "active"))
        self.wait_for("active", lambda: run("ec2", "describe-vpc-peering-connections",
                                            "--vpc-peering-connection-ids", pcx, "--query",
                                            "VpcPeeringConnections[0].Status.Code", "--output", "text") == "active")
        for v, dest in ((va, "10.2.0.0/16"), (vb, "10.1.0.0/16")):
            self.assertEqual(run("ec2", "create-route", "--route-table-id", rtb[v], "--destination-cidr-block",
                                 dest, "--vpc-peering-connection-id", pcx), {"Return": True})
        sg = run("ec2", "describe-security-groups", "--filters", f"Name=vpc-id,Values={vb}",
                 "Name=group-name,Values=default", "--query", "SecurityGroups[0].GroupId", "--output", "text")
        run("ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp",
            "--port", "22", "--cidr", "10.1.0.0/16")
        self.assertTrue(path_found())
        # Tear down: the route turns blackhole once the connection is deleted.
        self.assertEqual(run("ec2", "delete-vpc-peering-connection", "--vpc-peering-connection-id", pcx),
                         {"Return": True})
        self.wait_for("blackhole", lambda: run(
            "ec2", "describe-route-tables", "--route-table-ids", rtb[va], "--query",
            "RouteTables[0].Routes[?DestinationCidrBlock=='10.2.0.0/16'].State | [0]",
            "--output", "text") == "blackhole")
        self.assertFalse(path_found())

    def test_cross_account_inter_region(self):
        for acct, region in ((A, USE1), (B, EUW1), (C, USE1)):
            self.c.start_agent(acct, region)
        self.start_gateway()
        va = self.aws_ok(A, USE1, "ec2", "create-vpc", "--cidr-block", "10.1.0.0/16")["Vpc"]["VpcId"]
        vb = self.aws_ok(B, EUW1, "ec2", "create-vpc", "--cidr-block", "10.2.0.0/16")["Vpc"]["VpcId"]
        # --dry-run: DryRunOperation (HTTP 412), nothing created.
        r = self.aws(A, USE1, "ec2", "create-vpc-peering-connection", "--vpc-id", va, "--peer-vpc-id", vb,
                     "--peer-owner-id", B, "--peer-region", EUW1, "--dry-run")
        self.assertEqual(r.rc, 254, r)
        self.assertIn("An error occurred (DryRunOperation) when calling the CreateVpcPeeringConnection "
                      "operation", r.err)
        self.assertEqual(self.aws_ok(A, USE1, "ec2", "describe-vpc-peering-connections"),
                         {"VpcPeeringConnections": []})
        out = self.aws_ok(A, USE1, "ec2", "create-vpc-peering-connection", "--vpc-id", va, "--peer-vpc-id", vb,
                          "--peer-owner-id", B, "--peer-region", EUW1, "--tag-specifications",
                          "ResourceType=vpc-peering-connection,Tags=[{Key=Name,Value=joinc-test}]")
        pcx = out["VpcPeeringConnection"]
        self.assertEqual(pcx["Status"], {"Code": "initiating-request", "Message": f"Initiating Request to {B}"})
        self.assertEqual(list(pcx.keys()), ["AccepterVpcInfo", "ExpirationTime", "RequesterVpcInfo", "Status",
                                            "Tags", "VpcPeeringConnectionId"])
        pcx = pcx["VpcPeeringConnectionId"]
        r = self.aws(B, EUW1, "ec2", "wait", "vpc-peering-connection-exists", "--vpc-peering-connection-ids", pcx)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.aws_ok(B, EUW1, "ec2", "describe-vpc-peering-connections", "--query",
                                     "VpcPeeringConnections[].Status"),
                         [{"Code": "pending-acceptance", "Message": f"Pending Acceptance by {B}"}])
        # The requester may not accept; a third account sees nothing.
        r = self.aws(A, USE1, "ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", pcx)
        self.assertEqual(r.rc, 254, r)
        self.assertIn(f"An error occurred (OperationNotPermitted) when calling the AcceptVpcPeeringConnection "
                      f"operation", r.err)
        self.assertIn(f"User {A} cannot accept peering {pcx}", r.err)
        r = self.aws(C, USE1, "ec2", "describe-vpc-peering-connections", "--vpc-peering-connection-ids", pcx)
        self.assertEqual(r.rc, 254, r)
        self.assertIn("(InvalidVpcPeeringConnectionID.NotFound)", r.err)
        self.aws_ok(B, EUW1, "ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", pcx)
        for acct, region in ((A, USE1), (B, EUW1)):
            self.wait_for(f"active for {acct}", lambda: self.aws_ok(
                acct, region, "ec2", "describe-vpc-peering-connections", "--filters",
                "Name=status-code,Values=active", "--query", "VpcPeeringConnections[].VpcPeeringConnectionId",
                "--output", "text") == pcx)
        # Each side keeps its own tags (Terraform relies on it).
        self.assertEqual(self.aws_ok(B, EUW1, "ec2", "describe-vpc-peering-connections", "--query",
                                     "VpcPeeringConnections[0].Tags"), [])
        self.aws_ok(B, EUW1, "ec2", "create-tags", "--resources", pcx, "--tags", "Key=Side,Value=accepter")
        self.assertEqual(self.aws_ok(A, USE1, "ec2", "describe-vpc-peering-connections", "--query",
                                     "VpcPeeringConnections[0].Tags"), [{"Key": "Name", "Value": "joinc-test"}])
        # Resolving DNS across the peering needs DNS hostnames in both VPCs (as AWS).
        self.aws_ok(A, USE1, "ec2", "modify-vpc-attribute", "--vpc-id", va, "--enable-dns-hostnames")
        self.aws_ok(B, EUW1, "ec2", "modify-vpc-attribute", "--vpc-id", vb, "--enable-dns-hostnames")
        self.assertEqual(self.aws_ok(A, USE1, "ec2", "describe-vpc-attribute", "--vpc-id", va, "--attribute",
                                     "enableDnsHostnames"),
                         {"VpcId": va, "EnableDnsHostnames": {"Value": True}})
        out = self.aws_ok(A, USE1, "ec2", "modify-vpc-peering-connection-options", "--vpc-peering-connection-id",
                          pcx, "--requester-peering-connection-options", "AllowDnsResolutionFromRemoteVpc=true")
        self.assertEqual(out["RequesterPeeringConnectionOptions"]["AllowDnsResolutionFromRemoteVpc"], True)
        self.assertEqual(self.aws_ok(A, USE1, "ec2", "describe-vpc-attribute", "--vpc-id", va, "--attribute",
                                     "enableDnsSupport"),
                         {"VpcId": va, "EnableDnsSupport": {"Value": True}})
        # Paging: --max-results turns auto-paging off and gives a NextToken.
        for i in range(3):
            self.aws_ok(A, USE1, "ec2", "create-vpc", "--cidr-block", f"10.{10 + i}.0.0/16")
        page = self.aws_ok(A, USE1, "ec2", "describe-vpcs", "--max-results", "5")
        self.assertEqual(len(page["Vpcs"]), 4)
        self.assertEqual(len(self.aws_ok(A, USE1, "ec2", "describe-vpcs", "--page-size", "5",
                                         "--query", "Vpcs[].VpcId")), 4)
        r = self.aws(A, USE1, "ec2", "delete-vpc-peering-connection", "--vpc-peering-connection-id", pcx)
        self.assertEqual((r.rc, json.loads(r.out)), (0, {"Return": True}), r)
        r = self.aws(B, EUW1, "ec2", "wait", "vpc-peering-connection-deleted", "--vpc-peering-connection-ids", pcx)
        self.assertEqual(r.rc, 0, r)
        # An unknown operation fails fast with AWS's error.
        r = self.aws(A, USE1, "ec2", "describe-volumes")
        self.assertEqual(r.rc, 254, r)
        self.assertIn("(InvalidAction)", r.err)


if __name__ == "__main__":
    gateway_util.main()
