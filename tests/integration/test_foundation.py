"""Foundation, from the CLI as a user would: VPCs, subnets, route tables,
tags, errors and exit codes, account isolation, describe-agents."""
import os
import subprocess

import harness
from harness import ClusterTest

A = "111111111111"
B = "222222222222"
R = "ap-northeast-1"


class VpcLifecycle(ClusterTest):
    def setUp(self):
        super().setUp()
        self.c.start_agent(A, R)

    def test_create_describe_delete_vpc(self):
        out = self.c.ok(A, R, "create-vpc", "--cidr-block", "10.1.0.0/16",
                        "--tag-specifications", "ResourceType=vpc,Tags=[{Key=Name,Value=VPC-A}]")
        vpc = out["Vpc"]
        self.assertRegex(vpc["VpcId"], r"^vpc-[0-9a-f]{17}$")
        self.assertEqual(vpc["CidrBlock"], "10.1.0.0/16")
        self.assertEqual(vpc["OwnerId"], A)
        self.assertEqual(vpc["Tags"], [{"Key": "Name", "Value": "VPC-A"}])
        # Keys in the AWS CLI's order (ec2-output-shapes.md).
        keys = list(vpc.keys())
        self.assertLess(keys.index("OwnerId"), keys.index("CidrBlockAssociationSet"))
        self.assertLess(keys.index("VpcId"), keys.index("State"))
        self.assertLess(keys.index("State"), keys.index("CidrBlock"))
        vid = vpc["VpcId"]

        d = self.c.ok(A, R, "describe-vpcs", "--vpc-ids", vid)["Vpcs"]
        self.assertEqual(len(d), 1)
        self.assertEqual(d[0]["State"], "available")
        # Filters: shorthand and JSON forms, AND across filters.
        f1 = self.c.ok(A, R, "describe-vpcs", "--filters", "Name=tag:Name,Values=VPC-A")["Vpcs"]
        self.assertEqual([v["VpcId"] for v in f1], [vid])
        f2 = self.c.ok(A, R, "describe-vpcs", "--filters",
                       '[{"Name":"cidr","Values":["10.1.0.0/16"]},{"Name":"state","Values":["available"]}]')
        self.assertEqual([v["VpcId"] for v in f2["Vpcs"]], [vid])
        f3 = self.c.ok(A, R, "describe-vpcs", "--filters", "Name=cidr,Values=10.9.0.0/16")
        self.assertEqual(f3["Vpcs"], [])

        # The main route table with its local route.
        rt = self.c.ok(A, R, "describe-route-tables", "--filters", f"Name=vpc-id,Values={vid}")
        tables = rt["RouteTables"]
        self.assertEqual(len(tables), 1)
        self.assertTrue(tables[0]["Associations"][0]["Main"])
        self.assertEqual(tables[0]["Routes"][0]["DestinationCidrBlock"], "10.1.0.0/16")
        self.assertEqual(tables[0]["Routes"][0]["GatewayId"], "local")
        self.assertEqual(tables[0]["Routes"][0]["State"], "active")

        # A secondary CIDR adds a local route.
        assoc = self.c.ok(A, R, "associate-vpc-cidr-block", "--vpc-id", vid, "--cidr-block", "10.2.0.0/16")
        self.assertEqual(assoc["CidrBlockAssociation"]["CidrBlock"], "10.2.0.0/16")
        rt = self.c.ok(A, R, "describe-route-tables", "--filters", f"Name=vpc-id,Values={vid}")
        dests = sorted(r["DestinationCidrBlock"] for r in rt["RouteTables"][0]["Routes"]
                       if "DestinationCidrBlock" in r)
        self.assertEqual(dests, ["10.1.0.0/16", "10.2.0.0/16"])

        # Subnets: inside, outside, overlapping.
        sn = self.c.ok(A, R, "create-subnet", "--vpc-id", vid, "--cidr-block", "10.1.1.0/24")["Subnet"]
        self.assertEqual(sn["AvailableIpAddressCount"], 251)
        self.assertEqual(sn["VpcId"], vid)
        r = self.c.ec2(A, R, "create-subnet", "--vpc-id", vid, "--cidr-block", "10.9.1.0/24")
        self.assertEqual(r.rc, 254)
        self.assertIn("(InvalidSubnet.Range)", r.err)
        self.assertIn("when calling the CreateSubnet operation", r.err)
        r = self.c.ec2(A, R, "create-subnet", "--vpc-id", vid, "--cidr-block", "10.1.1.128/25")
        self.assertEqual(r.rc, 254)
        self.assertIn("(InvalidSubnet.Conflict)", r.err)

        # A VPC with a subnet cannot be deleted.
        r = self.c.ec2(A, R, "delete-vpc", "--vpc-id", vid)
        self.assertEqual(r.rc, 254)
        self.assertIn("(DependencyViolation)", r.err)
        self.assertEqual(self.c.ec2(A, R, "delete-subnet", "--subnet-id", sn["SubnetId"]).rc, 0)
        r = self.c.ec2(A, R, "delete-vpc", "--vpc-id", vid)
        self.assertEqual((r.rc, r.out), (0, ""))
        r = self.c.ec2(A, R, "describe-vpcs", "--vpc-ids", vid)
        self.assertEqual(r.rc, 254)
        self.assertEqual(r.out, "")
        self.assertIn(f"An error occurred (InvalidVpcID.NotFound) when calling the DescribeVpcs "
                      f"operation: The vpc ID '{vid}' does not exist", r.err)

    def test_tags_and_attributes(self):
        vid = self.c.ok(A, R, "create-vpc", "--cidr-block", "10.3.0.0/16")["Vpc"]["VpcId"]
        self.assertEqual(self.c.ec2(A, R, "create-tags", "--resources", vid,
                                    "--tags", "Key=env,Value=prod", "Key=team,Value=net").rc, 0)
        v = self.c.ok(A, R, "describe-vpcs", "--filters", "Name=tag-key,Values=team")["Vpcs"]
        self.assertEqual([x["VpcId"] for x in v], [vid])
        self.assertEqual(self.c.ec2(A, R, "delete-tags", "--resources", vid,
                                    "--tags", "Key=team").rc, 0)
        v = self.c.ok(A, R, "describe-vpcs", "--vpc-ids", vid)["Vpcs"][0]
        self.assertEqual(v["Tags"], [{"Key": "env", "Value": "prod"}])
        r = self.c.ec2(A, R, "modify-vpc-attribute", "--vpc-id", vid,
                       "--enable-dns-hostnames", '{"Value": true}')
        self.assertEqual((r.rc, r.out), (0, ""))

    def test_ipv6_block(self):
        v = self.c.ok(A, R, "create-vpc", "--cidr-block", "10.4.0.0/16",
                      "--amazon-provided-ipv6-cidr-block")["Vpc"]
        # As AWS: the create reply shows the block still being associated.
        self.assertEqual(v["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlockState"]["State"],
                         "associating")
        d = self.c.ok(A, R, "describe-vpcs", "--vpc-ids", v["VpcId"])["Vpcs"][0]
        blk = d["Ipv6CidrBlockAssociationSet"][0]
        self.assertTrue(blk["Ipv6CidrBlock"].endswith("/56"), blk)
        self.assertEqual(blk["Ipv6CidrBlockState"]["State"], "associated")
        # The main route table has a local route for the IPv6 block too.
        rt = self.c.ok(A, R, "describe-route-tables", "--filters", f"Name=vpc-id,Values={v['VpcId']}")
        v6 = [r for r in rt["RouteTables"][0]["Routes"] if "DestinationIpv6CidrBlock" in r]
        self.assertEqual(v6[0]["DestinationIpv6CidrBlock"], blk["Ipv6CidrBlock"])


