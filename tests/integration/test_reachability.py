"""Instances and reachability across peered VPCs, from the CLI as a user
would: the seed's connection test step by step ("연결 테스트": two
instances, one per VPC, reach each other by private IP only when the pcx is
active, both route tables point at it and the security groups allow it),
the same across accounts by destination IP, and across Regions, where the
broker relays the analysis only as ciphertext."""
import json
import os
import subprocess
import time

import harness
from peering_util import A, B, TOKYO, WAIT_S, PcxTest

USW2 = "us-west-2"
AMI = "ami-0abcdef1234567890"


def broker_has_capture():
    out = subprocess.run([os.path.join(harness.BIN, "vpcsim-broker"), "--help"],
                         capture_output=True, text=True, timeout=10)
    return "--capture" in out.stdout + out.stderr


class Reach(PcxTest):
    def setUp(self):
        # Our own broker, with --capture when it has it, so the inter-Region
        # test can read exactly what the broker relayed.
        self.c = harness.Cluster()
        self.capture = os.path.join(self.c.dir, "capture.txt") if broker_has_capture() else None
        self.c.start_broker(capture=self.capture)

    # -- helpers -----------------------------------------------------------
    def subnet(self, acct, region, vpc, cidr):
        return self.c.ok(acct, region, "create-subnet", "--vpc-id", vpc,
                         "--cidr-block", cidr)["Subnet"]["SubnetId"]

    def instance(self, acct, region, subnet, ip, name):
        out = self.c.ok(acct, region, "run-instances", "--image-id", AMI, "--count", "1",
                        "--subnet-id", subnet, "--private-ip-address", ip,
                        "--tag-specifications",
                        f"ResourceType=instance,Tags=[{{Key=Name,Value={name}}}]")
        self.assertEqual(list(out.keys())[:4], ["ReservationId", "OwnerId", "Groups", "Instances"])
        i = out["Instances"][0]
        self.assertEqual(i["PrivateIpAddress"], ip)
        self.assertEqual(i["State"], {"Code": 0, "Name": "pending"})
        return i

    def main_rtb(self, acct, region, vpc):
        t = self.c.ok(acct, region, "describe-route-tables", "--filters",
                      f"Name=vpc-id,Values={vpc}", "Name=association.main,Values=true")
        return t["RouteTables"][0]["RouteTableId"]

    def route(self, acct, region, vpc, cidr, *target):
        self.c.ok(acct, region, "create-route", "--route-table-id",
                  self.main_rtb(acct, region, vpc), "--destination-cidr-block", cidr, *target)

    def igw(self, acct, region, vpc):
        g = self.c.ok(acct, region, "create-internet-gateway")["InternetGateway"]["InternetGatewayId"]
        self.c.ok(acct, region, "attach-internet-gateway", "--internet-gateway-id", g,
                  "--vpc-id", vpc)
        self.route(acct, region, vpc, "0.0.0.0/0", "--gateway-id", g)

    def default_sg(self, acct, region, vpc):
        g = self.c.ok(acct, region, "describe-security-groups", "--filters",
                      f"Name=vpc-id,Values={vpc}", "Name=group-name,Values=default")
        return g["SecurityGroups"][0]["GroupId"]

    def default_acl(self, acct, region, vpc):
        a = self.c.ok(acct, region, "describe-network-acls", "--filters",
                      f"Name=vpc-id,Values={vpc}", "Name=default,Values=true")
        return a["NetworkAcls"][0]["NetworkAclId"]

    def path(self, acct, region, src, *dst, port=22):
        out = self.c.ok(acct, region, "create-network-insights-path", "--source", src, *dst,
                        "--protocol", "tcp", "--destination-port", str(port))
        p = out["NetworkInsightsPath"]
        self.assertRegex(p["NetworkInsightsPathId"], r"^nip-[0-9a-f]{17}$")
        return p["NetworkInsightsPathId"]

    def analyze(self, acct, region, path):
        """start, then poll describe until the analysis is done."""
        s = self.c.ok(acct, region, "start-network-insights-analysis",
                      "--network-insights-path-id", path)["NetworkInsightsAnalysis"]
        self.assertEqual(s["Status"], "running")
        self.assertRegex(s["NetworkInsightsAnalysisId"], r"^nia-[0-9a-f]{17}$")
        deadline = time.time() + WAIT_S
        while True:
            d = self.c.ok(acct, region, "describe-network-insights-analyses",
                          "--network-insights-analysis-ids", s["NetworkInsightsAnalysisId"])
            a = d["NetworkInsightsAnalyses"][0]
            if a["Status"] != "running":
                self.assertEqual(a["Status"], "succeeded", a)
                return a
            if time.time() > deadline:
                self.fail(f"analysis {a} still running after {WAIT_S}s")
            time.sleep(0.1)

    def codes(self, a):
        self.assertFalse(a["NetworkPathFound"], a)
        return [e["ExplanationCode"] for e in a["Explanations"]]

    def ids(self, a, key):
        comps = a[key]
        self.assertEqual([c["SequenceNumber"] for c in comps], list(range(1, len(comps) + 1)))
        return [c["Component"]["Id"] for c in comps]

    def wait_running(self, acct, region, *ids):
        def running():
            d = self.c.ok(acct, region, "describe-instances", "--instance-ids", *ids)
            return all(i["State"]["Name"] == "running"
                       for r in d["Reservations"] for i in r["Instances"])
        self.wait_for(running, "instances running")

    def seed(self, a, ra, b, rb):
        va = self.vpc(a, ra, "10.1.0.0/16")
        vb = self.vpc(b, rb, "10.2.0.0/16")
        ia = self.instance(a, ra, self.subnet(a, ra, va, "10.1.1.0/24"), "10.1.1.12", "VPC-A")
        ib = self.instance(b, rb, self.subnet(b, rb, vb, "10.2.1.0/24"), "10.2.1.234", "VPC-B")
        self.advance(5)
        self.wait_running(a, ra, ia["InstanceId"])
        self.wait_running(b, rb, ib["InstanceId"])
        return va, vb, ia, ib

    def peer(self, a, ra, va, b, rb, vb):
        p = self.create(a, ra, va, vb, owner=b if b != a else None,
                        peer_region=rb if rb != ra else None)["VpcPeeringConnectionId"]
        self.wait_code(b, rb, p, "pending-acceptance")
        self.act_ok(b, rb, "accept", p)
        self.wait_for(lambda: self.code(a, ra, p) in ("provisioning", "active"), "accepted")
        self.advance(2)
        self.wait_code(a, ra, p, "active")
        self.wait_code(b, rb, p, "active")
        return p

    # -- tests ------------------------------------------------------------
    def test_seed_connection_test(self):
        self.c.start_agent(A, TOKYO)
        va, vb, ia, ib = self.seed(A, TOKYO, A, TOKYO)
        # The seed's route tables: local and 0.0.0.0/0 to an internet gateway.
        self.igw(A, TOKYO, va)
        self.igw(A, TOKYO, vb)
        i_a, i_b = ia["InstanceId"], ib["InstanceId"]
        eni_a = ia["NetworkInterfaces"][0]["NetworkInterfaceId"]
        sub = self.c.ok(A, TOKYO, "describe-subnets", "--subnet-ids", ia["SubnetId"])["Subnets"][0]
        self.assertEqual(sub["AvailableIpAddressCount"], 250)
        path = self.path(A, TOKYO, i_a, "--destination", i_b)

        self.assertEqual(self.codes(self.analyze(A, TOKYO, path)), ["DISCONNECTED_VPCS"])
        pcx = self.peer(A, TOKYO, va, A, TOKYO, vb)
        self.assertEqual(self.codes(self.analyze(A, TOKYO, path)), ["NO_ROUTE_TO_DESTINATION"])

        self.route(A, TOKYO, va, "10.2.0.0/16", "--vpc-peering-connection-id", pcx)
        self.route(A, TOKYO, vb, "10.1.0.0/16", "--vpc-peering-connection-id", pcx)
        a = self.analyze(A, TOKYO, path)
        self.assertEqual(self.codes(a), ["ENI_SG_RULES_MISMATCH"])
        self.assertEqual(a["Explanations"][0]["Direction"], "ingress")
        sg_b = self.default_sg(A, TOKYO, vb)
        self.assertEqual(a["Explanations"][0]["SecurityGroups"][0]["Id"], sg_b)

        self.c.ok(A, TOKYO, "authorize-security-group-ingress", "--group-id", sg_b,
                  "--protocol", "tcp", "--port", "22", "--cidr", "10.1.0.0/16")
        a = self.analyze(A, TOKYO, path)
        self.assertTrue(a["NetworkPathFound"], a)
        fwd = self.ids(a, "ForwardPathComponents")
        self.assertEqual(fwd[0], i_a)
        self.assertEqual(fwd[1], eni_a)
        # Each subnet's default network ACL is on the path, out of A's
        # subnet and into B's, and back (reference 7.2 steps 2, 7, 9).
        acl_a, acl_b = self.default_acl(A, TOKYO, va), self.default_acl(A, TOKYO, vb)
        self.assertEqual(fwd[3], acl_a)
        self.assertEqual(fwd[5], pcx)
        self.assertEqual(fwd[6], acl_b)
        self.assertEqual(fwd[7], sg_b)
        self.assertEqual(fwd[-1], i_b)
        self.assertEqual(a["ForwardPathComponents"][4]["RouteTableRoute"]["VpcPeeringConnectionId"], pcx)
        ret = self.ids(a, "ReturnPathComponents")
        self.assertEqual((ret[0], ret[2], ret[4], ret[5], ret[-1]), (i_b, acl_b, pcx, acl_a, i_a))
        keys = list(a.keys())
        self.assertEqual(keys, ["NetworkInsightsAnalysisId", "NetworkInsightsAnalysisArn",
                                "NetworkInsightsPathId", "FilterInArns", "StartDate", "Status",
                                "NetworkPathFound", "ForwardPathComponents",
                                "ReturnPathComponents", "Tags"])

        # Peering deleted: the routes remain as blackholes.
        self.act_ok(A, TOKYO, "delete", pcx)
        self.wait_code(A, TOKYO, pcx, "deleted")
        a = self.analyze(A, TOKYO, path)
        self.assertEqual(self.codes(a), ["BAD_STATE_ROUTE"])
        self.assertEqual(a["Explanations"][0]["RouteTableRoute"]["State"], "blackhole")

        # Instances: terminate, the subnet waits for them, the address returns.
        t = self.c.ok(A, TOKYO, "terminate-instances", "--instance-ids", i_a)
        self.assertEqual(t["TerminatingInstances"],
                         [{"InstanceId": i_a, "CurrentState": {"Code": 32, "Name": "shutting-down"},
                           "PreviousState": {"Code": 16, "Name": "running"}}])
        r = self.c.ec2(A, TOKYO, "delete-subnet", "--subnet-id", ia["SubnetId"])
        self.assert_error(r, "DependencyViolation",
                          f"The subnet '{ia['SubnetId']}' has dependencies and cannot be deleted.",
                          "DeleteSubnet")
        self.advance(5)

        def terminated():
            d = self.c.ok(A, TOKYO, "describe-instances", "--filters",
                          "Name=instance-state-name,Values=terminated")
            return [i["InstanceId"] for r in d["Reservations"] for i in r["Instances"]] == [i_a]
        self.wait_for(terminated, "terminated")
        self.c.ok(A, TOKYO, "delete-subnet", "--subnet-id", ia["SubnetId"])
        r = self.c.ec2(A, TOKYO, "run-instances", "--image-id", AMI, "--subnet-id", ib["SubnetId"],
                       "--private-ip-address", "10.2.1.234")
        self.assert_error(r, "InvalidIPAddress.InUse", "Address 10.2.1.234 is in use.",
                          "RunInstances")
        r = self.c.ec2(A, TOKYO, "run-instances", "--image-id", AMI, "--subnet-id", ib["SubnetId"],
                       "--private-ip-address", "10.2.1.1")
        self.assert_error(r, "InvalidParameterValue",
                          "Address 10.2.1.1 is in subnet's reserved address range", "RunInstances")

    def test_cross_account_by_destination_ip(self):
        self.c.start_agent(A, TOKYO)
        self.c.start_agent(B, TOKYO)
        va, vb, ia, ib = self.seed(A, TOKYO, B, TOKYO)
        pcx = self.peer(A, TOKYO, va, B, TOKYO, vb)
        # The destination is in B's account: A names it by address.
        path = self.path(A, TOKYO, ia["InstanceId"], "--destination-ip", "10.2.1.234")
        self.route(A, TOKYO, va, "10.2.0.0/16", "--vpc-peering-connection-id", pcx)
        self.assertEqual(self.codes(self.analyze(A, TOKYO, path)), ["ENI_SG_RULES_MISMATCH"])
        sg_b = self.default_sg(B, TOKYO, vb)
        self.c.ok(B, TOKYO, "authorize-security-group-ingress", "--group-id", sg_b,
                  "--protocol", "tcp", "--port", "22", "--cidr", "10.1.1.12/32")
        a = self.analyze(A, TOKYO, path)
        self.assertEqual(self.codes(a), ["NO_ROUTE_TO_DESTINATION"])
        self.assertEqual(a["Explanations"][0]["RouteTable"]["Id"], self.main_rtb(B, TOKYO, vb))
        self.route(B, TOKYO, vb, "10.1.0.0/16", "--vpc-peering-connection-id", pcx)
        a = self.analyze(A, TOKYO, path)
        self.assertTrue(a["NetworkPathFound"], a)
        fwd = a["ForwardPathComponents"]
        self.assertEqual(fwd[-1]["Component"]["Id"], ib["InstanceId"])
        self.assertEqual(fwd[-1]["Component"]["Arn"],
                         f"arn:aws:ec2:{TOKYO}:{B}:instance/{ib['InstanceId']}")

    def test_inter_region_hop_is_sealed(self):
        self.c.start_agent(A, TOKYO)
        self.c.start_agent(B, USW2)
        va, vb, ia, ib = self.seed(A, TOKYO, B, USW2)
        pcx = self.peer(A, TOKYO, va, B, USW2, vb)
        self.route(A, TOKYO, va, "10.2.0.0/16", "--vpc-peering-connection-id", pcx)
        self.route(B, USW2, vb, "10.1.0.0/16", "--vpc-peering-connection-id", pcx)
        self.c.ok(B, USW2, "authorize-security-group-ingress", "--group-id",
                  self.default_sg(B, USW2, vb), "--protocol", "tcp", "--port", "22",
                  "--cidr", "10.1.0.0/16")
        path = self.path(A, TOKYO, ia["InstanceId"], "--destination-ip", "10.2.1.234")
        a = self.analyze(A, TOKYO, path)
        self.assertTrue(a["NetworkPathFound"], a)
        hop = [c for c in a["ForwardPathComponents"] if c["Component"]["Id"] == pcx][0]
        detail = hop["AdditionalDetails"][0]
        self.assertEqual(detail["AdditionalDetailType"], "INTER_REGION_TRAFFIC_ENCRYPTED")
        self.assertEqual(detail["RuleOptions"],
                         [{"Keyword": "encryption", "Settings": ["AEAD"]},
                          {"Keyword": "mtu", "Settings": ["1500"]}])
        # Blocked port: judged by B's agent, answered through the same channel.
        a = self.analyze(A, TOKYO, self.path(A, TOKYO, ia["InstanceId"],
                                             "--destination-ip", "10.2.1.234", port=3306))
        self.assertEqual(self.codes(a), ["ENI_SG_RULES_MISMATCH"])
        if not self.capture:
            self.skipTest("vpcsim-broker has no --capture; see check_reach_seal")
        self.assert_broker_saw_no_plaintext(ia, ib, va, vb)

    def assert_broker_saw_no_plaintext(self, ia, ib, va, vb):
        # Every PeerMessage between the two Regions: "TIME FROM -> TO sealed=N HEX
        # [JSON]", the JSON form printed for a typed message (peer.proto
        # ReachMessage); the older JSON messages are their own text.
        payloads = []
        with open(self.capture) as f:
            for line in f:
                parts = line.rstrip("\n").split(" ", 6)
                if len(parts) < 6 or {parts[1], parts[3]} != {f"{A}/{TOKYO}", f"{B}/{USW2}"}:
                    continue
                if parts[5] != "-":
                    raw = bytes.fromhex(parts[5]).decode("utf-8", "replace")
                    payloads.append((parts[4], parts[6] if len(parts) > 6 else raw, raw))
        kinds = {}
        for flag, p, raw in payloads:
            try:
                t = json.loads(p).get("T")
            except ValueError:
                t = None
            kinds[t] = kinds.get(t, 0) + 1
            if t in ("Probe", "ProbeResult"):
                self.fail(f"the broker relayed a probe in clear: {p[:200]}")
            # The PeerMessage says so too, so the broker can tell without looking.
            self.assertEqual(flag, "sealed=1" if t == "Sealed" else "sealed=0", p[:80])
            if t == "Sealed":
                for secret in ("10.1.1.12", "10.2.1.234", ia["InstanceId"], ib["InstanceId"],
                               va, vb, "Probe"):
                    self.assertNotIn(secret, p)
                    self.assertNotIn(secret, raw)
        # One key exchange, then two sealed probes and their two answers.
        self.assertEqual(kinds.get("ReachKey"), 2, kinds)
        self.assertEqual(kinds.get("Sealed"), 4, kinds)


if __name__ == "__main__":
    harness.main()
