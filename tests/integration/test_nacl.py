"""Network ACLs through the `vpcsim` CLI, as a user following AWS's
peering troubleshooting guide would check them (reference
aws-vpc-peering.md 7.2: "Ss NACL outbound", "Sd NACL inbound", and the
return traffic's ephemeral ports; 7.4: SUBNET_ACL_RESTRICTION): the
default ACL of a VPC and its subnets' associations, a custom ACL and its
entries with AWS's errors, the Reachability Analyzer refusing and then
finding the seed's path, and the ACLs surviving an agent's kill -9."""
import time

import harness
from peering_util import A, B, TOKYO, WAIT_S, PcxTest

AMI = "ami-0abcdef1234567890"
ENTRY_KEYS = ["CidrBlock", "Egress", "Protocol", "RuleAction", "RuleNumber"]
ACL_KEYS = ["Associations", "Entries", "IsDefault", "NetworkAclId", "Tags", "VpcId", "OwnerId"]


class NaclTest(PcxTest):
    # -- helpers -----------------------------------------------------------
    def acls(self, acct, *filters):
        args = ["describe-network-acls"]
        if filters:
            args += ["--filters", *filters]
        return self.c.ok(acct, TOKYO, *args)["NetworkAcls"]

    def default_acl(self, acct, vpc):
        (a,) = self.acls(acct, f"Name=vpc-id,Values={vpc}", "Name=default,Values=true")
        return a

    def acl_of(self, acct, subnet):
        (a,) = self.acls(acct, f"Name=association.subnet-id,Values={subnet}")
        return a

    def entry(self, acct, acl, rule, egress, action, cidr, ports=None, verb="create"):
        args = [f"{verb}-network-acl-entry", "--network-acl-id", acl, "--rule-number", str(rule),
                "--egress" if egress else "--no-egress", "--rule-action", action,
                "--cidr-block", cidr]
        if ports:
            args += ["--protocol", "tcp", "--port-range", f"From={ports[0]},To={ports[1]}"]
        else:
            args += ["--protocol", "-1"]
        return self.c.ec2(acct, TOKYO, *args)

    def entry_ok(self, *a, **kw):
        r = self.entry(*a, **kw)
        self.assertEqual((r.rc, r.out), (0, ""), r)

    def subnet(self, acct, vpc, cidr):
        return self.c.ok(acct, TOKYO, "create-subnet", "--vpc-id", vpc,
                         "--cidr-block", cidr)["Subnet"]["SubnetId"]

    def instance(self, acct, subnet, ip):
        out = self.c.ok(acct, TOKYO, "run-instances", "--image-id", AMI, "--count", "1",
                        "--subnet-id", subnet, "--private-ip-address", ip)
        return out["Instances"][0]["InstanceId"]

    def main_rtb(self, acct, vpc):
        t = self.c.ok(acct, TOKYO, "describe-route-tables", "--filters",
                      f"Name=vpc-id,Values={vpc}", "Name=association.main,Values=true")
        return t["RouteTables"][0]["RouteTableId"]

    def analyze(self, acct, path):
        s = self.c.ok(acct, TOKYO, "start-network-insights-analysis",
                      "--network-insights-path-id", path)["NetworkInsightsAnalysis"]
        deadline = time.time() + WAIT_S
        while True:
            a = self.c.ok(acct, TOKYO, "describe-network-insights-analyses",
                          "--network-insights-analysis-ids",
                          s["NetworkInsightsAnalysisId"])["NetworkInsightsAnalyses"][0]
            if a["Status"] != "running":
                self.assertEqual(a["Status"], "succeeded", a)
                return a
            if time.time() > deadline:
                self.fail(f"analysis {a} still running after {WAIT_S}s")
            time.sleep(0.1)

    def peer(self, a, va, b, rb, vb):
        p = self.create(a, TOKYO, va, vb, owner=b,
                        peer_region=rb if rb != TOKYO else None)["VpcPeeringConnectionId"]
        self.wait_code(b, rb, p, "pending-acceptance")
        self.act_ok(b, rb, "accept", p)
        self.advance(5)
        self.wait_code(a, TOKYO, p, "active")
        self.wait_code(b, rb, p, "active")
        return p

    def default_sg(self, acct, region, vpc):
        return self.c.ok(acct, region, "describe-security-groups", "--filters",
                         f"Name=vpc-id,Values={vpc}")["SecurityGroups"][0]["GroupId"]

    def seed(self, a, b, ssh_by_cidr=True):
        """The seed across accounts a and b (same Region), peered, routed,
        SSH open in B's default group; returns (vpc_a, vpc_b, sub_b, path)."""
        va = self.vpc(a, TOKYO, "10.1.0.0/16")
        vb = self.vpc(b, TOKYO, "10.2.0.0/16")
        ia = self.instance(a, self.subnet(a, va, "10.1.1.0/24"), "10.1.1.12")
        sub_b = self.subnet(b, vb, "10.2.1.0/24")
        self.instance(b, sub_b, "10.2.1.234")
        p = self.peer(a, va, b, TOKYO, vb)
        for acct, vpc, cidr in ((a, va, "10.2.0.0/16"), (b, vb, "10.1.0.0/16")):
            self.c.ok(acct, TOKYO, "create-route", "--route-table-id", self.main_rtb(acct, vpc),
                      "--destination-cidr-block", cidr, "--vpc-peering-connection-id", p)
        if ssh_by_cidr:
            self.c.ok(b, TOKYO, "authorize-security-group-ingress", "--group-id",
                      self.default_sg(b, TOKYO, vb), "--protocol", "tcp", "--port", "22",
                      "--cidr", "10.1.0.0/16")
        path = self.c.ok(a, TOKYO, "create-network-insights-path", "--source", ia,
                         "--destination-ip", "10.2.1.234", "--protocol", "tcp",
                         "--destination-port", "22")["NetworkInsightsPath"]["NetworkInsightsPathId"]
        return va, vb, sub_b, path, p

    # -- tests ------------------------------------------------------------
    def test_default_and_custom_acls(self):
        self.c.start_agent(A, TOKYO)
        vpc = self.vpc(A, TOKYO, "10.1.0.0/16")
        d = self.default_acl(A, vpc)
        self.assertEqual(list(d.keys()), ACL_KEYS)
        self.assertRegex(d["NetworkAclId"], r"^acl-[0-9a-f]{17}$")
        self.assertEqual((d["IsDefault"], d["VpcId"], d["OwnerId"], d["Associations"], d["Tags"]),
                         (True, vpc, A, [], []))
        # The default ACL: allow all (100), then `*` (32767), out and in.
        self.assertEqual(d["Entries"], [
            {"CidrBlock": "0.0.0.0/0", "Egress": True, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
            {"CidrBlock": "0.0.0.0/0", "Egress": True, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
            {"CidrBlock": "0.0.0.0/0", "Egress": False, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
            {"CidrBlock": "0.0.0.0/0", "Egress": False, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767}])
        for e in d["Entries"]:
            self.assertEqual(list(e.keys()), ENTRY_KEYS)
        # A new subnet is associated with it.
        sub = self.subnet(A, vpc, "10.1.1.0/24")
        (assoc,) = self.default_acl(A, vpc)["Associations"]
        self.assertEqual(assoc["SubnetId"], sub)
        self.assertRegex(assoc["NetworkAclAssociationId"], r"^aclassoc-[0-9a-f]{17}$")

        # A custom ACL denies everything until rules are added.
        out = self.c.ok(A, TOKYO, "create-network-acl", "--vpc-id", vpc, "--tag-specifications",
                        "ResourceType=network-acl,Tags=[{Key=Name,Value=web}]")
        self.assertEqual(list(out.keys()), ["NetworkAcl", "ClientToken"])
        acl = out["NetworkAcl"]["NetworkAclId"]
        self.assertEqual(out["NetworkAcl"]["Tags"], [{"Key": "Name", "Value": "web"}])
        self.assertEqual([e["RuleNumber"] for e in out["NetworkAcl"]["Entries"]], [32767, 32767])
        self.entry_ok(A, acl, 100, False, "allow", "10.2.0.0/16", ports=(22, 22))
        self.assert_error(self.entry(A, acl, 100, False, "deny", "0.0.0.0/0"),
                          "NetworkAclEntryAlreadyExists",
                          "The network acl entry identified by 100 already exists.",
                          "CreateNetworkAclEntry")
        self.assert_error(self.entry(A, acl, 32767, False, "allow", "0.0.0.0/0"),
                          "InvalidParameterValue",
                          "Value (32767) for parameter ruleNumber is invalid. Rule number must be "
                          "between 1 and 32766.", "CreateNetworkAclEntry")
        self.assert_error(self.entry(A, acl, 7, True, "allow", "0.0.0.0/0", verb="replace"),
                          "InvalidNetworkAclEntry.NotFound", "no egress entry with number 7",
                          "ReplaceNetworkAclEntry")
        self.entry_ok(A, acl, 100, False, "allow", "10.2.0.0/16", ports=(443, 443), verb="replace")
        (e,) = [x for x in self.acls(A, f"Name=network-acl-id,Values={acl}")[0]["Entries"]
                if x["RuleNumber"] == 100]
        self.assertEqual(e, {"CidrBlock": "10.2.0.0/16", "Egress": False,
                             "PortRange": {"From": 443, "To": 443}, "Protocol": "6",
                             "RuleAction": "allow", "RuleNumber": 100})

        # Associate the subnet with it; the default ACL cannot be deleted,
        # nor an associated ACL, nor the VPC while a custom ACL exists.
        out = self.c.ok(A, TOKYO, "replace-network-acl-association", "--association-id",
                        assoc["NetworkAclAssociationId"], "--network-acl-id", acl)
        self.assertEqual(list(out.keys()), ["NewAssociationId"])
        self.assertEqual(self.acl_of(A, sub)["NetworkAclId"], acl)
        d_id = d["NetworkAclId"]
        self.assert_error(self.c.ec2(A, TOKYO, "delete-network-acl", "--network-acl-id", d_id),
                          "InvalidParameterValue", f"cannot delete default network ACL {d_id}",
                          "DeleteNetworkAcl")
        self.assert_error(self.c.ec2(A, TOKYO, "delete-network-acl", "--network-acl-id", acl),
                          "DependencyViolation",
                          f"The networkAcl '{acl}' has dependencies and cannot be deleted.",
                          "DeleteNetworkAcl")
        self.c.ok(A, TOKYO, "delete-subnet", "--subnet-id", sub)
        self.assert_error(self.c.ec2(A, TOKYO, "delete-vpc", "--vpc-id", vpc),
                          "DependencyViolation",
                          f"The vpc '{vpc}' has dependencies and cannot be deleted.", "DeleteVpc")

        # kill -9: the ACLs and their entries are still there.
        before = self.acls(A)
        self.c.kill9(self.c.agents[(A, TOKYO)])
        self.c.restart_agent(A, TOKYO)
        self.assertEqual(self.acls(A), before)

        r = self.c.ec2(A, TOKYO, "delete-network-acl", "--network-acl-id", acl)
        self.assertEqual((r.rc, r.out), (0, ""), r)
        self.c.ok(A, TOKYO, "delete-vpc", "--vpc-id", vpc)
        self.assertEqual(self.acls(A), [])

    def test_reachability_through_acls(self):
        self.c.start_agent(A, TOKYO)
        self.c.start_agent(B, TOKYO)
        va, vb, sub_b, path, _ = self.seed(A, B)
        a = self.analyze(A, path)
        self.assertTrue(a["NetworkPathFound"], a)
        acl_a = self.default_acl(A, va)["NetworkAclId"]
        ids = [c["Component"]["Id"] for c in a["ForwardPathComponents"]]
        self.assertIn(acl_a, ids)
        self.assertIn(self.default_acl(B, vb)["NetworkAclId"], ids)

        # B's subnet gets a custom ACL: SSH in from VPC-A, SSH out, but no
        # rule for the reply's ephemeral ports.
        acl = self.c.ok(B, TOKYO, "create-network-acl", "--vpc-id", vb)["NetworkAcl"]["NetworkAclId"]
        self.entry_ok(B, acl, 100, False, "allow", "10.1.0.0/16", ports=(22, 22))
        self.entry_ok(B, acl, 100, True, "allow", "10.1.0.0/16", ports=(22, 22))
        (assoc,) = [x for x in self.acl_of(B, sub_b)["Associations"] if x["SubnetId"] == sub_b]
        self.c.ok(B, TOKYO, "replace-network-acl-association", "--association-id",
                  assoc["NetworkAclAssociationId"], "--network-acl-id", acl)
        a = self.analyze(A, path)
        self.assertFalse(a["NetworkPathFound"], a)
        (e,) = a["Explanations"]
        self.assertEqual(e["ExplanationCode"], "SUBNET_ACL_RESTRICTION")
        self.assertEqual(list(e.keys()), ["Acl", "AclRule", "Direction", "ExplanationCode",
                                          "Subnet", "Vpc"])
        self.assertEqual(e["Acl"]["Id"], acl)
        self.assertEqual(e["Acl"]["Arn"], f"arn:aws:ec2:{TOKYO}:{B}:network-acl/{acl}")
        self.assertEqual(e["Direction"], "egress")
        self.assertEqual(e["AclRule"], {"Cidr": "0.0.0.0/0", "Egress": True, "Protocol": "all",
                                        "RuleAction": "deny", "RuleNumber": 32767})
        # The ephemeral ports back to VPC-A open the path.
        self.entry_ok(B, acl, 110, True, "allow", "10.1.0.0/16", ports=(1024, 65535))
        a = self.analyze(A, path)
        self.assertTrue(a["NetworkPathFound"], a)
        self.assertIn(acl, [c["Component"]["Id"] for c in a["ReturnPathComponents"]])

        # A deny numbered before an allow wins: rule 50 on A's subnet.
        self.entry_ok(A, acl_a, 50, True, "deny", "10.2.0.0/16", ports=(22, 22))
        a = self.analyze(A, path)
        (e,) = a["Explanations"]
        self.assertEqual((e["ExplanationCode"], e["Acl"]["Id"], e["AclRule"]["RuleNumber"],
                          e["AclRule"]["RuleAction"]),
                         ("SUBNET_ACL_RESTRICTION", acl_a, 50, "deny"))
        r = self.c.ec2(A, TOKYO, "delete-network-acl-entry", "--network-acl-id", acl_a,
                       "--rule-number", "50", "--egress")
        self.assertEqual((r.rc, r.out), (0, ""), r)
        self.assertTrue(self.analyze(A, path)["NetworkPathFound"])

    def test_security_group_references(self):
        usw2 = "us-west-2"
        self.c.start_agent(A, TOKYO)
        self.c.start_agent(B, TOKYO)
        self.c.start_agent(B, usw2)
        va, vb, sub_b, path, pcx = self.seed(A, B, ssh_by_cidr=False)
        sg_a, sg_b = self.default_sg(A, TOKYO, va), self.default_sg(B, TOKYO, vb)
        # B admits A's group by ID alone (no VpcId): a same-Region peer's
        # group, known once the connection is active.
        self.wait_for(lambda: self.c.ec2(
            B, TOKYO, "authorize-security-group-ingress", "--group-id", sg_b, "--ip-permissions",
            f"IpProtocol=tcp,FromPort=22,ToPort=22,UserIdGroupPairs=[{{UserId={A},GroupId={sg_a}}}]"
        ).rc == 0, "reference to A's group accepted")
        a = self.analyze(A, path)
        self.assertTrue(a["NetworkPathFound"], a)
        rules = [c["SecurityGroupRule"] for c in a["ForwardPathComponents"]
                 if c.get("SecurityGroupRule", {}).get("Direction") == "ingress"]
        self.assertEqual(rules[0]["SecurityGroupId"], sg_a)
        # A group that does not exist is refused.
        r = self.c.ec2(B, TOKYO, "authorize-security-group-ingress", "--group-id", sg_b,
                       "--ip-permissions", "IpProtocol=tcp,FromPort=80,ToPort=80,UserIdGroupPairs="
                       f"[{{UserId={A},GroupId=sg-0123456789abcdef0}}]")
        self.assert_error(r, "InvalidGroup.NotFound",
                          "The security group 'sg-0123456789abcdef0' does not exist",
                          "AuthorizeSecurityGroupIngress")
        # A sees which peer VPC references its group.
        self.wait_for(lambda: self.c.ok(A, TOKYO, "describe-security-group-references",
                                        "--group-id", sg_a)["SecurityGroupReferenceSet"] != [],
                      "reference known to A")
        out = self.c.ok(A, TOKYO, "describe-security-group-references", "--group-id", sg_a)
        self.assertEqual(out, {"SecurityGroupReferenceSet": [
            {"GroupId": sg_a, "ReferencingVpcId": vb, "VpcPeeringConnectionId": pcx}]})

        # Across Regions the reference is refused when it is written.
        vw = self.vpc(B, usw2, "10.3.0.0/16")
        self.peer(A, va, B, usw2, vw)
        r = self.c.ec2(B, usw2, "authorize-security-group-ingress", "--group-id",
                       self.default_sg(B, usw2, vw), "--ip-permissions",
                       f"IpProtocol=tcp,FromPort=22,ToPort=22,UserIdGroupPairs=[{{UserId={A},GroupId={sg_a}}}]")
        self.assert_error(r, "InvalidParameterValue",
                          "You cannot reference a security group in a peer VPC that is in a "
                          "different Region", "AuthorizeSecurityGroupIngress")

    def test_cli_gaps(self):
        """The AWS CLI's behaviours around the calls: Malformed IDs, botocore's
        minimums checked before sending (exit 252), --output yaml."""
        self.c.start_agent(A, TOKYO)
        r = self.c.ec2(A, TOKYO, "describe-vpc-peering-connections",
                       "--vpc-peering-connection-ids", "pcx-zzz")
        self.assert_error(r, "InvalidVpcPeeringConnectionId.Malformed",
                          'Invalid id: "pcx-zzz" (expecting "pcx-...")',
                          "DescribeVpcPeeringConnections")
        r = self.c.ec2(A, TOKYO, "describe-network-acls", "--network-acl-ids", "acl-1x")
        self.assert_error(r, "InvalidNetworkAclID.Malformed", 'Invalid id: "acl-1x" (expecting "acl-...")',
                          "DescribeNetworkAcls")
        r = self.c.ec2(A, TOKYO, "describe-network-acls", "--max-results", "3")
        self.assertEqual((r.rc, r.out), (252, ""), r)
        self.assertEqual(r.err, "\nParameter validation failed:\nInvalid value for parameter "
                                "MaxResults, value: 3, valid min value: 5\n")
        vpc = self.vpc(A, TOKYO, "10.1.0.0/16")
        acl = self.default_acl(A, vpc)["NetworkAclId"]
        r = self.c.ec2(A, TOKYO, "describe-network-acls", "--network-acl-ids", acl, "--output", "yaml")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.out, (
            "NetworkAcls:\n- Associations: []\n  Entries:\n"
            "  - CidrBlock: 0.0.0.0/0\n    Egress: true\n    Protocol: '-1'\n    RuleAction: allow\n"
            "    RuleNumber: 100\n"
            "  - CidrBlock: 0.0.0.0/0\n    Egress: true\n    Protocol: '-1'\n    RuleAction: deny\n"
            "    RuleNumber: 32767\n"
            "  - CidrBlock: 0.0.0.0/0\n    Egress: false\n    Protocol: '-1'\n    RuleAction: allow\n"
            "    RuleNumber: 100\n"
            "  - CidrBlock: 0.0.0.0/0\n    Egress: false\n    Protocol: '-1'\n    RuleAction: deny\n"
            "    RuleNumber: 32767\n"
            f"  IsDefault: true\n  NetworkAclId: {acl}\n  OwnerId: '{A}'\n  Tags: []\n"
            f"  VpcId: {vpc}\n"))
        r = self.c.ec2(A, TOKYO, "describe-network-acls", "--network-acl-ids", acl, "--output",
                       "yaml-stream")
        self.assertTrue(r.out.startswith("- NetworkAcls:\n  - Associations: []\n"), r)


if __name__ == "__main__":
    harness.main()