class Errors(ClusterTest):
    def setUp(self):
        super().setUp()
        self.c.start_agent(A, R)

    def test_usage_error_exit_252(self):
        r = self.c.ec2(A, R, "delete-vpc")
        self.assertEqual(r.rc, 252, r)
        self.assertIn("the following arguments are required: --vpc-id", r.err)
        r = self.c.ec2(A, R, "describe-vpcs", "--no-such-option", "x")
        self.assertEqual(r.rc, 252, r)
        r = self.c.ec2(A, R, "describe-vpcs", "--filters", "Name")
        self.assertEqual(r.rc, 252, r)
        self.assertIn("Error parsing parameter '--filters'", r.err)

    def test_bad_cidr_is_a_service_error(self):
        r = self.c.ec2(A, R, "create-vpc", "--cidr-block", "10.0.0.300/16")
        self.assertEqual(r.rc, 254, r)
        self.assertIn("InvalidParameterValue", r.err)

    def test_unreachable_broker_exit_255(self):
        port = harness.free_port()
        argv = [os.path.join(harness.BIN, "vpcsim"), "--broker", f"tcp://127.0.0.1:{port}",
                "--account", A, "--region", R, "--timeout", "1", "ec2", "describe-vpcs"]
        p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 255)
        self.assertIn(f"tcp://127.0.0.1:{port}", p.stderr)
        self.assertIn(A, p.stderr)
        self.assertIn(R, p.stderr)

    def test_no_such_agent_exit_255(self):
        r = self.c.ec2("999999999999", R, "describe-vpcs")
        self.assertEqual(r.rc, 255, r)
        self.assertIn("999999999999", r.err)
        self.assertIn("no such agent", r.err)


class Isolation(ClusterTest):
    def test_other_account_sees_nothing(self):
        self.c.start_agent(A, R)
        self.c.start_agent(B, R)
        vid = self.c.ok(A, R, "create-vpc", "--cidr-block", "10.1.0.0/16")["Vpc"]["VpcId"]
        self.assertEqual(self.c.ok(B, R, "describe-vpcs")["Vpcs"], [])
        for args in (["describe-vpcs", "--vpc-ids", vid], ["delete-vpc", "--vpc-id", vid],
                     ["create-tags", "--resources", vid, "--tags", "Key=a,Value=b"],
                     ["create-subnet", "--vpc-id", vid, "--cidr-block", "10.1.1.0/24"]):
            r = self.c.ec2(B, R, *args)
            self.assertEqual(r.rc, 254, (args, r))
            self.assertIn("InvalidVpcID.NotFound", r.err)
        # A still has it, untouched.
        v = self.c.ok(A, R, "describe-vpcs", "--vpc-ids", vid)["Vpcs"][0]
        self.assertNotIn("Tags", v)

    def test_describe_agents(self):
        self.c.start_agent(A, R)
        self.c.start_agent(B, "cn-north-1")
        self.c.ok(A, R, "create-vpc", "--cidr-block", "10.1.0.0/16")
        agents = self.c.agents_status()
        self.assertEqual(agents[(A, R)]["Partition"], "aws")
        self.assertEqual(agents[(B, "cn-north-1")]["Partition"], "aws-cn")
        self.assertEqual(agents[(A, R)]["VpcCount"], 1)
        self.assertEqual(agents[(B, "cn-north-1")]["VpcCount"], 0)


class AgentArguments(ClusterTest):
    def run_agent(self, *args):
        argv = [os.path.join(harness.BIN, "vpcsim-agent"), "--broker", self.c.endpoint, *args]
        return subprocess.run(argv, capture_output=True, text=True, timeout=30)

    def test_bad_arguments_exit_2(self):
        d = os.path.join(self.c.dir, "x")
        for args, needle in (
            (["--account", "12345", "--region", R, "--data-dir", d], "12 digits"),
            (["--account", A, "--region", "mars-north-1", "--data-dir", d], "unknown Region"),
            (["--account", A, "--region", R, "--data-dir", "/proc/nope"], "data dir"),
        ):
            p = self.run_agent(*args)
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertIn(needle, p.stderr)

    def test_sigterm_exits_cleanly(self):
        p = self.c.start_agent(A, R)
        self.assertEqual(self.c.stop(p), 0)
        self.assertEqual(self.c.stop(self.c.broker), 0)


if __name__ == "__main__":
    harness.main()
